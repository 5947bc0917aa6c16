/* test-cli.c: certctl driven as a subprocess: exit codes, messages, JSON and the folder. */
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cc-test-cli.h"
#include "cc-test-pki.h"

#define certctl(run, dir, ...) \
  cc_test_run_certctl ((run), NULL, (dir), NULL, NULL, \
                       (const char *[]) { __VA_ARGS__, NULL })

/* The element of array whose string member key is value. */
static JsonObject *
find_object (JsonArray  *array,
             const char *key,
             const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, key, NULL), value) == 0)
        return o;
    }
  return NULL;
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static void
write_file (const char *path,
            const char *contents,
            int         mode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
}

/* An empty deployment with site "hq", pool "pool.example.com" and an Edge server. */
static void
make_topology (CcTestFixture *fx)
{
  g_auto(CcTestRun) run = { 0 };

  certctl (&run, fx->dir, "init");
  cc_test_assert_ok (&run);
  certctl (&run, fx->dir, "site", "add", "hq");
  cc_test_assert_ok (&run);
  certctl (&run, fx->dir, "pool", "add", "--site", "hq", "--fqdn", "pool.example.com",
           "--load-balancer");
  cc_test_assert_ok (&run);
  certctl (&run, fx->dir, "server", "add", "--pool", "pool.example.com", "--fqdn",
           "edge1.example.com", "--role", "edge");
  cc_test_assert_ok (&run);
}

/* Writes a certificate (and key and metadata, for Personal) the way the store lays it out;
 * returns its thumbprint. */
static char *
put_certificate (CcTestFixture *fx,
                 const char    *server,
                 const char    *store,
                 const char    *pem,
                 const char    *key_pem,
                 const char    *friendly_name)
{
  char *thumbprint = cc_test_pem_thumbprint (pem);
  g_autofree char *base = g_build_filename (fx->dir, "servers", server, store, thumbprint, NULL);
  g_autofree char *pem_path = g_strconcat (base, ".pem", NULL);

  if (key_pem != NULL)
    {
      g_autofree char *key_path = g_strconcat (base, ".key", NULL);
      write_file (key_path, key_pem, 0600);
    }
  if (friendly_name != NULL)
    {
      g_autofree char *meta_path = g_strconcat (base, ".json", NULL);
      g_autofree char *meta = g_strdup_printf ("{ \"friendly_name\": \"%s\", \"exportable\": true, "
                                               "\"source\": \"pfx\", "
                                               "\"added\": \"2025-01-02T03:04:05Z\" }\n",
                                               friendly_name);
      write_file (meta_path, meta, 0600);
    }
  write_file (pem_path, pem, 0644);
  return thumbprint;
}

/* Assigns thumbprint to iface of server by editing deployment.json as a person would. */
static void
assign_by_hand (CcTestFixture *fx,
                const char    *server_fqdn,
                const char    *iface,
                const char    *thumbprint)
{
  g_autofree char *path = g_build_filename (fx->dir, "deployment.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonArray *sites;
  gboolean done = FALSE;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  sites = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "sites");
  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonArray *pools = json_object_get_array_member (json_array_get_object_element (sites, i),
                                                       "pools");
      for (guint j = 0; j < json_array_get_length (pools); j++)
        {
          JsonArray *servers = json_object_get_array_member (
            json_array_get_object_element (pools, j), "servers");
          JsonObject *server = find_object (servers, "fqdn", server_fqdn);
          JsonObject *assignments;
          JsonObject *a;

          if (server == NULL)
            continue;
          if (!json_object_has_member (server, "assignments"))
            json_object_set_object_member (server, "assignments", json_object_new ());
          assignments = json_object_get_object_member (server, "assignments");
          a = json_object_new ();
          json_object_set_string_member (a, "thumbprint", thumbprint);
          json_object_set_object_member (assignments, iface, a);
          done = TRUE;
        }
    }
  g_assert_true (done);

  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  write_file (path, text, 0644);
}

/* ------------------------------------------------------------------------ */

static void
test_help (CcTestFixture *fx,
           gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  const char *commands[][3] = {
    { "init", NULL, NULL }, { "site", "add", NULL }, { "site", "remove", NULL },
    { "pool", "add", NULL }, { "pool", "remove", NULL }, { "server", "add", NULL },
    { "server", "remove", NULL }, { "list", "sites", NULL }, { "list", "pools", NULL },
    { "list", "servers", NULL }, { "list", "certs", NULL }, { "show", NULL, NULL },
  };

  certctl (&run, NULL, "--help");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "Usage:"));
  g_assert_nonnull (strstr (run.out, "server add --pool FQDN --fqdn FQDN --role ROLE"));
  g_assert_nonnull (strstr (run.out, "--deployment"));
  g_assert_nonnull (strstr (run.out, "--json"));

  certctl (&run, NULL, "help");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "list certs"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (commands[i][1] != NULL)
        certctl (&run, NULL, commands[i][0], commands[i][1], "--help");
      else
        certctl (&run, NULL, commands[i][0], "--help");
      cc_test_assert_ok (&run);
      g_assert_nonnull (strstr (run.out, "Usage:"));
      g_assert_nonnull (strstr (run.out, commands[i][0]));
    }

  certctl (&run, NULL, "server", "add", "--help");
  g_assert_nonnull (strstr (run.out, "reverse-proxy"));
  certctl (&run, NULL, "list", "certs", "--help");
  g_assert_nonnull (strstr (run.out, "trusted-root"));

  /* a group lists its sub-commands */
  certctl (&run, NULL, "list", "--help");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "list servers"));
  g_assert_null (strstr (run.out, "site add"));

  certctl (&run, NULL, "--version");
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "certctl "));
}

