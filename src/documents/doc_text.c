/* doc_text.c — a document as text for the terminal and `invoice show`:
 * 78 columns, the seller and customer blocks, each line with the days it
 * covers, the VAT summary, the totals and how it was paid. */
#include "doc_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_format.h"

#define _(s) doc_tr(s, true)
#define WIDTH 78

struct out {
    FILE *f;
    const struct doc *d;
    const struct doc_style *s;
};

/* `text` padded with spaces to `width` columns, on the left or right. */
static void cell(struct out *o, const char *text, size_t width, bool right)
{
    size_t w = doc_text_width(text);
    if (right)
        for (size_t i = w; i < width; i++)
            fputc(' ', o->f);
    fputs(text, o->f);
    if (!right)
        for (size_t i = w; i < width; i++)
            fputc(' ', o->f);
}

static void rule(struct out *o)
{
    for (int i = 0; i < WIDTH; i++)
        fputs(o->s->ascii ? "-" : "─", o->f);
    fputc('\n', o->f);
}

static void money(struct out *o, int64_t v, char *buf, size_t size)
{
    doc_money(o->d, o->s, v, buf, size);
}

/* "Via Monte Napoleone 8, 20121 Milano MI, IT" */
static void address(const struct doc_address *a, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s, %s%s%s%s%s, %s", a->street, a->number ? " " : "",
             a->number ? a->number : "", a->postcode ? a->postcode : "", a->postcode ? " " : "",
             a->city, a->province[0] ? " " : "", a->province, a->country);
}

static void party(struct out *o, const char *label, const struct doc_party *p, bool seller)
{
    char buf[512], ids[512];
    const size_t indent = 26;
    cell(o, label, indent, false);
    fprintf(o->f, "%s\n", p->name);
    address(&p->address, buf, sizeof buf);
    cell(o, "", indent, false);
    fprintf(o->f, "%s\n", buf);
    if (p->vat_number) {
        cell(o, "", indent, false);
        fprintf(o->f, "%s: %s%s\n", _("VAT number"), p->address.country, p->vat_number);
    }
    if (p->tax_code) {
        cell(o, "", indent, false);
        fprintf(o->f, "%s: %s\n", _("Tax code"), p->tax_code);
    }
    if (seller) {
        cell(o, "", indent, false);
        fprintf(o->f, "%s: %s\n", _("Tax regime"), p->tax_regime);
        return;
    }
    snprintf(ids, sizeof ids, "%s: %s", _("Recipient code"), p->codice_destinatario);
    cell(o, "", indent, false);
    fprintf(o->f, "%s", ids);
    if (p->pec)
        fprintf(o->f, "  %s: %s", _("PEC"), p->pec);
    fputc('\n', o->f);
}

static void lines(struct out *o)
{
    const struct doc *d = o->d;
    char desc[512], from[16], to[16], period[48], unit[48], qty[96], amount[48], rate[16];
    for (size_t i = 0; i < d->nlines; i++) {
        const struct doc_line *l = &d->lines[i];
        doc_line_description(l, true, desc, sizeof desc);
        fprintf(o->f, "%3zu  %s\n", i + 1, desc);
        doc_date(o->s, l->first_day, from, sizeof from);
        doc_date(o->s, l->last_day, to, sizeof to);
        snprintf(period, sizeof period, "%s %s %s", from, o->s->ascii ? "-" : "–", to);
        money(o, l->unit_price, unit, sizeof unit);
        snprintf(qty, sizeof qty, "%lld %s %s", (long long)l->quantity, o->s->ascii ? "x" : "×", unit);
        money(o, l->amount, amount, sizeof amount);
        doc_rate(o->s, l->rate_bp, rate, sizeof rate);
        fputs("     ", o->f);
        cell(o, period, 28, false);
        cell(o, qty, 22, true);
        cell(o, amount, 15, true);
        cell(o, rate, 8, true);
        fputc('\n', o->f);
        if (l->vat_kind == DOC_VAT_REVERSE_CHARGE || l->vat_kind == DOC_VAT_OUT_OF_SCOPE)
            fprintf(o->f, "     %s\n", doc_vat_reason(l->vat_kind, true));
    }
}

