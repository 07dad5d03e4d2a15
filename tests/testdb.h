/* testdb.h — the tests' one way to the database under test, whichever engine
 * runs it: SQLite (a file) or PostgreSQL (a database on the server that
 * tests/pg/with_pg.sh started). It picks the engine from $BC_TEST_ENGINE,
 * makes, copies and drops databases, and runs the tests' own SQL — written in
 * the SQL both engines accept — on a connection of its own. A "target" is
 * what billcenter's --db and store_open take: a file path, or a libpq
 * conninfo.
 *
 * The first part reports errors (plain TAP harnesses and forked workers use
 * it); the second (testdb_check.c, include after <cmocka.h>) asserts, and
 * the third (testdb_store.c) runs SQL on a store's own connection. */
#ifndef BC_TESTDB_H
#define BC_TESTDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- engine */

enum testdb_engine { TESTDB_SQLITE, TESTDB_PG };

/* $BC_TEST_ENGINE: "sqlite" (also when unset or empty) or "pg". Anything
 * else, or "pg" without $BC_TEST_PG, ends the program with exit 1 and one
 * line on stderr: a -pg test must fail, never pass by running on SQLite. */
enum testdb_engine testdb_engine(void);
const char *testdb_engine_name(void);           /* "sqlite" or "pg" */
/* Whether a target names a PostgreSQL database (a conninfo or URI). */
bool testdb_target_is_pg(const char *target);

/* The last error of a call below that returned failure (static buffer). */
const char *testdb_error(void);

/* ---------------------------------------------------------------- databases */

/* The target of a new, empty database (no billcenter schema yet) into buf.
 * SQLite: the path DIR/NAME, which does not exist yet (dir NULL: a new
 * temporary directory, which testdb_drop removes; name NULL: billcenter.db).
 * PostgreSQL: CREATE DATABASE bc_<pid>_<n> on the server, its conninfo (dir
 * and name unused). False (testdb_error) when it cannot be made. */
bool testdb_fresh_in(const char *dir, const char *name, char *buf, size_t n);
bool testdb_fresh(char *buf, size_t n);
/* A copy of the database `from` (no one may be writing it): SQLite copies
 * the file and its -wal to DIR/NAME; PostgreSQL makes a new database from
 * it as a template. */
bool testdb_copy(const char *from, const char *dir, const char *name, char *buf, size_t n);
/* Removes the database (SQLite: the file, its -wal, -shm and -journal, and
 * the directory testdb_fresh made for it; PostgreSQL: DROP DATABASE, ending
 * its sessions). A database that is already gone is not an error. */
bool testdb_drop(const char *target);

/* PostgreSQL only: `start`, `stop immediate`, ... of the test server through
 * $BC_TEST_PG_SERVER (tests/pg/pg_server.sh). False on SQLite or failure. */
bool testdb_server(const char *action);

/* ---------------------------------------------------------------- SQL */

struct testdb_conn;

/* A connection of the test's own. SQLite: the file must exist; busy
 * timeout 10 s; `write` false opens it read-only. PostgreSQL: `write`
 * false makes every transaction read-only. NULL (testdb_error) on failure. */
struct testdb_conn *testdb_connect(const char *target, bool write);
void testdb_disconnect(struct testdb_conn *c);   /* accepts NULL */
/* The connection's last error message (borrowed). */
const char *testdb_conn_error(const struct testdb_conn *c);

/* Runs one or more statements. */
bool testdb_conn_exec(struct testdb_conn *c, const char *sql);
/* Runs one statement with text parameters $1..$n (both engines read "$1";
 * each value is bound as text, byte for byte). */
bool testdb_conn_exec_params(struct testdb_conn *c, const char *sql, int n,
                             const char *const vals[]);
/* The first column of the first row as an integer into *out: 1 when there
 * was a row, 0 when none, -1 on error. NULL reads 0, a boolean 1 or 0. */
