/* scr_cart.c — "Cart": one item per subscription (or per product the
 * account does not have yet: a new subscription) with its total from
 * billing_quote_cart, the order's totals, remove an item (x), edit an item
 * (Enter or e), and Complete transaction for all of them in one order. */
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "list.h"
#include "summary.h"

struct cart_state {
    struct store_cart cart;
    struct ui_list list;      /* rows 0..n-1 items, n = the action */
    struct billing_quote q;
    enum bc_status qrc;
    struct summary sum;
    bool asking;              /* "Remove ... ? (y/n)" waits for its answer */
    int64_t asking_sub;       /* the item asked about (0: a new product's) */
    char asking_product[BC_ID_MAX + 1];
};

static void cart_load(struct ui_app *app, struct cart_state *C)
{
    view_cart_clear(&C->cart);
    enum bc_status rc = view_cart(app->b, app->va.acct.id, &C->cart);
    if (rc != BC_OK)
        ui_status_code(app, rc);
    app->va.cart_count = C->cart.n;
    memset(&C->q, 0, sizeof C->q);
    C->qrc = C->cart.n > 0 ? billing_quote_cart(app->b, app->va.acct.id, &C->q) : BC_OK;
    ui_list_set_count(&C->list, C->cart.n + 1);
}

static void cart_enter(struct ui_app *app, void *st)
{
    if (!app->have_account) {
        ui_go_back(app);
        return;
    }
    cart_load(app, st);
}

static void cart_done(struct ui_app *app, void *st)
{
    struct cart_state *C = st;
    (void)app;
    view_cart_clear(&C->cart);
}

/* The quoted item of a cart entry, or -1. */
static int cart_quoted(const struct cart_state *C, size_t i)
{
    const struct store_cart_item *it = &C->cart.items[i];
    for (size_t k = 0; k < C->q.n; k++)
        if (C->q.changes[k].subscription_id == it->subscription_id &&
            (it->subscription_id != 0 ||
             (it->product && strcmp(C->q.changes[k].product, it->product) == 0)))
            return (int)k;
    return -1;
}

