/* cc-test-pki.c: a test PKI made directly with the OpenSSL API, so that the tests do not
 * check the core's parsing with the core's own issuing code. */
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cc-test-pki.h"

struct _CcTestPki
{
  EVP_PKEY *root_key;
  X509 *root;
  EVP_PKEY *issuing_key;
  X509 *issuing;
  char *root_pem;
  char *issuing_pem;
};

static EVP_PKEY *
make_key (const char *spec)
{
  if (spec == NULL || g_str_equal (spec, "ec:p256"))
    return EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  if (g_str_equal (spec, "ec:p384"))
    return EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-384");
  if (g_str_has_prefix (spec, "rsa:"))
    return EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) g_ascii_strtoull (spec + 4, NULL, 10));
  g_assert_not_reached ();
}

static void
ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *e;

  X509V3_set_ctx (&ctx, issuer, cert, NULL, NULL, 0);
  e = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  g_assert_nonnull (e);
  g_assert_true (X509_add_ext (cert, e, -1));
  X509_EXTENSION_free (e);
}

static char *
to_pem (X509 *cert)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long len;
  char *out;

  g_assert_true (PEM_write_bio_X509 (bio, cert));
  len = BIO_get_mem_data (bio, &data);
  out = g_strndup (data, len);
  BIO_free (bio);
  return out;
}

static X509 *
make_cert (const char *cn, const char *o, const char *c, EVP_PKEY *key, X509 *issuer,
           EVP_PKEY *issuer_key, int nb_days, int na_days)
{
  X509 *cert = X509_new ();
  X509_NAME *name = X509_NAME_new ();
  BIGNUM *bn = BN_new ();

  if (c)
    X509_NAME_add_entry_by_txt (name, "C", MBSTRING_UTF8, (const guchar *) c, -1, -1, 0);
  if (o)
    X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const guchar *) o, -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) cn, -1, -1, 0);
  X509_set_version (cert, 2);
  BN_rand (bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
  BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert));
  BN_free (bn);
  X509_set_subject_name (cert, name);
  X509_set_issuer_name (cert, issuer ? X509_get_subject_name (issuer) : name);
  X509_NAME_free (name);
  X509_time_adj_ex (X509_getm_notBefore (cert), nb_days, 0, NULL);
  X509_time_adj_ex (X509_getm_notAfter (cert), na_days, 0, NULL);
  X509_set_pubkey (cert, key);
  (void) issuer_key;
  return cert;
}

