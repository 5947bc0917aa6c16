/* test-hostile.c: input made to hurt: files over the size limit for every kind the core
 * reads, devices and pipes given as files, .pfx files asking for absurd key-derivation
 * work (MAC, encrypted key, encrypted part, a late part, a nested key), .pfx files of
 * several parts as other tools write them, names from certificates that look like paths,
 * and the write lock between two processes (and one left behind by a dead one). Each is
 * refused with one clear message naming the file, before any parsing, and changes
 * nothing. And a store's index cache (.cc-index) damaged, empty or forged, and file times
 * past what 64-bit nanoseconds hold: the store is read from its files as if there were no
 * index, and the index is rebuilt. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>

#include "certconsole-core.h"
#include "cc-core-private.h"
#include "cc-test-pki.h"

#define EDGE01 "edge01.contoso.com"
#define FE01 "fe01.contoso.com"
#define PASSWORD "hostile"
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct
{
  char *dir;
  char *path;
  CcDeployment *d;
  CcTestPki *pki;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = cc_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "deployment", NULL);
  f->d = cc_deployment_create (f->path, TRUE, NULL, &error);
  g_assert_no_error (error);
  f->pki = cc_test_pki_new ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->d);
  cc_test_pki_free (f->pki);
  cc_test_rmrf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static char *
tmp_file (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* A file of size bytes: a valid PEM certificate, then spaces (as a file could be padded
 * to slip past a check made on its start). */
static char *
big_file (Fixture *f, const char *name, gsize size)
{
  g_autofree char *pem = cc_test_pki_issue (f->pki, &(CcTestCertOptions) { .common_name = "big" },
                                            NULL);
  char *path = tmp_file (f, name);
  FILE *fp = fopen (path, "w");
  gsize len = strlen (pem);

  g_assert_nonnull (fp);
  fwrite (pem, 1, len, fp);
  g_assert_cmpint (fseeko (fp, (off_t) size - 1, SEEK_SET), ==, 0);
  fputc (' ', fp);
  fclose (fp);
  return path;
}

static void
assert_refused (const GError *error, const char *file, const char *what)
{
  g_assert_nonnull (error);
  g_test_message ("%s: %s", what, error->message);
  g_assert_nonnull (strstr (error->message, file));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_size_limits (Fixture *f, gconstpointer data)
{
  g_autofree char *just_over = big_file (f, "over.pem", 16 * 1024 * 1024 + 1);
  g_autofree char *at_limit = big_file (f, "at-limit.pem", 16 * 1024 * 1024);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (f->d);
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) error = NULL;
  CcServer *edge = cc_deployment_find_server (f->d, EDGE01);
  CcWorkCounts work;

  /* the limit itself is allowed: a bundle of many certificates can be large; and the
   * reader's counters count what it read (the checks below rely on them) */
  _cc_work_counts_reset ();
  certs = cc_read_certificates_file (at_limit, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certs->len, ==, 1);
  _cc_work_counts_get (&work);
  g_assert_cmpuint (work.files_read, ==, 1);
  g_assert_cmpuint (work.bytes_read, ==, 16 * 1024 * 1024);

  before = cc_test_snapshot_tree (f->path);
  /* refused from the size alone: not one byte of it read */
  _cc_work_counts_reset ();
  g_assert_null (cc_read_certificates_file (just_over, &error));
  _cc_work_counts_get (&work);
  g_assert_cmpuint (work.files_read, ==, 0);
  g_assert_cmpuint (work.bytes_read, ==, 0);
  g_assert_error (error, CC_ERROR, CC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "16 MiB"));
  assert_refused (error, just_over, "certificate file");
  g_clear_error (&error);
  /* the same by every other way in; these read the deployment's own small files too, but
   * never the 16 MiB of the big one (less than 1 MiB in all) */
  _cc_work_counts_reset ();
  g_assert_false (cc_import_chain (f->d, servers, just_over, NULL, &error));
  assert_refused (error, just_over, "chain");
  g_clear_error (&error);
  g_assert_false (cc_import_pfx (edge, just_over, PASSWORD, FALSE, NULL, &error));
  assert_refused (error, just_over, ".pfx");
  g_clear_error (&error);
  g_assert_false (cc_request_process (edge, just_over, NULL, &error));
  assert_refused (error, just_over, "answer");
  g_clear_error (&error);
  _cc_work_counts_get (&work);
  g_test_message ("three refusals: %" G_GUINT64_FORMAT " files, %" G_GUINT64_FORMAT
                  " bytes read", work.files_read, work.bytes_read);
  g_assert_cmpuint (work.bytes_read, <, 1024 * 1024);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);

  /* deployment.json and a certificate in a store, grown past the limit */
  {
    g_autofree char *json = g_build_filename (f->path, "deployment.json", NULL);
    g_autoptr(CcDeployment) d = NULL;
    int fd = g_open (json, O_WRONLY, 0);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (ftruncate (fd, 16 * 1024 * 1024 + 1), ==, 0);
    close (fd);
    d = cc_deployment_open (f->path, NULL, &error);
    g_assert_null (d);
    assert_refused (error, json, "deployment.json");
    g_clear_error (&error);
  }
  {
    CcStore *roots = cc_server_get_store (edge, CC_STORE_TRUSTED_ROOT);
    g_autoptr(CcStoreEntry) entry = NULL;
    g_autofree char *file = NULL;
    const char * const *problems;
    int fd;

    g_assert_true (cc_store_load (roots, NULL, &error));
    entry = g_list_model_get_item (G_LIST_MODEL (roots), 0);
    file = g_strdup_printf ("%s/%s.pem", cc_store_get_path (roots), cc_store_entry_get_id (entry));
    fd = g_open (file, O_WRONLY | O_APPEND, 0);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (ftruncate (fd, 17 * 1024 * 1024), ==, 0);
    close (fd);
    g_assert_true (cc_store_load (roots, NULL, &error));
    g_assert_no_error (error);
    /* the store still loads; that file is reported, not parsed */
    problems = cc_store_get_problems (roots);
    g_assert_nonnull (problems);
    g_assert_nonnull (problems[0]);
    g_assert_nonnull (strstr (problems[0], file));
    g_assert_nonnull (strstr (problems[0], "16 MiB"));
  }
}

