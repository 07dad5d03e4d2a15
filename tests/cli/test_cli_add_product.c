/* test_cli_add_product.c — SPEC §8 "Add a product" from the command line:
 * `quote` and `order place --account ID --product P --to-plan X ...` for a
 * product the account does not have quote and create a new subscription
 * (its invoice, event and audit row with it); a product with a trial
 * (GoToTraining, 14 days) starts as the trial with nothing charged and no
 * document; the refusals and their exit codes (SPEC §6). Each test works on
 * a private copy of the demo database (today 2026-11-25), on the engine
 * $BC_TEST_ENGINE names (testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli_harness.h"
#include "testdb.h"

#define assert_contains(hay, needle) do { \
        if (!strstr((hay), (needle))) \
            fail_msg("'%s' not found in: %s", (needle), (hay)); \
    } while (0)

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        fail_msg("not JSON (%s): %s", e.text, text);
    return v;
}

static int64_t jint(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", key);
    return (int64_t)json_integer_value(v);
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s is not a string", key);
    return json_string_value(v);
}

/* The account's subscription to `product` in `account show --json`, or NULL
 * (borrowed from `acct`). */
static json_t *sub_in(json_t *acct, const char *product)
{
    json_t *subs = json_object_get(acct, "subscriptions"), *s;
    size_t i;
    json_array_foreach(subs, i, s)
        if (strcmp(jstr(s, "product"), product) == 0)
            return s;
    return NULL;
}

static json_t *account_show(struct fx *f, const char *id)
{
    struct run r;
    RUN(&r, f->dir, "account", "show", id, "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *v = parse(r.out);
    run_clear(&r);
    return v;
}

/* Everything an order could have changed, as one text. */
static char *state_of(const char *db)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM orders", "SELECT count(*) FROM order_lines",
        "SELECT count(*) FROM subscriptions", "SELECT count(*) FROM subscription_history",
        "SELECT count(*) FROM events", "SELECT count(*) FROM documents",
        "SELECT coalesce(sum(balance_minor), 0) FROM accounts",
        "SELECT count(*) FROM test_charges",
    };
    char *out = calloc(1, 1024);
    assert_non_null(out);
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        char part[64];
        snprintf(part, sizeof part, "%lld;", (long long)sql_int(db, sql[i]));
        strcat(out, part);
    }
    return out;
}

/* Müller Technik (3, DE: 19 %) adds GoToWebinar Standard, 3 seats
 * monthly: 297.00 + 56.43 = 353.43 for 2026-11-25 -> 2026-12-25. */
static void test_add_paid_product(void **state)
{
    struct fx *f = *state;
    struct run r;

    RUN(&r, f->dir, "quote", "--account", "3", "--product", "gotowebinar", "--to-plan",
        "standard", "--to-seats", "3", "--to-period", "monthly", "--json", "--db", f->db,
        "--date", DAY);
    assert_exit(&r, 0);
    json_t *q = parse(r.out);
    run_clear(&r);
    json_t *lines = json_object_get(q, "lines");
    assert_int_equal(json_array_size(lines), 2);
    assert_string_equal(jstr(json_array_get(lines, 0), "kind"), "charge");
    assert_int_equal(jint(json_array_get(lines, 0), "amount_minor"), 29700);
    assert_string_equal(jstr(json_array_get(lines, 1), "kind"), "tax");
    assert_int_equal(jint(json_array_get(lines, 1), "amount_minor"), 5643);
    assert_int_equal(jint(q, "total_minor"), 35343);
    assert_int_equal(jint(q, "due_minor"), 35343);
    assert_string_equal(jstr(q, "period_start"), "2026-11-25");
    assert_string_equal(jstr(q, "period_end"), "2026-12-25");
    assert_true(json_is_true(json_object_get(q, "allowed")));
    json_decref(q);

    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotowebinar", "--to-plan",
        "standard", "--to-seats", "3", "--to-period", "monthly", "--idempotency-key", "add-1",
        "--expect-due", "35343", "--card", "4242424242424242", "--card-exp", "12/30", "--json",
        "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *o = parse(r.out);
    run_clear(&r);
    int64_t order = jint(o, "order_id");
    assert_int_equal(jint(o, "due_minor"), 35343);
    assert_string_equal(jstr(o, "document"), "2026/000001");
    json_decref(o);

    json_t *acct = account_show(f, "3");
    json_t *s = sub_in(acct, "gotowebinar");
    assert_non_null(s);
    assert_string_equal(jstr(s, "plan"), "standard");
    assert_int_equal(jint(s, "seats"), 3);
    assert_int_equal(jint(s, "seats_assigned"), 0);
    assert_string_equal(jstr(s, "period"), "monthly");
    assert_string_equal(jstr(s, "period_start"), "2026-11-25");
    assert_string_equal(jstr(s, "period_end"), "2026-12-25");
    assert_string_equal(jstr(s, "status"), "active");
    assert_int_equal(jint(s, "version"), 1);
    json_decref(acct);

    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM order_lines l JOIN subscriptions s ON "
             "s.id = l.subscription_id WHERE l.order_id = %lld AND s.product = 'gotowebinar' "
             "AND s.account_id = 3", (long long)order);
    assert_int_equal(sql_int(f->db, sql), 2);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events WHERE type = "
                                    "'subscription.created' AND account_id = 3"), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM subscription_history h JOIN subscriptions s"
             " ON s.id = h.subscription_id WHERE s.account_id = 3 AND s.product = 'gotowebinar'"
             " AND h.version = 1 AND h.order_id = %lld", (long long)order);
    assert_int_equal(sql_int(f->db, sql), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE action = 'order.place' "
                                    "AND account_id = 3 AND result = 'ok'"), 1);

    /* The same request with another key is now a change of that
     * subscription, and there is nothing to change: no second one. */
    char *before = state_of(f->db);
    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotowebinar", "--to-plan",
        "standard", "--to-seats", "3", "--to-period", "monthly", "--idempotency-key", "add-2",
        "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    o = parse(r.out);
    assert_string_equal(jstr(o, "refusal"), "no_change");
    json_decref(o);
    run_clear(&r);
    char *after = state_of(f->db);
    assert_string_equal(after, before);
    free(before);
    free(after);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM subscriptions WHERE account_id = 3 "
                                    "AND product = 'gotowebinar'"), 1);
}

