/* scr_review.c — "Complete transaction": the review page. Per item the new
 * billing period (new from today, or kept), seats and its lines; then
 * subtotal, VAT, balance applied and Total due, which with the buttons stay
 * in view while the items scroll. Edit order returns to plan
 * editing with the choices kept; Place order when nothing is due, Continue
 * to payment when something is. The figures shown are the ones placed. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "list.h"
#include "summary.h"

enum review_button { REV_EDIT, REV_PRIMARY };

struct review_state {
    struct summary sum;       /* the items */
    struct summary tot;       /* the Order Summary: always in view */
    struct ui_list page;      /* a pager over sum's rows */
    enum review_button button;
};

static void review_enter(struct ui_app *app, void *st)
{
    struct review_state *R = st;
    R->page.pager = true;
    R->page.top = 0;
    R->button = REV_PRIMARY;
    if (app->co.keep_quote) {
        app->co.keep_quote = false;
        return;
    }
    enum bc_status rc = ui_checkout_quote(app);
    if (rc != BC_OK)
        ui_status_code(app, rc);
}

static bool review_due(const struct ui_app *app)
{
    return app->co.quote.totals.due > 0;
}

static void review_build(struct ui_app *app, struct review_state *R)
{
    const struct billing_quote *q = &app->co.quote;
    char buf[512], money[64], range[64], seats[64];
    summary_reset(&R->sum);
    summary_reset(&R->tot);
    if (q->refusal != BC_OK && q->refusal != BC_NO_CHANGE && q->totals.total == 0
        && q->items[0].nlines == 0)
        return;   /* refused before anything was quoted: the reason is shown */
    for (size_t i = 0; i < q->n; i++) {
        const struct billing_change *c = &q->changes[i];
        const struct quote_item *it = &q->items[i];
        const char *from_plan = c->to_plan;
        int from_seats = c->to_seats;
        enum bc_period from_period = c->to_period;
        for (size_t k = 0; k < app->va.subs.n; k++) {
            if (app->va.subs.items[k].id == c->subscription_id) {
                from_plan = app->va.subs.items[k].plan;
                from_seats = app->va.subs.items[k].seats;
                from_period = app->va.subs.items[k].period;
            }
        }
        /* The plan, then only what else changes (as on the confirmation). */
        summary_change_text(buf, sizeof buf, app, c->product, from_plan, c->to_plan, from_seats,
                            c->to_seats, from_period, c->to_period, true);
        if (c->subscription_id == 0)
            /* TRANSLATORS: "GoToWebinar: Standard" and that it is a product added. */
            snprintf(buf, sizeof buf, _("%s: %s (new subscription)"),
                     ui_product_name(app, c->product), ui_plan_name(app, c->product, c->to_plan));
        summary_rule(&R->sum, buf);
        if (it->refusal != BC_OK) {
            summary_refusal_text(buf, sizeof buf, app, it->refusal, c->to_seats);
            summary_add(&R->sum, TERM_ERROR, buf, "");
            continue;
        }
        /* Period and seats are words, not amounts: the amount column
         * holds only the lines that add up. */
        fmt_range(range, sizeof range, it->period_start, it->period_end);
        if (c->subscription_id == 0 && q->trials[i])
            snprintf(buf, sizeof buf, _("Free trial %s (begins today), then %s"), range,
                     ui_period_label(c->to_period));
        else if (it->period_start != it->item_start)
            snprintf(buf, sizeof buf, _("Billing period unchanged: %s, %s"), range,
                     ui_period_label(c->to_period));
        else
            snprintf(buf, sizeof buf, _("Billing period %s (begins today), %s"), range,
                     ui_period_label(c->to_period));
        summary_add(&R->sum, TERM_NORMAL, buf, "");
        snprintf(seats, sizeof seats, "%s: %d", _("Seats"), c->to_seats);
        summary_add(&R->sum, TERM_NORMAL, seats, "");
        summary_item_lines(&R->sum, app, q, i, true);
        fmt_money(money, sizeof money, it->total, q->currency);
        summary_add(&R->sum, TERM_NORMAL, _("Item total"), money);
    }
    summary_rule(&R->tot, _("Order Summary"));
    summary_totals(&R->tot, q, true);
}

