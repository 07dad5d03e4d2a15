/* e2e_italian.c — the whole flow with --lang it on a machine that has only
 * C.UTF-8 (SPEC §7): the seed's Italian labels, dates as 25/11/2026 and
 * amounts as "1.234,56 €". Rossi Consulting (demo 1) adds a GoToWebinar
 * seat: annual Standard 2 -> 3 seats, credit 1.896,00 x 265/365 = 1.376,55,
 * charge 3 x 948,00 = 2.844,00, VAT 22% per line, balance 20,00 applied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_italian_flow(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);

    E2E_TITLE(vt, "Sottoscrizioni");
    E2E_SEE(vt, "Saldo a credito: 20,00 €");
    E2E_SEE(vt, "Carrello: 0 articoli");
    E2E_SEE(vt, "10/11/2026 → 10/12/2026");
    E2E_SEE(vt, "948,00 €");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 4));

    vt_send(vt, "e");
    E2E_TITLE(vt, "Modifica sottoscrizione");
    E2E_SEE(vt, "[ Modifica ]");
    E2E_SEE(vt, "Riepilogo ordine");
    E2E_SEE(vt, "[ Completa la transazione ]    [ Aggiungi al carrello ]");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 3 +");
    /* one more seat: its share of the year left, the period kept */
    E2E_SEE(vt, "Credito per il periodo non usato  25 nov 2026 – 17 ago 2027");
    E2E_SEE(vt, "-1.376,55 €");
    E2E_SEE(vt, "2.064,82 €");
    E2E_SEE(vt, "Saldo applicato");
    E2E_SEE(vt, "-20,00 €");
    E2E_SEE(vt, "Totale dovuto");
    E2E_SEE(vt, "819,69 €");
    E2E_NOT_SHOWN(vt, "€1");

    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Completa la transazione ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Completa la transazione");
    E2E_SEE(vt, "17/08/2026 → 17/08/2027");
    E2E_SEE(vt, "[ Modifica ordine ]");
    E2E_SEE(vt, "▸ [ Continua con il pagamento ]");
    E2E_SEE(vt, "Totale dovuto");
    E2E_SEE(vt, "819,69 €");
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Pagamento");
    E2E_SEE(vt, "Carta salvata: Visa che termina con 4242");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Effettua ordine ]", 6));
    vt_key(vt, VT_ENTER);

    E2E_TITLE(vt, "Ordine effettuato");
    E2E_SEE(vt, "L'ordine 1 è stato effettuato.");
    E2E_SEE(vt, "819,69 €");
    vt_send(vt, "s");
    E2E_TITLE(vt, "Gestisci postazioni");

    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *acct = e2e_account(&c->env, 1);
    assert_non_null(acct);
    json_t *sub = e2e_subscription(acct, "gotowebinar");
    assert_non_null(sub);
    assert_int_equal(e2e_int(sub, "seats"), 3);
    assert_string_equal(e2e_str(sub, "period"), "annual");
    assert_string_equal(e2e_str(sub, "period_start"), "2026-08-17");
    assert_string_equal(e2e_str(sub, "period_end"), "2027-08-17");
    assert_int_equal(e2e_int(acct, "balance_minor"), 0);
    json_decref(acct);
    json_t *orders = e2e_orders(&c->env, 1);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    assert_int_equal(e2e_int(json_array_get(orders, 0), "due_minor"), 81969);
    json_decref(orders);
}

/* The Italian screens carry no English left over (the seed is Italian). */
static void test_italian_has_no_english_left(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    E2E_SEE(vt, "Riepilogo ordine");
    E2E_SEE(vt, "GoToMeeting: ");
    E2E_SETTLE(vt);
    const char *s = e2e_screen(vt);
    if (strstr(s, "current plan") || strstr(s, " seats")) {
        vt_dump(vt, "English text on an Italian screen");
        fail();
    }
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_italian_flow, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_italian_has_no_english_left, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
