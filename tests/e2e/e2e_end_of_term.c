/* e2e_end_of_term.c — downgrades and changes at the end of the term on
 * Modify subscription (SPEC §3, §8): an operator (Customer Care) orders a
 * lower tier today, the credit going to the balance exactly as `quote`
 * says; a billing contact schedules a lower tier for the renewal on a
 * `downgrade: end_of_term` product (a copy of plans/ saying so), nothing
 * charged; a seat reduction scheduled from the screen caps Manage seats.
 * Demo account 1, Rossi Consulting: GoToWebinar Standard annual 2 seats,
 * 2026-08-17 -> 2027-08-17, balance 20.00. Account 3, Müller Technik:
 * GoToMeeting Business 10 seats (8 of 9 users assigned), renews 2026-12-05. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_operator_downgrades_today(void **state)
{
    struct e2e_case *c = *state;
    const char *qargs[] = {"quote", "--account", "1", "--product", "gotowebinar", "--to-plan",
                           "lite", "--to-seats", "2", "--to-period", "annual", "--date",
                           E2E_DATE, NULL};
    int code = -1;
    json_t *q = e2e_cli_json(&c->env, qargs, &code);
    assert_non_null(q);
    assert_int_equal(code, 0);
    assert_true(json_is_true(json_object_get(q, "allowed")));
    assert_int_equal(e2e_int(q, "due_minor"), 0);
    assert_int_equal(e2e_int(q, "balance_after_minor"), 55747);

    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ GoToWebinar");
    vt_send(vt, "e");
    E2E_SEE(vt, "GoToWebinar: current plan Standard");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    /* for Customer Care a lower plan is not "Customer Care only" */
    E2E_SEE(vt, "Customer Care: a lower plan is ordered today");
    E2E_NOT_SHOWN(vt, "(Customer Care only)");
    vt_key(vt, VT_UP);
    E2E_SEE(vt, "▸ Lite");
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Choose a plan");
    E2E_SEE(vt, "Plan            Lite");
    /* the credit for 265 of 365 days, the lower charge for a year from
     * today, the difference to the balance */
    E2E_SEE(vt, "Credit for unused time  25 Nov 2026 – 17 Aug 2027             -€1,376.55");
    E2E_SEE(vt, "New charge: Lite × 2  25 Nov 2026 – 25 Nov 2027                  €936.00");
    E2E_SEE(vt, "Total due                                                          €0.00");
    E2E_SEE(vt, "Credit balance afterwards                                        €557.47");
    E2E_SEE(vt, "[ ] Schedule for the next renewal (2027-08-17)");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    E2E_SEE(vt, "▸ [ Place order ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "GoToWebinar: Standard → Lite");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(e2e_int(acct, "balance_minor"), e2e_int(q, "balance_after_minor"));
    json_t *sub = e2e_subscription(acct, "gotowebinar");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "plan"), "lite");
    assert_string_equal(e2e_str(sub, "period_start"), "2026-11-25");
    assert_string_equal(e2e_str(sub, "period_end"), "2027-11-25");
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_t *o = json_array_get(orders, 0);
    assert_int_equal(e2e_int(o, "due_minor"), 0);
    assert_int_equal(e2e_int(o, "total_minor"), e2e_int(q, "total_minor"));
    assert_int_equal(e2e_int(o, "balance_after_minor"), e2e_int(q, "balance_after_minor"));
    json_decref(orders);
    json_decref(acct);
    json_decref(q);
}

/* plans/ copied into the scenario's directory with GoToWebinar's
 * downgrades at the end of the term. */
static void end_of_term_catalog(struct e2e_case *c, char *dir, size_t size)
{
    snprintf(dir, size, "%s/plans", c->env.dir);
    char script[4096];
    snprintf(script, sizeof script,
             "mkdir -p '%s' && cp plans/*.yaml '%s/' && "
             "sed -i 's/^  seat_name: organizer$/&\\n  downgrade: end_of_term/' "
             "'%s/gotowebinar.yaml' && grep -q '^  downgrade: end_of_term$' '%s/gotowebinar.yaml'",
             dir, dir, dir, dir);
    const char *argv[] = {"sh", "-c", script, NULL};
    assert_int_equal(e2e_run(argv, NULL, NULL), 0);
}

/* In Italian: the billing contact picks the lower plan, which can only be
 * scheduled; the Order Summary says when and what the renewal will cost
 * (Lite 468.00 × 2 + IVA 22% = 1,141.92 before the balance), nothing is
 * ordered or charged today. */
