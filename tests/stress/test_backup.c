/* test_backup.c — `billcenter backup` while eight processes keep placing
 * orders (seat changes through `billcenter order place`, as an operator
 * would): every backup must pass SQLite's integrity check and hold exactly
 * the live database's first k orders and their lines, unchanged. Then the
 * README's restore (stop, remove the WAL files, copy the backup into place)
 * is done and billcenter must open the restored file and show those orders.
 * Also: an existing file is refused without --force, the file is 0600.
 *
 * SQLite-only (registered as test_backup-sqlite alone): the backup is a
 * SQLite file, read with ATTACH and SQLite's integrity check, restored by
 * copying it over the database file. Its SQL goes through testdb all the
 * same.
 *
 * argv: BILLCENTER [MULTIPLIER]. The wrapper is not used (contention at
 * full speed; memory is checked by the CLI suite). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plans.h"
#include "stress.h"
#include "testdb.h"

#define WORKERS 8
#define BACKUPS 4
#define MAX_ORDERS_PER_WORKER 400

struct target {
    long account;
    char product[32], plan[32];
    int seats;
};

static struct target targets[WORKERS];
static const char *db, *dir;
static char stop_path[600];

static void pause_ms(long ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

/* Eight standard, active subscriptions of distinct accounts past the
 * showcase ones, each with room for one more seat. */
static int target_row(void *ctx, int ncols, char **v, char **names)
{
    int *n = ctx;
    struct target *t = &targets[*n];
    const struct stress_plan *p;

    (void)names;
    if (*n >= WORKERS || ncols < 4)
        return 1;
    t->account = v[0] ? atol(v[0]) : 0;
    snprintf(t->product, sizeof t->product, "%s", v[1] ? v[1] : "");
    snprintf(t->plan, sizeof t->plan, "%s", v[2] ? v[2] : "");
    t->seats = v[3] ? atoi(v[3]) : 0;
    p = stress_plan_find(t->product, t->plan);
    if (p && t->seats >= p->min && t->seats + 1 <= p->max)
        (*n)++;
    return 0;
}

static bool pick_targets(void)
{
    struct testdb_conn *h = testdb_connect(db, false);
    int n = 0;

    if (!h)
        return false;
    if (testdb_conn_rows(h,
            "SELECT s.account_id, s.product, s.plan, max(s.seats, (SELECT count(*) FROM "
            "seat_assignments x WHERE x.subscription_id = s.id)) FROM subscriptions s "
            "JOIN accounts a ON a.id = s.account_id WHERE a.kind = 'standard' AND "
            "s.status = 'active' AND a.id > 10 AND s.id = (SELECT min(id) FROM subscriptions "
            "t WHERE t.account_id = a.id) ORDER BY a.id", target_row, &n) < 0)
        tap_diag("%s", testdb_conn_error(h));
    testdb_disconnect(h);
    return n == WORKERS;
}

/* Seats up by one, down again, ...: each an order with its own key, until
 * the stop file appears (and at least two orders are placed). Exits with
 * the number of failures other than business refusals. */
static int worker(int w)
{
    const struct target *t = &targets[w];
    char wdir[500], acc[24], seats[24], key[64];
    int placed = 0, failed = 0;

    snprintf(wdir, sizeof wdir, "%s/w%d", dir, w);
    if (mkdir(wdir, 0700) != 0)
        return 100;
    snprintf(acc, sizeof acc, "%ld", t->account);
    for (int i = 0; i < MAX_ORDERS_PER_WORKER; i++) {
        struct stress_run r;

        if (placed >= 2 && access(stop_path, F_OK) == 0)
            break;
        snprintf(seats, sizeof seats, "%d", t->seats + (i % 2 == 0 ? 1 : 0));
        snprintf(key, sizeof key, "backup-w%d-%d", w, i);
        STRESS_RUN(&r, wdir, db, "order", "place", "--account", acc, "--product", t->product,
                   "--to-seats", seats, "--idempotency-key", key, "--card", "4242424242424242",
                   "--card-exp", "12/30", "--json");
        if (r.code == 0)
            placed++;
        else if (r.code != 3)
            failed++;
        if (r.code != 0 && r.code != 3)
            fprintf(stderr, "worker %d: exit %d: %s", w, r.code, r.err);
        stress_run_clear(&r);
    }
    return failed > 99 ? 99 : failed;
}

