/* cc-pfx.c: .pfx (PKCS#12) import and export, certificate export, and the chain of a
 * certificate as one server sees it (its own Trusted Root and Intermediate stores only). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include "cc-lab-ca.h"
#include "cc-workflows.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PKCS12, PKCS12_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_STORE, X509_STORE_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_STORE_CTX, X509_STORE_CTX_free)

/* more key-derivation rounds than this (MAC or encryption) is an attack, not a
 * certificate: Windows and OpenSSL use 2,000 to 10,000, the strongest current advice
 * 600,000; a million PBKDF2 rounds take about a second here */
#define MAX_PFX_ITERATIONS 1000000
/* scrypt's cost N (with r * p at most 16): 2^20 takes a second and 1 GiB */
#define MAX_PFX_SCRYPT_COST (1 << 20)

/* The work factor an encryption algorithm asks for, in PBKDF2-like rounds; -1 when its
 * parameters cannot be read (OpenSSL then refuses it by itself, quickly). */
static gint64
pbe_rounds (const X509_ALGOR *alg)
{
  const ASN1_OBJECT *oid = NULL;
  const void *param = NULL;
  int ptype = 0;
  gint64 rounds = -1;

  X509_ALGOR_get0 (&oid, &ptype, &param, alg);
  if (ptype != V_ASN1_SEQUENCE)
    return -1;
  if (OBJ_obj2nid (oid) == NID_pbes2)
    {
      PBE2PARAM *pbe2 = ASN1_TYPE_unpack_sequence (ASN1_ITEM_rptr (PBE2PARAM), alg->parameter);
      const ASN1_OBJECT *kdf_oid = NULL;

      if (pbe2 == NULL || pbe2->keyfunc == NULL)
        {
          PBE2PARAM_free (pbe2);
          return -1;
        }
      X509_ALGOR_get0 (&kdf_oid, NULL, NULL, pbe2->keyfunc);
      if (OBJ_obj2nid (kdf_oid) == NID_id_pbkdf2)
        {
          PBKDF2PARAM *kdf = ASN1_TYPE_unpack_sequence (ASN1_ITEM_rptr (PBKDF2PARAM),
                                                        pbe2->keyfunc->parameter);
          if (kdf != NULL && kdf->iter != NULL)
            rounds = ASN1_INTEGER_get (kdf->iter);
          PBKDF2PARAM_free (kdf);
        }
      else if (OBJ_obj2nid (kdf_oid) == NID_id_scrypt)
        {
          SCRYPT_PARAMS *sp = ASN1_TYPE_unpack_sequence (ASN1_ITEM_rptr (SCRYPT_PARAMS),
                                                         pbe2->keyfunc->parameter);
          if (sp != NULL && sp->costParameter != NULL && sp->blockSize != NULL
              && sp->parallelizationParameter != NULL)
            {
              gint64 n = ASN1_INTEGER_get (sp->costParameter);
              gint64 r = ASN1_INTEGER_get (sp->blockSize);
              gint64 p = ASN1_INTEGER_get (sp->parallelizationParameter);
              /* within the bounds: counted as no rounds; beyond them: refused */
              if (n < 0 || r < 0 || p < 0 || r > 16 || p > 16 || r * p > 16
                  || n > MAX_PFX_SCRYPT_COST)
                rounds = G_MAXINT64;
              else
                rounds = 0;
            }
          SCRYPT_PARAMS_free (sp);
        }
      PBE2PARAM_free (pbe2);
      return rounds;
    }
  {
    /* the PKCS#12 PBEs (3DES, RC2-40...): one PBEPARAM */
    PBEPARAM *pbe = ASN1_TYPE_unpack_sequence (ASN1_ITEM_rptr (PBEPARAM), alg->parameter);
    if (pbe != NULL && pbe->iter != NULL)
      rounds = ASN1_INTEGER_get (pbe->iter);
    PBEPARAM_free (pbe);
  }
  return rounds;
}

/* The walk of a .pfx's parts: every part's bags, nested safe contents included, read once;
 * an encrypted part is decrypted (once) after its own work factor was checked. */
