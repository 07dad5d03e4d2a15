/* store_charges.c — the `test` payment processor's own record of its
 * charges (payment.c), kept in the database so that a charge outlives the
 * process that made it, as a real gateway's would. Not billing's data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* ---------------------------------------------------------------- test charges */

static const struct store_name charge_states[] = {
    {STORE_CHARGE_REFUNDED, "refunded"}, {STORE_CHARGE_APPROVED, "approved"},
    {STORE_CHARGE_DECLINED, "declined"},
};

enum bc_status store_test_charge_get(struct store *s, const char *key, enum store_charge_state *state,
                                     int64_t *amount, char *reference, size_t refsize)
{
    if (!key)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CHARGE_GET,
        "SELECT state, amount_minor, reference FROM test_charges WHERE key = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    if (state)
        *state = STORE_NAME_COL(charge_states, q, 0);
    if (amount)
        *amount = db_column_int64(q, 1);
    if (reference && refsize > 0)
        store_col_copy(q, 2, reference, refsize);
    db_reset(q);
    return BC_OK;
}

enum bc_status store_test_charge_put(struct store *s, const char *key, enum store_charge_state state,
                                     int64_t amount, const char *currency, const char *reference)
{
    if (!key || !currency)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CHARGE_PUT,
        "INSERT INTO test_charges(key, state, amount_minor, currency, reference)"
        " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO UPDATE SET state = excluded.state,"
        " amount_minor = excluded.amount_minor, currency = excluded.currency,"
        " reference = excluded.reference", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, key);
    db_bind_text(q, 2, STORE_NAME_TEXT(charge_states, state));
    db_bind_int64(q, 3, amount);
    db_bind_text(q, 4, currency);
    store_bind_text(q, 5, reference);
    return store_run(s, q);
}

enum bc_status store_test_charge_take(struct store *s, const char *key, enum store_charge_state want,
                                      int64_t amount, const char *currency, const char *reference,
                                      enum store_charge_state *state, int64_t *amount_out,
                                      char *reference_out, size_t refsize)
{
    if (!key || !currency || want == STORE_CHARGE_REFUNDED)
        return BC_INVALID_ARGUMENT;
    bool own;
    enum store_charge_state cur;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    st = store_test_charge_get(s, key, &cur, NULL, NULL, 0);
    if (st == BC_NOT_FOUND || (st == BC_OK && cur != STORE_CHARGE_APPROVED))
        st = store_test_charge_put(s, key, want, amount, currency, reference);
    if (st == BC_OK)
        st = store_test_charge_get(s, key, state, amount_out, reference_out, refsize);
    return store_tx_end(s, own, st);
}

/* One statement, prepared each time: refunds are rare. */
enum bc_status store_test_charge_refund(struct store *s, const char *key)
{
    if (!key)
        return BC_INVALID_ARGUMENT;
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db, "UPDATE test_charges SET state = 'refunded' WHERE key = ?1 AND state = 'approved'", &q);
    if (rc != DB_OK)
        return store_fail(s, rc);
    db_bind_text(q, 1, key);
    rc = db_step(q);
    enum bc_status st = rc == DB_DONE ? BC_OK : store_fail(s, rc);
    db_finalize(q);
    return st;
}

