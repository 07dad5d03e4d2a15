/* bench_order.c — orders placed per second by one process with
 * synchronous=FULL, through billing_place on a temporary demo database,
 * against a floor: billing_place's own statements, with the values it
 * bound, in its own transactions, recorded in an untimed pass on a copy of
 * the database and replayed through the bare SQLite API (see "floor"
 * below). Both timed sides run on identical copies, in alternating blocks
 * so that disk and CPU noise hit both.
 *
 * Two kinds of order, two rows:
 *  - nothing due (one seat fewer: the credit covers it): one transaction,
 *    the key claimed in it; target 0.7 x the floor;
 *  - paid (one seat more, the card on file charged): SPEC §4 needs the
 *    pending checkout (and the key's claim) durable before the charge, and
 *    the test processor's record is committed on its own as a gateway's
 *    would be, so three commits, which the floor has too; target 0.9 x.
 * Commits are counted, not assumed: a commit hook on every connection that
 * steps a statement counts them per order on each side, and a step
 * counter counts statement executions (equal on both sides when the floor
 * is what it should be). One order per account, so the balance each order
 * sees is the one it was quoted with.
 *
 * BC_BENCH_ORDER_ACCOUNTS (default 3000) sizes the demo database;
 * BC_BENCH_ORDERS (default 1000) caps the orders of each kind and side;
 * BC_BENCH_TRACE=1 prints every statement as it starts. */
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_jobs.h"
#include "billing.h"
#include "catalog.h"
#include "demo.h"
#include "payment.h"
#include "store.h"

#define BLOCK 25
#define TARGET_UNPAID 0.7
#define TARGET_PAID 0.9

/* ---------------------------------------------------------------- counting */

/* Every sqlite3_step of this process (the core library's and the floor's)
 * passes here; a step on a statement that is not already running starts
 * one execution. */
static uint64_t step_count;
static uint64_t commit_count;
static int (*real_step)(sqlite3_stmt *);
static bool recording;   /* the untimed pass that makes the floor (below) */
static int in_exec;      /* inside sqlite3_exec, whose own steps are its text's */
static void rec_step(sqlite3_stmt *q);

static int count_commit(void *ctx)
{
    (void)ctx;
    commit_count++;
    return 0;   /* let it commit */
}

/* (Re)sets the hook on the connection of every statement started: a
 * connection closed and another opened at the same address must count too. */
static void hook_commits(sqlite3 *db)
{
    sqlite3_commit_hook(db, count_commit, NULL);
}

int sqlite3_step(sqlite3_stmt *q)
{
    if (!real_step) {
        *(void **)&real_step = dlsym(RTLD_NEXT, "sqlite3_step");
        if (!real_step)
            abort();
    }
    if (!sqlite3_stmt_busy(q)) {
        hook_commits(sqlite3_db_handle(q));
        step_count++;
        if (recording && !in_exec)
            rec_step(q);
        if (getenv("BC_BENCH_TRACE"))
            fprintf(stderr, "step: %.60s\n", sqlite3_sql(q));
    }
    return real_step(q);
}

/* ---------------------------------------------------------------- floor */

/* The floor is billing_place's own SQL: every statement it executed, with
 * the values it bound, and every sqlite3_exec (BEGIN, COMMIT), recorded
 * while it places the same orders on a third copy of the database (an
 * untimed pass before the timed one), then replayed through the bare API
 * on the floor's copy, each distinct statement prepared once as the
 * store's cache does. The copies start identical and see the same writes
 * in the same order, so the ids billing_place bound (orders, documents)
 * are the floor's too. What the floor leaves out is billing's computing:
 * rights, quotes, VAT, the JSON, the document's renderings. */

enum val_kind { V_NULL, V_INT, V_TEXT };
struct val {
    enum val_kind kind;
    int64_t i;
    char *t;
};

