/* scr_paynow.c — "Pay now" (SPEC §8 "Collecting"): for a past due or
 * suspended subscription, what paying orders (the renewal's figures from
 * the core: the period, price × seats, VAT, balance, Total due) and a
 * payment with the card on file or a new card. A decline stays on the
 * status line with the processor's reason; a payment shows its order and
 * document number. The typed card is wiped with the screen's state. */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "draw.h"
#include "field.h"
#include "i18n.h"
#include "lifecycle.h"
#include "lifecycle_due.h"
#include "payment.h"
#include "substate.h"
#include "summary.h"
#include "vat_evidence.h"

enum paynow_focus { PN_SOURCE, PN_NUMBER, PN_EXPIRY, PN_SAVE, PN_PAY, PN_FOCUS_COUNT };

struct paynow_state {
    int64_t sub_id;
    enum bc_status due_rc;            /* BC_OK when `due` holds the figures */
    struct lifecycle_due due;
    bool has_card;
    struct store_card card;
    bool use_card_on_file;
    bool save_card;                   /* "Use this card for renewals?" (default no) */
    char saved[160];                  /* what became of that, after paying */
    struct ui_field number, expiry;
    struct ui_form form;              /* items in enum paynow_focus order */
    bool paid;
    struct lifecycle_report report;   /* what paying ordered */
};

static void paynow_layout(struct paynow_state *P)
{
    P->form.hidden[PN_SOURCE] = !P->has_card;
    P->form.hidden[PN_NUMBER] = P->form.hidden[PN_EXPIRY] = P->form.hidden[PN_SAVE] =
        P->use_card_on_file;
    if (P->form.hidden[P->form.focus])
        ui_form_move(&P->form, 1);
}

/* The selected subscription, when it is still the one being paid. */
static const struct store_subscription *paynow_sub(const struct ui_app *app,
                                                   const struct paynow_state *P)
{
    const struct store_subscription *s = ui_sub(app);
    return s != NULL && s->id == P->sub_id ? s : NULL;
}

static void paynow_open(struct ui_app *app, void *st, int64_t arg)
{
    struct paynow_state *P = st;
    P->sub_id = arg;
    P->due_rc = billing_subscription_pay_due(app->b, app->va.acct.id, arg, &P->due);
    if (P->due_rc != BC_OK)
        ui_status_code(app, P->due_rc);
    P->has_card = view_card_on_file(app->b, app->va.acct.id, &P->card) == BC_OK;
    P->use_card_on_file = P->has_card;
    P->number.digits_only = true;
    P->number.max_chars = 19;
    P->expiry.max_chars = 7;
    ui_form_init(&P->form, PN_FOCUS_COUNT);
    ui_form_bind(&P->form, PN_NUMBER, &P->number);
    ui_form_bind(&P->form, PN_EXPIRY, &P->expiry);
    P->form.focus = P->has_card ? PN_PAY : PN_NUMBER;
    paynow_layout(P);
}

static void paynow_done(struct ui_app *app, void *st)
{
    struct paynow_state *P = st;
    (void)app;
    ui_form_wipe(&P->form);
}

/* Brand names as people write them. */
static const char *paynow_brand(const char *id)
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

/* The renewal's figures, from row y; returns the next free row. */
static int paynow_draw_due(struct ui_app *app, const struct paynow_state *P,
                           const struct store_subscription *s, int y)
{
    const struct lifecycle_due *d = &P->due;
    const struct renewal_charge *c = &d->charge;
    char buf[256], money[64], range[64], unit[64];
    int pw = draw_pair_width(COLS - 4) - 12;   /* the figures near their labels */
    fmt_range(range, sizeof range, d->period_start, d->period_end);
    snprintf(buf, sizeof buf, d->new_start ? _("Paying starts a new period: %s")
                                           : _("Paying renews the period %s"), range);
    draw_text(y++, 2, COLS - 4, buf, term_attr(TERM_HEADING));
    fmt_money(unit, sizeof unit, c->unit_price, d->currency);
    snprintf(buf, sizeof buf, ngettext("%s %s, %d seat × %s", "%s %s, %d seats × %s",
                                       (unsigned long)c->seats),
             ui_product_name(app, s->product), ui_plan_name(app, s->product, d->terms.plan),
             c->seats, unit);
    fmt_money(money, sizeof money, c->totals.subtotal, d->currency);
    draw_pair(y++, 4, pw - 2, buf, money, A_NORMAL);
    summary_vat_rule_label(buf, sizeof buf, &c->vat);
    fmt_money(money, sizeof money, c->totals.tax, d->currency);
    draw_pair(y++, 4, pw - 2, buf, money, A_NORMAL);
    if (c->totals.balance_applied > 0) {
        fmt_money(money, sizeof money, -c->totals.balance_applied, d->currency);
        draw_pair(y++, 4, pw - 2, _("Balance applied"), money, A_NORMAL);
    }
    fmt_money(money, sizeof money, c->totals.due, d->currency);
    draw_pair(y++, 4, pw - 2, _("Total due"), money, term_attr(TERM_TOTAL));
    return y;
}

