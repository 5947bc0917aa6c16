/* test-overview.c: the multi-server overview, the trusted-root matrix and the preferences on
 * a demo deployment with known faults, read through their widgets and compared with what
 * the core's own check says. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "certconsole-core.h"
#include "cc-application.h"
#include "cc-preferences-window.h"
#include "cc-window.h"
#include "cc-window-private.h"
#include "cc-test-gui.h"
#include "cc-test-pki.h"

#define PENDING_DAYS 14

/* the window under test, shared by the steps below, which run in order */
static struct
{
  CcApplication *app;
  GSettings     *settings;
  char          *tmpdir;
  char          *path;
  char          *lab_root;     /* the lab root CA's thumbprint */
  CcWindow      *window;
} fixture;

static gboolean
window_idle (gpointer user_data)
{
  return !cc_window_get_busy (user_data);
}

static gboolean
overview_idle (gpointer user_data)
{
  return !cc_overview_page_get_running (user_data);
}

static gboolean
overview_running (gpointer user_data)
{
  return cc_overview_page_get_running (user_data);
}

static gboolean
matrix_idle (gpointer user_data)
{
  return !cc_trust_matrix_page_get_busy (user_data);
}

static gboolean
overview_shows_60_days (gpointer user_data)
{
  return !cc_overview_page_get_running (user_data)
         && g_strcmp0 (gtk_label_get_text (_cc_overview_page_get_expiring_title (user_data)),
                       "Expiring Within 60 Days") == 0;
}

static CcOverviewPage *
get_overview (void)
{
  return _cc_window_get_overview_page (fixture.window);
}

static const char *
get_content_page (void)
{
  return gtk_stack_get_visible_child_name (_cc_window_get_content_stack (fixture.window));
}

/* ---- reading widgets ---- */

static void
assert_shows_label (GtkWidget  *widget,
                    const char *text)
{
  g_autofree char *labels = cc_test_dup_visible_labels (widget);
  g_autofree char *line = g_strdup_printf ("\n%s\n", text);

  if (strstr (labels, line) == NULL)
    g_error ("no visible label \"%s\" among:%s", text, labels);
}

/* the visible label showing text in widget, or NULL */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* the first descendant of widget (itself included) of that type */
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

static GtkWidget *
find_with_class (GtkWidget  *widget,
                 const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_with_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The overview cell of a server's interface (iface -1: the server-wide column), or NULL */
static GtkWidget *
find_cell_in (GtkWidget  *widget,
              const char *fqdn,
              int         iface)
{
  if (gtk_widget_has_css_class (widget, "cc-overview-cell")
      && g_strcmp0 (g_object_get_data (G_OBJECT (widget), "cc-fqdn"), fqdn) == 0
      && GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "cc-interface"))
         == (guint) (iface + 1))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_cell_in (child, fqdn, iface);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_cell (const char *fqdn,
           int         iface)
{
  return find_cell_in (GTK_WIDGET (_cc_overview_page_get_grid (get_overview ())), fqdn, iface);
}

/* the list row (CSS name "row") that shows a label with text, or NULL */
static GtkWidget *
find_row_of_label (GtkWidget  *view,
                   const char *text)
{
  GtkWidget *widget = find_label (view, text);

  while (widget != NULL && g_strcmp0 (gtk_widget_get_css_name (widget), "row") != 0)
    widget = gtk_widget_get_parent (widget);
  return widget;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* borrowed */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;   /* GTK holds it */
    }
  return NULL;
}

/* ---- the sidebar ---- */

static GListModel *
get_sidebar_model (void)
{
  return G_LIST_MODEL (gtk_list_view_get_model (_cc_window_get_sidebar (fixture.window)));
}

/* the first row whose item is of that type (and, for a store, that server and kind) */
static guint
find_row (GType       type,
          const char *fqdn,
          CcStoreKind kind)
{
  GListModel *model = get_sidebar_model ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (!G_TYPE_CHECK_INSTANCE_TYPE (item, type))
        continue;
      if (CC_IS_STORE (item)
          && (cc_store_get_kind (CC_STORE (item)) != kind
              || g_ascii_strcasecmp (cc_server_get_fqdn (cc_store_get_server (CC_STORE (item))),
                                     fqdn) != 0))
        continue;
      if (CC_IS_POOL (item) && fqdn != NULL
          && g_ascii_strcasecmp (cc_pool_get_fqdn (CC_POOL (item)), fqdn) != 0)
        continue;
      return i;
    }

  g_error ("no %s row in the sidebar", g_type_name (type));
  return G_MAXUINT;
}

static void
select_row (guint position)
{
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (get_sidebar_model ()),
                                                  position, TRUE));
}

/* ---- what the core says ---- */

static CcCheckResult *
run_core_check (CcDeployment **out_deployment,
                guint          warning_days)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) deployment = cc_deployment_open (fixture.path, NULL, &error);
  g_autoptr(GPtrArray) servers = NULL;
  CcCheckResult *result;

  g_assert_no_error (error);
  servers = cc_deployment_list_servers (deployment);
  result = cc_check (deployment, servers, warning_days, PENDING_DAYS, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  *out_deployment = g_steal_pointer (&deployment);
  return result;
}

