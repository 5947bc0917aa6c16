/* cc-generate.h: a generated deployment of any size, for benchmarks and scale tests. */
#pragma once

#include "cc-deployment.h"

G_BEGIN_DECLS

typedef struct
{
  guint    n_servers;         /* Edge Servers, in pools of pool_size behind load balancers */
  guint    pool_size;         /* default 2 */
  guint    servers_per_site;  /* default 100 */
  guint    n_roots;           /* trusted roots shared by every server (default 150) */
  guint    n_personal;        /* personal certificates (and assignments) per server, 1..4 */
  guint32  seed;              /* names and order derive from it */
} CcGenerateOptions;

/* Writes a new deployment at path: a lab-style PKI (n_roots roots, the first of which
 * issues one issuing CA), every server trusting every root, and n_personal assigned
 * certificates per server (the Edge internal one shared by the pool, as the seeds do it).
 * Identical files are hard links (files are only ever replaced by rename, never edited
 * in place), and the data is synced once at the end instead of per file. */
CcDeployment *cc_deployment_generate (const char              *path,
                                      const CcGenerateOptions *options,
                                      GError                 **error);

G_END_DECLS
