/* scr_home.c — "Subscriptions": the account home. Header with the account's
 * name, id, currency, credit balance, billing contact, VAT number and cart
 * count; two rows per product subscription; Enter opens the product's
 * options menu (Modify subscription / Subscribe now, Manage seats, Order
 * history). */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "lifecycle.h"
#include "list.h"
#include "substate.h"

/* The options of a product, then the account's; those after Order history
 * only when they apply (SPEC §8). */
enum home_option { HOME_OPT_MODIFY, HOME_OPT_SEATS, HOME_OPT_HISTORY, HOME_OPT_CANCEL,
                   HOME_OPT_REACTIVATE, HOME_OPT_PAY, HOME_OPT_UNSCHEDULE, HOME_OPT_INVOICES,
                   HOME_OPT_BILLING_INFO, HOME_OPT_PAYMENT_METHOD, HOME_OPT_COUNT };

struct home_state {
    bool menu_open;
    struct ui_list menu;      /* the options shown, opts[] order */
    int opts[HOME_OPT_COUNT]; /* enum home_option of each row of the menu */
    int nopts;
    struct ui_list subs;      /* its selection is app->sub_sel */
};

/* SPEC §8 Add product: a last row after the subscriptions while the
 * catalog has a product the account lacks; selected when app->sub_sel is
 * the subscriptions' count. */
static bool home_add_offered(const struct ui_app *app)
{
    const struct catalog *c = app->b->catalog;
    for (size_t i = 0; app->have_account && c != NULL && i < c->nproducts; i++) {
        bool has = false;
        for (size_t k = 0; k < app->va.subs.n && !has; k++)
            has = strcmp(app->va.subs.items[k].product, c->products[i].id) == 0;
        if (!has)
            return true;
    }
    return false;
}
static size_t home_rows(const struct ui_app *app)
{
    return app->va.subs.n + (home_add_offered(app) ? 1 : 0);
}
static bool home_on_add(const struct ui_app *app)
{
    return app->sub_sel == app->va.subs.n && home_add_offered(app);
}
/* Subscribe now (SPEC §8): a trial that ended, or a canceled
 * subscription — a new subscription whose period starts today. */
static bool home_subscribe_now(const struct store_subscription *s)
{
    return s != NULL && (s->status == STORE_SUB_TRIAL_ENDED || s->status == STORE_SUB_CANCELED);
}

static const char *home_option_label(const struct ui_app *app, int opt)
{
    switch (opt) {
    case HOME_OPT_MODIFY:
        return home_subscribe_now(ui_sub(app)) ? _("Subscribe now") : _("Modify subscription");
    case HOME_OPT_SEATS:
        return _("Manage seats");
    case HOME_OPT_INVOICES:
        return _("Invoices");
    case HOME_OPT_BILLING_INFO:
        return _("Billing information");
    case HOME_OPT_PAYMENT_METHOD:
        return _("Payment method");
    case HOME_OPT_CANCEL:
        return _("Cancel subscription");
    case HOME_OPT_REACTIVATE:
        return _("Reactivate");
    case HOME_OPT_PAY:
        return _("Pay now");
    case HOME_OPT_UNSCHEDULE:
        return _("Cancel scheduled change");
    default:
        return _("Order history");
    }
}

/* The options that apply to the subscription s, in menu order, then the
 * account's own (the only ones without a product: s NULL). */
static int home_options(const struct store_subscription *s, int opts[HOME_OPT_COUNT])
{
    int n = 0;
    bool overdue = s != NULL && (s->status == STORE_SUB_PAST_DUE ||
                                 s->status == STORE_SUB_SUSPENDED);
    if (s == NULL)
        goto account;
    /* An unpaid renewal comes first: changes wait for it (payment_overdue). */
    if (overdue)
        opts[n++] = HOME_OPT_PAY;
    opts[n++] = HOME_OPT_MODIFY;
    opts[n++] = HOME_OPT_SEATS;
    opts[n++] = HOME_OPT_HISTORY;
    if (ui_sub_pending_cancel(s))
        opts[n++] = HOME_OPT_REACTIVATE;
    else if (overdue || ((s->status == STORE_SUB_ACTIVE || s->status == STORE_SUB_TRIAL)
                         && !s->auto_renew_off))
        opts[n++] = HOME_OPT_CANCEL;
    if (s->sched_plan != NULL)
        opts[n++] = HOME_OPT_UNSCHEDULE;
account:
    opts[n++] = HOME_OPT_INVOICES;
    opts[n++] = HOME_OPT_BILLING_INFO;
    opts[n++] = HOME_OPT_PAYMENT_METHOD;
    return n;
}

