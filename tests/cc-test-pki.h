/* cc-test-pki.h: a small PKI the tests make themselves with the OpenSSL API (independent
 * of the core's code, so it can check it): a root, an issuing CA, and leaves of any kind. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CcTestPki CcTestPki;

typedef struct
{
  const char  *common_name;     /* CN (UTF-8 allowed) */
  const char  *organization;    /* O, nullable */
  const char  *country;         /* C, nullable */
  const char * const *sans;     /* DNS names, NULL-terminated, nullable: no SAN extension */
  const char  *key;             /* "rsa:2048", "rsa:1024", "ec:p256", "ec:p384" (default ec:p256) */
  int          not_before_days; /* relative to now (e.g. -400) */
  int          not_after_days;  /* relative to now (e.g. 365; -1 gives an expired cert) */
  gboolean     client_auth;     /* EKU serverAuth (+ clientAuth when TRUE) */
  gboolean     self_signed;     /* ignore the issuing CA */
  gboolean     from_root;       /* issued by the root directly */
  gboolean     is_ca;           /* a CA certificate (CA:TRUE, keyCertSign) */
} CcTestCertOptions;

/* A root "CC Test Root CA" and an issuing CA "CC Test Issuing CA", both EC P-256. */
CcTestPki *cc_test_pki_new            (void);
void       cc_test_pki_free           (CcTestPki *pki);
const char *cc_test_pki_get_root_pem  (CcTestPki *pki);
const char *cc_test_pki_get_issuing_pem (CcTestPki *pki);
/* issues a leaf; returns its certificate PEM, and the PKCS#8 key PEM in *key_pem */
char      *cc_test_pki_issue          (CcTestPki               *pki,
                                       const CcTestCertOptions *options,
                                       char                   **key_pem);
/* SHA-256 (lower-case hex) of the first certificate of a PEM text */
char      *cc_test_pem_thumbprint     (const char *pem);
/* DER bytes of the first certificate of a PEM text */
GBytes    *cc_test_pem_to_der         (const char *pem);

/* A temporary folder removed (recursively) by cc_test_rmrf. */
char      *cc_test_make_tmpdir        (void);
void       cc_test_rmrf               (const char *path);
/* A text listing every file under path with its size, mode and SHA-256, to assert a
 * folder is unchanged byte-for-byte. Stores' index caches (.cc-index) are left out. */
char      *cc_test_snapshot_tree      (const char *path);

G_END_DECLS
