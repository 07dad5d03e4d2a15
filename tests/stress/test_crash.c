/* test_crash.c — crashes: `billcenter order place` is killed with
 * SIGKILL at random moments (at least 200 kills; every other one with a
 * payment by the test processor, the others paid from the account's
 * balance), each with a new idempotency key. After each kill the database
 * must pass PRAGMA integrity_check and the order must be wholly there or
 * wholly absent: order row, lines, ledger entries, subscription version and
 * history, balance and audit row agree. Finally `billcenter reconcile`
 * must leave no customer charged without an order (the test processor's
 * record, table test_charges, against the orders), and the fiscal
 * documents must be numbered 1..N per series and year, one per order.
 *
 * On either engine ($BC_TEST_ENGINE, through testdb): the integrity check
 * is SQLite's integrity_check or PostgreSQL's amcheck. On PostgreSQL the
 * server itself is also killed (pg_ctl stop -m immediate, then started
 * again) at random moments of further orders: billcenter must then fail in
 * one line or finish, and the order again be wholly there or absent.
 *
 * argv: BILLCENTER [MULTIPLIER]. The wrapper ($BC_TEST_WRAPPER) is not
 * used: killing valgrind says nothing about billcenter. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plans.h"
#include "stress.h"
#include "testdb.h"

#define KILLS 200
#define SERVER_KILLS 20     /* PostgreSQL: the server dies mid-order */
#define SET 10              /* accounts per kind of case */
#define BIG_BALANCE 100000000

static const char *db, *dir;
static long paying[SET], funded[SET];

/* ------------------------------------------------------------ snapshots */

struct snap {
    long sub_id;
    char product[32], plan[32], period[16];
    int seats, assigned;
    long version;
    long long balance, ledger_rows, ledger_sum, history_rows, orders, lines, audit_ok;
};

static struct testdb_conn *open_rw(void)
{
    /* Read-write like the next session: on SQLite it recovers a WAL left
     * by a kill. */
    struct testdb_conn *h = testdb_connect(db, true);

