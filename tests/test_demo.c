/* test_demo.c — the demo data set: showcase accounts exactly as demo.c
 * documents them, sane generated accounts (ledger = balance, periods that
 * hold today, seats within bounds), determinism and speed; and the store's
 * bulk-load path it uses: the same rows and indexes as a plain load, the
 * search still on its indexes, and what the load skipped checking reported
 * at its end. On the engine $BC_TEST_ENGINE names (testdb.h); SQLite-only:
 * the bulk load's reports of what it skipped (foreign keys and CHECKs that
 * SQLite lets it switch off, rows named by rowid), and in the comparison of
 * the two loads, SQLite's schema text, integrity check and search plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <crypt.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "demo.h"
#include "store.h"
#include "store_test.h"
#include "testdb.h"
#include "vat.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

#define MAX_DBS 8

struct fixture {
    char dir[64];
    char names[MAX_DBS][32], targets[MAX_DBS][512];   /* each database a case made */
    int ndbs;
    struct store *store;
    struct catalog *catalog;
    bc_day today;
    int64_t progress_calls, progress_last;
    double seconds;
};

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    struct fixture *f = ctx;
    assert_true(done >= f->progress_last);
    assert_int_equal(total, 1000);
    f->progress_last = done;
    f->progress_calls++;
}

/* The target of the fixture's database `name`, made on first use (a file
 * in the fixture's directory, or a database on the server). */
static const char *target_of(struct fixture *f, const char *name)
{
    for (int i = 0; i < f->ndbs; i++)
        if (strcmp(f->names[i], name) == 0)
            return f->targets[i];
    assert_true(f->ndbs < MAX_DBS);
    snprintf(f->names[f->ndbs], sizeof f->names[0], "%s", name);
    testdb_new_in(f->dir, name, f->targets[f->ndbs], sizeof f->targets[0]);
    return f->targets[f->ndbs++];
}

static struct store *open_store(struct fixture *f, const char *name)
{
    struct store *s = NULL;
    assert_int_equal(store_open(target_of(f, name), STORE_OPEN_CREATE, &s), BC_OK);
    return s;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[512];
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-test-demo-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->catalog = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    if (!f->catalog) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    f->store = open_store(f, "a.db");
    f->today = date_from_civil(2026, 11, 25);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (demo_generate(f->store, f->catalog, f->today, 1000, on_progress, f) != BC_OK)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    f->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    *state = f;
    return 0;
}

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->store);
    catalog_destroy(f->catalog);
    for (int i = 0; i < f->ndbs; i++)
        if (!testdb_drop(f->targets[i]))
            fprintf(stderr, "# %s\n", testdb_error());
    rm_dir(f->dir);
    free(f);
    return 0;
}

static const struct store_subscription *sub_of(const struct store_subscription_list *l, const char *product)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].product, product) == 0)
            return &l->items[i];
    return NULL;
}

static void counts_and_progress(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(store_account_count(f->store), 1000);
    assert_true(f->progress_calls >= 1);
    assert_int_equal(f->progress_last, 1000);
    /* How long it takes is the benchmark's figure (tests/bench/run.sh,
     * "demo database, 1,000 accounts"); the log still says. */
    fprintf(stderr, "# demo_generate(1000): %.3f s\n", f->seconds);
}

static void pin_is_1234(const struct store_contact *c)
{
    assert_non_null(c->pin_hash);
    assert_memory_equal(c->pin_hash, "$y$", 3);
    struct crypt_data *cd = calloc(1, sizeof *cd);
    const char *h = crypt_rn("1234", c->pin_hash, cd, sizeof *cd);
    assert_non_null(h);
    assert_string_equal(h, c->pin_hash);
    h = crypt_rn("1235", c->pin_hash, cd, sizeof *cd);
    assert_true(h == NULL || strcmp(h, c->pin_hash) != 0);
    free(cd);
}