typedef enum
{
  WALK_OK,
  WALK_TOO_MUCH,     /* a part or a key asks for more rounds than any real .pfx */
  WALK_UNREADABLE,   /* a part cannot be decrypted or read */
} WalkResult;

typedef struct
{
  GPtrArray *safes;   /* the STACK_OF(PKCS12_SAFEBAG) of each part, owned */
  GPtrArray *bags;    /* every bag, in file order, nested ones flattened; borrowed */
} PfxBags;

static void
free_bag_stack (gpointer bags)
{
  sk_PKCS12_SAFEBAG_pop_free (bags, PKCS12_SAFEBAG_free);
}

static void
pfx_bags_clear (PfxBags *b)
{
  g_clear_pointer (&b->bags, g_ptr_array_unref);
  g_clear_pointer (&b->safes, g_ptr_array_unref);
}

/* each bag into b->bags; a shrouded key asking for too much work stops the walk */
static gboolean
add_bags (PfxBags *b, const STACK_OF(PKCS12_SAFEBAG) *bags)
{
  for (int i = 0; bags != NULL && i < sk_PKCS12_SAFEBAG_num (bags); i++)
    {
      const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value (bags, i);

      switch (PKCS12_SAFEBAG_get_nid (bag))
        {
        case NID_pkcs8ShroudedKeyBag:
          {
            const X509_ALGOR *alg = NULL;
            X509_SIG_get0 (PKCS12_SAFEBAG_get0_pkcs8 (bag), &alg, NULL);
            if (alg != NULL && pbe_rounds (alg) > MAX_PFX_ITERATIONS)
              return FALSE;
            g_ptr_array_add (b->bags, (gpointer) bag);
          }
          break;
        case NID_safeContentsBag:
          /* its depth is bounded by the DER decoder's nesting limit */
          if (!add_bags (b, PKCS12_SAFEBAG_get0_safes (bag)))
            return FALSE;
          break;
        default:
          g_ptr_array_add (b->bags, (gpointer) bag);
          break;
        }
    }
  return TRUE;
}

/* Every key derivation the file asks for is checked before it is made: each encrypted
 * part's before it is decrypted, and each encrypted key's before any key is (the MAC's was
 * checked, and the MAC verified, before). */
static WalkResult
walk_pkcs12 (PKCS12 *p12, const char *password, PfxBags *out)
{
  STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes (p12);
  WalkResult result = WALK_OK;

  out->safes = g_ptr_array_new_with_free_func (free_bag_stack);
  out->bags = g_ptr_array_new ();
  if (safes == NULL)
    return WALK_UNREADABLE;
  for (int i = 0; result == WALK_OK && i < sk_PKCS7_num (safes); i++)
    {
      PKCS7 *p7 = sk_PKCS7_value (safes, i);
      STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
      int nid = OBJ_obj2nid (p7->type);

      if (nid == NID_pkcs7_data)
        bags = PKCS12_unpack_p7data (p7);
      else if (nid == NID_pkcs7_encrypted)
        {
          if (p7->d.encrypted != NULL && p7->d.encrypted->enc_data != NULL
              && p7->d.encrypted->enc_data->algorithm != NULL
              && pbe_rounds (p7->d.encrypted->enc_data->algorithm) > MAX_PFX_ITERATIONS)
            {
              result = WALK_TOO_MUCH;
              break;
            }
          if (p7->d.encrypted != NULL && p7->d.encrypted->enc_data != NULL
              && p7->d.encrypted->enc_data->algorithm != NULL)
            _cc_work_count_derivation (pbe_rounds (p7->d.encrypted->enc_data->algorithm));
          bags = PKCS12_unpack_p7encdata (p7, password, -1);
        }
      else
        continue;   /* a kind of part no tool writes for a certificate: not ours to read */
      if (bags == NULL)
        result = WALK_UNREADABLE;
      else
        {
          g_ptr_array_add (out->safes, bags);
          if (!add_bags (out, bags))
            result = WALK_TOO_MUCH;
        }
    }
  sk_PKCS7_pop_free (safes, PKCS7_free);
  return result;
}

/* The first key of the bags (a plain or a shrouded one), every X.509 certificate with the
 * friendly name of its bag as its alias; FALSE when one cannot be read or decrypted. */
