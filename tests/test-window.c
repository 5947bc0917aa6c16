/* test-window.c: the console window on a real demo deployment, driven and read through its
 * widgets: the tree, loading a store off the main loop, the columns, search, a screenshot. */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "certconsole-core.h"
#include "cc-application.h"
#include "cc-window.h"
#include "cc-window-private.h"
#include "cc-test-gui.h"
#include "cc-test-pki.h"

/* the window under test, shared by the steps below, which run in order */
static struct
{
  CcApplication *app;
  char          *tmpdir;
  char          *path;
  CcWindow      *window;
  char          *opened_path;   /* made by New Deployment */
} fixture;

static const char * const demo_servers[] = {
  "edge01.contoso.com",
  "edge02.contoso.com",
  "fe01.contoso.com",
  "cwa01.contoso.com",
};

static gboolean
window_not_busy (gpointer data)
{
  return !cc_window_get_busy (data);
}

/* Iterates the main loop until the window has opened its deployment or loaded its store. */
static void
wait_until_idle (CcWindow *window)
{
  cc_test_wait_until (window_not_busy, window, "the window to be idle");
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

static GtkColumnViewColumn *
find_column (const char *title)
{
  GListModel *columns = gtk_column_view_get_columns (_cc_window_get_column_view (fixture.window));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;   /* the column view holds it */
    }

  g_error ("no column \"%s\"", title);
  return NULL;
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

static const char *
get_content_page (void)
{
  return gtk_stack_get_visible_child_name (_cc_window_get_content_stack (fixture.window));
}

static guint
find_store_row (const char  *fqdn,
                CcStoreKind  kind)
{
  GListModel *model = get_sidebar_model ();
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
      CcServer *server;

      if (!CC_IS_STORE (item) || cc_store_get_kind (CC_STORE (item)) != kind)
        continue;
      server = cc_store_get_server (CC_STORE (item));
      if (server != NULL && g_ascii_strcasecmp (cc_server_get_fqdn (server), fqdn) == 0)
        return i;
    }

  g_error ("no %s store row for %s in the sidebar", cc_store_kind_to_id (kind), fqdn);
  return G_MAXUINT;
}

static void
select_store (const char  *fqdn,
              CcStoreKind  kind)
{
  guint position = find_store_row (fqdn, kind);

  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (get_sidebar_model ()),
                                                  position, TRUE));
}

/* the entry with that thumbprint or request id (borrowed: the store holds it), or NULL */
static CcStoreEntry *
find_entry_by_id (GListModel *entries,
                  const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (entries, i);

      if (g_strcmp0 (cc_store_entry_get_id (entry), id) == 0)
        return entry;
    }
  return NULL;
}

static void
test_open (void)
{
  GtkStack *main_stack;

  fixture.window = g_object_ref (cc_window_new (fixture.app, fixture.path));
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture.window));

  g_assert_cmpstr (cc_window_get_deployment_path (fixture.window), ==, fixture.path);

  /* creating the demo (keys, a lab CA) happens in a thread: the window says so meanwhile */
  main_stack = _cc_window_get_main_stack (fixture.window);
  if (cc_window_get_busy (fixture.window))
    g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "opening");

  wait_until_idle (fixture.window);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "deployment");
  g_assert_nonnull (cc_window_get_deployment (fixture.window));
  g_assert_true (g_file_test (fixture.path, G_FILE_TEST_IS_DIR));
  g_assert_cmpstr (get_content_page (), ==, "select");
  g_assert_null (_cc_window_get_store (fixture.window));
  cc_test_screenshot (GTK_WIDGET (fixture.window), "select-store");
}

/* The count label of a store's sidebar row, when the row has a widget. */
static GtkLabel *
find_store_count_label (GtkWidget *widget,
                        CcStore   *store)
{
  if (GTK_IS_TREE_EXPANDER (widget))
    {
      GtkTreeListRow *row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (widget));
      g_autoptr(GObject) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

      if (item == G_OBJECT (store))
        return g_object_get_data (G_OBJECT (widget), "count");
      return NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_store_count_label (child, store);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkLabel   *label;
  const char *text;
} LabelWait;

static gboolean
label_shows (gpointer user_data)
{
  LabelWait *w = user_data;

  return gtk_widget_get_visible (GTK_WIDGET (w->label))
         && g_strcmp0 (gtk_label_get_text (w->label), w->text) == 0;
}

static void
test_sidebar (void)
{
  GListModel *model = get_sidebar_model ();
  guint n = g_list_model_get_n_items (model);
  guint n_sites = 0, n_pools = 0, n_servers = 0, n_stores = 0;

  g_assert_true (GTK_IS_SINGLE_SELECTION (model));
  /* nothing selected at first */
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model)), ==,
                    GTK_INVALID_LIST_POSITION);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (CC_IS_DEPLOYMENT (item))
        {
          /* the deployment's own row, for its overview, first and alone at its level */
          g_assert_cmpuint (i, ==, 0);
          g_assert_cmpuint (gtk_tree_list_row_get_depth (row), ==, 0);
          g_assert_false (gtk_tree_list_row_is_expandable (row));
        }
      else if (CC_IS_SITE (item))
        {
          g_assert_cmpuint (gtk_tree_list_row_get_depth (row), ==, 0);
          n_sites++;
        }
      else if (CC_IS_POOL (item))
        {
          g_assert_cmpuint (gtk_tree_list_row_get_depth (row), ==, 1);
          n_pools++;
        }
      else if (CC_IS_SERVER (item))
        {
          g_assert_cmpuint (gtk_tree_list_row_get_depth (row), ==, 2);
          /* expanded at start: its four stores follow it */
          g_assert_true (gtk_tree_list_row_get_expanded (row));
          n_servers++;
        }
      else if (CC_IS_STORE (item))
        {
          g_assert_cmpuint (gtk_tree_list_row_get_depth (row), ==, 3);
          g_assert_false (gtk_tree_list_row_is_expandable (row));
          n_stores++;
        }
      else
        g_assert_not_reached ();
    }

  g_assert_cmpuint (n_sites, >=, 1);
  g_assert_cmpuint (n_pools, >=, 3);
  g_assert_cmpuint (n_servers, >=, G_N_ELEMENTS (demo_servers));
  g_assert_cmpuint (n_stores, ==, n_servers * CC_N_STORES);

  for (guint i = 0; i < G_N_ELEMENTS (demo_servers); i++)
    {
      find_store_row (demo_servers[i], CC_STORE_PERSONAL);
      find_store_row (demo_servers[i], CC_STORE_TRUSTED_ROOT);
      find_store_row (demo_servers[i], CC_STORE_INTERMEDIATE);
      find_store_row (demo_servers[i], CC_STORE_REQUESTS);
    }

  /* and the rows are drawn: the first server and its stores are near the top */
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 3);
  assert_shows_label (GTK_WIDGET (_cc_window_get_sidebar (fixture.window)), "edge01.contoso.com");
  assert_shows_label (GTK_WIDGET (_cc_window_get_sidebar (fixture.window)),
                      cc_store_kind_get_display_name (CC_STORE_TRUSTED_ROOT));
  assert_shows_label (GTK_WIDGET (_cc_window_get_sidebar (fixture.window)),
                      cc_role_get_display_name (CC_ROLE_EDGE));

  /* each store's count: its files, counted in a thread, the store not loaded for it */
  {
    CcServer *edge = cc_deployment_find_server (cc_window_get_deployment (fixture.window),
                                                "edge01.contoso.com");
    CcStore *roots = cc_server_get_store (edge, CC_STORE_TRUSTED_ROOT);
    g_autofree char *expected = g_strdup_printf ("%u", cc_store_count_on_disk (roots));
    LabelWait w = { NULL, expected };

    g_assert_cmpuint (cc_store_count_on_disk (roots), >=, 1);
    w.label = find_store_count_label (GTK_WIDGET (_cc_window_get_sidebar (fixture.window)), roots);
    g_assert_nonnull (w.label);
    cc_test_wait_until (label_shows, &w, "the store's count");
    g_assert_cmpint (cc_store_get_count (roots), ==, (int) cc_store_count_on_disk (roots));
    g_assert_false (cc_store_is_loaded (roots));
  }
}

