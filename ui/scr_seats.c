/* scr_seats.c — "Manage seats": the account's users with a check per seat
 * of the selected product, assigned / total, toggled with Space or Enter
 * through billing_seat_set (which refuses over-assignment), a small form
 * to add a user (name, e-mail) through billing_user_add, and x to remove
 * the highlighted user (asked first; the core unassigns their seats). An
 * account that cannot be changed here is shown without those actions. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"
#include "list.h"
#include "substate.h"

enum seats_form { FORM_NAME, FORM_EMAIL, FORM_SAVE, FORM_COUNT };

struct seats_state {
    struct store_seat_list seats;
    struct ui_list list;
    bool form_open;
    struct ui_field name, email;
    struct ui_form form;      /* Add a user: items in enum seats_form order */
    int64_t remove_uid;       /* the user the open question would remove */
};

/* True when this person may change the account (the actions are offered). */
static bool seats_may_change(const struct ui_app *app)
{
    return app->have_account && app->va.rights.may_change == BC_OK;
}

static void seats_load(struct ui_app *app, struct seats_state *T)
{
    const struct store_subscription *sub = ui_sub(app);
    view_seats_clear(&T->seats);
    if (sub != NULL) {
        enum bc_status rc = view_seats(app->b, sub->id, &T->seats);
        if (rc != BC_OK)
            ui_status_code(app, rc);
    }
    ui_list_set_count(&T->list, T->seats.n);
}

/* `arg`: the subscription to show (0: the one selected). */
static void seats_open(struct ui_app *app, void *st, int64_t arg)
{
    struct seats_state *T = st;
    for (size_t i = 0; arg != 0 && i < app->va.subs.n; i++)
        if (app->va.subs.items[i].id == arg)
            app->sub_sel = i;
    T->name.max_chars = 60;
    T->email.max_chars = 80;
    ui_form_init(&T->form, FORM_COUNT);
    ui_form_bind(&T->form, FORM_NAME, &T->name);
    ui_form_bind(&T->form, FORM_EMAIL, &T->email);
}

static void seats_enter(struct ui_app *app, void *st)
{
    struct seats_state *T = st;
    T->form_open = false;
    seats_load(app, T);
}

static void seats_done(struct ui_app *app, void *st)
{
    struct seats_state *T = st;
    (void)app;
    view_seats_clear(&T->seats);
    ui_form_wipe(&T->form);
}

