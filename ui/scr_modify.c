/* scr_modify.c — "Modify subscription": current plan on top, then the
 * choices (plan tier through Edit, seats, billing frequency) and a live
 * Order Summary re-quoted on every change (with the cart it would join),
 * with a proration timeline (the current period's used and credited days,
 * and the new period starting today, or the kept one for a co-termed
 * change). The primary action is Complete transaction (empty cart) or Add
 * to cart. A lower tier, a seat reduction or a frequency change may
 * instead be scheduled for the next renewal (SPEC §8): the toggle above
 * the actions, the Order Summary then giving the renewal's estimate. A
 * billing contact's lower tier is Customer Care's (`downgrade: support`)
 * or scheduled only (`end_of_term`); an operator orders it today too. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"
#include "lifecycle.h"
#include "list.h"
#include "substate.h"
#include "summary.h"

/* MOD_CART is the secondary "Add to cart" offered beside Complete
 * transaction while the cart is empty (the primary is Add to cart otherwise). */
/* MOD_WHEN is the "Schedule for the next renewal" toggle, offered for the
 * changes that may wait for the renewal. */
enum modify_focus { MOD_PLAN, MOD_SEATS, MOD_PERIOD, MOD_WHEN, MOD_ACTION, MOD_CART,
                    MOD_FOCUS_COUNT };

struct modify_state {
    int64_t sub_id;
    const struct catalog_product *prod;
    size_t plan_idx;          /* chosen plan, index in prod->plans */
    size_t cur_idx;           /* current plan */
    int seats;
    enum bc_period period;
    enum modify_focus focus;
    bool tiers_open;
    struct ui_list tiers;     /* the plans, in rank order */
    bool seats_typing;        /* digits replace the count */
    int seats_moved_from;     /* the plan chosen moved the seats from this count (0: not) */
    struct ui_field seats_field;
    struct billing_quote q;
    struct billing_cart_preview cart;   /* the cart this change would join */
    enum bc_status qrc;       /* error from billing_quote_change */
    struct summary sum;
    bool in_cart;             /* the cart already holds this subscription's item */
    bool view_only;           /* may look, not change: figures but no action */
    bool schedule;            /* for the next renewal instead of today */
    struct billing_schedule_preview sp;  /* the scheduled change's figures */
    enum bc_status sprc;      /* error from billing_schedule_preview */
};

static const struct catalog_plan *modify_plan(const struct modify_state *M, size_t i)
{
    return M->prod != NULL && i < M->prod->nplans ? &M->prod->plans[i] : NULL;
}

static void modify_change(const struct ui_app *app, const struct modify_state *M,
                          struct billing_change *ch)
{
    memset(ch, 0, sizeof *ch);
    const struct store_subscription *sub = ui_sub(app);
    const struct catalog_plan *pl = modify_plan(M, M->plan_idx);
    ch->subscription_id = M->sub_id;
    snprintf(ch->product, sizeof ch->product, "%s", sub ? sub->product : "");
    snprintf(ch->to_plan, sizeof ch->to_plan, "%s", pl ? pl->id : (sub ? sub->plan : ""));
    ch->to_seats = M->seats;
    ch->to_period = M->period;
}

/* The chosen plan ranks below the current one. */
static bool modify_lower(const struct modify_state *M)
{
    const struct catalog_plan *pl = modify_plan(M, M->plan_idx), *cur = modify_plan(M, M->cur_idx);
    return pl != NULL && cur != NULL && pl->rank < cur->rank;
}

/* A billing contact's lower tier on a `downgrade: end_of_term` product:
 * only for the renewal. */
static bool modify_schedule_only(const struct ui_app *app, const struct modify_state *M)
{
    return modify_lower(M) && !billing_may_downgrade(app->b);
}

/* The chosen change may wait for the next renewal (SPEC §8): a lower
 * tier, fewer seats or another billing frequency, on a subscription that
 * renews (not one subscribed anew). */
static bool modify_can_schedule(const struct ui_app *app, const struct modify_state *M)
{
    const struct store_subscription *sub = ui_sub(app);
    if (M->view_only || sub == NULL
        || (sub->status != STORE_SUB_ACTIVE && sub->status != STORE_SUB_TRIAL))
        return false;
    return modify_lower(M) || M->seats < sub->seats || M->period != sub->period;
}

static void modify_requote(struct ui_app *app, struct modify_state *M)
{
    struct billing_change ch;
    modify_change(app, M, &ch);
    if (!modify_can_schedule(app, M))
        M->schedule = false;
    else if (modify_schedule_only(app, M))
        M->schedule = true;
    memset(&M->sp, 0, sizeof M->sp);
    M->sprc = BC_OK;
    if (M->schedule) {
        struct renewal_terms to = {.seats = ch.to_seats, .period = ch.to_period};
        snprintf(to.plan, sizeof to.plan, "%s", ch.to_plan);
        M->sprc = billing_schedule_preview(app->b, app->va.acct.id, M->sub_id, &to, &M->sp);
    }
    /* The toggle and Add to cart come and go with the change. */
    if ((M->focus == MOD_WHEN && !modify_can_schedule(app, M))
        || (M->focus == MOD_CART && M->schedule))
        M->focus = MOD_ACTION;
    app->edit = ch;
    app->edit_valid = true;
    memset(&M->q, 0, sizeof M->q);
    memset(&M->cart, 0, sizeof M->cart);
    /* Who may only look sees the figures of the change alone (no cart). */
    M->qrc = M->view_only ? view_quote_preview(app->b, app->va.acct.id, &ch, &M->q)
                          : billing_quote_change_with_cart(app->b, app->va.acct.id, &ch, &M->q,
                                                           &M->cart);
}

