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

enum pay_focus { PAY_SOURCE, PAY_NUMBER, PAY_EXPIRY, PAY_SAVE, PAY_VAT, PAY_COUNTRY, PAY_CONFIRM,
                 PAY_PLACE, PAY_FOCUS_COUNT };

/* The screen's state, owned by the framework: the typed card number is
 * wiped with it when the screen closes (back, order placed, sign-out). */
struct pay_state {
    bool has_card;
    struct store_card card;
    bool use_card_on_file;
    bool save_card;           /* "Use this card for renewals?" (default no) */
    bool info_confirmed;      /* the billing information change shown was confirmed */
    struct ui_field number, expiry, vat, country;
    struct ui_form form;      /* items in enum pay_focus order */
};

static enum bc_status pay_check_country(const struct pay_state *P);
static enum bc_status pay_check_vat(const struct ui_app *app, const struct pay_state *P);

/* No VAT number is asked outside the EU (the quote's country decides). */
static bool pay_asks_vat(const struct ui_app *app)
{
    return app->co.quote.vat.in_eu;
}

/* A change of billing information to confirm: country and VAT number as
 * typed are valid and differ from the account's. */
static bool pay_info_pending(const struct ui_app *app, const struct pay_state *P)
{
    return app->co.quote.billing_info.pending && pay_check_country(P) == BC_OK
        && pay_check_vat(app, P) == BC_OK;
}

/* The new card's fields are skipped while the card on file is chosen. */
static void pay_layout(const struct ui_app *app, struct pay_state *P)
{
    P->form.hidden[PAY_SOURCE] = !P->has_card;
    P->form.hidden[PAY_NUMBER] = P->form.hidden[PAY_EXPIRY] = P->use_card_on_file;
    P->form.hidden[PAY_SAVE] = P->use_card_on_file;
    P->form.hidden[PAY_VAT] = !pay_asks_vat(app);
    P->form.hidden[PAY_CONFIRM] = !pay_info_pending(app, P);
    if (P->form.hidden[P->form.focus])
        ui_form_move(&P->form, 1);
}

static void payment_open(struct ui_app *app, void *st, int64_t arg)
{
    struct pay_state *P = st;
    (void)arg;
    P->has_card = view_card_on_file(app->b, app->va.acct.id, &P->card) == BC_OK;
    P->use_card_on_file = P->has_card;
    P->number.digits_only = true;
    P->number.max_chars = 19;
    P->expiry.max_chars = 7;
    P->vat.max_chars = 20;
    field_set(&P->vat, app->va.acct.vat_number);
    P->country.max_chars = 2;
    field_set(&P->country, app->va.acct.country);
    ui_form_init(&P->form, PAY_FOCUS_COUNT);
    ui_form_bind(&P->form, PAY_NUMBER, &P->number);
    ui_form_bind(&P->form, PAY_EXPIRY, &P->expiry);
    ui_form_bind(&P->form, PAY_VAT, &P->vat);
    ui_form_bind(&P->form, PAY_COUNTRY, &P->country);
    app->co.outcome = BC_OK;
    P->form.focus = P->has_card ? PAY_PLACE : PAY_NUMBER;
    pay_layout(app, P);
}

