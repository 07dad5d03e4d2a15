/* test_access.c — who may do what, against a real store holding
 * the demo data (today 2026-11-25): kiosk sign-in with yescrypt PINs and
 * its lockout on a clock the test sets, unknown e-mails answered like wrong
 * PINs, the billing contact named to everyone else, one audit row for every
 * attempt, the audit table append-only, operators managed only by admins,
 * and PINs set only by operators who may change things. On the engine
 * $BC_TEST_ENGINE names (testdb.h); every case runs on both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "billing.h"
#include "demo.h"
#include "store_test.h"
#include "payment.h"
#include "testdb.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

#define MARIA "maria.rossi@example.it"
#define LUCA "luca.bianchi@example.it"
#define T0 ((int64_t)1795000000)   /* some instant in 2026 */

struct fx {
    char dir[64];
    char path[512];   /* the database's target: a file path or a conninfo */
    struct store *store;
    struct catalog *catalog;
    struct payment_processor *processor;
    struct billing b;
};

static void as_operator(struct billing *b, const char *name, enum store_operator_role role)
{
    memset(&b->actor, 0, sizeof b->actor);
    b->actor.kind = BILLING_ACTOR_OPERATOR;
    snprintf(b->actor.name, sizeof b->actor.name, "%s", name);
    b->actor.op_role = role;
    snprintf(b->actor.origin, sizeof b->actor.origin, "local");
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[512];

    if (!f)
        return -1;
    *state = f;
    unsetenv("SSH_CLIENT");
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-test-access-XXXXXX");
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
    f->processor = payment_test_create(f->store);
    f->b.store = f->store;
    f->b.catalog = f->catalog;
    f->b.processor = f->processor;
    f->b.today = today;
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    DIR *d;
    struct dirent *e;
    char p[512];

    payment_destroy(f->processor);
    store_close(f->store);
    catalog_destroy(f->catalog);
    if (!testdb_drop(f->path))
        fprintf(stderr, "# %s\n", testdb_error());
    d = opendir(f->dir);
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

/* ---------------------------------------------------------------- helpers */

struct audit_probe {
    int n;
    char actor[300], origin[128], action[64], result[64], before[1024], after[1024];
    int64_t account_id;
};

static bool audit_cb(void *ctx, const struct store_audit_entry *e)
{
    struct audit_probe *p = ctx;

    p->n++;
    snprintf(p->actor, sizeof p->actor, "%s", e->actor ? e->actor : "");
    snprintf(p->origin, sizeof p->origin, "%s", e->origin ? e->origin : "");
    snprintf(p->action, sizeof p->action, "%s", e->action ? e->action : "");
    snprintf(p->result, sizeof p->result, "%s", e->result ? e->result : "");
    snprintf(p->before, sizeof p->before, "%s", e->before ? e->before : "");
    snprintf(p->after, sizeof p->after, "%s", e->after ? e->after : "");
    p->account_id = e->account_id;
    return true;
}

/* Number of audit rows; *last gets the newest. */
static int audit_rows(struct fx *f, struct audit_probe *last)
{
    struct audit_probe p;

    memset(&p, 0, sizeof p);
    assert_int_equal(store_audit_each(f->store, 0, 0, audit_cb, &p), BC_OK);
    if (last)
        *last = p;
    return p.n;
}

static struct store_contact contact(struct fx *f, const char *email)
{
    struct store_contact c;

    assert_int_equal(store_contact_by_email(f->store, email, &c), BC_OK);
    return c;
}

static int64_t sub_id(struct fx *f, int64_t account, const char *product)
{
    struct store_subscription_list l = {0};
    int64_t id = 0;

    assert_int_equal(store_subscriptions(f->store, account, &l), BC_OK);
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].product, product) == 0)
            id = l.items[i].id;
    store_subscription_list_clear(&l);
    assert_true(id > 0);
    return id;
}

static struct billing_change change(struct fx *f, int64_t account, const char *product,
                                    const char *plan, int seats, enum bc_period period)
{
    struct billing_change c;

    memset(&c, 0, sizeof c);
    c.subscription_id = sub_id(f, account, product);
    snprintf(c.product, sizeof c.product, "%s", product);
    snprintf(c.to_plan, sizeof c.to_plan, "%s", plan);
    c.to_seats = seats;
    c.to_period = period;
    return c;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---------------------------------------------------------------- PINs */

static void pin_rules_and_hashes(void **state)
{
    (void)state;
    char h1[ACCESS_PIN_HASH_SIZE], h2[ACCESS_PIN_HASH_SIZE], tiny[16];
    unsigned char buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    assert_true(access_pin_valid("1234"));
    assert_true(access_pin_valid("123456789012"));
    assert_false(access_pin_valid("123"));
    assert_false(access_pin_valid("1234567890123"));
    assert_false(access_pin_valid("12a4"));
    assert_false(access_pin_valid(" 1234"));
    assert_false(access_pin_valid(""));
    assert_false(access_pin_valid(NULL));

    assert_int_equal(access_pin_hash("4321", h1, sizeof h1), BC_OK);
    assert_int_equal(access_pin_hash("4321", h2, sizeof h2), BC_OK);
    assert_memory_equal(h1, "$y$", 3);
    assert_null(strstr(h1, "4321"));
    assert_string_not_equal(h1, h2);   /* a fresh salt each time */
    assert_int_equal(access_pin_hash("12", h1, sizeof h1), BC_INVALID_ARGUMENT);
    assert_int_equal(access_pin_hash("4321", tiny, sizeof tiny), BC_INVALID_ARGUMENT);

    assert_true(access_wipe(buf, sizeof buf));
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0);
    assert_true(access_wipe(NULL, 0));
    assert_false(access_wipe(NULL, 4));
}

