/* e2e_trial.c — a subscription whose trial ended shows Subscribe now
 * instead of Modify subscription (SPEC §2 step 2). Verdi Formazione (demo
 * 8): GoToTraining Starter trial ended 2026-11-11; subscribing on
 * 2026-11-25 charges 89.00 + VAT 22% 19.58 = 108.58 for 2026-11-25 ->
 * 2026-12-25, paid with a new card (no card on file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_subscribe_after_trial(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 8, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Trial ended on 2026-11-11: Subscribe now to continue");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToTraining", 4));
    vt_key(vt, VT_ENTER);
    /* the options box offers Subscribe now, not Modify subscription */
    E2E_SEE(vt, "▸ Subscribe now");
    E2E_NOT_SHOWN(vt, "│▸ Modify subscription");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Subscribe now");
    E2E_SEE(vt, "GoToTraining: current plan Starter, 1 seat, Monthly");
    E2E_SEE(vt, "New charge: Starter × 1  25 Nov – 25 Dec 2026");
    E2E_SEE(vt, "€89.00");
    E2E_SEE(vt, "€19.58");
    E2E_SEE(vt, "€108.58");
    E2E_NOT_SHOWN(vt, "Credit for unused time");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "€108.58");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "▸ Card number");
    vt_send(vt, "4242424242424242");
    E2E_SEE(vt, "•••• •••• •••• 4242");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Expiry (MM/YY)");
    vt_send(vt, "01/29");
    E2E_SEE(vt, "[01/29");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "€108.58");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");
    E2E_GONE(vt, "Trial ended");
    E2E_SEE(vt, "2026-11-25 → 2026-12-25");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *acct = e2e_account(&c->env, 8);
    assert_non_null(acct);
    json_t *sub = e2e_subscription(acct, "gototraining");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "plan"), "starter");
    assert_string_equal(e2e_str(sub, "period_start"), "2026-11-25");
    assert_string_equal(e2e_str(sub, "period_end"), "2026-12-25");
    json_decref(acct);
    json_t *orders = e2e_orders(&c->env, 8);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "due_minor"), 10858);
    json_decref(orders);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_subscribe_after_trial, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
