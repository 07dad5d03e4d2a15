/* test_cli_invoice.c — fiscal documents through the real billcenter binary
 * (SPEC §9): `order place` naming the document it issued, `invoices`,
 * `invoice show` in each format (the stored JSON and XML byte for byte, the
 * text in either language, the PDF on either paper), `invoice send` to hook
 * commands that accept, reject, fail or hang (each reply recorded, what was
 * accepted never sent again, the rest tried again), an account's billing
 * profile given and checked, and an order refused when its document could
 * not be made. Each test works on a private copy of the demo database
 * (today 2026-11-25). */
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

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s is not a string", key);
    return json_string_value(v);
}

static int64_t jint(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", key);
    return (int64_t)json_integer_value(v);
}

/* SPEC §3's worked example on account 1: invoice 2026/000001 of 61.00. */
static void place_worked_example(struct fx *f)
{
    struct run r;
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "cli-inv-1", "--db", f->db, "--date", DAY, "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "Invoice: 2026/000001");
    run_clear(&r);
}

static void test_order_names_its_document(void **state)
{
    struct fx *f = *state;
    struct run r;
    place_worked_example(f);
    /* A seat reduction with credit left over: a credit note. */
    RUN(&r, f->dir, "order", "place", "--account", "9", "--product", "gotomeeting", "--to-seats",
        "10", "--idempotency-key", "cli-inv-2", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    json_t *v = parse(r.out);
    assert_string_equal(jstr(v, "document"), "NC 2026/000001");
    json_decref(v);
    run_clear(&r);
    RUN(&r, f->dir, "--lang", "it", "order", "place", "--account", "9", "--product", "gotomeeting",
        "--to-seats", "10", "--idempotency-key", "cli-inv-2", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    assert_contains(r.out, "Nota di credito: NC 2026/000001");
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM documents"), 2);

    RUN(&r, f->dir, "invoices", "9", "--json", "--db", f->db);
    assert_exit(&r, 0);
    v = parse(r.out);
    assert_int_equal(json_array_size(v), 1);
    json_t *d = json_array_get(v, 0);
    assert_string_equal(jstr(d, "number"), "NC 2026/000001");
    assert_string_equal(jstr(d, "kind"), "credit_note");
    assert_string_equal(jstr(d, "type"), "TD04");
    assert_string_equal(jstr(d, "date"), DAY);
    assert_int_equal(jint(d, "total_minor"),
                     sql_int(f->db, "SELECT -total_minor FROM orders WHERE idempotency_key = 'cli-inv-2'"));
    assert_string_equal(jstr(json_object_get(d, "sent"), "sdi"), "none");
    json_decref(v);
    run_clear(&r);
    RUN(&r, f->dir, "invoices", "1", "--db", f->db, "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "2026/000001");
    assert_contains(r.out, "€61.00");
    assert_contains(r.out, "not sent");
    run_clear(&r);
    RUN(&r, f->dir, "invoices", "3", "--db", f->db, "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "no invoices");
    run_clear(&r);
}

static void test_invoice_show_formats(void **state)
{
    struct fx *f = *state;
    struct run r;
    char path[400];
    place_worked_example(f);

    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--db", f->db, "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "Invoice 2026/000001");
    assert_contains(r.out, "Rossi Consulting S.r.l.");
    assert_contains(r.out, "€61.00");
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--db", f->db, "--lang", "it");
    assert_exit(&r, 0);
    assert_contains(r.out, "Fattura 2026/000001");
    assert_contains(r.out, "61,00 €");
    run_clear(&r);

    /* JSON and XML: what the store froze, byte for byte. */
    char *model = sql_text(f->db, "SELECT model FROM documents WHERE number = '2026/000001'");
    char *xml = sql_text(f->db, "SELECT fatturapa FROM documents WHERE number = '2026/000001'");
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--json", "--db", f->db);
    assert_exit(&r, 0);
    assert_string_equal(r.out, model);
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--format", "json", "--db", f->db);
    assert_exit(&r, 0);
    assert_string_equal(r.out, model);
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--xml", "--db", f->db);
    assert_exit(&r, 0);
    assert_string_equal(r.out, xml);
    run_clear(&r);
    snprintf(path, sizeof path, "%s/fattura.xml", f->dir);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--format", "fatturapa", "-o", path,
        "--db", f->db);
    assert_exit(&r, 0);
    assert_string_equal(r.out, "");
    char *file = slurp(path);
    assert_string_equal(file, xml);
    free(file);
    run_clear(&r);

    /* The PDF, to a file, on the paper asked for. */
    snprintf(path, sizeof path, "%s/fattura.pdf", f->dir);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--pdf", path, "--paper", "letter",
        "--db", f->db);
    assert_exit(&r, 0);
    file = slurp(path);
    assert_memory_equal(file, "%PDF-", 5);
    free(file);
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--format", "pdf", "--db", f->db);
    assert_exit(&r, 2);
    assert_contains(r.err, "a PDF goes to a file");
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--xml", "--json", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--format", "docx", "--db", f->db);
    assert_exit(&r, 2);
    assert_one_error_line(&r);
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000001", "--pdf", path, "--paper", "a5", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "invoice", "show", "2026/000042", "--db", f->db, "--lang", "en");
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, "no such invoice");
    run_clear(&r);
    free(model);
    free(xml);
}

