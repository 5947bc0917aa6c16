/* cc-deployment.h: the deployment folder: deployment.json (sites, pools, servers, roles,
 * interfaces, assignments, known CAs) and servers/<fqdn>/ stores. A GListModel of CcSite. */
#pragma once

#include "cc-authority.h"
#include "cc-site.h"

G_BEGIN_DECLS

#define CC_TYPE_DEPLOYMENT (cc_deployment_get_type ())
G_DECLARE_FINAL_TYPE (CcDeployment, cc_deployment, CC, DEPLOYMENT, GObject)

/* Properties: "path" (construct-only). Signal "changed": the topology changed (a site, pool
 * or server was added/removed, or an assignment changed). */

/* $XDG_DATA_HOME/certconsole */
char          *cc_deployment_dup_default_path (void);

/* Opens an existing deployment. CC_ERROR_NOT_A_DEPLOYMENT when DIR has no deployment.json;
 * CC_ERROR_PARSE with "FILE:LINE:COLUMN: ..." when it is malformed (never overwritten). */
CcDeployment  *cc_deployment_open            (const char           *path,
                                              GCancellable         *cancellable,
                                              GError              **error);
void           cc_deployment_open_async      (const char           *path,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
CcDeployment  *cc_deployment_open_finish     (GAsyncResult         *result,
                                              GError              **error);

/* Creates an empty deployment (or, with demo, the demo topology: a site with an Edge pool
 * of two servers behind a load balancer, a Front End pool, a Communicator Web Access
 * server, and a lab CA whose chain is trusted on every server). CC_ERROR_EXISTS when DIR
 * already holds a deployment. */
CcDeployment  *cc_deployment_create          (const char           *path,
                                              gboolean              demo,
                                              GCancellable         *cancellable,
                                              GError              **error);
void           cc_deployment_create_async    (const char           *path,
                                              gboolean              demo,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
CcDeployment  *cc_deployment_create_finish   (GAsyncResult         *result,
                                              GError              **error);

/* Opens DIR, creating it with the demo topology when it holds no deployment yet (what
 * the console does on first start). */
void           cc_deployment_open_or_create_demo_async (const char          *path,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
CcDeployment  *cc_deployment_open_or_create_demo_finish (GAsyncResult       *result,
                                              GError              **error);

/* Writes deployment.json atomically (temporary file, fsync, rename). */
gboolean       cc_deployment_save            (CcDeployment         *self,
                                              GError              **error);

const char    *cc_deployment_get_path        (CcDeployment         *self);
char          *cc_deployment_dup_json_path   (CcDeployment         *self);

/* Look-ups; borrowed; NULL when absent. FQDNs compare case-insensitively. */
CcSite        *cc_deployment_find_site       (CcDeployment *self, const char *name);
CcPool        *cc_deployment_find_pool       (CcDeployment *self, const char *fqdn);
CcServer      *cc_deployment_find_server     (CcDeployment *self, const char *fqdn);
/* Same, but setting CC_ERROR_NOT_FOUND with a message naming it and what to do. */
CcSite        *cc_deployment_get_site        (CcDeployment *self, const char *name, GError **error);
CcPool        *cc_deployment_get_pool        (CcDeployment *self, const char *fqdn, GError **error);
CcServer      *cc_deployment_get_server      (CcDeployment *self, const char *fqdn, GError **error);

/* Every server, in site, pool, natural host-name order (a new array of borrowed pointers). */
GPtrArray     *cc_deployment_list_servers    (CcDeployment *self);
GPtrArray     *cc_deployment_list_pools      (CcDeployment *self);
GListModel    *cc_deployment_get_authorities (CcDeployment *self);   /* of CcAuthority */
CcAuthority   *cc_deployment_find_authority  (CcDeployment *self, const char *name);

/* Topology edits: validated, saved at once (atomically), logged in audit.log. */
CcSite        *cc_deployment_add_site        (CcDeployment *self,
                                              const char   *name,
                                              GError      **error);
CcPool        *cc_deployment_add_pool        (CcDeployment *self,
                                              const char   *site,
                                              const char   *fqdn,
                                              gboolean      load_balancer,
                                              GError      **error);
/* interfaces: the role's defaults */
CcServer      *cc_deployment_add_server      (CcDeployment *self,
                                              const char   *pool,
                                              const char   *fqdn,
                                              CcRole        role,
                                              GError      **error);
/* Refuse (CC_ERROR_NOT_EMPTY) to drop what still holds certificates unless force. */
gboolean       cc_deployment_remove_site     (CcDeployment *self, const char *name,
                                              gboolean force, GError **error);
gboolean       cc_deployment_remove_pool     (CcDeployment *self, const char *fqdn,
                                              gboolean force, GError **error);
gboolean       cc_deployment_remove_server   (CcDeployment *self, const char *fqdn,
                                              gboolean force, GError **error);
gboolean       cc_deployment_add_authority   (CcDeployment *self,
                                              CcAuthority  *authority,
                                              GError      **error);

/* Appends one line to audit.log: time, operation, server, thumbprint, detail. Never a
 * password or key material. server/thumbprint/detail nullable. */
void           cc_deployment_audit           (CcDeployment *self,
                                              const char   *operation,
                                              const char   *server,
                                              const char   *thumbprint,
                                              const char   *detail);

/* Keys at rest. With a passphrase, every private key of Personal, Pending Requests and the
 * lab CAs is encrypted PKCS#8 on disk (assigned/ stays plain for the TLS servers);
 * deployment.json keeps a verifier, never the passphrase. A deployment opens locked: what
 * needs a key fails with CC_ERROR_LOCKED_KEYS until it is unlocked. The secret lives in
 * memory only, wiped by lock and when the deployment is freed. */
gboolean       cc_deployment_has_passphrase  (CcDeployment *self);
/* TRUE when it has a passphrase and is not unlocked */
gboolean       cc_deployment_is_locked       (CcDeployment *self);
/* CC_ERROR_WRONG_PASSPHRASE when it is not the passphrase. The KDF takes a fraction of a
 * second: the GUI uses the _async form. The caller wipes its copy of the passphrase. */
gboolean       cc_deployment_unlock          (CcDeployment *self,
                                              const char   *passphrase,
                                              gsize         len,
                                              GError      **error);
void           cc_deployment_unlock_async    (CcDeployment        *self,
                                              const char          *passphrase,
                                              gsize                len,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       cc_deployment_unlock_finish   (CcDeployment *self,
                                              GAsyncResult *result,
                                              GError      **error);
void           cc_deployment_lock            (CcDeployment *self);
/* Sets (no passphrase yet), changes, or with passphrase NULL removes the passphrase,
 * re-encrypting every key. Needs the deployment unlocked when it has one. Crash-safe: a
 * kill at any point leaves every key readable with the old or the new passphrase, and the
 * next cc_deployment_open finishes or rolls back the change. */
gboolean       cc_deployment_set_passphrase  (CcDeployment *self,
                                              const char   *passphrase,
                                              gsize         len,
                                              GCancellable *cancellable,
                                              GError      **error);
void           cc_deployment_set_passphrase_async (CcDeployment        *self,
                                              const char          *passphrase,
                                              gsize                len,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       cc_deployment_set_passphrase_finish (CcDeployment *self,
                                              GAsyncResult *result,
                                              GError      **error);

/* Validity checks used by the editors and the CLI alike. */
gboolean       cc_fqdn_is_valid              (const char *fqdn);
/* "edge2" < "edge10": natural order for host names */
int            cc_natural_compare            (const char *a, const char *b);

G_END_DECLS
