/* store_sqlite.c — what only the SQLite engine does: opening a file
 * (permissions, pragmas), the bulk load that drops and rebuilds indexes,
 * and its query plans for the tests. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_internal.h"
#include "store_test.h"

enum bc_status store_sqlite_open(struct store *s, const char *path, enum store_open_mode mode)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT) {
            store_note(s, strerror(errno));
            return BC_IO_ERROR;
        }
        if (mode != STORE_OPEN_CREATE) {
            store_note(s, "no such database file");
            return BC_NOT_FOUND;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            store_note(s, strerror(errno));
            return BC_IO_ERROR;
        }
        if (fd >= 0)
            close(fd);
        if (stat(path, &sb) != 0)
            return BC_IO_ERROR;
    }
    if (!S_ISREG(sb.st_mode)) {
        store_note(s, "not a regular file");
        return BC_IO_ERROR;
    }
    if (sb.st_mode & S_IWOTH)
        return BC_DB_UNSAFE;
    /* A file its owner may not write is opened for reading only, even for
     * root, so that a deliberately read-only database stays untouched. */
    s->readonly = !(sb.st_mode & S_IWUSR) || access(path, W_OK) != 0;
    int rc = db_sqlite_open(path, s->readonly, &s->db);
    if (rc != DB_OK)
        return s->db ? store_fail(s, rc) : BC_NO_MEMORY;
    /* A newer schema is refused before anything is written to the file. */
    struct db_stmt *q = NULL;
    int64_t version = 0;
    if ((rc = db_prepare(s->db, "PRAGMA user_version", &q)) == DB_OK &&
        (rc = db_step(q)) == DB_ROW)
        version = db_column_int64(q, 0);
    db_finalize(q);
    if (rc != DB_ROW)
        return store_fail(s, rc);
    if (version > STORE_SCHEMA_VERSION) {
        store_note(s, "the database schema is newer than this billcenter: upgrade billcenter");
        return BC_DB_NEWER;
    }
    enum bc_status st = BC_OK;
    if (!s->readonly)
        st = store_exec(s, "PRAGMA journal_mode = WAL");
    if (st == BC_OK)
        st = store_exec(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                           "PRAGMA busy_timeout = 5000");
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
    struct db_stmt *q = NULL;
    char **names = NULL;
    enum bc_status st = store_exec(s, "BEGIN IMMEDIATE");
    if (st != BC_OK)
        return st;
    /* Read them all first: SQLite refuses DROP INDEX while the read runs. */
    int rc = db_prepare(s->db, "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND (type = 'index'"
        " OR (type = 'trigger' AND name GLOB '*_words_*'))"
        " AND NOT EXISTS(SELECT 1 FROM accounts) ORDER BY type, name", &q);
    while (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
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
        rc = DB_OK;
    }
    if (st == BC_OK && rc != DB_DONE)
        st = store_fail(s, rc);
    db_finalize(q);
    for (size_t i = 0; st == BC_OK && i < s->bulk_nindexes; i++) {
        char *drop = sqlite3_mprintf("DROP %s \"%w\"",
                                     is_trigger(s->bulk_indexes[i]) ? "TRIGGER" : "INDEX", names[i]);
        st = drop ? store_exec(s, drop) : BC_NO_MEMORY;
        sqlite3_free(drop);
    }
    for (size_t i = 0; names && i < s->bulk_nindexes; i++)
        free(names[i]);
    free(names);
    if (st == BC_OK)
        st = store_exec(s, "COMMIT");
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
    enum bc_status st = store_exec(s, "BEGIN IMMEDIATE");
    if (st == BC_OK && s->bulk_first_sub) {
        struct db_stmt *q = NULL;
        int rc = db_prepare(s->db, "INSERT INTO subscription_history(subscription_id, version, plan, seats, period,"
            " period_start, period_end, item_start, billed_minor, price_minor, order_id)"
            " SELECT id, version, plan, seats, period, period_start, period_end, item_start,"
            " billed_minor, price_minor, NULL FROM subscriptions WHERE id >= ?1"
            " AND NOT EXISTS(SELECT 1 FROM subscription_history h"
            " WHERE h.subscription_id = subscriptions.id) ORDER BY id", &q);
        if (rc == DB_OK) {
            db_bind_int64(q, 1, s->bulk_first_sub);
            st = store_run(s, q);
        } else {
            st = store_fail(s, rc);
        }
        db_finalize(q);
    }
    bool words = false;
    for (size_t i = 0; i < s->bulk_nindexes; i++)
        words = words || is_trigger(s->bulk_indexes[i]);
    if (st == BC_OK && words)
        st = store_exec(s, bulk_words_sql);
    for (size_t i = 0; st == BC_OK && i < s->bulk_nindexes; i++)
        st = store_exec(s, s->bulk_indexes[i]);
    if (st == BC_OK)
        st = store_exec(s, "COMMIT");
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
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db, "PRAGMA foreign_key_check", &q);
    if (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
        char msg[256];
        snprintf(msg, sizeof msg, "bulk load: a row of %s (rowid %lld) refers to a missing row of %s",
                 db_column_text(q, 0), (long long)db_column_int64(q, 1),
                 db_column_text(q, 2));
        db_finalize(q);
        store_note(s, msg);
        return BC_DB_ERROR;
    }
    db_finalize(q);
    if (rc != DB_DONE)
        return store_fail(s, rc);
    rc = db_prepare(s->db, "SELECT a.subscription_id, count(*) > s.seats FROM seat_assignments a"
        " JOIN subscriptions s ON s.id = a.subscription_id JOIN users u ON u.id = a.user_id"
        " GROUP BY a.subscription_id"
        " HAVING count(*) > s.seats OR sum(u.account_id <> s.account_id) > 0 LIMIT 1", &q);
    if (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
        bool over = db_column_int(q, 1) != 0;
        char msg[256];
        snprintf(msg, sizeof msg, "bulk load: subscription %lld: %s",
                 (long long)db_column_int64(q, 0),
                 over ? "more users than seats" : "a seat holder of another account");
        db_finalize(q);
        store_note(s, msg);
        return over ? BC_SEATS_EXHAUSTED : BC_INVALID_ARGUMENT;
    }
    db_finalize(q);
    return rc == DB_DONE ? BC_OK : store_fail(s, rc);
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
    struct db_stmt *t = NULL;
    enum bc_status st = BC_OK;
    int rc = db_prepare(s->db, "SELECT name, sql, sql LIKE '%WITHOUT ROWID%' FROM sqlite_master"
        " WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " ORDER BY name", &t);
    while (st == BC_OK && rc == DB_OK && (rc = db_step(t)) == DB_ROW) {
        const char *name = db_column_text(t, 0);
        const char *sql = db_column_text(t, 1);
        bool norowid = db_column_int(t, 2) != 0;
        char where[4096] = "";
        int n = 0;
        rc = DB_OK;
        if (!bulk_check_exprs(sql, where, sizeof where, &n)) {
            store_note(s, "bulk load: a table's CHECK constraints could not be read");
            st = BC_DB_ERROR;
            break;
        }
        if (n == 0)
            continue;
        char *q = sqlite3_mprintf("SELECT %s FROM \"%w\" WHERE %s LIMIT 1",
                                  norowid ? "-1" : "rowid", name, where);
        struct db_stmt *c = NULL;
        int crc = q ? db_prepare(s->db, q, &c) : DB_E_NOMEM;
        sqlite3_free(q);
        if (crc == DB_OK && (crc = db_step(c)) == DB_ROW) {
            char msg[256];
            snprintf(msg, sizeof msg, "bulk load: a row of %s (rowid %lld) fails a CHECK constraint",
                     name, (long long)db_column_int64(c, 0));
            store_note(s, msg);
            st = BC_DB_ERROR;
        } else if (crc != DB_DONE) {
            st = store_fail(s, crc);
        }
        db_finalize(c);
    }
    if (st == BC_OK && rc != DB_DONE)
        st = store_fail(s, rc);
    db_finalize(t);
    return st;
}

