/* scr_addproduct.c — "Add product" (SPEC §8): the catalog's products the
 * account does not have yet; Enter on one opens its plan editing — tier,
 * seats, billing frequency — with the live Order Summary of a new
 * subscription (a charge and no credit, the period starting today, or the
 * product's free trial), then, as for a change, Complete transaction goes
 * to the review, payment and confirmation, or (the primary action when
 * the cart holds items) Add to cart puts it in the cart, checked out with
 * the cart's other items in one order. A screen of its own because
 * Modify subscription is built around the subscription it changes. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "list.h"
#include "summary.h"

/* ADD_CART is the secondary "Add to cart" offered beside Complete
 * transaction while the cart is empty (the primary is Add to cart otherwise). */
enum add_focus { ADD_PLAN, ADD_SEATS, ADD_PERIOD, ADD_ACTION, ADD_CART, ADD_FOCUS_COUNT };

#define ADD_MAX_PRODUCTS 64

struct add_state {
    const struct catalog_product *avail[ADD_MAX_PRODUCTS];  /* not subscribed yet */
    size_t navail;
    struct ui_list list;
    bool editing;             /* plan editing of avail[list.sel] */
    const struct catalog_product *prod;
    size_t plan_idx;
    int seats;
    enum bc_period period;
    enum add_focus focus;
    struct billing_quote q;
    enum bc_status qrc;
    struct billing_cart_preview cart;   /* the cart this product would join */
    bool in_cart;             /* the cart already holds this product's item */
    bool from_cart;           /* opened on the cart's item: Esc returns there */
    struct summary sum;
    bool view_only;
};

/* True when the account has no subscription (in any state) to `p`. */
static bool add_lacks(const struct ui_app *app, const struct catalog_product *p)
{
    for (size_t i = 0; i < app->va.subs.n; i++)
        if (strcmp(app->va.subs.items[i].product, p->id) == 0)
            return false;
    return true;
}

static const struct catalog_plan *add_plan(const struct add_state *A)
{
    return A->prod != NULL && A->plan_idx < A->prod->nplans ? &A->prod->plans[A->plan_idx] : NULL;
}

static void add_change(const struct add_state *A, struct billing_change *ch)
{
    const struct catalog_plan *pl = add_plan(A);
    memset(ch, 0, sizeof *ch);
    snprintf(ch->product, sizeof ch->product, "%s", A->prod ? A->prod->id : "");
    snprintf(ch->to_plan, sizeof ch->to_plan, "%s", pl ? pl->id : "");
    ch->to_seats = A->seats;
    ch->to_period = A->period;
}

static void add_requote(struct ui_app *app, struct add_state *A)
{
    struct billing_change ch;
    add_change(A, &ch);
    memset(&A->q, 0, sizeof A->q);
    memset(&A->cart, 0, sizeof A->cart);
    /* Who may only look sees the figures of the product alone (no cart). */
    A->qrc = A->view_only ? view_quote_preview(app->b, app->va.acct.id, &ch, &A->q)
                          : billing_quote_change_with_cart(app->b, app->va.acct.id, &ch, &A->q,
                                                           &A->cart);
}

/* Whether the cart holds an item for the product being edited. */
static void add_find_in_cart(struct ui_app *app, struct add_state *A)
{
    struct store_cart cart;
    memset(&cart, 0, sizeof cart);
    A->in_cart = false;
    if (A->prod != NULL && app->va.cart_count > 0 &&
        view_cart(app->b, app->va.acct.id, &cart) == BC_OK) {
        for (size_t i = 0; i < cart.n; i++)
            A->in_cart |= cart.items[i].subscription_id == 0 && cart.items[i].product != NULL &&
                          strcmp(cart.items[i].product, A->prod->id) == 0;
    }
    view_cart_clear(&cart);
}

/* The cart's item for a new product (Enter on it in the cart): its plan
 * editing with the item's choices. */
static void add_from_cart(struct ui_app *app, struct add_state *A)
{
    const struct billing_change *e = &app->edit;
    app->edit_valid = false;
    for (size_t i = 0; i < A->navail; i++) {
        if (strcmp(A->avail[i]->id, e->product) != 0)
            continue;
        ui_list_select(&A->list, i);
        A->prod = A->avail[i];
        A->plan_idx = 0;
        for (size_t k = 0; k < A->prod->nplans; k++)
            if (strcmp(A->prod->plans[k].id, e->to_plan) == 0)
                A->plan_idx = k;
        A->seats = e->to_seats;
        A->period = e->to_period;
        A->focus = ADD_PLAN;
        A->editing = true;
        A->from_cart = true;
    }
}

