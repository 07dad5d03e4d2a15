/* test_cli_card.c — `account set-card ID --card N --card-exp MM/YY`: the
 * card on file replaced through the real billcenter binary once the
 * processor verified it (the test processor, and the exec processor
 * against tests/fake_gateway.sh), shown by `account show --json`, audited,
 * never stored whole; every refusal and bad value told in one line with
 * the card on file as it was. On the engine $BC_TEST_ENGINE names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli_harness.h"
#include "testdb.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        fail_msg("not JSON (%s): %s", e.text, text);
    return v;
}

/* "brand last4 MM/YYYY" of the account's card on file, as account show
 * --json says it ("none" when null). Caller frees. */
static char *shown_card(const struct fx *f, const char *id)
{
    struct run r;
    char buf[128];
    RUN(&r, f->dir, "account", "show", id, "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *a = parse(r.out);
    json_t *c = json_object_get(a, "card_on_file");
    if (json_is_null(c))
        snprintf(buf, sizeof buf, "none");
    else
        snprintf(buf, sizeof buf, "%s %s %02d/%04d",
                 json_string_value(json_object_get(c, "brand")),
                 json_string_value(json_object_get(c, "last4")),
                 (int)json_integer_value(json_object_get(c, "exp_month")),
                 (int)json_integer_value(json_object_get(c, "exp_year")));
    json_decref(a);
    run_clear(&r);
    return strdup(buf);
}

static void assert_card(const struct fx *f, const char *id, const char *want)
{
    char *got = shown_card(f, id);
    assert_string_equal(got, want);
    free(got);
}

static void assert_last_audit(const char *db, const char *want)
{
    char *got = sql_text(db, "SELECT action || ' ' || result FROM audit ORDER BY id DESC LIMIT 1");
    assert_string_equal(got, want);
    free(got);
}

static void test_set_card(void **state)
{
    struct fx *f = *state;
    struct run r;

    assert_card(f, "1", "visa 4242 12/2029");
    RUN(&r, f->dir, "account", "set-card", "1", "--card", "5555 5555 5555 4444", "--card-exp",
        "11/28", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *o = parse(r.out);
    assert_int_equal(json_integer_value(json_object_get(o, "account")), 1);
    json_t *c = json_object_get(o, "card_on_file");
    assert_string_equal(json_string_value(json_object_get(c, "brand")), "mastercard");
    assert_string_equal(json_string_value(json_object_get(c, "last4")), "4444");
    assert_int_equal(json_integer_value(json_object_get(c, "exp_month")), 11);
    assert_int_equal(json_integer_value(json_object_get(c, "exp_year")), 2028);
    json_decref(o);
    assert_string_equal(r.err, "");
    run_clear(&r);
    assert_card(f, "1", "mastercard 4444 11/2028");
    assert_last_audit(f->db, "card.set ok");
    /* The audit row holds the old and the new card, never the number. */
    char *before = sql_text(f->db, "SELECT before_json FROM audit ORDER BY id DESC LIMIT 1");
    assert_non_null(strstr(before, "\"last4\":\"4242\""));
    free(before);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit"
                                    " WHERE after_json LIKE '%5555555555554444%'"
                                    " OR after_json LIKE '%5555 5555%'"), 0);
    /* Nothing was charged: no charge of the test processor is recorded. */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges WHERE key LIKE 'verify:%'"),
                     0);

    /* An account with no card gets one; the text form says what is kept. */
    assert_card(f, "3", "none");
    RUN(&r, f->dir, "account", "set-card", "3", "--card", "4242424242424242", "--card-exp",
        "01/2030", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    assert_string_equal(r.out, "Card on file for account 3: visa ending 4242, expires 01/2030.\n");
    run_clear(&r);
    assert_card(f, "3", "visa 4242 01/2030");

    /* A corporate account's card is not changed here (SPEC §1). */
    RUN(&r, f->dir, "account", "set-card", "2", "--card", "4242424242424242", "--card-exp",
        "01/2030", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_string_equal(r.err, "billcenter: account set-card: This account is managed in the "
                               "Corporate Billing Portal with your sales representative.\n");
    run_clear(&r);
    assert_last_audit(f->db, "card.set corporate_account");
    assert_card(f, "2", "none");
}

struct refusal {
    const char *card, *exp;
    int code;
    const char *err;
    const char *audit;        /* the audit row's action and result, NULL: none written */
};

static void test_refusals_change_nothing(void **state)
{
    struct fx *f = *state;
    static const struct refusal cases[] = {
        {"4000000000000002", "12/30", 3,
         "billcenter: account set-card: The card was declined. Nothing was charged and nothing "
         "changed. (card_declined)\n", "card.set payment_declined"},
        {"4000 0000 0000 9995", "12/30", 3,
         "billcenter: account set-card: The card was declined. Nothing was charged and nothing "
         "changed. (insufficient_funds)\n", "card.set payment_declined"},
        {"4000000000000069", "12/30", 3,
         "billcenter: account set-card: The card was declined. Nothing was charged and nothing "
         "changed. (expired_card)\n", "card.set payment_declined"},
        {"4000000000000119", "12/30", 1,
         "billcenter: account set-card: The payment processor failed. The card could not be "
         "verified; nothing was changed.\n", "card.set payment_error"},
        {"4242424242424241", "12/30", 1,
         "billcenter: --card: The card number is not valid. Nothing was changed.\n",
         "card.set invalid_card"},
        {"42424242", "12/30", 1,
         "billcenter: --card: The card number is not valid. Nothing was changed.\n",
         "card.set invalid_card"},
        {"4242424242424242", "13/30", 2,
         "billcenter: --card-exp: '13/30' is not MM/YY; nothing was changed\n",
         "card.set invalid_argument"},
        {"4242424242424242", "10/26", 1,
         "billcenter: --card-exp: The card's expiry date has passed. Nothing was changed.\n",
         "card.set card_expired"},
    };
    struct run r;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t rows = sql_int(f->db, "SELECT count(*) FROM audit");
        RUN(&r, f->dir, "account", "set-card", "1", "--card", cases[i].card, "--card-exp",
            cases[i].exp, "--json", "--db", f->db, "--date", DAY);
        assert_exit(&r, cases[i].code);
        assert_one_error_line(&r);
        assert_string_equal(r.err, cases[i].err);
        assert_string_equal(r.out, "");
        run_clear(&r);
        assert_card(f, "1", "visa 4242 12/2029");
        assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit"), rows + 1);
        assert_last_audit(f->db, cases[i].audit);
    }
}

