/* e2e_lifecycle.c — SPEC §8 on the Subscriptions screen: the state of each
 * subscription in words, and the product options that end, revive, pay or
 * unschedule it. Cancel then Reactivate on account 1 (auto_renew false,
 * then true again); Pay now on demo 995, past due, whose card on file
 * declines (the reason on the status line, nothing changed) and then a new
 * card pays (an order, active again); Cancel scheduled change on demo 998
 * in Italian. The database is read back through `account show --json`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "e2e.h"

/* auto_renew of product's subscription on account id (-1 when unreadable). */
static int auto_renew(struct e2e_case *c, int id, const char *product)
{
    json_t *a = e2e_account(&c->env, id);
    if (a == NULL)
        return -1;
    json_t *v = json_object_get(e2e_subscription(a, product), "auto_renew");
    int r = json_is_boolean(v) ? json_is_true(v) : -1;
    json_decref(a);
    return r;
}

static void test_cancel_then_reactivate(void **state)
{
    struct e2e_case *c = *state;
    assert_int_equal(auto_renew(c, 1, "gotomeeting"), 1);
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    /* The next renewal with its estimate (SPEC §8): 5 × €12.00 + 22% VAT,
     * before the €20.00 balance; the annual one's line gives its period up
     * to hold 2 × €948.00 + 22%. */
    E2E_SEE(vt, "Active   2026-11-10 → 2026-12-10   Next renewal: 2026-12-10, est. €73.20");
    E2E_SEE(vt, "Active   Next renewal: 2027-08-17, est. €2,313.12");

    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Cancel subscription");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Cancel subscription", 5));
    E2E_NOT_SHOWN(vt, "Reactivate");
    E2E_NOT_SHOWN(vt, "Pay now");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Cancel GoToMeeting? It stays active until the end of its period (2026-12-10);");
    /* No answers no: nothing changes. */
    vt_send(vt, "n");
    E2E_GONE(vt, "Cancel GoToMeeting?");
    assert_int_equal(auto_renew(c, 1, "gotomeeting"), 1);

    vt_key(vt, VT_ENTER);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Cancel subscription", 5));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Cancel GoToMeeting?");
    vt_send(vt, "y");
    E2E_SEE(vt, "Pending cancellation — ends on 2026-12-10   2026-11-10 → 2026-12-10");
    E2E_SEE(vt, "GoToMeeting: Pending cancellation — ends on 2026-12-10");
    /* It will not renew: no renewal, no estimate. */
    E2E_SETTLE(vt);
    E2E_NOT_SHOWN(vt, "€73.20");
    assert_int_equal(auto_renew(c, 1, "gotomeeting"), 0);
    /* The other product is untouched. */
    assert_int_equal(auto_renew(c, 1, "gotowebinar"), 1);

    /* Pending cancellation offers Reactivate instead of Cancel. */
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Reactivate");
    E2E_NOT_SHOWN(vt, "Cancel subscription");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Reactivate", 5));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "GoToMeeting: reactivated; next renewal: 2026-12-10");
    E2E_SEE(vt, "Active   2026-11-10 → 2026-12-10   Next renewal: 2026-12-10, est. €73.20");
    assert_int_equal(auto_renew(c, 1, "gotomeeting"), 1);

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_pay_now_past_due(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 995, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Past due since 2026-11-23   2026-10-23 → 2026-11-23");

    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "▸ Pay now");   /* first: changes wait for the unpaid renewal */
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Pay now");
    E2E_SEE(vt, "GoToMeeting Professional, 2 seats, Monthly");
    E2E_SEE(vt, "Past due since 2026-11-23");
    /* The renewal's figures: [P1, P1 + 1 month), 2 x 12.00, VAT 22%. */
    E2E_SEE(vt, "Paying renews the period 2026-11-23 → 2026-12-23");
    E2E_SEE(vt, "GoToMeeting Professional, 2 seats × €12.00");
    E2E_SEE(vt, "€24.00");
    E2E_SEE(vt, "VAT 22%");
    E2E_SEE(vt, "€5.28");
    E2E_SEE(vt, "€29.28");
    E2E_SEE(vt, "(•) Card on file: Visa ending 0002");

    /* The card on file declines: the reason, and nothing changes. */
    E2E_SEE(vt, "▸ [ Pay €29.28 ]");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "The card was declined by the bank. Nothing was charged; try another card.");
    json_t *a = e2e_account(&c->env, 995);
    assert_non_null(a);
    assert_string_equal(e2e_str(e2e_subscription(a, "gotomeeting"), "status"), "past_due");
    json_decref(a);
    json_t *orders = e2e_orders(&c->env, 995);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);

    /* A new card pays. */
    assert_true(e2e_press_until(vt, VT_UP, "▸ (•) Card on file", 4));
    vt_key(vt, VT_RIGHT);
    E2E_SEE(vt, "(•) A new card");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ Card number", 3));
    vt_send(vt, "4242424242424242");
    E2E_SEE(vt, "•••• •••• •••• 4242");
    vt_key(vt, VT_TAB);
    vt_send(vt, "12/30");
    E2E_SEE(vt, "[12/30");
    /* Kept for the renewals to come (the card on file declines). */
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Use this card for renewals?  (•) No  ( ) Yes");
    vt_key(vt, VT_RIGHT);
    E2E_SEE(vt, "Use this card for renewals?  ( ) No  (•) Yes");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Pay €29.28 ]", 3));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Order 1 has been placed.");
    E2E_SEE(vt, "Renewals are now charged to the card ending 4242.");
    E2E_SEE(vt, "Invoice 2026/");
    E2E_SEE(vt, "New period: 2026-11-23 → 2026-12-23");
    E2E_SEE(vt, "Paid: the subscription is active again.");
    assert_true(vt_wait_row_text(vt, 3, "Active", E2E_WAIT));

    a = e2e_account(&c->env, 995);
    assert_non_null(a);
    json_t *s = e2e_subscription(a, "gotomeeting");
    assert_string_equal(e2e_str(s, "status"), "active");
    assert_string_equal(e2e_str(s, "period_start"), "2026-11-23");
    assert_string_equal(e2e_str(s, "period_end"), "2026-12-23");
    json_t *card = json_object_get(a, "card_on_file");
    assert_non_null(card);
    assert_string_equal(e2e_str(card, "last4"), "4242");
    json_decref(a);
    orders = e2e_orders(&c->env, 995);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_decref(orders);

    /* Back on Subscriptions the row says so, and Pay now is gone. */
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Active   2026-11-23 → 2026-12-23   Next renewal: 2026-12-23");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Cancel subscription");
    E2E_NOT_SHOWN(vt, "Pay now");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_unschedule_italian(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 998, E2E_AT_HOME);
    assert_non_null(vt);
    /* The estimate is of what renews: the scheduled Lite, 2 × 49,00 € +
     * 23% (IE); after unscheduling Standard's 2 × 99,00 € + 23%. */
    E2E_SEE(vt, "Attiva   13/11/2026 → 13/12/2026   Lite dal 13/12/2026, stima 120,54 €");

    vt_key(vt, VT_ENTER);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Annulla modifica programmata", 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Annullare la modifica programmata (Lite dal 13/12/2026)? s/n");
    vt_send(vt, "s");
    E2E_SEE(vt, "GoToWebinar: modifica programmata annullata.");
    E2E_SEE(vt, "Attiva   13/11/2026 → 13/12/2026   Rinnovo: 13/12/2026, stima 243,54 €");
    json_t *a = e2e_account(&c->env, 998);
    assert_non_null(a);
    assert_true(json_is_null(json_object_get(e2e_subscription(a, "gotowebinar"), "scheduled")));
    json_decref(a);
    /* Nothing left to unschedule. */
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Annulla sottoscrizione");
    E2E_NOT_SHOWN(vt, "Annulla modifica programmata");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

