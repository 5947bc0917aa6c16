/* cc-bench.c: the project's benchmark, run by hand (never a timed test: these machines
 * are noisy). Each figure is a median of interleaved runs, next to the same work done with
 * bare OpenSSL calls in the same process, as a ratio. "The same work" includes writing the
 * same files durably (temporary file, fsync, rename, folder sync), as the product must.
 *
 *   build/tests/bench/cc-bench [--servers N] [--runs N] [--only NAME]
 */
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certconsole-core.h"
#include "cc-test-pki.h"

static int opt_servers = 1000;
static int opt_runs = 21;
static char *opt_only = NULL;

typedef struct
{
  const char *name;
  GArray *ours;   /* seconds */
  GArray *bare;
} Row;

static GPtrArray *rows;

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *a)
{
  g_array_sort (a, cmp_double);
  return a->len ? g_array_index (a, double, a->len / 2) : NAN;
}

static Row *
row_new (const char *name)
{
  Row *r = g_new0 (Row, 1);
  r->name = name;
  r->ours = g_array_new (FALSE, FALSE, sizeof (double));
  r->bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (rows, r);
  return r;
}

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
print_row (Row *r, const char *unit_note)
{
  double o = median (r->ours), b = median (r->bare);
  g_print ("%-44s %10.3f ms %10.3f ms %7.2fx  (n=%u)%s\n", r->name, o * 1e3, b * 1e3, o / b,
           r->ours->len, unit_note ? unit_note : "");
}

static gboolean
wanted (const char *name)
{
  return opt_only == NULL || strstr (name, opt_only) != NULL;
}

/* The bare side does the same durable work the product must do, as a careful script
 * would: a temporary file, fsync, rename; and one sync of each folder it wrote into. */
static GHashTable *dirty_dirs;

static void
write_bytes (const char *path, const void *data, gsize len, int mode)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  FILE *f = fopen (tmp, "wb");
  g_assert_nonnull (f);
  fchmod (fileno (f), mode);
  fwrite (data, 1, len, f);
  fflush (f);
  fsync (fileno (f));
  fclose (f);
  rename (tmp, path);
  if (dirty_dirs == NULL)
    dirty_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (dirty_dirs, g_path_get_dirname (path));
}

static void
sync_dirs (void)
{
  GHashTableIter iter;
  gpointer key;

  if (dirty_dirs == NULL)
    return;
  g_hash_table_iter_init (&iter, dirty_dirs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int fd = open (key, O_RDONLY | O_DIRECTORY);
      if (fd >= 0)
        {
          fsync (fd);
          close (fd);
        }
    }
  g_hash_table_remove_all (dirty_dirs);
}

static void
write_bio (const char *path, BIO *bio, int mode)
{
  char *data;
  long len = BIO_get_mem_data (bio, &data);
  write_bytes (path, data, len, mode);
}

/* ---- bare OpenSSL: what the same task costs without the console ---- */

