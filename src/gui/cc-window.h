/* cc-window.h: the console window: the deployment's site → pool → server → store tree and
 * the selected store's certificates. */
#pragma once

#include <adwaita.h>

#include "certconsole-core.h"
#include "cc-application.h"

G_BEGIN_DECLS

#define CC_TYPE_WINDOW (cc_window_get_type ())
G_DECLARE_FINAL_TYPE (CcWindow, cc_window, CC, WINDOW, AdwApplicationWindow)

/* Opens (or, the first time, creates with the demo topology) the deployment in
 * deployment_path, without blocking the main loop. application: nullable. */
CcWindow     *cc_window_new                 (CcApplication *application,
                                             const char    *deployment_path);
const char   *cc_window_get_deployment_path (CcWindow      *self);
/* NULL until the deployment is open */
CcDeployment *cc_window_get_deployment      (CcWindow      *self);
/* TRUE while the deployment opens or a store loads ("busy" notifies) */
gboolean      cc_window_get_busy            (CcWindow      *self);

G_END_DECLS
