/* bench_pg.c — orders placed per second on PostgreSQL (issue 14): the
 * store's PostgreSQL engine is the one a shop with several desks runs, so
 * its orders are measured with 1 client and with 8 client processes at
 * once, each against a floor — billing_place's own libpq calls, recorded as
 * it makes them and sent again bare by this binary on an identical copy of
 * the database (see "the floor" below) — and with the same orders by 8
 * processes on a SQLite file (synchronous=FULL), the other engine's answer
 * to the same load.
 *
 * The orders are those of bench_order's "nothing due" row (one seat fewer
 * on an active subscription, no card), one per account, each client on
 * accounts of its own. 1 client alternates blocks of BLOCK orders between
 * billing_place and the floor in one process; 8 clients run ROUNDS rounds,
 * each round 8 forked billing_place processes, then 8 floor processes, then
 * 8 on SQLite, timed from the moment all of them are connected and ready
 * until the last is done.
 *
 * Run under tests/pg/with_pg.sh (BC_TEST_PG: the server's conninfo). The
 * server's fsync setting is read back and shown (run.sh's real run sets
 * BC_TEST_PG_FSYNC=on so that a commit is as durable as SQLite's
 * synchronous=FULL). BC_BENCH_PG_ACCOUNTS (default 10000) sizes the demo
 * databases; BC_BENCH_ORDERS (default 1000) the orders of each side at 1
 * client and, in all, at 8 clients; BC_BENCH_TRACE=1 prints every statement
 * sent. Libpq's calls are wrapped below to record them and to count
 * statements and commits per order on each side. */
#include <dlfcn.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench_jobs.h"
#include "billing.h"
#include "catalog.h"
#include "demo.h"
#include "payment.h"
#include "store.h"

#define BLOCK 25
#define ROUNDS 4
#define CLIENTS 8
#define TARGET_RATIO 0.7

/* ---------------------------------------------------------------- counting */

/* Every libpq call of this process that runs a statement passes here (the
 * store's driver and the floor alike): one call is one statement sent and
 * its answer read. A commit is a COMMIT, or a write outside a transaction
 * block; one that follows a write (WAL to flush: the fsync) is counted
 * apart from one that follows only reads. While `capturing`, each call of
 * billing_place's is also recorded, SQL, parameter types and values, for
 * the floor to send again (below). */
static uint64_t stmt_count, commit_count, write_commit_count;
static int trace = -1;
static bool capturing;

static bool tracing(void)
{
    if (trace < 0)
        trace = getenv("BC_BENCH_TRACE") != NULL;
    return trace;
}

/* Prepared statements by connection and name: their SQL and types. */
struct named {
    const PGconn *c;
    char *name, *sql;
    int n;
    Oid *types;
};
static struct named *names;
static size_t nnames, cap_names;

static void remember(const PGconn *c, const char *name, const char *sql, int n, const Oid *types)
{
    if (nnames == cap_names) {
        size_t cap = cap_names ? cap_names * 2 : 64;
        struct named *m = realloc(names, cap * sizeof *m);
        if (!m)
            abort();
        names = m;
        cap_names = cap;
    }
    struct named *m = &names[nnames++];
    m->c = c;
    m->name = strdup(name);
    m->sql = strdup(sql);
    m->n = n;
    m->types = n > 0 ? calloc((size_t)n, sizeof *m->types) : NULL;
    if (!m->name || !m->sql || (n > 0 && !m->types))
        abort();
    for (int i = 0; i < n && types; i++)
        m->types[i] = types[i];
}

static const struct named *named(const PGconn *c, const char *name)
{
    for (size_t i = nnames; i-- > 0;)
        if (names[i].c == c && strcmp(names[i].name, name) == 0)
            return &names[i];
    return NULL;
}

/* Whether a connection's open transaction has written. A process opens
 * a few connections at a time; a full table recycles its oldest entry. */
static struct { const PGconn *c; bool wrote; } dirty[16];
static size_t dirty_next;

static bool *dirty_of(const PGconn *c)
{
    size_t n = sizeof dirty / sizeof dirty[0];
    for (size_t i = 0; i < n; i++)
        if (dirty[i].c == c)
            return &dirty[i].wrote;
    size_t i = dirty_next++ % n;
    dirty[i].c = c;
    dirty[i].wrote = false;
    return &dirty[i].wrote;
}

/* ---------------------------------------------------------------- capture */

/* One statement as billing_place sent it. The statements whose answer
 * feeds a later one (an id the server hands out) are "producers"; the
 * floor puts its own server's answer where billing_place put its own. */
enum call { CALL_EXEC, CALL_PARAMS, CALL_PREPARED, CALL_END /* an order's end */ };
enum produce { P_NONE, P_ORDER_ID, P_DOC_SEQ, P_DOC_ID, P_COUNT };