static void
test_usage_errors (CcTestFixture *fx,
                   gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  make_topology (fx);
  before = cc_test_snapshot_tree (fx->dir);

  certctl (&run, fx->dir, NULL);
  cc_test_assert_usage (&run, "command");
  certctl (&run, fx->dir, "frobnicate");
  cc_test_assert_usage (&run, "frobnicate");
  certctl (&run, fx->dir, "--frobnicate", "list", "sites");
  cc_test_assert_usage (&run, "--frobnicate");
  certctl (&run, fx->dir, "site");
  cc_test_assert_usage (&run, "site");
  certctl (&run, fx->dir, "site", "rename", "hq");
  cc_test_assert_usage (&run, "site rename");
  certctl (&run, fx->dir, "site", "add");
  cc_test_assert_usage (&run, "NAME");
  certctl (&run, fx->dir, "site", "add", "a", "b");
  cc_test_assert_usage (&run, "'b'");
  certctl (&run, fx->dir, "site", "add", "--bogus", "a");
  cc_test_assert_usage (&run, "--bogus");
  certctl (&run, fx->dir, "site", "remove");
  cc_test_assert_usage (&run, "NAME");
  certctl (&run, fx->dir, "pool", "add", "--site", "hq");
  cc_test_assert_usage (&run, "--fqdn");
  certctl (&run, fx->dir, "pool", "add", "--fqdn", "p.example.com");
  cc_test_assert_usage (&run, "--site");
  certctl (&run, fx->dir, "pool", "add", "--site");
  cc_test_assert_usage (&run, "--site");
  certctl (&run, fx->dir, "pool", "remove");
  cc_test_assert_usage (&run, "FQDN");
  certctl (&run, fx->dir, "server", "add", "--pool", "pool.example.com", "--fqdn",
           "x.example.com");
  cc_test_assert_usage (&run, "--role");
  certctl (&run, fx->dir, "server", "add", "--pool", "pool.example.com", "--fqdn",
           "x.example.com", "--role", "mailbox");
  cc_test_assert_usage (&run, "mailbox");
  g_assert_nonnull (strstr (run.err, "edge, front-end, webconf, av, mediation, director, cwa, "
                                     "web-components, reverse-proxy"));
  certctl (&run, fx->dir, "server", "remove");
  cc_test_assert_usage (&run, "FQDN");
  certctl (&run, fx->dir, "server", "remove", "a.example.com", "b.example.com");
  cc_test_assert_usage (&run, NULL);
  certctl (&run, fx->dir, "list");
  cc_test_assert_usage (&run, "list");
  certctl (&run, fx->dir, "list", "everything");
  cc_test_assert_usage (&run, "everything");
  certctl (&run, fx->dir, "list", "sites", "extra");
  cc_test_assert_usage (&run, "extra");
  certctl (&run, fx->dir, "list", "certs", "--store", "personal");
  cc_test_assert_usage (&run, "--server");
  certctl (&run, fx->dir, "list", "certs", "--server", "edge1.example.com", "--store", "my");
  cc_test_assert_usage (&run, "'my'");
  g_assert_nonnull (strstr (run.err, "personal, trusted-root, intermediate, requests"));
  certctl (&run, fx->dir, "show", "--server", "edge1.example.com");
  cc_test_assert_usage (&run, "THUMBPRINT");
  certctl (&run, fx->dir, "show", "abcdef12");
  cc_test_assert_usage (&run, "--server");
  certctl (&run, fx->dir, "show", "--server", "edge1.example.com", "abc");
  cc_test_assert_usage (&run, "abc");
  certctl (&run, fx->dir, "init", "now");
  cc_test_assert_usage (&run, "now");

  after = cc_test_snapshot_tree (fx->dir);
  g_assert_cmpstr (before, ==, after);
}

/* names the folder, and says to run certctl ... init */
static void
assert_not_a_deployment (CcTestFixture *fx,
                         CcTestRun     *run)
{
  cc_test_assert_failed (run, fx->dir);
  g_assert_nonnull (strstr (run->err, "certctl"));
  g_assert_nonnull (strstr (run->err, " init"));
}

static void
test_not_a_deployment (CcTestFixture *fx,
                       gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  const char *commands[][4] = {
    { "list", "sites", NULL }, { "list", "pools", NULL }, { "list", "servers", NULL },
    { "site", "add", "hq" }, { "site", "remove", "hq" }, { "pool", "remove", "p.example.com" },
    { "server", "remove", "s.example.com" },
  };

  g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      cc_test_run_certctl (&run, NULL, fx->dir, NULL, NULL, (const char * const *) commands[i]);
      assert_not_a_deployment (fx, &run);
    }
  certctl (&run, fx->dir, "show", "--server", "s.example.com", "0123456789abcdef");
  assert_not_a_deployment (fx, &run);
  certctl (&run, fx->dir, "list", "certs", "--server", "s.example.com");
  assert_not_a_deployment (fx, &run);

  /* nothing was made */
  {
    g_autoptr(GDir) dir = g_dir_open (fx->dir, 0, NULL);
    g_assert_null (g_dir_read_name (dir));
  }
}

static char *
server_names (const char *dir)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonArray) array = NULL;
  GString *out = g_string_new (NULL);

  certctl (&run, dir, "--json", "list", "servers");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (out, "%s\n",
                            json_object_get_string_member (json_array_get_object_element (array, i),
                                                           "fqdn"));
  return g_string_free (out, FALSE);
}