/* ------------------------------------------------------------ invoice send */

/* A hook that keeps each request (calls/<name>.N) and answers as
 * <name>.mode says: accept, reject, fail (exit 3), garbage, hang. */
static void write_hook(const struct fx *f, const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s.sh", f->dir, name);
    FILE *h = fopen(path, "w");
    assert_non_null(h);
    fprintf(h,
            "#!/bin/sh\n"
            "d='%s'\n"
            "n=$(ls \"$d/calls\" | grep -c '^%s\\.')\n"
            "cat > \"$d/calls/%s.$n\"\n"
            "case $(cat \"$d/%s.mode\") in\n"
            "accept) echo '{\"status\": \"accepted\", \"id\": \"%s-'$n'\"}' ;;\n"
            "reject) echo '{\"status\": \"rejected\", \"message\": \"name already used\"}' ;;\n"
            "garbage) echo 'all good' ;;\n"
            "hang) exec sleep 30 ;;\n"
            "*) exit 3 ;;\n"
            "esac\n",
            f->dir, name, name, name, name);
    fclose(h);
    chmod(path, 0700);
}

static void set_mode(const struct fx *f, const char *name, const char *mode)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s.mode", f->dir, name);
    FILE *m = fopen(path, "w");
    assert_non_null(m);
    fprintf(m, "%s\n", mode);
    fclose(m);
}

static int calls(const struct fx *f, const char *name)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls '%s/calls' | grep -c '^%s\\.'", f->dir, name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int n = -1;
    if (fscanf(p, "%d", &n) != 1)
        n = -1;
    pclose(p);
    return n;
}

/* plans/ copied with the two hooks configured. */
static void hook_catalog(const struct fx *f, char *dir, size_t size)
{
    char cmd[4096];
    snprintf(dir, size, "%s/plans", f->dir);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/calls' && cp -r plans '%s' && printf 'documents: {send_command: \"%s/mail.sh\"}\\n"
             "sdi: {command: \"%s/sdi.sh\", timeout_ms: 1000}\\n' >> '%s/catalog.yaml'",
             f->dir, dir, f->dir, f->dir, dir);
    assert_int_equal(system(cmd), 0);
    write_hook(f, "mail");
    write_hook(f, "sdi");
}

static json_t *send_json(const struct fx *f, const char *catalog, int expect_exit)
{
    struct run r;
    RUN(&r, f->dir, "invoice", "send", "--json", "--catalog", catalog, "--db", f->db, "--date", DAY);
    assert_exit(&r, expect_exit);
    json_t *v = parse(r.out);
    run_clear(&r);
    return v;
}

