/* test_billing.c — rights, quotes, the cart, seats and orders against a
 * real store holding the shipped catalog's demo data (today 2026-11-25),
 * with the test processor and, for the race between quote and commit, an
 * exec "gateway" (this very binary, run with --gateway) that moves the
 * subscription while it charges. On the engine $BC_TEST_ENGINE names
 * (testdb.h); every case runs on both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "billing.h"
#include "demo.h"
#include "store_test.h"
#include "payment.h"
#include "testdb.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

struct fx {
    char dir[64];
    char path[512];   /* the database's target: a file path or a conninfo */
    struct store *store;
    struct catalog *catalog;
    struct payment_processor *processor;
    struct billing b;
};

static void as_operator(struct billing *b, const char *name, enum store_operator_role role)
{
    memset(&b->actor, 0, sizeof b->actor);
    b->actor.kind = BILLING_ACTOR_OPERATOR;
    snprintf(b->actor.name, sizeof b->actor.name, "%s", name);
    b->actor.op_role = role;
    snprintf(b->actor.origin, sizeof b->actor.origin, "10.0.0.7 51234 22");
}

static void as_contact(struct fx *f, const char *email)
{
    struct store_contact c = {0};
    assert_int_equal(store_contact_by_email(f->store, email, &c), BC_OK);
    memset(&f->b.actor, 0, sizeof f->b.actor);
    f->b.actor.kind = BILLING_ACTOR_CONTACT;
    snprintf(f->b.actor.name, sizeof f->b.actor.name, "%s", c.email);
    f->b.actor.contact_id = c.id;
    snprintf(f->b.actor.origin, sizeof f->b.actor.origin, "kiosk");
    store_contact_clear(&c);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[512];
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-test-billing-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    if (!testdb_fresh_in(f->dir, "bc.db", f->path, sizeof f->path)) {
        fprintf(stderr, "%s\n", testdb_error());
        return -1;
    }
    if (store_open(f->path, STORE_OPEN_CREATE, &f->store) != BC_OK)
        return -1;
    f->catalog = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    if (!f->catalog) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    bc_day today = date_from_civil(2026, 11, 25);
    if (demo_generate(f->store, f->catalog, today, 1000, NULL, NULL) != BC_OK)
        return -1;
    f->processor = payment_test_create(f->store);
    f->b.store = f->store;
    f->b.catalog = f->catalog;
    f->b.processor = f->processor;
    f->b.today = today;
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    payment_destroy(f->processor);
    store_close(f->store);
    catalog_destroy(f->catalog);
    if (!testdb_drop(f->path))
        fprintf(stderr, "# %s\n", testdb_error());
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* ---------------------------------------------------------------- helpers */

static int64_t sub_id(struct fx *f, int64_t account, const char *product)
{
    struct store_subscription_list l = {0};
    int64_t id = 0;
    assert_int_equal(store_subscriptions(f->store, account, &l), BC_OK);
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].product, product) == 0)
            id = l.items[i].id;
    store_subscription_list_clear(&l);
    assert_true(id > 0);
    return id;
}

static struct billing_change change(struct fx *f, int64_t account, const char *product,
                                    const char *plan, int seats, enum bc_period period)
{
    struct billing_change c;
    memset(&c, 0, sizeof c);
    c.subscription_id = sub_id(f, account, product);
    snprintf(c.product, sizeof c.product, "%s", product);
    snprintf(c.to_plan, sizeof c.to_plan, "%s", plan);
    c.to_seats = seats;
    c.to_period = period;
    return c;
}

struct audit_probe {
    int n;
    char actor[300], origin[128], action[64], result[64], before[4096], after[4096];
    int64_t account_id;
};

static bool audit_cb(void *ctx, const struct store_audit_entry *e)
{
    struct audit_probe *p = ctx;
    p->n++;
    snprintf(p->actor, sizeof p->actor, "%s", e->actor ? e->actor : "");
    snprintf(p->origin, sizeof p->origin, "%s", e->origin ? e->origin : "");
    snprintf(p->action, sizeof p->action, "%s", e->action ? e->action : "");
    snprintf(p->result, sizeof p->result, "%s", e->result ? e->result : "");
    snprintf(p->before, sizeof p->before, "%s", e->before ? e->before : "");
    snprintf(p->after, sizeof p->after, "%s", e->after ? e->after : "");
    p->account_id = e->account_id;
    return true;
}

/* Number of audit rows; *last gets the newest. */
static int audit_rows(struct fx *f, struct audit_probe *last)
{
    struct audit_probe p;
    memset(&p, 0, sizeof p);
    assert_int_equal(store_audit_each(f->store, 0, 0, audit_cb, &p), BC_OK);
    if (last)
        *last = p;
    return p.n;
}

struct text { char *s; size_t n, cap; };

static void text_add(struct text *t, const char *s)
{
    size_t len = strlen(s);
    if (t->n + len + 1 > t->cap) {
        t->cap = (t->n + len + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    memcpy(t->s + t->n, s, len + 1);
    t->n += len;
}

static int dump_row(void *ctx, int n, char **vals, char **cols)
{
    (void)cols;
    for (int i = 0; i < n; i++) {
        text_add(ctx, vals[i] ? vals[i] : "NULL");
        text_add(ctx, "|");
    }
    text_add(ctx, "\n");
    return 0;
}

/* Every business table, row by row, through a connection of our own. */
static char *dump_business(struct fx *f)
{
    static const char *const tables[] = {
        "accounts", "subscriptions", "subscription_history", "orders", "order_lines", "ledger",
        "cart_items", "seat_assignments", "payment_methods", "users", "contacts",
    };
    struct text t = {0};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", tables[i]);
        text_add(&t, tables[i]);
        text_add(&t, ":\n");
        testdb_dump(f->path, sql, dump_row, &t);
    }
    return t.s;
}

static int64_t balance_of(struct fx *f, int64_t account)
{
    struct store_account a = {0};
    assert_int_equal(store_account_get(f->store, account, &a), BC_OK);
    int64_t b = a.balance, sum = -1;
    store_account_clear(&a);
    assert_int_equal(store_ledger_sum(f->store, account, &sum), BC_OK);
    assert_int_equal(sum, b);
    return b;
}

static int order_count(struct fx *f, int64_t account)
{
    struct store_order_list l = {0};
    assert_int_equal(store_orders(f->store, account, &l), BC_OK);
    int n = (int)l.n;
    store_order_list_clear(&l);
    return n;
}

static void sub_get(struct fx *f, int64_t id, struct store_subscription *out)
{
    assert_int_equal(store_subscription_get(f->store, id, out), BC_OK);
}

/* ---------------------------------------------------------------- quotes */

static void worked_example(void **state)
{
    struct fx *f = *state;
    struct billing_quote q;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_string_equal(q.currency, "EUR");
    assert_int_equal(q.vat.rate_bp, 2200);
    assert_false(q.vat.reverse_charge);
    assert_int_equal(q.n, 1);
    assert_int_equal(q.versions[0], 1);
    const struct quote_item *it = &q.items[0];
    assert_int_equal(it->credit, 3000);
    assert_int_equal(it->charge, 8000);
    assert_int_equal(it->nlines, 4);
    int64_t credit = 0, credit_vat = 0, charge = 0, charge_vat = 0;
    for (size_t i = 0; i < it->nlines; i++) {
        const struct quote_line *l = &it->lines[i];
        if (l->kind == QUOTE_LINE_CREDIT)
            credit = l->amount;
        else if (l->kind == QUOTE_LINE_CHARGE)
            charge = l->amount;
        else if (l->amount < 0)
            credit_vat = l->amount;
        else
            charge_vat = l->amount;
    }
    assert_int_equal(credit, -3000);
    assert_int_equal(credit_vat, -660);
    assert_int_equal(charge, 8000);
    assert_int_equal(charge_vat, 1760);
    assert_int_equal(it->period_start, date_from_civil(2026, 11, 25));
    assert_int_equal(it->period_end, date_from_civil(2026, 12, 25));
    assert_int_equal(q.totals.total, 6100);
    assert_int_equal(q.totals.balance_applied, 2000);
    assert_int_equal(q.totals.due, 4100);
    assert_int_equal(q.totals.balance_after, 0);
    assert_int_equal(q.balance, 2000);
    /* Quotes are read-only: no audit row. */
    assert_int_equal(audit_rows(f, NULL), rows);

    /* A lower tier asked for by the billing contact is refused with its
     * reason (SPEC §3); an operator (Customer Care) orders it today: the
     * credit for the unused part, the lower charge, the difference to the
     * balance. */
    c = change(f, 1, "gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);
    as_contact(f, "maria.rossi@example.it");
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_DOWNGRADE_REQUIRES_SUPPORT);
    as_operator(&f->b, "rob", STORE_OP_READONLY);
    assert_false(billing_may_downgrade(&f->b));
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    assert_true(billing_may_downgrade(&f->b));
    c = change(f, 1, "gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.items[0].credit, 137655);
    assert_int_equal(q.items[0].charge, 93600);
    assert_int_equal(q.totals.total, -53747);
    assert_int_equal(q.totals.due, 0);
    assert_int_equal(q.totals.balance_applied, 0);
    assert_int_equal(q.totals.balance_after, 2000 + 53747);
    assert_int_equal(audit_rows(f, NULL), rows);
    /* Fewer seats than assigned (3). */
    c = change(f, 1, "gotomeeting", "professional", 2, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_SEATS_BELOW_ASSIGNED);
    /* An unknown plan is an error, not a refusal. */
    c = change(f, 1, "gotomeeting", "platinum", 5, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_NOT_FOUND);
    /* Another account's subscription. */
    c = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_NOT_FOUND);
}

static void vat_cases(void **state)
{
    struct fx *f = *state;
    struct billing_quote q;
    /* Müller (DE, no VAT number): German VAT, 19 %. Credit 16000 x 10/30. */
    struct billing_change c = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.vat.rate_bp, 1900);
    assert_int_equal(q.items[0].credit, 5333);
    assert_int_equal(q.items[0].charge, 22000);
    assert_int_equal(q.totals.tax, -1013 + 4180);
    assert_int_equal(q.totals.due, 19834);
    /* Dupont (FR with a valid VAT number): reverse charge. */
    c = change(f, 4, "gotowebinar", "pro", 3, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 4, &c, &q), BC_OK);
    assert_true(q.vat.reverse_charge);
    assert_int_equal(q.totals.tax, 0);
    /* Acme (US): no VAT. */
    c = change(f, 5, "gotomeeting", "business", 3, BC_PERIOD_ANNUAL);
    assert_int_equal(billing_quote_change(&f->b, 5, &c, &q), BC_OK);
    assert_int_equal(q.vat.rate_bp, 0);
    assert_false(q.vat.in_eu);
    assert_string_equal(q.currency, "USD");
}

static void trial_ended_subscribes_anew(void **state)
{
    struct fx *f = *state;
    struct billing_quote q;
    struct billing_change c = change(f, 8, "gototraining", "starter", 1, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 8, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.items[0].credit, 0);
    assert_int_equal(q.items[0].charge, 8900);
    assert_int_equal(q.totals.tax, 1958);
    assert_int_equal(q.totals.due, 10858);
    assert_int_equal(q.items[0].period_start, f->b.today);
    assert_int_equal(q.items[0].period_end, date_from_civil(2026, 12, 25));

    struct billing_result r;
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "12/30"};
    assert_int_equal(billing_place(&f->b, 8, &c, "trial-1", 10858, &pay, &r), BC_OK);
    struct store_subscription s = {0};
    sub_get(f, c.subscription_id, &s);
    assert_int_equal(s.status, STORE_SUB_ACTIVE);
    assert_int_equal(s.billed, 8900);
    assert_int_equal(s.period_start, f->b.today);
    store_subscription_clear(&s);
}

