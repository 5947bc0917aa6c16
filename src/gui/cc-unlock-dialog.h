/* cc-unlock-dialog.h: the small window that asks for the deployment's passphrase and
 * unlocks its keys off the main thread; a wrong passphrase is shown on it. */
#pragma once

#include <adwaita.h>

#include "certconsole-core.h"

G_BEGIN_DECLS

#define CC_TYPE_UNLOCK_DIALOG (cc_unlock_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CcUnlockDialog, cc_unlock_dialog, CC, UNLOCK_DIALOG, AdwWindow)

/* Signal "unlocked": the deployment's keys are unlocked; the dialog then closes itself. */
GtkWidget *cc_unlock_dialog_new (GtkWindow    *parent,
                                 CcDeployment *deployment);

/* For the tests. */
GtkEditable *_cc_unlock_dialog_get_passphrase_row (CcUnlockDialog *self);
GtkLabel    *_cc_unlock_dialog_get_error_label    (CcUnlockDialog *self);
gboolean     _cc_unlock_dialog_get_running        (CcUnlockDialog *self);

G_END_DECLS
