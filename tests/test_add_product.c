/* test_add_product.c — SPEC §8 "Add a product": a change for a product
 * the account does not have (subscription_id 0) is quoted as a new
 * subscription and created by the order that places it, with its invoice,
 * audit row and subscription.created event; a product with a trial starts
 * as the trial (nothing charged, no document) and converts at renew. Against
 * the shipped catalog's demo data (today 2026-11-25), on the engine
 * $BC_TEST_ENGINE names (testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "billing.h"
#include "billing_impl.h"
#include "demo.h"
#include "lifecycle.h"
#include "payment.h"
#include "store_internal.h"   /* store_schema_step: to build a version 9 database */
#include "testdb.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

struct fx {
    char dir[64];
    char path[512];
    struct store *store;
    struct catalog *catalog;
    struct payment_processor *processor;
    struct billing b;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[512];
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-test-addprod-XXXXXX");
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
    f->b.actor.kind = BILLING_ACTOR_OPERATOR;
    f->b.actor.op_role = STORE_OP_OPERATOR;
    snprintf(f->b.actor.name, sizeof f->b.actor.name, "alice");
    snprintf(f->b.actor.origin, sizeof f->b.actor.origin, "local");
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

static struct billing_change add(const char *product, const char *plan, int seats,
                                 enum bc_period period)
{
    struct billing_change c;
    memset(&c, 0, sizeof c);
    snprintf(c.product, sizeof c.product, "%s", product);
    snprintf(c.to_plan, sizeof c.to_plan, "%s", plan);
    c.to_seats = seats;
    c.to_period = period;
    return c;
}

/* The account's subscription to `product` into *out; false when none. */
static bool sub_of(struct fx *f, int64_t account, const char *product, struct store_subscription *out)
{
    struct store_subscription_list l = {0};
    int64_t id = 0;
    assert_int_equal(store_subscriptions(f->store, account, &l), BC_OK);
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].product, product) == 0)
            id = l.items[i].id;
    store_subscription_list_clear(&l);
    if (id == 0)
        return false;
    assert_int_equal(store_subscription_get(f->store, id, out), BC_OK);
    return true;
}

static size_t sub_count(struct fx *f, int64_t account)
{
    struct store_subscription_list l = {0};
    assert_int_equal(store_subscriptions(f->store, account, &l), BC_OK);
    size_t n = l.n;
    store_subscription_list_clear(&l);
    return n;
}

static bc_day day(int y, int m, int d)
{
    return date_from_civil(y, m, d);
}

/* The events of one type for a subscription. */
static int events_of(struct fx *f, const char *type, int64_t sub, char *payload, size_t size)
{
    struct store_event_list l = {0};
    int n = 0;
    assert_int_equal(store_events(f->store, 0, false, 0, &l), BC_OK);
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].type, type) == 0 && l.items[i].subscription_id == sub) {
            n++;
            if (payload)
                snprintf(payload, size, "%s", l.items[i].payload);
        }
    store_event_list_clear(&l);
    return n;
}

/* Müller Technik (account 3, DE, no VAT number: 19 %, no balance) adds
 * GoToWebinar Standard, 3 seats monthly: 3 × 99.00 = 297.00, VAT 56.43,
 * Total due 353.43, for 2026-11-25 -> 2026-12-25. No credit line. */
