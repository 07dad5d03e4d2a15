/* scr_search.c — the operator's first screen: type-ahead account search by
 * name, e-mail or account id (view_account_search; the store uses indexes
 * only). */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"
#include "list.h"

#define SEARCH_LIMIT 100

struct search_state {
    struct ui_field q;
    struct store_account_list res;
    struct ui_list list;
    bool in_list;
    enum bc_status last;
};

static void search_run(struct ui_app *app, struct search_state *S)
{
    view_account_search_clear(&S->res);
    S->list.sel = S->list.top = 0;
    S->last = BC_OK;
    if (S->q.text[0] != '\0') {
        S->last = view_account_search(app->b, S->q.text, SEARCH_LIMIT, &S->res);
        if (S->last != BC_OK)
            ui_status_code(app, S->last);
    }
    ui_list_set_count(&S->list, S->res.n);
}

static void search_open_screen(struct ui_app *app, void *st, int64_t arg)
{
    struct search_state *S = st;
    (void)app;
    (void)arg;
    S->q.max_chars = 60;
}

static void search_enter(struct ui_app *app, void *st)
{
    struct search_state *S = st;
    if (S->q.text[0] != '\0')
        search_run(app, S);
    if (S->res.n == 0)
        S->in_list = false;
}

static void search_done(struct ui_app *app, void *st)
{
    struct search_state *S = st;
    (void)app;
    view_account_search_clear(&S->res);
    field_clear(&S->q);
}

static void search_open(struct ui_app *app, struct search_state *S)
{
    if (S->list.sel >= S->res.n)
        return;
    enum bc_status rc = ui_load_account(app, S->res.items[S->list.sel].id);
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        return;
    }
    app->edit_valid = false;
    ui_go(app, "home", 0);
}

static void search_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct search_state *S = st;
    int w = COLS - 4;
    draw_text(top, 2, w, _("Find an account by name, e-mail or account id:"), A_NORMAL);
    field_draw(&S->q, top + 1, 2, 62, !S->in_list, NULL);

    int y = top + 3;
    if (S->q.text[0] == '\0') {
        draw_text(y, 2, w, _("Type to search; Enter opens the highlighted account."), A_NORMAL);
        if (account_may_write(&app->b->actor) == BC_OK)
            draw_text(y + 2, 2, w, _("Ctrl-N opens New account, for a customer not yet here."),
                      A_NORMAL);
        return;
    }
    if (S->res.n == 0) {
        /* A failed search is not an empty answer: the status line says why. */
        draw_text(y, 2, w, S->last != BC_OK ? _("The search could not be run; see below.")
                                            : _("No account matches."), A_NORMAL);
        return;
    }
    attr_t h = term_attr(TERM_HEADING);
    int cid = 4, cname = 14, ccur = COLS - 22, ccty = COLS - 12;
    draw_text(y, cid, 9, _("Account"), h);
    draw_text(y, cname, ccur - cname - 1, _("Name"), h);
    draw_text(y, ccur, 9, _("Currency"), h);
    draw_text(y, ccty, 10, _("Country"), h);
    y++;
    ui_list_layout(&S->list, (size_t)(bottom - y));
    for (size_t i = S->list.top; i < S->res.n && y < bottom; i++, y++) {
        const struct store_account *a = &S->res.items[i];
        /* Only the cursor and the id mark the current row: a move rewrites
         * those few cells of two rows, not both rows whole. */
        attr_t at = draw_list_mark(y, 2, i == S->list.sel, S->in_list, A_NORMAL);
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)a->id);
        draw_text(y, cid, 9, id, at);
        draw_text(y, cname, ccur - cname - 1, a->name ? a->name : "", A_NORMAL);
        draw_text(y, ccur, 9, a->currency, A_NORMAL);
        draw_text(y, ccty, 10, a->country, A_NORMAL);
    }
}

