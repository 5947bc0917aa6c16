/* cc-certificate-section.h: a labelled group of label/value fields, for the Details view. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CC_TYPE_CERTIFICATE_FIELD (cc_certificate_field_get_type ())
G_DECLARE_FINAL_TYPE (CcCertificateField, cc_certificate_field, CC, CERTIFICATE_FIELD, GObject)

#define CC_TYPE_CERTIFICATE_SECTION (cc_certificate_section_get_type ())
G_DECLARE_FINAL_TYPE (CcCertificateSection, cc_certificate_section, CC, CERTIFICATE_SECTION,
                      GObject)

CcCertificateField   *cc_certificate_field_new         (const char *label,
                                                        const char *value);
const char           *cc_certificate_field_get_label   (CcCertificateField *self);
const char           *cc_certificate_field_get_value   (CcCertificateField *self);

CcCertificateSection *cc_certificate_section_new       (const char *label);
const char           *cc_certificate_section_get_label (CcCertificateSection *self);
/* GListModel of CcCertificateField (borrowed) */
GListModel           *cc_certificate_section_get_fields (CcCertificateSection *self);
void                  cc_certificate_section_add       (CcCertificateSection *self,
                                                        const char *label,
                                                        const char *value);

G_END_DECLS