static void test_quote_new_product(void **state)
{
    struct fx *f = *state;
    struct billing_change c = add("gotowebinar", "standard", 3, BC_PERIOD_MONTHLY);
    struct billing_quote q;
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.n, 1);
    assert_false(q.trials[0]);
    const struct quote_item *it = &q.items[0];
    assert_int_equal(it->nlines, 2);
    assert_int_equal(it->lines[0].kind, QUOTE_LINE_CHARGE);
    assert_int_equal(it->lines[0].amount, 29700);
    assert_int_equal(it->lines[0].from, day(2026, 11, 25));
    assert_int_equal(it->lines[0].to, day(2026, 12, 25));
    assert_int_equal(it->lines[1].kind, QUOTE_LINE_TAX);
    assert_int_equal(it->lines[1].amount, 5643);
    assert_int_equal(it->credit, 0);
    assert_int_equal(it->period_start, day(2026, 11, 25));
    assert_int_equal(it->period_end, day(2026, 12, 25));
    assert_int_equal(it->anchor_day, 25);
    assert_int_equal(q.totals.subtotal, 29700);
    assert_int_equal(q.totals.tax, 5643);
    assert_int_equal(q.totals.total, 35343);
    assert_int_equal(q.totals.balance_applied, 0);
    assert_int_equal(q.totals.due, 35343);
    assert_int_equal(q.versions[0], 0);

    /* Annual: 948.00 × 1 for a year, anchor 25. */
    c = add("gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.items[0].lines[0].amount, 93600);
    assert_int_equal(q.items[0].lines[1].amount, 17784);
    assert_int_equal(q.items[0].period_end, day(2027, 11, 25));
    assert_int_equal(q.totals.due, 111384);
}

/* Placing it creates the subscription in the order's transaction: the
 * order's lines name it, its invoice states them, the audit row and the
 * subscription.created event are written with it. */
static void test_place_new_product(void **state)
{
    struct fx *f = *state;
    struct billing_change c = add("gotowebinar", "standard", 3, BC_PERIOD_MONTHLY);
    struct billing_payment pay = {.card_number = "4242 4242 4242 4242", .card_expiry = "12/30"};
    struct billing_result *r = calloc(1, sizeof *r);
    struct store_subscription sub = {0};
    assert_false(sub_of(f, 3, "gotowebinar", &sub));
    size_t before = sub_count(f, 3);
    assert_int_equal(billing_place(&f->b, 3, &c, "add-3-webinar", 35343, &pay, r), BC_OK);
    assert_true(r->order_id > 0);
    assert_int_equal(r->due, 35343);
    assert_int_equal(r->balance_after, 0);
    assert_true(r->created_ids[0] > 0);
    assert_true(r->document[0] != '\0');
    assert_false(r->document_credit_note);
    assert_int_equal(sub_count(f, 3), before + 1);

    assert_true(sub_of(f, 3, "gotowebinar", &sub));
    assert_int_equal(sub.id, r->created_ids[0]);
    assert_string_equal(sub.plan, "standard");
    assert_int_equal(sub.seats, 3);
    assert_int_equal(sub.seats_assigned, 0);
    assert_int_equal(sub.period, BC_PERIOD_MONTHLY);
    assert_int_equal(sub.status, STORE_SUB_ACTIVE);
    assert_int_equal(sub.period_start, day(2026, 11, 25));
    assert_int_equal(sub.period_end, day(2026, 12, 25));
    assert_int_equal(sub.item_start, day(2026, 11, 25));
    assert_int_equal(sub.anchor_day, 25);
    assert_int_equal(sub.billed, 29700);
    assert_int_equal(sub.price, 9900);
    assert_int_equal(sub.version, 1);
    assert_false(sub.auto_renew_off);

    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "add-3-webinar", &o), BC_OK);
    assert_int_equal(o.total, 35343);
    assert_int_equal(o.nlines, 2);
    for (size_t i = 0; i < o.nlines; i++) {
        assert_int_equal(o.lines[i].subscription_id, sub.id);
        assert_string_equal(o.lines[i].product, "gotowebinar");
        assert_string_equal(o.lines[i].plan_from, "");
        assert_int_equal(o.lines[i].seats_from, 0);
        assert_string_equal(o.lines[i].plan_to, "standard");
        assert_int_equal(o.lines[i].seats_to, 3);
    }
    struct store_document d;
    assert_int_equal(store_document_by_order(f->store, o.id, &d), BC_OK);
    assert_string_equal(d.number, r->document);
    assert_int_equal(d.kind, STORE_DOC_INVOICE);
    store_document_clear(&d);

    char payload[1024] = "";
    assert_int_equal(events_of(f, "subscription.created", sub.id, payload, sizeof payload), 1);
    json_t *j = json_loads(payload, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "product")), "gotowebinar");
    assert_string_equal(json_string_value(json_object_get(j, "period_end")), "2026-12-25");
    assert_int_equal(json_integer_value(json_object_get(j, "order_id")), o.id);
    assert_true(json_is_false(json_object_get(j, "trial")));
    json_decref(j);
    assert_int_equal(events_of(f, "subscription.changed", sub.id, NULL, 0), 0);

    /* The same key again: the first order, nothing created or charged twice. */
    struct billing_result *r2 = calloc(1, sizeof *r2);
    assert_int_equal(billing_place(&f->b, 3, &c, "add-3-webinar", 35343, &pay, r2), BC_OK);
    assert_true(r2->replayed);
    assert_int_equal(r2->order_id, o.id);
    assert_int_equal(sub_count(f, 3), before + 1);

    /* Now the account has it: a second one is refused, nothing written. */
    assert_int_equal(billing_place(&f->b, 3, &c, "add-3-webinar-again", -1, &pay, r2),
                     BC_ALREADY_SUBSCRIBED);
    assert_int_equal(r2->quote.refusal, BC_ALREADY_SUBSCRIBED);
    assert_int_equal(r2->order_id, 0);
    assert_int_equal(sub_count(f, 3), before + 1);

    /* And the new subscription changes like any other: 3 -> 4 seats the
     * same day (seats keep) costs one seat for the whole period. */
    struct billing_change more = c;
    more.subscription_id = sub.id;
    more.to_seats = 4;
    struct billing_quote q;
    assert_int_equal(billing_quote_change(&f->b, 3, &more, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.totals.subtotal, 9900);

    store_order_clear(&o);
    store_subscription_clear(&sub);
    free(r);
    free(r2);
}

