/* test_cli.c — billcenter's command line (SPEC §6) driven as scripts drive
 * it: the real binary is run (fork + exec, optionally under
 * $BC_TEST_WRAPPER such as valgrind), its stdout, stderr and exit code are
 * captured, JSON is read with jansson and the database is cross-checked
 * through testdb, on the engine $BC_TEST_ENGINE names. Each test works in its
 * own temporary directory and database; the demo database (init --demo on
 * 2026-11-25, SPEC §3's worked example day) is made once and copied.
 * SQLite-only: what init does with files (their mode, a missing directory,
 * $XDG_DATA_HOME's default path). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli_harness.h"
#include "testdb.h"


static json_t *parse_json(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);

    if (!v)
        fail_msg("not JSON (%s at line %d): %s", e.text, e.line, text);
    return v;
}

static int64_t jint(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_integer(v))
        fail_msg("field '%s' is not an integer", key);
    return (int64_t)json_integer_value(v);
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_string(v))
        fail_msg("field '%s' is not a string", key);
    return json_string_value(v);
}

/* The object has exactly these keys (NULL-terminated), no more, no fewer. */
static void assert_keys(const json_t *o, const char *const *keys)
{
    size_t n = 0;

    assert_true(json_is_object(o));
    for (; keys[n]; n++)
        if (!json_object_get(o, keys[n]))
            fail_msg("missing field '%s'", keys[n]);
    assert_int_equal(json_object_size(o), n);
}

#define ASSERT_KEYS(o, ...) assert_keys((o), (const char *const[]){__VA_ARGS__, NULL})

/* ------------------------------------------------------------ the worked example */

/* SPEC §3: Professional 12.00 x 5 monthly, 2026-11-10 -> 2026-12-10, billed
 * 60.00; on 2026-11-25 to Business 16.00 x 5; VAT 22%. */
static void assert_worked_example(const json_t *q, int64_t applied, int64_t due, int64_t after)
{
    static const struct { const char *kind; int64_t amount; const char *from, *to; } lines[] = {
        {"credit", -3000, "2026-11-25", "2026-12-10"},
        {"tax", -660, "2026-11-25", "2026-12-10"},
        {"charge", 8000, "2026-11-25", "2026-12-25"},
        {"tax", 1760, "2026-11-25", "2026-12-25"},
    };
    const json_t *arr = json_object_get(q, "lines");

    ASSERT_KEYS(q, "currency", "lines", "subtotal_minor", "tax_minor", "total_minor",
                "balance_applied_minor", "due_minor", "balance_after_minor", "period_start",
                "period_end", "allowed", "refusal");
    assert_string_equal(jstr(q, "currency"), "EUR");
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), 4);
    for (size_t i = 0; i < 4; i++) {
        const json_t *l = json_array_get(arr, i);
        assert_string_equal(jstr(l, "kind"), lines[i].kind);
        assert_int_equal(jint(l, "amount_minor"), lines[i].amount);
        assert_string_equal(jstr(l, "from"), lines[i].from);
        assert_string_equal(jstr(l, "to"), lines[i].to);
        if (strcmp(lines[i].kind, "tax") == 0) {
            ASSERT_KEYS(l, "kind", "amount_minor", "from", "to", "reverse_charge");
            assert_true(json_is_false(json_object_get(l, "reverse_charge")));
        } else {
            ASSERT_KEYS(l, "kind", "amount_minor", "from", "to");
        }
    }
    assert_int_equal(jint(q, "subtotal_minor"), 5000);
    assert_int_equal(jint(q, "tax_minor"), 1100);
    assert_int_equal(jint(q, "total_minor"), 6100);
    assert_int_equal(jint(q, "balance_applied_minor"), applied);
    assert_int_equal(jint(q, "due_minor"), due);
    assert_int_equal(jint(q, "balance_after_minor"), after);
    assert_string_equal(jstr(q, "period_start"), "2026-11-25");
    assert_string_equal(jstr(q, "period_end"), "2026-12-25");
    assert_true(json_is_true(json_object_get(q, "allowed")));
    assert_true(json_is_null(json_object_get(q, "refusal")));
}

#define EXPLICIT_EXAMPLE \
    "--from-plan", "professional", "--from-seats", "5", "--from-period", "monthly", \
    "--period-start", "2026-11-10", "--period-end", "2026-12-10", "--product", "gotomeeting", \
    "--to-seats", "5", "--to-period", "monthly"

static void test_quote_explicit_worked_example(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *q;

    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business",
        "--billed", "6000", "--date", DAY, "--balance", "2000");
    assert_exit(&r, 0);
    assert_string_equal(r.err, "");
    q = parse_json(r.out);
    assert_worked_example(q, 2000, 4100, 0);
    json_decref(q);
    run_clear(&r);

    /* --billed defaults to price x seats (60.00), --balance to 0, the
     * country to the seller's (IT, 22%). */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY);
    assert_exit(&r, 0);
    q = parse_json(r.out);
    assert_worked_example(q, 0, 6100, 0);
    json_decref(q);
    run_clear(&r);

    /* A balance larger than the total: all of T is applied, the rest stays. */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--balance", "10000");
    assert_exit(&r, 0);
    q = parse_json(r.out);
    assert_worked_example(q, 6100, 0, 3900);
    json_decref(q);
    run_clear(&r);
}

static void test_quote_explicit_options(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *q, *l;

    /* Half of the item already credited: the credit is capped at B - credited. */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--credited", "4000");
    assert_exit(&r, 0);
    q = parse_json(r.out);
    l = json_array_get(json_object_get(q, "lines"), 0);
    assert_string_equal(jstr(l, "kind"), "credit");
    assert_int_equal(jint(l, "amount_minor"), -2000);
    json_decref(q);
    run_clear(&r);

    /* A later --item-start: credit over the item's own days (15 of 20). */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--item-start", "2026-11-20", "--billed", "2000");
    assert_exit(&r, 0);
    q = parse_json(r.out);
    l = json_array_get(json_object_get(q, "lines"), 0);
    assert_int_equal(jint(l, "amount_minor"), -1500);
    json_decref(q);
    run_clear(&r);

    /* Reverse charge: a valid German VAT number, seller in Italy. */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--country", "DE", "--vat-number", "DE136464502");
    assert_exit(&r, 0);
    q = parse_json(r.out);
    l = json_array_get(json_object_get(q, "lines"), 1);
    assert_string_equal(jstr(l, "kind"), "tax");
    assert_int_equal(jint(l, "amount_minor"), 0);
    assert_true(json_is_true(json_object_get(l, "reverse_charge")));
    assert_int_equal(jint(q, "tax_minor"), 0);
    assert_int_equal(jint(q, "total_minor"), 5000);
    json_decref(q);
    run_clear(&r);

    /* No VAT number, German customer: Germany's 19%. */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--country", "DE");
    assert_exit(&r, 0);
    q = parse_json(r.out);
    assert_int_equal(jint(q, "tax_minor"), 950);   /* -570 + 1520 */
    json_decref(q);
    run_clear(&r);

    /* Outside the EU, in dollars: no VAT; USD prices 14.00 -> 19.00. */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--country", "US", "--currency", "USD");
    assert_exit(&r, 0);
    q = parse_json(r.out);
    assert_string_equal(jstr(q, "currency"), "USD");
    assert_int_equal(jint(q, "tax_minor"), 0);
    assert_int_equal(jint(q, "subtotal_minor"), 9500 - 3500);
    json_decref(q);
    run_clear(&r);

    /* An invalid VAT number is an error, not a silent domestic rate. */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--country", "DE", "--vat-number", "DE136464503");
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);

    /* The readable table says the same. */
    RUN(&r, f->dir, "quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--balance", "2000", "--lang", "en");
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "Total due"));
    assert_non_null(strstr(r.out, "41.00"));
    /* symbols in a UTF-8 locale, ISO codes otherwise */
    assert_true(strstr(r.out, "-\u20ac30.00") || strstr(r.out, "-EUR 30.00"));
    run_clear(&r);
    RUN(&r, f->dir, "quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--balance", "2000", "--lang", "it");
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "41,00"));
    run_clear(&r);
}

