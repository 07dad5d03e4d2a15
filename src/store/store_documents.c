/* store_documents.c — fiscal documents in the store (SPEC §9): issuing one
 * inside an order's transaction (the next number of its series and year,
 * the invoices a credit note credits, the frozen model and XML), reading
 * them back, and the append-only record of every attempt to hand one on
 * (e-mail, SdI), claimed so that two runs never send the same one at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static const struct store_name doc_kinds[] = {
    {STORE_DOC_INVOICE, "invoice"}, {STORE_DOC_CREDIT_NOTE, "credit_note"},
};
static const struct store_name channels[] = {
    {STORE_SEND_EMAIL, "send"}, {STORE_SEND_SDI, "sdi"},
};
static const struct store_name send_states[] = {
    {STORE_SEND_NONE, "none"}, {STORE_SEND_SENDING, "sending"},
    {STORE_SEND_ACCEPTED, "accepted"}, {STORE_SEND_REJECTED, "rejected"},
    {STORE_SEND_FAILED, "failed"},
};

const char *store_send_status_name(enum store_send_status st)
{
    return STORE_NAME_TEXT(send_states, st);
}

/* Statements run once per order or per document: prepared each time, like
 * the key claim, rather than kept in the connection's cache — except the
 * four every issued document runs (next_number, its id, its row), which
 * `renew` runs once per renewal: those come from the cache. */
static enum bc_status prepare(struct store *s, const char *sql, struct db_stmt **q)
{
    *q = NULL;
    int rc = db_prepare(s->db, sql, q);
    return rc == DB_OK ? BC_OK : store_fail(s, rc);
}

/* Steps a one-shot statement to its end and finalizes it. */
static enum bc_status finish(struct store *s, struct db_stmt *q)
{
    int rc;
    while ((rc = db_step(q)) == DB_ROW)
        ;
    enum bc_status st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_finalize(q);
    return st;
}

/* ---------------------------------------------------------------- issuing */

/* The next number of (series, year), refusing a day before the series'
 * last document's: numbers are in date order. */
static enum bc_status next_number(struct store *s, const char *series, int year, bc_day day,
                                  int64_t *sequence)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_DOC_LAST_DAY, "SELECT last_day FROM document_numbers"
                                   " WHERE series = ?1 AND year = ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, series);
    db_bind_int64(q, 2, year);
    int rc = db_step(q);
    if (rc == DB_ROW && db_column_int64(q, 0) > day) {
        store_note(s, "a document of this series is dated later");
        st = BC_DOCUMENT_DATE_ORDER;
    } else if (rc != DB_ROW && rc != DB_DONE) {
        st = store_fail(s, rc);
    }
    db_reset(q);
    if (st != BC_OK)
        return st;
    st = store_prep(s, SL_DOC_NUMBER_NEXT, "INSERT INTO document_numbers(series, year, last, last_day) VALUES(?1, ?2, 1, ?3)"
                    " ON CONFLICT(series, year) DO UPDATE SET last = document_numbers.last + 1,"
                    " last_day = excluded.last_day RETURNING last", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, series);
    db_bind_int64(q, 2, year);
    db_bind_int64(q, 3, day);
    return store_run_id(s, q, sequence);
}

/* The latest invoice issued for a subscription (by its history, newest
 * version first); *found false when it has none. */
