/* cli_invoice.c — `billcenter invoices ACCOUNT`, `invoice show NUMBER` and
 * `invoice send [NUMBER]` (SPEC §9): an account's fiscal documents, one
 * of them as it was issued (the stored model rendered as text or PDF, or
 * the stored JSON and FatturaPA XML byte for byte), and handing them on
 * to the catalog's e-mail and SdI commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cmd.h"
#include "cli_json.h"
#include "doc_read.h"
#include "doc_write.h"
#include "invoice.h"
#include "money.h"

static enum doc_lang doc_lang_of(const struct cli *c)
{
    return strcmp(c->lang, "it") == 0 ? DOC_LANG_IT : DOC_LANG_EN;
}

static const char *kind_name(enum store_doc_kind k)
{
    return k == STORE_DOC_CREDIT_NOTE ? "credit_note" : "invoice";
}

/* How far a document got through each channel, in words. */
static const char *sent_words(enum store_send_status st)
{
    switch (st) {
    case STORE_SEND_SENDING: return _("sending");
    case STORE_SEND_ACCEPTED: return _("accepted");
    case STORE_SEND_REJECTED: return _("rejected");
    case STORE_SEND_FAILED: return _("failed, to retry");
    case STORE_SEND_NONE: break;
    }
    return _("not sent");
}

/* Prints s in a column of `width` characters (not bytes: "€", "à"). */
static void column(const char *s, int width, bool right)
{
    int chars = 0;
    for (const char *p = s; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    int pad = width > chars ? width - chars : 0;
    printf("%*s%s%*s", right ? pad : 0, "", s, right ? 0 : pad, "");
}

static json_t *document_json(const struct store_document *d)
{
    return json_pack("{s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:{s:s, s:s}}",
                     "number", d->number, "date", cli_json_day(d->issued_on),
                     "kind", kind_name(d->kind),
                     "type", d->kind == STORE_DOC_CREDIT_NOTE ? "TD04" : "TD01",
                     "currency", d->currency, "total_minor", (json_int_t)d->total,
                     "tax_minor", (json_int_t)d->tax, "order_id", (json_int_t)d->order_id,
                     "sent", "send", store_send_status_name(d->sent[STORE_SEND_EMAIL]),
                     "sdi", store_send_status_name(d->sent[STORE_SEND_SDI]));
}

int cli_cmd_invoices(struct cli *c)
{
    struct store_account a;
    struct store_document_list l = {0};
    int64_t id;
    int rc;

    if (!cli_parse_id("account", c->args[0], &id))
        return CLI_EXIT_USAGE;
    rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_load_account(c, id, &a);
    store_account_clear(&a);
    if (rc != CLI_EXIT_OK)
        return rc;
    enum bc_status st = store_documents(c->store, id, &l);
    if (st != BC_OK)
        return cli_status(st, "invoices");
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l.n; i++)
            if (json_array_append_new(arr, document_json(&l.items[i])) != 0) {
                json_decref(arr);
                arr = NULL;
            }
        rc = arr && cli_json_print(arr) ? CLI_EXIT_OK : cli_status(BC_IO_ERROR, "standard output");
    } else if (l.n == 0) {
        printf(_("Account %lld has no invoices or credit notes.\n"), (long long)id);
    } else {
        enum money_style style = strcmp(c->lang, "it") == 0 ? MONEY_STYLE_IT : MONEY_STYLE_EN;
        const char *heads[] = {_("Number"), _("Date"), _("Type"), _("Total"), _("E-mail"),
                               _("SdI")};
        static const int widths[] = {20, 10, 15, 14, 18, 0};
        for (size_t k = 0; k < 6; k++) {
            column(heads[k], widths[k], k == 3);
            fputs(k < 5 ? "  " : "\n", stdout);
        }
        for (size_t i = 0; i < l.n; i++) {
            const struct store_document *d = &l.items[i];
            char day[11], total[64];
            date_format(d->issued_on, day);
            money_format(total, sizeof total, d->total, d->currency, style, !cli_utf8());
            const char *cells[] = {d->number, day,
                                   d->kind == STORE_DOC_CREDIT_NOTE ? _("credit note") : _("invoice"),
                                   total, sent_words(d->sent[STORE_SEND_EMAIL]),
                                   sent_words(d->sent[STORE_SEND_SDI])};
            for (size_t k = 0; k < 6; k++) {
                column(cells[k], widths[k], k == 3);
                fputs(k < 5 ? "  " : "\n", stdout);
            }
        }
    }
    store_document_list_clear(&l);
    return rc;
}