#define MAX_PARAMS 40
#define BIND_SLOTS 1024
/* The values bound on each live statement, by its address. */
static struct {
    sqlite3_stmt *q;
    struct val v[MAX_PARAMS];
} binds[BIND_SLOTS];

struct entry {
    int sql;             /* index into texts, or -1: an exec of `exec` */
    char *exec;
    int nv;
    struct val *v;
};
struct rec {
    struct entry *e;
    size_t n, cap;
    size_t *job_start;   /* entries of job i: job_start[i] .. job_start[i + 1] */
};
static struct rec record;
static char **texts;
static size_t ntexts;

static size_t bind_slot(sqlite3_stmt *q)
{
    size_t h = ((uintptr_t)q >> 4) % BIND_SLOTS;
    for (size_t k = 0; k < BIND_SLOTS; k++) {
        size_t i = (h + k) % BIND_SLOTS;
        if (binds[i].q == q || !binds[i].q) {
            binds[i].q = q;
            return i;
        }
    }
    abort();   /* more live statements than BIND_SLOTS */
}

static void val_clear(struct val *v)
{
    free(v->t);
    memset(v, 0, sizeof *v);
}

static void note_bind(sqlite3_stmt *q, int i, enum val_kind kind, int64_t n, const char *t, int len)
{
    if (!recording || i < 1 || i > MAX_PARAMS)
        return;
    struct val *v = &binds[bind_slot(q)].v[i - 1];
    val_clear(v);
    v->kind = kind;
    v->i = n;
    if (kind == V_TEXT)
        v->t = len < 0 ? strdup(t) : strndup(t, (size_t)len);
}

static void forget_binds(sqlite3_stmt *q)
{
    if (!recording)
        return;
    size_t i = bind_slot(q);
    for (int k = 0; k < MAX_PARAMS; k++)
        val_clear(&binds[i].v[k]);
}

static int intern(const char *sql)
{
    for (size_t i = 0; i < ntexts; i++)
        if (strcmp(texts[i], sql) == 0)
            return (int)i;
    char **grown = realloc(texts, (ntexts + 1) * sizeof *texts);
    if (!grown || !(grown[ntexts] = strdup(sql)))
        abort();
    texts = grown;
    return (int)ntexts++;
}

static struct entry *rec_add(void)
{
    if (record.n == record.cap) {
        record.cap = record.cap ? record.cap * 2 : 4096;
        record.e = realloc(record.e, record.cap * sizeof *record.e);
        if (!record.e)
            abort();
    }
    struct entry *e = &record.e[record.n++];
    memset(e, 0, sizeof *e);
    return e;
}

static void rec_step(sqlite3_stmt *q)
{
    struct entry *e = rec_add();
    e->sql = intern(sqlite3_sql(q));
    e->nv = sqlite3_bind_parameter_count(q);
    if (e->nv > MAX_PARAMS)
        abort();
    e->v = calloc((size_t)e->nv + 1, sizeof *e->v);
    if (!e->v)
        abort();
    const struct val *b = binds[bind_slot(q)].v;
    for (int k = 0; k < e->nv; k++) {
        e->v[k] = b[k];
        if (b[k].t && !(e->v[k].t = strdup(b[k].t)))
            abort();
    }
}

