/* ui.c — the TUI's entry point, main loop and screen framework (app.h).
 *
 * Start-up is a short list of stages (locale and catalog of messages, the
 * terminal, the first screen) undone in reverse. The framework keeps the
 * stack of open screens, owns each one's state (allocated zeroed on open,
 * wiped and freed after its done hook) and performs the transitions a
 * handler asked for once it returns. A key whose handler reports UI_REDRAW
 * (or a resize) lays the whole screen out from scratch into curses' buffer
 * (werase, draw, wnoutrefresh, doupdate), so ncurses sends only the cells
 * that changed and a resize needs no special drawing code. */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "session.h"

#include "app.h"
#include "draw.h"
#include "i18n.h"
#include "keys.h"
#include "term.h"

/* ---- the stack of open screens and the transitions ---- */

static struct ui_view *ui_top_view(struct ui_app *app)
{
    return app->depth > 0 ? &app->stack[app->depth - 1] : NULL;
}

static void ui_enter_top(struct ui_app *app)
{
    struct ui_view *v = ui_top_view(app);
    if (v != NULL && v->ops->enter != NULL)
        v->ops->enter(app, v->st);
}

/* Closes the screen on top: its done, then its state wiped and freed. */
static void ui_close_top(struct ui_app *app)
{
    struct ui_view *v = ui_top_view(app);
    if (v == NULL)
        return;
    if (v->ops->done != NULL)
        v->ops->done(app, v->st);
    if (v->st != NULL) {
        explicit_bzero(v->st, v->ops->private_size);
        free(v->st);
    }
    v->st = NULL;
    v->ops = NULL;
    app->depth--;
}

static void ui_close_all(struct ui_app *app)
{
    while (app->depth > 0)
        ui_close_top(app);
}

static void ui_open(struct ui_app *app, const struct ui_screen *ops, int64_t arg)
{
    struct ui_view *top = ui_top_view(app);
    if (top != NULL && top->ops == ops) {
        ui_enter_top(app);
        return;
    }
    void *st = NULL;
    if (ops->private_size > 0) {
        st = calloc(1, ops->private_size);
        if (st == NULL) {
            ui_status_code(app, BC_NO_MEMORY);
            return;
        }
    }
    if (app->depth == UI_MAX_DEPTH)
        ui_close_top(app);
    app->stack[app->depth].ops = ops;
    app->stack[app->depth].st = st;
    app->depth++;
    if (ops->open != NULL)
        ops->open(app, st, arg);
    ui_enter_top(app);
}

static void ui_queue(struct ui_app *app, enum ui_go_kind kind, const char *route, int64_t arg)
{
    if (app->npending == UI_MAX_PENDING)
        return;
    app->pending[app->npending].kind = kind;
    app->pending[app->npending].route = route;
    app->pending[app->npending].arg = arg;
    app->npending++;
}

void ui_go(struct ui_app *app, const char *route, int64_t arg)
{
    ui_queue(app, UI_GO_PUSH, route, arg);
}

void ui_go_back(struct ui_app *app)
{
    ui_queue(app, UI_GO_BACK, NULL, 0);
}

void ui_go_back_to(struct ui_app *app, const char *route)
{
    ui_queue(app, UI_GO_BACK_TO, route, 0);
}

void ui_go_root(struct ui_app *app, const char *route, int64_t arg)
{
    ui_queue(app, UI_GO_ROOT, route, arg);
}

void ui_sign_out(struct ui_app *app)
{
    ui_queue(app, UI_GO_SIGN_OUT, NULL, 0);
}

bool ui_can_go_back(const struct ui_app *app)
{
    return app->depth > 1;
}

/* Forgets the account and the checkout, wiping what they held. */
static void ui_forget_account(struct ui_app *app)
{
    view_account_clear(&app->va);
    app->have_account = false;
    app->sub_sel = 0;
    explicit_bzero(app->billing_name, sizeof app->billing_name);
    explicit_bzero(app->billing_email, sizeof app->billing_email);
    app->edit_valid = false;
    explicit_bzero(&app->edit, sizeof app->edit);
    explicit_bzero(&app->co, sizeof app->co);
}