static const char *
expected_icon (CcStatus status)
{
  switch (status)
    {
    case CC_STATUS_OK:
      return "emblem-ok-symbolic";
    case CC_STATUS_WARNING:
      return "dialog-warning-symbolic";
    case CC_STATUS_ERROR:
    default:
      return "dialog-error-symbolic";
    }
}

static const char *
expected_text (CcStatus status)
{
  switch (status)
    {
    case CC_STATUS_OK:
      return "OK";
    case CC_STATUS_WARNING:
      return "Warning";
    case CC_STATUS_ERROR:
    default:
      return "Error";
    }
}

static const char *
cell_status_text (GtkWidget *cell)
{
  GtkWidget *label = find_with_class (cell, "cc-status");

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static const char *
cell_icon_name (GtkWidget *cell)
{
  GtkWidget *image = find_descendant (cell, GTK_TYPE_IMAGE);

  g_assert_nonnull (image);
  if (!gtk_widget_get_visible (image))
    return NULL;
  return gtk_image_get_icon_name (GTK_IMAGE (image));
}

/* Every cell of the grid says what cc_check said: status as an icon and a word, every
 * reason in the tooltip; interfaces with nothing assigned say so. */
static void
assert_cells_match (CcCheckResult *result)
{
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  CcDeployment *deployment = result->deployment;
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (deployment);

  /* let the grid lay out its rows */
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 3);

  for (guint i = 0; i < result->items->len; i++)
    {
      CcCheckItem *item = g_ptr_array_index (result->items, i);
      const char *fqdn = cc_server_get_fqdn (item->server);
      GtkWidget *cell = find_cell (fqdn, (int) item->iface);
      g_autofree char *tooltip = NULL;

      if (cell == NULL)
        g_error ("no cell for %s, interface %d", fqdn, (int) item->iface);
      g_assert_true (gtk_widget_get_visible (cell));
      g_assert_cmpstr (cell_status_text (cell), ==, expected_text (item->status));
      g_assert_cmpstr (cell_icon_name (cell), ==, expected_icon (item->status));
      tooltip = _cc_overview_page_dup_cell_tooltip (cell);
      g_assert_nonnull (tooltip);
      for (guint j = 0; j < item->reasons->len; j++)
        if (strstr (tooltip, g_ptr_array_index (item->reasons, j)) == NULL)
          g_error ("the cell of %s, interface %d, lacks the reason \"%s\": %s", fqdn,
                   (int) item->iface, (const char *) g_ptr_array_index (item->reasons, j),
                   tooltip);
      g_hash_table_add (reported, g_strdup_printf ("%s/%d", fqdn, (int) item->iface));
    }

  /* the others: nothing assigned, or no server-wide finding */
  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      const char *fqdn = cc_server_get_fqdn (server);

      for (int iface = -1; iface < CC_N_INTERFACES; iface++)
        {
          g_autofree char *key = g_strdup_printf ("%s/%d", fqdn, iface);
          GtkWidget *cell;

          if (g_hash_table_contains (reported, key))
            continue;
          cell = find_cell (fqdn, iface);
          if (iface >= 0 && !cc_server_has_interface (server, iface))
            {
              /* an interface this server does not have: an empty cell, if any */
              g_assert_true (cell == NULL || !gtk_widget_get_visible (cell));
              continue;
            }
          g_assert_nonnull (cell);
          g_assert_cmpstr (cell_status_text (cell), ==,
                           iface < 0 ? "No findings" : "Not assigned");
          g_assert_null (cell_icon_name (cell));
        }
    }
}

/* "N servers OK, N with warnings, N with errors", counting each server by its worst item */
static char *
dup_expected_summary (CcCheckResult *result)
{
  g_autoptr(GHashTable) worst = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (result->deployment);
  guint n[3] = { 0, 0, 0 };

  for (guint i = 0; i < result->items->len; i++)
    {
      CcCheckItem *item = g_ptr_array_index (result->items, i);
      const char *fqdn = cc_server_get_fqdn (item->server);
      guint status = GPOINTER_TO_UINT (g_hash_table_lookup (worst, fqdn));

      g_hash_table_insert (worst, (gpointer) fqdn, GUINT_TO_POINTER (MAX (status,
                                                                         item->status + 1)));
    }
  for (guint i = 0; i < servers->len; i++)
    {
      guint status = GPOINTER_TO_UINT (g_hash_table_lookup (worst,
                                        cc_server_get_fqdn (g_ptr_array_index (servers, i))));

      n[status == 0 ? 0 : status - 1]++;
    }

  return g_strdup_printf ("%u server%s OK, %u with warnings, %u with errors",
                          n[0], n[0] == 1 ? "" : "s", n[1], n[2]);
}

