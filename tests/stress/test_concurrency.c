/* test_concurrency.c — concurrency: eight processes place orders at the
 * same time on twenty shared demo accounts through `billcenter order place`
 * (upgrades, seat and frequency changes, some downgrades, which operators
 * order for the customer (SPEC §3, Customer Care), ~10% deliberate retries of an earlier idempotency key and keys
 * that several workers use at once, half of them with one request and half
 * with each worker's own, which all but the first must be refused). Afterwards the database must show
 * every distinct key as exactly one order, ledgers that sum to balances and
 * to the orders, gapless subscription histories, payments matching orders,
 * and no process may have failed on "database is locked". On either
 * engine ($BC_TEST_ENGINE, through testdb).
 *
 * argv: BILLCENTER [MULTIPLIER] — MULTIPLIER (meson option long_tests: 8)
 * scales the 1,600 orders. The wrapper ($BC_TEST_WRAPPER) is not used: the
 * point here is contention at full speed, memory is checked elsewhere. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plans.h"
#include "stress.h"
#include "testdb.h"

#define WORKERS 8
#define ACCOUNTS 20
#define ORDERS 1600
#define MAXSUBS 8

struct sub {
    char product[32];
};

struct account {
    long id;
    int nsubs;
    struct sub subs[MAXSUBS];
};

static struct account accounts[ACCOUNTS];
static const char *db;
static const char *dir;

/* ------------------------------------------------------------ workers */

/* What a worker remembers of an order it placed, to retry its key. */
struct placed {
    char key[48];
    char account[16], product[32], plan[32], seats[16], period[16];
    long order_id;
};

struct current {
    char plan[32], period[16], status[16];
    int seats, assigned;
};

static int current_row(void *ctx, int ncols, char **v, char **names)
{
    struct current *c = ctx;

    (void)names;
    if (ncols < 5)
        return 1;
    snprintf(c->plan, sizeof c->plan, "%s", v[0] ? v[0] : "");
    snprintf(c->period, sizeof c->period, "%s", v[1] ? v[1] : "");
    snprintf(c->status, sizeof c->status, "%s", v[2] ? v[2] : "");
    c->seats = v[3] ? atoi(v[3]) : 0;
    c->assigned = v[4] ? atoi(v[4]) : 0;
    return 1;
}

static bool read_current(struct testdb_conn *h, long account, const char *product,
                         struct current *c)
{
    char sql[512], p[80];

    if (!testdb_quote(product, p, sizeof p))
        return false;
    snprintf(sql, sizeof sql,
             "SELECT plan, period, status, seats, (SELECT count(*) FROM seat_assignments a "
             "WHERE a.subscription_id = s.id) FROM subscriptions s "
             "WHERE account_id = %ld AND product = %s", account, p);
    return testdb_conn_rows(h, sql, current_row, c) == 1;
}

static bool has_ci(const char *text, const char *needle)
{
    size_t n = strlen(needle);

    for (; *text; text++)
        if (strncasecmp(text, needle, n) == 0)
            return true;
    return false;
}

/* Chooses a change for the subscription as it is now. kind: 'S' seats,
 * 'U' upgrade, 'F' frequency, 'D' downgrade (an operator's: credit to the
 * balance when the lower charge is less). */
static char choose(unsigned *seed, const char *product, const struct current *c,
                   struct placed *p)
{
    const struct stress_plan *cur = stress_plan_find(product, c->plan), *to = cur;
    int r = (int)(rand_r(seed) % 100), seats = c->seats, lo, hi;
    const char *period = c->period;
    char kind;

    if (!cur)
        return 0;
    if (r < 5 && stress_plan_rank(product, cur->rank - 1)) {
        kind = 'D';
        to = stress_plan_rank(product, cur->rank - 1);
    } else if (r < 35 && stress_plan_rank(product, cur->rank + 1)) {
        kind = 'U';
        to = stress_plan_rank(product, cur->rank + 1);
    } else if (r < 55) {
        kind = 'F';
        period = strcmp(c->period, "monthly") == 0 ? "annual" : "monthly";
    } else {
        kind = 'S';
    }
    lo = to->min > c->assigned ? to->min : c->assigned;
    hi = lo + 20 < to->max ? lo + 20 : to->max;
    if (kind == 'S') {
        do
            seats = lo + (int)(rand_r(seed) % (unsigned)(hi - lo + 1));
        while (seats == c->seats && hi > lo);
    } else if (seats < lo || seats > hi) {
        seats = seats < lo ? lo : hi;
    }
    snprintf(p->product, sizeof p->product, "%s", product);
    snprintf(p->plan, sizeof p->plan, "%s", to->plan);
    snprintf(p->seats, sizeof p->seats, "%d", seats);
    snprintf(p->period, sizeof p->period, "%s", period);
    return kind;
}

