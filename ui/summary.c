/* summary.c — quote figures laid out as label/amount rows. */
#include "summary.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "i18n.h"
#include "term.h"

void summary_reset(struct summary *s)
{
    s->n = 0;
}

void summary_add(struct summary *s, int role, const char *label, const char *value)
{
    if (s->n >= SUMMARY_MAX_ROWS)
        return;
    struct summary_row *r = &s->rows[s->n++];
    snprintf(r->label, sizeof r->label, "%s", label != NULL ? label : "");
    snprintf(r->value, sizeof r->value, "%s", value != NULL ? value : "");
    r->role = role;
    r->rule = false;
}

void summary_rule(struct summary *s, const char *heading)
{
    summary_add(s, TERM_HEADING, heading, "");
    if (s->n > 0)
        s->rows[s->n - 1].rule = true;
}

void summary_vat_label(char *buf, size_t size, const struct billing_quote *q)
{
    summary_vat_rule_label(buf, size, &q->vat);
}

void summary_vat_rule_label(char *buf, size_t size, const struct vat_decision *v)
{
    if (v->reverse_charge) {
        snprintf(buf, size, "%s", _("VAT (reverse charge)"));
        return;
    }
    if (!v->in_eu) {
        snprintf(buf, size, "%s", _("No VAT (outside the EU)"));
        return;
    }
    int bp = v->rate_bp;
    if (bp % 100 == 0)
        snprintf(buf, size, _("VAT %d%%"), bp / 100);
    else
        snprintf(buf, size, _("VAT %d.%02d%%"), bp / 100, bp % 100);
}

/* A month's short name: "Nov" ("nov" in Italian). */
static const char *month_abbr(int m)
{
    switch (m) {
    case 1: return C_("month", "Jan");
    case 2: return C_("month", "Feb");
    case 3: return C_("month", "Mar");
    case 4: return C_("month", "Apr");
    case 5: return C_("month", "May");
    case 6: return C_("month", "Jun");
    case 7: return C_("month", "Jul");
    case 8: return C_("month", "Aug");
    case 9: return C_("month", "Sep");
    case 10: return C_("month", "Oct");
    case 11: return C_("month", "Nov");
    default: return C_("month", "Dec");
    }
}

/* The days [from, to) a line covers, in words: "25 Nov – 10 Dec 2026", or
 * "25 Nov 2026 – 17 Aug 2027" across a year end ("25 nov – 10 dic 2026" in
 * Italian). */
static void period_words(char *buf, size_t size, bc_day from, bc_day to)
{
    int y0, m0, d0, y1, m1, d1;
    date_to_civil(from, &y0, &m0, &d0);
    date_to_civil(to, &y1, &m1, &d1);
    const char *dash = term_ascii() ? "-" : "\u2013";
    if (y0 == y1)
        snprintf(buf, size, "%d %s %s %d %s %d", d0, month_abbr(m0), dash, d1, month_abbr(m1), y1);
    else
        snprintf(buf, size, "%d %s %d %s %d %s %d", d0, month_abbr(m0), y0, dash, d1,
                 month_abbr(m1), y1);
}

void summary_item_lines(struct summary *s, const struct ui_app *app,
                        const struct billing_quote *q, size_t i, bool with_vat)
{
    const struct quote_item *it = &q->items[i];
    const struct billing_change *c = &q->changes[i];
    char label[160], money[48], range[64], vat[64];
    summary_vat_label(vat, sizeof vat, q);
    for (size_t k = 0; k < it->nlines; k++) {
        const struct quote_line *l = &it->lines[k];
        fmt_money(money, sizeof money, l->amount, q->currency);
        period_words(range, sizeof range, l->from, l->to);
        switch (l->kind) {
        case QUOTE_LINE_CREDIT:
            snprintf(label, sizeof label, "%s  %s", _("Credit for unused time"), range);
            break;
        case QUOTE_LINE_CHARGE:
            if (c->subscription_id == 0 && q->trials[i])
                snprintf(label, sizeof label, _("Free trial: %s \u00d7 %d  %s"),
                         ui_plan_name(app, c->product, c->to_plan), c->to_seats, range);
            else
                snprintf(label, sizeof label, _("New charge: %s \u00d7 %d  %s"),
                         ui_plan_name(app, c->product, c->to_plan), c->to_seats, range);
            break;
        default:
            if (!with_vat)
                continue;
            if (l->reverse_charge)
                snprintf(label, sizeof label, "  %s", _("VAT (reverse charge)"));
            else
                snprintf(label, sizeof label, "  %s", vat);
            break;
        }
        summary_add(s, TERM_NORMAL, label, money);
    }
}

