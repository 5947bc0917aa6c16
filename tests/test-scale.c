/* test-scale.c: generated deployments, the stores' index cache (.cc-index) against files
 * changed, added, removed or damaged behind the console's back, and bulk import. */
#include <fcntl.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "cc-core-private.h"
#include "cc-test-pki.h"

typedef struct
{
  char *tmpdir;
  char *path;   /* the deployment: tmpdir/dep */
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->tmpdir = cc_test_make_tmpdir ();
  f->path = g_build_filename (f->tmpdir, "dep", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  cc_test_rmrf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->path);
}

static void
generate (Fixture *f, guint n_servers, guint n_roots)
{
  CcGenerateOptions o = { .n_servers = n_servers, .n_roots = n_roots, .n_personal = 4, .seed = 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = cc_deployment_generate (f->path, &o, &error);

  g_assert_no_error (error);
  g_assert_nonnull (d);
}

/* The index does not vouch for a file changed within the last second (it could change
 * again unseen in the same clock tick): the tests let files age before a load that should
 * record them. */
static void
let_files_age (void)
{
  g_usleep (1100 * G_TIME_SPAN_MILLISECOND);
}

static CcDeployment *
open_deployment (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CcDeployment *d = cc_deployment_open (f->path, NULL, &error);

  g_assert_no_error (error);
  return d;
}

/* Everything a user sees of the deployment: every store's entries and problems, and the
 * check's every item. Loads every store (the check does). *n_read and *n_indexed add up
 * the loads' counts. */
static char *
describe (CcDeployment *d, guint *n_read, guint *n_indexed)
{
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (d);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcCheckResult) result = cc_check (d, servers, 30, 14, NULL, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  *n_read = *n_indexed = 0;
  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
        {
          CcStore *store = cc_server_get_store (server, kind);
          const char * const *problems = cc_store_get_problems (store);
          guint r, x;

          _cc_store_get_load_stats (store, &r, &x);
          *n_read += r;
          *n_indexed += x;
          g_string_append_printf (out, "%s %s:\n", cc_server_get_fqdn (server),
                                  cc_store_kind_to_id (kind));
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
            {
              g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (store), j);
              CcCertificate *c = cc_store_entry_get_certificate (e);
              g_string_append_printf (out, "  %s %s|%s|%d|%d|%s\n", cc_store_entry_get_id (e),
                                      c ? cc_certificate_get_issued_to (c) : "-",
                                      cc_store_entry_get_friendly_name (e),
                                      cc_store_entry_get_has_private_key (e),
                                      cc_store_entry_get_exportable (e),
                                      cc_store_entry_get_assigned_to (e) ? cc_store_entry_get_assigned_to (e) : "");
            }
          for (guint j = 0; problems[j]; j++)
            g_string_append_printf (out, "  problem: %s\n", problems[j]);
        }
    }
  g_string_append_printf (out, "check: %u ok, %u warnings, %u errors\n", result->n_ok,
                          result->n_warning, result->n_error);
  for (guint i = 0; i < result->items->len; i++)
    {
      CcCheckItem *item = g_ptr_array_index (result->items, i);
      g_string_append_printf (out, "  %s %d %d %s", cc_server_get_fqdn (item->server), item->iface,
                              item->status, item->thumbprint ? item->thumbprint : "-");
      for (guint j = 0; j < item->reasons->len; j++)
        g_string_append_printf (out, " / %s", (char *) g_ptr_array_index (item->reasons, j));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static void
test_generated_reopen (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) cold = NULL;
  g_autoptr(CcDeployment) warm = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  guint n_read, n_indexed;
  /* 10 roots + the issuing CA on each server; 4 personal: the pool's (shared by the 2
   * members) and 3 of the server's own */
  const guint n_files = 200 * (10 + 1 + 4);
  /* what a reload reads: the certificates shared by every server, once (Personal ones come
   * whole from the index's summaries) */
  const guint n_shared = 10 + 1;

  generate (f, 200, 10);
  let_files_age ();

  cold = open_deployment (f);
  a = describe (cold, &n_read, &n_indexed);
  g_assert_cmpuint (n_read, ==, n_files);
  g_assert_cmpuint (n_indexed, ==, 0);
  g_assert_nonnull (strstr (a, "check: 800 ok, 0 warnings, 0 errors\n"));

  servers = cc_deployment_list_servers (cold);
  for (guint i = 0; i < servers->len; i++)
    for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
      {
        g_autofree char *index = _cc_store_index_dup_path (
            cc_store_get_path (cc_server_get_store (g_ptr_array_index (servers, i), kind)));
        g_assert_cmpint (g_file_test (index, G_FILE_TEST_IS_REGULAR), ==, kind != CC_STORE_REQUESTS);
      }

  /* a new process would start from nothing parsed: a new deployment object does too */
  warm = open_deployment (f);
  b = describe (warm, &n_read, &n_indexed);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpuint (n_indexed, ==, n_files);
  /* each shared certificate read once (two threads may both read one at the same time) */
  g_assert_cmpuint (n_read, >=, n_shared);
  g_assert_cmpuint (n_read, <=, 2 * n_shared);
}

/* a small generated deployment, loaded once so that every store has its index */
static CcDeployment *
indexed_deployment (Fixture *f, CcStore **roots)
{
  CcDeployment *d;
  g_autoptr(GPtrArray) servers = NULL;
  g_autofree char *text = NULL;
  guint n_read, n_indexed;

  generate (f, 2, 5);
  let_files_age ();
  d = open_deployment (f);
  text = describe (d, &n_read, &n_indexed);
  servers = cc_deployment_list_servers (d);
  *roots = cc_server_get_store (g_ptr_array_index (servers, 0), CC_STORE_TRUSTED_ROOT);
  return d;
}

static void
reload (CcStore *store, guint *n_read, guint *n_indexed)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cc_store_load (store, NULL, &error));
  g_assert_no_error (error);
  _cc_store_get_load_stats (store, n_read, n_indexed);
}

static char *
entry_ids (CcStore *store)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_string_append_printf (out, "%s\n", cc_store_entry_get_id (e));
    }
  return g_string_free (out, FALSE);
}