static void test_contact_schedules_downgrade_it(void **state)
{
    struct e2e_case *c = *state;
    char dir[512];
    end_of_term_catalog(c, dir, sizeof dir);
    const char *extra[] = {"--catalog", dir, NULL};
    struct vt *vt = e2e_kiosk_start(c, "it", extra, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "maria.rossi@example.it", "1234"));
    E2E_TITLE(vt, "Sottoscrizioni");
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ GoToWebinar");
    vt_send(vt, "e");
    E2E_SEE(vt, "GoToWebinar: piano attuale Standard");
    vt_send(vt, "e");
    E2E_SEE(vt, "Scegli un piano");
    E2E_SEE(vt, "Lite (al prossimo rinnovo)");
    E2E_SEE(vt, "Un piano inferiore decorre dal prossimo rinnovo: oggi non si addebita");
    vt_key(vt, VT_UP);
    E2E_SEE(vt, "▸ Lite (al prossimo rinnovo)");
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Scegli un piano");
    assert_true(vt_wait_row_text(vt, 22, "Lite decorre dal prossimo rinnovo, il 17/08/2027.",
                                 E2E_WAIT));
    E2E_SEE(vt, "Decorre dal 17/08/2027; oggi non si addebita nulla");
    E2E_SEE(vt, "Rinnovo: Lite × 2  17 ago 2027 – 17 ago 2028                    936,00 €");
    E2E_SEE(vt, "IVA 22%                                                         205,92 €");
    E2E_SEE(vt, "Stima del rinnovo (prima del saldo)                           1.141,92 €");
    E2E_SEE(vt, "[✓] Programma per il prossimo rinnovo (17/08/2027)");
    E2E_NOT_SHOWN(vt, "Aggiungi al carrello");
    E2E_NOT_SHOWN(vt, "Customer Care");
    /* today is not on offer for a lower plan */
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [✓] Programma", 6));
    vt_send(vt, " ");
    assert_true(vt_wait_row_text(vt, 22, "non si può ordinare oggi", E2E_WAIT));
    E2E_SEE(vt, "[✓] Programma per il prossimo rinnovo");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ [ Programma la modifica ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Sottoscrizioni");
    assert_true(vt_wait_row_text(vt, 22, "Programmato per il rinnovo del 17/08/2027: GoToWebinar:",
                                 E2E_WAIT));

    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    assert_int_equal(e2e_int(acct, "balance_minor"), 2000);
    json_t *sub = e2e_subscription(acct, "gotowebinar");
    assert_non_null(sub);
    assert_string_equal(e2e_str(sub, "plan"), "standard");
    json_t *sch = json_object_get(sub, "scheduled");
    assert_true(json_is_object(sch));
    assert_string_equal(e2e_str(sch, "plan"), "lite");
    assert_int_equal(e2e_int(sch, "seats"), 2);
    assert_string_equal(e2e_str(sch, "period"), "annual");
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
    json_decref(acct);
}

/* An operator schedules 10 -> 8 seats (the 8 assigned) for the renewal;
 * Manage seats then shows the coming count and refuses a ninth seat,
 * saying the scheduled count and date. */
static void test_scheduled_reduction_caps_seats(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 3, E2E_AT_MODIFY);
    assert_non_null(vt);
    E2E_NOT_SHOWN(vt, "Schedule for the next renewal");
    vt_send(vt, "-");
    E2E_SEE(vt, "- 9 +");
    vt_send(vt, "-");
    E2E_SEE(vt, "- 8 +");
    /* today it is a credit (the immediate seat reduction stays) */
    E2E_SEE(vt, "Credit for unused time");
    E2E_SEE(vt, "[ ] Schedule for the next renewal (2026-12-05)");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ ] Schedule", 6));
    vt_send(vt, " ");
    E2E_SEE(vt, "▸ [✓] Schedule for the next renewal (2026-12-05)");
    E2E_SEE(vt, "Takes effect on 2026-12-05; nothing is charged today");
    /* Business 16.00 × 8, German VAT 19% */
    E2E_SEE(vt, "Renewal: Business × 8  5 Dec 2026 – 5 Jan 2027                   €128.00");
    E2E_SEE(vt, "VAT 19%                                                           €24.32");
    E2E_SEE(vt, "Renewal estimate (before balance)                                €152.32");
    E2E_NOT_SHOWN(vt, "Credit for unused time");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ [ Schedule change ]");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");
    assert_true(vt_wait_row_text(vt, 22,
                                 "Scheduled for the renewal on 2026-12-05: GoToMeeting: 10 → 8 seats",
                                 E2E_WAIT));

    vt_send(vt, "s");
    E2E_TITLE(vt, "Manage seats");
    E2E_SEE(vt, "GoToMeeting Business: 8 of 10 seats assigned; 8 seats from 2026-12-05");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ [ ]     Alex Jensen", 10));
    vt_send(vt, " ");
    /* (two lines of status) */
    E2E_SEE(vt, "A reduction to 8 seats is scheduled for 2026-12-05: no more seats can be");
    E2E_SEE(vt, "▸ [ ]     Alex Jensen");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *acct = e2e_account(&c->env, 3);
    assert_non_null(acct);
    json_t *sub = e2e_subscription(acct, "gotomeeting");
    assert_non_null(sub);
    assert_int_equal(e2e_int(sub, "seats"), 10);
    assert_int_equal(e2e_int(sub, "seats_assigned"), 8);
    json_t *sch = json_object_get(sub, "scheduled");
    assert_true(json_is_object(sch));
    assert_int_equal(e2e_int(sch, "seats"), 8);
    assert_string_equal(e2e_str(sch, "plan"), "business");
    json_t *orders = e2e_orders(&c->env, 3);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
    json_decref(acct);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_operator_downgrades_today, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_contact_schedules_downgrade_it, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_scheduled_reduction_caps_seats, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