static const char *
find_reason (CcCheckResult *result,
             const char    *fqdn,
             int            iface,
             const char    *part)
{
  for (guint i = 0; i < result->items->len; i++)
    {
      CcCheckItem *item = g_ptr_array_index (result->items, i);

      if ((int) item->iface != iface
          || g_ascii_strcasecmp (cc_server_get_fqdn (item->server), fqdn) != 0)
        continue;
      for (guint j = 0; j < item->reasons->len; j++)
        if (strstr (g_ptr_array_index (item->reasons, j), part) != NULL)
          return g_ptr_array_index (item->reasons, j);
    }
  return NULL;
}

/* ---- the steps ---- */

/* The demo deployment, with three faults made before the console opens it. */
static void
test_faults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(CcAuthority) lab = NULL;
  CcServer *fe02, *cwa01;
  CcStore *roots;
  const char *mtls;

  deployment = cc_deployment_create (fixture.path, TRUE, NULL, &error);
  g_assert_no_error (error);
  lab = g_list_model_get_item (cc_deployment_get_authorities (deployment), 0);
  g_assert_nonnull (lab);
  fixture.lab_root = g_strdup (cc_authority_get_root_thumbprint (lab));

  /* fe02 no longer trusts the lab root */
  fe02 = cc_deployment_get_server (deployment, "fe02.contoso.com", &error);
  g_assert_no_error (error);
  roots = cc_server_get_store (fe02, CC_STORE_TRUSTED_ROOT);
  g_assert_true (cc_store_load (roots, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cc_store_remove (roots, fixture.lab_root, &error));
  g_assert_no_error (error);

  /* the CWA MTLS certificate (cwa01.contoso.com only) forced onto the internal virtual
   * server, which needs im.contoso.com, as.im… and download.im… */
  cwa01 = cc_deployment_get_server (deployment, "cwa01.contoso.com", &error);
  g_assert_no_error (error);
  mtls = cc_server_get_assignment (cwa01, CC_INTERFACE_CWA_MTLS);
  g_assert_nonnull (mtls);
  g_assert_true (cc_assign (cwa01, mtls, CC_INTERFACE_CWA_SSL_INTERNAL, TRUE, NULL, &error));
  g_assert_no_error (error);
}

static void
test_open (void)
{
  CcOverviewPage *overview;
  g_autofree char *summary = NULL;

  fixture.window = g_object_ref (cc_window_new (fixture.app, fixture.path));
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture.window));
  cc_test_wait_until (window_idle, fixture.window, "the deployment to open");

  /* opening a deployment records it */
  summary = g_settings_get_string (fixture.settings, "last-deployment");
  g_assert_cmpstr (summary, ==, fixture.path);

  /* the deployment's own row comes first; it shows the overview, checked at once */
  overview = get_overview ();
  g_assert_null (cc_overview_page_get_scope (overview));
  select_row (find_row (CC_TYPE_DEPLOYMENT, NULL, 0));
  g_assert_cmpstr (get_content_page (), ==, "overview");
  g_assert_true (CC_IS_DEPLOYMENT (cc_overview_page_get_scope (overview)));
  g_assert_true (cc_overview_page_get_running (overview));
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "checking");
  cc_test_wait_until (overview_idle, overview, "the check");
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "results");
}