static void showcase_rossi(void **state)
{
    struct fixture *f = *state;
    struct store_account a = {0};
    assert_int_equal(store_account_get(f->store, 1, &a), BC_OK);
    assert_string_equal(a.name, "Rossi Consulting S.r.l.");
    assert_int_equal(a.kind, STORE_ACCOUNT_STANDARD);
    assert_string_equal(a.country, "IT");
    assert_string_equal(a.currency, "EUR");
    assert_string_equal(a.vat_number, "IT00743110157");
    assert_int_equal(a.balance, 2000);

    struct store_contact c = {0};
    assert_int_equal(store_contact_get(f->store, a.billing_contact_id, &c), BC_OK);
    assert_string_equal(c.name, "Maria Rossi");
    assert_string_equal(c.email, "maria.rossi@example.it");
    assert_int_equal(c.role, STORE_ROLE_BILLING);
    pin_is_1234(&c);
    store_contact_clear(&c);
    assert_int_equal(store_contact_by_email(f->store, "luca.bianchi@example.it", &c), BC_OK);
    assert_int_equal(c.account_id, 1);
    assert_int_equal(c.role, STORE_ROLE_ADMIN);
    assert_string_equal(c.name, "Luca Bianchi");
    pin_is_1234(&c);
    store_contact_clear(&c);

    struct store_user_list users = {0};
    assert_int_equal(store_users(f->store, 1, &users), BC_OK);
    assert_int_equal(users.n, 6);
    store_user_list_clear(&users);

    struct store_subscription_list subs = {0};
    assert_int_equal(store_subscriptions(f->store, 1, &subs), BC_OK);
    assert_int_equal(subs.n, 2);
    const struct store_subscription *m = sub_of(&subs, "gotomeeting");
    assert_non_null(m);
    assert_string_equal(m->plan, "professional");
    assert_int_equal(m->seats, 5);
    assert_int_equal(m->seats_assigned, 3);
    assert_int_equal(m->period, BC_PERIOD_MONTHLY);
    assert_int_equal(m->status, STORE_SUB_ACTIVE);
    /* SPEC §3's worked example. */
    assert_int_equal(m->period_start, date_from_civil(2026, 11, 10));
    assert_int_equal(m->item_start, date_from_civil(2026, 11, 10));
    assert_int_equal(m->period_end, date_from_civil(2026, 12, 10));
    assert_int_equal(m->anchor_day, 10);
    assert_int_equal(m->billed, 6000);
    assert_int_equal(m->price, 1200);
    assert_int_equal(m->credited, 0);
    assert_int_equal(m->version, 1);
    const struct store_subscription *w = sub_of(&subs, "gotowebinar");
    assert_non_null(w);
    assert_string_equal(w->plan, "standard");
    assert_int_equal(w->seats, 2);
    assert_int_equal(w->period, BC_PERIOD_ANNUAL);
    assert_int_equal(w->period_start, f->today - 100);
    assert_int_equal(w->billed, 2 * 94800);
    store_subscription_list_clear(&subs);

    struct store_card card;
    assert_int_equal(store_card_get(f->store, 1, &card), BC_OK);
    assert_string_equal(card.brand, "visa");
    assert_string_equal(card.last4, "4242");
    assert_int_equal(card.exp_month, 12);
    assert_int_equal(card.exp_year, 2029);
    store_account_clear(&a);
}