/* ---------------------------------------------------------------- rights */

static void rights(void **state)
{
    struct fx *f = *state;
    struct store_account a = {0};
    struct billing_rights r;
    struct billing_quote q;

    /* Corporate: never changed here. */
    assert_int_equal(store_account_get(f->store, 2, &a), BC_OK);
    assert_int_equal(billing_rights(&f->b, &a, &r), BC_OK);
    assert_int_equal(r.may_change, BC_CORPORATE_ACCOUNT);
    assert_string_equal(r.billing_name, "Hank Scorpio");
    store_account_clear(&a);
    struct billing_change c = change(f, 2, "gotomeeting", "enterprise", 60, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 2, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_CORPORATE_ACCOUNT);

    /* Operators act for the billing contact; read-only ones never change. */
    assert_int_equal(store_account_get(f->store, 1, &a), BC_OK);
    assert_int_equal(billing_rights(&f->b, &a, &r), BC_OK);
    assert_int_equal(r.may_change, BC_OK);
    assert_string_equal(r.billing_name, "Maria Rossi");
    assert_string_equal(r.billing_email, "maria.rossi@example.it");
    as_operator(&f->b, "rob", STORE_OP_READONLY);
    assert_int_equal(billing_rights(&f->b, &a, &r), BC_OK);
    assert_int_equal(r.may_change, BC_READONLY_OPERATOR);
    as_operator(&f->b, "root", STORE_OP_ADMIN);
    assert_int_equal(billing_rights(&f->b, &a, &r), BC_OK);
    assert_int_equal(r.may_change, BC_OK);

    /* A contact who is not the billing contact is told who is. */
    as_contact(f, "luca.bianchi@example.it");
    assert_int_equal(billing_rights(&f->b, &a, &r), BC_OK);
    assert_int_equal(r.may_change, BC_NOT_BILLING_CONTACT);
    assert_string_equal(r.billing_name, "Maria Rossi");
    assert_string_equal(r.billing_email, "maria.rossi@example.it");
    c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_NOT_BILLING_CONTACT);
    assert_string_equal(q.rights.billing_email, "maria.rossi@example.it");
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_cart_put(&f->b, 1, &c), BC_NOT_BILLING_CONTACT);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.action, "cart.put");
    assert_string_equal(last.result, "not_billing_contact");
    assert_string_equal(last.origin, "kiosk");
    assert_int_equal(last.account_id, 1);
    char want[160];
    snprintf(want, sizeof want, "contact:%lld luca.bianchi@example.it", (long long)f->b.actor.contact_id);
    assert_string_equal(last.actor, want);

    /* The billing contact may; on another account she is nobody. */
    as_contact(f, "maria.rossi@example.it");
    assert_int_equal(billing_rights(&f->b, &a, &r), BC_OK);
    assert_int_equal(r.may_change, BC_OK);
    store_account_clear(&a);
    assert_int_equal(store_account_get(f->store, 3, &a), BC_OK);
    assert_int_equal(billing_rights(&f->b, &a, &r), BC_OK);
    assert_int_equal(r.may_change, BC_NOT_BILLING_CONTACT);
    assert_string_equal(r.billing_name, "Jonas M\xc3\xbcller");
    assert_string_equal(r.billing_email, "jonas.mueller@example.de");
    store_account_clear(&a);

    /* Placing as a read-only operator: refused, audited, nothing charged. */
    as_operator(&f->b, "rob", STORE_OP_READONLY);
    struct billing_result res;
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "12/30"};
    rows = audit_rows(f, NULL);
    assert_int_equal(billing_place(&f->b, 1, &c, "ro-1", -1, &pay, &res), BC_READONLY_OPERATOR);
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.actor, "rob");
    assert_string_equal(last.result, "readonly_operator");
    assert_int_equal(store_test_charge_get(f->store, "ro-1", NULL, NULL, NULL, 0), BC_NOT_FOUND);
}

/* ---------------------------------------------------------------- cart */

static void cart(void **state)
{
    struct fx *f = *state;
    struct store_cart cart = {0};
    struct billing_quote q;
    struct billing_change a = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct billing_change a2 = change(f, 1, "gotomeeting", "business", 6, BC_PERIOD_MONTHLY);
    struct billing_change w = change(f, 1, "gotowebinar", "pro", 2, BC_PERIOD_ANNUAL);
    struct billing_change down = change(f, 1, "gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);

    assert_int_equal(billing_quote_cart(&f->b, 1, &q), BC_OK);
    assert_int_equal(q.refusal, BC_CART_EMPTY);
    assert_int_equal(billing_cart_put(&f->b, 1, &a), BC_OK);
    assert_int_equal(billing_cart_put(&f->b, 1, &a2), BC_OK);   /* replaces */
    assert_int_equal(store_cart_get(f->store, 1, &cart), BC_OK);
    assert_int_equal(cart.n, 1);
    assert_int_equal(cart.items[0].to_seats, 6);
    assert_int_equal(cart.items[0].base_version, 1);
    store_cart_clear(&cart);
    assert_int_equal(billing_cart_put(&f->b, 1, &w), BC_OK);
    as_contact(f, "maria.rossi@example.it");
    assert_int_equal(billing_cart_put(&f->b, 1, &down), BC_DOWNGRADE_REQUIRES_SUPPORT);
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    assert_int_equal(store_cart_get(f->store, 1, &cart), BC_OK);
    assert_int_equal(cart.n, 2);
    for (size_t i = 0; i < cart.n; i++)
        if (strcmp(cart.items[i].product, "gotowebinar") == 0)
            assert_string_equal(cart.items[i].to_plan, "pro");
    store_cart_clear(&cart);

    assert_int_equal(billing_quote_cart(&f->b, 1, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.n, 2);
    assert_int_equal(billing_cart_remove(&f->b, 1, w.subscription_id), BC_OK);
    assert_int_equal(billing_cart_remove(&f->b, 1, w.subscription_id), BC_NOT_FOUND);
    assert_int_equal(billing_quote_cart(&f->b, 1, &q), BC_OK);
    assert_int_equal(q.n, 1);
    /* 6 seats: -3000 -660 +9600 +2112 = 8052, balance 2000 applied. */
    assert_int_equal(q.totals.total, 8052);
    assert_int_equal(q.totals.due, 6052);

    /* Checkout of the cart with the card on file. */
    struct billing_result r;
    assert_int_equal(billing_place(&f->b, 1, NULL, "cart-1", 6052, NULL, &r), BC_OK);
    assert_true(r.order_id > 0);
    assert_int_equal(r.due, 6052);
    assert_int_equal(store_cart_get(f->store, 1, &cart), BC_OK);
    assert_int_equal(cart.n, 0);
    store_cart_clear(&cart);
    struct store_subscription s = {0};
    sub_get(f, a.subscription_id, &s);
    assert_int_equal(s.seats, 6);
    assert_string_equal(s.plan, "business");
    store_subscription_clear(&s);
    assert_int_equal(billing_place(&f->b, 1, NULL, "cart-2", -1, NULL, &r), BC_CART_EMPTY);
}

/* ---------------------------------------------------------------- place */

static void place_and_replay(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct billing_payment pay = {.card_number = "5555 5555 5555 4444", .card_expiry = "10/28",
                                  .save_card = true};
    struct billing_result r;
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_place(&f->b, 1, &c, "key-1", 4100, &pay, &r), BC_OK);
    assert_true(r.order_id > 0);
    assert_false(r.replayed);
    assert_int_equal(r.due, 4100);
    assert_int_equal(r.balance_after, 0);
    assert_int_equal(balance_of(f, 1), 0);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.action, "order.place");
    assert_string_equal(last.result, "ok");
    assert_string_equal(last.actor, "alice");

    struct store_subscription s = {0};
    sub_get(f, c.subscription_id, &s);
    assert_int_equal(s.version, 2);
    assert_string_equal(s.plan, "business");
    assert_int_equal(s.period_start, date_from_civil(2026, 11, 25));
    assert_int_equal(s.period_end, date_from_civil(2026, 12, 25));
    assert_int_equal(s.item_start, date_from_civil(2026, 11, 25));
    assert_int_equal(s.anchor_day, 25);
    assert_int_equal(s.billed, 8000);
    assert_int_equal(s.price, 1600);
    store_subscription_clear(&s);

    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "key-1", &o), BC_OK);
    assert_int_equal(o.id, r.order_id);
    assert_int_equal(o.due, 4100);
    assert_int_equal(o.total, 6100);
    assert_int_equal(o.balance_applied, 2000);
    assert_int_equal(o.nlines, 4);
    int64_t sum = 0;
    for (size_t i = 0; i < o.nlines; i++) {
        sum += o.lines[i].amount;
        assert_string_equal(o.lines[i].plan_from, "professional");
        assert_string_equal(o.lines[i].plan_to, "business");
    }
    assert_int_equal(sum, 6100);
    assert_non_null(o.payment_ref);
    char ref[64];
    enum store_charge_state cs;
    int64_t charged = 0;
    assert_int_equal(store_test_charge_get(f->store, "key-1", &cs, &charged, ref, sizeof ref), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_APPROVED);
    assert_int_equal(charged, 4100);
    assert_string_equal(ref, o.payment_ref);
    store_order_clear(&o);

    /* The new card is kept: brand, last 4, expiry. */
    struct store_card card;
    assert_int_equal(store_card_get(f->store, 1, &card), BC_OK);
    assert_string_equal(card.brand, "mastercard");
    assert_string_equal(card.last4, "4444");
    assert_int_equal(card.exp_month, 10);
    assert_int_equal(card.exp_year, 2028);

    /* Same key again: the first order, nothing more charged. */
    struct billing_result r2;
    assert_int_equal(billing_place(&f->b, 1, &c, "key-1", 4100, &pay, &r2), BC_OK);
    assert_true(r2.replayed);
    assert_int_equal(r2.order_id, r.order_id);
    assert_int_equal(r2.due, 4100);
    assert_int_equal(order_count(f, 1), 1);
    assert_int_equal(balance_of(f, 1), 0);
    assert_int_equal(store_test_charge_get(f->store, "key-1", &cs, &charged, ref, sizeof ref), BC_OK);
    assert_int_equal(charged, 4100);
    assert_int_equal(audit_rows(f, NULL), rows + 2);
    sub_get(f, c.subscription_id, &s);
    assert_int_equal(s.version, 2);
    store_subscription_clear(&s);
    /* A key of another account's order is not this account's. */
    assert_int_equal(billing_place(&f->b, 3, NULL, "key-1", -1, NULL, &r2), BC_INVALID_ARGUMENT);
}