static gboolean
read_bags (GPtrArray *bags, const char *password, EVP_PKEY **key, STACK_OF(X509) *certs)
{
  for (guint i = 0; i < bags->len; i++)
    {
      const PKCS12_SAFEBAG *bag = g_ptr_array_index (bags, i);

      switch (PKCS12_SAFEBAG_get_nid (bag))
        {
        case NID_keyBag:
          if (*key == NULL && (*key = EVP_PKCS82PKEY (PKCS12_SAFEBAG_get0_p8inf (bag))) == NULL)
            return FALSE;
          break;
        case NID_pkcs8ShroudedKeyBag:
          if (*key == NULL)
            {
              const X509_ALGOR *alg = NULL;
              PKCS8_PRIV_KEY_INFO *p8;

              X509_SIG_get0 (PKCS12_SAFEBAG_get0_pkcs8 (bag), &alg, NULL);
              _cc_work_count_derivation (alg != NULL ? pbe_rounds (alg) : -1);
              p8 = PKCS12_decrypt_skey (bag, password, -1);
              if (p8 == NULL)
                return FALSE;
              *key = EVP_PKCS82PKEY (p8);
              PKCS8_PRIV_KEY_INFO_free (p8);
              if (*key == NULL)
                return FALSE;
            }
          break;
        case NID_certBag:
          if (PKCS12_SAFEBAG_get_bag_nid (bag) == NID_x509Certificate)
            {
              const ASN1_TYPE *name = PKCS12_SAFEBAG_get0_attr (bag, NID_friendlyName);
              X509 *x = PKCS12_SAFEBAG_get1_cert (bag);

              if (x == NULL)
                return FALSE;
              sk_X509_push (certs, x);
              if (name != NULL && name->type == V_ASN1_BMPSTRING)
                {
                  unsigned char *utf8 = NULL;
                  int len = ASN1_STRING_to_UTF8 (&utf8, name->value.bmpstring);
                  if (len >= 0)
                    X509_alias_set1 (x, utf8, len);
                  OPENSSL_free (utf8);
                }
            }
          break;
        default:
          break;   /* CRLs, secrets...: nothing a certificate store holds */
        }
    }
  return TRUE;
}

static void
free_x509_stack (STACK_OF(X509) *sk)
{
  sk_X509_pop_free (sk, X509_free);
}

/* the certificate of certs that is x (the same DER), or NULL */
static CcCertificate *
find_same (GPtrArray *certs, X509 *x)
{
  for (guint i = 0; i < certs->len; i++)
    if (X509_cmp (_cc_certificate_get_x509 (g_ptr_array_index (certs, i)), x) == 0)
      return g_ptr_array_index (certs, i);
  return NULL;
}