static void modify_enter(struct ui_app *app, void *st)
{
    struct modify_state *M = st;
    const struct store_subscription *sub = ui_sub(app);
    M->tiers_open = false;
    M->seats_typing = false;
    M->seats_field.digits_only = true;
    M->seats_field.max_chars = 6;
    if (sub == NULL) {
        ui_go_back(app);
        return;
    }
    M->sub_id = sub->id;
    M->prod = catalog_product(app->b->catalog, sub->product);
    M->cur_idx = 0;
    for (size_t i = 0; M->prod != NULL && i < M->prod->nplans; i++)
        if (strcmp(M->prod->plans[i].id, sub->plan) == 0)
            M->cur_idx = i;
    M->plan_idx = M->cur_idx;
    M->seats = sub->seats;
    M->period = sub->period;
    if (app->edit_valid && app->edit.subscription_id == sub->id) {
        for (size_t i = 0; M->prod != NULL && i < M->prod->nplans; i++)
            if (strcmp(M->prod->plans[i].id, app->edit.to_plan) == 0)
                M->plan_idx = i;
        M->seats = app->edit.to_seats;
        M->period = app->edit.to_period;
    }
    M->focus = MOD_PLAN;
    M->view_only = app->va.rights.may_change != BC_OK;
    M->in_cart = false;
    struct store_cart cart;
    memset(&cart, 0, sizeof cart);
    if (app->va.cart_count > 0 && view_cart(app->b, app->va.acct.id, &cart) == BC_OK) {
        for (size_t i = 0; i < cart.n; i++)
            M->in_cart |= cart.items[i].subscription_id == sub->id;
    }
    view_cart_clear(&cart);
    modify_requote(app, M);
}

/* ---- drawing ---- */

static void modify_price(const struct ui_app *app, const struct catalog_plan *pl,
                         enum bc_period p, char *buf, size_t size)
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

static void modify_draw_tiers(struct ui_app *app, struct modify_state *M, int top, int bottom)
{
    int x = 4, w = COLS - 8;
    for (int r = top; r < bottom; r++)
        draw_fill(r, x - 2, w + 4, A_NORMAL);
    draw_box(top, x - 2, bottom - top, w + 4);
    draw_text(top, x, w, _(" Choose a plan "), term_attr(TERM_HEADING));
    int y = top + 1;
    bool has_lower = M->cur_idx > 0;
    bool operator = billing_may_downgrade(app->b);
    bool end_of_term = M->prod->downgrade == CATALOG_DOWNGRADE_END_OF_TERM;
    for (size_t i = 0; i < M->prod->nplans && y + 1 < bottom - 3; i++) {
        const struct catalog_plan *pl = &M->prod->plans[i];
        bool lower = i < M->cur_idx;
        bool cur = i == M->tiers.sel;
        /* Lower plans: Customer Care's (shown disabled to a billing
         * contact), for the renewal only, or an operator's to order. */
        bool care = lower && !operator && !end_of_term;
        attr_t row = care ? term_attr(TERM_DISABLED) : A_NORMAL;
        char price[96];
        const char *tag = "";
        if (i == M->cur_idx)
            tag = _(" (current plan)");
        else if (care)
            tag = _(" (Customer Care only)");
        else if (lower && !operator)
            tag = _(" (at the next renewal)");
        else if (i == M->plan_idx)
            tag = _(" (chosen)");
        modify_price(app, pl, M->period, price, sizeof price);
        /* The cursor and the plan's name mark the current tier; its tag and
         * price keep their attributes, so a move rewrites a few cells. */
        attr_t at = draw_list_mark(y, x, cur, true, row);
        int lim = w - 2 - draw_width(price) - 1;
        draw_text_right(y, x + 2, w - 2, price, row);
        int nw = draw_text(y, x + 2, lim, pl->name, at);
        draw_text(y, x + 2 + nw, lim - nw, tag, row);
        char feat[512];
        size_t off = 0;
        feat[0] = '\0';
        size_t nf;
        char *const *fs = catalog_features(pl, i18n_is_it() ? "it" : "en", &nf);
        for (size_t f = 0; f < nf && off < sizeof feat; f++)
            off += (size_t)snprintf(feat + off, sizeof feat - off, "%s%s", f ? ", " : "",
                                    fs[f]);
        y += 1 + draw_wrap(y + 1, x + 4, w - 4, 2, feat,
                           care ? term_attr(TERM_DISABLED) : A_NORMAL);
    }
    if (has_lower) {
        char buf[512];
        if (operator)
            snprintf(buf, sizeof buf, "%s",
                     _("Customer Care: a lower plan is ordered today, the unused time "
                       "credited to the balance, or scheduled for the next renewal."));
        else if (end_of_term)
            snprintf(buf, sizeof buf, "%s",
                     _("A lower plan takes effect at the next renewal: nothing is charged today."));
        else
            summary_refusal_text(buf, sizeof buf, app, BC_DOWNGRADE_REQUIRES_SUPPORT, 0);
        draw_wrap(bottom - 3, x, w, 2, buf, A_NORMAL);
    }
}