static void test_invoice_send(void **state)
{
    struct fx *f = *state;
    char catalog[400], path[512];
    hook_catalog(f, catalog, sizeof catalog);
    place_worked_example(f);

    /* The e-mail goes, the SdI intermediary fails: exit 1, both recorded. */
    set_mode(f, "mail", "accept");
    set_mode(f, "sdi", "fail");
    json_t *v = send_json(f, catalog, 1);
    assert_int_equal(jint(v, "accepted"), 1);
    assert_int_equal(jint(v, "failed"), 1);
    json_t *a = json_object_get(v, "attempts");
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(jstr(json_array_get(a, 0), "channel"), "send");
    assert_string_equal(jstr(json_array_get(a, 0), "status"), "accepted");
    assert_string_equal(jstr(json_array_get(a, 0), "reply_id"), "mail-0");
    assert_string_equal(jstr(json_array_get(a, 1), "channel"), "sdi");
    assert_string_equal(jstr(json_array_get(a, 1), "status"), "failed");
    json_decref(v);
    assert_int_equal(calls(f, "mail"), 1);
    assert_int_equal(calls(f, "sdi"), 1);

    /* What each command was handed. */
    snprintf(path, sizeof path, "%s/calls/mail.0", f->dir);
    char *text = slurp(path);
    v = parse(text);
    assert_string_equal(jstr(v, "channel"), "send");
    assert_string_equal(jstr(v, "key"), "2026/000001:send");
    assert_string_equal(jstr(v, "number"), "2026/000001");
    assert_string_equal(json_string_value(json_array_get(json_object_get(v, "recipients"), 0)),
                        "maria.rossi@example.it");
    assert_int_equal(jint(json_object_get(v, "document"), "total_minor"), 6100);
    assert_true(strncmp(jstr(v, "pdf_base64"), "JVBERi0", 7) == 0);   /* "%PDF-" */
    json_decref(v);
    free(text);
    snprintf(path, sizeof path, "%s/calls/sdi.0", f->dir);
    text = slurp(path);
    v = parse(text);
    assert_string_equal(jstr(v, "file_name"), "IT12345670157_00001.xml");
    char *xml = sql_text(f->db, "SELECT fatturapa FROM documents WHERE number = '2026/000001'");
    assert_string_equal(jstr(v, "xml"), xml);
    free(xml);
    json_decref(v);
    free(text);

    /* The next run: the e-mail is not sent again, the SdI is tried again. */
    set_mode(f, "sdi", "hang");
    v = send_json(f, catalog, 1);
    a = json_object_get(v, "attempts");
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(jstr(json_array_get(a, 0), "channel"), "sdi");
    assert_int_equal(jint(json_array_get(a, 0), "attempt"), 2);
    assert_string_equal(jstr(json_array_get(a, 0), "message"), "no reply within the timeout");
    json_decref(v);
    set_mode(f, "sdi", "garbage");
    v = send_json(f, catalog, 1);
    a = json_object_get(v, "attempts");
    assert_string_equal(jstr(json_array_get(a, 0), "status"), "failed");
    assert_string_equal(jstr(json_array_get(a, 0), "message"), "the reply is not JSON");
    json_decref(v);
    set_mode(f, "sdi", "reject");
    v = send_json(f, catalog, 1);
    a = json_object_get(v, "attempts");
    assert_string_equal(jstr(json_array_get(a, 0), "status"), "rejected");
    assert_string_equal(jstr(json_array_get(a, 0), "message"), "name already used");
    json_decref(v);
    set_mode(f, "sdi", "accept");
    v = send_json(f, catalog, 0);
    assert_int_equal(jint(v, "accepted"), 1);
    assert_int_equal(jint(json_array_get(json_object_get(v, "attempts"), 0), "attempt"), 5);
    json_decref(v);
    assert_int_equal(calls(f, "mail"), 1);
    assert_int_equal(calls(f, "sdi"), 5);

    /* Accepted on both: never again, also when named. */
    v = send_json(f, catalog, 0);
    assert_int_equal(json_array_size(json_object_get(v, "attempts")), 0);
    json_decref(v);
    struct run r;
    RUN(&r, f->dir, "invoice", "send", "2026/000001", "--catalog", catalog, "--db", f->db,
        "--date", DAY, "--lang", "en");
    assert_exit(&r, 0);
    assert_contains(r.out, "accepted");
    run_clear(&r);
    assert_int_equal(calls(f, "mail"), 1);
    assert_int_equal(calls(f, "sdi"), 5);

    /* Every attempt and its reply, append-only. */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM document_sends WHERE channel = 'sdi'"
                                    " AND status = 'sending'"), 5);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM document_sends WHERE channel = 'sdi'"
                                    " AND status <> 'sending'"), 5);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM document_sends WHERE status = 'accepted'"), 2);
    char *reply = sql_text(f->db, "SELECT reply FROM document_sends WHERE channel = 'sdi'"
                                  " AND status = 'accepted'");
    assert_string_equal(reply, "{\"id\":\"sdi-4\",\"status\":\"accepted\"}");
    free(reply);
    RUN(&r, f->dir, "invoices", "1", "--json", "--db", f->db);
    v = parse(r.out);
    assert_string_equal(jstr(json_object_get(json_array_get(v, 0), "sent"), "send"), "accepted");
    assert_string_equal(jstr(json_object_get(json_array_get(v, 0), "sent"), "sdi"), "accepted");
    json_decref(v);
    run_clear(&r);

    /* No hook configured: nothing can be sent. */
    RUN(&r, f->dir, "invoice", "send", "--db", f->db, "--date", DAY, "--lang", "en");
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, "sdi.command");
    run_clear(&r);
}

