/* cc-check.c: the check of the deployment (every assignment against its requirements and
 * its server's own trust), trust verification, and lab CA creation. */
#include "config.h"

#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cc-lab-ca.h"
#include "cc-workflows.h"

static void
item_free (CcCheckItem *item)
{
  g_free (item->thumbprint);
  g_ptr_array_unref (item->reasons);
  g_free (item);
}

void
cc_check_result_free (CcCheckResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->items);
  g_clear_object (&result->deployment);
  g_free (result);
}

static CcCheckItem *
add_item (CcCheckResult *result, CcServer *server, int iface, const char *thumbprint)
{
  CcCheckItem *item = g_new0 (CcCheckItem, 1);
  item->server = server;
  item->iface = iface;
  item->thumbprint = g_strdup (thumbprint);
  item->reasons = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (result->items, item);
  return item;
}

static void
finish_item (CcCheckResult *result, CcCheckItem *item, CcStatus status)
{
  item->status = status;
  switch (status)
    {
    case CC_STATUS_OK: result->n_ok++; break;
    case CC_STATUS_WARNING: result->n_warning++; break;
    case CC_STATUS_ERROR:
    default: result->n_error++; break;
    }
}

static gboolean
assigned_file_matches (CcServer *server, CcInterface iface, const char *thumbprint)
{
  g_autofree char *path = g_strdup_printf ("%s/assigned/%s.pem", cc_server_get_path (server),
                                           cc_interface_to_id (iface));
  g_autofree char *key = g_strdup_printf ("%s/assigned/%s.key", cc_server_get_path (server),
                                          cc_interface_to_id (iface));
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GPtrArray) blocks = NULL;
  g_autofree char *tp = NULL;

  if (!_cc_read_file (path, &data, &len, NULL) || !g_file_test (key, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  blocks = _cc_pem_decode_all (data, len, "CERTIFICATE");
  if (blocks->len == 0)
    return FALSE;
  tp = _cc_sha256_hex (g_bytes_get_data (g_ptr_array_index (blocks, 0), NULL),
                      g_bytes_get_size (g_ptr_array_index (blocks, 0)));
  return g_str_equal (tp, thumbprint);
}

static void
check_assignment (CcCheckResult *result, CcServer *server, CcInterface iface, guint warning_days)
{
  const char *tp = cc_server_get_assignment (server, iface);
  CcCheckItem *item = add_item (result, server, iface, tp);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  CcStore *personal = cc_server_get_store (server, CC_STORE_PERSONAL);
  CcStoreEntry *entry = cc_store_lookup_id (personal, tp);
  CcStatus status;

  if (entry == NULL)
    {
      g_ptr_array_add (item->reasons,
                       g_strdup_printf (_("the assigned certificate %s is not in the Personal store of %s"),
                                        tp, cc_server_get_fqdn (server)));
      finish_item (result, item, CC_STATUS_ERROR);
      return;
    }
  status = cc_requirements_evaluate (server, iface, entry, item->reasons, warnings);
  if (!assigned_file_matches (server, iface, tp))
    {
      g_ptr_array_add (item->reasons,
                       g_strdup_printf (_("assigned/%s.pem or .key is missing or holds another certificate; assign it again"),
                                        cc_interface_to_id (iface)));
      status = CC_STATUS_ERROR;
    }
  if (cc_server_get_assignment_forced (server, iface))
    g_ptr_array_add (warnings, g_strdup (_("it was assigned with --force")));
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) soon = g_date_time_add_days (now, warning_days);
    CcCertificate *cert = cc_store_entry_get_certificate (entry);
    if (!cc_certificate_is_expired (cert, now) && cc_certificate_is_expired (cert, soon))
      {
        g_autofree char *when = cc_format_iso8601 (cc_certificate_get_not_after (cert));
        g_ptr_array_add (warnings, g_strdup_printf (_("it expires on %s, within %u days"), when,
                                                    warning_days));
      }
  }
  if (status != CC_STATUS_ERROR && warnings->len > 0)
    status = CC_STATUS_WARNING;
  g_ptr_array_extend_and_steal (item->reasons, g_steal_pointer (&warnings));
  finish_item (result, item, status);
}

/* DESIGN.md: private keys are never group- or world-readable, and the folders that hold
 * them are 0700. Adds a reason per file or folder that is looser; TRUE when all are right. */
