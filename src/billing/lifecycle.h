/* lifecycle.h — the life of a subscription after its first period (SPEC
 * §8): `renew`, which orders every ended period exactly once (the credit
 * balance first, the card on file for the rest) and collects what fails by
 * dunning, and what a billing contact or an operator does to a subscription
 * besides changing it: cancel, reactivate, schedule a change for the
 * renewal or take it back, pay an unpaid renewal. The rules are
 * src/core/renewal.h's; rights, audit rows and events are billing's, each
 * state written with its events in one transaction. */
#ifndef BC_LIFECYCLE_H
#define BC_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "billing.h"
#include "renewal.h"

/* What happened to one renewal (renew --json's `outcome`). */
enum lifecycle_outcome {
    LIFECYCLE_RENEWED,            /* ordered (and paid, or covered by the balance) */
    LIFECYCLE_PAST_DUE,           /* the charge failed: nothing ordered, retried later */
    LIFECYCLE_SUSPENDED,          /* the last retry failed: service off */
    LIFECYCLE_CANCELED,           /* P1 came with auto_renew off */
    LIFECYCLE_TRIAL_ENDED,        /* a trial ended without a card on file */
    LIFECYCLE_SKIPPED,            /* nothing done today (see reason and status) */
};
/* "renewed", "past_due", "suspended", "canceled", "trial_ended", "skipped". */
const char *lifecycle_outcome_name(enum lifecycle_outcome o);

struct lifecycle_report {
    int64_t account_id;
    int64_t subscription_id;
    char product[BC_ID_MAX + 1];
    bc_day period_start, period_end;   /* renewed: the period ordered; else the
                                        * subscription's current period */
    enum lifecycle_outcome outcome;
    int64_t order_id;                  /* 0 when nothing was ordered (or a dry run) */
    char document[24];                 /* its invoice's number, "" when none written now */
    bool replayed;                     /* an earlier run had ordered it */
    char currency[4];
    int64_t due;                       /* charged to the card (a dry run: would be) */
    int64_t balance_applied;
    char reason[40];                   /* past_due, suspended: why the charge failed
                                        * ("no_card", "card_declined", ...); skipped:
                                        * "not_due", "awaiting_retry",
                                        * "corporate_account", or the status code */
    bc_day next_retry;                 /* past_due: the next retry day (0: none) */
    enum bc_status status;             /* BC_OK, or what stopped this subscription today */
    struct store_vat_check vat_check;  /* how the VAT number a reverse charge rests on was
                                        * checked (SPEC §9): the order's evidence, or VIES's
                                        * "not valid" (reason vat_number_rejected); present
                                        * false when it rests on none (and in a dry run) */
};

typedef void (*lifecycle_report_fn)(void *ctx, const struct lifecycle_report *r);

/* Renews, on b->today, every subscription whose period has ended (of
 * `account_id` alone when not 0), one period at a time until its period
 * holds today: each period is its own order under the key
 * renew:<subscription id>:<P1>, so a second run, a concurrent one or one
 * after a kill renews each period once and charges it once (SPEC §4's
 * pending checkouts). A trial converts the same way, or ends without a
 * card; a failed charge makes the subscription past_due and is retried on
 * the catalog's dunning days, then suspends it; auto_renew off cancels it
 * at P1. Corporate accounts are billed elsewhere: skipped. `cb` (may be
 * NULL) hears of every renewal attempted and every due subscription left
 * alone. `dry_run`: the same figures and outcomes (a charge assumed
 * approved when a card is on file, the VAT number as the offline check
 * sees it: VIES is not asked), nothing charged or written. A reverse
 * charge rests on the account's VAT number, asked of VIES before the
 * charge (vat_check.h) and stored with the order; VIES's "not valid" makes
 * the renewal fail like a declined charge (past_due, reason
 * vat_number_rejected, nothing ordered or charged).
 * Operators only (BC_READONLY_OPERATOR, BC_NOT_BILLING_CONTACT for a
 * contact). One subscription's failure does not stop the others: the first
 * error is returned at the end. */
