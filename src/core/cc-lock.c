/* cc-lock.c: the write lock of a deployment (deployment.lock, held with flock). */
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
  char *file;
  int fd;
};

/* writers of one process (the console's worker threads) queue up here; flock alone would
 * not tell them apart from another process */
static GMutex writers;

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
    lock->file = g_steal_pointer (&file);
    lock->fd = fd;
    return lock;
  }
}

void
cc_lock_release (CcLock *lock)
{
  if (lock == NULL)
    return;
  /* removed while still held, so that nobody takes a lock on a file about to go */
  g_unlink (lock->file);
  close (lock->fd);
  g_free (lock->file);
  g_free (lock);
  g_mutex_unlock (&writers);
}