static void
test_generate (CcTestFixture *fx,
               gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *other = g_build_filename (fx->tmpdir, "other", NULL);
  g_autofree char *names = NULL;
  g_autofree char *other_names = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* bad arguments: a usage error, and no folder made */
  certctl (&run, fx->dir, "generate", "--personal", "9");
  cc_test_assert_usage (&run, "--personal");
  certctl (&run, fx->dir, "generate", "--sites", "0");
  cc_test_assert_usage (&run, "--sites");
  certctl (&run, fx->dir, "generate", "--roots", "-1");
  cc_test_assert_usage (&run, "--roots");
  g_assert_false (g_file_test (fx->dir, G_FILE_TEST_EXISTS));

  certctl (&run, fx->dir, "generate", "--sites", "2", "--pools-per-site", "2",
           "--servers-per-pool", "2", "--roots", "3", "--personal", "2", "--seed", "9");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "2 sites, 8 servers, 3 trusted roots and 2 assigned"));
  names = server_names (fx->dir);
  {
    g_auto(GStrv) lines = g_strsplit (names, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 9);
  }
  certctl (&run, fx->dir, "check");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "16 ok, 0 warnings, 0 errors"));
  certctl (&run, fx->dir, "--json", "list", "certs", "--server",
           "edge1.site1.example.com", "--store", "trusted-root");
  cc_test_assert_ok (&run);
  {
    g_autoptr(JsonArray) certs = cc_test_parse_json_array (run.out);
    g_assert_cmpuint (json_array_get_length (certs), ==, 3);
  }

  /* the same seed: the same names */
  certctl (&run, other, "--json", "generate", "--sites", "2", "--pools-per-site", "2",
           "--servers-per-pool", "2", "--roots", "3", "--personal", "2", "--seed", "9");
  cc_test_assert_ok (&run);
  {
    g_autoptr(JsonObject) o = cc_test_parse_json_object (run.out);
    g_assert_true (json_object_get_boolean_member (o, "ok"));
    g_assert_cmpint (json_object_get_int_member (o, "servers"), ==, 8);
  }
  other_names = server_names (other);
  g_assert_cmpstr (names, ==, other_names);

  /* a folder that is not empty is refused, and left as it was */
  before = cc_test_snapshot_tree (fx->dir);
  certctl (&run, fx->dir, "generate", "--roots", "2");
  cc_test_assert_failed (&run, fx->dir);
  g_assert_nonnull (strstr (run.err, "not empty"));
  after = cc_test_snapshot_tree (fx->dir);
  g_assert_cmpstr (before, ==, after);
}

static void
test_init (CcTestFixture *fx,
           gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *json_path = g_build_filename (fx->dir, "deployment.json", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonArray) array = NULL;

  certctl (&run, fx->dir, "init");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "Created deployment"));
  g_assert_nonnull (strstr (run.out, fx->dir));
  g_assert_true (g_file_test (json_path, G_FILE_TEST_IS_REGULAR));

  /* an empty deployment: empty lists */
  certctl (&run, fx->dir, "--json", "list", "sites");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 0);
  certctl (&run, fx->dir, "list", "servers");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "No servers"));

  /* again: refused, nothing touched */
  before = cc_test_snapshot_tree (fx->dir);
  certctl (&run, fx->dir, "init");
  cc_test_assert_failed (&run, fx->dir);
  certctl (&run, fx->dir, "init", "--demo");
  cc_test_assert_failed (&run, fx->dir);
  after = cc_test_snapshot_tree (fx->dir);
  g_assert_cmpstr (before, ==, after);
}

static void
test_init_json (CcTestFixture *fx,
                gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonObject) o = NULL;

  certctl (&run, fx->dir, "--json", "init");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_false (json_object_get_boolean_member (o, "demo"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "servers")), ==, 0);
}

static void
test_default_path (CcTestFixture *fx,
                   gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *json_path = g_build_filename (fx->tmpdir, "certconsole", "deployment.json",
                                                 NULL);

  cc_test_run_certctl (&run, NULL, NULL, fx->tmpdir, NULL, (const char *[]) { "init", NULL });
  cc_test_assert_ok (&run);
  g_assert_true (g_file_test (json_path, G_FILE_TEST_IS_REGULAR));
  cc_test_run_certctl (&run, NULL, NULL, fx->tmpdir, NULL,
                       (const char *[]) { "site", "add", "hq", NULL });
  cc_test_assert_ok (&run);
  cc_test_run_certctl (&run, NULL, NULL, fx->tmpdir, NULL,
                       (const char *[]) { "list", "sites", NULL });
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "hq"));
}

