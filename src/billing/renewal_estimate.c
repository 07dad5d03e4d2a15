/* renewal_estimate.c — the next renewal of a subscription as the
 * Subscriptions row and `account show --json` give it (SPEC §8 "States":
 * its date and estimated total, catalog price today, VAT, before the
 * balance), from the same rule renew orders with (renewal_charge over the
 * period renewal_upcoming gives under the effective terms). Read-only and
 * pure over what the caller loaded: nothing is written. */
#include <string.h>

#include "lifecycle.h"

bool billing_renews(const struct store_subscription *x)
{
    struct renewal_sub r;
    if (!lifecycle_renewal_sub(x, &r))
        return false;
    return (r.auto_renew && (r.state == RENEWAL_ACTIVE || r.state == RENEWAL_TRIAL))
           || r.state == RENEWAL_PAST_DUE;
}

enum bc_status billing_renewal_estimate(const struct catalog *cat,
                                        const struct store_account *acct,
                                        const struct store_subscription *x,
                                        struct billing_renewal_estimate *out)
{
    memset(out, 0, sizeof *out);
    if (cat == NULL || acct == NULL || x == NULL)
        return BC_INVALID_ARGUMENT;
    struct renewal_sub r;
    if (!lifecycle_renewal_sub(x, &r))
        return BC_INVALID_ARGUMENT;
    if (!billing_renews(x))
        return BC_OK;
    struct renewal_due due;
    enum bc_status st = renewal_upcoming(&r, &due);
    if (st != BC_OK)
        return st;
    const struct renewal_terms *terms = renewal_effective_terms(&r);
    /* Before the balance: what the renewal costs, whatever credit is left
     * by then. */
    struct renewal_account ra = {
        .currency = acct->currency, .country = acct->country,
        .vat_number = acct->vat_number, .balance = 0,
    };
    struct renewal_charge ch;
    st = renewal_charge(cat, x->product, terms, &ra, due.period_start, due.period_end, &ch);
    if (st != BC_OK)
        return st;
    out->renews = true;
    out->on = due.period_start;
    out->terms = *terms;
    out->subtotal = ch.totals.subtotal;
    out->tax = ch.totals.tax;
    out->total = ch.totals.total;
    return BC_OK;
}
