/* e2e_preview.c — the Order Summary of an item added to a cart that holds
 * other items: the credit balance is applied once, at checkout, across the
 * cart (SPEC §3), so the summary shows the balance left after the cart's
 * items and the cart's Total due with this item — the figure the cart's
 * checkout then charges — and never applies the balance a second time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* The amount after `label` on its screen row into out. */
static bool row_amount(struct vt *vt, const char *label, char *out, size_t size)
{
    const char *s = e2e_screen(vt);
    const char *p = strstr(s, label);
    if (p == NULL)
        return false;
    const char *eol = strchr(p, '\n');
    if (eol == NULL)
        eol = p + strlen(p);
    const char *end = eol;
    while (end > p && end[-1] == ' ')
        end--;
    const char *start = p + strlen(label);
    while (start < end && *start == ' ')
        start++;
    snprintf(out, size, "%.*s", (int)(end - start), start);
    return end > start;
}

static void preview(struct e2e_case *c, bool it)
{
    struct vt *vt = e2e_start_at(c, it ? "it" : "en", NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    /* GoToMeeting → Business into the cart: it takes the whole €20.00 */
    vt_send(vt, "e");
    E2E_SEE(vt, it ? "Scegli un piano" : "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, it ? "41,00 €" : "€41.00");
    assert_true(e2e_press_until(vt, VT_TAB, it ? "▸ [ Aggiungi al carrello ]" : "▸ [ Add to cart ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, it ? "Carrello" : "Cart");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, it ? "Sottoscrizioni" : "Subscriptions");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 4));
    vt_send(vt, "e");
    E2E_TITLE(vt, it ? "Modifica sottoscrizione" : "Modify subscription");
    vt_send(vt, "+");
    E2E_SEE(vt, "- 3 +");

    /* the balance is already taken by the cart's item */
    const char *left = it ? "Saldo a credito rimasto dopo gli articoli del carrello"
                          : "Credit balance left after the cart's items";
    const char *with = it ? "Totale dovuto del carrello con questo articolo"
                          : "Cart's Total due with this item";
    E2E_SEE(vt, with);
    E2E_SETTLE(vt);
    char amount[64], want[64];
    assert_true(row_amount(vt, left, amount, sizeof amount));
    assert_string_equal(amount, it ? "0,00 €" : "€0.00");
    E2E_NOT_SHOWN(vt, it ? "-20,00 €" : "-€20.00");
    assert_true(row_amount(vt, with, want, sizeof want));

    /* the cart's checkout charges exactly that */
    assert_true(e2e_press_until(vt, VT_TAB, it ? "▸ [ Aggiungi al carrello ]" : "▸ [ Add to cart ]", 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, it ? "Carrello" : "Cart");
    assert_true(e2e_press_until(vt, VT_TAB, it ? "▸ [ Completa la transazione ]"
                                               : "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, it ? "Completa la transazione" : "Complete transaction");
    assert_true(e2e_press_until(vt, VT_DOWN, it ? "Totale dovuto" : "Total due", 20));
    E2E_SEE(vt, want);
    E2E_SETTLE(vt);
    assert_true(row_amount(vt, it ? "Totale dovuto" : "Total due", amount, sizeof amount));
    assert_string_equal(amount, want);
}

static void test_balance_once_en(void **state)
{
    preview(*state, false);
}

static void test_balance_once_it(void **state)
{
    preview(*state, true);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_balance_once_en, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_balance_once_it, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