enum bc_status billing_renew(struct billing *b, int64_t account_id, bool dry_run,
                             lifecycle_report_fn cb, void *ctx);

/* Cancel subscription: auto_renew off, active until P1, nothing refunded;
 * a past_due or suspended one is canceled now. Reactivate before P1 turns
 * it back on. Rights as for a change; refusals as renewal_apply's. */
enum bc_status billing_subscription_cancel(struct billing *b, int64_t account_id,
                                           int64_t subscription_id);
enum bc_status billing_subscription_reactivate(struct billing *b, int64_t account_id,
                                               int64_t subscription_id);
/* A change for the renewal at P1 (renewal_schedule: a lower tier needs
 * `downgrade: end_of_term` unless an operator asks), and taking it back. */
enum bc_status billing_subscription_schedule(struct billing *b, int64_t account_id,
                                             int64_t subscription_id,
                                             const struct renewal_terms *to);
enum bc_status billing_subscription_unschedule(struct billing *b, int64_t account_id,
                                               int64_t subscription_id);
/* Pay now: past_due renews [P1, P1 + 1 period), suspended starts a new
 * period today; with `pay`'s new card or the card on file (pay may be
 * NULL), exactly once under renew:<id>:<period start>. *out (may be NULL)
 * says what was ordered. A declined card changes nothing
 * (BC_PAYMENT_DECLINED, out->reason the processor's). A reverse charge
 * rests on the account's VAT number: it is asked of VIES first
 * (vat_check.h), and "not valid" there changes nothing either
 * (BC_VAT_NUMBER_REJECTED, out->vat_check VIES's answer). */
enum bc_status billing_subscription_pay(struct billing *b, int64_t account_id,
                                        int64_t subscription_id, const struct billing_payment *pay,
                                        struct lifecycle_report *out);

/* A change as billing_subscription_schedule would take it, not written:
 * `refusal` its business refusal (rights first; BC_OK when it can be
 * scheduled), `takes_effect` the renewal day P1, and when allowed the
 * renewal's period and estimate under `to` (catalog price today × seats,
 * VAT per §3, before the balance: charge.totals.total). Errors are
 * returned. */
struct billing_schedule_preview {
    enum bc_status refusal;
    char currency[4];
    bc_day takes_effect;
    struct renewal_terms terms;        /* the terms asked for */
    struct renewal_due due;
    struct renewal_charge charge;
};
enum bc_status billing_schedule_preview(struct billing *b, int64_t account_id,
                                        int64_t subscription_id, const struct renewal_terms *to,
                                        struct billing_schedule_preview *out);

/* Whether x renews by itself or is due to: active or trial with auto_renew
 * on, or past_due (its renewal at P1 waits to be paid). Not a pending
 * cancellation, canceled, suspended or trial_ended subscription. */
bool billing_renews(const struct store_subscription *x);

/* The next renewal of x (of account acct) as the Subscriptions row and
 * `account show --json` show it (SPEC §8 "States"): when billing_renews,
 * renews is true, `on` is P1 and the figures are renewal_charge's over the
 * period after [P0, P1) under the effective terms (a scheduled change is
 * what renews), catalog price today × seats, VAT per §3 with the account's
 * data, before the balance (total = subtotal + tax). Otherwise renews is
 * false and BC_OK. Errors as renewal_upcoming's and renewal_charge's (a
 * plan the catalog lost: BC_NOT_FOUND). Nothing is read or written. */
struct billing_renewal_estimate {
    bool renews;
    bc_day on;
    struct renewal_terms terms;        /* what renews: the scheduled change, else the current */
    int64_t subtotal, tax, total;      /* minor units of acct->currency */
};
enum bc_status billing_renewal_estimate(const struct catalog *cat,
                                        const struct store_account *acct,
                                        const struct store_subscription *x,
                                        struct billing_renewal_estimate *out);

/* A subscription as renewal.h sees it; false when its status is unknown. */
bool lifecycle_renewal_sub(const struct store_subscription *x, struct renewal_sub *out);
/* The catalog's dunning days. */
struct renewal_dunning lifecycle_dunning(const struct catalog *c);

#endif
