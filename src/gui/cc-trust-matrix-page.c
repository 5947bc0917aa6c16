/* cc-trust-matrix-page.c: the trusted-root matrix: the stores are read on a private copy of
 * the deployment in a thread; the matrix for a chosen CA is then drawn from that reading. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cc-trust-matrix-page.h"
#include "cc-gui-util.h"

/* how many servers the confirmation names before "and N more" */
#define MAX_LISTED_SERVERS 12

/* ---- a CA the chooser offers ---- */

#define CC_TYPE_TRUST_CA (cc_trust_ca_get_type ())
G_DECLARE_FINAL_TYPE (CcTrustCa, cc_trust_ca, CC, TRUST_CA, GObject)

struct _CcTrustCa
{
  GObject        parent_instance;

  CcCertificate *certificate;
  char          *authority;    /* the deployment's CA it is the root of, or NULL */
  char          *file;         /* the file it was read from, or NULL */
  guint          n_trusting;   /* servers whose Trusted Root store holds it */
};

G_DEFINE_FINAL_TYPE (CcTrustCa, cc_trust_ca, G_TYPE_OBJECT)

static void
cc_trust_ca_finalize (GObject *object)
{
  CcTrustCa *self = CC_TRUST_CA (object);

  g_clear_object (&self->certificate);
  g_free (self->authority);
  g_free (self->file);

  G_OBJECT_CLASS (cc_trust_ca_parent_class)->finalize (object);
}

static void
cc_trust_ca_class_init (CcTrustCaClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_trust_ca_finalize;
}

static void
cc_trust_ca_init (CcTrustCa *self)
{
}

static CcTrustCa *
cc_trust_ca_new (CcCertificate *certificate)
{
  CcTrustCa *self = g_object_new (CC_TYPE_TRUST_CA, NULL);

  self->certificate = g_object_ref (certificate);
  return self;
}

/* ---- a row of the matrix: a site, a pool or a server ---- */

#define CC_TYPE_TRUST_NODE (cc_trust_node_get_type ())
G_DECLARE_FINAL_TYPE (CcTrustNode, cc_trust_node, CC, TRUST_NODE, GObject)

typedef enum
{
  NODE_SITE,
  NODE_POOL,
  NODE_SERVER,
} NodeKind;

struct _CcTrustNode
{
  GObject     parent_instance;

  NodeKind    kind;
  char       *name;
  const char *subtitle;     /* static or translated */
  const char *icon_name;
  GListStore *children;     /* of CcTrustNode; NULL for a server */
  /* a server: whether its stores were read, and whether it trusts the CA */
  gboolean    known;
  gboolean    trusted;
  /* a site or pool: of how many servers below it, how many trust the CA */
  guint       n_servers;
  guint       n_trusted;
};

G_DEFINE_FINAL_TYPE (CcTrustNode, cc_trust_node, G_TYPE_OBJECT)

static void
cc_trust_node_finalize (GObject *object)
{
  CcTrustNode *self = CC_TRUST_NODE (object);

  g_free (self->name);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (cc_trust_node_parent_class)->finalize (object);
}

static void
cc_trust_node_class_init (CcTrustNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_trust_node_finalize;
}

static void
cc_trust_node_init (CcTrustNode *self)
{
}

static CcTrustNode *
cc_trust_node_new (NodeKind    kind,
                   const char *name)
{
  CcTrustNode *self = g_object_new (CC_TYPE_TRUST_NODE, NULL);

  self->kind = kind;
  self->name = g_strdup (name);
  if (kind != NODE_SERVER)
    self->children = g_list_store_new (CC_TYPE_TRUST_NODE);
  return self;
}

/* ---- what reading the stores found ---- */

typedef struct
{
  GPtrArray  *cas;        /* of CcTrustCa */
  GHashTable *trusted;    /* lower-case FQDN → set of the Trusted Root store's thumbprints */
} Scan;