static char *
first_file (CcStore *store)
{
  g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (store), 0);
  return g_strdup_printf ("%s/%s.pem", cc_store_get_path (store), cc_store_entry_get_id (e));
}

static void
test_stale_entry (Fixture *f, gconstpointer data)
{
  CcStore *roots;
  g_autoptr(CcDeployment) d = indexed_deployment (f, &roots);
  g_autofree char *ids = entry_ids (roots);
  g_autofree char *file = first_file (roots);
  g_autofree char *content = NULL;
  guint n_read, n_indexed;
  GStatBuf st;
  gsize len;

  /* the index holds: nothing is read again */
  reload (roots, &n_read, &n_indexed);
  g_assert_cmpuint (n_read, ==, 0);
  g_assert_cmpuint (n_indexed, ==, 5);

  /* touched: same size and content, another mtime; read again, and the index rebuilt */
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  {
    struct timespec times[2] = { { st.st_mtim.tv_sec - 60, 0 }, { st.st_mtim.tv_sec - 60, 0 } };
    g_assert_cmpint (utimensat (AT_FDCWD, file, times, 0), ==, 0);
  }
  reload (roots, &n_read, &n_indexed);
  g_assert_cmpuint (n_read, ==, 1);
  g_assert_cmpuint (n_indexed, ==, 4);
  {
    g_autofree char *now_ids = entry_ids (roots);
    g_assert_cmpstr (now_ids, ==, ids);
  }
  g_assert_null (cc_store_get_problems (roots)[0]);
  let_files_age ();
  reload (roots, &n_read, &n_indexed);   /* records it again, now that it is old enough */
  reload (roots, &n_read, &n_indexed);
  g_assert_cmpuint (n_read, ==, 0);
  g_assert_cmpuint (n_indexed, ==, 5);

  /* other content of the same size, and the old mtime put back: still noticed */
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_true (g_file_get_contents (file, &content, &len, NULL));
  {
    char *body = strstr (content, "-----\n") + 6;
    char *p = body + 200;   /* inside the signed part */
    *p = *p == 'A' ? 'B' : 'A';
  }
  g_assert_true (g_file_set_contents (file, content, len, NULL));
  {
    struct timespec times[2] = { st.st_atim, st.st_mtim };
    GStatBuf now_st;
    g_assert_cmpint (utimensat (AT_FDCWD, file, times, 0), ==, 0);
    g_assert_cmpint (g_stat (file, &now_st), ==, 0);
    g_assert_cmpint (now_st.st_size, ==, st.st_size);
    g_assert_cmpint (now_st.st_mtim.tv_sec, ==, st.st_mtim.tv_sec);
    g_assert_cmpint (now_st.st_mtim.tv_nsec, ==, st.st_mtim.tv_nsec);
  }
  reload (roots, &n_read, &n_indexed);
  g_assert_cmpuint (n_read, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roots)), ==, 4);
  g_assert_nonnull (cc_store_get_problems (roots)[0]);
  g_assert_nonnull (strstr (cc_store_get_problems (roots)[0], file));
  /* and never vouched for while it is wrong */
  let_files_age ();
  reload (roots, &n_read, &n_indexed);
  g_assert_cmpuint (n_read, ==, 1);
  g_assert_nonnull (cc_store_get_problems (roots)[0]);
}

static void
test_corrupt_index (Fixture *f, gconstpointer data)
{
  CcStore *roots;
  g_autoptr(CcDeployment) d = indexed_deployment (f, &roots);
  g_autofree char *ids = entry_ids (roots);
  g_autofree char *index = _cc_store_index_dup_path (cc_store_get_path (roots));
  g_autofree char *good = NULL;
  guint n_read, n_indexed;
  gsize len;

  g_assert_true (g_file_get_contents (index, &good, &len, NULL));
  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *now_ids = NULL;
      g_autofree char *bad = g_memdup2 (good, len);
      gsize bad_len = len;

      if (round == 0)
        bad_len = len / 2;                    /* truncated */
      else if (round == 1)
        for (gsize i = 0; i < len; i++)       /* random bytes */
          bad[i] = (char) g_random_int ();
      else
        bad[len - 40] ^= 1;                   /* one bit of one row */
      g_assert_true (g_file_set_contents (index, bad, bad_len, NULL));

      reload (roots, &n_read, &n_indexed);
      g_assert_cmpuint (n_indexed, ==, 0);
      g_assert_cmpuint (n_read, ==, 5);
      now_ids = entry_ids (roots);
      g_assert_cmpstr (now_ids, ==, ids);
      g_assert_null (cc_store_get_problems (roots)[0]);

      /* rebuilt */
      reload (roots, &n_read, &n_indexed);
      g_assert_cmpuint (n_read, ==, 0);
      g_assert_cmpuint (n_indexed, ==, 5);
    }
}

static void
test_added_removed (Fixture *f, gconstpointer data)
{
  CcStore *roots;
  g_autoptr(CcDeployment) d = indexed_deployment (f, &roots);
  CcStore *inter = cc_server_get_store (cc_store_get_server (roots), CC_STORE_INTERMEDIATE);
  g_autoptr(CcStoreEntry) issuing = g_list_model_get_item (G_LIST_MODEL (inter), 0);
  g_autofree char *from = g_strdup_printf ("%s/%s.pem", cc_store_get_path (inter),
                                           cc_store_entry_get_id (issuing));
  g_autofree char *to = g_strdup_printf ("%s/%s.pem", cc_store_get_path (roots),
                                         cc_store_entry_get_id (issuing));
  g_autofree char *gone = first_file (roots);
  g_autofree char *data_ = NULL;
  guint n_read, n_indexed;
  gsize len;

  /* added behind the console's back */
  g_assert_null (cc_store_lookup_id (roots, cc_store_entry_get_id (issuing)));
  g_assert_true (g_file_get_contents (from, &data_, &len, NULL));
  g_assert_true (g_file_set_contents (to, data_, len, NULL));
  reload (roots, &n_read, &n_indexed);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roots)), ==, 6);
  g_assert_nonnull (cc_store_lookup_id (roots, cc_store_entry_get_id (issuing)));
  g_assert_cmpuint (n_indexed, ==, 5);
  g_assert_cmpuint (n_read, ==, 1);

  /* removed behind its back */
  g_assert_cmpint (g_unlink (gone), ==, 0);
  reload (roots, &n_read, &n_indexed);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roots)), ==, 5);
  {
    g_autofree char *base = g_path_get_basename (gone);
    base[64] = '\0';
    g_assert_null (cc_store_lookup_id (roots, base));
  }
  g_assert_null (cc_store_get_problems (roots)[0]);
}