/* Runs a refused explicit quote and checks exit 3 and the JSON refusal. */
static void expect_refusal(const char *dir, const char *code, const char *const *args)
{
    struct run r;
    json_t *q;

    run_in(&r, dir, NULL, args);
    assert_exit(&r, 3);
    q = parse_json(r.out);
    assert_true(json_is_false(json_object_get(q, "allowed")));
    assert_string_equal(jstr(q, "refusal"), code);
    assert_int_equal(json_array_size(json_object_get(q, "lines")), 0);
    assert_int_equal(jint(q, "due_minor"), 0);
    assert_non_null(strstr(r.err, "billcenter: "));
    json_decref(q);
    run_clear(&r);
}

#define EXPECT_REFUSAL(dir, code, ...) \
    expect_refusal((dir), (code), (const char *const[]){__VA_ARGS__, NULL})

static void test_quote_refusals(void **state)
{
    struct fx *f = *state;

    EXPECT_REFUSAL(f->dir, "downgrade_requires_support", "quote", "--json", "--date", DAY,
                   "--from-plan", "business", "--from-seats", "5", "--from-period", "monthly",
                   "--period-start", "2026-11-10", "--period-end", "2026-12-10",
                   "--product", "gotomeeting", "--to-plan", "professional", "--to-seats", "5",
                   "--to-period", "monthly");
    EXPECT_REFUSAL(f->dir, "seats_out_of_range", "quote", "--json", "--date", DAY,
                   "--from-plan", "professional", "--from-seats", "5", "--from-period", "monthly",
                   "--period-start", "2026-11-10", "--period-end", "2026-12-10",
                   "--product", "gotomeeting", "--to-plan", "enterprise", "--to-seats", "4",
                   "--to-period", "monthly");                                   /* 5..1000 */
    EXPECT_REFUSAL(f->dir, "seats_out_of_range", "quote", "--json", "--date", DAY,
                   "--from-plan", "professional", "--from-seats", "5", "--from-period", "monthly",
                   "--period-start", "2026-11-10", "--period-end", "2026-12-10",
                   "--product", "gotomeeting", "--to-plan", "professional", "--to-seats", "251",
                   "--to-period", "monthly");
    EXPECT_REFUSAL(f->dir, "no_change", "quote", "--json", "--date", DAY, EXPLICIT_EXAMPLE,
                   "--to-plan", "professional");
    EXPECT_REFUSAL(f->dir, "date_outside_period", "quote", "--json", "--date", "2026-12-10",
                   EXPLICIT_EXAMPLE, "--to-plan", "business");
    EXPECT_REFUSAL(f->dir, "date_outside_period", "quote", "--json", "--date", "2026-11-09",
                   EXPLICIT_EXAMPLE, "--to-plan", "business");
}

static void test_quote_account_worked_example(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *q;

    RUN(&r, f->dir, "quote", "--account", "1", "--product", "gotomeeting", "--to-plan", "business",
        "--to-seats", "5", "--to-period", "monthly", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    q = parse_json(r.out);
    assert_worked_example(q, 2000, 4100, 0);
    json_decref(q);
    run_clear(&r);

    /* Quoting changes nothing. */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(sql_int(f->db, "SELECT balance_minor FROM accounts WHERE id = 1"), 2000);
}

/* The command line acts as an operator, and operators are Customer Care
 * (SPEC §3): the downgrade the billing contact may not order is quoted,
 * with the credit for the unused days and the lower charge. Demo account
 * 3: Business monthly 10 seats, 2026-11-05 → 2026-12-05, German VAT. */
static void test_quote_account_operator_downgrade(void **state)
{
    struct fx *f = *state;
    struct run r;

    RUN(&r, f->dir, "quote", "--json", "--db", f->db, "--date", DAY, "--account", "3",
        "--product", "gotomeeting", "--to-plan", "professional", "--to-seats", "10");
    assert_exit(&r, 0);
    json_t *q = parse_json(r.out);
    assert_true(json_is_true(json_object_get(q, "allowed")));
    json_t *lines = json_object_get(q, "lines");
    assert_int_equal(json_array_size(lines), 4);
    assert_int_equal(jint(json_array_get(lines, 0), "amount_minor"), -5333);
    assert_int_equal(jint(json_array_get(lines, 2), "amount_minor"), 12000);
    assert_int_equal(jint(q, "total_minor"), 7934);
    assert_int_equal(jint(q, "due_minor"), 7934);
    json_decref(q);
    run_clear(&r);
}

static void test_quote_account_refusals(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *q;
    static const struct { const char *account, *product, *plan, *seats, *code; } cases[] = {
        {"1", "gotomeeting", "business", "2", "seats_below_assigned"},     /* 3 assigned */
        {"1", "gotomeeting", "professional", "5", "no_change"},
        {"2", "gotomeeting", "enterprise", "60", "corporate_account"},
        {"1", "gotomeeting", "business", "300", "seats_out_of_range"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RUN(&r, f->dir, "quote", "--json", "--db", f->db, "--date", DAY, "--account",
            cases[i].account, "--product", cases[i].product, "--to-plan", cases[i].plan,
            "--to-seats", cases[i].seats);
        assert_exit(&r, 3);
        q = parse_json(r.out);
        assert_true(json_is_false(json_object_get(q, "allowed")));
        assert_string_equal(jstr(q, "refusal"), cases[i].code);
        json_decref(q);
        run_clear(&r);
    }
}

/* A change whose new period would end after 9999-12-31 is refused with one
 * message (a date billcenter cannot represent: bad input, exit 1), never
 * printed as 0000-00-00. */
static void test_quote_past_year_9999(void **state)
{
    struct fx *f = *state;
    struct run r;

    RUN(&r, f->dir, "quote", "--from-plan", "professional", "--from-seats", "5",
        "--from-period", "monthly", "--period-start", "9999-12-01", "--period-end", "9999-12-31",
        "--product", "gotomeeting", "--to-plan", "professional", "--to-seats", "5",
        "--to-period", "annual", "--date", "9999-12-15");
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_non_null(strstr(r.err, "9999-12-31"));
    assert_null(strstr(r.out, "0000-00-00"));
    assert_string_equal(r.out, "");
    run_clear(&r);

    RUN(&r, f->dir, "quote", "--json", "--from-plan", "professional", "--from-seats", "5",
        "--from-period", "monthly", "--period-start", "9999-12-01", "--period-end", "9999-12-31",
        "--product", "gotomeeting", "--to-plan", "business", "--to-seats", "5",
        "--to-period", "monthly", "--date", "9999-12-15");
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_null(strstr(r.out, "0000-00-00"));
    run_clear(&r);

    /* The last representable period still quotes: co-terming keeps P1. */
    RUN(&r, f->dir, "quote", "--json", "--from-plan", "professional", "--from-seats", "5",
        "--from-period", "monthly", "--period-start", "9999-12-01", "--period-end", "9999-12-31",
        "--product", "gotomeeting", "--to-plan", "professional", "--to-seats", "6",
        "--to-period", "monthly", "--date", "9999-12-15");
    assert_exit(&r, 0);
    json_t *q = parse_json(r.out);
    assert_string_equal(jstr(q, "period_end"), "9999-12-31");
    json_decref(q);
    run_clear(&r);
}

/* SPEC §3 seats: keep on a demo account: Bianchi Studio, 20 -> 19 seats,
 * leaves a credit and keeps the period. */
static void test_quote_seat_reduction_leaves_credit(void **state)
{
    struct fx *f = *state;
    struct run r;

    RUN(&r, f->dir, "quote", "--json", "--db", f->db, "--date", DAY, "--account", "9",
        "--product", "gotomeeting", "--to-plan", "business", "--to-seats", "19");
    assert_exit(&r, 0);
    json_t *q = parse_json(r.out);
    assert_int_equal(jint(q, "subtotal_minor"), -1120);
    assert_int_equal(jint(q, "total_minor"), -1366);
    assert_int_equal(jint(q, "due_minor"), 0);
    assert_int_equal(jint(q, "balance_after_minor"), 51366);
    assert_string_equal(jstr(q, "period_start"), "2026-11-16");
    assert_string_equal(jstr(q, "period_end"), "2026-12-16");
    json_decref(q);
    run_clear(&r);
}

/* ------------------------------------------------------------ usage and errors */

static void test_bad_usage(void **state)
{
    struct fx *f = *state;
    const char *const *const cases[] = {
        (const char *const[]){"frobnicate", NULL},
        (const char *const[]){"--no-such-option", NULL},
        (const char *const[]){"account", NULL},
        (const char *const[]){"account", "show", NULL},
        (const char *const[]){"account", "show", "1", "2", NULL},
        (const char *const[]){"catalog", NULL},
        (const char *const[]){"catalog", "check", "a", "b", NULL},
        (const char *const[]){"orders", NULL},
        (const char *const[]){"quote", "--json", NULL},
        (const char *const[]){"quote", "--from-plan", "professional", NULL},
        (const char *const[]){"quote", "--account", "1", "--product", "gotomeeting", "--billed", "1", NULL},
        (const char *const[]){"init", "--scale", "10", NULL},
        (const char *const[]){"orders", "1", "--scale", "10", NULL},
        (const char *const[]){"order", "place", "--account", "1", "--product", "gotomeeting", NULL},
        (const char *const[]){"order", "place", "--idempotency-key", "k", "--product", "x", NULL},
        (const char *const[]){"order", "place", "--account", "1", "--idempotency-key", "k", NULL},
        (const char *const[]){"order", "place", "--account", "1", "--idempotency-key", "k",
                              "--cart", "--product", "gotomeeting", NULL},
        (const char *const[]){"order", "place", "--account", "1", "--idempotency-key", "k",
                              "--product", "gotomeeting", "--card", "4242424242424242", NULL},
        (const char *const[]){"account", "show", "1", "--db", NULL},
        (const char *const[]){"--json", NULL},
        (const char *const[]){"reconcile", "--json=yes", NULL},
    };
    struct run r;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_in(&r, f->dir, NULL, cases[i]);
        if (r.code != 2)
            fail_msg("case %zu (%s ...): exit %d, expected 2; stderr: %s", i, cases[i][0], r.code, r.err);
        assert_true(strncmp(r.err, "billcenter: ", 12) == 0);
        assert_non_null(strstr(r.err, "usage"));
        assert_string_equal(r.out, "");
        run_clear(&r);
    }
}

static void test_help_and_version(void **state)
{
    struct fx *f = *state;
    struct run r;

    RUN(&r, f->dir, "--help");
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "order place"));
    assert_non_null(strstr(r.out, "exit codes"));
    run_clear(&r);
    RUN(&r, f->dir, "quote", "--help");
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "--from-plan"));
    run_clear(&r);
    /* --help after a command's first word, or after the whole command:
     * its usage on stdout, exit 0. */
    static const char *const groups[][3] = {
        {"order", "order place", NULL}, {"account", "account show", NULL},
        {"catalog", "catalog check", NULL}, {"operator", "operator add", "operator list"},
        {"contact", "contact set-pin", NULL},
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        RUN(&r, f->dir, groups[i][0], "--help");
        if (r.code != 0)
            fail_msg("%s --help: exit %d; stderr: %s", groups[i][0], r.code, r.err);
        assert_string_equal(r.err, "");
        assert_true(strncmp(r.out, "usage: billcenter ", 18) == 0);
        for (size_t k = 1; k < 3 && groups[i][k]; k++)
            assert_non_null(strstr(r.out, groups[i][k]));
        run_clear(&r);
    }
    static const char *const commands[][3] = {
        {"init", NULL}, {"catalog", "check"}, {"quote", NULL}, {"order", "place"},
        {"account", "show"}, {"orders", NULL}, {"audit", NULL}, {"reconcile", NULL},
        {"operator", "add"}, {"operator", "remove"}, {"operator", "list"},
        {"contact", "set-pin"},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (commands[i][1])
            RUN(&r, f->dir, commands[i][0], commands[i][1], "--help");
        else
            RUN(&r, f->dir, commands[i][0], "--help");
        if (r.code != 0)
            fail_msg("%s %s --help: exit %d; stderr: %s", commands[i][0],
                     commands[i][1] ? commands[i][1] : "", r.code, r.err);
        assert_true(strncmp(r.out, "usage: billcenter ", 18) == 0);
        assert_non_null(strstr(r.out, commands[i][0]));
        run_clear(&r);
    }
    RUN(&r, f->dir, "frobnicate", "--help");
    assert_exit(&r, 2);
    run_clear(&r);

    RUN(&r, f->dir, "--version");
    assert_exit(&r, 0);
    assert_true(strncmp(r.out, "billcenter ", 11) == 0);
    run_clear(&r);
}

