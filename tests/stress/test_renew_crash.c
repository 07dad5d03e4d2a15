/* test_renew_crash.c — `billcenter renew` is safe to kill and to run
 * beside others (SPEC §4, §8, §9). On the demo database with over a
 * thousand subscriptions due on RENEW_DAY (balance covers some, cards are
 * charged for most, some decline into dunning, some end):
 *
 *   1. a reference copy is renewed in one unharmed run;
 *   2. a second copy is renewed by runs killed with SIGKILL at random
 *      moments (at least 100 kills), each followed by the engine's
 *      integrity check, then by one run to the end: every period must
 *      then be renewed exactly once, with the reference's figures — the
 *      same orders, charges, balances, subscriptions, documents and events
 *      — no charge without its order and none twice, no checkout open, and
 *      the fiscal documents numbered 1..N per series and year;
 *   3. a third copy is renewed by two `renew` processes started together
 *      while six others place orders (a seat more, then one fewer again)
 *      on accounts with nothing due: eight writers at once. The renewals
 *      must equal the reference's (nothing renewed twice), every order be
 *      placed, and the documents of all of them again be 1..N.
 *
 * On either engine ($BC_TEST_ENGINE, through testdb). argv: BILLCENTER
 * [MULTIPLIER] (the kills are multiplied). The wrapper is not used:
 * killing valgrind says nothing about billcenter. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stress.h"
#include "testdb.h"

#define KILLS 100
#define RENEW_DAY "2026-12-26"
#define MIN_DUE 1000
#define PLACERS 6
#define PLACER_ACCOUNTS 4   /* per placer */
#define PLACER_ORDERS 12    /* per placer */

static const char *dir;
static long placer_accounts[PLACERS * PLACER_ACCOUNTS];
static char not_placers[PLACERS * PLACER_ACCOUNTS * 12 + 64];

/* ------------------------------------------------------------ reading */

struct text {
    char *p;
    size_t len, cap;
    bool oom;
};

static void text_add(struct text *t, const char *s)
{
    size_t n = strlen(s);

    if (t->oom)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->cap ? t->cap * 2 : 4096) + n;
        char *p = realloc(t->p, cap);
        if (!p) {
            t->oom = true;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n + 1);
    t->len += n;
}

static int text_row(void *ctx, int ncols, char **v, char **names)
{
    struct text *t = ctx;

    (void)names;
    for (int i = 0; i < ncols; i++) {
        text_add(t, v[i] ? v[i] : "NULL");
        text_add(t, i + 1 < ncols ? "|" : "\n");
    }
    return 0;
}

/* Every row of the SQL that fmt makes, as text (caller frees); NULL with
 * a diagnostic on error. */
