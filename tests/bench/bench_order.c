/* bench_order.c — orders placed per second by one process with
 * synchronous=FULL, through billing_place on a temporary demo database,
 * against a floor: the same SQL statements of one order, in ONE
 * transaction, through the bare SQLite API in a loop (the SQL is written
 * here; benchmark code is test code). Both run on identical copies of the
 * database, in alternating blocks so that disk and CPU noise hit both.
 *
 * Two kinds of order, two rows:
 *  - nothing due (one seat fewer: the credit covers it): billing_place
 *    writes it in one transaction, like the floor;
 *  - paid (one seat more, the card on file charged): SPEC §4 needs the
 *    pending checkout durable before the charge, and the test processor's
 *    record is committed on its own as a gateway's would be, so
 *    billing_place commits 3 times (2 of its own + the gateway's) against
 *    the floor's 1. A third copy runs the floor's statements in those same
 *    3 commits, which tells billing's own cost from its commits'.
 * Commits are counted, not assumed: a commit hook on every connection that
 * steps a statement counts them per order on each side.
 *
 * The step counter below counts statement executions on both sides: the
 * floor must run as many as billing_place does, or the comparison is not
 * like for like. One order per account, so the balance each order sees is
 * the one it was quoted with.
 *
 * BC_BENCH_ORDER_ACCOUNTS (default 3000) sizes the demo database;
 * BC_BENCH_ORDERS (default 1000) caps the orders of each kind and side;
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
static uint64_t commit_count;
static int (*real_step)(sqlite3_stmt *);

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

/* Collects up to max orders that billing_place will accept: paid (one seat
 * more, due > 0, a card on file) or not (one seat fewer, nothing due), each
 * on an account not used yet (used[id]). */
