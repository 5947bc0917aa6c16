/* cc-certificate-dialog.c: the certificate viewer: what the core says about a certificate
 * (sections, intended purposes, the certification path one server sees), drawn. */
#include "config.h"

#include <glib/gi18n.h>

#include "cc-certificate-dialog.h"
#include "cc-certificate-dialog-private.h"

struct _CcCertificateDialog
{
  AdwWindow             parent_instance;

  /* template widgets */
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack         *view_stack;
  GtkLabel             *general_status_label;
  GtkWidget            *warning_box;
  GtkImage             *warning_icon;
  GtkLabel             *warning_label;
  GtkLabel             *purposes_label;
  GtkLabel             *issued_to_label;
  GtkLabel             *issued_by_label;
  GtkLabel             *valid_from_label;
  GtkLabel             *valid_to_label;
  GtkWidget            *friendly_name_title;
  GtkLabel             *friendly_name_label;
  GtkWidget            *key_box;
  GtkLabel             *exportable_label;
  GtkListBox           *details_list;
  GtkLabel             *value_title_label;
  GtkTextView          *value_view;
  GtkLabel             *path_title_label;
  GtkStack             *path_stack;
  AdwStatusPage        *path_error_page;
  GtkListBox           *path_list;
  GtkImage             *path_status_icon;
  GtkLabel             *path_status_label;

  CcServer             *server;
  CcStore              *store;          /* nullable */
  CcStoreEntry         *entry;          /* nullable */
  CcCertificate        *certificate;

  GPtrArray            *path;           /* CcPathLink*, leaf first; NULL until built */
  GError               *path_error;     /* loading a trust store failed */
  GCancellable         *cancellable;    /* cancelled when the viewer closes */
  guint                 n_loading;
  guint                 update_path_id;
};

