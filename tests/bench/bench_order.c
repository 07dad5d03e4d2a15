/* bench_order.c — orders placed per second by one process with
 * synchronous=FULL, through billing_place on a temporary demo database,
 * against a floor: the same SQL statements of one order, in ONE
 * transaction, through the bare SQLite API in a loop (the SQL is written
 * here; benchmark code is test code). Both run on identical copies of the
 * database, in alternating blocks so that disk and CPU noise hit both. A
 * third copy runs the floor's statements in billing_place's own four
 * transactions (pending checkout, the test processor's record, the order,
 * the outcome), which tells billing's own cost from its commits'.
 *
 * Every order raises the seats of one active subscription of a standard
 * account with a card on file (one order per account, so the balance each
 * order sees is the one it was quoted with). The step counter below counts
 * statement executions on both sides: the floor must run as many as
 * billing_place does, or the comparison is not like for like.
 *
 * BC_BENCH_ORDER_ACCOUNTS (default 3000) sizes the demo database;
 * BC_BENCH_ORDERS (default 1000) caps the orders of each side;
 * BC_BENCH_TRACE=1 prints every statement as it starts. */
#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "billing.h"
#include "catalog.h"
#include "demo.h"
#include "payment.h"
#include "store.h"

#define BLOCK 25
#define TARGET_RATIO 0.7

/* ---------------------------------------------------------------- counting */

/* Every sqlite3_step of this process (the core library's and the floor's)
 * passes here; a step on a statement that is not already running starts
 * one execution. */
static uint64_t step_count;
static int (*real_step)(sqlite3_stmt *);

int sqlite3_step(sqlite3_stmt *q)
{
    if (!real_step) {
        *(void **)&real_step = dlsym(RTLD_NEXT, "sqlite3_step");
        if (!real_step)
            abort();
    }
    if (!sqlite3_stmt_busy(q)) {
        step_count++;
        if (getenv("BC_BENCH_TRACE"))
            fprintf(stderr, "step: %.60s\n", sqlite3_sql(q));
    }
    return real_step(q);
}

/* ---------------------------------------------------------------- setup */

struct job {
    int64_t account_id;
    struct billing_change change;
    struct store_subscription sub;   /* as quoted */
    struct billing_quote quote;
    int64_t balance;
    int64_t contact_id;              /* the billing contact */
    int64_t price;                   /* new per-seat price */
};

static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    bool ok = in && out;
    char buf[1 << 16];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    return ok;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

/* Collects up to max orders that billing_place will accept with a charge. */
static size_t collect_jobs(struct billing *b, int64_t naccounts, struct job *jobs, size_t max)
{
    size_t n = 0;
    int y, m, d;
    date_to_civil(b->today, &y, &m, &d);
    for (int64_t id = 11; id <= naccounts && n < max; id++) {
        struct store_account a = {0};
        if (store_account_get(b->store, id, &a) != BC_OK)
            continue;
        bool standard = a.kind == STORE_ACCOUNT_STANDARD;
        int64_t balance = a.balance, contact_id = a.billing_contact_id;
        store_account_clear(&a);
        struct store_card card;
        if (!standard || store_card_get(b->store, id, &card) != BC_OK ||
            !card_expiry_ok(card.exp_month, card.exp_year, y, m))
            continue;
        struct store_subscription_list subs = {0};
        if (store_subscriptions(b->store, id, &subs) != BC_OK)
            continue;
        for (size_t i = 0; i < subs.n; i++) {
            struct store_subscription *x = &subs.items[i];
            if (x->status != STORE_SUB_ACTIVE)
                continue;
            struct job *j = &jobs[n];
            memset(j, 0, sizeof *j);
            j->account_id = id;
            j->balance = balance;
            j->contact_id = contact_id;
            j->change.subscription_id = x->id;
            snprintf(j->change.product, sizeof j->change.product, "%s", x->product);
            snprintf(j->change.to_plan, sizeof j->change.to_plan, "%s", x->plan);
            j->change.to_seats = x->seats + 1;
            j->change.to_period = x->period;
            if (billing_quote_change(b, id, &j->change, &j->quote) != BC_OK ||
                j->quote.refusal != BC_OK || j->quote.totals.due <= 0 || j->quote.n != 1)
                continue;
            const struct catalog_product *p = catalog_product(b->catalog, x->product);
            const struct catalog_plan *plan = p ? catalog_plan(p, x->plan) : NULL;
            if (!plan || !catalog_price(b->catalog, plan, j->quote.currency, x->period, &j->price))
                continue;
            j->sub = *x;
            memset(x, 0, sizeof *x);   /* j->sub owns the strings now */
            n++;
            break;
        }
        store_subscription_list_clear(&subs);
    }
    return n;
}

