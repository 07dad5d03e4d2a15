/* store.c — what every engine's store shares: error mapping, the
 * statement cache, transactions, row readers, and opening by the form of
 * the target (a PostgreSQL conninfo or URI, else a SQLite file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_test.h"

/* ---------------------------------------------------------------- helpers */

void store_note(struct store *s, const char *msg)
{
    if (s)
        snprintf(s->errmsg, sizeof s->errmsg, "%s", msg ? msg : "");
}

static enum bc_status map_rc(int rc)
{
    switch (rc) {
    case DB_OK: case DB_ROW: case DB_DONE: return BC_OK;
    case DB_E_FULL: return BC_DB_FULL;
    case DB_E_BUSY: return BC_DB_BUSY;
    case DB_E_READONLY: return BC_DB_READONLY;
    case DB_E_CORRUPT: return BC_DB_CORRUPT;
    case DB_E_NOMEM: return BC_NO_MEMORY;
    default: return BC_DB_ERROR;
    }
}

enum bc_status store_fail(struct store *s, int rc)
{
    if (s && s->db)
        store_note(s, db_errmsg(s->db));
    enum bc_status st = map_rc(rc);
    return st == BC_OK ? BC_DB_ERROR : st;
}

enum bc_status store_prep(struct store *s, enum store_slot slot, const char *sql,
                          struct db_stmt **out)
{
    if (!s->cache[slot]) {
        int rc = db_prepare_persistent(s->db, sql, &s->cache[slot]);
        if (rc != DB_OK)
            return store_fail(s, rc);
    } else {
        db_reset(s->cache[slot]);
        db_clear_bindings(s->cache[slot]);
    }
    *out = s->cache[slot];
    return BC_OK;
}

enum bc_status store_run(struct store *s, struct db_stmt *q)
{
    int rc;
    while ((rc = db_step(q)) == DB_ROW)
        ;
    enum bc_status st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_reset(q);
    return st;
}

enum bc_status store_row(struct store *s, struct db_stmt *q)
{
    int rc = db_step(q);
    if (rc == DB_ROW)
        return BC_OK;
    enum bc_status st = rc == DB_DONE ? BC_NOT_FOUND : store_fail(s, rc);
    db_reset(q);
    return st;
}

enum bc_status store_exec(struct store *s, const char *sql)
{
    int rc = db_exec(s->db, sql);
    return rc == DB_OK ? BC_OK : store_fail(s, rc);
}

/* Cached, since demo generation opens one per inserted record. */
static enum bc_status exec_cached(struct store *s, enum store_slot slot, const char *sql)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, slot, sql, &q);
    return st == BC_OK ? store_run(s, q) : st;
}

enum bc_status store_tx_begin(struct store *s, bool *own)
{
    *own = !db_in_transaction(s->db);
    if (!*own && s->bulk)
        return BC_OK;          /* the loader's transaction is all or nothing */
    if (!*own)
        return exec_cached(s, SL_TX_SAVEPOINT, "SAVEPOINT store_step");
    int rc = db_begin_write(s->db);
    return rc == DB_OK ? BC_OK : store_fail(s, rc);
}

enum bc_status store_tx_end(struct store *s, bool own, enum bc_status st)
{
    if (!own && s->bulk)
        return st;             /* no savepoint was taken: see store_tx_begin */
    if (st == BC_OK) {
        st = own ? exec_cached(s, SL_TX_COMMIT, "COMMIT")
                 : exec_cached(s, SL_TX_RELEASE, "RELEASE store_step");
        if (st == BC_OK)
            return BC_OK;
    }
    /* Keep the first failure's message; SQLite may already have rolled back. */
    char keep[sizeof s->errmsg];
    memcpy(keep, s->errmsg, sizeof keep);
    if (own) {
        if (db_in_transaction(s->db))
            db_exec(s->db, "ROLLBACK");
    } else {
        db_exec(s->db, "ROLLBACK TO store_step; RELEASE store_step");
    }
    memcpy(s->errmsg, keep, sizeof keep);
    return st;
}

char *store_col_dup(struct db_stmt *q, int col, bool *oom)
{
    const char *t = db_column_text(q, col);
    if (!t)
        return NULL;
    char *d = strdup(t);
    if (!d)
        *oom = true;
    return d;
}

void store_bind_text(struct db_stmt *q, int idx, const char *text)
{
    db_bind_text(q, idx, text);
}

void store_col_copy(struct db_stmt *q, int col, char *buf, size_t size)
{
    const char *t = db_column_text(q, col);
    snprintf(buf, size, "%s", t ? t : "");
}

const char *store_name_text(const struct store_name *t, size_t n, int value)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == value)
            return t[i].text;
    return t[0].text;
}

int store_name_value(const struct store_name *t, size_t n, const char *text)
{
    for (size_t i = 0; text && i < n; i++)
        if (strcmp(t[i].text, text) == 0)
            return t[i].value;
    return t[0].value;
}

enum bc_status store_run_changed(struct store *s, struct db_stmt *q)
{
    enum bc_status st = store_run(s, q);
    if (st == BC_OK && db_changes(s->db) == 0)
        st = BC_NOT_FOUND;
    return st;
}

