/* test-certificate.c: parsing of certificates made by a test PKI (RSA and EC, with and
 * without SANs, expired, UTF-8 subject), bad input, and the Details section model. */
#include <openssl/err.h>
#include <openssl/x509.h>

#include "certconsole-core.h"
#include "cc-core-private.h"
#include "cc-test-pki.h"

static CcTestPki *pki;

static CcCertificate *
issue (const CcTestCertOptions *o)
{
  g_autofree char *pem = cc_test_pki_issue (pki, o, NULL);
  g_autoptr(GError) error = NULL;
  CcCertificate *cert = cc_certificate_new_from_pem (pem, strlen (pem), &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static void
test_rsa_with_sans (void)
{
  const char *sans[] = { "pool01.contoso.com", "sip.contoso.com", "fe01.contoso.com", NULL };
  CcTestCertOptions o = { .common_name = "pool01.contoso.com", .organization = "Contoso",
                          .country = "US", .sans = sans, .key = "rsa:2048", .client_auth = TRUE };
  g_autoptr(CcCertificate) cert = issue (&o);
  g_autofree char *purposes = cc_certificate_dup_intended_purposes (cert);
  gboolean has_ku;
  guint ku = cc_certificate_get_key_usage (cert, &has_ku);
  g_autofree char *pem = cc_certificate_dup_pem (cert);
  g_autofree char *tp = cc_test_pem_thumbprint (pem);

  g_assert_cmpstr (cc_certificate_get_issued_to (cert), ==, "pool01.contoso.com");
  g_assert_cmpstr (cc_certificate_get_issued_by (cert), ==, "CC Test Issuing CA");
  g_assert_cmpstr (cc_certificate_get_subject (cert), ==, "CN=pool01.contoso.com, O=Contoso, C=US");
  g_assert_cmpstr (cc_certificate_get_issuer (cert), ==, "CN=CC Test Issuing CA, O=CC Tests, C=US");
  g_assert_cmpstrv (cc_certificate_get_sans (cert), sans);
  g_assert_true (cc_certificate_has_eku (cert, CC_OID_SERVER_AUTH));
  g_assert_true (cc_certificate_has_eku (cert, CC_OID_CLIENT_AUTH));
  g_assert_cmpstr (purposes, ==, "Server Authentication, Client Authentication");
  g_assert_true (has_ku);
  g_assert_cmpuint (ku, ==, CC_KEY_USAGE_DIGITAL_SIGNATURE | CC_KEY_USAGE_KEY_ENCIPHERMENT);
  g_assert_cmpstr (cc_certificate_get_key_type (cert), ==, "rsa:2048");
  g_assert_cmpuint (cc_certificate_get_key_bits (cert), ==, 2048);
  g_assert_cmpuint (cc_certificate_get_version (cert), ==, 3);
  g_assert_false (cc_certificate_is_ca (cert));
  g_assert_false (cc_certificate_is_self_signed (cert));
  g_assert_false (cc_certificate_is_expired (cert, NULL));
  g_assert_cmpuint (strlen (cc_certificate_get_thumbprint (cert)), ==, 64);
  g_assert_cmpuint (strlen (cc_certificate_get_sha1 (cert)), ==, 40);
  g_assert_cmpuint (strlen (cc_certificate_get_serial (cert)), >, 0);
  /* the thumbprint is the SHA-256 of the DER, as OpenSSL computes it */
  g_assert_cmpstr (cc_certificate_get_thumbprint (cert), ==, tp);
}

static void
test_ec_without_sans (void)
{
  CcTestCertOptions o = { .common_name = "EDGE01", .key = "ec:p384" };
  g_autoptr(CcCertificate) cert = issue (&o);
  g_autofree char *purposes = cc_certificate_dup_intended_purposes (cert);

  g_assert_cmpstr (cc_certificate_get_key_type (cert), ==, "ec:p384");
  g_assert_cmpuint (cc_certificate_get_key_bits (cert), ==, 384);
  g_assert_null (cc_certificate_get_sans (cert)[0]);
  g_assert_cmpstr (cc_certificate_get_issued_to (cert), ==, "EDGE01");
  g_assert_cmpstr (purposes, ==, "Server Authentication");
  g_assert_false (cc_certificate_has_eku (cert, CC_OID_CLIENT_AUTH));
}

static void
test_ec_p256 (void)
{
  CcTestCertOptions o = { .common_name = "cwa.contoso.com" };
  g_autoptr(CcCertificate) cert = issue (&o);
  g_assert_cmpstr (cc_certificate_get_key_type (cert), ==, "ec:p256");
}

static void
test_expired (void)
{
  CcTestCertOptions o = { .common_name = "old.contoso.com", .not_before_days = -400,
                          .not_after_days = -2 };
  g_autoptr(CcCertificate) cert = issue (&o);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) long_ago = g_date_time_add_days (now, -100);

  g_assert_true (cc_certificate_is_expired (cert, NULL));
  g_assert_true (cc_certificate_is_expired (cert, now));
  g_assert_false (cc_certificate_is_expired (cert, long_ago));
  g_assert_cmpint (g_date_time_compare (cc_certificate_get_not_after (cert), now), <, 0);
  g_assert_cmpint (g_date_time_compare (cc_certificate_get_not_before (cert),
                                        cc_certificate_get_not_after (cert)), <, 0);
}

static void
test_utf8_subject (void)
{
  const char *sans[] = { "muenchen.example.de", NULL };
  CcTestCertOptions o = { .common_name = "Server München – Zürich", .organization = "Société Générale",
                          .sans = sans };
  g_autoptr(CcCertificate) cert = issue (&o);

  g_assert_cmpstr (cc_certificate_get_issued_to (cert), ==, "Server München – Zürich");
  g_assert_true (g_utf8_validate (cc_certificate_get_subject (cert), -1, NULL));
  g_assert_nonnull (strstr (cc_certificate_get_subject (cert), "Société Générale"));
}

static void
test_ca_and_self_signed (void)
{
  const char *root_pem = cc_test_pki_get_root_pem (pki);
  const char *issuing_pem = cc_test_pki_get_issuing_pem (pki);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcCertificate) root = cc_certificate_new_from_pem (root_pem, strlen (root_pem), &error);
  g_autoptr(CcCertificate) issuing = cc_certificate_new_from_pem (issuing_pem, strlen (issuing_pem),
                                                                  &error);
  g_autofree char *purposes = cc_certificate_dup_intended_purposes (root);

  g_assert_no_error (error);
  g_assert_true (cc_certificate_is_ca (root));
  g_assert_true (cc_certificate_is_self_signed (root));
  g_assert_cmpint (cc_certificate_get_path_length (root), ==, -1);
  g_assert_true (cc_certificate_is_ca (issuing));
  g_assert_false (cc_certificate_is_self_signed (issuing));
  g_assert_cmpint (cc_certificate_get_path_length (issuing), ==, 0);
  g_assert_cmpstr (purposes, ==, "<All>");
}