static void test_unknown_ids(void **state)
{
    struct fx *f = *state;
    const char *const *const cases[] = {
        (const char *const[]){"account", "show", "999999", NULL},
        (const char *const[]){"orders", "999999", NULL},
        (const char *const[]){"audit", "--account", "999999", NULL},
        (const char *const[]){"quote", "--account", "999999", "--product", "gotomeeting", NULL},
        (const char *const[]){"quote", "--account", "1", "--product", "nosuchproduct", NULL},
        (const char *const[]){"quote", "--account", "1", "--product", "gotomeeting",
                              "--to-plan", "nosuchplan", NULL},
        (const char *const[]){"order", "place", "--account", "999999", "--product", "gotomeeting",
                              "--idempotency-key", "k-unknown", NULL},
    };
    struct run r;
    char dbopt[600];

    snprintf(dbopt, sizeof dbopt, "--db=%s", f->db);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[16];
        size_t n = 0;
        for (; cases[i][n]; n++)
            args[n] = cases[i][n];
        args[n++] = dbopt;
        args[n++] = "--date";
        args[n++] = DAY;
        args[n] = NULL;
        run_in(&r, f->dir, NULL, args);
        if (r.code != 1)
            fail_msg("case %zu: exit %d, expected 1; stderr: %s", i, r.code, r.err);
        assert_one_error_line(&r);
        assert_string_equal(r.out, "");
        run_clear(&r);
    }
    /* Nothing was written by any of them. */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);
}

/* A value that does not fit what its option takes (a number, a date, a
 * billing frequency, a language): bad usage, exit 2, one line on stderr,
 * nothing on stdout, before any database is opened. */
static void test_bad_values(void **state)
{
    struct fx *f = *state;
    const char *const *const cases[] = {
        (const char *const[]){"quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", "2026-02-30", NULL},
        (const char *const[]){"quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", "25/11/2026", NULL},
        (const char *const[]){"quote", "--from-plan", "professional", "--from-seats", "5",
                              "--from-period", "monthly", "--period-start", "2026-11-1",
                              "--period-end", "2026-12-10", "--product", "gotomeeting",
                              "--to-plan", "business", "--to-seats", "5", "--to-period",
                              "monthly", NULL},
        (const char *const[]){"quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
                              "--balance", "-5", NULL},
        (const char *const[]){"quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
                              "--billed", "60.00.0", NULL},
        (const char *const[]){"quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
                              "--billed", "99999999999999999999", NULL},
        (const char *const[]){"quote", "--from-plan", "professional", "--from-seats", "5",
                              "--from-period", "weekly", "--period-start", "2026-11-10",
                              "--period-end", "2026-12-10", "--product", "gotomeeting",
                              "--to-plan", "business", "--to-seats", "5", "--to-period",
                              "monthly", NULL},
        (const char *const[]){"audit", "--since", "yesterday", NULL},
        (const char *const[]){"--lang", "fr", "catalog", "check", NULL},
        (const char *const[]){"catalog", "check", "--lang", "fr", NULL},
        (const char *const[]){"quote", "--account", "1", "--product", "gotomeeting",
                              "--to-seats", "abc", NULL},
        (const char *const[]){"quote", "--account", "1", "--product", "gotomeeting",
                              "--to-period", "weekly", NULL},
        (const char *const[]){"order", "place", "--account", "1", "--product", "gotomeeting",
                              "--to-seats", "abc", "--idempotency-key", "k-bad", NULL},
        (const char *const[]){"order", "place", "--account", "1", "--product", "gotomeeting",
                              "--to-period", "weekly", "--idempotency-key", "k-bad", NULL},
        (const char *const[]){"order", "place", "--account", "x1", "--product", "gotomeeting",
                              "--idempotency-key", "k-bad", NULL},
        (const char *const[]){"--date", "2026-13-45", "account", "show", "1", NULL},
        (const char *const[]){"account", "show", "1", "--date", "2026-13-45", NULL},
        (const char *const[]){"orders", "abc", NULL},
        (const char *const[]){"account", "show", "abc", NULL},
        (const char *const[]){"account", "show", "0", NULL},
        (const char *const[]){"init", "--demo", "--scale", "many", NULL},
    };
    struct run r;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_in(&r, f->dir, NULL, cases[i]);
        if (r.code != 2)
            fail_msg("case %zu: exit %d, expected 2; stdout: %s stderr: %s", i, r.code, r.out, r.err);
        assert_one_error_line(&r);
        assert_string_equal(r.out, "");
        run_clear(&r);
    }
    /* Nothing was created on the way. */
    assert_int_equal(testdb_has_schema(f->db), 0);
}

