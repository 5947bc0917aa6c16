/* test-cli-workflows.c: certctl's certificate workflows driven as a subprocess: requests,
 * answers, chains, .pfx in and out, assign, distribute, trust, check and lab CAs; every
 * failure path (exit code, one line naming the file or server, the folder unchanged); the
 * seeds' whole procedure on a fresh deployment ending in a real MTLS handshake; and .pfx
 * files exchanged with OpenSSL, GnuTLS and NSS. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cc-test-cli.h"
#include "cc-test-pki.h"

#define EDGE01 "edge01.contoso.com"
#define EDGE02 "edge02.contoso.com"
#define FE01 "fe01.contoso.com"
#define CWA01 "cwa01.contoso.com"
#define EDGE_POOL "edgepool.contoso.com"
#define FE_POOL "pool01.contoso.com"
#define DEMO_CA "Contoso Lab CA"

static gboolean
have (const char *program)
{
  g_autofree char *path = g_find_program_in_path (program);

  return path != NULL;
}

#define certctl(run, fx, ...) \
  cc_test_run_certctl ((run), (fx)->tmpdir, (fx)->dir, NULL, NULL, \
                       (const char *[]) { __VA_ARGS__, NULL })
#define certctl_stdin(run, fx, input, ...) \
  cc_test_run_certctl ((run), (fx)->tmpdir, (fx)->dir, NULL, (input), \
                       (const char *[]) { __VA_ARGS__, NULL })

static char *
path (CcTestFixture *fx,
      const char    *name)
{
  return g_build_filename (fx->tmpdir, name, NULL);
}

static void
write_file (const char *file,
            const void *contents,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (file, contents, len, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *file)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (file, &data, NULL, &error);
  g_assert_no_error (error);
  return data;
}

static char *
snapshot (CcTestFixture *fx)
{
  return cc_test_snapshot_tree (fx->dir);
}

/* runs a program (not certctl); its exit status (0 or 1); stdout+stderr in *out */
static int
run_tool (char **out, const char *cwd, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int status = -1;
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (cwd, (char **) argv->pdata, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, &text, NULL,
                &status, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    {
      g_autofree char *line = g_strjoinv (" ", (char **) argv->pdata);
      g_test_message ("%s: %d\n%s", line, status, text);
    }
  if (out != NULL)
    *out = g_steal_pointer (&text);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

/* stdout and stderr of a tool together, as in a terminal */
#define TOOL(out, fx, ...) run_tool ((out), (fx)->tmpdir, "sh", "-c", "exec \"$0\" \"$@\" 2>&1", \
                                     __VA_ARGS__, NULL)

/* Whether check's text has the row "SERVER  IFACE  STATUS ..." (columns padded). */
static gboolean
has_check_row (const char *out,
               const char *server,
               const char *iface,
               const char *status)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_regex_split_simple ("\\s+", lines[i], 0, 0);

      if (g_strv_length (words) >= 3 && g_str_equal (words[0], server)
          && g_str_equal (words[1], iface) && g_str_equal (words[2], status))
        return TRUE;
    }
  return FALSE;
}

static void
make_demo (CcTestFixture *fx)
{
  g_auto(CcTestRun) run = { 0 };

  certctl (&run, fx, "init", "--demo");
  cc_test_assert_ok (&run);
}

/* The thumbprint of the first certificate with a private key in a server's Personal store. */
static char *
first_personal (CcTestFixture *fx,
                const char    *server)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonArray) array = NULL;

  certctl (&run, fx, "--json", "list", "certs", "--server", server);
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (json_object_get_boolean_member (o, "has_private_key"))
        return g_strdup (json_object_get_string_member (o, "thumbprint"));
    }
  g_assert_not_reached ();
  return NULL;
}

static gboolean
personal_has (CcTestFixture *fx,
              const char    *server,
              const char    *thumbprint,
              gboolean      *exportable)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonArray) array = NULL;

  certctl (&run, fx, "--json", "list", "certs", "--server", server);
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (o, "thumbprint"), thumbprint))
        {
          if (exportable != NULL)
            *exportable = json_object_get_boolean_member (o, "exportable");
          return TRUE;
        }
    }
  return FALSE;
}

/* The thumbprint a server's interface is assigned (NULL when none). */
static char *
assignment (CcTestFixture *fx,
            const char    *server,
            const char    *iface)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonArray) array = NULL;

  certctl (&run, fx, "--json", "list", "servers");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      JsonObject *a = json_object_get_object_member (o, "assignments");

      if (g_str_equal (json_object_get_string_member (o, "fqdn"), server))
        return g_strdup (json_object_get_string_member_with_default (a, iface, NULL));
    }
  return NULL;
}

static char *
lab_file (CcTestFixture *fx,
          const char    *slug,
          const char    *name)
{
  return g_build_filename (fx->dir, "ca", slug, name, NULL);
}

/* Signs a CSR file with a lab CA's files using the openssl command, as an outside CA. */
static void
sign_with_openssl (CcTestFixture *fx,
                   const char    *slug,
                   const char    *csr,
                   const char    *answer)
{
  g_autofree char *ca = lab_file (fx, slug, "issuing.pem");
  g_autofree char *key = lab_file (fx, slug, "issuing.key");
  g_autofree char *out = NULL;

  g_assert_cmpint (TOOL (&out, fx, "openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey",
                         key, "-copy_extensions", "copy", "-days", "30", "-out", answer), ==, 0);
}

/* ------------------------------------------------------------------------ */

static void
test_help (CcTestFixture *fx,
           gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  const char *commands[][3] = {
    { "request", "create", "--friendly-name" }, { "request", "list", "--server" },
    { "request", "cancel", "IFACE" }, { "request", "show", "IFACE" },
    { "request", "process", "FILE" }, { "import", "chain", "--all" },
    { "import", "pfx", "--password-stdin" }, { "export", "pfx", "--legacy" },
    { "export", "cert", "--format" }, { "assign", NULL, "--force" },
    { "distribute", NULL, "--pool" }, { "trust", "verify", "--ca" },
    { "check", NULL, "--warning-days" }, { "ca", "create-lab", "--name" },
    { "ca", "list", "ca list" }, { "ca", "chain", "--out" },
  };
  const char *groups[] = { "request", "import", "export", "trust", "ca" };

  certctl (&run, fx, "--help");
  cc_test_assert_ok (&run);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *synopsis = commands[i][1]
        ? g_strdup_printf ("\n  %s %s ", commands[i][0], commands[i][1])
        : g_strdup_printf ("\n  %s ", commands[i][0]);

      if (strstr (run.out, synopsis) == NULL)
        g_error ("--help lacks '%s'", synopsis + 3);
    }
  g_assert_nonnull (strstr (run.out, "Exit status"));
  g_assert_null (strstr (run.out, "--password "));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(CcTestRun) help = { 0 };

      if (commands[i][1] != NULL)
        certctl (&help, fx, commands[i][0], commands[i][1], "--help");
      else
        certctl (&help, fx, commands[i][0], "--help");
      cc_test_assert_ok (&help);
      g_assert_nonnull (strstr (help.out, "Usage:"));
      if (strstr (help.out, commands[i][2]) == NULL)
        g_error ("'%s %s --help' lacks '%s'", commands[i][0], commands[i][1] ? commands[i][1] : "",
                 commands[i][2]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *first = g_strdup_printf ("\n  %s ", groups[i]);

      certctl (&run, fx, groups[i], "--help");
      cc_test_assert_ok (&run);
      g_assert_nonnull (strstr (run.out, first));
      g_assert_null (strstr (run.out, "site add"));
    }

  /* the exit status 3 is documented where it is used */
  certctl (&run, fx, "check", "--help");
  g_assert_nonnull (strstr (run.out, "3"));
  g_assert_nonnull (strstr (run.out, "warning"));
  certctl (&run, fx, "trust", "verify", "--help");
  g_assert_nonnull (strstr (run.out, "3"));
  certctl (&run, fx, "request", "create", "--help");
  g_assert_nonnull (strstr (run.out, "cwa-ssl-external"));
  g_assert_nonnull (strstr (run.out, "ec:p384"));
}

