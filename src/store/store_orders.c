/* store_orders.c — the money side of the store: orders placed in one
 * all-or-nothing transaction, the append-only ledger and audit log,
 * operators and pending checkouts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

/* ---------------------------------------------------------------- orders */

#define ORDER_COLS "id, account_id, idempotency_key, currency, day, created_at, subtotal_minor," \
    " tax_minor, total_minor, balance_applied_minor, due_minor, balance_after_minor, actor," \
    " payment_ref"

static const struct store_name line_kinds[] = {
    {STORE_LINE_CHARGE, "charge"}, {STORE_LINE_CREDIT, "credit"}, {STORE_LINE_TAX, "tax"},
};

static void line_clear(struct store_order_line *l)
{
    free(l->product);
    free(l->plan_from);
    free(l->plan_to);
}

void store_order_clear(struct store_order *o)
{
    if (!o)
        return;
    free(o->idempotency_key);
    free(o->actor);
    free(o->payment_ref);
    for (size_t i = 0; i < o->nlines; i++)
        line_clear(&o->lines[i]);
    free(o->lines);
    memset(o, 0, sizeof *o);
}

void store_order_list_clear(struct store_order_list *l)
{
    STORE_LIST_CLEAR(l, store_order_clear);
}

static enum bc_status read_line(struct db_stmt *q, void *item)
{
    struct store_order_line *l = item;
    bool oom = false;
    l->subscription_id = db_column_int64(q, 0);
    l->product = store_col_dup(q, 1, &oom);
    l->plan_from = store_col_dup(q, 2, &oom);
    l->plan_to = store_col_dup(q, 3, &oom);
    l->seats_from = db_column_int(q, 4);
    l->seats_to = db_column_int(q, 5);
    l->period_from = store_period_from(db_column_text(q, 6));
    l->period_to = store_period_from(db_column_text(q, 7));
    l->kind = STORE_NAME_COL(line_kinds, q, 8);
    l->amount = db_column_int64(q, 9);
    l->from = (bc_day)db_column_int(q, 10);
    l->to = (bc_day)db_column_int(q, 11);
    l->reverse_charge = db_column_int(q, 12) != 0;
    return oom ? BC_NO_MEMORY : BC_OK;
}

static enum bc_status read_lines(struct store *s, struct store_order *o)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_ORDER_LINES,
        "SELECT subscription_id, product, plan_from, plan_to, seats_from, seats_to, period_from,"
        " period_to, kind, amount_minor, from_day, to_day, reverse_charge"
        " FROM order_lines WHERE order_id = ?1 ORDER BY id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, o->id);
    return store_rows(s, q, &o->lines, &o->nlines, sizeof *o->lines, read_line);
}

static enum bc_status read_vat_check_row(struct db_stmt *q, void *item)
{
    struct store_vat_check *v = item;
    const char *method = db_column_text(q, 0);
    v->present = true;
    v->method = method && strcmp(method, "vies") == 0 ? STORE_VAT_VIES : STORE_VAT_OFFLINE;
    store_col_copy(q, 1, v->country, sizeof v->country);
    store_col_copy(q, 2, v->vat_number, sizeof v->vat_number);
    store_col_copy(q, 3, v->requester, sizeof v->requester);
    v->valid = db_column_int(q, 4) != 0;
    store_col_copy(q, 5, v->name, sizeof v->name);
    store_col_copy(q, 6, v->address, sizeof v->address);
    store_col_copy(q, 7, v->consultation, sizeof v->consultation);
    v->checked_at = db_column_int64(q, 8);
    store_col_copy(q, 9, v->reason, sizeof v->reason);
    return BC_OK;
}

/* The order's VAT number evidence, when it has one. */
static enum bc_status read_vat_check(struct store *s, struct store_order *o)
{
    struct db_stmt *q;
    memset(&o->vat_check, 0, sizeof o->vat_check);
    enum bc_status st = store_prep(s, SL_VAT_CHECK_GET,
        "SELECT method, country, vat_number, requester, valid, name, address, consultation,"
        " checked_at, reason FROM order_vat_checks WHERE order_id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, o->id);
    st = store_one(s, q, read_vat_check_row, &o->vat_check);
    return st == BC_NOT_FOUND ? BC_OK : st;
}

/* The order row under q (without lines). */
static enum bc_status read_order_row(struct db_stmt *q, void *item)
{
    struct store_order *o = item;
    bool oom = false;
    memset(o, 0, sizeof *o);
    o->id = db_column_int64(q, 0);
    o->account_id = db_column_int64(q, 1);
    o->idempotency_key = store_col_dup(q, 2, &oom);
    store_col_copy(q, 3, o->currency, sizeof o->currency);
    o->day = (bc_day)db_column_int(q, 4);
    o->created_at = db_column_int64(q, 5);
    o->subtotal = db_column_int64(q, 6);
    o->tax = db_column_int64(q, 7);
    o->total = db_column_int64(q, 8);
    o->balance_applied = db_column_int64(q, 9);
    o->due = db_column_int64(q, 10);
    o->balance_after = db_column_int64(q, 11);
    o->actor = store_col_dup(q, 12, &oom);
    o->payment_ref = store_col_dup(q, 13, &oom);
    return oom ? BC_NO_MEMORY : BC_OK;
}

enum bc_status store_order_by_key(struct store *s, const char *key, struct store_order *out)
{
    memset(out, 0, sizeof *out);
    if (!key)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_ORDER_BY_KEY,
        "SELECT " ORDER_COLS " FROM orders WHERE idempotency_key = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    st = store_one(s, q, read_order_row, out);
    if (st == BC_OK)
        st = read_lines(s, out);
    if (st == BC_OK)
        st = read_vat_check(s, out);
    if (st != BC_OK)
        store_order_clear(out);
    return st;
}

enum bc_status store_orders(struct store *s, int64_t account_id, struct store_order_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_ORDERS,
        "SELECT " ORDER_COLS " FROM orders WHERE account_id = ?1 ORDER BY id DESC", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    st = STORE_ROWS(s, q, out, read_order_row);
    /* Lines after the order cursor is done: one statement at a time. */
    for (size_t i = 0; st == BC_OK && i < out->n; i++) {
        st = read_lines(s, &out->items[i]);
        if (st == BC_OK)
            st = read_vat_check(s, &out->items[i]);
    }
    if (st != BC_OK)
        store_order_list_clear(out);
    return st;
}

static enum bc_status balance_get(struct store *s, int64_t account_id, int64_t *balance)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_BALANCE_GET,
        "SELECT balance_minor FROM accounts WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    return store_int64(s, q, balance);
}

