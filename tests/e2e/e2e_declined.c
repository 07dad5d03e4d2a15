/* e2e_declined.c — the README's declined test card: the payment screen
 * says so and the database is exactly as before (SPEC §4: a declined
 * payment changes nothing). Demo account 3, Müller Technik (no card on
 * file): GoToMeeting Business -> Enterprise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_declined_card_changes_nothing(void **state)
{
    struct e2e_case *c = *state;
    json_t *before = e2e_account(&c->env, 3);
    assert_non_null(before);

    struct vt *vt = e2e_start_at(c, "en", NULL, 3, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Enterprise", 4));
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Choose a plan");
    /* credit 160.00 x 10/30 = 53.33; charge 220.00; VAT 19% of 166.67 */
    E2E_SEE(vt, "-€53.33");
    E2E_SEE(vt, "€220.00");
    E2E_SEE(vt, "€198.34");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "▸ [ Continue to payment ]");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "€198.34");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Card number", 8));
    vt_send(vt, "4000000000000002");
    E2E_SEE(vt, "•••• •••• •••• 0002");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Expiry (MM/YY)");
    vt_send(vt, "12/30");
    E2E_SEE(vt, "[12/30");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "The card was declined by the bank. Nothing was charged and nothing changed.");
    /* still on Payment: another card may be tried */
    assert_true(vt_wait_row_text(vt, 0, "Payment", E2E_WAIT));

    /* a change in progress: quitting asks first */
    vt_send(vt, "q");
    E2E_SEE(vt, "Quit and lose this change? y/n");
    vt_send(vt, "y");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *after = e2e_account(&c->env, 3);
    assert_non_null(after);
    assert_true(json_equal(before, after));
    json_t *orders = e2e_orders(&c->env, 3);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
    json_decref(after);
    json_decref(before);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_declined_card_changes_nothing, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
