/* test_quote.c — the SPEC §3 proration engine with exact figures: the worked
 * example, anchors, ties, repeated changes, seat reductions, VAT, refusals, overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "date.h"
#include "quote.h"
#include "vat.h"

static bc_day D(const char *s)
{
    bc_day d = 0;
    if (!date_parse(s, &d))
        fail_msg("bad date literal %s", s);
    return d;
}

static void assert_day(bc_day day, const char *want)
{
    char buf[11];
    date_format(day, buf);
    assert_string_equal(buf, want);
}

/* A monthly subscription whose period and item are [p0, p1), billed `billed`. */
static struct quote_current current(const char *p0, const char *p1, int seats, int64_t billed)
{
    struct quote_current c = {
        .rank = 1, .seats = seats, .seats_assigned = 0, .period = BC_PERIOD_MONTHLY,
        .period_start = D(p0), .period_end = D(p1), .item_start = D(p0),
        .anchor_day = date_mday(D(p0)), .billed = billed, .credited = 0,
    };
    return c;
}

static struct quote_target target(int rank, int seats, int64_t price)
{
    struct quote_target t = {
        .rank = rank, .seats_min = 1, .seats_max = 250, .seats = seats,
        .period = BC_PERIOD_MONTHLY, .unit_price = price, .same_plan = false,
    };
    return t;
}

/* The shipped catalog's policy (anchor reset, seats keep), co-terming
 * everything, and resetting everything (seat changes too). */
static const struct quote_policy RESET = {QUOTE_ANCHOR_RESET, QUOTE_SEATS_KEEP};
static const struct quote_policy KEEP = {QUOTE_ANCHOR_KEEP, QUOTE_SEATS_KEEP};
static const struct quote_policy ALL_RESET = {QUOTE_ANCHOR_RESET, QUOTE_SEATS_RESET};

static const struct quote_tax no_vat = {0, false};
static const struct quote_tax it_vat = {2200, false};

static void assert_line(const struct quote_line *l, enum quote_line_kind kind, int64_t amount,
                        const char *from, const char *to)
{
    assert_int_equal(l->kind, kind);
    assert_int_equal(l->amount, amount);
    assert_day(l->from, from);
    assert_day(l->to, to);
}

static void spec_worked_example(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-11-10", "2026-12-10", 5, 6000);
    struct quote_target to = target(2, 5, 1600);
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-25"), RESET, &q), BC_OK);
    assert_int_equal(q.refusal, BC_OK);
    assert_int_equal(q.nlines, 4);
    assert_line(&q.lines[0], QUOTE_LINE_CREDIT, -3000, "2026-11-25", "2026-12-10");
    assert_line(&q.lines[1], QUOTE_LINE_TAX, -660, "2026-11-25", "2026-12-10");
    assert_line(&q.lines[2], QUOTE_LINE_CHARGE, 8000, "2026-11-25", "2026-12-25");
    assert_line(&q.lines[3], QUOTE_LINE_TAX, 1760, "2026-11-25", "2026-12-25");
    assert_false(q.lines[1].reverse_charge);
    assert_int_equal(q.credit, 3000);
    assert_int_equal(q.charge, 8000);
    assert_int_equal(q.subtotal, 5000);
    assert_int_equal(q.tax, 1100);
    assert_int_equal(q.total, 6100);
    assert_day(q.period_start, "2026-11-25");
    assert_day(q.period_end, "2026-12-25");
    assert_day(q.item_start, "2026-11-25");
    assert_int_equal(q.anchor_day, 25);

    struct quote_totals t;
    assert_int_equal(quote_totals(&q, 1, 2000, &t), BC_OK);
    assert_int_equal(t.subtotal, 5000);
    assert_int_equal(t.tax, 1100);
    assert_int_equal(t.total, 6100);
    assert_int_equal(t.balance_applied, 2000);
    assert_int_equal(t.due, 4100);
    assert_int_equal(t.balance_after, 0);

    /* A balance larger than T covers it all. */
    assert_int_equal(quote_totals(&q, 1, 10000, &t), BC_OK);
    assert_int_equal(t.balance_applied, 6100);
    assert_int_equal(t.due, 0);
    assert_int_equal(t.balance_after, 3900);
}