static void
test_cells (void)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(CcCheckResult) result = run_core_check (&deployment, 30);
  g_autofree char *summary = dup_expected_summary (result);
  GtkWidget *cell;
  const char *trust, *san;

  g_assert_cmpuint (g_settings_get_uint (fixture.settings, "expiry-warning-days"), ==, 30);
  assert_cells_match (result);

  /* the faults, as the core words them */
  trust = find_reason (result, "fe02.contoso.com", CC_INTERFACE_DEFAULT, "trusted");
  g_assert_nonnull (trust);
  cell = find_cell ("fe02.contoso.com", CC_INTERFACE_DEFAULT);
  g_assert_cmpstr (cell_status_text (cell), ==, "Error");
  {
    g_autofree char *tooltip = _cc_overview_page_dup_cell_tooltip (cell);
    g_assert_nonnull (strstr (tooltip, trust));
  }

  san = find_reason (result, "cwa01.contoso.com", CC_INTERFACE_CWA_SSL_INTERNAL,
                     "subject alternative names lack as.im.contoso.com");
  g_assert_nonnull (san);
  cell = find_cell ("cwa01.contoso.com", CC_INTERFACE_CWA_SSL_INTERNAL);
  g_assert_cmpstr (cell_status_text (cell), ==, "Error");
  {
    g_autofree char *tooltip = _cc_overview_page_dup_cell_tooltip (cell);
    g_assert_nonnull (strstr (tooltip, san));
  }

  /* fe02's pool partner trusts the root: fine */
  cell = find_cell ("fe01.contoso.com", CC_INTERFACE_DEFAULT);
  g_assert_cmpstr (cell_status_text (cell), ==, "OK");

  /* columns: host, status, one per interface, then the server-wide one */
  {
    GListModel *columns = gtk_column_view_get_columns (_cc_overview_page_get_grid (get_overview ()));
    guint n = g_list_model_get_n_items (columns);
    g_autoptr(GtkColumnViewColumn) second = g_list_model_get_item (columns, 1);
    g_autoptr(GtkColumnViewColumn) third = g_list_model_get_item (columns, 2);
    g_autoptr(GtkColumnViewColumn) last = g_list_model_get_item (columns, n - 1);
    g_autofree char *title = g_strdup (gtk_column_view_column_get_title (third));

    g_autoptr(GPtrArray) servers = cc_deployment_list_servers (deployment);
    guint n_interfaces = 0;

    /* the interfaces the servers have, each once */
    for (int iface = 0; iface < CC_N_INTERFACES; iface++)
      for (guint i = 0; i < servers->len; i++)
        if (cc_server_has_interface (g_ptr_array_index (servers, i), iface))
          {
            n_interfaces++;
            break;
          }
    g_assert_cmpuint (n_interfaces, >=, 6);
    g_assert_cmpuint (n, ==, 2 + n_interfaces + 1);
    g_assert_cmpstr (gtk_column_view_column_get_title (second), ==, "Status");
    /* a long title comes on two lines */
    g_assert_nonnull (strchr (title, '\n'));
    g_strdelimit (title, "\n", ' ');
    g_assert_cmpstr (title, ==, cc_interface_get_display_name (CC_INTERFACE_EDGE_INTERNAL));
    g_assert_cmpstr (gtk_column_view_column_get_title (last), ==, "Server");
  }

  /* the summary counts servers by their worst finding */
  g_assert_cmpuint (result->n_error, >=, 2);
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_summary (get_overview ())), ==,
                   summary);
  g_assert_nonnull (strstr (summary, "2 with errors"));

  /* nothing expires within 30 days */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
                      _cc_overview_page_get_expiring (get_overview ())))), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_expiring_title (get_overview ())),
                   ==, "Expiring Within 30 Days");

  /* a click on a cell shows its reasons; scrolled into view first, as a user would */
  cell = find_cell ("fe02.contoso.com", CC_INTERFACE_DEFAULT);
  {
    GtkWidget *grid = GTK_WIDGET (_cc_overview_page_get_grid (get_overview ()));
    GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (
                                                         grid, GTK_TYPE_SCROLLED_WINDOW));
    GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (scrolled);
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (cell, grid, &bounds));
    gtk_adjustment_set_value (hadjustment, bounds.origin.x - 20);
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 2);
  }
  gtk_menu_button_popup (GTK_MENU_BUTTON (cell));
  {
    GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (cell));
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 2);
    g_autofree char *labels = cc_test_dup_visible_labels (GTK_WIDGET (popover));
    g_autofree char *line = g_strdup_printf ("• %s", trust);

    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
    if (strstr (labels, line) == NULL)
      g_error ("the popover does not show \"%s\":%s", trust, labels);
    cc_test_screenshot (GTK_WIDGET (popover), "overview-popover");
    gtk_popover_popdown (popover);
  }
  gtk_adjustment_set_value (gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (
                              gtk_widget_get_ancestor (GTK_WIDGET (_cc_overview_page_get_grid (
                                                         get_overview ())),
                                                       GTK_TYPE_SCROLLED_WINDOW))), 0);

  cc_test_screenshot (GTK_WIDGET (fixture.window), "overview");
}

static void
test_expiring (void)
{
  CcOverviewPage *overview = get_overview ();
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(CcCheckResult) result = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_days (now, 3650);
  GListModel *expiring;
  guint n_expected = 0;

  /* a longer warning period re-checks by itself */
  g_settings_set_uint (fixture.settings, "expiry-warning-days", 3650);
  cc_test_wait_until (overview_running, overview, "the check to start again");
  cc_test_wait_until (overview_idle, overview, "the check");

  result = run_core_check (&deployment, 3650);
  g_assert_cmpuint (result->n_warning, >=, 1);
  assert_cells_match (result);
  g_assert_nonnull (find_reason (result, "edge01.contoso.com", CC_INTERFACE_EDGE_INTERNAL,
                                 "within 3650 days"));
  g_assert_cmpstr (cell_status_text (find_cell ("edge01.contoso.com",
                                                CC_INTERFACE_EDGE_INTERNAL)), ==, "Warning");

  /* every assigned certificate expires within ten years */
  for (guint i = 0; i < result->items->len; i++)
    {
      CcCheckItem *item = g_ptr_array_index (result->items, i);
      CcStoreEntry *entry;

      if (item->thumbprint == NULL)
        continue;
      entry = cc_store_lookup_id (cc_server_get_store (item->server, CC_STORE_PERSONAL),
                                  item->thumbprint);
      if (entry != NULL
          && g_date_time_compare (cc_certificate_get_not_after (
                                    cc_store_entry_get_certificate (entry)), soon) <= 0)
        n_expected++;
    }
  g_assert_cmpuint (n_expected, >=, 5);

  expiring = G_LIST_MODEL (gtk_column_view_get_model (_cc_overview_page_get_expiring (overview)));
  g_assert_cmpuint (g_list_model_get_n_items (expiring), ==, n_expected);
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_expiring_title (overview)), ==,
                   "Expiring Within 3650 Days");
  {
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 3);
    GtkWidget *view = GTK_WIDGET (_cc_overview_page_get_expiring (overview));

    assert_shows_label (view, "fe02.contoso.com");
    assert_shows_label (view, cc_interface_get_display_name (CC_INTERFACE_DEFAULT));
  }
  cc_test_screenshot (GTK_WIDGET (fixture.window), "overview-expiring");

  g_settings_set_uint (fixture.settings, "expiry-warning-days", 30);
  cc_test_wait_until (overview_running, overview, "the check to start again");
  cc_test_wait_until (overview_idle, overview, "the check");
}