static void
test_usage_errors (CcTestFixture *fx,
                   gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *pw = path (fx, "pw");

  make_demo (fx);
  write_file (pw, "secret\n", -1);
  before = snapshot (fx);

  /* request */
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--friendly-name", "x");
  cc_test_assert_usage (&run, "--out");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--friendly-name", "x", "--out", "r.csr", "--ca", DEMO_CA);
  cc_test_assert_usage (&run, "--ca");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "mailbox",
           "--friendly-name", "x", "--out", "r.csr");
  cc_test_assert_usage (&run, "'mailbox'");
  g_assert_nonnull (strstr (run.err, "edge-internal, edge-access, edge-webconf, edge-av, "
                                     "default, cwa-mtls, cwa-ssl-internal, cwa-ssl-external"));
  certctl (&run, fx, "request", "create", "--interface", "default", "--friendly-name", "x",
           "--out", "r.csr");
  cc_test_assert_usage (&run, "--server");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--friendly-name", "x",
           "--out", "r.csr");
  cc_test_assert_usage (&run, "--interface");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--out", "r.csr");
  cc_test_assert_usage (&run, "--friendly-name");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--friendly-name", "x", "--out", "r.csr", "extra");
  cc_test_assert_usage (&run, "'extra'");
  certctl (&run, fx, "request", "cancel", "--server", EDGE01);
  cc_test_assert_usage (&run, "IFACE");
  certctl (&run, fx, "request", "cancel", "--server", EDGE01, "nothing");
  cc_test_assert_usage (&run, "'nothing'");
  certctl (&run, fx, "request", "show", "--server", EDGE01, "nothing");
  cc_test_assert_usage (&run, "'nothing'");
  certctl (&run, fx, "request", "process", "--server", EDGE01);
  cc_test_assert_usage (&run, "FILE");
  certctl (&run, fx, "request", "process", "answer.cer");
  cc_test_assert_usage (&run, "--server");
  certctl (&run, fx, "request", "list");
  cc_test_assert_usage (&run, "--server");
  certctl (&run, fx, "request", "frobnicate");
  cc_test_assert_usage (&run, "request frobnicate");

  /* passwords: never an argument */
  certctl (&run, fx, "import", "pfx", "--server", EDGE01, "x.pfx", "--password", "secret");
  cc_test_assert_usage (&run, "--password");
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, "0123456789abcdef", "--out", "x.pfx",
           "--password", "secret");
  cc_test_assert_usage (&run, "--password");
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, "0123456789abcdef", "--out", "x.pfx",
           "--password=secret");
  cc_test_assert_usage (&run, "--password");
  certctl (&run, fx, "import", "pfx", "--server", EDGE01, "x.pfx");
  cc_test_assert_usage (&run, "--password-file");
  certctl (&run, fx, "import", "pfx", "--server", EDGE01, "x.pfx", "--password-file", pw,
           "--password-stdin");
  cc_test_assert_usage (&run, "--password-stdin");
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, "0123456789abcdef", "--password-file",
           pw);
  cc_test_assert_usage (&run, "--out");
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, "0123", "--out", "x.pfx",
           "--password-file", pw);
  cc_test_assert_usage (&run, "'0123'");

  /* export cert */
  certctl (&run, fx, "export", "cert", "--server", EDGE01, "0123456789abcdef", "--out", "x.cer",
           "--format", "pkcs12");
  cc_test_assert_usage (&run, "'pkcs12'");
  certctl (&run, fx, "export", "cert", "--server", EDGE01, "0123456789abcdef", "--out", "x.cer",
           "--format", "der", "--include-chain");
  cc_test_assert_usage (&run, "--include-chain");

  /* targets */
  certctl (&run, fx, "import", "chain", "chain.p7b");
  cc_test_assert_usage (&run, "--all");
  certctl (&run, fx, "import", "chain", "--all", "--server", EDGE01, "chain.p7b");
  cc_test_assert_usage (&run, "--all");
  certctl (&run, fx, "assign", "0123456789abcdef", "--interface", "default");
  cc_test_assert_usage (&run, "--pool");
  certctl (&run, fx, "assign", "--server", EDGE01, "--pool", EDGE_POOL, "0123456789abcdef",
           "--interface", "default");
  cc_test_assert_usage (&run, "--pool");
  certctl (&run, fx, "assign", "--server", EDGE01, "0123456789abcdef");
  cc_test_assert_usage (&run, "--interface");
  certctl (&run, fx, "assign", "--server", EDGE01, "0123456789abcdef", "--interface", "nic0");
  cc_test_assert_usage (&run, "'nic0'");
  certctl (&run, fx, "distribute", "0123456789abcdef");
  cc_test_assert_usage (&run, "--pool");
  certctl (&run, fx, "trust", "verify", "--all");
  cc_test_assert_usage (&run, "--ca");
  certctl (&run, fx, "trust", "verify", "--ca", "0123456789abcdef");
  cc_test_assert_usage (&run, "--all");
  certctl (&run, fx, "trust", "verify", "--ca", "no-such-file.p7b", "--all");
  cc_test_assert_usage (&run, "no-such-file.p7b");
  certctl (&run, fx, "check", "--server", EDGE01, "--all");
  cc_test_assert_usage (&run, "--all");
  certctl (&run, fx, "check", "--warning-days", "-1");
  cc_test_assert_usage (&run, "--warning-days");
  certctl (&run, fx, "check", "--pending-days", "soon");
  cc_test_assert_usage (&run, "--pending-days");
  certctl (&run, fx, "ca", "create-lab");
  cc_test_assert_usage (&run, "--name");
  certctl (&run, fx, "ca", "chain", "--ca", DEMO_CA);
  cc_test_assert_usage (&run, "--out");
  certctl (&run, fx, "ca", "list", "all");
  cc_test_assert_usage (&run, "'all'");

  after = snapshot (fx);
  g_assert_cmpstr (before, ==, after);
}

static void
test_not_a_deployment (CcTestFixture *fx,
                       gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };

  g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
  certctl (&run, fx, "request", "list", "--server", EDGE01);
  cc_test_assert_failed (&run, fx->dir);
  certctl (&run, fx, "check");
  cc_test_assert_failed (&run, fx->dir);
  certctl (&run, fx, "ca", "list");
  cc_test_assert_failed (&run, fx->dir);
  certctl (&run, fx, "trust", "verify", "--ca", "0123456789abcdef", "--all");
  cc_test_assert_failed (&run, fx->dir);
  {
    g_autoptr(GDir) dir = g_dir_open (fx->dir, 0, NULL);
    g_assert_null (g_dir_read_name (dir));
  }
}

