/* store_sqlite.c — the SQLite store: opening (permissions, pragmas,
 * migrations), error mapping, the statement cache, transactions, and the
 * account-side records (accounts, contacts, users, subscriptions, seats,
 * cart, card). Orders, ledger, audit and the rest are in store_orders.c. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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
    switch (rc & 0xff) {
    case SQLITE_OK: case SQLITE_ROW: case SQLITE_DONE: return BC_OK;
    case SQLITE_FULL: return BC_DB_FULL;
    case SQLITE_BUSY: case SQLITE_LOCKED: return BC_DB_BUSY;
    case SQLITE_READONLY: return BC_DB_READONLY;
    case SQLITE_CORRUPT: case SQLITE_NOTADB: return BC_DB_CORRUPT;
    case SQLITE_NOMEM: return BC_NO_MEMORY;
    default: return BC_DB_ERROR;
    }
}

enum bc_status store_fail(struct store *s, int rc)
{
    if (s && s->db)
        store_note(s, sqlite3_errmsg(s->db));
    enum bc_status st = map_rc(rc);
    return st == BC_OK ? BC_DB_ERROR : st;
}

enum bc_status store_prep(struct store *s, enum store_slot slot, const char *sql,
                          sqlite3_stmt **out)
{
    if (!s->cache[slot]) {
        int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->cache[slot], NULL);
        if (rc != SQLITE_OK)
            return store_fail(s, rc);
    } else {
        sqlite3_reset(s->cache[slot]);
        sqlite3_clear_bindings(s->cache[slot]);
    }
    *out = s->cache[slot];
    return BC_OK;
}

enum bc_status store_run(struct store *s, sqlite3_stmt *q)
{
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        ;
    enum bc_status st = rc == SQLITE_DONE ? BC_OK : store_fail(s, rc);
    sqlite3_reset(q);
    return st;
}

enum bc_status store_row(struct store *s, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        return BC_OK;
    enum bc_status st = rc == SQLITE_DONE ? BC_NOT_FOUND : store_fail(s, rc);
    sqlite3_reset(q);
    return st;
}

static enum bc_status exec_sql(struct store *s, const char *sql)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? BC_OK : store_fail(s, rc);
}

/* Cached, since demo generation opens one per inserted record. */
static enum bc_status exec_cached(struct store *s, enum store_slot slot, const char *sql)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, slot, sql, &q);
    return st == BC_OK ? store_run(s, q) : st;
}

enum bc_status store_tx_begin(struct store *s, bool *own)
{
    *own = sqlite3_get_autocommit(s->db) != 0;
    if (!*own && s->bulk)
        return BC_OK;          /* the loader's transaction is all or nothing */
    return *own ? exec_cached(s, SL_TX_BEGIN, "BEGIN IMMEDIATE")
                : exec_cached(s, SL_TX_SAVEPOINT, "SAVEPOINT store_step");
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
        if (!sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    } else {
        sqlite3_exec(s->db, "ROLLBACK TO store_step; RELEASE store_step", NULL, NULL, NULL);
    }
    memcpy(s->errmsg, keep, sizeof keep);
    return st;
}

char *store_col_dup(sqlite3_stmt *q, int col, bool *oom)
{
    const unsigned char *t = sqlite3_column_text(q, col);
    if (!t)
        return NULL;
    char *d = strdup((const char *)t);
    if (!d)
        *oom = true;
    return d;
}

int store_bind_text(sqlite3_stmt *q, int idx, const char *text)
{
    return text ? sqlite3_bind_text(q, idx, text, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(q, idx);
}

void store_col_copy(sqlite3_stmt *q, int col, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(q, col);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
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

enum bc_status store_run_changed(struct store *s, sqlite3_stmt *q)
{
    enum bc_status st = store_run(s, q);
    if (st == BC_OK && sqlite3_changes(s->db) == 0)
        st = BC_NOT_FOUND;
    return st;
}

enum bc_status store_int64(struct store *s, sqlite3_stmt *q, int64_t *out)
{
    enum bc_status st = store_row(s, q);
    if (st != BC_OK)
        return st;
    *out = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
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

static enum bc_period col_period(sqlite3_stmt *q, int col)
{
    return store_period_from((const char *)sqlite3_column_text(q, col));
}

/* Grows a list's array by one zeroed item; NULL on no memory. */
static void *list_grow(void *items, size_t n, size_t size)
{
    char *p = realloc(items, (n + 1) * size);
    if (p)
        memset(p + n * size, 0, size);
    return p;
}

enum bc_status store_rows(struct store *s, sqlite3_stmt *q, void *items, size_t *n, size_t size,
                          store_read_fn read)
{
    /* `items` is the address of the caller's typed array pointer; copying
     * its bytes keeps this free of aliasing a struct pointer as void *. */
    char *arr;
    memcpy(&arr, items, sizeof arr);
    enum bc_status st = BC_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
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
    if (st == BC_OK && rc != SQLITE_DONE)
        st = store_fail(s, rc);
    sqlite3_reset(q);
    return st;
}

enum bc_status store_one(struct store *s, sqlite3_stmt *q, store_read_fn read, void *out)
{
    enum bc_status st = store_row(s, q);
    if (st != BC_OK)
        return st;
    st = read(q, out);
    sqlite3_reset(q);
    return st;
}

/* ---------------------------------------------------------------- open */

static enum bc_status read_version(struct store *s, int *version)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            *version = sqlite3_column_int(q, 0);
            rc = SQLITE_OK;
        }
    }
    enum bc_status st = rc == SQLITE_OK ? BC_OK : store_fail(s, rc);
    sqlite3_finalize(q);
    return st;
}

static enum bc_status migrate(struct store *s, int from)
{
    for (int v = from + 1; v <= STORE_SCHEMA_VERSION; v++) {
        bool own;
        enum bc_status st = store_tx_begin(s, &own);
        if (st != BC_OK)
            return st;
        st = exec_sql(s, store_schema_step(v));
        if (st == BC_OK) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
            st = exec_sql(s, sql);
        }
        st = store_tx_end(s, own, st);
        if (st != BC_OK)
            return st;
    }
    return BC_OK;
}

enum bc_status store_open(const char *path, enum store_open_mode mode, struct store **out)
{
    *out = NULL;
    if (!path || !*path)
        return BC_INVALID_ARGUMENT;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT)
            return BC_IO_ERROR;
        if (mode != STORE_OPEN_CREATE)
            return BC_NOT_FOUND;
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            return BC_IO_ERROR;
        if (fd >= 0)
            close(fd);
        if (stat(path, &sb) != 0)
            return BC_IO_ERROR;
    }
    if (!S_ISREG(sb.st_mode))
        return BC_IO_ERROR;
    if (sb.st_mode & S_IWOTH)
        return BC_DB_UNSAFE;

    struct store *s = calloc(1, sizeof *s);
    if (!s)
        return BC_NO_MEMORY;
    /* A file its owner may not write is opened for reading only, even for
     * root, so that a deliberately read-only database stays untouched. */
    s->readonly = !(sb.st_mode & S_IWUSR) || access(path, W_OK) != 0;
    int flags = (s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                SQLITE_OPEN_NOMUTEX;
    enum bc_status st;
    int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        st = store_fail(s, rc);
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);

    int version = 0;
    st = read_version(s, &version);
    if (st != BC_OK)
        goto fail;
    if (version > STORE_SCHEMA_VERSION) {
        store_note(s, "database schema is newer than this billcenter");
        st = BC_DB_NEWER;
        goto fail;
    }
    if (version == 0 && mode != STORE_OPEN_CREATE) {
        store_note(s, "no billcenter schema in this file");
        st = BC_NOT_FOUND;
        goto fail;
    }
    if (!s->readonly) {
        st = exec_sql(s, "PRAGMA journal_mode = WAL");
        if (st != BC_OK)
            goto fail;
    }
    st = exec_sql(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                     "PRAGMA busy_timeout = 5000");
    if (st != BC_OK)
        goto fail;
    if (version < STORE_SCHEMA_VERSION) {
        st = migrate(s, version);
        if (st != BC_OK)
            goto fail;
    }
    *out = s;
    return BC_OK;
fail:
    store_close(s);
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
        sqlite3_finalize(s->cache[i]);
    for (size_t i = 0; i <= STORE_ROWS_MAX; i++) {
        sqlite3_finalize(s->users_rows[i]);
        sqlite3_finalize(s->seats_rows[i]);
        sqlite3_finalize(s->subs_rows[i]);
    }
    sqlite3_close(s->db);
    free(s);
}

const char *store_errmsg(const struct store *s)
{
    return s ? s->errmsg : "";
}

enum bc_status store_begin(struct store *s)
{
    return exec_sql(s, "BEGIN IMMEDIATE");
}