static void
test_demo (CcTestFixture *fx,
           gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonArray) sites = NULL;
  g_autoptr(JsonArray) pools = NULL;
  g_autoptr(JsonArray) servers = NULL;
  g_autoptr(JsonArray) roots = NULL;
  g_autoptr(JsonArray) personal = NULL;
  g_autoptr(JsonObject) init = NULL;
  JsonObject *edge;
  JsonObject *pool;
  gboolean found_ca = FALSE;

  certctl (&run, fx->dir, "--json", "init", "--demo");
  cc_test_assert_ok (&run);
  init = cc_test_parse_json_object (run.out);
  g_assert_true (json_object_get_boolean_member (init, "ok"));
  g_assert_true (json_object_get_boolean_member (init, "demo"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (init, "servers")), >=, 4);

  certctl (&run, fx->dir, "list", "sites", "--json");
  cc_test_assert_ok (&run);
  sites = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (sites), >=, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sites, 0), "pools"),
                   >=, 2);

  certctl (&run, fx->dir, "--json", "list", "servers");
  cc_test_assert_ok (&run);
  servers = cc_test_parse_json_array (run.out);
  edge = find_object (servers, "fqdn", "edge01.contoso.com");
  g_assert_nonnull (edge);
  g_assert_nonnull (find_object (servers, "fqdn", "edge02.contoso.com"));
  g_assert_cmpstr (json_object_get_string_member (edge, "role"), ==, "edge");
  g_assert_nonnull (json_object_get_string_member (edge, "pool"));
  g_assert_nonnull (json_object_get_string_member (edge, "site"));
  g_assert_true (array_has_string (json_object_get_array_member (edge, "interfaces"),
                                   "edge-internal"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (edge, "assignments")));
  /* natural order: edge01 before edge02 */
  {
    guint i01 = G_MAXUINT, i02 = G_MAXUINT;
    for (guint i = 0; i < json_array_get_length (servers); i++)
      {
        const char *f = json_object_get_string_member (json_array_get_object_element (servers, i),
                                                       "fqdn");
        if (g_str_equal (f, "edge01.contoso.com"))
          i01 = i;
        if (g_str_equal (f, "edge02.contoso.com"))
          i02 = i;
      }
    g_assert_cmpuint (i01, <, i02);
  }

  certctl (&run, fx->dir, "--json", "list", "pools");
  cc_test_assert_ok (&run);
  pools = cc_test_parse_json_array (run.out);
  pool = find_object (pools, "fqdn", json_object_get_string_member (edge, "pool"));
  g_assert_nonnull (pool);
  g_assert_true (json_object_get_boolean_member (pool, "load_balancer"));
  g_assert_true (array_has_string (json_object_get_array_member (pool, "servers"),
                                   "edge01.contoso.com"));
  g_assert_true (array_has_string (json_object_get_array_member (pool, "servers"),
                                   "edge02.contoso.com"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (pool, "sip_domains")));

  certctl (&run, fx->dir, "--json", "list", "certs", "--server", "edge01.contoso.com",
           "--store", "trusted-root");
  cc_test_assert_ok (&run);
  roots = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (roots), >=, 1);
  for (guint i = 0; i < json_array_get_length (roots); i++)
    {
      JsonObject *c = json_array_get_object_element (roots, i);

      g_assert_cmpuint (strlen (json_object_get_string_member (c, "thumbprint")), ==, 64);
      g_assert_cmpstr (json_object_get_string_member (c, "store"), ==, "trusted-root");
      if (json_object_get_boolean_member (c, "is_ca"))
        found_ca = TRUE;
    }
  g_assert_true (found_ca);

  certctl (&run, fx->dir, "--json", "list", "certs", "--server", "edge01.contoso.com",
           "--store", "personal");
  cc_test_assert_ok (&run);
  personal = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (personal), >=, 1);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (personal, 0),
                                                 "has_private_key"));

  /* text forms read as tables */
  certctl (&run, fx->dir, "init", "--demo");
  cc_test_assert_failed (&run, NULL);
  certctl (&run, fx->dir, "list", "servers");
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "SERVER"));
  g_assert_nonnull (strstr (run.out, "edge01.contoso.com"));
  certctl (&run, fx->dir, "list", "certs", "--server", "edge01.contoso.com");
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "THUMBPRINT"));
  g_assert_nonnull (strstr (run.out, "ASSIGNED TO"));
}

static void
test_demo_text (CcTestFixture *fx,
                gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };

  certctl (&run, fx->dir, "init", "--demo");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "Created deployment"));
  g_assert_nonnull (strstr (run.out, "edge01.contoso.com"));
  g_assert_nonnull (strstr (run.out, "edge02.contoso.com"));
}

