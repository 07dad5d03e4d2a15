/* field.h — a one-line text field the screens embed (search box, card
 * number, VAT number, user name...). UTF-8 in a fixed buffer. */
#ifndef BC_UI_FIELD_H
#define BC_UI_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define FIELD_MAX 128

struct ui_field {
    char text[FIELD_MAX];
    size_t max_chars;          /* 0: as many as fit in the buffer */
    bool digits_only;          /* card numbers, expiry, seats */
};

void field_clear(struct ui_field *f);
void field_set(struct ui_field *f, const char *s);
/* Appends a typed character; false when refused (full, not allowed). */
bool field_put(struct ui_field *f, wint_t ch);
/* Removes the last character; false when already empty. */
bool field_erase(struct ui_field *f);
size_t field_chars(const struct ui_field *f);

/* Draws "[text_     ]" in w columns at (y, x); `shown` replaces the text
 * (masked card numbers), `focused` adds the cursor mark. */
void field_draw(const struct ui_field *f, int y, int x, int w, bool focused, const char *shown);

#endif