static void showcase_others(void **state)
{
    struct fixture *f = *state;
    struct store_account a = {0};
    struct store_subscription_list subs = {0};
    const struct store_subscription *x;

    assert_int_equal(store_account_get(f->store, 2, &a), BC_OK);
    assert_string_equal(a.name, "Globex Corporation");
    assert_int_equal(a.kind, STORE_ACCOUNT_CORPORATE);
    assert_string_equal(a.currency, "USD");
    assert_int_equal(store_subscriptions(f->store, 2, &subs), BC_OK);
    assert_non_null(x = sub_of(&subs, "gotomeeting"));
    assert_string_equal(x->plan, "enterprise");
    assert_int_equal(x->seats, 50);
    store_subscription_list_clear(&subs);
    store_account_clear(&a);

    assert_int_equal(store_account_get(f->store, 3, &a), BC_OK);
    assert_string_equal(a.name, "M\xc3\xbcller Technik GmbH");
    assert_string_equal(a.country, "DE");
    assert_null(a.vat_number);
    assert_int_equal(a.balance, 0);
    assert_int_equal(store_subscriptions(f->store, 3, &subs), BC_OK);
    assert_non_null(x = sub_of(&subs, "gotomeeting"));
    assert_string_equal(x->plan, "business");
    assert_int_equal(x->seats, 10);
    assert_int_equal(x->seats_assigned, 8);
    store_subscription_list_clear(&subs);
    store_account_clear(&a);

    assert_int_equal(store_account_get(f->store, 4, &a), BC_OK);
    assert_string_equal(a.name, "Dupont & Fils SARL");
    assert_string_equal(a.country, "FR");
    assert_non_null(a.vat_number);
    assert_true(vat_number_valid("FR", a.vat_number));
    assert_int_equal(store_subscriptions(f->store, 4, &subs), BC_OK);
    assert_non_null(x = sub_of(&subs, "gotowebinar"));
    assert_string_equal(x->plan, "pro");
    assert_int_equal(x->period, BC_PERIOD_MONTHLY);
    store_subscription_list_clear(&subs);
    store_account_clear(&a);

    assert_int_equal(store_account_get(f->store, 5, &a), BC_OK);
    assert_string_equal(a.name, "Acme Widgets Inc.");
    assert_string_equal(a.currency, "USD");
    assert_null(a.vat_number);
    assert_int_equal(store_subscriptions(f->store, 5, &subs), BC_OK);
    assert_non_null(x = sub_of(&subs, "gotomeeting"));
    assert_string_equal(x->plan, "professional");
    assert_int_equal(x->period, BC_PERIOD_ANNUAL);
    assert_int_equal(x->seats, 3);
    assert_non_null(sub_of(&subs, "gototraining"));
    store_subscription_list_clear(&subs);
    store_account_clear(&a);

    assert_int_equal(store_account_get(f->store, 6, &a), BC_OK);
    assert_string_equal(a.name, "Tanaka Shoji K.K.");
    assert_string_equal(a.currency, "JPY");
    assert_int_equal(store_subscriptions(f->store, 6, &subs), BC_OK);
    assert_non_null(x = sub_of(&subs, "gotomeeting"));
    assert_string_equal(x->plan, "business");
    assert_int_equal(x->billed, x->seats * 2300);
    store_subscription_list_clear(&subs);
    store_account_clear(&a);

    assert_int_equal(store_account_get(f->store, 7, &a), BC_OK);
    assert_string_equal(a.name, "Brighton Books Ltd");
    assert_string_equal(a.currency, "GBP");
    assert_int_equal(store_subscriptions(f->store, 7, &subs), BC_OK);
    assert_non_null(x = sub_of(&subs, "gotowebinar"));
    assert_string_equal(x->plan, "lite");
    store_subscription_list_clear(&subs);
    store_account_clear(&a);

    assert_int_equal(store_account_get(f->store, 8, &a), BC_OK);
    assert_string_equal(a.name, "Verdi Formazione S.r.l.");
    assert_null(a.vat_number);
    assert_int_equal(store_subscriptions(f->store, 8, &subs), BC_OK);
    assert_non_null(x = sub_of(&subs, "gototraining"));
    assert_int_equal(x->status, STORE_SUB_TRIAL_ENDED);
    assert_int_equal(x->billed, 0);
    assert_non_null(x = sub_of(&subs, "gotomeeting"));
    assert_string_equal(x->plan, "professional");
    assert_int_equal(x->seats, 10);
    assert_int_equal(x->seats_assigned, 0);
    store_subscription_list_clear(&subs);
    store_account_clear(&a);

    assert_int_equal(store_account_get(f->store, 9, &a), BC_OK);
    assert_string_equal(a.name, "Bianchi Studio");
    assert_int_equal(a.balance, 50000);
    assert_int_equal(store_subscriptions(f->store, 9, &subs), BC_OK);
    assert_non_null(x = sub_of(&subs, "gotomeeting"));
    assert_string_equal(x->plan, "business");
    assert_int_equal(x->seats, 20);
    assert_int_equal(x->seats_assigned, 2);
    store_subscription_list_clear(&subs);
    store_account_clear(&a);

    assert_int_equal(store_account_get(f->store, 10, &a), BC_OK);
    assert_string_equal(a.name, "Schmidt Consulting");
    assert_string_equal(a.country, "DE");
    assert_non_null(a.vat_number);
    assert_true(vat_number_valid("DE", a.vat_number));
    store_account_clear(&a);

    /* Every showcase billing contact can sign in with PIN 1234. */
    for (int64_t id = 1; id <= 10; id++) {
        struct store_contact c = {0};
        assert_int_equal(store_account_get(f->store, id, &a), BC_OK);
        assert_int_equal(store_contact_get(f->store, a.billing_contact_id, &c), BC_OK);
        pin_is_1234(&c);
        store_contact_clear(&c);
        store_account_clear(&a);
    }
}

