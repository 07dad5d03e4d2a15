/* test_money.c — exact parsing, overflow checks, rounding and formatting of money. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "money.h"

static void exponents_follow_iso_4217(void **state)
{
    (void)state;
    assert_int_equal(money_exponent("EUR"), 2);
    assert_int_equal(money_exponent("USD"), 2);
    assert_int_equal(money_exponent("GBP"), 2);
    assert_int_equal(money_exponent("CHF"), 2);
    assert_int_equal(money_exponent("JPY"), 0);
    assert_int_equal(money_exponent("KWD"), 3);
    assert_int_equal(money_exponent("XXX"), -1);
    assert_int_equal(money_exponent("eur"), -1);
    assert_int_equal(money_exponent(NULL), -1);
}

struct parse_case {
    const char *s;
    int exponent;
    bool ok;
    int64_t value;
};

static void parse_accepts_and_rejects(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        {"14.00", 2, true, 1400},
        {"14", 2, true, 1400},
        {"0.5", 2, true, 50},
        {"0.05", 2, true, 5},
        {"1900", 0, true, 1900},
        {"0", 2, true, 0},
        {"007.10", 2, true, 710},
        {"1.234", 3, true, 1234},
        {"92233720368547758.07", 2, true, INT64_MAX},
        {"9223372036854775807", 0, true, INT64_MAX},
        {"92233720368547758.08", 2, false, 0},
        {"9223372036854775808", 0, false, 0},
        {"99999999999999999999999", 2, false, 0},
        {"1.001", 2, false, 0},   /* too many decimals */
        {"1.0", 0, false, 0},     /* JPY has no decimals */
        {"19.5", 0, false, 0},
        {"-1", 2, false, 0},
        {"+1", 2, false, 0},
        {"1e3", 2, false, 0},
        {" 1", 2, false, 0},
        {"1 ", 2, false, 0},
        {"1.", 2, false, 0},
        {".5", 2, false, 0},
        {"", 2, false, 0},
        {"1,00", 2, false, 0},
        {"1.2.3", 2, false, 0},
        {"abc", 2, false, 0},
        {"0x10", 2, false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = -42;
        const char *why = NULL;
        bool ok = money_parse(cases[i].s, cases[i].exponent, &v, &why);
        if (ok != cases[i].ok)
            fail_msg("money_parse(\"%s\", %d) returned %d", cases[i].s, cases[i].exponent, ok);
        if (ok)
            assert_int_equal(v, cases[i].value);
        else
            assert_non_null(why);
    }
    int64_t v;
    assert_false(money_parse(NULL, 2, &v, NULL));
    assert_false(money_parse("1", -1, &v, NULL));
}

static void parse_rate_gives_basis_points(void **state)
{
    (void)state;
    int32_t bp;
    assert_true(money_parse_rate("22", &bp, NULL));
    assert_int_equal(bp, 2200);
    assert_true(money_parse_rate("5.5", &bp, NULL));
    assert_int_equal(bp, 550);
    assert_true(money_parse_rate("8.25", &bp, NULL));
    assert_int_equal(bp, 825);
    assert_true(money_parse_rate("0", &bp, NULL));
    assert_int_equal(bp, 0);
    assert_true(money_parse_rate("100", &bp, NULL));
    assert_int_equal(bp, 10000);
    assert_false(money_parse_rate("100.01", &bp, NULL));
    assert_false(money_parse_rate("8.125", &bp, NULL));
    assert_false(money_parse_rate("-5", &bp, NULL));
    assert_false(money_parse_rate("22%", &bp, NULL));
}

static void mul_and_add_detect_overflow(void **state)
{
    (void)state;
    int64_t r;
    assert_true(money_mul(1400, 250, &r));
    assert_int_equal(r, 350000);
    assert_true(money_mul(INT64_MAX, 1, &r));
    assert_int_equal(r, INT64_MAX);
    assert_false(money_mul(INT64_MAX, 2, &r));
    assert_false(money_mul(INT64_MIN, -1, &r));
    assert_false(money_mul(4294967296LL, 4294967296LL, &r));
    assert_true(money_add(INT64_MAX - 1, 1, &r));
    assert_int_equal(r, INT64_MAX);
    assert_false(money_add(INT64_MAX, 1, &r));
    assert_false(money_add(INT64_MIN, -1, &r));
    assert_true(money_add(INT64_MIN, 0, &r));
    assert_int_equal(r, INT64_MIN);
}

