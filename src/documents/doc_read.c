/* doc_read.c — the inverse of doc_json.c: a struct doc from the JSON the
 * store froze. Derived fields (line descriptions, the title, VAT notes)
 * are not read: the writers derive them again from what is. */
#include "doc_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

struct rd {
    bool bad;
    char *why;
    size_t whysize;
};

static void fail(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct rd *r, const char *fmt, ...)
{
    if (r->bad)
        return;
    r->bad = true;
    if (r->why && r->whysize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->why, r->whysize, fmt, ap);
        va_end(ap);
    }
}

static const char *str(struct rd *r, json_t *o, const char *key, bool nullable)
{
    json_t *v = json_object_get(o, key);
    if (nullable && (!v || json_is_null(v)))
        return NULL;
    if (!json_is_string(v)) {
        fail(r, "'%s' is not a string", key);
        return NULL;
    }
    return json_string_value(v);
}

static char *dup_str(struct rd *r, json_t *o, const char *key, bool nullable)
{
    const char *s = str(r, o, key, nullable);
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        fail(r, "out of memory");
    return d;
}

static void copy_str(struct rd *r, json_t *o, const char *key, bool nullable, char *buf, size_t size)
{
    const char *s = str(r, o, key, nullable);
    buf[0] = '\0';
    if (!s)
        return;
    if (strlen(s) >= size)
        fail(r, "'%s' is too long", key);
    else
        memcpy(buf, s, strlen(s) + 1);
}

static int64_t num(struct rd *r, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v)) {
        fail(r, "'%s' is not an integer", key);
        return 0;
    }
    return (int64_t)json_integer_value(v);
}

static bc_day day(struct rd *r, json_t *o, const char *key)
{
    const char *s = str(r, o, key, false);
    bc_day d = 0;
    if (s && !date_parse(s, &d))
        fail(r, "'%s' is not a date", key);
    return d;
}

static enum doc_vat vat_kind(struct rd *r, json_t *o)
{
    const char *s = str(r, o, "vat_treatment", false);
    static const enum doc_vat all[] = {DOC_VAT_DOMESTIC, DOC_VAT_OSS, DOC_VAT_REVERSE_CHARGE,
                                       DOC_VAT_OUT_OF_SCOPE};
    for (size_t i = 0; s && i < sizeof all / sizeof *all; i++)
        if (strcmp(s, doc_vat_name(all[i])) == 0)
            return all[i];
    fail(r, "unknown VAT treatment");
    return DOC_VAT_DOMESTIC;
}

static void party(struct rd *r, json_t *o, struct doc_party *p, bool seller)
{
    if (!json_is_object(o)) {
        fail(r, "a party is not an object");
        return;
    }
    p->name = dup_str(r, o, "name", false);
    p->first_name = dup_str(r, o, "first_name", true);
    p->last_name = dup_str(r, o, "last_name", true);
    p->vat_number = dup_str(r, o, "vat_number", true);
    p->tax_code = dup_str(r, o, "tax_code", true);
    json_t *a = json_object_get(o, "address");
    if (!json_is_object(a)) {
        fail(r, "an address is not an object");
        return;
    }
    p->address.street = dup_str(r, a, "street", false);
    p->address.number = dup_str(r, a, "number", true);
    p->address.postcode = dup_str(r, a, "postcode", true);
    p->address.city = dup_str(r, a, "city", false);
    copy_str(r, a, "province", true, p->address.province, sizeof p->address.province);
    copy_str(r, a, "country", false, p->address.country, sizeof p->address.country);
    if (seller) {
        copy_str(r, o, "tax_regime", false, p->tax_regime, sizeof p->tax_regime);
    } else {
        copy_str(r, o, "codice_destinatario", false, p->codice_destinatario,
                 sizeof p->codice_destinatario);
        p->pec = dup_str(r, o, "pec", true);
    }
}

static void line(struct rd *r, json_t *o, struct doc_line *l)
{
    const char *kind = str(r, o, "kind", false);
    l->kind = kind && strcmp(kind, "credit") == 0 ? DOC_LINE_CREDIT : DOC_LINE_CHARGE;
    l->product = dup_str(r, o, "product", false);
    l->plan = dup_str(r, o, "plan", false);
    l->seats = (int)num(r, o, "seats");
    const char *period = str(r, o, "period", false);
    if (period && !bc_period_parse(period, &l->period))
        fail(r, "unknown period");
    l->first_day = day(r, o, "first_day");
    l->last_day = day(r, o, "last_day");
    l->quantity = num(r, o, "quantity");
    l->unit_price = num(r, o, "unit_price_minor");
    l->amount = num(r, o, "amount_minor");
    l->rate_bp = (int32_t)num(r, o, "vat_rate_bp");
    l->vat_kind = vat_kind(r, o);
    l->vat = num(r, o, "vat_minor");
}

/* "IT12345670157_0000A.xml": the progressive is the 5 base-36 characters
 * before ".xml". */
