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
#include <unistd.h>

#include "billing.h"
#include "catalog.h"
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
    struct store_account a = {.name = (char *)name, .kind = STORE_ACCOUNT_STANDARD,
                              .vat_number = (char *)vat};
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

int main(void)
{
    const struct CMUnitTest both[] = {
        cmocka_unit_test_setup_teardown(test_store_lifecycle_fields_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_due_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_set_life_with_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_events_append_only, setup, teardown),
    };
    return testdb_run_cases("both", both, sizeof both / sizeof *both, NULL, 0, NULL, NULL);
}