/* ---------------------------------------------------------------- sign-in */

static void sign_in_fills_a_contact_actor(void **state)
{
    struct fx *f = *state;
    struct billing_actor a;
    struct store_contact c = contact(f, MARIA);

    setenv("SSH_CLIENT", "198.51.100.4 40000 22", 1);
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0, &a), BC_OK);
    unsetenv("SSH_CLIENT");
    assert_int_equal(a.kind, BILLING_ACTOR_CONTACT);
    assert_int_equal(a.contact_id, c.id);
    assert_string_equal(a.name, MARIA);
    assert_string_equal(a.origin, "198.51.100.4 40000 22");
    store_contact_clear(&c);

    /* Without SSH_CLIENT the origin is the kiosk; e-mails match in any case. */
    assert_int_equal(access_sign_in(f->store, "Maria.Rossi@Example.IT", "1234", T0, &a), BC_OK);
    assert_string_equal(a.origin, "kiosk");
}

/* The failure count and lock kept for an e-mail (as the store keys it). */
static void lock_state(struct fx *f, const char *key, int want_failures, int64_t want_until)
{
    int failures = -1;
    int64_t until = -1;

    assert_int_equal(store_sign_in_get(f->store, key, &failures, &until), BC_OK);
    assert_int_equal(failures, want_failures);
    assert_int_equal(until, want_until);
}

static void lockout_after_five_failures_and_release_after_15_minutes(void **state)
{
    struct fx *f = *state;
    struct billing_actor a;
    struct store_contact c;
    int64_t t5 = T0 + 40;

    for (int i = 0; i < 4; i++)
        assert_int_equal(access_sign_in(f->store, MARIA, "0000", T0 + 10 * i, &a), BC_SIGN_IN_FAILED);
    lock_state(f, MARIA, 4, 0);

    /* The 5th failure itself says locked, and locks for 900 s from that moment. */
    assert_int_equal(access_sign_in(f->store, MARIA, "9999", t5, &a), BC_LOCKED);
    assert_int_equal(a.contact_id, 0);
    lock_state(f, MARIA, 5, t5 + 900);
    /* The contact's own columns are no longer used (schema v2). */
    c = contact(f, MARIA);
    assert_int_equal(c.failed_attempts, 0);
    assert_int_equal(c.locked_until, 0);
    store_contact_clear(&c);

    /* Locked: even the right PIN fails, and trying does not extend the lock. */
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", t5 + 1, &a), BC_LOCKED);
    assert_int_equal(a.contact_id, 0);
    assert_int_equal(access_sign_in(f->store, MARIA, "0000", t5 + 500, &a), BC_LOCKED);
    assert_int_equal(access_sign_in(f->store, " Maria.Rossi@EXAMPLE.it ", "1234", t5 + 899, &a),
                     BC_LOCKED);
    lock_state(f, MARIA, 5, t5 + 900);

    /* Another contact is not affected. */
    assert_int_equal(access_sign_in(f->store, LUCA, "1234", t5 + 2, &a), BC_OK);

    /* 15 minutes after the 5th failure the right PIN works and resets the count. */
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", t5 + 900, &a), BC_OK);
    lock_state(f, MARIA, 0, 0);
}

