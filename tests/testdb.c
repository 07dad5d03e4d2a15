/* testdb.c — the engine-neutral test database helper (testdb.h): SQLite
 * through sqlite3, PostgreSQL through libpq, behind one small interface so
 * that each test's own SQL runs unchanged on either engine. Tests stand
 * outside the layering rule; billcenter itself reaches SQL only in src/store. */
#include "testdb.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char last_error[1024];

static bool fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return false;
}

const char *testdb_error(void)
{
    return last_error;
}

/* ---------------------------------------------------------------- engine */

enum testdb_engine testdb_engine(void)
{
    const char *e = getenv("BC_TEST_ENGINE");

    if (!e || !*e || strcmp(e, "sqlite") == 0)
        return TESTDB_SQLITE;
    if (strcmp(e, "pg") == 0) {
        const char *pg = getenv("BC_TEST_PG");
        if (!pg || !*pg) {
            fprintf(stderr, "testdb: BC_TEST_ENGINE=pg but BC_TEST_PG is not set "
                            "(run it through tests/pg/with_pg.sh)\n");
            exit(1);
        }
        return TESTDB_PG;
    }
    fprintf(stderr, "testdb: BC_TEST_ENGINE must be sqlite or pg, not '%s'\n", e);
    exit(1);
}

const char *testdb_engine_name(void)
{
    return testdb_engine() == TESTDB_PG ? "pg" : "sqlite";
}

bool testdb_target_is_pg(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0 ||
           (strchr(target, '=') != NULL && target[0] != '/' && target[0] != '.');
}

/* ---------------------------------------------------------------- PostgreSQL */

static void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *pg_connect(const char *conninfo)
{
    PGconn *pg = PQconnectdb(conninfo);

    if (!pg) {
        fail("libpq: out of memory");
        return NULL;
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        fail("cannot connect to PostgreSQL (%s): %s", conninfo, PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    PQsetNoticeProcessor(pg, pg_quiet, NULL);
    return pg;
}

static bool pg_command(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    bool ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);

    if (!ok)
        fail("%s: %s", sql, PQerrorMessage(pg));
    PQclear(r);
    return ok;
}

/* A conninfo value, quoted when libpq needs it. */
static size_t conninfo_append(char *buf, size_t n, size_t used, const char *kw, const char *val)
{
    bool plain = *val != '\0';

    for (const char *p = val; *p; p++)
        if (*p == ' ' || *p == '\'' || *p == '\\' || *p == '\t' || *p == '\n')
            plain = false;
    if (used < n)
        used += (size_t)snprintf(buf + used, n - used, "%s%s=", used ? " " : "", kw);
    if (plain) {
        if (used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s", val);
        return used;
    }
    if (used < n)
        buf[used] = '\'';
    used++;
    for (const char *p = val; *p; p++) {
        if (*p == '\'' || *p == '\\') {
            if (used < n)
                buf[used] = '\\';
            used++;
        }
        if (used < n)
            buf[used] = *p;
        used++;
    }
    if (used < n)
        buf[used] = '\'';
    used++;
    if (used < n)
        buf[used] = '\0';
    return used;
}

/* $BC_TEST_PG with its dbname replaced. */
static bool pg_target(const char *dbname, char *buf, size_t n)
{
    const char *base = getenv("BC_TEST_PG");
    char *err = NULL;
    PQconninfoOption *opts;
    size_t used = 0;

    if (!base || !*base)
        return fail("BC_TEST_PG is not set (run the test through tests/pg/with_pg.sh)");
    opts = PQconninfoParse(base, &err);
    if (!opts) {
        fail("BC_TEST_PG '%s': %s", base, err ? err : "out of memory");
        PQfreemem(err);
        return false;
    }
    buf[0] = '\0';
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (o->val && strcmp(o->keyword, "dbname") != 0)
            used = conninfo_append(buf, n, used, o->keyword, o->val);
    used = conninfo_append(buf, n, used, "dbname", dbname);
    PQconninfoFree(opts);
    if (used >= n)
        return fail("conninfo for %s does not fit in %zu bytes", dbname, n);
    return true;
}

/* The dbname a target names. */
static bool pg_dbname(const char *target, char *buf, size_t n)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(target, &err);
    bool found = false;

    if (!opts) {
        fail("'%s': %s", target, err ? err : "out of memory");
        PQfreemem(err);
        return false;
    }
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, "dbname") == 0 && o->val && *o->val)
            found = (size_t)snprintf(buf, n, "%s", o->val) < n;
    PQconninfoFree(opts);
    return found || fail("'%s' names no database", target);
}