static void seats_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct seats_state *T = st;
    enum seats_form focus = (enum seats_form)T->form.focus;
    const struct store_subscription *sub = ui_sub(app);
    if (sub == NULL) {
        draw_text(top, 2, COLS - 4, _("This account has no subscriptions."), A_NORMAL);
        return;
    }
    char buf[512];
    snprintf(buf, sizeof buf, _("%s %s: %d of %d seats assigned"),
             ui_product_name(app, sub->product), ui_plan_name(app, sub->product, sub->plan),
             sub->seats_assigned, sub->seats);
    int hw = draw_text(top, 2, COLS - 4, buf, A_BOLD);
    if (sub->sched_plan != NULL && sub->sched_seats < sub->seats) {
        /* A scheduled reduction caps what may be assigned (SPEC §8). */
        char day[16], more[160];
        fmt_date(day, sizeof day, sub->period_end);
        snprintf(more, sizeof more, ngettext("; %d seat from %s", "; %d seats from %s",
                                             sub->sched_seats),
                 sub->sched_seats, day);
        draw_text(top, 2 + hw, COLS - 4 - hw, more, A_NORMAL);
    }
    /* The state in words (SPEC §8); the hint after it, the state without
     * its date when both would not fit. */
    char state[256];
    attr_t sa;
    ui_sub_state_text(sub, state, sizeof state, &sa);
    const char *hint = app->va.subs.n > 1 ? _("Left/Right shows another product.") : "";
    if (hint[0] != '\0' && draw_width(state) + 3 + draw_width(hint) > COLS - 4)
        snprintf(state, sizeof state, "%s", ui_sub_state_word(sub));
    int sw = draw_text(top + 1, 2, COLS - 4, state, sa);
    if (hint[0] != '\0')
        draw_text(top + 1, 2 + sw + 3, COLS - 4 - sw - 3, hint, A_NORMAL);

    int y = top + 3;
    attr_t h = term_attr(TERM_HEADING);
    draw_text(y, 4, 6, _("Seat"), h);
    draw_text(y, 12, 22, _("User"), h);
    draw_text(y, 36, COLS - 38, _("E-mail"), h);
    y++;
    int list_bottom = T->form_open ? bottom - 4 : bottom;
    if (!seats_may_change(app)) {
        /* Why nothing can be changed, in place of the actions. */
        if (app->va.rights.may_change == BC_NOT_BILLING_CONTACT)
            snprintf(buf, sizeof buf,
                     _("View only: changes are made by the billing contact, %s <%s>."),
                     app->billing_name, app->billing_email);
        else
            snprintf(buf, sizeof buf, "%s", _(bc_status_message(app->va.rights.may_change)));
        draw_wrap(top + 2, 2, COLS - 4, 1, buf, term_attr(TERM_ERROR));
    }
    if (T->seats.n == 0)
        draw_text(y, 4, COLS - 8,
                  seats_may_change(app) ? _("No users yet: press a to add one.") : _("No users yet."),
                  A_NORMAL);
    ui_list_layout(&T->list, (size_t)(list_bottom - y));
    for (size_t i = T->list.top; i < T->seats.n && y < list_bottom; i++, y++) {
        const struct store_seat *s = &T->seats.items[i];
        /* The cursor and the check box mark the current seat (what Space
         * toggles): a move rewrites those few cells, not two whole rows. */
        attr_t at = draw_list_mark(y, 2, i == T->list.sel && !T->form_open, true, A_NORMAL);
        draw_text(y, 4, 6, draw_glyph_check(s->assigned), at);
        draw_text(y, 12, 22, s->name ? s->name : "", A_NORMAL);
        draw_text(y, 36, COLS - 38, s->email ? s->email : "", A_NORMAL);
    }
    if (T->form_open) {
        int fy = bottom - 3;
        draw_rule(fy - 1, 2, COLS - 4, _("Add a user"));
        draw_text(fy, 4, 10, _("Name"), A_BOLD);
        field_draw(&T->name, fy, 14, 30, focus == FORM_NAME, NULL);
        draw_text(fy + 1, 4, 10, _("E-mail"), A_BOLD);
        field_draw(&T->email, fy + 1, 14, 40, focus == FORM_EMAIL, NULL);
        snprintf(buf, sizeof buf, "[ %s ]", _("Add user"));
        draw_text(fy + 2, 14, 30, buf,
                  focus == FORM_SAVE ? term_attr(TERM_SELECTED) : A_BOLD);
        int cy = focus == FORM_NAME ? fy : focus == FORM_EMAIL ? fy + 1 : fy + 2;
        draw_text(cy, 2, 1, draw_glyph_cursor(), A_BOLD);
    }
}

static void seats_toggle(struct ui_app *app, struct seats_state *T)
{
    const struct store_subscription *sub = ui_sub(app);
    if (sub == NULL || T->list.sel >= T->seats.n)
        return;
    if (!ui_may_change(app))
        return;
    const struct store_seat *s = &T->seats.items[T->list.sel];
    enum bc_status rc = billing_seat_set(app->b, app->va.acct.id, sub->id, s->user_id, !s->assigned);
    if (rc != BC_OK) {
        char day[16];
        fmt_date(day, sizeof day, sub->period_end);
        if (rc == BC_SEATS_EXHAUSTED)
            ui_status(app, true, _("All %d seats are assigned: add seats (Modify subscription) or unassign one first."),
                      sub->seats);
        else if (rc == BC_SEATS_SCHEDULED_LIMIT)
            /* SPEC §8: the next period's count, and from when. */
            ui_status(app, true,
                      ngettext("A reduction to %d seat is scheduled for %s: no more seats can be assigned.",
                               "A reduction to %d seats is scheduled for %s: no more seats can be assigned.",
                               sub->sched_seats),
                      sub->sched_seats, day);
        else
            ui_status_code(app, rc);
        return;
    }
    ui_load_account(app, app->va.acct.id);
    seats_load(app, T);
}

