/* fuzz-pfx.c: libFuzzer target for .pfx (PKCS#12) files, with the fixed password "fuzz"
 * (the seeds are made with it, so the fuzzer gets past the MAC into the bags). */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  EVP_PKEY *key = NULL;
  X509 *x509 = NULL;
  STACK_OF(X509) *chain = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init ();
  if (_cc_pfx_parse ("fuzz.pfx", data, size, "fuzz", &key, &x509, &chain, &error))
    {
      if (key == NULL || x509 == NULL || error != NULL)
        abort ();
      EVP_PKEY_free (key);
      X509_free (x509);
      sk_X509_pop_free (chain, X509_free);
    }
  else if (error == NULL)
    abort ();
  return 0;
}