static void ui_do_sign_out(struct ui_app *app)
{
    memset(&app->ask, 0, sizeof app->ask);
    billing_sign_out(app->b);
    ui_close_all(app);
    ui_forget_account(app);
    explicit_bzero(app->status, sizeof app->status);
    app->help_open = false;
    const struct ui_screen *first = ui_route(ui_route_first(app));
    if (first != NULL)
        ui_open(app, first, 0);
    /* Nothing of the last person's screen may survive: repaint every cell. */
    clearok(curscr, TRUE);
}

/* Performs the transitions the last handler asked for, in order. */
static void ui_run_pending(struct ui_app *app)
{
    for (size_t i = 0; i < app->npending; i++) {
        enum ui_go_kind kind = app->pending[i].kind;
        const struct ui_screen *ops = app->pending[i].route != NULL
                                    ? ui_route(app->pending[i].route) : NULL;
        int64_t arg = app->pending[i].arg;
        switch (kind) {
        case UI_GO_PUSH:
            if (ops != NULL)
                ui_open(app, ops, arg);
            break;
        case UI_GO_BACK:
            if (app->depth > 1) {
                ui_close_top(app);
                ui_enter_top(app);
            }
            break;
        case UI_GO_BACK_TO: {
            size_t k = app->depth;
            while (k > 0 && app->stack[k - 1].ops != ops)
                k--;
            if (k == 0) {
                if (ops != NULL)
                    ui_open(app, ops, arg);
                break;
            }
            while (app->depth > k)
                ui_close_top(app);
            ui_enter_top(app);
            break;
        }
        case UI_GO_ROOT:
            if (ops != NULL) {
                ui_close_all(app);
                ui_open(app, ops, arg);
            }
            break;
        case UI_GO_SIGN_OUT:
            ui_do_sign_out(app);
            break;
        }
    }
    app->npending = 0;
}

/* ---- questions ---- */

void ui_ask(struct ui_app *app, const char *question, ui_yes_fn *yes)
{
    struct ui_view *v = ui_top_view(app);
    app->ask.open = true;
    snprintf(app->ask.text, sizeof app->ask.text, "%s", question);
    app->ask.yes = yes;
    app->ask.st = v != NULL ? v->st : NULL;
}

bool ui_in_progress(struct ui_app *app)
{
    for (size_t i = 0; i < app->depth; i++) {
        const struct ui_view *v = &app->stack[i];
        if (ui_route_in_checkout(v->ops->route))
            return true;
        if (v->ops->busy != NULL && v->ops->busy(app, v->st))
            return true;
    }
    return false;
}

static void ui_yes_quit(struct ui_app *app, void *st)
{
    (void)st;
    app->quit = true;
}

/* q, Ctrl-Q or Ctrl-C: quits, asking first when a change would be lost. */
static void ui_quit(struct ui_app *app)
{
    if (ui_in_progress(app))
        ui_ask(app, _("Quit and lose this change? y/n"), ui_yes_quit);
    else
        app->quit = true;
}

/* The key that answers the open question (UI_* flags). */
static unsigned ui_answer(struct ui_app *app, wint_t ch, bool is_key)
{
    ui_yes_fn *yes = keys_is_yes(ch, is_key) ? app->ask.yes : NULL;
    void *st = app->ask.st;
    memset(&app->ask, 0, sizeof app->ask);
    if (yes != NULL)
        yes(app, st);
    if (app->npending > 0)
        ui_run_pending(app);
    return UI_DONE;
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
    if (app->va.rights.may_change == BC_OK)
        return true;
    ui_status_code(app, app->va.rights.may_change);
    return false;
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
    struct view_account v;
    memset(&v, 0, sizeof v);
    enum bc_status rc = view_account_load(app->b, account_id, &v);
    if (rc != BC_OK)
        return rc;
    int64_t keep_sub = 0;
    if (app->have_account && app->va.acct.id == account_id && app->sub_sel < app->va.subs.n)
        keep_sub = app->va.subs.items[app->sub_sel].id;
    view_account_clear(&app->va);
    app->va = v;
    explicit_bzero(&v, sizeof v);
    app->have_account = true;
    snprintf(app->billing_name, sizeof app->billing_name, "%s", app->va.billing_name);
    snprintf(app->billing_email, sizeof app->billing_email, "%s", app->va.billing_email);
    app->sub_sel = 0;
    for (size_t i = 0; i < app->va.subs.n; i++)
        if (app->va.subs.items[i].id == keep_sub)
            app->sub_sel = i;
    return BC_OK;
}

