/* test_hangup.c — a lost terminal: SIGHUP (the operator's
 * terminal or SSH link goes away) in the middle of a checkout. At the
 * Payment page nothing may be half-done and the cart must survive for the
 * next session; right after Place order the order is wholly placed or
 * wholly absent, and `billcenter reconcile` settles any charge left
 * without an order. Uses the end-to-end harness (tests/e2e, unchanged), on
 * the engine $BC_TEST_ENGINE names (testdb.h). */
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
#include <unistd.h>

#include "e2e.h"
#include "testdb.h"

static long long sql_int(const struct e2e_env *env, const char *sql)
{
    /* Read-write, as the next session opens it (SQLite: WAL recovery). */
    struct testdb_conn *h = testdb_connect(env->db, true);
    int64_t v = -1;
    char msg[1024];

    if (!h)
        fail_msg("%s", testdb_error());
    if (testdb_conn_int(h, sql, &v) < 0) {
        snprintf(msg, sizeof msg, "%s", testdb_conn_error(h));
        testdb_disconnect(h);
        fail_msg("%s", msg);
    }
    testdb_disconnect(h);
    return v;
}

/* Rossi Consulting (demo 1): GoToMeeting -> Business into the cart, then
 * Cart -> Complete transaction -> Continue to payment. */
static void to_payment(struct vt *vt)
{
    assert_true(e2e_open_account(vt, 1, "Rossi Consulting S.r.l."));
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Add to cart ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Cart");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Continue to payment ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
}

static void hang_up(struct vt *vt)
{
    int status = 0;

    assert_true(vt_kill(vt, SIGHUP));
    /* It goes away promptly, whether by the signal or by a clean exit. */
    assert_true(vt_wait_exit(vt, E2E_WAIT, &status));
    assert_true(WIFSIGNALED(status) || WIFEXITED(status));
}

static void whole_and_consistent(const struct e2e_env *env)
{
    testdb_assert_integrity(env->db);
    assert_int_equal(sql_int(env, "SELECT count(*) FROM accounts a WHERE balance_minor != (SELECT "
                                  "coalesce(sum(amount_minor), 0) FROM ledger l WHERE "
                                  "l.account_id = a.id)"), 0);
    assert_int_equal(sql_int(env, "SELECT count(*) FROM subscriptions s WHERE version != (SELECT "
                                  "count(*) FROM subscription_history h WHERE "
                                  "h.subscription_id = s.id)"), 0);
}

/* At the Payment page: nothing written, and the cart is there next time. */
static void test_hangup_at_payment(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);
    to_payment(vt);
    hang_up(vt);
    vt_destroy(vt);
    c->vt = NULL;

    whole_and_consistent(&c->env);
    assert_int_equal(sql_int(&c->env, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(sql_int(&c->env, "SELECT count(*) FROM test_charges"), 0);
    assert_int_equal(sql_int(&c->env, "SELECT count(*) FROM pending_checkouts"), 0);
    assert_int_equal(sql_int(&c->env, "SELECT balance_minor FROM accounts WHERE id = 1"), 2000);
    assert_int_equal(sql_int(&c->env, "SELECT count(*) FROM subscriptions WHERE account_id = 1 "
                                      "AND product = 'gotomeeting' AND plan = 'professional' "
                                      "AND version = 1"), 1);
    assert_int_equal(sql_int(&c->env, "SELECT count(*) FROM cart_items WHERE account_id = 1 AND "
                                      "to_plan = 'business'"), 1);

    /* The next session finds the cart and can check it out. */
    vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);
    assert_true(e2e_open_account(vt, 1, "Rossi Consulting S.r.l."));
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Cart: 1 item");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(json_array_size(json_object_get(acct, "cart")), 1);
    json_decref(acct);
}

/* Right after Place order, at several moments: all or nothing, then
 * reconcile leaves no charge without an order. */
static void test_hangup_while_placing(void **state)
{
    (void)state;
    static const int delays_us[] = {0, 1000, 3000, 6000, 10000, 20000, 50000};
    int placed = 0, absent = 0, charged_unordered = 0;

    for (size_t i = 0; i < sizeof delays_us / sizeof delays_us[0]; i++) {
        struct e2e_env env;
        assert_true(e2e_env_init(&env));
        struct vt *vt = e2e_ui(&env, "en", NULL, NULL, 24, 80);
        assert_non_null(vt);
        to_payment(vt);
        vt_key(vt, VT_ENTER);
        usleep((useconds_t)delays_us[i]);
        hang_up(vt);
        vt_destroy(vt);

        whole_and_consistent(&env);
        long long orders = sql_int(&env, "SELECT count(*) FROM orders");
        long long charges = sql_int(&env, "SELECT count(*) FROM test_charges WHERE state = "
                                          "'approved'");
        if (orders == 1) {
            placed++;
            assert_int_equal(sql_int(&env, "SELECT count(*) FROM cart_items"), 0);
            assert_int_equal(sql_int(&env, "SELECT version FROM subscriptions WHERE account_id "
                                           "= 1 AND product = 'gotomeeting'"), 2);
            assert_int_equal(sql_int(&env, "SELECT count(*) FROM orders o JOIN test_charges c "
                                           "ON c.key = o.idempotency_key AND c.state = "
                                           "'approved' AND c.amount_minor = o.due_minor"), 1);
            assert_int_equal(sql_int(&env, "SELECT count(*) FROM audit WHERE action = "
                                           "'order.place' AND result = 'ok'"), 1);
        } else {
            assert_int_equal(orders, 0);
            absent++;
            assert_int_equal(sql_int(&env, "SELECT count(*) FROM cart_items"), 1);
            assert_int_equal(sql_int(&env, "SELECT version FROM subscriptions WHERE account_id "
                                           "= 1 AND product = 'gotomeeting'"), 1);
            assert_int_equal(sql_int(&env, "SELECT balance_minor FROM accounts WHERE id = 1"),
                             2000);
            charged_unordered += charges > 0;
        }
        /* reconcile: no customer charged without an order */
        const char *argv[] = {e2e_bin, "--db", env.db, "--date", E2E_DATE, "reconcile", NULL};
        assert_int_equal(e2e_run(argv, NULL, NULL), 0);
        assert_int_equal(sql_int(&env, "SELECT count(*) FROM test_charges c WHERE state = "
                                       "'approved' AND NOT EXISTS (SELECT 1 FROM orders o WHERE "
                                       "o.idempotency_key = c.key)"), 0);
        whole_and_consistent(&env);
        e2e_env_finish(&env);
    }
    print_message("# SIGHUP after Place order: %d placed whole, %d absent (%d of them charged, "
                  "settled by reconcile)\n", placed, absent, charged_unordered);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hangup_at_payment, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test(test_hangup_while_placing),
    };
    return testdb_run_cases("hangup", tests, sizeof tests / sizeof tests[0], NULL, 0, NULL, NULL);
}
