/* cc-certificate.c: an immutable parsed certificate. Everything is read once, at
 * construction, so the object can be shared between threads and servers afterwards. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/asn1t.h>
#include <openssl/core_names.h>
#include <openssl/err.h>

#include "cc-core-private.h"

struct _CcCertificate
{
  GObject parent_instance;

  X509 *x509;
  GBytes *der;
  char *sha256;
  char *sha1;
  char *subject;
  char *issuer;
  char *issued_to;
  char *issued_by;
  char *serial;
  guint version;
  GDateTime *not_before;
  GDateTime *not_after;
  GStrv sans;
  GStrv eku;
  guint key_usage;
  gboolean has_key_usage;
  char *key_type;
  guint key_bits;
  gboolean is_ca;
  int path_length;
  gboolean self_signed;
  gulong subject_hash;
  guint8 *issued_to_key;   /* _cc_natural_key of issued_to */
  gsize issued_to_key_len;
};

G_DEFINE_FINAL_TYPE (CcCertificate, cc_certificate, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_THUMBPRINT,
  PROP_SUBJECT,
  PROP_ISSUER,
  PROP_ISSUED_TO,
  PROP_ISSUED_BY,
  PROP_NOT_AFTER,
  PROP_KEY_TYPE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
cc_certificate_finalize (GObject *object)
{
  CcCertificate *self = CC_CERTIFICATE (object);

  X509_free (self->x509);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_free (self->sha256);
  g_free (self->sha1);
  g_free (self->subject);
  g_free (self->issuer);
  g_free (self->issued_to);
  g_free (self->issued_to_key);
  g_free (self->issued_by);
  g_free (self->serial);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);
  g_strfreev (self->sans);
  g_strfreev (self->eku);
  g_free (self->key_type);
  G_OBJECT_CLASS (cc_certificate_parent_class)->finalize (object);
}

static void
cc_certificate_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcCertificate *self = CC_CERTIFICATE (object);
  switch (prop_id)
    {
    case PROP_THUMBPRINT: g_value_set_string (value, self->sha256); break;
    case PROP_SUBJECT: g_value_set_string (value, self->subject); break;
    case PROP_ISSUER: g_value_set_string (value, self->issuer); break;
    case PROP_ISSUED_TO: g_value_set_string (value, self->issued_to); break;
    case PROP_ISSUED_BY: g_value_set_string (value, self->issued_by); break;
    case PROP_NOT_AFTER: g_value_set_boxed (value, self->not_after); break;
    case PROP_KEY_TYPE: g_value_set_string (value, self->key_type); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_certificate_class_init (CcCertificateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cc_certificate_finalize;
  object_class->get_property = cc_certificate_get_property;

  properties[PROP_THUMBPRINT] = g_param_spec_string ("thumbprint", NULL, NULL, NULL, ro);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, ro);
  properties[PROP_ISSUER] = g_param_spec_string ("issuer", NULL, NULL, NULL, ro);
  properties[PROP_ISSUED_TO] = g_param_spec_string ("issued-to", NULL, NULL, NULL, ro);
  properties[PROP_ISSUED_BY] = g_param_spec_string ("issued-by", NULL, NULL, NULL, ro);
  properties[PROP_NOT_AFTER] = g_param_spec_boxed ("not-after", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_KEY_TYPE] = g_param_spec_string ("key-type", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cc_certificate_init (CcCertificate *self)
{
  self->path_length = -1;
}

static char *
name_to_string (const X509_NAME *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  unsigned long flags = ((XN_FLAG_RFC2253 & ~XN_FLAG_SEP_MASK) | XN_FLAG_SEP_CPLUS_SPC)
                        & ~ASN1_STRFLGS_ESC_MSB;
  char *data;
  long len;

  X509_NAME_print_ex (bio, name, 0, flags);
  len = BIO_get_mem_data (bio, &data);
  return g_strndup (data, len);
}

static char *
asn1_string_to_utf8 (const ASN1_STRING *str)
{
  unsigned char *utf8 = NULL;
  int len = ASN1_STRING_to_UTF8 (&utf8, str);
  char *ret;

  if (len < 0)
    return NULL;
  ret = g_strndup ((const char *) utf8, len);
  OPENSSL_free (utf8);
  if (!g_utf8_validate (ret, -1, NULL))
    {
      g_free (ret);
      return NULL;
    }
  return ret;
}

static char *
name_common_name (const X509_NAME *name)
{
  int idx = -1, last = -1;

  while ((idx = X509_NAME_get_index_by_NID (name, NID_commonName, idx)) >= 0)
    last = idx;
  if (last < 0)
    return NULL;
  return asn1_string_to_utf8 (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, last)));
}

