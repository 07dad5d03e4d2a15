/* vat.c — EU VAT numbers (format and check digits) and the SPEC §3 VAT cases.
 *
 * A valid number from another EU country moves VAT to the customer (reverse
 * charge), so a typo must not pass: every member state's format and check
 * characters are applied, with the rules of python-stdnum's stdnum.eu.vat
 * (tests/vat_oracle.py compares the two on generated numbers). */
#include "vat.h"

#include <ctype.h>
#include <stdint.h>
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

static int vat_digit(char c)
{
    return c - '0';
}

/* The value of n digits (n <= 18). */
static int64_t vat_value(const char *s, size_t n)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + vat_digit(s[i]);
    return v;
}

/* Sum of weights[i] * digit i over n digits. */
static int vat_weighted(const char *s, const int *weights, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += weights[i] * vat_digit(s[i]);
    return sum;
}

/* Remainder in [0, m), whatever the sign of a. */
static int vat_mod(int a, int m)
{
    int r = a % m;
    return r < 0 ? r + m : r;
}

/* Luhn checksum of n digits: 0 when the last one is a valid check digit. */
static int vat_luhn(const char *s, size_t n)
{
    int sum = 0;
    for (size_t k = 0; k < n; k++) {
        int v = vat_digit(s[n - 1 - k]);
        if (k % 2 == 1) {
            v *= 2;
            v = v / 10 + v % 10;
        }
        sum += v;
    }
    return sum % 10;
}

/* ISO 7064 MOD 11,10 over n digits, check digit included: valid when 1. */
static int vat_mod_11_10(const char *s, size_t n)
{
    int check = 5;
    for (size_t i = 0; i < n; i++)
        check = ((check ? check : 10) * 2 % 11 + vat_digit(s[i])) % 10;
    return check;
}

/* ISO 7064 MOD 97-10 over letters (A = 10 ... Z = 35) and digits: valid when 1. */
static int vat_mod_97_10(const char *s)
{
    int rem = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            rem = (rem * 10 + vat_digit(*p)) % 97;
        else if (vat_is_upper(*p))
            rem = (rem * 100 + (*p - 'A' + 10)) % 97;
        else
            return -1;
    }
    return rem;
}

static bool vat_date_valid(int year, int month, int day)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || month < 1 || month > 12 || day < 1)
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + (month == 2 && leap);
}

/* Pads a number written without its leading zeros to `len` characters. */
static void vat_zero_pad(char *s, size_t len)
{
    size_t n = strlen(s);
    if (n >= len)
        return;
    memmove(s + (len - n), s, n + 1);
    memset(s, '0', len - n);
}

/* Czech and Slovak birth number (rodné číslo): 9 digits before 1954,
 * 10 since, with a date of birth (women's month + 50, + 20 when the
 * serials ran out) and, in 10 digits, a mod 11 check digit. */
static bool vat_birth_number(const char *s)
{
    size_t n = strlen(s);
    if ((n != 9 && n != 10) || !vat_is_digits(s, n))
        return false;
    int year = 1900 + (int)vat_value(s, 2);
    int month = (int)vat_value(s + 2, 2) % 50 % 20;
    int day = (int)vat_value(s + 4, 2);
    if (n == 9) {
        if (year >= 1980)
            year -= 100;
        if (year > 1953)
            return false;
    } else if (year < 1954) {
        year += 100;
    }
    if (!vat_date_valid(year, month, day))
        return false;
    if (n == 9)
        return true;
    int check = (int)(vat_value(s, 9) % 11);
    if (year < 1985)
        check %= 10;     /* before 1985 a remainder of 10 was written 0 */
    return check == vat_digit(s[9]);
}

/* AT: 'U' + 8 digits, the last a Luhn-based check digit. */
static bool vat_check_at(char *s)
{
    if (strlen(s) != 9 || s[0] != 'U' || !vat_is_digits(s + 1, 8))
        return false;
    return vat_mod(6 - vat_luhn(s + 1, 7), 10) == vat_digit(s[8]);
}

/* BE: 10 digits (the old 9-digit form gains a leading 0); the last two
 * make the first eight a multiple of 97. */
static bool vat_check_be(char *s)
{
    if (strlen(s) == 9)
        vat_zero_pad(s, 10);
    if (!vat_all_digits(s, 10, 10) || vat_value(s, 10) == 0)
        return false;
    return (vat_value(s, 8) + vat_value(s + 8, 2)) % 97 == 0;
}