/* Refusals: a product the account has (any state), seats outside the
 * plan, an unknown product or plan; the cart refuses the same. */
static void test_refusals(void **state)
{
    struct fx *f = *state;
    struct billing_quote q;
    struct billing_change c = add("gotomeeting", "business", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_ALREADY_SUBSCRIBED);
    /* Verdi (8): its GoToTraining trial ended — it has the product (Subscribe now). */
    c = add("gototraining", "starter", 1, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 8, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_ALREADY_SUBSCRIBED);
    /* Enterprise needs at least 5 seats, trial or not. */
    c = add("gotowebinar", "enterprise", 2, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_SEATS_OUT_OF_RANGE);
    c = add("gototraining", "enterprise", 2, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_SEATS_OUT_OF_RANGE);
    c = add("gotomeetingx", "business", 1, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_NOT_FOUND);
    c = add("gotowebinar", "platinum", 1, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 3, &c, &q), BC_NOT_FOUND);
    /* Corporate (2) and read-only operators: the rights come first. */
    c = add("gotowebinar", "standard", 3, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_quote_change(&f->b, 2, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_CORPORATE_ACCOUNT);
    size_t before = sub_count(f, 3);
    struct billing_result *r = calloc(1, sizeof *r);
    c = add("gotowebinar", "enterprise", 2, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_place(&f->b, 3, &c, "add-refused", -1, NULL, r),
                     BC_SEATS_OUT_OF_RANGE);
    assert_int_equal(sub_count(f, 3), before);
    free(r);
}

/* GoToTraining offers a 14-day trial: Rossi (1) adds it with nothing
 * charged, no document, its period the trial; at the trial's end renew
 * converts it with the card on file: 2 × 89.00 + 22 % for the month. */
