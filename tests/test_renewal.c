/* test_renewal.c — renewals as SPEC §3 and §8 fix them: the periods (anchor
 * clamping at month ends and Feb 29), the due list of a machine that was
 * off, each renewal's exact charge with VAT and the balance, the dunning
 * days, and every transition of a subscription including the refused ones.
 * Runs with workdir = source root: the shipped catalog is plans/. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "catalog.h"
#include "renewal.h"

static bc_day D(const char *s)
{
    bc_day d;
    if (!date_parse(s, &d))
        fail_msg("bad date in test: %s", s);
    return d;
}

#define assert_day(day, s)                                                  \
    do {                                                                    \
        char buf_[11];                                                      \
        date_format((day), buf_);                                           \
        assert_string_equal(buf_, (s));                                     \
    } while (0)

static const int default_days[] = {1, 3, 5, 7};
static const struct renewal_dunning dunning = {default_days, 4};

static struct renewal_terms terms(const char *plan, int seats, enum bc_period p)
{
    struct renewal_terms t;
    memset(&t, 0, sizeof t);
    snprintf(t.plan, sizeof t.plan, "%s", plan);
    t.seats = seats;
    t.period = p;
    return t;
}

/* An active monthly subscription #42 to Professional × 5 over [p0, p1). */
static struct renewal_sub sub_make(const char *p0, const char *p1, int anchor)
{
    struct renewal_sub s;
    memset(&s, 0, sizeof s);
    s.id = 42;
    s.state = RENEWAL_ACTIVE;
    s.auto_renew = true;
    s.period_start = D(p0);
    s.period_end = D(p1);
    s.anchor_day = anchor;
    s.terms = terms("professional", 5, BC_PERIOD_MONTHLY);
    return s;
}

/* Field by field: a struct's padding is not part of it. */
static void assert_terms_equal(const struct renewal_terms *x, const struct renewal_terms *y)
{
    assert_string_equal(x->plan, y->plan);
    assert_int_equal(x->seats, y->seats);
    assert_int_equal(x->period, y->period);
}

static void assert_sub_equal(const struct renewal_sub *x, const struct renewal_sub *y)
{
    assert_int_equal(x->id, y->id);
    assert_int_equal(x->state, y->state);
    assert_int_equal(x->auto_renew, y->auto_renew);
    assert_int_equal(x->period_start, y->period_start);
    assert_int_equal(x->period_end, y->period_end);
    assert_int_equal(x->anchor_day, y->anchor_day);
    assert_terms_equal(&x->terms, &y->terms);
    assert_int_equal(x->scheduled, y->scheduled);
    if (x->scheduled)
        assert_terms_equal(&x->next, &y->next);
    assert_int_equal(x->last_attempt, y->last_attempt);
}

static struct catalog *shipped(void)
{
    char err[512] = "";
    struct catalog *c = catalog_load("plans", err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    return c;
}

/* ---- states ---------------------------------------------------------- */

static void state_names_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"trial", "active", "past_due", "suspended", "canceled",
                                        "trial_ended"};
    assert_int_equal(RENEWAL_STATE_COUNT, 6);
    for (int i = 0; i < RENEWAL_STATE_COUNT; i++) {
        enum renewal_state st = RENEWAL_STATE_COUNT;
        assert_string_equal(renewal_state_name((enum renewal_state)i), names[i]);
        assert_true(renewal_state_parse(names[i], &st));
        assert_int_equal(st, i);
    }
    assert_int_equal(RENEWAL_TRIAL, 0);
    assert_int_equal(RENEWAL_TRIAL_ENDED, 5);
    assert_string_equal(renewal_state_name(RENEWAL_STATE_COUNT), "unknown");
    enum renewal_state st = RENEWAL_ACTIVE;
    assert_false(renewal_state_parse("Active", &st));
    assert_false(renewal_state_parse("past-due", &st));
    assert_false(renewal_state_parse("cancelled", &st));
    assert_false(renewal_state_parse("", &st));
    assert_false(renewal_state_parse(NULL, &st));
    assert_int_equal(st, RENEWAL_ACTIVE);
}

/* ---- periods --------------------------------------------------------- */

/* Anchor 31: Jan 31 -> Feb 28 -> Mar 31 -> Apr 30 -> May 31, and Feb 29 in
 * a leap year; the anchor is kept, not the last period's day. */