static gboolean
overview_partly_filled (gpointer user_data)
{
  CcOverviewPage *overview = user_data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
                                        _cc_overview_page_get_grid (overview))));

  return _cc_overview_page_get_filling (overview) && n > 0 && n < 5;
}

static gboolean
overview_filling (gpointer user_data)
{
  return _cc_overview_page_get_filling (user_data);
}

static guint
count_grid_rows (void)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
                                     _cc_overview_page_get_grid (get_overview ()))));
}

/* The grid is drawn a few rows at a time: held to one row a step here, so that a test can
 * come in while it fills. Once complete, every cell, the summary and the expiring list say
 * what the core says, also when a second fill took over from the first or one was
 * cancelled. */
static void
test_incremental (void)
{
  CcOverviewPage *overview = get_overview ();
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(CcCheckResult) result = run_core_check (&deployment, 30);
  g_autofree char *summary = dup_expected_summary (result);
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (deployment);

  g_assert_cmpuint (servers->len, ==, 5);
  _cc_overview_page_set_fill_max_step (overview, 1);

  /* the site's rows come one at a time; the page runs until the last */
  select_row (find_row (CC_TYPE_SITE, NULL, 0));
  cc_test_wait_until (overview_partly_filled, overview, "the grid to fill in part");
  g_assert_true (cc_overview_page_get_running (overview));
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "results");
  /* the summary is the whole check's from the first row on */
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_summary (overview)), ==, summary);

  /* another selection meanwhile: its own rows only, complete */
  select_row (find_row (CC_TYPE_DEPLOYMENT, NULL, 0));
  g_assert_true (CC_IS_DEPLOYMENT (cc_overview_page_get_scope (overview)));
  g_assert_cmpuint (count_grid_rows (), ==, 0);
  cc_test_wait_until (overview_idle, overview, "the check");
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "results");
  g_assert_cmpuint (count_grid_rows (), ==, servers->len);
  assert_cells_match (result);
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_summary (overview)), ==, summary);
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_expiring_title (overview)), ==,
                   "Expiring Within 30 Days");

  /* checked again: the rows are replaced in place; cancelled halfway, a grid of two checks
   * would mislead: it goes, and the page says it was cancelled */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.check", NULL));
  cc_test_wait_until (overview_filling, overview, "the grid to fill again");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.cancel", NULL));
  g_assert_false (cc_overview_page_get_running (overview));
  g_assert_false (_cc_overview_page_get_filling (overview));
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "cancelled");
  g_assert_cmpuint (count_grid_rows (), ==, 0);
  /* and nothing comes back later */
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 5);
  g_assert_cmpuint (count_grid_rows (), ==, 0);
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "cancelled");

  /* checked again, to the end */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.check", NULL));
  cc_test_wait_until (overview_idle, overview, "the check");
  g_assert_cmpuint (count_grid_rows (), ==, servers->len);
  assert_cells_match (result);
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_summary (overview)), ==, summary);

  /* a check again while the last one's rows are shown: they stay until the new ones
   * replace them, and the grid ends up the same */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.check", NULL));
  cc_test_wait_until (overview_filling, overview, "the grid to fill again");
  g_assert_cmpuint (count_grid_rows (), ==, servers->len);
  cc_test_wait_until (overview_idle, overview, "the check");
  g_assert_cmpuint (count_grid_rows (), ==, servers->len);
  assert_cells_match (result);

  _cc_overview_page_set_fill_max_step (overview, 0);
}

