/* fuzz-p7b.c: libFuzzer target for .p7b (PKCS#7 certs-only) bundles, as a CA chain is
 * imported: the same reader as certificate files, seeded with .p7b files only so that the
 * fuzzer spends its time inside PKCS#7 structures. */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init ();
  bytes = g_bytes_new (data, size);
  certs = cc_read_certificates_data ("fuzz.p7b", bytes, &error);
  if ((certs == NULL) == (error == NULL))
    abort ();
  return 0;
}
