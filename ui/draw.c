/* draw.c — text by columns, the shared frame pieces and display formats.
 *
 * Screens hand UTF-8 here and never count bytes as columns. On a terminal
 * without UTF-8 every character outside ASCII is spelled in ASCII (Italian
 * accents as "e'", the euro as "EUR", arrows as "->"), so the ASCII screens
 * say the same thing. */
#include "draw.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "i18n.h"
#include "money.h"

#define DRAW_MAX 512

/* ASCII spelling of the characters the UI and typical names use. */
static const char *draw_translit(wchar_t c)
{
    switch (c) {
    case L'\u00e0': return "a'";
    case L'\u00e8': case L'\u00e9': return "e'";
    case L'\u00ec': return "i'";
    case L'\u00f2': case L'\u00f3': return "o'";
    case L'\u00f9': case L'\u00fa': return "u'";
    case L'\u00c0': return "A'";
    case L'\u00c8': case L'\u00c9': return "E'";
    case L'\u00cc': return "I'";
    case L'\u00d2': return "O'";
    case L'\u00d9': return "U'";
    case L'\u00e1': case L'\u00e2': case L'\u00e3': case L'\u00e4': case L'\u00e5': return "a";
    case L'\u00ea': case L'\u00eb': return "e";
    case L'\u00ed': case L'\u00ee': case L'\u00ef': return "i";
    case L'\u00f4': case L'\u00f5': case L'\u00f6': case L'\u00f8': return "o";
    case L'\u00fb': case L'\u00fc': return "u";
    case L'\u00e7': return "c";
    case L'\u00f1': return "n";
    case L'\u00df': return "ss";
    case L'\u00c1': case L'\u00c2': case L'\u00c4': return "A";
    case L'\u00d6': return "O";
    case L'\u00dc': return "U";
    case L'\u00c7': return "C";
    case L'\u20ac': return "EUR";
    case L'\u00a3': return "GBP";
    case L'\u00a5': return "JPY";
    case L'\u2192': return "->";
    case L'\u2190': return "<-";
    case L'\u2191': return "Up";
    case L'\u2193': return "Dn";
    case L'\u2022': case L'\u00b7': return "*";
    case L'\u2026': return "...";
    case L'\u2013': case L'\u2014': case L'\u2500': return "-";
    case L'\u2502': return "|";
    case L'\u00d7': return "x";
    case L'\u2018': case L'\u2019': return "'";
    case L'\u201c': case L'\u201d': case L'\u00ab': case L'\u00bb': return "\"";
    case L'\u2713': case L'\u2714': return "x";
    case L'\u25b8': case L'\u25b6': return ">";
    case L'\u2588': return "#";
    case L'\u2591': case L'\u2592': return ".";
    case L'\u00a0': return " ";
    default: return "?";
    }
}

/* UTF-8 -> wide cells, transliterated when ASCII. Returns wide length. */
static size_t draw_widen(const char *s, wchar_t *out, size_t cap)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = 0, len = strlen(s);
    const char *p = s, *end = s + len;
    bool ascii = term_ascii();
    while (p < end && n + 4 < cap) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, p, (size_t)(end - p), &st);
        if (k == (size_t)-1 || k == (size_t)-2) {
            memset(&st, 0, sizeof st);
            wc = L'?';
            k = 1;
        } else if (k == 0) {
            break;
        }
        p += k;
        if (wc < 0x20 || wc == 0x7f)
            wc = L' ';
        if (ascii && wc > 0x7e) {
            for (const char *t = draw_translit(wc); *t != '\0' && n + 1 < cap; t++)
                out[n++] = (wchar_t)*t;
        } else {
            out[n++] = wc;
        }
    }
    out[n] = L'\0';
    return n;
}

static int draw_wc_width(wchar_t c)
{
    int w = wcwidth(c);
    return w < 0 ? 1 : w;
}

int draw_width(const char *s)
{
    wchar_t buf[DRAW_MAX];
    size_t n = draw_widen(s, buf, DRAW_MAX);
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += draw_wc_width(buf[i]);
    return w;
}

int draw_text(int y, int x, int w, const char *s, attr_t a)
{
    if (s == NULL || w <= 0)
        return 0;
    wchar_t buf[DRAW_MAX];
    size_t n = draw_widen(s, buf, DRAW_MAX);
    int used = 0;
    size_t k = 0;
    while (k < n) {
        int cw = draw_wc_width(buf[k]);
        if (used + cw > w)
            break;
        used += cw;
        k++;
    }
    attrset(a);
    mvaddnwstr(y, x, buf, (int)k);
    attrset(A_NORMAL);
    return used;
}

void draw_text_right(int y, int x, int w, const char *s, attr_t a)
{
    int sw = draw_width(s);
    if (sw > w)
        sw = w;
    draw_text(y, x + w - sw, sw, s, a);
}

