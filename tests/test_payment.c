/* test_payment.c — card helpers, the test processor against a real store,
 * and the exec processor against tests/fake_gateway.sh: approvals,
 * declines, garbage, crashes and hangs (bounded by the timeout). The store
 * is on the engine $BC_TEST_ENGINE names (testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "payment.h"
#include "store.h"
#include "testdb.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

/* ---------------------------------------------------------------- cards */

static void luhn(void **state)
{
    (void)state;
    assert_true(card_luhn_ok("4242424242424242"));
    assert_true(card_luhn_ok("4000000000000002"));
    assert_true(card_luhn_ok("378282246310005"));
    assert_true(card_luhn_ok("5555555555554444"));
    assert_false(card_luhn_ok("4242424242424241"));
    assert_false(card_luhn_ok("1234567890123"));
    assert_false(card_luhn_ok("42424242"));        /* too short */
    assert_false(card_luhn_ok("42424242424242a2"));
}

static void normalise(void **state)
{
    (void)state;
    char out[32];
    assert_true(card_normalise("4242 4242-4242 4242", out, sizeof out));
    assert_string_equal(out, "4242424242424242");
    assert_false(card_normalise("4242 4242 4242 424x", out, sizeof out));
    assert_false(card_normalise("4242 4242 42", out, sizeof out));                  /* 10 digits */
    assert_false(card_normalise("42424242424242424242", out, sizeof out));          /* 20 digits */
    char tiny[8];
    assert_false(card_normalise("4242424242424242", tiny, sizeof tiny));
}

static void brands(void **state)
{
    (void)state;
    assert_string_equal(card_brand("4242424242424242"), "visa");
    assert_string_equal(card_brand("5555555555554444"), "mastercard");
    assert_string_equal(card_brand("2223003122003222"), "mastercard");
    assert_string_equal(card_brand("378282246310005"), "amex");
    assert_string_equal(card_brand("341111111111111"), "amex");
    assert_string_equal(card_brand("6011111111111117"), "discover");
    assert_string_equal(card_brand("6500000000000002"), "discover");
    assert_string_equal(card_brand("3530111333300000"), "jcb");
    assert_string_equal(card_brand("9999999999999995"), "card");
    assert_string_equal(card_brand("2720999999999996"), "mastercard");
    assert_string_equal(card_brand("2721000000000004"), "card");
}

static void expiry(void **state)
{
    (void)state;
    int m = 0, y = 0;
    assert_true(card_parse_expiry("12/29", &m, &y));
    assert_int_equal(m, 12);
    assert_int_equal(y, 2029);
    assert_true(card_parse_expiry("03/2031", &m, &y));
    assert_int_equal(m, 3);
    assert_int_equal(y, 2031);
    assert_true(card_parse_expiry(" 07 / 28 ", &m, &y));
    assert_int_equal(m, 7);
    assert_int_equal(y, 2028);
    assert_false(card_parse_expiry("13/29", &m, &y));
    assert_false(card_parse_expiry("00/29", &m, &y));
    assert_false(card_parse_expiry("1/29", &m, &y));
    assert_false(card_parse_expiry("12/299", &m, &y));
    assert_false(card_parse_expiry("12-29", &m, &y));
    assert_false(card_parse_expiry("12/29x", &m, &y));
    assert_false(card_parse_expiry("", &m, &y));
    /* the digits alone: MMYY, MMYYYY */
    assert_true(card_parse_expiry("1230", &m, &y));
    assert_int_equal(m, 12);
    assert_int_equal(y, 2030);
    assert_true(card_parse_expiry("042031", &m, &y));
    assert_int_equal(m, 4);
    assert_int_equal(y, 2031);
    assert_false(card_parse_expiry("1330", &m, &y));
    assert_false(card_parse_expiry("123", &m, &y));
    assert_false(card_parse_expiry("12300", &m, &y));

    assert_true(card_expiry_ok(11, 2026, 2026, 11));    /* valid through its month */
    assert_false(card_expiry_ok(10, 2026, 2026, 11));
    assert_true(card_expiry_ok(1, 2027, 2026, 11));
    assert_false(card_expiry_ok(12, 2025, 2026, 1));
}