static void vat_summary(struct out *o)
{
    const struct doc *d = o->d;
    char rate[16], taxable[48], vat[48];
    fputc('\n', o->f);
    cell(o, _("VAT summary"), 33, false);
    cell(o, _("Taxable"), 22, true);
    cell(o, _("VAT"), 23, true);
    fputc('\n', o->f);
    for (size_t i = 0; i < d->nvat_sums; i++) {
        const struct doc_vat_sum *s = &d->vat_sums[i];
        doc_rate(o->s, s->rate_bp, rate, sizeof rate);
        money(o, s->taxable, taxable, sizeof taxable);
        money(o, s->vat, vat, sizeof vat);
        fputs("  ", o->f);
        cell(o, rate, 6, true);
        cell(o, "", 25, false);
        cell(o, taxable, 22, true);
        cell(o, vat, 23, true);
        fputc('\n', o->f);
        const char *why = doc_vat_reason(s->vat_kind, true);
        if (why)
            fprintf(o->f, "          %s\n", why);
    }
}

static void total_row(struct out *o, const char *label, int64_t v)
{
    char buf[48];
    money(o, v, buf, sizeof buf);
    cell(o, label, 55, false);
    cell(o, buf, 23, true);
    fputc('\n', o->f);
}

static void payment(struct out *o)
{
    const struct doc *d = o->d;
    const struct doc_payment *p = &d->payment;
    char buf[48];
    fputc('\n', o->f);
    if (d->kind == DOC_CREDIT_NOTE) {
        money(o, p->balance_credited, buf, sizeof buf);
        fprintf(o->f, "%s: %s\n", _("Credited to the account's balance"), buf);
        return;
    }
    if (p->balance_applied == 0 && p->card_charged == 0 && p->due == 0) {
        fprintf(o->f, "%s\n", _("Nothing to pay."));
        return;
    }
    if (p->balance_applied) {
        money(o, p->balance_applied, buf, sizeof buf);
        fprintf(o->f, "%s: %s\n", _("Paid with the credit balance"), buf);
    }
    if (p->card_charged) {
        money(o, p->card_charged, buf, sizeof buf);
        if (p->card[0])
            fprintf(o->f, "%s (%s): %s\n", _("Paid by card"), p->card, buf);
        else
            fprintf(o->f, "%s: %s\n", _("Paid by card"), buf);
    }
    if (p->due) {
        money(o, p->due, buf, sizeof buf);
        fprintf(o->f, "%s: %s\n", _("Amount due"), buf);
    }
}

enum bc_status doc_write_text(const struct doc *d, const struct doc_style *style,
                              struct doc_bytes *out)
{
    out->data = NULL;
    out->len = 0;
    FILE *f = open_memstream(&out->data, &out->len);
    if (!f)
        return BC_NO_MEMORY;
    struct out o = {f, d, style};
    char date[16];
    doc_date(style, d->date, date, sizeof date);
    fprintf(f, "%s %s\n", doc_title(d, true), d->number);
    fprintf(f, "%s: %s\n", _("Date"), date);
    for (size_t i = 0; i < d->ncredits; i++) {
        char cdate[16];
        doc_date(style, d->credits[i].date, cdate, sizeof cdate);
        fprintf(f, _("Credits invoice %s of %s"), d->credits[i].number, cdate);
        fputc('\n', f);
    }
    rule(&o);
    party(&o, _("Seller"), &d->seller, true);
    fputc('\n', f);
    party(&o, _("Customer"), &d->customer, false);
    rule(&o);
    lines(&o);
    vat_summary(&o);
    rule(&o);
    total_row(&o, _("Subtotal"), d->subtotal);
    total_row(&o, _("VAT"), d->vat_total);
    total_row(&o, _("Document total"), d->total);
    payment(&o);
    char evidence[256];
    doc_vat_check_text(d, style, evidence, sizeof evidence);
    if (evidence[0])
        fprintf(f, "%s\n", evidence);
    if (fclose(f) != 0) {
        doc_bytes_free(out);
        return BC_NO_MEMORY;
    }
    return BC_OK;
}
