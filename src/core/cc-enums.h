/* cc-enums.h: roles, interfaces and store kinds, with their ids and display names. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CC_ROLE_EDGE,            /* "edge": Access Edge Server */
  CC_ROLE_FRONT_END,       /* "front-end" */
  CC_ROLE_WEBCONF,         /* "webconf": Web Conferencing Server */
  CC_ROLE_AV,              /* "av": A/V Conferencing Server */
  CC_ROLE_MEDIATION,       /* "mediation" */
  CC_ROLE_DIRECTOR,        /* "director" */
  CC_ROLE_CWA,             /* "cwa": Communicator Web Access */
  CC_ROLE_WEB_COMPONENTS,  /* "web-components": certificates managed by the web server */
  CC_ROLE_REVERSE_PROXY,   /* "reverse-proxy" */
  CC_N_ROLES
} CcRole;

typedef enum
{
  CC_INTERFACE_EDGE_INTERNAL,    /* "edge-internal": Edge Server private interface (MTLS) */
  CC_INTERFACE_EDGE_ACCESS,      /* "edge-access": Access Edge external interface */
  CC_INTERFACE_EDGE_WEBCONF,     /* "edge-webconf": Web Conferencing Edge external interface */
  CC_INTERFACE_EDGE_AV,          /* "edge-av": A/V authentication */
  CC_INTERFACE_DEFAULT,          /* "default": the server's MTLS certificate (Front End, Web Conf, A/V, ...) */
  CC_INTERFACE_CWA_MTLS,         /* "cwa-mtls" */
  CC_INTERFACE_CWA_SSL_INTERNAL, /* "cwa-ssl-internal": internal virtual server */
  CC_INTERFACE_CWA_SSL_EXTERNAL, /* "cwa-ssl-external": external virtual server / reverse proxy */
  CC_N_INTERFACES
} CcInterface;

typedef enum
{
  CC_STORE_PERSONAL,      /* "personal" */
  CC_STORE_TRUSTED_ROOT,  /* "trusted-root" */
  CC_STORE_INTERMEDIATE,  /* "intermediate" */
  CC_STORE_REQUESTS,      /* "requests": Pending Requests */
  CC_N_STORES
} CcStoreKind;

/* ids are the words of deployment.json and certctl; display names are translated */
const char  *cc_role_to_id               (CcRole       role);
gboolean     cc_role_from_id             (const char  *id,
                                          CcRole      *out_role);
const char  *cc_role_get_display_name    (CcRole       role);
const char  *cc_role_get_icon_name       (CcRole       role);
/* the interfaces a server of this role has by default, terminated by -1 */
const CcInterface *cc_role_get_interfaces (CcRole      role,
                                          guint       *n_interfaces);
char        *cc_role_list_ids            (void);   /* "edge, front-end, ..." for messages */

const char  *cc_interface_to_id          (CcInterface  iface);
gboolean     cc_interface_from_id        (const char  *id,
                                          CcInterface *out_iface);
const char  *cc_interface_get_display_name (CcInterface iface);
gboolean     cc_interface_is_mtls        (CcInterface  iface);

const char  *cc_store_kind_to_id         (CcStoreKind  kind);   /* also the folder name */
gboolean     cc_store_kind_from_id       (const char  *id,
                                          CcStoreKind *out_kind);
const char  *cc_store_kind_get_display_name (CcStoreKind kind);

G_END_DECLS
