/* cc-window.c: the console window: the deployment's tree on the left, the selected store's
 * certificates on the right, everything loaded off the main loop. */
#include "config.h"

#include <glib/gi18n.h>

#include "cc-window.h"
#include "cc-window-private.h"
#include "cc-overview-page.h"
#include "cc-trust-matrix-page.h"
#include "cc-certificate-actions.h"
#include "cc-wizard-actions.h"
#include "cc-gui-util.h"
#include "cc-unlock-dialog.h"

struct _CcWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;      /* cc-certificate-actions.c */
  GMenuModel           *certificate_menu;   /* cc-certificate-actions.c */
  GtkSearchEntry       *search_entry;
  GtkStack             *main_stack;
  AdwStatusPage        *open_error_page;
  GtkListView          *sidebar;
  GtkSingleSelection   *sidebar_selection;
  GtkStack             *content_stack;
  AdwStatusPage        *empty_page;
  AdwStatusPage        *load_error_page;
  GtkColumnView        *column_view;
  GtkColumnViewColumn  *issued_to_column;
  GtkColumnViewColumn  *issued_by_column;
  GtkColumnViewColumn  *expiration_column;
  GtkColumnViewColumn  *purposes_column;
  GtkColumnViewColumn  *friendly_name_column;
  GtkColumnViewColumn  *key_column;
  GtkColumnViewColumn  *assigned_to_column;
  GtkColumnViewColumn  *thumbprint_column;
  GtkCustomSorter      *issued_to_sorter;
  GtkFilterListModel   *entry_filter_model;
  GtkSortListModel     *entry_sort_model;
  CcOverviewPage       *overview_page;
  GtkButton            *check_button;
  GtkStack             *check_stack;
  GMenu                *recent_menu;
  AdwLeaflet           *leaflet;
  GtkButton            *back_button;
  guint                 back_button_idle;

  char                 *deployment_path;
  CcDeployment         *deployment;
  GtkTreeListModel     *tree_model;
  CcStore              *store;          /* the one shown, or NULL */
  GError               *load_error;
  GSettings            *settings;
  GtkWindow            *trust_matrix_window;   /* weak */
  /* the Open or New Deployment folder chooser, while it is open */
  GtkFileChooserNative *deployment_chooser;
  GtkWindow            *unlock_dialog;         /* weak */

  /* cancelled when the window goes away */
  GCancellable         *cancellable;
  /* the store load in flight; cancelled when another store is selected */
  GCancellable         *load_cancellable;

  guint                 opening : 1;
  guint                 loading : 1;
  /* create the demo topology when deployment_path holds no deployment yet */
  guint                 create_demo : 1;
  /* Open or New Deployment, off the main loop */
  guint                 opening_other : 1;
};

