/* cc-gui-util.c: small pieces the console's dialogs and the Certificate Wizard share. */
#include "config.h"

#include <string.h>

#include "certconsole-core.h"
#include "cc-gui-util.h"

void
cc_gui_wipe_string (char *str)
{
  if (str == NULL)
    return;
  explicit_bzero (str, strlen (str));
  g_free (str);
}

void
cc_gui_add_file_filter (GtkFileChooser     *chooser,
                        const char         *name,
                        const char         *extension,
                        const char * const *patterns)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  g_object_set_data (G_OBJECT (filter), "extension", (gpointer) extension);
  gtk_file_chooser_add_filter (chooser, filter);
}

void
cc_gui_add_result_line (GtkWidget  *results,
                        const char *icon_name,
                        const char *css_class,
                        const char *text)
{
  /* a grid, not a box: GTK 4.8 measures a box of an icon and a wrapping label one pixel
   * short in a message dialog, and says so */
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);
  GtkWidget *label = gtk_label_new (text);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, css_class);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* about the dialog's width at least: the dialog takes its height from its narrowest
   * layout, which many short lines would make far too tall */
  gtk_label_set_width_chars (GTK_LABEL (label), 30);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_grid_attach (GTK_GRID (grid), icon, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), label, 1, 0, 1, 1);
  gtk_box_append (GTK_BOX (results), grid);
}

void
cc_gui_box_clear (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

char *
cc_gui_format_interfaces (const char *ids)
{
  g_auto(GStrv) parts = g_strsplit (ids != NULL ? ids : "", ",", -1);
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *id = g_strstrip (parts[i]);
      CcInterface iface;

      if (id[0] == '\0')
        continue;
      if (str->len > 0)
        g_string_append (str, ", ");
      if (cc_interface_from_id (id, &iface))
        g_string_append (str, cc_interface_get_display_name (iface));
      else
        g_string_append (str, id);
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

void
cc_gui_read_certificates_thread (GTask        *task,
                                 gpointer      source,
                                 gpointer      task_data,
                                 GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *certificates = cc_read_certificates_file (task_data, &error);

  if (certificates == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, certificates, (GDestroyNotify) g_ptr_array_unref);
}
