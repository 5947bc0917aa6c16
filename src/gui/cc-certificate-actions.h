/* cc-certificate-actions.h: the console window's cert.* actions on the certificate selected
 * in the store browser (view, export, delete with undo, assign, copy thumbprint, import on the
 * other pool members, import), its context menu, shortcuts and file drops. */
#pragma once

#include "cc-window.h"

G_BEGIN_DECLS

/* from cc_window_class_init: installs the cert.* actions */
void                  _cc_certificate_actions_class_init         (GtkWidgetClass *window_class);
/* from cc_window_init, after the template: menu, shortcuts, drops, enabled states */
void                  _cc_certificate_actions_init               (CcWindow       *window);

/* For the tests. */

/* workflows started by these actions that have not finished */
guint                 _cc_certificate_actions_get_n_running      (CcWindow       *window);
/* the last toast shown (borrowed, nullable) */
AdwToast             *_cc_certificate_actions_get_last_toast     (CcWindow       *window);
/* the open export or import file chooser (borrowed, nullable) */
GtkFileChooserNative *_cc_certificate_actions_get_file_chooser   (CcWindow       *window);
/* the context menu, and showing it at x, y of the certificate list */
GtkPopover           *_cc_certificate_actions_get_menu           (CcWindow       *window);
void                  _cc_certificate_actions_popup_menu         (CcWindow       *window,
                                                                  double          x,
                                                                  double          y);
/* what a drop of files (GFile) on the store browser does */
gboolean              _cc_certificate_actions_import_files       (CcWindow       *window,
                                                                  GSList         *files);

G_END_DECLS