static void
test_index_not_writable (Fixture *f, gconstpointer data)
{
  CcStore *roots;
  g_autoptr(CcDeployment) d = indexed_deployment (f, &roots);
  g_autofree char *ids = entry_ids (roots);
  g_autofree char *index = _cc_store_index_dup_path (cc_store_get_path (roots));
  guint n_read, n_indexed;

  /* a folder where the index should be: it can be neither read nor replaced (the tests run
   * as root in CI, where a read-only folder would not stop a write) */
  g_assert_cmpint (g_unlink (index), ==, 0);
  g_assert_cmpint (g_mkdir (index, 0755), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *now_ids = NULL;
      reload (roots, &n_read, &n_indexed);
      g_assert_cmpuint (n_indexed, ==, 0);
      g_assert_cmpuint (n_read, ==, 5);
      now_ids = entry_ids (roots);
      g_assert_cmpstr (now_ids, ==, ids);
      g_assert_null (cc_store_get_problems (roots)[0]);
    }
  g_assert_true (g_file_test (index, G_FILE_TEST_IS_DIR));
}

static guint
count_hash_links (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (strlen (name) > 9 && name[8] == '.' && g_file_test (p, G_FILE_TEST_IS_SYMLINK)
          && g_file_test (p, G_FILE_TEST_IS_REGULAR))
        n++;
    }
  return n;
}

static void
test_bulk_import (Fixture *f, gconstpointer data)
{
  CcTestPki *pki = cc_test_pki_new ();
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autofree char *bundle = g_build_filename (f->tmpdir, "bundle.pem", NULL);
  g_autoptr(CcDeployment) d = NULL;
  g_autoptr(CcDeployment) again = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GError) error = NULL;
  const guint n = 400;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *cn = g_strdup_printf ("Bulk Root %04u", i);
      CcTestCertOptions o = { .common_name = cn, .not_after_days = 3650, .self_signed = TRUE,
                              .is_ca = TRUE };
      g_autofree char *cert = cc_test_pki_issue (pki, &o, NULL);
      g_string_append (pem, cert);
    }
  cc_test_pki_free (pki);
  g_assert_true (g_file_set_contents (bundle, pem->str, pem->len, NULL));

  generate (f, 3, 2);
  d = open_deployment (f);
  servers = cc_deployment_list_servers (d);
  g_assert_true (cc_import_chain (d, servers, bundle, report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->changes->len, ==, n * 3);
  for (guint i = 0; i < servers->len; i++)
    {
      CcStore *roots = cc_server_get_store (g_ptr_array_index (servers, i), CC_STORE_TRUSTED_ROOT);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roots)), ==, n + 2);
      g_assert_cmpuint (cc_store_count_on_disk (roots), ==, n + 2);
      g_assert_cmpuint (count_hash_links (cc_store_get_path (roots)), ==, n + 2);
    }

  /* one file on disk per certificate, linked from every server's store */
  {
    CcStore *first = cc_server_get_store (g_ptr_array_index (servers, 0), CC_STORE_TRUSTED_ROOT);
    guint n_shared = 0;

    for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (first)); j++)
      {
        const char *tp = cc_certificate_get_thumbprint (_cc_store_get_certificate (first, j));
        g_autofree char *p0 = g_strdup_printf ("%s/%s.pem", cc_store_get_path (first), tp);
        GStatBuf st0;

        g_assert_cmpint (g_stat (p0, &st0), ==, 0);
        g_assert_cmpint (st0.st_mode & 0777, ==, 0644);
        for (guint i = 1; i < servers->len; i++)
          {
            CcStore *other = cc_server_get_store (g_ptr_array_index (servers, i), CC_STORE_TRUSTED_ROOT);
            g_autofree char *pi = g_strdup_printf ("%s/%s.pem", cc_store_get_path (other), tp);
            GStatBuf sti;

            g_assert_cmpint (g_stat (pi, &sti), ==, 0);
            if (sti.st_ino == st0.st_ino)
              n_shared++;
          }
      }
    /* the bundle's 400 were one batch; the generator's 2 roots are linked already */
    g_assert_cmpuint (n_shared, ==, (n + 2) * (servers->len - 1));
  }

  /* what is there already is skipped */
  g_ptr_array_set_size (report->changes, 0);
  g_assert_true (cc_import_chain (d, servers, bundle, report, &error));
  g_assert_cmpuint (report->changes->len, ==, 0);

  /* and it is all on disk: a new reading finds the same */
  again = open_deployment (f);
  {
    g_autoptr(GPtrArray) s2 = cc_deployment_list_servers (again);
    for (guint i = 0; i < s2->len; i++)
      {
        CcStore *roots = cc_server_get_store (g_ptr_array_index (s2, i), CC_STORE_TRUSTED_ROOT);
        g_assert_true (cc_store_load (roots, NULL, &error));
        g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roots)), ==, n + 2);
        g_assert_null (cc_store_get_problems (roots)[0]);
      }
  }
}