static void cart_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct cart_state *C = st;
    char buf[512], money[64];
    if (C->cart.n == 0) {
        draw_text(top, 2, COLS - 4, _("The cart is empty."), A_NORMAL);
        draw_text(top + 2, 2, COLS - 4,
                  _("Changes made while the cart holds items are added to it (Add to cart)."),
                  A_NORMAL);
        return;
    }
    attr_t h = term_attr(TERM_HEADING);
    draw_text(top, 4, 40, _("Item"), h);
    draw_text_right(top, COLS - 20, 16, _("Item total"), h);
    int y = top + 1;
    ui_list_layout(&C->list, (size_t)(bottom - 8 - y) + 1);
    for (size_t i = C->list.top; i < C->cart.n && y < bottom - 8; i++, y++) {
        const struct store_cart_item *it = &C->cart.items[i];
        attr_t at = draw_list_mark(y, 2, i == C->list.sel, true, A_NORMAL);
        /* The item total, right-aligned; the item's words take the row up
         * to it (a new subscription's say so at their end). */
        int k = cart_quoted(C, i);
        bool priced = C->qrc == BC_OK && k >= 0 && C->q.items[k].refusal == BC_OK;
        money[0] = '\0';
        if (priced)
            fmt_money(money, sizeof money, C->q.items[k].total, C->q.currency);
        int tw = COLS - 4 - 4 - (priced ? draw_width(money) + 1 : 0);
        if (tw > COLS - 26 + 12)
            tw = COLS - 26 + 12;
        if (tw < COLS - 26)
            tw = COLS - 26;
        const char *prod = ui_product_name(app, it->product);
        if (it->subscription_id == 0)
            snprintf(buf, sizeof buf,
                     ngettext("%s: %s, %d seat, %s (new subscription)",
                              "%s: %s, %d seats, %s (new subscription)", it->to_seats),
                     prod, ui_plan_name(app, it->product, it->to_plan), it->to_seats,
                     ui_period_label(it->to_period));
        else
            snprintf(buf, sizeof buf, ngettext("%s: %s, %d seat, %s", "%s: %s, %d seats, %s",
                                               it->to_seats),
                     prod, ui_plan_name(app, it->product, it->to_plan), it->to_seats,
                     ui_period_label(it->to_period));
        /* Only the cursor and the product name mark the current item (few
         * cells to rewrite on a move), when the translation starts with it. */
        size_t pn = strlen(prod);
        if (at != A_NORMAL && pn > 0 && strncmp(buf, prod, pn) == 0) {
            int pw = draw_text(y, 4, tw, prod, at);
            draw_text(y, 4 + pw, tw - pw, buf + pn, A_NORMAL);
        } else {
            draw_text(y, 4, tw, buf, at);
        }
        if (priced)
            draw_text_right(y, COLS - 20, 16, money, A_NORMAL);
    }
    y++;
    if (C->qrc != BC_OK) {
        draw_text(y, 4, COLS - 8, _(bc_status_message(C->qrc)), term_attr(TERM_ERROR));
    } else if (C->q.refusal != BC_OK) {
        summary_refusal_text(buf, sizeof buf, app, C->q.refusal, 0);
        char line[600];
        const char *prod = C->q.refused_item < C->q.n ? C->q.changes[C->q.refused_item].product : "";
        snprintf(line, sizeof line, "%s: %s", ui_product_name(app, prod), buf);
        draw_text(y, 4, COLS - 8, line, term_attr(TERM_ERROR));
    } else {
        summary_reset(&C->sum);
        summary_rule(&C->sum, _("Order Summary"));
        summary_totals(&C->sum, &C->q, true);
        summary_draw(&C->sum, 0, y, bottom - 2, 2, COLS - 4);
    }
    bool cur = C->list.sel == C->cart.n;
    snprintf(buf, sizeof buf, "[ %s ]", _("Complete transaction"));
    draw_text(bottom - 1, 4, COLS - 8, buf, draw_list_mark(bottom - 1, 2, cur, true, A_BOLD));
}

static void cart_edit(struct ui_app *app, struct cart_state *C)
{
    if (C->list.sel >= C->cart.n || !ui_may_change(app))
        return;
    const struct store_cart_item *it = &C->cart.items[C->list.sel];
    if (it->subscription_id == 0) {
        /* A new product's item: its plan editing on Add product. */
        memset(&app->edit, 0, sizeof app->edit);
        snprintf(app->edit.product, sizeof app->edit.product, "%s", it->product);
        snprintf(app->edit.to_plan, sizeof app->edit.to_plan, "%s", it->to_plan);
        app->edit.to_seats = it->to_seats;
        app->edit.to_period = it->to_period;
        app->edit_valid = true;
        ui_go(app, "addproduct", 0);
        return;
    }
    for (size_t i = 0; i < app->va.subs.n; i++) {
        if (app->va.subs.items[i].id == it->subscription_id) {
            app->sub_sel = i;
            memset(&app->edit, 0, sizeof app->edit);
            app->edit.subscription_id = it->subscription_id;
            snprintf(app->edit.product, sizeof app->edit.product, "%s", it->product);
            snprintf(app->edit.to_plan, sizeof app->edit.to_plan, "%s", it->to_plan);
            app->edit.to_seats = it->to_seats;
            app->edit.to_period = it->to_period;
            app->edit_valid = true;
            ui_go(app, "modify", 0);
            return;
        }
    }
}

static void cart_checkout(struct ui_app *app, struct cart_state *C)
{
    if (C->cart.n == 0) {
        ui_status_code(app, BC_CART_EMPTY);
        return;
    }
    if (!ui_may_change(app))
        return;
    if (C->qrc != BC_OK) {
        ui_status_code(app, C->qrc);
        return;
    }
    if (C->q.refusal != BC_OK) {
        char buf[512];
        summary_refusal_text(buf, sizeof buf, app, C->q.refusal, 0);
        ui_status(app, true, "%s", buf);
        return;
    }
    memset(&app->co, 0, sizeof app->co);
    app->co.serial = ++app->checkouts;
    app->co.is_cart = true;
    billing_new_key(app->co.key);
    ui_go(app, "review", 0);
}

