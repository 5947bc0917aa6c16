/* cc-lock.h: the write lock of a deployment, so that two consoles (or a console and
 * certctl) never interleave their changes. Readers never take it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CcLock CcLock;

/* Takes the write lock of the deployment in folder path (the file deployment.lock, held
 * with flock and naming its holder: program, pid, host, start time) for the duration of
 * one change. Writers of this process wait for each other; a writer in another process gets
 * CC_ERROR_LOCKED naming who holds it. A lock file left behind by a process that died is
 * taken over. CC_ERROR_IO when the folder cannot hold the lock file. */
CcLock   *cc_lock_acquire  (const char  *path,
                            GError     **error);
/* Releases it (NULL allowed): the change made under it is complete. */
void      cc_lock_release  (CcLock      *lock);
/* Releases it after a change that failed: every file changed under it is put back as it
 * was when it was taken (NULL allowed). */
void      cc_lock_abort    (CcLock      *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcLock, cc_lock_release)

G_END_DECLS