static void test_trial(void **state)
{
    struct fx *f = *state;
    const struct catalog_product *p = catalog_product(f->catalog, "gototraining");
    assert_non_null(p);
    assert_int_equal(p->trial_days, 14);
    struct billing_change c = add("gototraining", "starter", 2, BC_PERIOD_MONTHLY);
    struct billing_quote q;
    assert_int_equal(billing_quote_change(&f->b, 1, &c, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_true(q.trials[0]);
    /* Lines of nothing for the trial's days. */
    assert_int_equal(q.items[0].nlines, 2);
    assert_int_equal(q.items[0].lines[0].kind, QUOTE_LINE_CHARGE);
    assert_int_equal(q.items[0].lines[0].amount, 0);
    assert_int_equal(q.items[0].lines[0].from, day(2026, 11, 25));
    assert_int_equal(q.items[0].lines[0].to, day(2026, 12, 9));
    assert_int_equal(q.items[0].lines[1].kind, QUOTE_LINE_TAX);
    assert_int_equal(q.items[0].lines[1].amount, 0);
    assert_int_equal(q.items[0].charge, 0);
    assert_int_equal(q.items[0].period_start, day(2026, 11, 25));
    assert_int_equal(q.items[0].period_end, day(2026, 12, 9));
    assert_int_equal(q.totals.total, 0);
    assert_int_equal(q.totals.due, 0);
    assert_int_equal(q.totals.balance_applied, 0);
    assert_int_equal(q.totals.balance_after, 2000);

    struct billing_result *r = calloc(1, sizeof *r);
    assert_int_equal(billing_place(&f->b, 1, &c, "trial-1", 0, NULL, r), BC_OK);
    assert_true(r->order_id > 0);
    assert_int_equal(r->due, 0);
    assert_int_equal(r->balance_after, 2000);
    /* Nothing charged, nothing stated: no document, as for any order of
     * nothing (invoice.h). */
    assert_string_equal(r->document, "");
    struct store_document d;
    assert_int_equal(store_document_by_order(f->store, r->order_id, &d), BC_NOT_FOUND);
    store_document_clear(&d);

    struct store_subscription sub = {0};
    assert_true(sub_of(f, 1, "gototraining", &sub));
    assert_int_equal(sub.id, r->created_ids[0]);
    assert_int_equal(sub.status, STORE_SUB_TRIAL);
    assert_int_equal(sub.seats, 2);
    assert_int_equal(sub.period_start, day(2026, 11, 25));
    assert_int_equal(sub.period_end, day(2026, 12, 9));
    assert_int_equal(sub.billed, 0);
    assert_int_equal(sub.price, 0);
    char payload[1024] = "";
    assert_int_equal(events_of(f, "subscription.created", sub.id, payload, sizeof payload), 1);
    assert_non_null(strstr(payload, "\"trial\":true"));
    assert_non_null(strstr(payload, "\"period_end\":\"2026-12-09\""));
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "trial-1", &o), BC_OK);
    assert_int_equal(o.nlines, 2);
    assert_int_equal(o.lines[0].subscription_id, sub.id);
    assert_int_equal(o.lines[0].amount, 0);
    assert_int_equal(o.lines[0].to, day(2026, 12, 9));
    assert_int_equal(o.total, 0);
    assert_null(o.payment_ref);
    store_order_clear(&o);

    /* Before its end nothing renews; on 2026-12-09 it converts. */
    f->b.today = day(2026, 12, 8);
    assert_int_equal(billing_renew(&f->b, 1, false, NULL, NULL), BC_OK);
    store_subscription_clear(&sub);
    assert_true(sub_of(f, 1, "gototraining", &sub));
    assert_int_equal(sub.status, STORE_SUB_TRIAL);
    f->b.today = day(2026, 12, 9);
    assert_int_equal(billing_renew(&f->b, 1, false, NULL, NULL), BC_OK);
    store_subscription_clear(&sub);
    assert_true(sub_of(f, 1, "gototraining", &sub));
    assert_int_equal(sub.status, STORE_SUB_ACTIVE);
    assert_int_equal(sub.period_start, day(2026, 12, 9));
    assert_int_equal(sub.period_end, day(2027, 1, 9));
    assert_int_equal(sub.billed, 17800);
    store_subscription_clear(&sub);
    free(r);
}

