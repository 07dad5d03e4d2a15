/* e2e_kiosk.c — billcenter --kiosk (SPEC §1, §7): a billing contact signs
 * in with e-mail and PIN and changes their own account; there is no way
 * out to a shell (no q, SIGINT/SIGQUIT/SIGTSTP do nothing); Esc signs out;
 * five wrong PINs lock the contact; an idle session signs out by itself.
 * Demo contacts have PIN 1234 (src/billing/demo.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e.h"

static struct vt *kiosk(struct e2e_case *c, const char *catalog)
{
    const char *extra[] = {catalog ? "--catalog" : NULL, catalog, NULL};
    struct vt *vt = e2e_kiosk_start(c, "en", extra, NULL);
    assert_non_null(vt);
    E2E_TITLE(vt, "Sign in");
    E2E_SEE(vt, "▸ E-mail  [_");
    return vt;
}

static void sign_in(struct vt *vt, const char *email, const char *pin)
{
    assert_true(e2e_kiosk_sign_in(vt, email, pin));
}

static void test_billing_contact_upgrades(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = kiosk(c, NULL);
    /* the PIN is masked */
    vt_send(vt, "maria.rossi@example.it");
    vt_key(vt, VT_TAB);
    vt_send(vt, "1234");
    E2E_SEE(vt, "[••••_");
    E2E_NOT_SHOWN(vt, "1234");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Rossi Consulting S.r.l.  (account 1, EUR)");
    E2E_NOT_SHOWN(vt, "View only");
    /* kiosk footer: sign out, no quit, no search */
    assert_true(vt_wait_row_text(vt, 23, "Esc sign out", E2E_WAIT));
    E2E_NOT_SHOWN(vt, "q quit");
    E2E_NOT_SHOWN(vt, "/ search");

    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "€41.00");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "€41.00");

    /* SIGTERM ends the session */
    assert_true(vt_kill(vt, SIGTERM));
    int st = 0;
    assert_true(vt_wait_exit(vt, E2E_WAIT, &st));

    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_t *o = json_array_get(orders, 0);
    assert_int_equal(e2e_int(o, "due_minor"), 4100);
    /* the contact placed it, from the kiosk */
    assert_non_null(strstr(e2e_str(o, "actor"), "maria.rossi@example.it"));
    json_decref(orders);
    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_string_equal(e2e_str(e2e_subscription(acct, "gotomeeting"), "plan"), "business");
    json_decref(acct);
}

static void test_no_way_out(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = kiosk(c, NULL);
    sign_in(vt, "maria.rossi@example.it", "1234");
    E2E_TITLE(vt, "Subscriptions");

    /* q, Ctrl-C, Ctrl-\, Ctrl-Z: nothing happens */
    const char *keys[] = {"q", "\x03", "\x1c", "\x1a", NULL};
    for (size_t i = 0; keys[i]; i++) {
        vt_send(vt, keys[i]);
        assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
        assert_true(vt_running(vt));
        assert_true(vt_wait_row_text(vt, 0, "Subscriptions", E2E_WAIT));
    }
    /* the signals themselves, sent directly */
    const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP};
    for (size_t i = 0; i < 3; i++) {
        assert_true(vt_kill(vt, sigs[i]));
        assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
        assert_true(vt_running(vt));
    }
    /* still answering keys */
    vt_send(vt, "h");
    E2E_TITLE(vt, "Order history");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");

    /* Esc signs out once confirmed: Sign in again, with empty fields */
    vt_key(vt, VT_ESC);
    E2E_SEE(vt, "Sign out? y/n");
    vt_send(vt, "y");
    E2E_TITLE(vt, "Sign in");
    E2E_SEE(vt, "▸ E-mail  [_ ");
    E2E_NOT_SHOWN(vt, "maria.rossi");
    E2E_NOT_SHOWN(vt, "Rossi Consulting");
    assert_true(vt_running(vt));

    /* SIGHUP ends it, and the terminal is given back */
    assert_true(vt_kill(vt, SIGHUP));
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    E2E_NOT_SHOWN(vt, "Sign in with the e-mail");
}

