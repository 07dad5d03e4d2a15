/* e2e_help.c — SPEC §2 step 9 and §2 keys: `?` opens a help overlay on
 * every screen, any key closes it and leaves the screen as it was, and the
 * footer of every screen names `? help`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* On the screen titled `title`: the footer names ? help; ? opens
 * "Help: <title>"; a key closes it and the screen comes back unchanged. */
static void help_on(struct vt *vt, const char *title)
{
    char box[256];
    E2E_TITLE(vt, title);
    assert_true(vt_wait_row_text(vt, 23, "? help", E2E_WAIT));
    E2E_SETTLE(vt);
    char *before = strdup(e2e_screen(vt));
    assert_non_null(before);
    vt_send(vt, "?");
    snprintf(box, sizeof box, "Help: %s", title);
    E2E_SEE(vt, box);
    vt_send(vt, "x");
    E2E_GONE(vt, box);
    bool same = e2e_wait_screen(vt, before, E2E_WAIT);
    free(before);
    assert_true(same);
}

static void test_help_everywhere(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);

    /* search: Esc leaves the empty field, then keys are keys */
    E2E_TITLE(vt, "Find an account");
    E2E_SEE(vt, "[_ ");
    vt_key(vt, VT_ESC);
    E2E_GONE(vt, "[_ ");
    help_on(vt, "Find an account");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "[_ ");

    assert_true(e2e_open_account(vt, 1, "Rossi Consulting S.r.l."));
    help_on(vt, "Subscriptions");
    vt_send(vt, "h");
    help_on(vt, "Order history");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "s");
    help_on(vt, "Manage seats");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "c");
    help_on(vt, "Cart");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    /* five more seats: something is due, so Payment comes */
    vt_send(vt, "+++++");
    E2E_SEE(vt, "- 10 +");
    E2E_SEE(vt, "Total due");
    help_on(vt, "Modify subscription");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    help_on(vt, "Complete transaction");
    vt_key(vt, VT_ENTER);
    help_on(vt, "Payment");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 6));
    vt_key(vt, VT_ENTER);
    help_on(vt, "Order placed");
}

/* Opens the help of the screen shown, checks that it holds `says` and that
 * its last line, `closing`, still fits the 80x24 overlay, and closes it. */
static void help_says(struct vt *vt, const char *says, const char *not_said,
                      const char *closing)
{
    E2E_SETTLE(vt);
    vt_send(vt, "?");
    E2E_SEE(vt, closing);
    E2E_SEE(vt, says);
    if (not_said != NULL)
        E2E_NOT_SHOWN(vt, not_said);
    vt_send(vt, "x");
    E2E_GONE(vt, closing);
}

/* `plans/` copied into the scenario's directory with GoToWebinar's
 * downgrades at the end of the term (as e2e_end_of_term does). */
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

/* Modify subscription's help says what lower plans are for whoever looks
 * (SPEC §3, §8): an operator orders them; a billing contact schedules them
 * on an end_of_term product and leaves them to Customer Care elsewhere;
 * a view-only contact only looks. Each fits the overlay whole. */
static void test_modify_help_for_who_looks(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    help_says(vt, "and prices. Lower plans are ordered today or scheduled for the next",
              "Customer Care", "Press any key to close this help.");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
    vt_destroy(vt);
    c->vt = NULL;

    char dir[512];
    end_of_term_catalog(c, dir, sizeof dir);
    const char *extra[] = {"--catalog", dir, NULL};
    vt = e2e_kiosk_start(c, "it", extra, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "maria.rossi@example.it", "1234"));
    E2E_TITLE(vt, "Sottoscrizioni");
    vt_send(vt, "e");
    E2E_SEE(vt, "GoToMeeting: piano attuale Professional");
    help_says(vt, "funzionalità e prezzi. I piani inferiori sono mostrati ma li ordina",
              "si ordinano oggi", "Premi un tasto qualsiasi per chiudere questo aiuto.");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Sottoscrizioni");
    vt_key(vt, VT_DOWN);
    E2E_SEE(vt, "▸ GoToWebinar");
    vt_send(vt, "e");
    E2E_SEE(vt, "GoToWebinar: piano attuale Standard");
    help_says(vt, "funzionalità e prezzi. Un piano inferiore decorre dal prossimo rinnovo.",
              "Assistenza clienti", "Premi un tasto qualsiasi per chiudere questo aiuto.");
    vt_destroy(vt);
    c->vt = NULL;

    vt = e2e_kiosk_start(c, "en", NULL, NULL);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "luca.bianchi@example.it", "1234"));
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    help_says(vt, "The Order Summary shows what a change would cost; the screen says who",
              "Lower plans", "Press any key to close this help.");
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_help_everywhere, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_modify_help_for_who_looks, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
