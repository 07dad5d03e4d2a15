/* test_lifecycle.c — the life of a subscription after its first period
 * (SPEC §8) against a real store on the engine $BC_TEST_ENGINE names
 * (testdb.h): the store's due list, state writes and event log, then
 * billing_renew and the subscription actions with the shipped catalog
 * (plans/) and the test processor, to the day and the cent. Each case has
 * a database of its own with accounts written by the case. */
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
#include <sys/wait.h>
#include <unistd.h>

#include "billing.h"
#include "catalog.h"
#include "demo.h"
#include "lifecycle.h"
#include "lifecycle_due.h"
#include "payment.h"
#include "store.h"
#include "store_test.h"
#include "testdb.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

#define DAY(y, m, d) date_from_civil((y), (m), (d))

struct fx {
    char dir[64];
    char path[512];
    struct store *s;
    struct catalog *catalog;
    struct payment_processor *processor;
    struct billing b;
};

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[512];
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-lifecycle-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    testdb_new_in(f->dir, "billcenter.db", f->path, sizeof f->path);
    assert_int_equal(store_open(f->path, STORE_OPEN_CREATE, &f->s), BC_OK);
    f->catalog = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    if (!f->catalog)
        fail_msg("%s", err);
    f->processor = payment_test_create(f->s);
    f->b.store = f->s;
    f->b.catalog = f->catalog;
    f->b.processor = f->processor;
    f->b.today = DAY(2026, 11, 25);
    f->b.actor.kind = BILLING_ACTOR_OPERATOR;
    snprintf(f->b.actor.name, sizeof f->b.actor.name, "alice");
    f->b.actor.op_role = STORE_OP_OPERATOR;
    snprintf(f->b.actor.origin, sizeof f->b.actor.origin, "local");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    payment_destroy(f->processor);
    store_close(f->s);
    catalog_destroy(f->catalog);
    if (!testdb_drop(f->path))
        fprintf(stderr, "# %s\n", testdb_error());
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* ---------------------------------------------------------------- fixtures */

static int64_t add_account(struct fx *f, const char *name, const char *country,
                           const char *currency, const char *vat, int64_t balance)
{
    /* The billing profile every renewal's invoice needs (SPEC §9). */
    bool it = strcmp(country, "IT") == 0;
    struct store_account a = {.name = (char *)name, .kind = STORE_ACCOUNT_STANDARD,
                              .vat_number = (char *)vat,
                              .street = "Via Roma", .street_number = "1",
                              .postcode = it ? "20121" : "10115",
                              .city = it ? "Milano" : "Berlin",
                              .province = it ? "MI" : NULL,
                              .tax_code = it && !vat ? "04512340151" : NULL};
    snprintf(a.currency, sizeof a.currency, "%s", currency);
    snprintf(a.country, sizeof a.country, "%s", country);
    assert_int_equal(store_account_insert(f->s, &a), BC_OK);
    if (balance > 0)
        assert_int_equal(store_ledger_opening(f->s, a.id, balance), BC_OK);
    return a.id;
}

/* A subscription over [start, end) with its anchor, billed at the
 * catalog's EUR price. */
static int64_t add_sub(struct fx *f, int64_t account, const char *product, const char *plan,
                       int seats, enum bc_period period, bc_day start, bc_day end, int anchor,
                       enum store_sub_status status)
{
    struct store_subscription x = {
        .account_id = account, .product = (char *)product, .plan = (char *)plan,
        .seats = seats, .period = period, .status = status, .period_start = start,
        .period_end = end, .item_start = start, .anchor_day = anchor,
    };
    assert_int_equal(store_subscription_insert(f->s, &x), BC_OK);
    return x.id;
}

static struct store_subscription get_sub(struct fx *f, int64_t id)
{
    struct store_subscription x;
    assert_int_equal(store_subscription_get(f->s, id, &x), BC_OK);
    return x;
}

/* ---------------------------------------------------------------- the store */

static void test_store_lifecycle_fields_round_trip(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Rossi", "IT", "EUR", NULL, 0);
    struct store_subscription x = {
        .account_id = acct, .product = "gotomeeting", .plan = "business", .seats = 4,
        .period = BC_PERIOD_MONTHLY, .status = STORE_SUB_PAST_DUE,
        .period_start = DAY(2026, 10, 1), .period_end = DAY(2026, 11, 1),
        .item_start = DAY(2026, 10, 1), .anchor_day = 1, .billed = 6400, .price = 1600,
        .auto_renew_off = true, .sched_plan = "professional", .sched_seats = 3,
        .sched_period = BC_PERIOD_ANNUAL, .past_due_since = DAY(2026, 11, 1),
        .last_attempt = DAY(2026, 11, 2),
    };
    assert_int_equal(store_subscription_insert(f->s, &x), BC_OK);
    struct store_subscription y = get_sub(f, x.id);
    assert_int_equal(y.status, STORE_SUB_PAST_DUE);
    assert_true(y.auto_renew_off);
    assert_string_equal(y.sched_plan, "professional");
    assert_int_equal(y.sched_seats, 3);
    assert_int_equal(y.sched_period, BC_PERIOD_ANNUAL);
    assert_int_equal(y.past_due_since, DAY(2026, 11, 1));
    assert_int_equal(y.last_attempt, DAY(2026, 11, 2));
    store_subscription_clear(&y);

    /* A zeroed record: renews, nothing scheduled, no dunning. */
    int64_t plain = add_sub(f, acct, "gotowebinar", "lite", 1, BC_PERIOD_MONTHLY,
                            DAY(2026, 11, 10), DAY(2026, 12, 10), 10, STORE_SUB_ACTIVE);
    y = get_sub(f, plain);
    assert_false(y.auto_renew_off);
    assert_null(y.sched_plan);
    assert_int_equal(y.sched_seats, 0);
    assert_int_equal(y.past_due_since, 0);
    assert_int_equal(y.last_attempt, 0);
    store_subscription_clear(&y);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM subscriptions"
                                      " WHERE auto_renew = 1 AND sched_plan IS NULL"
                                      " AND past_due_since IS NULL"), 1);

    /* Half a scheduled change is refused by the schema. */
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE subscriptions SET sched_plan = 'x' WHERE id = %lld",
             (long long)plain);
    assert_int_not_equal(store_exec_for_test(f->s, sql), BC_OK);
    snprintf(sql, sizeof sql, "UPDATE subscriptions SET status = 'lapsed' WHERE id = %lld",
             (long long)plain);
    assert_int_not_equal(store_exec_for_test(f->s, sql), BC_OK);
}