static void month_end_anchor_on_reset(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-01-15", "2026-02-15", 1, 3100);
    struct quote_target to = target(2, 1, 1000);
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2026-01-31"), RESET, &q), BC_OK);
    assert_day(q.period_start, "2026-01-31");
    assert_day(q.period_end, "2026-02-28");
    assert_int_equal(q.anchor_day, 31);
    /* credit: 15 of the item's 31 days: 3100 * 15 / 31 = 1500 */
    assert_int_equal(q.credit, 1500);

    /* The next period from the 28th keeps anchor 31: back to the 31st in March. */
    assert_day(date_period_end(q.period_end, BC_PERIOD_MONTHLY, q.anchor_day), "2026-03-31");

    /* Leap year: Jan 31 -> Feb 29. */
    cur = current("2024-01-15", "2024-02-15", 1, 3100);
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2024-01-31"), RESET, &q), BC_OK);
    assert_day(q.period_end, "2024-02-29");

    /* Annual from Feb 29 ends on Feb 28 of the next year. */
    cur = current("2028-02-10", "2028-03-10", 1, 2900);
    to.period = BC_PERIOD_ANNUAL;
    to.unit_price = 10000;
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2028-02-29"), RESET, &q), BC_OK);
    assert_day(q.period_start, "2028-02-29");
    assert_day(q.period_end, "2029-02-28");
    assert_int_equal(q.anchor_day, 29);
    assert_int_equal(q.charge, 10000);
    /* 10 of 29 days unused: 2900 * 10 / 29 = 1000 */
    assert_int_equal(q.credit, 1000);
}

static void zero_decimal_currency(void **state)
{
    (void)state;
    /* JPY: 1900 yen per seat, 3 seats, 31-day period, VAT 10 %. */
    struct quote_current cur = current("2026-05-01", "2026-06-01", 3, 5700);
    struct quote_target to = target(2, 3, 2500);
    struct quote_tax tax = {1000, false};
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &tax, D("2026-05-11"), KEEP, &q), BC_OK);
    /* credit 5700 * 21/31 = 3861.29 -> 3861; VAT -386.1 -> -386 */
    assert_int_equal(q.lines[0].amount, -3861);
    assert_int_equal(q.lines[1].amount, -386);
    /* charge 7500 * 21/31 = 5080.6 -> 5081; VAT 508.1 -> 508 */
    assert_int_equal(q.lines[2].amount, 5081);
    assert_int_equal(q.lines[3].amount, 508);
    assert_int_equal(q.total, 5081 - 3861 + 508 - 386);
    assert_day(q.period_start, "2026-05-01");
    assert_day(q.period_end, "2026-06-01");
    assert_int_equal(q.anchor_day, 1);
}

static void ties_round_away_from_zero(void **state)
{
    (void)state;
    /* 30-day period, 15 days left: every line lands on an exact half. */
    struct quote_current cur = current("2026-04-01", "2026-05-01", 1, 1001);
    struct quote_target to = target(1, 1, 1001);
    struct quote_tax half = {5000, false};
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &half, D("2026-04-16"), KEEP, &q), BC_OK);
    assert_int_equal(q.lines[0].amount, -501);  /* -500.5 */
    assert_int_equal(q.lines[1].amount, -251);  /* -250.5 */
    assert_int_equal(q.lines[2].amount, 501);   /* 500.5 */
    assert_int_equal(q.lines[3].amount, 251);   /* 250.5 */
    assert_int_equal(q.total, 0);

    /* VAT tie on a credit with an ordinary rate: -25 at 10 % = -2.5 -> -3. */
    cur = current("2026-04-01", "2026-05-01", 1, 50);
    to = target(2, 1, 30);
    struct quote_tax ten = {1000, false};
    assert_int_equal(quote_item(&cur, &to, &ten, D("2026-04-16"), RESET, &q), BC_OK);
    assert_int_equal(q.lines[0].amount, -25);
    assert_int_equal(q.lines[1].amount, -3);
    assert_int_equal(q.lines[2].amount, 30);
    assert_int_equal(q.lines[3].amount, 3);
    assert_int_equal(q.tax, 0);
    assert_int_equal(q.total, 5);
}

