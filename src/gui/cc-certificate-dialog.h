/* cc-certificate-dialog.h: the certificate viewer: General, Details and Certification Path,
 * as the Windows snap-in shows them. */
#pragma once

#include <adwaita.h>

#include "certconsole-core.h"

G_BEGIN_DECLS

#define CC_TYPE_CERTIFICATE_DIALOG (cc_certificate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CcCertificateDialog, cc_certificate_dialog, CC, CERTIFICATE_DIALOG, AdwWindow)

/* Properties: "server", "store", "entry", "certificate" (construct-only; store and entry
 * nullable). */

/* The certificate of entry, a row of store; modal to parent (nullable). */
CcCertificateDialog *cc_certificate_dialog_new                 (GtkWindow      *parent,
                                                                CcStore        *store,
                                                                CcStoreEntry   *entry);
/* A certificate with no store row of its own (a link of a certification path). */
CcCertificateDialog *cc_certificate_dialog_new_for_certificate (GtkWindow      *parent,
                                                                CcServer       *server,
                                                                CcCertificate  *certificate);

CcServer            *cc_certificate_dialog_get_server          (CcCertificateDialog *self);
/* nullable */
CcStore             *cc_certificate_dialog_get_store           (CcCertificateDialog *self);
CcCertificate       *cc_certificate_dialog_get_certificate     (CcCertificateDialog *self);
/* nullable */
CcStoreEntry        *cc_certificate_dialog_get_entry           (CcCertificateDialog *self);

G_END_DECLS
