/* test-certificate-dialog.c: the certificate viewer (General, Details, Certification Path) and
 * the cert.* actions of the store browser (copy thumbprint, delete with undo, export, assign,
 * import on the pool, drops), on a real demo deployment, driven through the widgets. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "certconsole-core.h"
#include "cc-application.h"
#include "cc-certificate-actions.h"
#include "cc-certificate-dialog.h"
#include "cc-certificate-dialog-private.h"
#include "cc-window.h"
#include "cc-window-private.h"
#include "cc-test-gui.h"
#include "cc-test-pki.h"

#define LAB_CA "Contoso Lab CA"

/* the window under test, shared by the steps below, which run in order */
static struct
{
  CcApplication *app;
  char          *tmpdir;
  char          *path;
  CcWindow      *window;
  char          *spare_thumbprint;   /* an unassigned Personal certificate of fe02 */
} fixture;

static gboolean
window_idle (gpointer data)
{
  return !cc_window_get_busy (fixture.window);
}

static gboolean
actions_idle (gpointer data)
{
  return _cc_certificate_actions_get_n_running (fixture.window) == 0;
}

/* the window has opened its deployment or loaded its store */
static void
wait_until_idle (void)
{
  cc_test_wait_until (window_idle, NULL, "the window to open or load");
}

/* a workflow started by a cert.* action has finished (and the deployment refreshed) */
static void
wait_for_actions (void)
{
  cc_test_wait_until (actions_idle, NULL, "the workflow to finish");
}

static gboolean
window_fits (gpointer data)
{
  GtkWidget *window = data;
  GtkWidget *child = gtk_window_get_child (GTK_WINDOW (window));
  int width = gtk_widget_get_width (child);
  int minimum;

  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &minimum, NULL, NULL, NULL);
  return width > 0 && gtk_widget_get_height (child) >= minimum;
}

/* a window whose content grew has grown to hold it (the X server answers first) */
static void
wait_for_fit (GtkWidget *window)
{
  cc_test_wait_frames (window, 1);

  cc_test_wait_until (window_fits, window, "the window to fit its content");
}

static void
assert_shows_label (GtkWidget  *widget,
                    const char *text)
{
  g_autofree char *labels = cc_test_dup_visible_labels (widget);
  g_autofree char *line = g_strdup_printf ("\n%s\n", text);

  if (strstr (labels, line) == NULL)
    g_error ("no visible label \"%s\" among:%s", text, labels);
}

static void
assert_shows_text (GtkWidget  *widget,
                   const char *text)
{
  g_autofree char *labels = cc_test_dup_visible_labels (widget);

  if (strstr (labels, text) == NULL)
    g_error ("no visible label holding \"%s\" among:%s", text, labels);
}

/* the first descendant of widget of that type, or NULL */
static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* every descendant of widget of that type */
static void
collect_descendants (GtkWidget *widget,
                     GType      type,
                     GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_descendants (child, type, out);
}

/* the visible toplevel of that type, transient for the window (borrowed), or NULL */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        found = window;
    }
  return found;
}

/* the message dialog showing, with that heading */
static AdwMessageDialog *
get_message_dialog (const char *heading)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  if (dialog == NULL)
    g_error ("no message dialog \"%s\" is showing", heading);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture.window));
  return dialog;
}

static gboolean
no_message_dialog (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

/* answers a message dialog with its button, as a click does, and waits for it to go */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  const char *label = adw_message_dialog_get_response_label (dialog, response);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *button = NULL;

  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  collect_descendants (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len && button == NULL; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      button = g_ptr_array_index (buttons, i);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));

  g_signal_emit_by_name (button, "clicked");
  cc_test_wait_until (no_message_dialog, NULL, "the message dialog to close");
}

/* the sidebar and the store browser */

static GListModel *
get_sidebar_model (void)
{
  return G_LIST_MODEL (gtk_list_view_get_model (_cc_window_get_sidebar (fixture.window)));
}

static GListModel *
get_entries (void)
{
  return G_LIST_MODEL (gtk_column_view_get_model (_cc_window_get_column_view (fixture.window)));
}

static CcServer *
get_server (const char *fqdn)
{
  CcServer *server = cc_deployment_find_server (cc_window_get_deployment (fixture.window), fqdn);

  g_assert_nonnull (server);
  return server;
}

static void
select_store (const char  *fqdn,
              CcStoreKind  kind)
{
  GListModel *model = get_sidebar_model ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (CC_IS_STORE (item) && cc_store_get_kind (CC_STORE (item)) == kind
          && g_ascii_strcasecmp (cc_server_get_fqdn (cc_store_get_server (CC_STORE (item))),
                                 fqdn) == 0)
        {
          g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), i, TRUE));
          wait_until_idle ();
          g_assert_true (_cc_window_get_store (fixture.window) == CC_STORE (item));
          return;
        }
    }

  g_error ("no %s store row for %s in the sidebar", cc_store_kind_to_id (kind), fqdn);
}

static void
select_server_row (const char *fqdn)
{
  GListModel *model = get_sidebar_model ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (CC_IS_SERVER (item) && g_ascii_strcasecmp (cc_server_get_fqdn (CC_SERVER (item)),
                                                     fqdn) == 0)
        {
          g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), i, TRUE));
          wait_until_idle ();
          return;
        }
    }

  g_error ("no row for %s in the sidebar", fqdn);
}

static guint
find_entry_position (const char *id)
{
  GListModel *entries = get_entries ();

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (entries, i);

      if (g_strcmp0 (cc_store_entry_get_id (entry), id) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
entry_shown (gpointer data)
{
  return find_entry_position (data) != GTK_INVALID_LIST_POSITION;
}

static gboolean
entry_gone (gpointer data)
{
  return find_entry_position (data) == GTK_INVALID_LIST_POSITION;
}

/* selects the row of that thumbprint; returns its entry (borrowed: the store holds it) */
static CcStoreEntry *
select_entry (const char *id)
{
  guint position = find_entry_position (id);
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (get_entries ());

  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (selection), position,
                                                  TRUE));
  return gtk_single_selection_get_selected_item (selection);
}