static GDateTime *
asn1_time_to_datetime (const ASN1_TIME *t)
{
  struct tm tm = { 0 };

  if (t == NULL || !ASN1_TIME_to_tm (t, &tm))
    return NULL;
  return g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                              tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *
general_name_to_string (const GENERAL_NAME *gn)
{
  switch (gn->type)
    {
    case GEN_DNS:
      return asn1_string_to_utf8 (gn->d.dNSName);
    case GEN_EMAIL:
      {
        g_autofree char *s = asn1_string_to_utf8 (gn->d.rfc822Name);
        return s ? g_strdup_printf ("email:%s", s) : NULL;
      }
    case GEN_URI:
      {
        g_autofree char *s = asn1_string_to_utf8 (gn->d.uniformResourceIdentifier);
        return s ? g_strdup_printf ("URI:%s", s) : NULL;
      }
    case GEN_IPADD:
      {
        int len = ASN1_STRING_length (gn->d.iPAddress);
        const guint8 *bytes = ASN1_STRING_get0_data (gn->d.iPAddress);
        g_autoptr(GInetAddress) addr = NULL;
        if (len == 4)
          addr = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV4);
        else if (len == 16)
          addr = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
        return addr ? g_inet_address_to_string (addr) : NULL;
      }
    case GEN_DIRNAME:
      {
        g_autofree char *s = name_to_string (gn->d.directoryName);
        return g_strdup_printf ("DirName:%s", s);
      }
    default:
      return NULL;
    }
}

static GStrv
read_sans (X509 *x509)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GENERAL_NAMES *names = X509_get_ext_d2i (x509, NID_subject_alt_name, NULL, NULL);

  if (names != NULL)
    {
      for (int i = 0; i < sk_GENERAL_NAME_num (names); i++)
        {
          char *s = general_name_to_string (sk_GENERAL_NAME_value (names, i));
          if (s != NULL)
            _cc_strv_builder_take (builder, s);
        }
      GENERAL_NAMES_free (names);
    }
  return g_strv_builder_end (builder);
}

static GStrv
read_eku (X509 *x509)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i (x509, NID_ext_key_usage, NULL, NULL);

  if (eku != NULL)
    {
      for (int i = 0; i < sk_ASN1_OBJECT_num (eku); i++)
        {
          char buf[128];
          if (OBJ_obj2txt (buf, sizeof buf, sk_ASN1_OBJECT_value (eku, i), 1) > 0)
            g_strv_builder_add (builder, buf);
        }
      sk_ASN1_OBJECT_pop_free (eku, ASN1_OBJECT_free);
    }
  return g_strv_builder_end (builder);
}

static void
read_key (CcCertificate *self)
{
  EVP_PKEY *pkey = X509_get0_pubkey (self->x509);

  if (pkey == NULL)
    {
      self->key_type = g_strdup ("unknown");
      return;
    }
  self->key_bits = EVP_PKEY_get_bits (pkey);
  switch (EVP_PKEY_get_base_id (pkey))
    {
    case EVP_PKEY_RSA:
      self->key_type = g_strdup_printf ("rsa:%u", self->key_bits);
      break;
    case EVP_PKEY_EC:
      {
        char group[64] = "";
        size_t len = 0;
        EVP_PKEY_get_utf8_string_param (pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &len);
        if (g_str_equal (group, "prime256v1") || g_str_equal (group, "P-256"))
          self->key_type = g_strdup ("ec:p256");
        else if (g_str_equal (group, "secp384r1") || g_str_equal (group, "P-384"))
          self->key_type = g_strdup ("ec:p384");
        else if (g_str_equal (group, "secp521r1") || g_str_equal (group, "P-521"))
          self->key_type = g_strdup ("ec:p521");
        else
          self->key_type = g_strdup_printf ("ec:%s", group[0] ? group : "unknown");
      }
      break;
    case EVP_PKEY_ED25519:
      self->key_type = g_strdup ("ed25519");
      break;
    case EVP_PKEY_ED448:
      self->key_type = g_strdup ("ed448");
      break;
    case EVP_PKEY_DSA:
      self->key_type = g_strdup_printf ("dsa:%u", self->key_bits);
      break;
    default:
      self->key_type = g_strdup_printf ("%s:%u", EVP_PKEY_get0_type_name (pkey), self->key_bits);
      break;
    }
}