/* x asks first; only the yes key removes (anything else keeps the item). */
static void cart_ask_remove(struct ui_app *app, struct cart_state *C)
{
    if (C->list.sel >= C->cart.n || !ui_may_change(app))
        return;
    const struct store_cart_item *it = &C->cart.items[C->list.sel];
    C->asking = true;
    C->asking_sub = it->subscription_id;
    snprintf(C->asking_product, sizeof C->asking_product, "%s", it->product ? it->product : "");
    ui_status(app, false, _("Remove %s from the cart? (y/n, default n)"),
              ui_product_name(app, it->product));
}

static void cart_answer(struct ui_app *app, struct cart_state *C, bool yes)
{
    C->asking = false;
    if (!yes) {
        ui_status(app, false, "%s", _("The item stays in the cart."));
        return;
    }
    enum bc_status rc = C->asking_sub != 0
        ? billing_cart_remove(app->b, app->va.acct.id, C->asking_sub)
        : billing_cart_remove_product(app->b, app->va.acct.id, C->asking_product);
    if (rc != BC_OK)
        ui_status_code(app, rc);
    else
        ui_status(app, false, "%s", _("Removed from the cart."));
    cart_load(app, C);
}

static unsigned cart_text(struct ui_app *app, void *st, wint_t ch)
{
    struct cart_state *C = st;
    if (!C->asking)
        return UI_IGNORED;
    /* The yes key of the language (y, or s for "sì"). */
    const char *yes = C_("answer to a yes/no question", "y");
    bool is_yes = ch == (wint_t)(unsigned char)yes[0]
               || ch == (wint_t)towupper((wint_t)(unsigned char)yes[0]);
    cart_answer(app, C, is_yes);
    return UI_DONE;
}

static unsigned cart_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct cart_state *C = st;
    if (C->asking && act != ACT_HELP && act != ACT_RESIZE && act != ACT_QUIT) {
        cart_answer(app, C, false);
        return UI_DONE;
    }
    switch (act) {
    case ACT_BACKTAB:
        return ui_list_key(&C->list, ACT_UP);
    case ACT_TAB:
        return ui_list_key(&C->list, ACT_DOWN);
    case ACT_REMOVE:
        cart_ask_remove(app, C);
        return UI_DONE;
    case ACT_EDIT:
        cart_edit(app, C);
        return UI_DONE;
    case ACT_ENTER:
        if (C->list.sel < C->cart.n)
            cart_edit(app, C);
        else
            cart_checkout(app, C);
        return UI_DONE;
    case ACT_CART:
        return UI_HANDLED;
    default:
        return ui_list_key(&C->list, act);
    }
}

static const enum ui_action *cart_footer(struct ui_app *app, void *st)
{
    static const enum ui_action acts[] = {ACT_UP, ACT_ENTER, ACT_EDIT, ACT_REMOVE, ACT_BACK,
                                          ACT_NONE};
    (void)app;
    (void)st;
    return acts;
}

static const char *const cart_help[] = {
    N_("One item per subscription; changing the same product again replaces "
       "its item. x removes the highlighted item, Enter or e edits it. "
       "Complete transaction (the last row) checks out every item in one "
       "order; the credit balance is applied once across the order."),
    NULL,
};

const struct ui_screen scr_cart = {
    .route = "cart",
    .title = N_("Cart"),
    .private_size = sizeof(struct cart_state),
    .enter = cart_enter,
    .done = cart_done,
    .draw = cart_draw,
    .action = cart_action,
    .text = cart_text,
    .footer = cart_footer,
    .help = cart_help,
};