static enum bc_status balance_set(struct store *s, int64_t account_id, int64_t balance)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_BALANCE_SET,
        "UPDATE accounts SET balance_minor = ?2, balance_version = balance_version + 1"
        " WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    db_bind_int64(q, 2, balance);
    return store_run(s, q);
}

static enum bc_status ledger_add(struct store *s, int64_t account_id, int64_t order_id,
                                 const char *kind, int64_t amount, int64_t balance_after,
                                 int64_t at)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_LEDGER_INSERT,
        "INSERT INTO ledger(account_id, order_id, kind, amount_minor, balance_after, at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    if (order_id > 0)
        db_bind_int64(q, 2, order_id);
    db_bind_text(q, 3, kind);
    db_bind_int64(q, 4, amount);
    db_bind_int64(q, 5, balance_after);
    db_bind_int64(q, 6, at);
    return store_run(s, q);
}

static enum bc_status insert_order_row(struct store *s, const struct store_order *o,
                                       int64_t *id)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_ORDER_INSERT,
        "INSERT INTO orders(account_id, idempotency_key, currency, day, created_at,"
        " subtotal_minor, tax_minor, total_minor, balance_applied_minor, due_minor,"
        " balance_after_minor, actor, payment_ref)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, o->account_id);
    store_bind_text(q, 2, o->idempotency_key);
    db_bind_textn(q, 3, o->currency, (int)strnlen(o->currency, sizeof o->currency));
    db_bind_int64(q, 4, o->day);
    db_bind_int64(q, 5, o->created_at);
    db_bind_int64(q, 6, o->subtotal);
    db_bind_int64(q, 7, o->tax);
    db_bind_int64(q, 8, o->total);
    db_bind_int64(q, 9, o->balance_applied);
    db_bind_int64(q, 10, o->due);
    db_bind_int64(q, 11, o->balance_after);
    store_bind_text(q, 12, o->actor);
    store_bind_text(q, 13, o->payment_ref);
    return store_run_id(s, q, id);
}

static enum bc_status insert_line(struct store *s, int64_t order_id, const struct store_order_line *l)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_LINE_INSERT,
        "INSERT INTO order_lines(order_id, subscription_id, product, plan_from, plan_to,"
        " seats_from, seats_to, period_from, period_to, kind, amount_minor, from_day, to_day,"
        " reverse_charge) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, order_id);
    db_bind_int64(q, 2, l->subscription_id);
    store_bind_text(q, 3, l->product);
    store_bind_text(q, 4, l->plan_from);
    store_bind_text(q, 5, l->plan_to);
    db_bind_int64(q, 6, l->seats_from);
    db_bind_int64(q, 7, l->seats_to);
    db_bind_text(q, 8, store_period_text(l->period_from));
    db_bind_text(q, 9, store_period_text(l->period_to));
    db_bind_text(q, 10, STORE_NAME_TEXT(line_kinds, l->kind));
    db_bind_int64(q, 11, l->amount);
    db_bind_int64(q, 12, l->from);
    db_bind_int64(q, 13, l->to);
    db_bind_int64(q, 14, l->reverse_charge ? 1 : 0);
    return store_run(s, q);
}

static const char *null_if_empty(const char *t)
{
    return t && *t ? t : NULL;
}

static enum bc_status insert_vat_check(struct store *s, int64_t order_id,
                                       const struct store_vat_check *v)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_VAT_CHECK_INSERT,
        "INSERT INTO order_vat_checks(order_id, method, country, vat_number, requester, valid,"
        " name, address, consultation, checked_at, reason)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, order_id);
    db_bind_text(q, 2, v->method == STORE_VAT_VIES ? "vies" : "offline");
    db_bind_text(q, 3, v->country);
    db_bind_text(q, 4, v->vat_number);
    store_bind_text(q, 5, null_if_empty(v->requester));
    db_bind_int64(q, 6, v->valid ? 1 : 0);
    store_bind_text(q, 7, null_if_empty(v->name));
    store_bind_text(q, 8, null_if_empty(v->address));
    store_bind_text(q, 9, null_if_empty(v->consultation));
    db_bind_int64(q, 10, v->checked_at);
    store_bind_text(q, 11, null_if_empty(v->reason));
    return store_run(s, q);
}