static void
test_not_files (Fixture *f, gconstpointer data)
{
  g_autofree char *fifo = tmp_file (f, "answer.fifo");
  g_autofree char *folder = tmp_file (f, "folder.pem");
  CcServer *edge = cc_deployment_find_server (f->d, EDGE01);
  g_autofree char *before = cc_test_snapshot_tree (f->path);
  g_autofree char *after = NULL;
  const char *devices[] = { "/dev/zero", "/dev/urandom", "/dev/null" };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  /* a pipe nobody writes to would block for ever; a device would never end */
  g_assert_null (cc_read_certificates_file (fifo, &error));
  assert_refused (error, fifo, "pipe");
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      g_assert_false (cc_import_pfx (edge, devices[i], PASSWORD, FALSE, NULL, &error));
      assert_refused (error, devices[i], "device");
      g_clear_error (&error);
      g_assert_false (cc_request_process (edge, devices[i], NULL, &error));
      assert_refused (error, devices[i], "device");
      g_clear_error (&error);
    }
  g_assert_null (cc_read_certificates_file (folder, &error));
  assert_refused (error, folder, "folder");
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
}

/* ---- .pfx files asking for absurd work ---- */

static X509 *
x509_of (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  X509 *x = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  return x;
}

static EVP_PKEY *
key_of (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  EVP_PKEY *k = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  return k;
}

/* the parameters of a PBES2 (AES-256-CBC, PBKDF2) asking for rounds, or of scrypt with
 * cost n; nothing is derived to make them */
static void
set_rounds (X509_ALGOR *alg, int rounds, guint64 scrypt_n)
{
  unsigned char salt[8];
  X509_ALGOR *evil;

  RAND_bytes (salt, sizeof salt);
  if (scrypt_n > 0)
    {
      /* OpenSSL will not even write an scrypt cost above its memory limit: made with a
       * small one, then raised */
      PBE2PARAM *pbe2;
      SCRYPT_PARAMS *sp;

      evil = PKCS5_pbe2_set_scrypt (EVP_aes_256_cbc (), salt, sizeof salt, NULL, 1024, 8, 1);
      g_assert_nonnull (evil);
      pbe2 = ASN1_TYPE_unpack_sequence (ASN1_ITEM_rptr (PBE2PARAM), evil->parameter);
      sp = ASN1_TYPE_unpack_sequence (ASN1_ITEM_rptr (SCRYPT_PARAMS), pbe2->keyfunc->parameter);
      g_assert_true (ASN1_INTEGER_set_uint64 (sp->costParameter, scrypt_n));
      g_assert_nonnull (ASN1_TYPE_pack_sequence (ASN1_ITEM_rptr (SCRYPT_PARAMS), sp,
                                                 &pbe2->keyfunc->parameter));
      g_assert_nonnull (ASN1_TYPE_pack_sequence (ASN1_ITEM_rptr (PBE2PARAM), pbe2,
                                                 &evil->parameter));
      SCRYPT_PARAMS_free (sp);
      PBE2PARAM_free (pbe2);
    }
  else
    evil = PKCS5_pbe2_set_iv (EVP_aes_256_cbc (), rounds, salt, sizeof salt, NULL,
                              NID_hmacWithSHA256);
  g_assert_nonnull (evil);
  /* evil's fields move into alg, whose own go */
  ASN1_OBJECT_free (alg->algorithm);
  ASN1_TYPE_free (alg->parameter);
  alg->algorithm = evil->algorithm;
  alg->parameter = evil->parameter;
  evil->algorithm = NULL;
  evil->parameter = NULL;
  X509_ALGOR_free (evil);
}

typedef enum { EVIL_MAC, EVIL_KEY, EVIL_PART, EVIL_SCRYPT } Evil;

/* A .pfx of a fresh certificate and key (made with 2,048 rounds everywhere), then
 * rewritten to ask for a huge number of rounds at one place, with a valid MAC on top. */
static char *
evil_pfx (Fixture *f, const char *name, Evil evil)
{
  g_autofree char *key_pem = NULL;
  g_autofree char *pem = cc_test_pki_issue (f->pki, &(CcTestCertOptions) { .common_name = "evil" },
                                            &key_pem);
  X509 *x = x509_of (pem);
  EVP_PKEY *k = key_of (key_pem);
  PKCS12 *p12 = PKCS12_create (PASSWORD, "evil", k, x, NULL, NID_aes_256_cbc, NID_aes_256_cbc,
                               2048, 2048, 0);
  STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes (p12);
  STACK_OF(PKCS7) *rebuilt = sk_PKCS7_new_null ();
  PKCS12 *out;
  char *path = tmp_file (f, name);
  BIO *bio;

  g_assert_nonnull (safes);
  for (int i = 0; i < sk_PKCS7_num (safes); i++)
    {
      PKCS7 *p7 = sk_PKCS7_value (safes, i);

      if (OBJ_obj2nid (p7->type) == NID_pkcs7_data && (evil == EVIL_KEY || evil == EVIL_SCRYPT))
        {
          STACK_OF(PKCS12_SAFEBAG) *bags = PKCS12_unpack_p7data (p7);
          for (int j = 0; j < sk_PKCS12_SAFEBAG_num (bags); j++)
            {
              PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value (bags, j);
              if (PKCS12_SAFEBAG_get_nid (bag) == NID_pkcs8ShroudedKeyBag)
                {
                  X509_ALGOR *alg = NULL;
                  X509_SIG_getm ((X509_SIG *) PKCS12_SAFEBAG_get0_pkcs8 (bag), &alg, NULL);
                  set_rounds (alg, G_MAXINT32, evil == EVIL_SCRYPT ? (1ull << 40) : 0);
                }
            }
          sk_PKCS7_push (rebuilt, PKCS12_pack_p7data (bags));
          sk_PKCS12_SAFEBAG_pop_free (bags, PKCS12_SAFEBAG_free);
          PKCS7_free (p7);
        }
      else
        {
          if (OBJ_obj2nid (p7->type) == NID_pkcs7_encrypted && evil == EVIL_PART)
            set_rounds (p7->d.encrypted->enc_data->algorithm, G_MAXINT32, 0);
          sk_PKCS7_push (rebuilt, p7);
        }
    }
  sk_PKCS7_free (safes);
  out = PKCS12_init (NID_pkcs7_data);
  g_assert_true (PKCS12_pack_authsafes (out, rebuilt));
  sk_PKCS7_pop_free (rebuilt, PKCS7_free);
  g_assert_true (PKCS12_set_mac (out, PASSWORD, -1, NULL, 0, evil == EVIL_MAC ? 2 : 2048,
                                 EVP_sha256 ()));
  if (evil == EVIL_MAC)
    {
      /* a MAC made with two rounds, then claiming two billion: computing it is what hangs */
      const ASN1_INTEGER *iter = NULL;
      PKCS12_get0_mac (NULL, NULL, NULL, &iter, out);
      g_assert_true (ASN1_INTEGER_set ((ASN1_INTEGER *) iter, G_MAXINT32));
    }
  bio = BIO_new_file (path, "wb");
  g_assert_true (i2d_PKCS12_bio (bio, out));
  BIO_free (bio);
  PKCS12_free (out);
  PKCS12_free (p12);
  X509_free (x);
  EVP_PKEY_free (k);
  return path;
}