CcTestPki *
cc_test_pki_new (void)
{
  CcTestPki *pki = g_new0 (CcTestPki, 1);

  pki->root_key = make_key ("ec:p256");
  pki->root = make_cert ("CC Test Root CA", "CC Tests", "US", pki->root_key, NULL, NULL, -1, 3650);
  ext (pki->root, pki->root, NID_basic_constraints, "critical,CA:TRUE");
  ext (pki->root, pki->root, NID_key_usage, "critical,keyCertSign,cRLSign");
  ext (pki->root, pki->root, NID_subject_key_identifier, "hash");
  g_assert_true (X509_sign (pki->root, pki->root_key, EVP_sha256 ()));

  pki->issuing_key = make_key ("ec:p256");
  pki->issuing = make_cert ("CC Test Issuing CA", "CC Tests", "US", pki->issuing_key, pki->root,
                            pki->root_key, -1, 1825);
  ext (pki->issuing, pki->root, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  ext (pki->issuing, pki->root, NID_key_usage, "critical,keyCertSign,cRLSign");
  ext (pki->issuing, pki->root, NID_subject_key_identifier, "hash");
  ext (pki->issuing, pki->root, NID_authority_key_identifier, "keyid:always");
  g_assert_true (X509_sign (pki->issuing, pki->root_key, EVP_sha256 ()));

  pki->root_pem = to_pem (pki->root);
  pki->issuing_pem = to_pem (pki->issuing);
  return pki;
}

void
cc_test_pki_free (CcTestPki *pki)
{
  EVP_PKEY_free (pki->root_key);
  EVP_PKEY_free (pki->issuing_key);
  X509_free (pki->root);
  X509_free (pki->issuing);
  g_free (pki->root_pem);
  g_free (pki->issuing_pem);
  g_free (pki);
}

const char *
cc_test_pki_get_root_pem (CcTestPki *pki)
{
  return pki->root_pem;
}

const char *
cc_test_pki_get_issuing_pem (CcTestPki *pki)
{
  return pki->issuing_pem;
}

char *
cc_test_pki_issue (CcTestPki *pki, const CcTestCertOptions *o, char **key_pem)
{
  EVP_PKEY *key = make_key (o->key);
  X509 *issuer = o->self_signed ? NULL : o->from_root ? pki->root : pki->issuing;
  EVP_PKEY *issuer_key = o->self_signed ? key : o->from_root ? pki->root_key : pki->issuing_key;
  X509 *cert = make_cert (o->common_name, o->organization, o->country, key, issuer, issuer_key,
                          o->not_before_days ? o->not_before_days : -1,
                          o->not_after_days ? o->not_after_days : 365);
  X509 *ctx_issuer = issuer ? issuer : cert;
  char *pem;

  if (o->is_ca)
    {
      ext (cert, ctx_issuer, NID_basic_constraints, "critical,CA:TRUE");
      ext (cert, ctx_issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
  else
    {
      ext (cert, ctx_issuer, NID_basic_constraints, "critical,CA:FALSE");
      ext (cert, ctx_issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
      ext (cert, ctx_issuer, NID_ext_key_usage, o->client_auth ? "serverAuth,clientAuth" : "serverAuth");
    }
  if (o->sans != NULL && o->sans[0] != NULL)
    {
      GString *s = g_string_new (NULL);
      for (guint i = 0; o->sans[i]; i++)
        g_string_append_printf (s, "%sDNS:%s", i ? "," : "", o->sans[i]);
      ext (cert, ctx_issuer, NID_subject_alt_name, s->str);
      g_string_free (s, TRUE);
    }
  g_assert_true (X509_sign (cert, issuer_key, EVP_sha256 ()));
  pem = to_pem (cert);

  if (key_pem != NULL)
    {
      BIO *bio = BIO_new (BIO_s_mem ());
      char *data;
      long len;
      g_assert_true (PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL));
      len = BIO_get_mem_data (bio, &data);
      *key_pem = g_strndup (data, len);
      BIO_free (bio);
    }
  X509_free (cert);
  EVP_PKEY_free (key);
  return pem;
}

GBytes *
cc_test_pem_to_der (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  X509 *cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  unsigned char *buf = NULL;
  int len;
  GBytes *der;

  g_assert_nonnull (cert);
  len = i2d_X509 (cert, &buf);
  g_assert_cmpint (len, >, 0);
  der = g_bytes_new (buf, len);
  OPENSSL_free (buf);
  X509_free (cert);
  BIO_free (bio);
  return der;
}

char *
cc_test_pem_thumbprint (const char *pem)
{
  g_autoptr(GBytes) der = cc_test_pem_to_der (pem);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
}

char *
cc_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("cc-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

void
cc_test_rmrf (const char *path)
{
  GStatBuf st;

  if (path == NULL || g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;
      /* a read-only folder made by a test must still be cleaned up */
      g_chmod (path, 0700);
      while (dir && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          cc_test_rmrf (child);
        }
      if (dir)
        g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
snapshot (GString *out, const char *root, const char *rel)
{
  g_autofree char *path = rel ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  /* a store's index cache is rebuilt by any load: what it holds is checked by its own tests */
  while ((name = g_dir_read_name (dir)) != NULL)
    if (strcmp (name, ".cc-index") != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *child = g_ptr_array_index (names, i);
      g_autofree char *child_rel = rel ? g_build_filename (rel, child, NULL) : g_strdup (child);
      g_autofree char *child_path = g_build_filename (root, child_rel, NULL);
      GStatBuf st;

      if (g_lstat (child_path, &st) != 0)
        continue;
      if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (child_path, NULL);
          g_string_append_printf (out, "%s -> %s\n", child_rel, target);
        }
      else if (S_ISDIR (st.st_mode))
        {
          g_string_append_printf (out, "%s/ %o\n", child_rel, (unsigned) (st.st_mode & 07777));
          snapshot (out, root, child_rel);
        }
      else
        {
          g_autofree char *data = NULL;
          gsize len = 0;
          g_autofree char *sum = NULL;
          g_file_get_contents (child_path, &data, &len, NULL);
          sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
          g_string_append_printf (out, "%s %o %" G_GSIZE_FORMAT " %s\n", child_rel,
                                  (unsigned) (st.st_mode & 07777), len, sum);
        }
    }
}

char *
cc_test_snapshot_tree (const char *path)
{
  GString *out = g_string_new (NULL);
  snapshot (out, path, NULL);
  return g_string_free (out, FALSE);
}