enum bc_status store_int64(struct store *s, struct db_stmt *q, int64_t *out)
{
    enum bc_status st = store_row(s, q);
    if (st != BC_OK)
        return st;
    *out = db_column_int64(q, 0);
    db_reset(q);
    return BC_OK;
}

const char *store_period_text(enum bc_period p)
{
    return p == BC_PERIOD_ANNUAL ? "annual" : "monthly";
}

enum bc_period store_period_from(const char *t)
{
    return t && strcmp(t, "annual") == 0 ? BC_PERIOD_ANNUAL : BC_PERIOD_MONTHLY;
}

enum bc_period store_col_period(struct db_stmt *q, int col)
{
    return store_period_from(db_column_text(q, col));
}

/* Grows a list's array by one zeroed item; NULL on no memory. */
static void *list_grow(void *items, size_t n, size_t size)
{
    char *p = realloc(items, (n + 1) * size);
    if (p)
        memset(p + n * size, 0, size);
    return p;
}

enum bc_status store_rows(struct store *s, struct db_stmt *q, void *items, size_t *n, size_t size,
                          store_read_fn read)
{
    /* `items` is the address of the caller's typed array pointer; copying
     * its bytes keeps this free of aliasing a struct pointer as void *. */
    char *arr;
    memcpy(&arr, items, sizeof arr);
    enum bc_status st = BC_OK;
    int rc;
    while ((rc = db_step(q)) == DB_ROW) {
        char *grown = list_grow(arr, *n, size);
        if (!grown) {
            st = BC_NO_MEMORY;
            break;
        }
        arr = grown;
        /* Counted before reading, so a half-read item is freed with the list. */
        if ((st = read(q, arr + (*n)++ * size)) != BC_OK)
            break;
    }
    memcpy(items, &arr, sizeof arr);
    if (st == BC_OK && rc != DB_DONE)
        st = store_fail(s, rc);
    db_reset(q);
    return st;
}

enum bc_status store_one(struct store *s, struct db_stmt *q, store_read_fn read, void *out)
{
    enum bc_status st = store_row(s, q);
    if (st != BC_OK)
        return st;
    st = read(q, out);
    db_reset(q);
    return st;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    if (s->bulk) {
        store_rollback(s);
        store_bulk_load(s, false);   /* puts back dropped indexes */
    }
    for (size_t i = 0; i < SL_COUNT; i++)
        db_finalize(s->cache[i]);
    for (size_t i = 0; i <= STORE_ROWS_MAX; i++) {
        db_finalize(s->users_rows[i]);
        db_finalize(s->seats_rows[i]);
        db_finalize(s->subs_rows[i]);
    }
    db_close(s->db);
    free(s);
}

const char *store_errmsg(const struct store *s)
{
    return s ? s->errmsg : "";
}

enum bc_status store_begin(struct store *s)
{
    int rc = db_begin_write(s->db);
    /* A PostgreSQL bulk load checks its references once, at the commit. */
    if (rc == DB_OK && s->bulk && s->engine == DB_PG)
        rc = db_exec(s->db, "SET CONSTRAINTS ALL DEFERRED");
    return rc == DB_OK ? BC_OK : store_fail(s, rc);
}

enum bc_status store_commit(struct store *s)
{
    enum bc_status st = store_exec(s, "COMMIT");
    if (st != BC_OK)
        store_rollback(s);
    return st;
}

void store_rollback(struct store *s)
{
    if (s && db_in_transaction(s->db))
        db_exec(s->db, "ROLLBACK");
}

enum bc_status store_exec_for_test(struct store *s, const char *sql)
{
    return store_exec(s, sql);
}

void store_trace_prepares_for_test(void (*fn)(const char *sql))
{
    db_prepare_trace = fn;
}

enum bc_status store_int_for_test(struct store *s, const char *sql, int64_t *out)
{
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db, sql, &q);
    if (rc != DB_OK)
        return store_fail(s, rc);
    rc = db_step(q);
    enum bc_status st = BC_OK;
    if (rc == DB_ROW)
        *out = db_column_int64(q, 0);
    else
        st = rc == DB_DONE ? BC_NOT_FOUND : store_fail(s, rc);
    db_finalize(q);
    return st;
}