static void test_store_due_list(void **state)
{
    struct fx *f = *state;
    int64_t a = add_account(f, "A", "IT", "EUR", NULL, 0);
    int64_t b = add_account(f, "B", "DE", "EUR", NULL, 0);
    bc_day d = DAY(2026, 11, 25);
    int64_t a_due = add_sub(f, a, "gotomeeting", "professional", 1, BC_PERIOD_MONTHLY,
                            DAY(2026, 10, 25), d, 25, STORE_SUB_ACTIVE);
    int64_t b_trial = add_sub(f, b, "gotowebinar", "lite", 1, BC_PERIOD_MONTHLY,
                              DAY(2026, 10, 1), DAY(2026, 10, 31), 1, STORE_SUB_TRIAL);
    int64_t b_late = add_sub(f, b, "gotomeeting", "business", 1, BC_PERIOD_MONTHLY,
                             DAY(2026, 9, 20), DAY(2026, 10, 20), 20, STORE_SUB_PAST_DUE);
    add_sub(f, a, "gototraining", "starter", 1, BC_PERIOD_MONTHLY, DAY(2026, 9, 1),
            DAY(2026, 10, 1), 1, STORE_SUB_CANCELED);
    add_sub(f, b, "gototraining", "starter", 1, BC_PERIOD_MONTHLY, DAY(2026, 9, 1),
            DAY(2026, 10, 1), 1, STORE_SUB_SUSPENDED);
    add_sub(f, a, "gotowebinar", "lite", 1, BC_PERIOD_MONTHLY, DAY(2026, 11, 1), d + 1, 1,
            STORE_SUB_ACTIVE);

    struct store_subscription_list l = {0};
    assert_int_equal(store_subscriptions_due(f->s, d, 0, &l), BC_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.items[0].id, b_late);      /* by period end */
    assert_int_equal(l.items[1].id, b_trial);
    assert_int_equal(l.items[2].id, a_due);
    store_subscription_list_clear(&l);
    assert_int_equal(store_subscriptions_due(f->s, d, b, &l), BC_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].id, b_late);
    assert_int_equal(l.items[1].id, b_trial);
    store_subscription_list_clear(&l);
    assert_int_equal(store_subscriptions_due(f->s, d - 1, a, &l), BC_OK);
    assert_int_equal(l.n, 0);
    store_subscription_list_clear(&l);
}

static void test_store_set_life_with_events(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "A", "IT", "EUR", NULL, 0);
    int64_t id = add_sub(f, acct, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY,
                         DAY(2026, 11, 10), DAY(2026, 12, 10), 10, STORE_SUB_ACTIVE);
    struct store_event ev[2] = {
        {.type = "subscription.changed", .account_id = acct, .subscription_id = id,
         .payload = "{\"auto_renew\":false}"},
        {.type = "subscription.changed", .account_id = acct, .subscription_id = id,
         .payload = "{\"scheduled\":true}"},
    };
    struct store_sub_life life = {
        .subscription_id = id, .expect_version = 1, .status = STORE_SUB_ACTIVE,
        .auto_renew_off = true, .sched_plan = "professional", .sched_seats = 2,
        .sched_period = BC_PERIOD_MONTHLY,
    };
    assert_int_equal(store_subscription_set_life(f->s, &life, ev, 2), BC_OK);
    assert_true(ev[0].id > 0 && ev[1].id == ev[0].id + 1);
    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.version, 2);
    assert_true(x.auto_renew_off);
    assert_string_equal(x.sched_plan, "professional");
    store_subscription_clear(&x);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM subscription_history WHERE subscription_id"
             " = %lld AND version = 2", (long long)id);
    assert_int_equal(testdb_int(f->s, sql), 1);

    /* The version moved: nothing written, no event. */
    struct store_event late = {.type = "subscription.changed", .account_id = acct,
                               .subscription_id = id, .payload = "{}"};
    life.auto_renew_off = false;
    assert_int_equal(store_subscription_set_life(f->s, &life, &late, 1), BC_STALE_QUOTE);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM events"), 2);
    x = get_sub(f, id);
    assert_true(x.auto_renew_off);
    assert_int_equal(x.version, 2);
    store_subscription_clear(&x);
}

static void test_store_events_append_only(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "A", "IT", "EUR", NULL, 0);
    struct store_event e[3] = {
        {.type = "order.placed", .account_id = acct, .payload = "{\"n\":1}"},
        {.type = "payment.failed", .account_id = acct, .payload = "{\"n\":2}", .at = 1234},
        {.type = "seats.changed", .payload = "{\"n\":3}"},
    };
    for (int i = 0; i < 3; i++)
        assert_int_equal(store_event_append(f->s, &e[i]), BC_OK);
    assert_int_equal(e[1].at, 1234);

    struct store_event_list l = {0};
    assert_int_equal(store_events(f->s, 0, false, 0, &l), BC_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.items[0].type, "order.placed");
    assert_int_equal(l.items[0].account_id, acct);
    assert_int_equal(l.items[0].subscription_id, 0);
    assert_string_equal(l.items[2].payload, "{\"n\":3}");
    assert_int_equal(l.items[2].account_id, 0);
    store_event_list_clear(&l);
    assert_int_equal(store_events(f->s, e[0].id, false, 1, &l), BC_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].id, e[1].id);
    store_event_list_clear(&l);

    assert_int_equal(store_event_delivered(f->s, e[0].id, 5000), BC_OK);
    assert_int_equal(store_event_delivered(f->s, e[0].id, 6000), BC_OK);   /* keeps 5000 */
    assert_int_equal(store_event_delivered(f->s, e[2].id + 10, 6000), BC_NOT_FOUND);
    assert_int_equal(store_events(f->s, 0, true, 0, &l), BC_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].id, e[1].id);
    store_event_list_clear(&l);
    assert_int_equal(store_events(f->s, 0, false, 1, &l), BC_OK);
    assert_int_equal(l.items[0].delivered_at, 5000);
    store_event_list_clear(&l);

    /* Nothing else may change or go. */
    static const char *const refused[] = {
        "UPDATE events SET payload = '{}'",
        "UPDATE events SET type = 'x' WHERE delivered_at IS NULL",
        "UPDATE events SET delivered_at = NULL WHERE delivered_at IS NOT NULL",
        "UPDATE events SET delivered_at = 7000 WHERE delivered_at IS NOT NULL",
        "DELETE FROM events",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_not_equal(store_exec_for_test(f->s, refused[i]), BC_OK);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM events"), 3);
    assert_int_equal(testdb_int(f->s, "SELECT sum(coalesce(delivered_at, 0)) FROM events"), 5000);
}

/* ---------------------------------------------------------------- billing */

static void add_card(struct fx *f, int64_t account, const char *last4)
{
    struct store_card c = {.exp_month = 12, .exp_year = 2030};
    snprintf(c.brand, sizeof c.brand, "visa");
    snprintf(c.last4, sizeof c.last4, "%s", last4);
    assert_int_equal(store_card_set(f->s, account, &c), BC_OK);
}

#define MAX_REPORTS 32
struct reports {
    struct lifecycle_report r[MAX_REPORTS];
    size_t n;
};

static void collect(void *ctx, const struct lifecycle_report *r)
{
    struct reports *rs = ctx;
    assert_true(rs->n < MAX_REPORTS);
    rs->r[rs->n++] = *r;
}

/* renew on `day` (all accounts when account is 0); the reports in *rs. */
static void renew_on(struct fx *f, bc_day day, int64_t account, bool dry, struct reports *rs)
{
    memset(rs, 0, sizeof *rs);
    f->b.today = day;
    assert_int_equal(billing_renew(&f->b, account, dry, collect, rs), BC_OK);
}

static int64_t count_where(struct fx *f, const char *table, const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s%s%s", table, where ? " WHERE " : "",
             where ? where : "");
    return testdb_int(f->s, sql);
}

/* The types of the events after `after`, comma-separated. */
static void event_types(struct fx *f, int64_t after, char *buf, size_t size)
{
    struct store_event_list l = {0};
    assert_int_equal(store_events(f->s, after, false, 0, &l), BC_OK);
    buf[0] = '\0';
    for (size_t i = 0; i < l.n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? "," : "", l.items[i].type);
    }
    store_event_list_clear(&l);
}

static int64_t last_event_id(struct fx *f)
{
    return testdb_int(f->s, "SELECT coalesce(max(id), 0) FROM events");
}

/* The payload of the latest event of `type` (parsed; caller decrefs). */
static json_t *last_payload(struct fx *f, const char *type)
{
    struct store_event_list l = {0};
    json_t *j = NULL;
    assert_int_equal(store_events(f->s, 0, false, 0, &l), BC_OK);
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].type, type) == 0) {
            json_decref(j);
            j = json_loads(l.items[i].payload, 0, NULL);
        }
    store_event_list_clear(&l);
    assert_non_null(j);
    return j;
}