static void
test_request (CcTestFixture *fx,
              gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *csr_path = path (fx, "edge.csr");
  g_autofree char *csr = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonObject) o = NULL;
  JsonObject *req;

  make_demo (fx);

  /* offline: the CSR goes to a file, and certctl says what to do next */
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--friendly-name", "Edge pool", "--key", "ec:p256", "--exportable", "--org",
           "Contoso", "--ou", "IT", "--country", "US", "--state", "Washington", "--city",
           "Redmond", "--san", "edge-int.contoso.com", "--add-machine-name", "--out", "edge.csr");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "edge.csr"));
  g_assert_nonnull (strstr (run.out, "Submit edge.csr to your certification authority"));
  g_assert_nonnull (strstr (run.out, "certctl request process --server " EDGE01 " ANSWER"));
  csr = read_file (csr_path);
  g_assert_true (g_str_has_prefix (csr, "-----BEGIN CERTIFICATE REQUEST-----"));
  if (have ("openssl"))
    {
      g_autofree char *text = NULL;

      g_assert_cmpint (TOOL (&text, fx, "openssl", "req", "-in", "edge.csr", "-noout", "-text",
                             "-verify"), ==, 0);
      g_assert_nonnull (strstr (text, "CN = " EDGE_POOL));
      g_assert_nonnull (strstr (text, "O = Contoso"));
      g_assert_nonnull (strstr (text, "OU = IT"));
      g_assert_nonnull (strstr (text, "L = Redmond"));
      g_assert_nonnull (strstr (text, "DNS:" EDGE_POOL));
      g_assert_nonnull (strstr (text, "DNS:edge-int.contoso.com"));
      g_assert_nonnull (strstr (text, "DNS:" EDGE01));
      g_assert_nonnull (strstr (text, "TLS Web Client Authentication"));
    }

  /* list, text and JSON */
  certctl (&run, fx, "request", "list", "--server", EDGE01);
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "REQUEST"));
  g_assert_nonnull (strstr (run.out, "CN=" EDGE_POOL));
  g_assert_nonnull (strstr (run.out, "Edge pool"));
  g_assert_nonnull (strstr (run.out, "ec:p256"));
  certctl (&run, fx, "--json", "request", "list", "--server", EDGE01);
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  req = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (req, "id"), ==, "edge-internal");
  g_assert_cmpstr (json_object_get_string_member (req, "interface"), ==, "edge-internal");
  g_assert_cmpstr (json_object_get_string_member (req, "key"), ==, "ec:p256");
  g_assert_cmpstr (json_object_get_string_member (req, "friendly_name"), ==, "Edge pool");
  g_assert_cmpstr (json_object_get_string_member (req, "server"), ==, EDGE01);
  g_assert_nonnull (json_object_get_string_member (req, "added"));
  g_clear_pointer (&array, json_array_unref);
  certctl (&run, fx, "request", "list", "--server", FE01);
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "No requests"));

  /* show: the CSR itself */
  certctl (&run, fx, "request", "show", "--server", EDGE01, "edge-internal");
  cc_test_assert_ok (&run);
  g_assert_cmpstr (run.out, ==, csr);
  certctl (&run, fx, "--json", "request", "show", "--server", EDGE01, "edge-internal");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_cmpstr (json_object_get_string_member (o, "csr"), ==, csr);
  g_clear_pointer (&o, json_object_unref);

  /* refusals change nothing */
  before = snapshot (fx);
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--friendly-name", "again", "--out", "again.csr");
  cc_test_assert_failed (&run, EDGE01);
  g_assert_nonnull (strstr (run.err, "pending"));
  {
    g_autofree char *again = path (fx, "again.csr");
    g_assert_false (g_file_test (again, G_FILE_TEST_EXISTS));
  }
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-access",
           "--friendly-name", "weak", "--key", "rsa:1024", "--out", "weak.csr");
  cc_test_assert_failed (&run, "1024");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-access",
           "--friendly-name", "tiny", "--key", "rsa:512", "--out", "weak.csr");
  cc_test_assert_failed (&run, "rsa:512");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-access",
           "--friendly-name", "x", "--country", "USA", "--out", "weak.csr");
  cc_test_assert_failed (&run, "USA");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "cwa-mtls",
           "--friendly-name", "x", "--out", "weak.csr");
  cc_test_assert_failed (&run, EDGE01);
  certctl (&run, fx, "request", "create", "--server", "ghost.contoso.com", "--interface",
           "default", "--friendly-name", "x", "--out", "weak.csr");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-access",
           "--friendly-name", "x", "--ca", "Nobody CA");
  cc_test_assert_failed (&run, "Nobody CA");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-access",
           "--friendly-name", "x", "--out", "no-such-folder/x.csr");
  cc_test_assert_failed (&run, "no-such-folder/x.csr");
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-access",
           "--friendly-name", "x", "--out", fx->tmpdir);
  cc_test_assert_failed (&run, fx->tmpdir);
  certctl (&run, fx, "request", "cancel", "--server", FE01, "default");
  cc_test_assert_failed (&run, FE01);
  certctl (&run, fx, "request", "show", "--server", FE01, "default");
  cc_test_assert_failed (&run, FE01);
  g_assert_nonnull (strstr (run.err, "default"));
  certctl (&run, fx, "request", "list", "--server", "ghost.contoso.com");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  after = snapshot (fx);
  g_assert_cmpstr (before, ==, after);
  {
    g_autofree char *weak = path (fx, "weak.csr");
    g_assert_false (g_file_test (weak, G_FILE_TEST_EXISTS));
  }

  /* a weak key with the explicit yes: made, with a warning on stderr, exit 0 */
  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-access",
           "--friendly-name", "weak", "--key", "rsa:1024", "--allow-weak-key", "--out",
           "weak.csr");
  g_assert_cmpint (run.status, ==, 0);
  cc_test_assert_one_line (run.err, "1024");
  g_assert_nonnull (strstr (run.out, "weak.csr"));

  /* cancel: gone, and its key with it */
  certctl (&run, fx, "request", "cancel", "--server", EDGE01, "edge-access");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "edge-access"));
  {
    g_autofree char *key = g_build_filename (fx->dir, "servers", EDGE01, "requests",
                                             "edge-access.key", NULL);
    g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));
  }
  certctl (&run, fx, "request", "cancel", "--server", EDGE01, "edge-access");
  cc_test_assert_failed (&run, EDGE01);

  /* immediate: to the lab CA, installed at once */
  certctl (&run, fx, "--json", "request", "create", "--server", FE01, "--interface", "default",
           "--friendly-name", "FE now", "--ca", DEMO_CA);
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpstr (json_object_get_string_member (o, "server"), ==, FE01);
  g_assert_cmpstr (json_object_get_string_member (o, "interface"), ==, "default");
  g_assert_cmpstr (json_object_get_string_member (o, "subject"), ==, "CN=" FE_POOL);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "thumbprint")), ==, 64);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "changes")), >=, 1);
  g_assert_true (personal_has (fx, FE01, json_object_get_string_member (o, "thumbprint"), NULL));
  g_clear_pointer (&o, json_object_unref);
  certctl (&run, fx, "request", "list", "--server", FE01);
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "No requests"));
  certctl (&run, fx, "request", "create", "--server", FE01, "--interface", "default",
           "--friendly-name", "FE text", "--ca", DEMO_CA);
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, FE01 ": Personal: added"));
  g_assert_nonnull (strstr (run.out, "certctl assign --server " FE01));
}

static void
test_process (CcTestFixture *fx,
              gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  CcTestPki *pki = cc_test_fixture_get_pki (fx);
  CcTestCertOptions options = { .common_name = EDGE_POOL, .client_auth = TRUE };
  g_autofree char *key_pem = NULL;
  g_autofree char *other = cc_test_pki_issue (pki, &options, &key_pem);
  g_autofree char *answer = path (fx, "answer.cer");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint8 random[300];
  struct
  {
    const char *what;
    const void *data;
    gssize      len;
  } cases[] = {
    { "empty", "", 0 },
    { "random bytes", random, sizeof random },
    { "truncated", other, 300 },
    { "a private key", key_pem, -1 },
    { "a bad PEM", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", -1 },
    { "no pending request's key", other, -1 },
  };

  for (guint i = 0; i < sizeof random; i++)
    random[i] = g_test_rand_int_range (0, 256);
  make_demo (fx);

  /* nothing pending: refused, naming the server */
  write_file (answer, other, -1);
  certctl (&run, fx, "request", "process", "--server", EDGE01, "answer.cer");
  cc_test_assert_failed (&run, EDGE01);

  certctl (&run, fx, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--friendly-name", "Edge pool", "--key", "ec:p256", "--exportable", "--out",
           "edge.csr");
  cc_test_assert_ok (&run);
  before = snapshot (fx);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("answer: %s", cases[i].what);
      write_file (answer, cases[i].data, cases[i].len);
      certctl (&run, fx, "request", "process", "--server", EDGE01, "answer.cer");
      cc_test_assert_failed (&run, "answer.cer");
      after = snapshot (fx);
      g_assert_cmpstr (before, ==, after);
      g_clear_pointer (&after, g_free);
    }
  /* a missing file, a folder, an unreadable file */
  certctl (&run, fx, "request", "process", "--server", EDGE01, "no-such-answer.cer");
  cc_test_assert_failed (&run, "no-such-answer.cer");
  certctl (&run, fx, "request", "process", "--server", EDGE01, fx->tmpdir);
  cc_test_assert_failed (&run, fx->tmpdir);
  if (geteuid () != 0)
    {
      write_file (answer, other, -1);
      g_assert_cmpint (g_chmod (answer, 0), ==, 0);
      certctl (&run, fx, "request", "process", "--server", EDGE01, "answer.cer");
      cc_test_assert_failed (&run, "answer.cer");
      g_chmod (answer, 0600);
    }
  certctl (&run, fx, "request", "process", "--server", "ghost.contoso.com", "edge.csr");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  /* the CSR itself is not an answer */
  certctl (&run, fx, "request", "process", "--server", EDGE01, "edge.csr");
  cc_test_assert_failed (&run, "edge.csr");
  after = snapshot (fx);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&after, g_free);

  if (!have ("openssl"))
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  /* the real answer, signed by an outside CA (the openssl command) */
  sign_with_openssl (fx, "contoso-lab-ca", "edge.csr", "answer.cer");
  certctl (&run, fx, "request", "process", "--server", EDGE01, "answer.cer");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, EDGE01 ": Personal: added"));
  g_assert_nonnull (strstr (run.out, "--interface edge-internal"));
  {
    g_autofree char *answer_pem = read_file (answer);
    g_autofree char *tp = cc_test_pem_thumbprint (answer_pem);
    gboolean exportable = FALSE;

    g_assert_true (personal_has (fx, EDGE01, tp, &exportable));
    g_assert_true (exportable);
  }
  certctl (&run, fx, "request", "list", "--server", EDGE01);
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "No requests"));
  /* twice: nothing is pending any more */
  certctl (&run, fx, "request", "process", "--server", EDGE01, "answer.cer");
  cc_test_assert_failed (&run, EDGE01);
}

static char *
write_password (CcTestFixture *fx,
                const char    *name,
                const char    *contents)
{
  char *file = path (fx, name);

  write_file (file, contents, -1);
  g_chmod (file, 0600);
  return file;
}