static void failure_after_a_lock_ran_out_counts_from_one(void **state)
{
    struct fx *f = *state;
    struct billing_actor a;

    for (int i = 0; i < 4; i++)
        assert_int_equal(access_sign_in(f->store, MARIA, "0000", T0, &a), BC_SIGN_IN_FAILED);
    assert_int_equal(access_sign_in(f->store, MARIA, "0000", T0, &a), BC_LOCKED);
    assert_int_equal(access_sign_in(f->store, MARIA, "0000", T0 + 900, &a), BC_SIGN_IN_FAILED);
    lock_state(f, MARIA, 1, 0);
    /* Four more make five again: locked anew from then. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(access_sign_in(f->store, MARIA, "0000", T0 + 901, &a), BC_SIGN_IN_FAILED);
    assert_int_equal(access_sign_in(f->store, MARIA, "0000", T0 + 902, &a), BC_LOCKED);
    lock_state(f, MARIA, 5, T0 + 902 + 900);
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0 + 1801, &a), BC_LOCKED);
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0 + 1802, &a), BC_OK);
}

/* An e-mail no contact has goes through exactly the same states as a known
 * one with wrong PINs: the same answers, the same actor, the lock on the
 * same attempt, released at the same time, after comparable hashing work. */
static void unknown_and_known_emails_lock_alike(void **state)
{
    struct fx *f = *state;
    const char *nobody = "nobody.here@example.it";
    struct billing_actor known, unknown;
    struct timespec t;
    double t_known = 0, t_unknown = 0;
    enum bc_status s_known, s_unknown;
    const struct { int64_t at; const char *pin; enum bc_status want; } steps[] = {
        {T0, "0000", BC_SIGN_IN_FAILED},     {T0 + 1, "0001", BC_SIGN_IN_FAILED},
        {T0 + 2, "0002", BC_SIGN_IN_FAILED}, {T0 + 3, "0003", BC_SIGN_IN_FAILED},
        {T0 + 4, "0004", BC_LOCKED},         /* the 5th failure */
        {T0 + 5, "1234", BC_LOCKED},         {T0 + 903, "1234", BC_LOCKED},
        {T0 + 904, "0005", BC_SIGN_IN_FAILED},   /* free again, counted from 1 */
    };

    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        memset(&known, 0x55, sizeof known);
        memset(&unknown, 0x55, sizeof unknown);
        clock_gettime(CLOCK_MONOTONIC, &t);
        s_known = access_sign_in(f->store, MARIA, steps[i].pin, steps[i].at, &known);
        t_known += seconds_since(&t);
        clock_gettime(CLOCK_MONOTONIC, &t);
        s_unknown = access_sign_in(f->store, nobody, steps[i].pin, steps[i].at, &unknown);
        t_unknown += seconds_since(&t);
        assert_int_equal(s_known, steps[i].want);
        assert_int_equal(s_unknown, steps[i].want);
        assert_memory_equal(&known, &unknown, sizeof known);
        assert_int_equal(unknown.contact_id, 0);
        assert_string_equal(bc_status_message(s_known), bc_status_message(s_unknown));
    }
    lock_state(f, MARIA, 1, 0);
    lock_state(f, nobody, 1, 0);
    /* Locked or not, each attempt costs a yescrypt hash for both. */
    assert_true(t_unknown > t_known / 3);
    assert_true(t_known > t_unknown / 3);

    /* The typed form does not matter: blanks around it and case are the same e-mail. */
    for (int i = 0; i < 3; i++)
        assert_int_equal(access_sign_in(f->store, "  NoBody.Here@Example.IT\t", "0000", T0 + 905,
                                        &unknown), BC_SIGN_IN_FAILED);
    assert_int_equal(access_sign_in(f->store, nobody, "0000", T0 + 906, &unknown), BC_LOCKED);
    lock_state(f, nobody, 5, T0 + 906 + 900);
    /* ...and a known e-mail typed that way signs in. */
    assert_int_equal(access_sign_in(f->store, "  LUCA.Bianchi@example.it ", "1234", T0, &known),
                     BC_OK);
    assert_string_equal(known.name, LUCA);
}

static void unknown_email_and_wrong_pin_are_told_alike(void **state)
{
    struct fx *f = *state;
    struct billing_actor unknown, wrong, nopin;
    struct timespec t;
    double t_unknown = 0, t_wrong = 0;
    enum bc_status s_unknown, s_wrong, s_nopin;

    memset(&unknown, 0x55, sizeof unknown);
    memset(&wrong, 0x55, sizeof wrong);
    for (int i = 0; i < 3; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        s_unknown = access_sign_in(f->store, "nobody.here@example.it", "1234", T0, &unknown);
        t_unknown += seconds_since(&t);
        clock_gettime(CLOCK_MONOTONIC, &t);
        s_wrong = access_sign_in(f->store, MARIA, "4321", T0, &wrong);
        t_wrong += seconds_since(&t);
        assert_int_equal(s_unknown, BC_SIGN_IN_FAILED);
        assert_int_equal(s_wrong, BC_SIGN_IN_FAILED);
    }
    /* The same answer, the same actor (nobody), the same message. */
    assert_int_equal(s_unknown, s_wrong);
    assert_memory_equal(&unknown, &wrong, sizeof unknown);
    assert_int_equal(unknown.contact_id, 0);
    /* An unknown e-mail costs a yescrypt hash too (none would be ~100x faster). */
    assert_true(t_unknown > t_wrong / 3);
    assert_true(t_wrong > t_unknown / 3);

    /* A contact without a PIN is answered the same way. */
    testdb_exec(f->store, "UPDATE contacts SET pin_hash = NULL WHERE email = '" LUCA "'");
    s_nopin = access_sign_in(f->store, LUCA, "1234", T0, &nopin);
    assert_int_equal(s_nopin, BC_SIGN_IN_FAILED);
    assert_memory_equal(&nopin, &wrong, sizeof nopin);
    lock_state(f, LUCA, 1, 0);     /* counted like any e-mail */
    /* Hard cases do not trip it up. */
    assert_int_equal(access_sign_in(f->store, "", "", T0, &nopin), BC_SIGN_IN_FAILED);
    assert_int_equal(access_sign_in(f->store, NULL, NULL, T0, &nopin), BC_SIGN_IN_FAILED);
}