static void change_on_first_day_credits_everything(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-11-10", "2026-12-10", 5, 6001);
    struct quote_target to = target(2, 5, 1600);
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-10"), RESET, &q), BC_OK);
    assert_line(&q.lines[0], QUOTE_LINE_CREDIT, -6001, "2026-11-10", "2026-12-10");
    assert_int_equal(q.lines[1].amount, -1320);  /* -1320.22 */
    assert_int_equal(q.charge, 8000);
    assert_day(q.period_end, "2026-12-10");
}

static void repeated_changes_under_keep(void **state)
{
    (void)state;
    /* 3 seats at 10.00, 30-day period. Day 11: to 6 seats. */
    struct quote_current cur = current("2026-04-01", "2026-05-01", 3, 3000);
    struct quote_target to = target(1, 6, 1000);
    to.same_plan = true;
    struct quote_item q1, q2;
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2026-04-11"), KEEP, &q1), BC_OK);
    assert_int_equal(q1.credit, 2000);     /* 3000 * 20/30 */
    assert_int_equal(q1.charge, 4000);     /* 6000 * 20/30 */
    assert_day(q1.period_start, "2026-04-01");
    assert_day(q1.period_end, "2026-05-01");
    assert_day(q1.item_start, "2026-04-11");

    /* Day 21: to 9 seats. The new item [04-11, 05-01) billed 4000 is credited
     * over its own 20 days, not over the period's 30. */
    struct quote_current cur2 = cur;
    cur2.seats = 6;
    cur2.item_start = q1.item_start;
    cur2.billed = q1.charge;
    to.seats = 9;
    assert_int_equal(quote_item(&cur2, &to, &no_vat, D("2026-04-21"), KEEP, &q2), BC_OK);
    assert_line(&q2.lines[0], QUOTE_LINE_CREDIT, -2000, "2026-04-21", "2026-05-01");
    assert_line(&q2.lines[2], QUOTE_LINE_CHARGE, 3000, "2026-04-21", "2026-05-01");
    assert_int_equal(q2.total, 1000);
}

static void credit_is_capped_by_what_was_credited(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-11-10", "2026-12-10", 5, 6000);
    cur.credited = 4000;
    struct quote_target to = target(2, 5, 1600);
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-25"), RESET, &q), BC_OK);
    assert_int_equal(q.credit, 2000);
    assert_int_equal(q.lines[0].amount, -2000);
    assert_int_equal(q.lines[1].amount, -440);

    /* Nothing left to credit: the credit line and its VAT are omitted. */
    cur.credited = 6000;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-25"), RESET, &q), BC_OK);
    assert_int_equal(q.credit, 0);
    assert_int_equal(q.nlines, 2);
    assert_line(&q.lines[0], QUOTE_LINE_CHARGE, 8000, "2026-11-25", "2026-12-25");
    assert_line(&q.lines[1], QUOTE_LINE_TAX, 1760, "2026-11-25", "2026-12-25");
    assert_int_equal(q.total, 9760);
}

static void seat_reduction_reset_goes_to_balance(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-04-01", "2026-05-01", 10, 10000);
    cur.seats_assigned = 4;
    struct quote_target to = target(1, 4, 1000);
    to.same_plan = true;
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2026-04-16"), ALL_RESET, &q), BC_OK);
    assert_int_equal(q.credit, 5000);
    assert_int_equal(q.charge, 4000);
    assert_int_equal(q.total, -1000);
    assert_day(q.period_end, "2026-05-16");
    struct quote_totals t;
    assert_int_equal(quote_totals(&q, 1, 500, &t), BC_OK);
    assert_int_equal(t.total, -1000);
    assert_int_equal(t.balance_applied, 0);
    assert_int_equal(t.due, 0);
    assert_int_equal(t.balance_after, 1500);
}