static void
scan_free (Scan *scan)
{
  g_ptr_array_unref (scan->cas);
  g_hash_table_unref (scan->trusted);
  g_free (scan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scan, scan_free)

/* ---- the page ---- */

struct _CcTrustMatrixPage
{
  GtkWidget          parent_instance;

  /* template widgets */
  AdwToastOverlay   *toast_overlay;
  GtkDropDown       *ca_dropdown;
  GListStore        *cas;
  GtkImage          *summary_icon;
  GtkLabel          *summary_label;
  GtkSpinner        *spinner;
  GtkStack          *stack;
  AdwStatusPage     *loading_page;
  AdwStatusPage     *error_page;
  GtkColumnView     *view;
  GtkNoSelection    *selection;

  CcDeployment      *deployment;
  Scan              *scan;
  /* CAs read from files, offered again after every reading of the stores */
  GPtrArray         *file_cas;
  /* the servers the chosen CA is missing from, as FQDNs */
  GPtrArray         *missing;
  char              *wanted;      /* the thumbprint to choose once the stores are read */

  /* the operation in flight (reading, a file, adding), or NULL */
  GCancellable      *cancellable;
  GCancellable      *file_cancellable;
  AdwMessageDialog  *confirm;
  GtkNativeDialog   *chooser;
  gboolean           adding;
};

G_DEFINE_FINAL_TYPE (CcTrustMatrixPage, cc_trust_matrix_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DEPLOYMENT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_matrix (CcTrustMatrixPage *self);

/* Closures of the template's factories. */

static char *
ca_title (gpointer   unused,
          CcTrustCa *ca)
{
  return ca != NULL ? g_strdup (cc_certificate_get_issued_to (ca->certificate)) : NULL;
}

static char *
ca_subtitle (gpointer   unused,
             CcTrustCa *ca)
{
  g_autofree char *short_tp = NULL;

  if (ca == NULL)
    return NULL;

  short_tp = g_strndup (cc_certificate_get_thumbprint (ca->certificate), 16);
  if (ca->authority != NULL)
    /* Translators: "Root of the deployment's CA “Contoso Lab CA” · SHA-256 3f7d…" */
    return g_strdup_printf (_("Root of the deployment’s CA “%s” · SHA-256 %s…"),
                            ca->authority, short_tp);
  if (ca->file != NULL)
    {
      g_autofree char *base = g_path_get_basename (ca->file);
      g_autofree char *display = g_filename_display_name (base);

      /* Translators: "From ca-chain.p7b · SHA-256 3f7d…" */
      return g_strdup_printf (_("From %s · SHA-256 %s…"), display, short_tp);
    }
  /* Translators: "Trusted by 4 servers · SHA-256 3f7d…" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Trusted by %u server · SHA-256 %s…",
                                       "Trusted by %u servers · SHA-256 %s…", ca->n_trusting),
                          ca->n_trusting, short_tp);
}

/* what the drop-down's search matches */
static char *
ca_search_text (CcTrustCa *ca)
{
  if (ca == NULL)
    return NULL;
  return g_strjoin ("\n", cc_certificate_get_issued_to (ca->certificate),
                    cc_certificate_get_subject (ca->certificate),
                    ca->authority != NULL ? ca->authority : "",
                    cc_certificate_get_thumbprint (ca->certificate), NULL);
}

static char *
node_name (gpointer     unused,
           CcTrustNode *node)
{
  return node != NULL ? g_strdup (node->name) : NULL;
}

static char *
node_subtitle (gpointer     unused,
               CcTrustNode *node)
{
  return node != NULL ? g_strdup (node->subtitle) : NULL;
}

static char *
node_icon (gpointer     unused,
           CcTrustNode *node)
{
  return node != NULL ? g_strdup (node->icon_name) : NULL;
}

static char *
node_status_icon (gpointer     unused,
                  CcTrustNode *node)
{
  if (node == NULL)
    return NULL;
  if (node->kind != NODE_SERVER)
    return NULL;
  if (!node->known)
    return g_strdup ("dialog-question-symbolic");
  return g_strdup (node->trusted ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
}

static char *
node_status_text (gpointer     unused,
                  CcTrustNode *node)
{
  if (node == NULL)
    return NULL;
  if (node->kind != NODE_SERVER)
    /* Translators: a site or pool in the trusted-root matrix: "1 of 2 servers trust it" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u server trusts it",
                                         "%u of %u servers trust it", node->n_servers),
                            node->n_trusted, node->n_servers);
  if (!node->known)
    /* Translators: the trust of a server whose stores were not read (added meanwhile) */
    return g_strdup (_("Unknown"));
  return g_strdup (node->trusted ? _("Trusted") : _("Not trusted"));
}

static gboolean
node_is_server (gpointer     unused,
                CcTrustNode *node)
{
  return node != NULL && node->kind == NODE_SERVER;
}

static GStrv
node_status_classes (gpointer     unused,
                     CcTrustNode *node)
{
  const char *classes[3] = { NULL, };

  if (node == NULL)
    return g_strdupv ((char **) classes);
  if (node->kind != NODE_SERVER || !node->known)
    classes[0] = "dim-label";
  else
    classes[0] = node->trusted ? "success" : "warning";
  if (node->kind == NODE_SERVER)
    classes[1] = "cc-trust-status";
  return g_strdupv ((char **) classes);
}

static GListModel *
create_node_children (gpointer item,
                      gpointer user_data)
{
  CcTrustNode *node = item;

  return node->children != NULL ? g_object_ref (G_LIST_MODEL (node->children)) : NULL;
}

/* State. */

static void
update_actions (CcTrustMatrixPage *self)
{
  gboolean busy = cc_trust_matrix_page_get_busy (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "matrix.add",
                                 !busy && self->missing->len > 0
                                 && cc_trust_matrix_page_get_ca (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "matrix.reload",
                                 self->cancellable == NULL && self->deployment != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "matrix.open-file",
                                 self->file_cancellable == NULL && self->deployment != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

/* Sets (or, with NULL, clears) the operation in flight, cancelling the one it replaces. */
static void
set_operation (CcTrustMatrixPage *self,
               GCancellable      **slot,
               GCancellable       *cancellable)
{
  gboolean was_busy = cc_trust_matrix_page_get_busy (self);

  if (*slot != NULL && *slot != cancellable)
    g_cancellable_cancel (*slot);
  g_set_object (slot, cancellable);

  update_actions (self);
  if (was_busy != cc_trust_matrix_page_get_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error_toast (CcTrustMatrixPage *self,
                  const char        *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- reading every server's trust stores, in a thread on a private copy ---- */

static void
add_ca (GHashTable *found,
        GPtrArray  *order,
        CcCertificate *certificate)
{
  const char *tp = cc_certificate_get_thumbprint (certificate);

  if (g_hash_table_contains (found, tp))
    return;
  g_hash_table_insert (found, (gpointer) tp, cc_trust_ca_new (certificate));
  g_ptr_array_add (order, (gpointer) tp);
}

/* The root of a CA the deployment knows, when no store holds it yet: the core writes its
 * chain as a .p7b; read back here, in the worker's thread. */
static CcCertificate *
dup_authority_root (CcDeployment *worker,
                    CcAuthority  *authority)
{
  g_autofree char *tmp = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  const char *root = cc_authority_get_root_thumbprint (authority);
  int fd;

  fd = g_file_open_tmp ("certconsole-chain-XXXXXX.p7b", &tmp, &error);
  if (fd < 0)
    {
      g_debug ("%s", error->message);
      return NULL;
    }
  g_close (fd, NULL);

  if (cc_authority_write_chain (worker, cc_authority_get_name (authority), tmp, &error))
    certificates = cc_read_certificates_file (tmp, &error);
  g_unlink (tmp);
  if (certificates == NULL)
    {
      g_debug ("The chain of %s: %s", cc_authority_get_name (authority), error->message);
      return NULL;
    }

  for (guint i = 0; i < certificates->len; i++)
    {
      CcCertificate *certificate = g_ptr_array_index (certificates, i);

      if (g_strcmp0 (cc_certificate_get_thumbprint (certificate), root) == 0)
        return g_object_ref (certificate);
    }
  return NULL;
}

static int
ca_compare (gconstpointer a,
            gconstpointer b)
{
  CcTrustCa *ca = *(CcTrustCa **) a;
  CcTrustCa *cb = *(CcTrustCa **) b;

  /* the deployment's own CAs first, then the others by name */
  if ((ca->authority != NULL) != (cb->authority != NULL))
    return ca->authority != NULL ? -1 : 1;
  return cc_natural_compare (cc_certificate_get_issued_to (ca->certificate),
                             cc_certificate_get_issued_to (cb->certificate));
}

static gpointer
scan_work (CcDeployment  *worker,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (worker);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                      g_object_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(Scan) scan = g_new0 (Scan, 1);
  GListModel *authorities = cc_deployment_get_authorities (worker);

  scan->cas = g_ptr_array_new_with_free_func (g_object_unref);
  scan->trusted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);

  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      GHashTable *roots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      g_hash_table_insert (scan->trusted, g_ascii_strdown (cc_server_get_fqdn (server), -1),
                           roots);
      for (CcStoreKind kind = CC_STORE_TRUSTED_ROOT; kind <= CC_STORE_INTERMEDIATE; kind++)
        {
          CcStore *store = cc_server_get_store (server, kind);

          if (!cc_store_load (store, cancellable, error))
            return NULL;
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
            {
              g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (store), j);
              CcCertificate *certificate = cc_store_entry_get_certificate (entry);

              if (certificate == NULL)
                continue;
              if (kind == CC_STORE_TRUSTED_ROOT)
                g_hash_table_add (roots, g_strdup (cc_certificate_get_thumbprint (certificate)));
              if (cc_certificate_is_ca (certificate) && cc_certificate_is_self_signed (certificate))
                add_ca (found, order, certificate);
            }
        }
    }

  for (guint i = 0; i < g_list_model_get_n_items (authorities); i++)
    {
      g_autoptr(CcAuthority) authority = g_list_model_get_item (authorities, i);
      const char *root = cc_authority_get_root_thumbprint (authority);
      CcTrustCa *ca;

      if (root == NULL)
        continue;
      if (!g_hash_table_contains (found, root))
        {
          g_autoptr(CcCertificate) certificate = dup_authority_root (worker, authority);

          if (certificate == NULL)
            continue;
          add_ca (found, order, certificate);
        }
      ca = g_hash_table_lookup (found, root);
      if (ca->authority == NULL)
        ca->authority = g_strdup (cc_authority_get_name (authority));
    }

  for (guint i = 0; i < order->len; i++)
    {
      CcTrustCa *ca = g_hash_table_lookup (found, g_ptr_array_index (order, i));
      const char *tp = cc_certificate_get_thumbprint (ca->certificate);
      GHashTableIter iter;
      gpointer roots;

      g_hash_table_iter_init (&iter, scan->trusted);
      while (g_hash_table_iter_next (&iter, NULL, &roots))
        if (g_hash_table_contains (roots, tp))
          ca->n_trusting++;
      g_ptr_array_add (scan->cas, g_object_ref (ca));
    }
  g_ptr_array_sort (scan->cas, ca_compare);

  return g_steal_pointer (&scan);
}

typedef struct
{
  CcTrustMatrixPage *self;
  GCancellable      *cancellable;
} OpData;

static OpData *
op_data_new (CcTrustMatrixPage *self,
             GCancellable      *cancellable)
{
  OpData *data = g_new0 (OpData, 1);

  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (cancellable);
  return data;
}

static void
op_data_free (OpData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpData, op_data_free)

static CcTrustCa *
find_ca (CcTrustMatrixPage *self,
         const char        *thumbprint,
         guint             *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->cas)); i++)
    {
      g_autoptr(CcTrustCa) ca = g_list_model_get_item (G_LIST_MODEL (self->cas), i);

      if (g_strcmp0 (cc_certificate_get_thumbprint (ca->certificate), thumbprint) == 0)
        {
          if (position != NULL)
            *position = i;
          return ca;   /* the store holds it */
        }
    }
  return NULL;
}

/* The chooser's list: what the stores hold, then what files gave. Keeps the choice. */
static void
fill_cas (CcTrustMatrixPage *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *wanted = NULL;
  guint position = 0;

  if (self->wanted != NULL)
    wanted = g_strdup (self->wanted);
  else if (cc_trust_matrix_page_get_ca (self) != NULL)
    wanted = g_strdup (cc_certificate_get_thumbprint (cc_trust_matrix_page_get_ca (self)));

  for (guint i = 0; self->scan != NULL && i < self->scan->cas->len; i++)
    {
      CcTrustCa *ca = g_ptr_array_index (self->scan->cas, i);

      g_hash_table_add (seen, (gpointer) cc_certificate_get_thumbprint (ca->certificate));
      g_ptr_array_add (items, g_object_ref (ca));
    }
  for (guint i = 0; i < self->file_cas->len; i++)
    {
      CcTrustCa *ca = g_ptr_array_index (self->file_cas, i);

      if (!g_hash_table_contains (seen, cc_certificate_get_thumbprint (ca->certificate)))
        g_ptr_array_add (items, g_object_ref (ca));
    }

  g_signal_handlers_block_matched (self->ca_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                   self);
  g_list_store_splice (self->cas, 0, g_list_model_get_n_items (G_LIST_MODEL (self->cas)),
                       items->pdata, items->len);
  if (wanted != NULL && find_ca (self, wanted, &position) == NULL)
    position = 0;
  gtk_drop_down_set_selected (self->ca_dropdown,
                              items->len > 0 ? position : GTK_INVALID_LIST_POSITION);
  g_signal_handlers_unblock_matched (self->ca_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                     self);
  g_clear_pointer (&self->wanted, g_free);
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(OpData) data = user_data;
  CcTrustMatrixPage *self = data->self;
  g_autoptr(GError) error = NULL;
  Scan *scan;

  scan = cc_deployment_run_finish (CC_DEPLOYMENT (source), result, &error);
  if (data->cancellable != self->cancellable)
    {
      g_clear_pointer (&scan, scan_free);
      return;
    }
  set_operation (self, &self->cancellable, NULL);

  if (scan == NULL)
    {
      g_debug ("Reading the trust stores failed: %s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      gtk_label_set_text (self->summary_label, "");
      return;
    }

  g_clear_pointer (&self->scan, scan_free);
  self->scan = scan;
  fill_cas (self);
  update_matrix (self);
}

static void
start_scan (CcTrustMatrixPage *self)
{
  g_autoptr(GCancellable) cancellable = NULL;

  if (self->deployment == NULL)
    return;

  cancellable = g_cancellable_new ();
  set_operation (self, &self->cancellable, cancellable);
  if (self->scan == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  /* reading the stores changes nothing: no refresh of the deployment after it */
  cc_deployment_run_read_only_async (self->deployment, scan_work, NULL, NULL,
                                     (GDestroyNotify) scan_free, cancellable, scan_done_cb,
                                     op_data_new (self, cancellable));
}

/* ---- the matrix for the chosen CA, from the last reading ---- */

static void
update_matrix (CcTrustMatrixPage *self)
{
  CcTrustCa *ca = gtk_drop_down_get_selected_item (self->ca_dropdown);
  g_autoptr(GListStore) root = g_list_store_new (CC_TYPE_TRUST_NODE);
  GtkTreeListModel *tree;
  const char *tp;
  guint n_servers = 0, n_trusted = 0;
  g_autofree char *summary = NULL;

  g_ptr_array_set_size (self->missing, 0);

  if (self->scan == NULL)
    {
      update_actions (self);
      return;
    }
  if (ca == NULL)
    {
      gtk_no_selection_set_model (self->selection, NULL);
      gtk_label_set_text (self->summary_label, "");
      gtk_image_clear (self->summary_icon);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_actions (self);
      return;
    }

  tp = cc_certificate_get_thumbprint (ca->certificate);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->deployment)); i++)
    {
      g_autoptr(CcSite) site = g_list_model_get_item (G_LIST_MODEL (self->deployment), i);
      g_autoptr(CcTrustNode) site_node = cc_trust_node_new (NODE_SITE, cc_site_get_name (site));

      site_node->subtitle = _("Site");
      site_node->icon_name = "mark-location-symbolic";

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (site)); j++)
        {
          g_autoptr(CcPool) pool = g_list_model_get_item (G_LIST_MODEL (site), j);
          g_autoptr(CcTrustNode) pool_node = cc_trust_node_new (NODE_POOL,
                                                                cc_pool_get_fqdn (pool));

          pool_node->subtitle = cc_pool_get_load_balancer (pool)
                                ? _("Pool behind a load balancer") : _("Pool");
          pool_node->icon_name = "network-workgroup-symbolic";

          for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (pool)); k++)
            {
              g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), k);
              const char *fqdn = cc_server_get_fqdn (server);
              g_autofree char *key = g_ascii_strdown (fqdn, -1);
              GHashTable *roots = g_hash_table_lookup (self->scan->trusted, key);
              g_autoptr(CcTrustNode) node = cc_trust_node_new (NODE_SERVER, fqdn);

              node->subtitle = cc_role_get_display_name (cc_server_get_role (server));
              node->icon_name = cc_role_get_icon_name (cc_server_get_role (server));
              node->known = roots != NULL;
              node->trusted = roots != NULL && g_hash_table_contains (roots, tp);
              if (node->known && !node->trusted)
                g_ptr_array_add (self->missing, g_strdup (fqdn));

              pool_node->n_servers++;
              pool_node->n_trusted += node->trusted;
              g_list_store_append (pool_node->children, node);
            }
          site_node->n_servers += pool_node->n_servers;
          site_node->n_trusted += pool_node->n_trusted;
          g_list_store_append (site_node->children, pool_node);
        }
      n_servers += site_node->n_servers;
      n_trusted += site_node->n_trusted;
      g_list_store_append (root, site_node);
    }

  tree = gtk_tree_list_model_new (G_LIST_MODEL (g_steal_pointer (&root)), FALSE, TRUE,
                                  create_node_children, NULL, NULL);
  gtk_no_selection_set_model (self->selection, G_LIST_MODEL (tree));
  g_object_unref (tree);

  if (n_servers > 0 && n_trusted == n_servers)
    /* Translators: the matrix's summary when every server trusts the chosen CA */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Trusted on the only server",
                                            "Trusted on every server (%u)", n_servers),
                               n_servers);
  else
    /* Translators: the matrix's summary: "Trusted on 4 of 5 servers; 1 lacks it" */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Trusted on %u of %u servers; %u lacks it",
                                            "Trusted on %u of %u servers; %u lack it",
                                            self->missing->len),
                               n_trusted, n_servers, self->missing->len);
  gtk_label_set_text (self->summary_label, summary);
  gtk_image_set_from_icon_name (self->summary_icon,
                                self->missing->len == 0 ? "emblem-ok-symbolic"
                                                        : "dialog-warning-symbolic");
  gtk_widget_set_css_classes (GTK_WIDGET (self->summary_icon),
                              (const char *[]) { self->missing->len == 0 ? "success" : "warning",
                                                 NULL });
  gtk_stack_set_visible_child_name (self->stack, "matrix");
  update_actions (self);
}

