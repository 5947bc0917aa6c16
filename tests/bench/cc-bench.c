/* cc-bench.c: the project's benchmark, run by hand (never a timed test: these machines
 * are noisy). Each figure is a median of interleaved runs, next to the same work done with
 * bare OpenSSL calls in the same process, as a ratio. "The same work" includes writing the
 * same files durably (temporary file, fsync, rename, folder sync), as the product must.
 *
 *   build/tests/cc-bench [--servers N] [--runs N] [--only NAME]
 *                        [--scale N,N...] [--scale-runs N] [--keep DIR]
 *
 * The scale rows (open + list, check --all, bulk import) each run in a child process of
 * their own, so that each has its own peak resident memory (ru_maxrss).
 */
#define _GNU_SOURCE   /* syncfs */
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
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
static char *opt_scale = NULL;
static int opt_scale_runs = 3;
static char *opt_keep = NULL;

typedef struct
{
  const char *name;
  GArray *ours;   /* seconds */
  GArray *bare;
  GArray *cpu_ours;    /* CPU seconds, for the rows run in children */
  GArray *cpu_bare;
  long peak_ours_kb;   /* the largest child's ru_maxrss, for the rows run in children */
  long peak_bare_kb;
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
  r->cpu_ours = g_array_new (FALSE, FALSE, sizeof (double));
  r->cpu_bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (rows, r);
  return r;
}

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* The process's CPU time (all threads), to the nanosecond: for the single operations,
 * whose wall clock is mostly waiting for fsync, noise shared with whatever else the disk
 * is doing. */