static enum bc_status update_sub(struct store *s, const struct store_sub_change *c)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_SUB_UPDATE,
        "UPDATE subscriptions SET plan = ?3, seats = ?4, period = ?5, period_start = ?6,"
        " period_end = ?7, item_start = ?8, anchor_day = ?9, billed_minor = ?10,"
        " price_minor = ?11, credited_minor = 0, status = 'active',"
        " auto_renew = CASE WHEN ?12 = 1 THEN 1 ELSE auto_renew END,"
        " sched_plan = NULL, sched_seats = NULL, sched_period = NULL,"
        " past_due_since = NULL, last_attempt = NULL, version = version + 1"
        " WHERE id = ?1 AND version = ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, c->subscription_id);
    db_bind_int64(q, 2, c->expect_version);
    store_bind_text(q, 3, c->plan);
    db_bind_int64(q, 4, c->seats);
    db_bind_text(q, 5, store_period_text(c->period));
    db_bind_int64(q, 6, c->period_start);
    db_bind_int64(q, 7, c->period_end);
    db_bind_int64(q, 8, c->item_start);
    db_bind_int64(q, 9, c->anchor_day);
    db_bind_int64(q, 10, c->billed);
    db_bind_int64(q, 11, c->price);
    db_bind_int64(q, 12, c->renewal ? 1 : 0);
    st = store_run(s, q);
    if (st == BC_OK && db_changes(s->db) != 1)
        st = BC_STALE_QUOTE;
    return st;
}

static enum bc_status cart_remove_sub(struct store *s, int64_t subscription_id)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CART_REMOVE_SUB,
        "DELETE FROM cart_items WHERE subscription_id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, subscription_id);
    return store_run(s, q);
}

/* Creates the subscription a change for a new product asks for, inside
 * the order's transaction, and names it in the order's lines for it. */
static enum bc_status sub_create(struct store *s, struct store_order *o, int64_t order_id,
                                 const struct store_sub_change *c)
{
    struct store_subscription x = {
        .account_id = o->account_id,
        .product = (char *)c->product,
        .plan = (char *)c->plan,
        .seats = c->seats,
        .period = c->period,
        .status = c->trial ? STORE_SUB_TRIAL : STORE_SUB_ACTIVE,
        .period_start = c->period_start,
        .period_end = c->period_end,
        .item_start = c->item_start,
        .anchor_day = c->anchor_day,
        .billed = c->billed,
        .price = c->price,
    };
    enum bc_status st = store_sub_create(s, &x, order_id);
    if (st != BC_OK)
        return st;
    /* The cart's item for the product, if any, is this subscription now. */
    if ((st = store_cart_remove_product(s, o->account_id, c->product)) != BC_OK)
        return st;
    for (size_t k = 0; k < o->nlines; k++)
        if (o->lines[k].subscription_id == 0 && o->lines[k].product &&
            strcmp(o->lines[k].product, c->product) == 0)
            o->lines[k].subscription_id = x.id;
    if (c->new_id)
        *c->new_id = x.id;
    return BC_OK;
}

