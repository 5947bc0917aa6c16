/* cc-wizard-actions.h: the console window's server.wizard and pool.wizard actions, which open
 * the Certificate Wizard on the server or pool selected in the sidebar, and the sidebar's
 * context menu that offers them. */
#pragma once

#include "cc-window.h"
#include "cc-certificate-wizard.h"

G_BEGIN_DECLS

/* from cc_window_class_init */
void                 _cc_wizard_actions_class_init   (GtkWidgetClass *window_class);
/* from cc_window_init, after the template */
void                 _cc_wizard_actions_init         (CcWindow       *window);

/* For the tests: the wizard opened last, while it is open (borrowed, nullable); the
 * sidebar's context menu, and showing it at x, y of the sidebar (selecting the row there). */
CcCertificateWizard *_cc_wizard_actions_get_wizard   (CcWindow       *window);
GtkPopover          *_cc_wizard_actions_get_menu     (CcWindow       *window);
void                 _cc_wizard_actions_popup_menu   (CcWindow       *window,
                                                      double          x,
                                                      double          y);

G_END_DECLS