static void
test_pfx (CcTestFixture *fx,
          gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *tp = NULL;
  g_autofree char *tp02 = NULL;
  g_autofree char *pw = NULL;
  g_autofree char *pw_crlf = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *pfx = path (fx, "edge.pfx");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonObject) o = NULL;
  gboolean exportable = TRUE;
  GStatBuf st;

  make_demo (fx);
  tp = first_personal (fx, EDGE01);
  tp02 = first_personal (fx, EDGE02);
  pw = write_password (fx, "pw", "s3cret pass\n");
  pw_crlf = write_password (fx, "pw-crlf", "s3cret pass\r\nsecond line\n");
  wrong = write_password (fx, "wrong", "not it\n");

  /* export: from a file, 0600 */
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, tp, "--out", "edge.pfx",
           "--password-file", "pw", "--include-chain");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, tp));
  g_assert_nonnull (strstr (run.out, "edge.pfx"));
  g_assert_cmpint (g_stat (pfx, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  if (have ("openssl"))
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (TOOL (&out, fx, "openssl", "pkcs12", "-in", "edge.pfx", "-passin",
                             "file:pw", "-nokeys"), ==, 0);
      g_assert_nonnull (strstr (out, "Contoso Lab CA Root"));
    }
  /* from standard input, a prefix, legacy, JSON */
  certctl_stdin (&run, fx, "s3cret pass\n", "--json", "export", "pfx", "--server", EDGE01,
                 "--out", "legacy.pfx", "--password-stdin", "--legacy", tp);
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_cmpstr (json_object_get_string_member (o, "thumbprint"), ==, tp);
  g_assert_true (json_object_get_boolean_member (o, "legacy"));
  g_clear_pointer (&o, json_object_unref);

  /* refusals change nothing and write nothing */
  before = snapshot (fx);
  certctl (&run, fx, "export", "pfx", "--server", EDGE02, tp02, "--out", "refused.pfx",
           "--password-file", "pw");
  cc_test_assert_failed (&run, EDGE02);
  g_assert_nonnull (strstr (run.err, "exportable"));
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, "00000000deadbeef", "--out",
           "refused.pfx", "--password-file", "pw");
  cc_test_assert_failed (&run, "00000000deadbeef");
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, tp, "--out", "refused.pfx",
           "--password-file", "no-such-password-file");
  cc_test_assert_failed (&run, "no-such-password-file");
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, tp, "--out", "refused.pfx",
           "--password-file", fx->tmpdir);
  cc_test_assert_failed (&run, fx->tmpdir);
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, tp, "--out", "no-such-folder/x.pfx",
           "--password-file", "pw");
  cc_test_assert_failed (&run, "no-such-folder/x.pfx");
  {
    g_autofree char *refused = path (fx, "refused.pfx");
    g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  }

  certctl (&run, fx, "import", "pfx", "--server", CWA01, "edge.pfx", "--password-file", "wrong");
  cc_test_assert_failed (&run, "edge.pfx");
  g_assert_nonnull (strstr (run.err, "password"));
  g_assert_null (strstr (run.err, "not it"));
  certctl_stdin (&run, fx, "wrong again\n", "import", "pfx", "--server", CWA01, "edge.pfx",
                 "--password-stdin");
  cc_test_assert_failed (&run, "edge.pfx");
  {
    g_autofree char *random = path (fx, "random.pfx");
    g_autofree char *empty = path (fx, "empty.pfx");
    g_autofree char *cert = path (fx, "cert.pfx");
    guint8 bytes[512];

    for (guint i = 0; i < sizeof bytes; i++)
      bytes[i] = g_test_rand_int_range (0, 256);
    write_file (random, bytes, sizeof bytes);
    write_file (empty, "", 0);
    write_file (cert, cc_test_pki_get_root_pem (cc_test_fixture_get_pki (fx)), -1);
    certctl (&run, fx, "import", "pfx", "--server", CWA01, "random.pfx", "--password-file", "pw");
    cc_test_assert_failed (&run, "random.pfx");
    certctl (&run, fx, "import", "pfx", "--server", CWA01, "empty.pfx", "--password-file", "pw");
    cc_test_assert_failed (&run, "empty.pfx");
    certctl (&run, fx, "import", "pfx", "--server", CWA01, "cert.pfx", "--password-file", "pw");
    cc_test_assert_failed (&run, "cert.pfx");
  }
  {
    /* truncated */
    g_autofree char *contents = NULL;
    g_autofree char *cut = path (fx, "cut.pfx");
    gsize len;

    g_file_get_contents (pfx, &contents, &len, NULL);
    write_file (cut, contents, len / 2);
    certctl (&run, fx, "import", "pfx", "--server", CWA01, "cut.pfx", "--password-file", "pw");
    cc_test_assert_failed (&run, "cut.pfx");
  }
  certctl (&run, fx, "import", "pfx", "--server", CWA01, "no-such.pfx", "--password-file", "pw");
  cc_test_assert_failed (&run, "no-such.pfx");
  certctl (&run, fx, "import", "pfx", "--server", "ghost.contoso.com", "edge.pfx",
           "--password-file", "pw");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  after = snapshot (fx);
  g_assert_cmpstr (before, ==, after);

  /* import: the first line of the file, \r\n stripped; not exportable unless asked */
  certctl (&run, fx, "import", "pfx", "--server", CWA01, "edge.pfx", "--password-file",
           "pw-crlf");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, CWA01 ": Personal: added"));
  g_assert_true (personal_has (fx, CWA01, tp, &exportable));
  g_assert_false (exportable);
  certctl_stdin (&run, fx, "s3cret pass\n", "--json", "import", "pfx", "--server", FE01,
                 "legacy.pfx", "--password-stdin", "--exportable");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_cmpstr (json_object_get_string_member (o, "thumbprint"), ==, tp);
  g_clear_pointer (&o, json_object_unref);
  g_assert_true (personal_has (fx, FE01, tp, &exportable));
  g_assert_true (exportable);

  /* an empty password is a password */
  {
    g_autofree char *empty_pw = write_password (fx, "empty-pw", "");

    certctl (&run, fx, "export", "pfx", "--server", EDGE01, tp, "--out", "nopass.pfx",
             "--password-file", "empty-pw");
    cc_test_assert_ok (&run);
    certctl_stdin (&run, fx, "\n", "import", "pfx", "--server", EDGE02, "nopass.pfx",
                   "--password-stdin");
    cc_test_assert_ok (&run);
  }

  /* the password is nowhere in the deployment */
  {
    g_autofree char *log_path = g_build_filename (fx->dir, "audit.log", NULL);
    g_autofree char *log = read_file (log_path);

    g_assert_null (strstr (log, "s3cret"));
    g_assert_nonnull (strstr (log, "export-pfx"));
  }
}

static void
test_export_cert (CcTestFixture *fx,
                  gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *tp = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *pem_path = path (fx, "edge.pem");
  g_autofree char *chain_path = path (fx, "edge-chain.pem");

  make_demo (fx);
  tp = first_personal (fx, EDGE01);

  certctl (&run, fx, "export", "cert", "--server", EDGE01, tp, "--out", "edge.pem");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "edge.pem"));
  pem = read_file (pem_path);
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
  g_assert_null (strstr (pem, "PRIVATE"));
  {
    g_autofree char *again = cc_test_pem_thumbprint (pem);
    g_assert_cmpstr (again, ==, tp);
  }
  certctl (&run, fx, "export", "cert", "--server", EDGE01, tp, "--out", "edge-chain.pem",
           "--include-chain");
  cc_test_assert_ok (&run);
  {
    g_autofree char *chain = read_file (chain_path);
    guint n = 0;

    for (const char *p = chain; (p = strstr (p, "-----BEGIN CERTIFICATE-----")) != NULL; p++)
      n++;
    g_assert_cmpuint (n, ==, 3);
  }
  certctl (&run, fx, "--json", "export", "cert", "--server", EDGE01, tp, "--out", "edge.der",
           "--format", "der");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "export", "cert", "--server", EDGE01, tp, "--out", "edge.p7b",
           "--format", "p7b", "--include-chain");
  cc_test_assert_ok (&run);
  if (have ("openssl"))
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (TOOL (&out, fx, "openssl", "x509", "-in", "edge.der", "-inform", "DER",
                             "-noout", "-subject"), ==, 0);
      g_assert_nonnull (strstr (out, EDGE_POOL));
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (TOOL (&out, fx, "openssl", "pkcs7", "-in", "edge.p7b", "-inform", "DER",
                             "-print_certs", "-noout"), ==, 0);
      g_assert_nonnull (strstr (out, "Contoso Lab CA Root"));
    }

  before = snapshot (fx);
  certctl (&run, fx, "export", "cert", "--server", EDGE01, "00000000deadbeef", "--out", "x.pem");
  cc_test_assert_failed (&run, EDGE01);
  certctl (&run, fx, "export", "cert", "--server", "ghost.contoso.com", tp, "--out", "x.pem");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "export", "cert", "--server", EDGE01, tp, "--out", "no-such-folder/x.pem");
  cc_test_assert_failed (&run, "no-such-folder/x.pem");
  after = snapshot (fx);
  g_assert_cmpstr (before, ==, after);
}

