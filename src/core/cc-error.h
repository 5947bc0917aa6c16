/* cc-error.h: the CC_ERROR domain: one code per thing a user can fix. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CC_ERROR (cc_error_quark ())

typedef enum
{
  CC_ERROR_FAILED,            /* anything else */
  CC_ERROR_IO,                /* a file or folder cannot be read or written */
  CC_ERROR_PARSE,             /* deployment.json is not valid JSON */
  CC_ERROR_INVALID,           /* a value is not allowed (role, FQDN, interface, field) */
  CC_ERROR_NOT_FOUND,         /* no such site, pool, server, store or certificate */
  CC_ERROR_EXISTS,            /* a site, pool or server of that name already exists */
  CC_ERROR_NOT_EMPTY,         /* refusing to remove something that still holds certificates */
  CC_ERROR_BAD_CERTIFICATE,   /* a file is not a certificate OpenSSL can read */
  CC_ERROR_NOT_A_DEPLOYMENT,  /* the folder holds no deployment.json */
  CC_ERROR_CRYPTO,            /* key generation or signing failed */
  CC_ERROR_REQUIREMENTS,      /* a certificate does not meet an interface's requirements */
  CC_ERROR_LOCKED,            /* another program is changing the deployment right now */
  CC_ERROR_LOCKED_KEYS,       /* the deployment has a passphrase and is not unlocked */
  CC_ERROR_WRONG_PASSPHRASE,  /* that is not the deployment's passphrase */
} CcError;

GQuark cc_error_quark (void);

G_END_DECLS
