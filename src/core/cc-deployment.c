/* cc-deployment.c: deployment.json (load, validate, save atomically), the topology edits,
 * the audit log, and the certificate cache that makes a root on every server one object. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "cc-core-private.h"
#include "cc-workflows.h"

#define DEPLOYMENT_FORMAT 1

struct _CcDeployment
{
  GObject parent_instance;

  char *path;
  GPtrArray *sites;
  GListStore *authorities;
  JsonObject *settings;
  CcKeyring *keyring;  /* the passphrase's verifier, and its secret while unlocked */

  GMutex cache_lock;
  GHashTable *cache;   /* thumbprint -> CcCertificate */
  GHashTable *parsing; /* thumbprints another thread is parsing now (owned strings) */
  GCond parsed;        /* signalled, under cache_lock, when one of them is done */
  GHashTable *trust;   /* SHA-256 of the roots' thumbprints -> X509_STORE */
  GHashTable *signed_pairs;   /* SignedPair: signatures OpenSSL has verified (see below) */
  guint n_signatures_verified;   /* pairs of them verified (the same pair may be twice
                                  * when two threads meet it at once) */
};

/* a certificate and the issuer whose key OpenSSL verified its signature with (both held) */
typedef struct
{
  X509 *subject;
  X509 *issuer;
} SignedPair;

static guint
signed_pair_hash (gconstpointer p)
{
  const SignedPair *pair = p;
  return g_direct_hash (pair->subject) * 31 + g_direct_hash (pair->issuer);
}

static gboolean
signed_pair_equal (gconstpointer a, gconstpointer b)
{
  const SignedPair *pa = a, *pb = b;
  return pa->subject == pb->subject && pa->issuer == pb->issuer;
}

static void
signed_pair_free (SignedPair *pair)
{
  X509_free (pair->subject);
  X509_free (pair->issuer);
  g_free (pair);
}

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcDeployment, cc_deployment, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_PATH,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static GType
list_model_get_item_type (GListModel *model)
{
  return CC_TYPE_SITE;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return CC_DEPLOYMENT (model)->sites->len;
}

static gpointer
list_model_get_item (GListModel *model, guint position)
{
  CcDeployment *self = CC_DEPLOYMENT (model);
  if (position >= self->sites->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->sites, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
cc_deployment_finalize (GObject *object)
{
  CcDeployment *self = CC_DEPLOYMENT (object);

  g_ptr_array_unref (self->sites);
  g_clear_object (&self->authorities);
  g_clear_pointer (&self->settings, json_object_unref);
  g_clear_pointer (&self->keyring, _cc_keyring_free);
  g_hash_table_unref (self->cache);
  g_hash_table_unref (self->parsing);
  g_hash_table_unref (self->trust);
  g_hash_table_unref (self->signed_pairs);
  g_mutex_clear (&self->cache_lock);
  g_cond_clear (&self->parsed);
  g_free (self->path);
  G_OBJECT_CLASS (cc_deployment_parent_class)->finalize (object);
}

static void
cc_deployment_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcDeployment *self = CC_DEPLOYMENT (object);
  switch (prop_id)
    {
    case PROP_PATH: g_value_set_string (value, self->path); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_deployment_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  CcDeployment *self = CC_DEPLOYMENT (object);
  switch (prop_id)
    {
    case PROP_PATH: self->path = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_deployment_class_init (CcDeploymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cc_deployment_finalize;
  object_class->get_property = cc_deployment_get_property;
  object_class->set_property = cc_deployment_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cc_deployment_init (CcDeployment *self)
{
  self->sites = g_ptr_array_new_with_free_func (g_object_unref);
  self->authorities = g_list_store_new (CC_TYPE_AUTHORITY);
  self->settings = json_object_new ();
  self->keyring = _cc_keyring_new ();
  g_mutex_init (&self->cache_lock);
  g_cond_init (&self->parsed);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->parsing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->trust = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) X509_STORE_free);
  self->signed_pairs = g_hash_table_new_full (signed_pair_hash, signed_pair_equal,
                                              (GDestroyNotify) signed_pair_free, NULL);
}

static CcDeployment *
deployment_new (const char *path)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  return g_object_new (CC_TYPE_DEPLOYMENT, "path", abs, NULL);
}

CcKeyring *
_cc_deployment_get_keyring (CcDeployment *self)
{
  return self->keyring;
}

char *
cc_deployment_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "certconsole", NULL);
}

const char *
cc_deployment_get_path (CcDeployment *self)
{
  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);
  return self->path;
}

char *
cc_deployment_dup_json_path (CcDeployment *self)
{
  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);
  return g_build_filename (self->path, "deployment.json", NULL);
}

/* ---- the certificate cache ---- */

