/* cc-pool.h: servers behind one load balancer sharing one FQDN (a server alone is a pool
 * of one). A GListModel of CcServer, in natural host-name order. */
#pragma once

#include "cc-server.h"

G_BEGIN_DECLS

typedef struct _CcSite CcSite;

#define CC_TYPE_POOL (cc_pool_get_type ())
G_DECLARE_FINAL_TYPE (CcPool, cc_pool, CC, POOL, GObject)

/* Properties: "fqdn", "load-balancer", "display-name". */

const char         *cc_pool_get_fqdn          (CcPool *self);
gboolean            cc_pool_get_load_balancer (CcPool *self);
CcSite             *cc_pool_get_site          (CcPool *self);   /* borrowed */
/* SIP domains served by the pool (for sip.<domain> SANs); NULL-terminated, may be empty */
const char * const *cc_pool_get_sip_domains   (CcPool *self);
void                cc_pool_set_sip_domains   (CcPool *self,
                                               const char * const *domains);

G_END_DECLS
