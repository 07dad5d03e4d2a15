/* docs.c — saving and sending a fiscal document from the Invoices list
 * and the document view (see docs.h). */
#include "docs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "invoice.h"

enum doc_lang ui_doc_lang(void)
{
    return i18n_is_it() ? DOC_LANG_IT : DOC_LANG_EN;
}

bool ui_docs_may_save(const struct ui_app *app)
{
    return !app->kiosk && app->b->actor.kind == BILLING_ACTOR_OPERATOR;
}

bool ui_docs_may_send(const struct ui_app *app)
{
    return ui_docs_may_save(app) && app->b->actor.op_role != STORE_OP_READONLY;
}

const char *ui_doc_kind_label(bool credit_note)
{
    return credit_note ? _("Credit note") : _("Invoice");
}

bool ui_docs_export_dir(char *buf, size_t size)
{
    const char *env = getenv("BILLCENTER_EXPORT_DIR");
    char cwd[PATH_MAX];
    if (env == NULL || env[0] == '\0') {
        if (getcwd(cwd, sizeof cwd) == NULL)
            return false;
        env = cwd;
    }
    /* The path the status line shows is the one to look for: absolute. */
    char *real = realpath(env, NULL);
    int n = snprintf(buf, size, "%s", real != NULL ? real : env);
    free(real);
    return n > 0 && (size_t)n < size;
}

void ui_doc_save(struct ui_app *app, int64_t id, enum view_doc_file fmt)
{
    char dir[PATH_MAX], path[PATH_MAX + 64], why[256];
    if (!ui_docs_may_save(app))
        return;
    if (!ui_docs_export_dir(dir, sizeof dir)) {
        ui_status(app, true, "%s", _("No directory to save to: set BILLCENTER_EXPORT_DIR."));
        return;
    }
    enum bc_status rc = view_document_save(app->b, id, fmt, ui_doc_lang(), dir, path, sizeof path,
                                           why, sizeof why);
    if (rc == BC_OK)
        ui_status(app, false, fmt == VIEW_DOC_PDF ? _("PDF saved: %s") : _("XML saved: %s"), path);
    else if (rc == BC_IO_ERROR && path[0] != '\0')
        /* TRANSLATORS: %s is the path, then the system's reason. */
        ui_status(app, true, _("Could not write %s: %s"), path, why);
    else
        ui_status_code(app, rc);
}

void ui_doc_ask_send(struct ui_app *app, const char *number, bool credit_note, ui_yes_fn *yes)
{
    char q[256];
    if (!ui_docs_may_send(app))
        return;
    snprintf(q, sizeof q, credit_note ? _("Send credit note %s to its recipients and the SdI? y/n")
                                      : _("Send invoice %s to its recipients and the SdI? y/n"),
             number);
    ui_ask(app, q, yes);
}

static const char *ui_doc_send_word(const struct billing_send_item *it)
{
    switch (it->status) {
    case STORE_SEND_ACCEPTED:
        /* attempt 0: accepted by an earlier run, not handed over again */
        return it->attempt == 0 ? _("accepted before") : _("accepted");
    case STORE_SEND_REJECTED:
        return _("rejected");
    case STORE_SEND_SENDING:
        return _("being sent by another session");
    case STORE_SEND_FAILED:
    case STORE_SEND_NONE:
        break;
    }
    return _("failed, to retry");
}

void ui_doc_send(struct ui_app *app, const char *number)
{
    struct billing_send_report r;
    if (!ui_docs_may_send(app))
        return;
    enum bc_status rc = billing_invoice_send(app->b, number, ui_doc_lang(), &r);
    if (rc == BC_INVALID_ARGUMENT) {
        ui_status(app, true, "%s",
                  _("Nothing can be sent: the catalog has neither documents.send_command nor "
                    "sdi.command."));
    } else if (rc != BC_OK) {
        ui_status_code(app, rc);
    } else if (r.accepted + r.rejected + r.failed + r.in_flight == 0) {
        /* Every channel had accepted it before: nothing was handed over. */
        ui_status(app, false, _("%s was sent already: nothing to do."), number);
    } else {
        /* "2026/000001: e-mail accepted, SdI rejected (reason)" */
        char buf[400];
        size_t off = 0;
        bool bad = false;
        int n = snprintf(buf, sizeof buf, "%s:", number);
        off = n > 0 ? (size_t)n : 0;
        for (size_t i = 0; i < r.n && off < sizeof buf; i++) {
            const struct billing_send_item *it = &r.items[i];
            bad = bad || it->status != STORE_SEND_ACCEPTED;
            n = snprintf(buf + off, sizeof buf - off, "%s %s %s", i > 0 ? "," : "",
                         it->channel == STORE_SEND_SDI ? "SdI" : _("e-mail"),
                         ui_doc_send_word(it));
            off += n > 0 ? (size_t)n : 0;
            if (off < sizeof buf && it->message[0] != '\0' && it->status != STORE_SEND_ACCEPTED) {
                n = snprintf(buf + off, sizeof buf - off, " (%s)", it->message);
                off += n > 0 ? (size_t)n : 0;
            }
        }
        ui_status(app, bad, "%s", buf);
    }
    billing_send_report_clear(&r);
}
