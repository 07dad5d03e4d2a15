/* e2e_seats_footer.c — Manage seats of an account with several products
 * at 80x24: the footer lists every key that works there (move, assign,
 * add, remove, switch product, back), in English and Italian, in UTF-8
 * and in a plain ASCII locale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

struct footer_want {
    const char *lang;
    const char *const *envp;
    const char *keys[8];      /* NULL ends */
};

static void check_footer(struct e2e_case *c, const struct footer_want *w)
{
    struct vt *vt = e2e_start_at(c, w->lang, w->envp, 1, E2E_AT_SEATS);
    assert_non_null(vt);
    E2E_SETTLE(vt);
    char row[1024];
    vt_screen_row(vt, 23, row, sizeof row);
    bool ok = true;
    for (size_t i = 0; w->keys[i] != NULL; i++)
        if (strstr(row, w->keys[i]) == NULL) {
            fprintf(stderr, "footer lacks \"%s\": %s\n", w->keys[i], row);
            ok = false;
        }
    if (!ok)
        vt_dump(vt, "Manage seats footer");
    assert_true(ok);
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_footer_english(void **state)
{
    static const struct footer_want w = {
        "en", NULL, {"\u2191\u2193", "Space assign", "a add", "x remove", "\u2190\u2192 change",
                     "Esc back", "q quit", NULL}};
    check_footer(*state, &w);
}

static void test_footer_italian(void **state)
{
    static const struct footer_want w = {
        "it", NULL, {"\u2191\u2193", "Spazio assegna", "a nuovo", "x rimuovi",
                     "\u2190\u2192 cambia", "Esc indietro", "q esci", NULL}};
    check_footer(*state, &w);
}

static void test_footer_ascii(void **state)
{
    static const char *const env[] = {"LANG=C", NULL};
    static const struct footer_want w = {
        "en", env, {"Up/Dn", "Space assign", "a add", "x remove", "Lt/Rt change", "Esc back",
                    "q quit", NULL}};
    check_footer(*state, &w);
}

static void test_footer_ascii_italian(void **state)
{
    static const char *const env[] = {"LANG=C", NULL};
    static const struct footer_want w = {
        "it", env, {"Up/Dn", "Spazio assegna", "a nuovo", "x rimuovi", "Lt/Rt cambia",
                    "Esc indietro", "q esci", NULL}};
    check_footer(*state, &w);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_footer_english, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_footer_italian, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_footer_ascii, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_footer_ascii_italian, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