static void
test_pfx_work (Fixture *f, gconstpointer data)
{
  static const struct { Evil evil; const char *name; } cases[] = {
    { EVIL_MAC, "mac.pfx" },
    { EVIL_KEY, "key.pfx" },
    { EVIL_PART, "part.pfx" },
    { EVIL_SCRYPT, "scrypt.pfx" },
  };
  CcServer *edge = cc_deployment_find_server (f->d, EDGE01);
  g_autofree char *before = cc_test_snapshot_tree (f->path);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *file = evil_pfx (f, cases[i].name, cases[i].evil);
      g_autofree char *after = NULL;
      g_autoptr(GError) error = NULL;
      CcWorkCounts work;

      _cc_work_counts_reset ();
      g_assert_false (cc_import_pfx (edge, file, PASSWORD, TRUE, NULL, &error));
      _cc_work_counts_get (&work);
      g_test_message ("%s: %" G_GUINT64_FORMAT " key derivations, at most %" G_GINT64_FORMAT
                      " rounds", cases[i].name, work.pfx_derivations, work.pfx_max_rounds);
      /* refused before the derivation asking for two billion rounds (or an scrypt cost of
       * 2^40) ran: the only ones run were those of the file's other places, at 2,048
       * rounds (the MAC's, the certificates' part's), and none at all for an absurd MAC */
      g_assert_cmpint (work.pfx_max_rounds, <=, 2048);
      g_assert_cmpuint (work.pfx_derivations, <=, 2);
      if (cases[i].evil == EVIL_MAC)
        g_assert_cmpuint (work.pfx_derivations, ==, 0);
      g_assert_error (error, CC_ERROR, CC_ERROR_BAD_CERTIFICATE);
      assert_refused (error, file, cases[i].name);
      g_assert_nonnull (strstr (error->message, "refused"));
      after = cc_test_snapshot_tree (f->path);
      g_assert_cmpstr (before, ==, after);
    }

  /* and the same file made the usual way goes in: the check is not refusing everything */
  {
    g_autofree char *key_pem = NULL;
    g_autofree char *pem = cc_test_pki_issue (f->pki,
                                              &(CcTestCertOptions) { .common_name = "fine" },
                                              &key_pem);
    X509 *x = x509_of (pem);
    EVP_PKEY *k = key_of (key_pem);
    PKCS12 *p12 = PKCS12_create (PASSWORD, "fine", k, x, NULL, NID_aes_256_cbc,
                                 NID_aes_256_cbc, 100000, 100000, 0);
    g_autofree char *file = tmp_file (f, "fine.pfx");
    BIO *bio = BIO_new_file (file, "wb");
    g_autoptr(GError) error = NULL;
    CcWorkCounts work;

    i2d_PKCS12_bio (bio, p12);
    BIO_free (bio);
    PKCS12_free (p12);
    X509_free (x);
    EVP_PKEY_free (k);
    _cc_work_counts_reset ();
    g_assert_true (cc_import_pfx (edge, file, PASSWORD, TRUE, NULL, &error));
    g_assert_no_error (error);
    /* the MAC, the certificates' part and the key: three derivations of 100,000 rounds,
     * counted (the counters the checks above rely on do count) */
    _cc_work_counts_get (&work);
    g_assert_cmpuint (work.pfx_derivations, ==, 3);
    g_assert_cmpint (work.pfx_max_rounds, ==, 100000);
  }
}

/* ---- .pfx files of several parts, as other tools write them ---- */

static void
der_append (GByteArray *out, guint8 tag, const guint8 *content, gsize len)
{
  guint8 head[5] = { tag };
  guint n = 1;

  g_assert_cmpuint (len, <, 1 << 24);
  if (len < 0x80)
    head[n++] = len;
  else if (len < 0x100)
    {
      head[n++] = 0x81;
      head[n++] = len;
    }
  else if (len < 0x10000)
    {
      head[n++] = 0x82;
      head[n++] = len >> 8;
      head[n++] = len & 0xff;
    }
  else
    {
      head[n++] = 0x83;
      head[n++] = len >> 16;
      head[n++] = (len >> 8) & 0xff;
      head[n++] = len & 0xff;
    }
  g_byte_array_append (out, head, n);
  g_byte_array_append (out, content, len);
}

/* a safeContentsBag holding bags: OpenSSL reads them but has no call to make one */
static PKCS12_SAFEBAG *
nested_bag (STACK_OF(PKCS12_SAFEBAG) *bags)
{
  static const guint8 oid[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
                                0x01, 0x0c, 0x0a, 0x01, 0x06 };   /* 1.2.840.113549.1.12.10.1.6 */
  unsigned char *inner = NULL;
  int inner_len = ASN1_item_i2d ((ASN1_VALUE *) bags, &inner, ASN1_ITEM_rptr (PKCS12_SAFEBAGS));
  g_autoptr(GByteArray) value = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) bag = g_byte_array_new ();
  const unsigned char *p;
  PKCS12_SAFEBAG *result;

  g_assert_cmpint (inner_len, >, 0);
  der_append (value, 0xa0, inner, inner_len);
  g_byte_array_append (body, oid, sizeof oid);
  g_byte_array_append (body, value->data, value->len);
  der_append (bag, 0x30, body->data, body->len);
  OPENSSL_free (inner);
  p = bag->data;
  result = d2i_PKCS12_SAFEBAG (NULL, &p, bag->len);
  g_assert_nonnull (result);
  return result;
}