CcCertificate *
_cc_deployment_intern_der (CcDeployment *self, GBytes *der, gboolean lazy, GError **error)
{
  g_autofree char *tp = _cc_sha256_hex (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  CcCertificate *cert;
  CcCertificate *existing;

  if (self == NULL)
    return cc_certificate_new_from_der (der, error);

  /* The loading threads meet the same roots at the same time (every server trusts them):
   * one parses, the others wait for it rather than parse the same bytes again (each parse
   * is the dearest step of a load). A failed parse lets the next one try, and fail, itself. */
  g_mutex_lock (&self->cache_lock);
  while ((cert = g_hash_table_lookup (self->cache, tp)) == NULL
         && g_hash_table_contains (self->parsing, tp))
    g_cond_wait (&self->parsed, &self->cache_lock);
  if (cert != NULL)
    {
      g_object_ref (cert);
      g_mutex_unlock (&self->cache_lock);
      return cert;
    }
  g_hash_table_add (self->parsing, g_strdup (tp));
  g_mutex_unlock (&self->cache_lock);

  /* parse outside the lock so that other threads keep going */
  cert = cc_certificate_new_from_der (der, error);
  /* nobody else sees it before it is in the cache */
  if (cert != NULL && lazy)
    _cc_certificate_release_x509 (cert);

  g_mutex_lock (&self->cache_lock);
  g_hash_table_remove (self->parsing, tp);
  g_cond_broadcast (&self->parsed);
  if (cert == NULL)
    {
      g_mutex_unlock (&self->cache_lock);
      return NULL;
    }
  existing = g_hash_table_lookup (self->cache, cc_certificate_get_thumbprint (cert));
  if (existing != NULL)
    {
      g_object_unref (cert);
      cert = g_object_ref (existing);
    }
  else
    g_hash_table_insert (self->cache, (gpointer) cc_certificate_get_thumbprint (cert),
                         g_object_ref (cert));
  g_mutex_unlock (&self->cache_lock);
  return cert;
}

CcCertificate *
_cc_deployment_intern_certificate (CcDeployment *self, CcCertificate *cert)
{
  CcCertificate *existing;

  g_mutex_lock (&self->cache_lock);
  existing = g_hash_table_lookup (self->cache, cc_certificate_get_thumbprint (cert));
  if (existing == NULL)
    g_hash_table_insert (self->cache, (gpointer) cc_certificate_get_thumbprint (cert),
                         g_object_ref (cert));
  existing = g_object_ref (existing ? existing : cert);
  g_mutex_unlock (&self->cache_lock);
  return existing;
}

CcCertificate *
_cc_deployment_lookup_certificate (CcDeployment *self, const char *thumbprint)
{
  CcCertificate *cert;

  g_mutex_lock (&self->cache_lock);
  cert = g_hash_table_lookup (self->cache, thumbprint);
  if (cert != NULL)
    g_object_ref (cert);
  g_mutex_unlock (&self->cache_lock);
  return cert;
}

static X509_STORE *
new_trust (GPtrArray *roots)
{
  X509_STORE *store = X509_STORE_new ();
  for (guint i = 0; i < roots->len; i++)
    X509_STORE_add_cert (store, _cc_certificate_get_x509 (g_ptr_array_index (roots, i)));
  return store;
}

X509_STORE *
_cc_deployment_dup_trust (CcDeployment *self, GPtrArray *roots)
{
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree char *key = NULL;
  X509_STORE *store;

  if (self == NULL)
    return new_trust (roots);
  /* the same set of roots, in any order, is one store */
  {
    g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
    for (guint i = 0; i < roots->len; i++)
      g_ptr_array_add (sorted, (gpointer) cc_certificate_get_thumbprint (g_ptr_array_index (roots, i)));
    g_ptr_array_sort (sorted, (GCompareFunc) _cc_compare_strings);
    for (guint i = 0; i < sorted->len; i++)
      g_string_append (ids, g_ptr_array_index (sorted, i));
  }
  key = _cc_sha256_hex (ids->str, ids->len);

  g_mutex_lock (&self->cache_lock);
  store = g_hash_table_lookup (self->trust, key);
  if (store == NULL)
    {
      store = new_trust (roots);
      g_hash_table_insert (self->trust, g_steal_pointer (&key), store);
    }
  X509_STORE_up_ref (store);
  g_mutex_unlock (&self->cache_lock);
  return store;
}

/* Verifying a chain, OpenSSL checks every signature in it again: with P-384 roots, the
 * issuing CA's signature by its root costs ten times the leaf's, on every leaf of every
 * server. A signature does not change: once the signature of certificate X by issuer Y is
 * verified, this deployment remembers the pair for as long as it lives, and holds both
 * objects (certificates are interned and never changed: the same object is the same bytes).
 *
 * Everything else X509_verify_cert does, it still does every time: building the chain from
 * this server's own stores, the extensions, purposes, trust, name constraints. Only the
 * step that checks signatures and validity times (OpenSSL's "verify" step) is wrapped, for
 * a chain whose top is self-issued: each pair (certificate, its issuer) must be remembered
 * or pass the same two checks OpenSSL's step makes (the issuer may sign certificates,
 * X509_check_issued; the signature verifies with its key), and every certificate must be
 * within its validity now. Then the step succeeds; on anything else OpenSSL's own step runs
 * and decides, with its own error, as always. Only for contexts with OpenSSL's default flags
 * for these matters and no verify callback of their own (ours). */
typedef struct
{
  CcDeployment *deployment;
  X509_STORE_CTX_verify_fn openssl_verify;
} RememberedVerify;

#define VERIFY_FLAGS_OF_OUR_OWN (X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_CHECK_SS_SIGNATURE \
                                 | X509_V_FLAG_USE_CHECK_TIME | X509_V_FLAG_NO_CHECK_TIME)

static gboolean
within_validity_now (X509 *x)
{
  /* as OpenSSL's check: strictly after notBefore, strictly before notAfter, and 0 (a
   * malformed time) is never within */
  return X509_cmp_time (X509_get0_notBefore (x), NULL) < 0
         && X509_cmp_time (X509_get0_notAfter (x), NULL) > 0;
}

static gboolean
is_remembered (CcDeployment *self, X509 *subject, X509 *issuer)
{
  SignedPair key = { subject, issuer };
  gboolean found;

  g_mutex_lock (&self->cache_lock);
  found = g_hash_table_contains (self->signed_pairs, &key);
  g_mutex_unlock (&self->cache_lock);
  return found;
}

static void
remember (CcDeployment *self, X509 *subject, X509 *issuer)
{
  SignedPair key = { subject, issuer };

  g_mutex_lock (&self->cache_lock);
  if (!g_hash_table_contains (self->signed_pairs, &key))
    {
      SignedPair *pair = g_new (SignedPair, 1);
      *pair = key;
      X509_up_ref (subject);
      X509_up_ref (issuer);
      g_hash_table_add (self->signed_pairs, pair);
    }
  self->n_signatures_verified++;
  g_mutex_unlock (&self->cache_lock);
}

static int
remembered_verify (X509_STORE_CTX *ctx)
{
  RememberedVerify *rv = X509_STORE_CTX_get_app_data (ctx);
  CcDeployment *self = rv->deployment;
  STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain (ctx);
  int n = sk_X509_num (chain);
  unsigned long flags = X509_VERIFY_PARAM_get_flags (X509_STORE_CTX_get0_param (ctx));
  gboolean good = n > 0 && (flags & VERIFY_FLAGS_OF_OUR_OWN) == 0;

  if (good)
    {
      X509 *top = sk_X509_value (chain, n - 1);
      good = X509_STORE_CTX_get_check_issued (ctx) (ctx, top, top) == 1;
    }
  for (int i = 0; good && i < n; i++)
    good = within_validity_now (sk_X509_value (chain, i));
  for (int i = 0; good && i < n - 1; i++)
    {
      X509 *subject = sk_X509_value (chain, i);
      X509 *issuer = sk_X509_value (chain, i + 1);
      EVP_PKEY *key;

      if (is_remembered (self, subject, issuer))
        continue;
      key = X509_get0_pubkey (issuer);
      good = key != NULL && X509_check_issued (issuer, subject) == X509_V_OK
             && X509_verify (subject, key) == 1;
      if (good)
        remember (self, subject, issuer);
    }
  if (!good)
    {
      ERR_clear_error ();
      return rv->openssl_verify (ctx);
    }
  /* where OpenSSL's step leaves them after a success */
  X509_STORE_CTX_set_current_cert (ctx, sk_X509_value (chain, 0));
  X509_STORE_CTX_set_error_depth (ctx, 0);
  return 1;
}

int
_cc_deployment_verify_cert (CcDeployment *self, X509_STORE_CTX *ctx)
{
  RememberedVerify rv = { self, X509_STORE_CTX_get_verify (ctx) };
  int ok;

  if (self == NULL || rv.openssl_verify == NULL || X509_STORE_CTX_get_app_data (ctx) != NULL)
    return X509_verify_cert (ctx);
  X509_STORE_CTX_set_app_data (ctx, &rv);
  X509_STORE_CTX_set_verify (ctx, remembered_verify);
  ok = X509_verify_cert (ctx);
  X509_STORE_CTX_set_verify (ctx, rv.openssl_verify);
  X509_STORE_CTX_set_app_data (ctx, NULL);
  return ok;
}

guint
_cc_deployment_get_n_signatures_verified (CcDeployment *self)
{
  guint n;

  g_mutex_lock (&self->cache_lock);
  n = self->n_signatures_verified;
  g_mutex_unlock (&self->cache_lock);
  return n;
}

/* ---- names ---- */

gboolean
cc_fqdn_is_valid (const char *fqdn)
{
  g_auto(GStrv) labels = NULL;
  gsize len;

  if (fqdn == NULL)
    return FALSE;
  len = strlen (fqdn);
  if (len == 0 || len > 253 || fqdn[len - 1] == '.')
    return FALSE;
  labels = g_strsplit (fqdn, ".", -1);
  for (guint i = 0; labels[i]; i++)
    {
      gsize n = strlen (labels[i]);
      if (n == 0 || n > 63 || labels[i][0] == '-' || labels[i][n - 1] == '-')
        return FALSE;
      for (gsize j = 0; j < n; j++)
        if (!g_ascii_isalnum (labels[i][j]) && labels[i][j] != '-')
          return FALSE;
    }
  return TRUE;
}

