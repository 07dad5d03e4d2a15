/* e2e_payment_method.c — Payment method, from the account's options menu:
 * the card on file shown, a declined test card (4000 0000 0000 0002)
 * refused with its reason on the status line and the card on file as it
 * was, then a new card verified and put on file (brand, last 4, expiry in
 * `account show --json`). Demo account 1 (visa •••• 4242, 12/2029), in
 * English and in Italian. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

struct words {
    const char *lang, *menu, *title, *on_file, *number, *expiry, *save, *declined, *saved,
        *now_on_file;
};

static const struct words en = {
    "en", "▸ Payment method", "Payment method", "Card on file: Visa ending 4242, expires 12/2029",
    "▸ Card number", "▸ Expiry (MM/YY)", "▸ [ Save card ]",
    "The card was declined by the bank. The card on file was not changed.",
    "Saved: Mastercard ending 4444 is the card on file.",
    "Card on file: Mastercard ending 4444, expires 11/2028",
};

static const struct words it = {
    "it", "▸ Metodo di pagamento", "Metodo di pagamento",
    "Carta salvata: Visa che termina con 4242, scade 12/2029", "▸ Numero di carta",
    "▸ Scadenza (MM/AA)", "▸ [ Salva la carta ]",
    "La carta è stata rifiutata dalla banca. La carta registrata non è cambiata.",
    "Salvata: Mastercard che termina con 4444 è la carta registrata.",
    "Carta salvata: Mastercard che termina con 4444, scade 11/2028",
};

/* brand/last4/MM/YYYY of the card on file through the CLI. */
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

static void type_card(struct vt *vt, const struct words *w, const char *number, const char *exp,
                      const char *masked)
{
    assert_true(e2e_press_until(vt, VT_TAB, w->number, 4));
    vt_send(vt, number);
    E2E_SEE(vt, masked);
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, w->expiry);
    vt_send(vt, exp);
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, w->save);
    vt_key(vt, VT_ENTER);
}

static void replace_card(struct e2e_case *c, const struct words *w)
{
    json_t *before = e2e_account(&c->env, 1);
    assert_non_null(before);
    struct vt *vt = e2e_start_at(c, w->lang, NULL, 1, E2E_AT_HOME);
    assert_non_null(vt);
    vt_key(vt, VT_ENTER);
    assert_true(e2e_press_until(vt, VT_DOWN, w->menu, 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->title);
    E2E_SEE(vt, w->on_file);

    /* Declined: the reason on the status line, nothing changed. */
    type_card(vt, w, "4000000000000002", "12/30", "•••• •••• •••• 0002");
    E2E_SEE(vt, w->declined);
    E2E_SEE(vt, w->on_file);
    json_t *after = e2e_account(&c->env, 1);
    assert_non_null(after);
    assert_true(json_equal(before, after));
    json_decref(after);
    json_decref(before);
    assert_card(c, "visa/4242/12/2029");

    /* A good card: verified, on file. The typed digits are gone from the form. */
    type_card(vt, w, "5555555555554444", "11/28", "•••• •••• •••• 4444");
    E2E_SEE(vt, w->saved);
    E2E_SEE(vt, w->now_on_file);
    E2E_NOT_SHOWN(vt, "•••• •••• •••• 4444");
    assert_card(c, "mastercard/4444/11/2028");
}

static void test_payment_method_en(void **state)
{
    replace_card(*state, &en);
}

static void test_payment_method_it(void **state)
{
    replace_card(*state, &it);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_payment_method_en, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_payment_method_it, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