static PKCS12_SAFEBAG *
cert_bag (STACK_OF(PKCS12_SAFEBAG) **bags, const char *pem, const char *friendly)
{
  X509 *x = x509_of (pem);
  PKCS12_SAFEBAG *bag = PKCS12_add_cert (bags, x);

  g_assert_nonnull (bag);
  if (friendly != NULL)
    g_assert_true (PKCS12_add_friendlyname (bag, friendly, -1));
  X509_free (x);
  return bag;
}

static void
add_safe (STACK_OF(PKCS7) **safes, STACK_OF(PKCS12_SAFEBAG) *bags, gboolean encrypted)
{
  g_assert_true (PKCS12_add_safe (safes, bags, encrypted ? NID_aes_256_cbc : -1, 2048,
                                     PASSWORD));
  sk_PKCS12_SAFEBAG_pop_free (bags, PKCS12_SAFEBAG_free);
}

static char *
write_pfx (Fixture *f, const char *name, STACK_OF(PKCS7) *safes)
{
  PKCS12 *p12 = PKCS12_add_safes (safes, NID_pkcs7_data);
  char *path = tmp_file (f, name);
  BIO *bio = BIO_new_file (path, "wb");

  g_assert_nonnull (p12);
  g_assert_true (PKCS12_set_mac (p12, PASSWORD, -1, NULL, 0, 2048, EVP_sha256 ()));
  g_assert_true (i2d_PKCS12_bio (bio, p12));
  BIO_free (bio);
  PKCS12_free (p12);
  sk_PKCS7_pop_free (safes, PKCS7_free);
  return path;
}

static void
import_refused (Fixture *f, const char *file, int code, const char *says)
{
  CcServer *edge = cc_deployment_find_server (f->d, EDGE01);
  g_autofree char *before = cc_test_snapshot_tree (f->path);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (cc_import_pfx (edge, file, PASSWORD, TRUE, NULL, &error));
  g_assert_error (error, CC_ERROR, code);
  assert_refused (error, file, says);
  g_assert_nonnull (strstr (error->message, says));
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_pfx_parts (Fixture *f, gconstpointer data)
{
  g_autofree char *key_pem = NULL;
  g_autofree char *pem = cc_test_pki_issue (f->pki, &(CcTestCertOptions) { .common_name = "parts" },
                                            &key_pem);
  g_autofree char *tp = cc_test_pem_thumbprint (pem);
  g_autofree char *root_tp = cc_test_pem_thumbprint (cc_test_pki_get_root_pem (f->pki));
  g_autofree char *issuing_tp = cc_test_pem_thumbprint (cc_test_pki_get_issuing_pem (f->pki));
  EVP_PKEY *k = key_of (key_pem);
  CcServer *edge = cc_deployment_find_server (f->d, EDGE01);
  g_autoptr(GError) error = NULL;
  g_autofree char *good = NULL;

  /* an encrypted part asking for one round more than the limit, after a good part: refused
   * before it is decrypted, nothing written */
  {
    STACK_OF(PKCS7) *safes = NULL;
    STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
    g_autofree char *file = NULL;

    cert_bag (&bags, pem, NULL);
    g_assert_nonnull (PKCS12_add_key (&bags, k, 0, 2048, NID_aes_256_cbc, PASSWORD));
    add_safe (&safes, bags, TRUE);
    bags = NULL;
    cert_bag (&bags, cc_test_pki_get_issuing_pem (f->pki), NULL);
    add_safe (&safes, bags, TRUE);
    set_rounds (sk_PKCS7_value (safes, 1)->d.encrypted->enc_data->algorithm, 1000001, 0);
    file = write_pfx (f, "late-part.pfx", safes);
    import_refused (f, file, CC_ERROR_BAD_CERTIFICATE, "refused");
  }

  /* a good encrypted key, then one in a nested bag asking for too much: refused before any
   * key is decrypted */
  {
    STACK_OF(PKCS7) *safes = NULL;
    STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
    STACK_OF(PKCS12_SAFEBAG) *inner = NULL;
    PKCS12_SAFEBAG *evil;
    X509_ALGOR *alg = NULL;
    g_autofree char *file = NULL;

    cert_bag (&bags, pem, NULL);
    g_assert_nonnull (PKCS12_add_key (&bags, k, 0, 2048, NID_aes_256_cbc, PASSWORD));
    add_safe (&safes, bags, FALSE);
    evil = PKCS12_add_key (&inner, k, 0, 2048, NID_aes_256_cbc, PASSWORD);
    X509_SIG_getm ((X509_SIG *) PKCS12_SAFEBAG_get0_pkcs8 (evil), &alg, NULL);
    set_rounds (alg, 1000001, 0);
    bags = sk_PKCS12_SAFEBAG_new_null ();
    sk_PKCS12_SAFEBAG_push (bags, nested_bag (inner));
    sk_PKCS12_SAFEBAG_pop_free (inner, PKCS12_SAFEBAG_free);
    add_safe (&safes, bags, FALSE);
    file = write_pfx (f, "nested-key.pfx", safes);
    import_refused (f, file, CC_ERROR_BAD_CERTIFICATE, "refused");
  }

  /* three parts: a plain one with the issuing CA and the key in a bag that is not
   * encrypted (shrouded), an encrypted one with the leaf and its friendly name, and an
   * encrypted one with the root inside a nested bag */
  {
    STACK_OF(PKCS7) *safes = NULL;
    STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
    STACK_OF(PKCS12_SAFEBAG) *inner = NULL;

    cert_bag (&bags, cc_test_pki_get_issuing_pem (f->pki), "the issuing CA");
    g_assert_nonnull (PKCS12_add_key (&bags, k, 0, 0, -1, NULL));
    add_safe (&safes, bags, FALSE);
    bags = NULL;
    cert_bag (&bags, pem, "Édge from parts");
    add_safe (&safes, bags, TRUE);
    cert_bag (&inner, cc_test_pki_get_root_pem (f->pki), NULL);
    bags = sk_PKCS12_SAFEBAG_new_null ();
    sk_PKCS12_SAFEBAG_push (bags, nested_bag (inner));
    sk_PKCS12_SAFEBAG_pop_free (inner, PKCS12_SAFEBAG_free);
    add_safe (&safes, bags, TRUE);
    good = write_pfx (f, "parts.pfx", safes);
  }

  /* the wrong password: said so, nothing written */
  {
    g_autofree char *before = cc_test_snapshot_tree (f->path);
    g_autofree char *after = NULL;

    g_assert_false (cc_import_pfx (edge, good, "wrong", TRUE, NULL, &error));
    g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "password"));
    assert_refused (error, good, "wrong password");
    g_clear_error (&error);
    after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }

  g_assert_true (cc_import_pfx (edge, good, PASSWORD, FALSE, NULL, &error));
  g_assert_no_error (error);
  {
    CcStore *personal = cc_server_get_store (edge, CC_STORE_PERSONAL);
    CcStore *roots = cc_server_get_store (edge, CC_STORE_TRUSTED_ROOT);
    CcStore *inters = cc_server_get_store (edge, CC_STORE_INTERMEDIATE);
    CcStoreEntry *entry;
    g_autoptr(GBytes) stored = NULL;
    g_autofree char *stored_pem = NULL;
    EVP_PKEY *back;

    g_assert_true (cc_store_load (personal, NULL, &error));
    g_assert_true (cc_store_load (roots, NULL, &error));
    g_assert_true (cc_store_load (inters, NULL, &error));
    entry = cc_store_lookup_id (personal, tp);
    g_assert_nonnull (entry);
    /* the leaf is the certificate of the key, wherever it is; its bag's name is kept */
    g_assert_cmpstr (cc_store_entry_get_friendly_name (entry), ==, "Édge from parts");
    g_assert_true (cc_store_entry_get_has_private_key (entry));
    g_assert_false (cc_store_entry_get_exportable (entry));
    stored = cc_store_read_key (personal, tp, &error);
    g_assert_no_error (error);
    stored_pem = g_strndup (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored));
    back = key_of (stored_pem);
    g_assert_nonnull (back);
    g_assert_cmpint (EVP_PKEY_eq (back, k), ==, 1);
    EVP_PKEY_free (back);
    g_assert_nonnull (cc_store_lookup_id (inters, issuing_tp));
    g_assert_null (cc_store_lookup_id (personal, issuing_tp));
    g_assert_nonnull (cc_store_lookup_id (roots, root_tp));
  }

  /* a .pfx exported without any password (its MAC made from none) opens with an empty one */
  {
    g_autofree char *key2 = NULL;
    g_autofree char *pem2 = cc_test_pki_issue (f->pki, &(CcTestCertOptions) { .common_name = "nopass" },
                                               &key2);
    g_autofree char *tp2 = cc_test_pem_thumbprint (pem2);
    g_autofree char *file = tmp_file (f, "nopass.pfx");
    X509 *x = x509_of (pem2);
    EVP_PKEY *k2 = key_of (key2);
    PKCS12 *p12 = PKCS12_create (NULL, "nopass", k2, x, NULL, NID_aes_256_cbc,
                                 NID_aes_256_cbc, 2048, 2048, 0);
    BIO *bio = BIO_new_file (file, "wb");

    g_assert_nonnull (p12);
    g_assert_true (i2d_PKCS12_bio (bio, p12));
    BIO_free (bio);
    PKCS12_free (p12);
    X509_free (x);
    EVP_PKEY_free (k2);
    g_assert_true (cc_import_pfx (edge, file, "", FALSE, NULL, &error));
    g_assert_no_error (error);
    g_assert_nonnull (cc_store_lookup_id (cc_server_get_store (edge, CC_STORE_PERSONAL), tp2));
  }
  EVP_PKEY_free (k);
}

