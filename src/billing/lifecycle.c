/* lifecycle.c — renewals, dunning and the subscription actions of SPEC §8
 * on top of the store, the processor and src/core/renewal.h.
 *
 * A renewal is an order like any other and goes the same way (SPEC §4):
 * its figures, then — when something is due — its pending checkout and the
 * charge under its key renew:<subscription id>:<P1>, outside any write
 * transaction, then one transaction that re-checks the subscription's
 * version and the balance and writes the order, its lines and ledger
 * entries, the subscription's new period, its audit row and its events. A
 * second run finds the order under the key (or the charge a killed run
 * left, which it reuses), so that each period is ordered and charged once.
 * A failed charge writes nothing but the subscription's dunning state and
 * its events. */
#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "billing_impl.h"
#include "invoice.h"
#include "payment.h"
#include "vat.h"
#include "vat_check.h"

/* A subscription a machine was off for catches up at most this many
 * periods in one run (a monthly one: a century). */
#define RENEW_MAX_PERIODS 1200
/* How often one subscription's renewal is tried again today when a
 * concurrent writer got in between its read and its commit. */
#define RENEW_STALE_RETRIES 5
/* Due subscriptions read at a time by a renew run. */
#define RENEW_PAGE 256
/* The reason a renewal refused by VIES is past_due for (payment.failed's
 * reason, renew's text and the lifecycle report). */
#define RENEW_VAT_REJECTED "vat_number_rejected"

/* billing_audit for an `after` made for it alone, released after. */
static void audit_owned(struct billing *b, int64_t account_id, const char *action,
                        const json_t *before, json_t *after, enum bc_status result)
{
    billing_audit(b, account_id, action, before, after, result);
    json_decref(after);
}

static const char *const outcome_names[] = {
    [LIFECYCLE_RENEWED] = "renewed",
    [LIFECYCLE_PAST_DUE] = "past_due",
    [LIFECYCLE_SUSPENDED] = "suspended",
    [LIFECYCLE_CANCELED] = "canceled",
    [LIFECYCLE_TRIAL_ENDED] = "trial_ended",
    [LIFECYCLE_SKIPPED] = "skipped",
};

const char *lifecycle_outcome_name(enum lifecycle_outcome o)
{
    return (unsigned)o <= LIFECYCLE_SKIPPED ? outcome_names[o] : "unknown";
}

/* ---------------------------------------------------------------- mapping */

static const struct {
    enum store_sub_status store;
    enum renewal_state renewal;
} states[] = {
    {STORE_SUB_TRIAL, RENEWAL_TRIAL},         {STORE_SUB_ACTIVE, RENEWAL_ACTIVE},
    {STORE_SUB_PAST_DUE, RENEWAL_PAST_DUE},   {STORE_SUB_SUSPENDED, RENEWAL_SUSPENDED},
    {STORE_SUB_CANCELED, RENEWAL_CANCELED},   {STORE_SUB_TRIAL_ENDED, RENEWAL_TRIAL_ENDED},
};

static enum store_sub_status store_status(enum renewal_state st)
{
    for (size_t i = 0; i < sizeof states / sizeof *states; i++)
        if (states[i].renewal == st)
            return states[i].store;
    return STORE_SUB_ACTIVE;
}

bool lifecycle_renewal_sub(const struct store_subscription *x, struct renewal_sub *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    while (i < sizeof states / sizeof *states && states[i].store != x->status)
        i++;
    if (i == sizeof states / sizeof *states || !x->plan || strlen(x->plan) > BC_ID_MAX ||
        (x->sched_plan && strlen(x->sched_plan) > BC_ID_MAX))
        return false;
    out->id = x->id;
    out->state = states[i].renewal;
    out->auto_renew = !x->auto_renew_off;
    out->period_start = x->period_start;
    out->period_end = x->period_end;
    out->anchor_day = x->anchor_day;
    snprintf(out->terms.plan, sizeof out->terms.plan, "%s", x->plan);
    out->terms.seats = x->seats;
    out->terms.period = x->period;
    if (x->sched_plan) {
        out->scheduled = true;
        snprintf(out->next.plan, sizeof out->next.plan, "%s", x->sched_plan);
        out->next.seats = x->sched_seats;
        out->next.period = x->sched_period;
    }
    out->last_attempt = x->last_attempt;
    return true;
}

struct renewal_dunning lifecycle_dunning(const struct catalog *c)
{
    return (struct renewal_dunning){.days = c->retry_days, .n = c->nretry_days};
}

/* The store's write of what renewal_apply left in `a` (a state change
 * outside an order). An unpaid renewal keeps the P1 it is due from. */
static void life_of(const struct store_subscription *x, const struct renewal_sub *a,
                    struct store_sub_life *l)
{
    memset(l, 0, sizeof *l);
    l->subscription_id = x->id;
    l->expect_version = x->version;
    l->status = store_status(a->state);
    l->auto_renew_off = !a->auto_renew;
    l->anchor_day = a->anchor_day;
    if (a->scheduled) {
        l->sched_plan = a->next.plan;
        l->sched_seats = a->next.seats;
        l->sched_period = a->next.period;
    }
    if (a->state == RENEWAL_PAST_DUE || a->state == RENEWAL_SUSPENDED) {
        l->past_due_since = x->past_due_since ? x->past_due_since : a->period_end;
        l->last_attempt = a->last_attempt;
    }
}

static void day_text(bc_day d, char out[11])
{
    date_format(d, out);
}

/* The subscription's state as events and audit rows tell it. */
static json_t *sub_json(const struct store_subscription *x, const struct renewal_sub *r)
{
    char d0[11], d1[11];
    day_text(r->period_start, d0);
    day_text(r->period_end, d1);
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:b}",
        "subscription_id", (json_int_t)x->id, "product", x->product,
        "status", renewal_state_name(r->state), "plan", r->terms.plan, "seats", r->terms.seats,
        "period", bc_period_name(r->terms.period), "period_start", d0, "period_end", d1,
        "auto_renew", r->auto_renew);
    if (!j)
        return NULL;
    json_object_set_new(j, "scheduled", r->scheduled
        ? json_pack("{s:s, s:i, s:s}", "plan", r->next.plan, "seats", r->next.seats,
                    "period", bc_period_name(r->next.period))
        : json_null());
    return j;
}

/* An event's payload as text, with the civil day it happened on (as
 * billing_event writes them). Caller frees. */
