/* ui.c — the TUI's entry point and main loop.
 *
 * Start-up is a short list of stages (locale and catalog of messages, the
 * terminal, the first screen) undone in reverse. Each turn of the loop lays
 * the whole screen out from scratch into curses' buffer (werase, draw,
 * wnoutrefresh, doupdate), so ncurses sends only the cells that changed and a
 * resize needs no special drawing code. */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "keys.h"
#include "term.h"

static const struct ui_screen *const ui_screens[UI_SCR_COUNT] = {
    [UI_SCR_SEARCH] = &scr_search, [UI_SCR_HOME] = &scr_home,
    [UI_SCR_MODIFY] = &scr_modify, [UI_SCR_CART] = &scr_cart,
    [UI_SCR_REVIEW] = &scr_review, [UI_SCR_PAYMENT] = &scr_payment,
    [UI_SCR_CONFIRM] = &scr_confirm, [UI_SCR_SEATS] = &scr_seats,
    [UI_SCR_HISTORY] = &scr_history, [UI_SCR_SIGNIN] = &scr_signin,
};

/* ---- navigation ---- */

enum ui_screen_id ui_top(const struct ui_app *app)
{
    return app->depth > 0 ? app->stack[app->depth - 1] : UI_SCR_SEARCH;
}

static void ui_enter_top(struct ui_app *app)
{
    const struct ui_screen *s = ui_screens[ui_top(app)];
    if (s->enter != NULL)
        s->enter(app);
}

void ui_push(struct ui_app *app, enum ui_screen_id id)
{
    if (app->depth > 0 && ui_top(app) == id) {
        ui_enter_top(app);
        return;
    }
    if (app->depth < sizeof app->stack / sizeof app->stack[0])
        app->stack[app->depth++] = id;
    else
        app->stack[app->depth - 1] = id;
    ui_enter_top(app);
}

void ui_pop(struct ui_app *app)
{
    if (app->depth > 1) {
        app->depth--;
        ui_enter_top(app);
    }
}

void ui_back_to(struct ui_app *app, enum ui_screen_id id)
{
    for (size_t i = app->depth; i > 0; i--) {
        if (app->stack[i - 1] == id) {
            app->depth = i;
            ui_enter_top(app);
            return;
        }
    }
    ui_push(app, id);
}

/* ---- status line ---- */

void ui_status(struct ui_app *app, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->status, sizeof app->status, fmt, ap);
    va_end(ap);
    app->status_error = error;
}

void ui_status_code(struct ui_app *app, enum bc_status st)
{
    if (st == BC_NOT_BILLING_CONTACT && app->billing_name[0] != '\0') {
        ui_status(app, true, _("Only the billing contact can change this account: %s <%s>."),
                  app->billing_name, app->billing_email);
        return;
    }
    ui_status(app, st != BC_OK, "%s", _(bc_status_message(st)));
}

bool ui_may_change(struct ui_app *app)
{
    if (!app->have_account)
        return false;
    if (app->rights.may_change == BC_OK)
        return true;
    ui_status_code(app, app->rights.may_change);
    return false;
}

/* ---- kiosk sessions ---- */

void ui_sign_out(struct ui_app *app)
{
    access_kiosk(&app->b->actor);
    store_account_clear(&app->acct);
    memset(&app->acct, 0, sizeof app->acct);
    store_subscription_list_clear(&app->subs);
    memset(&app->subs, 0, sizeof app->subs);
    memset(&app->rights, 0, sizeof app->rights);
    app->have_account = false;
    app->sub_sel = 0;
    app->cart_count = 0;
    app->billing_name[0] = app->billing_email[0] = '\0';
    app->edit_valid = false;
    memset(&app->co, 0, sizeof app->co);
    app->status[0] = '\0';
    app->help_open = false;
    ui_signin_reset();
    app->depth = 0;
    ui_push(app, UI_SCR_SIGNIN);
    /* Nothing of the last person's screen may survive: repaint every cell. */
    clearok(curscr, TRUE);
}

static int64_t ui_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the account ---- */

enum bc_status ui_load_account(struct ui_app *app, int64_t account_id)
{
    struct store *st = app->b->store;
    struct store_account acct;
    memset(&acct, 0, sizeof acct);
    enum bc_status rc = store_account_get(st, account_id, &acct);
    if (rc != BC_OK)
        return rc;
    bool same = app->have_account && app->acct.id == account_id;
    store_account_clear(&app->acct);
    app->acct = acct;
    app->have_account = true;