static void test_renew_month_end_anchor(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Rossi", "IT", "EUR", NULL, 0);
    add_card(f, acct, "4242");
    int64_t id = add_sub(f, acct, "gotomeeting", "professional", 5, BC_PERIOD_MONTHLY,
                         DAY(2026, 1, 31), DAY(2026, 2, 28), 31, STORE_SUB_ACTIVE);
    struct reports rs;
    renew_on(f, DAY(2026, 2, 27), 0, false, &rs);
    assert_int_equal(rs.n, 0);                              /* not yet */

    renew_on(f, DAY(2026, 2, 28), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    const struct lifecycle_report *r = &rs.r[0];
    assert_int_equal(r->outcome, LIFECYCLE_RENEWED);
    assert_string_equal(lifecycle_outcome_name(r->outcome), "renewed");
    assert_int_equal(r->account_id, acct);
    assert_string_equal(r->product, "gotomeeting");
    assert_int_equal(r->period_start, DAY(2026, 2, 28));
    assert_int_equal(r->period_end, DAY(2026, 3, 31));      /* the anchor 31 kept */
    assert_int_equal(r->due, 7320);                         /* 5 x 12.00 + 22% */
    assert_int_equal(r->balance_applied, 0);
    assert_true(r->order_id > 0);
    assert_false(r->replayed);

    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_ACTIVE);
    assert_int_equal(x.period_start, DAY(2026, 2, 28));
    assert_int_equal(x.item_start, DAY(2026, 2, 28));
    assert_int_equal(x.period_end, DAY(2026, 3, 31));
    assert_int_equal(x.anchor_day, 31);
    assert_int_equal(x.billed, 6000);
    assert_int_equal(x.price, 1200);
    assert_int_equal(x.version, 2);
    store_subscription_clear(&x);

    struct store_order o = {0};
    char key[64];
    snprintf(key, sizeof key, "renew:%lld:2026-02-28", (long long)id);
    assert_int_equal(store_order_by_key(f->s, key, &o), BC_OK);
    assert_int_equal(o.id, r->order_id);
    assert_int_equal(o.day, DAY(2026, 2, 28));
    assert_int_equal(o.subtotal, 6000);
    assert_int_equal(o.tax, 1320);
    assert_int_equal(o.total, 7320);
    assert_int_equal(o.due, 7320);
    assert_non_null(o.payment_ref);
    assert_int_equal(o.nlines, 2);
    assert_int_equal(o.lines[0].kind, STORE_LINE_CHARGE);
    assert_int_equal(o.lines[0].amount, 6000);
    assert_int_equal(o.lines[0].from, DAY(2026, 2, 28));
    assert_int_equal(o.lines[0].to, DAY(2026, 3, 31));
    assert_int_equal(o.lines[1].kind, STORE_LINE_TAX);
    assert_int_equal(o.lines[1].amount, 1320);
    store_order_clear(&o);
    enum store_charge_state cs;
    int64_t amount = 0;
    assert_int_equal(store_test_charge_get(f->s, key, &cs, &amount, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_APPROVED);
    assert_int_equal(amount, 7320);

    /* The next month lands on the 31st again, then April's 30th. */
    renew_on(f, DAY(2026, 3, 31), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].period_end, DAY(2026, 4, 30));
}

static void test_renew_catches_up_once(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Müller", "DE", "EUR", NULL, 0);
    add_card(f, acct, "4242");
    int64_t id = add_sub(f, acct, "gotomeeting", "business", 2, BC_PERIOD_MONTHLY,
                         DAY(2026, 6, 15), DAY(2026, 7, 15), 15, STORE_SUB_ACTIVE);
    /* A run killed after charging the first missed period, before its
     * order: the processor holds the charge under the key. */
    char key[64];
    snprintf(key, sizeof key, "renew:%lld:2026-07-15", (long long)id);
    assert_int_equal(store_test_charge_put(f->s, key, STORE_CHARGE_APPROVED, 3808, "EUR",
                                           "test_killedrun"), BC_OK);

    struct reports rs;
    renew_on(f, DAY(2026, 11, 20), 0, false, &rs);
    assert_int_equal(rs.n, 5);                              /* July .. November */
    static const int months[] = {7, 8, 9, 10, 11};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(rs.r[i].outcome, LIFECYCLE_RENEWED);
        assert_int_equal(rs.r[i].period_start, DAY(2026, months[i], 15));
        assert_int_equal(rs.r[i].period_end, DAY(2026, months[i] + 1, 15));
        assert_int_equal(rs.r[i].due, 3808);                /* 2 x 16.00 + 19% */
    }
    assert_int_equal(count_where(f, "orders", NULL), 5);
    assert_int_equal(count_where(f, "test_charges", NULL), 5);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->s, key, &o), BC_OK);
    assert_string_equal(o.payment_ref, "test_killedrun");   /* the killed run's charge */
    store_order_clear(&o);

    /* Again, and again on a later day of the same period: nothing more. */
    renew_on(f, DAY(2026, 11, 20), 0, false, &rs);
    assert_int_equal(rs.n, 0);
    renew_on(f, DAY(2026, 12, 14), acct, false, &rs);
    assert_int_equal(rs.n, 0);
    assert_int_equal(count_where(f, "orders", NULL), 5);
    assert_int_equal(count_where(f, "test_charges", NULL), 5);
    assert_int_equal(testdb_int(f->s, "SELECT sum(amount_minor) FROM test_charges"), 5 * 3808);
    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.period_end, DAY(2026, 12, 15));
    assert_int_equal(x.version, 6);
    store_subscription_clear(&x);
    /* Every checkout of a charged renewal was settled by its order. */
    assert_int_equal(count_where(f, "pending_checkouts", "outcome IS NULL"), 0);
}

static void test_renew_dry_run_writes_nothing(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Verdi", "IT", "EUR", NULL, 2000);
    add_card(f, acct, "4242");
    add_sub(f, acct, "gotomeeting", "professional", 1, BC_PERIOD_MONTHLY, DAY(2026, 9, 10),
            DAY(2026, 10, 10), 10, STORE_SUB_ACTIVE);
    int64_t events = last_event_id(f);
    struct reports rs;
    renew_on(f, DAY(2026, 11, 10), 0, true, &rs);
    assert_int_equal(rs.n, 2);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_RENEWED);
    assert_int_equal(rs.r[0].order_id, 0);
    assert_int_equal(rs.r[0].balance_applied, 1464);      /* 12.00 + 22% from 20.00 */
    assert_int_equal(rs.r[0].due, 0);
    assert_int_equal(rs.r[1].period_start, DAY(2026, 11, 10));
    assert_int_equal(rs.r[1].balance_applied, 536);       /* what is left of it */
    assert_int_equal(rs.r[1].due, 928);
    assert_int_equal(count_where(f, "orders", NULL), 0);
    assert_int_equal(count_where(f, "test_charges", NULL), 0);
    assert_int_equal(last_event_id(f), events);
    assert_int_equal(testdb_int(f->s, "SELECT balance_minor FROM accounts"), 2000);
}

