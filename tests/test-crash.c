/* test-crash.c: certctl killed with SIGKILL at every write step and at many moments of each
 * operation (import chain, import pfx, request process, distribute), and made to fail at
 * every write step as on a full disk or a read-only folder; after each, the deployment must
 * be whole: every store parses, every key matches its certificate, deployment.json is
 * valid, and the operation is either wholly there or wholly absent.
 *
 * CC_TEST_CRASH_SOAK=N runs N times as many timed kills (the default run keeps to ~60 s). */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "certconsole-core.h"
#include "cc-test-pki.h"

#define FE01 "fe01.contoso.com"
#define FE_POOL "pool01.contoso.com"
#define EDGE01 "edge01.contoso.com"

/* Deployments every operation starts from, made once. */
typedef struct
{
  char *root;        /* tmp folder holding everything */
  char *inputs;      /* the files the operations read */
  char *base;        /* demo + a pending request on fe01 */
  char *processed;   /* base + the answer processed and assigned on fe01 */
  char *answer_tp;   /* thumbprint of the answer's certificate */
} Templates;

/* One operation: which deployment it starts from and certctl's arguments (after
 * --deployment DIR); "@" at the start of an argument stands for the inputs folder. To add
 * an operation (a passphrase change, say), add a row. */
typedef struct
{
  const char *name;
  gboolean from_processed;
  const char *args[12];
} Operation;

static const Operation operations[] = {
  { "import-chain", FALSE, { "import", "chain", "--all", "@/chain.pem" } },
  { "import-pfx", FALSE, { "import", "pfx", "--server", FE01, "@/edge.pfx",
                           "--password-file", "@/password" } },
  { "request-process", FALSE, { "request", "process", "--server", FE01, "@/answer.cer" } },
  { "distribute", TRUE, { "distribute", "--pool", FE_POOL, "%ANSWER%" } },
};

static Templates templates;
static guint kills_survived;
static guint failures_survived;

/* ---- running certctl ---- */

typedef struct
{
  gboolean killed;   /* ended by SIGKILL */
  int status;        /* exit status otherwise */
  char *err;
  gint64 usec;       /* how long it ran */
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_pointer (&o->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static GPtrArray *
op_argv (const Operation *op, const char *dir)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (g_getenv ("CERTCTL")));
  g_ptr_array_add (argv, g_strdup ("--deployment"));
  g_ptr_array_add (argv, g_strdup (dir));
  for (guint i = 0; op->args[i] != NULL; i++)
    {
      const char *a = op->args[i];
      if (a[0] == '@')
        g_ptr_array_add (argv, g_strconcat (templates.inputs, a + 1, NULL));
      else if (g_str_equal (a, "%ANSWER%"))
        g_ptr_array_add (argv, g_strdup (templates.answer_tp));
      else
        g_ptr_array_add (argv, g_strdup (a));
    }
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs op on dir with CC_TEST_FAULT=fault (NULL: none), killing it after kill_after_usec
 * (negative: never). */
static void
run_op (const Operation *op, const char *dir, const char *fault, gint64 kill_after_usec,
        Outcome *out)
{
  g_autoptr(GPtrArray) argv = op_argv (op, dir);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;
  gint64 start;

  if (fault != NULL)
    g_subprocess_launcher_setenv (launcher, "CC_TEST_FAULT", fault, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "CC_TEST_FAULT");
  start = g_get_monotonic_time ();
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  if (kill_after_usec >= 0)
    {
      g_usleep (kill_after_usec);
      g_subprocess_send_signal (proc, SIGKILL);
    }
  g_subprocess_communicate (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  out->usec = g_get_monotonic_time () - start;
  out->killed = g_subprocess_get_if_signaled (proc)
                && g_subprocess_get_term_sig (proc) == SIGKILL;
  out->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  g_clear_pointer (&out->err, g_free);
  out->err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
}

static void
run_tool (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) first);
  va_start (ap, first);
  for (const char *a; (a = va_arg (ap, const char *)) != NULL;)
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH
                | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
copy_tree (const char *from, const char *to)
{
  cc_test_rmrf (to);
  run_tool ("cp", "-a", from, to, NULL);
}

/* ---- what a whole deployment is ---- */

/* Every file and link under path (folders left out: an empty store folder is the same as
 * none), with its content, except what differs between two runs of the same operation:
 * metadata files (they hold the time added) only by name, audit.log by its number of
 * lines. The lock file a killed process leaves behind is not part of the deployment. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
normal_form (GString *out, const char *root, const char *rel)
{
  g_autofree char *path = rel ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *child_rel = rel ? g_build_filename (rel, n, NULL) : g_strdup (n);
      g_autofree char *child = g_build_filename (root, child_rel, NULL);
      GStatBuf st;

      /* a store's index cache may be dropped or rebuilt by any load: it is no state */
      if (g_lstat (child, &st) != 0 || g_str_equal (child_rel, "deployment.lock")
          || g_str_equal (n, ".cc-index"))
        continue;
      if (S_ISDIR (st.st_mode))
        normal_form (out, root, child_rel);
      else if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (child, NULL);
          g_string_append_printf (out, "%s -> %s\n", child_rel, target);
        }
      else
        {
          g_autofree char *data = NULL;
          gsize len = 0;

          g_assert_true (g_file_get_contents (child, &data, &len, NULL));
          if (g_str_equal (child_rel, "audit.log"))
            {
              guint lines = 0;
              for (gsize k = 0; k < len; k++)
                lines += data[k] == '\n';
              g_string_append_printf (out, "%s %u lines\n", child_rel, lines);
            }
          else if (strstr (child_rel, "/personal/") && g_str_has_suffix (n, ".json"))
            g_string_append_printf (out, "%s %o\n", child_rel, (unsigned) (st.st_mode & 0777));
          else
            {
              g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                                  (const guchar *) data, len);
              g_string_append_printf (out, "%s %o %s\n", child_rel,
                                      (unsigned) (st.st_mode & 0777), sum);
            }
        }
    }
}

