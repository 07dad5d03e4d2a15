/* e2e_notice_layout.c — on Subscriptions the notice of an account that
 * cannot be changed here (corporate, or a contact who is not the billing
 * contact) keeps one blank row between its last line and the products
 * table's header, at 80x24 and at 120x40 (without a wide gap there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* The row holding `text` at or after row `from`, or -1. */
static int row_of(struct vt *vt, const char *text, int from)
{
    char buf[1024];
    for (int r = from; r < vt_rows(vt); r++) {
        vt_screen_row(vt, r, buf, sizeof buf);
        if (strstr(buf, text) != NULL)
            return r;
    }
    return -1;
}

/* The notice's last line (the row holding `notice_end`) and the table's
 * header (the row holding `header`) are at least two rows apart, and at
 * most three: one or two blank rows between them, no more. */
static void check_gap(struct vt *vt, const char *notice_end, const char *header)
{
    E2E_SEE(vt, header);
    E2E_SEE(vt, notice_end);
    E2E_SETTLE(vt);
    int n = row_of(vt, notice_end, 1), h = row_of(vt, header, 1);
    if (n < 0 || h < 0 || h - n < 2 || h - n > 3)
        vt_dump(vt, "notice against the table header");
    assert_true(n > 0);
    assert_true(h > n);
    assert_true(h - n >= 2);
    assert_true(h - n <= 3);
    char buf[1024];
    for (int r = n + 1; r < h; r++) {
        vt_screen_row(vt, r, buf, sizeof buf);
        assert_string_equal(buf, "");
    }
}

static void test_corporate_notice(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 2, E2E_AT_HOME);
    assert_non_null(vt);
    check_gap(vt, "representative.", "Per seat");
    assert_true(vt_resize(vt, 40, 120));
    E2E_SEE(vt, "Corporate Billing Portal with your sales representative.");
    check_gap(vt, "representative.", "Per seat");
    assert_true(vt_resize(vt, 24, 80));
    assert_true(vt_wait_row_text(vt, 0, "Subscriptions", E2E_WAIT));
    check_gap(vt, "representative.", "Per seat");
}

static void test_corporate_notice_italian(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 2, E2E_AT_HOME);
    assert_non_null(vt);
    check_gap(vt, "commerciale.", "A postazione");
    assert_true(vt_resize(vt, 40, 120));
    E2E_SEE(vt, "con il tuo rappresentante commerciale.");
    check_gap(vt, "commerciale.", "A postazione");
}

static void test_view_only_notice(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "luca.bianchi@example.it", "1234"));
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "View only: changes are made by the billing contact, Maria Rossi");
    check_gap(vt, "<maria.rossi@example.it>.", "Per seat");
    assert_true(vt_resize(vt, 40, 120));
    E2E_SEE(vt, "Maria Rossi <maria.rossi@example.it>.");
    check_gap(vt, "<maria.rossi@example.it>.", "Per seat");
    assert_true(vt_kill(vt, SIGTERM));
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_view_only_notice_italian(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_kiosk_start(c, "it", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "luca.bianchi@example.it", "1234"));
    E2E_SEE(vt, "Sola consultazione");
    check_gap(vt, "<maria.rossi@example.it>.", "A postazione");
    assert_true(vt_kill(vt, SIGTERM));
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_corporate_notice, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_corporate_notice_italian, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_view_only_notice, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_view_only_notice_italian, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
