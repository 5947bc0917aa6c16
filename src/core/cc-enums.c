/* cc-enums.c: ids, display names and default interfaces of roles, interfaces and stores. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cc-enums.h"

typedef struct
{
  const char *id;
  const char *name;
  const char *icon;
} Named;

static const Named roles[CC_N_ROLES] = {
  [CC_ROLE_EDGE]           = { "edge", N_("Access Edge Server"), "network-wired-symbolic" },
  [CC_ROLE_FRONT_END]      = { "front-end", N_("Front End Server"), "network-server-symbolic" },
  [CC_ROLE_WEBCONF]        = { "webconf", N_("Web Conferencing Server"), "camera-web-symbolic" },
  [CC_ROLE_AV]             = { "av", N_("A/V Conferencing Server"), "audio-headset-symbolic" },
  [CC_ROLE_MEDIATION]      = { "mediation", N_("Mediation Server"), "call-start-symbolic" },
  [CC_ROLE_DIRECTOR]       = { "director", N_("Director"), "mail-forward-symbolic" },
  [CC_ROLE_CWA]            = { "cwa", N_("Communicator Web Access"), "web-browser-symbolic" },
  [CC_ROLE_WEB_COMPONENTS] = { "web-components", N_("Web Components Server"),
                               "applications-internet-symbolic" },
  [CC_ROLE_REVERSE_PROXY]  = { "reverse-proxy", N_("Reverse Proxy"), "network-workgroup-symbolic" },
};

static const Named interfaces[CC_N_INTERFACES] = {
  [CC_INTERFACE_EDGE_INTERNAL]    = { "edge-internal", N_("Edge internal interface (MTLS)"), NULL },
  [CC_INTERFACE_EDGE_ACCESS]      = { "edge-access", N_("Access Edge external interface"), NULL },
  [CC_INTERFACE_EDGE_WEBCONF]     = { "edge-webconf", N_("Web Conferencing Edge external interface"),
                                      NULL },
  [CC_INTERFACE_EDGE_AV]          = { "edge-av", N_("A/V authentication"), NULL },
  [CC_INTERFACE_DEFAULT]          = { "default", N_("Server default (MTLS)"), NULL },
  [CC_INTERFACE_CWA_MTLS]         = { "cwa-mtls", N_("Communicator Web Access MTLS"), NULL },
  [CC_INTERFACE_CWA_SSL_INTERNAL] = { "cwa-ssl-internal", N_("Communicator Web Access SSL (internal)"),
                                      NULL },
  [CC_INTERFACE_CWA_SSL_EXTERNAL] = { "cwa-ssl-external", N_("Communicator Web Access SSL (external)"),
                                      NULL },
};

static const Named stores[CC_N_STORES] = {
  [CC_STORE_PERSONAL]     = { "personal", N_("Personal"), NULL },
  [CC_STORE_TRUSTED_ROOT] = { "trusted-root", N_("Trusted Root Certification Authorities"), NULL },
  [CC_STORE_INTERMEDIATE] = { "intermediate", N_("Intermediate Certification Authorities"), NULL },
  [CC_STORE_REQUESTS]     = { "requests", N_("Pending Requests"), NULL },
};

static const CcInterface edge_ifaces[] = {
  CC_INTERFACE_EDGE_INTERNAL, CC_INTERFACE_EDGE_ACCESS, CC_INTERFACE_EDGE_WEBCONF,
  CC_INTERFACE_EDGE_AV, -1
};
static const CcInterface default_ifaces[] = { CC_INTERFACE_DEFAULT, -1 };
static const CcInterface cwa_ifaces[] = {
  CC_INTERFACE_CWA_MTLS, CC_INTERFACE_CWA_SSL_INTERNAL, -1
};
static const CcInterface proxy_ifaces[] = {
  CC_INTERFACE_CWA_SSL_INTERNAL, CC_INTERFACE_CWA_SSL_EXTERNAL, -1
};
static const CcInterface no_ifaces[] = { -1 };

static gboolean
lookup (const Named *table, guint n, const char *id, guint *out)
{
  if (id == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_ascii_strcasecmp (table[i].id, id) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

const char *
cc_role_to_id (CcRole role)
{
  g_return_val_if_fail (role < CC_N_ROLES, NULL);
  return roles[role].id;
}

gboolean
cc_role_from_id (const char *id, CcRole *out_role)
{
  guint i;
  if (!lookup (roles, CC_N_ROLES, id, &i))
    return FALSE;
  *out_role = i;
  return TRUE;
}

const char *
cc_role_get_display_name (CcRole role)
{
  g_return_val_if_fail (role < CC_N_ROLES, NULL);
  return _(roles[role].name);
}

const char *
cc_role_get_icon_name (CcRole role)
{
  g_return_val_if_fail (role < CC_N_ROLES, NULL);
  return roles[role].icon;
}

const CcInterface *
cc_role_get_interfaces (CcRole role, guint *n_interfaces)
{
  const CcInterface *list;

  switch (role)
    {
    case CC_ROLE_EDGE: list = edge_ifaces; break;
    case CC_ROLE_FRONT_END:
    case CC_ROLE_WEBCONF:
    case CC_ROLE_AV:
    case CC_ROLE_MEDIATION:
    case CC_ROLE_DIRECTOR: list = default_ifaces; break;
    case CC_ROLE_CWA: list = cwa_ifaces; break;
    case CC_ROLE_REVERSE_PROXY: list = proxy_ifaces; break;
    case CC_ROLE_WEB_COMPONENTS:
    case CC_N_ROLES:
    default: list = no_ifaces; break;
    }

  if (n_interfaces != NULL)
    {
      guint n = 0;
      while ((int) list[n] != -1)
        n++;
      *n_interfaces = n;
    }
  return list;
}

char *
cc_role_list_ids (void)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < CC_N_ROLES; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", roles[i].id);
  return g_string_free (s, FALSE);
}

const char *
cc_interface_to_id (CcInterface iface)
{
  g_return_val_if_fail (iface < CC_N_INTERFACES, NULL);
  return interfaces[iface].id;
}

gboolean
cc_interface_from_id (const char *id, CcInterface *out_iface)
{
  guint i;
  if (!lookup (interfaces, CC_N_INTERFACES, id, &i))
    return FALSE;
  *out_iface = i;
  return TRUE;
}

const char *
cc_interface_get_display_name (CcInterface iface)
{
  g_return_val_if_fail (iface < CC_N_INTERFACES, NULL);
  return _(interfaces[iface].name);
}

gboolean
cc_interface_is_mtls (CcInterface iface)
{
  return iface == CC_INTERFACE_EDGE_INTERNAL || iface == CC_INTERFACE_DEFAULT
         || iface == CC_INTERFACE_CWA_MTLS;
}

const char *
cc_store_kind_to_id (CcStoreKind kind)
{
  g_return_val_if_fail (kind < CC_N_STORES, NULL);
  return stores[kind].id;
}

gboolean
cc_store_kind_from_id (const char *id, CcStoreKind *out_kind)
{
  guint i;
  if (!lookup (stores, CC_N_STORES, id, &i))
    return FALSE;
  *out_kind = i;
  return TRUE;
}

const char *
cc_store_kind_get_display_name (CcStoreKind kind)
{
  g_return_val_if_fail (kind < CC_N_STORES, NULL);
  return _(stores[kind].name);
}
