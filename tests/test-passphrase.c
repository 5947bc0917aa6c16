/* test-passphrase.c: keys at rest. The deployment passphrase through the core and through
 * certctl (set, change, remove, lock, unlock, wrong passphrase, locked operations), the
 * on-disk format checked with OpenSSL independently of the core, an interrupted change
 * rolled back and forward when the deployment is opened, and certctl killed with SIGKILL
 * at hundreds of points during `passphrase set|change|remove`: after each kill every key
 * opens with the old or the new passphrase and matches its certificate. Also: `check`
 * reports key files and folders with looser modes, and a key not marked exportable leaves
 * by no path (export .pfx, export of the certificate, distribute outside its pool). */
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/core_names.h>
#include <openssl/x509.h>

#include "certconsole-core.h"
#include "cc-test-cli.h"
#include "cc-test-pki.h"

#define PASS_A "correct horse battery staple"
#define PASS_B "Tr0ub4dor&3 but longer"
#define EDGE01 "edge01.contoso.com"
#define CWA01 "cwa01.contoso.com"
#define EDGE02 "edge02.contoso.com"
#define FE01 "fe01.contoso.com"
#define EDGE_POOL "edgepool.contoso.com"

typedef struct
{
  char *dir;
  char *path;      /* the deployment: dir/dep */
  char *file_a;    /* PASS_A on one line */
  char *file_b;
  CcDeployment *d;
} Fixture;

static void
write_text (const char *file, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_file_set_contents (file, text, -1, &error);
  g_assert_no_error (error);
}

static char *
read_text (const char *file)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  g_file_get_contents (file, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  CcRequestOptions o = { .iface = CC_INTERFACE_EDGE_ACCESS, .friendly_name = "pending",
                         .key_type = "ec:p256" };
  CcStoreEntry *entry;

  f->dir = cc_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "dep", NULL);
  f->file_a = g_build_filename (f->dir, "a.txt", NULL);
  f->file_b = g_build_filename (f->dir, "b.txt", NULL);
  write_text (f->file_a, PASS_A "\n");
  write_text (f->file_b, PASS_B "\n");
  f->d = cc_deployment_create (f->path, TRUE, NULL, &error);
  g_assert_no_error (error);
  /* a key in Pending Requests too */
  entry = cc_request_create (cc_deployment_find_server (f->d, EDGE01), &o, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->d);
  cc_test_rmrf (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->file_a);
  g_free (f->file_b);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_clear_object (&f->d);
  f->d = cc_deployment_open (f->path, NULL, &error);
  g_assert_no_error (error);
}

/* ---- the on-disk format, read with OpenSSL alone ---- */

/* every *.key of the deployment but assigned/ (what the passphrase protects), sorted */
static void
collect_keys (const char *dir, const char *suffix, GPtrArray *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        {
          if (!g_str_equal (name, "assigned"))
            collect_keys (path, suffix, out);
        }
      else if (g_str_has_suffix (name, suffix))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static GPtrArray *
list_keys (const char *root, const char *suffix)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  collect_keys (root, suffix, out);
  g_ptr_array_sort (out, compare_strings);
  return out;
}

static JsonObject *
read_json (const char *path)
{
  g_autofree char *file = g_build_filename (path, "deployment.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, file, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
write_json (const char *path, JsonObject *obj)
{
  g_autofree char *file = g_build_filename (path, "deployment.json", NULL);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), obj);
  g_autoptr(GError) error = NULL;

  json_generator_set_root (gen, root);
  json_generator_to_file (gen, file, &error);
  g_assert_no_error (error);
}

static JsonObject *
dup_member (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_object_ref (json_node_get_object (node)) : NULL;
}

static void
hex (const guchar *data, gsize len, char *out)
{
  for (gsize i = 0; i < len; i++)
    g_snprintf (out + 2 * i, 3, "%02x", data[i]);
}

/* The format, as the core's header documents it: scrypt (passphrase, salt, n, r, p) gives 64
 * bytes; the verifier is the SHA-256 of the first 32, the key files' PKCS#8 password the
 * hex of the other 32. Derived once per salt and passphrase. */
static GHashTable *derived_cache;

static const char *
derive (JsonObject *spec, const char *passphrase, gboolean *verifier_ok)
{
  const char *salt64 = json_object_get_string_member (spec, "salt");
  g_autofree char *key = g_strconcat (salt64, "|", passphrase, NULL);
  char *cached;

  if (derived_cache == NULL)
    derived_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  cached = g_hash_table_lookup (derived_cache, key);
  if (cached == NULL)
    {
      guchar out[64], digest[SHA256_DIGEST_LENGTH];
      gsize salt_len;
      g_autofree guchar *salt = g_base64_decode (salt64, &salt_len);

      g_assert_cmpstr (json_object_get_string_member (spec, "kdf"), ==, "scrypt");
      g_assert_cmpint (json_object_get_int_member (spec, "n"), >=, 16384);
      g_assert_true (EVP_PBE_scrypt (passphrase, strlen (passphrase), salt, salt_len,
                                     json_object_get_int_member (spec, "n"),
                                     json_object_get_int_member (spec, "r"),
                                     json_object_get_int_member (spec, "p"),
                                     128 * 1024 * 1024, out, sizeof out) == 1);
      SHA256 (out, 32, digest);
      cached = g_malloc0 (2 * 64 + 2);
      hex (out + 32, 32, cached);              /* password */
      hex (digest, 32, cached + 65);           /* verifier */
      g_hash_table_insert (derived_cache, g_steal_pointer (&key), cached);
    }
  if (verifier_ok != NULL)
    *verifier_ok = g_str_equal (cached + 65, json_object_get_string_member (spec, "verifier"));
  return cached;
}

