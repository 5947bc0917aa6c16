/* test-store.c: stores on disk: sharing of parsed certificates, OpenSSL hash links,
 * async loading, damaged files, keys, requests and interrupted writes. */
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "certconsole-core.h"
#include "cc-test-pki.h"

typedef struct
{
  char *dir;
  CcDeployment *deployment;
  CcServer *a;
  CcServer *b;
  CcTestPki *pki;
  CcCertificate *root;
  CcCertificate *issuing;
} Fixture;

static CcCertificate *
from_pem (const char *pem)
{
  g_autoptr(GError) error = NULL;
  CcCertificate *cert = cc_certificate_new_from_pem (pem, strlen (pem), &error);
  g_assert_no_error (error);
  return cert;
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = cc_test_make_tmpdir ();
  f->deployment = cc_deployment_create (f->dir, FALSE, NULL, &error);
  g_assert_no_error (error);
  cc_deployment_add_site (f->deployment, "HQ", &error);
  cc_deployment_add_pool (f->deployment, "HQ", "edgepool.contoso.com", TRUE, &error);
  f->a = cc_deployment_add_server (f->deployment, "edgepool.contoso.com", "edge01.contoso.com",
                                   CC_ROLE_EDGE, &error);
  f->b = cc_deployment_add_server (f->deployment, "edgepool.contoso.com", "edge02.contoso.com",
                                   CC_ROLE_EDGE, &error);
  g_assert_no_error (error);
  f->pki = cc_test_pki_new ();
  f->root = from_pem (cc_test_pki_get_root_pem (f->pki));
  f->issuing = from_pem (cc_test_pki_get_issuing_pem (f->pki));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->root);
  g_clear_object (&f->issuing);
  g_clear_object (&f->deployment);
  cc_test_pki_free (f->pki);
  cc_test_rmrf (f->dir);
  g_free (f->dir);
}

static CcStore *
store (CcServer *server, CcStoreKind kind)
{
  return cc_server_get_store (server, kind);
}

static void
add (CcServer *server, CcStoreKind kind, CcCertificate *cert, const char *key_pem,
     gboolean exportable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = key_pem ? g_bytes_new (key_pem, strlen (key_pem)) : NULL;

  g_assert_true (cc_store_add_certificate (store (server, kind), cert, key, "friendly", exportable,
                                           "test", &error));
  g_assert_no_error (error);
}

static void
test_shared_root (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = NULL;
  CcStoreEntry *ea, *eb;

  add (f->a, CC_STORE_TRUSTED_ROOT, f->root, NULL, FALSE);
  add (f->b, CC_STORE_TRUSTED_ROOT, f->root, NULL, FALSE);

  /* a fresh deployment reads both files: one parsed object */
  d = cc_deployment_open (f->dir, NULL, &error);
  g_assert_no_error (error);
  {
    CcStore *sa = store (cc_deployment_find_server (d, "edge01.contoso.com"), CC_STORE_TRUSTED_ROOT);
    CcStore *sb = store (cc_deployment_find_server (d, "edge02.contoso.com"), CC_STORE_TRUSTED_ROOT);
    g_assert_false (cc_store_is_loaded (sa));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sa)), ==, 0);
    g_assert_true (cc_store_load (sa, NULL, &error));
    g_assert_true (cc_store_load (sb, NULL, &error));
    g_assert_no_error (error);
    ea = cc_store_lookup (sa, cc_certificate_get_thumbprint (f->root));
    eb = cc_store_lookup (sb, cc_certificate_get_thumbprint (f->root));
    g_assert_nonnull (ea);
    g_assert_nonnull (eb);
    g_assert_true (ea != eb);   /* each server has its own row... */
    g_assert_true (cc_store_entry_get_certificate (ea) == cc_store_entry_get_certificate (eb));
  }
}

static gboolean
have_openssl (void)
{
  g_autofree char *path = g_find_program_in_path ("openssl");
  return path != NULL;
}

