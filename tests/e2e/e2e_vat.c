/* e2e_vat.c — the VAT number given at payment (SPEC §2 step 6, §3 VAT
 * cases). Müller Technik (demo 3, DE, no VAT number) upgrades GoToMeeting
 * to Enterprise: German VAT 19% (31.67, due 198.34). A VAT number that
 * fails its checksum is refused; a valid German VAT number makes it a
 * reverse-charge sale from the Italian seller: VAT 0, due 166.67, and the
 * order says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void clear_field(struct vt *vt)
{
    vt_send(vt, "\x15"); /* Ctrl-U clears a text field */
}

static void test_reverse_charge_at_payment(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 3, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Enterprise", 4));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "VAT 19%");
    E2E_SEE(vt, "€198.34");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "€198.34");

    E2E_SEE(vt, "▸ Card number");
    vt_send(vt, "4242424242424242");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Expiry (MM/YY)");
    vt_send(vt, "12/30");
    E2E_SEE(vt, "[12/30");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ VAT number", 4));

    /* a checksum error: not valid, and the order is not placed */
    clear_field(vt);
    vt_send(vt, "DE136464503");
    E2E_SEE(vt, "[DE136464503_");
    E2E_SEE(vt, "not valid");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_SETTLE(vt);
    assert_true(vt_wait_row_text(vt, 0, "Payment", E2E_WAIT));
    json_t *orders = e2e_orders(&c->env, 3);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);

    /* the right number: reverse charge, shown before anything is charged */
    assert_true(e2e_press_until(vt, VT_UP, "▸ VAT number", 6));
    clear_field(vt);
    vt_send(vt, "DE136464502");
    E2E_SEE(vt, "[DE136464502_");
    E2E_SEE(vt, "VAT (reverse charge)");
    E2E_SEE(vt, "€166.67");
    E2E_GONE(vt, "€198.34");
    /* a change of the account's billing information: shown, confirmed */
    E2E_SEE(vt, "VAT number       none → DE136464502");
    E2E_SEE(vt, "VAT              VAT 19% → VAT (reverse charge)");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ ] Yes, change the account's billing information", 6));
    vt_send(vt, " ");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    /* the figures were on screen before placing: placed as shown */
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "€166.67");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *acct = e2e_account(&c->env, 3);
    assert_non_null(acct);
    assert_string_equal(e2e_str(acct, "vat_number"), "DE136464502");
    assert_string_equal(e2e_str(e2e_subscription(acct, "gotomeeting"), "plan"), "enterprise");
    json_decref(acct);
    orders = e2e_orders(&c->env, 3);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_t *o = json_array_get(orders, 0);
    assert_int_equal(e2e_int(o, "tax_minor"), 0);
    assert_int_equal(e2e_int(o, "due_minor"), 16667);
    size_t i;
    json_t *l;
    int taxes = 0;
    json_array_foreach(json_object_get(o, "lines"), i, l) {
        if (strcmp(e2e_str(l, "kind"), "tax") != 0)
            continue;
        taxes++;
        assert_int_equal(e2e_int(l, "amount_minor"), 0);
        assert_true(json_is_true(json_object_get(l, "reverse_charge")));
    }
    assert_true(taxes > 0);
    json_decref(orders);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reverse_charge_at_payment, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
