/* e2e_checkout.c — the Payment screen says what placing does: a VAT number
 * that is not valid counts as none (the figures shown are the ones charged),
 * a country or VAT number typed at checkout is a change of the account's
 * billing information shown and confirmed before placing, a new card is
 * kept for renewals only when the person says so, declines say why, the
 * expiry is read as MMYY too, and no VAT number is asked outside the EU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* Account `id`, GoToMeeting one plan up, to the Payment screen. */
static struct vt *to_payment(struct e2e_case *c, const char *lang, int id)
{
    struct vt *vt = e2e_start_at(c, lang, NULL, id, E2E_AT_MODIFY);
    if (vt == NULL)
        return NULL;
    vt_send(vt, "e");
    if (!vt_wait_text(vt, strcmp(lang, "it") == 0 ? "Scegli un piano" : "Choose a plan", E2E_WAIT))
        return NULL;
    vt_key(vt, VT_DOWN);
    vt_key(vt, VT_ENTER);
    if (!e2e_press_until(vt, VT_TAB, strcmp(lang, "it") == 0 ? "▸ [ Completa la transazione ]"
                                                              : "▸ [ Complete transaction ]", 6))
        return NULL;
    vt_key(vt, VT_ENTER);
    if (!vt_wait_text(vt, strcmp(lang, "it") == 0 ? "▸ [ Continua con il pagamento ]"
                                                  : "▸ [ Continue to payment ]", E2E_WAIT))
        return NULL;
    vt_key(vt, VT_ENTER);
    if (!vt_wait_row_text(vt, 0, strcmp(lang, "it") == 0 ? "Pagamento" : "Payment", E2E_WAIT))
        return NULL;
    return vt;
}

static int orders_count(struct e2e_case *c, int id)
{
    json_t *o = e2e_orders(&c->env, id);
    int n = o != NULL ? (int)json_array_size(o) : -1;
    json_decref(o);
    return n;
}

/* Account 1 (IT, €20.00 credit): Business upgrade, 50.00 before VAT. A
 * French number that fails its check: the figures shown are France's VAT
 * without a number (20%: 10.00, due 40.00), not reverse charge; placing
 * asks for it to be corrected or cleared. Cleared, the country change is
 * shown (IT → FR, VAT 22% → VAT 20%) and placed only once confirmed, at
 * exactly the total shown. */
static void test_invalid_vat_counts_as_none(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = to_payment(c, "en", 1);
    assert_non_null(vt);
    E2E_SEE(vt, "▸ [ Place order ]");
    vt_key(vt, VT_UP);
    E2E_SEE(vt, "▸ Billing country");
    vt_send(vt, "\x15" "FR");
    E2E_SEE(vt, "[FR_");
    vt_key(vt, VT_UP);
    E2E_SEE(vt, "▸ VAT number");
    vt_send(vt, "\x15" "FR12345678901");
    E2E_SEE(vt, "[FR12345678901_");
    E2E_SEE(vt, "not valid — VAT 20% charged at FR");
    E2E_SEE(vt, "VAT 20%                           €10.00");
    E2E_SEE(vt, "Total due                         €40.00");
    E2E_NOT_SHOWN(vt, "reverse charge");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "The VAT number is not valid: correct it, or clear it to pay VAT 20% as shown.");
    assert_int_equal(orders_count(c, 1), 0);

    /* cleared: the change of billing information, to confirm */
    E2E_SEE(vt, "▸ VAT number");
    vt_send(vt, "\x15");
    E2E_GONE(vt, "not valid");
    E2E_SEE(vt, "This order changes the account's billing information:");
    E2E_SEE(vt, "Country          IT → FR");
    E2E_SEE(vt, "VAT              VAT 22% → VAT 20%");
    E2E_SEE(vt, "VAT number       IT00743110157 → none");
    E2E_SEE(vt, "Total due                         €40.00");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Confirm the change of billing information above first (Space).");
    E2E_SEE(vt, "▸ [ ] Yes, change the account's billing information");
    assert_int_equal(orders_count(c, 1), 0);
    vt_send(vt, " ");
    E2E_SEE(vt, "▸ [✓] Yes, change the account's billing information");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ [ Place order ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "€40.00");

    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_string_equal(e2e_str(acct, "country"), "FR");
    json_decref(acct);
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "due_minor"), 4000);
    json_decref(orders);
}

