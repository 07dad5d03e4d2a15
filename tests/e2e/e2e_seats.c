/* e2e_seats.c — adding seats ends on a confirmation that reminds to assign
 * them and opens Manage seats with one key; assigning there is stored, and
 * assigning more users than seats is refused (SPEC §2 steps 7-8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_add_seats_then_assign_two(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "▸ GoToMeeting");

    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "- 5 +");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 6 +");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 7 +");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 8 +");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 9 +");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 10 +");
    /* Seats only: the period stays. 10 x 12.00 x 15/30 = 60.00 for the days
     * left; 60.00 - 30.00 = 30.00, VAT 6.60, balance 20.00: due 16.60 */
    E2E_SEE(vt, "New charge: Professional × 10  25 Nov – 10 Dec 2026");
    E2E_SEE(vt, "€60.00");
    E2E_SEE(vt, "€16.60");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "▸ [ Continue to payment ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "(•) Card on file: Visa ending 4242");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "GoToMeeting: 5 → 10 seats");
    E2E_SEE(vt, "You added 5 seats");
    E2E_SEE(vt, "Press s to open Manage seats");

    vt_send(vt, "s");
    E2E_TITLE(vt, "Manage seats");
    E2E_SEE(vt, "GoToMeeting Professional: 3 of 10 seats assigned");
    E2E_SEE(vt, "[ ]     Morgan Berg");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ [ ]     Morgan Berg", 8));
    vt_send(vt, " ");
    E2E_SEE(vt, "4 of 10 seats assigned");
    E2E_SEE(vt, "▸ [✓]     Morgan Berg");
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ [ ]     Morgan Clarke");
    vt_send(vt, " ");
    E2E_SEE(vt, "5 of 10 seats assigned");
    E2E_SEE(vt, "▸ [✓]     Morgan Clarke");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    json_t *sub = e2e_subscription(acct, "gotomeeting");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "plan"), "professional");
    assert_int_equal(e2e_int(sub, "seats"), 10);
    assert_string_equal(e2e_str(sub, "period_start"), "2026-11-10");
    assert_int_equal(e2e_int(sub, "seats_assigned"), 5);
    assert_int_equal(e2e_int(acct, "balance_minor"), 0);
    json_decref(acct);

    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "due_minor"), 1660);
    json_decref(orders);
}

static void test_assigning_beyond_seats_is_refused(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_SEATS);
    assert_non_null(vt);
    E2E_SEE(vt, "3 of 5 seats assigned");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ [ ]     Morgan Berg", 8));
    vt_send(vt, " ");
    E2E_SEE(vt, "4 of 5 seats assigned");
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ [ ]     Morgan Clarke");
    vt_send(vt, " ");
    E2E_SEE(vt, "5 of 5 seats assigned");
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ [ ]     Taylor Novak");
    vt_send(vt, " ");
    /* refused: a message on the status line, nothing assigned */
    E2E_SEE(vt, "All 5 seats are assigned");
    E2E_SEE(vt, "▸ [ ]     Taylor Novak");
    E2E_SEE(vt, "5 of 5 seats assigned");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    json_t *sub = e2e_subscription(acct, "gotomeeting");
    assert_non_null(sub);
    assert_int_equal(e2e_int(sub, "seats"), 5);
    assert_int_equal(e2e_int(sub, "seats_assigned"), 5);
    json_decref(acct);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_seats_then_assign_two, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_assigning_beyond_seats_is_refused,
                                        e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
