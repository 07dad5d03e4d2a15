/* list.h — the one list widget (htop's Panel habit): a selection over n
 * rows drawn in a window of visible rows, kept in view as it moves; Up/Down,
 * PgUp/PgDn by the visible height, Home/End. A pager list (history, the
 * review page) has no selection: the keys scroll it. The screen draws the
 * rows itself from `top`; the widget owns only where they are. */
#ifndef BC_UI_LIST_H
#define BC_UI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

struct ui_list {
    size_t n;          /* rows */
    size_t sel;        /* selected row (< n when n > 0) */
    size_t top;        /* first row shown */
    size_t rows;       /* visible rows, from the last layout */
    bool pager;        /* no selection: moving scrolls */
    bool wrap;         /* Up on the first row selects the last, Down on the last the first */
};

/* Sets the number of rows (the selection stays, clamped). */
void ui_list_set_count(struct ui_list *l, size_t n);
/* Lays the list out in `rows` visible rows: keeps the selection in view
 * (a pager: keeps the window inside the rows). Call from draw. */
void ui_list_layout(struct ui_list *l, size_t rows);
/* Moves for Up, Down, PgUp, PgDn, Home, End: UI_DONE when it moved,
 * UI_HANDLED when it could not move, UI_IGNORED for other actions. */
unsigned ui_list_key(struct ui_list *l, enum ui_action act);
/* Selects row i (clamped). */
void ui_list_select(struct ui_list *l, size_t i);
/* True when more rows follow the window. */
bool ui_list_more(const struct ui_list *l);

#endif
