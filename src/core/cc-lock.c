/* cc-lock.c: the write lock of a deployment (deployment.lock, held with flock), and the
 * journal that makes each locked change all or nothing even when the process is killed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cc-core-private.h"

struct _CcLock
{
  char *dir;          /* the deployment folder */
  char *file;         /* its deployment.lock */
  /* the journal: for every file this change touches, how to put back what was there */
  char *journal;      /* deployment.journal */
  char *backups;      /* deployment.journal.d/ */
  int journal_fd;     /* -1 until the first change */
  guint n_backups;
  GHashTable *recorded;
  int fd;
};

/* writers of one process (the console's worker threads) queue up here; flock alone would
 * not tell them apart from another process */
static GMutex writers;

/* the lock this process holds (at most one: writers queue on the mutex above); journal
 * records are appended under journal_mutex, as a reader thread may look at it */
static CcLock *held;
static GMutex journal_mutex;

/* The journal has one line per file, written and synced before the file is first changed:
 *   c <path>            the file did not exist: remove it
 *   b <path> <backup>   its previous version is the hard link <backup>: rename it back
 *   t <path> <size>     it was appended to: truncate it to size
 * (paths relative to the deployment folder, fields separated by tabs). Replaying it
 * newest first puts every file back as it was before the change began; it is replayed by
 * the next writer, or by the next reader that finds no writer, and removed when the change
 * is complete. */

static gboolean
relative_path_is_safe (const char *rel)
{
  g_auto(GStrv) parts = NULL;

  if (rel == NULL || *rel == '\0' || g_path_is_absolute (rel))
    return FALSE;
  parts = g_strsplit (rel, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
      return FALSE;
  return TRUE;
}

/* the temporary files a killed write may leave beside path (see cc-fileutil.c) */
static void
remove_temporaries (const char *path)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *hidden = g_strdup_printf (".%s.tmp-", base);
  g_autofree char *visible = g_strdup_printf ("%s.tmp-", base);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, hidden) || g_str_has_prefix (name, visible))
      {
        g_autofree char *child = g_build_filename (dir_name, name, NULL);
        g_unlink (child);
      }
}

static void
replay_journal (const char *dir, const char *journal, const char *backups)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer folder;
  guint n;

  if (g_file_get_contents (journal, &text, NULL, NULL))
    {
      lines = g_strsplit (text, "\n", -1);
      /* the piece after the last newline is a line cut short by the kill (or nothing): its
       * file was not touched yet, and a path cut short could name another file */
      n = g_strv_length (lines);
      n = n > 0 ? n - 1 : 0;
      for (guint i = n; i > 0; i--)
        {
          g_auto(GStrv) f = g_strsplit (lines[i - 1], "\t", 3);
          g_autofree char *path = NULL;

          if (g_strv_length (f) < 2 || !relative_path_is_safe (f[1]))
            continue;
          path = g_build_filename (dir, f[1], NULL);
          if (g_str_equal (f[0], "c") && f[2] == NULL)
            g_unlink (path);
          else if (g_str_equal (f[0], "b") && f[2] != NULL && relative_path_is_safe (f[2]))
            {
              g_autofree char *backup = g_build_filename (backups, f[2], NULL);
              if (g_rename (backup, path) != 0 && errno != ENOENT)
                g_debug ("journal: cannot restore %s: %s", path, g_strerror (errno));
            }
          else if (g_str_equal (f[0], "t") && f[2] != NULL)
            {
              gint64 size = g_ascii_strtoll (f[2], NULL, 10);
              if (size >= 0 && truncate (path, size) != 0 && errno != ENOENT)
                g_debug ("journal: cannot truncate %s: %s", path, g_strerror (errno));
            }
          else
            continue;
          remove_temporaries (path);
          g_hash_table_add (folders, g_path_get_dirname (path));
        }
    }
  g_hash_table_iter_init (&iter, folders);
  while (g_hash_table_iter_next (&iter, &folder, NULL))
    _cc_fsync_dir (folder);
  /* the journal goes last: until it has, a new replay does the same again */
  _cc_rmrf (backups, NULL);
  g_unlink (journal);
  _cc_fsync_dir (dir);
}