struct rec {
    enum call call;
    enum produce prod;
    int id;            /* the floor's prepared statement (stream_intern) */
    char *sql;
    int n;
    Oid *types;
    char **vals;
    char *result;      /* a producer's answer (first column of the first row) */
};

struct stream {
    struct rec *r;
    size_t n, cap;
};

static struct stream captured;

static enum produce producer(const char *sql)
{
    if (strncmp(sql, "INSERT INTO orders(", 19) == 0 && strstr(sql, "RETURNING id"))
        return P_ORDER_ID;
    if (strncmp(sql, "INSERT INTO document_numbers", 28) == 0 && strstr(sql, "RETURNING last"))
        return P_DOC_SEQ;
    if (strncmp(sql, "SELECT coalesce(max(id), 0) + 1 FROM documents", 46) == 0)
        return P_DOC_ID;
    return P_NONE;
}

static char *dup_or_null(const char *t)
{
    if (!t)
        return NULL;
    char *d = strdup(t);
    if (!d)
        abort();
    return d;
}

static struct rec *stream_add(struct stream *st)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 1024;
        struct rec *r = realloc(st->r, cap * sizeof *r);
        if (!r)
            abort();
        st->r = r;
        st->cap = cap;
    }
    struct rec *r = &st->r[st->n++];
    memset(r, 0, sizeof *r);
    return r;
}

static void stream_clear(struct stream *st)
{
    for (size_t i = 0; i < st->n; i++) {
        struct rec *r = &st->r[i];
        for (int k = 0; k < r->n; k++)
            free(r->vals[k]);
        free(r->vals);
        free(r->types);
        free(r->sql);
        free(r->result);
    }
    free(st->r);
    memset(st, 0, sizeof *st);
}

static void capture(enum call call, const char *sql, int n, const Oid *types,
                    const char *const *vals, PGresult *res)
{
    struct rec *r = stream_add(&captured);
    r->call = call;
    r->sql = dup_or_null(sql);
    r->n = n;
    if (n > 0) {
        r->types = calloc((size_t)n, sizeof *r->types);
        r->vals = calloc((size_t)n, sizeof *r->vals);
        if (!r->types || !r->vals)
            abort();
    }
    for (int i = 0; i < n; i++) {
        r->types[i] = types ? types[i] : 0;
        r->vals[i] = dup_or_null(vals[i]);
    }
    if (producer(sql) != P_NONE && res && PQntuples(res) > 0)
        r->result = dup_or_null(PQgetvalue(res, 0, 0));
}

static void counted(PGconn *c, bool idle_before, PGresult *r, enum call call, const char *sql,
                    int n, const Oid *types, const char *const *vals)
{
    stmt_count++;
    const char *tag = r ? PQcmdStatus(r) : "";
    bool write = strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
                 strncmp(tag, "DELETE", 6) == 0;
    bool *wrote = dirty_of(c);
    if (strcmp(tag, "COMMIT") == 0 || (idle_before && write)) {
        commit_count++;
        if (*wrote || write)
            write_commit_count++;
        *wrote = false;
    } else if (strcmp(tag, "ROLLBACK") == 0) {
        *wrote = false;
    } else if (write) {
        *wrote = true;
    }
    if (capturing)
        capture(call, sql, n, types, vals, r);
    if (tracing()) {
        fprintf(stderr, "stmt %s: %.300s", tag, sql);
        for (int i = 0; i < n; i++)
            fprintf(stderr, "%s$%d=%.60s", i ? ", " : " -- ", i + 1, vals[i] ? vals[i] : "NULL");
        fprintf(stderr, "\n");
    }
}

static void *real(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
        abort();
    return f;
}

PGresult *PQprepare(PGconn *conn, const char *stmtName, const char *query, int nParams,
                    const Oid *paramTypes)
{
    static PGresult *(*f)(PGconn *, const char *, const char *, int, const Oid *);
    if (!f)
        *(void **)&f = real("PQprepare");
    remember(conn, stmtName, query, nParams, paramTypes);
    return f(conn, stmtName, query, nParams, paramTypes);
}

PGresult *PQexecPrepared(PGconn *conn, const char *stmtName, int nParams,
                         const char *const *paramValues, const int *paramLengths,
                         const int *paramFormats, int resultFormat)
{
    static PGresult *(*f)(PGconn *, const char *, int, const char *const *, const int *,
                          const int *, int);
    if (!f)
        *(void **)&f = real("PQexecPrepared");
    bool idle = PQtransactionStatus(conn) == PQTRANS_IDLE;
    PGresult *r = f(conn, stmtName, nParams, paramValues, paramLengths, paramFormats,
                    resultFormat);
    const struct named *m = named(conn, stmtName);
    counted(conn, idle, r, CALL_PREPARED, m ? m->sql : "?", nParams, m ? m->types : NULL,
            paramValues);
    return r;
}

