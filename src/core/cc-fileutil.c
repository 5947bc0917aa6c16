/* cc-fileutil.c: atomic writes, bounded reads, PEM blocks and OpenSSL error text. */
#define _GNU_SOURCE   /* syncfs */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/sha.h>

#include "cc-core-private.h"

static void
set_errno_error (GError **error, int saved_errno, const char *format, const char *path)
{
  g_autofree char *what = g_strdup_printf (format, path);
  g_set_error (error, CC_ERROR, CC_ERROR_IO, "%s: %s", what, g_strerror (saved_errno));
}

static gint durable = 1;

void
_cc_fsync_dir (const char *dir)
{
  int fd;

  if (!g_atomic_int_get (&durable))
    return;
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

void
_cc_set_durable (gboolean value)
{
  g_atomic_int_set (&durable, value ? 1 : 0);
}

gboolean
_cc_is_durable (void)
{
  return g_atomic_int_get (&durable) != 0;
}

static _Atomic guint64 work_files_read;
static _Atomic guint64 work_bytes_read;
static _Atomic guint64 work_derivations;
static _Atomic gint64 work_max_rounds = -1;
static _Atomic guint64 work_store_stats;

void
_cc_work_counts_reset (void)
{
  atomic_store (&work_files_read, 0);
  atomic_store (&work_bytes_read, 0);
  atomic_store (&work_derivations, 0);
  atomic_store (&work_max_rounds, -1);
  atomic_store (&work_store_stats, 0);
}

void
_cc_work_counts_get (CcWorkCounts *counts)
{
  counts->files_read = atomic_load (&work_files_read);
  counts->bytes_read = atomic_load (&work_bytes_read);
  counts->pfx_derivations = atomic_load (&work_derivations);
  counts->pfx_max_rounds = atomic_load (&work_max_rounds);
  counts->store_file_stats = atomic_load (&work_store_stats);
}

/* once per store folder loaded: its threads count on their own */
void
_cc_work_count_store_stats (guint64 n)
{
  atomic_fetch_add (&work_store_stats, n);
}

void
_cc_work_count_derivation (gint64 rounds)
{
  gint64 max = atomic_load (&work_max_rounds);

  atomic_fetch_add (&work_derivations, 1);
  while (rounds > max && !atomic_compare_exchange_weak (&work_max_rounds, &max, rounds))
    ;
}

/* Test-only fault injection, read once from CC_TEST_FAULT="ACTION:N": at the N-th step that
 * makes a change visible (a rename over a file or link, a removal), ACTION happens instead:
 * "kill" (SIGKILL, as a crash), "enospc" or "erofs" (that step fails with that error, as on
 * a full disk or a read-only folder). Returns the errno to fail with, or 0. */
static int
fault_point (void)
{
  static gsize once;
  static int action;   /* 0 none, 1 kill, else an errno */
  static guint at;
  static gint count;

  if (g_once_init_enter (&once))
    {
      const char *spec = g_getenv ("CC_TEST_FAULT");
      if (spec != NULL)
        {
          const char *colon = strchr (spec, ':');
          at = colon ? (guint) g_ascii_strtoull (colon + 1, NULL, 10) : 0;
          if (g_str_has_prefix (spec, "kill:"))
            action = 1;
          else if (g_str_has_prefix (spec, "enospc:"))
            action = ENOSPC;
          else if (g_str_has_prefix (spec, "erofs:"))
            action = EROFS;
        }
      g_once_init_leave (&once, 1);
    }
  if (action == 0 || (guint) g_atomic_int_add (&count, 1) + 1 != at)
    return 0;
  if (action == 1)
    kill (getpid (), SIGKILL);
  return action;
}

gboolean
_cc_unlink (const char *path, GError **error)
{
  int fault;

  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return TRUE;
  if (!_cc_journal_will_change (path, error))
    return FALSE;
  fault = fault_point ();
  if (fault != 0 || (g_unlink (path) != 0 && errno != ENOENT))
    {
      set_errno_error (error, fault ? fault : errno, _("Cannot remove “%s”"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
_cc_write_file_atomic (const char  *path,
                       const void  *data,
                       gsize        len,
                       int          mode,
                       GError     **error)
{
  return _cc_write_file (path, data, len, mode, TRUE, error);
}

static gboolean write_file_full (const char *path, const void *data, gsize len, int mode,
                                 gboolean sync_data, gboolean sync_dir, GError **error);

gboolean
_cc_write_file (const char  *path,
                const void  *data,
                gsize        len,
                int          mode,
                gboolean     sync_dir,
                GError     **error)
{
  return write_file_full (path, data, len, mode, TRUE, sync_dir, error);
}

gboolean
_cc_write_file_unsynced (const char  *path,
                         const void  *data,
                         gsize        len,
                         int          mode,
                         GError     **error)
{
  return write_file_full (path, data, len, mode, FALSE, FALSE, error);
}

static gboolean
write_file_full (const char  *path,
                 const void  *data,
                 gsize        len,
                 int          mode,
                 gboolean     sync_data,
                 gboolean     sync_dir,
                 GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base);
  const guint8 *p = data;
  gsize left = len;
  int fd;

  /* recorded before the temporary file exists, so that a replay finds that too */
  if (!_cc_journal_will_change (path, error))
    return FALSE;
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Cannot write “%s”; check that the folder exists and is writable"),
                       path);
      return FALSE;
    }
  /* mkstemp honours the umask; the mode we were asked for is what we want */
  if (fchmod (fd, mode) != 0)
    goto fail;

  while (left > 0)
    {
      ssize_t n = write (fd, p, left);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          goto fail;
        }
      p += n;
      left -= n;
    }
  if (sync_data && g_atomic_int_get (&durable) && fsync (fd) != 0)
    goto fail;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  /* an unsynced write is a cache's, whose failure fails nothing: no fault is injected there,
   * so that each fault step is one a change depends on */
  if ((sync_data && (errno = fault_point ()) != 0) || g_rename (tmp, path) != 0)
    goto fail;
  if (sync_dir)
    _cc_fsync_dir (dir);
  return TRUE;

fail:
  {
    int saved = errno;
    if (fd >= 0)
      close (fd);
    g_unlink (tmp);
    set_errno_error (error, saved,
                     _("Cannot write “%s”; nothing was changed. Check free space and permissions"),
                     path);
    return FALSE;
  }
}

/* the file as messages name it: dir/name (made when first needed), or name without dir */
static const char *
message_path (char **full, const char *dir, const char *name)
{
  if (dir == NULL)
    return name;
  if (*full == NULL)
    *full = g_build_filename (dir, name, NULL);
  return *full;
}

gboolean
_cc_read_file (const char *path, char **contents, gsize *len, GError **error)
{
  return _cc_read_file_at (AT_FDCWD, NULL, path, NULL, contents, len, error);
}

/* TRUE when the folder's listing (readdir's d_ino) gives its files' own inode numbers, as
 * stat would: ext4, XFS, Btrfs and tmpfs do; an overlay may show a lower layer's */
gboolean
_cc_listing_gives_inodes (int dir_fd)
{
  struct statfs fs;

  return fstatfs (dir_fd, &fs) == 0
         && (fs.f_type == 0xEF53             /* ext2, ext3, ext4 */
             || fs.f_type == 0x58465342      /* XFS */
             || fs.f_type == 0x9123683E      /* Btrfs */
             || fs.f_type == 0x01021994);    /* tmpfs */
}

gboolean
_cc_read_file_at (int          dir_fd,
                  const char  *dir,
                  const char  *name,
                  GStatBuf    *st_out,
                  char       **contents,
                  gsize       *len,
                  GError     **error)
{
  g_autofree char *full = NULL;   /* dir/name, made only for a message */
  struct stat st;
  g_autofree char *data = NULL;
  gsize got = 0;
  int fd;

  /* opened once and checked on what was opened: a FIFO or a device (/dev/zero) would have
   * no end, and a file that grows after a stat would pass a size check made on its name */
  fd = openat (dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Cannot read “%s”"), message_path (&full, dir, name));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      set_errno_error (error, errno, _("Cannot read “%s”"), message_path (&full, dir, name));
      close (fd);
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, CC_ERROR, CC_ERROR_IO, _("“%s” is a folder, not a file"),
                   message_path (&full, dir, name));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CC_ERROR, CC_ERROR_IO,
                   _("“%s” is not a regular file (a device, a pipe or a socket); save what it "
                     "holds to a file and give that"), message_path (&full, dir, name));
      return FALSE;
    }
  if (st.st_size > CC_MAX_FILE_SIZE)
    goto too_big;
  /* room for the size seen, one byte past it and the terminating NUL */
  data = g_malloc ((gsize) st.st_size + 2);
  atomic_fetch_add (&work_files_read, 1);
  for (;;)
    {
      /* one byte past the size seen: a file that grew meanwhile is noticed, and a file that
       * did not is read in one call (a regular file reads short only at its end) */
      ssize_t n = read (fd, data + got, (gsize) st.st_size + 1 - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, errno, _("Cannot read “%s”"), message_path (&full, dir, name));
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      atomic_fetch_add (&work_bytes_read, (guint64) n);
      got += (gsize) n;
      if (got > (gsize) st.st_size)
        goto too_big;
      if (got == (gsize) st.st_size)
        break;
    }
  /* a file that shrank while read: the stat of what it is now */
  if (st_out != NULL && got != (gsize) st.st_size && fstat (fd, &st) != 0)
    {
      set_errno_error (error, errno, _("Cannot read “%s”"), message_path (&full, dir, name));
      close (fd);
      return FALSE;
    }
  close (fd);
  if (st_out != NULL)
    *st_out = st;
  data[got] = '\0';
  *contents = g_steal_pointer (&data);
  if (len != NULL)
    *len = got;
  return TRUE;

