/* e2e_cart_new.c — SPEC §8 end to end, beyond a product added alone: a new
 * product joins a cart that holds a change of another product (Add
 * product's primary action is then Add to cart, as Modify subscription's)
 * and the cart is checked out as one order at exactly the total shown,
 * its new subscription created; and a canceled subscription (canceled
 * with the CLI, then renewed past its period end) shows Subscribe now —
 * no Cancel or Reactivate — and is subscribed again from today. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* Types a test card and places the order from the Payment screen. */
static void pay_with_card(struct vt *vt)
{
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "▸ Card number");
    vt_send(vt, "4242424242424242");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Expiry (MM/YY)");
    vt_send(vt, "1230");
    E2E_SEE(vt, "[1230_");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
}

/* Müller Technik (3, DE: 19 %, no balance, no card) puts GoToMeeting
 * 10 -> 11 seats in the cart (5.34 + 1.02 = 6.36), then adds GoToWebinar
 * Lite, 2 seats monthly (98.00 + 18.62 = 116.62): the cart's Total due is
 * 122.98, and the one order placed is 122.98. */
static void test_new_product_joins_the_cart(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 3, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Cart: 0 items");

    /* The change of GoToMeeting, through the secondary Add to cart. */
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 11 +");
    E2E_SEE(vt, "[ Complete transaction ]    [ Add to cart ]");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Add to cart ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Cart");
    E2E_SEE(vt, "GoToMeeting: Business, 11 seats, Monthly");
    E2E_SEE(vt, "€6.36");

    /* Add product: the cart holds an item, so Add to cart is the action. */
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Cart: 1 item");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ + Add product", 4));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Add product");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 3));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "GoToWebinar: a new subscription");
    E2E_SEE(vt, "< Lite >");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 2 +");
    E2E_SEE(vt, "New charge: Lite × 2  25 Nov – 25 Dec 2026                        €98.00");
    E2E_SEE(vt, "This item adds to the Total due                                  €116.62");
    E2E_SEE(vt, "Cart's Total due with this item                                  €122.98");
    E2E_SEE(vt, "[ Add to cart ]");
    E2E_NOT_SHOWN(vt, "[ Complete transaction ]");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Add to cart ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Cart");
    E2E_SEE(vt, "Added to the cart.");
    E2E_SEE(vt, "GoToMeeting: Business, 11 seats, Monthly");
    E2E_SEE(vt, "GoToWebinar: Lite, 2 seats, Monthly (new subscription)           €116.62");
    E2E_SEE(vt, "Total due                                                            €122.98");

    /* The CLI sees the same cart: the new product's item names no subscription. */
    json_t *acct = e2e_account(&c->env, 3);
    assert_non_null(acct);
    json_t *cart = json_object_get(acct, "cart");
    assert_int_equal(json_array_size(cart), 2);
    assert_string_equal(e2e_str(json_array_get(cart, 1), "product"), "gotowebinar");
    assert_true(json_is_null(json_object_get(json_array_get(cart, 1), "subscription_id")));
    assert_int_equal(e2e_int(json_array_get(cart, 1), "to_seats"), 2);
    assert_null(e2e_subscription(acct, "gotowebinar"));
    json_decref(acct);

    /* Enter on the new product's item edits it on Add product. */
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 3));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Add product");
    E2E_SEE(vt, "- 2 +");
    E2E_SEE(vt, "[ Update cart item ]");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Cart");

    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "GoToMeeting");
    assert_true(e2e_press_until(vt, VT_DOWN, "GoToWebinar: Lite (new subscription)", 20));
    assert_true(e2e_press_until(vt, VT_DOWN, "€122.98", 20));
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Continue to payment ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "€122.98");
    pay_with_card(vt);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "Order 1 has been placed.");
    E2E_SEE(vt, "€122.98");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    acct = e2e_account(&c->env, 3);
    assert_non_null(acct);
    assert_int_equal(json_array_size(json_object_get(acct, "cart")), 0);
    assert_int_equal(e2e_int(e2e_subscription(acct, "gotomeeting"), "seats"), 11);
    json_t *sub = e2e_subscription(acct, "gotowebinar");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "plan"), "lite");
    assert_int_equal(e2e_int(sub, "seats"), 2);
    assert_string_equal(e2e_str(sub, "status"), "active");
    assert_string_equal(e2e_str(sub, "period_start"), "2026-11-25");
    assert_string_equal(e2e_str(sub, "period_end"), "2026-12-25");
    json_decref(acct);

    /* One order with the lines of both, at the total shown. */
    json_t *orders = e2e_orders(&c->env, 3);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_t *o = json_array_get(orders, 0);
    assert_int_equal(e2e_int(o, "total_minor"), 12298);
    assert_int_equal(e2e_int(o, "due_minor"), 12298);
    bool meeting = false, webinar = false;
    long long sum = 0;
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(o, "lines"), i, l) {
        const char *p = e2e_str(l, "product");
        meeting |= strcmp(p, "gotomeeting") == 0;
        webinar |= strcmp(p, "gotowebinar") == 0;
        sum += e2e_int(l, "amount_minor");
    }
    assert_true(meeting);
    assert_true(webinar);
    assert_int_equal(sum, 12298);
    json_decref(orders);
}

