/* cc-passphrase.c: keys at rest: the deployment passphrase (its verifier in deployment.json,
 * the derived secret in memory only), the one reader and the one writer of store key files,
 * and the crash-safe re-encryption of every key when the passphrase is set, changed or
 * removed. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "cc-core-private.h"
#include "cc-deployment.h"
#include "cc-error.h"
#include "cc-lab-ca.h"
#include "cc-server.h"

/* scrypt N=2^14, r=8, p=1 (16 MiB; what `openssl pkcs8 -scrypt` uses, the scrypt paper's
 * interactive setting): ~0.1 s here, once per unlock. The key files are then encrypted
 * (PKCS#8, PBES2: AES-256-CBC, PBKDF2-HMAC-SHA256) with a password of 256 bits derived with
 * it, so that a brute force of any file has to go through scrypt, and opening a store of
 * many keys costs no more than one KDF. */
#define SCRYPT_N     16384
#define SCRYPT_R     8
#define SCRYPT_P     1
#define SCRYPT_MAXMEM (64u * 1024 * 1024)
#define SALT_LEN     16
#define HALF_LEN     32
#define KEY_PASSWORD_LEN (2 * HALF_LEN)   /* hex */
#define ENCRYPTED_LABEL "-----BEGIN ENCRYPTED PRIVATE KEY-----"
#define NEXT_SUFFIX  ".new"

/* the derived key password, in a locked page where the system allows it */
typedef struct
{
  char text[KEY_PASSWORD_LEN + 1];
} Secret;

struct _CcKeyring
{
  GMutex lock;
  JsonObject *spec;      /* "passphrase" of deployment.json; NULL: the keys are plain */
  JsonObject *change;    /* "passphrase_change": a change under way; NULL normally */
  Secret *secret;        /* NULL while locked */
};

static Secret *
secret_new (void)
{
  Secret *s = g_new0 (Secret, 1);
  /* best effort: a secret that cannot be locked in memory is still wiped */
  (void) mlock (s, sizeof *s);
  return s;
}

static void
secret_free (Secret *s)
{
  if (s == NULL)
    return;
  explicit_bzero (s, sizeof *s);
  (void) munlock (s, sizeof *s);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Secret, secret_free)

CcKeyring *
_cc_keyring_new (void)
{
  CcKeyring *k = g_new0 (CcKeyring, 1);
  g_mutex_init (&k->lock);
  return k;
}

void
_cc_keyring_free (CcKeyring *k)
{
  if (k == NULL)
    return;
  secret_free (k->secret);
  g_clear_pointer (&k->spec, json_object_unref);
  g_clear_pointer (&k->change, json_object_unref);
  g_mutex_clear (&k->lock);
  g_free (k);
}

static gboolean
spec_is_valid (JsonObject *spec)
{
  const char *salt, *verifier;
  g_autofree guchar *raw = NULL;
  gsize len = 0;

  if (g_strcmp0 (json_object_get_string_member_with_default (spec, "kdf", NULL), "scrypt") != 0)
    return FALSE;
  if (json_object_get_int_member_with_default (spec, "n", 0) < 1024
      || json_object_get_int_member_with_default (spec, "n", 0) > 1048576
      || json_object_get_int_member_with_default (spec, "r", 0) < 1
      || json_object_get_int_member_with_default (spec, "r", 0) > 32
      || json_object_get_int_member_with_default (spec, "p", 0) < 1
      || json_object_get_int_member_with_default (spec, "p", 0) > 16)
    return FALSE;
  salt = json_object_get_string_member_with_default (spec, "salt", NULL);
  verifier = json_object_get_string_member_with_default (spec, "verifier", NULL);
  if (salt == NULL || verifier == NULL || strlen (verifier) != 2 * SHA256_DIGEST_LENGTH)
    return FALSE;
  raw = g_base64_decode (salt, &len);
  return len >= 8;
}

