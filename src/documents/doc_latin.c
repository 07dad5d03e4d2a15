/* doc_latin.c — what a FatturaPA text field may hold (doc_latin.h). The
 * tables are the usual Latin forms: accents dropped (Latin Extended),
 * ISO 9-like romanisation for Cyrillic, ELOT 743 for Greek. */
#include "doc_latin.h"

#include <string.h>

/* U+00A0..U+00FF in basic Latin. */
static const char *const latin1_ascii[96] = {
    " ", "!", "c", "GBP", "?", "JPY", "|", "S",
    "\"", "(C)", "a", "\"", "?", "-", "(R)", "-",
    "o", "+-", "2", "3", "'", "u", "P", ".",
    ",", "1", "o", "\"", "1/4", "1/2", "3/4", "?",
    "A", "A", "A", "A", "A", "A", "AE", "C",
    "E", "E", "E", "E", "I", "I", "I", "I",
    "D", "N", "O", "O", "O", "O", "O", "x",
    "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c",
    "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "/",
    "o", "u", "u", "u", "u", "y", "th", "y",
};

/* U+0100..U+024F, accents dropped. */
static const char *const latin_ext[336] = {
    "A", "a", "A", "a", "A", "a", "C", "c",
    "C", "c", "C", "c", "C", "c", "D", "d",
    "D", "d", "E", "e", "E", "e", "E", "e",
    "E", "e", "E", "e", "G", "g", "G", "g",
    "G", "g", "G", "g", "H", "h", "H", "h",
    "I", "i", "I", "i", "I", "i", "I", "i",
    "I", "i", "IJ", "ij", "J", "j", "K", "k",
    "k", "L", "l", "L", "l", "L", "l", "L",
    "l", "L", "l", "N", "n", "N", "n", "N",
    "n", "'n", "N", "n", "O", "o", "O", "o",
    "O", "o", "OE", "oe", "R", "r", "R", "r",
    "R", "r", "S", "s", "S", "s", "S", "s",
    "S", "s", "T", "t", "T", "t", "T", "t",
    "U", "u", "U", "u", "U", "u", "U", "u",
    "U", "u", "U", "u", "W", "w", "Y", "y",
    "Y", "Z", "z", "Z", "z", "Z", "z", "s",
    "b", "B", "?", "?", "?", "?", "O", "C",
    "c", "D", "D", "?", "?", "?", "?", "?",
    "?", "F", "f", "G", "?", "?", "?", "I",
    "K", "k", "l", "?", "?", "N", "n", "O",
    "O", "o", "?", "?", "P", "p", "?", "?",
    "?", "?", "?", "t", "T", "t", "T", "U",
    "u", "?", "V", "Y", "y", "Z", "z", "?",
    "?", "?", "?", "?", "?", "?", "?", "?",
    "?", "?", "?", "?", "DZ", "Dz", "dz", "LJ",
    "Lj", "lj", "NJ", "Nj", "nj", "A", "a", "I",
    "i", "O", "o", "U", "u", "U", "u", "U",
    "u", "U", "u", "U", "u", "?", "A", "a",
    "A", "a", "AE", "ae", "G", "g", "G", "g",
    "K", "k", "O", "o", "O", "o", "?", "?",
    "j", "DZ", "Dz", "dz", "G", "g", "?", "?",
    "N", "n", "A", "a", "AE", "ae", "O", "o",
    "A", "a", "A", "a", "E", "e", "E", "e",
    "I", "i", "I", "i", "O", "o", "O", "o",
    "R", "r", "R", "r", "U", "u", "U", "u",
    "S", "s", "T", "t", "?", "?", "H", "h",
    "?", "?", "?", "?", "?", "?", "A", "a",
    "E", "e", "O", "o", "O", "o", "O", "o",
    "O", "o", "Y", "y", "?", "?", "?", "?",
    "?", "?", "?", "?", "?", "?", "?", "?",
    "?", "?", "?", "?", "?", "?", "?", "?",
    "?", "?", "?", "?", "?", "?", "?", "?",
};

/* U+0400..U+045F. */
static const char *const cyrillic[96] = {
    "E", "Yo", "Dj", "Gj", "Ye", "Dz", "I", "Yi",
    "J", "Lj", "Nj", "C", "Kj", "I", "U", "Dz",
    "A", "B", "V", "G", "D", "E", "Zh", "Z",
    "I", "Y", "K", "L", "M", "N", "O", "P",
    "R", "S", "T", "U", "F", "Kh", "Ts", "Ch",
    "Sh", "Shch", "", "Y", "", "E", "Yu", "Ya",
    "a", "b", "v", "g", "d", "e", "zh", "z",
    "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch",
    "sh", "shch", "", "y", "", "e", "yu", "ya",
    "e", "yo", "dj", "gj", "ye", "dz", "i", "yi",
    "j", "lj", "nj", "c", "kj", "i", "u", "dz",
};

