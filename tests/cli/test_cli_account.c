/* test_cli_account.c — customers coming in through the real billcenter
 * binary: `account add`, `account edit ID` and `account import FILE`.
 * Every good value is written with its audit row and shown by
 * `account show --json`; every bad one is told in one line with nothing
 * changed (bad usage, exit 2); read-only operators are refused (exit 3);
 * an import is all rows or none, each bad row told as FILE:LINE: message,
 * at 10,000 rows too. Each test works on a private copy of the demo
 * database, on the engine $BC_TEST_ENGINE names (testdb.h). */
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

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s is not a string", key);
    return json_string_value(v);
}

static int64_t accounts(const char *db)
{
    return sql_int(db, "SELECT count(*) FROM accounts");
}

static int64_t audits(const char *db)
{
    return sql_int(db, "SELECT count(*) FROM audit");
}

static void assert_last_audit(const char *db, const char *want)
{
    char *got = sql_text(db, "SELECT action || ' ' || result FROM audit ORDER BY id DESC LIMIT 1");
    assert_string_equal(got, want);
    free(got);
}

/* The first line of stderr starts with `want`. */
static void assert_first_line(const struct run *r, const char *want)
{
    if (strncmp(r->err, want, strlen(want)) != 0)
        fail_msg("stderr does not start with '%s': %s", want, r->err);
}

static void test_add_with_every_field(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *a, *shown;
    int64_t before = accounts(f->db), id;
    char ids[32], *after;

    RUN(&r, f->dir, "account", "add", "--name", "Rossi Srl", "--country", "it", "--currency",
        "EUR", "--kind", "standard", "--vat-number", "00743110157", "--address",
        "Via Roma 1, Milano", "--legal-name", "Rossi S.r.l.", "--contact-name", "Mario Rossi",
        "--contact-email", "mario@rossi.example", "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 0);
    a = parse(r.out);
    run_clear(&r);
    id = json_integer_value(json_object_get(a, "id"));
    assert_true(id > 0);
    assert_int_equal(accounts(f->db), before + 1);
    assert_string_equal(jstr(a, "country"), "IT");
    assert_string_equal(jstr(a, "vat_number"), "IT00743110157");
    assert_string_equal(jstr(a, "legal_name"), "Rossi S.r.l.");
    assert_string_equal(jstr(a, "address"), "Via Roma 1, Milano");
    assert_string_equal(jstr(json_object_get(a, "billing_contact"), "email"), "mario@rossi.example");

    snprintf(ids, sizeof ids, "%lld", (long long)id);
    RUN(&r, f->dir, "account", "show", ids, "--json", "--db", f->db);
    assert_exit(&r, 0);
    shown = parse(r.out);
    run_clear(&r);
    assert_true(json_equal(a, shown));
    assert_string_equal(jstr(json_object_get(shown, "billing_contact"), "name"), "Mario Rossi");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM contacts WHERE role = 'billing'"
                                    " AND email = 'mario@rossi.example'"), 1);
    assert_last_audit(f->db, "account.add ok");
    assert_int_equal(sql_int(f->db, "SELECT before_json IS NULL FROM audit ORDER BY id DESC LIMIT 1"), 1);
    after = sql_text(f->db, "SELECT after_json FROM audit ORDER BY id DESC LIMIT 1");
    assert_contains(after, "\"legal_name\":\"Rossi S.r.l.\"");
    free(after);
    json_decref(a);
    json_decref(shown);

    /* Without --json: the new id alone. */
    RUN(&r, f->dir, "account", "add", "--name", "Acme Inc", "--country", "US", "--currency",
        "USD", "--db", f->db);
    assert_exit(&r, 0);
    snprintf(ids, sizeof ids, "%lld\n", (long long)id + 1);
    assert_string_equal(r.out, ids);
    run_clear(&r);
}

/* One case of bad input to `account add`: exit 2, `want` on the first line
 * of stderr, one line when `one_line`, nothing added and nothing audited. */
static void bad_add(const struct fx *f, const char *want, bool one_line, const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    struct run r;
    int64_t before = accounts(f->db), rows = audits(f->db);

    argv[n++] = "account";
    argv[n++] = "add";
    while (*args)
        argv[n++] = *args++;
    argv[n++] = "--db";
    argv[n++] = f->db;
    argv[n] = NULL;
    run_in(&r, f->dir, NULL, argv);
    assert_exit(&r, 2);
    if (one_line)
        assert_one_error_line(&r);
    assert_first_line(&r, want);
    run_clear(&r);
    assert_int_equal(accounts(f->db), before);
    assert_int_equal(audits(f->db), rows);
}