static void
test_assign_distribute (CcTestFixture *fx,
                        gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *tp = NULL;
  g_autofree char *new_tp = NULL;
  g_autofree char *old02 = NULL;
  g_autofree char *pw = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *assigned = NULL;
  g_autoptr(JsonObject) o = NULL;

  make_demo (fx);
  tp = first_personal (fx, EDGE01);
  pw = write_password (fx, "pw", "p\n");

  /* a certificate made for another name: refused with every reason, nothing changes */
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, tp, "--out", "edge.pfx",
           "--password-file", "pw", "--include-chain");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "import", "pfx", "--server", CWA01, "edge.pfx", "--password-file", "pw");
  cc_test_assert_ok (&run);
  before = snapshot (fx);
  certctl (&run, fx, "assign", "--server", CWA01, tp, "--interface", "cwa-mtls");
  cc_test_assert_failed (&run, CWA01);
  g_assert_nonnull (strstr (run.err, EDGE_POOL));
  g_assert_nonnull (strstr (run.err, "exportable"));
  g_assert_nonnull (strstr (run.err, "--force"));
  certctl (&run, fx, "assign", "--server", CWA01, tp, "--interface", "edge-internal");
  cc_test_assert_failed (&run, CWA01);
  certctl (&run, fx, "assign", "--server", CWA01, "00000000deadbeef", "--interface", "cwa-mtls");
  cc_test_assert_failed (&run, "00000000deadbeef");
  certctl (&run, fx, "assign", "--server", "ghost.contoso.com", tp, "--interface", "cwa-mtls");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "assign", "--pool", "ghost.contoso.com", tp, "--interface", "default");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "assign", "--pool", EDGE_POOL, tp, "--interface", "cwa-mtls");
  cc_test_assert_failed (&run, EDGE_POOL);
  after = snapshot (fx);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&before, g_free);
  g_clear_pointer (&after, g_free);

  /* forced: assigned, and the check says so */
  certctl (&run, fx, "assign", "--server", CWA01, tp, "--interface", "cwa-mtls", "--force");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "forced"));
  assigned = assignment (fx, CWA01, "cwa-mtls");
  g_assert_cmpstr (assigned, ==, tp);
  certctl (&run, fx, "check", "--server", CWA01);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.out, "error"));

  /* a new Edge certificate on the first server only: the pool is all or nothing */
  certctl (&run, fx, "--json", "request", "create", "--server", EDGE01, "--interface",
           "edge-internal", "--friendly-name", "Edge 2", "--exportable", "--ca", DEMO_CA);
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  new_tp = g_strdup (json_object_get_string_member (o, "thumbprint"));
  g_clear_pointer (&o, json_object_unref);
  old02 = assignment (fx, EDGE02, "edge-internal");
  before = snapshot (fx);
  certctl (&run, fx, "assign", "--pool", EDGE_POOL, new_tp, "--interface", "edge-internal");
  cc_test_assert_failed (&run, EDGE02);
  after = snapshot (fx);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&assigned, g_free);
  assigned = assignment (fx, EDGE01, "edge-internal");
  g_assert_cmpstr (assigned, !=, new_tp);
  g_clear_pointer (&assigned, g_free);
  assigned = assignment (fx, EDGE02, "edge-internal");
  g_assert_cmpstr (assigned, ==, old02);

  /* distribute: onto edge02 (not exportable there) */
  certctl (&run, fx, "distribute", "--pool", "ghost.contoso.com", new_tp);
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "distribute", "--pool", FE_POOL, new_tp);
  cc_test_assert_failed (&run, FE_POOL);
  certctl (&run, fx, "distribute", "--pool", EDGE_POOL, new_tp);
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, EDGE02 ": Personal: added"));
  {
    gboolean exportable = TRUE;

    g_assert_true (personal_has (fx, EDGE02, new_tp, &exportable));
    g_assert_false (exportable);
  }
  certctl (&run, fx, "--json", "distribute", "--pool", EDGE_POOL, new_tp);
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "changes")), ==, 0);
  g_clear_pointer (&o, json_object_unref);

  /* now the pool in one step, by a prefix */
  {
    g_autofree char *prefix = g_strndup (new_tp, 12);
    g_autofree char *a1 = NULL;
    g_autofree char *a2 = NULL;

    certctl (&run, fx, "assign", "--pool", EDGE_POOL, prefix, "--interface", "edge-internal");
    cc_test_assert_ok (&run);
    g_assert_nonnull (strstr (run.out, EDGE01 ": edge-internal: assigned"));
    g_assert_nonnull (strstr (run.out, EDGE02 ": edge-internal: assigned"));
    a1 = assignment (fx, EDGE01, "edge-internal");
    a2 = assignment (fx, EDGE02, "edge-internal");
    g_assert_cmpstr (a1, ==, new_tp);
    g_assert_cmpstr (a2, ==, new_tp);
  }

  /* what assigned/ holds is what a TLS server reads */
  {
    g_autofree char *pem_path = g_build_filename (fx->dir, "servers", EDGE02, "assigned",
                                                  "edge-internal.pem", NULL);
    g_autofree char *key_path = g_build_filename (fx->dir, "servers", EDGE02, "assigned",
                                                  "edge-internal.key", NULL);
    g_autofree char *pem = read_file (pem_path);
    g_autofree char *first = cc_test_pem_thumbprint (pem);
    GStatBuf st;

    g_assert_cmpstr (first, ==, new_tp);
    g_assert_cmpint (g_stat (key_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0077, ==, 0);
  }

  /* everything but the forced cwa01 checks clean */
  certctl (&run, fx, "--json", "check", "--pool", EDGE_POOL);
  g_assert_cmpint (run.status, ==, 0);
  o = cc_test_parse_json_object (run.out);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "summary"),
                                               "error"), ==, 0);
}