/* Takes ownership of x509. */
static CcCertificate *
certificate_new_take (X509 *x509, GBytes *der)
{
  CcCertificate *self = g_object_new (CC_TYPE_CERTIFICATE, NULL);
  const ASN1_INTEGER *serial;
  uint32_t flags;

  self->x509 = x509;
  self->der = g_bytes_ref (der);
  self->sha256 = _cc_sha256_hex (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  self->sha1 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, der);

  /* computes and caches the extensions once, before any thread shares the X509 */
  X509_check_purpose (x509, -1, 0);

  self->subject = name_to_string (X509_get_subject_name (x509));
  self->issuer = name_to_string (X509_get_issuer_name (x509));
  self->issued_to = name_common_name (X509_get_subject_name (x509));
  self->issued_by = name_common_name (X509_get_issuer_name (x509));
  self->sans = read_sans (x509);
  self->eku = read_eku (x509);
  if (self->issued_to == NULL)
    self->issued_to = g_strdup (self->sans[0] ? self->sans[0] : self->subject);
  self->issued_to_key = _cc_natural_key (self->issued_to, &self->issued_to_key_len);
  if (self->issued_by == NULL)
    self->issued_by = g_strdup (self->issuer);

  serial = X509_get0_serialNumber (x509);
  {
    g_autoptr(BIGNUM) bn = ASN1_INTEGER_to_BN (serial, NULL);
    char *hex = bn ? BN_bn2hex (bn) : NULL;
    self->serial = g_ascii_strdown (hex ? hex : "", -1);
    OPENSSL_free (hex);
  }
  self->version = (guint) X509_get_version (x509) + 1;
  self->not_before = asn1_time_to_datetime (X509_get0_notBefore (x509));
  self->not_after = asn1_time_to_datetime (X509_get0_notAfter (x509));

  flags = X509_get_extension_flags (x509);
  self->has_key_usage = (flags & EXFLAG_KUSAGE) != 0;
  self->key_usage = self->has_key_usage ? X509_get_key_usage (x509) & 0xffff : 0;
  self->is_ca = (flags & EXFLAG_CA) != 0;
  self->path_length = (int) X509_get_pathlen (x509);
  self->self_signed = X509_self_signed (x509, 0) == 1;
  self->subject_hash = X509_subject_name_hash (x509);
  read_key (self);

  return self;
}

CcCertificate *
cc_certificate_new_from_der (GBytes *der, GError **error)
{
  const unsigned char *p;
  gsize len;
  X509 *x509;

  g_return_val_if_fail (der != NULL, NULL);

  p = g_bytes_get_data (der, &len);
  if (len == 0)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE, _("The certificate is empty"));
      return NULL;
    }
  x509 = d2i_X509 (NULL, &p, len);
  if (x509 == NULL)
    {
      _cc_set_openssl_error (error, CC_ERROR_BAD_CERTIFICATE,
                             _("The data is not an X.509 certificate"));
      return NULL;
    }
  if ((gsize) (p - (const unsigned char *) g_bytes_get_data (der, NULL)) != len)
    {
      /* trailing bytes would make two different files share a thumbprint's meaning */
      g_autoptr(GBytes) exact = g_bytes_new_from_bytes (der, 0,
                                                        p - (const unsigned char *) g_bytes_get_data (der, NULL));
      return certificate_new_take (x509, exact);
    }
  return certificate_new_take (x509, der);
}