static int
openssl_verify (const char *ca_path, const char *untrusted, const char *leaf, char **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, "openssl");
  g_ptr_array_add (argv, "verify");
  g_ptr_array_add (argv, "-no-CAfile");
  g_ptr_array_add (argv, "-no-CAstore");
  g_ptr_array_add (argv, "-CApath");
  g_ptr_array_add (argv, (char *) ca_path);
  if (untrusted && g_str_has_prefix (untrusted, "-"))
    g_ptr_array_add (argv, (char *) untrusted);
  else if (untrusted)
    {
      g_ptr_array_add (argv, "-untrusted");
      g_ptr_array_add (argv, (char *) untrusted);
    }
  g_ptr_array_add (argv, (char *) leaf);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, out, NULL, &status, &error);
  g_assert_no_error (error);
  return status;
}

static void
test_hash_links (Fixture *f, gconstpointer data)
{
  const char *sans[] = { "edgepool.contoso.com", NULL };
  CcTestCertOptions o = { .common_name = "edgepool.contoso.com", .sans = sans, .client_auth = TRUE };
  g_autofree char *leaf_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *leaf_path = NULL;
  g_autofree char *intermediate_path = NULL;
  g_autofree char *roots = NULL;
  g_autofree char *out = NULL;
  g_autoptr(CcCertificate) leaf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;

  if (!have_openssl ())
    {
      g_test_skip ("the openssl command is not installed");
      return;
    }

  leaf_pem = cc_test_pki_issue (f->pki, &o, &key_pem);
  leaf = from_pem (leaf_pem);
  add (f->a, CC_STORE_TRUSTED_ROOT, f->root, NULL, FALSE);
  add (f->a, CC_STORE_INTERMEDIATE, f->issuing, NULL, FALSE);
  add (f->a, CC_STORE_PERSONAL, leaf, key_pem, TRUE);

  roots = g_build_filename (cc_server_get_path (f->a), "trusted-root", NULL);
  leaf_path = g_strdup_printf ("%s/personal/%s.pem", cc_server_get_path (f->a),
                               cc_certificate_get_thumbprint (leaf));
  intermediate_path = g_strdup_printf ("%s/intermediate/%s.pem", cc_server_get_path (f->a),
                                       cc_certificate_get_thumbprint (f->issuing));

  /* the link is named as OpenSSL looks it up */
  link = g_strdup_printf ("%s/%08lx.0", roots, cc_certificate_get_subject_hash (f->root));
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));

  g_assert_cmpint (openssl_verify (roots, intermediate_path, leaf_path, &out), ==, 0);
  g_assert_nonnull (strstr (out, ": OK"));
  g_clear_pointer (&out, g_free);
  /* the intermediate store's links work too: trusting it alone (partial chain) verifies */
  {
    g_autofree char *inter = g_strdup_printf ("%s/intermediate", cc_server_get_path (f->a));
    g_assert_cmpint (openssl_verify (inter, "-partial_chain", leaf_path, &out), ==, 0);
    g_clear_pointer (&out, g_free);
  }

  /* without the root, OpenSSL no longer trusts the chain, and the link is gone */
  g_assert_true (cc_store_remove (store (f->a, CC_STORE_TRUSTED_ROOT),
                                  cc_certificate_get_thumbprint (f->root), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (link, G_FILE_TEST_EXISTS));
  g_assert_cmpint (openssl_verify (roots, intermediate_path, leaf_path, &out), !=, 0);
}