enum bc_status store_commit(struct store *s)
{
    enum bc_status st = exec_sql(s, "COMMIT");
    if (st != BC_OK)
        store_rollback(s);
    return st;
}

void store_rollback(struct store *s)
{
    if (s && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

enum bc_status store_exec_for_test(struct store *s, const char *sql)
{
    return exec_sql(s, sql);
}

enum bc_status store_int_for_test(struct store *s, const char *sql, int64_t *out)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc);
    rc = sqlite3_step(q);
    enum bc_status st = BC_OK;
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(q, 0);
    else
        st = rc == SQLITE_DONE ? BC_NOT_FOUND : store_fail(s, rc);
    sqlite3_finalize(q);
    return st;
}

/* ---------------------------------------------------------------- bulk load */

static void bulk_forget_indexes(struct store *s)
{
    for (size_t i = 0; i < s->bulk_nindexes; i++)
        free(s->bulk_indexes[i]);
    free(s->bulk_indexes);
    s->bulk_indexes = NULL;
    s->bulk_nindexes = 0;
}

static bool is_trigger(const char *create_sql)
{
    return strncmp(create_sql, "CREATE TRIGGER", 14) == 0;
}

/* Keeps the CREATE text of every index the schema declares by name (not the
 * automatic ones of PRIMARY KEY and UNIQUE, which the load's own writes rely
 * on), and of the triggers that keep the search words (account_words,
 * contact_words), and drops them, in one transaction, when no account exists
 * yet: filling empty tables and then sorting each index once, and the word
 * tables by one statement each, beats inserting into them row by row. */
static enum bc_status bulk_drop_indexes(struct store *s)
{
    sqlite3_stmt *q = NULL;
    char **names = NULL;
    enum bc_status st = exec_sql(s, "BEGIN IMMEDIATE");
    if (st != BC_OK)
        return st;
    /* Read them all first: SQLite refuses DROP INDEX while the read runs. */
    int rc = sqlite3_prepare_v2(s->db,
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND (type = 'index'"
        " OR (type = 'trigger' AND name GLOB '*_words_*'))"
        " AND NOT EXISTS(SELECT 1 FROM accounts) ORDER BY type, name", -1, &q, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t n = s->bulk_nindexes;
        char **grown = realloc(s->bulk_indexes, (n + 1) * sizeof *grown);
        if (grown)
            s->bulk_indexes = grown;
        char **grown_names = grown ? realloc(names, (n + 1) * sizeof *names) : NULL;
        if (grown_names)
            names = grown_names;
        if (!grown || !grown_names) {
            st = BC_NO_MEMORY;
            break;
        }
        bool oom = false;
        names[n] = store_col_dup(q, 0, &oom);
        s->bulk_indexes[n] = store_col_dup(q, 1, &oom);
        s->bulk_nindexes++;
        if (oom || !names[n] || !s->bulk_indexes[n]) {
            st = BC_NO_MEMORY;
            break;
        }
        rc = SQLITE_OK;
    }
    if (st == BC_OK && rc != SQLITE_DONE)
        st = store_fail(s, rc);
    sqlite3_finalize(q);
    for (size_t i = 0; st == BC_OK && i < s->bulk_nindexes; i++) {
        char *drop = sqlite3_mprintf("DROP %s \"%w\"",
                                     is_trigger(s->bulk_indexes[i]) ? "TRIGGER" : "INDEX", names[i]);
        st = drop ? exec_sql(s, drop) : BC_NO_MEMORY;
        sqlite3_free(drop);
    }
    for (size_t i = 0; names && i < s->bulk_nindexes; i++)
        free(names[i]);
    free(names);
    if (st == BC_OK)
        st = exec_sql(s, "COMMIT");
    if (st != BC_OK) {
        store_rollback(s);
        bulk_forget_indexes(s);
    }
    return st;
}

/* The search words of every account and contact, written at once (the
 * word tables were empty: no account existed when the triggers went), then
 * merged into one segment each. */
static const char bulk_words_sql[] =
    "INSERT INTO account_words(account_words) VALUES('delete-all');"
    "INSERT INTO contact_words(contact_words) VALUES('delete-all');"
    "INSERT INTO account_words(rowid, name) SELECT id, name FROM accounts ORDER BY id;"
    "INSERT INTO contact_words(rowid, email) SELECT id, " STORE_EMAIL_WORDS("email")
    " FROM contacts ORDER BY id;"
    "INSERT INTO account_words(account_words) VALUES('optimize');"
    "INSERT INTO contact_words(contact_words) VALUES('optimize');";

/* The load's deferred writes, in one transaction: the first history row of
 * each subscription it added (the same rows store_history_append writes),
 * the search words when their triggers were dropped, then the dropped
 * indexes, each built by one sort, and the triggers. */
static enum bc_status bulk_finish(struct store *s)
{
    if (!s->bulk_first_sub && !s->bulk_nindexes)
        return BC_OK;
    enum bc_status st = exec_sql(s, "BEGIN IMMEDIATE");
    if (st == BC_OK && s->bulk_first_sub) {
        sqlite3_stmt *q = NULL;
        int rc = sqlite3_prepare_v2(s->db,
            "INSERT INTO subscription_history(subscription_id, version, plan, seats, period,"
            " period_start, period_end, item_start, billed_minor, price_minor, order_id)"
            " SELECT id, version, plan, seats, period, period_start, period_end, item_start,"
            " billed_minor, price_minor, NULL FROM subscriptions WHERE id >= ?1"
            " AND NOT EXISTS(SELECT 1 FROM subscription_history h"
            " WHERE h.subscription_id = subscriptions.id) ORDER BY id", -1, &q, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(q, 1, s->bulk_first_sub);
            st = store_run(s, q);
        } else {
            st = store_fail(s, rc);
        }
        sqlite3_finalize(q);
    }
    bool words = false;
    for (size_t i = 0; i < s->bulk_nindexes; i++)
        words = words || is_trigger(s->bulk_indexes[i]);
    if (st == BC_OK && words)
        st = exec_sql(s, bulk_words_sql);
    for (size_t i = 0; st == BC_OK && i < s->bulk_nindexes; i++)
        st = exec_sql(s, s->bulk_indexes[i]);
    if (st == BC_OK)
        st = exec_sql(s, "COMMIT");
    if (st != BC_OK)
        store_rollback(s);
    return st;
}

/* What the load did not check row by row, checked once over the tables:
 * every reference resolves (the load ran with foreign keys off), no
 * subscription has more users than seats, and every seat holder belongs to
 * the subscription's account. The first problem found is kept as the
 * store's message. */
static enum bc_status bulk_check(struct store *s)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        char msg[256];
        snprintf(msg, sizeof msg, "bulk load: a row of %s (rowid %lld) refers to a missing row of %s",
                 (const char *)sqlite3_column_text(q, 0), (long long)sqlite3_column_int64(q, 1),
                 (const char *)sqlite3_column_text(q, 2));
        sqlite3_finalize(q);
        store_note(s, msg);
        return BC_DB_ERROR;
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return store_fail(s, rc);
    rc = sqlite3_prepare_v2(s->db,
        "SELECT a.subscription_id, count(*) > s.seats FROM seat_assignments a"
        " JOIN subscriptions s ON s.id = a.subscription_id JOIN users u ON u.id = a.user_id"
        " GROUP BY a.subscription_id"
        " HAVING count(*) > s.seats OR sum(u.account_id <> s.account_id) > 0 LIMIT 1",
        -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        bool over = sqlite3_column_int(q, 1) != 0;
        char msg[256];
        snprintf(msg, sizeof msg, "bulk load: subscription %lld: %s",
                 (long long)sqlite3_column_int64(q, 0),
                 over ? "more users than seats" : "a seat holder of another account");
        sqlite3_finalize(q);
        store_note(s, msg);
        return over ? BC_SEATS_EXHAUSTED : BC_INVALID_ARGUMENT;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? BC_OK : store_fail(s, rc);
}

/* Appends to `where` (capacity `size`) " OR NOT (<expr>)" for each CHECK
 * constraint in a CREATE TABLE text, skipping quoted text; false when one
 * does not fit or is unbalanced. *n counts them. */
static bool bulk_check_exprs(const char *sql, char *where, size_t size, int *n)
{
    size_t used = strlen(where);
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
            quote = *p == '[' ? ']' : *p;
            continue;
        }
        bool word = (p == sql || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))
                    && strncasecmp(p, "CHECK", 5) == 0;
        if (!word)
            continue;
        const char *q = p + 5;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        if (*q != '(')
            continue;
        const char *start = q;
        int depth = 0;
        char inq = 0;
        for (; *q; q++) {
            if (inq) {
                if (*q == inq)
                    inq = 0;
            } else if (*q == '\'' || *q == '"') {
                inq = *q;
            } else if (*q == '(') {
                depth++;
            } else if (*q == ')' && --depth == 0) {
                break;
            }
        }
        if (!*q)
            return false;
        int len = (int)(q - start + 1);
        int w = snprintf(where + used, size - used, "%sNOT %.*s", *n ? " OR " : "", len, start);
        if (w < 0 || (size_t)w >= size - used)
            return false;
        used += (size_t)w;
        (*n)++;
        p = q;
    }
    return true;
}