static void every_sign_in_attempt_is_audited(void **state)
{
    struct fx *f = *state;
    struct billing_actor a;
    struct audit_probe last;
    char long_email[400];
    int rows = audit_rows(f, NULL);

    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0, &a), BC_OK);
    assert_int_equal(audit_rows(f, &last), ++rows);
    assert_string_equal(last.action, "kiosk.sign_in");
    assert_string_equal(last.result, "ok");
    assert_string_equal(last.actor, MARIA);
    assert_string_equal(last.origin, "kiosk");
    assert_int_equal(last.account_id, 1);
    assert_null(strstr(last.before, "1234"));
    assert_null(strstr(last.after, "1234"));

    assert_int_equal(access_sign_in(f->store, "who@example.com", "1234", T0, &a), BC_SIGN_IN_FAILED);
    assert_int_equal(audit_rows(f, &last), ++rows);
    assert_string_equal(last.result, "sign_in_failed");
    assert_string_equal(last.actor, "who@example.com");
    assert_int_equal(last.account_id, 0);

    for (int i = 0; i < 4; i++)
        assert_int_equal(access_sign_in(f->store, LUCA, "0000", T0, &a), BC_SIGN_IN_FAILED);
    rows += 4;
    assert_int_equal(access_sign_in(f->store, LUCA, "0000", T0, &a), BC_LOCKED);
    assert_int_equal(audit_rows(f, &last), ++rows);
    assert_string_equal(last.result, "locked");
    assert_string_equal(last.before, "{\"failed_attempts\":4,\"locked_until\":0}");
    assert_string_equal(last.after, "{\"failed_attempts\":5,\"locked_until\":1795000900}");
    assert_int_equal(access_sign_in(f->store, LUCA, "1234", T0 + 1, &a), BC_LOCKED);
    assert_int_equal(audit_rows(f, &last), ++rows);
    assert_string_equal(last.result, "locked");
    assert_string_equal(last.actor, LUCA);
    assert_string_equal(last.before, last.after);

    /* An unknown e-mail's lock is audited the same way, with no account. */
    for (int i = 0; i < 5; i++)
        access_sign_in(f->store, "who@example.com", "1234", T0 + 2, &a);
    rows += 5;
    assert_int_equal(audit_rows(f, &last), rows);
    assert_string_equal(last.result, "locked");
    assert_string_equal(last.after, "{\"failed_attempts\":5,\"locked_until\":1795000902}");
    assert_int_equal(last.account_id, 0);

    /* What was typed is kept as typed, but at most 254 bytes and no control bytes. */
    memset(long_email, 'x', sizeof long_email - 1);
    long_email[sizeof long_email - 1] = '\0';
    long_email[3] = '\033';
    assert_int_equal(access_sign_in(f->store, long_email, "1234", T0, &a), BC_SIGN_IN_FAILED);
    assert_int_equal(audit_rows(f, &last), ++rows);
    assert_int_equal(strlen(last.actor), 254);
    assert_memory_equal(last.actor, "xxx?xxx", 7);
}

/* ---------------------------------------------------------------- rights */

static void non_billing_contact_is_told_who_the_billing_contact_is(void **state)
{
    struct fx *f = *state;
    struct billing_quote *q = calloc(1, sizeof *q);
    struct billing_result *r = calloc(1, sizeof *r);
    struct billing_change c = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct audit_probe last;
    int rows;

    assert_non_null(q);
    assert_non_null(r);
    /* Luca Bianchi signs in at the kiosk: an admin contact of account 1. */
    assert_int_equal(access_sign_in(f->store, LUCA, "1234", T0, &f->b.actor), BC_OK);

    assert_int_equal(billing_quote_change(&f->b, 1, &c, q), BC_OK);
    assert_int_equal(q->refusal, BC_NOT_BILLING_CONTACT);
    assert_string_equal(q->rights.billing_name, "Maria Rossi");
    assert_string_equal(q->rights.billing_email, MARIA);

    rows = audit_rows(f, NULL);
    assert_int_equal(billing_place(&f->b, 1, &c, "luca-1", -1, NULL, r), BC_NOT_BILLING_CONTACT);
    assert_string_equal(r->quote.rights.billing_name, "Maria Rossi");
    assert_string_equal(r->quote.rights.billing_email, MARIA);
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.result, "not_billing_contact");
    assert_string_equal(last.origin, "kiosk");
    assert_non_null(strstr(last.actor, LUCA));
    assert_int_equal(billing_cart_put(&f->b, 1, &c), BC_NOT_BILLING_CONTACT);
    assert_int_equal(billing_user_add(&f->b, 1, "Eve", "eve@example.it", NULL), BC_NOT_BILLING_CONTACT);
    assert_int_equal(audit_rows(f, NULL), rows + 3);

    /* Maria, the billing contact, may. */
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0, &f->b.actor), BC_OK);
    assert_int_equal(billing_quote_change(&f->b, 1, &c, q), BC_OK);
    assert_int_equal(q->refusal, BC_OK);
    assert_int_equal(q->totals.due, 4100);
    free(q);
    free(r);
}

