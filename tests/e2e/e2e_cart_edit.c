/* e2e_cart_edit.c — the cart as a new user works it (Rossi Consulting,
 * demo 1): Tab reaches Complete transaction; editing an item already in the
 * cart is an update (its button and message say so); x asks before
 * removing and keeps the item unless the answer is yes; an order that adds
 * a seat to each of two products reminds of both seats, per product. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* From Subscriptions: product's Modify subscription, one seat more, into
 * the cart. */
static void add_seat_to_cart(struct vt *vt, const char *product, const char *action)
{
    char mark[96];
    snprintf(mark, sizeof mark, "▸ %s", product);
    /* GoToMeeting is the first row, GoToWebinar the second */
    assert_true(e2e_press_until(vt, strcmp(product, "GoToMeeting") == 0 ? VT_UP : VT_DOWN, mark,
                                4));
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "+");
    E2E_SEE(vt, "Total due");
    snprintf(mark, sizeof mark, "▸ [ %s ]", action);
    assert_true(e2e_press_until(vt, VT_TAB, mark, 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Cart");
}

static void test_cart_edit_remove_and_seats(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    add_seat_to_cart(vt, "GoToMeeting", "Add to cart");
    E2E_SEE(vt, "Added to the cart.");
    E2E_SEE(vt, "GoToMeeting: Professional, 6 seats, Monthly");

    /* the same item edited: an update, not an addition */
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "[ Update cart item ]");
    E2E_NOT_SHOWN(vt, "[ Add to cart ]");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 7 +");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Update cart item ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Cart");
    E2E_SEE(vt, "Cart item updated.");
    E2E_SEE(vt, "GoToMeeting: Professional, 7 seats, Monthly");
    E2E_NOT_SHOWN(vt, "Added to the cart.");

    /* x asks; n (or any other key) keeps the item */
    vt_send(vt, "x");
    E2E_SEE(vt, "Remove GoToMeeting from the cart? (y/n, default n)");
    vt_send(vt, "n");
    E2E_SEE(vt, "The item stays in the cart.");
    E2E_SEE(vt, "GoToMeeting: Professional, 7 seats, Monthly");
    vt_send(vt, "x");
    E2E_SEE(vt, "Remove GoToMeeting from the cart?");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "The item stays in the cart.");
    E2E_SEE(vt, "GoToMeeting: Professional, 7 seats, Monthly");
    /* y removes it */
    vt_send(vt, "x");
    E2E_SEE(vt, "Remove GoToMeeting from the cart?");
    vt_send(vt, "y");
    E2E_SEE(vt, "Removed from the cart.");
    E2E_SEE(vt, "The cart is empty.");

    /* one seat to each of two products, one order */
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Cart: 0 items");
    add_seat_to_cart(vt, "GoToMeeting", "Add to cart");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Cart: 1 item");
    add_seat_to_cart(vt, "GoToWebinar", "Add to cart");
    E2E_SEE(vt, "GoToWebinar: Standard, 3 seats, Annual");
    /* Tab reaches the last row */
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 4));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    assert_true(e2e_press_until(vt, VT_DOWN, "Total due", 20));
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Continue to payment ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "You added 2 seats");
    E2E_SEE(vt, "GoToMeeting: 1 seat, GoToWebinar: 1 seat");
    E2E_NOT_SHOWN(vt, "You added 1 seat");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(e2e_int(e2e_subscription(acct, "gotomeeting"), "seats"), 6);
    assert_int_equal(e2e_int(e2e_subscription(acct, "gotowebinar"), "seats"), 3);
    json_decref(acct);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cart_edit_remove_and_seats, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
