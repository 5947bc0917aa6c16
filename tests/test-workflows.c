/* test-workflows.c: the Certificate Wizard's tasks in the core, checked against the real
 * openssl command as an outside CA and TLS peers would use it: requests signed offline
 * and by the lab CA, answers in every format, .pfx in and out, assign, distribute, check,
 * and finally a real MTLS handshake with what `assigned/` holds. */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "certconsole-core.h"
#include "cc-test-pki.h"

typedef struct
{
  char *dir;
  char *path;
  CcDeployment *d;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->dir = cc_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "deployment", NULL);
  f->d = cc_deployment_create (f->path, TRUE, NULL, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->d);
  cc_test_rmrf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static CcServer *
server (Fixture *f, const char *name)
{
  CcServer *s = cc_deployment_find_server (f->d, name);
  g_assert_nonnull (s);
  return s;
}

static gboolean
have (const char *program)
{
  g_autofree char *path = g_find_program_in_path (program);
  return path != NULL;
}

/* runs a command; returns its exit status; stdout in *out when asked */
static int
run (char **out, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  va_list args;
  const char *arg;

  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, out, NULL, &status, &error);
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static char *
tmp (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
write_file (const char *path, const void *data, gssize len)
{
  g_autoptr(GError) error = NULL;
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static CcStoreEntry *
make_request (CcServer *s, CcInterface iface, const char *key, gboolean exportable, char **csr)
{
  CcRequestOptions o = { .iface = iface, .friendly_name = "Test request", .key_type = key,
                         .exportable = exportable, .organization = "Contoso", .country = "US",
                         .state = "Washington", .locality = "Redmond" };
  g_autoptr(GError) error = NULL;
  CcStoreEntry *entry = cc_request_create (s, &o, csr, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  return entry;
}

static void
test_defaults (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) fe = cc_request_default_sans (server (f, "fe01.contoso.com"), CC_INTERFACE_DEFAULT);
  g_auto(GStrv) cwa = cc_request_default_sans (server (f, "cwa01.contoso.com"),
                                               CC_INTERFACE_CWA_SSL_INTERNAL);
  g_autofree char *edge = cc_request_default_subject (server (f, "edge01.contoso.com"),
                                                      CC_INTERFACE_EDGE_INTERNAL);
  g_autofree char *mtls = cc_request_default_subject (server (f, "cwa01.contoso.com"),
                                                      CC_INTERFACE_CWA_MTLS);

  /* behind a load balancer, the VIP's name (seed 001) */
  g_assert_cmpstr (edge, ==, "edgepool.contoso.com");
  g_assert_cmpstrv (fe, ((const char * const[]) { "pool01.contoso.com", "sip.contoso.com",
                                                   "sip.fabrikam.com", NULL }));
  g_assert_cmpstrv (cwa, ((const char * const[]) { "im.contoso.com", "as.im.contoso.com",
                                                    "download.im.contoso.com", NULL }));
  g_assert_cmpstr (mtls, ==, "cwa01.contoso.com");
}

static void
test_request_pending (Fixture *f, gconstpointer data)
{
  CcServer *s = server (f, "edge01.contoso.com");
  g_autofree char *csr = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *csr_file = tmp (f, "req.csr");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  CcStoreEntry *entry = make_request (s, CC_INTERFACE_EDGE_INTERNAL, NULL, TRUE, &csr);
  CcRequestOptions o = { .iface = CC_INTERFACE_EDGE_INTERNAL, .friendly_name = "again",
                         .key_type = "ec:p256" };
  char *warning = NULL;

  g_assert_cmpstr (cc_store_entry_get_key_type (entry), ==, "rsa:2048");   /* the default */
  g_assert_cmpstr (cc_store_entry_get_interface (entry), ==, "edge-internal");
  g_assert_cmpstr (cc_store_entry_get_subject (entry), ==, "CN=edgepool.contoso.com");

  /* OpenSSL reads the CSR and sees what the catalogue asks for */
  if (have ("openssl"))
    {
      write_file (csr_file, csr, -1);
      g_assert_cmpint (run (&text, "openssl", "req", "-in", csr_file, "-noout", "-text", "-verify", NULL), ==, 0);
      g_assert_nonnull (strstr (text, "DNS:edgepool.contoso.com"));
      g_assert_nonnull (strstr (text, "TLS Web Server Authentication, TLS Web Client Authentication"));
      g_assert_nonnull (strstr (text, "Digital Signature, Key Encipherment"));
      g_assert_nonnull (strstr (text, "CN = edgepool.contoso.com"));
      g_assert_nonnull (strstr (text, "2048 bit"));
    }

  /* one pending request per server and interface (seed 000) */
  before = cc_test_snapshot_tree (f->path);
  g_assert_null (cc_request_create (s, &o, NULL, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "edge01.contoso.com"));
  g_clear_error (&error);
  /* a 1024-bit key needs an explicit yes, and then comes with a warning */
  o.iface = CC_INTERFACE_EDGE_ACCESS;
  o.key_type = "rsa:1024";
  g_assert_null (cc_request_create (s, &o, NULL, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);
  o.key_type = "rsa:512";
  g_assert_null (cc_request_create (s, &o, NULL, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);
  o.key_type = "ec:p256";
  o.country = "USA";
  g_assert_null (cc_request_create (s, &o, NULL, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);
  o.country = NULL;
  o.iface = CC_INTERFACE_CWA_MTLS;   /* not an Edge Server's interface */
  g_assert_null (cc_request_create (s, &o, NULL, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);

  o.iface = CC_INTERFACE_EDGE_ACCESS;
  o.key_type = "rsa:1024";
  o.allow_weak_key = TRUE;
  g_assert_nonnull (cc_request_create (s, &o, NULL, &warning, &error));
  g_assert_no_error (error);
  g_assert_nonnull (warning);
  g_free (warning);

  /* cancel */
  g_assert_true (cc_request_cancel (s, "edge-internal", &error));
  g_assert_no_error (error);
  g_assert_null (cc_request_find (s, CC_INTERFACE_EDGE_INTERNAL, &error));
  g_assert_false (cc_request_cancel (s, "edge-internal", &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_FOUND);
}

/* the CSR for an offline CA: written whole; where it cannot be, no request stays pending */
static void
test_request_save_csr (Fixture *f, gconstpointer data)
{
  CcServer *s = server (f, "edge01.contoso.com");
  g_autofree char *csr = NULL;
  g_autofree char *csr_file = tmp (f, "req.csr");
  g_autofree char *bad_file = tmp (f, "no-such-folder/req.csr");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  make_request (s, CC_INTERFACE_EDGE_INTERNAL, NULL, TRUE, &csr);
  g_assert_true (cc_request_save_csr (s, CC_INTERFACE_EDGE_INTERNAL, csr, csr_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csr_file, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, csr);
  g_assert_cmpint (g_stat (csr_file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  g_assert_nonnull (cc_request_find (s, CC_INTERFACE_EDGE_INTERNAL, NULL));

  g_assert_false (cc_request_save_csr (s, CC_INTERFACE_EDGE_INTERNAL, csr, bad_file, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "Cannot save the request to “"));
  g_assert_nonnull (strstr (error->message, bad_file));
  g_assert_null (cc_request_find (s, CC_INTERFACE_EDGE_INTERNAL, NULL));
  g_assert_false (g_file_test (bad_file, G_FILE_TEST_EXISTS));
}

static void
test_submit_lab (Fixture *f, gconstpointer data)
{
  CcServer *s = server (f, "edge01.contoso.com");
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GError) error = NULL;
  CcStoreEntry *entry;
  CcCertificate *cert;

  make_request (s, CC_INTERFACE_EDGE_INTERNAL, "ec:p256", TRUE, NULL);
  g_assert_true (cc_request_submit (s, CC_INTERFACE_EDGE_INTERNAL, "Contoso Lab CA", report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (report->leaf);
  entry = cc_store_lookup_id (cc_server_get_store (s, CC_STORE_PERSONAL),
                              cc_certificate_get_thumbprint (report->leaf));
  g_assert_nonnull (entry);
  cert = cc_store_entry_get_certificate (entry);
  g_assert_true (cc_store_entry_get_has_private_key (entry));
  g_assert_true (cc_store_entry_get_exportable (entry));
  g_assert_cmpstr (cc_store_entry_get_friendly_name (entry), ==, "Test request");
  g_assert_cmpstr (cc_certificate_get_issued_to (cert), ==, "edgepool.contoso.com");
  g_assert_true (cc_certificate_has_eku (cert, CC_OID_CLIENT_AUTH));
  g_assert_null (cc_request_find (s, CC_INTERFACE_EDGE_INTERNAL, &error));
  g_assert_cmpuint (report->changes->len, >=, 1);

  /* unknown CA */
  make_request (s, CC_INTERFACE_EDGE_INTERNAL, "ec:p256", TRUE, NULL);
  g_assert_false (cc_request_submit (s, CC_INTERFACE_EDGE_INTERNAL, "Nobody CA", NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_FOUND);
}

/* signs a CSR with the lab CA's files using the openssl command, as an offline CA does */
static char *
sign_offline (Fixture *f, const char *csr_pem, const char *form)
{
  g_autofree char *csr = tmp (f, "offline.csr");
  g_autofree char *cert = tmp (f, "offline.cer");
  g_autofree char *ca = g_build_filename (f->path, "ca", "contoso-lab-ca", "issuing.pem", NULL);
  g_autofree char *key = g_build_filename (f->path, "ca", "contoso-lab-ca", "issuing.key", NULL);

  write_file (csr, csr_pem, -1);
  g_assert_cmpint (run (NULL, "openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", key,
                        "-CAcreateserial", "-copy_extensions", "copy", "-days", "30",
                        "-outform", form, "-out", cert, NULL), ==, 0);
  return g_steal_pointer (&cert);
}

static void
test_process_formats (Fixture *f, gconstpointer unused)
{
  CcServer *s = server (f, "fe01.contoso.com");
  const char *formats[] = { "pem", "der", "base64", "crlf", "p7b-pem", "p7b-der" };

  if (!have ("openssl"))
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *csr = NULL;
      g_autofree char *cert = NULL;
      g_autofree char *answer = tmp (f, "answer");
      g_autofree char *data = NULL;
      g_autoptr(CcReport) report = cc_report_new ();
      g_autoptr(GError) error = NULL;
      gsize len;

      g_test_message ("answer as %s", formats[i]);
      make_request (s, CC_INTERFACE_DEFAULT, "ec:p256", FALSE, &csr);
      cert = sign_offline (f, csr, g_str_equal (formats[i], "der") ? "DER" : "PEM");
      g_file_get_contents (cert, &data, &len, NULL);
      if (g_str_equal (formats[i], "base64"))
        {
          g_autoptr(GBytes) der = cc_test_pem_to_der (data);
          g_autofree char *b64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
          write_file (answer, b64, -1);
        }
      else if (g_str_equal (formats[i], "crlf"))
        {
          g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
          g_autofree char *joined = g_strjoinv ("\r\n", lines);
          write_file (answer, joined, -1);
        }
      else if (g_str_has_prefix (formats[i], "p7b"))
        {
          g_autofree char *chain = g_build_filename (f->path, "ca", "contoso-lab-ca", "issuing.pem", NULL);
          g_assert_cmpint (run (NULL, "openssl", "crl2pkcs7", "-nocrl", "-certfile", cert,
                                "-certfile", chain, "-outform",
                                g_str_equal (formats[i], "p7b-der") ? "DER" : "PEM", "-out", answer,
                                NULL), ==, 0);
        }
      else
        write_file (answer, data, len);

      g_assert_true (cc_request_process (s, answer, report, &error));
      g_assert_no_error (error);
      g_assert_nonnull (report->leaf);
      g_assert_false (cc_store_entry_get_exportable (
                        cc_store_lookup_id (cc_server_get_store (s, CC_STORE_PERSONAL),
                                            cc_certificate_get_thumbprint (report->leaf))));
      g_assert_null (cc_request_find (s, CC_INTERFACE_DEFAULT, &error));
    }
}

static void
test_process_refused (Fixture *f, gconstpointer data)
{
  CcServer *s = server (f, "edge01.contoso.com");
  g_autofree char *answer = tmp (f, "answer.cer");
  g_autofree char *before = NULL;
  CcTestPki *pki = cc_test_pki_new ();
  CcTestCertOptions o = { .common_name = "edgepool.contoso.com" };
  g_autofree char *key_pem = NULL;
  g_autofree char *other = cc_test_pki_issue (pki, &o, &key_pem);
  guint8 random[300];
  struct
  {
    const char *what;
    const void *data;
    gssize len;
    int code;
  } cases[] = {
    { "empty", "", 0, CC_ERROR_BAD_CERTIFICATE },
    { "random", random, sizeof random, CC_ERROR_BAD_CERTIFICATE },
    { "bad base64", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", -1,
      CC_ERROR_BAD_CERTIFICATE },
    { "a key", key_pem, -1, CC_ERROR_BAD_CERTIFICATE },
    { "truncated", other, 300, CC_ERROR_BAD_CERTIFICATE },
    { "not the pending key", other, -1, CC_ERROR_NOT_FOUND },
  };

  for (guint i = 0; i < sizeof random; i++)
    random[i] = g_test_rand_int_range (0, 256);
  make_request (s, CC_INTERFACE_EDGE_INTERNAL, "ec:p256", TRUE, NULL);
  before = cc_test_snapshot_tree (f->path);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      g_test_message ("%s", cases[i].what);
      write_file (answer, cases[i].data, cases[i].len);
      g_assert_false (cc_request_process (s, answer, NULL, &error));
      g_assert_error (error, CC_ERROR, cases[i].code);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, answer));
      after = cc_test_snapshot_tree (f->path);
      g_assert_cmpstr (before, ==, after);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *missing = tmp (f, "no-such-file.cer");
    g_assert_false (cc_request_process (s, missing, NULL, &error));
    g_assert_error (error, CC_ERROR, CC_ERROR_IO);
    g_assert_nonnull (strstr (error->message, missing));
  }
  cc_test_pki_free (pki);
}

static void
test_import_chain (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p7b = tmp (f, "chain.p7b");
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (f->d);
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GPtrArray) certs = NULL;
  CcAuthority *ca = cc_authority_create_lab (f->d, "Second CA", &error);
  CcCertificate *root = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (ca);
  g_assert_true (cc_authority_write_chain (f->d, "Second CA", p7b, &error));
  g_assert_no_error (error);
  certs = cc_read_certificates_file (p7b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certs->len, ==, 2);
  for (guint i = 0; i < certs->len; i++)
    if (cc_certificate_is_self_signed (g_ptr_array_index (certs, i)))
      root = g_ptr_array_index (certs, i);
  g_assert_nonnull (root);
  g_assert_cmpstr (cc_certificate_get_thumbprint (root), ==, cc_authority_get_root_thumbprint (ca));

  /* not trusted anywhere yet */
  g_assert_true (cc_trust_verify (servers, root, missing, &error));
  g_assert_cmpuint (missing->len, ==, servers->len);
  g_ptr_array_set_size (missing, 0);

  g_assert_true (cc_import_chain (f->d, servers, p7b, report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->changes->len, ==, 2 * servers->len);
  g_assert_true (cc_trust_verify (servers, root, missing, &error));
  g_assert_cmpuint (missing->len, ==, 0);

  /* importing again changes nothing */
  {
    g_autofree char *before = cc_test_snapshot_tree (f->path);
    g_autofree char *after = NULL;
    g_autofree char *log_before = NULL;
    g_assert_true (cc_import_chain (f->d, servers, p7b, NULL, &error));
    after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
    (void) log_before;
  }
  /* removing it from one server shows there */
  g_assert_true (cc_store_remove (cc_server_get_store (server (f, "fe02.contoso.com"), CC_STORE_TRUSTED_ROOT),
                                  cc_certificate_get_thumbprint (root), &error));
  g_assert_true (cc_trust_verify (servers, root, missing, &error));
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (cc_server_get_fqdn (g_ptr_array_index (missing, 0)), ==, "fe02.contoso.com");

  /* a file with no CA is refused, and changes nothing */
  {
    g_autofree char *leaf = tmp (f, "leaf.pem");
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    CcStore *personal = cc_server_get_store (server (f, "edge01.contoso.com"), CC_STORE_PERSONAL);
    g_autoptr(CcStoreEntry) e = NULL;
    g_autofree char *pem = NULL;

    cc_store_ensure_loaded (personal, NULL, NULL);
    e = g_list_model_get_item (G_LIST_MODEL (personal), 0);
    pem = cc_certificate_dup_pem (cc_store_entry_get_certificate (e));
    write_file (leaf, pem, -1);
    before = cc_test_snapshot_tree (f->path);
    g_clear_error (&error);
    g_assert_false (cc_import_chain (f->d, servers, leaf, NULL, &error));
    g_assert_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE);
    g_assert_nonnull (strstr (error->message, leaf));
    after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }
}

static CcStoreEntry *
first_personal (CcServer *s)
{
  CcStore *personal = cc_server_get_store (s, CC_STORE_PERSONAL);
  g_autoptr(CcStoreEntry) e = NULL;
  cc_store_ensure_loaded (personal, NULL, NULL);
  e = g_list_model_get_item (G_LIST_MODEL (personal), 0);
  return e;   /* the store keeps it alive */
}

static void
test_pfx (Fixture *f, gconstpointer data)
{
  CcServer *edge01 = server (f, "edge01.contoso.com");
  CcServer *edge02 = server (f, "edge02.contoso.com");
  CcStoreEntry *entry = first_personal (edge01);
  const char *tp = cc_store_entry_get_id (entry);
  g_autofree char *pfx = tmp (f, "edge.pfx");
  g_autofree char *legacy = tmp (f, "edge-legacy.pfx");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) other = NULL;
  g_autofree char *other_path = tmp (f, "other");
  CcServer *target;

  g_assert_true (cc_export_pfx (edge01, tp, pfx, "s3cret pass", TRUE, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (cc_export_pfx (edge01, tp, legacy, "s3cret pass", TRUE, TRUE, &error));
  g_assert_no_error (error);

  if (have ("openssl"))
    {
      g_assert_cmpint (run (&out, "openssl", "pkcs12", "-in", pfx, "-info", "-noout", "-passin",
                            "pass:s3cret pass", NULL), ==, 0);
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (run (&out, "openssl", "pkcs12", "-in", pfx, "-nokeys", "-passin",
                            "pass:s3cret pass", NULL), ==, 0);
      /* leaf + issuing + root */
      g_assert_nonnull (strstr (out, "Contoso Lab CA Root"));
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (run (NULL, "openssl", "pkcs12", "-in", pfx, "-noout", "-passin",
                            "pass:wrong", NULL), !=, 0);
    }
  if (have ("certtool"))
    {
      g_assert_cmpint (run (&out, "certtool", "--p12-info", "--inder", "--password", "s3cret pass",
                            "--infile", pfx, NULL), ==, 0);
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (run (&out, "certtool", "--p12-info", "--inder", "--password", "s3cret pass",
                            "--infile", legacy, NULL), ==, 0);
      g_assert_nonnull (strstr (out, "3DES") );
      g_clear_pointer (&out, g_free);
    }

  /* not exportable means not exportable */
  {
    g_autofree char *refused = tmp (f, "refused.pfx");
    CcStoreEntry *e2 = first_personal (edge02);
    g_autofree char *before = cc_test_snapshot_tree (f->path);
    g_autofree char *after = NULL;
    g_assert_false (cc_store_entry_get_exportable (e2));
    g_assert_false (cc_export_pfx (edge02, cc_store_entry_get_id (e2), refused, "x", FALSE, FALSE,
                                   &error));
    g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "edge02.contoso.com"));
    g_clear_error (&error);
    g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
    after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }

  /* import into another deployment, both the AES and the 3DES file */
  other = cc_deployment_create (other_path, FALSE, NULL, &error);
  cc_deployment_add_site (other, "S", &error);
  cc_deployment_add_pool (other, "S", "edgepool.contoso.com", TRUE, &error);
  target = cc_deployment_add_server (other, "edgepool.contoso.com", "edge09.contoso.com", CC_ROLE_EDGE,
                                     &error);
  g_assert_no_error (error);
  {
    g_autofree char *before = cc_test_snapshot_tree (other_path);
    g_autofree char *after = NULL;
    g_assert_false (cc_import_pfx (target, pfx, "wrong", FALSE, NULL, &error));
    g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, pfx));
    g_clear_error (&error);
    g_assert_false (cc_import_pfx (target, other_path, "x", FALSE, NULL, &error));   /* a folder */
    g_clear_error (&error);
    after = cc_test_snapshot_tree (other_path);
    g_assert_cmpstr (before, ==, after);
  }
  g_assert_true (cc_import_pfx (target, legacy, "s3cret pass", FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cc_import_pfx (target, pfx, "s3cret pass", FALSE, NULL, &error));
  g_assert_no_error (error);
  {
    CcStoreEntry *e = cc_store_lookup_id (cc_server_get_store (target, CC_STORE_PERSONAL), tp);
    g_assert_nonnull (e);
    g_assert_true (cc_store_entry_get_has_private_key (e));
    g_assert_false (cc_store_entry_get_exportable (e));
    /* the chain came along: the root is trusted there now */
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cc_server_get_store (target, CC_STORE_TRUSTED_ROOT))), ==, 1);
  }

  /* a .pfx made by openssl in legacy mode (RC2-40) imports too */
  if (have ("openssl"))
    {
      g_autofree char *rc2 = tmp (f, "rc2.pfx");
      g_autofree char *cert = g_strdup_printf ("%s/personal/%s.pem", cc_server_get_path (edge01), tp);
      g_autofree char *key = g_strdup_printf ("%s/personal/%s.key", cc_server_get_path (edge01), tp);
      CcServer *fresh = cc_deployment_add_server (other, "edgepool.contoso.com", "edge08.contoso.com",
                                                  CC_ROLE_EDGE, &error);
      g_assert_cmpint (run (NULL, "openssl", "pkcs12", "-export", "-legacy", "-in", cert, "-inkey", key,
                            "-passout", "pass:old", "-out", rc2, NULL), ==, 0);
      g_assert_true (cc_import_pfx (fresh, rc2, "old", TRUE, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (cc_store_entry_get_exportable (
                       cc_store_lookup_id (cc_server_get_store (fresh, CC_STORE_PERSONAL), tp)));
    }
}

static void
test_assign (Fixture *f, gconstpointer data)
{
  CcServer *cwa = server (f, "cwa01.contoso.com");
  CcServer *edge01 = server (f, "edge01.contoso.com");
  CcStoreEntry *edge_cert = first_personal (edge01);
  g_autofree char *pfx = tmp (f, "edge.pfx");
  g_autoptr(GError) error = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *tp = cc_store_entry_get_id (edge_cert);

  /* not on that server */
  g_assert_false (cc_assign (cwa, tp, CC_INTERFACE_CWA_MTLS, FALSE, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* on the server, but made for another name: refused with every reason */
  g_assert_true (cc_export_pfx (edge01, tp, pfx, "p", TRUE, FALSE, &error));
  g_assert_true (cc_import_pfx (cwa, pfx, "p", FALSE, NULL, &error));
  g_assert_no_error (error);
  before = cc_test_snapshot_tree (f->path);
  g_assert_false (cc_assign (cwa, tp, CC_INTERFACE_CWA_MTLS, FALSE, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_REQUIREMENTS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "cwa01.contoso.com"));
  g_assert_nonnull (strstr (error->message, "edgepool.contoso.com"));
  g_assert_nonnull (strstr (error->message, "exportable"));
  g_assert_nonnull (strstr (error->message, "--force"));
  g_clear_error (&error);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (cc_assign (cwa, tp, CC_INTERFACE_EDGE_INTERNAL, FALSE, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);

  /* forced: assigned, recorded, and the check says so */
  g_assert_true (cc_assign (cwa, tp, CC_INTERFACE_CWA_MTLS, TRUE, report, &error));
  g_assert_no_error (error);
  g_assert_true (cc_server_get_assignment_forced (cwa, CC_INTERFACE_CWA_MTLS));
  g_assert_cmpuint (report->notes->len, >=, 2);
  {
    g_autoptr(CcDeployment) again = cc_deployment_open (f->path, NULL, &error);
    CcServer *s = cc_deployment_find_server (again, "cwa01.contoso.com");
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_autoptr(CcCheckResult) result = NULL;
    g_assert_true (cc_server_get_assignment_forced (s, CC_INTERFACE_CWA_MTLS));
    g_ptr_array_add (one, s);
    result = cc_check (again, one, 30, 14, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->n_error, ==, 1);
  }
  {
    g_autofree char *log = NULL;
    g_autofree char *log_path = g_build_filename (f->path, "audit.log", NULL);
    g_file_get_contents (log_path, &log, NULL, NULL);
    g_assert_nonnull (strstr (log, "assign-forced\tcwa01.contoso.com"));
    g_assert_null (strstr (log, "PRIVATE"));
    g_assert_null (strstr (log, "pass"));
  }
}

static void
test_distribute_and_check (Fixture *f, gconstpointer data)
{
  CcServer *edge01 = server (f, "edge01.contoso.com");
  CcServer *edge02 = server (f, "edge02.contoso.com");
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (f->d);
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CcCheckResult) result = NULL;
  const char *tp;
  CcStoreEntry *e2;

  /* the demo checks clean */
  result = cc_check (f->d, servers, 30, 14, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < result->items->len; i++)
    {
      CcCheckItem *item = g_ptr_array_index (result->items, i);
      for (guint j = 0; j < item->reasons->len; j++)
        g_test_message ("%s %d: %s", cc_server_get_fqdn (item->server), item->iface,
                        (char *) g_ptr_array_index (item->reasons, j));
    }
  g_assert_cmpuint (result->n_error, ==, 0);
  g_assert_cmpuint (result->n_warning, ==, 0);
  g_assert_cmpuint (result->n_ok, ==, 6);
  g_clear_pointer (&result, cc_check_result_free);

  /* a new certificate on the first Edge Server, then the whole pool in one step */
  make_request (edge01, CC_INTERFACE_EDGE_INTERNAL, "ec:p256", TRUE, NULL);
  g_assert_true (cc_request_submit (edge01, CC_INTERFACE_EDGE_INTERNAL, "Contoso Lab CA", report, &error));
  g_assert_no_error (error);
  tp = cc_certificate_get_thumbprint (report->leaf);
  g_assert_true (cc_assign (edge01, tp, CC_INTERFACE_EDGE_INTERNAL, FALSE, NULL, &error));
  g_assert_no_error (error);

  /* the pool now disagrees */
  result = cc_check (f->d, servers, 30, 14, NULL, &error);
  g_assert_cmpuint (result->n_warning, ==, 2);
  g_clear_pointer (&result, cc_check_result_free);

  g_assert_true (cc_distribute (cc_server_get_pool (edge01), tp, FALSE, report, &error));
  g_assert_no_error (error);
  e2 = cc_store_lookup_id (cc_server_get_store (edge02, CC_STORE_PERSONAL), tp);
  g_assert_nonnull (e2);
  g_assert_true (cc_store_entry_get_has_private_key (e2));
  g_assert_false (cc_store_entry_get_exportable (e2));
  g_assert_cmpstr (cc_server_get_assignment (edge02, CC_INTERFACE_EDGE_INTERNAL), ==, tp);
  result = cc_check (f->d, servers, 30, 14, NULL, &error);
  g_assert_cmpuint (result->n_error, ==, 0);
  g_assert_cmpuint (result->n_warning, ==, 0);
  g_clear_pointer (&result, cc_check_result_free);

  /* an expiry warning period longer than the certificates' life warns */
  result = cc_check (f->d, servers, 3650, 14, NULL, &error);
  g_assert_cmpuint (result->n_warning, ==, 6);
  g_clear_pointer (&result, cc_check_result_free);

  /* a server that no longer trusts the CA is an error there, and only there */
  {
    CcServer *fe02 = server (f, "fe02.contoso.com");
    CcAuthority *ca = cc_deployment_find_authority (f->d, "Contoso Lab CA");
    g_assert_true (cc_store_remove (cc_server_get_store (fe02, CC_STORE_TRUSTED_ROOT),
                                    cc_authority_get_root_thumbprint (ca), &error));
    result = cc_check (f->d, servers, 30, 14, NULL, &error);
    g_assert_cmpuint (result->n_error, ==, 1);
    for (guint i = 0; i < result->items->len; i++)
      {
        CcCheckItem *item = g_ptr_array_index (result->items, i);
        if (item->status == CC_STATUS_ERROR)
          {
            g_assert_true (item->server == fe02);
            g_assert_nonnull (strstr (g_ptr_array_index (item->reasons, 0), "trusted on fe02.contoso.com"));
          }
      }
  }
}

/* ---- the proof: a real MTLS handshake between two servers' assigned files ---- */

static gboolean
handshake (const char *server_dir, const char *server_iface, const char *client_dir,
           const char *client_iface, const char *hostname)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) s_server = NULL;
  g_autoptr(GSubprocess) s_client = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *scert = g_strdup_printf ("%s/assigned/%s.pem", server_dir, server_iface);
  g_autofree char *skey = g_strdup_printf ("%s/assigned/%s.key", server_dir, server_iface);
  g_autofree char *sroots = g_strdup_printf ("%s/trusted-root", server_dir);
  g_autofree char *ccert = g_strdup_printf ("%s/assigned/%s.pem", client_dir, client_iface);
  g_autofree char *ckey = g_strdup_printf ("%s/assigned/%s.key", client_dir, client_iface);
  g_autofree char *croots = g_strdup_printf ("%s/trusted-root", client_dir);
  g_autofree char *port = g_strdup_printf ("%d", g_test_rand_int_range (20000, 60000));
  g_autofree char *accept = g_strdup_printf ("127.0.0.1:%s", port);
  g_autofree char *out = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  gboolean ok;

  s_server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE
                               | G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                               "openssl", "s_server", "-accept", accept, "-naccept", "1",
                               /* -cert alone sends only the leaf; nginx and haproxy read
                                * the whole file, s_server needs -cert_chain for that */
                               "-cert", scert, "-cert_chain", scert, "-key", skey,
                               "-no-CAfile", "-no-CAstore",
                               "-CApath", sroots, "-Verify", "4", "-verify_return_error",
                               "-tls1_2", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s_server));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, NULL);
      if (line == NULL)
        return FALSE;   /* it could not start (port taken?) */
      if (g_str_has_prefix (line, "ACCEPT"))
        break;
    }

  /* its standard input at end of file: it quits once the handshake is over. (A "Q" written
   * to a pipe would kill this test with SIGPIPE whenever s_client, refused, was gone
   * before the write: under valgrind it always is.) */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  s_client = g_subprocess_launcher_spawn (launcher, &error,
                                          "openssl", "s_client", "-connect", accept, "-cert", ccert,
                                          "-cert_chain", ccert, "-key", ckey,
                                          "-no-CAfile", "-no-CAstore", "-CApath", croots,
                                          "-verify_return_error", "-verify_hostname", hostname,
                                          /* in TLS 1.2 the server's verdict on the client's
                                           * certificate is part of the handshake the client
                                           * completes */
                                          "-tls1_2", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (s_client, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  ok = g_subprocess_get_if_exited (s_client) && g_subprocess_get_exit_status (s_client) == 0
       && strstr (out, "Verify return code: 0 (ok)") != NULL;
  g_test_message ("s_client: %s", ok ? "handshake ok" : out);
  g_subprocess_force_exit (s_server);
  g_subprocess_wait (s_server, NULL, NULL);
  return ok;
}

static void
test_mtls_handshake (Fixture *f, gconstpointer data)
{
  CcServer *edge01 = server (f, "edge01.contoso.com");
  CcServer *fe01 = server (f, "fe01.contoso.com");
  CcAuthority *ca = cc_deployment_find_authority (f->d, "Contoso Lab CA");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (f->d);
  g_autoptr(CcCheckResult) result = NULL;

  if (!have ("openssl"))
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  /* edge01 serves its internal interface; fe01 connects with its own certificate */
  g_assert_true (handshake (cc_server_get_path (edge01), "edge-internal", cc_server_get_path (fe01),
                            "default", "edgepool.contoso.com"));

  /* the client's side no longer trusts the CA: the handshake fails, and check says why */
  g_assert_true (cc_store_remove (cc_server_get_store (fe01, CC_STORE_TRUSTED_ROOT),
                                  cc_authority_get_root_thumbprint (ca), &error));
  g_assert_false (handshake (cc_server_get_path (edge01), "edge-internal", cc_server_get_path (fe01),
                             "default", "edgepool.contoso.com"));
  result = cc_check (f->d, servers, 30, 14, NULL, &error);
  g_assert_cmpuint (result->n_error, ==, 1);
  g_clear_pointer (&result, cc_check_result_free);

  /* back, then the server's side loses it instead: it refuses the client */
  {
    g_autofree char *root = g_strdup_printf ("%s/trusted-root/%s.pem", cc_server_get_path (edge01),
                                             cc_authority_get_root_thumbprint (ca));
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_autofree char *roots_path = NULL;
    g_autoptr(CcReport) report = cc_report_new ();
    g_autofree char *p7b = tmp (f, "lab.p7b");
    g_assert_true (cc_authority_write_chain (f->d, "Contoso Lab CA", p7b, &error));
    g_ptr_array_add (one, fe01);
    g_assert_true (cc_import_chain (f->d, one, p7b, report, &error));
    g_assert_no_error (error);
    g_assert_true (handshake (cc_server_get_path (edge01), "edge-internal", cc_server_get_path (fe01),
                              "default", "edgepool.contoso.com"));
    g_assert_true (cc_store_remove (cc_server_get_store (edge01, CC_STORE_TRUSTED_ROOT),
                                    cc_authority_get_root_thumbprint (ca), &error));
    g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
    g_assert_false (handshake (cc_server_get_path (edge01), "edge-internal", cc_server_get_path (fe01),
                               "default", "edgepool.contoso.com"));
    (void) roots_path;
  }
}

static void
test_certification_path (Fixture *f, gconstpointer data)
{
  CcServer *fe01 = server (f, "fe01.contoso.com");
  CcStoreEntry *entry = first_personal (fe01);
  CcAuthority *ca = cc_deployment_find_authority (f->d, "Contoso Lab CA");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) path = cc_server_dup_certification_path (fe01, cc_store_entry_get_certificate (entry),
                                                                &error);
  CcPathLink *link;

  g_assert_no_error (error);
  g_assert_cmpuint (path->len, ==, 3);
  for (guint i = 0; i < path->len; i++)
    g_assert_cmpint (((CcPathLink *) g_ptr_array_index (path, i))->status, ==, CC_LINK_OK);
  link = g_ptr_array_index (path, 2);
  g_assert_cmpstr (cc_certificate_get_thumbprint (link->certificate), ==,
                   cc_authority_get_root_thumbprint (ca));
  g_clear_pointer (&path, g_ptr_array_unref);

  /* without the root in Trusted Root, the root is found nowhere: the issuing CA's issuer is missing */
  g_assert_true (cc_store_remove (cc_server_get_store (fe01, CC_STORE_TRUSTED_ROOT),
                                  cc_authority_get_root_thumbprint (ca), &error));
  path = cc_server_dup_certification_path (fe01, cc_store_entry_get_certificate (entry), &error);
  g_assert_cmpuint (path->len, ==, 2);
  link = g_ptr_array_index (path, 1);
  g_assert_cmpint (link->status, ==, CC_LINK_MISSING_ISSUER);
  g_assert_nonnull (strstr (link->detail, "fe01.contoso.com"));
  g_clear_pointer (&path, g_ptr_array_unref);

  /* a root put in Intermediate is there but not trusted */
  {
    g_autofree char *p7b = tmp (f, "lab.p7b");
    g_autoptr(GPtrArray) certs = NULL;
    g_assert_true (cc_authority_write_chain (f->d, "Contoso Lab CA", p7b, &error));
    certs = cc_read_certificates_file (p7b, &error);
    for (guint i = 0; i < certs->len; i++)
      if (cc_certificate_is_self_signed (g_ptr_array_index (certs, i)))
        g_assert_true (cc_store_add_certificate (cc_server_get_store (fe01, CC_STORE_INTERMEDIATE),
                                                 g_ptr_array_index (certs, i), NULL, NULL, FALSE,
                                                 "test", &error));
    path = cc_server_dup_certification_path (fe01, cc_store_entry_get_certificate (entry), &error);
    g_assert_cmpuint (path->len, ==, 3);
    link = g_ptr_array_index (path, 2);
    g_assert_cmpint (link->status, ==, CC_LINK_NOT_TRUSTED);
    g_assert_cmpstr (cc_link_status_to_id (link->status), ==, "not-trusted");
  }
}

typedef struct
{
  gpointer result;
  GError *error;
  gboolean done;
} Async;

static void
check_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Async *a = user_data;
  a->result = cc_check_finish (CC_DEPLOYMENT (source), res, &a->error);
  a->done = TRUE;
}