static void test_renew_consumes_balance(void **state)
{
    struct fx *f = *state;
    /* No card at all: the credit balance pays both periods. */
    int64_t rich = add_account(f, "Bianchi", "IT", "EUR", NULL, 5000);
    add_sub(f, rich, "gotomeeting", "professional", 1, BC_PERIOD_MONTHLY, DAY(2026, 9, 10),
            DAY(2026, 10, 10), 10, STORE_SUB_ACTIVE);
    /* A card for what the balance leaves. */
    int64_t some = add_account(f, "Neri", "IT", "EUR", NULL, 1000);
    add_card(f, some, "4242");
    add_sub(f, some, "gotomeeting", "professional", 1, BC_PERIOD_MONTHLY, DAY(2026, 10, 10),
            DAY(2026, 11, 10), 10, STORE_SUB_ACTIVE);

    struct reports rs;
    renew_on(f, DAY(2026, 11, 10), rich, false, &rs);
    assert_int_equal(rs.n, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(rs.r[i].outcome, LIFECYCLE_RENEWED);
        assert_int_equal(rs.r[i].balance_applied, 1464);
        assert_int_equal(rs.r[i].due, 0);
    }
    struct store_account a = {0};
    assert_int_equal(store_account_get(f->s, rich, &a), BC_OK);
    assert_int_equal(a.balance, 5000 - 2 * 1464);
    store_account_clear(&a);
    int64_t sum = 0;
    assert_int_equal(store_ledger_sum(f->s, rich, &sum), BC_OK);
    assert_int_equal(sum, 5000 - 2 * 1464);
    assert_int_equal(count_where(f, "test_charges", NULL), 0);

    renew_on(f, DAY(2026, 11, 10), some, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].balance_applied, 1000);
    assert_int_equal(rs.r[0].due, 464);
    assert_int_equal(testdb_int(f->s, "SELECT amount_minor FROM test_charges"), 464);
    assert_int_equal(store_account_get(f->s, some, &a), BC_OK);
    assert_int_equal(a.balance, 0);
    store_account_clear(&a);
}

/* SPEC §8: each period is charged at the catalog's price on its renewal
 * date. Professional is 12.00 for the period that renews on 10 Oct; the
 * catalog then raises it to 15.00, and the period renewing on 10 Nov costs
 * 15.00 + 22 % = 18.30 while the first order keeps its 14.64. */
static void test_renew_price_change_between_periods(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Galli", "IT", "EUR", NULL, 0);
    add_card(f, acct, "4242");
    int64_t id = add_sub(f, acct, "gotomeeting", "professional", 1, BC_PERIOD_MONTHLY,
                         DAY(2026, 9, 10), DAY(2026, 10, 10), 10, STORE_SUB_ACTIVE);
    struct reports rs;
    renew_on(f, DAY(2026, 10, 10), acct, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_RENEWED);
    assert_int_equal(rs.r[0].due, 1464);
    int64_t first_order = rs.r[0].order_id;

    /* The same catalog with Professional's EUR monthly price at 15.00. */
    char dir[64], script[1024], err[512];
    snprintf(dir, sizeof dir, "/tmp/bc-price-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(script, sizeof script,
             "cp '%s'/plans/*.yaml '%s'/ && sed -i 's/EUR: {monthly: \"12.00\", annual: \"120.00\"}/"
             "EUR: {monthly: \"15.00\", annual: \"120.00\"}/' '%s'/gotomeeting.yaml && "
             "grep -q 'monthly: \"15.00\"' '%s'/gotomeeting.yaml",
             SOURCE_ROOT, dir, dir, dir);
    assert_int_equal(system(script), 0);
    struct catalog *raised = catalog_load(dir, err, sizeof err);
    rm_tree(dir);
    if (!raised)
        fail_msg("%s", err);
    f->b.catalog = raised;
    renew_on(f, DAY(2026, 11, 10), acct, false, &rs);
    f->b.catalog = f->catalog;
    catalog_destroy(raised);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_RENEWED);
    assert_int_equal(rs.r[0].due, 1830);
    assert_true(rs.r[0].order_id > first_order);

    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.price, 1500);
    assert_int_equal(x.period_start, DAY(2026, 11, 10));
    assert_int_equal(x.period_end, DAY(2026, 12, 10));
    store_subscription_clear(&x);
    /* The processor saw 14.64 then 18.30, nothing else. */
    assert_int_equal(count_where(f, "test_charges", NULL), 2);
    assert_int_equal(testdb_int(f->s, "SELECT min(amount_minor) FROM test_charges"), 1464);
    assert_int_equal(testdb_int(f->s, "SELECT max(amount_minor) FROM test_charges"), 1830);
}

static void test_dunning_to_suspension_and_pay(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Dupont", "FR", "EUR", NULL, 0);
    add_card(f, acct, "0002");                     /* the declining test card */
    int64_t id = add_sub(f, acct, "gotomeeting", "professional", 1, BC_PERIOD_MONTHLY,
                         DAY(2026, 10, 1), DAY(2026, 11, 1), 1, STORE_SUB_ACTIVE);
    int64_t ev0 = last_event_id(f);
    struct reports rs;
    renew_on(f, DAY(2026, 11, 1), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_PAST_DUE);
    assert_string_equal(rs.r[0].reason, "card_declined");
    assert_int_equal(rs.r[0].order_id, 0);
    assert_int_equal(rs.r[0].next_retry, DAY(2026, 11, 2));
    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_PAST_DUE);
    assert_int_equal(x.past_due_since, DAY(2026, 11, 1));
    assert_int_equal(x.last_attempt, DAY(2026, 11, 1));
    assert_int_equal(x.period_end, DAY(2026, 11, 1));     /* period unchanged */
    store_subscription_clear(&x);
    assert_int_equal(count_where(f, "orders", NULL), 0);
    char types[512];
    event_types(f, ev0, types, sizeof types);
    assert_string_equal(types, "payment.failed,subscription.past_due");
    json_t *p = last_payload(f, "payment.failed");
    assert_string_equal(json_string_value(json_object_get(p, "reason")), "card_declined");
    assert_int_equal(json_integer_value(json_object_get(p, "amount_minor")), 1440);  /* FR, no VAT number: 20% */
    json_decref(p);
    p = last_payload(f, "subscription.past_due");
    assert_string_equal(json_string_value(json_object_get(p, "next_retry")), "2026-11-02");
    json_decref(p);

    /* While past due a change is refused, service goes on. */
    struct billing_change ch = {.subscription_id = id, .to_seats = 2,
                                .to_period = BC_PERIOD_MONTHLY};
    snprintf(ch.product, sizeof ch.product, "gotomeeting");
    snprintf(ch.to_plan, sizeof ch.to_plan, "professional");
    struct billing_quote *q = calloc(1, sizeof *q);
    assert_int_equal(billing_quote_change(&f->b, acct, &ch, q), BC_OK);
    assert_int_equal(q->refusal, BC_PAYMENT_OVERDUE);
    free(q);

    /* The same day again: one attempt a day. The retry days: 1, 3, 5, 7. */
    renew_on(f, DAY(2026, 11, 1), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_SKIPPED);
    assert_string_equal(rs.r[0].reason, "awaiting_retry");
    static const struct { int day; enum lifecycle_outcome outcome; } runs[] = {
        {2, LIFECYCLE_PAST_DUE}, {3, LIFECYCLE_SKIPPED}, {4, LIFECYCLE_PAST_DUE},
        {6, LIFECYCLE_PAST_DUE}, {7, LIFECYCLE_SKIPPED}, {8, LIFECYCLE_SUSPENDED},
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        renew_on(f, DAY(2026, 11, runs[i].day), 0, false, &rs);
        assert_int_equal(rs.n, 1);
        assert_int_equal(rs.r[0].outcome, runs[i].outcome);
    }
    x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_SUSPENDED);
    assert_int_equal(x.past_due_since, DAY(2026, 11, 1));
    assert_int_equal(x.last_attempt, DAY(2026, 11, 8));
    store_subscription_clear(&x);
    event_types(f, ev0, types, sizeof types);
    assert_string_equal(types, "payment.failed,subscription.past_due,payment.failed,"
                               "payment.failed,payment.failed,payment.failed,"
                               "subscription.suspended");
    renew_on(f, DAY(2026, 11, 9), 0, false, &rs);
    assert_int_equal(rs.n, 0);                                 /* suspended: nothing due */
    assert_int_equal(count_where(f, "orders", NULL), 0);

    /* Pay now with the declining card on file: declined, nothing moves. */
    f->b.today = DAY(2026, 11, 10);
    struct lifecycle_report pr;
    assert_int_equal(billing_subscription_pay(&f->b, acct, id, NULL, &pr), BC_PAYMENT_DECLINED);
    assert_string_equal(pr.reason, "card_declined");
    x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_SUSPENDED);
    store_subscription_clear(&x);
    /* What Pay now shows first is what it charges: the new period, today on. */
    struct lifecycle_due due;
    assert_int_equal(billing_subscription_pay_due(&f->b, acct, id, &due), BC_OK);
    assert_true(due.new_start);
    assert_int_equal(due.period_start, DAY(2026, 11, 10));
    assert_int_equal(due.period_end, DAY(2026, 12, 10));
    assert_int_equal(due.charge.totals.due, 1440);
    /* With a good card: a new period from the day of payment. */
    struct billing_payment pay = {.card_number = "4242 4242 4242 4242", .card_expiry = "12/30"};
    assert_int_equal(billing_subscription_pay(&f->b, acct, id, &pay, &pr), BC_OK);
    assert_int_equal(pr.outcome, LIFECYCLE_RENEWED);
    assert_int_equal(pr.period_start, DAY(2026, 11, 10));
    assert_int_equal(pr.period_end, DAY(2026, 12, 10));
    assert_int_equal(pr.due, 1440);
    assert_true(pr.order_id > 0);
    /* Paid: nothing more is due. */
    assert_int_not_equal(billing_subscription_pay_due(&f->b, acct, id, &due), BC_OK);
    x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_ACTIVE);
    assert_int_equal(x.anchor_day, 10);
    assert_int_equal(x.past_due_since, 0);
    assert_int_equal(x.last_attempt, 0);
    store_subscription_clear(&x);
    char key[64];
    snprintf(key, sizeof key, "renew:%lld:2026-11-10", (long long)id);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->s, key, &o), BC_OK);
    assert_int_equal(o.id, pr.order_id);
    store_order_clear(&o);
    /* Paying what is paid: nothing to do. */
    assert_int_equal(billing_subscription_pay(&f->b, acct, id, &pay, &pr), BC_NO_CHANGE);
}

