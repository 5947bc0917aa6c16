/* cc-server.h: one computer of the deployment: FQDN, role, interfaces, assignments, and
 * its four stores (a GListModel of CcStore). */
#pragma once

#include "cc-enums.h"
#include "cc-store.h"

G_BEGIN_DECLS

typedef struct _CcPool CcPool;

#define CC_TYPE_SERVER (cc_server_get_type ())
G_DECLARE_FINAL_TYPE (CcServer, cc_server, CC, SERVER, GObject)

/* Properties: "fqdn", "role", "display-name". GListModel of CcStore, in CcStoreKind order. */

const char  *cc_server_get_fqdn          (CcServer     *self);
CcRole       cc_server_get_role          (CcServer     *self);
CcPool      *cc_server_get_pool          (CcServer     *self);   /* borrowed */
const char  *cc_server_get_path          (CcServer     *self);   /* <deployment>/servers/<fqdn> */
CcStore     *cc_server_get_store         (CcServer     *self,
                                          CcStoreKind   kind);   /* borrowed */

/* The interfaces this server has, in CcInterface order. */
GArray      *cc_server_dup_interfaces    (CcServer     *self);   /* of CcInterface */
gboolean     cc_server_has_interface     (CcServer     *self,
                                          CcInterface   iface);
/* The host name a CWA SSL interface serves (the URL of the virtual server); NULL if unset. */
const char  *cc_server_get_interface_host (CcServer    *self,
                                          CcInterface   iface);

/* Assignment: interface -> thumbprint (NULL when none). */
const char  *cc_server_get_assignment    (CcServer     *self,
                                          CcInterface   iface);
gboolean     cc_server_get_assignment_forced (CcServer *self,
                                          CcInterface   iface);
/* Records (or, with thumbprint NULL, clears) an assignment in memory; the caller saves
 * the deployment. */
void         cc_server_set_assignment    (CcServer     *self,
                                          CcInterface   iface,
                                          const char   *thumbprint,
                                          gboolean      forced);
/* comma-separated interface ids the thumbprint is assigned to, or NULL */
char        *cc_server_dup_assigned_to   (CcServer     *self,
                                          const char   *thumbprint);

/* Certificates in the server's stores on disk (personal + requests + roots + intermediates);
 * used to refuse removing a server that still holds some. */
guint        cc_server_count_certificates (CcServer    *self);

G_END_DECLS