/* U+0386..U+03CE. */
static const char *const greek[73] = {
    "A", ".", "E", "I", "I", "?", "O", "?",
    "Y", "O", "i", "A", "V", "G", "D", "E",
    "Z", "I", "Th", "I", "K", "L", "M", "N",
    "X", "O", "P", "R", "?", "S", "T", "Y",
    "F", "Ch", "Ps", "O", "I", "Y", "a", "e",
    "i", "i", "y", "a", "v", "g", "d", "e",
    "z", "i", "th", "i", "k", "l", "m", "n",
    "x", "o", "p", "r", "s", "s", "t", "y",
    "f", "ch", "ps", "o", "i", "y", "o", "y",
    "o",
};

struct sink {
    char *out;
    size_t size, len, chars, max;
    bool space;              /* a space is pending (collapsed, written before the next text) */
    bool full;
};

/* Appends one character (its UTF-8 bytes) unless the limit is reached. */
static void put_char(struct sink *k, const char *bytes, size_t n)
{
    if (k->full)
        return;
    size_t need = n + (k->space && k->chars > 0 ? 1 : 0);
    size_t chars = k->chars + 1 + (need > n ? 1 : 0);
    if ((k->max && chars > k->max) || k->len + need + 1 > k->size) {
        k->full = true;
        return;
    }
    if (need > n)
        k->out[k->len++] = ' ';
    memcpy(k->out + k->len, bytes, n);
    k->len += n;
    k->chars = chars;
    k->space = false;
}

static void put_text(struct sink *k, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ')
            k->space = true;
        else
            put_char(k, s, 1);
    }
}

/* Decodes one UTF-8 character at *p; U+FFFD for a malformed sequence. */
static unsigned long next_char(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned long c = s[0];
    int extra = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? (c < 0xf0 ? 2 : -1) : c >= 0xc2 ? 1 : c >= 0x80 ? -1 : 0;
    if (extra < 0) {
        *p = s + 1;
        return 0xfffd;
    }
    c &= extra ? 0x3fu >> extra : 0x7f;
    for (int i = 1; i <= extra; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *p = s + i;
            return 0xfffd;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    *p = s + 1 + extra;
    static const unsigned long least[] = {0, 0x80, 0x800, 0x10000};
    if (c < least[extra] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0xfffd;
    return c;
}

/* The Latin form of a character outside Latin-1, or NULL. */
static const char *romanise(unsigned long c)
{
    if (c >= 0x100 && c <= 0x24f)
        return strcmp(latin_ext[c - 0x100], "?") ? latin_ext[c - 0x100] : NULL;
    if (c >= 0x400 && c <= 0x45f)
        return cyrillic[c - 0x400];
    if (c == 0x490)
        return "G";
    if (c == 0x491)
        return "g";
    if (c >= 0x386 && c <= 0x3ce)
        return strcmp(greek[c - 0x386], "?") ? greek[c - 0x386] : NULL;
    if (c >= 0x2010 && c <= 0x2015)
        return "-";
    if ((c >= 0x2018 && c <= 0x201b) || c == 0x2032 || c == 0x2039 || c == 0x203a)
        return "'";
    if ((c >= 0x201c && c <= 0x201f) || c == 0x2033)
        return "\"";
    switch (c) {
    case 0x2022: return "*";
    case 0x2026: return "...";
    case 0x20ac: return "EUR";
    case 0x2122: return "TM";
    case 0x2212: return "-";
    case 0x2002: case 0x2003: case 0x2009: case 0x202f: return " ";
    default: return NULL;
    }
}

bool doc_latin(const char *in, enum doc_latin_set set, size_t maxchars, char *out, size_t size)
{
    struct sink k = {out, size, 0, 0, maxchars, false, false};
    bool exact = true;
    if (!out || size < 2)
        return false;
    const unsigned char *p = (const unsigned char *)(in ? in : "");
    while (*p && !k.full) {
        unsigned long c = next_char(&p);
        if (c == ' ' || c < 0x20 || (c >= 0x7f && c < 0xa0)) {
            /* Controls (tabs and newlines too) cannot stand in the fields. */
            exact = exact && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
            k.space = true;
        } else if (c < 0x7f) {
            char ch = (char)c;
            put_char(&k, &ch, 1);
        } else if (c <= 0xff && set == DOC_LATIN1) {
            char b[2] = {(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))};
            if (c == 0xa0)
                k.space = true;
            else
                put_char(&k, b, 2);
        } else if (c >= 0x300 && c <= 0x36f) {
            exact = false;           /* a combining accent: its letter stays */
        } else {
            const char *r = c <= 0xff ? latin1_ascii[c - 0xa0] : romanise(c);
            exact = false;
            put_text(&k, r ? r : "?");
        }
    }
    if (k.len == 0) {
        out[0] = '?';
        k.len = 1;
        exact = false;
    }
    out[k.len] = '\0';
    return exact && !k.full;
}
