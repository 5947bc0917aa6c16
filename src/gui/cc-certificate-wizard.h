/* cc-certificate-wizard.h: the Certificate Wizard: Welcome → Available Certificate Tasks →
 * the pages of one task (request, process, chain, .pfx import, export, assign, import on the
 * pool) → completion, for one server or a pool. */
#pragma once

#include <adwaita.h>

#include "certconsole-core.h"

G_BEGIN_DECLS

#define CC_TYPE_CERTIFICATE_WIZARD (cc_certificate_wizard_get_type ())
G_DECLARE_FINAL_TYPE (CcCertificateWizard, cc_certificate_wizard, CC, CERTIFICATE_WIZARD,
                      AdwWindow)

/* On a server (pool NULL), or on a pool (server NULL: its first member does the tasks that
 * need one server, and the pool's tasks are offered). Reads the server's stores off the main
 * loop before it offers the tasks. */
CcCertificateWizard *cc_certificate_wizard_new         (GtkWindow    *parent,
                                                        CcDeployment *deployment,
                                                        CcServer     *server,
                                                        CcPool       *pool);
CcServer            *cc_certificate_wizard_get_server  (CcCertificateWizard *self);
CcPool              *cc_certificate_wizard_get_pool    (CcCertificateWizard *self);

G_END_DECLS