static char *event_text(const struct billing *b, json_t *j)
{
    char day[11];
    if (!j)
        return NULL;
    day_text(b->today, day);
    json_object_set_new(j, "day", json_string(day));
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

/* ---------------------------------------------------------------- one renewal */

/* A renewal being worked on: the subscription and account as read, the
 * period it orders and its figures. */
struct renewal_job {
    struct billing *b;
    const struct store_subscription *x;
    const struct store_account *acct;
    struct renewal_sub r;             /* x as renewal.h sees it */
    struct renewal_due due;           /* the period ordered and its key */
    struct renewal_terms terms;       /* what it bills */
    struct renewal_charge charge;
    enum renewal_event paid_event;    /* PAID, RETRY_PAID or PAY */
    const char *kind;                 /* "renewal" or "pay" (order.placed's kind) */
    struct store_vat_check vat_check; /* the VAT number a reverse charge rests on */
};

static void report_init(struct lifecycle_report *rep, const struct store_subscription *x,
                        const struct store_account *acct)
{
    memset(rep, 0, sizeof *rep);
    rep->account_id = x->account_id;
    rep->subscription_id = x->id;
    snprintf(rep->product, sizeof rep->product, "%s", x->product ? x->product : "");
    rep->period_start = x->period_start;
    rep->period_end = x->period_end;
    rep->outcome = LIFECYCLE_SKIPPED;
    if (acct)
        snprintf(rep->currency, sizeof rep->currency, "%s", acct->currency);
}

/* The figures of the renewal over job->due with job->terms. */
static enum bc_status job_price(struct renewal_job *job, int64_t balance)
{
    struct renewal_account ra = {
        .currency = job->acct->currency, .country = job->acct->country,
        .vat_number = job->acct->vat_number, .balance = balance,
    };
    return renewal_charge(job->b->catalog, job->x->product, &job->terms, &ra,
                          job->due.period_start, job->due.period_end, &job->charge);
}

/* The evidence of the VAT number a reverse-charge renewal rests on (SPEC
 * §9), asked of the catalog's VIES client before anything is charged, as a
 * checkout asks it: VALID or OFFLINE (no client, no usable answer: the
 * offline check stands, and the evidence says why) with job->vat_check
 * present; INVALID when VIES says the number is not valid. A renewal that
 * relies on no VAT number (no reverse charge) has no evidence: OFFLINE with
 * present false. */
static enum vat_check_outcome job_vat_check(struct renewal_job *job)
{
    memset(&job->vat_check, 0, sizeof job->vat_check);
    const char *vn = job->acct->vat_number;
    char number[32];
    if (!job->charge.vat.reverse_charge || !vn || !*vn ||
        !vat_number_normalise(job->acct->country, vn, number, sizeof number))
        return VAT_CHECK_OFFLINE;
    return billing_vat_check(job->b->catalog, job->acct->country, number, (int64_t)time(NULL),
                             &job->vat_check);
}

/* A charge under the renewal's key that an earlier attempt (killed before
 * its commit, or running now) took with an earlier answer of VIES, given
 * back now that VIES says the number is not valid: the period is not
 * ordered with a reverse charge the check no longer supports, and no charge
 * stays without its order. true when that attempt's order holds the key
 * already (it is the answer: the renewal happened). */
static bool job_release_stray(const struct renewal_job *job)
{
    struct billing *b = job->b;
    int64_t charged = 0;
    char reference[128];
    bool ordered = false;
    if (b->processor && payment_status(b->processor, job->due.key, &charged, reference,
                                       sizeof reference) == PAYMENT_APPROVED)
        billing_release_key(b, job->due.key, charged, job->acct->currency, &ordered);
    return ordered;
}

/* What the pending checkout of a renewal records: enough for reconcile to
 * finish it, and this attempt's own name. Caller frees. */
static char *job_request(const struct renewal_job *job)
{
    char day[11], d0[11], d1[11], attempt[33];
    day_text(job->b->today, day);
    day_text(job->due.period_start, d0);
    day_text(job->due.period_end, d1);
    billing_new_key(attempt);
    const struct billing *b = job->b;
    json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:I, s:s,"
                          " s:s}",
        "kind", job->kind, "day", day, "subscription_id", (json_int_t)job->x->id,
        "version", (json_int_t)job->x->version, "period_start", d0, "period_end", d1,
        "currency", job->acct->currency, "due_minor", (json_int_t)job->charge.totals.due,
        "total_minor", (json_int_t)job->charge.totals.total,
        "balance_minor", (json_int_t)job->acct->balance,
        "actor_kind", b->actor.kind == BILLING_ACTOR_CONTACT ? "contact" : "operator",
        "actor", b->actor.name, "contact_id", (json_int_t)b->actor.contact_id,
        "origin", b->actor.origin, "attempt", attempt);
    /* The evidence the charge was made on: what reconcile orders it with. */
    json_t *evidence = j ? billing_vat_check_json(&job->vat_check) : NULL;
    if (evidence)
        json_object_set_new(j, "vat_check", evidence);
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    return text;
}

static char *dup_text(const char *s)
{
    return strdup(s ? s : "");
}

/* The order of the renewal, with its two lines (charge, VAT). */
static enum bc_status job_order(const struct renewal_job *job, const char *payment_ref,
                                struct store_order *o)
{
    char actor[300];
    const struct billing *b = job->b;
    billing_actor_name(b, actor, sizeof actor);
    memset(o, 0, sizeof *o);
    o->lines = calloc(2, sizeof *o->lines);
    o->idempotency_key = strdup(job->due.key);
    o->actor = strdup(actor);
    o->payment_ref = payment_ref && *payment_ref ? strdup(payment_ref) : NULL;
    if (!o->lines || !o->idempotency_key || !o->actor ||
        (payment_ref && *payment_ref && !o->payment_ref))
        return BC_NO_MEMORY;
    o->account_id = job->x->account_id;
    snprintf(o->currency, sizeof o->currency, "%s", job->acct->currency);
    o->day = b->today;
    o->created_at = (int64_t)time(NULL);
    const struct quote_totals *t = &job->charge.totals;
    o->subtotal = t->subtotal;
    o->tax = t->tax;
    o->total = t->total;
    o->balance_applied = t->balance_applied;
    o->due = t->due;
    o->balance_after = t->balance_after;
    o->vat_check = job->vat_check;   /* written with the order when present */
    const struct quote_item *it = &job->charge.item;
    for (size_t k = 0; k < it->nlines && k < 2; k++) {
        struct store_order_line *l = &o->lines[o->nlines++];
        l->subscription_id = job->x->id;
        l->product = dup_text(job->x->product);
        l->plan_from = dup_text(job->x->plan);
        l->plan_to = dup_text(job->terms.plan);
        if (!l->product || !l->plan_from || !l->plan_to)
            return BC_NO_MEMORY;
        l->seats_from = job->x->seats;
        l->seats_to = job->terms.seats;
        l->period_from = job->x->period;
        l->period_to = job->terms.period;
        l->kind = it->lines[k].kind == QUOTE_LINE_TAX ? STORE_LINE_TAX : STORE_LINE_CHARGE;
        l->amount = it->lines[k].amount;
        l->from = it->lines[k].from;
        l->to = it->lines[k].to;
        l->reverse_charge = it->lines[k].reverse_charge;
    }
    return BC_OK;
}

/* The order, the subscription's new period, the audit row and the events
 * (order.placed, subscription.renewed) in one transaction. `checkout`: the
 * request the paid renewal's checkout was opened with (NULL: nothing was
 * due). *ordered when an order held the key already (nothing written: it
 * is the answer, in *order_id). */