gboolean
_cc_keyring_load (CcKeyring *k, JsonObject *spec, JsonObject *change, char **problem)
{
  JsonObject *next = NULL;
  const char *phase = NULL;

  if (spec != NULL && !spec_is_valid (spec))
    {
      *problem = g_strdup (_("the member “passphrase” is not a passphrase verifier this version knows"));
      return FALSE;
    }
  if (change != NULL)
    {
      phase = json_object_get_string_member_with_default (change, "phase", NULL);
      if (json_object_has_member (change, "next")
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (change, "next")))
        next = json_object_get_object_member (change, "next");
      if ((g_strcmp0 (phase, "prepare") != 0 && g_strcmp0 (phase, "commit") != 0)
          || (next != NULL && !spec_is_valid (next)))
        {
          *problem = g_strdup (_("the member “passphrase_change” is not a change this version knows"));
          return FALSE;
        }
    }
  g_mutex_lock (&k->lock);
  g_clear_pointer (&k->spec, json_object_unref);
  g_clear_pointer (&k->change, json_object_unref);
  k->spec = spec ? json_object_ref (spec) : NULL;
  k->change = change ? json_object_ref (change) : NULL;
  g_mutex_unlock (&k->lock);
  return TRUE;
}

void
_cc_keyring_write_json (CcKeyring *k, JsonBuilder *b)
{
  g_mutex_lock (&k->lock);
  if (k->spec != NULL)
    {
      JsonNode *node = json_node_init_object (json_node_alloc (), k->spec);
      json_builder_set_member_name (b, "passphrase");
      json_builder_add_value (b, node);
    }
  if (k->change != NULL)
    {
      JsonNode *node = json_node_init_object (json_node_alloc (), k->change);
      json_builder_set_member_name (b, "passphrase_change");
      json_builder_add_value (b, node);
    }
  g_mutex_unlock (&k->lock);
}

static char *
dup_verifier (CcKeyring *k)
{
  return k->spec ? g_strdup (json_object_get_string_member (k->spec, "verifier")) : NULL;
}

void
_cc_keyring_share (CcKeyring *to, CcKeyring *from)
{
  g_autoptr(Secret) copy = NULL;
  g_autofree char *verifier = NULL;

  g_mutex_lock (&from->lock);
  if (from->secret != NULL)
    {
      copy = secret_new ();
      memcpy (copy->text, from->secret->text, sizeof copy->text);
      verifier = dup_verifier (from);
    }
  g_mutex_unlock (&from->lock);
  if (copy == NULL)
    return;
  g_mutex_lock (&to->lock);
  {
    g_autofree char *mine = dup_verifier (to);
    /* only the secret of the same passphrase: the file may have changed in between */
    if (mine != NULL && g_strcmp0 (mine, verifier) == 0 && to->secret == NULL)
      to->secret = g_steal_pointer (&copy);
  }
  g_mutex_unlock (&to->lock);
}

void
_cc_keyring_adopt (CcKeyring *to, CcKeyring *from)
{
  g_autoptr(JsonObject) spec = NULL;
  g_autoptr(JsonObject) change = NULL;
  g_autofree char *theirs = NULL;

  g_mutex_lock (&from->lock);
  spec = from->spec ? json_object_ref (from->spec) : NULL;
  change = from->change ? json_object_ref (from->change) : NULL;
  theirs = dup_verifier (from);
  g_mutex_unlock (&from->lock);

  g_mutex_lock (&to->lock);
  {
    g_autofree char *mine = dup_verifier (to);
    if (g_strcmp0 (mine, theirs) != 0)
      {
        g_clear_pointer (&to->spec, json_object_unref);
        g_clear_pointer (&to->change, json_object_unref);
        g_clear_pointer (&to->secret, secret_free);
        to->spec = g_steal_pointer (&spec);
        to->change = g_steal_pointer (&change);
      }
  }
  g_mutex_unlock (&to->lock);
}

/* ---- the KDF ---- */

static void
hex_encode (const guchar *data, gsize len, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[2 * len] = '\0';
}

/* scrypt (passphrase, salt) -> 64 bytes: the first half's SHA-256 is the verifier, the
 * second half (hex) is the key password. */