static gboolean
check_key_modes (CcServer *server, GPtrArray *reasons)
{
  const char *folders[] = { cc_store_kind_to_id (CC_STORE_PERSONAL),
                            cc_store_kind_to_id (CC_STORE_REQUESTS), "assigned" };
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *dir = g_build_filename (cc_server_get_path (server), folders[i], NULL);
      g_autoptr(GDir) d = NULL;
      const char *name;
      GStatBuf st;

      if (g_lstat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
        continue;
      if ((st.st_mode & 077) != 0)
        {
          g_autofree char *word = g_shell_quote (dir);
          ok = FALSE;
          g_ptr_array_add (reasons,
                           g_strdup_printf (_("the folder %s holds private keys but other users can open it (mode %04o); run `chmod 700 %s`"),
                                            dir, (unsigned) (st.st_mode & 07777), word));
        }
      d = g_dir_open (dir, 0, NULL);
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = NULL;
          if (!g_str_has_suffix (name, ".key"))
            continue;
          path = g_build_filename (dir, name, NULL);
          if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 077) != 0)
            {
              g_autofree char *word = g_shell_quote (path);
              ok = FALSE;
              g_ptr_array_add (reasons,
                               g_strdup_printf (_("the private key %s can be read by other users (mode %04o); run `chmod 600 %s`"),
                                                path, (unsigned) (st.st_mode & 07777), word));
            }
        }
    }
  return ok;
}

static void
check_server (CcCheckResult *result, CcServer *server, guint warning_days, guint pending_days)
{
  CcStore *requests = cc_server_get_store (server, CC_STORE_REQUESTS);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  CcCheckItem *item = NULL;
  g_autoptr(GPtrArray) mode_problems = g_ptr_array_new_with_free_func (g_free);
  gboolean modes_ok;

  for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
    if (cc_server_has_interface (server, iface) && cc_server_get_assignment (server, iface) != NULL)
      check_assignment (result, server, iface, warning_days);

  modes_ok = check_key_modes (server, mode_problems);
  if (!modes_ok)
    {
      item = add_item (result, server, -1, NULL);
      g_ptr_array_extend_and_steal (item->reasons, g_steal_pointer (&mode_problems));
    }

  /* server-wide findings: damaged store files, stale requests */
  for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
    {
      const char * const *problems = cc_store_get_problems (cc_server_get_store (server, kind));
      for (guint i = 0; problems[i]; i++)
        {
          if (item == NULL)
            item = add_item (result, server, -1, NULL);
          g_ptr_array_add (item->reasons, g_strdup (problems[i]));
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (requests)); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (requests), i);
      GDateTime *added = cc_store_entry_get_added (entry);
      if (added != NULL && g_date_time_difference (now, added) > (GTimeSpan) pending_days * G_TIME_SPAN_DAY)
        {
          if (item == NULL)
            item = add_item (result, server, -1, NULL);
          g_ptr_array_add (item->reasons,
                           g_strdup_printf (_("the request for %s has been pending for more than %u days; process the CA's answer or cancel it"),
                                            cc_store_entry_get_interface (entry), pending_days));
        }
    }
  if (item != NULL)
    finish_item (result, item, modes_ok ? CC_STATUS_WARNING : CC_STATUS_ERROR);
}

static void
check_pools (CcCheckResult *result, GPtrArray *servers)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < servers->len; i++)
    {
      CcPool *pool = cc_server_get_pool (g_ptr_array_index (servers, i));
      guint n;

      if (pool == NULL || !cc_pool_get_load_balancer (pool) || g_hash_table_contains (seen, pool))
        continue;
      g_hash_table_add (seen, pool);
      n = g_list_model_get_n_items (G_LIST_MODEL (pool));
      for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
        {
          const char *first = NULL;
          gboolean differ = FALSE;

          if (iface != CC_INTERFACE_EDGE_INTERNAL && iface != CC_INTERFACE_DEFAULT)
            continue;
          for (guint j = 0; j < n; j++)
            {
              g_autoptr(CcServer) s = g_list_model_get_item (G_LIST_MODEL (pool), j);
              const char *tp = cc_server_get_assignment (s, iface);
              if (!cc_server_has_interface (s, iface))
                continue;
              if (first == NULL)
                first = tp ? tp : "";
              else if (g_strcmp0 (first, tp ? tp : "") != 0)
                differ = TRUE;
            }
          if (differ)
            for (guint k = 0; k < result->items->len; k++)
              {
                CcCheckItem *item = g_ptr_array_index (result->items, k);
                if ((int) item->iface != (int) iface || cc_server_get_pool (item->server) != pool)
                  continue;
                g_ptr_array_add (item->reasons,
                                 g_strdup_printf (_("the members of the pool %s do not all carry the same certificate for %s"),
                                                  cc_pool_get_fqdn (pool), cc_interface_to_id (iface)));
                if (item->status == CC_STATUS_OK)
                  {
                    item->status = CC_STATUS_WARNING;
                    result->n_ok--;
                    result->n_warning++;
                  }
              }
        }
    }
}

