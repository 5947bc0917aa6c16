/* cc-core.c: one-time start-up of the core: OpenSSL providers and the text domain. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

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

/* The core's worker threads (a check, stores loaded in parallel, a deployment opened in the
 * background) run at a lower priority (a nice value 10 higher, at most 19) than the thread
 * that asked for them: on a machine of
 * two cores they otherwise take the CPU from the console's main loop for tens of
 * milliseconds at a time. Once per thread (a GLib pool's threads are reused). Never the
 * thread that runs the default main context, and nothing elsewhere than Linux, where a
 * thread has a nice value of its own. */
void
_cc_thread_set_background (void)
{
#ifdef __linux__
  static GPrivate lowered;
  pid_t tid;
  int nice_value;

  if (g_private_get (&lowered) != NULL || g_main_context_is_owner (g_main_context_default ()))
    return;
  g_private_set (&lowered, GINT_TO_POINTER (1));

  tid = (pid_t) syscall (SYS_gettid);
  errno = 0;
  nice_value = getpriority (PRIO_PROCESS, (id_t) tid);
  if (errno == 0 && nice_value < 19)
    (void) setpriority (PRIO_PROCESS, (id_t) tid, MIN (19, nice_value + CC_BACKGROUND_NICE));
#endif
}

void
cc_core_init (void)
{
  static GOnce once = G_ONCE_INIT;
  g_once (&once, init_once, NULL);
}