static int64_t live_orders(void)
{
    return stress_sql_int(db, "SELECT count(*) FROM orders", -1);
}

/* Waits (bounded) until the live database holds more than `than` orders. */
static bool wait_orders_above(int64_t than)
{
    for (int i = 0; i < 6000; i++) {
        if (live_orders() > than)
            return true;
        pause_ms(10);
    }
    return false;
}

/* One query on the live database with the backup attached as "b". */
static int64_t attached_int(const char *backup, const char *sql)
{
    struct testdb_conn *h = testdb_connect(db, false);
    int64_t v = -1;
    char attach[1200];

    snprintf(attach, sizeof attach, "ATTACH 'file:%s?mode=ro' AS b", backup);
    if (!h || !testdb_conn_exec(h, attach) || testdb_conn_int(h, sql, &v) != 1) {
        tap_diag("%s", h ? testdb_conn_error(h) : testdb_error());
        v = -1;
    }
    testdb_disconnect(h);
    return v;
}

/* SQLite's integrity check of a file: "ok" or its first finding. */
static char *integrity(const char *path)
{
    char why[512];

    testdb_integrity(path, why, sizeof why);
    return strdup(why);
}

/* The backup's orders are the live ones 1..k, identical, lines too. */
static void check_prefix(const char *backup, int64_t taken_before, int64_t *k_out)
{
    char *ic = integrity(backup);
    int64_t k = attached_int(backup, "SELECT coalesce(max(id), 0) FROM b.orders");
    int64_t n = attached_int(backup, "SELECT count(*) FROM b.orders");
    int64_t missing = attached_int(backup,
        "SELECT count(*) FROM (SELECT * FROM b.orders EXCEPT SELECT * FROM main.orders)");
    int64_t extra = attached_int(backup,
        "SELECT count(*) FROM (SELECT * FROM main.orders WHERE id <= (SELECT max(id) FROM "
        "b.orders) EXCEPT SELECT * FROM b.orders)");
    int64_t lmissing = attached_int(backup,
        "SELECT count(*) FROM (SELECT * FROM b.order_lines EXCEPT SELECT * FROM main.order_lines)");
    int64_t lextra = attached_int(backup,
        "SELECT count(*) FROM (SELECT * FROM main.order_lines WHERE order_id <= (SELECT "
        "max(id) FROM b.orders) EXCEPT SELECT * FROM b.order_lines)");
    struct stat sb;

    tap_ok(strcmp(ic, "ok") == 0, "%s: PRAGMA integrity_check says '%s'", backup, ic);
    tap_ok(k >= taken_before && n == k, "%s: orders 1..%lld, no gap (%lld rows; %lld existed "
           "when it started)", backup, (long long)k, (long long)n, (long long)taken_before);
    tap_ok(missing == 0 && extra == 0, "%s: orders 1..%lld identical to the live ones "
           "(%lld differ one way, %lld the other)", backup, (long long)k, (long long)missing,
           (long long)extra);
    tap_ok(lmissing == 0 && lextra == 0, "%s: their order lines identical too (%lld, %lld)",
           backup, (long long)lmissing, (long long)lextra);
    if (stat(backup, &sb) != 0)
        sb.st_mode = 0;
    tap_ok((sb.st_mode & 0777) == 0600, "%s: mode %03o", backup, (unsigned)(sb.st_mode & 0777));
    free(ic);
    *k_out = k;
}