static void test_wrong_pins_lock_the_contact(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = kiosk(c, NULL);
    sign_in(vt, "maria.rossi@example.it", "9999");
    E2E_SEE(vt, "E-mail or PIN not recognised.");
    assert_true(vt_wait_row_text(vt, 0, "Sign in", E2E_WAIT));
    for (int i = 2; i <= 5; i++) {
        /* back to the PIN field, wipe it, another wrong PIN */
        assert_true(e2e_press_until(vt, VT_UP, "▸ PIN", 4));
        for (int k = 0; k < 8; k++)
            vt_key(vt, VT_BACKSPACE);
        E2E_SEE(vt, "▸ PIN     [_");
        vt_send(vt, "0000");
        E2E_SEE(vt, "[••••_");
        vt_key(vt, VT_ENTER);
        /* each attempt ends with the PIN field emptied again */
        E2E_SEE(vt, "▸ PIN     [_");
    }
    /* the 5th failure itself says so */
    E2E_SEE(vt, "Too many failed attempts: try again in 15 minutes.");
    /* five failures: locked, the right PIN is refused too */
    assert_true(e2e_press_until(vt, VT_UP, "▸ PIN", 4));
    for (int k = 0; k < 8; k++)
        vt_key(vt, VT_BACKSPACE);
    E2E_SEE(vt, "▸ PIN     [_");
    vt_send(vt, "1234");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Too many failed attempts: try again in 15 minutes.");
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
    E2E_NOT_SHOWN(vt, "Subscriptions");
    assert_true(vt_wait_row_text(vt, 0, "Sign in", E2E_WAIT));

    /* every attempt is audited */
    const char *args[] = {"audit", "--account", "1", NULL};
    json_t *audit = e2e_cli_json(&c->env, args, NULL);
    assert_non_null(audit);
    int signins = 0;
    size_t i;
    json_t *a;
    json_array_foreach(audit, i, a) {
        const char *act = json_string_value(json_object_get(a, "action"));
        if (act && strstr(act, "sign_in"))
            signins++;
    }
    assert_true(signins >= 6);
    json_decref(audit);
}

/* A kiosk with $BILLCENTER_TEST_CLOCK_OFFSET=offset: the test build's
 * sign-in clock runs `offset` seconds ahead (`test_build`), the shipped
 * binary's must not. */
static struct vt *kiosk_clock(struct e2e_case *c, const char *offset, bool test_build)
{
    char var[64];
    snprintf(var, sizeof var, "BILLCENTER_TEST_CLOCK_OFFSET=%s", offset);
    const char *envp[] = {var, NULL};
    const char *shipped = e2e_bin;
    if (test_build)
        e2e_bin = e2e_bin_test;
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, envp);
    e2e_bin = shipped;
    assert_non_null(vt);
    E2E_TITLE(vt, "Sign in");
    return vt;
}

static void kiosk_stop(struct e2e_case *c)
{
    assert_true(vt_kill(c->vt, SIGTERM));
    assert_true(vt_wait_exit(c->vt, E2E_WAIT, NULL));
    vt_destroy(c->vt);
    c->vt = NULL;
}

/* Another PIN for the e-mail typed: the PIN field has focus again after a failure. */
static void retry_pin(struct vt *vt, const char *pin)
{
    E2E_SEE(vt, "▸ PIN     [_");
    vt_send(vt, pin);
    vt_key(vt, VT_ENTER);
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
}

/* An e-mail no contact has locks on its 5th failure just like a contact's
 * (the screen never tells which exists); 14 minutes later the contact is
 * still locked, 15 minutes later the right PIN signs in. */