/* the tree expander of the sidebar row showing item, when it has a widget */
static GtkWidget *
find_row_expander (GtkWidget *widget,
                   gpointer   item)
{
  if (GTK_IS_TREE_EXPANDER (widget))
    {
      GtkTreeListRow *row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (widget));
      g_autoptr(GObject) row_item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

      return row_item == item ? widget : NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_expander (child, item);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A deployment bigger than a screen: the tree starts with what fits (the sites and their
 * pools), each pool's servers and each server's stores made when the row expands; expanding
 * shows them in natural order and a store row reached that way shows the store. */
static void
test_sidebar_large (void)
{
  static const char * const added[] = { "fe10", "fe9", "fe2", "fe1", "fe11" };
  static const char * const shown[] = { "fe1", "fe2", "fe9", "fe10", "fe11" };
  g_autofree char *path = g_build_filename (fixture.tmpdir, "large", NULL);
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkTreeListRow) pool_row = NULL;
  g_autoptr(GtkTreeListRow) server_row = NULL;
  g_autoptr(CcWindow) window = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.certconsole.CertConsole");
  /* this deployment is no step of the others: the recent ones are put back after it */
  g_auto(GStrv) recent = g_settings_get_strv (settings, "recent-deployments");
  g_autofree char *last = g_settings_get_string (settings, "last-deployment");
  GListModel *model;
  GtkWidget *sidebar;
  GtkWidget *expander;
  CcPool *first_pool = NULL;
  guint n;

  deployment = cc_deployment_create (path, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cc_deployment_add_site (deployment, "Lab", &error));
  g_assert_no_error (error);
  /* 12 pools of 5 servers: 74 rows with the pools expanded, more than fit at start */
  for (guint p = 1; p <= 12; p++)
    {
      g_autofree char *pool = g_strdup_printf ("pool%02u.lab.example.com", p);

      g_assert_nonnull (cc_deployment_add_pool (deployment, "Lab", pool, TRUE, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (added); i++)
        {
          g_autofree char *fqdn = g_strdup_printf ("%s.p%02u.lab.example.com", added[i], p);

          g_assert_nonnull (cc_deployment_add_server (deployment, pool, fqdn,
                                                      CC_ROLE_FRONT_END, &error));
          g_assert_no_error (error);
        }
    }
  g_clear_object (&deployment);

  window = g_object_ref (cc_window_new (fixture.app, path));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  wait_until_idle (window);
  g_assert_nonnull (cc_window_get_deployment (window));
  sidebar = GTK_WIDGET (_cc_window_get_sidebar (window));
  model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (sidebar)));

  /* All Servers, the site (expanded), its 12 pools (collapsed): no server or store row */
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, ==, 14);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (CC_IS_SITE (item))
        g_assert_true (gtk_tree_list_row_get_expanded (row));
      else if (CC_IS_POOL (item))
        {
          g_assert_true (gtk_tree_list_row_is_expandable (row));
          g_assert_false (gtk_tree_list_row_get_expanded (row));
          if (first_pool == NULL)
            {
              first_pool = CC_POOL (item);
              pool_row = g_object_ref (row);
            }
        }
      else
        g_assert_true (CC_IS_DEPLOYMENT (item));
    }
  g_assert_nonnull (first_pool);
  g_assert_cmpstr (cc_pool_get_fqdn (first_pool), ==, "pool01.lab.example.com");

  /* the pool's row expanded as its arrow does it: its servers follow it, in natural order */
  cc_test_wait_frames (GTK_WIDGET (window), 3);
  expander = find_row_expander (sidebar, first_pool);
  g_assert_nonnull (expander);
  g_assert_true (gtk_widget_activate_action (expander, "listitem.expand", NULL));
  g_assert_true (gtk_tree_list_row_get_expanded (pool_row));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 14 + G_N_ELEMENTS (shown));
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    {
      guint position = gtk_tree_list_row_get_position (pool_row) + 1 + i;
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, position);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
      g_autofree char *fqdn = g_strdup_printf ("%s.p01.lab.example.com", shown[i]);

      g_assert_true (CC_IS_SERVER (item));
      g_assert_cmpstr (cc_server_get_fqdn (CC_SERVER (item)), ==, fqdn);
      g_assert_cmpuint (gtk_tree_list_row_get_depth (row), ==, 2);
      g_assert_false (gtk_tree_list_row_get_expanded (row));
      if (i == 0)
        server_row = g_object_ref (row);
    }
  cc_test_wait_frames (GTK_WIDGET (window), 3);
  assert_shows_label (sidebar, "fe1.p01.lab.example.com");
  assert_shows_label (sidebar, "fe10.p01.lab.example.com");

  /* a server expanded: its four stores; the Personal store's row shows that store */
  gtk_tree_list_row_set_expanded (server_row, TRUE);
  {
    guint position = gtk_tree_list_row_get_position (server_row) + 1;
    g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, position);
    g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
    g_autoptr(GObject) server = gtk_tree_list_row_get_item (server_row);

    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 14 + G_N_ELEMENTS (shown) + CC_N_STORES);
    g_assert_true (CC_IS_STORE (item));
    g_assert_cmpint (cc_store_get_kind (CC_STORE (item)), ==, CC_STORE_PERSONAL);
    g_assert_true (cc_store_get_server (CC_STORE (item)) == CC_SERVER (server));
    g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), position, TRUE));
    wait_until_idle (window);
    g_assert_true (_cc_window_get_store (window) == CC_STORE (item));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (_cc_window_get_content_stack (window)),
                     ==, "empty");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_set_strv (settings, "recent-deployments", (const char * const *) recent);
  g_settings_set_string (settings, "last-deployment", last);
}

