/* e2e_golden.c — every screen at 80x24, in English and Italian, diffed
 * against tests/e2e/golden/<lang>/<screen>.txt (STYLE.md: golden screens).
 * A deliberate UI change rewrites them with BC_UPDATE_GOLDEN=1 and commits
 * them with the change. The walk: search, Subscriptions, Modify
 * subscription, the tier list, the Order Summary, the help overlay, the
 * review, Payment, the confirmation, Manage seats, Order history, the Cart,
 * a downgrade's Customer Care notice, and the enlarge-terminal notice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

struct titles {
    const char *lang;
    const char *search, *home, *modify, *review, *payment, *confirm, *seats, *history, *cart;
    const char *tiers;          /* the tier list box */
    const char *total_due;
    const char *complete, *add_to_cart, *continue_pay, *place, *back_home;
    const char *help;           /* the overlay's title prefix */
    const char *enlarge;
};

static const struct titles en = {
    "en", "Find an account", "Subscriptions", "Modify subscription", "Complete transaction",
    "Payment", "Order placed", "Manage seats", "Order history", "Cart",
    "Choose a plan", "Total due",
    "[ Complete transaction ]", "[ Add to cart ]", "[ Continue to payment ]",
    "[ Place order ]", "[ Back to Subscriptions ]", "Help", "Please enlarge the terminal",
};

static const struct titles it = {
    "it", "Trova un account", "Sottoscrizioni", "Modifica sottoscrizione",
    "Completa la transazione", "Pagamento", "Ordine effettuato", "Gestisci postazioni",
    "Cronologia ordini", "Carrello",
    "Scegli un piano", "Totale dovuto",
    "[ Completa la transazione ]", "[ Aggiungi al carrello ]",
    "[ Continua con il pagamento ]", "[ Effettua ordine ]", "[ Torna a Sottoscrizioni ]",
    "Aiuto", "Allarga il terminale",
};

/* "▸ " + label */
static const char *focused(const char *label)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "▸ %s", label);
    return buf;
}

/* Compares and counts a mismatch without stopping the walk, so one run
 * reports every screen that changed. */
static int check(struct vt *vt, const struct titles *t, const char *screen)
{
    return e2e_golden(vt, t->lang, screen, E2E_WAIT / 2) ? 0 : 1;
}