CcCertificate *
cc_certificate_new_from_pem (const char *pem, gsize len, GError **error)
{
  g_autoptr(GPtrArray) blocks = NULL;

  g_return_val_if_fail (pem != NULL, NULL);

  blocks = _cc_pem_decode_all (pem, len, "CERTIFICATE");
  if (blocks->len == 0)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE,
                   _("No “BEGIN CERTIFICATE” block was found"));
      return NULL;
    }
  return cc_certificate_new_from_der (g_ptr_array_index (blocks, 0), error);
}

CcCertificate *
_cc_certificate_new_from_x509 (X509 *x509, GError **error)
{
  unsigned char *buf = NULL;
  int len = i2d_X509 (x509, &buf);
  g_autoptr(GBytes) der = NULL;

  if (len <= 0)
    {
      _cc_set_openssl_error (error, CC_ERROR_BAD_CERTIFICATE, _("The certificate cannot be encoded"));
      return NULL;
    }
  der = g_bytes_new (buf, len);
  OPENSSL_free (buf);
  /* the same X509, shared (nobody changes one once it is parsed or signed): reading the
   * DER again would cost more than all the rest, the public key decoded once more */
  X509_up_ref (x509);
  return certificate_new_take (x509, der);
}

CcCertificate *
_cc_certificate_new_take_x509 (X509 *x509, GBytes *der)
{
  return certificate_new_take (x509, der);
}

/* The shape of a certificate as d2i_X509 reads it (RFC 5280's Certificate, with OpenSSL's own
 * types for the names, times, algorithms and extensions), except that the subject public key
 * stays its algorithm and bits: decoding the key is most of what d2i_X509 costs in OpenSSL 3
 * (a decoder chain built for every certificate, about 80 µs against 6 µs for the rest), and
 * d2i_X509 accepts a key it cannot decode anyway. fuzz-certificates asserts that what this
 * accepts, d2i_X509 accepts. */
typedef struct
{
  X509_ALGOR *algorithm;
  ASN1_BIT_STRING *public_key;
} CC_SHAPE_KEY;