static void modify_timeline(struct ui_app *app, const struct modify_state *M,
                            const struct store_subscription *sub, int y)
{
    const struct quote_item *it = &M->q.items[0];
    bc_day p0 = sub->period_start, p1 = sub->period_end, d = app->b->today;
    if (p1 <= p0 || d < p0 || d > p1)
        return;
    /* Days, not money: the bar shows how much of the current period is used
     * and how much is credited back. */
    enum { bw = 24 };
    int used = (int)((int64_t)(d - p0) * bw / (p1 - p0));
    char bar[bw + 3];
    bar[0] = '[';
    for (int i = 0; i < bw; i++)
        bar[1 + i] = i < used ? '#' : '.';
    bar[bw + 1] = ']';
    bar[bw + 2] = '\0';
    char a[16], b[16], buf[256];
    fmt_date(a, sizeof a, p0);
    fmt_date(b, sizeof b, p1);
    const char *l1 = _("Current period"), *l2 = _("New period");
    int lw = draw_width(l1) > draw_width(l2) ? draw_width(l1) : draw_width(l2);
    int vx = 4 + lw + 2;
    draw_text(y, 4, lw, l1, A_NORMAL);
    snprintf(buf, sizeof buf, "%s %s %s", a, bar, b);
    draw_text(y, vx, COLS - vx - 2, buf, A_NORMAL);
    snprintf(buf, sizeof buf, _("used %d days (#), credited %d days (.)"), (int)(d - p0),
             (int)(p1 - d));
    draw_text(y + 1, vx, COLS - vx - 2, buf, A_NORMAL);
    if (it->period_end > it->period_start) {
        char r[64];
        fmt_range(r, sizeof r, it->period_start, it->period_end);
        /* A co-termed change (seats under `keep`) keeps the period. */
        if (it->period_start != it->item_start) {
            snprintf(buf, sizeof buf, _("Billing period unchanged: %s"), r);
            draw_text(y + 2, 4, COLS - 6, buf, A_NORMAL);
        } else {
            draw_text(y + 2, 4, lw, l2, A_NORMAL);
            snprintf(buf, sizeof buf, _("%s, beginning today"), r);
            draw_text(y + 2, vx, COLS - vx - 2, buf, A_NORMAL);
        }
    }
}

static const char *modify_action_label(const struct ui_app *app, const struct modify_state *M)
{
    if (M->schedule)
        return _("Schedule change");
    if (app->va.cart_count == 0)
        return _("Complete transaction");
    return M->in_cart ? _("Update cart item") : _("Add to cart");
}

/* Why nothing can be changed here and who can change it, where the
 * actions would be. */
static void modify_draw_view_only(struct ui_app *app, int bottom)
{
    char buf[768];
    enum bc_status why = app->va.rights.may_change;
    if (why == BC_CORPORATE_ACCOUNT || app->billing_name[0] == '\0')
        snprintf(buf, sizeof buf, "%s", _(bc_status_message(why)));
    else if (why == BC_NOT_BILLING_CONTACT)
        snprintf(buf, sizeof buf,
                 _("View only: changes are made by the billing contact, %s <%s>."),
                 app->billing_name, app->billing_email);
    else
        snprintf(buf, sizeof buf, _("%s Changes are made by the billing contact, %s <%s>."),
                 _(bc_status_message(why)), app->billing_name, app->billing_email);
    draw_wrap(bottom - 2, 4, COLS - 8, 2, buf, term_attr(TERM_ERROR));
}

