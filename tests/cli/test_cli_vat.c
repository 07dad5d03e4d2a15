/* test_cli_vat.c — the VAT number's evidence (SPEC §9, vat.check_command)
 * through the real billcenter binary: a reverse-charge order (account 10,
 * DE136464502, seller in Italy) asks tests/fake_vies.sh, which answers
 * valid, invalid, exits 1, hangs or answers garbage; each case asserts the
 * order placed or refused, what was charged, the request the client got
 * and the evidence stored with the order and shown by `order place` and
 * `orders`. Without a client the order records "offline"; an order that
 * relies on no VAT number asks nothing; a VAT number given at checkout is
 * checked too. Each test works on a private copy of the demo database
 * (today 2026-11-25), on the engine $BC_TEST_ENGINE names (testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli_harness.h"
#include "testdb.h"

#define assert_contains(hay, needle) do { \
        if (!strstr((hay), (needle))) \
            fail_msg("'%s' not found in: %s", (needle), (hay)); \
    } while (0)

/* What a reverse-charge order for account 10 sends to the client. */
#define REQUEST_10 "{\"country\":\"DE\",\"op\":\"check\",\"requester\":\"IT12345670157\"," \
                   "\"vat_number\":\"136464502\"}"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        fail_msg("not JSON (%s): %s", e.text, text);
    return v;
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s is not a string", key);
    return json_string_value(v);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* DIR/plans: a copy of plans/ whose vat section runs tests/fake_vies.sh
 * MODE DIR/vies (mode NULL: no client, plans/ as it is); DIR/vies keeps the
 * requests. */
static void vies_catalog(const struct fx *f, const char *mode, char *plans, size_t size)
{
    static const char *const files[] = {"gotomeeting.yaml", "gotowebinar.yaml",
                                        "gototraining.yaml"};
    char from[400], to[600], statedir[320];
    snprintf(plans, size, "%s/plans", f->dir);
    snprintf(statedir, sizeof statedir, "%s/vies", f->dir);
    assert_int_equal(mkdir(plans, 0700), 0);
    assert_int_equal(mkdir(statedir, 0700), 0);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(from, sizeof from, "plans/%s", files[i]);
        snprintf(to, sizeof to, "%s/%s", plans, files[i]);
        copy_file(from, to);
    }
    char *text = slurp("plans/catalog.yaml");
    const char *needle = "\nvat:\n";
    char *at = strstr(text, needle);
    assert_non_null(at);
    size_t n = strlen(text) + 1024;
    char *out = malloc(n);
    assert_non_null(out);
    if (mode)
        snprintf(out, n, "%.*s\nvat:\n  check_command: \"sh %s/tests/fake_vies.sh %s %s\"\n"
                 "  timeout_ms: 1000\n%s", (int)(at - text), text, SOURCE_ROOT, mode, statedir,
                 at + strlen(needle));
    else
        snprintf(out, n, "%s", text);
    snprintf(to, sizeof to, "%s/catalog.yaml", plans);
    write_file(to, out);
    free(out);
    free(text);
}