static gpointer
assign_work (CcDeployment *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  CcServer *s = cc_deployment_get_server (worker, "fe02.contoso.com", error);
  if (s == NULL)
    return NULL;
  if (!cc_assign (s, data, CC_INTERFACE_DEFAULT, TRUE, NULL, error))
    return NULL;
  return g_strdup ("assigned");
}

static void
run_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Async *a = user_data;
  a->result = cc_deployment_run_finish (CC_DEPLOYMENT (source), res, &a->error);
  a->done = TRUE;
}

static void
on_changed (CcDeployment *d, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_async (Fixture *f, gconstpointer data)
{
  Async a = { 0 };
  CcCheckResult *result;
  CcServer *fe02 = server (f, "fe02.contoso.com");
  CcStore *personal = cc_server_get_store (fe02, CC_STORE_PERSONAL);
  g_autofree char *other_tp = NULL;
  guint changed = 0;

  g_signal_connect (f->d, "changed", G_CALLBACK (on_changed), &changed);
  cc_check_async (f->d, NULL, 30, 14, NULL, check_done, &a);
  while (!a.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (a.error);
  result = a.result;
  g_assert_cmpuint (result->n_ok, ==, 6);
  /* a check changes nothing: the caller's deployment is not read again after it (on the
   * caller's thread, which for the console is its main loop) */
  g_assert_cmpuint (changed, ==, 0);
  /* computed on a private copy: the caller's stores were not touched from the thread */
  g_assert_true (result->deployment != f->d);
  g_assert_false (cc_store_is_loaded (personal));
  cc_check_result_free (result);

  /* a workflow run in a thread: the caller's deployment sees its effect afterwards */
  cc_store_ensure_loaded (personal, NULL, NULL);
  {
    CcStoreEntry *edge = first_personal (server (f, "edge01.contoso.com"));
    g_autofree char *pfx = tmp (f, "e.pfx");
    g_autoptr(GError) error = NULL;
    other_tp = g_strdup (cc_store_entry_get_id (edge));
    g_assert_true (cc_export_pfx (server (f, "edge01.contoso.com"), other_tp, pfx, "p", FALSE, FALSE, &error));
    g_assert_true (cc_import_pfx (fe02, pfx, "p", FALSE, NULL, &error));
    g_assert_no_error (error);
  }
  memset (&a, 0, sizeof a);
  cc_deployment_run_async (f->d, assign_work, g_strdup (other_tp), g_free, g_free, NULL, run_done, &a);
  while (!a.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (a.error);
  g_assert_cmpstr (a.result, ==, "assigned");
  g_free (a.result);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpstr (cc_server_get_assignment (fe02, CC_INTERFACE_DEFAULT), ==, other_tp);
  g_assert_true (cc_server_get_assignment_forced (fe02, CC_INTERFACE_DEFAULT));
  /* the loaded store is reloaded; wait for it and see the assignment on the row */
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    CcStoreEntry *row = cc_store_lookup_id (personal, other_tp);
    while ((row == NULL || !g_str_equal (cc_store_entry_get_assigned_to (row), "default"))
           && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, FALSE);
        row = cc_store_lookup_id (personal, other_tp);
      }
    g_assert_nonnull (row);
    g_assert_cmpstr (cc_store_entry_get_assigned_to (row), ==, "default");
  }

  /* a failing workflow reports its error and still refreshes */
  memset (&a, 0, sizeof a);
  cc_deployment_run_async (f->d, assign_work, g_strdup ("00000000000000000000000000000000"), g_free, g_free,
                           NULL, run_done, &a);
  while (!a.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (a.error, CC_ERROR, CC_ERROR_NOT_FOUND);
  g_clear_error (&a.error);
  g_assert_cmpuint (changed, ==, 2);
  /* let the reloads the refreshes started finish before the fixture goes */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

static void
test_failure_midway (Fixture *f, gconstpointer data)
{
  /* a bundle whose second certificate is too big for the file size limit set below: the
   * first one is written, the second fails, as on a disk that fills up midway */
  CcTestPki *pki = cc_test_pki_new ();
  CcTestCertOptions small = { .common_name = "Small Root", .self_signed = TRUE, .is_ca = TRUE };
  CcTestCertOptions big = { .common_name = "Big Root", .self_signed = TRUE, .is_ca = TRUE,
                            .key = "rsa:4096" };
  g_autofree char *p1 = cc_test_pki_issue (pki, &small, NULL);
  g_autofree char *p2 = cc_test_pki_issue (pki, &big, NULL);
  g_autofree char *bundle = g_strconcat (p1, p2, NULL);
  g_autofree char *file = tmp (f, "bundle.pem");
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (f->d);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  struct rlimit old, limit;
  gboolean ok;

  g_assert_cmpuint (strlen (p1), <, 1000);
  g_assert_cmpuint (strlen (p2), >, 1200);
  write_file (file, bundle, -1);
  before = cc_test_snapshot_tree (f->path);

  signal (SIGXFSZ, SIG_IGN);
  getrlimit (RLIMIT_FSIZE, &old);
  limit = old;
  limit.rlim_cur = 1100;
  setrlimit (RLIMIT_FSIZE, &limit);
  ok = cc_import_chain (f->d, servers, file, NULL, &error);
  setrlimit (RLIMIT_FSIZE, &old);

  g_assert_false (ok);
  g_assert_error (error, CC_ERROR, CC_ERROR_IO);
  g_test_message ("%s", error->message);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
  g_clear_error (&error);
  g_clear_pointer (&after, g_free);

  /* the last server cannot take it (its Trusted Root folder is a file): the servers
   * before it are rolled back too */
  {
    CcServer *last = g_ptr_array_index (servers, servers->len - 1);
    g_autofree char *roots = g_build_filename (cc_server_get_path (last), "trusted-root", NULL);
    g_autoptr(CcDeployment) fresh = NULL;
    g_autoptr(GPtrArray) fresh_servers = NULL;

    cc_test_rmrf (roots);
    write_file (roots, "not a folder", -1);
    g_clear_pointer (&before, g_free);
    before = cc_test_snapshot_tree (f->path);
    fresh = cc_deployment_open (f->path, NULL, &error);
    fresh_servers = cc_deployment_list_servers (fresh);
    g_assert_false (cc_import_chain (fresh, fresh_servers, file, NULL, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, roots));
    after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }
  cc_test_pki_free (pki);
}

/* ---- the worker threads yield to the caller's main loop ---- */

static int
thread_nice (void)
{
  errno = 0;
  return getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
}

static gpointer
report_nice (CcDeployment *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  return GINT_TO_POINTER (thread_nice () + 100);   /* never NULL */
}

typedef struct
{
  gboolean done;
  int nice_value;
} NiceData;

static void
nice_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  NiceData *n = user_data;
  g_autoptr(GError) error = NULL;

  n->nice_value = GPOINTER_TO_INT (cc_deployment_run_finish (CC_DEPLOYMENT (source), res,
                                                             &error)) - 100;
  g_assert_no_error (error);
  n->done = TRUE;
}

static void
test_background_priority (Fixture *f, gconstpointer data)
{
  int main_nice = thread_nice ();
  NiceData n = { 0, };

#ifndef __linux__
  g_test_skip ("a thread's own nice value is Linux's");
  return;
#endif
  cc_deployment_run_read_only_async (f->d, report_nice, NULL, NULL, NULL, NULL, nice_done, &n);
  while (!n.done)
    g_main_context_iteration (NULL, TRUE);
  /* the work ran below the caller, whose own priority is untouched */
  g_assert_cmpint (n.nice_value, >=, MIN (main_nice + 10, 19));
  g_assert_cmpint (thread_nice (), ==, main_nice);

  /* a check run on the caller's thread (certctl's, and a few servers checked inline) leaves
   * it as it was */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) servers = cc_deployment_list_servers (f->d);
    CcCheckResult *result = cc_check (f->d, servers, 30, 14, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (result);
    cc_check_result_free (result);
    g_assert_cmpint (thread_nice (), ==, main_nice);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  cc_core_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/workflows/defaults", test_defaults);
  ADD ("/workflows/request-pending", test_request_pending);
  ADD ("/workflows/request-save-csr", test_request_save_csr);
  ADD ("/workflows/submit-lab", test_submit_lab);
  ADD ("/workflows/process-formats", test_process_formats);
  ADD ("/workflows/process-refused", test_process_refused);
  ADD ("/workflows/import-chain", test_import_chain);
  ADD ("/workflows/pfx", test_pfx);
  ADD ("/workflows/assign", test_assign);
  ADD ("/workflows/distribute-and-check", test_distribute_and_check);
  ADD ("/workflows/mtls-handshake", test_mtls_handshake);
  ADD ("/workflows/certification-path", test_certification_path);
  ADD ("/workflows/async", test_async);
  ADD ("/workflows/background-priority", test_background_priority);
  ADD ("/workflows/failure-midway", test_failure_midway);
#undef ADD
  return g_test_run ();
}