static void
test_check_button (void)
{
  CcOverviewPage *overview = get_overview ();
  GtkWidget *window = GTK_WIDGET (fixture.window);

  /* the header's button checks again, shows that it runs, and cancels */
  g_assert_true (gtk_widget_activate_action (window, "win.check", NULL));
  g_assert_true (cc_overview_page_get_running (overview));
  assert_shows_label (window, "Cancel Check");
  g_assert_true (gtk_widget_activate_action (window, "win.check", NULL));
  g_assert_false (cc_overview_page_get_running (overview));
  /* the rows of the last check stay */
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "results");
  {
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 2);
    assert_shows_label (window, "Check Deployment");
  }

  /* from a store, the button goes back to the deployment's overview */
  select_row (find_row (CC_TYPE_STORE, "edge01.contoso.com", CC_STORE_PERSONAL));
  g_assert_null (cc_overview_page_get_scope (overview));
  cc_test_wait_until (window_idle, fixture.window, "the store");
  g_assert_cmpstr (get_content_page (), ==, "certificates");
  g_assert_true (gtk_widget_activate_action (window, "win.check", NULL));
  g_assert_cmpstr (get_content_page (), ==, "overview");
  g_assert_true (CC_IS_DEPLOYMENT (cc_overview_page_get_scope (overview)));
  g_assert_true (cc_overview_page_get_running (overview));
  cc_test_wait_until (overview_idle, overview, "the check");
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "results");

  /* a pool: only its servers; cancelled before any result, it says so */
  select_row (find_row (CC_TYPE_POOL, "pool01.contoso.com", 0));
  g_assert_true (CC_IS_POOL (cc_overview_page_get_scope (overview)));
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "checking");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.cancel", NULL));
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "cancelled");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.check", NULL));
  cc_test_wait_until (overview_idle, overview, "the check");
  g_assert_cmpstr (_cc_overview_page_get_state (overview), ==, "results");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
                      _cc_overview_page_get_grid (overview)))), ==, 2);
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_summary (overview)), ==,
                   "1 server OK, 0 with warnings, 1 with errors");

  /* a site: all its servers */
  select_row (find_row (CC_TYPE_SITE, NULL, 0));
  cc_test_wait_until (overview_idle, overview, "the check");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
                      _cc_overview_page_get_grid (overview)))), ==, 5);

  /* a server row is neither */
  select_row (find_row (CC_TYPE_SERVER, NULL, 0));
  g_assert_null (cc_overview_page_get_scope (overview));
  g_assert_false (cc_overview_page_get_running (overview));
  g_assert_cmpstr (get_content_page (), ==, "select");

  select_row (find_row (CC_TYPE_DEPLOYMENT, NULL, 0));
  cc_test_wait_until (overview_idle, overview, "the check");
}

static CcTrustMatrixPage *
open_matrix (void)
{
  CcTrustMatrixPage *page;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.trust-matrix",
                                             NULL));
  page = _cc_window_get_trust_matrix_page (fixture.window);
  g_assert_nonnull (page);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (gtk_widget_get_root (
                   GTK_WIDGET (page)))) == GTK_WINDOW (fixture.window));
  cc_test_wait_until (matrix_idle, page, "the trust stores");
  return page;
}

static const char *
trust_of (CcTrustMatrixPage *page,
          const char        *fqdn)
{
  GtkWidget *view = GTK_WIDGET (_cc_trust_matrix_page_get_view (page));
  GtkWidget *row = find_row_of_label (view, fqdn);
  GtkWidget *status;

  if (row == NULL)
    {
      g_autofree char *labels = cc_test_dup_visible_labels (view);
      g_error ("no row for %s in the matrix:%s", fqdn, labels);
    }
  status = find_with_class (row, "cc-trust-status");
  g_assert_nonnull (status);
  /* the image and the word carry it, not a colour alone */
  status = gtk_widget_get_next_sibling (status);
  g_assert_true (GTK_IS_LABEL (status));
  return gtk_label_get_text (GTK_LABEL (status));
}

