/* db_pg.c — the PostgreSQL driver of db.h, over libpq. It lets the store's
 * SQLite-shaped statements run unchanged where the engines agree: ?N
 * parameters become $N, parameters travel as text (integers typed int8 so
 * that the server infers nothing wrong), a query's whole result is fetched
 * by its first step and handed out row by row, booleans read as 1 and 0,
 * and server errors become db.h's kinds with one line of message.
 *
 * A transaction that writes takes one advisory lock, as SQLite's BEGIN
 * IMMEDIATE takes its write lock: writers queue, each sees the last one's
 * commit, and under READ COMMITTED nothing a writer reads can move under
 * it — so no serialization failure or deadlock arises between billcenter's
 * own writers (the store still retries DB_E_RETRY, from anything else). */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define INT8_OID 20
#define TEXT_OID 25
#define WRITE_LOCK_KEY "1651076204"   /* 'bill' */

struct pdb {
    struct db base;
    PGconn *c;
    int64_t changes;
    unsigned next_name;
    char err[512];
};

struct pstmt {
    struct db_stmt base;
    char *sql;          /* with $N parameters */
    int nparams;
    char **vals;        /* nparams text values, NULL for SQL NULL */
    unsigned *types;    /* nparams: INT8_OID or 0 (the server infers) */
    bool persistent, prepared;
    char name[24];
    PGresult *res;
    bool ran;
    int row, nrows;
};

static struct pdb *D(struct db *db) { return (struct pdb *)db; }
static struct pstmt *S(struct db_stmt *q) { return (struct pstmt *)q; }

/* The message as one line: newlines folded, the "ERROR:  " prefix and the
 * trailing newline dropped. */
static void keep_message(struct pdb *d, const char *msg)
{
    if (!msg)
        msg = "";
    if (strncmp(msg, "ERROR:  ", 8) == 0)
        msg += 8;
    size_t o = 0;
    for (const char *p = msg; *p && o + 1 < sizeof d->err; p++) {
        char ch = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p;
        if (ch == ' ' && (o == 0 || d->err[o - 1] == ' '))
            continue;
        d->err[o++] = ch;
    }
    while (o > 0 && d->err[o - 1] == ' ')
        o--;
    d->err[o] = '\0';
    /* libpq repeats a lost connection's message: say it once. */
    if (o % 2 == 1 && d->err[o / 2] == ' ' && strncmp(d->err, d->err + o / 2 + 1, o / 2) == 0)
        d->err[o / 2] = '\0';
}

static int state_kind(const char *sqlstate)
{
    if (!sqlstate)
        return DB_E_OTHER;
    static const struct { const char *code; int kind; } map[] = {
        {"23505", DB_E_UNIQUE}, {"23514", DB_E_CHECK}, {"23503", DB_E_FOREIGN_KEY},
        {"23502", DB_E_NOT_NULL}, {"P0001", DB_E_ABORT}, {"40001", DB_E_RETRY},
        {"40P01", DB_E_RETRY}, {"55P03", DB_E_BUSY}, {"57014", DB_E_BUSY},
        {"53100", DB_E_FULL}, {"25006", DB_E_READONLY}, {"XX001", DB_E_CORRUPT},
        {"XX002", DB_E_CORRUPT}, {"53200", DB_E_NOMEM}, {"28P01", DB_E_AUTH},
        {"28000", DB_E_AUTH}, {"3D000", DB_E_NO_DB}, {"57P01", DB_E_CONN},
        {"57P02", DB_E_CONN}, {"57P03", DB_E_CONN},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].code, sqlstate) == 0)
            return map[i].kind;
    if (strncmp(sqlstate, "08", 2) == 0)
        return DB_E_CONN;
    if (strncmp(sqlstate, "58", 2) == 0)
        return DB_E_IO;
    return DB_E_OTHER;
}