static void add_enter(struct ui_app *app, void *st)
{
    struct add_state *A = st;
    const struct catalog *c = app->b->catalog;
    A->navail = 0;
    for (size_t i = 0; c != NULL && i < c->nproducts && A->navail < ADD_MAX_PRODUCTS; i++)
        if (add_lacks(app, &c->products[i]))
            A->avail[A->navail++] = &c->products[i];
    ui_list_set_count(&A->list, A->navail);
    A->view_only = app->va.rights.may_change != BC_OK;
    if (!A->editing && app->edit_valid && app->edit.subscription_id == 0 && app->edit.product[0])
        add_from_cart(app, A);
    if (A->editing) {
        /* Back from the review (Edit order): the choices are kept. */
        bool still = false;
        for (size_t i = 0; i < A->navail; i++)
            still = still || A->avail[i] == A->prod;
        if (still) {
            add_find_in_cart(app, A);
            add_requote(app, A);
        } else {
            A->editing = false;
        }
    }
}

static void add_edit(struct ui_app *app, struct add_state *A)
{
    if (A->list.sel >= A->navail)
        return;
    A->prod = A->avail[A->list.sel];
    A->plan_idx = 0;
    A->seats = A->prod->nplans > 0 ? A->prod->plans[0].seats_min : 1;
    A->period = BC_PERIOD_MONTHLY;
    A->focus = ADD_PLAN;
    A->editing = true;
    add_find_in_cart(app, A);
    add_requote(app, A);
}

/* ---- drawing ---- */

static void add_price(const struct ui_app *app, const struct catalog_plan *pl, enum bc_period p,
                      char *buf, size_t size)
{
    int64_t price;
    char money[48];
    if (pl == NULL || !catalog_price(app->b->catalog, pl, app->va.acct.currency, p, &price)) {
        snprintf(buf, size, "%s", _("no price"));
        return;
    }
    fmt_money(money, sizeof money, price, app->va.acct.currency);
    snprintf(buf, size, p == BC_PERIOD_ANNUAL ? _("%s per seat a year") : _("%s per seat a month"),
             money);
}

static void add_trial_text(char *buf, size_t size, const struct catalog_product *p)
{
    snprintf(buf, size, _("%d-day free trial"), p->trial_days);
}

static void add_draw_list(struct ui_app *app, struct add_state *A, int top, int bottom)
{
    char buf[256], price[96];
    draw_text(top, 2, COLS - 4, _("Products this account does not have yet:"), A_BOLD);
    if (A->navail == 0) {
        draw_text(top + 2, 4, COLS - 8, _("This account already has every product of the catalog."),
                  A_NORMAL);
        return;
    }
    int y = top + 2;
    ui_list_layout(&A->list, (size_t)(bottom - y) / 2);
    for (size_t i = A->list.top; i < A->navail && y + 1 < bottom; i++, y += 2) {
        const struct catalog_product *p = A->avail[i];
        attr_t at = draw_list_mark(y, 2, i == A->list.sel, true, A_BOLD);
        draw_text(y, 4, 30, p->name, at);
        /* From the first tier's monthly price. */
        add_price(app, p->nplans > 0 ? &p->plans[0] : NULL, BC_PERIOD_MONTHLY, price,
                  sizeof price);
        snprintf(buf, sizeof buf, _("from %s"), price);
        draw_text_right(y, 34, COLS - 36, buf, A_NORMAL);
        size_t off = 0;
        buf[0] = '\0';
        for (size_t k = 0; k < p->nplans && off < sizeof buf; k++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", k ? ", " : "",
                                    p->plans[k].name);
        if (p->trial_days > 0 && off < sizeof buf) {
            char trial[64];
            add_trial_text(trial, sizeof trial, p);
            snprintf(buf + off, sizeof buf - off, "  (%s)", trial);
        }
        draw_text(y + 1, 6, COLS - 8, buf, A_NORMAL);
    }
}