static void home_enter(struct ui_app *app, void *st)
{
    struct home_state *H = st;
    H->menu_open = false;
    if (app->have_account) {
        enum bc_status rc = ui_load_account(app, app->va.acct.id);
        if (rc != BC_OK)
            ui_status_code(app, rc);
    }
}

/* After a lifecycle action: the account read again and the outcome said. */
static void home_after(struct ui_app *app, int64_t sub_id, enum bc_status rc, const char *done)
{
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        return;
    }
    enum bc_status lr = ui_load_account(app, app->va.acct.id);
    if (lr != BC_OK) {
        ui_status_code(app, lr);
        return;
    }
    const struct store_subscription *s = ui_sub(app);
    if (s == NULL || s->id != sub_id)
        return;
    char state[256];
    if (done != NULL)
        snprintf(state, sizeof state, "%s", done);
    else
        ui_sub_state_text(s, state, sizeof state, NULL);
    ui_status(app, false, "%s: %s", ui_product_name(app, s->product), state);
}

static void home_yes_cancel(struct ui_app *app, void *st)
{
    (void)st;
    const struct store_subscription *s = ui_sub(app);
    if (s == NULL)
        return;
    int64_t id = s->id;
    home_after(app, id, billing_subscription_cancel(app->b, app->va.acct.id, id), NULL);
}

static void home_yes_unschedule(struct ui_app *app, void *st)
{
    (void)st;
    const struct store_subscription *s = ui_sub(app);
    if (s == NULL)
        return;
    int64_t id = s->id;
    home_after(app, id, billing_subscription_unschedule(app->b, app->va.acct.id, id),
               _("scheduled change canceled."));
}

/* Cancel subscription, asked first: what it does in words (SPEC §8). */
static void home_ask_cancel(struct ui_app *app, const struct store_subscription *s)
{
    char q[256], d[32];
    const char *name = ui_product_name(app, s->product);
    fmt_date(d, sizeof d, s->period_end);
    if (s->status == STORE_SUB_PAST_DUE || s->status == STORE_SUB_SUSPENDED)
        snprintf(q, sizeof q, _("Cancel %s now? The unpaid renewal is not charged. y/n"), name);
    else
        /* TRANSLATORS: %s are the product and the day its period ends (P1). */
        snprintf(q, sizeof q,
                 _("Cancel %s? It stays active until the end of its period (%s); "
                   "nothing is refunded. y/n"), name, d);
    ui_ask(app, q, home_yes_cancel);
}

static void home_ask_unschedule(struct ui_app *app, const struct store_subscription *s)
{
    char q[256], what[192];
    ui_sub_scheduled_text(app, s, what, sizeof what);
    snprintf(q, sizeof q, _("Cancel the scheduled change (%s)? y/n"), what);
    ui_ask(app, q, home_yes_unschedule);
}

static void home_open_option(struct ui_app *app, struct home_state *H, int opt)
{
    H->menu_open = false;
    if (opt == HOME_OPT_INVOICES) {
        /* The account's, with or without subscriptions. */
        ui_go(app, "invoices", 0);
        return;
    }
    if (opt == HOME_OPT_BILLING_INFO || opt == HOME_OPT_PAYMENT_METHOD) {
        ui_go(app, opt == HOME_OPT_BILLING_INFO ? "billing_info" : "payment_method", 0);
        return;
    }
    const struct store_subscription *s = ui_sub(app);
    if (s == NULL)
        return;
    switch (opt) {
    case HOME_OPT_CANCEL:
        if (ui_may_change(app))
            home_ask_cancel(app, s);
        return;
    case HOME_OPT_REACTIVATE:
        if (ui_may_change(app)) {
            int64_t id = s->id;
            char done[128], d[32];
            fmt_date(d, sizeof d, s->period_end);
            /* TRANSLATORS: %s is the day of its next renewal. */
            snprintf(done, sizeof done, _("reactivated; next renewal: %s"), d);
            home_after(app, id, billing_subscription_reactivate(app->b, app->va.acct.id, id),
                       done);
        }
        return;
    case HOME_OPT_PAY:
        if (ui_may_change(app))
            ui_go(app, "paynow", s->id);
        return;
    case HOME_OPT_UNSCHEDULE:
        if (ui_may_change(app))
            home_ask_unschedule(app, s);
        return;
    default:
        break;
    }
    switch (opt) {
    case HOME_OPT_MODIFY:
        /* Who may not change the account still sees the plans and prices
         * (read-only, with who can change it). */
        if (!app->edit_valid || app->edit.subscription_id != ui_sub(app)->id)
            app->edit_valid = false;
        ui_go(app, "modify", 0);
        break;
    case HOME_OPT_SEATS:
        ui_go(app, "seats", 0);
        break;
    default:
        ui_go(app, "history", 0);
        break;
    }
}

