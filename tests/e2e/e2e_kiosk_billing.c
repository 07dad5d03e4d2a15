/* e2e_kiosk_billing.c — SPEC §8 "Customers come in": a billing contact at
 * the kiosk (Maria Rossi, demo account 1, signed in with e-mail and PIN)
 * replaces the card on file from Payment method (verified with the
 * processor) and edits the billing address from Billing information; a
 * contact who is not the billing contact (Luca Bianchi, same account)
 * reaches both screens but is refused on the status line, and nothing in
 * the account changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define CTRL_U "\x15"
#define REFUSED "Only the billing contact can change this account: Maria Rossi"

/* brand/last4/MM/YYYY of account 1's card on file through the CLI. */
static void assert_card(const struct e2e_case *c, const char *want)
{
    json_t *a = e2e_account(&c->env, 1);
    assert_non_null(a);
    json_t *card = json_object_get(a, "card_on_file");
    char got[64];
    snprintf(got, sizeof got, "%s/%s/%02lld/%lld", e2e_str(card, "brand"), e2e_str(card, "last4"),
             e2e_int(card, "exp_month"), e2e_int(card, "exp_year"));
    assert_string_equal(got, want);
    json_decref(a);
}

/* From Subscriptions: the options menu, then `item` (e.g. "▸ Payment
 * method"), waiting for the screen titled `title`. */
static void open_option(struct vt *vt, const char *item, const char *title)
{
    E2E_TITLE(vt, "Subscriptions");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Order history");
    assert_true(e2e_press_until(vt, VT_DOWN, item, 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, title);
}

/* On Payment method: the card and its expiry typed, Enter on Save card. */
static void type_card(struct vt *vt, const char *number, const char *exp, const char *masked)
{
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Card number", 4));
    vt_send(vt, number);
    E2E_SEE(vt, masked);
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Expiry (MM/YY)");
    vt_send(vt, exp);
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ [ Save card ]");
    vt_key(vt, VT_ENTER);
}

/* On Billing information: field `label` emptied and `value` typed. */
static void retype(struct vt *vt, const char *label, const char *value)
{
    assert_true(e2e_press_until(vt, VT_TAB, label, 14));
    vt_send(vt, CTRL_U);
    vt_send(vt, value);
}

static void test_billing_contact_changes_card_and_address(void **state)
{
    struct e2e_case *c = *state;
    assert_card(c, "visa/4242/12/2029");
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "maria.rossi@example.it", "1234"));

    /* The same card number with a new expiry: verified, then on file. */
    open_option(vt, "▸ Payment method", "Payment method");
    E2E_SEE(vt, "Card on file: Visa ending 4242, expires 12/2029");
    type_card(vt, "4242424242424242", "10/31", "•••• •••• •••• 4242");
    E2E_SEE(vt, "Saved: Visa ending 4242 is the card on file.");
    E2E_SEE(vt, "Card on file: Visa ending 4242, expires 10/2031");
    assert_card(c, "visa/4242/10/2031");
    vt_key(vt, VT_ESC);

    /* The billing address: Via Torino 12, 20123 Milano MI becomes Corso
     * Venezia 5, 20121 Milano MI. */
    open_option(vt, "▸ Billing information", "Billing information");
    E2E_SEE(vt, "[Via Torino");
    retype(vt, "▸ Street", "Corso Venezia");
    retype(vt, "▸ Street number", "5");
    retype(vt, "▸ Postcode", "20121");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Save ]", 14));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Save the billing information? y/n");
    vt_send(vt, "y");
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Billing information saved.");

    json_t *a = e2e_account(&c->env, 1);
    assert_non_null(a);
    json_t *p = json_object_get(a, "billing_profile");
    assert_string_equal(e2e_str(p, "street"), "Corso Venezia");
    assert_string_equal(e2e_str(p, "number"), "5");
    assert_string_equal(e2e_str(p, "postcode"), "20121");
    assert_string_equal(e2e_str(p, "city"), "Milano");
    assert_string_equal(e2e_str(p, "province"), "MI");
    assert_string_equal(e2e_str(a, "vat_number"), "IT00743110157");
    json_decref(a);
}

static void test_view_only_contact_is_refused(void **state)
{
    struct e2e_case *c = *state;
    json_t *before = e2e_account(&c->env, 1);
    assert_non_null(before);
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "luca.bianchi@example.it", "1234"));

    open_option(vt, "▸ Payment method", "Payment method");
    E2E_SEE(vt, "Card on file: Visa ending 4242, expires 12/2029");
    type_card(vt, "4242424242424242", "10/31", "•••• •••• •••• 4242");
    E2E_SEE(vt, REFUSED);
    E2E_NOT_SHOWN(vt, "Saved:");
    E2E_SEE(vt, "Card on file: Visa ending 4242, expires 12/2029");
    vt_key(vt, VT_ESC);

    open_option(vt, "▸ Billing information", "Billing information");
    E2E_SEE(vt, "[Via Torino");
    retype(vt, "▸ Street", "Corso Venezia");
    /* The first refusal is gone: the one below is this screen's. */
    E2E_SETTLE(vt);
    E2E_NOT_SHOWN(vt, REFUSED);
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Save ]", 14));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, REFUSED);
    E2E_NOT_SHOWN(vt, "Save the billing information?");
    E2E_TITLE(vt, "Billing information");

    assert_true(vt_kill(vt, SIGTERM));
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    json_t *after = e2e_account(&c->env, 1);
    assert_non_null(after);
    assert_true(json_equal(before, after));
    json_decref(after);
    json_decref(before);
    assert_card(c, "visa/4242/12/2029");
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_billing_contact_changes_card_and_address,
                                        e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_view_only_contact_is_refused, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