static gboolean
derive (JsonObject *spec, const char *passphrase, gsize len, Secret *secret,
        char verifier[2 * SHA256_DIGEST_LENGTH + 1], GError **error)
{
  guchar out[2 * HALF_LEN];
  guchar digest[SHA256_DIGEST_LENGTH];
  g_autofree guchar *salt = NULL;
  gsize salt_len = 0;
  int ok;

  salt = g_base64_decode (json_object_get_string_member (spec, "salt"), &salt_len);
  ok = EVP_PBE_scrypt (passphrase, len, salt, salt_len,
                       (uint64_t) json_object_get_int_member (spec, "n"),
                       (uint64_t) json_object_get_int_member (spec, "r"),
                       (uint64_t) json_object_get_int_member (spec, "p"),
                       SCRYPT_MAXMEM, out, sizeof out);
  if (!ok)
    {
      explicit_bzero (out, sizeof out);
      _cc_set_openssl_error (error, CC_ERROR_CRYPTO,
                             _("The passphrase cannot be derived (scrypt failed)"));
      return FALSE;
    }
  SHA256 (out, HALF_LEN, digest);
  hex_encode (digest, sizeof digest, verifier);
  hex_encode (out + HALF_LEN, HALF_LEN, secret->text);
  explicit_bzero (out, sizeof out);
  return TRUE;
}

static JsonObject *
spec_new (void)
{
  guchar salt[SALT_LEN];
  g_autofree char *salt64 = NULL;
  JsonObject *spec = json_object_new ();

  if (RAND_bytes (salt, sizeof salt) != 1)
    {
      json_object_unref (spec);
      return NULL;
    }
  salt64 = g_base64_encode (salt, sizeof salt);
  json_object_set_string_member (spec, "kdf", "scrypt");
  json_object_set_int_member (spec, "n", SCRYPT_N);
  json_object_set_int_member (spec, "r", SCRYPT_R);
  json_object_set_int_member (spec, "p", SCRYPT_P);
  json_object_set_string_member (spec, "salt", salt64);
  json_object_set_string_member (spec, "cipher", "aes-256-cbc");
  return spec;
}

/* ---- the deployment's lock ---- */

gboolean
cc_deployment_has_passphrase (CcDeployment *self)
{
  CcKeyring *k;
  gboolean has;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);
  k = _cc_deployment_get_keyring (self);
  g_mutex_lock (&k->lock);
  has = k->spec != NULL;
  g_mutex_unlock (&k->lock);
  return has;
}

gboolean
cc_deployment_is_locked (CcDeployment *self)
{
  CcKeyring *k;
  gboolean locked;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);
  k = _cc_deployment_get_keyring (self);
  g_mutex_lock (&k->lock);
  locked = k->spec != NULL && k->secret == NULL;
  g_mutex_unlock (&k->lock);
  return locked;
}

void
cc_deployment_lock (CcDeployment *self)
{
  CcKeyring *k;

  g_return_if_fail (CC_IS_DEPLOYMENT (self));
  k = _cc_deployment_get_keyring (self);
  g_mutex_lock (&k->lock);
  g_clear_pointer (&k->secret, secret_free);
  g_mutex_unlock (&k->lock);
}

static void
set_locked_error (GError **error)
{
  g_set_error_literal (error, CC_ERROR, CC_ERROR_LOCKED_KEYS,
                       _("The deployment's keys are locked: unlock it with its passphrase"));
}

gboolean
cc_deployment_unlock (CcDeployment *self, const char *passphrase, gsize len, GError **error)
{
  CcKeyring *k;
  g_autoptr(JsonObject) spec = NULL;
  g_autoptr(Secret) secret = NULL;
  char verifier[2 * SHA256_DIGEST_LENGTH + 1];
  const char *expected;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);
  g_return_val_if_fail (passphrase != NULL || len == 0, FALSE);

  k = _cc_deployment_get_keyring (self);
  g_mutex_lock (&k->lock);
  spec = k->spec ? json_object_ref (k->spec) : NULL;
  g_mutex_unlock (&k->lock);
  if (spec == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("The deployment %s has no passphrase; its keys are not encrypted (set one with `certctl passphrase set`)"),
                   cc_deployment_get_path (self));
      return FALSE;
    }

  /* the KDF runs without the lock held: other threads keep reading keys meanwhile */
  secret = secret_new ();
  if (!derive (spec, passphrase ? passphrase : "", len, secret, verifier, error))
    return FALSE;
  expected = json_object_get_string_member (spec, "verifier");
  if (CRYPTO_memcmp (verifier, expected, sizeof verifier - 1) != 0)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_WRONG_PASSPHRASE,
                   _("That is not the passphrase of the deployment %s; try again"),
                   cc_deployment_get_path (self));
      return FALSE;
    }
  g_mutex_lock (&k->lock);
  g_clear_pointer (&k->secret, secret_free);
  k->secret = g_steal_pointer (&secret);
  g_mutex_unlock (&k->lock);
  return TRUE;
}

