/* cc-trust-matrix-page.h: the trusted-root matrix: which servers hold a chosen CA in their
 * Trusted Root store, grouped by site and pool, and adding it to those that lack it. */
#pragma once

#include <adwaita.h>

#include "certconsole-core.h"

G_BEGIN_DECLS

#define CC_TYPE_TRUST_MATRIX_PAGE (cc_trust_matrix_page_get_type ())
G_DECLARE_FINAL_TYPE (CcTrustMatrixPage, cc_trust_matrix_page, CC, TRUST_MATRIX_PAGE, GtkWidget)

/* Properties: "deployment", "busy" (notifies: reading the stores, a file, or adding). */

GtkWidget    *cc_trust_matrix_page_new            (CcDeployment      *deployment);
CcDeployment *cc_trust_matrix_page_get_deployment (CcTrustMatrixPage *self);
void          cc_trust_matrix_page_set_deployment (CcTrustMatrixPage *self,
                                                   CcDeployment      *deployment);
gboolean      cc_trust_matrix_page_get_busy       (CcTrustMatrixPage *self);
/* Reads every server's Trusted Root and Intermediate stores again, off the main loop. */
void          cc_trust_matrix_page_reload         (CcTrustMatrixPage *self);
/* Chooses the CA with this SHA-256 thumbprint among those found; FALSE when none is. */
gboolean      cc_trust_matrix_page_select_ca      (CcTrustMatrixPage *self,
                                                   const char        *thumbprint);
/* the chosen CA (borrowed), or NULL */
CcCertificate *cc_trust_matrix_page_get_ca        (CcTrustMatrixPage *self);
/* Reads the CAs of a certificate file (what "From a File…" does once a file is chosen)
 * and chooses its first root. */
void          cc_trust_matrix_page_open_file      (CcTrustMatrixPage *self,
                                                   GFile             *file);

/* For the tests. */
GtkDropDown   *_cc_trust_matrix_page_get_dropdown (CcTrustMatrixPage *self);
GtkColumnView *_cc_trust_matrix_page_get_view     (CcTrustMatrixPage *self);
GtkLabel      *_cc_trust_matrix_page_get_summary  (CcTrustMatrixPage *self);
/* "loading", "error", "empty" or "matrix" */
const char    *_cc_trust_matrix_page_get_state    (CcTrustMatrixPage *self);

G_END_DECLS