/* ---- names that look like paths ---- */

static void
test_names_are_not_paths (Fixture *f, gconstpointer data)
{
  /* a certificate whose names, and a .pfx whose friendly name, look like paths out of the
   * store: the files it becomes are named by its thumbprint, inside the store */
  static const char * const sans[] = { "../../../etc/passwd", NULL };
  g_autofree char *key_pem = NULL;
  g_autofree char *pem = cc_test_pki_issue (f->pki,
                                            &(CcTestCertOptions) { .common_name = "../../escape",
                                                                   .sans = sans },
                                            &key_pem);
  g_autofree char *tp = cc_test_pem_thumbprint (pem);
  X509 *x = x509_of (pem);
  EVP_PKEY *k = key_of (key_pem);
  PKCS12 *p12 = PKCS12_create (PASSWORD, "../../../../tmp/evil", k, x, NULL, NID_aes_256_cbc,
                               NID_aes_256_cbc, 2048, 2048, 0);
  g_autofree char *file = tmp_file (f, "escape.pfx");
  g_autofree char *escape = g_build_filename (f->dir, "escape", NULL);
  BIO *bio = BIO_new_file (file, "wb");
  CcServer *edge = cc_deployment_find_server (f->d, EDGE01);
  CcStore *personal = cc_server_get_store (edge, CC_STORE_PERSONAL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  i2d_PKCS12_bio (bio, p12);
  BIO_free (bio);
  PKCS12_free (p12);
  X509_free (x);
  EVP_PKEY_free (k);

  before = cc_test_snapshot_tree (f->dir);
  g_assert_true (cc_import_pfx (edge, file, PASSWORD, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (escape, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/tmp/evil", G_FILE_TEST_EXISTS));
  after = cc_test_snapshot_tree (f->dir);
  /* every new file is in edge01's Personal store and named by the thumbprint */
  lines = g_strsplit (after, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && strstr (before, lines[i]) == NULL)
      {
        g_autofree char *expect = g_strdup_printf ("deployment/servers/%s/personal/%s.", EDGE01,
                                                   tp);
        if (!g_str_has_prefix (lines[i], expect)
            && !g_str_has_prefix (lines[i], "deployment/audit.log"))
          g_error ("unexpected file after the import: %s", lines[i]);
      }
  {
    CcStoreEntry *entry = cc_store_lookup_id (personal, tp);
    g_assert_nonnull (entry);
    /* the name is kept as a name */
    g_assert_cmpstr (cc_store_entry_get_friendly_name (entry), ==, "../../../../tmp/evil");
  }
  listing = g_strdup_printf ("%s/%s.pem", cc_store_get_path (personal), tp);
  g_assert_true (g_file_test (listing, G_FILE_TEST_IS_REGULAR));
}

/* ---- the write lock ---- */

static void
test_lock_two_processes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcLock) lock = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;
  g_autofree char *lock_file = g_build_filename (f->path, "deployment.lock", NULL);
  g_autofree char *pid = g_strdup_printf ("(pid %d)", (int) getpid ());
  g_autofree char *roots = tmp_file (f, "roots.pem");
  const char *certctl = g_getenv ("CERTCTL");
  int status = 0;

  g_assert_nonnull (certctl);
  g_assert_true (g_file_set_contents (roots, cc_test_pki_get_root_pem (f->pki), -1, NULL));
  g_set_prgname ("test-hostile");
  lock = cc_lock_acquire (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (lock_file, G_FILE_TEST_IS_REGULAR));

  /* another process that writes is refused, naming the holder; one that reads is not
   * held up */
  before = cc_test_snapshot_tree (f->path);
  {
    const char *argv[] = { certctl, "--deployment", f->path, "import", "chain", "--all", roots,
                           NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, &err, &status, &error));
    g_assert_no_error (error);
    g_test_message ("%s", err);
    g_assert_cmpint (WEXITSTATUS (status), ==, 1);
    g_assert_nonnull (strstr (err, "is being changed by test-hostile"));
    g_assert_nonnull (strstr (err, pid));
    g_assert_nonnull (strstr (err, " since "));
    g_assert_nonnull (strstr (err, "try again when it has finished"));
    g_assert_nonnull (strstr (err, f->path));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { certctl, "--deployment", f->path, "list", "servers", NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  }
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&lock, cc_lock_release);
  g_assert_false (g_file_test (lock_file, G_FILE_TEST_EXISTS));

  /* released: the same command now goes through */
  {
    const char *argv[] = { certctl, "--deployment", f->path, "import", "chain", "--all", roots,
                           NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  }
}

/* Another process holding the lock is this program run again (not a fork: under valgrind
 * a forked child's exit reports the parent's memory as leaked). Run as
 * "test-hostile --hold-lock DEPLOYMENT die|release", it takes the deployment's lock as
 * certctl, writes one byte to its standard output once it holds it, and when its standard
 * input ends either dies by SIGKILL still holding it (die) or releases it (release). */
static int
hold_lock (const char *path, const char *how)
{
  CcLock *held;
  char byte;

  if (strcmp (how, "die") != 0 && strcmp (how, "release") != 0)
    return 2;
  g_set_prgname ("certctl");
  held = cc_lock_acquire (path, NULL);
  if (held == NULL || write (STDOUT_FILENO, "x", 1) != 1)
    return 1;
  while (read (STDIN_FILENO, &byte, 1) > 0)
    ;
  if (strcmp (how, "die") == 0)
    kill (getpid (), SIGKILL);
  cc_lock_release (held);
  return 0;
}

/* that process started, returned once it holds the lock (it lives on, with its
 * identifier, until its standard input is closed) */
static GSubprocess *
start_holder (const char *path, const char *how)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", &error);
  GSubprocess *child;
  char byte = 0;

  g_assert_no_error (error);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                            &error, self, "--hold-lock", path, how, NULL);
  g_assert_no_error (error);
  g_assert_cmpint (g_input_stream_read (g_subprocess_get_stdout_pipe (child), &byte, 1, NULL,
                                        &error), ==, 1);
  g_assert_no_error (error);
  return child;
}