static void test_pay_while_past_due_keeps_anchor(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Acme", "US", "USD", NULL, 0);     /* no card */
    int64_t id = add_sub(f, acct, "gotomeeting", "professional", 3, BC_PERIOD_MONTHLY,
                         DAY(2026, 10, 31), DAY(2026, 11, 30), 31, STORE_SUB_ACTIVE);
    struct reports rs;
    renew_on(f, DAY(2026, 11, 30), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_PAST_DUE);
    assert_string_equal(rs.r[0].reason, "no_card");
    f->b.today = DAY(2026, 12, 2);
    struct lifecycle_report pr;
    assert_int_equal(billing_subscription_pay(&f->b, acct, id, NULL, &pr), BC_PAYMENT_REQUIRED);
    struct lifecycle_due due;
    assert_int_equal(billing_subscription_pay_due(&f->b, acct, id, &due), BC_OK);
    assert_false(due.new_start);
    assert_int_equal(due.period_start, DAY(2026, 11, 30));
    assert_int_equal(due.period_end, DAY(2026, 12, 31));
    assert_int_equal(due.charge.seats, 3);
    assert_int_equal(due.charge.totals.tax, 0);
    assert_int_equal(due.charge.totals.due, 4200);
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "01/31"};
    assert_int_equal(billing_subscription_pay(&f->b, acct, id, &pay, &pr), BC_OK);
    assert_int_equal(pr.period_start, DAY(2026, 11, 30));
    assert_int_equal(pr.period_end, DAY(2026, 12, 31));    /* anchor 31 kept */
    assert_int_equal(pr.due, 4200);                        /* 3 x 14.00, no VAT */
    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_ACTIVE);
    assert_int_equal(x.anchor_day, 31);
    store_subscription_clear(&x);
    /* The renewal run after the payment finds nothing due. */
    renew_on(f, DAY(2026, 12, 2), 0, false, &rs);
    assert_int_equal(rs.n, 0);
}

static void test_cancel_and_reactivate(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Brighton", "GB", "GBP", NULL, 0);
    add_card(f, acct, "4242");
    int64_t id = add_sub(f, acct, "gotowebinar", "lite", 1, BC_PERIOD_MONTHLY,
                         DAY(2026, 11, 10), DAY(2026, 12, 10), 10, STORE_SUB_ACTIVE);
    int64_t ev0 = last_event_id(f);
    f->b.today = DAY(2026, 11, 25);
    assert_int_equal(billing_subscription_cancel(&f->b, acct, id), BC_OK);
    assert_int_equal(billing_subscription_cancel(&f->b, acct, id), BC_NO_CHANGE);
    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_ACTIVE);        /* active until P1 */
    assert_true(x.auto_renew_off);
    assert_int_equal(x.version, 2);
    store_subscription_clear(&x);
    assert_int_equal(billing_subscription_reactivate(&f->b, acct, id), BC_OK);
    assert_int_equal(billing_subscription_reactivate(&f->b, acct, id), BC_NO_CHANGE);
    assert_int_equal(billing_subscription_cancel(&f->b, acct, id), BC_OK);
    char types[512];
    event_types(f, ev0, types, sizeof types);
    assert_string_equal(types, "subscription.changed,subscription.reactivated,"
                               "subscription.changed");
    json_t *p = last_payload(f, "subscription.changed");
    assert_false(json_boolean_value(json_object_get(p, "auto_renew")));
    assert_string_equal(json_string_value(json_object_get(p, "day")), "2026-11-25");
    json_decref(p);

    struct reports rs;
    renew_on(f, DAY(2026, 12, 10), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_CANCELED);
    assert_int_equal(rs.r[0].order_id, 0);
    x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_CANCELED);
    store_subscription_clear(&x);
    assert_int_equal(count_where(f, "orders", NULL), 0);
    event_types(f, ev0, types, sizeof types);
    assert_string_equal(types, "subscription.changed,subscription.reactivated,"
                               "subscription.changed,subscription.canceled");
    /* After P1 there is nothing to reactivate: subscribe instead. */
    f->b.today = DAY(2026, 12, 11);
    assert_int_equal(billing_subscription_reactivate(&f->b, acct, id), BC_DATE_OUTSIDE_PERIOD);
    renew_on(f, DAY(2026, 12, 11), 0, false, &rs);
    assert_int_equal(rs.n, 0);

    /* Subscribe now: a new period from today, charged in full, renewing
     * again; the seats stayed with the canceled subscription. */
    struct billing_change again = {.subscription_id = id, .to_seats = 1,
                                   .to_period = BC_PERIOD_MONTHLY};
    snprintf(again.product, sizeof again.product, "gotowebinar");
    snprintf(again.to_plan, sizeof again.to_plan, "lite");
    struct billing_result res = {0};
    assert_int_equal(billing_place(&f->b, acct, &again, "resub-1", -1, NULL, &res), BC_OK);
    assert_int_equal(res.due, 4500);                       /* 1 x 45.00 GBP, out of scope */
    x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_ACTIVE);
    assert_false(x.auto_renew_off);
    assert_int_equal(x.period_start, DAY(2026, 12, 11));
    assert_int_equal(x.period_end, DAY(2027, 1, 11));
    store_subscription_clear(&x);
    assert_int_equal(count_where(f, "orders", NULL), 1);
    renew_on(f, DAY(2027, 1, 11), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_RENEWED);

    /* A read-only operator may not cancel; every attempt is audited. */
    int64_t audits = count_where(f, "audit", NULL);
    f->b.actor.op_role = STORE_OP_READONLY;
    assert_int_equal(billing_subscription_cancel(&f->b, acct, id), BC_READONLY_OPERATOR);
    assert_int_equal(billing_renew(&f->b, 0, false, NULL, NULL), BC_READONLY_OPERATOR);
    assert_int_equal(count_where(f, "audit", NULL), audits + 2);
}

