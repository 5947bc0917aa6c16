/* cc-certfile.c: reading certificates from whatever a CA or an administrator hands us
 * (PEM, DER, .p7b in PEM or DER, base64 without armour, CRLF), and import reports. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>

#include "cc-core-private.h"
#include "cc-workflows.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PKCS7, PKCS7_free)

CcReport *
cc_report_new (void)
{
  CcReport *report = g_new0 (CcReport, 1);
  report->changes = g_ptr_array_new_with_free_func (g_free);
  report->notes = g_ptr_array_new_with_free_func (g_free);
  return report;
}

void
cc_report_free (CcReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->changes);
  g_ptr_array_unref (report->notes);
  g_clear_object (&report->leaf);
  g_free (report);
}

static gboolean
add_pkcs7_certs (PKCS7 *p7, GPtrArray *out, GError **error)
{
  STACK_OF(X509) *certs = NULL;
  int nid = OBJ_obj2nid (p7->type);

  if (nid == NID_pkcs7_signed && p7->d.sign != NULL)
    certs = p7->d.sign->cert;
  else if (nid == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped != NULL)
    certs = p7->d.signed_and_enveloped->cert;
  for (int i = 0; certs && i < sk_X509_num (certs); i++)
    {
      CcCertificate *cert = _cc_certificate_new_from_x509 (sk_X509_value (certs, i), error);
      if (cert == NULL)
        return FALSE;
      g_ptr_array_add (out, cert);
    }
  return TRUE;
}

/* DER: one certificate, or a PKCS#7 bundle */
static gboolean
parse_der (const guint8 *data, gsize len, GPtrArray *out, GError **error)
{
  const unsigned char *p = data;
  g_autoptr(PKCS7) p7 = NULL;
  X509 *x509;

  x509 = d2i_X509 (NULL, &p, len);
  if (x509 != NULL)
    {
      /* parsed once: the certificate takes this X509 and the bytes it was read from */
      g_autoptr(GBytes) der = g_bytes_new (data, p - data);
      g_ptr_array_add (out, _cc_certificate_new_take_x509 (x509, der));
      return TRUE;
    }
  ERR_clear_error ();
  p = data;
  p7 = d2i_PKCS7 (NULL, &p, len);
  ERR_clear_error ();
  if (p7 == NULL)
    return FALSE;
  return add_pkcs7_certs (p7, out, error);
}

typedef struct
{
  GPtrArray *ders;
  guint from, to;
  GPtrArray *out;
  gboolean ok;
} ParseJob;

static void
parse_job_run (gpointer data, gpointer user_data)
{
  ParseJob *job = data;

  job->ok = TRUE;
  for (guint i = job->from; job->ok && i < job->to; i++)
    {
      gsize dlen;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (job->ders, i), &dlen);
      job->ok = parse_der (d, dlen, job->out, NULL);
    }
}

/* A large bundle is parsed on every core, in slices whose results are joined in order. */
static gboolean
parse_ders (GPtrArray *ders, GPtrArray *out)
{
  guint n_jobs = ders->len < 512 ? 1 : MAX (1, g_get_num_processors ()) * 4;
  g_autofree ParseJob *jobs = g_new0 (ParseJob, n_jobs);
  gboolean ok = TRUE;

  for (guint j = 0; j < n_jobs; j++)
    {
      jobs[j].ders = ders;
      jobs[j].from = (guint) ((guint64) ders->len * j / n_jobs);
      jobs[j].to = (guint) ((guint64) ders->len * (j + 1) / n_jobs);
      jobs[j].out = g_ptr_array_new_with_free_func (g_object_unref);
    }
  if (n_jobs == 1)
    parse_job_run (&jobs[0], NULL);
  else
    {
      GThreadPool *pool = g_thread_pool_new (parse_job_run, NULL, MAX (1, g_get_num_processors ()),
                                             FALSE, NULL);
      for (guint j = 0; j < n_jobs; j++)
        g_thread_pool_push (pool, &jobs[j], NULL);
      g_thread_pool_free (pool, FALSE, TRUE);   /* waits for every job */
    }
  for (guint j = 0; j < n_jobs; j++)
    {
      ok = ok && jobs[j].ok;
      if (ok)
        g_ptr_array_extend_and_steal (out, jobs[j].out);
      else
        g_ptr_array_unref (jobs[j].out);
    }
  return ok;
}