static void payment_done(struct ui_app *app, void *st)
{
    struct pay_state *P = st;
    (void)app;
    ui_form_wipe(&P->form);
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


/* ---- checks, also shown next to the fields as words (not color) ---- */

static enum bc_status pay_check_number(const struct pay_state *P)
{
    char digits[32];
    bool ok = card_normalise(P->number.text, digits, sizeof digits) && card_luhn_ok(digits);
    explicit_bzero(digits, sizeof digits);
    return ok ? BC_OK : BC_INVALID_CARD;
}

static enum bc_status pay_check_expiry(const struct ui_app *app, const struct pay_state *P)
{
    int m, y, ty, tm, td;
    if (!card_parse_expiry(P->expiry.text, &m, &y))
        return BC_INVALID_ARGUMENT;
    date_to_civil(app->b->today, &ty, &tm, &td);
    return card_expiry_ok(m, y, ty, tm) ? BC_OK : BC_CARD_EXPIRED;
}

static enum bc_status pay_check_country(const struct pay_state *P)
{
    if (strlen(P->country.text) != 2 || !isupper((unsigned char)P->country.text[0])
        || !isupper((unsigned char)P->country.text[1]))
        return BC_UNKNOWN_COUNTRY;
    return BC_OK;
}

static enum bc_status pay_check_vat(const struct ui_app *app, const struct pay_state *P)
{
    if (P->vat.text[0] == '\0' || !pay_asks_vat(app))
        return BC_OK;
    if (pay_check_country(P) != BC_OK || !vat_number_valid(P->country.text, P->vat.text))
        return BC_INVALID_VAT_NUMBER;
    return BC_OK;
}

/* The VAT number and country as billing_place takes them: NULL keeps the
 * account's. A VAT number that is not valid counts as none; none is asked
 * outside the EU. */
static void pay_vat_args(const struct ui_app *app, const struct pay_state *P, const char **vat, const char **country)
{
    const char *old_vat = app->va.acct.vat_number ? app->va.acct.vat_number : "";
    const char *typed = pay_check_vat(app, P) == BC_OK ? P->vat.text : "";
    *vat = pay_asks_vat(app) && strcmp(typed, old_vat) != 0 ? typed : NULL;
    *country = strcmp(P->country.text, app->va.acct.country) != 0 ? P->country.text : NULL;
}

/* Re-quotes the checkout for the VAT number and country as typed, when the
 * country is valid (otherwise the figures on screen stay and the field says
 * "not valid"); a VAT number that is not valid is quoted as none, so the
 * figures shown are what placing without it charges. A change of them
 * needs confirming afresh. */
static void pay_requote(struct ui_app *app, struct pay_state *P)
{
    struct ui_checkout *co = &app->co;
    const char *vn, *cc;
    P->info_confirmed = false;
    if (pay_check_country(P) != BC_OK)
        return;
    pay_vat_args(app, P, &vn, &cc);
    struct billing_quote *q = malloc(sizeof *q);
    if (q == NULL) {
        ui_status_code(app, BC_NO_MEMORY);
        return;
    }
    enum bc_status rc = billing_quote_checkout(app->b, app->va.acct.id, co->is_cart ? NULL : &co->change,
                                               vn, cc, q);
    if (rc == BC_OK) {
        co->quote = *q;
        co->quoted = true;
        if (q->refusal != BC_OK)
            ui_status_code(app, q->refusal);
        /* A VAT number typed for an EU country moved outside it is none. */
        if (!pay_asks_vat(app) && vn != NULL && vn[0] != '\0') {
            rc = billing_quote_checkout(app->b, app->va.acct.id, co->is_cart ? NULL : &co->change,
                                        app->va.acct.vat_number ? "" : NULL, cc, q);
            if (rc == BC_OK)
                co->quote = *q;
        }
    }
    if (rc != BC_OK)
        ui_status_code(app, rc);
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

/* A VAT number, or "none". */
static const char *pay_or_none(const char *s)
{
    return s[0] != '\0' ? s : C_("VAT number", "none");
}

/* The change of billing information the order makes, and its
 * confirmation (an item of the form). Returns the rows used. */
static int pay_draw_info(const struct ui_app *app, const struct pay_state *P, int y, int lx, int vx)
{
    const struct billing_info_change *bi = &app->co.quote.billing_info;
    char buf[256], v0[64], v1[64];
    const char *arrow = draw_glyph_arrow();
    int y0 = y;
    draw_text(y++, 2, COLS - 4, _("This order changes the account's billing information:"),
              term_attr(TERM_HEADING));
    if (strcmp(bi->country_before, bi->country_after) != 0) {
        draw_text(y, lx, vx - lx - 1, _("Country"), A_NORMAL);
        snprintf(buf, sizeof buf, "%s %s %s", bi->country_before, arrow, bi->country_after);
        draw_text(y++, vx, COLS - vx - 2, buf, A_BOLD);
    }
    if (strcmp(bi->vat_before, bi->vat_after) != 0) {
        draw_text(y, lx, vx - lx - 1, _("VAT number"), A_NORMAL);
        snprintf(buf, sizeof buf, "%s %s %s", pay_or_none(bi->vat_before), arrow,
                 pay_or_none(bi->vat_after));
        draw_text(y++, vx, COLS - vx - 2, buf, A_BOLD);
    }
    summary_vat_rule_label(v0, sizeof v0, &bi->vat_rule_before);
    summary_vat_label(v1, sizeof v1, &app->co.quote);
    draw_text(y, lx, vx - lx - 1, _("VAT"), A_NORMAL);
    snprintf(buf, sizeof buf, "%s %s %s", v0, arrow, v1);
    draw_text(y++, vx, COLS - vx - 2, buf, A_BOLD);
    bool f = P->form.focus == PAY_CONFIRM;
    snprintf(buf, sizeof buf, "%s %s", draw_glyph_check(P->info_confirmed),
             _("Yes, change the account's billing information"));
    attr_t at = draw_list_mark(y, 2, f, true, A_NORMAL);
    draw_text(y++, lx, COLS - lx - 2, buf, at);
    return y - y0;
}

static void payment_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct pay_state *P = st;
    pay_layout(app, P);
    enum pay_focus focus = (enum pay_focus)P->form.focus;
    const struct billing_quote *q = &app->co.quote;
    char buf[512], money[64], vat[64];
    int pw = 40;   /* the two figures close to their labels */
    summary_vat_label(vat, sizeof vat, q);
    fmt_money(money, sizeof money, q->totals.tax, q->currency);
    draw_pair(top, 2, pw, vat, money, A_NORMAL);
    fmt_money(money, sizeof money, q->totals.due, q->currency);
    draw_pair(top + 1, 2, pw, _("Total due"), money, term_attr(TERM_TOTAL));

    /* With a message about the last payment and the billing information
     * change both to show, the blank rows go so that neither is cut. */
    const char *outcome = ui_checkout_outcome_text(app);
    int gap = outcome[0] != '\0' && pay_info_pending(app, P) ? 0 : 1;
    int y = top + 2 + gap, lx = 4, fw = 30;
    static const char *const labels[] = {N_("Card number"), N_("Expiry (MM/YY)"),
                                         N_("VAT number"), N_("Billing country")};
    int vx = 0;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (draw_width(_(labels[i])) > vx)
            vx = draw_width(_(labels[i]));
    vx += lx + 2;
    if (P->has_card) {
        const char *on = term_ascii() ? "(*)" : "(\u2022)";
        char card[128];
        snprintf(card, sizeof card, _("Card on file: %s ending %s, expires %02d/%04d"),
                 pay_brand(P->card.brand), P->card.last4, P->card.exp_month, P->card.exp_year);
        /* The focused choice is marked by the cursor and its radio button
         * only, not the whole line (fewer cells to rewrite on a move). */
        attr_t at = draw_list_mark(y, 2, focus == PAY_SOURCE, true, A_NORMAL);
        int rw = draw_text(y, lx, COLS - lx - 2, P->use_card_on_file ? on : "( )", at);
        draw_text(y, lx + rw + 1, COLS - lx - 3 - rw, card, A_NORMAL);
        snprintf(buf, sizeof buf, "%s %s", P->use_card_on_file ? "( )" : on, _("A new card"));
        draw_text(y + 1, lx, COLS - lx - 2, buf, A_NORMAL);
        y += 2 + gap;
    }
    if (!P->use_card_on_file) {
        char digits[32], masked[64];
        const char *shown = "";
        size_t nd = 0;
        for (const char *p = P->number.text; *p != '\0' && nd + 1 < sizeof digits; p++)
            digits[nd++] = *p;
        digits[nd] = '\0';
        if (nd > 0) {
            card_mask(digits, term_ascii(), masked, sizeof masked);
            shown = masked;
        }
        draw_text(y, lx, vx - lx - 1, _("Card number"), A_BOLD);
        field_draw(&P->number, y, vx, fw, focus == PAY_NUMBER, shown);
        explicit_bzero(digits, sizeof digits);
        explicit_bzero(masked, sizeof masked);
        pay_mark(y, vx + fw + 2, nd < 12, pay_check_number(P), false);
        if (focus == PAY_NUMBER)
            draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
        y++;
        draw_text(y, lx, vx - lx - 1, _("Expiry (MM/YY)"), A_BOLD);
        field_draw(&P->expiry, y, vx, 10, focus == PAY_EXPIRY, NULL);
        enum bc_status es = pay_check_expiry(app, P);
        if (P->expiry.text[0] != '\0' && es == BC_CARD_EXPIRED)
            draw_text(y, vx + 12, 30, _("expired"), term_attr(TERM_ERROR));
        else
            pay_mark(y, vx + 12, es != BC_OK && strlen(P->expiry.text) < 5, es, true);
        if (focus == PAY_EXPIRY)
            draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
        y++;
        /* A new card is used for this order only unless the person says so. */
        const char *on = term_ascii() ? "(*)" : "(\u2022)";
        snprintf(buf, sizeof buf, "%s  %s %s  %s %s", _("Use this card for renewals?"),
                 P->save_card ? "( )" : on, _("No"), P->save_card ? on : "( )", _("Yes"));
        attr_t at = draw_list_mark(y, 2, focus == PAY_SAVE, true, A_NORMAL);
        draw_text(y, lx, COLS - lx - 2, buf, at);
        y += 1 + gap;
    }
    if (pay_asks_vat(app)) {
        draw_text(y, lx, vx - lx - 1, _("VAT number"), A_BOLD);
        field_draw(&P->vat, y, vx, fw, focus == PAY_VAT, NULL);
        bool bad = pay_check_vat(app, P) != BC_OK;
        pay_mark(y, vx + fw + 2, P->vat.text[0] == '\0' || bad, BC_OK, true);
        if (focus == PAY_VAT)
            draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
        y++;
        if (bad) {
            /* Counted as no number: the figures above are for that. */
            snprintf(buf, sizeof buf, _("not valid %s %s charged at %s"),
                     term_ascii() ? "-" : "\u2014", vat, P->country.text);
            draw_text(y++, vx, COLS - vx - 2, buf, term_attr(TERM_ERROR));
        }
    }
    draw_text(y, lx, vx - lx - 1, _("Billing country"), A_BOLD);
    field_draw(&P->country, y, vx, 6, focus == PAY_COUNTRY, NULL);
    pay_mark(y, vx + 8, false, pay_check_country(P), false);
    if (focus == PAY_COUNTRY)
        draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
    y += 1 + gap;
    if (pay_info_pending(app, P))
        y += pay_draw_info(app, P, y, lx, vx) + gap;

    /* The primary action right after the form; what happened to the last
     * payment below it, never over it. */
    if (y > bottom - 1)
        y = bottom - 1;
    snprintf(buf, sizeof buf, "[ %s ]", _("Place order"));
    attr_t pa = draw_list_mark(y, 2, focus == PAY_PLACE, true, A_BOLD);
    draw_text(y, 4, 40, buf, pa);
    y += 1 + gap;
    if (outcome[0] != '\0' && y < bottom)
        draw_wrap(y, 2, draw_pair_width(COLS - 4), bottom - y, outcome, term_attr(TERM_ERROR));
    else if (y < bottom && pay_asks_vat(app))
        draw_wrap(y, lx, draw_pair_width(COLS - 4) - 2, bottom - y,
                  _("VAT and Total due follow the VAT number and billing country as typed; "
                    "the Total due shown is the amount charged."),
                  A_NORMAL);
}

static void payment_place(struct ui_app *app, struct pay_state *P)
{
    /* A VAT number or country that is not valid first: the figures shown
     * are without the number, placing waits for it to be corrected or
     * cleared. */
    enum bc_status st = pay_check_country(P);
    if (st != BC_OK) {
        ui_status_code(app, st);
        P->form.focus = PAY_COUNTRY;
        return;
    }
    if (pay_check_vat(app, P) != BC_OK) {
        char vat[64];
        summary_vat_label(vat, sizeof vat, &app->co.quote);
        ui_status(app, true,
                  _("The VAT number is not valid: correct it, or clear it to pay %s as shown."),
                  vat);
        P->form.focus = PAY_VAT;
        return;
    }
    if (!P->use_card_on_file) {
        st = pay_check_number(P);
        if (st == BC_OK)
            st = pay_check_expiry(app, P);
        if (st == BC_INVALID_ARGUMENT) {
            ui_status(app, true, "%s", _("Write the expiry as MM/YY."));
            P->form.focus = PAY_EXPIRY;
            return;
        }
        if (st != BC_OK) {
            ui_status_code(app, st);
            P->form.focus = st == BC_INVALID_CARD ? PAY_NUMBER : PAY_EXPIRY;
            return;
        }
    }
    bool pending = pay_info_pending(app, P);
    if (pending && !P->info_confirmed) {
        ui_status(app, true, "%s",
                  _("Confirm the change of billing information above first (Space)."));
        P->form.focus = PAY_CONFIRM;
        return;
    }
    struct billing_payment pay;
    memset(&pay, 0, sizeof pay);
    char digits[32];
    if (!P->use_card_on_file && card_normalise(P->number.text, digits, sizeof digits)) {
        pay.card_number = digits;
        pay.card_expiry = P->expiry.text;
        pay.save_card = P->save_card;   /* asked: "Use this card for renewals?" */
    }
    pay_vat_args(app, P, &pay.vat_number, &pay.country);
    /* Shown above and confirmed by the person placing the order. */
    pay.confirm_billing_info = pending && P->info_confirmed;
    ui_checkout_place(app, &pay);
    explicit_bzero(digits, sizeof digits);
    explicit_bzero(&pay, sizeof pay);
}

static bool pay_vat_field(const struct pay_state *P, const struct ui_field *f)
{
    return f != NULL && (f == &P->vat || f == &P->country);
}

static unsigned payment_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct pay_state *P = st;
    struct ui_field *f = ui_form_field(&P->form);
    unsigned r;
    pay_layout(app, P);
    switch (act) {
    case ACT_ERASE:
    case ACT_CLEAR:
        r = ui_form_key(&P->form, act);
        if ((r & UI_REDRAW) && pay_vat_field(P, f))
            pay_requote(app, P);
        return UI_DONE;
    case ACT_LEFT:
    case ACT_RIGHT:
    case ACT_TOGGLE:
        if (P->form.focus == PAY_SOURCE) {
            P->use_card_on_file = !P->use_card_on_file;
            pay_layout(app, P);
            return UI_DONE;
        }
        if (P->form.focus == PAY_SAVE) {
            P->save_card = !P->save_card;
            return UI_DONE;
        }
        if (P->form.focus == PAY_CONFIRM && act == ACT_TOGGLE) {
            P->info_confirmed = !P->info_confirmed;
            return UI_DONE;
        }
        return act != ACT_TOGGLE ? UI_HANDLED : UI_IGNORED;
    case ACT_ENTER:
        if (P->form.focus == PAY_PLACE)
            payment_place(app, P);
        else if (P->form.focus == PAY_CONFIRM && !P->info_confirmed)
            P->info_confirmed = true;
        else
            ui_form_move(&P->form, 1);
        return UI_DONE;
    default:
        return ui_form_key(&P->form, act);
    }
}