static void decline_changes_nothing(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct billing_payment pay = {.card_number = "4000 0000 0000 0002", .card_expiry = "12/30",
                                  .save_card = true, .vat_number = "IT00743110157"};
    struct billing_result r;
    char *before = dump_business(f);
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_place(&f->b, 1, &c, "dec-1", 4100, &pay, &r), BC_PAYMENT_DECLINED);
    assert_int_equal(r.order_id, 0);
    char *after = dump_business(f);
    assert_string_equal(before, after);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.action, "order.place");
    assert_string_equal(last.result, "payment_declined");
    enum store_charge_state cs;
    assert_int_equal(store_test_charge_get(f->store, "dec-1", &cs, NULL, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_DECLINED);
    /* Nothing pending is left behind for reconcile to finish. */
    int done = -1, back = -1;
    assert_int_equal(billing_reconcile(&f->b, &done, &back), BC_OK);
    assert_int_equal(done, 0);
    assert_int_equal(back, 0);
    free(after);
    after = dump_business(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void checkout_errors(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    struct billing_result r;
    int rows = audit_rows(f, NULL);
    /* Müller keeps no card. */
    assert_int_equal(billing_place(&f->b, 3, &c, "e-1", -1, NULL, &r), BC_PAYMENT_REQUIRED);
    struct billing_payment bad = {.card_number = "4242 4242 4242 4241", .card_expiry = "12/30"};
    assert_int_equal(billing_place(&f->b, 3, &c, "e-2", -1, &bad, &r), BC_INVALID_CARD);
    struct billing_payment old = {.card_number = "4242424242424242", .card_expiry = "10/26"};
    assert_int_equal(billing_place(&f->b, 3, &c, "e-3", -1, &old, &r), BC_CARD_EXPIRED);
    struct billing_payment vat = {.card_number = "4242424242424242", .card_expiry = "11/26",
                                  .vat_number = "DE136464503", .confirm_billing_info = true};
    assert_int_equal(billing_place(&f->b, 3, &c, "e-4", -1, &vat, &r), BC_INVALID_VAT_NUMBER);
    assert_int_equal(audit_rows(f, NULL), rows + 4);
    assert_int_equal(order_count(f, 3), 0);

    /* A valid VAT number given at checkout: reverse charge, kept afterwards. */
    vat.vat_number = "DE 136 464 502";
    assert_int_equal(billing_place(&f->b, 3, &c, "e-5", 19834, &vat, &r), BC_STALE_QUOTE);
    assert_true(r.quote.vat.reverse_charge);
    assert_int_equal(r.quote.totals.due, 16667);
    assert_int_equal(billing_place(&f->b, 3, &c, "e-5", 16667, &vat, &r), BC_OK);
    struct store_account a = {0};
    assert_int_equal(store_account_get(f->store, 3, &a), BC_OK);
    assert_string_equal(a.vat_number, "DE136464502");
    store_account_clear(&a);
    /* Not asked to keep the card: none on file. */
    struct store_card card;
    assert_int_equal(store_card_get(f->store, 3, &card), BC_NOT_FOUND);
}

static void expect_due_mismatch_is_stale(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct billing_result r;
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_place(&f->b, 1, &c, "st-1", 4000, NULL, &r), BC_STALE_QUOTE);
    assert_int_equal(r.order_id, 0);
    assert_int_equal(r.quote.totals.due, 4100);
    assert_int_equal(r.quote.totals.total, 6100);
    assert_int_equal(store_test_charge_get(f->store, "st-1", NULL, NULL, NULL, 0), BC_NOT_FOUND);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.result, "stale_quote");
    assert_int_equal(order_count(f, 1), 0);
    /* The day rolled over between showing and placing. */
    struct billing_quote q;
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    f->b.today++;
    assert_int_equal(billing_place(&f->b, 1, &c, "st-2", q.totals.due, NULL, &r), BC_STALE_QUOTE);
    assert_true(r.quote.totals.due != q.totals.due);
    assert_int_equal(r.quote.items[0].period_start, date_from_civil(2026, 11, 26));
}

static void nothing_due_needs_no_payment(void **state)
{
    struct fx *f = *state;
    /* Bianchi Studio: 20 -> 10 seats leaves credit. No processor at all. */
    f->b.processor = NULL;
    struct billing_change c = change(f, 9, "gotomeeting", "business", 10, BC_PERIOD_MONTHLY);
    struct billing_result r;
    assert_int_equal(billing_place(&f->b, 9, &c, "nd-1", 0, NULL, &r), BC_OK);
    assert_int_equal(r.due, 0);
    /* Seats only: the period [11-16, 12-16) stays. Credit 32000 x 21/30 =
     * 22400 (VAT -4928), charge 16000 x 21/30 = 11200 (VAT 2464): T = -13664. */
    assert_int_equal(r.quote.totals.total, -13664);
    assert_int_equal(r.balance_after, 63664);
    assert_int_equal(balance_of(f, 9), 63664);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "nd-1", &o), BC_OK);
    assert_null(o.payment_ref);
    store_order_clear(&o);
    /* Below the 2 assigned seats: refused. */
    c.to_seats = 1;
    assert_int_equal(billing_place(&f->b, 9, &c, "nd-2", -1, NULL, &r), BC_SEATS_BELOW_ASSIGNED);
}

/* SPEC §3 seats: keep (the shipped catalog): a seat count change alone keeps
 * the period; the lines are the credit for the unused part of the billed
 * item and the charge for the new count over the same days. */
static void seat_only_changes_co_term(void **state)
{
    struct fx *f = *state;
    struct billing_quote q;
    /* Müller (DE 19 %), Business 16.00 x 10, [11-05, 12-05): 10 -> 9 seats on
     * 11-25, 10 of 30 days left. Credit 16000 x 10/30 = 5333 (VAT -1013),
     * charge 14400 x 10/30 = 4800 (VAT 912): T = -634, to the balance. */
    struct billing_change c = change(f, 3, "gotomeeting", "business", 9, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.items[0].credit, 5333);
    assert_int_equal(q.items[0].charge, 4800);
    assert_int_equal(q.items[0].tax, -1013 + 912);
    assert_int_equal(q.items[0].period_start, date_from_civil(2026, 11, 5));
    assert_int_equal(q.items[0].period_end, date_from_civil(2026, 12, 5));
    assert_int_equal(q.totals.total, -634);
    assert_int_equal(q.totals.due, 0);
    assert_int_equal(q.totals.balance_after, 634);

    /* Rossi's GoToWebinar Standard annual 948.00 x 2, [2026-08-17,
     * 2027-08-17), 265 of 365 days left: one more seat costs its share of
     * the year. Credit 189600 x 265/365 = 137655 (VAT -30284), charge
     * 284400 x 265/365 = 206482 (VAT 45426): T = 83969, balance 2000. */
    c = change(f, 1, "gotowebinar", "standard", 3, BC_PERIOD_ANNUAL);
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    assert_int_equal(q.items[0].credit, 137655);
    assert_int_equal(q.items[0].charge, 206482);
    assert_int_equal(q.items[0].subtotal, 68827);
    assert_int_equal(q.items[0].period_start, date_from_civil(2026, 8, 17));
    assert_int_equal(q.items[0].period_end, date_from_civil(2027, 8, 17));
    assert_int_equal(q.totals.total, 83969);
    assert_int_equal(q.totals.balance_applied, 2000);
    assert_int_equal(q.totals.due, 81969);

    /* Bianchi (IT 22 %), Business 16.00 x 20, [11-16, 12-16): 20 -> 19 on
     * 11-25, 21 of 30 days left. Credit 22400 (VAT -4928), charge 30400 x
     * 21/30 = 21280 (VAT 4682): T = -1366, the balance rises to 51366. */
    f->b.processor = NULL;
    c = change(f, 9, "gotomeeting", "business", 19, BC_PERIOD_MONTHLY);
    struct billing_result r;
    assert_int_equal(billing_place(&f->b, 9, &c, "co-1", 0, NULL, &r), BC_OK);
    assert_int_equal(r.quote.totals.total, -1366);
    assert_int_equal(r.due, 0);
    assert_int_equal(balance_of(f, 9), 51366);
    struct store_subscription sub = {0};
    sub_get(f, c.subscription_id, &sub);
    assert_int_equal(sub.seats, 19);
    assert_int_equal(sub.period_start, date_from_civil(2026, 11, 16));
    assert_int_equal(sub.period_end, date_from_civil(2026, 12, 16));
    assert_int_equal(sub.item_start, date_from_civil(2026, 11, 25));
    assert_int_equal(sub.billed, 21280);
    assert_int_equal(sub.credited, 0);
    store_subscription_clear(&sub);

    /* Six days later, back to 20 seats: the credit is exactly what was paid
     * for the 15 days left (21280 x 15/21 = 15200), the charge 20 seats over
     * them (32000 x 15/30 = 16000): the added seat costs 800. */
    f->b.today = date_from_civil(2026, 12, 1);
    c.to_seats = 20;
    assert_int_equal(billing_quote_change(&f->b, 9, &c, &q), BC_OK);
    assert_int_equal(q.items[0].credit, 15200);
    assert_int_equal(q.items[0].charge, 16000);
    assert_int_equal(q.items[0].subtotal, 800);
    assert_int_equal(q.items[0].period_end, date_from_civil(2026, 12, 16));
}

/* ---------------------------------------------------------------- the race */

/* This binary as a payment gateway: charging moves the subscription's
 * version (another operator's order landing meanwhile). */
static int gateway_main(const char *db, const char *sub, const char *dir)
{
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, stdin);
    buf[n] = '\0';
    json_t *req = json_loads(buf, 0, NULL);
    const char *op = json_string_value(json_object_get(req, "op"));
    char path[256];
    if (op && strcmp(op, "charge") == 0) {
        struct store *s = NULL;
        char sql[128];
        snprintf(sql, sizeof sql, "UPDATE subscriptions SET version = version + 1 WHERE id = %s", sub);
        if (store_open(db, STORE_OPEN_EXISTING, &s) != BC_OK || store_exec_for_test(s, sql) != BC_OK)
            return 1;
        store_close(s);
        snprintf(path, sizeof path, "%s/charged", dir);
        fclose(fopen(path, "w"));
        printf("{\"status\": \"approved\", \"reference\": \"gw-race\"}\n");
    } else if (op && strcmp(op, "refund") == 0) {
        snprintf(path, sizeof path, "%s/refunded", dir);
        fclose(fopen(path, "w"));
        printf("{\"status\": \"approved\"}\n");
    } else {
        printf("{\"status\": \"declined\"}\n");
    }
    json_decref(req);
    return 0;
}

static void stale_version_refunds(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    char self[PATH_MAX], cmd[PATH_MAX * 2];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(len > 0);
    self[len] = '\0';
    snprintf(cmd, sizeof cmd, "'%s' --gateway '%s' %lld '%s'", self, f->path,
             (long long)c.subscription_id, f->dir);
    struct payment_processor *gw = payment_exec_create(cmd, 10000);
    f->b.processor = gw;
    struct billing_result r;
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_place(&f->b, 1, &c, "race-1", 4100, NULL, &r), BC_STALE_QUOTE);
    char path[256];
    snprintf(path, sizeof path, "%s/charged", f->dir);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/refunded", f->dir);
    assert_int_equal(access(path, F_OK), 0);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "race-1", &o), BC_NOT_FOUND);
    assert_int_equal(balance_of(f, 1), 2000);
    assert_int_equal(order_count(f, 1), 0);
    /* The new figures come from the moved subscription. */
    assert_int_equal(r.quote.versions[0], 2);
    assert_int_equal(r.quote.totals.due, 4100);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.result, "stale_quote");
    f->b.processor = f->processor;
    payment_destroy(gw);
}

/* ---------------------------------------------------------------- one key, two attempts */

/* This binary as a gateway whose record is the test processor's (the same
 * database), that lets a second attempt with the same key run at a chosen
 * moment of the first one's payment:
 *   finish-first  on the first "status": the other attempt (same figures)
 *                 runs to its end first;
 *   other-figures on "charge", once charged: the other attempt (seats
 *                 `seats`, so another amount) runs to its end first.
 * The other attempt's status, order id and replayed flag go to dir/other. */
/* For gateway2's "stray" mode, before this attempt's charge lands: another
 * key moves the subscription to business x `seats`, then the same request
 * under this attempt's key (business x 5) twice, which now leaves nothing
 * due: the first finds this attempt's checkout open and gives the key back
 * (nothing is charged yet), the second orders for nothing. */