static const char *add_action_label(const struct ui_app *app, const struct add_state *A)
{
    if (app->va.cart_count == 0)
        return _("Complete transaction");
    return A->in_cart ? _("Update cart item") : _("Add to cart");
}

static void add_draw_edit(struct ui_app *app, struct add_state *A, int top, int bottom)
{
    char buf[512], money[64];
    const struct catalog_plan *pl = add_plan(A);
    snprintf(buf, sizeof buf, _("%s: a new subscription"), A->prod->name);
    draw_text(top, 2, COLS - 4, buf, A_BOLD);
    if (A->prod->trial_days > 0) {
        char trial[64];
        add_trial_text(trial, sizeof trial, A->prod);
        snprintf(buf, sizeof buf, _("Starts with a %s: nothing is charged until it ends."), trial);
    } else {
        snprintf(buf, sizeof buf, "%s", _("Its billing period begins today."));
    }
    draw_wrap(top + 1, 2, COLS - 4, 2, buf, A_NORMAL);

    int y = top + 3, lx = 4, vx = 20;
    attr_t sel = term_attr(TERM_SELECTED);
    if ((int)A->focus < 3)
        draw_text(y + (int)A->focus, 2, 1, draw_glyph_cursor(), A_BOLD);
    draw_text(y, lx, vx - lx - 1, _("Plan"), A_BOLD);
    snprintf(buf, sizeof buf, "< %s >", pl ? pl->name : "");
    draw_text(y, vx, 28, buf, A->focus == ADD_PLAN ? sel : term_attr(TERM_FIELD));
    add_price(app, pl, A->period, buf, sizeof buf);
    draw_text(y, vx + 30, COLS - vx - 32, buf, A_NORMAL);

    draw_text(y + 1, lx, vx - lx - 1, _("Seats"), A_BOLD);
    snprintf(buf, sizeof buf, "- %d +", A->seats);
    draw_text(y + 1, vx, 12, buf, A->focus == ADD_SEATS ? sel : term_attr(TERM_FIELD));
    if (pl != NULL) {
        snprintf(buf, sizeof buf, _("%d to %d seats"), pl->seats_min, pl->seats_max);
        draw_text(y + 1, vx + 14, COLS - vx - 16, buf, A_NORMAL);
    }

    draw_text(y + 2, lx, vx - lx - 1, _("Billing"), A_BOLD);
    const char *on = term_ascii() ? "(*)" : "(\u2022)";
    snprintf(buf, sizeof buf, "%s %s  %s %s", A->period == BC_PERIOD_MONTHLY ? on : "( )",
             _("Monthly"), A->period == BC_PERIOD_ANNUAL ? on : "( )", _("Annual"));
    draw_text(y + 2, vx, 28, buf, A->focus == ADD_PERIOD ? sel : A_NORMAL);
    int64_t save;
    if (pl != NULL && billing_annual_saving(app->b->catalog, pl, app->va.acct.currency, &save)
        && save > 0) {
        fmt_money(money, sizeof money, save, app->va.acct.currency);
        snprintf(buf, sizeof buf, _("Annual billing saves %s per seat a year."), money);
        draw_text(y + 3, vx, COLS - vx - 2, buf, A_NORMAL);
    }
    if (pl != NULL) {
        size_t nf, off = 0;
        char *const *fs = catalog_features(pl, i18n_is_it() ? "it" : "en", &nf);
        buf[0] = '\0';
        for (size_t f = 0; f < nf && off < sizeof buf; f++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", f ? ", " : "", fs[f]);
        /* The features in full: from the labels' column when long. */
        int fx = draw_width(buf) <= COLS - vx - 2 ? vx : lx;
        draw_text(y + 4, fx, COLS - fx - 2, buf, A_NORMAL);
    }

    y = top + 9;
    draw_rule(y++, 2, COLS - 4, _("Order Summary"));
    int sum_bottom = bottom - 3;
    if (A->qrc != BC_OK) {
        draw_text(y, 4, COLS - 8, _(bc_status_message(A->qrc)), term_attr(TERM_ERROR));
    } else if (A->q.refusal != BC_OK) {
        summary_refusal_text(buf, sizeof buf, app, A->q.refusal, A->seats);
        draw_wrap(y, 4, COLS - 8, 3, buf, term_attr(TERM_ERROR));
    } else {
        summary_reset(&A->sum);
        summary_item_lines(&A->sum, app, &A->q, 0, false);
        /* The balance is applied once across the cart: with other items
         * in it, what this product adds and the cart's Total due with it. */
        if (A->cart.others > 0)
            summary_totals_with_cart(&A->sum, &A->q, &A->cart);
        else
            summary_totals(&A->sum, &A->q, false);
        summary_draw(&A->sum, 0, y, sum_bottom, 4, draw_pair_width(COLS - 8));
    }

    if (A->view_only) {
        char why[512];
        summary_refusal_text(why, sizeof why, app, app->va.rights.may_change, 0);
        draw_wrap(bottom - 2, 4, COLS - 8, 2, why, term_attr(TERM_ERROR));
        return;
    }
    bool can = A->qrc == BC_OK && A->q.refusal == BC_OK;
    snprintf(buf, sizeof buf, "[ %s ]", add_action_label(app, A));
    attr_t aa = draw_list_mark(bottom - 1, 2, A->focus == ADD_ACTION, true,
                               can ? A_BOLD : term_attr(TERM_DISABLED));
    int bx = 4 + draw_text(bottom - 1, 4, COLS - 8, buf, aa) + 4;
    if (app->va.cart_count == 0) {
        snprintf(buf, sizeof buf, "[ %s ]", _("Add to cart"));
        aa = draw_list_mark(bottom - 1, bx - 2, A->focus == ADD_CART, true,
                            can ? A_NORMAL : term_attr(TERM_DISABLED));
        draw_text(bottom - 1, bx, COLS - bx - 2, buf, aa);
    }
}

static void add_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct add_state *A = st;
    if (!app->have_account)
        return;
    if (A->editing && A->prod != NULL)
        add_draw_edit(app, A, top, bottom);
    else
        add_draw_list(app, A, top, bottom);
}