/* The text of the PDF at `path` (pdftotext, lines joined as laid out). */
static char *pdf_text(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 65536, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t got;
    while ((got = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    return out;
}

/* What the client was asked, one request a line ("" when never run). */
static char *requests(const struct fx *f)
{
    char path[400];
    snprintf(path, sizeof path, "%s/vies/requests", f->dir);
    return slurp(path);
}

/* Account 10's reverse-charge upgrade (Professional -> Business, 3 seats):
 * 33.60 due, paid with a new card. */
static void place_10(struct run *r, const struct fx *f, const char *plans, const char *key,
                     bool json)
{
    if (json)
        RUN(r, f->dir, "order", "place", "--account", "10", "--product", "gotomeeting",
            "--to-plan", "business", "--card", "4242424242424242", "--card-exp", "12/30",
            "--idempotency-key", key, "--json", "--db", f->db, "--catalog", plans,
            "--date", DAY, "--lang", "en");
    else
        RUN(r, f->dir, "order", "place", "--account", "10", "--product", "gotomeeting",
            "--to-plan", "business", "--card", "4242424242424242", "--card-exp", "12/30",
            "--idempotency-key", key, "--db", f->db, "--catalog", plans,
            "--date", DAY, "--lang", "en");
}

/* The evidence in `v` (an order's "vat_check") is the stored row's, and
 * both say `method` and `reason`. */
static void assert_evidence(const struct fx *f, json_t *v, const char *method, const char *reason,
                            const char *consultation, time_t t0, time_t t1)
{
    assert_true(json_is_object(v));
    assert_string_equal(jstr(v, "method"), method);
    assert_true(json_is_true(json_object_get(v, "valid")));
    assert_string_equal(jstr(v, "country"), "DE");
    assert_string_equal(jstr(v, "vat_number"), "DE136464502");
    assert_string_equal(jstr(v, "requester"), "IT12345670157");
    if (reason)
        assert_string_equal(jstr(v, "reason"), reason);
    else
        assert_true(json_is_null(json_object_get(v, "reason")));
    if (consultation)
        assert_string_equal(jstr(v, "consultation"), consultation);
    else
        assert_true(json_is_null(json_object_get(v, "consultation")));

    char sql[200], *text;
    snprintf(sql, sizeof sql, "SELECT method || '|' || country || '|' || vat_number || '|' ||"
             " valid || '|' || coalesce(consultation, '-') || '|' || coalesce(reason, '-')"
             " FROM order_vat_checks");
    text = sql_text(f->db, sql);
    char expect[200];
    snprintf(expect, sizeof expect, "%s|DE|DE136464502|1|%s|%s", method,
             consultation ? consultation : "-", reason ? reason : "-");
    assert_string_equal(text, expect);
    free(text);
    int64_t at = sql_int(f->db, "SELECT checked_at FROM order_vat_checks");
    assert_true(at >= (int64_t)t0 && at <= (int64_t)t1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks v JOIN orders o"
                                    " ON o.id = v.order_id WHERE o.account_id = 10"), 1);
}

/* `orders 10 --json`: the newest order carries the same evidence. */
static json_t *orders_evidence(const struct fx *f, const char *plans)
{
    struct run r;
    RUN(&r, f->dir, "orders", "10", "--json", "--db", f->db, "--catalog", plans, "--date", DAY);
    assert_exit(&r, 0);
    json_t *list = parse(r.out);
    run_clear(&r);
    assert_true(json_array_size(list) >= 1);
    json_t *v = json_incref(json_object_get(json_array_get(list, 0), "vat_check"));
    json_decref(list);
    return v;
}

/* One reverse-charge order with the client in `mode`, placed. */
static void placed_with(void **state, const char *mode, const char *method, const char *reason,
                        const char *consultation, const char *text_line)
{
    struct fx *f = *state;
    char plans[300];
    struct run r;
    vies_catalog(f, mode, plans, sizeof plans);
    time_t t0 = time(NULL);
    place_10(&r, f, plans, "vat-1", true);
    time_t t1 = time(NULL);
    assert_exit(&r, 0);
    json_t *v = parse(r.out);
    run_clear(&r);
    assert_int_equal(json_integer_value(json_object_get(v, "due_minor")), 3360);
    assert_evidence(f, json_object_get(v, "vat_check"), method, reason, consultation, t0, t1);
    json_decref(v);
    char *asked = requests(f);
    if (mode) {
        assert_string_equal(asked, REQUEST_10 "\n");
    } else {
        assert_string_equal(asked, "");
    }
    free(asked);
    /* Reverse charge as without a client: the tax lines are 0 and say so. */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_lines WHERE kind = 'tax'"
                                    " AND reverse_charge = 1 AND amount_minor = 0"), 2);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges WHERE state = 'approved'"
                                    " AND amount_minor = 3360"), 1);

    v = orders_evidence(f, plans);
    assert_evidence(f, v, method, reason, consultation, t0, t1);
    json_decref(v);

    /* The same key again: the first order and its evidence, VIES not asked again. */
    place_10(&r, f, plans, "vat-1", false);
    assert_exit(&r, 0);
    assert_contains(r.out, "already placed with this key");
    assert_contains(r.out, text_line);
    run_clear(&r);
    asked = requests(f);
    assert_string_equal(asked, mode ? REQUEST_10 "\n" : "");
    free(asked);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 10"), 1);
}