/* Well-formed values that name nothing or do not add up: an error, exit 1. */
static void test_wrong_values(void **state)
{
    struct fx *f = *state;
    const char *const *const cases[] = {
        (const char *const[]){"quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
                              "--currency", "XYZ", NULL},
        (const char *const[]){"quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
                              "--credited", "7000", NULL},
        (const char *const[]){"quote", EXPLICIT_EXAMPLE, "--to-plan", "platinum", "--date", DAY, NULL},
    };
    struct run r;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_in(&r, f->dir, NULL, cases[i]);
        if (r.code != 1)
            fail_msg("case %zu: exit %d, expected 1; stdout: %s stderr: %s", i, r.code, r.out, r.err);
        assert_one_error_line(&r);
        run_clear(&r);
    }
}

/* An option with a value given twice is refused (exit 2, one line) rather
 * than one of the two silently winning; a flag twice says the same. */
static void test_repeated_option(void **state)
{
    struct fx *f = *state;
    struct run r;
    char dbopt[600];

    snprintf(dbopt, sizeof dbopt, "--db=%s", f->db);
    RUN(&r, f->dir, "quote", "--account", "1", "--product", "gotomeeting", "--to-seats", "5",
        "--to-plan", "business", "--to-seats", "7", dbopt, "--date", DAY);
    assert_exit(&r, 2);
    assert_one_error_line(&r);
    assert_non_null(strstr(r.err, "--to-seats"));
    assert_string_equal(r.out, "");
    run_clear(&r);
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting",
        "--to-plan", "business", "--idempotency-key", "k-twice", "--to-seats", "5",
        "--to-seats", "5", dbopt, "--date", DAY);
    assert_exit(&r, 2);
    assert_one_error_line(&r);
    run_clear(&r);
    RUN(&r, f->dir, "--db", f->db, "account", "show", "1", "--db", f->db);
    assert_exit(&r, 2);
    assert_one_error_line(&r);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);

    RUN(&r, f->dir, "account", "show", "1", "--json", "--json", dbopt);
    assert_exit(&r, 0);
    run_clear(&r);
}

/* A refusal is said once: a line on stderr; stdout holds nothing, or the
 * JSON object when --json asks for it. */