gboolean
_cc_server_build_chain (CcServer      *server,
                        CcCertificate *leaf,
                        GPtrArray     *chain,
                        char         **reason,
                        GError       **error)
{
  CcStore *roots = cc_server_get_store (server, CC_STORE_TRUSTED_ROOT);
  CcStore *inters = cc_server_get_store (server, CC_STORE_INTERMEDIATE);
  g_autoptr(X509_STORE) trust = NULL;
  g_autoptr(X509_STORE_CTX) ctx = X509_STORE_CTX_new ();
  g_autoptr(GPtrArray) root_certs = g_ptr_array_new ();
  g_autoptr(GPtrArray) inter_certs = g_ptr_array_new ();
  STACK_OF(X509) *untrusted = sk_X509_new_null ();
  gboolean ok;

  if (!cc_store_ensure_loaded (roots, NULL, error) || !cc_store_ensure_loaded (inters, NULL, error))
    {
      sk_X509_free (untrusted);
      return FALSE;
    }
  /* the rows' certificates, without making an entry for each (the store holds them) */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (roots)); i++)
    g_ptr_array_add (root_certs, _cc_store_get_certificate (roots, i));
  trust = _cc_deployment_dup_trust (_cc_server_get_deployment (server), root_certs);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (inters)); i++)
    {
      CcCertificate *c = _cc_store_get_certificate (inters, i);
      g_ptr_array_add (inter_certs, c);
      sk_X509_push (untrusted, _cc_certificate_get_x509 (c));
    }

  X509_STORE_CTX_init (ctx, trust, _cc_certificate_get_x509 (leaf), untrusted);
  ok = _cc_deployment_verify_cert (_cc_server_get_deployment (server), ctx) == 1;
  if (ok)
    {
      STACK_OF(X509) *built = X509_STORE_CTX_get0_chain (ctx);
      for (int i = 1; chain != NULL && i < sk_X509_num (built); i++)
        {
          /* each is one of the stores' certificates: shared, not parsed again */
          X509 *x = sk_X509_value (built, i);
          CcCertificate *same = find_same (inter_certs, x);
          g_autoptr(CcCertificate) c = NULL;

          if (same == NULL)
            same = find_same (root_certs, x);
          c = same ? g_object_ref (same) : _cc_certificate_new_from_x509 (x, NULL);
          if (c != NULL)
            g_ptr_array_add (chain, g_steal_pointer (&c));
        }
    }
  else if (reason != NULL)
    {
      int err = X509_STORE_CTX_get_error (ctx);
      if (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
          || err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
          || err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
          || err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
        *reason = g_strdup_printf (_("its chain does not end in a root trusted on %s (%s); import the CA chain on this server"),
                                   cc_server_get_fqdn (server), X509_verify_cert_error_string (err));
      else
        *reason = g_strdup_printf (_("its chain is not valid on %s: %s"), cc_server_get_fqdn (server),
                                   X509_verify_cert_error_string (err));
    }
  sk_X509_free (untrusted);
  ERR_clear_error ();
  return ok;
}

static PKCS12 *
parse_pkcs12 (const char *file, const void *data, gsize len, GError **error)
{
  g_autoptr(BIO) bio = NULL;
  PKCS12 *p12;

  bio = BIO_new_mem_buf (data, len);
  p12 = d2i_PKCS12_bio (bio, NULL);
  if (p12 == NULL)
    {
      /* some tools write it base64-armoured */
      g_autoptr(GPtrArray) blocks = _cc_pem_decode_all (data, len, "PKCS12");
      if (blocks->len > 0)
        {
          g_autoptr(BIO) b2 = BIO_new_mem_buf (g_bytes_get_data (g_ptr_array_index (blocks, 0), NULL),
                                              g_bytes_get_size (g_ptr_array_index (blocks, 0)));
          p12 = d2i_PKCS12_bio (b2, NULL);
        }
    }
  if (p12 == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                   _("“%s” is not a .pfx (PKCS#12) file, or it is damaged; export it again from the first server"),
                   file);
    }
  return p12;
}

static gboolean
wrong_password (const char *file, GError **error)
{
  ERR_clear_error ();
  g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
               _("The password for “%s” is wrong; type the password given when the certificate was exported"),
               file);
  return FALSE;
}

/* a MAC check: one key derivation of the rounds the MAC asks for (1 when it names none) */
static gboolean
verify_mac (PKCS12 *p12, const ASN1_INTEGER *iter, const char *password, int len)
{
  _cc_work_count_derivation (iter != NULL ? ASN1_INTEGER_get (iter) : 1);
  return PKCS12_verify_mac (p12, password, len) == 1;
}

/* The MAC is checked first (its rounds, then the password); then each part is read once:
 * decrypted after its own work was checked, its keys' work checked before one is
 * decrypted. The leaf is the first certificate whose public key is the key's (as
 * PKCS12_parse chooses it); the other certificates are its chain. */
