/* scr_history.c — "Order history": the account's orders, newest first, each
 * with its lines (credit, charge, VAT) and totals, as a scrolled page. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "summary.h"

static struct {
    struct store_order_list orders;
    struct summary sum;
    size_t top;
} O;

static void history_build(struct ui_app *app)
{
    char buf[512], money[64], range[64], day[16];
    (void)app;
    summary_reset(&O.sum);
    for (size_t i = 0; i < O.orders.n; i++) {
        const struct store_order *o = &O.orders.items[i];
        fmt_date(day, sizeof day, o->day);
        snprintf(buf, sizeof buf, _("Order %lld of %s"), (long long)o->id, day);
        summary_rule(&O.sum, buf);
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
                summary_add(&O.sum, TERM_NORMAL, buf, "");
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
            summary_add(&O.sum, TERM_NORMAL, buf, money);
        }
        fmt_money(money, sizeof money, o->total, o->currency);
        summary_add(&O.sum, TERM_NORMAL, _("Total"), money);
        char neg[80];
        fmt_money(money, sizeof money, o->balance_applied, o->currency);
        snprintf(neg, sizeof neg, "%s%s", o->balance_applied > 0 ? "-" : "", money);
        summary_add(&O.sum, TERM_NORMAL, _("Balance applied"), neg);
        fmt_money(money, sizeof money, o->due, o->currency);
        summary_add(&O.sum, TERM_TOTAL, _("Charged"), money);
    }
}

static void history_enter(struct ui_app *app)
{
    O.top = 0;
    store_order_list_clear(&O.orders);
    memset(&O.orders, 0, sizeof O.orders);
    enum bc_status rc = store_orders(app->b->store, app->acct.id, &O.orders);
    if (rc != BC_OK)
        ui_status_code(app, rc);
    history_build(app);
}

static void history_draw(struct ui_app *app, int top, int bottom)
{
    (void)app;
    if (O.orders.n == 0) {
        draw_text(top, 2, COLS - 4, _("No orders yet."), A_NORMAL);
        return;
    }
    size_t rows = (size_t)(bottom - top);
    if (O.sum.n <= rows)
        O.top = 0;
    else if (O.top > O.sum.n - rows)
        O.top = O.sum.n - rows;
    summary_draw(&O.sum, O.top, top, bottom, 2, COLS - 4);
}

static bool history_action(struct ui_app *app, enum ui_action act)
{
    (void)app;
    switch (act) {
    case ACT_UP:
        if (O.top > 0)
            O.top--;
        return true;
    case ACT_DOWN:
        O.top++;
        return true;
    case ACT_PGUP:
        O.top = O.top > 10 ? O.top - 10 : 0;
        return true;
    case ACT_PGDN:
        O.top += 10;
        return true;
    case ACT_HOME:
        O.top = 0;
        return true;
    case ACT_HISTORY:
        return true;
    default:
        return false;
    }
}

static const enum ui_action *history_footer(struct ui_app *app)
{
    static const enum ui_action acts[] = {ACT_UP, ACT_BACK, ACT_NONE};
    (void)app;
    return acts;
}

static const char *const history_help[] = {
    N_("The account's orders, newest first, with each order's lines: credit "
       "for unused time, new charges, VAT, balance applied, charged. Up/Down "
       "and PgUp/PgDn scroll."),
    NULL,
};

const struct ui_screen scr_history = {
    .title = N_("Order history"),
    .enter = history_enter,
    .draw = history_draw,
    .action = history_action,
    .footer = history_footer,
    .help = history_help,
};