static void review_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct review_state *R = st;
    const struct ui_checkout *co = &app->co;
    if (!co->quoted) {
        draw_text(top, 2, COLS - 4, _("The order could not be quoted."), term_attr(TERM_ERROR));
        return;
    }
    if (co->quote.refusal != BC_OK) {
        char buf[512];
        summary_refusal_text(buf, sizeof buf, app, co->quote.refusal, 0);
        draw_text(top, 2, COLS - 4, buf, term_attr(TERM_ERROR));
    }
    review_build(app, R);
    /* The items scroll; the Order Summary (Total due) and the buttons stay
     * right below them, in view on every page. */
    int w = draw_pair_width(COLS - 4);
    int ntot = (int)R->tot.n;
    int room = bottom - 2 - ntot - top;   /* rows for the items */
    if (room < 1)
        room = 1;
    ui_list_set_count(&R->page, R->sum.n);
    ui_list_layout(&R->page, (size_t)room);
    int drawn = (int)summary_draw(&R->sum, R->page.top, top, top + room, 2, w);
    bool more = ui_list_more(&R->page);
    int y = more ? top + room : top + drawn;
    summary_draw(&R->tot, 0, y, bottom - 1, 2, w);
    if (more)
        draw_text(y, 2 + w - 10, 10, term_ascii() ? "(more v)" : "(more \u2193)", A_DIM);
    y += ntot + 1;
    if (y > bottom - 1)
        y = bottom - 1;

    char b1[128], b2[128];
    snprintf(b1, sizeof b1, "[ %s ]", _("Edit order"));
    snprintf(b2, sizeof b2, "[ %s ]", review_due(app) ? _("Continue to payment") : _("Place order"));
    int x = 4;
    attr_t at = draw_list_mark(y, x - 2, R->button == REV_EDIT, true, A_NORMAL);
    x += draw_text(y, x, 30, b1, at) + 4;
    at = draw_list_mark(y, x - 2, R->button == REV_PRIMARY, true, A_BOLD);
    draw_text(y, x, 40, b2, at);
}

static void review_edit_order(struct ui_app *app)
{
    if (app->co.is_cart) {
        ui_go_back_to(app, "cart");
        return;
    }
    app->edit = app->co.change;
    app->edit_valid = true;
    ui_go_back_to(app, "modify");
}

static void review_primary(struct ui_app *app)
{
    if (!app->co.quoted || app->co.quote.refusal != BC_OK) {
        ui_status_code(app, app->co.quoted ? app->co.quote.refusal : BC_STALE_QUOTE);
        return;
    }
    if (review_due(app)) {
        ui_go(app, "payment", 0);
        return;
    }
    ui_checkout_place(app, NULL);
}

static unsigned review_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct review_state *R = st;
    switch (act) {
    case ACT_UP:
    case ACT_DOWN:
    case ACT_PGUP:
    case ACT_PGDN:
        return ui_list_key(&R->page, act);
    case ACT_LEFT:
    case ACT_RIGHT:
    case ACT_TAB:
    case ACT_BACKTAB:
        R->button = R->button == REV_EDIT ? REV_PRIMARY : REV_EDIT;
        return UI_DONE;
    case ACT_EDIT:
        review_edit_order(app);
        return UI_DONE;
    case ACT_ENTER:
        if (R->button == REV_EDIT)
            review_edit_order(app);
        else
            review_primary(app);
        return UI_DONE;
    default:
        return UI_IGNORED;
    }
}

static const enum ui_action *review_footer(struct ui_app *app, void *st)
{
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_EDIT, ACT_UP, ACT_BACK,
                                          ACT_NONE};
    (void)app;
    (void)st;
    return acts;
}

static const char *const review_help[] = {
    N_("Review each item: its billing period (a new one begins today, or the "
       "current one is kept for a change of seats), seats and its lines "
       "(credit for unused time, new charge, VAT); the items scroll, the Order "
       "Summary stays in view. Tab "
       "switches between Edit order and the primary action; e is Edit order. "
       "Place order appears when nothing is due, Continue to payment "
       "otherwise. The Total due shown is exactly what is charged; if "
       "anything changed meanwhile, nothing is charged and the new figures "
       "are shown here."),
    NULL,
};

const struct ui_screen scr_review = {
    .route = "review",
    .private_size = sizeof(struct review_state),
    .title = N_("Complete transaction"),
    .enter = review_enter,
    .draw = review_draw,
    .action = review_action,
    .footer = review_footer,
    .help = review_help,
};
