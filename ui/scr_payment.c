/* scr_payment.c — "Payment", only when something is due: the card on file
 * or a new card (Luhn-checked, masked as typed, expiry in the future), the
 * VAT number checked for the billing country, and Place order. The VAT line
 * and Total due follow the VAT number and country as typed (the core
 * re-quotes), so the total shown is the expect_due placed. The card is
 * handed to the core and never kept here beyond the screen. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"
#include "payment.h"
#include "summary.h"
#include "vat.h"

enum pay_focus { PAY_SOURCE, PAY_NUMBER, PAY_EXPIRY, PAY_VAT, PAY_COUNTRY, PAY_PLACE,
                 PAY_FOCUS_COUNT };

static struct {
    unsigned serial;          /* the checkout these fields belong to */
    bool has_card;
    struct store_card card;
    bool use_card_on_file;
    struct ui_field number, expiry, vat, country;
    enum pay_focus focus;
} P;

static bool pay_focusable(enum pay_focus f)
{
    switch (f) {
    case PAY_SOURCE:
        return P.has_card;
    case PAY_NUMBER:
    case PAY_EXPIRY:
        return !P.use_card_on_file;
    default:
        return true;
    }
}

static void pay_move(int dir)
{
    int f = (int)P.focus;
    for (int i = 0; i < PAY_FOCUS_COUNT; i++) {
        f = (f + dir + PAY_FOCUS_COUNT) % PAY_FOCUS_COUNT;
        if (pay_focusable((enum pay_focus)f)) {
            P.focus = (enum pay_focus)f;
            return;
        }
    }
}

static void pay_requote(struct ui_app *app, bool always);

static void payment_enter(struct ui_app *app)
{
    if (P.serial == app->co.serial) {
        /* Same checkout (even after a decline or a stale quote): keep what
         * was typed, and the figures that go with it. */
        pay_requote(app, false);
        return;
    }
    P.serial = app->co.serial;
    memset(&P.card, 0, sizeof P.card);
    P.has_card = store_card_get(app->b->store, app->acct.id, &P.card) == BC_OK;
    P.use_card_on_file = P.has_card;
    P.number.digits_only = true;
    P.number.max_chars = 19;
    field_clear(&P.number);
    P.expiry.max_chars = 7;
    field_clear(&P.expiry);
    P.vat.max_chars = 20;
    field_set(&P.vat, app->acct.vat_number);
    P.country.max_chars = 2;
    field_set(&P.country, app->acct.country);
    P.focus = P.has_card ? PAY_PLACE : PAY_NUMBER;
}

/* Brand names as people write them. */
static const char *pay_brand(const char *id)
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

static struct ui_field *pay_field(enum pay_focus f)
{
    switch (f) {
    case PAY_NUMBER: return &P.number;
    case PAY_EXPIRY: return &P.expiry;
    case PAY_VAT: return &P.vat;
    case PAY_COUNTRY: return &P.country;
    default: return NULL;
    }
}

/* ---- checks, also shown next to the fields as words (not color) ---- */

static enum bc_status pay_check_number(void)
{
    char digits[32];
    if (!card_normalise(P.number.text, digits, sizeof digits) || !card_luhn_ok(digits))
        return BC_INVALID_CARD;
    return BC_OK;
}

static enum bc_status pay_check_expiry(const struct ui_app *app)
{
    int m, y, ty, tm, td;
    if (!card_parse_expiry(P.expiry.text, &m, &y))
        return BC_INVALID_ARGUMENT;
    date_to_civil(app->b->today, &ty, &tm, &td);
    return card_expiry_ok(m, y, ty, tm) ? BC_OK : BC_CARD_EXPIRED;
}

static enum bc_status pay_check_country(void)
{
    if (strlen(P.country.text) != 2 || !isupper((unsigned char)P.country.text[0])
        || !isupper((unsigned char)P.country.text[1]))
        return BC_UNKNOWN_COUNTRY;
    return BC_OK;
}

static enum bc_status pay_check_vat(void)
{
    if (P.vat.text[0] == '\0')
        return BC_OK;
    if (pay_check_country() != BC_OK || !vat_number_valid(P.country.text, P.vat.text))
        return BC_INVALID_VAT_NUMBER;
    return BC_OK;
}

