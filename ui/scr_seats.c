/* scr_seats.c — "Manage seats": the account's users with a check per seat
 * of the selected product, assigned / total, toggled with Space or Enter
 * through billing_seat_set (which refuses over-assignment), and a small form
 * to add a user (name, e-mail) through billing_user_add. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"

enum seats_form { FORM_NAME, FORM_EMAIL, FORM_SAVE, FORM_COUNT };

static struct {
    struct store_seat_list seats;
    size_t sel, top;
    bool form_open;
    enum seats_form form_focus;
    struct ui_field name, email;
} T;

static void seats_load(struct ui_app *app)
{
    const struct store_subscription *sub = ui_sub(app);
    store_seat_list_clear(&T.seats);
    memset(&T.seats, 0, sizeof T.seats);
    if (sub == NULL)
        return;
    enum bc_status rc = store_seats(app->b->store, sub->id, &T.seats);
    if (rc != BC_OK)
        ui_status_code(app, rc);
    if (T.sel >= T.seats.n)
        T.sel = T.seats.n ? T.seats.n - 1 : 0;
}

static void seats_enter(struct ui_app *app)
{
    T.form_open = false;
    T.name.max_chars = 60;
    T.email.max_chars = 80;
    seats_load(app);
}

static void seats_draw(struct ui_app *app, int top, int bottom)
{
    const struct store_subscription *sub = ui_sub(app);
    if (sub == NULL) {
        draw_text(top, 2, COLS - 4, _("This account has no subscriptions."), A_NORMAL);
        return;
    }
    char buf[512];
    snprintf(buf, sizeof buf, _("%s %s: %d of %d seats assigned"),
             ui_product_name(app, sub->product), ui_plan_name(app, sub->product, sub->plan),
             sub->seats_assigned, sub->seats);
    draw_text(top, 2, COLS - 4, buf, A_BOLD);
    if (app->subs.n > 1)
        draw_text(top + 1, 2, COLS - 4, _("Left/Right shows another product."), A_NORMAL);

    int y = top + 3;
    attr_t h = term_attr(TERM_HEADING);
    draw_text(y, 4, 6, _("Seat"), h);
    draw_text(y, 12, 22, _("User"), h);
    draw_text(y, 36, COLS - 38, _("E-mail"), h);
    y++;
    int list_bottom = T.form_open ? bottom - 4 : bottom;
    if (T.seats.n == 0)
        draw_text(y, 4, COLS - 8, _("No users yet: press a to add one."), A_NORMAL);
    size_t rows = (size_t)(list_bottom - y);
    T.top = ui_scroll_top(T.sel, T.top, rows, T.seats.n);
    for (size_t i = T.top; i < T.seats.n && y < list_bottom; i++, y++) {
        const struct store_seat *s = &T.seats.items[i];
        /* The cursor and the check box mark the current seat (what Space
         * toggles): a move rewrites those few cells, not two whole rows. */
        attr_t at = draw_list_mark(y, 2, i == T.sel && !T.form_open, true, A_NORMAL);
        draw_text(y, 4, 6, draw_glyph_check(s->assigned), at);
        draw_text(y, 12, 22, s->name ? s->name : "", A_NORMAL);
        draw_text(y, 36, COLS - 38, s->email ? s->email : "", A_NORMAL);
    }
    if (T.form_open) {
        int fy = bottom - 3;
        draw_rule(fy - 1, 2, COLS - 4, _("Add a user"));
        draw_text(fy, 4, 10, _("Name"), A_BOLD);
        field_draw(&T.name, fy, 14, 30, T.form_focus == FORM_NAME, NULL);
        draw_text(fy + 1, 4, 10, _("E-mail"), A_BOLD);
        field_draw(&T.email, fy + 1, 14, 40, T.form_focus == FORM_EMAIL, NULL);
        snprintf(buf, sizeof buf, "[ %s ]", _("Add user"));
        draw_text(fy + 2, 14, 30, buf,
                  T.form_focus == FORM_SAVE ? term_attr(TERM_SELECTED) : A_BOLD);
        int cy = T.form_focus == FORM_NAME ? fy : T.form_focus == FORM_EMAIL ? fy + 1 : fy + 2;
        draw_text(cy, 2, 1, draw_glyph_cursor(), A_BOLD);
    }
}

static void seats_toggle(struct ui_app *app)
{
    const struct store_subscription *sub = ui_sub(app);
    if (sub == NULL || T.sel >= T.seats.n)
        return;
    if (!ui_may_change(app))
        return;
    const struct store_seat *s = &T.seats.items[T.sel];
    enum bc_status rc = billing_seat_set(app->b, app->acct.id, sub->id, s->user_id, !s->assigned);
    if (rc != BC_OK) {
        if (rc == BC_SEATS_EXHAUSTED)
            ui_status(app, true, _("All %d seats are assigned: add seats (Modify subscription) or unassign one first."),
                      sub->seats);
        else
            ui_status_code(app, rc);
        return;
    }
    ui_load_account(app, app->acct.id);
    seats_load(app);
}