/* The load ran with CHECK constraints off (PRAGMA ignore_check_constraints:
 * SQLite evaluates an IN list of a CHECK by building a temporary table for
 * every row it writes, a third of the load's CPU). They are checked here
 * instead, one scan per table over all of them, read from the schema's own
 * CREATE TABLE text: a row for which one is false is an error naming it. */
static enum bc_status bulk_check_constraints(struct store *s)
{
    sqlite3_stmt *t = NULL;
    enum bc_status st = BC_OK;
    int rc = sqlite3_prepare_v2(s->db,
        "SELECT name, sql, sql LIKE '%WITHOUT ROWID%' FROM sqlite_master"
        " WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " ORDER BY name", -1, &t, NULL);
    while (st == BC_OK && rc == SQLITE_OK && (rc = sqlite3_step(t)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(t, 0);
        const char *sql = (const char *)sqlite3_column_text(t, 1);
        bool norowid = sqlite3_column_int(t, 2) != 0;
        char where[4096] = "";
        int n = 0;
        rc = SQLITE_OK;
        if (!bulk_check_exprs(sql, where, sizeof where, &n)) {
            store_note(s, "bulk load: a table's CHECK constraints could not be read");
            st = BC_DB_ERROR;
            break;
        }
        if (n == 0)
            continue;
        char *q = sqlite3_mprintf("SELECT %s FROM \"%w\" WHERE %s LIMIT 1",
                                  norowid ? "-1" : "rowid", name, where);
        sqlite3_stmt *c = NULL;
        int crc = q ? sqlite3_prepare_v2(s->db, q, -1, &c, NULL) : SQLITE_NOMEM;
        sqlite3_free(q);
        if (crc == SQLITE_OK && (crc = sqlite3_step(c)) == SQLITE_ROW) {
            char msg[256];
            snprintf(msg, sizeof msg, "bulk load: a row of %s (rowid %lld) fails a CHECK constraint",
                     name, (long long)sqlite3_column_int64(c, 0));
            store_note(s, msg);
            st = BC_DB_ERROR;
        } else if (crc != SQLITE_DONE) {
            st = store_fail(s, crc);
        }
        sqlite3_finalize(c);
    }
    if (st == BC_OK && rc != SQLITE_DONE)
        st = store_fail(s, rc);
    sqlite3_finalize(t);
    return st;
}

enum bc_status store_bulk_load(struct store *s, bool on)
{
    if (!s)
        return BC_INVALID_ARGUMENT;
    if (!sqlite3_get_autocommit(s->db)) {
        /* PRAGMA foreign_keys does nothing inside a transaction. */
        store_note(s, "a bulk load starts and ends outside a transaction");
        return BC_INVALID_ARGUMENT;
    }
    if (on == s->bulk)
        return BC_OK;
    if (on) {
        /* Negative: KiB. */
        /* synchronous = OFF: a crash mid-load leaves a database to make
         * again anyway; the end of the load makes it durable. */
        enum bc_status st = exec_sql(s, "PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF;"
                                        " PRAGMA synchronous = OFF;"
                                        " PRAGMA ignore_check_constraints = ON");
        if (st == BC_OK)
            st = bulk_drop_indexes(s);
        if (st != BC_OK) {
            exec_sql(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                        " PRAGMA ignore_check_constraints = OFF; PRAGMA cache_size = -2000");
            return st;
        }
        s->bulk = true;
        return BC_OK;
    }
    s->bulk = false;
    enum bc_status st = bulk_finish(s);
    s->bulk_first_sub = 0;
    if (st == BC_OK)
        st = bulk_check(s);
    if (st == BC_OK)
        st = bulk_check_constraints(s);
    bulk_forget_indexes(s);
    /* -2000 is SQLite's default cache. The checkpoint, now synchronous
     * again, writes the load into the database file and syncs it. */
    enum bc_status back = exec_sql(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                                      " PRAGMA ignore_check_constraints = OFF;"
                                      " PRAGMA cache_size = -2000; PRAGMA wal_checkpoint(TRUNCATE)");
    return st == BC_OK ? back : st;
}


/* ---------------------------------------------------------------- accounts */

static const struct store_name account_kinds[] = {
    {STORE_ACCOUNT_STANDARD, "standard"}, {STORE_ACCOUNT_CORPORATE, "corporate"},
};

#define ACCOUNT_COLS "id, name, kind, currency, country, vat_number, balance_minor," \
                     " coalesce(billing_contact_id, 0), balance_version, legal_name, address"

void store_account_clear(struct store_account *a)
{
    if (!a)
        return;
    free(a->name);
    free(a->vat_number);
    free(a->legal_name);
    free(a->address);
    memset(a, 0, sizeof *a);
}

void store_account_list_clear(struct store_account_list *l)
{
    STORE_LIST_CLEAR(l, store_account_clear);
}

static enum bc_status read_account(sqlite3_stmt *q, void *item)
{
    struct store_account *a = item;
    bool oom = false;
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(q, 0);
    a->name = store_col_dup(q, 1, &oom);
    a->kind = STORE_NAME_COL(account_kinds, q, 2);
    store_col_copy(q, 3, a->currency, sizeof a->currency);
    store_col_copy(q, 4, a->country, sizeof a->country);
    a->vat_number = store_col_dup(q, 5, &oom);
    a->balance = sqlite3_column_int64(q, 6);
    a->billing_contact_id = sqlite3_column_int64(q, 7);
    a->balance_version = sqlite3_column_int64(q, 8);
    a->legal_name = store_col_dup(q, 9, &oom);
    a->address = store_col_dup(q, 10, &oom);
    if (oom) {
        store_account_clear(a);
        return BC_NO_MEMORY;
    }
    return BC_OK;
}

enum bc_status store_account_get(struct store *s, int64_t id, struct store_account *out)
{
    sqlite3_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = store_prep(s, SL_ACCOUNT_GET,
                                   "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, id);
    return store_one(s, q, read_account, out);
}

/* The exclusive upper bound of every string that starts with `prefix` under
 * NOCASE, which folds ASCII A-Z to a-z and then compares bytes: fold the
 * prefix, then raise its last byte (carrying past 0xFF). '@' + 1 would be
 * 'A', which folds below '@'s successors, so '@' goes to '[' instead. */
static bool prefix_bounds(const char *query, char **low, char **high)
{
    size_t n = strlen(query);
    *low = malloc(n + 1);
    *high = malloc(n + 2);
    if (!*low || !*high)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = query[i];
        (*low)[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    memcpy(*high, *low, n + 1);
    size_t k = n;
    while (k > 0 && (unsigned char)(*high)[k - 1] == 0xff)
        k--;
    if (k == 0) {
        /* Empty prefix (or all 0xFF): above every UTF-8 string. */
        (*high)[0] = (char)0xf5;
        (*high)[1] = '\0';
        return true;
    }
    unsigned char c = (unsigned char)(*high)[k - 1];
    (*high)[k - 1] = (char)(c == '@' ? '[' : c + 1);
    (*high)[k] = '\0';
    return true;
}

/* Each branch stops at `limit` rows through its own index; the outer query
 * only ranks the few ids that survive. ?1 the id (NULL unless the query is
 * a number without leading zeros), ?2/?3 the folded prefix range, ?4 the
 * limit, ?5 the FTS5 query (every word of the query as a prefix), ?6 the
 * query as typed. Branches: the ids that start with the query's digits (the
 * id itself, then ten times it onwards, each a rowid range); the names and
 * the e-mails that start with the query; the accounts with a word of the
 * name, or a contact with words of the e-mail, starting with each word of
 * the query (FTS5 returns them in rowid order, so the limit stops it).
 * Ranks: the id itself, the name itself, a name that starts with the query,
 * an e-mail that starts with it, a word match, an id that starts with it;
 * within a rank the oldest account first (in a demo database the showcase
 * accounts 1-10). */
static const char search_sql[] =
    "WITH RECURSIVE ids(lo, hi) AS ("
    "  SELECT ?1, ?1 + 1 WHERE ?1 IS NOT NULL"
    "  UNION ALL SELECT lo * 10, hi * 10 FROM ids"
    "    WHERE lo <= (SELECT max(id) FROM accounts) / 10),"
    " hits(id, rank) AS ("
    "  SELECT id, 5 FROM (SELECT accounts.id FROM ids CROSS JOIN accounts"
    "    WHERE accounts.id >= ids.lo AND accounts.id < ids.hi LIMIT ?4)"
    "  UNION ALL SELECT id, 4 FROM (SELECT id FROM accounts"
    "    WHERE name >= ?2 COLLATE NOCASE AND name < ?3 COLLATE NOCASE"
    "    ORDER BY name COLLATE NOCASE LIMIT ?4)"
    "  UNION ALL SELECT account_id, 3 FROM (SELECT account_id FROM contacts"
    "    WHERE email >= ?2 AND email < ?3 ORDER BY email LIMIT ?4)"
    "  UNION ALL SELECT rowid, 4 FROM (SELECT rowid FROM account_words"
    "    WHERE account_words MATCH ?5 ORDER BY rowid LIMIT ?4)"
    "  UNION ALL SELECT contacts.account_id, 4 FROM (SELECT rowid AS cid FROM contact_words"
    "    WHERE contact_words MATCH ?5 ORDER BY rowid LIMIT ?4)"
    "    CROSS JOIN contacts ON contacts.id = cid),"
    " best(hit, rank) AS (SELECT id, min(rank) FROM hits GROUP BY id)"
    " SELECT " ACCOUNT_COLS " FROM best CROSS JOIN accounts ON accounts.id = best.hit"
    " ORDER BY CASE"
    "   WHEN accounts.id = ?1 THEN 0"
    "   WHEN accounts.name = ?6 COLLATE NOCASE THEN 1"
    "   WHEN accounts.name >= ?2 COLLATE NOCASE AND accounts.name < ?3 COLLATE NOCASE THEN 2"
    "   ELSE best.rank END, accounts.id LIMIT ?4";

/* The first pass of a search, which answers it alone when it can: when
 * fewer than SEARCH_NAMES_CAP names and fewer than SEARCH_EMAILS_CAP
 * e-mails start with the query (counted through their indexes, ?1 and ?4
 * the caps, ?2/?3 the prefix range; an e-mail costs a row read for its
 * account, a name does not), every hit of the first ranks is known: the id
 * itself, the name itself, the names and the e-mails that start with the
 * query. When they are `limit` accounts or more, they are the answer, the
 * oldest first within a rank as search_sql orders them (ranked from the
 * name index alone, whose entries hold the name: only the `limit` accounts
 * answered are read from the table), and the word tables
 * are not read: a word query of several prefixes longer than the prefix
 * indexes merges every term each prefix starts, which at a million
 * accounts costs milliseconds, while a few hundred index entries cost
 * microseconds. When the names alone fill the limit the e-mails, which rank
 * below them, are not read (?5 = 0). Short prefixes (thousands of names) go
 * to search_sql, whose branches stop at the limit. Parameters as
 * search_sql's but ?5, whether to read the e-mails. */
#define SEARCH_NAMES_CAP 4096
#define SEARCH_EMAILS_CAP 512
static const char search_count_sql[] =
    "SELECT (SELECT count(*) FROM (SELECT 1 FROM accounts"
    "    WHERE name >= ?2 COLLATE NOCASE AND name < ?3 COLLATE NOCASE LIMIT ?1)),"
    "  (SELECT count(*) FROM (SELECT 1 FROM contacts"
    "    WHERE email >= ?2 AND email < ?3 LIMIT ?4))";
static const char search_first_sql[] =
    "WITH hits(id, rank) AS ("
    "  SELECT id, 0 FROM accounts WHERE id = ?1"
    "  UNION ALL SELECT id, CASE WHEN name = ?6 COLLATE NOCASE THEN 1 ELSE 2 END FROM accounts"
    "    WHERE name >= ?2 COLLATE NOCASE AND name < ?3 COLLATE NOCASE"
    "  UNION ALL SELECT account_id, 3 FROM contacts WHERE ?5 AND email >= ?2 AND email < ?3),"
    " best(hit, rank) AS (SELECT id, min(rank) FROM hits GROUP BY id ORDER BY 2, 1 LIMIT ?4)"
    " SELECT " ACCOUNT_COLS " FROM best CROSS JOIN accounts ON accounts.id = best.hit"
    " ORDER BY best.rank, best.hit";

/* Whether the first pass can answer: the names under their cap and at
 * least `limit` (then *emails is false), or both under their caps and
 * together at least `limit`. */
static enum bc_status search_first_fits(struct store *s, const char *low, const char *high,
                                        size_t limit, bool *fits, bool *emails_too)
{
    sqlite3_stmt *q;
    *fits = false;
    *emails_too = false;
    enum bc_status st = store_prep(s, SL_ACCOUNT_SEARCH_COUNT, search_count_sql, &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int(q, 1, SEARCH_NAMES_CAP);
    sqlite3_bind_int(q, 4, SEARCH_EMAILS_CAP);
    sqlite3_bind_text(q, 2, low, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, high, -1, SQLITE_STATIC);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    int64_t names = sqlite3_column_int64(q, 0), emails = sqlite3_column_int64(q, 1);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (names >= SEARCH_NAMES_CAP)
        return BC_OK;
    if ((uint64_t)names >= (uint64_t)limit)
        *fits = true;
    else if (emails < SEARCH_EMAILS_CAP && (uint64_t)(names + emails) >= (uint64_t)limit)
        *fits = *emails_too = true;
    return BC_OK;
}

enum bc_status store_search_plan_for_test(struct store *s, char *buf, size_t size)
{
    char sql[sizeof search_sql + 32];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", search_sql);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc);
    size_t used = 0;
    buf[0] = '\0';
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && used < size) {
        int n = snprintf(buf + used, size - used, "%s\n", (const char *)sqlite3_column_text(q, 3));
        used += n > 0 ? (size_t)n : 0;
    }
    enum bc_status st = rc == SQLITE_DONE || rc == SQLITE_ROW ? BC_OK : store_fail(s, rc);
    sqlite3_finalize(q);
    return st;
}

/* The id a query names when it is a number without leading zeros. */
static bool query_id(const char *q, int64_t *id)
{
    size_t n = strlen(q);
    if (n == 0 || n > 18 || q[0] == '0')
        return false;
    for (size_t i = 0; i < n; i++)
        if (q[i] < '0' || q[i] > '9')
            return false;
    *id = strtoll(q, NULL, 10);
    return true;
}

/* The FTS5 query of `query`: each run of letters and digits (bytes of
 * UTF-8 sequences count as letters) quoted and starred, so that it is a
 * prefix and nothing in it is FTS5 syntax; the words are ANDed. With no
 * word, the empty phrase "", which matches nothing. */
static char *words_query(const char *query)
{
    size_t n = strlen(query);
    /* Each word w becomes "w"* and a space: at most w + 4 bytes, and one
     * separator at least between words, so one-letter words ("a+b+c")
     * need 5 bytes per 2 of the query: 3n + 8 always holds it. */
    char *out = malloc(3 * n + 8);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)query[i];
        bool word = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                    (c >= 'A' && c <= 'Z');
        if (!word) {
            i++;
            continue;
        }
        if (o)
            out[o++] = ' ';
        out[o++] = '"';
        while (i < n) {
            c = (unsigned char)query[i];
            if (!(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                  (c >= 'A' && c <= 'Z')))
                break;
            out[o++] = query[i++];
        }
        out[o++] = '"';
        out[o++] = '*';
    }
    if (o == 0) {
        out[o++] = '"';
        out[o++] = '"';
    }
    out[o] = '\0';
    return out;
}

enum bc_status store_account_search(struct store *s, const char *query, size_t limit,
                                    struct store_account_list *out)
{
    out->items = NULL;
    out->n = 0;
    if (!query)
        return BC_INVALID_ARGUMENT;
    if (limit == 0)
        return BC_OK;
    char *low = NULL, *high = NULL, *words = NULL;
    enum bc_status st = BC_NO_MEMORY;
    if (!prefix_bounds(query, &low, &high) || !(words = words_query(query)))
        goto done;
    bool first, emails_too;
    if ((st = search_first_fits(s, low, high, limit, &first, &emails_too)) != BC_OK)
        goto done;
    int64_t id;
    bool is_id = query_id(query, &id);
    /* The first pass when it may answer; the whole search when it did not. */
    for (int pass = first ? 0 : 1; pass < 2 && st == BC_OK && out->n < limit; pass++) {
        store_account_list_clear(out);
        sqlite3_stmt *q;
        st = pass == 0 ? store_prep(s, SL_ACCOUNT_SEARCH_FIRST, search_first_sql, &q)
                       : store_prep(s, SL_ACCOUNT_SEARCH, search_sql, &q);
        if (st != BC_OK)
            break;
        if (is_id)
            sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_text(q, 2, low, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, high, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 4, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
        if (pass == 1)
            sqlite3_bind_text(q, 5, words, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int(q, 5, emails_too);
        sqlite3_bind_text(q, 6, query, -1, SQLITE_STATIC);
        st = STORE_ROWS(s, q, out, read_account);
        sqlite3_clear_bindings(q);   /* low/high/words are freed below */
    }
    if (st != BC_OK)
        store_account_list_clear(out);
done:
    free(low);
    free(high);
    free(words);
    return st;
}

enum bc_status store_account_insert(struct store *s, struct store_account *a)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_ACCOUNT_INSERT,
        "INSERT INTO accounts(name, kind, currency, country, vat_number, balance_minor,"
        " billing_contact_id, balance_version, legal_name, address)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &q);
    if (st != BC_OK)
        return st;
    store_bind_text(q, 1, a->name);
    sqlite3_bind_text(q, 2, STORE_NAME_TEXT(account_kinds, a->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, a->currency, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, a->country, -1, SQLITE_TRANSIENT);
    store_bind_text(q, 5, a->vat_number);
    sqlite3_bind_int64(q, 6, a->balance);
    if (a->billing_contact_id > 0)
        sqlite3_bind_int64(q, 7, a->billing_contact_id);
    sqlite3_bind_int64(q, 8, a->balance_version);
    store_bind_text(q, 9, a->legal_name);
    store_bind_text(q, 10, a->address);
    st = store_run(s, q);
    if (st == BC_OK)
        a->id = sqlite3_last_insert_rowid(s->db);
    return st;
}

enum bc_status store_account_set_vat(struct store *s, int64_t account_id, const char *vat_number,
                                     const char *country)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_ACCOUNT_SET_VAT,
        "UPDATE accounts SET vat_number = ?2, country = coalesce(?3, country) WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    store_bind_text(q, 2, vat_number);
    store_bind_text(q, 3, country);
    return store_run_changed(s, q);
}

int64_t store_account_count(struct store *s)
{
    sqlite3_stmt *q;
    int64_t n;
    if (store_prep(s, SL_ACCOUNT_COUNT, "SELECT count(*) FROM accounts", &q) != BC_OK ||
        store_int64(s, q, &n) != BC_OK)
        return -1;
    return n;
}

enum bc_status store_account_update(struct store *s, const struct store_account *a)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_ACCOUNT_UPDATE,
        "UPDATE accounts SET name = ?2, kind = ?3, country = ?4, vat_number = ?5,"
        " legal_name = ?6, address = ?7 WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, a->id);
    store_bind_text(q, 2, a->name);
    sqlite3_bind_text(q, 3, STORE_NAME_TEXT(account_kinds, a->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, a->country, -1, SQLITE_TRANSIENT);
    store_bind_text(q, 5, a->vat_number);
    store_bind_text(q, 6, a->legal_name);
    store_bind_text(q, 7, a->address);
    return store_run_changed(s, q);
}

enum bc_status store_accounts_insert(struct store *s, struct store_account *accounts,
                                     struct store_contact *contacts, size_t n, size_t *failed)
{
    bool own = false;
    size_t i = 0;
    enum bc_status st = store_tx_begin(s, &own);

    for (; st == BC_OK && i < n; i++) {
        st = store_account_insert(s, &accounts[i]);
        if (st == BC_OK && contacts && contacts[i].email) {
            contacts[i].account_id = accounts[i].id;
            contacts[i].role = STORE_ROLE_BILLING;
            st = store_contact_insert(s, &contacts[i]);
            if (st == BC_OK)
                accounts[i].billing_contact_id = contacts[i].id;
        }
    }
    if (st != BC_OK && failed)
        *failed = i > 0 ? i - 1 : 0;
    return store_tx_end(s, own, st);
}

/* ---------------------------------------------------------------- contacts */

#define CONTACT_COLS "id, account_id, name, email, role, pin_hash, failed_attempts, locked_until"

void store_contact_clear(struct store_contact *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->email);
    free(c->pin_hash);
    memset(c, 0, sizeof *c);
}

void store_contact_list_clear(struct store_contact_list *l)
{
    STORE_LIST_CLEAR(l, store_contact_clear);
}

static const struct store_name contact_roles[] = {
    {STORE_ROLE_USER, "user"}, {STORE_ROLE_BILLING, "billing"}, {STORE_ROLE_ADMIN, "admin"},
};

static enum bc_status read_contact(sqlite3_stmt *q, void *item)
{
    struct store_contact *c = item;
    bool oom = false;
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(q, 0);
    c->account_id = sqlite3_column_int64(q, 1);
    c->name = store_col_dup(q, 2, &oom);
    c->email = store_col_dup(q, 3, &oom);
    c->role = STORE_NAME_COL(contact_roles, q, 4);
    c->pin_hash = store_col_dup(q, 5, &oom);
    c->failed_attempts = sqlite3_column_int(q, 6);
    c->locked_until = sqlite3_column_int64(q, 7);
    if (oom) {
        store_contact_clear(c);
        return BC_NO_MEMORY;
    }
    return BC_OK;
}

static enum bc_status contact_one(struct store *s, enum store_slot slot, const char *sql,
                                  int64_t id, const char *text, struct store_contact *out)
{
    sqlite3_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = store_prep(s, slot, sql, &q);
    if (st != BC_OK)
        return st;
    if (text)
        sqlite3_bind_text(q, 1, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(q, 1, id);
    return store_one(s, q, read_contact, out);
}

enum bc_status store_contact_get(struct store *s, int64_t id, struct store_contact *out)
{
    return contact_one(s, SL_CONTACT_GET,
                       "SELECT " CONTACT_COLS " FROM contacts WHERE id = ?1", id, NULL, out);
}

enum bc_status store_contact_by_email(struct store *s, const char *email, struct store_contact *out)
{
    if (!email) {
        memset(out, 0, sizeof *out);
        return BC_INVALID_ARGUMENT;
    }
    return contact_one(s, SL_CONTACT_BY_EMAIL,
                       "SELECT " CONTACT_COLS " FROM contacts WHERE email = ?1", 0, email, out);
}

enum bc_status store_contacts(struct store *s, int64_t account_id, struct store_contact_list *out)
{
    out->items = NULL;
    out->n = 0;
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_CONTACTS,
        "SELECT " CONTACT_COLS " FROM contacts WHERE account_id = ?1 ORDER BY id", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    if ((st = STORE_ROWS(s, q, out, read_contact)) != BC_OK)
        store_contact_list_clear(out);
    return st;
}

/* A billing contact becomes the account's billing contact when it has none. */
enum bc_status store_contact_insert(struct store *s, struct store_contact *c)
{
    /* Only a billing contact needs a second statement, hence a transaction. */
    bool billing = c->role == STORE_ROLE_BILLING, own = false;
    enum bc_status st = billing ? store_tx_begin(s, &own) : BC_OK;
    if (st != BC_OK)
        return st;
    sqlite3_stmt *q;
    st = store_prep(s, SL_CONTACT_INSERT,
        "INSERT INTO contacts(account_id, name, email, role, pin_hash, failed_attempts,"
        " locked_until) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &q);
    if (st == BC_OK) {
        sqlite3_bind_int64(q, 1, c->account_id);
        store_bind_text(q, 2, c->name);
        store_bind_text(q, 3, c->email);
        sqlite3_bind_text(q, 4, STORE_NAME_TEXT(contact_roles, c->role), -1, SQLITE_STATIC);
        store_bind_text(q, 5, c->pin_hash);
        sqlite3_bind_int(q, 6, c->failed_attempts);
        sqlite3_bind_int64(q, 7, c->locked_until);
        st = store_run(s, q);
    }
    int64_t id = sqlite3_last_insert_rowid(s->db);
    if (st == BC_OK && billing) {
        st = store_prep(s, SL_CONTACT_SET_BILLING,
            "UPDATE accounts SET billing_contact_id = ?2"
            " WHERE id = ?1 AND billing_contact_id IS NULL", &q);
        if (st == BC_OK) {
            sqlite3_bind_int64(q, 1, c->account_id);
            sqlite3_bind_int64(q, 2, id);
            st = store_run(s, q);
        }
    }
    if (billing)
        st = store_tx_end(s, own, st);
    if (st == BC_OK)
        c->id = id;
    return st;
}

enum bc_status store_contact_set_pin(struct store *s, int64_t contact_id, const char *pin_hash)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_CONTACT_SET_PIN,
        "UPDATE contacts SET pin_hash = ?2, failed_attempts = 0, locked_until = 0"
        " WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, contact_id);
    store_bind_text(q, 2, pin_hash);
    return store_run_changed(s, q);
}

enum bc_status store_contact_sign_in_result(struct store *s, int64_t contact_id, bool ok,
                                            int failed_attempts, int64_t locked_until)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_CONTACT_SIGN_IN,
        "UPDATE contacts SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, contact_id);
    sqlite3_bind_int(q, 2, ok ? 0 : failed_attempts);
    sqlite3_bind_int64(q, 3, ok ? 0 : locked_until);
    return store_run_changed(s, q);
}

/* ---------------------------------------------------------------- users */

void store_user_clear(struct store_user *u)
{
    if (!u)
        return;
    free(u->name);
    free(u->email);
    memset(u, 0, sizeof *u);
}

void store_user_list_clear(struct store_user_list *l)
{
    STORE_LIST_CLEAR(l, store_user_clear);
}

static enum bc_status read_user(sqlite3_stmt *q, void *item)
{
    struct store_user *u = item;
    bool oom = false;
    u->id = sqlite3_column_int64(q, 0);
    u->account_id = sqlite3_column_int64(q, 1);
    u->name = store_col_dup(q, 2, &oom);
    u->email = store_col_dup(q, 3, &oom);
    return oom ? BC_NO_MEMORY : BC_OK;
}

enum bc_status store_users(struct store *s, int64_t account_id, struct store_user_list *out)
{
    out->items = NULL;
    out->n = 0;
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_USERS,
        "SELECT id, account_id, name, email FROM users WHERE account_id = ?1 ORDER BY id", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    if ((st = STORE_ROWS(s, q, out, read_user)) != BC_OK)
        store_user_list_clear(out);
    return st;
}

enum bc_status store_user_insert(struct store *s, struct store_user *u)
{
    sqlite3_stmt *q;
    /* One statement: the check and the insert cannot be split by another
     * writer. */
    enum bc_status st = store_prep(s, SL_USER_INSERT,
        "INSERT INTO users(account_id, name, email) SELECT ?1, ?2, ?3"
        " WHERE NOT EXISTS (SELECT 1 FROM users WHERE account_id = ?1"
        " AND lower(email) = lower(?3))", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, u->account_id);
    store_bind_text(q, 2, u->name);
    store_bind_text(q, 3, u->email);
    st = store_run(s, q);
    if (st == BC_OK && sqlite3_changes(s->db) == 0) {
        store_note(s, "the account already has a user with that e-mail");
        return BC_DUPLICATE_USER_EMAIL;
    }
    if (st == BC_OK)
        u->id = sqlite3_last_insert_rowid(s->db);
    return st;
}

static enum bc_status user_delete(struct store *s, int64_t account_id, int64_t user_id,
                                  int *seats_freed)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_USER_SEATS_DELETE,
        "DELETE FROM seat_assignments WHERE user_id = ?1"
        " AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND account_id = ?2)", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, user_id);
    sqlite3_bind_int64(q, 2, account_id);
    if ((st = store_run(s, q)) != BC_OK)
        return st;
    int freed = sqlite3_changes(s->db);
    if ((st = store_prep(s, SL_USER_DELETE,
                         "DELETE FROM users WHERE id = ?1 AND account_id = ?2", &q)) != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, user_id);
    sqlite3_bind_int64(q, 2, account_id);
    if ((st = store_run(s, q)) != BC_OK)
        return st;
    if (sqlite3_changes(s->db) == 0)
        return BC_NOT_FOUND;
    if (seats_freed)
        *seats_freed = freed;
    return BC_OK;
}

