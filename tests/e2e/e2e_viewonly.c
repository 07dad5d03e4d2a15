/* e2e_viewonly.c — people who may look but not change see what a change
 * would be: Modify subscription opens with the plans, their features and
 * prices and the Order Summary, read-only, with the reason and who can
 * change the account, and no action they cannot take. A contact who is not
 * the billing contact (Luca Bianchi, demo 1, at the kiosk), a corporate
 * account (demo 2: the Corporate Billing Portal), a read-only operator.
 * Nothing is written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

/* On Modify subscription of a view-only person: Business chosen shows its
 * figures; no action button anywhere, Tab never reaches one. */
static void look_at_business(struct vt *vt, const char *price, const char *due)
{
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "Order Summary");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    E2E_SEE(vt, "250 participants");
    E2E_SEE(vt, price);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Choose a plan");
    E2E_SEE(vt, "Total due");
    E2E_SEE(vt, due);
    for (int i = 0; i < 5; i++) {
        vt_key(vt, VT_TAB);
        E2E_SETTLE(vt);
        E2E_NOT_SHOWN(vt, "[ Complete transaction ]");
        E2E_NOT_SHOWN(vt, "[ Add to cart ]");
    }
    vt_key(vt, VT_ENTER);
    E2E_SETTLE(vt);
    assert_true(vt_wait_row_text(vt, 0, "Modify subscription", E2E_WAIT));
}

static void test_non_billing_contact_sees_prices(void **state)
{
    struct e2e_case *c = *state;
    json_t *before = e2e_account(&c->env, 1);
    assert_non_null(before);
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "luca.bianchi@example.it", "1234"));
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "View only: changes are made by the billing contact, Maria Rossi");
    E2E_SEE(vt, "<maria.rossi@example.it>");
    look_at_business(vt, "€16.00 per seat a month", "€41.00");
    E2E_SEE(vt, "Maria Rossi");

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

static void test_corporate_sees_prices(void **state)
{
    struct e2e_case *c = *state;
    json_t *before = e2e_account(&c->env, 2);
    assert_non_null(before);
    struct vt *vt = e2e_start_at(c, "en", NULL, 2, E2E_AT_HOME);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "GoToMeeting: current plan Enterprise");
    E2E_SEE(vt, "Corporate Billing Portal");
    E2E_SEE(vt, "representative");
    E2E_SEE(vt, "Order Summary");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    E2E_SEE(vt, "$25.00 per seat a month");
    vt_key(vt, VT_ESC);
    E2E_GONE(vt, "Choose a plan");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 51 +");
    E2E_SEE(vt, "Total due");
    E2E_NOT_SHOWN(vt, "[ Complete transaction ]");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *after = e2e_account(&c->env, 2);
    assert_non_null(after);
    assert_true(json_equal(before, after));
    json_decref(after);
    json_decref(before);
}

static void test_readonly_operator_sees_prices(void **state)
{
    struct e2e_case *c = *state;
    /* Another admin (an existing Unix user) first: the last admin cannot
     * be demoted. */
    if (getpwnam("nobody") == NULL) {
        skip();
        return;
    }
    const struct passwd *pw = getpwuid(geteuid());
    assert_non_null(pw);
    if (strcmp(pw->pw_name, "nobody") == 0) {
        skip();
        return;
    }
    const char *add_admin[] = {"operator", "add", "nobody", "--role", "admin", NULL};
    char me[256];
    snprintf(me, sizeof me, "%s", pw->pw_name);
    const char *make_ro[] = {"operator", "add", me, "--role", "readonly", NULL};
    char *out = NULL;
    const char *argv1[] = {e2e_bin, "--db", c->env.db, add_admin[0], add_admin[1], add_admin[2],
                           add_admin[3], add_admin[4], NULL};
    assert_int_equal(e2e_run(argv1, &out, NULL), 0);
    free(out);
    const char *argv2[] = {e2e_bin, "--db", c->env.db, make_ro[0], make_ro[1], make_ro[2],
                           make_ro[3], make_ro[4], NULL};
    assert_int_equal(e2e_run(argv2, &out, NULL), 0);
    free(out);

    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "Read-only operators cannot change anything. Changes are made by the");
    E2E_SEE(vt, "billing contact, Maria Rossi <maria.rossi@example.it>.");
    look_at_business(vt, "€16.00 per seat a month", "€41.00");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_non_billing_contact_sees_prices, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_corporate_sees_prices, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_readonly_operator_sees_prices, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