static double
proc_cpu (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
row_add_cpu (Row *r, gboolean ours, double seconds)
{
  g_array_append_val (ours ? r->cpu_ours : r->cpu_bare, seconds);
}

static void
print_row (Row *r, const char *unit_note)
{
  double o = median (r->ours), b = median (r->bare);
  g_print ("%-44s %10.3f ms %10.3f ms %7.2fx  (n=%u)%s\n", r->name, o * 1e3, b * 1e3, o / b,
           r->ours->len, unit_note ? unit_note : "");
  if (r->cpu_ours->len > 0)
    g_print ("%-44s %10.3f ms %10.3f ms %7.2fx\n", "  CPU time (all threads)",
             median (r->cpu_ours) * 1e3, median (r->cpu_bare) * 1e3,
             median (r->cpu_ours) / median (r->cpu_bare));
  if (r->peak_ours_kb > 0)
    g_print ("%-44s %10ld MB %10ld MB\n", "  peak resident memory", r->peak_ours_kb / 1024,
             r->peak_bare_kb / 1024);
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

G_GNUC_NO_INLINE static void
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

/* (never inlined, so that callgrind counts each bare_* function on its own, next to ours:
 *  valgrind --tool=callgrind build/tests/cc-bench --only NAME --runs 3) */

G_GNUC_NO_INLINE static void
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
  /* the same files as ours: what the request was for is kept beside the key (a script
   * must remember it to process the answer), and a line goes into a log */
  {
    g_autofree char *mp = g_build_filename (dir, "bare.json", NULL);
    g_autofree char *lp = g_build_filename (dir, "bare-audit.log", NULL);
    g_autofree char *meta = g_strdup_printf ("{\n  \"subject\" : \"CN=edgepool.contoso.com\",\n"
                                             "  \"key\" : \"%s\",\n  \"friendly_name\" : \"bench\",\n"
                                             "  \"sans\" : [\n    \"edgepool.contoso.com\"\n  ]\n}", spec);
    g_autofree char *line = g_strdup_printf ("%" G_GINT64_FORMAT "\trequest-create\tedgepool.contoso.com\n",
                                             g_get_real_time ());
    int fd;

    write_bytes (mp, meta, strlen (meta), 0600);
    fd = open (lp, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (write (fd, line, strlen (line)), ==, (gssize) strlen (line));
    close (fd);
  }
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

G_GNUC_NO_INLINE static void
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

G_GNUC_NO_INLINE static void
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

G_GNUC_NO_INLINE static void
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

/* ---- scale: each measurement in a child process, for its own peak memory ---- */

/* --only scale: every scale row and nothing else */
static gboolean
scale_wanted (const char *name)
{
  return wanted (name) || g_strcmp0 (opt_only, "scale") == 0;
}

typedef double (*ChildFunc) (gpointer data);

typedef struct
{
  double seconds;
  double cpu_seconds;   /* user + system of every thread, over the same interval */
  long maxrss_kb;
} ChildResult;

/* the measured interval of a child: wall clock and CPU time, both */
static double cpu_t0, cpu_seconds;

static double
cpu_now (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double
start_clock (void)
{
  cpu_t0 = cpu_now ();
  return now ();
}

static double
stop_clock (void)
{
  cpu_seconds = cpu_now () - cpu_t0;
  return now ();
}

static ChildResult
in_child (ChildFunc func, gpointer data)
{
  ChildResult r = { NAN, NAN, 0 };
  int fds[2];
  pid_t pid;
  int status;

  g_assert_cmpint (pipe (fds), ==, 0);
  fflush (stdout);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct rusage ru;
      close (fds[0]);
      r.seconds = func (data);
      r.cpu_seconds = cpu_seconds;
      getrusage (RUSAGE_SELF, &ru);
      r.maxrss_kb = ru.ru_maxrss;
      if (write (fds[1], &r, sizeof r) != sizeof r)
        _exit (1);
      _exit (0);
    }
  close (fds[1]);
  if (read (fds[0], &r, sizeof r) != sizeof r)
    r.seconds = NAN;
  close (fds[0]);
  waitpid (pid, &status, 0);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  return r;
}

static void
row_add_child (Row *r, gboolean ours, ChildResult c)
{
  g_array_append_val (ours ? r->ours : r->bare, c.seconds);
  g_array_append_val (ours ? r->cpu_ours : r->cpu_bare, c.cpu_seconds);
  if (ours)
    r->peak_ours_kb = MAX (r->peak_ours_kb, c.maxrss_kb);
  else
    r->peak_bare_kb = MAX (r->peak_bare_kb, c.maxrss_kb);
}

static GPtrArray *
all_stores (GPtrArray *servers)
{
  GPtrArray *stores = g_ptr_array_new ();
  for (guint i = 0; i < servers->len; i++)
    for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
      g_ptr_array_add (stores, cc_server_get_store (g_ptr_array_index (servers, i), kind));
  return stores;
}

static gboolean first_run_says;   /* the first child of a row prints what it saw */

static double
ours_open_list (gpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  double t0 = start_clock (), t1;
  g_autoptr(CcDeployment) d = cc_deployment_open (path, NULL, &error);
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) stores = NULL;
  guint64 n = 0;

  g_assert_no_error (error);
  servers = cc_deployment_list_servers (d);
  stores = all_stores (servers);
  g_assert_true (cc_stores_load (stores, NULL, &error));
  for (guint i = 0; i < stores->len; i++)
    n += g_list_model_get_n_items (G_LIST_MODEL (g_ptr_array_index (stores, i)));
  t1 = stop_clock ();
  if (first_run_says)
    g_print ("(open + list: %u servers, %u stores, %" G_GUINT64_FORMAT " entries)\n",
             servers->len, stores->len, n);
  return t1 - t0;
}

/* The floor: read every certificate file of every store, hash its DER, parse the ones not
 * seen yet (parse each unique certificate once, as we do). */
static double
bare_open_list (gpointer data)
{
  const char *path = data;
  g_autofree char *servers_dir = g_build_filename (path, "servers", NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                      (GDestroyNotify) g_bytes_unref,
                                                      (GDestroyNotify) X509_free);
  const char *kinds[] = { "personal", "trusted-root", "intermediate" };
  double t0 = start_clock ();
  GDir *top = g_dir_open (servers_dir, 0, NULL);
  const char *server;
  guint64 n = 0;

  while ((server = g_dir_read_name (top)) != NULL)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        g_autofree char *store = g_build_filename (servers_dir, server, kinds[k], NULL);
        GDir *dir = g_dir_open (store, 0, NULL);
        const char *name;

        while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
          {
            g_autofree char *file = NULL;
            unsigned char *der = NULL;
            long len = 0;
            char *pname = NULL, *header = NULL;
            unsigned char md[32];
            GBytes *key;
            BIO *b;

            if (strlen (name) != 68 || !g_str_has_suffix (name, ".pem"))
              continue;
            file = g_build_filename (store, name, NULL);
            b = BIO_new_file (file, "r");
            if (b != NULL && PEM_read_bio (b, &pname, &header, &der, &len) == 1)
              {
                EVP_Digest (der, len, md, NULL, EVP_sha256 (), NULL);
                key = g_bytes_new (md, sizeof md);
                if (!g_hash_table_contains (seen, key))
                  {
                    const unsigned char *p = der;
                    g_hash_table_insert (seen, g_bytes_ref (key), d2i_X509 (NULL, &p, len));
                  }
                g_bytes_unref (key);
                n++;
              }
            OPENSSL_free (pname);
            OPENSSL_free (header);
            OPENSSL_free (der);
            BIO_free (b);
          }
        if (dir != NULL)
          g_dir_close (dir);
      }
  g_dir_close (top);
  if (first_run_says)
    g_print ("(bare open + list: %" G_GUINT64_FORMAT " files, %u unique certificates)\n", n,
             g_hash_table_size (seen));
  return stop_clock () - t0;
}

static double
ours_check (gpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  double t0 = start_clock (), t1;
  g_autoptr(CcDeployment) d = cc_deployment_open (path, NULL, &error);
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (d);
  g_autoptr(CcCheckResult) result = cc_check (d, servers, 30, 14, NULL, &error);

  t1 = stop_clock ();
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_error, ==, 0);
  if (first_run_says)
    g_print ("(check: %u ok, %u warnings, %u errors)\n", result->n_ok, result->n_warning,
             result->n_error);
  return t1 - t0;
}

