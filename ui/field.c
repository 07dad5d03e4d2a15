/* field.c — one-line text fields (typing, erasing and drawing, UTF-8 safe)
 * and the form that moves between them. */
#include "field.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "term.h"

void field_clear(struct ui_field *f)
{
    explicit_bzero(f->text, sizeof f->text);
}

void field_set(struct ui_field *f, const char *s)
{
    field_clear(f);
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
    explicit_bzero(f->text + len, sizeof f->text - len);
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

/* ---- forms ---- */

void ui_form_init(struct ui_form *f, int n)
{
    memset(f, 0, sizeof *f);
    f->n = n < UI_FORM_MAX ? n : UI_FORM_MAX;
}

void ui_form_bind(struct ui_form *f, int item, struct ui_field *field)
{
    if (item >= 0 && item < f->n)
        f->field[item] = field;
}

struct ui_field *ui_form_field(const struct ui_form *f)
{
    return f->focus >= 0 && f->focus < f->n && !f->hidden[f->focus] ? f->field[f->focus] : NULL;
}

void ui_form_move(struct ui_form *f, int dir)
{
    int i = f->focus;
    for (int k = 0; k < f->n; k++) {
        i = (i + dir + f->n) % f->n;
        if (!f->hidden[i]) {
            f->focus = i;
            return;
        }
    }
}

unsigned ui_form_key(struct ui_form *f, enum ui_action act)
{
    struct ui_field *fl = ui_form_field(f);
    switch (act) {
    case ACT_TAB:
    case ACT_DOWN:
        ui_form_move(f, 1);
        return UI_DONE;
    case ACT_BACKTAB:
    case ACT_UP:
        ui_form_move(f, -1);
        return UI_DONE;
    case ACT_ERASE:
        return fl != NULL && field_erase(fl) ? UI_DONE : UI_HANDLED;
    case ACT_CLEAR:
        if (fl == NULL || fl->text[0] == '\0')
            return UI_HANDLED;
        field_clear(fl);
        return UI_DONE;
    default:
        return UI_IGNORED;
    }
}

unsigned ui_form_text(struct ui_form *f, wint_t ch)
{
    struct ui_field *fl = ui_form_field(f);
    if (fl == NULL)
        return UI_IGNORED;
    return field_put(fl, ch) ? UI_DONE : UI_HANDLED;
}

void ui_form_wipe(struct ui_form *f)
{
    for (int i = 0; i < f->n; i++)
        if (f->field[i] != NULL)
            field_clear(f->field[i]);
}