int main(int argc, char **argv)
{
    static char dbp[600], backups[BACKUPS][600], restored[600];
    int64_t before[BACKUPS], ks[BACKUPS], final;
    pid_t pids[WORKERS];
    int bad_workers = 0;
    struct stress_run r;

    if (!stress_init(argc, argv, false))
        return 2;
    dir = stress_tmpdir("backup");
    if (!stress_make_demo(dir, "live.db", dbp, sizeof dbp))
        return tap_ok(false, "demo database") ? 0 : tap_done();
    db = dbp;
    snprintf(stop_path, sizeof stop_path, "%s/stop", dir);
    if (!tap_ok(pick_targets(), "eight subscriptions to change"))
        return tap_done();

    fflush(NULL);
    for (int w = 0; w < WORKERS; w++) {
        pids[w] = fork();
        if (pids[w] == 0)
            _exit(worker(w));
    }

    /* Each backup starts after new orders were written since the previous
     * one, while every writer is still looping (they stop only when told). */
    int64_t last = 0;
    for (int b = 0; b < BACKUPS; b++) {
        if (!wait_orders_above(last)) {
            tap_ok(false, "orders keep coming while backing up");
            break;
        }
        snprintf(backups[b], sizeof backups[b], "%s/backup-%d.db", dir, b);
        before[b] = live_orders();
        STRESS_RUN(&r, dir, db, "backup", backups[b]);
        tap_ok(r.code == 0 && strstr(r.out, "backup of"), "backup %d under 8 writers: exit %d %s",
               b, r.code, r.err);
        stress_run_clear(&r);
        last = live_orders();
    }
    /* Orders written after the last backup began prove it raced writers. */
    tap_ok(wait_orders_above(last), "writers went on after the last backup");
    FILE *f = fopen(stop_path, "w");
    if (f)
        fclose(f);
    for (int w = 0; w < WORKERS; w++) {
        int status = 0;
        waitpid(pids[w], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            bad_workers++;
    }
    tap_ok(bad_workers == 0, "every writer's orders succeeded or were refused (%d writers failed)",
           bad_workers);
    final = live_orders();
    tap_diag("%lld orders in the live database at the end", (long long)final);

    for (int b = 0; b < BACKUPS; b++) {
        check_prefix(backups[b], before[b], &ks[b]);
        tap_diag("backup %d holds orders 1..%lld", b, (long long)ks[b]);
    }
    tap_ok(ks[BACKUPS - 1] < final, "the last backup (%lld orders) is a strict prefix of the "
           "live %lld", (long long)ks[BACKUPS - 1], (long long)final);

    /* An existing file is refused without --force and kept as it was. */
    uint64_t h0 = stress_file_hash(backups[0]);
    STRESS_RUN(&r, dir, db, "backup", backups[0]);
    tap_ok(r.code == 1 && strstr(r.err, "--force") && stress_one_line(r.err) &&
           stress_file_hash(backups[0]) == h0, "existing file refused without --force: exit %d %s",
           r.code, r.err);
    stress_run_clear(&r);
    STRESS_RUN(&r, dir, db, "backup", backups[0], "--force");
    tap_ok(r.code == 0 && ks[0] < final &&
           attached_int(backups[0], "SELECT count(*) FROM b.orders") == final,
           "--force replaces it with a fresh copy: exit %d %s", r.code, r.err);
    stress_run_clear(&r);

    /* Restore (README): nobody is running; remove the WAL files; copy the
     * backup into place; billcenter opens it and shows its orders. */
    snprintf(restored, sizeof restored, "%s-wal", db);
    unlink(restored);
    snprintf(restored, sizeof restored, "%s-shm", db);
    unlink(restored);
    tap_ok(stress_copy(backups[1], db), "backup 1 copied over the live database");
    char acc[24], *ic = integrity(db);
    snprintf(acc, sizeof acc, "%ld", targets[0].account);
    STRESS_RUN(&r, dir, db, "orders", acc, "--json");
    int64_t n_restored = stress_sql_int(db, "SELECT count(*) FROM orders", -1);
    tap_ok(r.code == 0 && strcmp(ic, "ok") == 0 && n_restored == ks[1],
           "billcenter opens the restored database: exit %d, integrity %s, %lld orders (backup "
           "had %lld) %s", r.code, ic, (long long)n_restored, (long long)ks[1], r.err);
    stress_run_clear(&r);
    free(ic);
    return tap_done();
}