/* Bytes whose memcmp order (shorter first on a tie) is cc_natural_compare's order, for
 * sorting many rows by the same few names: the key is made once per certificate, and a
 * comparison is then one memcmp. A character becomes itself lowered and with its top bit
 * flipped (cc_natural_compare compares signed chars); a run of digits becomes the flipped
 * '0' (which compares against any other character as every digit does), the run's length
 * without its leading zeros in four big-endian bytes, and those digits. */
guint8 *
_cc_natural_key (const char *s, gsize *len)
{
  GByteArray *key = g_byte_array_sized_new (strlen (s) + 8);

  while (*s)
    {
      if (g_ascii_isdigit (*s))
        {
          const char *start;
          guint32 run;
          guint8 be[5];

          while (*s == '0' && g_ascii_isdigit (s[1]))
            s++;
          for (start = s; g_ascii_isdigit (*s); s++)
            ;
          run = (guint32) MIN ((gsize) (s - start), G_MAXUINT32);
          be[0] = (guint8) ('0' ^ 0x80);
          be[1] = run >> 24;
          be[2] = run >> 16;
          be[3] = run >> 8;
          be[4] = run;
          g_byte_array_append (key, be, 5);
          g_byte_array_append (key, (const guint8 *) start, s - start);
          continue;
        }
      {
        int c = *s;   /* as cc_natural_compare: gchar, signed here */
        guint8 b;
        c += c >= 'A' && c <= 'Z' ? 'a' - 'A' : 0;
        b = (guint8) ((guint8) (signed char) c ^ 0x80);
        g_byte_array_append (key, &b, 1);
      }
      s++;
    }
  *len = key->len;
  return g_byte_array_free (key, FALSE);
}

int
_cc_natural_key_compare (const guint8 *a, gsize a_len, const guint8 *b, gsize b_len)
{
  int r = memcmp (a, b, MIN (a_len, b_len));
  if (r != 0)
    return r < 0 ? -1 : 1;
  return (a_len > b_len) - (a_len < b_len);
}

int
cc_natural_compare (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);

  while (*a && *b)
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *sa = a, *sb = b;
          gsize la, lb;

          while (*sa == '0' && g_ascii_isdigit (sa[1]))
            sa++;
          while (*sb == '0' && g_ascii_isdigit (sb[1]))
            sb++;
          for (a = sa; g_ascii_isdigit (*a); a++)
            ;
          for (b = sb; g_ascii_isdigit (*b); b++)
            ;
          la = a - sa;
          lb = b - sb;
          if (la != lb)
            return la < lb ? -1 : 1;
          {
            int r = strncmp (sa, sb, la);
            if (r != 0)
              return r < 0 ? -1 : 1;
          }
          continue;
        }
      {
        /* inline: every store load sorts with this, a function call per character showed */
        int ca = *a, cb = *b;   /* as g_ascii_tolower did: gchar, signed here */
        ca += ca >= 'A' && ca <= 'Z' ? 'a' - 'A' : 0;
        cb += cb >= 'A' && cb <= 'Z' ? 'a' - 'A' : 0;
        if (ca != cb)
          return ca < cb ? -1 : 1;
      }
      a++;
      b++;
    }
  return (*a != 0) - (*b != 0);
}

static gboolean
site_name_is_valid (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 128 || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p; p++)
    if ((guchar) *p < 0x20)
      return FALSE;
  return TRUE;
}

/* ---- look-ups ---- */

CcSite *
cc_deployment_find_site (CcDeployment *self, const char *name)
{
  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);
  for (guint i = 0; name && i < self->sites->len; i++)
    {
      CcSite *site = g_ptr_array_index (self->sites, i);
      if (g_utf8_collate (cc_site_get_name (site), name) == 0)
        return site;
    }
  return NULL;
}

CcPool *
cc_deployment_find_pool (CcDeployment *self, const char *fqdn)
{
  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);
  for (guint i = 0; fqdn && i < self->sites->len; i++)
    {
      GListModel *site = g_ptr_array_index (self->sites, i);
      guint n = g_list_model_get_n_items (site);
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(CcPool) pool = g_list_model_get_item (site, j);
          if (g_ascii_strcasecmp (cc_pool_get_fqdn (pool), fqdn) == 0)
            return pool;
        }
    }
  return NULL;
}

CcServer *
cc_deployment_find_server (CcDeployment *self, const char *fqdn)
{
  g_autoptr(GPtrArray) servers = NULL;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);
  if (fqdn == NULL)
    return NULL;
  servers = cc_deployment_list_servers (self);
  for (guint i = 0; i < servers->len; i++)
    if (g_ascii_strcasecmp (cc_server_get_fqdn (g_ptr_array_index (servers, i)), fqdn) == 0)
      return g_ptr_array_index (servers, i);
  return NULL;
}

CcSite *
cc_deployment_get_site (CcDeployment *self, const char *name, GError **error)
{
  CcSite *site = cc_deployment_find_site (self, name);
  if (site == NULL)
    g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                 _("There is no site “%s” in the deployment %s; list the sites with `certctl list sites`"),
                 name, self->path);
  return site;
}

CcPool *
cc_deployment_get_pool (CcDeployment *self, const char *fqdn, GError **error)
{
  CcPool *pool = cc_deployment_find_pool (self, fqdn);
  if (pool == NULL)
    g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                 _("There is no pool %s in the deployment %s; list the pools with `certctl list pools`"),
                 fqdn, self->path);
  return pool;
}

CcServer *
cc_deployment_get_server (CcDeployment *self, const char *fqdn, GError **error)
{
  CcServer *server = cc_deployment_find_server (self, fqdn);
  if (server == NULL)
    g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                 _("There is no server %s in the deployment %s; list the servers with `certctl list servers`"),
                 fqdn, self->path);
  return server;
}

GPtrArray *
cc_deployment_list_pools (CcDeployment *self)
{
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), out);
  for (guint i = 0; i < self->sites->len; i++)
    {
      GListModel *site = g_ptr_array_index (self->sites, i);
      guint n = g_list_model_get_n_items (site);
      for (guint j = 0; j < n; j++)
        {
          CcPool *pool = g_list_model_get_item (site, j);
          g_ptr_array_add (out, pool);
          g_object_unref (pool);   /* the site keeps it alive */
        }
    }
  return out;
}

GPtrArray *
cc_deployment_list_servers (CcDeployment *self)
{
  g_autoptr(GPtrArray) pools = cc_deployment_list_pools (self);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < pools->len; i++)
    {
      GListModel *pool = g_ptr_array_index (pools, i);
      guint n = g_list_model_get_n_items (pool);
      for (guint j = 0; j < n; j++)
        {
          CcServer *server = g_list_model_get_item (pool, j);
          g_ptr_array_add (out, server);
          g_object_unref (server);
        }
    }
  return out;
}

GListModel *
cc_deployment_get_authorities (CcDeployment *self)
{
  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);
  return G_LIST_MODEL (self->authorities);
}

CcAuthority *
cc_deployment_find_authority (CcDeployment *self, const char *name)
{
  guint n;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->authorities));
  for (guint i = 0; name && i < n; i++)
    {
      g_autoptr(CcAuthority) ca = g_list_model_get_item (G_LIST_MODEL (self->authorities), i);
      if (g_utf8_collate (cc_authority_get_name (ca), name) == 0)
        return ca;
    }
  return NULL;
}