/* Two new products in one order: each its own subscription, lines and
 * event; the same product twice is refused. */
static void test_two_new_products(void **state)
{
    struct fx *f = *state;
    /* Bianchi (9, IT, 500.00 of credit) has GoToMeeting only. */
    struct billing_change c[2] = {add("gotowebinar", "lite", 2, BC_PERIOD_ANNUAL),
                                  add("gototraining", "pro", 1, BC_PERIOD_MONTHLY)};
    struct store_account acct = {0};
    struct billing_quote q;
    assert_int_equal(store_account_get(f->store, 9, &acct), BC_OK);
    assert_int_equal(acct.balance, 50000);
    struct billing_change twice[2] = {c[0], c[0]};
    memset(&q, 0, sizeof q);
    assert_int_equal(billing_quote_changes(&f->b, &acct, twice, 2, NULL, NULL, f->b.today, &q),
                     BC_OK);
    assert_int_equal(q.refusal, BC_ALREADY_SUBSCRIBED);
    assert_int_equal(q.refused_item, 1);
    memset(&q, 0, sizeof q);
    assert_int_equal(billing_quote_changes(&f->b, &acct, c, 2, NULL, NULL, f->b.today, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    /* Lite annual 2 × 468.00 = 936.00 + 205.92; the trial adds nothing. */
    assert_int_equal(q.totals.total, 114192);
    assert_int_equal(q.totals.balance_applied, 50000);
    assert_int_equal(q.totals.due, 64192);
    assert_false(q.trials[0]);
    assert_true(q.trials[1]);
    store_account_clear(&acct);
}


/* The account's cart (owned by the caller). */
static struct store_cart cart_of(struct fx *f, int64_t account)
{
    struct store_cart c = {0};
    assert_int_equal(store_cart_get(f->store, account, &c), BC_OK);
    return c;
}

/* A new product joins the cart beside a change of another product: the
 * cart is quoted as one order (the balance applied once, across both),
 * and checking it out places one order that changes the one, creates the
 * other's subscription, and empties the cart. Bianchi (9, IT, 500.00 of
 * credit) has GoToMeeting and adds GoToWebinar Lite, 2 seats annual. */
static void test_cart_new_product(void **state)
{
    struct fx *f = *state;
    struct store_subscription meeting = {0};
    assert_true(sub_of(f, 9, "gotomeeting", &meeting));
    struct billing_change up = add("gotomeeting", meeting.plan, meeting.seats + 1, meeting.period);
    up.subscription_id = meeting.id;
    struct billing_change web = add("gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);

    /* Each alone takes the whole balance it can. */
    struct billing_quote q1, q2, q;
    assert_int_equal(billing_quote_change(&f->b, 9, &up, &q1), BC_OK);
    assert_int_equal(q1.refusal, BC_OK);
    assert_int_equal(billing_quote_change(&f->b, 9, &web, &q2), BC_OK);
    assert_int_equal(q2.refusal, BC_OK);
    assert_int_equal(q2.totals.total, 114192);
    assert_int_equal(q2.totals.balance_applied, 50000);
    assert_true(q1.totals.total > 0);

    assert_int_equal(billing_cart_put(&f->b, 9, &up), BC_OK);
    assert_int_equal(billing_cart_put(&f->b, 9, &web), BC_OK);
    struct store_cart c = cart_of(f, 9);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.items[0].subscription_id, meeting.id);
    assert_string_equal(c.items[0].product, "gotomeeting");
    assert_int_equal(c.items[1].subscription_id, 0);
    assert_string_equal(c.items[1].product, "gotowebinar");
    assert_string_equal(c.items[1].to_plan, "lite");
    assert_int_equal(c.items[1].to_seats, 2);
    assert_int_equal(c.items[1].to_period, BC_PERIOD_ANNUAL);
    assert_int_equal(c.items[1].base_version, 0);
    store_cart_clear(&c);

    /* The cart: both items, the balance once. */
    assert_int_equal(billing_quote_cart(&f->b, 9, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.n, 2);
    assert_int_equal(q.changes[1].subscription_id, 0);
    assert_int_equal(q.totals.total, q1.totals.total + q2.totals.total);
    assert_int_equal(q.totals.balance_applied, 50000);
    assert_int_equal(q.totals.due, q.totals.total - 50000);
    assert_int_equal(q.totals.balance_after, 0);

    /* The Add product screen's preview of the new item with the cart. */
    struct billing_cart_preview pv;
    assert_int_equal(billing_quote_change_with_cart(&f->b, 9, &web, &q2, &pv), BC_OK);
    assert_int_equal(pv.others, 1);
    assert_int_equal(pv.cart_due, q.totals.due);

    size_t before = sub_count(f, 9);
    struct billing_payment pay = {.card_number = "4242 4242 4242 4242", .card_expiry = "12/30"};
    struct billing_result *r = calloc(1, sizeof *r);
    assert_int_equal(billing_place(&f->b, 9, NULL, "cart-9-new", q.totals.due, &pay, r), BC_OK);
    assert_true(r->order_id > 0);
    assert_int_equal(r->due, q.totals.due);
    assert_int_equal(r->balance_after, 0);
    assert_int_equal(r->created_ids[0], 0);
    assert_true(r->created_ids[1] > 0);
    assert_int_equal(sub_count(f, 9), before + 1);

    struct store_subscription sub = {0};
    assert_true(sub_of(f, 9, "gotowebinar", &sub));
    assert_int_equal(sub.id, r->created_ids[1]);
    assert_string_equal(sub.plan, "lite");
    assert_int_equal(sub.seats, 2);
    assert_int_equal(sub.period, BC_PERIOD_ANNUAL);
    assert_int_equal(sub.status, STORE_SUB_ACTIVE);
    assert_int_equal(sub.period_start, day(2026, 11, 25));
    assert_int_equal(sub.period_end, day(2027, 11, 25));
    assert_int_equal(sub.billed, 93600);
    struct store_subscription m2 = {0};
    assert_true(sub_of(f, 9, "gotomeeting", &m2));
    assert_int_equal(m2.seats, meeting.seats + 1);
    assert_int_equal(m2.version, meeting.version + 1);

    /* One order with the lines of both. */
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->store, "cart-9-new", &o), BC_OK);
    assert_int_equal(o.id, r->order_id);
    assert_int_equal(o.total, q.totals.total);
    assert_int_equal(o.balance_applied, 50000);
    assert_int_equal(o.due, q.totals.due);
    size_t of_meeting = 0, of_web = 0;
    for (size_t i = 0; i < o.nlines; i++) {
        if (o.lines[i].subscription_id == meeting.id)
            of_meeting++;
        else if (o.lines[i].subscription_id == sub.id)
            of_web++;
        else
            fail_msg("a line for subscription %lld", (long long)o.lines[i].subscription_id);
    }
    assert_int_equal(of_web, 2);
    assert_true(of_meeting >= 2);
    assert_int_equal(of_meeting + of_web, o.nlines);
    c = cart_of(f, 9);
    assert_int_equal(c.n, 0);
    store_cart_clear(&c);
    assert_int_equal(events_of(f, "subscription.created", sub.id, NULL, 0), 1);

    /* The new product is the account's now: another is refused. */
    assert_int_equal(billing_cart_put(&f->b, 9, &web), BC_ALREADY_SUBSCRIBED);
    c = cart_of(f, 9);
    assert_int_equal(c.n, 0);
    store_cart_clear(&c);

    store_order_clear(&o);
    store_subscription_clear(&sub);
    store_subscription_clear(&m2);
    store_subscription_clear(&meeting);
    free(r);
}

/* The same new product twice in the cart: the second replaces the first.
 * It is removed by product; the store refuses a product the account has;
 * ordering the product alone takes its cart item away with it. */
static void test_cart_new_product_replaces(void **state)
{
    struct fx *f = *state;
    struct billing_change web = add("gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);
    assert_int_equal(billing_cart_put(&f->b, 3, &web), BC_OK);
    struct billing_change web2 = add("gotowebinar", "standard", 3, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_cart_put(&f->b, 3, &web2), BC_OK);
    struct store_cart c = cart_of(f, 3);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.items[0].subscription_id, 0);
    assert_string_equal(c.items[0].product, "gotowebinar");
    assert_string_equal(c.items[0].to_plan, "standard");
    assert_int_equal(c.items[0].to_seats, 3);
    assert_int_equal(c.items[0].to_period, BC_PERIOD_MONTHLY);
    store_cart_clear(&c);
    /* Out of range: refused, the item kept as it was. */
    struct billing_change bad = add("gotowebinar", "enterprise", 2, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_cart_put(&f->b, 3, &bad), BC_SEATS_OUT_OF_RANGE);
    c = cart_of(f, 3);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.items[0].to_plan, "standard");
    store_cart_clear(&c);

    /* A product the account has, as if it were new. */
    struct billing_change meeting = add("gotomeeting", "business", 10, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_cart_put(&f->b, 3, &meeting), BC_ALREADY_SUBSCRIBED);
    struct store_cart_item it = {.product = "gotomeeting", .to_plan = "business", .to_seats = 10,
                                 .to_period = BC_PERIOD_MONTHLY};
    assert_int_equal(store_cart_put(f->store, 3, &it), BC_ALREADY_SUBSCRIBED);
    it.product = "gotowebinar";
    assert_int_equal(store_cart_put(f->store, 999999, &it), BC_NOT_FOUND);
    c = cart_of(f, 3);
    assert_int_equal(c.n, 1);
    store_cart_clear(&c);

    /* Removed by its product, once. */
    assert_int_equal(billing_cart_remove_product(&f->b, 3, "gotowebinar"), BC_OK);
    assert_int_equal(billing_cart_remove_product(&f->b, 3, "gotowebinar"), BC_NOT_FOUND);
    assert_int_equal(billing_cart_remove(&f->b, 3, 0), BC_INVALID_ARGUMENT);
    c = cart_of(f, 3);
    assert_int_equal(c.n, 0);
    store_cart_clear(&c);

    /* In the cart, then ordered alone: the order takes the item away. */
    assert_int_equal(billing_cart_put(&f->b, 3, &web2), BC_OK);
    struct billing_payment pay = {.card_number = "4242 4242 4242 4242", .card_expiry = "12/30"};
    struct billing_result *r = calloc(1, sizeof *r);
    assert_int_equal(billing_place(&f->b, 3, &web2, "add-3-alone", 35343, &pay, r), BC_OK);
    c = cart_of(f, 3);
    assert_int_equal(c.n, 0);
    store_cart_clear(&c);
    free(r);
}