static void seat_reduction_keep_goes_to_balance(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-04-01", "2026-05-01", 10, 10000);
    struct quote_target to = target(1, 4, 1000);
    to.same_plan = true;
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-04-16"), KEEP, &q), BC_OK);
    assert_int_equal(q.credit, 5000);
    assert_int_equal(q.charge, 2000);
    assert_int_equal(q.lines[1].amount, -1100);
    assert_int_equal(q.lines[3].amount, 440);
    assert_int_equal(q.total, -3660);
    assert_day(q.period_end, "2026-05-01");
    struct quote_totals t;
    assert_int_equal(quote_totals(&q, 1, 0, &t), BC_OK);
    assert_int_equal(t.due, 0);
    assert_int_equal(t.balance_applied, 0);
    assert_int_equal(t.balance_after, 3660);
}

/* SPEC §3: a change of the seat count alone follows `seats`, not the anchor. */
static void seat_only_changes_co_term(void **state)
{
    (void)state;
    /* Account 3: Business 16.00 x 10 seats, [11-05, 12-05) billed 160.00,
     * DE 19 %; 10 -> 9 seats on 11-25 (10 of 30 days left). */
    struct quote_current cur = current("2026-11-05", "2026-12-05", 10, 16000);
    cur.seats_assigned = 8;
    struct quote_target to = target(1, 9, 1600);
    to.same_plan = true;
    const struct quote_tax de_vat = {1900, false};
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &de_vat, D("2026-11-25"), RESET, &q), BC_OK);
    assert_int_equal(q.nlines, 4);
    assert_line(&q.lines[0], QUOTE_LINE_CREDIT, -5333, "2026-11-25", "2026-12-05");
    assert_line(&q.lines[1], QUOTE_LINE_TAX, -1013, "2026-11-25", "2026-12-05");
    assert_line(&q.lines[2], QUOTE_LINE_CHARGE, 4800, "2026-11-25", "2026-12-05");
    assert_line(&q.lines[3], QUOTE_LINE_TAX, 912, "2026-11-25", "2026-12-05");
    assert_int_equal(q.subtotal, -533);   /* the removed seat's 10 days */
    assert_int_equal(q.total, -634);
    assert_day(q.period_start, "2026-11-05");
    assert_day(q.period_end, "2026-12-05");
    assert_day(q.item_start, "2026-11-25");
    assert_int_equal(q.anchor_day, 5);
    struct quote_totals t;
    assert_int_equal(quote_totals(&q, 1, 0, &t), BC_OK);
    assert_int_equal(t.due, 0);
    assert_int_equal(t.balance_after, 634);

    /* seats: reset is the plan-change behaviour: a new period charged in full. */
    assert_int_equal(quote_item(&cur, &to, &de_vat, D("2026-11-25"), ALL_RESET, &q), BC_OK);
    assert_int_equal(q.charge, 14400);
    assert_int_equal(q.total, 10790);
    assert_day(q.period_end, "2026-12-25");
    /* ... and under anchor keep, seats: reset co-terms like a plan change. */
    struct quote_policy keep_reset = {QUOTE_ANCHOR_KEEP, QUOTE_SEATS_RESET};
    assert_int_equal(quote_item(&cur, &to, &de_vat, D("2026-11-25"), keep_reset, &q), BC_OK);
    assert_int_equal(q.charge, 4800);
    assert_day(q.period_end, "2026-12-05");

    /* Account 1's GoToWebinar: Standard annual 948.00 x 2, [2026-08-17,
     * 2027-08-17) billed 1896.00, IT 22 %; one more seat on 11-25 (265 of
     * 365 days left) costs its share of the year, not a new year. */
    cur = current("2026-08-17", "2027-08-17", 2, 189600);
    cur.period = BC_PERIOD_ANNUAL;
    to = target(1, 3, 94800);
    to.period = BC_PERIOD_ANNUAL;
    to.same_plan = true;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-25"), RESET, &q), BC_OK);
    assert_line(&q.lines[0], QUOTE_LINE_CREDIT, -137655, "2026-11-25", "2027-08-17");
    assert_int_equal(q.lines[1].amount, -30284);
    assert_line(&q.lines[2], QUOTE_LINE_CHARGE, 206482, "2026-11-25", "2027-08-17");
    assert_int_equal(q.lines[3].amount, 45426);
    assert_int_equal(q.subtotal, 68827);  /* 948.00 x 265/365 = 688.27 */
    assert_int_equal(q.total, 83969);
    assert_day(q.period_start, "2026-08-17");
    assert_day(q.period_end, "2027-08-17");

    /* A plan change with the same seats still follows the anchor (reset). */
    to.same_plan = false;
    to.rank = 2;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-25"), RESET, &q), BC_OK);
    assert_day(q.period_end, "2027-11-25");
    /* A seat change with a change of frequency always resets. */
    to.same_plan = true;
    to.rank = 1;
    to.period = BC_PERIOD_MONTHLY;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-25"), RESET, &q), BC_OK);
    assert_day(q.period_start, "2026-11-25");
    assert_day(q.period_end, "2026-12-25");
}