static void generated_accounts_are_sane(void **state)
{
    struct fixture *f = *state;
    int corporate = 0, with_vat = 0, with_balance = 0, with_admin = 0, nsubs = 0;
    int currencies[4] = {0};
    for (int64_t id = 1; id <= 1000; id++) {
        struct store_account a = {0};
        assert_int_equal(store_account_get(f->store, id, &a), BC_OK);
        int64_t sum = -1;
        assert_int_equal(store_ledger_sum(f->store, id, &sum), BC_OK);
        assert_int_equal(sum, a.balance);
        assert_true(a.balance >= 0);
        assert_true(a.billing_contact_id > 0);
        int ci = catalog_currency_index(f->catalog, a.currency);
        assert_true(ci >= 0);
        currencies[ci]++;
        if (a.kind == STORE_ACCOUNT_CORPORATE)
            corporate++;
        if (a.vat_number) {
            with_vat++;
            assert_true(vat_number_valid(a.country, a.vat_number));
        }
        if (a.balance > 0)
            with_balance++;

        struct store_contact_list cl = {0};
        assert_int_equal(store_contacts(f->store, id, &cl), BC_OK);
        int billing = 0;
        for (size_t i = 0; i < cl.n; i++) {
            billing += cl.items[i].role == STORE_ROLE_BILLING;
            with_admin += cl.items[i].role == STORE_ROLE_ADMIN;
            assert_non_null(strchr(cl.items[i].email, '@'));
            if (id > 10)
                assert_null(cl.items[i].pin_hash);
        }
        assert_int_equal(billing, 1);
        store_contact_list_clear(&cl);

        struct store_subscription_list subs = {0};
        assert_int_equal(store_subscriptions(f->store, id, &subs), BC_OK);
        assert_true(subs.n >= 1 && subs.n <= 3);
        nsubs += (int)subs.n;
        for (size_t i = 0; i < subs.n; i++) {
            const struct store_subscription *x = &subs.items[i];
            const struct catalog_product *p = catalog_product(f->catalog, x->product);
            assert_non_null(p);
            const struct catalog_plan *plan = catalog_plan(p, x->plan);
            assert_non_null(plan);
            assert_true(x->seats >= plan->seats_min && x->seats <= plan->seats_max);
            assert_true(x->seats_assigned <= x->seats);
            if (x->status == STORE_SUB_TRIAL_ENDED)
                continue;
            assert_true(x->period_start <= f->today && f->today < x->period_end);
            assert_int_equal(x->period_end, date_period_end(x->period_start, x->period, x->anchor_day));
            int64_t price;
            assert_true(catalog_price(f->catalog, plan, a.currency, x->period, &price));
            assert_int_equal(x->price, price);
            assert_int_equal(x->billed, price * x->seats);
        }
        store_subscription_list_clear(&subs);
        store_account_clear(&a);
    }
    assert_true(corporate >= 20 && corporate <= 90);   /* about 5% */
    assert_true(with_vat >= 50);
    assert_true(with_balance >= 50);
    assert_true(with_admin >= 100);
    assert_true(nsubs >= 1500);
    for (int i = 0; i < 4; i++)
        assert_true(currencies[i] >= 20);
}