/* Draws the header from row y; returns the rows it took (3, or 3 and the
 * lines of the notice saying why the account cannot be changed here). */
static int home_header(struct ui_app *app, int y)
{
    const struct store_account *a = &app->va.acct;
    char buf[1024], money[64];
    int w = COLS - 4;
    /* The name comes first in both languages; a long one is cut so that the
     * account id and currency after it always show. */
    char suffix[128];
    snprintf(suffix, sizeof suffix, _("%s  (account %lld, %s)"), "", (long long)a->id,
             a->currency);
    char cart[128];
    snprintf(cart, sizeof cart, ngettext("Cart: %zu item", "Cart: %zu items", app->va.cart_count),
             app->va.cart_count);
    int cw = draw_width(cart);
    int room = w - cw - 2;
    int nw = draw_text(y, 2, room - draw_width(suffix), a->name ? a->name : "", A_BOLD);
    draw_text(y, 2 + nw, room - nw, suffix, A_BOLD);
    draw_text_right(y, 2, w, cart, app->va.cart_count ? A_BOLD : A_NORMAL);

    fmt_money(money, sizeof money, a->balance, a->currency);
    snprintf(buf, sizeof buf, "%s: %s", _("Credit balance"), money);
    draw_text(y + 1, 2, 38, buf, A_NORMAL);
    snprintf(buf, sizeof buf, "%s: %s", _("VAT number"),
             a->vat_number && a->vat_number[0] ? a->vat_number : C_("VAT number", "none"));
    draw_text(y + 1, 42, COLS - 44, buf, A_NORMAL);

    if (app->billing_name[0] != '\0')
        snprintf(buf, sizeof buf, "%s: %s <%s>", _("Billing contact"), app->billing_name,
                 app->billing_email);
    else
        snprintf(buf, sizeof buf, "%s: %s", _("Billing contact"), _("none"));
    draw_text(y + 2, 2, w, buf, A_NORMAL);

    if (app->va.rights.may_change == BC_NOT_BILLING_CONTACT)
        snprintf(buf, sizeof buf, _("View only: changes are made by the billing contact, %s <%s>."),
                 app->billing_name, app->billing_email);
    else if (app->va.rights.may_change != BC_OK)
        snprintf(buf, sizeof buf, "%s", _(bc_status_message(app->va.rights.may_change)));
    else
        buf[0] = '\0';
    if (buf[0] == '\0')
        return 3;
    return 3 + draw_wrap(y + 3, 2, w, 2, buf, term_attr(TERM_ERROR));
}

/* "on DATE" for a sentence: Italian elides the article before a day said
 * with a vowel (l'1, l'8, l'11: uno, otto, undici), "il" before the others. */
static void home_date_on(char *buf, size_t size, bc_day day)
{
    char d[32];
    fmt_date(d, sizeof d, day);
    int dd = 0;
    for (const char *p = d; *p >= '0' && *p <= '9' && p < d + 2; p++)
        dd = dd * 10 + (*p - '0');
    bool vowel = dd == 1 || dd == 8 || dd == 11;
    if (vowel)
        snprintf(buf, size, C_("date after a vowel sound", "on %s"), d);
    else
        snprintf(buf, size, C_("date", "on %s"), d);
}

/* The price per seat a row shows: a trial's is the plan's price once the
 * trial is over (nothing is billed during it). */
static void home_seat_price(const struct ui_app *app, const struct store_subscription *s,
                            char *buf, size_t size)
{
    int64_t price = s->price;
    bool trial = s->status == STORE_SUB_TRIAL || s->status == STORE_SUB_TRIAL_ENDED;
    if (trial && price == 0) {
        const struct catalog_plan *pl =
            catalog_plan(catalog_product(app->b->catalog, s->product), s->plan);
        if (pl == NULL
            || !catalog_price(app->b->catalog, pl, app->va.acct.currency, s->period, &price)) {
            snprintf(buf, size, "%s", _("free trial"));
            return;
        }
    }
    fmt_money(buf, size, price, app->va.acct.currency);
}