/* A version 9 database (before cart items could name a new product) with
 * a cart item: opening it migrates to the current version and keeps the
 * item; new products go into its cart after. */
static void test_cart_migrates_from_v9(void **state)
{
    struct fx *f = *state;
    char target[512];
    bool pg = testdb_engine() == TESTDB_PG;
    assert_true(testdb_fresh_in(f->dir, "v9.db", target, sizeof target));
    if (!pg) {
        FILE *fp = fopen(target, "w");
        assert_non_null(fp);
        fclose(fp);
        assert_int_equal(chmod(target, 0600), 0);
    }
    struct testdb_conn *c = testdb_connect(target, true);
    assert_non_null(c);
    for (int v = 1; v <= 9; v++) {
        const char *step = pg ? store_schema_pg_step(v) : store_schema_step(v);
        assert_non_null(step);
        if (*step && !testdb_conn_exec(c, step))
            fail_msg("step %d: %s", v, testdb_conn_error(c));
    }
    if (!testdb_conn_exec(c, pg ? "UPDATE billcenter_schema SET version = 9"
                                : "PRAGMA user_version = 9") ||
        !testdb_conn_exec(c,
            "INSERT INTO accounts(id, name, kind, currency, country)"
            " VALUES(1, 'Old', 'standard', 'EUR', 'IT');"
            "INSERT INTO subscriptions(id, account_id, product, plan, seats, period, status,"
            " period_start, period_end, item_start, anchor_day, billed_minor, price_minor, version)"
            " VALUES(1, 1, 'gotomeeting', 'business', 5, 'monthly', 'active', 20782, 20812, 20782,"
            " 25, 10000, 2000, 1);"
            "INSERT INTO cart_items(account_id, subscription_id, to_plan, to_seats, to_period,"
            " base_version) VALUES(1, 1, 'enterprise', 7, 'annual', 1)"))
        fail_msg("%s", testdb_conn_error(c));
    testdb_disconnect(c);

    struct store *s = NULL;
    assert_int_equal(store_open(target, STORE_OPEN_EXISTING, &s), BC_OK);
    assert_int_equal(testdb_int(s, pg ? "SELECT version FROM billcenter_schema"
                                      : "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_true(STORE_SCHEMA_VERSION >= 10);
    struct store_cart cart = {0};
    assert_int_equal(store_cart_get(s, 1, &cart), BC_OK);
    assert_int_equal(cart.n, 1);
    assert_int_equal(cart.items[0].subscription_id, 1);
    assert_string_equal(cart.items[0].product, "gotomeeting");
    assert_string_equal(cart.items[0].to_plan, "enterprise");
    assert_int_equal(cart.items[0].to_seats, 7);
    assert_int_equal(cart.items[0].to_period, BC_PERIOD_ANNUAL);
    assert_int_equal(cart.items[0].base_version, 1);
    store_cart_clear(&cart);
    assert_int_equal(testdb_int(s, "SELECT count(*) FROM cart_items WHERE product IS NULL"), 1);

    struct store_cart_item it = {.product = "gotowebinar", .to_plan = "lite", .to_seats = 2,
                                 .to_period = BC_PERIOD_ANNUAL};
    assert_int_equal(store_cart_put(s, 1, &it), BC_OK);
    it.to_seats = 3;
    assert_int_equal(store_cart_put(s, 1, &it), BC_OK);   /* replaces */
    /* The old kind still replaces by subscription. */
    struct store_cart_item old = {.subscription_id = 1, .to_plan = "business", .to_seats = 6,
                                  .to_period = BC_PERIOD_MONTHLY, .base_version = 1};
    assert_int_equal(store_cart_put(s, 1, &old), BC_OK);
    assert_int_equal(store_cart_get(s, 1, &cart), BC_OK);
    assert_int_equal(cart.n, 2);
    assert_int_equal(cart.items[0].subscription_id, 1);
    assert_int_equal(cart.items[0].to_seats, 6);
    assert_int_equal(cart.items[1].subscription_id, 0);
    assert_string_equal(cart.items[1].product, "gotowebinar");
    assert_int_equal(cart.items[1].to_seats, 3);
    store_cart_clear(&cart);
    store_close(s);
    assert_int_equal(store_open(target, STORE_OPEN_EXISTING, &s), BC_OK);
    assert_int_equal(testdb_int(s, "SELECT count(*) FROM cart_items"), 2);
    store_close(s);
    assert_true(testdb_drop(target));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quote_new_product, setup, teardown),
        cmocka_unit_test_setup_teardown(test_place_new_product, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_new_products, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cart_new_product, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cart_new_product_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cart_migrates_from_v9, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