/* ---------------------------------------------------------------- show */

enum show_format { SHOW_TEXT, SHOW_JSON, SHOW_PDF, SHOW_XML };

/* --format, or the shorthands --json, --xml and --pdf FILE: one of them. */
static int show_format(struct cli *c, enum show_format *fmt, const char **file)
{
    const char *const *o = c->opt;
    int given = (o[CLI_OPT_FORMAT] != NULL) + (o[CLI_OPT_JSON] != NULL) + (o[CLI_OPT_XML] != NULL) +
                (o[CLI_OPT_PDF] != NULL);
    if (given > 1)
        return cli_usage_error(c, "give one of --format, --json, --xml and --pdf");
    if (o[CLI_OPT_PDF] && o[CLI_OPT_OUTPUT])
        return cli_usage_error(c, "--pdf FILE names the file already; leave out -o");
    *file = o[CLI_OPT_PDF] ? o[CLI_OPT_PDF] : o[CLI_OPT_OUTPUT];
    *fmt = o[CLI_OPT_JSON] ? SHOW_JSON : o[CLI_OPT_XML] ? SHOW_XML : o[CLI_OPT_PDF] ? SHOW_PDF
                                                                                  : SHOW_TEXT;
    if (o[CLI_OPT_FORMAT]) {
        static const struct { const char *name; enum show_format fmt; } names[] = {
            {"text", SHOW_TEXT}, {"json", SHOW_JSON}, {"pdf", SHOW_PDF},
            {"fatturapa", SHOW_XML}, {"xml", SHOW_XML},
        };
        size_t i = 0;
        while (i < sizeof names / sizeof *names && strcmp(names[i].name, o[CLI_OPT_FORMAT]) != 0)
            i++;
        if (i == sizeof names / sizeof *names)
            return cli_bad_value("--format: '%s' is not text, json, pdf or fatturapa",
                                 o[CLI_OPT_FORMAT]);
        *fmt = names[i].fmt;
    }
    if (*fmt == SHOW_PDF && !*file)
        return cli_usage_error(c, "a PDF goes to a file: give --pdf FILE or -o FILE");
    if (o[CLI_OPT_PAPER] && *fmt != SHOW_PDF)
        return cli_usage_error(c, "--paper is for the PDF");
    if (o[CLI_OPT_PAPER] && strcmp(o[CLI_OPT_PAPER], "a4") != 0 &&
        strcmp(o[CLI_OPT_PAPER], "letter") != 0)
        return cli_bad_value("--paper: '%s' is not a4 or letter", o[CLI_OPT_PAPER]);
    return CLI_EXIT_OK;
}

static int write_out(const char *file, const char *data, size_t len)
{
    if (!file) {
        if (fwrite(data, 1, len, stdout) != len)
            return cli_status(BC_IO_ERROR, "standard output");
        return CLI_EXIT_OK;
    }
    FILE *f = fopen(file, "wb");
    if (!f)
        return cli_error("%s: %s", file, strerror(errno));
    bool ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    if (!ok)
        return cli_error("%s: %s", file, strerror(errno));
    return CLI_EXIT_OK;
}