enum bc_status store_user_delete(struct store *s, int64_t account_id, int64_t user_id,
                                 int *seats_freed)
{
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    return store_tx_end(s, own, user_delete(s, account_id, user_id, seats_freed));
}

/* `head` followed by `rows` copies of `row` joined by commas, prepared
 * once into slots[rows] (1 <= rows <= STORE_ROWS_MAX), reset and unbound. */
static enum bc_status rows_stmt(struct store *s, sqlite3_stmt **slots, size_t rows,
                                const char *head, const char *row, sqlite3_stmt **out)
{
    if (!slots[rows]) {
        char sql[1024];
        size_t used = (size_t)snprintf(sql, sizeof sql, "%s", head);
        for (size_t i = 0; i < rows && used < sizeof sql; i++)
            used += (size_t)snprintf(sql + used, sizeof sql - used, "%s%s", i ? ", " : "", row);
        if (used >= sizeof sql)
            return BC_INVALID_ARGUMENT;
        int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slots[rows], NULL);
        if (rc != SQLITE_OK)
            return store_fail(s, rc);
    } else {
        sqlite3_reset(slots[rows]);
        sqlite3_clear_bindings(slots[rows]);
    }
    *out = slots[rows];
    return BC_OK;
}

enum bc_status store_users_insert(struct store *s, int64_t account_id, struct store_user *users,
                                  size_t n)
{
    enum bc_status st = BC_OK;
    for (size_t done = 0; st == BC_OK && done < n;) {
        size_t rows = n - done < STORE_ROWS_MAX ? n - done : STORE_ROWS_MAX;
        sqlite3_stmt *q;
        st = rows_stmt(s, s->users_rows, rows, "INSERT INTO users(account_id, name, email) VALUES",
                       "(?, ?, ?)", &q);
        for (size_t i = 0; st == BC_OK && i < rows; i++) {
            sqlite3_bind_int64(q, (int)(3 * i + 1), account_id);
            store_bind_text(q, (int)(3 * i + 2), users[done + i].name);
            store_bind_text(q, (int)(3 * i + 3), users[done + i].email);
        }
        if (st == BC_OK)
            st = store_run(s, q);
        if (st == BC_OK) {
            /* One statement's new rowids are consecutive (each is the
             * largest so far plus one), so the last one names them all. */
            int64_t last = sqlite3_last_insert_rowid(s->db);
            for (size_t i = 0; i < rows; i++) {
                users[done + i].id = last - (int64_t)(rows - 1 - i);
                users[done + i].account_id = account_id;
            }
            done += rows;
        }
    }
    return st;
}