typedef struct
{
  CcServer *server;
  CcCheckResult part;   /* this server's items and counts */
  guint warning_days;
  guint pending_days;
  GCancellable *cancellable;
} ServerJob;

static void
server_job_run (gpointer data, gpointer user_data)
{
  ServerJob *job = data;

  if (!g_cancellable_is_cancelled (job->cancellable))
    check_server (&job->part, job->server, job->warning_days, job->pending_days);
}

/* in a pool's thread, below the caller (run inline, the job stays at the caller's priority) */
static void
server_job_run_pooled (gpointer data, gpointer user_data)
{
  _cc_thread_set_background ();
  server_job_run (data, user_data);
}

/* The stores are loaded and only read from here on: the servers are checked on every core
 * (verifying chains is most of the work), and their items kept in the servers' order. */
static gboolean
check_servers (CcCheckResult *result,
               GPtrArray     *servers,
               guint          warning_days,
               guint          pending_days,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree ServerJob *jobs = g_new0 (ServerJob, servers->len);
  guint n_threads = MIN (MAX (1, g_get_num_processors ()), MAX (1, servers->len / 8));
  GThreadPool *pool = NULL;

  if (n_threads > 1)
    pool = g_thread_pool_new (server_job_run_pooled, NULL, n_threads, FALSE, NULL);
  for (guint i = 0; i < servers->len; i++)
    {
      jobs[i].server = g_ptr_array_index (servers, i);
      jobs[i].part.items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
      jobs[i].warning_days = warning_days;
      jobs[i].pending_days = pending_days;
      jobs[i].cancellable = cancellable;
      if (pool != NULL)
        g_thread_pool_push (pool, &jobs[i], NULL);
      else
        server_job_run (&jobs[i], NULL);
    }
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);   /* waits for every job */

  for (guint i = 0; i < servers->len; i++)
    {
      result->n_ok += jobs[i].part.n_ok;
      result->n_warning += jobs[i].part.n_warning;
      result->n_error += jobs[i].part.n_error;
      g_ptr_array_extend_and_steal (result->items, jobs[i].part.items);
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

CcCheckResult *
cc_check (CcDeployment  *deployment,
          GPtrArray     *servers,
          guint          warning_days,
          guint          pending_days,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(CcCheckResult) result = g_new0 (CcCheckResult, 1);

  result->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  result->deployment = g_object_ref (deployment);
  {
    /* read fresh from disk, every store at once on every core */
    g_autoptr(GPtrArray) stores = g_ptr_array_new ();
    for (guint i = 0; i < servers->len; i++)
      for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
        g_ptr_array_add (stores, cc_server_get_store (g_ptr_array_index (servers, i), kind));
    if (!_cc_stores_load_many (stores, cancellable, error))
      return NULL;
  }
  if (!check_servers (result, servers, warning_days, pending_days, cancellable, error))
    return NULL;
  check_pools (result, servers);
  return g_steal_pointer (&result);
}

gboolean
cc_trust_verify (GPtrArray *servers, CcCertificate *ca, GPtrArray *missing, GError **error)
{
  gboolean all = TRUE;

  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      CcStore *roots = cc_server_get_store (server, CC_STORE_TRUSTED_ROOT);

      if (!cc_store_load (roots, NULL, error))
        return FALSE;
      if (!_cc_store_contains (roots, cc_certificate_get_thumbprint (ca)))
        {
          all = FALSE;
          if (missing != NULL)
            g_ptr_array_add (missing, server);
        }
    }
  return all || missing != NULL;
}

