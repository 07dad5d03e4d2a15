/* e2e_keys.c — keys that reach the focused field instead of acting: q as
 * the first letter of a search, letters in the Seats field (never the cart
 * key), the seats message counting what must be unassigned, and ? on a
 * product's options menu explaining the menu and leaving it open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_q_is_typed_in_the_search_box(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);
    E2E_TITLE(vt, "Find an account");
    E2E_SEE(vt, "[_ ");
    /* the footer offers the quit that works from the box */
    assert_true(vt_wait_row_text(vt, 23, "Ctrl-Q quit", E2E_WAIT));

    vt_send(vt, "q");
    E2E_SEE(vt, "[q_");
    assert_true(vt_running(vt));
    vt_send(vt, "?");
    E2E_SEE(vt, "[q?_");
    E2E_NOT_SHOWN(vt, "Help:");
    assert_true(vt_running(vt));

    /* Esc clears the box and leaves it: then q quits */
    vt_key(vt, VT_ESC);
    E2E_GONE(vt, "[q?");
    assert_true(vt_wait_row_text(vt, 23, "q quit", E2E_WAIT));
    vt_send(vt, "q");
    int st = -1;
    assert_true(vt_wait_exit(vt, E2E_WAIT, &st));
    assert_int_equal(st, 0);
}

static void test_ctrl_q_quits_from_the_box(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);
    E2E_TITLE(vt, "Find an account");
    vt_send(vt, "ross");
    E2E_SEE(vt, "[ross_");
    vt_send(vt, "\x11");   /* Ctrl-Q */
    int st = -1;
    assert_true(vt_wait_exit(vt, E2E_WAIT, &st));
    assert_int_equal(st, 0);
}

static void test_seats_field_keeps_letters(void **state)
{
    struct e2e_case *c = *state;
    json_t *before = e2e_account(&c->env, 1);
    assert_non_null(before);
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    E2E_SEE(vt, "- 5 +");
    vt_key(vt, VT_TAB);                       /* Plan -> Seats */
    E2E_SEE(vt, "3 assigned");
    vt_send(vt, "\x15");                      /* Ctrl-U: an empty Seats field */
    E2E_SEE(vt, "[_ ");
    vt_send(vt, "abc");
    E2E_SEE(vt, "Seats take digits only");
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
    assert_true(vt_wait_row_text(vt, 0, "Modify subscription", E2E_WAIT));
    assert_true(vt_running(vt));
    /* q is refused there too; the footer says Ctrl-Q */
    vt_send(vt, "q");
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
    assert_true(vt_running(vt));
    assert_true(vt_wait_row_text(vt, 23, "Ctrl-Q quit", E2E_WAIT));

    /* 0 seats with 3 assigned: unassign 3 (3 - 0), not 2 */
    vt_send(vt, "0");
    E2E_SEE(vt, "[0_");
    vt_key(vt, VT_TAB);
    assert_true(vt_wait_row_text(vt, 22, "unassign 3 seats first", E2E_WAIT));
    E2E_SEE(vt, "- 3 +");

    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *after = e2e_account(&c->env, 1);
    assert_non_null(after);
    assert_true(json_equal(before, after));
    json_decref(before);
    json_decref(after);
}

static void test_menu_help_keeps_the_menu(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "▸ Modify subscription");
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ Manage seats");
    vt_send(vt, "?");
    E2E_SEE(vt, "Help: Subscriptions");
    E2E_SEE(vt, "The options of the highlighted product.");
    E2E_NOT_SHOWN(vt, "One row per product subscription");
    vt_key(vt, VT_ENTER);                    /* closes the help only */
    E2E_GONE(vt, "Help: Subscriptions");
    E2E_SEE(vt, "▸ Manage seats");
    E2E_SEE(vt, "Order history");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Manage seats");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_q_is_typed_in_the_search_box, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_q_quits_from_the_box, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_seats_field_keeps_letters, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_menu_help_keeps_the_menu, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
