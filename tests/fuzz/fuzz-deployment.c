/* fuzz-deployment.c: libFuzzer target for deployment.json. Whatever parses must also be
 * a valid topology (every server name a host name, hence never a path out of the folder)
 * that the console can walk. */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(CcDeployment) d = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) servers = NULL;

  fuzz_init ();
  d = _cc_deployment_new_from_data ("/nonexistent/fuzz", (const char *) data, size, &error);
  if ((d == NULL) == (error == NULL))
    abort ();
  if (d == NULL)
    return 0;
  servers = cc_deployment_list_servers (d);
  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      const char *fqdn = cc_server_get_fqdn (server);

      if (!cc_fqdn_is_valid (fqdn) || strchr (fqdn, '/') != NULL || strstr (fqdn, "..") != NULL)
        abort ();
      for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
        (void) cc_server_get_assignment (server, iface);
    }
  return 0;
}