#define BAD_ADD(f, want, one_line, ...) bad_add((f), (want), (one_line), (const char *const[]){__VA_ARGS__, NULL})

static void test_add_bad_values(void **state)
{
    struct fx *f = *state;

    BAD_ADD(f, "billcenter: account add: country 'XX' is not an ISO 3166-1 two-letter code;"
               " nothing was added", true,
            "--name", "X", "--country", "XX", "--currency", "EUR");
    BAD_ADD(f, "billcenter: --country", true, "--name", "X", "--country", "ITA", "--currency", "EUR");
    BAD_ADD(f, "billcenter: account add: currency 'CHF' is not one of the catalog's currencies;"
               " nothing was added", true,
            "--name", "X", "--country", "CH", "--currency", "CHF");
    BAD_ADD(f, "billcenter: account add: VAT number 'IT00743110157' is not valid for country DE;"
               " nothing was added", true,
            "--name", "X", "--country", "DE", "--currency", "EUR", "--vat-number", "IT00743110157");
    BAD_ADD(f, "billcenter: account add: VAT number '12345' is not valid for country IT", true,
            "--name", "X", "--country", "IT", "--currency", "EUR", "--vat-number", "12345");
    BAD_ADD(f, "billcenter: account add: e-mail 'mario.example.com': An e-mail address needs one @",
            true, "--name", "X", "--country", "IT", "--currency", "EUR", "--contact-name", "M",
            "--contact-email", "mario.example.com");
    BAD_ADD(f, "billcenter: account add: e-mail 'm@example': After the @", true, "--name", "X",
            "--country", "IT", "--currency", "EUR", "--contact-name", "M", "--contact-email",
            "m@example");
    BAD_ADD(f, "billcenter: account add: the name is empty; nothing was added", true,
            "--name", "  ", "--country", "IT", "--currency", "EUR");
    BAD_ADD(f, "billcenter: account add: kind 'gold' is not standard or corporate", true,
            "--name", "X", "--country", "IT", "--currency", "EUR", "--kind", "gold");
    BAD_ADD(f, "billcenter: --name is given twice; give it once", true,
            "--name", "X", "--name", "Y", "--country", "IT", "--currency", "EUR");
    BAD_ADD(f, "billcenter: --name is required", false, "--country", "IT", "--currency", "EUR");
    BAD_ADD(f, "billcenter: --country is required", false, "--name", "X", "--currency", "EUR");
    BAD_ADD(f, "billcenter: --currency is required", false, "--name", "X", "--country", "IT");
    BAD_ADD(f, "billcenter: --contact-name and --contact-email go together", false,
            "--name", "X", "--country", "IT", "--currency", "EUR", "--contact-email", "a@b.example");
    BAD_ADD(f, "billcenter: --to-plan does not apply to 'account add'", false,
            "--name", "X", "--country", "IT", "--currency", "EUR", "--to-plan", "business");
}

