/* test-deployment.c: deployment.json round trip, atomic save, refusal of malformed and
 * unsafe documents, topology edits and their failure paths. */
#include <signal.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "certconsole-core.h"
#include "cc-test-pki.h"

typedef struct
{
  char *dir;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = cc_test_make_tmpdir ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  cc_test_rmrf (f->dir);
  g_free (f->dir);
}

static CcDeployment *
make_topology (const char *dir)
{
  g_autoptr(GError) error = NULL;
  CcDeployment *d = cc_deployment_create (dir, FALSE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cc_deployment_add_site (d, "Headquarters", &error));
  g_assert_no_error (error);
  g_assert_nonnull (cc_deployment_add_pool (d, "Headquarters", "edgepool.contoso.com", TRUE, &error));
  g_assert_no_error (error);
  g_assert_nonnull (cc_deployment_add_server (d, "edgepool.contoso.com", "edge10.contoso.com",
                                              CC_ROLE_EDGE, &error));
  g_assert_nonnull (cc_deployment_add_server (d, "edgepool.contoso.com", "edge2.contoso.com",
                                              CC_ROLE_EDGE, &error));
  g_assert_nonnull (cc_deployment_add_pool (d, "Headquarters", "cwa.contoso.com", FALSE, &error));
  g_assert_nonnull (cc_deployment_add_server (d, "cwa.contoso.com", "cwa.contoso.com",
                                              CC_ROLE_CWA, &error));
  g_assert_no_error (error);
  return d;
}

static char *
read_text (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  g_file_get_contents (path, &text, NULL, NULL);
  return text;
}

static void
write_text (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) d = make_topology (f->dir);
  g_autoptr(CcDeployment) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  CcServer *edge;
  CcPool *pool;
  CcSite *site;

  edge = cc_deployment_find_server (d, "EDGE2.contoso.com");
  g_assert_nonnull (edge);
  cc_server_set_assignment (edge, CC_INTERFACE_EDGE_INTERNAL,
                            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", TRUE);
  {
    const char *domains[] = { "contoso.com", "fabrikam.com", NULL };
    cc_pool_set_sip_domains (cc_deployment_find_pool (d, "edgepool.contoso.com"), domains);
  }
  g_assert_true (cc_deployment_save (d, &error));
  g_assert_no_error (error);
  first = read_text (f->dir, "deployment.json");

  again = cc_deployment_open (f->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  site = cc_deployment_find_site (again, "Headquarters");
  g_assert_nonnull (site);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (site)), ==, 2);
  pool = cc_deployment_find_pool (again, "edgepool.contoso.com");
  g_assert_true (cc_pool_get_load_balancer (pool));
  g_assert_cmpstrv (cc_pool_get_sip_domains (pool),
                    ((const char * const[]) { "contoso.com", "fabrikam.com", NULL }));
  g_assert_false (cc_pool_get_load_balancer (cc_deployment_find_pool (again, "cwa.contoso.com")));

  /* natural order: edge2 before edge10 */
  servers = cc_deployment_list_servers (again);
  g_assert_cmpuint (servers->len, ==, 3);
  g_assert_cmpstr (cc_server_get_fqdn (g_ptr_array_index (servers, 0)), ==, "cwa.contoso.com");
  g_assert_cmpstr (cc_server_get_fqdn (g_ptr_array_index (servers, 1)), ==, "edge2.contoso.com");
  g_assert_cmpstr (cc_server_get_fqdn (g_ptr_array_index (servers, 2)), ==, "edge10.contoso.com");

  edge = cc_deployment_find_server (again, "edge2.contoso.com");
  g_assert_cmpint (cc_server_get_role (edge), ==, CC_ROLE_EDGE);
  g_assert_true (cc_server_has_interface (edge, CC_INTERFACE_EDGE_INTERNAL));
  g_assert_false (cc_server_has_interface (edge, CC_INTERFACE_CWA_MTLS));
  g_assert_cmpstr (cc_server_get_assignment (edge, CC_INTERFACE_EDGE_INTERNAL), ==,
                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_assert_true (cc_server_get_assignment_forced (edge, CC_INTERFACE_EDGE_INTERNAL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (edge)), ==, 4);
  g_assert_true (cc_server_has_interface (cc_deployment_find_server (again, "cwa.contoso.com"),
                                          CC_INTERFACE_CWA_MTLS));

  /* saving what was read writes the same bytes */
  g_assert_true (cc_deployment_save (again, &error));
  second = read_text (f->dir, "deployment.json");
  g_assert_cmpstr (first, ==, second);
}