static void
test_trusted_root (void)
{
  CcDeployment *deployment = cc_window_get_deployment (fixture.window);
  GListModel *authorities = cc_deployment_get_authorities (deployment);
  g_autoptr(CcAuthority) lab = NULL;
  CcStoreEntry *root;
  CcCertificate *certificate;
  GListModel *entries;

  g_assert_cmpuint (g_list_model_get_n_items (authorities), >=, 1);
  lab = g_list_model_get_item (authorities, 0);
  g_assert_cmpint (cc_authority_get_kind (lab), ==, CC_AUTHORITY_LAB);
  g_assert_nonnull (cc_authority_get_root_thumbprint (lab));

  select_store ("edge01.contoso.com", CC_STORE_TRUSTED_ROOT);
  /* loading happens off the main loop, with a spinner meanwhile */
  g_assert_true (cc_window_get_busy (fixture.window));
  g_assert_cmpstr (get_content_page (), ==, "loading");
  wait_until_idle (fixture.window);

  g_assert_cmpstr (get_content_page (), ==, "certificates");
  entries = get_entries ();
  g_assert_cmpuint (g_list_model_get_n_items (entries), >=, 1);

  root = find_entry_by_id (entries, cc_authority_get_root_thumbprint (lab));
  g_assert_nonnull (root);
  certificate = cc_store_entry_get_certificate (root);
  g_assert_nonnull (certificate);
  g_assert_true (cc_certificate_is_ca (certificate));
  g_assert_true (cc_certificate_is_self_signed (certificate));
  g_assert_cmpstr (cc_certificate_get_issued_to (certificate), !=, "");

  /* the row is drawn, with the lab root CA in Issued To and Issued By */
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 3);
  assert_shows_label (GTK_WIDGET (_cc_window_get_column_view (fixture.window)),
                      cc_certificate_get_issued_to (certificate));
  assert_shows_label (GTK_WIDGET (_cc_window_get_column_view (fixture.window)),
                      cc_certificate_get_thumbprint (certificate));
  /* the cells' tooltips are asked for on hover, not set on every bind */
  {
    GtkWidget *issued_to = find_label (GTK_WIDGET (_cc_window_get_column_view (fixture.window)),
                                       cc_certificate_get_issued_to (certificate));

    g_assert_nonnull (issued_to);
    g_assert_true (gtk_widget_get_has_tooltip (issued_to));
    g_assert_null (gtk_widget_get_tooltip_text (issued_to));
    g_assert_true (g_signal_has_handler_pending (issued_to,
                                                 g_signal_lookup ("query-tooltip",
                                                                  GTK_TYPE_WIDGET),
                                                 0, FALSE));
  }
  /* thumbprints are hex: monospace */
  g_assert_true (gtk_widget_has_css_class (find_label (GTK_WIDGET (
                                             _cc_window_get_column_view (fixture.window)),
                                           cc_certificate_get_thumbprint (certificate)),
                                           "monospace"));
}

static void
test_columns (void)
{
  static const char * const titles[] = {
    "Issued To", "Issued By", "Expiration Date", "Intended Purposes", "Friendly Name", "Key",
    "Assigned To", "Thumbprint",
  };
  GListModel *columns = gtk_column_view_get_columns (_cc_window_get_column_view (fixture.window));
  GtkColumnViewColumn *thumbprint;

  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, titles[i]);
      g_assert_true (gtk_column_view_column_get_visible (column));
      g_assert_nonnull (gtk_column_view_column_get_sorter (column));
      g_assert_nonnull (gtk_column_view_column_get_header_menu (column));
    }

  /* the header menu hides and shows a column */
  thumbprint = find_column ("Thumbprint");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "columns.thumbprint",
                                             NULL));
  g_assert_false (gtk_column_view_column_get_visible (thumbprint));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "columns.thumbprint",
                                             NULL));
  g_assert_true (gtk_column_view_column_get_visible (thumbprint));
}

static void
test_sort_by_date (void)
{
  GtkColumnView *column_view = _cc_window_get_column_view (fixture.window);
  GListModel *entries = get_entries ();
  gint64 last = G_MININT64;

  /* the CWA server holds two certificates */
  select_store ("cwa01.contoso.com", CC_STORE_PERSONAL);
  wait_until_idle (fixture.window);
  g_assert_cmpuint (g_list_model_get_n_items (entries), >=, 2);

  /* Issued To in natural order first */
  for (guint i = 1; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(CcStoreEntry) a = g_list_model_get_item (entries, i - 1);
      g_autoptr(CcStoreEntry) b = g_list_model_get_item (entries, i);

      g_assert_cmpint (cc_natural_compare (
                         cc_certificate_get_issued_to (cc_store_entry_get_certificate (a)),
                         cc_certificate_get_issued_to (cc_store_entry_get_certificate (b))),
                       <=, 0);
    }

  /* Expiration Date as a date, not as the text "21 Nov 2028" */
  gtk_column_view_sort_by_column (column_view, find_column ("Expiration Date"),
                                  GTK_SORT_ASCENDING);
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (entries, i);
      CcCertificate *certificate = cc_store_entry_get_certificate (entry);
      gint64 t = g_date_time_to_unix (cc_certificate_get_not_after (certificate));

      g_assert_cmpint (t, >=, last);
      last = t;
    }
  /* unsorted first: GTK 4.8 would keep showing the date column's arrow as a secondary sort */
  gtk_column_view_sort_by_column (column_view, NULL, GTK_SORT_ASCENDING);
  gtk_column_view_sort_by_column (column_view, find_column ("Issued To"), GTK_SORT_ASCENDING);

  /* back to where the screenshot wants to be */
  select_store ("edge01.contoso.com", CC_STORE_PERSONAL);
  wait_until_idle (fixture.window);
  g_assert_cmpstr (get_content_page (), ==, "certificates");
}

