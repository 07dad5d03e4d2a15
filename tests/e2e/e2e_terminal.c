/* e2e_terminal.c — SPEC §7's terminal manners, measured from outside:
 * screens repaint only what changed (a moved selection costs a small
 * fraction of a full paint: SSH links are slow), Esc acts at once (a short
 * ESCDELAY, not ncurses' default second), and a burst of resizes ends on
 * the same screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_repaint_only_what_changed(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);
    E2E_SEE(vt, "[_ ");
    vt_send(vt, "1");
    E2E_SEE(vt, "Rossi Consulting S.r.l.");
    E2E_SETTLE(vt);

    /* a whole new screen */
    size_t b0 = vt_bytes(vt);
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Next renewal: 2027-08-17");
    E2E_SETTLE(vt);
    size_t full = vt_bytes(vt) - b0;

    /* the selection moves one subscription down */
    size_t b1 = vt_bytes(vt);
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ GoToWebinar");
    E2E_SETTLE(vt);
    size_t move = vt_bytes(vt) - b1;

    /* a key that changes nothing sends (next to) nothing */
    size_t bz = vt_bytes(vt);
    vt_send(vt, "z");
    E2E_SETTLE(vt);
    size_t idle = vt_bytes(vt) - bz;

    fprintf(stderr, "# full paint %zu bytes, selection move %zu, unbound key %zu\n", full,
            move, idle);
    assert_true(full > 500);
    /* two rows change: far less than the screen (80x24 = 1920 cells) */
    assert_true(move < 700);
    assert_true(move * 2 < full);
    assert_true(idle < 64);

    /* one more seat on Modify subscription: the figures change, not the screen */
    vt_key(vt, VT_UP);
    E2E_SEE(vt, "▸ GoToMeeting");
    E2E_SETTLE(vt);
    size_t b2 = vt_bytes(vt);
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "[ Complete transaction ]");
    E2E_SETTLE(vt);
    size_t modify_full = vt_bytes(vt) - b2;
    vt_send(vt, "+");
    E2E_SEE(vt, "- 6 +");
    E2E_SEE(vt, "Total due");
    E2E_SETTLE(vt);
    size_t b3 = vt_bytes(vt);
    vt_send(vt, "+");
    E2E_SEE(vt, "- 7 +");
    E2E_SETTLE(vt);
    size_t plus = vt_bytes(vt) - b3;
    fprintf(stderr, "# modify paint %zu bytes, one more seat %zu bytes\n", modify_full, plus);
    assert_true(plus * 2 < modify_full);
}

static void test_escape_is_immediate(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    int64_t worst = 0;
    for (int i = 0; i < 3; i++) {
        vt_send(vt, "h");
        E2E_TITLE(vt, "Order history");
        E2E_SETTLE(vt);
        int64_t t0 = now_ms();
        vt_key(vt, VT_ESC);
        E2E_TITLE(vt, "Subscriptions");
        int64_t dt = now_ms() - t0;
        if (dt > worst)
            worst = dt;
        E2E_SETTLE(vt);
    }
    fprintf(stderr, "# Esc answered within %lld ms\n", (long long)worst);
    /* ncurses waits a whole second by default before taking a lone Esc;
     * under valgrind nothing is measured */
    if (e2e_slow == 1)
        assert_true(worst < 600);
}

static void test_resize_burst(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "+");
    E2E_SEE(vt, "Total due");
    E2E_SETTLE(vt);
    char *before = strdup(e2e_screen(vt));
    assert_non_null(before);
    const int sizes[][2] = {{30, 100}, {10, 40}, {24, 80}, {50, 132}, {12, 60}, {24, 80}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        assert_true(vt_resize(vt, sizes[i][0], sizes[i][1]));
    bool same = e2e_wait_screen(vt, before, E2E_WAIT);
    free(before);
    assert_true(same);
    /* a changed seat count: quitting asks first */
    vt_send(vt, "q");
    E2E_SEE(vt, "Quit and lose this change? y/n");
    vt_send(vt, "y");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_repaint_only_what_changed, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_escape_is_immediate, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_resize_burst, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