/* The states in Italian: past due, suspended (in words, not color alone),
 * pending cancellation and a trial; the headers of Modify subscription and
 * Manage seats say it too. */
static void test_states_italian(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 996, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Sospesa: servizio disattivato fino al pagamento   15/10/2026 → 15/11/2026");
    vt_send(vt, "s");
    E2E_TITLE(vt, "Gestisci postazioni");
    assert_true(vt_wait_row_text(vt, 3, "Sospesa: servizio disattivato fino al pagamento",
                                 E2E_WAIT));
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Sottoscrizioni");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modifica sottoscrizione");
    assert_true(vt_wait_row_text(vt, 4, "Sospesa: servizio disattivato fino al pagamento",
                                 E2E_WAIT));
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    vt_destroy(c->vt);
    c->vt = NULL;

    vt = e2e_start_at(c, "it", NULL, 997, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Annullamento in corso — termina il 05/12/2026   05/11/2026 → 05/12/2026");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Riattiva");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    vt_destroy(c->vt);
    c->vt = NULL;

    vt = e2e_start_at(c, "it", NULL, 995, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Pagamento scaduto dal 23/11/2026   23/10/2026 → 23/11/2026");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "▸ Paga ora");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Paga ora");
    E2E_SEE(vt, "Il pagamento rinnova il periodo 23/11/2026 → 23/12/2026");
    E2E_SEE(vt, "29,28 €");
    E2E_SEE(vt, "[ Paga 29,28 € ]");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

/* A contact who is not the billing contact (Luca Bianchi, demo 1, at the
 * kiosk) sees the options but gets the refusal on the status line, and
 * nothing changes. */
static void test_view_only_contact_refused(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "luca.bianchi@example.it", "1234"));
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Active   2026-11-10 → 2026-12-10   Next renewal: 2026-12-10");
    vt_key(vt, VT_ENTER);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Cancel subscription", 5));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Only the billing contact can change this account: Maria Rossi");
    E2E_NOT_SHOWN(vt, "Cancel GoToMeeting?");
    assert_int_equal(auto_renew(c, 1, "gotomeeting"), 1);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cancel_then_reactivate, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_pay_now_past_due, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_unschedule_italian, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_states_italian, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_view_only_contact_refused, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
