/* fuzz-certificates.c: libFuzzer target for certificate and CA answer files in every
 * encoding the core reads (PEM, DER, base64 without headers, .p7b in PEM or DER). */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init ();
  /* the index's cheap check of a summary's DER accepts only what d2i_X509 reads (the lazy
   * parse of a certificate made from a summary counts on it) */
  if (size <= G_MAXLONG && _cc_der_has_certificate_shape (data, size))
    {
      const unsigned char *p = data;
      X509 *x = d2i_X509 (NULL, &p, (long) size);
      gboolean whole = x != NULL && p == data + size;

      X509_free (x);
      if (!whole)
        abort ();
    }
  bytes = g_bytes_new (data, size);
  certs = cc_read_certificates_data ("fuzz input", bytes, &error);
  /* either certificates or one error, never both and never neither */
  if ((certs == NULL) == (error == NULL))
    abort ();
  for (guint i = 0; certs != NULL && i < certs->len; i++)
    {
      CcCertificate *cert = g_ptr_array_index (certs, i);
      g_autofree char *pem = cc_certificate_dup_pem (cert);

      /* what the console shows of it must be readable from anything that parsed */
      if (cc_certificate_get_thumbprint (cert) == NULL || pem == NULL)
        abort ();
      (void) cc_certificate_get_issued_to (cert);
      (void) cc_certificate_get_subject_hash (cert);
    }
  return 0;
}
