/* e2e_period.c — what the screens say about billing periods and seats
 * before anything is placed: a seat-only change (SPEC §3 proration.seats
 * keep) keeps the current period on Modify subscription, the review and
 * the confirmation; a plan with a seat minimum says it raises the seats
 * (on the status line and in the Order Summary). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

struct words {
    const char *lang, *seats, *complete, *title_review, *place, *title_placed;
    const char *modify, *review, *confirm;
};

static const struct words en = {
    "en", "▸ Seats", "▸ [ Complete transaction ]", "Complete transaction", "▸ [ Place order ]",
    "Order placed",
    "Billing period unchanged: 2026-11-16 → 2026-12-16",
    "Billing period unchanged: 2026-11-16 → 2026-12-16, Monthly",
    "Billing period unchanged: 2026-11-16 → 2026-12-16",
};

static const struct words it = {
    "it", "▸ Postazioni", "▸ [ Completa la transazione ]", "Completa la transazione",
    "▸ [ Effettua ordine ]", "Ordine effettuato",
    "Periodo di fatturazione invariato: 16/11/2026 → 16/12/2026",
    "Periodo di fatturazione invariato: 16/11/2026 → 16/12/2026, Mensile",
    "Periodo di fatturazione invariato: 16/11/2026 → 16/12/2026",
};

/* Account 9 (Bianchi Studio), GoToMeeting 20 → 2 seats: co-termed, the
 * period 16 Nov – 16 Dec stays; nothing says it begins today. */
static void seats_keep_period(struct e2e_case *c, const struct words *w)
{
    struct vt *vt = e2e_start_at(c, w->lang, NULL, 9, E2E_AT_MODIFY);
    assert_non_null(vt);
    assert_true(e2e_press_until(vt, VT_TAB, w->seats, 4));
    vt_send(vt, "2");
    E2E_SEE(vt, "[2_");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, w->modify);
    E2E_NOT_SHOWN(vt, "beginning today");
    E2E_NOT_SHOWN(vt, "da oggi");
    assert_true(e2e_press_until(vt, VT_TAB, w->complete, 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->title_review);
    E2E_SEE(vt, w->review);
    E2E_NOT_SHOWN(vt, "begins today");
    E2E_SEE(vt, w->place);
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->title_placed);
    E2E_SEE(vt, w->confirm);
    E2E_NOT_SHOWN(vt, "begins today");
    E2E_NOT_SHOWN(vt, "inizia oggi");
}

static void test_seats_keep_period_en(void **state)
{
    seats_keep_period(*state, &en);
}

static void test_seats_keep_period_it(void **state)
{
    seats_keep_period(*state, &it);
}

/* Account 4 (Dupont & Fils), GoToWebinar Pro 2 seats → Enterprise, which
 * starts at 5 seats: the screen and the Order Summary say the seats were
 * raised, before anything is placed. */
static void seat_minimum(struct e2e_case *c, const char *lang, const char *tiers,
                         const char *status, const char *row)
{
    struct vt *vt = e2e_start_at(c, lang, NULL, 4, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_SEE(vt, tiers);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Enterprise", 4));
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, tiers);
    E2E_SEE(vt, "- 5 +");
    E2E_SEE(vt, status);
    E2E_SEE(vt, row);
    json_t *orders = e2e_orders(&c->env, 4);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
}

static void test_seat_minimum_said_en(void **state)
{
    seat_minimum(*state, "en", "Choose a plan",
                 "Enterprise starts at 5 seats: seats raised from 2 to 5.",
                 "Seats 2 → 5: Enterprise starts at 5 seats");
}

static void test_seat_minimum_said_it(void **state)
{
    seat_minimum(*state, "it", "Scegli un piano",
                 "Enterprise parte da 5 postazioni: postazioni portate da 2 a 5.",
                 "Postazioni 2 → 5: Enterprise parte da 5 postazioni");
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seats_keep_period_en, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_seats_keep_period_it, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_seat_minimum_said_en, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_seat_minimum_said_it, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