/* The expiry field focused, in the language of the test. */
static const char *expiry_focus = "▸ Expiry (MM/YY)";

/* Types a new card (number, then expiry) into the focused number field. */
static void type_card(struct vt *vt, const char *number, const char *expiry)
{
    vt_send(vt, "\x15");
    vt_send(vt, number);
    vt_key(vt, VT_TAB);
    assert_true(vt_wait_text(vt, expiry_focus, E2E_WAIT));
    vt_send(vt, "\x15");
    vt_send(vt, expiry);
}

/* Account 5 (US, no card on file): no VAT outside the EU and no VAT number
 * asked; each test card's decline says the processor's reason, a
 * processing error says in plain words what happened and what happens
 * next, under the button; "1230" is read as 12/30. */
static void test_declines_say_why(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = to_payment(c, "en", 5);
    assert_non_null(vt);
    E2E_SEE(vt, "No VAT (outside the EU)");
    E2E_SEE(vt, "▸ Card number");
    E2E_NOT_SHOWN(vt, "VAT number");
    E2E_NOT_SHOWN(vt, "VAT 0%");

    static const struct { const char *card, *says; } cases[] = {
        {"4000000000009995", "The card was declined: insufficient funds."},
        {"4000000000000069", "The card was declined: the bank says it has expired."},
        {"4000000000000002", "The card was declined by the bank."},
        {"4000000000000119", "The card processor did not answer, so it is not known yet whether"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_true(e2e_press_until(vt, VT_TAB, "▸ Card number", 8));
        type_card(vt, cases[i].card, "1230");
        E2E_SEE(vt, "[1230_");
        assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
        vt_key(vt, VT_ENTER);
        E2E_SEE(vt, cases[i].says);
        E2E_SETTLE(vt);
        /* said below the button, which stays in view */
        const char *scr = e2e_screen(vt);
        const char *btn = strstr(scr, "▸ [ Place order ]");
        const char *msg = strstr(scr, cases[i].says);
        assert_non_null(btn);
        assert_non_null(msg);
        assert_true(btn < msg);
        E2E_NOT_SHOWN(vt, "reconcil");
        assert_int_equal(orders_count(c, 5), 0);
    }
    E2E_SEE(vt, "the order will be completed or the money refunded automatically; do not pay");

    /* the expiry as four digits is MM/YY */
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Card number", 8));
    type_card(vt, "4242424242424242", "1230");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_GONE(vt, "Write the expiry as MM/YY");
    assert_int_equal(orders_count(c, 5), 1);
}

/* Account 1 pays with a new card: "Use this card for renewals?" defaults
 * to No; answered Yes, the card is the one on file at the next checkout. */
static void test_new_card_for_renewals(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = to_payment(c, "en", 1);
    assert_non_null(vt);
    E2E_SEE(vt, "Card on file: Visa ending 4242, expires 12/2029");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ (•) Card on file", 8));
    vt_key(vt, VT_RIGHT);
    E2E_SEE(vt, "(•) A new card");
    E2E_SEE(vt, "Use this card for renewals?  (•) No  ( ) Yes");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Card number", 4));
    type_card(vt, "5555555555554444", "1230");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Use this card for renewals?");
    vt_key(vt, VT_RIGHT);
    E2E_SEE(vt, "Use this card for renewals?  ( ) No  (•) Yes");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");

    /* the next checkout offers the card kept for renewals */
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Enterprise", 4));
    vt_key(vt, VT_ENTER);
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "▸ [ Continue to payment ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "Card on file: Mastercard ending 4444, expires 12/2030");
}

/* Italian: the decline and the processing error are said under the button
 * in Italian; no VAT outside the EU; the renewals question. */
static void test_italian_messages(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = to_payment(c, "it", 5);
    assert_non_null(vt);
    expiry_focus = "▸ Scadenza (MM/AA)";
    E2E_SEE(vt, "Niente IVA (fuori dall'UE)");
    E2E_NOT_SHOWN(vt, "Partita IVA");
    E2E_SEE(vt, "Usare questa carta per i rinnovi?  (•) No  ( ) Sì");
    E2E_SEE(vt, "▸ Numero di carta");
    type_card(vt, "4000000000009995", "1230");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Effettua ordine ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "La carta è stata rifiutata per fondi insufficienti.");
    E2E_SETTLE(vt);
    const char *scr = e2e_screen(vt);
    const char *btn = strstr(scr, "▸ [ Effettua ordine ]");
    const char *msg = strstr(scr, "La carta è stata rifiutata");
    assert_true(btn != NULL && msg != NULL && btn < msg);

    assert_true(e2e_press_until(vt, VT_TAB, "▸ Numero di carta", 8));
    type_card(vt, "4000000000000119", "12/30");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Effettua ordine ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Il circuito di pagamento non ha risposto");
    E2E_NOT_SHOWN(vt, "riconcil");
    assert_int_equal(orders_count(c, 5), 0);
}