/* selects the only (or first) certificate of the store shown */
static CcStoreEntry *
select_first_entry (void)
{
  g_autoptr(CcStoreEntry) first = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (get_entries ()), >=, 1);
  first = g_list_model_get_item (get_entries (), 0);
  return select_entry (cc_store_entry_get_id (first));
}

static void
activate (const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), action, NULL));
}

/* whether the header's button for action is sensitive: GTK keeps it so while the action is
 * enabled */
static gboolean
action_enabled (const char *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_descendants (GTK_WIDGET (fixture.window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action) == 0)
      return gtk_widget_get_sensitive (g_ptr_array_index (buttons, i));

  g_error ("no button for %s", action);
  return FALSE;
}

/* whether the context menu offers that item */
static gboolean
menu_offers (const char *label)
{
  GtkPopover *menu = _cc_certificate_actions_get_menu (fixture.window);
  g_autofree char *labels = NULL;
  g_autofree char *line = g_strdup_printf ("\n%s\n", label);

  _cc_certificate_actions_popup_menu (fixture.window, 80, 60);
  {
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 2);
  }
  labels = cc_test_dup_visible_labels (GTK_WIDGET (menu));
  gtk_popover_popdown (menu);
  return strstr (labels, line) != NULL;
}

/* the clipboard's text, read back as another application would */
static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  if (*text == NULL)
    *text = g_strdup ("");
}

static gboolean
text_read (gpointer data)
{
  return *(char **) data != NULL;
}

static char *
dup_clipboard_text (void)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture.window));
  char *text = NULL;

  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &text);
  cc_test_wait_until (text_read, &text, "the clipboard's text");
  return text;
}

static void
clear_clipboard (void)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture.window)), "");
}

/* the demo's certificates */

static CcCertificate *
dup_lab_root (void)
{
  CcDeployment *deployment = cc_window_get_deployment (fixture.window);
  CcAuthority *lab = cc_deployment_find_authority (deployment, LAB_CA);
  CcStore *roots = cc_server_get_store (get_server ("edge01.contoso.com"),
                                        CC_STORE_TRUSTED_ROOT);
  g_autoptr(GError) error = NULL;
  CcStoreEntry *entry;

  g_assert_nonnull (lab);
  g_assert_true (cc_store_ensure_loaded (roots, NULL, &error));
  g_assert_no_error (error);
  entry = cc_store_lookup_id (roots, cc_authority_get_root_thumbprint (lab));
  g_assert_nonnull (entry);
  return g_object_ref (cc_store_entry_get_certificate (entry));
}

static char *
store_file (const char  *fqdn,
            CcStoreKind  kind,
            const char  *thumbprint,
            const char  *suffix)
{
  g_autofree char *name = g_strconcat (thumbprint, suffix, NULL);

  return g_build_filename (cc_store_get_path (cc_server_get_store (get_server (fqdn), kind)),
                           name, NULL);
}

/* The viewer. */

static CcCertificateDialog *
open_viewer (CcCertificate *expected)
{
  CcCertificateDialog *dialog;

  activate ("cert.view");
  dialog = CC_CERTIFICATE_DIALOG (find_toplevel (CC_TYPE_CERTIFICATE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_true (cc_certificate_dialog_get_certificate (dialog) == expected);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture.window));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 660, 640);
  cc_test_wait_frames (GTK_WIDGET (dialog), 3);
  return dialog;
}

static gboolean
path_built (gpointer data)
{
  return _cc_certificate_dialog_get_path (data) != NULL;
}

static void
close_viewer (CcCertificateDialog *dialog)
{
  g_object_ref (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  cc_test_wait_released (dialog, "the viewer to let go");
  g_assert_finalize_object (dialog);
}

static void
test_open (void)
{
  fixture.window = g_object_ref (cc_window_new (fixture.app, fixture.path));
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture.window));
  wait_until_idle ();
  g_assert_nonnull (cc_window_get_deployment (fixture.window));

  /* nothing selected: nothing to act on */
  g_assert_false (action_enabled ("cert.view"));
  g_assert_false (action_enabled ("cert.delete"));
  g_assert_false (action_enabled ("cert.import"));

  select_store ("edge01.contoso.com", CC_STORE_PERSONAL);
  g_assert_false (action_enabled ("cert.export"));
  select_first_entry ();
}

static void
test_viewer_general (void)
{
  CcStoreEntry *entry = select_first_entry ();
  CcCertificate *certificate = cc_store_entry_get_certificate (entry);
  CcCertificateDialog *dialog;
  GtkWidget *widget;

  g_assert_cmpstr (cc_certificate_get_issued_to (certificate), ==, "edgepool.contoso.com");
  g_assert_true (cc_store_entry_get_has_private_key (entry));

  dialog = open_viewer (certificate);
  widget = GTK_WIDGET (dialog);
  g_assert_true (cc_certificate_dialog_get_entry (dialog) == entry);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (
                     _cc_certificate_dialog_get_view_stack (dialog)), ==, "general");

  /* the three tabs, as the snap-in has them */
  {
    g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (
                                           _cc_certificate_dialog_get_view_stack (dialog));
    const char *names[] = { "general", "details", "path" };

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, 3);
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

        g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, names[i]);
      }
  }

  assert_shows_label (widget, "Certificate Information");
  assert_shows_label (widget, "edgepool.contoso.com");
  assert_shows_label (widget, cc_certificate_get_issued_by (certificate));
  assert_shows_label (widget, "• Server Authentication\n• Client Authentication");
  assert_shows_label (widget, "Edge internal (edgepool)");
  assert_shows_label (widget, "You have a private key that corresponds to this certificate.");
  assert_shows_label (widget, "The private key is exportable.");
  assert_shows_label (widget, "In the Personal store of edge01.contoso.com");
  /* valid, and the path is fine: no warning */
  cc_test_wait_until (path_built, dialog, "the certification path");
  {
    g_autofree char *labels = cc_test_dup_visible_labels (widget);

    g_assert_null (strstr (labels, "expired"));
    g_assert_null (strstr (labels, "cannot be verified"));
  }

  cc_test_screenshot (widget, "certificate-viewer-general");
  close_viewer (dialog);
}

