/* cc-lab-ca.c: key generation and the lab CA that signs requests inside the deployment. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "cc-lab-ca.h"

struct _CcLabCa
{
  EVP_PKEY *root_key;
  X509 *root;
  EVP_PKEY *issuing_key;
  X509 *issuing;
};

EVP_PKEY *
_cc_key_generate (const char *spec, GError **error)
{
  EVP_PKEY *key = NULL;

  if (g_str_has_prefix (spec, "rsa:"))
    {
      guint64 bits = 0;
      if (!g_ascii_string_to_unsigned (spec + 4, 10, 1024, 8192, &bits, NULL))
        goto bad;
      key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) bits);
    }
  else if (g_str_equal (spec, "ec:p256"))
    key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  else if (g_str_equal (spec, "ec:p384"))
    key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-384");
  else
    goto bad;

  if (key == NULL)
    _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("Cannot generate a %s key"), spec);
  return key;

bad:
  g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
               _("“%s” is not a key type; use rsa:2048, rsa:3072, rsa:4096, ec:p256 or ec:p384"),
               spec);
  return NULL;
}

GBytes *
_cc_key_to_pem (EVP_PKEY *key)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_secmem ());
  char *data;
  long len;
  GBytes *out;

  if (!PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL))
    return NULL;
  len = BIO_get_mem_data (bio, &data);
  out = g_bytes_new (data, len);
  return out;
}

EVP_PKEY *
_cc_key_from_pem (GBytes *pem, const char *what, GError **error)
{
  g_autoptr(BIO) bio = BIO_new_mem_buf (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
  EVP_PKEY *key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);

  if (key == NULL)
    _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("“%s” is not a readable private key"), what);
  return key;
}

static gboolean
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  g_autoptr(X509_EXTENSION) ext = NULL;

  X509V3_set_ctx (&ctx, issuer, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  return ext != NULL && X509_add_ext (cert, ext, -1);
}

static gboolean
add_name_entry (X509_NAME *name, const char *field, const char *value)
{
  if (value == NULL || *value == '\0')
    return TRUE;
  return X509_NAME_add_entry_by_txt (name, field, MBSTRING_UTF8, (const unsigned char *) value,
                                     -1, -1, 0) == 1;
}

static gboolean
set_serial (X509 *cert)
{
  g_autoptr(BIGNUM) bn = BN_new ();
  /* 127 random bits, positive: unique without a serial database */
  return BN_rand (bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)
         && BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert)) != NULL;
}

static X509 *
new_cert (X509_NAME *subject, EVP_PKEY *public_key, X509 *issuer, int days)
{
  g_autoptr(X509) cert = X509_new ();

  if (!X509_set_version (cert, 2) || !set_serial (cert)
      || !X509_set_subject_name (cert, subject)
      || !X509_set_issuer_name (cert, issuer ? X509_get_subject_name (issuer) : subject)
      || !X509_gmtime_adj (X509_getm_notBefore (cert), -3600)
      || !X509_time_adj_ex (X509_getm_notAfter (cert), days, 0, NULL)
      || !X509_set_pubkey (cert, public_key))
    return NULL;
  return g_steal_pointer (&cert);
}

static X509 *
make_ca (const char *cn, const char *organization, EVP_PKEY *key, X509 *issuer,
         EVP_PKEY *issuer_key, int days, GError **error)
{
  g_autoptr(X509_NAME) name = X509_NAME_new ();
  g_autoptr(X509) cert = NULL;

  if (!add_name_entry (name, "CN", cn) || !add_name_entry (name, "O", organization))
    goto fail;
  cert = new_cert (name, key, issuer, days);
  if (cert == NULL
      || !add_ext (cert, issuer ? issuer : cert, NID_basic_constraints,
                   issuer ? "critical,CA:TRUE,pathlen:0" : "critical,CA:TRUE")
      || !add_ext (cert, issuer ? issuer : cert, NID_key_usage, "critical,keyCertSign,cRLSign")
      || !add_ext (cert, issuer ? issuer : cert, NID_subject_key_identifier, "hash")
      || (issuer && !add_ext (cert, issuer, NID_authority_key_identifier, "keyid:always"))
      || !X509_sign (cert, issuer_key, EVP_sha256 ()))
    goto fail;
  return g_steal_pointer (&cert);

fail:
  _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("Cannot make the certificate of “%s”"), cn);
  return NULL;
}