static void modify_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct modify_state *M = st;
    const struct store_subscription *sub = ui_sub(app);
    if (sub == NULL || M->prod == NULL)
        return;
    char buf[512], money[64], range[64];
    const struct catalog_plan *cur = modify_plan(M, M->cur_idx);
    snprintf(buf, sizeof buf,
             ngettext("%s: current plan %s, %d seat, %s", "%s: current plan %s, %d seats, %s",
                      sub->seats),
             M->prod->name, cur ? cur->name : sub->plan, sub->seats, ui_period_label(sub->period));
    draw_text(top, 2, COLS - 4, buf, A_BOLD);
    fmt_range(range, sizeof range, sub->period_start, sub->period_end);
    fmt_money(money, sizeof money, sub->price, app->va.acct.currency);
    if ((sub->status == STORE_SUB_TRIAL || sub->status == STORE_SUB_TRIAL_ENDED)
        && sub->price == 0)
        snprintf(money, sizeof money, "%s", _("free trial"));
    snprintf(buf, sizeof buf, _("Period %s, %s per seat, %d seats assigned"), range, money,
             sub->seats_assigned);
    draw_text(top + 1, 2, COLS - 4, buf, A_NORMAL);
    /* The state in words (SPEC §8), and a change waiting for the renewal. */
    char state[256], sched[256];
    attr_t sa;
    ui_sub_state_text(sub, state, sizeof state, &sa);
    ui_sub_scheduled_text(app, sub, sched, sizeof sched);
    int sw = draw_text(top + 2, 2, COLS - 4, state, sa);
    if (sched[0] != '\0' && sw + 3 < COLS - 4) {
        snprintf(buf, sizeof buf, "   %s", sched);
        draw_text(top + 2, 2 + sw, COLS - 4 - sw, buf, A_NORMAL);
    }

    /* The choices. */
    int y = top + 3, lx = 4, vx = 20;
    attr_t sel = term_attr(TERM_SELECTED);
    const struct catalog_plan *pl = modify_plan(M, M->plan_idx);
    for (int f = 0; f < 3; f++) {
        if ((int)M->focus == f)
            draw_text(y + f, 2, 1, draw_glyph_cursor(), A_BOLD);
    }
    draw_text(y, lx, vx - lx - 1, _("Plan"), A_BOLD);
    draw_text(y, vx, 28, pl ? pl->name : "", M->focus == MOD_PLAN ? sel : term_attr(TERM_FIELD));
    snprintf(buf, sizeof buf, "[ %s ]", _("Edit"));
    draw_text(y, vx + 30, 20, buf, M->focus == MOD_PLAN ? A_BOLD : A_NORMAL);

    draw_text(y + 1, lx, vx - lx - 1, _("Seats"), A_BOLD);
    if (M->seats_typing)
        field_draw(&M->seats_field, y + 1, vx, 10, true, NULL);
    else {
        snprintf(buf, sizeof buf, "- %d +", M->seats);
        draw_text(y + 1, vx, 12, buf, M->focus == MOD_SEATS ? sel : term_attr(TERM_FIELD));
    }
    if (pl != NULL) {
        snprintf(buf, sizeof buf, _("%d to %d seats; %d assigned"), pl->seats_min, pl->seats_max,
                 sub->seats_assigned);
        draw_text(y + 1, vx + 14, COLS - vx - 16, buf, A_NORMAL);
    }

    draw_text(y + 2, lx, vx - lx - 1, _("Billing"), A_BOLD);
    const char *on = term_ascii() ? "(*)" : "(\u2022)";
    snprintf(buf, sizeof buf, "%s %s  %s %s", M->period == BC_PERIOD_MONTHLY ? on : "( )",
             _("Monthly"), M->period == BC_PERIOD_ANNUAL ? on : "( )", _("Annual"));
    draw_text(y + 2, vx, 28, buf, M->focus == MOD_PERIOD ? sel : A_NORMAL);
    /* What annual saves per seat: figured by the core. */
    int64_t save;
    if (pl != NULL && billing_annual_saving(app->b->catalog, pl, app->va.acct.currency, &save)
        && save > 0) {
        fmt_money(money, sizeof money, save, app->va.acct.currency);
        snprintf(buf, sizeof buf, _("Annual billing saves %s per seat a year."), money);
        draw_text(y + 3, vx, COLS - vx - 2, buf, A_NORMAL);
    }

    /* Order Summary. */
    y = top + 7;
    draw_rule(y, 2, COLS - 4, _("Order Summary"));
    y++;
    int sum_bottom = top + 14;
    bool when = modify_can_schedule(app, M);
    if (M->schedule && M->sprc != BC_OK) {
        draw_text(y, 4, COLS - 8, _(bc_status_message(M->sprc)), term_attr(TERM_ERROR));
    } else if (M->schedule && M->sp.refusal != BC_OK) {
        summary_refusal_text(buf, sizeof buf, app, M->sp.refusal, M->seats);
        draw_wrap(y, 4, COLS - 8, 3, buf, term_attr(TERM_ERROR));
    } else if (M->schedule) {
        /* Nothing today: the renewal's estimate, figured by the core. */
        summary_reset(&M->sum);
        summary_schedule_lines(&M->sum, app, sub->product, &M->sp);
        summary_draw(&M->sum, 0, y, sum_bottom, 4, draw_pair_width(COLS - 8));
    } else if (M->qrc != BC_OK) {
        draw_text(y, 4, COLS - 8, _(bc_status_message(M->qrc)), term_attr(TERM_ERROR));
    } else if (M->q.refusal == BC_NO_CHANGE) {
        draw_wrap(y, 4, COLS - 8, 2,
                  _("Choose another plan, seat count or billing frequency to see what it costs."),
                  A_NORMAL);
    } else if (M->q.refusal != BC_OK) {
        summary_refusal_text(buf, sizeof buf, app, M->q.refusal, M->seats);
        draw_wrap(y, 4, COLS - 8, 3, buf, term_attr(TERM_ERROR));
    } else {
        /* The per-line VAT rows are folded into the one VAT row here. */
        summary_reset(&M->sum);
        const struct catalog_plan *mp = modify_plan(M, M->plan_idx);
        if (M->seats_moved_from > 0 && mp != NULL) {
            if (M->seats > M->seats_moved_from)
                snprintf(buf, sizeof buf, _("Seats %d %s %d: %s starts at %d seats"),
                         M->seats_moved_from, draw_glyph_arrow(), M->seats, mp->name,
                         mp->seats_min);
            else
                snprintf(buf, sizeof buf, _("Seats %d %s %d: %s allows at most %d seats"),
                         M->seats_moved_from, draw_glyph_arrow(), M->seats, mp->name,
                         mp->seats_max);
            summary_add(&M->sum, TERM_HEADING, buf, "");
        }
        summary_item_lines(&M->sum, app, &M->q, 0, false);
        /* The balance is applied once across the cart: with other items
         * in it, what this item adds and the cart's Total due with it. */
        if (M->cart.others > 0)
            summary_totals_with_cart(&M->sum, &M->q, &M->cart);
        else
            summary_totals(&M->sum, &M->q, false);
        /* As many rows as the summary has, the timeline and the action
         * right after it (amounts kept near their labels when wide). */
        if (y + (int)M->sum.n > sum_bottom)
            sum_bottom = y + (int)M->sum.n;
        if (sum_bottom > bottom - (when ? 6 : 5))
            sum_bottom = bottom - (when ? 6 : 5);
        summary_draw(&M->sum, 0, y, sum_bottom, 4, draw_pair_width(COLS - 8));
        modify_timeline(app, M, sub, sum_bottom + 1);
    }

    if (M->view_only) {
        modify_draw_view_only(app, bottom);
        if (M->tiers_open)
            modify_draw_tiers(app, M, top + 2, bottom);
        return;
    }
    y = sum_bottom + 5 < bottom - 1 ? sum_bottom + 5 : bottom - 1;
    if (when) {
        /* The toggle, right above the actions. */
        char day[16];
        fmt_date(day, sizeof day, sub->period_end);
        snprintf(buf, sizeof buf, _("%s Schedule for the next renewal (%s)"),
                 draw_glyph_check(M->schedule), day);
        attr_t wa = draw_list_mark(y - 1, 2, M->focus == MOD_WHEN, true,
                                   M->focus == MOD_WHEN ? A_BOLD : A_NORMAL);
        draw_text(y - 1, 4, COLS - 8, buf, wa);
    }
    bool can = M->schedule ? M->sprc == BC_OK && M->sp.refusal == BC_OK
                           : M->qrc == BC_OK && M->q.refusal == BC_OK;
    snprintf(buf, sizeof buf, "[ %s ]", modify_action_label(app, M));
    attr_t aa = draw_list_mark(y, 2, M->focus == MOD_ACTION, true,
                               can ? A_BOLD : term_attr(TERM_DISABLED));
    int bx = 4 + draw_text(y, 4, COLS - 8, buf, aa) + 4;
    if (app->va.cart_count == 0 && !M->schedule) {
        snprintf(buf, sizeof buf, "[ %s ]", _("Add to cart"));
        aa = draw_list_mark(y, bx - 2, M->focus == MOD_CART, true,
                            can ? A_NORMAL : term_attr(TERM_DISABLED));
        draw_text(y, bx, COLS - bx - 2, buf, aa);
    }

    if (M->tiers_open)
        modify_draw_tiers(app, M, top + 2, bottom);
}