/* What the next renewal of the renewing subscription s (row i) does: the
 * scheduled change and its day, else "Next renewal: DATE"; then the
 * renewal's estimated total as the core figured it when the account was
 * loaded (catalog price today, VAT, before the balance; SPEC §8). */
static void home_renewal_text(const struct ui_app *app, const struct store_subscription *s,
                              size_t i, char *buf, size_t size)
{
    char d[32], money[64] = "", what[256];
    const struct billing_renewal_estimate *e =
        app->va.renewals != NULL ? &app->va.renewals[i] : NULL;
    if (e != NULL && e->renews)
        fmt_money(money, sizeof money, e->total, app->va.acct.currency);
    ui_sub_scheduled_text(app, s, what, sizeof what);
    fmt_date(d, sizeof d, s->period_end);
    if (what[0] != '\0' && money[0] != '\0')
        /* TRANSLATORS: the scheduled change with its day ("Lite from
         * 2026-12-13"), then the renewal's estimated total. */
        snprintf(buf, size, _("%s, est. %s"), what, money);
    else if (what[0] != '\0')
        snprintf(buf, size, "%s", what);
    else if (money[0] != '\0')
        /* TRANSLATORS: the next renewal's day and its estimated total
         * (catalog price today with VAT, before the credit balance). */
        snprintf(buf, size, _("Next renewal: %s, est. %s"), d, money);
    else if (s->status == STORE_SUB_ACTIVE)
        snprintf(buf, size, "%s: %s", _("Next renewal"), d);
    else
        buf[0] = '\0';
}

