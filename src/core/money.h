/* money.h — exact money: int64_t counts of a currency's minor unit.
 *
 * No floating point anywhere. Multiplications go through a 128-bit
 * intermediate and report overflow instead of wrapping; rounding is half away
 * from zero, applied once per line by the caller (SPEC §3). */
#ifndef BC_MONEY_H
#define BC_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ISO 4217 minor-unit exponent (EUR, USD, GBP, CHF: 2; JPY: 0), or -1 when
 * the code is not one billcenter knows. */
int money_exponent(const char *currency);

/* Parses a non-negative decimal string ("14.00", "1900", "0.5") with at most
 * `exponent` decimals into minor units. Rejects signs, spaces, empty parts,
 * exponents, too many decimals and values that do not fit in int64_t.
 * On failure *why (if non-NULL) gets a short English reason (borrowed). */
bool money_parse(const char *s, int exponent, int64_t *out, const char **why);

/* Parses a VAT percentage ("22", "5.5", "8.25"; 0..100, at most two decimals)
 * into basis points (22% -> 2200). */
bool money_parse_rate(const char *s, int32_t *bp_out, const char **why);

/* *out = a * b; false on overflow. */
bool money_mul(int64_t a, int64_t b, int64_t *out);
/* *out = a + b; false on overflow. */
bool money_add(int64_t a, int64_t b, int64_t *out);

/* *out = round(a * num / den), half away from zero, 128-bit intermediate.
 * den > 0. False on overflow of the result. */
bool money_muldiv_round(int64_t a, int64_t num, int64_t den, int64_t *out);

/* *out = round(a * b * num / den), half away from zero: the product of all
 * three in 128 bits (|a * b * num| < 2^125), so only a result that does not
 * fit in int64_t is an overflow. den > 0. */
bool money_mul_muldiv_round(int64_t a, int32_t b, int32_t num, int64_t den, int64_t *out);

/* VAT on a line: round(line * bp / 10000), half away from zero. */
bool money_vat(int64_t line, int32_t bp, int64_t *out);

enum money_style {
    MONEY_STYLE_EN,   /* "€1,234.56", "-€30.00", "¥1,900" */
    MONEY_STYLE_IT,   /* "1.234,56 €", "-30,00 €", "1.900 ¥" */
};

/* Formats an amount for people. `ascii` replaces symbols by the ISO code
 * ("EUR 1,234.56" / "1.234,56 EUR") for terminals that cannot show them.
 * Returns the number of bytes written (excluding NUL), truncating safely. */
size_t money_format(char *buf, size_t size, int64_t minor, const char *currency,
                    enum money_style style, bool ascii);

/* Plain machine form with the currency's exponent: "1234.56", "-30.00", "1900". */
size_t money_format_plain(char *buf, size_t size, int64_t minor, int exponent);

#endif