static void
test_cancel (void)
{
  CcStore *store;

  /* a second selection while the first store loads cancels the first load */
  select_store ("edge02.contoso.com", CC_STORE_INTERMEDIATE);
  g_assert_true (cc_window_get_busy (fixture.window));
  select_store ("fe01.contoso.com", CC_STORE_TRUSTED_ROOT);
  g_assert_true (cc_window_get_busy (fixture.window));
  wait_until_idle (fixture.window);

  store = _cc_window_get_store (fixture.window);
  g_assert_nonnull (store);
  g_assert_cmpint (cc_store_get_kind (store), ==, CC_STORE_TRUSTED_ROOT);
  g_assert_cmpstr (cc_server_get_fqdn (cc_store_get_server (store)), ==, "fe01.contoso.com");
  g_assert_true (cc_store_is_loaded (store));
  g_assert_cmpstr (get_content_page (), ==, "certificates");
  g_assert_cmpuint (g_list_model_get_n_items (get_entries ()), >=, 1);

  /* a server row is not a store */
  {
    GListModel *model = get_sidebar_model ();
    guint position = find_store_row ("cwa01.contoso.com", CC_STORE_PERSONAL);

    /* the server row comes just before its first store */
    g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), position - 1,
                                                    TRUE));
    g_assert_false (cc_window_get_busy (fixture.window));
    g_assert_null (_cc_window_get_store (fixture.window));
    g_assert_cmpstr (get_content_page (), ==, "select");
  }
}

static void
test_personal (void)
{
  GListModel *entries;
  guint with_key = 0;

  select_store ("edge01.contoso.com", CC_STORE_PERSONAL);
  wait_until_idle (fixture.window);
  g_assert_cmpstr (get_content_page (), ==, "certificates");

  entries = get_entries ();
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (entries, i);

      if (cc_store_entry_get_has_private_key (entry))
        {
          g_assert_nonnull (cc_store_entry_get_certificate (entry));
          with_key++;
        }
    }
  g_assert_cmpuint (with_key, >=, 1);

  cc_test_wait_frames (GTK_WIDGET (fixture.window), 3);
  {
    GtkWidget *column_view = GTK_WIDGET (_cc_window_get_column_view (fixture.window));
    g_autofree char *labels = cc_test_dup_visible_labels (column_view);

    if (strstr (labels, "\nPrivate key\n") == NULL
        && strstr (labels, "\nPrivate key, exportable\n") == NULL)
      g_error ("no certificate with a private key shown among:%s", labels);
  }
}

static void
test_search (void)
{
  GtkEditable *search = _cc_window_get_search_entry (fixture.window);
  GListModel *entries = get_entries ();
  guint n_all = g_list_model_get_n_items (entries);
  g_autoptr(CcStoreEntry) first = NULL;
  g_autofree char *prefix = NULL;

  g_assert_cmpstr (get_content_page (), ==, "certificates");
  g_assert_cmpuint (n_all, >=, 1);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (search)));

  /* Ctrl+F's action focuses the search entry */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.find", NULL));

  /* a thumbprint prefix matches exactly that certificate */
  first = g_list_model_get_item (entries, 0);
  prefix = g_strndup (cc_store_entry_get_id (first), 12);
  gtk_editable_set_text (search, prefix);
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
  {
    g_autoptr(CcStoreEntry) only = g_list_model_get_item (entries, 0);
    g_assert_true (only == first);
  }

  /* case does not matter, and every column is searched: Issued To here */
  {
    g_autofree char *upper = g_utf8_strup (cc_certificate_get_issued_to (
                                             cc_store_entry_get_certificate (first)), -1);
    gtk_editable_set_text (search, upper);
    g_assert_cmpuint (g_list_model_get_n_items (entries), >=, 1);
    g_assert_cmpuint (g_list_model_get_n_items (entries), <=, n_all);
  }

  gtk_editable_set_text (search, "no certificate is called this");
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 0);
  g_assert_cmpstr (get_content_page (), ==, "no-results");
  cc_test_screenshot (GTK_WIDGET (fixture.window), "no-results");

  gtk_editable_set_text (search, "");
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, n_all);
  g_assert_cmpstr (get_content_page (), ==, "certificates");
}

static void
test_screenshot (void)
{
  CcStore *store = _cc_window_get_store (fixture.window);

  /* the Personal store of edge01, as the previous steps left it */
  g_assert_nonnull (store);
  g_assert_cmpint (cc_store_get_kind (store), ==, CC_STORE_PERSONAL);
  g_assert_cmpstr (gtk_editable_get_text (_cc_window_get_search_entry (fixture.window)), ==, "");

  /* the list has the focus, as after a click on the store */
  gtk_widget_grab_focus (GTK_WIDGET (_cc_window_get_column_view (fixture.window)));
  cc_test_screenshot (GTK_WIDGET (fixture.window), "main-window");
}

/* A narrow window (a phone, a tiled half screen): the tree and the content one at a time,
 * a back button between them, and a header that fits. */