void draw_fill(int y, int x, int w, attr_t a)
{
    if (w <= 0)
        return;
    attrset(a);
    mvhline(y, x, ' ', w);
    attrset(A_NORMAL);
}

void draw_rule(int y, int x, int w, const char *heading)
{
    if (term_ascii())
        mvhline(y, x, '-', w);
    else
        mvhline_set(y, x, WACS_HLINE, w);
    if (heading != NULL && heading[0] != '\0') {
        char buf[256];
        snprintf(buf, sizeof buf, " %s ", heading);
        draw_text(y, x + 2, w - 4, buf, term_attr(TERM_HEADING));
    }
}

void draw_box(int y, int x, int h, int w)
{
    if (h < 2 || w < 2)
        return;
    if (term_ascii()) {
        mvhline(y, x + 1, '-', w - 2);
        mvhline(y + h - 1, x + 1, '-', w - 2);
        mvvline(y + 1, x, '|', h - 2);
        mvvline(y + 1, x + w - 1, '|', h - 2);
        mvaddch(y, x, '+');
        mvaddch(y, x + w - 1, '+');
        mvaddch(y + h - 1, x, '+');
        mvaddch(y + h - 1, x + w - 1, '+');
    } else {
        mvhline_set(y, x + 1, WACS_HLINE, w - 2);
        mvhline_set(y + h - 1, x + 1, WACS_HLINE, w - 2);
        mvvline_set(y + 1, x, WACS_VLINE, h - 2);
        mvvline_set(y + 1, x + w - 1, WACS_VLINE, h - 2);
        mvadd_wch(y, x, WACS_ULCORNER);
        mvadd_wch(y, x + w - 1, WACS_URCORNER);
        mvadd_wch(y + h - 1, x, WACS_LLCORNER);
        mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
    }
}

int draw_wrap(int y, int x, int w, int maxlines, const char *s, attr_t a)
{
    char line[DRAW_MAX * 4];
    int rows = 0;
    const char *p = s;
    while (*p != '\0' && rows < maxlines) {
        while (*p == ' ')
            p++;
        /* Take words while they fit; a word longer than the row is cut. */
        size_t len = 0, best = 0;
        const char *q = p;
        while (*q != '\0') {
            const char *e = q;
            while (*e != '\0' && *e != ' ')
                e++;
            size_t cand = (size_t)(e - p);
            if (cand >= sizeof line)
                break;
            memcpy(line, p, cand);
            line[cand] = '\0';
            if (draw_width(line) > w)
                break;
            best = cand;
            q = e;
            while (*q == ' ')
                q++;
        }
        len = best;
        if (len == 0) {
            /* one long word: draw what fits and move past it */
            draw_text(y + rows, x, w, p, a);
            while (*p != '\0' && *p != ' ')
                p++;
        } else {
            memcpy(line, p, len);
            line[len] = '\0';
            draw_text(y + rows, x, w, line, a);
            p += len;
        }
        rows++;
    }
    return rows;
}

int draw_pair_width(int avail)
{
    return avail > 76 ? 76 : avail;
}

void draw_pair(int y, int x, int w, const char *label, const char *value, attr_t a)
{
    int vw = draw_width(value);
    draw_text(y, x, w - vw - 1, label, a);
    draw_text_right(y, x, w, value, a);
}

void fmt_money(char *buf, size_t size, int64_t minor, const char *currency)
{
    money_format(buf, size, minor, currency, i18n_is_it() ? MONEY_STYLE_IT : MONEY_STYLE_EN,
                 term_ascii());
}

void fmt_date(char *buf, size_t size, bc_day day)
{
    int y, m, d;
    date_to_civil(day, &y, &m, &d);
    if (i18n_is_it())
        snprintf(buf, size, "%02d/%02d/%04d", d, m, y);
    else
        snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

void fmt_range(char *buf, size_t size, bc_day from, bc_day to)
{
    char a[16], b[16];
    fmt_date(a, sizeof a, from);
    fmt_date(b, sizeof b, to);
    snprintf(buf, size, "%s %s %s", a, draw_glyph_arrow(), b);
}

const char *draw_glyph_arrow(void)
{
    return term_ascii() ? "->" : "\u2192";
}

const char *draw_glyph_check(bool on)
{
    if (term_ascii())
        return on ? "[x]" : "[ ]";
    return on ? "[\u2713]" : "[ ]";
}

const char *draw_glyph_cursor(void)
{
    return term_ascii() ? ">" : "\u25b8";
}

attr_t draw_list_mark(int y, int x, bool cur, bool focused, attr_t other)
{
    if (!cur)
        return other;
    if (!focused) {
        draw_text(y, x, 1, draw_glyph_cursor(), other);
        return other;
    }
    /* Glyph, gap and key text in one attribute: one run, one SGR change. */
    attr_t sel = term_attr(TERM_SELECTED) | (other & A_BOLD);
    draw_text(y, x, 1, draw_glyph_cursor(), sel);
    draw_text(y, x + 1, 1, " ", sel);
    return sel;
}
