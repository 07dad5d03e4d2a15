/* e2e_resize.c — SPEC §7: below 80x24 the UI shows only an "enlarge the
 * terminal" notice and ignores keys; enlarged again it shows the same
 * screen with the same choices, and the flow goes on from there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_resize_mid_flow_keeps_choices(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Plan            Business");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 6 +");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Billing", 4));
    vt_send(vt, " ");
    E2E_SEE(vt, "( ) Monthly  (•) Annual");
    E2E_SEE(vt, "Total due");
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
    char *before = strdup(e2e_screen(vt));
    assert_non_null(before);

    /* too small: only the notice */
    assert_true(vt_resize(vt, 10, 40));
    E2E_SEE(vt, "Please enlarge the terminal");
    E2E_GONE(vt, "Modify subscription");
    E2E_GONE(vt, "Total due");
    /* keys are ignored while it is too small */
    vt_send(vt, "+");
    vt_send(vt, "e");
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
    E2E_SEE(vt, "Please enlarge the terminal");

    /* a step that is still too small in one direction */
    assert_true(vt_resize(vt, 30, 79));
    assert_true(vt_wait_quiet(vt, 100 * e2e_slow, E2E_WAIT));
    E2E_SEE(vt, "Please enlarge the terminal");

    /* back to 80x24: exactly the screen that was there */
    assert_true(vt_resize(vt, 24, 80));
    bool same = e2e_wait_screen(vt, before, E2E_WAIT);
    free(before);
    assert_true(same);

    /* and the choices go on to the review */
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "Professional → Business");
    E2E_SEE(vt, "Annual");
    E2E_SEE(vt, "Seats: 6");

    /* a larger terminal works too */
    assert_true(vt_resize(vt, 40, 120));
    E2E_TITLE(vt, "Complete transaction");
    E2E_GONE(vt, "Please enlarge");
    assert_true(vt_wait_row_text(vt, 39, "help", E2E_WAIT));

    /* a change in progress: quitting asks first */
    vt_send(vt, "q");
    E2E_SEE(vt, "Quit and lose this change? y/n");
    vt_send(vt, "y");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
}

/* Starting in a small terminal shows the notice at once; enlarging opens
 * the first screen. */
static void test_start_small(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 10, 40);
    assert_non_null(vt);
    E2E_SEE(vt, "Please enlarge the terminal");
    assert_true(vt_resize(vt, 24, 80));
    E2E_TITLE(vt, "Find an account");
    E2E_SEE(vt, "[_ ");
    /* in the search box q is text; Ctrl-Q quits, with exit code 0 */
    vt_send(vt, "\x11");
    int st = -1;
    assert_true(vt_wait_exit(vt, E2E_WAIT, &st));
    assert_int_equal(st, 0);
    /* the terminal is given back: the UI's screen is gone */
    E2E_NOT_SHOWN(vt, "Find an account");
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resize_mid_flow_keeps_choices, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_start_small, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