static void
test_trust_and_check (CcTestFixture *fx,
                      gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonObject) o = NULL;
  g_autofree char *root_tp = NULL;
  g_autofree char *second_root = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *prefix = NULL;
  CcTestPki *pki = cc_test_fixture_get_pki (fx);
  CcTestCertOptions leaf_options = { .common_name = "leaf.contoso.com" };
  g_autofree char *leaf_key = NULL;
  g_autofree char *leaf = cc_test_pki_issue (pki, &leaf_options, &leaf_key);
  g_autofree char *leaf_path = path (fx, "leaf.pem");
  g_autofree char *key_path = path (fx, "leaf.key");
  guint n_servers;

  make_demo (fx);
  write_file (leaf_path, leaf, -1);
  write_file (key_path, leaf_key, -1);

  /* ca list */
  certctl (&run, fx, "--json", "ca", "list");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  o = json_object_ref (json_array_get_object_element (array, 0));
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, DEMO_CA);
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "lab");
  root_tp = g_strdup (json_object_get_string_member (o, "root_thumbprint"));
  g_assert_cmpuint (strlen (root_tp), ==, 64);
  g_clear_pointer (&o, json_object_unref);
  g_clear_pointer (&array, json_array_unref);
  certctl (&run, fx, "ca", "list");
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "NAME"));
  g_assert_nonnull (strstr (run.out, root_tp));

  /* the demo CA is trusted everywhere: by thumbprint, by prefix (upper case, colons) */
  certctl (&run, fx, "--json", "trust", "verify", "--ca", root_tp, "--all");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  n_servers = json_array_get_length (array);
  g_assert_cmpuint (n_servers, >=, 5);
  for (guint i = 0; i < n_servers; i++)
    g_assert_true (json_object_get_boolean_member (json_array_get_object_element (array, i),
                                                   "trusted"));
  g_clear_pointer (&array, json_array_unref);
  prefix = g_ascii_strup (root_tp, 10);
  certctl (&run, fx, "trust", "verify", "--ca", prefix, "--pool", EDGE_POOL);
  cc_test_assert_ok (&run);
  g_assert_cmpstr (run.out, ==, EDGE01 ": trusted\n" EDGE02 ": trusted\n");

  /* a second lab CA: trusted nowhere until its chain is imported */
  certctl (&run, fx, "ca", "create-lab", "--name", "Second CA");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "Second CA"));
  certctl (&run, fx, "ca", "chain", "--ca", "Second CA", "--out", "second.p7b");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "second.p7b"));
  certctl (&run, fx, "trust", "verify", "--ca", "second.p7b", "--all");
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_nonnull (strstr (run.out, EDGE01 ": NOT trusted\n"));
  g_assert_null (strstr (run.out, ": trusted"));
  /* its thumbprint is on no server yet */
  certctl (&run, fx, "--json", "ca", "list");
  array = cc_test_parse_json_array (run.out);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *ca = json_array_get_object_element (array, i);
      if (g_str_equal (json_object_get_string_member (ca, "name"), "Second CA"))
        second_root = g_strdup (json_object_get_string_member (ca, "root_thumbprint"));
    }
  g_clear_pointer (&array, json_array_unref);
  g_assert_nonnull (second_root);
  certctl (&run, fx, "trust", "verify", "--ca", second_root, "--all");
  cc_test_assert_failed (&run, second_root);

  /* refusals */
  before = snapshot (fx);
  certctl (&run, fx, "ca", "create-lab", "--name", "Second CA");
  cc_test_assert_failed (&run, "Second CA");
  certctl (&run, fx, "ca", "chain", "--ca", "Nobody CA", "--out", "x.p7b");
  cc_test_assert_failed (&run, "Nobody CA");
  certctl (&run, fx, "import", "chain", "--all", "leaf.pem");
  cc_test_assert_failed (&run, "leaf.pem");
  certctl (&run, fx, "import", "chain", "--all", "leaf.key");
  cc_test_assert_failed (&run, "leaf.key");
  certctl (&run, fx, "import", "chain", "--all", "no-such-chain.p7b");
  cc_test_assert_failed (&run, "no-such-chain.p7b");
  certctl (&run, fx, "import", "chain", "--server", "ghost.contoso.com", "second.p7b");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "import", "chain", "--pool", "ghost.contoso.com", "second.p7b");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "trust", "verify", "--ca", "leaf.key", "--all");
  cc_test_assert_failed (&run, "leaf.key");
  certctl (&run, fx, "trust", "verify", "--ca", "second.p7b", "--server", "ghost.contoso.com");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "check", "--server", "ghost.contoso.com");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  certctl (&run, fx, "check", "--pool", "ghost.contoso.com");
  cc_test_assert_failed (&run, "ghost.contoso.com");
  after = snapshot (fx);
  g_assert_cmpstr (before, ==, after);

  /* the pool imports it; the others still lack it */
  certctl (&run, fx, "import", "chain", "--pool", EDGE_POOL, "second.p7b");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, EDGE01 ": Trusted Root"));
  g_assert_nonnull (strstr (run.out, EDGE02 ": Trusted Root"));
  g_assert_null (strstr (run.out, FE01));
  certctl (&run, fx, "import", "chain", "--pool", EDGE_POOL, "second.p7b");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "Nothing to import"));
  certctl (&run, fx, "--json", "trust", "verify", "--ca", second_root, "--all");
  g_assert_cmpint (run.status, ==, 3);
  array = cc_test_parse_json_array (run.out);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *s = json_array_get_object_element (array, i);
      const char *fqdn = json_object_get_string_member (s, "server");
      gboolean in_pool = g_str_equal (fqdn, EDGE01) || g_str_equal (fqdn, EDGE02);

      g_assert_cmpint (json_object_get_boolean_member (s, "trusted"), ==, in_pool);
    }
  g_clear_pointer (&array, json_array_unref);
  certctl (&run, fx, "--json", "import", "chain", "--all", "second.p7b");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "changes")), ==,
                    2 * (n_servers - 2));
  g_clear_pointer (&o, json_object_unref);
  certctl (&run, fx, "trust", "verify", "--ca", "second.p7b", "--all");
  cc_test_assert_ok (&run);

  /* check: the demo is clean */
  certctl (&run, fx, "check");
  cc_test_assert_ok (&run);
  g_assert_true (has_check_row (run.out, EDGE01, "edge-internal", "ok"));
  g_assert_nonnull (strstr (run.out, "0 warnings, 0 errors\n"));
  certctl (&run, fx, "--json", "check", "--all");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  {
    JsonObject *summary = json_object_get_object_member (o, "summary");
    JsonArray *items = json_object_get_array_member (o, "items");

    g_assert_cmpint (json_object_get_int_member (summary, "ok"), ==, 6);
    g_assert_cmpint (json_object_get_int_member (summary, "warning"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (summary, "error"), ==, 0);
    g_assert_cmpuint (json_array_get_length (items), ==, 6);
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "ok");
        g_assert_nonnull (json_object_get_string_member (item, "interface"));
        g_assert_cmpuint (strlen (json_object_get_string_member (item, "thumbprint")), ==, 64);
        g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (item, "reasons")));
      }
  }
  g_clear_pointer (&o, json_object_unref);

  /* a longer warning period: warnings, exit 3 */
  certctl (&run, fx, "check", "--warning-days", "3650");
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_nonnull (strstr (run.out, "  warning  "));
  g_assert_nonnull (strstr (run.out, "    it expires on"));
  g_assert_nonnull (strstr (run.out, "0 ok, 6 warnings, 0 errors"));

  /* an old pending request is a server-wide warning */
  certctl (&run, fx, "request", "create", "--server", FE01, "--interface", "default",
           "--friendly-name", "old", "--key", "ec:p256", "--out", "old.csr");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "--json", "check", "--server", FE01, "--pending-days", "0");
  g_assert_cmpint (run.status, ==, 3);
  o = cc_test_parse_json_object (run.out);
  {
    JsonArray *items = json_object_get_array_member (o, "items");
    gboolean server_wide = FALSE;

    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        if (json_node_is_null (json_object_get_member (item, "interface")))
          {
            server_wide = TRUE;
            g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, "warning");
            g_assert_true (json_node_is_null (json_object_get_member (item, "thumbprint")));
          }
      }
    g_assert_true (server_wide);
  }
  g_clear_pointer (&o, json_object_unref);
  certctl (&run, fx, "check", "--server", FE01, "--pending-days", "0");
  g_assert_cmpint (run.status, ==, 3);
  g_assert_true (has_check_row (run.out, FE01, "(server)", "warning"));
  g_assert_nonnull (strstr (run.out, "pending"));
  certctl (&run, fx, "check", "--server", FE01);
  cc_test_assert_ok (&run);

  /* an empty deployment checks clean */
  {
    g_autofree char *empty = g_build_filename (fx->tmpdir, "empty", NULL);
    g_auto(CcTestRun) r = { 0 };

    cc_test_run_certctl (&r, fx->tmpdir, empty, NULL, NULL, (const char *[]) { "init", NULL });
    cc_test_assert_ok (&r);
    cc_test_run_certctl (&r, fx->tmpdir, empty, NULL, NULL, (const char *[]) { "check", NULL });
    cc_test_assert_ok (&r);
    g_assert_cmpstr (r.out, ==, "0 ok, 0 warnings, 0 errors\n");
    cc_test_run_certctl (&r, fx->tmpdir, empty, NULL, NULL,
                         (const char *[]) { "ca", "list", NULL });
    cc_test_assert_ok (&r);
    g_assert_nonnull (strstr (r.out, "ca create-lab"));
    cc_test_run_certctl (&r, fx->tmpdir, empty, NULL, NULL,
                         (const char *[]) { "import", "chain", "--all", "second.p7b", NULL });
    cc_test_assert_failed (&r, empty);
  }
}

/* ------------------------------------------------------------------------ */
/* The seeds' procedure, through certctl only, on a fresh deployment        */

/* edge01 serves its Edge internal interface; fe01 connects as a client with its own
 * certificate; each trusts only its own trusted-root folder. TLS 1.3. */
static gboolean
handshake (CcTestFixture *fx)
{
  g_autofree char *edge = g_build_filename (fx->dir, "servers", EDGE01, NULL);
  g_autofree char *fe = g_build_filename (fx->dir, "servers", FE01, NULL);
  g_autofree char *scert = g_build_filename (edge, "assigned", "edge-internal.pem", NULL);
  g_autofree char *skey = g_build_filename (edge, "assigned", "edge-internal.key", NULL);
  g_autofree char *sroots = g_build_filename (edge, "trusted-root", NULL);
  g_autofree char *ccert = g_build_filename (fe, "assigned", "default.pem", NULL);
  g_autofree char *ckey = g_build_filename (fe, "assigned", "default.key", NULL);
  g_autofree char *croots = g_build_filename (fe, "trusted-root", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) s_server = NULL;
  g_autoptr(GSubprocess) s_client = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *out = NULL;
  gboolean ok;

  /* a port may be taken: try a few */
  for (guint attempt = 0; attempt < 5 && s_server == NULL; attempt++)
    {
      g_autoptr(GDataInputStream) lines = NULL;

      g_free (accept);
      accept = g_strdup_printf ("127.0.0.1:%d", g_test_rand_int_range (20000, 60000));
      s_server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_MERGE
                                   | G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                                   "openssl", "s_server", "-accept", accept, "-naccept", "1",
                                   /* -cert sends the leaf alone; -cert_chain adds the
                                    * issuing CA from the same file, as nginx would */
                                   "-cert", scert, "-cert_chain", scert, "-key", skey,
                                   "-no-CAfile", "-no-CAstore", "-CApath", sroots,
                                   "-Verify", "4", "-verify_return_error", "-tls1_3", NULL);
      g_assert_no_error (error);
      lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s_server));
      for (;;)
        {
          g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, NULL);

          if (line == NULL)
            {
              /* it could not start */
              g_subprocess_wait (s_server, NULL, NULL);
              g_clear_object (&s_server);
              break;
            }
          if (g_str_has_prefix (line, "ACCEPT"))
            break;
        }
    }
  g_assert_nonnull (s_server);

  s_client = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                               "openssl", "s_client", "-connect", accept, "-cert", ccert,
                               "-cert_chain", ccert, "-key", ckey,
                               "-no-CAfile", "-no-CAstore", "-CApath", croots,
                               "-verify_return_error", "-verify_hostname", EDGE_POOL,
                               "-tls1_3", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (s_client, "Q\n", NULL, &out, NULL, &error);
  g_assert_no_error (error);
  ok = g_subprocess_get_if_exited (s_client) && g_subprocess_get_exit_status (s_client) == 0
       && strstr (out, "Verify return code: 0 (ok)") != NULL;
  g_test_message ("s_client: %s", ok ? "handshake ok" : out);
  g_subprocess_force_exit (s_server);
  g_subprocess_wait (s_server, NULL, NULL);
  return ok;
}