gboolean
_cc_pfx_parse (const char       *file,
               const void       *data,
               gsize             len,
               const char       *password,
               EVP_PKEY        **key_out,
               X509            **x509_out,
               STACK_OF(X509)  **chain_out,
               GError          **error)
{
  g_autoptr(PKCS12) p12 = parse_pkcs12 (file, data, len, error);
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) x509 = NULL;
  STACK_OF(X509) *certs = NULL;
  STACK_OF(X509) *ca = NULL;
  PfxBags bags = { NULL, NULL };
  const ASN1_INTEGER *iter = NULL;
  WalkResult walk;
  gboolean read;
  X509 *x;

  if (p12 == NULL)
    return FALSE;
  if (PKCS12_mac_present (p12))
    {
      PKCS12_get0_mac (NULL, NULL, NULL, &iter, p12);
      if (iter != NULL && ASN1_INTEGER_get (iter) > MAX_PFX_ITERATIONS)
        {
          g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                       _("“%s” asks for %ld key-derivation rounds, far more than any real .pfx; it was refused"),
                       file, ASN1_INTEGER_get (iter));
          return FALSE;
        }
      /* to PKCS#12 no password and an empty one are two different things: either may
       * have made the MAC of a file exported without a password */
      if (password == NULL || *password == '\0')
        {
          if (verify_mac (p12, iter, NULL, 0))
            password = NULL;
          else if (verify_mac (p12, iter, "", 0))
            password = "";
          else
            return wrong_password (file, error);
        }
      else if (!verify_mac (p12, iter, password, -1))
        return wrong_password (file, error);
    }
  else if (password != NULL && *password == '\0')
    password = NULL;

  walk = walk_pkcs12 (p12, password, &bags);
  if (walk == WALK_TOO_MUCH)
    {
      pfx_bags_clear (&bags);
      ERR_clear_error ();
      g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                   _("“%s” asks for far more key-derivation work than any real .pfx; it was "
                     "refused. Export it again with the usual settings"), file);
      return FALSE;
    }
  certs = sk_X509_new_null ();
  read = walk == WALK_OK && read_bags (bags.bags, password, &key, certs);
  pfx_bags_clear (&bags);
  if (!read)
    {
      free_x509_stack (certs);
      _cc_set_openssl_error (error, CC_ERROR_BAD_CERTIFICATE,
                             _("“%s” cannot be decrypted; it may use an algorithm this system does not support, or the password is wrong"),
                             file);
      return FALSE;
    }

  ca = sk_X509_new_null ();
  while ((x = sk_X509_shift (certs)) != NULL)
    {
      if (key != NULL && x509 == NULL && X509_check_private_key (x, key) == 1)
        x509 = x;
      else
        sk_X509_push (ca, x);
    }
  sk_X509_free (certs);
  ERR_clear_error ();
  if (x509 == NULL || key == NULL)
    {
      free_x509_stack (ca);
      g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                   _("“%s” holds no certificate with its private key; export it again with the private key"),
                   file);
      return FALSE;
    }
  *key_out = g_steal_pointer (&key);
  *x509_out = g_steal_pointer (&x509);
  *chain_out = ca;
  return TRUE;
}