static bool pg_identifier_ok(const char *name)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/* Runs one statement on the server's maintenance database. */
static bool pg_admin(const char *sql)
{
    PGconn *pg = pg_connect(getenv("BC_TEST_PG") ? getenv("BC_TEST_PG") : "");
    bool ok;

    if (!pg)
        return false;
    ok = pg_command(pg, sql);
    PQfinish(pg);
    return ok;
}

static int pg_counter;

static bool pg_new(const char *template, char *buf, size_t n)
{
    char name[64], src[128], sql[256];

    snprintf(name, sizeof name, "bc_%ld_%d", (long)getpid(), ++pg_counter);
    if (template) {
        if (!pg_dbname(template, src, sizeof src))
            return false;
        if (!pg_identifier_ok(src))
            return fail("cannot copy database '%s': not a testdb name", src);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", name, src);
    } else {
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    }
    return pg_admin(sql) && pg_target(name, buf, n);
}

/* ---------------------------------------------------------------- databases */

#define TMP_PREFIX "bc-testdb-"

bool testdb_fresh_in(const char *dir, const char *name, char *buf, size_t n)
{
    char tmp[256];

    if (testdb_engine() == TESTDB_PG)
        return pg_new(NULL, buf, n);
    if (!dir) {
        const char *base = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/" TMP_PREFIX "XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmp))
            return fail("mkdtemp %s: %s", tmp, strerror(errno));
        dir = tmp;
    }
    if ((size_t)snprintf(buf, n, "%s/%s", dir, name ? name : "billcenter.db") >= n)
        return fail("path %s/%s does not fit in %zu bytes", dir, name ? name : "billcenter.db", n);
    return true;
}

bool testdb_fresh(char *buf, size_t n)
{
    return testdb_fresh_in(NULL, NULL, buf, n);
}

static bool copy_file(const char *from, const char *to, bool missing_ok)
{
    char data[65536];
    ssize_t got;
    int in = open(from, O_RDONLY), out;
    bool ok;

    if (in < 0)
        return (missing_ok && errno == ENOENT) || fail("open %s: %s", from, strerror(errno));
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0) {
        close(in);
        return fail("create %s: %s", to, strerror(errno));
    }
    ok = true;
    while (ok && (got = read(in, data, sizeof data)) > 0)
        ok = write(out, data, (size_t)got) == got;
    ok = ok && got == 0;
    close(in);
    if (close(out) != 0)
        ok = false;
    return ok || fail("copy %s to %s: %s", from, to, strerror(errno));
}

bool testdb_copy(const char *from, const char *dir, const char *name, char *buf, size_t n)
{
    char a[1024], b[1024];

    if (testdb_target_is_pg(from))
        return pg_new(from, buf, n);
    if (!testdb_fresh_in(dir, name, buf, n) || !copy_file(from, buf, false))
        return false;
    snprintf(a, sizeof a, "%s-wal", from);
    snprintf(b, sizeof b, "%s-wal", buf);
    return copy_file(a, b, true);
}