/* ---- deployment.json: reading ---- */

typedef struct
{
  const char *file;
  GError **error;
} Reader;

static gboolean G_GNUC_PRINTF (2, 3)
fail (Reader *r, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (r->error, CC_ERROR, CC_ERROR_INVALID,
               _("%s: %s; correct the file by hand or restore it from a backup"), r->file, msg);
  return FALSE;
}

static JsonObject *
member_object (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (Reader *r, JsonObject *obj, const char *name, const char *where, gboolean *ok)
{
  JsonNode *node = json_object_get_member (obj, name);
  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *ok = fail (r, _("“%s” of %s must be a list"), name, where);
      return NULL;
    }
  return json_node_get_array (node);
}

static const char *
member_string (Reader *r, JsonObject *obj, const char *name, const char *where, gboolean required)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        fail (r, _("%s has no “%s”"), where, name);
      return NULL;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      fail (r, _("“%s” of %s must be a string"), name, where);
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
read_server (Reader *r, CcDeployment *self, CcPool *pool, JsonObject *obj, GHashTable *seen)
{
  const char *fqdn = member_string (r, obj, "fqdn", _("a server"), TRUE);
  const char *role_id;
  g_autofree char *where = NULL;
  g_autoptr(CcServer) server = NULL;
  JsonNode *ifaces_node;
  JsonObject *hosts, *assignments;
  CcRole role;

  if (fqdn == NULL)
    return FALSE;
  where = g_strdup_printf (_("server “%s”"), fqdn);
  if (!cc_fqdn_is_valid (fqdn))
    return fail (r, _("“%s” is not a valid host name for a server"), fqdn);
  {
    g_autofree char *lower = g_ascii_strdown (fqdn, -1);
    if (g_hash_table_contains (seen, lower))
      return fail (r, _("the server %s is listed twice"), fqdn);
  }
  role_id = member_string (r, obj, "role", where, TRUE);
  if (role_id == NULL)
    return FALSE;
  if (!cc_role_from_id (role_id, &role))
    {
      g_autofree char *ids = cc_role_list_ids ();
      return fail (r, _("%s has the unknown role “%s” (roles: %s)"), where, role_id, ids);
    }

  server = _cc_server_new (pool, fqdn, role);
  g_hash_table_add (seen, g_strdup (cc_server_get_fqdn (server)));

  ifaces_node = json_object_get_member (obj, "interfaces");
  if (ifaces_node != NULL && !JSON_NODE_HOLDS_NULL (ifaces_node))
    {
      g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (CcInterface));
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (ifaces_node))
        return fail (r, _("“interfaces” of %s must be a list"), where);
      array = json_node_get_array (ifaces_node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *id = json_array_get_string_element (array, i);
          CcInterface iface;

          if (!cc_interface_from_id (id, &iface))
            return fail (r, _("%s has the unknown interface “%s”"), where, id ? id : "");
          g_array_append_val (list, iface);
        }
      _cc_server_set_interfaces (server, list);
    }

  hosts = member_object (obj, "hosts");
  if (hosts != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (hosts);
      for (GList *l = names; l; l = l->next)
        {
          const char *host = member_string (r, hosts, l->data, where, TRUE);
          CcInterface iface;

          if (host == NULL)
            return FALSE;
          if (!cc_interface_from_id (l->data, &iface))
            return fail (r, _("%s has a host name for the unknown interface “%s”"), where,
                         (char *) l->data);
          if (!cc_fqdn_is_valid (host))
            return fail (r, _("%s: “%s” is not a valid host name"), where, host);
          _cc_server_set_interface_host (server, iface, host);
        }
    }

  assignments = member_object (obj, "assignments");
  if (assignments != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (assignments);
      for (GList *l = names; l; l = l->next)
        {
          CcInterface iface;
          JsonObject *a = member_object (assignments, l->data);
          const char *tp;

          if (!cc_interface_from_id (l->data, &iface))
            return fail (r, _("%s has an assignment for the unknown interface “%s”"), where,
                         (char *) l->data);
          if (a == NULL)
            return fail (r, _("the assignment “%s” of %s must be an object"), (char *) l->data,
                         where);
          tp = member_string (r, a, "thumbprint", where, TRUE);
          if (tp == NULL)
            return FALSE;
          if (!_cc_is_thumbprint (tp))
            return fail (r, _("%s: “%s” is not a SHA-256 thumbprint (64 lower-case hex digits)"),
                         where, tp);
          cc_server_set_assignment (server, iface, tp,
                                    json_object_get_boolean_member_with_default (a, "forced", FALSE));
        }
    }

  _cc_pool_add_server (pool, server);
  return TRUE;
}