too_big:
  close (fd);
  g_set_error (error, CC_ERROR, CC_ERROR_IO,
               _("“%s” is larger than %d MiB; it cannot be a certificate file"),
               message_path (&full, dir, name), CC_MAX_FILE_SIZE / (1024 * 1024));
  return FALSE;
}

gboolean
_cc_mkdir (const char *path, int mode, GError **error)
{
  if (g_mkdir_with_parents (path, mode) != 0)
    {
      set_errno_error (error, errno, _("Cannot create the folder “%s”"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
_cc_symlink_atomic (const char *target, const char *link_path, GError **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-%d", link_path, (int) getpid ());

  g_unlink (tmp);
  if (!_cc_journal_will_change (link_path, error))
    return FALSE;
  if (symlink (target, tmp) != 0 || (errno = fault_point ()) != 0
      || g_rename (tmp, link_path) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      set_errno_error (error, saved, _("Cannot create the link “%s”"), link_path);
      return FALSE;
    }
  return TRUE;
}

gboolean
_cc_rmrf (const char *path, GError **error)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return TRUE;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, error);
      const char *name;
      if (dir == NULL)
        return FALSE;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (!_cc_rmrf (child, error))
            return FALSE;
        }
      if (g_rmdir (path) != 0)
        {
          set_errno_error (error, errno, _("Cannot remove “%s”"), path);
          return FALSE;
        }
      return TRUE;
    }
  if (g_unlink (path) != 0)
    {
      set_errno_error (error, errno, _("Cannot remove “%s”"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
_cc_is_thumbprint (const char *name)
{
  guint i;
  for (i = 0; name[i]; i++)
    if (!g_ascii_isxdigit (name[i]) || g_ascii_isupper (name[i]))
      return FALSE;
  return i == 64;
}

char *
_cc_openssl_error (void)
{
  GString *s = g_string_new (NULL);
  unsigned long e;
  char buf[256];

  while ((e = ERR_get_error ()) != 0)
    {
      const char *reason = ERR_reason_error_string (e);
      if (reason == NULL)
        {
          ERR_error_string_n (e, buf, sizeof buf);
          reason = buf;
        }
      if (s->len == 0 || strstr (s->str, reason) == NULL)
        g_string_append_printf (s, "%s%s", s->len ? "; " : "", reason);
    }
  return g_string_free (s, s->len == 0);
}

void
_cc_set_openssl_error (GError **error, int code, const char *format, ...)
{
  g_autofree char *msg = NULL;
  g_autofree char *ossl = _cc_openssl_error ();
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  if (ossl != NULL)
    g_set_error (error, CC_ERROR, code, "%s (OpenSSL: %s)", msg, ossl);
  else
    g_set_error_literal (error, CC_ERROR, code, msg);
}

GPtrArray *
_cc_pem_decode_all (const char *text, gsize len, const char *label)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      const char *begin = g_strstr_len (p, end - p, "-----BEGIN ");
      const char *label_end, *body, *stop;
      g_autofree char *this_label = NULL;
      g_autofree char *end_marker = NULL;
      g_autofree char *b64 = NULL;
      guchar *der;
      gsize der_len;

      if (begin == NULL)
        break;
      label_end = g_strstr_len (begin + 11, end - (begin + 11), "-----");
      if (label_end == NULL)
        break;
      this_label = g_strndup (begin + 11, label_end - (begin + 11));
      body = label_end + 5;
      end_marker = g_strdup_printf ("-----END %s-----", this_label);
      stop = g_strstr_len (body, end - body, end_marker);
      if (stop == NULL)
        break;
      p = stop + strlen (end_marker);
      if (label != NULL && strcmp (label, this_label) != 0)
        continue;
      b64 = g_strndup (body, stop - body);
      der = g_base64_decode (b64, &der_len);
      if (der_len > 0)
        g_ptr_array_add (out, g_bytes_new_take (der, der_len));
      else
        g_free (der);
    }
  return out;
}

void
_cc_sha256_raw (const void *data, gsize len, guint8 out[32])
{
  unsigned int md_len = 0;

  EVP_Digest (data, len, out, &md_len, EVP_sha256 (), NULL);
}

char *
_cc_sha256_hex (const void *data, gsize len)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  char *out;

  /* OpenSSL's SHA-256 is several times faster than GLib's on this hardware */
  EVP_Digest (data, len, md, &md_len, EVP_sha256 (), NULL);
  out = g_malloc (md_len * 2 + 1);
  for (unsigned int i = 0; i < md_len; i++)
    {
      out[2 * i] = hex[md[i] >> 4];
      out[2 * i + 1] = hex[md[i] & 0xf];
    }
  out[md_len * 2] = '\0';
  return out;
}

int
_cc_compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* ---- batches: many new files made durable with one sync ---- */

typedef struct
{
  char *path;
  char *tmp;
  gboolean renamed;
} BatchFile;

struct _CcBatch
{
  GArray *files;       /* of BatchFile */
  GHashTable *shared;  /* share key -> index + 1 in files of the file the others link to */
  GHashTable *shared_data;  /* share key -> GBytes, what each of them holds */
};

static void
batch_file_clear (BatchFile *f)
{
  g_free (f->path);
  g_free (f->tmp);
}

CcBatch *
_cc_batch_new (void)
{
  CcBatch *self = g_new0 (CcBatch, 1);
  self->files = g_array_new (FALSE, TRUE, sizeof (BatchFile));
  g_array_set_clear_func (self->files, (GDestroyNotify) batch_file_clear);
  self->shared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->shared_data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_bytes_unref);
  return self;
}