CcLabCa *
_cc_lab_ca_new (const char *name, const char *organization, GError **error)
{
  g_autoptr(CcLabCa) ca = g_new0 (CcLabCa, 1);
  g_autofree char *root_cn = g_strdup_printf ("%s Root", name);
  g_autofree char *issuing_cn = g_strdup_printf ("%s Issuing CA", name);

  /* EC keys: a lab CA is made in milliseconds, and every TLS stack of this decade reads it */
  if ((ca->root_key = _cc_key_generate ("ec:p384", error)) == NULL
      || (ca->issuing_key = _cc_key_generate ("ec:p256", error)) == NULL
      || (ca->root = make_ca (root_cn, organization, ca->root_key, NULL, ca->root_key, 3650,
                              error)) == NULL
      || (ca->issuing = make_ca (issuing_cn, organization, ca->issuing_key, ca->root,
                                 ca->root_key, 1825, error)) == NULL)
    return NULL;
  return g_steal_pointer (&ca);
}

void
_cc_lab_ca_free (CcLabCa *ca)
{
  if (ca == NULL)
    return;
  EVP_PKEY_free (ca->root_key);
  EVP_PKEY_free (ca->issuing_key);
  X509_free (ca->root);
  X509_free (ca->issuing);
  g_free (ca);
}

X509 *
_cc_lab_ca_get_root (CcLabCa *ca)
{
  return ca->root;
}

X509 *
_cc_lab_ca_get_issuing (CcLabCa *ca)
{
  return ca->issuing;
}

static gboolean
write_cert (X509 *cert, const char *path, GError **error)
{
  g_autoptr(CcCertificate) c = _cc_certificate_new_from_x509 (cert, error);
  g_autofree char *pem = NULL;

  if (c == NULL)
    return FALSE;
  pem = cc_certificate_dup_pem (c);
  return _cc_write_file_atomic (path, pem, strlen (pem), 0644, error);
}

static gboolean
write_key (CcDeployment *deployment, EVP_PKEY *key, const char *path, GError **error)
{
  g_autoptr(GBytes) pem = _cc_key_to_pem (key);
  if (pem == NULL)
    {
      _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("Cannot encode the key for “%s”"), path);
      return FALSE;
    }
  return _cc_key_file_write (deployment, path, pem, TRUE, error);
}

gboolean
_cc_lab_ca_save (CcDeployment *deployment, CcLabCa *ca, const char *dir, GError **error)
{
  g_autofree char *root = g_build_filename (dir, "root.pem", NULL);
  g_autofree char *root_key = g_build_filename (dir, "root.key", NULL);
  g_autofree char *issuing = g_build_filename (dir, "issuing.pem", NULL);
  g_autofree char *issuing_key = g_build_filename (dir, "issuing.key", NULL);

  return _cc_mkdir (dir, 0700, error)
         && write_key (deployment, ca->root_key, root_key, error)
         && write_key (deployment, ca->issuing_key, issuing_key, error)
         && write_cert (ca->root, root, error)
         && write_cert (ca->issuing, issuing, error);
}

static X509 *
read_cert (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(BIO) bio = NULL;
  X509 *cert;

  if (!_cc_read_file (path, &data, &len, error))
    return NULL;
  bio = BIO_new_mem_buf (data, len);
  cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  if (cert == NULL)
    _cc_set_openssl_error (error, CC_ERROR_BAD_CERTIFICATE, _("“%s” holds no certificate"), path);
  return cert;
}

static EVP_PKEY *
read_key (CcDeployment *deployment, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = _cc_key_file_read (deployment, path, error);

  return bytes ? _cc_key_from_pem (bytes, path, error) : NULL;
}

CcLabCa *
_cc_lab_ca_load (CcDeployment *deployment, const char *dir, GError **error)
{
  g_autoptr(CcLabCa) ca = g_new0 (CcLabCa, 1);
  g_autofree char *root = g_build_filename (dir, "root.pem", NULL);
  g_autofree char *root_key = g_build_filename (dir, "root.key", NULL);
  g_autofree char *issuing = g_build_filename (dir, "issuing.pem", NULL);
  g_autofree char *issuing_key = g_build_filename (dir, "issuing.key", NULL);

  if ((ca->root = read_cert (root, error)) == NULL
      || (ca->issuing = read_cert (issuing, error)) == NULL
      || (ca->root_key = read_key (deployment, root_key, error)) == NULL
      || (ca->issuing_key = read_key (deployment, issuing_key, error)) == NULL)
    return NULL;
  return g_steal_pointer (&ca);
}