static char *
dup_normal_form (const char *dir)
{
  GString *out = g_string_new (NULL);
  normal_form (out, dir, NULL);
  return g_string_free (out, FALSE);
}

static X509 *
x509_from_pem (const char *pem, gsize len)
{
  BIO *bio = BIO_new_mem_buf (pem, (int) len);
  X509 *x = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  return x;
}

static EVP_PKEY *
key_from_pem (const char *pem, gsize len)
{
  BIO *bio = BIO_new_mem_buf (pem, (int) len);
  EVP_PKEY *k = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  return k;
}

static void
assert_key_matches (const char *cert_file, const char *key_file)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  gsize cert_len, key_len;
  X509 *x;
  EVP_PKEY *k;

  g_assert_true (g_file_get_contents (cert_file, &cert, &cert_len, NULL));
  g_assert_true (g_file_get_contents (key_file, &key, &key_len, NULL));
  x = x509_from_pem (cert, cert_len);
  k = key_from_pem (key, key_len);
  if (x == NULL || k == NULL || X509_check_private_key (x, k) != 1)
    g_error ("%s does not match %s", key_file, cert_file);
  X509_free (x);
  EVP_PKEY_free (k);
}

static void
assert_no_temporaries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (strstr (name, ".tmp-") != NULL || g_str_has_prefix (name, "deployment.journal"))
        g_error ("%s was left behind", child);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        assert_no_temporaries (child);
    }
}

/* Opens the deployment as the next program would (which takes back an interrupted change)
 * and checks that it is whole. */
static void
assert_whole (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = cc_deployment_open (dir, NULL, &error);
  g_autoptr(GPtrArray) servers = NULL;

  g_assert_no_error (error);
  assert_no_temporaries (dir);
  servers = cc_deployment_list_servers (d);
  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      g_autofree char *assigned = g_build_filename (cc_server_get_path (server), "assigned",
                                                    NULL);

      for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
        {
          CcStore *store = cc_server_get_store (server, kind);
          const char * const *problems;

          g_assert_true (cc_store_load (store, NULL, &error));
          g_assert_no_error (error);
          problems = cc_store_get_problems (store);
          if (problems != NULL && problems[0] != NULL)
            g_error ("%s: %s", cc_store_get_path (store), problems[0]);
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
            {
              g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (store), j);
              const char *id = cc_store_entry_get_id (entry);
              g_autofree char *pem = g_strdup_printf ("%s/%s.pem", cc_store_get_path (store), id);
              g_autofree char *key = g_strdup_printf ("%s/%s.key", cc_store_get_path (store), id);

              if (kind == CC_STORE_PERSONAL && g_file_test (key, G_FILE_TEST_EXISTS))
                assert_key_matches (pem, key);
            }
        }
      /* what a TLS server reads: each certificate with its key */
      for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
        {
          const char *tp = cc_server_get_assignment (server, iface);
          g_autofree char *pem = g_strdup_printf ("%s/%s.pem", assigned,
                                                  cc_interface_to_id (iface));
          g_autofree char *key = g_strdup_printf ("%s/%s.key", assigned,
                                                  cc_interface_to_id (iface));
          if (tp == NULL)
            continue;
          g_assert_nonnull (cc_store_lookup_id (cc_server_get_store (server, CC_STORE_PERSONAL),
                                                tp));
          if (g_file_test (pem, G_FILE_TEST_EXISTS))
            assert_key_matches (pem, key);
        }
    }
}

/* ---- the templates ---- */