static void
test_narrow (void)
{
  AdwLeaflet *leaflet = _cc_window_get_leaflet (fixture.window);
  GtkWidget *back = _cc_window_get_back_button (fixture.window);
  GtkWidget *column_view = GTK_WIDGET (_cc_window_get_column_view (fixture.window));
  GtkWidget *sidebar = GTK_WIDGET (_cc_window_get_sidebar (fixture.window));

  /* wide: side by side, no back button */
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_false (gtk_widget_get_visible (back));
  g_assert_true (gtk_widget_get_mapped (sidebar));
  g_assert_true (gtk_widget_get_mapped (column_view));

  /* GNOME's window buttons (GTK's own default adds minimize and maximize) */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 400, 720);
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 4);
  /* really that narrow: nothing in the header or the content holds the window wider */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture.window)), <=, 400);
  g_assert_true (adw_leaflet_get_folded (leaflet));

  /* the store selected before: its certificates, with a way back */
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "content");
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_true (gtk_widget_get_mapped (column_view));
  g_assert_false (gtk_widget_get_mapped (sidebar));
  g_assert_cmpint (gtk_widget_get_width (column_view), >, 300);
  g_assert_cmpstr (get_content_page (), ==, "certificates");
  cc_test_screenshot (GTK_WIDGET (fixture.window), "narrow-store");

  /* back: the tree, full width */
  g_signal_emit_by_name (back, "clicked");
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 3);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "sidebar");
  g_assert_false (gtk_widget_get_visible (back));
  g_assert_true (gtk_widget_get_mapped (sidebar));
  assert_shows_label (sidebar, "edge01.contoso.com");
  cc_test_screenshot (GTK_WIDGET (fixture.window), "narrow-tree");

  /* choosing a store goes to its certificates */
  select_store ("edge02.contoso.com", CC_STORE_PERSONAL);
  wait_until_idle (fixture.window);
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 2);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "content");
  g_assert_true (gtk_widget_get_visible (back));

  /* wide again */
  gtk_settings_reset_property (gtk_settings_get_default (), "gtk-decoration-layout");
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1280, 800);
  cc_test_wait_frames (GTK_WIDGET (fixture.window), 4);
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_false (gtk_widget_get_visible (back));
  g_assert_true (gtk_widget_get_mapped (sidebar));
  g_assert_true (gtk_widget_get_mapped (column_view));
  select_store ("edge01.contoso.com", CC_STORE_PERSONAL);
  wait_until_idle (fixture.window);
}

static void
test_actions (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture.app),
                                                                "app.quit");

  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "<Control>q");
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture.app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture.app), "quit"));

  /* About opens, transient for the window, and closes */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.app), "about", NULL);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();   /* borrowed */
    GtkWindow *about = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

        if (ADW_IS_ABOUT_WINDOW (window))
          about = window;
      }
    g_assert_nonnull (about);
    g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (fixture.window));
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 2);
    gtk_window_destroy (about);
  }

  /* the keyboard shortcuts window GtkApplication loads from gtk/help-overlay.ui */
  {
    GtkShortcutsWindow *overlay =
      gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture.window));

    g_assert_nonnull (overlay);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window),
                                               "win.show-help-overlay", NULL));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
    cc_test_wait_frames (GTK_WIDGET (fixture.window), 2);
    gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
  }
}

/* The shortcuts window lists every accelerator there is, and each one it lists is bound:
 * application accelerators to an action the window has, the certificate list's keys to its
 * shortcut controller. */

static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 GtkShortcutTrigger *wanted)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)),
                            wanted)
           || trigger_matches (gtk_alternative_trigger_get_second (
                                 GTK_ALTERNATIVE_TRIGGER (trigger)), wanted);
  return gtk_shortcut_trigger_equal (trigger, wanted);
}

/* the certificate list's shortcuts (a new array of borrowed GtkShortcut) */
static GPtrArray *
list_view_shortcuts (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  GPtrArray *shortcuts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        g_ptr_array_add (shortcuts, g_list_model_get_item (G_LIST_MODEL (controller), j));
    }
  return shortcuts;
}

static void
collect_shortcuts (GtkWidget *widget,
                   GPtrArray *out)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_shortcuts (c, out);
}

static void
test_shortcuts (void)
{
  GtkApplication *app = GTK_APPLICATION (fixture.app);
  GtkShortcutsWindow *overlay =
    gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture.window));
  GtkWidget *column_view = GTK_WIDGET (_cc_window_get_column_view (fixture.window));
  g_autoptr(GPtrArray) listed = g_ptr_array_new ();
  g_autoptr(GPtrArray) list_shortcuts = list_view_shortcuts (column_view);
  g_autoptr(GHashTable) listed_actions = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                g_free, NULL);
  g_autoptr(GPtrArray) listed_triggers = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) app_actions = gtk_application_list_action_descriptions (app);

  g_assert_nonnull (overlay);
  collect_shortcuts (GTK_WIDGET (overlay), listed);
  g_assert_cmpuint (listed->len, >=, 10);

  for (guint i = 0; i < listed->len; i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *action_name = NULL;
      g_autofree char *accelerator = NULL;

      g_object_get (listed->pdata[i], "title", &title, "action-name", &action_name,
                    "accelerator", &accelerator, NULL);
      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, "");

      if (action_name != NULL)
        {
          g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, action_name);

          /* show-help-overlay's Ctrl+? comes from GtkApplication itself */
          if (g_strcmp0 (action_name, "win.show-help-overlay") != 0)
            {
              if (accels == NULL || accels[0] == NULL)
                g_error ("\"%s\" (%s) has no accelerator", title, action_name);
              for (guint j = 0; accels[j] != NULL; j++)
                {
                  g_auto(GStrv) actions = gtk_application_get_actions_for_accel (app, accels[j]);

                  g_assert_true (g_strv_contains ((const char * const *) actions, action_name));
                }
            }
          /* an action of the application or of the window, under that name */
          if (g_str_has_prefix (action_name, "app."))
            g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), action_name + 4));
          else if (g_strcmp0 (action_name, "win.show-help-overlay") == 0)
            g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture.window),
                                                      "show-help-overlay"));
          else if (g_str_has_prefix (action_name, "win."))
            {
              /* the window's own actions: activating one finds it */
              g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window),
                                                         action_name, NULL));
              if (_cc_window_get_deployment_chooser (fixture.window) != NULL)
                {
                  GtkNativeDialog *chooser =
                    GTK_NATIVE_DIALOG (_cc_window_get_deployment_chooser (fixture.window));

                  gtk_native_dialog_hide (chooser);
                  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_CANCEL);
                }
              wait_until_idle (fixture.window);
            }
          else
            g_assert_cmpstr (action_name, ==, "window.close");
          g_hash_table_add (listed_actions, g_strdup (action_name));
        }
      else
        {
          g_auto(GStrv) keys = NULL;

          g_assert_nonnull (accelerator);
          keys = g_strsplit (accelerator, " ", -1);
          for (guint j = 0; keys[j] != NULL; j++)
            {
              GtkShortcutTrigger *wanted = gtk_shortcut_trigger_parse_string (keys[j]);
              gboolean bound = FALSE;

              g_assert_nonnull (wanted);
              g_ptr_array_add (listed_triggers, wanted);

              /* Enter is the list's own activation, which views the certificate */
              if (g_strcmp0 (keys[j], "Return") == 0)
                {
                  bound = g_signal_has_handler_pending (column_view,
                                                        g_signal_lookup ("activate",
                                                                         GTK_TYPE_COLUMN_VIEW),
                                                        0, FALSE);
                }
              for (guint k = 0; k < list_shortcuts->len && !bound; k++)
                bound = trigger_matches (gtk_shortcut_get_trigger (list_shortcuts->pdata[k]),
                                         wanted);
              if (!bound)
                g_error ("\"%s\" lists %s, which the certificate list does not bind", title,
                         keys[j]);
            }
        }
    }

  /* the other way round: every accelerator there is, is listed */
  for (guint i = 0; app_actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, app_actions[i]);

      if (accels[0] != NULL && !g_hash_table_contains (listed_actions, app_actions[i]))
        g_error ("%s (%s) is not in the shortcuts window", app_actions[i], accels[0]);
    }
  for (guint k = 0; k < list_shortcuts->len; k++)
    {
      GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (list_shortcuts->pdata[k]);
      g_autofree char *text = gtk_shortcut_trigger_to_string (trigger);
      gboolean listed_here = FALSE;

      for (guint j = 0; j < listed_triggers->len && !listed_here; j++)
        listed_here = trigger_matches (trigger, listed_triggers->pdata[j]);
      /* the keypad's Delete is Delete */
      if (!listed_here && g_strcmp0 (text, "KP_Delete") != 0)
        g_error ("the certificate list's %s is not in the shortcuts window", text);
    }

  /* and they do what they say: Ctrl+F's action focuses the search, Ctrl+O's opens the
   * folder chooser */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.find", NULL));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (_cc_window_get_search_entry (fixture.window)))
                 || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture.window)),
                                            GTK_WIDGET (_cc_window_get_search_entry (
                                                          fixture.window))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.open-deployment",
                                             NULL));
  g_assert_nonnull (_cc_window_get_deployment_chooser (fixture.window));
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (_cc_window_get_deployment_chooser (fixture.window)));
  g_signal_emit_by_name (_cc_window_get_deployment_chooser (fixture.window), "response",
                         GTK_RESPONSE_CANCEL);
  g_assert_null (_cc_window_get_deployment_chooser (fixture.window));
}