typedef struct
{
  char *passphrase;   /* wiped */
  gsize len;
} PassphraseData;

static void
passphrase_data_free (PassphraseData *data)
{
  if (data->passphrase != NULL)
    {
      explicit_bzero (data->passphrase, data->len);
      (void) munlock (data->passphrase, data->len + 1);
      g_free (data->passphrase);
    }
  g_free (data);
}

static PassphraseData *
passphrase_data_new (const char *passphrase, gsize len)
{
  PassphraseData *data = g_new0 (PassphraseData, 1);

  if (passphrase != NULL)
    {
      data->passphrase = g_malloc0 (len + 1);
      (void) mlock (data->passphrase, len + 1);
      memcpy (data->passphrase, passphrase, len);
      data->len = len;
    }
  return data;
}

static void
unlock_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  PassphraseData *data = task_data;
  GError *error = NULL;

  if (cc_deployment_unlock (source, data->passphrase, data->len, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cc_deployment_unlock_async (CcDeployment        *self,
                            const char          *passphrase,
                            gsize                len,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, cc_deployment_unlock_async);
  g_task_set_task_data (task, passphrase_data_new (passphrase ? passphrase : "", len),
                        (GDestroyNotify) passphrase_data_free);
  g_task_run_in_thread (task, unlock_thread);
}

gboolean
cc_deployment_unlock_finish (CcDeployment *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the key files ---- */

static gboolean
is_encrypted (const char *data, gsize len)
{
  return g_strstr_len (data, len, ENCRYPTED_LABEL) != NULL;
}

static void
wipe_and_free (char *data, gsize len)
{
  if (data != NULL)
    explicit_bzero (data, len);
  g_free (data);
}

/* plain PKCS#8 PEM -> the same key as encrypted PKCS#8 PEM (password NULL: plain again) */
static GBytes *
encode_key (GBytes *plain, const char *password, const char *path, GError **error)
{
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(BIO) bio = NULL;
  char *data;
  long len;

  key = _cc_key_from_pem (plain, path, error);
  if (key == NULL)
    return NULL;
  if (password == NULL)
    return _cc_key_to_pem (key);
  bio = BIO_new (BIO_s_secmem ());
  if (!PEM_write_bio_PKCS8PrivateKey (bio, key, EVP_aes_256_cbc (), password,
                                      (int) strlen (password), NULL, NULL))
    {
      _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("Cannot encrypt the key for “%s”"), path);
      return NULL;
    }
  len = BIO_get_mem_data (bio, &data);
  return g_bytes_new (data, len);
}

static GBytes *
decode_key (const char *data, gsize len, const char *password, const char *path, GError **error)
{
  g_autoptr(BIO) bio = BIO_new_mem_buf (data, (int) len);
  g_autoptr(EVP_PKEY) key = PEM_read_bio_PrivateKey (bio, NULL, NULL, (void *) password);
  GBytes *plain;

  if (key == NULL)
    {
      _cc_set_openssl_error (error, CC_ERROR_CRYPTO,
                             _("“%s” cannot be decrypted with the deployment's passphrase; it was changed outside the console: restore it from a backup"),
                             path);
      return NULL;
    }
  plain = _cc_key_to_pem (key);
  if (plain == NULL)
    _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("Cannot encode the key of “%s”"), path);
  return plain;
}

/* copies the key password out under the lock; FALSE when the deployment is locked */
static gboolean
copy_password (CcKeyring *k, Secret *out, gboolean *has_spec)
{
  gboolean ok;

  g_mutex_lock (&k->lock);
  *has_spec = k->spec != NULL;
  ok = k->secret != NULL;
  if (ok)
    memcpy (out->text, k->secret->text, sizeof out->text);
  g_mutex_unlock (&k->lock);
  return ok;
}