static void test_scheduled_downgrade(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Schmidt", "DE", "EUR", "DE136464502", 0);
    add_card(f, acct, "4242");
    int64_t id = add_sub(f, acct, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY,
                         DAY(2026, 11, 10), DAY(2026, 12, 10), 10, STORE_SUB_ACTIVE);
    struct store_contact c = {.account_id = acct, .name = "Anna", .email = "anna@schmidt.example",
                              .role = STORE_ROLE_BILLING};
    assert_int_equal(store_contact_insert(f->s, &c), BC_OK);
    f->b.today = DAY(2026, 11, 25);
    struct renewal_terms down = {.plan = "professional", .seats = 3,
                                 .period = BC_PERIOD_MONTHLY};

    /* The billing contact: gotomeeting says downgrade: support. */
    struct billing_actor op = f->b.actor;
    memset(&f->b.actor, 0, sizeof f->b.actor);
    f->b.actor.kind = BILLING_ACTOR_CONTACT;
    f->b.actor.contact_id = c.id;
    snprintf(f->b.actor.name, sizeof f->b.actor.name, "anna@schmidt.example");
    assert_int_equal(billing_subscription_schedule(&f->b, acct, id, &down),
                     BC_DOWNGRADE_REQUIRES_SUPPORT);
    f->b.actor = op;
    assert_int_equal(billing_subscription_schedule(&f->b, acct, id, &down), BC_OK);
    struct store_subscription x = get_sub(f, id);
    assert_string_equal(x.sched_plan, "professional");
    assert_int_equal(x.sched_seats, 3);
    assert_string_equal(x.plan, "business");            /* nothing changes today */
    store_subscription_clear(&x);
    assert_int_equal(billing_subscription_unschedule(&f->b, acct, id), BC_OK);
    assert_int_equal(billing_subscription_unschedule(&f->b, acct, id), BC_NO_CHANGE);
    assert_int_equal(billing_subscription_schedule(&f->b, acct, id, &down), BC_OK);
    assert_int_equal(count_where(f, "orders", NULL), 0);

    struct reports rs;
    renew_on(f, DAY(2026, 12, 10), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_RENEWED);
    assert_int_equal(rs.r[0].due, 3600);                 /* 3 x 12.00, reverse charge */
    x = get_sub(f, id);
    assert_string_equal(x.plan, "professional");
    assert_int_equal(x.seats, 3);
    assert_null(x.sched_plan);
    assert_int_equal(x.billed, 3600);
    store_subscription_clear(&x);
    struct store_order o = {0};
    char key[64];
    snprintf(key, sizeof key, "renew:%lld:2026-12-10", (long long)id);
    assert_int_equal(store_order_by_key(f->s, key, &o), BC_OK);
    assert_string_equal(o.lines[0].plan_from, "business");
    assert_string_equal(o.lines[0].plan_to, "professional");
    assert_int_equal(o.lines[0].seats_from, 5);
    assert_int_equal(o.lines[0].seats_to, 3);
    assert_true(o.lines[1].reverse_charge);
    assert_int_equal(o.lines[1].amount, 0);
    store_order_clear(&o);
    json_t *p = last_payload(f, "subscription.renewed");
    assert_true(json_boolean_value(json_object_get(p, "scheduled_applied")));
    assert_string_equal(json_string_value(json_object_get(p, "plan")), "professional");
    json_decref(p);
}

static void test_trial_converts_or_ends(void **state)
{
    struct fx *f = *state;
    int64_t paid = add_account(f, "Tanaka", "IT", "EUR", NULL, 0);
    add_card(f, paid, "4242");
    int64_t t1 = add_sub(f, paid, "gototraining", "starter", 1, BC_PERIOD_MONTHLY,
                         DAY(2026, 11, 1), DAY(2026, 12, 1), 1, STORE_SUB_TRIAL);
    int64_t nocard = add_account(f, "Gialli", "IT", "EUR", NULL, 0);
    int64_t t2 = add_sub(f, nocard, "gototraining", "starter", 1, BC_PERIOD_MONTHLY,
                         DAY(2026, 11, 3), DAY(2026, 12, 3), 3, STORE_SUB_TRIAL);
    int64_t ev0 = last_event_id(f);
    struct reports rs;
    renew_on(f, DAY(2026, 12, 3), 0, false, &rs);
    assert_int_equal(rs.n, 2);
    assert_int_equal(rs.r[0].subscription_id, t1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_RENEWED);
    assert_int_equal(rs.r[0].period_start, DAY(2026, 12, 1));
    assert_int_equal(rs.r[0].period_end, DAY(2027, 1, 1));
    assert_int_equal(rs.r[0].due, 10858);                 /* 89.00 + 22% */
    assert_int_equal(rs.r[1].subscription_id, t2);
    assert_int_equal(rs.r[1].outcome, LIFECYCLE_TRIAL_ENDED);
    assert_string_equal(rs.r[1].reason, "no_card");
    struct store_subscription x = get_sub(f, t1);
    assert_int_equal(x.status, STORE_SUB_ACTIVE);
    assert_int_equal(x.billed, 8900);
    store_subscription_clear(&x);
    x = get_sub(f, t2);
    assert_int_equal(x.status, STORE_SUB_TRIAL_ENDED);
    store_subscription_clear(&x);
    char types[512];
    event_types(f, ev0, types, sizeof types);
    assert_string_equal(types, "order.placed,invoice.issued,subscription.renewed,"
                               "subscription.changed");
    json_t *p = last_payload(f, "subscription.renewed");
    assert_true(json_boolean_value(json_object_get(p, "from_trial")));
    assert_string_equal(json_string_value(json_object_get(p, "status")), "active");
    assert_string_equal(json_string_value(json_object_get(p, "period_start")), "2026-12-01");
    json_t *o = last_payload(f, "order.placed");
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "renewal");
    assert_int_equal(json_integer_value(json_object_get(o, "order_id")),
                     json_integer_value(json_object_get(p, "order_id")));
    assert_int_equal(json_integer_value(json_object_get(o, "due_minor")), 10858);
    json_decref(o);
    json_decref(p);
    renew_on(f, DAY(2026, 12, 3), 0, false, &rs);
    assert_int_equal(rs.n, 0);
}

/* A 14-day trial whose conversion is declined: past due with the anchor of
 * its end, and paid later for a month from that day. */