static void next_period_clamps_month_ends(void **state)
{
    (void)state;
    static const char *const y2026[] = {"2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30",
                                        "2026-05-31", "2026-06-30", "2026-07-31"};
    bc_day p0 = D("2025-12-31"), p1 = D("2026-01-31"), s, e;
    for (size_t i = 1; i < sizeof y2026 / sizeof y2026[0]; i++) {
        assert_int_equal(renewal_next_period(p0, p1, 31, BC_PERIOD_MONTHLY, &s, &e), BC_OK);
        assert_day(s, y2026[i - 1]);
        assert_day(e, y2026[i]);
        p0 = s;
        p1 = e;
    }
    assert_int_equal(renewal_next_period(D("2027-12-31"), D("2028-01-31"), 31,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_OK);
    assert_day(e, "2028-02-29");
    assert_int_equal(renewal_next_period(D("2028-01-31"), e, 31, BC_PERIOD_MONTHLY, &s, &e), BC_OK);
    assert_day(s, "2028-02-29");
    assert_day(e, "2028-03-31");
    /* Anchor 30 lands on Feb 28 and goes back to the 30th. */
    assert_int_equal(renewal_next_period(D("2026-01-30"), D("2026-02-28"), 30,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_OK);
    assert_day(e, "2026-03-30");
    /* A period that started on the 28th keeps the 28th. */
    assert_int_equal(renewal_next_period(D("2026-01-28"), D("2026-02-28"), 28,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_OK);
    assert_day(e, "2026-03-28");
}

/* Annual from Feb 29: Feb 28 of the years after, Feb 29 again in 2032. */
static void next_period_annual_from_feb_29(void **state)
{
    (void)state;
    static const char *const ends[] = {"2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"};
    bc_day p0 = D("2027-02-28"), p1 = D("2028-02-29"), s, e;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(renewal_next_period(p0, p1, 29, BC_PERIOD_ANNUAL, &s, &e), BC_OK);
        assert_int_equal(s, p1);
        assert_day(e, ends[i]);
        p0 = s;
        p1 = e;
    }
    /* Monthly to annual at a renewal keeps the anchor. */
    assert_int_equal(renewal_next_period(D("2026-01-31"), D("2026-02-28"), 31, BC_PERIOD_ANNUAL,
                                         &s, &e), BC_OK);
    assert_day(e, "2027-02-28");
}

static void next_period_refuses_bad_input(void **state)
{
    (void)state;
    bc_day s = 7, e = 7;
    assert_int_equal(renewal_next_period(D("2026-02-28"), D("2026-02-28"), 28,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_next_period(D("2026-03-28"), D("2026-02-28"), 28,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_next_period(D("2026-01-28"), D("2026-02-28"), 0,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_next_period(D("2026-01-28"), D("2026-02-28"), 32,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_next_period(D("2026-01-28"), D("2026-02-28"), 28,
                                         (enum bc_period)2, &s, &e), BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_next_period(D("9999-11-15"), D("9999-12-15"), 15,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_DATE_OUT_OF_RANGE);
    assert_int_equal(s, 7);
    assert_int_equal(e, 7);
    /* The last period that still ends on a printable day. */
    assert_int_equal(renewal_next_period(D("9999-10-31"), D("9999-11-30"), 31,
                                         BC_PERIOD_MONTHLY, &s, &e), BC_OK);
    assert_day(e, "9999-12-31");
}

static void trial_period_is_days(void **state)
{
    (void)state;
    bc_day e = 0;
    assert_int_equal(renewal_trial_period(D("2026-01-15"), 30, &e), BC_OK);
    assert_day(e, "2026-02-14");
    assert_int_equal(renewal_trial_period(D("2028-02-15"), 14, &e), BC_OK);
    assert_day(e, "2028-02-29");
    assert_int_equal(renewal_trial_period(D("2026-01-15"), 0, &e), BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_trial_period(D("2026-01-15"), 366, &e), BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_trial_period(D("9999-12-20"), 30, &e), BC_DATE_OUT_OF_RANGE);
}

static void idempotency_key(void **state)
{
    (void)state;
    char key[RENEWAL_KEY_SIZE];
    assert_true(renewal_key(42, D("2026-02-28"), key, sizeof key));
    assert_string_equal(key, "renew:42:2026-02-28");
    assert_true(renewal_key(INT64_MAX, D("9999-12-31"), key, sizeof key));
    assert_string_equal(key, "renew:9223372036854775807:9999-12-31");
    char small[19];
    assert_false(renewal_key(42, D("2026-02-28"), small, sizeof small));
    assert_false(renewal_key(42, D("2026-02-28"), NULL, 0));
}

/* ---- the due list ---------------------------------------------------- */

static void due_nothing_before_p1(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-01-31", "2026-02-28", 31);
    struct renewal_due due[4];
    size_t n = 99;
    assert_int_equal(renewal_due(&s, D("2026-02-27"), due, 4, &n), BC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(renewal_due(&s, D("2026-02-28"), due, 4, &n), BC_OK);
    assert_int_equal(n, 1);
    assert_day(due[0].period_start, "2026-02-28");
    assert_day(due[0].period_end, "2026-03-31");
    assert_int_equal(due[0].anchor_day, 31);
    assert_int_equal(due[0].period, BC_PERIOD_MONTHLY);
    assert_string_equal(due[0].key, "renew:42:2026-02-28");
}

/* Off for a week: one renewal, and every day of that week names the same
 * one (same key), so running renew each day renews it once. */
static void due_after_a_week_off(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-11-10", "2026-12-10", 10);
    for (bc_day today = D("2026-12-10"); today <= D("2026-12-16"); today++) {
        struct renewal_due due[4];
        size_t n = 0;
        assert_int_equal(renewal_due(&s, today, due, 4, &n), BC_OK);
        assert_int_equal(n, 1);
        assert_day(due[0].period_start, "2026-12-10");
        assert_day(due[0].period_end, "2027-01-10");
        assert_string_equal(due[0].key, "renew:42:2026-12-10");
    }
}

/* Seven periods missed: seven renewals in order, each its own key, anchor 31
 * clamped month by month; renewing them one by one (PAID) walks the same
 * periods and leaves nothing due. */
static void due_catches_up_seven_periods(void **state)
{
    (void)state;
    static const char *const starts[] = {"2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31",
                                         "2026-06-30", "2026-07-31", "2026-08-31"};
    static const char *const ends[] = {"2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
                                       "2026-07-31", "2026-08-31", "2026-09-30"};
    struct renewal_sub s = sub_make("2026-01-31", "2026-02-28", 31);
    bc_day today = D("2026-09-15");
    struct renewal_due due[10];
    size_t n = 0;
    assert_int_equal(renewal_due(&s, today, due, 10, &n), BC_OK);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < 7; i++) {
        char key[RENEWAL_KEY_SIZE];
        assert_day(due[i].period_start, starts[i]);
        assert_day(due[i].period_end, ends[i]);
        snprintf(key, sizeof key, "renew:42:%s", starts[i]);
        assert_string_equal(due[i].key, key);
    }

    /* Fewer slots than renewals: the count still says seven. */
    struct renewal_due few[3];
    memset(few, 0, sizeof few);
    assert_int_equal(renewal_due(&s, today, few, 3, &n), BC_OK);
    assert_int_equal(n, 7);
    assert_day(few[2].period_start, "2026-04-30");
    assert_int_equal(renewal_due(&s, today, NULL, 0, &n), BC_OK);
    assert_int_equal(n, 7);

    for (size_t i = 0; i < 7; i++) {
        struct renewal_transition t;
        assert_int_equal(renewal_apply(&s, RENEWAL_EV_PAID, today, &dunning, &t), BC_OK);
        assert_true(t.new_period);
        assert_int_equal(t.after.period_start, due[i].period_start);
        assert_int_equal(t.after.period_end, due[i].period_end);
        assert_int_equal(t.after.anchor_day, 31);
        s = t.after;
    }
    assert_int_equal(renewal_due(&s, today, due, 10, &n), BC_OK);
    assert_int_equal(n, 0);
}

static void due_only_for_what_renews(void **state)
{
    (void)state;
    struct renewal_due due[4];
    size_t n = 99;
    struct renewal_sub s = sub_make("2026-11-10", "2026-12-10", 10);
    s.auto_renew = false;
    assert_int_equal(renewal_due(&s, D("2027-03-01"), due, 4, &n), BC_OK);
    assert_int_equal(n, 0);
    s.auto_renew = true;
    enum renewal_state none[] = {RENEWAL_PAST_DUE, RENEWAL_SUSPENDED, RENEWAL_CANCELED,
                                 RENEWAL_TRIAL_ENDED};
    for (size_t i = 0; i < 4; i++) {
        s.state = none[i];
        n = 99;
        assert_int_equal(renewal_due(&s, D("2027-03-01"), due, 4, &n), BC_OK);
        assert_int_equal(n, 0);
    }
    s.state = RENEWAL_ACTIVE;
    s.period_end = s.period_start;
    assert_int_equal(renewal_due(&s, D("2027-03-01"), due, 4, &n), BC_INVALID_ARGUMENT);
}

/* A 30-day trial from Jan 15 ends Feb 14: the paid periods land on the 14th. */
static void due_after_a_trial(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-01-15", "2026-02-14", 15);
    s.state = RENEWAL_TRIAL;
    struct renewal_due due[4];
    size_t n = 0;
    assert_int_equal(renewal_due(&s, D("2026-03-20"), due, 4, &n), BC_OK);
    assert_int_equal(n, 2);
    assert_day(due[0].period_start, "2026-02-14");
    assert_day(due[0].period_end, "2026-03-14");
    assert_int_equal(due[0].anchor_day, 14);
    assert_day(due[1].period_start, "2026-03-14");
    assert_day(due[1].period_end, "2026-04-14");
    assert_string_equal(due[0].key, "renew:42:2026-02-14");
}

/* A scheduled frequency change bills the next period, and every one after,
 * annually. */
static void due_with_a_scheduled_frequency(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-01-31", "2026-02-28", 31);
    s.scheduled = true;
    s.next = terms("professional", 5, BC_PERIOD_ANNUAL);
    struct renewal_due due[4];
    size_t n = 0;
    assert_int_equal(renewal_due(&s, D("2027-03-01"), due, 4, &n), BC_OK);
    assert_int_equal(n, 2);
    assert_day(due[0].period_start, "2026-02-28");
    assert_day(due[0].period_end, "2027-02-28");
    assert_int_equal(due[0].period, BC_PERIOD_ANNUAL);
    assert_day(due[1].period_start, "2027-02-28");
    assert_day(due[1].period_end, "2028-02-29");

    struct renewal_due up;
    assert_int_equal(renewal_upcoming(&s, &up), BC_OK);
    assert_day(up.period_start, "2026-02-28");
    assert_day(up.period_end, "2027-02-28");
    assert_string_equal(up.key, "renew:42:2026-02-28");
}

/* ---- the charge ------------------------------------------------------ */

static struct renewal_account account(const char *cur, const char *cc, const char *vn,
                                      int64_t balance)
{
    return (struct renewal_account){cur, cc, vn, balance};
}

/* Professional monthly 12.00 × 5 in Italy: 60.00 + VAT 13.20 = 73.20. */
static void charge_it_22(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    struct renewal_terms t = terms("professional", 5, BC_PERIOD_MONTHLY);
    struct renewal_account a = account("EUR", "IT", NULL, 0);
    struct renewal_charge r;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_int_equal(r.unit_price, 1200);
    assert_int_equal(r.seats, 5);
    assert_int_equal(r.vat.rate_bp, 2200);
    assert_false(r.vat.reverse_charge);
    assert_int_equal(r.item.nlines, 2);
    assert_int_equal(r.item.lines[0].kind, QUOTE_LINE_CHARGE);
    assert_int_equal(r.item.lines[0].amount, 6000);
    assert_day(r.item.lines[0].from, "2026-12-10");
    assert_day(r.item.lines[0].to, "2027-01-10");
    assert_int_equal(r.item.lines[1].kind, QUOTE_LINE_TAX);
    assert_int_equal(r.item.lines[1].amount, 1320);
    assert_int_equal(r.item.credit, 0);
    assert_int_equal(r.item.subtotal, 6000);
    assert_int_equal(r.item.tax, 1320);
    assert_int_equal(r.totals.total, 7320);
    assert_int_equal(r.totals.balance_applied, 0);
    assert_int_equal(r.totals.due, 7320);
    assert_int_equal(r.totals.balance_after, 0);

    /* Business annual 168.00 × 2: 336.00 + 73.92. */
    t = terms("business", 2, BC_PERIOD_ANNUAL);
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-12-10"), &r),
                     BC_OK);
    assert_int_equal(r.item.lines[0].amount, 33600);
    assert_int_equal(r.item.lines[1].amount, 7392);
    assert_int_equal(r.totals.due, 40992);
    catalog_destroy(c);
}

/* The balance goes first: all of it when it covers the renewal, else what
 * there is, the rest to the card. */
static void charge_applies_the_balance(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    struct renewal_terms t = terms("professional", 5, BC_PERIOD_MONTHLY);
    struct renewal_account a = account("EUR", "IT", "", 10000);
    struct renewal_charge r;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_int_equal(r.totals.total, 7320);
    assert_int_equal(r.totals.balance_applied, 7320);
    assert_int_equal(r.totals.due, 0);
    assert_int_equal(r.totals.balance_after, 2680);

    a.balance = 7320;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_int_equal(r.totals.balance_applied, 7320);
    assert_int_equal(r.totals.due, 0);
    assert_int_equal(r.totals.balance_after, 0);

    a.balance = 2000;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_int_equal(r.totals.balance_applied, 2000);
    assert_int_equal(r.totals.due, 5320);
    assert_int_equal(r.totals.balance_after, 0);
    catalog_destroy(c);
}

/* JPY has no decimals: 1700 × 3 = 5100, VAT 22% 1122; in Finland (25.5%)
 * 1700 × 25.5% = 433.5 rounds half away from zero to 434. */
static void charge_jpy(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    struct renewal_terms t = terms("professional", 3, BC_PERIOD_MONTHLY);
    struct renewal_account a = account("JPY", "IT", NULL, 222);
    struct renewal_charge r;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_int_equal(r.unit_price, 1700);
    assert_int_equal(r.item.lines[0].amount, 5100);
    assert_int_equal(r.item.lines[1].amount, 1122);
    assert_int_equal(r.totals.total, 6222);
    assert_int_equal(r.totals.balance_applied, 222);
    assert_int_equal(r.totals.due, 6000);

    t.seats = 1;
    a = account("JPY", "FI", NULL, 0);
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_int_equal(r.vat.rate_bp, 2550);
    assert_int_equal(r.item.lines[1].amount, 434);
    assert_int_equal(r.totals.due, 2134);
    catalog_destroy(c);
}

/* §3's VAT cases hold for renewals: reverse charge with a valid VAT number
 * of another member state, the customer's rate without one, none outside. */
static void charge_vat_cases(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    struct renewal_terms t = terms("professional", 5, BC_PERIOD_MONTHLY);
    struct renewal_charge r;
    struct renewal_account a = account("EUR", "DE", "DE136695976", 0);
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_true(r.vat.reverse_charge);
    assert_int_equal(r.item.lines[1].amount, 0);
    assert_true(r.item.lines[1].reverse_charge);
    assert_int_equal(r.totals.due, 6000);

    a.vat_number = "DE136695975";          /* wrong check digit: DE's rate */
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_false(r.vat.reverse_charge);
    assert_int_equal(r.item.lines[1].amount, 1140);

    a = account("EUR", "IT", "IT00743110157", 0);   /* domestic: IT VAT even with a number */
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_int_equal(r.item.lines[1].amount, 1320);

    a = account("USD", "US", NULL, 0);
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, D("2026-12-10"), D("2027-01-10"), &r),
                     BC_OK);
    assert_false(r.vat.in_eu);
    assert_int_equal(r.item.lines[0].amount, 7000);
    assert_int_equal(r.item.lines[1].amount, 0);
    assert_int_equal(r.totals.due, 7000);
    catalog_destroy(c);
}

static void charge_errors(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    struct renewal_terms t = terms("professional", 5, BC_PERIOD_MONTHLY);
    struct renewal_account a = account("EUR", "IT", NULL, 0);
    struct renewal_charge r;
    bc_day from = D("2026-12-10"), to = D("2027-01-10");
    assert_int_equal(renewal_charge(c, "gotomeetings", &t, &a, from, to, &r), BC_NOT_FOUND);
    struct renewal_terms bad = terms("free", 5, BC_PERIOD_MONTHLY);
    assert_int_equal(renewal_charge(c, "gotomeeting", &bad, &a, from, to, &r), BC_NOT_FOUND);
    a.currency = "CHF";
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, from, to, &r), BC_UNKNOWN_CURRENCY);
    a.currency = "EUR";
    a.balance = -1;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, from, to, &r), BC_INVALID_ARGUMENT);
    a.balance = 0;
    t.seats = 0;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, from, to, &r), BC_INVALID_ARGUMENT);
    t.seats = 5;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, to, from, &r), BC_INVALID_ARGUMENT);

    /* A price × seats, or its VAT on top, that does not fit is an error,
     * never a wrap. (The loaded catalog is this test's own.) */
    struct catalog_plan *plan = (struct catalog_plan *)catalog_plan(catalog_product(c, "gotomeeting"),
                                                                    "professional");
    plan->prices[0].amount[BC_PERIOD_MONTHLY] = INT64_MAX / 4;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, from, to, &r), BC_OVERFLOW);
    assert_int_equal(r.totals.due, 0);
    t.seats = 1;
    plan->prices[0].amount[BC_PERIOD_MONTHLY] = INT64_MAX / 10 * 9;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, from, to, &r), BC_OVERFLOW);
    a.country = "US";                       /* no VAT: the charge alone fits */
    assert_int_equal(renewal_charge(c, "gotomeeting", &t, &a, from, to, &r), BC_OK);
    assert_int_equal(r.totals.due, INT64_MAX / 10 * 9);
    catalog_destroy(c);
}