    if (!h) {
        tap_diag("%s", testdb_error());
        return h;
    }
    /* On PostgreSQL a killed client's server process may still be running
     * what it was sent (its COMMIT among it): the check waits until it has
     * gone, or it could read the order before that commit and the
     * subscription after it (two statements, two snapshots). */
    for (int tries = 0; testdb_engine() == TESTDB_PG && tries < 500; tries++) {
        int64_t others = 0;
        if (testdb_conn_int(h, "SELECT count(*) FROM pg_stat_activity WHERE datname ="
                            " current_database() AND pid <> pg_backend_pid()"
                            " AND backend_type = 'client backend'", &others) != 1 ||
            others == 0)
            break;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return h;
}

#define NONE (-999999)      /* what qi reads when there is no row */

/* One integer (NONE for no row or an error) of the SQL that fmt makes. */
static long long qi(struct testdb_conn *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static long long qi(struct testdb_conn *h, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    int64_t v = NONE;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    int found = testdb_conn_int(h, sql, &v);
    if (found < 0)
        tap_diag("%s", testdb_conn_error(h));
    return found == 1 ? v : NONE;
}

static int snap_row(void *ctx, int ncols, char **v, char **names)
{
    struct snap *s = ctx;

    (void)names;
    if (ncols < 7 || !v[0])
        return 1;
    s->sub_id = atol(v[0]);
    snprintf(s->product, sizeof s->product, "%s", v[1] ? v[1] : "");
    snprintf(s->plan, sizeof s->plan, "%s", v[2] ? v[2] : "");
    snprintf(s->period, sizeof s->period, "%s", v[3] ? v[3] : "");
    s->seats = v[4] ? atoi(v[4]) : 0;
    s->version = v[5] ? atol(v[5]) : 0;
    s->assigned = v[6] ? atoi(v[6]) : 0;
    return 1;
}

static bool snapshot(struct testdb_conn *h, long account, int which, struct snap *s)
{
    char sql[512];

    memset(s, 0, sizeof *s);
    snprintf(sql, sizeof sql, "SELECT id, product, plan, period, seats, version, (SELECT count(*) "
             "FROM seat_assignments a WHERE a.subscription_id = s.id) "
             "FROM subscriptions s WHERE account_id = %ld AND status = 'active' "
             "ORDER BY id LIMIT 1 OFFSET %d", account, which);
    bool ok = testdb_conn_rows(h, sql, snap_row, s) == 1;
    s->balance = qi(h, "SELECT balance_minor FROM accounts WHERE id = %ld", account);
    s->ledger_rows = qi(h, "SELECT count(*) FROM ledger WHERE account_id = %ld", account);
    s->ledger_sum = qi(h, "SELECT coalesce(sum(amount_minor), 0) FROM ledger WHERE account_id = %ld",
                       account);
    s->history_rows = qi(h, "SELECT count(*) FROM subscription_history WHERE subscription_id = %ld",
                         s->sub_id);
    s->orders = qi(h, "SELECT count(*) FROM orders");
    s->lines = qi(h, "SELECT count(*) FROM order_lines");
    s->audit_ok = qi(h, "SELECT count(*) FROM audit WHERE action = 'order.place' AND result = 'ok'");
    return ok;
}

/* ------------------------------------------------------------ one kill */

enum outcome { ABSENT, ABSENT_CHARGED, PRESENT };

struct tally {
    int kills, finished, absent, charged, present, problems;
};

/* Checks that the order for key is wholly present or wholly absent.
 * Returns false (diagnostic) on any inconsistency. */
static bool check_after(struct testdb_conn *h, long account, const char *key,
                        const struct snap *before, int target_seats, bool payment,
                        enum outcome *out)
{
    struct snap now;
    char problem[512] = "", why[256], k[64], pattern[96];

    /* The keys are the test's own (kill-N): no quote, no LIKE wildcard. */
    snprintf(k, sizeof k, "'%s'", key);
    snprintf(pattern, sizeof pattern, "'%%\"key\":\"%s\"%%'", key);
    long long id = qi(h, "SELECT id FROM orders WHERE idempotency_key = %s", k);
    long long audit_key = qi(h, "SELECT count(*) FROM audit WHERE action = 'order.place' AND "
                                "result = 'ok' AND after_json LIKE %s", pattern);
    long long charge = qi(h, "SELECT amount_minor FROM test_charges WHERE key = %s AND "
                             "state = 'approved'", k);

    snapshot(h, account, 0, &now);
    /* The same subscription: snapshot() picks the account's first one,
     * the kill loop picks by index; re-read the touched one by id. */
    long long version = qi(h, "SELECT version FROM subscriptions WHERE id = %ld", before->sub_id);
    long long seats = qi(h, "SELECT seats FROM subscriptions WHERE id = %ld", before->sub_id);
    long long hist = qi(h, "SELECT count(*) FROM subscription_history WHERE subscription_id = %ld",
                        before->sub_id);

    if (!testdb_conn_integrity(h, why, sizeof why))
        snprintf(problem, sizeof problem, "integrity check: %s", why);
    else if (now.ledger_sum != now.balance)
        snprintf(problem, sizeof problem, "ledger sum %lld != balance %lld", now.ledger_sum,
                 now.balance);
    else if (id > 0) {
        long long total = qi(h, "SELECT total_minor FROM orders WHERE id = %lld", id);
        long long applied = qi(h, "SELECT balance_applied_minor FROM orders WHERE id = %lld", id);
        long long due = qi(h, "SELECT due_minor FROM orders WHERE id = %lld", id);
        long long after = qi(h, "SELECT balance_after_minor FROM orders WHERE id = %lld", id);
        long long credit = total < 0 ? -total : 0;
        long long nlines = qi(h, "SELECT count(*) FROM order_lines WHERE order_id = %lld", id);
        long long lsum = qi(h, "SELECT coalesce(sum(amount_minor), 0) FROM order_lines WHERE "
                               "order_id = %lld", id);
        long long ledger = qi(h, "SELECT coalesce(sum(amount_minor), 0) FROM ledger WHERE "
                                 "order_id = %lld", id);
        long long hist_order = qi(h, "SELECT count(*) FROM subscription_history WHERE "
                                     "order_id = %lld", id);
        *out = PRESENT;
        if (nlines < 2 || lsum != total)
            snprintf(problem, sizeof problem, "order %lld: %lld lines summing to %lld, total %lld",
                     id, nlines, lsum, total);
        else if (version != before->version + 1 || seats != target_seats ||
                 hist != before->history_rows + 1 || hist_order != 1)
            snprintf(problem, sizeof problem, "order %lld but subscription version %lld (was %ld), "
                     "seats %lld (want %d), history %lld (was %lld), %lld history rows name it",
                     id, version, before->version, seats, target_seats, hist,
                     before->history_rows, hist_order);
        else if (now.balance != after || after != before->balance - applied + credit ||
                 ledger != credit - applied ||
                 now.ledger_rows != before->ledger_rows + (applied > 0) + (credit > 0))
            snprintf(problem, sizeof problem, "order %lld: balance %lld (was %lld, order says "
                     "%lld), ledger %lld for it, %lld rows (was %lld)", id, now.balance,
                     before->balance, after, ledger, now.ledger_rows, before->ledger_rows);
        else if (audit_key != 1 || now.audit_ok != before->audit_ok + 1)
            snprintf(problem, sizeof problem, "order %lld: %lld audit rows with its key", id,
                     audit_key);
        else if (due > 0 ? charge != due : charge != NONE)
            snprintf(problem, sizeof problem, "order %lld due %lld, approved charge %lld", id,
                     due, charge);
        else if (!payment && due != 0)
            snprintf(problem, sizeof problem, "order %lld paid from the balance is due %lld", id,
                     due);
    } else {
        *out = charge != NONE ? ABSENT_CHARGED : ABSENT;
        if (version != before->version || seats != before->seats ||
            hist != before->history_rows)
            snprintf(problem, sizeof problem, "no order but subscription version %lld (was %ld), "
                     "seats %lld (was %d), history %lld (was %lld)", version, before->version,
                     seats, before->seats, hist, before->history_rows);
        else if (now.balance != before->balance || now.ledger_rows != before->ledger_rows)
            snprintf(problem, sizeof problem, "no order but balance %lld (was %lld), ledger rows "
                     "%lld (was %lld)", now.balance, before->balance, now.ledger_rows,
                     before->ledger_rows);
        else if (now.orders != before->orders || now.lines != before->lines ||
                 audit_key != 0 || now.audit_ok != before->audit_ok)
            snprintf(problem, sizeof problem, "no order but orders %lld (was %lld), lines %lld "
                     "(was %lld), audit ok rows %lld (was %lld)", now.orders, before->orders,
                     now.lines, before->lines, now.audit_ok, before->audit_ok);
        else if (!payment && charge != NONE)
            snprintf(problem, sizeof problem, "a charge for a case paid from the balance");
    }
    if (*problem)
        tap_diag("%s: %s", key, problem);
    return !*problem;
}

/* What dies after the delay: billcenter (SIGKILL), or the PostgreSQL
 * server under it (stopped in immediate mode, then started again). */
enum victim { KILL_BILLCENTER, KILL_SERVER };

/* Places one order and kills it after delay_us (< 0: lets it finish). */
static void one(struct testdb_conn **h, int i, int delay_us, enum victim victim,
                struct tally *t)
{
    bool payment = i % 2 == 0;
    long account = payment ? paying[(i / 2) % SET] : funded[(i / 2) % SET];
    int which = (i / (2 * SET)) % 2;
    struct snap before;
    char key[32], acc[16], seats[16], outp[400], errp[400];
    enum outcome out = ABSENT;

    if (!snapshot(*h, account, which, &before) && !snapshot(*h, account, 0, &before)) {
        t->problems++;
        return;
    }
    const struct stress_plan *p = stress_plan_find(before.product, before.plan);
    int lo = p ? (p->min > before.assigned ? p->min : before.assigned) : 1;
    int target = payment || (i / 2) % 4 < 2 ? before.seats + 1 : before.seats - 1;
    if (target < lo)
        target = before.seats + 1;
    if (p && target > p->max)
        target = before.seats - 1;
    snprintf(key, sizeof key, "%s-%d", victim == KILL_SERVER ? "down" : "kill", i);
    snprintf(acc, sizeof acc, "%ld", account);
    snprintf(seats, sizeof seats, "%d", target);
    snprintf(outp, sizeof outp, "%s/kill.out", dir);
    snprintf(errp, sizeof errp, "%s/kill.err", dir);
    const char *pay[] = {"order", "place", "--account", acc, "--product", before.product,
                         "--to-plan", before.plan, "--to-seats", seats, "--to-period",
                         before.period, "--idempotency-key", key, "--card", "4242424242424242",
                         "--card-exp", "12/30", "--json", NULL};
    if (!payment)
        pay[14] = NULL;   /* no card: paid from the balance */
    /* Our own connection must not hold anything while the child runs. */
    testdb_disconnect(*h);
    *h = NULL;
    pid_t pid = stress_spawn(db, pay, outp, errp);
    bool server_down = false;
    if (delay_us >= 0) {
        struct timespec ts = {.tv_sec = delay_us / 1000000,
                              .tv_nsec = (long)(delay_us % 1000000) * 1000};
        nanosleep(&ts, NULL);
        if (victim == KILL_BILLCENTER)
            kill(pid, SIGKILL);
        else if (!(server_down = testdb_server("stop immediate")))
            tap_diag("%s: %s", key, testdb_error());
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (server_down && !testdb_server("start")) {
        tap_diag("%s: the server does not start again: %s", key, testdb_error());
        t->problems++;
        return;
    }
    if (victim == KILL_BILLCENTER && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
        t->kills++;
    } else if (victim == KILL_SERVER && server_down && WIFEXITED(status) &&
               WEXITSTATUS(status) != 0) {
        /* Lost its server: said in one line, never a crash. */
        char *err = stress_slurp(errp);
        t->kills++;
        if (!stress_one_line(err)) {
            tap_diag("%s lost its server and said: [%s]", key, err);
            t->problems++;
        }
        free(err);
    } else {
        t->finished++;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            char *err = stress_slurp(errp);
            tap_diag("%s finished before the kill with status %d: %s", key, status, err);
            free(err);
            t->problems++;
        }
    }
    *h = open_rw();
    if (!*h || !check_after(*h, account, key, &before, target, payment, &out))
        t->problems++;
    if (out == PRESENT)
        t->present++;
    else if (out == ABSENT_CHARGED)
        t->charged++;
    else
        t->absent++;
}

/* ------------------------------------------------------------ set-up */

static int pick_row(void *ctx, int ncols, char **v, char **names)
{
    int *n = ctx;
    long id = ncols > 0 && v[0] ? atol(v[0]) : 0;

    (void)names;
    if (*n < SET)
        paying[*n] = id;
    else if (*n < 2 * SET)
        funded[*n - SET] = id;
    (*n)++;
    return 0;
}

static bool pick(void)
{
    struct testdb_conn *h = open_rw();
    char sql[512];
    int n = 0;

    if (!h)
        return false;
    snprintf(sql, sizeof sql,
        "SELECT a.id FROM accounts a WHERE a.kind = 'standard' AND balance_minor = 0 AND "
        "(SELECT count(*) FROM subscriptions s WHERE s.account_id = a.id AND "
        "s.status = 'active') >= 2 ORDER BY a.id LIMIT %d", 2 * SET);
    if (testdb_conn_rows(h, sql, pick_row, &n) < 0)
        tap_diag("%s", testdb_conn_error(h));
    testdb_disconnect(h);
    if (n != 2 * SET)
        return false;
    /* The funded accounts get a large opening credit (an append-only
     * ledger entry and the balance it lands on), so their changes are
     * paid from the balance, never charged. */
    for (int i = 0; i < SET; i++) {
        snprintf(sql, sizeof sql,
                 "BEGIN; INSERT INTO ledger(account_id, order_id, kind, amount_minor, "
                 "balance_after, at) VALUES(%ld, NULL, 'opening', %d, %d, 0); UPDATE accounts "
                 "SET balance_minor = %d WHERE id = %ld; COMMIT;", funded[i], BIG_BALANCE,
                 BIG_BALANCE, BIG_BALANCE, funded[i]);
        if (!stress_sql_exec(db, sql))
            return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    char dbpath[400];
    int mult = argc > 2 ? atoi(argv[2]) : 1;
    int want = KILLS * (mult > 0 ? mult : 1);
    struct tally t = {0};
    double t0, calib = 0;
    struct testdb_conn *h;
    bool pg = testdb_engine() == TESTDB_PG;

    if (!stress_init(argc, argv, false))
        return 2;
    dir = stress_tmpdir("crash");
    if (!tap_ok(dir && stress_make_demo(dir, "b.db", dbpath, sizeof dbpath),
                "demo database for the kill run"))
        return tap_done();
    db = dbpath;
    if (!tap_ok(pick(), "%d accounts that pay by card, %d paying from a funded balance", SET, SET))
        return tap_done();
    h = open_rw();

    /* Orders that are not killed are whole too; then how long one run
     * takes unharmed: the kills are spread over a little more than that. */
    int i = 0;
    for (; i < 6; i++) {
        struct tally calib_t = {0};
        one(&h, i, -1, KILL_BILLCENTER, &calib_t);
        if (calib_t.finished != 1 || calib_t.present != 1 || calib_t.problems)
            t.problems++;
    }
    for (int k = 0; k < 4; k++) {
        struct stress_run r;
        char acc[16], seats[16], key[32];
        struct snap s;
        snapshot(h, paying[k], 1, &s);
        snprintf(acc, sizeof acc, "%ld", paying[k]);
        snprintf(seats, sizeof seats, "%d", s.seats + 1);
        snprintf(key, sizeof key, "calib-%d", k);
        testdb_disconnect(h);
        STRESS_RUN(&r, dir, db, "order", "place", "--account", acc, "--product", s.product,
                   "--to-plan", s.plan, "--to-seats", seats, "--to-period", s.period,
                   "--idempotency-key", key, "--card", "4242424242424242", "--card-exp", "12/30");
        h = open_rw();
        if (r.code != 0)
            tap_diag("calibration run: exit %d: %s", r.code, r.err);
        calib = r.secs > calib ? r.secs : calib;
        stress_run_clear(&r);
    }
    tap_ok(t.problems == 0, "unkilled orders are whole (longest of 4 runs: %.1f ms)", calib * 1000);
    t.problems = 0;

    int span_us = (int)(calib * 1.5e6);
    if (span_us < 10000)
        span_us = 10000;
    unsigned seed = 12345;
    t0 = stress_now();
    /* Runs that finish before their kill do not count: up to 8 per kill. */
    for (; t.kills < want && i < want * 8; i++)
        one(&h, i, (int)(rand_r(&seed) % (unsigned)span_us), KILL_BILLCENTER, &t);
    double secs = stress_now() - t0;
    tap_diag("%d runs killed at random in 0..%.1f ms: %d kills survived, %d runs finished first; "
             "after the kill: %d orders whole, %d absent, %d absent but charged (killed between "
             "charge and commit), in %.1f s", t.kills + t.finished, span_us / 1000.0, t.kills,
             t.finished, t.present, t.absent, t.charged, secs);
    tap_ok(t.kills >= want, "at least %d SIGKILLs (%d)", want, t.kills);
    tap_ok(t.problems == 0, "after every kill: integrity_check ok, the order wholly present or "
           "wholly absent (%d problems)", t.problems);
    tap_ok(t.present > 0 && t.absent + t.charged > 0, "kills landed both before and after the "
           "commit (%d whole, %d absent)", t.present, t.absent + t.charged);

    if (pg) {
        /* The server dies instead, at random moments of a run. */
        struct tally s = {0};
        int want_down = SERVER_KILLS * (mult > 0 ? mult : 1);
        t0 = stress_now();
        /* Stopping the server takes a while itself (pg_ctl, as the
         * server's user): the stop is started early in the run. */
        int down_span = span_us / 3 > 1000 ? span_us / 3 : 1000;
        for (int k = 0; s.kills < want_down && k < want_down * 6; k++, i++) {
            if (!h)
                h = open_rw();
            if (!h) {
                s.problems++;
                break;
            }
            one(&h, i, (int)(rand_r(&seed) % (unsigned)down_span), KILL_SERVER, &s);
        }
        tap_diag("PostgreSQL stopped (immediate) at random in 0..%.1f ms of %d runs: %d lost "
                 "their server, %d finished first; %d orders whole, %d absent, %d absent but "
                 "charged, in %.1f s", down_span / 1000.0, s.kills + s.finished, s.kills,
                 s.finished, s.present, s.absent, s.charged, stress_now() - t0);
        tap_ok(s.kills >= want_down, "at least %d server kills under a running order (%d)",
               want_down, s.kills);
        tap_ok(s.problems == 0, "after every server kill: one line from billcenter, integrity "
               "check ok, the order wholly present or wholly absent (%d problems)", s.problems);
    }
    testdb_disconnect(h);

    /* reconcile: every charge without an order becomes an order or a refund. */
    long long unordered = stress_sql_int(db, "SELECT count(*) FROM test_charges c WHERE "
        "state = 'approved' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.idempotency_key = "
        "c.key)", -1);
    long long before_orders = stress_sql_int(db, "SELECT count(*) FROM orders", -1);
    struct stress_run r;
    STRESS_RUN(&r, dir, db, "reconcile", "--json");
    tap_ok(r.code == 0, "reconcile exits 0 (%d)", r.code);
    long long completed = stress_sql_int(db, "SELECT count(*) FROM orders", -1) - before_orders;
    long long refunded = stress_sql_int(db, "SELECT count(*) FROM test_charges WHERE (key LIKE "
                                            "'kill-%' OR key LIKE 'down-%') AND state = "
                                            "'refunded'", -1);
    tap_diag("%lld charges had no order before reconcile: %lld completed, %lld refunded",
             unordered, completed, refunded);
    stress_run_clear(&r);
    tap_ok(stress_sql_int(db, "SELECT count(*) FROM test_charges c WHERE state = 'approved' AND "
                              "NOT EXISTS (SELECT 1 FROM orders o WHERE o.idempotency_key = c.key "
                              "AND o.due_minor = c.amount_minor)", -1) == 0,
           "after reconcile no customer is charged without an order");
    tap_ok(stress_sql_int(db, "SELECT count(*) FROM orders o WHERE due_minor > 0 AND NOT EXISTS "
                              "(SELECT 1 FROM test_charges c WHERE c.key = o.idempotency_key AND "
                              "c.state = 'approved' AND c.amount_minor = o.due_minor)", -1) == 0,
           "every order with something due holds its charge");
    tap_ok(stress_sql_int(db, "SELECT count(*) FROM pending_checkouts WHERE outcome IS NULL", -1)
               == 0, "no checkout left pending");
    tap_ok(stress_sql_int(db, "SELECT count(*) FROM accounts a WHERE balance_minor != (SELECT "
                              "coalesce(sum(amount_minor), 0) FROM ledger l WHERE l.account_id "
                              "= a.id)", -1) == 0 &&
           stress_sql_int(db, "SELECT count(*) FROM subscriptions s WHERE version != (SELECT "
                              "count(*) FROM subscription_history h WHERE h.subscription_id = "
                              "s.id)", -1) == 0,
           "ledgers sum to balances and histories are gapless after reconcile");
    STRESS_RUN(&r, dir, db, "reconcile", "--json");
    tap_ok(r.code == 0 && strstr(r.out, "\"completed\": 0") && strstr(r.out, "\"refunded\": 0"),
           "a second reconcile finds nothing to do");
    stress_run_clear(&r);
    char why[256];
    long long docs = 0;
    bool docs_ok = stress_documents_ok(db, 0, &docs, why, sizeof why);
    tap_ok(docs_ok, "after every kill and reconcile: "
           "document numbers 1..N per series and year, one document per order, none for an "
           "order that was not placed (%lld documents): %s", docs, why);
    tap_ok(stress_integrity(db, why, sizeof why), "integrity check at the end: %s", why);
    return tap_done();
}