static void walk(struct e2e_case *c, const struct titles *t)
{
    int bad = 0;
    struct vt *vt = c->vt = e2e_ui(&c->env, t->lang, NULL, NULL, 24, 80);
    assert_non_null(vt);

    E2E_TITLE(vt, t->search);
    E2E_SEE(vt, "[_ ");
    bad += check(vt, t, "search");
    vt_send(vt, "Rossi C");
    E2E_SEE(vt, "Rossi Consulting SARL");
    bad += check(vt, t, "search_results");
    vt_key(vt, VT_BACKSPACE);
    vt_key(vt, VT_BACKSPACE);
    vt_key(vt, VT_BACKSPACE);
    vt_key(vt, VT_BACKSPACE);
    vt_key(vt, VT_BACKSPACE);
    vt_key(vt, VT_BACKSPACE);
    vt_key(vt, VT_BACKSPACE);
    E2E_SEE(vt, "[_ ");
    assert_true(e2e_open_account(vt, 1, "Rossi Consulting S.r.l."));

    E2E_TITLE(vt, t->home);
    bad += check(vt, t, "subscriptions");
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, focused(t->modify));
    bad += check(vt, t, "subscription_options");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, t->modify);
    bad += check(vt, t, "modify");
    vt_send(vt, "e");
    E2E_SEE(vt, t->tiers);
    bad += check(vt, t, "modify_tiers");
    vt_key(vt, VT_DOWN);
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, t->tiers);
    E2E_SEE(vt, t->total_due);
    bad += check(vt, t, "order_summary");

    vt_send(vt, "?");
    E2E_SEE(vt, t->help);
    bad += check(vt, t, "help");
    vt_key(vt, VT_ESC);
    E2E_SEE(vt, t->total_due);

    assert_true(e2e_press_until(vt, VT_TAB, focused(t->complete), 6));
    bad += check(vt, t, "order_summary_action");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, t->review);
    bad += check(vt, t, "review");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, t->payment);
    bad += check(vt, t, "payment");
    /* the new-card form */
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ (•)", 8));
    vt_key(vt, VT_RIGHT);
    E2E_SEE(vt, "▸ ( )");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "[_ ");
    vt_send(vt, "4242424242424242");
    E2E_SEE(vt, "•••• •••• •••• 4242");
    bad += check(vt, t, "payment_new_card");
    assert_true(e2e_press_until(vt, VT_UP, "▸ ( )", 8));
    vt_key(vt, VT_LEFT);
    assert_true(e2e_press_until(vt, VT_TAB, focused(t->place), 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, t->confirm);
    bad += check(vt, t, "confirmation");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, t->home);
    bad += check(vt, t, "subscriptions_after");
    vt_send(vt, "s");
    E2E_TITLE(vt, t->seats);
    bad += check(vt, t, "manage_seats");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, t->home);
    vt_send(vt, "h");
    E2E_TITLE(vt, t->history);
    bad += check(vt, t, "order_history");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, t->home);

    /* the cart: GoToWebinar one more seat, added through the secondary action */
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 4));
    vt_send(vt, "e");
    E2E_TITLE(vt, t->modify);
    vt_send(vt, "+");
    E2E_SEE(vt, "- 3 +");
    assert_true(e2e_press_until(vt, VT_TAB, focused(t->add_to_cart), 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, t->cart);
    bad += check(vt, t, "cart");
    /* with the cart holding an item, Add to cart is the primary action */
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, t->home);
    assert_true(e2e_press_until(vt, VT_UP, "▸ GoToMeeting", 4));
    vt_send(vt, "e");
    E2E_TITLE(vt, t->modify);
    E2E_SEE(vt, t->add_to_cart);
    bad += check(vt, t, "modify_cart_not_empty");

    /* too small */
    assert_true(vt_resize(vt, 10, 40));
    E2E_SEE(vt, t->enlarge);
    bad += check(vt, t, "enlarge");
    assert_true(vt_resize(vt, 24, 80));
    E2E_TITLE(vt, t->modify);

    /* a downgrade on another account: Customer Care's contacts */
    vt_send(vt, "/");
    E2E_TITLE(vt, t->search);
    for (int i = 0; i < 10 && !vt_has_text(vt, "[_ "); i++) {
        vt_key(vt, VT_BACKSPACE);
        vt_wait_quiet(vt, 50 * e2e_slow, E2E_WAIT);
    }
    assert_true(e2e_open_account(vt, 3, "Müller Technik GmbH"));
    vt_send(vt, "e");
    E2E_TITLE(vt, t->modify);
    vt_send(vt, "e");
    E2E_SEE(vt, t->tiers);
    vt_key(vt, VT_UP);
    E2E_SEE(vt, "▸ Professional");
    bad += check(vt, t, "modify_downgrade");

    if (bad)
        fprintf(stderr, "%d %s golden screen(s) differ\n", bad, t->lang);
    assert_int_equal(bad, 0);
}

/* Kiosk: the Sign in screen, and the account as a view-only contact sees it. */
static void kiosk_walk(struct e2e_case *c, const struct titles *t, const char *sign_in)
{
    int bad = 0;
    const char *extra[] = {"--kiosk", NULL};
    struct vt *vt = c->vt = e2e_ui(&c->env, t->lang, extra, NULL, 24, 80);
    assert_non_null(vt);
    E2E_TITLE(vt, sign_in);
    E2E_SEE(vt, "[_ ");
    bad += check(vt, t, "kiosk_sign_in");
    vt_send(vt, "luca.bianchi@example.it");
    vt_key(vt, VT_TAB);
    vt_send(vt, "1234");
    E2E_SEE(vt, "[••••_");
    bad += check(vt, t, "kiosk_sign_in_filled");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, t->home);
    bad += check(vt, t, "kiosk_view_only");
    if (bad)
        fprintf(stderr, "%d %s kiosk golden screen(s) differ\n", bad, t->lang);
    assert_int_equal(bad, 0);
}

static void test_golden_kiosk_en(void **state)
{
    kiosk_walk(*state, &en, "Sign in");
}

static void test_golden_kiosk_it(void **state)
{
    kiosk_walk(*state, &it, "Accedi");
}

static void test_golden_en(void **state)
{
    walk(*state, &en);
}

static void test_golden_it(void **state)
{
    walk(*state, &it);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_golden_en, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_golden_it, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_golden_kiosk_en, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_golden_kiosk_it, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