/* ---- actions ---- */

/* True while the Seats field has focus: it takes printable keys. */
static bool modify_in_seats(const struct modify_state *M)
{
    return !M->tiers_open && M->focus == MOD_SEATS;
}

/* Sets the seat count to n, or to the nearest count allowed with one
 * message about n itself: the plan's limits, or the seats assigned to
 * users (which of the two binds; the count to unassign is assigned - n). */
static void modify_set_seats(struct ui_app *app, struct modify_state *M, int n)
{
    const struct store_subscription *sub = ui_sub(app);
    const struct catalog_plan *pl = modify_plan(M, M->plan_idx);
    int assigned = sub != NULL ? sub->seats_assigned : 0;
    if (n < assigned && (pl == NULL || assigned >= pl->seats_min)) {
        char buf[256];
        summary_refusal_text(buf, sizeof buf, app, BC_SEATS_BELOW_ASSIGNED, n);
        ui_status(app, true, "%s", buf);
        n = assigned;
    } else if (pl != NULL && n < pl->seats_min) {
        ui_status(app, true, _("This plan needs at least %d seats."), pl->seats_min);
        n = pl->seats_min;
    } else if (pl != NULL && n > pl->seats_max) {
        ui_status(app, true, _("This plan allows at most %d seats."), pl->seats_max);
        n = pl->seats_max;
    }
    if (n != M->seats) {
        M->seats = n;
        M->seats_moved_from = 0;
        modify_requote(app, M);
    }
}

static void modify_commit_typing(struct ui_app *app, struct modify_state *M)
{
    if (!M->seats_typing)
        return;
    M->seats_typing = false;
    if (M->seats_field.text[0] == '\0')
        return;
    int n = 0;
    for (const char *p = M->seats_field.text; *p != '\0' && n < 1000000; p++)
        n = n * 10 + (*p - '0');
    modify_set_seats(app, M, n);
}

