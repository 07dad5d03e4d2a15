/* test_vectors.c — every row of /work/shared/VECTORS.md: published proration
 * figures (Kill Bill, Lago, Stripe) reproduced exactly under SPEC §3.
 * No VAT (customer outside the EU); amounts in minor units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "date.h"
#include "quote.h"

static const struct quote_tax no_vat = {0, false};

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

/* Period [p0, p1), billed item [i0, p1). */
static struct quote_current sub(enum bc_period f, const char *p0, const char *p1,
                                const char *i0, int64_t billed)
{
    struct quote_current c = {
        .rank = 1, .seats = 1, .seats_assigned = 0, .period = f,
        .period_start = D(p0), .period_end = D(p1), .item_start = D(i0),
        .anchor_day = date_mday(D(p0)), .billed = billed, .credited = 0,
    };
    return c;
}

static struct quote_target plan(enum bc_period f, int64_t price)
{
    /* Another plan of the same rank: the vectors are about figures, not tiers. */
    struct quote_target t = {
        .rank = 1, .seats_min = 1, .seats_max = 100, .seats = 1,
        .period = f, .unit_price = price, .same_plan = false,
    };
    return t;
}

static void quote_ok(const struct quote_current *cur, const struct quote_target *to,
                     const char *day, enum quote_anchor anchor, struct quote_item *q)
{
    /* The published systems treat a seat change like any other change. */
    struct quote_policy policy = {anchor, QUOTE_SEATS_RESET};
    assert_int_equal(quote_item(cur, to, &no_vat, D(day), policy, q), BC_OK);
}

static int64_t line_of(const struct quote_item *q, enum quote_line_kind kind)
{
    for (size_t i = 0; i < q->nlines; i++)
        if (q->lines[i].kind == kind)
            return q->lines[i].amount;
    fail_msg("no line of kind %d", (int)kind);
    return 0;
}

/* 1. Kill Bill docs, Silver -> Gold. */
static void vector_1_killbill_silver_to_gold(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_MONTHLY, "2013-04-11", "2013-05-11", "2013-04-11", 2000);
    struct quote_target to = plan(BC_PERIOD_MONTHLY, 3000);
    struct quote_item q;
    quote_ok(&cur, &to, "2013-04-26", QUOTE_ANCHOR_KEEP, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CREDIT), -1000);
    assert_int_equal(line_of(&q, QUOTE_LINE_CHARGE), 1500);
    assert_int_equal(q.total, 500);
}

/* 2. Kill Bill testMultiplePartialRepairs, step 1. */
static void vector_2_killbill_partial_repair_step_1(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_MONTHLY, "2012-05-01", "2012-06-01", "2012-05-01", 59995);
    struct quote_target to = plan(BC_PERIOD_MONTHLY, 995);
    struct quote_item q;
    quote_ok(&cur, &to, "2012-05-07", QUOTE_ANCHOR_KEEP, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CREDIT), -48383);
    assert_int_equal(line_of(&q, QUOTE_LINE_CHARGE), 802);
    assert_int_equal(q.total, -47581);
    struct quote_totals t;
    assert_int_equal(quote_totals(&q, 1, 0, &t), BC_OK);
    assert_int_equal(t.due, 0);
    assert_int_equal(t.balance_after, 47581);
}

/* 3. Same test, step 2: the item from step 1 is credited over its own days. */
static void vector_3_killbill_partial_repair_step_2(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_MONTHLY, "2012-05-01", "2012-06-01", "2012-05-07", 802);
    struct quote_target to = plan(BC_PERIOD_MONTHLY, 2995);
    struct quote_item q;
    quote_ok(&cur, &to, "2012-05-08", QUOTE_ANCHOR_KEEP, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CREDIT), -770);
    assert_int_equal(line_of(&q, QUOTE_LINE_CHARGE), 2319);
    assert_int_equal(q.total, 1549);
    struct quote_totals t;
    assert_int_equal(quote_totals(&q, 1, 47581, &t), BC_OK);
    assert_int_equal(t.total, 1549);
    assert_int_equal(t.balance_applied, 1549);
    assert_int_equal(t.due, 0);
    assert_int_equal(t.balance_after, 47581 - 1549);
}