/* The kind of a failed result (res may be NULL: no memory or no server). */
static int fail_kind(struct pdb *d, PGresult *res)
{
    if (PQstatus(d->c) == CONNECTION_BAD) {
        keep_message(d, PQerrorMessage(d->c));
        if (!d->err[0])
            snprintf(d->err, sizeof d->err, "the connection to the database server was lost");
        return DB_E_CONN;
    }
    if (!res) {
        keep_message(d, PQerrorMessage(d->c));
        return DB_E_NOMEM;
    }
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    int kind = state_kind(PQresultErrorField(res, PG_DIAG_SQLSTATE));
    /* Named as SQLite names them, so that a message reads alike on both. */
    const char *what = kind == DB_E_UNIQUE ? "UNIQUE constraint failed: "
                     : kind == DB_E_CHECK ? "CHECK constraint failed: "
                     : kind == DB_E_FOREIGN_KEY ? "FOREIGN KEY constraint failed: "
                     : kind == DB_E_NOT_NULL ? "NOT NULL constraint failed: " : "";
    char msg[sizeof d->err];
    snprintf(msg, sizeof msg, "%s%s", what, primary ? primary : PQresultErrorMessage(res));
    keep_message(d, msg);
    return kind;
}

/* ?N and bare ? to $N, outside quotes; *max gets the highest number and
 * used[n - 1] (when not NULL) whether $n appears, for n up to 64. */
static char *rewrite(const char *sql, int *max, bool used[64])
{
    size_t n = strlen(sql);
    char *out = malloc(n * 2 + 16);
    if (!out)
        return NULL;
    size_t o = 0;
    int top = 0;
    char quote = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = sql[i];
        if (quote) {
            if (ch == quote)
                quote = 0;
            out[o++] = ch;
            continue;
        }
        if (ch == '\'' || ch == '"') {
            quote = ch;
            out[o++] = ch;
            continue;
        }
        if (ch != '?') {
            out[o++] = ch;
            continue;
        }
        int num = 0;
        size_t j = i + 1;
        while (j < n && sql[j] >= '0' && sql[j] <= '9' && num < 100000)
            num = num * 10 + (sql[j++] - '0');
        if (j == i + 1)
            num = top + 1;
        if (num > top)
            top = num;
        if (used && num >= 1 && num <= 64)
            used[num - 1] = true;
        o += (size_t)sprintf(out + o, "$%d", num);
        i = j - 1;
    }
    out[o] = '\0';
    *max = top;
    return out;
}

static int p_prepare(struct db *db, const char *sql, bool persistent, struct db_stmt **out)
{
    *out = NULL;
    struct pstmt *st = calloc(1, sizeof *st);
    if (!st)
        return DB_E_NOMEM;
    st->base.db = db;
    st->persistent = persistent;
    bool used[64] = {false};
    st->sql = rewrite(sql, &st->nparams, used);
    if (st->nparams > 0) {
        st->vals = calloc((size_t)st->nparams, sizeof *st->vals);
        st->types = calloc((size_t)st->nparams, sizeof *st->types);
    }
    /* A number the text skips (a filter left out) still needs a type. */
    for (int i = 0; st->types && i < st->nparams && i < 64; i++)
        if (!used[i])
            st->types[i] = TEXT_OID;
    if (!st->sql || (st->nparams > 0 && (!st->vals || !st->types))) {
        free(st->sql);
        free(st->vals);
        free(st->types);
        free(st);
        return DB_E_NOMEM;
    }
    if (persistent)
        snprintf(st->name, sizeof st->name, "bc%u", ++D(db)->next_name);
    *out = &st->base;
    return DB_OK;
}

static void p_reset(struct db_stmt *q)
{
    struct pstmt *st = S(q);
    PQclear(st->res);
    st->res = NULL;
    st->ran = false;
    st->row = st->nrows = 0;
}