static void test_short_trial_declined_then_paid(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Rizzi", "IT", "EUR", NULL, 0);
    add_card(f, acct, "9995");                               /* insufficient funds */
    int64_t id = add_sub(f, acct, "gotowebinar", "lite", 1, BC_PERIOD_MONTHLY,
                         DAY(2026, 11, 5), DAY(2026, 11, 19), 5, STORE_SUB_TRIAL);
    struct reports rs;
    renew_on(f, DAY(2026, 11, 19), 0, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_PAST_DUE);
    assert_string_equal(rs.r[0].reason, "insufficient_funds");
    assert_int_equal(rs.r[0].period_start, DAY(2026, 11, 19));
    assert_int_equal(rs.r[0].period_end, DAY(2026, 12, 19));
    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_PAST_DUE);
    assert_int_equal(x.anchor_day, 19);
    store_subscription_clear(&x);
    f->b.today = DAY(2026, 11, 21);
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "12/30"};
    struct lifecycle_report pr;
    assert_int_equal(billing_subscription_pay(&f->b, acct, id, &pay, &pr), BC_OK);
    assert_int_equal(pr.period_start, DAY(2026, 11, 19));
    assert_int_equal(pr.period_end, DAY(2026, 12, 19));
    x = get_sub(f, id);
    assert_int_equal(x.status, STORE_SUB_ACTIVE);
    assert_int_equal(x.anchor_day, 19);
    assert_int_equal(x.billed, 4900);
    store_subscription_clear(&x);
}

static void test_reconcile_completes_a_killed_renewal(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Ferri", "IT", "EUR", NULL, 0);
    add_card(f, acct, "4242");
    int64_t id = add_sub(f, acct, "gotomeeting", "professional", 1, BC_PERIOD_MONTHLY,
                         DAY(2026, 10, 5), DAY(2026, 11, 5), 5, STORE_SUB_ACTIVE);
    /* What a renew killed between its charge and its commit leaves: the
     * checkout open and the processor's approved charge. */
    char key[64], req[1024];
    snprintf(key, sizeof key, "renew:%lld:2026-11-05", (long long)id);
    snprintf(req, sizeof req, "{\"actor\":\"alice\",\"actor_kind\":\"operator\","
             "\"attempt\":\"dead\",\"balance_minor\":0,\"contact_id\":0,\"currency\":\"EUR\","
             "\"day\":\"2026-11-05\",\"due_minor\":1464,\"kind\":\"renewal\",\"origin\":\"local\","
             "\"period_end\":\"2026-12-05\",\"period_start\":\"2026-11-05\","
             "\"subscription_id\":%lld,\"total_minor\":1464,\"version\":1}", (long long)id);
    enum store_key_state ks;
    int64_t prior;
    assert_int_equal(store_pending_open(f->s, key, acct, 1464, "EUR", req, &ks, &prior), BC_OK);
    assert_int_equal(store_test_charge_put(f->s, key, STORE_CHARGE_APPROVED, 1464, "EUR",
                                           "test_dead"), BC_OK);
    f->b.today = DAY(2026, 11, 6);
    int completed = 0, refunded = 0;
    assert_int_equal(billing_reconcile(&f->b, &completed, &refunded), BC_OK);
    assert_int_equal(completed, 1);
    assert_int_equal(refunded, 0);
    struct store_order o = {0};
    assert_int_equal(store_order_by_key(f->s, key, &o), BC_OK);
    assert_string_equal(o.payment_ref, "test_dead");
    assert_int_equal(o.day, DAY(2026, 11, 5));
    store_order_clear(&o);
    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.period_end, DAY(2026, 12, 5));
    store_subscription_clear(&x);
    struct reports rs;
    renew_on(f, DAY(2026, 11, 6), 0, false, &rs);
    assert_int_equal(rs.n, 0);
    assert_int_equal(count_where(f, "test_charges", NULL), 1);

    /* A killed renewal whose subscription moved on is refunded. */
    char key2[64];
    snprintf(key2, sizeof key2, "renew:%lld:2026-09-05", (long long)id);
    snprintf(req, sizeof req, "{\"actor\":\"alice\",\"actor_kind\":\"operator\","
             "\"attempt\":\"old\",\"balance_minor\":0,\"contact_id\":0,\"currency\":\"EUR\","
             "\"day\":\"2026-09-05\",\"due_minor\":1464,\"kind\":\"renewal\",\"origin\":\"local\","
             "\"period_end\":\"2026-10-05\",\"period_start\":\"2026-09-05\","
             "\"subscription_id\":%lld,\"total_minor\":1464,\"version\":1}", (long long)id);
    assert_int_equal(store_pending_open(f->s, key2, acct, 1464, "EUR", req, &ks, &prior), BC_OK);
    assert_int_equal(store_test_charge_put(f->s, key2, STORE_CHARGE_APPROVED, 1464, "EUR",
                                           "test_old"), BC_OK);
    assert_int_equal(billing_reconcile(&f->b, &completed, &refunded), BC_OK);
    assert_int_equal(completed, 0);
    assert_int_equal(refunded, 1);
    enum store_charge_state cs;
    assert_int_equal(store_test_charge_get(f->s, key2, &cs, NULL, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_REFUNDED);
    assert_int_equal(count_where(f, "orders", NULL), 1);
}

static void test_seat_limit_while_reduction_scheduled(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Conti", "IT", "EUR", NULL, 0);
    int64_t id = add_sub(f, acct, "gotomeeting", "professional", 4, BC_PERIOD_MONTHLY,
                         DAY(2026, 11, 10), DAY(2026, 12, 10), 10, STORE_SUB_ACTIVE);
    int64_t users[3];
    for (int i = 0; i < 3; i++) {
        char name[16], email[64];
        snprintf(name, sizeof name, "U%d", i);
        snprintf(email, sizeof email, "u%d@conti.example", i);
        assert_int_equal(billing_user_add(&f->b, acct, name, email, &users[i]), BC_OK);
    }
    f->b.today = DAY(2026, 11, 25);
    assert_int_equal(billing_seat_set(&f->b, acct, id, users[0], true), BC_OK);
    struct renewal_terms two = {.plan = "professional", .seats = 2, .period = BC_PERIOD_MONTHLY};
    assert_int_equal(billing_subscription_schedule(&f->b, acct, id, &two), BC_OK);
    assert_int_equal(billing_seat_set(&f->b, acct, id, users[1], true), BC_OK);
    assert_int_equal(billing_seat_set(&f->b, acct, id, users[2], true), BC_SEATS_SCHEDULED_LIMIT);
    json_t *p = last_payload(f, "seats.changed");
    assert_int_equal(json_integer_value(json_object_get(p, "seats_assigned")), 2);
    assert_int_equal(json_integer_value(json_object_get(p, "user_id")), users[1]);
    json_decref(p);
    assert_int_equal(count_where(f, "events", "type = 'seats.changed'"), 2);
}

/* Removing a user who holds seats tells provisioning: one seats.changed
 * per subscription that lost the seat, with the counts after. */