static void
test_viewer_details (void)
{
  CcStoreEntry *entry = select_first_entry ();
  CcCertificate *certificate = cc_store_entry_get_certificate (entry);
  CcCertificateDialog *dialog;
  g_autofree char *value = NULL;
  g_autofree char *copied = NULL;

  /* Enter or a double click on a row: the list's "activate" */
  g_signal_emit_by_name (_cc_window_get_column_view (fixture.window), "activate", 0);
  dialog = CC_CERTIFICATE_DIALOG (find_toplevel (CC_TYPE_CERTIFICATE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_true (cc_certificate_dialog_get_certificate (dialog) == certificate);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 660, 640);

  adw_view_stack_set_visible_child_name (_cc_certificate_dialog_get_view_stack (dialog),
                                         "details");
  {
    cc_test_wait_frames (GTK_WIDGET (dialog), 2);
  }
  /* sections as headers, fields as label + value rows */
  assert_shows_label (GTK_WIDGET (dialog), "Certificate");
  assert_shows_label (GTK_WIDGET (dialog), "Serial number");
  assert_shows_label (GTK_WIDGET (dialog), cc_certificate_get_serial (certificate));
  /* the first field is selected at first */
  value = _cc_certificate_dialog_dup_value_text (dialog);
  g_assert_cmpstr (value, ==, "V3");
  g_clear_pointer (&value, g_free);

  g_assert_false (_cc_certificate_dialog_select_field (dialog, "Fingerprints", "MD5"));
  g_assert_true (_cc_certificate_dialog_select_field (dialog, "Fingerprints", "SHA-256"));
  value = _cc_certificate_dialog_dup_value_text (dialog);
  g_assert_cmpstr (value, ==, cc_certificate_get_thumbprint (certificate));
  g_assert_true (_cc_certificate_dialog_select_field (dialog, "Fingerprints", "SHA-1"));
  g_clear_pointer (&value, g_free);
  value = _cc_certificate_dialog_dup_value_text (dialog);
  g_assert_cmpstr (value, ==, cc_certificate_get_sha1 (certificate));

  /* Copy: the selected field's value, on the clipboard */
  g_assert_true (_cc_certificate_dialog_select_field (dialog, "Fingerprints", "SHA-256"));
  clear_clipboard ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "viewer.copy", NULL));
  copied = dup_clipboard_text ();
  g_assert_cmpstr (copied, ==, cc_certificate_get_thumbprint (certificate));

  /* the selected row scrolled into view, and the value pane, are drawn */
  {
    cc_test_wait_frames (GTK_WIDGET (dialog), 3);
  }
  assert_shows_label (GTK_WIDGET (dialog), "Fingerprints › SHA-256");
  cc_test_screenshot (GTK_WIDGET (dialog), "certificate-viewer-details");
  close_viewer (dialog);
}

static gboolean
path_has_status (gpointer data)
{
  CcCertificateDialog *dialog = data;
  GPtrArray *path = _cc_certificate_dialog_get_path (dialog);
  CcPathLink *top;

  if (path == NULL || path->len == 0)
    return FALSE;
  top = g_ptr_array_index (path, path->len - 1);
  return top->status != CC_LINK_OK;
}

static gboolean
path_all_ok (gpointer data)
{
  GPtrArray *path = _cc_certificate_dialog_get_path (data);

  if (path == NULL || path->len != 3)
    return FALSE;
  for (guint i = 0; i < path->len; i++)
    if (((CcPathLink *) g_ptr_array_index (path, i))->status != CC_LINK_OK)
      return FALSE;
  return TRUE;
}

