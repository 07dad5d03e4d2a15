/* scr_invoices.c — "Invoices": the account's fiscal documents (SPEC §9),
 * newest first: number, date, kind, total and how far sending got. Enter
 * opens the document; operators save its PDF or FatturaPA XML and send
 * it. A move rewrites the cursor and the number of two rows only, however
 * many documents the account has (SSH links are slow). */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "docs.h"
#include "draw.h"
#include "i18n.h"
#include "list.h"

struct invoices_state {
    struct store_document_list docs;
    struct ui_list list;
    enum bc_status last;
};

static void invoices_enter(struct ui_app *app, void *st)
{
    struct invoices_state *I = st;
    /* Reloaded each time: sending changes what the list says. */
    view_documents_clear(&I->docs);
    I->last = app->have_account ? view_documents(app->b, app->va.acct.id, &I->docs) : BC_NOT_FOUND;
    if (I->last != BC_OK)
        ui_status_code(app, I->last);
    ui_list_set_count(&I->list, I->docs.n);
}

static void invoices_done(struct ui_app *app, void *st)
{
    struct invoices_state *I = st;
    (void)app;
    view_documents_clear(&I->docs);
}

/* How far the document got through the channels it was handed to. */
static const char *invoices_sent_word(const struct store_document *d)
{
    enum store_send_status e = d->sent[STORE_SEND_EMAIL], s = d->sent[STORE_SEND_SDI];
    if (e == STORE_SEND_NONE && s == STORE_SEND_NONE)
        return _("not sent");
    if (e == STORE_SEND_REJECTED || s == STORE_SEND_REJECTED)
        return _("rejected");
    if (e == STORE_SEND_FAILED || s == STORE_SEND_FAILED)
        return _("to retry");
    if (e == STORE_SEND_SENDING || s == STORE_SEND_SENDING)
        return _("sending");
    return C_("document", "sent");
}

static const struct store_document *invoices_sel(const struct invoices_state *I)
{
    return I->list.sel < I->docs.n ? &I->docs.items[I->list.sel] : NULL;
}

static void invoices_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct invoices_state *I = st;
    (void)app;
    int y = top;
    if (I->docs.n == 0) {
        draw_text(y, 2, COLS - 4, I->last != BC_OK ? _("The documents could not be read; see below.")
                                                   : _("This account has no invoices or credit notes."),
                  A_NORMAL);
        return;
    }
    attr_t h = term_attr(TERM_HEADING);
    const int cnum = 4, cdate = 22, ckind = 34, ctotal = 51, csent = 67;
    draw_text(y, cnum, cdate - cnum - 1, _("Number"), h);
    draw_text(y, cdate, ckind - cdate - 1, _("Date"), h);
    draw_text(y, ckind, ctotal - ckind - 1, _("Type"), h);
    draw_text_right(y, ctotal, csent - ctotal - 2, _("Total"), h);
    draw_text(y, csent, COLS - csent - 1, _("Sent"), h);
    y++;
    ui_list_layout(&I->list, (size_t)(bottom - y));
    for (size_t i = I->list.top; i < I->docs.n && y < bottom; i++, y++) {
        const struct store_document *d = &I->docs.items[i];
        char day[32], money[64];
        /* Only the cursor and the number mark the current row. */
        attr_t at = draw_list_mark(y, 2, i == I->list.sel, true, A_NORMAL);
        draw_text(y, cnum, cdate - cnum - 1, d->number, at);
        fmt_date(day, sizeof day, d->issued_on);
        draw_text(y, cdate, ckind - cdate - 1, day, A_NORMAL);
        draw_text(y, ckind, ctotal - ckind - 1, ui_doc_kind_label(d->kind == STORE_DOC_CREDIT_NOTE),
                  A_NORMAL);
        fmt_money(money, sizeof money, d->total, d->currency);
        draw_text_right(y, ctotal, csent - ctotal - 2, money, A_NORMAL);
        draw_text(y, csent, COLS - csent - 1, invoices_sent_word(d), A_NORMAL);
    }
}

static void invoices_yes_send(struct ui_app *app, void *st)
{
    struct invoices_state *I = st;
    const struct store_document *d = invoices_sel(I);
    if (d == NULL)
        return;
    char number[STORE_DOC_NUMBER_MAX + 1];
    snprintf(number, sizeof number, "%s", d->number);
    ui_doc_send(app, number);
    /* What the list says of it changed. */
    size_t sel = I->list.sel;
    invoices_enter(app, I);
    ui_list_select(&I->list, sel);
}

static unsigned invoices_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct invoices_state *I = st;
    const struct store_document *d = invoices_sel(I);
    switch (act) {
    case ACT_ENTER:
        if (d != NULL)
            ui_go(app, "document", d->id);
        return UI_DONE;
    case ACT_INVOICES:
        return UI_HANDLED;
    case ACT_SAVE_PDF:
    case ACT_SAVE_XML:
        if (d != NULL && ui_docs_may_save(app))
            ui_doc_save(app, d->id, act == ACT_SAVE_PDF ? VIEW_DOC_PDF : VIEW_DOC_XML);
        return UI_HANDLED;
    case ACT_SEND:
        if (d != NULL && ui_docs_may_send(app))
            ui_doc_ask_send(app, d->number, d->kind == STORE_DOC_CREDIT_NOTE, invoices_yes_send);
        return UI_DONE;
    default:
        return ui_list_key(&I->list, act);
    }
}

static const enum ui_action *invoices_footer(struct ui_app *app, void *st)
{
    static const enum ui_action send[] = {ACT_ENTER, ACT_UP, ACT_SAVE_PDF, ACT_SAVE_XML,
                                          ACT_SEND, ACT_BACK, ACT_NONE};
    static const enum ui_action save[] = {ACT_ENTER, ACT_UP, ACT_SAVE_PDF, ACT_SAVE_XML,
                                          ACT_BACK, ACT_NONE};
    static const enum ui_action view[] = {ACT_ENTER, ACT_UP, ACT_BACK, ACT_NONE};
    (void)st;
    return ui_docs_may_send(app) ? send : ui_docs_may_save(app) ? save : view;
}

#define INVOICES_HELP \
    N_("The account's invoices and credit notes, newest first: number, date, " \
       "type, total, and whether it was sent to its recipients and the SdI. " \
       "Enter shows the document as it was issued; Up/Down, PgUp/PgDn, " \
       "Home/End move.")

static const char *const invoices_help[] = {INVOICES_HELP, NULL};

static const char *const invoices_help_operator[] = {
    INVOICES_HELP,
    N_("Operators: p saves the PDF, f the FatturaPA XML, into "
       "$BILLCENTER_EXPORT_DIR or else the directory billcenter was started "
       "in (the status line says the full path); n sends the document to "
       "its recipients and the SdI, after asking."),
    NULL,
};

/* The keys that save and send are told to those who have them only. */
static const char *const *invoices_help_now(struct ui_app *app, void *st)
{
    (void)st;
    return ui_docs_may_save(app) ? invoices_help_operator : NULL;
}

const struct ui_screen scr_invoices = {
    .route = "invoices",
    .title = N_("Invoices"),
    .private_size = sizeof(struct invoices_state),
    .flags = UI_SCREEN_FOOTER_FIT,
    .enter = invoices_enter,
    .done = invoices_done,
    .draw = invoices_draw,
    .action = invoices_action,
    .footer = invoices_footer,
    .help = invoices_help,
    .help_now = invoices_help_now,
};
