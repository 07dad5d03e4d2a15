/* e2e_quit.c — quitting never loses a change without a word: q with a
 * changed Modify subscription and Ctrl-C on Payment ask "Quit and lose
 * this change? y/n" (default no), and the kiosk's Esc on Subscriptions
 * asks before signing out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define ASK_QUIT "Quit and lose this change? y/n"

static void test_q_asks_on_a_changed_modify(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    E2E_SEE(vt, "- 5 +");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 6 +");
    vt_send(vt, "q");
    assert_true(vt_wait_row_text(vt, 22, ASK_QUIT, E2E_WAIT));
    assert_true(vt_wait_row_text(vt, 23, "y yes", E2E_WAIT));
    /* any other key is no: the change is still there */
    vt_send(vt, "n");
    E2E_GONE(vt, ASK_QUIT);
    assert_true(vt_running(vt));
    E2E_SEE(vt, "- 6 +");
    vt_send(vt, "q");
    assert_true(vt_wait_row_text(vt, 22, ASK_QUIT, E2E_WAIT));
    vt_key(vt, VT_ENTER);                /* Enter is no as well */
    E2E_GONE(vt, ASK_QUIT);
    assert_true(vt_running(vt));
    vt_send(vt, "q");
    assert_true(vt_wait_row_text(vt, 22, ASK_QUIT, E2E_WAIT));
    vt_send(vt, "y");
    int st = -1;
    assert_true(vt_wait_exit(vt, E2E_WAIT, &st));
    assert_int_equal(st, 0);
}

static void test_unchanged_modify_quits_at_once(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    E2E_SEE(vt, "- 5 +");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_ctrl_c_on_payment_asks(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    /* five more seats: something is due, so Payment is shown */
    vt_send(vt, "+++++");
    E2E_SEE(vt, "- 10 +");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "▸ [ Continue to payment ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    vt_send(vt, "\x03");                 /* Ctrl-C */
    assert_true(vt_wait_row_text(vt, 22, ASK_QUIT, E2E_WAIT));
    vt_send(vt, "n");
    E2E_GONE(vt, ASK_QUIT);
    assert_true(vt_running(vt));
    assert_true(vt_wait_row_text(vt, 0, "Payment", E2E_WAIT));
    /* Ctrl-C, then y: gone, nothing ordered */
    vt_send(vt, "\x03");
    assert_true(vt_wait_row_text(vt, 22, ASK_QUIT, E2E_WAIT));
    vt_send(vt, "y");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(e2e_int(e2e_subscription(acct, "gotomeeting"), "seats"), 5);
    json_decref(acct);
}

static void test_kiosk_esc_asks_before_signing_out(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "maria.rossi@example.it", "1234"));
    E2E_TITLE(vt, "Subscriptions");
    vt_key(vt, VT_ESC);
    assert_true(vt_wait_row_text(vt, 22, "Sign out? y/n", E2E_WAIT));
    vt_send(vt, "n");
    E2E_GONE(vt, "Sign out? y/n");
    assert_true(vt_wait_row_text(vt, 0, "Subscriptions", E2E_WAIT));
    E2E_SEE(vt, "Rossi Consulting");
    vt_key(vt, VT_ESC);
    assert_true(vt_wait_row_text(vt, 22, "Sign out? y/n", E2E_WAIT));
    vt_send(vt, "y");
    E2E_TITLE(vt, "Sign in");
    E2E_GONE(vt, "Rossi Consulting");
    assert_true(vt_kill(vt, SIGHUP));
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_italian_question(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "+");
    E2E_SEE(vt, "- 6 +");
    vt_send(vt, "q");
    assert_true(vt_wait_row_text(vt, 22, "Uscire e perdere questa modifica? s/n", E2E_WAIT));
    vt_send(vt, "s");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_q_asks_on_a_changed_modify, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_unchanged_modify_quits_at_once, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_c_on_payment_asks, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_esc_asks_before_signing_out, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_italian_question, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