static void paynow_draw_card(struct ui_app *app, struct paynow_state *P, int y, int bottom)
{
    enum paynow_focus focus = (enum paynow_focus)P->form.focus;
    char buf[256], money[64];
    const char *on = term_ascii() ? "(*)" : "(\u2022)";
    int lx = 4, vx = lx + 2;
    if (draw_width(_("Card number")) > vx - lx - 2)
        vx = lx + 2 + draw_width(_("Card number"));
    if (draw_width(_("Expiry (MM/YY)")) + lx + 2 > vx)
        vx = lx + 2 + draw_width(_("Expiry (MM/YY)"));
    if (P->has_card) {
        char card[128];
        snprintf(card, sizeof card, _("Card on file: %s ending %s, expires %02d/%04d"),
                 paynow_brand(P->card.brand), P->card.last4, P->card.exp_month, P->card.exp_year);
        attr_t at = draw_list_mark(y, 2, focus == PN_SOURCE, true, A_NORMAL);
        int rw = draw_text(y, lx, COLS - lx - 2, P->use_card_on_file ? on : "( )", at);
        draw_text(y, lx + rw + 1, COLS - lx - 3 - rw, card, A_NORMAL);
        snprintf(buf, sizeof buf, "%s %s", P->use_card_on_file ? "( )" : on, _("A new card"));
        draw_text(y + 1, lx, COLS - lx - 2, buf, A_NORMAL);
        y += 3;
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
        field_draw(&P->number, y, vx, 30, focus == PN_NUMBER, shown);
        explicit_bzero(digits, sizeof digits);
        explicit_bzero(masked, sizeof masked);
        if (focus == PN_NUMBER)
            draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
        y++;
        draw_text(y, lx, vx - lx - 1, _("Expiry (MM/YY)"), A_BOLD);
        field_draw(&P->expiry, y, vx, 10, focus == PN_EXPIRY, NULL);
        if (focus == PN_EXPIRY)
            draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
        y++;
        /* The card pays this renewal only unless the person says so: the
         * next renewals are charged to the card on file. */
        snprintf(buf, sizeof buf, "%s  %s %s  %s %s", _("Use this card for renewals?"),
                 P->save_card ? "( )" : on, _("No"), P->save_card ? on : "( )", _("Yes"));
        attr_t sa = draw_list_mark(y, 2, focus == PN_SAVE, true, A_NORMAL);
        draw_text(y, lx, COLS - lx - 2, buf, sa);
        y += 2;
    }
    if (y >= bottom)
        y = bottom - 1;
    fmt_money(money, sizeof money, P->due.charge.totals.due, P->due.currency);
    snprintf(buf, sizeof buf, _("[ Pay %s ]"), money);
    attr_t pa = draw_list_mark(y, 2, focus == PN_PAY, true, A_BOLD);
    draw_text(y, 4, COLS - 6, buf, pa);
    (void)app;
}

/* After paying: the order, what was charged and its invoice (the state
 * now is in the header). */