/* ---------------------------------------------------------------- floor */

enum {
    F_ACCOUNT, F_CONTACT, F_ORDER_BY_KEY, F_SUB, F_CARD, F_CHARGE_GET, F_PENDING_PUT,
    F_CHARGE_PUT, F_BEGIN, F_BALANCE, F_SUB_STATE, F_ORDER, F_LINE, F_LEDGER, F_SUB_UPDATE,
    F_HISTORY, F_CART, F_BALANCE_SET, F_AUDIT, F_COMMIT, F_PENDING_DONE, F_COUNT
};

static const char *const floor_sql[F_COUNT] = {
    [F_ACCOUNT] = "SELECT id, name, kind, currency, country, vat_number, balance_minor,"
                  " coalesce(billing_contact_id, 0), balance_version FROM accounts WHERE id = ?1",
    [F_CONTACT] = "SELECT id, account_id, name, email, role, pin_hash, failed_attempts, locked_until"
                  " FROM contacts WHERE id = ?1",
    [F_ORDER_BY_KEY] = "SELECT id, account_id, idempotency_key, currency, day, created_at,"
                       " subtotal_minor, tax_minor, total_minor, balance_applied_minor, due_minor,"
                       " balance_after_minor, actor, payment_ref FROM orders WHERE idempotency_key = ?1",
    [F_SUB] = "SELECT id, account_id, product, plan, seats, (SELECT count(*) FROM seat_assignments a"
              " WHERE a.subscription_id = subscriptions.id), period, status, period_start,"
              " period_end, item_start, anchor_day, billed_minor, credited_minor, price_minor,"
              " version FROM subscriptions WHERE id = ?1",
    [F_CARD] = "SELECT id, brand, last4, exp_month, exp_year FROM payment_methods WHERE account_id = ?1",
    [F_CHARGE_GET] = "SELECT state, amount_minor, reference FROM test_charges WHERE key = ?1",
    [F_PENDING_PUT] = "INSERT INTO pending_checkouts(key, account_id, amount_minor, currency, request,"
                      " outcome, at) VALUES(?1, ?2, ?3, ?4, ?5, NULL, ?6) ON CONFLICT(key) DO UPDATE SET"
                      " account_id = excluded.account_id, amount_minor = excluded.amount_minor,"
                      " currency = excluded.currency, request = excluded.request, outcome = NULL,"
                      " at = excluded.at",
    [F_CHARGE_PUT] = "INSERT INTO test_charges(key, state, amount_minor, currency, reference)"
                     " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO UPDATE SET state = excluded.state,"
                     " amount_minor = excluded.amount_minor, currency = excluded.currency,"
                     " reference = excluded.reference",
    [F_BEGIN] = "BEGIN IMMEDIATE",
    [F_BALANCE] = "SELECT balance_minor FROM accounts WHERE id = ?1",
    [F_SUB_STATE] = "SELECT version, seats, (SELECT count(*) FROM seat_assignments a"
                    " WHERE a.subscription_id = subscriptions.id), account_id FROM subscriptions"
                    " WHERE id = ?1",
    [F_ORDER] = "INSERT INTO orders(account_id, idempotency_key, currency, day, created_at,"
                " subtotal_minor, tax_minor, total_minor, balance_applied_minor, due_minor,"
                " balance_after_minor, actor, payment_ref)"
                " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [F_LINE] = "INSERT INTO order_lines(order_id, subscription_id, product, plan_from, plan_to,"
               " seats_from, seats_to, period_from, period_to, kind, amount_minor, from_day, to_day,"
               " reverse_charge) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    [F_LEDGER] = "INSERT INTO ledger(account_id, order_id, kind, amount_minor, balance_after, at)"
                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [F_SUB_UPDATE] = "UPDATE subscriptions SET plan = ?3, seats = ?4, period = ?5, period_start = ?6,"
                     " period_end = ?7, item_start = ?8, anchor_day = ?9, billed_minor = ?10,"
                     " price_minor = ?11, credited_minor = 0, status = 'active', version = version + 1"
                     " WHERE id = ?1 AND version = ?2",
    [F_HISTORY] = "INSERT INTO subscription_history(subscription_id, version, plan, seats, period,"
                  " period_start, period_end, item_start, billed_minor, price_minor, order_id)"
                  " SELECT id, version, plan, seats, period, period_start, period_end, item_start,"
                  " billed_minor, price_minor, ?2 FROM subscriptions WHERE id = ?1",
    [F_CART] = "DELETE FROM cart_items WHERE subscription_id = ?1",
    [F_BALANCE_SET] = "UPDATE accounts SET balance_minor = ?2, balance_version = balance_version + 1"
                      " WHERE id = ?1",
    [F_AUDIT] = "INSERT INTO audit(at, actor, origin, account_id, action, before_json, after_json,"
                " result) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [F_COMMIT] = "COMMIT",
    [F_PENDING_DONE] = "UPDATE pending_checkouts SET outcome = ?2 WHERE key = ?1",
};

struct floor {
    sqlite3 *db;
    sqlite3_stmt *q[F_COUNT];
};

static bool floor_open(struct floor *f, const char *path)
{
    memset(f, 0, sizeof *f);
    if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        return false;
    /* The same connection settings as store_open. */
    if (sqlite3_exec(f->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                            " PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000",
                     NULL, NULL, NULL) != SQLITE_OK)
        return false;
    for (int i = 0; i < F_COUNT; i++)
        if (sqlite3_prepare_v3(f->db, floor_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &f->q[i], NULL) !=
            SQLITE_OK) {
            fprintf(stderr, "bench_order: floor statement %d: %s\n", i, sqlite3_errmsg(f->db));
            return false;
        }
    return true;
}

static void floor_close(struct floor *f)
{
    for (int i = 0; i < F_COUNT; i++)
        sqlite3_finalize(f->q[i]);
    sqlite3_close(f->db);
}

/* Runs one statement to completion (reading its rows, as the store does). */
static bool run(struct floor *f, int which)
{
    sqlite3_stmt *q = f->q[which];
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count(q); c++)
            (void)sqlite3_column_text(q, c);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE)
        fprintf(stderr, "bench_order: floor statement %d: %s\n", which, sqlite3_errmsg(f->db));
    return rc == SQLITE_DONE;
}