G_DEFINE_FINAL_TYPE (CcWindow, cc_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DEPLOYMENT_PATH,
  PROP_DEPLOYMENT,
  PROP_BUSY,
  PROP_CREATE_DEMO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* one store load: which window asked, with which cancellable */
typedef struct
{
  CcWindow     *self;
  GCancellable *cancellable;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadData, load_data_free)

static void
set_busy (CcWindow *self,
          gboolean  opening,
          gboolean  loading)
{
  gboolean was_busy = cc_window_get_busy (self);

  self->opening = !!opening;
  self->loading = !!loading;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload",
                                 self->store != NULL && !self->loading);

  if (was_busy != cc_window_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ~/.local/share/certconsole rather than /home/someone/.local/share/certconsole */
static char *
dup_display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  g_autofree char *display = g_filename_display_name (path);
  gsize home_len;

  if (home == NULL || g_strcmp0 (home, "/") == 0)
    return g_steal_pointer (&display);

  home_len = strlen (home);
  if (g_str_has_prefix (path, home) && (path[home_len] == '/' || path[home_len] == '\0'))
    {
      g_autofree char *rest = g_filename_display_name (path + home_len);
      return g_strconcat ("~", rest, NULL);
    }

  return g_steal_pointer (&display);
}

/* Entries: what each column shows. Pending requests have no certificate: they show the
 * subject requested, the interface it is for and its key instead. */

static char *
format_key_type (const char *key_type)
{
  g_auto(GStrv) parts = NULL;

  if (key_type == NULL || key_type[0] == '\0')
    return NULL;

  parts = g_strsplit (key_type, ":", 2);
  if (parts[0] == NULL || parts[1] == NULL)
    return g_ascii_strup (key_type, -1);

  if (g_ascii_strcasecmp (parts[0], "rsa") == 0)
    /* Translators: an RSA key and its size, e.g. "RSA 2048 bits" */
    return g_strdup_printf (_("RSA %s bits"), parts[1]);
  else
    {
      g_autofree char *alg = g_ascii_strup (parts[0], -1);
      g_autofree char *curve = g_ascii_strup (parts[1], -1);
      return g_strdup_printf ("%s %s", alg, curve);
    }
}

static const char *
get_issued_to (CcStoreEntry *entry)
{
  CcCertificate *certificate = cc_store_entry_get_certificate (entry);

  if (certificate != NULL)
    return cc_certificate_get_issued_to (certificate);
  return cc_store_entry_get_subject (entry);
}

static char *
dup_issued_by (CcStoreEntry *entry)
{
  CcCertificate *certificate = cc_store_entry_get_certificate (entry);

  if (certificate != NULL)
    return g_strdup (cc_certificate_get_issued_by (certificate));
  return g_strdup (_("Pending request"));
}

static char *
dup_expiration (CcStoreEntry *entry)
{
  CcCertificate *certificate = cc_store_entry_get_certificate (entry);
  GDateTime *not_after;
  g_autoptr(GDateTime) local = NULL;

  if (certificate == NULL || (not_after = cc_certificate_get_not_after (certificate)) == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (not_after);
  /* Translators: the Expiration Date column, strftime()-style: "31 Jan 2027" */
  return g_date_time_format (local, _("%d %b %Y"));
}

static char *
dup_purposes (CcStoreEntry *entry)
{
  CcCertificate *certificate = cc_store_entry_get_certificate (entry);

  if (certificate != NULL)
    return cc_certificate_dup_intended_purposes (certificate);
  return cc_gui_format_interfaces (cc_store_entry_get_interface (entry));
}

static const char *
get_key (CcStoreEntry *entry)
{
  if (!cc_store_entry_get_has_private_key (entry))
    return "";
  if (cc_store_entry_get_exportable (entry))
    return _("Private key, exportable");
  return _("Private key");
}

static char *
dup_assigned_to (CcStoreEntry *entry)
{
  return cc_gui_format_interfaces (cc_store_entry_get_assigned_to (entry));
}

static char *
entry_issued_to (gpointer      unused,
                 CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return g_strdup (get_issued_to (entry));
}

static char *
entry_subject (gpointer      unused,
               CcStoreEntry *entry)
{
  CcCertificate *certificate;

  if (entry == NULL)
    return NULL;
  certificate = cc_store_entry_get_certificate (entry);
  if (certificate != NULL)
    return g_strdup (cc_certificate_get_subject (certificate));
  return g_strdup (cc_store_entry_get_subject (entry));
}

static char *
entry_icon_name (gpointer      unused,
                 CcStoreEntry *entry)
{
  CcCertificate *certificate;
  g_autoptr(GDateTime) now = NULL;

  if (entry == NULL)
    return NULL;

  certificate = cc_store_entry_get_certificate (entry);
  if (certificate == NULL)
    return g_strdup ("document-send-symbolic");

  now = g_date_time_new_now_utc ();
  if (cc_certificate_is_expired (certificate, now))
    return g_strdup ("dialog-warning-symbolic");
  if (cc_certificate_is_ca (certificate))
    return g_strdup ("security-high-symbolic");
  if (cc_store_entry_get_has_private_key (entry))
    return g_strdup ("dialog-password-symbolic");
  return g_strdup ("channel-secure-symbolic");
}

static char *
entry_issued_by (gpointer      unused,
                 CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return dup_issued_by (entry);
}

static char *
entry_issuer (gpointer      unused,
              CcStoreEntry *entry)
{
  CcCertificate *certificate;

  if (entry == NULL)
    return NULL;
  certificate = cc_store_entry_get_certificate (entry);
  if (certificate == NULL)
    return NULL;
  return g_strdup (cc_certificate_get_issuer (certificate));
}

static char *
entry_expiration (gpointer      unused,
                  CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return dup_expiration (entry);
}

static char *
entry_validity (gpointer      unused,
                CcStoreEntry *entry)
{
  CcCertificate *certificate;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;

  if (entry == NULL)
    return NULL;
  certificate = cc_store_entry_get_certificate (entry);
  if (certificate == NULL
      || cc_certificate_get_not_before (certificate) == NULL
      || cc_certificate_get_not_after (certificate) == NULL)
    return NULL;

  from = g_date_time_to_local (cc_certificate_get_not_before (certificate));
  to = g_date_time_to_local (cc_certificate_get_not_after (certificate));
  from_text = g_date_time_format (from, "%x %X");
  to_text = g_date_time_format (to, "%x %X");
  now = g_date_time_new_now_utc ();

  if (cc_certificate_is_expired (certificate, now))
    /* Translators: a tooltip: the validity period of an expired certificate */
    return g_strdup_printf (_("Expired. Valid from %s to %s"), from_text, to_text);
  /* Translators: a tooltip: the validity period of a certificate */
  return g_strdup_printf (_("Valid from %s to %s"), from_text, to_text);
}

static char *
entry_purposes (gpointer      unused,
                CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return dup_purposes (entry);
}

static char *
entry_friendly_name (gpointer      unused,
                     CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return g_strdup (cc_store_entry_get_friendly_name (entry));
}

static char *
entry_key (gpointer      unused,
           CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return g_strdup (get_key (entry));
}

static char *
entry_key_type (gpointer      unused,
                CcStoreEntry *entry)
{
  CcCertificate *certificate;

  if (entry == NULL)
    return NULL;
  certificate = cc_store_entry_get_certificate (entry);
  if (certificate != NULL)
    return format_key_type (cc_certificate_get_key_type (certificate));
  return format_key_type (cc_store_entry_get_key_type (entry));
}

static char *
entry_assigned_to (gpointer      unused,
                   CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return dup_assigned_to (entry);
}

/* the interface ids, as deployment.json and certctl spell them: short enough for a cell */
static char *
entry_assigned_to_ids (gpointer      unused,
                       CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return g_strdup (cc_store_entry_get_assigned_to (entry));
}

static char *
entry_thumbprint_label (gpointer      unused,
                        CcStoreEntry *entry)
{
  if (entry == NULL)
    return NULL;
  return g_strdup (cc_store_entry_get_id (entry));
}

/* Closures with no parameter: the sorters and the filter evaluate them on the item. */

static char *
entry_issued_by_for_sort (CcStoreEntry *entry)
{
  return entry != NULL ? dup_issued_by (entry) : NULL;
}

static gint64
entry_expiration_for_sort (CcStoreEntry *entry)
{
  CcCertificate *certificate;

  if (entry == NULL || (certificate = cc_store_entry_get_certificate (entry)) == NULL
      || cc_certificate_get_not_after (certificate) == NULL)
    return G_MAXINT64;
  return g_date_time_to_unix (cc_certificate_get_not_after (certificate));
}

static char *
entry_purposes_for_sort (CcStoreEntry *entry)
{
  return entry != NULL ? dup_purposes (entry) : NULL;
}

static char *
entry_friendly_name_for_sort (CcStoreEntry *entry)
{
  return entry != NULL ? g_strdup (cc_store_entry_get_friendly_name (entry)) : NULL;
}

static char *
entry_key_for_sort (CcStoreEntry *entry)
{
  return entry != NULL ? g_strdup (get_key (entry)) : NULL;
}

static char *
entry_assigned_to_for_sort (CcStoreEntry *entry)
{
  return entry != NULL ? g_strdup (cc_store_entry_get_assigned_to (entry)) : NULL;
}

static char *
entry_thumbprint (CcStoreEntry *entry)
{
  return entry != NULL ? g_strdup (cc_store_entry_get_id (entry)) : NULL;
}

/* every column's text, so that the search matches whatever the user sees */
static char *
entry_search_text (CcStoreEntry *entry)
{
  g_autofree char *issued_by = NULL;
  g_autofree char *expiration = NULL;
  g_autofree char *purposes = NULL;
  g_autofree char *assigned_to = NULL;

  if (entry == NULL)
    return NULL;

  issued_by = dup_issued_by (entry);
  expiration = dup_expiration (entry);
  purposes = dup_purposes (entry);
  assigned_to = dup_assigned_to (entry);

  return g_strjoin ("\n",
                    get_issued_to (entry),
                    issued_by,
                    expiration,
                    purposes,
                    cc_store_entry_get_friendly_name (entry),
                    get_key (entry),
                    cc_store_entry_get_assigned_to (entry),
                    assigned_to,
                    cc_store_entry_get_id (entry),
                    NULL);
}

static int
issued_to_compare (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  return cc_natural_compare (get_issued_to ((CcStoreEntry *) a),
                             get_issued_to ((CcStoreEntry *) b));
}

/* The content pane: which page the state calls for. */
static void
update_content_page (CcWindow *self)
{
  const char *page;

  if (self->content_stack == NULL)
    return;

  if (self->store == NULL && cc_overview_page_get_scope (self->overview_page) != NULL)
    page = "overview";
  else if (self->store == NULL)
    page = "select";
  else if (self->loading)
    page = "loading";
  else if (self->load_error != NULL)
    {
      adw_status_page_set_description (self->load_error_page, self->load_error->message);
      page = "error";
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    {
      CcServer *server = cc_store_get_server (self->store);
      g_autofree char *description = NULL;

      if (server != NULL)
        /* Translators: "The <store> store of <server> holds no certificates." */
        description = g_strdup_printf (_("The %s store of %s holds no certificates."),
                                       cc_store_get_display_name (self->store),
                                       cc_server_get_fqdn (server));
      adw_status_page_set_description (self->empty_page, description);
      page = "empty";
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->entry_filter_model)) == 0)
    page = "no-results";
  else
    page = "certificates";

  gtk_stack_set_visible_child_name (self->content_stack, page);
}

static void
entry_filter_items_changed_cb (CcWindow   *self,
                               guint       position,
                               guint       removed,
                               guint       added,
                               GListModel *model)
{
  if (!self->loading)
    update_content_page (self);
}

static void
store_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LoadData) data = user_data;
  CcWindow *self = data->self;
  g_autoptr(GError) error = NULL;

  cc_store_load_finish (CC_STORE (source), result, &error);

  /* a newer selection, or the window closing, took over */
  if (data->cancellable != self->load_cancellable || g_cancellable_is_cancelled (data->cancellable))
    return;

  g_clear_object (&self->load_cancellable);
  g_clear_error (&self->load_error);
  if (error != NULL)
    {
      g_debug ("Loading %s failed: %s", cc_store_get_path (CC_STORE (source)), error->message);
      self->load_error = g_steal_pointer (&error);
    }

  set_busy (self, self->opening, FALSE);
  update_content_page (self);
}

