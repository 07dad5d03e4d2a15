/* quote.c — the SPEC §3 proration engine.
 *
 * Pure arithmetic on day numbers and minor units: the same inputs always give
 * the same figures, so what the review page shows is what is placed. Every
 * product and sum is overflow-checked; rounding happens once per line. */
#include "quote.h"

#include <string.h>

#include "money.h"

static enum bc_status quote_refuse(struct quote_item *out, enum bc_status st)
{
    memset(out, 0, sizeof *out);
    out->refusal = st;
    return st;
}

static void quote_add_line(struct quote_item *out, enum quote_line_kind kind,
                           int64_t amount, bc_day from, bc_day to, bool reverse_charge)
{
    struct quote_line *l = &out->lines[out->nlines++];
    l->kind = kind;
    l->amount = amount;
    l->from = from;
    l->to = to;
    l->reverse_charge = kind == QUOTE_LINE_TAX && reverse_charge;
}

enum bc_status quote_item(const struct quote_current *cur,
                          const struct quote_target *to,
                          const struct quote_tax *tax,
                          bc_day today, struct quote_policy policy,
                          struct quote_item *out)
{
    if (!out)
        return BC_INVALID_ARGUMENT;
    if (!cur || !to || !tax)
        return quote_refuse(out, BC_INVALID_ARGUMENT);

    const bc_day d = today, p0 = cur->period_start, p1 = cur->period_end, i0 = cur->item_start;

    if (d < i0 || d >= p1)
        return quote_refuse(out, BC_DATE_OUTSIDE_PERIOD);
    if (to->rank < cur->rank && !to->lower_allowed)
        return quote_refuse(out, BC_DOWNGRADE_REQUIRES_SUPPORT);
    if (to->seats < to->seats_min || to->seats > to->seats_max)
        return quote_refuse(out, BC_SEATS_OUT_OF_RANGE);
    if (to->seats < cur->seats_assigned)
        return quote_refuse(out, BC_SEATS_BELOW_ASSIGNED);
    if (to->same_plan && to->seats == cur->seats && to->period == cur->period)
        return quote_refuse(out, BC_NO_CHANGE);
    if (cur->billed < 0 || cur->credited < 0 || to->unit_price < 0 || to->seats < 0 ||
        p0 > i0 || p0 >= p1)
        return quote_refuse(out, BC_INVALID_ARGUMENT);

    memset(out, 0, sizeof *out);
    out->refusal = BC_OK;

    /* Credit for the unused days [D, P1) of the billed item [I0, P1). */
    int64_t credit, remaining;
    if (d == i0) {
        credit = cur->billed;
    } else if (!money_muldiv_round(cur->billed, (int64_t)p1 - d, (int64_t)p1 - i0, &credit)) {
        return quote_refuse(out, BC_OVERFLOW);
    }
    remaining = cur->billed - cur->credited;  /* both >= 0: cannot overflow */
    if (remaining < 0)
        remaining = 0;
    if (credit > remaining)
        credit = remaining;

    /* Charge for the new item. A change of the seat count alone co-terms
     * under `seats: keep`; otherwise the anchor policy decides, and a change
     * of frequency always starts a new period.
     *
     * A co-termed change has two lines, like a plan change under `keep`
     * (and like Stripe's "unused time" / "remaining time" pair): the credit
     * for the unused part of the billed item [D, P1) and the charge for the
     * new seat count over the same days. So the order leaves the
     * subscription with the billed item [D, P1) at B = that charge, nothing
     * credited from it yet: a later change credits exactly what was paid for
     * the days still left, whatever happened before. At an unchanged price
     * the two lines net to the added seats' share of the time left (or the
     * removed seats' unused part, as a credit), within the one minor unit
     * that rounding each line once allows; one line for the difference would
     * instead leave B covering two spans of different lengths. */
    const bool seats_only = to->same_plan && to->period == cur->period;
    const bool keep = to->period == cur->period &&
                      ((seats_only && policy.seats == QUOTE_SEATS_KEEP) ||
                       policy.anchor == QUOTE_ANCHOR_KEEP);
    int64_t charge;
    if (keep) {
        out->period_start = p0;
        out->period_end = p1;
        out->anchor_day = cur->anchor_day;
        /* price x seats x (P1 - D) / (P1 - P0) in one 128-bit product: only
         * a prorated charge that does not fit is an overflow. */
        if (!money_mul_muldiv_round(to->unit_price, to->seats, p1 - d, (int64_t)p1 - p0, &charge))
            return quote_refuse(out, BC_OVERFLOW);
    } else {
        out->period_start = d;
        out->anchor_day = date_mday(d);
        out->period_end = date_period_end(d, to->period, out->anchor_day);
        if (out->period_end > BC_DAY_MAX)
            return quote_refuse(out, BC_DATE_OUT_OF_RANGE);
        if (!money_mul(to->unit_price, to->seats, &charge))
            return quote_refuse(out, BC_OVERFLOW);
    }
    out->item_start = d;

    int64_t credit_vat = 0, charge_vat = 0;
    if (credit > 0) {
        if (!money_vat(-credit, tax->rate_bp, &credit_vat))
            return quote_refuse(out, BC_OVERFLOW);
        quote_add_line(out, QUOTE_LINE_CREDIT, -credit, d, p1, false);
        quote_add_line(out, QUOTE_LINE_TAX, credit_vat, d, p1, tax->reverse_charge);
    }
    if (!money_vat(charge, tax->rate_bp, &charge_vat))
        return quote_refuse(out, BC_OVERFLOW);
    quote_add_line(out, QUOTE_LINE_CHARGE, charge, d, out->period_end, false);
    quote_add_line(out, QUOTE_LINE_TAX, charge_vat, d, out->period_end, tax->reverse_charge);

    out->credit = credit;
    out->charge = charge;
    if (!money_add(charge, -credit, &out->subtotal) ||
        !money_add(credit_vat, charge_vat, &out->tax) ||
        !money_add(out->subtotal, out->tax, &out->total))
        return quote_refuse(out, BC_OVERFLOW);
    return BC_OK;
}

enum bc_status quote_totals(const struct quote_item *items, size_t n,
                            int64_t balance, struct quote_totals *out)
{
    if (!out)
        return BC_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    if ((n > 0 && !items) || balance < 0)
        return BC_INVALID_ARGUMENT;

    struct quote_totals t = {0};
    for (size_t i = 0; i < n; i++) {
        if (items[i].refusal != BC_OK)
            continue;
        if (!money_add(t.subtotal, items[i].subtotal, &t.subtotal) ||
            !money_add(t.tax, items[i].tax, &t.tax) ||
            !money_add(t.total, items[i].total, &t.total))
            return BC_OVERFLOW;
    }
    if (t.total > 0) {
        t.balance_applied = balance < t.total ? balance : t.total;
        t.due = t.total - t.balance_applied;
        t.balance_after = balance - t.balance_applied;
    } else {
        /* A negative total is credit: it goes to the balance, never paid out. */
        if (t.total == INT64_MIN || !money_add(balance, -t.total, &t.balance_after))
            return BC_OVERFLOW;
    }
    *out = t;
    return BC_OK;
}