static void deterministic(void **state)
{
    struct fixture *f = *state;
    struct store *other = open_store(f, "b.db");
    assert_int_equal(demo_generate(other, f->catalog, f->today, 1000, NULL, NULL), BC_OK);
    for (int64_t id = 1; id <= 1000; id += 37) {
        struct store_account a = {0}, b = {0};
        assert_int_equal(store_account_get(f->store, id, &a), BC_OK);
        assert_int_equal(store_account_get(other, id, &b), BC_OK);
        assert_string_equal(a.name, b.name);
        assert_string_equal(a.country, b.country);
        assert_int_equal(a.balance, b.balance);
        assert_true((a.vat_number == NULL) == (b.vat_number == NULL));
        store_account_clear(&a);
        store_account_clear(&b);
    }
    store_close(other);
}

/* ---------------------------------------------------------------- bulk load */

/* A small load through the store's own writes, the same either way: with
 * store_bulk_load on (indexes dropped, no savepoints, no seat re-checks) or
 * in a plain transaction. Names and e-mails arrive in scrambled order. */
static void small_load(struct store *s, bool bulk, int n)
{
    static const char *const words[] = {"Rossi", "Zeta", "alpha", "Müller", "Berg", "ross",
                                        "Omega", "Kappa", "delta", "Sato", "Émile", "Bianchi"};
    if (bulk)
        assert_int_equal(store_bulk_load(s, true), BC_OK);
    assert_int_equal(store_begin(s), BC_OK);
    for (int i = 1; i <= n; i++) {
        unsigned k = (unsigned)i * 2654435761u;
        char name[96], email[96], uname[11][32], uemail[11][96];
        snprintf(name, sizeof name, "%s %s %u", words[k % 12], words[(k >> 8) % 12], k % 997);
        struct store_account a = {.name = name, .kind = i % 20 ? STORE_ACCOUNT_STANDARD
                                                               : STORE_ACCOUNT_CORPORATE};
        snprintf(a.currency, sizeof a.currency, "EUR");
        snprintf(a.country, sizeof a.country, "IT");
        assert_int_equal(store_account_insert(s, &a), BC_OK);
        if (i % 7 == 0)
            assert_int_equal(store_ledger_opening(s, a.id, 100 * i), BC_OK);
        snprintf(email, sizeof email, "%c%u.%d@example.it", 'a' + (int)(k % 26), k % 1000, i);
        struct store_contact c = {.account_id = a.id, .name = name, .email = email,
                                  .role = STORE_ROLE_BILLING};
        assert_int_equal(store_contact_insert(s, &c), BC_OK);
        if (i % 3 == 0) {
            snprintf(email, sizeof email, "admin.%d@example.it", i);
            struct store_contact ad = {.account_id = a.id, .name = name, .email = email,
                                       .role = STORE_ROLE_ADMIN};
            assert_int_equal(store_contact_insert(s, &ad), BC_OK);
        }
        /* Bulk: the multi-row writes the demo uses; plain: one at a time. */
        int64_t users[11];
        int nusers = 1 + i % 11;        /* more than one multi-row statement holds */
        struct store_user xs[11];
        for (int u = 0; u < nusers; u++) {
            snprintf(uname[u], sizeof uname[u], "User %d", u + 1);
            snprintf(uemail[u], sizeof uemail[u], "u%d.%d@example.it", u, i);
            xs[u] = (struct store_user){.account_id = a.id, .name = uname[u], .email = uemail[u]};
            if (!bulk)
                assert_int_equal(store_user_insert(s, &xs[u]), BC_OK);
        }
        if (bulk)
            assert_int_equal(store_users_insert(s, a.id, xs, (size_t)nusers), BC_OK);
        for (int u = 0; u < nusers; u++)
            users[u] = xs[u].id;
        for (int j = 0; j < 1 + i % 2; j++) {
            struct store_subscription x = {
                .account_id = a.id, .product = j ? "gotowebinar" : "gotomeeting",
                .plan = "professional", .seats = 2 + i % 10, .period = BC_PERIOD_MONTHLY,
                .status = STORE_SUB_ACTIVE, .period_start = 20000 + i % 28,
                .period_end = 20030 + i % 28, .item_start = 20000 + i % 28,
                .anchor_day = 1 + i % 28, .billed = 1200 * (2 + i % 10), .price = 1200,
            };
            assert_int_equal(store_subscription_insert(s, &x), BC_OK);
            int held = (nusers - j) < x.seats ? nusers - j : x.seats;
            if (bulk)
                assert_int_equal(store_seats_assign(s, x.id, users + j, (size_t)held), BC_OK);
            for (int u = 0; !bulk && u < held; u++)
                assert_int_equal(store_seat_set(s, x.id, users[j + u], true), BC_OK);
        }
        if (i % 2) {
            struct store_card card = {.exp_month = 1 + i % 12, .exp_year = 2028};
            snprintf(card.brand, sizeof card.brand, "visa");
            snprintf(card.last4, sizeof card.last4, "%04d", i % 10000);
            assert_int_equal(store_card_set(s, a.id, &card), BC_OK);
        }
    }
    assert_int_equal(store_commit(s), BC_OK);
    if (bulk)
        assert_int_equal(store_bulk_load(s, false), BC_OK);
}