/* Everything after the replay check, inside the open transaction. */
static enum bc_status order_write(struct store *s, struct store_order *o,
                                  const struct store_sub_change *changes, size_t nchanges,
                                  int64_t expect_balance, const struct store_audit_entry *audit,
                                  struct store_doc_issue *doc)
{
    int64_t balance;
    enum bc_status st = balance_get(s, o->account_id, &balance);
    if (st != BC_OK)
        return st;
    if (balance != expect_balance) {
        store_note(s, "the account balance moved since the quote");
        return BC_STALE_QUOTE;
    }
    for (size_t i = 0; i < nchanges; i++) {
        int64_t version, account_id;
        int seats, assigned;
        if (changes[i].subscription_id == 0) {
            bool found = false;
            if (!changes[i].product)
                return BC_INVALID_ARGUMENT;
            if ((st = store_sub_of_product(s, o->account_id, changes[i].product, &found)) != BC_OK)
                return st;
            if (found) {
                store_note(s, "the account has this product already");
                return BC_ALREADY_SUBSCRIBED;
            }
            continue;
        }
        st = store_sub_state(s, changes[i].subscription_id, &version, &seats, &assigned, &account_id);
        if (st != BC_OK)
            return st;
        if (account_id != o->account_id) {
            store_note(s, "the subscription belongs to another account");
            return BC_INVALID_ARGUMENT;
        }
        if (version != changes[i].expect_version) {
            store_note(s, "the subscription changed since the quote");
            return BC_STALE_QUOTE;
        }
        if (changes[i].seats < assigned) {
            store_note(s, "fewer seats than are assigned");
            return BC_SEATS_BELOW_ASSIGNED;
        }
    }
    /* The balance entries, and the balance they must land on. */
    int64_t credit = o->total < 0 ? -o->total : 0;
    if (o->balance_applied < 0 || o->balance_applied > balance || o->total == INT64_MIN ||
        (o->balance_applied > 0 && credit > 0) || balance - o->balance_applied > INT64_MAX - credit ||
        balance - o->balance_applied + credit != o->balance_after) {
        store_note(s, "the order's balance figures do not add up");
        return BC_INVALID_ARGUMENT;
    }
    int64_t order_id = 0;
    if ((st = insert_order_row(s, o, &order_id)) != BC_OK)
        return st;
    /* New subscriptions first: their lines name them. */
    for (size_t i = 0; i < nchanges; i++) {
        if (changes[i].subscription_id != 0)
            continue;
        if ((st = sub_create(s, o, order_id, &changes[i])) != BC_OK)
            return st;
    }
    for (size_t i = 0; i < o->nlines; i++)
        if ((st = insert_line(s, order_id, &o->lines[i])) != BC_OK)
            return st;
    if (o->vat_check.present && (st = insert_vat_check(s, order_id, &o->vat_check)) != BC_OK)
        return st;
    int64_t running = balance;
    if (o->balance_applied > 0) {
        running -= o->balance_applied;
        st = ledger_add(s, o->account_id, order_id, "balance_applied", -o->balance_applied,
                        running, o->created_at);
        if (st != BC_OK)
            return st;
    }
    if (credit > 0) {
        running += credit;
        st = ledger_add(s, o->account_id, order_id, "credit_added", credit, running, o->created_at);
        if (st != BC_OK)
            return st;
    }
    for (size_t i = 0; i < nchanges; i++) {
        if (changes[i].subscription_id == 0)
            continue;
        if ((st = update_sub(s, &changes[i])) != BC_OK)
            return st;
        if ((st = store_history_append(s, changes[i].subscription_id, order_id)) != BC_OK)
            return st;
        if ((st = cart_remove_sub(s, changes[i].subscription_id)) != BC_OK)
            return st;
    }
    if (running != balance && (st = balance_set(s, o->account_id, running)) != BC_OK)
        return st;
    /* The order's fiscal document, numbered inside this transaction. */
    if (doc && (st = store_doc_write(s, order_id, o->account_id, o->currency, doc)) != BC_OK)
        return st;
    if (audit && (st = store_audit_append(s, audit)) != BC_OK)
        return st;
    o->id = order_id;
    return BC_OK;
}

/* ---------------------------------------------------------------- a key's checkout
 * These statements run on every placed order (the key checks), so they live
 * in the connection's statement cache like the store's other statements. */