static void
assert_same_certificate (CcCertificate *a, CcCertificate *b)
{
  guint ku_a, ku_b;
  gboolean has_a, has_b;

  g_assert_true (g_bytes_equal (cc_certificate_get_der (a), cc_certificate_get_der (b)));
  g_assert_cmpstr (cc_certificate_get_thumbprint (a), ==, cc_certificate_get_thumbprint (b));
  g_assert_cmpstr (cc_certificate_get_sha1 (a), ==, cc_certificate_get_sha1 (b));
  g_assert_cmpstr (cc_certificate_get_subject (a), ==, cc_certificate_get_subject (b));
  g_assert_cmpstr (cc_certificate_get_issuer (a), ==, cc_certificate_get_issuer (b));
  g_assert_cmpstr (cc_certificate_get_issued_to (a), ==, cc_certificate_get_issued_to (b));
  g_assert_cmpstr (cc_certificate_get_issued_by (a), ==, cc_certificate_get_issued_by (b));
  g_assert_cmpstr (cc_certificate_get_serial (a), ==, cc_certificate_get_serial (b));
  g_assert_cmpuint (cc_certificate_get_version (a), ==, cc_certificate_get_version (b));
  g_assert_true (g_date_time_equal (cc_certificate_get_not_before (a), cc_certificate_get_not_before (b)));
  g_assert_true (g_date_time_equal (cc_certificate_get_not_after (a), cc_certificate_get_not_after (b)));
  g_assert_true (g_strv_equal ((const char * const *) cc_certificate_get_sans (a),
                               (const char * const *) cc_certificate_get_sans (b)));
  g_assert_true (g_strv_equal ((const char * const *) cc_certificate_get_eku (a),
                               (const char * const *) cc_certificate_get_eku (b)));
  ku_a = cc_certificate_get_key_usage (a, &has_a);
  ku_b = cc_certificate_get_key_usage (b, &has_b);
  g_assert_cmpuint (ku_a, ==, ku_b);
  g_assert_cmpint (has_a, ==, has_b);
  g_assert_cmpstr (cc_certificate_get_key_type (a), ==, cc_certificate_get_key_type (b));
  g_assert_cmpuint (cc_certificate_get_key_bits (a), ==, cc_certificate_get_key_bits (b));
  g_assert_cmpint (cc_certificate_is_ca (a), ==, cc_certificate_is_ca (b));
  g_assert_cmpint (cc_certificate_get_path_length (a), ==, cc_certificate_get_path_length (b));
  g_assert_cmpint (cc_certificate_is_self_signed (a), ==, cc_certificate_is_self_signed (b));
  g_assert_cmpuint (cc_certificate_get_subject_hash (a), ==, cc_certificate_get_subject_hash (b));
}

static void
test_summary (Fixture *f, gconstpointer data)
{
  CcTestPki *pki = cc_test_pki_new ();
  const char *sans[] = { "edge.contoso.com", "sip.contoso.com", NULL };
  CcTestCertOptions leaf = { .common_name = "edge.contoso.com", .sans = sans, .client_auth = TRUE,
                             .not_after_days = 365, .key = "rsa:2048" };
  CcTestCertOptions ca = { .common_name = "Summary Root", .self_signed = TRUE, .is_ca = TRUE };
  const CcTestCertOptions *kinds[] = { &leaf, &ca };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *pem = cc_test_pki_issue (pki, kinds[k], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CcCertificate) parsed = cc_certificate_new_from_pem (pem, strlen (pem), &error);
      g_autoptr(GBytes) summary = NULL;
      g_autoptr(CcCertificate) made = NULL;
      g_autoptr(GBytes) cut = NULL;
      g_autofree char *made_pem = NULL;

      g_assert_no_error (error);
      summary = _cc_certificate_dup_summary (parsed);
      made = _cc_certificate_new_from_summary (summary, cc_certificate_get_thumbprint (parsed));
      g_assert_nonnull (made);
      assert_same_certificate (parsed, made);
      /* its X509 is parsed when first needed, and is the same certificate */
      g_assert_cmpint (X509_cmp (_cc_certificate_get_x509 (parsed), _cc_certificate_get_x509 (made)), ==, 0);
      made_pem = cc_certificate_dup_pem (made);
      g_assert_cmpstr (made_pem, ==, pem);

      /* not the certificate the name says, or not a summary at all: refused */
      g_assert_null (_cc_certificate_new_from_summary (summary, "0000000000000000000000000000000000000000000000000000000000000000"));
      cut = g_bytes_new_from_bytes (summary, 0, g_bytes_get_size (summary) / 2);
      g_assert_null (_cc_certificate_new_from_summary (cut, cc_certificate_get_thumbprint (parsed)));
      /* a byte of the DER changed (the summary is not checked for normal form any more:
       * its DER's digest must still refuse it) */
      {
        gsize len = g_bytes_get_size (summary);
        g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (summary, NULL), len);
        g_autoptr(GBytes) flipped = NULL;
        bad[len / 4] ^= 0x01;
        flipped = g_bytes_new (bad, len);
        g_assert_null (_cc_certificate_new_from_summary (flipped, cc_certificate_get_thumbprint (parsed)));
      }
    }
  cc_test_pki_free (pki);
}