/* the public key of what sits beside a key file: X.pem (a certificate) or X.csr */
static EVP_PKEY *
partner_public_key (const char *key_path)
{
  g_autofree char *base = g_strndup (key_path, strlen (key_path) - strlen (".key"));
  g_autofree char *pem = g_strconcat (base, ".pem", NULL);
  g_autofree char *csr = g_strconcat (base, ".csr", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  BIO *bio;
  EVP_PKEY *pub = NULL;

  if (g_file_get_contents (pem, &text, NULL, NULL))
    {
      X509 *x;
      bio = BIO_new_mem_buf (text, -1);
      x = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
      BIO_free (bio);
      g_assert_nonnull (x);
      pub = X509_get_pubkey (x);
      X509_free (x);
    }
  else if (g_file_get_contents (csr, &text, NULL, NULL))
    {
      X509_REQ *r;
      bio = BIO_new_mem_buf (text, -1);
      r = PEM_read_bio_X509_REQ (bio, NULL, NULL, NULL);
      BIO_free (bio);
      g_assert_nonnull (r);
      pub = X509_REQ_get_pubkey (r);
      X509_REQ_free (r);
    }
  return pub;
}

/* Opens a key file with one of passwords (NULL entries: the file is plain PKCS#8) and
 * checks it is the key of its certificate or request. Returns the index of the password
 * that opened it, or -1. */
static int
key_opens (const char *key_path, const char * const *passwords, guint n)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean encrypted;
  EVP_PKEY *pub;
  int found = -1;

  g_file_get_contents (key_path, &text, NULL, &error);
  g_assert_no_error (error);
  encrypted = strstr (text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL;
  if (!encrypted)
    g_assert_nonnull (strstr (text, "-----BEGIN PRIVATE KEY-----"));
  pub = partner_public_key (key_path);
  for (guint i = 0; i < n && found < 0; i++)
    {
      BIO *bio;
      EVP_PKEY *key;

      if ((passwords[i] == NULL) == encrypted)
        continue;
      bio = BIO_new_mem_buf (text, -1);
      key = PEM_read_bio_PrivateKey (bio, NULL, NULL, (void *) (passwords[i] ? passwords[i] : ""));
      BIO_free (bio);
      ERR_clear_error ();
      if (key != NULL)
        {
          if (pub != NULL)
            g_assert_cmpint (EVP_PKEY_eq (key, pub), ==, 1);
          found = i;
        }
      EVP_PKEY_free (key);
    }
  EVP_PKEY_free (pub);
  return found;
}

static void
assert_mode (const char *path, int mode)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, mode);
}

/* every protected key opens with spec's passphrase (spec NULL: plain), mode 0600; the
 * assigned/ keys stay plain */
static void
assert_all_keys (const char *path, JsonObject *spec, const char *passphrase, guint min_keys)
{
  g_autoptr(GPtrArray) keys = list_keys (path, ".key");
  g_autoptr(GPtrArray) leftovers = list_keys (path, ".key.new");
  g_autoptr(GPtrArray) assigned = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *servers = g_build_filename (path, "servers", NULL);
  const char *password = NULL;
  g_autoptr(GDir) d = g_dir_open (servers, 0, NULL);
  const char *name;

  if (spec != NULL)
    {
      gboolean ok = FALSE;
      password = derive (spec, passphrase, &ok);
      g_assert_true (ok);
    }
  g_assert_cmpuint (keys->len, >=, min_keys);
  g_assert_cmpuint (leftovers->len, ==, 0);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      if (key_opens (k, &password, 1) != 0)
        g_error ("%s does not open with %s", k, spec ? passphrase : "no passphrase");
      assert_mode (k, 0600);
    }
  /* assigned/ is for the TLS servers: plain, 0600, whatever the passphrase */
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *a = g_build_filename (servers, name, "assigned", NULL);
      g_autoptr(GDir) ad = g_dir_open (a, 0, NULL);
      const char *n;
      while (ad != NULL && (n = g_dir_read_name (ad)) != NULL)
        if (g_str_has_suffix (n, ".key"))
          {
            g_autofree char *k = g_build_filename (a, n, NULL);
            g_autofree char *text = read_text (k);
            g_assert_nonnull (strstr (text, "-----BEGIN PRIVATE KEY-----"));
            assert_mode (k, 0600);
            g_ptr_array_add (assigned, g_steal_pointer (&k));
          }
    }
  g_assert_cmpuint (assigned->len, >, 0);
}

/* no file of the deployment holds the passphrase or the derived password */
static void
assert_secret_nowhere (const char *root, const char *secret)
{
  g_autoptr(GDir) d = g_dir_open (root, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_secret_nowhere (path, secret);
      else
        {
          g_autofree char *text = NULL;
          gsize len;
          g_assert_true (g_file_get_contents (path, &text, &len, NULL));
          g_assert_null (g_strstr_len (text, len, secret));
        }
    }
}

static char *
first_personal_key (Fixture *f, const char *fqdn)
{
  CcStore *store = cc_server_get_store (cc_deployment_find_server (f->d, fqdn), CC_STORE_PERSONAL);
  g_autoptr(GError) error = NULL;

  g_assert_true (cc_store_load (store, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (store), i);
      if (cc_store_entry_get_has_private_key (e))
        return g_strdup (cc_store_entry_get_id (e));
    }
  g_assert_not_reached ();
  return NULL;
}

/* ---- the core ---- */

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} Async;

static void
unlocked_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Async *a = user_data;
  a->ok = cc_deployment_unlock_finish (CC_DEPLOYMENT (source), res, &a->error);
  a->done = TRUE;
}

static void
changed_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Async *a = user_data;
  a->ok = cc_deployment_set_passphrase_finish (CC_DEPLOYMENT (source), res, &a->error);
  a->done = TRUE;
}