static void
ca_selected_cb (CcTrustMatrixPage *self,
                GParamSpec        *pspec,
                GtkDropDown       *dropdown)
{
  update_matrix (self);
}

/* ---- adding the CA where it is missing ---- */

typedef struct
{
  GBytes *der;
  GStrv   servers;
  char   *what;
} AddData;

static void
add_data_free (AddData *data)
{
  g_bytes_unref (data->der);
  g_strfreev (data->servers);
  g_free (data->what);
  g_free (data);
}

static gpointer
add_work (CcDeployment  *worker,
          gpointer       user_data,
          GCancellable  *cancellable,
          GError       **error)
{
  AddData *data = user_data;
  g_autoptr(CcCertificate) certificate = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(GPtrArray) servers = g_ptr_array_new ();
  g_autoptr(CcReport) report = cc_report_new ();

  /* parsed again here: the worker's stores hold only what this thread made */
  certificate = cc_certificate_new_from_der (data->der, error);
  if (certificate == NULL)
    return NULL;
  for (guint i = 0; data->servers[i] != NULL; i++)
    {
      CcServer *server = cc_deployment_get_server (worker, data->servers[i], error);

      if (server == NULL)
        return NULL;
      g_ptr_array_add (servers, server);
    }

  certificates = g_ptr_array_new ();
  g_ptr_array_add (certificates, certificate);
  if (!cc_import_chain_certificates (worker, servers, certificates, data->what, report, error))
    return NULL;
  return g_steal_pointer (&report);
}