#define REAL(name) static __typeof__(name) *real_##name; \
    if (!real_##name && !(*(void **)&real_##name = dlsym(RTLD_NEXT, #name))) abort()

int sqlite3_bind_int64(sqlite3_stmt *q, int i, sqlite3_int64 n)
{
    REAL(sqlite3_bind_int64);
    note_bind(q, i, V_INT, n, NULL, 0);
    return real_sqlite3_bind_int64(q, i, n);
}

int sqlite3_bind_int(sqlite3_stmt *q, int i, int n)
{
    REAL(sqlite3_bind_int);
    note_bind(q, i, V_INT, n, NULL, 0);
    return real_sqlite3_bind_int(q, i, n);
}

int sqlite3_bind_text(sqlite3_stmt *q, int i, const char *t, int len, void (*d)(void *))
{
    REAL(sqlite3_bind_text);
    note_bind(q, i, t ? V_TEXT : V_NULL, 0, t, len);
    return real_sqlite3_bind_text(q, i, t, len, d);
}

int sqlite3_bind_null(sqlite3_stmt *q, int i)
{
    REAL(sqlite3_bind_null);
    note_bind(q, i, V_NULL, 0, NULL, 0);
    return real_sqlite3_bind_null(q, i);
}

int sqlite3_clear_bindings(sqlite3_stmt *q)
{
    REAL(sqlite3_clear_bindings);
    forget_binds(q);
    return real_sqlite3_clear_bindings(q);
}

int sqlite3_finalize(sqlite3_stmt *q)
{
    REAL(sqlite3_finalize);
    if (q)
        forget_binds(q);
    return real_sqlite3_finalize(q);
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *ctx,
                 char **err)
{
    REAL(sqlite3_exec);
    if (recording && sql && !in_exec) {
        struct entry *e = rec_add();
        e->sql = -1;
        if (!(e->exec = strdup(sql)))
            abort();
    }
    in_exec++;
    int rc = real_sqlite3_exec(db, sql, cb, ctx, err);
    in_exec--;
    return rc;
}

struct floor {
    sqlite3 *db;
    sqlite3_stmt **q;   /* by text index, prepared on first use */
    size_t nq;
};

static bool floor_open(struct floor *f, const char *path)
{
    memset(f, 0, sizeof *f);
    if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        return false;
    /* The same connection settings as store_open. */
    return sqlite3_exec(f->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                               " PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000",
                        NULL, NULL, NULL) == SQLITE_OK;
}

static void floor_close(struct floor *f)
{
    for (size_t i = 0; i < f->nq; i++)
        sqlite3_finalize(f->q[i]);
    free(f->q);
    sqlite3_close(f->db);
}

/* Replays job i's entries: its statements run to completion, reading every
 * column of their rows, as the store reads what it needs. */
static bool floor_order(struct floor *f, size_t job)
{
    if (f->nq < ntexts) {
        sqlite3_stmt **grown = realloc(f->q, ntexts * sizeof *grown);
        if (!grown)
            return false;
        memset(grown + f->nq, 0, (ntexts - f->nq) * sizeof *grown);
        f->q = grown;
        f->nq = ntexts;
    }
    for (size_t k = record.job_start[job]; k < record.job_start[job + 1]; k++) {
        const struct entry *e = &record.e[k];
        if (e->sql < 0) {
            if (sqlite3_exec(f->db, e->exec, NULL, NULL, NULL) != SQLITE_OK) {
                fprintf(stderr, "bench_order: floor: %s: %s\n", e->exec, sqlite3_errmsg(f->db));
                return false;
            }
            continue;
        }
        sqlite3_stmt **q = &f->q[e->sql];
        if (!*q && sqlite3_prepare_v3(f->db, texts[e->sql], -1, SQLITE_PREPARE_PERSISTENT, q,
                                      NULL) != SQLITE_OK) {
            fprintf(stderr, "bench_order: floor: %s: %s\n", texts[e->sql], sqlite3_errmsg(f->db));
            return false;
        }
        for (int v = 0; v < e->nv; v++) {
            if (e->v[v].kind == V_INT)
                sqlite3_bind_int64(*q, v + 1, e->v[v].i);
            else if (e->v[v].kind == V_TEXT)
                sqlite3_bind_text(*q, v + 1, e->v[v].t, -1, SQLITE_STATIC);
        }
        int rc;
        while ((rc = sqlite3_step(*q)) == SQLITE_ROW)
            for (int c = 0; c < sqlite3_column_count(*q); c++)
                (void)sqlite3_column_text(*q, c);
        sqlite3_reset(*q);
        sqlite3_clear_bindings(*q);
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "bench_order: floor: %.80s: %s\n", texts[e->sql], sqlite3_errmsg(f->db));
            return false;
        }
    }
    return true;
}