static void test_user_removal_is_a_seat_event(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Greco", "IT", "EUR", NULL, 0);
    int64_t a = add_sub(f, acct, "gotomeeting", "professional", 4, BC_PERIOD_MONTHLY,
                        DAY(2026, 11, 10), DAY(2026, 12, 10), 10, STORE_SUB_ACTIVE);
    int64_t b = add_sub(f, acct, "gotowebinar", "lite", 2, BC_PERIOD_MONTHLY,
                        DAY(2026, 11, 10), DAY(2026, 12, 10), 10, STORE_SUB_ACTIVE);
    int64_t u = 0, other = 0;
    assert_int_equal(billing_user_add(&f->b, acct, "Ada", "ada@greco.example", &u), BC_OK);
    assert_int_equal(billing_user_add(&f->b, acct, "Bea", "bea@greco.example", &other), BC_OK);
    f->b.today = DAY(2026, 11, 25);
    assert_int_equal(billing_seat_set(&f->b, acct, a, u, true), BC_OK);
    assert_int_equal(billing_seat_set(&f->b, acct, a, other, true), BC_OK);
    assert_int_equal(billing_seat_set(&f->b, acct, b, other, true), BC_OK);
    assert_int_equal(count_where(f, "events", "type = 'seats.changed'"), 3);
    int freed = -1;
    assert_int_equal(billing_user_remove(&f->b, acct, u, &freed), BC_OK);
    assert_int_equal(freed, 1);
    /* Only the subscription that held Ada's seat. */
    assert_int_equal(count_where(f, "events", "type = 'seats.changed'"), 4);
    json_t *p = last_payload(f, "seats.changed");
    assert_int_equal(json_integer_value(json_object_get(p, "subscription_id")), a);
    assert_int_equal(json_integer_value(json_object_get(p, "user_id")), u);
    assert_false(json_is_true(json_object_get(p, "assigned")));
    assert_int_equal(json_integer_value(json_object_get(p, "seats_assigned")), 1);
    json_decref(p);
    /* A user with no seat: removed, no event. */
    int64_t idle = 0;
    assert_int_equal(billing_user_add(&f->b, acct, "Cleo", "cleo@greco.example", &idle), BC_OK);
    assert_int_equal(billing_user_remove(&f->b, acct, idle, &freed), BC_OK);
    assert_int_equal(freed, 0);
    assert_int_equal(count_where(f, "events", "type = 'seats.changed'"), 4);
}

/* Two renews at once on their own connections, each catching up the
 * same twelve months: each period ordered and charged once. */
static void test_renew_concurrently(void **state)
{
    struct fx *f = *state;
    int64_t acct = add_account(f, "Colombo", "IT", "EUR", NULL, 0);
    add_card(f, acct, "4242");
    int64_t id = add_sub(f, acct, "gotowebinar", "lite", 1, BC_PERIOD_MONTHLY,
                         DAY(2025, 11, 20), DAY(2025, 12, 20), 20, STORE_SUB_ACTIVE);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            struct store *s = NULL;
            if (store_open(f->path, STORE_OPEN_EXISTING, &s) != BC_OK)
                _exit(10);
            struct payment_processor *proc = payment_test_create(s);
            struct billing b = f->b;
            b.store = s;
            b.processor = proc;
            b.today = DAY(2026, 11, 25);
            enum bc_status st = billing_renew(&b, 0, false, NULL, NULL);
            payment_destroy(proc);
            store_close(s);
            _exit(st == BC_OK ? 0 : 20 + (int)st);
        }
    }
    for (int k = 0; k < 2; k++) {
        int status = 0;
        assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(count_where(f, "orders", NULL), 12);
    assert_int_equal(testdb_int(f->s, "SELECT count(DISTINCT idempotency_key) FROM orders"), 12);
    assert_int_equal(count_where(f, "test_charges", "state = 'approved'"), 12);
    assert_int_equal(testdb_int(f->s, "SELECT sum(amount_minor) FROM test_charges"
                                      " WHERE state = 'approved'"), 12 * 5978);   /* 49.00 + 22% */
    assert_int_equal(count_where(f, "events", "type = 'subscription.renewed'"), 12);
    struct store_subscription x = get_sub(f, id);
    assert_int_equal(x.period_start, DAY(2026, 11, 20));
    assert_int_equal(x.version, 13);
    store_subscription_clear(&x);
}

/* The demo's lifecycle accounts after the ten showcase ones, and what
 * renew does with them over the following days. */
static void test_demo_lifecycle_accounts(void **state)
{
    struct fx *f = *state;
    bc_day t = DAY(2026, 11, 25);
    assert_int_equal(demo_generate(f->s, f->catalog, t, 10, NULL, NULL), BC_OK);
    assert_int_equal(demo_lifecycle(f->s, f->catalog, t), BC_OK);
    assert_int_equal(store_account_count(f->s), 16);
    const struct {
        int64_t account;
        const char *name;
        enum store_sub_status status;
        bool auto_renew_off, scheduled;
        bc_day p1;
    } want[] = {
        {11, "Ferri Servizi S.r.l.", STORE_SUB_PAST_DUE, false, false, t - 2},
        {12, "Costa Design Lda", STORE_SUB_SUSPENDED, false, false, t - 10},
        {13, "Keller Logistik GmbH", STORE_SUB_ACTIVE, true, false, DAY(2026, 12, 5)},
        {14, "Walsh Media Ltd", STORE_SUB_ACTIVE, false, true, DAY(2026, 12, 13)},
        {15, "Novak Analytics", STORE_SUB_TRIAL, false, false, t + 10},
        {16, "Moretti Studio", STORE_SUB_ACTIVE, false, false, t},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        struct store_account a = {0};
        assert_int_equal(store_account_get(f->s, want[i].account, &a), BC_OK);
        assert_string_equal(a.name, want[i].name);
        assert_true(a.billing_contact_id > 0);
        store_account_clear(&a);
        struct store_subscription_list l = {0};
        assert_int_equal(store_subscriptions(f->s, want[i].account, &l), BC_OK);
        assert_int_equal(l.n, 1);
        assert_int_equal(l.items[0].status, want[i].status);
        assert_int_equal(l.items[0].auto_renew_off, want[i].auto_renew_off);
        assert_int_equal(l.items[0].sched_plan != NULL, want[i].scheduled);
        assert_int_equal(l.items[0].period_end, want[i].p1);
        store_subscription_list_clear(&l);
    }

    /* Today: Moretti's renewal comes from its 30.00 balance; Ferri waits. */
    struct reports rs;
    renew_on(f, t, 0, false, &rs);
    assert_int_equal(rs.n, 2);
    assert_int_equal(rs.r[0].account_id, 11);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_SKIPPED);
    assert_int_equal(rs.r[0].next_retry, DAY(2026, 11, 26));
    assert_int_equal(rs.r[1].account_id, 16);
    assert_int_equal(rs.r[1].outcome, LIFECYCLE_RENEWED);
    assert_int_equal(rs.r[1].balance_applied, 1464);
    assert_int_equal(rs.r[1].due, 0);
    /* Ferri's card on file declines at the last retry (P1+7): suspended. */
    renew_on(f, DAY(2026, 11, 30), 11, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_SUSPENDED);
    /* The others on their days: Keller ends, Novak converts, Walsh goes down to Lite. */
    renew_on(f, DAY(2026, 12, 13), 13, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_CANCELED);
    renew_on(f, DAY(2026, 12, 13), 15, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_RENEWED);
    assert_int_equal(rs.r[0].due, 10769);                /* 89.00 + NL 21% */
    renew_on(f, DAY(2026, 12, 13), 14, false, &rs);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].outcome, LIFECYCLE_RENEWED);
    assert_int_equal(rs.r[0].due, 12054);                /* 2 x 49.00 + IE 23% */
}

int main(void)
{
    const struct CMUnitTest both[] = {
        cmocka_unit_test_setup_teardown(test_store_lifecycle_fields_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_due_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_set_life_with_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_events_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renew_month_end_anchor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renew_catches_up_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renew_dry_run_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renew_concurrently, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renew_consumes_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renew_price_change_between_periods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dunning_to_suspension_and_pay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pay_while_past_due_keeps_anchor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_and_reactivate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scheduled_downgrade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trial_converts_or_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_trial_declined_then_paid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconcile_completes_a_killed_renewal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seat_limit_while_reduction_scheduled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_removal_is_a_seat_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_lifecycle_accounts, setup, teardown),
    };
    return testdb_run_cases("both", both, sizeof both / sizeof *both, NULL, 0, NULL, NULL);
}
