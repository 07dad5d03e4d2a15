/* bench_history.c — the store's reads of append-only history at a million
 * rows: `billcenter audit --account` (store_audit_each for one account)
 * against the same indexed query through bare SQLite, and `billcenter
 * reconcile` with nothing open (store_pending_each) over settled checkouts,
 * one per paid order, which are kept. Both must cost what they answer, not
 * the history: the audit read <= 2x its floor, reconcile <= 5 ms.
 *
 * Usage: bench_history. BC_BENCH_HISTORY_ROWS (default 1000000) audit rows
 * and settled checkouts, written once into a temporary database;
 * BC_BENCH_HISTORY_RUNS (default 21) timed calls of each, the minimum wall
 * time reported (a busy machine only adds to it). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "store.h"
#include "store_test.h"

#define ACCOUNTS 10000     /* audit rows spread over this many account ids */
#define ACCOUNT 77
#define AUDIT_RATIO 2.0
#define RECONCILE_MS 5.0

static bool count_audit(void *ctx, const struct store_audit_entry *e)
{
    (void)e;
    (*(long *)ctx)++;
    return true;
}

static bool count_pending(void *ctx, const char *key, int64_t account_id, int64_t amount,
                          const char *currency, const char *request)
{
    (void)key, (void)account_id, (void)amount, (void)currency, (void)request;
    (*(long *)ctx)++;
    return true;
}

/* The floor: the indexed query of one account's entries, every column read. */
static long floor_audit(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    long n = 0;
    if (sqlite3_prepare_v2(db, "SELECT id, at, actor, origin, account_id, action, before_json,"
                               " after_json, result FROM audit WHERE account_id = ?1 ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int(q, 1, ACCOUNT);
    while (sqlite3_step(q) == SQLITE_ROW) {
        for (int c = 0; c < 9; c++)
            (void)sqlite3_column_text(q, c);
        n++;
    }
    sqlite3_finalize(q);
    return n;
}

static double min_of(const double *v, long n)
{
    double m = v[0];
    for (long i = 1; i < n; i++)
        m = v[i] < m ? v[i] : m;
    return m;
}

int main(void)
{
    long rows = bench_env_long("BC_BENCH_HISTORY_ROWS", 1000000);
    long runs = bench_env_long("BC_BENCH_HISTORY_RUNS", 21);
    if (rows < ACCOUNTS)
        rows = ACCOUNTS;
    if (runs < 1)
        runs = 1;
    char grouped[32];
    bench_grouped(grouped, sizeof grouped, (double)rows);
    char audit_fig[160], pend_fig[160];
    snprintf(audit_fig, sizeof audit_fig,
             "audit --account at %s audit rows (store_audit_each, min wall)", grouped);
    snprintf(pend_fig, sizeof pend_fig,
             "reconcile with %s settled checkouts, none open (store_pending_each, min wall)", grouped);

    char dir[] = "/tmp/bc-bench-history-XXXXXX", path[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/history.db", dir);
    struct store *s = NULL;
    sqlite3 *db = NULL;
    bool ok = store_open(path, STORE_OPEN_CREATE, &s) == BC_OK;
    struct store_account a = { .name = "Bench", .kind = STORE_ACCOUNT_STANDARD, .currency = "EUR",
                               .country = "IT" };
    ok = ok && store_account_insert(s, &a) == BC_OK;
    char *fill = sqlite3_mprintf(
        "BEGIN;"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %ld)"
        " INSERT INTO audit(at, actor, origin, account_id, action, before_json, after_json, result)"
        " SELECT 1795000000 + i, 'contact:1 anna@example.it', 'kiosk', 1 + i %% %d, 'order.place',"
        " '{\"plan\":\"professional\"}', '{\"plan\":\"business\"}', 'ok' FROM n;"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %ld)"
        " INSERT INTO pending_checkouts(key, account_id, amount_minor, currency, request, outcome, at)"
        " SELECT 'order-key-' || i, %lld, 1440, 'EUR', '{\"account\":1,\"items\":[1]}', 'completed',"
        " 1795000000 + i FROM n;"
        "COMMIT;", rows, ACCOUNTS, rows, (long long)a.id);
    int64_t t0 = bench_now_ns();
    ok = ok && fill && store_exec_for_test(s, fill) == BC_OK;
    fprintf(stderr, "bench_history: %ld audit rows and settled checkouts written in %.1f s\n", rows,
            (double)(bench_now_ns() - t0) / 1e9);
    sqlite3_free(fill);
    ok = ok && sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK;

    double *store_ms = calloc((size_t)runs, sizeof *store_ms);
    double *floor_ms = calloc((size_t)runs, sizeof *floor_ms);
    double *pend_ms = calloc((size_t)runs, sizeof *pend_ms);
    long got = 0, want = 0, open = 0;
    ok = ok && store_ms && floor_ms && pend_ms;
    for (long r = 0; ok && r < runs; r++) {
        long n = 0;
        int64_t t1 = bench_now_ns();
        ok = store_audit_each(s, ACCOUNT, 0, count_audit, &n) == BC_OK;
        int64_t t2 = bench_now_ns();
        want = floor_audit(db);
        int64_t t3 = bench_now_ns();
        long p = 0;
        ok = ok && store_pending_each(s, count_pending, &p) == BC_OK;
        int64_t t4 = bench_now_ns();
        got = n;
        open = p;
        store_ms[r] = (double)(t2 - t1) / 1e6;
        floor_ms[r] = (double)(t3 - t2) / 1e6;
        pend_ms[r] = (double)(t4 - t3) / 1e6;
    }
    ok = ok && got == rows / ACCOUNTS && want == got && open == 0;
    if (!ok) {
        fprintf(stderr, "bench_history: failed (%s); %ld entries, floor %ld, %ld open\n",
                s ? store_errmsg(s) : "no store", got, want, open);
        bench_row(audit_fig, "ERROR", "<= 2x the indexed query", "-", "no");
        bench_row(pend_fig, "ERROR", "<= 5 ms", "-", "no");
    } else {
        double sm = min_of(store_ms, runs), fm = min_of(floor_ms, runs), pm = min_of(pend_ms, runs);
        char m[128], cmp[160];
        snprintf(m, sizeof m, "%.3f ms (%ld entries; %ld calls)", sm, got, runs);
        snprintf(cmp, sizeof cmp, "bare SQLite, WHERE account_id = ? through audit_account: %.3f ms (%.2fx)",
                 fm, fm > 0 ? sm / fm : 0.0);
        bench_row(audit_fig, m, "<= 2x the indexed query", cmp, bench_met(sm <= AUDIT_RATIO * fm));
        snprintf(m, sizeof m, "%.3f ms (%ld calls)", pm, runs);
        bench_row(pend_fig, m, "<= 5 ms", "-", bench_met(pm <= RECONCILE_MS));
    }
    free(store_ms);
    free(floor_ms);
    free(pend_ms);
    sqlite3_close(db);
    store_close(s);
    char side[80];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    rmdir(dir);
    return ok ? 0 : 1;
}