static void
test_viewer_path (void)
{
  CcStoreEntry *entry = select_first_entry ();
  CcCertificate *certificate = cc_store_entry_get_certificate (entry);
  CcCertificateDialog *dialog = open_viewer (certificate);
  g_autoptr(CcCertificate) root = dup_lab_root ();
  CcStore *roots = cc_server_get_store (get_server ("edge01.contoso.com"), CC_STORE_TRUSTED_ROOT);
  g_autoptr(GError) error = NULL;
  GtkListBox *list;
  GPtrArray *path;
  CcPathLink *top;

  adw_view_stack_set_visible_child_name (_cc_certificate_dialog_get_view_stack (dialog), "path");
  cc_test_wait_until (path_built, dialog, "the certification path");

  /* leaf, issuing CA, root: all fine on edge01 */
  path = _cc_certificate_dialog_get_path (dialog);
  g_assert_cmpuint (path->len, ==, 3);
  g_assert_true (((CcPathLink *) g_ptr_array_index (path, 0))->certificate == certificate);
  g_assert_cmpstr (cc_certificate_get_thumbprint (
                     ((CcPathLink *) g_ptr_array_index (path, 2))->certificate), ==,
                   cc_certificate_get_thumbprint (root));
  g_assert_true (path_all_ok (dialog));

  /* drawn root at the top, the leaf selected, its status below */
  list = _cc_certificate_dialog_get_path_list (dialog);
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, 2));
  g_assert_null (gtk_list_box_get_row_at_index (list, 3));
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 2));
  g_assert_cmpstr (_cc_certificate_dialog_get_path_status (dialog), ==,
                   ((CcPathLink *) g_ptr_array_index (path, 0))->detail);
  {
    cc_test_wait_frames (GTK_WIDGET (dialog), 2);
  }
  assert_shows_label (GTK_WIDGET (dialog), cc_certificate_get_issued_to (root));
  assert_shows_label (GTK_WIDGET (dialog), "edgepool.contoso.com");
  assert_shows_label (GTK_WIDGET (dialog), "Certificate status");
  cc_test_screenshot (GTK_WIDGET (dialog), "certificate-viewer-path");

  /* the root leaves edge01's Trusted Root store: the viewer follows at once */
  g_assert_true (cc_store_remove (roots, cc_certificate_get_thumbprint (root), &error));
  g_assert_no_error (error);
  cc_test_wait_until (path_has_status, dialog, "the path to show the missing root");
  path = _cc_certificate_dialog_get_path (dialog);
  top = g_ptr_array_index (path, path->len - 1);
  g_assert_true (top->status == CC_LINK_MISSING_ISSUER || top->status == CC_LINK_NOT_TRUSTED);
  g_assert_nonnull (strstr (top->detail, "edge01.contoso.com"));
  /* the top row says so; the General tab too */
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  g_assert_cmpstr (_cc_certificate_dialog_get_path_status (dialog), ==, top->detail);
  {
    cc_test_wait_frames (GTK_WIDGET (dialog), 2);
  }
  assert_shows_label (GTK_WIDGET (dialog), top->detail);
  cc_test_screenshot (GTK_WIDGET (dialog), "certificate-viewer-path-broken");
  adw_view_stack_set_visible_child_name (_cc_certificate_dialog_get_view_stack (dialog),
                                         "general");
  {
    cc_test_wait_frames (GTK_WIDGET (dialog), 2);
  }
  assert_shows_text (GTK_WIDGET (dialog), "cannot be verified up to a trusted certification "
                                          "authority on edge01.contoso.com");
  cc_test_screenshot (GTK_WIDGET (dialog), "certificate-viewer-general-broken");

  /* and back */
  g_assert_true (cc_store_add_certificate (roots, root, NULL, "Contoso Lab CA Root", FALSE,
                                           "chain", &error));
  g_assert_no_error (error);
  cc_test_wait_until (path_all_ok, dialog, "the path to be whole again");

  close_viewer (dialog);
}

static void
test_copy_thumbprint (void)
{
  CcStoreEntry *entry = select_first_entry ();
  g_autofree char *text = NULL;
  AdwToast *toast;

  clear_clipboard ();
  activate ("cert.copy-thumbprint");
  text = dup_clipboard_text ();
  g_assert_cmpstr (text, ==, cc_store_entry_get_id (entry));
  g_assert_cmpuint (strlen (text), ==, 64);

  toast = _cc_certificate_actions_get_last_toast (fixture.window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Thumbprint copied");
}

static void
test_context_menu (void)
{
  GtkPopover *menu = _cc_certificate_actions_get_menu (fixture.window);

  /* a right click on a row selects it and opens the menu there */
  {
    GtkWidget *column_view = GTK_WIDGET (_cc_window_get_column_view (fixture.window));
    g_autoptr(CcStoreEntry) first = g_list_model_get_item (get_entries (), 0);
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (column_view);
    GtkGesture *right_click = NULL;
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();
    GtkWidget *cell = NULL;
    graphene_rect_t bounds;

    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (get_entries ()),
                                       GTK_INVALID_LIST_POSITION);
    g_assert_null (gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (get_entries ())));
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 2);

    collect_descendants (column_view, GTK_TYPE_LABEL, labels);
    for (guint i = 0; i < labels->len && cell == NULL; i++)
      if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)),
                     cc_certificate_get_issued_to (cc_store_entry_get_certificate (first))) == 0)
        cell = g_ptr_array_index (labels, i);
    g_assert_nonnull (cell);
    g_assert_true (gtk_widget_compute_bounds (cell, column_view, &bounds));

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (controller)
            && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
          right_click = GTK_GESTURE (controller);
      }
    g_assert_nonnull (right_click);
    g_signal_emit_by_name (right_click, "pressed", 1,
                           (double) bounds.origin.x + bounds.size.width / 2,
                           (double) bounds.origin.y + bounds.size.height / 2);
    g_assert_true (gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (get_entries ()))
                   == first);
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (menu)));
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 3);
  assert_shows_label (GTK_WIDGET (menu), "View");
  assert_shows_label (GTK_WIDGET (menu), "Export…");
  assert_shows_label (GTK_WIDGET (menu), "Copy Thumbprint");
  assert_shows_label (GTK_WIDGET (menu), "Assign…");
  assert_shows_label (GTK_WIDGET (menu), "Import on Other Pool Members…");
  assert_shows_label (GTK_WIDGET (menu), "Delete");
  gtk_popover_popdown (menu);

  /* a Trusted Root certificate has no key: nothing to assign or distribute */
  select_store ("edge01.contoso.com", CC_STORE_TRUSTED_ROOT);
  select_first_entry ();
  g_assert_true (action_enabled ("cert.view"));
  g_assert_false (action_enabled ("cert.assign"));
  g_assert_false (menu_offers ("Assign…"));
  g_assert_false (menu_offers ("Import on Other Pool Members…"));
  g_assert_true (menu_offers ("Delete"));
  select_store ("edge01.contoso.com", CC_STORE_PERSONAL);
}

static void
test_delete_refused (void)
{
  CcStoreEntry *entry;
  g_autofree char *thumbprint = NULL;
  g_autofree char *file = NULL;
  AdwMessageDialog *dialog;

  select_store ("fe01.contoso.com", CC_STORE_PERSONAL);
  entry = select_first_entry ();
  thumbprint = g_strdup (cc_store_entry_get_id (entry));
  g_assert_cmpstr (cc_store_entry_get_assigned_to (entry), ==, "default");

  activate ("cert.delete");
  dialog = get_message_dialog ("Certificate In Use");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "pool01.contoso.com"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "fe01.contoso.com"));
  g_assert_false (adw_message_dialog_has_response (dialog, "delete"));
  respond (dialog, "close");

  g_assert_cmpuint (_cc_certificate_actions_get_n_running (fixture.window), ==, 0);
  file = store_file ("fe01.contoso.com", CC_STORE_PERSONAL, thumbprint, ".pem");
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
}