static void modify_pick_tier(struct ui_app *app, struct modify_state *M)
{
    bool lower = M->tiers.sel < M->cur_idx;
    if (lower && !billing_may_downgrade(app->b)
        && M->prod->downgrade != CATALOG_DOWNGRADE_END_OF_TERM) {
        /* The box shows Customer Care's contacts; the status line says why. */
        ui_status_code(app, BC_DOWNGRADE_REQUIRES_SUPPORT);
        return;
    }
    M->plan_idx = M->tiers.sel;
    M->tiers_open = false;
    const struct catalog_plan *pl = modify_plan(M, M->plan_idx);
    int was = M->seats;
    M->seats_moved_from = 0;
    if (pl != NULL && M->seats > pl->seats_max)
        M->seats = pl->seats_max;
    if (pl != NULL && M->seats < pl->seats_min)
        M->seats = pl->seats_min;
    /* Never silently: the plan's bounds moved the seats. */
    const struct store_subscription *sub = ui_sub(app);
    if (lower && !billing_may_downgrade(app->b) && sub != NULL && M->seats == was) {
        char day[16];
        fmt_date(day, sizeof day, sub->period_end);
        ui_status(app, false, _("%s takes effect at the next renewal, on %s."),
                  pl != NULL ? pl->name : "", day);
    }
    if (pl != NULL && M->seats != was) {
        M->seats_moved_from = was;
        if (M->seats > was)
            ui_status(app, false, _("%s starts at %d seats: seats raised from %d to %d."),
                      pl->name, pl->seats_min, was, M->seats);
        else
            ui_status(app, false, _("%s allows at most %d seats: seats lowered from %d to %d."),
                      pl->name, pl->seats_max, was, M->seats);
    }
    modify_requote(app, M);
}

/* Schedules the chosen change for the renewal (billing_subscription_schedule)
 * and returns to the account with what was scheduled on the status line. */
static void modify_schedule(struct ui_app *app, struct modify_state *M)
{
    const struct store_subscription *sub = ui_sub(app);
    if (sub == NULL)
        return;
    if (M->sprc != BC_OK) {
        ui_status_code(app, M->sprc);
        return;
    }
    char buf[512], what[256], day[16];
    if (M->sp.refusal != BC_OK) {
        summary_refusal_text(buf, sizeof buf, app, M->sp.refusal, M->seats);
        ui_status(app, true, "%s", buf);
        return;
    }
    struct billing_change ch;
    modify_change(app, M, &ch);
    struct renewal_terms to = {.seats = ch.to_seats, .period = ch.to_period};
    snprintf(to.plan, sizeof to.plan, "%s", ch.to_plan);
    enum bc_status rc = billing_subscription_schedule(app->b, app->va.acct.id, sub->id, &to);
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        return;
    }
    summary_change_text(what, sizeof what, app, sub->product, sub->plan, ch.to_plan, sub->seats,
                        ch.to_seats, sub->period, ch.to_period, false);
    fmt_date(day, sizeof day, sub->period_end);
    snprintf(buf, sizeof buf, _("Scheduled for the renewal on %s: %s"),
             day, what);
    app->edit_valid = false;
    ui_load_account(app, app->va.acct.id);
    ui_go_back(app);
    ui_status(app, false, "%s", buf);
}

static void modify_primary(struct ui_app *app, struct modify_state *M, bool to_cart)
{
    if (M->schedule) {
        modify_schedule(app, M);
        return;
    }
    if (M->qrc != BC_OK) {
        ui_status_code(app, M->qrc);
        return;
    }
    if (M->q.refusal != BC_OK) {
        char buf[512];
        summary_refusal_text(buf, sizeof buf, app, M->q.refusal, M->seats);
        ui_status(app, true, "%s", buf);
        return;
    }
    struct billing_change ch;
    modify_change(app, M, &ch);
    if (to_cart) {
        enum bc_status rc = billing_cart_put(app->b, app->va.acct.id, &ch);
        if (rc != BC_OK) {
            ui_status_code(app, rc);
            return;
        }
        bool replaced = M->in_cart;
        app->edit_valid = false;
        ui_load_account(app, app->va.acct.id);
        ui_go_back(app);
        ui_go(app, "cart", 0);
        ui_status(app, false, "%s", replaced ? _("Cart item updated.") : _("Added to the cart."));
        return;
    }
    memset(&app->co, 0, sizeof app->co);
    app->co.serial = ++app->checkouts;
    app->co.is_cart = false;
    app->co.change = ch;
    billing_new_key(app->co.key);
    ui_go(app, "review", 0);
}

static unsigned modify_tier_action(struct ui_app *app, struct modify_state *M,
                                   enum ui_action act)
{
    switch (act) {
    case ACT_UP:
    case ACT_DOWN:
        return ui_list_key(&M->tiers, act);
    case ACT_TAB:
        return ui_list_key(&M->tiers, ACT_DOWN);
    case ACT_ENTER:
    case ACT_TOGGLE:
        modify_pick_tier(app, M);
        return UI_DONE;
    case ACT_BACK:
    case ACT_EDIT:
        M->tiers_open = false;
        return UI_DONE;
    case ACT_HELP:
        return UI_IGNORED;
    default:
        return UI_HANDLED;
    }
}

/* Opens the list of plans on the chosen one. */
static void modify_open_tiers(struct modify_state *M)
{
    M->tiers_open = true;
    ui_list_set_count(&M->tiers, M->prod != NULL ? M->prod->nplans : 0);
    ui_list_select(&M->tiers, M->plan_idx);
}