static void
add_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(OpData) data = user_data;
  CcTrustMatrixPage *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcReport) report = NULL;

  report = cc_deployment_run_finish (CC_DEPLOYMENT (source), result, &error);
  if (data->cancellable != self->cancellable)
    return;

  self->adding = FALSE;
  set_operation (self, &self->cancellable, NULL);

  if (report == NULL)
    show_error_toast (self, error->message);
  else
    {
      g_autofree char *message = NULL;
      guint n = report->changes->len;

      if (n > 0)
        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Added to the Trusted Root store of %u server",
                                                "Added to the Trusted Root stores of %u servers",
                                                n),
                                   n);
      else
        message = g_strdup (_("Every server already trusted it"));
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }

  /* whatever happened is on disk now: read it back rather than guess */
  if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    start_scan (self);
}

static void
start_add (CcTrustMatrixPage *self)
{
  CcTrustCa *ca = gtk_drop_down_get_selected_item (self->ca_dropdown);
  g_autoptr(GCancellable) cancellable = NULL;
  AddData *data;

  if (ca == NULL || self->missing->len == 0 || self->deployment == NULL)
    return;

  data = g_new0 (AddData, 1);
  data->der = g_bytes_ref (cc_certificate_get_der (ca->certificate));
  g_ptr_array_add (self->missing, NULL);
  data->servers = g_strdupv ((char **) self->missing->pdata);
  g_ptr_array_remove_index (self->missing, self->missing->len - 1);
  data->what = g_strdup (cc_certificate_get_issued_to (ca->certificate));
  self->wanted = g_strdup (cc_certificate_get_thumbprint (ca->certificate));

  cancellable = g_cancellable_new ();
  self->adding = TRUE;
  set_operation (self, &self->cancellable, cancellable);
  cc_deployment_run_write_async (self->deployment, add_work, data,
                                 (GDestroyNotify) add_data_free,
                                 (GDestroyNotify) cc_report_free, cancellable, add_done_cb,
                                 op_data_new (self, cancellable));
}