/* ---- dunning --------------------------------------------------------- */

static void dunning_days_from_p1(void **state)
{
    (void)state;
    bc_day r[4], susp = 0;
    assert_int_equal(renewal_dunning_schedule(D("2026-12-10"), &dunning, r, &susp), BC_OK);
    assert_day(r[0], "2026-12-11");
    assert_day(r[1], "2026-12-13");
    assert_day(r[2], "2026-12-15");
    assert_day(r[3], "2026-12-17");
    assert_day(susp, "2026-12-17");
    /* Across a month end in a leap year. */
    assert_int_equal(renewal_dunning_schedule(D("2028-02-27"), &dunning, r, &susp), BC_OK);
    assert_day(r[0], "2028-02-28");
    assert_day(r[1], "2028-03-01");
    assert_day(r[3], "2028-03-05");

    static const int dup[] = {1, 1}, zero[] = {0, 2}, down[] = {3, 2};
    const struct renewal_dunning bad[] = {{default_days, 0}, {dup, 2}, {zero, 2}, {down, 2},
                                          {NULL, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(renewal_dunning_schedule(D("2026-12-10"), &bad[i], r, &susp),
                         BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_dunning_schedule(D("9999-12-28"), &dunning, r, &susp),
                     BC_DATE_OUT_OF_RANGE);
}

/* Day by day after a renewal declined on P1 = Dec 10, each retry failing:
 * retries on the 11th, 13th, 15th and 17th, the last one suspending. */
static void dunning_day_by_day(void **state)
{
    (void)state;
    const bc_day p1 = D("2026-12-10");
    bc_day last = p1;
    static const struct {
        const char *today;
        bool retry, last;
        int number;
        const char *next;
    } days[] = {
        {"2026-12-10", false, false, 0, "2026-12-11"},
        {"2026-12-11", true, false, 1, NULL},
        {"2026-12-12", false, false, 0, "2026-12-13"},
        {"2026-12-13", true, false, 2, NULL},
        {"2026-12-14", false, false, 0, "2026-12-15"},
        {"2026-12-15", true, false, 3, NULL},
        {"2026-12-16", false, false, 0, "2026-12-17"},
        {"2026-12-17", true, true, 4, NULL},
    };
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        struct renewal_retry r;
        bc_day today = D(days[i].today);
        assert_int_equal(renewal_dunning_today(p1, &dunning, last, today, &r), BC_OK);
        assert_int_equal(r.retry, days[i].retry);
        assert_int_equal(r.last, days[i].last);
        assert_int_equal(r.number, days[i].number);
        if (days[i].next)
            assert_day(r.next_retry, days[i].next);
        else
            assert_int_equal(r.next_retry, 0);
        if (r.retry) {
            last = today;
            /* renew run again the same day: that retry is done */
            assert_int_equal(renewal_dunning_today(p1, &dunning, last, today, &r), BC_OK);
            assert_false(r.retry);
        }
    }
}

static void dunning_catches_up(void **state)
{
    (void)state;
    const bc_day p1 = D("2026-12-10");
    struct renewal_retry r;
    /* Off from the 11th to the 16th: one retry for days 1, 3 and 5. */
    assert_int_equal(renewal_dunning_today(p1, &dunning, p1, D("2026-12-16"), &r), BC_OK);
    assert_true(r.retry);
    assert_false(r.last);
    assert_int_equal(r.number, 3);
    /* The renewal itself declined late, on the 14th: the next retry is the 15th. */
    assert_int_equal(renewal_dunning_today(p1, &dunning, D("2026-12-14"), D("2026-12-14"), &r),
                     BC_OK);
    assert_false(r.retry);
    assert_day(r.next_retry, "2026-12-15");
    /* Off past the last day: one retry, and its decline suspends. */
    assert_int_equal(renewal_dunning_today(p1, &dunning, D("2026-12-13"), D("2026-12-20"), &r),
                     BC_OK);
    assert_true(r.retry);
    assert_true(r.last);
    assert_int_equal(r.number, 4);
    /* The catalog's list shortened under a past_due subscription: one last retry. */
    static const int one[] = {1};
    const struct renewal_dunning shorter = {one, 1};
    assert_int_equal(renewal_dunning_today(p1, &shorter, D("2026-12-13"), D("2026-12-14"), &r),
                     BC_OK);
    assert_true(r.retry);
    assert_true(r.last);
    assert_int_equal(r.number, 1);
    assert_int_equal(renewal_dunning_today(p1, &shorter, D("2026-12-14"), D("2026-12-14"), &r),
                     BC_OK);
    assert_false(r.retry);
    assert_int_equal(r.next_retry, 0);

    assert_int_equal(renewal_dunning_today(p1, &dunning, p1, D("2026-12-09"), &r),
                     BC_INVALID_ARGUMENT);
    assert_int_equal(renewal_dunning_today(p1, &dunning, D("2026-12-09"), D("2026-12-11"), &r),
                     BC_INVALID_ARGUMENT);
}

/* ---- what renew does today ------------------------------------------- */

static void decide_each_state(void **state)
{
    (void)state;
    struct renewal_decision dec;
    struct renewal_sub s = sub_make("2026-11-10", "2026-12-10", 10);
    assert_int_equal(renewal_decide(&s, &dunning, D("2026-12-09"), &dec), BC_OK);
    assert_int_equal(dec.action, RENEWAL_ACTION_NONE);
    assert_int_equal(renewal_decide(&s, &dunning, D("2026-12-10"), &dec), BC_OK);
    assert_int_equal(dec.action, RENEWAL_ACTION_RENEW);
    s.auto_renew = false;
    assert_int_equal(renewal_decide(&s, &dunning, D("2026-12-09"), &dec), BC_OK);
    assert_int_equal(dec.action, RENEWAL_ACTION_NONE);
    assert_int_equal(renewal_decide(&s, &dunning, D("2026-12-10"), &dec), BC_OK);
    assert_int_equal(dec.action, RENEWAL_ACTION_END);
    s.auto_renew = true;
    s.state = RENEWAL_TRIAL;
    assert_int_equal(renewal_decide(&s, &dunning, D("2026-12-10"), &dec), BC_OK);
    assert_int_equal(dec.action, RENEWAL_ACTION_RENEW);

    s.state = RENEWAL_PAST_DUE;
    s.last_attempt = D("2026-12-10");
    assert_int_equal(renewal_decide(&s, &dunning, D("2026-12-12"), &dec), BC_OK);
    assert_int_equal(dec.action, RENEWAL_ACTION_RETRY);
    assert_int_equal(dec.retry.number, 1);
    s.last_attempt = D("2026-12-12");
    assert_int_equal(renewal_decide(&s, &dunning, D("2026-12-12"), &dec), BC_OK);
    assert_int_equal(dec.action, RENEWAL_ACTION_NONE);
    assert_day(dec.retry.next_retry, "2026-12-13");

    enum renewal_state none[] = {RENEWAL_SUSPENDED, RENEWAL_CANCELED, RENEWAL_TRIAL_ENDED};
    for (size_t i = 0; i < 3; i++) {
        s.state = none[i];
        assert_int_equal(renewal_decide(&s, &dunning, D("2027-06-01"), &dec), BC_OK);
        assert_int_equal(dec.action, RENEWAL_ACTION_NONE);
    }
}

/* ---- transitions ----------------------------------------------------- */

static struct renewal_transition apply_ok(const struct renewal_sub *s, enum renewal_event ev,
                                          const char *today)
{
    struct renewal_transition t;
    enum bc_status st = renewal_apply(s, ev, D(today), &dunning, &t);
    if (st != BC_OK)
        fail_msg("event %d on %s: %s", (int)ev, today, bc_status_code(st));
    assert_int_equal(t.refusal, BC_OK);
    return t;
}

static void assert_refused(const struct renewal_sub *s, enum renewal_event ev, const char *today,
                           enum bc_status want)
{
    struct renewal_transition t;
    enum bc_status st = renewal_apply(s, ev, D(today), &dunning, &t);
    if (st != want)
        fail_msg("event %d in %s on %s: got %s, expected %s", (int)ev,
                 renewal_state_name(s->state), today, bc_status_code(st), bc_status_code(want));
    assert_int_equal(t.refusal, want);
    assert_sub_equal(&t.after, s);
    assert_false(t.new_period);
    assert_null(t.log_event);
}

static void renewal_paid_starts_the_next_period(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-01-31", "2026-02-28", 31);
    struct renewal_transition t = apply_ok(&s, RENEWAL_EV_PAID, "2026-02-28");
    assert_int_equal(t.after.state, RENEWAL_ACTIVE);
    assert_true(t.after.auto_renew);
    assert_true(t.new_period);
    assert_false(t.scheduled_applied);
    assert_day(t.after.period_start, "2026-02-28");
    assert_day(t.after.period_end, "2026-03-31");
    assert_int_equal(t.after.anchor_day, 31);
    assert_string_equal(t.log_event, "subscription.renewed");
    /* Not before P1, not with auto_renew off, not from past_due. */
    assert_refused(&s, RENEWAL_EV_PAID, "2026-02-27", BC_INVALID_ARGUMENT);
    s.auto_renew = false;
    assert_refused(&s, RENEWAL_EV_PAID, "2026-02-28", BC_INVALID_ARGUMENT);
    s.auto_renew = true;
    s.state = RENEWAL_PAST_DUE;
    s.last_attempt = s.period_end;
    assert_refused(&s, RENEWAL_EV_PAID, "2026-02-28", BC_INVALID_ARGUMENT);
}

/* Declined (or no card) on P1, every retry declined: past_due from P1 with
 * the period kept, then suspended after the retry of day 7. */
static void declined_renewal_through_dunning(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-11-10", "2026-12-10", 10);
    struct renewal_transition t = apply_ok(&s, RENEWAL_EV_FAILED, "2026-12-10");
    assert_int_equal(t.after.state, RENEWAL_PAST_DUE);
    assert_true(t.after.auto_renew);
    assert_false(t.new_period);
    assert_day(t.after.period_start, "2026-11-10");
    assert_day(t.after.period_end, "2026-12-10");
    assert_day(t.after.last_attempt, "2026-12-10");
    assert_string_equal(t.log_event, "subscription.past_due");
    s = t.after;

    static const char *const retries[] = {"2026-12-11", "2026-12-13", "2026-12-15"};
    for (size_t i = 0; i < 3; i++) {
        t = apply_ok(&s, RENEWAL_EV_RETRY_FAILED, retries[i]);
        assert_int_equal(t.after.state, RENEWAL_PAST_DUE);
        assert_day(t.after.last_attempt, retries[i]);
        assert_string_equal(t.log_event, "payment.failed");
        s = t.after;
    }
    t = apply_ok(&s, RENEWAL_EV_RETRY_FAILED, "2026-12-17");
    assert_int_equal(t.after.state, RENEWAL_SUSPENDED);
    assert_day(t.after.period_end, "2026-12-10");
    assert_string_equal(t.log_event, "subscription.suspended");

    /* Declined for the first time after the last retry day: suspended at once. */
    s = sub_make("2026-11-10", "2026-12-10", 10);
    t = apply_ok(&s, RENEWAL_EV_FAILED, "2026-12-17");
    assert_int_equal(t.after.state, RENEWAL_SUSPENDED);
    assert_string_equal(t.log_event, "subscription.suspended");

    /* FAILED needs the dunning days; retries only from past_due. */
    s = sub_make("2026-11-10", "2026-12-10", 10);
    struct renewal_transition u;
    assert_int_equal(renewal_apply(&s, RENEWAL_EV_FAILED, D("2026-12-10"), NULL, &u),
                     BC_INVALID_ARGUMENT);
    assert_sub_equal(&u.after, &s);
    assert_refused(&s, RENEWAL_EV_RETRY_FAILED, "2026-12-11", BC_INVALID_ARGUMENT);
    assert_refused(&s, RENEWAL_EV_RETRY_PAID, "2026-12-11", BC_INVALID_ARGUMENT);
    assert_refused(&s, RENEWAL_EV_FAILED, "2026-12-09", BC_INVALID_ARGUMENT);
}

/* A retry paid (or Pay now while past_due) renews [P1, P1 + 1 period) at
 * full price with the anchor kept: anchor 31, P1 Feb 28 -> [Feb 28, Mar 31). */
static void paid_while_past_due_keeps_the_anchor(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-01-31", "2026-02-28", 31);
    s = apply_ok(&s, RENEWAL_EV_FAILED, "2026-02-28").after;
    assert_int_equal(s.state, RENEWAL_PAST_DUE);

    enum renewal_event evs[] = {RENEWAL_EV_RETRY_PAID, RENEWAL_EV_PAY};
    for (size_t i = 0; i < 2; i++) {
        struct renewal_transition t = apply_ok(&s, evs[i], "2026-03-03");
        assert_int_equal(t.after.state, RENEWAL_ACTIVE);
        assert_true(t.new_period);
        assert_day(t.after.period_start, "2026-02-28");
        assert_day(t.after.period_end, "2026-03-31");
        assert_int_equal(t.after.anchor_day, 31);
        assert_int_equal(t.after.last_attempt, 0);
        assert_string_equal(t.log_event, "subscription.renewed");
    }
}

/* Paying a suspended subscription starts a new period on the day of payment. */
static void pay_while_suspended_resets_the_anchor(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-01-31", "2026-02-28", 31);
    s = apply_ok(&s, RENEWAL_EV_FAILED, "2026-02-28").after;
    s = apply_ok(&s, RENEWAL_EV_RETRY_FAILED, "2026-03-07").after;
    assert_int_equal(s.state, RENEWAL_SUSPENDED);
    assert_refused(&s, RENEWAL_EV_RETRY_PAID, "2026-03-10", BC_INVALID_ARGUMENT);
    struct renewal_transition t = apply_ok(&s, RENEWAL_EV_PAY, "2026-03-10");
    assert_int_equal(t.after.state, RENEWAL_ACTIVE);
    assert_true(t.after.auto_renew);
    assert_true(t.new_period);
    assert_day(t.after.period_start, "2026-03-10");
    assert_day(t.after.period_end, "2026-04-10");
    assert_int_equal(t.after.anchor_day, 10);
    assert_string_equal(t.log_event, "subscription.renewed");

    /* Nothing to pay for a subscription that is not overdue. */
    struct renewal_sub a = sub_make("2026-01-31", "2026-02-28", 31);
    assert_refused(&a, RENEWAL_EV_PAY, "2026-02-10", BC_NO_CHANGE);
    a.state = RENEWAL_CANCELED;
    assert_refused(&a, RENEWAL_EV_PAY, "2026-03-10", BC_NO_CHANGE);
    a.state = RENEWAL_TRIAL_ENDED;
    assert_refused(&a, RENEWAL_EV_PAY, "2026-03-10", BC_TRIAL_ENDED);
}

static void cancel_then_period_end(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-11-10", "2026-12-10", 10);
    struct renewal_transition t = apply_ok(&s, RENEWAL_EV_CANCEL, "2026-11-20");
    assert_int_equal(t.after.state, RENEWAL_ACTIVE);      /* Pending cancellation */
    assert_false(t.after.auto_renew);
    assert_false(t.new_period);
    assert_int_equal(t.after.period_end, s.period_end);
    assert_string_equal(t.log_event, "subscription.changed");
    s = t.after;
    assert_refused(&s, RENEWAL_EV_CANCEL, "2026-11-21", BC_NO_CHANGE);
    assert_refused(&s, RENEWAL_EV_PERIOD_END, "2026-12-09", BC_INVALID_ARGUMENT);

    t = apply_ok(&s, RENEWAL_EV_PERIOD_END, "2026-12-10");
    assert_int_equal(t.after.state, RENEWAL_CANCELED);
    assert_false(t.after.auto_renew);
    assert_false(t.new_period);
    assert_string_equal(t.log_event, "subscription.canceled");

    /* PERIOD_END is for auto_renew off only: on, the subscription renews. */
    struct renewal_sub on = sub_make("2026-11-10", "2026-12-10", 10);
    assert_refused(&on, RENEWAL_EV_PERIOD_END, "2026-12-10", BC_INVALID_ARGUMENT);
}

static void reactivate_before_p1(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-11-10", "2026-12-10", 10);
    assert_refused(&s, RENEWAL_EV_REACTIVATE, "2026-11-20", BC_NO_CHANGE);
    s = apply_ok(&s, RENEWAL_EV_CANCEL, "2026-11-20").after;
    struct renewal_transition t = apply_ok(&s, RENEWAL_EV_REACTIVATE, "2026-12-09");
    assert_int_equal(t.after.state, RENEWAL_ACTIVE);
    assert_true(t.after.auto_renew);
    assert_false(t.new_period);
    assert_string_equal(t.log_event, "subscription.reactivated");
    assert_refused(&s, RENEWAL_EV_REACTIVATE, "2026-12-10", BC_DATE_OUTSIDE_PERIOD);
    struct renewal_sub gone = apply_ok(&s, RENEWAL_EV_PERIOD_END, "2026-12-10").after;
    assert_refused(&gone, RENEWAL_EV_REACTIVATE, "2026-12-11", BC_DATE_OUTSIDE_PERIOD);
}

/* A trial ending with a card on file converts to paid (the first paid
 * period lands on the trial's end); without one it becomes trial_ended. */
static void trial_end(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-01-15", "2026-02-14", 15);
    s.state = RENEWAL_TRIAL;
    struct renewal_transition t = apply_ok(&s, RENEWAL_EV_PAID, "2026-02-14");
    assert_int_equal(t.after.state, RENEWAL_ACTIVE);
    assert_true(t.new_period);
    assert_day(t.after.period_start, "2026-02-14");
    assert_day(t.after.period_end, "2026-03-14");
    assert_int_equal(t.after.anchor_day, 14);
    assert_string_equal(t.log_event, "subscription.renewed");

    t = apply_ok(&s, RENEWAL_EV_TRIAL_END_NO_CARD, "2026-02-14");
    assert_int_equal(t.after.state, RENEWAL_TRIAL_ENDED);
    assert_false(t.new_period);
    assert_string_equal(t.log_event, "subscription.changed");
    assert_refused(&s, RENEWAL_EV_TRIAL_END_NO_CARD, "2026-02-13", BC_INVALID_ARGUMENT);
    struct renewal_sub a = sub_make("2026-01-15", "2026-02-14", 15);
    assert_refused(&a, RENEWAL_EV_TRIAL_END_NO_CARD, "2026-02-14", BC_INVALID_ARGUMENT);

    /* A card that declines at the trial's end: past_due, the anchor now 14,
     * so that paying renews [Feb 14, Mar 14). */
    t = apply_ok(&s, RENEWAL_EV_FAILED, "2026-02-14");
    assert_int_equal(t.after.state, RENEWAL_PAST_DUE);
    assert_int_equal(t.after.anchor_day, 14);
    t = apply_ok(&t.after, RENEWAL_EV_PAY, "2026-02-16");
    assert_day(t.after.period_start, "2026-02-14");
    assert_day(t.after.period_end, "2026-03-14");

    /* A trial canceled before its end is canceled at its end. */
    s.auto_renew = false;
    t = apply_ok(&s, RENEWAL_EV_PERIOD_END, "2026-02-14");
    assert_int_equal(t.after.state, RENEWAL_CANCELED);
}

static void subscribe_again(void **state)
{
    (void)state;
    struct renewal_sub s = sub_make("2026-01-15", "2026-02-14", 15);
    s.state = RENEWAL_TRIAL_ENDED;
    s.auto_renew = false;
    struct renewal_transition t = apply_ok(&s, RENEWAL_EV_SUBSCRIBE, "2026-05-20");
    assert_int_equal(t.after.state, RENEWAL_ACTIVE);
    assert_true(t.after.auto_renew);
    assert_true(t.new_period);
    assert_day(t.after.period_start, "2026-05-20");
    assert_day(t.after.period_end, "2026-06-20");
    assert_int_equal(t.after.anchor_day, 20);
    assert_string_equal(t.log_event, "subscription.created");
    s.state = RENEWAL_CANCELED;
    t = apply_ok(&s, RENEWAL_EV_SUBSCRIBE, "2026-05-31");
    assert_day(t.after.period_end, "2026-06-30");
    assert_int_equal(t.after.anchor_day, 31);

    struct renewal_sub a = sub_make("2026-11-10", "2026-12-10", 10);
    assert_refused(&a, RENEWAL_EV_SUBSCRIBE, "2026-11-20", BC_NO_CHANGE);
}

/* past_due and suspended refuse every change with payment_overdue; Cancel
 * ends them at once (nothing was ordered for the unpaid period). */
static void overdue_refuses_changes(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    const struct catalog_product *prod = catalog_product(c, "gotomeeting");
    struct renewal_sub s = sub_make("2026-11-10", "2026-12-10", 10);
    s.scheduled = true;
    s.next = terms("professional", 3, BC_PERIOD_MONTHLY);
    struct renewal_sub past_due = apply_ok(&s, RENEWAL_EV_FAILED, "2026-12-10").after;
    struct renewal_sub suspended = apply_ok(&past_due, RENEWAL_EV_RETRY_FAILED, "2026-12-17").after;
    assert_int_equal(past_due.state, RENEWAL_PAST_DUE);
    assert_int_equal(suspended.state, RENEWAL_SUSPENDED);

    const struct renewal_sub *overdue[] = {&past_due, &suspended};
    for (size_t i = 0; i < 2; i++) {
        const struct renewal_sub *o = overdue[i];
        assert_refused(o, RENEWAL_EV_CHANGE, "2026-12-18", BC_PAYMENT_OVERDUE);
        assert_refused(o, RENEWAL_EV_UNSCHEDULE, "2026-12-18", BC_PAYMENT_OVERDUE);
        assert_refused(o, RENEWAL_EV_REACTIVATE, "2026-12-18", BC_PAYMENT_OVERDUE);
        assert_refused(o, RENEWAL_EV_SUBSCRIBE, "2026-12-18", BC_PAYMENT_OVERDUE);
        struct renewal_terms to = terms("business", 5, BC_PERIOD_MONTHLY);
        struct renewal_transition t;
        assert_int_equal(renewal_schedule(o, prod, &to, 0, false, D("2026-12-09"), &t),
                         BC_PAYMENT_OVERDUE);
        assert_int_equal(t.refusal, BC_PAYMENT_OVERDUE);
        assert_sub_equal(&t.after, o);

        t = apply_ok(o, RENEWAL_EV_CANCEL, "2026-12-18");
        assert_int_equal(t.after.state, RENEWAL_CANCELED);
        assert_false(t.after.auto_renew);
        assert_false(t.after.scheduled);
        assert_string_equal(t.log_event, "subscription.canceled");
    }

    /* Allowed where the subscription runs; trial_ended and canceled say why not. */
    struct renewal_transition t = apply_ok(&s, RENEWAL_EV_CHANGE, "2026-11-20");
    assert_sub_equal(&t.after, &s);
    assert_null(t.log_event);
    s.state = RENEWAL_TRIAL;
    apply_ok(&s, RENEWAL_EV_CHANGE, "2026-11-20");
    s.state = RENEWAL_TRIAL_ENDED;
    assert_refused(&s, RENEWAL_EV_CHANGE, "2026-12-20", BC_TRIAL_ENDED);
    s.state = RENEWAL_CANCELED;
    assert_refused(&s, RENEWAL_EV_CHANGE, "2026-12-20", BC_DATE_OUTSIDE_PERIOD);
    assert_refused(&s, RENEWAL_EV_CANCEL, "2026-12-20", BC_NO_CHANGE);
    catalog_destroy(c);
}

/* ---- scheduled changes ----------------------------------------------- */

static struct renewal_sub business_5(void)
{
    struct renewal_sub s = sub_make("2026-11-10", "2026-12-10", 10);
    s.terms = terms("business", 5, BC_PERIOD_MONTHLY);
    return s;
}

static void schedule_downgrade_rule(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    const struct catalog_product *support = catalog_product(c, "gotomeeting");
    assert_int_equal(support->downgrade, CATALOG_DOWNGRADE_SUPPORT);
    struct catalog_product eot = *support;
    eot.downgrade = CATALOG_DOWNGRADE_END_OF_TERM;

    struct renewal_sub s = business_5();
    struct renewal_terms lower = terms("professional", 5, BC_PERIOD_MONTHLY);
    struct renewal_transition t;
    bc_day today = D("2026-11-20");
    assert_int_equal(renewal_schedule(&s, support, &lower, 2, false, today, &t),
                     BC_DOWNGRADE_REQUIRES_SUPPORT);
    assert_sub_equal(&t.after, &s);
    assert_null(t.log_event);

    assert_int_equal(renewal_schedule(&s, support, &lower, 2, true, today, &t), BC_OK);
    assert_true(t.after.scheduled);
    assert_string_equal(t.after.next.plan, "professional");

    assert_int_equal(renewal_schedule(&s, &eot, &lower, 2, false, today, &t), BC_OK);
    assert_int_equal(t.refusal, BC_OK);
    assert_true(t.after.scheduled);
    assert_terms_equal(&t.after.terms, &s.terms);   /* nothing changes today */
    assert_false(t.new_period);
    assert_string_equal(t.log_event, "subscription.changed");

    /* At P1 the renewal bills the lower tier: 12.00 × 5 + 22%. */
    t = apply_ok(&t.after, RENEWAL_EV_PAID, "2026-12-10");
    assert_true(t.scheduled_applied);
    assert_false(t.after.scheduled);
    assert_string_equal(t.after.terms.plan, "professional");
    struct renewal_account a = account("EUR", "IT", NULL, 0);
    struct renewal_charge r;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t.after.terms, &a, t.after.period_start,
                                    t.after.period_end, &r), BC_OK);
    assert_int_equal(r.totals.due, 7320);
    catalog_destroy(c);
}