static size_t collect_jobs(struct billing *b, int64_t naccounts, bool paid, bool *used,
                           struct job *jobs, size_t max)
{
    size_t n = 0;
    int y, m, d;
    date_to_civil(b->today, &y, &m, &d);
    for (int64_t id = 11; id <= naccounts && n < max; id++) {
        if (used[id])
            continue;
        struct store_account a = {0};
        if (store_account_get(b->store, id, &a) != BC_OK)
            continue;
        bool standard = a.kind == STORE_ACCOUNT_STANDARD;
        int64_t balance = a.balance, contact_id = a.billing_contact_id;
        store_account_clear(&a);
        struct store_card card;
        if (!standard || (paid && (store_card_get(b->store, id, &card) != BC_OK ||
                                   !card_expiry_ok(card.exp_month, card.exp_year, y, m))))
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
            j->change.to_seats = paid ? x->seats + 1 : x->seats - 1;
            j->change.to_period = x->period;
            if (billing_quote_change(b, id, &j->change, &j->quote) != BC_OK ||
                j->quote.refusal != BC_OK || (j->quote.totals.due > 0) != paid || j->quote.n != 1)
                continue;
            const struct catalog_product *p = catalog_product(b->catalog, x->product);
            const struct catalog_plan *plan = p ? catalog_plan(p, x->plan) : NULL;
            if (!plan || !catalog_price(b->catalog, plan, j->quote.currency, x->period, &j->price))
                continue;
            if (j->quote.items[0].charge <= 0 || j->change.to_seats <= 0)
                j->price = 0;   /* as sub_change_of in order.c */
            j->sub = *x;
            memset(x, 0, sizeof *x);   /* j->sub owns the strings now */
            used[id] = true;
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
    F_HISTORY, F_CART, F_BALANCE_SET, F_AUDIT, F_COMMIT, F_PENDING_DONE, F_PENDING_READ, F_COUNT
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
    [F_PENDING_DONE] = "UPDATE pending_checkouts SET outcome = ?2 WHERE key = ?1 AND outcome IS ?3",
    [F_PENDING_READ] = "SELECT coalesce(outcome, ''), amount_minor, currency FROM pending_checkouts"
                       " WHERE key = ?1",
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

enum floor_mode {
    FLOOR_UNPAID,     /* nothing due: no checkout, no charge; one transaction */
    FLOOR_PAID,       /* a paid order's statements, all in one transaction */
    FLOOR_PAID_SPLIT, /* the same in billing_place's commits: the pending checkout,
                       * the test processor's record, the order with its outcome */
};

/* One order's statements, in billing_place's order. */
static bool floor_order(struct floor *f, const struct job *j, const char *key, const char *actor,
                        bc_day today, enum floor_mode mode)
{
    bool split = mode == FLOOR_PAID_SPLIT, paid = mode != FLOOR_UNPAID;
    const struct billing_quote *bq = &j->quote;
    const struct quote_item *it = &bq->items[0];
    const struct store_subscription *x = &j->sub;
    const char *period = bc_period_name(x->period);
    int64_t now = (int64_t)time(NULL);
    int64_t applied = bq->totals.balance_applied;
    int64_t credit = bq->totals.total < 0 ? -bq->totals.total : 0;
    int64_t balance_after = j->balance - applied + credit;
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
    sqlite3_stmt *q;
    if (!paid)
        goto order;
    sqlite3_bind_int64(Q(F_CARD), 1, j->account_id);
    ok = ok && run(f, F_CARD);
    bind_text(Q(F_CHARGE_GET), 1, key);
    ok = ok && run(f, F_CHARGE_GET);
    /* The pending checkout (its own transaction in billing_place), then
     * the test processor's record. */
    ok = ok && (!split || run(f, F_BEGIN));
    bind_text(Q(F_ORDER_BY_KEY), 1, key);
    ok = ok && run(f, F_ORDER_BY_KEY);
    bind_text(Q(F_PENDING_READ), 1, key);
    ok = ok && run(f, F_PENDING_READ);
    q = Q(F_PENDING_PUT);
    bind_text(q, 1, key);
    sqlite3_bind_int64(q, 2, j->account_id);
    sqlite3_bind_int64(q, 3, bq->totals.due);
    bind_text(q, 4, bq->currency);
    bind_text(q, 5, request);
    sqlite3_bind_int64(q, 6, now);
    ok = ok && run(f, F_PENDING_PUT);
    ok = ok && (!split || run(f, F_COMMIT));
    bind_text(Q(F_CHARGE_GET), 1, key);
    ok = ok && run(f, F_CHARGE_GET);
    q = Q(F_CHARGE_PUT);
    bind_text(q, 1, key);
    bind_text(q, 2, "approved");
    sqlite3_bind_int64(q, 3, bq->totals.due);
    bind_text(q, 4, bq->currency);
    bind_text(q, 5, ref);
    ok = ok && run(f, F_CHARGE_PUT);
order:
    sqlite3_bind_int64(Q(F_SUB), 1, x->id);
    ok = ok && run(f, F_SUB);
    /* The order itself, with its checkout's outcome when paid. */
    ok = ok && (!split || run(f, F_BEGIN));
    bind_text(Q(F_ORDER_BY_KEY), 1, key);
    ok = ok && run(f, F_ORDER_BY_KEY);
    bind_text(Q(F_PENDING_READ), 1, key);
    ok = ok && run(f, F_PENDING_READ);
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
    if (paid)
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
    if (credit > 0) {
        q = Q(F_LEDGER);
        sqlite3_bind_int64(q, 1, j->account_id);
        sqlite3_bind_int64(q, 2, order_id);
        bind_text(q, 3, "credit_added");
        sqlite3_bind_int64(q, 4, credit);
        sqlite3_bind_int64(q, 5, balance_after);
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
    if (balance_after != j->balance) {
        sqlite3_bind_int64(Q(F_BALANCE_SET), 1, j->account_id);
        sqlite3_bind_int64(Q(F_BALANCE_SET), 2, balance_after);
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
    if (paid) {
        bind_text(Q(F_PENDING_DONE), 1, key);
        bind_text(Q(F_PENDING_DONE), 2, "ordered");
        ok = ok && run(f, F_PENDING_DONE);
    }
    ok = ok && run(f, F_COMMIT);
#undef Q
    if (!ok && !sqlite3_get_autocommit(f->db))
        sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
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
    struct side place, floor, split;
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

/* billing_place, the floor in one transaction and (paid) the floor in
 * billing_place's commits, in alternating blocks of BLOCK orders. */
static bool measure(struct billing *b, struct floor *fl, struct floor *sp, const struct job *jobs,
                    size_t njobs, bool paid, const char *prefix, struct billing_result *res,
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
            enum bc_status st = billing_place(b, jobs[i].account_id, &jobs[i].change, key, -1, NULL, res);
            if (st != BC_OK || res->replayed || res->order_id <= 0 || (res->due > 0) != paid) {
                fprintf(stderr, "bench_order: billing_place (account %lld): %s %s\n",
                        (long long)jobs[i].account_id, bc_status_code(st), store_errmsg(b->store));
                return false;
            }
        }
        int64_t t1 = bench_now_ns();
        uint64_t s1 = step_count, c1 = commit_count;
        for (size_t i = start; i < end; i++) {
            snprintf(key, sizeof key, "%s-%zu", prefix, i);
            if (!floor_order(fl, &jobs[i], key, "bench", b->today, paid ? FLOOR_PAID : FLOOR_UNPAID))
                return false;
        }
        int64_t t2 = bench_now_ns();
        uint64_t s2 = step_count, c2 = commit_count;
        for (size_t i = start; paid && i < end; i++) {
            snprintf(key, sizeof key, "%s-%zu", prefix, i);
            if (!floor_order(sp, &jobs[i], key, "bench", b->today, FLOOR_PAID_SPLIT))
                return false;
        }
        int64_t t3 = bench_now_ns();
        uint64_t s3 = step_count, c3 = commit_count;
        side_add(&out->place, t0, t1, s0, s1, c0, c1, end - start);
        side_add(&out->floor, t1, t2, s1, s2, c1, c2, end - start);
        if (paid)
            side_add(&out->split, t2, t3, s2, s3, c2, c3, end - start);
    }
    return true;
}

static void report(const char *row, const struct sides *m, bool paid)
{
    double pr = rate(&m->place), fr = rate(&m->floor), ratio = fr > 0 ? pr / fr : 0;
    char v[96], cmp[384];
    fprintf(stderr, "bench_order: %s: %zu orders each side; billing_place %.0f/s (%.1f commits,"
                    " %.1f statements per order), floor %.0f/s (%.1f commits, %.1f statements),"
                    " ratio %.2f", paid ? "paid" : "nothing due", m->place.n, pr,
            per(m->place.commits, &m->place), per(m->place.steps, &m->place), fr,
            per(m->floor.commits, &m->floor), per(m->floor.steps, &m->floor), ratio);
    if (paid)
        fprintf(stderr, "; floor SQL in billing_place's %.1f commits: %.0f/s (%.2f x floor)",
                per(m->split.commits, &m->split), rate(&m->split),
                fr > 0 ? rate(&m->split) / fr : 0);
    fprintf(stderr, "\n");
    snprintf(v, sizeof v, "%.0f orders/s (%.2f x floor), %.0f commits/order", pr, ratio,
             per(m->place.commits, &m->place));
    if (paid)
        snprintf(cmp, sizeof cmp, "floor %.0f orders/s, %.0f commit/order (%zu orders each, %.1f vs"
                 " %.1f statements/order); floor SQL in billing's %.0f commits: %.0f/s = %.2f x floor,"
                 " the ceiling SPEC 4 leaves", fr, per(m->floor.commits, &m->floor), m->place.n,
                 per(m->place.steps, &m->place), per(m->floor.steps, &m->floor),
                 per(m->split.commits, &m->split), rate(&m->split), fr > 0 ? rate(&m->split) / fr : 0);
    else
        snprintf(cmp, sizeof cmp, "floor %.0f orders/s, %.0f commit/order (%zu orders each, %.1f vs"
                 " %.1f statements/order)", fr, per(m->floor.commits, &m->floor), m->place.n,
                 per(m->place.steps, &m->place), per(m->floor.steps, &m->floor));
    bench_row(row, v, ">= 0.7 x floor", cmp, bench_met(ratio >= TARGET_RATIO));
}

static void fail_row(const char *why)
{
    fprintf(stderr, "bench_order: %s\n", why);
    bench_row(ROW_UNPAID, "ERROR", ">= 0.7 x floor", "-", "no");
    bench_row(ROW_PAID, "ERROR", ">= 0.7 x floor", "-", "no");
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
    size_t cap = max_orders ? max_orders : 1;
    struct job *paid_jobs = calloc(cap, sizeof *paid_jobs);
    struct job *free_jobs = calloc(cap, sizeof *free_jobs);
    bool *used = calloc((size_t)naccounts + 1, sizeof *used);
    struct billing_result *res = malloc(sizeof *res);
    struct floor fl = {0}, sp = {0};
    size_t npaid = 0, nfree = 0;
    bc_day today = date_from_civil(2026, 11, 25);
    if (!c || !paid_jobs || !free_jobs || !used || !res) {
        fail_row(c ? "out of memory" : err);
        goto out;
    }
    /* Database A (billing_place) and its identical copies B (the floor in
     * one transaction) and C (the floor in billing_place's commits). */
    if (store_open(a_path, STORE_OPEN_CREATE, &s) != BC_OK ||
        demo_generate(s, c, today, naccounts, NULL, NULL) != BC_OK) {
        fail_row(s ? store_errmsg(s) : "cannot create the database");
        goto out;
    }
    store_close(s);
    s = NULL;
    if (!bench_copy_file(a_path, b_path) || !bench_copy_file(a_path, c_path) ||
        store_open(a_path, STORE_OPEN_EXISTING, &s) != BC_OK) {
        fail_row("cannot copy or reopen the database");
        goto out;
    }
    proc = payment_test_create(s);
    struct billing b = {.store = s, .catalog = c, .processor = proc, .today = today};
    b.actor.kind = BILLING_ACTOR_OPERATOR;
    b.actor.op_role = STORE_OP_ADMIN;
    snprintf(b.actor.name, sizeof b.actor.name, "bench");
    snprintf(b.actor.origin, sizeof b.actor.origin, "local");
    nfree = collect_jobs(&b, naccounts, false, used, free_jobs, max_orders);
    npaid = collect_jobs(&b, naccounts, true, used, paid_jobs, max_orders);
    if (nfree < 2 || npaid < 2 || !floor_open(&fl, b_path) || !floor_open(&sp, c_path)) {
        fail_row(nfree < 2 || npaid < 2 ? "too few orders to place" : "cannot open the floor database");
        goto out;
    }
    struct sides unpaid, paid;
    if (!measure(&b, &fl, &sp, free_jobs, nfree, false, "free", res, &unpaid)) {
        fail_row("an order with nothing due failed");
        goto out;
    }
    if (!measure(&b, &fl, &sp, paid_jobs, npaid, true, "paid", res, &paid)) {
        fail_row("a paid order failed");
        goto out;
    }
    report(ROW_UNPAID, &unpaid, false);
    report(ROW_PAID, &paid, true);
    code = 0;
out:
    if (fl.db)
        floor_close(&fl);
    if (sp.db)
        floor_close(&sp);
    for (size_t i = 0; i < npaid; i++)
        store_subscription_clear(&paid_jobs[i].sub);
    for (size_t i = 0; i < nfree; i++)
        store_subscription_clear(&free_jobs[i].sub);
    free(paid_jobs);
    free(free_jobs);
    free(used);
    free(res);
    payment_destroy(proc);
    store_close(s);
    catalog_destroy(c);
    bench_rm_tree(dir);
    return code;
}