/* ------------------------------------------------------------ billing profile */

static void test_account_billing_profile(void **state)
{
    struct fx *f = *state;
    struct run r;
    RUN(&r, f->dir, "account", "add", "--name", "Neri Sas", "--country", "IT", "--currency", "EUR",
        "--tax-code", "rss mra 85t10 a562s", "--street", "Via Po", "--number", "3", "--postcode",
        "10124", "--city", "Torino", "--province", "to", "--sdi-code", "abc1234", "--json",
        "--db", f->db);
    assert_exit(&r, 0);
    json_t *v = parse(r.out);
    json_t *p = json_object_get(v, "billing_profile");
    assert_string_equal(jstr(p, "tax_code"), "RSSMRA85T10A562S");
    assert_string_equal(jstr(p, "sdi_code"), "ABC1234");
    assert_string_equal(jstr(p, "province"), "TO");
    assert_string_equal(jstr(p, "postcode"), "10124");
    assert_true(json_is_null(json_object_get(p, "pec")));
    int64_t id = jint(v, "id");
    json_decref(v);
    run_clear(&r);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);

    static const char *const bad[][2] = {
        {"--tax-code", "RSSMRA85T10A562X"}, {"--pec", "not an address"}, {"--sdi-code", "12"},
        {"--postcode", "1012"}, {"--province", "Torino"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        RUN(&r, f->dir, "account", "edit", ids, bad[i][0], bad[i][1], "--db", f->db);
        assert_exit(&r, 2);
        assert_one_error_line(&r);
        assert_contains(r.err, bad[i][1]);
        run_clear(&r);
    }
    /* A codice fiscale is Italian. */
    RUN(&r, f->dir, "account", "add", "--name", "X", "--country", "DE", "--currency", "EUR",
        "--tax-code", "RSSMRA85T10A562S", "--db", f->db);
    assert_exit(&r, 2);
    assert_contains(r.err, "Italian");
    run_clear(&r);
    /* An edit changes the field given, "" clears one. */
    RUN(&r, f->dir, "account", "edit", ids, "--pec", "neri@pec.example.it", "--sdi-code", "",
        "--json", "--db", f->db);
    assert_exit(&r, 0);
    v = parse(r.out);
    p = json_object_get(v, "billing_profile");
    assert_string_equal(jstr(p, "pec"), "neri@pec.example.it");
    assert_true(json_is_null(json_object_get(p, "sdi_code")));
    assert_string_equal(jstr(p, "city"), "Torino");
    json_decref(v);
    run_clear(&r);
}

/* An order whose document could not be made is refused, saying why, and
 * nothing is charged or numbered. */
static void test_order_refused_without_profile(void **state)
{
    struct fx *f = *state;
    struct run r;
    sql_exec(f->db, "UPDATE accounts SET street = NULL WHERE id = 1");
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "cli-noaddr", "--db", f->db, "--date", DAY, "--lang", "en");
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "billing information");
    assert_contains(r.err, "street");
    run_clear(&r);
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "cli-noaddr", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    json_t *v = parse(r.out);
    assert_string_equal(jstr(v, "refusal"), "billing_profile_incomplete");
    assert_string_equal(jstr(v, "document_problem"),
                        "customer: the address needs a street and a city");
    json_decref(v);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM documents"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges"), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_names_its_document, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_invoice_show_formats, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_invoice_send, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_account_billing_profile, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_order_refused_without_profile, fx_demo_setup, fx_teardown),
    };
    if (!harness_init(argc, argv, "test_cli_invoice"))
        return 2;
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    harness_finish();
    return rc;
}