static void test_valid_in_vies(void **state)
{
    placed_with(state, "valid", "vies", NULL, "WAPIAAAAW1",
                "  VAT number DE136464502: valid in VIES (consultation WAPIAAAAW1, ");
    struct fx *f = *state;
    char *name = sql_text(f->db, "SELECT name || ' / ' || address FROM order_vat_checks");
    assert_string_equal(name, "SCHMIDT CONSULTING GMBH / HAUPTSTR. 1, 10115 BERLIN");
    free(name);
    /* The invoice notes it (text and JSON); its FatturaPA file does not. */
    struct run r;
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--db", f->db, "--date", DAY, "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "\nCustomer's VAT number checked in VIES on 2026-11-25, consultation"
                           " WAPIAAAAW1\n");
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--format", "json", "--db", f->db,
        "--date", DAY);
    assert_exit(&r, 0);
    json_t *doc = parse(r.out);
    run_clear(&r);
    json_t *vc = json_object_get(doc, "vat_check");
    assert_string_equal(jstr(vc, "method"), "vies");
    assert_string_equal(jstr(vc, "consultation"), "WAPIAAAAW1");
    assert_string_equal(jstr(vc, "checked_on"), DAY);
    json_decref(doc);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--format", "fatturapa", "--db", f->db,
        "--date", DAY);
    assert_exit(&r, 0);
    assert_null(strstr(r.out, "WAPIAAAAW1"));
    run_clear(&r);
    /* Evidence is never edited. */
    assert_false(testdb_sql_exec(f->db, "UPDATE order_vat_checks SET method = 'offline'"));
    assert_false(testdb_sql_exec(f->db, "DELETE FROM order_vat_checks"));
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks WHERE method = 'vies'"), 1);
}

static void test_no_client_is_offline(void **state)
{
    placed_with(state, NULL, "offline", "not_configured", NULL,
                "  VAT number DE136464502: checked offline (format and check digits only): "
                "no VIES client configured (vat.check_command)\n");
    struct fx *f = *state;
    struct run r;
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--db", f->db, "--date", DAY, "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "\nCustomer's VAT number checked offline on 2026-11-25 (format and"
                           " check digits)\n");
    run_clear(&r);
}

static void test_client_exit1_is_offline(void **state)
{
    placed_with(state, "exit1", "offline", "command_failed", NULL,
                "  VAT number DE136464502: checked offline (format and check digits only): "
                "the VIES client failed\n");
}

static void test_client_garbage_is_offline(void **state)
{
    placed_with(state, "garbage", "offline", "bad_reply", NULL,
                "  VAT number DE136464502: checked offline (format and check digits only): "
                "the VIES client's answer could not be read\n");
}

static void test_client_hang_is_offline(void **state)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    placed_with(state, "hang", "offline", "timeout", NULL,
                "  VAT number DE136464502: checked offline (format and check digits only): "
                "the VIES client did not answer in time\n");
    clock_gettime(CLOCK_MONOTONIC, &b);
    /* One timeout of 1000 ms (the replay asks nothing): not the 30 s the client sleeps. */
    assert_true(b.tv_sec - a.tv_sec < 20);
}

/* Everything a refused order could have changed, as one text. */
static char *state_of(const char *db)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM orders", "SELECT count(*) FROM order_lines",
        "SELECT count(*) FROM ledger", "SELECT count(*) FROM documents",
        "SELECT count(*) FROM order_vat_checks", "SELECT count(*) FROM test_charges",
        "SELECT count(*) FROM pending_checkouts", "SELECT count(*) FROM payment_methods",
        "SELECT coalesce(sum(version), 0) FROM subscriptions",
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

static void test_invalid_in_vies_refuses(void **state)
{
    struct fx *f = *state;
    char plans[300];
    struct run r;
    vies_catalog(f, "invalid", plans, sizeof plans);
    char *before = state_of(f->db);
    place_10(&r, f, plans, "vat-1", true);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "VIES says this VAT number is not valid: nothing was charged");
    assert_contains(r.err, "(DE136464502, VIES consultation WAPIAAAAX2)");
    json_t *v = parse(r.out);
    run_clear(&r);
    assert_string_equal(jstr(v, "refusal"), "vat_number_rejected");
    assert_true(json_is_null(json_object_get(v, "order_id")));
    json_t *e = json_object_get(v, "vat_check");
    assert_string_equal(jstr(e, "method"), "vies");
    assert_true(json_is_false(json_object_get(e, "valid")));
    assert_string_equal(jstr(e, "consultation"), "WAPIAAAAX2");
    json_decref(v);
    char *after = state_of(f->db);
    assert_string_equal(after, before);
    free(before);
    free(after);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE action = 'order.place'"
                                    " AND result = 'vat_number_rejected'"), 1);
    char *asked = requests(f);
    assert_string_equal(asked, REQUEST_10 "\n");
    free(asked);
}