static void test_refusal_said_once(void **state)
{
    struct fx *f = *state;
    struct run r;
    char dbopt[600];

    snprintf(dbopt, sizeof dbopt, "--db=%s", f->db);
    RUN(&r, f->dir, "quote", "--account", "1", "--product", "gotomeeting", "--to-seats", "1",
        dbopt, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_string_equal(r.out, "");
    run_clear(&r);
    RUN(&r, f->dir, "quote", "--json", "--date", DAY, EXPLICIT_EXAMPLE, "--to-plan", "professional");
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    json_t *q = parse_json(r.out);
    assert_string_equal(jstr(q, "refusal"), "no_change");
    json_decref(q);
    run_clear(&r);
    RUN(&r, f->dir, "quote", "--date", DAY, EXPLICIT_EXAMPLE, "--to-plan", "professional");
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_string_equal(r.out, "");
    run_clear(&r);
    RUN(&r, f->dir, "order", "place", "--account", "2", "--product", "gotomeeting",
        "--to-seats", "60", "--idempotency-key", "k-corp", dbopt, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_string_equal(r.out, "");
    run_clear(&r);
}

/* ------------------------------------------------------------ catalog check */

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_catalog_check(void **state)
{
    struct fx *f = *state;
    struct run r;
    char path[400], expect[400];
    unsigned products = 0, plans = 0;

    RUN(&r, f->dir, "catalog", "check", "plans");
    assert_exit(&r, 0);
    assert_int_equal(sscanf(r.out, "plans: ok (%u products, %u plans)\n", &products, &plans), 2);
    assert_true(products >= 1 && plans >= products);
    run_clear(&r);

    /* --catalog, and a global option after the subcommand. */
    RUN(&r, f->dir, "catalog", "check", "--catalog", "plans");
    assert_exit(&r, 0);
    assert_true(strncmp(r.out, "plans: ok (", 11) == 0);
    run_clear(&r);

    /* An id longer than billcenter can hold is refused where it is written. */
    RUN(&r, f->dir, "catalog", "check", SOURCE_ROOT "/tests/catalog_bad/id_too_long");
    assert_exit(&r, 1);
    assert_non_null(strstr(r.err, "id_too_long/meet.yaml:6:11: plan id '"));
    run_clear(&r);

    /* A broken product file: file:line:column on stderr, exit 1. */
    snprintf(path, sizeof path, "%s/catalog.yaml", f->dir);
    write_file(path,
               "seller: {name: \"S\", country: IT, timezone: Europe/Rome}\n"
               "customer_care: {phone: \"+39 02 1\", email: c@example.com, url: \"https://example.com\"}\n"
               "proration: {anchor: reset}\n"
               "currencies: [EUR]\n"
               "vat: {IT: \"22\"}\n");
    snprintf(path, sizeof path, "%s/meet.yaml", f->dir);
    write_file(path,
               "product:\n"
               "  id: meet\n"
               "  name: Meet\n"
               "  seat_name: organizer\n"
               "  plans:\n"
               "    - id: basic\n"
               "      name: Basic\n"
               "      rank: 1\n"
               "      seats: {min: 1, max: 10}\n"
               "      features: []\n"
               "      prices:\n"
               "        EUR: {monthly: \"10.00\", annual: \"100.00\"}\n");
    RUN(&r, f->dir, "catalog", "check", f->dir);
    assert_exit(&r, 0);
    snprintf(expect, sizeof expect, "%s: ok (1 products, 1 plans)\n", f->dir);
    assert_string_equal(r.out, expect);
    run_clear(&r);

    write_file(path,
               "product:\n"
               "  id: meet\n"
               "  name: Meet\n"
               "  seat_name: organizer\n"
               "  plans:\n"
               "    - id: basic\n"
               "      name: Basic\n"
               "      rank: 1\n"
               "      seats: {min: 1, max: 10}\n"
               "      features: []\n"
               "      prices:\n"
               "        EUR: {monthly: \"10.00\", anual: \"100.00\"}\n");
    RUN(&r, f->dir, "catalog", "check", f->dir);
    assert_exit(&r, 1);
    snprintf(expect, sizeof expect, "%s/meet.yaml:12:", f->dir);
    if (strncmp(r.err, expect, strlen(expect)) != 0)
        fail_msg("expected '%s<col>: ...', got: %s", expect, r.err);
    {
        unsigned line = 0, col = 0;
        assert_int_equal(sscanf(r.err + strlen(f->dir) + strlen("/meet.yaml:"), "%u:%u:", &line, &col), 2);
        assert_int_equal(line, 12);
        assert_true(col >= 1 && col <= 40);
    }
    assert_string_equal(r.out, "");
    run_clear(&r);

    /* A directory that is not there. */
    snprintf(path, sizeof path, "%s/nowhere", f->dir);
    RUN(&r, f->dir, "catalog", "check", path);
    assert_exit(&r, 1);
    assert_string_equal(r.out, "");
    assert_true(strlen(r.err) > 0);
    run_clear(&r);
}

/* ------------------------------------------------------------ init */

static void test_init_demo(void **state)
{
    struct fx *f = *state;
    struct passwd *pw = getpwuid(getuid());
    char sql[300];
    struct run r;

    assert_int_equal(demo_init_code, 0);
    assert_non_null(strstr(demo_init_out, "1000 demo accounts"));
    assert_true(sql_int(f->db, "SELECT count(*) FROM accounts") >= 1000);
    /* The creating Unix user is its admin. */
    assert_non_null(pw);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM operators WHERE unix_name = '%s' AND role = 'admin'",
             pw->pw_name);
    assert_int_equal(sql_int(f->db, sql), 1);
    RUN(&r, f->dir, "account", "show", "1000", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);

    /* --demo refuses a database that already holds accounts. */
    RUN(&r, f->dir, "init", "--demo", "--db", f->db, "--date", DAY);
    assert_exit(&r, 1);
    run_clear(&r);
    assert_true(sql_int(f->db, "SELECT count(*) FROM accounts") < 2000);
}

static void test_init_plain_and_scale(void **state)
{
    struct fx *f = *state;
    struct run r;
    char db2[512];

    RUN(&r, f->dir, "init", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_int_equal(testdb_has_schema(f->db), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM accounts"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM operators"), 1);
    /* Running it again keeps what is there. */
    RUN(&r, f->dir, "init", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM operators"), 1);

    testdb_new_in(f->dir, "small.db", db2, sizeof db2);
    RUN(&r, f->dir, "init", "--demo", "--scale", "25", "--db", db2, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_int_equal(sql_int(db2, "SELECT count(*) FROM accounts"), 25);
    assert_true(testdb_drop(db2));

    /* The database comes from $BILLCENTER_DB when there is no --db. */
    testdb_new_in(f->dir, "env.db", db2, sizeof db2);
    setenv("BILLCENTER_DB", db2, 1);
    RUN(&r, f->dir, "init");
    unsetenv("BILLCENTER_DB");
    assert_exit(&r, 0);
    run_clear(&r);
    assert_int_equal(testdb_has_schema(db2), 1);
    assert_int_equal(sql_int(db2, "SELECT count(*) FROM operators"), 1);
    assert_true(testdb_drop(db2));

    /* No database yet (no file; an empty PostgreSQL database): one line
     * that says how to make one, for a command and for the terminal UI
     * alike. */
    testdb_new_in(f->dir, "missing.db", db2, sizeof db2);
    RUN(&r, f->dir, "account", "show", "1", "--db", db2);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_non_null(strstr(r.err, "init"));
    run_clear(&r);
    RUN(&r, f->dir, "--db", db2);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);
    assert_int_equal(testdb_has_schema(db2), 0);   /* and nothing was created */
    assert_true(testdb_drop(db2));
}

/* SQLite-only: the files init makes, and where. */
static void test_init_files(void **state)
{
    struct fx *f = *state;
    struct run r;
    char db2[320];
    struct stat sb;

    RUN(&r, f->dir, "init", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_int_equal(stat(f->db, &sb), 0);
    assert_int_equal(sb.st_mode & 0077, 0);   /* nobody else may read the books */

    /* An explicit --db in a directory that is not there: said in one line. */
    snprintf(db2, sizeof db2, "%s/no/such/dir/x.db", f->dir);
    RUN(&r, f->dir, "init", "--db", db2);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);

    /* Without --db or $BILLCENTER_DB: $XDG_DATA_HOME/billcenter/, made 0700. */
    snprintf(db2, sizeof db2, "%s/xdg", f->dir);
    setenv("XDG_DATA_HOME", db2, 1);
    RUN(&r, f->dir, "init");
    unsetenv("XDG_DATA_HOME");
    assert_exit(&r, 0);
    run_clear(&r);
    snprintf(db2, sizeof db2, "%s/xdg/billcenter", f->dir);
    assert_int_equal(stat(db2, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(db2, sizeof db2, "%s/xdg/billcenter/billcenter.db", f->dir);
    assert_int_equal(stat(db2, &sb), 0);

    /* A missing file is not made by a command that reads. */
    snprintf(db2, sizeof db2, "%s/missing.db", f->dir);
    RUN(&r, f->dir, "account", "show", "1", "--db", db2);
    assert_exit(&r, 1);
    run_clear(&r);
    assert_int_not_equal(stat(db2, &sb), 0);
}

/* ------------------------------------------------------------ orders */

static json_t *order_place(const char *dir, const char *db, const char *key, const char *extra1,
                           const char *extra2, int expect_code)
{
    struct run r;
    json_t *v;
    const char *seats = "5";

    if (extra1 && strcmp(extra1, "--to-seats") == 0) {     /* given once */
        seats = extra2;
        extra1 = extra2 = NULL;
    }
    RUN(&r, dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--to-seats", seats, "--to-period", "monthly", "--idempotency-key", key,
        "--json", "--db", db, "--date", DAY, extra1 ? extra1 : "--json", extra2 ? extra2 : "--json");
    assert_exit(&r, expect_code);
    v = parse_json(r.out);
    run_clear(&r);
    return v;
}

static char *capture(const char *dir, const char *const *args)
{
    struct run r;
    char *out;

    run_in(&r, dir, NULL, args);
    assert_exit(&r, 0);
    out = r.out;
    free(r.err);
    return out;
}

#define CAPTURE(dir, ...) capture((dir), (const char *const[]){__VA_ARGS__, NULL})

static void test_order_idempotent(void **state)
{
    struct fx *f = *state;
    json_t *a, *b, *orders;
    char *text;

    a = order_place(f->dir, f->db, "cli-key-1", NULL, NULL, 0);
    ASSERT_KEYS(a, "order_id", "due_minor", "balance_after_minor", "replayed", "document",
                "vat_check");
    assert_string_equal(jstr(a, "document"), "2026/000001");
    /* Account 1's domestic order relies on no VAT number: no evidence. */
    assert_true(json_is_null(json_object_get(a, "vat_check")));
    assert_true(jint(a, "order_id") > 0);
    assert_int_equal(jint(a, "due_minor"), 4100);
    assert_int_equal(jint(a, "balance_after_minor"), 0);
    assert_true(json_is_false(json_object_get(a, "replayed")));

    b = order_place(f->dir, f->db, "cli-key-1", NULL, NULL, 0);
    assert_int_equal(jint(b, "order_id"), jint(a, "order_id"));
    assert_int_equal(jint(b, "due_minor"), 4100);
    assert_true(json_is_true(json_object_get(b, "replayed")));
    assert_string_equal(jstr(b, "document"), "2026/000001");

    /* One order, one charge, one invoice. */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM documents"), 1);
    text = CAPTURE(f->dir, "orders", "1", "--json", "--db", f->db);
    orders = parse_json(text);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges WHERE key = 'cli-key-1'"), 1);
    assert_int_equal(sql_int(f->db, "SELECT amount_minor FROM test_charges WHERE key = 'cli-key-1'"), 4100);
    json_decref(orders);
    free(text);
    json_decref(a);
    json_decref(b);
}

static void test_order_declined_changes_nothing(void **state)
{
    struct fx *f = *state;
    char *acct_before, *orders_before, *acct_after, *orders_after;
    int64_t counts_before[5], counts_after[5];
    static const char *const count_sql[5] = {
        "SELECT count(*) FROM orders", "SELECT count(*) FROM order_lines",
        "SELECT count(*) FROM ledger", "SELECT count(*) FROM subscription_history",
        "SELECT count(*) FROM payment_methods",
    };
    json_t *v;

    acct_before = CAPTURE(f->dir, "account", "show", "1", "--json", "--db", f->db);
    orders_before = CAPTURE(f->dir, "orders", "1", "--json", "--db", f->db);
    for (int i = 0; i < 5; i++)
        counts_before[i] = sql_int(f->db, count_sql[i]);

    v = order_place(f->dir, f->db, "cli-declined", "--card=4000000000000002", "--card-exp=12/30", 3);
    assert_true(json_is_null(json_object_get(v, "order_id")));
    assert_string_equal(jstr(v, "refusal"), "payment_declined");
    json_decref(v);

    acct_after = CAPTURE(f->dir, "account", "show", "1", "--json", "--db", f->db);
    orders_after = CAPTURE(f->dir, "orders", "1", "--json", "--db", f->db);
    assert_string_equal(acct_after, acct_before);
    assert_string_equal(orders_after, orders_before);
    for (int i = 0; i < 5; i++) {
        counts_after[i] = sql_int(f->db, count_sql[i]);
        if (counts_after[i] != counts_before[i])
            fail_msg("%s: %lld before, %lld after", count_sql[i], (long long)counts_before[i],
                     (long long)counts_after[i]);
    }
    assert_int_equal(sql_int(f->db, "SELECT balance_minor FROM accounts WHERE id = 1"), 2000);
    free(acct_before);
    free(orders_before);
    free(acct_after);
    free(orders_after);
}

static void test_order_expect_due(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *v, *q;

    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "cli-stale", "--expect-due", "4000", "--json", "--db",
        f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_non_null(strstr(r.err, "4100"));
    v = parse_json(r.out);
    assert_true(json_is_null(json_object_get(v, "order_id")));
    assert_string_equal(jstr(v, "refusal"), "stale_quote");
    assert_int_equal(jint(v, "due_minor"), 4100);
    q = json_object_get(v, "quote");
    assert_worked_example(q, 2000, 4100, 0);
    json_decref(v);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges"), 0);

    /* Without --json the new figures are printed as a table. */
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "cli-stale-2", "--expect-due", "1", "--db", f->db,
        "--date", DAY, "--lang", "en");
    assert_exit(&r, 3);
    assert_non_null(strstr(r.out, "Total due"));
    assert_non_null(strstr(r.out, "41.00"));
    run_clear(&r);

    /* The figures confirmed: placed. */
    v = order_place(f->dir, f->db, "cli-confirmed", "--expect-due", "4100", 0);
    assert_int_equal(jint(v, "due_minor"), 4100);
    json_decref(v);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 1);
}

static void test_order_cart_and_payment(void **state)
{
    struct fx *f = *state;
    struct run r;
    char *text;
    json_t *v, *cart;
    int64_t sub;

    /* An empty cart is refused. */
    RUN(&r, f->dir, "order", "place", "--account", "1", "--cart", "--idempotency-key", "cli-cart-0",
        "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    v = parse_json(r.out);
    assert_string_equal(jstr(v, "refusal"), "cart_empty");
    json_decref(v);
    run_clear(&r);

    /* The cart as the TUI leaves it: shown by account show, checked out by --cart. */
    sub = sql_int(f->db, "SELECT id FROM subscriptions WHERE account_id = 1 AND product = 'gotomeeting'");
    {
        char sql[300];
        snprintf(sql, sizeof sql,
                 "INSERT INTO cart_items(account_id, subscription_id, to_plan, to_seats, to_period,"
                 " base_version) VALUES (1, %lld, 'business', 5, 'monthly', 1)", (long long)sub);
        sql_exec(f->db, sql);
    }
    text = CAPTURE(f->dir, "account", "show", "1", "--json", "--db", f->db);
    v = parse_json(text);
    cart = json_object_get(v, "cart");
    assert_int_equal(json_array_size(cart), 1);
    assert_int_equal(jint(json_array_get(cart, 0), "subscription_id"), sub);
    assert_string_equal(jstr(json_array_get(cart, 0), "product"), "gotomeeting");
    assert_string_equal(jstr(json_array_get(cart, 0), "to_plan"), "business");
    assert_int_equal(jint(json_array_get(cart, 0), "to_seats"), 5);
    assert_string_equal(jstr(json_array_get(cart, 0), "to_period"), "monthly");
    json_decref(v);
    free(text);

    RUN(&r, f->dir, "order", "place", "--account", "1", "--cart", "--idempotency-key", "cli-cart-1",
        "--expect-due", "4100", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    v = parse_json(r.out);
    assert_int_equal(jint(v, "due_minor"), 4100);
    json_decref(v);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM cart_items"), 0);

    /* Something due, no card on file, none given: refused, nothing written. */
    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--idempotency-key", "cli-nocard", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    v = parse_json(r.out);
    assert_string_equal(jstr(v, "refusal"), "payment_required");
    json_decref(v);
    run_clear(&r);

    /* Bad cards are errors told in one line. */
    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--idempotency-key", "cli-expired", "--card", "4242424242424242",
        "--card-exp", "01/20", "--db", f->db, "--date", DAY);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);
    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--idempotency-key", "cli-luhn", "--card", "4242424242424241",
        "--card-exp", "01/30", "--db", f->db, "--date", DAY);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 3"), 0);

    /* A good new card: placed and charged, in the readable form too. */
    RUN(&r, f->dir, "order", "place", "--account", "3", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--idempotency-key", "cli-newcard", "--card", "4242 4242 4242 4242",
        "--card-exp", "12/30", "--db", f->db, "--date", DAY, "--lang", "en");
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "placed"));
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 3"), 1);
}

