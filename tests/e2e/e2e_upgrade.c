/* e2e_upgrade.c — SPEC §2 end to end: an operator finds Rossi Consulting
 * (demo account 1, SPEC §3's worked example), upgrades GoToMeeting from
 * Professional to Business, pays the 41.00 due with a new card and sees the
 * confirmation; the database then holds exactly that order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_upgrade_with_new_card(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);

    /* Subscriptions: header and the worked example's row */
    E2E_SEE(vt, "Credit balance: €20.00");
    E2E_SEE(vt, "Billing contact: Maria Rossi <maria.rossi@example.it>");
    E2E_SEE(vt, "Cart: 0 items");
    E2E_SEE(vt, "GoToMeeting      Professional     3/5         Monthly              €12.00");
    E2E_SEE(vt, "2026-11-10 → 2026-12-10");

    /* Modify subscription, Edit: the tier list in rank order */
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "current plan Professional, 5 seats, Monthly");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    E2E_SEE(vt, "Professional (current plan)");
    E2E_SEE(vt, "€16.00 per seat a month");
    E2E_SEE(vt, "€22.00 per seat a month");
    E2E_SETTLE(vt);
    {
        const char *s = e2e_screen(vt);
        const char *pro = strstr(s, "Professional (current plan)");
        const char *bus = strstr(s, "Business");
        const char *ent = strstr(s, "Enterprise");
        assert_true(pro && bus && ent && pro < bus && bus < ent);
    }
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ Business");
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Choose a plan");

    /* the live Order Summary: SPEC §3's figures */
    E2E_SEE(vt, "Order Summary");
    E2E_SEE(vt, "Credit for unused time  25 Nov – 10 Dec 2026                     -€30.00");
    E2E_SEE(vt, "New charge: Business × 5  25 Nov – 25 Dec 2026                    €80.00");
    E2E_SEE(vt, "VAT 22%                                                           €11.00");
    E2E_SEE(vt, "Balance applied                                                  -€20.00");
    E2E_SEE(vt, "Total due                                                         €41.00");

    /* Complete transaction (empty cart: that is the primary action) */
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "Billing period 2026-11-25 → 2026-12-25 (begins today), Monthly");
    E2E_SEE(vt, "-€6.60");
    E2E_SEE(vt, "€17.60");
    E2E_SEE(vt, "Subtotal                                                              €50.00");
    E2E_SEE(vt, "Total due                                                             €41.00");
    E2E_SEE(vt, "▸ [ Continue to payment ]");
    E2E_NOT_SHOWN(vt, "[ Place order ]");
    vt_key(vt, VT_ENTER);

    /* Payment: a new card instead of the one on file */
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "Card on file: Visa ending 4242, expires 12/2029");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ (•) Card on file", 8));
    vt_key(vt, VT_RIGHT);
    E2E_SEE(vt, "(•) A new card");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Card number", 4));
    vt_send(vt, "5555555555554444");
    /* masked as typed: only the last four digits show */
    E2E_SEE(vt, "•••• •••• •••• 4444");
    E2E_NOT_SHOWN(vt, "5555");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Expiry (MM/YY)");
    vt_send(vt, "11/28");
    E2E_SEE(vt, "[11/28");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);

    /* Confirmation */
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "Order 1 has been placed.");
    E2E_SEE(vt, "GoToMeeting: Professional → Business");
    E2E_SEE(vt, "new billing period begins today");
    E2E_SEE(vt, "€41.00");
    E2E_SEE(vt, "New credit balance                           €0.00");

    /* back to Subscriptions: the new plan and period are shown */
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "GoToMeeting      Business         3/5");
    E2E_SEE(vt, "2026-11-25 → 2026-12-25");
    E2E_SEE(vt, "Credit balance: €0.00");

    vt_send(vt, "q");
    int st = -1;
    assert_true(vt_wait_exit(vt, E2E_WAIT, &st));
    assert_int_equal(st, 0);

    /* the database: subscription changed, balance used, one order */
    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(e2e_int(acct, "balance_minor"), 0);
    json_t *sub = e2e_subscription(acct, "gotomeeting");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "plan"), "business");
    assert_int_equal(e2e_int(sub, "seats"), 5);
    assert_string_equal(e2e_str(sub, "period"), "monthly");
    assert_string_equal(e2e_str(sub, "period_start"), "2026-11-25");
    assert_string_equal(e2e_str(sub, "period_end"), "2026-12-25");
    json_t *web = e2e_subscription(acct, "gotowebinar");
    assert_non_null(web);
    assert_string_equal(e2e_str(web, "plan"), "standard");
    assert_int_equal(json_array_size(json_object_get(acct, "cart")), 0);
    json_decref(acct);

    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_t *o = json_array_get(orders, 0);
    assert_int_equal(e2e_int(o, "order_id"), 1);
    assert_int_equal(e2e_int(o, "subtotal_minor"), 5000);
    assert_int_equal(e2e_int(o, "tax_minor"), 1100);
    assert_int_equal(e2e_int(o, "balance_applied_minor"), 2000);
    assert_int_equal(e2e_int(o, "due_minor"), 4100);
    assert_int_equal(e2e_int(o, "balance_after_minor"), 0);
    json_t *lines = json_object_get(o, "lines");
    long long sum = 0;
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l) {
        assert_string_equal(e2e_str(l, "product"), "gotomeeting");
        assert_string_equal(e2e_str(l, "plan_to"), "business");
        sum += e2e_int(l, "amount_minor");
    }
    /* -30.00 - 6.60 + 80.00 + 17.60 */
    assert_int_equal(sum, 6100);
    json_decref(orders);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upgrade_with_new_card, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
