/* money.c — exact money arithmetic, parsing and formatting.
 *
 * Amounts are int64_t minor units; products go through __int128 so that an
 * amount that does not fit is reported, never wrapped (SPEC §3). Formatting
 * works on the unsigned magnitude so that INT64_MIN is printed correctly. */
#include "money.h"

#include <stdio.h>
#include <string.h>

struct money_currency {
    const char *code;
    int exponent;
    const char *symbol;   /* UTF-8 symbol, or NULL: the ISO code is shown */
};

static const struct money_currency money_currencies[] = {
    {"EUR", 2, "\xe2\x82\xac"},
    {"USD", 2, "$"},
    {"GBP", 2, "\xc2\xa3"},
    {"JPY", 0, "\xc2\xa5"},
    {"CHF", 2, NULL},
    {"SEK", 2, NULL},
    {"DKK", 2, NULL},
    {"NOK", 2, NULL},
    {"PLN", 2, NULL},
    {"CZK", 2, NULL},
    {"HUF", 2, NULL},
    {"RON", 2, NULL},
    {"BGN", 2, NULL},
    {"CAD", 2, NULL},
    {"AUD", 2, NULL},
    {"NZD", 2, NULL},
    {"KRW", 0, NULL},
    {"ISK", 0, NULL},
    {"CLP", 0, NULL},
    {"BHD", 3, NULL},
    {"KWD", 3, NULL},
    {"TND", 3, NULL},
};

static const struct money_currency *money_find(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < sizeof money_currencies / sizeof money_currencies[0]; i++)
        if (strcmp(money_currencies[i].code, code) == 0)
            return &money_currencies[i];
    return NULL;
}

int money_exponent(const char *currency)
{
    const struct money_currency *c = money_find(currency);
    return c ? c->exponent : -1;
}

static bool money_fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return false;
}

bool money_parse(const char *s, int exponent, int64_t *out, const char **why)
{
    if (!s || !out)
        return money_fail(why, "missing value");
    if (exponent < 0 || exponent > 18)
        return money_fail(why, "unknown currency exponent");
    if (*s == '\0')
        return money_fail(why, "empty amount");

    __int128 value = 0;
    const char *p = s;
    size_t int_digits = 0;
    while (*p >= '0' && *p <= '9') {
        value = value * 10 + (*p - '0');
        if (value > INT64_MAX)
            return money_fail(why, "amount too large");
        int_digits++;
        p++;
    }
    if (int_digits == 0)
        return money_fail(why, "amount must start with a digit");

    int frac_digits = 0;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (frac_digits >= exponent)
                return money_fail(why, "too many decimals for the currency");
            value = value * 10 + (*p - '0');
            frac_digits++;
            p++;
        }
        if (frac_digits == 0)
            return money_fail(why, "decimal point without decimals");
    }
    if (*p != '\0')
        return money_fail(why, "unexpected character in amount");
    for (int i = frac_digits; i < exponent; i++) {
        value *= 10;
        if (value > INT64_MAX)
            return money_fail(why, "amount too large");
    }
    if (value > INT64_MAX)
        return money_fail(why, "amount too large");
    *out = (int64_t)value;
    return true;
}

bool money_parse_rate(const char *s, int32_t *bp_out, const char **why)
{
    int64_t v;
    if (!bp_out)
        return money_fail(why, "missing value");
    if (!money_parse(s, 2, &v, why))
        return false;
    if (v > 10000)
        return money_fail(why, "a rate is a percentage between 0 and 100");
    *bp_out = (int32_t)v;
    return true;
}

static bool money_fits(__int128 v, int64_t *out)
{
    if (v > INT64_MAX || v < INT64_MIN)
        return false;
    *out = (int64_t)v;
    return true;
}

bool money_mul(int64_t a, int64_t b, int64_t *out)
{
    return out && money_fits((__int128)a * b, out);
}

bool money_add(int64_t a, int64_t b, int64_t *out)
{
    return out && money_fits((__int128)a + b, out);
}

