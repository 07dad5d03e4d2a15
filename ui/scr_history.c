/* scr_history.c — "Order history": the account's orders, newest first, each
 * with its invoice or credit note number, its lines (credit, charge, VAT) and totals, as a scrolled page. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "date.h"
#include "docs.h"
#include "draw.h"
#include "i18n.h"
#include "list.h"
#include "summary.h"
#include "vat_evidence.h"

struct history_state {
    struct store_order_list orders;
    struct view_attempt_list attempts;   /* operators: attempts that placed no order */
    struct store_document_list docs;     /* each order's invoice or credit note */
    struct summary sum;
    struct ui_list page;      /* a pager over sum's rows */
};

/* "GoToTraining: Starter, 1 seat, Monthly → Annual": what changed as
 * "A → B", the rest as it is. */
static void history_change_text(char *buf, size_t size, const struct ui_app *app,
                                const struct store_order_line *l)
{
    const char *arrow = draw_glyph_arrow();
    char plan[160], seats[96], period[96];
    if (strcmp(l->plan_from, l->plan_to) != 0)
        snprintf(plan, sizeof plan, "%s %s %s", ui_plan_name(app, l->product, l->plan_from),
                 arrow, ui_plan_name(app, l->product, l->plan_to));
    else
        snprintf(plan, sizeof plan, "%s", ui_plan_name(app, l->product, l->plan_to));
    if (l->seats_from != l->seats_to)
        snprintf(seats, sizeof seats, ngettext("%d %s %d seat", "%d %s %d seats", l->seats_to),
                 l->seats_from, arrow, l->seats_to);
    else
        snprintf(seats, sizeof seats, ngettext("%d seat", "%d seats", l->seats_to), l->seats_to);
    if (l->period_from != l->period_to)
        snprintf(period, sizeof period, "%s %s %s", ui_period_label(l->period_from), arrow,
                 ui_period_label(l->period_to));
    else
        snprintf(period, sizeof period, "%s", ui_period_label(l->period_to));
    snprintf(buf, size, "%s: %s, %s, %s", ui_product_name(app, l->product), plan, seats, period);
}

static void history_vat_label(char *buf, size_t size, int32_t bp, bool reverse_charge)
{
    if (reverse_charge)
        snprintf(buf, size, "%s", _("VAT (reverse charge)"));
    else if (bp % 100 == 0)
        snprintf(buf, size, _("VAT %d%%"), (int)(bp / 100));
    else
        snprintf(buf, size, _("VAT %d.%02d%%"), (int)(bp / 100), (int)(bp % 100));
}

/* What became of an attempt that placed no order, in a few words. */
static const char *history_attempt_word(enum bc_status st)
{
    switch (st) {
    case BC_PAYMENT_DECLINED:
        return _("card declined");
    case BC_PAYMENT_UNCONFIRMED:
    case BC_PAYMENT_ERROR:
        return _("payment not confirmed by the processor");
    case BC_STALE_QUOTE:
        return _("figures changed before placing");
    default:
        return _(bc_status_message(st));
    }
}

static void history_attempts(struct ui_app *app, struct history_state *O)
{
    char buf[512], money[64], day[16];
    if (O->attempts.n == 0)
        return;
    summary_rule(&O->sum, _("Attempts that placed no order"));
    bc_day epoch = date_from_civil(1970, 1, 1);
    for (size_t i = 0; i < O->attempts.n; i++) {
        const struct view_attempt *a = &O->attempts.items[i];
        int64_t secs = a->at >= 0 ? a->at % 86400 : 0;
        fmt_date(day, sizeof day, epoch + (bc_day)(a->at / 86400));
        snprintf(buf, sizeof buf, "%s %02d:%02d UTC  %s", day, (int)(secs / 3600),
                 (int)(secs / 60 % 60), history_attempt_word(a->result));
        money[0] = '\0';
        if (a->due >= 0)
            fmt_money(money, sizeof money, a->due, a->currency);
        summary_add(&O->sum, TERM_NORMAL, buf, money);
    }
    (void)app;
}

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
        for (size_t k = 0; k < O->docs.n; k++)
            if (O->docs.items[k].order_id == o->id) {
                const struct store_document *d = &O->docs.items[k];
                snprintf(buf, sizeof buf, "%s %s",
                         ui_doc_kind_label(d->kind == STORE_DOC_CREDIT_NOTE), d->number);
                summary_add(&O->sum, TERM_NORMAL, buf, "");
                break;
            }
        const char *last_product = NULL;
        int64_t last_sub = -1;
        for (size_t k = 0; k < o->nlines; k++) {
            const struct store_order_line *l = &o->lines[k];
            if (l->subscription_id != last_sub || last_product == NULL
                || strcmp(last_product, l->product) != 0) {
                /* One heading per subscription: what the order changed. */
                history_change_text(buf, sizeof buf, app, l);
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
            default: {
                char vat[64];
                history_vat_label(vat, sizeof vat,
                                  view_vat_rate(app->b, &app->va.acct, l->reverse_charge),
                                  l->reverse_charge);
                snprintf(buf, sizeof buf, "    %s", vat);
                break;
            }
            }
            summary_add(&O->sum, TERM_NORMAL, buf, money);
        }
        /* How the VAT number the order's VAT rests on was checked. */
        ui_vat_evidence_text(&o->vat_check, buf, sizeof buf);
        if (buf[0] != '\0')
            summary_add(&O->sum, TERM_NORMAL, buf, "");
        fmt_money(money, sizeof money, o->total, o->currency);
        summary_add(&O->sum, TERM_NORMAL, _("Total"), money);
        char neg[80];
        fmt_money(money, sizeof money, o->balance_applied, o->currency);
        snprintf(neg, sizeof neg, "%s%s", o->balance_applied > 0 ? "-" : "", money);
        summary_add(&O->sum, TERM_NORMAL, _("Balance applied"), neg);
        fmt_money(money, sizeof money, o->due, o->currency);
        summary_add(&O->sum, TERM_TOTAL, _("Charged"), money);
        if (o->payment_ref != NULL && o->payment_ref[0] != '\0')
            snprintf(buf, sizeof buf, _("Paid by card, reference %s"), o->payment_ref);
        else
            snprintf(buf, sizeof buf, "%s", _("Nothing charged to a card"));
        summary_add(&O->sum, TERM_NORMAL, buf, "");
    }
    history_attempts(app, O);
}

static void history_enter(struct ui_app *app, void *st)
{
    struct history_state *O = st;
    O->page.pager = true;
    O->page.top = 0;
    view_history_clear(&O->orders);
    view_attempt_list_clear(&O->attempts);
    view_documents_clear(&O->docs);
    enum bc_status rc = view_history(app->b, app->va.acct.id, &O->orders);
    if (rc == BC_OK)
        rc = view_failed_attempts(app->b, app->va.acct.id, &O->attempts);
    if (rc == BC_OK)
        rc = view_documents(app->b, app->va.acct.id, &O->docs);
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
    view_attempt_list_clear(&O->attempts);
    view_documents_clear(&O->docs);
}

static void history_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct history_state *O = st;
    (void)app;
    if (O->orders.n == 0 && O->attempts.n == 0) {
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
