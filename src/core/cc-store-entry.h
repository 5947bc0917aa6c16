/* cc-store-entry.h: one row of a store: a certificate (or a pending request) plus the
 * metadata this server keeps about it (friendly name, private key, exportable, ...). */
#pragma once

#include "cc-certificate.h"
#include "cc-enums.h"

G_BEGIN_DECLS

#define CC_TYPE_STORE_ENTRY (cc_store_entry_get_type ())
G_DECLARE_FINAL_TYPE (CcStoreEntry, cc_store_entry, CC, STORE_ENTRY, GObject)

/* NULL for a pending request (a CSR, not a certificate) */
CcCertificate *cc_store_entry_get_certificate     (CcStoreEntry *self);
/* the certificate's SHA-256 thumbprint, or the request's id */
const char    *cc_store_entry_get_id              (CcStoreEntry *self);
const char    *cc_store_entry_get_friendly_name   (CcStoreEntry *self);  /* "" when none */
gboolean       cc_store_entry_get_has_private_key (CcStoreEntry *self);
gboolean       cc_store_entry_get_exportable      (CcStoreEntry *self);
/* how it got here: "request", "pfx", "chain", "lab-ca", "demo", ... ("" when unknown) */
const char    *cc_store_entry_get_source          (CcStoreEntry *self);
GDateTime     *cc_store_entry_get_added           (CcStoreEntry *self);  /* nullable */
/* for pending requests: the subject requested, the interface, the key ("rsa:2048") */
const char    *cc_store_entry_get_subject         (CcStoreEntry *self);
const char    *cc_store_entry_get_interface       (CcStoreEntry *self);  /* "" when none */
const char    *cc_store_entry_get_key_type        (CcStoreEntry *self);
/* the interfaces of this server the certificate is assigned to ("" when none),
 * comma-separated ids: "edge-internal, default" */
const char    *cc_store_entry_get_assigned_to     (CcStoreEntry *self);

G_END_DECLS
