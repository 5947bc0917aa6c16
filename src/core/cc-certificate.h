/* cc-certificate.h: an immutable parsed X.509 certificate, shared by every store that holds it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CC_TYPE_CERTIFICATE (cc_certificate_get_type ())
G_DECLARE_FINAL_TYPE (CcCertificate, cc_certificate, CC, CERTIFICATE, GObject)

/* Key usage bits, as X.509 numbers them (digitalSignature = 0x80 ...). */
typedef enum
{
  CC_KEY_USAGE_DIGITAL_SIGNATURE = 0x0080,
  CC_KEY_USAGE_NON_REPUDIATION   = 0x0040,
  CC_KEY_USAGE_KEY_ENCIPHERMENT  = 0x0020,
  CC_KEY_USAGE_DATA_ENCIPHERMENT = 0x0010,
  CC_KEY_USAGE_KEY_AGREEMENT     = 0x0008,
  CC_KEY_USAGE_KEY_CERT_SIGN     = 0x0004,
  CC_KEY_USAGE_CRL_SIGN          = 0x0002,
} CcKeyUsage;

#define CC_OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define CC_OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"

CcCertificate *cc_certificate_new_from_der        (GBytes        *der,
                                                   GError       **error);
/* the first certificate of a PEM text */
CcCertificate *cc_certificate_new_from_pem        (const char    *pem,
                                                   gsize          len,
                                                   GError       **error);

GBytes      *cc_certificate_get_der               (CcCertificate *self);
char        *cc_certificate_dup_pem               (CcCertificate *self);
/* SHA-256, lower-case hex: the certificate's name in every store */
const char  *cc_certificate_get_thumbprint        (CcCertificate *self);
const char  *cc_certificate_get_sha1              (CcCertificate *self);
/* RFC 4514-ish one-line names, UTF-8 ("CN=edge01.contoso.com, O=Contoso, C=US") */
const char  *cc_certificate_get_subject           (CcCertificate *self);
const char  *cc_certificate_get_issuer            (CcCertificate *self);
/* CN, or the first SAN, or the whole subject: the snap-in's "Issued To" / "Issued By" */
const char  *cc_certificate_get_issued_to         (CcCertificate *self);
const char  *cc_certificate_get_issued_by         (CcCertificate *self);
const char  *cc_certificate_get_serial            (CcCertificate *self);  /* hex, colon-free */
guint        cc_certificate_get_version           (CcCertificate *self);  /* 1, 2 or 3 */
GDateTime   *cc_certificate_get_not_before        (CcCertificate *self);
GDateTime   *cc_certificate_get_not_after         (CcCertificate *self);
/* NULL-terminated; DNS names as-is, IP addresses as text, others as "email:..." / "URI:..." */
const char * const *cc_certificate_get_sans       (CcCertificate *self);
/* NULL-terminated dotted OIDs */
const char * const *cc_certificate_get_eku        (CcCertificate *self);
gboolean     cc_certificate_has_eku               (CcCertificate *self,
                                                   const char    *oid);
/* "Server Authentication, Client Authentication": the snap-in's Intended Purposes */
char        *cc_certificate_dup_intended_purposes (CcCertificate *self);
/* CcKeyUsage bits; has_key_usage FALSE when the extension is absent */
guint        cc_certificate_get_key_usage         (CcCertificate *self,
                                                   gboolean      *has_key_usage);
/* "rsa:2048", "ec:p256", "ec:p384", "ed25519", ... */
const char  *cc_certificate_get_key_type          (CcCertificate *self);
guint        cc_certificate_get_key_bits          (CcCertificate *self);
gboolean     cc_certificate_is_ca                 (CcCertificate *self);
/* -1 when basic constraints give no path length */
int          cc_certificate_get_path_length       (CcCertificate *self);
gboolean     cc_certificate_is_self_signed        (CcCertificate *self);
gboolean     cc_certificate_is_expired            (CcCertificate *self,
                                                   GDateTime     *now);
/* the same subject hash OpenSSL's -CApath look-up uses (X509_subject_name_hash) */
gulong       cc_certificate_get_subject_hash      (CcCertificate *self);

/* The Details model: a GListModel of CcCertificateSection, drawn by the GUI's Details tab
 * and by `certctl show`. */
GListModel  *cc_certificate_dup_sections          (CcCertificate *self);

/* ISO 8601 UTC: "2027-01-31T12:00:00Z" */
char        *cc_format_iso8601                    (GDateTime     *dt);

G_END_DECLS
