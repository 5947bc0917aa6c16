/* cc-lab-ca.h: key generation and the console's own lab CA (root + issuing CA). Private to
 * the core. */
#pragma once

#include "cc-core-private.h"

G_BEGIN_DECLS

typedef struct _CcLabCa CcLabCa;

typedef struct
{
  const char         *common_name;
  const char         *organization;        /* nullable */
  const char         *organizational_unit; /* nullable */
  const char         *country;             /* nullable, two letters */
  const char         *state;               /* nullable */
  const char         *locality;            /* nullable */
  const char * const *sans;                /* DNS names, nullable */
  gboolean            client_auth;         /* EKU serverAuth + clientAuth */
  int                 days;                /* validity */
} CcIssueOptions;

/* "rsa:2048", "rsa:3072", "rsa:4096", "rsa:1024", "ec:p256", "ec:p384" */
EVP_PKEY  *_cc_key_generate        (const char  *spec,
                                    GError     **error);
GBytes    *_cc_key_to_pem          (EVP_PKEY    *key);    /* unencrypted PKCS#8 */
EVP_PKEY  *_cc_key_from_pem        (GBytes      *pem,
                                    const char  *what,
                                    GError     **error);

CcLabCa   *_cc_lab_ca_new          (const char  *name,
                                    const char  *organization,
                                    GError     **error);
/* the keys through _cc_key_file_read/_write: encrypted when the deployment has a passphrase */
CcLabCa   *_cc_lab_ca_load         (CcDeployment *deployment,
                                    const char  *dir,
                                    GError     **error);
gboolean   _cc_lab_ca_save         (CcDeployment *deployment,
                                    CcLabCa     *ca,
                                    const char  *dir,
                                    GError     **error);
void       _cc_lab_ca_free         (CcLabCa     *ca);
X509      *_cc_lab_ca_get_root     (CcLabCa     *ca);
X509      *_cc_lab_ca_get_issuing  (CcLabCa     *ca);
/* signs a certificate for public_key with the issuing CA */
X509      *_cc_lab_ca_issue        (CcLabCa              *ca,
                                    EVP_PKEY             *public_key,
                                    const CcIssueOptions *options,
                                    GError              **error);
/* a folder name for a CA name: lower-case letters, digits and hyphens */
char      *_cc_lab_ca_slug         (const char  *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcLabCa, _cc_lab_ca_free)

G_END_DECLS

G_BEGIN_DECLS
/* signs a PKCS#10 request: subject, key, SAN, key usage and EKU taken from the request */
X509      *_cc_lab_ca_sign_request (CcLabCa              *ca,
                                    X509_REQ             *request,
                                    int                   days,
                                    GError              **error);
char      *_cc_lab_ca_dup_dir      (CcDeployment         *deployment,
                                    const char           *name);
G_END_DECLS