/* Shows store (nullable), loading it first when it is not loaded or force is set. */
static void
show_store (CcWindow *self,
            CcStore  *store,
            gboolean  force)
{
  LoadData *data;

  if (self->load_cancellable != NULL)
    {
      g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
    }
  g_clear_error (&self->load_error);

  if (g_set_object (&self->store, store))
    gtk_sort_list_model_set_model (self->entry_sort_model, G_LIST_MODEL (store));

  if (store == NULL || (!force && cc_store_is_loaded (store)))
    {
      set_busy (self, self->opening, FALSE);
      update_content_page (self);
      return;
    }

  self->load_cancellable = g_cancellable_new ();
  set_busy (self, self->opening, TRUE);
  update_content_page (self);

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->load_cancellable);
  cc_store_load_async (store, self->load_cancellable, store_loaded_cb, data);
}

/* Narrow windows: the leaflet shows the tree or the content, one at a time, with a back
 * button (the header's squeezers keep what fits: the check as an icon, the certificate
 * actions' menu only, a shorter search). */
static gboolean
update_back_button (gpointer user_data)
{
  CcWindow *self = user_data;
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  gboolean on_content = g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet),
                                   "content") == 0;

  self->back_button_idle = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), folded && on_content);
  return G_SOURCE_REMOVE;
}

/* the leaflet folds while it is being allocated: the header changes after that frame */
static void
leaflet_changed_cb (CcWindow *self)
{
  if (self->back_button_idle == 0)
    self->back_button_idle = g_idle_add_full (G_PRIORITY_DEFAULT, update_back_button, self,
                                              NULL);
}

/* also when not folded: a window made narrow then shows what was selected */
static void
show_content (CcWindow *self)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
back_clicked_cb (CcWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Enter on a row, or a click on the row already selected, in a narrow window */
static void
sidebar_activate_cb (CcWindow    *self,
                     guint        position,
                     GtkListView *list_view)
{
  if (gtk_single_selection_get_selected_item (self->sidebar_selection) != NULL)
    show_content (self);
}

static void
sidebar_released_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     CcWindow        *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->sidebar), x, y, GTK_PICK_DEFAULT);
  GtkWidget *expander = picked != NULL ? gtk_widget_get_ancestor (picked, GTK_TYPE_TREE_EXPANDER)
                                       : NULL;

  /* a click on a row's arrow expands or collapses it: it does not choose it */
  if (expander == NULL || g_strcmp0 (gtk_widget_get_css_name (picked), "expander") == 0)
    return;
  if (gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander))
      == gtk_single_selection_get_selected_item (self->sidebar_selection))
    show_content (self);
}

static void
sidebar_selection_changed_cb (CcWindow           *self,
                              GParamSpec         *pspec,
                              GtkSingleSelection *selection)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (selection);
  g_autoptr(GObject) item = NULL;

  if (row != NULL)
    item = gtk_tree_list_row_get_item (row);

  /* the deployment, a site or a pool: the overview of its servers */
  cc_overview_page_set_scope (self->overview_page,
                              CC_IS_DEPLOYMENT (item) || CC_IS_SITE (item) || CC_IS_POOL (item)
                              ? item : NULL);
  show_store (self, CC_IS_STORE (item) ? CC_STORE (item) : NULL, FALSE);
  if (item != NULL)
    show_content (self);
}

static void
search_entry_stop_search_cb (CcWindow       *self,
                             GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* The sidebar: the deployment's row (its overview), then site → pool → server → store rows. */

static GListModel *
dup_sidebar_root (CcDeployment *deployment)
{
  g_autoptr(GListStore) parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GListStore) top = g_list_store_new (CC_TYPE_DEPLOYMENT);

  g_list_store_append (top, deployment);
  g_list_store_append (parts, top);
  g_list_store_append (parts, deployment);
  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts))));
}