static uint32_t progressive_of(struct rd *r, const char *file)
{
    size_t n = file ? strlen(file) : 0;
    if (n < 10 || strcmp(file + n - 4, ".xml") != 0 || file[n - 10] != '_') {
        fail(r, "'fatturapa_file' is not an SdI file name");
        return 0;
    }
    uint32_t v = 0;
    for (size_t i = n - 9; i < n - 4; i++) {
        char c = file[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
        if (d < 0) {
            fail(r, "'fatturapa_file' is not an SdI file name");
            return 0;
        }
        v = v * 36 + (uint32_t)d;
    }
    return v;
}

static void read_doc(struct rd *r, json_t *root, struct doc *d)
{
    const char *kind = str(r, root, "kind", false);
    d->kind = kind && strcmp(kind, "credit_note") == 0 ? DOC_CREDIT_NOTE : DOC_INVOICE;
    if (kind && d->kind == DOC_INVOICE && strcmp(kind, "invoice") != 0)
        fail(r, "unknown document kind");
    d->sign = d->kind == DOC_CREDIT_NOTE ? -1 : 1;
    copy_str(r, root, "number", false, d->number, sizeof d->number);
    d->date = day(r, root, "date");
    int m, dd;
    date_to_civil(d->date, &d->year, &m, &dd);
    d->sequence = num(r, root, "sequence");
    copy_str(r, root, "currency", false, d->currency, sizeof d->currency);
    d->exponent = (int)num(r, root, "exponent");
    party(r, json_object_get(root, "seller"), &d->seller, true);
    party(r, json_object_get(root, "customer"), &d->customer, false);
    d->progressive = progressive_of(r, str(r, root, "fatturapa_file", false));

    json_t *lines = json_object_get(root, "lines"), *sums = json_object_get(root, "vat_summary");
    json_t *credits = json_object_get(root, "credits"), *pay = json_object_get(root, "payment");
    if (!json_is_array(lines) || !json_is_array(sums) || !json_is_array(credits) ||
        !json_is_object(pay)) {
        fail(r, "lines, vat_summary, credits or payment missing");
        return;
    }
    size_t nl = json_array_size(lines), ns = json_array_size(sums), nc = json_array_size(credits);
    d->lines = calloc(nl ? nl : 1, sizeof *d->lines);
    d->vat_sums = calloc(ns ? ns : 1, sizeof *d->vat_sums);
    d->credits = nc ? calloc(nc, sizeof *d->credits) : NULL;
    if (!d->lines || !d->vat_sums || (nc && !d->credits)) {
        fail(r, "out of memory");
        return;
    }
    for (size_t i = 0; i < nl; i++) {
        line(r, json_array_get(lines, i), &d->lines[i]);
        d->nlines = i + 1;
        if (d->lines[i].vat_kind != DOC_VAT_OUT_OF_SCOPE)
            d->customer_in_eu = true;
    }
    for (size_t i = 0; i < ns; i++) {
        json_t *s = json_array_get(sums, i);
        d->vat_sums[i].rate_bp = (int32_t)num(r, s, "vat_rate_bp");
        d->vat_sums[i].vat_kind = vat_kind(r, s);
        d->vat_sums[i].taxable = num(r, s, "taxable_minor");
        d->vat_sums[i].vat = num(r, s, "vat_minor");
        d->nvat_sums = i + 1;
    }
    for (size_t i = 0; i < nc; i++) {
        json_t *c = json_array_get(credits, i);
        copy_str(r, c, "number", false, d->credits[i].number, sizeof d->credits[i].number);
        d->credits[i].date = day(r, c, "date");
        d->ncredits = i + 1;
    }
    d->subtotal = num(r, root, "subtotal_minor");
    d->vat_total = num(r, root, "vat_minor");
    d->total = num(r, root, "total_minor");
    d->payment.balance_applied = num(r, pay, "balance_applied_minor");
    d->payment.card_charged = num(r, pay, "card_charged_minor");
    copy_str(r, pay, "card", true, d->payment.card, sizeof d->payment.card);
    d->payment.due = num(r, pay, "due_minor");
    d->payment.balance_credited = num(r, pay, "balance_credited_minor");
    /* Documents issued before the VAT evidence was kept have none. */
    json_t *vc = json_object_get(root, "vat_check");
    if (json_is_object(vc)) {
        copy_str(r, vc, "method", false, d->vat_check.method, sizeof d->vat_check.method);
        copy_str(r, vc, "consultation", true, d->vat_check.consultation,
                 sizeof d->vat_check.consultation);
        d->vat_check.checked_on = day(r, vc, "checked_on");
    }
}

enum bc_status doc_read_json(const char *text, struct doc **out, char *why, size_t whysize)
{
    *out = NULL;
    if (why && whysize)
        why[0] = '\0';
    struct rd r = {false, why, whysize};
    json_error_t err;
    json_t *root = text ? json_loads(text, 0, &err) : NULL;
    if (!json_is_object(root)) {
        json_decref(root);
        fail(&r, "not a JSON document");
        return BC_INVALID_ARGUMENT;
    }
    struct doc *d = calloc(1, sizeof *d);
    if (!d) {
        json_decref(root);
        return BC_NO_MEMORY;
    }
    read_doc(&r, root, d);
    json_decref(root);
    if (r.bad) {
        doc_destroy(d);
        return BC_INVALID_ARGUMENT;
    }
    *out = d;
    return BC_OK;
}