G_DEFINE_FINAL_TYPE (CcCertificateDialog, cc_certificate_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SERVER,
  PROP_STORE,
  PROP_ENTRY,
  PROP_CERTIFICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_path (CcCertificateDialog *self);

/* "31 January 2027, 12:00" in the local time zone */
static char *
format_local_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (date);
  /* Translators: a certificate's validity dates, strftime()-style: "31 January 2027, 12:00" */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

static gboolean
is_not_yet_valid (CcCertificate *certificate,
                  GDateTime     *now)
{
  GDateTime *not_before = cc_certificate_get_not_before (certificate);

  return not_before != NULL && g_date_time_compare (now, not_before) < 0;
}

/* General. */

static char *
dup_purposes_text (CcCertificate *certificate)
{
  g_autofree char *purposes = cc_certificate_dup_intended_purposes (certificate);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  /* no EKU extension: good for anything its issuer allows */
  if (g_strcmp0 (purposes, "<All>") == 0 || g_strcmp0 (purposes, _("<All>")) == 0)
    return g_strdup (_("• All purposes"));

  parts = g_strsplit (purposes, ", ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: one line of the list of intended purposes */
      g_string_append_printf (text, _("• %s"), parts[i]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The warning card: expiry first (known at once), then what the path says (once built). */
static void
update_warning (CcCertificateDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean error = FALSE;

  if (cc_certificate_is_expired (self->certificate, now))
    {
      g_autofree char *when = format_local_date (cc_certificate_get_not_after (self->certificate));

      /* Translators: %s is a date */
      g_string_append_printf (text, _("This certificate expired on %s. No server or client "
                                      "accepts it any more: request a new one."), when);
      error = TRUE;
    }
  else if (is_not_yet_valid (self->certificate, now))
    {
      g_autofree char *when = format_local_date (cc_certificate_get_not_before (self->certificate));

      /* Translators: %s is a date */
      g_string_append_printf (text, _("This certificate is not valid before %s."), when);
    }

  for (guint i = 0; self->path != NULL && i < self->path->len; i++)
    {
      CcPathLink *link = g_ptr_array_index (self->path, i);

      if (link->status == CC_LINK_NOT_TRUSTED || link->status == CC_LINK_MISSING_ISSUER)
        {
          if (text->len > 0)
            g_string_append (text, "\n");
          /* Translators: %s is a server's FQDN */
          g_string_append_printf (text, _("This certificate cannot be verified up to a trusted "
                                          "certification authority on %s."),
                                  cc_server_get_fqdn (self->server));
          error = TRUE;
          break;
        }
      if (i > 0 && link->status == CC_LINK_EXPIRED)
        {
          if (text->len > 0)
            g_string_append (text, "\n");
          g_string_append (text, _("A certificate of its certification path is not valid now."));
          error = TRUE;
          break;
        }
    }

  gtk_label_set_text (self->warning_label, text->str);
  gtk_widget_set_visible (self->warning_box, text->len > 0);
  gtk_image_set_from_icon_name (self->warning_icon,
                                error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  /* the icon in the colour of what it says, the card tinted (style.css) */
  gtk_widget_set_css_classes (GTK_WIDGET (self->warning_icon),
                              (const char *[]) { error ? "error" : "warning", NULL });
  if (error)
    {
      gtk_widget_remove_css_class (self->warning_box, "cc-warning");
      gtk_widget_add_css_class (self->warning_box, "cc-error");
    }
  else
    {
      gtk_widget_remove_css_class (self->warning_box, "cc-error");
      gtk_widget_add_css_class (self->warning_box, "cc-warning");
    }
}

static void
populate_general (CcCertificateDialog *self)
{
  g_autofree char *purposes = dup_purposes_text (self->certificate);
  g_autofree char *from = format_local_date (cc_certificate_get_not_before (self->certificate));
  g_autofree char *to = format_local_date (cc_certificate_get_not_after (self->certificate));
  g_autofree char *where = NULL;

  if (self->store != NULL)
    /* Translators: "In the Personal store of edge01.contoso.com" */
    where = g_strdup_printf (_("In the %s store of %s"), cc_store_get_display_name (self->store),
                             cc_server_get_fqdn (self->server));
  else
    /* Translators: %s is a server's FQDN */
    where = g_strdup_printf (_("In a certification path, as %s sees it"),
                             cc_server_get_fqdn (self->server));
  gtk_label_set_text (self->general_status_label, where);

  gtk_label_set_text (self->purposes_label, purposes);
  gtk_label_set_text (self->issued_to_label, cc_certificate_get_issued_to (self->certificate));
  gtk_label_set_text (self->issued_by_label, cc_certificate_get_issued_by (self->certificate));
  gtk_label_set_text (self->valid_from_label, from);
  gtk_label_set_text (self->valid_to_label, to);

  gtk_widget_set_visible (self->friendly_name_title, self->entry != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->friendly_name_label), self->entry != NULL);
  if (self->entry != NULL)
    {
      const char *friendly_name = cc_store_entry_get_friendly_name (self->entry);

      if (friendly_name[0] != '\0')
        {
          gtk_label_set_text (self->friendly_name_label, friendly_name);
          gtk_widget_remove_css_class (GTK_WIDGET (self->friendly_name_label), "dim-label");
        }
      else
        {
          gtk_label_set_text (self->friendly_name_label, _("None"));
          gtk_widget_add_css_class (GTK_WIDGET (self->friendly_name_label), "dim-label");
        }
    }

  gtk_widget_set_visible (self->key_box,
                          self->entry != NULL && cc_store_entry_get_has_private_key (self->entry));
  if (self->entry != NULL && cc_store_entry_get_has_private_key (self->entry))
    gtk_label_set_text (self->exportable_label,
                        cc_store_entry_get_exportable (self->entry)
                        ? _("The private key is exportable.")
                        : _("The private key is not exportable."));

  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        cc_certificate_get_issued_to (self->certificate));
  update_warning (self);
}

/* Details: every section as a header row, every field as a label + value row. */

static GtkWidget *
make_section_row (CcCertificateSection *section,
                  gboolean              first)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (cc_certificate_section_get_label (section));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_top (label, first ? 8 : 16);
  gtk_widget_set_margin_bottom (label, 4);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_add_css_class (row, "cc-section-row");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cc_certificate_section_get_label (section), -1);

  return row;
}

static GtkWidget *
make_field_row (CcCertificateSection *section,
                CcCertificateField   *field,
                GtkSizeGroup         *size_group)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (cc_certificate_field_get_label (field));
  g_autofree char *preview = g_strdup (cc_certificate_field_get_value (field));
  GtkWidget *value;

  /* a one-line preview; the value pane below shows it whole */
  g_strdelimit (preview, "\r\n", ' ');
  value = gtk_label_new (preview);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 12);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_size_group_add_widget (size_group, label);

  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (value), TRUE);
  gtk_widget_set_hexpand (value, TRUE);

  gtk_widget_set_margin_start (box, 20);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), value);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cc_certificate_field_get_label (field), -1);

  g_object_set_data_full (G_OBJECT (row), "field", g_object_ref (field), g_object_unref);
  g_object_set_data_full (G_OBJECT (row), "section", g_object_ref (section), g_object_unref);

  return row;
}