/* a certificate assigned nowhere, with its key, made by the lab CA for fe02 */
static void
make_spare_certificate (void)
{
  CcServer *fe02 = get_server ("fe02.contoso.com");
  CcRequestOptions options = {
    .iface = CC_INTERFACE_DEFAULT,
    .friendly_name = "Spare pool01",
    .exportable = TRUE,
    .organization = "Contoso",
    .country = "US",
  };
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (cc_request_create (fe02, &options, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cc_request_submit (fe02, CC_INTERFACE_DEFAULT, LAB_CA, report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (report->leaf);
  fixture.spare_thumbprint = g_strdup (cc_certificate_get_thumbprint (report->leaf));
}

static void
test_delete_undo (void)
{
  g_autofree char *pem_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *key_before = NULL;
  g_autofree char *key_after = NULL;
  g_autoptr(GError) error = NULL;
  CcStoreEntry *entry;
  AdwMessageDialog *dialog;
  AdwToast *toast;

  make_spare_certificate ();
  pem_file = store_file ("fe02.contoso.com", CC_STORE_PERSONAL, fixture.spare_thumbprint, ".pem");
  key_file = store_file ("fe02.contoso.com", CC_STORE_PERSONAL, fixture.spare_thumbprint, ".key");
  g_assert_true (g_file_get_contents (key_file, &key_before, NULL, &error));
  g_assert_no_error (error);

  select_store ("fe02.contoso.com", CC_STORE_PERSONAL);
  cc_test_wait_until (entry_shown, fixture.spare_thumbprint, "the spare certificate");
  entry = select_entry (fixture.spare_thumbprint);
  g_assert_cmpstr (cc_store_entry_get_assigned_to (entry), ==, "");

  /* cancel changes nothing */
  activate ("cert.delete");
  dialog = get_message_dialog ("Delete Certificate?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "pool01.contoso.com"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "fe02.contoso.com"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "private key"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  respond (dialog, "cancel");
  g_assert_cmpuint (_cc_certificate_actions_get_n_running (fixture.window), ==, 0);
  g_assert_true (g_file_test (pem_file, G_FILE_TEST_IS_REGULAR));

  /* Delete: gone from disk and from the list, with an Undo toast */
  select_entry (fixture.spare_thumbprint);
  activate ("cert.delete");
  respond (get_message_dialog ("Delete Certificate?"), "delete");
  wait_for_actions ();
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_false (g_file_test (pem_file, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (key_file, G_FILE_TEST_EXISTS));
  cc_test_wait_until (entry_gone, fixture.spare_thumbprint, "the certificate to leave the list");

  toast = _cc_certificate_actions_get_last_toast (fixture.window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Deleted “pool01.contoso.com”");
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");
  {
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 3);
  }
  cc_test_screenshot (GTK_WIDGET (fixture.window), "certificate-deleted");

  /* Undo, as the toast's button does it: the certificate, its key and its name come back */
  g_signal_emit_by_name (toast, "button-clicked");
  adw_toast_dismiss (toast);
  wait_for_actions ();
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (g_file_test (pem_file, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (key_file, &key_after, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (key_after, ==, key_before);
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (key_file, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0077, ==, 0);
  }
  cc_test_wait_until (entry_shown, fixture.spare_thumbprint, "the certificate to come back");
  entry = select_entry (fixture.spare_thumbprint);
  g_assert_cmpstr (cc_store_entry_get_friendly_name (entry), ==, "Spare pool01");
  g_assert_true (cc_store_entry_get_has_private_key (entry));
  g_assert_true (cc_store_entry_get_exportable (entry));
  toast = _cc_certificate_actions_get_last_toast (fixture.window);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Restored “pool01.contoso.com”");

  /* a Trusted Root certificate: deleted and restored the same way, hash link and all */
  {
    g_autoptr(CcCertificate) root = dup_lab_root ();
    g_autofree char *root_file = store_file ("fe02.contoso.com", CC_STORE_TRUSTED_ROOT,
                                             cc_certificate_get_thumbprint (root), ".pem");
    g_autofree char *link = g_strdup_printf ("%s/%08lx.0",
                                             cc_store_get_path (cc_server_get_store (
                                               get_server ("fe02.contoso.com"),
                                               CC_STORE_TRUSTED_ROOT)),
                                             cc_certificate_get_subject_hash (root));

    select_store ("fe02.contoso.com", CC_STORE_TRUSTED_ROOT);
    select_entry (cc_certificate_get_thumbprint (root));
    activate ("cert.delete");
    respond (get_message_dialog ("Delete Certificate?"), "delete");
    wait_for_actions ();
    g_assert_false (g_file_test (root_file, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (link, G_FILE_TEST_EXISTS));

    toast = _cc_certificate_actions_get_last_toast (fixture.window);
    g_signal_emit_by_name (toast, "button-clicked");
    adw_toast_dismiss (toast);
    wait_for_actions ();
    g_assert_true (g_file_test (root_file, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (link, G_FILE_TEST_EXISTS));
    cc_test_wait_until (entry_shown, (gpointer) cc_certificate_get_thumbprint (root), "the root");
  }
}

static gboolean
chooser_has_file (gpointer data)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (data);

  return file != NULL;
}

/* the file chooser's answer, as the user's choice of folder and name gives it */
static void
choose_file (const char *folder,
             const char *name)
{
  GtkFileChooserNative *chooser = _cc_certificate_actions_get_file_chooser (fixture.window);
  g_autoptr(GFile) dir = g_file_new_for_path (folder);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (chooser);
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, &error));
  g_assert_no_error (error);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  /* the chooser reads its folder in the background before it can name a file in it */
  cc_test_wait_until (chooser_has_file, chooser, "the file chooser to settle");
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (chooser));
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_ACCEPT);
}

static void
test_export_pem (void)
{
  CcStoreEntry *entry;
  CcCertificate *certificate;
  g_autofree char *out = g_build_filename (fixture.tmpdir, "edgepool.pem", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *filters;

  select_store ("edge01.contoso.com", CC_STORE_PERSONAL);
  entry = select_first_entry ();
  certificate = cc_store_entry_get_certificate (entry);

  activate ("cert.export");
  /* exportable key: .pfx is offered beside .cer, .der and .p7b */
  filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (
                                            _cc_certificate_actions_get_file_chooser (
                                              fixture.window)));
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 4);
  g_object_unref (filters);
  choose_file (fixture.tmpdir, "edgepool.pem");
  wait_for_actions ();
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  g_assert_true (g_file_get_contents (out, &contents, NULL, &error));
  g_assert_no_error (error);
  expected = cc_certificate_dup_pem (certificate);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_cmpstr (adw_toast_get_title (_cc_certificate_actions_get_last_toast (fixture.window)),
                   ==, "Exported to “edgepool.pem”");

  /* a name with no extension gets the chosen filter's: .cer by default, PEM */
  activate ("cert.export");
  choose_file (fixture.tmpdir, "edgepool-noext");
  wait_for_actions ();
  {
    g_autofree char *cer = g_build_filename (fixture.tmpdir, "edgepool-noext.cer", NULL);
    g_autofree char *cer_contents = NULL;

    g_assert_true (g_file_get_contents (cer, &cer_contents, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (cer_contents, ==, expected);
  }

  /* edge02's copy of the key is not exportable: no .pfx offered */
  select_store ("edge02.contoso.com", CC_STORE_PERSONAL);
  select_first_entry ();
  activate ("cert.export");
  filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (
                                            _cc_certificate_actions_get_file_chooser (
                                              fixture.window)));
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 3);
  g_object_unref (filters);
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (_cc_certificate_actions_get_file_chooser (
                                               fixture.window)));
  g_signal_emit_by_name (_cc_certificate_actions_get_file_chooser (fixture.window), "response",
                         GTK_RESPONSE_CANCEL);
  g_assert_cmpuint (_cc_certificate_actions_get_n_running (fixture.window), ==, 0);

  /* nor by typing a .pfx name: no password asked, the core's refusal shown, no file */
  activate ("cert.export");
  choose_file (fixture.tmpdir, "refused.pfx");
  wait_for_actions ();
  {
    g_autofree char *refused = g_build_filename (fixture.tmpdir, "refused.pfx", NULL);
    AdwMessageDialog *dialog = get_message_dialog ("Could Not Export the Certificate");

    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "not marked exportable"));
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "edge02.contoso.com"));
    respond (dialog, "close");
    g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  }

  /* and no other way out: the list has no drag source (drops only import files), and
   * Copy puts the thumbprint alone on the clipboard */
  {
    g_autoptr(GPtrArray) widgets = g_ptr_array_new ();
    g_autoptr(CcStoreEntry) selected = g_list_model_get_item (get_entries (), 0);
    g_autofree char *text = NULL;

    select_first_entry ();

    collect_descendants (GTK_WIDGET (_cc_window_get_column_view (fixture.window)),
                         GTK_TYPE_WIDGET, widgets);
    g_ptr_array_add (widgets, _cc_window_get_column_view (fixture.window));
    for (guint i = 0; i < widgets->len; i++)
      {
        g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (g_ptr_array_index (widgets, i));
        for (guint j = 0; j < g_list_model_get_n_items (controllers); j++)
          {
            g_autoptr(GObject) controller = g_list_model_get_item (controllers, j);
            g_assert_false (GTK_IS_DRAG_SOURCE (controller));
          }
      }
    clear_clipboard ();
    activate ("cert.copy-thumbprint");
    text = dup_clipboard_text ();
    g_assert_cmpstr (text, ==, cc_certificate_get_thumbprint (cc_store_entry_get_certificate (selected)));
  }
}