/* A seat reduction: never below the seats assigned; until P1 no more seats
 * may be assigned than the next period will have. */
static void schedule_seat_reduction(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    const struct catalog_product *prod = catalog_product(c, "gotomeeting");
    struct renewal_sub s = business_5();
    struct renewal_terms fewer = terms("business", 3, BC_PERIOD_MONTHLY);
    struct renewal_transition t;
    bc_day today = D("2026-11-20");
    assert_int_equal(renewal_seat_limit(&s), 5);
    assert_int_equal(renewal_schedule(&s, prod, &fewer, 4, false, today, &t),
                     BC_SEATS_BELOW_ASSIGNED);
    assert_int_equal(renewal_schedule(&s, prod, &fewer, 3, false, today, &t), BC_OK);
    assert_int_equal(renewal_seat_limit(&t.after), 3);
    assert_int_equal(t.after.terms.seats, 5);

    struct renewal_terms none = terms("business", 0, BC_PERIOD_MONTHLY);
    assert_int_equal(renewal_schedule(&s, prod, &none, 0, false, today, &t), BC_SEATS_OUT_OF_RANGE);
    struct renewal_terms many = terms("business", 251, BC_PERIOD_MONTHLY);
    assert_int_equal(renewal_schedule(&s, prod, &many, 0, false, today, &t), BC_SEATS_OUT_OF_RANGE);
    struct renewal_terms same = terms("business", 5, BC_PERIOD_MONTHLY);
    assert_int_equal(renewal_schedule(&s, prod, &same, 0, false, today, &t), BC_NO_CHANGE);
    struct renewal_terms unknown = terms("platinum", 5, BC_PERIOD_MONTHLY);
    assert_int_equal(renewal_schedule(&s, prod, &unknown, 0, false, today, &t), BC_NOT_FOUND);
    assert_int_equal(renewal_schedule(&s, prod, &fewer, 3, false, D("2026-12-10"), &t),
                     BC_DATE_OUTSIDE_PERIOD);
    assert_int_equal(renewal_schedule(&s, prod, &fewer, 3, false, D("2026-11-09"), &t),
                     BC_DATE_OUTSIDE_PERIOD);

    /* Renewed at P1 with 3 seats: 16.00 × 3 = 48.00 + 10.56. */
    struct renewal_sub sched;
    assert_int_equal(renewal_schedule(&s, prod, &fewer, 3, false, today, &t), BC_OK);
    sched = t.after;
    t = apply_ok(&sched, RENEWAL_EV_PAID, "2026-12-10");
    assert_int_equal(t.after.terms.seats, 3);
    assert_int_equal(renewal_seat_limit(&t.after), 3);
    struct renewal_account a = account("EUR", "IT", NULL, 1000);
    struct renewal_charge r;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t.after.terms, &a, t.after.period_start,
                                    t.after.period_end, &r), BC_OK);
    assert_int_equal(r.totals.total, 5856);
    assert_int_equal(r.totals.balance_applied, 1000);
    assert_int_equal(r.totals.due, 4856);

    /* Cancel scheduled change: the renewal bills 5 seats again. */
    t = apply_ok(&sched, RENEWAL_EV_UNSCHEDULE, "2026-11-25");
    assert_false(t.after.scheduled);
    assert_int_equal(renewal_seat_limit(&t.after), 5);
    assert_string_equal(t.log_event, "subscription.changed");
    assert_refused(&t.after, RENEWAL_EV_UNSCHEDULE, "2026-11-25", BC_NO_CHANGE);

    /* A canceled subscription has no next renewal: the change goes too. */
    sched.auto_renew = false;
    t = apply_ok(&sched, RENEWAL_EV_PERIOD_END, "2026-12-10");
    assert_false(t.after.scheduled);
    catalog_destroy(c);
}