PGresult *PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                       const char *const *paramValues, const int *paramLengths,
                       const int *paramFormats, int resultFormat)
{
    static PGresult *(*f)(PGconn *, const char *, int, const Oid *, const char *const *,
                          const int *, const int *, int);
    if (!f)
        *(void **)&f = real("PQexecParams");
    bool idle = PQtransactionStatus(conn) == PQTRANS_IDLE;
    PGresult *r = f(conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,
                    resultFormat);
    counted(conn, idle, r, CALL_PARAMS, command, nParams, paramTypes, paramValues);
    return r;
}

PGresult *PQexec(PGconn *conn, const char *query)
{
    static PGresult *(*f)(PGconn *, const char *);
    if (!f)
        *(void **)&f = real("PQexec");
    bool idle = PQtransactionStatus(conn) == PQTRANS_IDLE;
    PGresult *r = f(conn, query);
    counted(conn, idle, r, CALL_EXEC, query, 0, NULL, NULL);
    return r;
}

/* ---------------------------------------------------------------- setup */

/* A session of billing on a target, acting as an operator. */
struct placer {
    struct store *s;
    struct payment_processor *proc;
    struct billing b;
    struct billing_result *res;
};

static bool placer_open(struct placer *p, const char *target, const struct catalog *c,
                        bc_day today)
{
    memset(p, 0, sizeof *p);
    if (store_open(target, STORE_OPEN_EXISTING, &p->s) != BC_OK) {
        fprintf(stderr, "bench_pg: cannot open %s: %s\n", target, p->s ? store_errmsg(p->s) : "");
        return false;
    }
    p->proc = payment_test_create(p->s);
    p->res = malloc(sizeof *p->res);
    p->b = (struct billing){.store = p->s, .catalog = c, .processor = p->proc, .today = today};
    p->b.actor.kind = BILLING_ACTOR_OPERATOR;
    p->b.actor.op_role = STORE_OP_ADMIN;
    snprintf(p->b.actor.name, sizeof p->b.actor.name, "bench");
    snprintf(p->b.actor.origin, sizeof p->b.actor.origin, "local");
    return p->proc && p->res;
}

static void placer_close(struct placer *p)
{
    free(p->res);
    payment_destroy(p->proc);
    store_close(p->s);
    memset(p, 0, sizeof *p);
}