/* ---- actions ---- */

static void add_set_seats(struct ui_app *app, struct add_state *A, int n)
{
    const struct catalog_plan *pl = add_plan(A);
    if (pl != NULL && n < pl->seats_min) {
        ui_status(app, true, _("This plan needs at least %d seats."), pl->seats_min);
        n = pl->seats_min;
    } else if (pl != NULL && n > pl->seats_max) {
        ui_status(app, true, _("This plan allows at most %d seats."), pl->seats_max);
        n = pl->seats_max;
    }
    if (n != A->seats) {
        A->seats = n;
        add_requote(app, A);
    }
}

static void add_set_plan(struct ui_app *app, struct add_state *A, int step)
{
    size_t n = A->prod->nplans;
    if (n == 0)
        return;
    A->plan_idx = (A->plan_idx + n + (size_t)(step < 0 ? n - 1 : 1)) % n;
    const struct catalog_plan *pl = add_plan(A);
    int was = A->seats;
    if (A->seats < pl->seats_min)
        A->seats = pl->seats_min;
    if (A->seats > pl->seats_max)
        A->seats = pl->seats_max;
    if (A->seats > was)
        ui_status(app, false, _("%s starts at %d seats: seats raised from %d to %d."), pl->name,
                  pl->seats_min, was, A->seats);
    else if (A->seats < was)
        ui_status(app, false, _("%s allows at most %d seats: seats lowered from %d to %d."),
                  pl->name, pl->seats_max, was, A->seats);
    add_requote(app, A);
}

static void add_primary(struct ui_app *app, struct add_state *A, bool to_cart)
{
    if (!ui_may_change(app))
        return;
    if (A->qrc != BC_OK) {
        ui_status_code(app, A->qrc);
        return;
    }
    if (A->q.refusal != BC_OK) {
        char buf[512];
        summary_refusal_text(buf, sizeof buf, app, A->q.refusal, A->seats);
        ui_status(app, true, "%s", buf);
        return;
    }
    if (to_cart) {
        struct billing_change ch;
        add_change(A, &ch);
        enum bc_status rc = billing_cart_put(app->b, app->va.acct.id, &ch);
        if (rc != BC_OK) {
            ui_status_code(app, rc);
            return;
        }
        bool replaced = A->in_cart;
        A->editing = false;
        ui_load_account(app, app->va.acct.id);
        ui_go_back(app);
        ui_go(app, "cart", 0);
        ui_status(app, false, "%s", replaced ? _("Cart item updated.") : _("Added to the cart."));
        return;
    }
    memset(&app->co, 0, sizeof app->co);
    app->co.serial = ++app->checkouts;
    app->co.is_cart = false;
    add_change(A, &app->co.change);
    billing_new_key(app->co.key);
    ui_go(app, "review", 0);
}