static void stray_attempts(const char *db, struct store *s, struct payment_processor *tp,
                           const char *key, long long sub, int seats, const char *path)
{
    char err[512], mover[64];
    (void)db;
    struct billing b;
    memset(&b, 0, sizeof b);
    b.store = s;
    struct catalog *cat = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    b.catalog = cat;
    b.processor = tp;
    b.today = date_from_civil(2026, 11, 25);
    as_operator(&b, "bob", STORE_OP_OPERATOR);
    struct billing_change c;
    memset(&c, 0, sizeof c);
    c.subscription_id = sub;
    snprintf(c.product, sizeof c.product, "gotomeeting");
    snprintf(c.to_plan, sizeof c.to_plan, "business");
    c.to_seats = seats;
    c.to_period = BC_PERIOD_MONTHLY;
    struct billing_result res;
    snprintf(mover, sizeof mover, "mv-%s", key);
    enum bc_status st = billing_place(&b, 1, &c, mover, -1, NULL, &res);
    FILE *out = fopen(path, "w");
    fprintf(out, "%s", bc_status_code(st));
    c.to_seats = 5;
    for (int i = 0; i < 2; i++) {
        st = billing_place(&b, 1, &c, key, -1, NULL, &res);
        fprintf(out, " %s %lld %lld", bc_status_code(st), (long long)res.order_id,
                (long long)res.due);
    }
    fprintf(out, "\n");
    fclose(out);
    catalog_destroy(cat);
}

static int gateway2_main(char **argv)
{
    const char *db = argv[2], *dir = argv[3], *mode = argv[4], *key = argv[5];
    long long sub = atoll(argv[6]);
    int seats = atoi(argv[7]);
    char buf[4096], path[256], err[512];
    size_t n = fread(buf, 1, sizeof buf - 1, stdin);
    buf[n] = '\0';
    json_t *req = json_loads(buf, 0, NULL);
    const char *op = json_string_value(json_object_get(req, "op"));
    struct store *s = NULL;
    if (!op || store_open(db, STORE_OPEN_EXISTING, &s) != BC_OK)
        return 1;
    struct payment_processor *tp = payment_test_create(s);
    struct payment_request r = {
        .key = json_string_value(json_object_get(req, "key")),
        .amount = (int64_t)json_integer_value(json_object_get(req, "amount_minor")),
        .currency = json_string_value(json_object_get(req, "currency")),
        .card = json_string_value(json_object_get(req, "card")),
    };
    char ref[128] = "";
    int64_t amount = 0;
    enum payment_result pr = PAYMENT_UNKNOWN;
    bool hook = false;
    snprintf(path, sizeof path, "%s/other", dir);
    if (strcmp(op, "status") == 0) {
        hook = strcmp(mode, "finish-first") == 0 && access(path, F_OK) != 0;
    } else if (strcmp(op, "charge") == 0) {
        bool stray = strcmp(mode, "stray") == 0 && access(path, F_OK) != 0;
        if (stray)
            stray_attempts(db, s, tp, key, sub, seats, path);
        pr = payment_charge(tp, &r, ref, sizeof ref);
        hook = strcmp(mode, "other-figures") == 0 && access(path, F_OK) != 0;
    } else if (strcmp(op, "refund") == 0) {
        pr = payment_refund(tp, &r);
    }
    if (hook) {
        struct billing b;
        memset(&b, 0, sizeof b);
        b.store = s;
        struct catalog *cat = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
        b.catalog = cat;
        b.processor = tp;
        b.today = date_from_civil(2026, 11, 25);
        as_operator(&b, "bob", STORE_OP_OPERATOR);
        struct billing_change c;
        memset(&c, 0, sizeof c);
        c.subscription_id = sub;
        snprintf(c.product, sizeof c.product, "gotomeeting");
        snprintf(c.to_plan, sizeof c.to_plan, "business");
        c.to_seats = seats;
        c.to_period = BC_PERIOD_MONTHLY;
        struct billing_result res;
        enum bc_status st = billing_place(&b, 1, &c, key, -1, NULL, &res);
        FILE *out = fopen(path, "w");
        fprintf(out, "%s %lld %d\n", bc_status_code(st), (long long)res.order_id, res.replayed);
        fclose(out);
        catalog_destroy(cat);
    }
    if (strcmp(op, "status") == 0)
        pr = payment_status(tp, r.key, &amount, ref, sizeof ref);
    const char *word = pr == PAYMENT_APPROVED ? "approved" : pr == PAYMENT_DECLINED ? "declined"
                                                                                  : "unknown";
    printf("{\"status\": \"%s\", \"reference\": \"%s\", \"amount_minor\": %lld}\n", word, ref,
           (long long)amount);
    payment_destroy(tp);
    store_close(s);
    json_decref(req);
    return 0;
}

/* A VIES client (vat.check_command) that, asked about account 10's VAT
 * number, first places another request under the same key (account 10's
 * GoToMeeting to PLAN and SEATS; one with something to charge claims the
 * key, then is refused: account 10 has no card), writes what it got to
 * DIR/other as gateway2 does, then answers "valid".
 * argv: --vies-other DB DIR KEY SUB SEATS PLAN. */
static int vies_other_main(char **argv)
{
    const char *db = argv[2], *dir = argv[3], *key = argv[4];
    long long sub = atoll(argv[5]);
    int seats = atoi(argv[6]);
    const char *plan = argv[7];
    char buf[4096], path[256], err[512];
    size_t n = fread(buf, 1, sizeof buf - 1, stdin);
    buf[n] = '\0';
    struct store *s = NULL;
    if (store_open(db, STORE_OPEN_EXISTING, &s) != BC_OK)
        return 1;
    struct billing b;
    memset(&b, 0, sizeof b);
    b.store = s;
    struct catalog *cat = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    if (!cat)
        return 1;
    b.catalog = cat;
    b.today = date_from_civil(2026, 11, 25);
    as_operator(&b, "bob", STORE_OP_OPERATOR);
    struct billing_change c;
    memset(&c, 0, sizeof c);
    c.subscription_id = sub;
    snprintf(c.product, sizeof c.product, "gotomeeting");
    snprintf(c.to_plan, sizeof c.to_plan, "%s", plan);
    c.to_seats = seats;
    c.to_period = BC_PERIOD_MONTHLY;
    struct billing_result res;
    enum bc_status st = billing_place(&b, 10, &c, key, -1, NULL, &res);
    snprintf(path, sizeof path, "%s/other", dir);
    FILE *out = fopen(path, "w");
    if (out) {
        fprintf(out, "%s %lld %d\n", bc_status_code(st), (long long)res.order_id, res.replayed);
        fclose(out);
    }
    catalog_destroy(cat);
    store_close(s);
    printf("{\"valid\": true, \"name\": \"SCHMIDT CONSULTING\", \"address\": \"BERLIN\","
           " \"consultation\": \"WAPIAAAAW1\"}\n");
    return 0;
}

static struct payment_processor *gateway2(struct fx *f, const char *mode, const char *key,
                                          int64_t sub, int seats)
{
    char self[PATH_MAX], cmd[PATH_MAX * 2];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(len > 0);
    self[len] = '\0';
    snprintf(cmd, sizeof cmd, "'%s' --gateway2 '%s' '%s' %s %s %lld %d", self, f->path, f->dir,
             mode, key, (long long)sub, seats);
    struct payment_processor *gw = payment_exec_create(cmd, 20000);
    assert_non_null(gw);
    return gw;
}

static void other_attempt(struct fx *f, char code[64], long long *order_id, int *replayed)
{
    char path[256];
    snprintf(path, sizeof path, "%s/other", f->dir);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    assert_int_equal(fscanf(in, "%63s %lld %d", code, order_id, replayed), 3);
    fclose(in);
}

/* Count of checkouts under `key` with that outcome (NULL: still open). */
static int64_t pending_with(struct fx *f, const char *key, const char *outcome)
{
    char k[128], o[128], sql[400];
    assert_true(testdb_quote(key, k, sizeof k));
    assert_true(testdb_quote(outcome ? outcome : "", o, sizeof o));
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pending_checkouts WHERE key = %s AND %s%s", k,
             outcome ? "outcome = " : "outcome IS NULL", outcome ? o : "");
    return testdb_q1(f->path, sql);
}

/* A retry of the same key that looks while the first attempt still has no
 * order, and writes its checkout after that order landed: it returns the
 * first order and leaves the checkout resolved ('ordered'), not pending. */
static void retry_after_first_order_resolves_checkout(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    /* The first attempt charged and has not committed yet. */
    enum store_key_state ks;
    int64_t prior;
    assert_int_equal(store_pending_open(f->store, "k-1", 1, 4100, "EUR", "{}", &ks, &prior), BC_OK);
    assert_int_equal(ks, STORE_KEY_FREE);
    assert_int_equal(prior, -1);
    assert_int_equal(store_test_charge_put(f->store, "k-1", STORE_CHARGE_APPROVED, 4100, "EUR",
                                           "ref-k1"), BC_OK);
    struct payment_processor *gw = gateway2(f, "finish-first", "k-1", c.subscription_id, 5);
    f->b.processor = gw;
    struct billing_result r;
    assert_int_equal(billing_place(&f->b, 1, &c, "k-1", 4100, NULL, &r), BC_OK);
    char code[64];
    long long other_id = 0;
    int other_replayed = -1;
    other_attempt(f, code, &other_id, &other_replayed);
    assert_string_equal(code, "ok");
    assert_int_equal(other_replayed, 0);
    assert_true(other_id > 0);
    assert_true(r.replayed);
    assert_int_equal(r.order_id, other_id);
    assert_int_equal(order_count(f, 1), 1);
    assert_int_equal(pending_with(f, "k-1", NULL), 0);
    assert_int_equal(pending_with(f, "k-1", "ordered"), 1);
    enum store_charge_state cs;
    int64_t amount = 0;
    assert_int_equal(store_test_charge_get(f->store, "k-1", &cs, &amount, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_APPROVED);
    assert_int_equal(amount, 4100);
    assert_int_equal(balance_of(f, 1), 0);
    f->b.processor = f->processor;
    payment_destroy(gw);
}

/* The same key at the same moment for other parameters (seats 6, so
 * another amount), while this attempt has charged and not committed: the
 * other attempt is refused (idempotency_key_reused, naming no order yet)
 * without touching the charge; this attempt's order stands, charged once. */
static void same_key_other_figures_never_orders_a_refunded_charge(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct payment_processor *gw = gateway2(f, "other-figures", "k-2", c.subscription_id, 6);
    f->b.processor = gw;
    int rows = audit_rows(f, NULL);
    struct billing_result r;
    assert_int_equal(billing_place(&f->b, 1, &c, "k-2", 4100, NULL, &r), BC_OK);
    assert_false(r.replayed);
    char code[64];
    long long other_id = -1;
    int other_replayed = -1;
    other_attempt(f, code, &other_id, &other_replayed);
    assert_string_equal(code, "idempotency_key_reused");
    assert_int_equal(other_id, 0);
    assert_int_equal(other_replayed, 0);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "k-2", &o), BC_OK);
    assert_int_equal(o.id, r.order_id);
    assert_int_equal(o.due, 4100);
    store_order_clear(&o);
    assert_int_equal(order_count(f, 1), 1);
    enum store_charge_state cs;
    int64_t amount = 0;
    assert_int_equal(store_test_charge_get(f->store, "k-2", &cs, &amount, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_APPROVED);
    assert_int_equal(amount, 4100);
    assert_int_equal(pending_with(f, "k-2", NULL), 0);
    assert_int_equal(pending_with(f, "k-2", "ordered"), 1);
    /* One audit row per attempt. */
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 2);
    assert_string_equal(last.result, "ok");
    /* Nothing is left for reconcile; the same request replays. */
    int done = -1, back = -1;
    f->b.processor = f->processor;
    assert_int_equal(billing_reconcile(&f->b, &done, &back), BC_OK);
    assert_int_equal(done, 0);
    assert_int_equal(back, 0);
    struct billing_result r2;
    assert_int_equal(billing_place(&f->b, 1, &c, "k-2", 4100, NULL, &r2), BC_OK);
    assert_true(r2.replayed);
    assert_int_equal(r2.order_id, r.order_id);
    payment_destroy(gw);
}