static void paynow_draw_paid(const struct paynow_state *P, int y)
{
    const struct lifecycle_report *r = &P->report;
    char buf[256], money[64], range[64];
    snprintf(buf, sizeof buf, _("Order %lld has been placed."), (long long)r->order_id);
    draw_text(y++, 2, COLS - 4, buf, term_attr(TERM_OK) | A_BOLD);
    fmt_money(money, sizeof money, r->due, r->currency);
    draw_pair(y++, 2, 50, _("Amount charged"), money, A_BOLD);
    if (r->balance_applied > 0) {
        fmt_money(money, sizeof money, -r->balance_applied, r->currency);
        draw_pair(y++, 2, 50, _("Balance applied"), money, A_NORMAL);
    }
    if (r->document[0] != '\0')
        snprintf(buf, sizeof buf, _("Invoice %s"), r->document);
    else
        snprintf(buf, sizeof buf, "%s", _("No invoice was issued for this order."));
    draw_text(y++, 2, COLS - 4, buf, A_NORMAL);
    /* How the VAT number a reverse charge rests on was checked (SPEC §9). */
    ui_vat_evidence_text(&r->vat_check, buf, sizeof buf);
    if (buf[0] != '\0')
        draw_text(y++, 2, COLS - 4, buf, A_NORMAL);
    fmt_range(range, sizeof range, r->period_start, r->period_end);
    snprintf(buf, sizeof buf, _("New period: %s"), range);
    draw_text(y++, 2, COLS - 4, buf, A_NORMAL);
    if (P->saved[0] != '\0')
        draw_text(y++, 2, COLS - 4, P->saved, A_NORMAL);
    snprintf(buf, sizeof buf, "[ %s ]", _("Back to Subscriptions"));
    attr_t at = draw_list_mark(y + 1, 2, true, true, A_BOLD);
    draw_text(y + 1, 4, COLS - 6, buf, at);
}

static void paynow_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct paynow_state *P = st;
    const struct store_subscription *s = paynow_sub(app, P);
    if (s == NULL)
        return;
    paynow_layout(P);
    char buf[256], state[256];
    attr_t sa;
    snprintf(buf, sizeof buf, ngettext("%s %s, %d seat, %s", "%s %s, %d seats, %s",
                                       (unsigned long)s->seats),
             ui_product_name(app, s->product), ui_plan_name(app, s->product, s->plan), s->seats,
             ui_period_label(s->period));
    draw_text(top, 2, COLS - 4, buf, A_BOLD);
    ui_sub_state_text(s, state, sizeof state, &sa);
    draw_text(top + 1, 2, COLS - 4, state, sa);
    int y = top + 3;
    if (P->paid) {
        paynow_draw_paid(P, y);
        return;
    }
    if (P->due_rc != BC_OK) {
        draw_wrap(y, 2, COLS - 4, 3, _(bc_status_message(P->due_rc)), term_attr(TERM_ERROR));
        return;
    }
    y = paynow_draw_due(app, P, s, y) + 1;
    paynow_draw_card(app, P, y, bottom);
}

static void paynow_pay(struct ui_app *app, struct paynow_state *P)
{
    struct billing_payment pay;
    memset(&pay, 0, sizeof pay);
    char digits[32] = "";
    if (!P->use_card_on_file) {
        int m, yy;
        if (!card_normalise(P->number.text, digits, sizeof digits) || !card_luhn_ok(digits)) {
            explicit_bzero(digits, sizeof digits);
            ui_status_code(app, BC_INVALID_CARD);
            P->form.focus = PN_NUMBER;
            return;
        }
        if (!card_parse_expiry(P->expiry.text, &m, &yy)) {
            explicit_bzero(digits, sizeof digits);
            ui_status(app, true, "%s", _("Write the expiry as MM/YY."));
            P->form.focus = PN_EXPIRY;
            return;
        }
        pay.card_number = digits;
        pay.card_expiry = P->expiry.text;
    }
    struct lifecycle_report r;
    enum bc_status rc = billing_subscription_pay(app->b, app->va.acct.id, P->sub_id,
                                                 pay.card_number ? &pay : NULL, &r);
    P->saved[0] = '\0';
    if (rc == BC_OK && pay.card_number != NULL && P->save_card) {
        /* Put on file once paid, verified as Payment method does; the
         * payment stands whatever this says. */
        struct store_card on;
        char why[64] = "";
        enum bc_status cs = account_set_card(app->b, app->va.acct.id, digits, P->expiry.text,
                                             &on, why, sizeof why);
        if (cs == BC_OK)
            snprintf(P->saved, sizeof P->saved, _("Renewals are now charged to the card ending %s."),
                     on.last4);
        else
            snprintf(P->saved, sizeof P->saved, "%s",
                     _("The card could not be put on file: renewals stay on the card on file "
                       "(Payment method)."));
    }
    explicit_bzero(digits, sizeof digits);
    explicit_bzero(&pay, sizeof pay);
    if (rc == BC_PAYMENT_DECLINED) {
        /* The decline in words (one status line): nothing was charged. */
        if (strcmp(r.reason, "insufficient_funds") == 0)
            ui_status(app, true, "%s", _("Declined: insufficient funds. Nothing was charged; "
                                         "try another card."));
        else if (strcmp(r.reason, "expired_card") == 0)
            ui_status(app, true, "%s", _("Declined: the bank says the card has expired. Nothing "
                                         "was charged."));
        else
            ui_status(app, true, "%s", _("The card was declined by the bank. Nothing was "
                                         "charged; try another card."));
        return;
    }
    if (rc == BC_VAT_NUMBER_REJECTED) {
        /* The reverse charge rests on the account's number: it is the
         * account's to correct, not this payment's. */
        ui_status(app, true, _("VIES says the VAT number %s is not valid: nothing was charged "
                               "and nothing changed. Correct or remove it in Billing "
                               "information, then pay."), r.vat_check.vat_number);
        return;
    }
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        return;
    }
    P->paid = true;
    P->report = r;
    ui_form_wipe(&P->form);
    enum bc_status lr = ui_load_account(app, app->va.acct.id);
    if (lr != BC_OK)
        ui_status_code(app, lr);
    else
        ui_status(app, false, "%s", _("Paid: the subscription is active again."));
}