static GListModel *
create_child_model (gpointer item,
                    gpointer user_data)
{
  /* a store is a GListModel too, of certificates: those go on the right, not in the tree */
  if (CC_IS_SITE (item) || CC_IS_POOL (item) || CC_IS_SERVER (item))
    return g_object_ref (G_LIST_MODEL (item));
  return NULL;
}

/* The tree at start: level after level (sites, pools, servers) expanded while everything
 * shown stays within SIDEBAR_START_ROWS rows, so that the first frame makes the widgets of
 * a screen or two, not of every server and store (GTK 4.8's list views make up to 200 rows'
 * widgets, and an expanded tree model counts every node below). The demo deployment starts
 * fully expanded; one of a thousand servers shows its sites, their pools and servers built
 * when a row expands. */
#define SIDEBAR_START_ROWS 60

static void
expand_start_levels (GtkTreeListModel *model)
{
  for (guint depth = 0; depth < 3; depth++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
      guint n_after = n;
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        {
          GtkTreeListRow *row = gtk_tree_list_model_get_row (model, i);
          g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

          if (gtk_tree_list_row_get_depth (row) == depth && G_IS_LIST_MODEL (item)
              && !CC_IS_STORE (item) && !CC_IS_DEPLOYMENT (item))
            {
              n_after += g_list_model_get_n_items (G_LIST_MODEL (item));
              g_ptr_array_add (rows, row);
            }
          else
            g_object_unref (row);
        }
      if (rows->len == 0 || n_after > SIDEBAR_START_ROWS)
        return;
      for (guint i = 0; i < rows->len; i++)
        gtk_tree_list_row_set_expanded (g_ptr_array_index (rows, i), TRUE);
    }
}

static const char *
store_icon_name (CcStoreKind kind)
{
  switch (kind)
    {
    case CC_STORE_PERSONAL:
      return "dialog-password-symbolic";
    case CC_STORE_TRUSTED_ROOT:
      return "security-high-symbolic";
    case CC_STORE_INTERMEDIATE:
      return "security-medium-symbolic";
    case CC_STORE_REQUESTS:
      return "document-send-symbolic";
    case CC_N_STORES:
    default:
      return "folder-symbolic";
    }
}

static void
sidebar_update_count (GtkListItem *list_item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkLabel *count = g_object_get_data (G_OBJECT (expander), "count");
  g_autoptr(GObject) item = NULL;
  g_autofree char *text = NULL;
  int n;

  if (row == NULL)
    return;
  item = gtk_tree_list_row_get_item (row);
  if (!CC_IS_STORE (item))
    return;

  /* its entries once loaded, else its files as counted in a thread when the deployment
   * opened: nothing until then (the main loop reads no folder) */
  n = cc_store_get_count (CC_STORE (item));
  gtk_widget_set_visible (GTK_WIDGET (count), n >= 0);
  if (n < 0)
    return;
  text = g_strdup_printf ("%d", n);
  gtk_label_set_text (count, text);
}

/* The row's title in full when it is cut, asked for on hover: setting a tooltip text on
 * every bind costs a round trip to the display server each (GTK looks for the pointer). */
static gboolean
sidebar_title_query_tooltip_cb (GtkWidget  *title,
                                int         x,
                                int         y,
                                gboolean    keyboard,
                                GtkTooltip *tooltip,
                                gpointer    user_data)
{
  const char *text = gtk_label_get_text (GTK_LABEL (title));

  if (text == NULL || text[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
sidebar_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *count = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "cc-sidebar-row");

  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (labels, TRUE);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (title), 2);
  gtk_widget_set_has_tooltip (title, TRUE);
  g_signal_connect (title, "query-tooltip", G_CALLBACK (sidebar_title_query_tooltip_cb), NULL);

  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");

  gtk_label_set_xalign (GTK_LABEL (count), 1);
  gtk_widget_set_valign (count, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_widget_add_css_class (count, "cc-count");

  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), count);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);

  g_object_set_data (G_OBJECT (expander), "icon", icon);
  g_object_set_data (G_OBJECT (expander), "title", title);
  g_object_set_data (G_OBJECT (expander), "subtitle", subtitle);
  g_object_set_data (G_OBJECT (expander), "count", count);

  gtk_list_item_set_child (list_item, expander);
}

static void
sidebar_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkImage *icon = g_object_get_data (G_OBJECT (expander), "icon");
  GtkLabel *title = g_object_get_data (G_OBJECT (expander), "title");
  GtkLabel *subtitle = g_object_get_data (G_OBJECT (expander), "subtitle");
  GtkWidget *count = g_object_get_data (G_OBJECT (expander), "count");
  g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
  const char *icon_name = NULL;
  const char *title_text = NULL;
  const char *subtitle_text = NULL;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_widget_set_visible (count, CC_IS_STORE (item));

  if (CC_IS_DEPLOYMENT (item))
    {
      icon_name = "view-grid-symbolic";
      title_text = _("All Servers");
      subtitle_text = _("Overview of the deployment");
    }
  else if (CC_IS_SITE (item))
    {
      icon_name = "mark-location-symbolic";
      title_text = cc_site_get_name (CC_SITE (item));
      subtitle_text = _("Site");
    }
  else if (CC_IS_POOL (item))
    {
      CcPool *pool = CC_POOL (item);

      icon_name = "network-workgroup-symbolic";
      title_text = cc_pool_get_fqdn (pool);
      if (cc_pool_get_load_balancer (pool))
        subtitle_text = _("Pool behind a load balancer");
      else if (g_list_model_get_n_items (G_LIST_MODEL (pool)) == 1)
        subtitle_text = _("Pool of one server");
      else
        subtitle_text = _("Pool");
    }
  else if (CC_IS_SERVER (item))
    {
      CcRole role = cc_server_get_role (CC_SERVER (item));

      icon_name = cc_role_get_icon_name (role);
      title_text = cc_server_get_fqdn (CC_SERVER (item));
      subtitle_text = cc_role_get_display_name (role);
    }
  else if (CC_IS_STORE (item))
    {
      CcStore *store = CC_STORE (item);

      icon_name = store_icon_name (cc_store_get_kind (store));
      title_text = cc_store_get_display_name (store);
      g_signal_connect_object (store, "notify::n-items",
                               G_CALLBACK (sidebar_update_count), list_item,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "notify::count",
                               G_CALLBACK (sidebar_update_count), list_item,
                               G_CONNECT_SWAPPED);
      sidebar_update_count (list_item);
    }

  gtk_image_set_from_icon_name (icon, icon_name);
  /* "Trusted Root Certification Authorities" is long: on two lines rather than cut */
  gtk_label_set_wrap (title, CC_IS_STORE (item));
  gtk_label_set_text (title, title_text != NULL ? title_text : "");
  gtk_label_set_text (subtitle, subtitle_text != NULL ? subtitle_text : "");
  gtk_widget_set_visible (GTK_WIDGET (subtitle), subtitle_text != NULL);
}