static gboolean
read_pool (Reader *r, CcDeployment *self, CcSite *site, JsonObject *obj, GHashTable *seen_pools,
           GHashTable *seen_servers)
{
  const char *fqdn = member_string (r, obj, "fqdn", _("a pool"), TRUE);
  g_autofree char *where = NULL;
  g_autoptr(CcPool) pool = NULL;
  g_autoptr(GStrvBuilder) domains = g_strv_builder_new ();
  g_auto(GStrv) domain_list = NULL;
  JsonArray *servers, *sip;
  gboolean ok;

  if (fqdn == NULL)
    return FALSE;
  where = g_strdup_printf (_("pool “%s”"), fqdn);
  if (!cc_fqdn_is_valid (fqdn))
    return fail (r, _("“%s” is not a valid host name for a pool"), fqdn);
  {
    g_autofree char *lower = g_ascii_strdown (fqdn, -1);
    if (g_hash_table_contains (seen_pools, lower))
      return fail (r, _("the pool %s is listed twice"), fqdn);
  }

  pool = _cc_pool_new (site, fqdn, json_object_get_boolean_member_with_default (obj, "load_balancer",
                                                                                  FALSE));
  g_hash_table_add (seen_pools, g_strdup (cc_pool_get_fqdn (pool)));

  sip = member_array (r, obj, "sip_domains", where, &ok);
  if (!ok)
    return FALSE;
  for (guint i = 0; sip && i < json_array_get_length (sip); i++)
    {
      const char *d = json_array_get_string_element (sip, i);
      if (d == NULL || !cc_fqdn_is_valid (d))
        return fail (r, _("%s: a SIP domain must be a domain name"), where);
      g_strv_builder_add (domains, d);
    }
  domain_list = g_strv_builder_end (domains);
  cc_pool_set_sip_domains (pool, (const char * const *) domain_list);

  servers = member_array (r, obj, "servers", where, &ok);
  if (!ok)
    return FALSE;
  for (guint i = 0; servers && i < json_array_get_length (servers); i++)
    {
      JsonNode *node = json_array_get_element (servers, i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (r, _("the servers of %s must be objects"), where);
      if (!read_server (r, self, pool, json_node_get_object (node), seen_servers))
        return FALSE;
    }
  _cc_site_add_pool (site, pool);
  return TRUE;
}

static gboolean
read_document (CcDeployment *self, JsonNode *root, const char *file, GError **error)
{
  Reader r = { file, error };
  g_autoptr(GHashTable) seen_pools = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) seen_servers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *obj;
  JsonArray *sites, *cas;
  JsonObject *settings;
  gint64 format;
  gboolean ok;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (&r, _("the document must be a JSON object"));
  obj = json_node_get_object (root);
  format = json_object_get_int_member_with_default (obj, "format", DEPLOYMENT_FORMAT);
  if (format != DEPLOYMENT_FORMAT)
    return fail (&r, _("format %" G_GINT64_FORMAT " is not known to this version of Certificate Console"),
                 format);

  sites = member_array (&r, obj, "sites", _("the deployment"), &ok);
  if (!ok)
    return FALSE;
  for (guint i = 0; sites && i < json_array_get_length (sites); i++)
    {
      JsonNode *node = json_array_get_element (sites, i);
      JsonObject *site_obj;
      const char *name;
      g_autoptr(CcSite) site = NULL;
      JsonArray *pools;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (&r, _("the sites must be objects"));
      site_obj = json_node_get_object (node);
      name = member_string (&r, site_obj, "name", _("a site"), TRUE);
      if (name == NULL)
        return FALSE;
      if (!site_name_is_valid (name))
        return fail (&r, _("“%s” is not a valid site name"), name);
      if (cc_deployment_find_site (self, name) != NULL)
        return fail (&r, _("the site “%s” is listed twice"), name);
      site = _cc_site_new (self, name);
      g_ptr_array_add (self->sites, g_object_ref (site));

      pools = member_array (&r, site_obj, "pools", name, &ok);
      if (!ok)
        return FALSE;
      for (guint j = 0; pools && j < json_array_get_length (pools); j++)
        {
          JsonNode *pnode = json_array_get_element (pools, j);
          if (!JSON_NODE_HOLDS_OBJECT (pnode))
            return fail (&r, _("the pools of site “%s” must be objects"), name);
          if (!read_pool (&r, self, site, json_node_get_object (pnode), seen_pools, seen_servers))
            return FALSE;
        }
    }

  cas = member_array (&r, obj, "authorities", _("the deployment"), &ok);
  if (!ok)
    return FALSE;
  for (guint i = 0; cas && i < json_array_get_length (cas); i++)
    {
      JsonNode *node = json_array_get_element (cas, i);
      JsonObject *ca_obj;
      const char *name, *kind_id;
      CcAuthorityKind kind;
      g_autoptr(CcAuthority) ca = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (&r, _("the authorities must be objects"));
      ca_obj = json_node_get_object (node);
      name = member_string (&r, ca_obj, "name", _("a certification authority"), TRUE);
      if (name == NULL)
        return FALSE;
      kind_id = member_string (&r, ca_obj, "kind", name, TRUE);
      if (kind_id == NULL)
        return FALSE;
      if (!cc_authority_kind_from_id (kind_id, &kind))
        return fail (&r, _("the certification authority “%s” has the unknown kind “%s” (lab, offline, online)"),
                     name, kind_id);
      ca = cc_authority_new (name, kind);
      cc_authority_set_thumbprints (ca, member_string (&r, ca_obj, "root", name, FALSE),
                                    member_string (&r, ca_obj, "issuing", name, FALSE));
      cc_authority_set_url (ca, member_string (&r, ca_obj, "url", name, FALSE));
      g_list_store_append (self->authorities, ca);
    }

  settings = member_object (obj, "settings");
  if (settings != NULL)
    {
      json_object_unref (self->settings);
      self->settings = json_object_ref (settings);
    }

  {
    g_autofree char *problem = NULL;
    if (!_cc_keyring_load (self->keyring, member_object (obj, "passphrase"),
                           member_object (obj, "passphrase_change"), &problem))
      return fail (&r, "%s", problem);
  }
  return TRUE;
}

static gboolean parse_json (CcDeployment *self, const char *file, const char *data, gsize len,
                            GError **error);

static gboolean
load_json (CcDeployment *self, GError **error)
{
  g_autofree char *file = cc_deployment_dup_json_path (self);
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_A_DEPLOYMENT,
                   _("%s holds no deployment (deployment.json is missing); create one with `certctl --deployment %s init`"),
                   self->path, self->path);
      return FALSE;
    }
  if (!_cc_read_file (file, &data, &len, error))
    return FALSE;
  return parse_json (self, file, data, len, error);
}

/* Where the first top-level object or array of text ends, or len when it does not: json-glib
 * (1.6) accepts text holding several documents, keeps the last and leaks the others. */
static gsize
first_document_end (const char *text, gsize len)
{
  gsize i = 0;
  int depth = 0;
  gboolean in_string = FALSE;

  while (i < len && g_ascii_isspace (text[i]))
    i++;
  if (i >= len || (text[i] != '{' && text[i] != '['))
    return len;
  for (; i < len; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        return i + 1;
    }
  return len;
}

static gboolean
parse_json (CcDeployment *self, const char *file, const char *data, gsize len, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  gsize end = first_document_end (data, len);

  for (gsize i = end; i < len; i++)
    if (!g_ascii_isspace (data[i]) && data[i] != '\0')
      {
        g_set_error (error, CC_ERROR, CC_ERROR_PARSE,
                     _("%s holds more than one JSON document (something follows the first one); "
                       "it was not changed: correct it by hand or restore it from a backup"),
                     file);
        return FALSE;
      }
  if (!json_parser_load_from_data (parser, data, len, &local))
    {
      /* json-glib says "<data>:LINE:COLUMN: Parse error: ..."; name the real file instead */
      const char *msg = local->message;
      if (g_str_has_prefix (msg, "<data>"))
        msg += strlen ("<data>");
      else if (msg[0] != ':')
        {
          g_set_error (error, CC_ERROR, CC_ERROR_PARSE,
                       _("%s: %s; it was not changed: correct it by hand or restore it from a backup"),
                       file, msg);
          return FALSE;
        }
      g_set_error (error, CC_ERROR, CC_ERROR_PARSE,
                   _("%s%s; it was not changed: correct it by hand or restore it from a backup"),
                   file, msg);
      return FALSE;
    }
  return read_document (self, json_parser_get_root (parser), file, error);
}