/* A domestic order with the account's own number relies on no VAT number:
 * the client is not asked and the order has no evidence. */
static void test_domestic_asks_nothing(void **state)
{
    struct fx *f = *state;
    char plans[300];
    struct run r;
    vies_catalog(f, "invalid", plans, sizeof plans);
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "dom-1", "--json", "--db", f->db, "--catalog", plans,
        "--date", DAY);
    assert_exit(&r, 0);
    json_t *v = parse(r.out);
    run_clear(&r);
    assert_true(json_is_null(json_object_get(v, "vat_check")));
    json_decref(v);
    char *asked = requests(f);
    assert_string_equal(asked, "");
    free(asked);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks"), 0);
}

/* A VAT number given at checkout is asked about before it becomes the
 * account's: not valid in VIES, the account keeps none and nothing is
 * ordered; valid, it is written with the order and its evidence. */
static void test_number_given_at_checkout(void **state)
{
    struct fx *f = *state;
    char plans[300], other[300];
    struct run r;
    vies_catalog(f, "invalid", plans, sizeof plans);
    RUN(&r, f->dir, "order", "place", "--account", "9", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--vat-number", "IT00743110157", "--update-billing-info",
        "--idempotency-key", "given-1", "--json", "--db", f->db, "--catalog", plans, "--date", DAY);
    assert_exit(&r, 3);
    json_t *v = parse(r.out);
    run_clear(&r);
    assert_string_equal(jstr(v, "refusal"), "vat_number_rejected");
    json_decref(v);
    char *asked = requests(f);
    assert_string_equal(asked, "{\"country\":\"IT\",\"op\":\"check\",\"requester\":\"IT12345670157\","
                               "\"vat_number\":\"00743110157\"}\n");
    free(asked);
    char *vn = sql_text(f->db, "SELECT coalesce(vat_number, '-') FROM accounts WHERE id = 9");
    assert_string_equal(vn, "-");
    free(vn);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 9"), 0);

    /* The same catalog with a client that says valid. */
    snprintf(other, sizeof other, "%s/plans/catalog.yaml", f->dir);
    char *text = slurp(other);
    char *at = strstr(text, "fake_vies.sh invalid");
    assert_non_null(at);
    size_t size = strlen(text) + 1;
    char *cmd = malloc(size);
    assert_non_null(cmd);
    snprintf(cmd, size, "%.*sfake_vies.sh valid%s", (int)(at - text), text,
             at + strlen("fake_vies.sh invalid"));
    free(text);
    write_file(other, cmd);
    free(cmd);
    RUN(&r, f->dir, "order", "place", "--account", "9", "--product", "gotomeeting", "--to-plan",
        "enterprise", "--vat-number", "IT00743110157", "--update-billing-info",
        "--idempotency-key", "given-2", "--json", "--db", f->db, "--catalog", plans, "--date", DAY);
    assert_exit(&r, 0);
    v = parse(r.out);
    run_clear(&r);
    json_t *e = json_object_get(v, "vat_check");
    assert_string_equal(jstr(e, "method"), "vies");
    assert_string_equal(jstr(e, "vat_number"), "IT00743110157");
    assert_string_equal(jstr(e, "country"), "IT");
    json_decref(v);
    vn = sql_text(f->db, "SELECT coalesce(vat_number, '-') FROM accounts WHERE id = 9");
    assert_string_equal(vn, "IT00743110157");
    free(vn);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks v JOIN orders o"
                                    " ON o.id = v.order_id WHERE o.account_id = 9"
                                    " AND v.method = 'vies' AND v.consultation = 'WAPIAAAAW1'"), 1);
}

/* ---- renewals and Pay now (SPEC §8 orders relying on the VAT number) ---- */