static void home_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct home_state *H = st;
    if (!app->have_account)
        return;
    /* The table starts two rows below the header, and always one blank row
     * below a notice however many lines it wraps to. */
    int used = home_header(app, top);
    int y = top + (used > 4 ? used + 1 : 5);
    attr_t h = term_attr(TERM_HEADING);
    const int cprod = 4, cplan = 21, cseats = 38, cfreq = 50, cprice = COLS - 17;
    draw_text(y, cprod, cplan - cprod - 1, _("Product"), h);
    draw_text(y, cplan, cseats - cplan - 1, _("Plan"), h);
    draw_text(y, cseats, cfreq - cseats - 1, _("Seats"), h);
    draw_text(y, cfreq, cprice - cfreq - 1, _("Billing"), h);
    draw_text_right(y, cprice, 14, _("Per seat"), h);
    y++;
    if (app->va.subs.n == 0) {
        draw_text(y + 1, 4, COLS - 8, _("This account has no subscriptions."), A_NORMAL);
        y += 3;
    }
    ui_list_set_count(&H->subs, home_rows(app));
    ui_list_select(&H->subs, app->sub_sel);
    ui_list_layout(&H->subs, (size_t)(bottom - y) / 2);
    int menu_y = -1;
    for (size_t i = H->subs.top; i < app->va.subs.n && y + 1 < bottom; i++, y += 2) {
        const struct store_subscription *s = &app->va.subs.items[i];
        bool cur = i == app->sub_sel;
        if (cur)
            menu_y = y + 2;
        /* The cursor and the product name mark the current subscription;
         * its other columns and its second line stay as they are, so a
         * move rewrites a few cells instead of four whole rows. */
        attr_t mark = draw_list_mark(y, 2, cur, true, A_BOLD);
        char buf[384], money[64], r1[64], r2[32];   /* room for "   " r1 "   " tail */
        draw_text(y, cprod, cplan - cprod - 1, ui_product_name(app, s->product), mark);
        draw_text(y, cplan, cseats - cplan - 1, ui_plan_name(app, s->product, s->plan), A_NORMAL);
        snprintf(buf, sizeof buf, "%d/%d", s->seats_assigned, s->seats);
        draw_text(y, cseats, cfreq - cseats - 1, buf, A_NORMAL);
        draw_text(y, cfreq, cprice - cfreq - 1, ui_period_label(s->period), A_NORMAL);
        home_seat_price(app, s, money, sizeof money);
        draw_text_right(y, cprice, 14, money, A_NORMAL);

        fmt_range(r1, sizeof r1, s->period_start, s->period_end);
        fmt_date(r2, sizeof r2, s->period_end);
        if (s->status == STORE_SUB_TRIAL_ENDED) {
            char on[64];
            home_date_on(on, sizeof on, s->period_end);
            /* TRANSLATORS: %s is "on DATE" (the date with its preposition). */
            snprintf(buf, sizeof buf, _("Trial ended %s: Subscribe now to continue"), on);
            draw_text(y + 1, cprod, COLS - cprod - 2, buf, A_NORMAL);
            continue;
        }
        /* The state in words first (suspended also in red), then the
         * period, then what the next renewal does and its estimate. */
        char state[256], tail[256] = "";
        attr_t sa;
        ui_sub_state_text(s, state, sizeof state, &sa);
        bool renews = (s->status == STORE_SUB_ACTIVE || s->status == STORE_SUB_TRIAL)
                      && !s->auto_renew_off;
        if (renews)
            home_renewal_text(app, s, i, tail, sizeof tail);
        if (s->status == STORE_SUB_CANCELED)
            snprintf(tail, sizeof tail, "%s", _("Subscribe now"));
        int x = cprod, w = COLS - cprod - 2;
        int sw = draw_text(y + 1, x, w, state, sa);
        snprintf(buf, sizeof buf, "   %s%s%s", r1, tail[0] ? "   " : "", tail);
        /* The period repeats the renewal's day: it goes first when the
         * line would not hold the next renewal whole. */
        if (tail[0] != '\0' && sw + draw_width(buf) > w)
            snprintf(buf, sizeof buf, "   %s", tail);
        if (sw < w)
            draw_text(y + 1, x + sw, w - sw, buf, A_NORMAL);
    }
    if (home_add_offered(app) && y < bottom) {
        char add[128];
        snprintf(add, sizeof add, "+ %s", _("Add product"));
        attr_t mark = draw_list_mark(y, 2, home_on_add(app), true, A_NORMAL);
        draw_text(y, cprod, COLS - cprod - 2, add, mark);
        if (home_on_add(app))
            menu_y = y + 1;   /* the account's own options (o) */
    }

    if (H->menu_open && menu_y > 0) {
        int mw = 34, mh = H->nopts + 2;
        if (menu_y + mh > bottom)
            menu_y = bottom - mh;
        int mx = cplan;
        for (int r = 0; r < mh; r++)
            draw_fill(menu_y + r, mx, mw, A_NORMAL);
        draw_box(menu_y, mx, mh, mw);
        for (int o = 0; o < H->nopts; o++) {
            attr_t at = draw_list_mark(menu_y + 1 + o, mx + 1, (size_t)o == H->menu.sel, true, A_NORMAL);
            draw_text(menu_y + 1 + o, mx + 3, mw - 5, home_option_label(app, H->opts[o]), at);
        }
    }
}

static void home_yes_sign_out(struct ui_app *app, void *st)
{
    (void)st;
    ui_sign_out(app);
}

static unsigned home_keys(struct ui_app *app, struct home_state *H, enum ui_action act)
{
    unsigned r;
    if (H->menu_open) {
        switch (act) {
        case ACT_UP:
        case ACT_DOWN:
            return ui_list_key(&H->menu, act);
        case ACT_TAB:
            return ui_list_key(&H->menu, ACT_DOWN);
        case ACT_ENTER:
            if (H->menu.sel < (size_t)H->nopts)
                home_open_option(app, H, H->opts[H->menu.sel]);
            return UI_DONE;
        case ACT_BACK:
            H->menu_open = false;
            return UI_DONE;
        case ACT_HELP:
            return UI_IGNORED;    /* the menu's help; the menu stays open */
        default:
            H->menu_open = false;
            break;   /* fall through to the screen's own keys */
        }
    }
    switch (act) {
    case ACT_ENTER:
    case ACT_OPTIONS:
        /* Enter on Add product adds one; o there (or on an account with
         * nothing to add) opens the account's own options. */
        if (act == ACT_ENTER && home_on_add(app)) {
            ui_go(app, "addproduct", 0);
            return UI_DONE;
        }
        H->menu_open = true;
        H->nopts = home_options(ui_sub(app), H->opts);
        H->menu = (struct ui_list){.n = (size_t)H->nopts, .rows = (size_t)H->nopts,
                                   .wrap = true};
        return UI_DONE;
    case ACT_EDIT:
        home_open_option(app, H, HOME_OPT_MODIFY);
        return UI_DONE;
    case ACT_SEATS:
    case ACT_MANAGE:
        home_open_option(app, H, HOME_OPT_SEATS);
        return UI_DONE;
    case ACT_HISTORY:
        home_open_option(app, H, HOME_OPT_HISTORY);
        return UI_DONE;
    case ACT_INVOICES:
        home_open_option(app, H, HOME_OPT_INVOICES);
        return UI_DONE;
    case ACT_BACK:
        /* Operators go back to the search; a kiosk contact signs out. */
        if (ui_can_go_back(app))
            ui_go_back(app);
        else if (app->kiosk)
            ui_ask(app, _("Sign out? y/n"), home_yes_sign_out);
        return UI_DONE;
    default:
        ui_list_set_count(&H->subs, home_rows(app));
        ui_list_select(&H->subs, app->sub_sel);
        r = ui_list_key(&H->subs, act);
        app->sub_sel = H->subs.sel;
        return r;
    }
}