static void
confirm_response_cb (CcTrustMatrixPage *self,
                     const char        *response,
                     AdwMessageDialog  *dialog)
{
  if (self->confirm == dialog)
    self->confirm = NULL;
  if (g_strcmp0 (response, "add") == 0)
    start_add (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CcTrustMatrixPage *self = CC_TRUST_MATRIX_PAGE (widget);
  CcTrustCa *ca = gtk_drop_down_get_selected_item (self->ca_dropdown);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  guint n = self->missing->len;

  if (ca == NULL || n == 0)
    return;

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Trust the CA on %u Server?",
                                          "Trust the CA on %u Servers?", n), n);
  /* Translators: the confirmation before adding a root CA to servers' Trusted Root stores */
  g_string_append_printf (body, _("“%s” will be added to the Trusted Root Certification "
                                  "Authorities store of:"),
                          cc_certificate_get_issued_to (ca->certificate));
  g_string_append_c (body, '\n');
  for (guint i = 0; i < n && i < MAX_LISTED_SERVERS; i++)
    g_string_append_printf (body, "\n%s", (const char *) g_ptr_array_index (self->missing, i));
  if (n > MAX_LISTED_SERVERS)
    {
      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "and %u more server",
                                                 "and %u more servers", n - MAX_LISTED_SERVERS),
                              n - MAX_LISTED_SERVERS);
    }
  g_string_append_printf (body, "\n\n%s %s", _("SHA-256:"),
                          cc_certificate_get_thumbprint (ca->certificate));

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   heading, body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self,
                           G_CONNECT_SWAPPED);
  self->confirm = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- a CA from a file ---- */