gboolean
cc_import_pfx (CcServer    *server,
               const char  *file,
               const char  *password,
               gboolean     exportable,
               CcReport    *report,
               GError     **error)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) x509 = NULL;
  STACK_OF(X509) *ca = NULL;
  g_autoptr(CcCertificate) leaf = NULL;
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) key_pem = NULL;
  CcDeployment *deployment = _cc_server_get_deployment (server);
  const char *fqdn = cc_server_get_fqdn (server);
  g_autoptr(CcUndo) undo = _cc_undo_new ();
  CcStore *personal = cc_server_get_store (server, CC_STORE_PERSONAL);
  char *friendly;

  if (!_cc_read_file (file, &data, &len, error)
      || !_cc_pfx_parse (file, data, len, password, &key, &x509, &ca, error))
    return FALSE;
  for (int i = 0; ca && i < sk_X509_num (ca); i++)
    {
      CcCertificate *c = _cc_certificate_new_from_x509 (sk_X509_value (ca, i), NULL);
      if (c != NULL)
        g_ptr_array_add (chain, c);
    }
  if (ca != NULL)
    free_x509_stack (ca);
  leaf = _cc_certificate_new_from_x509 (x509, error);
  key_pem = _cc_key_to_pem (key);
  if (leaf == NULL || key_pem == NULL)
    return FALSE;

  friendly = (char *) X509_alias_get0 (x509, NULL);
  if (!cc_store_ensure_loaded (personal, NULL, error))
    return FALSE;
  if (cc_store_lookup_id (personal, cc_certificate_get_thumbprint (leaf)) == NULL)
    _cc_undo_added (undo, personal, cc_certificate_get_thumbprint (leaf));
  {
    g_autofree char *name = friendly ? g_strdup (friendly) : NULL;
    if (!cc_store_add_certificate (personal, leaf, key_pem, name, exportable, "pfx", error))
      goto fail;
  }
  if (report != NULL)
    {
      g_ptr_array_add (report->changes,
                       g_strdup_printf (_("%s: Personal: added %s (%s)%s"), fqdn,
                                        cc_certificate_get_thumbprint (leaf),
                                        cc_certificate_get_issued_to (leaf),
                                        exportable ? _(", exportable") : _(", not exportable")));
      g_set_object (&report->leaf, leaf);
    }

  for (guint i = 0; i < chain->len; i++)
    {
      CcCertificate *c = g_ptr_array_index (chain, i);
      CcStoreKind kind = cc_certificate_is_self_signed (c) ? CC_STORE_TRUSTED_ROOT : CC_STORE_INTERMEDIATE;
      CcStore *store = cc_server_get_store (server, kind);

      if (!cc_certificate_is_ca (c))
        continue;
      if (!cc_store_ensure_loaded (store, NULL, error))
        goto fail;
      if (cc_store_lookup_id (store, cc_certificate_get_thumbprint (c)) != NULL)
        continue;
      if (!cc_store_add_certificate (store, c, NULL, NULL, FALSE, "pfx", error))
        goto fail;
      _cc_undo_added (undo, store, cc_certificate_get_thumbprint (c));
      if (report != NULL)
        g_ptr_array_add (report->changes,
                         g_strdup_printf ("%s: %s: %s %s (%s)", fqdn, cc_store_kind_get_display_name (kind),
                                          _("added"), cc_certificate_get_thumbprint (c),
                                          cc_certificate_get_issued_to (c)));
    }

  /* everything is in: now it goes in the audit log */
  if (deployment != NULL)
    {
      cc_deployment_audit (deployment, "import-pfx", fqdn, cc_certificate_get_thumbprint (leaf),
                           exportable ? "exportable" : "not-exportable");
      for (guint u = 0; u < _cc_undo_count (undo); u++)
        {
          CcStore *store = _cc_undo_get_store (undo, u);
          if (store != personal)
            cc_deployment_audit (deployment,
                                 cc_store_get_kind (store) == CC_STORE_TRUSTED_ROOT ? "import-root"
                                                                                    : "import-intermediate",
                                 fqdn, _cc_undo_get_id (undo, u), "pfx");
        }
    }
  return TRUE;

fail:
  /* all or nothing: the key never stays without its chain's certificates */
  _cc_undo_rollback (undo);
  if (report != NULL)
    {
      g_ptr_array_set_size (report->changes, 0);
      g_clear_object (&report->leaf);
    }
  return FALSE;
}

CcStoreEntry *
_cc_server_find_personal (CcServer *server, const char *thumbprint, GError **error)
{
  CcStore *personal = cc_server_get_store (server, CC_STORE_PERSONAL);
  CcStoreEntry *entry;

  if (!cc_store_ensure_loaded (personal, NULL, error))
    return NULL;
  entry = cc_store_lookup (personal, thumbprint);
  if (entry == NULL)
    g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                 _("There is no certificate %s in the Personal store of %s; list them with `certctl list certs --server %s --store personal`"),
                 thumbprint, cc_server_get_fqdn (server), cc_server_get_fqdn (server));
  return entry;
}