static void
test_same_subject_links (Fixture *f, gconstpointer data)
{
  /* two self-signed certificates with one subject: .0 and .1 */
  CcTestCertOptions o = { .common_name = "Same Name CA", .self_signed = TRUE };
  g_autofree char *p1 = cc_test_pki_issue (f->pki, &o, NULL);
  g_autofree char *p2 = cc_test_pki_issue (f->pki, &o, NULL);
  g_autoptr(CcCertificate) c1 = from_pem (p1);
  g_autoptr(CcCertificate) c2 = from_pem (p2);
  g_autofree char *l0 = NULL;
  g_autofree char *l1 = NULL;

  add (f->a, CC_STORE_TRUSTED_ROOT, c1, NULL, FALSE);
  add (f->a, CC_STORE_TRUSTED_ROOT, c2, NULL, FALSE);
  l0 = g_strdup_printf ("%s/trusted-root/%08lx.0", cc_server_get_path (f->a),
                        cc_certificate_get_subject_hash (c1));
  l1 = g_strdup_printf ("%s/trusted-root/%08lx.1", cc_server_get_path (f->a),
                        cc_certificate_get_subject_hash (c1));
  g_assert_true (g_file_test (l0, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (l1, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (cc_store_remove (store (f->a, CC_STORE_TRUSTED_ROOT),
                                  cc_certificate_get_thumbprint (c1), NULL));
  g_assert_true (g_file_test (l0, G_FILE_TEST_IS_SYMLINK));
  g_assert_false (g_file_test (l1, G_FILE_TEST_EXISTS));
}

static void
test_personal_key (Fixture *f, gconstpointer data)
{
  CcTestCertOptions o = { .common_name = "edge01.contoso.com" };
  g_autofree char *key_pem = NULL;
  g_autofree char *pem = cc_test_pki_issue (f->pki, &o, &key_pem);
  g_autoptr(CcCertificate) cert = from_pem (pem);
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(CcDeployment) d = NULL;
  CcStoreEntry *entry;
  GStatBuf st;

  cc_server_set_assignment (f->a, CC_INTERFACE_EDGE_INTERNAL, cc_certificate_get_thumbprint (cert),
                            FALSE);
  add (f->a, CC_STORE_PERSONAL, cert, key_pem, TRUE);
  entry = cc_store_lookup (store (f->a, CC_STORE_PERSONAL), cc_certificate_get_thumbprint (cert));
  g_assert_true (cc_store_entry_get_has_private_key (entry));
  g_assert_true (cc_store_entry_get_exportable (entry));
  g_assert_cmpstr (cc_store_entry_get_friendly_name (entry), ==, "friendly");
  g_assert_cmpstr (cc_store_entry_get_assigned_to (entry), ==, "edge-internal");

  key_path = g_strdup_printf ("%s/personal/%s.key", cc_server_get_path (f->a),
                              cc_certificate_get_thumbprint (cert));
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  key = cc_store_read_key (store (f->a, CC_STORE_PERSONAL), cc_certificate_get_thumbprint (cert),
                           &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (key, NULL), g_bytes_get_size (key), key_pem, strlen (key_pem));

  /* a certificate without a key is never exportable */
  add (f->b, CC_STORE_PERSONAL, cert, NULL, TRUE);
  entry = cc_store_lookup (store (f->b, CC_STORE_PERSONAL), cc_certificate_get_thumbprint (cert));
  g_assert_false (cc_store_entry_get_has_private_key (entry));
  g_assert_false (cc_store_entry_get_exportable (entry));
  g_assert_null (cc_store_read_key (store (f->b, CC_STORE_PERSONAL),
                                    cc_certificate_get_thumbprint (cert), &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "edge02.contoso.com"));

  /* what was written reads back the same */
  d = cc_deployment_open (f->dir, NULL, &error);
  g_clear_error (&error);
  {
    CcStore *s = store (cc_deployment_find_server (d, "edge01.contoso.com"), CC_STORE_PERSONAL);
    g_assert_true (cc_store_load (s, NULL, &error));
    entry = cc_store_lookup (s, cc_certificate_get_thumbprint (cert));
    g_assert_nonnull (entry);
    g_assert_true (cc_store_entry_get_has_private_key (entry));
    g_assert_true (cc_store_entry_get_exportable (entry));
    g_assert_cmpstr (cc_store_entry_get_friendly_name (entry), ==, "friendly");
    g_assert_cmpstr (cc_store_entry_get_source (entry), ==, "test");
    g_assert_nonnull (cc_store_entry_get_added (entry));
    /* a unique prefix finds it too; too short a prefix does not */
    {
      g_autofree char *prefix = g_strndup (cc_certificate_get_thumbprint (cert), 12);
      g_assert_true (cc_store_lookup (s, prefix) == entry);
    }
    g_assert_null (cc_store_lookup (s, "abc"));
  }
}

typedef struct
{
  gboolean done;
  GError *error;
  guint changes;
} AsyncState;

static void
loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;
  cc_store_load_finish (CC_STORE (source), result, &state->error);
  state->done = TRUE;
}

static void
on_items_changed (GListModel *model, guint pos, guint removed, guint added, gpointer user_data)
{
  AsyncState *state = user_data;
  state->changes++;
}

static void
test_async_load (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = NULL;
  AsyncState state = { 0 };
  CcStore *s;

  add (f->a, CC_STORE_TRUSTED_ROOT, f->root, NULL, FALSE);
  add (f->a, CC_STORE_TRUSTED_ROOT, f->issuing, NULL, FALSE);
  d = cc_deployment_open (f->dir, NULL, &error);
  g_assert_no_error (error);
  s = store (cc_deployment_find_server (d, "edge01.contoso.com"), CC_STORE_TRUSTED_ROOT);
  g_assert_cmpuint (cc_store_count_on_disk (s), ==, 2);
  g_signal_connect (s, "items-changed", G_CALLBACK (on_items_changed), &state);

  cc_store_load_async (s, NULL, loaded, &state);
  /* nothing changes until the main loop runs: the model is only touched on this thread */
  g_assert_false (cc_store_is_loaded (s));
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (state.error);
  g_assert_true (cc_store_is_loaded (s));
  g_assert_cmpuint (state.changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (s)), ==, 2);
  g_signal_handlers_disconnect_by_data (s, &state);

  /* a cancelled load reports cancellation and leaves the model as it was */
  {
    AsyncState cancelled = { 0 };
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_cancellable_cancel (cancellable);
    cc_store_load_async (s, cancellable, loaded, &cancelled);
    while (!cancelled.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&cancelled.error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (s)), ==, 2);
  }
}

