/* renewal.h — the life of a subscription after its first period (SPEC §8):
 * renewals, what they charge, dunning, and the states a subscription moves
 * through. Pure functions: no I/O, no clock; "today" is always an argument.
 *
 * The store keeps a subscription as a struct renewal_sub; `renew` asks
 * renewal_decide what to do today, renewal_due for the periods to renew,
 * renewal_charge for each one's order, and renewal_apply for the state that
 * follows each outcome. */
#ifndef BC_RENEWAL_H
#define BC_RENEWAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "date.h"
#include "ids.h"
#include "quote.h"
#include "status.h"
#include "vat.h"

/* ---- states ---------------------------------------------------------- */

enum renewal_state {
    RENEWAL_TRIAL,
    RENEWAL_ACTIVE,
    RENEWAL_PAST_DUE,
    RENEWAL_SUSPENDED,
    RENEWAL_CANCELED,
    RENEWAL_TRIAL_ENDED,
    RENEWAL_STATE_COUNT
};

/* "trial", "active", "past_due", "suspended", "canceled", "trial_ended";
 * "unknown" out of range. Borrowed. */
const char *renewal_state_name(enum renewal_state st);
/* Exactly one of the names above; false (and *out untouched) otherwise. */
bool renewal_state_parse(const char *s, enum renewal_state *out);

/* ---- a subscription as renewals see it ------------------------------- */

/* What is billed each period: plan (catalog id), seats, frequency. */
struct renewal_terms {
    char plan[BC_ID_MAX + 1];
    int seats;
    enum bc_period period;
};

struct renewal_sub {
    int64_t id;                   /* subscription id (in the idempotency key) */
    enum renewal_state state;
    bool auto_renew;
    bc_day period_start;          /* P0 */
    bc_day period_end;            /* P1, exclusive; a trial's period is the trial */
    int anchor_day;               /* 1..31: the day of month periods start on */
    struct renewal_terms terms;   /* billed now */
    bool scheduled;               /* a change waits for the renewal at P1 */
    struct renewal_terms next;    /* that change: the terms from P1 on */
    bc_day last_attempt;          /* past_due/suspended: day of the last failed charge
                                   * of the renewal at P1 (0 otherwise) */
};

/* The terms the next renewal bills: the scheduled change, else the current
 * terms. Borrowed from sub. */
const struct renewal_terms *renewal_effective_terms(const struct renewal_sub *sub);

/* Seats that may be assigned now: while a reduction is scheduled, no more
 * than the next period will have. */
int renewal_seat_limit(const struct renewal_sub *sub);

/* ---- periods --------------------------------------------------------- */

/* The period after [period_start, period_end): [P1, P1 + 1 period of
 * `period`), landing on `anchor_day` clamped to the month (SPEC §3: anchor
 * 31 -> Feb 28/29 -> Mar 31; annual from Feb 29 -> Feb 28). BC_INVALID_ARGUMENT
 * when start >= end or the anchor is not 1..31; BC_DATE_OUT_OF_RANGE when
 * the new period would end after BC_DAY_MAX. */
enum bc_status renewal_next_period(bc_day period_start, bc_day period_end, int anchor_day,
                                   enum bc_period period, bc_day *next_start, bc_day *next_end);

/* A product's trial starting on `start`: [start, start + days). days 1..365
 * (catalog trial.days); BC_DATE_OUT_OF_RANGE past BC_DAY_MAX. */
enum bc_status renewal_trial_period(bc_day start, int days, bc_day *end);

/* "renew:<subscription id>:<YYYY-MM-DD>" */
#define RENEWAL_KEY_SIZE 40
/* The idempotency key of the renewal on `renew_on` (the ended period's P1,
 * which is the renewed period's start). False when it does not fit `size`. */
bool renewal_key(int64_t subscription_id, bc_day renew_on, char *buf, size_t size);

/* One renewal: the period it orders, [period_start, period_end), with the
 * terms' frequency and the anchor kept; period_start is the ended period's P1. */
struct renewal_due {
    bc_day period_start;
    bc_day period_end;
    int anchor_day;
    enum bc_period period;
    char key[RENEWAL_KEY_SIZE];
};

/* The renewals due as of `today`, in order: one per ended period while its
 * P1 <= today (a machine that was off catches up; each is its own order).
 * Only an active or trial subscription with auto_renew on renews; any other
 * has none. Each uses the effective terms' frequency (a scheduled frequency
 * change applies from the first). A trial's anchor becomes its end's day of
 * month. The list assumes each renewal succeeds: stop at the first that does
 * not (renewal_apply says what follows).
 * Writes at most `cap` items to out (may be NULL when cap is 0) and sets *n
 * to how many are due, which may exceed cap: renew those, then call again.
 * BC_DATE_OUT_OF_RANGE (items before it written, *n counting them) when a
 * period would end after BC_DAY_MAX. */
enum bc_status renewal_due(const struct renewal_sub *sub, bc_day today,
                           struct renewal_due *out, size_t cap, size_t *n);