bool testdb_drop(const char *target)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[1024], name[128], sql[256];

    if (testdb_target_is_pg(target)) {
        if (!pg_dbname(target, name, sizeof name))
            return false;
        if (!pg_identifier_ok(name))
            return fail("will not drop '%s': not a testdb name", name);
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
        return pg_admin(sql);
    }
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", target, suffixes[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            return fail("unlink %s: %s", path, strerror(errno));
    }
    /* The directory testdb_fresh made (and nothing else) goes too. */
    snprintf(path, sizeof path, "%s", target);
    char *slash = strrchr(path, '/');
    if (slash) {
        *slash = '\0';
        const char *base = strrchr(path, '/');
        if (base && strncmp(base + 1, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
            rmdir(path);
    }
    return true;
}

bool testdb_server(const char *action)
{
    const char *server = getenv("BC_TEST_PG_SERVER");
    char cmd[1024];

    if (testdb_engine() != TESTDB_PG || !server || !*server)
        return fail("no PostgreSQL test server here (BC_TEST_PG_SERVER is not set)");
    snprintf(cmd, sizeof cmd, "sh '%s' %s >/dev/null 2>&1", server, action);
    fflush(NULL);
    return system(cmd) == 0 || fail("%s %s failed", server, action);
}

/* ---------------------------------------------------------------- connections */

struct testdb_conn {
    bool pg;
    sqlite3 *lite;
    PGconn *conn;
    char error[1024];
};

static bool conn_fail(struct testdb_conn *c, const char *sql, const char *msg)
{
    snprintf(c->error, sizeof c->error, "%s%s%s", sql ? sql : "", sql ? ": " : "", msg);
    /* libpq's messages end in a newline. */
    size_t len = strlen(c->error);
    while (len > 0 && c->error[len - 1] == '\n')
        c->error[--len] = '\0';
    return fail("%s", c->error);
}

static bool lite_fail(struct testdb_conn *c, const char *sql)
{
    return conn_fail(c, sql, sqlite3_errmsg(c->lite));
}

static bool pg_fail(struct testdb_conn *c, const char *sql)
{
    return conn_fail(c, sql, PQerrorMessage(c->conn));
}

struct testdb_conn *testdb_connect(const char *target, bool write)
{
    struct testdb_conn *c = calloc(1, sizeof *c);

    if (!c) {
        fail("out of memory");
        return NULL;
    }
    c->pg = testdb_target_is_pg(target);
    if (c->pg) {
        c->conn = pg_connect(target);
        if (!c->conn || (!write && !pg_command(c->conn, "SET default_transaction_read_only = on"))) {
            testdb_disconnect(c);
            return NULL;
        }
        return c;
    }
    int flags = write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(target, &c->lite, flags, NULL) != SQLITE_OK) {
        fail("cannot open %s: %s", target, c->lite ? sqlite3_errmsg(c->lite) : "out of memory");
        testdb_disconnect(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->lite, 10000);
    return c;
}

void testdb_disconnect(struct testdb_conn *c)
{
    if (!c)
        return;
    sqlite3_close(c->lite);
    if (c->conn)
        PQfinish(c->conn);
    free(c);
}

const char *testdb_conn_error(const struct testdb_conn *c)
{
    return c ? c->error : last_error;
}

bool testdb_conn_exec(struct testdb_conn *c, const char *sql)
{
    if (c->pg) {
        PGresult *r = PQexec(c->conn, sql);
        ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        PQclear(r);
        return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY ||
               pg_fail(c, sql);
    }
    char *msg = NULL;
    if (sqlite3_exec(c->lite, sql, NULL, NULL, &msg) != SQLITE_OK) {
        conn_fail(c, sql, msg ? msg : sqlite3_errmsg(c->lite));
        sqlite3_free(msg);
        return false;
    }
    return true;
}

/* A SQLite statement with text parameters bound by their names "$1".. */
static sqlite3_stmt *lite_prepare(struct testdb_conn *c, const char *sql, int n,
                                  const char *const vals[])
{
    sqlite3_stmt *q = NULL;

    if (sqlite3_prepare_v2(c->lite, sql, -1, &q, NULL) != SQLITE_OK) {
        lite_fail(c, sql);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int at = sqlite3_bind_parameter_index(q, name);
        if (at == 0 || sqlite3_bind_text(q, at, vals[i], (int)strlen(vals[i]),
                                         SQLITE_TRANSIENT) != SQLITE_OK) {
            conn_fail(c, sql, at == 0 ? "a parameter is not used" : sqlite3_errmsg(c->lite));
            sqlite3_finalize(q);
            return NULL;
        }
    }
    return q;
}

bool testdb_conn_exec_params(struct testdb_conn *c, const char *sql, int n,
                             const char *const vals[])
{
    if (c->pg) {
        PGresult *r = PQexecParams(c->conn, sql, n, NULL, vals, NULL, NULL, 0);
        ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        PQclear(r);
        return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || pg_fail(c, sql);
    }
    sqlite3_stmt *q = lite_prepare(c, sql, n, vals);
    if (!q)
        return false;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        ;
    bool ok = rc == SQLITE_DONE || lite_fail(c, sql);
    sqlite3_finalize(q);
    return ok;
}

/* An integer as PostgreSQL writes it: digits, or a boolean. */
static bool parse_int(const char *text, int64_t *out)
{
    char *end = NULL;

    if (strcmp(text, "t") == 0 || strcmp(text, "f") == 0) {
        *out = text[0] == 't';
        return true;
    }
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end)
        return false;
    *out = v;
    return true;
}