static double
bare_check_child (gpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = cc_deployment_open (path, NULL, &error);
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (d);
  double t0 = start_clock ();
  guint verified = bare_check (path, servers);
  double t1 = stop_clock ();

  if (first_run_says)
    g_print ("(bare check: %u chains verified)\n", verified);
  return t1 - t0;
}

static void
remove_indexes (const char *path)
{
  g_autofree char *servers_dir = g_build_filename (path, "servers", NULL);
  GDir *top = g_dir_open (servers_dir, 0, NULL);
  const char *server;

  while ((server = g_dir_read_name (top)) != NULL)
    for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
      {
        g_autofree char *f = g_build_filename (servers_dir, server, cc_store_kind_to_id (kind),
                                               ".cc-index", NULL);
        g_unlink (f);
      }
  g_dir_close (top);
}

typedef struct
{
  const char *bundle;
  const char *target;
  guint n;
} ImportData;

static double
ours_import (gpointer data)
{
  ImportData *id = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = NULL;
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  CcServer *s;
  double t0, t1;

  cc_test_rmrf (id->target);
  d = cc_deployment_create (id->target, FALSE, NULL, &error);
  cc_deployment_add_site (d, "S", &error);
  cc_deployment_add_pool (d, "S", "p.example.com", FALSE, &error);
  s = cc_deployment_add_server (d, "p.example.com", "p.example.com", CC_ROLE_EDGE, &error);
  g_assert_no_error (error);
  g_ptr_array_add (one, s);
  sync ();
  t0 = start_clock ();
  g_assert_true (cc_import_chain (d, one, id->bundle, NULL, &error));
  t1 = stop_clock ();
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cc_server_get_store (s, CC_STORE_TRUSTED_ROOT))),
                    ==, id->n);
  return t1 - t0;
}

/* The floor: parse the bundle, write each certificate to a temporary file, one sync, the
 * renames, the hash links, one folder sync: the same durable work, done as a careful
 * program would. */