static void
test_der_round_trip (void)
{
  CcTestCertOptions o = { .common_name = "der.contoso.com" };
  g_autofree char *pem = cc_test_pki_issue (pki, &o, NULL);
  g_autoptr(GBytes) der = cc_test_pem_to_der (pem);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcCertificate) cert = cc_certificate_new_from_der (der, &error);
  g_autofree char *pem2 = NULL;
  g_autoptr(CcCertificate) again = NULL;

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (der, cc_certificate_get_der (cert)));
  pem2 = cc_certificate_dup_pem (cert);
  again = cc_certificate_new_from_pem (pem2, strlen (pem2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_certificate_get_thumbprint (again), ==, cc_certificate_get_thumbprint (cert));
}

static gboolean
openssl_reads (const guint8 *der, gsize len)
{
  const unsigned char *p = der;
  X509 *x = d2i_X509 (NULL, &p, (long) len);
  gboolean whole = x != NULL && p == der + len;

  X509_free (x);
  ERR_clear_error ();
  return whole;
}

/* The index's summaries are checked with _cc_der_has_certificate_shape instead of d2i_X509
 * (which costs twelve times as much): what it accepts, d2i_X509 must read, or the lazy parse
 * of a certificate made from a summary would fail. Every prefix, one byte more, and every
 * bit flipped, of an RSA and an EC certificate. */
static void
test_shape (void)
{
  CcTestCertOptions options[] = {
    { .common_name = "shape-rsa.contoso.com", .key = "rsa:2048" },
    { .common_name = "shape-ec.contoso.com", .key = "ec:p256",
      .sans = (const char *[]) { "shape-ec.contoso.com", NULL } },
  };
  static const guint8 not_a_certificate[] = { 0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02,
                                              0x02, 0x01, 0x03 };
  guint n_accepted_flips = 0;

  g_assert_false (_cc_der_has_certificate_shape (not_a_certificate, sizeof not_a_certificate));
  g_assert_false (_cc_der_has_certificate_shape (not_a_certificate, 0));
  for (guint k = 0; k < G_N_ELEMENTS (options); k++)
    {
      g_autofree char *pem = cc_test_pki_issue (pki, &options[k], NULL);
      g_autoptr(GBytes) der_bytes = cc_test_pem_to_der (pem);
      gsize len;
      const guint8 *der = g_bytes_get_data (der_bytes, &len);
      g_autofree guint8 *copy = g_malloc (len + 1);

      g_assert_true (_cc_der_has_certificate_shape (der, len));
      g_assert_true (openssl_reads (der, len));
      for (gsize n = 0; n < len; n++)
        g_assert_false (_cc_der_has_certificate_shape (der, n));
      memcpy (copy, der, len);
      copy[len] = 0;
      g_assert_false (_cc_der_has_certificate_shape (copy, len + 1));
      for (gsize i = 0; i < len; i++)
        for (guint bit = 0; bit < 8; bit++)
          {
            memcpy (copy, der, len);
            copy[i] ^= (guint8) (1u << bit);
            if (_cc_der_has_certificate_shape (copy, len))
              {
                if (!openssl_reads (copy, len))
                  g_error ("byte %" G_GSIZE_FORMAT " bit %u: the shape check accepts what "
                           "d2i_X509 refuses", i, bit);
                n_accepted_flips++;
              }
          }
    }
  /* most flips land in names, serials, keys and signatures, which stay certificates */
  g_assert_cmpuint (n_accepted_flips, >, 1000);
}