/* One `order place`; writes a result line "R key code order_id replayed
 * kind refusal secs due D for ACCOUNT PRODUCT PLAN SEATS PERIOD" and
 * "F reason" lines for failures. Returns the exit code. */
static int place(FILE *log, const char *wdir, const struct placed *p, char kind, long *order_id,
                 bool *replayed)
{
    struct stress_run r;
    json_error_t e;
    json_t *j;
    const char *refusal = "-";

    STRESS_RUN(&r, wdir, db, "order", "place", "--account", p->account, "--product", p->product,
               "--to-plan", p->plan, "--to-seats", p->seats, "--to-period", p->period,
               "--idempotency-key", p->key, "--card", "4242424242424242", "--card-exp", "12/30",
               "--json");
    *order_id = -1;
    *replayed = false;
    if (has_ci(r.err, "locked") || has_ci(r.err, "busy") || has_ci(r.out, "locked") ||
        has_ci(r.out, "busy"))
        fprintf(log, "F %s: the database was busy: %s", p->key, r.err);
    j = json_loads(r.out, 0, &e);
    if (r.code == 0 && j) {
        json_t *id = json_object_get(j, "order_id");
        *order_id = json_is_integer(id) ? (long)json_integer_value(id) : -1;
        *replayed = json_is_true(json_object_get(j, "replayed"));
        if (*order_id <= 0)
            fprintf(log, "F %s: exit 0 without an order id: %s\n", p->key, r.out);
    } else if (r.code == 3 && j) {
        json_t *why = json_object_get(j, "refusal");
        if (json_is_string(why) && *json_string_value(why))
            refusal = json_string_value(why);
        else
            fprintf(log, "F %s: exit 3 without a refusal code: %s\n", p->key, r.out);
        if (!stress_one_line(r.err))
            fprintf(log, "F %s: refusal without one line on stderr: %s\n", p->key, r.err);
    } else {
        fprintf(log, "F %s: exit %d (%s %s %s %s %s): %s%s\n", p->key, r.code, p->account,
                p->product, p->plan, p->seats, p->period, r.err, r.out);
    }
    json_t *due = json_object_get(j, "due_minor");
    /* The fields after the seconds are for diagnostics only. */
    fprintf(log, "R %s %d %ld %d %c %s %.4f due %lld for %s %s %s %s %s\n", p->key, r.code,
            *order_id, *replayed ? 1 : 0, kind, refusal, r.secs,
            json_is_integer(due) ? (long long)json_integer_value(due) : -1LL, p->account,
            p->product, p->plan, p->seats, p->period);
    json_decref(j);
    int code = r.code;
    stress_run_clear(&r);
    return code;
}

/* The request of a shared key: the first worker to get there publishes its
 * own (written aside, then linked into place: one wins), every worker then
 * uses the published one. */
static bool same_request(struct placed *p)
{
    char path[400], tmp[420], line[256];
    snprintf(path, sizeof path, "%s/%s.req", dir, p->key);
    snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return false;
    fprintf(f, "%s %s %s %s %s\n", p->account, p->product, p->plan, p->seats, p->period);
    if (fclose(f) != 0)
        return false;
    if (link(tmp, path) != 0 && errno != EEXIST) {
        unlink(tmp);
        return false;
    }
    unlink(tmp);
    f = fopen(path, "r");
    bool ok = f && fgets(line, sizeof line, f) &&
              sscanf(line, "%15s %31s %31s %15s %15s", p->account, p->product, p->plan, p->seats,
                     p->period) == 5;
    if (f)
        fclose(f);
    return ok;
}