GBytes *
_cc_key_file_read (CcDeployment *deployment, const char *path, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  g_autoptr(Secret) password = NULL;
  gboolean has_spec = FALSE;
  GBytes *plain;

  if (!_cc_read_file (path, &data, &len, error))
    return NULL;
  if (!is_encrypted (data, len))
    {
      GBytes *bytes = g_bytes_new (data, len);
      wipe_and_free (data, len);
      return bytes;
    }
  password = secret_new ();
  if (deployment == NULL || !copy_password (_cc_deployment_get_keyring (deployment), password, &has_spec))
    {
      if (has_spec)
        set_locked_error (error);
      else
        g_set_error (error, CC_ERROR, CC_ERROR_CRYPTO,
                     _("“%s” is encrypted, but the deployment has no passphrase; it was changed outside the console: restore it from a backup"),
                     path);
      wipe_and_free (data, len);
      return NULL;
    }
  plain = decode_key (data, len, password->text, path, error);
  wipe_and_free (data, len);
  return plain;
}

gboolean
_cc_key_file_write (CcDeployment *deployment, const char *path, GBytes *plain, gboolean sync_dir,
                    GError **error)
{
  g_autoptr(Secret) password = secret_new ();
  g_autoptr(GBytes) encrypted = NULL;
  gboolean has_spec = FALSE;

  if (deployment == NULL
      || !copy_password (_cc_deployment_get_keyring (deployment), password, &has_spec))
    {
      if (has_spec)
        {
          set_locked_error (error);
          return FALSE;
        }
      return _cc_write_file (path, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                             0600, sync_dir, error);
    }
  encrypted = encode_key (plain, password->text, path, error);
  return encrypted != NULL
         && _cc_write_file (path, g_bytes_get_data (encrypted, NULL),
                            g_bytes_get_size (encrypted), 0600, sync_dir, error);
}

/* ---- every key of the deployment ---- */

static void
add_key_files (GPtrArray *files, GHashTable *dirs, const char *dir, const char *suffix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.' && g_str_has_suffix (name, suffix))
      {
        g_ptr_array_add (files, g_build_filename (dir, name, NULL));
        g_hash_table_add (dirs, g_strdup (dir));
      }
}

/* the key files (ending in suffix) of Personal and Pending Requests of every server, and of
 * every lab CA; assigned/ is left plain for the TLS servers that read it */
static GPtrArray *
list_key_files (CcDeployment *self, const char *suffix, GHashTable *dirs)
{
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (self);
  g_autofree char *ca = g_build_filename (cc_deployment_get_path (self), "ca", NULL);
  g_autoptr(GDir) d = NULL;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      g_autofree char *personal = g_build_filename (cc_server_get_path (server),
                                                    cc_store_kind_to_id (CC_STORE_PERSONAL), NULL);
      g_autofree char *requests = g_build_filename (cc_server_get_path (server),
                                                    cc_store_kind_to_id (CC_STORE_REQUESTS), NULL);
      add_key_files (files, dirs, personal, suffix);
      add_key_files (files, dirs, requests, suffix);
    }
  d = g_dir_open (ca, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *sub = g_build_filename (ca, name, NULL);
      if (name[0] != '.' && g_file_test (sub, G_FILE_TEST_IS_DIR))
        add_key_files (files, dirs, sub, suffix);
    }
  return files;
}

static void
sync_dirs (GHashTable *dirs)
{
  GHashTableIter iter;
  gpointer dir;

  g_hash_table_iter_init (&iter, dirs);
  while (g_hash_table_iter_next (&iter, &dir, NULL))
    _cc_fsync_dir (dir);
}

/* removes the next-generation files of an interrupted change, and the temporary files a
 * kill left while they were written */
