/* renewal.c — renewals, their charge, dunning and the subscription states
 * (SPEC §8), on top of the date, quote and VAT code that changes already use:
 * a renewal is priced and taxed exactly as a charge line of a change is, and
 * its periods land on the anchor day the way every other period does. */
#include "renewal.h"

#include <stdio.h>
#include <string.h>

#include "money.h"

static const char *const state_names[RENEWAL_STATE_COUNT] = {
    [RENEWAL_TRIAL] = "trial",
    [RENEWAL_ACTIVE] = "active",
    [RENEWAL_PAST_DUE] = "past_due",
    [RENEWAL_SUSPENDED] = "suspended",
    [RENEWAL_CANCELED] = "canceled",
    [RENEWAL_TRIAL_ENDED] = "trial_ended",
};

const char *renewal_state_name(enum renewal_state st)
{
    return (unsigned)st < RENEWAL_STATE_COUNT ? state_names[st] : "unknown";
}

bool renewal_state_parse(const char *s, enum renewal_state *out)
{
    if (!s || !out)
        return false;
    for (int i = 0; i < RENEWAL_STATE_COUNT; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (enum renewal_state)i;
            return true;
        }
    return false;
}

const struct renewal_terms *renewal_effective_terms(const struct renewal_sub *sub)
{
    return sub->scheduled ? &sub->next : &sub->terms;
}

int renewal_seat_limit(const struct renewal_sub *sub)
{
    if (sub->scheduled && sub->next.seats < sub->terms.seats)
        return sub->next.seats;
    return sub->terms.seats;
}

/* ---- periods --------------------------------------------------------- */

static bool period_valid(enum bc_period p)
{
    return p == BC_PERIOD_MONTHLY || p == BC_PERIOD_ANNUAL;
}

/* [start, start + 1 period) landing on anchor (1..31). */
static enum bc_status period_from(bc_day start, int anchor_day, enum bc_period period,
                                  bc_day *end)
{
    if (anchor_day < 1 || anchor_day > 31 || !period_valid(period) ||
        start < BC_DAY_MIN || start > BC_DAY_MAX)
        return BC_INVALID_ARGUMENT;
    bc_day e = date_period_end(start, period, anchor_day);
    if (e > BC_DAY_MAX)
        return BC_DATE_OUT_OF_RANGE;
    *end = e;
    return BC_OK;
}

enum bc_status renewal_next_period(bc_day period_start, bc_day period_end, int anchor_day,
                                   enum bc_period period, bc_day *next_start, bc_day *next_end)
{
    if (!next_start || !next_end || period_start >= period_end)
        return BC_INVALID_ARGUMENT;
    bc_day end;
    enum bc_status st = period_from(period_end, anchor_day, period, &end);
    if (st != BC_OK)
        return st;
    *next_start = period_end;
    *next_end = end;
    return BC_OK;
}

enum bc_status renewal_trial_period(bc_day start, int days, bc_day *end)
{
    if (!end || days < 1 || days > CATALOG_TRIAL_DAYS_MAX || start < BC_DAY_MIN ||
        start > BC_DAY_MAX)
        return BC_INVALID_ARGUMENT;
    if (start > BC_DAY_MAX - days)
        return BC_DATE_OUT_OF_RANGE;
    *end = start + days;
    return BC_OK;
}

bool renewal_key(int64_t subscription_id, bc_day renew_on, char *buf, size_t size)
{
    char day[11];
    if (!buf || size == 0)
        return false;
    date_format(renew_on, day);
    int n = snprintf(buf, size, "renew:%lld:%s", (long long)subscription_id, day);
    return n > 0 && (size_t)n < size;
}

/* The anchor the renewal at P1 keeps: a trial lasts days, not months, so
 * the first paid period sets it. */
static int renewal_anchor(const struct renewal_sub *sub)
{
    return sub->state == RENEWAL_TRIAL ? date_mday(sub->period_end) : sub->anchor_day;
}

static enum bc_status fill_due(const struct renewal_sub *sub, bc_day start, int anchor,
                               enum bc_period period, struct renewal_due *out)
{
    bc_day end;
    enum bc_status st = period_from(start, anchor, period, &end);
    if (st != BC_OK)
        return st;
    memset(out, 0, sizeof *out);
    out->period_start = start;
    out->period_end = end;
    out->anchor_day = anchor;
    out->period = period;
    return renewal_key(sub->id, start, out->key, sizeof out->key) ? BC_OK : BC_INVALID_ARGUMENT;
}