static void test_lock_per_email_and_release_after_15_minutes(void **state)
{
    struct e2e_case *c = *state;
    if (e2e_bin_test == NULL)
        skip();   /* no test build given (argv[2]) */
    struct vt *vt = kiosk_clock(c, "0", true);
    sign_in(vt, "nobody.here@example.it", "1234");
    E2E_SEE(vt, "E-mail or PIN not recognised.");
    for (int i = 2; i <= 4; i++)
        retry_pin(vt, "1234");
    E2E_SEE(vt, "E-mail or PIN not recognised.");
    retry_pin(vt, "1234");
    E2E_SEE(vt, "Too many failed attempts: try again in 15 minutes.");

    vt_key(vt, VT_ESC);                 /* clears both fields */
    E2E_SEE(vt, "▸ E-mail  [_ ");
    sign_in(vt, "maria.rossi@example.it", "0000");
    E2E_SEE(vt, "E-mail or PIN not recognised.");
    for (int i = 2; i <= 4; i++)
        retry_pin(vt, "0000");
    E2E_SEE(vt, "E-mail or PIN not recognised.");
    retry_pin(vt, "0000");
    E2E_SEE(vt, "Too many failed attempts: try again in 15 minutes.");
    retry_pin(vt, "1234");
    E2E_NOT_SHOWN(vt, "Subscriptions");
    kiosk_stop(c);

    /* the shipped binary ignores the clock hook: 15 minutes "on" it is
     * still locked */
    vt = kiosk_clock(c, "900", false);
    sign_in(vt, "maria.rossi@example.it", "1234");
    E2E_SEE(vt, "Too many failed attempts: try again in 15 minutes.");
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
    E2E_NOT_SHOWN(vt, "Subscriptions");
    kiosk_stop(c);

    /* 14 minutes on: still locked, the right PIN too */
    vt = kiosk_clock(c, "840", true);
    sign_in(vt, "maria.rossi@example.it", "1234");
    E2E_SEE(vt, "Too many failed attempts: try again in 15 minutes.");
    assert_true(vt_wait_quiet(vt, 200 * e2e_slow, E2E_WAIT));
    E2E_NOT_SHOWN(vt, "Subscriptions");
    kiosk_stop(c);

    /* 15 minutes after the 5th failure: free again */
    vt = kiosk_clock(c, "900", true);
    sign_in(vt, "maria.rossi@example.it", "1234");
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Rossi Consulting S.r.l.");
}

/* A catalog whose kiosk idle timeout is the shortest allowed, 10 s. */
static void short_idle_catalog(struct e2e_case *c, char *dir, size_t size)
{
    snprintf(dir, size, "%s/plans", c->env.dir);
    char script[4096];
    snprintf(script, sizeof script,
             "mkdir -p '%s' && cp plans/*.yaml '%s/' && "
             "sed -i 's/^  idle_timeout: .*/  idle_timeout: 10/' '%s/catalog.yaml' && "
             "grep -q '^  idle_timeout: 10' '%s/catalog.yaml'",
             dir, dir, dir, dir);
    const char *argv[] = {"sh", "-c", script, NULL};
    assert_int_equal(e2e_run(argv, NULL, NULL), 0);
}

static void test_idle_session_signs_out(void **state)
{
    struct e2e_case *c = *state;
    char dir[512];
    short_idle_catalog(c, dir, sizeof dir);
    struct vt *vt = kiosk(c, dir);
    sign_in(vt, "maria.rossi@example.it", "1234");
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Credit balance: €20.00");
    /* nobody touches it: after 10 s it is the Sign in screen again, empty */
    assert_true(vt_wait_row_text(vt, 0, "Sign in", 15000 + E2E_WAIT));
    E2E_SEE(vt, "▸ E-mail  [_ ");
    E2E_GONE(vt, "Credit balance");
    E2E_GONE(vt, "Rossi");
    assert_true(vt_running(vt));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_billing_contact_upgrades, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_no_way_out, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_pins_lock_the_contact, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_lock_per_email_and_release_after_15_minutes,
                                        e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_idle_session_signs_out, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
