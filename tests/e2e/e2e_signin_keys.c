/* e2e_signin_keys.c — the kiosk's Sign in screen takes every printable key
 * into the focused field (an e-mail may hold q or ?), nothing there quits,
 * and help opens from the Sign in button, where the footer offers it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_q_and_question_mark_go_into_the_email(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    E2E_TITLE(vt, "Sign in");

    vt_send(vt, "q?x@example.it");
    E2E_SEE(vt, "[q?x@example.it_");
    E2E_NOT_SHOWN(vt, "Help:");
    E2E_NOT_SHOWN(vt, "? help");      /* the footer offers only what works here */
    assert_true(vt_running(vt));

    /* Ctrl-Q does not quit a kiosk either */
    vt_send(vt, "\x11");
    E2E_SETTLE(vt);
    assert_true(vt_running(vt));
    E2E_SEE(vt, "[q?x@example.it_");

    /* the PIN field takes digits only: ? there is neither text nor help */
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "PIN     [_");
    vt_send(vt, "?");
    E2E_SETTLE(vt);
    E2E_NOT_SHOWN(vt, "Help:");
    vt_send(vt, "q1");
    E2E_SEE(vt, "PIN     [\u2022_");
    assert_true(vt_running(vt));

    /* on the Sign in button the footer offers help, and ? opens it */
    vt_key(vt, VT_TAB);
    assert_true(vt_wait_row_text(vt, 23, "? help", E2E_WAIT));
    vt_send(vt, "?");
    E2E_SEE(vt, "Help:");
    vt_send(vt, "q");
    E2E_GONE(vt, "Help:");
    assert_true(vt_running(vt));
    E2E_SEE(vt, "[q?x@example.it");

    assert_true(vt_kill(vt, SIGTERM));
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_email_starting_with_question_mark(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_kiosk_start(c, "it", NULL, NULL);
    assert_non_null(vt);
    vt_send(vt, "?");
    E2E_SETTLE(vt);
    E2E_NOT_SHOWN(vt, "Aiuto:");
    vt_send(vt, "a");
    E2E_SEE(vt, "[?a_");
    assert_true(vt_running(vt));
    assert_true(vt_kill(vt, SIGTERM));
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_q_and_question_mark_go_into_the_email,
                                        e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_email_starting_with_question_mark, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