enum bc_status renewal_due(const struct renewal_sub *sub, bc_day today,
                           struct renewal_due *out, size_t cap, size_t *n)
{
    if (!n)
        return BC_INVALID_ARGUMENT;
    *n = 0;
    if (!sub || (cap > 0 && !out) || sub->period_start >= sub->period_end)
        return BC_INVALID_ARGUMENT;
    if ((sub->state != RENEWAL_ACTIVE && sub->state != RENEWAL_TRIAL) || !sub->auto_renew)
        return BC_OK;

    const enum bc_period period = renewal_effective_terms(sub)->period;
    const int anchor = renewal_anchor(sub);
    bc_day start = sub->period_end;
    while (start <= today) {
        struct renewal_due d;
        enum bc_status st = fill_due(sub, start, anchor, period, &d);
        if (st != BC_OK)
            return st;
        if (*n < cap)
            out[*n] = d;
        (*n)++;
        start = d.period_end;
    }
    return BC_OK;
}

enum bc_status renewal_upcoming(const struct renewal_sub *sub, struct renewal_due *out)
{
    if (!sub || !out || sub->period_start >= sub->period_end)
        return BC_INVALID_ARGUMENT;
    return fill_due(sub, sub->period_end, renewal_anchor(sub),
                    renewal_effective_terms(sub)->period, out);
}

/* ---- what a renewal charges ------------------------------------------ */

enum bc_status renewal_charge(const struct catalog *cat, const char *product,
                              const struct renewal_terms *terms,
                              const struct renewal_account *acct, bc_day from, bc_day to,
                              struct renewal_charge *out)
{
    if (!out)
        return BC_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (!cat || !product || !terms || !acct || terms->seats < 1 || acct->balance < 0 ||
        from >= to || !period_valid(terms->period))
        return BC_INVALID_ARGUMENT;
    const struct catalog_plan *plan = catalog_plan(catalog_product(cat, product), terms->plan);
    if (!plan)
        return BC_NOT_FOUND;
    int64_t price;
    if (!acct->currency || !catalog_price(cat, plan, acct->currency, terms->period, &price))
        return BC_UNKNOWN_CURRENCY;

    struct renewal_charge r = {.unit_price = price, .seats = terms->seats};
    const char *vn = acct->vat_number;
    bool valid = vn && *vn && acct->country && vat_number_valid(acct->country, vn);
    vat_decide(cat->seller_country, acct->country, valid, catalog_vat_rate, cat, &r.vat);

    /* One charge line and its VAT line, rounded once each, as quote_item
     * writes a change's charge; then the balance as for any checkout. */
    struct quote_item *it = &r.item;
    int64_t charge, vat;
    if (!money_mul(price, terms->seats, &charge) || !money_vat(charge, r.vat.rate_bp, &vat) ||
        !money_add(charge, vat, &it->total))
        return BC_OVERFLOW;
    it->refusal = BC_OK;
    it->lines[0] = (struct quote_line){QUOTE_LINE_CHARGE, charge, from, to, false};
    it->lines[1] = (struct quote_line){QUOTE_LINE_TAX, vat, from, to, r.vat.reverse_charge};
    it->nlines = 2;
    it->charge = charge;
    it->subtotal = charge;
    it->tax = vat;
    it->period_start = from;
    it->period_end = to;
    it->item_start = from;
    enum bc_status st = quote_totals(it, 1, acct->balance, &r.totals);
    if (st != BC_OK)
        return st;
    *out = r;
    return BC_OK;
}

/* ---- dunning --------------------------------------------------------- */

static bool dunning_valid(const struct renewal_dunning *d)
{
    if (!d || !d->days || d->n == 0)
        return false;
    for (size_t i = 0; i < d->n; i++)
        if (d->days[i] < 1 || (i > 0 && d->days[i] <= d->days[i - 1]))
            return false;
    return true;
}

/* P1 + days, or false past BC_DAY_MAX. */
static bool day_after(bc_day p1, int days, bc_day *out)
{
    if (p1 > BC_DAY_MAX - days)
        return false;
    *out = p1 + days;
    return true;
}