ASN1_SEQUENCE (CC_SHAPE_KEY) = {
  ASN1_SIMPLE (CC_SHAPE_KEY, algorithm, X509_ALGOR),
  ASN1_SIMPLE (CC_SHAPE_KEY, public_key, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END (CC_SHAPE_KEY)

typedef struct
{
  ASN1_INTEGER *version;
  ASN1_INTEGER *serial;
  X509_ALGOR *signature;
  X509_NAME *issuer;
  X509_VAL *validity;
  X509_NAME *subject;
  CC_SHAPE_KEY *key;
  ASN1_BIT_STRING *issuer_uid;
  ASN1_BIT_STRING *subject_uid;
  STACK_OF (X509_EXTENSION) *extensions;
} CC_SHAPE_TBS;

ASN1_SEQUENCE (CC_SHAPE_TBS) = {
  ASN1_EXP_OPT (CC_SHAPE_TBS, version, ASN1_INTEGER, 0),
  ASN1_SIMPLE (CC_SHAPE_TBS, serial, ASN1_INTEGER),
  ASN1_SIMPLE (CC_SHAPE_TBS, signature, X509_ALGOR),
  ASN1_SIMPLE (CC_SHAPE_TBS, issuer, X509_NAME),
  ASN1_SIMPLE (CC_SHAPE_TBS, validity, X509_VAL),
  ASN1_SIMPLE (CC_SHAPE_TBS, subject, X509_NAME),
  ASN1_SIMPLE (CC_SHAPE_TBS, key, CC_SHAPE_KEY),
  ASN1_IMP_OPT (CC_SHAPE_TBS, issuer_uid, ASN1_BIT_STRING, 1),
  ASN1_IMP_OPT (CC_SHAPE_TBS, subject_uid, ASN1_BIT_STRING, 2),
  ASN1_EXP_SEQUENCE_OF_OPT (CC_SHAPE_TBS, extensions, X509_EXTENSION, 3),
} static_ASN1_SEQUENCE_END (CC_SHAPE_TBS)

typedef struct
{
  CC_SHAPE_TBS *tbs;
  X509_ALGOR *signature_algorithm;
  ASN1_BIT_STRING *signature;
} CC_SHAPE;

ASN1_SEQUENCE (CC_SHAPE) = {
  ASN1_SIMPLE (CC_SHAPE, tbs, CC_SHAPE_TBS),
  ASN1_SIMPLE (CC_SHAPE, signature_algorithm, X509_ALGOR),
  ASN1_SIMPLE (CC_SHAPE, signature, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END (CC_SHAPE)

/* TRUE when der, all of it, is one certificate d2i_X509 would read */
gboolean
_cc_der_has_certificate_shape (const guint8 *der, gsize len)
{
  const unsigned char *p = der;
  ASN1_VALUE *v;
  gboolean whole;

  if (len == 0 || len > G_MAXLONG)
    return FALSE;
  v = ASN1_item_d2i (NULL, &p, (long) len, ASN1_ITEM_rptr (CC_SHAPE));
  whole = v != NULL && p == der + len;
  ASN1_item_free (v, ASN1_ITEM_rptr (CC_SHAPE));
  ERR_clear_error ();
  return whole;
}

/* A certificate made from an index's summary, or whose X509 was released, parses its DER on
 * first need only. */
X509 *
_cc_certificate_get_x509 (CcCertificate *self)
{
  X509 *x509 = g_atomic_pointer_get (&self->x509);
  const unsigned char *p;
  gsize len;

  if (x509 != NULL)
    return x509;
  /* parsed outside any lock (the checking threads parse leaves side by side); two threads
   * that meet the same one both parse it, and the first to finish wins */
  p = g_bytes_get_data (self->der, &len);
  /* the DER's SHA-256 was checked against the thumbprint, and it had a certificate's shape
   * when the summary was made from it (_cc_der_has_certificate_shape), or it was parsed
   * once already (_cc_certificate_release_x509) */
  x509 = d2i_X509 (NULL, &p, len);
  g_assert (x509 != NULL);
  X509_check_purpose (x509, -1, 0);
  if (!g_atomic_pointer_compare_and_exchange (&self->x509, NULL, x509))
    {
      X509_free (x509);
      x509 = g_atomic_pointer_get (&self->x509);
    }
  return x509;
}

gboolean
_cc_certificate_holds_x509 (CcCertificate *self)
{
  return g_atomic_pointer_get (&self->x509) != NULL;
}

void
_cc_certificate_release_x509 (CcCertificate *self)
{
  g_clear_pointer (&self->x509, X509_free);
}

#define SUMMARY_TYPE "(ayssssssuxxasasubsubibt)"
#define NO_TIME G_MININT64

static gint64
time_to_unix (GDateTime *t)
{
  return t ? g_date_time_to_unix (t) : NO_TIME;
}

static GDateTime *
unix_to_time (gint64 t)
{
  return t == NO_TIME ? NULL : g_date_time_new_from_unix_utc (t);
}

GBytes *
_cc_certificate_dup_summary (CcCertificate *self)
{
  gsize len;
  const guint8 *der = g_bytes_get_data (self->der, &len);
  g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new (
      "(@ayssssssuxx@as@asubsubibt)", g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, der, len, 1),
      self->sha1, self->subject, self->issuer, self->issued_to, self->issued_by, self->serial,
      self->version, time_to_unix (self->not_before), time_to_unix (self->not_after),
      g_variant_new_strv ((const char * const *) self->sans, -1),
      g_variant_new_strv ((const char * const *) self->eku, -1),
      self->key_usage, self->has_key_usage, self->key_type, self->key_bits, self->is_ca,
      self->path_length, self->self_signed, (guint64) self->subject_hash));

  return g_variant_get_data_as_bytes (v);
}

CcCertificate *
_cc_certificate_new_from_summary (GBytes *summary, const char *thumbprint)
{
  g_autoptr(GVariant) v = g_variant_ref_sink (
      g_variant_new_from_bytes (G_VARIANT_TYPE (SUMMARY_TYPE), summary, FALSE));
  g_autoptr(GVariant) der_v = NULL;
  g_autofree char *sha256 = NULL;
  CcCertificate *self;
  const guint8 *der;
  gint64 not_before, not_after;
  guint64 subject_hash;
  gsize len;

  /* the index is checked as a whole (its SHA-256 trailer); this checks that the summary
   * holds the certificate the file name says. No g_variant_is_normal_form: it cost as much
   * as reading the fields, and GVariant reads any bytes safely (a field of a damaged one
   * reads as empty, and the DER's digest then fails) */
  der_v = g_variant_get_child_value (v, 0);
  der = g_variant_get_fixed_array (der_v, &len, 1);
  sha256 = _cc_sha256_hex (der, len);
  if (len == 0 || strcmp (sha256, thumbprint) != 0)
    return NULL;
  /* and that its DER is a certificate, which the lazy parse counts on: an index anyone
   * could have written (its checksum is no secret) may pair a file's name with any bytes */
  if (!_cc_der_has_certificate_shape (der, len))
    return NULL;

  self = g_object_new (CC_TYPE_CERTIFICATE, NULL);
  self->der = g_bytes_new (der, len);
  self->sha256 = g_steal_pointer (&sha256);
  g_variant_get (v, "(@ayssssssuxx^as^asubsubibt)", NULL, &self->sha1, &self->subject, &self->issuer,
                 &self->issued_to, &self->issued_by, &self->serial, &self->version, &not_before,
                 &not_after, &self->sans, &self->eku, &self->key_usage, &self->has_key_usage,
                 &self->key_type, &self->key_bits, &self->is_ca, &self->path_length,
                 &self->self_signed, &subject_hash);
  self->not_before = unix_to_time (not_before);
  self->not_after = unix_to_time (not_after);
  self->subject_hash = (gulong) subject_hash;
  self->issued_to_key = _cc_natural_key (self->issued_to, &self->issued_to_key_len);
  return self;
}

int
_cc_certificate_compare_issued_to (CcCertificate *a, CcCertificate *b)
{
  return _cc_natural_key_compare (a->issued_to_key, a->issued_to_key_len, b->issued_to_key,
                                  b->issued_to_key_len);
}

GBytes *
cc_certificate_get_der (CcCertificate *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE (self), NULL);
  return self->der;
}

char *
cc_certificate_dup_pem (CcCertificate *self)
{
  gsize len;
  const guchar *data = g_bytes_get_data (self->der, &len);
  g_autofree char *b64 = g_base64_encode (data, len);
  GString *s = g_string_new ("-----BEGIN CERTIFICATE-----\n");
  gsize n = strlen (b64);

  for (gsize i = 0; i < n; i += 64)
    {
      g_string_append_len (s, b64 + i, MIN (64, n - i));
      g_string_append_c (s, '\n');
    }
  g_string_append (s, "-----END CERTIFICATE-----\n");
  return g_string_free (s, FALSE);
}

#define GETTER(type, name, field) \
  type cc_certificate_get_##name (CcCertificate *self) \
  { \
    g_return_val_if_fail (CC_IS_CERTIFICATE (self), (type) 0); \
    return self->field; \
  }

GETTER (const char *, thumbprint, sha256)
GETTER (const char *, sha1, sha1)
GETTER (const char *, subject, subject)
GETTER (const char *, issuer, issuer)
GETTER (const char *, issued_to, issued_to)
GETTER (const char *, issued_by, issued_by)
GETTER (const char *, serial, serial)
GETTER (guint, version, version)
GETTER (GDateTime *, not_before, not_before)
GETTER (GDateTime *, not_after, not_after)
GETTER (const char *, key_type, key_type)
GETTER (guint, key_bits, key_bits)
GETTER (int, path_length, path_length)
GETTER (gulong, subject_hash, subject_hash)

gboolean
cc_certificate_is_ca (CcCertificate *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE (self), FALSE);
  return self->is_ca;
}