static gboolean
drop_next_files (CcDeployment *self, GError **error)
{
  g_autoptr(GHashTable) dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) next = list_key_files (self, ".key" NEXT_SUFFIX, dirs);
  GHashTableIter iter;
  gpointer dir;

  for (guint i = 0; i < next->len; i++)
    if (g_unlink (g_ptr_array_index (next, i)) != 0 && errno != ENOENT)
      {
        int saved = errno;
        g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot remove “%s”: %s"),
                     (char *) g_ptr_array_index (next, i), g_strerror (saved));
        return FALSE;
      }
  /* the temporary files: ".<name>.key.new.tmp-XXXXXX" */
  {
    g_autoptr(GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_ptr_array_unref (list_key_files (self, ".key", all));
    g_hash_table_iter_init (&iter, all);
    while (g_hash_table_iter_next (&iter, &dir, NULL))
      g_hash_table_add (dirs, g_strdup (dir));
  }
  g_hash_table_iter_init (&iter, dirs);
  while (g_hash_table_iter_next (&iter, &dir, NULL))
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;
      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        if (name[0] == '.' && strstr (name, ".key" NEXT_SUFFIX ".tmp-") != NULL)
          {
            g_autofree char *path = g_build_filename (dir, name, NULL);
            g_unlink (path);
          }
    }
  sync_dirs (dirs);
  return TRUE;
}

/* renames every next-generation file over the current one */
static gboolean
promote_next_files (CcDeployment *self, GError **error)
{
  g_autoptr(GHashTable) dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) next = list_key_files (self, ".key" NEXT_SUFFIX, dirs);

  for (guint i = 0; i < next->len; i++)
    {
      const char *from = g_ptr_array_index (next, i);
      g_autofree char *to = g_strndup (from, strlen (from) - strlen (NEXT_SUFFIX));

      if (g_rename (from, to) != 0)
        {
          int saved = errno;
          g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot rename “%s” to “%s”: %s"), from, to,
                       g_strerror (saved));
          return FALSE;
        }
    }
  sync_dirs (dirs);
  return TRUE;
}

static gboolean
save_state (CcDeployment *self, JsonObject *spec, JsonObject *change, GError **error)
{
  CcKeyring *k = _cc_deployment_get_keyring (self);
  g_autofree char *problem = NULL;

  if (!_cc_keyring_load (k, spec, change, &problem))
    g_return_val_if_reached (FALSE);
  return cc_deployment_save (self, error);
}

gboolean
_cc_deployment_finish_passphrase_change (CcDeployment *self, GError **error)
{
  CcKeyring *k = _cc_deployment_get_keyring (self);
  g_autoptr(JsonObject) spec = NULL;
  g_autoptr(JsonObject) change = NULL;
  gboolean ok;

  g_mutex_lock (&k->lock);
  spec = k->spec ? json_object_ref (k->spec) : NULL;
  change = k->change ? json_object_ref (k->change) : NULL;
  g_mutex_unlock (&k->lock);
  if (change == NULL)
    return TRUE;
  /* a change that a live process (this one included) is still making is left to it; the
   * deployment lock will make this exact */
  {
    gint64 pid = json_object_get_int_member_with_default (change, "pid", 0);
    if (pid > 0 && (kill ((pid_t) pid, 0) == 0 || errno == EPERM))
      return TRUE;
  }

  /* prepare: the old keys are current, the new ones go; commit: the new ones take over */
  if (g_str_equal (json_object_get_string_member (change, "phase"), "prepare"))
    ok = drop_next_files (self, error);
  else
    ok = promote_next_files (self, error);
  if (!ok || !save_state (self, spec, NULL, error))
    {
      g_prefix_error (error, _("An interrupted passphrase change cannot be finished: "));
      return FALSE;
    }
  cc_deployment_audit (self, "passphrase-recover", NULL, NULL,
                       g_str_equal (json_object_get_string_member (change, "phase"), "prepare")
                       ? "rolled back" : "rolled forward");
  return TRUE;
}