static void
sidebar_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  g_autoptr(GObject) item = NULL;

  if (row != NULL)
    item = gtk_tree_list_row_get_item (row);
  if (CC_IS_STORE (item))
    g_signal_handlers_disconnect_by_func (item, sidebar_update_count, list_item);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

/* Keys at rest: a deployment with a passphrase opens locked; the console asks for it once,
 * when it opens, and then on win.unlock. */

static void
update_lock_actions (CcWindow *self)
{
  gboolean has = self->deployment != NULL && cc_deployment_has_passphrase (self->deployment);
  gboolean locked = has && cc_deployment_is_locked (self->deployment);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.unlock", locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", has && !locked);
}

static void
keys_unlocked_cb (CcWindow *self)
{
  update_lock_actions (self);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Keys unlocked for this session")));
}

static void
present_unlock_dialog (CcWindow *self)
{
  GtkWidget *dialog;

  if (self->unlock_dialog != NULL)
    {
      gtk_window_present (self->unlock_dialog);
      return;
    }
  dialog = cc_unlock_dialog_new (GTK_WINDOW (self), self->deployment);
  g_signal_connect_object (dialog, "unlocked", G_CALLBACK (keys_unlocked_cb), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->unlock_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CcWindow *self = CC_WINDOW (widget);

  if (self->deployment != NULL && cc_deployment_is_locked (self->deployment))
    present_unlock_dialog (self);
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CcWindow *self = CC_WINDOW (widget);

  if (self->deployment == NULL)
    return;
  cc_deployment_lock (self->deployment);
  update_lock_actions (self);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_("Keys locked: unlock them with the passphrase to use them")));
}

/* Opening the deployment. */

#define MAX_RECENT_DEPLOYMENTS 8

/* The deployment's folder first in the recent-deployments setting, once. */
static void
remember_deployment (CcWindow   *self,
                     const char *path)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-deployments");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT_DEPLOYMENTS; i++)
    {
      if (g_strcmp0 (recent[i], path) != 0)
        {
          g_strv_builder_add (builder, recent[i]);
          n++;
        }
    }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-deployments", (const char * const *) updated);
  g_settings_set_string (self->settings, "last-deployment", path);
}

static void
forget_deployment (CcWindow   *self,
                   const char *path)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-deployments");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  for (guint i = 0; recent[i] != NULL; i++)
    if (g_strcmp0 (recent[i], path) != 0)
      g_strv_builder_add (builder, recent[i]);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-deployments", (const char * const *) updated);
}

/* The primary menu's Open Recent submenu, from the setting. */
static void
update_recent_menu (CcWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-deployments");

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *label = dup_display_path (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_menu, item);
    }
}

static void
stores_counted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* the counts are set and shown by now; a cancelled count leaves them blank */
  if (!cc_stores_count_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Counting the stores failed: %s", error->message);
}

/* The sidebar's store counts, read in a thread once the deployment shows. */
static void
count_stores (CcWindow *self)
{
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (self->deployment);
  g_autoptr(GPtrArray) stores = g_ptr_array_new ();

  for (guint i = 0; i < servers->len; i++)
    for (int kind = 0; kind < CC_N_STORES; kind++)
      g_ptr_array_add (stores, cc_server_get_store (g_ptr_array_index (servers, i), kind));
  cc_stores_count_async (stores, self->cancellable, stores_counted_cb, NULL);
}

static void
show_deployment (CcWindow     *self,
                 CcDeployment *deployment)
{
  g_set_object (&self->deployment, deployment);
  g_clear_object (&self->tree_model);
  /* children models made when a row expands */
  self->tree_model = gtk_tree_list_model_new (dup_sidebar_root (self->deployment),
                                              FALSE, FALSE, create_child_model, NULL, NULL);
  expand_start_levels (self->tree_model);
  gtk_single_selection_set_model (self->sidebar_selection, G_LIST_MODEL (self->tree_model));
  count_stores (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), TRUE);
  cc_overview_page_set_deployment (self->overview_page, self->deployment);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.trust-matrix", TRUE);
  remember_deployment (self, self->deployment_path);
  gtk_stack_set_visible_child_name (self->main_stack, "deployment");
  update_content_page (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPLOYMENT]);
  set_busy (self, FALSE, self->loading);

  update_lock_actions (self);
  if (cc_deployment_is_locked (self->deployment))
    present_unlock_dialog (self);
}

static void
deployment_opened_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CcWindow) self = user_data;
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;

  if (self->create_demo)
    deployment = cc_deployment_open_or_create_demo_finish (result, &error);
  else
    deployment = cc_deployment_open_finish (result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (deployment == NULL)
    {
      g_debug ("Opening %s failed: %s", self->deployment_path, error->message);
      adw_status_page_set_description (self->open_error_page, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      set_busy (self, FALSE, self->loading);
      return;
    }

  show_deployment (self, deployment);
}

static void
open_deployment (CcWindow *self)
{
  g_autofree char *display_path = dup_display_path (self->deployment_path);

  adw_window_title_set_subtitle (self->window_title, display_path);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), self->deployment_path);

  /* already open (Open or New Deployment in another window) */
  if (self->deployment != NULL)
    {
      show_deployment (self, self->deployment);
      return;
    }

  gtk_stack_set_visible_child_name (self->main_stack, "opening");
  set_busy (self, TRUE, self->loading);

  if (self->create_demo)
    cc_deployment_open_or_create_demo_async (self->deployment_path, self->cancellable,
                                             deployment_opened_cb, g_object_ref (self));
  else
    cc_deployment_open_async (self->deployment_path, self->cancellable,
                              deployment_opened_cb, g_object_ref (self));
}