/* ---------------------------------------------------------------- subscriptions */

#define SUB_COLS "id, account_id, product, plan, seats," \
    " (SELECT count(*) FROM seat_assignments a WHERE a.subscription_id = subscriptions.id)," \
    " period, status, period_start, period_end, item_start, anchor_day, billed_minor," \
    " credited_minor, price_minor, version"

void store_subscription_clear(struct store_subscription *x)
{
    if (!x)
        return;
    free(x->product);
    free(x->plan);
    memset(x, 0, sizeof *x);
}

void store_subscription_list_clear(struct store_subscription_list *l)
{
    STORE_LIST_CLEAR(l, store_subscription_clear);
}

static const struct store_name sub_statuses[] = {
    {STORE_SUB_ACTIVE, "active"}, {STORE_SUB_TRIAL, "trial"}, {STORE_SUB_TRIAL_ENDED, "trial_ended"},
};

static enum bc_status read_sub(sqlite3_stmt *q, void *item)
{
    struct store_subscription *x = item;
    bool oom = false;
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(q, 0);
    x->account_id = sqlite3_column_int64(q, 1);
    x->product = store_col_dup(q, 2, &oom);
    x->plan = store_col_dup(q, 3, &oom);
    x->seats = sqlite3_column_int(q, 4);
    x->seats_assigned = sqlite3_column_int(q, 5);
    x->period = col_period(q, 6);
    x->status = STORE_NAME_COL(sub_statuses, q, 7);
    x->period_start = (bc_day)sqlite3_column_int(q, 8);
    x->period_end = (bc_day)sqlite3_column_int(q, 9);
    x->item_start = (bc_day)sqlite3_column_int(q, 10);
    x->anchor_day = sqlite3_column_int(q, 11);
    x->billed = sqlite3_column_int64(q, 12);
    x->credited = sqlite3_column_int64(q, 13);
    x->price = sqlite3_column_int64(q, 14);
    x->version = sqlite3_column_int64(q, 15);
    if (oom) {
        store_subscription_clear(x);
        return BC_NO_MEMORY;
    }
    return BC_OK;
}