static void
test_topology (CcTestFixture *fx,
               gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonObject *obj;

  certctl (&run, fx->dir, "init");
  cc_test_assert_ok (&run);

  certctl (&run, fx->dir, "--json", "site", "add", "hq");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  obj = json_object_get_object_member (o, "site");
  g_assert_cmpstr (json_object_get_string_member (obj, "name"), ==, "hq");
  g_clear_pointer (&o, json_object_unref);

  certctl (&run, fx->dir, "site", "add", "branch");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "branch"));

  certctl (&run, fx->dir, "--json", "pool", "add", "--site", "hq", "--fqdn", "pool.example.com",
           "--load-balancer");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  obj = json_object_get_object_member (o, "pool");
  g_assert_cmpstr (json_object_get_string_member (obj, "fqdn"), ==, "pool.example.com");
  g_assert_cmpstr (json_object_get_string_member (obj, "site"), ==, "hq");
  g_assert_true (json_object_get_boolean_member (obj, "load_balancer"));
  g_clear_pointer (&o, json_object_unref);

  certctl (&run, fx->dir, "pool", "add", "--site", "branch", "--fqdn", "fe.example.com");
  cc_test_assert_ok (&run);

  /* global options after the command too */
  certctl (&run, fx->dir, "server", "add", "--pool", "pool.example.com", "--fqdn",
           "edge10.example.com", "--role", "edge", "--json");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  obj = json_object_get_object_member (o, "server");
  g_assert_cmpstr (json_object_get_string_member (obj, "fqdn"), ==, "edge10.example.com");
  g_assert_cmpstr (json_object_get_string_member (obj, "role"), ==, "edge");
  g_assert_cmpstr (json_object_get_string_member (obj, "pool"), ==, "pool.example.com");
  g_assert_cmpstr (json_object_get_string_member (obj, "site"), ==, "hq");
  g_assert_true (array_has_string (json_object_get_array_member (obj, "interfaces"),
                                   "edge-internal"));
  g_clear_pointer (&o, json_object_unref);

  certctl (&run, fx->dir, "server", "add", "--pool", "pool.example.com", "--fqdn",
           "edge2.example.com", "--role", "edge");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "edge2.example.com"));
  certctl (&run, fx->dir, "server", "add", "--pool", "fe.example.com", "--fqdn",
           "fe1.example.com", "--role", "front-end");
  cc_test_assert_ok (&run);

  certctl (&run, fx->dir, "--json", "list", "servers");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  obj = find_object (array, "fqdn", "fe1.example.com");
  g_assert_cmpstr (json_object_get_string_member (obj, "role"), ==, "front-end");
  g_assert_true (array_has_string (json_object_get_array_member (obj, "interfaces"), "default"));
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (obj, "assignments")), ==,
                    0);
  g_clear_pointer (&array, json_array_unref);

  certctl (&run, fx->dir, "list", "servers");
  cc_test_assert_ok (&run);
  /* natural order in the pool: edge2 before edge10 */
  g_assert_true (strstr (run.out, "edge2.example.com") < strstr (run.out, "edge10.example.com"));
  g_assert_nonnull (strstr (run.out, "Access Edge Server"));

  certctl (&run, fx->dir, "--json", "list", "pools");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  obj = find_object (array, "fqdn", "pool.example.com");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "servers")), ==, 2);
  g_clear_pointer (&array, json_array_unref);
  certctl (&run, fx->dir, "list", "pools");
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "POOL"));
  g_assert_nonnull (strstr (run.out, "fe.example.com"));

  certctl (&run, fx->dir, "--json", "list", "sites");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpint (json_object_get_int_member (find_object (array, "name", "hq"), "pools"), ==, 1);
  g_clear_pointer (&array, json_array_unref);
  certctl (&run, fx->dir, "list", "sites");
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "SITE"));

  /* failures change nothing */
  before = cc_test_snapshot_tree (fx->dir);
  certctl (&run, fx->dir, "site", "add", "hq");
  cc_test_assert_failed (&run, "hq");
  certctl (&run, fx->dir, "pool", "add", "--site", "hq", "--fqdn", "pool.example.com");
  cc_test_assert_failed (&run, "pool.example.com");
  certctl (&run, fx->dir, "pool", "add", "--site", "nowhere", "--fqdn", "p2.example.com");
  cc_test_assert_failed (&run, "nowhere");
  certctl (&run, fx->dir, "server", "add", "--pool", "pool.example.com", "--fqdn",
           "edge2.example.com", "--role", "edge");
  cc_test_assert_failed (&run, "edge2.example.com");
  certctl (&run, fx->dir, "server", "add", "--pool", "nopool.example.com", "--fqdn",
           "x.example.com", "--role", "edge");
  cc_test_assert_failed (&run, "nopool.example.com");
  certctl (&run, fx->dir, "server", "add", "--pool", "pool.example.com", "--fqdn",
           "not a host name", "--role", "edge");
  cc_test_assert_failed (&run, "not a host name");
  certctl (&run, fx->dir, "server", "remove", "ghost.example.com");
  cc_test_assert_failed (&run, "ghost.example.com");
  certctl (&run, fx->dir, "pool", "remove", "ghost.example.com");
  cc_test_assert_failed (&run, "ghost.example.com");
  certctl (&run, fx->dir, "site", "remove", "ghost");
  cc_test_assert_failed (&run, "ghost");
  after = cc_test_snapshot_tree (fx->dir);
  g_assert_cmpstr (before, ==, after);

  /* removals */
  certctl (&run, fx->dir, "--json", "server", "remove", "edge2.example.com");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_clear_pointer (&o, json_object_unref);
  certctl (&run, fx->dir, "pool", "remove", "fe.example.com");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "fe.example.com"));
  certctl (&run, fx->dir, "site", "remove", "branch");
  cc_test_assert_ok (&run);

  certctl (&run, fx->dir, "--json", "list", "servers");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_nonnull (find_object (array, "fqdn", "edge10.example.com"));
  g_clear_pointer (&array, json_array_unref);

  certctl (&run, fx->dir, "--json", "list", "sites");
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
}