/* Account 10's GoToMeeting (Professional, 3 seats, 12.00 a seat) renews on
 * 2026-12-07: 36.00, reverse charge. */
#define RENEW_DAY "2026-12-07"
#define RENEW_DUE 3600

/* Account 10 with a card on file, so that its renewal is charged. */
static void card_on_file_10(const struct fx *f)
{
    struct run r;
    RUN(&r, f->dir, "account", "set-card", "10", "--card", "4242424242424242", "--card-exp",
        "12/30", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    run_clear(&r);
}

static void renew_10(struct run *r, const struct fx *f, const char *plans, const char *day)
{
    RUN(r, f->dir, "renew", "--account", "10", "--db", f->db, "--catalog", plans, "--date", day,
        "--lang", "en");
}

/* A renewal that went through: one order of 36.00 charged with the
 * evidence `method`/`reason`/`consultation`, shown by renew and orders. */
static void renewed_with(void **state, const char *mode, const char *method, const char *reason,
                         const char *consultation, const char *text_line)
{
    struct fx *f = *state;
    char plans[300];
    struct run r;
    vies_catalog(f, mode, plans, sizeof plans);
    card_on_file_10(f);
    time_t t0 = time(NULL);
    renew_10(&r, f, plans, RENEW_DAY);
    time_t t1 = time(NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "Account 10, gotomeeting, 2026-12-07 .. 2027-01-07: renewed (order 1),"
                           " charged €36.00, from the balance €0.00\n");
    assert_contains(r.out, text_line);
    run_clear(&r);
    char *asked = requests(f);
    assert_string_equal(asked, mode ? REQUEST_10 "\n" : "");
    free(asked);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 10"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_lines WHERE kind = 'tax'"
                                    " AND reverse_charge = 1 AND amount_minor = 0"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges WHERE state = 'approved'"
                                    " AND amount_minor = 3600"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges"), 1);
    json_t *v = orders_evidence(f, plans);
    assert_evidence(f, v, method, reason, consultation, t0, t1);
    json_decref(v);
    char *status = sql_text(f->db, "SELECT status FROM subscriptions WHERE account_id = 10");
    assert_string_equal(status, "active");
    free(status);
    /* Run again the same day: the period is ordered once, VIES not asked again. */
    renew_10(&r, f, plans, RENEW_DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    asked = requests(f);
    assert_string_equal(asked, mode ? REQUEST_10 "\n" : "");
    free(asked);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 10"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges"), 1);
}

static void test_renew_valid_in_vies(void **state)
{
    renewed_with(state, "valid", "vies", NULL, "WAPIAAAAW1",
                 "\n  VAT number DE136464502: valid in VIES (consultation WAPIAAAAW1, ");
    struct fx *f = *state;
    /* The renewal's invoice notes the check, as a checkout's does. */
    struct run r;
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--db", f->db, "--date", RENEW_DAY,
        "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "\nCustomer's VAT number checked in VIES on 2026-12-07, consultation"
                           " WAPIAAAAW1\n");
    run_clear(&r);
    /* Its PDF says the same, in English and in Italian. */
    char pdf[400];
    snprintf(pdf, sizeof pdf, "%s/renewal.pdf", f->dir);
    static const char *const langs[] = {"en", "it"};
    static const char *const said[] = {
        "Customer's VAT number checked in VIES on 2026-12-07, consultation WAPIAAAAW1",
        "Partita IVA del cliente verificata nel VIES il 07/12/2026, consultazione WAPIAAAAW1",
    };
    for (size_t i = 0; i < 2; i++) {
        RUN(&r, f->dir, "invoice", "show", "2026/000001", "--format", "pdf", "-o", pdf, "--db",
            f->db, "--date", RENEW_DAY, "--lang", langs[i]);
        assert_exit(&r, 0);
        run_clear(&r);
        char *txt = pdf_text(pdf);
        assert_contains(txt, said[i]);
        free(txt);
    }
    /* The audit row of the renewal carries the evidence too. */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE action = 'order.renew'"
                                    " AND after_json LIKE '%\"consultation\":\"WAPIAAAAW1\"%'"), 1);
}

