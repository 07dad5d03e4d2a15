/* doc_pdf.c — a document as a PDF page (or pages) for A4 or Letter, laid
 * out with pango on a cairo PDF surface: the seller's header, the document
 * title, number and date, the customer block, the lines with the days they
 * cover, the VAT summary, the totals and how it was paid. Pango shapes any
 * script the installed fonts cover and cairo embeds only the glyphs used,
 * which keeps a one-page document to some tens of kilobytes. */
#include "doc_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "doc_format.h"

#define _(s) doc_tr(s, true)
#define FONT "DejaVu Sans"
#define MARGIN 50.0

struct pdf {
    cairo_t *cr;
    const struct doc *d;
    const struct doc_style *s;
    double w, h;           /* page size, points */
    double y;              /* where the next row starts */
    int page;
};

struct sink {
    unsigned char *data;
    size_t len, cap;
    bool failed;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct sink *k = closure;
    if (k->len + length + 1 > k->cap) {
        size_t cap = k->cap ? k->cap : 65536;
        while (cap < k->len + length + 1)
            cap *= 2;
        unsigned char *grown = realloc(k->data, cap);
        if (!grown) {
            k->failed = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        k->data = grown;
        k->cap = cap;
    }
    memcpy(k->data + k->len, data, length);
    k->len += length;
    return CAIRO_STATUS_SUCCESS;
}

enum align { LEFT, RIGHT };

/* Draws `text` at (x, y) within `width` (wrapped), returns its height. */
static double text(struct pdf *p, double x, double y, double width, double size, bool bold,
                   bool grey, enum align align, const char *str)
{
    PangoLayout *l = pango_cairo_create_layout(p->cr);
    PangoFontDescription *fd = pango_font_description_from_string(FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align == RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, str, -1);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    cairo_set_source_rgb(p->cr, grey ? 0.35 : 0, grey ? 0.35 : 0, grey ? 0.35 : 0);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
    return (double)ph / PANGO_SCALE;
}

static void hline(struct pdf *p, double y, double weight)
{
    cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(p->cr, weight);
    cairo_move_to(p->cr, MARGIN, y);
    cairo_line_to(p->cr, p->w - MARGIN, y);
    cairo_stroke(p->cr);
}

static void footer(struct pdf *p)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%s %s — %d", doc_title(p->d, true), p->d->number, p->page);
    text(p, MARGIN, p->h - MARGIN + 14, p->w - 2 * MARGIN, 7, false, true, RIGHT, buf);
}

/* Starts a new page when `need` points do not fit on this one. */
static void room(struct pdf *p, double need)
{
    if (p->y + need <= p->h - MARGIN)
        return;
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
}

static void address_text(const struct doc_address *a, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s\n%s%s%s%s%s — %s", a->street, a->number ? " " : "",
             a->number ? a->number : "", a->postcode ? a->postcode : "", a->postcode ? " " : "",
             a->city, a->province[0] ? " " : "", a->province, a->country);
}

static double party_block(struct pdf *p, double x, double y, double width, const struct doc_party *party,
                          bool seller)
{
    char buf[1024], ids[512];
    double y0 = y;
    y += text(p, x, y, width, seller ? 13 : 10, true, false, LEFT, party->name);
    address_text(&party->address, buf, sizeof buf);
    size_t n = 0;
    ids[0] = '\0';
    if (party->vat_number)
        n += (size_t)snprintf(ids + n, sizeof ids - n, "%s: %s%s\n", _("VAT number"),
                              party->address.country, party->vat_number);
    if (party->tax_code && n < sizeof ids)
        n += (size_t)snprintf(ids + n, sizeof ids - n, "%s: %s\n", _("Tax code"), party->tax_code);
    if (seller && n < sizeof ids)
        n += (size_t)snprintf(ids + n, sizeof ids - n, "%s: %s\n", _("Tax regime"), party->tax_regime);
    if (!seller && n < sizeof ids)
        n += (size_t)snprintf(ids + n, sizeof ids - n, "%s: %s\n", _("Recipient code"),
                              party->codice_destinatario);
    if (!seller && party->pec && n < sizeof ids)
        n += (size_t)snprintf(ids + n, sizeof ids - n, "%s: %s\n", _("PEC"), party->pec);
    if (n > 0 && n < sizeof ids)
        ids[n - 1] = '\0';
    y += 2 + text(p, x, y + 2, width, 8.5, false, false, LEFT, buf);
    y += 2 + text(p, x, y + 2, width, 8.5, false, true, LEFT, ids);
    return y - y0;
}