CcAuthority *
cc_authority_create_lab (CcDeployment *deployment, const char *name, GError **error)
{
  g_autoptr(CcLabCa) lab = NULL;
  g_autoptr(CcAuthority) ca = NULL;
  g_autoptr(CcCertificate) root = NULL;
  g_autoptr(CcCertificate) issuing = NULL;
  g_autofree char *dir = NULL;

  if (name == NULL || *name == '\0' || strlen (name) > 64)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("Give the certification authority a name of 1 to 64 characters"));
      return NULL;
    }
  if (cc_deployment_find_authority (deployment, name) != NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("The deployment already knows a certification authority “%s”; choose another name"),
                   name);
      return NULL;
    }
  dir = _cc_lab_ca_dup_dir (deployment, name);
  if (g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("The folder %s already exists; choose another name for the certification authority"),
                   dir);
      return NULL;
    }
  lab = _cc_lab_ca_new (name, NULL, error);
  if (lab == NULL)
    return NULL;
  if (!_cc_lab_ca_save (deployment, lab, dir, error))
    {
      /* the folder did not exist: nothing half-made stays (a locked deployment, a full disk) */
      _cc_rmrf (dir, NULL);
      return NULL;
    }
  root = _cc_certificate_new_from_x509 (_cc_lab_ca_get_root (lab), error);
  issuing = root ? _cc_certificate_new_from_x509 (_cc_lab_ca_get_issuing (lab), error) : NULL;
  if (issuing == NULL)
    return NULL;
  ca = cc_authority_new (name, CC_AUTHORITY_LAB);
  cc_authority_set_thumbprints (ca, cc_certificate_get_thumbprint (root),
                                cc_certificate_get_thumbprint (issuing));
  if (!cc_deployment_add_authority (deployment, ca, error))
    {
      _cc_rmrf (dir, NULL);
      return NULL;
    }
  cc_deployment_audit (deployment, "ca-create-lab", NULL, cc_certificate_get_thumbprint (root), name);
  return ca;
}

gboolean
cc_authority_write_chain (CcDeployment *deployment, const char *name, const char *out_file,
                          GError **error)
{
  CcAuthority *ca = cc_deployment_find_authority (deployment, name);
  g_autofree char *dir = NULL;
  g_autoptr(CcLabCa) lab = NULL;
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) p7b = NULL;
  CcCertificate *c;

  if (ca == NULL || cc_authority_get_kind (ca) != CC_AUTHORITY_LAB)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("The deployment has no lab certification authority “%s”; list them with `certctl ca list`"),
                   name);
      return FALSE;
    }
  dir = _cc_lab_ca_dup_dir (deployment, name);
  lab = _cc_lab_ca_load (deployment, dir, error);
  if (lab == NULL)
    return FALSE;
  if ((c = _cc_certificate_new_from_x509 (_cc_lab_ca_get_issuing (lab), error)) == NULL)
    return FALSE;
  g_ptr_array_add (certs, c);
  if ((c = _cc_certificate_new_from_x509 (_cc_lab_ca_get_root (lab), error)) == NULL)
    return FALSE;
  g_ptr_array_add (certs, c);
  p7b = _cc_certificates_to_p7b (certs, FALSE);
  return _cc_write_file_atomic (out_file, g_bytes_get_data (p7b, NULL), g_bytes_get_size (p7b), 0644,
                                error);
}

gboolean
cc_import_chain (CcDeployment *deployment,
                 GPtrArray    *servers,
                 const char   *file,
                 CcReport     *report,
                 GError      **error)
{
  g_autoptr(GPtrArray) certs = cc_read_certificates_file (file, error);

  return certs != NULL
         && cc_import_chain_certificates (deployment, servers, certs, file, report, error);
}