static gpointer
take_lock_thread (gpointer data)
{
  const char *path = data;
  CcLock *lock = cc_lock_acquire (path, NULL);
  g_assert_nonnull (lock);
  cc_lock_release (lock);
  return GINT_TO_POINTER (1);
}

static void
test_lock_same_process (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  CcLock *lock = cc_lock_acquire (f->path, &error);
  GThread *thread;

  g_assert_no_error (error);
  /* the console's jobs run in threads: the second waits for the first, it is not refused */
  thread = g_thread_new ("second writer", take_lock_thread, f->path);
  g_usleep (100 * 1000);
  cc_lock_release (lock);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), ==, 1);
}

static void
test_lock_stale (Fixture *f, gconstpointer data)
{
  g_autofree char *lock_file = g_build_filename (f->path, "deployment.lock", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcLock) lock = NULL;
  g_autofree char *dead = NULL;
  g_autofree char *alive = g_strdup_printf ("\t%d\t", (int) getpid ());
  g_autoptr(GSubprocess) child = NULL;

  /* a certctl killed while it held the lock: its file stays, naming a dead process */
  child = start_holder (f->path, "die");
  dead = g_strdup_printf ("\t%s\t", g_subprocess_get_identifier (child));
  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (child), NULL, &error));
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
  g_assert_true (g_file_get_contents (lock_file, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, dead));

  /* the next writer takes it over, and says it is its own */
  lock = cc_lock_acquire (f->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (lock_file, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, alive));
  g_clear_pointer (&lock, cc_lock_release);

  /* a lock file with rubbish in it, held by nobody, is taken over too */
  g_assert_true (g_file_set_contents (lock_file, "\x01\xff garbage", -1, NULL));
  lock = cc_lock_acquire (f->path, &error);
  g_assert_no_error (error);
}

/* the console's writing jobs: refused while another process holds the lock, taken back
 * whole when they fail */

typedef struct
{
  const char *site;
  gboolean fail;
  gboolean ran;
} SiteJob;

static gpointer
add_site_work (CcDeployment *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  SiteJob *job = data;

  job->ran = TRUE;
  if (cc_deployment_add_site (worker, job->site, error) == NULL)
    return NULL;
  if (job->fail)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_FAILED, "failing after the change, on purpose");
      return NULL;
    }
  return GINT_TO_POINTER (1);
}

typedef struct
{
  GError *error;
  gboolean done;
} Wait;

static void
job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  cc_deployment_run_finish (CC_DEPLOYMENT (source), result, &wait->error);
  wait->done = TRUE;
}