void summary_schedule_lines(struct summary *s, const struct ui_app *app, const char *product,
                            const struct billing_schedule_preview *p)
{
    const struct renewal_charge *c = &p->charge;
    char label[160], money[48], range[64], day[16], vat[64];
    fmt_date(day, sizeof day, p->takes_effect);
    snprintf(label, sizeof label, _("Takes effect on %s; nothing is charged today"), day);
    summary_add(s, TERM_HEADING, label, "");
    period_words(range, sizeof range, p->due.period_start, p->due.period_end);
    fmt_money(money, sizeof money, c->item.charge, p->currency);
    snprintf(label, sizeof label, _("Renewal: %s \u00d7 %d  %s"),
             ui_plan_name(app, product, p->terms.plan), c->seats,
             range);
    summary_add(s, TERM_NORMAL, label, money);
    summary_vat_rule_label(vat, sizeof vat, &c->vat);
    fmt_money(money, sizeof money, c->item.tax, p->currency);
    summary_add(s, TERM_NORMAL, vat, money);
    fmt_money(money, sizeof money, c->totals.total, p->currency);
    summary_add(s, TERM_TOTAL, _("Renewal estimate (before balance)"), money);
}

void summary_totals(struct summary *s, const struct billing_quote *q, bool with_subtotal)
{
    char money[48], vat[64], neg[64];
    if (with_subtotal) {
        fmt_money(money, sizeof money, q->totals.subtotal, q->currency);
        summary_add(s, TERM_NORMAL, _("Subtotal"), money);
    }
    summary_vat_label(vat, sizeof vat, q);
    fmt_money(money, sizeof money, q->totals.tax, q->currency);
    summary_add(s, TERM_NORMAL, vat, money);
    fmt_money(money, sizeof money, q->totals.balance_applied, q->currency);
    /* The balance is taken off the total: shown with a minus sign. */
    snprintf(neg, sizeof neg, "%s%s", q->totals.balance_applied > 0 ? "-" : "", money);
    summary_add(s, TERM_NORMAL, _("Balance applied"), neg);
    fmt_money(money, sizeof money, q->totals.due, q->currency);
    summary_add(s, TERM_TOTAL, _("Total due"), money);
    if (q->totals.balance_after != q->balance) {
        fmt_money(money, sizeof money, q->totals.balance_after, q->currency);
        summary_add(s, TERM_NORMAL, _("Credit balance afterwards"), money);
    }
}

void summary_totals_with_cart(struct summary *s, const struct billing_quote *q,
                              const struct billing_cart_preview *cart)
{
    char money[48], vat[64], neg[64];
    summary_vat_label(vat, sizeof vat, q);
    fmt_money(money, sizeof money, q->totals.tax, q->currency);
    summary_add(s, TERM_NORMAL, vat, money);
    fmt_money(money, sizeof money, cart->balance_left, q->currency);
    summary_add(s, TERM_NORMAL, _("Credit balance left after the cart's items"), money);
    if (cart->item_balance_applied > 0) {
        fmt_money(money, sizeof money, cart->item_balance_applied, q->currency);
        snprintf(neg, sizeof neg, "-%s", money);
        summary_add(s, TERM_NORMAL, _("Balance applied"), neg);
    }
    fmt_money(money, sizeof money, cart->item_due, q->currency);
    summary_add(s, TERM_NORMAL, _("This item adds to the Total due"), money);
    fmt_money(money, sizeof money, cart->cart_due, q->currency);
    summary_add(s, TERM_TOTAL, _("Cart's Total due with this item"), money);
}