gboolean
cc_certificate_is_self_signed (CcCertificate *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE (self), FALSE);
  return self->self_signed;
}

const char * const *
cc_certificate_get_sans (CcCertificate *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE (self), NULL);
  return (const char * const *) self->sans;
}

const char * const *
cc_certificate_get_eku (CcCertificate *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE (self), NULL);
  return (const char * const *) self->eku;
}

gboolean
cc_certificate_has_eku (CcCertificate *self, const char *oid)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE (self), FALSE);
  return g_strv_contains ((const char * const *) self->eku, oid);
}

guint
cc_certificate_get_key_usage (CcCertificate *self, gboolean *has_key_usage)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE (self), 0);
  if (has_key_usage != NULL)
    *has_key_usage = self->has_key_usage;
  return self->key_usage;
}

gboolean
cc_certificate_is_expired (CcCertificate *self, GDateTime *now)
{
  g_autoptr(GDateTime) owned = NULL;

  g_return_val_if_fail (CC_IS_CERTIFICATE (self), TRUE);
  if (now == NULL)
    now = owned = g_date_time_new_now_utc ();
  return self->not_after == NULL || g_date_time_compare (now, self->not_after) > 0;
}

static const struct
{
  const char *oid;
  const char *name;
} purposes[] = {
  { CC_OID_SERVER_AUTH, N_("Server Authentication") },
  { CC_OID_CLIENT_AUTH, N_("Client Authentication") },
  { "1.3.6.1.5.5.7.3.3", N_("Code Signing") },
  { "1.3.6.1.5.5.7.3.4", N_("Secure Email") },
  { "1.3.6.1.5.5.7.3.8", N_("Time Stamping") },
  { "1.3.6.1.5.5.7.3.9", N_("OCSP Signing") },
  { "2.5.29.37.0", N_("Any Purpose") },
};