static void test_add_email_in_use(void **state)
{
    struct fx *f = *state;
    struct run r;
    char *email = sql_text(f->db, "SELECT email FROM contacts ORDER BY id LIMIT 1");
    int64_t before = accounts(f->db), contacts = sql_int(f->db, "SELECT count(*) FROM contacts");
    char want[400];

    RUN(&r, f->dir, "account", "add", "--name", "X", "--country", "IT", "--currency", "EUR",
        "--contact-name", "Twin", "--contact-email", email, "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    snprintf(want, sizeof want, "billcenter: account add: e-mail '%s' already belongs to a contact;"
             " nothing was added\n", email);
    assert_string_equal(r.err, want);
    run_clear(&r);
    assert_int_equal(accounts(f->db), before);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM contacts"), contacts);
    free(email);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void test_readonly_refused(void **state)
{
    struct fx *f = *state;
    struct run r;
    char csv[400];
    int64_t before, rows;
    char *name;

    sql_exec(f->db, "UPDATE operators SET role = 'readonly';"
                    " INSERT INTO operators VALUES('daemon', 'admin');");
    snprintf(csv, sizeof csv, "%s/in.csv", f->dir);
    write_file(csv, "name,country,currency\nNew,IT,EUR\n");
    before = accounts(f->db);
    rows = audits(f->db);
    name = sql_text(f->db, "SELECT name FROM accounts WHERE id = 1");

    RUN(&r, f->dir, "account", "add", "--name", "X", "--country", "IT", "--currency", "EUR",
        "--db", f->db);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_string_equal(r.err, "billcenter: account add: Read-only operators cannot change anything.\n");
    run_clear(&r);
    assert_int_equal(audits(f->db), ++rows);
    assert_last_audit(f->db, "account.add readonly_operator");

    RUN(&r, f->dir, "account", "edit", "1", "--name", "Renamed", "--db", f->db);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_string_equal(r.err, "billcenter: account edit: Read-only operators cannot change anything.\n");
    run_clear(&r);
    assert_int_equal(audits(f->db), ++rows);
    assert_last_audit(f->db, "account.edit readonly_operator");

    RUN(&r, f->dir, "account", "import", csv, "--db", f->db);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_string_equal(r.err, "billcenter: account import: Read-only operators cannot change anything.\n");
    run_clear(&r);
    assert_int_equal(audits(f->db), ++rows);

    assert_int_equal(accounts(f->db), before);
    char *now = sql_text(f->db, "SELECT name FROM accounts WHERE id = 1");
    assert_string_equal(now, name);
    free(now);
    free(name);
}

static void test_edit_changes_only_what_is_given(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *a;
    char *row_before, *row_after, *audit_before, *audit_after;
    const char *cols = "SELECT name || '|' || kind || '|' || currency || '|' || country || '|' ||"
                       " coalesce(vat_number, '-') || '|' || coalesce(legal_name, '-') || '|' ||"
                       " coalesce(address, '-') FROM accounts WHERE id = 2";
    int64_t rows;

    RUN(&r, f->dir, "account", "edit", "2", "--country", "IT", "--vat-number", "IT00743110157",
        "--address", "Via Roma 1", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    row_before = sql_text(f->db, cols);

    RUN(&r, f->dir, "account", "edit", "2", "--legal-name", "Legal Co S.p.A.", "--json",
        "--db", f->db);
    assert_exit(&r, 0);
    a = parse(r.out);
    run_clear(&r);
    assert_string_equal(jstr(a, "legal_name"), "Legal Co S.p.A.");
    assert_string_equal(jstr(a, "address"), "Via Roma 1");
    assert_string_equal(jstr(a, "vat_number"), "IT00743110157");
    assert_string_equal(jstr(a, "country"), "IT");
    json_decref(a);
    assert_last_audit(f->db, "account.edit ok");
    audit_before = sql_text(f->db, "SELECT before_json FROM audit ORDER BY id DESC LIMIT 1");
    audit_after = sql_text(f->db, "SELECT after_json FROM audit ORDER BY id DESC LIMIT 1");
    assert_contains(audit_before, "\"legal_name\":null");
    assert_contains(audit_after, "\"legal_name\":\"Legal Co S.p.A.\"");
    free(audit_before);
    free(audit_after);
    row_after = sql_text(f->db, cols);
    /* Only the legal name changed. */
    assert_string_not_equal(row_before, row_after);
    assert_non_null(strstr(row_after, "|Legal Co S.p.A.|Via Roma 1"));
    assert_int_equal(strncmp(row_before, row_after, strlen(row_before) - strlen("-|Via Roma 1")), 0);
    free(row_before);

    /* A new country with the kept VAT number is checked together. */
    rows = audits(f->db);
    RUN(&r, f->dir, "account", "edit", "2", "--country", "DE", "--db", f->db);
    assert_exit(&r, 2);
    assert_one_error_line(&r);
    assert_string_equal(r.err, "billcenter: account edit: VAT number 'IT00743110157' is not valid"
                               " for country DE; nothing was changed\n");
    run_clear(&r);
    RUN(&r, f->dir, "account", "edit", "2", "--country", "QQ", "--db", f->db);
    assert_exit(&r, 2);
    assert_one_error_line(&r);
    assert_contains(r.err, "country 'QQ' is not an ISO 3166-1 two-letter code");
    run_clear(&r);
    RUN(&r, f->dir, "account", "edit", "2", "--name", "", "--db", f->db);
    assert_exit(&r, 2);
    assert_one_error_line(&r);
    assert_contains(r.err, "the name is empty");
    run_clear(&r);
    RUN(&r, f->dir, "account", "edit", "2", "--currency", "USD", "--db", f->db);
    assert_exit(&r, 2);
    assert_first_line(&r, "billcenter: --currency does not apply to 'account edit'");
    run_clear(&r);
    RUN(&r, f->dir, "account", "edit", "2", "--db", f->db);
    assert_exit(&r, 2);
    assert_first_line(&r, "billcenter: give at least one field to change");
    run_clear(&r);
    RUN(&r, f->dir, "account", "edit", "abc", "--name", "X", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "account", "edit", "999999", "--name", "X", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    run_clear(&r);
    row_before = sql_text(f->db, cols);
    assert_string_equal(row_before, row_after);
    assert_int_equal(audits(f->db), rows);
    free(row_before);

    /* Together, the country and a VAT number of it; "" clears. */
    RUN(&r, f->dir, "account", "edit", "2", "--country", "DE", "--vat-number", "DE136695976",
        "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    RUN(&r, f->dir, "account", "edit", "2", "--vat-number", "", "--address", "", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT vat_number IS NULL AND address IS NULL AND"
                                    " country = 'DE' FROM accounts WHERE id = 2"), 1);
    free(row_after);
}

/* name,country,currency... rows; `bad_line` (0: none) gets an unknown country. */
static void write_big_csv(const char *path, int rows, int bad_line, const char *tag)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("contact_email,name,currency,country,kind,vat_number,address,legal_name,contact_name\n",
          fp);
    for (int i = 0; i < rows; i++) {
        int line = i + 2;
        fprintf(fp, "%s%d@import.example,\"Customer %s %d, Ltd\",%s,%s,%s,%s,\"Street %d\","
                    "Legal %d,Person %d\n",
                tag, i, tag, i, i % 2 ? "EUR" : "USD", line == bad_line ? "ZZ" : i % 3 ? "IT" : "US",
                i % 5 ? "standard" : "corporate", i % 7 == 0 && i % 3 ? "IT00743110157" : "", i, i,
                i);
    }
    assert_int_equal(fclose(fp), 0);
}

static void test_import_ten_thousand(void **state)
{
    struct fx *f = *state;
    struct run r;
    char path[400], want[1200], last[32];
    int64_t before = accounts(f->db), max_id = sql_int(f->db, "SELECT max(id) FROM accounts");
    json_t *a;

    snprintf(path, sizeof path, "%s/bad.csv", f->dir);
    write_big_csv(path, 10000, 7342, "b");
    RUN(&r, f->dir, "account", "import", path, "--db", f->db);
    assert_exit(&r, 1);
    snprintf(want, sizeof want, "%s:7342: country 'ZZ' is not an ISO 3166-1 two-letter code\n"
             "billcenter: account import: 1 bad row in %s; nothing was imported\n", path, path);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    run_clear(&r);
    assert_int_equal(accounts(f->db), before);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM contacts WHERE email LIKE"
                                    " '%@import.example'"), 0);

    snprintf(path, sizeof path, "%s/good.csv", f->dir);
    write_big_csv(path, 10000, 0, "g");
    RUN(&r, f->dir, "account", "import", path, "--db", f->db);
    assert_exit(&r, 0);
    snprintf(want, sizeof want, "10000 accounts imported (%lld to %lld).\n",
             (long long)max_id + 1, (long long)max_id + 10000);
    assert_string_equal(r.out, want);
    run_clear(&r);
    assert_int_equal(accounts(f->db), before + 10000);

    snprintf(last, sizeof last, "%lld", (long long)max_id + 10000);
    RUN(&r, f->dir, "account", "show", last, "--json", "--db", f->db);
    assert_exit(&r, 0);
    a = parse(r.out);
    run_clear(&r);
    assert_string_equal(jstr(a, "name"), "Customer g 9999, Ltd");
    assert_string_equal(jstr(a, "country"), "US");
    assert_string_equal(jstr(a, "currency"), "EUR");
    assert_string_equal(jstr(a, "address"), "Street 9999");
    assert_string_equal(jstr(json_object_get(a, "billing_contact"), "email"), "g9999@import.example");
    json_decref(a);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE action = 'account.add'"), 10000);

    /* The same file again: every e-mail is taken now, nothing is imported. */
    RUN(&r, f->dir, "account", "import", path, "--db", f->db);
    assert_exit(&r, 1);
    assert_contains(r.err, ":2: e-mail 'g0@import.example' already belongs to a contact\n");
    assert_contains(r.err, "10000 bad rows");
    run_clear(&r);
    assert_int_equal(accounts(f->db), before + 10000);
}