struct text {
    char *s;
    size_t n, cap;
};

static int dump_row(void *ctx, int ncols, char **vals, char **names)
{
    struct text *t = ctx;
    (void)names;
    for (int i = 0; i < ncols; i++) {
        const char *v = vals[i] ? vals[i] : "NULL";
        size_t len = strlen(v);
        if (t->n + len + 2 > t->cap) {
            /* Doubling: sanitizer builds move every realloc'd block. */
            size_t cap = 2 * (t->n + len + 2);
            char *grown = realloc(t->s, cap);
            assert_non_null(grown);
            t->s = grown;
            t->cap = cap;
        }
        memcpy(t->s + t->n, v, len);
        t->n += len;
        t->s[t->n++] = i + 1 < ncols ? '|' : '\n';
        t->s[t->n] = '\0';
    }
    return 0;
}

/* Every table the load writes, row by row, through a connection of our own,
 * and on SQLite the schema (without root pages) and its integrity check.
 * Ledger times are left out: they are the clock's. */
static char *dump_db(struct fixture *f, const char *name)
{
    static const char *const sqlite_schema = "SELECT type, name, tbl_name, sql FROM sqlite_master"
                                             " ORDER BY type, name";
    static const char *const queries[] = {
        "SELECT * FROM accounts ORDER BY id",
        "SELECT * FROM contacts ORDER BY id",
        "SELECT * FROM users ORDER BY id",
        "SELECT * FROM subscriptions ORDER BY id",
        "SELECT * FROM subscription_history ORDER BY 1, 2",
        "SELECT * FROM seat_assignments ORDER BY 1, 2",
        "SELECT * FROM payment_methods ORDER BY id",
        "SELECT id, account_id, order_id, kind, amount_minor, balance_after FROM ledger ORDER BY id",
    };
    const char *target = target_of(f, name);
    bool sqlite = testdb_engine() == TESTDB_SQLITE;
    struct text t = {0};
    if (sqlite)
        testdb_dump(target, sqlite_schema, dump_row, &t);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        testdb_dump(target, queries[i], dump_row, &t);
    if (sqlite)
        testdb_dump(target, "PRAGMA integrity_check", dump_row, &t);
    else
        testdb_assert_integrity(target);
    return t.s;
}