/* A copy of plans/ whose payment goes through tests/fake_gateway.sh MODE. */
static void gateway_catalog(const char *dir, const char *mode, const char *statedir)
{
    static const char *const products[] = {"gotomeeting.yaml", "gotowebinar.yaml", "gototraining.yaml"};
    char from[400], to[400], *text, *at, *out;
    const char *needle = "processor: test";
    size_t n;

    assert_int_equal(mkdir(dir, 0700), 0);
    for (size_t i = 0; i < sizeof products / sizeof products[0]; i++) {
        snprintf(from, sizeof from, "plans/%s", products[i]);
        snprintf(to, sizeof to, "%s/%s", dir, products[i]);
        copy_file(from, to);
    }
    text = slurp("plans/catalog.yaml");
    at = strstr(text, needle);
    assert_non_null(at);
    n = strlen(text) + 1024;
    out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*sprocessor: exec\n  command: \"sh %s/tests/fake_gateway.sh %s %s\"\n"
             "  timeout_ms: 5000%s", (int)(at - text), text, SOURCE_ROOT, mode, statedir,
             at + strlen(needle));
    snprintf(to, sizeof to, "%s/catalog.yaml", dir);
    write_file(to, out);
    free(out);
    free(text);
}

static void test_reconcile_after_unconfirmed_charge(void **state)
{
    struct fx *f = *state;
    char gw_bad[320], gw_ok[320], statedir[320], path[400];
    struct run r;
    json_t *v;

    snprintf(statedir, sizeof statedir, "%s/gateway", f->dir);
    assert_int_equal(mkdir(statedir, 0700), 0);
    snprintf(gw_bad, sizeof gw_bad, "%s/plans-exit1", f->dir);
    snprintf(gw_ok, sizeof gw_ok, "%s/plans-ok", f->dir);
    gateway_catalog(gw_bad, "exit1", statedir);
    gateway_catalog(gw_ok, "approved", statedir);

    /* Nothing pending: nothing to do. */
    RUN(&r, f->dir, "reconcile", "--json", "--db", f->db, "--catalog", gw_ok, "--date", DAY);
    assert_exit(&r, 0);
    v = parse_json(r.out);
    assert_int_equal(jint(v, "completed"), 0);
    assert_int_equal(jint(v, "refunded"), 0);
    json_decref(v);
    run_clear(&r);

    /* The gateway answers but fails: the payment is unconfirmed, no order. */
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "cli-gw-1", "--json", "--db", f->db, "--catalog", gw_bad,
        "--date", DAY);
    assert_exit(&r, 3);
    v = parse_json(r.out);
    assert_string_equal(jstr(v, "refusal"), "payment_unconfirmed");
    json_decref(v);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);

    /* ...yet the gateway did take the money (as a real one might have). */
    snprintf(path, sizeof path, "%s/cli-gw-1", statedir);
    write_file(path, "approved 4100\n");

    /* reconcile asks the gateway, finds the charge and completes the order. */
    RUN(&r, f->dir, "reconcile", "--json", "--db", f->db, "--catalog", gw_ok, "--date", DAY);
    assert_exit(&r, 0);
    v = parse_json(r.out);
    assert_int_equal(jint(v, "completed"), 1);
    assert_int_equal(jint(v, "refunded"), 0);
    json_decref(v);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 1);
    assert_int_equal(sql_int(f->db, "SELECT due_minor FROM orders"), 4100);

    /* The same key again is that order, charged once. */
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "cli-gw-1", "--json", "--db", f->db, "--catalog", gw_ok,
        "--date", DAY);
    assert_exit(&r, 0);
    v = parse_json(r.out);
    assert_true(json_is_true(json_object_get(v, "replayed")));
    json_decref(v);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 1);

    /* A second run has nothing left to do; a read-only operator may not run it. */
    RUN(&r, f->dir, "reconcile", "--db", f->db, "--catalog", gw_ok, "--date", DAY);
    assert_exit(&r, 0);
    assert_string_equal(r.out, "Reconciled: 0 orders completed, 0 charges refunded.\n");
    run_clear(&r);
    sql_exec(f->db, "UPDATE operators SET role = 'readonly'");
    RUN(&r, f->dir, "reconcile", "--db", f->db, "--catalog", gw_ok, "--date", DAY);
    assert_exit(&r, 3);
    run_clear(&r);
}

/* Human output speaks the language of --lang: Italian labels with Italian
 * numbers, plans by their names, plurals by count, from -> to in orders. */