/* Every change path of billing.h refuses, in the core, each of: a read-only
 * operator, a corporate account, a contact who is not the billing contact;
 * each refusal is one audit row naming why, and nothing changes. */
static void every_change_path_refuses_who_may_not_change(void **state)
{
    struct fx *f = *state;
    struct billing_result *r = calloc(1, sizeof *r);
    struct billing_payment pay = {.card_number = "4242424242424242", .card_expiry = "12/30",
                                  .save_card = true, .vat_number = "IT00743110157"};
    struct store_seat_list seats = {0};
    struct audit_probe last;
    struct {
        const char *who;
        int64_t account;
        enum bc_status want;
    } cases[] = {
        {"readonly", 1, BC_READONLY_OPERATOR},
        {"corporate", 2, BC_CORPORATE_ACCOUNT},
        {"luca", 1, BC_NOT_BILLING_CONTACT},
    };
    int rows;

    assert_non_null(r);
    /* Something in account 1's cart, put there by an operator who may. */
    struct billing_change c1 = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    assert_int_equal(billing_cart_put(&f->b, 1, &c1), BC_OK);
    assert_int_equal(store_seats(f->store, c1.subscription_id, &seats), BC_OK);
    assert_true(seats.n > 0);
    int64_t user = seats.items[0].user_id;
    bool assigned = seats.items[0].assigned;
    store_seat_list_clear(&seats);

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t acct = cases[i].account;
        const char *code = bc_status_code(cases[i].want);
        struct billing_change c = acct == 1 ? c1
            : change(f, 2, "gotomeeting", "enterprise", 60, BC_PERIOD_MONTHLY);
        if (strcmp(cases[i].who, "readonly") == 0)
            as_operator(&f->b, "rob", STORE_OP_READONLY);
        else if (strcmp(cases[i].who, "luca") == 0)
            assert_int_equal(access_sign_in(f->store, LUCA, "1234", T0, &f->b.actor), BC_OK);
        else
            as_operator(&f->b, "alice", STORE_OP_OPERATOR);
        rows = audit_rows(f, NULL);
#define REFUSED(expr, what) do { \
        assert_int_equal((expr), cases[i].want); \
        assert_int_equal(audit_rows(f, &last), ++rows); \
        assert_string_equal(last.action, (what)); \
        assert_string_equal(last.result, code); \
    } while (0)
        REFUSED(billing_cart_put(&f->b, acct, &c), "cart.put");
        REFUSED(billing_cart_remove(&f->b, acct, c.subscription_id), "cart.remove");
        REFUSED(billing_place(&f->b, acct, &c, "refused-one", -1, &pay, r), "order.place");
        REFUSED(billing_place(&f->b, acct, NULL, "refused-cart", -1, &pay, r), "order.place");
        REFUSED(billing_seat_set(&f->b, acct, c.subscription_id, user, !assigned),
                assigned ? "seat.unassign" : "seat.assign");
        REFUSED(billing_user_add(&f->b, acct, "Eve", "eve@example.it", NULL), "user.add");
#undef REFUSED
        assert_int_equal(r->quote.refusal, cases[i].want);
        if (cases[i].want == BC_NOT_BILLING_CONTACT) {
            assert_string_equal(r->quote.rights.billing_name, "Maria Rossi");
            assert_string_equal(r->quote.rights.billing_email, MARIA);
        }
    }

    /* Nothing moved: the cart item, the seat, the users, the card, the VAT. */
    struct store_cart cart = {0};
    struct store_card card;
    struct store_user_list users = {0};
    assert_int_equal(store_cart_get(f->store, 1, &cart), BC_OK);
    assert_int_equal(cart.n, 1);
    store_cart_clear(&cart);
    assert_int_equal(store_seats(f->store, c1.subscription_id, &seats), BC_OK);
    assert_int_equal(seats.items[0].assigned, assigned);
    store_seat_list_clear(&seats);
    assert_int_equal(store_users(f->store, 1, &users), BC_OK);
    for (size_t i = 0; i < users.n; i++)
        assert_string_not_equal(users.items[i].name, "Eve");
    store_user_list_clear(&users);
    memset(&card, 0, sizeof card);
    assert_int_equal(store_card_get(f->store, 1, &card), BC_OK);
    assert_string_equal(card.last4, "4242");
    assert_int_equal(card.exp_year, 2029);
    assert_int_equal(store_card_get(f->store, 2, &card), BC_NOT_FOUND);
    assert_int_equal(store_order_by_key(f->store, "refused-one", &(struct store_order){0}),
                     BC_NOT_FOUND);
    free(r);
}