    memset(&app->rights, 0, sizeof app->rights);
    rc = billing_rights(app->b, &app->acct, &app->rights);
    if (rc != BC_OK)
        app->rights.may_change = rc;

    app->billing_name[0] = app->billing_email[0] = '\0';
    if (app->rights.billing_name[0] != '\0') {
        snprintf(app->billing_name, sizeof app->billing_name, "%s", app->rights.billing_name);
        snprintf(app->billing_email, sizeof app->billing_email, "%s", app->rights.billing_email);
    } else if (app->acct.billing_contact_id != 0) {
        struct store_contact c;
        memset(&c, 0, sizeof c);
        if (store_contact_get(st, app->acct.billing_contact_id, &c) == BC_OK) {
            snprintf(app->billing_name, sizeof app->billing_name, "%s", c.name ? c.name : "");
            snprintf(app->billing_email, sizeof app->billing_email, "%s", c.email ? c.email : "");
        }
        store_contact_clear(&c);
    }

    int64_t keep_sub = 0;
    if (same && app->sub_sel < app->subs.n)
        keep_sub = app->subs.items[app->sub_sel].id;
    store_subscription_list_clear(&app->subs);
    memset(&app->subs, 0, sizeof app->subs);
    rc = store_subscriptions(st, account_id, &app->subs);
    if (rc != BC_OK)
        return rc;
    app->sub_sel = 0;
    for (size_t i = 0; i < app->subs.n; i++)
        if (app->subs.items[i].id == keep_sub)
            app->sub_sel = i;

    struct store_cart cart;
    memset(&cart, 0, sizeof cart);
    app->cart_count = 0;
    if (store_cart_get(st, account_id, &cart) == BC_OK)
        app->cart_count = cart.n;
    store_cart_clear(&cart);
    return BC_OK;
}

const struct store_subscription *ui_sub(const struct ui_app *app)
{
    if (!app->have_account || app->sub_sel >= app->subs.n)
        return NULL;
    return &app->subs.items[app->sub_sel];
}

const char *ui_product_name(const struct ui_app *app, const char *product_id)
{
    const struct catalog_product *p = catalog_product(app->b->catalog, product_id);
    return p != NULL ? p->name : product_id;
}

const char *ui_plan_name(const struct ui_app *app, const char *product_id, const char *plan_id)
{
    const struct catalog_product *p = catalog_product(app->b->catalog, product_id);
    const struct catalog_plan *pl = p != NULL ? catalog_plan(p, plan_id) : NULL;
    return pl != NULL ? pl->name : plan_id;
}

const char *ui_period_label(enum bc_period p)
{
    return p == BC_PERIOD_ANNUAL ? _("Annual") : _("Monthly");
}

size_t ui_scroll_top(size_t sel, size_t top, size_t rows, size_t n)
{
    if (rows == 0 || n <= rows)
        return 0;
    if (sel < top)
        top = sel;
    if (sel >= top + rows)
        top = sel - rows + 1;
    if (top + rows > n)
        top = n - rows;
    return top;
}

/* ---- drawing the frame ---- */

/* Bytes of the longest start of `s` (whole UTF-8 characters, at least one)
 * that fits in w columns. */
static size_t ui_fit_prefix(const char *s, size_t len, int w)
{
    char tmp[256];
    size_t best = 0, i = 0;
    while (i < len && i < sizeof tmp - 1) {
        size_t j = i + 1;
        while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80)
            j++;
        memcpy(tmp, s, j);
        tmp[j] = '\0';
        if (best > 0 && draw_width(tmp) > w)
            break;
        best = j;
        i = j;
    }
    return best;
}

#define UI_SMALL_LINES 64
#define UI_SMALL_LINE 256

/* Splits `s` into rows of at most w columns at spaces; a word wider than
 * the row is split between characters, so nothing is cut away. */
