/* store_backup.c — a consistent copy of the live database while other
 * sessions keep working, through SQLite's online backup API: one backup
 * step reads every page inside a single read transaction (WAL lets writers
 * go on meanwhile), into a new 0600 file beside the destination that is
 * synced and then moved into place, so a copy is either whole or absent. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_internal.h"

/* Busy answers (a checkpoint holding the lock) are retried for about 10 s. */
#define BACKUP_RETRIES 200
#define BACKUP_RETRY_NS 50000000L

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* fsync of the directory holding `file`, so the rename itself is durable. */
static void sync_parent(const char *file)
{
    char dir[4096];
    char *slash;
    int fd;

    snprintf(dir, sizeof dir, "%s", file);
    slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Copies every page of the open database into the empty file `tmp`. */
static enum bc_status copy_pages(struct store *s, const char *tmp)
{
    sqlite3 *dst = NULL;
    sqlite3_backup *b;
    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    enum bc_status st = BC_OK;

    if (rc != SQLITE_OK) {
        store_note(s, dst ? sqlite3_errmsg(dst) : "cannot open the backup file");
        sqlite3_close(dst);
        return BC_IO_ERROR;
    }
    b = sqlite3_backup_init(dst, "main", db_sqlite_handle(s->db), "main");
    if (!b) {
        store_note(s, sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return BC_DB_ERROR;
    }
    for (int tries = 0;; tries++) {
        rc = sqlite3_backup_step(b, -1);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= BACKUP_RETRIES)
            break;
        nanosleep(&(struct timespec){0, BACKUP_RETRY_NS}, NULL);
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        st = store_fail(s, rc);
    } else if (sqlite3_errcode(dst) != SQLITE_OK) {
        store_note(s, sqlite3_errmsg(dst));
        st = BC_IO_ERROR;
    }
    if (sqlite3_close(dst) != SQLITE_OK && st == BC_OK)
        st = BC_IO_ERROR;
    return st;
}

enum bc_status store_backup(struct store *s, const char *dest, bool replace)
{
    char tmp[4200];
    enum bc_status st;
    int fd, n, saved;

    if (!s || !dest || !dest[0])
        return BC_INVALID_ARGUMENT;
    if (s->engine != DB_SQLITE) {
        store_note(s, "backup copies a SQLite database; for PostgreSQL use pg_dump");
        errno = ENOTSUP;
        return BC_INVALID_ARGUMENT;
    }
    if (same_file(dest, sqlite3_db_filename(db_sqlite_handle(s->db), "main"))) {
        store_note(s, "the backup would replace the database itself");
        errno = EINVAL;
        return BC_INVALID_ARGUMENT;
    }
    if (!replace && access(dest, F_OK) == 0) {
        store_note(s, "the file exists");
        errno = EEXIST;
        return BC_IO_ERROR;
    }
    n = snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dest);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return BC_IO_ERROR;
    }
    fd = mkstemp(tmp);   /* 0600 */
    if (fd < 0) {
        store_note(s, strerror(errno));
        return BC_IO_ERROR;
    }
    st = copy_pages(s, tmp);
    if (st == BC_OK && (fchmod(fd, 0600) != 0 || fsync(fd) != 0))
        st = BC_IO_ERROR;
    saved = errno;
    close(fd);
    if (st == BC_OK) {
        /* link() refuses an existing name atomically; rename() replaces it. */
        if (replace ? rename(tmp, dest) != 0 : link(tmp, dest) != 0) {
            saved = errno;
            store_note(s, strerror(errno));
            st = BC_IO_ERROR;
        }
    }
    if (!(st == BC_OK && replace))
        unlink(tmp);
    if (st == BC_OK)
        sync_parent(dest);
    errno = st == BC_OK ? 0 : saved;
    return st;
}