/* The next renewal of sub whatever today is: the period after [P0, P1) under
 * the effective terms (for "Next renewal" and the scheduled change's
 * estimate). Same errors as renewal_next_period. */
enum bc_status renewal_upcoming(const struct renewal_sub *sub, struct renewal_due *out);

/* ---- what a renewal charges ------------------------------------------ */

/* The account on the renewal day. */
struct renewal_account {
    const char *currency;         /* the account's currency (catalog currency) */
    const char *country;          /* billing country, ISO code */
    const char *vat_number;       /* NULL or "" when none */
    int64_t balance;              /* credit balance C >= 0 */
};

struct renewal_charge {
    int64_t unit_price;           /* catalog price per seat for the period */
    int seats;
    struct vat_decision vat;      /* SPEC §3's VAT case for the account */
    struct quote_item item;       /* a charge line [from, to) and its VAT line (anchor_day 0) */
    struct quote_totals totals;   /* balance applied first; totals.due goes to the card */
};

/* The order of one renewal of `product` over [from, to): catalog price of
 * terms->plan for terms->period in the account's currency × seats, VAT per
 * §3 (vat_decide with the catalog's table; a VAT number counts when
 * vat_number_valid), then the balance applied (quote_totals). All minor
 * units, every product and sum overflow-checked (BC_OVERFLOW).
 * BC_NOT_FOUND: no such product or plan; BC_UNKNOWN_CURRENCY: not a catalog
 * currency; BC_INVALID_ARGUMENT: seats < 1, balance < 0, from >= to. */
enum bc_status renewal_charge(const struct catalog *cat, const char *product,
                              const struct renewal_terms *terms,
                              const struct renewal_account *acct, bc_day from, bc_day to,
                              struct renewal_charge *out);

/* ---- dunning --------------------------------------------------------- */

/* The catalog's `dunning: {retry_days: [...]}`: days after P1, strictly
 * increasing, each >= 1 (catalog->retry_days, catalog->nretry_days). */
struct renewal_dunning {
    const int *days;
    size_t n;
};

/* The retry dates P1 + days[i] into retries[] (room for d->n) and the day
 * the subscription is suspended when the last retry fails (P1 + the last
 * day). BC_INVALID_ARGUMENT for an empty or not strictly increasing list;
 * BC_DATE_OUT_OF_RANGE past BC_DAY_MAX. */
enum bc_status renewal_dunning_schedule(bc_day p1, const struct renewal_dunning *d,
                                        bc_day *retries, bc_day *suspend_on);

struct renewal_retry {
    bool retry;                   /* charge the renewal at P1 again today */
    bool last;                    /* retry: a decline today suspends */
    int number;                   /* retry: which retry day (1-based) today answers */
    bc_day next_retry;            /* !retry: the next retry day; 0 when none is left */
};

/* What `renew` does today for a past_due subscription whose renewal at P1
 * last failed on `last_attempt` (>= P1). A retry is due when a retry day has
 * come that is after the last attempt; several passed while the machine was
 * off make one retry. A decline suspends when no retry day is left after
 * today. A list whose days all lie before the last attempt (the catalog
 * changed) gives one last retry on a later day. At most one attempt a day:
 * the day of the last attempt never retries again. BC_INVALID_ARGUMENT when today < P1,
 * last_attempt < P1 or the list is bad. */
enum bc_status renewal_dunning_today(bc_day p1, const struct renewal_dunning *d,
                                     bc_day last_attempt, bc_day today,
                                     struct renewal_retry *out);

/* ---- what renew does today ------------------------------------------- */

enum renewal_action {
    RENEWAL_ACTION_NONE,          /* nothing today ("skipped") */
    RENEWAL_ACTION_RENEW,         /* renew the periods of renewal_due; a trial without
                                   * a card on file gets RENEWAL_EV_TRIAL_END_NO_CARD */
    RENEWAL_ACTION_END,           /* P1 came with auto_renew off: RENEWAL_EV_PERIOD_END */
    RENEWAL_ACTION_RETRY,         /* past_due: charge the renewal at P1 again */
};

struct renewal_decision {
    enum renewal_action action;
    struct renewal_retry retry;   /* past_due only */
};

enum bc_status renewal_decide(const struct renewal_sub *sub, const struct renewal_dunning *d,
                              bc_day today, struct renewal_decision *out);

/* ---- the state machine ----------------------------------------------- */

