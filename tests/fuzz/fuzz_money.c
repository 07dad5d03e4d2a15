/* fuzz_money.c — libFuzzer target for money parsing, arithmetic and formatting.
 *
 * Input: byte 0 picks the exponent, the rest is the amount string. Checks that
 * an accepted amount prints back to the same value, that formatting never
 * overruns its buffer, and that muldiv agrees with its own rounding rule. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_currencies[] = {"EUR", "USD", "GBP", "JPY", "CHF", "KWD", "XXX"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256)
        return 0;
    int exponent = data[0] % 5;
    char *s = malloc(size);
    if (!s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';

    int64_t v;
    const char *why = NULL;
    if (money_parse(s, exponent, &v, &why)) {
        if (v < 0)
            abort();
        char plain[48];
        int64_t back;
        money_format_plain(plain, sizeof plain, v, exponent);
        if (!money_parse(plain, exponent, &back, NULL) || back != v)
            abort();
    } else if (!why) {
        abort();
    }
    int32_t bp;
    if (money_parse_rate(s, &bp, NULL) && (bp < 0 || bp > 10000))
        abort();

    /* Arithmetic on 8-byte words taken from the input. */
    if (size >= 25) {
        int64_t a, b, c, r;
        memcpy(&a, data + 1, 8);
        memcpy(&b, data + 9, 8);
        memcpy(&c, data + 17, 8);
        (void)money_mul(a, b, &r);
        (void)money_add(a, b, &r);
        if (c > 0 && money_muldiv_round(a, b, c, &r)) {
            /* |a*b - r*c| <= c/2, the nearest with ties away from zero */
            __int128 diff = (__int128)a * b - (__int128)r * c;
            __int128 adiff = diff < 0 ? -diff : diff;
            if (2 * adiff > c)
                abort();
            if (2 * adiff == c && ((diff > 0 && (__int128)a * b > 0) || (diff < 0 && (__int128)a * b < 0)))
                abort();
        }
        (void)money_vat(a, (int32_t)(c % 20001), &r);

        /* Formatting into every small buffer size stays inside it. */
        size_t cap = (size_t)(data[0] % 40);
        char *buf = malloc(cap ? cap : 1);
        if (buf) {
            const char *cur = fuzz_currencies[(size_t)data[1] % (sizeof fuzz_currencies / sizeof fuzz_currencies[0])];
            size_t n = money_format(cap ? buf : NULL, cap, a, cur,
                                    (data[2] & 1) ? MONEY_STYLE_IT : MONEY_STYLE_EN, data[2] & 2);
            if (cap && (n >= cap || strlen(buf) != n))
                abort();
            n = money_format_plain(cap ? buf : NULL, cap, a, exponent);
            if (cap && (n >= cap || strlen(buf) != n))
                abort();
            free(buf);
        }
    }
    free(s);
    return 0;
}