static void mask(void **state)
{
    (void)state;
    char out[128];
    size_t n = card_mask("4242424242424242", true, out, sizeof out);
    assert_string_equal(out, "**** **** **** 4242");
    assert_int_equal(n, strlen(out));
    card_mask("4242424242424242", false, out, sizeof out);
    assert_string_equal(out, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 "
                             "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 "
                             "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 4242");
    card_mask("378282246310005", true, out, sizeof out);
    assert_string_equal(out, "**** **** ***0 005");
    card_mask("424", true, out, sizeof out);              /* as typed: nothing hidden yet */
    assert_string_equal(out, "424");
    card_mask("42424", true, out, sizeof out);
    assert_string_equal(out, "*242 4");
    /* Truncation never splits a bullet and always terminates. */
    char small[6];
    n = card_mask("4242424242424242", false, small, sizeof small);
    assert_int_equal(n, 3);
    assert_string_equal(small, "\xe2\x80\xa2");
}

/* ---------------------------------------------------------------- test processor */

struct fixture {
    char dir[64];
    char path[512];   /* the database's target: a file path or a conninfo */
    struct store *store;
};

static int store_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-test-payment-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    if (!testdb_fresh_in(f->dir, "bc.db", f->path, sizeof f->path)) {
        fprintf(stderr, "%s\n", testdb_error());
        return -1;
    }
    if (store_open(f->path, STORE_OPEN_CREATE, &f->store) != BC_OK)
        return -1;
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

static int store_teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->store);
    if (!testdb_drop(f->path))
        fprintf(stderr, "# %s\n", testdb_error());
    rm_dir(f->dir);
    free(f);
    return 0;
}

