/* test_view.c — the core's kiosk session and the screens' read façade on
 * the demo data: billing_sign_in verifies e-mail and PIN and sets the actor
 * (nothing else does), billing_sign_out forgets it, a contact reads only its
 * own account, only operators search accounts, and the clear functions
 * leave zeroed views. The shipped clock ignores the test hook. On the
 * engine $BC_TEST_ENGINE names (testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "billing.h"
#include "demo.h"
#include "payment.h"
#include "session.h"
#include "testdb.h"
#include "view.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

#define MARIA "maria.rossi@example.it"   /* billing contact of account 1, PIN 1234 */

struct fx {
    char dir[64];
    char path[512];   /* the database's target: a file path or a conninfo */
    struct store *store;
    struct catalog *catalog;
    struct billing b;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[512];
    if (!f)
        return -1;
    *state = f;
    unsetenv("SSH_CLIENT");
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-test-view-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    if (!testdb_fresh_in(f->dir, "bc.db", f->path, sizeof f->path)) {
        fprintf(stderr, "%s\n", testdb_error());
        return -1;
    }
    if (store_open(f->path, STORE_OPEN_CREATE, &f->store) != BC_OK)
        return -1;
    f->catalog = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    if (!f->catalog) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    bc_day today = date_from_civil(2026, 11, 25);
    if (demo_generate(f->store, f->catalog, today, 20, NULL, NULL) != BC_OK)
        return -1;
    f->b.store = f->store;
    f->b.catalog = f->catalog;
    f->b.today = today;
    access_kiosk(&f->b.actor);
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[512];
    store_close(f->store);
    catalog_destroy(f->catalog);
    if (!testdb_drop(f->path))
        fprintf(stderr, "# %s\n", testdb_error());
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void test_sign_in_sets_the_actor(void **state)
{
    struct fx *f = *state;
    int64_t account = -1;
    assert_false(billing_signed_in(&f->b));
    assert_int_equal(billing_sign_in(&f->b, MARIA, "1234", &account), BC_OK);
    assert_int_equal(account, 1);
    assert_true(billing_signed_in(&f->b));
    assert_int_equal(f->b.actor.kind, BILLING_ACTOR_CONTACT);
    assert_true(f->b.actor.contact_id != 0);
    assert_string_equal(f->b.actor.name, MARIA);
    int64_t own = 0;
    assert_int_equal(billing_actor_account(&f->b, &own), BC_OK);
    assert_int_equal(own, 1);

    billing_sign_out(&f->b);
    assert_false(billing_signed_in(&f->b));
    assert_int_equal(f->b.actor.kind, BILLING_ACTOR_CONTACT);
    assert_int_equal(f->b.actor.contact_id, 0);
    assert_string_equal(f->b.actor.name, "");
    assert_int_equal(billing_actor_account(&f->b, &own), BC_NOT_FOUND);
}

static void test_wrong_pin_signs_nobody_in(void **state)
{
    struct fx *f = *state;
    int64_t account = -1;
    assert_int_equal(billing_sign_in(&f->b, MARIA, "9999", &account), BC_SIGN_IN_FAILED);
    assert_int_equal(account, 0);
    assert_false(billing_signed_in(&f->b));
    /* a failure after a sign-in signs the last person out */
    assert_int_equal(billing_sign_in(&f->b, MARIA, "1234", &account), BC_OK);
    assert_int_equal(billing_sign_in(&f->b, MARIA, "0000", &account), BC_SIGN_IN_FAILED);
    assert_false(billing_signed_in(&f->b));
}

static void test_contact_reads_only_its_account(void **state)
{
    struct fx *f = *state;
    int64_t account = 0;
    assert_int_equal(billing_sign_in(&f->b, MARIA, "1234", &account), BC_OK);

    struct view_account v;
    memset(&v, 0, sizeof v);
    assert_int_equal(view_account_load(&f->b, 1, &v), BC_OK);
    assert_int_equal(v.acct.id, 1);
    assert_string_equal(v.acct.name, "Rossi Consulting S.r.l.");
    assert_int_equal(v.rights.may_change, BC_OK);
    assert_string_equal(v.billing_email, MARIA);
    assert_true(v.subs.n > 0);
    view_account_clear(&v);
    assert_null(v.acct.name);
    assert_null(v.subs.items);
    assert_int_equal(v.billing_email[0], '\0');

    assert_int_equal(view_account_load(&f->b, 2, &v), BC_NOT_FOUND);
    struct store_cart cart;
    assert_int_equal(view_cart(&f->b, 2, &cart), BC_NOT_FOUND);
    struct store_order_list orders;
    assert_int_equal(view_history(&f->b, 2, &orders), BC_NOT_FOUND);
    struct store_card card;
    assert_int_equal(view_card_on_file(&f->b, 2, &card), BC_NOT_FOUND);
    struct store_account_list found;
    assert_int_equal(view_account_search(&f->b, "Rossi", 10, &found), BC_NOT_FOUND);
    assert_int_equal(found.n, 0);

    /* signed out: not even its own */
    billing_sign_out(&f->b);
    assert_int_equal(view_account_load(&f->b, 1, &v), BC_NOT_FOUND);
}

static void test_operator_reads_and_searches(void **state)
{
    struct fx *f = *state;
    memset(&f->b.actor, 0, sizeof f->b.actor);
    f->b.actor.kind = BILLING_ACTOR_OPERATOR;
    snprintf(f->b.actor.name, sizeof f->b.actor.name, "alice");
    f->b.actor.op_role = STORE_OP_OPERATOR;

    struct store_account_list found;
    assert_int_equal(view_account_search(&f->b, "Rossi", 10, &found), BC_OK);
    assert_true(found.n >= 1);
    assert_string_equal(found.items[0].name, "Rossi Consulting S.r.l.");
    view_account_search_clear(&found);
    assert_int_equal(found.n, 0);
    assert_null(found.items);

    struct view_account v;
    memset(&v, 0, sizeof v);
    assert_int_equal(view_account_load(&f->b, 2, &v), BC_OK);
    assert_int_equal(v.acct.id, 2);
    /* a second load into the same view replaces the first */
    assert_int_equal(view_account_load(&f->b, 1, &v), BC_OK);
    assert_int_equal(v.acct.id, 1);
    assert_true(v.subs.n > 0);

    struct store_seat_list seats;
    assert_int_equal(view_seats(&f->b, v.subs.items[0].id, &seats), BC_OK);
    assert_true(seats.n > 0);
    view_seats_clear(&seats);
    assert_int_equal(seats.n, 0);
    view_account_clear(&v);
    view_account_clear(&v);   /* twice is fine */
}

/* SPEC §8 "States": the account view carries each subscription's next
 * renewal and its estimate (catalog price today × seats, VAT, before the
 * balance), figured once by the core when the account is loaded. */
static void test_account_view_renewal_estimates(void **state)
{
    struct fx *f = *state;
    memset(&f->b.actor, 0, sizeof f->b.actor);
    f->b.actor.kind = BILLING_ACTOR_OPERATOR;
    snprintf(f->b.actor.name, sizeof f->b.actor.name, "alice");
    f->b.actor.op_role = STORE_OP_OPERATOR;
    bc_day today = f->b.today;
    /* The lifecycle showcase after the 20 demo accounts: 21 past due, 22
     * suspended, 23 pending cancellation, 24 scheduled downgrade, 25 trial. */
    assert_int_equal(demo_lifecycle(f->store, f->catalog, today), BC_OK);

    struct view_account v;
    memset(&v, 0, sizeof v);
    assert_int_equal(view_account_load(&f->b, 1, &v), BC_OK);
    assert_int_equal(v.subs.n, 2);
    assert_non_null(v.renewals);
    /* Rossi (IT, Italian partita IVA: 22%, a domestic sale): GoToMeeting
     * Professional 5 × 12.00 monthly = 60.00 + 13.20 VAT = 73.20, its
     * 20.00 credit balance not taken off. */
    assert_string_equal(v.subs.items[0].product, "gotomeeting");
    assert_true(v.renewals[0].renews);
    assert_int_equal(v.renewals[0].on, date_from_civil(2026, 12, 10));
    assert_string_equal(v.renewals[0].terms.plan, "professional");
    assert_int_equal(v.renewals[0].terms.seats, 5);
    assert_int_equal(v.renewals[0].subtotal, 6000);
    assert_int_equal(v.renewals[0].tax, 1320);
    assert_int_equal(v.renewals[0].total, 7320);
    /* GoToWebinar Standard 2 × 948.00 annual = 1,896.00 + 417.12 VAT. */
    assert_string_equal(v.subs.items[1].product, "gotowebinar");
    assert_true(v.renewals[1].renews);
    assert_int_equal(v.renewals[1].on, date_from_civil(2027, 8, 17));
    assert_int_equal(v.renewals[1].total, 231312);

    /* Past due: the unpaid renewal at P1, 2 × 12.00 + 22%. */
    assert_int_equal(view_account_load(&f->b, 21, &v), BC_OK);
    assert_true(v.renewals[0].renews);
    assert_int_equal(v.renewals[0].on, today - 2);
    assert_int_equal(v.renewals[0].total, 2928);
    /* Suspended and pending cancellation: no renewal, nothing estimated. */
    assert_int_equal(view_account_load(&f->b, 22, &v), BC_OK);
    assert_false(v.renewals[0].renews);
    assert_int_equal(v.renewals[0].total, 0);
    assert_int_equal(view_account_load(&f->b, 23, &v), BC_OK);
    assert_false(v.renewals[0].renews);
    assert_int_equal(v.renewals[0].total, 0);
    /* Scheduled downgrade (IE, no VAT number: 23%): what renews is the
     * change, Lite 2 × 49.00 = 98.00 + 22.54, not Standard's 2 × 99.00. */
    assert_int_equal(view_account_load(&f->b, 24, &v), BC_OK);
    assert_true(v.renewals[0].renews);
    assert_int_equal(v.renewals[0].on, date_from_civil(2026, 12, 13));
    assert_string_equal(v.renewals[0].terms.plan, "lite");
    assert_int_equal(v.renewals[0].subtotal, 9800);
    assert_int_equal(v.renewals[0].total, 12054);
    /* A trial (NL: 21%) converts at the plan's price, 89.00 + 18.69. */
    assert_int_equal(view_account_load(&f->b, 25, &v), BC_OK);
    assert_true(v.renewals[0].renews);
    assert_int_equal(v.renewals[0].on, today + 10);
    assert_int_equal(v.renewals[0].total, 10769);
    view_account_clear(&v);
    assert_null(v.renewals);
}

/* The clock linked into this test is the shipped one (no BC_TEST_HOOKS). */
static void test_shipped_clock_ignores_the_hook(void **state)
{
    (void)state;
    setenv("BILLCENTER_TEST_CLOCK_OFFSET", "100000", 1);
    int64_t before = (int64_t)time(NULL);
    int64_t now = session_clock_now();
    int64_t after = (int64_t)time(NULL);
    unsetenv("BILLCENTER_TEST_CLOCK_OFFSET");
    assert_true(now >= before && now <= after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sign_in_sets_the_actor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_pin_signs_nobody_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contact_reads_only_its_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_reads_and_searches, setup, teardown),
        cmocka_unit_test(test_shipped_clock_ignores_the_hook),
        cmocka_unit_test_setup_teardown(test_account_view_renewal_estimates, setup, teardown),
    };
    return testdb_run_cases("view", tests, sizeof tests / sizeof tests[0], NULL, 0, NULL, NULL);
}