/* Deletes a certificate file of a trusted-root folder and the hash links that point to it,
 * as an administrator would by hand. */
static void
remove_trusted_root (CcTestFixture *fx,
                     const char    *server,
                     const char    *thumbprint)
{
  g_autofree char *folder = g_build_filename (fx->dir, "servers", server, "trusted-root", NULL);
  g_autofree char *pem_name = g_strconcat (thumbprint, ".pem", NULL);
  g_autofree char *pem = g_build_filename (folder, pem_name, NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (folder, name, NULL);
      g_autofree char *target = g_file_read_link (file, NULL);

      if (target != NULL)
        {
          g_autofree char *base = g_path_get_basename (target);
          if (g_str_equal (base, pem_name))
            g_ptr_array_add (links, g_steal_pointer (&file));
        }
    }
  g_assert_cmpuint (links->len, >=, 1);
  for (guint i = 0; i < links->len; i++)
    g_assert_cmpint (g_unlink (g_ptr_array_index (links, i)), ==, 0);
  g_assert_cmpint (g_unlink (pem), ==, 0);
}

static void
test_seed_procedure (CcTestFixture *fx,
                     gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonObject) o = NULL;
  g_autofree char *edge_tp = NULL;
  g_autofree char *fe_tp = NULL;
  g_autofree char *root_tp = NULL;
  g_autofree char *pw = NULL;
  const char *edges[] = { EDGE01, EDGE02 };
  const char *servers[] = { EDGE01, EDGE02, FE01 };

  if (!have ("openssl"))
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  /* the topology */
  certctl (&run, fx, "init");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "site", "add", "Redmond");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "pool", "add", "--site", "Redmond", "--fqdn", EDGE_POOL, "--load-balancer");
  cc_test_assert_ok (&run);
  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    {
      certctl (&run, fx, "server", "add", "--pool", EDGE_POOL, "--fqdn", edges[i], "--role",
               "edge");
      cc_test_assert_ok (&run);
    }
  certctl (&run, fx, "pool", "add", "--site", "Redmond", "--fqdn", FE_POOL, "--load-balancer");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "server", "add", "--pool", FE_POOL, "--fqdn", FE01, "--role", "front-end");
  cc_test_assert_ok (&run);

  /* the CA, its chain downloaded and imported server by server (seed 001) */
  certctl (&run, fx, "--json", "ca", "create-lab", "--name", "Corp CA");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  root_tp = g_strdup (json_object_get_string_member (json_object_get_object_member (o, "ca"),
                                                     "root_thumbprint"));
  g_clear_pointer (&o, json_object_unref);
  certctl (&run, fx, "ca", "chain", "--ca", "Corp CA", "--out", "chain.p7b");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "trust", "verify", "--ca", "chain.p7b", "--all");
  g_assert_cmpint (run.status, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      certctl (&run, fx, "import", "chain", "--server", servers[i], "chain.p7b");
      cc_test_assert_ok (&run);
      g_assert_nonnull (strstr (run.out, "Trusted Root"));
    }
  certctl (&run, fx, "trust", "verify", "--ca", "chain.p7b", "--all");
  cc_test_assert_ok (&run);
  g_assert_cmpstr (run.out, ==, EDGE01 ": trusted\n" EDGE02 ": trusted\n" FE01 ": trusted\n");

  /* the Edge certificate, at once from the lab CA, exportable */
  certctl (&run, fx, "--json", "request", "create", "--server", EDGE01, "--interface",
           "edge-internal", "--friendly-name", "Edge internal", "--exportable", "--ca",
           "Corp CA");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  edge_tp = g_strdup (json_object_get_string_member (o, "thumbprint"));
  g_assert_cmpstr (json_object_get_string_member (o, "subject"), ==, "CN=" EDGE_POOL);
  g_clear_pointer (&o, json_object_unref);

  /* the Front End certificate, offline: request file out, signed by an outside CA, answer in */
  certctl (&run, fx, "request", "create", "--server", FE01, "--interface", "default",
           "--friendly-name", "Front End", "--out", "req.csr");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "Submit req.csr"));
  sign_with_openssl (fx, "corp-ca", "req.csr", "answer.cer");
  certctl (&run, fx, "request", "process", "--server", FE01, "answer.cer");
  cc_test_assert_ok (&run);
  {
    g_autofree char *answer = path (fx, "answer.cer");
    g_autofree char *pem = read_file (answer);
    fe_tp = cc_test_pem_thumbprint (pem);
  }
  g_assert_nonnull (strstr (run.out, fe_tp));

  /* .pfx from the first Edge Server onto the second, not exportable there (seed 001) */
  pw = write_password (fx, "pfx-password", "Pa55 word\n");
  certctl (&run, fx, "export", "pfx", "--server", EDGE01, edge_tp, "--out", "edge.pfx",
           "--password-file", "pfx-password", "--include-chain");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "import", "pfx", "--server", EDGE02, "edge.pfx", "--password-file",
           "pfx-password");
  cc_test_assert_ok (&run);
  {
    gboolean exportable = TRUE;

    g_assert_true (personal_has (fx, EDGE02, edge_tp, &exportable));
    g_assert_false (exportable);
  }

  /* assign */
  certctl (&run, fx, "assign", "--server", EDGE01, edge_tp, "--interface", "edge-internal");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "assign", "--server", EDGE02, edge_tp, "--interface", "edge-internal");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "assign", "--server", FE01, fe_tp, "--interface", "default");
  cc_test_assert_ok (&run);

  /* check: the answer was signed for 30 days, so the default 30-day expiry warning fires;
   * a shorter warning period shows the rest is right */
  certctl (&run, fx, "check", "--all");
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.out, "it expires on"));
  g_assert_nonnull (strstr (run.out, "0 errors"));
  certctl (&run, fx, "check", "--all", "--warning-days", "14");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "3 ok, 0 warnings, 0 errors"));
  certctl (&run, fx, "--json", "check", "--all", "--warning-days", "14");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "summary"),
                                               "ok"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "items")), ==, 3);
  g_clear_pointer (&o, json_object_unref);

  /* the proof: a real MTLS handshake with what assigned/ holds */
  g_assert_true (handshake (fx));

  /* fe01 no longer trusts the CA: the handshake fails, and check says why */
  remove_trusted_root (fx, FE01, root_tp);
  g_assert_false (handshake (fx));
  certctl (&run, fx, "check", "--server", FE01, "--warning-days", "14");
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_true (has_check_row (run.out, FE01, "default", "error"));
  g_assert_nonnull (strstr (run.out, "trusted on " FE01));
  g_assert_nonnull (strstr (run.out, "1 error"));
  certctl (&run, fx, "trust", "verify", "--ca", "chain.p7b", "--server", FE01);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpstr (run.out, ==, FE01 ": NOT trusted\n");

  /* and the chain imported again puts it right */
  certctl (&run, fx, "import", "chain", "--server", FE01, "chain.p7b");
  cc_test_assert_ok (&run);
  certctl (&run, fx, "check", "--server", FE01, "--warning-days", "14");
  cc_test_assert_ok (&run);
  g_assert_true (handshake (fx));
}

/* ------------------------------------------------------------------------ */
/* .pfx files from and for other tools                                      */