const struct store_subscription *ui_sub(const struct ui_app *app)
{
    if (!app->have_account || app->sub_sel >= app->va.subs.n)
        return NULL;
    return &app->va.subs.items[app->sub_sel];
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

static void ui_draw_help(struct ui_app *app, const struct ui_screen *s, void *st)
{
    static const char *const global[] = {
        N_("Arrows or j/k move, Enter selects, Tab moves between fields, Esc goes back, "
           "c opens the cart, ? shows or hides this help. In a text field Backspace "
           "erases a character and Ctrl-U clears the field."),
        NULL,
    };
    const char *paras[16];
    size_t n = 0;
    const char *const *help = s->help_now != NULL ? s->help_now(app, st) : NULL;
    if (help == NULL)
        help = s->help;
    for (size_t i = 0; help != NULL && help[i] != NULL && n < 8; i++)
        paras[n++] = _(help[i]);
    for (size_t i = 0; global[i] != NULL; i++)
        paras[n++] = _(global[i]);
    if (app->operator_mode && !app->kiosk)
        paras[n++] = _("/ returns to the account search, q quits; in a text field "
                       "Ctrl-Q quits.");
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
    struct ui_view *v = ui_top_view(app);
    if (v == NULL) {
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    const struct ui_screen *s = v->ops;

    attr_t ta = term_attr(TERM_TITLE);
    draw_fill(0, 0, COLS, ta);
    char left[256];
    snprintf(left, sizeof left, " billcenter %s %s", term_ascii() ? "|" : "\u2502",
             s->title_now != NULL ? s->title_now(app, v->st) : _(s->title));
    int lw = draw_text(0, 0, COLS, left, ta);
    if (app->have_account && !(s->flags & UI_SCREEN_NO_ACCOUNT)) {
        /* The name is cut, never the " #id " after it (a name can be longer
         * than any buffer or row). */
        char tag[32];
        snprintf(tag, sizeof tag, " #%lld ", (long long)app->va.acct.id);
        const char *name = app->va.acct.name ? app->va.acct.name : "";
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

    s->draw(app, v->st, 2, LINES - 2);

    if (app->ask.open) {
        /* A long question takes the row above too rather than being cut. */
        attr_t qa = term_attr(TERM_HEADING) | A_BOLD;
        draw_fill(LINES - 2, 0, COLS, A_NORMAL);
        if (draw_width(app->ask.text) > COLS - 2) {
            draw_fill(LINES - 3, 0, COLS, A_NORMAL);
            draw_wrap(LINES - 3, 1, COLS - 2, 2, app->ask.text, qa);
        } else {
            draw_text(LINES - 2, 1, COLS - 2, app->ask.text, qa);
        }
        keys_footer_question();
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
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
    keys_footer(s->footer != NULL ? s->footer(app, v->st) : NULL, app->kiosk, app->operator_mode,
                s->live != NULL ? s->live(app, v->st) : KEYS_LIVE_ALL,
                (s->flags & UI_SCREEN_FOOTER_FIT) != 0);

    if (app->help_open)
        ui_draw_help(app, s, v->st);
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- keys ---- */

/* The keys every screen shares, when the screen left them. */
static unsigned ui_global_action(struct ui_app *app, enum ui_action act)
{
    enum ui_go_kind kind = UI_GO_PUSH;
    const char *route;
    switch (act) {
    case ACT_HELP:
        app->help_open = true;
        return UI_DONE;
    case ACT_QUIT:
        if (!app->kiosk)
            ui_quit(app);
        return UI_DONE;
    case ACT_BACK:
        if (!ui_can_go_back(app))
            return UI_HANDLED;
        ui_go_back(app);
        return UI_DONE;
    default:
        route = ui_route_key(app, act, &kind);
        if (route == NULL)
            return UI_HANDLED;
        if (kind == UI_GO_ROOT)
            ui_go_root(app, route, 0);
        else
            ui_go(app, route, 0);
        return UI_DONE;
    }
}

/* One key: the screen first, then the shared keys; then the transitions
 * asked for. UI_* flags. */
static unsigned ui_handle(struct ui_app *app, wint_t ch, bool is_key)
{
    if (LINES < UI_MIN_ROWS || COLS < UI_MIN_COLS) {
        /* Nothing moves while the notice is up, so enlarging the terminal
         * brings back the same screen with the same choices. */
        if (keys_action(ch, is_key, app->kiosk) == ACT_QUIT)
            app->quit = true;
        return UI_HANDLED;
    }
    if (app->ask.open)
        return ui_answer(app, ch, is_key);
    if (app->help_open) {
        app->help_open = false;
        return UI_DONE;
    }
    struct ui_view *v = ui_top_view(app);
    if (v == NULL)
        return UI_HANDLED;
    const struct ui_screen *s = v->ops;
    unsigned r = UI_IGNORED;
    bool had_status = app->status[0] != '\0';
    app->status[0] = '\0';
    /* ? q / act when the screen says they are live (no text field has
     * focus, or the field is empty...); otherwise they are text. */
    unsigned live = s->live != NULL ? s->live(app, v->st) : KEYS_LIVE_ALL;
    if (s->text != NULL && keys_is_text(ch, is_key) && !keys_live(ch, is_key, app->kiosk, live))
        r = s->text(app, v->st, ch);
    if (!(r & UI_HANDLED)) {
        enum ui_action act = keys_action(ch, is_key, app->kiosk);
        if (act == ACT_NONE)
            r |= UI_HANDLED;
        if (!(r & UI_HANDLED) && s->action != NULL)
            r |= s->action(app, v->st, act);
        if (!(r & UI_HANDLED))
            r |= ui_global_action(app, act);
    }
    if (app->npending > 0) {
        ui_run_pending(app);
        r |= UI_REDRAW;
    }
    /* A message shown or taken away is a change on screen too. */
    if (had_status || app->status[0] != '\0')
        r |= UI_REDRAW;
    return r;
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

/* Opens the first screen; for a contact (--contact) its account first.
 * False when there is nothing to open (the reason is kept for stderr). */
static bool ui_first_screen(struct ui_app *app)
{
    int64_t account_id = 0;
    if (billing_signed_in(app->b)) {
        enum bc_status rc = billing_actor_account(app->b, &account_id);
        if (rc == BC_OK)
            rc = ui_load_account(app, account_id);
        if (rc != BC_OK) {
            /* A contact never gets the operators' account search. */
            term_defer_message(_(bc_status_message(rc)));
            return false;
        }
    }
    const struct ui_screen *first = ui_route(ui_route_first(app));
    if (first == NULL)
        return false;
    ui_open(app, first, 0);
    ui_run_pending(app);
    return true;
}

static void ui_app_free(struct ui_app *app)
{
    if (app == NULL)
        return;
    ui_close_all(app);
    ui_forget_account(app);
    explicit_bzero(app, sizeof *app);
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
    if (!ui_first_screen(app))
        app->quit = true;

    bool redraw = true;
    int idle_s = app->b->catalog != NULL ? app->b->catalog->idle_timeout : 120;
    int64_t last_key = ui_now_ms();
    while (!app->quit && !term_should_exit()) {
        if (term_take_interrupt()) {
            /* Ctrl-C asks like q; a second one while asking quits. */
            if (app->ask.open)
                app->quit = true;
            else
                ui_quit(app);
            redraw = true;
            if (app->quit)
                break;
        }
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
                ui_do_sign_out(app);
                redraw = true;
            }
            continue;
        }
        last_key = ui_now_ms();
        if (is_key && ch == KEY_RESIZE) {
            redraw = true;   /* the next ui_draw lays out from scratch */
            continue;
        }
        redraw = (ui_handle(app, ch, is_key) & UI_REDRAW) != 0;
    }
    term_stop();
    ui_app_free(app);
    return 0;
}