static enum bc_status job_commit(const struct renewal_job *job, const char *payment_ref,
                                 const char *checkout, int64_t *order_id, bool *ordered,
                                 char docnum[STORE_DOC_NUMBER_MAX + 1])
{
    struct billing *b = job->b;
    struct store_order order;
    char *before = NULL, *after = NULL, d0[11], d1[11];
    *order_id = 0;
    *ordered = false;
    docnum[0] = '\0';
    struct billing_doc doc;
    memset(&doc, 0, sizeof doc);
    enum bc_status st = job_order(job, payment_ref, &order);
    struct renewal_transition tr;
    if (st == BC_OK) {
        st = renewal_apply(&job->r, job->paid_event, b->today, NULL, &tr);
        if (st == BC_OK && (tr.after.period_start != job->due.period_start ||
                            tr.after.period_end != job->due.period_end))
            st = BC_INVALID_ARGUMENT;   /* the core and this renewal disagree */
    }
    if (st != BC_OK) {
        store_order_clear(&order);
        return st;
    }
    day_text(job->due.period_start, d0);
    day_text(job->due.period_end, d1);
    json_t *bj = sub_json(job->x, &job->r);
    json_t *aj = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "key", job->due.key,
        "kind", job->kind, "period_start", d0, "period_end", d1,
        "total_minor", (json_int_t)job->charge.totals.total,
        "balance_applied_minor", (json_int_t)job->charge.totals.balance_applied,
        "due_minor", (json_int_t)job->charge.totals.due,
        "balance_after_minor", (json_int_t)job->charge.totals.balance_after);
    if (bj)
        json_object_set_new(bj, "balance_minor", json_integer(job->acct->balance));
    json_t *evidence = aj ? billing_vat_check_json(&job->vat_check) : NULL;
    if (evidence)
        json_object_set_new(aj, "vat_check", evidence);
    before = bj ? json_dumps(bj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    after = aj ? json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(bj);
    json_decref(aj);
    if (!before || !after) {
        st = BC_NO_MEMORY;
        goto done;
    }
    char actor[300];
    billing_actor_name(b, actor, sizeof actor);
    struct store_audit_entry audit = {
        .at = order.created_at, .actor = actor,
        .origin = b->actor.origin[0] ? b->actor.origin : "local",
        .account_id = job->x->account_id,
        .action = strcmp(job->kind, "pay") == 0 ? "subscription.pay" : "order.renew",
        .before = before, .after = after, .result = bc_status_code(BC_OK),
    };
    struct store_sub_change change = {
        .subscription_id = job->x->id, .expect_version = job->x->version,
        .plan = job->terms.plan, .seats = job->terms.seats, .period = job->terms.period,
        .period_start = job->due.period_start, .period_end = job->due.period_end,
        .item_start = job->due.period_start, .anchor_day = job->due.anchor_day,
        .billed = job->charge.item.charge, .price = job->charge.unit_price, .renewal = true,
    };
    /* Its invoice (or credit note), numbered inside the order's transaction. */
    if ((st = billing_doc_prepare(b, job->acct, NULL, NULL, &order, &job->charge.vat, NULL,
                                  &doc)) != BC_OK)
        goto done;
    if ((st = store_begin(b->store)) != BC_OK)
        goto done;
    enum store_key_state ks = STORE_KEY_FREE;
    struct store_doc_issue *issue = billing_doc_issue(&doc);
    st = store_order_place_doc(b->store, &order, &change, 1, job->acct->balance, &audit, checkout,
                               issue, &ks);
    *ordered = st == BC_OK && ks == STORE_KEY_ORDERED;
    if (st == BC_OK && !*ordered)
        st = billing_event(b, "order.placed", job->x->account_id, 0,
            json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:[{s:I, s:s}]}",
                      "order_id", (json_int_t)order.id, "kind", job->kind, "key", job->due.key,
                      "currency", order.currency, "total_minor", (json_int_t)order.total,
                      "balance_applied_minor", (json_int_t)order.balance_applied,
                      "due_minor", (json_int_t)order.due,
                      "balance_after_minor", (json_int_t)order.balance_after,
                      "subscriptions", "subscription_id", (json_int_t)job->x->id,
                      "product", job->x->product));
    if (st == BC_OK && !*ordered && issue) {
        snprintf(docnum, STORE_DOC_NUMBER_MAX + 1, "%s", issue->number);
        st = billing_event(b, issue->kind == STORE_DOC_CREDIT_NOTE ? "credit_note.issued"
                                                                 : "invoice.issued",
                           job->x->account_id, job->x->id,
                           json_pack("{s:s, s:I, s:I, s:s}", "number", issue->number,
                                     "order_id", (json_int_t)order.id,
                                     "total_minor", (json_int_t)order.total,
                                     "currency", order.currency));
    }
    if (st == BC_OK && !*ordered) {
        json_t *p = sub_json(job->x, &tr.after);
        if (p) {
            json_object_set_new(p, "order_id", json_integer(order.id));
            json_object_set_new(p, "from_trial", json_boolean(job->r.state == RENEWAL_TRIAL));
            json_object_set_new(p, "scheduled_applied", json_boolean(tr.scheduled_applied));
        }
        st = billing_event(b, "subscription.renewed", job->x->account_id, job->x->id, p);
    }
    if (st == BC_OK)
        st = store_commit(b->store);
    else
        store_rollback(b->store);
    if (st == BC_OK)
        *order_id = order.id;
done:
    billing_doc_clear(&doc);
    store_order_clear(&order);
    free(before);
    free(after);
    return st;
}

/* ---------------------------------------------------------------- failures */

/* A state change that orders nothing and its audit row, in one
 * transaction: one commit, not two, and never the change without its row.
 * A change that fails is audited with its failure, as any attempt is.
 * `result`: the audit's result when the change is written. */
static enum bc_status life_audited(struct billing *b, const struct store_sub_life *life,
                                   struct store_event *events, size_t nevents,
                                   int64_t account_id, const char *action, const json_t *before,
                                   const json_t *after, enum bc_status result)
{
    enum bc_status st = store_begin(b->store);
    if (st != BC_OK) {
        billing_audit(b, account_id, action, before, after, st);
        return st;
    }
    st = store_subscription_set_life(b->store, life, events, nevents);
    enum bc_status ast = billing_audit(b, account_id, action, before, after,
                                       st == BC_OK ? result : st);
    if (ast == BC_OK)
        ast = store_commit(b->store);
    else
        store_rollback(b->store);
    return st == BC_OK ? ast : st;
}

/* The charge of the renewal at P1 failed on b->today (declined, no card):
 * nothing ordered; the subscription past_due from P1, or suspended when no
 * retry day is left, with payment.failed and the state's event. */
static enum bc_status job_failed(const struct renewal_job *job, const char *reason, int attempt,
                                 struct lifecycle_report *rep)
{
    struct billing *b = job->b;
    struct renewal_dunning d = lifecycle_dunning(b->catalog);
    enum renewal_event ev = job->r.state == RENEWAL_PAST_DUE ? RENEWAL_EV_RETRY_FAILED
                                                               : RENEWAL_EV_FAILED;
    struct renewal_transition tr;
    enum bc_status st = renewal_apply(&job->r, ev, b->today, &d, &tr);
    if (st != BC_OK)
        return st;
    struct store_sub_life life;
    life_of(job->x, &tr.after, &life);
    char d0[11], d1[11];
    day_text(job->due.period_start, d0);
    day_text(job->due.period_end, d1);
    struct renewal_retry next;
    bc_day next_retry = 0;
    if (tr.after.state == RENEWAL_PAST_DUE &&
        renewal_dunning_today(tr.after.period_end, &d, tr.after.last_attempt, b->today,
                              &next) == BC_OK && !next.retry)
        next_retry = next.next_retry;
    char retry[11] = "";
    if (next_retry)
        day_text(next_retry, retry);