static double
bare_import (gpointer data)
{
  ImportData *id = data;
  g_autofree char *dir = g_strconcat (id->target, "-bare", NULL);
  g_autoptr(GPtrArray) tmps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_free);
  double t0;
  BIO *in;
  X509 *x;
  int fd;
  guint n = 0;

  cc_test_rmrf (dir);
  g_mkdir_with_parents (dir, 0755);
  sync ();
  t0 = start_clock ();
  in = BIO_new_file (id->bundle, "r");
  while ((x = PEM_read_bio_X509 (in, NULL, NULL, NULL)) != NULL)
    {
      unsigned char md[32];
      unsigned int len;
      char hex[65];
      BIO *b = BIO_new (BIO_s_mem ());
      char *pem;
      long pem_len;
      char *final, *tmp, *link;
      FILE *f;

      X509_digest (x, EVP_sha256 (), md, &len);
      for (guint i = 0; i < 32; i++)
        g_snprintf (hex + 2 * i, 3, "%02x", md[i]);
      final = g_strdup_printf ("%s/%s.pem", dir, hex);
      tmp = g_strdup_printf ("%s/.%s.tmp", dir, hex);
      PEM_write_bio_X509 (b, x);
      pem_len = BIO_get_mem_data (b, &pem);
      f = fopen (tmp, "wb");
      fwrite (pem, 1, pem_len, f);
      fclose (f);
      g_ptr_array_add (tmps, tmp);
      g_ptr_array_add (finals, final);
      link = g_strdup_printf ("%s/%08lx.%u", dir, X509_subject_name_hash (x), n++);
      g_ptr_array_add (tmps, link);   /* made after the renames, below */
      g_ptr_array_add (finals, g_strdup_printf ("%s.pem", hex));
      BIO_free (b);
      X509_free (x);
    }
  BIO_free (in);
  fd = open (dir, O_RDONLY | O_DIRECTORY);
  syncfs (fd);
  for (guint i = 0; i < tmps->len; i += 2)
    {
      rename (g_ptr_array_index (tmps, i), g_ptr_array_index (finals, i));
      symlink (g_ptr_array_index (finals, i + 1), g_ptr_array_index (tmps, i + 1));
    }
  fsync (fd);
  close (fd);
  g_assert_cmpuint (n, ==, id->n);
  return stop_clock () - t0;
}

typedef struct
{
  const char *path;
  const CcGenerateOptions *options;
} GenerateData;

static double
generate_deployment (gpointer data)
{
  GenerateData *gd = data;
  g_autoptr(CcDeployment) gen = NULL;
  g_autoptr(GError) error = NULL;
  double t0 = now ();

  gen = cc_deployment_generate (gd->path, gd->options, &error);
  g_assert_no_error (error);
  return now () - t0;
}