static int ui_small_wrap(const char *s, int w, char out[][UI_SMALL_LINE], int max)
{
    int n = 0;
    char line[UI_SMALL_LINE] = "";
    const char *p = s;
    while (*p != '\0' && n < max) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        const char *e = p;
        while (*e != '\0' && *e != ' ')
            e++;
        size_t wl = (size_t)(e - p);
        char cand[UI_SMALL_LINE];
        if (line[0] != '\0' && strlen(line) + 1 + wl < sizeof cand) {
            size_t ll = strlen(line);
            memcpy(cand, line, ll);
            cand[ll] = ' ';
            memcpy(cand + ll + 1, p, wl);
            cand[ll + 1 + wl] = '\0';
            if (draw_width(cand) <= w) {
                snprintf(line, sizeof line, "%s", cand);
                p = e;
                continue;
            }
        }
        if (line[0] != '\0') {
            snprintf(out[n++], UI_SMALL_LINE, "%s", line);
            line[0] = '\0';
            continue;
        }
        /* the word starts a row: all of it, or as much as fits */
        size_t k = ui_fit_prefix(p, wl, w);
        if (k >= sizeof line)
            k = sizeof line - 1;
        memcpy(line, p, k);
        line[k] = '\0';
        p += k;
        if (k < wl) {
            snprintf(out[n++], UI_SMALL_LINE, "%s", line);
            line[0] = '\0';
        }
    }
    if (line[0] != '\0' && n < max)
        snprintf(out[n++], UI_SMALL_LINE, "%s", line);
    return n;
}

/* The "enlarge the terminal" notice, wrapped to the width and centred, so
 * the current size stays readable on however small a terminal. */
static void ui_draw_small(void)
{
    static char rows[2 * UI_SMALL_LINES][UI_SMALL_LINE];
    if (COLS < 1 || LINES < 1)
        return;
    char l2[128], l3[128];
    snprintf(l2, sizeof l2, _("billcenter needs at least %dx%d (now %dx%d)."), UI_MIN_COLS,
             UI_MIN_ROWS, COLS, LINES);
    /* what is left on a terminal too small for both sentences */
    snprintf(l3, sizeof l3, _("%dx%d needed (now %dx%d)"), UI_MIN_COLS, UI_MIN_ROWS, COLS,
             LINES);
    int n1 = ui_small_wrap(_("Please enlarge the terminal"), COLS, rows, UI_SMALL_LINES);
    int n2 = ui_small_wrap(l2, COLS, rows + n1, UI_SMALL_LINES);
    if (n1 + n2 > LINES) {
        /* the sizes matter most: the second sentence alone, or the short form */
        n1 = 0;
        n2 = ui_small_wrap(l2, COLS, rows, UI_SMALL_LINES);
        if (n2 > LINES)
            n2 = ui_small_wrap(l3, COLS, rows, UI_SMALL_LINES);
    }
    int gap = n1 > 0 && n1 + n2 + 1 <= LINES ? 1 : 0;
    int y = (LINES - (n1 + gap + n2)) / 2;
    if (y < 0)
        y = 0;
    for (int i = 0; i < n1 + n2 && y < LINES; i++, y++) {
        if (i == n1 && n1 > 0)
            y += gap;
        if (y >= LINES)
            break;
        int w = draw_width(rows[i]);
        draw_text(y, w < COLS ? (COLS - w) / 2 : 0, COLS, rows[i], i < n1 ? A_BOLD : A_NORMAL);
    }
}

static void ui_draw_help(struct ui_app *app, const struct ui_screen *s)
{
    static const char *const global[] = {
        N_("Arrows or j/k move, Enter selects, Tab moves between fields, Esc goes back, "
           "c opens the cart, ? shows or hides this help. In a text field Backspace "
           "erases a character and Ctrl-U clears the field."),
        NULL,
    };
    const char *paras[16];
    size_t n = 0;
    for (size_t i = 0; s->help != NULL && s->help[i] != NULL && n < 8; i++)
        paras[n++] = _(s->help[i]);
    for (size_t i = 0; global[i] != NULL; i++)
        paras[n++] = _(global[i]);
    if (app->operator_mode && !app->kiosk)
        paras[n++] = _("/ returns to the account search, q quits.");
    paras[n++] = _("Press any key to close this help.");

    int x = 2, w = COLS - 4, y = 2, h = LINES - 4;
    for (int r = 0; r < h; r++)
        draw_fill(y + r, x, w, A_NORMAL);
    draw_box(y, x, h, w);
    char title[128];
    snprintf(title, sizeof title, " %s: %s ", _("Help"), _(s->title));
    draw_text(y, x + 2, w - 4, title, term_attr(TERM_HEADING));
    int row = y + 2, last = y + h - 1;
    for (size_t i = 0; i < n && row < last; i++)
        row += draw_wrap(row, x + 2, w - 4, last - row, paras[i], A_NORMAL) + 1;
}