static void
bare_csr (const char *dir, const char *spec)
{
  EVP_PKEY *key = g_str_equal (spec, "ec:p256") ? EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256")
                                                : EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
  X509_REQ *req = X509_REQ_new ();
  X509_NAME *name = X509_NAME_new ();
  STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null ();
  X509V3_CTX ctx;
  BIO *kb = BIO_new (BIO_s_mem ()), *cb = BIO_new (BIO_s_mem ());
  g_autofree char *kp = g_build_filename (dir, "bare.key", NULL);
  g_autofree char *cp = g_build_filename (dir, "bare.csr", NULL);

  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) "edgepool.contoso.com", -1, -1, 0);
  X509_REQ_set_version (req, 0);
  X509_REQ_set_subject_name (req, name);
  X509_REQ_set_pubkey (req, key);
  X509V3_set_ctx (&ctx, NULL, NULL, req, NULL, 0);
  sk_X509_EXTENSION_push (exts, X509V3_EXT_conf_nid (NULL, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment"));
  sk_X509_EXTENSION_push (exts, X509V3_EXT_conf_nid (NULL, &ctx, NID_ext_key_usage, "serverAuth,clientAuth"));
  sk_X509_EXTENSION_push (exts, X509V3_EXT_conf_nid (NULL, &ctx, NID_subject_alt_name, "DNS:edgepool.contoso.com"));
  X509_REQ_add_extensions (req, exts);
  X509_REQ_sign (req, key, EVP_sha256 ());
  PEM_write_bio_PrivateKey (kb, key, NULL, NULL, 0, NULL, NULL);
  PEM_write_bio_X509_REQ (cb, req);
  write_bio (kp, kb, 0600);
  write_bio (cp, cb, 0644);
  sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
  X509_NAME_free (name);
  X509_REQ_free (req);
  EVP_PKEY_free (key);
  BIO_free (kb);
  BIO_free (cb);
}

static X509 *
read_x509 (const char *path)
{
  BIO *b = BIO_new_file (path, "r");
  X509 *x = PEM_read_bio_X509 (b, NULL, NULL, NULL);
  BIO_free (b);
  return x;
}

static EVP_PKEY *
read_key (const char *path)
{
  BIO *b = BIO_new_file (path, "r");
  EVP_PKEY *k = PEM_read_bio_PrivateKey (b, NULL, NULL, NULL);
  BIO_free (b);
  return k;
}

static void
bare_pfx_export (const char *cert, const char *key, const char *chain1, const char *chain2,
                 const char *out)
{
  X509 *x = read_x509 (cert);
  EVP_PKEY *k = read_key (key);
  STACK_OF(X509) *ca = sk_X509_new_null ();
  PKCS12 *p12;
  BIO *b = BIO_new (BIO_s_mem ());

  sk_X509_push (ca, read_x509 (chain1));
  sk_X509_push (ca, read_x509 (chain2));
  p12 = PKCS12_create ("password", "friendly", k, x, ca, 0, 0, 0, 0, 0);
  i2d_PKCS12_bio (b, p12);
  write_bio (out, b, 0600);
  PKCS12_free (p12);
  sk_X509_pop_free (ca, X509_free);
  X509_free (x);
  EVP_PKEY_free (k);
  BIO_free (b);
}

static void
bare_pfx_import (const char *pfx, const char *dir)
{
  BIO *in = BIO_new_file (pfx, "rb");
  PKCS12 *p12 = d2i_PKCS12_bio (in, NULL);
  EVP_PKEY *k = NULL;
  X509 *x = NULL;
  STACK_OF(X509) *ca = NULL;
  BIO *kb = BIO_new (BIO_s_mem ()), *cb = BIO_new (BIO_s_mem ());
  g_autofree char *kp = g_build_filename (dir, "imported.key", NULL);
  g_autofree char *cp = g_build_filename (dir, "imported.pem", NULL);

  PKCS12_parse (p12, "password", &k, &x, &ca);
  PEM_write_bio_PrivateKey (kb, k, NULL, NULL, 0, NULL, NULL);
  PEM_write_bio_X509 (cb, x);
  write_bio (kp, kb, 0600);
  write_bio (cp, cb, 0644);
  for (int i = 0; i < sk_X509_num (ca); i++)
    {
      g_autofree char *p = g_strdup_printf ("%s/ca%d.pem", dir, i);
      BIO *b;
      /* the CAs are already there after the first run, as they are for us */
      if (g_file_test (p, G_FILE_TEST_EXISTS))
        continue;
      b = BIO_new (BIO_s_mem ());
      PEM_write_bio_X509 (b, sk_X509_value (ca, i));
      write_bio (p, b, 0644);
      BIO_free (b);
    }
  sk_X509_pop_free (ca, X509_free);
  X509_free (x);
  EVP_PKEY_free (k);
  PKCS12_free (p12);
  BIO_free (in);
  BIO_free (kb);
  BIO_free (cb);
}

static void
bare_chain_import (const char *p7b, const char *dir)
{
  BIO *in = BIO_new_file (p7b, "rb");
  PKCS7 *p7 = d2i_PKCS7_bio (in, NULL);
  STACK_OF(X509) *certs = p7->d.sign->cert;

  for (int i = 0; i < sk_X509_num (certs); i++)
    {
      X509 *x = sk_X509_value (certs, i);
      unsigned char md[32];
      unsigned int len;
      g_autofree char *hex = NULL;
      g_autofree char *path = NULL;
      g_autofree char *link = NULL;
      g_autofree char *target = NULL;
      BIO *b = BIO_new (BIO_s_mem ());

      X509_digest (x, EVP_sha256 (), md, &len);
      hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, md, 1);   /* a name; any will do */
      path = g_strdup_printf ("%s/%d-%s.pem", dir, i, hex);
      target = g_path_get_basename (path);
      link = g_strdup_printf ("%s/%08lx.%d", dir, X509_subject_name_hash (x), i);
      PEM_write_bio_X509 (b, x);
      write_bio (path, b, 0644);
      g_unlink (link);
      symlink (target, link);
      BIO_free (b);
    }
  PKCS7_free (p7);
  BIO_free (in);
}