enum bc_status renewal_dunning_schedule(bc_day p1, const struct renewal_dunning *d,
                                        bc_day *retries, bc_day *suspend_on)
{
    if (!dunning_valid(d) || !retries || !suspend_on || p1 < BC_DAY_MIN || p1 > BC_DAY_MAX)
        return BC_INVALID_ARGUMENT;
    for (size_t i = 0; i < d->n; i++)
        if (!day_after(p1, d->days[i], &retries[i]))
            return BC_DATE_OUT_OF_RANGE;
    *suspend_on = retries[d->n - 1];
    return BC_OK;
}

/* Whether a retry day lies after `today`. */
static bool retry_left_after(bc_day p1, const struct renewal_dunning *d, bc_day today)
{
    return (int64_t)p1 + d->days[d->n - 1] > today;
}

enum bc_status renewal_dunning_today(bc_day p1, const struct renewal_dunning *d,
                                     bc_day last_attempt, bc_day today,
                                     struct renewal_retry *out)
{
    if (!out)
        return BC_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (!dunning_valid(d) || today < p1 || last_attempt < p1)
        return BC_INVALID_ARGUMENT;

    /* The first retry day after the last attempt, and the latest one come. */
    size_t first_open = d->n;
    int number = 0;
    for (size_t i = 0; i < d->n; i++) {
        int64_t day = (int64_t)p1 + d->days[i];
        if (first_open == d->n && day > last_attempt)
            first_open = i;
        if (day <= today)
            number = (int)i + 1;
    }
    if (first_open == d->n) {
        /* Every retry day lies before the last attempt: the list changed
         * under a past_due subscription. One last retry settles it (on a
         * later day than that attempt: one attempt a day). */
        if (last_attempt >= today)
            return BC_OK;
        out->retry = true;
        out->last = true;
        out->number = (int)d->n;
        return BC_OK;
    }
    int64_t open_day = (int64_t)p1 + d->days[first_open];
    if (open_day <= today) {
        out->retry = true;
        out->last = !retry_left_after(p1, d, today);
        out->number = number;
        return BC_OK;
    }
    out->next_retry = open_day > BC_DAY_MAX ? 0 : (bc_day)open_day;
    return BC_OK;
}

/* ---- what renew does today ------------------------------------------- */

enum bc_status renewal_decide(const struct renewal_sub *sub, const struct renewal_dunning *d,
                              bc_day today, struct renewal_decision *out)
{
    if (!out)
        return BC_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (!sub || sub->period_start >= sub->period_end)
        return BC_INVALID_ARGUMENT;
    switch (sub->state) {
    case RENEWAL_ACTIVE:
    case RENEWAL_TRIAL:
        if (sub->period_end > today)
            out->action = RENEWAL_ACTION_NONE;
        else
            out->action = sub->auto_renew ? RENEWAL_ACTION_RENEW : RENEWAL_ACTION_END;
        return BC_OK;
    case RENEWAL_PAST_DUE: {
        enum bc_status st = renewal_dunning_today(sub->period_end, d, sub->last_attempt, today,
                                                  &out->retry);
        if (st != BC_OK)
            return st;
        out->action = out->retry.retry ? RENEWAL_ACTION_RETRY : RENEWAL_ACTION_NONE;
        return BC_OK;
    }
    case RENEWAL_SUSPENDED:
    case RENEWAL_CANCELED:
    case RENEWAL_TRIAL_ENDED:
        out->action = RENEWAL_ACTION_NONE;
        return BC_OK;
    default:
        return BC_INVALID_ARGUMENT;
    }
}

/* ---- the state machine ----------------------------------------------- */

/* Refused: nothing moves, whatever was begun on out->after. */
static enum bc_status refuse(struct renewal_transition *out, const struct renewal_sub *sub,
                             enum bc_status st)
{
    memset(out, 0, sizeof *out);
    if (sub)
        out->after = *sub;
    out->refusal = st;
    return st;
}

/* The refusal of a customer's action in a state that takes none, or BC_OK. */
static enum bc_status state_refusal(enum renewal_state st)
{
    switch (st) {
    case RENEWAL_PAST_DUE:
    case RENEWAL_SUSPENDED: return BC_PAYMENT_OVERDUE;
    case RENEWAL_TRIAL_ENDED: return BC_TRIAL_ENDED;
    case RENEWAL_CANCELED: return BC_DATE_OUTSIDE_PERIOD;
    default: return BC_OK;
    }
}

static bool is_running(enum renewal_state st)
{
    return st == RENEWAL_ACTIVE || st == RENEWAL_TRIAL;
}

/* out->after becomes active over [start, start + 1 period) landing on
 * `anchor`, billing the effective terms. */
