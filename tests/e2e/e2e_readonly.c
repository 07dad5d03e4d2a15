/* e2e_readonly.c — accounts that cannot be changed here. A corporate
 * account (demo 2, Globex) shows its products, and every change action
 * says it is managed in the Corporate Billing Portal and offers nothing
 * else (SPEC §1). A contact who is not the billing contact (Luca Bianchi,
 * admin of demo 1, signing in at the kiosk) may look but every change says
 * who the billing contact is and how to reach them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define PORTAL "Corporate Billing Portal"

static void test_corporate_account_cannot_change(void **state)
{
    struct e2e_case *c = *state;
    json_t *before = e2e_account(&c->env, 2);
    assert_non_null(before);

    struct vt *vt = e2e_start_at(c, "en", NULL, 2, E2E_AT_HOME);
    assert_non_null(vt);
    /* products are shown, with the notice */
    E2E_SEE(vt, "GoToMeeting      Enterprise       0/50        Monthly              $25.00");
    E2E_SEE(vt, PORTAL);

    /* e: Modify subscription read-only, with the reason and no action */
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "representative");
    E2E_NOT_SHOWN(vt, "[ Complete transaction ]");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");

    /* the options menu's Modify subscription opens the same */
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Order history");
    E2E_SEE(vt, "▸ Modify subscription");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "representative");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");

    /* Manage seats can be looked at; adding a user is refused */
    vt_send(vt, "s");
    E2E_TITLE(vt, "Manage seats");
    E2E_SEE(vt, "0 of 50 seats assigned");
    vt_send(vt, "a");
    assert_true(vt_wait_row_text(vt, 22, "representative", E2E_WAIT));
    assert_true(vt_wait_row_text(vt, 0, "Manage seats", E2E_WAIT));
    E2E_NOT_SHOWN(vt, "E-mail  [");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *after = e2e_account(&c->env, 2);
    assert_non_null(after);
    assert_true(json_equal(before, after));
    json_t *orders = e2e_orders(&c->env, 2);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
    json_decref(after);
    json_decref(before);
}

static void test_non_billing_contact_view_only(void **state)
{
    struct e2e_case *c = *state;
    json_t *before = e2e_account(&c->env, 1);
    assert_non_null(before);
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    E2E_TITLE(vt, "Sign in");
    assert_true(e2e_kiosk_sign_in(vt, "luca.bianchi@example.it", "1234"));

    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Rossi Consulting S.r.l.  (account 1, EUR)");
    E2E_SEE(vt, "GoToMeeting      Professional     3/5");
    E2E_SEE(vt, "View only: changes are made by the billing contact, Maria Rossi");

    /* e and the options menu: read-only Modify subscription naming Maria
     * Rossi; seat toggles, add user: all name her */
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "<maria.rossi@example.it>.");
    E2E_NOT_SHOWN(vt, "[ Complete transaction ]");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "▸ Modify subscription");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "View only: changes are made by the billing contact, Maria Rossi");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");

    vt_send(vt, "s");
    E2E_TITLE(vt, "Manage seats");
    E2E_SEE(vt, "3 of 5 seats assigned");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ [ ]     Morgan Berg", 8));
    vt_send(vt, " ");
    E2E_SEE(vt, "Only the billing contact can change this account");
    E2E_SEE(vt, "3 of 5 seats assigned");
    E2E_SEE(vt, "▸ [ ]     Morgan Berg");
    vt_send(vt, "a");
    E2E_SEE(vt, "Only the billing contact can change this account");
    E2E_NOT_SHOWN(vt, "Add a user");

    /* the cart cannot be checked out either: it stays empty */
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Cart: 0 items");

    assert_true(vt_kill(vt, SIGTERM));
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *after = e2e_account(&c->env, 1);
    assert_non_null(after);
    assert_true(json_equal(before, after));
    json_t *orders = e2e_orders(&c->env, 1);
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
        cmocka_unit_test_setup_teardown(test_corporate_account_cannot_change, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_non_billing_contact_view_only, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