static unsigned add_edit_action(struct ui_app *app, struct add_state *A, enum ui_action act)
{
    int last = A->view_only ? ADD_PERIOD : app->va.cart_count == 0 ? ADD_CART : ADD_ACTION;
    if ((int)A->focus > last)
        A->focus = (enum add_focus)last;
    switch (act) {
    case ACT_UP:
    case ACT_BACKTAB:
        A->focus = A->focus > ADD_PLAN ? A->focus - 1 : (enum add_focus)last;
        return UI_DONE;
    case ACT_DOWN:
    case ACT_TAB:
        A->focus = (int)A->focus < last ? A->focus + 1 : ADD_PLAN;
        return UI_DONE;
    case ACT_PLUS:
        add_set_seats(app, A, A->seats + 1);
        return UI_DONE;
    case ACT_MINUS:
        add_set_seats(app, A, A->seats - 1);
        return UI_DONE;
    case ACT_LEFT:
    case ACT_RIGHT:
    case ACT_TOGGLE:
        if (A->focus == ADD_PLAN)
            add_set_plan(app, A, act == ACT_LEFT ? -1 : 1);
        else if (A->focus == ADD_SEATS)
            add_set_seats(app, A, A->seats + (act == ACT_LEFT ? -1 : 1));
        else if (A->focus == ADD_PERIOD) {
            A->period = A->period == BC_PERIOD_MONTHLY ? BC_PERIOD_ANNUAL : BC_PERIOD_MONTHLY;
            add_requote(app, A);
        }
        return UI_DONE;
    case ACT_ENTER:
        if (A->focus == ADD_ACTION)
            add_primary(app, A, app->va.cart_count > 0);
        else if (A->focus == ADD_CART)
            add_primary(app, A, true);
        else
            A->focus = (int)A->focus < last ? A->focus + 1 : ADD_PLAN;
        return UI_DONE;
    case ACT_BACK:
        A->editing = false;
        if (A->from_cart)
            ui_go_back(app);
        return UI_DONE;
    default:
        return UI_IGNORED;
    }
}

static unsigned add_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct add_state *A = st;
    if (A->editing)
        return add_edit_action(app, A, act);
    switch (act) {
    case ACT_ENTER:
        add_edit(app, A);
        return UI_DONE;
    case ACT_BACK:
        ui_go_back(app);
        return UI_DONE;
    default:
        ui_list_set_count(&A->list, A->navail);
        return ui_list_key(&A->list, act);
    }
}

static bool add_busy(struct ui_app *app, void *st)
{
    const struct add_state *A = st;
    (void)app;
    return A->editing && !A->view_only;
}

static const enum ui_action *add_footer(struct ui_app *app, void *st)
{
    const struct add_state *A = st;
    static const enum ui_action list[] = {ACT_UP, ACT_ENTER, ACT_BACK, ACT_CART, ACT_NONE};
    static const enum ui_action edit[] = {ACT_TAB, ACT_ENTER, ACT_LEFT, ACT_PLUS, ACT_BACK,
                                          ACT_NONE};
    (void)app;
    return A->editing ? edit : list;
}

static const char *const add_help[] = {
    N_("The catalog's products this account does not have yet. Enter opens "
       "the chosen product's plan editing: Tab or Up/Down moves between Plan, "
       "Seats, Billing and the actions; Left/Right changes the plan "
       "or the seats, + and - the seats, Space or Left/Right the billing "
       "frequency. The Order Summary shows what the new subscription costs "
       "(its period begins today; a product with a free trial charges "
       "nothing until the trial ends). Complete transaction orders it alone; "
       "Add to cart (the action when the cart holds items) puts it in the "
       "cart, ordered with the cart's other items. Esc goes back."),
    NULL,
};

const struct ui_screen scr_addproduct = {
    .route = "addproduct",
    .title = N_("Add product"),
    .flags = UI_SCREEN_FOOTER_FIT,
    .private_size = sizeof(struct add_state),
    .enter = add_enter,
    .draw = add_draw,
    .action = add_action,
    .busy = add_busy,
    .footer = add_footer,
    .help = add_help,
};
