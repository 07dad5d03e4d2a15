/* docs.h — what the Invoices list and the document view share: who gets
 * the keys that save and send a fiscal document, and those actions with
 * their outcome on the status line. */
#ifndef BC_UI_DOCS_H
#define BC_UI_DOCS_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "view_docs.h"

/* The language documents are rendered in: the UI's. */
enum doc_lang ui_doc_lang(void);
/* True for an operator at a terminal of their own (never a kiosk): p and f
 * save files on this machine. */
bool ui_docs_may_save(const struct ui_app *app);
/* True for an operator who may change things (not read-only, not a kiosk):
 * n sends. */
bool ui_docs_may_send(const struct ui_app *app);
/* "Invoice" / "Credit note", translated (Italian: "Fattura" / "Nota di credito"). */
const char *ui_doc_kind_label(bool credit_note);

/* The directory saved documents go to: $BILLCENTER_EXPORT_DIR when set,
 * else the current directory (absolute). False when neither can be told. */
bool ui_docs_export_dir(char *buf, size_t size);

/* Saves document `id` as a PDF or FatturaPA XML into the export directory;
 * the status line says the full path written, or why not. */
void ui_doc_save(struct ui_app *app, int64_t id, enum view_doc_file fmt);
/* Asks whether to send the document numbered `number`, then hands it to the
 * catalog's e-mail and SdI commands (billing_invoice_send); the status line
 * says what each channel answered. `yes` is the asking screen's function
 * that calls ui_doc_send. */
void ui_doc_ask_send(struct ui_app *app, const char *number, bool credit_note, ui_yes_fn *yes);
void ui_doc_send(struct ui_app *app, const char *number);

#endif