static void record_free(void)
{
    for (size_t k = 0; k < record.n; k++) {
        for (int v = 0; v < record.e[k].nv; v++)
            free(record.e[k].v[v].t);
        free(record.e[k].v);
        free(record.e[k].exec);
    }
    free(record.e);
    free(record.job_start);
    memset(&record, 0, sizeof record);
    for (size_t i = 0; i < ntexts; i++)
        free(texts[i]);
    free(texts);
    texts = NULL;
    ntexts = 0;
    for (size_t i = 0; i < BIND_SLOTS; i++)
        for (int k = 0; k < MAX_PARAMS; k++)
            val_clear(&binds[i].v[k]);
}

/* ---------------------------------------------------------------- main */

#define ROW_UNPAID "orders placed per second, nothing due (one transaction), synchronous=FULL"
#define ROW_PAID "orders placed per second, paid (card charged), synchronous=FULL"

/* One side's totals. */
struct side {
    int64_t ns;
    uint64_t steps, commits;
    size_t n;
};

struct sides {
    struct side place, floor;
};

static void side_add(struct side *sd, int64_t t0, int64_t t1, uint64_t s0, uint64_t s1,
                     uint64_t c0, uint64_t c1, size_t n)
{
    sd->ns += t1 - t0;
    sd->steps += s1 - s0;
    sd->commits += c1 - c0;
    sd->n += n;
}

static double rate(const struct side *sd)
{
    return sd->ns > 0 ? (double)sd->n / ((double)sd->ns / 1e9) : 0;
}

static double per(uint64_t v, const struct side *sd)
{
    return sd->n ? (double)v / (double)sd->n : 0;
}

static bool place(struct billing *b, const struct bench_job *j, const char *key, bool paid,
                  struct billing_result *res)
{
    enum bc_status st = billing_place(b, j->account_id, &j->change, key, -1, NULL, res);
    if (st != BC_OK || res->replayed || res->order_id <= 0 || (res->due > 0) != paid) {
        fprintf(stderr, "bench_order: billing_place (account %lld): %s %s\n",
                (long long)j->account_id, bc_status_code(st), store_errmsg(b->store));
        return false;
    }
    return true;
}

/* The untimed pass: jobs base .. base + njobs - 1 placed on the recording
 * copy, each one's statements kept for the floor. */
static bool record_jobs(struct billing *r, const struct bench_job *jobs, size_t njobs, size_t base,
                        bool paid, const char *prefix, struct billing_result *res)
{
    char key[48];
    for (size_t i = 0; i < njobs; i++) {
        snprintf(key, sizeof key, "%s-%zu", prefix, i);
        record.job_start[base + i] = record.n;
        recording = true;
        bool ok = place(r, &jobs[i], key, paid, res);
        recording = false;
        if (!ok)
            return false;
    }
    record.job_start[base + njobs] = record.n;
    return true;
}

/* billing_place and the floor (its recorded statements replayed), in
 * alternating blocks of BLOCK orders. */
static bool measure(struct billing *b, struct floor *fl, const struct bench_job *jobs, size_t njobs,
                    size_t base, bool paid, const char *prefix, struct billing_result *res,
                    struct sides *out)
{
    memset(out, 0, sizeof *out);
    for (size_t start = 0; start < njobs; start += BLOCK) {
        size_t end = start + BLOCK < njobs ? start + BLOCK : njobs;
        char key[48];
        uint64_t s0 = step_count, c0 = commit_count;
        int64_t t0 = bench_now_ns();
        for (size_t i = start; i < end; i++) {
            snprintf(key, sizeof key, "%s-%zu", prefix, i);
            if (!place(b, &jobs[i], key, paid, res))
                return false;
        }
        int64_t t1 = bench_now_ns();
        uint64_t s1 = step_count, c1 = commit_count;
        for (size_t i = start; i < end; i++)
            if (!floor_order(fl, base + i))
                return false;
        int64_t t2 = bench_now_ns();
        uint64_t s2 = step_count, c2 = commit_count;
        side_add(&out->place, t0, t1, s0, s1, c0, c1, end - start);
        side_add(&out->floor, t1, t2, s1, s2, c1, c2, end - start);
    }
    return true;
}