/* 4. Kill Bill testChangeMonthlyToAnnual: a change of frequency resets. */
static void vector_4_killbill_monthly_to_annual(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_MONTHLY, "2012-05-01", "2012-06-01", "2012-05-01", 24995);
    struct quote_target to = plan(BC_PERIOD_ANNUAL, 239995);
    struct quote_item q;
    quote_ok(&cur, &to, "2012-05-12", QUOTE_ANCHOR_KEEP, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CREDIT), -16126);
    assert_int_equal(line_of(&q, QUOTE_LINE_CHARGE), 239995);
    assert_day(q.period_start, "2012-05-12");
    assert_day(q.period_end, "2013-05-12");
    assert_int_equal(q.anchor_day, 12);
}

/* 5. Kill Bill testPartialRepairThroughBillingPeriodChange: change on the item's first day. */
static void vector_5_killbill_annual_to_monthly_first_day(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_ANNUAL, "2012-05-01", "2013-05-01", "2012-05-01", 239995);
    struct quote_target to = plan(BC_PERIOD_MONTHLY, 24995);
    struct quote_item q;
    quote_ok(&cur, &to, "2012-05-01", QUOTE_ANCHOR_KEEP, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CREDIT), -239995);
    assert_int_equal(line_of(&q, QUOTE_LINE_CHARGE), 24995);
    assert_int_equal(q.total, -215000);
    assert_day(q.period_end, "2012-06-01");
    struct quote_totals t;
    assert_int_equal(quote_totals(&q, 1, 0, &t), BC_OK);
    assert_int_equal(t.due, 0);
    assert_int_equal(t.balance_after, 215000);
}

/* 6. Lago upgrade fee: 17/31 of 100. */
static void vector_6_lago_upgrade_fee(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_MONTHLY, "2022-03-01", "2022-04-01", "2022-03-01", 0);
    struct quote_target to = plan(BC_PERIOD_MONTHLY, 100);
    struct quote_item q;
    quote_ok(&cur, &to, "2022-03-15", QUOTE_ANCHOR_KEEP, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CHARGE), 55);
    assert_int_equal(q.credit, 0);
    assert_int_equal(q.nlines, 2);   /* nothing billed, no credit line */
    assert_day(q.lines[0].from, "2022-03-15");
    assert_day(q.lines[0].to, "2022-04-01");
}

/* 7. Lago termination credit: the change day itself is credited (17 days). */
static void vector_7_lago_credit_includes_change_day(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_MONTHLY, "2022-10-01", "2022-11-01", "2022-10-01", 3100);
    struct quote_target to = plan(BC_PERIOD_MONTHLY, 5000);
    struct quote_item q;
    quote_ok(&cur, &to, "2022-10-15", QUOTE_ANCHOR_RESET, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CREDIT), -1700);
    assert_day(q.lines[0].from, "2022-10-15");
    assert_day(q.lines[0].to, "2022-11-01");
}

/* 8. Stripe prorations, 10 -> 20 halfway through a 30-day period. */
static void vector_8_stripe_halfway(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_MONTHLY, "2026-04-01", "2026-05-01", "2026-04-01", 1000);
    struct quote_target to = plan(BC_PERIOD_MONTHLY, 2000);
    struct quote_item q;
    quote_ok(&cur, &to, "2026-04-16", QUOTE_ANCHOR_KEEP, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CREDIT), -500);
    assert_int_equal(line_of(&q, QUOTE_LINE_CHARGE), 1000);
}

/* 9. Stripe update subscription, 100 -> 200 on May 15 (17/31). */
static void vector_9_stripe_may_15(void **state)
{
    (void)state;
    struct quote_current cur = sub(BC_PERIOD_MONTHLY, "2027-05-01", "2027-06-01", "2027-05-01", 10000);
    struct quote_target to = plan(BC_PERIOD_MONTHLY, 20000);
    struct quote_item q;
    quote_ok(&cur, &to, "2027-05-15", QUOTE_ANCHOR_KEEP, &q);
    assert_int_equal(line_of(&q, QUOTE_LINE_CREDIT), -5484);
    assert_int_equal(line_of(&q, QUOTE_LINE_CHARGE), 10968);
    assert_day(q.period_start, "2027-05-01");
    assert_day(q.period_end, "2027-06-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_1_killbill_silver_to_gold),
        cmocka_unit_test(vector_2_killbill_partial_repair_step_1),
        cmocka_unit_test(vector_3_killbill_partial_repair_step_2),
        cmocka_unit_test(vector_4_killbill_monthly_to_annual),
        cmocka_unit_test(vector_5_killbill_annual_to_monthly_first_day),
        cmocka_unit_test(vector_6_lago_upgrade_fee),
        cmocka_unit_test(vector_7_lago_credit_includes_change_day),
        cmocka_unit_test(vector_8_stripe_halfway),
        cmocka_unit_test(vector_9_stripe_may_15),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