enum bc_status store_subscriptions(struct store *s, int64_t account_id,
                                   struct store_subscription_list *out)
{
    out->items = NULL;
    out->n = 0;
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_SUBS,
        "SELECT " SUB_COLS " FROM subscriptions WHERE account_id = ?1 ORDER BY product, id", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    if ((st = STORE_ROWS(s, q, out, read_sub)) != BC_OK)
        store_subscription_list_clear(out);
    return st;
}

enum bc_status store_subscription_get(struct store *s, int64_t id, struct store_subscription *out)
{
    sqlite3_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = store_prep(s, SL_SUB_GET,
        "SELECT " SUB_COLS " FROM subscriptions WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, id);
    return store_one(s, q, read_sub, out);
}

/* Binds one subscription's 13 insert parameters from `base` + 1 on. */
static void bind_sub(sqlite3_stmt *q, int base, const struct store_subscription *x)
{
    sqlite3_bind_int64(q, base + 1, x->account_id);
    store_bind_text(q, base + 2, x->product);
    store_bind_text(q, base + 3, x->plan);
    sqlite3_bind_int(q, base + 4, x->seats);
    sqlite3_bind_text(q, base + 5, store_period_text(x->period), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, base + 6, STORE_NAME_TEXT(sub_statuses, x->status), -1, SQLITE_STATIC);
    sqlite3_bind_int(q, base + 7, x->period_start);
    sqlite3_bind_int(q, base + 8, x->period_end);
    sqlite3_bind_int(q, base + 9, x->item_start);
    sqlite3_bind_int(q, base + 10, x->anchor_day);
    sqlite3_bind_int64(q, base + 11, x->billed);
    sqlite3_bind_int64(q, base + 12, x->credited);
    sqlite3_bind_int64(q, base + 13, x->price);
}

#define SUB_INSERT_HEAD "INSERT INTO subscriptions(account_id, product, plan, seats, period," \
    " status, period_start, period_end, item_start, anchor_day, billed_minor, credited_minor," \
    " price_minor, version) VALUES"

/* The history rows of new subscriptions first..last: in a bulk load's
 * transaction left to the load's end (bulk_finish), else written now. */
static enum bc_status subs_history(struct store *s, bool own, int64_t first, int64_t last)
{
    if (s->bulk && !own) {
        if (s->bulk_first_sub == 0)
            s->bulk_first_sub = first;
        return BC_OK;
    }
    enum bc_status st = BC_OK;
    for (int64_t id = first; st == BC_OK && id <= last; id++)
        st = store_history_append(s, id, 0);
    return st;
}

/* An id that the catalog could not hold, or a NULL one. */
static bool id_too_long(const char *id)
{
    return !id || strlen(id) > BC_ID_MAX;
}

enum bc_status store_subscription_insert(struct store *s, struct store_subscription *x)
{
    bool own;
    if (id_too_long(x->product) || id_too_long(x->plan))
        return BC_INVALID_ARGUMENT;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    sqlite3_stmt *q;
    int64_t id = 0;
    st = store_prep(s, SL_SUB_INSERT,
        SUB_INSERT_HEAD " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)", &q);
    if (st == BC_OK) {
        bind_sub(q, 0, x);
        st = store_run(s, q);
        id = sqlite3_last_insert_rowid(s->db);
    }
    if (st == BC_OK)
        st = subs_history(s, own, id, id);
    st = store_tx_end(s, own, st);
    if (st == BC_OK) {
        x->id = id;
        x->version = 1;
    }
    return st;
}

enum bc_status store_subscriptions_insert(struct store *s, struct store_subscription *subs,
                                          size_t n)
{
    if (n > 0 && !subs)
        return BC_INVALID_ARGUMENT;
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    for (size_t done = 0; st == BC_OK && done < n;) {
        size_t rows = n - done < STORE_ROWS_MAX ? n - done : STORE_ROWS_MAX;
        sqlite3_stmt *q;
        st = rows_stmt(s, s->subs_rows, rows, SUB_INSERT_HEAD,
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", &q);
        for (size_t i = 0; st == BC_OK && i < rows; i++)
            bind_sub(q, (int)(13 * i), &subs[done + i]);
        if (st == BC_OK)
            st = store_run(s, q);
        if (st == BC_OK) {
            /* Consecutive rowids, as in store_users_insert. */
            int64_t last = sqlite3_last_insert_rowid(s->db);
            st = subs_history(s, own, last - (int64_t)(rows - 1), last);
            for (size_t i = 0; i < rows; i++) {
                subs[done + i].id = last - (int64_t)(rows - 1 - i);
                subs[done + i].version = 1;
            }
            done += rows;
        }
    }
    st = store_tx_end(s, own, st);
    for (size_t i = 0; st != BC_OK && i < n; i++)
        subs[i].id = 0;
    return st;
}

enum bc_status store_history_append(struct store *s, int64_t subscription_id, int64_t order_id)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_HISTORY_INSERT,
        "INSERT INTO subscription_history(subscription_id, version, plan, seats, period,"
        " period_start, period_end, item_start, billed_minor, price_minor, order_id)"
        " SELECT id, version, plan, seats, period, period_start, period_end, item_start,"
        " billed_minor, price_minor, ?2 FROM subscriptions WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, subscription_id);
    if (order_id > 0)
        sqlite3_bind_int64(q, 2, order_id);
    return store_run_changed(s, q);   /* one row at most: the id is the key */
}

/* ---------------------------------------------------------------- seats */

void store_seat_list_clear(struct store_seat_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].email);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