static const char *
purpose_name (const char *oid)
{
  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    if (g_str_equal (purposes[i].oid, oid))
      return _(purposes[i].name);
  return oid;
}

char *
cc_certificate_dup_intended_purposes (CcCertificate *self)
{
  GString *s;

  g_return_val_if_fail (CC_IS_CERTIFICATE (self), NULL);
  if (self->eku[0] == NULL)
    return g_strdup (_("<All>"));
  s = g_string_new (NULL);
  for (guint i = 0; self->eku[i]; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", purpose_name (self->eku[i]));
  return g_string_free (s, FALSE);
}

char *
cc_format_iso8601 (GDateTime *dt)
{
  if (dt == NULL)
    return g_strdup ("");
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static const struct
{
  guint bit;
  const char *name;
} usages[] = {
  { CC_KEY_USAGE_DIGITAL_SIGNATURE, N_("Digital Signature") },
  { CC_KEY_USAGE_NON_REPUDIATION, N_("Non-Repudiation") },
  { CC_KEY_USAGE_KEY_ENCIPHERMENT, N_("Key Encipherment") },
  { CC_KEY_USAGE_DATA_ENCIPHERMENT, N_("Data Encipherment") },
  { CC_KEY_USAGE_KEY_AGREEMENT, N_("Key Agreement") },
  { CC_KEY_USAGE_KEY_CERT_SIGN, N_("Certificate Signing") },
  { CC_KEY_USAGE_CRL_SIGN, N_("CRL Signing") },
};

static char *
key_usage_text (guint bits)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (usages); i++)
    if (bits & usages[i].bit)
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", _(usages[i].name));
  g_string_append_printf (s, " (%02x)", bits & 0xff);
  return g_string_free (s, FALSE);
}

static void
add_name_fields (CcCertificateSection *section, const X509_NAME *name)
{
  for (int i = X509_NAME_entry_count (name) - 1; i >= 0; i--)
    {
      const X509_NAME_ENTRY *e = X509_NAME_get_entry (name, i);
      int nid = OBJ_obj2nid (X509_NAME_ENTRY_get_object (e));
      g_autofree char *value = asn1_string_to_utf8 (X509_NAME_ENTRY_get_data (e));
      const char *label = nid != NID_undef ? OBJ_nid2ln (nid) : "?";
      cc_certificate_section_add (section, label, value ? value : "");
    }
}

static char *
extension_text (X509_EXTENSION *ext)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data;
  long len;

  if (!X509V3_EXT_print (bio, ext, 0, 0))
    {
      ERR_clear_error ();
      ASN1_STRING_print (bio, X509_EXTENSION_get_data (ext));
    }
  len = BIO_get_mem_data (bio, &data);
  return g_strndup (data, len);
}

