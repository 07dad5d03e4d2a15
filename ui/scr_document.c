/* scr_document.c — one fiscal document as it was issued (SPEC §9): the
 * text the core renders from the stored model, in the UI's language,
 * scrolled as a page (Up/Down, PgUp/PgDn, Home/End). Operators save its
 * PDF or FatturaPA XML and send it from here too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "docs.h"
#include "draw.h"
#include "i18n.h"
#include "list.h"

struct document_state {
    int64_t id;
    struct view_doc_info info;
    struct doc_bytes text;    /* its lines, each ended by NUL in place of '\n' */
    char **lines;
    size_t nlines;
    struct ui_list page;      /* a pager over the lines */
    enum bc_status last;
    char title[96];
};

static void document_free(struct document_state *D)
{
    if (D->text.data != NULL)
        explicit_bzero(D->text.data, D->text.len);
    doc_bytes_free(&D->text);
    free(D->lines);
    D->lines = NULL;
    D->nlines = 0;
}

/* Cuts the text into lines in place. */
static enum bc_status document_split(struct document_state *D)
{
    size_t n = 0;
    for (size_t i = 0; i < D->text.len; i++)
        n += D->text.data[i] == '\n';
    D->lines = calloc(n + 1, sizeof *D->lines);
    if (D->lines == NULL)
        return BC_NO_MEMORY;
    char *p = D->text.data;
    while (p != NULL && *p != '\0') {
        char *nl = strchr(p, '\n');
        if (nl != NULL)
            *nl = '\0';
        D->lines[D->nlines++] = p;
        p = nl != NULL ? nl + 1 : NULL;
    }
    return BC_OK;
}

static void document_open(struct ui_app *app, void *st, int64_t arg)
{
    struct document_state *D = st;
    D->id = arg;
    D->page.pager = true;
    D->last = view_document_text(app->b, arg, ui_doc_lang(), term_ascii(), &D->text, &D->info);
    if (D->last == BC_OK)
        D->last = document_split(D);
    if (D->last != BC_OK) {
        document_free(D);
        ui_status_code(app, D->last);
    }
    ui_list_set_count(&D->page, D->nlines);
    if (D->info.number[0] != '\0')
        snprintf(D->title, sizeof D->title, "%s %s", ui_doc_kind_label(D->info.credit_note),
                 D->info.number);
}

static void document_done(struct ui_app *app, void *st)
{
    (void)app;
    document_free(st);
}

static void document_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct document_state *D = st;
    (void)app;
    if (D->nlines == 0) {
        draw_text(top, 2, COLS - 4, _("The document could not be read; see below."), A_NORMAL);
        return;
    }
    ui_list_layout(&D->page, (size_t)(bottom - top));
    int y = top;
    for (size_t i = D->page.top; i < D->nlines && y < bottom; i++, y++)
        draw_text(y, 1, COLS - 2, D->lines[i], A_NORMAL);
}

static void document_yes_send(struct ui_app *app, void *st)
{
    struct document_state *D = st;
    ui_doc_send(app, D->info.number);
}

static unsigned document_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct document_state *D = st;
    bool have = D->nlines > 0;
    switch (act) {
    case ACT_ENTER:
    case ACT_INVOICES:
        return UI_HANDLED;
    case ACT_SAVE_PDF:
    case ACT_SAVE_XML:
        if (have && ui_docs_may_save(app))
            ui_doc_save(app, D->id, act == ACT_SAVE_PDF ? VIEW_DOC_PDF : VIEW_DOC_XML);
        return UI_HANDLED;
    case ACT_SEND:
        if (have && ui_docs_may_send(app))
            ui_doc_ask_send(app, D->info.number, D->info.credit_note, document_yes_send);
        return UI_DONE;
    default:
        return ui_list_key(&D->page, act);
    }
}

static const enum ui_action *document_footer(struct ui_app *app, void *st)
{
    static const enum ui_action send[] = {ACT_UP, ACT_SAVE_PDF, ACT_SAVE_XML, ACT_SEND, ACT_BACK,
                                          ACT_NONE};
    static const enum ui_action save[] = {ACT_UP, ACT_SAVE_PDF, ACT_SAVE_XML, ACT_BACK, ACT_NONE};
    static const enum ui_action view[] = {ACT_UP, ACT_BACK, ACT_NONE};
    (void)st;
    return ui_docs_may_send(app) ? send : ui_docs_may_save(app) ? save : view;
}

static const char *document_title(struct ui_app *app, void *st)
{
    const struct document_state *D = st;
    (void)app;
    return D->title[0] != '\0' ? D->title : _("Invoices");
}

#define DOCUMENT_HELP \
    N_("The document as it was issued: seller, customer, each line with the " \
       "days it covers, VAT, totals and how it was paid. Up/Down, PgUp/PgDn " \
       "and Home/End scroll; Esc returns to the list.")

static const char *const document_help[] = {DOCUMENT_HELP, NULL};

static const char *const document_help_operator[] = {
    DOCUMENT_HELP,
    N_("Operators: p saves the PDF, f the FatturaPA XML, into "
       "$BILLCENTER_EXPORT_DIR or else the directory billcenter was started "
       "in (the status line says the full path); n sends the document to "
       "its recipients and the SdI, after asking."),
    NULL,
};

static const char *const *document_help_now(struct ui_app *app, void *st)
{
    (void)st;
    return ui_docs_may_save(app) ? document_help_operator : NULL;
}

const struct ui_screen scr_document = {
    .route = "document",
    .title = N_("Invoices"),
    .private_size = sizeof(struct document_state),
    .flags = UI_SCREEN_FOOTER_FIT,
    .open = document_open,
    .done = document_done,
    .draw = document_draw,
    .action = document_action,
    .footer = document_footer,
    .help = document_help,
    .help_now = document_help_now,
    .title_now = document_title,
};
