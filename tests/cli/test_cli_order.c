/* test_cli_order.c — `order place` and `quote` where checkout meets consent,
 * through the real billcenter binary: an idempotency key replayed with the
 * same request returns the first order and with other parameters is
 * refused (idempotency_key_reused, naming that order) with nothing changed;
 * a country or VAT number that differs from the account's is refused
 * unless --update-billing-info confirms it, and is then written with the
 * order and audited; `quote` shows the change. Each test works on a
 * private copy of the demo database (today 2026-11-25), on the engine
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

/* Everything an order could have changed, as one text. */
static char *state_of(const char *db)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM orders", "SELECT count(*) FROM order_lines",
        "SELECT count(*) FROM ledger", "SELECT count(*) FROM subscription_history",
        "SELECT coalesce(sum(seats * 1000 + version), 0) FROM subscriptions",
        "SELECT coalesce(sum(balance_minor), 0) FROM accounts",
        "SELECT count(*) FROM test_charges WHERE state = 'approved'",
        "SELECT coalesce(sum(amount_minor), 0) FROM test_charges",
        "SELECT count(*) FROM payment_methods",
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

/* ------------------------------------------------------------ idempotency keys */

static void test_key_replayed_same_and_other(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *v;

    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "k1", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    v = parse(r.out);
    int64_t first = jint(v, "order_id");
    assert_true(json_is_false(json_object_get(v, "replayed")));
    json_decref(v);
    run_clear(&r);

    /* The same request again: replayed. */
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "k1", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    v = parse(r.out);
    assert_int_equal(jint(v, "order_id"), first);
    assert_true(json_is_true(json_object_get(v, "replayed")));
    json_decref(v);
    run_clear(&r);

    /* The same key for another change: refused, nothing changed. */
    char *before = state_of(f->db);
    int64_t audits = sql_int(f->db, "SELECT count(*) FROM audit");
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting",
        "--to-seats", "3", "--idempotency-key", "k1", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    char idtext[32];
    snprintf(idtext, sizeof idtext, "order %lld", (long long)first);
    assert_contains(r.err, idtext);
    v = parse(r.out);
    assert_string_equal(jstr(v, "refusal"), "idempotency_key_reused");
    assert_true(json_is_null(json_object_get(v, "order_id")));
    assert_int_equal(jint(v, "first_order_id"), first);
    json_decref(v);
    run_clear(&r);
    char *after = state_of(f->db);
    assert_string_equal(after, before);
    assert_int_equal(sql_int(f->db, "SELECT seats FROM subscriptions WHERE account_id = 1 AND "
                                    "product = 'gotomeeting'"), 5);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit"), audits + 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE result = "
                                    "'idempotency_key_reused'"), 1);
    free(before);
    free(after);

    /* Without --json: the reason in words, on one line. */
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting",
        "--to-seats", "3", "--idempotency-key", "k1", "--db", f->db, "--date", DAY, "--lang", "en");
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "already used for a different request");
    assert_contains(r.err, idtext);
    run_clear(&r);
}

/* ------------------------------------------------------------ billing information */

static void test_country_change_needs_confirmation(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *v, *bi;

    /* The quote shows the new country and the VAT it implies. */
    RUN(&r, f->dir, "quote", "--account", "3", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--country", "LU", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    v = parse(r.out);
    bi = json_object_get(v, "billing_info");
    assert_true(json_is_true(json_object_get(bi, "change")));
    assert_string_equal(jstr(bi, "country_before"), "DE");
    assert_string_equal(jstr(bi, "country_after"), "LU");
    assert_int_equal(jint(bi, "vat_rate_bp_before"), 1900);
    assert_int_equal(jint(bi, "vat_rate_bp_after"), 1700);
    int64_t due = jint(v, "due_minor");
    json_decref(v);
    run_clear(&r);
    RUN(&r, f->dir, "quote", "--account", "3", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--country", "LU", "--db", f->db, "--date", DAY, "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "country DE -> LU, VAT 19% -> 17%");
    run_clear(&r);

    /* Placing without confirming: refused, nothing changed. */
    char *before = state_of(f->db);
    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--country", "LU", "--card", "4242424242424242", "--card-exp", "12/30",
        "--idempotency-key", "lu-1", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "DE -> LU");
    assert_contains(r.err, "17%");
    assert_contains(r.err, "--update-billing-info");
    v = parse(r.out);
    assert_string_equal(jstr(v, "refusal"), "billing_info_change_unconfirmed");
    assert_string_equal(jstr(json_object_get(v, "billing_info"), "country_after"), "LU");
    json_decref(v);
    run_clear(&r);
    char *after = state_of(f->db);
    assert_string_equal(after, before);
    free(before);
    free(after);
    char *country = sql_text(f->db, "SELECT country FROM accounts WHERE id = 3");
    assert_string_equal(country, "DE");
    free(country);

    /* Confirmed: placed at Luxembourg's VAT, the account moved, audited. */
    char expect[32];
    snprintf(expect, sizeof expect, "%lld", (long long)due);
    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--country", "LU", "--card", "4242424242424242", "--card-exp", "12/30",
        "--idempotency-key", "lu-1", "--expect-due", expect, "--update-billing-info", "--json",
        "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    country = sql_text(f->db, "SELECT country FROM accounts WHERE id = 3");
    assert_string_equal(country, "LU");
    free(country);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE account_id = 3 AND "
                                    "action = 'order.place' AND result = 'ok' AND "
                                    "before_json LIKE '%\"billing_info\":{\"country\":\"DE\"%' AND "
                                    "after_json LIKE '%\"billing_info\":{\"country\":\"LU\"%'"), 1);
    /* The account's own country is no change at all. */
    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotomeeting", "--to-seats",
        "12", "--country", "lu", "--card", "4242424242424242", "--card-exp", "12/30",
        "--idempotency-key", "lu-2", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_key_replayed_same_and_other, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_country_change_needs_confirmation, fx_demo_setup, fx_teardown),
    };
    if (!harness_init(argc, argv, "test_cli_order"))
        return 2;
    int rc = testdb_run_cases("cli_order", tests, sizeof tests / sizeof tests[0], NULL, 0, group_setup,
                              group_teardown);
    harness_finish();
    return rc;
}