/* Whether focus f is offered now. */
static bool modify_focus_ok(const struct ui_app *app, const struct modify_state *M,
                            enum modify_focus f)
{
    switch (f) {
    case MOD_PLAN:
    case MOD_SEATS:
    case MOD_PERIOD:
        return true;
    case MOD_WHEN:
        return modify_can_schedule(app, M);
    case MOD_ACTION:
        return !M->view_only;
    case MOD_CART:
        return !M->view_only && app->va.cart_count == 0 && !M->schedule;
    default:
        return false;
    }
}

/* The next (step 1) or previous (step -1) focus offered, round. */
static enum modify_focus modify_focus_step(const struct ui_app *app, const struct modify_state *M,
                                           int step)
{
    int f = (int)M->focus;
    for (int i = 0; i < MOD_FOCUS_COUNT; i++) {
        f = (f + step + MOD_FOCUS_COUNT) % MOD_FOCUS_COUNT;
        if (modify_focus_ok(app, M, (enum modify_focus)f))
            return (enum modify_focus)f;
    }
    return M->focus;
}

/* Schedule for the next renewal, or today; a billing contact's lower tier
 * stays scheduled. */
static void modify_toggle_when(struct ui_app *app, struct modify_state *M)
{
    if (M->schedule && modify_schedule_only(app, M)) {
        ui_status(app, true, "%s",
                  _("A lower plan takes effect at the next renewal: it cannot be ordered today."));
        return;
    }
    M->schedule = !M->schedule;
    modify_requote(app, M);
}

static unsigned modify_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct modify_state *M = st;
    if (M->tiers_open)
        return modify_tier_action(app, M, act);
    if (M->seats_typing && act == ACT_ERASE) {
        field_erase(&M->seats_field);
        return UI_DONE;
    }
    if (modify_in_seats(M) && act == ACT_CLEAR) {
        /* Ctrl-U empties the Seats field for a new number. */
        M->seats_typing = true;
        field_clear(&M->seats_field);
        return UI_DONE;
    }
    if (M->seats_typing && act != ACT_HELP)
        modify_commit_typing(app, M);
    switch (act) {
    case ACT_UP:
    case ACT_BACKTAB:
        M->focus = modify_focus_step(app, M, -1);
        return UI_DONE;
    case ACT_DOWN:
    case ACT_TAB:
        M->focus = modify_focus_step(app, M, 1);
        return UI_DONE;
    case ACT_EDIT:
        M->focus = MOD_PLAN;
        modify_open_tiers(M);
        return UI_DONE;
    case ACT_PLUS:
        modify_set_seats(app, M, M->seats + 1);
        return UI_DONE;
    case ACT_MINUS:
        modify_set_seats(app, M, M->seats - 1);
        return UI_DONE;
    case ACT_LEFT:
    case ACT_RIGHT:
        if (M->focus == MOD_ACTION && modify_focus_ok(app, M, MOD_CART)) {
            M->focus = MOD_CART;
            return UI_DONE;
        }
        if (M->focus == MOD_CART) {
            M->focus = MOD_ACTION;
            return UI_DONE;
        }
        /* fall through */
    case ACT_TOGGLE:
        if (M->focus == MOD_SEATS) {
            modify_set_seats(app, M, M->seats + (act == ACT_LEFT ? -1 : 1));
        } else if (M->focus == MOD_PERIOD) {
            M->period = M->period == BC_PERIOD_MONTHLY ? BC_PERIOD_ANNUAL : BC_PERIOD_MONTHLY;
            modify_requote(app, M);
        } else if (M->focus == MOD_WHEN) {
            modify_toggle_when(app, M);
        }
        return UI_DONE;
    case ACT_ENTER:
        switch (M->focus) {
        case MOD_PLAN:
            modify_open_tiers(M);
            break;
        case MOD_SEATS:
            M->focus = MOD_PERIOD;
            break;
        case MOD_PERIOD:
            M->focus = M->view_only ? MOD_PLAN
                     : modify_focus_ok(app, M, MOD_WHEN) ? MOD_WHEN : MOD_ACTION;
            break;
        case MOD_WHEN:
            modify_toggle_when(app, M);
            break;
        case MOD_CART:
            modify_primary(app, M, true);
            break;
        default:
            modify_primary(app, M, app->va.cart_count > 0);
            break;
        }
        return UI_DONE;
    case ACT_BACK:
        app->edit_valid = false;
        ui_go_back(app);
        return UI_DONE;
    default:
        return UI_IGNORED;
    }
}

static unsigned modify_text(struct ui_app *app, void *st, wint_t ch)
{
    struct modify_state *M = st;
    if (!modify_in_seats(M))
        return UI_IGNORED;
    if (ch == '+' || ch == '-')
        return UI_IGNORED;    /* the seat keys */
    if (ch < '0' || ch > '9') {
        /* Never a command from the field: c, a, q... are refused here. */
        ui_status(app, true, "%s", _("Seats take digits only: type a number, or use + and -."));
        return UI_DONE;
    }
    if (!M->seats_typing) {
        M->seats_typing = true;
        field_clear(&M->seats_field);
    }
    field_put(&M->seats_field, ch);
    return UI_DONE;
}

