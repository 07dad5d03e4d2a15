/* test_testdb.c — the test database helper itself (testdb.h) on the engine
 * $BC_TEST_ENGINE names, without billcenter's store: new, copied and dropped
 * databases, the SQL both engines accept, text parameters byte for byte,
 * the fingerprint that proves "nothing changed", the integrity check. Its
 * -pg run also proves that the harness reaches the server with_pg.sh
 * started (and fails when it cannot). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testdb.h"

struct fx {
    char db[512];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    assert_non_null(f);
    testdb_new(f->db, sizeof f->db);
    /* SQLite's raw connections open existing files only; an empty file is
     * an empty database (a PostgreSQL one exists already). */
    if (testdb_engine() == TESTDB_SQLITE) {
        FILE *file = fopen(f->db, "w");
        assert_non_null(file);
        fclose(file);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    assert_true(testdb_drop(f->db));
    free(f);
    return 0;
}

static const char *const schema =
    "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount_minor BIGINT);"
    "CREATE INDEX t_name ON t(name);"
    "INSERT INTO t(id, name, amount_minor) VALUES(1, 'uno', 100), (2, 'due', NULL),"
    " (3, 'tre', -250);";

static void engine_and_target_agree(void **state)
{
    struct fx *f = *state;
    const char *want = getenv("BC_TEST_ENGINE");

    assert_string_equal(testdb_engine_name(), want && *want ? want : "sqlite");
    assert_int_equal(testdb_target_is_pg(f->db), testdb_engine() == TESTDB_PG);
    /* New means empty. */
    assert_int_equal(testdb_has_schema(f->db), 0);
}

static void integers_texts_and_rows(void **state)
{
    struct fx *f = *state;

    testdb_raw_exec(f->db, schema);
    assert_int_equal(testdb_has_schema(f->db), 1);
    assert_int_equal(testdb_q1(f->db, "SELECT count(*) FROM t"), 3);
    assert_int_equal(testdb_q1(f->db, "SELECT sum(amount_minor) FROM t"), -150);
    assert_int_equal(testdb_q1(f->db, "SELECT amount_minor FROM t WHERE id = 2"), 0); /* NULL */
    assert_int_equal(testdb_q1(f->db, "SELECT id FROM t WHERE id = 9"), -1);          /* none */
    assert_int_equal(testdb_q1(f->db, "SELECT count(*) = 3 FROM t"), 1);              /* boolean */
    assert_int_equal(testdb_q1(f->db, "SELECT CASE WHEN 2 > 1 THEN 7 ELSE 0 END"), 7);
    char *s = testdb_q1_text(f->db, "SELECT name FROM t WHERE id = 3");
    assert_string_equal(s, "tre");
    free(s);
    s = testdb_q1_text(f->db, "SELECT name FROM t WHERE id = 9");
    assert_string_equal(s, "");
    free(s);
    /* A read-only connection refuses to write. */
    struct testdb_conn *c = testdb_connect(f->db, false);
    assert_non_null(c);
    assert_false(testdb_conn_exec(c, "DELETE FROM t"));
    assert_true(strlen(testdb_conn_error(c)) > 0);
    int64_t v = 0;
    assert_int_equal(testdb_conn_int(c, "SELECT nosuchcolumn FROM t", &v), -1);
    testdb_disconnect(c);
    assert_int_equal(testdb_sql_int(f->db, "SELECT nosuchcolumn FROM t", -42), -42);
    assert_int_equal(testdb_q1(f->db, "SELECT count(*) FROM t"), 3);
}

static int collect(void *ctx, int ncols, char **values, char **names)
{
    char *buf = ctx;
    size_t len = strlen(buf);

    for (int k = 0; k < ncols; k++)
        len += (size_t)snprintf(buf + len, 512 - len, "%s=%s%s", names[k],
                                values[k] ? values[k] : "NULL", k + 1 < ncols ? "," : ";");
    return 0;
}

static void rows_in_order_with_nulls(void **state)
{
    struct fx *f = *state;
    char out[512] = "";

    testdb_raw_exec(f->db, schema);
    testdb_dump(f->db, "SELECT id, name, amount_minor FROM t ORDER BY id", collect, out);
    assert_string_equal(out, "id=1,name=uno,amount_minor=100;id=2,name=due,amount_minor=NULL;"
                             "id=3,name=tre,amount_minor=-250;");
}

static void parameters_bound_as_bytes(void **state)
{
    struct fx *f = *state;
    /* Quotes, a semicolon, an escape sequence: data, never SQL. */
    const char *vals[] = {"4", "Robert'); DROP TABLE t;--\x1b[31m"};

    testdb_raw_exec(f->db, schema);
    testdb_raw_exec_params(f->db, "INSERT INTO t(id, name) VALUES(CAST($1 AS INTEGER), $2)", 2,
                           vals);
    assert_int_equal(testdb_q1(f->db, "SELECT count(*) FROM t"), 4);
    char *s = testdb_q1_text(f->db, "SELECT name FROM t WHERE id = 4");
    assert_string_equal(s, vals[1]);
    free(s);
    char quoted[128];
    assert_true(testdb_quote("it's", quoted, sizeof quoted));
    assert_string_equal(quoted, "'it''s'");
    assert_false(testdb_quote("too long for two", quoted, 8));
}