static void
test_close (void)
{
  CcWindow *window;

  /* closing while a store loads cancels the load and lets the window go */
  select_store ("cwa01.contoso.com", CC_STORE_INTERMEDIATE);
  g_assert_true (cc_window_get_busy (fixture.window));
  window = g_steal_pointer (&fixture.window);
  gtk_window_destroy (GTK_WINDOW (window));

  /* the load's callback holds the window until it has run */
  cc_test_wait_released (window, "the load to let the window go");

  g_assert_finalize_object (window);
}

static void
test_open_error (void)
{
  g_autofree char *file = g_build_filename (fixture.tmpdir, "not-a-folder", NULL);
  CcWindow *window;
  GtkStack *main_stack;

  /* a deployment path that is a plain file can neither be opened nor created */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  window = g_object_ref (cc_window_new (fixture.app, file));
  gtk_window_present (GTK_WINDOW (window));
  wait_until_idle (window);

  main_stack = _cc_window_get_main_stack (window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "error");
  g_assert_null (cc_window_get_deployment (window));
  cc_test_screenshot (GTK_WIDGET (window), "open-error");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* ---- Open, New and Open Recent Deployment; the deployment opened last at start ---- */

/* the console windows there are, in no particular order (borrowed) */
static GPtrArray *
list_windows (void)
{
  GPtrArray *windows = g_ptr_array_new ();

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (fixture.app)); l; l = l->next)
    if (CC_IS_WINDOW (l->data))
      g_ptr_array_add (windows, l->data);
  return windows;
}

static CcWindow *
find_window_for (const char *path)
{
  g_autoptr(GPtrArray) windows = list_windows ();

  for (guint i = 0; i < windows->len; i++)
    if (g_strcmp0 (cc_window_get_deployment_path (windows->pdata[i]), path) == 0)
      return windows->pdata[i];
  return NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* borrowed */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* Opens (or creates) path as the folder chooser's answer does, expects the error dialog
 * with heading and a body holding every one of texts, closes it, and checks that nothing
 * changed: the folder, the windows, the recent deployments. */
static void
assert_open_fails (const char  *path,
                   gboolean     create,
                   const char  *heading,
                   const char **texts,
                   const char  *screenshot)
{
  g_autofree char *before = cc_test_snapshot_tree (path);
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) windows_before = list_windows ();
  g_autoptr(GPtrArray) windows_after = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.certconsole.CertConsole");
  g_auto(GStrv) recent_before = g_settings_get_strv (settings, "recent-deployments");
  g_auto(GStrv) recent_after = NULL;
  AdwMessageDialog *dialog;

  g_assert_null (find_message_dialog ());
  _cc_window_open_other (fixture.window, path, create);
  g_assert_true (cc_window_get_busy (fixture.window));
  cc_test_wait_until (window_not_busy, fixture.window, "the deployment to open");

  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog))
                 == GTK_WINDOW (fixture.window));
  for (guint i = 0; texts[i] != NULL; i++)
    if (strstr (adw_message_dialog_get_body (dialog), texts[i]) == NULL)
      g_error ("the error \"%s\" does not say \"%s\"", adw_message_dialog_get_body (dialog),
               texts[i]);
  g_assert_true (adw_message_dialog_has_response (dialog, "close"));
  if (screenshot != NULL)
    cc_test_screenshot (GTK_WIDGET (dialog), screenshot);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (find_message_dialog ());

  after = cc_test_snapshot_tree (path);
  g_assert_cmpstr (after, ==, before);
  windows_after = list_windows ();
  g_assert_cmpuint (windows_after->len, ==, windows_before->len);
  recent_after = g_settings_get_strv (settings, "recent-deployments");
  g_assert_true (g_strv_equal ((const char * const *) recent_after,
                               (const char * const *) recent_before));
}

