/* scr_payment_method.c — "Payment method" (SPEC §8), from the account's
 * Subscriptions screen, outside any checkout: the card on file (brand, last
 * 4, expiry) and a new card typed in (masked as typed). Save asks the
 * processor to verify the card (nothing charged) and only then replaces the
 * card on file (account_set_card); a declined card changes nothing and says
 * why. The typed digits live in the screen's state only, which the
 * framework wipes when the screen closes. */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"
#include "payment.h"

enum pm_item { PM_NUMBER, PM_EXPIRY, PM_SAVE, PM_COUNT };

struct pm_state {
    bool has_card;
    struct store_card card;
    struct ui_field number, expiry;
    struct ui_form form;
    char outcome[256];        /* the card the last Save put on file, under the button */
};

static void pm_load(struct ui_app *app, struct pm_state *S)
{
    memset(&S->card, 0, sizeof S->card);
    S->has_card = view_card_on_file(app->b, app->va.acct.id, &S->card) == BC_OK;
}

static void pm_open(struct ui_app *app, void *st, int64_t arg)
{
    struct pm_state *S = st;
    (void)arg;
    pm_load(app, S);
    S->number.digits_only = true;
    S->number.max_chars = 19;
    S->expiry.max_chars = 7;
    ui_form_init(&S->form, PM_COUNT);
    ui_form_bind(&S->form, PM_NUMBER, &S->number);
    ui_form_bind(&S->form, PM_EXPIRY, &S->expiry);
}

static void pm_done(struct ui_app *app, void *st)
{
    struct pm_state *S = st;
    (void)app;
    ui_form_wipe(&S->form);
}

/* Brand names as people write them. */
static const char *pm_brand(const char *id)
{
    static const struct { const char *id, *name; } brands[] = {
        {"visa", "Visa"}, {"mastercard", "Mastercard"}, {"amex", "American Express"},
        {"discover", "Discover"}, {"jcb", "JCB"},
    };
    for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
        if (strcmp(id, brands[i].id) == 0)
            return brands[i].name;
    return _("card");
}

static void pm_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct pm_state *S = st;
    (void)app;
    char buf[256];
    int y = top;
    if (S->has_card)
        snprintf(buf, sizeof buf, _("Card on file: %s ending %s, expires %02d/%04d"),
                 pm_brand(S->card.brand), S->card.last4, S->card.exp_month, S->card.exp_year);
    else
        snprintf(buf, sizeof buf, "%s", _("No card on file."));
    draw_text(y, 2, COLS - 4, buf, A_BOLD);
    y += 2;
    y += draw_wrap(y, 2, COLS - 4, 2, _("A new card replaces it once the card processor "
                                        "verifies it (nothing is charged):"), A_NORMAL);
    y++;
    static const char *const labels[] = {N_("Card number"), N_("Expiry (MM/YY)")};
    int vx = 0;
    for (size_t i = 0; i < 2; i++)
        if (draw_width(_(labels[i])) > vx)
            vx = draw_width(_(labels[i]));
    vx += 6;

    char masked[64] = "";
    if (S->number.text[0] != '\0')
        card_mask(S->number.text, term_ascii(), masked, sizeof masked);
    draw_text(y, 4, vx - 5, _("Card number"), A_BOLD);
    field_draw(&S->number, y, vx, 30, S->form.focus == PM_NUMBER, masked[0] ? masked : NULL);
    explicit_bzero(masked, sizeof masked);
    if (S->form.focus == PM_NUMBER)
        draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
    y++;
    draw_text(y, 4, vx - 5, _("Expiry (MM/YY)"), A_BOLD);
    field_draw(&S->expiry, y, vx, 10, S->form.focus == PM_EXPIRY, NULL);
    if (S->form.focus == PM_EXPIRY)
        draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
    y += 2;
    snprintf(buf, sizeof buf, "[ %s ]", _("Save card"));
    attr_t at = draw_list_mark(y, 2, S->form.focus == PM_SAVE, true, A_BOLD);
    draw_text(y, 4, 40, buf, at);
    y += 2;
    if (S->outcome[0] != '\0' && y < bottom)
        draw_wrap(y, 2, draw_pair_width(COLS - 4), bottom - y, S->outcome, A_NORMAL);
}