static void
populate_details (CcCertificateDialog *self)
{
  g_autoptr(GListModel) sections = cc_certificate_dup_sections (self->certificate);
  g_autoptr(GtkSizeGroup) size_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  GtkListBoxRow *first_field = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (sections); i++)
    {
      g_autoptr(CcCertificateSection) section = g_list_model_get_item (sections, i);
      GListModel *fields = cc_certificate_section_get_fields (section);

      gtk_list_box_append (self->details_list, make_section_row (section, i == 0));
      for (guint j = 0; j < g_list_model_get_n_items (fields); j++)
        {
          g_autoptr(CcCertificateField) field = g_list_model_get_item (fields, j);
          GtkWidget *row = make_field_row (section, field, size_group);

          gtk_list_box_append (self->details_list, row);
          if (first_field == NULL)
            first_field = GTK_LIST_BOX_ROW (row);
        }
    }

  if (first_field != NULL)
    gtk_list_box_select_row (self->details_list, first_field);
}

static CcCertificateField *
get_selected_field (CcCertificateDialog *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->details_list);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "field") : NULL;
}

static void
details_row_selected_cb (CcCertificateDialog *self,
                         GtkListBoxRow       *row,
                         GtkListBox          *list)
{
  CcCertificateField *field = row != NULL ? g_object_get_data (G_OBJECT (row), "field") : NULL;
  CcCertificateSection *section = row != NULL ? g_object_get_data (G_OBJECT (row), "section")
                                              : NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->value_view);

  if (field != NULL)
    {
      /* Translators: the value pane's title: "Fingerprints › SHA-256" */
      g_autofree char *title = g_strdup_printf (_("%s › %s"),
                                                cc_certificate_section_get_label (section),
                                                cc_certificate_field_get_label (field));

      gtk_label_set_text (self->value_title_label, title);
      gtk_text_buffer_set_text (buffer, cc_certificate_field_get_value (field), -1);
    }
  else
    {
      gtk_label_set_text (self->value_title_label, _("Select a field to see its value"));
      gtk_text_buffer_set_text (buffer, "", -1);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.copy", field != NULL);
}

/* Certification Path: the root at the top, each issued certificate indented under its
 * issuer, as Windows draws it. */

static const char *
link_status_icon_name (CcLinkStatus status)
{
  switch (status)
    {
    case CC_LINK_OK:
      return "emblem-ok-symbolic";
    case CC_LINK_EXPIRED:
      return "dialog-warning-symbolic";
    case CC_LINK_NOT_TRUSTED:
    case CC_LINK_MISSING_ISSUER:
    default:
      return "dialog-error-symbolic";
    }
}

static const char *
link_status_css_class (CcLinkStatus status)
{
  switch (status)
    {
    case CC_LINK_OK:
      return "success";
    case CC_LINK_EXPIRED:
      return "warning";
    case CC_LINK_NOT_TRUSTED:
    case CC_LINK_MISSING_ISSUER:
    default:
      return "error";
    }
}

static void
set_status_icon (GtkImage     *image,
                 CcLinkStatus  status)
{
  static const char * const classes[] = { "success", "warning", "error" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (image), classes[i]);
  gtk_image_set_from_icon_name (image, link_status_icon_name (status));
  gtk_widget_add_css_class (GTK_WIDGET (image), link_status_css_class (status));
}

static GtkWidget *
make_link_row (CcPathLink *link,
               guint       depth,
               guint       index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *status = gtk_image_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("application-certificate-symbolic");
  GtkWidget *label = gtk_label_new (cc_certificate_get_issued_to (link->certificate));

  set_status_icon (GTK_IMAGE (status), link->status);
  gtk_widget_set_tooltip_text (status, link->detail);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);

  gtk_widget_set_margin_start (box, 10 + 22 * depth);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_box_append (GTK_BOX (box), status);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  cc_certificate_get_issued_to (link->certificate),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, link->detail, -1);

  g_object_set_data (G_OBJECT (row), "link-index", GUINT_TO_POINTER (index));

  return row;
}

