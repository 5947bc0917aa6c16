/* cc-core-private.h: what the core's files share among themselves and nobody else. */
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>

#include <glib/gstdio.h>

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

/* how much nicer the core's worker threads are than their creator (_cc_thread_set_background) */
#define CC_BACKGROUND_NICE 10
void      _cc_thread_set_background (void);

/* largest file the core reads: anything bigger is refused before parsing */
#define CC_MAX_FILE_SIZE (16 * 1024 * 1024)

/* Work the core did, counted for the tests of its limits (tests/test-hostile.c): what they
 * assert instead of a time, which a loaded machine or a sanitizer would stretch.
 * Process-wide and atomic; the counting costs an atomic add per read or derivation. */
typedef struct
{
  guint64 files_read;        /* files _cc_read_file opened and began to read (past its checks) */
  guint64 bytes_read;        /* the bytes it read from them */
  guint64 pfx_derivations;   /* PKCS#12 key derivations started by a .pfx import: MAC checks,
                              * decryptions of a part or of a key */
  gint64  pfx_max_rounds;    /* the most rounds one of them asked for (-1: none ran; scrypt
                              * within its bounds counts 0, beyond them G_MAXINT64) */
  guint64 store_file_stats;  /* certificate files of store folders a load stat'ed to match
                              * them with the folder's index */
} CcWorkCounts;
void      _cc_work_count_store_stats (guint64   n);
void      _cc_work_counts_reset   (void);
void      _cc_work_counts_get     (CcWorkCounts *counts);
/* cc-pfx.c: a key derivation of rounds is about to run */
void      _cc_work_count_derivation (gint64      rounds);