static void muldiv_rounds_half_away_from_zero(void **state)
{
    (void)state;
    int64_t r;
    assert_true(money_muldiv_round(6000, 15, 30, &r));
    assert_int_equal(r, 3000);
    assert_true(money_muldiv_round(5, 1, 2, &r));     /* 2.5 -> 3 */
    assert_int_equal(r, 3);
    assert_true(money_muldiv_round(-5, 1, 2, &r));    /* -2.5 -> -3 */
    assert_int_equal(r, -3);
    assert_true(money_muldiv_round(7, 1, 3, &r));     /* 2.33 -> 2 */
    assert_int_equal(r, 2);
    assert_true(money_muldiv_round(-7, 1, 3, &r));
    assert_int_equal(r, -2);
    assert_true(money_muldiv_round(8, 1, 3, &r));     /* 2.67 -> 3 */
    assert_int_equal(r, 3);
    assert_true(money_muldiv_round(-8, 1, 3, &r));
    assert_int_equal(r, -3);
    /* 128-bit intermediate: the product overflows int64 but the result fits. */
    assert_true(money_muldiv_round(INT64_MAX, 30, 30, &r));
    assert_int_equal(r, INT64_MAX);
    assert_true(money_muldiv_round(INT64_MIN, 17, 17, &r));
    assert_int_equal(r, INT64_MIN);
    assert_false(money_muldiv_round(INT64_MAX, 31, 30, &r));
    assert_false(money_muldiv_round(1, 1, 0, &r));
    assert_false(money_muldiv_round(1, 1, -1, &r));
}

static void vat_rounds_once_per_line(void **state)
{
    (void)state;
    int64_t r;
    assert_true(money_vat(-3000, 2200, &r));
    assert_int_equal(r, -660);
    assert_true(money_vat(8000, 2200, &r));
    assert_int_equal(r, 1760);
    assert_true(money_vat(25, 1000, &r));    /* 2.5 -> 3 */
    assert_int_equal(r, 3);
    assert_true(money_vat(-25, 1000, &r));   /* -2.5 -> -3 */
    assert_int_equal(r, -3);
    assert_true(money_vat(1, 4999, &r));     /* 0.4999 -> 0 */
    assert_int_equal(r, 0);
    assert_true(money_vat(12345, 0, &r));
    assert_int_equal(r, 0);
    assert_false(money_vat(INT64_MAX, 10001, &r));
}