guint
_cc_batch_get_n_files (CcBatch *self)
{
  return self->files->len;
}

gboolean
_cc_batch_write (CcBatch *self, const char *path, const void *data, gsize len, int mode,
                 GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  BatchFile f = { g_strdup (path), g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base), FALSE };
  const guint8 *p = data;
  gsize left = len;
  int fd;

  /* named in the journal before its temporary file exists (a killed process leaves both
   * for the next one to take away); synced once, by the commit */
  if (!_cc_journal_will_change_many (&path, 1, FALSE, error))
    {
      batch_file_clear (&f);
      return FALSE;
    }

  fd = g_mkstemp_full (f.tmp, O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Cannot write “%s”; check that the folder exists and is writable"),
                       path);
      batch_file_clear (&f);
      return FALSE;
    }
  if (fchmod (fd, mode) != 0)
    goto fail;
  while (left > 0)
    {
      ssize_t n = write (fd, p, left);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          goto fail;
        }
      p += n;
      left -= n;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  g_array_append_val (self->files, f);
  return TRUE;

fail:
  {
    int saved = errno;
    if (fd >= 0)
      close (fd);
    g_unlink (f.tmp);
    set_errno_error (error, saved,
                     _("Cannot write “%s”; nothing was changed. Check free space and permissions"),
                     path);
    batch_file_clear (&f);
    return FALSE;
  }
}