static gboolean
looks_like_base64 (const char *text, gsize len)
{
  gsize n = 0;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      if (g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=')
        n++;
      else if (!g_ascii_isspace (c))
        return FALSE;
    }
  return n >= 16;
}

GPtrArray *
cc_read_certificates_data (const char *what, GBytes *data, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local = NULL;
  gsize len;
  const char *text = g_bytes_get_data (data, &len);

  if (len == 0)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                   _("“%s” is empty; ask the certification authority for the certificate again"),
                   what);
      return NULL;
    }

  if (g_strstr_len (text, len, "-----BEGIN ") != NULL)
    {
      /* certificates and PKCS#7 blocks can be mixed in one file */
      const char *labels[] = { "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE",
                               "PKCS7", "CERTIFICATE CHAIN", NULL };

      for (guint l = 0; labels[l]; l++)
        {
          g_autoptr(GPtrArray) ders = _cc_pem_decode_all (text, len, labels[l]);
          if (!parse_ders (ders, out))
            goto bad;
        }
      if (out->len == 0)
        {
          if (g_strstr_len (text, len, "PRIVATE KEY-----") != NULL)
            g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                         _("“%s” holds a private key, not a certificate; choose the certificate file the certification authority sent"),
                         what);
          else if (g_strstr_len (text, len, "CERTIFICATE REQUEST-----") != NULL)
            g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                         _("“%s” is a certificate request, not a certificate; submit it to the certification authority and import its answer"),
                         what);
          else
            g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                         _("“%s” holds no certificate (a PEM file whose blocks are truncated or damaged); ask for the file again"),
                         what);
          return NULL;
        }
      return g_steal_pointer (&out);
    }

  if (parse_der ((const guint8 *) text, len, out, &local) && out->len > 0)
    return g_steal_pointer (&out);
  g_clear_error (&local);

  if (looks_like_base64 (text, len))
    {
      g_autofree char *copy = g_strndup (text, len);
      gsize dlen = 0;
      g_autofree guchar *der = g_base64_decode (copy, &dlen);
      if (dlen > 0 && parse_der (der, dlen, out, &local) && out->len > 0)
        return g_steal_pointer (&out);
    }

bad:
  g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
               _("“%s” is not a certificate or a .p7b file that OpenSSL can read (PEM, DER or base64); check that it is complete and is the file the certification authority sent"),
               what);
  return NULL;
}

GPtrArray *
cc_read_certificates_file (const char *file, GError **error)
{
  char *data = NULL;
  gsize len;
  g_autoptr(GBytes) bytes = NULL;

  if (!_cc_read_file (file, &data, &len, error))
    return NULL;
  bytes = g_bytes_new_take (data, len);
  return cc_read_certificates_data (file, bytes, error);
}

GBytes *
_cc_certificates_to_p7b (GPtrArray *certs, gboolean pem)
{
  g_autoptr(PKCS7) p7 = PKCS7_new ();
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data;
  long len;

  PKCS7_set_type (p7, NID_pkcs7_signed);
  PKCS7_content_new (p7, NID_pkcs7_data);
  for (guint i = 0; i < certs->len; i++)
    PKCS7_add_certificate (p7, _cc_certificate_get_x509 (g_ptr_array_index (certs, i)));
  if (pem ? !PEM_write_bio_PKCS7 (bio, p7) : !i2d_PKCS7_bio (bio, p7))
    return NULL;
  len = BIO_get_mem_data (bio, &data);
  return g_bytes_new (data, len);
}