/* The columns of the lines' table, from the right margin leftwards. */
struct cols {
    double desc_w, qty_x, unit_x, amount_x, vat_x;
};

static struct cols columns(const struct pdf *p)
{
    double right = p->w - MARGIN;
    struct cols c;
    c.vat_x = right - 45;
    c.amount_x = c.vat_x - 85;
    c.unit_x = c.amount_x - 80;
    c.qty_x = c.unit_x - 40;
    c.desc_w = c.qty_x - MARGIN - 8;
    return c;
}

static void table_head(struct pdf *p, const struct cols *c)
{
    double y = p->y;
    text(p, MARGIN, y, c->desc_w, 8, true, false, LEFT, _("Description"));
    text(p, c->qty_x, y, 40, 8, true, false, RIGHT, _("Qty"));
    text(p, c->unit_x, y, 80, 8, true, false, RIGHT, _("Unit price"));
    text(p, c->amount_x, y, 85, 8, true, false, RIGHT, _("Amount"));
    text(p, c->vat_x, y, 45, 8, true, false, RIGHT, _("VAT"));
    p->y += 13;
    hline(p, p->y, 0.5);
    p->y += 4;
}

static void lines(struct pdf *p)
{
    const struct doc *d = p->d;
    struct cols c = columns(p);
    char desc[512], from[16], to[16], period[48], buf[48];
    table_head(p, &c);
    for (size_t i = 0; i < d->nlines; i++) {
        const struct doc_line *l = &d->lines[i];
        const char *why = (l->vat_kind == DOC_VAT_REVERSE_CHARGE || l->vat_kind == DOC_VAT_OUT_OF_SCOPE)
                              ? doc_vat_reason(l->vat_kind, true) : NULL;
        if (p->y + (why ? 42 : 30) > p->h - MARGIN) {
            room(p, 1e9);
            table_head(p, &c);
        }
        doc_line_description(l, true, desc, sizeof desc);
        double y = p->y;
        double hd = text(p, MARGIN, y, c.desc_w, 9, false, false, LEFT, desc);
        snprintf(buf, sizeof buf, "%lld", (long long)l->quantity);
        text(p, c.qty_x, y, 40, 9, false, false, RIGHT, buf);
        doc_money(d, p->s, l->unit_price, buf, sizeof buf);
        text(p, c.unit_x, y, 80, 9, false, false, RIGHT, buf);
        doc_money(d, p->s, l->amount, buf, sizeof buf);
        text(p, c.amount_x, y, 85, 9, false, false, RIGHT, buf);
        doc_rate(p->s, l->rate_bp, buf, sizeof buf);
        text(p, c.vat_x, y, 45, 9, false, false, RIGHT, buf);
        y += hd;
        doc_date(p->s, l->first_day, from, sizeof from);
        doc_date(p->s, l->last_day, to, sizeof to);
        snprintf(period, sizeof period, "%s – %s", from, to);
        y += text(p, MARGIN, y, c.desc_w, 7.5, false, true, LEFT, period);
        if (why)
            y += text(p, MARGIN, y, c.desc_w, 7.5, false, true, LEFT, why);
        p->y = y + 5;
    }
    hline(p, p->y, 0.5);
    p->y += 8;
}