static void bind_text(sqlite3_stmt *q, int i, const char *t)
{
    sqlite3_bind_text(q, i, t, -1, SQLITE_TRANSIENT);
}

static const char *line_kind(enum quote_line_kind k)
{
    return k == QUOTE_LINE_CREDIT ? "credit" : k == QUOTE_LINE_CHARGE ? "charge" : "tax";
}

/* One order's statements, in billing_place's order, in one transaction; or,
 * with split, in billing_place's own transactions (the pending checkout, the
 * test processor's record and the outcome each committed alone): the same
 * commits without any of billing's own work. */
static bool floor_order(struct floor *f, const struct job *j, const char *key, const char *actor,
                        bc_day today, bool split)
{
    const struct billing_quote *bq = &j->quote;
    const struct quote_item *it = &bq->items[0];
    const struct store_subscription *x = &j->sub;
    const char *period = bc_period_name(x->period);
    int64_t now = (int64_t)time(NULL);
    int64_t applied = bq->totals.balance_applied;
    char ref[64], request[768], before[256], after[512];
    snprintf(ref, sizeof ref, "test_%016llx", (unsigned long long)now * 2654435761u);
    snprintf(request, sizeof request,
             "{\"actor\":\"%s\",\"actor_kind\":\"operator\",\"balance_minor\":%lld,\"changes\":"
             "[{\"period\":\"%s\",\"plan\":\"%s\",\"product\":\"%s\",\"seats\":%d,"
             "\"subscription_id\":%lld,\"version\":%lld}],\"contact_id\":0,\"country\":null,"
             "\"currency\":\"%s\",\"day\":\"2026-11-25\",\"due_minor\":%lld,\"origin\":\"local\","
             "\"total_minor\":%lld,\"vat_number\":null}",
             actor, (long long)j->balance, period, x->plan, x->product, j->change.to_seats,
             (long long)x->id, (long long)x->version, bq->currency, (long long)bq->totals.due,
             (long long)bq->totals.total);
    snprintf(before, sizeof before,
             "{\"balance_minor\":%lld,\"subscriptions\":[{\"period\":\"%s\",\"plan\":\"%s\","
             "\"product\":\"%s\",\"seats\":%d,\"subscription_id\":%lld,\"version\":%lld}]}",
             (long long)j->balance, period, x->plan, x->product, x->seats, (long long)x->id,
             (long long)x->version);
    snprintf(after, sizeof after,
             "{\"balance_after_minor\":%lld,\"changes\":[{\"period\":\"%s\",\"plan\":\"%s\","
             "\"product\":\"%s\",\"seats\":%d,\"subscription_id\":%lld,\"version\":%lld}],"
             "\"currency\":\"%s\",\"due_minor\":%lld,\"key\":\"%s\",\"total_minor\":%lld}",
             (long long)bq->totals.balance_after, period, x->plan, x->product, j->change.to_seats,
             (long long)x->id, (long long)x->version, bq->currency, (long long)bq->totals.due, key,
             (long long)bq->totals.total);

    bool ok = true;
#define Q(w) (f->q[(w)])
    ok = ok && (split || run(f, F_BEGIN));
    /* Reads: rights, the key, the subscription, the card, the charge. */
    sqlite3_bind_int64(Q(F_ACCOUNT), 1, j->account_id);
    ok = ok && run(f, F_ACCOUNT);
    sqlite3_bind_int64(Q(F_CONTACT), 1, j->contact_id);
    ok = ok && run(f, F_CONTACT);
    bind_text(Q(F_ORDER_BY_KEY), 1, key);
    ok = ok && run(f, F_ORDER_BY_KEY);
    sqlite3_bind_int64(Q(F_SUB), 1, x->id);
    ok = ok && run(f, F_SUB);
    sqlite3_bind_int64(Q(F_CARD), 1, j->account_id);
    ok = ok && run(f, F_CARD);
    bind_text(Q(F_CHARGE_GET), 1, key);
    ok = ok && run(f, F_CHARGE_GET);
    /* The pending checkout and the test processor's record. */
    sqlite3_stmt *q = Q(F_PENDING_PUT);
    bind_text(q, 1, key);
    sqlite3_bind_int64(q, 2, j->account_id);
    sqlite3_bind_int64(q, 3, bq->totals.due);
    bind_text(q, 4, bq->currency);
    bind_text(q, 5, request);
    sqlite3_bind_int64(q, 6, now);
    ok = ok && run(f, F_PENDING_PUT);
    bind_text(Q(F_CHARGE_GET), 1, key);
    ok = ok && run(f, F_CHARGE_GET);
    q = Q(F_CHARGE_PUT);
    bind_text(q, 1, key);
    bind_text(q, 2, "approved");
    sqlite3_bind_int64(q, 3, bq->totals.due);
    bind_text(q, 4, bq->currency);
    bind_text(q, 5, ref);
    ok = ok && run(f, F_CHARGE_PUT);
    sqlite3_bind_int64(Q(F_SUB), 1, x->id);
    ok = ok && run(f, F_SUB);
    /* The order itself. */
    ok = ok && (!split || run(f, F_BEGIN));
    bind_text(Q(F_ORDER_BY_KEY), 1, key);
    ok = ok && run(f, F_ORDER_BY_KEY);
    sqlite3_bind_int64(Q(F_BALANCE), 1, j->account_id);
    ok = ok && run(f, F_BALANCE);
    sqlite3_bind_int64(Q(F_SUB_STATE), 1, x->id);
    ok = ok && run(f, F_SUB_STATE);
    q = Q(F_ORDER);
    sqlite3_bind_int64(q, 1, j->account_id);
    bind_text(q, 2, key);
    bind_text(q, 3, bq->currency);
    sqlite3_bind_int64(q, 4, today);
    sqlite3_bind_int64(q, 5, now);
    sqlite3_bind_int64(q, 6, bq->totals.subtotal);
    sqlite3_bind_int64(q, 7, bq->totals.tax);
    sqlite3_bind_int64(q, 8, bq->totals.total);
    sqlite3_bind_int64(q, 9, applied);
    sqlite3_bind_int64(q, 10, bq->totals.due);
    sqlite3_bind_int64(q, 11, bq->totals.balance_after);
    bind_text(q, 12, actor);
    bind_text(q, 13, ref);
    ok = ok && run(f, F_ORDER);
    int64_t order_id = sqlite3_last_insert_rowid(f->db);
    for (size_t i = 0; ok && i < it->nlines; i++) {
        q = Q(F_LINE);
        sqlite3_bind_int64(q, 1, order_id);
        sqlite3_bind_int64(q, 2, x->id);
        bind_text(q, 3, x->product);
        bind_text(q, 4, x->plan);
        bind_text(q, 5, j->change.to_plan);
        sqlite3_bind_int(q, 6, x->seats);
        sqlite3_bind_int(q, 7, j->change.to_seats);
        bind_text(q, 8, period);
        bind_text(q, 9, bc_period_name(j->change.to_period));
        bind_text(q, 10, line_kind(it->lines[i].kind));
        sqlite3_bind_int64(q, 11, it->lines[i].amount);
        sqlite3_bind_int64(q, 12, it->lines[i].from);
        sqlite3_bind_int64(q, 13, it->lines[i].to);
        sqlite3_bind_int(q, 14, it->lines[i].reverse_charge);
        ok = run(f, F_LINE);
    }
    if (applied > 0) {
        q = Q(F_LEDGER);
        sqlite3_bind_int64(q, 1, j->account_id);
        sqlite3_bind_int64(q, 2, order_id);
        bind_text(q, 3, "balance_applied");
        sqlite3_bind_int64(q, 4, -applied);
        sqlite3_bind_int64(q, 5, j->balance - applied);
        sqlite3_bind_int64(q, 6, now);
        ok = ok && run(f, F_LEDGER);
    }
    q = Q(F_SUB_UPDATE);
    sqlite3_bind_int64(q, 1, x->id);
    sqlite3_bind_int64(q, 2, x->version);
    bind_text(q, 3, j->change.to_plan);
    sqlite3_bind_int(q, 4, j->change.to_seats);
    bind_text(q, 5, bc_period_name(j->change.to_period));
    sqlite3_bind_int64(q, 6, it->period_start);
    sqlite3_bind_int64(q, 7, it->period_end);
    sqlite3_bind_int64(q, 8, it->item_start);
    sqlite3_bind_int(q, 9, it->anchor_day);
    sqlite3_bind_int64(q, 10, it->charge);
    sqlite3_bind_int64(q, 11, j->price);
    ok = ok && run(f, F_SUB_UPDATE);
    sqlite3_bind_int64(Q(F_HISTORY), 1, x->id);
    sqlite3_bind_int64(Q(F_HISTORY), 2, order_id);
    ok = ok && run(f, F_HISTORY);
    sqlite3_bind_int64(Q(F_CART), 1, x->id);
    ok = ok && run(f, F_CART);
    if (applied > 0) {
        sqlite3_bind_int64(Q(F_BALANCE_SET), 1, j->account_id);
        sqlite3_bind_int64(Q(F_BALANCE_SET), 2, j->balance - applied);
        ok = ok && run(f, F_BALANCE_SET);
    }
    q = Q(F_AUDIT);
    sqlite3_bind_int64(q, 1, now);
    bind_text(q, 2, actor);
    bind_text(q, 3, "local");
    sqlite3_bind_int64(q, 4, j->account_id);
    bind_text(q, 5, "order.place");
    bind_text(q, 6, before);
    bind_text(q, 7, after);
    bind_text(q, 8, "ok");
    ok = ok && run(f, F_AUDIT);
    if (split)
        ok = ok && run(f, F_COMMIT);
    bind_text(Q(F_PENDING_DONE), 1, key);
    bind_text(Q(F_PENDING_DONE), 2, "ordered");
    ok = ok && run(f, F_PENDING_DONE);
    if (!split)
        ok = ok && run(f, F_COMMIT);
#undef Q
    if (!ok && !sqlite3_get_autocommit(f->db))
        sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

/* ---------------------------------------------------------------- main */

static void fail_row(const char *why)
{
    fprintf(stderr, "bench_order: %s\n", why);
    bench_row("orders placed per second, one process, synchronous=FULL", "ERROR", ">= 0.7 x floor",
              "-", "no");
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
    char a_path[256], b_path[256], c_path[256], err[512];
    snprintf(a_path, sizeof a_path, "%s/place.db", dir);
    snprintf(b_path, sizeof b_path, "%s/floor.db", dir);
    snprintf(c_path, sizeof c_path, "%s/split.db", dir);
    int code = 1;
    struct store *s = NULL;
    struct catalog *c = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    struct payment_processor *proc = NULL;
    struct job *jobs = calloc(max_orders ? max_orders : 1, sizeof *jobs);
    struct billing_result *res = malloc(sizeof *res);
    struct floor fl = {0}, sp = {0};
    size_t njobs = 0;
    bc_day today = date_from_civil(2026, 11, 25);
    if (!c || !jobs || !res) {
        fail_row(c ? "out of memory" : err);
        goto out;
    }
    /* Database A (billing_place) and its identical copy B (the floor). */
    if (store_open(a_path, STORE_OPEN_CREATE, &s) != BC_OK ||
        demo_generate(s, c, today, naccounts, NULL, NULL) != BC_OK) {
        fail_row(s ? store_errmsg(s) : "cannot create the database");
        goto out;
    }
    store_close(s);
    s = NULL;
    if (!copy_file(a_path, b_path) || !copy_file(a_path, c_path) || store_open(a_path, STORE_OPEN_EXISTING, &s) != BC_OK) {
        fail_row("cannot copy or reopen the database");
        goto out;
    }
    proc = payment_test_create(s);
    struct billing b = {.store = s, .catalog = c, .processor = proc, .today = today};
    b.actor.kind = BILLING_ACTOR_OPERATOR;
    b.actor.op_role = STORE_OP_ADMIN;
    snprintf(b.actor.name, sizeof b.actor.name, "bench");
    snprintf(b.actor.origin, sizeof b.actor.origin, "local");
    njobs = collect_jobs(&b, naccounts, jobs, max_orders);
    if (njobs < 2 || !floor_open(&fl, b_path) || !floor_open(&sp, c_path)) {
        fail_row(njobs < 2 ? "too few orders to place" : "cannot open the floor database");
        goto out;
    }

    int64_t t_place = 0, t_floor = 0, t_split = 0;
    uint64_t steps_place = 0, steps_floor = 0;
    size_t placed = 0, floored = 0;
    for (size_t start = 0; start < njobs; start += BLOCK) {
        size_t end = start + BLOCK < njobs ? start + BLOCK : njobs;
        uint64_t s0 = step_count;
        int64_t t0 = bench_now_ns();
        for (size_t i = start; i < end; i++) {
            char key[48];
            snprintf(key, sizeof key, "bench-%zu", i);
            enum bc_status st = billing_place(&b, jobs[i].account_id, &jobs[i].change, key, -1, NULL, res);
            if (st != BC_OK || res->replayed || res->order_id <= 0) {
                fprintf(stderr, "bench_order: billing_place (account %lld): %s %s\n",
                        (long long)jobs[i].account_id, bc_status_code(st), store_errmsg(s));
                fail_row("billing_place failed");
                goto out;
            }
            placed++;
        }
        int64_t t1 = bench_now_ns();
        uint64_t s1 = step_count;
        for (size_t i = start; i < end; i++) {
            char key[48];
            snprintf(key, sizeof key, "bench-%zu", i);
            if (!floor_order(&fl, &jobs[i], key, "bench", today, false)) {
                fail_row("floor order failed");
                goto out;
            }
            floored++;
        }
        int64_t t2 = bench_now_ns();
        uint64_t s2 = step_count;
        for (size_t i = start; i < end; i++) {
            char key[48];
            snprintf(key, sizeof key, "bench-%zu", i);
            if (!floor_order(&sp, &jobs[i], key, "bench", today, true)) {
                fail_row("split floor order failed");
                goto out;
            }
        }
        int64_t t3 = bench_now_ns();
        t_place += t1 - t0;
        t_floor += t2 - t1;
        t_split += t3 - t2;
        steps_place += s1 - s0;
        steps_floor += s2 - s1;
    }
    double place_rate = (double)placed / ((double)t_place / 1e9);
    double floor_rate = (double)floored / ((double)t_floor / 1e9);
    double split_rate = (double)floored / ((double)t_split / 1e9);
    double ratio = place_rate / floor_rate;
    double spl = (double)steps_place / (double)placed, sfl = (double)steps_floor / (double)floored;
    fprintf(stderr, "bench_order: %zu orders each side; billing_place %.0f/s, floor %.0f/s, "
                    "ratio %.2f; statements per order: billing_place %.1f, floor %.1f; the same "
                    "statements in billing_place's 4 transactions: %.0f/s\n",
            placed, place_rate, floor_rate, ratio, spl, sfl, split_rate);
    char m[96], cmp[256];
    snprintf(m, sizeof m, "%.0f orders/s (%.2f x floor)", place_rate, ratio);
    snprintf(cmp, sizeof cmp, "floor %.0f orders/s (%zu orders each, %.1f vs %.1f statements/order); "
             "same SQL in billing_place's 4 commits: %.0f/s", floor_rate, placed, spl, sfl, split_rate);
    bench_row("orders placed per second, one process, synchronous=FULL", m, ">= 0.7 x floor", cmp,
              bench_met(ratio >= TARGET_RATIO));
    code = 0;
out:
    if (fl.db)
        floor_close(&fl);
    if (sp.db)
        floor_close(&sp);
    for (size_t i = 0; i < njobs; i++)
        store_subscription_clear(&jobs[i].sub);
    free(jobs);
    free(res);
    payment_destroy(proc);
    store_close(s);
    catalog_destroy(c);
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return code;
}