static void bulk_load_matches_plain_load(void **state)
{
    struct fixture *f = *state;
    struct store *bulk = open_store(f, "bulk.db"), *plain = open_store(f, "plain.db");
    bool sqlite = testdb_engine() == TESTDB_SQLITE;
    small_load(bulk, true, 2000);
    small_load(plain, false, 2000);

    /* The search reads the recreated indexes (SQLite's plan), and finds the
     * same accounts. */
    char plan[2048];
    if (sqlite) {
        assert_int_equal(store_search_plan_for_test(bulk, plan, sizeof plan), BC_OK);
        assert_non_null(strstr(plan, "accounts_name"));
        assert_null(strstr(plan, "SCAN accounts"));
        assert_null(strstr(plan, "SCAN contacts"));
    }
    static const char *const queries[] = {"ross", "Ros", "alpha k", "a1", "u0", "17"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        struct store_account_list a = {0}, b = {0};
        assert_int_equal(store_account_search(bulk, queries[i], 100, &a), BC_OK);
        assert_int_equal(store_account_search(plain, queries[i], 100, &b), BC_OK);
        assert_int_equal(a.n, b.n);
        for (size_t k = 0; k < a.n; k++)
            assert_int_equal(a.items[k].id, b.items[k].id);
        store_account_list_clear(&a);
        store_account_list_clear(&b);
    }
    struct store_account_list ross = {0};
    assert_int_equal(store_account_search(bulk, "ross", 1000, &ross), BC_OK);
    assert_true(ross.n > 100);          /* "Rossi" and "ross" accounts: 2 words in 12 */
    store_account_list_clear(&ross);
    store_close(bulk);
    store_close(plain);

    char *a = dump_db(f, "bulk.db"), *b = dump_db(f, "plain.db");
    if (sqlite) {
        assert_non_null(strstr(a, "index|accounts_name|accounts|CREATE INDEX accounts_name"));
        assert_non_null(strstr(a, "index|contacts_account|contacts|"));
        assert_non_null(strstr(a, "\nok\n"));
    } else {
        /* The same indexes after the bulk load as after the plain one. */
        assert_int_equal(testdb_hash(target_of(f, "bulk.db"), (const char *const[]){
                             "accounts", "contacts", "users", "subscriptions",
                             "subscription_history", "seat_assignments", "payment_methods",
                             "ledger", NULL}),
                         testdb_hash(target_of(f, "plain.db"), (const char *const[]){
                             "accounts", "contacts", "users", "subscriptions",
                             "subscription_history", "seat_assignments", "payment_methods",
                             "ledger", NULL}));
    }
    assert_true(strlen(a) > 200000);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void bulk_load_reports_what_it_skipped(void **state)
{
    struct fixture *f = *state;
    struct store *s = open_store(f, "bad.db");
    small_load(s, true, 3);             /* account 1: users 1-2; sub 1: 3 seats, 2 held */

    /* Only outside a transaction: foreign keys cannot change inside one. */
    assert_int_equal(store_begin(s), BC_OK);
    assert_int_equal(store_bulk_load(s, true), BC_INVALID_ARGUMENT);
    store_rollback(s);

    /* Two more holders (user 3 is account 2's) on the 3-seat subscription:
     * the load takes them without its re-checks, and its end says so. */
    assert_int_equal(store_bulk_load(s, true), BC_OK);
    assert_int_equal(store_begin(s), BC_OK);
    struct store_subscription sub = {0};
    assert_int_equal(store_subscription_get(s, 1, &sub), BC_OK);
    assert_int_equal(sub.seats, 3);
    assert_int_equal(sub.seats_assigned, 2);
    store_subscription_clear(&sub);
    assert_int_equal(store_seat_set(s, 1, 3, true), BC_OK);
    struct store_user u = {.account_id = 1, .name = "Extra", .email = "extra@example.it"};
    assert_int_equal(store_user_insert(s, &u), BC_OK);
    assert_int_equal(store_seat_set(s, 1, u.id, true), BC_OK);
    assert_int_equal(store_commit(s), BC_OK);
    assert_int_equal(store_bulk_load(s, false), BC_SEATS_EXHAUSTED);
    assert_non_null(strstr(store_errmsg(s), "subscription 1"));

    /* A contact of an account that does not exist: foreign keys were off. */
    assert_int_equal(store_bulk_load(s, true), BC_OK);
    assert_int_equal(store_begin(s), BC_OK);
    struct store_contact c = {.account_id = 99, .name = "Nobody", .email = "nobody@example.it",
                              .role = STORE_ROLE_ADMIN};
    assert_int_equal(store_contact_insert(s, &c), BC_OK);
    assert_int_equal(store_commit(s), BC_OK);
    assert_int_equal(store_bulk_load(s, false), BC_DB_ERROR);
    assert_non_null(strstr(store_errmsg(s), "contacts"));

    /* Foreign keys are on again afterwards, and nothing was dropped: the
     * database already held accounts. */
    struct store_contact c2 = {.account_id = 98, .name = "Nobody", .email = "nobody2@example.it",
                               .role = STORE_ROLE_ADMIN};
    assert_int_not_equal(store_contact_insert(s, &c2), BC_OK);
    char plan[2048];
    assert_int_equal(store_search_plan_for_test(s, plan, sizeof plan), BC_OK);
    assert_non_null(strstr(plan, "accounts_name"));
    store_close(s);
}

/* The load writes with CHECK constraints off and checks every table's once
 * at its end: a row breaking one is reported by table and rowid, in a table
 * with a rowid and in one without; afterwards they hold row by row again. */
static void bulk_load_checks_constraints_at_end(void **state)
{
    struct fixture *f = *state;
    struct store *s = open_store(f, "checks.db");
    small_load(s, true, 3);             /* subscriptions 1-5 */

    assert_int_equal(store_bulk_load(s, true), BC_OK);
    assert_int_equal(store_begin(s), BC_OK);
    struct store_subscription x[2] = {
        {.account_id = 1, .product = "gototraining", .plan = "starter", .seats = 2,
         .period = BC_PERIOD_MONTHLY, .status = STORE_SUB_ACTIVE, .period_start = 20000,
         .period_end = 20030, .item_start = 20000, .anchor_day = 1, .billed = 100, .price = 50},
        {.account_id = 1, .product = "gotowebinar", .plan = "lite", .seats = 1,
         .period = BC_PERIOD_MONTHLY, .status = STORE_SUB_ACTIVE, .period_start = 20000,
         .period_end = 20030, .item_start = 20000, .anchor_day = 1, .billed = 100, .price = 50},
    };
    x[1].credited = 200;                /* more credited than billed */
    assert_int_equal(store_subscriptions_insert(s, x, 2), BC_OK);
    assert_int_equal(x[1].id, 7);
    assert_int_equal(store_commit(s), BC_OK);
    assert_int_equal(store_bulk_load(s, false), BC_DB_ERROR);
    assert_non_null(strstr(store_errmsg(s), "subscriptions (rowid 7)"));

    /* Zero seats in a later load: written, and its end fails again (row 7
     * is still there; this load also wrote a history row of zero seats). */
    assert_int_equal(store_bulk_load(s, true), BC_OK);
    assert_int_equal(store_begin(s), BC_OK);
    struct store_subscription zero = x[0];
    zero.product = "gotomeeting";
    zero.seats = 0;
    assert_int_equal(store_subscription_insert(s, &zero), BC_OK);
    assert_int_equal(zero.id, 8);
    assert_int_equal(store_commit(s), BC_OK);
    assert_int_equal(store_bulk_load(s, false), BC_DB_ERROR);
    assert_non_null(strstr(store_errmsg(s), "fails a CHECK constraint"));

    /* Checked row by row again: the same write is refused at once. */
    assert_int_equal(store_subscription_insert(s, &zero), BC_DB_ERROR);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest both[] = {
        cmocka_unit_test(counts_and_progress),
        cmocka_unit_test(showcase_rossi),
        cmocka_unit_test(showcase_others),
        cmocka_unit_test(generated_accounts_are_sane),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(bulk_load_matches_plain_load),
    };
    const struct CMUnitTest sqlite_only[] = {
        cmocka_unit_test(bulk_load_reports_what_it_skipped),
        cmocka_unit_test(bulk_load_checks_constraints_at_end),
    };
    return TESTDB_RUN(both, sqlite_only, setup, teardown);
}