static void test_processor(void **state)
{
    struct fixture *f = *state;
    struct payment_processor *p = payment_test_create(f->store);
    char ref[64], ref2[64];
    int64_t amount = 0;

    /* Approved, recorded; the same key again is the same charge. */
    struct payment_request ok = {"k-ok", 4100, "EUR", "4242 4242 4242 4242"};
    assert_int_equal(payment_charge(p, &ok, ref, sizeof ref), PAYMENT_APPROVED);
    assert_true(strlen(ref) > 5);
    assert_int_equal(payment_charge(p, &ok, ref2, sizeof ref2), PAYMENT_APPROVED);
    assert_string_equal(ref, ref2);
    enum store_charge_state cs;
    char sref[64];
    assert_int_equal(store_test_charge_get(f->store, "k-ok", &cs, &amount, sref, sizeof sref), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_APPROVED);
    assert_int_equal(amount, 4100);
    assert_string_equal(sref, ref);
    /* Even with a declining card, an approved key stays approved (no second charge). */
    struct payment_request again = {"k-ok", 9999, "EUR", "4000000000000002"};
    assert_int_equal(payment_charge(p, &again, ref2, sizeof ref2), PAYMENT_APPROVED);
    assert_string_equal(ref, ref2);
    assert_int_equal(payment_status(p, "k-ok", &amount, ref2, sizeof ref2), PAYMENT_APPROVED);
    assert_int_equal(amount, 4100);
    assert_string_equal(ref, ref2);

    /* The three declining cards, each with its reason. */
    const char *declining[] = {"4000000000000002", "4000 0000 0000 9995", "4000000000000069"};
    const char *reasons[] = {"card_declined", "insufficient_funds", "expired_card"};
    for (int i = 0; i < 3; i++) {
        char key[16];
        snprintf(key, sizeof key, "k-dec-%d", i);
        struct payment_request r = {key, 500, "EUR", declining[i]};
        assert_int_equal(payment_charge(p, &r, ref, sizeof ref), PAYMENT_DECLINED);
        assert_string_equal(ref, reasons[i]);
        assert_int_equal(payment_status(p, key, NULL, NULL, 0), PAYMENT_DECLINED);
        assert_int_equal(store_test_charge_get(f->store, key, &cs, NULL, NULL, 0), BC_OK);
        assert_int_equal(cs, STORE_CHARGE_DECLINED);
    }

    /* Processing error: unknown, nothing recorded as approved. */
    struct payment_request err = {"k-err", 500, "EUR", "4000000000000119"};
    assert_int_equal(payment_charge(p, &err, ref, sizeof ref), PAYMENT_UNKNOWN);
    assert_int_equal(store_test_charge_get(f->store, "k-err", &cs, NULL, NULL, 0), BC_NOT_FOUND);
    assert_int_equal(payment_status(p, "k-err", NULL, NULL, 0), PAYMENT_DECLINED);

    /* Cards on file are approved. */
    struct payment_request onfile = {"k-file", 1200, "EUR", "on_file:visa:4242"};
    assert_int_equal(payment_charge(p, &onfile, ref, sizeof ref), PAYMENT_APPROVED);

    /* Refund: REFUNDED, status no longer approved; refunding twice is fine. */
    assert_int_equal(payment_refund(p, &ok), PAYMENT_APPROVED);
    assert_int_equal(store_test_charge_get(f->store, "k-ok", &cs, &amount, NULL, 0), BC_OK);
    assert_int_equal(cs, STORE_CHARGE_REFUNDED);
    assert_int_equal(amount, 4100);
    assert_int_equal(payment_status(p, "k-ok", NULL, NULL, 0), PAYMENT_DECLINED);
    assert_int_equal(payment_refund(p, &ok), PAYMENT_APPROVED);
    /* Never seen: unknown to status means "not charged". */
    assert_int_equal(payment_status(p, "never", NULL, NULL, 0), PAYMENT_DECLINED);

    /* Nonsense requests are not approvals. */
    struct payment_request zero = {"k-zero", 0, "EUR", "4242424242424242"};
    assert_int_equal(payment_charge(p, &zero, ref, sizeof ref), PAYMENT_UNKNOWN);
    struct payment_request bad = {"k-bad", 100, "EUR", "4242424242424241"};
    assert_int_equal(payment_charge(p, &bad, ref, sizeof ref), PAYMENT_DECLINED);
    payment_destroy(p);
    payment_destroy(NULL);
}

/* A verify charges nothing and records nothing; the card rules are the
 * charge's. */
static void test_verify(void **state)
{
    struct fixture *f = *state;
    struct payment_processor *p = payment_test_create(f->store);
    char why[64];
    enum store_charge_state cs;

    strcpy(why, "stale");
    assert_int_equal(payment_verify(p, "v-ok", "4242 4242 4242 4242", "EUR", why, sizeof why),
                     PAYMENT_APPROVED);
    assert_string_equal(why, "");
    assert_int_equal(store_test_charge_get(f->store, "v-ok", &cs, NULL, NULL, 0), BC_NOT_FOUND);
    const char *declining[] = {"4000000000000002", "4000 0000 0000 9995", "4000000000000069",
                               "4242424242424241"};
    const char *reasons[] = {"card_declined", "insufficient_funds", "expired_card",
                             "card_declined"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(payment_verify(p, "v-dec", declining[i], "EUR", why, sizeof why),
                         PAYMENT_DECLINED);
        assert_string_equal(why, reasons[i]);
    }
    assert_int_equal(store_test_charge_get(f->store, "v-dec", &cs, NULL, NULL, 0), BC_NOT_FOUND);
    /* The processing-error card: no answer. */
    assert_int_equal(payment_verify(p, "v-err", "4000000000000119", "EUR", why, sizeof why),
                     PAYMENT_UNKNOWN);
    /* A card on file is not a card to verify; a request needs a key. */
    assert_int_equal(payment_verify(p, "v-file", "on_file:visa:4242", "EUR", why, sizeof why),
                     PAYMENT_UNKNOWN);
    assert_int_equal(payment_verify(p, "", "4242424242424242", "EUR", why, sizeof why),
                     PAYMENT_UNKNOWN);
    assert_int_equal(payment_verify(p, "v-null", NULL, "EUR", NULL, 0), PAYMENT_UNKNOWN);
    assert_int_equal(payment_verify(NULL, "v-null", "4242424242424242", "EUR", NULL, 0),
                     PAYMENT_UNKNOWN);
    payment_destroy(p);
}

