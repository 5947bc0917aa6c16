/* cc-preferences-window.h: the preferences: expiry warning, defaults for new requests, and
 * the last deployment opened, all kept in GSettings. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CC_TYPE_PREFERENCES_WINDOW (cc_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (CcPreferencesWindow, cc_preferences_window, CC, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* parent: nullable */
GtkWidget     *cc_preferences_window_new                 (GtkWindow           *parent);

/* For the tests. */
GtkSpinButton *_cc_preferences_window_get_expiry_spin    (CcPreferencesWindow *self);
AdwComboRow   *_cc_preferences_window_get_key_type_row   (CcPreferencesWindow *self);
GtkEditable   *_cc_preferences_window_get_organization_row (CcPreferencesWindow *self);
AdwActionRow  *_cc_preferences_window_get_last_deployment_row (CcPreferencesWindow *self);

G_END_DECLS
