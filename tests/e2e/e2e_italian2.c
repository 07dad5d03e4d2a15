/* e2e_italian2.c — the Italian screens a new user reads: plan features in
 * Italian from the catalog (numbers written the Italian way), the elided
 * article before a day said with a vowel ("l'11/11/2026"), the history key
 * in the footer of Sottoscrizioni, a trial's price per seat after the trial
 * instead of 0,00 €, Subscribe now titled as itself, and the saved card. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void test_features_in_italian(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "h cronologia");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modifica sottoscrizione");
    vt_send(vt, "e");
    E2E_SEE(vt, "Scegli un piano");
    E2E_SEE(vt, "150 partecipanti, Registrazione delle riunioni");
    E2E_SEE(vt, "3.000 partecipanti");
    E2E_NOT_SHOWN(vt, "participants");
    E2E_NOT_SHOWN(vt, "3,000");
    /* Business: something is due, so Payment follows */
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Scegli un piano");
    E2E_SEE(vt, "41,00 €");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Completa la transazione ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Completa la transazione");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Continua con il pagamento ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Pagamento");
    E2E_SEE(vt, "Carta salvata: Visa che termina con 4242");
    E2E_NOT_SHOWN(vt, "in archivio:");
    /* a payment in progress: quitting asks first */
    vt_send(vt, "q");
    E2E_SEE(vt, "Uscire e perdere questa modifica? s/n");
    vt_send(vt, "s");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_trial_in_italian(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = e2e_start_at(c, "it", NULL, 8, E2E_AT_HOME);
    assert_non_null(vt);
    E2E_SEE(vt, "Prova terminata l'11/11/2026: Sottoscrivi ora per continuare");
    E2E_NOT_SHOWN(vt, "il 11/11");
    E2E_SEE(vt, "h cronologia");
    /* the trial's row: Starter's 89,00 € a month, not 0,00 € */
    char row[512] = "";
    for (int r = 0; r < vt_rows(vt); r++) {
        vt_screen_row(vt, r, row, sizeof row);
        if (strstr(row, "GoToTraining"))
            break;
    }
    assert_non_null(strstr(row, "89,00 €"));
    assert_null(strstr(row, "0,00 €") == row ? row : strstr(row, " 0,00 €"));
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToTraining", 4));
    vt_send(vt, "e");
    E2E_TITLE(vt, "Sottoscrivi ora");
    E2E_SEE(vt, "prova gratuita a postazione");
    E2E_NOT_SHOWN(vt, "Modifica sottoscrizione");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_features_in_italian, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_trial_in_italian, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