size_t summary_draw(const struct summary *s, size_t first, int y, int bottom, int x, int w)
{
    size_t drawn = 0;
    for (size_t i = first; i < s->n && y < bottom; i++, y++, drawn++) {
        const struct summary_row *r = &s->rows[i];
        if (r->rule) {
            draw_rule(y, x, w, r->label);
            continue;
        }
        attr_t a = term_attr((enum term_role)r->role);
        if (r->value[0] == '\0')
            draw_text(y, x, w, r->label, a);
        else
            draw_pair(y, x, w, r->label, r->value, a);
    }
    return drawn;
}

void summary_refusal_text(char *buf, size_t size, const struct ui_app *app,
                          enum bc_status refusal, int want_seats)
{
    const struct store_subscription *sub = ui_sub(app);
    const struct catalog *cat = app->b->catalog;
    switch (refusal) {
    case BC_SEATS_BELOW_ASSIGNED:
        if (sub != NULL && sub->seats_assigned > want_seats) {
            int k = sub->seats_assigned - want_seats;
            snprintf(buf, size,
                     ngettext("%d seats are assigned to users: unassign %d seat first (Manage seats).",
                              "%d seats are assigned to users: unassign %d seats first (Manage seats).",
                              k),
                     sub->seats_assigned, k);
            return;
        }
        break;
    case BC_DOWNGRADE_REQUIRES_SUPPORT:
        snprintf(buf, size, _("Downgrades are handled by Customer Care: %s, %s, %s"),
                 cat->care_phone ? cat->care_phone : "", cat->care_email ? cat->care_email : "",
                 cat->care_url ? cat->care_url : "");
        return;
    case BC_NOT_BILLING_CONTACT:
        if (app->billing_name[0] != '\0') {
            snprintf(buf, size, _("Only the billing contact can change this account: %s <%s>."),
                     app->billing_name, app->billing_email);
            return;
        }
        break;
    default:
        break;
    }
    snprintf(buf, size, "%s", _(bc_status_message(refusal)));
}

void summary_change_text(char *buf, size_t size, const struct ui_app *app, const char *product,
                         const char *pfrom, const char *pto, int sfrom, int sto,
                         enum bc_period ffrom, enum bc_period fto, bool plan_always)
{
    const char *arrow = draw_glyph_arrow();
    char part[160];
    int n = snprintf(buf, size, "%s:", ui_product_name(app, product));
    size_t off = n > 0 ? (size_t)n : 0;
    const char *sep = " ";
    if (strcmp(pfrom, pto) != 0)
        snprintf(part, sizeof part, "%s %s %s", ui_plan_name(app, product, pfrom), arrow,
                 ui_plan_name(app, product, pto));
    else if (plan_always)
        snprintf(part, sizeof part, "%s", ui_plan_name(app, product, pto));
    else
        part[0] = '\0';
    if (part[0] != '\0' && off < size) {
        n = snprintf(buf + off, size - off, "%s%s", sep, part);
        off += n > 0 ? (size_t)n : 0;
        sep = ", ";
    }
    if (sfrom != sto && off < size) {
        snprintf(part, sizeof part, ngettext("%d %s %d seat", "%d %s %d seats", sto), sfrom, arrow,
                 sto);
        n = snprintf(buf + off, size - off, "%s%s", sep, part);
        off += n > 0 ? (size_t)n : 0;
        sep = ", ";
    }
    if (ffrom != fto && off < size) {
        snprintf(part, sizeof part, "%s %s %s", ui_period_label(ffrom), arrow,
                 ui_period_label(fto));
        snprintf(buf + off, size - off, "%s%s", sep, part);
    }
}