/* GoToMeeting of Müller Technik (3; Business, 10 seats monthly, period
 * 2026-11-05 -> 2026-12-05) canceled on 2026-11-25 and renewed on
 * 2026-12-05: canceled. On 2026-12-10 it offers Subscribe now, a new
 * period from that day: 10 × 16.00 = 160.00 + 19 % = 190.40. */
static void test_canceled_subscribes_now(void **state)
{
    struct e2e_case *c = *state;
    int code = -1;
    json_t *j = e2e_cli_json(&c->env, (const char *const[]){"subscription", "cancel", "--account",
                             "3", "--product", "gotomeeting", "--date", E2E_DATE, NULL}, &code);
    assert_int_equal(code, 0);
    json_decref(j);
    j = e2e_cli_json(&c->env, (const char *const[]){"renew", "--account", "3", "--date",
                     "2026-12-05", NULL}, &code);
    assert_int_equal(code, 0);
    assert_int_equal(json_array_size(j), 1);
    assert_string_equal(e2e_str(json_array_get(j, 0), "outcome"), "canceled");
    json_decref(j);

    struct vt *vt = c->vt = e2e_ui(&c->env, "en", (const char *const[]){"--date", "2026-12-10",
                                   NULL}, NULL, 24, 80);
    assert_non_null(vt);
    assert_true(e2e_open_account(vt, 3, "Müller Technik GmbH"));
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Canceled on 2026-12-05   2026-11-05 → 2026-12-05   Subscribe now");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "▸ Subscribe now");
    E2E_SEE(vt, "Order history");
    E2E_NOT_SHOWN(vt, "Cancel subscription");
    E2E_NOT_SHOWN(vt, "Reactivate");
    E2E_NOT_SHOWN(vt, "Modify subscription");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscribe now");
    E2E_SEE(vt, "Canceled on 2026-12-05");
    E2E_SEE(vt, "New charge: Business × 10  10 Dec 2026 – 10 Jan 2027             €160.00");
    E2E_SEE(vt, "Total due                                                        €190.40");
    E2E_NOT_SHOWN(vt, "Credit for unused time");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "€190.40");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Continue to payment ]", 6));
    vt_key(vt, VT_ENTER);
    pay_with_card(vt);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "€190.40");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *acct = e2e_cli_json(&c->env, (const char *const[]){"account", "show", "3", "--date",
                                "2026-12-10", NULL}, NULL);
    assert_non_null(acct);
    json_t *sub = e2e_subscription(acct, "gotomeeting");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "status"), "active");
    assert_true(json_is_true(json_object_get(sub, "auto_renew")));
    assert_string_equal(e2e_str(sub, "period_start"), "2026-12-10");
    assert_string_equal(e2e_str(sub, "period_end"), "2027-01-10");
    assert_int_equal(e2e_int(sub, "seats"), 10);
    json_decref(acct);
    json_t *orders = e2e_orders(&c->env, 3);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "total_minor"), 19040);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "due_minor"), 19040);
    json_decref(orders);
}

/* In Italian: with the cart empty, Add product offers Aggiungi al carrello
 * beside Completa la transazione; the cart then lists the product as a new
 * subscription, and x removes it. */
static void test_new_product_in_the_cart_italian(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 3, E2E_AT_HOME);
    assert_non_null(vt);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ + Aggiungi prodotto", 4));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Aggiungi prodotto");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 3));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "GoToWebinar: una nuova sottoscrizione");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 2 +");
    E2E_SEE(vt, "[ Completa la transazione ]    [ Aggiungi al carrello ]");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Aggiungi al carrello ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Carrello");
    E2E_SEE(vt, "GoToWebinar: Lite, 2 postazioni, Mensile (nuova sottoscrizione) 116,62 €");
    json_t *acct = e2e_account(&c->env, 3);
    assert_non_null(acct);
    assert_int_equal(json_array_size(json_object_get(acct, "cart")), 1);
    json_decref(acct);
    vt_send(vt, "x");
    E2E_SEE(vt, "GoToWebinar");
    vt_send(vt, "s");
    E2E_SEE(vt, "Il carrello è vuoto.");
    acct = e2e_account(&c->env, 3);
    assert_non_null(acct);
    assert_int_equal(json_array_size(json_object_get(acct, "cart")), 0);
    assert_null(e2e_subscription(acct, "gotowebinar"));
    json_decref(acct);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_product_joins_the_cart, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_canceled_subscribes_now, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_new_product_in_the_cart_italian, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
