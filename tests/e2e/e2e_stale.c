/* e2e_stale.c — SPEC §3 "What is shown is what is charged": the UI shows
 * Rossi Consulting's upgrade (41.00 due) and sits on Payment while another
 * session (the CLI) changes the same subscription to 6 Professional seats.
 * Place order then refuses, re-quotes and shows the new figures (credit
 * 72.00 in full, charge 80.00, VAT 1.76, balance already used: 9.76);
 * placing again charges exactly that. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_changed_meanwhile_requotes(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "€41.00");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "€41.00");

    /* meanwhile, another session changes the subscription */
    const char *args[] = {"--date", E2E_DATE, "order", "place", "--account", "1",
                          "--product", "gotomeeting", "--to-plan", "professional",
                          "--to-seats", "8", "--to-period", "monthly",
                          "--idempotency-key", "e2e-stale-cli", NULL};
    int code = -1;
    json_t *placed = e2e_cli_json(&c->env, args, &code);
    assert_int_equal(code, 0);
    assert_non_null(placed);
    /* Seats only, the period kept: 8 x 12.00 x 15/30 - 30.00 = 18.00, VAT
     * 3.96, balance 20.00: 1.96 due on the card on file */
    assert_int_equal(e2e_int(placed, "due_minor"), 196);
    json_decref(placed);

    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    /* refused: back on the review with the new figures, nothing charged */
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "The figures changed since they were shown; review the new total.");
    /* the new item [11-25, 12-10) billed 48.00 is credited in full */
    E2E_SEE(vt, "Credit for unused time  25 Nov – 10 Dec 2026                         -€48.00");
    E2E_SEE(vt, "Total due                                                             €39.04");
    E2E_NOT_SHOWN(vt, "€41.00");

    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_decref(orders);

    /* placing the new figures */
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Continue to payment ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "€39.04");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "Order 2 has been placed.");
    E2E_SEE(vt, "€39.04");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 2);
    long long dues = 0;
    size_t i;
    json_t *o;
    json_array_foreach(orders, i, o) {
        long long id = e2e_int(o, "order_id");
        long long due = e2e_int(o, "due_minor");
        assert_true((id == 1 && due == 196) || (id == 2 && due == 3904));
        dues += due;
    }
    assert_int_equal(dues, 196 + 3904);
    json_decref(orders);
    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    json_t *sub = e2e_subscription(acct, "gotomeeting");
    assert_string_equal(e2e_str(sub, "plan"), "business");
    assert_int_equal(e2e_int(sub, "seats"), 5);
    assert_int_equal(e2e_int(acct, "balance_minor"), 0);
    json_decref(acct);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_changed_meanwhile_requotes, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