/* BG: 9 digits (legal entities, weights 1..8, then 3..10 on a remainder
 * of 10) or 10 digits: a personal number (EGN), a foreigner's number
 * (PNF) or another 10-digit number with weights 4,3,2,7,6,5,4,3,2. */
static bool vat_check_bg(char *s)
{
    static const int egn_w[9] = {2, 4, 8, 5, 10, 9, 7, 3, 6};
    static const int pnf_w[9] = {21, 19, 17, 13, 11, 9, 7, 3, 1};
    static const int other_w[9] = {4, 3, 2, 7, 6, 5, 4, 3, 2};
    size_t n = strlen(s);
    if (!vat_all_digits(s, 9, 10))
        return false;
    if (n == 9) {
        static const int w1[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        static const int w3[8] = {3, 4, 5, 6, 7, 8, 9, 10};
        int check = vat_weighted(s, w1, 8) % 11;
        if (check == 10)
            check = vat_weighted(s, w3, 8) % 11;
        return check % 10 == vat_digit(s[8]);
    }
    int last = vat_digit(s[9]);
    int year = 1900 + (int)vat_value(s, 2);
    int month = (int)vat_value(s + 2, 2);
    int day = (int)vat_value(s + 4, 2);
    if (month > 40) {
        year += 100;
        month -= 40;
    } else if (month > 20) {
        year -= 100;
        month -= 20;
    }
    if (vat_date_valid(year, month, day) && vat_weighted(s, egn_w, 9) % 11 % 10 == last)
        return true;
    if (vat_weighted(s, pnf_w, 9) % 10 == last)
        return true;
    return vat_mod(11 - vat_weighted(s, other_w, 9), 11) == last;
}

/* CY: 8 digits (not starting 12) + a check letter. */
static bool vat_check_cy(char *s)
{
    static const int even[10] = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21};
    if (strlen(s) != 9 || !vat_is_digits(s, 8) || (s[0] == '1' && s[1] == '2'))
        return false;
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += i % 2 == 0 ? even[vat_digit(s[i])] : vat_digit(s[i]);
    return s[8] == 'A' + sum % 26;
}

/* CZ: 8 digits (legal entities, not starting 9), 9 digits starting 6
 * (special cases), otherwise 9 or 10 digits as a birth number. */
static bool vat_check_cz(char *s)
{
    static const int w[7] = {8, 7, 6, 5, 4, 3, 2};
    size_t n = strlen(s);
    if (!vat_all_digits(s, 8, 10))
        return false;
    if (n == 8) {
        if (s[0] == '9')
            return false;
        int check = vat_mod(11 - vat_weighted(s, w, 7), 11);
        return (check ? check : 1) % 10 == vat_digit(s[7]);
    }
    if (n == 9 && s[0] == '6') {
        int check = vat_weighted(s + 1, w, 7) % 11;
        return vat_mod(8 - (10 - check) % 11, 10) == vat_digit(s[8]);
    }
    return vat_birth_number(s);
}

/* DE: 9 digits, first not 0, ISO 7064 MOD 11,10. */
static bool vat_check_de(char *s)
{
    return vat_all_digits(s, 9, 9) && s[0] != '0' && vat_mod_11_10(s, 9) == 1;
}

/* DK: 8 digits, first not 0, weighted sum a multiple of 11. */
static bool vat_check_dk(char *s)
{
    static const int w[8] = {2, 7, 6, 5, 4, 3, 2, 1};
    return vat_all_digits(s, 8, 8) && s[0] != '0' && vat_weighted(s, w, 8) % 11 == 0;
}

/* EE: 9 digits, weights 3,7,1, sum a multiple of 10. */
static bool vat_check_ee(char *s)
{
    static const int w[9] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
    return vat_all_digits(s, 9, 9) && vat_weighted(s, w, 9) % 10 == 0;
}

/* EL (Greece): 9 digits (the old 8-digit form gains a leading 0), the
 * last a check digit over powers of 2. */
static bool vat_check_el(char *s)
{
    if (strlen(s) == 8)
        vat_zero_pad(s, 9);
    if (!vat_all_digits(s, 9, 9))
        return false;
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum = sum * 2 + vat_digit(s[i]);
    return sum * 2 % 11 % 10 == vat_digit(s[8]);
}

static char vat_es_letter(int64_t n)
{
    return "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23];
}

/* ES: 9 characters, the middle seven digits. NIF (8 digits + letter),
 * NIE (X/Y/Z for 0/1/2 + 7 digits + letter), K/L/M + 7 digits + letter,
 * or CIF: an entity letter, 7 digits and a Luhn control written as a
 * digit or as a letter (either is accepted: sources disagree on which
 * entity uses which). */