static void p_clear(struct db_stmt *q)
{
    struct pstmt *st = S(q);
    for (int i = 0; i < st->nparams; i++) {
        free(st->vals[i]);
        st->vals[i] = NULL;
    }
}

static void p_finalize(struct db_stmt *q)
{
    struct pstmt *st = S(q);
    p_reset(q);
    p_clear(q);
    if (st->prepared && PQstatus(D(q->db)->c) == CONNECTION_OK) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        PQclear(PQexec(D(q->db)->c, sql));
    }
    free(st->sql);
    free(st->vals);
    free(st->types);
    free(st);
}

static void put(struct pstmt *st, int idx, char *val, unsigned type)
{
    if (idx < 1 || idx > st->nparams) {
        free(val);
        return;
    }
    free(st->vals[idx - 1]);
    st->vals[idx - 1] = val;
    if (!st->prepared && type && st->types[idx - 1] != TEXT_OID)
        st->types[idx - 1] = type;
}

static void p_bind_int64(struct db_stmt *q, int idx, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    put(S(q), idx, strdup(buf), INT8_OID);
}

static void p_bind_text(struct db_stmt *q, int idx, const char *t, int len)
{
    size_t n = len < 0 ? strlen(t) : strnlen(t, (size_t)len);
    char *v = malloc(n + 1);
    if (v) {
        memcpy(v, t, n);
        v[n] = '\0';
    }
    put(S(q), idx, v, 0);
}

static void p_bind_null(struct db_stmt *q, int idx) { put(S(q), idx, NULL, 0); }

static int run(struct pstmt *st)
{
    struct pdb *d = D(st->base.db);
    PGresult *res;
    const char *const *vals = (const char *const *)st->vals;
    if (st->persistent) {
        if (!st->prepared) {
            res = PQprepare(d->c, st->name, st->sql, st->nparams, st->types);
            if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
                int k = fail_kind(d, res);
                PQclear(res);
                return k;
            }
            PQclear(res);
            st->prepared = true;
        }
        res = PQexecPrepared(d->c, st->name, st->nparams, vals, NULL, NULL, 0);
    } else {
        res = PQexecParams(d->c, st->sql, st->nparams, st->types, vals, NULL, NULL, 0);
    }
    ExecStatusType es = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
        int k = fail_kind(d, res);
        PQclear(res);
        return k;
    }
    if (strncmp(PQcmdStatus(res), "SELECT", 6) != 0)
        d->changes = strtoll(PQcmdTuples(res), NULL, 10);
    st->res = res;
    st->ran = true;
    st->nrows = es == PGRES_TUPLES_OK ? PQntuples(res) : 0;
    st->row = -1;
    return DB_OK;
}

static int p_step(struct db_stmt *q)
{
    struct pstmt *st = S(q);
    if (!st->ran) {
        int k = run(st);
        if (k != DB_OK)
            return k;
    }
    if (st->row + 1 < st->nrows) {
        st->row++;
        return DB_ROW;
    }
    st->row = st->nrows;
    return DB_DONE;
}

static bool has_row(struct pstmt *st, int col)
{
    return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 && col < PQnfields(st->res);
}

