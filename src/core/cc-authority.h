/* cc-authority.h: a certification authority the deployment knows (lab, offline, online). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CC_TYPE_AUTHORITY (cc_authority_get_type ())
G_DECLARE_FINAL_TYPE (CcAuthority, cc_authority, CC, AUTHORITY, GObject)

typedef enum
{
  CC_AUTHORITY_LAB,      /* "lab": made by the console, root + issuing CA under ca/<name>/ */
  CC_AUTHORITY_OFFLINE,  /* "offline": request files out, answer files in */
  CC_AUTHORITY_ONLINE,   /* "online": an ACME or enterprise CA reached over the network */
} CcAuthorityKind;

CcAuthority     *cc_authority_new                  (const char      *name,
                                                    CcAuthorityKind  kind);
const char      *cc_authority_get_name             (CcAuthority     *self);
CcAuthorityKind  cc_authority_get_kind             (CcAuthority     *self);
const char      *cc_authority_kind_to_id           (CcAuthorityKind  kind);
gboolean         cc_authority_kind_from_id         (const char      *id,
                                                    CcAuthorityKind *out_kind);
/* SHA-256 thumbprints of its root and issuing certificates (nullable) */
const char      *cc_authority_get_root_thumbprint  (CcAuthority     *self);
const char      *cc_authority_get_issuing_thumbprint (CcAuthority   *self);
void             cc_authority_set_thumbprints      (CcAuthority     *self,
                                                    const char      *root,
                                                    const char      *issuing);
/* for online CAs: where to reach it */
const char      *cc_authority_get_url              (CcAuthority     *self);
void             cc_authority_set_url              (CcAuthority     *self,
                                                    const char      *url);

G_END_DECLS