int testdb_conn_int(struct testdb_conn *c, const char *sql, int64_t *out)
{
    if (c->pg) {
        PGresult *r = PQexec(c->conn, sql);
        int found = -1;
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
            pg_fail(c, sql);
        } else if (PQntuples(r) == 0 || PQnfields(r) == 0) {
            found = 0;
        } else if (PQgetisnull(r, 0, 0)) {
            *out = 0;
            found = 1;
        } else if (parse_int(PQgetvalue(r, 0, 0), out)) {
            found = 1;
        } else {
            char msg[300];
            snprintf(msg, sizeof msg, "not an integer: '%.200s'", PQgetvalue(r, 0, 0));
            conn_fail(c, sql, msg);
        }
        PQclear(r);
        return found;
    }
    sqlite3_stmt *q = lite_prepare(c, sql, 0, NULL);
    if (!q)
        return -1;
    int rc = sqlite3_step(q), found = -1;
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(q, 0);
        found = 1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    } else {
        lite_fail(c, sql);
    }
    sqlite3_finalize(q);
    return found;
}

long testdb_conn_rows(struct testdb_conn *c, const char *sql, testdb_row_fn cb, void *ctx)
{
    long rows = 0;

    if (c->pg) {
        PGresult *r = PQexec(c->conn, sql);
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
            pg_fail(c, sql);
            PQclear(r);
            return -1;
        }
        int ncols = PQnfields(r);
        char **values = calloc((size_t)ncols + 1, sizeof *values);
        char **names = calloc((size_t)ncols + 1, sizeof *names);
        if (!values || !names) {
            free(values);
            free(names);
            PQclear(r);
            conn_fail(c, sql, "out of memory");
            return -1;
        }
        for (int k = 0; k < ncols; k++)
            names[k] = PQfname(r, k);
        for (int i = 0; i < PQntuples(r); i++) {
            for (int k = 0; k < ncols; k++)
                values[k] = PQgetisnull(r, i, k) ? NULL : PQgetvalue(r, i, k);
            rows++;
            if (cb && cb(ctx, ncols, values, names))
                break;
        }
        free(values);
        free(names);
        PQclear(r);
        return rows;
    }
    sqlite3_stmt *q = lite_prepare(c, sql, 0, NULL);
    if (!q)
        return -1;
    int ncols = sqlite3_column_count(q), rc;
    char **values = calloc((size_t)ncols + 1, sizeof *values);
    char **names = calloc((size_t)ncols + 1, sizeof *names);
    if (!values || !names) {
        free(values);
        free(names);
        sqlite3_finalize(q);
        conn_fail(c, sql, "out of memory");
        return -1;
    }
    for (int k = 0; k < ncols; k++)
        names[k] = (char *)sqlite3_column_name(q, k);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int k = 0; k < ncols; k++)
            values[k] = (char *)sqlite3_column_text(q, k);
        rows++;
        if (cb && cb(ctx, ncols, values, names)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE) {
        lite_fail(c, sql);
        rows = -1;
    }
    free(values);
    free(names);
    sqlite3_finalize(q);
    return rows;
}

/* ---------------------------------------------------------------- integrity */

struct first_text {
    char *buf;
    size_t size;
    bool seen;
};

static int keep_first(void *ctx, int ncols, char **values, char **names)
{
    struct first_text *f = ctx;

    (void)names;
    if (!f->seen && ncols > 0)
        snprintf(f->buf, f->size, "%s", values[0] ? values[0] : "NULL");
    f->seen = true;
    return 1;
}

bool testdb_conn_integrity(struct testdb_conn *c, char *why, size_t size)
{
    char scratch[512];
    struct first_text first = {why ? why : scratch, why ? size : sizeof scratch, false};

    first.buf[0] = '\0';
    if (!c->pg) {
        if (testdb_conn_rows(c, "PRAGMA integrity_check", keep_first, &first) < 0) {
            snprintf(first.buf, first.size, "%s", c->error);
            return false;
        }
        return strcmp(first.buf, "ok") == 0;
    }
    /* amcheck in a schema of its own, out of the way of billcenter's. */
    if (!testdb_conn_exec(c, "CREATE SCHEMA IF NOT EXISTS testdb_check;"
                             "CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA testdb_check")) {
        snprintf(first.buf, first.size, "amcheck: %s", c->error);
        return false;
    }
    long bad = testdb_conn_rows(c,
        "SELECT format('%s block %s offset %s: %s', cl.relname, v.blkno, v.offnum, v.msg) "
        "FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace, "
        "LATERAL testdb_check.verify_heapam(cl.oid) v "
        "WHERE n.nspname = current_schema() AND cl.relkind = 'r'", keep_first, &first);
    if (bad != 0) {
        if (bad < 0)
            snprintf(first.buf, first.size, "verify_heapam: %s", c->error);
        return false;
    }
    int64_t indexes = 0;
    if (testdb_conn_int(c,
            "SELECT count(*) FROM (SELECT testdb_check.bt_index_check(cl.oid, true) "
            "FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace "
            "JOIN pg_am am ON am.oid = cl.relam WHERE n.nspname = current_schema() "
            "AND cl.relkind = 'i' AND am.amname = 'btree') checked", &indexes) != 1) {
        snprintf(first.buf, first.size, "bt_index_check: %s", c->error);
        return false;
    }
    snprintf(first.buf, first.size, "ok");
    return true;
}