static void
recover (CcLock *lock)
{
  if (g_file_test (lock->journal, G_FILE_TEST_EXISTS)
      || g_file_test (lock->backups, G_FILE_TEST_EXISTS))
    {
      g_debug ("%s: taking back a change that was interrupted", lock->dir);
      replay_journal (lock->dir, lock->journal, lock->backups);
    }
}

static gboolean
journal_append (CcLock *lock, const char *line, gboolean sync)
{
  gsize len = strlen (line);

  if (lock->journal_fd < 0)
    {
      lock->journal_fd = g_open (lock->journal, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (lock->journal_fd < 0)
        return FALSE;
      _cc_fsync_dir (lock->dir);
    }
  if (write (lock->journal_fd, line, len) != (ssize_t) len)
    return FALSE;
  if (sync && _cc_is_durable () && fdatasync (lock->journal_fd) != 0)
    return FALSE;
  return TRUE;
}

/* the lock held for the folder path is in, with journal_mutex held; NULL otherwise */
static CcLock *
lock_for (const char *path, char **rel)
{
  gsize n;

  g_mutex_lock (&journal_mutex);
  if (held != NULL)
    {
      g_autofree char *canonical = g_canonicalize_filename (path, NULL);

      n = strlen (held->dir);
      if (strncmp (canonical, held->dir, n) == 0 && canonical[n] == '/'
          && canonical[n + 1] != '\0')
        {
          *rel = g_strdup (canonical + n + 1);
          return held;
        }
    }
  g_mutex_unlock (&journal_mutex);
  return NULL;
}

/* the previous version of path as backup, for filesystems with no hard links: a copy with
 * the same mode (a key stays 0600), or the same link */
static gboolean
copy_for_backup (const char *path, const char *backup)
{
  g_autofree char *data = NULL;
  g_autofree char *target = NULL;
  struct stat st;
  gsize len = 0;
  gboolean ok;
  int fd;

  if (lstat (path, &st) != 0)
    return FALSE;
  if (S_ISLNK (st.st_mode))
    return (target = g_file_read_link (path, NULL)) != NULL && symlink (target, backup) == 0;
  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  fd = g_open (backup, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0777);
  if (fd < 0)
    return FALSE;
  ok = write (fd, data, len) == (ssize_t) len && (!_cc_is_durable () || fsync (fd) == 0);
  close (fd);
  if (!ok)
    g_unlink (backup);
  return ok;
}

/* Records how to put back one file, with journal_mutex held: a hard link (or copy) of what
 * is there now in the backups folder, or "it was not there"; the line goes to lines. */
static gboolean
record_one (CcLock *lock, const char *path, const char *rel, GString *lines, gboolean *backed_up)
{
  if (g_hash_table_contains (lock->recorded, rel) || !relative_path_is_safe (rel))
    return TRUE;
  if (g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autofree char *name = g_strdup_printf ("%u", lock->n_backups++);
      g_autofree char *backup = g_build_filename (lock->backups, name, NULL);

      /* a hard link keeps the previous version whatever is then renamed over the name */
      if (!_cc_mkdir (lock->backups, 0700, NULL)
          || (link (path, backup) != 0 && !copy_for_backup (path, backup)))
        return FALSE;
      *backed_up = TRUE;
      g_string_append_printf (lines, "b\t%s\t%s\n", rel, name);
    }
  else
    g_string_append_printf (lines, "c\t%s\n", rel);
  g_hash_table_add (lock->recorded, g_strdup (rel));
  return TRUE;
}

gboolean
_cc_journal_will_change_many (const char * const *paths, guint n_paths, gboolean sync,
                              GError **error)
{
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autofree char *first_rel = NULL;
  gboolean backed_up = FALSE;
  gboolean ok = TRUE;
  CcLock *lock;

  if (n_paths == 0)
    return TRUE;
  /* every path of one change is in the same deployment */
  lock = lock_for (paths[0], &first_rel);
  if (lock == NULL)
    return TRUE;
  for (guint i = 0; ok && i < n_paths; i++)
    {
      g_autofree char *canonical = g_canonicalize_filename (paths[i], NULL);
      gsize n = strlen (lock->dir);

      if (strncmp (canonical, lock->dir, n) != 0 || canonical[n] != '/' || canonical[n + 1] == 0)
        continue;
      ok = record_one (lock, paths[i], canonical + n + 1, lines, &backed_up);
    }
  /* one sync for the backups and one for the journal, however many files the change has */
  if (ok && backed_up)
    _cc_fsync_dir (lock->backups);
  if (ok && lines->len > 0)
    ok = journal_append (lock, lines->str, sync);
  g_mutex_unlock (&journal_mutex);
  if (!ok)
    g_set_error (error, CC_ERROR, CC_ERROR_IO,
                 _("Cannot write the journal of the deployment %s: %s; nothing was changed. "
                   "Check free space and permissions"), lock->dir, g_strerror (errno));
  return ok;
}

gboolean
_cc_journal_will_change (const char *path, GError **error)
{
  return _cc_journal_will_change_many (&path, 1, TRUE, error);
}

gboolean
_cc_journal_sync (void)
{
  gboolean ok = TRUE;

  g_mutex_lock (&journal_mutex);
  if (held != NULL && held->journal_fd >= 0 && _cc_is_durable ())
    ok = fdatasync (held->journal_fd) == 0;
  g_mutex_unlock (&journal_mutex);
  return ok;
}

void
_cc_journal_will_append (const char *path)
{
  g_autofree char *rel = NULL;
  CcLock *lock = lock_for (path, &rel);
  GStatBuf st;

  if (lock == NULL)
    return;
  if (!g_hash_table_contains (lock->recorded, rel) && relative_path_is_safe (rel))
    {
      g_autofree char *line = NULL;

      if (g_stat (path, &st) == 0)
        line = g_strdup_printf ("t\t%s\t%" G_GINT64_FORMAT "\n", rel, (gint64) st.st_size);
      else
        line = g_strdup_printf ("c\t%s\n", rel);
      if (journal_append (lock, line, TRUE))
        g_hash_table_add (lock->recorded, g_strdup (rel));
    }
  g_mutex_unlock (&journal_mutex);
}

void
_cc_journal_recover (const char *path)
{
  g_autofree char *journal = g_build_filename (path, "deployment.journal", NULL);
  g_autofree char *backups = g_build_filename (path, "deployment.journal.d", NULL);
  g_autoptr(CcLock) lock = NULL;

  if (!g_file_test (journal, G_FILE_TEST_EXISTS) && !g_file_test (backups, G_FILE_TEST_EXISTS))
    return;
  /* not while this process is changing it, and never waiting for another writer */
  if (!g_mutex_trylock (&writers))
    return;
  g_mutex_unlock (&writers);
  lock = cc_lock_acquire (path, NULL);
}

/* "certctl (pid 1234 on host) since 14:02", from what the holder wrote into the file */
static char *
describe_holder (int fd)
{
  char buf[512];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  g_auto(GStrv) fields = NULL;
  g_autoptr(GDateTime) since = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;
  g_autofree char *host = NULL;

  if (n <= 0)
    return g_strdup (_("another program"));
  buf[n] = '\0';
  g_strchomp (buf);
  /* program \t pid \t host \t start time (ISO 8601, UTC) */
  fields = g_strsplit (buf, "\t", 4);
  if (g_strv_length (fields) != 4 || !g_utf8_validate (buf, -1, NULL))
    return g_strdup (_("another program"));
  since = g_date_time_new_from_iso8601 (fields[3], NULL);
  if (since != NULL)
    {
      local = g_date_time_to_local (since);
      when = g_date_time_format (local, "%H:%M");
    }
  host = g_strdup (fields[2]);
  if (g_strcmp0 (host, g_get_host_name ()) == 0)
    {
      if (when != NULL)
        return g_strdup_printf (_("%s (pid %s) since %s"), fields[0], fields[1], when);
      return g_strdup_printf (_("%s (pid %s)"), fields[0], fields[1]);
    }
  if (when != NULL)
    return g_strdup_printf (_("%s (pid %s on %s) since %s"), fields[0], fields[1], host, when);
  return g_strdup_printf (_("%s (pid %s on %s)"), fields[0], fields[1], host);
}

static void
write_holder (int fd)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);
  const char *program = g_get_prgname ();
  g_autofree char *text = g_strdup_printf ("%s\t%d\t%s\t%s\n", program ? program : "certconsole",
                                           (int) getpid (), g_get_host_name (), when);
  gsize len = strlen (text);

  /* a lock file left by a process that died is taken over: its text is replaced */
  if (ftruncate (fd, 0) == 0 && pwrite (fd, text, len, 0) == (ssize_t) len)
    return;
  g_debug ("cannot record the holder in the lock file: %s", g_strerror (errno));
}

