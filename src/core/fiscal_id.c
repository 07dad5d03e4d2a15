/* fiscal_id.c — offline checks of the Italian tax identifiers (fiscal_id.h). */
#include "fiscal_id.h"

#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

bool fiscal_id_compact(const char *in, char *out, size_t size)
{
    size_t n = 0;
    if (!in || !out || size == 0)
        return false;
    for (; *in; in++) {
        char c = *in;
        if (c == ' ' || c == '.' || c == '-' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (n + 1 >= size)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return true;
}

bool fiscal_partita_iva_valid(const char *s)
{
    if (!s || strlen(s) != 11)
        return false;
    int sum = 0, head = 0;
    for (int i = 0; i < 11; i++) {
        if (!is_digit(s[i]))
            return false;
        int v = s[i] - '0';
        if (i < 7)
            head += v;
        /* Luhn from the right: the check digit (i = 10) is not doubled. */
        if (i % 2 == 1) {
            v *= 2;
            v = v / 10 + v % 10;
        }
        sum += v;
    }
    int office = (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
    bool office_ok = (office >= 1 && office <= 100) || office == 120 || office == 121 ||
                     office == 888 || office == 999;
    return head != 0 && office_ok && sum % 10 == 0;
}

/* The value of a character in an odd (1st, 3rd, ...) position; digits count
 * as the letter of the same rank (0 as A, 1 as B, ...). */
static const int cf_odd[26] = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20,
                               11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

char fiscal_codice_fiscale_check(const char *first15)
{
    int sum = 0;
    if (!first15)
        return '\0';
    for (int i = 0; i < 15; i++) {
        char c = first15[i];
        int rank;
        if (is_digit(c))
            rank = c - '0';
        else if (is_upper(c))
            rank = c - 'A';
        else
            return '\0';
        sum += i % 2 == 0 ? cf_odd[rank] : rank;
    }
    return (char)('A' + sum % 26);
}

/* A digit of the birth date or place, or the omocodia letter that replaces
 * it when two people would get the same code: L=0, M=1, ... V=9. */
static int cf_digit(char c)
{
    static const char omocodia[] = "LMNPQRSTUV";
    if (is_digit(c))
        return c - '0';
    const char *p = c ? strchr(omocodia, c) : NULL;
    return p ? (int)(p - omocodia) : -1;
}

static bool cf_person_valid(const char *s)
{
    static const char months[] = "ABCDEHLMPRST";
    static const int digit_at[] = {6, 7, 9, 10, 12, 13, 14};
    static const int days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int i = 0; i < 6; i++)
        if (!is_upper(s[i]))
            return false;
    if (!is_upper(s[11]) || !is_upper(s[15]))
        return false;
    for (size_t i = 0; i < sizeof digit_at / sizeof digit_at[0]; i++)
        if (cf_digit(s[digit_at[i]]) < 0)
            return false;
    const char *m = s[8] ? strchr(months, s[8]) : NULL;
    if (!m)
        return false;
    int month = (int)(m - months);
    int year = cf_digit(s[6]) * 10 + cf_digit(s[7]);
    int day = cf_digit(s[9]) * 10 + cf_digit(s[10]);
    if (day > 40)
        day -= 40;                         /* women: day + 40 */
    int last = days_in[month];
    if (month == 1 && year % 4 != 0)       /* two digits: 00 is read as 2000 */
        last = 28;
    if (day < 1 || day > last)
        return false;
    return fiscal_codice_fiscale_check(s) == s[15];
}

bool fiscal_codice_fiscale_valid(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 11)
        return fiscal_partita_iva_valid(s);
    return n == 16 && cf_person_valid(s);
}

bool fiscal_codice_destinatario_valid(const char *s)
{
    if (!s || strlen(s) != 7)
        return false;
    for (int i = 0; i < 7; i++)
        if (!is_upper(s[i]) && !is_digit(s[i]))
            return false;
    return true;
}

/* The characters of an e-mail "atom" (RFC 5322), as FatturaPA's EmailType
 * allows them: letters, digits and !#$%&'*+-/=?^_`{|}~. */
static bool is_atom_char(char c)
{
    return is_upper(c) || (c >= 'a' && c <= 'z') || is_digit(c) ||
           (c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Atoms separated by single dots, none empty; *dots gets how many dots. */
static bool dot_atoms(const char *s, size_t n, size_t *dots)
{
    *dots = 0;
    if (n == 0 || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (s[i - 1] == '.')
                return false;
            (*dots)++;
        } else if (!is_atom_char(s[i])) {
            return false;
        }
    }
    return true;
}

bool fiscal_pec_valid(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n > 256 || !at || strchr(at + 1, '@'))
        return false;
    size_t dots;
    if (!dot_atoms(s, (size_t)(at - s), &dots))
        return false;
    return dot_atoms(at + 1, n - (size_t)(at - s) - 1, &dots) && dots >= 1;
}