CcDeployment *
cc_deployment_open (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr(CcDeployment) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  /* a change whose writer was killed is taken back before anything is read */
  _cc_journal_recover (path);
  self = deployment_new (path);
  if (!load_json (self, error)
      || !_cc_deployment_finish_passphrase_change (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

CcDeployment *
_cc_deployment_new_from_data (const char *path, const char *data, gsize len, GError **error)
{
  g_autoptr(CcDeployment) self = deployment_new (path);
  g_autofree char *file = cc_deployment_dup_json_path (self);

  if (!parse_json (self, file, data, len, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  CcDeployment *self;

  _cc_thread_set_background ();
  self = cc_deployment_open (task_data, cancellable, &error);

  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
  /* this pool thread may end while the process exits: see many_job_run in cc-store.c */
  OPENSSL_thread_stop ();
}

void
cc_deployment_open_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cc_deployment_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

CcDeployment *
cc_deployment_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- deployment.json: writing ---- */

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
write_server (JsonBuilder *b, CcServer *server)
{
  g_autoptr(GArray) ifaces = cc_server_dup_interfaces (server);
  gboolean has_hosts = FALSE;

  json_builder_begin_object (b);
  add_string (b, "fqdn", cc_server_get_fqdn (server));
  add_string (b, "role", cc_role_to_id (cc_server_get_role (server)));

  json_builder_set_member_name (b, "interfaces");
  json_builder_begin_array (b);
  for (guint i = 0; i < ifaces->len; i++)
    json_builder_add_string_value (b, cc_interface_to_id (g_array_index (ifaces, CcInterface, i)));
  json_builder_end_array (b);

  for (guint i = 0; i < ifaces->len; i++)
    {
      CcInterface iface = g_array_index (ifaces, CcInterface, i);
      const char *host = cc_server_get_interface_host (server, iface);

      if (host == NULL)
        continue;
      if (!has_hosts)
        {
          json_builder_set_member_name (b, "hosts");
          json_builder_begin_object (b);
          has_hosts = TRUE;
        }
      add_string (b, cc_interface_to_id (iface), host);
    }
  if (has_hosts)
    json_builder_end_object (b);

  json_builder_set_member_name (b, "assignments");
  json_builder_begin_object (b);
  for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
    {
      const char *tp = cc_server_get_assignment (server, iface);
      if (tp == NULL)
        continue;
      json_builder_set_member_name (b, cc_interface_to_id (iface));
      json_builder_begin_object (b);
      add_string (b, "thumbprint", tp);
      if (cc_server_get_assignment_forced (server, iface))
        {
          json_builder_set_member_name (b, "forced");
          json_builder_add_boolean_value (b, TRUE);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
write_pool (JsonBuilder *b, CcPool *pool)
{
  const char * const *domains = cc_pool_get_sip_domains (pool);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pool));

  json_builder_begin_object (b);
  add_string (b, "fqdn", cc_pool_get_fqdn (pool));
  json_builder_set_member_name (b, "load_balancer");
  json_builder_add_boolean_value (b, cc_pool_get_load_balancer (pool));
  if (domains[0] != NULL)
    {
      json_builder_set_member_name (b, "sip_domains");
      json_builder_begin_array (b);
      for (guint i = 0; domains[i]; i++)
        json_builder_add_string_value (b, domains[i]);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "servers");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), i);
      write_server (b, server);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static char *
to_json (CcDeployment *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) settings = json_node_init_object (json_node_alloc (), self->settings);
  guint n_cas = g_list_model_get_n_items (G_LIST_MODEL (self->authorities));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, DEPLOYMENT_FORMAT);

  json_builder_set_member_name (b, "sites");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->sites->len; i++)
    {
      GListModel *site = g_ptr_array_index (self->sites, i);
      guint n = g_list_model_get_n_items (site);

      json_builder_begin_object (b);
      add_string (b, "name", cc_site_get_name (CC_SITE (site)));
      json_builder_set_member_name (b, "pools");
      json_builder_begin_array (b);
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(CcPool) pool = g_list_model_get_item (site, j);
          write_pool (b, pool);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "authorities");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_cas; i++)
    {
      g_autoptr(CcAuthority) ca = g_list_model_get_item (G_LIST_MODEL (self->authorities), i);
      json_builder_begin_object (b);
      add_string (b, "name", cc_authority_get_name (ca));
      add_string (b, "kind", cc_authority_kind_to_id (cc_authority_get_kind (ca)));
      if (cc_authority_get_root_thumbprint (ca))
        add_string (b, "root", cc_authority_get_root_thumbprint (ca));
      if (cc_authority_get_issuing_thumbprint (ca))
        add_string (b, "issuing", cc_authority_get_issuing_thumbprint (ca));
      if (cc_authority_get_url (ca))
        add_string (b, "url", cc_authority_get_url (ca));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "settings");
  json_builder_add_value (b, json_node_ref (settings));
  _cc_keyring_write_json (self->keyring, b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  {
    g_autofree char *text = json_generator_to_data (gen, NULL);
    return g_strconcat (text, "\n", NULL);
  }
}

gboolean
cc_deployment_save (CcDeployment *self, GError **error)
{
  g_autofree char *file = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);

  file = cc_deployment_dup_json_path (self);
  text = to_json (self);
  if (!_cc_mkdir (self->path, 0700, error))
    return FALSE;
  return _cc_write_file_atomic (file, text, strlen (text), 0644, error);
}

/* ---- creating ---- */

static gboolean
dir_is_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  return dir == NULL || g_dir_read_name (dir) == NULL;
}

CcDeployment *
cc_deployment_create (const char    *path,
                      gboolean       demo,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *json = g_build_filename (abs, "deployment.json", NULL);
  g_autofree char *parent = g_path_get_dirname (abs);
  g_autofree char *base = g_path_get_basename (abs);
  g_autofree char *work = NULL;
  g_autoptr(CcDeployment) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_file_test (json, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("%s already holds a deployment; open it, or choose an empty folder"), abs);
      return NULL;
    }
  if (!_cc_mkdir (parent, 0755, error))
    return NULL;

  /* Build in a sibling folder and rename it into place, so that an interrupted creation
   * never leaves a half-made deployment at PATH. A folder that already has other files is
   * filled in place instead, with deployment.json written last. */
  if (dir_is_empty (abs))
    {
      work = g_strdup_printf ("%s/.%s.creating-XXXXXX", parent, base);
      if (g_mkdtemp_full (work, 0700) == NULL)
        {
          int saved = errno;
          g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot create a folder beside %s: %s"),
                       abs, g_strerror (saved));
          return NULL;
        }
      self = deployment_new (work);
    }
  else
    self = deployment_new (abs);

  if (demo && !_cc_demo_populate (self, cancellable, error))
    goto fail;
  if (!cc_deployment_save (self, error))
    goto fail;
  cc_deployment_audit (self, demo ? "init-demo" : "init", NULL, NULL, NULL);

  if (work != NULL)
    {
      g_clear_object (&self);
      g_rmdir (abs);   /* the empty folder that was there, if any */
      if (g_rename (work, abs) != 0)
        {
          int saved = errno;
          g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot create the deployment %s: %s"),
                       abs, g_strerror (saved));
          _cc_rmrf (work, NULL);
          return NULL;
        }
      _cc_fsync_dir (parent);
      return cc_deployment_open (abs, cancellable, error);
    }
  return g_steal_pointer (&self);

fail:
  if (work != NULL)
    _cc_rmrf (work, NULL);
  return NULL;
}

typedef struct
{
  char *path;
  gboolean demo;
  gboolean open_existing;
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
create_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CreateData *data = task_data;
  GError *error = NULL;
  CcDeployment *self = NULL;

  if (data->open_existing)
    {
      g_autofree char *json = g_build_filename (data->path, "deployment.json", NULL);
      if (g_file_test (json, G_FILE_TEST_EXISTS))
        self = cc_deployment_open (data->path, cancellable, &error);
      else
        self = cc_deployment_create (data->path, TRUE, cancellable, &error);
    }
  else
    self = cc_deployment_create (data->path, data->demo, cancellable, &error);

  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
  /* this pool thread may end while the process exits: see many_job_run in cc-store.c */
  OPENSSL_thread_stop ();
}

static void
create_async (const char *path, gboolean demo, gboolean open_existing, gpointer tag,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  CreateData *data = g_new0 (CreateData, 1);

  data->path = g_strdup (path);
  data->demo = demo;
  data->open_existing = open_existing;
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);
  g_task_run_in_thread (task, create_thread);
}

void
cc_deployment_create_async (const char          *path,
                            gboolean             demo,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  create_async (path, demo, FALSE, cc_deployment_create_async, cancellable, callback, user_data);
}

CcDeployment *
cc_deployment_create_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cc_deployment_open_or_create_demo_async (const char          *path,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  create_async (path, TRUE, TRUE, cc_deployment_open_or_create_demo_async, cancellable, callback,
                user_data);
}

CcDeployment *
cc_deployment_open_or_create_demo_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- topology edits ---- */

void
_cc_deployment_add_site_internal (CcDeployment *self, CcSite *site)
{
  g_ptr_array_add (self->sites, g_object_ref (site));
  g_list_model_items_changed (G_LIST_MODEL (self), self->sites->len - 1, 0, 1);
}

