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
#include "list.h"

/* The product's options, then the account's own (shown with no product too). */
enum home_option { HOME_OPT_MODIFY, HOME_OPT_SEATS, HOME_OPT_HISTORY, HOME_OPT_BILLING_INFO,
                   HOME_OPT_PAYMENT_METHOD, HOME_OPT_COUNT };
#define HOME_OPT_ACCOUNT HOME_OPT_BILLING_INFO   /* the first of the account's */

struct home_state {
    bool menu_open;
    struct ui_list menu;      /* the options, enum home_option order */
    struct ui_list subs;      /* its selection is app->sub_sel */
};

static bool home_trial_ended(const struct store_subscription *s)
{
    return s != NULL && s->status == STORE_SUB_TRIAL_ENDED;
}

static const char *home_option_label(const struct ui_app *app, int opt)
{
    switch (opt) {
    case HOME_OPT_MODIFY:
        return home_trial_ended(ui_sub(app)) ? _("Subscribe now") : _("Modify subscription");
    case HOME_OPT_SEATS:
        return _("Manage seats");
    case HOME_OPT_BILLING_INFO:
        return _("Billing information");
    case HOME_OPT_PAYMENT_METHOD:
        return _("Payment method");
    default:
        return _("Order history");
    }
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

static void home_open_option(struct ui_app *app, struct home_state *H, int opt)
{
    H->menu_open = false;
    if (opt == HOME_OPT_BILLING_INFO || opt == HOME_OPT_PAYMENT_METHOD) {
        ui_go(app, opt == HOME_OPT_BILLING_INFO ? "billing_info" : "payment_method", 0);
        return;
    }
    if (ui_sub(app) == NULL)
        return;
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

static const char *home_status_label(const struct store_subscription *s)
{
    return s->status == STORE_SUB_TRIAL ? _("trial") : "";
}

/* The options menu: the product's (none without a product), then the
 * account's. Its rows are the options shown, in order. */
static int home_menu_first(const struct ui_app *app)
{
    return ui_sub(app) != NULL ? 0 : HOME_OPT_ACCOUNT;
}

static void home_draw_menu(struct ui_app *app, struct home_state *H, int menu_y, int bottom,
                           int mx)
{
    int first = home_menu_first(app), n = HOME_OPT_COUNT - first;
    int mw = 34, mh = n + 2;
    if (menu_y + mh > bottom)
        menu_y = bottom - mh;
    for (int r = 0; r < mh; r++)
        draw_fill(menu_y + r, mx, mw, A_NORMAL);
    draw_box(menu_y, mx, mh, mw);
    for (int o = 0; o < n; o++) {
        attr_t at = draw_list_mark(menu_y + 1 + o, mx + 1, (size_t)o == H->menu.sel, true, A_NORMAL);
        draw_text(menu_y + 1 + o, mx + 3, mw - 5, home_option_label(app, first + o), at);
    }
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
        if (H->menu_open)
            home_draw_menu(app, H, y + 3, bottom, cplan);
        return;
    }
    ui_list_set_count(&H->subs, app->va.subs.n);
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
        char buf[256], money[64], r1[64], r2[32];
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
        }
        else if (s->status == STORE_SUB_TRIAL)
            snprintf(buf, sizeof buf, "%s (%s)   %s: %s", r1, home_status_label(s),
                     _("Next renewal"), r2);
        else
            snprintf(buf, sizeof buf, "%s: %s   %s: %s", _("Current period"), r1,
                     _("Next renewal"), r2);
        draw_text(y + 1, cprod, COLS - cprod - 2, buf, A_NORMAL);
    }

    if (H->menu_open && menu_y > 0)
        home_draw_menu(app, H, menu_y, bottom, cplan);
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
            home_open_option(app, H, home_menu_first(app) + (int)H->menu.sel);
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
        {
            size_t n = (size_t)(HOME_OPT_COUNT - home_menu_first(app));
            H->menu_open = true;
            H->menu = (struct ui_list){.n = n, .rows = n, .wrap = true};
        }
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
    case ACT_BACK:
        /* Operators go back to the search; a kiosk contact signs out. */
        if (ui_can_go_back(app))
            ui_go_back(app);
        else if (app->kiosk)
            ui_ask(app, _("Sign out? y/n"), home_yes_sign_out);
        return UI_DONE;
    default:
        ui_list_set_count(&H->subs, app->va.subs.n);
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
    if (H->menu_open)
        return menu;
    return app->kiosk && !ui_can_go_back(app) ? kiosk : acts;
}

static const char *const home_help[] = {
    N_("One row per product subscription: plan, seats assigned of total, "
       "billing frequency, current period, next renewal and price per seat. "
       "Enter opens the product's options: Modify subscription, Manage "
       "seats, Order history. Shortcuts: e modify, s seats, h history, c "
       "cart. A trial that has ended offers Subscribe now instead of Modify."),
    N_("The options menu (Enter) also holds the account's Billing information and "
       "Payment method, with or without a product."),
    NULL,
};

static const char *const home_menu_help[] = {
    N_("The options of the highlighted product. Modify subscription changes "
       "its plan, seat count or billing frequency and shows what the change "
       "costs before anything is placed (Subscribe now, for a trial that has "
       "ended, starts paying for it). Manage seats assigns the product's "
       "seats to the account's users, adds and removes users. Order history "
       "lists the orders placed for the account."),
    N_("Billing information and Payment method are the account's: what its "
       "invoices state, and the card on file that renewals are charged to."),
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