static void test_bad_usage(void **state)
{
    struct fx *f = *state;
    struct run r;

    RUN(&r, f->dir, "account", "set-card", "1", "--card", "4242424242424242", "--db", f->db);
    assert_exit(&r, 2);
    assert_non_null(strstr(r.err, "billcenter: --card and --card-exp are required\n"));
    assert_non_null(strstr(r.err, "usage: billcenter account set-card ID"));
    run_clear(&r);
    RUN(&r, f->dir, "account", "set-card", "--card", "4242424242424242", "--card-exp", "12/30",
        "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "account", "set-card", "x1", "--card", "4242424242424242", "--card-exp",
        "12/30", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "account", "set-card", "1", "--card", "4242424242424242", "--card-exp",
        "12/30", "--to-plan", "x", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "account", "set-card", "424242", "--card", "4242424242424242", "--card-exp",
        "12/30", "--db", f->db, "--date", DAY);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_string_equal(r.err, "billcenter: account 424242: no such account\n");
    run_clear(&r);
    assert_card(f, "1", "visa 4242 12/2029");

    RUN(&r, f->dir, "account", "set-card", "--help");
    assert_exit(&r, 0);
    assert_non_null(strstr(r.out, "usage: billcenter account set-card ID --card NUMBER "
                                  "--card-exp MM/YY [--json]"));
    run_clear(&r);
}