static CcPathLink *
get_row_link (CcCertificateDialog *self,
              GtkListBoxRow       *row)
{
  guint index;

  if (row == NULL || self->path == NULL)
    return NULL;
  index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "link-index"));
  return index < self->path->len ? g_ptr_array_index (self->path, index) : NULL;
}

static void
path_row_selected_cb (CcCertificateDialog *self,
                      GtkListBoxRow       *row,
                      GtkListBox          *list)
{
  CcPathLink *link = get_row_link (self, row);

  if (link != NULL)
    {
      gtk_label_set_text (self->path_status_label, link->detail);
      set_status_icon (self->path_status_icon, link->status);
      gtk_widget_set_visible (GTK_WIDGET (self->path_status_icon), TRUE);
    }
  else
    {
      gtk_label_set_text (self->path_status_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->path_status_icon), FALSE);
    }

  /* the viewer already shows its own certificate */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.view-link",
                                 link != NULL && link->certificate != self->certificate);
}

static void
path_row_activated_cb (CcCertificateDialog *self,
                       GtkListBoxRow       *row,
                       GtkListBox          *list)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "viewer.view-link", NULL);
}

static void
clear_list_box (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
show_path (CcCertificateDialog *self)
{
  GtkWidget *leaf_row = NULL;
  guint selected = G_MAXUINT;
  GtkListBoxRow *row;

  /* keep the user's choice of link across a rebuild (another link may have gone) */
  row = gtk_list_box_get_selected_row (self->path_list);
  if (row != NULL)
    selected = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "link-index"));

  clear_list_box (self->path_list);

  for (guint i = self->path->len; i > 0; i--)
    {
      CcPathLink *link = g_ptr_array_index (self->path, i - 1);
      GtkWidget *link_row = make_link_row (link, self->path->len - i, i - 1);

      gtk_list_box_append (self->path_list, link_row);
      if (i - 1 == 0 || i - 1 == selected)
        leaf_row = link_row;
    }

  gtk_stack_set_visible_child_name (self->path_stack, "path");
  if (leaf_row != NULL)
    gtk_list_box_select_row (self->path_list, GTK_LIST_BOX_ROW (leaf_row));
  else
    path_row_selected_cb (self, NULL, self->path_list);
}

static void
store_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CcCertificateDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_store_load_finish (CC_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Loading %s failed: %s", cc_store_get_path (CC_STORE (source)), error->message);
      if (self->path_error == NULL)
        self->path_error = g_steal_pointer (&error);
    }

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->n_loading--;
  if (self->n_loading == 0)
    update_path (self);
}

/* Builds the path on the main thread once this server's Trusted Root and Intermediate stores
 * are loaded (an in-memory walk then); loads them first, off the main loop, when needed. */
static void
update_path (CcCertificateDialog *self)
{
  CcStoreKind kinds[] = { CC_STORE_TRUSTED_ROOT, CC_STORE_INTERMEDIATE };
  g_autoptr(GError) error = NULL;
  gboolean all_loaded = TRUE;

  if (self->n_loading > 0)
    return;

  if (self->path_error != NULL)
    {
      adw_status_page_set_description (self->path_error_page, self->path_error->message);
      gtk_stack_set_visible_child_name (self->path_stack, "error");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      CcStore *store = cc_server_get_store (self->server, kinds[i]);

      if (!cc_store_is_loaded (store))
        {
          all_loaded = FALSE;
          self->n_loading++;
          cc_store_load_async (store, self->cancellable, store_loaded_cb, g_object_ref (self));
        }
    }
  if (!all_loaded)
    {
      gtk_stack_set_visible_child_name (self->path_stack, "loading");
      return;
    }

  g_clear_pointer (&self->path, g_ptr_array_unref);
  self->path = cc_server_dup_certification_path (self->server, self->certificate, &error);
  if (self->path == NULL)
    {
      adw_status_page_set_description (self->path_error_page, error->message);
      gtk_stack_set_visible_child_name (self->path_stack, "error");
      return;
    }

  show_path (self);
  update_warning (self);
}

static gboolean
update_path_idle (gpointer user_data)
{
  CcCertificateDialog *self = user_data;

  self->update_path_id = 0;
  update_path (self);
  return G_SOURCE_REMOVE;
}

