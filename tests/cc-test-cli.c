/* cc-test-cli.c: certctl run as a subprocess, and what the CLI tests check of its output. */
#include <string.h>

#include "cc-test-cli.h"

void
cc_test_fixture_setup (CcTestFixture *fx,
                       gconstpointer  data)
{
  fx->tmpdir = cc_test_make_tmpdir ();
  fx->dir = g_build_filename (fx->tmpdir, "dep", NULL);
}

void
cc_test_fixture_teardown (CcTestFixture *fx,
                          gconstpointer  data)
{
  g_clear_pointer (&fx->pki, cc_test_pki_free);
  cc_test_rmrf (fx->tmpdir);
  g_free (fx->tmpdir);
  g_free (fx->dir);
}

CcTestPki *
cc_test_fixture_get_pki (CcTestFixture *fx)
{
  if (fx->pki == NULL)
    fx->pki = cc_test_pki_new ();
  return fx->pki;
}

void
cc_test_run_clear (CcTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* a command certctl runs under (build-aux/test --valgrind), parsed once for the process;
 * only runs to completion use it (cc_test_run_certctl), not those started to be killed */
static char **wrapper;

static GPtrArray *
certctl_argv (const char         *dir,
              const char * const *args,
              gboolean            wrapped)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *certctl = g_getenv ("CERTCTL");
  static gsize wrapper_parsed;

  g_assert_nonnull (certctl);
  if (g_once_init_enter (&wrapper_parsed))
    {
      const char *w = g_getenv ("CC_TEST_CERTCTL_WRAPPER");
      if (w != NULL && *w != '\0')
        g_assert_true (g_shell_parse_argv (w, NULL, &wrapper, NULL));
      g_once_init_leave (&wrapper_parsed, 1);
    }
  for (guint i = 0; wrapped && wrapper != NULL && wrapper[i] != NULL; i++)
    g_ptr_array_add (argv, wrapper[i]);
  g_ptr_array_add (argv, (gpointer) certctl);
  if (dir != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--deployment");
      g_ptr_array_add (argv, (gpointer) dir);
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

static GSubprocess *
spawn_argv (GPtrArray   *argv,
            const char  *cwd,
            const char  *xdg,
            const char  *input,
            GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                        | (input ? G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                 : G_SUBPROCESS_FLAGS_STDIN_INHERIT));
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  if (xdg != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

GSubprocess *
cc_test_spawn_certctl (const char         *cwd,
                       const char         *dir,
                       const char         *xdg,
                       const char         *input,
                       const char * const *args,
                       GError            **error)
{
  g_autoptr(GPtrArray) argv = certctl_argv (dir, args, FALSE);

  return spawn_argv (argv, cwd, xdg, input, error);
}

void
cc_test_run_certctl (CcTestRun          *run,
                     const char         *cwd,
                     const char         *dir,
                     const char         *xdg,
                     const char         *input,
                     const char * const *args)
{
  g_autoptr(GPtrArray) argv = certctl_argv (dir, args, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = spawn_argv (argv, cwd, xdg, input, &error);

  g_assert_no_error (error);
  cc_test_run_clear (run);
  g_subprocess_communicate_utf8 (proc, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
  if (g_test_verbose ())
    {
      guint skip = 1 + (wrapper != NULL ? g_strv_length (wrapper) : 0);
      g_autofree char *line = g_strjoinv (" ", (char **) argv->pdata + skip);

      g_test_message ("certctl %s: %d\n%s%s", line, run->status, run->out, run->err);
    }
}

void
cc_test_assert_ok (CcTestRun *run)
{
  if (run->status != 0)
    g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
}

void
cc_test_assert_one_line (const char *err,
                         const char *mentions)
{
  const char *nl;

  if (!g_str_has_prefix (err, "certctl: "))
    g_error ("stderr is not 'certctl: ...': '%s'", err);
  nl = strchr (err, '\n');
  g_assert_nonnull (nl);
  g_assert_cmpstr (nl, ==, "\n");
  if (mentions != NULL && strstr (err, mentions) == NULL)
    g_error ("'%s' does not name '%s'", err, mentions);
}

void
cc_test_assert_failed (CcTestRun  *run,
                       const char *names)
{
  if (run->status != 1)
    g_error ("exit %d, not 1; stdout '%s' stderr '%s'", run->status, run->out, run->err);
  cc_test_assert_one_line (run->err, names);
  g_assert_cmpstr (run->out, ==, "");
}

void
cc_test_assert_usage (CcTestRun  *run,
                      const char *mentions)
{
  g_auto(GStrv) lines = g_strsplit (run->err, "\n", -1);

  if (run->status != 2)
    g_error ("exit %d, not 2; stdout '%s' stderr '%s'", run->status, run->out, run->err);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "certctl: "));
  g_assert_cmpstr (lines[1], ==, "Try 'certctl --help'.");
  g_assert_cmpstr (lines[2], ==, "");
  if (mentions != NULL && strstr (lines[0], mentions) == NULL)
    g_error ("'%s' does not mention '%s'", lines[0], mentions);
  g_assert_cmpstr (run->out, ==, "");
}

JsonNode *
cc_test_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

JsonArray *
cc_test_parse_json_array (const char *text)
{
  g_autoptr(JsonNode) root = cc_test_parse_json (text);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

JsonObject *
cc_test_parse_json_object (const char *text)
{
  g_autoptr(JsonNode) root = cc_test_parse_json (text);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}