/* parse every unique certificate once, verify every assigned leaf once */
static guint
bare_check (const char *deployment_dir, GPtrArray *servers)
{
  X509_STORE *trust = X509_STORE_new ();
  STACK_OF(X509) *untrusted = sk_X509_new_null ();
  GHashTable *leaves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) X509_free);
  CcServer *first = g_ptr_array_index (servers, 0);
  g_autofree char *roots = g_build_filename (cc_server_get_path (first), "trusted-root", NULL);
  g_autofree char *inters = g_build_filename (cc_server_get_path (first), "intermediate", NULL);
  const char *name;
  guint ok = 0;
  GDir *dir;

  dir = g_dir_open (roots, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".pem"))
      {
        g_autofree char *p = g_build_filename (roots, name, NULL);
        X509 *x = read_x509 (p);
        X509_STORE_add_cert (trust, x);
        X509_free (x);
      }
  g_dir_close (dir);
  dir = g_dir_open (inters, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".pem"))
      {
        g_autofree char *p = g_build_filename (inters, name, NULL);
        sk_X509_push (untrusted, read_x509 (p));
      }
  g_dir_close (dir);

  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *s = g_ptr_array_index (servers, i);
      for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
        {
          const char *tp = cc_server_get_assignment (s, iface);
          X509 *x;
          X509_STORE_CTX *ctx;

          if (tp == NULL)
            continue;
          x = g_hash_table_lookup (leaves, tp);
          if (x == NULL)
            {
              g_autofree char *p = g_strdup_printf ("%s/personal/%s.pem", cc_server_get_path (s), tp);
              x = read_x509 (p);
              g_hash_table_insert (leaves, g_strdup (tp), x);
            }
          ctx = X509_STORE_CTX_new ();
          X509_STORE_CTX_init (ctx, trust, x, untrusted);
          ok += X509_verify_cert (ctx) == 1;
          X509_STORE_CTX_free (ctx);
        }
    }
  g_hash_table_unref (leaves);
  sk_X509_pop_free (untrusted, X509_free);
  X509_STORE_free (trust);
  (void) deployment_dir;
  return ok;
}

