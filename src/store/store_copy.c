/* store_copy.c — `migrate`: every record of one store copied into another,
 * empty one, whatever their engines, in one transaction on the target,
 * then verified table by table (row counts and money sums read back from
 * both) before that transaction commits; on any difference nothing is
 * kept. The source is read inside one snapshot and never written.
 * Derived tables (search words, the documents' outbox, the schema version)
 * are the target's own: its triggers write them as the rows arrive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* In an order where every reference points at a table copied before it
 * (accounts.billing_contact_id aside: deferred to the commit). */
static const char *const tables[] = {
    "accounts", "contacts", "users", "subscriptions", "seat_assignments", "cart_items",
    "orders", "order_lines", "subscription_history", "payment_methods", "ledger", "audit",
    "operators", "test_charges", "pending_checkouts", "sign_in_failures", "idempotency_keys",
    "events", "document_numbers", "documents", "document_credits", "document_sends",
    "order_vat_checks",
};
#define NTABLES (sizeof tables / sizeof *tables)

/* Tables with an identity id, whose sequence follows the copied ids. */
static const char *const with_id[] = {
    "accounts", "contacts", "users", "subscriptions", "cart_items", "orders", "order_lines",
    "payment_methods", "ledger", "audit", "events", "document_sends",
};

static bool known_table(const char *name)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (strcmp(tables[i], name) == 0)
            return true;
    return false;
}

