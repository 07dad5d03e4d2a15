/* lifecycle_due.h — what Pay now would charge, before anything is charged:
 * the terminal's Pay now screen shows these figures (SPEC §8 "Collecting")
 * and billing_subscription_pay charges the same ones. */
#ifndef BC_LIFECYCLE_DUE_H
#define BC_LIFECYCLE_DUE_H

#include <stdint.h>

#include "billing.h"
#include "renewal.h"

struct lifecycle_due {
    bc_day period_start, period_end;   /* the period paying orders */
    bool new_start;                    /* suspended: the period starts today (anchor reset) */
    struct renewal_terms terms;        /* what it renews: plan, seats, frequency */
    char currency[4];
    int64_t balance;                   /* the account's credit balance before paying */
    struct renewal_charge charge;      /* price × seats, VAT, balance first; totals.due to the card */
};

/* The renewal Pay now would order for `subscription_id` of `account_id` on
 * b->today: past_due renews [P1, P1 + 1 period), suspended starts a new
 * period today; catalog price today × seats for the terms it renews with,
 * VAT per §3 with the account's data, the credit balance applied first.
 * Nothing is charged or written. Rights as billing_subscription_pay's (a
 * view-only contact: BC_NOT_BILLING_CONTACT); a subscription that is not
 * past_due or suspended: renewal_apply's refusal. */
enum bc_status billing_subscription_pay_due(struct billing *b, int64_t account_id,
                                            int64_t subscription_id, struct lifecycle_due *out);

#endif