static void
file_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(OpData) data = user_data;
  CcTrustMatrixPage *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  const char *path = g_task_get_task_data (G_TASK (result));
  CcCertificate *first = NULL;

  certificates = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->cancellable != self->file_cancellable)
    return;
  set_operation (self, &self->file_cancellable, NULL);

  if (certificates == NULL)
    {
      show_error_toast (self, error->message);
      return;
    }

  for (guint i = 0; i < certificates->len; i++)
    {
      CcCertificate *certificate = g_ptr_array_index (certificates, i);
      CcTrustCa *ca;

      /* only a root belongs in a Trusted Root store */
      if (!cc_certificate_is_ca (certificate) || !cc_certificate_is_self_signed (certificate))
        continue;
      if (first == NULL)
        first = certificate;

      ca = cc_trust_ca_new (certificate);
      ca->file = g_strdup (path);
      g_ptr_array_add (self->file_cas, ca);
    }

  if (first == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_autofree char *message =
        /* Translators: a chosen file holds certificates, but no root CA */
        g_strdup_printf (_("“%s” holds no root CA certificate (a self-signed CA); choose the "
                           "root of the chain"), display);

      show_error_toast (self, message);
      return;
    }

  g_free (self->wanted);
  self->wanted = g_strdup (cc_certificate_get_thumbprint (first));
  fill_cas (self);
  update_matrix (self);
}