static void
test_open_other_errors (void)
{
  g_autofree char *empty = g_build_filename (fixture.tmpdir, "empty-folder", NULL);
  g_autofree char *malformed = g_build_filename (fixture.tmpdir, "malformed", NULL);
  g_autofree char *malformed_json = g_build_filename (malformed, "deployment.json", NULL);
  g_autofree char *fixture_json = g_build_filename (fixture.path, "deployment.json", NULL);

  /* a folder that holds no deployment: opened, never turned into one */
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  assert_open_fails (empty, FALSE, "Could Not Open the Deployment",
                     (const char *[]) { empty, "deployment.json is missing", NULL },
                     "open-deployment-error");
  g_assert_false (g_file_test (fixture_json, G_FILE_TEST_IS_DIR));

  /* a malformed deployment.json: the file, the line, and left as it was */
  g_assert_cmpint (g_mkdir (malformed, 0755), ==, 0);
  g_assert_true (g_file_set_contents (malformed_json, "{\n  \"sites\": [\n    { \"name\": }\n",
                                      -1, NULL));
  assert_open_fails (malformed, FALSE, "Could Not Open the Deployment",
                     (const char *[]) { malformed_json, ":3:", "it was not changed", NULL },
                     NULL);

  /* New on a folder that already holds a deployment: refused, the deployment untouched */
  assert_open_fails (fixture.path, TRUE, "Could Not Create the Deployment",
                     (const char *[]) { fixture.path, "already holds a deployment", NULL },
                     NULL);
}

static gboolean
chooser_has_file (gpointer data)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (data);

  return file != NULL;
}

/* the menu's Open Recent items: their targets, in order */
static GPtrArray *
dup_recent_items (void)
{
  GtkPopoverMenu *popover;
  GMenuModel *menu = NULL;
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  /* the primary menu's first section holds Open, New, then the Open Recent submenu */
  {
    GtkWidget *button = NULL;
    g_autoptr(GPtrArray) todo = g_ptr_array_new ();

    g_ptr_array_add (todo, fixture.window);
    while (todo->len > 0 && button == NULL)
      {
        GtkWidget *w = g_ptr_array_steal_index (todo, todo->len - 1);

        if (GTK_IS_MENU_BUTTON (w) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (w)))
          button = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (todo, c);
      }
    g_assert_nonnull (button);
    popover = GTK_POPOVER_MENU (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
    menu = gtk_popover_menu_get_menu_model (popover);
  }

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autoptr(GMenuModel) sub = g_menu_model_get_item_link (section, j,
                                                                  G_MENU_LINK_SUBMENU);

          for (int k = 0; sub != NULL && k < g_menu_model_get_n_items (sub); k++)
            {
              g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (
                                             sub, k, G_MENU_ATTRIBUTE_TARGET,
                                             G_VARIANT_TYPE_STRING);
              g_autofree char *action = NULL;

              g_assert_true (g_menu_model_get_item_attribute (sub, k, G_MENU_ATTRIBUTE_ACTION,
                                                              "s", &action));
              g_assert_cmpstr (action, ==, "win.open-recent");
              g_assert_nonnull (target);
              g_ptr_array_add (paths, g_variant_dup_string (target, NULL));
            }
        }
    }
  return paths;
}

static void
test_open_other (void)
{
  g_autofree char *fresh = g_build_filename (fixture.tmpdir, "new-deployment", NULL);
  g_autofree char *gone = g_build_filename (fixture.tmpdir, "gone", NULL);
  g_autoptr(GSettings) settings = g_settings_new ("io.github.certconsole.CertConsole");
  g_autoptr(GPtrArray) recent = NULL;
  g_autofree char *last = NULL;
  g_autoptr(GFile) fresh_file = NULL;
  GtkFileChooserNative *chooser;
  CcWindow *window;
  CcDeployment *deployment;

  /* the window opened at start is the first recent deployment */
  recent = dup_recent_items ();
  g_assert_cmpuint (recent->len, ==, 1);
  g_assert_cmpstr (recent->pdata[0], ==, fixture.path);
  g_clear_pointer (&recent, g_ptr_array_unref);

  /* New Deployment: a folder chooser, whose answer creates an empty deployment there */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.new-deployment",
                                             NULL));
  chooser = _cc_window_get_deployment_chooser (fixture.window);
  g_assert_nonnull (chooser);
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  g_assert_cmpstr (gtk_native_dialog_get_title (GTK_NATIVE_DIALOG (chooser)), ==,
                   "New Deployment");
  g_assert_cmpint (g_mkdir (fresh, 0755), ==, 0);
  fresh_file = g_file_new_for_path (fresh);
  /* the user goes into the new folder and presses Create: the chooser answers that folder */
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), fresh_file,
                                                      NULL));
  cc_test_wait_until (chooser_has_file, chooser, "the folder chooser to settle");
  {
    g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
    g_assert_true (g_file_equal (chosen, fresh_file));
  }
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (chooser));
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_ACCEPT);
  g_assert_null (_cc_window_get_deployment_chooser (fixture.window));
  cc_test_wait_until (window_not_busy, fixture.window, "the deployment to be created");
  g_assert_null (find_message_dialog ());

  /* in a window of its own; the first one stays */
  window = find_window_for (fresh);
  if (window == NULL)
    {
      g_autoptr(GPtrArray) all = list_windows ();

      for (guint i = 0; i < all->len; i++)
        g_test_message ("window on %s", cc_window_get_deployment_path (all->pdata[i]));
      g_error ("no window on %s", fresh);
    }
  g_assert_true (window != fixture.window);
  g_assert_true (find_window_for (fixture.path) == fixture.window);
  wait_until_idle (window);
  deployment = cc_window_get_deployment (window);
  g_assert_nonnull (deployment);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (deployment)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (_cc_window_get_main_stack (window)), ==,
                   "deployment");
  {
    g_autofree char *json = g_build_filename (fresh, "deployment.json", NULL);
    g_assert_true (g_file_test (json, G_FILE_TEST_IS_REGULAR));
  }

  /* remembered: first of the recent deployments, in every window's menu, and the last one */
  recent = dup_recent_items ();
  g_assert_cmpuint (recent->len, ==, 2);
  g_assert_cmpstr (recent->pdata[0], ==, fresh);
  g_assert_cmpstr (recent->pdata[1], ==, fixture.path);
  g_clear_pointer (&recent, g_ptr_array_unref);
  last = g_settings_get_string (settings, "last-deployment");
  g_assert_cmpstr (last, ==, fresh);

  /* Open on a deployment a window already shows: that window, no second one */
  {
    g_autoptr(GPtrArray) before = list_windows ();
    g_autoptr(GPtrArray) after = NULL;

    _cc_window_open_other (fixture.window, fresh, FALSE);
    g_assert_false (cc_window_get_busy (fixture.window));
    after = list_windows ();
    g_assert_cmpuint (after->len, ==, before->len);
  }

  /* Open Recent on one that has gone since: the error, and it is offered no more */
  g_assert_cmpint (g_mkdir (gone, 0755), ==, 0);
  {
    g_auto(GStrv) list = g_settings_get_strv (settings, "recent-deployments");
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) updated = NULL;

    g_strv_builder_add (builder, gone);
    g_strv_builder_addv (builder, (const char **) list);
    updated = g_strv_builder_end (builder);
    g_settings_set_strv (settings, "recent-deployments", (const char * const *) updated);
  }
  recent = dup_recent_items ();
  g_assert_cmpuint (recent->len, ==, 3);
  g_clear_pointer (&recent, g_ptr_array_unref);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.open-recent",
                                             "s", gone));
  cc_test_wait_until (window_not_busy, fixture.window, "the recent deployment to open");
  {
    AdwMessageDialog *dialog = find_message_dialog ();

    g_assert_nonnull (dialog);
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open the Deployment");
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), gone));
    gtk_window_close (GTK_WINDOW (dialog));
  }
  {
    g_autofree char *json = g_build_filename (gone, "deployment.json", NULL);
    g_assert_false (g_file_test (json, G_FILE_TEST_EXISTS));
  }
  recent = dup_recent_items ();
  g_assert_cmpuint (recent->len, ==, 2);
  g_assert_cmpstr (recent->pdata[0], ==, fresh);
  g_clear_pointer (&recent, g_ptr_array_unref);

  /* Open Deployment: the same folder chooser, to open */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.open-deployment",
                                             NULL));
  chooser = _cc_window_get_deployment_chooser (fixture.window);
  g_assert_nonnull (chooser);
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  g_assert_cmpstr (gtk_native_dialog_get_title (GTK_NATIVE_DIALOG (chooser)), ==,
                   "Open Deployment");
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (chooser));
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_CANCEL);
  g_assert_null (_cc_window_get_deployment_chooser (fixture.window));
  g_assert_false (cc_window_get_busy (fixture.window));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_pointer (&fixture.opened_path, g_free);
  fixture.opened_path = g_steal_pointer (&fresh);
}