static void
make_templates (void)
{
  CcTestPki *pki = cc_test_pki_new ();
  g_autofree char *chain = NULL;
  g_autofree char *file = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *pfx = NULL;
  g_autofree char *pw = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *edge_tp = NULL;
  g_autofree char *text = NULL;
  const char *certctl = g_getenv ("CERTCTL");
  g_autoptr(CcDeployment) d = NULL;
  g_autoptr(GError) error = NULL;
  CcServer *edge;
  CcStore *personal;

  templates.root = cc_test_make_tmpdir ();
  templates.inputs = g_build_filename (templates.root, "inputs", NULL);
  templates.base = g_build_filename (templates.root, "base", NULL);
  templates.processed = g_build_filename (templates.root, "processed", NULL);
  g_assert_cmpint (g_mkdir (templates.inputs, 0700), ==, 0);

  /* a chain no server trusts yet */
  chain = g_strconcat (cc_test_pki_get_root_pem (pki), cc_test_pki_get_issuing_pem (pki), NULL);
  file = g_build_filename (templates.inputs, "chain.pem", NULL);
  g_assert_true (g_file_set_contents (file, chain, -1, NULL));
  pw = g_build_filename (templates.inputs, "password", NULL);
  g_assert_true (g_file_set_contents (pw, "crash test\n", -1, NULL));

  run_tool (certctl, "--deployment", templates.base, "init", "--demo", NULL);
  /* edge01's certificate as a .pfx, to import on fe01, which does not have it */
  d = cc_deployment_open (templates.base, NULL, &error);
  g_assert_no_error (error);
  edge = cc_deployment_find_server (d, EDGE01);
  personal = cc_server_get_store (edge, CC_STORE_PERSONAL);
  g_assert_true (cc_store_load (personal, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (personal)), >, 0);
  {
    g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (personal), 0);
    edge_tp = g_strdup (cc_store_entry_get_id (e));
  }
  pfx = g_build_filename (templates.inputs, "edge.pfx", NULL);
  run_tool (certctl, "--deployment", templates.base, "export", "pfx", "--server", EDGE01,
            edge_tp, "--out", pfx, "--password-file", pw, "--include-chain", NULL);

  /* a pending request on fe01, and the lab CA's answer to it */
  csr = g_build_filename (templates.inputs, "request.csr", NULL);
  answer = g_build_filename (templates.inputs, "answer.cer", NULL);
  run_tool (certctl, "--deployment", templates.base, "request", "create", "--server", FE01,
            "--interface", "default", "--friendly-name", "crash test", "--key", "ec:p256",
            "--out", csr, NULL);
  ca = g_build_filename (templates.base, "ca", "contoso-lab-ca", "issuing.pem", NULL);
  ca_key = g_build_filename (templates.base, "ca", "contoso-lab-ca", "issuing.key", NULL);
  run_tool ("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
            "-copy_extensions", "copy", "-days", "30", "-out", answer, NULL);
  g_assert_true (g_file_get_contents (answer, &text, NULL, NULL));
  templates.answer_tp = cc_test_pem_thumbprint (text);

  /* processed and assigned on fe01, ready to be distributed to fe02 */
  copy_tree (templates.base, templates.processed);
  run_tool (certctl, "--deployment", templates.processed, "request", "process", "--server",
            FE01, answer, NULL);
  run_tool (certctl, "--deployment", templates.processed, "assign", "--server", FE01,
            templates.answer_tp, "--interface", "default", "--force", NULL);
  cc_test_pki_free (pki);
}

static void
free_templates (void)
{
  cc_test_rmrf (templates.root);
  g_free (templates.root);
  g_free (templates.inputs);
  g_free (templates.base);
  g_free (templates.processed);
  g_free (templates.answer_tp);
}

/* ---- the test ---- */

static void
check_after (const Operation *op, const char *work, const char *before, const char *after,
             const char *how)
{
  g_autofree char *now = NULL;

  assert_whole (work);
  now = dup_normal_form (work);
  if (g_strcmp0 (now, before) != 0 && g_strcmp0 (now, after) != 0)
    g_error ("%s, %s: the deployment is neither as before nor as after:\n%s\n"
             "--- before:\n%s\n--- after:\n%s", op->name, how, now, before, after);
}