/* ---------------------------------------------------------------- fingerprint */

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

static bool skipped(const char *name, const char *const skip[])
{
    for (size_t i = 0; skip && skip[i]; i++)
        if (strcmp(name, skip[i]) == 0)
            return true;
    return false;
}

static uint64_t lite_hash(struct testdb_conn *c, const char *const skip[])
{
    sqlite3 *h = c->lite;
    sqlite3_stmt *tables = NULL, *rows = NULL;
    uint64_t hash = FNV_OFFSET;
    bool ok = false;
    int rc;

    if (sqlite3_prepare_v2(h, "SELECT type, name, coalesce(sql, '') FROM sqlite_master "
                              "ORDER BY type, name", -1, &tables, NULL) != SQLITE_OK)
        goto done;
    while ((rc = sqlite3_step(tables)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(tables, 0);
        const char *name = (const char *)sqlite3_column_text(tables, 1);
        const char *sql = (const char *)sqlite3_column_text(tables, 2);
        hash = fnv(hash, sql, strlen(sql) + 1);
        if (strcmp(type, "table") != 0 || skipped(name, skip) || strncmp(name, "sqlite_", 7) == 0)
            continue;
        /* Rows ordered by every column, so the order is the contents'. */
        char query[512];
        int ncol;
        snprintf(query, sizeof query, "SELECT * FROM \"%s\" LIMIT 0", name);
        if (sqlite3_prepare_v2(h, query, -1, &rows, NULL) != SQLITE_OK)
            goto done;
        ncol = sqlite3_column_count(rows);
        sqlite3_finalize(rows);
        rows = NULL;
        int len = snprintf(query, sizeof query, "SELECT * FROM \"%s\" ORDER BY 1", name);
        for (int k = 2; k <= ncol && len < (int)sizeof query - 8; k++)
            len += snprintf(query + len, sizeof query - (size_t)len, ",%d", k);
        if (sqlite3_prepare_v2(h, query, -1, &rows, NULL) != SQLITE_OK)
            goto done;
        while ((rc = sqlite3_step(rows)) == SQLITE_ROW)
            for (int k = 0; k < ncol; k++) {
                int type_k = sqlite3_column_type(rows, k);
                const void *blob = sqlite3_column_blob(rows, k);
                int n = sqlite3_column_bytes(rows, k);
                hash = fnv(hash, &type_k, sizeof type_k);
                hash = fnv(hash, &n, sizeof n);
                if (blob)
                    hash = fnv(hash, blob, (size_t)n);
            }
        sqlite3_finalize(rows);
        rows = NULL;
        if (rc != SQLITE_DONE)
            goto done;
    }
    ok = rc == SQLITE_DONE;
done:
    if (!ok)
        lite_fail(c, "fingerprint");
    sqlite3_finalize(rows);
    sqlite3_finalize(tables);
    return ok ? hash : 0;
}

struct hash_ctx {
    uint64_t hash;
    char (*tables)[128];
    size_t ntables, cap;
    const char *const *skip;
};

static int hash_row(void *ctx, int ncols, char **values, char **names)
{
    struct hash_ctx *h = ctx;

    (void)names;
    for (int k = 0; k < ncols; k++) {
        unsigned char isnull = values[k] == NULL;
        h->hash = fnv(h->hash, &isnull, 1);
        if (values[k])
            h->hash = fnv(h->hash, values[k], strlen(values[k]) + 1);
    }
    return 0;
}

static int add_table(void *ctx, int ncols, char **values, char **names)
{
    struct hash_ctx *h = ctx;

    (void)names;
    if (ncols < 1 || !values[0] || skipped(values[0], h->skip))
        return 0;
    if (h->ntables == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        char (*grown)[128] = realloc(h->tables, cap * sizeof *grown);
        if (!grown)
            return 1;
        h->tables = grown;
        h->cap = cap;
    }
    snprintf(h->tables[h->ntables++], sizeof h->tables[0], "%s", values[0]);
    return 0;
}

/* The schema as the catalog describes it, then each base table's rows as
 * their text form, ordered bytewise (a row's text is always comparable,
 * whatever its columns' types). Sequences are left out: a rolled-back
 * insert advances them by design. */
static uint64_t pg_hash(struct testdb_conn *c, const char *const skip[])
{
    struct hash_ctx h = {.hash = FNV_OFFSET, .skip = skip};
    uint64_t out = 0;

    if (testdb_conn_rows(c,
            "SELECT kind, name, def FROM ("
            "SELECT 'column' AS kind, table_name::text AS name, concat_ws(' ', ordinal_position, column_name, "
            "data_type, is_nullable, column_default) AS def FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() "
            "UNION ALL SELECT 'trigger', t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class cl ON cl.oid = t.tgrelid JOIN pg_namespace n ON n.oid = "
            "cl.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal "
            "UNION ALL SELECT 'view', viewname, definition FROM pg_views "
            "WHERE schemaname = current_schema() "
            "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(co.oid) "
            "FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace "
            "WHERE n.nspname = current_schema() "
            ") schema ORDER BY kind, name COLLATE \"C\", def COLLATE \"C\"", hash_row, &h) < 0)
        goto done;
    if (testdb_conn_rows(c,
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name::text COLLATE \"C\"",
            add_table, &h) < 0)
        goto done;
    for (size_t i = 0; i < h.ntables; i++) {
        char sql[512];
        h.hash = fnv(h.hash, h.tables[i], strlen(h.tables[i]) + 1);
        snprintf(sql, sizeof sql, "SELECT t::text FROM \"%s\" t ORDER BY t::text COLLATE \"C\"",
                 h.tables[i]);
        if (testdb_conn_rows(c, sql, hash_row, &h) < 0)
            goto done;
    }
    out = h.hash ? h.hash : 1;
done:
    free(h.tables);
    return out;
}

uint64_t testdb_conn_hash(struct testdb_conn *c, const char *const skip[])
{
    return c->pg ? pg_hash(c, skip) : lite_hash(c, skip);
}

int testdb_conn_has_schema(struct testdb_conn *c)
{
    int64_t n = 0;
    int found = testdb_conn_int(c, c->pg
        ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        : "SELECT count(*) FROM sqlite_master WHERE type = 'table'", &n);

    return found < 0 ? -1 : n > 0;
}

/* ---------------------------------------------------------------- one-shot */

int64_t testdb_sql_int(const char *target, const char *sql, int64_t fallback)
{
    struct testdb_conn *c = testdb_connect(target, false);
    int64_t v = fallback;

    if (c && testdb_conn_int(c, sql, &v) != 1)
        v = fallback;
    testdb_disconnect(c);
    return v;
}

bool testdb_sql_exec(const char *target, const char *sql)
{
    struct testdb_conn *c = testdb_connect(target, true);
    bool ok = c && testdb_conn_exec(c, sql);

    testdb_disconnect(c);
    return ok;
}

uint64_t testdb_hash(const char *target, const char *const skip[])
{
    struct testdb_conn *c = testdb_connect(target, false);
    uint64_t h = c ? testdb_conn_hash(c, skip) : 0;

    testdb_disconnect(c);
    return h;
}

bool testdb_integrity(const char *target, char *why, size_t size)
{
    /* PostgreSQL: read-write, to install amcheck the first time. */
    struct testdb_conn *c = testdb_connect(target, testdb_target_is_pg(target));
    bool ok = c && testdb_conn_integrity(c, why, size);

    if (!c && why)
        snprintf(why, size, "%s", last_error);
    testdb_disconnect(c);
    return ok;
}

int testdb_has_schema(const char *target)
{
    struct stat sb;

    if (!testdb_target_is_pg(target) && stat(target, &sb) != 0)
        return errno == ENOENT ? 0 : -1;
    struct testdb_conn *c = testdb_connect(target, false);
    if (!c)
        /* A database that is not there holds nothing. */
        return strstr(last_error, "does not exist") ? 0 : -1;
    int has = testdb_conn_has_schema(c);
    testdb_disconnect(c);
    return has;
}

bool testdb_quote(const char *s, char *buf, size_t n)
{
    size_t used = 0;

    if (n < 3)
        return false;
    buf[used++] = '\'';
    for (; *s; s++) {
        if (used + 3 >= n)
            return false;
        if (*s == '\'')
            buf[used++] = '\'';
        buf[used++] = *s;
    }
    buf[used++] = '\'';
    buf[used] = '\0';
    return true;
}