int cli_cmd_invoice_show(struct cli *c)
{
    enum show_format fmt = SHOW_TEXT;
    const char *file = NULL;
    int rc = show_format(c, &fmt, &file);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    struct store_document sd;
    enum bc_status st = store_document_by_number(c->store, c->args[0], &sd);
    if (st == BC_NOT_FOUND)
        return cli_error(_("invoice %s: no such invoice or credit note"), c->args[0]);
    if (st != BC_OK)
        return cli_status(st, "invoice");
    /* What was issued is what is shown: the stored JSON and XML as they
     * are, the text and PDF rendered from the stored model. */
    if (fmt == SHOW_JSON || fmt == SHOW_XML) {
        const char *text = fmt == SHOW_JSON ? sd.model : sd.fatturapa;
        rc = write_out(file, text, strlen(text));
        store_document_clear(&sd);
        return rc;
    }
    struct doc *d = NULL;
    char why[256];
    st = doc_read_json(sd.model, &d, why, sizeof why);
    store_document_clear(&sd);
    if (st != BC_OK)
        return cli_error("invoice %s: the stored document cannot be read: %s", c->args[0], why);
    struct doc_style style = {
        .lang = doc_lang_of(c),
        .ascii = !cli_utf8(),
        .paper = c->opt[CLI_OPT_PAPER] && strcmp(c->opt[CLI_OPT_PAPER], "letter") == 0
                     ? DOC_PAPER_LETTER : DOC_PAPER_A4,
    };
    struct doc_bytes b = {0};
    st = fmt == SHOW_PDF ? doc_write_pdf(d, &style, &b) : doc_write_text(d, &style, &b);
    doc_destroy(d);
    rc = st == BC_OK ? write_out(file, b.data, b.len) : cli_status(st, "invoice");
    doc_bytes_free(&b);
    return rc;
}

/* ---------------------------------------------------------------- send */

static const char *channel_words(enum store_send_channel ch)
{
    return ch == STORE_SEND_SDI ? "SdI" : _("e-mail");
}

int cli_cmd_invoice_send(struct cli *c)
{
    int rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    struct billing_send_report r;
    const char *number = c->nargs > 0 ? c->args[0] : NULL;
    enum bc_status st = billing_invoice_send(&c->billing, number, doc_lang_of(c), &r);
    if (st == BC_INVALID_ARGUMENT)
        return cli_error(_("invoice send: the catalog has neither documents.send_command nor "
                           "sdi.command; nothing can be sent"));
    if (st == BC_NOT_FOUND && number) {
        billing_send_report_clear(&r);
        return cli_error(_("invoice %s: no such invoice or credit note"), number);
    }
    if (bc_status_is_refusal(st)) {
        billing_send_report_clear(&r);
        cli_error("invoice send: %s", _(bc_status_message(st)));
        return CLI_EXIT_REFUSED;
    }
    if (c->json) {
        json_t *items = json_array();
        for (size_t i = 0; items && i < r.n; i++) {
            const struct billing_send_item *it = &r.items[i];
            json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:s, s:o, s:o}",
                "number", it->number, "channel", it->channel == STORE_SEND_SDI ? "sdi" : "send",
                "attempt", it->attempt, "status", store_send_status_name(it->status),
                "reply_id", it->reply_id[0] ? json_string(it->reply_id) : json_null(),
                "message", it->message[0] ? json_string(it->message) : json_null()));
        }
        json_t *o = json_pack("{s:o, s:i, s:i, s:i, s:i}", "attempts", items ? items : json_array(),
                              "accepted", r.accepted, "rejected", r.rejected, "failed", r.failed,
                              "in_flight", r.in_flight);
        if (!cli_json_print(o))
            rc = cli_status(BC_IO_ERROR, "standard output");
    } else {
        for (size_t i = 0; i < r.n; i++) {
            const struct billing_send_item *it = &r.items[i];
            printf("%-20s  %-7s  %s", it->number, channel_words(it->channel),
                   sent_words(it->status));
            if (it->reply_id[0])
                printf(" (%s)", it->reply_id);
            if (it->message[0] && it->status != STORE_SEND_ACCEPTED)
                printf(": %s", it->message);
            putchar('\n');
        }
        printf(_("Sent: %d accepted, %d rejected, %d failed, %d in progress elsewhere.\n"),
               r.accepted, r.rejected, r.failed, r.in_flight);
    }
    if (st != BC_OK)
        rc = cli_status(st, "invoice send");
    else if (rc == CLI_EXIT_OK && (r.failed || r.rejected))
        rc = cli_error(_("invoice send: %d not accepted; the next run tries them again"),
                       r.failed + r.rejected);
    billing_send_report_clear(&r);
    return rc;
}