static void
test_operation (gconstpointer data)
{
  const Operation *op = data;
  const char *from = op->from_processed ? templates.processed : templates.base;
  g_autofree char *work = g_build_filename (templates.root, "work", NULL);
  g_autofree char *before = dup_normal_form (from);
  g_autofree char *after = NULL;
  g_autofree char *exact_before = cc_test_snapshot_tree (from);
  const char *soak = g_getenv ("CC_TEST_CRASH_SOAK");
  guint n_timed = 50 * (soak ? MAX (1, atoi (soak)) : 1);
  guint steps = 0;
  guint kills = 0, fails = 0;
  gint64 duration;

  /* the operation as it should go, and how long it takes */
  {
    g_auto(Outcome) o = { 0 };
    copy_tree (from, work);
    run_op (op, work, NULL, -1, &o);
    g_assert_cmpint (o.status, ==, 0);
    duration = o.usec;
    assert_whole (work);
    after = dup_normal_form (work);
    g_assert_cmpstr (before, !=, after);
  }

  /* a kill at each write step, in turn, until the operation has no step left to kill */
  for (guint n = 1;; n++)
    {
      g_auto(Outcome) o = { 0 };
      g_autofree char *fault = g_strdup_printf ("kill:%u", n);
      g_autofree char *how = g_strdup_printf ("killed at write step %u", n);

      copy_tree (from, work);
      run_op (op, work, fault, -1, &o);
      check_after (op, work, before, after, how);
      if (!o.killed)
        {
          g_assert_cmpint (o.status, ==, 0);
          break;
        }
      kills++;
      steps = n;
    }
  g_assert_cmpuint (steps, >, 2);

  /* each write step failing as on a full disk or a read-only folder: a clear message
   * naming the file, and nothing changed at all */
  for (guint n = 1; n <= steps; n++)
    for (guint e = 0; e < 2; e++)
      {
        g_auto(Outcome) o = { 0 };
        g_autofree char *fault = g_strdup_printf ("%s:%u", e ? "erofs" : "enospc", n);
        g_autofree char *now = NULL;

        copy_tree (from, work);
        run_op (op, work, fault, -1, &o);
        g_assert_false (o.killed);
        if (o.status != 1)
          g_error ("%s with %s: exit %d: %s", op->name, fault, o.status, o.err);
        g_assert_true (g_str_has_prefix (o.err, "certctl: "));
        g_assert_nonnull (strstr (o.err, e ? g_strerror (EROFS) : g_strerror (ENOSPC)));
        g_assert_nonnull (strstr (o.err, work));
        g_assert_cmpuint (strchr (o.err, '\n') - o.err + 1, ==, strlen (o.err));
        assert_no_temporaries (work);
        now = cc_test_snapshot_tree (work);
        if (g_strcmp0 (now, exact_before) != 0)
          g_error ("%s with %s (%s): the deployment changed:\n%s\n--- before:\n%s", op->name,
                   fault, o.err, now, exact_before);
        fails++;
      }

  /* n_timed kills at moments spread over the operation's run, wherever they fall (a run
   * that ends before its kill is checked too, and tried again a little earlier) */
  for (guint i = 0, timed = 0; timed < n_timed && i < 4 * n_timed; i++)
    {
      g_auto(Outcome) o = { 0 };
      double share = (double) ((timed * 7919) % n_timed + 1) / (n_timed + 1);
      gint64 at = (gint64) (duration * share * (1.0 - 0.1 * (i - timed)))
                  + g_random_int_range (0, 500);
      g_autofree char *how = g_strdup_printf ("killed after %" G_GINT64_FORMAT " µs", at);

      copy_tree (from, work);
      run_op (op, work, NULL, MAX (at, 0), &o);
      check_after (op, work, before, after, how);
      if (o.killed)
        kills++, timed++;
    }

  g_test_message ("%s: %u write steps, %u kills survived, %u failures changed nothing "
                  "(one run: %" G_GINT64_FORMAT " ms)", op->name, steps, kills, fails,
                  duration / 1000);
  kills_survived += kills;
  failures_survived += fails;
  cc_test_rmrf (work);
}

static void
test_total (void)
{
  g_test_message ("in all: %u kills survived, %u failed writes left the deployment as it was",
                  kills_survived, failures_survived);
  g_assert_cmpuint (kills_survived, >=, 200);
}

int
main (int argc, char *argv[])
{
  g_autofree char *openssl = NULL;
  int status;

  /* a kill loses no more on a tmpfs than on a disk (the page cache survives it), and the
   * runs are several times faster there */
  if (g_getenv ("TMPDIR") == NULL && access ("/dev/shm", W_OK) == 0)
    g_setenv ("TMPDIR", "/dev/shm", TRUE);
  g_test_init (&argc, &argv, NULL);
  cc_core_init ();
  openssl = g_find_program_in_path ("openssl");
  if (openssl == NULL)
    {
      g_test_skip ("needs the openssl program to answer a request");
      return 77;
    }
  make_templates ();
  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    {
      g_autofree char *path = g_strdup_printf ("/crash/%s", operations[i].name);
      g_test_add_data_func (path, &operations[i], test_operation);
    }
  g_test_add_func ("/crash/total", test_total);
  status = g_test_run ();
  free_templates ();
  return status;
}
