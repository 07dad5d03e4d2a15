/* e2e_vies.c — the VAT number checked in VIES (SPEC §9, vat.check_command)
 * as the terminal shows it. Schmidt Consulting (demo 10, DE136464502, a
 * reverse-charge customer of the Italian seller) upgrades GoToMeeting to
 * Business (33.60 due) with a catalog whose VIES client is
 * tests/fake_vies.sh: answering valid, the confirmation and Order history
 * show the consultation the reverse charge rests on; answering not valid
 * (in Italian), the Payment screen says so on the status line and nothing
 * is ordered or charged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* plans/ copied into the scenario's directory with a vat section whose
 * check_command runs tests/fake_vies.sh MODE DIR/vies; `env` gets the
 * BILLCENTER_CATALOG=DIR/plans the UI is started with. */
static void vies_catalog(struct e2e_case *c, const char *mode, char *env, size_t size)
{
    char dir[512], script[8192];
    const char *root = SOURCE_ROOT;
    snprintf(dir, sizeof dir, "%s/plans", c->env.dir);
    snprintf(env, size, "BILLCENTER_CATALOG=%s", dir);
    snprintf(script, sizeof script,
             "mkdir -p '%s' '%s/vies' && cp plans/*.yaml '%s/' && "
             "sed -i 's#^vat:$#&\\n  check_command: \"sh %s/tests/fake_vies.sh %s %s/vies\"\\n"
             "  timeout_ms: 2000#' '%s/catalog.yaml' && "
             "grep -q 'check_command: \"sh .*fake_vies.sh %s ' '%s/catalog.yaml'",
             dir, c->env.dir, dir, root, mode, c->env.dir, dir, mode, dir);
    const char *argv[] = {"sh", "-c", script, NULL};
    assert_int_equal(e2e_run(argv, NULL, NULL), 0);
}

/* From Modify subscription (GoToMeeting) of account 10 to its Payment screen for GoToMeeting
 * Business, the card typed in. `it`: the Italian titles. */
static void to_payment(struct vt *vt, bool it)
{
    vt_send(vt, "e");
    E2E_SEE(vt, it ? "Scegli un piano" : "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, it ? "33,60 €" : "€33.60");
    assert_true(e2e_press_until(vt, VT_TAB, it ? "▸ [ Completa la transazione ]"
                                               : "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, it ? "Completa la transazione" : "Complete transaction");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, it ? "Pagamento" : "Payment");
    E2E_SEE(vt, it ? "▸ Numero di carta" : "▸ Card number");
    vt_send(vt, "4242424242424242");
    vt_key(vt, VT_TAB);
    vt_send(vt, "12/30");
    E2E_SEE(vt, "[12/30");
    E2E_SEE(vt, "DE136464502");
}

static void test_vies_valid_shown(void **state)
{
    struct e2e_case *c = *state;
    char env[600];
    vies_catalog(c, "valid", env, sizeof env);
    const char *envp[] = {env, NULL};
    struct vt *vt = e2e_start_at(c, "en", envp, 10, E2E_AT_MODIFY);
    assert_non_null(vt);
    to_payment(vt, false);
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Place order ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Order placed");
    E2E_SEE(vt, "Invoice 2026/000001 issued.");
    E2E_SEE(vt, "VAT number DE136464502: valid in VIES, consultation WAPIAAAAW1");
    E2E_SEE(vt, "€33.60");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "h");
    E2E_TITLE(vt, "Order history");
    E2E_SEE(vt, "VAT number DE136464502: valid in VIES, consultation WAPIAAAAW1");
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *orders = e2e_orders(&c->env, 10);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 1);
    json_t *o = json_array_get(orders, 0);
    assert_int_equal(e2e_int(o, "due_minor"), 3360);
    json_t *v = json_object_get(o, "vat_check");
    assert_string_equal(e2e_str(v, "method"), "vies");
    assert_true(json_is_true(json_object_get(v, "valid")));
    assert_string_equal(e2e_str(v, "vat_number"), "DE136464502");
    assert_string_equal(e2e_str(v, "consultation"), "WAPIAAAAW1");
    json_decref(orders);
}

static void test_vies_rejects_at_payment_it(void **state)
{
    struct e2e_case *c = *state;
    char env[600];
    vies_catalog(c, "invalid", env, sizeof env);
    const char *envp[] = {env, NULL};
    struct vt *vt = e2e_start_at(c, "it", envp, 10, E2E_AT_MODIFY);
    assert_non_null(vt);
    to_payment(vt, true);
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Effettua ordine ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, "Per il VIES questa partita IVA non è valida: non è stato addebitato nulla");
    E2E_SETTLE(vt);
    assert_true(vt_wait_row_text(vt, 0, "Pagamento", E2E_WAIT));
    E2E_NOT_SHOWN(vt, "Ordine effettuato");
    vt_send(vt, "\x11");   /* Ctrl-Q: the typed card would be lost, so it asks */
    E2E_SEE(vt, "Uscire e perdere questa modifica? s/n");
    vt_send(vt, "s");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));

    json_t *orders = e2e_orders(&c->env, 10);
    assert_non_null(orders);
    assert_int_equal(json_array_size(orders), 0);
    json_decref(orders);
    json_t *acct = e2e_account(&c->env, 10);
    assert_non_null(acct);
    assert_string_equal(e2e_str(e2e_subscription(acct, "gotomeeting"), "plan"), "professional");
    assert_string_equal(e2e_str(acct, "vat_number"), "DE136464502");
    json_decref(acct);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_vies_valid_shown, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_vies_rejects_at_payment_it, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