static int worker(int w, int quota)
{
    char wdir[400], logp[400];
    unsigned seed = 0x9e3779b9u * (unsigned)(w + 1);
    struct placed *done = calloc((size_t)quota * 2, sizeof *done);
    int ndone = 0, placed = 0, attempts = 0;
    struct testdb_conn *h = NULL;
    FILE *log;

    snprintf(wdir, sizeof wdir, "%s/w%d", dir, w);
    snprintf(logp, sizeof logp, "%s/w%d.log", dir, w);
    log = fopen(logp, "w");
    if (!log || !done || !(h = testdb_connect(db, false)))
        return 2;
    setvbuf(log, NULL, _IOLBF, 0);
    while (placed < quota && attempts < quota * 3) {
        struct placed p;
        long id;
        bool replayed;
        int r = (int)(rand_r(&seed) % 100);

        attempts++;
        memset(&p, 0, sizeof p);
        if (r < 10 && ndone > 0) {
            /* A deliberate retry: same key, same request. */
            const struct placed *old = &done[rand_r(&seed) % (unsigned)ndone];
            int code = place(log, wdir, old, 'R', &id, &replayed);
            if (code != 0 || !replayed || id != old->order_id)
                fprintf(log, "F %s: retry gave exit %d, order %ld, replayed %d (first: order %ld)\n",
                        old->key, code, id, replayed, old->order_id);
            continue;
        }
        /* Every 16th attempt uses a key all workers use at about the same
         * moment (same choice of account and subscription). */
        bool shared = attempts % 16 == 0;
        unsigned pick = shared ? (unsigned)attempts * 2654435761u : (unsigned)rand_r(&seed);
        const struct account *a = &accounts[pick % ACCOUNTS];
        const struct sub *s = &a->subs[(pick / ACCOUNTS) % (unsigned)a->nsubs];
        struct current c;
        if (!read_current(h, a->id, s->product, &c)) {
            fprintf(log, "F cannot read subscription %ld/%s: %s\n", a->id, s->product,
                    testdb_conn_error(h));
            continue;
        }
        char kind = choose(&seed, s->product, &c, &p);
        if (!kind) {
            fprintf(log, "F unknown plan %s/%s\n", s->product, c.plan);
            continue;
        }
        snprintf(p.account, sizeof p.account, "%ld", a->id);
        if (shared)
            snprintf(p.key, sizeof p.key, "shared-%d", attempts);
        else
            snprintf(p.key, sizeof p.key, "w%d-%d", w, attempts);
        /* Half of the shared keys carry one request, the first worker's
         * choice, as a client retrying from several places would; the
         * others each worker's own (the key with other parameters). */
        bool published = shared && attempts % 32 == 0;
        if (published && !same_request(&p)) {
            fprintf(log, "F %s: cannot share the request\n", p.key);
            continue;
        }
        if (published)
            kind = 'X';   /* the first worker's request, whatever this one chose */
        int code = place(log, wdir, &p, shared ? 'X' : kind, &id, &replayed);
        if (code == 0 && !replayed) {
            placed++;
            p.order_id = id;
            if (ndone < quota * 2)
                done[ndone++] = p;
        }
    }
    fprintf(log, "P %d %d\n", placed, attempts);
    fclose(log);
    testdb_disconnect(h);
    free(done);
    return 0;
}

/* ------------------------------------------------------------ set-up */

static int account_row(void *ctx, int ncols, char **v, char **names)
{
    int *n = ctx;

    (void)names;
    if (*n < ACCOUNTS && ncols > 0 && v[0])
        accounts[(*n)++].id = atol(v[0]);
    return 0;
}