static void
set_password_rows (AdwMessageDialog *dialog,
                   const char       *password,
                   const char       *confirm)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_descendants (adw_message_dialog_get_extra_child (dialog),
                       ADW_TYPE_PASSWORD_ENTRY_ROW, rows);
  g_assert_cmpuint (rows->len, >=, 1);
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (rows, 0)), password);
  if (confirm != NULL)
    {
      g_assert_cmpuint (rows->len, ==, 2);
      gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (rows, 1)), confirm);
    }
}

static void
test_export_import_pfx (void)
{
  g_autofree char *out = g_build_filename (fixture.tmpdir, "edgepool.pfx", NULL);
  g_autofree char *thumbprint = NULL;
  AdwMessageDialog *dialog;
  GSList *files = NULL;

  select_store ("edge01.contoso.com", CC_STORE_PERSONAL);
  thumbprint = g_strdup (cc_store_entry_get_id (select_first_entry ()));
  activate ("cert.export");
  choose_file (fixture.tmpdir, "edgepool.pfx");

  /* the password, twice: Export only when both match */
  dialog = get_message_dialog ("Export With the Private Key");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  set_password_rows (dialog, "Pa55word!", "Pa55word?");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  assert_shows_label (GTK_WIDGET (dialog), "The passwords do not match");
  set_password_rows (dialog, "Pa55word!", "Pa55word!");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  cc_test_screenshot (GTK_WIDGET (dialog), "certificate-export-pfx");
  respond (dialog, "export");
  wait_for_actions ();
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));

  /* dropped on cwa01's Personal store: asks for the password, imports with the key */
  select_store ("cwa01.contoso.com", CC_STORE_PERSONAL);
  files = g_slist_prepend (files, g_file_new_for_path (out));
  g_assert_true (_cc_certificate_actions_import_files (fixture.window, files));
  g_slist_free_full (files, g_object_unref);
  dialog = get_message_dialog ("Import “edgepool.pfx”");
  set_password_rows (dialog, "Pa55word!", NULL);
  respond (dialog, "import");
  wait_for_actions ();
  if (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL)
    {
      dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Certificates Imported");
      respond (dialog, "close");
    }
  cc_test_wait_until (entry_shown, thumbprint, "the imported certificate");
  {
    CcStoreEntry *entry = select_entry (thumbprint);

    g_assert_true (cc_store_entry_get_has_private_key (entry));
    g_assert_false (cc_store_entry_get_exportable (entry));
  }
}