/* ---------------------------------------------------------------- exec processor */

static int64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static struct payment_processor *gateway(const char *dir, const char *mode, int timeout_ms)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sh '%s/tests/fake_gateway.sh' %s '%s'", SOURCE_ROOT, mode, dir);
    return payment_exec_create(cmd, timeout_ms);
}

static void no_children_left(void)
{
    /* Every child was reaped: there is nothing left to wait for. */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

static void exec_approved(void **state)
{
    struct fixture *f = *state;
    int fds = count_fds();
    struct payment_processor *p = gateway(f->dir, "approved", 5000);
    char ref[64];
    int64_t amount = 0;
    struct payment_request r = {"key-1", 4100, "EUR", "4242424242424242"};
    assert_int_equal(payment_charge(p, &r, ref, sizeof ref), PAYMENT_APPROVED);
    assert_string_equal(ref, "gw-key-1");

    /* The request the gateway saw. */
    char path[256];
    snprintf(path, sizeof path, "%s/last_request.json", f->dir);
    json_t *req = json_load_file(path, 0, NULL);
    assert_non_null(req);
    assert_string_equal(json_string_value(json_object_get(req, "op")), "charge");
    assert_string_equal(json_string_value(json_object_get(req, "key")), "key-1");
    assert_int_equal(json_integer_value(json_object_get(req, "amount_minor")), 4100);
    assert_string_equal(json_string_value(json_object_get(req, "currency")), "EUR");
    assert_string_equal(json_string_value(json_object_get(req, "card")), "4242424242424242");
    json_decref(req);

    assert_int_equal(payment_status(p, "key-1", &amount, ref, sizeof ref), PAYMENT_APPROVED);
    assert_int_equal(amount, 4100);
    assert_int_equal(payment_refund(p, &r), PAYMENT_APPROVED);
    req = json_load_file(path, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(req, "op")), "refund");
    json_decref(req);
    assert_int_equal(payment_status(p, "key-1", &amount, ref, sizeof ref), PAYMENT_DECLINED);
    payment_destroy(p);
    assert_int_equal(count_fds(), fds);
    no_children_left();
}