static void
chooser_response_cb (CcTrustMatrixPage    *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        cc_trust_matrix_page_open_file (self, file);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  if (self->chooser == GTK_NATIVE_DIALOG (chooser))
    g_clear_object (&self->chooser);
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CcTrustMatrixPage *self = CC_TRUST_MATRIX_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) certificates = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  static const char * const patterns[] = {
    "*.cer", "*.crt", "*.pem", "*.der", "*.p7b", "*.p7c", "*.CER", "*.CRT", "*.PEM", "*.DER",
    "*.P7B", "*.P7C",
  };

  chooser = gtk_file_chooser_native_new (_("Choose a CA Certificate"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  gtk_file_filter_set_name (certificates, _("Certificates and chains"));
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (certificates, patterns[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), certificates);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);

  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_set_object (&self->chooser, GTK_NATIVE_DIALOG (chooser));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  cc_trust_matrix_page_reload (CC_TRUST_MATRIX_PAGE (widget));
}

/* GObject. */

/* out of its window, nobody sees the result: what only reads stops; adding finishes */
static void
cc_trust_matrix_page_unroot (GtkWidget *widget)
{
  CcTrustMatrixPage *self = CC_TRUST_MATRIX_PAGE (widget);

  if (!self->adding)
    set_operation (self, &self->cancellable, NULL);
  set_operation (self, &self->file_cancellable, NULL);
  if (self->confirm != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->confirm, self);
      gtk_window_destroy (GTK_WINDOW (self->confirm));
      self->confirm = NULL;
    }

  GTK_WIDGET_CLASS (cc_trust_matrix_page_parent_class)->unroot (widget);
}

static void
cc_trust_matrix_page_dispose (GObject *object)
{
  CcTrustMatrixPage *self = CC_TRUST_MATRIX_PAGE (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->file_cancellable != NULL)
    g_cancellable_cancel (self->file_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file_cancellable);
  if (self->confirm != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->confirm, self);
      gtk_window_destroy (GTK_WINDOW (self->confirm));
      self->confirm = NULL;
    }
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  if (self->ca_dropdown != NULL)
    g_signal_handlers_disconnect_by_data (self->ca_dropdown, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CC_TYPE_TRUST_MATRIX_PAGE);
  /* the template's own child, which dispose_template leaves when it is not bound */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_pointer (&self->scan, scan_free);
  g_clear_pointer (&self->file_cas, g_ptr_array_unref);
  g_clear_pointer (&self->missing, g_ptr_array_unref);
  g_clear_pointer (&self->wanted, g_free);
  g_clear_object (&self->deployment);

  G_OBJECT_CLASS (cc_trust_matrix_page_parent_class)->dispose (object);
}