enum bc_status store_sub_state(struct store *s, int64_t id, int64_t *version, int *seats,
                               int *assigned, int64_t *account_id)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_SUB_STATE,
        "SELECT version, seats, (SELECT count(*) FROM seat_assignments a"
        " WHERE a.subscription_id = subscriptions.id), account_id"
        " FROM subscriptions WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, id);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    *version = sqlite3_column_int64(q, 0);
    *seats = sqlite3_column_int(q, 1);
    *assigned = sqlite3_column_int(q, 2);
    *account_id = sqlite3_column_int64(q, 3);
    sqlite3_reset(q);
    return BC_OK;
}

static enum bc_status read_seat(sqlite3_stmt *q, void *item)
{
    struct store_seat *x = item;
    bool oom = false;
    x->user_id = sqlite3_column_int64(q, 0);
    x->name = store_col_dup(q, 1, &oom);
    x->email = store_col_dup(q, 2, &oom);
    x->assigned = sqlite3_column_int(q, 3) != 0;
    return oom ? BC_NO_MEMORY : BC_OK;
}

enum bc_status store_seats(struct store *s, int64_t subscription_id, struct store_seat_list *out)
{
    out->items = NULL;
    out->n = 0;
    int64_t version, account_id;
    int seats, assigned;
    enum bc_status st = store_sub_state(s, subscription_id, &version, &seats, &assigned, &account_id);
    if (st != BC_OK)
        return st;
    sqlite3_stmt *q;
    st = store_prep(s, SL_SEATS,
        "SELECT u.id, u.name, u.email, EXISTS(SELECT 1 FROM seat_assignments a"
        " WHERE a.subscription_id = ?1 AND a.user_id = u.id)"
        " FROM users u WHERE u.account_id = ?2 ORDER BY u.id", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, subscription_id);
    sqlite3_bind_int64(q, 2, account_id);
    if ((st = STORE_ROWS(s, q, out, read_seat)) != BC_OK)
        store_seat_list_clear(out);
    return st;
}

static enum bc_status seat_insert(struct store *s, int64_t subscription_id, int64_t user_id)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_SEAT_ADD, "INSERT INTO seat_assignments(subscription_id,"
                                   " user_id) VALUES(?1, ?2)", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, subscription_id);
    sqlite3_bind_int64(q, 2, user_id);
    return store_run(s, q);
}

static enum bc_status seat_assign(struct store *s, int64_t subscription_id, int64_t user_id)
{
    int64_t version, account_id;
    int seats, assigned;
    enum bc_status st = store_sub_state(s, subscription_id, &version, &seats, &assigned, &account_id);
    if (st != BC_OK)
        return st;
    sqlite3_stmt *q;
    if ((st = store_prep(s, SL_USER_ACCOUNT, "SELECT account_id FROM users WHERE id = ?1", &q)) != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, user_id);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    int64_t user_account = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (user_account != account_id) {
        store_note(s, "the user belongs to another account");
        return BC_INVALID_ARGUMENT;
    }
    if ((st = store_prep(s, SL_SEAT_IS, "SELECT 1 FROM seat_assignments"
                         " WHERE subscription_id = ?1 AND user_id = ?2", &q)) != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, subscription_id);
    sqlite3_bind_int64(q, 2, user_id);
    st = store_row(s, q);
    if (st == BC_OK) {
        sqlite3_reset(q);
        return BC_OK;             /* already holds a seat */
    }
    if (st != BC_NOT_FOUND)
        return st;
    if (assigned >= seats) {
        store_note(s, "every seat is assigned");
        return BC_SEATS_EXHAUSTED;
    }
    return seat_insert(s, subscription_id, user_id);
}

enum bc_status store_seat_set(struct store *s, int64_t subscription_id, int64_t user_id, bool assigned)
{
    if (!assigned) {
        sqlite3_stmt *q;
        enum bc_status st = store_prep(s, SL_SEAT_DEL, "DELETE FROM seat_assignments"
                                       " WHERE subscription_id = ?1 AND user_id = ?2", &q);
        if (st != BC_OK)
            return st;
        sqlite3_bind_int64(q, 1, subscription_id);
        sqlite3_bind_int64(q, 2, user_id);
        return store_run(s, q);
    }
    if (s->bulk && !sqlite3_get_autocommit(s->db))
        return seat_insert(s, subscription_id, user_id);   /* checked at the load's end */
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    return store_tx_end(s, own, seat_assign(s, subscription_id, user_id));
}