/* A new period that would end after 9999-12-31 is refused, never wrapped or
 * printed as 0000-00-00; a co-termed period ending on the last day quotes. */
static void periods_past_year_9999_are_refused(void **state)
{
    (void)state;
    struct quote_current cur = current("9999-12-01", "9999-12-31", 5, 6000);
    struct quote_target to = target(2, 5, 1600);
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("9999-12-15"), RESET, &q), BC_DATE_OUT_OF_RANGE);
    assert_int_equal(q.refusal, BC_DATE_OUT_OF_RANGE);
    assert_int_equal(q.nlines, 0);
    assert_int_equal(q.period_end, 0);
    to.period = BC_PERIOD_ANNUAL;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("9999-12-15"), KEEP, &q), BC_DATE_OUT_OF_RANGE);
    to.period = BC_PERIOD_MONTHLY;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("9999-12-15"), KEEP, &q), BC_OK);
    assert_day(q.period_end, "9999-12-31");
    /* A new period ending on 9999-12-31 itself still fits. */
    cur = current("9999-11-01", "9999-12-01", 5, 6000);
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("9999-11-30"), RESET, &q), BC_OK);
    assert_day(q.period_end, "9999-12-30");
    assert_int_equal(BC_DAY_MAX, date_from_civil(9999, 12, 31));
    assert_int_equal(BC_DAY_MIN, date_from_civil(1900, 1, 1));
}

static bool table_rate(const void *ctx, const char *country, int32_t *bp)
{
    (void)ctx;
    if (strcmp(country, "IT") == 0) { *bp = 2200; return true; }
    if (strcmp(country, "DE") == 0) { *bp = 1900; return true; }
    if (strcmp(country, "FR") == 0) { *bp = 2000; return true; }
    return false;
}

static void quote_with_decision(const char *country, bool valid_number, struct quote_item *q)
{
    struct vat_decision d;
    vat_decide("IT", country, valid_number, table_rate, NULL, &d);
    struct quote_tax tax = {d.rate_bp, d.reverse_charge};
    struct quote_current cur = current("2026-11-10", "2026-12-10", 5, 6000);
    struct quote_target to = target(2, 5, 1600);
    assert_int_equal(quote_item(&cur, &to, &tax, D("2026-11-25"), RESET, q), BC_OK);
}

static void vat_cases_on_an_order(void **state)
{
    (void)state;
    struct quote_item q;
    /* same country as the seller */
    quote_with_decision("IT", false, &q);
    assert_int_equal(q.tax, 1100);
    assert_false(q.lines[3].reverse_charge);
    /* other EU country with a valid number: reverse charge, 0, said on the lines */
    quote_with_decision("DE", true, &q);
    assert_int_equal(q.lines[1].amount, 0);
    assert_int_equal(q.lines[3].amount, 0);
    assert_true(q.lines[1].reverse_charge);
    assert_true(q.lines[3].reverse_charge);
    assert_false(q.lines[0].reverse_charge);
    assert_false(q.lines[2].reverse_charge);
    assert_int_equal(q.total, 5000);
    /* other EU country, no number: the customer's country rate */
    quote_with_decision("FR", false, &q);
    assert_int_equal(q.lines[1].amount, -600);
    assert_int_equal(q.lines[3].amount, 1600);
    assert_int_equal(q.total, 6000);
    /* outside the EU */
    quote_with_decision("US", true, &q);
    assert_int_equal(q.tax, 0);
    assert_false(q.lines[3].reverse_charge);
    assert_int_equal(q.total, 5000);
}

