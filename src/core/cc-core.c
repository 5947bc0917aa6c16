/* cc-core.c: one-time start-up of the core: OpenSSL providers and the text domain. */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "cc-core-private.h"

static OSSL_PROVIDER *default_provider;
static OSSL_PROVIDER *legacy_provider;

/* before OpenSSL's own clean-up at exit (atexit runs the latest first): a provider still
 * loaded then is left half freed, which LeakSanitizer and valgrind report */
static void
unload_providers (void)
{
  if (legacy_provider != NULL)
    OSSL_PROVIDER_unload (legacy_provider);
  if (default_provider != NULL)
    OSSL_PROVIDER_unload (default_provider);
  legacy_provider = default_provider = NULL;
}

static gpointer
init_once (gpointer data)
{
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  /* .pfx files from older Windows and appliances use RC2-40 and 3DES: reading them needs
   * the legacy provider beside the default one. Loading the legacy one alone would
   * disable the default one, so both are loaded explicitly. */
  default_provider = OSSL_PROVIDER_load (NULL, "default");
  legacy_provider = OSSL_PROVIDER_load (NULL, "legacy");
  if (legacy_provider == NULL)
    g_debug ("OpenSSL's legacy provider is not available: legacy .pfx files cannot be read");
  ERR_clear_error ();
  atexit (unload_providers);

  /* the GTypes that threads create objects of, registered before any thread runs */
  g_type_ensure (CC_TYPE_CERTIFICATE);
  g_type_ensure (CC_TYPE_STORE_ENTRY);
  return NULL;
}

void
cc_core_init (void)
{
  static GOnce once = G_ONCE_INIT;
  g_once (&once, init_once, NULL);
}
