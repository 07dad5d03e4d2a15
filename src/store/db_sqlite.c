/* db_sqlite.c — the SQLite driver of db.h: a thin layer over sqlite3 whose
 * only work is to name SQLite's result codes as db.h's failure kinds. */
#include <sqlite3.h>
#include <stdlib.h>

#include "db.h"

/* db.h's test hook; defined here, beside the driver every build has. */
void (*db_prepare_trace)(const char *sql) = NULL;

struct sdb {
    struct db base;
    sqlite3 *h;
};

struct sstmt {
    struct db_stmt base;
    sqlite3_stmt *q;
};

static int kind(int rc)
{
    switch (rc) {
    case SQLITE_OK: return DB_OK;
    case SQLITE_ROW: return DB_ROW;
    case SQLITE_DONE: return DB_DONE;
    case SQLITE_CONSTRAINT_UNIQUE: case SQLITE_CONSTRAINT_PRIMARYKEY: return DB_E_UNIQUE;
    case SQLITE_CONSTRAINT_CHECK: return DB_E_CHECK;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return DB_E_FOREIGN_KEY;
    case SQLITE_CONSTRAINT_NOTNULL: return DB_E_NOT_NULL;
    case SQLITE_CONSTRAINT_TRIGGER: return DB_E_ABORT;
    default: break;
    }
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return DB_E_ABORT;
    case SQLITE_BUSY: case SQLITE_LOCKED: return DB_E_BUSY;
    case SQLITE_FULL: return DB_E_FULL;
    case SQLITE_CORRUPT: case SQLITE_NOTADB: return DB_E_CORRUPT;
    case SQLITE_READONLY: return DB_E_READONLY;
    case SQLITE_IOERR: case SQLITE_CANTOPEN: return DB_E_IO;
    case SQLITE_NOMEM: return DB_E_NOMEM;
    case SQLITE_MISUSE: case SQLITE_RANGE: return DB_E_MISUSE;
    default: return DB_E_OTHER;
    }
}

static sqlite3 *H(struct db *db) { return ((struct sdb *)db)->h; }
static sqlite3_stmt *Q(struct db_stmt *q) { return ((struct sstmt *)q)->q; }

static int s_prepare(struct db *db, const char *sql, bool persistent, struct db_stmt **out)
{
    *out = NULL;
    struct sstmt *st = calloc(1, sizeof *st);
    if (!st)
        return DB_E_NOMEM;
    st->base.db = db;
    int rc = sqlite3_prepare_v3(H(db), sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                                &st->q, NULL);
    if (rc != SQLITE_OK) {
        free(st);
        return kind(rc);
    }
    *out = &st->base;
    return DB_OK;
}

static void s_finalize(struct db_stmt *q)
{
    sqlite3_finalize(Q(q));
    free(q);
}

static void s_reset(struct db_stmt *q) { sqlite3_reset(Q(q)); }
static void s_clear(struct db_stmt *q) { sqlite3_clear_bindings(Q(q)); }
static void s_bind_int64(struct db_stmt *q, int i, int64_t v) { sqlite3_bind_int64(Q(q), i, v); }
static void s_bind_text(struct db_stmt *q, int i, const char *t, int len)
{
    sqlite3_bind_text(Q(q), i, t, len, SQLITE_TRANSIENT);
}
static void s_bind_null(struct db_stmt *q, int i) { sqlite3_bind_null(Q(q), i); }
static int s_step(struct db_stmt *q) { return kind(sqlite3_step(Q(q))); }
static int64_t s_col_int64(struct db_stmt *q, int c) { return sqlite3_column_int64(Q(q), c); }
static const char *s_col_text(struct db_stmt *q, int c)
{
    return (const char *)sqlite3_column_text(Q(q), c);
}
static int s_col_count(struct db_stmt *q) { return sqlite3_column_count(Q(q)); }
static const char *s_col_name(struct db_stmt *q, int c) { return sqlite3_column_name(Q(q), c); }
static int64_t s_changes(struct db *db) { return sqlite3_changes(H(db)); }
static bool s_in_tx(struct db *db) { return sqlite3_get_autocommit(H(db)) == 0; }

static int s_exec(struct db *db, const char *sql)
{
    return kind(sqlite3_exec(H(db), sql, NULL, NULL, NULL));
}

/* IMMEDIATE: the write lock is taken at BEGIN, so that two writers queue
 * (busy_timeout) instead of one failing at its first write. */
static int s_begin_write(struct db *db) { return s_exec(db, "BEGIN IMMEDIATE"); }
static const char *s_errmsg(struct db *db) { return sqlite3_errmsg(H(db)); }

static void s_close(struct db *db)
{
    sqlite3_close(H(db));
    free(db);
}

static const struct db_driver sqlite_driver = {
    .name = "sqlite",
    .prepare = s_prepare, .finalize = s_finalize, .reset = s_reset,
    .clear_bindings = s_clear, .bind_int64 = s_bind_int64, .bind_text = s_bind_text,
    .bind_null = s_bind_null, .step = s_step, .column_int64 = s_col_int64,
    .column_text = s_col_text, .column_count = s_col_count, .column_name = s_col_name,
    .changes = s_changes, .in_transaction = s_in_tx, .begin_write = s_begin_write,
    .exec = s_exec, .errmsg = s_errmsg, .close = s_close,
};

int db_sqlite_open(const char *path, bool readonly, struct db **out)
{
    *out = NULL;
    struct sdb *d = calloc(1, sizeof *d);
    if (!d)
        return DB_E_NOMEM;
    d->base.drv = &sqlite_driver;
    d->base.engine = DB_SQLITE;
    int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &d->h, flags, NULL);
    *out = &d->base;
    if (rc != SQLITE_OK)
        return kind(rc);
    sqlite3_extended_result_codes(d->h, 1);
    sqlite3_busy_timeout(d->h, 5000);
    return DB_OK;
}

void *db_sqlite_handle(struct db *db)
{
    return db && db->engine == DB_SQLITE ? H(db) : NULL;
}
