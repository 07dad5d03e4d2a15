/* store_pg.c — what only the PostgreSQL engine does: connecting (one line
 * of error when it cannot) and its bulk load, one transaction whose
 * constraints are checked at its end rather than row by row. */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

enum bc_status store_pg_open(struct store *s, const char *conninfo, enum store_open_mode mode)
{
    (void)mode;
    int rc = db_pg_open(conninfo, &s->db);
    if (rc == DB_OK)
        return BC_OK;
    if (!s->db)
        return BC_NO_MEMORY;
    char msg[sizeof s->errmsg];
    const char *why = db_errmsg(s->db);
    switch (rc) {
    case DB_E_AUTH:
        snprintf(msg, sizeof msg, "the database server refused the role: %s", why);
        break;
    case DB_E_NO_DB:
        snprintf(msg, sizeof msg, "no such database on the server: %s", why);
        break;
    default:
        snprintf(msg, sizeof msg, "cannot reach the database server: %s", why);
        break;
    }
    store_note(s, msg);
    return BC_DB_ERROR;
}

/* The checks the SQLite engine runs at a load's end are the server's own
 * here: foreign keys are DEFERRABLE and deferred to the commit, CHECK
 * constraints hold row by row. What is left is the seat rule. */
static enum bc_status pg_bulk_check(struct store *s)
{
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db,
        "SELECT a.subscription_id, count(*) > max(s.seats) FROM seat_assignments a"
        " JOIN subscriptions s ON s.id = a.subscription_id JOIN users u ON u.id = a.user_id"
        " GROUP BY a.subscription_id"
        " HAVING count(*) > max(s.seats) OR bool_or(u.account_id <> s.account_id) LIMIT 1", &q);
    enum bc_status st = BC_OK;
    if (rc == DB_OK && (rc = db_step(q)) == DB_ROW) {
        bool over = db_column_int64(q, 1) != 0;
        char msg[256];
        snprintf(msg, sizeof msg, "bulk load: subscription %lld: %s",
                 (long long)db_column_int64(q, 0),
                 over ? "more users than seats" : "a seat holder of another account");
        store_note(s, msg);
        st = over ? BC_SEATS_EXHAUSTED : BC_INVALID_ARGUMENT;
    } else if (rc != DB_DONE) {
        st = store_fail(s, rc);
    }
    db_finalize(q);
    return st;
}

enum bc_status store_pg_bulk(struct store *s, bool on)
{
    if (db_in_transaction(s->db)) {
        store_note(s, "a bulk load starts and ends outside a transaction");
        return BC_INVALID_ARGUMENT;
    }
    if (on == s->bulk)
        return BC_OK;
    s->bulk = on;
    if (on)
        return BC_OK;
    enum bc_status st = BC_OK;
    if (s->bulk_first_sub) {
        struct db_stmt *q = NULL;
        int rc = db_prepare(s->db,
            "INSERT INTO subscription_history(subscription_id, version, plan, seats, period,"
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
        s->bulk_first_sub = 0;
    }
    if (st == BC_OK)
        st = pg_bulk_check(s);
    /* The server has no statistics for what was just loaded until its
     * autovacuum comes by; without them the first searches plan as if the
     * tables were empty. */
    if (st == BC_OK) {
        int rc = db_exec(s->db, "ANALYZE");
        if (rc != DB_OK)
            st = store_fail(s, rc);
    }
    return st;
}