static gboolean
save_or_fail (CcDeployment *self, GError **error)
{
  if (!cc_deployment_save (self, error))
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

CcSite *
cc_deployment_add_site (CcDeployment *self, const char *name, GError **error)
{
  g_autoptr(CcSite) site = NULL;
  guint pos;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);

  if (!site_name_is_valid (name))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("“%s” is not a valid site name; use up to 128 printable characters"),
                   name ? name : "");
      return NULL;
    }
  if (cc_deployment_find_site (self, name) != NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("The deployment %s already has a site “%s”; choose another name"),
                   self->path, name);
      return NULL;
    }
  site = _cc_site_new (self, name);
  pos = self->sites->len;
  g_ptr_array_add (self->sites, g_object_ref (site));
  if (!save_or_fail (self, error))
    {
      g_ptr_array_remove_index (self->sites, pos);
      return NULL;
    }
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
  cc_deployment_audit (self, "site-add", NULL, NULL, name);
  return site;
}

static gboolean
check_fqdn_free (CcDeployment *self, const char *fqdn, const char *what, GError **error)
{
  if (!cc_fqdn_is_valid (fqdn))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("“%s” is not a valid host name for a %s; use letters, digits, hyphens and dots (e.g. edge01.contoso.com)"),
                   fqdn ? fqdn : "", what);
      return FALSE;
    }
  return TRUE;
}

CcPool *
cc_deployment_add_pool (CcDeployment *self,
                        const char   *site_name,
                        const char   *fqdn,
                        gboolean      load_balancer,
                        GError      **error)
{
  g_autoptr(CcPool) pool = NULL;
  CcSite *site;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);

  site = cc_deployment_get_site (self, site_name, error);
  if (site == NULL || !check_fqdn_free (self, fqdn, _("pool"), error))
    return NULL;
  if (cc_deployment_find_pool (self, fqdn) != NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("The deployment %s already has a pool %s"), self->path, fqdn);
      return NULL;
    }
  pool = _cc_pool_new (site, fqdn, load_balancer);
  _cc_site_add_pool (site, pool);
  if (!save_or_fail (self, error))
    {
      _cc_site_remove_pool (site, pool);
      return NULL;
    }
  cc_deployment_audit (self, "pool-add", NULL, NULL, cc_pool_get_fqdn (pool));
  return pool;
}

CcServer *
cc_deployment_add_server (CcDeployment *self,
                          const char   *pool_fqdn,
                          const char   *fqdn,
                          CcRole        role,
                          GError      **error)
{
  g_autoptr(CcServer) server = NULL;
  CcPool *pool;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), NULL);
  g_return_val_if_fail (role < CC_N_ROLES, NULL);

  pool = cc_deployment_get_pool (self, pool_fqdn, error);
  if (pool == NULL || !check_fqdn_free (self, fqdn, _("server"), error))
    return NULL;
  if (cc_deployment_find_server (self, fqdn) != NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("The deployment %s already has a server %s"), self->path, fqdn);
      return NULL;
    }
  server = _cc_server_new (pool, fqdn, role);
  _cc_pool_add_server (pool, server);
  if (!save_or_fail (self, error))
    {
      _cc_pool_remove_server (pool, server);
      return NULL;
    }
  cc_deployment_audit (self, "server-add", cc_server_get_fqdn (server), NULL,
                       cc_role_to_id (role));
  return server;
}

static gboolean
check_server_empty (CcServer *server, gboolean force, GError **error)
{
  guint n;

  if (force)
    return TRUE;
  n = cc_server_count_certificates (server);
  if (n == 0)
    return TRUE;
  g_set_error (error, CC_ERROR, CC_ERROR_NOT_EMPTY,
               g_dngettext (GETTEXT_PACKAGE,
                            "The server %s still holds %u certificate or request; remove it first, or use --force to delete it with the server",
                            "The server %s still holds %u certificates or requests; remove them first, or use --force to delete them with the server",
                            n),
               cc_server_get_fqdn (server), n);
  return FALSE;
}

static void
delete_server_files (CcDeployment *self, CcServer *server)
{
  g_autoptr(GError) error = NULL;
  if (!_cc_rmrf (cc_server_get_path (server), &error))
    g_debug ("%s", error->message);
}

gboolean
cc_deployment_remove_server (CcDeployment *self, const char *fqdn, gboolean force, GError **error)
{
  g_autoptr(CcServer) server = NULL;
  CcPool *pool;
  CcServer *found;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);

  found = cc_deployment_get_server (self, fqdn, error);
  if (found == NULL || !check_server_empty (found, force, error))
    return FALSE;
  server = g_object_ref (found);
  pool = cc_server_get_pool (server);
  _cc_pool_remove_server (pool, server);
  if (!save_or_fail (self, error))
    {
      _cc_server_set_pool (server, pool);
      _cc_pool_add_server (pool, server);
      return FALSE;
    }
  /* deployment.json no longer names it: its folder can go */
  delete_server_files (self, server);
  cc_deployment_audit (self, force ? "server-remove-force" : "server-remove",
                       cc_server_get_fqdn (server), NULL, NULL);
  return TRUE;
}

static gboolean
check_pool_empty (CcPool *pool, gboolean force, GError **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pool));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), i);
      if (!check_server_empty (server, force, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cc_deployment_remove_pool (CcDeployment *self, const char *fqdn, gboolean force, GError **error)
{
  g_autoptr(CcPool) pool = NULL;
  CcPool *found;
  CcSite *site;
  guint n;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);

  found = cc_deployment_get_pool (self, fqdn, error);
  if (found == NULL || !check_pool_empty (found, force, error))
    return FALSE;
  pool = g_object_ref (found);
  site = cc_pool_get_site (pool);
  _cc_site_remove_pool (site, pool);
  if (!save_or_fail (self, error))
    {
      _cc_site_add_pool (site, pool);
      return FALSE;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (pool));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), i);
      delete_server_files (self, server);
    }
  cc_deployment_audit (self, "pool-remove", NULL, NULL, cc_pool_get_fqdn (pool));
  return TRUE;
}

gboolean
cc_deployment_remove_site (CcDeployment *self, const char *name, gboolean force, GError **error)
{
  g_autoptr(CcSite) site = NULL;
  CcSite *found;
  guint pos, n;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);

  found = cc_deployment_get_site (self, name, error);
  if (found == NULL)
    return FALSE;
  n = g_list_model_get_n_items (G_LIST_MODEL (found));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcPool) pool = g_list_model_get_item (G_LIST_MODEL (found), i);
      if (!check_pool_empty (pool, force, error))
        return FALSE;
    }
  site = g_object_ref (found);
  g_ptr_array_find (self->sites, site, &pos);
  g_ptr_array_remove_index (self->sites, pos);
  if (!save_or_fail (self, error))
    {
      g_ptr_array_insert (self->sites, pos, g_object_ref (site));
      return FALSE;
    }
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcPool) pool = g_list_model_get_item (G_LIST_MODEL (site), i);
      guint m = g_list_model_get_n_items (G_LIST_MODEL (pool));
      for (guint j = 0; j < m; j++)
        {
          g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), j);
          delete_server_files (self, server);
        }
    }
  cc_deployment_audit (self, "site-remove", NULL, NULL, name);
  return TRUE;
}

