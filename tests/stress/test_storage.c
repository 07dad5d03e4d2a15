/* test_storage.c — hostile storage. A full disk (a small
 * tmpfs, full before and during the write), a read-only database (mode
 * 0400, an immutable file, a read-only bind mount), a database locked by
 * another process beyond the busy timeout, a database from a newer schema
 * version, a file of random bytes and a truncated database: each gives one
 * line on stderr, exit 1, and changes nothing (the file's bytes and its
 * rows compared before and after). The terminal UI on a damaged or newer
 * database exits 1 with the message left on the restored terminal.
 * Mounts need root (CI and the development machine run as root); each
 * case that cannot be set up is skipped with its reason. These are SQLite's
 * storage: its file.
 *
 * On PostgreSQL ($BC_TEST_ENGINE=pg, through testdb) the storage is the
 * server, and its hostile cases are its own: the server stopped (every
 * command, and the UI, exits 1 with one line; nothing changed once it is
 * back), the tables locked by another session beyond the store's lock
 * timeout (30 s; SQLite's busy timeout is 5 s) and within it, and a
 * database that only reads (default_transaction_read_only, as a hot
 * standby answers).
 *
 * argv: BILLCENTER. $BC_TEST_WRAPPER is honoured (except for the UI). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress.h"
#include "testdb.h"
#include "vt.h"

static const char *dir;
static char demo[512];

#define ORDER_ARGS "order", "place", "--account", "11", "--product", "gotomeeting", \
    "--to-plan", "business", "--to-seats", "12", "--to-period", "monthly", \
    "--idempotency-key", "hostile-1", "--card", "4242424242424242", "--card-exp", "12/30"

/* Runs the commands that must all fail cleanly on db; checks one line,
 * exit 1, the expected words, and the file unchanged. */
/* Business rows: everything but the audit log, which records each refused
 * attempt with its error code by design. */
static const char *const no_audit[] = {"audit", NULL};

/* Audit rows that record a success. */
static int64_t audit_ok(const char *db)
{
    return stress_sql_int(db, "SELECT count(*) FROM audit WHERE result = 'ok'", -1);
}

static void refuse_all(const char *what, const char *db, const char *words, bool reads_fail)
{
    struct stress_run r;
    uint64_t bytes = stress_file_hash(db);

    STRESS_RUN(&r, dir, db, ORDER_ARGS);
    tap_ok(r.code == 1 && stress_one_line(r.err) && strstr(r.err, words),
           "%s: order place exits 1 (%d) with one line containing '%s'", what, r.code, words);
    tap_diag("%s: %s", what, r.err);
    stress_run_clear(&r);
    if (reads_fail) {
        STRESS_RUN(&r, dir, db, "account", "show", "11", "--json");
        tap_ok(r.code == 1 && stress_one_line(r.err) && !*r.out,
               "%s: account show exits 1 (%d) with one line", what, r.code);
        stress_run_clear(&r);
        STRESS_RUN(&r, dir, db, "reconcile");
        tap_ok(r.code == 1 && stress_one_line(r.err), "%s: reconcile exits 1 (%d) with one line",
               what, r.code);
        stress_run_clear(&r);
        STRESS_RUN(&r, dir, db, "init", "--demo");
        tap_ok(r.code == 1 && stress_one_line(r.err), "%s: init --demo exits 1 (%d) with one "
               "line", what, r.code);
        stress_run_clear(&r);
    }
    tap_ok(bytes != 0 && stress_file_hash(db) == bytes, "%s: the file is byte for byte unchanged",
           what);
}

/* ------------------------------------------------------------ cases */

static void newer_schema(void)
{
    char db[500];

    snprintf(db, sizeof db, "%s/newer.db", dir);
    stress_copy(demo, db);
    stress_sql_exec(db, "PRAGMA user_version = 99; PRAGMA journal_mode = DELETE");
    uint64_t rows = stress_db_hash(db, NULL);
    refuse_all("schema version 99", db, "newer", true);
    tap_ok(stress_sql_int(db, "PRAGMA user_version", 0) == 99 && stress_db_hash(db, NULL) == rows,
           "schema version 99: still 99, no row changed");
}