static void
test_malformed (CcTestFixture *fx,
                gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *json_path = g_build_filename (fx->dir, "deployment.json", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  make_topology (fx);
  write_file (json_path, "{\n  \"sites\": [\n    { \"name\": \"hq\", ]\n}\n", 0644);
  before = cc_test_snapshot_tree (fx->dir);

  certctl (&run, fx->dir, "list", "sites");
  cc_test_assert_failed (&run, "deployment.json:3:");
  g_assert_true (g_regex_match_simple ("^certctl: .*deployment\\.json:3:[0-9]+: ", run.err, 0, 0));
  certctl (&run, fx->dir, "--json", "list", "servers");
  cc_test_assert_failed (&run, "deployment.json:3:");
  certctl (&run, fx->dir, "site", "add", "other");
  cc_test_assert_failed (&run, "deployment.json:3:");
  certctl (&run, fx->dir, "server", "remove", "edge1.example.com", "--force");
  cc_test_assert_failed (&run, "deployment.json:3:");
  certctl (&run, fx->dir, "init");
  cc_test_assert_failed (&run, NULL);

  after = cc_test_snapshot_tree (fx->dir);
  g_assert_cmpstr (before, ==, after);
}

/* A root in trusted-root, a leaf with its key in Personal: list and show see them. */
static void
test_certificates (CcTestFixture *fx,
                   gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  CcTestPki *pki = cc_test_fixture_get_pki (fx);
  const char *sans[] = { "edge1.example.com", "sip.example.com", NULL };
  CcTestCertOptions options = {
    .common_name = "edge1.example.com",
    .organization = "Example",
    .country = "US",
    .sans = sans,
    .key = "rsa:2048",
    .not_before_days = -1,
    .not_after_days = 365,
    .client_auth = TRUE,
  };
  g_autofree char *key_pem = NULL;
  g_autofree char *leaf_pem = cc_test_pki_issue (pki, &options, &key_pem);
  g_autofree char *root_tp = NULL;
  g_autofree char *leaf_tp = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *upper = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonObject) o = NULL;
  JsonObject *root;
  JsonArray *sections;
  gboolean has_fingerprints = FALSE;

  make_topology (fx);
  root_tp = put_certificate (fx, "edge1.example.com", "trusted-root",
                             cc_test_pki_get_root_pem (pki), NULL, NULL);
  leaf_tp = put_certificate (fx, "edge1.example.com", "personal", leaf_pem, key_pem,
                             "Edge internal");

  /* trusted-root */
  certctl (&run, fx->dir, "--json", "list", "certs", "--server", "edge1.example.com", "--store",
           "trusted-root");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  root = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (root, "thumbprint"), ==, root_tp);
  g_assert_cmpuint (strlen (json_object_get_string_member (root, "sha1")), ==, 40);
  g_assert_nonnull (strstr (json_object_get_string_member (root, "subject"), "CC Test Root CA"));
  g_assert_cmpstr (json_object_get_string_member (root, "issued_to"), ==, "CC Test Root CA");
  g_assert_cmpstr (json_object_get_string_member (root, "issued_by"), ==, "CC Test Root CA");
  g_assert_cmpstr (json_object_get_string_member (root, "key"), ==, "ec:p256");
  g_assert_true (json_object_get_boolean_member (root, "is_ca"));
  g_assert_false (json_object_get_boolean_member (root, "has_private_key"));
  g_assert_cmpstr (json_object_get_string_member (root, "store"), ==, "trusted-root");
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 3);
  g_assert_true (array_has_string (json_object_get_array_member (root, "key_usage"),
                                   "keyCertSign"));
  g_clear_pointer (&array, json_array_unref);

  certctl (&run, fx->dir, "list", "certs", "--server", "edge1.example.com", "--store",
           "trusted-root");
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "THUMBPRINT"));
  g_assert_nonnull (strstr (run.out, "CC Test Root CA"));
  prefix = g_strndup (root_tp, 16);
  g_assert_nonnull (strstr (run.out, prefix));
  g_clear_pointer (&prefix, g_free);

  /* personal (the default store) */
  certctl (&run, fx->dir, "--json", "list", "certs", "--server", "edge1.example.com");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  {
    JsonObject *leaf = json_array_get_object_element (array, 0);
    JsonArray *json_sans = json_object_get_array_member (leaf, "sans");
    JsonArray *eku = json_object_get_array_member (leaf, "eku");
    const char *not_after = json_object_get_string_member (leaf, "not_after");

    g_assert_cmpstr (json_object_get_string_member (leaf, "thumbprint"), ==, leaf_tp);
    g_assert_nonnull (strstr (json_object_get_string_member (leaf, "subject"),
                              "CN=edge1.example.com"));
    g_assert_nonnull (strstr (json_object_get_string_member (leaf, "issuer"),
                              "CC Test Issuing CA"));
    g_assert_cmpstr (json_object_get_string_member (leaf, "issued_to"), ==, "edge1.example.com");
    g_assert_cmpstr (json_object_get_string_member (leaf, "issued_by"), ==, "CC Test Issuing CA");
    g_assert_cmpuint (json_array_get_length (json_sans), ==, 2);
    g_assert_true (array_has_string (json_sans, "edge1.example.com"));
    g_assert_true (array_has_string (json_sans, "sip.example.com"));
    g_assert_true (array_has_string (eku, "1.3.6.1.5.5.7.3.1"));
    g_assert_true (array_has_string (eku, "1.3.6.1.5.5.7.3.2"));
    g_assert_nonnull (strstr (json_object_get_string_member (leaf, "intended_purposes"),
                              "Server Authentication"));
    g_assert_cmpstr (json_object_get_string_member (leaf, "key"), ==, "rsa:2048");
    g_assert_false (json_object_get_boolean_member (leaf, "is_ca"));
    g_assert_true (json_object_get_boolean_member (leaf, "has_private_key"));
    g_assert_true (json_object_get_boolean_member (leaf, "exportable"));
    g_assert_cmpstr (json_object_get_string_member (leaf, "friendly_name"), ==, "Edge internal");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (leaf, "assigned_to")),
                      ==, 0);
    g_assert_cmpstr (json_object_get_string_member (leaf, "store"), ==, "personal");
    g_assert_nonnull (json_object_get_string_member (leaf, "serial"));
    g_assert_true (g_str_has_suffix (not_after, "Z"));
    g_assert_nonnull (strchr (json_object_get_string_member (leaf, "not_before"), 'T'));
    g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (leaf, "key_usage")));
  }
  g_clear_pointer (&array, json_array_unref);

  certctl (&run, fx->dir, "list", "certs", "--server", "edge1.example.com", "--store", "personal");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "edge1.example.com"));
  g_assert_nonnull (strstr (run.out, "CC Test Issuing CA"));
  g_assert_nonnull (strstr (run.out, "rsa:2048"));
  g_assert_nonnull (strstr (run.out, "Edge internal"));

  /* an empty store says so */
  certctl (&run, fx->dir, "list", "certs", "--server", "edge1.example.com", "--store",
           "intermediate");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "empty"));
  certctl (&run, fx->dir, "--json", "list", "certs", "--server", "edge1.example.com", "--store",
           "intermediate");
  cc_test_assert_ok (&run);
  g_assert_cmpstr (g_strstrip (run.out), ==, "[]");

  /* show: full thumbprint, JSON with sections */
  certctl (&run, fx->dir, "--json", "show", "--server", "edge1.example.com", leaf_tp);
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_cmpstr (json_object_get_string_member (o, "thumbprint"), ==, leaf_tp);
  g_assert_cmpstr (json_object_get_string_member (o, "store"), ==, "personal");
  g_assert_cmpstr (json_object_get_string_member (o, "key"), ==, "rsa:2048");
  sections = json_object_get_array_member (o, "sections");
  g_assert_cmpuint (json_array_get_length (sections), >=, 3);
  for (guint i = 0; i < json_array_get_length (sections); i++)
    {
      JsonObject *section = json_array_get_object_element (sections, i);
      JsonArray *fields = json_object_get_array_member (section, "fields");

      g_assert_nonnull (json_object_get_string_member (section, "label"));
      for (guint j = 0; j < json_array_get_length (fields); j++)
        {
          JsonObject *field = json_array_get_object_element (fields, j);

          g_assert_nonnull (json_object_get_string_member (field, "label"));
          if (g_strcmp0 (json_object_get_string_member (field, "value"), leaf_tp) == 0)
            has_fingerprints = TRUE;
        }
    }
  g_assert_true (has_fingerprints);
  g_clear_pointer (&o, json_object_unref);

  /* show: a unique prefix, in the trusted-root store */
  prefix = g_strndup (root_tp, 10);
  certctl (&run, fx->dir, "--json", "show", "--server", "edge1.example.com", prefix);
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_cmpstr (json_object_get_string_member (o, "thumbprint"), ==, root_tp);
  g_assert_cmpstr (json_object_get_string_member (o, "store"), ==, "trusted-root");
  g_assert_true (json_object_get_boolean_member (o, "is_ca"));
  g_clear_pointer (&o, json_object_unref);

  /* show: text, pasted in upper case */
  upper = g_ascii_strup (leaf_tp, 12);
  certctl (&run, fx->dir, "show", "--server", "edge1.example.com", upper);
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, leaf_tp));
  g_assert_nonnull (strstr (run.out, "Personal"));
  g_assert_nonnull (strstr (run.out, "Edge internal"));
  g_assert_nonnull (strstr (run.out, "exportable"));
  g_assert_nonnull (strstr (run.out, "sip.example.com"));
  g_assert_nonnull (strstr (run.out, "Fingerprints"));

  /* an assignment shows in the store and on the server */
  assign_by_hand (fx, "edge1.example.com", "edge-internal", leaf_tp);
  certctl (&run, fx->dir, "--json", "list", "certs", "--server", "edge1.example.com");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_true (array_has_string (json_object_get_array_member (
                   json_array_get_object_element (array, 0), "assigned_to"), "edge-internal"));
  g_clear_pointer (&array, json_array_unref);
  certctl (&run, fx->dir, "--json", "list", "servers");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     find_object (array, "fqdn", "edge1.example.com"), "assignments"),
                     "edge-internal"), ==, leaf_tp);
  g_clear_pointer (&array, json_array_unref);
  certctl (&run, fx->dir, "list", "certs", "--server", "edge1.example.com");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "edge-internal"));
  certctl (&run, fx->dir, "show", "--server", "edge1.example.com", leaf_tp);
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "edge-internal"));

  /* failures */
  before = cc_test_snapshot_tree (fx->dir);
  certctl (&run, fx->dir, "show", "--server", "edge1.example.com", "0000000000000000");
  cc_test_assert_failed (&run, "edge1.example.com");
  certctl (&run, fx->dir, "show", "--server", "ghost.example.com", leaf_tp);
  cc_test_assert_failed (&run, "ghost.example.com");
  certctl (&run, fx->dir, "list", "certs", "--server", "ghost.example.com");
  cc_test_assert_failed (&run, "ghost.example.com");
  after = cc_test_snapshot_tree (fx->dir);
  g_assert_cmpstr (before, ==, after);
}