/* The VAT number and country as billing_place takes them: NULL keeps the
 * account's. */
static void pay_vat_args(const struct ui_app *app, const char **vat, const char **country)
{
    const char *old_vat = app->acct.vat_number ? app->acct.vat_number : "";
    *vat = strcmp(P.vat.text, old_vat) != 0 ? P.vat.text : NULL;
    *country = strcmp(P.country.text, app->acct.country) != 0 ? P.country.text : NULL;
}

/* Re-quotes the checkout for the VAT number and country as typed, when both
 * are valid (otherwise the figures on screen stay and the field says "not
 * valid"). `always` false: only when they differ from the account's, so
 * the review's figures stay as they were shown. */
static void pay_requote(struct ui_app *app, bool always)
{
    struct ui_checkout *co = &app->co;
    const char *vn, *cc;
    if (pay_check_country() != BC_OK || pay_check_vat() != BC_OK)
        return;
    pay_vat_args(app, &vn, &cc);
    if (!always && vn == NULL && cc == NULL)
        return;
    struct billing_quote *q = malloc(sizeof *q);
    if (q == NULL) {
        ui_status_code(app, BC_NO_MEMORY);
        return;
    }
    enum bc_status rc = billing_quote_checkout(app->b, app->acct.id, co->is_cart ? NULL : &co->change,
                                               vn, cc, q);
    if (rc == BC_OK) {
        co->quote = *q;
        co->quoted = true;
        if (q->refusal != BC_OK)
            ui_status_code(app, q->refusal);
    } else {
        ui_status_code(app, rc);
    }
    free(q);
}

/* `fem`: the field names a feminine noun in Italian (expiry, VAT number). */
static void pay_mark(int y, int x, bool empty, enum bc_status st, bool fem)
{
    if (empty)
        return;
    if (st == BC_OK)
        draw_text(y, x, 20, fem ? C_("feminine", "valid") : _("valid"), term_attr(TERM_OK));
    else
        draw_text(y, x, 20, fem ? C_("feminine", "not valid") : _("not valid"),
                  term_attr(TERM_ERROR));
}