gboolean
cc_export_pfx (CcServer    *server,
               const char  *thumbprint,
               const char  *out_file,
               const char  *password,
               gboolean     include_chain,
               gboolean     legacy,
               GError     **error)
{
  CcStoreEntry *entry = _cc_server_find_personal (server, thumbprint, error);
  CcDeployment *deployment = _cc_server_get_deployment (server);
  g_autoptr(GBytes) key_pem = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(PKCS12) p12 = NULL;
  g_autoptr(BIO) bio = NULL;
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  STACK_OF(X509) *ca = NULL;
  CcCertificate *cert;
  char *data;
  long len;
  int nid = legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : 0;
  gboolean ok;

  if (entry == NULL)
    return FALSE;
  cert = cc_store_entry_get_certificate (entry);
  if (!cc_store_entry_get_has_private_key (entry))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("%s holds no private key for %s; export it from the server where it was requested"),
                   cc_server_get_fqdn (server), cc_certificate_get_issued_to (cert));
      return FALSE;
    }
  if (!cc_store_entry_get_exportable (entry))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("The private key of %s on %s is not marked exportable, so it cannot be exported; export it from the server where it is exportable, or use `certctl distribute`"),
                   cc_certificate_get_issued_to (cert), cc_server_get_fqdn (server));
      return FALSE;
    }
  key_pem = cc_store_read_key (cc_server_get_store (server, CC_STORE_PERSONAL),
                               cc_certificate_get_thumbprint (cert), error);
  if (key_pem == NULL || (key = _cc_key_from_pem (key_pem, cc_certificate_get_thumbprint (cert), error)) == NULL)
    return FALSE;
  if (include_chain)
    {
      _cc_server_build_chain (server, cert, chain, NULL, NULL);
      ca = sk_X509_new_null ();
      for (guint i = 0; i < chain->len; i++)
        sk_X509_push (ca, _cc_certificate_get_x509 (g_ptr_array_index (chain, i)));
    }

  {
    g_autofree char *friendly = g_strdup (cc_store_entry_get_friendly_name (entry));
    p12 = PKCS12_create (password, *friendly ? friendly : NULL, key,
                         _cc_certificate_get_x509 (cert), ca, nid, nid,
                         legacy ? 2048 : 0, legacy ? -1 : 0, 0);
  }
  if (ca != NULL)
    sk_X509_free (ca);
  /* old Windows reads only a SHA-1 MAC */
  if (p12 != NULL && legacy)
    PKCS12_set_mac (p12, password, -1, NULL, 0, 2048, EVP_sha1 ());
  if (p12 == NULL)
    {
      _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("Cannot make the .pfx for %s"),
                             cc_certificate_get_issued_to (cert));
      return FALSE;
    }
  bio = BIO_new (BIO_s_mem ());
  i2d_PKCS12_bio (bio, p12);
  len = BIO_get_mem_data (bio, &data);
  ok = _cc_write_file_atomic (out_file, data, len, 0600, error);
  if (ok && deployment != NULL)
    cc_deployment_audit (deployment, legacy ? "export-pfx-legacy" : "export-pfx",
                         cc_server_get_fqdn (server), cc_certificate_get_thumbprint (cert), out_file);
  return ok;
}

gboolean
cc_export_certificate (CcServer       *server,
                       const char     *thumbprint,
                       const char     *out_file,
                       CcExportFormat  format,
                       gboolean        include_chain,
                       GError        **error)
{
  CcStoreEntry *entry = NULL;
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) bytes = NULL;
  CcCertificate *cert;

  for (CcStoreKind kind = 0; kind < CC_STORE_REQUESTS && entry == NULL; kind++)
    {
      CcStore *store = cc_server_get_store (server, kind);
      if (!cc_store_ensure_loaded (store, NULL, error))
        return FALSE;
      entry = cc_store_lookup (store, thumbprint);
    }
  if (entry == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("There is no certificate %s on %s; list them with `certctl list certs`"),
                   thumbprint, cc_server_get_fqdn (server));
      return FALSE;
    }
  cert = cc_store_entry_get_certificate (entry);
  g_ptr_array_add (certs, g_object_ref (cert));
  if (include_chain)
    _cc_server_build_chain (server, cert, certs, NULL, NULL);

  switch (format)
    {
    case CC_EXPORT_DER:
      bytes = g_bytes_ref (cc_certificate_get_der (cert));
      break;
    case CC_EXPORT_P7B:
      bytes = _cc_certificates_to_p7b (certs, FALSE);
      break;
    case CC_EXPORT_PEM:
    default:
      {
        GString *s = g_string_new (NULL);
        for (guint i = 0; i < certs->len; i++)
          {
            g_autofree char *pem = cc_certificate_dup_pem (g_ptr_array_index (certs, i));
            g_string_append (s, pem);
          }
        bytes = g_string_free_to_bytes (s);
      }
      break;
    }
  return _cc_write_file_atomic (out_file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                0644, error);
}
