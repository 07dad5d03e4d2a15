/* account_card.c — replacing an account's card on file outside any checkout
 * (SPEC §8 "Payment method"): the card is checked, verified with the
 * processor (`"op": "verify"`, nothing charged), and only then its brand,
 * last 4 digits and expiry replace the card on file, with one audit row in
 * the same transaction. The full number never leaves this call. */
#include "account.h"

#include <stdio.h>
#include <string.h>

#include "billing_impl.h"
#include "payment.h"

static json_t *card_json(const struct store_card *c)
{
    return c ? json_pack("{s:s, s:s, s:i, s:i}", "brand", c->brand, "last4", c->last4,
                         "exp_month", c->exp_month, "exp_year", c->exp_year)
             : json_null();
}

/* The audit row of an attempt that changed nothing. */
static enum bc_status card_refused(struct billing *b, int64_t account_id, enum bc_status st,
                                   const char *reason)
{
    json_t *after = NULL;
    if (reason && *reason)
        after = json_pack("{s:s}", "reason", reason);
    billing_audit(b, account_id, "card.set", NULL, after, st);
    json_decref(after);
    return st;
}

/* Checks the typed card into digits and *card (brand, last 4, expiry). */
static enum bc_status card_check(const struct billing *b, const char *number, const char *expiry,
                                 char *digits, size_t size, struct store_card *card)
{
    int em, ey, y, m, d;
    if (!number || !card_normalise(number, digits, size) || !card_luhn_ok(digits))
        return BC_INVALID_CARD;
    if (!expiry || !card_parse_expiry(expiry, &em, &ey))
        return BC_INVALID_ARGUMENT;
    date_to_civil(b->today, &y, &m, &d);
    if (!card_expiry_ok(em, ey, y, m))
        return BC_CARD_EXPIRED;
    memset(card, 0, sizeof *card);
    snprintf(card->brand, sizeof card->brand, "%s", card_brand(digits));
    snprintf(card->last4, sizeof card->last4, "%s", digits + strlen(digits) - 4);
    card->exp_month = em;
    card->exp_year = ey;
    return BC_OK;
}

enum bc_status account_set_card(struct billing *b, int64_t account_id, const char *number,
                                const char *expiry, struct store_card *out, char *reason,
                                size_t reasonsize)
{
    struct store_account acct;
    struct billing_rights rights;
    struct store_card card, old;
    char digits[32];
    char why[64] = "", currency[4];
    enum bc_status st;

    if (reason && reasonsize)
        reason[0] = '\0';
    memset(&acct, 0, sizeof acct);
    st = billing_load_rights(b, account_id, &acct, &rights);
    snprintf(currency, sizeof currency, "%s", acct.currency);
    store_account_clear(&acct);
    if (st != BC_OK)
        return st;
    if (rights.may_change != BC_OK)
        return card_refused(b, account_id, rights.may_change, NULL);
    st = card_check(b, number, expiry, digits, sizeof digits, &card);
    if (st != BC_OK) {
        explicit_bzero(digits, sizeof digits);
        return card_refused(b, account_id, st, NULL);
    }
    if (!b->processor) {
        explicit_bzero(digits, sizeof digits);
        return card_refused(b, account_id, BC_PAYMENT_ERROR, NULL);
    }

    /* Verified before anything is written, outside any transaction (a
     * gateway may take seconds). */
    char key[40], raw[33];
    billing_new_key(raw);
    snprintf(key, sizeof key, "verify:%s", raw);
    enum payment_result pr = payment_verify(b->processor, key, digits, currency, why,
                                            sizeof why);
    explicit_bzero(digits, sizeof digits);
    if (pr == PAYMENT_DECLINED) {
        if (reason && reasonsize)
            snprintf(reason, reasonsize, "%s", why);
        return card_refused(b, account_id, BC_PAYMENT_DECLINED, why);
    }
    if (pr != PAYMENT_APPROVED)
        return card_refused(b, account_id, BC_PAYMENT_ERROR, "verify_unconfirmed");

    st = store_begin(b->store);
    if (st != BC_OK)
        return st;
    memset(&old, 0, sizeof old);
    enum bc_status got = store_card_get(b->store, account_id, &old);
    if (got != BC_OK && got != BC_NOT_FOUND)
        st = got;
    json_t *before = NULL, *after = NULL;
    if (st == BC_OK) {
        before = json_pack("{s:o}", "card_on_file", card_json(got == BC_OK ? &old : NULL));
        after = json_pack("{s:o, s:s}", "card_on_file", card_json(&card), "verified", key);
        st = before && after ? store_card_set(b->store, account_id, &card) : BC_NO_MEMORY;
    }
    if (st == BC_OK)
        st = billing_audit(b, account_id, "card.set", before, after, BC_OK);
    if (st == BC_OK)
        st = store_commit(b->store);
    else
        store_rollback(b->store);
    json_decref(before);
    json_decref(after);
    if (st == BC_OK && out)
        *out = card;
    return st;
}
