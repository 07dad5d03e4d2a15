/* draw.h — drawing text into the screen by columns: UTF-8 in, wide cells
 * out, cut to a width, transliterated to ASCII on terminals without UTF-8.
 * Also the frame every screen shares (title bar, status line, footer) and
 * per-language formats of amounts and dates. */
#ifndef BC_UI_DRAW_H
#define BC_UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "term.h"

#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24

/* Columns `s` takes on screen (after transliteration when ASCII). */
int draw_width(const char *s);
/* Draws `s` at (y, x), at most `w` columns. Returns the columns drawn. */
int draw_text(int y, int x, int w, const char *s, attr_t a);
/* Draws `s` so that it ends at column x + w (right-aligned in w columns). */
void draw_text_right(int y, int x, int w, const char *s, attr_t a);
/* Fills w cells with `a` (spaces). */
void draw_fill(int y, int x, int w, attr_t a);
/* A horizontal rule with an optional heading: "── Order Summary ────". */
void draw_rule(int y, int x, int w, const char *heading);
/* A box outline (ASCII + - | when the terminal is not UTF-8). */
void draw_box(int y, int x, int h, int w);
/* Draws `s` wrapped at spaces into at most `maxlines` rows of w columns.
 * Returns the rows used. */
int draw_wrap(int y, int x, int w, int maxlines, const char *s, attr_t a);
/* The width label/amount rows take out of `avail` columns: all of it on a
 * narrow terminal, at most 76 (what an 80-column terminal gives) on a wide one (amounts stay near their
 * labels). */
int draw_pair_width(int avail);
/* A label on the left and an amount on the right of one row. */
void draw_pair(int y, int x, int w, const char *label, const char *value, attr_t a);

/* Amount in the UI language: "€1,234.56" / "1.234,56 €" ("EUR" when ASCII). */
void fmt_money(char *buf, size_t size, int64_t minor, const char *currency);
/* Date in the UI language: "2026-11-25" / "25/11/2026". */
void fmt_date(char *buf, size_t size, bc_day day);
/* "2026-11-25 → 2026-12-25" ("->" when ASCII). */
void fmt_range(char *buf, size_t size, bc_day from, bc_day to);
/* Arrow, ellipsis, check marks in UTF-8 or ASCII. */
const char *draw_glyph_arrow(void);
const char *draw_glyph_check(bool on);
const char *draw_glyph_cursor(void);
/* The mark of a list's current row, kept to a few cells so that moving the
 * selection one row rewrites little (SSH links are slow): on the current
 * row, the cursor glyph at (y, x) and the gap after it, in TERM_SELECTED
 * when the list has the focus (else the glyph alone, in `other`). Returns
 * the attribute for the row's short key text at x + 2 (id, product, label):
 * TERM_SELECTED (plus bold when `other` is bold) when the row is current
 * and focused, else `other`. The rest of the row keeps its attributes; the
 * glyph tells the row without color. */
attr_t draw_list_mark(int y, int x, bool cur, bool focused, attr_t other);

#endif