static GError *
run_site_job (Fixture *f, SiteJob *job)
{
  Wait wait = { NULL, FALSE };

  cc_deployment_run_write_async (f->d, add_site_work, job, NULL, NULL, NULL, job_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  return wait.error;
}

static void
test_console_jobs (Fixture *f, gconstpointer data)
{
  g_autofree char *json = g_build_filename (f->path, "deployment.json", NULL);
  g_autofree char *before = cc_test_snapshot_tree (f->path);
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) wait_error = NULL;

  /* another program (a child of ours) holds the lock until we close its standard input */
  child = start_holder (f->path, "release");
  {
    SiteJob job = { "Locked out" };
    g_autoptr(GError) error = run_site_job (f, &job);
    g_autofree char *holder = g_strdup_printf ("certctl (pid %s)",
                                               g_subprocess_get_identifier (child));

    g_assert_error (error, CC_ERROR, CC_ERROR_LOCKED);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, holder));
    g_assert_false (job.ran);
  }
  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (child), NULL, &wait_error));
  g_assert_true (g_subprocess_wait_check (child, NULL, &wait_error));
  g_assert_no_error (wait_error);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);

  /* a job that fails after its change: the change is taken back */
  {
    SiteJob job = { "Half done", TRUE };
    g_autoptr(GError) error = run_site_job (f, &job);

    g_assert_error (error, CC_ERROR, CC_ERROR_FAILED);
    g_assert_true (job.ran);
    g_clear_pointer (&after, g_free);
    after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }

  /* and one that succeeds keeps it, leaving no lock or journal behind */
  {
    SiteJob job = { "Done" };
    g_autoptr(GError) error = run_site_job (f, &job);
    g_autofree char *lock_file = g_build_filename (f->path, "deployment.lock", NULL);
    g_autofree char *journal = g_build_filename (f->path, "deployment.journal", NULL);

    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"Done\""));
    g_assert_false (g_file_test (lock_file, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  }
}

/* a journal left by a writer killed while it appended to it: the complete lines are
 * replayed by the next program to open the deployment, the torn one is not (its path, cut
 * short, could name another file) */