GListModel *
cc_certificate_dup_sections (CcCertificate *self)
{
  GListStore *store = g_list_store_new (CC_TYPE_CERTIFICATE_SECTION);
  g_autoptr(CcCertificateSection) cert = cc_certificate_section_new (_("Certificate"));
  g_autoptr(CcCertificateSection) subject = cc_certificate_section_new (_("Subject"));
  g_autoptr(CcCertificateSection) issuer = cc_certificate_section_new (_("Issuer"));
  g_autoptr(CcCertificateSection) validity = cc_certificate_section_new (_("Validity"));
  g_autoptr(CcCertificateSection) key = cc_certificate_section_new (_("Public Key"));
  g_autoptr(CcCertificateSection) prints = cc_certificate_section_new (_("Fingerprints"));
  g_autofree char *version = g_strdup_printf ("V%u", self->version);
  g_autofree char *bits = g_strdup_printf ("%u", self->key_bits);
  g_autofree char *from = cc_format_iso8601 (self->not_before);
  g_autofree char *to = cc_format_iso8601 (self->not_after);
  X509 *x509 = _cc_certificate_get_x509 (self);
  int sig_nid = X509_get_signature_nid (x509);

  g_return_val_if_fail (CC_IS_CERTIFICATE (self), NULL);

  cc_certificate_section_add (cert, _("Version"), version);
  cc_certificate_section_add (cert, _("Serial number"), self->serial);
  cc_certificate_section_add (cert, _("Signature algorithm"),
                              sig_nid != NID_undef ? OBJ_nid2ln (sig_nid) : "?");
  cc_certificate_section_add (cert, _("Subject"), self->subject);
  cc_certificate_section_add (cert, _("Issuer"), self->issuer);
  g_list_store_append (store, cert);

  add_name_fields (subject, X509_get_subject_name (x509));
  g_list_store_append (store, subject);
  add_name_fields (issuer, X509_get_issuer_name (x509));
  g_list_store_append (store, issuer);

  cc_certificate_section_add (validity, _("Valid from"), from);
  cc_certificate_section_add (validity, _("Valid to"), to);
  g_list_store_append (store, validity);

  cc_certificate_section_add (key, _("Key"), self->key_type);
  cc_certificate_section_add (key, _("Key size"), bits);
  g_list_store_append (store, key);

  for (int i = 0; i < X509_get_ext_count (x509); i++)
    {
      X509_EXTENSION *ext = X509_get_ext (x509, i);
      ASN1_OBJECT *obj = X509_EXTENSION_get_object (ext);
      int nid = OBJ_obj2nid (obj);
      char oid[128] = "";
      g_autofree char *label = NULL;
      g_autofree char *value = NULL;
      g_autoptr(CcCertificateSection) section = NULL;

      OBJ_obj2txt (oid, sizeof oid, obj, 1);
      label = g_strdup_printf (_("Extension: %s"), nid != NID_undef ? OBJ_nid2ln (nid) : oid);
      section = cc_certificate_section_new (label);
      cc_certificate_section_add (section, _("Identifier"), oid);
      cc_certificate_section_add (section, _("Critical"),
                                  X509_EXTENSION_get_critical (ext) ? _("Yes") : _("No"));
      if (nid == NID_key_usage)
        value = key_usage_text (self->key_usage);
      else if (nid == NID_ext_key_usage)
        {
          g_autofree char *names = cc_certificate_dup_intended_purposes (self);
          g_autofree char *oids = g_strjoinv (", ", self->eku);
          value = g_strdup_printf ("%s (%s)", names, oids);
        }
      else
        value = extension_text (ext);
      cc_certificate_section_add (section, _("Value"), value);
      g_list_store_append (store, section);
    }

  cc_certificate_section_add (prints, _("SHA-256"), self->sha256);
  cc_certificate_section_add (prints, _("SHA-1"), self->sha1);
  g_list_store_append (store, prints);

  return G_LIST_MODEL (store);
}