/* Account 10 (reverse charge: its VAT number is asked of VIES) orders
 * GoToMeeting at 2 seats, nothing to charge, under key `key`; while it asks
 * VIES, another request under the same key runs (vies_other_main: `plan`,
 * `seats`). Returns this attempt's status; *other_code and *other_id what
 * the other request got. */
static enum bc_status nothing_due_raced(struct fx *f, const char *key, const char *plan,
                                        int seats, struct billing_change *a,
                                        struct billing_result *r, char other_code[64],
                                        long long *other_id)
{
    *a = change(f, 10, "gotomeeting", "professional", 2, BC_PERIOD_MONTHLY);
    char self[PATH_MAX], cmd[PATH_MAX * 2];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(len > 0);
    self[len] = '\0';
    snprintf(cmd, sizeof cmd, "'%s' --vies-other '%s' '%s' %s %lld %d %s", self, f->path, f->dir,
             key, (long long)a->subscription_id, seats, plan);
    char *saved = f->catalog->vat_check_command;
    f->catalog->vat_check_command = cmd;
    enum bc_status st = billing_place(&f->b, 10, a, key, -1, NULL, r);
    f->catalog->vat_check_command = saved;
    int other_replayed = -1;
    other_attempt(f, other_code, other_id, &other_replayed);
    assert_int_equal(other_replayed, 0);
    return st;
}

/* An order with nothing to charge claims its key in its one transaction
 * (SPEC §4). Another request that claimed the same key first (an upgrade,
 * then refused for want of a card: no order) wins it: this attempt is refused at
 * its commit (idempotency_key_reused, naming no order) and writes nothing. */
static void same_key_nothing_due_loses_at_its_commit(void **state)
{
    struct fx *f = *state;
    int before = order_count(f, 10);
    struct billing_change a;
    struct billing_result r;
    char code[64];
    long long other_id = -1;
    enum bc_status st = nothing_due_raced(f, "k-claim", "business", 3, &a, &r, code, &other_id);
    assert_string_equal(code, "payment_required");   /* no card on file */
    assert_int_equal(other_id, 0);
    assert_int_equal(st, BC_IDEMPOTENCY_KEY_REUSED);
    assert_int_equal(r.quote.refusal, BC_IDEMPOTENCY_KEY_REUSED);
    assert_int_equal(r.first_order_id, 0);
    assert_int_equal(r.order_id, 0);
    assert_int_equal(order_count(f, 10), before);
    struct store_subscription x = {0};
    assert_int_equal(store_subscription_get(f->store, a.subscription_id, &x), BC_OK);
    assert_int_equal(x.seats, 3);
    assert_string_equal(x.plan, "professional");
    store_subscription_clear(&x);
}

/* The same, the other request placing its order (1 seat) first: this
 * attempt's subscription moved, and the order now under the key is
 * another request's, so it is refused naming that order, not answered
 * with it as a replay. */
static void same_key_nothing_due_after_another_order(void **state)
{
    struct fx *f = *state;
    int before = order_count(f, 10);
    struct billing_change a;
    struct billing_result r;
    char code[64];
    long long other_id = -1;
    enum bc_status st = nothing_due_raced(f, "k-vies", "professional", 1, &a, &r, code, &other_id);
    assert_string_equal(code, "ok");
    assert_true(other_id > 0);
    assert_int_equal(st, BC_IDEMPOTENCY_KEY_REUSED);
    assert_false(r.replayed);
    assert_int_equal(r.first_order_id, other_id);
    assert_int_equal(order_count(f, 10), before + 1);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "k-vies", &o), BC_OK);
    assert_int_equal(o.id, other_id);
    store_order_clear(&o);
    struct store_subscription x = {0};
    assert_int_equal(store_subscription_get(f->store, a.subscription_id, &x), BC_OK);
    assert_int_equal(x.seats, 1);   /* the other request's change, not this one's */
    store_subscription_clear(&x);
}

/* A paid order claims its key in the commit that opens its checkout
 * (SPEC §4: both durable before the charge). A key first claimed for
 * another request opens nothing; the same request opens its checkout and
 * keeps the one claim. */
static void checkout_claims_its_key_in_the_same_commit(void **state)
{
    struct fx *f = *state;
    enum store_key_claim claim;
    enum store_key_state ks;
    int64_t first = -1, prior = 0;
    assert_int_equal(store_pending_open_claim(f->store, "ck-1", 1, 4100, "EUR", "{\"a\":1}",
                                              "{\"req\":1}", &claim, &first, &ks, &prior), BC_OK);
    assert_int_equal(claim, STORE_CLAIM_NEW);
    assert_int_equal(ks, STORE_KEY_FREE);
    assert_int_equal(prior, -1);
    assert_int_equal(pending_with(f, "ck-1", NULL), 1);
    assert_int_equal(testdb_q1(f->path, "SELECT count(*) FROM idempotency_keys WHERE key = 'ck-1'"
                                        " AND fingerprint = '{\"req\":1}'"), 1);
    /* Another request under the key: refused, nothing written. */
    assert_int_equal(store_pending_open_claim(f->store, "ck-1", 1, 9900, "EUR", "{\"a\":2}",
                                              "{\"req\":2}", &claim, &first, &ks, &prior), BC_OK);
    assert_int_equal(claim, STORE_CLAIM_OTHER);
    assert_int_equal(first, 0);
    assert_int_equal(testdb_q1(f->path, "SELECT amount_minor FROM pending_checkouts"
                                        " WHERE key = 'ck-1'"), 4100);
    /* The same request again (a retry): its checkout, written over. */
    assert_int_equal(store_pending_open_claim(f->store, "ck-1", 1, 4100, "EUR", "{\"a\":3}",
                                              "{\"req\":1}", &claim, &first, &ks, &prior), BC_OK);
    assert_int_equal(claim, STORE_CLAIM_SAME);
    assert_int_equal(prior, 4100);
    assert_int_equal(testdb_q1(f->path, "SELECT count(*) FROM idempotency_keys WHERE key = 'ck-1'"), 1);
    assert_int_equal(pending_with(f, "ck-1", NULL), 1);
}

/* SPEC §4 with Stripe's rule: a key replayed with the same request returns
 * the first order; with other parameters it is refused, naming the first
 * order, and nothing is done. Keys used before fingerprints keep replaying. */
static void key_reused_with_other_parameters_is_refused(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct billing_result r, r2;
    assert_int_equal(billing_place(&f->b, 1, &c, "ik-1", 4100, NULL, &r), BC_OK);
    assert_false(r.replayed);
    assert_int_equal(billing_place(&f->b, 1, &c, "ik-1", -1, NULL, &r2), BC_OK);
    assert_true(r2.replayed);
    assert_int_equal(r2.order_id, r.order_id);

    int rows = audit_rows(f, NULL);
    struct billing_change more = c;
    more.to_seats = 6;
    assert_int_equal(billing_place(&f->b, 1, &more, "ik-1", -1, NULL, &r2), BC_IDEMPOTENCY_KEY_REUSED);
    assert_false(r2.replayed);
    assert_int_equal(r2.order_id, 0);
    assert_int_equal(r2.first_order_id, r.order_id);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.result, "idempotency_key_reused");
    /* A card given where none was is another request too. */
    struct billing_payment card = {.card_number = "4242424242424242", .card_expiry = "12/30"};
    assert_int_equal(billing_place(&f->b, 1, &c, "ik-1", -1, &card, &r2), BC_IDEMPOTENCY_KEY_REUSED);
    struct billing_payment country = {.country = "de"};
    assert_int_equal(billing_place(&f->b, 1, &c, "ik-1", -1, &country, &r2), BC_IDEMPOTENCY_KEY_REUSED);
    assert_int_equal(order_count(f, 1), 1);
    struct store_subscription s = {0};
    sub_get(f, c.subscription_id, &s);
    assert_int_equal(s.version, 2);
    assert_int_equal(s.seats, 5);
    store_subscription_clear(&s);
    enum store_charge_state cs;
    int64_t amount = 0;
    assert_int_equal(store_test_charge_get(f->store, "ik-1", &cs, &amount, NULL, 0), BC_OK);
    assert_int_equal(amount, 4100);

    /* A key whose first request ordered nothing (declined) is still its own. */
    struct billing_payment declined = {.card_number = "4000000000000002", .card_expiry = "12/30"};
    struct billing_change t = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_place(&f->b, 3, &t, "ik-2", -1, &declined, &r2), BC_PAYMENT_DECLINED);
    t.to_seats = 11;
    assert_int_equal(billing_place(&f->b, 3, &t, "ik-2", -1, &declined, &r2), BC_IDEMPOTENCY_KEY_REUSED);
    assert_int_equal(r2.first_order_id, 0);

    /* An order placed before keys had fingerprints replays whatever is asked. */
    testdb_exec(f->store, "DELETE FROM idempotency_keys WHERE key = 'ik-1'");
    assert_int_equal(billing_place(&f->b, 1, &more, "ik-1", -1, NULL, &r2), BC_OK);
    assert_true(r2.replayed);
    assert_int_equal(r2.order_id, r.order_id);
    assert_int_equal(order_count(f, 1), 1);
}

/* A country given at checkout that is not the account's (Müller, DE, 19%)
 * is a change of its billing information: refused until confirmed, with
 * what would change in the quote; once confirmed it is written with the
 * order and the order's audit row has it before and after. */
static void billing_info_change_needs_confirmation(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "12/30",
                                  .country = "lu"};
    struct billing_result r;
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_place(&f->b, 3, &c, "bi-1", -1, &pay, &r),
                     BC_BILLING_INFO_CHANGE_UNCONFIRMED);
    assert_int_equal(r.quote.refusal, BC_BILLING_INFO_CHANGE_UNCONFIRMED);
    const struct billing_info_change *bi = &r.quote.billing_info;
    assert_true(bi->pending);
    assert_string_equal(bi->country_before, "DE");
    assert_string_equal(bi->country_after, "LU");
    assert_int_equal(bi->vat_rule_before.rate_bp, 1900);
    assert_int_equal(r.quote.vat.rate_bp, 1700);
    assert_int_equal(order_count(f, 3), 0);
    assert_int_equal(store_test_charge_get(f->store, "bi-1", NULL, NULL, NULL, 0), BC_NOT_FOUND);
    struct store_account a = {0};
    assert_int_equal(store_account_get(f->store, 3, &a), BC_OK);
    assert_string_equal(a.country, "DE");
    store_account_clear(&a);
    assert_int_equal(audit_rows(f, NULL), rows + 1);

    /* The quote for the checkout shows the same. */
    struct billing_quote q;
    assert_int_equal(billing_quote_checkout(&f->b, 3, &c, NULL, "LU", &q), BC_OK);
    assert_true(q.billing_info.pending);
    assert_string_equal(q.billing_info.country_after, "LU");
    /* The account's own country is no change. */
    assert_int_equal(billing_quote_checkout(&f->b, 3, &c, NULL, "de", &q), BC_OK);
    assert_false(q.billing_info.pending);

    pay.confirm_billing_info = true;
    int64_t due = r.quote.totals.due;
    assert_int_equal(billing_place(&f->b, 3, &c, "bi-1", due, &pay, &r), BC_OK);
    assert_int_equal(store_account_get(f->store, 3, &a), BC_OK);
    assert_string_equal(a.country, "LU");
    store_account_clear(&a);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 2);
    assert_string_equal(last.action, "order.place");
    assert_non_null(strstr(last.after, "\"billing_info\":{\"country\":\"LU\""));
}

/* The billing information is written in the order's own transaction: when
 * that write fails, there is no order and nothing stays charged. */