static enum bc_status start_period(struct renewal_transition *out, const struct renewal_sub *sub,
                                   bc_day start, int anchor)
{
    struct renewal_sub *a = &out->after;
    bc_day end;
    enum bc_status st = period_from(start, anchor, renewal_effective_terms(a)->period, &end);
    if (st != BC_OK)
        return refuse(out, sub, st);
    if (a->scheduled) {
        a->terms = a->next;
        a->scheduled = false;
        memset(&a->next, 0, sizeof a->next);
        out->scheduled_applied = true;
    }
    a->state = RENEWAL_ACTIVE;
    a->auto_renew = true;
    a->period_start = start;
    a->period_end = end;
    a->anchor_day = anchor;
    a->last_attempt = 0;
    out->new_period = true;
    out->log_event = "subscription.renewed";
    return BC_OK;
}

/* A declined charge of the renewal at P1 on `today`. */
static enum bc_status charge_failed(struct renewal_transition *out, const struct renewal_sub *sub,
                                    const struct renewal_dunning *d, bc_day today,
                                    const char *still_due_event)
{
    struct renewal_sub *a = &out->after;
    if (!dunning_valid(d))
        return refuse(out, sub, BC_INVALID_ARGUMENT);
    a->last_attempt = today;
    if (retry_left_after(a->period_end, d, today)) {
        a->state = RENEWAL_PAST_DUE;
        out->log_event = still_due_event;
    } else {
        a->state = RENEWAL_SUSPENDED;
        out->log_event = "subscription.suspended";
    }
    return BC_OK;
}

enum bc_status renewal_apply(const struct renewal_sub *sub, enum renewal_event ev, bc_day today,
                             const struct renewal_dunning *d, struct renewal_transition *out)
{
    if (!out)
        return BC_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (!sub)
        return refuse(out, sub, BC_INVALID_ARGUMENT);
    out->after = *sub;
    if (sub->period_start >= sub->period_end || (unsigned)sub->state >= RENEWAL_STATE_COUNT)
        return refuse(out, sub, BC_INVALID_ARGUMENT);

    struct renewal_sub *a = &out->after;
    const bc_day p1 = sub->period_end;
    const bool ended = p1 <= today;
    enum bc_status st;

    switch (ev) {
    case RENEWAL_EV_PAID:
        if (!is_running(sub->state) || !sub->auto_renew || !ended)
            return refuse(out, sub, BC_INVALID_ARGUMENT);
        return start_period(out, sub, p1, renewal_anchor(sub));

    case RENEWAL_EV_FAILED:
        if (!is_running(sub->state) || !sub->auto_renew || !ended)
            return refuse(out, sub, BC_INVALID_ARGUMENT);
        a->anchor_day = renewal_anchor(sub);
        return charge_failed(out, sub, d, today, "subscription.past_due");

    case RENEWAL_EV_RETRY_PAID:
        if (sub->state != RENEWAL_PAST_DUE)
            return refuse(out, sub, BC_INVALID_ARGUMENT);
        return start_period(out, sub, p1, sub->anchor_day);

    case RENEWAL_EV_RETRY_FAILED:
        if (sub->state != RENEWAL_PAST_DUE || today < sub->last_attempt)
            return refuse(out, sub, BC_INVALID_ARGUMENT);
        return charge_failed(out, sub, d, today, "payment.failed");

    case RENEWAL_EV_CANCEL:
        if (sub->state == RENEWAL_PAST_DUE || sub->state == RENEWAL_SUSPENDED) {
            a->state = RENEWAL_CANCELED;
            a->auto_renew = false;
            a->scheduled = false;
            memset(&a->next, 0, sizeof a->next);
            out->log_event = "subscription.canceled";
            return BC_OK;
        }
        if (!is_running(sub->state) || !sub->auto_renew)
            return refuse(out, sub, BC_NO_CHANGE);
        a->auto_renew = false;
        out->log_event = "subscription.changed";
        return BC_OK;

    case RENEWAL_EV_REACTIVATE:
        if ((st = state_refusal(sub->state)) != BC_OK)
            return refuse(out, sub, st);
        if (ended)
            return refuse(out, sub, BC_DATE_OUTSIDE_PERIOD);
        if (sub->auto_renew)
            return refuse(out, sub, BC_NO_CHANGE);
        a->auto_renew = true;
        out->log_event = "subscription.reactivated";
        return BC_OK;

    case RENEWAL_EV_PERIOD_END:
        if (!is_running(sub->state) || sub->auto_renew || !ended)
            return refuse(out, sub, BC_INVALID_ARGUMENT);
        a->state = RENEWAL_CANCELED;
        a->scheduled = false;
        memset(&a->next, 0, sizeof a->next);
        out->log_event = "subscription.canceled";
        return BC_OK;

    case RENEWAL_EV_TRIAL_END_NO_CARD:
        if (sub->state != RENEWAL_TRIAL || !ended)
            return refuse(out, sub, BC_INVALID_ARGUMENT);
        a->state = RENEWAL_TRIAL_ENDED;
        a->scheduled = false;
        memset(&a->next, 0, sizeof a->next);
        out->log_event = "subscription.changed";
        return BC_OK;

    case RENEWAL_EV_PAY:
        if (sub->state == RENEWAL_PAST_DUE)
            return start_period(out, sub, p1, sub->anchor_day);
        if (sub->state == RENEWAL_SUSPENDED)
            return start_period(out, sub, today, date_mday(today));
        if (sub->state == RENEWAL_TRIAL_ENDED)
            return refuse(out, sub, BC_TRIAL_ENDED);
        return refuse(out, sub, BC_NO_CHANGE);

    case RENEWAL_EV_SUBSCRIBE:
        if (sub->state == RENEWAL_PAST_DUE || sub->state == RENEWAL_SUSPENDED)
            return refuse(out, sub, BC_PAYMENT_OVERDUE);
        if (is_running(sub->state))
            return refuse(out, sub, BC_NO_CHANGE);
        a->scheduled = false;
        memset(&a->next, 0, sizeof a->next);
        if ((st = start_period(out, sub, today, date_mday(today))) != BC_OK)
            return st;
        out->log_event = "subscription.created";
        return BC_OK;

    case RENEWAL_EV_CHANGE:
        if ((st = state_refusal(sub->state)) != BC_OK)
            return refuse(out, sub, st);
        return BC_OK;

    case RENEWAL_EV_UNSCHEDULE:
        if ((st = state_refusal(sub->state)) != BC_OK)
            return refuse(out, sub, st);
        if (!sub->scheduled)
            return refuse(out, sub, BC_NO_CHANGE);
        a->scheduled = false;
        memset(&a->next, 0, sizeof a->next);
        out->log_event = "subscription.changed";
        return BC_OK;
    }
    return refuse(out, sub, BC_INVALID_ARGUMENT);
}

