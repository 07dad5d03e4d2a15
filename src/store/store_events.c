/* store_events.c — the event log (SPEC §8): every change of a
 * subscription's state, every order and failed payment appends one row in
 * the transaction of the change itself; `events deliver` reads the rows
 * not yet delivered in id order and marks each once its receiver took it.
 * Triggers refuse every other update and every delete. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

enum bc_status store_event_append(struct store *s, struct store_event *e)
{
    if (!e || !e->type || !*e->type || !e->payload)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_EVENT_INSERT,
        "INSERT INTO events(at, type, account_id, subscription_id, payload)"
        " VALUES(?1, ?2, ?3, ?4, ?5) RETURNING id", &q);
    if (st != BC_OK)
        return st;
    if (e->at == 0)
        e->at = (int64_t)time(NULL);
    db_bind_int64(q, 1, e->at);
    db_bind_text(q, 2, e->type);
    if (e->account_id > 0)
        db_bind_int64(q, 3, e->account_id);
    else
        db_bind_null(q, 3);
    if (e->subscription_id > 0)
        db_bind_int64(q, 4, e->subscription_id);
    else
        db_bind_null(q, 4);
    db_bind_text(q, 5, e->payload);
    return store_run_id(s, q, &e->id);
}

static void event_clear(struct store_event *e)
{
    free((void *)e->type);
    free((void *)e->payload);
    memset(e, 0, sizeof *e);
}

void store_event_list_clear(struct store_event_list *l)
{
    STORE_LIST_CLEAR(l, event_clear);
}

static enum bc_status read_event(struct db_stmt *q, void *item)
{
    struct store_event *e = item;
    bool oom = false;
    e->id = db_column_int64(q, 0);
    e->at = db_column_int64(q, 1);
    e->type = store_col_dup(q, 2, &oom);
    e->account_id = db_column_int64(q, 3);
    e->subscription_id = db_column_int64(q, 4);
    e->payload = store_col_dup(q, 5, &oom);
    e->delivered_at = db_column_int64(q, 6);
    return oom || !e->type || !e->payload ? BC_NO_MEMORY : BC_OK;
}

/* The undelivered ones through their partial index (events_undelivered,
 * whose WHERE this repeats), the others by the primary key; -1 as the
 * limit is no limit on both engines (SQLite's LIMIT -1; PostgreSQL's
 * LIMIT ALL written as NULL). */
#define EVENT_COLS "SELECT id, at, type, coalesce(account_id, 0), coalesce(subscription_id, 0)," \
    " payload, coalesce(delivered_at, 0) FROM events"

enum bc_status store_events(struct store *s, int64_t after_id, bool undelivered, size_t limit,
                            struct store_event_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct db_stmt *q;
    enum bc_status st = undelivered
        ? store_prep(s, SL_EVENTS_UNDELIVERED, EVENT_COLS
                     " WHERE id > ?1 AND delivered_at IS NULL ORDER BY id LIMIT ?2", &q)
        : store_prep(s, SL_EVENTS_AFTER, EVENT_COLS " WHERE id > ?1 ORDER BY id LIMIT ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, after_id);
    if (limit > 0 && limit <= INT64_MAX)
        db_bind_int64(q, 2, (int64_t)limit);
    else if (s->engine == DB_PG)
        db_bind_null(q, 2);
    else
        db_bind_int64(q, 2, -1);
    if ((st = STORE_ROWS(s, q, out, read_event)) != BC_OK)
        store_event_list_clear(out);
    return st;
}

enum bc_status store_event_delivered(struct store *s, int64_t id, int64_t at)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_EVENT_DELIVERED,
        "UPDATE events SET delivered_at = ?2 WHERE id = ?1 AND delivered_at IS NULL", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, id);
    db_bind_int64(q, 2, at);
    st = store_run(s, q);
    if (st != BC_OK || db_changes(s->db) == 1)
        return st;
    /* Nothing changed: delivered before, or no such event. */
    struct store_event_list l = {0};
    st = store_events(s, id - 1, false, 1, &l);
    if (st == BC_OK && (l.n == 0 || l.items[0].id != id))
        st = BC_NOT_FOUND;
    store_event_list_clear(&l);
    return st;
}