static void test_import_bad_files(void **state)
{
    struct fx *f = *state;
    struct run r;
    char path[400], want[3000];
    int64_t before = accounts(f->db), rows = audits(f->db);

    snprintf(path, sizeof path, "%s/x.csv", f->dir);
    write_file(path, "name,country,currency,colour\nA,IT,EUR,red\n");
    RUN(&r, f->dir, "account", "import", path, "--db", f->db);
    assert_exit(&r, 1);
    snprintf(want, sizeof want, "%s:1: unknown column 'colour'", path);
    assert_first_line(&r, want);
    run_clear(&r);

    write_file(path, "name,country\nA,IT\n");
    RUN(&r, f->dir, "account", "import", path, "--db", f->db);
    assert_exit(&r, 1);
    snprintf(want, sizeof want, "%s:1: the header has no 'currency' column", path);
    assert_first_line(&r, want);
    run_clear(&r);

    /* Every bad row is told, in the file's order where it can be. */
    write_file(path, "name,country,currency,contact_name,contact_email\n"
                     "Good,IT,EUR,Ann,ann@one.example\n"
                     "Short,IT\n"
                     "\"Multi\nline\",IT,XYZ,,\n"
                     "Twin,IT,EUR,Ann,ANN@one.example\n"
                     ",IT,EUR,,\n");
    RUN(&r, f->dir, "account", "import", path, "--db", f->db);
    assert_exit(&r, 1);
    snprintf(want, sizeof want,
             "%s:3: 2 fields where the header has 5\n"
             "%s:4: currency 'XYZ' is not one of the catalog's currencies\n"
             "%s:7: the name is empty\n"
             "%s:6: e-mail 'ANN@one.example' is already on line 2\n"
             "billcenter: account import: 4 bad rows in %s; nothing was imported\n",
             path, path, path, path, path);
    assert_string_equal(r.err, want);
    run_clear(&r);

    write_file(path, "name,country,currency\n\"Open,IT,EUR\n");
    RUN(&r, f->dir, "account", "import", path, "--db", f->db);
    assert_exit(&r, 1);
    snprintf(want, sizeof want, "%s:2: ", path);
    assert_first_line(&r, want);
    run_clear(&r);

    RUN(&r, f->dir, "account", "import", "/nonexistent/file.csv", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, "No such file or directory");
    run_clear(&r);

    RUN(&r, f->dir, "account", "import", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);

    assert_int_equal(accounts(f->db), before);
    assert_int_equal(audits(f->db), rows);

    /* Columns in another order, quoted commas, a CRLF file. */
    write_file(path, "currency,name,country\r\nGBP,\"Smith, Jones & Co\",gb\r\n");
    RUN(&r, f->dir, "account", "import", path, "--json", "--db", f->db);
    assert_exit(&r, 0);
    json_t *o = parse(r.out);
    run_clear(&r);
    assert_int_equal(json_integer_value(json_object_get(o, "imported")), 1);
    json_decref(o);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM accounts WHERE name = 'Smith, Jones & Co'"
                                    " AND country = 'GB' AND currency = 'GBP'"), 1);
}

static void test_help(void **state)
{
    struct fx *f = *state;
    static const char *const cmds[] = {"add", "edit", "import"};
    struct run r;

    for (size_t i = 0; i < 3; i++) {
        RUN(&r, f->dir, "account", cmds[i], "--help");
        assert_exit(&r, 0);
        assert_contains(r.out, "usage: billcenter account ");
        assert_contains(r.out, cmds[i]);
        run_clear(&r);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_with_every_field, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_add_bad_values, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_add_email_in_use, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_readonly_refused, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_edit_changes_only_what_is_given, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_import_ten_thousand, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_import_bad_files, fx_demo_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_help, fx_setup, fx_teardown),
    };
    if (!harness_init(argc, argv, "test_cli_account"))
        return 2;
    int rc = testdb_run_cases("cli_account", tests, sizeof tests / sizeof tests[0], NULL, 0, group_setup,
                              group_teardown);
    harness_finish();
    return rc;
}
