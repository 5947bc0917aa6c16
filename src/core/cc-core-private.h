/* cc-core-private.h: what the core's files share among themselves and nobody else. */
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>

#include "certconsole-core.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_REQ, X509_REQ_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_NAME, X509_NAME_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_EXTENSION, X509_EXTENSION_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIO, BIO_free_all)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ASN1_INTEGER, ASN1_INTEGER_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GENERAL_NAMES, GENERAL_NAMES_free)

/* largest file the core reads: anything bigger is refused before parsing */
#define CC_MAX_FILE_SIZE (16 * 1024 * 1024)

/* g_strv_builder_take is GLib 2.80; we are pinned to 2.74 */
static inline void
_cc_strv_builder_take (GStrvBuilder *builder, char *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

/* cc-fileutil.c: with durable FALSE (bulk generation only), writes skip fsync; the
 * caller syncs once at the end */
void      _cc_set_durable         (gboolean      durable);

gboolean  _cc_write_file_atomic   (const char   *path,
                                   const void   *data,
                                   gsize         len,
                                   int           mode,
                                   GError      **error);
/* the same, leaving the folder's sync to the caller when sync_dir is FALSE (several files
 * written into one folder share one sync) */
gboolean  _cc_write_file          (const char   *path,
                                   const void   *data,
                                   gsize         len,
                                   int           mode,
                                   gboolean      sync_dir,
                                   GError      **error);
gboolean  _cc_read_file           (const char   *path,
                                   char        **contents,
                                   gsize        *len,
                                   GError      **error);
gboolean  _cc_mkdir               (const char   *path,
                                   int           mode,
                                   GError      **error);
gboolean  _cc_symlink_atomic      (const char   *target,
                                   const char   *link_path,
                                   GError      **error);
void      _cc_fsync_dir           (const char   *dir);
gboolean  _cc_rmrf                (const char   *path,
                                   GError      **error);
gboolean  _cc_is_thumbprint       (const char   *name);
/* the OpenSSL error queue as one line (and cleared); never includes key material */
char     *_cc_openssl_error       (void);
/* a message ending in what OpenSSL said, when it said anything */
void      _cc_set_openssl_error   (GError      **error,
                                   int           code,
                                   const char   *format,
                                   ...) G_GNUC_PRINTF (3, 4);
/* decodes every "-----BEGIN <label>-----" block (label NULL: any) to DER, in order */
GPtrArray *_cc_pem_decode_all     (const char   *text,
                                   gsize         len,
                                   const char   *label);
/* for g_ptr_array_sort of strings */
int        _cc_compare_strings    (gconstpointer a,
                                   gconstpointer b);
char      *_cc_sha256_hex         (const void   *data,
                                   gsize         len);

/* cc-certificate.c */
X509     *_cc_certificate_get_x509 (CcCertificate *self);
CcCertificate *_cc_certificate_new_from_x509 (X509 *x509, GError **error);

/* cc-certfile.c: a PKCS#7 certs-only bundle, PEM or DER */
GBytes   *_cc_certificates_to_p7b (GPtrArray *certs, gboolean pem);

/* cc-pfx.c: verifies leaf against the server's own stores; appends the chain above the
 * leaf (intermediates and root) to chain when it verifies, else sets *reason */
gboolean  _cc_server_build_chain  (CcServer      *server,
                                   CcCertificate *leaf,
                                   GPtrArray     *chain,
                                   char         **reason,
                                   GError       **error);

/* cc-pfx.c: a Personal entry by thumbprint (or unique prefix), loading the store first;
 * CC_ERROR_NOT_FOUND naming the server otherwise */
CcStoreEntry *_cc_server_find_personal (CcServer   *server,
                                        const char *thumbprint,
                                        GError    **error);

/* cc-store.c: loads many stores at once, reading and parsing on every core; the models
 * change on the calling thread, after all the reading is done */
gboolean  _cc_stores_load_many    (GPtrArray    *stores,
                                   GCancellable *cancellable,
                                   GError      **error);

/* cc-store.c: what an operation added, so that a failure midway can take it all back
 * and leave every store as it was */
typedef struct _CcUndo CcUndo;
CcUndo   *_cc_undo_new            (void);
/* records that certificate thumbprint was added to store (it was not there before) */
void      _cc_undo_added          (CcUndo       *undo,
                                   CcStore      *store,
                                   const char   *thumbprint);
/* removes everything recorded, newest first; errors are ignored (best effort) */
void      _cc_undo_rollback       (CcUndo       *undo);
void      _cc_undo_free           (CcUndo       *undo);
guint     _cc_undo_count          (CcUndo       *undo);
CcStore  *_cc_undo_get_store      (CcUndo       *undo,
                                   guint         i);
const char *_cc_undo_get_id       (CcUndo       *undo,
                                   guint         i);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcUndo, _cc_undo_free)

/* cc-certificate-cache (in cc-deployment.c): thread-safe, keyed by thumbprint */
CcCertificate *_cc_deployment_intern_der (CcDeployment *self,
                                          GBytes       *der,
                                          GError      **error);

/* cc-deployment.c: one X509_STORE per distinct set of trusted roots, shared by every
 * server that trusts exactly that set (a new reference; free with X509_STORE_free) */