/* a trust store changed (an import, a removal, a reload): the path may have too */
static void
trust_store_changed_cb (CcCertificateDialog *self)
{
  /* closed already */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->update_path_id == 0)
    self->update_path_id = g_idle_add (update_path_idle, self);
}

/* Actions. */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CcCertificateDialog *self = CC_CERTIFICATE_DIALOG (widget);
  CcCertificateField *field = get_selected_field (self);

  if (field == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), cc_certificate_field_get_value (field));
}

static void
view_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CcCertificateDialog *self = CC_CERTIFICATE_DIALOG (widget);
  CcPathLink *link = get_row_link (self, gtk_list_box_get_selected_row (self->path_list));
  const char *thumbprint;
  CcCertificateDialog *dialog = NULL;

  if (link == NULL || link->certificate == self->certificate)
    return;

  /* with its store row, when this server holds it, for its friendly name */
  thumbprint = cc_certificate_get_thumbprint (link->certificate);
  for (CcStoreKind kind = CC_STORE_TRUSTED_ROOT; kind <= CC_STORE_INTERMEDIATE; kind++)
    {
      CcStore *store = cc_server_get_store (self->server, kind);
      CcStoreEntry *entry = cc_store_is_loaded (store) ? cc_store_lookup_id (store, thumbprint)
                                                       : NULL;

      if (entry != NULL)
        {
          dialog = cc_certificate_dialog_new (GTK_WINDOW (self), store, entry);
          break;
        }
    }
  if (dialog == NULL)
    dialog = cc_certificate_dialog_new_for_certificate (GTK_WINDOW (self), self->server,
                                                        link->certificate);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject. */

static void
cc_certificate_dialog_constructed (GObject *object)
{
  CcCertificateDialog *self = CC_CERTIFICATE_DIALOG (object);
  g_autofree char *path_title = NULL;

  G_OBJECT_CLASS (cc_certificate_dialog_parent_class)->constructed (object);

  if (self->store != NULL && self->server == NULL)
    self->server = g_object_ref (cc_store_get_server (self->store));
  if (self->entry != NULL && self->certificate == NULL)
    self->certificate = g_object_ref (cc_store_entry_get_certificate (self->entry));

  g_return_if_fail (CC_IS_SERVER (self->server));
  g_return_if_fail (CC_IS_CERTIFICATE (self->certificate));

  populate_general (self);
  populate_details (self);

  /* Translators: %s is a server's FQDN */
  path_title = g_strdup_printf (_("Certification path, as %s sees it"),
                                cc_server_get_fqdn (self->server));
  gtk_label_set_text (self->path_title_label, path_title);

  for (CcStoreKind kind = CC_STORE_TRUSTED_ROOT; kind <= CC_STORE_INTERMEDIATE; kind++)
    g_signal_connect_object (cc_server_get_store (self->server, kind), "items-changed",
                             G_CALLBACK (trust_store_changed_cb), self, G_CONNECT_SWAPPED);
  update_path (self);
}

static void
cc_certificate_dialog_dispose (GObject *object)
{
  CcCertificateDialog *self = CC_CERTIFICATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->update_path_id, g_source_remove);

  /* the lists lose their rows with the template: nothing to show any more */
  if (self->details_list != NULL)
    g_signal_handlers_disconnect_by_data (self->details_list, self);
  if (self->path_list != NULL)
    g_signal_handlers_disconnect_by_data (self->path_list, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CC_TYPE_CERTIFICATE_DIALOG);

  g_clear_pointer (&self->path, g_ptr_array_unref);
  g_clear_error (&self->path_error);
  g_clear_object (&self->entry);
  g_clear_object (&self->store);
  g_clear_object (&self->certificate);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (cc_certificate_dialog_parent_class)->dispose (object);
}

static void
cc_certificate_dialog_finalize (GObject *object)
{
  CcCertificateDialog *self = CC_CERTIFICATE_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cc_certificate_dialog_parent_class)->finalize (object);
}