static bool vat_check_es(char *s)
{
    if (strlen(s) != 9 || !vat_is_digits(s + 1, 7))
        return false;
    char first = s[0], last = s[8];
    int64_t n = vat_value(s + 1, 7);

    if (isdigit((unsigned char)first))
        return vat_es_letter(n + vat_digit(first) * INT64_C(10000000)) == last;
    if (first == 'X' || first == 'Y' || first == 'Z')
        return vat_es_letter(n + (first - 'X') * INT64_C(10000000)) == last;
    if (first == 'K' || first == 'L' || first == 'M')
        return vat_es_letter(n) == last;
    if (!strchr("ABCDEFGHJNPQRSUVW", first))
        return false;
    char with_check[9];
    memcpy(with_check, s + 1, 7);
    with_check[7] = '0';
    with_check[8] = '\0';
    int c = (10 - vat_luhn(with_check, 8)) % 10;
    return last == (char)('0' + c) || last == "JABCDEFGHI"[c];
}

/* FI: 8 digits, weighted sum a multiple of 11. */
static bool vat_check_fi(char *s)
{
    static const int w[8] = {7, 9, 10, 5, 8, 4, 2, 1};
    return vat_all_digits(s, 8, 8) && vat_weighted(s, w, 8) % 11 == 0;
}

/* Position of c in the alphabet of French keys (no I, no O), or -1. */
static int vat_fr_index(char c)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

/* FR: two-character key + 9-digit SIREN (Luhn, except Monaco's 000...).
 * A numeric key is (SIREN·100 + 12) mod 97; an alphanumeric one encodes
 * a value checked mod 11. */
static bool vat_check_fr(char *s)
{
    if (strlen(s) != 11 || !vat_is_digits(s + 2, 9))
        return false;
    int k0 = vat_fr_index(s[0]), k1 = vat_fr_index(s[1]);
    if (k0 < 0 || k1 < 0)
        return false;
    if (strncmp(s + 2, "000", 3) != 0 && vat_luhn(s + 2, 9) != 0)
        return false;
    int64_t siren = vat_value(s + 2, 9);
    if (k0 < 10 && k1 < 10)
        return k0 * 10 + k1 == (int)((siren * 100 + 12) % 97);
    int check = k0 < 10 ? k0 * 24 + k1 - 10 : k0 * 34 + k1 - 100;
    return (siren + 1 + check / 11) % 11 == check % 11;
}

/* HR (OIB): 11 digits, ISO 7064 MOD 11,10. */
static bool vat_check_hr(char *s)
{
    return vat_all_digits(s, 11, 11) && vat_mod_11_10(s, 11) == 1;
}

/* HU: 8 digits, weights 9,7,3,1, sum a multiple of 10. */
static bool vat_check_hu(char *s)
{
    static const int w[8] = {9, 7, 3, 1, 9, 7, 3, 1};
    return vat_all_digits(s, 8, 8) && vat_weighted(s, w, 8) % 10 == 0;
}

