/* schedule_preview.c — what a change scheduled for the renewal would do,
 * before it is scheduled (SPEC §8 "Changes at the end of the term"): the
 * refusal billing_subscription_schedule would give, the day it takes effect
 * and the renewal's estimate (catalog price today × seats, VAT, before the
 * balance). For the Order Summary of Modify subscription; nothing is
 * written, no audit row. */
#include <string.h>

#include "billing_impl.h"
#include "lifecycle.h"

enum bc_status billing_schedule_preview(struct billing *b, int64_t account_id,
                                        int64_t subscription_id, const struct renewal_terms *to,
                                        struct billing_schedule_preview *out)
{
    memset(out, 0, sizeof *out);
    if (!to)
        return BC_INVALID_ARGUMENT;
    out->terms = *to;
    struct store_account acct = {0};
    struct store_subscription x = {0};
    struct billing_rights rights;
    struct renewal_sub r;
    struct renewal_transition tr;
    enum bc_status st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto done;
    snprintf(out->currency, sizeof out->currency, "%s", acct.currency);
    if (rights.may_change != BC_OK) {
        out->refusal = rights.may_change;
        goto done;
    }
    if ((st = store_subscription_get(b->store, subscription_id, &x)) != BC_OK)
        goto done;
    const struct catalog_product *prod = catalog_product(b->catalog, x.product);
    if (x.account_id != account_id || !prod) {
        st = BC_NOT_FOUND;
        goto done;
    }
    if (!lifecycle_renewal_sub(&x, &r)) {
        st = BC_INVALID_ARGUMENT;
        goto done;
    }
    out->takes_effect = x.period_end;
    st = renewal_schedule(&r, prod, to, x.seats_assigned, b->actor.kind == BILLING_ACTOR_OPERATOR,
                          b->today, &tr);
    if (st != BC_OK) {
        if (bc_status_is_refusal(st)) {
            out->refusal = st;
            st = BC_OK;
        }
        goto done;
    }
    if ((st = renewal_upcoming(&tr.after, &out->due)) != BC_OK)
        goto done;
    /* Before the balance: the estimate is what the renewal costs, whatever
     * credit is left by then. */
    struct renewal_account ra = {
        .currency = acct.currency, .country = acct.country,
        .vat_number = acct.vat_number, .balance = 0,
    };
    st = renewal_charge(b->catalog, x.product, to, &ra, out->due.period_start,
                        out->due.period_end, &out->charge);
done:
    store_subscription_clear(&x);
    store_account_clear(&acct);
    return st;
}
