/* e2e_add_product.c — SPEC §8 "Add a product" end to end: from
 * Subscriptions, the Add product row lists the catalog's products the
 * account lacks; plan editing shows the new subscription's Order Summary
 * (a charge and no credit, the period from today); Complete transaction,
 * review, payment and confirmation as for a change; the CLI then shows the
 * new subscription and the order at exactly the total shown. A product
 * with a free trial (GoToTraining, 14 days) is added with nothing charged,
 * in Italian. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* Account 3 (Müller Technik, DE: VAT 19 %, no card on file) adds
 * GoToWebinar Standard, 3 seats monthly: 297.00 + 56.43 = 353.43. */
static void test_add_product_checkout(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 3, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "+ Add product");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ + Add product", 4));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Add product");
    E2E_SEE(vt, "Products this account does not have yet:");
    E2E_SEE(vt, "GoToTraining");
    E2E_SEE(vt, "(14-day free trial)");
    E2E_SEE(vt, "GoToWebinar");
    E2E_NOT_SHOWN(vt, "GoToMeeting");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 3));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "GoToWebinar: a new subscription");
    E2E_SEE(vt, "Its billing period begins today.");
    E2E_SEE(vt, "< Lite >");
    E2E_SEE(vt, "€58.31");
    vt_key(vt, VT_RIGHT);
    E2E_SEE(vt, "< Standard >");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Seats");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 2 +");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 3 +");
    E2E_SEE(vt, "New charge: Standard × 3  25 Nov – 25 Dec 2026                   €297.00");
    E2E_SEE(vt, "VAT 19%                                                           €56.43");
    E2E_SEE(vt, "Total due                                                        €353.43");
    E2E_NOT_SHOWN(vt, "Credit for unused time");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 4));
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "GoToWebinar: Standard (new subscription)");
    E2E_SEE(vt, "Billing period 2026-11-25 → 2026-12-25 (begins today), Monthly");
    E2E_SEE(vt, "Total due                                                            €353.43");
    E2E_SEE(vt, "▸ [ Continue to payment ]");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "Total due                        €353.43");
    E2E_SEE(vt, "▸ Card number");
    vt_send(vt, "4242424242424242");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Expiry (MM/YY)");
    vt_send(vt, "1230");
    E2E_SEE(vt, "[1230_");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "GoToWebinar: Standard, 3 seats, Monthly (new subscription)");
    E2E_SEE(vt, "Your new billing period begins today: 2026-11-25 → 2026-12-25");
    E2E_SEE(vt, "Amount charged                             €353.43");
    E2E_SEE(vt, "You added 3 seats");

    json_t *acct = e2e_account(&c->env, 3);
    assert_non_null(acct);
    json_t *sub = e2e_subscription(acct, "gotowebinar");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "plan"), "standard");
    assert_int_equal(e2e_int(sub, "seats"), 3);
    assert_string_equal(e2e_str(sub, "period"), "monthly");
    assert_string_equal(e2e_str(sub, "status"), "active");
    assert_string_equal(e2e_str(sub, "period_start"), "2026-11-25");
    assert_string_equal(e2e_str(sub, "period_end"), "2026-12-25");
    json_decref(acct);
    json_t *orders = e2e_orders(&c->env, 3);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "total_minor"), 35343);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "due_minor"), 35343);
    json_decref(orders);

    /* Back on Subscriptions the new product has its row; Add product is
     * still offered (GoToTraining is left). */
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "GoToWebinar      Standard         0/3         Monthly              €99.00");
    E2E_SEE(vt, "+ Add product");
}

/* Account 1 (Rossi, €20.00 of credit) in Italian: GoToTraining, its only
 * product left, starts as a 14-day free trial — nothing charged, no
 * payment step, the balance untouched. */
static void test_add_trial_italian(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ + Aggiungi prodotto", 4));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Aggiungi prodotto");
    E2E_SEE(vt, "▸ GoToTraining");
    E2E_SEE(vt, "(prova gratuita di 14 giorni)");
    E2E_GONE(vt, "GoToWebinar");   /* the rows of Subscriptions, once repainted */
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "GoToTraining: una nuova sottoscrizione");
    E2E_SEE(vt, "Inizia con una prova gratuita di 14 giorni");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Postazioni");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 2 +");
    E2E_SEE(vt, "Prova gratuita: Starter × 2  25 nov – 9 dic 2026");
    E2E_SEE(vt, "Totale dovuto                                                     0,00 €");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Completa la transazione ]", 4));
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Completa la transazione");
    E2E_SEE(vt, "GoToTraining: Starter (nuova sottoscrizione)");
    E2E_SEE(vt, "Prova gratuita 25/11/2026 → 09/12/2026 (inizia oggi), poi Mensile");
    E2E_SEE(vt, "▸ [ Effettua ordine ]");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Ordine effettuato");
    E2E_SEE(vt, "GoToTraining: Starter, 2 postazioni, Mensile (nuova sottoscrizione)");
    E2E_SEE(vt, "La tua prova gratuita inizia oggi: 25/11/2026 → 09/12/2026");
    E2E_SEE(vt, "Importo addebitato                          0,00 €");

    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(e2e_int(acct, "balance_minor"), 2000);
    json_t *sub = e2e_subscription(acct, "gototraining");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "status"), "trial");
    assert_int_equal(e2e_int(sub, "seats"), 2);
    assert_string_equal(e2e_str(sub, "period_start"), "2026-11-25");
    assert_string_equal(e2e_str(sub, "period_end"), "2026-12-09");
    json_decref(acct);
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "total_minor"), 0);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "due_minor"), 0);
    json_decref(orders);

    /* Every product is had now: no Add product row. */
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Sottoscrizioni");
    E2E_SEE(vt, "GoToTraining");
    E2E_NOT_SHOWN(vt, "Aggiungi prodotto");
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_product_checkout, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_add_trial_italian, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