/* store rows sort by _cc_natural_key: the same order as cc_natural_compare, every pair */
static void
test_natural_key (Fixture *f, gconstpointer data)
{
  const char *names[] = { "", "a", "A", "b", "ab", "aB", "a1", "a01", "a001", "a2", "a10", "a9",
                          "a10b", "a10a", "a010a", "1", "01", "0", "00", "10", "9", "9a", "a b",
                          "a-b", "a_b", "a.b", "Z", "z", "zz", "Generated Root 007",
                          "Generated Root 7", "Generated Root 10", "generated root 099",
                          "edge2.site1.example.com", "edge10.site1.example.com",
                          "\xc3\xa9t\xc3\xa9", "\xc3\xa9", "e", "~", "12345678901234567890",
                          "12345678901234567891", "a 1 b 2", "a 1 b 10", "@", "[", "`", "{" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (guint j = 0; j < G_N_ELEMENTS (names); j++)
      {
        gsize li, lj;
        g_autofree guint8 *ki = _cc_natural_key (names[i], &li);
        g_autofree guint8 *kj = _cc_natural_key (names[j], &lj);
        int want = cc_natural_compare (names[i], names[j]);
        int got = _cc_natural_key_compare (ki, li, kj, lj);
        if ((want > 0) - (want < 0) != got)
          g_error ("“%s” vs “%s”: cc_natural_compare %d, key %d", names[i], names[j], want, got);
      }
}

/* Store rows are not objects: open and check make a CcStoreEntry only for the rows whose
 * metadata is read from their own files (Personal, Pending Requests); a trust store's row
 * gets its entry when someone asks, always the same one, showing the same data. */
static void
test_entries_on_demand (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) d = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(CcCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint before, n_own = 0, n_trust = 0;

  generate (f, 20, 10);
  before = _cc_store_entry_get_n_live ();
  d = open_deployment (f);
  servers = cc_deployment_list_servers (d);
  result = cc_check (d, servers, 30, 14, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_ok, ==, 20 * 4);
  for (guint i = 0; i < servers->len; i++)
    for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
      {
        guint n = g_list_model_get_n_items (G_LIST_MODEL (cc_server_get_store (g_ptr_array_index (servers, i), kind)));
        if (kind == CC_STORE_TRUSTED_ROOT || kind == CC_STORE_INTERMEDIATE)
          n_trust += n;
        else
          n_own += n;
      }
  g_assert_cmpuint (n_trust, ==, 20 * (10 + 1));
  g_assert_cmpuint (_cc_store_entry_get_n_live () - before, ==, n_own);

  /* the path viewer and the trust look-up read rows, not entries */
  {
    CcServer *s = g_ptr_array_index (servers, 0);
    CcStore *personal = cc_server_get_store (s, CC_STORE_PERSONAL);
    CcStore *roots = cc_server_get_store (s, CC_STORE_TRUSTED_ROOT);
    g_autoptr(CcStoreEntry) leaf = g_list_model_get_item (G_LIST_MODEL (personal), 0);
    g_autoptr(GPtrArray) path = cc_server_dup_certification_path (s, cc_store_entry_get_certificate (leaf), &error);
    g_autoptr(GPtrArray) missing = g_ptr_array_new ();

    g_assert_no_error (error);
    g_assert_cmpuint (path->len, ==, 3);
    g_assert_true (cc_trust_verify (servers, _cc_store_get_certificate (roots, 0), missing, &error));
    g_assert_cmpuint (missing->len, ==, 0);
    g_assert_cmpuint (_cc_store_entry_get_n_live () - before, ==, n_own);
  }

  /* asking makes each trust row's entry once, with the row's data */
  for (guint i = 0; i < servers->len; i++)
    for (CcStoreKind kind = CC_STORE_TRUSTED_ROOT; kind <= CC_STORE_INTERMEDIATE; kind++)
      {
        CcStore *store = cc_server_get_store (g_ptr_array_index (servers, i), kind);
        for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
          {
            g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (store), j);
            g_autoptr(CcStoreEntry) again = g_list_model_get_item (G_LIST_MODEL (store), j);
            CcCertificate *c = _cc_store_get_certificate (store, j);

            g_assert_true (e == again);
            g_assert_true (cc_store_entry_get_certificate (e) == c);
            g_assert_cmpstr (cc_store_entry_get_id (e), ==, cc_certificate_get_thumbprint (c));
            g_assert_true (cc_store_lookup_id (store, cc_certificate_get_thumbprint (c)) == e);
            g_assert_true (cc_store_lookup (store, cc_certificate_get_thumbprint (c)) == e);
            g_assert_cmpstr (cc_store_entry_get_friendly_name (e), ==, "");
            g_assert_false (cc_store_entry_get_has_private_key (e));
            g_assert_cmpstr (cc_store_entry_get_subject (e), ==, cc_certificate_get_subject (c));
            g_assert_null (cc_store_entry_get_added (e));
          }
      }
  g_assert_cmpuint (_cc_store_entry_get_n_live () - before, ==, n_own + n_trust);

  /* a bulk import adds rows, not entries; asked for, they say when they came */
  {
    CcTestPki *pki = cc_test_pki_new ();
    CcTestCertOptions o = { .common_name = "On Demand Root", .not_after_days = 3650,
                            .self_signed = TRUE, .is_ca = TRUE };
    g_autofree char *pem = cc_test_pki_issue (pki, &o, NULL);
    g_autofree char *bundle = g_build_filename (f->tmpdir, "root.pem", NULL);
    CcStore *roots = cc_server_get_store (g_ptr_array_index (servers, 0), CC_STORE_TRUSTED_ROOT);
    guint n_before = _cc_store_entry_get_n_live ();

    cc_test_pki_free (pki);
    g_assert_true (g_file_set_contents (bundle, pem, -1, NULL));
    g_assert_true (cc_import_chain (d, servers, bundle, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (_cc_store_entry_get_n_live (), ==, n_before);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roots)), ==, 10 + 1);   /* and the new one */
    for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (roots)); j++)
      {
        g_autoptr(CcStoreEntry) r = g_list_model_get_item (G_LIST_MODEL (roots), j);
        if (g_str_equal (cc_certificate_get_issued_to (cc_store_entry_get_certificate (r)), "On Demand Root"))
          g_assert_nonnull (cc_store_entry_get_added (r));
      }
  }
  g_clear_pointer (&result, cc_check_result_free);
  g_clear_object (&d);
  g_assert_cmpuint (_cc_store_entry_get_n_live (), ==, before);
}

/* A Personal store's metadata (friendly name, exportable, source, added) and whether each
 * key is there come from the index and the folder's listing when nothing changed, and from
 * the files as soon as one did. */
