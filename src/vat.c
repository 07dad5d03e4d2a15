/* vat.c — EU VAT numbers (format and check digits) and the SPEC §3 VAT cases.
 *
 * A valid number from another EU country moves VAT to the customer (reverse
 * charge), so a typo must not pass: where a country publishes a check-digit
 * rule it is applied here; elsewhere the number's shape is checked. */
#include "vat.h"

#include <ctype.h>
#include <string.h>

#define VAT_MAX_BODY 16

static bool vat_is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool vat_is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool vat_all_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    return n >= min && n <= max && vat_is_digits(s, n);
}

/* IT: 11 digits, Luhn-style check digit. */
static bool vat_check_it(const char *s)
{
    if (!vat_all_digits(s, 11, 11) || strncmp(s, "0000000", 7) == 0)
        return false;
    int sum = 0;
    for (int i = 0; i < 10; i++) {
        int v = s[i] - '0';
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return (10 - sum % 10) % 10 == s[10] - '0';
}

/* DE: 9 digits, first not 0, ISO 7064 MOD 11,10. */
static bool vat_check_de(const char *s)
{
    if (!vat_all_digits(s, 9, 9) || s[0] == '0')
        return false;
    int product = 10;
    for (int i = 0; i < 8; i++) {
        int sum = (s[i] - '0' + product) % 10;
        if (sum == 0)
            sum = 10;
        product = (2 * sum) % 11;
    }
    int check = 11 - product;
    if (check == 10)
        check = 0;
    return check == s[8] - '0';
}

/* FR: two-character key + 9-digit SIREN; a numeric key is checked. */
static bool vat_check_fr(const char *s)
{
    if (strlen(s) != 11 || !vat_is_digits(s + 2, 9))
        return false;
    for (int i = 0; i < 2; i++)
        if (!(isdigit((unsigned char)s[i]) || (vat_is_upper(s[i]) && s[i] != 'I' && s[i] != 'O')))
            return false;
    if (!vat_is_digits(s, 2))
        return true; /* alphanumeric keys (new companies): format only */
    long siren = 0;
    for (int i = 2; i < 11; i++)
        siren = siren * 10 + (s[i] - '0');
    int key = (s[0] - '0') * 10 + (s[1] - '0');
    return key == (int)((12 + 3 * (siren % 97)) % 97);
}

static char vat_es_letter(long n)
{
    return "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23];
}

/* ES: NIF (8 digits + letter), NIE (X/Y/Z + 7 digits + letter),
 * K/L/M + 7 digits + letter, CIF (entity letter + 7 digits + control). */
static bool vat_check_es(const char *s)
{
    if (strlen(s) != 9 || !vat_is_digits(s + 1, 7))
        return false;
    char first = s[0], last = s[8];
    long n = 0;
    for (int i = 1; i < 8; i++)
        n = n * 10 + (s[i] - '0');

    if (isdigit((unsigned char)first)) {           /* NIF (DNI) */
        n += (long)(first - '0') * 10000000L;
        return vat_es_letter(n) == last;
    }
    if (first == 'X' || first == 'Y' || first == 'Z') {  /* NIE */
        n += (long)(first - 'X') * 10000000L;
        return vat_es_letter(n) == last;
    }
    if (first == 'K' || first == 'L' || first == 'M')    /* special NIF */
        return vat_es_letter(n) == last;
    if (!strchr("ABCDEFGHJNPQRSUVW", first))
        return false;

    /* CIF: digits 1, 3, 5, 7 doubled (digit sum), 2, 4, 6 added. */
    int sum = 0;
    for (int i = 1; i < 8; i++) {
        int v = s[i] - '0';
        if (i % 2 == 1) {
            v *= 2;
            v = v / 10 + v % 10;
        }
        sum += v;
    }
    int c = (10 - sum % 10) % 10;
    char as_letter = "JABCDEFGHI"[c];
    char as_digit = (char)('0' + c);
    if (strchr("NPQRSW", first))
        return last == as_letter;
    if (strchr("ABEH", first))
        return last == as_digit;
    return last == as_letter || last == as_digit;
}

/* NL: 9 digits + 'B' + 2 digits. Mod 11 on the 9 digits, or the mod 97
 * rule of 2020 (sole proprietors) on "NL" + the whole number. */
static bool vat_check_nl(const char *s)
{
    if (strlen(s) != 12 || !vat_is_digits(s, 9) || s[9] != 'B' || !vat_is_digits(s + 10, 2))
        return false;
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += (s[i] - '0') * (9 - i);
    int check = sum % 11;
    if (check != 10 && check == s[8] - '0')
        return true;
    /* Letters count as 10..35: N = 23, L = 21, B = 11. */
    const char *full[2] = {"NL", s};
    int rem = 0;
    for (int k = 0; k < 2; k++)
        for (const char *p = full[k]; *p; p++) {
            int v = isdigit((unsigned char)*p) ? *p - '0' : *p - 'A' + 10;
            rem = (rem * (v >= 10 ? 100 : 10) + v) % 97;
        }
    return rem == 1;
}

/* AT: 'U' + 8 digits, the last one a check digit. */
static bool vat_check_at(const char *s)
{
    if (strlen(s) != 9 || s[0] != 'U' || !vat_is_digits(s + 1, 8))
        return false;
    int sum = 0;
    for (int i = 0; i < 7; i++) {
        int v = s[1 + i] - '0';
        if (i % 2 == 1) {
            v *= 2;
            v = v / 10 + v % 10;
        }
        sum += v;
    }
    return (10 - (sum + 4) % 10) % 10 == s[8] - '0';
}

/* BE: 10 digits starting 0 or 1; last two = 97 - (first 8 mod 97). */
static bool vat_check_be(const char *s)
{
    if (!vat_all_digits(s, 10, 10) || (s[0] != '0' && s[0] != '1'))
        return false;
    long n = 0;
    for (int i = 0; i < 8; i++)
        n = n * 10 + (s[i] - '0');
    int check = (s[8] - '0') * 10 + (s[9] - '0');
    return check == 97 - (int)(n % 97);
}

/* IE: 7 digits + 1 or 2 letters, or the old form digit, letter, '+' or '*',
 * 5 digits, letter. */
static bool vat_check_ie(const char *s)
{
    size_t n = strlen(s);
    if ((n == 8 || n == 9) && vat_is_digits(s, 7) && vat_is_upper(s[7]) &&
        (n == 8 || vat_is_upper(s[8])))
        return true;
    return n == 8 && isdigit((unsigned char)s[0]) &&
           (vat_is_upper(s[1]) || s[1] == '+' || s[1] == '*') &&
           vat_is_digits(s + 2, 5) && vat_is_upper(s[7]);
}

/* CY: 8 digits + letter. */
static bool vat_check_cy(const char *s)
{
    return strlen(s) == 9 && vat_is_digits(s, 8) && vat_is_upper(s[8]);
}

struct vat_country {
    const char *code;         /* VAT prefix (Greece: EL) */
    bool (*check)(const char *body);
    size_t min, max;          /* digits-only countries without a check rule */
};

static const struct vat_country vat_countries[] = {
    {"AT", vat_check_at, 0, 0},
    {"BE", vat_check_be, 0, 0},
    {"BG", NULL, 9, 10},
    {"CY", vat_check_cy, 0, 0},
    {"CZ", NULL, 8, 10},
    {"DE", vat_check_de, 0, 0},
    {"DK", NULL, 8, 8},
    {"EE", NULL, 9, 9},
    {"EL", NULL, 9, 9},
    {"ES", vat_check_es, 0, 0},
    {"FI", NULL, 8, 8},
    {"FR", vat_check_fr, 0, 0},
    {"HR", NULL, 11, 11},
    {"HU", NULL, 8, 8},
    {"IE", vat_check_ie, 0, 0},
    {"IT", vat_check_it, 0, 0},
    {"LT", NULL, 9, 12},
    {"LU", NULL, 8, 8},
    {"LV", NULL, 11, 11},
    {"MT", NULL, 8, 8},
    {"NL", vat_check_nl, 0, 0},
    {"PL", NULL, 10, 10},
    {"PT", NULL, 9, 9},
    {"RO", NULL, 2, 10},
    {"SE", NULL, 12, 12},
    {"SI", NULL, 8, 8},
    {"SK", NULL, 10, 10},
};

/* ISO country code or VAT prefix -> the VAT prefix ("GR" -> "EL"). */
static const struct vat_country *vat_find(const char *cc)
{
    char code[3];
    if (!cc || !cc[0] || !cc[1] || cc[2])
        return NULL;
    code[0] = (char)toupper((unsigned char)cc[0]);
    code[1] = (char)toupper((unsigned char)cc[1]);
    code[2] = '\0';
    if (strcmp(code, "GR") == 0)
        strcpy(code, "EL");
    for (size_t i = 0; i < sizeof vat_countries / sizeof vat_countries[0]; i++)
        if (strcmp(vat_countries[i].code, code) == 0)
            return &vat_countries[i];
    return NULL;
}

static bool vat_prefix_is(const char *s, const struct vat_country *c)
{
    if (strncmp(s, c->code, 2) == 0)
        return true;
    return strcmp(c->code, "EL") == 0 && strncmp(s, "GR", 2) == 0;
}

bool vat_number_normalise(const char *country, const char *input, char *out, size_t size)
{
    char clean[VAT_MAX_BODY + 3];
    size_t n = 0;

    if (out && size > 0)
        out[0] = '\0';
    if (!input || !out)
        return false;
    for (const char *p = input; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '.' || c == '-' || c == '\t')
            continue;
        if (!isalnum(c) && c != '+' && c != '*')
            return false;
        if (n >= sizeof clean - 1)
            return false;
        clean[n++] = (char)toupper(c);
    }
    clean[n] = '\0';

    const struct vat_country *c = NULL;
    const char *body = clean;
    if (country && *country) {
        c = vat_find(country);
        if (!c)
            return false;
        if (n >= 2 && vat_prefix_is(clean, c))
            body = clean + 2;
    } else {
        if (n < 2)
            return false;
        char prefix[3] = {clean[0], clean[1], '\0'};
        c = vat_find(prefix);
        if (!c)
            return false;
        body = clean + 2;
    }
    if (strlen(body) > VAT_MAX_BODY)
        return false;

    bool ok = c->check ? c->check(body) : vat_all_digits(body, c->min, c->max);
    if (!ok && body != clean && country && *country) {
        /* A French key may itself be letters that look like a prefix
         * ("FR" + SIREN typed without the country): try the whole input. */
        body = clean;
        ok = c->check ? c->check(body) : vat_all_digits(body, c->min, c->max);
    }
    if (!ok)
        return false;
    if (size < 2 + strlen(body) + 1)
        return false;
    memcpy(out, c->code, 2);
    strcpy(out + 2, body);
    return true;
}

