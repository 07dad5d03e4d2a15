/* doc_format.c — shared wording and formats of the human renderings. */
#include "doc_format.h"

#include <libintl.h>
#include <stdio.h>
#include <string.h>

#include "money.h"

#define N_(s) s

const char *doc_tr(const char *msgid, bool translate)
{
    return translate ? gettext(msgid) : msgid;
}

const char *doc_ntr(const char *one, const char *many, unsigned long n, bool translate)
{
    return translate ? ngettext(one, many, n) : n == 1 ? one : many;
}

void doc_vat_check_text(const struct doc *d, const struct doc_style *s, char *buf, size_t size)
{
    char on[16];
    buf[0] = '\0';
    if (!d->vat_check.method[0])
        return;
    doc_date(s, d->vat_check.checked_on, on, sizeof on);
    if (strcmp(d->vat_check.method, "vies") == 0 && d->vat_check.consultation[0])
        snprintf(buf, size, doc_tr(N_("Customer's VAT number checked in VIES on %s, consultation %s"),
                                   true), on, d->vat_check.consultation);
    else if (strcmp(d->vat_check.method, "vies") == 0)
        snprintf(buf, size, doc_tr(N_("Customer's VAT number checked in VIES on %s"), true), on);
    else
        snprintf(buf, size,
                 doc_tr(N_("Customer's VAT number checked offline on %s (format and check digits)"),
                        true), on);
}

const char *doc_title(const struct doc *d, bool translate)
{
    return d->kind == DOC_CREDIT_NOTE ? doc_tr(N_("Credit note"), translate)
                                      : doc_tr(N_("Invoice"), translate);
}

void doc_line_description(const struct doc_line *l, bool translate, char *buf, size_t size)
{
    char seats[48];
    snprintf(seats, sizeof seats, doc_ntr("%d seat", "%d seats", (unsigned long)l->seats, translate),
             l->seats);
    const char *period = l->period == BC_PERIOD_ANNUAL ? doc_tr(N_("annual"), translate)
                                                       : doc_tr(N_("monthly"), translate);
    if (l->kind == DOC_LINE_CREDIT)
        /* TRANSLATORS: product, plan, "5 seats", "monthly" */
        snprintf(buf, size, doc_tr(N_("Credit for unused time: %s %s, %s, %s"), translate),
                 l->product, l->plan, seats, period);
    else
        /* TRANSLATORS: product, plan, "5 seats", "monthly" */
        snprintf(buf, size, doc_tr(N_("%s %s, %s, %s"), translate), l->product, l->plan, seats,
                 period);
}

const char *doc_vat_reason(enum doc_vat v, bool translate)
{
    switch (v) {
    case DOC_VAT_REVERSE_CHARGE:
        return doc_tr(N_("Reverse charge — Art. 196 Directive 2006/112/EC"), translate);
    case DOC_VAT_OUT_OF_SCOPE:
        return doc_tr(N_("Not subject to VAT (Art. 7-ter DPR 633/72)"), translate);
    case DOC_VAT_OSS:
        return doc_tr(N_("VAT of the customer's EU country, declared through the One-Stop Shop"),
                      translate);
    case DOC_VAT_DOMESTIC:
        break;
    }
    return NULL;
}

void doc_money(const struct doc *d, const struct doc_style *s, int64_t minor, char *buf, size_t size)
{
    money_format(buf, size, minor, d->currency,
                 s->lang == DOC_LANG_IT ? MONEY_STYLE_IT : MONEY_STYLE_EN, s->ascii);
}

void doc_rate(const struct doc_style *s, int32_t bp, char *buf, size_t size)
{
    char num[16];
    money_format_plain(num, sizeof num, bp, 2);   /* "22.00", "25.50" */
    size_t n = strlen(num);
    while (n > 0 && num[n - 1] == '0')
        num[--n] = '\0';
    if (n > 0 && num[n - 1] == '.')
        num[--n] = '\0';
    char *dot = strchr(num, '.');
    if (dot && s->lang == DOC_LANG_IT)
        *dot = ',';
    snprintf(buf, size, "%s%%", num);
}

void doc_date(const struct doc_style *s, bc_day day, char *buf, size_t size)
{
    int y, m, d;
    date_to_civil(day, &y, &m, &d);
    if (s->lang == DOC_LANG_IT)
        snprintf(buf, size, "%02d/%02d/%04d", d, m, y);
    else
        snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

static bool is_wide(unsigned long c)
{
    return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
           (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
           (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
           (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
           (c >= 0x20000 && c <= 0x3fffd);
}

size_t doc_text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    while (*p) {
        unsigned long c = *p;
        int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
        if (extra)
            c &= 0x3fu >> extra;
        p++;
        for (int i = 0; i < extra && (*p & 0xc0) == 0x80; i++, p++)
            c = (c << 6) | (*p & 0x3f);
        if ((c >= 0x300 && c <= 0x36f) || c == 0x200b)
            continue;
        w += is_wide(c) ? 2 : 1;
    }
    return w;
}