/* The durability points SPEC §4 sets, counted: one commit for an order
 * with nothing due, three for a paid one. A structural check, not a
 * timing: the smoke run fails when billing_place commits more. */
static bool commits_as_specified(const struct sides *m, bool paid)
{
    uint64_t want = paid ? 3 : 1;
    if (m->place.commits == want * m->place.n)
        return true;
    fprintf(stderr, "bench_order: %s orders: %.2f commits per order, SPEC 4 sets %llu\n",
            paid ? "paid" : "nothing-due", per(m->place.commits, &m->place),
            (unsigned long long)want);
    return false;
}

static void report(const char *row, const struct sides *m, bool paid)
{
    double pr = rate(&m->place), fr = rate(&m->floor), ratio = fr > 0 ? pr / fr : 0;
    double target = paid ? TARGET_PAID : TARGET_UNPAID;
    char v[96], cmp[384], tgt[64];
    fprintf(stderr, "bench_order: %s: %zu orders each side; billing_place %.0f/s (%.1f commits,"
                    " %.1f statements per order), floor %.0f/s (%.1f commits, %.1f statements),"
                    " ratio %.2f\n", paid ? "paid" : "nothing due", m->place.n, pr,
            per(m->place.commits, &m->place), per(m->place.steps, &m->place), fr,
            per(m->floor.commits, &m->floor), per(m->floor.steps, &m->floor), ratio);
    snprintf(v, sizeof v, "%.0f orders/s (%.2f x floor), %.1f commits/order", pr, ratio,
             per(m->place.commits, &m->place));
    snprintf(cmp, sizeof cmp, "floor (billing_place's own statements and commits replayed through"
             " bare SQLite) %.0f orders/s, %.1f commits/order (%zu orders each, %.1f vs %.1f"
             " statements/order)", fr, per(m->floor.commits, &m->floor), m->place.n,
             per(m->place.steps, &m->place), per(m->floor.steps, &m->floor));
    snprintf(tgt, sizeof tgt, ">= %.1f x floor%s", target,
             paid ? " (same 3 commits, SPEC 4)" : "");
    bench_row(row, v, tgt, cmp, bench_met(ratio >= target));
}

static void fail_row(const char *why)
{
    fprintf(stderr, "bench_order: %s\n", why);
    bench_row(ROW_UNPAID, "ERROR", ">= 0.7 x floor", "-", "no");
    bench_row(ROW_PAID, "ERROR", ">= 0.9 x floor (same 3 commits, SPEC 4)", "-", "no");
}

/* A store on `path` with its own test processor, placing as operator. */
static bool billing_on(const char *path, struct catalog *c, bc_day today, struct store **s,
                       struct payment_processor **proc, struct billing *b)
{
    if (store_open(path, STORE_OPEN_EXISTING, s) != BC_OK)
        return false;
    *proc = payment_test_create(*s);
    *b = (struct billing){.store = *s, .catalog = c, .processor = *proc, .today = today};
    b->actor.kind = BILLING_ACTOR_OPERATOR;
    b->actor.op_role = STORE_OP_ADMIN;
    snprintf(b->actor.name, sizeof b->actor.name, "bench");
    snprintf(b->actor.origin, sizeof b->actor.origin, "local");
    return *proc != NULL;
}