static void test_human_output_language(void **state)
{
    struct fx *f = *state;
    struct run r;
    char dbopt[600];

    snprintf(dbopt, sizeof dbopt, "--db=%s", f->db);
    json_decref(order_place(f->dir, f->db, "cli-lang", NULL, NULL, 0));

    RUN(&r, f->dir, "orders", "1", dbopt);
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "GoToMeeting   Professional \u2192 Business, 5 seats, Monthly"));
    assert_null(strstr(r.out, "seat(s)"));
    assert_null(strstr(r.out, "professional"));
    run_clear(&r);

    RUN(&r, f->dir, "--lang", "it", "orders", "1", dbopt);
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "Ordine 1  2026-11-25  totale 61,00 \u20ac  addebitato 41,00 \u20ac"));
    assert_non_null(strstr(r.out, "Professional \u2192 Business, 5 postazioni, Mensile"));
    assert_non_null(strstr(r.out, "  credito  GoToMeeting"));
    assert_null(strstr(r.out, "total "));
    assert_null(strstr(r.out, "seats"));
    run_clear(&r);

    /* Without UTF-8 the arrow is ASCII. */
    setenv("LC_ALL", "C", 1);
    RUN(&r, f->dir, "orders", "1", dbopt);
    setenv("LC_ALL", "C.UTF-8", 1);
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "Professional -> Business, 5 seats"));
    run_clear(&r);

    RUN(&r, f->dir, "--lang", "it", "account", "show", "3", dbopt);
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "Valuta EUR, paese DE, partita IVA nessuna, saldo a credito 0,00 \u20ac"));
    assert_non_null(strstr(r.out, "Contatto di fatturazione: Jonas M\u00fcller"));
    assert_non_null(strstr(r.out, "Sottoscrizioni:"));
    assert_non_null(strstr(r.out, "GoToMeeting    Business     postazioni 8/10  Mensile"));
    assert_non_null(strstr(r.out, "Carrello: 0 articoli"));
    run_clear(&r);

    RUN(&r, f->dir, "account", "show", "3", dbopt);
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "Currency EUR, country DE, VAT number none, credit balance \u20ac0.00"));
    assert_non_null(strstr(r.out, "Cart: 0 items"));
    run_clear(&r);

    RUN(&r, f->dir, "--lang", "it", "quote", "--account", "1", "--product", "gotowebinar",
        "--to-seats", "3", dbopt, "--date", DAY);
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "Preventivo (EUR)"));
    assert_non_null(strstr(r.out, "Totale dovuto"));
    /* A seat count change co-terms: the period it prints is the one kept. */
    assert_non_null(strstr(r.out, "Periodo di fatturazione (invariato): "));
    assert_null(strstr(r.out, "Total due"));
    run_clear(&r);

    /* A refusal in Italian, once, on stderr. */
    RUN(&r, f->dir, "--lang", "it", "quote", "--account", "1", "--product", "gotomeeting",
        "--to-seats", "1", dbopt, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_non_null(strstr(r.err, "postazioni"));
    assert_string_equal(r.out, "");
    run_clear(&r);
}

static void test_account_show_json(void **state)
{
    struct fx *f = *state;
    char *text;
    json_t *a, *subs, *s, *bc;
    bool seen_meeting = false;

    text = CAPTURE(f->dir, "account", "show", "1", "--json", "--db", f->db);
    a = parse_json(text);
    ASSERT_KEYS(a, "id", "name", "kind", "currency", "country", "vat_number", "legal_name", "address",
                "billing_profile", "balance_minor",
                "billing_contact", "subscriptions", "cart", "card_on_file");
    assert_int_equal(jint(a, "id"), 1);
    /* The card on file: brand, last 4 and expiry only. */
    json_t *card = json_object_get(a, "card_on_file");
    ASSERT_KEYS(card, "brand", "last4", "exp_month", "exp_year");
    assert_string_equal(jstr(card, "brand"), "visa");
    assert_string_equal(jstr(card, "last4"), "4242");
    assert_string_equal(jstr(a, "name"), "Rossi Consulting S.r.l.");
    assert_string_equal(jstr(a, "kind"), "standard");
    assert_string_equal(jstr(a, "currency"), "EUR");
    assert_string_equal(jstr(a, "country"), "IT");
    assert_string_equal(jstr(a, "vat_number"), "IT00743110157");
    assert_int_equal(jint(a, "balance_minor"), 2000);
    bc = json_object_get(a, "billing_contact");
    ASSERT_KEYS(bc, "name", "email");
    assert_string_equal(jstr(bc, "name"), "Maria Rossi");
    assert_string_equal(jstr(bc, "email"), "maria.rossi@example.it");
    assert_true(json_is_array(json_object_get(a, "cart")));
    assert_int_equal(json_array_size(json_object_get(a, "cart")), 0);
    subs = json_object_get(a, "subscriptions");
    assert_true(json_array_size(subs) >= 1);
    for (size_t i = 0; i < json_array_size(subs); i++) {
        s = json_array_get(subs, i);
        ASSERT_KEYS(s, "product", "plan", "seats", "seats_assigned", "period", "period_start",
                    "period_end", "version", "status", "auto_renew", "scheduled", "next_renewal",
                    "next_renewal_estimate_minor");
        /* SPEC §8: the renewal's estimate, catalog price today, VAT, before
         * the balance: 2 × 948.00 annual + 22%. */
        if (strcmp(jstr(s, "product"), "gotowebinar") == 0)
            assert_int_equal(jint(s, "next_renewal_estimate_minor"), 231312);
        if (strcmp(jstr(s, "product"), "gotomeeting") != 0)
            continue;
        /* 5 × 12.00 + 13.20 VAT; the 20.00 balance is not taken off. */
        assert_int_equal(jint(s, "next_renewal_estimate_minor"), 7320);
        seen_meeting = true;
        assert_string_equal(jstr(s, "plan"), "professional");
        assert_int_equal(jint(s, "seats"), 5);
        assert_int_equal(jint(s, "seats_assigned"), 3);
        assert_string_equal(jstr(s, "period"), "monthly");
        assert_string_equal(jstr(s, "period_start"), "2026-11-10");
        assert_string_equal(jstr(s, "period_end"), "2026-12-10");
        assert_int_equal(jint(s, "version"), 1);
    }
    assert_true(seen_meeting);
    json_decref(a);
    free(text);

    /* A corporate account and one without a VAT number. */
    text = CAPTURE(f->dir, "account", "show", "2", "--json", "--db", f->db);
    a = parse_json(text);
    assert_string_equal(jstr(a, "kind"), "corporate");
    assert_true(json_is_null(json_object_get(a, "vat_number")));
    json_decref(a);
    free(text);

    /* After an order the subscription moved on. */
    json_decref(order_place(f->dir, f->db, "cli-show", NULL, NULL, 0));
    text = CAPTURE(f->dir, "account", "show", "1", "--json", "--db", f->db);
    a = parse_json(text);
    assert_int_equal(jint(a, "balance_minor"), 0);
    subs = json_object_get(a, "subscriptions");
    for (size_t i = 0; i < json_array_size(subs); i++) {
        s = json_array_get(subs, i);
        if (strcmp(jstr(s, "product"), "gotomeeting") != 0)
            continue;
        assert_string_equal(jstr(s, "plan"), "business");
        assert_string_equal(jstr(s, "period_start"), "2026-11-25");
        assert_string_equal(jstr(s, "period_end"), "2026-12-25");
        assert_int_equal(jint(s, "version"), 2);
    }
    json_decref(a);
    free(text);

    /* The readable form names the account and its billing contact. */
    text = CAPTURE(f->dir, "account", "show", "1", "--db", f->db);
    assert_non_null(strstr(text, "Rossi Consulting S.r.l."));
    assert_non_null(strstr(text, "maria.rossi@example.it"));
    free(text);
}

