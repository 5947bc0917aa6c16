/* fuzz-index.c: libFuzzer target for a store's index cache (.cc-index, cc-store-index.c)
 * and the certificate summaries it holds. The index is checked as a whole by its SHA-256
 * trailer, which random bytes never pass: each input is tried as it is and again with its
 * last 32 bytes replaced by the right trailer (what anyone who can write the folder can
 * make), so that the header, the rows and the summaries are all reached. Whatever is
 * accepted must answer for each of its rows, and a certificate made from a summary must be
 * usable like any other. */
#include "fuzz-common.h"

#define HEADER_SIZE 32
#define ROW_SIZE 72
#define TRAILER_SIZE 32
#define SUMMARY_TYPE "(ayssssssuxxasasubsubibt)"

static void
stat_from_row (GStatBuf *st, const guint8 *row)
{
  guint64 size, ino;
  gint64 mtime_ns, ctime_ns;

  memcpy (&size, row + 32, 8);
  memcpy (&ino, row + 40, 8);
  memcpy (&mtime_ns, row + 48, 8);
  memcpy (&ctime_ns, row + 56, 8);
  memset (st, 0, sizeof *st);
  st->st_size = (off_t) size;
  st->st_ino = (ino_t) ino;
  /* the index adds seconds and nanoseconds back the same way, whatever their signs */
  st->st_mtim.tv_sec = mtime_ns / 1000000000;
  st->st_mtim.tv_nsec = mtime_ns % 1000000000;
  st->st_ctim.tv_sec = ctime_ns / 1000000000;
  st->st_ctim.tv_nsec = ctime_ns % 1000000000;
}

static void
use_certificate (CcCertificate *cert)
{
  g_autofree char *pem = cc_certificate_dup_pem (cert);
  g_autoptr(GBytes) again = _cc_certificate_dup_summary (cert);
  const char * const *sans = cc_certificate_get_sans (cert);

  if (cc_certificate_get_subject (cert) == NULL || cc_certificate_get_thumbprint (cert) == NULL
      || again == NULL || pem == NULL)
    abort ();
  for (guint i = 0; sans != NULL && sans[i] != NULL; i++)
    (void) strlen (sans[i]);
  (void) cc_certificate_get_not_after (cert);
  /* the DER is parsed on first need only: it must parse, or the summary must not have
   * been taken */
  if (_cc_certificate_get_x509 (cert) == NULL)
    abort ();
}

static void
try_summary (GBytes *summary, const char *thumbprint)
{
  g_autoptr(GVariant) v = g_variant_ref_sink (
      g_variant_new_from_bytes (G_VARIANT_TYPE (SUMMARY_TYPE), summary, FALSE));
  g_autoptr(GVariant) der_v = g_variant_get_child_value (v, 0);
  g_autoptr(CcCertificate) named = NULL;
  g_autoptr(CcCertificate) consistent = NULL;
  g_autofree char *own = NULL;
  const guint8 *der;
  gsize len;

  /* as the store does: the file's name is the thumbprint */
  named = _cc_certificate_new_from_summary (summary, thumbprint);
  if (named != NULL)
    use_certificate (named);
  /* and as a hostile folder would have it: a file named after the summary's own DER */
  der = g_variant_get_fixed_array (der_v, &len, 1);
  own = _cc_sha256_hex (der, len);
  consistent = _cc_certificate_new_from_summary (summary, own);
  if (consistent != NULL)
    use_certificate (consistent);
}

static void
try_index (const guint8 *data, size_t size)
{
  g_autoptr(CcStoreIndex) index = _cc_store_index_new_from_data ((const char *) data, size);
  guint n_rows;

  if (index == NULL)
    return;
  n_rows = _cc_store_index_get_n_rows (index);
  if (size < HEADER_SIZE + (gsize) n_rows * ROW_SIZE + TRAILER_SIZE)
    abort ();
  for (guint i = 0; i < n_rows; i++)
    {
      const guint8 *row = data + HEADER_SIZE + (gsize) i * ROW_SIZE;
      char thumbprint[65];
      g_autoptr(GBytes) summary = NULL;
      GStatBuf st;

      for (guint j = 0; j < 32; j++)
        g_snprintf (thumbprint + 2 * j, 3, "%02x", row[j]);
      stat_from_row (&st, row);
      /* every row accepted is one the store can look up */
      if (!_cc_store_index_matches (index, thumbprint, &st, &summary))
        abort ();
      if (summary != NULL)
        try_summary (summary, thumbprint);
      /* another size (flipping the lowest bit cannot overflow, as ++ did on a row of
       * G_MAXINT64 bytes, which the fuzzer found) must not match */
      st.st_size ^= 1;
      if (_cc_store_index_matches (index, thumbprint, &st, NULL))
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree guint8 *sealed = NULL;
  unsigned int md_len = 0;

  fuzz_init ();
  try_index (data, size);
  if (size < TRAILER_SIZE)
    return 0;
  /* again with the last 32 bytes replaced by the right trailer */
  sealed = g_memdup2 (data, size);
  if (!EVP_Digest (data, size - TRAILER_SIZE, sealed + size - TRAILER_SIZE, &md_len,
                   EVP_sha256 (), NULL)
      || md_len != TRAILER_SIZE)
    abort ();
  try_index (sealed, size);
  return 0;
}