static void payment_draw(struct ui_app *app, int top, int bottom)
{
    const struct billing_quote *q = &app->co.quote;
    char buf[512], money[64], vat[64];
    summary_vat_label(vat, sizeof vat, q);
    fmt_money(money, sizeof money, q->totals.tax, q->currency);
    draw_pair(top, 2, 40, vat, money, A_NORMAL);
    fmt_money(money, sizeof money, q->totals.due, q->currency);
    draw_pair(top + 1, 2, 40, _("Total due"), money, term_attr(TERM_TOTAL));

    int y = top + 3, lx = 4, fw = 30;
    static const char *const labels[] = {N_("Card number"), N_("Expiry (MM/YY)"),
                                         N_("VAT number"), N_("Billing country")};
    int vx = 0;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (draw_width(_(labels[i])) > vx)
            vx = draw_width(_(labels[i]));
    vx += lx + 2;
    if (P.has_card) {
        const char *on = term_ascii() ? "(*)" : "(\u2022)";
        char card[128];
        snprintf(card, sizeof card, _("Card on file: %s ending %s, expires %02d/%04d"),
                 pay_brand(P.card.brand), P.card.last4, P.card.exp_month, P.card.exp_year);
        /* The focused choice is marked by the cursor and its radio button
         * only, not the whole line (fewer cells to rewrite on a move). */
        attr_t at = draw_list_mark(y, 2, P.focus == PAY_SOURCE, true, A_NORMAL);
        int rw = draw_text(y, lx, COLS - lx - 2, P.use_card_on_file ? on : "( )", at);
        draw_text(y, lx + rw + 1, COLS - lx - 3 - rw, card, A_NORMAL);
        snprintf(buf, sizeof buf, "%s %s", P.use_card_on_file ? "( )" : on, _("A new card"));
        draw_text(y + 1, lx, COLS - lx - 2, buf, A_NORMAL);
        y += 3;
    }
    if (!P.use_card_on_file) {
        char digits[32], masked[64];
        const char *shown = "";
        size_t nd = 0;
        for (const char *p = P.number.text; *p != '\0' && nd + 1 < sizeof digits; p++)
            digits[nd++] = *p;
        digits[nd] = '\0';
        if (nd > 0) {
            card_mask(digits, term_ascii(), masked, sizeof masked);
            shown = masked;
        }
        draw_text(y, lx, vx - lx - 1, _("Card number"), A_BOLD);
        field_draw(&P.number, y, vx, fw, P.focus == PAY_NUMBER, shown);
        pay_mark(y, vx + fw + 2, nd < 12, pay_check_number(), false);
        if (P.focus == PAY_NUMBER)
            draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
        y++;
        draw_text(y, lx, vx - lx - 1, _("Expiry (MM/YY)"), A_BOLD);
        field_draw(&P.expiry, y, vx, 10, P.focus == PAY_EXPIRY, NULL);
        enum bc_status es = pay_check_expiry(app);
        if (P.expiry.text[0] != '\0' && es == BC_CARD_EXPIRED)
            draw_text(y, vx + 12, 30, _("expired"), term_attr(TERM_ERROR));
        else
            pay_mark(y, vx + 12, strlen(P.expiry.text) < 5, es, true);
        if (P.focus == PAY_EXPIRY)
            draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
        y += 2;
    }
    draw_text(y, lx, vx - lx - 1, _("VAT number"), A_BOLD);
    field_draw(&P.vat, y, vx, fw, P.focus == PAY_VAT, NULL);
    pay_mark(y, vx + fw + 2, P.vat.text[0] == '\0', pay_check_vat(), true);
    if (P.focus == PAY_VAT)
        draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
    y++;
    draw_text(y, lx, vx - lx - 1, _("Billing country"), A_BOLD);
    field_draw(&P.country, y, vx, 6, P.focus == PAY_COUNTRY, NULL);
    pay_mark(y, vx + 8, false, pay_check_country(), false);
    if (P.focus == PAY_COUNTRY)
        draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
    y += 2;
    draw_wrap(y, lx, COLS - lx - 2, 3,
              _("VAT and Total due follow the VAT number and billing country as typed; "
                "the Total due shown is the amount charged."),
              A_NORMAL);

    snprintf(buf, sizeof buf, "[ %s ]", _("Place order"));
    attr_t pa = draw_list_mark(bottom - 1, 2, P.focus == PAY_PLACE, true, A_BOLD);
    draw_text(bottom - 1, 4, 40, buf, pa);
}

static void payment_place(struct ui_app *app)
{
    /* A VAT number or country that is not valid first: the figures shown
     * are not for what was typed. */
    enum bc_status st = pay_check_country();
    if (st == BC_OK)
        st = pay_check_vat();
    if (st != BC_OK) {
        ui_status_code(app, st);
        P.focus = st == BC_UNKNOWN_COUNTRY ? PAY_COUNTRY : PAY_VAT;
        return;
    }
    if (!P.use_card_on_file) {
        st = pay_check_number();
        if (st == BC_OK)
            st = pay_check_expiry(app);
        if (st == BC_INVALID_ARGUMENT) {
            ui_status(app, true, "%s", _("Write the expiry as MM/YY."));
            P.focus = PAY_EXPIRY;
            return;
        }
        if (st != BC_OK) {
            ui_status_code(app, st);
            P.focus = st == BC_INVALID_CARD ? PAY_NUMBER : PAY_EXPIRY;
            return;
        }
    }
    struct billing_payment pay;
    memset(&pay, 0, sizeof pay);
    char digits[32];
    if (!P.use_card_on_file && card_normalise(P.number.text, digits, sizeof digits)) {
        pay.card_number = digits;
        pay.card_expiry = P.expiry.text;
        pay.save_card = false;   /* kept on file only when the person is asked and says yes */
    }
    const char *old_vat = app->acct.vat_number ? app->acct.vat_number : "";
    if (strcmp(P.vat.text, old_vat) != 0)
        pay.vat_number = P.vat.text;
    if (strcmp(P.country.text, app->acct.country) != 0)
        pay.country = P.country.text;
    /* Typed on this screen by the person placing the order. */
    pay.confirm_billing_info = true;
    ui_checkout_place(app, &pay);
    memset(digits, 0, sizeof digits);
    if (ui_top(app) == UI_SCR_CONFIRM)
        field_clear(&P.number);   /* placed: the full number is not kept */
}