enum bc_status store_sqlite_bulk(struct store *s, bool on)
{
    if (db_in_transaction(s->db)) {
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
        enum bc_status st = store_exec(s, "PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF;"
                                        " PRAGMA synchronous = OFF;"
                                        " PRAGMA ignore_check_constraints = ON");
        if (st == BC_OK)
            st = bulk_drop_indexes(s);
        if (st != BC_OK) {
            store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
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
    enum bc_status back = store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                                      " PRAGMA ignore_check_constraints = OFF;"
                                      " PRAGMA cache_size = -2000; PRAGMA wal_checkpoint(TRUNCATE)");
    return st == BC_OK ? back : st;
}


enum bc_status store_sqlite_search_plan(struct store *s, const char *search_sql, char *buf,
                                        size_t size)
{
    char sql[4096];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", search_sql);
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db, sql, &q);
    if (rc != DB_OK)
        return store_fail(s, rc);
    size_t used = 0;
    buf[0] = '\0';
    while ((rc = db_step(q)) == DB_ROW && used < size) {
        int n = snprintf(buf + used, size - used, "%s\n", db_column_text(q, 3));
        used += n > 0 ? (size_t)n : 0;
    }
    enum bc_status st = rc == DB_DONE || rc == DB_ROW ? BC_OK : store_fail(s, rc);
    db_finalize(q);
    return st;
}

