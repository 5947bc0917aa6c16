/* cc-site.h: a location holding pools: a GListModel of CcPool. */
#pragma once

#include "cc-pool.h"

G_BEGIN_DECLS

typedef struct _CcDeployment CcDeployment;

#define CC_TYPE_SITE (cc_site_get_type ())
G_DECLARE_FINAL_TYPE (CcSite, cc_site, CC, SITE, GObject)

/* Properties: "name". */

const char   *cc_site_get_name        (CcSite *self);
CcDeployment *cc_site_get_deployment  (CcSite *self);   /* borrowed */

G_END_DECLS