static void
cc_certificate_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CcCertificateDialog *self = CC_CERTIFICATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_object (value, self->server);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;

    case PROP_CERTIFICATE:
      g_value_set_object (value, self->certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_certificate_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CcCertificateDialog *self = CC_CERTIFICATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_set_object (&self->server, g_value_get_object (value));
      break;

    case PROP_STORE:
      g_set_object (&self->store, g_value_get_object (value));
      break;

    case PROP_ENTRY:
      g_set_object (&self->entry, g_value_get_object (value));
      break;

    case PROP_CERTIFICATE:
      g_set_object (&self->certificate, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_certificate_dialog_class_init (CcCertificateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cc_certificate_dialog_constructed;
  object_class->dispose = cc_certificate_dialog_dispose;
  object_class->finalize = cc_certificate_dialog_finalize;
  object_class->get_property = cc_certificate_dialog_get_property;
  object_class->set_property = cc_certificate_dialog_set_property;

  properties[PROP_SERVER] =
    g_param_spec_object ("server", NULL, NULL,
                         CC_TYPE_SERVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         CC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL,
                         CC_TYPE_STORE_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CERTIFICATE] =
    g_param_spec_object ("certificate", NULL, NULL,
                         CC_TYPE_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certconsole/CertConsole/"
                                               "cc-certificate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, general_status_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, warning_box);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, warning_icon);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, warning_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, purposes_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, issued_to_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, issued_by_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, valid_from_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, valid_to_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, friendly_name_title);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, friendly_name_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, key_box);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, exportable_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, details_list);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, value_title_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, value_view);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, path_title_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, path_stack);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, path_error_page);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, path_list);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, path_status_icon);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateDialog, path_status_label);

  gtk_widget_class_bind_template_callback (widget_class, details_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, path_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, path_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "viewer.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "viewer.view-link", NULL, view_link_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cc_certificate_dialog_init (CcCertificateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.copy", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.view-link", FALSE);
}

CcCertificateDialog *
cc_certificate_dialog_new (GtkWindow    *parent,
                           CcStore      *store,
                           CcStoreEntry *entry)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CC_IS_STORE (store), NULL);
  g_return_val_if_fail (CC_IS_SERVER (cc_store_get_server (store)), NULL);
  g_return_val_if_fail (CC_IS_STORE_ENTRY (entry), NULL);
  g_return_val_if_fail (cc_store_entry_get_certificate (entry) != NULL, NULL);

  return g_object_new (CC_TYPE_CERTIFICATE_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       "entry", entry,
                       NULL);
}

CcCertificateDialog *
cc_certificate_dialog_new_for_certificate (GtkWindow     *parent,
                                           CcServer      *server,
                                           CcCertificate *certificate)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CC_IS_SERVER (server), NULL);
  g_return_val_if_fail (CC_IS_CERTIFICATE (certificate), NULL);

  return g_object_new (CC_TYPE_CERTIFICATE_DIALOG,
                       "transient-for", parent,
                       "server", server,
                       "certificate", certificate,
                       NULL);
}

CcServer *
cc_certificate_dialog_get_server (CcCertificateDialog *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->server;
}

CcStore *
cc_certificate_dialog_get_store (CcCertificateDialog *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->store;
}

CcCertificate *
cc_certificate_dialog_get_certificate (CcCertificateDialog *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->certificate;
}

CcStoreEntry *
cc_certificate_dialog_get_entry (CcCertificateDialog *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->entry;
}

AdwViewStack *
_cc_certificate_dialog_get_view_stack (CcCertificateDialog *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->view_stack;
}

gboolean
_cc_certificate_dialog_select_field (CcCertificateDialog *self,
                                     const char          *section,
                                     const char          *label)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), FALSE);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->details_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      CcCertificateSection *row_section = g_object_get_data (G_OBJECT (row), "section");
      CcCertificateField *field = g_object_get_data (G_OBJECT (row), "field");

      if (field != NULL
          && g_strcmp0 (cc_certificate_section_get_label (row_section), section) == 0
          && g_strcmp0 (cc_certificate_field_get_label (field), label) == 0)
        {
          gtk_list_box_select_row (self->details_list, GTK_LIST_BOX_ROW (row));
          /* as a click would: the row in view, with the focus */
          gtk_widget_grab_focus (row);
          return TRUE;
        }
    }

  return FALSE;
}

char *
_cc_certificate_dialog_dup_value_text (CcCertificateDialog *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  buffer = gtk_text_view_get_buffer (self->value_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

GPtrArray *
_cc_certificate_dialog_get_path (CcCertificateDialog *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->path;
}

GtkListBox *
_cc_certificate_dialog_get_path_list (CcCertificateDialog *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->path_list;
}

const char *
_cc_certificate_dialog_get_path_status (CcCertificateDialog *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_DIALOG (self), NULL);

  return gtk_label_get_text (self->path_status_label);
}
