/* cc-preferences-window.c: the preferences window: every row bound to its GSettings key, so
 * that a change applies at once, everywhere. */
#include "config.h"

#include <glib/gi18n.h>

#include "cc-preferences-window.h"

/* in the order of the template's key_types list, as the schema's choices spell them */
static const char * const key_type_ids[] = {
  "rsa:2048",
  "rsa:3072",
  "rsa:4096",
  "ec:p256",
  "ec:p384",
};

struct _CcPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  GtkSpinButton        *expiry_spin;
  AdwComboRow          *key_type_row;
  AdwEntryRow          *organization_row;
  AdwEntryRow          *organizational_unit_row;
  AdwEntryRow          *country_row;
  AdwEntryRow          *state_row;
  AdwEntryRow          *city_row;
  AdwActionRow         *last_deployment_row;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (CcPreferencesWindow, cc_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
key_type_get_mapping (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (key_type_ids); i++)
    if (g_str_equal (id, key_type_ids[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
key_type_set_mapping (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  if (i >= G_N_ELEMENTS (key_type_ids))
    return NULL;
  return g_variant_new_string (key_type_ids[i]);
}

static void
update_last_deployment (CcPreferencesWindow *self,
                        const char          *key,
                        GSettings           *settings)
{
  g_autofree char *path = g_settings_get_string (self->settings, "last-deployment");
  g_autofree char *display = NULL;

  if (path[0] != '\0')
    display = g_filename_display_name (path);
  adw_action_row_set_subtitle (self->last_deployment_row,
                               display != NULL ? display
                                               : _("The default deployment in your data folder"));
}

/* C is two letters (ISO 3166): flag anything else as it is typed */
static void
country_changed_cb (CcPreferencesWindow *self,
                    GtkEditable         *editable)
{
  const char *text = gtk_editable_get_text (editable);
  gboolean valid = text[0] == '\0'
                   || (strlen (text) == 2 && g_ascii_isalpha (text[0]) && g_ascii_isalpha (text[1]));

  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
}

static void
cc_preferences_window_dispose (GObject *object)
{
  CcPreferencesWindow *self = CC_PREFERENCES_WINDOW (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CC_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cc_preferences_window_parent_class)->dispose (object);
}

static void
cc_preferences_window_class_init (CcPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cc_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certconsole/CertConsole/cc-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CcPreferencesWindow, expiry_spin);
  gtk_widget_class_bind_template_child (widget_class, CcPreferencesWindow, key_type_row);
  gtk_widget_class_bind_template_child (widget_class, CcPreferencesWindow, organization_row);
  gtk_widget_class_bind_template_child (widget_class, CcPreferencesWindow, organizational_unit_row);
  gtk_widget_class_bind_template_child (widget_class, CcPreferencesWindow, country_row);
  gtk_widget_class_bind_template_child (widget_class, CcPreferencesWindow, state_row);
  gtk_widget_class_bind_template_child (widget_class, CcPreferencesWindow, city_row);
  gtk_widget_class_bind_template_child (widget_class, CcPreferencesWindow, last_deployment_row);

  gtk_widget_class_bind_template_callback (widget_class, country_changed_cb);
}

static void
bind_entry (CcPreferencesWindow *self,
            AdwEntryRow         *row,
            const char          *key)
{
  g_settings_bind (self->settings, key, row, "text", G_SETTINGS_BIND_DEFAULT);
}

static void
cc_preferences_window_init (CcPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "expiry-warning-days",
                   gtk_spin_button_get_adjustment (self->expiry_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "default-key-type",
                                self->key_type_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                key_type_get_mapping, key_type_set_mapping, NULL, NULL);
  bind_entry (self, self->organization_row, "default-organization");
  bind_entry (self, self->organizational_unit_row, "default-organizational-unit");
  bind_entry (self, self->country_row, "default-country");
  bind_entry (self, self->state_row, "default-state");
  bind_entry (self, self->city_row, "default-city");

  g_signal_connect_object (self->settings, "changed::last-deployment",
                           G_CALLBACK (update_last_deployment), self, G_CONNECT_SWAPPED);
  update_last_deployment (self, NULL, self->settings);
}

GtkWidget *
cc_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (CC_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}

GtkSpinButton *
_cc_preferences_window_get_expiry_spin (CcPreferencesWindow *self)
{
  g_return_val_if_fail (CC_IS_PREFERENCES_WINDOW (self), NULL);

  return self->expiry_spin;
}

AdwComboRow *
_cc_preferences_window_get_key_type_row (CcPreferencesWindow *self)
{
  g_return_val_if_fail (CC_IS_PREFERENCES_WINDOW (self), NULL);

  return self->key_type_row;
}

GtkEditable *
_cc_preferences_window_get_organization_row (CcPreferencesWindow *self)
{
  g_return_val_if_fail (CC_IS_PREFERENCES_WINDOW (self), NULL);

  return GTK_EDITABLE (self->organization_row);
}

AdwActionRow *
_cc_preferences_window_get_last_deployment_row (CcPreferencesWindow *self)
{
  g_return_val_if_fail (CC_IS_PREFERENCES_WINDOW (self), NULL);

  return self->last_deployment_row;
}