enum bc_status store_run_id(struct store *s, struct db_stmt *q, int64_t *id)
{
    return store_run_ids(s, q, id, 1);
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

enum bc_status store_run_ids(struct store *s, struct db_stmt *q, int64_t *ids, size_t n)
{
    size_t got = 0;
    int rc;
    while ((rc = db_step(q)) == DB_ROW)
        if (got < n)
            ids[got++] = db_column_int64(q, 0);
    enum bc_status st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_reset(q);
    if (st == BC_OK && got != n) {
        store_note(s, "an insert returned fewer ids than rows");
        st = BC_DB_ERROR;
    }
    if (st == BC_OK && n > 1)
        qsort(ids, n, sizeof *ids, cmp_id);
    return st;
}

/* ---------------------------------------------------------------- open */

/* The last open's failure, for the one line the caller prints. */
static char open_error[512];

const char *store_open_error(void)
{
    return open_error;
}

bool store_target_is_server(const char *target)
{
    if (!target)
        return false;
    if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
        return true;
    /* A conninfo: keyword=value pairs ("service=billcenter", "host=… dbname=…"). */
    const char *p = target;
    while (*p == ' ')
        p++;
    const char *k = p;
    while ((*p >= 'a' && *p <= 'z') || *p == '_')
        p++;
    while (*p == ' ')
        p++;
    return p > k && *p == '=';
}

bool store_target_has_password(const char *target)
{
    if (!store_target_is_server(target))
        return false;
    if (strncmp(target, "postgres", 8) == 0) {
        const char *auth = strstr(target, "://") + 3;
        const char *at = strchr(auth, '@'), *slash = strchr(auth, '/');
        if (at && (!slash || at < slash)) {
            const char *colon = memchr(auth, ':', (size_t)(at - auth));
            if (colon)
                return true;
        }
        return strstr(target, "password=") != NULL;
    }
    for (const char *p = target; (p = strstr(p, "password")) != NULL; p += 8) {
        bool word = p == target || p[-1] == ' ';
        const char *e = p + 8;
        while (*e == ' ')
            e++;
        if (word && *e == '=')
            return true;
    }
    return false;
}

static enum bc_status read_version(struct store *s, int *version)
{
    *version = 0;
    struct db_stmt *q = NULL;
    const char *probe = STORE_SQL(s, "PRAGMA user_version",
        "SELECT CASE WHEN to_regclass('billcenter_schema') IS NULL THEN -1 ELSE 0 END");
    int rc = db_prepare(s->db, probe, &q);
    int64_t v = 0;
    if (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
        v = db_column_int64(q, 0);
        rc = DB_OK;
    }
    db_finalize(q);
    if (rc == DB_OK && s->engine == DB_PG) {
        q = NULL;
        if (v < 0) {
            v = 0;
        } else if ((rc = db_prepare(s->db, "SELECT version FROM billcenter_schema", &q)) == DB_OK) {
            rc = db_step(q);
            v = rc == DB_ROW ? db_column_int64(q, 0) : 0;
            rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
        }
        db_finalize(q);
    }
    if (rc != DB_OK)
        return store_fail(s, rc);
    *version = v > 1000000 ? 1000000 : (int)v;
    return BC_OK;
}

static enum bc_status write_version(struct store *s, int version)
{
    char sql[80];
    if (s->engine == DB_PG)
        snprintf(sql, sizeof sql, "UPDATE billcenter_schema SET version = %d", version);
    else
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
    return store_exec(s, sql);
}

/* Lifts the schema to STORE_SCHEMA_VERSION, one version per transaction;
 * each re-reads the version under the write lock, so that two programs
 * opening an old database at once migrate it once. */
static enum bc_status migrate(struct store *s, enum store_open_mode mode)
{
    int version = 0;
    enum bc_status st = read_version(s, &version);
    if (st != BC_OK)
        return st;
    if (version > STORE_SCHEMA_VERSION) {
        store_note(s, "the database schema is newer than this billcenter: upgrade billcenter");
        return BC_DB_NEWER;
    }
    if (version == 0 && mode != STORE_OPEN_CREATE) {
        store_note(s, "no billcenter schema in this database: run billcenter init");
        return BC_NOT_FOUND;
    }
    for (int v = version + 1; st == BC_OK && v <= STORE_SCHEMA_VERSION; v++) {
        bool own;
        if ((st = store_tx_begin(s, &own)) != BC_OK)
            return st;
        int now = 0;
        st = read_version(s, &now);
        if (st == BC_OK && now < v) {
            const char *step = s->engine == DB_PG ? store_schema_pg_step(v) : store_schema_step(v);
            if (step && *step)
                st = store_exec(s, step);
            if (st == BC_OK)
                st = write_version(s, v);
        }
        st = store_tx_end(s, own, st);
    }
    return st;
}

enum bc_status store_open(const char *target, enum store_open_mode mode, struct store **out)
{
    *out = NULL;
    open_error[0] = '\0';
    if (!target || !*target)
        return BC_INVALID_ARGUMENT;
    struct store *s = calloc(1, sizeof *s);
    if (!s)
        return BC_NO_MEMORY;
    bool server = store_target_is_server(target);
    s->engine = server ? DB_PG : DB_SQLITE;
    enum bc_status st = server ? store_pg_open(s, target, mode) : store_sqlite_open(s, target, mode);
    if (st == BC_OK)
        st = migrate(s, mode);
    if (st != BC_OK) {
        snprintf(open_error, sizeof open_error, "%s", s->errmsg);
        store_close(s);
        return st;
    }
    *out = s;
    return BC_OK;
}

enum bc_status store_bulk_load(struct store *s, bool on)
{
    if (!s)
        return BC_INVALID_ARGUMENT;
    return s->engine == DB_PG ? store_pg_bulk(s, on) : store_sqlite_bulk(s, on);
}