/* The key's checkout: *found, its outcome ("" while open), amount, currency. */
static enum bc_status pending_read(struct store *s, const char *key, bool *found, char *outcome,
                                   size_t size, int64_t *amount, char currency[4])
{
    struct db_stmt *q = NULL;
    *found = false;
    outcome[0] = '\0';
    *amount = -1;
    currency[0] = '\0';
    enum bc_status st = store_prep(s, SL_PENDING_READ,
        "SELECT coalesce(outcome, ''), amount_minor, currency FROM pending_checkouts"
        " WHERE key = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    int rc = db_step(q);
    if (rc == DB_ROW) {
        *found = true;
        store_col_copy(q, 0, outcome, size);
        *amount = db_column_int64(q, 1);
        store_col_copy(q, 2, currency, 4);
    } else if (rc != DB_DONE) {
        st = store_fail(s, rc);
    }
    db_reset(q);
    return st;
}

/* Whether the checkout under `key` is open and was written by `request`. */
static enum bc_status pending_is_own(struct store *s, const char *key, const char *request,
                                     bool *own)
{
    struct db_stmt *q = NULL;
    *own = false;
    enum bc_status st = store_prep(s, SL_PENDING_OWN,
        "SELECT 1 FROM pending_checkouts WHERE key = ?1 AND outcome IS NULL AND request = ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    db_bind_text(q, 2, request);
    int rc = db_step(q);
    if (rc == DB_ROW)
        *own = true;
    else if (rc != DB_DONE)
        st = store_fail(s, rc);
    db_reset(q);
    return st;
}

/* 'refunding:<n>': n attempts have claimed the key and not yet seen their
 * refund through; 0 when the outcome is something else. */
static int refund_claims(const char *outcome)
{
    if (strncmp(outcome, "refunding:", 10) != 0)
        return 0;
    int n = atoi(outcome + 10);
    return n > 0 ? n : 1;
}

/* Sets the checkout's outcome; `only_when` (NULL: open) guards the move. */
static enum bc_status pending_move(struct store *s, const char *key, const char *outcome,
                                   const char *only_when)
{
    struct db_stmt *q = NULL;
    enum bc_status st = store_prep(s, SL_PENDING_MOVE,
        STORE_SQL(s, "UPDATE pending_checkouts SET outcome = ?2 WHERE key = ?1 AND outcome IS ?3",
                  "UPDATE pending_checkouts SET outcome = ?2 WHERE key = ?1"
                  " AND outcome IS NOT DISTINCT FROM CAST(?3 AS TEXT)"), &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    db_bind_text(q, 2, outcome);
    store_bind_text(q, 3, only_when);
    int rc = db_step(q);
    st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_reset(q);
    return st;
}

/* Whether an order holds the key; when it does, its checkout (if still
 * open) is settled as 'ordered' and, when `first` is given, the order is
 * read into it. */
static enum bc_status key_ordered(struct store *s, const char *key, bool *ordered,
                                  struct store_order *first)
{
    struct store_order tmp;
    enum bc_status st = store_order_by_key(s, key, first ? first : &tmp);
    if (!first)
        store_order_clear(&tmp);
    *ordered = st == BC_OK;
    if (st == BC_NOT_FOUND)
        return BC_OK;
    if (st != BC_OK)
        return st;
    st = pending_move(s, key, "ordered", NULL);
    if (st != BC_OK && first)
        store_order_clear(first);
    return st;
}

enum store_commit_mode { COMMIT_PLAIN, COMMIT_UNPAID, COMMIT_PAID };

/* Inside the transaction: may this attempt order under its key? Paid: only
 * while the checkout is still open as this attempt wrote it (`request`):
 * nobody claimed it for a refund, nobody wrote it again since. */
static enum bc_status key_allows(struct store *s, const struct store_order *o, const char *request,
                                 enum store_commit_mode mode, enum store_key_state *state)
{
    if (mode == COMMIT_PLAIN)
        return BC_OK;
    bool found, own = false;
    char outcome[32], currency[4];
    int64_t amount;
    enum bc_status st = pending_read(s, o->idempotency_key, &found, outcome, sizeof outcome,
                                     &amount, currency);
    if (st == BC_OK && mode == COMMIT_PAID)
        st = pending_is_own(s, o->idempotency_key, request, &own);
    if (st != BC_OK)
        return st;
    bool open = found && outcome[0] == '\0';
    if (mode == COMMIT_PAID ? own : !open)
        return BC_OK;
    *state = refund_claims(outcome) > 0 ? STORE_KEY_REFUNDING : STORE_KEY_CLOSED;
    store_note(s, mode == COMMIT_PAID ? "the checkout's charge is no longer this order's"
                                      : "a charge under this key is still pending");
    return BC_STALE_QUOTE;
}

static enum bc_status order_commit_mode(struct store *s, struct store_order *order,
                                        const struct store_sub_change *changes, size_t nchanges,
                                        int64_t expect_balance,
                                        const struct store_audit_entry *audit, const char *request,
                                        enum store_commit_mode mode, struct store_doc_issue *doc,
                                        enum store_key_state *state)
{
    *state = STORE_KEY_FREE;
    if (!order || !order->idempotency_key || (nchanges > 0 && !changes))
        return BC_INVALID_ARGUMENT;
    bool own, ordered = false;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    struct store_order first;
    memset(&first, 0, sizeof first);
    st = mode == COMMIT_PLAIN ? store_order_by_key(s, order->idempotency_key, &first)
                              : key_ordered(s, order->idempotency_key, &ordered, &first);
    if (mode == COMMIT_PLAIN) {
        ordered = st == BC_OK;
        if (st == BC_NOT_FOUND)
            st = BC_OK;
    }
    if (st == BC_OK && ordered) {
        /* The key was used: hand back the first order, write nothing else. */
        st = store_tx_end(s, own, BC_OK);
        if (st != BC_OK) {
            store_order_clear(&first);
            return st;
        }
        store_order_clear(order);
        *order = first;
        *state = STORE_KEY_ORDERED;
        return BC_OK;
    }
    if (st == BC_OK)
        st = key_allows(s, order, request, mode, state);
    if (st == BC_OK)
        st = order_write(s, order, changes, nchanges, expect_balance, audit, doc);
    if (st == BC_OK && mode == COMMIT_PAID)
        st = pending_move(s, order->idempotency_key, "ordered", NULL);
    st = store_tx_end(s, own, st);
    if (st != BC_OK)
        order->id = 0;
    return st;
}

enum bc_status store_order_commit(struct store *s, struct store_order *order,
                                  const struct store_sub_change *changes, size_t nchanges,
                                  int64_t expect_balance,
                                  const struct store_audit_entry *audit,
                                  bool *replayed)
{
    enum store_key_state state;
    enum bc_status st = order_commit_mode(s, order, changes, nchanges, expect_balance, audit,
                                          NULL, COMMIT_PLAIN, NULL, &state);
    if (replayed)
        *replayed = state == STORE_KEY_ORDERED;
    return st;
}

enum bc_status store_order_place(struct store *s, struct store_order *order,
                                 const struct store_sub_change *changes, size_t nchanges,
                                 int64_t expect_balance, const struct store_audit_entry *audit,
                                 const char *checkout, enum store_key_state *state)
{
    return order_commit_mode(s, order, changes, nchanges, expect_balance, audit, checkout,
                             checkout ? COMMIT_PAID : COMMIT_UNPAID, NULL, state);
}

enum bc_status store_order_place_doc(struct store *s, struct store_order *order,
                                     const struct store_sub_change *changes, size_t nchanges,
                                     int64_t expect_balance, const struct store_audit_entry *audit,
                                     const char *checkout, struct store_doc_issue *doc,
                                     enum store_key_state *state)
{
    if (doc) {
        doc->id = 0;
        doc->sequence = 0;
        doc->number[0] = '\0';
    }
    enum bc_status st = order_commit_mode(s, order, changes, nchanges, expect_balance, audit,
                                          checkout, checkout ? COMMIT_PAID : COMMIT_UNPAID, doc,
                                          state);
    if (st != BC_OK && doc) {
        doc->id = 0;
        doc->sequence = 0;
        doc->number[0] = '\0';
    }
    return st;
}

static enum bc_status key_claim_step(struct store *s, const char *key, int64_t account_id,
                                     const char *fingerprint, bool write,
                                     enum store_key_claim *claim, int64_t *order_id);

enum bc_status store_pending_open(struct store *s, const char *key, int64_t account_id,
                                  int64_t amount, const char *currency, const char *request,
                                  enum store_key_state *state, int64_t *prior_amount)
{
    return store_pending_open_claim(s, key, account_id, amount, currency, request, NULL, NULL,
                                    NULL, state, prior_amount);
}

enum bc_status store_pending_open_claim(struct store *s, const char *key, int64_t account_id,
                                        int64_t amount, const char *currency,
                                        const char *request, const char *fingerprint,
                                        enum store_key_claim *claim, int64_t *first_order,
                                        enum store_key_state *state, int64_t *prior_amount)
{
    *state = STORE_KEY_FREE;
    *prior_amount = -1;
    if (claim)
        *claim = STORE_CLAIM_NEW;
    if (first_order)
        *first_order = 0;
    if (!key || !currency || !request || (fingerprint && (!claim || !first_order)))
        return BC_INVALID_ARGUMENT;
    bool own, ordered = false, found;
    char outcome[32], cur[4];
    int64_t prior;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    /* The key is claimed in the checkout's own commit: a key first used
     * for another request writes nothing at all. */
    if (fingerprint) {
        st = key_claim_step(s, key, account_id, fingerprint, true, claim, first_order);
        if (st == BC_OK && *claim == STORE_CLAIM_OTHER)
            return store_tx_end(s, own, BC_OK);
    }
    if (st == BC_OK)
        st = key_ordered(s, key, &ordered, NULL);
    if (st == BC_OK && ordered)
        *state = STORE_KEY_ORDERED;
    if (st == BC_OK && !ordered)
        st = pending_read(s, key, &found, outcome, sizeof outcome, &prior, cur);
    if (st == BC_OK && !ordered) {
        if (found && refund_claims(outcome) > 0)
            *state = STORE_KEY_REFUNDING;
        else if (found)
            *prior_amount = prior;
    }
    if (st == BC_OK && *state == STORE_KEY_FREE)
        st = store_pending_put(s, key, account_id, amount, currency, request);
    return store_tx_end(s, own, st);
}

enum bc_status store_pending_claim_refund(struct store *s, const char *key,
                                          enum store_key_state *state, int64_t *amount,
                                          char *currency)
{
    *state = STORE_KEY_FREE;
    *amount = -1;
    currency[0] = '\0';
    if (!key)
        return BC_INVALID_ARGUMENT;
    bool own, ordered = false, found = false;
    char outcome[32], next[32];
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    st = key_ordered(s, key, &ordered, NULL);
    if (st == BC_OK && ordered)
        *state = STORE_KEY_ORDERED;
    if (st == BC_OK && !ordered)
        st = pending_read(s, key, &found, outcome, sizeof outcome, amount, currency);
    if (st == BC_OK && found) {
        snprintf(next, sizeof next, "refunding:%d", refund_claims(outcome) + 1);
        st = pending_move(s, key, next, outcome[0] ? outcome : NULL);
    }
    return store_tx_end(s, own, st);
}

enum bc_status store_pending_refunded(struct store *s, const char *key)
{
    if (!key)
        return BC_INVALID_ARGUMENT;
    bool own, found;
    char outcome[32], cur[4], next[32];
    int64_t amount;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    st = pending_read(s, key, &found, outcome, sizeof outcome, &amount, cur);
    int n = st == BC_OK && found ? refund_claims(outcome) : 0;
    if (n > 0) {
        /* The last claim seen through closes the checkout; until then it
         * stays claimed, so that nobody charges the key again while another
         * attempt's refund of it is still on its way. */
        if (n > 1)
            snprintf(next, sizeof next, "refunding:%d", n - 1);
        else
            snprintf(next, sizeof next, "refunded");
        st = pending_move(s, key, next, outcome);
    }
    return store_tx_end(s, own, st);
}

enum bc_status store_pending_decline(struct store *s, const char *key, const char *request)
{
    if (!key || !request)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q = NULL;
    enum bc_status st = store_prep(s, SL_PENDING_DECLINE,
        "UPDATE pending_checkouts SET outcome = 'declined'"
        " WHERE key = ?1 AND outcome IS NULL AND request = ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    db_bind_text(q, 2, request);
    int rc = db_step(q);
    st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_reset(q);
    return st;
}

/* ---------------------------------------------------------------- ledger */

enum bc_status store_ledger_sum(struct store *s, int64_t account_id, int64_t *out)
{
    struct db_stmt *q;
    *out = 0;
    enum bc_status st = store_prep(s, SL_LEDGER_SUM,
        "SELECT coalesce(sum(amount_minor), 0) FROM ledger WHERE account_id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    return store_int64(s, q, out);
}

static enum bc_status opening(struct store *s, int64_t account_id, int64_t amount)
{
    int64_t balance;
    enum bc_status st = balance_get(s, account_id, &balance);
    if (st != BC_OK)
        return st;
    if ((amount > 0 && balance > INT64_MAX - amount) || balance + amount < 0) {
        store_note(s, "the opening balance is out of range");
        return amount > 0 ? BC_OVERFLOW : BC_INVALID_ARGUMENT;
    }
    st = ledger_add(s, account_id, 0, "opening", amount, balance + amount, (int64_t)time(NULL));
    if (st == BC_OK)
        st = balance_set(s, account_id, balance + amount);
    return st;
}

enum bc_status store_ledger_opening(struct store *s, int64_t account_id, int64_t amount)
{
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    return store_tx_end(s, own, opening(s, account_id, amount));
}

/* ---------------------------------------------------------------- audit */

enum bc_status store_audit_append(struct store *s, const struct store_audit_entry *e)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_AUDIT_INSERT,
        "INSERT INTO audit(at, actor, origin, account_id, action, before_json, after_json, result)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, e->at);
    db_bind_text(q, 2, e->actor ? e->actor : "");
    db_bind_text(q, 3, e->origin ? e->origin : "");
    if (e->account_id > 0)
        db_bind_int64(q, 4, e->account_id);
    db_bind_text(q, 5, e->action ? e->action : "");
    store_bind_text(q, 6, e->before);
    store_bind_text(q, 7, e->after);
    db_bind_text(q, 8, e->result ? e->result : "ok");
    return store_run(s, q);
}

/* One statement per filter, so that each seeks its index: by account
 * (audit_account, whose entries are in id order within an account), by
 * time (audit_at, named: ordered by id SQLite would rather read the whole
 * table than sort), both (the account's entries), neither (the table). */
#define AUDIT_SELECT "SELECT id, at, actor, origin, coalesce(account_id, 0), action," \
    " before_json, after_json, result FROM audit"
static const char *const audit_sql[2][4] = {{
    AUDIT_SELECT " ORDER BY id",
    AUDIT_SELECT " WHERE account_id = ?1 ORDER BY id",
    AUDIT_SELECT " INDEXED BY audit_at WHERE at >= ?2 ORDER BY id",
    AUDIT_SELECT " WHERE account_id = ?1 AND at >= ?2 ORDER BY id",
}, {
    AUDIT_SELECT " ORDER BY id",
    AUDIT_SELECT " WHERE account_id = ?1 ORDER BY id",
    AUDIT_SELECT " WHERE at >= ?2 ORDER BY id",
    AUDIT_SELECT " WHERE account_id = ?1 AND at >= ?2 ORDER BY id",
}};

/* Iterations prepare their own statement, so a callback may use the store. */
enum bc_status store_audit_each(struct store *s, int64_t account_id, int64_t since,
                                bool (*cb)(void *ctx, const struct store_audit_entry *e), void *ctx)
{
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db, audit_sql[s->engine == DB_PG][(account_id != 0 ? 1 : 0) + (since != 0 ? 2 : 0)], &q);
    if (rc != DB_OK)
        return store_fail(s, rc);
    if (account_id != 0)
        db_bind_int64(q, 1, account_id);
    if (since != 0)
        db_bind_int64(q, 2, since);
    while ((rc = db_step(q)) == DB_ROW) {
        struct store_audit_entry e = {
            .id = db_column_int64(q, 0),
            .at = db_column_int64(q, 1),
            .actor = db_column_text(q, 2),
            .origin = db_column_text(q, 3),
            .account_id = db_column_int64(q, 4),
            .action = db_column_text(q, 5),
            .before = db_column_text(q, 6),
            .after = db_column_text(q, 7),
            .result = db_column_text(q, 8),
        };
        if (!cb(ctx, &e)) {
            rc = DB_DONE;
            break;
        }
    }
    enum bc_status st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_finalize(q);
    return st;
}

/* ---------------------------------------------------------------- operators */

static const struct store_name op_roles[] = {
    {STORE_OP_READONLY, "readonly"}, {STORE_OP_ADMIN, "admin"}, {STORE_OP_OPERATOR, "operator"},
};

enum bc_status store_operator_get(struct store *s, const char *unix_name, enum store_operator_role *role)
{
    if (!unix_name)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_OP_GET, "SELECT role FROM operators WHERE unix_name = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, unix_name);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    *role = STORE_NAME_COL(op_roles, q, 0);
    db_reset(q);
    return BC_OK;
}

enum bc_status store_operator_put(struct store *s, const char *unix_name, enum store_operator_role role)
{
    if (!unix_name || !*unix_name)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_OP_PUT,
        "INSERT INTO operators(unix_name, role) VALUES(?1, ?2)"
        " ON CONFLICT(unix_name) DO UPDATE SET role = excluded.role", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, unix_name);
    db_bind_text(q, 2, STORE_NAME_TEXT(op_roles, role));
    return store_run(s, q);
}

enum bc_status store_operator_remove(struct store *s, const char *unix_name)
{
    if (!unix_name)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_OP_REMOVE, "DELETE FROM operators WHERE unix_name = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, unix_name);
    return store_run_changed(s, q);
}

enum bc_status store_operator_each(struct store *s,
                                   bool (*cb)(void *ctx, const char *name, enum store_operator_role role),
                                   void *ctx)
{
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db, "SELECT unix_name, role FROM operators ORDER BY unix_name", &q);
    if (rc != DB_OK)
        return store_fail(s, rc);
    while ((rc = db_step(q)) == DB_ROW) {
        if (!cb(ctx, db_column_text(q, 0),
                STORE_NAME_COL(op_roles, q, 1))) {
            rc = DB_DONE;
            break;
        }
    }
    enum bc_status st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_finalize(q);
    return st;
}

int64_t store_operator_admin_count(struct store *s)
{
    struct db_stmt *q;
    int64_t n;
    if (store_prep(s, SL_OP_ADMINS, "SELECT count(*) FROM operators WHERE role = 'admin'", &q) != BC_OK ||
        store_int64(s, q, &n) != BC_OK)
        return -1;
    return n;
}

/* ---------------------------------------------------------------- pending checkouts */

enum bc_status store_pending_put(struct store *s, const char *key, int64_t account_id,
                                 int64_t amount, const char *currency, const char *request)
{
    if (!key || !currency || !request)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    /* A retried checkout with the same key is pending again. */
    enum bc_status st = store_prep(s, SL_PENDING_PUT,
        "INSERT INTO pending_checkouts(key, account_id, amount_minor, currency, request, outcome, at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, NULL, ?6) ON CONFLICT(key) DO UPDATE SET"
        " account_id = excluded.account_id, amount_minor = excluded.amount_minor,"
        " currency = excluded.currency, request = excluded.request, outcome = NULL,"
        " at = excluded.at", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    db_bind_int64(q, 2, account_id);
    db_bind_int64(q, 3, amount);
    db_bind_text(q, 4, currency);
    db_bind_text(q, 5, request);
    db_bind_int64(q, 6, (int64_t)time(NULL));
    return store_run(s, q);
}

enum bc_status store_pending_done(struct store *s, const char *key, const char *outcome)
{
    if (!key)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_PENDING_DONE,
        "UPDATE pending_checkouts SET outcome = ?2 WHERE key = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    db_bind_text(q, 2, outcome ? outcome : "done");
    return store_run_changed(s, q);
}

/* Only checkouts still without an outcome, or whose refund was claimed but
 * not confirmed, oldest first: the WHERE is that of the partial index
 * pending_checkouts_open (schema v5), word for word, so that SQLite reads
 * the index alone. */
enum bc_status store_pending_each(struct store *s,
                                  bool (*cb)(void *ctx, const char *key, int64_t account_id,
                                             int64_t amount, const char *currency, const char *request),
                                  void *ctx)
{
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db, STORE_SQL(s,
        "SELECT key, account_id, amount_minor, currency, request FROM pending_checkouts"
        " WHERE outcome IS NULL OR outcome GLOB 'refunding:*' ORDER BY at, key",
        "SELECT key, account_id, amount_minor, currency, request FROM pending_checkouts"
        " WHERE outcome IS NULL OR outcome LIKE 'refunding:%' ORDER BY at, key"), &q);
    if (rc != DB_OK)
        return store_fail(s, rc);
    while ((rc = db_step(q)) == DB_ROW) {
        if (!cb(ctx, db_column_text(q, 0), db_column_int64(q, 1),
                db_column_int64(q, 2), db_column_text(q, 3),
                db_column_text(q, 4))) {
            rc = DB_DONE;
            break;
        }
    }
    enum bc_status st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_finalize(q);
    return st;
}

/* ---------------------------------------------------------------- idempotency keys */

/* The key's claim inside the caller's transaction (or, when only reading,
 * as one statement of its own): what the key was first claimed for, and
 * the claim written for `fingerprint` when `write` and nobody has it. */
static enum bc_status key_claim_step(struct store *s, const char *key, int64_t account_id,
                                     const char *fingerprint, bool write,
                                     enum store_key_claim *claim, int64_t *order_id)
{
    struct db_stmt *q = NULL;
    enum bc_status st = store_prep(s, SL_KEY_CLAIM_READ,
        "SELECT (SELECT fingerprint FROM idempotency_keys WHERE key = ?1),"
        " (SELECT id FROM orders WHERE idempotency_key = ?1)", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    int rc = db_step(q);
    bool claimed = false;
    if (rc == DB_ROW) {
        const char *fp = db_column_text(q, 0);
        *order_id = db_column_int64(q, 1);
        claimed = fp != NULL;
        if (fp)
            *claim = strcmp(fp, fingerprint) == 0 ? STORE_CLAIM_SAME : STORE_CLAIM_OTHER;
        else if (*order_id > 0)
            *claim = STORE_CLAIM_SAME;
        rc = DB_OK;
    }
    db_reset(q);
    if (rc != DB_OK)
        return store_fail(s, rc);
    if (!write || claimed || *order_id != 0)
        return BC_OK;
    st = store_prep(s, SL_KEY_CLAIM_INSERT,
        "INSERT INTO idempotency_keys(key, account_id, fingerprint, at) VALUES(?1, ?2, ?3, ?4)", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    db_bind_int64(q, 2, account_id);
    db_bind_text(q, 3, fingerprint);
    db_bind_int64(q, 4, (int64_t)time(NULL));
    return store_run(s, q);
}

enum bc_status store_key_claim(struct store *s, const char *key, int64_t account_id,
                               const char *fingerprint, bool write, enum store_key_claim *claim,
                               int64_t *order_id)
{
    *claim = STORE_CLAIM_NEW;
    *order_id = 0;
    if (!key || !fingerprint)
        return BC_INVALID_ARGUMENT;
    /* Only reading: one statement sees one snapshot, and takes no lock. */
    if (!write)
        return key_claim_step(s, key, account_id, fingerprint, false, claim, order_id);
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    st = key_claim_step(s, key, account_id, fingerprint, true, claim, order_id);
    return store_tx_end(s, own, st);
}
