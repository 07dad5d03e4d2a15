/* e2e_layout.c — screens laid out for the size they have: the review of a
 * two-item cart at 80x24 keeps Total due and its primary action in view
 * on every page, with no "Plan cost" among the lines that add up; at
 * 120x40 the Payment, review and Modify screens keep their amounts near
 * their labels and the primary action right after the content. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* The first screen row holding `text`, or -1. */
static int row_of(struct vt *vt, const char *text)
{
    char buf[1024];
    for (int r = 0; r < vt_rows(vt); r++) {
        vt_screen_row(vt, r, buf, sizeof buf);
        if (strstr(buf, text) != NULL)
            return r;
    }
    return -1;
}

/* Columns the row holding `text` takes up to its last non-blank cell
 * (characters, not bytes), or -1. */
static int row_width(struct vt *vt, const char *text)
{
    char buf[1024];
    int r = row_of(vt, text);
    if (r < 0)
        return -1;
    vt_screen_row(vt, r, buf, sizeof buf);
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\n'))
        n--;
    int w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)buf[i] & 0xC0) != 0x80)
            w++;
    return w;
}

struct words {
    const char *lang, *choose, *add, *cart, *subs, *modify, *complete, *review, *total,
        *primary, *plan_cost;
};
static const struct words en = {"en", "Choose a plan", "▸ [ Add to cart ]", "Cart",
                                "Subscriptions", "Modify subscription",
                                "▸ [ Complete transaction ]", "Complete transaction", "Total due",
                                "▸ [ Continue to payment ]", "Plan cost"};
static const struct words it = {"it", "Scegli un piano", "▸ [ Aggiungi al carrello ]",
                                "Carrello", "Sottoscrizioni", "Modifica sottoscrizione",
                                "▸ [ Completa la transazione ]", "Completa la transazione",
                                "Totale dovuto", "▸ [ Continua con il pagamento ]",
                                "Costo del piano"};

/* Account 1: GoToMeeting → Business and GoToWebinar 2 → 3 seats in the
 * cart, then its review. */
static struct vt *two_item_review(struct e2e_case *c, const struct words *w)
{
    struct vt *vt = e2e_start_at(c, w->lang, NULL, 1, E2E_AT_MODIFY);
    assert_non_null(vt);
    vt_send(vt, "e");
    E2E_SEE(vt, w->choose);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    assert_true(e2e_press_until(vt, VT_TAB, w->add, 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->cart);
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, w->subs);
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ GoToWebinar", 4));
    vt_send(vt, "e");
    E2E_TITLE(vt, w->modify);
    vt_send(vt, "+");
    E2E_SEE(vt, "- 3 +");
    assert_true(e2e_press_until(vt, VT_TAB, w->add, 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->cart);
    assert_true(e2e_press_until(vt, VT_TAB, w->complete, 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->review);
    return vt;
}

static void review_pages(struct e2e_case *c, const struct words *w)
{
    struct vt *vt = two_item_review(c, w);
    E2E_SEE(vt, "GoToWebinar");
    for (int page = 0; page < 4; page++) {
        E2E_SETTLE(vt);
        assert_true(row_of(vt, w->total) > 0);
        assert_true(row_of(vt, w->primary) > row_of(vt, w->total));
        E2E_NOT_SHOWN(vt, w->plan_cost);
        vt_key(vt, page < 2 ? VT_PAGEDOWN : VT_DOWN);
    }
}

static void test_review_totals_in_view_en(void **state)
{
    review_pages(*state, &en);
}

static void test_review_totals_in_view_it(void **state)
{
    review_pages(*state, &it);
}

/* At 120x40: the review's Total due stays near its label, Payment's Place
 * order follows the form, Modify's action follows the summary. */
static void test_wide_terminal(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = two_item_review(c, &en);
    assert_true(vt_resize(vt, 40, 120));
    assert_true(vt_wait_row_text(vt, 39, "help", E2E_WAIT));
    E2E_SETTLE(vt);
    assert_true(row_width(vt, "Total due") <= 80);
    assert_true(row_of(vt, "▸ [ Continue to payment ]") - row_of(vt, "Total due") <= 3);

    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    E2E_SEE(vt, "Billing country");
    E2E_SETTLE(vt);
    int form = row_of(vt, "Billing country");
    int place = row_of(vt, "[ Place order ]");
    assert_true(form > 0 && place > form && place - form <= 3);

    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Complete transaction");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Cart");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "+");
    E2E_SEE(vt, "Billing period unchanged");
    E2E_SETTLE(vt);
    assert_true(row_width(vt, "New charge") <= 80);
    int period = row_of(vt, "Billing period unchanged");
    /* The selected product is already in the cart: its item is updated. */
    int action = row_of(vt, "[ Update cart item ]");
    assert_true(period > 0 && action > period && action - period <= 3);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_review_totals_in_view_en, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_review_totals_in_view_it, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_wide_terminal, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