static void ui_draw(struct ui_app *app)
{
    werase(stdscr);
    if (LINES < UI_MIN_ROWS || COLS < UI_MIN_COLS) {
        ui_draw_small();
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    const struct ui_screen *s = ui_screens[ui_top(app)];

    attr_t ta = term_attr(TERM_TITLE);
    draw_fill(0, 0, COLS, ta);
    char left[256];
    snprintf(left, sizeof left, " billcenter %s %s", term_ascii() ? "|" : "\u2502", _(s->title));
    int lw = draw_text(0, 0, COLS, left, ta);
    if (app->have_account && ui_top(app) != UI_SCR_SEARCH) {
        /* The name is cut, never the " #id " after it (a name can be longer
         * than any buffer or row). */
        char tag[32];
        snprintf(tag, sizeof tag, " #%lld ", (long long)app->acct.id);
        const char *name = app->acct.name ? app->acct.name : "";
        int tw = draw_width(tag);
        int room = COLS - lw - 2;
        int nw = draw_width(name);
        if (nw > room - tw)
            nw = room - tw > 0 ? room - tw : 0;
        if (tw > room)
            tw = room > 0 ? room : 0;
        if (nw > 0)
            nw = draw_text(0, COLS - nw - tw, nw, name, ta);
        draw_text_right(0, COLS - tw, tw, tag, ta);
    }

    s->draw(app, 2, LINES - 2);

    if (app->status[0] != '\0') {
        /* A long message takes the row above too rather than being cut. */
        attr_t sa = term_attr(app->status_error ? TERM_ERROR : TERM_OK);
        if (draw_width(app->status) > COLS - 2) {
            draw_fill(LINES - 3, 0, COLS, A_NORMAL);
            draw_wrap(LINES - 3, 1, COLS - 2, 2, app->status, sa);
        } else {
            draw_text(LINES - 2, 1, COLS - 2, app->status, sa);
        }
    }
    keys_footer(s->footer != NULL ? s->footer(app) : NULL, app->kiosk, app->operator_mode,
                s->live != NULL ? s->live(app) : KEYS_LIVE_ALL);

    if (app->help_open)
        ui_draw_help(app, s);
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- keys ---- */

static void ui_global_action(struct ui_app *app, enum ui_action act)
{
    switch (act) {
    case ACT_HELP:
        app->help_open = true;
        break;
    case ACT_QUIT:
        if (!app->kiosk)
            app->quit = true;
        break;
    case ACT_BACK:
        ui_pop(app);
        break;
    case ACT_CART:
        if (app->have_account && ui_top(app) != UI_SCR_SEARCH)
            ui_push(app, UI_SCR_CART);
        break;
    case ACT_SEARCH:
        if (app->operator_mode && !app->kiosk) {
            app->depth = 0;
            ui_push(app, UI_SCR_SEARCH);
        }
        break;
    default:
        break;
    }
}

static void ui_handle(struct ui_app *app, wint_t ch, bool is_key)
{
    if (LINES < UI_MIN_ROWS || COLS < UI_MIN_COLS) {
        /* Nothing moves while the notice is up, so enlarging the terminal
         * brings back the same screen with the same choices. */
        if (keys_action(ch, is_key, app->kiosk) == ACT_QUIT)
            app->quit = true;
        return;
    }
    if (app->help_open) {
        app->help_open = false;
        return;
    }
    const struct ui_screen *s = ui_screens[ui_top(app)];
    app->status[0] = '\0';
    /* ? q / act when the screen says they are live (no text field has
     * focus, or the field is empty...); otherwise they are text. */
    unsigned live = s->live != NULL ? s->live(app) : KEYS_LIVE_ALL;
    if (s->text != NULL && keys_is_text(ch, is_key) && !keys_live(ch, is_key, app->kiosk, live)
        && s->text(app, ch))
        return;
    enum ui_action act = keys_action(ch, is_key, app->kiosk);
    if (act == ACT_NONE)
        return;
    if (s->action != NULL && s->action(app, act))
        return;
    ui_global_action(app, act);
}

/* Reads one key; absorbs a burst of KEY_RESIZE into one re-layout. */
static int ui_read(wint_t *ch, bool *is_key)
{
    int rc = wget_wch(stdscr, ch);
    if (rc == ERR)
        return ERR;
    *is_key = rc == KEY_CODE_YES;
    if (*is_key && *ch == KEY_RESIZE) {
        wtimeout(stdscr, 40);
        wint_t next;
        int r;
        while ((r = wget_wch(stdscr, &next)) == KEY_CODE_YES && next == KEY_RESIZE)
            ;
        wtimeout(stdscr, 200);
        /* The terminal may have cut or cleared its contents on a shrink in
         * the burst while curses still believes it shows the last frame (a
         * burst that ends at the size it began with changes no cell in
         * curses' eyes): repaint every cell at the final size. */
        clearok(curscr, TRUE);
        /* The key that ended the burst is kept for the next read. */
        if (r == KEY_CODE_YES)
            ungetch((int)next);
        else if (r == OK)
            unget_wch((wchar_t)next);
    }
    return OK;
}

/* ---- start-up ---- */

static void ui_first_screen(struct ui_app *app)
{
    const struct billing_actor *a = &app->b->actor;
    if (a->kind == BILLING_ACTOR_CONTACT && a->contact_id == 0) {
        ui_push(app, UI_SCR_SIGNIN);
        return;
    }
    if (a->kind == BILLING_ACTOR_CONTACT) {
        struct store_contact c;
        memset(&c, 0, sizeof c);
        enum bc_status rc = store_contact_get(app->b->store, a->contact_id, &c);
        if (rc == BC_OK)
            rc = ui_load_account(app, c.account_id);
        store_contact_clear(&c);
        if (rc == BC_OK) {
            ui_push(app, UI_SCR_HOME);
            return;
        }
        /* A contact never gets the operators' account search. */
        term_defer_message(_(bc_status_message(rc)));
        app->quit = true;
        return;
    }
    ui_push(app, UI_SCR_SEARCH);
}

static void ui_app_free(struct ui_app *app)
{
    if (app == NULL)
        return;
    store_account_clear(&app->acct);
    store_subscription_list_clear(&app->subs);
    free(app);
}

int ui_run(const struct cli_ui_args *args)
{
    if (args == NULL || args->billing == NULL)
        return 1;
    bool utf8 = false;
    i18n_init(args->lang, &utf8);

    struct ui_app *app = calloc(1, sizeof *app);
    if (app == NULL) {
        fputs("billcenter: out of memory\n", stderr);
        return 1;
    }
    app->args = args;
    app->b = args->billing;
    app->kiosk = args->kiosk;
    app->operator_mode = app->b->actor.kind == BILLING_ACTOR_OPERATOR;

    if (!term_start(utf8, app->kiosk)) {
        term_stop();
        ui_app_free(app);
        return 1;
    }
    ui_first_screen(app);

    bool redraw = true;
    int idle_s = app->b->catalog != NULL ? app->b->catalog->idle_timeout : 120;
    int64_t last_key = ui_now_ms();
    while (!app->quit && !term_should_exit()) {
        if (redraw)
            ui_draw(app);
        redraw = false;
        wint_t ch = 0;
        bool is_key = false;
        if (ui_read(&ch, &is_key) == ERR) {
            /* A wake-up to notice signals and, in a kiosk, idleness: an idle
             * session signs out and the screen is cleared. */
            if (app->kiosk && idle_s > 0 && ui_now_ms() - last_key >= (int64_t)idle_s * 1000) {
                last_key = ui_now_ms();
                if (app->b->actor.contact_id != 0 || ui_top(app) != UI_SCR_SIGNIN) {
                    ui_sign_out(app);
                    redraw = true;
                } else {
                    ui_signin_reset();
                    redraw = true;
                }
            }
            continue;
        }
        last_key = ui_now_ms();
        redraw = true;
        if (is_key && ch == KEY_RESIZE)
            continue;   /* the next ui_draw lays out from scratch */
        ui_handle(app, ch, is_key);
    }
    term_stop();
    ui_app_free(app);
    return 0;
}
