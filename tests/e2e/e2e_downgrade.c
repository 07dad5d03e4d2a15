/* e2e_downgrade.c — a lower tier is shown but the billing contact cannot
 * choose it: the tier list gives Customer Care's phone, e-mail and URL from
 * the catalog, and nothing can be ordered (SPEC §2 step 3, §3; the product
 * says `downgrade: support`). Customer Care — the operators — can
 * (e2e_end_of_term). Demo account 3, Müller Technik: GoToMeeting Business,
 * 10 seats; its billing contact Jonas Müller signs in at the kiosk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_downgrade_points_to_customer_care(void **state)
{
    struct e2e_case *c = *state;
    json_t *before = e2e_account(&c->env, 3);
    assert_non_null(before);

    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "jonas.mueller@example.de", "1234"));
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    E2E_SEE(vt, "current plan Business");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    E2E_SEE(vt, "▸ Business (current plan)");
    E2E_SEE(vt, "Professional (Customer Care only)");
    E2E_SEE(vt, "Downgrades are handled by Customer Care: +39 02 3056 5599");
    E2E_SEE(vt, "care@billing.example.com");
    E2E_SEE(vt, "https://billing.example.com/care");

    vt_key(vt, VT_UP);
    E2E_SEE(vt, "▸ Professional (Customer Care only)");
    vt_key(vt, VT_ENTER);
    /* refused: the reason on the status line, the list stays open */
    assert_true(vt_wait_row_text(vt, 22, "Customer Care", E2E_WAIT));
    E2E_SEE(vt, "Choose a plan");
    vt_key(vt, VT_ESC);
    E2E_GONE(vt, "Choose a plan");
    /* the plan is still Business and there is nothing to order */
    E2E_SEE(vt, "Plan            Business");
    E2E_SEE(vt, "Choose another plan, seat count or billing frequency");
    E2E_NOT_SHOWN(vt, "Total due");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    /* still on Modify subscription with a reason, no review */
    assert_true(vt_wait_row_text(vt, 22, " ", E2E_WAIT));
    E2E_SEE(vt, "Modify subscription");
    assert_true(vt_wait_row_text(vt, 0, "Modify subscription", E2E_WAIT));

    json_t *after = e2e_account(&c->env, 3);
    assert_non_null(after);
    assert_true(json_equal(before, after));
    json_t *sub = e2e_subscription(after, "gotomeeting");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "plan"), "business");
    json_t *orders = e2e_orders(&c->env, 3);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
    json_decref(after);
    json_decref(before);
}

/* The command line runs as an operator, Customer Care: the same downgrade
 * is quoted (exit 0) with the credit for the unused days — what the
 * billing contact is sent to Customer Care for. */
static void test_downgrade_quoted_for_customer_care(void **state)
{
    struct e2e_case *c = *state;
    const char *args[] = {"quote", "--account", "3", "--product", "gotomeeting",
                          "--to-plan", "professional", "--to-seats", "10",
                          "--to-period", "monthly", "--date", E2E_DATE, NULL};
    int code = -1;
    json_t *q = e2e_cli_json(&c->env, args, &code);
    assert_int_equal(code, 0);
    assert_non_null(q);
    assert_true(json_is_true(json_object_get(q, "allowed")));
    assert_true(json_is_null(json_object_get(q, "refusal")));
    assert_int_equal(e2e_int(json_array_get(json_object_get(q, "lines"), 0), "amount_minor"),
                     -5333);
    json_decref(q);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_downgrade_points_to_customer_care, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_downgrade_quoted_for_customer_care, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