static unsigned home_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct home_state *H = st;
    bool menu = H->menu_open;
    unsigned r = home_keys(app, H, act);
    /* A key that closed the menu changed the screen, whoever handles it. */
    return menu && !H->menu_open ? r | UI_REDRAW : r;
}

static const enum ui_action *home_footer(struct ui_app *app, void *st)
{
    const struct home_state *H = st;
    static const enum ui_action menu[] = {ACT_UP, ACT_ENTER, ACT_BACK, ACT_NONE};
    /* Move comes after the screen's own keys: where the footer is short
     * (Italian at 80 columns) the arrows are the ones left out. */
    static const enum ui_action acts[] = {ACT_ENTER, ACT_EDIT, ACT_SEATS, ACT_HISTORY, ACT_UP,
                                          ACT_CART, ACT_NONE};
    static const enum ui_action kiosk[] = {ACT_UP, ACT_ENTER, ACT_SIGNOUT, ACT_EDIT, ACT_SEATS,
                                           ACT_HISTORY, ACT_NONE};
    /* On Add product: Enter adds one, o opens the account's own options. */
    static const enum ui_action add[] = {ACT_ENTER, ACT_OPTIONS, ACT_UP, ACT_CART, ACT_NONE};
    static const enum ui_action kiosk_add[] = {ACT_UP, ACT_ENTER, ACT_OPTIONS, ACT_SIGNOUT,
                                               ACT_NONE};
    bool kiosk_first = app->kiosk && !ui_can_go_back(app);
    if (H->menu_open)
        return menu;
    if (home_on_add(app))
        return kiosk_first ? kiosk_add : add;
    return kiosk_first ? kiosk : acts;
}

static const char *const home_help[] = {
    N_("One row per product subscription: plan, seats assigned of total, "
       "billing frequency, current period, next renewal and price per seat. "
       "Enter opens the product's options: Modify subscription, Manage "
       "seats, Order history. Shortcuts: e modify, s seats, h history, c "
       "cart. A trial that has ended, or a canceled subscription, offers "
       "Subscribe now (a new period from today) instead of Modify."),
    N_("i opens Invoices: the account's invoices and credit notes."),
    N_("The last row, Add product, lists the catalog's products the account "
       "does not have yet and adds one as a new subscription."),
    NULL,
};

static const char *const home_menu_help[] = {
    N_("The options of the highlighted product. Modify subscription changes "
       "its plan, seat count or billing frequency and shows what the change "
       "costs before anything is placed (Subscribe now, for a trial that has "
       "ended, starts paying for it). Manage seats assigns the product's "
       "seats to the account's users, adds and removes users. Order history "
       "lists the orders placed for the account."),
    N_("Invoices (also i), Billing information and Payment method are the account's: "
       "its documents, what its invoices state, the card renewals are charged to."),
    N_("Up/Down choose an option, Enter opens it, Esc closes the menu."),
    NULL,
};

static const char *const *home_help_now(struct ui_app *app, void *st)
{
    const struct home_state *H = st;
    (void)app;
    return H->menu_open ? home_menu_help : NULL;
}

const struct ui_screen scr_home = {
    .route = "home",
    .title = N_("Subscriptions"),
    /* Its keys are many; at 80 columns in Italian the compact footer keeps
     * every one (h cronologia included). */
    .flags = UI_SCREEN_FOOTER_FIT,
    .private_size = sizeof(struct home_state),
    .enter = home_enter,
    .draw = home_draw,
    .action = home_action,
    .footer = home_footer,
    .help = home_help,
    .help_now = home_help_now,
};
