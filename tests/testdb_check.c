/* testdb_check.c — testdb for cmocka tests: each helper fails the running
 * test with the engine's message instead of returning it, and one runner
 * keeps SQLite-only cases out of the PostgreSQL run (testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testdb.h"

void testdb_new_in(const char *dir, const char *name, char *buf, size_t n)
{
    if (!testdb_fresh_in(dir, name, buf, n))
        fail_msg("testdb (%s): a new database: %s", testdb_engine_name(), testdb_error());
}

void testdb_new(char *buf, size_t n)
{
    testdb_new_in(NULL, NULL, buf, n);
}

void testdb_clone(const char *from, const char *dir, const char *name, char *buf, size_t n)
{
    if (!testdb_copy(from, dir, name, buf, n))
        fail_msg("testdb: a copy of %s: %s", from, testdb_error());
}

static struct testdb_conn *connect_or_fail(const char *target, bool write)
{
    struct testdb_conn *c = testdb_connect(target, write);

    if (!c)
        fail_msg("testdb: %s", testdb_error());
    return c;
}

int64_t testdb_q1(const char *target, const char *sql)
{
    struct testdb_conn *c = connect_or_fail(target, false);
    int64_t v = -1;
    int found = testdb_conn_int(c, sql, &v);
    char msg[1024];

    if (found < 0) {
        snprintf(msg, sizeof msg, "%s", testdb_conn_error(c));
        testdb_disconnect(c);
        fail_msg("testdb: %s", msg);
    }
    testdb_disconnect(c);
    return found ? v : -1;
}

static int keep_text(void *ctx, int ncols, char **values, char **names)
{
    char **out = ctx;

    (void)names;
    if (ncols > 0 && values[0])
        *out = strdup(values[0]);
    return 1;
}

char *testdb_q1_text(const char *target, const char *sql)
{
    struct testdb_conn *c = connect_or_fail(target, false);
    char *v = NULL, msg[1024];

    if (testdb_conn_rows(c, sql, keep_text, &v) < 0) {
        snprintf(msg, sizeof msg, "%s", testdb_conn_error(c));
        testdb_disconnect(c);
        fail_msg("testdb: %s", msg);
    }
    testdb_disconnect(c);
    if (!v)
        v = strdup("");
    assert_non_null(v);
    return v;
}

void testdb_raw_exec(const char *target, const char *sql)
{
    struct testdb_conn *c = connect_or_fail(target, true);
    char msg[1024];

    if (!testdb_conn_exec(c, sql)) {
        snprintf(msg, sizeof msg, "%s", testdb_conn_error(c));
        testdb_disconnect(c);
        fail_msg("testdb: %s", msg);
    }
    testdb_disconnect(c);
}

void testdb_raw_exec_params(const char *target, const char *sql, int n, const char *const vals[])
{
    struct testdb_conn *c = connect_or_fail(target, true);
    char msg[1024];

    if (!testdb_conn_exec_params(c, sql, n, vals)) {
        snprintf(msg, sizeof msg, "%s", testdb_conn_error(c));
        testdb_disconnect(c);
        fail_msg("testdb: %s", msg);
    }
    testdb_disconnect(c);
}

void testdb_dump(const char *target, const char *sql, testdb_row_fn cb, void *ctx)
{
    struct testdb_conn *c = connect_or_fail(target, false);
    char msg[1024];

    if (testdb_conn_rows(c, sql, cb, ctx) < 0) {
        snprintf(msg, sizeof msg, "%s", testdb_conn_error(c));
        testdb_disconnect(c);
        fail_msg("testdb: %s", msg);
    }
    testdb_disconnect(c);
}

void testdb_assert_integrity(const char *target)
{
    char why[512];

    if (!testdb_integrity(target, why, sizeof why))
        fail_msg("testdb: integrity check of %s: %s", target, why);
}

int testdb_run_cases(const char *group, const struct CMUnitTest *both, size_t nboth,
                     const struct CMUnitTest *sqlite_only, size_t nsqlite,
                     CMFixtureFunction setup, CMFixtureFunction teardown)
{
    bool pg = testdb_engine() == TESTDB_PG;
    size_t n = nboth + (pg ? 0 : nsqlite);
    struct CMUnitTest *all = calloc(n ? n : 1, sizeof *all);
    char name[128];

    if (!all) {
        fprintf(stderr, "testdb: out of memory\n");
        return 1;
    }
    memcpy(all, both, nboth * sizeof *all);
    if (!pg && nsqlite)
        memcpy(all + nboth, sqlite_only, nsqlite * sizeof *all);
    if (pg && nsqlite)
        printf("# engine pg: %zu SQLite-only cases are in the -sqlite run, not here\n", nsqlite);
    /* BC_TEST_SHARD=K/N runs every Nth case from the Kth (1-based): the CI
     * splits the slow valgrind run of a test across both cores this way. */
    const char *shard = getenv("BC_TEST_SHARD");
    unsigned k = 0, of = 0;
    if (shard && *shard) {
        if (sscanf(shard, "%u/%u", &k, &of) != 2 || of == 0 || k == 0 || k > of) {
            fprintf(stderr, "testdb: BC_TEST_SHARD=%s: expected K/N with 1 <= K <= N\n", shard);
            free(all);
            return 1;
        }
        size_t kept = 0;
        for (size_t i = 0; i < n; i++)
            if (i % of == k - 1)
                all[kept++] = all[i];
        printf("# shard %u/%u: %zu of %zu cases\n", k, of, kept, n);
        n = kept;
    }
    snprintf(name, sizeof name, "%s (%s)", group, testdb_engine_name());
    int rc = _cmocka_run_group_tests(name, all, n, setup, teardown);
    free(all);
    return rc;
}