static void
test_atomic_save (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) d = make_topology (f->dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = read_text (f->dir, "deployment.json");
  g_autofree char *after = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;
  struct rlimit old, small;
  gboolean ok;

  listing_before = cc_test_snapshot_tree (f->dir);

  /* a write that fails midway, as on a full disk: the file size limit makes write() fail
   * with EFBIG after 64 bytes, whoever we run as */
  signal (SIGXFSZ, SIG_IGN);
  getrlimit (RLIMIT_FSIZE, &old);
  small = old;
  small.rlim_cur = 64;
  setrlimit (RLIMIT_FSIZE, &small);
  ok = cc_deployment_add_site (d, "Branch office", &error) != NULL;
  setrlimit (RLIMIT_FSIZE, &old);

  g_assert_false (ok);
  g_assert_error (error, CC_ERROR, CC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "deployment.json"));
  after = read_text (f->dir, "deployment.json");
  g_assert_cmpstr (before, ==, after);
  /* no temporary file left behind, nothing else changed */
  listing_after = cc_test_snapshot_tree (f->dir);
  g_assert_cmpstr (listing_before, ==, listing_after);
  /* and the model was not changed either */
  g_assert_null (cc_deployment_find_site (d, "Branch office"));
}

static void
test_malformed (Fixture *f, gconstpointer data)
{
  const char *text = "{\n  \"format\": 1,\n  \"sites\": [\n    { \"name\": \"HQ\", }\n  ]\n}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = NULL;
  g_autofree char *after = NULL;

  write_text (f->dir, "deployment.json", text);
  d = cc_deployment_open (f->dir, NULL, &error);
  g_assert_null (d);
  g_assert_error (error, CC_ERROR, CC_ERROR_PARSE);
  g_test_message ("%s", error->message);
  /* names the file, the line and the column */
  g_assert_true (g_str_has_prefix (error->message, f->dir));
  g_assert_nonnull (strstr (error->message, "deployment.json:4:"));
  after = read_text (f->dir, "deployment.json");
  g_assert_cmpstr (after, ==, text);

  /* creating over it is refused, and it is still not overwritten */
  g_clear_error (&error);
  g_assert_null (cc_deployment_create (f->dir, FALSE, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_EXISTS);
  g_free (after);
  after = read_text (f->dir, "deployment.json");
  g_assert_cmpstr (after, ==, text);
}

static void
test_invalid_documents (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *json;
    const char *expect;
  } cases[] = {
    { "[]", "JSON object" },
    { "{\"format\": 7}", "format 7" },
    { "{\"sites\": {}}", "must be a list" },
    { "{\"sites\": [{\"pools\": []}]}", "has no “name”" },
    { "{\"sites\": [{\"name\": \"A\"}, {\"name\": \"A\"}]}", "listed twice" },
    { "{\"sites\": [{\"name\": \"A\", \"pools\": [{\"fqdn\": \"p.example\", \"servers\": "
      "[{\"fqdn\": \"../../etc\", \"role\": \"edge\"}]}]}]}", "../../etc" },
    { "{\"sites\": [{\"name\": \"A\", \"pools\": [{\"fqdn\": \"p.example\", \"servers\": "
      "[{\"fqdn\": \"s.example\", \"role\": \"mainframe\"}]}]}]}", "mainframe" },
    { "{\"sites\": [{\"name\": \"A\", \"pools\": [{\"fqdn\": \"p.example\", \"servers\": "
      "[{\"fqdn\": \"s.example\", \"role\": \"edge\"}, {\"fqdn\": \"S.example\", \"role\": \"edge\"}]}]}]}",
      "listed twice" },
    { "{\"sites\": [{\"name\": \"A\", \"pools\": [{\"fqdn\": \"p.example\", \"servers\": "
      "[{\"fqdn\": \"s.example\", \"role\": \"edge\", \"interfaces\": [\"warp-drive\"]}]}]}]}",
      "warp-drive" },
    { "{\"sites\": [{\"name\": \"A\", \"pools\": [{\"fqdn\": \"p.example\", \"servers\": "
      "[{\"fqdn\": \"s.example\", \"role\": \"edge\", \"assignments\": {\"edge-internal\": "
      "{\"thumbprint\": \"../x\"}}}]}]}]}", "thumbprint" },
    { "{\"sites\": [{\"name\": \"A\", \"pools\": [{\"fqdn\": \"bad_name!\"}]}]}", "bad_name!" },
    { "{\"authorities\": [{\"name\": \"X\", \"kind\": \"magic\"}]}", "magic" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CcDeployment) d = NULL;
      g_autofree char *after = NULL;

      write_text (f->dir, "deployment.json", cases[i].json);
      d = cc_deployment_open (f->dir, NULL, &error);
      g_assert_null (d);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, f->dir));
      g_assert_nonnull (strstr (error->message, cases[i].expect));
      after = read_text (f->dir, "deployment.json");
      g_assert_cmpstr (after, ==, cases[i].json);
    }
}