static void billing_info_written_with_the_order(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "12/30",
                                  .country = "LU", .confirm_billing_info = true};
    /* The failure is a trigger of the test's own, in each engine's dialect. */
    if (testdb_engine() == TESTDB_PG)
        testdb_exec(f->store,
            "CREATE FUNCTION no_lu() RETURNS trigger LANGUAGE plpgsql AS"
            " $$BEGIN RAISE EXCEPTION 'no LU'; END$$;"
            "CREATE TRIGGER no_lu BEFORE UPDATE OF country ON accounts FOR EACH ROW"
            " WHEN (NEW.country = 'LU') EXECUTE FUNCTION no_lu()");
    else
        testdb_exec(f->store,
            "CREATE TRIGGER no_lu BEFORE UPDATE OF country ON accounts WHEN NEW.country = 'LU'"
            " BEGIN SELECT RAISE(ABORT, 'no LU'); END");
    struct billing_result r;
    assert_int_not_equal(billing_place(&f->b, 3, &c, "bi-2", -1, &pay, &r), BC_OK);
    assert_int_equal(order_count(f, 3), 0);
    enum store_charge_state cs;
    assert_int_equal(store_test_charge_get(f->store, "bi-2", &cs, NULL, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_REFUNDED);
    struct store_subscription s = {0};
    sub_get(f, c.subscription_id, &s);
    assert_int_equal(s.version, 1);
    store_subscription_clear(&s);
}

/* A new card replaces the card on file only when asked (save_card), with
 * the order, and the order's audit row has brand, last 4 and expiry before
 * and after, never the number. */
static void new_card_kept_only_when_asked(void **state)
{
    struct fx *f = *state;
    struct store_card before;
    assert_int_equal(store_card_get(f->store, 1, &before), BC_OK);
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct billing_payment pay = {.card_number = "5555 5555 5555 4444", .card_expiry = "10/28"};
    struct billing_result r;
    assert_int_equal(billing_place(&f->b, 1, &c, "nc-1", 4100, &pay, &r), BC_OK);
    struct store_card now;
    assert_int_equal(store_card_get(f->store, 1, &now), BC_OK);
    assert_string_equal(now.last4, before.last4);
    assert_string_equal(now.brand, before.brand);
    assert_int_equal(now.exp_year, before.exp_year);
    struct audit_probe last;
    audit_rows(f, &last);
    assert_null(strstr(last.after, "card_on_file"));

    struct billing_change t = change(f, 1, "gotowebinar", "enterprise", 10, BC_PERIOD_MONTHLY);
    pay.save_card = true;
    assert_int_equal(billing_place(&f->b, 1, &t, "nc-2", -1, &pay, &r), BC_OK);
    assert_int_equal(store_card_get(f->store, 1, &now), BC_OK);
    assert_string_equal(now.brand, "mastercard");
    assert_string_equal(now.last4, "4444");
    audit_rows(f, &last);
    char want[128];
    snprintf(want, sizeof want, "\"card_on_file\":{\"brand\":\"%s\",\"exp_month\":%d,"
             "\"exp_year\":%d,\"last4\":\"%s\"}", before.brand, before.exp_month,
             before.exp_year, before.last4);
    assert_non_null(strstr(last.before, want));
    assert_non_null(strstr(last.after, "\"card_on_file\":{\"brand\":\"mastercard\","
                                       "\"exp_month\":10,\"exp_year\":2028,\"last4\":\"4444\"}"));
    assert_null(strstr(last.after, "5555555555554444"));
    assert_null(strstr(last.before, "5555555555554444"));

    /* An order completed by reconcile keeps the card only when asked too. */
    struct billing_payment lost = {.card_number = "4000000000000119", .card_expiry = "11/31"};
    struct billing_change g = change(f, 1, "gotomeeting", "enterprise", 5, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_place(&f->b, 1, &g, "nc-3", -1, &lost, &r), BC_PAYMENT_UNCONFIRMED);
    int64_t due = r.quote.totals.due;
    assert_true(due > 0);
    assert_int_equal(store_test_charge_put(f->store, "nc-3", STORE_CHARGE_APPROVED, due, "EUR",
                                           "ref-nc3"), BC_OK);
    int done = -1, back = -1;
    assert_int_equal(billing_reconcile(&f->b, &done, &back), BC_OK);
    assert_int_equal(done, 1);
    assert_int_equal(store_card_get(f->store, 1, &now), BC_OK);
    assert_string_equal(now.last4, "4444");
    assert_int_equal(now.exp_year, 2028);
}

/* An attempt whose charge lands after another attempt of the same request
 * (the figures moved meanwhile) gave the key back and a third ordered it for
 * nothing due: the charge is not that order's and goes back; the attempt
 * answers with the order. */
static void charge_landing_after_an_order_for_nothing_is_refunded(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct payment_processor *gw = gateway2(f, "stray", "k-3", c.subscription_id, 10);
    f->b.processor = gw;
    struct billing_result r;
    enum bc_status st = billing_place(&f->b, 1, &c, "k-3", 4100, NULL, &r);
    char path[256], line[256] = "";
    snprintf(path, sizeof path, "%s/other", f->dir);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    assert_non_null(fgets(line, sizeof line, in));
    fclose(in);
    char mv[64], a1[64], a2[64];
    long long id1, id2, due1, due2;
    assert_int_equal(sscanf(line, "%63s %63s %lld %lld %63s %lld %lld", mv, a1, &id1, &due1, a2,
                            &id2, &due2), 7);
    assert_string_equal(mv, "ok");
    assert_string_equal(a1, "stale_quote");
    assert_string_equal(a2, "ok");
    assert_int_equal(due2, 0);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "k-3", &o), BC_OK);
    assert_int_equal(o.id, id2);
    assert_int_equal(o.due, 0);
    store_order_clear(&o);
    enum store_charge_state cs;
    int64_t amount = 0;
    assert_int_equal(store_test_charge_get(f->store, "k-3", &cs, &amount, NULL, 0), BC_OK);
    assert_int_equal(amount, 4100);
    assert_int_equal(cs, STORE_CHARGE_REFUNDED);
    assert_int_equal(st, BC_OK);
    assert_true(r.replayed);
    assert_int_equal(r.order_id, id2);
    f->b.processor = f->processor;
    payment_destroy(gw);
}

/* An order with nothing due is one transaction and writes no checkout;
 * but a key with a charge still open under it (a paid attempt that died
 * after charging, then the figures moved to nothing due) is not ordered
 * for nothing: the charge goes back first, then the key orders. */
static void nothing_due_with_open_charge_refunds(void **state)
{
    struct fx *f = *state;
    /* Bianchi Studio: 20 -> 10 seats leaves credit. */
    struct billing_change c = change(f, 9, "gotomeeting", "business", 10, BC_PERIOD_MONTHLY);
    enum store_key_state ks;
    int64_t prior;
    assert_int_equal(store_pending_open(f->store, "nd-9", 9, 700, "EUR", "{}", &ks, &prior), BC_OK);
    assert_int_equal(store_test_charge_put(f->store, "nd-9", STORE_CHARGE_APPROVED, 700, "EUR",
                                           "ref-nd"), BC_OK);
    struct billing_result r;
    assert_int_equal(billing_place(&f->b, 9, &c, "nd-9", 0, NULL, &r), BC_STALE_QUOTE);
    assert_int_equal(order_count(f, 9), 0);
    enum store_charge_state cs;
    assert_int_equal(store_test_charge_get(f->store, "nd-9", &cs, NULL, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_REFUNDED);
    assert_int_equal(pending_with(f, "nd-9", "refunded"), 1);
    assert_int_equal(billing_place(&f->b, 9, &c, "nd-9", 0, NULL, &r), BC_OK);
    assert_false(r.replayed);
    assert_int_equal(order_count(f, 9), 1);
    assert_int_equal(balance_of(f, 9), 63664);
    /* A key never charged: no checkout is written at all. */
    c.to_seats = 9;
    assert_int_equal(billing_place(&f->b, 9, &c, "nd-10", -1, NULL, &r), BC_OK);
    assert_int_equal(r.due, 0);
    assert_int_equal(pending_with(f, "nd-10", NULL), 0);
    assert_int_equal(pending_with(f, "nd-10", "ordered"), 0);
}

/* ---------------------------------------------------------------- reconcile */

static void reconcile(void **state)
{
    struct fx *f = *state;
    struct billing_result r;
    /* The gateway charged, but the answer never arrived (processing error). */
    struct billing_payment lost = {.card_number = "4000000000000119", .card_expiry = "12/30"};
    struct billing_change c1 = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_place(&f->b, 1, &c1, "rc-1", 4100, &lost, &r), BC_PAYMENT_UNCONFIRMED);
    assert_int_equal(audit_rows(f, NULL), rows + 1);
    assert_int_equal(store_test_charge_put(f->store, "rc-1", STORE_CHARGE_APPROVED, 4100, "EUR",
                                           "ref-late"), BC_OK);
    /* Same for Müller, whose balance then moves: the charge no longer matches. */
    struct billing_change c3 = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_place(&f->b, 3, &c3, "rc-3", 19834, &lost, &r), BC_PAYMENT_UNCONFIRMED);
    assert_int_equal(store_test_charge_put(f->store, "rc-3", STORE_CHARGE_APPROVED, 19834, "EUR",
                                           "ref-3"), BC_OK);
    assert_int_equal(store_ledger_opening(f->store, 3, 500), BC_OK);
    /* And one the gateway never charged. */
    struct billing_change c10 = change(f, 10, "gotomeeting", "business", 3, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_place(&f->b, 10, &c10, "rc-10", -1, &lost, &r), BC_PAYMENT_UNCONFIRMED);
    assert_int_equal(order_count(f, 1), 0);

    int done = -1, back = -1;
    assert_int_equal(billing_reconcile(&f->b, &done, &back), BC_OK);
    assert_int_equal(done, 1);
    assert_int_equal(back, 1);

    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "rc-1", &o), BC_OK);
    assert_string_equal(o.payment_ref, "ref-late");
    assert_int_equal(o.due, 4100);
    assert_int_equal(o.account_id, 1);
    store_order_clear(&o);
    assert_int_equal(balance_of(f, 1), 0);
    struct store_subscription s = {0};
    sub_get(f, c1.subscription_id, &s);
    assert_string_equal(s.plan, "business");
    assert_int_equal(s.version, 2);
    store_subscription_clear(&s);

    enum store_charge_state cs;
    assert_int_equal(store_test_charge_get(f->store, "rc-3", &cs, NULL, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_REFUNDED);
    assert_int_equal(store_order_by_key(f->store, "rc-3", &o), BC_NOT_FOUND);
    assert_int_equal(balance_of(f, 3), 500);
    assert_int_equal(store_order_by_key(f->store, "rc-10", &o), BC_NOT_FOUND);

    /* Nothing left to do; placing rc-1 again returns the completed order. */
    assert_int_equal(billing_reconcile(&f->b, &done, &back), BC_OK);
    assert_int_equal(done, 0);
    assert_int_equal(back, 0);
    assert_int_equal(billing_place(&f->b, 1, &c1, "rc-1", 4100, &lost, &r), BC_OK);
    assert_true(r.replayed);
    assert_int_equal(order_count(f, 1), 1);
}

/* The process died after the charge: placing again with the key finishes it
 * with the charge already made. */