static void
test_bad_input (void)
{
  static const char *texts[] = {
    "",
    "hello",
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    "-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n",
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGqk\n-----END PRIVATE KEY-----\n",
    "-----BEGIN CERTIFICATE-----\nMIIB",   /* truncated */
  };
  guint8 random[512];
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  CcCertificate *cert;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) e = NULL;
      cert = cc_certificate_new_from_pem (texts[i], strlen (texts[i]), &e);
      g_assert_null (cert);
      g_assert_error (e, CC_ERROR, CC_ERROR_BAD_CERTIFICATE);
    }
  for (guint i = 0; i < sizeof random; i++)
    random[i] = g_test_rand_int_range (0, 256);
  bytes = g_bytes_new (random, sizeof random);
  cert = cc_certificate_new_from_der (bytes, &error);
  g_assert_null (cert);
  g_assert_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = g_bytes_new (NULL, 0);
  g_assert_null (cc_certificate_new_from_der (bytes, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE);

  /* a truncated DER certificate */
  {
    CcTestCertOptions o = { .common_name = "cut.contoso.com" };
    g_autofree char *pem = cc_test_pki_issue (pki, &o, NULL);
    g_autoptr(GBytes) der = cc_test_pem_to_der (pem);
    g_autoptr(GBytes) cut = g_bytes_new_from_bytes (der, 0, g_bytes_get_size (der) / 2);
    g_autoptr(GError) e = NULL;
    g_assert_null (cc_certificate_new_from_der (cut, &e));
    g_assert_error (e, CC_ERROR, CC_ERROR_BAD_CERTIFICATE);
  }
}

static const char *
field_value (GListModel *sections, const char *section_label, const char *field_label)
{
  for (guint i = 0; i < g_list_model_get_n_items (sections); i++)
    {
      g_autoptr(CcCertificateSection) s = g_list_model_get_item (sections, i);
      GListModel *fields = cc_certificate_section_get_fields (s);

      if (!g_str_equal (cc_certificate_section_get_label (s), section_label))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (fields); j++)
        {
          g_autoptr(CcCertificateField) f = g_list_model_get_item (fields, j);
          if (g_str_equal (cc_certificate_field_get_label (f), field_label))
            return cc_certificate_field_get_value (f);   /* the section keeps it alive */
        }
    }
  return NULL;
}

static void
test_sections (void)
{
  const char *sans[] = { "edge.contoso.com", NULL };
  CcTestCertOptions o = { .common_name = "edge.contoso.com", .organization = "Contoso",
                          .sans = sans, .client_auth = TRUE };
  g_autoptr(CcCertificate) cert = issue (&o);
  g_autoptr(GListModel) sections = cc_certificate_dup_sections (cert);

  g_assert_cmpstr (field_value (sections, "Certificate", "Version"), ==, "V3");
  g_assert_cmpstr (field_value (sections, "Subject", "commonName"), ==, "edge.contoso.com");
  g_assert_cmpstr (field_value (sections, "Subject", "organizationName"), ==, "Contoso");
  g_assert_cmpstr (field_value (sections, "Fingerprints", "SHA-256"), ==,
                   cc_certificate_get_thumbprint (cert));
  g_assert_nonnull (strstr (field_value (sections, "Extension: X509v3 Subject Alternative Name",
                                         "Value"), "edge.contoso.com"));
  g_assert_nonnull (strstr (field_value (sections, "Extension: X509v3 Key Usage", "Value"),
                            "(a0)"));
  g_assert_nonnull (strstr (field_value (sections, "Extension: X509v3 Extended Key Usage", "Value"),
                            "1.3.6.1.5.5.7.3.2"));
  g_assert_cmpstr (field_value (sections, "Extension: X509v3 Key Usage", "Critical"), ==, "Yes");
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  cc_core_init ();
  pki = cc_test_pki_new ();

  g_test_add_func ("/certificate/rsa-with-sans", test_rsa_with_sans);
  g_test_add_func ("/certificate/ec-without-sans", test_ec_without_sans);
  g_test_add_func ("/certificate/ec-p256", test_ec_p256);
  g_test_add_func ("/certificate/expired", test_expired);
  g_test_add_func ("/certificate/utf8-subject", test_utf8_subject);
  g_test_add_func ("/certificate/ca-and-self-signed", test_ca_and_self_signed);
  g_test_add_func ("/certificate/der-round-trip", test_der_round_trip);
  g_test_add_func ("/certificate/bad-input", test_bad_input);
  g_test_add_func ("/certificate/shape", test_shape);
  g_test_add_func ("/certificate/sections", test_sections);
  ret = g_test_run ();
  cc_test_pki_free (pki);
  return ret;
}