static void
test_not_a_deployment (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = cc_deployment_open (f->dir, NULL, &error);

  g_assert_null (d);
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_A_DEPLOYMENT);
  g_assert_nonnull (strstr (error->message, "certctl"));
  g_assert_nonnull (strstr (error->message, f->dir));
}

static void
test_edits_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) d = make_topology (f->dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = cc_test_snapshot_tree (f->dir);
  g_autofree char *after = NULL;

  g_assert_null (cc_deployment_add_site (d, "Headquarters", &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (cc_deployment_add_site (d, "", &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (cc_deployment_add_pool (d, "Nowhere", "p.contoso.com", FALSE, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Nowhere"));
  g_clear_error (&error);
  g_assert_null (cc_deployment_add_pool (d, "Headquarters", "edgepool.contoso.com", FALSE, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (cc_deployment_add_server (d, "edgepool.contoso.com", "../../etc", CC_ROLE_EDGE,
                                           &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (cc_deployment_add_server (d, "edgepool.contoso.com", "EDGE2.contoso.com",
                                           CC_ROLE_EDGE, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (cc_deployment_add_server (d, "nopool.contoso.com", "x.contoso.com", CC_ROLE_EDGE,
                                           &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cc_deployment_remove_server (d, "ghost.contoso.com", FALSE, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "ghost.contoso.com"));

  after = cc_test_snapshot_tree (f->dir);
  g_assert_cmpstr (before, ==, after);
}

static void
test_remove_refuses_certificates (Fixture *f, gconstpointer data)
{
  g_autoptr(CcDeployment) d = make_topology (f->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcCertificate) cert = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *server_dir = NULL;
  CcTestPki *pki = cc_test_pki_new ();
  const char *root = cc_test_pki_get_root_pem (pki);
  CcServer *server = cc_deployment_find_server (d, "edge2.contoso.com");

  cert = cc_certificate_new_from_pem (root, strlen (root), &error);
  g_assert_no_error (error);
  g_assert_true (cc_store_add_certificate (cc_server_get_store (server, CC_STORE_TRUSTED_ROOT), cert,
                                           NULL, NULL, FALSE, "test", &error));
  g_assert_no_error (error);
  server_dir = g_strdup (cc_server_get_path (server));

  before = cc_test_snapshot_tree (f->dir);
  g_assert_false (cc_deployment_remove_server (d, "edge2.contoso.com", FALSE, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_EMPTY);
  g_assert_nonnull (strstr (error->message, "edge2.contoso.com"));
  g_assert_nonnull (strstr (error->message, "--force"));
  g_clear_error (&error);
  g_assert_false (cc_deployment_remove_pool (d, "edgepool.contoso.com", FALSE, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_EMPTY);
  g_clear_error (&error);
  g_assert_false (cc_deployment_remove_site (d, "Headquarters", FALSE, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_EMPTY);
  g_clear_error (&error);
  after = cc_test_snapshot_tree (f->dir);
  g_assert_cmpstr (before, ==, after);
  g_assert_nonnull (cc_deployment_find_server (d, "edge2.contoso.com"));

  /* an empty server goes without force */
  g_assert_true (cc_deployment_remove_server (d, "edge10.contoso.com", FALSE, &error));
  g_assert_no_error (error);
  /* with force, the server and its files go */
  g_assert_true (cc_deployment_remove_server (d, "edge2.contoso.com", TRUE, &error));
  g_assert_no_error (error);
  g_assert_null (cc_deployment_find_server (d, "edge2.contoso.com"));
  g_assert_false (g_file_test (server_dir, G_FILE_TEST_EXISTS));
  {
    g_autoptr(CcDeployment) again = cc_deployment_open (f->dir, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (cc_deployment_find_server (again, "edge2.contoso.com"));
    g_assert_nonnull (cc_deployment_find_server (again, "cwa.contoso.com"));
  }
  g_assert_true (cc_deployment_remove_pool (d, "edgepool.contoso.com", FALSE, &error));
  g_assert_true (cc_deployment_remove_site (d, "Headquarters", FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (d)), ==, 0);
  {
    g_autofree char *log = read_text (f->dir, "audit.log");
    g_assert_nonnull (strstr (log, "server-remove-force\tedge2.contoso.com"));
    g_assert_nonnull (strstr (log, "site-remove"));
  }
  cc_test_pki_free (pki);
}

static void
check_demo (CcDeployment *d)
{
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "cwa01.contoso.com", "edge01.contoso.com", "edge02.contoso.com",
                             "fe01.contoso.com", "fe02.contoso.com" };
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (d);
  CcAuthority *ca;

  g_assert_cmpuint (servers->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < servers->len; i++)
    g_assert_cmpstr (cc_server_get_fqdn (g_ptr_array_index (servers, i)), ==, expected[i]);
  g_assert_true (cc_pool_get_load_balancer (cc_deployment_find_pool (d, "edgepool.contoso.com")));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cc_deployment_find_pool (d, "edgepool.contoso.com"))), ==, 2);
  ca = cc_deployment_find_authority (d, "Contoso Lab CA");
  g_assert_nonnull (ca);
  g_assert_cmpint (cc_authority_get_kind (ca), ==, CC_AUTHORITY_LAB);

  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      CcStore *roots = cc_server_get_store (server, CC_STORE_TRUSTED_ROOT);
      CcStore *personal = cc_server_get_store (server, CC_STORE_PERSONAL);
      g_autoptr(GArray) ifaces = cc_server_dup_interfaces (server);
      guint assigned = 0;

      g_assert_true (cc_store_load (roots, NULL, &error));
      g_assert_nonnull (cc_store_lookup (roots, cc_authority_get_root_thumbprint (ca)));
      g_assert_true (cc_store_load (personal, NULL, &error));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (personal)), >=, 1);
      for (guint j = 0; j < ifaces->len; j++)
        {
          const char *tp = cc_server_get_assignment (server, g_array_index (ifaces, CcInterface, j));
          if (tp != NULL)
            {
              CcStoreEntry *entry = cc_store_lookup (personal, tp);
              g_assert_nonnull (entry);
              g_assert_true (cc_store_entry_get_has_private_key (entry));
              assigned++;
            }
        }
      g_assert_cmpuint (assigned, >=, 1);
    }
  /* the first Edge server's certificate is exportable, the second's is not (seed 000) */
  {
    CcStore *e1 = cc_server_get_store (cc_deployment_find_server (d, "edge01.contoso.com"), CC_STORE_PERSONAL);
    CcStore *e2 = cc_server_get_store (cc_deployment_find_server (d, "edge02.contoso.com"), CC_STORE_PERSONAL);
    CcStoreEntry *a = g_list_model_get_item (G_LIST_MODEL (e1), 0);
    CcStoreEntry *b = g_list_model_get_item (G_LIST_MODEL (e2), 0);
    g_assert_cmpstr (cc_store_entry_get_id (a), ==, cc_store_entry_get_id (b));
    g_assert_true (cc_store_entry_get_exportable (a));
    g_assert_false (cc_store_entry_get_exportable (b));
    g_assert_cmpstr (cc_store_entry_get_assigned_to (a), ==, "edge-internal");
    g_object_unref (a);
    g_object_unref (b);
  }
}

static void
test_demo (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "nested", "demo", NULL);
  g_autoptr(CcDeployment) d = cc_deployment_create (path, TRUE, NULL, &error);
  g_autoptr(CcDeployment) again = NULL;
  g_autofree char *key = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  check_demo (d);
  again = cc_deployment_open (path, NULL, &error);
  g_assert_no_error (error);
  check_demo (again);

  /* keys are for the owner only */
  key = g_build_filename (path, "servers", "edge01.contoso.com", "assigned", "edge-internal.key", NULL);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
  g_free (key);
  key = g_build_filename (path, "servers", "edge01.contoso.com", "personal", NULL);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
  /* no leftovers of the build folder beside it */
  {
    g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
    g_autofree char *parent = g_path_get_dirname (path);
    g_autoptr(GDir) pdir = g_dir_open (parent, 0, NULL);
    g_assert_cmpstr (g_dir_read_name (pdir), ==, "demo");
    g_assert_null (g_dir_read_name (pdir));
  }
}

static void
opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CcDeployment **out = user_data;
  g_autoptr(GError) error = NULL;
  *out = cc_deployment_open_or_create_demo_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_open_or_create_async (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "certconsole", NULL);
  CcDeployment *d = NULL;

  cc_deployment_open_or_create_demo_async (path, NULL, opened, &d);
  while (d == NULL)
    g_main_context_iteration (NULL, TRUE);
  check_demo (d);
  g_clear_object (&d);

  /* the second time, it opens what is there */
  cc_deployment_open_or_create_demo_async (path, NULL, opened, &d);
  while (d == NULL)
    g_main_context_iteration (NULL, TRUE);
  check_demo (d);
  g_clear_object (&d);
}

static void
test_names (void)
{
  g_assert_true (cc_fqdn_is_valid ("edge01.contoso.com"));
  g_assert_true (cc_fqdn_is_valid ("EDGE01"));   /* NetBIOS names are accepted (seed 004) */
  g_assert_false (cc_fqdn_is_valid ("../../etc"));
  g_assert_false (cc_fqdn_is_valid ("a..b"));
  g_assert_false (cc_fqdn_is_valid ("-a.b"));
  g_assert_false (cc_fqdn_is_valid ("a/b"));
  g_assert_false (cc_fqdn_is_valid (""));
  g_assert_false (cc_fqdn_is_valid ("."));
  g_assert_cmpint (cc_natural_compare ("edge2", "edge10"), <, 0);
  g_assert_cmpint (cc_natural_compare ("edge49", "edge489"), <, 0);
  g_assert_cmpint (cc_natural_compare ("edge489", "edge490"), <, 0);
  g_assert_cmpint (cc_natural_compare ("Edge1", "edge1"), ==, 0);
  g_assert_cmpint (cc_natural_compare ("edge01", "edge1"), ==, 0);
  g_assert_cmpint (cc_natural_compare ("a", "ab"), <, 0);
}

static void
test_enums (void)
{
  for (CcRole r = 0; r < CC_N_ROLES; r++)
    {
      CcRole back;
      g_assert_true (cc_role_from_id (cc_role_to_id (r), &back));
      g_assert_cmpint (back, ==, r);
      g_assert_nonnull (cc_role_get_display_name (r));
    }
  for (CcInterface i = 0; i < CC_N_INTERFACES; i++)
    {
      CcInterface back;
      g_assert_true (cc_interface_from_id (cc_interface_to_id (i), &back));
      g_assert_cmpint (back, ==, i);
    }
  {
    guint n;
    cc_role_get_interfaces (CC_ROLE_WEB_COMPONENTS, &n);
    g_assert_cmpuint (n, ==, 0);
    cc_role_get_interfaces (CC_ROLE_EDGE, &n);
    g_assert_cmpuint (n, ==, 4);
  }
  {
    CcRole r;
    g_assert_false (cc_role_from_id ("mainframe", &r));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  cc_core_init ();

  g_test_add ("/deployment/round-trip", Fixture, NULL, setup, test_round_trip, teardown);
  g_test_add ("/deployment/atomic-save", Fixture, NULL, setup, test_atomic_save, teardown);
  g_test_add ("/deployment/malformed", Fixture, NULL, setup, test_malformed, teardown);
  g_test_add ("/deployment/invalid-documents", Fixture, NULL, setup, test_invalid_documents, teardown);
  g_test_add ("/deployment/not-a-deployment", Fixture, NULL, setup, test_not_a_deployment, teardown);
  g_test_add ("/deployment/edits-refused", Fixture, NULL, setup, test_edits_refused, teardown);
  g_test_add ("/deployment/remove-refuses-certificates", Fixture, NULL, setup,
              test_remove_refuses_certificates, teardown);
  g_test_add ("/deployment/demo", Fixture, NULL, setup, test_demo, teardown);
  g_test_add ("/deployment/open-or-create-async", Fixture, NULL, setup, test_open_or_create_async,
              teardown);
  g_test_add_func ("/deployment/names", test_names);
  g_test_add_func ("/deployment/enums", test_enums);
  return g_test_run ();
}