/* A table of the source that this copy does not know would be lost. */
static enum bc_status check_tables(struct store *src)
{
    const char *sql = STORE_SQL(src,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " AND name NOT LIKE 'account\\_words%' ESCAPE '\\' AND name NOT LIKE 'contact\\_words%' ESCAPE '\\'"
        " AND name <> 'document_outbox'",
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename NOT IN ('billcenter_schema', 'account_words', 'contact_words',"
        " 'document_outbox')");
    struct db_stmt *q = NULL;
    int rc = db_prepare(src->db, sql, &q);
    enum bc_status st = BC_OK;
    while (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
        rc = DB_OK;
        const char *name = db_column_text(q, 0);
        if (!known_table(name)) {
            char msg[200];
            snprintf(msg, sizeof msg, "table %s is not one migrate knows how to copy", name);
            store_note(src, msg);
            st = BC_DB_ERROR;
            break;
        }
    }
    if (st == BC_OK && rc != DB_DONE)
        st = store_fail(src, rc);
    db_finalize(q);
    return st;
}

/* Rows and the sum of its money columns (*_minor, balance_after). */
static enum bc_status table_figures(struct store *s, const char *table, int64_t *rows,
                                    int64_t *money)
{
    char sql[512];
    struct db_stmt *q = NULL;
    *rows = *money = 0;
    /* The money columns, from a row-less read of the table. */
    snprintf(sql, sizeof sql, "SELECT * FROM %s LIMIT 0", table);
    int rc = db_prepare(s->db, sql, &q);
    if (rc == DB_OK)
        rc = db_step(q);
    char sum[400] = "0";
    size_t used = 1;
    for (int c = 0; rc == DB_DONE && c < db_column_count(q); c++) {
        const char *n = db_column_name(q, c);
        size_t len = strlen(n);
        if ((len > 6 && strcmp(n + len - 6, "_minor") == 0) || strcmp(n, "balance_after") == 0)
            used += (size_t)snprintf(sum + used, sizeof sum - used, " + coalesce(sum(%s), 0)", n);
    }
    db_finalize(q);
    if (rc != DB_DONE || used >= sizeof sum)
        return rc == DB_DONE ? BC_DB_ERROR : store_fail(s, rc);
    snprintf(sql, sizeof sql, "SELECT count(*), %s FROM %s", sum, table);
    rc = db_prepare(s->db, sql, &q);
    if (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
        *rows = db_column_int64(q, 0);
        *money = db_column_int64(q, 1);
        rc = DB_OK;
    }
    db_finalize(q);
    return rc == DB_OK ? BC_OK : store_fail(s, rc);
}

/* Copies one table row by row: each value goes as text or NULL, and the
 * target's column types take it as the source held it. */
static enum bc_status copy_table(struct store *src, struct store *dst, const char *table)
{
    char sql[4096];
    struct db_stmt *r = NULL, *w = NULL;
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", table);
    int rc = db_prepare(src->db, sql, &r);
    if (rc != DB_OK)
        return store_fail(src, rc);
    enum bc_status st = BC_OK;
    int ncol = 0;
    while ((rc = db_step(r)) == DB_ROW) {
        if (!w) {
            ncol = db_column_count(r);
            size_t used = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s(", table);
            for (int c = 0; c < ncol && used < sizeof sql; c++)
                used += (size_t)snprintf(sql + used, sizeof sql - used, "%s%s", c ? ", " : "",
                                         db_column_name(r, c));
            for (int c = 0; c < ncol && used < sizeof sql; c++)
                used += (size_t)snprintf(sql + used, sizeof sql - used, "%s?%d",
                                         c ? ", " : ") VALUES(", c + 1);
            if (used < sizeof sql)
                used += (size_t)snprintf(sql + used, sizeof sql - used, ")");
            if (used >= sizeof sql) {
                st = BC_INVALID_ARGUMENT;
                break;
            }
            int wrc = db_prepare_persistent(dst->db, sql, &w);
            if (wrc != DB_OK) {
                st = store_fail(dst, wrc);
                break;
            }
        }
        db_reset(w);
        for (int c = 0; c < ncol; c++)
            db_bind_text(w, c + 1, db_column_text(r, c));
        int wrc;
        while ((wrc = db_step(w)) == DB_ROW)
            ;
        if (wrc != DB_DONE) {
            st = store_fail(dst, wrc);
            break;
        }
    }
    if (st == BC_OK && rc != DB_DONE)
        st = store_fail(src, rc);
    db_finalize(r);
    db_finalize(w);
    return st;
}

static enum bc_status follow_sequences(struct store *dst)
{
    if (dst->engine != DB_PG)
        return BC_OK;
    enum bc_status st = BC_OK;
    for (size_t i = 0; st == BC_OK && i < sizeof with_id / sizeof *with_id; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s', 'id'),"
                 " coalesce(max(id), 0) + 1, false) FROM %s", with_id[i], with_id[i]);
        st = store_exec(dst, sql);
    }
    return st;
}

/* SQLite: the first reference of the copy that points nowhere, as an error. */
static enum bc_status dangling_references(struct store *dst)
{
    struct db_stmt *q = NULL;
    int rc = db_prepare(dst->db, "PRAGMA foreign_key_check", &q);
    enum bc_status st = BC_OK;
    if (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
        char msg[256];
        snprintf(msg, sizeof msg, "a row of %s refers to a missing row of %s",
                 db_column_text(q, 0), db_column_text(q, 2));
        store_note(dst, msg);
        st = BC_DB_ERROR;
    } else if (rc != DB_DONE) {
        st = store_fail(dst, rc);
    }
    db_finalize(q);
    return st;
}

enum bc_status store_copy(struct store *src, struct store *dst, struct store_copy_table *out,
                          size_t *nout)
{
    *nout = 0;
    enum bc_status st = check_tables(src);
    if (st != BC_OK)
        return st;
    for (size_t i = 0; i < NTABLES; i++) {
        int64_t rows, money;
        if ((st = table_figures(dst, tables[i], &rows, &money)) != BC_OK)
            return st;
        if (rows != 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "the target is not empty (table %s has %lld rows)",
                     tables[i], (long long)rows);
            store_note(dst, msg);
            return BC_INVALID_ARGUMENT;
        }
    }
    /* One snapshot of the source; one transaction on the target. */
    int rc = db_exec(src->db, STORE_SQL(src, "BEGIN", "BEGIN ISOLATION LEVEL REPEATABLE READ"));
    if (rc != DB_OK)
        return store_fail(src, rc);
    /* References are checked once at the end, not row by row: SQLite with
     * its foreign keys off until foreign_key_check below (a deferred
     * SQLite check of accounts' billing contacts would scan accounts for
     * every contact copied), PostgreSQL with its constraints deferred. */
    if (dst->engine == DB_SQLITE)
        st = store_exec(dst, "PRAGMA foreign_keys = OFF");
    if (st == BC_OK && (st = store_begin(dst)) == BC_OK && dst->engine == DB_PG)
        st = store_exec(dst, "SET CONSTRAINTS ALL DEFERRED");
    for (size_t i = 0; st == BC_OK && i < NTABLES; i++)
        st = copy_table(src, dst, tables[i]);
    if (st == BC_OK)
        st = follow_sequences(dst);
    if (st == BC_OK && dst->engine == DB_SQLITE)
        st = dangling_references(dst);
    for (size_t i = 0; st == BC_OK && i < NTABLES; i++) {
        struct store_copy_table *t = &out[i];
        memset(t, 0, sizeof *t);
        snprintf(t->table, sizeof t->table, "%s", tables[i]);
        if ((st = table_figures(src, tables[i], &t->rows, &t->money)) != BC_OK)
            break;
        int64_t rows, money;
        if ((st = table_figures(dst, tables[i], &rows, &money)) != BC_OK)
            break;
        if (rows != t->rows || money != t->money) {
            char msg[256];
            snprintf(msg, sizeof msg, "table %s: %lld rows and %lld in money copied as %lld and %lld",
                     tables[i], (long long)t->rows, (long long)t->money, (long long)rows,
                     (long long)money);
            store_note(dst, msg);
            st = BC_DB_ERROR;
            break;
        }
        (*nout)++;
    }
    if (st == BC_OK)
        st = store_commit(dst);
    else
        store_rollback(dst);
    if (dst->engine == DB_SQLITE)
        store_exec(dst, "PRAGMA foreign_keys = ON");
    db_exec(src->db, "ROLLBACK");
    if (st != BC_OK)
        *nout = 0;
    return st;
}

size_t store_copy_tables(void)
{
    return NTABLES;
}