static void
test_metadata_cached (Fixture *f, gconstpointer data)
{
  CcStore *roots;
  g_autoptr(CcDeployment) d = indexed_deployment (f, &roots);
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (d);
  CcStore *personal = cc_server_get_store (g_ptr_array_index (servers, 0), CC_STORE_PERSONAL);
  g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (personal), 0);
  g_autofree char *id = g_strdup (cc_store_entry_get_id (e));
  g_autofree char *meta = g_strdup_printf ("%s/%s.json", cc_store_get_path (personal), id);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", cc_store_get_path (personal), id);
  g_autofree char *key_kept = g_strdup_printf ("%s/kept.key", f->tmpdir);
  guint n_read, n_indexed, n_items = g_list_model_get_n_items (G_LIST_MODEL (personal));
  CcWorkCounts work;
  CcStoreEntry *now;

  g_assert_true (cc_store_entry_get_has_private_key (e));
  let_files_age ();
  reload (personal, &n_read, &n_indexed);   /* records the metadata rows */
  g_clear_object (&e);

  /* nothing changed: no file read at all, the same entries */
  _cc_work_counts_reset ();
  reload (personal, &n_read, &n_indexed);
  _cc_work_counts_get (&work);
  g_assert_cmpuint (n_read, ==, 0);
  g_assert_cmpuint (n_indexed, ==, n_items);
  g_assert_cmpuint (work.files_read, ==, 1);   /* the index itself */
  now = cc_store_lookup_id (personal, id);
  g_assert_true (cc_store_entry_get_has_private_key (now));
  g_assert_cmpstr (cc_store_entry_get_friendly_name (now), ==, "");

  /* its metadata rewritten behind the console's back: read again */
  g_assert_true (g_file_set_contents (meta, "{ \"friendly_name\" : \"Changed Outside\", "
                                      "\"exportable\" : true, \"source\" : \"by hand\", "
                                      "\"added\" : \"2026-01-02T03:04:05Z\" }", -1, NULL));
  reload (personal, &n_read, &n_indexed);
  now = cc_store_lookup_id (personal, id);
  g_assert_cmpstr (cc_store_entry_get_friendly_name (now), ==, "Changed Outside");
  g_assert_true (cc_store_entry_get_exportable (now));
  g_assert_cmpstr (cc_store_entry_get_source (now), ==, "by hand");
  g_assert_nonnull (cc_store_entry_get_added (now));
  g_assert_cmpint (g_date_time_get_year (cc_store_entry_get_added (now)), ==, 2026);
  /* and the same from the index once it is recorded */
  let_files_age ();
  reload (personal, &n_read, &n_indexed);
  _cc_work_counts_reset ();
  reload (personal, &n_read, &n_indexed);
  _cc_work_counts_get (&work);
  g_assert_cmpuint (work.files_read, ==, 1);
  now = cc_store_lookup_id (personal, id);
  g_assert_cmpstr (cc_store_entry_get_friendly_name (now), ==, "Changed Outside");
  g_assert_true (cc_store_entry_get_exportable (now));
  g_assert_cmpstr (cc_store_entry_get_source (now), ==, "by hand");
  g_assert_cmpint (g_date_time_get_year (cc_store_entry_get_added (now)), ==, 2026);

  /* its key taken away: no private key, so not exportable; put back: both again */
  g_assert_cmpint (g_rename (key, key_kept), ==, 0);
  reload (personal, &n_read, &n_indexed);
  now = cc_store_lookup_id (personal, id);
  g_assert_false (cc_store_entry_get_has_private_key (now));
  g_assert_false (cc_store_entry_get_exportable (now));
  g_assert_cmpint (g_rename (key_kept, key), ==, 0);
  reload (personal, &n_read, &n_indexed);
  now = cc_store_lookup_id (personal, id);
  g_assert_true (cc_store_entry_get_has_private_key (now));
  g_assert_true (cc_store_entry_get_exportable (now));

  /* damaged: reported on every load, never recorded */
  g_assert_true (g_file_set_contents (meta, "{ \"friendly_name\" : ", -1, NULL));
  reload (personal, &n_read, &n_indexed);
  g_assert_nonnull (cc_store_get_problems (personal)[0]);
  now = cc_store_lookup_id (personal, id);
  g_assert_cmpstr (cc_store_entry_get_friendly_name (now), ==, "");
  let_files_age ();
  reload (personal, &n_read, &n_indexed);
  reload (personal, &n_read, &n_indexed);
  g_assert_nonnull (cc_store_get_problems (personal)[0]);

  /* removed: no metadata, nothing reported */
  g_assert_cmpint (g_unlink (meta), ==, 0);
  reload (personal, &n_read, &n_indexed);
  g_assert_null (cc_store_get_problems (personal)[0]);
  now = cc_store_lookup_id (personal, id);
  g_assert_cmpstr (cc_store_entry_get_friendly_name (now), ==, "");
  g_assert_true (cc_store_entry_get_has_private_key (now));
}

/* the distinct files (inodes) and all the files of the deployment's certificate stores */
static void
count_store_files (CcDeployment *d, guint *n_files, guint *n_inodes)
{
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (d);
  g_autoptr(GHashTable) inodes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  *n_files = 0;
  for (guint i = 0; i < servers->len; i++)
    for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
      {
        CcStore *store = cc_server_get_store (g_ptr_array_index (servers, i), kind);
        g_autoptr(GDir) dir = g_dir_open (cc_store_get_path (store), 0, NULL);
        const char *name;

        while (kind != CC_STORE_REQUESTS && dir != NULL && (name = g_dir_read_name (dir)) != NULL)
          if (strlen (name) == 68 && g_str_has_suffix (name, ".pem"))
            {
              g_autofree char *p = g_build_filename (cc_store_get_path (store), name, NULL);
              GStatBuf st;
              gint64 *ino = g_new (gint64, 1);

              g_assert_cmpint (g_stat (p, &st), ==, 0);
              *ino = (gint64) st.st_ino;
              g_hash_table_add (inodes, ino);
              (*n_files)++;
            }
      }
  *n_inodes = g_hash_table_size (inodes);
}

static void
load_all (CcDeployment *d)
{
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (d);
  g_autoptr(GPtrArray) stores = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < servers->len; i++)
    for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
      g_ptr_array_add (stores, cc_server_get_store (g_ptr_array_index (servers, i), kind));
  g_assert_true (cc_stores_load (stores, NULL, &error));
  g_assert_no_error (error);
}

/* the problems of every server's Trusted Root store, one line each */
static char *
root_problems (CcDeployment *d)
{
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (d);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < servers->len; i++)
    {
      CcStore *roots = cc_server_get_store (g_ptr_array_index (servers, i), CC_STORE_TRUSTED_ROOT);
      const char * const *problems = cc_store_get_problems (roots);
      for (guint j = 0; problems[j] != NULL; j++)
        g_string_append_printf (out, "%s\n", problems[j]);
    }
  return g_string_free (out, FALSE);
}