static void seats_add_user(struct ui_app *app)
{
    if (T.name.text[0] == '\0' || strchr(T.email.text, '@') == NULL) {
        ui_status(app, true, "%s", _("Give the user's name and e-mail address."));
        T.form_focus = T.name.text[0] == '\0' ? FORM_NAME : FORM_EMAIL;
        return;
    }
    int64_t uid = 0;
    enum bc_status rc = billing_user_add(app->b, app->acct.id, T.name.text, T.email.text, &uid);
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        return;
    }
    ui_status(app, false, _("%s was added; Space assigns a seat."), T.name.text);
    field_clear(&T.name);
    field_clear(&T.email);
    T.form_open = false;
    seats_load(app);
    for (size_t i = 0; i < T.seats.n; i++)
        if (T.seats.items[i].user_id == uid)
            T.sel = i;
}

static bool seats_form_action(struct ui_app *app, enum ui_action act)
{
    struct ui_field *f = T.form_focus == FORM_NAME ? &T.name
                       : T.form_focus == FORM_EMAIL ? &T.email : NULL;
    switch (act) {
    case ACT_ERASE:
        if (f != NULL)
            field_erase(f);
        return true;
    case ACT_CLEAR:
        if (f != NULL)
            field_clear(f);
        return true;
    case ACT_TAB:
    case ACT_DOWN:
        T.form_focus = (T.form_focus + 1) % FORM_COUNT;
        return true;
    case ACT_BACKTAB:
    case ACT_UP:
        T.form_focus = (T.form_focus + FORM_COUNT - 1) % FORM_COUNT;
        return true;
    case ACT_ENTER:
        if (T.form_focus == FORM_SAVE)
            seats_add_user(app);
        else
            T.form_focus++;
        return true;
    case ACT_BACK:
        T.form_open = false;
        return true;
    case ACT_HELP:
        return false;
    default:
        return true;
    }
}

static bool seats_action(struct ui_app *app, enum ui_action act)
{
    if (T.form_open)
        return seats_form_action(app, act);
    switch (act) {
    case ACT_UP:
        if (T.sel > 0)
            T.sel--;
        return true;
    case ACT_DOWN:
        if (T.sel + 1 < T.seats.n)
            T.sel++;
        return true;
    case ACT_LEFT:
    case ACT_RIGHT:
        if (app->subs.n > 1) {
            size_t n = app->subs.n;
            app->sub_sel = act == ACT_LEFT ? (app->sub_sel + n - 1) % n : (app->sub_sel + 1) % n;
            T.sel = 0;
            seats_load(app);
        }
        return true;
    case ACT_TOGGLE:
    case ACT_ENTER:
        seats_toggle(app);
        return true;
    case ACT_ADD_USER:
        if (!ui_may_change(app))
            return true;
        T.form_open = true;
        T.form_focus = FORM_NAME;
        return true;
    case ACT_SEATS:
    case ACT_MANAGE:
        return true;
    default:
        return false;
    }
}

static bool seats_text(struct ui_app *app, wint_t ch)
{
    (void)app;
    if (!T.form_open || T.form_focus == FORM_SAVE)
        return false;
    field_put(T.form_focus == FORM_NAME ? &T.name : &T.email, ch);
    return true;
}

static const enum ui_action *seats_footer(struct ui_app *app)
{
    static const enum ui_action form[] = {ACT_TAB, ACT_ENTER, ACT_BACK, ACT_NONE};
    static const enum ui_action field[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    static const enum ui_action acts[] = {ACT_UP, ACT_TOGGLE, ACT_ADD_USER, ACT_LEFT, ACT_BACK,
                                          ACT_NONE};
    (void)app;
    if (!T.form_open)
        return acts;
    return T.form_focus == FORM_SAVE ? form : field;
}

/* The Add a user form takes q and / as text (and keeps them from acting);
 * ? opens the help unless the focused field holds text. */
static unsigned seats_live(const struct ui_app *app)
{
    (void)app;
    if (!T.form_open)
        return KEYS_LIVE_ALL;
    const struct ui_field *f = T.form_focus == FORM_NAME ? &T.name
                             : T.form_focus == FORM_EMAIL ? &T.email : NULL;
    return f != NULL && f->text[0] != '\0' ? 0 : KEYS_LIVE_HELP;
}

static const char *const seats_help[] = {
    N_("Each user of the account has a check for a seat of this product. "
       "Space or Enter assigns or unassigns the highlighted user's seat; "
       "assigning more users than seats is refused. a adds a user (name and "
       "e-mail). Left/Right switches to another product of the account. "
       "In the form q and / are text; ? opens this help unless the focused "
       "field holds text (Ctrl-U clears it, Tab leaves it)."),
    NULL,
};

const struct ui_screen scr_seats = {
    .title = N_("Manage seats"),
    .enter = seats_enter,
    .draw = seats_draw,
    .action = seats_action,
    .text = seats_text,
    .footer = seats_footer,
    .help = seats_help,
    .live = seats_live,
};