static void
write_file (const char *path, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_damaged_files (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *orphan = NULL;
  g_autoptr(CcDeployment) d = NULL;
  const char * const *problems;
  CcStore *s;

  add (f->a, CC_STORE_TRUSTED_ROOT, f->root, NULL, FALSE);
  dir = g_build_filename (cc_server_get_path (f->a), "trusted-root", NULL);

  /* a file that is no certificate, one whose name is not its thumbprint, and a stray
   * file that has nothing to do with us */
  bad = g_strdup_printf ("%s/%s.pem", dir, "1111111111111111111111111111111111111111111111111111111111111111");
  write_file (bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  wrong = g_strdup_printf ("%s/%s.pem", dir, "2222222222222222222222222222222222222222222222222222222222222222");
  write_file (wrong, cc_test_pki_get_issuing_pem (f->pki));
  orphan = g_build_filename (dir, "README.txt", NULL);
  write_file (orphan, "notes");

  d = cc_deployment_open (f->dir, NULL, &error);
  s = store (cc_deployment_find_server (d, "edge01.contoso.com"), CC_STORE_TRUSTED_ROOT);
  g_assert_true (cc_store_load (s, NULL, &error));
  g_assert_no_error (error);
  /* the good one still loads */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (s)), ==, 1);
  problems = cc_store_get_problems (s);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 2);
  for (guint i = 0; problems[i]; i++)
    {
      g_test_message ("%s", problems[i]);
      g_assert_true (strstr (problems[i], bad) || strstr (problems[i], wrong));
    }
}