/* A certificate that many stores link to (a batch writes it once: the generator's roots, an
 * import on every server) is stat'ed once per loading thread, not once per store; and a
 * change to it, in place or by replacing one server's copy, is noticed where it shows. */
static void
test_shared_files (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) d = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autofree char *described = NULL;
  g_autofree char *root_file = NULL;
  g_autofree char *other_file = NULL;
  g_autofree char *content = NULL;
  g_autofree char *original = NULL;
  const guint n_servers = 6, n_roots = 5;
  guint n_read, n_indexed, n_files, n_inodes;
  CcWorkCounts work;
  gboolean by_inode;
  gsize len;

  generate (f, n_servers, n_roots);
  let_files_age ();
  d = open_deployment (f);
  described = describe (d, &n_read, &n_indexed);   /* writes every index */
  count_store_files (d, &n_files, &n_inodes);
  g_assert_cmpuint (n_files, ==, n_servers * (n_roots + 1 + 4));
  /* the roots and the issuing CA are one file each; the 4 certificates of each server its own */
  g_assert_cmpuint (n_inodes, ==, n_roots + 1 + n_servers * 4);
  {
    g_autofree char *servers_dir = g_build_filename (f->path, "servers", NULL);
    int fd = open (servers_dir, O_RDONLY | O_DIRECTORY);
    by_inode = _cc_listing_gives_inodes (fd);
    close (fd);
  }

  /* reopened: every file vouched for by its index, and the shared ones stat'ed once a
   * thread (where the folder's listing tells inodes apart) */
  g_clear_object (&d);
  d = open_deployment (f);
  _cc_work_counts_reset ();
  load_all (d);
  _cc_work_counts_get (&work);
  if (by_inode)
    g_assert_cmpuint (work.store_file_stats, <=,
                      (n_roots + 1) * MAX (1, g_get_num_processors ()) + n_servers * 4);
  else
    g_assert_cmpuint (work.store_file_stats, ==, n_files);
  g_clear_object (&d);
  d = open_deployment (f);
  {
    g_autofree char *again = describe (d, &n_read, &n_indexed);
    g_assert_cmpstr (again, ==, described);
    /* trust stores keep no summaries: each of their certificates is read once for all
     * (by each loading thread that meets it first at the same time) */
    g_assert_cmpuint (n_read, >=, n_roots + 1);
    g_assert_cmpuint (n_read, <=, (n_roots + 1) * MAX (1, g_get_num_processors ()));
  }

  /* one root changed in place (every server links to it), its size and mtime put back:
   * every server notices */
  servers = cc_deployment_list_servers (d);
  {
    CcStore *roots = cc_server_get_store (g_ptr_array_index (servers, 0), CC_STORE_TRUSTED_ROOT);
    root_file = first_file (roots);
  }
  {
    GStatBuf st;
    int fd;
    char *body;
    struct timespec times[2];

    g_assert_cmpint (g_stat (root_file, &st), ==, 0);
    g_assert_cmpuint (st.st_nlink, ==, n_servers);
    g_assert_true (g_file_get_contents (root_file, &content, &len, NULL));
    original = g_memdup2 (content, len);
    body = strstr (content, "-----\n") + 6 + 200;   /* inside the signed part */
    *body = *body == 'A' ? 'B' : 'A';
    fd = open (root_file, O_WRONLY);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (pwrite (fd, content, len, 0), ==, (gssize) len);
    close (fd);
    times[0] = st.st_atim;
    times[1] = st.st_mtim;
    g_assert_cmpint (utimensat (AT_FDCWD, root_file, times, 0), ==, 0);
  }
  g_clear_pointer (&servers, g_ptr_array_unref);
  g_clear_object (&d);
  d = open_deployment (f);
  load_all (d);
  {
    g_autofree char *problems = root_problems (d);
    g_auto(GStrv) lines = g_strsplit (problems, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, n_servers + 1);   /* and the empty last one */
    for (guint i = 0; i < n_servers; i++)
      g_assert_nonnull (strstr (lines[i], "changed outside the console"));
  }

  /* put back in place: nothing to report (the index is rewritten) */
  {
    int fd = open (root_file, O_WRONLY);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (pwrite (fd, original, len, 0), ==, (gssize) len);
    close (fd);
  }
  g_clear_object (&d);
  let_files_age ();
  d = open_deployment (f);
  load_all (d);
  {
    g_autofree char *problems = root_problems (d);
    g_assert_cmpstr (problems, ==, "");
  }

  /* one server's copy replaced by another file (a rename: its own inode), the others still
   * linked: that server alone notices */
  servers = cc_deployment_list_servers (d);
  {
    CcStore *roots = cc_server_get_store (g_ptr_array_index (servers, 1), CC_STORE_TRUSTED_ROOT);
    g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (roots), 0);
    other_file = g_strdup_printf ("%s/%s.pem", cc_store_get_path (roots), cc_store_entry_get_id (e));
  }
  /* the changed bytes of above, written to a new file renamed over this one */
  g_assert_true (g_file_set_contents (other_file, content, len, NULL));
  g_clear_pointer (&servers, g_ptr_array_unref);
  g_clear_object (&d);
  d = open_deployment (f);
  load_all (d);
  {
    g_autofree char *problems = root_problems (d);
    g_assert_nonnull (strstr (problems, other_file));
    g_assert_nonnull (strstr (problems, "changed outside the console"));
    g_assert_null (strchr (strchr (problems, '\n') + 1, '\n'));   /* one line */
  }
}

/* Each signature of the deployment is verified once: a check verifies each unique leaf's
 * and the issuing CA's, a second check none; a remembered signature never makes a chain
 * trusted on a server that does not trust its root. */