static void expect_refusal(const struct quote_current *cur, const struct quote_target *to,
                           const char *day, enum bc_status want)
{
    struct quote_item q;
    memset(&q, 0x5a, sizeof q);
    assert_int_equal(quote_item(cur, to, &it_vat, D(day), RESET, &q), want);
    assert_int_equal(q.refusal, want);
    assert_int_equal(q.nlines, 0);
    assert_int_equal(q.total, 0);
    assert_int_equal(q.credit, 0);
    assert_int_equal(q.charge, 0);
}

static void refusals_in_order(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-11-10", "2026-12-10", 5, 6000);
    cur.rank = 2;
    cur.seats_assigned = 3;
    cur.item_start = D("2026-11-15");
    struct quote_target to = target(2, 5, 1600);
    to.seats_min = 2;
    to.seats_max = 10;

    /* date outside [I0, P1) */
    expect_refusal(&cur, &to, "2026-11-14", BC_DATE_OUTSIDE_PERIOD);  /* in period, before item */
    expect_refusal(&cur, &to, "2026-12-10", BC_DATE_OUTSIDE_PERIOD);  /* P1 is exclusive */
    expect_refusal(&cur, &to, "2026-11-01", BC_DATE_OUTSIDE_PERIOD);

    struct quote_target t = to;
    t.rank = 1;
    expect_refusal(&cur, &t, "2026-11-20", BC_DOWNGRADE_REQUIRES_SUPPORT);
    t.seats = 50;
    expect_refusal(&cur, &t, "2026-11-20", BC_DOWNGRADE_REQUIRES_SUPPORT); /* before seats */
    expect_refusal(&cur, &t, "2026-12-11", BC_DATE_OUTSIDE_PERIOD);        /* date first */

    t = to;
    t.seats = 11;
    expect_refusal(&cur, &t, "2026-11-20", BC_SEATS_OUT_OF_RANGE);
    t.seats = 1;   /* below min and below assigned: out of range first */
    expect_refusal(&cur, &t, "2026-11-20", BC_SEATS_OUT_OF_RANGE);
    t.seats = 2;   /* within bounds, below the 3 assigned */
    expect_refusal(&cur, &t, "2026-11-20", BC_SEATS_BELOW_ASSIGNED);

    t = to;
    t.same_plan = true;
    expect_refusal(&cur, &t, "2026-11-20", BC_NO_CHANGE);
    t.seats = 3;   /* same plan, 3 seats: allowed */
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &t, &it_vat, D("2026-11-20"), RESET, &q), BC_OK);
    t.seats = 5;
    t.period = BC_PERIOD_ANNUAL;  /* same plan and seats, other frequency: allowed */
    assert_int_equal(quote_item(&cur, &t, &it_vat, D("2026-11-20"), RESET, &q), BC_OK);
    assert_day(q.period_end, "2027-11-20");
    /* a higher tier at the same seats is a change, and the first day of the item works */
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-15"), RESET, &q), BC_OK);
}