/* On the Seats field only ? acts (q, c... are refused as text there). */
static unsigned modify_live(struct ui_app *app, void *st)
{
    (void)app;
    return modify_in_seats(st) ? KEYS_LIVE_HELP : KEYS_LIVE_ALL;
}

/* Choices that differ from the subscription would be lost by quitting
 * (not for who may only look: they have nothing to lose). */
static bool modify_busy(struct ui_app *app, void *st)
{
    const struct modify_state *M = st;
    const struct store_subscription *sub = ui_sub(app);
    if (sub == NULL || M->prod == NULL || M->view_only)
        return false;
    return M->plan_idx != M->cur_idx || M->seats != sub->seats || M->period != sub->period
        || (M->seats_typing && M->seats_field.text[0] != '\0');
}

static const enum ui_action *modify_footer(struct ui_app *app, void *st)
{
    const struct modify_state *M = st;
    static const enum ui_action tiers[] = {ACT_UP, ACT_ENTER, ACT_BACK, ACT_NONE};
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_EDIT, ACT_PLUS, ACT_LEFT,
                                          ACT_BACK, ACT_NONE};
    static const enum ui_action seats[] = {ACT_TAB, ACT_ENTER, ACT_PLUS, ACT_LEFT, ACT_BACK,
                                           ACT_NONE};
    static const enum ui_action typing[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    (void)app;
    if (modify_in_seats(M))
        return M->seats_typing ? typing : seats;
    return M->tiers_open ? tiers : acts;
}

static const char *modify_title(struct ui_app *app, void *st)
{
    (void)st;
    const struct store_subscription *sub = ui_sub(app);
    /* A trial that ended or a canceled subscription: a new period from today. */
    return sub != NULL && (sub->status == STORE_SUB_TRIAL_ENDED || sub->status == STORE_SUB_CANCELED)
               ? _("Subscribe now") : _("Modify subscription");
}

/* The '?' help: how the screen moves, with what lower plans are for the
 * one looking (SPEC §3, §8): an operator orders them, a billing contact
 * schedules them where the product says `downgrade: end_of_term` and asks
 * Customer Care elsewhere, someone who may not change the account only
 * looks. Each one paragraph, short enough for the 80x24 overlay with the
 * operator's extra line. */
static const char *const modify_help[] = {
    N_("Tab or Up/Down moves between Plan, Seats, Billing and the action. "
       "Edit (e, or Enter on Plan) lists the plans in rank order with their "
       "features and prices. Lower plans are ordered today or scheduled for "
       "the next renewal. Seats: + and - or Left/Right, or type a number. "
       "Billing: Space or Left/Right switches Monthly and Annual. The Order "
       "Summary is re-quoted on every change; Enter on the action completes "
       "the transaction, or adds the change to the cart."),
    NULL,
};

static const char *const modify_help_end_of_term[] = {
    N_("Tab or Up/Down moves between Plan, Seats, Billing and the action. "
       "Edit (e, or Enter on Plan) lists the plans in rank order with their "
       "features and prices. A lower plan takes effect at the next renewal. "
       "Seats: + and - or Left/Right, or type a number. Billing: Space or "
       "Left/Right switches Monthly and Annual. The Order Summary is "
       "re-quoted on every change; Enter on the action completes the "
       "transaction, or adds the change to the cart."),
    N_("Fewer seats or another billing frequency may also wait for the next "
       "renewal: nothing is charged today."),
    NULL,
};

static const char *const modify_help_support[] = {
    N_("Tab or Up/Down moves between Plan, Seats, Billing and the action. "
       "Edit (e, or Enter on Plan) lists the plans in rank order with their "
       "features and prices. Lower plans are shown but ordered by Customer "
       "Care. Seats: + and - or Left/Right, or type a number. Billing: Space "
       "or Left/Right switches Monthly and Annual. The Order Summary is "
       "re-quoted on every change; Enter on the action completes the "
       "transaction, or adds the change to the cart."),
    N_("Fewer seats or another billing frequency may also wait for the next "
       "renewal: nothing is charged today."),
    NULL,
};

static const char *const modify_help_view_only[] = {
    N_("Tab or Up/Down moves between Plan, Seats and Billing; Edit (e, or "
       "Enter on Plan) lists the plans in rank order with their features and "
       "prices. The Order Summary shows what a change would cost; the screen "
       "says who may make it."),
    NULL,
};

static const char *const *modify_help_now(struct ui_app *app, void *st)
{
    const struct modify_state *M = st;
    if (M->view_only)
        return modify_help_view_only;
    if (billing_may_downgrade(app->b))
        return modify_help;
    if (M->prod != NULL && M->prod->downgrade == CATALOG_DOWNGRADE_END_OF_TERM)
        return modify_help_end_of_term;
    return modify_help_support;
}

const struct ui_screen scr_modify = {
    .route = "modify",
    .title = N_("Modify subscription"),
    .private_size = sizeof(struct modify_state),
    .enter = modify_enter,
    .draw = modify_draw,
    .action = modify_action,
    .text = modify_text,
    .live = modify_live,
    .busy = modify_busy,
    .footer = modify_footer,
    .help = modify_help,
    .help_now = modify_help_now,
    .title_now = modify_title,
};