static void readonly_and_contacts_may_not_reconcile(void **state)
{
    struct fx *f = *state;
    struct audit_probe last;
    int done = -1, back = -1;
    int rows = audit_rows(f, NULL);

    as_operator(&f->b, "rob", STORE_OP_READONLY);
    assert_int_equal(billing_reconcile(&f->b, &done, &back), BC_READONLY_OPERATOR);
    assert_int_equal(done, 0);
    assert_int_equal(back, 0);
    assert_int_equal(audit_rows(f, &last), rows + 1);
    assert_string_equal(last.action, "order.reconcile");
    assert_string_equal(last.result, "readonly_operator");
    assert_string_equal(last.actor, "rob");

    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0, &f->b.actor), BC_OK);
    rows = audit_rows(f, NULL);
    assert_int_not_equal(billing_reconcile(&f->b, &done, &back), BC_OK);
    assert_int_equal(audit_rows(f, NULL), rows + 1);

    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    assert_int_equal(billing_reconcile(&f->b, &done, &back), BC_OK);
}

/* ---------------------------------------------------------------- audit */

static void every_order_refusal_and_failure_leaves_one_audit_row(void **state)
{
    struct fx *f = *state;
    struct billing_change up = change(f, 1, "gotomeeting", "business", 5, BC_PERIOD_MONTHLY);
    struct billing_change down = change(f, 1, "gotowebinar", "lite", 2, BC_PERIOD_ANNUAL);
    struct billing_payment declined = {.card_number = "4000 0000 0000 0002", .card_expiry = "12/30"};
    struct billing_result *r = calloc(1, sizeof *r);
    struct audit_probe last;
    int rows = audit_rows(f, NULL);

    assert_non_null(r);
#define ONE_ROW(expr, want, code) do { \
        assert_int_equal((expr), (want)); \
        assert_int_equal(audit_rows(f, &last), ++rows); \
        assert_string_equal(last.action, "order.place"); \
        assert_string_equal(last.result, (code)); \
    } while (0)
    /* The billing contact's downgrade is refused (an operator's is placed). */
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0, &f->b.actor), BC_OK);
    rows = audit_rows(f, NULL);
    ONE_ROW(billing_place(&f->b, 1, &down, "k-down", -1, NULL, r), BC_DOWNGRADE_REQUIRES_SUPPORT,
            "downgrade_requires_support");
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    ONE_ROW(billing_place(&f->b, 1, &up, "k-declined", -1, &declined, r), BC_PAYMENT_DECLINED,
            "payment_declined");
    ONE_ROW(billing_place(&f->b, 1, &up, "k-stale", 4000, NULL, r), BC_STALE_QUOTE, "stale_quote");
    as_operator(&f->b, "rob", STORE_OP_READONLY);
    ONE_ROW(billing_place(&f->b, 1, &up, "k-ro", 4100, NULL, r), BC_READONLY_OPERATOR,
            "readonly_operator");
    assert_string_equal(last.actor, "rob");
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    ONE_ROW(billing_place(&f->b, 1, &up, "k-placed", 4100, NULL, r), BC_OK, "ok");
    assert_true(r->order_id > 0);
    assert_string_equal(last.actor, "alice");
    assert_int_equal(last.account_id, 1);
    assert_non_null(strstr(last.before, "\"plan\":\"professional\""));
    assert_non_null(strstr(last.after, "\"plan\":\"business\""));
#undef ONE_ROW
    free(r);
}

static void audit_rows_can_be_neither_changed_nor_deleted(void **state)
{
    struct fx *f = *state;
    struct audit_probe before, after;
    int n;

    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0, &f->b.actor), BC_OK);
    n = audit_rows(f, NULL);
    assert_true(n > 0);
    audit_rows(f, &before);

    assert_int_not_equal(store_exec_for_test(f->store, "UPDATE audit SET result = 'ok'"), BC_OK);
    assert_int_not_equal(store_exec_for_test(f->store, "UPDATE audit SET actor = 'x' WHERE id = 1"),
                         BC_OK);
    assert_int_not_equal(store_exec_for_test(f->store, "DELETE FROM audit"), BC_OK);
    assert_int_not_equal(store_exec_for_test(f->store, "DELETE FROM audit WHERE id = 1"), BC_OK);
    assert_non_null(strstr(store_errmsg(f->store), "append-only"));

    assert_int_equal(audit_rows(f, NULL), n);
    audit_rows(f, &after);
    assert_string_equal(after.actor, before.actor);
    assert_string_equal(after.result, before.result);
    /* Appending still works. */
    assert_int_equal(access_sign_in(f->store, MARIA, "0000", T0, &f->b.actor), BC_SIGN_IN_FAILED);
    assert_int_equal(audit_rows(f, NULL), n + 1);
}