/* The decline in words, as the Payment screen says it. */
static const char *pm_declined(const char *reason)
{
    if (strcmp(reason, "insufficient_funds") == 0)
        return _("The card was declined: insufficient funds. The card on file was not changed.");
    if (strcmp(reason, "expired_card") == 0)
        return _("The card was declined: the bank says it has expired. The card on file was "
                 "not changed.");
    return _("The card was declined by the bank. The card on file was not changed.");
}

static void pm_save(struct ui_app *app, struct pm_state *S)
{
    struct store_card card;
    char reason[64];
    S->outcome[0] = '\0';
    if (!ui_may_change(app))
        return;
    enum bc_status st = account_set_card(app->b, app->va.acct.id, S->number.text,
                                         S->expiry.text, &card, reason, sizeof reason);
    switch (st) {
    case BC_OK:
        field_clear(&S->number);
        field_clear(&S->expiry);
        pm_load(app, S);
        snprintf(S->outcome, sizeof S->outcome, _("Saved: %s ending %s is the card on file."),
                 pm_brand(card.brand), card.last4);
        ui_status(app, false, "%s", S->outcome);
        S->form.focus = PM_NUMBER;
        break;
    case BC_INVALID_CARD:
        ui_status_code(app, st);
        S->form.focus = PM_NUMBER;
        break;
    case BC_INVALID_ARGUMENT:
        ui_status(app, true, "%s", _("Write the expiry as MM/YY."));
        S->form.focus = PM_EXPIRY;
        break;
    case BC_CARD_EXPIRED:
        ui_status_code(app, st);
        S->form.focus = PM_EXPIRY;
        break;
    case BC_PAYMENT_DECLINED:
        /* Another card is typed afresh. */
        field_clear(&S->number);
        field_clear(&S->expiry);
        ui_status(app, true, "%s", pm_declined(reason));
        S->form.focus = PM_NUMBER;
        break;
    case BC_PAYMENT_ERROR:
        ui_status(app, true, "%s",
                  _("The card processor did not answer: the card could not be verified. The "
                    "card on file was not changed; try again later."));
        break;
    default:
        ui_status_code(app, st);
        break;
    }
}

static unsigned pm_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct pm_state *S = st;
    switch (act) {
    case ACT_ENTER:
        if (S->form.focus == PM_SAVE)
            pm_save(app, S);
        else
            ui_form_move(&S->form, 1);
        return UI_DONE;
    default:
        return ui_form_key(&S->form, act);
    }
}

static unsigned pm_text(struct ui_app *app, void *st, wint_t ch)
{
    struct pm_state *S = st;
    (void)app;
    struct ui_field *f = ui_form_field(&S->form);
    if (f == NULL)
        return UI_IGNORED;
    if (f == &S->expiry && !((ch >= '0' && ch <= '9') || ch == '/'))
        return UI_HANDLED;
    if (f == &S->number && (ch == ' ' || ch == '-'))
        return UI_HANDLED;   /* grouping is shown by the mask */
    return ui_form_text(&S->form, ch);
}

static const enum ui_action *pm_footer(struct ui_app *app, void *st)
{
    static const enum ui_action field[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_BACK, ACT_NONE};
    const struct pm_state *S = st;
    (void)app;
    return ui_form_field(&S->form) != NULL ? field : acts;
}

/* The card fields take digits (and / in the expiry) only: ? acts there. */
static unsigned pm_live(struct ui_app *app, void *st)
{
    const struct pm_state *S = st;
    (void)app;
    return ui_form_field(&S->form) == NULL ? KEYS_LIVE_ALL : KEYS_LIVE_HELP;
}

static bool pm_busy(struct ui_app *app, void *st)
{
    const struct pm_state *S = st;
    (void)app;
    return S->number.text[0] != '\0';
}

static const char *const pm_help[] = {
    N_("The card renewals and Pay now are charged to. Type a new card's number "
       "(shown masked as you type) and its expiry as MM/YY, then Enter on Save card: "
       "the card processor verifies the card without charging it, and only then does "
       "it replace the card on file. Only brand, last 4 digits and expiry are kept. A "
       "declined card changes nothing and the reason is shown."),
    NULL,
};

const struct ui_screen scr_payment_method = {
    .route = "payment_method",
    .title = N_("Payment method"),
    .private_size = sizeof(struct pm_state),
    .open = pm_open,
    .done = pm_done,
    .draw = pm_draw,
    .action = pm_action,
    .text = pm_text,
    .footer = pm_footer,
    .help = pm_help,
    .live = pm_live,
    .busy = pm_busy,
};