int main(void)
{
    int64_t naccounts = bench_env_long("BC_BENCH_ORDER_ACCOUNTS", 3000);
    size_t max_orders = (size_t)bench_env_long("BC_BENCH_ORDERS", 1000);
    if (naccounts < 20)
        naccounts = 20;
    char dir[] = "/tmp/bc-bench-order-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char a_path[256], b_path[256], r_path[256], err[512];
    snprintf(a_path, sizeof a_path, "%s/place.db", dir);
    snprintf(b_path, sizeof b_path, "%s/floor.db", dir);
    snprintf(r_path, sizeof r_path, "%s/record.db", dir);
    int code = 1;
    struct store *s = NULL, *rs = NULL;
    struct catalog *c = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    struct payment_processor *proc = NULL, *rproc = NULL;
    size_t cap = max_orders ? max_orders : 1;
    struct bench_job *paid_jobs = calloc(cap, sizeof *paid_jobs);
    struct bench_job *free_jobs = calloc(cap, sizeof *free_jobs);
    bool *used = calloc((size_t)naccounts + 1, sizeof *used);
    struct billing_result *res = malloc(sizeof *res);
    struct floor fl = {0};
    size_t npaid = 0, nfree = 0;
    bc_day today = date_from_civil(2026, 11, 25);
    if (!c || !paid_jobs || !free_jobs || !used || !res) {
        fail_row(c ? "out of memory" : err);
        goto out;
    }
    /* Database A (billing_place, timed), R (billing_place, recorded for
     * the floor) and B (the floor): identical copies. */
    if (store_open(a_path, STORE_OPEN_CREATE, &s) != BC_OK ||
        demo_generate(s, c, today, naccounts, NULL, NULL) != BC_OK) {
        fail_row(s ? store_errmsg(s) : "cannot create the database");
        goto out;
    }
    store_close(s);
    s = NULL;
    struct billing b, r;
    if (!bench_copy_file(a_path, b_path) || !bench_copy_file(a_path, r_path) ||
        !billing_on(a_path, c, today, &s, &proc, &b) ||
        !billing_on(r_path, c, today, &rs, &rproc, &r)) {
        fail_row("cannot copy or reopen the database");
        goto out;
    }
    nfree = bench_collect_jobs(&b, naccounts, false, used, free_jobs, max_orders);
    npaid = bench_collect_jobs(&b, naccounts, true, used, paid_jobs, max_orders);
    record.job_start = calloc(nfree + npaid + 2, sizeof *record.job_start);
    if (nfree < 2 || npaid < 2 || !record.job_start || !floor_open(&fl, b_path)) {
        fail_row(nfree < 2 || npaid < 2 ? "too few orders to place" : "cannot open the floor database");
        goto out;
    }
    if (!record_jobs(&r, free_jobs, nfree, 0, false, "free", res) ||
        !record_jobs(&r, paid_jobs, npaid, nfree + 1, true, "paid", res)) {
        fail_row("an order failed in the recording pass");
        goto out;
    }
    struct sides unpaid, paid;
    if (!measure(&b, &fl, free_jobs, nfree, 0, false, "free", res, &unpaid)) {
        fail_row("an order with nothing due failed");
        goto out;
    }
    if (!measure(&b, &fl, paid_jobs, npaid, nfree + 1, true, "paid", res, &paid)) {
        fail_row("a paid order failed");
        goto out;
    }
    report(ROW_UNPAID, &unpaid, false);
    report(ROW_PAID, &paid, true);
    code = commits_as_specified(&unpaid, false) && commits_as_specified(&paid, true) ? 0 : 1;
out:
    if (fl.db)
        floor_close(&fl);
    free(paid_jobs);
    free(free_jobs);
    free(used);
    free(res);
    payment_destroy(proc);
    payment_destroy(rproc);
    store_close(s);
    store_close(rs);
    catalog_destroy(c);
    record_free();
    bench_rm_tree(dir);
    return code;
}
