/* invoice.c — an order's fiscal document: the customer from the account's
 * billing profile, the seller from the catalog, one document line per
 * credit or charge of the order with the VAT line beside it, and the
 * renderer the store calls once it knows the number (invoice.h). */
#include "invoice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_write.h"

static bool is_italy(const char *country)
{
    return country && strcmp(country, "IT") == 0;
}

static void customer_input(const struct store_account *a, const char *country,
                           const char *vat_number, struct doc_party_input *out)
{
    const char *cc = country && *country ? country : a->country;
    const char *vn = vat_number ? vat_number : a->vat_number;
    bool italy = is_italy(cc);
    *out = (struct doc_party_input){
        .name = a->legal_name && *a->legal_name ? a->legal_name : a->name,
        .country = cc,
        .vat_number = vn && *vn ? vn : NULL,
        .tax_code = italy ? a->tax_code : NULL,
        .street = a->street,
        .number = a->street_number,
        .postcode = a->postcode,
        .city = a->city,
        .province = italy ? a->province : NULL,
        .codice_destinatario = italy ? a->sdi_code : NULL,
        .pec = italy ? a->pec : NULL,
    };
}

/* Length of the valid UTF-8 sequence at p (1..4), 0 when it is not one
 * (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF). */
static size_t utf8_seq(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || p[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
        return 0;
    return n;
}

/* The account's texts as a document can carry them: should the database
 * hold bytes that are not UTF-8, each becomes '?' (the JSON and XML of a
 * document are UTF-8). The copy is the document's; NULL stays NULL. */
static const char *clean_text(struct billing_doc *doc, const char *s, bool *oom)
{
    if (!s || doc->nowned >= sizeof doc->owned / sizeof *doc->owned)
        return s;
    char *c = strdup(s);
    if (!c) {
        *oom = true;
        return s;
    }
    for (unsigned char *p = (unsigned char *)c; *p;) {
        size_t n = utf8_seq(p);
        if (n == 0)
            *p++ = '?';
        else
            p += n;
    }
    doc->owned[doc->nowned++] = c;
    return c;
}

/* A refusal of doc_build in the terms of the order: whose data is missing. */
static enum bc_status refusal_of(const char *why)
{
    if (strncmp(why, "seller:", 7) == 0)
        return BC_SELLER_FISCAL_DATA_MISSING;
    if (strncmp(why, "customer:", 9) == 0)
        return BC_BILLING_PROFILE_INCOMPLETE;
    return BC_INVALID_ARGUMENT;
}

enum bc_status billing_doc_check(const struct billing *b, const struct store_account *acct,
                                 const char *country, const char *vat_number, char *why,
                                 size_t whysize)
{
    /* The parties on a document of one empty line: what doc_build says of
     * them is what it will say of the order's document. */
    struct doc_line_input line = {
        .kind = DOC_LINE_CHARGE, .product = "-", .plan = "-", .seats = 1,
        .period = BC_PERIOD_MONTHLY, .from = b->today, .to = b->today + 1,
        .vat_kind = DOC_VAT_OUT_OF_SCOPE,
    };
    if (b->bench_no_documents) {
        if (why && whysize)
            why[0] = '\0';
        return BC_OK;
    }
    const struct catalog *c = b->catalog;
    struct doc_input in = {
        .kind = DOC_INVOICE, .invoice_series = c->invoice_series,
        .credit_note_series = c->credit_note_series, .number_digits = c->number_digits,
        .sequence = 1, .date = b->today, .progressive = 1, .currency = acct->currency,
        .lines = &line, .nlines = 1,
    };
    doc_seller_input(c, &in.seller);
    customer_input(acct, country, vat_number, &in.customer);
    struct doc *d = NULL;
    char reason[256];
    enum bc_status st = doc_build(&in, &d, reason, sizeof reason);
    doc_destroy(d);
    if (why && whysize)
        snprintf(why, whysize, "%s", st == BC_OK ? "" : reason);
    return st == BC_INVALID_ARGUMENT ? refusal_of(reason) : st;
}

/* ---------------------------------------------------------------- the lines */

static const char *product_name(const struct catalog *c, const char *id)
{
    const struct catalog_product *p = catalog_product(c, id);
    return p && p->name ? p->name : id;
}

static const char *plan_name(const struct catalog *c, const char *product, const char *plan)
{
    const struct catalog_product *p = catalog_product(c, product);
    const struct catalog_plan *pl = p ? catalog_plan(p, plan) : NULL;
    return pl && pl->name ? pl->name : plan;
}

/* One document line per credit or charge line of the order, its VAT the
 * tax line the order has beside it (same subscription, same days). */
static enum bc_status lines_of(struct billing_doc *doc, const struct vat_decision *vat,
                               enum doc_vat vat_kind)
{
    const struct store_order *o = doc->order;
    const struct catalog *c = doc->b->catalog;
    doc->lines = calloc(o->nlines ? o->nlines : 1, sizeof *doc->lines);
    if (!doc->lines)
        return BC_NO_MEMORY;
    size_t n = 0;
    for (size_t i = 0; i < o->nlines; i++) {
        const struct store_order_line *l = &o->lines[i];
        if (l->kind == STORE_LINE_TAX)
            continue;
        int64_t tax = 0;
        if (i + 1 < o->nlines && o->lines[i + 1].kind == STORE_LINE_TAX &&
            o->lines[i + 1].subscription_id == l->subscription_id &&
            o->lines[i + 1].from == l->from && o->lines[i + 1].to == l->to)
            tax = o->lines[i + 1].amount;
        if (l->amount == 0 && tax == 0)
            continue;   /* a line of nothing states nothing */
        bool credit = l->kind == STORE_LINE_CREDIT;
        doc->lines[n++] = (struct doc_line_input){
            .kind = credit ? DOC_LINE_CREDIT : DOC_LINE_CHARGE,
            .product = product_name(c, l->product),
            .plan = plan_name(c, l->product, credit ? l->plan_from : l->plan_to),
            .seats = credit ? l->seats_from : l->seats_to,
            .period = credit ? l->period_from : l->period_to,
            .from = l->from,
            .to = l->to,
            .amount = l->amount,
            .rate_bp = vat->rate_bp,
            .vat_kind = vat_kind,
            .vat = tax,
        };
        bool seen = false;
        for (size_t k = 0; k < doc->ncredited; k++)
            seen = seen || doc->credited[k] == l->subscription_id;
        if (credit && !seen && doc->ncredited < BILLING_MAX_ITEMS)
            doc->credited[doc->ncredited++] = l->subscription_id;
    }
    doc->in.lines = doc->lines;
    doc->in.nlines = n;
    doc->none = n == 0;
    return BC_OK;
}

/* ---------------------------------------------------------------- the renderer */

static char *take(struct doc_bytes *b)
{
    char *s = b->data;
    b->data = NULL;
    b->len = 0;
    return s;
}

/* Called by the store inside the order's transaction, once the number,
 * the progressive and the credited invoices are known. */
static enum bc_status render(void *ctx, int64_t sequence, int64_t progressive,
                             const struct store_doc_ref *credits, size_t ncredits,
                             struct store_doc_rendered *out)
{
    struct billing_doc *doc = ctx;
    struct doc_ref *refs = ncredits ? calloc(ncredits, sizeof *refs) : NULL;
    if (ncredits && !refs)
        return BC_NO_MEMORY;
    for (size_t i = 0; i < ncredits; i++) {
        snprintf(refs[i].number, sizeof refs[i].number, "%s", credits[i].number);
        refs[i].date = credits[i].issued_on;
    }
    struct doc_input in = doc->in;
    in.sequence = sequence;
    in.progressive = progressive > 0 && progressive < 60466176 ? (uint32_t)progressive : 0;
    in.credits = refs;
    in.ncredits = in.kind == DOC_CREDIT_NOTE ? ncredits : 0;
    in.credits_unrecorded = in.kind == DOC_CREDIT_NOTE && ncredits == 0;
    struct doc *d = NULL;
    enum bc_status st = doc_build(&in, &d, doc->why, sizeof doc->why);
    free(refs);
    if (st == BC_INVALID_ARGUMENT)
        st = refusal_of(doc->why);   /* e.g. the profile changed since the check */
    if (st == BC_OK && d->sign * d->total != doc->order->total) {
        snprintf(doc->why, sizeof doc->why, "the document's total is not the order's");
        st = BC_INVALID_ARGUMENT;
    }
    struct doc_bytes json = {0}, xml = {0};
    if (st == BC_OK)
        st = doc_write_json(d, &json);
    if (st == BC_OK)
        st = doc_write_fatturapa(d, &xml);
    if (st == BC_OK) {
        out->model = take(&json);
        out->fatturapa = take(&xml);
        snprintf(out->number, sizeof out->number, "%s", d->number);
        out->total = d->total;
        out->tax = d->vat_total;
    }
    doc_bytes_free(&json);
    doc_bytes_free(&xml);
    doc_destroy(d);
    return st;
}

enum bc_status billing_doc_prepare(struct billing *b, const struct store_account *acct,
                                   const char *country, const char *vat_number,
                                   const struct store_order *order, const struct vat_decision *vat,
                                   const char *card, struct billing_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    doc->b = b;
    doc->order = order;
    if (b->bench_no_documents) {
        doc->none = true;   /* billing_doc_issue: nothing for the store to write */
        return BC_OK;
    }
    const struct catalog *c = b->catalog;
    struct doc_input *in = &doc->in;
    in->kind = order->total < 0 ? DOC_CREDIT_NOTE : DOC_INVOICE;
    in->invoice_series = c->invoice_series;
    in->credit_note_series = c->credit_note_series;
    in->number_digits = c->number_digits;
    in->date = order->day;
    in->currency = order->currency;
    in->customer_in_eu = vat->in_eu;
    doc_seller_input(c, &in->seller);
    customer_input(acct, country, vat_number, &in->customer);
    struct doc_party_input *cu = &in->customer;
    bool oom = false;
    cu->name = clean_text(doc, cu->name, &oom);
    cu->street = clean_text(doc, cu->street, &oom);
    cu->number = clean_text(doc, cu->number, &oom);
    cu->postcode = clean_text(doc, cu->postcode, &oom);
    cu->city = clean_text(doc, cu->city, &oom);
    cu->pec = clean_text(doc, cu->pec, &oom);
    if (oom)
        return BC_NO_MEMORY;
    if (in->kind == DOC_INVOICE) {
        in->balance_applied = order->balance_applied;
        in->card_charged = order->due;
        snprintf(doc->card, sizeof doc->card, "%s", order->due > 0 && card ? card : "");
        in->card = doc->card[0] ? doc->card : NULL;
    }
    if (order->vat_check.present) {
        in->vat_check_method = order->vat_check.method == STORE_VAT_VIES ? "vies" : "offline";
        in->vat_consultation = order->vat_check.consultation[0] ? order->vat_check.consultation
                                                                : NULL;
        in->vat_checked_on = order->day;
    }
    enum doc_vat kind = doc_vat_from_decision(vat, c->seller_country, in->customer.country);
    enum bc_status st = lines_of(doc, vat, kind);
    if (st != BC_OK)
        return st;
    doc->issue = (struct store_doc_issue){
        .kind = in->kind == DOC_CREDIT_NOTE ? STORE_DOC_CREDIT_NOTE : STORE_DOC_INVOICE,
        .series = in->kind == DOC_CREDIT_NOTE ? c->credit_note_series : c->invoice_series,
        .day = order->day,
        .credited_subs = doc->credited,
        .ncredited_subs = in->kind == DOC_CREDIT_NOTE ? doc->ncredited : 0,
        .render = render,
        .ctx = doc,
    };
    return BC_OK;
}

struct store_doc_issue *billing_doc_issue(struct billing_doc *doc)
{
    return doc && !doc->none ? &doc->issue : NULL;
}

void billing_doc_clear(struct billing_doc *doc)
{
    if (!doc)
        return;
    free(doc->lines);
    doc->lines = NULL;
    for (size_t i = 0; i < doc->nowned; i++)
        free(doc->owned[i]);
    doc->nowned = 0;
    doc->in.lines = NULL;
    doc->in.nlines = 0;
}
