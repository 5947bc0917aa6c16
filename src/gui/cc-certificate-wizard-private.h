/* cc-certificate-wizard-private.h: the wizard's state and widgets, for the tests. */
#pragma once

#include "cc-certificate-wizard.h"

G_BEGIN_DECLS

/* the name of the page shown ("welcome", "tasks", "request-component", ..., "result") */
const char *_cc_certificate_wizard_get_page        (CcCertificateWizard *self);
/* an input by id ("task:request", "friendly-name", "component:edge-internal",
 * "certificate:<thumbprint>", "interface:default", "password", ...); NULL when absent */
GtkWidget  *_cc_certificate_wizard_get_widget      (CcCertificateWizard *self,
                                                    const char          *id);
/* why Next is disabled on this page (NULL when it is enabled) */
const char *_cc_certificate_wizard_get_reason      (CcCertificateWizard *self);
/* the core's message shown on this page (NULL when none) */
const char *_cc_certificate_wizard_get_error       (CcCertificateWizard *self);
/* TRUE while the stores load or a step runs */
gboolean    _cc_certificate_wizard_get_busy        (CcCertificateWizard *self);
/* the completion page's lines, one a line */
char       *_cc_certificate_wizard_dup_result_text (CcCertificateWizard *self);
/* the request made by this wizard (PEM), NULL when none */
const char *_cc_certificate_wizard_get_csr         (CcCertificateWizard *self);

G_END_DECLS