gboolean
cc_import_chain_certificates (CcDeployment *deployment,
                              GPtrArray    *servers,
                              GPtrArray    *certs,
                              const char   *file,
                              CcReport     *report,
                              GError      **error)
{
  g_autoptr(CcUndo) undo = _cc_undo_new ();
  g_autoptr(GPtrArray) roots = g_ptr_array_new ();
  g_autoptr(GPtrArray) inters = g_ptr_array_new ();
  g_autoptr(GPtrArray) stores = g_ptr_array_new ();
  g_autoptr(GPtrArray) staged = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  guint n_ca = 0;

  for (guint i = 0; i < certs->len; i++)
    if (cc_certificate_is_ca (g_ptr_array_index (certs, i)))
      n_ca++;
  if (n_ca == 0)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                   _("“%s” holds no CA certificate, only server certificates; a certificate chain holds the root and issuing CAs"),
                   file);
      return FALSE;
    }
  for (guint i = 0; report != NULL && i < certs->len; i++)
    {
      CcCertificate *c = g_ptr_array_index (certs, i);
      if (!cc_certificate_is_ca (c))
        g_ptr_array_add (report->notes,
                         g_strdup_printf (_("%s (%s) is not a CA certificate and was skipped"),
                                          cc_certificate_get_issued_to (c),
                                          cc_certificate_get_thumbprint (c)));
    }
  /* self-signed CAs are roots; the others are intermediates */
  for (guint i = 0; i < certs->len; i++)
    {
      CcCertificate *c = g_ptr_array_index (certs, i);
      if (cc_certificate_is_ca (c))
        g_ptr_array_add (cc_certificate_is_self_signed (c) ? roots : inters, c);
    }
  {
    /* the stores not read yet are read at once, on every core */
    g_autoptr(GPtrArray) unloaded = g_ptr_array_new ();
    for (guint s = 0; s < servers->len; s++)
      for (CcStoreKind kind = CC_STORE_TRUSTED_ROOT; kind <= CC_STORE_INTERMEDIATE; kind++)
        {
          CcStore *store = cc_server_get_store (g_ptr_array_index (servers, s), kind);
          if (!cc_store_is_loaded (store))
            g_ptr_array_add (unloaded, store);
        }
    if (unloaded->len > 1 && !_cc_stores_load_many (unloaded, NULL, error))
      return FALSE;
  }
  {
    /* every new file of every server is written first, then made durable with one sync,
     * then renamed into place: a failure before the renames leaves every store as it was */
    g_autoptr(CcBatch) batch = _cc_batch_new ();

    for (guint s = 0; s < servers->len; s++)
      for (CcStoreKind kind = CC_STORE_TRUSTED_ROOT; kind <= CC_STORE_INTERMEDIATE; kind++)
        {
          CcStore *store = cc_server_get_store (g_ptr_array_index (servers, s), kind);
          GPtrArray *todo = kind == CC_STORE_TRUSTED_ROOT ? roots : inters;
          GPtrArray *added = g_ptr_array_new_with_free_func (g_object_unref);

          g_ptr_array_add (stores, store);
          g_ptr_array_add (staged, added);
          if (todo->len > 0 && !_cc_store_stage_certificates (store, todo, batch, added, error))
            return FALSE;
        }
    if (!_cc_batch_commit (batch, error))
      return FALSE;
  }
  for (guint i = 0; i < stores->len; i++)
    {
      CcStore *store = g_ptr_array_index (stores, i);
      GPtrArray *added = g_ptr_array_index (staged, i);

      for (guint j = 0; j < added->len; j++)
        _cc_undo_added (undo, store, cc_certificate_get_thumbprint (g_ptr_array_index (added, j)));
      if (!_cc_store_add_staged (store, added, error))
        goto fail;
    }

  /* everything is in: now say so, once per certificate and server */
  for (guint i = 0; i < stores->len; i++)
    {
      CcStore *store = g_ptr_array_index (stores, i);
      GPtrArray *added = g_ptr_array_index (staged, i);
      const char *fqdn = cc_server_get_fqdn (cc_store_get_server (store));
      CcStoreKind kind = cc_store_get_kind (store);

      for (guint j = 0; j < added->len; j++)
        {
          CcCertificate *c = g_ptr_array_index (added, j);

          cc_deployment_audit (deployment, kind == CC_STORE_TRUSTED_ROOT ? "import-root" : "import-intermediate",
                               fqdn, cc_certificate_get_thumbprint (c), file);
          if (report != NULL)
            g_ptr_array_add (report->changes,
                             g_strdup_printf ("%s: %s: %s %s (%s)", fqdn, cc_store_kind_get_display_name (kind),
                                              _("added"), cc_certificate_get_thumbprint (c),
                                              cc_certificate_get_issued_to (c)));
        }
    }
  return TRUE;

fail:
  /* all servers or none: a failure midway takes back what went in before it */
  _cc_undo_rollback (undo);
  if (report != NULL)
    g_ptr_array_set_size (report->changes, 0);
  return FALSE;
}

typedef struct
{
  GStrv servers;
  guint warning_days;
  guint pending_days;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_strfreev (data->servers);
  g_free (data);
}

static gpointer
check_work (CcDeployment *worker, gpointer user_data, GCancellable *cancellable, GError **error)
{
  CheckData *data = user_data;
  g_autoptr(GPtrArray) servers = NULL;

  if (data->servers == NULL)
    servers = cc_deployment_list_servers (worker);
  else
    {
      servers = g_ptr_array_new ();
      for (guint i = 0; data->servers[i]; i++)
        {
          CcServer *s = cc_deployment_get_server (worker, data->servers[i], error);
          if (s == NULL)
            return NULL;
          g_ptr_array_add (servers, s);
        }
    }
  return cc_check (worker, servers, data->warning_days, data->pending_days, cancellable, error);
}