/* At start with no --deployment: the deployment opened last; if it has gone, an error with
 * Open and New, and no demo made in its place. */
static void
test_last_deployment (void)
{
  g_autoptr(GPtrArray) windows = list_windows ();
  CcWindow *window;

  g_assert_nonnull (fixture.opened_path);
  for (guint i = 0; i < windows->len; i++)
    gtk_window_destroy (windows->pdata[i]);
  g_clear_pointer (&windows, g_ptr_array_unref);

  g_application_activate (G_APPLICATION (fixture.app));
  windows = list_windows ();
  g_assert_cmpuint (windows->len, ==, 1);
  window = windows->pdata[0];
  g_assert_cmpstr (cc_window_get_deployment_path (window), ==, fixture.opened_path);
  wait_until_idle (window);
  g_assert_nonnull (cc_window_get_deployment (window));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_pointer (&windows, g_ptr_array_unref);

  /* gone since */
  cc_test_rmrf (fixture.opened_path);
  g_application_activate (G_APPLICATION (fixture.app));
  windows = list_windows ();
  g_assert_cmpuint (windows->len, ==, 1);
  window = windows->pdata[0];
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  wait_until_idle (window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (_cc_window_get_main_stack (window)), ==,
                   "error");
  g_assert_null (cc_window_get_deployment (window));
  g_assert_false (g_file_test (fixture.opened_path, G_FILE_TEST_EXISTS));
  cc_test_screenshot (GTK_WIDGET (window), "last-deployment-gone");
  assert_shows_label (GTK_WIDGET (window), "Open Deployment…");

  /* New Deployment from there replaces the window that shows nothing */
  {
    g_autoptr(GPtrArray) after = NULL;
    CcWindow *other;

    fixture.window = g_object_ref (window);
    _cc_window_open_other (window, fixture.opened_path, TRUE);
    cc_test_wait_until (window_not_busy, window, "the deployment to be created");
    g_clear_object (&fixture.window);
    after = list_windows ();
    g_assert_cmpuint (after->len, ==, 1);
    other = after->pdata[0];
    g_assert_true (other != window);
    g_assert_cmpstr (cc_window_get_deployment_path (other), ==, fixture.opened_path);
    g_assert_nonnull (cc_window_get_deployment (other));
    gtk_window_destroy (GTK_WINDOW (other));
  }
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
  /* not there yet: the window creates the demo deployment, as on first start */
  fixture.path = g_build_filename (fixture.tmpdir, "deployment", NULL);

  g_test_add_func ("/window/open", test_open);
  g_test_add_func ("/window/sidebar", test_sidebar);
  g_test_add_func ("/window/sidebar-large", test_sidebar_large);
  g_test_add_func ("/window/trusted-root", test_trusted_root);
  g_test_add_func ("/window/columns", test_columns);
  g_test_add_func ("/window/cancel", test_cancel);
  g_test_add_func ("/window/personal", test_personal);
  g_test_add_func ("/window/search", test_search);
  g_test_add_func ("/window/sort-by-date", test_sort_by_date);
  g_test_add_func ("/window/screenshot", test_screenshot);
  g_test_add_func ("/window/narrow", test_narrow);
  g_test_add_func ("/window/actions", test_actions);
  g_test_add_func ("/window/shortcuts", test_shortcuts);
  g_test_add_func ("/window/open-other-errors", test_open_other_errors);
  g_test_add_func ("/window/open-other", test_open_other);
  g_test_add_func ("/window/close", test_close);
  g_test_add_func ("/window/open-error", test_open_error);
  g_test_add_func ("/window/last-deployment", test_last_deployment);

  ret = g_test_run ();

  g_clear_object (&fixture.window);
  g_clear_object (&fixture.app);
  cc_test_rmrf (fixture.tmpdir);
  g_free (fixture.tmpdir);
  g_free (fixture.path);
  g_free (fixture.opened_path);

  return ret;
}