    json_t *fail = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:i, s:s, s:s}",
        "subscription_id", (json_int_t)job->x->id, "product", job->x->product,
        "key", job->due.key, "amount_minor", (json_int_t)job->charge.totals.due,
        "currency", job->acct->currency, "reason", reason, "attempt", attempt,
        "period_start", d0, "period_end", d1);
    json_t *evidence = fail && strcmp(reason, RENEW_VAT_REJECTED) == 0
                           ? billing_vat_check_json(&job->vat_check) : NULL;
    if (evidence)
        json_object_set_new(fail, "vat_check", evidence);   /* VIES's "not valid" */
    json_t *state = sub_json(job->x, &tr.after);
    if (!fail || !state) {
        json_decref(fail);
        json_decref(state);
        return BC_NO_MEMORY;
    }
    json_object_set_new(state, "next_retry", next_retry ? json_string(retry) : json_null());
    char *fail_s = event_text(b, fail);
    char *state_s = event_text(b, state);
    json_decref(fail);
    struct store_event events[2] = {
        {.type = "payment.failed", .account_id = job->x->account_id,
         .subscription_id = job->x->id, .payload = fail_s},
        {.type = tr.log_event, .account_id = job->x->account_id, .subscription_id = job->x->id,
         .payload = state_s},
    };
    size_t nevents = tr.log_event && strcmp(tr.log_event, "payment.failed") != 0 ? 2 : 1;
    json_t *before = sub_json(job->x, &job->r);
    enum bc_status why = strcmp(reason, "no_card") == 0 ? BC_PAYMENT_REQUIRED
                       : strcmp(reason, RENEW_VAT_REJECTED) == 0 ? BC_VAT_NUMBER_REJECTED
                       : BC_PAYMENT_DECLINED;
    st = BC_NO_MEMORY;
    if (fail_s && state_s)
        st = life_audited(b, &life, events, nevents, job->x->account_id,
                          "subscription.renew_failed", before, state, why);
    else
        billing_audit(b, job->x->account_id, "subscription.renew_failed", before, state, st);
    free(fail_s);
    free(state_s);
    json_decref(before);
    json_decref(state);
    if (st != BC_OK)
        return st;
    rep->outcome = tr.after.state == RENEWAL_SUSPENDED ? LIFECYCLE_SUSPENDED : LIFECYCLE_PAST_DUE;
    rep->period_start = job->due.period_start;
    rep->period_end = job->due.period_end;
    rep->next_retry = next_retry;
    snprintf(rep->reason, sizeof rep->reason, "%s", reason);
    return BC_OK;
}

/* A state change that orders nothing (cancel at P1, a trial without a
 * card, and the actions), with its event and audit row. */
static enum bc_status write_transition(struct billing *b, const struct store_subscription *x,
                                       const struct renewal_sub *before,
                                       const struct renewal_transition *tr, const char *action)
{
    struct store_sub_life life;
    life_of(x, &tr->after, &life);
    json_t *bj = sub_json(x, before), *aj = sub_json(x, &tr->after);
    char *payload = event_text(b, aj);
    struct store_event ev = {.type = tr->log_event, .account_id = x->account_id,
                             .subscription_id = x->id, .payload = payload};
    enum bc_status st = BC_NO_MEMORY;
    if (payload)
        st = life_audited(b, &life, &ev, tr->log_event ? 1 : 0, x->account_id, action, bj, aj,
                          BC_OK);
    else
        billing_audit(b, x->account_id, action, bj, aj, st);
    free(payload);
    json_decref(bj);
    json_decref(aj);
    return st;
}

/* ---------------------------------------------------------------- renew */

struct renew_run {
    struct billing *b;
    bool dry_run;
    lifecycle_report_fn cb;
    void *ctx;
    enum bc_status first_error;
};

static void tell(struct renew_run *run, struct lifecycle_report *rep)
{
    if (rep->status != BC_OK && run->first_error == BC_OK)
        run->first_error = rep->status;
    if (rep->outcome == LIFECYCLE_SKIPPED && rep->status != BC_OK && !rep->reason[0])
        snprintf(rep->reason, sizeof rep->reason, "%s", bc_status_code(rep->status));
    if (run->cb)
        run->cb(run->ctx, rep);
}

/* Whether the account can pay `due` > 0 by card: the card it charges into
 * `card`, or the reason it cannot ("no_card", "expired_card"). */
static bool card_for(struct billing *b, int64_t account_id, char *card, size_t size,
                     const char **reason, enum bc_status *err)
{
    *err = BC_OK;
    enum bc_status st = billing_choose_card(b, account_id, NULL, card, size);
    if (st == BC_OK)
        return true;
    if (st == BC_PAYMENT_REQUIRED)
        *reason = "no_card";
    else if (st == BC_CARD_EXPIRED)
        *reason = "expired_card";
    else
        *err = st;
    return false;
}

/* Charges and orders one renewal (job->due), live. *renewed: ordered (now
 * or by an earlier run), the caller goes on with the next period. */