static void
test_signatures_remembered (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) d = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GHashTable) leaves = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  CcCheckResult *result;
  CcServer *b;
  CcStore *roots;
  CcCertificate *inter;
  const char *ca_root = NULL;
  guint n_unique, n_first;

  generate (f, 20, 10);
  d = open_deployment (f);
  servers = cc_deployment_list_servers (d);
  result = cc_check (d, servers, 30, 14, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_ok, ==, 20 * 4);
  cc_check_result_free (result);
  for (guint i = 0; i < servers->len; i++)
    for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
      if (cc_server_get_assignment (g_ptr_array_index (servers, i), iface) != NULL)
        g_hash_table_add (leaves, (gpointer) cc_server_get_assignment (g_ptr_array_index (servers, i), iface));
  /* the pool's certificate is shared by its 2 members; 3 of each server's own */
  n_unique = g_hash_table_size (leaves) + 1;   /* and the issuing CA by its root */
  g_assert_cmpuint (g_hash_table_size (leaves), ==, 20 * 3 + 10);
  n_first = _cc_deployment_get_n_signatures_verified (d);
  g_assert_cmpuint (n_first, >=, n_unique);
  /* two threads may meet the same signature at the same moment, no more */
  g_assert_cmpuint (n_first, <=, 2 * n_unique);
  g_assert_cmpuint (n_first, <, 2 * 20 * 4);   /* what verifying every chain whole costs */

  result = cc_check (d, servers, 30, 14, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_ok, ==, 20 * 4);
  cc_check_result_free (result);
  g_assert_cmpuint (_cc_deployment_get_n_signatures_verified (d), ==, n_first);

  /* server b no longer trusts the issuing CA's root: its chains fail, the others' do not */
  b = g_ptr_array_index (servers, 1);
  inter = _cc_store_get_certificate (cc_server_get_store (b, CC_STORE_INTERMEDIATE), 0);
  roots = cc_server_get_store (b, CC_STORE_TRUSTED_ROOT);
  for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (roots)); j++)
    if (g_str_equal (cc_certificate_get_subject (_cc_store_get_certificate (roots, j)),
                     cc_certificate_get_issuer (inter)))
      ca_root = cc_certificate_get_thumbprint (_cc_store_get_certificate (roots, j));
  g_assert_nonnull (ca_root);
  g_assert_true (cc_store_remove (roots, ca_root, &error));
  g_assert_no_error (error);
  result = cc_check (d, servers, 30, 14, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_ok, ==, 19 * 4);
  g_assert_cmpuint (result->n_error, ==, 4);
  for (guint i = 0; i < result->items->len; i++)
    {
      CcCheckItem *item = g_ptr_array_index (result->items, i);
      if (item->server != b)
        continue;
      g_assert_cmpint (item->status, ==, CC_STATUS_ERROR);
      g_assert_nonnull (strstr (g_ptr_array_index (item->reasons, 0), "does not end in a root trusted on"));
    }
  cc_check_result_free (result);
}

/* A Personal certificate is one server's (or one pool's): a cold load parses it for its
 * fields and keeps only them and its DER, so that a fleet's leaves do not stay parsed for a
 * listing; the viewer and the check parse it again when they need it. Trust stores' shared
 * certificates stay parsed. */
static void
test_personal_parsed_on_demand (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) d = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) stores = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sections = NULL;
  CcCheckResult *result;
  CcCertificate *leaf = NULL;
  guint n_personal = 0, n_assigned = 0;

  generate (f, 4, 3);
  d = open_deployment (f);
  servers = cc_deployment_list_servers (d);
  for (guint i = 0; i < servers->len; i++)
    for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
      g_ptr_array_add (stores, cc_server_get_store (g_ptr_array_index (servers, i), kind));
  g_assert_true (cc_stores_load (stores, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < stores->len; i++)
    {
      CcStore *store = g_ptr_array_index (stores, i);
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
        {
          CcCertificate *cert = _cc_store_get_certificate (store, j);
          if (cc_store_get_kind (store) == CC_STORE_PERSONAL)
            {
              g_assert_false (_cc_certificate_holds_x509 (cert));
              g_assert_nonnull (cc_certificate_get_not_after (cert));
              leaf = cert;
              n_personal++;
            }
          else if (cc_store_get_kind (store) != CC_STORE_REQUESTS)
            g_assert_true (_cc_certificate_holds_x509 (cert));
        }
    }
  g_assert_cmpuint (n_personal, ==, 4 * 4);

  /* the viewer's Details parse it again, with every field */
  sections = cc_certificate_dup_sections (leaf);
  g_assert_cmpuint (g_list_model_get_n_items (sections), >, 0);
  g_assert_true (_cc_certificate_holds_x509 (leaf));

  /* and the check verifies every assigned leaf as before */
  result = cc_check (d, servers, 30, 14, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_ok, ==, 4 * 4);
  g_assert_cmpuint (result->n_error, ==, 0);
  cc_check_result_free (result);
  for (guint i = 0; i < servers->len; i++)
    for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
      if (cc_server_get_assignment (g_ptr_array_index (servers, i), iface) != NULL)
        {
          CcStore *personal = cc_server_get_store (g_ptr_array_index (servers, i), CC_STORE_PERSONAL);
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (personal)); j++)
            if (g_str_equal (cc_certificate_get_thumbprint (_cc_store_get_certificate (personal, j)),
                             cc_server_get_assignment (g_ptr_array_index (servers, i), iface)))
              {
                g_assert_true (_cc_certificate_holds_x509 (_cc_store_get_certificate (personal, j)));
                n_assigned++;
              }
        }
  /* every assignment was found in its server's Personal store */
  g_assert_cmpuint (n_assigned, ==, 4 * 4);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  cc_core_init ();

#define ADD(path, func) g_test_add ("/scale/" path, Fixture, NULL, setup, func, teardown)
  ADD ("summary", test_summary);
  ADD ("natural-key", test_natural_key);
  ADD ("generated-reopen", test_generated_reopen);
  ADD ("stale-entry", test_stale_entry);
  ADD ("corrupt-index", test_corrupt_index);
  ADD ("added-removed", test_added_removed);
  ADD ("index-not-writable", test_index_not_writable);
  ADD ("bulk-import", test_bulk_import);
  ADD ("entries-on-demand", test_entries_on_demand);
  ADD ("signatures-remembered", test_signatures_remembered);
  ADD ("shared-files", test_shared_files);
  ADD ("metadata-cached", test_metadata_cached);
  ADD ("personal-parsed-on-demand", test_personal_parsed_on_demand);
#undef ADD

  return g_test_run ();
}
