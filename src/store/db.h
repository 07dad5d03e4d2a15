/* db.h — the engine seam under the store: one table of operations that the
 * SQLite driver (db_sqlite.c) and the PostgreSQL driver (db_pg.c) fill, so
 * that the store's files speak one API and hold one set of SQL. Statements
 * are written with SQLite's numbered parameters (?1, ?2, or bare ?); the
 * PostgreSQL driver turns them into $1, $2. Results are read as in SQLite:
 * step to a row, read its columns, step again until done. */
#ifndef BC_DB_H
#define BC_DB_H

#include <stdbool.h>
#include <stdint.h>

enum db_engine { DB_SQLITE, DB_PG };

/* What db_step and db_exec return: a row, done, or a failure kind. */
enum db_rc {
    DB_OK = 0,        /* exec done; for step, DB_DONE */
    DB_ROW = 1,
    DB_DONE = 2,
    /* failures */
    DB_E_UNIQUE = -1, DB_E_CHECK = -2, DB_E_FOREIGN_KEY = -3, DB_E_NOT_NULL = -4,
    DB_E_ABORT = -5,      /* a trigger refused (append-only tables) */
    DB_E_BUSY = -6,       /* locked past the wait */
    DB_E_RETRY = -7,      /* serialization failure or deadlock: run the transaction again */
    DB_E_FULL = -8, DB_E_CORRUPT = -9, DB_E_READONLY = -10, DB_E_IO = -11,
    DB_E_CONN = -12,      /* the server went away or cannot be reached */
    DB_E_AUTH = -13, DB_E_NO_DB = -14, DB_E_NOMEM = -15, DB_E_MISUSE = -16,
    DB_E_OTHER = -17,
};

struct db;
struct db_stmt;

struct db_driver {
    const char *name;
    int (*prepare)(struct db *db, const char *sql, bool persistent, struct db_stmt **out);
    void (*finalize)(struct db_stmt *q);
    void (*reset)(struct db_stmt *q);          /* ready to run again, bindings kept */
    void (*clear_bindings)(struct db_stmt *q);
    void (*bind_int64)(struct db_stmt *q, int idx, int64_t v);
    void (*bind_text)(struct db_stmt *q, int idx, const char *text, int len); /* copied */
    void (*bind_null)(struct db_stmt *q, int idx);
    int (*step)(struct db_stmt *q);
    int64_t (*column_int64)(struct db_stmt *q, int col);
    const char *(*column_text)(struct db_stmt *q, int col);   /* NULL for SQL NULL */
    int (*column_count)(struct db_stmt *q);
    const char *(*column_name)(struct db_stmt *q, int col);
    int64_t (*changes)(struct db *db);          /* rows the last write touched */
    bool (*in_transaction)(struct db *db);
    int (*begin_write)(struct db *db);          /* a transaction that writes: serialised */
    int (*exec)(struct db *db, const char *sql); /* one or more statements, no parameters */
    const char *(*errmsg)(struct db *db);
    void (*close)(struct db *db);
};

/* The head of every driver's connection and statement. */
struct db {
    const struct db_driver *drv;
    enum db_engine engine;
};
struct db_stmt {
    struct db *db;
};

/* Open a SQLite file (flags as sqlite3_open_v2's readonly choice) or a
 * PostgreSQL conninfo / URI. On failure *out may hold a connection whose
 * errmsg says why (close it), or NULL (no memory). */
int db_sqlite_open(const char *path, bool readonly, struct db **out);
int db_pg_open(const char *conninfo, struct db **out);
/* The underlying sqlite3 handle of a SQLite connection, for what only
 * SQLite has (online backup, bulk-load pragmas); NULL on another engine. */
void *db_sqlite_handle(struct db *db);

/* A test hook (store_test.h's store_trace_prepares_for_test): when set, it
 * is called with the text of every statement prepared on any connection of
 * the process, before the engine sees it, so that a test can ask the engine
 * for the plan of each. NULL in billcenter itself. */
extern void (*db_prepare_trace)(const char *sql);

static inline int db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    if (db_prepare_trace)
        db_prepare_trace(sql);
    return db->drv->prepare(db, sql, false, out);
}
static inline int db_prepare_persistent(struct db *db, const char *sql, struct db_stmt **out)
{
    if (db_prepare_trace)
        db_prepare_trace(sql);
    return db->drv->prepare(db, sql, true, out);
}
static inline void db_finalize(struct db_stmt *q) { if (q) q->db->drv->finalize(q); }
static inline void db_reset(struct db_stmt *q) { q->db->drv->reset(q); }
static inline void db_clear_bindings(struct db_stmt *q) { q->db->drv->clear_bindings(q); }
static inline void db_bind_int64(struct db_stmt *q, int idx, int64_t v)
{ q->db->drv->bind_int64(q, idx, v); }
static inline void db_bind_text(struct db_stmt *q, int idx, const char *t)
{ if (t) q->db->drv->bind_text(q, idx, t, -1); else q->db->drv->bind_null(q, idx); }
static inline void db_bind_textn(struct db_stmt *q, int idx, const char *t, int len)
{ q->db->drv->bind_text(q, idx, t, len); }
static inline void db_bind_null(struct db_stmt *q, int idx) { q->db->drv->bind_null(q, idx); }
static inline int db_step(struct db_stmt *q) { return q->db->drv->step(q); }
static inline int64_t db_column_int64(struct db_stmt *q, int col)
{ return q->db->drv->column_int64(q, col); }
static inline int db_column_int(struct db_stmt *q, int col)
{ return (int)q->db->drv->column_int64(q, col); }
static inline const char *db_column_text(struct db_stmt *q, int col)
{ return q->db->drv->column_text(q, col); }
static inline int db_column_count(struct db_stmt *q) { return q->db->drv->column_count(q); }
static inline const char *db_column_name(struct db_stmt *q, int col)
{ return q->db->drv->column_name(q, col); }
static inline int64_t db_changes(struct db *db) { return db->drv->changes(db); }
static inline bool db_in_transaction(struct db *db) { return db->drv->in_transaction(db); }
static inline int db_begin_write(struct db *db) { return db->drv->begin_write(db); }
static inline int db_exec(struct db *db, const char *sql) { return db->drv->exec(db, sql); }
static inline const char *db_errmsg(struct db *db) { return db->drv->errmsg(db); }
static inline void db_close(struct db *db) { if (db) db->drv->close(db); }

#endif