static void vat_summary(struct pdf *p)
{
    const struct doc *d = p->d;
    double right = p->w - MARGIN;
    char buf[48];
    room(p, 30 + 12.0 * (double)d->nvat_sums);
    text(p, MARGIN, p->y, 200, 8, true, false, LEFT, _("VAT summary"));
    text(p, right - 210, p->y, 100, 8, true, false, RIGHT, _("Taxable"));
    text(p, right - 100, p->y, 100, 8, true, false, RIGHT, _("VAT"));
    p->y += 13;
    for (size_t i = 0; i < d->nvat_sums; i++) {
        const struct doc_vat_sum *s = &d->vat_sums[i];
        const char *why = doc_vat_reason(s->vat_kind, true);
        room(p, 24);
        doc_rate(p->s, s->rate_bp, buf, sizeof buf);
        double h = text(p, MARGIN, p->y, 40, 8.5, false, false, LEFT, buf);
        if (why)
            h = text(p, MARGIN + 40, p->y, right - 220 - MARGIN - 40, 7.5, false, true, LEFT, why);
        doc_money(d, p->s, s->taxable, buf, sizeof buf);
        text(p, right - 210, p->y, 100, 8.5, false, false, RIGHT, buf);
        doc_money(d, p->s, s->vat, buf, sizeof buf);
        text(p, right - 100, p->y, 100, 8.5, false, false, RIGHT, buf);
        p->y += (h > 12 ? h : 12) + 2;
    }
    p->y += 8;
}

static void total_row(struct pdf *p, const char *label, int64_t v, bool bold)
{
    double right = p->w - MARGIN;
    char buf[48];
    room(p, 16);
    doc_money(p->d, p->s, v, buf, sizeof buf);
    double size = bold ? 11 : 9;
    text(p, right - 320, p->y, 200, size, bold, false, RIGHT, label);
    text(p, right - 120, p->y, 120, size, bold, false, RIGHT, buf);
    p->y += bold ? 17 : 13;
}

static void payment(struct pdf *p)
{
    const struct doc *d = p->d;
    const struct doc_payment *pay = &d->payment;
    double width = p->w - 2 * MARGIN;
    char amount[48], buf[160];
    room(p, 60);
    p->y += 6;
    p->y += text(p, MARGIN, p->y, width, 8, true, false, LEFT, _("Payment"));
    if (d->kind == DOC_CREDIT_NOTE) {
        doc_money(d, p->s, pay->balance_credited, amount, sizeof amount);
        snprintf(buf, sizeof buf, "%s: %s", _("Credited to the account's balance"), amount);
        p->y += text(p, MARGIN, p->y, width, 9, false, false, LEFT, buf);
        return;
    }
    if (pay->balance_applied == 0 && pay->card_charged == 0 && pay->due == 0)
        p->y += text(p, MARGIN, p->y, width, 9, false, false, LEFT, _("Nothing to pay."));
    if (pay->balance_applied) {
        doc_money(d, p->s, pay->balance_applied, amount, sizeof amount);
        snprintf(buf, sizeof buf, "%s: %s", _("Paid with the credit balance"), amount);
        p->y += text(p, MARGIN, p->y, width, 9, false, false, LEFT, buf);
    }
    if (pay->card_charged) {
        doc_money(d, p->s, pay->card_charged, amount, sizeof amount);
        if (pay->card[0])
            snprintf(buf, sizeof buf, "%s (%s): %s", _("Paid by card"), pay->card, amount);
        else
            snprintf(buf, sizeof buf, "%s: %s", _("Paid by card"), amount);
        p->y += text(p, MARGIN, p->y, width, 9, false, false, LEFT, buf);
    }
    if (pay->due) {
        doc_money(d, p->s, pay->due, amount, sizeof amount);
        snprintf(buf, sizeof buf, "%s: %s", _("Amount due"), amount);
        p->y += text(p, MARGIN, p->y, width, 9, true, false, LEFT, buf);
    }
}