static void
test_interrupted_add (Fixture *f, gconstpointer data)
{
  /* a kill after the key and metadata were written but before the certificate: the
   * store shows nothing half-imported */
  g_autofree char *dir = g_build_filename (cc_server_get_path (f->a), "personal", NULL);
  g_autofree char *key = NULL;
  g_autofree char *meta = NULL;
  g_autoptr(GError) error = NULL;
  CcStore *s = store (f->a, CC_STORE_PERSONAL);
  const char *tp = cc_certificate_get_thumbprint (f->root);

  g_mkdir_with_parents (dir, 0700);
  key = g_strdup_printf ("%s/%s.key", dir, tp);
  meta = g_strdup_printf ("%s/%s.json", dir, tp);
  write_file (key, "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
  write_file (meta, "{\"friendly_name\": \"x\"}");
  g_assert_true (cc_store_load (s, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (s)), ==, 0);
  g_assert_cmpuint (cc_store_count_on_disk (s), ==, 0);
  g_assert_null (cc_store_get_problems (s)[0]);
}

static void
test_requests_store (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (cc_server_get_path (f->a), "requests", NULL);
  g_autofree char *meta = g_build_filename (dir, "req1.json", NULL);
  g_autofree char *csr = g_build_filename (dir, "req1.csr", NULL);
  g_autofree char *meta2 = g_build_filename (dir, "req2.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcStoreEntry) entry = NULL;
  CcStore *s = store (f->a, CC_STORE_REQUESTS);

  g_mkdir_with_parents (dir, 0700);
  write_file (meta, "{\"subject\": \"CN=edgepool.contoso.com\", \"interface\": \"edge-internal\","
                    " \"key\": \"rsa:2048\", \"friendly_name\": \"Edge internal\", \"exportable\": true,"
                    " \"added\": \"2026-11-01T10:00:00Z\"}");
  write_file (csr, "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n");
  write_file (meta2, "{\"subject\": \"CN=half.contoso.com\"}");   /* no CSR: interrupted */

  g_assert_true (cc_store_load (s, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (s)), ==, 1);
  g_assert_cmpuint (cc_store_count_on_disk (s), ==, 1);
  entry = g_list_model_get_item (G_LIST_MODEL (s), 0);
  g_assert_null (cc_store_entry_get_certificate (entry));
  g_assert_cmpstr (cc_store_entry_get_id (entry), ==, "req1");
  g_assert_cmpstr (cc_store_entry_get_subject (entry), ==, "CN=edgepool.contoso.com");
  g_assert_cmpstr (cc_store_entry_get_interface (entry), ==, "edge-internal");
  g_assert_cmpstr (cc_store_entry_get_key_type (entry), ==, "rsa:2048");
  g_assert_cmpstr (cc_store_entry_get_friendly_name (entry), ==, "Edge internal");

  /* certificates are not added to Pending Requests */
  g_assert_false (cc_store_add_certificate (s, f->root, NULL, NULL, FALSE, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
}

static void
test_remove_unknown (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  add (f->a, CC_STORE_TRUSTED_ROOT, f->root, NULL, FALSE);
  before = cc_test_snapshot_tree (f->dir);
  g_assert_false (cc_store_remove (store (f->a, CC_STORE_TRUSTED_ROOT),
                                   "0000000000000000000000000000000000000000000000000000000000000000",
                                   &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "edge01.contoso.com"));
  after = cc_test_snapshot_tree (f->dir);
  g_assert_cmpstr (before, ==, after);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} CountWait;

static void
counted (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CountWait *w = user_data;

  w->ok = cc_stores_count_finish (res, &w->error);
  w->done = TRUE;
}

static void
on_count (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* Counting in a thread: the counts are the files on disk, set (and notified) on the calling
 * thread before the callback; a loaded store counts its entries; nothing is loaded. */
static void
test_count_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) stores = g_ptr_array_new ();
  CountWait w = { 0, };
  guint notified = 0;

  add (f->a, CC_STORE_TRUSTED_ROOT, f->root, NULL, FALSE);
  add (f->a, CC_STORE_INTERMEDIATE, f->issuing, NULL, FALSE);
  add (f->b, CC_STORE_TRUSTED_ROOT, f->root, NULL, FALSE);
  g_clear_object (&f->deployment);
  {
    g_autoptr(GError) error = NULL;
    f->deployment = cc_deployment_open (f->dir, NULL, &error);
    g_assert_no_error (error);
  }
  f->a = cc_deployment_find_server (f->deployment, "edge01.contoso.com");
  f->b = cc_deployment_find_server (f->deployment, "edge02.contoso.com");

  for (int kind = 0; kind < CC_N_STORES; kind++)
    {
      g_ptr_array_add (stores, store (f->a, kind));
      g_ptr_array_add (stores, store (f->b, kind));
      g_assert_cmpint (cc_store_get_count (store (f->a, kind)), ==, -1);
    }
  g_signal_connect (store (f->a, CC_STORE_TRUSTED_ROOT), "notify::count",
                    G_CALLBACK (on_count), &notified);

  cc_stores_count_async (stores, NULL, counted, &w);
  /* nothing before the thread is done */
  g_assert_cmpint (cc_store_get_count (store (f->a, CC_STORE_TRUSTED_ROOT)), ==, -1);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_cmpuint (notified, ==, 1);

  g_assert_cmpint (cc_store_get_count (store (f->a, CC_STORE_TRUSTED_ROOT)), ==, 1);
  g_assert_cmpint (cc_store_get_count (store (f->a, CC_STORE_INTERMEDIATE)), ==, 1);
  g_assert_cmpint (cc_store_get_count (store (f->a, CC_STORE_PERSONAL)), ==, 0);
  g_assert_cmpint (cc_store_get_count (store (f->b, CC_STORE_TRUSTED_ROOT)), ==, 1);
  g_assert_cmpint (cc_store_get_count (store (f->b, CC_STORE_INTERMEDIATE)), ==, 0);
  for (guint i = 0; i < stores->len; i++)
    {
      CcStore *s = g_ptr_array_index (stores, i);

      g_assert_cmpint (cc_store_get_count (s), ==, (int) cc_store_count_on_disk (s));
      g_assert_false (cc_store_is_loaded (s));
    }

  /* loaded, a store counts what it holds */
  add (f->b, CC_STORE_INTERMEDIATE, f->issuing, NULL, FALSE);
  g_assert_true (cc_store_is_loaded (store (f->b, CC_STORE_INTERMEDIATE)));
  g_assert_cmpint (cc_store_get_count (store (f->b, CC_STORE_INTERMEDIATE)), ==, 1);

  /* cancelled: an error, and no count changes */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    CountWait c = { 0, };

    add (f->a, CC_STORE_PERSONAL, f->issuing, NULL, FALSE);
    g_cancellable_cancel (cancellable);
    cc_stores_count_async (stores, cancellable, counted, &c);
    while (!c.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (c.ok);
    g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&c.error);
    g_assert_cmpint (cc_store_get_count (store (f->b, CC_STORE_TRUSTED_ROOT)), ==, 1);
    g_assert_cmpuint (notified, ==, 1);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  cc_core_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/store/shared-root", test_shared_root);
  ADD ("/store/hash-links", test_hash_links);
  ADD ("/store/same-subject-links", test_same_subject_links);
  ADD ("/store/personal-key", test_personal_key);
  ADD ("/store/async-load", test_async_load);
  ADD ("/store/count-async", test_count_async);
  ADD ("/store/damaged-files", test_damaged_files);
  ADD ("/store/interrupted-add", test_interrupted_add);
  ADD ("/store/requests", test_requests_store);
  ADD ("/store/remove-unknown", test_remove_unknown);
#undef ADD
  return g_test_run ();
}