gboolean
cc_deployment_set_passphrase (CcDeployment  *self,
                              const char    *passphrase,
                              gsize          len,
                              GCancellable  *cancellable,
                              GError       **error)
{
  CcKeyring *k;
  g_autoptr(JsonObject) old_spec = NULL;
  g_autoptr(JsonObject) new_spec = NULL;
  g_autoptr(JsonObject) change = NULL;
  g_autoptr(Secret) new_secret = NULL;
  g_autoptr(GHashTable) dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) files = NULL;
  const char *operation;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (self), FALSE);

  k = _cc_deployment_get_keyring (self);
  if (cc_deployment_is_locked (self))
    {
      set_locked_error (error);
      return FALSE;
    }
  g_mutex_lock (&k->lock);
  old_spec = k->spec ? json_object_ref (k->spec) : NULL;
  g_mutex_unlock (&k->lock);
  if (old_spec == NULL && passphrase == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("The deployment %s has no passphrase to remove"), cc_deployment_get_path (self));
      return FALSE;
    }
  operation = passphrase == NULL ? "passphrase-remove"
              : old_spec == NULL ? "passphrase-set" : "passphrase-change";

  if (passphrase != NULL)
    {
      char verifier[2 * SHA256_DIGEST_LENGTH + 1];

      new_spec = spec_new ();
      if (new_spec == NULL)
        {
          _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("No random bytes for the passphrase's salt"));
          return FALSE;
        }
      new_secret = secret_new ();
      if (!derive (new_spec, passphrase, len, new_secret, verifier, error))
        return FALSE;
      json_object_set_string_member (new_spec, "verifier", verifier);
      explicit_bzero (verifier, sizeof verifier);
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* 1. say in deployment.json that new files are being written beside the keys: a kill
   *    from here on until step 3 rolls back to the old keys when the deployment is opened */
  change = json_object_new ();
  json_object_set_string_member (change, "phase", "prepare");
  json_object_set_int_member (change, "pid", getpid ());
  if (new_spec != NULL)
    json_object_set_object_member (change, "next", json_object_ref (new_spec));
  if (!save_state (self, old_spec, change, error))
    {
      save_state (self, old_spec, NULL, NULL);
      return FALSE;
    }

  /* 2. every key, re-encrypted, as <name>.key.new */
  files = list_key_files (self, ".key", dirs);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *next = g_strconcat (path, NEXT_SUFFIX, NULL);
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GBytes) encoded = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || (plain = _cc_key_file_read (self, path, error)) == NULL
          || (encoded = encode_key (plain, new_secret ? new_secret->text : NULL, path, error)) == NULL
          || !_cc_write_file (next, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                              0600, FALSE, error))
        goto rollback;
    }
  sync_dirs (dirs);

  /* 3. the flip: the new verifier is current; a kill from here on rolls forward */
  json_object_unref (change);
  change = json_object_new ();
  json_object_set_string_member (change, "phase", "commit");
  json_object_set_int_member (change, "pid", getpid ());
  if (!save_state (self, new_spec, change, error))
    goto rollback;

  /* the session goes on with the new secret, whatever happens to the renames */
  g_mutex_lock (&k->lock);
  g_clear_pointer (&k->secret, secret_free);
  k->secret = g_steal_pointer (&new_secret);
  g_mutex_unlock (&k->lock);

  /* 4. the renames, then the marker goes */
  if (!promote_next_files (self, error) || !save_state (self, new_spec, NULL, error))
    {
      g_prefix_error (error, _("The new passphrase is set, but not every key file is in place yet (open the deployment again to finish): "));
      return FALSE;
    }
  cc_deployment_audit (self, operation, NULL, NULL, NULL);
  return TRUE;

rollback:
  {
    /* what went wrong is in error; the old keys are untouched */
    drop_next_files (self, NULL);
    save_state (self, old_spec, NULL, NULL);
    return FALSE;
  }
}

static void
set_passphrase_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  PassphraseData *data = task_data;
  GError *error = NULL;

  if (cc_deployment_set_passphrase (source, data->passphrase, data->len, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cc_deployment_set_passphrase_async (CcDeployment        *self,
                                    const char          *passphrase,
                                    gsize                len,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, cc_deployment_set_passphrase_async);
  g_task_set_task_data (task, passphrase_data_new (passphrase, len),
                        (GDestroyNotify) passphrase_data_free);
  g_task_run_in_thread (task, set_passphrase_thread);
}

gboolean
cc_deployment_set_passphrase_finish (CcDeployment *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