/* Position of c in the alphabet of Irish check letters, or -1. */
static int vat_ie_index(char c)
{
    static const char alphabet[] = "WABCDEFGHIJKLMNOPQRSTUV";
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

/* IE: 7 digits + check letter (+ a second letter that counts in the
 * check), or the old form: digit, letter/'+'/'*', 5 digits, check letter. */
static bool vat_check_ie(char *s)
{
    static const int w[7] = {8, 7, 6, 5, 4, 3, 2};
    size_t n = strlen(s);
    if ((n != 8 && n != 9) || !isdigit((unsigned char)s[0]) || !vat_is_digits(s + 2, 5))
        return false;
    for (size_t i = 7; i < n; i++)
        if (vat_ie_index(s[i]) < 0)
            return false;
    int sum;
    if (vat_is_digits(s, 7)) {
        sum = vat_weighted(s, w, 7) + (n == 9 ? 9 * vat_ie_index(s[8]) : 0);
    } else if (vat_is_upper(s[1]) || s[1] == '+' || s[1] == '*') {
        char digits[7] = {'0', s[2], s[3], s[4], s[5], s[6], s[0]};
        sum = vat_weighted(digits, w, 7);
    } else {
        return false;
    }
    return vat_ie_index(s[7]) == sum % 23;
}

/* IT (partita IVA): 11 digits, a province office code, Luhn. */
static bool vat_check_it(char *s)
{
    if (!vat_all_digits(s, 11, 11) || vat_value(s, 7) == 0)
        return false;
    int office = (int)vat_value(s + 7, 3);
    if (!((office >= 1 && office <= 100) || office == 120 || office == 121 || office == 888 ||
          office == 999))
        return false;
    return vat_luhn(s, 11) == 0;
}

/* LT: 9 digits (legal entities, 8th digit 1) or 12 (temporary payers and
 * natural persons, 11th digit 1); weights 1..9 cycling, a remainder of
 * 10 recomputed with weights 3..9,1,2. */
static bool vat_check_lt(char *s)
{
    size_t n = strlen(s);
    if (!vat_all_digits(s, 9, 12))
        return false;
    if (!(n == 9 && s[7] == '1') && !(n == 12 && s[10] == '1'))
        return false;
    int check = 0;
    for (size_t i = 0; i + 1 < n; i++)
        check += (int)(1 + i % 9) * vat_digit(s[i]);
    check %= 11;
    if (check == 10) {
        check = 0;
        for (size_t i = 0; i + 1 < n; i++)
            check += (int)(1 + (i + 2) % 9) * vat_digit(s[i]);
    }
    return check % 11 % 10 == vat_digit(s[n - 1]);
}

/* LU: 8 digits, the last two the first six mod 89. */
static bool vat_check_lu(char *s)
{
    return vat_all_digits(s, 8, 8) && vat_value(s, 6) % 89 == vat_value(s + 6, 2);
}

/* LV: 11 digits. First digit above 3: legal entity, weighted sum mod 11
 * is 3. Otherwise a personal code: birth date ddmmyy with the century in
 * the 7th digit, and a check digit. */
static bool vat_check_lv(char *s)
{
    static const int legal_w[11] = {9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1};
    static const int person_w[10] = {10, 5, 8, 4, 2, 1, 6, 3, 7, 9};
    if (!vat_all_digits(s, 11, 11))
        return false;
    if (s[0] > '3')
        return vat_weighted(s, legal_w, 11) % 11 == 3;
    int day = (int)vat_value(s, 2), month = (int)vat_value(s + 2, 2);
    int year = 1800 + (int)vat_value(s + 4, 2) + 100 * vat_digit(s[6]);
    if (!vat_date_valid(year, month, day))
        return false;
    return (1 + vat_weighted(s, person_w, 10)) % 11 % 10 == vat_digit(s[10]);
}

/* MT: 8 digits, first not 0, weighted sum a multiple of 37. */
static bool vat_check_mt(char *s)
{
    static const int w[8] = {3, 4, 6, 7, 8, 9, 10, 1};
    return vat_all_digits(s, 8, 8) && s[0] != '0' && vat_weighted(s, w, 8) % 37 == 0;
}

/* NL: 9 digits (leading zeros may be left out) + 'B' + 2 digits, neither
 * part zero. Mod 11 on the 9 digits (as a BSN), or the 2020 rule for sole
 * proprietors: "NL" + the whole number is 1 mod 97. */
static bool vat_check_nl(char *s)
{
    static const int w[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    size_t n = strlen(s);
    if (n < 3 || n > 12)
        return false;
    vat_zero_pad(s, 12);
    if (!vat_is_digits(s, 9) || s[9] != 'B' || !vat_is_digits(s + 10, 2) ||
        vat_value(s, 9) == 0 || vat_value(s + 10, 2) == 0)
        return false;
    if (vat_weighted(s, w, 8) % 11 == vat_digit(s[8]))
        return true;
    char full[3 + 12] = "NL";
    strcpy(full + 2, s);
    return vat_mod_97_10(full) == 1;
}

/* PL (NIP): 10 digits, weighted sum (last digit subtracted) mod 11 is 0. */
static bool vat_check_pl(char *s)
{
    static const int w[10] = {6, 5, 7, 2, 3, 4, 5, 6, 7, -1};
    return vat_all_digits(s, 10, 10) && vat_weighted(s, w, 10) % 11 == 0;
}

/* PT (NIF): 9 digits, first not 0, mod 11 check digit (10 written 0). */
static bool vat_check_pt(char *s)
{
    static const int w[8] = {9, 8, 7, 6, 5, 4, 3, 2};
    if (!vat_all_digits(s, 9, 9) || s[0] == '0')
        return false;
    return vat_mod(11 - vat_weighted(s, w, 8), 11) % 10 == vat_digit(s[8]);
}

/* RO personal number (CNP): 13 digits, sex/century digit, birth date,
 * county and serial, mod 11 check digit (10 written 1). */
static bool vat_ro_cnp(const char *s)
{
    static const int w[12] = {2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9};
    if (!vat_all_digits(s, 13, 13) || s[0] == '0')
        return false;
    int century = 1900;
    if (s[0] == '3' || s[0] == '4')
        century = 1800;
    else if (s[0] == '5' || s[0] == '6')
        century = 2000;
    int year = century + (int)vat_value(s + 1, 2);
    if (!vat_date_valid(year, (int)vat_value(s + 3, 2), (int)vat_value(s + 5, 2)))
        return false;
    int check = vat_weighted(s, w, 12) % 11;
    return (check == 10 ? 1 : check) == vat_digit(s[12]);
}

/* RO: CUI/CIF of 2 to 10 digits (first not 0, weights 7,5,3,2,1,7,5,3,2
 * right-aligned), or a personal number (CNP). */
static bool vat_check_ro(char *s)
{
    static const int w[9] = {7, 5, 3, 2, 1, 7, 5, 3, 2};
    size_t n = strlen(s);
    if (n == 13)
        return vat_ro_cnp(s);
    if (!vat_all_digits(s, 2, 10) || s[0] == '0')
        return false;
    size_t skip = 10 - n;   /* the number is zero-padded to 9 digits + check */
    int sum = vat_weighted(s, w + skip, n - 1);
    return 10 * sum % 11 % 10 == vat_digit(s[n - 1]);
}

/* SE: 10-digit organisation number (Luhn) + "01". */
static bool vat_check_se(char *s)
{
    return vat_all_digits(s, 12, 12) && s[10] == '0' && s[11] == '1' && vat_luhn(s, 10) == 0;
}

/* SI: 8 digits, first not 0, mod 11 check digit (10 written 0, 11 never). */
static bool vat_check_si(char *s)
{
    static const int w[7] = {8, 7, 6, 5, 4, 3, 2};
    if (!vat_all_digits(s, 8, 8) || s[0] == '0')
        return false;
    int check = 11 - vat_weighted(s, w, 7) % 11;
    if (check == 10)
        check = 0;
    return check == vat_digit(s[7]);
}

/* SK: 10 digits: a birth number, or a multiple of 11 not starting 0 whose
 * third digit is 2, 3, 4, 7, 8 or 9. */
static bool vat_check_sk(char *s)
{
    if (!vat_all_digits(s, 10, 10))
        return false;
    if (vat_birth_number(s))
        return true;
    if (s[0] == '0' || !strchr("234789", s[2]))
        return false;
    return vat_value(s, 10) % 11 == 0;
}

struct vat_country {
    const char *code;         /* VAT prefix (Greece: EL) */
    /* Checks a body (no prefix) of at most VAT_MAX_BODY characters in a
     * buffer of VAT_MAX_BODY + 1, writing its full form there (zeros a
     * short form left out). */
    bool (*check)(char *body);
};

static const struct vat_country vat_countries[] = {
    {"AT", vat_check_at}, {"BE", vat_check_be}, {"BG", vat_check_bg}, {"CY", vat_check_cy},
    {"CZ", vat_check_cz}, {"DE", vat_check_de}, {"DK", vat_check_dk}, {"EE", vat_check_ee},
    {"EL", vat_check_el}, {"ES", vat_check_es}, {"FI", vat_check_fi}, {"FR", vat_check_fr},
    {"HR", vat_check_hr}, {"HU", vat_check_hu}, {"IE", vat_check_ie}, {"IT", vat_check_it},
    {"LT", vat_check_lt}, {"LU", vat_check_lu}, {"LV", vat_check_lv}, {"MT", vat_check_mt},
    {"NL", vat_check_nl}, {"PL", vat_check_pl}, {"PT", vat_check_pt}, {"RO", vat_check_ro},
    {"SE", vat_check_se}, {"SI", vat_check_si}, {"SK", vat_check_sk},
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

/* Checks body for country c; its full form goes to full (VAT_MAX_BODY + 1). */
static bool vat_check_body(const struct vat_country *c, const char *body, char *full)
{
    if (strlen(body) > VAT_MAX_BODY)
        return false;
    strcpy(full, body);
    return c->check(full);
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
    /* The prefix is removed once, so that "FR" + a SIREN whose key was
     * left out is not read as the key "FR": such a number is "FRFR...". */
    char full[VAT_MAX_BODY + 1];
    if (!vat_check_body(c, body, full))
        return false;
    if (size < 2 + strlen(full) + 1)
        return false;
    memcpy(out, c->code, 2);
    strcpy(out + 2, full);
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