int testdb_conn_int(struct testdb_conn *c, const char *sql, int64_t *out);
/* Each row of `sql` to cb (ncols, values as text — NULL for SQL NULL —,
 * column names), as sqlite3_exec gives them; cb returns non-zero to stop.
 * The number of rows seen, or -1 on error. */
typedef int (*testdb_row_fn)(void *ctx, int ncols, char **values, char **names);
long testdb_conn_rows(struct testdb_conn *c, const char *sql, testdb_row_fn cb, void *ctx);
/* The engine's own integrity check of the whole database: SQLite's PRAGMA
 * integrity_check; on PostgreSQL amcheck's verify_heapam on every table and
 * bt_index_check (heapallindexed) on every index of the schema. True when
 * it finds nothing; else false with its first finding in why. */
bool testdb_conn_integrity(struct testdb_conn *c, char *why, size_t size);
/* FNV-1a 64 over the schema (tables, columns, indexes, triggers, views) and
 * every row of every table, rows in a fixed order; tables named in skip
 * (NULL-terminated, may be NULL) left out. Comparable only within one
 * engine. 0 on error. */
uint64_t testdb_conn_hash(struct testdb_conn *c, const char *const skip[]);
/* 1 when the database holds tables (a billcenter schema or any), 0 when it
 * holds none, -1 on error. */
int testdb_conn_has_schema(struct testdb_conn *c);

/* The same on a connection made for the one call (read-only but for exec). */
int64_t testdb_sql_int(const char *target, const char *sql, int64_t fallback);
bool testdb_sql_exec(const char *target, const char *sql);
uint64_t testdb_hash(const char *target, const char *const skip[]);
bool testdb_integrity(const char *target, char *why, size_t size);
/* 1 the database exists and holds tables, 0 it does not exist or holds
 * none, -1 on error. */
int testdb_has_schema(const char *target);

/* `s` as an SQL string literal ('it''s') into buf; false when it does not
 * fit. */
bool testdb_quote(const char *s, char *buf, size_t n);

/* ------------------------------------------------ assertions (testdb_check.c) */

#ifdef CMOCKA_H_
/* Fail the running cmocka test with the error instead of returning it. */
void testdb_new(char *buf, size_t n);                       /* testdb_fresh */
void testdb_new_in(const char *dir, const char *name, char *buf, size_t n);
void testdb_clone(const char *from, const char *dir, const char *name, char *buf, size_t n);
/* First column of the first row on a separate connection; -1 for no row. */
int64_t testdb_q1(const char *target, const char *sql);
/* The same as text ("" for no row or NULL); caller frees. */
char *testdb_q1_text(const char *target, const char *sql);
/* Statements on a separate read-write connection. */
void testdb_raw_exec(const char *target, const char *sql);
void testdb_raw_exec_params(const char *target, const char *sql, int n, const char *const vals[]);
void testdb_dump(const char *target, const char *sql, testdb_row_fn cb, void *ctx);
void testdb_assert_integrity(const char *target);

/* Runs the cases of `both` on either engine and, on SQLite, those of
 * `sqlite_only` too (cases about files, WAL, SQLite's own SQL): one cmocka
 * group. On PostgreSQL a diagnostic line says how many SQLite-only cases
 * belong to the -sqlite run; none is reported as passed or skipped here. */
int testdb_run_cases(const char *group, const struct CMUnitTest *both, size_t nboth,
                     const struct CMUnitTest *sqlite_only, size_t nsqlite,
                     CMFixtureFunction setup, CMFixtureFunction teardown);
#define TESTDB_RUN(both, sqlite_only, setup, teardown) \
    testdb_run_cases(#both, (both), sizeof(both) / sizeof((both)[0]), (sqlite_only), \
                     sizeof(sqlite_only) / sizeof((sqlite_only)[0]), (setup), (teardown))
#endif

/* ----------------------------------------- the store's connection (testdb_store.c) */

struct store;
/* store_exec_for_test / store_int_for_test (store_test.h), failing the
 * cmocka test with the store's message unless BC_OK. */
void testdb_exec(struct store *s, const char *sql);
int64_t testdb_int(struct store *s, const char *sql);

#endif