/* Open, New and Open Recent Deployment: the folder is opened (or created) off the main loop
 * first; a failure is shown in a dialog with the core's message and changes nothing; a
 * deployment that opens gets a window of its own (or the one already showing it), which
 * replaces this one when this one shows no deployment. */

typedef struct
{
  CcWindow *self;
  char     *path;
  gboolean  create;
  gboolean  recent;
} OpenOtherData;

static void
open_other_data_free (OpenOtherData *data)
{
  g_clear_object (&data->self);
  g_free (data->path);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenOtherData, open_other_data_free)

static void
present_deployment (CcWindow     *self,
                    CcDeployment *deployment)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const char *path = cc_deployment_get_path (deployment);
  CcWindow *window = NULL;
  CcWindow *failed = NULL;

  if (app != NULL)
    window = cc_application_find_window (CC_APPLICATION (app), path);
  /* one that could not open it (it had gone, and New made it again) gives way */
  if (window != NULL && window->deployment == NULL && !window->opening)
    {
      failed = window;
      window = NULL;
    }
  if (window == NULL)
    window = g_object_new (CC_TYPE_WINDOW,
                           "application", app,
                           "deployment-path", path,
                           "deployment", deployment,
                           NULL);
  gtk_window_present (GTK_WINDOW (window));

  if (failed != NULL)
    gtk_window_destroy (GTK_WINDOW (failed));
  if (self != failed && self->deployment == NULL && !self->opening)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
other_deployment_opened_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(OpenOtherData) data = user_data;
  CcWindow *self = data->self;
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;

  if (data->create)
    deployment = cc_deployment_create_finish (result, &error);
  else
    deployment = cc_deployment_open_finish (result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->opening_other = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  if (deployment == NULL)
    {
      AdwMessageDialog *dialog;

      g_debug ("%s %s failed: %s", data->create ? "Creating" : "Opening", data->path,
               error->message);
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
                 GTK_WINDOW (self),
                 data->create ? _("Could Not Create the Deployment")
                              : _("Could Not Open the Deployment"),
                 error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));

      /* a recent deployment that has gone is offered no more */
      if (data->recent && g_error_matches (error, CC_ERROR, CC_ERROR_NOT_A_DEPLOYMENT))
        forget_deployment (self, data->path);
      return;
    }

  present_deployment (self, deployment);
}

static void
open_other (CcWindow   *self,
            const char *path,
            gboolean    create,
            gboolean    recent)
{
  OpenOtherData *data;
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  CcWindow *window;

  /* already open: that window, not a second one that would not see its changes */
  if (!create && app != NULL
      && (window = cc_application_find_window (CC_APPLICATION (app), canonical)) != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  data = g_new0 (OpenOtherData, 1);
  data->self = g_object_ref (self);
  data->path = g_steal_pointer (&canonical);
  data->create = create;
  data->recent = recent;

  self->opening_other = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (create)
    cc_deployment_create_async (data->path, FALSE, self->cancellable,
                                other_deployment_opened_cb, data);
  else
    cc_deployment_open_async (data->path, self->cancellable, other_deployment_opened_cb, data);
}

void
_cc_window_open_other (CcWindow   *self,
                       const char *path,
                       gboolean    create)
{
  g_return_if_fail (CC_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  open_other (self, path, create, FALSE);
}

static void
deployment_chooser_response_cb (GtkNativeDialog *chooser,
                                int              response,
                                CcWindow        *self)
{
  gboolean create = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "create"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);

  if (self->deployment_chooser == GTK_FILE_CHOOSER_NATIVE (chooser))
    {
      gtk_native_dialog_destroy (chooser);
      g_clear_object (&self->deployment_chooser);
    }

  if (path != NULL)
    open_other (self, path, create, FALSE);
}

static void
show_deployment_chooser (CcWindow *self,
                         gboolean  create)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (create ? _("New Deployment") : _("Open Deployment"),
                                         GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         create ? _("_Create") : _("_Open"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "create", GINT_TO_POINTER (create));

  /* next to the deployment shown: others are usually its siblings */
  if (self->deployment_path != NULL)
    {
      g_autoptr(GFile) current = g_file_new_for_path (self->deployment_path);
      g_autoptr(GFile) parent = g_file_get_parent (current);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
    }

  g_signal_connect_object (chooser, "response", G_CALLBACK (deployment_chooser_response_cb),
                           self, 0);
  if (self->deployment_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->deployment_chooser));
  g_set_object (&self->deployment_chooser, chooser);
  g_object_unref (chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

GtkFileChooserNative *
_cc_window_get_deployment_chooser (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->deployment_chooser;
}

static void
open_deployment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  show_deployment_chooser (CC_WINDOW (widget), FALSE);
}

static void
new_deployment_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  show_deployment_chooser (CC_WINDOW (widget), TRUE);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_other (CC_WINDOW (widget), g_variant_get_string (parameter, NULL), FALSE, TRUE);
}

/* Actions. */

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CcWindow *self = CC_WINDOW (widget);

  if (gtk_widget_get_sensitive (GTK_WIDGET (self->search_entry)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
      gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
    }
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CcWindow *self = CC_WINDOW (widget);

  if (self->store != NULL)
    show_store (self, self->store, TRUE);
}

/* The header's Check Deployment button: the whole deployment's overview, checked again; while
 * a check runs, it cancels it. */
static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CcWindow *self = CC_WINDOW (widget);

  if (cc_overview_page_get_running (self->overview_page))
    cc_overview_page_cancel (self->overview_page);
  else if (CC_IS_DEPLOYMENT (cc_overview_page_get_scope (self->overview_page)))
    cc_overview_page_check (self->overview_page);
  else
    /* the deployment's own row comes first; selecting it starts the check */
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->sidebar_selection), 0, TRUE);
}

static void
overview_running_cb (CcWindow       *self,
                     GParamSpec     *pspec,
                     CcOverviewPage *page)
{
  gboolean running = cc_overview_page_get_running (page);

  gtk_stack_set_visible_child_name (self->check_stack, running ? "running" : "idle");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->check_button),
                               running ? _("Cancel the check of the servers")
                                       : _("Check every server of the deployment"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->check_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  running ? _("Cancel Check") : _("Check Deployment"),
                                  -1);
}