static enum bc_status latest_invoice(struct store *s, int64_t subscription_id,
                                     struct store_doc_ref *ref, bool *found)
{
    struct db_stmt *q;
    *found = false;
    enum bc_status st = prepare(s,
        "SELECT d.id, d.number, d.issued_on FROM subscription_history h"
        " JOIN documents d ON d.order_id = h.order_id AND d.kind = 'invoice'"
        " WHERE h.subscription_id = ?1 ORDER BY h.version DESC LIMIT 1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, subscription_id);
    int rc = db_step(q);
    if (rc == DB_ROW) {
        *found = true;
        ref->id = db_column_int64(q, 0);
        store_col_copy(q, 1, ref->number, sizeof ref->number);
        ref->issued_on = (bc_day)db_column_int64(q, 2);
    } else if (rc != DB_DONE) {
        st = store_fail(s, rc);
    }
    db_finalize(q);
    return st;
}

static enum bc_status credited_invoices(struct store *s, const struct store_doc_issue *d,
                                        struct store_doc_ref **refs, size_t *n)
{
    *refs = NULL;
    *n = 0;
    if (d->kind != STORE_DOC_CREDIT_NOTE || d->ncredited_subs == 0)
        return BC_OK;
    *refs = calloc(d->ncredited_subs, sizeof **refs);
    if (!*refs)
        return BC_NO_MEMORY;
    for (size_t i = 0; i < d->ncredited_subs; i++) {
        struct store_doc_ref r;
        bool found;
        enum bc_status st = latest_invoice(s, d->credited_subs[i], &r, &found);
        if (st != BC_OK)
            return st;
        bool seen = false;
        for (size_t k = 0; k < *n; k++)
            seen = seen || (*refs)[k].id == r.id;
        if (found && !seen)
            (*refs)[(*n)++] = r;
    }
    return BC_OK;
}

static enum bc_status insert_document(struct store *s, int64_t id, const struct store_doc_issue *d,
                                      int year, int64_t sequence, int64_t order_id,
                                      int64_t account_id, const char *currency,
                                      const struct store_doc_rendered *r)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_DOC_INSERT,
        "INSERT INTO documents(id, kind, series, year, sequence, number, order_id, account_id,"
        " issued_on, currency, total_minor, tax_minor, model, fatturapa)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, id);
    db_bind_text(q, 2, STORE_NAME_TEXT(doc_kinds, d->kind));
    db_bind_text(q, 3, d->series);
    db_bind_int64(q, 4, year);
    db_bind_int64(q, 5, sequence);
    db_bind_text(q, 6, r->number);
    db_bind_int64(q, 7, order_id);
    db_bind_int64(q, 8, account_id);
    db_bind_int64(q, 9, d->day);
    db_bind_text(q, 10, currency);
    db_bind_int64(q, 11, r->total);
    db_bind_int64(q, 12, r->tax);
    db_bind_text(q, 13, r->model);
    db_bind_text(q, 14, r->fatturapa);
    return store_run(s, q);
}