static void test_renew_client_hang_is_offline(void **state)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    renewed_with(state, "hang", "offline", "timeout", NULL,
                 "\n  VAT number DE136464502: checked offline (format and check digits only): "
                 "the VIES client did not answer in time\n");
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_true(b.tv_sec - a.tv_sec < 20);
}

static void test_renew_no_client_is_offline(void **state)
{
    renewed_with(state, NULL, "offline", "not_configured", NULL,
                 "\n  VAT number DE136464502: checked offline (format and check digits only): "
                 "no VIES client configured (vat.check_command)\n");
}

/* VIES says the number is not valid at renewal: the period is not ordered
 * (neither with a reverse charge nor with VAT the customer was not told
 * of), nothing is charged, the subscription is past_due with reason
 * vat_number_rejected, payment.failed carries VIES's answer, and the
 * dunning retry asks again: valid then, it renews. */
static void test_renew_invalid_in_vies_is_past_due(void **state)
{
    struct fx *f = *state;
    char plans[300];
    struct run r;
    vies_catalog(f, "invalid", plans, sizeof plans);
    card_on_file_10(f);
    renew_10(&r, f, plans, RENEW_DAY);
    assert_exit(&r, 0);
    assert_contains(r.out, "Account 10, gotomeeting, 2026-12-07 .. 2027-01-07: past due"
                           " (vat_number_rejected), next attempt 2026-12-08\n"
                           "  VAT number DE136464502: not valid in VIES (");
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 10"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM documents"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges"), 0);
    char *status = sql_text(f->db, "SELECT status FROM subscriptions WHERE account_id = 10");
    assert_string_equal(status, "past_due");
    free(status);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events WHERE type = 'payment.failed'"
                                    " AND payload LIKE '%\"reason\":\"vat_number_rejected\"%'"
                                    " AND payload LIKE '%\"consultation\":\"WAPIAAAAX2\"%'"
                                    " AND payload LIKE '%\"valid\":false%'"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM events WHERE type = 'subscription.past_due'"),
                     1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE"
                                    " action = 'subscription.renew_failed'"
                                    " AND result = 'vat_number_rejected'"), 1);
    char *asked = requests(f);
    assert_string_equal(asked, REQUEST_10 "\n");
    free(asked);

    /* The retry on 2026-12-08 with VIES saying valid renews [P1, P1 + 1 month). */
    char other[400];
    snprintf(other, sizeof other, "%s/plans/catalog.yaml", f->dir);
    char *text = slurp(other);
    char *at = strstr(text, "fake_vies.sh invalid");
    assert_non_null(at);
    memcpy(at, "fake_vies.sh valid  ", strlen("fake_vies.sh invalid"));
    write_file(other, text);
    free(text);
    renew_10(&r, f, plans, "2026-12-08");
    assert_exit(&r, 0);
    assert_contains(r.out, "Account 10, gotomeeting, 2026-12-07 .. 2027-01-07: renewed (order 1),"
                           " charged €36.00");
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges WHERE amount_minor = 3600"),
                     1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks WHERE method = 'vies'"
                                    " AND valid = 1 AND consultation = 'WAPIAAAAW1'"), 1);
    status = sql_text(f->db, "SELECT status FROM subscriptions WHERE account_id = 10");
    assert_string_equal(status, "active");
    free(status);
}

/* A renewal killed after its charge, before its commit, left the charge
 * and its pending checkout (made on an earlier, valid answer). Run again
 * with VIES now saying not valid: the charge is refunded rather than
 * ordered, nothing is ordered, the subscription is past_due, and
 * reconcile finds nothing left to complete. */
