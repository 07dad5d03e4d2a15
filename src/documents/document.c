/* document.c — builds the one model of a fiscal document from an order's
 * figures (document.h), checking on the way everything the law and the SdI
 * require a document to say, so that no writer has to. */
#include "document.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "fiscal_id.h"
#include "money.h"

static enum bc_status refuse(char *why, size_t whysize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum bc_status refuse(char *why, size_t whysize, const char *fmt, ...)
{
    if (why && whysize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whysize, fmt, ap);
        va_end(ap);
    }
    return BC_INVALID_ARGUMENT;
}

const char *doc_vat_nature(enum doc_vat v)
{
    switch (v) {
    case DOC_VAT_OSS: return "N7";
    case DOC_VAT_REVERSE_CHARGE: return "N2.1";
    case DOC_VAT_OUT_OF_SCOPE: return "N2.1";
    case DOC_VAT_DOMESTIC: break;
    }
    return NULL;
}

const char *doc_vat_name(enum doc_vat v)
{
    switch (v) {
    case DOC_VAT_OSS: return "oss";
    case DOC_VAT_REVERSE_CHARGE: return "reverse_charge";
    case DOC_VAT_OUT_OF_SCOPE: return "out_of_scope";
    case DOC_VAT_DOMESTIC: break;
    }
    return "domestic";
}

const char *doc_kind_code(enum doc_kind k)
{
    return k == DOC_CREDIT_NOTE ? "TD04" : "TD01";
}

enum doc_vat doc_vat_from_decision(const struct vat_decision *d, const char *seller_country,
                                   const char *customer_country)
{
    if (!d->in_eu)
        return DOC_VAT_OUT_OF_SCOPE;
    if (d->reverse_charge)
        return DOC_VAT_REVERSE_CHARGE;
    bool same = seller_country && customer_country && strcmp(seller_country, customer_country) == 0;
    return same ? DOC_VAT_DOMESTIC : DOC_VAT_OSS;
}

void doc_seller_input(const struct catalog *c, struct doc_party_input *out)
{
    const struct catalog_address *a = &c->seller_address;
    *out = (struct doc_party_input){
        .name = c->seller_name,
        .country = c->seller_country,
        .vat_number = c->seller_vat_number,
        .tax_code = c->seller_tax_code,
        .street = a->street,
        .number = a->number,
        .postcode = a->postcode,
        .city = a->city,
        .province = a->province,
        .tax_regime = c->seller_tax_regime,
    };
}

bool doc_number_format(const char *series, int year, int64_t sequence, int digits,
                       char *buf, size_t size)
{
    int64_t limit = 1;
    if (digits < 1 || digits > 9 || year < 1900 || year > 9999 || sequence < 1)
        return false;
    for (int i = 0; i < digits; i++)
        limit *= 10;
    if (sequence >= limit)
        return false;
    const char *s = series ? series : "";
    int n = snprintf(buf, size, "%s%s%04d/%0*lld", s, *s ? " " : "", year, digits,
                     (long long)sequence);
    return n > 0 && (size_t)n < size && n <= DOC_NUMBER_MAX;
}

/* ---- parties ------------------------------------------------------------- */

static bool nonempty(const char *s)
{
    return s && *s;
}

static bool dup(const char *s, char **out)
{
    *out = NULL;
    if (!s)
        return true;
    *out = strdup(s);
    return *out != NULL;
}