static void test_orders_and_audit_json(void **state)
{
    struct fx *f = *state;
    struct passwd *pw = getpwuid(getuid());
    char *text;
    json_t *orders, *o, *lines, *audit, *row;
    int64_t order_id;
    bool seen = false;

    text = CAPTURE(f->dir, "orders", "1", "--json", "--db", f->db);
    orders = parse_json(text);
    assert_true(json_is_array(orders));
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
    free(text);

    o = order_place(f->dir, f->db, "cli-history", NULL, NULL, 0);
    order_id = jint(o, "order_id");
    json_decref(o);

    text = CAPTURE(f->dir, "orders", "1", "--json", "--db", f->db);
    orders = parse_json(text);
    assert_int_equal(json_array_size(orders), 1);
    o = json_array_get(orders, 0);
    assert_int_equal(jint(o, "order_id"), order_id);
    assert_int_equal(jint(o, "account_id"), 1);
    assert_string_equal(jstr(o, "currency"), "EUR");
    assert_string_equal(jstr(o, "day"), DAY);
    assert_int_equal(jint(o, "subtotal_minor"), 5000);
    assert_int_equal(jint(o, "tax_minor"), 1100);
    assert_int_equal(jint(o, "total_minor"), 6100);
    assert_int_equal(jint(o, "balance_applied_minor"), 2000);
    assert_int_equal(jint(o, "due_minor"), 4100);
    assert_int_equal(jint(o, "balance_after_minor"), 0);
    assert_string_equal(jstr(o, "actor"), pw->pw_name);
    lines = json_object_get(o, "lines");
    assert_int_equal(json_array_size(lines), 4);
    assert_int_equal(jint(json_array_get(lines, 0), "amount_minor"), -3000);
    assert_string_equal(jstr(json_array_get(lines, 0), "kind"), "credit");
    assert_string_equal(jstr(json_array_get(lines, 0), "plan_from"), "professional");
    assert_string_equal(jstr(json_array_get(lines, 0), "plan_to"), "business");
    assert_int_equal(jint(json_array_get(lines, 2), "amount_minor"), 8000);
    assert_int_equal(jint(json_array_get(lines, 3), "amount_minor"), 1760);
    json_decref(orders);
    free(text);

    text = CAPTURE(f->dir, "audit", "--account", "1", "--json", "--db", f->db);
    audit = parse_json(text);
    assert_true(json_is_array(audit));
    for (size_t i = 0; i < json_array_size(audit); i++) {
        row = json_array_get(audit, i);
        ASSERT_KEYS(row, "id", "at", "actor", "origin", "account_id", "action", "before", "after",
                    "result");
        assert_int_equal(jint(row, "account_id"), 1);
        if (strcmp(jstr(row, "action"), "order.place") == 0 && strcmp(jstr(row, "result"), "ok") == 0) {
            seen = true;
            assert_string_equal(jstr(row, "actor"), pw->pw_name);
            assert_string_equal(jstr(row, "origin"), "local");
        }
    }
    assert_true(seen);
    json_decref(audit);
    free(text);

    /* Every account's rows; a --since in the future leaves none. */
    text = CAPTURE(f->dir, "audit", "--json", "--db", f->db);
    audit = parse_json(text);
    assert_true(json_array_size(audit) >= 1);
    json_decref(audit);
    free(text);
    text = CAPTURE(f->dir, "audit", "--json", "--since", "2999-01-01", "--db", f->db);
    audit = parse_json(text);
    assert_int_equal(json_array_size(audit), 0);
    json_decref(audit);
    free(text);

    /* The origin comes from SSH_CLIENT when set. */
    setenv("SSH_CLIENT", "192.0.2.7 50000 22", 1);
    o = order_place(f->dir, f->db, "cli-ssh", "--to-seats", "6", 0);
    unsetenv("SSH_CLIENT");
    json_decref(o);
    text = CAPTURE(f->dir, "audit", "--account", "1", "--json", "--db", f->db);
    audit = parse_json(text);
    row = json_array_get(audit, json_array_size(audit) - 1);
    assert_string_equal(jstr(row, "origin"), "192.0.2.7 50000 22");
    json_decref(audit);
    free(text);
}

/* ------------------------------------------------------------ operators */

static void test_operator_identity(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *v;
    char *user;

    /* A read-only operator may look but not order. */
    sql_exec(f->db, "UPDATE operators SET role = 'readonly'");
    RUN(&r, f->dir, "account", "show", "1", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    v = order_place(f->dir, f->db, "cli-readonly", NULL, NULL, 3);
    assert_string_equal(jstr(v, "refusal"), "readonly_operator");
    json_decref(v);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);

    /* $USER is not who you are. */
    sql_exec(f->db, "UPDATE operators SET unix_name = 'someone-else', role = 'admin'");
    user = getenv("USER") ? strdup(getenv("USER")) : NULL;
    setenv("USER", "someone-else", 1);
    RUN(&r, f->dir, "account", "show", "1", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_non_null(strstr(r.err, "not an operator"));
    assert_string_equal(r.out, "");
    run_clear(&r);
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "cli-stranger", "--db", f->db, "--date", DAY);
    if (user) {
        setenv("USER", user, 1);
        free(user);
    } else {
        unsetenv("USER");
    }
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);

    /* No operators at all: the owner of the database file acts as admin
     * (SQLite; a PostgreSQL database has no file, so nobody does). */
    sql_exec(f->db, "DELETE FROM operators");
    RUN(&r, f->dir, "account", "show", "1", "--db", f->db);
    assert_exit(&r, testdb_engine() == TESTDB_SQLITE ? 0 : 1);
    run_clear(&r);
}

/* ------------------------------------------------------------ globals */

static void test_globals_anywhere(void **state)
{
    struct fx *f = *state;
    char *before, *after, *mixed;
    json_t *q, *a;
    struct run r;

    before = CAPTURE(f->dir, "--db", f->db, "--date", DAY, "--lang", "en", "account", "show", "1", "--json");
    after = CAPTURE(f->dir, "account", "show", "1", "--json", "--db", f->db, "--date", DAY, "--lang", "en");
    mixed = CAPTURE(f->dir, "account", "--db", f->db, "show", "--json", "1");
    assert_string_equal(before, after);
    assert_string_equal(before, mixed);
    free(before);
    free(after);
    free(mixed);

    /* --date before the subcommand drives an explicit quote too. */
    before = CAPTURE(f->dir, "--date", DAY, "--catalog", "plans", "quote", "--json", EXPLICIT_EXAMPLE,
                     "--to-plan", "business", "--balance", "2000");
    q = parse_json(before);
    assert_worked_example(q, 2000, 4100, 0);
    json_decref(q);
    free(before);

    /* The catalog comes from --catalog wherever it stands. */
    RUN(&r, f->dir, "quote", "--json", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--catalog", f->dir);
    assert_exit(&r, 1);   /* an empty directory is no catalog */
    run_clear(&r);

    /* Also when getopt is asked to stop at the first word. */
    setenv("POSIXLY_CORRECT", "1", 1);
    before = CAPTURE(f->dir, "account", "show", "1", "--json", "--db", f->db);
    unsetenv("POSIXLY_CORRECT");
    a = parse_json(before);
    assert_int_equal(jint(a, "id"), 1);
    json_decref(a);
    free(before);

    /* "--" ends the options: what follows is an argument. */
    RUN(&r, f->dir, "--db", f->db, "account", "show", "--", "--json");
    assert_exit(&r, 2);                 /* "--json" is no id */
    assert_one_error_line(&r);
    run_clear(&r);

    /* The language comes from the locale when --lang is not given. */
    setenv("LC_ALL", "it_IT.UTF-8", 1);
    RUN(&r, f->dir, "quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--balance", "2000");
    setenv("LC_ALL", "C.UTF-8", 1);
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "41,00"));
    run_clear(&r);
    RUN(&r, f->dir, "quote", EXPLICIT_EXAMPLE, "--to-plan", "business", "--date", DAY,
        "--balance", "2000");
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "41.00"));
    run_clear(&r);

    /* --kiosk belongs to the terminal UI only. */
    RUN(&r, f->dir, "account", "show", "1", "--kiosk", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quote_explicit_worked_example, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_quote_explicit_options, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_quote_refusals, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_quote_account_worked_example, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_quote_account_refusals, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_quote_account_operator_downgrade, fx_demo_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_quote_past_year_9999, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_quote_seat_reduction_leaves_credit, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_usage, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_help_and_version, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_ids, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_values, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_values, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_repeated_option, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_refusal_said_once, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_human_output_language, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_catalog_check, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_init_demo, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_init_plain_and_scale, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_order_idempotent, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_order_declined_changes_nothing, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_order_expect_due, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_order_cart_and_payment, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_reconcile_after_unconfirmed_charge, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_account_show_json, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_orders_and_audit_json, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_operator_identity, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_globals_anywhere, fx_demo_setup, fx_teardown),
    };
    const struct CMUnitTest sqlite_only[] = {
        cmocka_unit_test_setup_teardown(test_init_files, fx_setup, fx_teardown),
    };
    if (!harness_init(argc, argv, "test_cli"))
        return 2;
    int rc = TESTDB_RUN(tests, sqlite_only, group_setup, group_teardown);
    harness_finish();
    return rc;
}
