/* invoice_send.c — handing issued documents on (SPEC §9): the e-mail to
 * the customer through documents.send_command and the FatturaPA XML to an
 * SdI intermediary through sdi.command. Each attempt is claimed in the
 * store before the command runs and its reply recorded after, so that a
 * document is never handed twice to a channel that accepted it, and what
 * failed is tried again by the next run; the request carries a key
 * ("<number>:<channel>") by which a receiver can drop a repeat of an
 * attempt whose reply was lost. */
#include "invoice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "billing_impl.h"
#include "doc_read.h"
#include "exec_hook.h"

void billing_send_report_clear(struct billing_send_report *r)
{
    if (!r)
        return;
    free(r->items);
    memset(r, 0, sizeof *r);
}

static struct billing_send_item *report_add(struct billing_send_report *r)
{
    struct billing_send_item *grown = realloc(r->items, (r->n + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    r->items = grown;
    struct billing_send_item *it = &grown[r->n++];
    memset(it, 0, sizeof *it);
    return it;
}

static char *base64(const char *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((len + 2) / 3 * 4 + 1), *p = out;
    if (!out)
        return NULL;
    const unsigned char *in = (const unsigned char *)data;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < len ? in[i + 2] : 0);
        *p++ = tab[v >> 18 & 63];
        *p++ = tab[v >> 12 & 63];
        *p++ = i + 1 < len ? tab[v >> 6 & 63] : '=';
        *p++ = i + 2 < len ? tab[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

static const char *channel_name(enum store_send_channel ch)
{
    return ch == STORE_SEND_SDI ? "sdi" : "send";
}

/* Who gets the e-mail: the account's billing contacts. */
static json_t *recipients(struct billing *b, int64_t account_id)
{
    struct store_contact_list l = {0};
    json_t *arr = json_array();
    if (arr && store_contacts(b->store, account_id, &l) == BC_OK)
        for (size_t i = 0; i < l.n; i++)
            if (l.items[i].role == STORE_ROLE_BILLING && l.items[i].email)
                json_array_append_new(arr, json_string(l.items[i].email));
    store_contact_list_clear(&l);
    return arr;
}

/* The request for one attempt; NULL when it cannot be made. */
static char *request_for(struct billing *b, const struct store_document *sd, const struct doc *d,
                         enum store_send_channel ch, int attempt, enum doc_lang lang)
{
    char key[64], file[64] = "";
    snprintf(key, sizeof key, "%s:%s", sd->number, channel_name(ch));
    doc_fatturapa_filename(d, file, sizeof file);
    char day[11];
    date_format(sd->issued_on, day);
    json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:s, s:I}",
                          "channel", channel_name(ch), "key", key, "attempt", attempt,
                          "number", sd->number,
                          "kind", sd->kind == STORE_DOC_CREDIT_NOTE ? "credit_note" : "invoice",
                          "date", day, "account_id", (json_int_t)sd->account_id,
                          "currency", sd->currency, "total_minor", (json_int_t)sd->total);
    if (!j)
        return NULL;
    json_object_set_new(j, "file_name", json_string(file));
    if (ch == STORE_SEND_SDI) {
        json_object_set_new(j, "xml", json_string(sd->fatturapa));
    } else {
        json_object_set_new(j, "recipients", recipients(b, sd->account_id));
        json_object_set_new(j, "pec", d->customer.pec ? json_string(d->customer.pec) : json_null());
        json_object_set_new(j, "document", json_loads(sd->model, 0, NULL));
        struct doc_style style = {lang, false, DOC_PAPER_A4};
        struct doc_bytes pdf = {0};
        if (doc_write_pdf(d, &style, &pdf) == BC_OK) {
            char *b64 = base64(pdf.data, pdf.len);
            json_object_set_new(j, "pdf_base64", b64 ? json_string(b64) : json_null());
            free(b64);
        } else {
            json_object_set_new(j, "pdf_base64", json_null());
        }
        doc_bytes_free(&pdf);
    }
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return text;
}

/* Reads the receiver's answer into the item: accepted, rejected, or
 * failed when it said anything else. */
static void read_reply(const char *output, struct billing_send_item *it)
{
    json_t *r = output ? json_loads(output, 0, NULL) : NULL;
    const char *status = json_string_value(json_object_get(r, "status"));
    const char *id = json_string_value(json_object_get(r, "id"));
    const char *msg = json_string_value(json_object_get(r, "message"));
    if (status && strcmp(status, "accepted") == 0)
        it->status = STORE_SEND_ACCEPTED;
    else if (status && strcmp(status, "rejected") == 0)
        it->status = STORE_SEND_REJECTED;
    else
        it->status = STORE_SEND_FAILED;
    snprintf(it->reply_id, sizeof it->reply_id, "%s", id ? id : "");
    if (msg)
        snprintf(it->message, sizeof it->message, "%s", msg);
    else if (it->status == STORE_SEND_FAILED)
        snprintf(it->message, sizeof it->message, "%s", r ? "the reply has no status 'accepted' or"
                 " 'rejected'" : "the reply is not JSON");
    json_decref(r);
}

/* What is recorded as the attempt's reply: the receiver's own words, or
 * why there were none. Caller frees. */
static char *reply_record(enum exec_hook_result how, const char *output)
{
    if (how == EXEC_HOOK_OK && output) {
        json_t *r = json_loads(output, 0, NULL);
        char *text = r ? json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(r);
        if (text)
            return text;
        json_t *raw = json_pack("{s:s%}", "raw", output, strlen(output) > 2000 ? (size_t)2000
                                                                                : strlen(output));
        text = raw ? json_dumps(raw, JSON_COMPACT) : NULL;
        json_decref(raw);
        return text;
    }
    json_t *e = json_pack("{s:s}", "error", how == EXEC_HOOK_TIMEOUT ? "timeout"
                                            : "the command failed");
    char *text = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    return text;
}

/* One channel, one document: claim, run, record. */
static enum bc_status send_one(struct billing *b, const struct store_document *sd, const struct doc *d,
                               enum store_send_channel ch, enum doc_lang lang,
                               struct billing_send_report *out)
{
    const struct catalog *c = b->catalog;
    const char *command = ch == STORE_SEND_SDI ? c->sdi_command : c->documents_send_command;
    int timeout_ms = ch == STORE_SEND_SDI ? c->sdi_timeout_ms : c->documents_timeout_ms;
    struct billing_send_item *it = report_add(out);
    if (!it)
        return BC_NO_MEMORY;
    snprintf(it->number, sizeof it->number, "%s", sd->number);
    it->channel = ch;
    int64_t now = (int64_t)time(NULL);
    int attempt = 0;
    enum store_send_status state;
    /* An attempt younger than its command's deadline (and a minute) may
     * still be running in another process: left to it. */
    enum bc_status st = store_document_send_claim(b->store, sd->id, ch, now,
                                                  now - timeout_ms / 1000 - 60, &attempt, &state);
    if (st != BC_OK)
        return st;
    if (state != STORE_SEND_NONE) {
        it->status = state;
        if (state == STORE_SEND_SENDING)
            out->in_flight++;
        return BC_OK;
    }
    it->attempt = attempt;
    char *request = request_for(b, sd, d, ch, attempt, lang);
    char *output = NULL;
    enum exec_hook_result how = request ? exec_hook_run(command, timeout_ms, request, &output)
                                        : EXEC_HOOK_FAILED;
    if (how == EXEC_HOOK_OK) {
        read_reply(output, it);
    } else {
        it->status = STORE_SEND_FAILED;
        snprintf(it->message, sizeof it->message, "%s",
                 !request ? "the request could not be made"
                 : how == EXEC_HOOK_TIMEOUT ? "no reply within the timeout"
                                            : "the command failed");
    }
    char *reply = reply_record(how, output);
    st = store_document_send_result(b->store, sd->id, ch, attempt, it->status, reply,
                                    (int64_t)time(NULL));
    free(reply);
    free(output);
    free(request);
    if (it->status == STORE_SEND_ACCEPTED)
        out->accepted++;
    else if (it->status == STORE_SEND_REJECTED)
        out->rejected++;
    else
        out->failed++;
    return st;
}

static enum bc_status send_document(struct billing *b, int64_t id, const enum store_send_channel *chs,
                                    size_t nch, enum doc_lang lang, struct billing_send_report *out)
{
    struct store_document sd;
    enum bc_status st = store_document_get(b->store, id, &sd);
    if (st != BC_OK)
        return st;
    struct doc *d = NULL;
    char why[256];
    st = doc_read_json(sd.model, &d, why, sizeof why);
    for (size_t i = 0; st == BC_OK && i < nch; i++)
        st = send_one(b, &sd, d, chs[i], lang, out);
    doc_destroy(d);
    store_document_clear(&sd);
    return st;
}

enum bc_status billing_invoice_send(struct billing *b, const char *number, enum doc_lang lang,
                                    struct billing_send_report *out)
{
    memset(out, 0, sizeof *out);
    if (b->actor.kind != BILLING_ACTOR_OPERATOR || b->actor.op_role == STORE_OP_READONLY) {
        enum bc_status refusal = b->actor.kind == BILLING_ACTOR_OPERATOR ? BC_READONLY_OPERATOR
                                                                         : BC_NOT_BILLING_CONTACT;
        billing_audit(b, 0, "invoice.send", NULL, NULL, refusal);
        return refusal;
    }
    enum store_send_channel chs[2];
    size_t nch = 0;
    if (b->catalog->documents_send_command)
        chs[nch++] = STORE_SEND_EMAIL;
    if (b->catalog->sdi_command)
        chs[nch++] = STORE_SEND_SDI;
    if (nch == 0)
        return BC_INVALID_ARGUMENT;
    enum bc_status st = BC_OK;
    if (number) {
        struct store_document sd;
        st = store_document_by_number(b->store, number, &sd);
        if (st == BC_OK)
            st = send_document(b, sd.id, chs, nch, lang, out);
        store_document_clear(&sd);
    } else {
        /* Every document some channel has not accepted, oldest first, once. */
        int64_t *ids[2] = {NULL, NULL};
        size_t n[2] = {0, 0};
        for (size_t k = 0; st == BC_OK && k < nch; k++)
            st = store_documents_unsent(b->store, chs[k], &ids[k], &n[k]);
        size_t i[2] = {0, 0};
        while (st == BC_OK && (i[0] < n[0] || i[1] < n[1])) {
            int64_t next = INT64_MAX;
            for (size_t k = 0; k < nch; k++)
                if (i[k] < n[k] && ids[k][i[k]] < next)
                    next = ids[k][i[k]];
            enum store_send_channel these[2];
            size_t m = 0;
            for (size_t k = 0; k < nch; k++)
                if (i[k] < n[k] && ids[k][i[k]] == next) {
                    these[m++] = chs[k];
                    i[k]++;
                }
            st = send_document(b, next, these, m, lang, out);
        }
        free(ids[0]);
        free(ids[1]);
    }
    json_t *after = json_pack("{s:s?, s:i, s:i, s:i, s:i}", "number", number,
                              "accepted", out->accepted, "rejected", out->rejected,
                              "failed", out->failed, "in_flight", out->in_flight);
    billing_audit(b, 0, "invoice.send", NULL, after, st);
    json_decref(after);
    return st;
}
