/* e2e_credit.c — a seat reduction whose credit exceeds the new charge:
 * nothing is due, the review offers Place order (no payment screen) and the
 * rest goes to the credit balance (SPEC §3: credits are never paid out).
 * Demo account 9, Bianchi Studio: GoToMeeting Business 20 seats (2
 * assigned), period 2026-11-16 -> 2026-12-16, balance 500.00. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_seat_reduction_leaves_credit(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 9, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Credit balance: €500.00");
    E2E_SEE(vt, "2/20");

    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Seats", 4));
    vt_send(vt, "2");
    E2E_SEE(vt, "[2_");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "- 2 +");
    /* Seats only: the period stays. Credit 320.00 x 21/30 = 224.00, charge
     * 32.00 x 21/30 = 22.40 for the same days, VAT -44.35: T = -245.95 */
    E2E_SEE(vt, "Credit for unused time  25 Nov – 16 Dec 2026");
    E2E_SEE(vt, "-€224.00");
    E2E_SEE(vt, "New charge: Business × 2  25 Nov – 16 Dec 2026");
    E2E_SEE(vt, "€22.40");
    E2E_SEE(vt, "-€44.35");
    E2E_SEE(vt, "Total due                                                          €0.00");
    E2E_SEE(vt, "Credit balance afterwards                                        €745.95");

    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "▸ [ Place order ]");
    E2E_NOT_SHOWN(vt, "Continue to payment");
    vt_key(vt, VT_ENTER);
    /* straight to the confirmation: nothing to pay */
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "GoToMeeting: 20 → 2 seats");
    E2E_SEE(vt, "€745.95");
    E2E_NOT_SHOWN(vt, "You added");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *acct = e2e_account(&c->env, 9);
    assert_non_null(acct);
    assert_int_equal(e2e_int(acct, "balance_minor"), 74595);
    json_t *sub = e2e_subscription(acct, "gotomeeting");
    assert_non_null(sub);
    assert_int_equal(e2e_int(sub, "seats"), 2);
    assert_int_equal(e2e_int(sub, "seats_assigned"), 2);
    assert_string_equal(e2e_str(sub, "period_start"), "2026-11-16");
    assert_string_equal(e2e_str(sub, "period_end"), "2026-12-16");
    json_decref(acct);

    json_t *orders = e2e_orders(&c->env, 9);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_t *o = json_array_get(orders, 0);
    assert_int_equal(e2e_int(o, "due_minor"), 0);
    assert_int_equal(e2e_int(o, "balance_applied_minor"), 0);
    assert_int_equal(e2e_int(o, "total_minor"), -24595);
    assert_int_equal(e2e_int(o, "balance_after_minor"), 74595);
    json_decref(orders);
}

/* Below the assigned count is not offered: the count stops at 2 and the
 * screen says why. */
static void test_seats_never_below_assigned(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 9, E2E_AT_MODIFY);
    assert_non_null(vt);
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Seats", 4));
    vt_send(vt, "1");
    E2E_SEE(vt, "[1_");
    vt_key(vt, VT_TAB);
    assert_true(vt_wait_row_text(vt, 22, "unassign", E2E_WAIT));
    E2E_SEE(vt, "- 2 +");
    /* a change in progress: quitting asks first */
    vt_send(vt, "q");
    E2E_SEE(vt, "Quit and lose this change? y/n");
    vt_send(vt, "y");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *orders = e2e_orders(&c->env, 9);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seat_reduction_leaves_credit, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_seats_never_below_assigned, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
