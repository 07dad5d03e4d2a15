/* test_cli_lifecycle.c — SPEC §8's command line through the real billcenter
 * binary on a private copy of the demo database (made on 2026-11-25, whose
 * last six accounts show the subscription states): `renew` with its JSON
 * objects, a second run that orders nothing, --dry-run; `subscription
 * cancel|reactivate|schedule|unschedule|pay` with the exit codes of §6;
 * `account show --json`'s state fields; `events` and `events deliver`
 * through a catalog whose events command writes to a file. On the engine
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

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

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

/* The renewal object of `account` in a renew --json array. */
static const json_t *renewal_of(const json_t *arr, int64_t account)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (jint(json_array_get(arr, i), "account") == account)
            return json_array_get(arr, i);
    fail_msg("no renewal of account %lld", (long long)account);
    return NULL;
}

static void test_renew_json_twice(void **state)
{
    struct fx *f = *state;
    struct run r;
    RUN(&r, f->dir, "renew", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *a = parse(r.out);
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    const json_t *m = renewal_of(a, 1000);
    /* Exactly SPEC §8's fields. */
    static const char *const keys[] = {"account", "product", "period_start", "period_end",
                                       "outcome", "order_id", "document", "due_minor",
                                       "balance_applied_minor"};
    assert_int_equal(json_object_size(m), sizeof keys / sizeof *keys);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!json_object_get(m, keys[i]))
            fail_msg("missing field %s", keys[i]);
    assert_string_equal(jstr(m, "product"), "gotomeeting");
    assert_string_equal(jstr(m, "period_start"), "2026-11-25");
    assert_string_equal(jstr(m, "period_end"), "2026-12-25");
    assert_string_equal(jstr(m, "outcome"), "renewed");
    int64_t order = jint(m, "order_id");
    assert_true(order > 0);
    /* The renewal's invoice, the first of the year's series. */
    assert_string_equal(jstr(m, "document"), "2026/000001");
    assert_int_equal(jint(m, "due_minor"), 0);
    assert_int_equal(jint(m, "balance_applied_minor"), 1464);
    const json_t *p = renewal_of(a, 995);
    assert_string_equal(jstr(p, "outcome"), "skipped");
    assert_true(json_is_null(json_object_get(p, "order_id")));
    json_decref(a);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT balance_minor FROM accounts WHERE id = 1000"), 3000 - 1464);

    /* Again: nothing more is ordered. */
    RUN(&r, f->dir, "renew", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    a = parse(r.out);
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(jstr(renewal_of(a, 995), "outcome"), "skipped");
    json_decref(a);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 1);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM orders WHERE id = %lld"
             " AND idempotency_key LIKE 'renew:%%:2026-11-25'", (long long)order);
    assert_int_equal(sql_int(f->db, sql), 1);

    /* The next day Ferri's card on file is declined once more. */
    RUN(&r, f->dir, "renew", "--account", "995", "--db", f->db, "--date", "2026-11-26");
    assert_exit(&r, 0);
    assert_contains(r.out, "past due (card_declined), next attempt 2026-11-28");
    run_clear(&r);
}

