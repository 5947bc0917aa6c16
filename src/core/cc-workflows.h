/* cc-workflows.h: the Certificate Wizard's tasks as core operations: request, process,
 * import (chain, .pfx), export, assign, distribute, verify trust, check, lab CA. The CLI
 * and the GUI call exactly these. Every change is atomic per file, leaves the stores valid
 * and is logged in audit.log; every failure names the file or server and what to do. */
#pragma once

#include "cc-deployment.h"

G_BEGIN_DECLS

/* ---- reading certificate files ---- */

/* Reads every certificate of FILE: PEM (one or many, CRLF or not), DER, a .p7b in PEM or
 * DER, or base64 without armour. Returns a GPtrArray of CcCertificate (never empty). */
GPtrArray     *cc_read_certificates_file   (const char   *file,
                                            GError      **error);
GPtrArray     *cc_read_certificates_data   (const char   *what,
                                            GBytes       *data,
                                            GError      **error);

/* ---- requests ---- */

typedef struct
{
  CcInterface         iface;
  const char         *friendly_name;
  const char         *key_type;            /* NULL: rsa:2048 */
  gboolean            allow_weak_key;      /* needed for rsa:1024 */
  gboolean            exportable;
  const char         *organization;
  const char         *organizational_unit;
  const char         *country;             /* two letters */
  const char         *state;
  const char         *locality;
  const char         *subject;             /* CN; NULL: from the topology */
  const char * const *sans;                /* extra SANs */
  gboolean            add_machine_name;    /* the server's FQDN among the SANs */
} CcRequestOptions;

/* The subject name and SANs the topology calls for (requirements catalogue): server FQDN,
 * or the pool FQDN behind a load balancer; sip.<domain> per SIP domain for the default
 * interface of a pool; host, as.host and download.host for CWA SSL. */
char          *cc_request_default_subject  (CcServer     *server,
                                            CcInterface   iface);
GStrv          cc_request_default_sans     (CcServer     *server,
                                            CcInterface   iface);

/* Makes a key and a PKCS#10 request and stores them in the server's Pending Requests.
 * Refuses (CC_ERROR_EXISTS) while one is pending for the same interface. Returns the new
 * entry (borrowed from the store); *csr_pem the CSR. warning: set for a weak key. */
CcStoreEntry  *cc_request_create           (CcServer               *server,
                                            const CcRequestOptions *options,
                                            char                  **csr_pem,
                                            char                  **warning,
                                            GError                **error);
/* the pending request for an interface (borrowed), or NULL */
CcStoreEntry  *cc_request_find             (CcServer     *server,
                                            CcInterface   iface,
                                            GError      **error);
char          *cc_request_dup_csr          (CcServer     *server,
                                            const char   *request_id,
                                            GError      **error);
gboolean       cc_request_cancel           (CcServer     *server,
                                            const char   *request_id,
                                            GError      **error);
/* Writes the CSR cc_request_create made for iface to out_file (atomically, 0644); if that
 * fails, cancels the pending request (none stays pending without the file to send) and says
 * "Cannot save the request to “FILE”: why" (CC_ERROR_IO). */
gboolean       cc_request_save_csr         (CcServer     *server,
                                            CcInterface   iface,
                                            const char   *csr_pem,
                                            const char   *out_file,
                                            GError      **error);

/* What an import did, line by line, as the audit log gets it ("edge01.contoso.com:
 * Personal: added 3f7d… (Edge internal)"), and what it did not do (roots reported). */
typedef struct
{
  GPtrArray *changes;     /* of char* */
  GPtrArray *notes;       /* of char* */
  CcCertificate *leaf;    /* the certificate installed in Personal, if any */
} CcReport;

CcReport      *cc_report_new               (void);
void           cc_report_free              (CcReport     *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcReport, cc_report_free)

/* Accepts the CA's answer (any format cc_read_certificates_file reads); the certificate
 * must match a pending request's key. Moves key + certificate into Personal with the
 * request's friendly name and exportable flag; the chain's CAs go to Intermediate; roots
 * are reported, not trusted. */
