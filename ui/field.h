/* field.h — the form widget: one-line text fields the screens embed (search
 * box, card number, VAT number, user name...), UTF-8 in a fixed buffer, and
 * a form that moves the focus between its fields and buttons and types into
 * the focused field. Clearing a field wipes its whole buffer (a card number
 * or PIN leaves nothing behind). */
#ifndef BC_UI_FIELD_H
#define BC_UI_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "keys.h"

#define FIELD_MAX 128

struct ui_field {
    char text[FIELD_MAX];
    size_t max_chars;          /* 0: as many as fit in the buffer */
    bool digits_only;          /* card numbers, expiry, seats */
};

/* Empties the field, wiping every byte of its buffer (explicit_bzero). */
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

/* A form: items in focus order, each a field or (field NULL) a button or
 * choice the screen handles; hidden items are skipped by the focus. */
#define UI_FORM_MAX 16
struct ui_form {
    struct ui_field *field[UI_FORM_MAX];   /* borrowed: fields of the same state */
    bool hidden[UI_FORM_MAX];
    int n;
    int focus;
};

/* A form of n items (focus on the first), all buttons until bound. */
void ui_form_init(struct ui_form *f, int n);
void ui_form_bind(struct ui_form *f, int item, struct ui_field *field);
/* The focused field, or NULL on a button. */
struct ui_field *ui_form_field(const struct ui_form *f);
/* Moves the focus by dir (+1/-1) to the next item not hidden, wrapping. */
void ui_form_move(struct ui_form *f, int dir);
/* Tab/Down, Backtab/Up move the focus; Backspace and Ctrl-U edit the
 * focused field. UI_* flags (UI_IGNORED for other actions). */
unsigned ui_form_key(struct ui_form *f, enum ui_action act);
/* Types ch into the focused field: UI_DONE when taken, UI_HANDLED when
 * refused, UI_IGNORED on a button. */
unsigned ui_form_text(struct ui_form *f, wint_t ch);
/* Wipes every field of the form. */
void ui_form_wipe(struct ui_form *f);

#endif