static void
test_matrix (void)
{
  CcTrustMatrixPage *page = open_matrix ();
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (page)));
  GtkDropDown *dropdown = _cc_trust_matrix_page_get_dropdown (page);
  GListModel *cas = gtk_drop_down_get_model (dropdown);
  g_autofree char *pem_path = NULL;
  guint position = GTK_INVALID_LIST_POSITION;
  AdwMessageDialog *dialog;

  g_assert_cmpstr (_cc_trust_matrix_page_get_state (page), ==, "matrix");
  g_assert_cmpuint (g_list_model_get_n_items (cas), >=, 1);

  /* choose the lab root in the drop-down */
  for (guint i = 0; i < g_list_model_get_n_items (cas); i++)
    {
      gtk_drop_down_set_selected (dropdown, i);
      if (g_strcmp0 (cc_certificate_get_thumbprint (cc_trust_matrix_page_get_ca (page)),
                     fixture.lab_root) == 0)
        position = i;
    }
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (dropdown, position);

  {
    cc_test_wait_frames (window, 3);

    g_assert_cmpstr (trust_of (page, "fe02.contoso.com"), ==, "Not trusted");
    g_assert_cmpstr (trust_of (page, "fe01.contoso.com"), ==, "Trusted");
    g_assert_cmpstr (trust_of (page, "edge01.contoso.com"), ==, "Trusted");
    assert_shows_label (window, "Headquarters");
    assert_shows_label (window, "pool01.contoso.com");
    assert_shows_label (window, "1 of 2 servers trust it");
  }
  g_assert_cmpstr (gtk_label_get_text (_cc_trust_matrix_page_get_summary (page)), ==,
                   "Trusted on 4 of 5 servers; 1 lacks it");
  cc_test_screenshot (window, "trust-matrix");

  /* add it where it lacks: a confirmation names exactly those servers */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "matrix.add", NULL));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "fe02.contoso.com"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "fe01.contoso.com"));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Trust the CA on 1 Server?");
  adw_message_dialog_response (dialog, "add");
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (cc_trust_matrix_page_get_busy (page));
  cc_test_wait_until (matrix_idle, page, "adding the CA");

  /* read back from disk: fe02 trusts it now */
  g_assert_cmpstr (cc_certificate_get_thumbprint (cc_trust_matrix_page_get_ca (page)), ==,
                   fixture.lab_root);
  {
    cc_test_wait_frames (window, 3);

    g_assert_cmpstr (trust_of (page, "fe02.contoso.com"), ==, "Trusted");
  }
  g_assert_cmpstr (gtk_label_get_text (_cc_trust_matrix_page_get_summary (page)), ==,
                   "Trusted on every server (5)");
  pem_path = g_strdup_printf ("%s/servers/fe02.contoso.com/trusted-root/%s.pem", fixture.path,
                              fixture.lab_root);
  g_assert_true (g_file_test (pem_path, G_FILE_TEST_IS_REGULAR));

  /* and so does the check: fe02's default certificate is trusted again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.check", NULL));
  cc_test_wait_until (overview_idle, get_overview (), "the check");
  {
    g_autoptr(CcDeployment) deployment = NULL;
    g_autoptr(CcCheckResult) result = run_core_check (&deployment, 30);

    g_assert_null (find_reason (result, "fe02.contoso.com", CC_INTERFACE_DEFAULT, "trusted"));
    assert_cells_match (result);
  }
}

static void
test_matrix_file (void)
{
  CcTrustMatrixPage *page = _cc_window_get_trust_matrix_page (fixture.window);
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (fixture.tmpdir, "issuing-and-root.pem", NULL);
  g_autofree char *path = NULL;
  g_autoptr(CcDeployment) deployment = cc_deployment_open (fixture.path, NULL, &error);
  CcServer *server;
  CcStore *intermediate;
  CcStoreEntry *root;
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autoptr(GFile) gfile = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (page);

  /* a chain file, issuing CA first: the root is what gets chosen */
  server = cc_deployment_find_server (deployment, "edge01.contoso.com");
  intermediate = cc_server_get_store (server, CC_STORE_INTERMEDIATE);
  g_assert_true (cc_store_load (intermediate, NULL, &error));
  g_assert_true (cc_store_load (cc_server_get_store (server, CC_STORE_TRUSTED_ROOT), NULL,
                                &error));
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (intermediate)); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (intermediate), i);
      g_autofree char *text = cc_certificate_dup_pem (cc_store_entry_get_certificate (entry));

      g_string_append (pem, text);
    }
  root = cc_store_lookup_id (cc_server_get_store (server, CC_STORE_TRUSTED_ROOT),
                             fixture.lab_root);
  g_assert_nonnull (root);
  {
    g_autofree char *text = cc_certificate_dup_pem (cc_store_entry_get_certificate (root));
    g_string_append (pem, text);
  }
  g_assert_true (g_file_set_contents (file, pem->str, pem->len, &error));
  g_assert_no_error (error);

  /* choose something else first, so that the file's choice shows */
  gtk_drop_down_set_selected (_cc_trust_matrix_page_get_dropdown (page),
                              GTK_INVALID_LIST_POSITION);
  gfile = g_file_new_for_path (file);
  cc_trust_matrix_page_open_file (page, gfile);
  g_assert_true (cc_trust_matrix_page_get_busy (page));
  cc_test_wait_until (matrix_idle, page, "reading the file");
  g_assert_cmpstr (cc_certificate_get_thumbprint (cc_trust_matrix_page_get_ca (page)), ==,
                   fixture.lab_root);
  g_assert_cmpstr (gtk_label_get_text (_cc_trust_matrix_page_get_summary (page)), ==,
                   "Trusted on every server (5)");

  /* closing the matrix's window leaves the console as it was */
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))));
  g_assert_null (_cc_window_get_trust_matrix_page (fixture.window));
}