static char *rows(const char *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *rows(const char *db, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    struct text t = {0};
    struct testdb_conn *h = testdb_connect(db, false);

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    if (!h) {
        tap_diag("%s", testdb_error());
        return NULL;
    }
    text_add(&t, "");
    if (testdb_conn_rows(h, sql, text_row, &t) < 0 || t.oom) {
        tap_diag("%s: %s", sql, testdb_conn_error(h));
        free(t.p);
        t.p = NULL;
    }
    testdb_disconnect(h);
    return t.p;
}

/* What a renewal run decides, for the accounts `where` selects (the rest
 * of an SQL condition on an account id, put in place of {W}). */
static const char *const outcome_sql[] = {
    "SELECT id, status, plan, seats, period, period_start, period_end, version, "
    "coalesce(past_due_since, -1), coalesce(last_attempt, -1) FROM subscriptions "
    "WHERE account_id {W} ORDER BY id",
    "SELECT idempotency_key, account_id, subtotal_minor, tax_minor, total_minor, "
    "balance_applied_minor, due_minor, balance_after_minor, payment_ref IS NOT NULL "
    "FROM orders WHERE account_id {W} ORDER BY idempotency_key",
    "SELECT id, balance_minor FROM accounts WHERE id {W} ORDER BY id",
    "SELECT c.key, c.state, c.amount_minor FROM test_charges c WHERE c.key NOT LIKE 'place-%' "
    "ORDER BY c.key",
    "SELECT o.idempotency_key, d.kind, d.series, d.year, d.total_minor, d.tax_minor "
    "FROM documents d JOIN orders o ON o.id = d.order_id WHERE o.account_id {W} "
    "ORDER BY o.idempotency_key, d.kind",
    "SELECT type, account_id, subscription_id, count(*) FROM events WHERE account_id {W} "
    "GROUP BY type, account_id, subscription_id ORDER BY type, account_id, subscription_id",
};
static const char *const outcome_name[] = {"subscriptions", "orders", "balances", "charges",
                                           "documents", "events"};
#define OUTCOMES (sizeof outcome_sql / sizeof outcome_sql[0])

/* True when db's outcome equals the reference's, for accounts `where`. */
static bool same_outcome(const char *ref, const char *db, const char *where, char *why,
                         size_t size)
{
    for (size_t i = 0; i < OUTCOMES; i++) {
        char sql[1024];
        const char *w = strstr(outcome_sql[i], "{W}");
        if (w)
            snprintf(sql, sizeof sql, "%.*s%s%s", (int)(w - outcome_sql[i]), outcome_sql[i],
                     where, w + 3);
        else
            snprintf(sql, sizeof sql, "%s", outcome_sql[i]);
        char *a = rows(ref, "%s", sql), *b = rows(db, "%s", sql);
        bool same = a && b && strcmp(a, b) == 0;
        if (!same) {
            size_t k = 0;
            while (a && b && a[k] && a[k] == b[k])
                k++;
            while (k > 0 && a && a[k - 1] != '\n')
                k--;
            snprintf(why, size, "%s differ: reference [%.120s] here [%.120s]", outcome_name[i],
                     a ? a + k : "?", b ? b + k : "?");
        }
        free(a);
        free(b);
        if (!same)
            return false;
    }
    snprintf(why, size, "same");
    return true;
}

/* The invariants of any database after its runs: no charge without the
 * order it paid for, every order's due amount charged, no checkout left
 * open, ledgers summing to balances, gapless histories, documents 1..N,
 * the engine's integrity check. */
static bool sound(const char *db, char *why, size_t size)
{
    long long docs = 0;

    if (stress_sql_int(db, "SELECT count(*) FROM test_charges c WHERE state = 'approved' AND "
                           "NOT EXISTS (SELECT 1 FROM orders o WHERE o.idempotency_key = c.key "
                           "AND o.due_minor = c.amount_minor)", -1) != 0)
        snprintf(why, size, "a charge without its order");
    else if (stress_sql_int(db, "SELECT count(*) FROM orders o WHERE due_minor > 0 AND NOT "
                                "EXISTS (SELECT 1 FROM test_charges c WHERE c.key = "
                                "o.idempotency_key AND c.state = 'approved' AND c.amount_minor "
                                "= o.due_minor)", -1) != 0)
        snprintf(why, size, "an order without its charge");
    else if (stress_sql_int(db, "SELECT count(*) FROM pending_checkouts WHERE outcome IS NULL",
                            -1) != 0)
        snprintf(why, size, "a checkout left open");
    else if (stress_sql_int(db, "SELECT count(*) FROM accounts a WHERE balance_minor != (SELECT "
                                "coalesce(sum(amount_minor), 0) FROM ledger l WHERE "
                                "l.account_id = a.id)", -1) != 0)
        snprintf(why, size, "a ledger that does not sum to its balance");
    else if (stress_sql_int(db, "SELECT count(*) FROM subscriptions s WHERE version != (SELECT "
                                "count(*) FROM subscription_history h WHERE "
                                "h.subscription_id = s.id)", -1) != 0)
        snprintf(why, size, "a subscription history with a gap");
    else if (!stress_documents_ok(db, 0, &docs, why, size))
        return false;
    else if (!stress_integrity(db, why, size))
        return false;
    else {
        snprintf(why, size, "ok, %lld documents", docs);
        return true;
    }
    return false;
}

/* ------------------------------------------------------------ running */

static pid_t spawn_renew(const char *db, const char *tag)
{
    char outp[400], errp[400];
    const char *args[] = {"--db", db, "--catalog", stress_catalog(), "--date", RENEW_DAY,
                          "renew", NULL};

    snprintf(outp, sizeof outp, "%s/%s.out", dir, tag);
    snprintf(errp, sizeof errp, "%s/%s.err", dir, tag);
    return stress_spawn(NULL, args, outp, errp);
}

static int wait_for(pid_t pid)
{
    int status = 0;

    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

static bool exited_ok(int status, const char *tag)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    char errp[400];
    snprintf(errp, sizeof errp, "%s/%s.err", dir, tag);
    char *err = stress_slurp(errp);
    tap_diag("%s: status %d: %s", tag, status, err);
    free(err);
    return false;
}

static void sleep_us(long us)
{
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* ------------------------------------------------------------ placers */

static int id_row(void *ctx, int ncols, char **v, char **names)
{
    int *n = ctx;

    (void)names;
    if (ncols > 0 && v[0] && *n < PLACERS * PLACER_ACCOUNTS)
        placer_accounts[(*n)++] = atol(v[0]);
    return 0;
}

/* Accounts with nothing due on RENEW_DAY (every subscription active and
 * in a period that holds it), no balance, so the placers' orders and the
 * renewals never meet. */
static bool pick_placers(const char *db, long due_day)
{
    char sql[700];
    int n = 0;
    struct testdb_conn *h = testdb_connect(db, false);

    if (!h)
        return false;
    snprintf(sql, sizeof sql,
             "SELECT a.id FROM accounts a WHERE a.kind = 'standard' AND a.balance_minor = 0 AND "
             "EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = a.id) AND NOT EXISTS "
             "(SELECT 1 FROM subscriptions s WHERE s.account_id = a.id AND (s.status != "
             "'active' OR s.period_end <= %ld OR s.period_start > %ld OR s.sched_plan IS NOT "
             "NULL OR s.sched_seats IS NOT NULL OR s.sched_period IS NOT NULL)) ORDER BY a.id "
             "LIMIT %d", due_day, due_day, PLACERS * PLACER_ACCOUNTS);
    if (testdb_conn_rows(h, sql, id_row, &n) < 0)
        tap_diag("%s", testdb_conn_error(h));
    testdb_disconnect(h);
    size_t len = (size_t)snprintf(not_placers, sizeof not_placers, "NOT IN (");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(not_placers + len, sizeof not_placers - len, "%s%ld",
                                i ? ", " : "", placer_accounts[i]);
    snprintf(not_placers + len, sizeof not_placers - len, ")");
    return n == PLACERS * PLACER_ACCOUNTS;
}

struct target {
    char product[32], plan[32], period[16];
    int seats;
};

static int target_row(void *ctx, int ncols, char **v, char **names)
{
    struct target *t = ctx;

    (void)names;
    if (ncols < 4)
        return 1;
    snprintf(t->product, sizeof t->product, "%s", v[0] ? v[0] : "");
    snprintf(t->plan, sizeof t->plan, "%s", v[1] ? v[1] : "");
    snprintf(t->period, sizeof t->period, "%s", v[2] ? v[2] : "");
    t->seats = v[3] ? atoi(v[3]) : 0;
    return 1;
}

/* One placer (a child process): its accounts' first subscription one seat
 * more, then one fewer again, round and round; 0 when every order was
 * placed. */
static int placer(const char *db, int k)
{
    struct target t[PLACER_ACCOUNTS];
    char sql[300], tag[32], outp[400], errp[400];

    for (int a = 0; a < PLACER_ACCOUNTS; a++) {
        struct testdb_conn *h = testdb_connect(db, false);
        snprintf(sql, sizeof sql, "SELECT product, plan, period, seats FROM subscriptions WHERE "
                 "account_id = %ld ORDER BY id LIMIT 1", placer_accounts[k * PLACER_ACCOUNTS + a]);
        long got = h ? testdb_conn_rows(h, sql, target_row, &t[a]) : -1;
        testdb_disconnect(h);
        if (got != 1)
            return 10;
    }
    for (int i = 0; i < PLACER_ORDERS; i++) {
        int a = i % PLACER_ACCOUNTS;
        bool more = (i / PLACER_ACCOUNTS) % 2 == 0;
        char acc[16], seats[16], key[48];
        snprintf(acc, sizeof acc, "%ld", placer_accounts[k * PLACER_ACCOUNTS + a]);
        snprintf(seats, sizeof seats, "%d", t[a].seats + (more ? 1 : 0));
        snprintf(key, sizeof key, "place-%d-%d", k, i);
        snprintf(tag, sizeof tag, "placer%d", k);
        snprintf(outp, sizeof outp, "%s/%s.out", dir, tag);
        snprintf(errp, sizeof errp, "%s/%s.err", dir, tag);
        const char *args[] = {"--db", db, "--catalog", stress_catalog(), "--date", RENEW_DAY,
                              "order", "place", "--account", acc, "--product", t[a].product,
                              "--to-plan", t[a].plan, "--to-seats", seats, "--to-period",
                              t[a].period, "--idempotency-key", key, "--card",
                              "4242424242424242", "--card-exp", "12/30", NULL};
        if (!more)
            args[20] = NULL;   /* one seat fewer: a credit, no card */
        int status = wait_for(stress_spawn(NULL, args, outp, errp));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            char *err = stress_slurp(errp);
            fprintf(stderr, "# %s: status %d: %s", key, status, err);
            free(err);
            return 20;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ main */

static long day_number(const char *ymd)
{
    struct tm tm = {0};

    if (sscanf(ymd, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long)(timegm(&tm) / 86400);
}

int main(int argc, char **argv)
{
    char base[400], ref[400], killed[400], together[400], why[512], sql[300];
    int mult = argc > 2 ? atoi(argv[2]) : 1;
    int want = KILLS * (mult > 0 ? mult : 1);
    long due_day = day_number(RENEW_DAY);

    if (!stress_init(argc, argv, false))
        return 2;
    dir = stress_tmpdir("renew-crash");
    if (!tap_ok(dir && stress_make_demo(dir, "base.db", base, sizeof base),
                "demo database"))
        return tap_done();
    snprintf(sql, sizeof sql, "SELECT count(*) FROM subscriptions WHERE status IN ('active', "
             "'past_due', 'trial') AND period_end <= %ld", due_day);
    long long due = stress_sql_int(base, sql, -1);
    tap_ok(due >= MIN_DUE, "at least %d subscriptions due on %s (%lld)", MIN_DUE, RENEW_DAY, due);
    long long orders_before = stress_sql_int(base, "SELECT count(*) FROM orders", -1);
    if (!tap_ok(pick_placers(base, due_day), "%d accounts with nothing due for the placers",
                PLACERS * PLACER_ACCOUNTS))
        return tap_done();
    if (!stress_db_copy(base, dir, "ref.db", ref, sizeof ref) ||
        !stress_db_copy(base, dir, "killed.db", killed, sizeof killed) ||
        !stress_db_copy(base, dir, "together.db", together, sizeof together))
        return tap_ok(false, "copies of the demo database"), tap_done();

    /* 1. The reference: one run, unharmed; then a run with nothing due. */
    double t0 = stress_now();
    bool ok = exited_ok(wait_for(spawn_renew(ref, "ref")), "ref");
    double full = stress_now() - t0;
    t0 = stress_now();
    ok = exited_ok(wait_for(spawn_renew(ref, "ref2")), "ref2") && ok;
    double idle = stress_now() - t0;
    long long renewed = stress_sql_int(ref, "SELECT count(*) FROM orders WHERE idempotency_key "
                                            "LIKE 'renew:%'", -1);
    long long charged = stress_sql_int(ref, "SELECT count(*) FROM test_charges WHERE key LIKE "
                                            "'renew:%' AND state = 'approved'", -1);
    long long declined = stress_sql_int(ref, "SELECT count(*) FROM test_charges WHERE key LIKE "
                                             "'renew:%' AND state = 'declined'", -1);
    long long from_balance = stress_sql_int(ref, "SELECT count(*) FROM orders WHERE "
        "idempotency_key LIKE 'renew:%' AND balance_applied_minor > 0", -1);
    tap_diag("reference run: %.2f s for %lld renewal orders (%lld charged, %lld from the balance "
             "at least in part), %lld declined charges; a run with nothing due: %.0f ms", full,
             renewed, charged, from_balance, declined, idle * 1000);
    tap_ok(ok && renewed > 0 && charged > 0 && declined > 0 && from_balance > 0,
           "the reference renews, charges cards, declines some and uses balances");
    tap_ok(sound(ref, why, sizeof why), "the reference is sound: %s", why);

    /* 2. Killed at random moments, spread so that the kills cover the
     *    whole run's work: past its start-up, each killed run does about
     *    1/KILLS of it on average; some die in their start-up. */
    unsigned seed = 20261226;
    int span_us = (int)((2 * idle + 1.6 * full / KILLS) * 1e6);
    int kills = 0, finished = 0, problems = 0, mid = 0, i = 0;
    t0 = stress_now();
    for (; kills < want && i < want * 4; i++) {
        pid_t pid = spawn_renew(killed, "kill");
        sleep_us((long)(rand_r(&seed) % (unsigned)span_us));
        kill(pid, SIGKILL);
        int status = wait_for(pid);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
            kills++;
            /* A kill with renewals still to do is one in the middle of the work. */
            mid += stress_sql_int(killed, "SELECT count(*) FROM orders WHERE idempotency_key "
                                          "LIKE 'renew:%'", -1) < renewed;
        }
        else if (exited_ok(status, "kill"))
            finished++;
        else
            problems++;
        if (!stress_integrity(killed, why, sizeof why)) {
            tap_diag("after kill %d: %s", i, why);
            problems++;
        }
    }
    long long partial = stress_sql_int(killed, "SELECT count(*) FROM orders WHERE "
                                               "idempotency_key LIKE 'renew:%'", -1);
    ok = exited_ok(wait_for(spawn_renew(killed, "last")), "last");
    tap_diag("%d runs killed at random in 0..%.1f ms: %d kills (%d with renewals still to do), "
             "%d finished first, %lld of %lld renewal orders written before the last run; %.1f s",
             kills + finished, span_us / 1000.0, kills, mid, finished, partial, renewed,
             stress_now() - t0);
    tap_ok(kills >= want, "at least %d SIGKILLs mid-renewal (%d)", want, kills);
    tap_ok(problems == 0, "every killed run left the database whole (%d problems)", problems);
    tap_ok(ok && mid >= want / 2, "most kills landed in the middle of the work (%d of %d)", mid,
           kills);
    tap_ok(same_outcome(ref, killed, "IS NOT NULL", why, sizeof why),
           "after the kills every period is renewed exactly once, as in the reference: %s", why);
    tap_ok(sound(killed, why, sizeof why), "after the kills nothing is charged without its "
           "order or twice, no checkout is open, documents are 1..N: %s", why);

    /* 3. Two renews started together, six placers beside them. */
    pid_t kids[PLACERS], renews[2];
    t0 = stress_now();
    for (int k = 0; k < PLACERS; k++) {
        fflush(NULL);
        kids[k] = fork();
        if (kids[k] == 0)
            _exit(placer(together, k));
    }
    renews[0] = spawn_renew(together, "together0");
    renews[1] = spawn_renew(together, "together1");
    ok = exited_ok(wait_for(renews[0]), "together0");
    ok = exited_ok(wait_for(renews[1]), "together1") && ok;
    int placed_ok = 0;
    for (int k = 0; k < PLACERS; k++) {
        int status = wait_for(kids[k]);
        placed_ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    long long placed = stress_sql_int(together, "SELECT count(*) FROM orders WHERE "
                                                "idempotency_key LIKE 'place-%'", -1);
    tap_diag("2 renews and %d placers at once: %.1f s, %lld orders placed", PLACERS,
             stress_now() - t0, placed);
    tap_ok(ok, "both renews started together exit 0");
    tap_ok(placed_ok == PLACERS && placed == PLACERS * PLACER_ORDERS, "every placer's order is "
           "placed (%lld of %d)", placed, PLACERS * PLACER_ORDERS);
    tap_ok(same_outcome(ref, together, not_placers, why, sizeof why),
           "two renews at once renew nothing twice: the reference's outcome: %s", why);
    tap_ok(sound(together, why, sizeof why), "eight writers at once: nothing charged without its "
           "order, documents 1..N per series and year, one per order: %s", why);
    long long docs_new = stress_sql_int(together, "SELECT count(*) FROM documents", -1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM orders WHERE id > %lld", orders_before);
    tap_diag("%lld documents for %lld orders", docs_new,
             (long long)stress_sql_int(together, sql, -1));
    return tap_done();
}
