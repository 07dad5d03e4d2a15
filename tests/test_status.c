/* test_status.c — the outcome table keeps codes, messages and exit codes straight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "status.h"

static void codes_are_stable(void **state)
{
    (void)state;
    assert_string_equal(bc_status_code(BC_DOWNGRADE_REQUIRES_SUPPORT), "downgrade_requires_support");
    assert_string_equal(bc_status_code(BC_NOT_BILLING_CONTACT), "not_billing_contact");
    assert_string_equal(bc_status_code(BC_PAYMENT_OVERDUE), "payment_overdue");
    assert_string_equal(bc_status_message(BC_PAYMENT_OVERDUE),
                        "This subscription has an unpaid renewal: pay it first, then change it.");
    assert_string_equal(bc_status_code(BC_STATUS_COUNT), "unknown");
}

static void refusals_exit_3_errors_exit_1(void **state)
{
    (void)state;
    assert_int_equal(bc_status_exit(BC_OK), 0);
    assert_int_equal(bc_status_exit(BC_SEATS_OUT_OF_RANGE), 3);
    assert_true(bc_status_is_refusal(BC_CORPORATE_ACCOUNT));
    assert_true(bc_status_is_refusal(BC_PAYMENT_OVERDUE));
    assert_int_equal(bc_status_exit(BC_DB_ERROR), 1);
    assert_false(bc_status_is_refusal(BC_INVALID_DATE));
}

static void every_status_has_a_distinct_code_and_message(void **state)
{
    (void)state;
    for (int i = 0; i < BC_STATUS_COUNT; i++) {
        assert_true(strlen(bc_status_message((enum bc_status)i)) > 0);
        for (int j = i + 1; j < BC_STATUS_COUNT; j++)
            assert_string_not_equal(bc_status_code((enum bc_status)i), bc_status_code((enum bc_status)j));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_are_stable),
        cmocka_unit_test(refusals_exit_3_errors_exit_1),
        cmocka_unit_test(every_status_has_a_distinct_code_and_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
