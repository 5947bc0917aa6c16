/* cc-certificate-dialog-private.h: the viewer's widgets and state, for the tests. */
#pragma once

#include "cc-certificate-dialog.h"

G_BEGIN_DECLS

/* pages "general", "details" and "path" */
AdwViewStack *_cc_certificate_dialog_get_view_stack   (CcCertificateDialog *self);
/* Details: selects the field of that label in the section of that label; FALSE if none */
gboolean      _cc_certificate_dialog_select_field     (CcCertificateDialog *self,
                                                       const char          *section,
                                                       const char          *label);
/* the value pane's text */
char         *_cc_certificate_dialog_dup_value_text   (CcCertificateDialog *self);
/* Certification Path: CcPathLink*, leaf first (borrowed), or NULL while the stores load */
GPtrArray    *_cc_certificate_dialog_get_path         (CcCertificateDialog *self);
/* the path's rows, root at the top */
GtkListBox   *_cc_certificate_dialog_get_path_list    (CcCertificateDialog *self);
/* the "Certificate status" text of the selected link */
const char   *_cc_certificate_dialog_get_path_status  (CcCertificateDialog *self);

G_END_DECLS
