/* scr_signin.c — kiosk sign-in: e-mail and PIN, checked by access_sign_in
 * (which counts failures, locks after five and audits every attempt). The
 * PIN is shown as dots and wiped from memory after each attempt. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"

enum signin_focus { SIGNIN_EMAIL, SIGNIN_PIN, SIGNIN_BUTTON, SIGNIN_FOCUS_COUNT };

static struct {
    struct ui_field email, pin;
    enum signin_focus focus;
} G;

void ui_signin_reset(void)
{
    access_wipe(&G.pin, sizeof G.pin);
    field_clear(&G.email);
    field_clear(&G.pin);
    G.focus = SIGNIN_EMAIL;
}

static void signin_enter(struct ui_app *app)
{
    (void)app;
    G.email.max_chars = 80;
    G.pin.max_chars = 12;
    G.pin.digits_only = true;
}

static void signin_draw(struct ui_app *app, int top, int bottom)
{
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
    field_draw(&G.email, y, vx, 44, G.focus == SIGNIN_EMAIL, NULL);
    if (G.focus == SIGNIN_EMAIL)
        draw_text(y, lx - 2, 1, draw_glyph_cursor(), A_BOLD);

    char dots[64];
    size_t n = field_chars(&G.pin), off = 0;
    const char *dot = term_ascii() ? "*" : "\u2022";
    dots[0] = '\0';
    for (size_t i = 0; i < n && off + 4 < sizeof dots; i++)
        off += (size_t)snprintf(dots + off, sizeof dots - off, "%s", dot);
    draw_text(y + 1, lx, lw, _("PIN"), A_BOLD);
    field_draw(&G.pin, y + 1, vx, 16, G.focus == SIGNIN_PIN, dots);
    if (G.focus == SIGNIN_PIN)
        draw_text(y + 1, lx - 2, 1, draw_glyph_cursor(), A_BOLD);

    char buf[128];
    snprintf(buf, sizeof buf, "[ %s ]", _("Sign in"));
    attr_t ba = draw_list_mark(y + 3, vx - 2, G.focus == SIGNIN_BUTTON, true, A_BOLD);
    draw_text(y + 3, vx, 30, buf, ba);

    draw_wrap(y + 6, x, COLS - 2 * x, 3,
              _("After five wrong PINs that e-mail is locked for 15 minutes. The session "
                "signs out by itself when nobody uses it."),
              A_NORMAL);
    (void)app;
}

/* The sign-in's clock: time(NULL) plus $BILLCENTER_TEST_CLOCK_OFFSET
 * seconds when that holds a whole number (for tests of the 15-minute lock
 * release; nothing else reads it). */
static int64_t signin_now(void)
{
    int64_t now = (int64_t)time(NULL);
    const char *env = getenv("BILLCENTER_TEST_CLOCK_OFFSET");
    char *end = NULL;
    long long off;

    if (env == NULL || env[0] == '\0')
        return now;
    errno = 0;
    off = strtoll(env, &end, 10);
    if (errno != 0 || end == env || *end != '\0' || off < -(1LL << 40) || off > (1LL << 40))
        return now;
    return now + (int64_t)off;
}

static void signin_submit(struct ui_app *app)
{
    if (G.email.text[0] == '\0') {
        G.focus = SIGNIN_EMAIL;
        return;
    }
    if (G.pin.text[0] == '\0') {
        G.focus = SIGNIN_PIN;
        return;
    }
    struct billing_actor actor;
    memset(&actor, 0, sizeof actor);
    enum bc_status rc = access_sign_in(app->b->store, G.email.text, G.pin.text,
                                       signin_now(), &actor);
    access_wipe(&G.pin, sizeof G.pin);
    field_clear(&G.pin);
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        G.focus = SIGNIN_PIN;
        return;
    }
    app->b->actor = actor;
    struct store_contact c;
    memset(&c, 0, sizeof c);
    rc = store_contact_get(app->b->store, actor.contact_id, &c);
    if (rc == BC_OK)
        rc = ui_load_account(app, c.account_id);
    store_contact_clear(&c);
    if (rc != BC_OK) {
        ui_sign_out(app);
        ui_status_code(app, rc);
        return;
    }
    field_clear(&G.email);
    G.focus = SIGNIN_EMAIL;
    app->depth = 0;
    ui_push(app, UI_SCR_HOME);
}

static bool signin_action(struct ui_app *app, enum ui_action act)
{
    struct ui_field *f = G.focus == SIGNIN_EMAIL ? &G.email
                       : G.focus == SIGNIN_PIN ? &G.pin : NULL;
    switch (act) {
    case ACT_ERASE:
        if (f != NULL)
            field_erase(f);
        return true;
    case ACT_CLEAR:
        if (f != NULL)
            memset(f->text, 0, sizeof f->text);   /* a PIN leaves nothing behind */
        return true;
    case ACT_DOWN:
    case ACT_TAB:
        G.focus = (G.focus + 1) % SIGNIN_FOCUS_COUNT;
        return true;
    case ACT_UP:
    case ACT_BACKTAB:
        G.focus = (G.focus + SIGNIN_FOCUS_COUNT - 1) % SIGNIN_FOCUS_COUNT;
        return true;
    case ACT_ENTER:
        if (G.focus == SIGNIN_EMAIL)
            G.focus = SIGNIN_PIN;
        else
            signin_submit(app);
        return true;
    case ACT_BACK:
        ui_signin_reset();
        return true;
    case ACT_HELP:
    case ACT_QUIT:
        return false;
    default:
        return true;   /* nothing else exists before signing in */
    }
}

static bool signin_text(struct ui_app *app, wint_t ch)
{
    (void)app;
    if (G.focus == SIGNIN_EMAIL)
        field_put(&G.email, ch);
    else if (G.focus == SIGNIN_PIN)
        field_put(&G.pin, ch);
    else
        return false;
    return true;
}

static const enum ui_action *signin_footer(struct ui_app *app)
{
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_NONE};
    static const enum ui_action typed[] = {ACT_TAB, ACT_ENTER, ACT_ESC_CLEAR, ACT_NONE};
    (void)app;
    return G.email.text[0] != '\0' || G.pin.text[0] != '\0' ? typed : acts;
}

/* ? opens the help unless the e-mail field has focus and holds text (the
 * PIN takes digits only); Esc clears both fields. */
static unsigned signin_live(const struct ui_app *app)
{
    (void)app;
    if (G.focus == SIGNIN_EMAIL && G.email.text[0] != '\0')
        return 0;
    return KEYS_LIVE_HELP | KEYS_LIVE_QUIT;
}

static const char *const signin_help[] = {
    N_("Type the e-mail address of your contact, Tab, your PIN, then Enter. Esc clears "
       "what was typed. ? opens this help unless the e-mail field has focus and holds "
       "text."),
    NULL,
};

const struct ui_screen scr_signin = {
    .title = N_("Sign in"),
    .enter = signin_enter,
    .draw = signin_draw,
    .action = signin_action,
    .text = signin_text,
    .footer = signin_footer,
    .help = signin_help,
    .live = signin_live,
};