static long
peak_rss_kb (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

int
main (int argc, char *argv[])
{
  GOptionEntry entries[] = {
    { "servers", 0, 0, G_OPTION_ARG_INT, &opt_servers, "Servers in the generated deployment", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Runs per single operation", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "Only the rows whose name contains this", "TEXT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— Certificate Console benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *demo_path = NULL;
  g_autoptr(CcDeployment) demo = NULL;
  CcServer *edge01, *edge02;
  const char *tp;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  cc_core_init ();
  rows = g_ptr_array_new ();
  dir = cc_test_make_tmpdir ();
  demo_path = g_build_filename (dir, "demo", NULL);
  demo = cc_deployment_create (demo_path, TRUE, NULL, &error);
  g_assert_no_error (error);
  edge01 = cc_deployment_find_server (demo, "edge01.contoso.com");
  edge02 = cc_deployment_find_server (demo, "edge02.contoso.com");
  cc_store_load (cc_server_get_store (edge01, CC_STORE_PERSONAL), NULL, NULL);
  {
    g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (cc_server_get_store (edge01, CC_STORE_PERSONAL)), 0);
    tp = g_intern_string (cc_store_entry_get_id (e));
  }

  g_print ("Certificate Console benchmark: medians; ratio = ours / bare OpenSSL (lower is better)\n");
  g_print ("%-44s %13s %13s %8s\n", "operation", "ours", "bare OpenSSL", "ratio");

  for (guint k = 0; k < 2; k++)
    {
      const char *spec = k == 0 ? "ec:p256" : "rsa:2048";
      const char *label = k == 0 ? "request create, ec:p256" : "request create, rsa:2048";
      Row *r;
      if (!wanted (label))
        continue;
      r = row_new (label);
      for (int i = 0; i < opt_runs; i++)
        {
          CcRequestOptions o = { .iface = CC_INTERFACE_EDGE_ACCESS, .friendly_name = "bench", .key_type = spec };
          double t0 = now ();
          CcStoreEntry *e = cc_request_create (edge01, &o, NULL, NULL, &error);
          double t1 = now ();
          g_assert_no_error (error);
          g_assert_nonnull (e);
          g_array_append_val (r->ours, (double) { t1 - t0 });
          cc_request_cancel (edge01, "edge-access", &error);
          t0 = now ();
          bare_csr (dir, spec);
          sync_dirs ();
          t1 = now ();
          g_array_append_val (r->bare, (double) { t1 - t0 });
        }
      print_row (r, NULL);
    }

  if (wanted ("pfx export"))
    {
      Row *r = row_new ("pfx export (AES-256, with chain)");
      g_autofree char *out = g_build_filename (dir, "out.pfx", NULL);
      g_autofree char *bare_out = g_build_filename (dir, "bare.pfx", NULL);
      g_autofree char *cert = g_strdup_printf ("%s/personal/%s.pem", cc_server_get_path (edge01), tp);
      g_autofree char *key = g_strdup_printf ("%s/personal/%s.key", cc_server_get_path (edge01), tp);
      CcAuthority *ca = cc_deployment_find_authority (demo, "Contoso Lab CA");
      g_autofree char *c1 = g_strdup_printf ("%s/intermediate/%s.pem", cc_server_get_path (edge01),
                                             cc_authority_get_issuing_thumbprint (ca));
      g_autofree char *c2 = g_strdup_printf ("%s/trusted-root/%s.pem", cc_server_get_path (edge01),
                                             cc_authority_get_root_thumbprint (ca));
      for (int i = 0; i < opt_runs; i++)
        {
          double t0 = now ();
          g_assert_true (cc_export_pfx (edge01, tp, out, "password", TRUE, FALSE, &error));
          double t1 = now ();
          g_array_append_val (r->ours, (double) { t1 - t0 });
          t0 = now ();
          bare_pfx_export (cert, key, c1, c2, bare_out);
          sync_dirs ();
          t1 = now ();
          g_array_append_val (r->bare, (double) { t1 - t0 });
        }
      print_row (r, NULL);

      r = row_new ("pfx import (AES-256, with chain)");
      for (int i = 0; i < opt_runs; i++)
        {
          double t0, t1;
          cc_store_remove (cc_server_get_store (edge02, CC_STORE_PERSONAL), tp, NULL);
          t0 = now ();
          g_assert_true (cc_import_pfx (edge02, out, "password", FALSE, NULL, &error));
          t1 = now ();
          g_assert_no_error (error);
          g_array_append_val (r->ours, (double) { t1 - t0 });
          t0 = now ();
          bare_pfx_import (out, dir);
          sync_dirs ();
          t1 = now ();
          g_array_append_val (r->bare, (double) { t1 - t0 });
        }
      print_row (r, NULL);
    }

  if (wanted ("chain import"))
    {
      Row *r = row_new ("chain import (.p7b, root + issuing, 1 server)");
      g_autofree char *p7b = g_build_filename (dir, "chain.p7b", NULL);
      g_autofree char *bare_dir = g_build_filename (dir, "bare-chain", NULL);
      g_autoptr(CcDeployment) d = NULL;
      g_autofree char *dpath = g_build_filename (dir, "chain-target", NULL);
      CcServer *s;
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      g_assert_true (cc_authority_write_chain (demo, "Contoso Lab CA", p7b, &error));
      d = cc_deployment_create (dpath, FALSE, NULL, &error);
      cc_deployment_add_site (d, "S", &error);
      cc_deployment_add_pool (d, "S", "p.example.com", FALSE, &error);
      s = cc_deployment_add_server (d, "p.example.com", "p.example.com", CC_ROLE_EDGE, &error);
      g_assert_no_error (error);
      g_ptr_array_add (one, s);
      g_mkdir_with_parents (bare_dir, 0755);
      for (int i = 0; i < opt_runs; i++)
        {
          CcStore *roots = cc_server_get_store (s, CC_STORE_TRUSTED_ROOT);
          CcStore *inter = cc_server_get_store (s, CC_STORE_INTERMEDIATE);
          double t0, t1;
          for (CcStore **st = (CcStore *[]) { roots, inter, NULL }; *st; st++)
            while (g_list_model_get_n_items (G_LIST_MODEL (*st)) > 0)
              {
                g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (*st), 0);
                cc_store_remove (*st, cc_store_entry_get_id (e), NULL);
              }
          t0 = now ();
          g_assert_true (cc_import_chain (d, one, p7b, NULL, &error));
          t1 = now ();
          g_array_append_val (r->ours, (double) { t1 - t0 });
          t0 = now ();
          bare_chain_import (p7b, bare_dir);
          sync_dirs ();
          t1 = now ();
          g_array_append_val (r->bare, (double) { t1 - t0 });
        }
      print_row (r, NULL);
    }

  if (wanted ("check"))
    {
      g_autofree char *gpath = g_build_filename (dir, "generated", NULL);
      g_autofree char *label = g_strdup_printf ("check --all, %d servers, cold", opt_servers);
      CcGenerateOptions go = { .n_servers = opt_servers, .n_roots = 150, .n_personal = 4, .seed = 1 };
      double t0 = now ();
      g_autoptr(CcDeployment) gen = cc_deployment_generate (gpath, &go, &error);
      Row *r;
      int runs = MAX (3, opt_runs / 4);
      long rss_before;

      g_assert_no_error (error);
      g_print ("(generated %d servers, 150 shared roots, 4 assigned certificates each, in %.1f s)\n",
               opt_servers, now () - t0);
      g_clear_object (&gen);
      r = row_new (label);
      rss_before = peak_rss_kb ();
      for (int i = 0; i < runs; i++)
        {
          g_autoptr(CcDeployment) d = NULL;
          g_autoptr(GPtrArray) servers = NULL;
          g_autoptr(CcCheckResult) result = NULL;
          double t1;
          guint verified;

          t0 = now ();
          d = cc_deployment_open (gpath, NULL, &error);
          servers = cc_deployment_list_servers (d);
          result = cc_check (d, servers, 30, 14, NULL, &error);
          t1 = now ();
          g_assert_no_error (error);
          if (i == 0)
            g_print ("(check: %u ok, %u warnings, %u errors)\n", result->n_ok, result->n_warning,
                     result->n_error);
          g_array_append_val (r->ours, (double) { t1 - t0 });
          t0 = now ();
          verified = bare_check (gpath, servers);
          t1 = now ();
          g_assert_cmpuint (verified, ==, result->n_ok + result->n_warning);
          g_array_append_val (r->bare, (double) { t1 - t0 });
        }
      print_row (r, NULL);
      g_print ("(peak resident memory: %ld MB; before the check runs: %ld MB)\n",
               peak_rss_kb () / 1024, rss_before / 1024);
    }

  cc_test_rmrf (dir);
  return 0;
}