/* ---------------------------------------------------------------- operators */

static bool is_root(void)
{
    char me[128];
    return access_unix_name(me, sizeof me) && strcmp(me, "root") == 0;
}

static void operators_are_managed_by_admins_only(void **state)
{
    struct fx *f = *state;
    enum store_operator_role role;
    struct billing_actor me;
    struct audit_probe last;
    char name[128];
    int rows;

    assert_true(access_unix_name(name, sizeof name));

    if (testdb_engine() == TESTDB_SQLITE) {
        /* No operator yet: the owner of the file (the test) acts as admin. */
        assert_int_equal(access_admin(f->store, f->path, &me), BC_OK);
        assert_int_equal(me.op_role, STORE_OP_ADMIN);
        assert_int_equal(access_admin(f->store, "/nonexistent/bc.db", &me), BC_UNKNOWN_USER);
    } else {
        /* A PostgreSQL database has no file to own: with no operator yet
         * nobody is its admin, until one is made (as `init` makes its
         * creator). */
        assert_int_equal(access_admin(f->store, f->path, &me), BC_UNKNOWN_USER);
        assert_int_equal(store_operator_put(f->store, name, STORE_OP_ADMIN), BC_OK);
        assert_int_equal(access_admin(f->store, f->path, &me), BC_OK);
    }

    rows = audit_rows(f, NULL);
    assert_int_equal(access_operator_add(f->store, f->path, "daemon", STORE_OP_READONLY), BC_OK);
    assert_int_equal(audit_rows(f, &last), ++rows);
    assert_string_equal(last.action, "operator.add");
    assert_string_equal(last.result, "ok");
    assert_string_equal(last.actor, name);
    assert_string_equal(last.after, "{\"operator\":\"daemon\",\"role\":\"readonly\"}");
    assert_int_equal(store_operator_get(f->store, "daemon", &role), BC_OK);
    assert_int_equal(role, STORE_OP_READONLY);

    /* Not a Unix account: refused, said, audited. */
    assert_int_equal(access_operator_add(f->store, f->path, "no-such-user-x7", STORE_OP_OPERATOR),
                     BC_NOT_FOUND);
    assert_int_equal(audit_rows(f, &last), ++rows);
    assert_string_equal(last.result, "not_found");
    assert_int_equal(store_operator_get(f->store, "no-such-user-x7", &role), BC_NOT_FOUND);

    /* The owner makes himself admin; from then on only admins manage. */
    assert_int_equal(access_operator_add(f->store, f->path, name, STORE_OP_ADMIN), BC_OK);
    assert_int_equal(access_operator_remove(f->store, f->path, name), BC_LAST_ADMIN);
    assert_int_equal(access_operator_add(f->store, f->path, name, STORE_OP_OPERATOR), BC_LAST_ADMIN);
    assert_int_equal(audit_rows(f, &last), rows + 3);
    assert_string_equal(last.result, "last_admin");
    rows += 3;
    assert_int_equal(store_operator_get(f->store, name, &role), BC_OK);
    assert_int_equal(role, STORE_OP_ADMIN);

    /* With a second admin, the first may step down... */
    assert_int_equal(access_operator_add(f->store, f->path, "daemon", STORE_OP_ADMIN), BC_OK);
    assert_int_equal(access_operator_add(f->store, f->path, name, STORE_OP_OPERATOR), BC_OK);
    /* ...and is then refused, though he owns the file (there is an admin). */
    assert_int_equal(access_operator_add(f->store, f->path, "bin", STORE_OP_READONLY), BC_NOT_ADMIN);
    assert_int_equal(audit_rows(f, &last), rows + 3);
    assert_string_equal(last.result, "not_admin");
    assert_int_equal(store_operator_get(f->store, "bin", &role), BC_NOT_FOUND);
    assert_int_equal(access_operator_remove(f->store, f->path, "daemon"), BC_NOT_ADMIN);

    /* Removing: unknown operator, then a real one. */
    assert_int_equal(store_operator_put(f->store, name, STORE_OP_ADMIN), BC_OK);
    assert_int_equal(access_operator_remove(f->store, f->path, "bin"), BC_NOT_FOUND);
    assert_int_equal(access_operator_remove(f->store, f->path, "daemon"), BC_OK);
    assert_int_equal(audit_rows(f, &last), rows + 6);
    assert_string_equal(last.action, "operator.remove");
    assert_string_equal(last.before, "{\"operator\":\"daemon\",\"role\":\"admin\"}");
    assert_int_equal(store_operator_get(f->store, "daemon", &role), BC_NOT_FOUND);
}