static bool pick_accounts(void)
{
    struct testdb_conn *h = testdb_connect(db, false);
    char sql[512];
    int n = 0;

    if (!h)
        return false;
    /* Standard accounts whose subscriptions are all active, at least two. */
    snprintf(sql, sizeof sql,
        "SELECT a.id FROM accounts a WHERE a.kind = 'standard' AND "
        "(SELECT count(*) FROM subscriptions s WHERE s.account_id = a.id "
        " AND s.status = 'active') >= 2 AND NOT EXISTS (SELECT 1 FROM subscriptions s "
        " WHERE s.account_id = a.id AND s.status != 'active') ORDER BY a.id LIMIT %d", ACCOUNTS);
    if (testdb_conn_rows(h, sql, account_row, &n) < 0)
        tap_diag("%s", testdb_conn_error(h));
    testdb_disconnect(h);
    if (n != ACCOUNTS)
        return false;
    /* What each account holds, as `account show --json` tells it. */
    for (int i = 0; i < ACCOUNTS; i++) {
        struct stress_run r;
        char id[16];
        json_t *j, *subs;
        size_t k;
        json_t *s;

        snprintf(id, sizeof id, "%ld", accounts[i].id);
        STRESS_RUN(&r, dir, db, "account", "show", id, "--json");
        j = json_loads(r.out, 0, NULL);
        subs = json_object_get(j, "subscriptions");
        json_array_foreach(subs, k, s) {
            if (accounts[i].nsubs < MAXSUBS)
                snprintf(accounts[i].subs[accounts[i].nsubs++].product, sizeof(struct sub),
                         "%s", json_string_value(json_object_get(s, "product")));
        }
        json_decref(j);
        stress_run_clear(&r);
        if (accounts[i].nsubs < 2)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------ checks */

struct keyinfo {
    char key[48];
    long order_id;      /* from the first exit 0, or -1 */
    int oks, refusals, mismatches;
};

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const struct keyinfo *)a)->key, ((const struct keyinfo *)b)->key);
}

static int64_t q(const char *sql)
{
    return stress_sql_int(db, sql, -1);
}

/* Prints up to ten rows of `sql` (key, charged amount, order id, order due,
 * checkout amount, checkout outcome; NULL as "-"), each with what the
 * workers saw of that key in their logs. */
struct disagreement {
    const char *what;
    int n;
};

static int show_row(void *ctx, int ncols, char **v, char **names)
{
    struct disagreement *d = ctx;
    const char *what = d->what;

    (void)names;
    if (ncols < 6 || d->n++ >= 10)
        return 1;
    {
        const char *col[6];
        for (int i = 0; i < 6; i++)
            col[i] = v[i] ? v[i] : "-";
        tap_diag("%s: key %s charged %s, order %s due %s, checkout %s (%s)", what, col[0],
                 col[1], col[2], col[3], col[4], col[5]);
        char key[48];
        snprintf(key, sizeof key, "%s", col[0]);
        for (int w = 0; w < WORKERS; w++) {
            char logp[400], line[4096], word[64];
            snprintf(logp, sizeof logp, "%s/w%d.log", dir, w);
            snprintf(word, sizeof word, " %s ", key);
            FILE *f = fopen(logp, "r");
            while (f && fgets(line, sizeof line, f))
                if (strstr(line, word) || strncmp(line + 2, key, strlen(key)) == 0)
                    tap_diag("  worker %d: %s", w, strtok(line, "\n"));
            if (f)
                fclose(f);
        }
    }
    return 0;
}

static void show_disagreements(const char *what, const char *sql)
{
    struct testdb_conn *h = testdb_connect(db, false);
    struct disagreement d = {what, 0};

    if (!h || testdb_conn_rows(h, sql, show_row, &d) < 0)
        tap_diag("%s: %s", what, h ? testdb_conn_error(h) : testdb_error());
    testdb_disconnect(h);
}