gboolean       cc_request_process          (CcServer     *server,
                                            const char   *file,
                                            CcReport     *report,
                                            GError      **error);
gboolean       cc_request_process_data     (CcServer     *server,
                                            const char   *what,
                                            GBytes       *data,
                                            CcReport     *report,
                                            GError      **error);
/* Sends the pending request for iface to a CA the deployment knows (the lab CA) and
 * installs the answer at once. */
gboolean       cc_request_submit           (CcServer     *server,
                                            CcInterface   iface,
                                            const char   *authority,
                                            CcReport     *report,
                                            GError      **error);

/* ---- imports and exports ---- */

/* Self-signed CAs into Trusted Root, other CAs into Intermediate, on every server given. */
gboolean       cc_import_chain             (CcDeployment *deployment,
                                            GPtrArray    *servers,
                                            const char   *file,
                                            CcReport     *report,
                                            GError      **error);
/* The same for certificates already in memory (a CA chosen in the console); what names
 * them in audit.log and messages. */
gboolean       cc_import_chain_certificates (CcDeployment *deployment,
                                            GPtrArray    *servers,
                                            GPtrArray    *certificates,
                                            const char   *what,
                                            CcReport     *report,
                                            GError      **error);
/* password: NUL-terminated, wiped by the caller */
gboolean       cc_import_pfx               (CcServer     *server,
                                            const char   *file,
                                            const char   *password,
                                            gboolean      exportable,
                                            CcReport     *report,
                                            GError      **error);
gboolean       cc_export_pfx               (CcServer     *server,
                                            const char   *thumbprint,
                                            const char   *out_file,
                                            const char   *password,
                                            gboolean      include_chain,
                                            gboolean      legacy,
                                            GError      **error);

typedef enum
{
  CC_EXPORT_PEM,
  CC_EXPORT_DER,
  CC_EXPORT_P7B,
} CcExportFormat;

gboolean       cc_export_certificate       (CcServer      *server,
                                            const char    *thumbprint,
                                            const char    *out_file,
                                            CcExportFormat format,
                                            gboolean       include_chain,
                                            GError       **error);

/* ---- requirements, assignment ---- */

typedef enum
{
  CC_STATUS_OK,
  CC_STATUS_WARNING,
  CC_STATUS_ERROR,
} CcStatus;

const char    *cc_status_to_id             (CcStatus      status);   /* "ok", "warning", "error" */

/* Every unmet requirement of iface for the certificate on this server, as sentences
 * (errors), and the softer findings (warnings). */
CcStatus       cc_requirements_evaluate    (CcServer      *server,
                                            CcInterface    iface,
                                            CcStoreEntry  *entry,
                                            GPtrArray     *errors,
                                            GPtrArray     *warnings);

/* Checks the requirements; refuses with every unmet one listed unless force (recorded);
 * writes assigned/<iface>.pem (leaf + chain) and .key (0600) and saves the assignment. */
gboolean       cc_assign                   (CcServer      *server,
                                            const char    *thumbprint,
                                            CcInterface    iface,
                                            gboolean       force,
                                            CcReport      *report,
                                            GError       **error);
/* The certificate and key of one pool member onto every other member, assigned to the
 * same interfaces there. */
gboolean       cc_distribute               (CcPool        *pool,
                                            const char    *thumbprint,
                                            gboolean       force,
                                            CcReport      *report,
                                            GError       **error);

/* ---- check and trust ---- */

typedef struct
{
  CcServer   *server;        /* borrowed */
  CcInterface iface;         /* -1 for server-wide findings */
  CcStatus    status;
  char       *thumbprint;    /* nullable */
  GPtrArray  *reasons;       /* of char* */
} CcCheckItem;

typedef struct
{
  GPtrArray *items;          /* of CcCheckItem* */
  guint n_ok, n_warning, n_error;
  CcDeployment *deployment;  /* the deployment the items' servers belong to (a reference) */
} CcCheckResult;

void           cc_check_result_free        (CcCheckResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcCheckResult, cc_check_result_free)

/* Evaluates every assignment of the servers against its requirements and that server's
 * own Trusted Root + Intermediate stores; plus expiry, same certificate across a pool,
 * pending requests older than pending_days, damaged store files. */