static bool same_terms(const struct renewal_terms *x, const struct renewal_terms *y)
{
    return strcmp(x->plan, y->plan) == 0 && x->seats == y->seats && x->period == y->period;
}

enum bc_status renewal_schedule(const struct renewal_sub *sub, const struct catalog_product *prod,
                                const struct renewal_terms *to, int seats_assigned,
                                bool by_operator, bc_day today, struct renewal_transition *out)
{
    if (!out)
        return BC_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (!sub)
        return refuse(out, sub, BC_INVALID_ARGUMENT);
    out->after = *sub;
    if (!prod || !to || !period_valid(to->period) || memchr(to->plan, '\0', sizeof to->plan) == NULL)
        return refuse(out, sub, BC_INVALID_ARGUMENT);

    enum bc_status st = state_refusal(sub->state);
    if (st != BC_OK)
        return refuse(out, sub, st);
    if (today < sub->period_start || today >= sub->period_end)
        return refuse(out, sub, BC_DATE_OUTSIDE_PERIOD);
    const struct catalog_plan *cur = catalog_plan(prod, sub->terms.plan);
    const struct catalog_plan *target = catalog_plan(prod, to->plan);
    if (!cur || !target)
        return refuse(out, sub, BC_NOT_FOUND);
    if (target->rank < cur->rank && !by_operator && prod->downgrade != CATALOG_DOWNGRADE_END_OF_TERM)
        return refuse(out, sub, BC_DOWNGRADE_REQUIRES_SUPPORT);
    if (to->seats < target->seats_min || to->seats > target->seats_max)
        return refuse(out, sub, BC_SEATS_OUT_OF_RANGE);
    if (to->seats < seats_assigned)
        return refuse(out, sub, BC_SEATS_BELOW_ASSIGNED);
    if (same_terms(to, &sub->terms))
        return refuse(out, sub, BC_NO_CHANGE);

    out->after.scheduled = true;
    out->after.next = *to;
    out->log_event = "subscription.changed";
    return BC_OK;
}