static enum bc_status renew_live(struct renewal_job *job, int attempt,
                                 struct lifecycle_report *rep, bool *renewed)
{
    struct billing *b = job->b;
    *renewed = false;
    int64_t due = job->charge.totals.due;
    struct store_order prior = {0};
    enum bc_status st = store_order_by_key(b->store, job->due.key, &prior);
    if (st == BC_OK) {
        /* An earlier run ordered it after this one read the subscription. */
        rep->order_id = prior.id;
        rep->replayed = true;
        rep->due = prior.due;
        rep->balance_applied = prior.balance_applied;
        rep->vat_check = prior.vat_check;
        store_order_clear(&prior);
        *renewed = true;
        return BC_OK;
    }
    if (st != BC_NOT_FOUND)
        return st;
    /* The VAT number a reverse charge rests on, checked before anything is
     * charged (SPEC §9), as a checkout checks it. When VIES says it is not
     * valid the period is not ordered at all: no reverse charge on a number
     * the tax authority's register rejects, and no consumer VAT either — a
     * different amount than the customer was told to expect (SPEC §3: what
     * is shown is what is charged), taken from a card unattended, for what
     * may be a typo or a registration being renewed. The renewal fails as a
     * declined card does: past_due from P1 with reason vat_number_rejected
     * (payment.failed carries VIES's answer), service goes on, dunning
     * retries ask VIES again, and the customer corrects or removes the
     * number in Billing information and pays with Pay now. */
    if (job_vat_check(job) == VAT_CHECK_INVALID) {
        rep->vat_check = job->vat_check;
        if (job_release_stray(job)) {
            /* Another attempt's order, made on its own check, holds the key. */
            if (store_order_by_key(b->store, job->due.key, &prior) == BC_OK) {
                rep->order_id = prior.id;
                rep->due = prior.due;
                rep->balance_applied = prior.balance_applied;
                rep->vat_check = prior.vat_check;
                store_order_clear(&prior);
            }
            rep->replayed = true;
            *renewed = true;
            return BC_OK;
        }
        return job_failed(job, RENEW_VAT_REJECTED, attempt, rep);
    }
    char card[64] = "", reference[128] = "";
    char *request = NULL;
    if (due > 0) {
        const char *reason = NULL;
        if (!card_for(b, job->x->account_id, card, sizeof card, &reason, &st))
            return st != BC_OK ? st : job_failed(job, reason, attempt, rep);
        if (!(request = job_request(job)))
            return BC_NO_MEMORY;
        bool ordered = false;
        const char *note = NULL;
        st = billing_charge_key(b, job->x->account_id, job->due.key, due, job->acct->currency,
                                card, request, reference, sizeof reference, &ordered, &note);
        if (st == BC_OK && ordered) {
            free(request);
            *renewed = true;
            rep->replayed = true;
            if (store_order_by_key(b->store, job->due.key, &prior) == BC_OK) {
                rep->vat_check = prior.vat_check;
                store_order_clear(&prior);
            }
            return BC_OK;
        }
        if (st == BC_PAYMENT_DECLINED) {
            free(request);
            return job_failed(job, reference[0] ? reference : "card_declined", attempt, rep);
        }
        if (st == BC_PAYMENT_UNCONFIRMED && note == billing_note_key_contended) {
            /* Another run renewing this period gave its charge back just
             * now: read the subscription again (renew_one's retry). */
            free(request);
            return BC_STALE_QUOTE;
        }
        if (st != BC_OK) {
            free(request);
            return st;   /* unconfirmed: the next run (or reconcile) settles it */
        }
    }
    int64_t order_id = 0;
    bool ordered = false;
    st = job_commit(job, due > 0 ? reference : NULL, request, &order_id, &ordered,
                    rep->document);
    if (st != BC_OK && due > 0) {
        /* Nothing was written: the charge goes back, unless the key's order
         * was written meanwhile by another run (then it is the answer). */
        bool held = false;
        billing_release_key(b, job->due.key, due, job->acct->currency, &held);
        if (held) {
            st = BC_OK;
            ordered = true;
        }
    }
    free(request);
    if (st != BC_OK)
        return st;
    *renewed = true;
    rep->replayed = ordered;
    rep->order_id = order_id;
    rep->vat_check = job->vat_check;
    if (ordered && store_order_by_key(b->store, job->due.key, &prior) == BC_OK) {
        rep->order_id = prior.id;
        rep->vat_check = prior.vat_check;
        due = prior.due;
        job->charge.totals.balance_applied = prior.balance_applied;
        store_order_clear(&prior);
    }
    rep->due = due;
    rep->balance_applied = job->charge.totals.balance_applied;
    return BC_OK;
}

/* The period a renewal of `r` orders today and the terms it bills. */
static enum bc_status job_period(struct renewal_job *job, enum renewal_action action)
{
    size_t n = 0;
    enum bc_status st = action == RENEWAL_ACTION_RENEW
        ? renewal_due(&job->r, job->b->today, &job->due, 1, &n)
        : renewal_upcoming(&job->r, &job->due);
    if (st == BC_OK && action == RENEWAL_ACTION_RENEW && n == 0)
        st = BC_INVALID_ARGUMENT;
    job->terms = *renewal_effective_terms(&job->r);
    return st;
}

/* Renews one subscription today, period after period, telling each.
 * True when it renewed at least one period live and then stopped for
 * another reason than nothing being due (a failure at a later period):
 * the subscription may then still be due, further on in the due order. */
static bool renew_one(struct renew_run *run, int64_t sub_id)
{
    struct billing *b = run->b;
    struct renewal_dunning d = lifecycle_dunning(b->catalog);
    struct store_subscription x = {0};
    struct store_account acct = {0};
    struct lifecycle_report rep;
    struct renewal_sub sim;          /* a dry run's subscription, moved in memory */
    int64_t sim_balance = 0;
    bool told = false, moved = false, rest_due = true;
    int stale = 0;
    enum bc_status st = BC_OK;
    for (int iter = 0; iter < RENEW_MAX_PERIODS; iter++) {
        store_subscription_clear(&x);
        store_account_clear(&acct);
        if ((st = store_subscription_get(b->store, sub_id, &x)) != BC_OK ||
            (st = store_account_get(b->store, x.account_id, &acct)) != BC_OK) {
            report_init(&rep, &x, NULL);
            rep.status = st;
            tell(run, &rep);
            goto out;
        }
        report_init(&rep, &x, &acct);
        struct renewal_job job = {.b = b, .x = &x, .acct = &acct, .kind = "renewal"};
        if (!lifecycle_renewal_sub(&x, &job.r)) {
            rep.status = BC_INVALID_ARGUMENT;
            tell(run, &rep);
            goto out;
        }
        if (run->dry_run && iter > 0) {
            job.r = sim;
            acct.balance = sim_balance;
        }
        rep.period_start = job.r.period_start;
        rep.period_end = job.r.period_end;
        if (acct.kind == STORE_ACCOUNT_CORPORATE) {
            snprintf(rep.reason, sizeof rep.reason, "corporate_account");
            tell(run, &rep);
            goto out;
        }
        struct renewal_decision dec;
        if ((st = renewal_decide(&job.r, &d, b->today, &dec)) != BC_OK) {
            rep.status = st;
            tell(run, &rep);
            goto out;
        }
        struct renewal_transition tr;
        switch (dec.action) {
        case RENEWAL_ACTION_NONE:
            rest_due = false;
            if (!told) {
                snprintf(rep.reason, sizeof rep.reason, "%s",
                         job.r.state == RENEWAL_PAST_DUE ? "awaiting_retry" : "not_due");
                rep.next_retry = dec.retry.next_retry;
                tell(run, &rep);
            }
            goto out;
        case RENEWAL_ACTION_END:
            st = renewal_apply(&job.r, RENEWAL_EV_PERIOD_END, b->today, &d, &tr);
            if (st == BC_OK && !run->dry_run)
                st = write_transition(b, &x, &job.r, &tr, "subscription.end");
            rep.outcome = st == BC_OK ? LIFECYCLE_CANCELED : LIFECYCLE_SKIPPED;
            rep.status = st;
            tell(run, &rep);
            goto out;
        case RENEWAL_ACTION_RENEW:
        case RENEWAL_ACTION_RETRY:
            break;
        }
        /* A trial without a card on file ends (SPEC §8: Subscribe now). */
        char card[64];
        const char *reason = NULL;
        if (job.r.state == RENEWAL_TRIAL && !card_for(b, x.account_id, card, sizeof card, &reason, &st)) {
            if (st == BC_OK)
                st = renewal_apply(&job.r, RENEWAL_EV_TRIAL_END_NO_CARD, b->today, &d, &tr);
            if (st == BC_OK && !run->dry_run)
                st = write_transition(b, &x, &job.r, &tr, "subscription.trial_end");
            rep.outcome = st == BC_OK ? LIFECYCLE_TRIAL_ENDED : LIFECYCLE_SKIPPED;
            if (st == BC_OK)
                snprintf(rep.reason, sizeof rep.reason, "%s", reason);
            rep.status = st;
            tell(run, &rep);
            goto out;
        }
        job.paid_event = dec.action == RENEWAL_ACTION_RETRY ? RENEWAL_EV_RETRY_PAID
                                                            : RENEWAL_EV_PAID;
        int attempt = dec.action == RENEWAL_ACTION_RETRY ? dec.retry.number : 0;
        if ((st = job_period(&job, dec.action)) == BC_OK)
            st = job_price(&job, acct.balance);
        if (st != BC_OK) {
            rep.status = st;
            tell(run, &rep);
            goto out;
        }
        rep.period_start = job.due.period_start;
        rep.period_end = job.due.period_end;
        bool renewed = false;
        if (run->dry_run) {
            /* The same figures; a charge is assumed to go through when a
             * card is on file. */
            bool payable = job.charge.totals.due == 0 ||
                           card_for(b, x.account_id, card, sizeof card, &reason, &st);
            if (st == BC_OK && payable) {
                st = renewal_apply(&job.r, job.paid_event, b->today, &d, &tr);
                sim = tr.after;
                sim_balance = job.charge.totals.balance_after;
                rep.outcome = LIFECYCLE_RENEWED;
                rep.due = job.charge.totals.due;
                rep.balance_applied = job.charge.totals.balance_applied;
                renewed = st == BC_OK;
            } else if (st == BC_OK) {
                st = renewal_apply(&job.r, job.paid_event == RENEWAL_EV_PAID ? RENEWAL_EV_FAILED
                                                                              : RENEWAL_EV_RETRY_FAILED,
                                   b->today, &d, &tr);
                rep.outcome = tr.after.state == RENEWAL_SUSPENDED ? LIFECYCLE_SUSPENDED
                                                                  : LIFECYCLE_PAST_DUE;
                snprintf(rep.reason, sizeof rep.reason, "%s", reason);
            }
        } else {
            st = renew_live(&job, attempt, &rep, &renewed);
            if (st == BC_OK && renewed)
                rep.outcome = LIFECYCLE_RENEWED;
            if (st == BC_STALE_QUOTE && stale < RENEW_STALE_RETRIES) {
                /* Another run (or a change) moved the subscription or took
                 * the key's checkout between our read and our commit;
                 * whatever we charged went back. Read it again. */
                stale++;
                struct timespec pause = {0, 10000000L * stale};
                nanosleep(&pause, NULL);
                continue;
            }
        }
        if (st != BC_OK)
            rep.outcome = LIFECYCLE_SKIPPED;
        rep.status = st;
        tell(run, &rep);
        told = true;
        if (st != BC_OK || !renewed)
            goto out;
        moved = moved || !run->dry_run;
    }
out:
    store_subscription_clear(&x);
    store_account_clear(&acct);
    return moved && rest_due;
}