static bool place(struct placer *p, const struct bench_job *j, const char *key)
{
    enum bc_status st = billing_place(&p->b, j->account_id, &j->change, key, -1, NULL, p->res);
    if (st != BC_OK || p->res->replayed || p->res->order_id <= 0 || p->res->due > 0) {
        fprintf(stderr, "bench_pg: billing_place (account %lld): %s %s\n",
                (long long)j->account_id, bc_status_code(st), store_errmsg(p->s));
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- databases */

/* $BC_TEST_PG with another database: a later keyword wins in a conninfo. */
static void target_of(char *buf, size_t n, const char *dbname)
{
    snprintf(buf, n, "%s dbname=%s", getenv("BC_TEST_PG"), dbname);
}

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static bool admin(const char *sql)
{
    PGconn *c = PQconnectdb(getenv("BC_TEST_PG"));
    PQsetNoticeProcessor(c, quiet, NULL);
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "bench_pg: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok;
}

/* A new demo database of n accounts at target (a PostgreSQL database is
 * created first). */
static bool demo_db(const char *target, const char *pg_name, const struct catalog *c,
                    bc_day today, int64_t n)
{
    char sql[128];
    if (pg_name) {
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", pg_name);
        if (!admin(sql))
            return false;
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", pg_name);
        if (!admin(sql))
            return false;
    }
    struct store *s = NULL;
    bool ok = store_open(target, STORE_OPEN_CREATE, &s) == BC_OK &&
              demo_generate(s, c, today, n, NULL, NULL) == BC_OK;
    if (!ok)
        fprintf(stderr, "bench_pg: demo database %s: %s\n", target, s ? store_errmsg(s) : "");
    store_close(s);
    return ok;
}

/* ---------------------------------------------------------------- the floor */

/* The floor sends billing_place's own statements again, the same libpq
 * call for each (prepared once per connection, on first use, as the
 * store's cached statements are; with parameters; plain), with the same
 * parameter types and values, on an identical copy of the database — all
 * of billing_place's round trips, transactions and commits, none of its
 * computing. Where billing_place sent an id its server had handed out (the
 * order's, the document's and its number), the floor sends the one its own
 * server handed out for the same statement. */

/* Each distinct SQL text this process replays, once: its index is the id
 * of the floor's prepared statement; with the server-given value each of
 * its parameters carries, if any (P_DOC_NUMBER: the document's number,
 * which holds its sequence). */
#define P_DOC_NUMBER P_COUNT
static char **sqltab;
static unsigned char (*roles)[64];
static size_t nsql;

/* The roles of an INSERT's parameters, from its column list: order_id in
 * any table; id, sequence and number in documents; the order id that
 * subscription_history's INSERT ... SELECT takes as ?2. */
static void find_roles(const char *sql, unsigned char role[64])
{
    memset(role, P_NONE, 64);
    if (strncmp(sql, "INSERT INTO subscription_history(", 33) == 0 && strstr(sql, "SELECT")) {
        role[1] = P_ORDER_ID;
        return;
    }
    const char *cols = strchr(sql, '('), *vals = strstr(sql, "VALUES(");
    if (strncmp(sql, "INSERT INTO ", 12) != 0 || !cols || !vals || cols > vals)
        return;
    bool documents = strncmp(sql, "INSERT INTO documents(", 22) == 0;
    cols++;
    vals += 7;
    while (*cols && *cols != ')' && *vals && *vals != ')') {
        while (*cols == ' ')
            cols++;
        while (*vals == ' ')
            vals++;
        size_t cl = strcspn(cols, ",)"), vl = strcspn(vals, ",)");
        int k = vals[0] == '$' ? atoi(vals + 1) : 0;
        if (k >= 1 && k <= 64) {
            if (cl == 8 && strncmp(cols, "order_id", 8) == 0)
                role[k - 1] = P_ORDER_ID;
            else if (documents && cl == 2 && strncmp(cols, "id", 2) == 0)
                role[k - 1] = P_DOC_ID;
            else if (documents && cl == 8 && strncmp(cols, "sequence", 8) == 0)
                role[k - 1] = P_DOC_SEQ;
            else if (documents && cl == 6 && strncmp(cols, "number", 6) == 0)
                role[k - 1] = P_DOC_NUMBER;
        }
        cols += cl + (cols[cl] == ',');
        vals += vl + (vals[vl] == ',');
    }
}

/* Gives each statement of the stream its SQL's id and marks producers and
 * consumers: done before any timing. */
static void stream_intern(struct stream *st)
{
    for (size_t i = 0; i < st->n; i++) {
        struct rec *r = &st->r[i];
        if (r->call == CALL_END)
            continue;
        r->prod = producer(r->sql);
        size_t k = 0;
        while (k < nsql && strcmp(sqltab[k], r->sql) != 0)
            k++;
        if (k == nsql) {
            char **t = realloc(sqltab, (nsql + 1) * sizeof *t);
            if (t)
                sqltab = t;
            unsigned char (*ro)[64] = realloc(roles, (nsql + 1) * sizeof *ro);
            if (ro)
                roles = ro;
            if (!t || !ro || !(t[nsql] = strdup(r->sql)))
                abort();
            find_roles(r->sql, roles[nsql]);
            nsql++;
        }
        r->id = (int)k;
    }
}

struct floor {
    PGconn *c;
    bool prepared[256];    /* by rec id */
    /* Per order: what billing_place's server answered, what ours did. */
    char was[P_COUNT][32], now[P_COUNT][32];
};

static bool floor_open(struct floor *f, const char *conninfo)
{
    memset(f, 0, sizeof *f);
    f->c = PQconnectdb(conninfo);
    if (PQstatus(f->c) != CONNECTION_OK) {
        fprintf(stderr, "bench_pg: floor: %s", PQerrorMessage(f->c));
        return false;
    }
    /* The driver's session settings (db_pg_open). */
    PGresult *r = PQexec(f->c, "SET client_min_messages = warning; SET lock_timeout = '30s';"
                               " SET TIME ZONE 'UTC'");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

static void floor_close(struct floor *f)
{
    PQfinish(f->c);
    memset(f, 0, sizeof *f);
}

/* Parameter k of r as the floor sends it, in buf when it differs. */
static const char *floor_param(struct floor *f, const struct rec *r, int k, char *buf, size_t n)
{
    const char *v = r->vals[k];
    int p = k < 64 ? roles[r->id][k] : P_NONE;
    if (p != P_NONE && p != P_DOC_NUMBER && v && strcmp(v, f->was[p]) == 0)
        return f->now[p];
    if (p == P_DOC_NUMBER && v && strcmp(f->was[P_DOC_SEQ], f->now[P_DOC_SEQ])) {
        /* "NC 2026/000002": the sequence in its digits at the end. */
        size_t len = strlen(v), d = len;
        while (d > 0 && v[d - 1] >= '0' && v[d - 1] <= '9')
            d--;
        snprintf(buf, n, "%.*s%0*lld", (int)d, v, (int)(len - d), atoll(f->now[P_DOC_SEQ]));
        return buf;
    }
    return v;
}

/* Sends one order's statements, from *pos up to its end marker. */
static bool floor_order(struct floor *f, const struct stream *st, size_t *pos)
{
    const char *vals[64];
    char number[64];
    for (; *pos < st->n && st->r[*pos].call != CALL_END; (*pos)++) {
        const struct rec *r = &st->r[*pos];
        if (r->n > 64 || r->id >= 256)
            return false;
        for (int k = 0; k < r->n; k++)
            vals[k] = floor_param(f, r, k, number, sizeof number);
        PGresult *res;
        if (r->call == CALL_PREPARED) {
            char name[16];
            snprintf(name, sizeof name, "f%d", r->id);
            if (!f->prepared[r->id]) {
                res = PQprepare(f->c, name, r->sql, r->n, r->types);
                bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
                PQclear(res);
                if (!ok) {
                    fprintf(stderr, "bench_pg: floor: prepare %.80s: %s", r->sql,
                            PQerrorMessage(f->c));
                    return false;
                }
                f->prepared[r->id] = true;
            }
            res = PQexecPrepared(f->c, name, r->n, vals, NULL, NULL, 0);
        } else if (r->call == CALL_PARAMS) {
            res = PQexecParams(f->c, r->sql, r->n, r->types, vals, NULL, NULL, 0);
        } else {
            res = PQexec(f->c, r->sql);
        }
        ExecStatusType es = PQresultStatus(res);
        bool ok = es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK;
        if (ok && r->prod != P_NONE && PQntuples(res) > 0 && r->result) {
            snprintf(f->was[r->prod], sizeof f->was[r->prod], "%s", r->result);
            snprintf(f->now[r->prod], sizeof f->now[r->prod], "%s", PQgetvalue(res, 0, 0));
        }
        PQclear(res);
        if (!ok) {
            fprintf(stderr, "bench_pg: floor: %.80s: %s", r->sql, PQerrorMessage(f->c));
            PQclear(PQexec(f->c, "ROLLBACK"));
            return false;
        }
    }
    (*pos)++;   /* the end marker */
    return true;
}

/* A stream to a file and back, for the floor's processes at 8 clients. */
static void put_str(FILE *out, const char *t)
{
    int32_t len = t ? (int32_t)strlen(t) : -1;
    fwrite(&len, sizeof len, 1, out);
    if (t)
        fwrite(t, 1, (size_t)len, out);
}

static bool stream_write(const struct stream *st, const char *path)
{
    FILE *out = fopen(path, "wb");
    if (!out)
        return false;
    for (size_t i = 0; i < st->n; i++) {
        const struct rec *r = &st->r[i];
        int32_t head[2] = {(int32_t)r->call, r->n};
        fwrite(head, sizeof head, 1, out);
        if (r->call == CALL_END)
            continue;
        put_str(out, r->sql);
        put_str(out, r->result);
        if (r->n > 0)
            fwrite(r->types, sizeof *r->types, (size_t)r->n, out);
        for (int k = 0; k < r->n; k++)
            put_str(out, r->vals[k]);
    }
    return fclose(out) == 0;
}

static bool get_str(FILE *in, char **t)
{
    int32_t len;
    *t = NULL;
    if (fread(&len, sizeof len, 1, in) != 1)
        return false;
    if (len < 0)
        return true;
    *t = malloc((size_t)len + 1);
    if (!*t || fread(*t, 1, (size_t)len, in) != (size_t)len)
        return false;
    (*t)[len] = '\0';
    return true;
}

static bool stream_read(struct stream *st, const char *path)
{
    FILE *in = fopen(path, "rb");
    int32_t head[2];
    bool ok = in != NULL;
    while (ok && fread(head, sizeof head, 1, in) == 1) {
        struct rec *r = stream_add(st);
        r->call = (enum call)head[0];
        r->n = head[1];
        if (r->call == CALL_END)
            continue;
        ok = r->n >= 0 && r->n <= 64 && get_str(in, &r->sql) && r->sql && get_str(in, &r->result);
        if (ok && r->n > 0) {
            r->types = calloc((size_t)r->n, sizeof *r->types);
            r->vals = calloc((size_t)r->n, sizeof *r->vals);
            ok = r->types && r->vals &&
                 fread(r->types, sizeof *r->types, (size_t)r->n, in) == (size_t)r->n;
        }
        for (int k = 0; ok && k < r->n; k++)
            ok = get_str(in, &r->vals[k]);
    }
    if (in)
        fclose(in);
    return ok;
}

/* ---------------------------------------------------------------- measuring */

struct side {
    int64_t ns;
    uint64_t stmts, commits, write_commits;
    size_t n;
};

static double rate(const struct side *sd)
{
    return sd->ns > 0 ? (double)sd->n / ((double)sd->ns / 1e9) : 0;
}

static double per_order(uint64_t v, const struct side *sd)
{
    return sd->n ? (double)v / (double)sd->n : 0;
}

struct counts {
    int64_t t;
    uint64_t s, c, w;
};

static struct counts now_counts(void)
{
    return (struct counts){bench_now_ns(), stmt_count, commit_count, write_commit_count};
}

static void side_add(struct side *sd, struct counts a, struct counts b, size_t n)
{
    sd->ns += b.t - a.t;
    sd->stmts += b.s - a.s;
    sd->commits += b.c - a.c;
    sd->write_commits += b.w - a.w;
    sd->n += n;
}

static void end_of_order(void)
{
    stream_add(&captured)->call = CALL_END;
}

/* 1 client: blocks of BLOCK orders, billing_place then the floor. */
static bool one_client(struct placer *p, struct floor *f, const struct bench_job *jobs, size_t n,
                       struct side *pl, struct side *fl)
{
    memset(pl, 0, sizeof *pl);
    memset(fl, 0, sizeof *fl);
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t end = start + BLOCK < n ? start + BLOCK : n;
        char key[48];
        stream_clear(&captured);
        struct counts c0 = now_counts();
        for (size_t i = start; i < end; i++) {
            snprintf(key, sizeof key, "one-%zu", i);
            capturing = true;
            bool ok = place(p, &jobs[i], key);
            capturing = false;
            if (!ok)
                return false;
            end_of_order();
        }
        struct counts c1 = now_counts();
        stream_intern(&captured);
        struct counts c2 = now_counts();
        size_t pos = 0;
        for (size_t i = start; i < end; i++)
            if (!floor_order(f, &captured, &pos))
                return false;
        struct counts c3 = now_counts();
        side_add(pl, c0, c1, end - start);
        side_add(fl, c2, c3, end - start);
    }
    stream_clear(&captured);
    return true;
}

enum kind { K_PLACE, K_FLOOR, K_SQLITE };

/* One client process of a round: set up, say ready, wait for the start,
 * run its orders, say done ('d', or 'x' on failure) — then, for
 * billing_place on PostgreSQL, leave what it sent for the floor's round. */
static _Noreturn void client(enum kind kind, const char *target, const struct catalog *c, bc_day today,
                  const struct bench_job *jobs, size_t n, const char *capfile, int ready, int go,
                  int round, int me)
{
    struct placer p = {0};
    struct floor f = {0};
    struct stream st = {0};
    bool ok;
    if (kind == K_FLOOR) {
        ok = stream_read(&st, capfile);
        if (ok)
            stream_intern(&st);
        ok = ok && floor_open(&f, target);
    } else {
        ok = placer_open(&p, target, c, today);
    }
    if (!ok) {
        (void)!write(ready, "xx", 2);
        _exit(1);
    }
    char buf;
    (void)!write(ready, "r", 1);
    (void)!read(go, &buf, 1);   /* the start: the parent closes its end */
    if (kind == K_FLOOR) {
        size_t pos = 0;
        for (size_t i = 0; ok && i < n; i++)
            ok = floor_order(&f, &st, &pos);
    } else {
        char key[64];
        for (size_t i = 0; ok && i < n; i++) {
            snprintf(key, sizeof key, "r%d-c%d-%zu", round, me, i);
            capturing = kind == K_PLACE;
            ok = place(&p, &jobs[i], key);
            capturing = false;
            if (kind == K_PLACE)
                end_of_order();
        }
    }
    (void)!write(ready, ok ? "d" : "x", 1);
    if (ok && kind == K_PLACE)
        ok = stream_write(&captured, capfile);
    if (kind == K_FLOOR)
        floor_close(&f);
    else
        placer_close(&p);
    _exit(ok ? 0 : 1);
}

/* One round: nclients processes of one kind, each on `per` orders of its
 * own (jobs[i * per ...]); *ns from the moment all are ready to the last
 * one's done. */
static bool round_of(enum kind kind, const char *target, const struct catalog *c, bc_day today,
                     const struct bench_job *jobs, size_t per, int nclients, const char *dir,
                     int round, int64_t *ns)
{
    int ready[2], go[2];
    if (pipe(ready) != 0 || pipe(go) != 0)
        return false;
    fflush(NULL);
    pid_t pids[CLIENTS];
    int started = 0;
    for (int i = 0; i < nclients; i++) {
        char capfile[300];
        snprintf(capfile, sizeof capfile, "%s/capture-%d-%d", dir, round, i);
        pid_t pid = fork();
        if (pid == 0) {
            close(ready[0]);
            close(go[1]);
            client(kind, target, c, today, jobs + (size_t)i * per, per, capfile, ready[1], go[0],
                   round, i);
        }
        if (pid < 0)
            break;
        pids[started++] = pid;
    }
    close(ready[1]);
    close(go[0]);
    bool ok = started == nclients;
    char buf[2 * CLIENTS];
    size_t got = 0;
    while (ok && got < (size_t)nclients) {
        ssize_t r = read(ready[0], buf + got, (size_t)nclients - got);
        if (r <= 0)
            ok = false;
        else
            got += (size_t)r;
    }
    int64_t t0 = bench_now_ns();
    close(go[1]);
    while (ok && got < 2 * (size_t)nclients) {
        ssize_t r = read(ready[0], buf + got, 2 * (size_t)nclients - got);
        if (r <= 0)
            ok = false;
        else
            got += (size_t)r;
    }
    *ns = bench_now_ns() - t0;
    close(ready[0]);
    for (size_t i = 0; i < got; i++)
        if (buf[i] == 'x')
            ok = false;
    for (int i = 0; i < started; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            ok = false;
    }
    return ok;
}

/* ---------------------------------------------------------------- main */

#define ROW_ONE "orders placed per second on PostgreSQL, nothing due, 1 client"
#define ROW_EIGHT "orders placed per second on PostgreSQL, nothing due, 8 clients"
#define ROW_VS "orders placed per second, nothing due, 8 clients: PostgreSQL vs SQLite"

static void fail_rows(const char *why)
{
    fprintf(stderr, "bench_pg: %s\n", why);
    bench_row(ROW_ONE, "ERROR", ">= 0.7 x floor", "-", "no");
    bench_row(ROW_EIGHT, "ERROR", ">= 0.7 x floor", "-", "no");
    bench_row(ROW_VS, "ERROR", "- (the ratio, reported)", "-", "n/a");
}

static void show(const char *what, char *buf, size_t n)
{
    PGconn *c = PQconnectdb(getenv("BC_TEST_PG"));
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, what) : NULL;
    snprintf(buf, n, "%s", r && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
    PQfinish(c);
}

int main(void)
{
    if (!getenv("BC_TEST_PG")) {
        fail_rows("BC_TEST_PG is not set: run it under tests/pg/with_pg.sh");
        return 1;
    }
    int64_t naccounts = bench_env_long("BC_BENCH_PG_ACCOUNTS", 10000);
    size_t orders = (size_t)bench_env_long("BC_BENCH_ORDERS", 1000);
    if (orders < 2)
        orders = 2;
    size_t per = orders / (ROUNDS * CLIENTS) ? orders / (ROUNDS * CLIENTS) : 1;
    size_t eight = (size_t)ROUNDS * CLIENTS * per, want = orders + eight;
    char dir[] = "/tmp/bc-bench-pg-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char err[512], place_t[512], floor_t[512], lite[300], fsync[16], sync_commit[16];
    snprintf(lite, sizeof lite, "%s/orders.db", dir);
    target_of(place_t, sizeof place_t, "bench_pg_place");
    target_of(floor_t, sizeof floor_t, "bench_pg_floor");
    show("SHOW fsync", fsync, sizeof fsync);
    show("SHOW synchronous_commit", sync_commit, sizeof sync_commit);
    int code = 1;
    bc_day today = date_from_civil(2026, 11, 25);
    struct catalog *c = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    struct bench_job *jobs = calloc(want, sizeof *jobs), *lite_jobs = calloc(eight, sizeof *lite_jobs);
    size_t njobs = 0, nlite = 0;
    struct placer p = {0};
    struct floor f = {0};
    if (!c || !jobs || !lite_jobs) {
        fail_rows(c ? "out of memory" : err);
        goto out;
    }
    int64_t g0 = bench_now_ns();
    if (!demo_db(place_t, "bench_pg_place", c, today, naccounts) ||
        !admin("CREATE DATABASE bench_pg_floor TEMPLATE bench_pg_place")) {
        fail_rows("cannot make the PostgreSQL demo databases");
        goto out;
    }
    int64_t g1 = bench_now_ns();
    if (!demo_db(lite, NULL, c, today, naccounts)) {
        fail_rows("cannot make the SQLite demo database");
        goto out;
    }
    int64_t g2 = bench_now_ns();
    fprintf(stderr, "bench_pg: demo databases of %lld accounts: PostgreSQL %.1f s, SQLite %.1f s;"
                    " server fsync=%s, synchronous_commit=%s\n", (long long)naccounts,
            (double)(g1 - g0) / 1e9, (double)(g2 - g1) / 1e9, fsync, sync_commit);
    if (!placer_open(&p, lite, c, today)) {
        fail_rows("cannot open the SQLite database");
        goto out;
    }
    nlite = bench_collect_jobs(&p.b, naccounts, false, NULL, lite_jobs, eight);
    placer_close(&p);
    if (!placer_open(&p, place_t, c, today) || !floor_open(&f, floor_t)) {
        fail_rows("cannot open the PostgreSQL databases");
        goto out;
    }
    njobs = bench_collect_jobs(&p.b, naccounts, false, NULL, jobs, want);
    if (njobs < want || nlite < eight) {
        snprintf(err, sizeof err, "too few orders to place: %zu and %zu of %zu and %zu"
                 " (raise BC_BENCH_PG_ACCOUNTS)", njobs, nlite, want, eight);
        fail_rows(err);
        goto out;
    }
    struct side one_pl, one_fl;
    if (!one_client(&p, &f, jobs, orders, &one_pl, &one_fl)) {
        fail_rows("an order at 1 client failed");
        goto out;
    }
    placer_close(&p);
    floor_close(&f);
    /* 8 clients: rounds of billing_place, the floor, SQLite. */
    struct side e_pl = {0}, e_fl = {0}, e_lite = {0};
    for (int r = 0; r < ROUNDS; r++) {
        const struct bench_job *base = jobs + orders + (size_t)r * CLIENTS * per;
        int64_t a, b, l;
        if (!round_of(K_PLACE, place_t, c, today, base, per, CLIENTS, dir, r, &a) ||
            !round_of(K_FLOOR, floor_t, c, today, base, per, CLIENTS, dir, r, &b) ||
            !round_of(K_SQLITE, lite, c, today, lite_jobs + (size_t)r * CLIENTS * per, per,
                      CLIENTS, dir, r, &l)) {
            fail_rows("an order at 8 clients failed");
            goto out;
        }
        e_pl.ns += a;
        e_fl.ns += b;
        e_lite.ns += l;
        e_pl.n += CLIENTS * per;
        e_fl.n += CLIENTS * per;
        e_lite.n += CLIENTS * per;
    }

    double r1 = rate(&one_fl) > 0 ? rate(&one_pl) / rate(&one_fl) : 0;
    double r8 = rate(&e_fl) > 0 ? rate(&e_pl) / rate(&e_fl) : 0;
    double vs = rate(&e_lite) > 0 ? rate(&e_pl) / rate(&e_lite) : 0;
    char m[192], cmp[512];
    fprintf(stderr, "bench_pg: 1 client: %zu orders each side; billing_place %.0f/s (%.1f"
                    " statements, %.1f commits of which %.1f after writes, per order), floor"
                    " %.0f/s (%.1f statements, %.1f commits, %.1f after writes), ratio %.2f\n",
            one_pl.n, rate(&one_pl), per_order(one_pl.stmts, &one_pl), per_order(one_pl.commits, &one_pl),
            per_order(one_pl.write_commits, &one_pl), rate(&one_fl), per_order(one_fl.stmts, &one_fl),
            per_order(one_fl.commits, &one_fl), per_order(one_fl.write_commits, &one_fl), r1);
    fprintf(stderr, "bench_pg: 8 clients: %d rounds of %d processes x %zu orders; billing_place"
                    " %.0f/s, floor %.0f/s (ratio %.2f), SQLite billing_place %.0f/s"
                    " (PostgreSQL / SQLite %.2f)\n", ROUNDS, CLIENTS, per, rate(&e_pl),
            rate(&e_fl), r8, rate(&e_lite), vs);
    snprintf(m, sizeof m, "%.0f orders/s (%.2f x floor); %.1f statements, %.1f commits (%.1f"
             " after writes) per order", rate(&one_pl), r1, per_order(one_pl.stmts, &one_pl),
             per_order(one_pl.commits, &one_pl), per_order(one_pl.write_commits, &one_pl));
    snprintf(cmp, sizeof cmp, "floor (libpq, billing_place's statements sent again) %.0f"
             " orders/s, %.1f statements, %.1f commits per order; %zu orders each; %lld accounts;"
             " fsync=%s", rate(&one_fl), per_order(one_fl.stmts, &one_fl), per_order(one_fl.commits, &one_fl),
             one_pl.n, (long long)naccounts, fsync);
    bench_row(ROW_ONE, m, ">= 0.7 x floor", cmp, bench_met(r1 >= TARGET_RATIO));
    snprintf(m, sizeof m, "%.0f orders/s (%.2f x floor)", rate(&e_pl), r8);
    snprintf(cmp, sizeof cmp, "floor %.0f orders/s; %d processes x %zu orders each, %d rounds"
             " alternating with the floor; fsync=%s", rate(&e_fl), CLIENTS, per, ROUNDS, fsync);
    bench_row(ROW_EIGHT, m, ">= 0.7 x floor", cmp, bench_met(r8 >= TARGET_RATIO));
    snprintf(m, sizeof m, "PostgreSQL %.2f x SQLite (%.0f vs %.0f orders/s)", vs, rate(&e_pl),
             rate(&e_lite));
    snprintf(cmp, sizeof cmp, "SQLite: 8 processes on one file (WAL, synchronous=FULL), the same"
             " orders on a demo database of the same size, rounds alternating; PostgreSQL"
             " fsync=%s", fsync);
    bench_row(ROW_VS, m, "- (the ratio, reported)", cmp, "n/a");
    code = 0;
out:
    placer_close(&p);
    if (f.c)
        floor_close(&f);
    free(jobs);
    free(lite_jobs);
    catalog_destroy(c);
    admin("DROP DATABASE IF EXISTS bench_pg_floor");
    admin("DROP DATABASE IF EXISTS bench_pg_place");
    bench_rm_tree(dir);
    return code;
}