/* p / den rounded half away from zero, into *out when it fits. */
static bool money_div_round(__int128 p, int64_t den, int64_t *out)
{
    __int128 q = p / den;
    __int128 r = p % den;
    if (r < 0)
        r = -r;
    if (2 * r >= den)
        q += p < 0 ? -1 : 1;
    return money_fits(q, out);
}

bool money_muldiv_round(int64_t a, int64_t num, int64_t den, int64_t *out)
{
    if (!out || den <= 0)
        return false;
    return money_div_round((__int128)a * num, den, out);
}

bool money_mul_muldiv_round(int64_t a, int32_t b, int32_t num, int64_t den, int64_t *out)
{
    if (!out || den <= 0)
        return false;
    /* |a * b * num| < 2^63 * 2^31 * 2^31 = 2^125: the product always fits. */
    return money_div_round((__int128)a * b * num, den, out);
}

bool money_vat(int64_t line, int32_t bp, int64_t *out)
{
    return money_muldiv_round(line, bp, 10000, out);
}

/* Appends to a bounded buffer, counting what would have been written. */
struct money_buf {
    char *buf;
    size_t size;
    size_t len;
};

static void money_put(struct money_buf *b, const char *s)
{
    for (; *s; s++, b->len++)
        if (b->size > 0 && b->len < b->size - 1)
            b->buf[b->len] = *s;
}

static size_t money_finish(struct money_buf *b)
{
    size_t written = 0;
    if (b->size > 0) {
        written = b->len < b->size - 1 ? b->len : b->size - 1;
        /* Never leave half of a multi-byte UTF-8 sequence at the end. */
        while (written > 0 && ((unsigned char)b->buf[written - 1] & 0x80)) {
            size_t start = written - 1;
            while (start > 0 && ((unsigned char)b->buf[start] & 0xC0) == 0x80)
                start--;
            unsigned char lead = (unsigned char)b->buf[start];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (written - start >= need)
                break;
            written = start;
        }
        b->buf[written] = '\0';
    }
    return written;
}

/* Digits of the magnitude, grouped by three with `group` (0 = none), then
 * the decimals after `point`. */
static void money_put_number(struct money_buf *b, uint64_t mag, int exponent,
                             char group, char point)
{
    uint64_t scale = 1;
    for (int i = 0; i < exponent; i++)
        scale *= 10;
    uint64_t whole = mag / scale, frac = mag % scale;

    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)whole);
    char grouped[48];
    size_t g = 0;
    for (int i = 0; i < n; i++) {
        if (group && i > 0 && (n - i) % 3 == 0)
            grouped[g++] = group;
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    money_put(b, grouped);
    if (exponent > 0) {
        char fbuf[24];
        fbuf[0] = point;
        for (int i = exponent; i >= 1; i--) {
            fbuf[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        fbuf[exponent + 1] = '\0';
        money_put(b, fbuf);
    }
}

static uint64_t money_magnitude(int64_t minor)
{
    return minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
}

size_t money_format(char *buf, size_t size, int64_t minor, const char *currency,
                    enum money_style style, bool ascii)
{
    struct money_buf b = {buf, size, 0};
    const struct money_currency *c = money_find(currency);
    int exponent = c ? c->exponent : 2;
    const char *code = currency ? currency : "";
    const char *symbol = (!ascii && c && c->symbol) ? c->symbol : NULL;
    uint64_t mag = money_magnitude(minor);

    if (minor < 0)
        money_put(&b, "-");
    if (style == MONEY_STYLE_IT) {
        money_put_number(&b, mag, exponent, '.', ',');
        money_put(&b, " ");
        money_put(&b, symbol ? symbol : code);
    } else {
        if (symbol) {
            money_put(&b, symbol);
        } else {
            money_put(&b, code);
            money_put(&b, " ");
        }
        money_put_number(&b, mag, exponent, ',', '.');
    }
    return money_finish(&b);
}

size_t money_format_plain(char *buf, size_t size, int64_t minor, int exponent)
{
    struct money_buf b = {buf, size, 0};
    if (exponent < 0 || exponent > 18)
        exponent = 0;
    if (minor < 0)
        money_put(&b, "-");
    money_put_number(&b, money_magnitude(minor), exponent, 0, '.');
    return money_finish(&b);
}