CcLock *
cc_lock_acquire (const char *path, GError **error)
{
  g_autofree char *file = g_build_filename (path, "deployment.lock", NULL);
  int fd = -1;

  g_return_val_if_fail (path != NULL, NULL);

  g_mutex_lock (&writers);
  for (;;)
    {
      GStatBuf by_name;
      struct stat by_fd;

      fd = g_open (file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0)
        {
          int saved = errno;
          g_mutex_unlock (&writers);
          g_set_error (error, CC_ERROR, CC_ERROR_IO,
                       _("Cannot lock the deployment %s for a change: %s. Check that the folder "
                         "exists and is writable"), path, g_strerror (saved));
          return NULL;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          int saved = errno;
          g_autofree char *holder = NULL;

          if (saved == EINTR)
            {
              close (fd);
              continue;
            }
          holder = saved == EWOULDBLOCK ? describe_holder (fd) : NULL;
          close (fd);
          g_mutex_unlock (&writers);
          if (holder != NULL)
            g_set_error (error, CC_ERROR, CC_ERROR_LOCKED,
                         _("The deployment %s is being changed by %s; try again when it has "
                           "finished"), path, holder);
          else
            g_set_error (error, CC_ERROR, CC_ERROR_IO,
                         _("Cannot lock the deployment %s for a change: %s"), path,
                         g_strerror (saved));
          return NULL;
        }
      /* the holder before us may have removed the file between our open and our flock:
       * then we hold a lock on a file nobody else sees, and start again */
      if (g_stat (file, &by_name) == 0 && fstat (fd, &by_fd) == 0
          && by_name.st_ino == by_fd.st_ino && by_name.st_dev == by_fd.st_dev)
        break;
      close (fd);
    }

  write_holder (fd);
  {
    CcLock *lock = g_new0 (CcLock, 1);
    lock->dir = g_canonicalize_filename (path, NULL);
    lock->file = g_steal_pointer (&file);
    lock->journal = g_build_filename (path, "deployment.journal", NULL);
    lock->backups = g_build_filename (path, "deployment.journal.d", NULL);
    lock->journal_fd = -1;
    lock->recorded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    lock->fd = fd;
    /* a writer that was killed left its journal: take its change back first */
    recover (lock);
    g_mutex_lock (&journal_mutex);
    held = lock;
    g_mutex_unlock (&journal_mutex);
    return lock;
  }
}