static void
run_scale (const char *dir)
{
  g_auto(GStrv) sizes = g_strsplit (opt_scale, ",", -1);

  for (guint k = 0; sizes[k] != NULL; k++)
    {
      int n_servers = atoi (sizes[k]);
      g_autofree char *gpath = NULL;
      g_autofree char *l_cold = g_strdup_printf ("open + list, %d servers, cold", n_servers);
      g_autofree char *l_warm = g_strdup_printf ("open + list, %d servers, cached", n_servers);
      g_autofree char *l_check = g_strdup_printf ("check --all, %d servers, cached", n_servers);
      g_autofree char *l_check_cold = g_strdup_printf ("check --all, %d servers, cold", n_servers);
      CcGenerateOptions go = { .n_servers = n_servers, .n_roots = 150, .n_personal = 4, .seed = 7 };

      if (!scale_wanted (l_cold) && !scale_wanted (l_warm) && !scale_wanted (l_check) && !scale_wanted (l_check_cold))
        continue;
      gpath = opt_keep ? g_strdup_printf ("%s/generated-%d", opt_keep, n_servers)
                       : g_strdup_printf ("%s/generated-%d", dir, n_servers);
      if (!g_file_test (gpath, G_FILE_TEST_EXISTS))
        {
          /* in a child of its own, like every measurement: the children that measure fork
           * from this process, which would otherwise hold the generator's memory (and count
           * it in their peak) */
          GenerateData gd = { gpath, &go };
          ChildResult made = in_child (generate_deployment, &gd);

          g_print ("(generated %d servers, 150 shared roots, 4 assigned certificates each, in %.1f s)\n",
                   n_servers, made.seconds);
          /* an index records no file changed within the last second (cc-store-index.c):
           * the first cold run would otherwise leave the last servers unindexed */
          g_usleep (1100 * G_TIME_SPAN_MILLISECOND);
        }
      else
        g_print ("(reusing %s)\n", gpath);

      if (scale_wanted (l_cold) || scale_wanted (l_warm))
        {
          Row *cold = row_new (g_intern_string (l_cold));
          Row *warm = row_new (g_intern_string (l_warm));
          for (int i = 0; i < opt_scale_runs; i++)
            {
              first_run_says = i == 0;
              remove_indexes (gpath);
              row_add_child (cold, TRUE, in_child (ours_open_list, gpath));   /* writes the indexes */
              row_add_child (warm, TRUE, in_child (ours_open_list, gpath));
              row_add_child (cold, FALSE, in_child (bare_open_list, gpath));
              g_array_append_val (warm->bare, g_array_index (cold->bare, double, cold->bare->len - 1));
              g_array_append_val (warm->cpu_bare, g_array_index (cold->cpu_bare, double, cold->cpu_bare->len - 1));
              warm->peak_bare_kb = cold->peak_bare_kb;
            }
          print_row (cold, NULL);
          print_row (warm, NULL);
          g_print ("(cached reopen: %.1fx faster than cold; %.1fx less CPU)\n",
                   median (cold->ours) / median (warm->ours),
                   median (cold->cpu_ours) / median (warm->cpu_ours));
        }
      if (scale_wanted (l_check) || scale_wanted (l_check_cold))
        {
          Row *r = row_new (g_intern_string (l_check));
          Row *rc = row_new (g_intern_string (l_check_cold));
          for (int i = 0; i < opt_scale_runs; i++)
            {
              first_run_says = i == 0;
              remove_indexes (gpath);
              row_add_child (rc, TRUE, in_child (ours_check, gpath));
              row_add_child (r, TRUE, in_child (ours_check, gpath));
              row_add_child (r, FALSE, in_child (bare_check_child, gpath));
              g_array_append_val (rc->bare, g_array_index (r->bare, double, r->bare->len - 1));
              g_array_append_val (rc->cpu_bare, g_array_index (r->cpu_bare, double, r->cpu_bare->len - 1));
              rc->peak_bare_kb = r->peak_bare_kb;
            }
          print_row (rc, "  (ours on every core; bare OpenSSL on one)");
          print_row (r, "  (ours on every core; bare OpenSSL on one)");
        }
    }

  if (scale_wanted ("import chain, 10000"))
    {
      Row *r = row_new ("import chain, 10000-certificate PEM, 1 store");
      g_autofree char *bundle = g_build_filename (opt_keep ? opt_keep : dir, "bundle-10000.pem", NULL);
      g_autofree char *target = g_build_filename (dir, "import-target", NULL);
      ImportData id = { bundle, target, 10000 };
      g_autoptr(GString) pem = g_string_new (NULL);
      CcTestPki *pki = cc_test_pki_new ();

      for (guint i = 0; i < id.n && !g_file_test (bundle, G_FILE_TEST_EXISTS); i++)
        {
          g_autofree char *cn = g_strdup_printf ("Bulk Root %05u", i);
          CcTestCertOptions o = { .common_name = cn, .organization = "Bulk", .key = "ec:p256",
                                  .not_after_days = 3650, .self_signed = TRUE, .is_ca = TRUE };
          g_autofree char *key = NULL;
          g_autofree char *cert = cc_test_pki_issue (pki, &o, &key);
          g_string_append (pem, cert);
        }
      cc_test_pki_free (pki);
      if (pem->len > 0)
        g_assert_true (g_file_set_contents (bundle, pem->str, pem->len, NULL));
      for (int i = 0; i < opt_scale_runs; i++)
        {
          row_add_child (r, TRUE, in_child (ours_import, &id));
          row_add_child (r, FALSE, in_child (bare_import, &id));
        }
      print_row (r, NULL);
      g_print ("(import: %.0f certificates/s; bare OpenSSL %.0f certificates/s)\n",
               id.n / median (r->ours), id.n / median (r->bare));
    }
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
    { "scale", 0, 0, G_OPTION_ARG_STRING, &opt_scale,
      "Also the scale rows, on generated deployments of these sizes (e.g. 1000,10000)", "N,N" },
    { "scale-runs", 0, 0, G_OPTION_ARG_INT, &opt_scale_runs, "Runs per scale row (default 3)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &opt_keep,
      "Keep (and reuse) the generated deployments in this folder", "DIR" },
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
  /* the scale rows fork: no idle pool thread may be left behind for a child to wait on */
  g_thread_pool_set_max_unused_threads (0);
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
          double c0 = proc_cpu (), t0 = now ();
          CcStoreEntry *e = cc_request_create (edge01, &o, NULL, NULL, &error);
          double t1 = now ();
          row_add_cpu (r, TRUE, proc_cpu () - c0);
          g_assert_no_error (error);
          g_assert_nonnull (e);
          g_array_append_val (r->ours, (double) { t1 - t0 });
          cc_request_cancel (edge01, "edge-access", &error);
          c0 = proc_cpu ();
          t0 = now ();
          bare_csr (dir, spec);
          sync_dirs ();
          t1 = now ();
          row_add_cpu (r, FALSE, proc_cpu () - c0);
          g_array_append_val (r->bare, (double) { t1 - t0 });
        }
      print_row (r, "  (both: key, metadata, CSR, each fsynced, and a log line)");
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
          double c0 = proc_cpu (), t0 = now ();
          g_assert_true (cc_export_pfx (edge01, tp, out, "password", TRUE, FALSE, &error));
          double t1 = now ();
          row_add_cpu (r, TRUE, proc_cpu () - c0);
          g_array_append_val (r->ours, (double) { t1 - t0 });
          c0 = proc_cpu ();
          t0 = now ();
          bare_pfx_export (cert, key, c1, c2, bare_out);
          sync_dirs ();
          t1 = now ();
          row_add_cpu (r, FALSE, proc_cpu () - c0);
          g_array_append_val (r->bare, (double) { t1 - t0 });
        }
      print_row (r, NULL);

      r = row_new ("pfx import (AES-256, with chain)");
      for (int i = 0; i < opt_runs; i++)
        {
          double t0, t1, c0;
          cc_store_remove (cc_server_get_store (edge02, CC_STORE_PERSONAL), tp, NULL);
          c0 = proc_cpu ();
          t0 = now ();
          g_assert_true (cc_import_pfx (edge02, out, "password", FALSE, NULL, &error));
          t1 = now ();
          row_add_cpu (r, TRUE, proc_cpu () - c0);
          g_assert_no_error (error);
          g_array_append_val (r->ours, (double) { t1 - t0 });
          c0 = proc_cpu ();
          t0 = now ();
          bare_pfx_import (out, dir);
          sync_dirs ();
          t1 = now ();
          row_add_cpu (r, FALSE, proc_cpu () - c0);
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
          double c0 = proc_cpu ();
          t0 = now ();
          g_assert_true (cc_import_chain (d, one, p7b, NULL, &error));
          t1 = now ();
          row_add_cpu (r, TRUE, proc_cpu () - c0);
          g_array_append_val (r->ours, (double) { t1 - t0 });
          c0 = proc_cpu ();
          t0 = now ();
          bare_chain_import (p7b, bare_dir);
          sync_dirs ();
          t1 = now ();
          row_add_cpu (r, FALSE, proc_cpu () - c0);
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

  if (opt_scale != NULL)
    run_scale (dir);

  cc_test_rmrf (dir);
  return 0;
}
