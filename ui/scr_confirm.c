/* scr_confirm.c — the confirmation after an order: order number, what
 * changed, whether a new billing period begins today or the current one is
 * kept, the amount charged and the new balance, the number of the order's
 * invoice or credit note; a reminder (and a key) to assign seats that were added. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "summary.h"
#include "vat_evidence.h"

static void confirm_draw(struct ui_app *app, void *st, int top, int bottom)
{
    (void)st;
    const struct ui_checkout *co = &app->co;
    const struct billing_result *r = &co->result;
    const struct billing_quote *q = r->quote.n > 0 ? &r->quote : &co->quote;
    const char *cur = q->currency[0] != '\0' ? q->currency : app->va.acct.currency;
    char buf[512], money[64], range[64];
    int y = top, w = COLS - 6;

    snprintf(buf, sizeof buf, _("Order %lld has been placed."), (long long)r->order_id);
    draw_text(y++, 2, w, buf, term_attr(TERM_TOTAL));
    if (r->document[0] != '\0') {
        /* The number the customer and the tax office will see (SPEC §9). */
        snprintf(buf, sizeof buf, r->document_credit_note ? _("Credit note %s issued.")
                                                          : _("Invoice %s issued."),
                 r->document);
        draw_text(y++, 2, w, buf, A_BOLD);
    }
    /* How the VAT number a reverse charge rests on was checked (SPEC §9). */
    ui_vat_evidence_text(&r->vat_check, buf, sizeof buf);
    if (buf[0] != '\0')
        draw_text(y++, 2, w, buf, A_NORMAL);
    if (r->replayed)
        draw_text(y++, 2, w, _("This order had already been placed: nothing was charged again."),
                  A_NORMAL);
    y++;
    draw_text(y++, 2, w, _("What changed:"), term_attr(TERM_HEADING));
    for (size_t i = 0; i < q->n && y < bottom - 7; i++) {
        const struct billing_change *c = &q->changes[i];
        const char *pfrom = c->to_plan;
        int sfrom = c->to_seats;
        enum bc_period ffrom = c->to_period;
        for (size_t k = 0; k < co->nbefore; k++) {
            if (co->before[k].sub == c->subscription_id) {
                pfrom = co->before[k].plan;
                sfrom = co->before[k].seats;
                ffrom = co->before[k].period;
            }
        }
        /* Only what changed: plan, seats, billing frequency. */
        summary_change_text(buf, sizeof buf, app, c->product, pfrom, c->to_plan, sfrom,
                            c->to_seats, ffrom, c->to_period, false);
        if (c->subscription_id == 0)
            snprintf(buf, sizeof buf,
                     ngettext("%s: %s, %d seat, %s (new subscription)",
                              "%s: %s, %d seats, %s (new subscription)", c->to_seats),
                     ui_product_name(app, c->product), ui_plan_name(app, c->product, c->to_plan),
                     c->to_seats, ui_period_label(c->to_period));
        draw_text(y++, 4, w - 2, buf, A_NORMAL);
        if (q->items[i].period_end > q->items[i].period_start) {
            fmt_range(range, sizeof range, q->items[i].period_start, q->items[i].period_end);
            if (c->subscription_id == 0 && q->trials[i])
                snprintf(buf, sizeof buf, _("Your free trial begins today: %s"), range);
            else if (q->items[i].period_start != q->items[i].item_start)
                snprintf(buf, sizeof buf, _("Billing period unchanged: %s"), range);
            else
                snprintf(buf, sizeof buf, _("Your new billing period begins today: %s"), range);
            draw_text(y++, 6, w - 4, buf, A_NORMAL);
        }
    }
    y++;
    fmt_money(money, sizeof money, r->due, cur);
    draw_pair(y++, 2, 50, _("Amount charged"), money, A_BOLD);
    fmt_money(money, sizeof money, r->balance_after, cur);
    draw_pair(y++, 2, 50, _("New credit balance"), money, A_NORMAL);
    y++;
    if (co->seats_added > 0 && y + 1 < bottom) {
        snprintf(buf, sizeof buf,
                 ngettext("You added %d seat: assign it to a user so they can use the product.",
                          "You added %d seats: assign them to users so they can use the product.",
                          co->seats_added),
                 co->seats_added);
        draw_text(y++, 2, w, buf, A_BOLD);
        /* Per product when the order added seats to more than one. */
        size_t products = 0, off = 0;
        for (size_t k = 0; k < co->nbefore; k++)
            products += co->before[k].gained > 0;
        buf[0] = '\0';
        for (size_t k = 0; products > 1 && k < co->nbefore && off < sizeof buf; k++) {
            if (co->before[k].gained <= 0)
                continue;
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s", off > 0 ? ", " : "");
            if (off < sizeof buf)
                off += (size_t)snprintf(buf + off, sizeof buf - off,
                                        ngettext("%s: %d seat", "%s: %d seats",
                                                 co->before[k].gained),
                                        ui_product_name(app, co->before[k].product),
                                        co->before[k].gained);
        }
        if (buf[0] != '\0' && y + 1 < bottom)
            draw_text(y++, 4, w - 2, buf, A_NORMAL);
        draw_text(y++, 2, w, _("Press s to open Manage seats."), A_NORMAL);
    }
    snprintf(buf, sizeof buf, "[ %s ]", _("Back to Subscriptions"));
    draw_text(bottom - 1, 4, 40, buf, draw_list_mark(bottom - 1, 2, true, true, A_NORMAL));
}

static unsigned confirm_action(struct ui_app *app, void *st, enum ui_action act)
{
    (void)st;
    switch (act) {
    case ACT_SEATS:
    case ACT_MANAGE:
        ui_go_back_to(app, "home");
        ui_go(app, "seats", app->co.seats_sub);
        return UI_DONE;
    case ACT_ENTER:
    case ACT_BACK:
        ui_go_back_to(app, "home");
        return UI_DONE;
    default:
        return UI_IGNORED;
    }
}

static const enum ui_action *confirm_footer(struct ui_app *app, void *st)
{
    static const enum ui_action with_seats[] = {ACT_ENTER, ACT_SEATS, ACT_CART, ACT_NONE};
    static const enum ui_action acts[] = {ACT_ENTER, ACT_CART, ACT_NONE};
    (void)st;
    return app->co.seats_added > 0 ? with_seats : acts;
}

static const char *const confirm_help[] = {
    N_("The order is placed; each item says whether a new billing period "
       "begins today or the current one is kept. Enter "
       "or Esc returns to Subscriptions; s opens Manage seats to assign "
       "seats you added."),
    NULL,
};

const struct ui_screen scr_confirm = {
    .route = "confirm",
    .title = N_("Order placed"),
    .draw = confirm_draw,
    .action = confirm_action,
    .footer = confirm_footer,
    .help = confirm_help,
};