bool vat_number_valid(const char *country, const char *input)
{
    char buf[VAT_MAX_BODY + 3];
    return vat_number_normalise(country, input, buf, sizeof buf);
}

static bool vat_same_country(const char *a, const char *b)
{
    if (!a || !b || strlen(a) != 2 || strlen(b) != 2)
        return false;
    char x[2], y[2];
    for (int i = 0; i < 2; i++) {
        x[i] = (char)toupper((unsigned char)a[i]);
        y[i] = (char)toupper((unsigned char)b[i]);
    }
    /* Greece is GR in ISO 3166 and EL in VAT numbers. */
    if (x[0] == 'E' && x[1] == 'L') {
        x[0] = 'G';
        x[1] = 'R';
    }
    if (y[0] == 'E' && y[1] == 'L') {
        y[0] = 'G';
        y[1] = 'R';
    }
    return x[0] == y[0] && x[1] == y[1];
}

void vat_decide(const char *seller_country, const char *customer_country,
                bool has_valid_vat_number,
                bool (*rate_of)(const void *ctx, const char *country, int32_t *bp),
                const void *ctx, struct vat_decision *out)
{
    int32_t bp = 0;
    if (!out)
        return;
    out->rate_bp = 0;
    out->reverse_charge = false;
    out->in_eu = false;

    if (!customer_country || !rate_of || !rate_of(ctx, customer_country, &bp))
        return;                                 /* outside the EU: no VAT */
    out->in_eu = true;
    if (vat_same_country(seller_country, customer_country)) {
        out->rate_bp = bp;                      /* domestic sale */
        return;
    }
    if (has_valid_vat_number) {
        out->reverse_charge = true;             /* B2B within the EU */
        return;
    }
    out->rate_bp = bp;                          /* EU consumer: their rate */
}
