/* doc_json.c — a document as JSON (jansson), for `invoice show --format
 * json` and what reads it: every figure in minor units (`_minor`, with the
 * currency's `exponent`), dates as YYYY-MM-DD, periods with both days
 * included, words in English whatever the locale. */
#include "doc_write.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "doc_format.h"

static json_t *day(bc_day d)
{
    char buf[11];
    date_format(d, buf);
    return json_string(buf);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *party(const struct doc_party *p, bool seller)
{
    const struct doc_address *a = &p->address;
    json_t *addr = json_pack("{s:s, s:o, s:o, s:s, s:o, s:s}", "street", a->street,
                             "number", str_or_null(a->number), "postcode", str_or_null(a->postcode),
                             "city", a->city, "province", a->province[0] ? json_string(a->province) : json_null(),
                             "country", a->country);
    json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "name", p->name,
                          "first_name", str_or_null(p->first_name), "last_name", str_or_null(p->last_name),
                          "vat_number", str_or_null(p->vat_number), "tax_code", str_or_null(p->tax_code),
                          "address", addr);
    if (!o)
        return NULL;
    if (seller)
        json_object_set_new(o, "tax_regime", json_string(p->tax_regime));
    else {
        json_object_set_new(o, "codice_destinatario", json_string(p->codice_destinatario));
        json_object_set_new(o, "pec", str_or_null(p->pec));
    }
    return o;
}

static json_t *line(const struct doc_line *l)
{
    char desc[512];
    doc_line_description(l, false, desc, sizeof desc);
    const char *nature = doc_vat_nature(l->vat_kind);
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:o, s:I, s:I, s:I, s:i, s:s, s:o, s:I}",
                     "kind", l->kind == DOC_LINE_CREDIT ? "credit" : "charge",
                     "description", desc, "product", l->product, "plan", l->plan,
                     "seats", l->seats, "period", bc_period_name(l->period),
                     "first_day", day(l->first_day), "last_day", day(l->last_day),
                     "quantity", (json_int_t)l->quantity, "unit_price_minor", (json_int_t)l->unit_price,
                     "amount_minor", (json_int_t)l->amount, "vat_rate_bp", (int)l->rate_bp,
                     "vat_treatment", doc_vat_name(l->vat_kind),
                     "vat_nature", str_or_null(nature), "vat_minor", (json_int_t)l->vat);
}

enum bc_status doc_write_json(const struct doc *d, struct doc_bytes *out)
{
    out->data = NULL;
    out->len = 0;
    json_t *lines = json_array(), *sums = json_array(), *credits = json_array();
    for (size_t i = 0; lines && i < d->nlines; i++)
        json_array_append_new(lines, line(&d->lines[i]));
    for (size_t i = 0; sums && i < d->nvat_sums; i++) {
        const struct doc_vat_sum *s = &d->vat_sums[i];
        const char *why = doc_vat_reason(s->vat_kind, false);
        json_array_append_new(sums, json_pack("{s:i, s:s, s:o, s:o, s:I, s:I}",
                                              "vat_rate_bp", (int)s->rate_bp,
                                              "vat_treatment", doc_vat_name(s->vat_kind),
                                              "vat_nature", str_or_null(doc_vat_nature(s->vat_kind)),
                                              "note", str_or_null(why),
                                              "taxable_minor", (json_int_t)s->taxable,
                                              "vat_minor", (json_int_t)s->vat));
    }
    for (size_t i = 0; credits && i < d->ncredits; i++)
        json_array_append_new(credits, json_pack("{s:s, s:o}", "number", d->credits[i].number,
                                                 "date", day(d->credits[i].date)));
    const struct doc_payment *p = &d->payment;
    json_t *pay = json_pack("{s:I, s:I, s:o, s:I, s:I}",
                            "balance_applied_minor", (json_int_t)p->balance_applied,
                            "card_charged_minor", (json_int_t)p->card_charged,
                            "card", p->card[0] ? json_string(p->card) : json_null(),
                            "due_minor", (json_int_t)p->due,
                            "balance_credited_minor", (json_int_t)p->balance_credited);
    char file[64] = "";
    doc_fatturapa_filename(d, file, sizeof file);
    json_t *root = json_pack("{s:s, s:s, s:s, s:o, s:I, s:s, s:i, s:s, s:o, s:o, s:o, s:o, s:o,"
                             " s:I, s:I, s:I, s:I, s:o, s:s}",
                             "kind", d->kind == DOC_CREDIT_NOTE ? "credit_note" : "invoice",
                             "type", doc_kind_code(d->kind), "number", d->number, "date", day(d->date),
                             "sequence", (json_int_t)d->sequence, "currency", d->currency,
                             "exponent", d->exponent, "title", doc_title(d, false),
                             "seller", party(&d->seller, true), "customer", party(&d->customer, false),
                             "lines", lines, "vat_summary", sums, "credits", credits,
                             "subtotal_minor", (json_int_t)d->subtotal,
                             "vat_minor", (json_int_t)d->vat_total,
                             "total_minor", (json_int_t)d->total,
                             "order_total_minor", (json_int_t)(d->sign * d->total),
                             "payment", pay, "fatturapa_file", file);
    if (!root)
        return BC_NO_MEMORY;
    if (d->vat_check.method[0])
        json_object_set_new(root, "vat_check", json_pack("{s:s, s:o, s:o}",
            "method", d->vat_check.method,
            "consultation", d->vat_check.consultation[0] ? json_string(d->vat_check.consultation)
                                                          : json_null(),
            "checked_on", day(d->vat_check.checked_on)));
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return BC_NO_MEMORY;
    out->len = strlen(text);
    out->data = malloc(out->len + 2);
    if (!out->data) {
        free(text);
        out->len = 0;
        return BC_NO_MEMORY;
    }
    memcpy(out->data, text, out->len);
    out->data[out->len++] = '\n';
    out->data[out->len] = '\0';
    free(text);
    return BC_OK;
}