static int64_t p_col_int64(struct db_stmt *q, int col)
{
    struct pstmt *st = S(q);
    if (!has_row(st, col) || PQgetisnull(st->res, st->row, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' && !v[1])
        return 1;
    if (v[0] == 'f' && !v[1])
        return 0;
    return strtoll(v, NULL, 10);
}

static const char *p_col_text(struct db_stmt *q, int col)
{
    struct pstmt *st = S(q);
    if (!has_row(st, col) || PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static int p_col_count(struct db_stmt *q)
{
    struct pstmt *st = S(q);
    return st->res ? PQnfields(st->res) : 0;
}

static const char *p_col_name(struct db_stmt *q, int col)
{
    struct pstmt *st = S(q);
    return st->res ? PQfname(st->res, col) : NULL;
}

static int64_t p_changes(struct db *db) { return D(db)->changes; }

static bool p_in_tx(struct db *db)
{
    PGTransactionStatusType t = PQtransactionStatus(D(db)->c);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static int p_exec(struct db *db, const char *sql)
{
    struct pdb *d = D(db);
    PGresult *res = PQexec(d->c, sql);
    ExecStatusType es = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int k = DB_OK;
    if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK && es != PGRES_EMPTY_QUERY)
        k = fail_kind(d, res);
    else if (strncmp(PQcmdStatus(res), "SELECT", 6) != 0)
        d->changes = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return k;
}

static int p_begin_write(struct db *db)
{
    return p_exec(db, "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")");
}

static const char *p_errmsg(struct db *db) { return D(db)->err; }

static void p_close(struct db *db)
{
    PQfinish(D(db)->c);
    free(db);
}

static const struct db_driver pg_driver = {
    .name = "postgresql",
    .prepare = p_prepare, .finalize = p_finalize, .reset = p_reset,
    .clear_bindings = p_clear, .bind_int64 = p_bind_int64, .bind_text = p_bind_text,
    .bind_null = p_bind_null, .step = p_step, .column_int64 = p_col_int64,
    .column_text = p_col_text, .column_count = p_col_count, .column_name = p_col_name,
    .changes = p_changes, .in_transaction = p_in_tx, .begin_write = p_begin_write,
    .exec = p_exec, .errmsg = p_errmsg, .close = p_close,
};

/* Notices (e.g. "relation already exists, skipping") are not for the
 * terminal the TUI is drawing on. */
static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* Drives PQconnectPoll to its end, waiting on the socket as it asks, at
 * most 30 s for each step (false: the server did not answer). */
static bool connect_wait(PGconn *c)
{
    PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
    while (ps != PGRES_POLLING_OK && ps != PGRES_POLLING_FAILED) {
        struct pollfd pfd = {.fd = PQsocket(c),
                             .events = ps == PGRES_POLLING_READING ? POLLIN : POLLOUT};
        if (pfd.fd < 0)
            return true;
        int n = poll(&pfd, 1, 30000);
        if (n == 0)
            return false;
        if (n < 0 && errno != EINTR)
            return true;
        ps = PQconnectPoll(c);
    }
    return true;
}

int db_pg_open(const char *conninfo, struct db **out)
{
    *out = NULL;
    struct pdb *d = calloc(1, sizeof *d);
    if (!d)
        return DB_E_NOMEM;
    d->base.drv = &pg_driver;
    d->base.engine = DB_PG;
    *out = &d->base;
    /* Started, not made, so that the notice processor is in place before
     * the server can say anything (a shutdown's WARNING, say). */
    d->c = PQconnectStart(conninfo);
    if (!d->c)
        return DB_E_NOMEM;
    PQsetNoticeProcessor(d->c, quiet, NULL);
    if (PQstatus(d->c) != CONNECTION_BAD && !connect_wait(d->c)) {
        snprintf(d->err, sizeof d->err, "the server did not answer within 30 s");
        return DB_E_CONN;
    }
    if (PQstatus(d->c) != CONNECTION_OK) {
        keep_message(d, PQerrorMessage(d->c));
        const char *m = PQerrorMessage(d->c);
        if (strstr(m, "password authentication failed") || strstr(m, "no password supplied") ||
            strstr(m, "authentication failed"))
            return DB_E_AUTH;
        if (strstr(m, "does not exist") && strstr(m, "database"))
            return DB_E_NO_DB;
        return DB_E_CONN;
    }
    /* jit off: every statement here is short, and compiling one costs more
     * than running it (the type-ahead search's p95 went from 200 to 68 ms
     * at 30,000 accounts with it off, tests/bench/RESULTS.md). */
    return p_exec(&d->base, "SET client_min_messages = warning; SET lock_timeout = '30s';"
                            " SET TIME ZONE 'UTC'; SET jit = off");
}