static void test_readonly_refused(void **state)
{
    struct fx *f = *state;
    struct run r;

    sql_exec(f->db, "UPDATE operators SET role = 'readonly';"
                    " INSERT INTO operators VALUES('daemon', 'admin');");
    RUN(&r, f->dir, "account", "set-card", "1", "--card", "5555555555554444", "--card-exp",
        "12/30", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_string_equal(r.err, "billcenter: account set-card: Read-only operators cannot change "
                               "anything.\n");
    run_clear(&r);
    assert_last_audit(f->db, "card.set readonly_operator");
    assert_card(f, "1", "visa 4242 12/2029");
}

/* A copy of plans/ whose payment goes through tests/fake_gateway.sh MODE. */
static void gateway_catalog(const char *dir, const char *mode, const char *statedir)
{
    static const char *const products[] = {"gotomeeting.yaml", "gotowebinar.yaml",
                                           "gototraining.yaml"};
    char from[400], to[400];
    const char *needle = "processor: test";

    assert_int_equal(mkdir(dir, 0700), 0);
    for (size_t i = 0; i < sizeof products / sizeof products[0]; i++) {
        snprintf(from, sizeof from, "plans/%s", products[i]);
        snprintf(to, sizeof to, "%s/%s", dir, products[i]);
        copy_file(from, to);
    }
    char *text = slurp("plans/catalog.yaml");
    char *at = strstr(text, needle);
    assert_non_null(at);
    size_t n = strlen(text) + 1024;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*sprocessor: exec\n  command: \"sh %s/tests/fake_gateway.sh %s %s\"\n"
             "  timeout_ms: 5000%s", (int)(at - text), text, SOURCE_ROOT, mode, statedir,
             at + strlen(needle));
    snprintf(to, sizeof to, "%s/catalog.yaml", dir);
    FILE *fp = fopen(to, "w");
    assert_non_null(fp);
    fputs(out, fp);
    assert_int_equal(fclose(fp), 0);
    free(out);
    free(text);
}

static void test_exec_processor(void **state)
{
    struct fx *f = *state;
    char ok[320], funds[320], statedir[320], path[400];
    struct run r;

    snprintf(statedir, sizeof statedir, "%s/gateway", f->dir);
    assert_int_equal(mkdir(statedir, 0700), 0);
    snprintf(ok, sizeof ok, "%s/plans-ok", f->dir);
    snprintf(funds, sizeof funds, "%s/plans-funds", f->dir);
    gateway_catalog(ok, "approved", statedir);
    gateway_catalog(funds, "declined_funds", statedir);

    RUN(&r, f->dir, "account", "set-card", "1", "--card", "5555555555554444", "--card-exp",
        "12/30", "--catalog", funds, "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_string_equal(r.err, "billcenter: account set-card: The card was declined. Nothing was "
                               "charged and nothing changed. (insufficient_funds)\n");
    run_clear(&r);
    assert_card(f, "1", "visa 4242 12/2029");

    RUN(&r, f->dir, "account", "set-card", "1", "--card", "5555555555554444", "--card-exp",
        "12/30", "--catalog", ok, "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_card(f, "1", "mastercard 4444 12/2030");
    /* What the gateway was asked: a verify of the card, nothing to charge. */
    snprintf(path, sizeof path, "%s/last_request.json", statedir);
    json_t *req = json_load_file(path, 0, NULL);
    assert_non_null(req);
    assert_string_equal(json_string_value(json_object_get(req, "op")), "verify");
    assert_int_equal(json_integer_value(json_object_get(req, "amount_minor")), 0);
    assert_string_equal(json_string_value(json_object_get(req, "currency")), "EUR");
    assert_string_equal(json_string_value(json_object_get(req, "card")), "5555555555554444");
    assert_int_equal(strncmp(json_string_value(json_object_get(req, "key")), "verify:", 7), 0);
    json_decref(req);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set_card, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_refusals_change_nothing, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_usage, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_readonly_refused, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_exec_processor, fx_demo_setup, fx_teardown),
    };
    if (!harness_init(argc, argv, "test_cli_card"))
        return 2;
    int rc = testdb_run_cases("cli_card", tests, sizeof tests / sizeof tests[0], NULL, 0,
                              group_setup, group_teardown);
    harness_finish();
    return rc;
}