static void exec_failures_are_unknown(void **state)
{
    struct fixture *f = *state;
    int fds = count_fds();
    struct {
        const char *mode;
        enum payment_result want;
        const char *ref;      /* a decline's reason, as the gateway gives it */
    } cases[] = {
        {"declined", PAYMENT_DECLINED, ""},
        {"declined_funds", PAYMENT_DECLINED, "insufficient_funds"},
        {"garbage", PAYMENT_UNKNOWN, ""},
        {"exit1", PAYMENT_UNKNOWN, ""},
        {"crash", PAYMENT_UNKNOWN, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct payment_processor *p = gateway(f->dir, cases[i].mode, 5000);
        char ref[64] = "stale";
        struct payment_request r = {"key-2", 100, "EUR", "4242424242424242"};
        assert_int_equal(payment_charge(p, &r, ref, sizeof ref), cases[i].want);
        assert_string_equal(ref, cases[i].ref);
        payment_destroy(p);
    }
    /* A command that does not exist. */
    struct payment_processor *p = payment_exec_create("/nonexistent/gateway", 5000);
    struct payment_request r = {"key-3", 100, "EUR", "4242424242424242"};
    assert_int_equal(payment_charge(p, &r, NULL, 0), PAYMENT_UNKNOWN);
    payment_destroy(p);
    assert_null(payment_exec_create("", 100));
    assert_int_equal(count_fds(), fds);
    no_children_left();
}

static void exec_verify(void **state)
{
    struct fixture *f = *state;
    int fds = count_fds();
    char why[64], path[256];
    struct payment_processor *p = gateway(f->dir, "approved", 5000);
    assert_int_equal(payment_verify(p, "vk-1", "4242424242424242", "EUR", why, sizeof why),
                     PAYMENT_APPROVED);
    assert_string_equal(why, "");
    snprintf(path, sizeof path, "%s/last_request.json", f->dir);
    json_t *req = json_load_file(path, 0, NULL);
    assert_non_null(req);
    assert_string_equal(json_string_value(json_object_get(req, "op")), "verify");
    assert_string_equal(json_string_value(json_object_get(req, "key")), "vk-1");
    assert_int_equal(json_integer_value(json_object_get(req, "amount_minor")), 0);
    assert_string_equal(json_string_value(json_object_get(req, "currency")), "EUR");
    assert_string_equal(json_string_value(json_object_get(req, "card")), "4242424242424242");
    json_decref(req);
    /* Nothing was charged under the key. */
    assert_int_equal(payment_status(p, "vk-1", NULL, NULL, 0), PAYMENT_DECLINED);
    payment_destroy(p);

    struct {
        const char *mode;
        enum payment_result want;
        const char *why;
    } cases[] = {
        {"declined", PAYMENT_DECLINED, ""},
        {"declined_funds", PAYMENT_DECLINED, "insufficient_funds"},
        {"garbage", PAYMENT_UNKNOWN, ""},
        {"exit1", PAYMENT_UNKNOWN, ""},
        {"crash", PAYMENT_UNKNOWN, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p = gateway(f->dir, cases[i].mode, 5000);
        strcpy(why, "stale");
        assert_int_equal(payment_verify(p, "vk-2", "4242424242424242", "EUR", why, sizeof why),
                         cases[i].want);
        assert_string_equal(why, cases[i].why);
        payment_destroy(p);
    }
    /* A hung gateway is bounded by the timeout. */
    p = gateway(f->dir, "hang", 300);
    int64_t t0 = ms_now();
    assert_int_equal(payment_verify(p, "vk-3", "4242424242424242", "EUR", why, sizeof why),
                     PAYMENT_UNKNOWN);
    assert_true(ms_now() - t0 < 300 + 700);
    payment_destroy(p);
    assert_int_equal(count_fds(), fds);
    no_children_left();
}

static void exec_hang_is_bounded(void **state)
{
    struct fixture *f = *state;
    int fds = count_fds();
    const char *modes[] = {"hang", "hang_closed"};
    for (int i = 0; i < 2; i++) {
        struct payment_processor *p = gateway(f->dir, modes[i], 300);
        struct payment_request r = {"key-4", 100, "EUR", "4242424242424242"};
        int64_t t0 = ms_now();
        assert_int_equal(payment_charge(p, &r, NULL, 0), PAYMENT_UNKNOWN);
        int64_t took = ms_now() - t0;
        assert_true(took >= 290);
        assert_true(took < 300 + 700);
        payment_destroy(p);
    }
    assert_int_equal(count_fds(), fds);
    no_children_left();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(luhn),
        cmocka_unit_test(normalise),
        cmocka_unit_test(brands),
        cmocka_unit_test(expiry),
        cmocka_unit_test(mask),
        cmocka_unit_test_setup_teardown(test_processor, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_verify, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(exec_approved, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(exec_verify, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(exec_failures_are_unknown, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(exec_hang_is_bounded, store_setup, store_teardown),
    };
    return testdb_run_cases("payment", tests, sizeof tests / sizeof tests[0], NULL, 0, NULL, NULL);
}