static void
wait_async (Async *a)
{
  while (!a->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (a->error);
  g_assert_true (a->ok);
}

static void
test_core (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) spec = NULL;
  g_autofree char *tp = first_personal_key (f, CWA01);
  g_autofree char *before = NULL;
  g_autoptr(GBytes) key = NULL;
  CcStore *personal = cc_server_get_store (cc_deployment_find_server (f->d, CWA01), CC_STORE_PERSONAL);
  CcServer *edge01 = cc_deployment_find_server (f->d, EDGE01);
  CcRequestOptions o = { .iface = CC_INTERFACE_EDGE_INTERNAL, .friendly_name = "locked",
                         .key_type = "ec:p256" };
  guint n_keys;

  g_assert_false (cc_deployment_has_passphrase (f->d));
  g_assert_false (cc_deployment_is_locked (f->d));
  {
    g_autoptr(GPtrArray) keys = list_keys (f->path, ".key");
    n_keys = keys->len;
  }
  g_assert_cmpuint (n_keys, >=, 9);   /* Personal of five servers, a request, two CA keys */
  assert_all_keys (f->path, NULL, NULL, n_keys);

  /* removing what is not there, unlocking what has no passphrase */
  g_assert_false (cc_deployment_set_passphrase (f->d, NULL, 0, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (cc_deployment_unlock (f->d, PASS_A, strlen (PASS_A), &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (cc_deployment_set_passphrase (f->d, PASS_A, strlen (PASS_A), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cc_deployment_has_passphrase (f->d));
  g_assert_false (cc_deployment_is_locked (f->d));   /* the session that set it goes on */
  doc = read_json (f->path);
  spec = dup_member (doc, "passphrase");
  g_assert_nonnull (spec);
  g_assert_false (json_object_has_member (doc, "passphrase_change"));
  assert_all_keys (f->path, spec, PASS_A, n_keys);
  assert_secret_nowhere (f->path, PASS_A);
  assert_secret_nowhere (f->path, derive (spec, PASS_A, NULL));

  /* opened again: locked. Reading a key, writing one, the lab CA: all refused */
  reopen (f);
  personal = cc_server_get_store (cc_deployment_find_server (f->d, CWA01), CC_STORE_PERSONAL);
  edge01 = cc_deployment_find_server (f->d, EDGE01);
  g_assert_true (cc_deployment_has_passphrase (f->d));
  g_assert_true (cc_deployment_is_locked (f->d));
  before = cc_test_snapshot_tree (f->path);
  g_assert_null (cc_store_read_key (personal, tp, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_LOCKED_KEYS);
  g_assert_nonnull (strstr (error->message, "passphrase"));
  g_clear_error (&error);
  g_assert_null (cc_request_create (edge01, &o, NULL, NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_LOCKED_KEYS);
  g_clear_error (&error);
  g_assert_false (cc_request_submit (edge01, CC_INTERFACE_EDGE_ACCESS, "Contoso Lab CA", NULL,
                                     &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_LOCKED_KEYS);
  g_clear_error (&error);
  g_assert_false (cc_deployment_set_passphrase (f->d, PASS_B, strlen (PASS_B), NULL, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_LOCKED_KEYS);
  g_clear_error (&error);
  {
    g_autofree char *after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }

  /* the wrong passphrase, then the right one (async, as the console does) */
  g_assert_false (cc_deployment_unlock (f->d, PASS_B, strlen (PASS_B), &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (cc_deployment_is_locked (f->d));
  {
    Async a = { 0 };
    cc_deployment_unlock_async (f->d, PASS_A, strlen (PASS_A), NULL, unlocked_cb, &a);
    wait_async (&a);
  }
  g_assert_false (cc_deployment_is_locked (f->d));
  key = cc_store_read_key (personal, tp, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_bytes_get_data (key, NULL), "-----BEGIN PRIVATE KEY-----"));

  /* a new key written while unlocked is encrypted too */
  {
    CcStoreEntry *e = cc_request_create (edge01, &o, NULL, NULL, &error);
    g_assert_nonnull (e);
    g_assert_no_error (error);
    g_assert_true (cc_request_submit (edge01, CC_INTERFACE_EDGE_INTERNAL, "Contoso Lab CA", NULL,
                                      &error));
    g_assert_no_error (error);
    n_keys++;
    assert_all_keys (f->path, spec, PASS_A, n_keys);
  }

  /* lock wipes the secret: refused again */
  cc_deployment_lock (f->d);
  g_assert_true (cc_deployment_is_locked (f->d));
  g_clear_pointer (&key, g_bytes_unref);
  g_assert_null (cc_store_read_key (personal, tp, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_LOCKED_KEYS);
  g_clear_error (&error);

  /* change, then remove */
  g_assert_true (cc_deployment_unlock (f->d, PASS_A, strlen (PASS_A), &error));
  {
    Async a = { 0 };
    cc_deployment_set_passphrase_async (f->d, PASS_B, strlen (PASS_B), NULL, changed_cb, &a);
    wait_async (&a);
  }
  g_clear_pointer (&doc, json_object_unref);
  g_clear_pointer (&spec, json_object_unref);
  doc = read_json (f->path);
  spec = dup_member (doc, "passphrase");
  assert_all_keys (f->path, spec, PASS_B, n_keys);
  reopen (f);
  g_assert_false (cc_deployment_unlock (f->d, PASS_A, strlen (PASS_A), &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (cc_deployment_unlock (f->d, PASS_B, strlen (PASS_B), &error));
  g_assert_true (cc_deployment_set_passphrase (f->d, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cc_deployment_has_passphrase (f->d));
  g_clear_pointer (&doc, json_object_unref);
  doc = read_json (f->path);
  g_assert_false (json_object_has_member (doc, "passphrase"));
  assert_all_keys (f->path, NULL, NULL, n_keys);
}

/* ---- an interrupted change, as a kill leaves it ---- */

/* encrypts a plain or encrypted key file (opened with from, NULL: plain) to to_password */
static void
reencrypt_to (const char *src, const char *from, const char *dst, const char *to_password)
{
  g_autofree char *text = read_text (src);
  BIO *in = BIO_new_mem_buf (text, -1);
  BIO *out = BIO_new (BIO_s_mem ());
  EVP_PKEY *key = PEM_read_bio_PrivateKey (in, NULL, NULL, (void *) (from ? from : ""));
  char *data;
  long len;

  g_assert_nonnull (key);
  g_assert_true (PEM_write_bio_PKCS8PrivateKey (out, key, EVP_aes_256_cbc (), to_password,
                                                strlen (to_password), NULL, NULL));
  len = BIO_get_mem_data (out, &data);
  {
    g_autoptr(GError) error = NULL;
    g_file_set_contents_full (dst, data, len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
    g_assert_no_error (error);
  }
  EVP_PKEY_free (key);
  BIO_free (in);
  BIO_free (out);
}

/* a passphrase spec made here, as another writer of the format would */
static JsonObject *
new_spec (const char *passphrase)
{
  JsonObject *spec = json_object_new ();
  guchar salt[16];
  g_autofree char *salt64 = NULL;

  for (guint i = 0; i < sizeof salt; i++)
    salt[i] = g_random_int_range (0, 256);
  salt64 = g_base64_encode (salt, sizeof salt);
  json_object_set_string_member (spec, "kdf", "scrypt");
  json_object_set_int_member (spec, "n", 16384);
  json_object_set_int_member (spec, "r", 8);
  json_object_set_int_member (spec, "p", 1);
  json_object_set_string_member (spec, "salt", salt64);
  json_object_set_string_member (spec, "verifier", derive (spec, passphrase, NULL) + 65);
  return spec;
}

static void
test_recover (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) spec_a = NULL;
  g_autoptr(JsonObject) spec_b = NULL;
  g_autoptr(JsonObject) change = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  const char *pw_a, *pw_b;
  guint n_keys;

  g_assert_true (cc_deployment_set_passphrase (f->d, PASS_A, strlen (PASS_A), NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->d);
  doc = read_json (f->path);
  spec_a = dup_member (doc, "passphrase");
  pw_a = derive (spec_a, PASS_A, NULL);
  keys = list_keys (f->path, ".key");
  n_keys = keys->len;

  /* killed while the new files were written: they go, A stays */
  spec_b = new_spec (PASS_B);
  pw_b = derive (spec_b, PASS_B, NULL);
  for (guint i = 0; i < keys->len; i += 2)
    {
      g_autofree char *next = g_strconcat (g_ptr_array_index (keys, i), ".new", NULL);
      reencrypt_to (g_ptr_array_index (keys, i), pw_a, next, pw_b);
    }
  {
    g_autofree char *dir = g_path_get_dirname (g_ptr_array_index (keys, 0));
    g_autofree char *base = g_path_get_basename (g_ptr_array_index (keys, 1));
    g_autofree char *tmp = g_strdup_printf ("%s/.%s.new.tmp-AbC123", dir, base);
    write_text (tmp, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nhalf");
  }
  change = json_object_new ();
  json_object_set_string_member (change, "phase", "prepare");
  json_object_set_object_member (change, "next", json_object_ref (spec_b));
  /* a change whose writer is alive (here: this process) is left to it */
  json_object_set_int_member (change, "pid", getpid ());
  json_object_set_object_member (doc, "passphrase_change", json_object_ref (change));
  write_json (f->path, doc);
  {
    g_autofree char *before = cc_test_snapshot_tree (f->path);
    g_autofree char *after = NULL;
    reopen (f);
    g_clear_object (&f->d);
    after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }
  /* its writer dead: rolled back */
  {
    /* one that waits to be killed: a process that ends by itself may be reaped (and its
     * identifier gone) before it is asked for (under valgrind, "true" always was) */
    g_autoptr(GSubprocess) dead = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sleep", "600",
                                                    NULL);
    g_assert_no_error (error);
    g_assert_nonnull (g_subprocess_get_identifier (dead));
    json_object_set_int_member (change, "pid", atoi (g_subprocess_get_identifier (dead)));
    g_subprocess_force_exit (dead);
    g_assert_true (g_subprocess_wait (dead, NULL, &error));
  }
  /* doc holds change itself: the new pid is in it */
  g_clear_pointer (&change, json_object_unref);
  write_json (f->path, doc);
  reopen (f);
  {
    g_autoptr(JsonObject) now = read_json (f->path);
    g_autoptr(JsonObject) spec = dup_member (now, "passphrase");
    g_autofree char *tree = cc_test_snapshot_tree (f->path);
    g_assert_false (json_object_has_member (now, "passphrase_change"));
    g_assert_cmpstr (json_object_get_string_member (spec, "salt"), ==,
                     json_object_get_string_member (spec_a, "salt"));
    assert_all_keys (f->path, spec_a, PASS_A, n_keys);
    g_assert_null (strstr (tree, ".tmp-"));
  }
  g_assert_true (cc_deployment_unlock (f->d, PASS_A, strlen (PASS_A), &error));
  g_assert_no_error (error);

  /* killed after the flip, some files renamed already: the rest follow, B is current */
  g_clear_object (&f->d);
  g_clear_pointer (&doc, json_object_unref);
  doc = read_json (f->path);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      g_autofree char *next = g_strconcat (k, ".new", NULL);
      reencrypt_to (k, pw_a, next, pw_b);
      if (i % 3 == 0)
        g_assert_cmpint (g_rename (next, k), ==, 0);
    }
  change = json_object_new ();
  json_object_set_string_member (change, "phase", "commit");
  json_object_set_object_member (doc, "passphrase", json_object_ref (spec_b));
  json_object_set_object_member (doc, "passphrase_change", g_steal_pointer (&change));
  write_json (f->path, doc);
  reopen (f);
  {
    g_autoptr(JsonObject) now = read_json (f->path);
    g_assert_false (json_object_has_member (now, "passphrase_change"));
    assert_all_keys (f->path, spec_b, PASS_B, n_keys);
  }
  g_assert_false (cc_deployment_unlock (f->d, PASS_A, strlen (PASS_A), &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (cc_deployment_unlock (f->d, PASS_B, strlen (PASS_B), &error));
  g_assert_no_error (error);

  /* a marker this version does not know is refused, and the file left alone */
  g_clear_object (&f->d);
  g_clear_pointer (&doc, json_object_unref);
  doc = read_json (f->path);
  change = json_object_new ();
  json_object_set_string_member (change, "phase", "halfway");
  json_object_set_object_member (doc, "passphrase_change", g_steal_pointer (&change));
  write_json (f->path, doc);
  {
    g_autofree char *before = cc_test_snapshot_tree (f->path);
    g_autofree char *after = NULL;
    g_assert_null (cc_deployment_open (f->path, NULL, &error));
    g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "passphrase_change"));
    g_clear_error (&error);
    after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }
}

/* ---- certctl ---- */

#define certctl(run, f, ...) \
  cc_test_run_certctl ((run), NULL, (f)->path, NULL, NULL, (const char *[]) { __VA_ARGS__, NULL })
#define certctl_stdin(run, f, input, ...) \
  cc_test_run_certctl ((run), NULL, (f)->path, NULL, (input), \
                       (const char *[]) { __VA_ARGS__, NULL })

static void
test_cli (Fixture *f, gconstpointer data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *tp = first_personal_key (f, CWA01);
  g_autofree char *out_pfx = g_build_filename (f->dir, "out.pfx", NULL);
  g_autofree char *short_file = g_build_filename (f->dir, "short.txt", NULL);
  g_autofree char *before = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) spec = NULL;
  g_autoptr(GPtrArray) keys = list_keys (f->path, ".key");
  guint n_keys = keys->len;

  g_clear_object (&f->d);
  write_text (short_file, "short\n");

  /* usage: the new passphrase is needed, and never an argument */
  certctl (&run, f, "passphrase", "set");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--new-passphrase-file"));
  certctl (&run, f, "passphrase", "set", PASS_A);
  g_assert_cmpint (run.status, ==, 2);
  certctl (&run, f, "passphrase", "change", "--new-passphrase-file", f->file_b);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--passphrase-file"));
  certctl (&run, f, "passphrase", "remove");
  g_assert_cmpint (run.status, ==, 2);

  /* failures change nothing */
  before = cc_test_snapshot_tree (f->path);
  certctl (&run, f, "passphrase", "set", "--new-passphrase-file", short_file);
  cc_test_assert_failed (&run, "shorter than 8");
  certctl (&run, f, "passphrase", "set", "--new-passphrase-file", "/nonexistent/pass");
  cc_test_assert_failed (&run, "/nonexistent/pass");
  certctl (&run, f, "--passphrase-file", f->file_a, "passphrase", "remove");
  cc_test_assert_failed (&run, "has no passphrase");
  {
    g_autofree char *after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }

  /* set, from standard input */
  certctl_stdin (&run, f, PASS_A "\n", "passphrase", "set", "--new-passphrase-stdin");
  cc_test_assert_ok (&run);
  doc = read_json (f->path);
  spec = dup_member (doc, "passphrase");
  assert_all_keys (f->path, spec, PASS_A, n_keys);
  certctl (&run, f, "passphrase", "set", "--new-passphrase-file", f->file_b);
  cc_test_assert_failed (&run, "passphrase change");

  /* locked: listing works, a key does not, and certctl says how to unlock */
  certctl (&run, f, "list", "servers");
  cc_test_assert_ok (&run);
  g_clear_pointer (&before, g_free);
  before = cc_test_snapshot_tree (f->path);
  certctl (&run, f, "export", "pfx", "--server", CWA01, tp, "--out", out_pfx,
           "--password-file", f->file_a);
  cc_test_assert_failed (&run, "--passphrase-file FILE or --passphrase-stdin");
  g_assert_nonnull (strstr (run.err, "locked"));
  certctl (&run, f, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--friendly-name", "x", "--ca", "Contoso Lab CA", "--key", "ec:p256");
  cc_test_assert_failed (&run, "--passphrase-file");
  certctl (&run, f, "ca", "create-lab", "--name", "Locked Lab CA");
  cc_test_assert_failed (&run, "--passphrase-file");
  /* the wrong passphrase */
  certctl (&run, f, "--passphrase-file", f->file_b, "export", "pfx", "--server", CWA01, tp,
           "--out", out_pfx, "--password-file", f->file_a);
  cc_test_assert_failed (&run, "not the passphrase");
  certctl (&run, f, "--passphrase-file", f->file_a, "--passphrase-stdin", "list", "servers");
  cc_test_assert_failed (&run, "not both");
  {
    g_autofree char *after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }
  g_assert_false (g_file_test (out_pfx, G_FILE_TEST_EXISTS));

  /* unlocked, the global option before or after the command */
  certctl (&run, f, "--passphrase-file", f->file_a, "export", "pfx", "--server", CWA01, tp,
           "--out", out_pfx, "--password-file", f->file_a);
  cc_test_assert_ok (&run);
  g_assert_true (g_file_test (out_pfx, G_FILE_TEST_EXISTS));
  certctl (&run, f, "request", "create", "--server", EDGE01, "--interface", "edge-internal",
           "--friendly-name", "x", "--ca", "Contoso Lab CA", "--key", "ec:p256",
           "--passphrase-file", f->file_a);
  cc_test_assert_ok (&run);
  n_keys++;
  /* the lab CA refused while locked left nothing behind: the name is free */
  certctl (&run, f, "--passphrase-file", f->file_a, "ca", "create-lab", "--name", "Locked Lab CA");
  cc_test_assert_ok (&run);
  n_keys += 2;
  assert_all_keys (f->path, spec, PASS_A, n_keys);

  /* change: both on standard input, the current one first */
  certctl_stdin (&run, f, PASS_A "\n" PASS_B "\n", "--passphrase-stdin", "passphrase", "change",
                 "--new-passphrase-stdin");
  cc_test_assert_ok (&run);
  g_clear_pointer (&doc, json_object_unref);
  g_clear_pointer (&spec, json_object_unref);
  doc = read_json (f->path);
  spec = dup_member (doc, "passphrase");
  assert_all_keys (f->path, spec, PASS_B, n_keys);
  certctl (&run, f, "--passphrase-file", f->file_a, "passphrase", "remove");
  cc_test_assert_failed (&run, "not the passphrase");

  /* remove */
  certctl (&run, f, "--passphrase-file", f->file_b, "--json", "passphrase", "remove");
  cc_test_assert_ok (&run);
  g_assert_nonnull (strstr (run.out, "\"ok\" : true"));
  g_clear_pointer (&doc, json_object_unref);
  doc = read_json (f->path);
  g_assert_false (json_object_has_member (doc, "passphrase"));
  assert_all_keys (f->path, NULL, NULL, n_keys);
  /* a deployment without a passphrase ignores the option */
  certctl (&run, f, "--passphrase-file", f->file_b, "list", "servers");
  cc_test_assert_ok (&run);

  /* the audit log names the changes, never the passphrase */
  {
    g_autofree char *log_path = g_build_filename (f->path, "audit.log", NULL);
    g_autofree char *log = read_text (log_path);
    g_assert_nonnull (strstr (log, "passphrase-set"));
    g_assert_nonnull (strstr (log, "passphrase-change"));
    g_assert_nonnull (strstr (log, "passphrase-remove"));
    g_assert_null (strstr (log, PASS_A));
    g_assert_null (strstr (log, PASS_B));
  }
}

/* ---- killed midway ---- */

/* Counts the file events (creations and renames) in the deployment's folder and its key
 * folders, until n have come (n < 0: those already queued). Killing after the n-th event
 * of a run puts the kill at a point of the run's own progress, however loaded the machine
 * is. */
static int
wait_for_events (int fd, GSubprocess *proc, int n)
{
  char buf[8192] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  int seen = 0;

  while (n < 0 || seen < n)
    {
      ssize_t len;
      int r = poll (&pfd, 1, n < 0 ? 0 : 20);

      if (r == 0 && n < 0)
        break;
      if (r == 0)
        {
          /* a run that made fewer events than asked for ended on its own: the kill comes
           * after its end */
          if (g_subprocess_get_identifier (proc) == NULL)
            break;
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          continue;
        }
      g_assert_cmpint (r, >, 0);
      len = read (fd, buf, sizeof buf);
      g_assert_cmpint (len, >, 0);
      for (char *p = buf; p < buf + len;)
        {
          struct inotify_event *ev = (struct inotify_event *) p;
          seen++;
          p += sizeof *ev + ev->len;
        }
    }
  return seen;
}

static void
drain_events (int fd)
{
  char buf[8192] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  struct pollfd pfd = { .fd = fd, .events = POLLIN };

  while (poll (&pfd, 1, 0) > 0 && read (fd, buf, sizeof buf) > 0)
    ;
}

static void
watch_key_folders (int fd, const char *path, GPtrArray *keys)
{
  g_assert_cmpint (inotify_add_watch (fd, path, IN_CREATE | IN_MOVED_TO), >=, 0);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *dir = g_path_get_dirname (g_ptr_array_index (keys, i));
      g_assert_cmpint (inotify_add_watch (fd, dir, IN_CREATE | IN_MOVED_TO), >=, 0);
    }
}

typedef enum { OP_SET_A, OP_SET_B, OP_CHANGE_AB, OP_CHANGE_BA, OP_REMOVE_A, OP_REMOVE_B } Op;

static void
test_kill (Fixture *f, gconstpointer data)
{
  guint n_kills = g_test_slow () ? 1000 : 200;
  guint n_midway = 0, n_rolled_forward = 0, n_done = 0, n_untouched = 0;
  gint64 full_us = 0;
  int n_events = 0;
  int inotify_fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  const char *state = NULL;   /* NULL, PASS_A or PASS_B: the current passphrase */
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(GPtrArray) keys = NULL;
  gint64 started = g_get_monotonic_time ();
  guint n_keys;

  g_clear_object (&f->d);
  keys = list_keys (f->path, ".key");
  n_keys = keys->len;
  g_assert_cmpint (inotify_fd, >=, 0);
  watch_key_folders (inotify_fd, f->path, keys);

  for (guint i = 0; i < n_kills + 1; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(JsonObject) doc_before = read_json (f->path);
      g_autoptr(JsonObject) spec_before = dup_member (doc_before, "passphrase");
      g_autoptr(JsonObject) doc = NULL;
      g_autoptr(JsonObject) spec = NULL;
      g_autoptr(JsonObject) change = NULL;
      const char *target;
      const char *argv[10];
      guint n = 0;
      gint64 t0, delay_us;
      Op op;

      /* the next operation from where the last kill left it: set, change or remove */
      if (state == NULL)
        op = (i / 2) % 2 ? OP_SET_B : OP_SET_A;
      else if (g_str_equal (state, PASS_A))
        op = i % 3 == 0 ? OP_CHANGE_AB : OP_REMOVE_A;
      else
        op = i % 3 == 0 ? OP_CHANGE_BA : OP_REMOVE_B;
      target = op == OP_SET_A || op == OP_CHANGE_BA ? PASS_A
               : op == OP_SET_B || op == OP_CHANGE_AB ? PASS_B : NULL;
      if (state != NULL)
        {
          argv[n++] = "--passphrase-file";
          argv[n++] = g_str_equal (state, PASS_A) ? f->file_a : f->file_b;
        }
      argv[n++] = "passphrase";
      argv[n++] = op <= OP_SET_B ? "set" : op <= OP_CHANGE_BA ? "change" : "remove";
      if (target != NULL)
        {
          argv[n++] = "--new-passphrase-file";
          argv[n++] = g_str_equal (target, PASS_A) ? f->file_a : f->file_b;
        }
      argv[n] = NULL;

      /* The first run goes to the end, counting its file events (temporary files, renames,
       * deployment.json's markers). Then three kills in four come right after a random one
       * of those events (and a random few hundred µs more); the others at a random time of
       * a whole run (the KDF, loading). */
      drain_events (inotify_fd);
      t0 = g_get_monotonic_time ();
      proc = cc_test_spawn_certctl (NULL, f->path, NULL, NULL, argv, &error);
      g_assert_no_error (error);
      if (i == 0)
        {
          g_subprocess_wait (proc, NULL, &error);
          g_assert_no_error (error);
          n_events = wait_for_events (inotify_fd, proc, -1);
          g_assert_true (g_subprocess_get_if_exited (proc));
          g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
          full_us = g_get_monotonic_time () - t0;
          g_assert_cmpint (n_events, >=, 3 * (int) n_keys);
          delay_us = -1;
        }
      else
        {
          if (i % 4 == 0)
            delay_us = g_rand_int_range (rand, 0, (gint32) (full_us * 11 / 10) + 1);
          else
            {
              wait_for_events (inotify_fd, proc, g_rand_int_range (rand, 1, n_events + 1));
              delay_us = g_rand_int_range (rand, 0, 500);
            }
          g_usleep (delay_us);
          g_subprocess_force_exit (proc);
          g_subprocess_wait (proc, NULL, &error);
          g_assert_no_error (error);
        }

      /* 1. as the kill left it, before anything recovers: every key opens with the old or
       *    the new passphrase, and is its certificate's or request's key */
      doc = read_json (f->path);
      spec = dup_member (doc, "passphrase");
      change = dup_member (doc, "passphrase_change");
      {
        JsonObject *next = change ? dup_member (change, "next") : NULL;
        const char *old_pw = spec_before ? derive (spec_before, state, NULL) : NULL;
        const char *candidates[2] = { old_pw, NULL };

        for (guint k = 0; k < keys->len; k++)
          {
            const char *key = g_ptr_array_index (keys, k);

            /* the new passphrase's KDF only when a key is not the old passphrase's */
            if (key_opens (key, candidates, 1) == 0)
              continue;
            if (next != NULL)
              candidates[1] = target ? derive (next, target, NULL) : NULL;
            else if (spec != NULL)
              candidates[1] = derive (spec, target, NULL);
            if (key_opens (key, candidates, 2) < 0)
              g_error ("kill %u (after %" G_GINT64_FORMAT " µs): %s opens with neither passphrase",
                       i, delay_us, key);
          }
        g_clear_pointer (&next, json_object_unref);
      }
      if (g_test_verbose ())
        g_test_message ("kill %u after %" G_GINT64_FORMAT " µs: %s", i, delay_us,
                        change ? json_object_get_string_member (change, "phase") : "no marker");
      if (change != NULL)
        {
          n_midway++;
          if (g_str_equal (json_object_get_string_member (change, "phase"), "commit"))
            n_rolled_forward++;
        }

      /* 2. opened: an interrupted change is finished or rolled back; the keys are all of
       *    one passphrase, which the verifier names */
      {
        g_autoptr(CcDeployment) d = cc_deployment_open (f->path, NULL, &error);
        g_assert_no_error (error);
      }
      g_clear_pointer (&doc, json_object_unref);
      g_clear_pointer (&spec, json_object_unref);
      doc = read_json (f->path);
      spec = dup_member (doc, "passphrase");
      g_assert_false (json_object_has_member (doc, "passphrase_change"));
      if (spec == NULL)
        state = NULL;
      else
        {
          gboolean is_a = FALSE, is_b = FALSE;
          /* one KDF when the verifier is the first guess's: the target's when the salt is
           * new (the change went through), else the passphrase it had */
          gboolean same_salt = spec_before != NULL
                               && g_str_equal (json_object_get_string_member (spec, "salt"),
                                               json_object_get_string_member (spec_before, "salt"));
          const char *first = same_salt ? state : target ? target : PASS_A;
          const char *other = g_str_equal (first, PASS_A) ? PASS_B : PASS_A;
          derive (spec, first, &is_a);
          if (!is_a)
            derive (spec, other, &is_b);
          g_assert_true (is_a != is_b);
          state = is_a ? first : other;
        }
      if (g_strcmp0 (state, target) == 0)
        n_done++;
      else
        n_untouched++;
      g_assert_true (state == NULL || g_strcmp0 (state, target) == 0
                     || (spec_before && g_str_equal (json_object_get_string_member (spec, "salt"),
                                                     json_object_get_string_member (spec_before, "salt"))));
      assert_all_keys (f->path, spec, state, n_keys);
    }

  /* the survivor is whole: the core unlocks it and every workflow still works */
  {
    g_autoptr(GError) error = NULL;
    g_auto(CcTestRun) run = { 0 };
    f->d = cc_deployment_open (f->path, NULL, &error);
    g_assert_no_error (error);
    if (state != NULL)
      g_assert_true (cc_deployment_unlock (f->d, state, strlen (state), &error));
    g_assert_no_error (error);
    certctl (&run, f, "--passphrase-file", g_strcmp0 (state, PASS_B) == 0 ? f->file_b : f->file_a,
             "check", "--all");
    g_assert_cmpint (run.status, !=, 1);
  }
  close (inotify_fd);
  g_test_message ("%u kills in %.1f s (one full run: %" G_GINT64_FORMAT " ms, %d file events): "
                  "%u left a change midway (%u rolled forward on open, the others back), %u "
                  "found the change done, %u before it", n_kills,
                  (g_get_monotonic_time () - started) / 1e6, full_us / 1000, n_events,
                  n_midway, n_rolled_forward, n_done, n_untouched);
  g_assert_cmpuint (n_midway, >, 0);
  g_assert_cmpuint (n_done, >, 0);
  g_assert_cmpuint (n_untouched, >, 0);
}

/* ---- modes ---- */

static void
test_check_modes (Fixture *f, gconstpointer data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autofree char *tp = first_personal_key (f, EDGE01);
  g_autofree char *personal = g_build_filename (f->path, "servers", EDGE01, "personal", NULL);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", personal, tp);
  g_autofree char *assigned = g_build_filename (f->path, "servers", FE01, "assigned", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(CcCheckResult) result = NULL;
  guint n_mode_errors = 0;

  /* what the console writes is right */
  assert_mode (personal, 0700);
  assert_mode (key, 0600);
  certctl (&run, f, "check", "--all");
  cc_test_assert_ok (&run);

  g_assert_cmpint (g_chmod (key, 0640), ==, 0);
  g_assert_cmpint (g_chmod (personal, 0750), ==, 0);
  g_assert_cmpint (g_chmod (assigned, 0755), ==, 0);
  before = cc_test_snapshot_tree (f->path);
  certctl (&run, f, "check", "--all");
  g_assert_cmpint (run.status, ==, 3);
  {
    g_autofree char *want_key = g_strdup_printf ("run `chmod 600 '%s'`", key);
    g_autofree char *want_dir = g_strdup_printf ("run `chmod 700 '%s'`", personal);
    g_autofree char *want_assigned = g_strdup_printf ("run `chmod 700 '%s'`", assigned);
    g_assert_nonnull (strstr (run.out, want_key));
    g_assert_nonnull (strstr (run.out, "(mode 0640)"));
    g_assert_nonnull (strstr (run.out, want_dir));
    g_assert_nonnull (strstr (run.out, want_assigned));
  }
  g_assert_nonnull (strstr (run.out, "2 errors"));
  /* check only reads */
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);

  /* in the core: an error on that server, not a warning */
  reopen (f);
  servers = cc_deployment_list_servers (f->d);
  result = cc_check (f->d, servers, 30, 30, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < result->items->len; i++)
    {
      CcCheckItem *item = g_ptr_array_index (result->items, i);
      if ((int) item->iface == -1
          && (g_str_equal (cc_server_get_fqdn (item->server), EDGE01)
              || g_str_equal (cc_server_get_fqdn (item->server), FE01)))
        {
          g_assert_cmpint (item->status, ==, CC_STATUS_ERROR);
          n_mode_errors++;
        }
    }
  g_assert_cmpuint (n_mode_errors, ==, 2);

  /* done as told: clean again */
  g_assert_cmpint (g_chmod (key, 0600), ==, 0);
  g_assert_cmpint (g_chmod (personal, 0700), ==, 0);
  g_assert_cmpint (g_chmod (assigned, 0700), ==, 0);
  certctl (&run, f, "check", "--all");
  cc_test_assert_ok (&run);
}

/* ---- not exportable ---- */

/* the private part of a key (EC scalar or RSA d) as bytes, to look for in what leaves */
static GBytes *
private_part (const char *key_path, const char *password)
{
  g_autofree char *text = read_text (key_path);
  BIO *bio = BIO_new_mem_buf (text, -1);
  EVP_PKEY *key = PEM_read_bio_PrivateKey (bio, NULL, NULL, (void *) (password ? password : ""));
  BIGNUM *bn = NULL;
  guchar *buf;
  int len;

  g_assert_nonnull (key);
  if (!EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_PRIV_KEY, &bn))
    g_assert_true (EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_RSA_D, &bn));
  len = BN_num_bytes (bn);
  buf = g_malloc (len);
  BN_bn2bin (bn, buf);
  BN_free (bn);
  EVP_PKEY_free (key);
  BIO_free (bio);
  return g_bytes_new_take (buf, len);
}

static void
assert_no_key_in (const char *file, GBytes *secret)
{
  g_autofree char *data = NULL;
  gsize len;
  gsize n = g_bytes_get_size (secret);
  const guchar *p = g_bytes_get_data (secret, NULL);

  g_assert_true (g_file_get_contents (file, &data, &len, NULL));
  g_assert_null (g_strstr_len (data, len, "PRIVATE KEY"));
  for (gsize i = 0; i + n <= len; i++)
    g_assert_false (memcmp (data + i, p, n) == 0);
}

static void
test_not_exportable (Fixture *f, gconstpointer data)
{
  g_auto(CcTestRun) run = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *tp = first_personal_key (f, EDGE02);
  g_autofree char *key02 = g_build_filename (f->path, "servers", EDGE02, "personal", NULL);
  g_autofree char *pfx = g_build_filename (f->dir, "refused.pfx", NULL);
  g_autofree char *before = NULL;
  g_autofree char *outside = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) spec = NULL;
  CcServer *edge02 = cc_deployment_find_server (f->d, EDGE02);
  CcStore *personal02 = cc_server_get_store (edge02, CC_STORE_PERSONAL);
  const char *formats[] = { "pem", "der", "p7b" };

  {
    g_autoptr(CcStoreEntry) e = NULL;
    g_assert_true (cc_store_load (personal02, NULL, &error));
    e = g_object_ref (cc_store_lookup_id (personal02, tp));
    g_assert_true (cc_store_entry_get_has_private_key (e));
    g_assert_false (cc_store_entry_get_exportable (e));   /* the demo's second Edge Server */
  }
  g_assert_true (cc_deployment_set_passphrase (f->d, PASS_A, strlen (PASS_A), NULL, &error));
  g_assert_no_error (error);
  doc = read_json (f->path);
  spec = dup_member (doc, "passphrase");
  {
    g_autofree char *k = g_strdup_printf ("%s/%s.key", key02, tp);
    secret = private_part (k, derive (spec, PASS_A, NULL));
  }

  /* export pfx: refused, unlocked or not, by the core and by certctl */
  g_assert_true (cc_deployment_unlock (f->d, PASS_A, strlen (PASS_A), &error));
  g_assert_false (cc_export_pfx (edge02, tp, pfx, "pfx password", TRUE, FALSE, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (g_file_test (pfx, G_FILE_TEST_EXISTS));
  g_clear_object (&f->d);
  before = cc_test_snapshot_tree (f->path);
  certctl (&run, f, "--passphrase-file", f->file_a, "export", "pfx", "--server", EDGE02, tp,
           "--out", pfx, "--password-file", f->file_b, "--include-chain");
  cc_test_assert_failed (&run, "not marked exportable");
  g_assert_nonnull (strstr (run.err, EDGE02));
  g_assert_false (g_file_test (pfx, G_FILE_TEST_EXISTS));
  {
    g_autofree char *after = cc_test_snapshot_tree (f->path);
    g_assert_cmpstr (before, ==, after);
  }

  /* export cert: the certificate (and chain), never the key, in every format */
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *out = g_strdup_printf ("%s/cert.%s", f->dir, formats[i]);
      certctl (&run, f, "--passphrase-file", f->file_a, "export", "cert", "--server", EDGE02, tp,
               "--out", out, "--format", formats[i], "--include-chain");
      if (g_str_equal (formats[i], "der"))
        certctl (&run, f, "--passphrase-file", f->file_a, "export", "cert", "--server", EDGE02,
                 tp, "--out", out, "--format", formats[i]);
      cc_test_assert_ok (&run);
      assert_no_key_in (out, secret);
    }

  /* distribute: the one copy path, to the pool's members only, not exportable there */
  reopen (f);
  personal02 = cc_server_get_store (cc_deployment_find_server (f->d, EDGE02), CC_STORE_PERSONAL);
  g_assert_true (cc_deployment_unlock (f->d, PASS_A, strlen (PASS_A), &error));
  g_assert_true (cc_store_load (personal02, NULL, &error));
  g_assert_true (cc_store_remove (personal02, tp, &error));
  g_assert_no_error (error);
  g_clear_object (&f->d);
  {
    g_autofree char *servers = g_build_filename (f->path, "servers", NULL);
    g_autofree char *s_fe = g_build_filename (servers, FE01, NULL);
    g_autofree char *s_cwa = g_build_filename (servers, CWA01, NULL);
    g_autofree char *a = cc_test_snapshot_tree (s_fe);
    g_autofree char *b = cc_test_snapshot_tree (s_cwa);
    outside = g_strconcat (a, b, NULL);
  }
  certctl (&run, f, "distribute", "--pool", EDGE_POOL, tp);
  cc_test_assert_failed (&run, "--passphrase-file");
  certctl (&run, f, "--passphrase-file", f->file_a, "distribute", "--pool", EDGE_POOL, tp);
  cc_test_assert_ok (&run);
  {
    g_autofree char *servers = g_build_filename (f->path, "servers", NULL);
    g_autofree char *s_fe = g_build_filename (servers, FE01, NULL);
    g_autofree char *s_cwa = g_build_filename (servers, CWA01, NULL);
    g_autofree char *a = cc_test_snapshot_tree (s_fe);
    g_autofree char *b = cc_test_snapshot_tree (s_cwa);
    g_autofree char *now = g_strconcat (a, b, NULL);
    g_assert_cmpstr (outside, ==, now);
  }
  reopen (f);
  personal02 = cc_server_get_store (cc_deployment_find_server (f->d, EDGE02), CC_STORE_PERSONAL);
  g_assert_true (cc_store_load (personal02, NULL, &error));
  g_assert_false (cc_store_entry_get_exportable (cc_store_lookup_id (personal02, tp)));
  assert_all_keys (f->path, spec, PASS_A, 9);
  certctl (&run, f, "--passphrase-file", f->file_a, "export", "pfx", "--server", EDGE02, tp,
           "--out", pfx, "--password-file", f->file_b);
  cc_test_assert_failed (&run, "not marked exportable");
  g_assert_false (g_file_test (pfx, G_FILE_TEST_EXISTS));
  /* and distribute names no server outside the pool: FE01 is not an Edge pool member */
  certctl (&run, f, "--passphrase-file", f->file_a, "distribute", "--pool", FE01, tp);
  g_assert_cmpint (run.status, !=, 0);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  cc_core_init ();

  g_test_add ("/passphrase/core", Fixture, NULL, setup, test_core, teardown);
  g_test_add ("/passphrase/recover", Fixture, NULL, setup, test_recover, teardown);
  g_test_add ("/passphrase/cli", Fixture, NULL, setup, test_cli, teardown);
  g_test_add ("/passphrase/kill", Fixture, NULL, setup, test_kill, teardown);
  g_test_add ("/keys/check-modes", Fixture, NULL, setup, test_check_modes, teardown);
  g_test_add ("/keys/not-exportable", Fixture, NULL, setup, test_not_exportable, teardown);

  status = g_test_run ();
  g_clear_pointer (&derived_cache, g_hash_table_unref);
  return status;
}
