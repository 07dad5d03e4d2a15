/* e2e_cart.c — the cart and Edit order (SPEC §2 steps 3-5). Two products
 * of Rossi Consulting (demo 1) go into the cart: once it holds an item the
 * primary action of Modify subscription is Add to cart; Complete
 * transaction then places one order with both items' lines and the balance
 * applied once. Edit order returns to plan editing with every choice kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_two_products_one_order(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Cart: 0 items");

    /* first item: GoToMeeting -> Business, through the secondary Add to cart */
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Choose a plan");
    E2E_SEE(vt, "€41.00");
    E2E_SEE(vt, "[ Complete transaction ]    [ Add to cart ]");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Add to cart ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Cart");
    E2E_SEE(vt, "GoToMeeting: Business, 5 seats, Monthly");

    /* second item: from Subscriptions, GoToWebinar */
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Cart: 1 item");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 4));
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "GoToWebinar: current plan Standard, 2 seats, Annual");
    /* the cart holds an item: Add to cart is the only action */
    E2E_SEE(vt, "[ Add to cart ]");
    E2E_NOT_SHOWN(vt, "[ Complete transaction ]");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 3 +");
    E2E_SEE(vt, "Total due");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Add to cart ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Cart");
    E2E_SEE(vt, "GoToMeeting: Business, 5 seats, Monthly");
    E2E_SEE(vt, "GoToWebinar: Standard, 3 seats, Annual");

    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "GoToMeeting: Professional → Business");
    E2E_SEE(vt, "GoToWebinar");
    /* two items do not fit: the review scrolls to its totals */
    assert_true(e2e_press_until(vt, VT_DOWN, "Total due", 20));
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Continue to payment ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "Order 1 has been placed.");
    E2E_SEE(vt, "GoToMeeting: Professional → Business");
    E2E_SEE(vt, "GoToWebinar: 2 → 3 seats");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(json_array_size(json_object_get(acct, "cart")), 0);
    assert_string_equal(e2e_str(e2e_subscription(acct, "gotomeeting"), "plan"), "business");
    assert_int_equal(e2e_int(e2e_subscription(acct, "gotowebinar"), "seats"), 3);
    assert_int_equal(e2e_int(acct, "balance_minor"), 0);
    json_decref(acct);

    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_t *o = json_array_get(orders, 0);
    /* the 20.00 balance applied once across the order */
    assert_int_equal(e2e_int(o, "balance_applied_minor"), 2000);
    assert_int_equal(e2e_int(o, "due_minor"), e2e_int(o, "total_minor") - 2000);
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
    assert_int_equal(sum, e2e_int(o, "total_minor"));
    json_decref(orders);
}

/* Copies the screen row holding `label` into buf. */
static void row_with(struct vt *vt, const char *label, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int r = 0; r < vt_rows(vt); r++) {
        vt_screen_row(vt, r, buf, size);
        if (strstr(buf, label))
            return;
    }
    buf[0] = '\0';
}

static void test_edit_order_keeps_choices(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Enterprise", 4));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Plan            Enterprise");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 6 +");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Billing", 4));
    vt_send(vt, " ");
    E2E_SEE(vt, "( ) Monthly  (•) Annual");
    E2E_SEE(vt, "Total due");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "Professional → Enterprise");
    E2E_SEE(vt, "Annual");
    char due1[256];
    E2E_SETTLE(vt);
    row_with(vt, "Total due", due1, sizeof due1);
    assert_true(due1[0] != '\0');

    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Edit order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Modify subscription");
    /* every choice kept */
    E2E_SEE(vt, "Plan            Enterprise");
    E2E_SEE(vt, "- 6 +");
    E2E_SEE(vt, "( ) Monthly  (•) Annual");
    char due2[256];
    E2E_SEE(vt, "Total due");
    E2E_SETTLE(vt);
    row_with(vt, "Total due", due2, sizeof due2);
    /* the same amount, whatever the column */
    const char *a1 = strrchr(due1, ' '), *a2 = strrchr(due2, ' ');
    assert_non_null(a1);
    assert_non_null(a2);
    assert_string_equal(a1, a2);

    /* and back to the review: the same figures */
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, due1);

    /* a change in progress: quitting asks first */
    vt_send(vt, "q");
    E2E_SEE(vt, "Quit and lose this change? y/n");
    vt_send(vt, "y");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_products_one_order, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_edit_order_keeps_choices, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