enum bc_status store_seats_assign(struct store *s, int64_t subscription_id,
                                  const int64_t *user_ids, size_t n)
{
    enum bc_status st = BC_OK;
    if (!s->bulk || sqlite3_get_autocommit(s->db)) {
        for (size_t i = 0; st == BC_OK && i < n; i++)
            st = store_seat_set(s, subscription_id, user_ids[i], true);
        return st;
    }
    for (size_t done = 0; st == BC_OK && done < n; done += STORE_ROWS_MAX) {
        size_t rows = n - done < STORE_ROWS_MAX ? n - done : STORE_ROWS_MAX;
        sqlite3_stmt *q;
        st = rows_stmt(s, s->seats_rows, rows,
                       "INSERT INTO seat_assignments(subscription_id, user_id) VALUES",
                       "(?, ?)", &q);
        for (size_t i = 0; st == BC_OK && i < rows; i++) {
            sqlite3_bind_int64(q, (int)(2 * i + 1), subscription_id);
            sqlite3_bind_int64(q, (int)(2 * i + 2), user_ids[done + i]);
        }
        if (st == BC_OK)
            st = store_run(s, q);
    }
    return st;
}

/* ---------------------------------------------------------------- cart */

void store_cart_item_clear(struct store_cart_item *c)
{
    if (!c)
        return;
    free(c->product);
    free(c->to_plan);
    memset(c, 0, sizeof *c);
}

void store_cart_clear(struct store_cart *c)
{
    STORE_LIST_CLEAR(c, store_cart_item_clear);
}

static enum bc_status read_cart_item(sqlite3_stmt *q, void *item)
{
    struct store_cart_item *c = item;
    bool oom = false;
    c->subscription_id = sqlite3_column_int64(q, 0);
    c->product = store_col_dup(q, 1, &oom);
    c->to_plan = store_col_dup(q, 2, &oom);
    c->to_seats = sqlite3_column_int(q, 3);
    c->to_period = col_period(q, 4);
    c->base_version = sqlite3_column_int64(q, 5);
    return oom ? BC_NO_MEMORY : BC_OK;
}

enum bc_status store_cart_get(struct store *s, int64_t account_id, struct store_cart *out)
{
    out->items = NULL;
    out->n = 0;
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_CART_GET,
        "SELECT c.subscription_id, s.product, c.to_plan, c.to_seats, c.to_period, c.base_version"
        " FROM cart_items c JOIN subscriptions s ON s.id = c.subscription_id"
        " WHERE c.account_id = ?1 ORDER BY s.product, c.subscription_id", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    if ((st = STORE_ROWS(s, q, out, read_cart_item)) != BC_OK)
        store_cart_clear(out);
    return st;
}

enum bc_status store_cart_put(struct store *s, int64_t account_id, const struct store_cart_item *item)
{
    sqlite3_stmt *q;
    if (id_too_long(item->to_plan))
        return BC_INVALID_ARGUMENT;
    /* Only for a subscription of that account; one item per subscription. */
    enum bc_status st = store_prep(s, SL_CART_PUT,
        "INSERT INTO cart_items(account_id, subscription_id, to_plan, to_seats, to_period,"
        " base_version) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS(SELECT 1 FROM subscriptions"
        " WHERE id = ?2 AND account_id = ?1)"
        " ON CONFLICT(subscription_id) DO UPDATE SET account_id = excluded.account_id,"
        " to_plan = excluded.to_plan, to_seats = excluded.to_seats,"
        " to_period = excluded.to_period, base_version = excluded.base_version", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    sqlite3_bind_int64(q, 2, item->subscription_id);
    store_bind_text(q, 3, item->to_plan);
    sqlite3_bind_int(q, 4, item->to_seats);
    sqlite3_bind_text(q, 5, store_period_text(item->to_period), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 6, item->base_version);
    st = store_run(s, q);
    if (st == BC_OK && sqlite3_changes(s->db) == 0) {
        store_note(s, "no such subscription on this account");
        st = BC_NOT_FOUND;
    }
    return st;
}

enum bc_status store_cart_remove(struct store *s, int64_t account_id, int64_t subscription_id)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_CART_REMOVE,
        "DELETE FROM cart_items WHERE account_id = ?1 AND subscription_id = ?2", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    sqlite3_bind_int64(q, 2, subscription_id);
    return store_run(s, q);
}

/* ---------------------------------------------------------------- card */

enum bc_status store_card_get(struct store *s, int64_t account_id, struct store_card *out)
{
    sqlite3_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = store_prep(s, SL_CARD_GET,
        "SELECT id, brand, last4, exp_month, exp_year FROM payment_methods"
        " WHERE account_id = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    out->id = sqlite3_column_int64(q, 0);
    store_col_copy(q, 1, out->brand, sizeof out->brand);
    store_col_copy(q, 2, out->last4, sizeof out->last4);
    out->exp_month = sqlite3_column_int(q, 3);
    out->exp_year = sqlite3_column_int(q, 4);
    sqlite3_reset(q);
    return BC_OK;
}

enum bc_status store_card_set(struct store *s, int64_t account_id, const struct store_card *card)
{
    sqlite3_stmt *q;
    enum bc_status st = store_prep(s, SL_CARD_SET,
        "INSERT INTO payment_methods(account_id, brand, last4, exp_month, exp_year)"
        " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(account_id) DO UPDATE SET"
        " brand = excluded.brand, last4 = excluded.last4, exp_month = excluded.exp_month,"
        " exp_year = excluded.exp_year", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, account_id);
    sqlite3_bind_text(q, 2, card->brand, (int)strnlen(card->brand, sizeof card->brand), SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 3, card->last4, (int)strnlen(card->last4, sizeof card->last4), SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 4, card->exp_month);
    sqlite3_bind_int(q, 5, card->exp_year);
    return store_run(s, q);
}

/* ------------------------------------------- sign-in failures (schema v2)
 * Kiosk sign-in counts failures per normalised e-mail (store.h). Few calls
 * per sign-in, so the statements are prepared per call rather than cached. */

static enum bc_status sign_in_prepare(struct store *s, const char *sql, sqlite3_stmt **q)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, q, NULL);

    return rc == SQLITE_OK ? BC_OK : store_fail(s, rc);
}

enum bc_status store_sign_in_get(struct store *s, const char *email, int *failures,
                                 int64_t *locked_until)
{
    sqlite3_stmt *q = NULL;
    enum bc_status st;

    *failures = 0;
    *locked_until = 0;
    if (!email)
        return BC_INVALID_ARGUMENT;
    st = sign_in_prepare(s, "SELECT failures, locked_until FROM sign_in_failures"
                            " WHERE email = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_text(q, 1, email, -1, SQLITE_TRANSIENT);
    st = store_row(s, q);
    if (st == BC_OK) {
        *failures = sqlite3_column_int(q, 0);
        *locked_until = sqlite3_column_int64(q, 1);
    } else if (st == BC_NOT_FOUND) {
        st = BC_OK;
    }
    sqlite3_finalize(q);
    return st;
}

enum bc_status store_sign_in_put(struct store *s, const char *email, int failures,
                                 int64_t locked_until)
{
    sqlite3_stmt *q = NULL;
    enum bc_status st;

    if (!email || failures < 0)
        return BC_INVALID_ARGUMENT;
    st = sign_in_prepare(s, "INSERT INTO sign_in_failures(email, failures, locked_until)"
                            " VALUES(?1, ?2, ?3) ON CONFLICT(email) DO UPDATE SET"
                            " failures = excluded.failures,"
                            " locked_until = excluded.locked_until", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_text(q, 1, email, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, failures);
    sqlite3_bind_int64(q, 3, locked_until);
    st = store_run(s, q);
    sqlite3_finalize(q);
    return st;
}

enum bc_status store_sign_in_clear(struct store *s, const char *email)
{
    sqlite3_stmt *q = NULL;
    enum bc_status st;

    if (!email)
        return BC_INVALID_ARGUMENT;
    st = sign_in_prepare(s, "DELETE FROM sign_in_failures WHERE email = ?1", &q);
    if (st != BC_OK)
        return st;
    sqlite3_bind_text(q, 1, email, -1, SQLITE_TRANSIENT);
    st = store_run(s, q);
    sqlite3_finalize(q);
    return st;
}

enum bc_status store_sign_in_prune(struct store *s, int64_t now)
{
    sqlite3_stmt *q = NULL;
    enum bc_status st = sign_in_prepare(s, "DELETE FROM sign_in_failures"
                                           " WHERE locked_until != 0 AND locked_until <= ?1", &q);

    if (st != BC_OK)
        return st;
    sqlite3_bind_int64(q, 1, now);
    st = store_run(s, q);
    sqlite3_finalize(q);
    return st;
}
