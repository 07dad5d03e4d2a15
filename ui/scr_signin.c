/* scr_signin.c — kiosk sign-in: e-mail and PIN, checked by the core's
 * billing_sign_in (which counts failures, locks after five and audits every
 * attempt). The PIN is shown as dots and wiped from memory after each
 * attempt. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"
#include "session.h"

enum signin_focus { SIGNIN_EMAIL, SIGNIN_PIN, SIGNIN_BUTTON, SIGNIN_FOCUS_COUNT };

struct signin_state {
    struct ui_field email, pin;
    struct ui_form form;
};

static void signin_open(struct ui_app *app, void *st, int64_t arg)
{
    struct signin_state *G = st;
    (void)app;
    (void)arg;
    G->email.max_chars = 80;
    G->pin.max_chars = 12;
    G->pin.digits_only = true;
    ui_form_init(&G->form, SIGNIN_FOCUS_COUNT);
    ui_form_bind(&G->form, SIGNIN_EMAIL, &G->email);
    ui_form_bind(&G->form, SIGNIN_PIN, &G->pin);
}

static void signin_done(struct ui_app *app, void *st)
{
    struct signin_state *G = st;
    (void)app;
    ui_form_wipe(&G->form);
}

static void signin_reset(struct signin_state *G)
{
    ui_form_wipe(&G->form);
    G->form.focus = SIGNIN_EMAIL;
}

static void signin_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct signin_state *G = st;
    int focus = G->form.focus;
    (void)bottom;
    int x = 6, lx = 6;
    int lw = draw_width(_("E-mail"));
    if (draw_width(_("PIN")) > lw)
        lw = draw_width(_("PIN"));
    int vx = lx + lw + 2;
    draw_wrap(top + 1, x, COLS - 2 * x, 2,
              _("Sign in with the e-mail address of your contact and your PIN."), A_BOLD);

    int y = top + 4;
    draw_text(y, lx, lw, _("E-mail"), A_BOLD);
    field_draw(&G->email, y, vx, 44, focus == SIGNIN_EMAIL, NULL);
    if (focus == SIGNIN_EMAIL)
        draw_text(y, lx - 2, 1, draw_glyph_cursor(), A_BOLD);

    char dots[64];
    size_t n = field_chars(&G->pin), off = 0;
    const char *dot = term_ascii() ? "*" : "\u2022";
    dots[0] = '\0';
    for (size_t i = 0; i < n && off + 4 < sizeof dots; i++)
        off += (size_t)snprintf(dots + off, sizeof dots - off, "%s", dot);
    draw_text(y + 1, lx, lw, _("PIN"), A_BOLD);
    field_draw(&G->pin, y + 1, vx, 16, focus == SIGNIN_PIN, dots);
    if (focus == SIGNIN_PIN)
        draw_text(y + 1, lx - 2, 1, draw_glyph_cursor(), A_BOLD);

    char buf[128];
    snprintf(buf, sizeof buf, "[ %s ]", _("Sign in"));
    attr_t ba = draw_list_mark(y + 3, vx - 2, focus == SIGNIN_BUTTON, true, A_BOLD);
    draw_text(y + 3, vx, 30, buf, ba);

    draw_wrap(y + 6, x, COLS - 2 * x, 3,
              _("After five wrong PINs that e-mail is locked for 15 minutes. The session "
                "signs out by itself when nobody uses it."),
              A_NORMAL);
    (void)app;
}

static void signin_submit(struct ui_app *app, struct signin_state *G)
{
    if (G->email.text[0] == '\0') {
        G->form.focus = SIGNIN_EMAIL;
        return;
    }
    if (G->pin.text[0] == '\0') {
        G->form.focus = SIGNIN_PIN;
        return;
    }
    int64_t account_id = 0;
    enum bc_status rc = billing_sign_in(app->b, G->email.text, G->pin.text, &account_id);
    field_clear(&G->pin);
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        G->form.focus = SIGNIN_PIN;
        return;
    }
    rc = ui_load_account(app, account_id);
    if (rc != BC_OK) {
        billing_sign_out(app->b);
        ui_status_code(app, rc);
        return;
    }
    signin_reset(G);
    ui_go_root(app, "home", 0);
}

static unsigned signin_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct signin_state *G = st;
    unsigned r;
    switch (act) {
    case ACT_ENTER:
        if (G->form.focus == SIGNIN_EMAIL)
            G->form.focus = SIGNIN_PIN;
        else
            signin_submit(app, G);
        return UI_DONE;
    case ACT_BACK:
        signin_reset(G);
        return UI_DONE;
    case ACT_HELP:
    case ACT_QUIT:
        return UI_IGNORED;
    default:
        r = ui_form_key(&G->form, act);
        return r != UI_IGNORED ? r : UI_HANDLED;   /* nothing else exists before signing in */
    }
}

static unsigned signin_text(struct ui_app *app, void *st, wint_t ch)
{
    struct signin_state *G = st;
    (void)app;
    return ui_form_text(&G->form, ch);
}

static const enum ui_action *signin_footer(struct ui_app *app, void *st)
{
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_NONE};
    static const enum ui_action typed[] = {ACT_TAB, ACT_ENTER, ACT_ESC_CLEAR, ACT_NONE};
    const struct signin_state *G = st;
    (void)app;
    return G->email.text[0] != '\0' || G->pin.text[0] != '\0' ? typed : acts;
}

/* While the e-mail or PIN field has focus every printable key is typed
 * into it (an e-mail may hold ? or q); ? opens the help from the Sign in
 * button, where the footer offers it. Nothing quits a kiosk. */
static unsigned signin_live(struct ui_app *app, void *st)
{
    const struct signin_state *G = st;
    (void)app;
    return G->form.focus == SIGNIN_BUTTON ? KEYS_LIVE_HELP : 0;
}

static const char *const signin_help[] = {
    N_("Type the e-mail address of your contact, Tab, your PIN, then Enter. Esc clears "
       "what was typed. In the fields every key is typed; ? opens this help from the "
       "Sign in button."),
    NULL,
};

const struct ui_screen scr_signin = {
    .route = "signin",
    .title = N_("Sign in"),
    .private_size = sizeof(struct signin_state),
    .open = signin_open,
    .done = signin_done,
    .draw = signin_draw,
    .action = signin_action,
    .text = signin_text,
    .footer = signin_footer,
    .help = signin_help,
    .live = signin_live,
};