X509 *
_cc_lab_ca_issue (CcLabCa *ca, EVP_PKEY *public_key, const CcIssueOptions *o, GError **error)
{
  g_autoptr(X509_NAME) name = X509_NAME_new ();
  g_autoptr(X509) cert = NULL;
  g_autoptr(GString) san = g_string_new (NULL);

  if (!add_name_entry (name, "C", o->country) || !add_name_entry (name, "ST", o->state)
      || !add_name_entry (name, "L", o->locality) || !add_name_entry (name, "O", o->organization)
      || !add_name_entry (name, "OU", o->organizational_unit)
      || !add_name_entry (name, "CN", o->common_name))
    goto fail;

  for (guint i = 0; o->sans && o->sans[i]; i++)
    g_string_append_printf (san, "%sDNS:%s", i ? "," : "", o->sans[i]);

  cert = new_cert (name, public_key, ca->issuing, o->days > 0 ? o->days : 365);
  if (cert == NULL
      || !add_ext (cert, ca->issuing, NID_basic_constraints, "critical,CA:FALSE")
      || !add_ext (cert, ca->issuing, NID_key_usage, "critical,digitalSignature,keyEncipherment")
      || !add_ext (cert, ca->issuing, NID_ext_key_usage,
                   o->client_auth ? "serverAuth,clientAuth" : "serverAuth")
      || (san->len > 0 && !add_ext (cert, ca->issuing, NID_subject_alt_name, san->str))
      || !add_ext (cert, ca->issuing, NID_subject_key_identifier, "hash")
      || !add_ext (cert, ca->issuing, NID_authority_key_identifier, "keyid:always")
      || !X509_sign (cert, ca->issuing_key, EVP_sha256 ()))
    goto fail;
  return g_steal_pointer (&cert);

fail:
  _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("The lab CA cannot issue a certificate for “%s”"),
                         o->common_name);
  return NULL;
}

char *
_cc_lab_ca_slug (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (s, g_ascii_tolower (*p));
      else if (s->len > 0 && s->str[s->len - 1] != '-')
        g_string_append_c (s, '-');
    }
  while (s->len > 0 && s->str[s->len - 1] == '-')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0)
    g_string_append (s, "ca");
  return g_string_free (s, FALSE);
}

X509 *
_cc_lab_ca_sign_request (CcLabCa *ca, X509_REQ *request, int days, GError **error)
{
  EVP_PKEY *public_key = X509_REQ_get0_pubkey (request);
  STACK_OF(X509_EXTENSION) *exts = NULL;
  g_autoptr(X509) cert = NULL;
  static const int copied[] = { NID_subject_alt_name, NID_key_usage, NID_ext_key_usage };

  if (public_key == NULL || X509_REQ_verify (request, public_key) != 1)
    {
      _cc_set_openssl_error (error, CC_ERROR_CRYPTO,
                             _("The request's signature does not verify; create the request again"));
      return NULL;
    }
  cert = new_cert (X509_REQ_get_subject_name (request), public_key, ca->issuing, days);
  if (cert == NULL)
    goto fail;

  exts = X509_REQ_get_extensions (request);
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      int idx = X509v3_get_ext_by_NID (exts, copied[i], -1);
      if (idx >= 0 && !X509_add_ext (cert, sk_X509_EXTENSION_value (exts, idx), -1))
        goto fail;
    }
  if (!add_ext (cert, ca->issuing, NID_basic_constraints, "critical,CA:FALSE")
      || !add_ext (cert, ca->issuing, NID_subject_key_identifier, "hash")
      || !add_ext (cert, ca->issuing, NID_authority_key_identifier, "keyid:always")
      || !X509_sign (cert, ca->issuing_key, EVP_sha256 ()))
    goto fail;
  sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
  return g_steal_pointer (&cert);

fail:
  if (exts != NULL)
    sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
  _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("The lab CA cannot sign the request"));
  return NULL;
}

char *
_cc_lab_ca_dup_dir (CcDeployment *deployment, const char *name)
{
  g_autofree char *slug = _cc_lab_ca_slug (name);
  return g_build_filename (cc_deployment_get_path (deployment), "ca", slug, NULL);
}