void
cc_check_async (CcDeployment        *self,
                const char * const  *servers,
                guint                warning_days,
                guint                pending_days,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  CheckData *data = g_new0 (CheckData, 1);

  data->servers = servers ? g_strdupv ((char **) servers) : NULL;
  data->warning_days = warning_days;
  data->pending_days = pending_days;
  /* a check reads the deployment and changes nothing */
  cc_deployment_run_read_only_async (self, check_work, data, (GDestroyNotify) check_data_free,
                                     (GDestroyNotify) cc_check_result_free, cancellable,
                                     callback, user_data);
}

CcCheckResult *
cc_check_finish (CcDeployment *self, GAsyncResult *result, GError **error)
{
  return cc_deployment_run_finish (self, result, error);
}

const char *
cc_link_status_to_id (CcLinkStatus status)
{
  switch (status)
    {
    case CC_LINK_OK: return "ok";
    case CC_LINK_NOT_TRUSTED: return "not-trusted";
    case CC_LINK_EXPIRED: return "expired";
    case CC_LINK_MISSING_ISSUER:
    default: return "missing-issuer";
    }
}

static void
link_free (CcPathLink *link)
{
  g_clear_object (&link->certificate);
  g_free (link->detail);
  g_free (link);
}

static CcCertificate *
find_issuer (GPtrArray *candidates, CcCertificate *cert)
{
  X509 *x = _cc_certificate_get_x509 (cert);

  for (guint i = 0; i < candidates->len; i++)
    {
      CcCertificate *c = g_ptr_array_index (candidates, i);
      if (c != cert && X509_check_issued (_cc_certificate_get_x509 (c), x) == X509_V_OK)
        return c;
    }
  return NULL;
}

GPtrArray *
cc_server_dup_certification_path (CcServer *server, CcCertificate *leaf, GError **error)
{
  GPtrArray *path = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);
  g_autoptr(GPtrArray) roots = g_ptr_array_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  CcCertificate *cert = leaf;

  for (CcStoreKind kind = CC_STORE_TRUSTED_ROOT; kind <= CC_STORE_INTERMEDIATE; kind++)
    {
      CcStore *store = cc_server_get_store (server, kind);
      if (!cc_store_ensure_loaded (store, NULL, error))
        {
          g_ptr_array_unref (path);
          return NULL;
        }
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
        {
          CcCertificate *c = _cc_store_get_certificate (store, i);   /* no entry made */
          g_ptr_array_add (all, c);
          if (kind == CC_STORE_TRUSTED_ROOT)
            g_ptr_array_add (roots, c);
        }
    }

  /* at most 10 links: a loop in bad data must not hang the viewer */
  for (guint depth = 0; cert != NULL && depth < 10; depth++)
    {
      CcPathLink *link = g_new0 (CcPathLink, 1);
      CcCertificate *issuer = cc_certificate_is_self_signed (cert) ? NULL : find_issuer (all, cert);
      gboolean trusted_root = g_ptr_array_find (roots, cert, NULL);

      link->certificate = g_object_ref (cert);
      if (cc_certificate_is_expired (cert, now)
          || g_date_time_compare (now, cc_certificate_get_not_before (cert)) < 0)
        {
          g_autofree char *when = cc_format_iso8601 (cc_certificate_get_not_after (cert));
          link->status = CC_LINK_EXPIRED;
          link->detail = g_strdup_printf (_("This certificate is not valid now (valid until %s)"), when);
        }
      else if (cc_certificate_is_self_signed (cert) && !trusted_root)
        {
          link->status = CC_LINK_NOT_TRUSTED;
          link->detail = g_strdup_printf (_("This root is not in the Trusted Root store of %s; import the CA chain on this server"),
                                          cc_server_get_fqdn (server));
        }
      else if (!cc_certificate_is_self_signed (cert) && issuer == NULL)
        {
          link->status = CC_LINK_MISSING_ISSUER;
          link->detail = g_strdup_printf (_("Its issuer, %s, is in none of the stores of %s; import the CA chain"),
                                          cc_certificate_get_issued_by (cert), cc_server_get_fqdn (server));
        }
      else
        {
          link->status = CC_LINK_OK;
          link->detail = g_strdup (_("This certificate is OK."));
        }
      g_ptr_array_add (path, link);
      cert = issuer;
    }
  return path;
}
