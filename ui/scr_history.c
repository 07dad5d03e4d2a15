/* scr_history.c — "Order history": the account's orders, newest first, each
 * with its lines (credit, charge, VAT) and totals, as a scrolled page. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "list.h"
#include "summary.h"

struct history_state {
    struct store_order_list orders;
    struct summary sum;
    struct ui_list page;      /* a pager over sum's rows */
};

static void history_build(struct ui_app *app, struct history_state *O)
{
    char buf[512], money[64], range[64], day[16];
    (void)app;
    summary_reset(&O->sum);
    for (size_t i = 0; i < O->orders.n; i++) {
        const struct store_order *o = &O->orders.items[i];
        fmt_date(day, sizeof day, o->day);
        snprintf(buf, sizeof buf, _("Order %lld of %s"), (long long)o->id, day);
        summary_rule(&O->sum, buf);
        const char *last_product = NULL;
        int64_t last_sub = -1;
        for (size_t k = 0; k < o->nlines; k++) {
            const struct store_order_line *l = &o->lines[k];
            if (l->subscription_id != last_sub || last_product == NULL
                || strcmp(last_product, l->product) != 0) {
                /* One heading per subscription: what the order changed it to. */
                const char *arrow = draw_glyph_arrow();
                snprintf(buf, sizeof buf,
                         ngettext("%s: %s %s %s, %d seat, %s", "%s: %s %s %s, %d seats, %s",
                                  l->seats_to),
                         ui_product_name(app, l->product),
                         ui_plan_name(app, l->product, l->plan_from), arrow,
                         ui_plan_name(app, l->product, l->plan_to), l->seats_to,
                         ui_period_label(l->period_to));
                summary_add(&O->sum, TERM_NORMAL, buf, "");
                last_sub = l->subscription_id;
                last_product = l->product;
            }
            fmt_money(money, sizeof money, l->amount, o->currency);
            fmt_range(range, sizeof range, l->from, l->to);
            switch (l->kind) {
            case STORE_LINE_CREDIT:
                snprintf(buf, sizeof buf, "  %s  %s", _("Credit for unused time"), range);
                break;
            case STORE_LINE_CHARGE:
                snprintf(buf, sizeof buf, "  %s  %s", _("Charge"), range);
                break;
            default:
                snprintf(buf, sizeof buf, "    %s", l->reverse_charge ? _("VAT (reverse charge)")
                                                                      : _("VAT"));
                break;
            }
            summary_add(&O->sum, TERM_NORMAL, buf, money);
        }
        fmt_money(money, sizeof money, o->total, o->currency);
        summary_add(&O->sum, TERM_NORMAL, _("Total"), money);
        char neg[80];
        fmt_money(money, sizeof money, o->balance_applied, o->currency);
        snprintf(neg, sizeof neg, "%s%s", o->balance_applied > 0 ? "-" : "", money);
        summary_add(&O->sum, TERM_NORMAL, _("Balance applied"), neg);
        fmt_money(money, sizeof money, o->due, o->currency);
        summary_add(&O->sum, TERM_TOTAL, _("Charged"), money);
    }
}

static void history_enter(struct ui_app *app, void *st)
{
    struct history_state *O = st;
    O->page.pager = true;
    O->page.top = 0;
    view_history_clear(&O->orders);
    enum bc_status rc = view_history(app->b, app->va.acct.id, &O->orders);
    if (rc != BC_OK)
        ui_status_code(app, rc);
    history_build(app, O);
    ui_list_set_count(&O->page, O->sum.n);
}

static void history_done(struct ui_app *app, void *st)
{
    struct history_state *O = st;
    (void)app;
    view_history_clear(&O->orders);
}

static void history_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct history_state *O = st;
    (void)app;
    if (O->orders.n == 0) {
        draw_text(top, 2, COLS - 4, _("No orders yet."), A_NORMAL);
        return;
    }
    ui_list_layout(&O->page, (size_t)(bottom - top));
    summary_draw(&O->sum, O->page.top, top, bottom, 2, COLS - 4);
}

static unsigned history_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct history_state *O = st;
    (void)app;
    if (act == ACT_HISTORY)
        return UI_HANDLED;
    return ui_list_key(&O->page, act);
}

static const enum ui_action *history_footer(struct ui_app *app, void *st)
{
    static const enum ui_action acts[] = {ACT_UP, ACT_BACK, ACT_NONE};
    (void)app;
    (void)st;
    return acts;
}

static const char *const history_help[] = {
    N_("The account's orders, newest first, with each order's lines: credit "
       "for unused time, new charges, VAT, balance applied, charged. Up/Down "
       "and PgUp/PgDn scroll."),
    NULL,
};

const struct ui_screen scr_history = {
    .route = "history",
    .title = N_("Order history"),
    .private_size = sizeof(struct history_state),
    .enter = history_enter,
    .done = history_done,
    .draw = history_draw,
    .action = history_action,
    .footer = history_footer,
    .help = history_help,
};
