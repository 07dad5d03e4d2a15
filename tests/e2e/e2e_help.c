/* e2e_help.c — SPEC §2 step 9 and §2 keys: `?` opens a help overlay on
 * every screen, any key closes it and leaves the screen as it was, and the
 * footer of every screen names `? help`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* On the screen titled `title`: the footer names ? help; ? opens
 * "Help: <title>"; a key closes it and the screen comes back unchanged. */
static void help_on(struct vt *vt, const char *title)
{
    char box[256];
    E2E_TITLE(vt, title);
    assert_true(vt_wait_row_text(vt, 23, "? help", E2E_WAIT));
    E2E_SETTLE(vt);
    char *before = strdup(e2e_screen(vt));
    assert_non_null(before);
    vt_send(vt, "?");
    snprintf(box, sizeof box, "Help: %s", title);
    E2E_SEE(vt, box);
    vt_send(vt, "x");
    E2E_GONE(vt, box);
    bool same = e2e_wait_screen(vt, before, E2E_WAIT);
    free(before);
    assert_true(same);
}

static void test_help_everywhere(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);

    /* search: Esc leaves the empty field, then keys are keys */
    E2E_TITLE(vt, "Find an account");
    E2E_SEE(vt, "[_ ");
    vt_key(vt, VT_ESC);
    E2E_GONE(vt, "[_ ");
    help_on(vt, "Find an account");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "[_ ");

    assert_true(e2e_open_account(vt, 1, "Rossi Consulting S.r.l."));
    help_on(vt, "Subscriptions");
    vt_send(vt, "h");
    help_on(vt, "Order history");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "s");
    help_on(vt, "Manage seats");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "c");
    help_on(vt, "Cart");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    /* five more seats: something is due, so Payment comes */
    vt_send(vt, "+++++");
    E2E_SEE(vt, "- 10 +");
    E2E_SEE(vt, "Total due");
    help_on(vt, "Modify subscription");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    help_on(vt, "Complete transaction");
    vt_key(vt, VT_ENTER);
    help_on(vt, "Payment");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    help_on(vt, "Order placed");
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_help_everywhere, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