static void test_renew_invalid_refunds_a_killed_runs_charge(void **state)
{
    struct fx *f = *state;
    char plans[300], sql[1024];
    struct run r;
    vies_catalog(f, "invalid", plans, sizeof plans);
    card_on_file_10(f);
    int64_t sub = sql_int(f->db, "SELECT id FROM subscriptions WHERE account_id = 10");
    snprintf(sql, sizeof sql,
             "INSERT INTO test_charges(key, state, amount_minor, currency, reference) VALUES"
             " ('renew:%lld:2026-12-07', 'approved', 3600, 'EUR', 'test_killedrun');"
             "INSERT INTO pending_checkouts(key, account_id, amount_minor, currency, request,"
             " outcome, at) VALUES ('renew:%lld:2026-12-07', 10, 3600, 'EUR',"
             " '{\"kind\":\"renewal\",\"subscription_id\":%lld,\"attempt\":\"dead\"}', NULL, 0)",
             (long long)sub, (long long)sub, (long long)sub);
    sql_exec(f->db, sql);
    renew_10(&r, f, plans, RENEW_DAY);
    assert_exit(&r, 0);
    assert_contains(r.out, "past due (vat_number_rejected)");
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 10"), 0);
    char *charge = sql_text(f->db, "SELECT state FROM test_charges");
    assert_string_equal(charge, "refunded");
    free(charge);
    char *outcome = sql_text(f->db, "SELECT outcome FROM pending_checkouts");
    assert_string_equal(outcome, "refunded");
    free(outcome);
    char *status = sql_text(f->db, "SELECT status FROM subscriptions WHERE account_id = 10");
    assert_string_equal(status, "past_due");
    free(status);
    RUN(&r, f->dir, "reconcile", "--db", f->db, "--catalog", plans, "--date", RENEW_DAY);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders WHERE account_id = 10"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges WHERE state = 'approved'"),
                     0);
}

/* Pay now on a past_due reverse-charge subscription: VIES's "not valid"
 * refuses it (exit 3) and nothing changes; valid, it pays with the
 * evidence stored. */
static void test_pay_asks_vies(void **state)
{
    struct fx *f = *state;
    char plans[300], plain[300];
    struct run r;
    snprintf(plain, sizeof plain, "%s/plans", SOURCE_ROOT);
    /* No card on file: the renewal fails, past_due. */
    renew_10(&r, f, plain, RENEW_DAY);
    assert_exit(&r, 0);
    assert_contains(r.out, "past due (no_card)");
    run_clear(&r);
    vies_catalog(f, "invalid", plans, sizeof plans);
    char *before = state_of(f->db);
    RUN(&r, f->dir, "subscription", "pay", "--account", "10", "--product", "gotomeeting",
        "--card", "4242424242424242", "--card-exp", "12/30", "--db", f->db, "--catalog", plans,
        "--date", "2026-12-08", "--lang", "en");
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "VIES says this VAT number is not valid: nothing was charged");
    assert_contains(r.err, "(DE136464502, VIES consultation WAPIAAAAX2)");
    run_clear(&r);
    char *after = state_of(f->db);
    assert_string_equal(after, before);
    free(before);
    free(after);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE action = 'subscription.pay'"
                                    " AND result = 'vat_number_rejected'"
                                    " AND after_json LIKE '%\"consultation\":\"WAPIAAAAX2\"%'"), 1);

    char other[400];
    snprintf(other, sizeof other, "%s/plans/catalog.yaml", f->dir);
    char *text = slurp(other);
    char *at = strstr(text, "fake_vies.sh invalid");
    assert_non_null(at);
    memcpy(at, "fake_vies.sh valid  ", strlen("fake_vies.sh invalid"));
    write_file(other, text);
    free(text);
    time_t t0 = time(NULL);
    RUN(&r, f->dir, "subscription", "pay", "--account", "10", "--product", "gotomeeting",
        "--card", "4242424242424242", "--card-exp", "12/30", "--db", f->db, "--catalog", plans,
        "--date", "2026-12-08", "--lang", "en");
    time_t t1 = time(NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "Account 10, gotomeeting, 2026-12-07 .. 2027-01-07: renewed (order 1),"
                           " charged €36.00, from the balance €0.00\n"
                           "  VAT number DE136464502: valid in VIES (consultation WAPIAAAAW1, ");
    run_clear(&r);
    json_t *v = orders_evidence(f, plans);
    assert_evidence(f, v, "vies", NULL, "WAPIAAAAW1", t0, t1);
    json_decref(v);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges WHERE state = 'approved'"
                                    " AND amount_minor = 3600"), 1);
    char *asked = requests(f);
    assert_string_equal(asked, REQUEST_10 "\n" REQUEST_10 "\n");
    free(asked);
}

/* Add product (a change with no subscription yet) and a cart checkout go
 * through the checkout's path: asked of VIES, refused when not valid,
 * the evidence stored with the order when valid. */