static bool is_country(const char *s)
{
    return s && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

static bool five_digits(const char *s)
{
    if (!s || strlen(s) != 5)
        return false;
    for (int i = 0; i < 5; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static void party_clear(struct doc_party *p)
{
    free(p->name);
    free(p->first_name);
    free(p->last_name);
    free(p->vat_number);
    free(p->tax_code);
    free(p->address.street);
    free(p->address.number);
    free(p->address.postcode);
    free(p->address.city);
    free(p->pec);
    memset(p, 0, sizeof *p);
}

/* Copies what both parties have, after checking it. `who` names the party
 * in reasons. */
static enum bc_status party_common(const struct doc_party_input *in, struct doc_party *p,
                                   const char *who, char *why, size_t whysize)
{
    if (!nonempty(in->name))
        return refuse(why, whysize, "%s: no legal name", who);
    if (!is_country(in->country))
        return refuse(why, whysize, "%s: country must be a two-letter code", who);
    if (!nonempty(in->street) || !nonempty(in->city))
        return refuse(why, whysize, "%s: the address needs a street and a city", who);
    if ((in->first_name == NULL) != (in->last_name == NULL) ||
        (in->first_name && (!*in->first_name || !*in->last_name)))
        return refuse(why, whysize, "%s: a person has both a first and a last name", who);
    bool italy = strcmp(in->country, "IT") == 0;
    if (italy && !five_digits(in->postcode))
        return refuse(why, whysize, "%s: an Italian postcode (CAP) is 5 digits", who);
    if (italy && !is_country(in->province))
        return refuse(why, whysize, "%s: an Italian address needs its province (MI)", who);
    memcpy(p->address.country, in->country, 3);
    if (italy)
        memcpy(p->address.province, in->province, 3);
    if (!dup(in->name, &p->name) || !dup(in->first_name, &p->first_name) ||
        !dup(in->last_name, &p->last_name) || !dup(in->street, &p->address.street) ||
        !dup(nonempty(in->number) ? in->number : NULL, &p->address.number) ||
        !dup(nonempty(in->postcode) ? in->postcode : NULL, &p->address.postcode) ||
        !dup(in->city, &p->address.city))
        return BC_NO_MEMORY;

    if (nonempty(in->vat_number)) {
        char norm[32];
        if (!vat_number_normalise(in->country, in->vat_number, norm, sizeof norm) ||
            strncmp(norm, in->country, 2) != 0 ||
            (italy && !fiscal_partita_iva_valid(norm + 2)))
            return refuse(why, whysize, "%s: VAT number '%s' is not valid for %s", who,
                          in->vat_number, in->country);
        if (!dup(norm + 2, &p->vat_number))
            return BC_NO_MEMORY;
    }
    if (nonempty(in->tax_code)) {
        char cf[17];
        if (!italy || !fiscal_id_compact(in->tax_code, cf, sizeof cf) ||
            !fiscal_codice_fiscale_valid(cf))
            return refuse(why, whysize, "%s: '%s' is not a codice fiscale", who, in->tax_code);
        if (!dup(cf, &p->tax_code))
            return BC_NO_MEMORY;
    }
    return BC_OK;
}

/* FatturaPA's RegimeFiscale codes (no RF03). */
static bool is_tax_regime(const char *s)
{
    if (!s || strlen(s) != 4 || strncmp(s, "RF", 2) != 0 || s[2] < '0' || s[2] > '9' ||
        s[3] < '0' || s[3] > '9')
        return false;
    int code = (s[2] - '0') * 10 + (s[3] - '0');
    return code >= 1 && code <= 19 && code != 3;
}

static enum bc_status build_seller(const struct doc_party_input *in, struct doc_party *p,
                                   char *why, size_t whysize)
{
    enum bc_status st = party_common(in, p, "seller", why, whysize);
    if (st != BC_OK)
        return st;
    if (!p->vat_number)
        return refuse(why, whysize, "seller: a document needs the seller's VAT number");
    if (!p->address.postcode)
        return refuse(why, whysize, "seller: the address needs a postcode");
    if (!is_tax_regime(in->tax_regime))
        return refuse(why, whysize, "seller: tax regime must be a FatturaPA RegimeFiscale (RF01)");
    memcpy(p->tax_regime, in->tax_regime, 5);
    return BC_OK;
}

static enum bc_status build_customer(const struct doc_party_input *in, struct doc_party *p,
                                     char *why, size_t whysize)
{
    enum bc_status st = party_common(in, p, "customer", why, whysize);
    if (st != BC_OK)
        return st;
    if (strcmp(p->address.country, "IT") != 0) {
        /* The SdI delivers nothing abroad: the customer gets the PDF. */
        memcpy(p->codice_destinatario, "XXXXXXX", 8);
        return BC_OK;
    }
    if (!p->vat_number && !p->tax_code)
        return refuse(why, whysize, "customer: an Italian customer needs a partita IVA or a codice fiscale");
    const char *code = nonempty(in->codice_destinatario) ? in->codice_destinatario : "0000000";
    if (!fiscal_codice_destinatario_valid(code))
        return refuse(why, whysize, "customer: codice destinatario '%s' is not 7 letters and digits", code);
    memcpy(p->codice_destinatario, code, 8);
    if (nonempty(in->pec)) {
        if (!fiscal_pec_valid(in->pec))
            return refuse(why, whysize, "customer: PEC '%s' is not an e-mail address", in->pec);
        if (!dup(in->pec, &p->pec))
            return BC_NO_MEMORY;
    }
    return BC_OK;
}

/* ---- lines and sums ---------------------------------------------------- */

static enum bc_status build_line(const struct doc_line_input *in, int sign, struct doc_line *l,
                                 size_t i, char *why, size_t whysize)
{
    if (!nonempty(in->product) || !nonempty(in->plan))
        return refuse(why, whysize, "line %zu: no product or plan", i + 1);
    if (in->seats < 1)
        return refuse(why, whysize, "line %zu: seats must be at least 1", i + 1);
    if (in->to <= in->from)
        return refuse(why, whysize, "line %zu: the period ends before it starts", i + 1);
    if (in->kind != DOC_LINE_CHARGE && in->kind != DOC_LINE_CREDIT)
        return refuse(why, whysize, "line %zu: unknown kind", i + 1);
    if ((in->kind == DOC_LINE_CHARGE && in->amount < 0) || (in->kind == DOC_LINE_CREDIT && in->amount > 0))
        return refuse(why, whysize, "line %zu: a charge is not negative, a credit not positive", i + 1);
    bool zero_rate = in->vat_kind == DOC_VAT_REVERSE_CHARGE || in->vat_kind == DOC_VAT_OUT_OF_SCOPE;
    if (in->rate_bp < 0 || in->rate_bp > 10000 || zero_rate != (in->rate_bp == 0))
        return refuse(why, whysize, "line %zu: VAT rate %d does not fit its reason (%s)", i + 1,
                      (int)in->rate_bp, doc_vat_name(in->vat_kind));
    int64_t vat;
    if (!money_vat(in->amount, in->rate_bp, &vat))
        return BC_OVERFLOW;
    if (vat != in->vat)
        return refuse(why, whysize, "line %zu: VAT %lld is not round(%lld x %d bp) = %lld", i + 1,
                      (long long)in->vat, (long long)in->amount, (int)in->rate_bp, (long long)vat);
    if (in->amount == INT64_MIN || vat == INT64_MIN)
        return BC_OVERFLOW;
    l->kind = in->kind;
    if (!dup(in->product, &l->product) || !dup(in->plan, &l->plan))
        return BC_NO_MEMORY;
    l->seats = in->seats;
    l->period = in->period;
    l->first_day = in->from;
    l->last_day = in->to - 1;
    l->amount = sign * in->amount;
    l->vat = sign * vat;
    l->rate_bp = in->rate_bp;
    l->vat_kind = in->vat_kind;
    /* A prorated amount need not divide by the seats: then the line is one
     * unit of the whole amount, so that quantity x unit price is exact in
     * every rendering (the SdI checks PrezzoTotale against them). */
    if (l->amount % in->seats == 0) {
        l->quantity = in->seats;
        l->unit_price = l->amount / in->seats;
    } else {
        l->quantity = 1;
        l->unit_price = l->amount;
    }
    return BC_OK;
}

static int sum_order(const void *a, const void *b)
{
    const struct doc_vat_sum *x = a, *y = b;
    if (x->vat_kind != y->vat_kind)
        return (int)x->vat_kind - (int)y->vat_kind;
    return (y->rate_bp > x->rate_bp) - (y->rate_bp < x->rate_bp);   /* higher rate first */
}

static enum bc_status build_sums(struct doc *d)
{
    d->vat_sums = calloc(d->nlines, sizeof *d->vat_sums);
    if (!d->vat_sums)
        return BC_NO_MEMORY;
    for (size_t i = 0; i < d->nlines; i++) {
        const struct doc_line *l = &d->lines[i];
        size_t k = 0;
        while (k < d->nvat_sums &&
               !(d->vat_sums[k].rate_bp == l->rate_bp && d->vat_sums[k].vat_kind == l->vat_kind))
            k++;
        struct doc_vat_sum *s = &d->vat_sums[k];
        if (k == d->nvat_sums) {
            s->rate_bp = l->rate_bp;
            s->vat_kind = l->vat_kind;
            d->nvat_sums++;
        }
        if (!money_add(s->taxable, l->amount, &s->taxable) || !money_add(s->vat, l->vat, &s->vat) ||
            !money_add(d->subtotal, l->amount, &d->subtotal) ||
            !money_add(d->vat_total, l->vat, &d->vat_total))
            return BC_OVERFLOW;
    }
    qsort(d->vat_sums, d->nvat_sums, sizeof *d->vat_sums, sum_order);
    return money_add(d->subtotal, d->vat_total, &d->total) ? BC_OK : BC_OVERFLOW;
}

static enum bc_status build_payment(const struct doc_input *in, struct doc *d, char *why,
                                    size_t whysize)
{
    struct doc_payment *p = &d->payment;
    if (in->balance_applied < 0 || in->card_charged < 0)
        return refuse(why, whysize, "payment: amounts are not negative");
    if (d->kind == DOC_CREDIT_NOTE) {
        if (in->balance_applied || in->card_charged)
            return refuse(why, whysize, "payment: a credit note is not paid; it credits the balance");
        p->balance_credited = d->total;
        return BC_OK;
    }
    int64_t paid;
    if (!money_add(in->balance_applied, in->card_charged, &paid))
        return BC_OVERFLOW;
    if (paid > d->total)
        return refuse(why, whysize, "payment: %lld paid for a total of %lld", (long long)paid,
                      (long long)d->total);
    p->balance_applied = in->balance_applied;
    p->card_charged = in->card_charged;
    p->due = d->total - paid;
    if (in->card && strlen(in->card) >= sizeof p->card)
        return refuse(why, whysize, "payment: card description too long");
    snprintf(p->card, sizeof p->card, "%s", in->card ? in->card : "");
    return BC_OK;
}

/* ---- the document ------------------------------------------------------- */

static enum bc_status build(const struct doc_input *in, struct doc *d, char *why, size_t whysize)
{
    if (in->kind != DOC_INVOICE && in->kind != DOC_CREDIT_NOTE)
        return refuse(why, whysize, "unknown document kind");
    d->kind = in->kind;
    d->sign = in->kind == DOC_CREDIT_NOTE ? -1 : 1;
    d->exponent = in->currency ? money_exponent(in->currency) : -1;
    if (d->exponent < 0 || strlen(in->currency) != 3)
        return refuse(why, whysize, "unknown currency");
    memcpy(d->currency, in->currency, 4);
    if (in->date < BC_DAY_MIN || in->date > BC_DAY_MAX)
        return refuse(why, whysize, "date out of range");
    d->date = in->date;
    int m, dd;
    date_to_civil(in->date, &d->year, &m, &dd);
    d->sequence = in->sequence;
    const char *series = in->kind == DOC_CREDIT_NOTE ? in->credit_note_series : in->invoice_series;
    if (!doc_number_format(series, d->year, in->sequence, in->number_digits, d->number,
                           sizeof d->number))
        return refuse(why, whysize, "the document number does not fit in %d characters", DOC_NUMBER_MAX);
    if (in->progressive < 1 || in->progressive >= 60466176u)
        return refuse(why, whysize, "the SdI progressive must be from 1 to 36^5 - 1");
    d->progressive = in->progressive;
    d->customer_in_eu = in->customer_in_eu;

    enum bc_status st = build_seller(&in->seller, &d->seller, why, whysize);
    if (st == BC_OK)
        st = build_customer(&in->customer, &d->customer, why, whysize);
    if (st != BC_OK)
        return st;

    if (in->nlines == 0 || !in->lines)
        return refuse(why, whysize, "a document has at least one line");
    if (in->nlines > 9999)
        return refuse(why, whysize, "at most 9999 lines");
    /* T in the order's signs decides the kind (SPEC §9). */
    int64_t t = 0;
    for (size_t i = 0; i < in->nlines; i++)
        if (!money_add(t, in->lines[i].amount, &t) || !money_add(t, in->lines[i].vat, &t))
            return BC_OVERFLOW;
    if (in->kind == DOC_INVOICE && t < 0)
        return refuse(why, whysize, "an order whose total is negative gets a credit note");
    if (in->kind == DOC_CREDIT_NOTE && t >= 0)
        return refuse(why, whysize, "a credit note is for an order whose total is negative");
    d->lines = calloc(in->nlines, sizeof *d->lines);
    if (!d->lines)
        return BC_NO_MEMORY;
    for (size_t i = 0; i < in->nlines; i++) {
        st = build_line(&in->lines[i], d->sign, &d->lines[i], i, why, whysize);
        d->nlines = i + 1;
        if (st != BC_OK)
            return st;
    }
    if ((st = build_sums(d)) != BC_OK)
        return st;

    if (in->kind == DOC_CREDIT_NOTE && (in->ncredits == 0 || !in->credits) &&
        !in->credits_unrecorded)
        return refuse(why, whysize, "a credit note names the invoices it credits");
    if (in->kind == DOC_INVOICE && in->ncredits)
        return refuse(why, whysize, "an invoice credits no invoice");
    if (in->ncredits) {
        d->credits = calloc(in->ncredits, sizeof *d->credits);
        if (!d->credits)
            return BC_NO_MEMORY;
        for (size_t i = 0; i < in->ncredits; i++) {
            if (!in->credits[i].number[0])
                return refuse(why, whysize, "a credited invoice has no number");
            d->credits[i] = in->credits[i];
            d->credits[i].number[DOC_NUMBER_MAX] = '\0';
        }
        d->ncredits = in->ncredits;
    }
    if (in->vat_check_method) {
        if (strcmp(in->vat_check_method, "vies") != 0 && strcmp(in->vat_check_method, "offline") != 0)
            return refuse(why, whysize, "VAT check: method '%s'", in->vat_check_method);
        snprintf(d->vat_check.method, sizeof d->vat_check.method, "%s", in->vat_check_method);
        snprintf(d->vat_check.consultation, sizeof d->vat_check.consultation, "%s",
                 in->vat_consultation ? in->vat_consultation : "");
        d->vat_check.checked_on = in->vat_checked_on;
    }
    return build_payment(in, d, why, whysize);
}

enum bc_status doc_build(const struct doc_input *in, struct doc **out, char *why, size_t whysize)
{
    *out = NULL;
    if (why && whysize)
        why[0] = '\0';
    if (!in)
        return BC_INVALID_ARGUMENT;
    struct doc *d = calloc(1, sizeof *d);
    if (!d)
        return BC_NO_MEMORY;
    enum bc_status st = build(in, d, why, whysize);
    if (st != BC_OK) {
        doc_destroy(d);
        return st;
    }
    *out = d;
    return BC_OK;
}

void doc_destroy(struct doc *d)
{
    if (!d)
        return;
    party_clear(&d->seller);
    party_clear(&d->customer);
    for (size_t i = 0; i < d->nlines; i++) {
        free(d->lines[i].product);
        free(d->lines[i].plan);
    }
    free(d->lines);
    free(d->vat_sums);
    free(d->credits);
    free(d);
}