static void
test_preferences (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture.app),
                                                                "app.preferences");
  CcPreferencesWindow *prefs;
  GtkSpinButton *spin;
  g_autofree char *key_type = NULL;
  g_autofree char *organization = NULL;

  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "<Control>comma");

  g_action_group_activate_action (G_ACTION_GROUP (fixture.app), "preferences", NULL);
  prefs = CC_PREFERENCES_WINDOW (find_toplevel (CC_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (prefs);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (prefs)) == GTK_WINDOW (fixture.window));
  cc_test_wait_frames (GTK_WIDGET (prefs), 3);

  /* the rows show the settings, and a change is a setting at once */
  spin = _cc_preferences_window_get_expiry_spin (prefs);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 30);
  gtk_spin_button_set_value (spin, 45);
  g_assert_cmpuint (g_settings_get_uint (fixture.settings, "expiry-warning-days"), ==, 45);
  g_settings_set_uint (fixture.settings, "expiry-warning-days", 60);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 60);

  g_assert_cmpuint (adw_combo_row_get_selected (_cc_preferences_window_get_key_type_row (prefs)),
                    ==, 0);
  adw_combo_row_set_selected (_cc_preferences_window_get_key_type_row (prefs), 3);
  key_type = g_settings_get_string (fixture.settings, "default-key-type");
  g_assert_cmpstr (key_type, ==, "ec:p256");

  gtk_editable_set_text (_cc_preferences_window_get_organization_row (prefs), "Contoso");
  organization = g_settings_get_string (fixture.settings, "default-organization");
  g_assert_cmpstr (organization, ==, "Contoso");

  {
    g_autofree char *display = g_filename_display_name (fixture.path);

    g_assert_cmpstr (adw_action_row_get_subtitle (
                       _cc_preferences_window_get_last_deployment_row (prefs)), ==, display);
  }
  cc_test_screenshot (GTK_WIDGET (prefs), "preferences");
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* the overview follows the new warning period (the check it starts may be over before
   * the screenshot above is: wait for its result, not for it to be running) */
  cc_test_wait_until (overview_shows_60_days, get_overview (), "the check with the new warning period");
  g_assert_cmpstr (gtk_label_get_text (_cc_overview_page_get_expiring_title (get_overview ())),
                   ==, "Expiring Within 60 Days");
  g_settings_reset (fixture.settings, "expiry-warning-days");
  g_settings_reset (fixture.settings, "default-key-type");
  g_settings_reset (fixture.settings, "default-organization");
}

static void
test_window_size (void)
{
  int width, height;
  /* the size is kept for the next start when the window closes */
  gboolean handled = TRUE;

  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1200, 780);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (fixture.window)));
  g_signal_emit_by_name (fixture.window, "close-request", &handled);
  g_assert_false (handled);
  g_assert_cmpint (g_settings_get_int (fixture.settings, "window-width"), ==, 1200);
  g_assert_cmpint (g_settings_get_int (fixture.settings, "window-height"), ==, 780);
  g_assert_false (g_settings_get_boolean (fixture.settings, "window-maximized"));

  /* and a new window starts with it */
  {
    CcWindow *other = cc_window_new (NULL, fixture.path);

    gtk_window_get_default_size (GTK_WINDOW (other), &width, &height);
    g_assert_cmpint (width, ==, 1200);
    g_assert_cmpint (height, ==, 780);
    gtk_window_destroy (GTK_WINDOW (other));
  }
}

static void
test_close (void)
{
  CcWindow *window;

  /* closing while a check runs cancels it and lets the window go */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.check", NULL));
  g_assert_true (cc_overview_page_get_running (get_overview ()));
  window = g_steal_pointer (&fixture.window);
  gtk_window_destroy (GTK_WINDOW (window));

  cc_test_wait_released (window, "the check to let the window go");

  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* a home of its own: nothing of the user's is read, and the screenshots' subtitle shows the
   * default deployment's place, ~/.local/share/certconsole */
  fixture.tmpdir = cc_test_make_tmpdir ();
  g_setenv ("HOME", fixture.tmpdir, TRUE);
  g_unsetenv ("XDG_DATA_HOME");
  g_unsetenv ("XDG_CONFIG_HOME");

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

  /* GSETTINGS_BACKEND=memory: every GSettings of the process shares these values */
  fixture.settings = g_settings_new (APP_ID);
  fixture.path = g_build_filename (fixture.tmpdir, ".local", "share", "certconsole", NULL);

  g_test_add_func ("/overview/faults", test_faults);
  g_test_add_func ("/overview/open", test_open);
  g_test_add_func ("/overview/cells", test_cells);
  g_test_add_func ("/overview/expiring", test_expiring);
  g_test_add_func ("/overview/incremental", test_incremental);
  g_test_add_func ("/overview/check-button", test_check_button);
  g_test_add_func ("/overview/trust-matrix", test_matrix);
  g_test_add_func ("/overview/trust-matrix-file", test_matrix_file);
  g_test_add_func ("/overview/preferences", test_preferences);
  g_test_add_func ("/overview/window-size", test_window_size);
  g_test_add_func ("/overview/close", test_close);

  ret = g_test_run ();

  g_clear_object (&fixture.window);
  g_clear_object (&fixture.settings);
  g_clear_object (&fixture.app);
  cc_test_rmrf (fixture.tmpdir);
  g_free (fixture.tmpdir);
  g_free (fixture.path);
  g_free (fixture.lab_root);

  return ret;
}