static void seats_add_user(struct ui_app *app, struct seats_state *T)
{
    if (T->name.text[0] == '\0') {
        ui_status(app, true, "%s", _("Give the user's name."));
        T->form.focus = FORM_NAME;
        return;
    }
    if (T->email.text[0] == '\0') {
        ui_status(app, true, "%s", _("Give the user's e-mail address."));
        T->form.focus = FORM_EMAIL;
        return;
    }
    int64_t uid = 0;
    enum bc_status rc = billing_user_add(app->b, app->va.acct.id, T->name.text, T->email.text, &uid);
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        if (rc == BC_DUPLICATE_USER_EMAIL || rc == BC_INVALID_EMAIL_AT
            || rc == BC_INVALID_EMAIL_DOMAIN || rc == BC_INVALID_EMAIL_SPACE)
            T->form.focus = FORM_EMAIL;
        return;
    }
    ui_status(app, false, _("%s was added; Space assigns a seat."), T->name.text);
    field_clear(&T->name);
    field_clear(&T->email);
    T->form_open = false;
    seats_load(app, T);
    for (size_t i = 0; i < T->seats.n; i++)
        if (T->seats.items[i].user_id == uid)
            ui_list_select(&T->list, i);
}

static void seats_yes_remove(struct ui_app *app, void *st)
{
    struct seats_state *T = st;
    char name[256] = "";
    for (size_t i = 0; i < T->seats.n; i++)
        if (T->seats.items[i].user_id == T->remove_uid)
            snprintf(name, sizeof name, "%s", T->seats.items[i].name ? T->seats.items[i].name : "");
    int freed = 0;
    enum bc_status rc = billing_user_remove(app->b, app->va.acct.id, T->remove_uid, &freed);
    T->remove_uid = 0;
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        return;
    }
    if (freed > 0)
        ui_status(app, false,
                  ngettext("%s was removed; %d seat was unassigned.",
                           "%s was removed; %d seats were unassigned.", freed),
                  name, freed);
    else
        ui_status(app, false, _("%s was removed."), name);
    ui_load_account(app, app->va.acct.id);
    seats_load(app, T);
}

/* x: asks before removing the highlighted user. */
static void seats_remove(struct ui_app *app, struct seats_state *T)
{
    if (T->list.sel >= T->seats.n || !ui_may_change(app))
        return;
    const struct store_seat *s = &T->seats.items[T->list.sel];
    char q[256];
    snprintf(q, sizeof q, _("Remove %s <%s>? Any seats they hold are unassigned. y/n"),
             s->name ? s->name : "", s->email ? s->email : "");
    T->remove_uid = s->user_id;
    ui_ask(app, q, seats_yes_remove);
}

static unsigned seats_form_action(struct ui_app *app, struct seats_state *T,
                                  enum ui_action act)
{
    unsigned r;
    switch (act) {
    case ACT_ENTER:
        if (T->form.focus == FORM_SAVE)
            seats_add_user(app, T);
        else
            ui_form_move(&T->form, 1);
        return UI_DONE;
    case ACT_BACK:
        T->form_open = false;
        return UI_DONE;
    case ACT_HELP:
        return UI_IGNORED;
    default:
        r = ui_form_key(&T->form, act);
        return r != UI_IGNORED ? r : UI_HANDLED;
    }
}

