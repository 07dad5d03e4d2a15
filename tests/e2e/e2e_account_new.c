/* e2e_account_new.c — an operator creates a customer from Find an account
 * (Ctrl-N, New account): a field at fault is named on the status line and
 * nothing is written; once every field checks out the new account opens
 * on its Subscriptions screen and `account show --json` holds every field.
 * Then its Billing information is edited and saved only once confirmed.
 * Once in English, once in Italian. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define CTRL_N "\x0e"

/* How many accounts there are, as far as the new one's id tells. */
static int account_count(const struct e2e_case *c)
{
    /* The demo has accounts 1..1000; the next one is 1001. */
    json_t *a = e2e_account(&c->env, 1001);
    int n = a ? 1001 : 1000;
    json_decref(a);
    return n;
}

struct words {
    const char *lang, *search, *title, *name, *vat, *bad_vat_msg, *create, *subs, *created,
        *no_subs, *menu_info, *info_title, *postcode, *bad_postcode_msg, *save, *ask, *saved;
};

static const struct words en = {
    "en", "Find an account", "New account", "▸ Name", "▸ VAT number",
    "VAT number: VAT number 'IT12345678901' is not valid for country IT",
    "▸ [ Create account ]", "Subscriptions", "Account 1001 created.",
    "This account has no subscriptions.", "▸ Billing information", "Billing information",
    "▸ Postcode", "Postcode: postcode '1012': an Italian postcode (CAP) is 5 digits",
    "▸ [ Save ]", "Save the billing information? y/n", "Billing information saved.",
};

static const struct words it = {
    "it", "Trova un account", "Nuovo account", "▸ Nome", "▸ Partita IVA",
    "Partita IVA: la partita IVA 'IT12345678901' non è valida per il paese IT",
    "▸ [ Crea l'account ]", "Sottoscrizioni", "Account 1001 creato.",
    "Questo account non ha sottoscrizioni.", "▸ Dati di fatturazione", "Dati di fatturazione",
    "▸ CAP", "CAP: CAP '1012': un CAP italiano è di 5 cifre",
    "▸ [ Salva ]", "Salvare i dati di fatturazione? s/n", "Dati di fatturazione salvati.",
};

static void create_and_edit(struct e2e_case *c, const struct words *w)
{
    struct vt *vt = c->vt = e2e_ui(&c->env, w->lang, NULL, NULL, 24, 80);
    assert_non_null(vt);
    E2E_TITLE(vt, w->search);
    vt_send(vt, CTRL_N);
    E2E_TITLE(vt, w->title);
    E2E_SEE(vt, w->name);

    /* Name, kind (standard), country, currency (EUR given), VAT number... */
    vt_send(vt, "Bianchi Arredi");
    vt_key(vt, VT_TAB);
    vt_key(vt, VT_TAB);
    vt_send(vt, "it");
    E2E_SEE(vt, "[IT");
    vt_key(vt, VT_TAB);
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, w->vat);
    vt_send(vt, "IT12345678901");
    vt_key(vt, VT_TAB);
    vt_send(vt, "Via Po 3, Torino");
    vt_key(vt, VT_TAB);
    vt_key(vt, VT_TAB);
    vt_send(vt, "ufficio@pec.bianchi.it");
    vt_key(vt, VT_TAB);
    vt_send(vt, "x1y2z3w");
    vt_key(vt, VT_TAB);
    vt_send(vt, "Anna Bianchi");
    vt_key(vt, VT_TAB);
    vt_send(vt, "anna@bianchi.example");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, w->create);
    vt_key(vt, VT_ENTER);
    /* The VAT number's check digit is wrong: named, focused, nothing written. */
    E2E_SEE(vt, w->bad_vat_msg);
    E2E_SEE(vt, w->vat);
    assert_int_equal(account_count(c), 1000);
    vt_send(vt, "\x15");   /* Ctrl-U */
    vt_send(vt, "00743110157");
    E2E_SEE(vt, "[00743110157");
    assert_true(e2e_press_until(vt, VT_TAB, w->create, 8));
    vt_key(vt, VT_ENTER);

    /* The new account opens. */
    E2E_TITLE(vt, w->subs);
    E2E_SEE(vt, "#1001");
    E2E_SEE(vt, w->created);
    E2E_SEE(vt, w->no_subs);
    E2E_SEE(vt, "Anna Bianchi <anna@bianchi.example>");

    json_t *a = e2e_account(&c->env, 1001);
    assert_non_null(a);
    assert_string_equal(e2e_str(a, "name"), "Bianchi Arredi");
    assert_string_equal(e2e_str(a, "kind"), "standard");
    assert_string_equal(e2e_str(a, "country"), "IT");
    assert_string_equal(e2e_str(a, "currency"), "EUR");
    assert_string_equal(e2e_str(a, "vat_number"), "IT00743110157");
    assert_string_equal(e2e_str(a, "address"), "Via Po 3, Torino");
    json_t *p = json_object_get(a, "billing_profile");
    assert_string_equal(e2e_str(p, "pec"), "ufficio@pec.bianchi.it");
    assert_string_equal(e2e_str(p, "sdi_code"), "X1Y2Z3W");
    json_t *bc = json_object_get(a, "billing_contact");
    assert_string_equal(e2e_str(bc, "name"), "Anna Bianchi");
    assert_string_equal(e2e_str(bc, "email"), "anna@bianchi.example");
    assert_int_equal(json_array_size(json_object_get(a, "subscriptions")), 0);
    json_decref(a);

    /* Billing information, from the account's options (o: Enter on the
     * only row, Add product, adds a product). */
    vt_send(vt, "o");
    assert_true(e2e_press_until(vt, VT_DOWN, w->menu_info, 4));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->info_title);
    E2E_SEE(vt, "[Via Po 3, Torino");
    assert_true(e2e_press_until(vt, VT_TAB, w->postcode, 8));
    vt_send(vt, "1012");
    vt_key(vt, VT_TAB);
    vt_send(vt, "Torino");
    assert_true(e2e_press_until(vt, VT_TAB, w->save, 8));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, w->bad_postcode_msg);
    E2E_SEE(vt, w->postcode);
    vt_send(vt, "5");
    assert_true(e2e_press_until(vt, VT_TAB, w->save, 8));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, w->ask);
    /* Not confirmed: nothing written. */
    vt_send(vt, "n");
    E2E_GONE(vt, w->ask);
    a = e2e_account(&c->env, 1001);
    assert_true(json_is_null(json_object_get(json_object_get(a, "billing_profile"), "city")));
    json_decref(a);
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, w->ask);
    vt_send(vt, w->lang[0] == 'i' ? "s" : "y");
    E2E_TITLE(vt, w->subs);
    E2E_SEE(vt, w->saved);

    a = e2e_account(&c->env, 1001);
    p = json_object_get(a, "billing_profile");
    assert_string_equal(e2e_str(p, "postcode"), "10125");
    assert_string_equal(e2e_str(p, "city"), "Torino");
    assert_string_equal(e2e_str(a, "vat_number"), "IT00743110157");
    json_decref(a);
}

static void test_new_account_en(void **state)
{
    create_and_edit(*state, &en);
}

static void test_new_account_it(void **state)
{
    create_and_edit(*state, &it);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_account_en, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_new_account_it, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