static void
trust_matrix_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CcWindow *self = CC_WINDOW (widget);
  GtkWidget *window;

  if (self->trust_matrix_window != NULL)
    {
      gtk_window_present (self->trust_matrix_window);
      return;
    }
  if (self->deployment == NULL)
    return;

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Trusted Roots"));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 880, 640);
  gtk_window_set_application (GTK_WINDOW (window),
                              gtk_window_get_application (GTK_WINDOW (self)));
  adw_window_set_content (ADW_WINDOW (window), cc_trust_matrix_page_new (self->deployment));
  g_set_weak_pointer (&self->trust_matrix_window, GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

/* A menu on the column headers (right click) to show or hide every column but Issued To:
 * eight columns do not all fit beside the tree on a small screen. */
static void
setup_column_menu (CcWindow *self)
{
  struct {
    const char          *name;
    GtkColumnViewColumn *column;
  } columns[] = {
    { "issued-by", self->issued_by_column },
    { "expiration", self->expiration_column },
    { "purposes", self->purposes_column },
    { "friendly-name", self->friendly_name_column },
    { "key", self->key_column },
    { "assigned-to", self->assigned_to_column },
    { "thumbprint", self->thumbprint_column },
  };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GPropertyAction) action = g_property_action_new (columns[i].name,
                                                                 columns[i].column,
                                                                 "visible");
      g_autofree char *detailed = g_strconcat ("columns.", columns[i].name, NULL);

      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
      g_menu_append (section, gtk_column_view_column_get_title (columns[i].column), detailed);
    }
  g_menu_append_section (menu, _("Show Columns"), G_MENU_MODEL (section));

  gtk_widget_insert_action_group (GTK_WIDGET (self), "columns", G_ACTION_GROUP (group));
  gtk_column_view_column_set_header_menu (self->issued_to_column, G_MENU_MODEL (menu));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    gtk_column_view_column_set_header_menu (columns[i].column, G_MENU_MODEL (menu));
}

/* GObject. */

static void
cc_window_constructed (GObject *object)
{
  CcWindow *self = CC_WINDOW (object);

  G_OBJECT_CLASS (cc_window_parent_class)->constructed (object);

  if (self->deployment_path == NULL)
    self->deployment_path = cc_deployment_dup_default_path ();

  open_deployment (self);
}

static gboolean
cc_window_close_request (GtkWindow *window)
{
  CcWindow *self = CC_WINDOW (window);
  int width, height;

  /* the size it had before it was maximized, for the next start */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  /* the secret goes with the window */
  if (self->deployment != NULL)
    cc_deployment_lock (self->deployment);

  return GTK_WINDOW_CLASS (cc_window_parent_class)->close_request (window);
}

static void
cc_window_dispose (GObject *object)
{
  CcWindow *self = CC_WINDOW (object);

  g_clear_handle_id (&self->back_button_idle, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);

  /* a check in flight is of no use once the window is gone */
  if (self->overview_page != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->overview_page, self);
      cc_overview_page_cancel (self->overview_page);
    }
  if (self->trust_matrix_window != NULL)
    gtk_window_destroy (self->trust_matrix_window);
  if (self->unlock_dialog != NULL)
    gtk_window_destroy (self->unlock_dialog);
  if (self->deployment != NULL)
    cc_deployment_lock (self->deployment);

  /* the models below go away with the template: nothing to update any more */
  if (self->sidebar_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->sidebar_selection, self);
  if (self->entry_filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->entry_filter_model, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CC_TYPE_WINDOW);

  g_clear_object (&self->tree_model);
  g_clear_object (&self->store);
  g_clear_object (&self->deployment);
  g_clear_object (&self->load_cancellable);
  g_clear_error (&self->load_error);
  g_clear_weak_pointer (&self->trust_matrix_window);
  if (self->deployment_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->deployment_chooser));
  g_clear_object (&self->deployment_chooser);
  g_clear_weak_pointer (&self->unlock_dialog);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cc_window_parent_class)->dispose (object);
}

static void
cc_window_finalize (GObject *object)
{
  CcWindow *self = CC_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->deployment_path, g_free);

  G_OBJECT_CLASS (cc_window_parent_class)->finalize (object);
}

static void
cc_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CcWindow *self = CC_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DEPLOYMENT_PATH:
      g_value_set_string (value, self->deployment_path);
      break;

    case PROP_DEPLOYMENT:
      g_value_set_object (value, self->deployment);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, cc_window_get_busy (self));
      break;

    case PROP_CREATE_DEMO:
      g_value_set_boolean (value, self->create_demo);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CcWindow *self = CC_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DEPLOYMENT_PATH:
      g_free (self->deployment_path);
      self->deployment_path = g_value_dup_string (value);
      break;

    case PROP_DEPLOYMENT:
      g_set_object (&self->deployment, g_value_get_object (value));
      break;

    case PROP_CREATE_DEMO:
      self->create_demo = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The store browser's tooltips, asked for on hover: a tooltip text bound to each cell was set
 * on every bind, and GTK then looks for the widget under the pointer (a round trip to the
 * display server per cell as the list fills or scrolls). */
typedef char *(*EntryTextFunc) (gpointer unused, CcStoreEntry *entry);