/* As _cc_batch_write, for a file that holds the same bytes as every other file of the batch
 * written with the same key (a certificate named by its thumbprint, on every server): the
 * first is written, the others are hard links of its temporary file, renamed into place like
 * any other. 10,000 servers trusting a root hold one copy of it on disk, and a reload stats
 * that copy once (load_folder). Files are never changed in place, only replaced by a rename,
 * so sharing one never changes another. Where a link cannot be made (another filesystem, no
 * hard links, the filesystem's limit of links reached), the file is written.
 * data may be NULL when the key was given before (_cc_batch_knows): its bytes are kept. */
gboolean
_cc_batch_write_shared (CcBatch *self, const char *path, const char *key, const void *data,
                        gsize len, int mode, GError **error)
{
  guint first = GPOINTER_TO_UINT (g_hash_table_lookup (self->shared, key));
  GBytes *kept = g_hash_table_lookup (self->shared_data, key);

  g_return_val_if_fail (data != NULL || kept != NULL, FALSE);

  if (first > 0)
    {
      BatchFile *of = &g_array_index (self->files, BatchFile, first - 1);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (path);

      if (!_cc_journal_will_change_many (&path, 1, FALSE, error))
        return FALSE;
      for (guint attempt = 0; attempt < 8; attempt++)
        {
          BatchFile f = { g_strdup (path),
                          g_strdup_printf ("%s/.%s.tmp-%06x", dir, base, g_random_int () & 0xffffff),
                          FALSE };

          if (link (of->tmp, f.tmp) == 0)
            {
              g_array_append_val (self->files, f);
              return TRUE;
            }
          batch_file_clear (&f);
          if (errno != EEXIST)
            break;
        }
      /* written instead; and the next ones link to this one */
    }
  if (kept != NULL)
    data = g_bytes_get_data (kept, &len);
  if (!_cc_batch_write (self, path, data, len, mode, error))
    return FALSE;
  if (kept == NULL)
    g_hash_table_insert (self->shared_data, g_strdup (key), g_bytes_new (data, len));
  g_hash_table_replace (self->shared, g_strdup (key), GUINT_TO_POINTER (self->files->len));
  return TRUE;
}