static void test_add_product_and_cart_ask_vies(void **state)
{
    struct fx *f = *state;
    char plans[300];
    struct run r;
    vies_catalog(f, "invalid", plans, sizeof plans);
    RUN(&r, f->dir, "order", "place", "--account", "10", "--product", "gotowebinar", "--to-plan",
        "standard", "--card", "4242424242424242", "--card-exp", "12/30", "--idempotency-key",
        "add-1", "--json", "--db", f->db, "--catalog", plans, "--date", DAY);
    assert_exit(&r, 3);
    json_t *v = parse(r.out);
    run_clear(&r);
    assert_string_equal(jstr(v, "refusal"), "vat_number_rejected");
    json_decref(v);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM subscriptions WHERE account_id = 10"), 1);

    char other[400];
    snprintf(other, sizeof other, "%s/plans/catalog.yaml", f->dir);
    char *text = slurp(other);
    char *at = strstr(text, "fake_vies.sh invalid");
    assert_non_null(at);
    memcpy(at, "fake_vies.sh valid  ", strlen("fake_vies.sh invalid"));
    write_file(other, text);
    free(text);
    RUN(&r, f->dir, "order", "place", "--account", "10", "--product", "gotowebinar", "--to-plan",
        "standard", "--card", "4242424242424242", "--card-exp", "12/30", "--idempotency-key",
        "add-2", "--json", "--db", f->db, "--catalog", plans, "--date", DAY);
    assert_exit(&r, 0);
    v = parse(r.out);
    run_clear(&r);
    json_t *e = json_object_get(v, "vat_check");
    assert_string_equal(jstr(e, "method"), "vies");
    assert_string_equal(jstr(e, "consultation"), "WAPIAAAAW1");
    json_decref(v);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM subscriptions WHERE account_id = 10"), 2);

    /* The cart as the TUI leaves it: GoToMeeting to Business. */
    int64_t sub = sql_int(f->db, "SELECT id FROM subscriptions WHERE account_id = 10"
                                 " AND product = 'gotomeeting'");
    int64_t version = sql_int(f->db, "SELECT version FROM subscriptions WHERE account_id = 10"
                                     " AND product = 'gotomeeting'");
    char sql[300];
    snprintf(sql, sizeof sql,
             "INSERT INTO cart_items(account_id, subscription_id, to_plan, to_seats, to_period,"
             " base_version) VALUES (10, %lld, 'business', 3, 'monthly', %lld)", (long long)sub,
             (long long)version);
    sql_exec(f->db, sql);
    RUN(&r, f->dir, "order", "place", "--account", "10", "--cart", "--card", "4242424242424242",
        "--card-exp", "12/30", "--idempotency-key", "cart-1", "--json", "--db", f->db,
        "--catalog", plans, "--date", DAY);
    assert_exit(&r, 0);
    v = parse(r.out);
    run_clear(&r);
    e = json_object_get(v, "vat_check");
    assert_string_equal(jstr(e, "method"), "vies");
    assert_string_equal(jstr(e, "vat_number"), "DE136464502");
    json_decref(v);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM order_vat_checks v JOIN orders o"
                                    " ON o.id = v.order_id WHERE o.account_id = 10"
                                    " AND v.method = 'vies' AND v.valid = 1"), 2);
    char *asked = requests(f);
    assert_string_equal(asked, REQUEST_10 "\n" REQUEST_10 "\n" REQUEST_10 "\n");
    free(asked);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_in_vies, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_no_client_is_offline, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_client_exit1_is_offline, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_client_garbage_is_offline, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_client_hang_is_offline, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_in_vies_refuses, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_domestic_asks_nothing, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_number_given_at_checkout, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_renew_valid_in_vies, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_renew_client_hang_is_offline, fx_demo_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_renew_no_client_is_offline, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_renew_invalid_in_vies_is_past_due, fx_demo_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_renew_invalid_refunds_a_killed_runs_charge,
                                        fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pay_asks_vies, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_add_product_and_cart_ask_vies, fx_demo_setup,
                                        fx_teardown),
    };
    if (!harness_init(argc, argv, "test_cli_vat"))
        return 2;
    int rc = testdb_run_cases("cli_vat", tests, sizeof tests / sizeof tests[0], NULL, 0, group_setup,
                              group_teardown);
    harness_finish();
    return rc;
}
