/* e2e_search.c — the operator's first screen (SPEC §2 step 1): type-ahead
 * search by account id, any word of a name or e-mail; results follow every key; Enter
 * opens the highlighted account; `/` comes back to it from anywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "e2e.h"

static void clear(struct vt *vt)
{
    vt_send(vt, "\x15"); /* Ctrl-U */
    E2E_SEE(vt, "[_ ");
}

static void test_type_ahead(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);
    E2E_TITLE(vt, "Find an account");
    E2E_SEE(vt, "[_ ");

    /* by id: exactly that account */
    vt_send(vt, "9");
    E2E_SEE(vt, "Bianchi Studio");
    E2E_NOT_SHOWN(vt, "Rossi Consulting S.r.l.");
    clear(vt);

    /* by name, following each key */
    vt_send(vt, "Müller T");
    E2E_SEE(vt, "Müller Technik GmbH");
    vt_send(vt, "echnik G");
    E2E_SEE(vt, "▸ 3         Müller Technik GmbH");
    clear(vt);

    /* by e-mail of a contact */
    vt_send(vt, "maria.rossi@");
    E2E_SEE(vt, "Rossi Consulting S.r.l.");
    clear(vt);

    /* nothing */
    vt_send(vt, "zzzz-no-such");
    E2E_SEE(vt, "No account matches.");
    clear(vt);

    /* Enter opens the highlighted one; / comes back from a deeper screen */
    vt_send(vt, "Globex");
    E2E_SEE(vt, "Globex Corporation");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");
    E2E_SEE(vt, "Globex Corporation  (account 2, USD)");
    vt_send(vt, "h");
    E2E_TITLE(vt, "Order history");
    vt_send(vt, "/");
    E2E_TITLE(vt, "Find an account");
    clear(vt);
    vt_send(vt, "1");
    E2E_SEE(vt, "Rossi Consulting S.r.l.");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Rossi Consulting S.r.l. #1");
}

/* The README's first steps: `ross` + Enter opens Rossi Consulting (the
 * showcase account 1 before the generated Rossi accounts), and a later word
 * of a name finds it too. */
static void test_words(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = c->vt = e2e_ui(&c->env, "en", NULL, NULL, 24, 80);
    assert_non_null(vt);
    E2E_TITLE(vt, "Find an account");
    E2E_SEE(vt, "[_ ");

    vt_send(vt, "consulting");
    E2E_SEE(vt, "▸ 1         Rossi Consulting S.r.l.");
    E2E_SEE(vt, "Schmidt Consulting");
    clear(vt);

    /* a word of a contact's e-mail */
    vt_send(vt, "hank");
    E2E_SEE(vt, "▸ 2         Globex Corporation");
    clear(vt);

    vt_send(vt, "ross");
    E2E_SEE(vt, "▸ 1         Rossi Consulting S.r.l.");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Rossi Consulting S.r.l. #1");
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_type_ahead, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_words, e2e_case_setup, e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