enum renewal_event {
    RENEWAL_EV_PAID,              /* the renewal at P1 was paid (card, or balance alone);
                                   * from trial: the trial converts to paid */
    RENEWAL_EV_FAILED,            /* the renewal's charge was declined, or no card */
    RENEWAL_EV_RETRY_PAID,        /* past_due: a retry was paid */
    RENEWAL_EV_RETRY_FAILED,      /* past_due: a retry was declined */
    RENEWAL_EV_CANCEL,            /* Cancel subscription */
    RENEWAL_EV_REACTIVATE,        /* Reactivate, before P1 */
    RENEWAL_EV_PERIOD_END,        /* P1 came with auto_renew off */
    RENEWAL_EV_TRIAL_END_NO_CARD, /* a trial ended with no card on file */
    RENEWAL_EV_PAY,               /* Pay now (past_due or suspended) */
    RENEWAL_EV_SUBSCRIBE,         /* Subscribe now (trial_ended or canceled) */
    RENEWAL_EV_CHANGE,            /* a change today, or scheduling one (renewal_schedule) */
    RENEWAL_EV_UNSCHEDULE,        /* Cancel scheduled change */
};

struct renewal_transition {
    enum bc_status refusal;       /* BC_OK, or why the event is refused */
    struct renewal_sub after;     /* the subscription after the event (= before when refused) */
    bool new_period;              /* after's period is new: order it (renewal_charge over it) */
    bool scheduled_applied;       /* the scheduled change became after.terms */
    const char *log_event;        /* the event log's type ("subscription.renewed", ...),
                                   * or NULL; borrowed */
};

/* The state that follows `ev` on `today` (SPEC §8):
 *   PAID (active or trial, auto_renew on, P1 <= today): active, [P1, P1 + 1
 *     period) with the anchor kept (a trial's: its end's day), the scheduled
 *     change applied. "subscription.renewed".
 *   FAILED (same states): past_due from P1, period unchanged, service on;
 *     suspended at once when no retry day is left after today.
 *     "subscription.past_due" / "subscription.suspended".
 *   RETRY_PAID (past_due): as PAID. RETRY_FAILED (past_due): past_due while
 *     a retry day is left after today ("payment.failed"), else suspended
 *     ("subscription.suspended").
 *   CANCEL: active or trial -> auto_renew off, still active until P1
 *     ("subscription.changed"); past_due or suspended -> canceled now, nothing
 *     was ordered for the unpaid period ("subscription.canceled").
 *   REACTIVATE (active or trial, auto_renew off, today < P1): auto_renew on.
 *     "subscription.reactivated".
 *   PERIOD_END (active or trial, auto_renew off, P1 <= today): canceled, the
 *     scheduled change dropped. "subscription.canceled".
 *   TRIAL_END_NO_CARD (trial, P1 <= today): trial_ended. "subscription.changed".
 *   PAY: past_due -> as PAID ([P1, P1 + 1 period), anchor kept); suspended ->
 *     active, [today, today + 1 period), anchor reset to today's day.
 *     "subscription.renewed".
 *   SUBSCRIBE (trial_ended or canceled): active, auto_renew on,
 *     [today, today + 1 period) of the current terms, anchor today's day.
 *     "subscription.created".
 *   CHANGE: allowed (nothing moves) in active and trial.
 *   UNSCHEDULE (a change is scheduled): the change dropped. "subscription.changed".
 * Refusals (exit 3, also in out->refusal, out->after = *sub): while past_due
 * or suspended every change, reactivation, subscription and unscheduling is
 * BC_PAYMENT_OVERDUE; trial_ended: BC_TRIAL_ENDED (subscribe instead);
 * canceled: BC_DATE_OUTSIDE_PERIOD (its period is over; subscribe instead);
 * REACTIVATE on or after P1: BC_DATE_OUTSIDE_PERIOD; nothing to do (cancel
 * twice, reactivate what renews, pay what is not overdue, unschedule with
 * nothing scheduled, subscribe to what runs): BC_NO_CHANGE.
 * The renew-side events (PAID, FAILED, RETRY_*, PERIOD_END,
 * TRIAL_END_NO_CARD) in another state or before P1 are the caller's mistake:
 * BC_INVALID_ARGUMENT. A new period past BC_DAY_MAX: BC_DATE_OUT_OF_RANGE.
 * `d` is needed by FAILED and RETRY_FAILED (may be NULL for the others). */
enum bc_status renewal_apply(const struct renewal_sub *sub, enum renewal_event ev, bc_day today,
                             const struct renewal_dunning *d, struct renewal_transition *out);

/* Schedules `to` for the renewal at P1 (replacing any scheduled change), on
 * `today` with P0 <= today < P1. A lower tier is refused with
 * BC_DOWNGRADE_REQUIRES_SUPPORT unless the product says `downgrade:
 * end_of_term` or an operator asks; seats outside the target plan's bounds:
 * BC_SEATS_OUT_OF_RANGE; below the seats assigned: BC_SEATS_BELOW_ASSIGNED;
 * the terms billed now: BC_NO_CHANGE; a day outside [P0, P1):
 * BC_DATE_OUTSIDE_PERIOD; the state refusals of CHANGE first. BC_NOT_FOUND
 * for a plan the product does not have. "subscription.changed". */
enum bc_status renewal_schedule(const struct renewal_sub *sub, const struct catalog_product *prod,
                                const struct renewal_terms *to, int seats_assigned,
                                bool by_operator, bc_day today, struct renewal_transition *out);

#endif