static void fingerprint_sees_every_change(void **state)
{
    struct fx *f = *state;
    const char *const skip_t[] = {"t", NULL};

    testdb_raw_exec(f->db, schema);
    testdb_raw_exec(f->db, "CREATE TABLE log(id INTEGER PRIMARY KEY, what TEXT)");
    uint64_t h0 = testdb_hash(f->db, NULL), h0_skip = testdb_hash(f->db, skip_t);
    assert_int_not_equal(h0, 0);
    assert_int_equal(testdb_hash(f->db, NULL), h0);               /* stable */
    testdb_raw_exec(f->db, "UPDATE t SET amount_minor = 101 WHERE id = 1");
    uint64_t h1 = testdb_hash(f->db, NULL);
    assert_int_not_equal(h1, h0);                                  /* a value */
    assert_int_equal(testdb_hash(f->db, skip_t), h0_skip);        /* skipped table */
    testdb_raw_exec(f->db, "UPDATE t SET amount_minor = 100 WHERE id = 1");
    assert_int_equal(testdb_hash(f->db, NULL), h0);               /* back as it was */
    testdb_raw_exec(f->db, "UPDATE t SET amount_minor = NULL WHERE id = 1");
    assert_int_not_equal(testdb_hash(f->db, NULL), h0);           /* NULL is not 100 */
    testdb_raw_exec(f->db, "UPDATE t SET amount_minor = 100 WHERE id = 1;"
                           "INSERT INTO log(id, what) VALUES(1, 'x')");
    assert_int_not_equal(testdb_hash(f->db, NULL), h0);           /* a row */
    testdb_raw_exec(f->db, "DELETE FROM log; CREATE INDEX t_amount ON t(amount_minor)");
    assert_int_not_equal(testdb_hash(f->db, NULL), h0);           /* the schema */
}

static void integrity_and_copies(void **state)
{
    struct fx *f = *state;
    char copy[512];

    testdb_raw_exec(f->db, schema);
    testdb_assert_integrity(f->db);
    testdb_clone(f->db, NULL, NULL, copy, sizeof copy);
    assert_string_not_equal(copy, f->db);
    assert_int_equal(testdb_hash(copy, NULL), testdb_hash(f->db, NULL));
    testdb_raw_exec(copy, "DELETE FROM t WHERE id = 1");
    assert_int_equal(testdb_q1(copy, "SELECT count(*) FROM t"), 2);
    assert_int_equal(testdb_q1(f->db, "SELECT count(*) FROM t"), 3);   /* the original stays */
    testdb_assert_integrity(copy);
    assert_true(testdb_drop(copy));
    assert_int_equal(testdb_has_schema(copy), 0);
    assert_true(testdb_drop(copy));                                    /* gone is fine */
    assert_null(testdb_connect(copy, false));
}

/* On PostgreSQL: the server really is a separate process; stopping it
 * makes connections fail (no silent fallback), starting it brings the
 * data back. */
static void server_stop_and_start(void **state)
{
    struct fx *f = *state;

    testdb_raw_exec(f->db, schema);
    assert_true(testdb_server("stop immediate"));
    assert_null(testdb_connect(f->db, false));
    assert_int_equal(testdb_has_schema(f->db), -1);
    assert_true(testdb_server("start"));
    assert_int_equal(testdb_q1(f->db, "SELECT count(*) FROM t"), 3);
}

static void sqlite_has_no_server(void **state)
{
    (void)state;
    assert_false(testdb_server("start"));
}

int main(void)
{
    const struct CMUnitTest both[] = {
        cmocka_unit_test_setup_teardown(engine_and_target_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(integers_texts_and_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_in_order_with_nulls, setup, teardown),
        cmocka_unit_test_setup_teardown(parameters_bound_as_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(fingerprint_sees_every_change, setup, teardown),
        cmocka_unit_test_setup_teardown(integrity_and_copies, setup, teardown),
    };
    const struct CMUnitTest sqlite_only[] = {
        cmocka_unit_test(sqlite_has_no_server),
    };
    const struct CMUnitTest pg_only[] = {
        cmocka_unit_test_setup_teardown(server_stop_and_start, setup, teardown),
    };
    if (testdb_engine() == TESTDB_PG) {
        struct CMUnitTest all[sizeof both / sizeof both[0] + 1];
        memcpy(all, both, sizeof both);
        all[sizeof both / sizeof both[0]] = pg_only[0];
        return cmocka_run_group_tests_name("testdb (pg)", all, NULL, NULL);
    }
    return TESTDB_RUN(both, sqlite_only, NULL, NULL);
}