static void
test_requests (CcTestFixture *fx,
               gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *base = NULL;
  g_autofree char *json = NULL;
  g_autofree char *csr = NULL;
  g_autoptr(JsonArray) array = NULL;
  JsonObject *req;

  make_topology (fx);
  base = g_build_filename (fx->dir, "servers", "edge1.example.com", "requests",
                           "edge-internal-20250102", NULL);
  json = g_strconcat (base, ".json", NULL);
  csr = g_strconcat (base, ".csr", NULL);
  write_file (json, "{ \"subject\": \"CN=pool.example.com\", \"interface\": \"edge-internal\", "
                    "\"key\": \"rsa:2048\", \"friendly_name\": \"Edge pool\", "
                    "\"added\": \"2025-01-02T03:04:05Z\" }\n", 0600);
  write_file (csr, "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n",
              0644);

  certctl (&run, fx->dir, "--json", "list", "certs", "--server", "edge1.example.com", "--store",
           "requests");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  req = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (req, "id"), ==, "edge-internal-20250102");
  g_assert_cmpstr (json_object_get_string_member (req, "subject"), ==, "CN=pool.example.com");
  g_assert_cmpstr (json_object_get_string_member (req, "interface"), ==, "edge-internal");
  g_assert_cmpstr (json_object_get_string_member (req, "key"), ==, "rsa:2048");
  g_assert_cmpstr (json_object_get_string_member (req, "friendly_name"), ==, "Edge pool");
  g_assert_cmpstr (json_object_get_string_member (req, "added"), ==, "2025-01-02T03:04:05Z");
  g_assert_cmpstr (json_object_get_string_member (req, "store"), ==, "requests");

  certctl (&run, fx->dir, "list", "certs", "--server", "edge1.example.com", "--store",
           "requests");
  cc_test_assert_ok (&run);
  g_assert_true (g_str_has_prefix (run.out, "REQUEST"));
  g_assert_nonnull (strstr (run.out, "CN=pool.example.com"));
  g_assert_nonnull (strstr (run.out, "Edge pool"));

  certctl (&run, fx->dir, "show", "--server", "edge1.example.com", "edge-internal-20250102");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "Pending Requests"));
  g_assert_nonnull (strstr (run.out, "CN=pool.example.com"));

  /* a prefix that names two entries is refused, naming the server */
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&csr, g_free);
  json = g_strconcat (base, "9.json", NULL);
  csr = g_strconcat (base, "9.csr", NULL);
  write_file (json, "{ \"subject\": \"CN=other.example.com\", \"key\": \"ec:p256\" }\n", 0600);
  write_file (csr, "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n",
              0644);
  certctl (&run, fx->dir, "show", "--server", "edge1.example.com", "edge-internal-2025");
  cc_test_assert_failed (&run, "edge1.example.com");
  g_assert_nonnull (strstr (run.err, "2"));
  certctl (&run, fx->dir, "--json", "show", "--server", "edge1.example.com",
           "edge-internal-202501029");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "CN=other.example.com"));
}

