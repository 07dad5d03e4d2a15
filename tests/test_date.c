/* test_date.c — civil dates, strict parsing and anchor-clamped month arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "date.h"

static bc_day D(const char *s)
{
    bc_day d = 0;
    if (!date_parse(s, &d))
        fail_msg("bad date literal %s", s);
    return d;
}

static void assert_date(bc_day day, const char *want)
{
    char buf[11];
    date_format(day, buf);
    assert_string_equal(buf, want);
}

static void civil_conversion_known_days(void **state)
{
    (void)state;
    assert_int_equal(date_from_civil(1970, 1, 1), 0);
    assert_int_equal(date_from_civil(1970, 1, 2), 1);
    assert_int_equal(date_from_civil(1969, 12, 31), -1);
    assert_int_equal(date_from_civil(2000, 3, 1), 11017);
    assert_int_equal(date_from_civil(2026, 11, 25), 20782);
    assert_int_equal(date_from_civil(1900, 1, 1), -25567);
    int y, m, d;
    date_to_civil(20782, &y, &m, &d);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 25);
    date_to_civil(-25567, &y, &m, &d);
    assert_int_equal(y, 1900);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
}

static void civil_round_trip_every_day(void **state)
{
    (void)state;
    bc_day first = date_from_civil(1900, 1, 1), last = date_from_civil(9999, 12, 31);
    int py = 1899, pm = 12, pd = 31;
    for (bc_day day = first; day <= last; day++) {
        int y, m, d;
        date_to_civil(day, &y, &m, &d);
        /* consecutive days advance the calendar by exactly one day */
        if (d == 1) {
            assert_int_equal(pd, date_days_in_month(py, pm));
            assert_true((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
        } else {
            assert_int_equal(d, pd + 1);
            assert_int_equal(m, pm);
            assert_int_equal(y, py);
        }
        if (date_from_civil(y, m, d) != day)
            fail_msg("round trip failed at day %d", (int)day);
        py = y;
        pm = m;
        pd = d;
    }
}

static void leap_years_and_month_lengths(void **state)
{
    (void)state;
    assert_true(date_is_leap(2024));
    assert_true(date_is_leap(2000));
    assert_false(date_is_leap(1900));
    assert_false(date_is_leap(2026));
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2026, 2), 28);
    assert_int_equal(date_days_in_month(2100, 2), 28);
    assert_int_equal(date_days_in_month(2026, 4), 30);
    assert_int_equal(date_days_in_month(2026, 12), 31);
    assert_int_equal(date_days_in_month(2026, 13), 0);
}

static void parse_is_strict(void **state)
{
    (void)state;
    bc_day d = 12345;
    assert_true(date_parse("2026-11-25", &d));
    assert_int_equal(d, 20782);
    assert_true(date_parse("2024-02-29", &d));
    assert_true(date_parse("1900-01-01", &d));
    assert_true(date_parse("9999-12-31", &d));
    static const char *bad[] = {
        "2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
        "1899-12-31", "2026-1-05", "2026-01-5", "26-01-05", "2026/01/05",
        "2026-01-05x", "2026-01-05 ", " 2026-01-05", "", "2026-01-+5", "20260105",
        "1900-02-29", "abcd-ef-gh",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bc_day out = 777;
        if (date_parse(bad[i], &out))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(out, 777);
    }
    assert_false(date_parse(NULL, &d));
}

static void format_pads(void **state)
{
    (void)state;
    assert_date(date_from_civil(2026, 1, 5), "2026-01-05");
    assert_date(date_from_civil(1900, 1, 1), "1900-01-01");
    assert_date(date_from_civil(9999, 12, 31), "9999-12-31");
    assert_int_equal(date_mday(D("2026-11-25")), 25);
}

static void anchor_31_clamps_through_the_year(void **state)
{
    (void)state;
    /* common year */
    bc_day start = D("2026-01-31");
    assert_date(date_add_months(start, 1, 31), "2026-02-28");
    assert_date(date_add_months(start, 2, 31), "2026-03-31");
    assert_date(date_add_months(start, 3, 31), "2026-04-30");
    assert_date(date_add_months(start, 4, 31), "2026-05-31");
    assert_date(date_add_months(start, 11, 31), "2026-12-31");
    assert_date(date_add_months(start, 12, 31), "2027-01-31");
    /* leap year */
    start = D("2024-01-31");
    assert_date(date_add_months(start, 1, 31), "2024-02-29");
    /* chained periods keep the anchor, never drift to the 28th */
    bc_day p = start;
    static const char *want[] = {"2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"};
    for (int i = 0; i < 4; i++) {
        p = date_period_end(p, BC_PERIOD_MONTHLY, 31);
        assert_date(p, want[i]);
    }
    /* anchor 30 and 29 in February */
    assert_date(date_add_months(D("2026-01-30"), 1, 30), "2026-02-28");
    assert_date(date_add_months(D("2026-02-28"), 1, 30), "2026-03-30");
    assert_date(date_add_months(D("2024-01-29"), 1, 29), "2024-02-29");
    assert_date(date_add_months(D("2026-01-29"), 1, 29), "2026-02-28");
    /* April 30 -> May 30 with anchor 30; anchor 31 gives May 31 */
    assert_date(date_add_months(D("2026-04-30"), 1, 30), "2026-05-30");
    assert_date(date_add_months(D("2026-04-30"), 1, 31), "2026-05-31");
}

