/* list.c — selection and scrolling of the one list widget (see list.h). */
#include "list.h"

#include "app.h"

void ui_list_set_count(struct ui_list *l, size_t n)
{
    l->n = n;
    if (l->sel >= n)
        l->sel = n > 0 ? n - 1 : 0;
    if (l->top >= n)
        l->top = 0;
}

void ui_list_select(struct ui_list *l, size_t i)
{
    l->sel = l->n == 0 ? 0 : (i < l->n ? i : l->n - 1);
}

void ui_list_layout(struct ui_list *l, size_t rows)
{
    l->rows = rows;
    if (rows == 0 || l->n <= rows) {
        l->top = 0;
        return;
    }
    if (l->pager) {
        if (l->top > l->n - rows)
            l->top = l->n - rows;
        return;
    }
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + rows)
        l->top = l->sel - rows + 1;
    if (l->top + rows > l->n)
        l->top = l->n - rows;
}

bool ui_list_more(const struct ui_list *l)
{
    return l->top + l->rows < l->n;
}

/* The page: the visible height once laid out (never 0). */
static size_t ui_list_page(const struct ui_list *l)
{
    return l->rows > 1 ? l->rows - (l->pager ? 1 : 0) : 1;
}

unsigned ui_list_key(struct ui_list *l, enum ui_action act)
{
    size_t *pos = l->pager ? &l->top : &l->sel;
    size_t last = l->n == 0 ? 0
                : l->pager ? (l->rows > 0 && l->n > l->rows ? l->n - l->rows : 0)
                : l->n - 1;
    size_t was = *pos, page = ui_list_page(l);
    switch (act) {
    case ACT_UP:
        if (*pos > 0)
            (*pos)--;
        else if (l->wrap)
            *pos = last;
        break;
    case ACT_DOWN:
        if (*pos < last)
            (*pos)++;
        else if (l->wrap)
            *pos = 0;
        break;
    case ACT_PGUP:
        *pos = *pos > page ? *pos - page : 0;
        break;
    case ACT_PGDN:
        *pos = *pos + page < last ? *pos + page : last;
        break;
    case ACT_HOME:
        *pos = 0;
        break;
    case ACT_END:
        *pos = last;
        break;
    default:
        return UI_IGNORED;
    }
    return *pos != was ? UI_DONE : UI_HANDLED;
}