static void
cc_trust_matrix_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CcTrustMatrixPage *self = CC_TRUST_MATRIX_PAGE (object);

  switch (prop_id)
    {
    case PROP_DEPLOYMENT:
      g_value_set_object (value, self->deployment);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, cc_trust_matrix_page_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_trust_matrix_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CcTrustMatrixPage *self = CC_TRUST_MATRIX_PAGE (object);

  switch (prop_id)
    {
    case PROP_DEPLOYMENT:
      cc_trust_matrix_page_set_deployment (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_trust_matrix_page_class_init (CcTrustMatrixPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cc_trust_matrix_page_dispose;
  object_class->get_property = cc_trust_matrix_page_get_property;
  object_class->set_property = cc_trust_matrix_page_set_property;
  widget_class->unroot = cc_trust_matrix_page_unroot;

  properties[PROP_DEPLOYMENT] =
    g_param_spec_object ("deployment", NULL, NULL,
                         CC_TYPE_DEPLOYMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certconsole/CertConsole/cc-trust-matrix-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, ca_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, cas);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, loading_page);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, view);
  gtk_widget_class_bind_template_child (widget_class, CcTrustMatrixPage, selection);

  gtk_widget_class_bind_template_callback (widget_class, ca_title);
  gtk_widget_class_bind_template_callback (widget_class, ca_subtitle);
  gtk_widget_class_bind_template_callback (widget_class, ca_search_text);
  gtk_widget_class_bind_template_callback (widget_class, ca_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, node_name);
  gtk_widget_class_bind_template_callback (widget_class, node_subtitle);
  gtk_widget_class_bind_template_callback (widget_class, node_icon);
  gtk_widget_class_bind_template_callback (widget_class, node_status_icon);
  gtk_widget_class_bind_template_callback (widget_class, node_status_text);
  gtk_widget_class_bind_template_callback (widget_class, node_status_classes);
  gtk_widget_class_bind_template_callback (widget_class, node_is_server);

  gtk_widget_class_install_action (widget_class, "matrix.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "matrix.open-file", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "matrix.reload", NULL, reload_action);
}

static void
cc_trust_matrix_page_init (CcTrustMatrixPage *self)
{
  g_type_ensure (CC_TYPE_TRUST_CA);
  g_type_ensure (CC_TYPE_TRUST_NODE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->file_cas = g_ptr_array_new_with_free_func (g_object_unref);
  self->missing = g_ptr_array_new_with_free_func (g_free);
  update_actions (self);
}

GtkWidget *
cc_trust_matrix_page_new (CcDeployment *deployment)
{
  g_return_val_if_fail (deployment == NULL || CC_IS_DEPLOYMENT (deployment), NULL);

  return g_object_new (CC_TYPE_TRUST_MATRIX_PAGE, "deployment", deployment, NULL);
}

CcDeployment *
cc_trust_matrix_page_get_deployment (CcTrustMatrixPage *self)
{
  g_return_val_if_fail (CC_IS_TRUST_MATRIX_PAGE (self), NULL);

  return self->deployment;
}

void
cc_trust_matrix_page_set_deployment (CcTrustMatrixPage *self,
                                     CcDeployment      *deployment)
{
  g_return_if_fail (CC_IS_TRUST_MATRIX_PAGE (self));
  g_return_if_fail (deployment == NULL || CC_IS_DEPLOYMENT (deployment));

  if (!g_set_object (&self->deployment, deployment))
    return;

  g_clear_pointer (&self->scan, scan_free);
  set_operation (self, &self->cancellable, NULL);
  fill_cas (self);
  start_scan (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPLOYMENT]);
}

gboolean
cc_trust_matrix_page_get_busy (CcTrustMatrixPage *self)
{
  g_return_val_if_fail (CC_IS_TRUST_MATRIX_PAGE (self), FALSE);

  return self->cancellable != NULL || self->file_cancellable != NULL;
}

void
cc_trust_matrix_page_reload (CcTrustMatrixPage *self)
{
  g_return_if_fail (CC_IS_TRUST_MATRIX_PAGE (self));

  /* adding finishes with a reading of its own */
  if (self->adding)
    return;
  start_scan (self);
}

gboolean
cc_trust_matrix_page_select_ca (CcTrustMatrixPage *self,
                                const char        *thumbprint)
{
  guint position;

  g_return_val_if_fail (CC_IS_TRUST_MATRIX_PAGE (self), FALSE);
  g_return_val_if_fail (thumbprint != NULL, FALSE);

  if (find_ca (self, thumbprint, &position) == NULL)
    return FALSE;
  gtk_drop_down_set_selected (self->ca_dropdown, position);
  return TRUE;
}

CcCertificate *
cc_trust_matrix_page_get_ca (CcTrustMatrixPage *self)
{
  CcTrustCa *ca;

  g_return_val_if_fail (CC_IS_TRUST_MATRIX_PAGE (self), NULL);

  ca = gtk_drop_down_get_selected_item (self->ca_dropdown);
  return ca != NULL ? ca->certificate : NULL;
}

void
cc_trust_matrix_page_open_file (CcTrustMatrixPage *self,
                                GFile             *file)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;
  char *path;

  g_return_if_fail (CC_IS_TRUST_MATRIX_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error_toast (self, _("Only local files can be read; copy the file to this "
                                "computer first"));
      return;
    }

  cancellable = g_cancellable_new ();
  set_operation (self, &self->file_cancellable, cancellable);

  /* reading and parsing only: no model is touched in the thread */
  task = g_task_new (NULL, cancellable, file_read_cb, op_data_new (self, cancellable));
  g_task_set_source_tag (task, cc_trust_matrix_page_open_file);
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, cc_gui_read_certificates_thread);
}

GtkDropDown *
_cc_trust_matrix_page_get_dropdown (CcTrustMatrixPage *self)
{
  g_return_val_if_fail (CC_IS_TRUST_MATRIX_PAGE (self), NULL);

  return self->ca_dropdown;
}

GtkColumnView *
_cc_trust_matrix_page_get_view (CcTrustMatrixPage *self)
{
  g_return_val_if_fail (CC_IS_TRUST_MATRIX_PAGE (self), NULL);

  return self->view;
}

GtkLabel *
_cc_trust_matrix_page_get_summary (CcTrustMatrixPage *self)
{
  g_return_val_if_fail (CC_IS_TRUST_MATRIX_PAGE (self), NULL);

  return self->summary_label;
}

const char *
_cc_trust_matrix_page_get_state (CcTrustMatrixPage *self)
{
  g_return_val_if_fail (CC_IS_TRUST_MATRIX_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