static void retry_reuses_the_charge(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    assert_int_equal(store_test_charge_put(f->store, "rt-1", STORE_CHARGE_APPROVED, 4100, "EUR",
                                           "ref-first"), BC_OK);
    struct billing_result r;
    assert_int_equal(billing_place(&f->b, 1, &c, "rt-1", 4100, NULL, &r), BC_OK);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "rt-1", &o), BC_OK);
    assert_string_equal(o.payment_ref, "ref-first");
    store_order_clear(&o);
    /* A leftover charge for other figures is refunded, the order refused. */
    c = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(store_test_charge_put(f->store, "rt-3", STORE_CHARGE_APPROVED, 999, "EUR",
                                           "ref-odd"), BC_OK);
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "12/30"};
    assert_int_equal(billing_place(&f->b, 3, &c, "rt-3", 19834, &pay, &r), BC_STALE_QUOTE);
    enum store_charge_state cs;
    assert_int_equal(store_test_charge_get(f->store, "rt-3", &cs, NULL, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_REFUNDED);
    /* Then the same key charges afresh. */
    assert_int_equal(billing_place(&f->b, 3, &c, "rt-3", 19834, &pay, &r), BC_OK);
    int64_t amount = 0;
    assert_int_equal(store_test_charge_get(f->store, "rt-3", &cs, &amount, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_APPROVED);
    assert_int_equal(amount, 19834);
}

/* ---------------------------------------------------------------- seats, users, audit */

static void seats_and_users(void **state)
{
    struct fx *f = *state;
    int64_t sub = sub_id(f, 3, "gotomeeting");   /* 10 seats, 8 of 9 users assigned */
    struct store_seat_list seats = {0};
    assert_int_equal(store_seats(f->store, sub, &seats), BC_OK);
    int64_t free_user = 0;
    for (size_t i = 0; i < seats.n; i++)
        if (!seats.items[i].assigned)
            free_user = seats.items[i].user_id;
    store_seat_list_clear(&seats);
    assert_true(free_user > 0);

    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_seat_set(&f->b, 3, sub, free_user, true), BC_OK);
    int64_t u1 = 0, u2 = 0;
    assert_int_equal(billing_user_add(&f->b, 3, "Eva Klein", "eva.klein@example.de", &u1), BC_OK);
    assert_int_equal(billing_user_add(&f->b, 3, "Udo Lang", "udo.lang@example.de", &u2), BC_OK);
    assert_int_equal(billing_user_add(&f->b, 3, "", "x@example.de", NULL), BC_INVALID_ARGUMENT);
    assert_int_equal(billing_seat_set(&f->b, 3, sub, u1, true), BC_OK);       /* 10 of 10 */
    assert_int_equal(billing_seat_set(&f->b, 3, sub, u2, true), BC_SEATS_EXHAUSTED);
    assert_int_equal(billing_seat_set(&f->b, 1, sub, u2, true), BC_NOT_FOUND); /* not account 1's */
    assert_int_equal(billing_seat_set(&f->b, 3, sub, u1, false), BC_OK);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 8);
    assert_string_equal(last.action, "seat.unassign");
    struct store_subscription s = {0};
    sub_get(f, sub, &s);
    assert_int_equal(s.seats_assigned, 9);
    store_subscription_clear(&s);

    /* Seats cannot go below the assigned count. */
    struct billing_change c = change(f, 3, "gotomeeting", "business", 8, BC_PERIOD_MONTHLY);
    struct billing_quote q;
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_SEATS_BELOW_ASSIGNED);
}

/* An e-mail already on the account (in any case) is refused and nothing
 * is added; a malformed one is refused with what is wrong with it. */
static void users_refuse_duplicate_and_bad_emails(void **state)
{
    struct fx *f = *state;
    assert_int_equal(billing_email_check("eva@example.de"), BC_OK);
    assert_int_equal(billing_email_check("eva.example.de"), BC_INVALID_EMAIL_AT);
    assert_int_equal(billing_email_check("@example.de"), BC_INVALID_EMAIL_AT);
    assert_int_equal(billing_email_check("a@b@example.de"), BC_INVALID_EMAIL_AT);
    assert_int_equal(billing_email_check("eva@example"), BC_INVALID_EMAIL_DOMAIN);
    assert_int_equal(billing_email_check("eva@example."), BC_INVALID_EMAIL_DOMAIN);
    assert_int_equal(billing_email_check("eva@.de"), BC_INVALID_EMAIL_DOMAIN);
    assert_int_equal(billing_email_check("eva@example..de"), BC_INVALID_EMAIL_DOMAIN);
    assert_int_equal(billing_email_check("eva klein@example.de"), BC_INVALID_EMAIL_SPACE);

    struct store_user_list before = {0}, after = {0};
    assert_int_equal(store_users(f->store, 3, &before), BC_OK);
    int64_t u = 0;
    assert_int_equal(billing_user_add(&f->b, 3, "Eva Klein", "eva.klein@example.de", &u), BC_OK);
    int rows = audit_rows(f, NULL);
    assert_int_equal(billing_user_add(&f->b, 3, "Eva K.", "Eva.Klein@EXAMPLE.de", NULL),
                     BC_DUPLICATE_USER_EMAIL);
    assert_int_equal(billing_user_add(&f->b, 3, "Eva", "eva@example", NULL), BC_INVALID_EMAIL_DOMAIN);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 2);     /* refusals are audited too */
    assert_string_equal(last.action, "user.add");
    assert_int_equal(store_users(f->store, 3, &after), BC_OK);
    assert_int_equal(after.n, before.n + 1);
    /* the same e-mail on another account is another person's business */
    assert_int_equal(billing_user_add(&f->b, 1, "Eva Klein", "eva.klein@example.de", NULL), BC_OK);
    assert_true(bc_status_is_refusal(BC_DUPLICATE_USER_EMAIL));
    store_user_list_clear(&before);
    store_user_list_clear(&after);
}

/* Removing a user unassigns the seats it holds in the same step, leaves
 * one audit row, and is refused where the account cannot be changed. */
static void users_removed_with_their_seats(void **state)
{
    struct fx *f = *state;
    int64_t sub = sub_id(f, 3, "gotomeeting");
    struct store_seat_list seats = {0};
    assert_int_equal(store_seats(f->store, sub, &seats), BC_OK);
    int64_t holder = 0;
    for (size_t i = 0; i < seats.n && holder == 0; i++)
        if (seats.items[i].assigned)
            holder = seats.items[i].user_id;
    store_seat_list_clear(&seats);
    assert_true(holder > 0);
    struct store_subscription s = {0};
    sub_get(f, sub, &s);
    int assigned = s.seats_assigned;
    store_subscription_clear(&s);

    int rows = audit_rows(f, NULL);
    int freed = -1;
    assert_int_equal(billing_user_remove(&f->b, 1, holder, &freed), BC_NOT_FOUND); /* not account 1's */
    assert_int_equal(billing_user_remove(&f->b, 3, holder, &freed), BC_OK);
    assert_int_equal(freed, 1);
    struct audit_probe last;
    assert_int_equal(audit_rows(f, &last), rows + 2);
    assert_string_equal(last.action, "user.remove");
    assert_non_null(strstr(last.after, "\"seats_unassigned\":1"));
    assert_non_null(strstr(last.before, "\"email\""));
    sub_get(f, sub, &s);
    assert_int_equal(s.seats_assigned, assigned - 1);
    store_subscription_clear(&s);
    struct store_user_list users = {0};
    assert_int_equal(store_users(f->store, 3, &users), BC_OK);
    for (size_t i = 0; i < users.n; i++)
        assert_true(users.items[i].id != holder);
    store_user_list_clear(&users);
    assert_int_equal(billing_user_remove(&f->b, 3, holder, NULL), BC_NOT_FOUND);

    /* a user without seats: nothing to unassign */
    int64_t u = 0;
    assert_int_equal(billing_user_add(&f->b, 3, "Udo Lang", "udo.lang@example.de", &u), BC_OK);
    assert_int_equal(billing_user_remove(&f->b, 3, u, &freed), BC_OK);
    assert_int_equal(freed, 0);
    /* the e-mail is free again */
    assert_int_equal(billing_user_add(&f->b, 3, "Udo Lang", "udo.lang@example.de", NULL), BC_OK);

    /* the corporate account cannot be changed here */
    struct store_user_list corp = {0};
    assert_int_equal(store_users(f->store, 2, &corp), BC_OK);
    if (corp.n > 0)
        assert_int_equal(billing_user_remove(&f->b, 2, corp.items[0].id, NULL), BC_CORPORATE_ACCOUNT);
    store_user_list_clear(&corp);
}

/* Customer Care's downgrade (SPEC §3): an operator places a lower tier
 * today; the credit exceeds the lower charge, nothing is charged and the
 * difference goes to the balance, exactly as quoted; the audit row names
 * the operator. The billing contact's same order is refused. */