static void pins_are_set_by_operators_who_may_change_things(void **state)
{
    struct fx *f = *state;
    struct store_contact before = contact(f, MARIA), after;
    struct billing_actor a;
    struct audit_probe last;
    int rows = audit_rows(f, NULL);

    /* Read-only: refused before the PIN is even looked at, and recorded. */
    as_operator(&f->b, "rob", STORE_OP_READONLY);
    assert_int_equal(access_may_set_pin(&f->b.actor), BC_READONLY_OPERATOR);
    assert_int_equal(access_contact_set_pin(f->store, &f->b.actor, before.id, NULL),
                     BC_READONLY_OPERATOR);
    assert_int_equal(access_contact_set_pin(f->store, &f->b.actor, before.id, "5678"),
                     BC_READONLY_OPERATOR);
    assert_int_equal(audit_rows(f, &last), rows + 2);
    assert_string_equal(last.action, "contact.set_pin");
    assert_string_equal(last.result, "readonly_operator");
    after = contact(f, MARIA);
    assert_string_equal(after.pin_hash, before.pin_hash);
    store_contact_clear(&after);

    /* A signed-in contact sets no PINs. */
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0, &a), BC_OK);
    assert_int_equal(access_contact_set_pin(f->store, &a, before.id, "5678"), BC_NOT_ADMIN);

    /* An operator: bad PINs refused, a good one hashed; the lock is lifted. */
    for (int i = 0; i < 5; i++)
        access_sign_in(f->store, MARIA, "0000", T0, &a);
    lock_state(f, MARIA, 5, T0 + 900);
    as_operator(&f->b, "alice", STORE_OP_OPERATOR);
    rows = audit_rows(f, NULL);
    assert_int_equal(access_contact_set_pin(f->store, &f->b.actor, before.id, "12"), BC_INVALID_ARGUMENT);
    assert_int_equal(access_contact_set_pin(f->store, &f->b.actor, before.id, "12x4"), BC_INVALID_ARGUMENT);
    assert_int_equal(access_contact_set_pin(f->store, &f->b.actor, 999999, "5678"), BC_NOT_FOUND);
    assert_int_equal(access_contact_set_pin(f->store, &f->b.actor, before.id, "5678"), BC_OK);
    assert_int_equal(audit_rows(f, &last), rows + 4);
    assert_string_equal(last.result, "ok");
    assert_string_equal(last.actor, "alice");
    assert_int_equal(last.account_id, 1);
    assert_null(strstr(last.after, "5678"));
    assert_null(strstr(last.after, "$y$"));
    after = contact(f, MARIA);
    assert_memory_equal(after.pin_hash, "$y$", 3);
    assert_string_not_equal(after.pin_hash, before.pin_hash);
    store_contact_clear(&after);
    lock_state(f, MARIA, 0, 0);    /* the e-mail's lock is lifted */
    assert_int_equal(access_sign_in(f->store, MARIA, "1234", T0 + 1, &a), BC_SIGN_IN_FAILED);
    assert_int_equal(access_sign_in(f->store, MARIA, "5678", T0 + 2, &a), BC_OK);
    store_contact_clear(&before);
}

/* `--root`: the cases that need root (the system accounts they manage),
 * run as their own meson test, which reports SKIP (exit 77) when not root;
 * without it, every other case. */
int main(int argc, char **argv)
{
    const struct CMUnitTest root_tests[] = {
        cmocka_unit_test_setup_teardown(operators_are_managed_by_admins_only, setup, teardown),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pin_rules_and_hashes),
        cmocka_unit_test_setup_teardown(sign_in_fills_a_contact_actor, setup, teardown),
        cmocka_unit_test_setup_teardown(lockout_after_five_failures_and_release_after_15_minutes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(failure_after_a_lock_ran_out_counts_from_one, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_and_known_emails_lock_alike, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_email_and_wrong_pin_are_told_alike, setup, teardown),
        cmocka_unit_test_setup_teardown(every_sign_in_attempt_is_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(non_billing_contact_is_told_who_the_billing_contact_is,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(every_change_path_refuses_who_may_not_change, setup, teardown),
        cmocka_unit_test_setup_teardown(readonly_and_contacts_may_not_reconcile, setup, teardown),
        cmocka_unit_test_setup_teardown(every_order_refusal_and_failure_leaves_one_audit_row,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(audit_rows_can_be_neither_changed_nor_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(pins_are_set_by_operators_who_may_change_things, setup,
                                        teardown),
    };
    if (argc > 1 && strcmp(argv[1], "--root") == 0) {
        if (!is_root()) {
            printf("SKIP: operator add/remove of system accounts needs root\n");
            return 77;
        }
        return cmocka_run_group_tests(root_tests, NULL, NULL);
    }
    return testdb_run_cases("access", tests, sizeof tests / sizeof tests[0], NULL, 0, NULL, NULL);
}