/* Monthly to annual at the end of the term: the renewal at P1 starts a year,
 * anchor kept, at the annual price. */
static void schedule_frequency_change(void **state)
{
    (void)state;
    struct catalog *c = shipped();
    const struct catalog_product *prod = catalog_product(c, "gotomeeting");
    struct renewal_sub s = sub_make("2026-01-31", "2026-02-28", 31);
    struct renewal_terms annual = terms("professional", 5, BC_PERIOD_ANNUAL);
    struct renewal_transition t;
    assert_int_equal(renewal_schedule(&s, prod, &annual, 5, false, D("2026-02-10"), &t), BC_OK);
    t = apply_ok(&t.after, RENEWAL_EV_PAID, "2026-02-28");
    assert_true(t.scheduled_applied);
    assert_int_equal(t.after.terms.period, BC_PERIOD_ANNUAL);
    assert_day(t.after.period_start, "2026-02-28");
    assert_day(t.after.period_end, "2027-02-28");
    assert_int_equal(t.after.anchor_day, 31);
    struct renewal_account a = account("EUR", "IT", NULL, 0);
    struct renewal_charge r;
    assert_int_equal(renewal_charge(c, "gotomeeting", &t.after.terms, &a, t.after.period_start,
                                    t.after.period_end, &r), BC_OK);
    assert_int_equal(r.item.lines[0].amount, 60000);
    assert_int_equal(r.item.lines[1].amount, 13200);
    assert_int_equal(r.totals.due, 73200);
    catalog_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(state_names_round_trip),
        cmocka_unit_test(next_period_clamps_month_ends),
        cmocka_unit_test(next_period_annual_from_feb_29),
        cmocka_unit_test(next_period_refuses_bad_input),
        cmocka_unit_test(trial_period_is_days),
        cmocka_unit_test(idempotency_key),
        cmocka_unit_test(due_nothing_before_p1),
        cmocka_unit_test(due_after_a_week_off),
        cmocka_unit_test(due_catches_up_seven_periods),
        cmocka_unit_test(due_only_for_what_renews),
        cmocka_unit_test(due_after_a_trial),
        cmocka_unit_test(due_with_a_scheduled_frequency),
        cmocka_unit_test(charge_it_22),
        cmocka_unit_test(charge_applies_the_balance),
        cmocka_unit_test(charge_jpy),
        cmocka_unit_test(charge_vat_cases),
        cmocka_unit_test(charge_errors),
        cmocka_unit_test(dunning_days_from_p1),
        cmocka_unit_test(dunning_day_by_day),
        cmocka_unit_test(dunning_catches_up),
        cmocka_unit_test(decide_each_state),
        cmocka_unit_test(renewal_paid_starts_the_next_period),
        cmocka_unit_test(declined_renewal_through_dunning),
        cmocka_unit_test(paid_while_past_due_keeps_the_anchor),
        cmocka_unit_test(pay_while_suspended_resets_the_anchor),
        cmocka_unit_test(cancel_then_period_end),
        cmocka_unit_test(reactivate_before_p1),
        cmocka_unit_test(trial_end),
        cmocka_unit_test(subscribe_again),
        cmocka_unit_test(overdue_refuses_changes),
        cmocka_unit_test(schedule_downgrade_rule),
        cmocka_unit_test(schedule_seat_reduction),
        cmocka_unit_test(schedule_frequency_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