static unsigned seats_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct seats_state *T = st;
    if (T->form_open)
        return seats_form_action(app, T, act);
    switch (act) {
    case ACT_LEFT:
    case ACT_RIGHT:
        if (app->va.subs.n > 1) {
            size_t n = app->va.subs.n;
            app->sub_sel = act == ACT_LEFT ? (app->sub_sel + n - 1) % n : (app->sub_sel + 1) % n;
            ui_list_select(&T->list, 0);
            seats_load(app, T);
            return UI_DONE;
        }
        return UI_HANDLED;
    case ACT_TOGGLE:
    case ACT_ENTER:
        seats_toggle(app, T);
        return UI_DONE;
    case ACT_ADD_USER:
        if (!ui_may_change(app))
            return UI_DONE;
        T->form_open = true;
        T->form.focus = FORM_NAME;
        return UI_DONE;
    case ACT_REMOVE:
        seats_remove(app, T);
        return UI_DONE;
    case ACT_SEATS:
    case ACT_MANAGE:
        return UI_HANDLED;
    default:
        return ui_list_key(&T->list, act);
    }
}

static unsigned seats_text(struct ui_app *app, void *st, wint_t ch)
{
    struct seats_state *T = st;
    (void)app;
    if (!T->form_open)
        return UI_IGNORED;
    return ui_form_text(&T->form, ch);
}

static const enum ui_action *seats_footer(struct ui_app *app, void *st)
{
    static const enum ui_action form[] = {ACT_TAB, ACT_ENTER, ACT_BACK, ACT_NONE};
    static const enum ui_action field[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    static const enum ui_action acts[] = {ACT_UP, ACT_TOGGLE, ACT_ADD_USER, ACT_REMOVE, ACT_BACK,
                                          ACT_NONE};
    static const enum ui_action acts_more[] = {ACT_UP, ACT_TOGGLE, ACT_ADD_USER, ACT_REMOVE,
                                               ACT_LEFT, ACT_BACK, ACT_NONE};
    static const enum ui_action view[] = {ACT_UP, ACT_BACK, ACT_NONE};
    static const enum ui_action view_more[] = {ACT_UP, ACT_LEFT, ACT_BACK, ACT_NONE};
    const struct seats_state *T = st;
    bool more = app->va.subs.n > 1;
    if (!seats_may_change(app))
        return more ? view_more : view;
    if (!T->form_open)
        return more ? acts_more : acts;
    return ui_form_field(&T->form) == NULL ? form : field;
}

/* A field of the Add a user form takes every printable key (? q / too);
 * on its button ? opens the help. */
static unsigned seats_live(struct ui_app *app, void *st)
{
    const struct seats_state *T = st;
    (void)app;
    if (!T->form_open)
        return KEYS_LIVE_ALL;
    return ui_form_field(&T->form) != NULL ? 0 : KEYS_LIVE_HELP;
}

/* A user typed into the form would be lost. */
static bool seats_busy(struct ui_app *app, void *st)
{
    const struct seats_state *T = st;
    (void)app;
    return T->form_open && (T->name.text[0] != '\0' || T->email.text[0] != '\0');
}

static const char *const seats_help[] = {
    N_("Each user of the account has a check for a seat of this product. "
       "Space or Enter assigns or unassigns the highlighted user's seat; "
       "assigning more users than seats is refused. a adds a user (name and "
       "e-mail; an e-mail already on the account is refused). x removes the "
       "highlighted user after asking; the seats they hold are unassigned. "
       "Left/Right switches to another product of the account. In the "
       "form's fields every key is text (Ctrl-U clears, Tab moves, Esc "
       "closes the form, Ctrl-Q quits)."),
    NULL,
};

const struct ui_screen scr_seats = {
    .route = "seats",
    .title = N_("Manage seats"),
    .flags = UI_SCREEN_FOOTER_FIT,
    .private_size = sizeof(struct seats_state),
    .open = seats_open,
    .enter = seats_enter,
    .done = seats_done,
    .draw = seats_draw,
    .action = seats_action,
    .text = seats_text,
    .footer = seats_footer,
    .help = seats_help,
    .live = seats_live,
    .busy = seats_busy,
};