static void overflow_is_an_error(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-11-10", "2026-12-10", 5, 6000);
    struct quote_target to = target(2, 3, INT64_MAX / 2);
    struct quote_item q;
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-25"), RESET, &q), BC_OVERFLOW);
    assert_int_equal(q.refusal, BC_OVERFLOW);
    assert_int_equal(q.total, 0);

    /* The charge fits, charge + 100 % VAT does not. */
    to = target(2, 1, 6000000000000000000LL);
    struct quote_tax all = {10000, false};
    assert_int_equal(quote_item(&cur, &to, &all, D("2026-11-25"), RESET, &q), BC_OVERFLOW);

    /* Keep: price * seats * (P1 - D) / (P1 - P0) is one 128-bit product.
     * 2^62 x 2 does not fit in 64 bits, its 15/30 does: charged exactly. */
    to = target(2, 2, INT64_MAX / 2 + 1);
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2026-11-25"), KEEP, &q), BC_OK);
    assert_int_equal(q.charge, INT64_MAX / 2 + 1);
    assert_int_equal(q.total, INT64_MAX / 2 + 1 - 3000);
    /* ... and the prorated charge that does not fit is refused. */
    to = target(2, 3, INT64_MAX);
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2026-11-25"), KEEP, &q), BC_OVERFLOW);
    assert_int_equal(q.charge, 0);
    /* Reset charges price * seats in full: that product must fit. */
    to = target(2, 2, INT64_MAX / 2 + 1);
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2026-11-25"), RESET, &q), BC_OVERFLOW);

    /* A large but fitting amount is exact. */
    to = target(2, 1, 4000000000000000000LL);
    assert_int_equal(quote_item(&cur, &to, &no_vat, D("2026-11-25"), KEEP, &q), BC_OK);
    assert_int_equal(q.charge, 2000000000000000000LL);  /* 15/30 exactly, no wrap */

    /* Totals across items overflow too. */
    struct quote_item items[2];
    memset(items, 0, sizeof items);
    items[0].total = items[1].total = INT64_MAX;
    struct quote_totals t;
    assert_int_equal(quote_totals(items, 2, 0, &t), BC_OVERFLOW);
    items[0].total = items[1].total = INT64_MIN + 1;
    items[1].total = 0;
    assert_int_equal(quote_totals(items, 2, INT64_MAX, &t), BC_OVERFLOW);
}

static void totals_apply_balance_once_across_items(void **state)
{
    (void)state;
    struct quote_current cur = current("2026-11-10", "2026-12-10", 5, 6000);
    struct quote_target to = target(2, 5, 1600);
    struct quote_item items[3];
    assert_int_equal(quote_item(&cur, &to, &it_vat, D("2026-11-25"), RESET, &items[0]), BC_OK);
    /* second product: a seat reduction giving back 1000 */
    struct quote_current cur2 = current("2026-04-01", "2026-05-01", 10, 10000);
    struct quote_target to2 = target(1, 4, 1000);
    to2.same_plan = true;
    assert_int_equal(quote_item(&cur2, &to2, &no_vat, D("2026-04-16"), ALL_RESET, &items[1]), BC_OK);
    /* a refused item is not summed */
    to2.rank = 0;
    assert_int_equal(quote_item(&cur2, &to2, &no_vat, D("2026-04-16"), RESET, &items[2]),
                     BC_DOWNGRADE_REQUIRES_SUPPORT);
    struct quote_totals t;
    assert_int_equal(quote_totals(items, 3, 2000, &t), BC_OK);
    assert_int_equal(t.subtotal, 5000 - 1000);
    assert_int_equal(t.tax, 1100);
    assert_int_equal(t.total, 5100);
    assert_int_equal(t.balance_applied, 2000);
    assert_int_equal(t.due, 3100);
    assert_int_equal(t.balance_after, 0);

    assert_int_equal(quote_totals(NULL, 0, 700, &t), BC_OK);
    assert_int_equal(t.total, 0);
    assert_int_equal(t.due, 0);
    assert_int_equal(t.balance_after, 700);
    assert_int_equal(quote_totals(items, 1, -1, &t), BC_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spec_worked_example),
        cmocka_unit_test(month_end_anchor_on_reset),
        cmocka_unit_test(zero_decimal_currency),
        cmocka_unit_test(ties_round_away_from_zero),
        cmocka_unit_test(change_on_first_day_credits_everything),
        cmocka_unit_test(repeated_changes_under_keep),
        cmocka_unit_test(credit_is_capped_by_what_was_credited),
        cmocka_unit_test(seat_reduction_reset_goes_to_balance),
        cmocka_unit_test(seat_reduction_keep_goes_to_balance),
        cmocka_unit_test(seat_only_changes_co_term),
        cmocka_unit_test(periods_past_year_9999_are_refused),
        cmocka_unit_test(vat_cases_on_an_order),
        cmocka_unit_test(refusals_in_order),
        cmocka_unit_test(overflow_is_an_error),
        cmocka_unit_test(totals_apply_balance_once_across_items),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