static gboolean
assign_checked (gpointer data)
{
  g_autofree char *labels = cc_test_dup_visible_labels (data);

  return strstr (labels, "Checking the requirements") == NULL
         && (strstr (labels, "requirement") != NULL || strstr (labels, " it ") != NULL
             || strstr (labels, "needs") != NULL);
}

static void
select_interface (AdwMessageDialog *dialog,
                  CcServer         *server,
                  CcInterface       iface)
{
  g_autoptr(GArray) interfaces = cc_server_dup_interfaces (server);
  AdwComboRow *combo = ADW_COMBO_ROW (find_descendant (adw_message_dialog_get_extra_child (dialog),
                                                       ADW_TYPE_COMBO_ROW));

  g_assert_nonnull (combo);
  /* the list waits for the trust stores */
  cc_test_wait_until ((CcTestDoneFunc) gtk_widget_is_sensitive, combo, "the interfaces");
  for (guint i = 0; i < interfaces->len; i++)
    if (g_array_index (interfaces, CcInterface, i) == iface)
      {
        adw_combo_row_set_selected (combo, i);
        return;
      }
  g_error ("%s has no interface %s", cc_server_get_fqdn (server), cc_interface_to_id (iface));
}

static gboolean
spare_assigned (gpointer data)
{
  return g_strcmp0 (cc_server_get_assignment (get_server ("fe02.contoso.com"),
                                              CC_INTERFACE_DEFAULT),
                    fixture.spare_thumbprint) == 0;
}

static void
test_assign (void)
{
  CcServer *cwa = get_server ("cwa01.contoso.com");
  CcServer *fe02 = get_server ("fe02.contoso.com");
  AdwMessageDialog *dialog;
  GListModel *entries;
  const char *ssl_thumbprint = NULL;

  /* the CWA SSL certificate (im.contoso.com) on the CWA MTLS interface: the wrong name */
  select_store ("cwa01.contoso.com", CC_STORE_PERSONAL);
  entries = get_entries ();
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (entries, i);

      if (g_strcmp0 (cc_certificate_get_issued_to (cc_store_entry_get_certificate (entry)),
                     "im.contoso.com") == 0)
        ssl_thumbprint = cc_store_entry_get_id (entry);
    }
  g_assert_nonnull (ssl_thumbprint);
  select_entry (ssl_thumbprint);
  activate ("cert.assign");
  dialog = get_message_dialog ("Assign Certificate");
  select_interface (dialog, cwa, CC_INTERFACE_CWA_MTLS);
  cc_test_wait_until (assign_checked, dialog, "the requirement check");
  {
    cc_test_wait_frames (GTK_WIDGET (dialog), 2);
  }
  wait_for_fit (GTK_WIDGET (dialog));
  assert_shows_text (GTK_WIDGET (dialog), "it is issued to im.contoso.com, but cwa-mtls of "
                                          "cwa01.contoso.com needs the name cwa01.contoso.com");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "assign"));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "force"));
  cc_test_screenshot (GTK_WIDGET (dialog), "certificate-assign-errors");
  respond (dialog, "cancel");
  g_assert_cmpuint (_cc_certificate_actions_get_n_running (fixture.window), ==, 0);
  g_assert_cmpstr (cc_server_get_assignment (cwa, CC_INTERFACE_CWA_MTLS), !=, ssl_thumbprint);

  /* the spare pool01 certificate suits fe02's default interface: assigned */
  select_store ("fe02.contoso.com", CC_STORE_PERSONAL);
  select_entry (fixture.spare_thumbprint);
  activate ("cert.assign");
  dialog = get_message_dialog ("Assign Certificate");
  select_interface (dialog, fe02, CC_INTERFACE_DEFAULT);
  cc_test_wait_until (assign_checked, dialog, "the requirement check");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "assign"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "force"));
  respond (dialog, "assign");
  wait_for_actions ();
  if (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL)
    {
      dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Certificate Assigned");
      respond (dialog, "close");
    }
  cc_test_wait_until (spare_assigned, NULL, "the assignment to show");

  /* and now it is in use: Delete refuses */
  cc_test_wait_until (entry_shown, fixture.spare_thumbprint, "the store to reload");
  select_entry (fixture.spare_thumbprint);
  activate ("cert.delete");
  respond (get_message_dialog ("Certificate In Use"), "close");
}

static void
test_distribute (void)
{
  AdwMessageDialog *dialog;

  /* cwa01 is a pool of one */
  select_store ("cwa01.contoso.com", CC_STORE_PERSONAL);
  select_first_entry ();
  g_assert_true (action_enabled ("cert.assign"));
  g_assert_false (menu_offers ("Import on Other Pool Members…"));

  select_store ("edge01.contoso.com", CC_STORE_PERSONAL);
  select_first_entry ();
  activate ("cert.distribute");
  dialog = get_message_dialog ("Import on the Other Pool Members?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "edge02.contoso.com"));
  respond (dialog, "import");
  wait_for_actions ();
  /* a report (toast or dialog), never an error */
  if (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL)
    {
      dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                       "Imported on the Pool Members");
      respond (dialog, "close");
    }
  else
    g_assert_nonnull (_cc_certificate_actions_get_last_toast (fixture.window));
}