/* Subscription ids, kept sorted. */
struct id_set {
    int64_t *v;
    size_t n, cap;
};

static bool id_set_has(const struct id_set *set, int64_t id)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set->v[mid] == id)
            return true;
        if (set->v[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool id_set_add(struct id_set *set, int64_t id)
{
    if (id_set_has(set, id))
        return true;
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 16;
        int64_t *v = realloc(set->v, cap * sizeof *v);
        if (!v)
            return false;
        set->v = v;
        set->cap = cap;
    }
    size_t i = set->n;
    while (i > 0 && set->v[i - 1] > id) {
        set->v[i] = set->v[i - 1];
        i--;
    }
    set->v[i] = id;
    set->n++;
    return true;
}

enum bc_status billing_renew(struct billing *b, int64_t account_id, bool dry_run,
                             lifecycle_report_fn cb, void *ctx)
{
    /* Renewals order and charge for any account: operators who may change
     * things only. The refusal is audited like any attempt. */
    if (b->actor.kind != BILLING_ACTOR_OPERATOR || b->actor.op_role == STORE_OP_READONLY) {
        enum bc_status refusal = b->actor.kind == BILLING_ACTOR_OPERATOR ? BC_READONLY_OPERATOR
                                                                         : BC_NOT_BILLING_CONTACT;
        billing_audit(b, account_id, "renew", NULL, NULL, refusal);
        return refusal;
    }
    /* The due set in pages, in its order (period end, id): the memory of
     * a run does not grow with the set. A page's renewals move its
     * subscriptions out of the set or leave them before the next page's
     * first; those renewed for a period and then stopped (a later period
     * declined) are remembered, so that none is looked at twice. */
    struct renew_run run = {.b = b, .dry_run = dry_run, .cb = cb, .ctx = ctx};
    struct id_set seen = {0};
    bc_day after_end = INT32_MIN;
    int64_t after_id = 0;
    enum bc_status st = BC_OK;
    for (;;) {
        struct store_subscription_list due = {0};
        st = store_subscriptions_due_after(b->store, b->today, account_id, after_end, after_id,
                                           RENEW_PAGE, &due);
        if (st != BC_OK || due.n == 0) {
            store_subscription_list_clear(&due);
            break;
        }
        for (size_t i = 0; st == BC_OK && i < due.n; i++) {
            int64_t id = due.items[i].id;
            if (!id_set_has(&seen, id) && renew_one(&run, id) && !id_set_add(&seen, id))
                st = BC_NO_MEMORY;
        }
        after_end = due.items[due.n - 1].period_end;
        after_id = due.items[due.n - 1].id;
        bool last = due.n < RENEW_PAGE;
        store_subscription_list_clear(&due);
        if (st != BC_OK || last)
            break;
    }
    free(seen.v);
    return st != BC_OK ? st : run.first_error;
}

/* ---------------------------------------------------------------- reconcile */

bool billing_renewal_request(const char *request)
{
    json_t *j = request ? json_loads(request, 0, NULL) : NULL;
    const char *kind = json_string_value(json_object_get(j, "kind"));
    bool yes = kind && (strcmp(kind, "renewal") == 0 || strcmp(kind, "pay") == 0);
    json_decref(j);
    return yes;
}

/* The job a renewal checkout's request describes, rebuilt from the
 * subscription as it is now: BC_STALE_QUOTE unless it still waits for that
 * very renewal (same version, same period) with the charged figures. */
static enum bc_status job_from_request(struct billing *rb, json_t *req, int64_t account_id,
                                       int64_t charged, struct store_subscription *x,
                                       struct store_account *acct, struct renewal_job *job)
{
    const char *kind = json_string_value(json_object_get(req, "kind"));
    const char *day = json_string_value(json_object_get(req, "day"));
    const char *d0 = json_string_value(json_object_get(req, "period_start"));
    bc_day start;
    if (!kind || !day || !d0 || !date_parse(day, &rb->today) || !date_parse(d0, &start))
        return BC_INVALID_ARGUMENT;
    int64_t sub_id = (int64_t)json_integer_value(json_object_get(req, "subscription_id"));
    int64_t version = (int64_t)json_integer_value(json_object_get(req, "version"));
    enum bc_status st = store_subscription_get(rb->store, sub_id, x);
    if (st == BC_OK)
        st = store_account_get(rb->store, x->account_id, acct);
    if (st != BC_OK)
        return st;
    if (x->account_id != account_id || x->version != version)
        return BC_STALE_QUOTE;
    memset(job, 0, sizeof *job);
    job->b = rb;
    job->x = x;
    job->acct = acct;
    job->kind = strcmp(kind, "pay") == 0 ? "pay" : "renewal";
    if (!lifecycle_renewal_sub(x, &job->r))
        return BC_INVALID_ARGUMENT;
    struct renewal_transition tr;
    if (strcmp(job->kind, "pay") == 0) {
        job->paid_event = RENEWAL_EV_PAY;
        st = renewal_apply(&job->r, RENEWAL_EV_PAY, rb->today, NULL, &tr);
        if (st != BC_OK)
            return BC_STALE_QUOTE;
        job->due = (struct renewal_due){.period_start = tr.after.period_start,
                                        .period_end = tr.after.period_end,
                                        .anchor_day = tr.after.anchor_day,
                                        .period = tr.after.terms.period};
        if (!renewal_key(x->id, tr.after.period_start, job->due.key, sizeof job->due.key))
            return BC_INVALID_ARGUMENT;
        job->terms = tr.after.terms;
    } else {
        struct renewal_dunning d = lifecycle_dunning(rb->catalog);
        struct renewal_decision dec;
        st = renewal_decide(&job->r, &d, rb->today, &dec);
        if (st == BC_OK && dec.action != RENEWAL_ACTION_RENEW && dec.action != RENEWAL_ACTION_RETRY &&
            job->r.state != RENEWAL_PAST_DUE)
            st = BC_STALE_QUOTE;
        if (st != BC_OK)
            return st;
        job->paid_event = job->r.state == RENEWAL_PAST_DUE ? RENEWAL_EV_RETRY_PAID
                                                           : RENEWAL_EV_PAID;
        st = job_period(job, job->r.state == RENEWAL_PAST_DUE ? RENEWAL_ACTION_RETRY
                                                              : RENEWAL_ACTION_RENEW);
        if (st != BC_OK)
            return st;
    }
    if (job->due.period_start != start)
        return BC_STALE_QUOTE;
    if ((st = job_price(job, acct->balance)) != BC_OK)
        return st;
    /* The evidence the charge was made on is the order's (VIES is not asked
     * again: the charge rests on that answer). */
    if (!billing_vat_check_from_json(json_object_get(req, "vat_check"), &job->vat_check))
        memset(&job->vat_check, 0, sizeof job->vat_check);
    if (job->charge.totals.due != charged ||
        json_integer_value(json_object_get(req, "balance_minor")) != acct->balance)
        return BC_STALE_QUOTE;
    return BC_OK;
}

enum bc_status billing_renewal_reconcile(struct billing *b, const char *key, int64_t account_id,
                                         int64_t charged, const char *reference,
                                         const char *request, bool *completed, bool *refunded)
{
    *completed = *refunded = false;
    struct billing rb = *b;
    struct store_subscription x = {0};
    struct store_account acct = {0};
    struct renewal_job job;
    json_t *req = json_loads(request, 0, NULL);
    enum bc_status st = req ? job_from_request(&rb, req, account_id, charged, &x, &acct, &job)
                            : BC_INVALID_ARGUMENT;
    if (st == BC_OK && strcmp(job.due.key, key) != 0)
        st = BC_STALE_QUOTE;
    if (st == BC_OK) {
        const char *kind = json_string_value(json_object_get(req, "actor_kind"));
        const char *actor = json_string_value(json_object_get(req, "actor"));
        if (kind && actor) {
            rb.actor.kind = strcmp(kind, "contact") == 0 ? BILLING_ACTOR_CONTACT
                                                         : BILLING_ACTOR_OPERATOR;
            snprintf(rb.actor.name, sizeof rb.actor.name, "%s", actor);
            rb.actor.contact_id = (int64_t)json_integer_value(json_object_get(req, "contact_id"));
        }
        int64_t order_id = 0;
        bool ordered = false;
        char docnum[STORE_DOC_NUMBER_MAX + 1];
        st = job_commit(&job, reference, request, &order_id, &ordered, docnum);
        if (st == BC_OK) {
            *completed = !ordered;
            goto done;
        }
    }
    bool ordered = false;
    if (billing_release_key(b, key, charged, acct.currency[0] ? acct.currency : "EUR",
                            &ordered) == BC_OK && !ordered)
        *refunded = true;
    audit_owned(&rb, x.account_id, "order.reconcile", NULL,
                  json_pack("{s:s, s:s}", "key", key, "kind", "renewal"), st);
done:
    json_decref(req);
    store_subscription_clear(&x);
    store_account_clear(&acct);
    return BC_OK;
}

/* ---------------------------------------------------------------- actions */

/* The account's subscription with the actor's rights to change it: BC_OK
 * with both read, the rights' refusal, or BC_NOT_FOUND. */
static enum bc_status action_load(struct billing *b, int64_t account_id, int64_t subscription_id,
                                  struct store_account *acct, struct store_subscription *x,
                                  bool *known)
{
    struct billing_rights rights;
    *known = false;
    enum bc_status st = billing_load_rights(b, account_id, acct, &rights);
    if (st != BC_OK)
        return st;
    *known = true;
    if (rights.may_change != BC_OK)
        return rights.may_change;
    st = store_subscription_get(b->store, subscription_id, x);
    if (st == BC_OK && x->account_id != account_id)
        st = BC_NOT_FOUND;
    return st;
}

/* Cancel, reactivate, unschedule: one event of renewal_apply's. */
static enum bc_status simple_action(struct billing *b, int64_t account_id, int64_t subscription_id,
                                    enum renewal_event ev, const char *action)
{
    struct store_account acct = {0};
    struct store_subscription x = {0};
    struct renewal_sub r;
    struct renewal_transition tr;
    bool known;
    enum bc_status st = action_load(b, account_id, subscription_id, &acct, &x, &known);
    if (st == BC_OK && !lifecycle_renewal_sub(&x, &r))
        st = BC_INVALID_ARGUMENT;
    if (st == BC_OK)
        st = renewal_apply(&r, ev, b->today, NULL, &tr);
    if (st == BC_OK)
        st = write_transition(b, &x, &r, &tr, action);
    else
        audit_owned(b, known ? account_id : 0, action, NULL,
                      json_pack("{s:I}", "subscription_id", (json_int_t)subscription_id), st);
    store_subscription_clear(&x);
    store_account_clear(&acct);
    return st;
}

enum bc_status billing_subscription_cancel(struct billing *b, int64_t account_id,
                                           int64_t subscription_id)
{
    return simple_action(b, account_id, subscription_id, RENEWAL_EV_CANCEL, "subscription.cancel");
}

enum bc_status billing_subscription_reactivate(struct billing *b, int64_t account_id,
                                               int64_t subscription_id)
{
    return simple_action(b, account_id, subscription_id, RENEWAL_EV_REACTIVATE,
                         "subscription.reactivate");
}

enum bc_status billing_subscription_unschedule(struct billing *b, int64_t account_id,
                                               int64_t subscription_id)
{
    return simple_action(b, account_id, subscription_id, RENEWAL_EV_UNSCHEDULE,
                         "subscription.unschedule");
}

enum bc_status billing_subscription_schedule(struct billing *b, int64_t account_id,
                                             int64_t subscription_id,
                                             const struct renewal_terms *to)
{
    struct store_account acct = {0};
    struct store_subscription x = {0};
    struct renewal_sub r;
    struct renewal_transition tr;
    bool known;
    enum bc_status st = action_load(b, account_id, subscription_id, &acct, &x, &known);
    if (st == BC_OK && !lifecycle_renewal_sub(&x, &r))
        st = BC_INVALID_ARGUMENT;
    const struct catalog_product *prod = st == BC_OK ? catalog_product(b->catalog, x.product) : NULL;
    if (st == BC_OK && !prod)
        st = BC_NOT_FOUND;
    if (st == BC_OK)
        st = renewal_schedule(&r, prod, to, x.seats_assigned,
                              b->actor.kind == BILLING_ACTOR_OPERATOR, b->today, &tr);
    if (st == BC_OK)
        st = write_transition(b, &x, &r, &tr, "subscription.schedule");
    else
        audit_owned(b, known ? account_id : 0, "subscription.schedule", NULL,
                      json_pack("{s:I, s:s, s:i, s:s}", "subscription_id",
                                (json_int_t)subscription_id, "plan", to ? to->plan : "",
                                "seats", to ? to->seats : 0,
                                "period", bc_period_name(to ? to->period : BC_PERIOD_MONTHLY)),
                      st);
    store_subscription_clear(&x);
    store_account_clear(&acct);
    return st;
}

enum bc_status billing_subscription_pay(struct billing *b, int64_t account_id,
                                        int64_t subscription_id, const struct billing_payment *pay,
                                        struct lifecycle_report *out)
{
    struct store_account acct = {0};
    struct store_subscription x = {0};
    struct lifecycle_report rep;
    struct renewal_job job = {.b = b, .kind = "pay", .paid_event = RENEWAL_EV_PAY};
    struct renewal_transition tr;
    char card[64] = "", reference[128] = "";
    char *request = NULL;
    bool known;
    memset(&rep, 0, sizeof rep);
    enum bc_status st = action_load(b, account_id, subscription_id, &acct, &x, &known);
    if (st != BC_OK)
        goto audit;
    report_init(&rep, &x, &acct);
    job.x = &x;
    job.acct = &acct;
    if (!lifecycle_renewal_sub(&x, &job.r)) {
        st = BC_INVALID_ARGUMENT;
        goto audit;
    }
    if ((st = renewal_apply(&job.r, RENEWAL_EV_PAY, b->today, NULL, &tr)) != BC_OK)
        goto audit;
    job.due = (struct renewal_due){.period_start = tr.after.period_start,
                                   .period_end = tr.after.period_end,
                                   .anchor_day = tr.after.anchor_day,
                                   .period = tr.after.terms.period};
    job.terms = tr.after.terms;
    if (!renewal_key(x.id, job.due.period_start, job.due.key, sizeof job.due.key)) {
        st = BC_INVALID_ARGUMENT;
        goto audit;
    }
    if ((st = job_price(&job, acct.balance)) != BC_OK)
        goto audit;
    rep.period_start = job.due.period_start;
    rep.period_end = job.due.period_end;
    /* The VAT number a reverse charge rests on, before anything is charged
     * (SPEC §9): VIES's "not valid" refuses the payment and nothing changes
     * (the subscription stays as it is; a charge an earlier attempt left
     * under the key goes back), as a checkout refuses. */
    if (job_vat_check(&job) == VAT_CHECK_INVALID) {
        rep.vat_check = job.vat_check;
        snprintf(rep.reason, sizeof rep.reason, "%s", RENEW_VAT_REJECTED);
        st = job_release_stray(&job) ? BC_NO_CHANGE : BC_VAT_NUMBER_REJECTED;
        goto audit;
    }
    int64_t due = job.charge.totals.due;
    if (due > 0) {
        if ((st = billing_choose_card(b, account_id, pay, card, sizeof card)) != BC_OK)
            goto audit;
        if (!(request = job_request(&job))) {
            st = BC_NO_MEMORY;
            goto audit;
        }
        bool ordered = false;
        const char *note = NULL;
        st = billing_charge_key(b, account_id, job.due.key, due, acct.currency, card, request,
                                reference, sizeof reference, &ordered, &note);
        if (st == BC_OK && ordered) {
            st = BC_NO_CHANGE;   /* paid meanwhile: that order is the payment */
            goto audit;
        }
        if (st == BC_PAYMENT_DECLINED) {
            snprintf(rep.reason, sizeof rep.reason, "%.39s", reference[0] ? reference : "card_declined");
            billing_event(b, "payment.failed", account_id, x.id,
                json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:i}", "subscription_id",
                          (json_int_t)x.id, "product", x.product, "key", job.due.key,
                          "amount_minor", (json_int_t)due, "currency", acct.currency,
                          "reason", rep.reason, "attempt", 0));
            goto audit;
        }
        if (st != BC_OK)
            goto audit;
    }
    int64_t order_id = 0;
    bool ordered = false;
    char docnum[STORE_DOC_NUMBER_MAX + 1];
    st = job_commit(&job, due > 0 ? reference : NULL, request, &order_id, &ordered, docnum);
    if (st != BC_OK && due > 0) {
        bool held = false;
        billing_release_key(b, job.due.key, due, acct.currency, &held);
    }
    if (st == BC_OK && ordered)
        st = BC_NO_CHANGE;
    if (st == BC_OK) {
        rep.outcome = LIFECYCLE_RENEWED;
        rep.order_id = order_id;
        rep.vat_check = job.vat_check;   /* stored with the order */
        snprintf(rep.document, sizeof rep.document, "%s", docnum);   /* its invoice */
        rep.due = due;
        rep.balance_applied = job.charge.totals.balance_applied;
        free(request);
        store_subscription_clear(&x);
        store_account_clear(&acct);
        if (out)
            *out = rep;
        return BC_OK;   /* the order's transaction wrote its audit row */
    }
audit:;
    json_t *aj = json_pack("{s:I, s:s}", "subscription_id", (json_int_t)subscription_id,
                           "key", job.due.key);
    json_t *evidence = aj ? billing_vat_check_json(&job.vat_check) : NULL;
    if (evidence)
        json_object_set_new(aj, "vat_check", evidence);
    audit_owned(b, known ? account_id : 0, "subscription.pay", NULL, aj, st);
    free(request);
    store_subscription_clear(&x);
    store_account_clear(&acct);
    rep.status = st;
    if (out)
        *out = rep;
    return st;
}