gboolean
_cc_batch_knows (CcBatch *self, const char *key)
{
  return g_hash_table_contains (self->shared_data, key);
}

/* syncfs once per filesystem the batch wrote to */
static gboolean
batch_sync_data (CcBatch *self)
{
  g_autoptr(GArray) devs = g_array_new (FALSE, FALSE, sizeof (dev_t));

  for (guint i = 0; i < self->files->len; i++)
    {
      BatchFile *f = &g_array_index (self->files, BatchFile, i);
      gboolean seen = FALSE;
      GStatBuf st;
      int fd;

      if (g_stat (f->tmp, &st) != 0)
        return FALSE;
      for (guint j = 0; j < devs->len && !seen; j++)
        seen = g_array_index (devs, dev_t, j) == st.st_dev;
      if (seen)
        continue;
      g_array_append_val (devs, st.st_dev);
      fd = open (f->tmp, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return FALSE;
      if (syncfs (fd) != 0)
        {
          close (fd);
          return FALSE;
        }
      close (fd);
    }
  return TRUE;
}

gboolean
_cc_batch_commit (CcBatch *self, GError **error)
{
  g_autoptr(GHashTable) dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer dir;
  gboolean durable_now = g_atomic_int_get (&durable);

  /* every file's data on disk before the first rename: then a crash leaves each new file
   * wholly there or not there, never empty */
  if (durable_now && !batch_sync_data (self))
    {
      set_errno_error (error, errno, _("Cannot write to the disk holding “%s”; nothing was changed"),
                       self->files->len ? g_array_index (self->files, BatchFile, 0).path : "");
      return FALSE;
    }
  /* the journal, which named every file before its temporary file existed, is on disk
   * before the first of them appears */
  if (!_cc_journal_sync ())
    {
      set_errno_error (error, errno, _("Cannot write to the disk holding “%s”; nothing was changed"),
                       self->files->len ? g_array_index (self->files, BatchFile, 0).path : "");
      return FALSE;
    }
  for (guint i = 0; i < self->files->len; i++)
    {
      BatchFile *f = &g_array_index (self->files, BatchFile, i);

      if ((errno = fault_point ()) != 0 || g_rename (f->tmp, f->path) != 0)
        {
          int saved = errno;
          /* the batch holds new files only: taking them away again restores the folders */
          for (guint j = 0; j < i; j++)
            {
              BatchFile *done = &g_array_index (self->files, BatchFile, j);
              g_unlink (done->path);
              done->renamed = FALSE;
            }
          set_errno_error (error, saved,
                           _("Cannot write “%s”; nothing was changed. Check free space and permissions"),
                           f->path);
          return FALSE;
        }
      f->renamed = TRUE;
      g_hash_table_add (dirs, g_path_get_dirname (f->path));
    }
  g_hash_table_iter_init (&iter, dirs);
  while (g_hash_table_iter_next (&iter, &dir, NULL))
    _cc_fsync_dir (dir);
  return TRUE;
}

void
_cc_batch_free (CcBatch *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->files->len; i++)
    {
      BatchFile *f = &g_array_index (self->files, BatchFile, i);
      if (!f->renamed)
        g_unlink (f->tmp);
    }
  g_array_unref (self->files);
  g_hash_table_unref (self->shared);
  g_hash_table_unref (self->shared_data);
  g_free (self);
}