static void
test_interop (CcTestFixture *fx,
              gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  CcTestPki *pki = cc_test_fixture_get_pki (fx);
  g_autofree char *pw = NULL;
  g_autofree char *tp = NULL;
  g_autofree char *out = NULL;
  guint n = 0;
  gboolean ran = FALSE;

  make_demo (fx);
  pw = write_password (fx, "pw", "Interop 1\n");
  tp = first_personal (fx, EDGE01);

  /* a fresh leaf (and key) per tool, so each import is seen on its own */
#define NEW_LEAF(name) \
  G_STMT_START { \
    CcTestCertOptions o = { .common_name = name, .client_auth = TRUE }; \
    g_autofree char *key_pem = NULL; \
    g_autofree char *cert_pem = cc_test_pki_issue (pki, &o, &key_pem); \
    g_autofree char *cert_file = path (fx, "leaf.pem"); \
    g_autofree char *key_file = path (fx, "leaf.key"); \
    g_autofree char *ca_file = path (fx, "ca.pem"); \
    write_file (cert_file, cert_pem, -1); \
    write_file (key_file, key_pem, -1); \
    write_file (ca_file, cc_test_pki_get_issuing_pem (pki), -1); \
    g_free (leaf_tp); \
    leaf_tp = cc_test_pem_thumbprint (cert_pem); \
  } G_STMT_END
  {
    g_autofree char *leaf_tp = NULL;

    if (have ("openssl"))
      {
        ran = TRUE;
        /* OpenSSL 3's default (AES-256, PBKDF2, SHA-256 MAC) */
        NEW_LEAF ("openssl.contoso.com");
        g_assert_cmpint (TOOL (NULL, fx, "openssl", "pkcs12", "-export", "-in", "leaf.pem",
                               "-inkey", "leaf.key", "-certfile", "ca.pem", "-name", "from openssl",
                               "-passout", "file:pw", "-out", "openssl.pfx"), ==, 0);
        certctl (&run, fx, "import", "pfx", "--server", CWA01, "openssl.pfx", "--password-file",
                 "pw");
        cc_test_assert_ok (&run);
        g_assert_true (personal_has (fx, CWA01, leaf_tp, NULL));
        n++;

        /* legacy (RC2-40 and 3DES, SHA-1 MAC), as old Windows writes it */
        NEW_LEAF ("legacy.contoso.com");
        g_assert_cmpint (TOOL (NULL, fx, "openssl", "pkcs12", "-export", "-legacy", "-in",
                               "leaf.pem", "-inkey", "leaf.key", "-passout", "file:pw", "-out",
                               "legacy.pfx"), ==, 0);
        certctl (&run, fx, "import", "pfx", "--server", CWA01, "legacy.pfx", "--password-file",
                 "pw");
        cc_test_assert_ok (&run);
        g_assert_true (personal_has (fx, CWA01, leaf_tp, NULL));
        n++;

        /* what we export, OpenSSL reads */
        certctl (&run, fx, "export", "pfx", "--server", EDGE01, tp, "--out", "ours.pfx",
                 "--password-file", "pw", "--include-chain");
        cc_test_assert_ok (&run);
        certctl (&run, fx, "export", "pfx", "--server", EDGE01, tp, "--out", "ours-legacy.pfx",
                 "--password-file", "pw", "--include-chain", "--legacy");
        cc_test_assert_ok (&run);
        g_assert_cmpint (TOOL (&out, fx, "openssl", "pkcs12", "-in", "ours.pfx", "-passin",
                               "file:pw", "-nokeys"), ==, 0);
        g_assert_nonnull (strstr (out, "Contoso Lab CA Root"));
        g_assert_nonnull (strstr (out, "CN = " EDGE_POOL));
        g_clear_pointer (&out, g_free);
        g_assert_cmpint (TOOL (&out, fx, "openssl", "pkcs12", "-in", "ours-legacy.pfx",
                               "-passin", "file:pw", "-nokeys"), ==, 0);
        g_clear_pointer (&out, g_free);
        g_assert_cmpint (TOOL (&out, fx, "openssl", "pkcs12", "-in", "ours.pfx", "-passin",
                               "pass:wrong", "-nokeys"), !=, 0);
        g_clear_pointer (&out, g_free);
      }

    if (have ("certtool"))
      {
        ran = TRUE;
        /* GnuTLS: with a password, and with none at all */
        NEW_LEAF ("gnutls.contoso.com");
        g_assert_cmpint (TOOL (NULL, fx, "certtool", "--to-p12", "--load-certificate", "leaf.pem",
                               "--load-privkey", "leaf.key", "--p12-name", "from gnutls",
                               "--password", "Interop 1", "--outder", "--outfile", "gnutls.pfx"),
                         ==, 0);
        certctl (&run, fx, "import", "pfx", "--server", CWA01, "gnutls.pfx", "--password-file",
                 "pw");
        cc_test_assert_ok (&run);
        g_assert_true (personal_has (fx, CWA01, leaf_tp, NULL));
        n++;
        NEW_LEAF ("gnutls-empty.contoso.com");
        g_assert_cmpint (TOOL (NULL, fx, "certtool", "--to-p12", "--load-certificate", "leaf.pem",
                               "--load-privkey", "leaf.key", "--p12-name", "no password",
                               "--empty-password", "--outder", "--outfile", "gnutls-empty.pfx"),
                         ==, 0);
        certctl_stdin (&run, fx, "\n", "import", "pfx", "--server", CWA01, "gnutls-empty.pfx",
                       "--password-stdin");
        cc_test_assert_ok (&run);
        g_assert_true (personal_has (fx, CWA01, leaf_tp, NULL));
        n++;

        /* what we export, GnuTLS reads: both the default (AES-256, PBKDF2, SHA-256 MAC) and
         * the legacy (3DES, SHA-1 MAC) file. certtool takes PEM input unless told --inder. */
        if (have ("openssl"))
          {
            g_assert_cmpint (TOOL (&out, fx, "certtool", "--p12-info", "--inder", "--password",
                                   "Interop 1", "--infile", "ours.pfx"), ==, 0);
            g_assert_nonnull (strstr (out, "AES-256-CBC"));
            g_assert_nonnull (strstr (out, "BEGIN ENCRYPTED PRIVATE KEY"));
            g_clear_pointer (&out, g_free);
            g_assert_cmpint (TOOL (&out, fx, "certtool", "--p12-info", "--inder", "--password",
                                   "Interop 1", "--infile", "ours-legacy.pfx"), ==, 0);
            g_assert_nonnull (strstr (out, "3DES"));
            g_clear_pointer (&out, g_free);
            g_assert_cmpint (TOOL (&out, fx, "certtool", "--p12-info", "--inder", "--password",
                                   "wrong", "--infile", "ours.pfx"), !=, 0);
            g_clear_pointer (&out, g_free);
          }
      }

    if (have ("certutil") && have ("pk12util") && have ("openssl"))
      {
        g_autofree char *nssdb = path (fx, "nssdb");

        ran = TRUE;
        /* NSS: a .pfx imported into a database, exported again by pk12util */
        g_assert_cmpint (g_mkdir (nssdb, 0700), ==, 0);
        g_assert_cmpint (TOOL (&out, fx, "certutil", "-N", "-d", "sql:nssdb",
                               "--empty-password"), ==, 0);
        g_clear_pointer (&out, g_free);
        NEW_LEAF ("nss.contoso.com");
        g_assert_cmpint (TOOL (NULL, fx, "openssl", "pkcs12", "-export", "-in", "leaf.pem",
                               "-inkey", "leaf.key", "-name", "nsstest", "-passout", "file:pw",
                               "-out", "to-nss.pfx"), ==, 0);
        g_assert_cmpint (TOOL (&out, fx, "pk12util", "-i", "to-nss.pfx", "-d", "sql:nssdb",
                               "-W", "Interop 1"), ==, 0);
        g_clear_pointer (&out, g_free);
        g_assert_cmpint (TOOL (&out, fx, "pk12util", "-o", "from-nss.pfx", "-n", "nsstest",
                               "-d", "sql:nssdb", "-W", "Interop 1", "-K", ""), ==, 0);
        g_clear_pointer (&out, g_free);
        certctl (&run, fx, "import", "pfx", "--server", CWA01, "from-nss.pfx",
                 "--password-file", "pw");
        cc_test_assert_ok (&run);
        g_assert_true (personal_has (fx, CWA01, leaf_tp, NULL));
        n++;

        /* and NSS takes ours */
        g_assert_cmpint (TOOL (&out, fx, "pk12util", "-i", "ours.pfx", "-d", "sql:nssdb",
                               "-W", "Interop 1"), ==, 0);
        g_clear_pointer (&out, g_free);
        g_assert_cmpint (TOOL (&out, fx, "certutil", "-L", "-d", "sql:nssdb"), ==, 0);
        g_assert_nonnull (strstr (out, "Edge"));
        g_clear_pointer (&out, g_free);
      }
  }
#undef NEW_LEAF

  g_test_message ("%u foreign .pfx files imported", n);
  if (!ran)
    g_test_skip ("none of openssl, certtool, pk12util is installed");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/cli-workflows/" path, CcTestFixture, NULL, \
                                   cc_test_fixture_setup, func, cc_test_fixture_teardown)
  ADD ("help", test_help);
  ADD ("usage-errors", test_usage_errors);
  ADD ("not-a-deployment", test_not_a_deployment);
  ADD ("request", test_request);
  ADD ("process", test_process);
  ADD ("pfx", test_pfx);
  ADD ("export-cert", test_export_cert);
  ADD ("assign-distribute", test_assign_distribute);
  ADD ("trust-and-check", test_trust_and_check);
  ADD ("seed-procedure", test_seed_procedure);
  ADD ("interop", test_interop);
#undef ADD

  return g_test_run ();
}