/* Rossi (1) adds GoToTraining: a 14-day trial, nothing charged, no
 * document; `orders` shows the order of 0.00 with the trial's days. */
static void test_add_trial_product(void **state)
{
    struct fx *f = *state;
    struct run r;
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gototraining", "--to-plan",
        "starter", "--to-seats", "2", "--to-period", "monthly", "--idempotency-key", "trial-1",
        "--expect-due", "0", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *o = parse(r.out);
    run_clear(&r);
    assert_int_equal(jint(o, "due_minor"), 0);
    assert_int_equal(jint(o, "balance_after_minor"), 2000);
    assert_true(json_is_null(json_object_get(o, "document")));
    json_decref(o);

    json_t *acct = account_show(f, "1");
    json_t *s = sub_in(acct, "gototraining");
    assert_non_null(s);
    assert_string_equal(jstr(s, "status"), "trial");
    assert_int_equal(jint(s, "seats"), 2);
    assert_string_equal(jstr(s, "period_start"), "2026-11-25");
    assert_string_equal(jstr(s, "period_end"), "2026-12-09");
    assert_string_equal(jstr(s, "next_renewal"), "2026-12-09");
    assert_int_equal(jint(acct, "balance_minor"), 2000);
    json_decref(acct);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM documents"), 0);

    RUN(&r, f->dir, "orders", "1", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *list = parse(r.out);
    run_clear(&r);
    assert_int_equal(json_array_size(list), 1);
    json_t *first = json_array_get(list, 0);
    assert_int_equal(jint(first, "total_minor"), 0);
    json_t *line = json_array_get(json_object_get(first, "lines"), 0);
    assert_string_equal(jstr(line, "product"), "gototraining");
    assert_int_equal(jint(line, "amount_minor"), 0);
    assert_string_equal(jstr(line, "to"), "2026-12-09");
    json_decref(list);

    /* At its end, renew converts it with the card on file. */
    RUN(&r, f->dir, "renew", "--account", "1", "--json", "--db", f->db, "--date", "2026-12-09");
    assert_exit(&r, 0);
    assert_contains(r.out, "\"product\": \"gototraining\"");
    assert_contains(r.out, "\"outcome\": \"renewed\"");
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT billed_minor FROM subscriptions WHERE account_id = 1"
                                    " AND product = 'gototraining' AND status = 'active'"), 17800);
}

/* Refusals and their exit codes: an unknown product (1), a plan the
 * product does not have (1), no --to-plan for a product to add (2), seats
 * outside the plan (3, nothing written). */
static void test_refusals(void **state)
{
    struct fx *f = *state;
    struct run r;
    char *before = state_of(f->db);

    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotomeetingx", "--to-plan",
        "business", "--idempotency-key", "r1", "--db", f->db, "--date", DAY);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, "no product 'gotomeetingx'");
    run_clear(&r);

    RUN(&r, f->dir, "quote", "--account", "3", "--product", "gotowebinar", "--to-plan",
        "platinum", "--db", f->db, "--date", DAY);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, "no plan 'platinum'");
    run_clear(&r);

    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotowebinar",
        "--idempotency-key", "r2", "--db", f->db, "--date", DAY);
    assert_exit(&r, 2);
    run_clear(&r);

    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotowebinar", "--to-plan",
        "enterprise", "--to-seats", "2", "--idempotency-key", "r3", "--json", "--db", f->db,
        "--date", DAY);
    assert_exit(&r, 3);
    json_t *o = parse(r.out);
    assert_string_equal(jstr(o, "refusal"), "seats_out_of_range");
    assert_true(json_is_null(json_object_get(o, "order_id")));
    json_decref(o);
    run_clear(&r);

    RUN(&r, f->dir, "quote", "--account", "3", "--product", "gototraining", "--to-plan",
        "enterprise", "--to-seats", "2", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    o = parse(r.out);
    assert_string_equal(jstr(o, "refusal"), "seats_out_of_range");
    json_decref(o);
    run_clear(&r);

    char *after = state_of(f->db);
    assert_string_equal(after, before);
    free(before);
    free(after);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_paid_product, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_add_trial_product, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, fx_demo_setup, fx_teardown),
    };
    if (!harness_init(argc, argv, "test_cli_add_product"))
        return 2;
    int rc = testdb_run_cases("cli_add_product", tests, sizeof tests / sizeof tests[0], NULL, 0,
                              group_setup, group_teardown);
    harness_finish();
    return rc;
}
