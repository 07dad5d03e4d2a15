/* field.c — one-line text fields: typing, erasing and drawing, UTF-8 safe. */
#include "field.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "term.h"

void field_clear(struct ui_field *f)
{
    f->text[0] = '\0';
}

void field_set(struct ui_field *f, const char *s)
{
    snprintf(f->text, sizeof f->text, "%s", s != NULL ? s : "");
}

size_t field_chars(const struct ui_field *f)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)f->text; *p != '\0'; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

bool field_put(struct ui_field *f, wint_t ch)
{
    if (f->digits_only && (ch < '0' || ch > '9'))
        return false;
    if (f->max_chars > 0 && field_chars(f) >= f->max_chars)
        return false;
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t k = wcrtomb(mb, (wchar_t)ch, &st);
    size_t len = strlen(f->text);
    if (k == (size_t)-1 || len + k + 1 > sizeof f->text)
        return false;
    memcpy(f->text + len, mb, k);
    f->text[len + k] = '\0';
    return true;
}

bool field_erase(struct ui_field *f)
{
    size_t len = strlen(f->text);
    if (len == 0)
        return false;
    do {
        len--;
    } while (len > 0 && ((unsigned char)f->text[len] & 0xC0) == 0x80);
    f->text[len] = '\0';
    return true;
}

void field_draw(const struct ui_field *f, int y, int x, int w, bool focused, const char *shown)
{
    const char *t = shown != NULL ? shown : f->text;
    attr_t a = focused ? term_attr(TERM_SELECTED) : term_attr(TERM_FIELD);
    draw_text(y, x, 1, "[", A_NORMAL);
    draw_fill(y, x + 1, w - 2, a);
    int tw = draw_width(t);
    int room = w - 3;
    /* Show the end of a long text: that is where typing happens. */
    const char *p = t;
    while (tw > room && *p != '\0') {
        p++;
        while (((unsigned char)*p & 0xC0) == 0x80)
            p++;
        tw = draw_width(p);
    }
    int used = draw_text(y, x + 1, room, p, a);
    if (focused)
        draw_text(y, x + 1 + used, 1, "_", a);
    draw_text(y, x + w - 1, 1, "]", A_NORMAL);
}
