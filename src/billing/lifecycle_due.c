/* lifecycle_due.c — the figures of Pay now without paying (lifecycle_due.h),
 * from the same rules billing_subscription_pay charges with: renewal_apply
 * for the period, renewal_charge for the order. */
#include "lifecycle_due.h"

#include <stdio.h>
#include <string.h>

#include "billing_impl.h"
#include "lifecycle.h"

enum bc_status billing_subscription_pay_due(struct billing *b, int64_t account_id,
                                            int64_t subscription_id, struct lifecycle_due *out)
{
    struct store_account acct = {0};
    struct store_subscription x = {0};
    struct billing_rights rights;
    struct renewal_sub r;
    struct renewal_transition tr;
    memset(out, 0, sizeof *out);
    enum bc_status st = billing_load_rights(b, account_id, &acct, &rights);
    if (st == BC_OK && rights.may_change != BC_OK)
        st = rights.may_change;
    if (st == BC_OK)
        st = store_subscription_get(b->store, subscription_id, &x);
    if (st == BC_OK && x.account_id != account_id)
        st = BC_NOT_FOUND;
    if (st == BC_OK && !lifecycle_renewal_sub(&x, &r))
        st = BC_INVALID_ARGUMENT;
    if (st == BC_OK)
        st = renewal_apply(&r, RENEWAL_EV_PAY, b->today, NULL, &tr);
    if (st == BC_OK && tr.refusal != BC_OK)
        st = tr.refusal;
    if (st == BC_OK) {
        struct renewal_account ra = {
            .currency = acct.currency, .country = acct.country,
            .vat_number = acct.vat_number, .balance = acct.balance,
        };
        out->period_start = tr.after.period_start;
        out->period_end = tr.after.period_end;
        out->new_start = r.state == RENEWAL_SUSPENDED;
        out->terms = tr.after.terms;
        out->balance = acct.balance;
        snprintf(out->currency, sizeof out->currency, "%s", acct.currency);
        st = renewal_charge(b->catalog, x.product, &tr.after.terms, &ra, tr.after.period_start,
                            tr.after.period_end, &out->charge);
    }
    store_subscription_clear(&x);
    store_account_clear(&acct);
    return st;
}