static void operator_downgrade_credits_balance(void **state)
{
    struct fx *f = *state;
    struct billing_change down = change(f, 1, "gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);
    struct billing_result r;
    struct billing_quote q;
    struct audit_probe last;

    as_contact(f, "maria.rossi@example.it");
    assert_int_equal(billing_place(&f->b, 1, &down, "down-c", -1, NULL, &r),
                     BC_DOWNGRADE_REQUIRES_SUPPORT);
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    assert_int_equal(billing_quote_change(&f->b, 1, &down, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(billing_place(&f->b, 1, &down, "down-op", q.totals.due, NULL, &r), BC_OK);
    assert_true(r.order_id > 0);
    assert_int_equal(r.due, 0);
    assert_int_equal(r.balance_after, 55747);
    assert_int_equal(balance_of(f, 1), 55747);
    struct store_subscription sub = {0};
    sub_get(f, down.subscription_id, &sub);
    assert_string_equal(sub.plan, "lite");
    store_subscription_clear(&sub);
    audit_rows(f, &last);
    assert_string_equal(last.action, "order.place");
    assert_string_equal(last.result, "ok");
    assert_string_equal(last.actor, "alice");
}

static void every_attempt_one_audit_row(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct billing_change down = change(f, 1, "gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);
    struct billing_payment dec = {.card_number = "4000000000009995", .card_expiry = "12/30"};
    struct billing_result r;
    struct billing_quote q;
    int rows = audit_rows(f, NULL);
#define STEP(expr, want) do { assert_int_equal((expr), (want)); rows++; \
                              assert_int_equal(audit_rows(f, NULL), rows); } while (0)
    STEP(billing_cart_put(&f->b, 1, &c), BC_OK);
    as_contact(f, "maria.rossi@example.it");
    STEP(billing_cart_put(&f->b, 1, &down), BC_DOWNGRADE_REQUIRES_SUPPORT);
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    STEP(billing_cart_remove(&f->b, 1, c.subscription_id), BC_OK);
    STEP(billing_cart_put(&f->b, 999999, &c), BC_NOT_FOUND);
    STEP(billing_place(&f->b, 1, &c, "a-1", -1, &dec, &r), BC_PAYMENT_DECLINED);
    as_contact(f, "maria.rossi@example.it");
    STEP(billing_place(&f->b, 1, &down, "a-2", -1, NULL, &r), BC_DOWNGRADE_REQUIRES_SUPPORT);
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    STEP(billing_place(&f->b, 1, &c, "a-3", 1, NULL, &r), BC_STALE_QUOTE);
    STEP(billing_place(&f->b, 1, &c, "a-4", 4100, NULL, &r), BC_OK);
    STEP(billing_place(&f->b, 1, &c, "a-4", 4100, NULL, &r), BC_OK);
    STEP(billing_place(&f->b, 2, NULL, "a-5", -1, NULL, &r), BC_CORPORATE_ACCOUNT);
    STEP(billing_place(&f->b, 1, NULL, "a-6", -1, NULL, &r), BC_CART_EMPTY);
    STEP(billing_place(&f->b, 1, &c, "", -1, NULL, &r), BC_INVALID_ARGUMENT);
#undef STEP
    /* Read-only queries leave none. */
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    assert_int_equal(billing_quote_cart(&f->b, 1, &q), BC_OK);
    assert_int_equal(audit_rows(f, NULL), rows);
}

static void new_keys(void **state)
{
    (void)state;
    char a[33], b[33];
    billing_new_key(a);
    billing_new_key(b);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
}

/* ---------------------------------------------------------------- checkout re-quote */

static void quote_checkout_vat_as_typed(void **state)
{
    struct fx *f = *state;
    struct billing_quote q;
    /* Müller (DE, no VAT number): German VAT 19 % on the change. */
    struct billing_change c = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_checkout(&f->b, 3, &c, NULL, NULL, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_false(q.vat.reverse_charge);
    assert_int_equal(q.vat.rate_bp, 1900);
    assert_int_equal(q.totals.tax, -1013 + 4180);
    assert_int_equal(q.totals.due, 19834);
    /* The same with a valid German VAT number typed (lower case, spaces):
     * reverse charge, no VAT. 22000 - 5333. */
    assert_int_equal(billing_quote_checkout(&f->b, 3, &c, "de 136 464 502", "de", &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_true(q.vat.reverse_charge);
    assert_int_equal(q.vat.rate_bp, 0);
    assert_int_equal(q.totals.tax, 0);
    assert_int_equal(q.totals.due, 16667);
    int64_t shown = q.totals.due;
    /* Bad input is reported, never quoted. */
    assert_int_equal(billing_quote_checkout(&f->b, 3, &c, "DE136464503", NULL, &q),
                     BC_INVALID_VAT_NUMBER);
    assert_int_equal(billing_quote_checkout(&f->b, 3, &c, NULL, "D1", &q), BC_UNKNOWN_COUNTRY);
    /* A French number for a German customer is not valid for DE. */
    assert_int_equal(billing_quote_checkout(&f->b, 3, &c, "FR44732829320", NULL, &q),
                     BC_INVALID_VAT_NUMBER);

    /* Placing with the figures shown for that VAT number succeeds; the
     * German-VAT figure would now be stale. */
    struct billing_result r;
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "12/30",
                                  .vat_number = "de 136 464 502", .confirm_billing_info = true};
    assert_int_equal(billing_place(&f->b, 3, &c, "requote-stale", 19834, &pay, &r), BC_STALE_QUOTE);
    assert_int_equal(billing_place(&f->b, 3, &c, "requote-vat", shown, &pay, &r), BC_OK);
    assert_int_equal(r.due, 16667);
    assert_true(r.quote.vat.reverse_charge);
    struct store_account a = {0};
    assert_int_equal(store_account_get(f->store, 3, &a), BC_OK);
    assert_string_equal(a.vat_number, "DE136464502");
    store_account_clear(&a);
}

static void quote_checkout_cart_and_rights(void **state)
{
    struct fx *f = *state;
    struct billing_quote q;
    /* NULL change: the cart; empty cart is a refusal, not an error. */
    assert_int_equal(billing_quote_checkout(&f->b, 3, NULL, NULL, NULL, &q), BC_OK);
    assert_int_equal(q.refusal, BC_CART_EMPTY);
    struct billing_change c = change(f, 3, "gotomeeting", "enterprise", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_cart_put(&f->b, 3, &c), BC_OK);
    assert_int_equal(billing_quote_checkout(&f->b, 3, NULL, "DE136464502", NULL, &q), BC_OK);
    assert_int_equal(q.n, 1);
    assert_int_equal(q.totals.due, 16667);
    /* Clearing the VAT number ("") quotes German VAT again. */
    assert_int_equal(billing_quote_checkout(&f->b, 3, NULL, "", NULL, &q), BC_OK);
    assert_int_equal(q.totals.due, 19834);
    /* A read-only operator gets the refusal, not figures. */
    as_operator(&f->b, "rita", STORE_OP_READONLY);
    assert_int_equal(billing_quote_checkout(&f->b, 3, &c, NULL, NULL, &q), BC_OK);
    assert_int_equal(q.refusal, BC_READONLY_OPERATOR);
}

static void annual_saving(void **state)
{
    struct fx *f = *state;
    const struct catalog_product *p = catalog_product(f->catalog, "gotomeeting");
    assert_non_null(p);
    int64_t save = -1;
    /* 12 x 12.00 - 120.00; 12 x 16.00 - 168.00; 12 x 22.00 - 228.00; USD 12 x 14.00 - 144.00 */
    assert_true(billing_annual_saving(f->catalog, catalog_plan(p, "professional"), "EUR", &save));
    assert_int_equal(save, 2400);
    assert_true(billing_annual_saving(f->catalog, catalog_plan(p, "business"), "EUR", &save));
    assert_int_equal(save, 2400);
    assert_true(billing_annual_saving(f->catalog, catalog_plan(p, "enterprise"), "EUR", &save));
    assert_int_equal(save, 3600);
    assert_true(billing_annual_saving(f->catalog, catalog_plan(p, "professional"), "USD", &save));
    assert_int_equal(save, 2400);
    assert_false(billing_annual_saving(f->catalog, catalog_plan(p, "professional"), "XXX", &save));
    assert_false(billing_annual_saving(f->catalog, NULL, "EUR", &save));
    /* Overflow of twelve monthly prices is refused, not wrapped. */
    struct catalog_plan big = *catalog_plan(p, "professional");
    for (size_t i = 0; i < CATALOG_MAX_CURRENCIES; i++) {
        big.prices[i].amount[BC_PERIOD_MONTHLY] = INT64_MAX / 6;
        big.prices[i].amount[BC_PERIOD_ANNUAL] = 0;
    }
    assert_false(billing_annual_saving(f->catalog, &big, "EUR", &save));
    for (size_t i = 0; i < CATALOG_MAX_CURRENCIES; i++)
        big.prices[i].amount[BC_PERIOD_MONTHLY] = INT64_MAX / 12;
    assert_true(billing_annual_saving(f->catalog, &big, "EUR", &save));
    assert_int_equal(save, (INT64_MAX / 12) * 12);
}

/* ---------------------------------------------------------------- one key, one charge */

#define RACE_CHARGERS 4
#define RACE_KEYS 150

/* Several processes charge the same keys at the same moment, each for
 * another amount (SPEC §4: a processor treats a repeated key as the same
 * charge). Every approval of a key must name the one charge recorded for
 * it, with the amount of the request that made it. */
static void one_key_charged_at_once_is_one_charge(void **state)
{
    struct fx *f = *state;
    int go[2], res[2];
    pid_t pids[RACE_CHARGERS];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(res), 0);
    fflush(NULL);
    for (int c = 0; c < RACE_CHARGERS; c++) {
        pids[c] = fork();
        assert_true(pids[c] >= 0);
        if (pids[c] > 0)
            continue;
        close(go[1]);
        close(res[0]);
        struct store *s = NULL;
        char byte;
        if (store_open(f->path, STORE_OPEN_EXISTING, &s) != BC_OK)
            _exit(2);
        struct payment_processor *p = payment_test_create(s);
        (void)!read(go[0], &byte, 1);   /* all start together: EOF when the parent closes it */
        for (int k = 0; k < RACE_KEYS; k++) {
            char key[32], ref[128] = "", line[256];
            snprintf(key, sizeof key, "race-%d", k);
            struct payment_request r = {key, 1000 + c, "EUR", "4242424242424242"};
            enum payment_result pr = payment_charge(p, &r, ref, sizeof ref);
            int n = snprintf(line, sizeof line, "%d %d %d %s\n", k, c, (int)pr, ref[0] ? ref : "-");
            (void)!write(res[1], line, (size_t)n);
        }
        payment_destroy(p);
        store_close(s);
        _exit(0);
    }
    close(go[0]);
    close(res[1]);
    close(go[1]);
    FILE *in = fdopen(res[0], "r");
    assert_non_null(in);
    static char refs[RACE_KEYS][RACE_CHARGERS][128];
    static int results[RACE_KEYS][RACE_CHARGERS];
    memset(results, -1, sizeof results);
    char line[256];
    while (fgets(line, sizeof line, in)) {
        int k, c, pr;
        char ref[128];
        if (sscanf(line, "%d %d %d %127s", &k, &c, &pr, ref) == 4 && k >= 0 && k < RACE_KEYS &&
            c >= 0 && c < RACE_CHARGERS) {
            results[k][c] = pr;
            snprintf(refs[k][c], sizeof refs[k][c], "%s", ref);
        }
    }
    fclose(in);
    for (int c = 0; c < RACE_CHARGERS; c++) {
        int st = 0;
        assert_int_equal(waitpid(pids[c], &st, 0), pids[c]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    int split = 0;
    for (int k = 0; k < RACE_KEYS; k++) {
        char key[32], ref[128] = "";
        enum store_charge_state cs;
        int64_t amount = 0;
        snprintf(key, sizeof key, "race-%d", k);
        assert_int_equal(store_test_charge_get(f->store, key, &cs, &amount, ref, sizeof ref), BC_OK);
        assert_int_equal(cs, STORE_CHARGE_APPROVED);
        assert_true(amount >= 1000 && amount < 1000 + RACE_CHARGERS);
        for (int c = 0; c < RACE_CHARGERS; c++) {
            assert_int_equal(results[k][c], PAYMENT_APPROVED);
            if (strcmp(refs[k][c], ref) != 0 && split++ < 5)
                fprintf(stderr, "%s: charger %d was approved as %s, the record holds %s for %lld\n",
                        key, c, refs[k][c], ref, (long long)amount);
        }
    }
    assert_int_equal(split, 0);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--gateway") == 0)
        return gateway_main(argv[2], argv[3], argv[4]);
    if (argc == 8 && strcmp(argv[1], "--gateway2") == 0)
        return gateway2_main(argv);
    if (argc == 8 && strcmp(argv[1], "--vies-other") == 0)
        return vies_other_main(argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(worked_example, setup, teardown),
        cmocka_unit_test_setup_teardown(vat_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(trial_ended_subscribes_anew, setup, teardown),
        cmocka_unit_test_setup_teardown(rights, setup, teardown),
        cmocka_unit_test_setup_teardown(cart, setup, teardown),
        cmocka_unit_test_setup_teardown(operator_downgrade_credits_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(place_and_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(decline_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(checkout_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(expect_due_mismatch_is_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(nothing_due_needs_no_payment, setup, teardown),
        cmocka_unit_test_setup_teardown(seat_only_changes_co_term, setup, teardown),
        cmocka_unit_test_setup_teardown(stale_version_refunds, setup, teardown),
        cmocka_unit_test_setup_teardown(retry_after_first_order_resolves_checkout, setup, teardown),
        cmocka_unit_test_setup_teardown(same_key_other_figures_never_orders_a_refunded_charge, setup, teardown),
        cmocka_unit_test_setup_teardown(checkout_claims_its_key_in_the_same_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(key_reused_with_other_parameters_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(same_key_nothing_due_loses_at_its_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(same_key_nothing_due_after_another_order, setup, teardown),
        cmocka_unit_test_setup_teardown(billing_info_change_needs_confirmation, setup, teardown),
        cmocka_unit_test_setup_teardown(billing_info_written_with_the_order, setup, teardown),
        cmocka_unit_test_setup_teardown(new_card_kept_only_when_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(charge_landing_after_an_order_for_nothing_is_refunded, setup, teardown),
        cmocka_unit_test_setup_teardown(nothing_due_with_open_charge_refunds, setup, teardown),
        cmocka_unit_test_setup_teardown(reconcile, setup, teardown),
        cmocka_unit_test_setup_teardown(retry_reuses_the_charge, setup, teardown),
        cmocka_unit_test_setup_teardown(seats_and_users, setup, teardown),
        cmocka_unit_test_setup_teardown(users_refuse_duplicate_and_bad_emails, setup, teardown),
        cmocka_unit_test_setup_teardown(users_removed_with_their_seats, setup, teardown),
        cmocka_unit_test_setup_teardown(every_attempt_one_audit_row, setup, teardown),
        cmocka_unit_test_setup_teardown(quote_checkout_vat_as_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(quote_checkout_cart_and_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(annual_saving, setup, teardown),
        cmocka_unit_test_setup_teardown(one_key_charged_at_once_is_one_charge, setup, teardown),
        cmocka_unit_test(new_keys),
    };
    return testdb_run_cases("billing", tests, sizeof tests / sizeof tests[0], NULL, 0, NULL, NULL);
}