/* Italian: the VAT number that is not valid counts as none, said so. */
static void test_italian_invalid_vat(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = to_payment(c, "it", 1);
    assert_non_null(vt);
    E2E_SEE(vt, "▸ [ Effettua ordine ]");
    vt_key(vt, VT_UP);
    vt_send(vt, "\x15" "FR");
    E2E_SEE(vt, "[FR_");
    vt_key(vt, VT_UP);
    vt_send(vt, "\x15" "FR12345678901");
    E2E_SEE(vt, "non valida — si applica IVA 20% (FR)");
    E2E_SEE(vt, "40,00 €");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Effettua ordine ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "La partita IVA non è valida: correggila, oppure cancellala per pagare IVA 20%");
    assert_int_equal(orders_count(c, 1), 0);
}

/* The fullest Payment screen at 80x24 — card on file, a new card that is
 * declined, a country change to confirm: the decline is said in full under
 * Place order, which stays in view, and nothing covers the form. */
static void test_decline_with_billing_change_fits(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = to_payment(c, "en", 1);
    assert_non_null(vt);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ (•) Card on file", 8));
    vt_key(vt, VT_RIGHT);
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Card number", 4));
    type_card(vt, "4000000000009995", "12/30");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Billing country", 6));
    vt_send(vt, "\x15" "FR");
    E2E_SEE(vt, "[FR_");
    vt_key(vt, VT_UP);
    E2E_SEE(vt, "▸ VAT number");
    vt_send(vt, "\x15");
    E2E_SEE(vt, "Country          IT → FR");
    E2E_SEE(vt, "VAT number       IT00743110157 → none");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ ] Yes, change the account's billing information", 4));
    vt_send(vt, " ");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ [ Place order ]");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Try another card.");
    E2E_SETTLE(vt);
    E2E_SEE(vt, "The card was declined: insufficient funds.");
    E2E_SEE(vt, "▸ [ Place order ]");
    E2E_SEE(vt, "[✓] Yes, change the account's billing information");
    E2E_SEE(vt, "Billing country  [FR");
    const char *scr = e2e_screen(vt);
    assert_true(strstr(scr, "▸ [ Place order ]") < strstr(scr, "The card was declined"));
    assert_int_equal(orders_count(c, 1), 0);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_invalid_vat_counts_as_none, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_declines_say_why, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_new_card_for_renewals, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_decline_with_billing_change_fits, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_italian_messages, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_italian_invalid_vat, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