int main(int argc, char **argv)
{
    char dbpath[400];
    int mult = argc > 2 ? atoi(argv[2]) : 1;
    int total = ORDERS * (mult > 0 ? mult : 1), quota = (total + WORKERS - 1) / WORKERS;
    pid_t pids[WORKERS];
    double t0, t1;

    if (!stress_init(argc, argv, false))
        return 2;
    dir = stress_tmpdir("conc");
    if (!tap_ok(dir && stress_make_demo(dir, "b.db", dbpath, sizeof dbpath),
                "demo database for the concurrency run"))
        return tap_done();
    db = dbpath;
    if (!tap_ok(pick_accounts(), "%d standard accounts with >= 2 active subscriptions, "
                "as account show --json lists them", ACCOUNTS))
        return tap_done();
    int64_t orders_before = q("SELECT count(*) FROM orders");

    t0 = stress_now();
    for (int w = 0; w < WORKERS; w++) {
        char wdir[400];
        snprintf(wdir, sizeof wdir, "%s/w%d", dir, w);
        mkdir(wdir, 0700);
        fflush(NULL);
        pids[w] = fork();
        if (pids[w] == 0)
            _exit(worker(w, quota));
    }
    int bad_workers = 0;
    for (int w = 0; w < WORKERS; w++) {
        int st;
        while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad_workers++;
    }
    t1 = stress_now();
    tap_ok(bad_workers == 0, "%d workers finished (%d did not)", WORKERS, bad_workers);

    /* Gather the workers' logs. */
    size_t cap = (size_t)quota * WORKERS * 4, nkeys = 0;
    struct keyinfo *keys = calloc(cap, sizeof *keys);
    int fails = 0, placed = 0, attempts = 0, runs = 0, refusals = 0, retries = 0;
    int by_code[256] = {0};
    double slowest = 0;
    char refusal_kinds[1024] = "";
    for (int w = 0; w < WORKERS; w++) {
        char logp[400], line[4096];
        snprintf(logp, sizeof logp, "%s/w%d.log", dir, w);
        FILE *f = fopen(logp, "r");
        while (f && fgets(line, sizeof line, f)) {
            char key[48], kind, refusal[64];
            int code, rep, p, a;
            long id;
            double secs;
            if (line[0] == 'F') {
                if (fails++ < 10)
                    tap_diag("worker %d: %s", w, line + 2);
            } else if (line[0] == 'P' && sscanf(line, "P %d %d", &p, &a) == 2) {
                placed += p;
                attempts += a;
            } else if (sscanf(line, "R %47s %d %ld %d %c %63s %lf", key, &code, &id, &rep, &kind,
                              refusal, &secs) == 7) {
                runs++;
                by_code[code & 255]++;
                retries += kind == 'R';
                if (secs > slowest)
                    slowest = secs;
                if (code == 3) {
                    refusals++;
                    if (!strstr(refusal_kinds, refusal) &&
                        strlen(refusal_kinds) + strlen(refusal) + 2 < sizeof refusal_kinds) {
                        strcat(refusal_kinds, " ");
                        strcat(refusal_kinds, refusal);
                    }
                }
                size_t k;
                for (k = 0; k < nkeys && strcmp(keys[k].key, key) != 0; k++)
                    ;
                if (k == nkeys && nkeys < cap) {
                    snprintf(keys[nkeys].key, sizeof keys[0].key, "%s", key);
                    keys[nkeys++].order_id = -1;
                }
                if (k < nkeys && code == 0) {
                    if (keys[k].order_id < 0)
                        keys[k].order_id = id;
                    else if (keys[k].order_id != id)
                        keys[k].mismatches++;
                    keys[k].oks++;
                } else if (k < nkeys && code == 3) {
                    keys[k].refusals++;
                }
            }
        }
        if (f)
            fclose(f);
    }
    qsort(keys, nkeys, sizeof *keys, key_cmp);
    int64_t orders = q("SELECT count(*) FROM orders") - orders_before;
    tap_diag("%d runs of order place (%d retries of an earlier key), %lld orders placed, "
             "%d refusals (%s), in %.1f s (%.1f orders/s; slowest run %.2f s)",
             runs, retries, (long long)orders, refusals, refusal_kinds, t1 - t0,
             (double)orders / (t1 - t0), slowest);
    tap_ok(fails == 0, "no run failed: only exit 0 or a refusal (exit 3 with a code and one "
           "line), never 'database is locked' or busy; retries replay (%d problems)", fails);
    tap_ok(by_code[0] + by_code[3] == runs, "exit codes: %d x 0, %d x 3, %d others", by_code[0],
           by_code[3], runs - by_code[0] - by_code[3]);
    tap_ok(orders >= total && placed == orders, "at least %d orders placed (%lld in the "
           "database, %d reported new by the workers)", total, (long long)orders, placed);

    /* Every distinct key: exactly one order, the one every success named. */
    int key_bad = 0, shared_keys = 0, shared_multi = 0;
    struct testdb_conn *h = testdb_connect(db, false);
    for (size_t k = 0; h && k < nkeys; k++) {
        char sql[256], quoted[96];
        int64_t n64 = -1, id64 = -1;
        testdb_quote(keys[k].key, quoted, sizeof quoted);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM orders WHERE idempotency_key = %s", quoted);
        testdb_conn_int(h, sql, &n64);
        snprintf(sql, sizeof sql, "SELECT min(id) FROM orders WHERE idempotency_key = %s", quoted);
        testdb_conn_int(h, sql, &id64);
        int n = (int)n64;
        long id = (long)id64;
        bool good = keys[k].oks > 0 ? n == 1 && id == keys[k].order_id && !keys[k].mismatches
                                    : n == 0;
        if (strncmp(keys[k].key, "shared-", 7) == 0) {
            shared_keys++;
            shared_multi += keys[k].oks > 1;
        }
        if (!good && key_bad++ < 5)
            tap_diag("key %s: %d orders in the database (first %ld), %d successes naming %ld, "
                     "%d mismatches", keys[k].key, n, id, keys[k].oks, keys[k].order_id,
                     keys[k].mismatches);
    }
    bool read_keys = h != NULL;
    if (!read_keys)
        tap_diag("%s", testdb_error());
    testdb_disconnect(h);
    tap_ok(read_keys && key_bad == 0 && nkeys > 0, "each of %zu distinct keys is exactly one order (or none "
           "when refused) and every success named it (%zu bad)", nkeys, (size_t)key_bad);
    tap_ok(shared_keys > 0 && shared_multi > 0, "%d keys used by all workers at once, %d of them "
           "returned by more than one worker", shared_keys, shared_multi);
    tap_ok(strstr(refusal_kinds, "idempotency_key_reused") != NULL,
           "a shared key sent with other parameters was refused (idempotency_key_reused)");
    tap_ok(q("SELECT count(*) FROM orders WHERE idempotency_key NOT LIKE 'w%' AND "
             "idempotency_key NOT LIKE 'shared-%'") == 0 &&
           q("SELECT count(DISTINCT idempotency_key) FROM orders") == orders,
           "no order without one of the test's keys, no key twice");

    /* Money. */
    tap_ok(q("SELECT count(*) FROM accounts a WHERE balance_minor != (SELECT "
             "coalesce(sum(amount_minor), 0) FROM ledger l WHERE l.account_id = a.id)") == 0,
           "every account's ledger sums to its balance");
    tap_ok(q("SELECT count(*) FROM accounts a WHERE balance_minor != "
             "(SELECT coalesce(sum(amount_minor), 0) FROM ledger l WHERE l.account_id = a.id "
             "AND kind = 'opening') + (SELECT coalesce(sum(CASE WHEN total_minor < 0 THEN "
             "-total_minor ELSE 0 END - balance_applied_minor), 0) FROM orders o "
             "WHERE o.account_id = a.id)") == 0,
           "every balance = opening entry + sum over its orders of (credit added - balance "
           "applied)");
    tap_ok(q("SELECT count(*) FROM orders o WHERE (SELECT coalesce(sum(amount_minor), 0) "
             "FROM ledger l WHERE l.order_id = o.id) != (CASE WHEN total_minor < 0 THEN "
             "-total_minor ELSE 0 END) - balance_applied_minor") == 0,
           "each order's ledger entries are its own credit added - balance applied");
    tap_ok(q("SELECT count(*) FROM ledger l WHERE balance_after != (SELECT sum(amount_minor) "
             "FROM ledger m WHERE m.account_id = l.account_id AND m.id <= l.id)") == 0,
           "each ledger entry's balance_after is the running sum (no interleaved writer lost "
           "an update)");
    tap_ok(q("SELECT count(*) FROM orders o WHERE total_minor != (SELECT sum(amount_minor) "
             "FROM order_lines l WHERE l.order_id = o.id) OR due_minor != (CASE WHEN total_minor > 0 "
             "THEN total_minor ELSE 0 END) - balance_applied_minor") == 0,
           "each order's lines add up to its total, and due = total - balance applied");
    int64_t with_balance = q("SELECT count(*) FROM orders WHERE balance_applied_minor > 0");
    int64_t with_credit = q("SELECT count(*) FROM orders WHERE total_minor < 0");
    tap_diag("%lld orders used a balance, %lld added a credit", (long long)with_balance,
             (long long)with_credit);

    /* Subscriptions. */
    tap_ok(q("SELECT count(*) FROM subscriptions s WHERE (SELECT count(*) FROM "
             "subscription_history h WHERE h.subscription_id = s.id) != s.version OR "
             "(SELECT min(version) FROM subscription_history h WHERE h.subscription_id = s.id) "
             "!= 1 OR (SELECT max(version) FROM subscription_history h WHERE "
             "h.subscription_id = s.id) != s.version") == 0,
           "each subscription's history is versions 1..version without a gap");
    tap_ok(q("SELECT count(*) FROM subscriptions s JOIN subscription_history h ON "
             "h.subscription_id = s.id AND h.version = s.version WHERE h.plan != s.plan OR "
             "h.seats != s.seats OR h.period != s.period OR h.period_start != s.period_start "
             "OR h.period_end != s.period_end OR h.item_start != s.item_start OR "
             "h.billed_minor != s.billed_minor OR h.price_minor != s.price_minor") == 0,
           "each subscription's latest history row is the subscription as it stands");
    tap_ok(q("SELECT count(*) FROM subscriptions s WHERE s.version - 1 != (SELECT "
             "count(DISTINCT order_id) FROM order_lines l WHERE l.subscription_id = s.id) OR "
             "s.version - 1 != (SELECT count(*) FROM subscription_history h WHERE "
             "h.subscription_id = s.id AND h.order_id IS NOT NULL)") == 0,
           "each version after the first comes from exactly one order");
    tap_ok(q("SELECT max(version) FROM subscriptions") > 20,
           "subscriptions went through many versions (max %lld)",
           (long long)q("SELECT max(version) FROM subscriptions"));

    /* Payments and audit. */
    if (!tap_ok(q("SELECT count(*) FROM test_charges c WHERE state = 'approved' AND NOT EXISTS "
                  "(SELECT 1 FROM orders o WHERE o.idempotency_key = c.key AND o.due_minor = "
                  "c.amount_minor)") == 0,
                "no customer charged without an order (test processor's record vs orders)"))
        show_disagreements("charged without an order of that amount",
            "SELECT c.key, c.amount_minor, o.id, o.due_minor, p.amount_minor, p.outcome "
            "FROM test_charges c LEFT JOIN orders o ON o.idempotency_key = c.key "
            "LEFT JOIN pending_checkouts p ON p.key = c.key WHERE c.state = 'approved' AND "
            "NOT EXISTS (SELECT 1 FROM orders x WHERE x.idempotency_key = c.key AND "
            "x.due_minor = c.amount_minor) ORDER BY c.key");
    if (!tap_ok(q("SELECT count(*) FROM orders o WHERE due_minor > 0 AND NOT EXISTS (SELECT 1 "
                  "FROM test_charges c WHERE c.key = o.idempotency_key AND c.state = 'approved' "
                  "AND c.amount_minor = o.due_minor)") == 0,
                "every order with something due was charged exactly that once"))
        show_disagreements("ordered without a charge of that amount",
            "SELECT o.idempotency_key, c.amount_minor, o.id, o.due_minor, p.amount_minor, "
            "p.outcome FROM orders o LEFT JOIN test_charges c ON c.key = o.idempotency_key "
            "LEFT JOIN pending_checkouts p ON p.key = o.idempotency_key WHERE o.due_minor > 0 "
            "AND NOT EXISTS (SELECT 1 FROM test_charges x WHERE x.key = o.idempotency_key AND "
            "x.state = 'approved' AND x.amount_minor = o.due_minor) ORDER BY o.id");
    tap_ok(q("SELECT count(*) FROM pending_checkouts WHERE outcome IS NULL") == 0,
           "no checkout left pending for reconcile (%lld)",
           (long long)q("SELECT count(*) FROM pending_checkouts WHERE outcome IS NULL"));
    tap_diag("test processor: %lld approved, %lld refunded (re-check failed after the charge)",
             (long long)q("SELECT count(*) FROM test_charges WHERE state = 'approved'"),
             (long long)q("SELECT count(*) FROM test_charges WHERE state = 'refunded'"));
    tap_ok(q("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE "
             "a.account_id = o.account_id AND a.action = 'order.place' AND a.result = 'ok' "
             "AND a.after_json LIKE '%\"key\":\"' || o.idempotency_key || '\"%')") == 0,
           "every order has its audit row");
    char why[256];
    tap_ok(stress_integrity(db, why, sizeof why), "integrity check: %s", why);
    free(keys);
    return tap_done();
}