/* g_strv_builder_take is GLib 2.80; we are pinned to 2.74 */
static inline void
_cc_strv_builder_take (GStrvBuilder *builder, char *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

/* cc-lock.c: called before a file of a deployment is first changed (written, replaced,
 * removed) while this process holds its lock: records in the journal how to put it back.
 * Does nothing for a file outside the locked deployment. */
gboolean  _cc_journal_will_change (const char   *path,
                                   GError      **error);
/* the same for many files of one change, with one sync of the journal (none when sync is
 * FALSE: the caller calls _cc_journal_sync before the first change can reach the disk) */
gboolean  _cc_journal_will_change_many (const char * const *paths,
                                        guint               n_paths,
                                        gboolean            sync,
                                        GError            **error);
gboolean  _cc_journal_sync        (void);
/* the same before appending to a file (audit.log) */
void      _cc_journal_will_append (const char   *path);
/* takes back a change whose writer was killed, when no writer holds the lock now */
void      _cc_journal_recover     (const char   *path);

/* cc-fileutil.c: with durable FALSE (bulk generation only), writes skip fsync; the
 * caller syncs once at the end */
void      _cc_set_durable         (gboolean      durable);
gboolean  _cc_is_durable          (void);
/* removes a file (absent is fine), recorded in the journal first */
gboolean  _cc_unlink              (const char   *path,
                                   GError      **error);

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
/* the same with no sync at all: for files whose loss or damage in a crash is harmless (a
 * cache that is checked before use); still written whole or not at all (rename) */
gboolean  _cc_write_file_unsynced (const char   *path,
                                   const void   *data,
                                   gsize         len,
                                   int           mode,
                                   GError      **error);
/* A batch of new files (none of them may exist yet) made durable together: each is written
 * to a temporary file beside it; commit syncs the data once per filesystem, renames them all
 * into place and syncs each folder once. A failure leaves none of them; freeing an
 * uncommitted batch removes its temporary files. */
typedef struct _CcBatch CcBatch;
CcBatch  *_cc_batch_new           (void);
gboolean  _cc_batch_write         (CcBatch      *self,
                                   const char   *path,
                                   const void   *data,
                                   gsize         len,
                                   int           mode,
                                   GError      **error);
gboolean  _cc_batch_write_shared  (CcBatch      *self,
                                   const char   *path,
                                   const char   *key,
                                   const void   *data,
                                   gsize         len,
                                   int           mode,
                                   GError      **error);
gboolean  _cc_batch_knows         (CcBatch      *self,
                                   const char   *key);
guint     _cc_batch_get_n_files   (CcBatch      *self);
gboolean  _cc_batch_commit        (CcBatch      *self,
                                   GError      **error);
void      _cc_batch_free          (CcBatch      *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcBatch, _cc_batch_free)
gboolean  _cc_read_file           (const char   *path,
                                   char        **contents,
                                   gsize        *len,
                                   GError      **error);
/* _cc_read_file of name relative to the folder dir_fd (AT_FDCWD: name is a path), with the
 * same checks, counts and messages; messages name dir/name (dir NULL: name); st_out
 * (nullable) gets the stat of what was read */
gboolean  _cc_listing_gives_inodes (int          dir_fd);
gboolean  _cc_read_file_at        (int           dir_fd,
                                   const char   *dir,
                                   const char   *name,
                                   GStatBuf     *st_out,
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
void       _cc_sha256_raw         (const void   *data,
                                   gsize         len,
                                   guint8        out[32]);
char      *_cc_sha256_hex         (const void   *data,
                                   gsize         len);

/* cc-certificate.c */
X509     *_cc_certificate_get_x509 (CcCertificate *self);
/* frees the parsed X509 of a certificate no other thread can see yet: the next
 * _cc_certificate_get_x509 parses its DER again */
void      _cc_certificate_release_x509 (CcCertificate *self);
/* for the tests: whether its X509 is parsed and kept */
gboolean  _cc_certificate_holds_x509   (CcCertificate *self);
/* cc_natural_compare of the two certificates' issued-to names, made once per certificate */
int       _cc_certificate_compare_issued_to (CcCertificate *a, CcCertificate *b);
/* shares x509 (a reference), which nobody may change afterwards */
CcCertificate *_cc_certificate_new_from_x509 (X509 *x509, GError **error);
/* everything a certificate shows, with its DER, as bytes to keep in a store's index; and a
 * certificate made from them that parses the DER only when it is needed (NULL when the
 * bytes are not such a summary, or not of the certificate whose SHA-256 is thumbprint) */
GBytes   *_cc_certificate_dup_summary      (CcCertificate *self);
gboolean  _cc_der_has_certificate_shape (const guint8 *der,
                                        gsize         len);
CcCertificate *_cc_certificate_new_from_summary (GBytes     *summary,
                                                 const char *thumbprint);
/* takes x509, parsed from exactly the bytes der (no second parse) */
CcCertificate *_cc_certificate_new_take_x509 (X509 *x509, GBytes *der);

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

/* cc-store-index.c: a store folder's index cache, .cc-index (see the file for its rules) */
typedef struct _CcStoreIndex CcStoreIndex;
char         *_cc_store_index_dup_path  (const char   *dir);
CcStoreIndex *_cc_store_index_new       (void);
/* NULL when there is none, or it is damaged in any way (then it is rebuilt) */
CcStoreIndex *_cc_store_index_read_at   (int           dir_fd,
                                         const char   *dir);
CcStoreIndex *_cc_store_index_new_sized (CcStoreIndex *previous);
/* the same from the file's bytes (the fuzz target's way in) */
CcStoreIndex *_cc_store_index_new_from_data (const char *data,
                                             gsize       len);
void          _cc_store_index_free      (CcStoreIndex *self);
guint         _cc_store_index_get_n_rows (CcStoreIndex *self);
/* TRUE when a row for thumbprint records exactly this file (inode, size, mtime, ctime);
 * *summary (nullable) then gets the certificate's summary, or NULL when it has none */
gboolean      _cc_store_index_matches   (CcStoreIndex *self,
                                         const char   *thumbprint,
                                         const GStatBuf *st,
                                         GBytes      **summary);
/* records that the file st holds thumbprint (and its summary, nullable); FALSE (nothing
 * recorded) when the file changed too recently to be told apart from a later change */
gboolean      _cc_store_index_matches_raw (CcStoreIndex *self,
                                           const guint8  key[32],
                                           const GStatBuf *st,
                                           GBytes      **summary);
gboolean      _cc_store_index_add_raw   (CcStoreIndex *self,
                                         const guint8  key[32],
                                         const GStatBuf *st,
                                         GBytes       *summary);
gboolean      _cc_store_index_add       (CcStoreIndex *self,
                                         const char   *thumbprint,
                                         const GStatBuf *st,
                                         GBytes       *summary);
/* writes it atomically, without syncing (losing it costs a slower load, nothing else) */
gboolean      _cc_store_index_write     (CcStoreIndex *self,
                                         const char   *dir,
                                         GError      **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcStoreIndex, _cc_store_index_free)

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

/* cc-deployment.c: a key whose memcmp order is cc_natural_compare's (g_free it), and
 * the comparison of two such keys */
guint8   *_cc_natural_key         (const char   *s,
                                   gsize        *len);
int       _cc_natural_key_compare (const guint8 *a,
                                   gsize         a_len,
                                   const guint8 *b,
                                   gsize         b_len);

/* cc-certificate-cache (in cc-deployment.c): thread-safe, keyed by thumbprint */
/* lazy: keep only the fields and the DER of a certificate parsed now, and parse it again when
 * its X509 is needed (a Personal certificate is one server's: listing it needs no X509) */
CcCertificate *_cc_deployment_intern_der (CcDeployment *self,
                                          GBytes       *der,
                                          gboolean      lazy,
                                          GError      **error);
/* cert, or the one already interned under its thumbprint (a new reference) */
CcCertificate *_cc_deployment_intern_certificate (CcDeployment  *self,
                                                  CcCertificate *cert);
/* the certificate already interned under thumbprint (a new reference), or NULL */
CcCertificate *_cc_deployment_lookup_certificate (CcDeployment *self,
                                                  const char   *thumbprint);

/* cc-deployment.c: one X509_STORE per distinct set of trusted roots, shared by every
 * server that trusts exactly that set (a new reference; free with X509_STORE_free) */
X509_STORE *_cc_deployment_dup_trust (CcDeployment *self,
                                      GPtrArray    *roots);
/* X509_verify_cert (ctx initialised, no verify callback or flags of its own), remembering
 * for the deployment's life the signatures OpenSSL verified, so that each is verified once
 * (see cc-deployment.c); self NULL: X509_verify_cert */
int         _cc_deployment_verify_cert (CcDeployment   *self,
                                        X509_STORE_CTX *ctx);
/* how many signatures it verified rather than remembered (for the tests) */
guint       _cc_deployment_get_n_signatures_verified (CcDeployment *self);

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
/* how many entries are alive in this process (for the tests: stores make them on demand) */
guint         _cc_store_entry_get_n_live   (void);

/* cc-store.c */
CcStore  *_cc_store_new                  (CcServer     *server,
                                          CcStoreKind   kind);
void      _cc_store_refresh_assignments  (CcStore      *self);
/* bulk import into a trusted-root or intermediate store: writes the certificates the store
 * does not hold yet into batch and appends them to staged; once the batch is committed,
 * _cc_store_add_staged shows them in the model and rebuilds the hash links once */
gboolean  _cc_store_stage_certificates   (CcStore      *self,
                                          GPtrArray    *certificates,
                                          CcBatch      *batch,
                                          GPtrArray    *staged,
                                          GError      **error);
gboolean  _cc_store_add_staged           (CcStore      *self,
                                          GPtrArray    *staged,
                                          GError      **error);
/* what the last load did: certificate files it read, and files its index vouched for
 * (for the tests of the index) */
void      _cc_store_get_load_stats       (CcStore      *self,
                                          guint        *n_read,
                                          guint        *n_indexed);
/* the certificate of a loaded store's row (borrowed; NULL for a pending request): reading
 * every row this way makes no CcStoreEntry (those are made when first asked for) */
CcCertificate *_cc_store_get_certificate (CcStore      *self,
                                          guint         position);
/* TRUE when the loaded store holds this exact id, without making its entry */
gboolean  _cc_store_contains             (CcStore      *self,
                                          const char   *id);
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

/* cc-deployment.c: a deployment read from the text of a deployment.json (for the fuzzer:
 * nothing is read from path) */
CcDeployment *_cc_deployment_new_from_data (const char   *path,
                                            const char   *data,
                                            gsize         len,
                                            GError      **error);

/* cc-pfx.c: the key, certificate and chain of a .pfx held in memory, every check
 * cc_import_pfx makes done (size of the work asked for, password, key matching the
 * certificate); what names it in messages */
gboolean  _cc_pfx_parse                  (const char       *what,
                                          const void       *data,
                                          gsize             len,
                                          const char       *password,
                                          EVP_PKEY        **key,
                                          X509            **x509,
                                          STACK_OF(X509)  **chain,
                                          GError          **error);

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