static enum bc_status insert_credit(struct store *s, int64_t credit_note, int64_t invoice)
{
    struct db_stmt *q;
    enum bc_status st = prepare(s, "INSERT INTO document_credits(credit_note_id, invoice_id)"
                                   " VALUES(?1, ?2)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, credit_note);
    db_bind_int64(q, 2, invoice);
    return finish(s, q);
}

enum bc_status store_doc_write(struct store *s, int64_t order_id, int64_t account_id,
                               const char *currency, struct store_doc_issue *d)
{
    int year, month, mday;
    if (!d->render || !d->series || d->day < BC_DAY_MIN || d->day > BC_DAY_MAX) {
        store_note(s, "a document needs its series, day and renderer");
        return BC_INVALID_ARGUMENT;
    }
    date_to_civil(d->day, &year, &month, &mday);
    int64_t sequence = 0, id = 0;
    enum bc_status st = next_number(s, d->series, year, d->day, &sequence);
    if (st == BC_OK) {
        struct db_stmt *q;
        st = store_prep(s, SL_DOC_NEXT_ID, "SELECT coalesce(max(id), 0) + 1 FROM documents", &q);
        if (st == BC_OK)
            st = store_int64(s, q, &id);
    }
    struct store_doc_ref *refs = NULL;
    size_t nrefs = 0;
    if (st == BC_OK)
        st = credited_invoices(s, d, &refs, &nrefs);
    struct store_doc_rendered r;
    memset(&r, 0, sizeof r);
    if (st == BC_OK) {
        st = d->render(d->ctx, sequence, id, refs, nrefs, &r);
        if (st != BC_OK)
            store_note(s, "the order's document could not be made");
    }
    if (st == BC_OK && (!r.model || !r.fatturapa || !r.number[0] || r.total < 0)) {
        store_note(s, "the document came back incomplete");
        st = BC_INVALID_ARGUMENT;
    }
    if (st == BC_OK)
        st = insert_document(s, id, d, year, sequence, order_id, account_id, currency, &r);
    for (size_t i = 0; st == BC_OK && i < nrefs; i++)
        st = insert_credit(s, id, refs[i].id);
    if (st == BC_OK) {
        d->id = id;
        d->sequence = sequence;
        snprintf(d->number, sizeof d->number, "%s", r.number);
    }
    free(refs);
    free(r.model);
    free(r.fatturapa);
    return st;
}

/* ---------------------------------------------------------------- reading */

#define DOC_COLS "id, kind, series, year, sequence, number, order_id, account_id, issued_on," \
    " currency, total_minor, tax_minor," \
    " (SELECT status FROM document_sends x WHERE x.document_id = documents.id" \
    "  AND x.channel = 'send' ORDER BY x.id DESC LIMIT 1)," \
    " (SELECT status FROM document_sends x WHERE x.document_id = documents.id" \
    "  AND x.channel = 'sdi' ORDER BY x.id DESC LIMIT 1)"

void store_document_clear(struct store_document *d)
{
    if (!d)
        return;
    free(d->series);
    free(d->model);
    free(d->fatturapa);
    memset(d, 0, sizeof *d);
}

void store_document_list_clear(struct store_document_list *l)
{
    STORE_LIST_CLEAR(l, store_document_clear);
}

static enum bc_status read_doc(struct db_stmt *q, void *item)
{
    struct store_document *d = item;
    bool oom = false;
    memset(d, 0, sizeof *d);
    d->id = db_column_int64(q, 0);
    d->kind = STORE_NAME_COL(doc_kinds, q, 1);
    d->series = store_col_dup(q, 2, &oom);
    d->year = db_column_int(q, 3);
    d->sequence = db_column_int64(q, 4);
    store_col_copy(q, 5, d->number, sizeof d->number);
    d->order_id = db_column_int64(q, 6);
    d->account_id = db_column_int64(q, 7);
    d->issued_on = (bc_day)db_column_int64(q, 8);
    store_col_copy(q, 9, d->currency, sizeof d->currency);
    d->total = db_column_int64(q, 10);
    d->tax = db_column_int64(q, 11);
    d->sent[STORE_SEND_EMAIL] = STORE_NAME_COL(send_states, q, 12);
    d->sent[STORE_SEND_SDI] = STORE_NAME_COL(send_states, q, 13);
    if (db_column_count(q) > 14) {
        d->model = store_col_dup(q, 14, &oom);
        d->fatturapa = store_col_dup(q, 15, &oom);
    }
    if (oom) {
        store_document_clear(d);
        return BC_NO_MEMORY;
    }
    return BC_OK;
}

static enum bc_status one_doc(struct store *s, const char *sql, const char *text, int64_t id,
                              struct store_document *out)
{
    struct db_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = prepare(s, sql, &q);
    if (st != BC_OK)
        return st;
    if (text)
        db_bind_text(q, 1, text);
    else
        db_bind_int64(q, 1, id);
    st = store_one(s, q, read_doc, out);
    db_finalize(q);
    return st;
}

enum bc_status store_document_get(struct store *s, int64_t id, struct store_document *out)
{
    return one_doc(s, "SELECT " DOC_COLS ", model, fatturapa FROM documents WHERE id = ?1",
                   NULL, id, out);
}

enum bc_status store_document_by_number(struct store *s, const char *number,
                                        struct store_document *out)
{
    if (!number) {
        memset(out, 0, sizeof *out);
        return BC_INVALID_ARGUMENT;
    }
    return one_doc(s, "SELECT " DOC_COLS ", model, fatturapa FROM documents WHERE number = ?1",
                   number, 0, out);
}

enum bc_status store_document_by_order(struct store *s, int64_t order_id,
                                       struct store_document *out)
{
    return one_doc(s, "SELECT " DOC_COLS ", model, fatturapa FROM documents WHERE order_id = ?1"
                      " ORDER BY id LIMIT 1", NULL, order_id, out);
}

enum bc_status store_documents(struct store *s, int64_t account_id, struct store_document_list *out)
{
    struct db_stmt *q;
    out->items = NULL;
    out->n = 0;
    enum bc_status st = prepare(s, "SELECT " DOC_COLS " FROM documents WHERE account_id = ?1"
                                   " ORDER BY id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    st = STORE_ROWS(s, q, out, read_doc);
    db_finalize(q);
    if (st != BC_OK)
        store_document_list_clear(out);
    return st;
}

enum bc_status store_documents_unsent(struct store *s, enum store_send_channel channel,
                                      int64_t **ids, size_t *n)
{
    struct db_stmt *q;
    *ids = NULL;
    *n = 0;
    enum bc_status st = prepare(s, "SELECT id FROM documents d WHERE NOT EXISTS(SELECT 1"
        " FROM document_sends x WHERE x.document_id = d.id AND x.channel = ?1"
        " AND x.status = 'accepted') ORDER BY id", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, STORE_NAME_TEXT(channels, channel));
    int rc;
    while ((rc = db_step(q)) == DB_ROW) {
        int64_t *grown = realloc(*ids, (*n + 1) * sizeof **ids);
        if (!grown) {
            st = BC_NO_MEMORY;
            break;
        }
        *ids = grown;
        (*ids)[(*n)++] = db_column_int64(q, 0);
    }
    if (st == BC_OK && rc != DB_DONE)
        st = store_fail(s, rc);
    db_finalize(q);
    if (st != BC_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return st;
}

enum bc_status store_document_credits(struct store *s, int64_t credit_note_id,
                                      struct store_doc_ref **refs, size_t *n)
{
    struct db_stmt *q;
    *refs = NULL;
    *n = 0;
    enum bc_status st = prepare(s, "SELECT d.id, d.number, d.issued_on FROM document_credits c"
        " JOIN documents d ON d.id = c.invoice_id WHERE c.credit_note_id = ?1 ORDER BY d.id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, credit_note_id);
    int rc;
    while ((rc = db_step(q)) == DB_ROW) {
        struct store_doc_ref *grown = realloc(*refs, (*n + 1) * sizeof **refs);
        if (!grown) {
            st = BC_NO_MEMORY;
            break;
        }
        *refs = grown;
        struct store_doc_ref *r = &(*refs)[(*n)++];
        r->id = db_column_int64(q, 0);
        store_col_copy(q, 1, r->number, sizeof r->number);
        r->issued_on = (bc_day)db_column_int64(q, 2);
    }
    if (st == BC_OK && rc != DB_DONE)
        st = store_fail(s, rc);
    db_finalize(q);
    if (st != BC_OK) {
        free(*refs);
        *refs = NULL;
        *n = 0;
    }
    return st;
}

/* ---------------------------------------------------------------- sending */

static enum bc_status append_send(struct store *s, int64_t id, enum store_send_channel channel,
                                  int attempt, enum store_send_status status, const char *reply,
                                  int64_t now)
{
    struct db_stmt *q;
    enum bc_status st = prepare(s, "INSERT INTO document_sends(document_id, channel, attempt, at,"
                                   " status, reply) VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, id);
    db_bind_text(q, 2, STORE_NAME_TEXT(channels, channel));
    db_bind_int64(q, 3, attempt);
    db_bind_int64(q, 4, now);
    db_bind_text(q, 5, STORE_NAME_TEXT(send_states, status));
    store_bind_text(q, 6, reply);
    return finish(s, q);
}

enum bc_status store_document_send_claim(struct store *s, int64_t id,
                                         enum store_send_channel channel, int64_t now,
                                         int64_t in_flight_after, int *attempt,
                                         enum store_send_status *state)
{
    *attempt = 0;
    *state = STORE_SEND_NONE;
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    struct db_stmt *q;
    st = prepare(s, "SELECT attempt, status, at FROM document_sends WHERE document_id = ?1"
                    " AND channel = ?2 ORDER BY id DESC LIMIT 1", &q);
    int last = 0;
    if (st == BC_OK) {
        db_bind_int64(q, 1, id);
        db_bind_text(q, 2, STORE_NAME_TEXT(channels, channel));
        int rc = db_step(q);
        if (rc == DB_ROW) {
            last = db_column_int(q, 0);
            enum store_send_status was = STORE_NAME_COL(send_states, q, 1);
            if (was == STORE_SEND_ACCEPTED)
                *state = STORE_SEND_ACCEPTED;
            else if (was == STORE_SEND_SENDING && db_column_int64(q, 2) > in_flight_after)
                *state = STORE_SEND_SENDING;
        } else if (rc != DB_DONE) {
            st = store_fail(s, rc);
        }
        db_finalize(q);
    }
    if (st == BC_OK && *state == STORE_SEND_NONE) {
        st = append_send(s, id, channel, last + 1, STORE_SEND_SENDING, NULL, now);
        if (st == BC_OK)
            *attempt = last + 1;
    }
    return store_tx_end(s, own, st);
}

enum bc_status store_document_send_result(struct store *s, int64_t id,
                                          enum store_send_channel channel, int attempt,
                                          enum store_send_status status, const char *reply,
                                          int64_t now)
{
    if (attempt < 1 || status == STORE_SEND_NONE || status == STORE_SEND_SENDING)
        return BC_INVALID_ARGUMENT;
    return append_send(s, id, channel, attempt, status, reply, now);
}