static gboolean
query_entry_tooltip (GtkTooltip    *tooltip,
                     GtkListItem   *list_item,
                     EntryTextFunc  func)
{
  g_autofree char *text = func (NULL, gtk_list_item_get_item (list_item));

  if (text == NULL || text[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

#define ENTRY_TOOLTIP(func) \
  static gboolean \
  func##_query_tooltip_cb (GtkWidget   *widget, \
                           int          x, \
                           int          y, \
                           gboolean     keyboard, \
                           GtkTooltip  *tooltip, \
                           GtkListItem *list_item) \
  { \
    return query_entry_tooltip (tooltip, list_item, func); \
  }

ENTRY_TOOLTIP (entry_subject)
ENTRY_TOOLTIP (entry_issuer)
ENTRY_TOOLTIP (entry_validity)
ENTRY_TOOLTIP (entry_purposes)
ENTRY_TOOLTIP (entry_key_type)
ENTRY_TOOLTIP (entry_assigned_to)
ENTRY_TOOLTIP (entry_thumbprint_label)

static void
cc_window_class_init (CcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cc_window_constructed;
  object_class->dispose = cc_window_dispose;
  object_class->finalize = cc_window_finalize;
  object_class->get_property = cc_window_get_property;
  object_class->set_property = cc_window_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = cc_window_close_request;

  properties[PROP_DEPLOYMENT_PATH] =
    g_param_spec_string ("deployment-path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /* construct-only: a deployment already open (Open or New Deployment) */
  properties[PROP_DEPLOYMENT] =
    g_param_spec_object ("deployment", NULL, NULL,
                         CC_TYPE_DEPLOYMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                         | G_PARAM_STATIC_STRINGS);

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* FALSE: a deployment that is not there is an error, not a demo to create (the one opened
   * last, at start) */
  properties[PROP_CREATE_DEMO] =
    g_param_spec_boolean ("create-demo", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certconsole/CertConsole/cc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CcWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, certificate_menu);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, open_error_page);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, sidebar_selection);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, load_error_page);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, issued_to_column);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, issued_by_column);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, expiration_column);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, purposes_column);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, friendly_name_column);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, key_column);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, assigned_to_column);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, thumbprint_column);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, issued_to_sorter);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, entry_filter_model);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, entry_sort_model);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, check_button);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, check_stack);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, recent_menu);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CcWindow, back_button);

  gtk_widget_class_bind_template_callback (widget_class, sidebar_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_filter_items_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_icon_name);
  gtk_widget_class_bind_template_callback (widget_class, entry_issued_to);
  gtk_widget_class_bind_template_callback (widget_class, entry_subject);
  gtk_widget_class_bind_template_callback (widget_class, entry_issued_by);
  gtk_widget_class_bind_template_callback (widget_class, entry_issuer);
  gtk_widget_class_bind_template_callback (widget_class, entry_expiration);
  gtk_widget_class_bind_template_callback (widget_class, entry_validity);
  gtk_widget_class_bind_template_callback (widget_class, entry_purposes);
  gtk_widget_class_bind_template_callback (widget_class, entry_friendly_name);
  gtk_widget_class_bind_template_callback (widget_class, entry_key);
  gtk_widget_class_bind_template_callback (widget_class, entry_key_type);
  gtk_widget_class_bind_template_callback (widget_class, entry_assigned_to);
  gtk_widget_class_bind_template_callback (widget_class, entry_assigned_to_ids);
  gtk_widget_class_bind_template_callback (widget_class, entry_thumbprint_label);
  gtk_widget_class_bind_template_callback (widget_class, entry_issued_by_for_sort);
  gtk_widget_class_bind_template_callback (widget_class, entry_expiration_for_sort);
  gtk_widget_class_bind_template_callback (widget_class, entry_purposes_for_sort);
  gtk_widget_class_bind_template_callback (widget_class, entry_friendly_name_for_sort);
  gtk_widget_class_bind_template_callback (widget_class, entry_key_for_sort);
  gtk_widget_class_bind_template_callback (widget_class, entry_assigned_to_for_sort);
  gtk_widget_class_bind_template_callback (widget_class, entry_thumbprint);
  gtk_widget_class_bind_template_callback (widget_class, entry_subject_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_issuer_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_validity_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_purposes_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_key_type_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_assigned_to_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_thumbprint_label_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_search_text);

  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "win.trust-matrix", NULL, trust_matrix_action);
  gtk_widget_class_install_action (widget_class, "win.open-deployment", NULL,
                                   open_deployment_action);
  gtk_widget_class_install_action (widget_class, "win.new-deployment", NULL,
                                   new_deployment_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  _cc_certificate_actions_class_init (widget_class);
  _cc_wizard_actions_class_init (widget_class);
}

static void
cc_window_init (CcWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  g_type_ensure (CC_TYPE_STORE_ENTRY);
  g_type_ensure (CC_TYPE_OVERVIEW_PAGE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect_object (self->settings, "changed::recent-deployments",
                           G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
  update_recent_menu (self);

  g_signal_connect_object (self->overview_page, "notify::running",
                           G_CALLBACK (overview_running_cb), self, G_CONNECT_SWAPPED);
  overview_running_cb (self, NULL, self->overview_page);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.trust-matrix", FALSE);
  update_lock_actions (self);

  self->cancellable = g_cancellable_new ();

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (sidebar_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (sidebar_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (sidebar_unbind_cb), NULL);
  gtk_list_view_set_factory (self->sidebar, factory);

  /* a click on the row already selected, in a narrow window, shows its content again */
  {
    GtkGesture *click = gtk_gesture_click_new ();

    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
    g_signal_connect_object (click, "released", G_CALLBACK (sidebar_released_cb), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->sidebar), GTK_EVENT_CONTROLLER (click));
  }
  leaflet_changed_cb (self);

  setup_column_menu (self);
  _cc_certificate_actions_init (self);
  _cc_wizard_actions_init (self);

  gtk_custom_sorter_set_sort_func (self->issued_to_sorter, issued_to_compare, NULL, NULL);
  gtk_column_view_sort_by_column (self->column_view, self->issued_to_column,
                                  GTK_SORT_ASCENDING);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", FALSE);
}

CcWindow *
cc_window_new (CcApplication *application,
               const char    *deployment_path)
{
  g_return_val_if_fail (application == NULL || CC_IS_APPLICATION (application), NULL);

  return g_object_new (CC_TYPE_WINDOW,
                       "application", application,
                       "deployment-path", deployment_path,
                       NULL);
}

const char *
cc_window_get_deployment_path (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->deployment_path;
}

CcDeployment *
cc_window_get_deployment (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->deployment;
}

gboolean
cc_window_get_busy (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), FALSE);

  return self->opening || self->loading || self->opening_other;
}

GtkListView *
_cc_window_get_sidebar (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->sidebar;
}

GtkColumnView *
_cc_window_get_column_view (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->column_view;
}

GtkStack *
_cc_window_get_main_stack (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->main_stack;
}

GtkStack *
_cc_window_get_content_stack (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->content_stack;
}

GtkEditable *
_cc_window_get_search_entry (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

CcStore *
_cc_window_get_store (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->store;
}

AdwLeaflet *
_cc_window_get_leaflet (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->leaflet;
}

GtkWidget *
_cc_window_get_back_button (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->back_button);
}

CcOverviewPage *
_cc_window_get_overview_page (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  return self->overview_page;
}

CcTrustMatrixPage *
_cc_window_get_trust_matrix_page (CcWindow *self)
{
  g_return_val_if_fail (CC_IS_WINDOW (self), NULL);

  if (self->trust_matrix_window == NULL)
    return NULL;
  return CC_TRUST_MATRIX_PAGE (adw_window_get_content (ADW_WINDOW (self->trust_matrix_window)));
}