static void check_format(int64_t minor, const char *cur, enum money_style st, bool ascii,
                         const char *want)
{
    char buf[64];
    size_t n = money_format(buf, sizeof buf, minor, cur, st, ascii);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void format_english(void **state)
{
    (void)state;
    check_format(123456, "EUR", MONEY_STYLE_EN, false, "\xe2\x82\xac" "1,234.56");
    check_format(-3000, "EUR", MONEY_STYLE_EN, false, "-\xe2\x82\xac" "30.00");
    check_format(123456, "USD", MONEY_STYLE_EN, false, "$1,234.56");
    check_format(1200, "GBP", MONEY_STYLE_EN, false, "\xc2\xa3" "12.00");
    check_format(1900, "JPY", MONEY_STYLE_EN, false, "\xc2\xa5" "1,900");
    check_format(0, "EUR", MONEY_STYLE_EN, false, "\xe2\x82\xac" "0.00");
    check_format(5, "EUR", MONEY_STYLE_EN, false, "\xe2\x82\xac" "0.05");
    check_format(-5, "USD", MONEY_STYLE_EN, false, "-$0.05");
    check_format(123456789, "USD", MONEY_STYLE_EN, false, "$1,234,567.89");
    check_format(100000, "USD", MONEY_STYLE_EN, false, "$1,000.00");
    check_format(99999, "USD", MONEY_STYLE_EN, false, "$999.99");
    check_format(123456, "CHF", MONEY_STYLE_EN, false, "CHF 1,234.56");
}

static void format_italian(void **state)
{
    (void)state;
    check_format(123456, "EUR", MONEY_STYLE_IT, false, "1.234,56 \xe2\x82\xac");
    check_format(-3000, "EUR", MONEY_STYLE_IT, false, "-30,00 \xe2\x82\xac");
    check_format(1900, "JPY", MONEY_STYLE_IT, false, "1.900 \xc2\xa5");
    check_format(123456789, "USD", MONEY_STYLE_IT, false, "1.234.567,89 $");
    check_format(-1, "GBP", MONEY_STYLE_IT, false, "-0,01 \xc2\xa3");
}

static void format_ascii_uses_iso_codes(void **state)
{
    (void)state;
    check_format(123456, "EUR", MONEY_STYLE_EN, true, "EUR 1,234.56");
    check_format(-3000, "EUR", MONEY_STYLE_EN, true, "-EUR 30.00");
    check_format(1900, "JPY", MONEY_STYLE_EN, true, "JPY 1,900");
    check_format(123456, "EUR", MONEY_STYLE_IT, true, "1.234,56 EUR");
    check_format(-3000, "EUR", MONEY_STYLE_IT, true, "-30,00 EUR");
    check_format(-190000, "JPY", MONEY_STYLE_IT, true, "-190.000 JPY");
}

static void format_extremes_and_truncation(void **state)
{
    (void)state;
    check_format(INT64_MIN, "USD", MONEY_STYLE_EN, false, "-$92,233,720,368,547,758.08");
    check_format(INT64_MAX, "JPY", MONEY_STYLE_IT, true, "9.223.372.036.854.775.807 JPY");

    char buf[4];
    size_t n = money_format(buf, sizeof buf, 123456, "USD", MONEY_STYLE_EN, false);
    assert_string_equal(buf, "$1,");
    assert_int_equal(n, 3);
    /* Never cut a UTF-8 symbol in half. */
    char small[3];
    n = money_format(small, sizeof small, 100, "EUR", MONEY_STYLE_EN, false);
    assert_string_equal(small, "");
    assert_int_equal(n, 0);
    n = money_format(NULL, 0, 100, "EUR", MONEY_STYLE_EN, false);
    assert_int_equal(n, 0);
}

static void format_plain(void **state)
{
    (void)state;
    char buf[32];
    money_format_plain(buf, sizeof buf, 123456, 2);
    assert_string_equal(buf, "1234.56");
    money_format_plain(buf, sizeof buf, -3000, 2);
    assert_string_equal(buf, "-30.00");
    money_format_plain(buf, sizeof buf, 1900, 0);
    assert_string_equal(buf, "1900");
    money_format_plain(buf, sizeof buf, 7, 3);
    assert_string_equal(buf, "0.007");
    assert_int_equal(money_format_plain(buf, sizeof buf, INT64_MIN, 2), 21);
    assert_string_equal(buf, "-92233720368547758.08");
}

static void plain_round_trips_through_parse(void **state)
{
    (void)state;
    static const int64_t values[] = {0, 1, 9, 10, 99, 100, 123456, 987654321, INT64_MAX};
    for (int e = 0; e <= 3; e++)
        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
            char buf[40];
            int64_t back = -1;
            money_format_plain(buf, sizeof buf, values[i], e);
            assert_true(money_parse(buf, e, &back, NULL));
            assert_int_equal(back, values[i]);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exponents_follow_iso_4217),
        cmocka_unit_test(parse_accepts_and_rejects),
        cmocka_unit_test(parse_rate_gives_basis_points),
        cmocka_unit_test(mul_and_add_detect_overflow),
        cmocka_unit_test(muldiv_rounds_half_away_from_zero),
        cmocka_unit_test(vat_rounds_once_per_line),
        cmocka_unit_test(format_english),
        cmocka_unit_test(format_italian),
        cmocka_unit_test(format_ascii_uses_iso_codes),
        cmocka_unit_test(format_extremes_and_truncation),
        cmocka_unit_test(format_plain),
        cmocka_unit_test(plain_round_trips_through_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