static void
test_journal_torn_line (Fixture *f, gconstpointer data)
{
  g_autofree char *journal = g_build_filename (f->path, "deployment.journal", NULL);
  g_autofree char *made = g_build_filename (f->path, "servers", EDGE01, "personal",
                                            ZEROS ".pem", NULL);
  g_autofree char *json = g_build_filename (f->path, "deployment.json", NULL);
  g_autofree char *text = g_strdup_printf ("c\tservers/%s/personal/%s.pem\nc\tdeployment.js",
                                           EDGE01, ZEROS);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = NULL;

  before = cc_test_snapshot_tree (f->path);
  g_assert_true (g_file_set_contents (made, "half made", -1, NULL));
  g_assert_true (g_file_set_contents (journal, text, -1, NULL));
  /* "deployment.js" is not a file here; make one, so that a replay of the torn line would
   * be seen removing it */
  {
    g_autofree char *js = g_build_filename (f->path, "deployment.js", NULL);
    g_assert_true (g_file_set_contents (js, "x", -1, NULL));
    d = cc_deployment_open (f->path, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_file_test (js, G_FILE_TEST_EXISTS));
    g_unlink (js);
  }
  g_assert_false (g_file_test (made, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (json, G_FILE_TEST_EXISTS));
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
}

/* two documents one after the other (json-glib would keep the last, and leak the first:
 * the fuzzer found it) */
static void
test_two_documents (Fixture *f, gconstpointer data)
{
  g_autofree char *json = g_build_filename (f->path, "deployment.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcDeployment) d = NULL;

  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  twice = g_strconcat (text, "{ \"format\" : 1, \"sites\" : [ ] }\n", NULL);
  g_assert_true (g_file_set_contents (json, twice, -1, NULL));
  d = cc_deployment_open (f->path, NULL, &error);
  g_assert_null (d);
  g_assert_error (error, CC_ERROR, CC_ERROR_PARSE);
  assert_refused (error, json, "two documents");
  g_assert_nonnull (strstr (error->message, "more than one JSON document"));
  g_assert_true (g_file_get_contents (json, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, twice);
}

/* Loads the store as a fresh deployment would (nothing parsed yet) and returns it. */
static CcDeployment *
load_fresh (Fixture *f, CcStore **personal, guint *n_read, guint *n_indexed)
{
  g_autoptr(GError) error = NULL;
  CcDeployment *d = cc_deployment_open (f->path, NULL, &error);

  g_assert_no_error (error);
  *personal = cc_server_get_store (cc_deployment_find_server (d, EDGE01), CC_STORE_PERSONAL);
  g_assert_true (cc_store_load (*personal, NULL, &error));
  g_assert_no_error (error);
  _cc_store_get_load_stats (*personal, n_read, n_indexed);
  return d;
}

static gboolean
problems_name (CcStore *store, const char *file)
{
  const char * const *problems = cc_store_get_problems (store);

  for (guint i = 0; problems[i] != NULL; i++)
    if (strstr (problems[i], file) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_index_cache (Fixture *f, gconstpointer data)
{
  /* a SEQUENCE holding an INTEGER: DER, but no certificate */
  static const guint8 not_a_certificate[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
  g_autofree char *forged_tp = NULL;
  g_autofree char *forged_file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *index_path = NULL;
  g_autofree char *real_tp = NULL;
  g_autofree char *real_file = NULL;
  g_autofree char *good_index = NULL;
  gsize good_len;
  CcStore *personal;
  guint n_read, n_indexed;

  {
    g_autoptr(CcDeployment) d = load_fresh (f, &personal, &n_read, &n_indexed);
    g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (personal), 0);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (personal)), ==, 1);
    real_tp = g_strdup (cc_store_entry_get_id (e));
    dir = g_strdup (cc_store_get_path (personal));
  }
  index_path = _cc_store_index_dup_path (dir);
  real_file = g_strdup_printf ("%s/%s.pem", dir, real_tp);

  /* a file named after the SHA-256 of bytes that are no certificate, and the real
   * certificate's file dated in the year 2400 (past 2262, where nanoseconds since 1970
   * overflow 64 bits; ext4 keeps times up to 2446) */
  forged_tp = g_compute_checksum_for_data (G_CHECKSUM_SHA256, not_a_certificate,
                                           sizeof not_a_certificate);
  forged_file = g_strdup_printf ("%s/%s.pem", dir, forged_tp);
  {
    g_autofree char *b64 = g_base64_encode (not_a_certificate, sizeof not_a_certificate);
    g_autofree char *pem = g_strdup_printf ("-----BEGIN CERTIFICATE-----\n%s\n"
                                            "-----END CERTIFICATE-----\n", b64);
    struct timespec times[2] = { { G_GINT64_CONSTANT (13569465600), 0 },
                                 { G_GINT64_CONSTANT (13569465600), 0 } };
    g_assert_true (g_file_set_contents (forged_file, pem, -1, NULL));
    g_assert_cmpint (utimensat (AT_FDCWD, real_file, times, 0), ==, 0);
  }
  g_usleep (1100 * G_TIME_SPAN_MILLISECOND);   /* older than the index's racy window */

  /* an index whose checksum is right (anyone can compute it) and whose row vouches for the
   * forged file with a summary of those bytes: the summary is refused, the file read */
  {
    g_autoptr(CcStoreIndex) index = _cc_store_index_new ();
    g_autoptr(GVariant) summary = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(CcDeployment) d = NULL;
    const char *none[] = { NULL };
    GStatBuf st;

    summary = g_variant_ref_sink (g_variant_new (
        "(@ayssssssuxx^as^asubsubibt)",
        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, not_a_certificate,
                                   sizeof not_a_certificate, 1),
        "sha1", "CN=forged", "CN=forged", "forged", "forged", "01", 3,
        G_GINT64_CONSTANT (0), G_GINT64_CONSTANT (4102444800), none, none, 0, FALSE, "RSA",
        2048, FALSE, -1, TRUE, G_GUINT64_CONSTANT (0)));
    bytes = g_variant_get_data_as_bytes (summary);
    g_assert_cmpint (g_stat (forged_file, &st), ==, 0);
    g_assert_true (_cc_store_index_add (index, forged_tp, &st, bytes));
    g_assert_true (_cc_store_index_write (index, dir, &error));
    g_assert_no_error (error);

    d = load_fresh (f, &personal, &n_read, &n_indexed);
    g_assert_cmpuint (n_read, ==, 2);
    g_assert_cmpuint (n_indexed, ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (personal)), ==, 1);
    g_assert_nonnull (cc_store_lookup_id (personal, real_tp));
    g_assert_null (cc_store_lookup_id (personal, forged_tp));
    g_assert_true (problems_name (personal, forged_file));
  }

  /* the index rebuilt then holds the real certificate, its far-off time included */
  {
    g_autoptr(CcDeployment) d = load_fresh (f, &personal, &n_read, &n_indexed);

    g_assert_cmpuint (n_read, ==, 1);           /* the forged file, never indexed */
    g_assert_cmpuint (n_indexed, ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (personal)), ==, 1);
    g_assert_nonnull (cc_store_lookup_id (personal, real_tp));
  }
  g_assert_cmpint (g_unlink (forged_file), ==, 0);
  {
    g_autoptr(CcDeployment) d = load_fresh (f, &personal, &n_read, &n_indexed);
    g_assert_cmpuint (n_read, ==, 0);
    g_assert_cmpuint (n_indexed, ==, 1);
  }
  g_assert_true (g_file_get_contents (index_path, &good_index, &good_len, NULL));
  g_assert_cmpuint (good_len, >, 64);

  /* damaged in every way the checksum or the layout catches, and empty (no rows at all):
   * each time the file is read as if there were no index, and the index rebuilt */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *damaged = g_memdup2 (good_index, good_len);
      gsize len = good_len;
      g_autofree char *now = NULL;
      gsize now_len;

      switch (i)
        {
        case 0: len = 40; break;                           /* cut short */
        case 1: damaged[good_len / 2] ^= 0x20; break;      /* one bit, anywhere */
        case 2: damaged[12] = 9; break;                    /* another version */
        case 3: memset (damaged, 0xa5, good_len); break;   /* not an index at all */
        default: break;
        }
      if (i < 4)
        g_assert_true (g_file_set_contents (index_path, damaged, len, NULL));
      else
        {
          g_autoptr(CcStoreIndex) empty = _cc_store_index_new ();
          g_autoptr(GError) error = NULL;
          g_assert_true (_cc_store_index_write (empty, dir, &error));
          g_assert_no_error (error);
        }
      {
        g_autoptr(CcDeployment) d = load_fresh (f, &personal, &n_read, &n_indexed);
        g_test_message ("damage %u: %u read, %u indexed", i, n_read, n_indexed);
        g_assert_cmpuint (n_read, ==, 1);
        g_assert_cmpuint (n_indexed, ==, 0);
        g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (personal)), ==, 1);
        g_assert_nonnull (cc_store_lookup_id (personal, real_tp));
        g_assert_null (cc_store_get_problems (personal)[0]);
      }
      g_assert_true (g_file_get_contents (index_path, &now, &now_len, NULL));
      g_assert_cmpmem (now, now_len, good_index, good_len);
    }
}

int
main (int argc, char *argv[])
{
  if (argc == 4 && strcmp (argv[1], "--hold-lock") == 0)
    {
      cc_core_init ();
      return hold_lock (argv[2], argv[3]);
    }
  g_test_init (&argc, &argv, NULL);
  cc_core_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/hostile/size-limits", test_size_limits);
  ADD ("/hostile/not-files", test_not_files);
  ADD ("/hostile/pfx-work", test_pfx_work);
  ADD ("/hostile/pfx-parts", test_pfx_parts);
  ADD ("/hostile/names-are-not-paths", test_names_are_not_paths);
  ADD ("/hostile/lock-two-processes", test_lock_two_processes);
  ADD ("/hostile/lock-same-process", test_lock_same_process);
  ADD ("/hostile/lock-stale", test_lock_stale);
  ADD ("/hostile/console-jobs", test_console_jobs);
  ADD ("/hostile/journal-torn-line", test_journal_torn_line);
  ADD ("/hostile/two-documents", test_two_documents);
  ADD ("/hostile/index-cache", test_index_cache);
#undef ADD
  return g_test_run ();
}