void
cc_lock_abort (CcLock *lock)
{
  if (lock == NULL)
    return;
  g_mutex_lock (&journal_mutex);
  held = NULL;
  g_mutex_unlock (&journal_mutex);
  if (lock->journal_fd >= 0)
    {
      close (lock->journal_fd);
      lock->journal_fd = -1;
      replay_journal (lock->dir, lock->journal, lock->backups);
    }
  cc_lock_release (lock);
}

void
cc_lock_release (CcLock *lock)
{
  if (lock == NULL)
    return;
  g_mutex_lock (&journal_mutex);
  held = NULL;
  g_mutex_unlock (&journal_mutex);
  if (lock->journal_fd >= 0)
    {
      /* the change is complete once every file it wrote is durable: then its journal,
       * the commit point, goes */
      g_autoptr(GHashTable) folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
      GHashTableIter iter;
      gpointer rel, folder;

      g_hash_table_iter_init (&iter, lock->recorded);
      while (g_hash_table_iter_next (&iter, &rel, NULL))
        {
          g_autofree char *full = g_build_filename (lock->dir, rel, NULL);
          g_hash_table_add (folders, g_path_get_dirname (full));
        }
      g_hash_table_iter_init (&iter, folders);
      while (g_hash_table_iter_next (&iter, &folder, NULL))
        _cc_fsync_dir (folder);
      close (lock->journal_fd);
      g_unlink (lock->journal);
      _cc_fsync_dir (lock->dir);
      _cc_rmrf (lock->backups, NULL);
    }
  /* removed while still held, so that nobody takes a lock on a file about to go */
  g_unlink (lock->file);
  close (lock->fd);
  g_hash_table_unref (lock->recorded);
  g_free (lock->dir);
  g_free (lock->file);
  g_free (lock->journal);
  g_free (lock->backups);
  g_free (lock);
  g_mutex_unlock (&writers);
}
