/* e2e_history.c — Order history says what each order changed (from → to
 * for what changed, the rest as it is), VAT with its rate, how it was paid
 * with the processor's reference, and for the operator the attempts that
 * placed no order. Rossi Consulting (demo 1): GoToWebinar 2 → 3 seats,
 * GoToMeeting Monthly → Annual, then a declined card for Business, all
 * through the CLI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static int place(const struct e2e_case *c, const char *const extra[])
{
    const char *argv[24] = {e2e_bin, "--db", c->env.db, "--date", E2E_DATE, "order", "place",
                            "--account", "1"};
    size_t n = 9;
    for (size_t i = 0; extra[i] != NULL && n < 23; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    return e2e_run(argv, NULL, NULL);
}

static void test_history_says_what_changed(void **state)
{
    struct e2e_case *c = *state;
    const char *seats[] = {"--product", "gotowebinar", "--to-seats", "3",
                           "--idempotency-key", "e2e-history-1", NULL};
    const char *annual[] = {"--product", "gotomeeting", "--to-period", "annual",
                            "--idempotency-key", "e2e-history-2", NULL};
    const char *declined[] = {"--product", "gotomeeting", "--to-plan", "business",
                              "--idempotency-key", "e2e-history-3",
                              "--card", "4000000000000002", "--card-exp", "12/30", NULL};
    assert_int_equal(place(c, seats), 0);
    assert_int_equal(place(c, annual), 0);
    assert_int_equal(place(c, declined), 3);

    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HISTORY);
    assert_non_null(vt);
    /* newest first: the period change, then the seats */
    E2E_SEE(vt, "GoToMeeting: Professional, 5 seats, Monthly → Annual");
    E2E_NOT_SHOWN(vt, "Professional → Professional");
    E2E_SEE(vt, "VAT 22%");
    E2E_SEE(vt, "Paid by card, reference");
    assert_true(e2e_press_until(vt, VT_DOWN, "GoToWebinar: Standard, 2 → 3 seats, Annual", 30));
    E2E_NOT_SHOWN(vt, "Standard → Standard");
    /* the declined attempt, for the operator */
    assert_true(e2e_press_until(vt, VT_PAGEDOWN, "card declined", 10));
    E2E_SEE(vt, "Attempts that placed no order");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_history_says_what_changed, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