X509_STORE *_cc_deployment_dup_trust (CcDeployment *self,
                                      GPtrArray    *roots);

/* cc-store-entry.c */
CcStoreEntry *_cc_store_entry_new          (CcCertificate *certificate);
void          _cc_store_entry_set_id       (CcStoreEntry *self, const char *id);
void          _cc_store_entry_set_metadata (CcStoreEntry *self,
                                            const char   *friendly_name,
                                            gboolean      has_private_key,
                                            gboolean      exportable,
                                            const char   *source,
                                            GDateTime    *added);
void          _cc_store_entry_set_request  (CcStoreEntry *self,
                                            const char   *subject,
                                            const char   *iface,
                                            const char   *key_type);
void          _cc_store_entry_set_assigned_to (CcStoreEntry *self,
                                            const char   *assigned_to);

/* cc-store.c */
CcStore  *_cc_store_new                  (CcServer     *server,
                                          CcStoreKind   kind);
void      _cc_store_refresh_assignments  (CcStore      *self);
/* rebuilds the <hash>.N links of a trusted-root or intermediate folder */
gboolean  _cc_store_rehash               (CcStore      *self,
                                          GError      **error);

/* cc-server.c */
CcServer *_cc_server_new                 (CcPool       *pool,
                                          const char   *fqdn,
                                          CcRole        role);
void      _cc_server_set_pool            (CcServer     *self,
                                          CcPool       *pool);
void      _cc_server_set_interfaces      (CcServer     *self,
                                          GArray       *ifaces);
void      _cc_server_set_interface_host  (CcServer     *self,
                                          CcInterface   iface,
                                          const char   *host);
CcDeployment *_cc_server_get_deployment  (CcServer     *self);

/* cc-pool.c */
CcPool   *_cc_pool_new                   (CcSite       *site,
                                          const char   *fqdn,
                                          gboolean      load_balancer);
void      _cc_pool_add_server            (CcPool       *self,
                                          CcServer     *server);
gboolean  _cc_pool_remove_server         (CcPool       *self,
                                          CcServer     *server);

/* cc-site.c */
CcSite   *_cc_site_new                   (CcDeployment *deployment,
                                          const char   *name);
void      _cc_site_add_pool              (CcSite       *self,
                                          CcPool       *pool);
gboolean  _cc_site_remove_pool           (CcSite       *self,
                                          CcPool       *pool);

/* cc-deployment.c: appends a site built in memory (no save, no audit) */
void      _cc_deployment_add_site_internal (CcDeployment *self,
                                          CcSite       *site);

/* cc-demo.c */
gboolean  _cc_demo_populate              (CcDeployment *self,
                                          GCancellable *cancellable,
                                          GError      **error);

G_END_DECLS

G_BEGIN_DECLS
/* cc-server.c: writes assigned/<interface>.pem (leaf + chain) and .key (0600), key first */
gboolean  _cc_server_write_assigned      (CcServer     *self,
                                          CcInterface   iface,
                                          const char   *chain_pem,
                                          GBytes       *key_pem,
                                          GError      **error);
G_END_DECLS

G_BEGIN_DECLS
/* cc-passphrase.c: keys at rest. The keyring holds deployment.json's "passphrase" (the
 * verifier) and "passphrase_change" (a change under way), and the derived secret while the
 * deployment is unlocked. */
#include <json-glib/json-glib.h>
typedef struct _CcKeyring CcKeyring;
CcKeyring *_cc_keyring_new                 (void);
void       _cc_keyring_free                (CcKeyring    *keyring);
/* spec, change: nullable; FALSE with a message in problem when they are not valid */
gboolean   _cc_keyring_load                (CcKeyring    *keyring,
                                            JsonObject   *spec,
                                            JsonObject   *change,
                                            char        **problem);
void       _cc_keyring_write_json          (CcKeyring    *keyring,
                                            JsonBuilder  *builder);
CcKeyring *_cc_deployment_get_keyring      (CcDeployment *self);
/* a worker copy of a deployment (cc_deployment_run_async) gets the session's secret when
 * it has the same passphrase */
void       _cc_keyring_share               (CcKeyring    *to,
                                            CcKeyring    *from);
/* cc_deployment_refresh: the passphrase on disk replaces ours when it changed (locked) */
void       _cc_keyring_adopt               (CcKeyring    *to,
                                            CcKeyring    *from);
/* cc_deployment_open: rolls an interrupted passphrase change back (its new files were not
 * all written) or forward (they were); needs no passphrase */
gboolean   _cc_deployment_finish_passphrase_change (CcDeployment *self,
                                            GError      **error);
/* The one reader and the one writer of private key files in stores and lab CAs: the
 * bytes in memory are always plain PKCS#8 PEM; on disk they are encrypted PKCS#8 when the
 * deployment has a passphrase (CC_ERROR_LOCKED_KEYS while it is locked). deployment NULL:
 * plain. Writes are atomic, mode 0600. */
GBytes    *_cc_key_file_read               (CcDeployment *deployment,
                                            const char   *path,
                                            GError      **error);
gboolean   _cc_key_file_write              (CcDeployment *deployment,
                                            const char   *path,
                                            GBytes       *plain_pem,
                                            gboolean      sync_dir,
                                            GError      **error);
G_END_DECLS
