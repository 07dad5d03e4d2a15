/* e2e_users.c — the users of Manage seats: an e-mail already on the
 * account is refused, a malformed one is refused with what is wrong, a
 * user is removed after a question (their seat unassigned), and an
 * account that cannot be changed here is offered no such actions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void add_user(struct vt *vt, const char *name, const char *email)
{
    vt_send(vt, "a");
    E2E_SEE(vt, "Add a user");
    vt_send(vt, "\x15");
    vt_send(vt, name);
    vt_key(vt, VT_TAB);
    vt_send(vt, "\x15");
    vt_send(vt, email);
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸           [ Add user ]");
    vt_key(vt, VT_ENTER);
}

static void test_duplicate_and_bad_emails(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_SEATS);
    assert_non_null(vt);
    E2E_SEE(vt, "3 of 5 seats assigned");
    assert_true(vt_wait_row_text(vt, 23, "x remove", E2E_WAIT));

    add_user(vt, "Quinn Adams", "quinn.adams@example.com");
    E2E_SEE(vt, "Quinn Adams was added");
    E2E_SEE(vt, "quinn.adams@example.com");

    /* the same address in other case: refused, the form stays */
    add_user(vt, "Quinn A.", "Quinn.Adams@EXAMPLE.com");
    assert_true(vt_wait_row_text(vt, 22, "already has a user with that e-mail", E2E_WAIT));
    E2E_SEE(vt, "Add a user");
    vt_key(vt, VT_ESC);
    E2E_GONE(vt, "Add a user");

    /* no @: says so, not "give the name and e-mail" */
    add_user(vt, "Rita Bell", "rita.bell.example.com");
    assert_true(vt_wait_row_text(vt, 22, "needs one @", E2E_WAIT));
    vt_key(vt, VT_ESC);
    add_user(vt, "Rita Bell", "rita@example");
    assert_true(vt_wait_row_text(vt, 22, "domain with a dot", E2E_WAIT));
    vt_key(vt, VT_ESC);
    E2E_GONE(vt, "Add a user");
    /* waits out the repaint of the form's rows: a name left shown after it
     * would be a user added */
    E2E_GONE(vt, "Rita Bell");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_remove_user_unassigns_the_seat(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_SEATS);
    assert_non_null(vt);
    E2E_SEE(vt, "3 of 5 seats assigned");
    E2E_SEE(vt, "▸ [✓]");
    char name[64] = "";
    {
        /* the name on the highlighted row */
        const char *s = e2e_screen(vt);
        const char *p = strstr(s, "▸ [✓]");
        assert_non_null(p);
        p += strlen("▸ [✓]");
        while (*p == ' ')
            p++;
        size_t k = 0;
        while (p[k] != '\0' && p[k] != '\n' && !(p[k] == ' ' && p[k + 1] == ' ') && k + 1 < sizeof name)
            k++;
        memcpy(name, p, k);
        name[k] = '\0';
    }
    assert_true(name[0] != '\0');

    vt_send(vt, "x");
    E2E_SEE(vt, "Any seats they hold");
    E2E_SEE(vt, "unassigned. y/n");
    assert_true(vt_wait_row_text(vt, 23, "y yes", E2E_WAIT));
    vt_send(vt, "n");
    E2E_GONE(vt, "y/n");
    E2E_SEE(vt, "3 of 5 seats assigned");
    E2E_SEE(vt, name);

    vt_send(vt, "x");
    E2E_SEE(vt, "y/n");
    vt_send(vt, "y");
    E2E_SEE(vt, "was removed; 1 seat was unassigned.");
    E2E_SEE(vt, "2 of 5 seats assigned");
    char row[96];
    snprintf(row, sizeof row, "]     %s", name);
    E2E_GONE(vt, row);

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(e2e_int(e2e_subscription(acct, "gotomeeting"), "seats_assigned"), 2);
    json_decref(acct);
}

static void test_corporate_offers_no_actions(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 2, E2E_AT_SEATS);
    assert_non_null(vt);
    E2E_SEE(vt, "0 of 50 seats assigned");
    E2E_SEE(vt, "Corporate Billing Portal");
    E2E_SETTLE(vt);
    E2E_NOT_SHOWN(vt, "press a");
    E2E_NOT_SHOWN(vt, "add user");
    E2E_NOT_SHOWN(vt, "a add");
    E2E_NOT_SHOWN(vt, "Space assign");
    E2E_NOT_SHOWN(vt, "x remove");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_duplicate_and_bad_emails, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_remove_user_unassigns_the_seat, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_corporate_offers_no_actions, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