static unsigned payment_text(struct ui_app *app, void *st, wint_t ch)
{
    struct pay_state *P = st;
    struct ui_field *f = ui_form_field(&P->form);
    if (f == NULL)
        return UI_IGNORED;
    if (f == &P->expiry && !((ch >= '0' && ch <= '9') || ch == '/'))
        return UI_HANDLED;
    if (f == &P->country && ch < 0x80)
        ch = (wint_t)toupper((int)ch);
    if (f == &P->vat && ch < 0x80)
        ch = (wint_t)toupper((int)ch);
    if (f == &P->number && (ch == ' ' || ch == '-'))
        return UI_HANDLED;   /* grouping is shown by the mask */
    unsigned r = ui_form_text(&P->form, ch);
    if ((r & UI_REDRAW) && pay_vat_field(P, f))
        pay_requote(app, P);
    return r;
}

/* The focused field takes ? as text: the VAT number and the country while
 * they hold text (the card number and expiry never take it). */
static bool payment_typing(const struct pay_state *P)
{
    const struct ui_field *f = ui_form_field(&P->form);
    return pay_vat_field(P, f) && f->text[0] != '\0';
}

static const enum ui_action *payment_footer(struct ui_app *app, void *st)
{
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_LEFT, ACT_BACK, ACT_NONE};
    static const enum ui_action field[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    const struct pay_state *P = st;
    (void)app;
    return ui_form_field(&P->form) != NULL ? field : acts;
}

/* Off the fields every global key works; in a field q and / are text (or
 * refused), ? opens the help unless the field could take it as text. */
static unsigned payment_live(struct ui_app *app, void *st)
{
    const struct pay_state *P = st;
    (void)app;
    if (ui_form_field(&P->form) == NULL)
        return KEYS_LIVE_ALL;
    return payment_typing(P) ? 0 : KEYS_LIVE_HELP;
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
    N_("A new card pays for this order only unless you answer Yes to \"Use "
       "this card for renewals?\". A country or VAT number other than the "
       "account's changes its billing information: the change is shown "
       "above Place order and placed only once confirmed (Space). A VAT "
       "number that is not valid counts as none: the figures shown are "
       "without it, and Place order asks you to correct or clear it."),
    NULL,
};

const struct ui_screen scr_payment = {
    .route = "payment",
    .title = N_("Payment"),
    .private_size = sizeof(struct pay_state),
    .open = payment_open,
    .done = payment_done,
    .draw = payment_draw,
    .action = payment_action,
    .text = payment_text,
    .footer = payment_footer,
    .help = payment_help,
    .live = payment_live,
};