static bool payment_action(struct ui_app *app, enum ui_action act)
{
    struct ui_field *f = pay_field(P.focus);
    switch (act) {
    case ACT_ERASE:
        if (f != NULL && field_erase(f) && (f == &P.vat || f == &P.country))
            pay_requote(app, true);
        return true;
    case ACT_CLEAR:
        if (f != NULL && f->text[0] != '\0') {
            field_clear(f);
            if (f == &P.vat || f == &P.country)
                pay_requote(app, true);
        }
        return true;
    case ACT_UP:
    case ACT_BACKTAB:
        pay_move(-1);
        return true;
    case ACT_DOWN:
    case ACT_TAB:
        pay_move(1);
        return true;
    case ACT_LEFT:
    case ACT_RIGHT:
    case ACT_TOGGLE:
        if (P.focus == PAY_SOURCE) {
            P.use_card_on_file = !P.use_card_on_file;
            return true;
        }
        return act != ACT_TOGGLE;
    case ACT_ENTER:
        if (P.focus == PAY_PLACE)
            payment_place(app);
        else if (P.focus == PAY_SOURCE && !P.use_card_on_file)
            pay_move(1);
        else
            pay_move(1);
        return true;
    default:
        return false;
    }
}

static bool payment_text(struct ui_app *app, wint_t ch)
{
    struct ui_field *f = pay_field(P.focus);
    if (f == NULL)
        return false;
    if (f == &P.expiry && !((ch >= '0' && ch <= '9') || ch == '/'))
        return true;
    if (f == &P.country && ch < 0x80)
        ch = (wint_t)toupper((int)ch);
    if (f == &P.vat && ch < 0x80)
        ch = (wint_t)toupper((int)ch);
    if (f == &P.number && (ch == ' ' || ch == '-'))
        return true;   /* grouping is shown by the mask */
    if (field_put(f, ch) && (f == &P.vat || f == &P.country))
        pay_requote(app, true);
    return true;
}

/* The focused field takes ? as text: the VAT number and the country while
 * they hold text (the card number and expiry never take it). */
static bool payment_typing(void)
{
    const struct ui_field *f = pay_field(P.focus);
    return f != NULL && (f == &P.vat || f == &P.country) && f->text[0] != '\0';
}

static const enum ui_action *payment_footer(struct ui_app *app)
{
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_LEFT, ACT_BACK, ACT_NONE};
    static const enum ui_action field[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    (void)app;
    return pay_field(P.focus) != NULL ? field : acts;
}

/* Off the fields every global key works; in a field q and / are text (or
 * refused), ? opens the help unless the field could take it as text. */
static unsigned payment_live(const struct ui_app *app)
{
    (void)app;
    if (pay_field(P.focus) == NULL)
        return KEYS_LIVE_ALL;
    return payment_typing() ? 0 : KEYS_LIVE_HELP;
}

static const char *const payment_help[] = {
    N_("Pay with the card on file or a new card: number (checked as you "
       "type, shown masked) and expiry as MM/YY. Only brand, last 4 digits "
       "and expiry are kept. A VAT number is checked for the billing "
       "country; a valid one from another EU country means reverse charge. "
       "VAT and Total due follow the VAT number and country as you type. "
       "Tab moves between fields; Enter on Place order places the order. "
       "In a field q and / are text; ? opens this help unless the VAT number "
       "or country holds text."),
    NULL,
};

const struct ui_screen scr_payment = {
    .title = N_("Payment"),
    .enter = payment_enter,
    .draw = payment_draw,
    .action = payment_action,
    .text = payment_text,
    .footer = payment_footer,
    .help = payment_help,
    .live = payment_live,
};