static unsigned search_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct search_state *S = st;
    switch (act) {
    case ACT_ERASE:
        if (!S->in_list && field_erase(&S->q))
            search_run(app, S);
        return UI_DONE;
    case ACT_CLEAR:
        /* The field is cleared from the list too: typing starts afresh. */
        if (S->q.text[0] != '\0') {
            field_clear(&S->q);
            search_run(app, S);
        }
        S->in_list = false;
        return UI_DONE;
    case ACT_DOWN:
        if (!S->in_list) {
            if (S->res.n > 0)
                S->in_list = true;
            return UI_DONE;
        }
        return ui_list_key(&S->list, act);
    case ACT_UP:
        if (S->in_list && S->list.sel == 0) {
            S->in_list = false;
            return UI_DONE;
        }
        return S->in_list ? ui_list_key(&S->list, act) : UI_HANDLED;
    case ACT_PGDN:
    case ACT_PGUP:
        return ui_list_key(&S->list, act);
    case ACT_TAB:
    case ACT_BACKTAB:
        /* Leaving the field even with no results lets q quit. */
        S->in_list = !S->in_list;
        return UI_DONE;
    case ACT_ENTER:
        search_open(app, S);
        return UI_DONE;
    case ACT_BACK:
        /* Esc in the box clears it and leaves it, so that the keys act
         * (q quits, ? helps); Esc off the box returns to it. */
        if (!S->in_list && S->q.text[0] != '\0') {
            field_clear(&S->q);
            search_run(app, S);
        }
        S->in_list = !S->in_list;
        return UI_DONE;
    case ACT_SEARCH:
        S->in_list = false;
        return UI_DONE;
    case ACT_NEW_ACCOUNT: {
        enum bc_status rc = account_may_write(&app->b->actor);
        if (rc != BC_OK)
            ui_status_code(app, rc);
        else
            ui_go(app, "account_new", 0);
        return UI_DONE;
    }
    case ACT_CART:
        return UI_HANDLED;   /* no account yet */
    default:
        return UI_IGNORED;
    }
}

static unsigned search_text(struct ui_app *app, void *st, wint_t ch)
{
    struct search_state *S = st;
    /* In the list, keys with an action act; any other text goes back to
     * the search field (type-ahead never needs a key to refocus). */
    if (S->in_list && keys_action(ch, false, app->kiosk) != ACT_NONE)
        return UI_IGNORED;
    S->in_list = false;
    if (field_put(&S->q, ch))
        search_run(app, S);
    return UI_DONE;
}

static bool search_typing(const struct search_state *S)
{
    return !S->in_list && S->q.text[0] != '\0';
}

static const enum ui_action *search_footer(struct ui_app *app, void *st)
{
    /* Ctrl-N comes last: where the footer is short it is the one left out
     * (the screen says it in words). */
    static const enum ui_action acts[] = {ACT_ENTER, ACT_UP, ACT_TAB, ACT_NEW_ACCOUNT, ACT_NONE};
    static const enum ui_action field[] = {ACT_ENTER, ACT_UP, ACT_TAB, ACT_ESC_LEAVE,
                                           ACT_NEW_ACCOUNT, ACT_NONE};
    static const enum ui_action typing[] = {ACT_ENTER, ACT_UP, ACT_TAB, ACT_ESC_CLEAR,
                                            ACT_NEW_ACCOUNT, ACT_NONE};
    const struct search_state *S = st;
    (void)app;
    if (search_typing(S))
        return typing;
    return S->in_list ? acts : field;
}

/* In the search box every printable key is text (a name may start with q
 * or hold a ?): Esc leaves the box, Ctrl-Q quits. In the list ? q / act. */
static unsigned search_live(struct ui_app *app, void *st)
{
    const struct search_state *S = st;
    (void)app;
    return S->in_list ? KEYS_LIVE_ALL : 0;
}

static const char *const search_help[] = {
    N_("Type part of an account name or e-mail, or an account id. The list "
       "follows as you type. Down or Tab moves into the list, Enter opens "
       "the highlighted account on its Subscriptions screen. Up from the "
       "first row returns to the search box. Everything typed in the search "
       "box goes into it, q and ? too: Esc clears it and leaves it, then ? "
       "opens this help and q quits; Ctrl-Q quits from the box."),
    N_("Ctrl-N opens New account: an operator creates a customer account and its "
       "billing contact there."),
    NULL,
};

const struct ui_screen scr_search = {
    .route = "search",
    .title = N_("Find an account"),
    .private_size = sizeof(struct search_state),
    .flags = UI_SCREEN_NO_ACCOUNT,
    .open = search_open_screen,
    .enter = search_enter,
    .done = search_done,
    .draw = search_draw,
    .action = search_action,
    .text = search_text,
    .footer = search_footer,
    .help = search_help,
    .live = search_live,
};