static unsigned paynow_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct paynow_state *P = st;
    if (P->paid || P->due_rc != BC_OK) {
        if (act == ACT_ENTER) {
            ui_go_back(app);
            return UI_DONE;
        }
        return UI_IGNORED;
    }
    paynow_layout(P);
    switch (act) {
    case ACT_LEFT:
    case ACT_RIGHT:
    case ACT_TOGGLE:
        if (P->form.focus == PN_SOURCE) {
            P->use_card_on_file = !P->use_card_on_file;
            paynow_layout(P);
            return UI_DONE;
        }
        if (P->form.focus == PN_SAVE) {
            P->save_card = !P->save_card;
            return UI_DONE;
        }
        return act != ACT_TOGGLE ? UI_HANDLED : UI_IGNORED;
    case ACT_ENTER:
        if (P->form.focus == PN_PAY)
            paynow_pay(app, P);
        else
            ui_form_move(&P->form, 1);
        return UI_DONE;
    default:
        return ui_form_key(&P->form, act);
    }
}

static unsigned paynow_text(struct ui_app *app, void *st, wint_t ch)
{
    struct paynow_state *P = st;
    (void)app;
    struct ui_field *f = ui_form_field(&P->form);
    if (f == NULL || P->paid)
        return UI_IGNORED;
    if (f == &P->expiry && !((ch >= '0' && ch <= '9') || ch == '/'))
        return UI_HANDLED;
    if (f == &P->number && (ch == ' ' || ch == '-'))
        return UI_HANDLED;   /* grouping is shown by the mask */
    return ui_form_text(&P->form, ch);
}

static const enum ui_action *paynow_footer(struct ui_app *app, void *st)
{
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_LEFT, ACT_BACK, ACT_NONE};
    static const enum ui_action field[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    static const enum ui_action done[] = {ACT_ENTER, ACT_BACK, ACT_NONE};
    const struct paynow_state *P = st;
    (void)app;
    if (P->paid || P->due_rc != BC_OK)
        return done;
    return ui_form_field(&P->form) != NULL ? field : acts;
}

/* In a card field q, / and ? are not typed (digits only): all keys live
 * but those; off the fields every global key works. */
static unsigned paynow_live(struct ui_app *app, void *st)
{
    const struct paynow_state *P = st;
    (void)app;
    return ui_form_field(&P->form) == NULL ? KEYS_LIVE_ALL : KEYS_LIVE_HELP;
}

/* A card typed and not yet paid with: quitting asks first. */
static bool paynow_busy(struct ui_app *app, void *st)
{
    const struct paynow_state *P = st;
    (void)app;
    return !P->paid && P->number.text[0] != '\0';
}

static const char *const paynow_help[] = {
    N_("Pays what a past due or suspended subscription owes: past due renews "
       "its period at full price, suspended starts a new period today. The "
       "figures shown are what is charged."),
    N_("Pay with the card on file (Left/Right chooses) or a new card: number "
       "and expiry as MM/YY. A declined card changes nothing; the reason is "
       "shown on the status line and another card may be tried. Tab moves "
       "between fields; Enter on Pay pays."),
    NULL,
};

const struct ui_screen scr_paynow = {
    .route = "paynow",
    .title = N_("Pay now"),
    .private_size = sizeof(struct paynow_state),
    .open = paynow_open,
    .done = paynow_done,
    .draw = paynow_draw,
    .action = paynow_action,
    .text = paynow_text,
    .footer = paynow_footer,
    .help = paynow_help,
    .live = paynow_live,
    .busy = paynow_busy,
};