static void test_renew_dry_run(void **state)
{
    struct fx *f = *state;
    struct run r;
    RUN(&r, f->dir, "renew", "--account", "1", "--dry-run", "--db", f->db, "--date", "2026-12-10");
    assert_exit(&r, 0);
    assert_contains(r.out, "Account 1, gotomeeting, 2026-12-10 .. 2027-01-10: renewed, charged "
                           "\xe2\x82\xac""53.20, from the balance \xe2\x82\xac""20.00");
    assert_contains(r.out, "Dry run: nothing was charged or written.");
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events"), 0);
    RUN(&r, f->dir, "renew", "--dry-run", "--db", f->db, "--date", "2026-12-10", "--lang", "it");
    assert_exit(&r, 0);
    assert_contains(r.out, "Prova a vuoto: non è stato addebitato né scritto nulla.");
    run_clear(&r);
    /* A bad value is bad usage. */
    RUN(&r, f->dir, "renew", "--account", "x", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
}

static void test_subscription_actions(void **state)
{
    struct fx *f = *state;
    struct run r;
    /* Keller's is pending cancellation already: cancel again is refused. */
    RUN(&r, f->dir, "subscription", "cancel", "--account", "997", "--product", "gotomeeting",
        "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    run_clear(&r);
    RUN(&r, f->dir, "subscription", "reactivate", "--account", "997", "--product", "gotomeeting",
        "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *j = parse(r.out);
    assert_true(json_is_true(json_object_get(j, "auto_renew")));
    assert_string_equal(jstr(j, "status"), "active");
    assert_string_equal(jstr(j, "next_renewal"), "2026-12-05");
    json_decref(j);
    run_clear(&r);

    /* A past-due subscription takes no change until paid. */
    RUN(&r, f->dir, "subscription", "schedule", "--account", "995", "--product", "gotomeeting",
        "--to-seats", "1", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_contains(r.err, "unpaid renewal");
    run_clear(&r);
    RUN(&r, f->dir, "quote", "--account", "995", "--product", "gotomeeting", "--to-seats", "3",
        "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    j = parse(r.out);
    assert_string_equal(jstr(j, "refusal"), "payment_overdue");
    json_decref(j);
    run_clear(&r);

    /* Schedule and unschedule (an operator may schedule a lower tier). */
    RUN(&r, f->dir, "subscription", "schedule", "--account", "1", "--product", "gotomeeting",
        "--to-plan", "business", "--to-seats", "4", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    assert_contains(r.out, "at the renewal: business, 4 seats, Monthly");
    run_clear(&r);
    RUN(&r, f->dir, "account", "show", "1", "--json", "--db", f->db);
    assert_exit(&r, 0);
    j = parse(r.out);
    const json_t *subs = json_object_get(j, "subscriptions");
    const json_t *sched = NULL;
    for (size_t i = 0; i < json_array_size(subs); i++)
        if (strcmp(jstr(json_array_get(subs, i), "product"), "gotomeeting") == 0)
            sched = json_object_get(json_array_get(subs, i), "scheduled");
    assert_non_null(sched);
    assert_string_equal(jstr(sched, "plan"), "business");
    assert_int_equal(jint(sched, "seats"), 4);
    json_decref(j);
    run_clear(&r);
    RUN(&r, f->dir, "subscription", "unschedule", "--account", "1", "--product", "gotomeeting",
        "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    RUN(&r, f->dir, "subscription", "unschedule", "--account", "1", "--product", "gotomeeting",
        "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    run_clear(&r);

    /* Pay the suspended one with a new card: a new period from today. */
    RUN(&r, f->dir, "subscription", "pay", "--account", "996", "--product", "gotowebinar",
        "--card", "4242424242424242", "--db", f->db, "--date", DAY);
    assert_exit(&r, 2);                                  /* --card without --card-exp */
    run_clear(&r);
    RUN(&r, f->dir, "subscription", "pay", "--account", "996", "--product", "gotowebinar",
        "--card", "4000000000000002", "--card-exp", "12/30", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_contains(r.err, "card_declined");
    run_clear(&r);
    RUN(&r, f->dir, "subscription", "pay", "--account", "996", "--product", "gotowebinar",
        "--card", "4242424242424242", "--card-exp", "12/30", "--json", "--db", f->db,
        "--date", DAY);
    assert_exit(&r, 0);
    j = parse(r.out);
    assert_string_equal(jstr(j, "outcome"), "renewed");
    assert_string_equal(jstr(j, "period_start"), DAY);
    assert_string_equal(jstr(j, "period_end"), "2026-12-25");
    assert_int_equal(jint(j, "due_minor"), 6027);        /* 49.00 + PT 23% */
    json_decref(j);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM subscriptions WHERE account_id = 996"
                                    " AND status = 'active'"), 1);

    /* Wrong product, missing options. */
    RUN(&r, f->dir, "subscription", "cancel", "--account", "1", "--product", "nosuch",
        "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);
    RUN(&r, f->dir, "subscription", "cancel", "--account", "1", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "subscription", "renew", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
}

/* A copy of the shipped catalog whose events command is `command`. */
static void catalog_with_events(const struct fx *f, const char *command, char *dir, size_t size)
{
    static const char *const files[] = {"catalog.yaml", "gotomeeting.yaml", "gototraining.yaml",
                                        "gotowebinar.yaml"};
    char from[512], to[512];
    snprintf(dir, size, "%s/plans", f->dir);
    snprintf(to, sizeof to, "mkdir -p '%s'", dir);
    assert_int_equal(system(to), 0);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(from, sizeof from, "%s/plans/%s", SOURCE_ROOT, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        copy_file(from, to);
    }
    snprintf(to, sizeof to, "%s/catalog.yaml", dir);
    FILE *fp = fopen(to, "a");
    assert_non_null(fp);
    fprintf(fp, "\nevents:\n  command: \"%s\"\n", command);
    fclose(fp);
}

static void test_events_and_delivery(void **state)
{
    struct fx *f = *state;
    struct run r;
    char plans[300], log[300], cmd[400];
    snprintf(log, sizeof log, "%s/received.jsonl", f->dir);
    snprintf(cmd, sizeof cmd, "cat >> %s", log);
    catalog_with_events(f, cmd, plans, sizeof plans);

    RUN(&r, f->dir, "subscription", "cancel", "--account", "998", "--product", "gotowebinar",
        "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    RUN(&r, f->dir, "renew", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    RUN(&r, f->dir, "events", "--json", "--db", f->db);
    assert_exit(&r, 0);
    json_t *a = parse(r.out);
    assert_int_equal(json_array_size(a), 4);
    static const char *const types[] = {"subscription.changed", "order.placed",
                                        "invoice.issued", "subscription.renewed"};
    for (size_t i = 0; i < 4; i++) {
        const json_t *e = json_array_get(a, i);
        assert_string_equal(jstr(e, "type"), types[i]);
        assert_true(json_is_object(json_object_get(e, "payload")));
        assert_true(json_is_null(json_object_get(e, "delivered_at")));
    }
    assert_int_equal(jint(json_array_get(a, 0), "account_id"), 998);
    assert_false(json_is_true(json_object_get(json_object_get(json_array_get(a, 0), "payload"),
                                              "auto_renew")));
    int64_t first = jint(json_array_get(a, 0), "id");
    json_decref(a);
    run_clear(&r);
    char after[24];
    snprintf(after, sizeof after, "%lld", (long long)first);
    RUN(&r, f->dir, "events", "--after", after, "--json", "--db", f->db);
    assert_exit(&r, 0);
    a = parse(r.out);
    assert_int_equal(json_array_size(a), 3);
    json_decref(a);
    run_clear(&r);

    /* Without an events command there is nowhere to deliver to. */
    RUN(&r, f->dir, "events", "deliver", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);

    RUN(&r, f->dir, "events", "deliver", "--json", "--db", f->db, "--catalog", plans);
    assert_exit(&r, 0);
    a = parse(r.out);
    assert_int_equal(jint(a, "delivered"), 4);
    json_decref(a);
    run_clear(&r);
    char *got = slurp(log);
    int lines = 0;
    for (char *p = got; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);
    assert_contains(got, "\"type\":\"invoice.issued\"");
    assert_contains(got, "\"type\":\"subscription.changed\"");
    assert_contains(got, "\"type\":\"order.placed\"");
    free(got);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events WHERE delivered_at IS NULL"), 0);
    /* Nothing left: a second run delivers nothing again. */
    RUN(&r, f->dir, "events", "deliver", "--db", f->db, "--catalog", plans);
    assert_exit(&r, 0);
    assert_contains(r.out, "Delivered 0 events.");
    run_clear(&r);

    /* A receiver that fails: the event stays for the next run. */
    catalog_with_events(f, "cat > /dev/null; exit 5", plans, sizeof plans);
    RUN(&r, f->dir, "subscription", "reactivate", "--account", "998", "--product", "gotowebinar",
        "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    RUN(&r, f->dir, "events", "deliver", "--db", f->db, "--catalog", plans);
    assert_exit(&r, 1);
    assert_contains(r.err, "exited 5");
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events WHERE delivered_at IS NULL"), 1);
}

/* A receiver that fails twice, then takes everything: each event reaches
 * it exactly once, in the order of the log, and only after the failures
 * (SPEC §8: at least once, in order, retried on the next run). */
static void test_events_after_failing_receiver(void **state)
{
    struct fx *f = *state;
    struct run r;
    char plans[300], log[300], script[300], count[300], cmd[400];
    snprintf(log, sizeof log, "%s/received.jsonl", f->dir);
    snprintf(count, sizeof count, "%s/calls", f->dir);
    snprintf(script, sizeof script, "%s/receiver.sh", f->dir);
    FILE *fp = fopen(script, "w");
    assert_non_null(fp);
    fprintf(fp, "n=$(cat '%s' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '%s'\n"
                "if [ $n -le 2 ]; then cat > /dev/null; exit 1; fi\n"
                "cat >> '%s'\n", count, count, log);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "sh %s", script);
    catalog_with_events(f, cmd, plans, sizeof plans);

    RUN(&r, f->dir, "subscription", "cancel", "--account", "998", "--product", "gotowebinar",
        "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    RUN(&r, f->dir, "renew", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    int64_t events = sql_int(f->db, "SELECT count(*) FROM events");
    assert_true(events >= 4);

    /* Two failed runs: nothing delivered, nothing received, said in one line. */
    for (int i = 0; i < 2; i++) {
        RUN(&r, f->dir, "events", "deliver", "--json", "--db", f->db, "--catalog", plans);
        assert_exit(&r, 1);
        assert_contains(r.err, "exited 1");
        assert_one_error_line(&r);
        json_t *a = parse(r.out);
        assert_int_equal(jint(a, "delivered"), 0);
        json_decref(a);
        run_clear(&r);
        assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events WHERE delivered_at IS "
                                        "NULL"), events);
    }
    char *got = slurp(log);
    assert_string_equal(got, "");
    free(got);

    /* The third run delivers every event once, in order. */
    RUN(&r, f->dir, "events", "deliver", "--json", "--db", f->db, "--catalog", plans);
    assert_exit(&r, 0);
    json_t *a = parse(r.out);
    assert_int_equal(jint(a, "delivered"), events);
    json_decref(a);
    run_clear(&r);
    got = slurp(log);
    int64_t last = 0, lines = 0;
    for (char *line = got, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        *nl = '\0';
        json_t *e = parse(line);
        assert_true(jint(e, "id") > last);   /* in order, none twice */
        last = jint(e, "id");
        json_decref(e);
        lines++;
    }
    free(got);
    assert_int_equal(lines, events);
    assert_int_equal(last, sql_int(f->db, "SELECT max(id) FROM events"));
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events WHERE delivered_at IS NULL"), 0);
    /* And never again. */
    RUN(&r, f->dir, "events", "deliver", "--db", f->db, "--catalog", plans);
    assert_exit(&r, 0);
    assert_contains(r.out, "Delivered 0 events.");
    run_clear(&r);
    got = slurp(log);
    int64_t after = 0;
    for (char *p = got; *p; p++)
        after += *p == '\n';
    free(got);
    assert_int_equal(after, events);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events"), events);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_renew_json_twice, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_renew_dry_run, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_subscription_actions, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_events_and_delivery, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_events_after_failing_receiver, fx_demo_setup,
                                        fx_teardown),
    };
    if (!harness_init(argc, argv, "test_cli_lifecycle"))
        return 2;
    int rc = testdb_run_cases("cli_lifecycle", tests, sizeof tests / sizeof tests[0], NULL, 0,
                              group_setup, group_teardown);
    harness_finish();
    return rc;
}