static void
test_remove_server_with_certificates (CcTestFixture *fx,
                                      gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  CcTestPki *pki = cc_test_fixture_get_pki (fx);
  g_autofree char *tp = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonObject) o = NULL;

  make_topology (fx);
  tp = put_certificate (fx, "edge1.example.com", "trusted-root", cc_test_pki_get_root_pem (pki),
                        NULL, NULL);

  before = cc_test_snapshot_tree (fx->dir);
  certctl (&run, fx->dir, "server", "remove", "edge1.example.com");
  cc_test_assert_failed (&run, "edge1.example.com");
  /* the pool and the site are refused too: the message names the server that holds them */
  certctl (&run, fx->dir, "pool", "remove", "pool.example.com");
  cc_test_assert_failed (&run, "edge1.example.com");
  certctl (&run, fx->dir, "site", "remove", "hq");
  cc_test_assert_failed (&run, "edge1.example.com");
  after = cc_test_snapshot_tree (fx->dir);
  g_assert_cmpstr (before, ==, after);

  certctl (&run, fx->dir, "--json", "server", "remove", "edge1.example.com", "--force");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_true (json_object_get_boolean_member (o, "ok"));

  certctl (&run, fx->dir, "--json", "list", "servers");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 0);

  certctl (&run, fx->dir, "list", "certs", "--server", "edge1.example.com");
  cc_test_assert_failed (&run, "edge1.example.com");
}

static void
test_remove_text (CcTestFixture *fx,
                  gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  CcTestPki *pki = cc_test_fixture_get_pki (fx);
  g_autofree char *tp = NULL;

  make_topology (fx);
  tp = put_certificate (fx, "edge1.example.com", "trusted-root", cc_test_pki_get_root_pem (pki),
                        NULL, NULL);
  certctl (&run, fx->dir, "server", "remove", "--force", "edge1.example.com");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "edge1.example.com"));
  certctl (&run, fx->dir, "pool", "remove", "pool.example.com");
  cc_test_assert_ok (&run);
  certctl (&run, fx->dir, "site", "remove", "hq");
  cc_test_assert_ok (&run);
  certctl (&run, fx->dir, "list", "sites");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "No sites"));
}

static void
test_remove_site_force (CcTestFixture *fx,
                        gconstpointer  data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *tp = NULL;
  g_autofree char *server_dir = g_build_filename (fx->dir, "servers", "edge1.example.com", NULL);
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonObject) o = NULL;

  make_topology (fx);
  tp = put_certificate (fx, "edge1.example.com", "trusted-root",
                        cc_test_pki_get_root_pem (cc_test_fixture_get_pki (fx)), NULL, NULL);
  certctl (&run, fx->dir, "--json", "site", "remove", "--force", "hq");
  cc_test_assert_ok (&run);
  o = cc_test_parse_json_object (run.out);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_false (g_file_test (server_dir, G_FILE_TEST_EXISTS));

  certctl (&run, fx->dir, "--json", "list", "pools");
  cc_test_assert_ok (&run);
  array = cc_test_parse_json_array (run.out);
  g_assert_cmpuint (json_array_get_length (array), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/cli/" path, CcTestFixture, NULL, cc_test_fixture_setup, \
                                   func, cc_test_fixture_teardown)
  ADD ("help", test_help);
  ADD ("usage-errors", test_usage_errors);
  ADD ("not-a-deployment", test_not_a_deployment);
  ADD ("init", test_init);
  ADD ("init-json", test_init_json);
  ADD ("generate", test_generate);
  ADD ("default-path", test_default_path);
  ADD ("demo", test_demo);
  ADD ("demo-text", test_demo_text);
  ADD ("topology", test_topology);
  ADD ("malformed", test_malformed);
  ADD ("certificates", test_certificates);
  ADD ("requests", test_requests);
  ADD ("remove-server-with-certificates", test_remove_server_with_certificates);
  ADD ("remove-text", test_remove_text);
  ADD ("remove-site-force", test_remove_site_force);
#undef ADD

  return g_test_run ();
}