CcCheckResult *cc_check                    (CcDeployment  *deployment,
                                            GPtrArray     *servers,
                                            guint          warning_days,
                                            guint          pending_days,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* For each server, whether its Trusted Root store holds the CA (by thumbprint). *missing
 * gets the servers that lack it (borrowed). */
gboolean       cc_trust_verify             (GPtrArray     *servers,
                                            CcCertificate *ca,
                                            GPtrArray     *missing,
                                            GError       **error);

/* ---- certification authorities ---- */

CcAuthority   *cc_authority_create_lab     (CcDeployment  *deployment,
                                            const char    *name,
                                            GError       **error);
/* writes the CA's chain (issuing + root) as a .p7b, as a CA's web page offers it */
gboolean       cc_authority_write_chain    (CcDeployment  *deployment,
                                            const char    *name,
                                            const char    *out_file,
                                            GError       **error);

/* ---- the certification path, as one server sees it ---- */

typedef enum
{
  CC_LINK_OK,             /* issued by the next certificate, valid, trusted here */
  CC_LINK_NOT_TRUSTED,    /* a root that is not in this server's Trusted Root store */
  CC_LINK_EXPIRED,        /* expired or not yet valid */
  CC_LINK_MISSING_ISSUER, /* its issuer is in none of this server's stores */
} CcLinkStatus;

typedef struct
{
  CcCertificate *certificate;  /* a reference */
  CcLinkStatus   status;
  char          *detail;       /* a sentence for the viewer */
} CcPathLink;

/* From the leaf up to the root, built from this server's Trusted Root and Intermediate
 * stores only (loaded when needed). A GPtrArray of CcPathLink*, leaf first. */
GPtrArray     *cc_server_dup_certification_path (CcServer      *server,
                                                 CcCertificate *leaf,
                                                 GError       **error);
const char    *cc_link_status_to_id        (CcLinkStatus   status);

/* ---- running workflows off the caller's thread ---- */

/* Work on `worker`, a private copy of the deployment opened from disk in a thread, so that
 * the caller's models are never touched from another thread. Returns a result or NULL
 * with error set. */
typedef gpointer (*CcWorkFunc) (CcDeployment  *worker,
                                gpointer       data,
                                GCancellable  *cancellable,
                                GError       **error);

/* Runs func in a thread; when it is done, and before callback, the deployment refreshes
 * itself from disk on the caller's thread (cc_deployment_refresh). */
void           cc_deployment_run_async     (CcDeployment        *self,
                                            CcWorkFunc           func,
                                            gpointer             data,
                                            GDestroyNotify       data_free,
                                            GDestroyNotify       result_free,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* The same, for work that changes nothing on disk (a check, a scan): no refresh after it;
 * finish it with cc_deployment_run_finish. */
void           cc_deployment_run_read_only_async (CcDeployment  *self,
                                            CcWorkFunc           func,
                                            gpointer             data,
                                            GDestroyNotify       data_free,
                                            GDestroyNotify       result_free,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* The same for a change: func runs holding the deployment's lock (cc_lock_acquire), taken
 * before the private copy is read; CC_ERROR_LOCKED when another program holds it. Finish
 * with cc_deployment_run_finish. */
void           cc_deployment_run_write_async (CcDeployment      *self,
                                            CcWorkFunc           func,
                                            gpointer             data,
                                            GDestroyNotify       data_free,
                                            GDestroyNotify       result_free,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gpointer       cc_deployment_run_finish    (CcDeployment        *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* Re-reads the assignments from deployment.json and reloads (asynchronously) every store
 * that was loaded. Emits "changed". */
void           cc_deployment_refresh       (CcDeployment        *self);

/* cc_check in a thread on a private copy; the result's items refer to that copy's servers
 * (result->deployment): match them by FQDN. servers: FQDNs, NULL for all. */
void           cc_check_async              (CcDeployment        *self,
                                            const char * const  *servers,
                                            guint                warning_days,
                                            guint                pending_days,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CcCheckResult *cc_check_finish             (CcDeployment        *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