static void random_bytes(void)
{
    char db[500];
    unsigned char buf[4096];
    unsigned seed = 7;
    int fd;

    snprintf(db, sizeof db, "%s/random.db", dir);
    fd = open(db, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (int i = 0; i < 64; i++) {
        for (size_t k = 0; k < sizeof buf; k++)
            buf[k] = (unsigned char)rand_r(&seed);
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
            break;
    }
    close(fd);
    refuse_all("random bytes", db, "damaged", true);
}

static void truncated(void)
{
    char db[500];
    struct stat sb;

    snprintf(db, sizeof db, "%s/truncated.db", dir);
    stress_copy(demo, db);
    stat(db, &sb);
    if (truncate(db, sb.st_size / 2) != 0)
        tap_diag("truncate: %s", strerror(errno));
    refuse_all("a database truncated to half", db, "damaged", true);
}

static void mode_0400(void)
{
    char db[500];

    snprintf(db, sizeof db, "%s/ro.db", dir);
    stress_copy(demo, db);
    chmod(db, 0400);
    uint64_t rows = stress_db_hash(db, NULL);
    refuse_all("mode 0400", db, "read-only", false);
    struct stress_run r;
    STRESS_RUN(&r, dir, db, "account", "show", "11", "--json");
    tap_ok(r.code == 0 && strstr(r.out, "\"id\": 11"), "mode 0400: reading still works (%d)",
           r.code);
    stress_run_clear(&r);
    tap_ok(stress_db_hash(db, NULL) == rows, "mode 0400: no row changed");
}

static void immutable(void)
{
    char db[500], cmd[700];
    struct stress_run r;

    snprintf(db, sizeof db, "%s/immutable.db", dir);
    stress_copy(demo, db);
    snprintf(cmd, sizeof cmd, "chattr +i '%s' 2>/dev/null", db);
    if (system(cmd) != 0) {
        tap_skip("an immutable database file", "chattr +i is not available here");
        return;
    }
    refuse_all("immutable file (chattr +i)", db, "read-only", false);
    STRESS_RUN(&r, dir, db, "orders", "11", "--json");
    tap_ok(r.code == 0, "immutable file: reading still works (%d)", r.code);
    stress_run_clear(&r);
    snprintf(cmd, sizeof cmd, "chattr -i '%s'", db);
    if (system(cmd) != 0)
        tap_diag("chattr -i failed");
}

static void readonly_mount(void)
{
    char src[500], mnt[500], db[600];

    snprintf(src, sizeof src, "%s/rw", dir);
    snprintf(mnt, sizeof mnt, "%s/ro-mount", dir);
    mkdir(src, 0700);
    mkdir(mnt, 0700);
    snprintf(db, sizeof db, "%s/b.db", src);
    stress_copy(demo, db);
    if (mount(src, mnt, "none", MS_BIND, NULL) != 0) {
        tap_skip("a read-only bind mount", "mount --bind is not permitted here");
        return;
    }
    if (mount("none", mnt, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0) {
        umount(mnt);
        tap_skip("a read-only bind mount", "remount read-only is not permitted here");
        return;
    }
    snprintf(db, sizeof db, "%s/b.db", mnt);
    /* SQLite cannot make the WAL index on a read-only file system, so even
     * reading fails there; what matters is one line and no harm. */
    refuse_all("read-only bind mount", db, "", true);
    umount(mnt);
}

/* Fills the file system holding path to the last byte. */
static void fill(const char *path)
{
    static char zero[4096];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    while (fd >= 0 && write(fd, zero, sizeof zero) > 0)
        ;
    while (fd >= 0 && write(fd, zero, 1) > 0)
        ;
    if (fd >= 0)
        close(fd);
}

static void disk_full(void)
{
    char mnt[500], db[600], filler[600];
    struct stat sb;

    snprintf(mnt, sizeof mnt, "%s/small", dir);
    mkdir(mnt, 0700);
    stat(demo, &sb);
    char opts[64];
    snprintf(opts, sizeof opts, "size=%lldk", (long long)sb.st_size / 1024 + 512);
    if (mount("tmpfs", mnt, "tmpfs", 0, opts) != 0) {
        tap_skip("a full disk", "mounting a small tmpfs is not permitted here");
        return;
    }
    snprintf(db, sizeof db, "%s/b.db", mnt);
    snprintf(filler, sizeof filler, "%s/filler", mnt);
    stress_copy(demo, db);

    /* Full before billcenter starts: not even the WAL index fits. */
    uint64_t rows = stress_db_hash(db, no_audit);
    int64_t oks = audit_ok(db);
    fill(filler);
    refuse_all("disk full before the start", db, "", false);

    /* Full while writing: another session keeps the WAL files in place
     * (as a running UI would), then the disk fills up. */
    unlink(filler);
    struct testdb_conn *h = testdb_connect(db, true);
    if (!h || !testdb_conn_exec(h, "SELECT count(*) FROM accounts"))
        tap_diag("a session holding the WAL files: %s", testdb_error());
    fill(filler);
    refuse_all("disk full during the write", db, "", false);
    testdb_disconnect(h);
    tap_ok(stress_db_hash(db, no_audit) == rows && audit_ok(db) == oks,
           "disk full: no business row changed, no charge recorded, no success audited");
    unlink(filler);
    struct stress_run r;
    STRESS_RUN(&r, dir, db, ORDER_ARGS);
    tap_ok(r.code == 0, "disk full: with space again the same order goes through (%d)", r.code);
    stress_run_clear(&r);
    umount(mnt);
}

/* Another session holds the database (SQLite: BEGIN EXCLUSIVE; PostgreSQL:
 * the tables an order writes, locked ACCESS EXCLUSIVE) beyond the store's
 * wait, then within it. The store waits 5 s on SQLite (its busy timeout),
 * 30 s on PostgreSQL (its lock_timeout): held 8 s then 1 s, or 33 s then
 * 8 s. */
#define SQLITE_WAIT_MS 5000
#define PG_WAIT_MS 30000
static void locked_db(const char *db)
{
    int ready[2];
    bool pg = testdb_target_is_pg(db);
    const char *lock = pg ? "BEGIN; LOCK TABLE accounts, subscriptions, subscription_history, "
                            "orders, order_lines, ledger, pending_checkouts, test_charges "
                            "IN ACCESS EXCLUSIVE MODE"
                          : "BEGIN EXCLUSIVE";
    uint64_t rows = stress_db_hash(db, no_audit);
    int64_t oks = audit_ok(db);

    for (int pass = 0; pass < 2; pass++) {
        int wait_ms = pg ? PG_WAIT_MS : SQLITE_WAIT_MS;
        int hold_ms = pass == 0 ? wait_ms + 3000 : pg ? 8000 : 1000;
        if (pipe(ready) != 0)
            return;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            struct testdb_conn *h = testdb_connect(db, true);
            close(ready[0]);
            if (!h || !testdb_conn_exec(h, lock))
                _exit(1);
            if (write(ready[1], "x", 1) != 1)
                _exit(1);
            usleep((useconds_t)hold_ms * 1000);
            testdb_conn_exec(h, "ROLLBACK");
            testdb_disconnect(h);
            _exit(0);
        }
        close(ready[1]);
        char c;
        bool held = read(ready[0], &c, 1) == 1;
        close(ready[0]);
        struct stress_run r;
        STRESS_RUN(&r, dir, db, ORDER_ARGS, "--json");
        int st;
        waitpid(pid, &st, 0);
        if (pass == 0) {
            tap_ok(held && r.code == 1 && stress_one_line(r.err) && r.secs >= wait_ms * 0.9 / 1000,
                   "locked for %.1f s by another process: order place waits %.0f s and exits 1 "
                   "(%d) after %.1f s with one line", hold_ms / 1000.0, wait_ms / 1000.0, r.code,
                   r.secs);
            tap_diag("locked: %s", r.err);
            tap_ok(stress_db_hash(db, no_audit) == rows && audit_ok(db) == oks,
                   "locked: no business row changed, no charge recorded, no success audited");
            tap_diag("locked: audit rows of the refused attempt: %lld (result %s)",
                     (long long)stress_sql_int(db, "SELECT count(*) FROM audit WHERE result != "
                                                   "'ok'", -1),
                     stress_sql_int(db, "SELECT count(*) FROM audit WHERE result = 'db_busy'", 0)
                         ? "db_busy" : "other");
        } else {
            tap_ok(held && r.code == 0 && r.secs >= hold_ms * 0.8 / 1000, "locked for %.1f s: "
                   "order place waits and succeeds (%d after %.1f s)", hold_ms / 1000.0, r.code,
                   r.secs);
        }
        stress_run_clear(&r);
    }
}

static void locked(void)
{
    char db[500];

    snprintf(db, sizeof db, "%s/locked.db", dir);
    stress_copy(demo, db);
    locked_db(db);
}

/* The terminal UI on a bad database, in a pseudo-terminal. */
static void ui_bad(const char *what, const char *db, const char *words)
{
    const char *argv[] = {stress_bin(), "--db", db, "--catalog", stress_catalog(), "--date",
                          STRESS_DAY, NULL};
    bool file = !testdb_target_is_pg(db);
    uint64_t bytes = file ? stress_file_hash(db) : 0;
    struct vt *vt = vt_spawn(argv, NULL, 24, 80);
    int status = -1;

    if (!vt) {
        tap_ok(false, "%s: the UI starts in a pseudo-terminal", what);
        return;
    }
    bool exited = vt_wait_exit(vt, 20000, &status);
    vt_pump(vt, 200);
    char screen[4096];
    vt_screen_text(vt, screen, sizeof screen);
    /* The message may wrap at the last column: read the screen as one line. */
    size_t k = 0;
    for (size_t i = 0; screen[i]; i++)
        if (screen[i] != '\n')
            screen[k++] = screen[i];
    screen[k] = '\0';
    tap_ok(exited && WIFEXITED(status) && WEXITSTATUS(status) == 1 && strstr(screen, words) &&
           strstr(screen, "billcenter: "),
           "%s: the UI exits 1 and its message stays on the restored terminal", what);
    if (!strstr(screen, words))
        vt_dump(vt, what);
    if (file)
        tap_ok(stress_file_hash(db) == bytes, "%s: the UI changed nothing", what);
    vt_destroy(vt);
}

/* ------------------------------------------------------------ PostgreSQL */

/* Every command on db fails cleanly: exit 1, one line containing words. */
static void refuse_all_commands(const char *what, const char *db, const char *words)
{
    struct stress_run r;

    STRESS_RUN(&r, dir, db, ORDER_ARGS);
    tap_ok(r.code == 1 && stress_one_line(r.err) && strstr(r.err, words),
           "%s: order place exits 1 (%d) with one line containing '%s'", what, r.code, words);
    tap_diag("%s: %s", what, r.err);
    stress_run_clear(&r);
    STRESS_RUN(&r, dir, db, "account", "show", "11", "--json");
    tap_ok(r.code == 1 && stress_one_line(r.err) && !*r.out,
           "%s: account show exits 1 (%d) with one line", what, r.code);
    stress_run_clear(&r);
    STRESS_RUN(&r, dir, db, "reconcile");
    tap_ok(r.code == 1 && stress_one_line(r.err), "%s: reconcile exits 1 (%d) with one line",
           what, r.code);
    stress_run_clear(&r);
    STRESS_RUN(&r, dir, db, "init", "--demo");
    tap_ok(r.code == 1 && stress_one_line(r.err), "%s: init --demo exits 1 (%d) with one line",
           what, r.code);
    stress_run_clear(&r);
}

static void server_stopped(const char *db)
{
    uint64_t rows = stress_db_hash(db, NULL);

    if (!tap_ok(testdb_server("stop fast"), "the server stops")) {
        tap_diag("%s", testdb_error());
        return;
    }
    refuse_all_commands("server stopped", db, "");
    ui_bad("server stopped", db, "");
    bool back = testdb_server("start");
    tap_ok(back, "the server starts again");
    if (!back)
        return;
    tap_ok(stress_db_hash(db, NULL) == rows, "server stopped: no row changed, not even the audit");
    struct stress_run r;
    STRESS_RUN(&r, dir, db, "account", "show", "11", "--json");
    tap_ok(r.code == 0, "server back: account show works again (%d)", r.code);
    stress_run_clear(&r);
}

static int first_text(void *ctx, int ncols, char **v, char **names)
{
    (void)names;
    if (ncols > 0 && v[0])
        snprintf(ctx, 128, "%s", v[0]);
    return 1;
}

/* A database that takes no writes, as a hot standby answers: every order
 * refused in one line, reads as before, nothing changed. */
static void read_only_database(const char *db)
{
    struct testdb_conn *h = testdb_connect(db, true);
    char name[128] = "", sql[256];

    if (!h || testdb_conn_rows(h, "SELECT current_database()", first_text, name) != 1) {
        tap_ok(false, "read-only database: %s", h ? testdb_conn_error(h) : testdb_error());
        testdb_disconnect(h);
        return;
    }
    uint64_t rows = stress_db_hash(db, NULL);
    snprintf(sql, sizeof sql, "ALTER DATABASE \"%s\" SET default_transaction_read_only = on", name);
    if (!tap_ok(testdb_conn_exec(h, sql), "the database made read-only for new sessions")) {
        testdb_disconnect(h);
        return;
    }
    struct stress_run r;
    STRESS_RUN(&r, dir, db, ORDER_ARGS);
    tap_ok(r.code == 1 && stress_one_line(r.err) && strstr(r.err, "read-only"),
           "read-only database: order place exits 1 (%d) with one line containing 'read-only'",
           r.code);
    tap_diag("read-only database: %s", r.err);
    stress_run_clear(&r);
    STRESS_RUN(&r, dir, db, "account", "show", "11", "--json");
    tap_ok(r.code == 0 && strstr(r.out, "\"id\": 11"), "read-only database: reading still "
           "works (%d)", r.code);
    stress_run_clear(&r);
    tap_ok(stress_db_hash(db, NULL) == rows, "read-only database: no row changed");
    snprintf(sql, sizeof sql, "ALTER DATABASE \"%s\" RESET default_transaction_read_only", name);
    tap_ok(testdb_conn_exec(h, sql), "the database takes writes again");
    testdb_disconnect(h);
    STRESS_RUN(&r, dir, db, ORDER_ARGS);
    tap_ok(r.code == 0, "writable again: the same order goes through (%d) %s", r.code, r.err);
    stress_run_clear(&r);
}

/* Each case on its own copy of the demo database, as the file cases are. */
static int pg_storage(void)
{
    char db[3][512];

    if (!tap_ok(stress_db_copy(demo, dir, "stopped.db", db[0], sizeof db[0]) &&
                stress_db_copy(demo, dir, "locked.db", db[1], sizeof db[1]) &&
                stress_db_copy(demo, dir, "readonly.db", db[2], sizeof db[2]),
                "a copy of the demo database for each case"))
        return tap_done();
    server_stopped(db[0]);
    locked_db(db[1]);
    read_only_database(db[2]);
    return tap_done();
}

int main(int argc, char **argv)
{
    if (!stress_init(argc, argv, true))
        return 2;
    dir = stress_tmpdir("storage");
    if (!tap_ok(dir && stress_make_demo(dir, "demo.db", demo, sizeof demo),
                "demo database for the storage cases"))
        return tap_done();
    if (testdb_engine() == TESTDB_PG)
        return pg_storage();
    /* A closed, checkpointed file: the WAL is folded in. */
    stress_sql_exec(demo, "PRAGMA wal_checkpoint(TRUNCATE)");

    newer_schema();
    random_bytes();
    truncated();
    mode_0400();
    immutable();
    readonly_mount();
    disk_full();
    locked();

    char db[500];
    snprintf(db, sizeof db, "%s/random.db", dir);
    ui_bad("random bytes", db, "damaged");
    snprintf(db, sizeof db, "%s/newer.db", dir);
    ui_bad("schema version 99", db, "newer");
    return tap_done();
}