static void
test_drop (void)
{
  CcDeployment *deployment = cc_window_get_deployment (fixture.window);
  g_autofree char *chain = g_build_filename (fixture.tmpdir, "lab-chain.p7b", NULL);
  g_autofree char *garbage = g_build_filename (fixture.tmpdir, "not-a-cert.pem", NULL);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GSList *files = NULL;

  g_assert_true (cc_authority_write_chain (deployment, LAB_CA, chain, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (garbage, "this is not a certificate\n", -1, &error));
  g_assert_no_error (error);

  /* the CA chain on an Intermediate store: already there, nothing changes, no error */
  select_store ("cwa01.contoso.com", CC_STORE_INTERMEDIATE);
  files = g_slist_prepend (files, g_file_new_for_path (chain));
  g_assert_true (_cc_certificate_actions_import_files (fixture.window, files));
  g_slist_free_full (g_steal_pointer (&files), g_object_unref);
  wait_for_actions ();
  if (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL)
    {
      dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Certificates Imported");
      respond (dialog, "close");
    }

  /* a file that is no certificate: the core's message, in a dialog */
  files = g_slist_prepend (files, g_file_new_for_path (garbage));
  g_assert_true (_cc_certificate_actions_import_files (fixture.window, files));
  g_slist_free_full (g_steal_pointer (&files), g_object_unref);
  wait_for_actions ();
  dialog = get_message_dialog ("Could Not Import");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "not-a-cert.pem"));
  respond (dialog, "close");

  /* a server selected, no store: nowhere to import into */
  select_server_row ("cwa01.contoso.com");
  g_assert_null (_cc_window_get_store (fixture.window));
  files = g_slist_prepend (files, g_file_new_for_path (chain));
  g_assert_false (_cc_certificate_actions_import_files (fixture.window, files));
  g_slist_free_full (g_steal_pointer (&files), g_object_unref);
  g_assert_false (action_enabled ("cert.import"));
}

static void
test_viewer_expired (void)
{
  CcTestPki *pki = cc_test_pki_new ();
  CcTestCertOptions options = {
    .common_name = "Old Contoso Root",
    .organization = "Contoso",
    .not_before_days = -800,
    .not_after_days = -30,
    .self_signed = TRUE,
    .is_ca = TRUE,
  };
  g_autofree char *pem = cc_test_pki_issue (pki, &options, NULL);
  g_autoptr(CcCertificate) old = cc_certificate_new_from_pem (pem, strlen (pem), NULL);
  CcStore *roots = cc_server_get_store (get_server ("cwa01.contoso.com"), CC_STORE_TRUSTED_ROOT);
  g_autoptr(GError) error = NULL;
  CcCertificateDialog *dialog;
  GPtrArray *path;

  g_assert_nonnull (old);
  g_assert_true (cc_store_add_certificate (roots, old, NULL, NULL, FALSE, "chain", &error));
  g_assert_no_error (error);
  cc_test_pki_free (pki);

  select_store ("cwa01.contoso.com", CC_STORE_TRUSTED_ROOT);
  cc_test_wait_until (entry_shown, (gpointer) cc_certificate_get_thumbprint (old), "the old root");
  select_entry (cc_certificate_get_thumbprint (old));
  dialog = open_viewer (old);
  assert_shows_text (GTK_WIDGET (dialog), "This certificate expired on ");
  /* no key, no friendly name given */
  assert_shows_label (GTK_WIDGET (dialog), "None");
  assert_shows_label (GTK_WIDGET (dialog), "• All purposes");
  {
    g_autofree char *labels = cc_test_dup_visible_labels (GTK_WIDGET (dialog));

    g_assert_null (strstr (labels, "private key"));
  }

  /* a root alone on its path, not valid now */
  cc_test_wait_until (path_built, dialog, "the certification path");
  path = _cc_certificate_dialog_get_path (dialog);
  g_assert_cmpuint (path->len, ==, 1);
  g_assert_cmpint (((CcPathLink *) g_ptr_array_index (path, 0))->status, ==, CC_LINK_EXPIRED);
  close_viewer (dialog);
}

static void
test_close (void)
{
  CcWindow *window = g_steal_pointer (&fixture.window);

  gtk_window_destroy (GTK_WINDOW (window));
  cc_test_wait_released (window, "the window to let go");
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  cc_core_init ();
  /* a screenshot taken a few frames after a change shows the change, not a crossfade */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  fixture.app = cc_application_new ();
  /* not on the session bus: several test runs may overlap */
  g_application_set_flags (G_APPLICATION (fixture.app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (fixture.app), NULL, &error));
  g_assert_no_error (error);

  fixture.tmpdir = cc_test_make_tmpdir ();
  fixture.path = g_build_filename (fixture.tmpdir, "deployment", NULL);

  g_test_add_func ("/certificate/open", test_open);
  g_test_add_func ("/certificate/viewer-general", test_viewer_general);
  g_test_add_func ("/certificate/viewer-details", test_viewer_details);
  g_test_add_func ("/certificate/viewer-path", test_viewer_path);
  g_test_add_func ("/certificate/copy-thumbprint", test_copy_thumbprint);
  g_test_add_func ("/certificate/context-menu", test_context_menu);
  g_test_add_func ("/certificate/delete-refused", test_delete_refused);
  g_test_add_func ("/certificate/delete-undo", test_delete_undo);
  g_test_add_func ("/certificate/export-pem", test_export_pem);
  g_test_add_func ("/certificate/export-import-pfx", test_export_import_pfx);
  g_test_add_func ("/certificate/assign", test_assign);
  g_test_add_func ("/certificate/distribute", test_distribute);
  g_test_add_func ("/certificate/viewer-expired", test_viewer_expired);
  g_test_add_func ("/certificate/drop", test_drop);
  g_test_add_func ("/certificate/close", test_close);

  ret = g_test_run ();

  g_clear_object (&fixture.window);
  g_clear_object (&fixture.app);
  cc_test_rmrf (fixture.tmpdir);
  g_free (fixture.tmpdir);
  g_free (fixture.path);
  g_free (fixture.spare_thumbprint);

  return ret;
}
