/* cc-application.h: the certconsole application: command line, app-wide actions, windows. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CC_TYPE_APPLICATION (cc_application_get_type ())
G_DECLARE_FINAL_TYPE (CcApplication, cc_application, CC, APPLICATION, AdwApplication)

CcApplication *cc_application_new (void);

typedef struct _CcWindow CcWindow;
/* the window showing the deployment in path (borrowed), or NULL */
CcWindow      *cc_application_find_window (CcApplication *self,
                                           const char    *path);

G_END_DECLS