static void add_months_crosses_years_both_ways(void **state)
{
    (void)state;
    assert_date(date_add_months(D("2026-11-10"), 1, 10), "2026-12-10");
    assert_date(date_add_months(D("2026-12-10"), 1, 10), "2027-01-10");
    assert_date(date_add_months(D("2026-01-15"), -1, 15), "2025-12-15");
    assert_date(date_add_months(D("2026-03-31"), -1, 31), "2026-02-28");
    assert_date(date_add_months(D("2026-05-20"), 0, 20), "2026-05-20");
    assert_date(date_add_months(D("2026-05-20"), 25, 20), "2028-06-20");
    /* an out-of-range anchor falls back to the day's own day of month */
    assert_date(date_add_months(D("2026-05-20"), 1, 0), "2026-06-20");
}

static void annual_feb_29(void **state)
{
    (void)state;
    bc_day leap = D("2024-02-29");
    assert_date(date_period_end(leap, BC_PERIOD_ANNUAL, 29), "2025-02-28");
    assert_date(date_add_months(leap, 12, 29), "2025-02-28");
    assert_date(date_add_months(leap, 48, 29), "2028-02-29");
    /* the next year's period keeps anchor 29 */
    assert_date(date_period_end(D("2027-02-28"), BC_PERIOD_ANNUAL, 29), "2028-02-29");
    assert_date(date_period_end(D("2026-11-25"), BC_PERIOD_ANNUAL, 25), "2027-11-25");
    assert_date(date_period_end(D("2026-11-25"), BC_PERIOD_MONTHLY, 25), "2026-12-25");
}

static void period_names(void **state)
{
    (void)state;
    enum bc_period p;
    assert_string_equal(bc_period_name(BC_PERIOD_MONTHLY), "monthly");
    assert_string_equal(bc_period_name(BC_PERIOD_ANNUAL), "annual");
    assert_true(bc_period_parse("annual", &p));
    assert_int_equal(p, BC_PERIOD_ANNUAL);
    assert_true(bc_period_parse("monthly", &p));
    assert_int_equal(p, BC_PERIOD_MONTHLY);
    assert_false(bc_period_parse("yearly", &p));
    assert_false(bc_period_parse("Monthly", &p));
    assert_false(bc_period_parse(NULL, &p));
}

static void today_in_a_zone(void **state)
{
    (void)state;
    setenv("TZ", "America/New_York", 1);
    bc_day utc = date_today("UTC");
    bc_day kiritimati = date_today("Pacific/Kiritimati"); /* UTC+14 */
    bc_day pago = date_today("Pacific/Pago_Pago");        /* UTC-11 */
    /* the caller's TZ is restored */
    assert_string_equal(getenv("TZ"), "America/New_York");
    time_t now = time(NULL);
    bc_day by_clock = (bc_day)(now / 86400);
    assert_true(utc == by_clock || utc == by_clock + 1); /* midnight race */
    assert_true(kiritimati >= utc && kiritimati <= utc + 1);
    assert_true(pago <= utc && pago >= utc - 1);
    assert_true(kiritimati - pago == 1 || kiritimati - pago == 2);
    unsetenv("TZ");
    (void)date_today("Europe/Rome");
    assert_null(getenv("TZ"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_conversion_known_days),
        cmocka_unit_test(civil_round_trip_every_day),
        cmocka_unit_test(leap_years_and_month_lengths),
        cmocka_unit_test(parse_is_strict),
        cmocka_unit_test(format_pads),
        cmocka_unit_test(anchor_31_clamps_through_the_year),
        cmocka_unit_test(add_months_crosses_years_both_ways),
        cmocka_unit_test(annual_feb_29),
        cmocka_unit_test(period_names),
        cmocka_unit_test(today_in_a_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