gboolean
cc_deployment_add_authority (CcDeployment *self, CcAuthority *authority, GError **error)
{
  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);

  if (cc_deployment_find_authority (self, cc_authority_get_name (authority)) != NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("The deployment %s already knows a certification authority “%s”"),
                   self->path, cc_authority_get_name (authority));
      return FALSE;
    }
  g_list_store_append (self->authorities, authority);
  if (!save_or_fail (self, error))
    {
      guint pos;
      if (g_list_store_find (self->authorities, authority, &pos))
        g_list_store_remove (self->authorities, pos);
      return FALSE;
    }
  return TRUE;
}

/* ---- audit log ---- */

static void
append_field (GString *line, const char *value)
{
  g_string_append_c (line, '\t');
  if (value == NULL || *value == '\0')
    {
      g_string_append_c (line, '-');
      return;
    }
  for (const char *p = value; *p; p++)
    g_string_append_c (line, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
}

void
cc_deployment_audit (CcDeployment *self,
                     const char   *operation,
                     const char   *server,
                     const char   *thumbprint,
                     const char   *detail)
{
  g_autofree char *file = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = cc_format_iso8601 (now);
  g_autoptr(GString) line = g_string_new (when);
  int fd;

  g_return_if_fail (CC_IS_DEPLOYMENT (self));

  append_field (line, operation);
  append_field (line, server);
  append_field (line, thumbprint);
  append_field (line, detail);
  g_string_append_c (line, '\n');

  file = g_build_filename (self->path, "audit.log", NULL);
  _cc_journal_will_append (file);
  fd = g_open (file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  /* one write of one line with O_APPEND: lines of two writers never interleave */
  if (write (fd, line->str, line->len) < 0)
    g_debug ("audit.log: %s", g_strerror (errno));
  close (fd);
}

/* ---- workflows off the caller's thread ---- */

typedef enum
{
  RUN_READ,       /* reads; the caller's copy refreshes after it */
  RUN_READ_ONLY,  /* changes nothing on disk: no refresh (a big deployment.json would hold
                   * up the caller's main loop) */
  RUN_WRITE,      /* a change, under the deployment's lock; refresh after it */
} RunMode;

typedef struct
{
  char *path;
  CcWorkFunc func;
  gpointer data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
  RunMode mode;
} RunData;

static void
run_data_free (RunData *run)
{
  if (run->data_free != NULL)
    run->data_free (run->data);
  g_free (run->path);
  g_free (run);
}

static void
run_thread_body (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable);

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  _cc_thread_set_background ();
  run_thread_body (task, source, task_data, cancellable);
}

static void
run_thread_body (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RunData *run = task_data;
  GError *error = NULL;
  /* a writer takes the lock before it reads the deployment, so that it sees every change
   * made before its own */
  g_autoptr(CcLock) lock = run->mode == RUN_WRITE ? cc_lock_acquire (run->path, &error) : NULL;
  g_autoptr(CcDeployment) worker = error == NULL ? cc_deployment_open (run->path, cancellable,
                                                                       &error) : NULL;
  gpointer result = NULL;

  if (worker != NULL)
    {
      /* the copy works with the keys the session unlocked */
      _cc_keyring_share (worker->keyring, CC_DEPLOYMENT (source)->keyring);
      result = run->func (worker, run->data, cancellable, &error);
    }
  if (result == NULL && error == NULL)
    g_set_error_literal (&error, CC_ERROR, CC_ERROR_FAILED, _("The operation gave no result"));
  /* a change that failed is taken back whole */
  if (error != NULL)
    cc_lock_abort (g_steal_pointer (&lock));
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, run->result_free);
  /* this pool thread may end while the process exits: see many_job_run in cc-store.c */
  OPENSSL_thread_stop ();
}

static void
run_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) outer = user_data;
  CcDeployment *self = CC_DEPLOYMENT (source);
  RunData *run = g_task_get_task_data (G_TASK (res));
  GError *error = NULL;
  gpointer result = g_task_propagate_pointer (G_TASK (res), &error);

  /* whatever the worker managed to change is on disk: show it, success or not */
  if (run->mode != RUN_READ_ONLY)
    cc_deployment_refresh (self);
  if (error != NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, result, run->result_free);
}

static void
run_async (CcDeployment        *self,
           RunMode              mode,
           CcWorkFunc           func,
           gpointer             data,
           GDestroyNotify       data_free,
           GDestroyNotify       result_free,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  RunData *run = g_new0 (RunData, 1);

  run->mode = mode;
  run->path = g_strdup (self->path);
  run->func = func;
  run->data = data;
  run->data_free = data_free;
  run->result_free = result_free;

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, cc_deployment_run_async);
  inner = g_task_new (self, cancellable, run_done, outer);
  g_task_set_task_data (inner, run, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (inner, run_thread);
}

void
cc_deployment_run_async (CcDeployment        *self,
                         CcWorkFunc           func,
                         gpointer             data,
                         GDestroyNotify       data_free,
                         GDestroyNotify       result_free,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (CC_IS_DEPLOYMENT (self));
  run_async (self, RUN_READ, func, data, data_free, result_free, cancellable, callback, user_data);
}

void
cc_deployment_run_read_only_async (CcDeployment        *self,
                                   CcWorkFunc           func,
                                   gpointer             data,
                                   GDestroyNotify       data_free,
                                   GDestroyNotify       result_free,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (CC_IS_DEPLOYMENT (self));
  run_async (self, RUN_READ_ONLY, func, data, data_free, result_free, cancellable, callback,
             user_data);
}

void
cc_deployment_run_write_async (CcDeployment        *self,
                               CcWorkFunc           func,
                               gpointer             data,
                               GDestroyNotify       data_free,
                               GDestroyNotify       result_free,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CC_IS_DEPLOYMENT (self));
  run_async (self, RUN_WRITE, func, data, data_free, result_free, cancellable, callback, user_data);
}

gpointer
cc_deployment_run_finish (CcDeployment *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cc_deployment_refresh (CcDeployment *self)
{
  g_autoptr(CcDeployment) disk = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GError) error = NULL;
  guint n_cas;

  g_return_if_fail (CC_IS_DEPLOYMENT (self));

  disk = cc_deployment_open (self->path, NULL, &error);
  if (disk == NULL)
    {
      g_debug ("refresh: %s", error->message);
      return;
    }
  _cc_keyring_adopt (self->keyring, disk->keyring);
  servers = cc_deployment_list_servers (self);
  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      CcServer *there = cc_deployment_find_server (disk, cc_server_get_fqdn (server));

      if (there != NULL)
        for (CcInterface iface = 0; iface < CC_N_INTERFACES; iface++)
          if (g_strcmp0 (cc_server_get_assignment (server, iface),
                         cc_server_get_assignment (there, iface)) != 0
              || cc_server_get_assignment_forced (server, iface)
                 != cc_server_get_assignment_forced (there, iface))
            cc_server_set_assignment (server, iface, cc_server_get_assignment (there, iface),
                                      cc_server_get_assignment_forced (there, iface));
      for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
        {
          CcStore *store = cc_server_get_store (server, kind);
          if (cc_store_is_loaded (store))
            cc_store_load_async (store, NULL, NULL, NULL);
        }
    }
  n_cas = g_list_model_get_n_items (cc_deployment_get_authorities (disk));
  for (guint i = 0; i < n_cas; i++)
    {
      g_autoptr(CcAuthority) ca = g_list_model_get_item (cc_deployment_get_authorities (disk), i);
      if (cc_deployment_find_authority (self, cc_authority_get_name (ca)) == NULL)
        g_list_store_append (self->authorities, ca);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}
