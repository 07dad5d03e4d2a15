/* e2e_plain.c — SPEC §7: the upgrade of Rossi Consulting (demo 1) completes
 * with NO_COLOR=1 (and then no cell is colored: the selection is told by the
 * marker, never by color alone), on a vt100 (no colors at all), and in a
 * plain ASCII locale (LANG=C: ASCII glyphs, "EUR 41.00"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

struct glyphs {
    const char *mark;      /* selection marker */
    const char *arrow;     /* plan and date ranges */
    const char *due;       /* 41.00 as shown */
};

static const struct glyphs utf8 = {"▸", "→", "€41.00"};
static const struct glyphs ascii = {">", "->", "EUR 41.00"};

/* Waits for the three pieces written one after the other. */
static void see(struct vt *vt, const char *a, const char *b, const char *c)
{
    char text[256];
    snprintf(text, sizeof text, "%s%s%s", a, b, c);
    E2E_SEE(vt, text);
}

static void focus(struct vt *vt, enum vt_key key, const struct glyphs *g, const char *what)
{
    char text[256];
    snprintf(text, sizeof text, "%s %s", g->mark, what);
    assert_true(e2e_press_until(vt, key, text, 8));
}

/* Search to confirmation with the card on file; checks the database. */
static void run_upgrade(struct e2e_case *c, const char *const envp[], const struct glyphs *g,
                        bool expect_no_color)
{
    struct vt *vt = e2e_start_at(c, "en", envp, 1, E2E_AT_HOME);
    assert_non_null(vt);
    see(vt, g->mark, " GoToMeeting", "");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    focus(vt, VT_DOWN, g, "Business");
    if (expect_no_color) {
        E2E_SETTLE(vt);
        assert_int_equal(vt_colored_cells(vt), 0);
    }
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Choose a plan");
    E2E_SEE(vt, "Total due");
    E2E_SEE(vt, g->due);
    focus(vt, VT_TAB, g, "[ Complete transaction ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    see(vt, "GoToMeeting: Professional ", g->arrow, " Business");
    see(vt, g->mark, " [ Continue to payment ]", "");
    if (expect_no_color) {
        E2E_SETTLE(vt);
        assert_int_equal(vt_colored_cells(vt), 0);
    }
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "Card on file: Visa ending 4242");
    focus(vt, VT_TAB, g, "[ Place order ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "Order 1 has been placed.");
    E2E_SEE(vt, g->due);
    if (expect_no_color) {
        E2E_SETTLE(vt);
        assert_int_equal(vt_colored_cells(vt), 0);
    }
    vt_send(vt, "q");
    int st = -1;
    assert_true(vt_wait_exit(vt, E2E_WAIT, &st));
    assert_int_equal(st, 0);

    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_string_equal(e2e_str(e2e_subscription(acct, "gotomeeting"), "plan"), "business");
    assert_int_equal(e2e_int(acct, "balance_minor"), 0);
    json_decref(acct);
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "due_minor"), 4100);
    json_decref(orders);
}

static void test_no_color(void **state)
{
    const char *env[] = {"NO_COLOR=1", NULL};
    run_upgrade(*state, env, &utf8, true);
}

static void test_vt100(void **state)
{
    const char *env[] = {"TERM=vt100", NULL};
    run_upgrade(*state, env, &utf8, true);
}

static void test_ascii_locale(void **state)
{
    const char *env[] = {"LANG=C", NULL};
    run_upgrade(*state, env, &ascii, false);
}

/* The default terminal does get colors: the NO_COLOR check above means
 * something. */
static void test_colors_by_default(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
    assert_true(vt_colored_cells(vt) > 0);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_color, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_vt100, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_ascii_locale, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_colors_by_default, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