/* How the customer's VAT number was checked (the evidence of a reverse
 * charge), under the payment as the text rendering has it. */
static void vat_check(struct pdf *p)
{
    char buf[256];
    doc_vat_check_text(p->d, p->s, buf, sizeof buf);
    if (!buf[0])
        return;
    room(p, 20);
    p->y += 6;
    p->y += text(p, MARGIN, p->y, p->w - 2 * MARGIN, 8, false, true, LEFT, buf);
}

static void page(struct pdf *p)
{
    const struct doc *d = p->d;
    double width = p->w - 2 * MARGIN, right = p->w - MARGIN;
    char date[16], buf[160];

    /* The seller's header on the left, what the document is on the right. */
    double hs = party_block(p, MARGIN, MARGIN, width * 0.55, &d->seller, true);
    double ht = text(p, right - 220, MARGIN, 220, 18, true, false, RIGHT, doc_title(d, true));
    ht += text(p, right - 220, MARGIN + ht, 220, 11, true, false, RIGHT, d->number);
    doc_date(p->s, d->date, date, sizeof date);
    snprintf(buf, sizeof buf, "%s: %s", _("Date"), date);
    ht += text(p, right - 220, MARGIN + ht, 220, 9, false, false, RIGHT, buf);
    for (size_t i = 0; i < d->ncredits; i++) {
        char cdate[16];
        doc_date(p->s, d->credits[i].date, cdate, sizeof cdate);
        snprintf(buf, sizeof buf, _("Credits invoice %s of %s"), d->credits[i].number, cdate);
        ht += text(p, right - 220, MARGIN + ht, 220, 8, false, true, RIGHT, buf);
    }
    p->y = MARGIN + (hs > ht ? hs : ht) + 10;
    hline(p, p->y, 1);
    p->y += 10;

    /* The customer, boxed. */
    p->y += text(p, MARGIN + 8, p->y, 200, 7.5, true, true, LEFT, _("Customer"));
    double top = p->y - 12;
    double hc = party_block(p, MARGIN + 8, p->y + 2, width * 0.6, &d->customer, false);
    cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(p->cr, 0.5);
    cairo_rectangle(p->cr, MARGIN, top - 4, width * 0.6 + 16, hc + 22);
    cairo_stroke(p->cr);
    p->y += hc + 20;

    lines(p);
    vat_summary(p);
    total_row(p, _("Subtotal"), d->subtotal, false);
    total_row(p, _("VAT"), d->vat_total, false);
    total_row(p, _("Document total"), d->total, true);
    payment(p);
    vat_check(p);
    footer(p);
}

enum bc_status doc_write_pdf(const struct doc *d, const struct doc_style *style, struct doc_bytes *out)
{
    out->data = NULL;
    out->len = 0;
    struct sink k = {0};
    struct pdf p = {.d = d, .s = style, .page = 1};
    if (style->paper == DOC_PAPER_LETTER) {
        p.w = 612;
        p.h = 792;
    } else {
        p.w = 595.276;
        p.h = 841.89;
    }
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(sink_write, &k, p.w, p.h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return BC_NO_MEMORY;
    }
    char title[96];
    snprintf(title, sizeof title, "%s %s", doc_title(d, true), d->number);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, d->seller.name);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "billcenter");
    p.cr = cairo_create(surface);
    page(&p);
    cairo_show_page(p.cr);
    cairo_status_t cs = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (cs != CAIRO_STATUS_SUCCESS || k.failed || !k.data) {
        free(k.data);
        return cs == CAIRO_STATUS_NO_MEMORY || k.failed ? BC_NO_MEMORY : BC_IO_ERROR;
    }
    k.data[k.len] = '\0';
    out->data = (char *)k.data;
    out->len = k.len;
    return BC_OK;
}
