/* cc-store.h: one certificate store of one server (Personal, Trusted Root, Intermediate,
 * Pending Requests): a GListModel of CcStoreEntry that loads from its folder on demand. */
#pragma once

#include "cc-store-entry.h"

G_BEGIN_DECLS

typedef struct _CcServer CcServer;

#define CC_TYPE_STORE (cc_store_get_type ())
G_DECLARE_FINAL_TYPE (CcStore, cc_store, CC, STORE, GObject)

/* A store is a GListModel of CcStoreEntry. It is empty until loaded; loading emits
 * items-changed. Properties: "kind", "loaded" (notifies), "n-items". */

CcStoreKind  cc_store_get_kind          (CcStore *self);
CcServer    *cc_store_get_server        (CcStore *self);   /* borrowed, may be NULL */
const char  *cc_store_get_path          (CcStore *self);   /* servers/<fqdn>/<kind> */
const char  *cc_store_get_display_name  (CcStore *self);
gboolean     cc_store_is_loaded         (CcStore *self);

/* (Re)reads the folder. Certificates already parsed anywhere in the deployment are shared. */
gboolean     cc_store_load              (CcStore              *self,
                                         GCancellable         *cancellable,
                                         GError              **error);
void         cc_store_load_async        (CcStore              *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean     cc_store_load_finish       (CcStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
/* (Re)reads many stores at once, on every core; certificates are parsed once for the whole
 * deployment. The models change on the calling thread, after all the reading is done. */
gboolean     cc_stores_load             (GPtrArray            *stores,
                                         GCancellable         *cancellable,
                                         GError              **error);
/* Loads when not loaded yet; TRUE at once when it is. */
gboolean     cc_store_ensure_loaded     (CcStore              *self,
                                         GCancellable         *cancellable,
                                         GError              **error);

/* Look-ups (the store must be loaded). thumbprint: full SHA-256 hex, or a unique prefix
 * of at least 8 characters. Returns borrowed. */
CcStoreEntry *cc_store_lookup           (CcStore              *self,
                                         const char           *thumbprint);
/* Files of the folder that could not be read as what their name says (a damaged or
 * foreign file, a certificate whose content does not match its thumbprint name): one
 * message each, naming the file. Set by the last load. NULL-terminated, borrowed. */
const char * const *cc_store_get_problems (CcStore            *self);
/* Exact look-up by id (a thumbprint, or a request's id, which is its interface id). */
CcStoreEntry *cc_store_lookup_id        (CcStore              *self,
                                         const char           *id);
/* Number of certificates on disk, without loading (counts <sha256>.pem files). */
guint        cc_store_count_on_disk     (CcStore              *self);
/* What the store holds, with no disk: its entries once loaded, else what the last
 * cc_stores_count_async counted, else -1. Property "count" (notifies when counted). */
int          cc_store_get_count         (CcStore              *self);
/* Counts many stores' files (as cc_store_count_on_disk) in a thread; the counts are set,
 * and "count" notified, on the calling thread before callback. */
void         cc_stores_count_async      (GPtrArray            *stores,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean     cc_stores_count_finish     (GAsyncResult         *result,
                                         GError              **error);

/* Adds (or replaces the metadata of) a certificate, atomically: key (0600) and metadata
 * first, the certificate last, so a kill leaves it wholly there or wholly absent.
 * key_pem: PKCS#8 PEM or NULL. friendly_name, source: nullable. Loads the store first
 * when needed; refreshes the OpenSSL hash links of trusted-root and intermediate. */
gboolean     cc_store_add_certificate   (CcStore              *self,
                                         CcCertificate        *certificate,
                                         GBytes               *key_pem,
                                         const char           *friendly_name,
                                         gboolean              exportable,
                                         const char           *source,
                                         GError              **error);
/* Adds many certificates without keys (a CA bundle) and rebuilds the hash links once.
 * Certificates already present are skipped; *n_added (nullable) counts the others. */
gboolean     cc_store_add_certificates  (CcStore              *self,
                                         GPtrArray            *certificates,
                                         const char           *source,
                                         guint                *n_added,
                                         GError              **error);
/* Removes a certificate (and its key, metadata and hash link). */
gboolean     cc_store_remove            (CcStore              *self,
                                         const char           *thumbprint,
                                         GError              **error);
/* Reads the private key of a Personal certificate (PKCS#8 PEM). Internal to the core's
 * workflows: export checks the exportable flag before calling it. */
GBytes      *cc_store_read_key          (CcStore              *self,
                                         const char           *thumbprint,
                                         GError              **error);

G_END_DECLS
