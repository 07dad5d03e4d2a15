/* doc_fatturapa.c — the FatturaPA 1.2.2 XML of a document, as the SdI takes
 * it from a seller invoicing private parties (FPR12), written with
 * libxml2's xmlTextWriter so that every character is escaped. The words it
 * adds are Italian whatever the locale: this file is the legal record.
 *
 * How the cases of SPEC §3 read in FatturaPA:
 *  - an Italian customer: its partita IVA (IdFiscaleIVA) and/or codice
 *    fiscale, CodiceDestinatario as given ("0000000" with the PEC, if any);
 *  - a customer abroad: CodiceDestinatario "XXXXXXX", IdFiscaleIVA with its
 *    country and VAT number, or "99999999999" when it has none (the SdI's
 *    rule for foreign consumers), CAP "00000" unless its postcode is 5 digits;
 *  - reverse charge and out of scope: AliquotaIVA 0.00, Natura N2.1 and the
 *    article in RiferimentoNormativo and Causale;
 *  - an EU consumer's VAT (OSS): the taxable amount at 0.00 with Natura N7,
 *    the foreign VAT in AltriDatiGestionali (it is not Italian VAT), and
 *    ImportoTotaleDocumento the total the customer pays. */
#include "doc_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "doc_latin.h"
#include "money.h"

#define NS_FATTURE "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
#define NS_DSIG "http://www.w3.org/2000/09/xmldsig#"

struct fpa {
    xmlTextWriterPtr w;
    const struct doc *d;
    bool ok;
    bool overflow;
};

static const xmlChar *X(const char *s)
{
    return (const xmlChar *)s;
}

static void start(struct fpa *f, const char *name)
{
    if (f->ok && xmlTextWriterStartElement(f->w, X(name)) < 0)
        f->ok = false;
}

static void end(struct fpa *f)
{
    if (f->ok && xmlTextWriterEndElement(f->w) < 0)
        f->ok = false;
}

/* An element holding text as it is (codes, numbers, dates). */
static void elem(struct fpa *f, const char *name, const char *text)
{
    if (f->ok && xmlTextWriterWriteElement(f->w, X(name), X(text)) < 0)
        f->ok = false;
}

/* An element holding people's text, made fit for the field. */
static void text_elem(struct fpa *f, const char *name, const char *text, enum doc_latin_set set,
                      size_t maxchars)
{
    char buf[4 * 1000 + 1];
    doc_latin(text, set, maxchars, buf, sizeof buf);
    elem(f, name, buf);
}

/* Amounts: FatturaPA writes two decimals whatever the currency (a yen
 * amount of 1900 is "1900.00") and at most 11 integer digits. */
static void amount_elem(struct fpa *f, const char *name, int64_t minor)
{
    char num[40], buf[48];
    money_format_plain(num, sizeof num, minor, f->d->exponent);
    const char *dot = strchr(num, '.');
    size_t ints = dot ? (size_t)(dot - num) : strlen(num);
    if (num[0] == '-')
        ints--;
    if (ints > 11) {
        f->overflow = true;
        f->ok = false;
        return;
    }
    snprintf(buf, sizeof buf, "%s%s", num, f->d->exponent == 0 ? ".00" : f->d->exponent == 1 ? "0" : "");
    elem(f, name, buf);
}

static void rate_elem(struct fpa *f, const char *name, int32_t bp)
{
    char buf[16];
    money_format_plain(buf, sizeof buf, bp, 2);
    elem(f, name, buf);
}

static void date_elem(struct fpa *f, const char *name, bc_day day)
{
    char buf[11];
    date_format(day, buf);
    elem(f, name, buf);
}

static void id_fiscale(struct fpa *f, const char *name, const char *country, const char *code)
{
    start(f, name);
    elem(f, "IdPaese", country);
    text_elem(f, "IdCodice", code, DOC_BASIC, 28);
    end(f);
}

static void anagrafica(struct fpa *f, const struct doc_party *p)
{
    start(f, "Anagrafica");
    if (p->first_name && p->last_name) {
        text_elem(f, "Nome", p->first_name, DOC_LATIN1, 60);
        text_elem(f, "Cognome", p->last_name, DOC_LATIN1, 60);
    } else {
        text_elem(f, "Denominazione", p->name, DOC_LATIN1, 80);
    }
    end(f);
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

static void sede(struct fpa *f, const struct doc_address *a)
{
    start(f, "Sede");
    text_elem(f, "Indirizzo", a->street, DOC_LATIN1, 60);
    if (a->number)
        text_elem(f, "NumeroCivico", a->number, DOC_BASIC, 8);
    elem(f, "CAP", five_digits(a->postcode) ? a->postcode : "00000");
    text_elem(f, "Comune", a->city, DOC_LATIN1, 60);
    if (a->province[0])
        elem(f, "Provincia", a->province);
    elem(f, "Nazione", a->country);
    end(f);
}

static void header(struct fpa *f, const char *progressive)
{
    const struct doc *d = f->d;
    const struct doc_party *s = &d->seller, *c = &d->customer;
    start(f, "FatturaElettronicaHeader");

    start(f, "DatiTrasmissione");
    id_fiscale(f, "IdTrasmittente", s->address.country, s->vat_number);
    elem(f, "ProgressivoInvio", progressive);
    elem(f, "FormatoTrasmissione", "FPR12");
    elem(f, "CodiceDestinatario", c->codice_destinatario);
    if (c->pec && strcmp(c->codice_destinatario, "0000000") == 0)
        elem(f, "PECDestinatario", c->pec);
    end(f);

    start(f, "CedentePrestatore");
    start(f, "DatiAnagrafici");
    id_fiscale(f, "IdFiscaleIVA", s->address.country, s->vat_number);
    if (s->tax_code)
        elem(f, "CodiceFiscale", s->tax_code);
    anagrafica(f, s);
    elem(f, "RegimeFiscale", s->tax_regime);
    end(f);
    sede(f, &s->address);
    end(f);

    start(f, "CessionarioCommittente");
    start(f, "DatiAnagrafici");
    bool italy = strcmp(c->address.country, "IT") == 0;
    if (c->vat_number)
        id_fiscale(f, "IdFiscaleIVA", c->address.country, c->vat_number);
    else if (!italy)
        id_fiscale(f, "IdFiscaleIVA", c->address.country, "99999999999");
    if (c->tax_code && italy)
        elem(f, "CodiceFiscale", c->tax_code);
    anagrafica(f, c);
    end(f);
    sede(f, &c->address);
    end(f);

    end(f);
}

/* The law each reason rests on, for RiferimentoNormativo and Causale. */
static const char *legal_reference(enum doc_vat v)
{
    switch (v) {
    case DOC_VAT_REVERSE_CHARGE:
        return "Inversione contabile - art. 7-ter DPR 633/72, art. 196 Direttiva 2006/112/CE";
    case DOC_VAT_OUT_OF_SCOPE:
        return "Operazione non soggetta a IVA ai sensi dell'art. 7-ter DPR 633/72";
    case DOC_VAT_OSS:
        return "IVA assolta in altro Stato UE (regime OSS) - art. 7-octies DPR 633/72";
    case DOC_VAT_DOMESTIC:
        break;
    }
    return NULL;
}

static void description(const struct doc_line *l, char *buf, size_t size)
{
    char seats[40];
    snprintf(seats, sizeof seats, l->seats == 1 ? "%d postazione" : "%d postazioni", l->seats);
    snprintf(buf, size, "%s%s %s, %s, %s",
             l->kind == DOC_LINE_CREDIT ? "Storno per il periodo non goduto: " : "",
             l->product, l->plan, seats, l->period == BC_PERIOD_ANNUAL ? "annuale" : "mensile");
}

static void line(struct fpa *f, const struct doc_line *l, size_t i)
{
    char buf[600];
    start(f, "DettaglioLinee");
    snprintf(buf, sizeof buf, "%zu", i + 1);
    elem(f, "NumeroLinea", buf);
    description(l, buf, sizeof buf);
    text_elem(f, "Descrizione", buf, DOC_LATIN1, 1000);
    snprintf(buf, sizeof buf, "%lld.00", (long long)l->quantity);
    elem(f, "Quantita", buf);
    date_elem(f, "DataInizioPeriodo", l->first_day);
    date_elem(f, "DataFinePeriodo", l->last_day);
    amount_elem(f, "PrezzoUnitario", l->unit_price);
    amount_elem(f, "PrezzoTotale", l->amount);
    bool italian_vat = l->vat_kind == DOC_VAT_DOMESTIC;
    rate_elem(f, "AliquotaIVA", italian_vat ? l->rate_bp : 0);
    if (!italian_vat)
        elem(f, "Natura", doc_vat_nature(l->vat_kind));
    if (l->vat_kind == DOC_VAT_OSS) {
        char rate[16];
        money_format_plain(rate, sizeof rate, l->rate_bp, 2);
        start(f, "AltriDatiGestionali");
        elem(f, "TipoDato", "IVA OSS");
        snprintf(buf, sizeof buf, "IVA %s %s%%", f->d->customer.address.country, rate);
        elem(f, "RiferimentoTesto", buf);
        amount_elem(f, "RiferimentoNumero", l->vat);
        end(f);
    }
    end(f);
}

static void summary(struct fpa *f, const struct doc_vat_sum *s)
{
    bool italian_vat = s->vat_kind == DOC_VAT_DOMESTIC;
    start(f, "DatiRiepilogo");
    rate_elem(f, "AliquotaIVA", italian_vat ? s->rate_bp : 0);
    if (!italian_vat)
        elem(f, "Natura", doc_vat_nature(s->vat_kind));
    amount_elem(f, "ImponibileImporto", s->taxable);
    amount_elem(f, "Imposta", italian_vat ? s->vat : 0);
    if (italian_vat)
        elem(f, "EsigibilitaIVA", "I");
    else
        elem(f, "RiferimentoNormativo", legal_reference(s->vat_kind));
    end(f);
}

static void payment(struct fpa *f)
{
    const struct doc_payment *p = &f->d->payment;
    if (f->d->kind != DOC_INVOICE || (p->card_charged == 0 && p->balance_applied == 0))
        return;
    start(f, "DatiPagamento");
    elem(f, "CondizioniPagamento", "TP02");                 /* paid in full, at once */
    if (p->card_charged) {
        start(f, "DettaglioPagamento");
        elem(f, "ModalitaPagamento", "MP08");               /* carta di pagamento */
        date_elem(f, "DataScadenzaPagamento", f->d->date);
        amount_elem(f, "ImportoPagamento", p->card_charged);
        end(f);
    }
    if (p->balance_applied) {
        start(f, "DettaglioPagamento");
        elem(f, "ModalitaPagamento", "MP22");               /* trattenuta su somme già riscosse */
        date_elem(f, "DataScadenzaPagamento", f->d->date);
        amount_elem(f, "ImportoPagamento", p->balance_applied);
        end(f);
    }
    end(f);
}

static void body(struct fpa *f)
{
    const struct doc *d = f->d;
    start(f, "FatturaElettronicaBody");
    start(f, "DatiGenerali");
    start(f, "DatiGeneraliDocumento");
    elem(f, "TipoDocumento", doc_kind_code(d->kind));
    elem(f, "Divisa", d->currency);
    date_elem(f, "Data", d->date);
    elem(f, "Numero", d->number);
    amount_elem(f, "ImportoTotaleDocumento", d->total);
    /* The wording the law wants on the document itself (art. 21 c. 6-bis). */
    for (size_t i = 0; i < d->nvat_sums; i++) {
        const struct doc_vat_sum *s = &d->vat_sums[i];
        bool again = false;
        for (size_t j = 0; j < i; j++)
            again = again || d->vat_sums[j].vat_kind == s->vat_kind;
        if (s->vat_kind != DOC_VAT_DOMESTIC && !again)
            text_elem(f, "Causale", legal_reference(s->vat_kind), DOC_LATIN1, 200);
    }
    end(f);
    for (size_t i = 0; i < d->ncredits; i++) {
        start(f, "DatiFattureCollegate");
        elem(f, "IdDocumento", d->credits[i].number);
        date_elem(f, "Data", d->credits[i].date);
        end(f);
    }
    end(f);

    start(f, "DatiBeniServizi");
    for (size_t i = 0; i < d->nlines; i++)
        line(f, &d->lines[i], i);
    for (size_t i = 0; i < d->nvat_sums; i++)
        summary(f, &d->vat_sums[i]);
    end(f);
    payment(f);
    end(f);
}

void doc_fatturapa_progressive(const struct doc *d, char buf[6])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    uint32_t v = d->progressive;
    for (int i = 4; i >= 0; i--) {
        buf[i] = digits[v % 36];
        v /= 36;
    }
    buf[5] = '\0';
}

bool doc_fatturapa_filename(const struct doc *d, char *buf, size_t size)
{
    char prog[6];
    doc_fatturapa_progressive(d, prog);
    int n = snprintf(buf, size, "%s%s_%s.xml", d->seller.address.country, d->seller.vat_number, prog);
    return n > 0 && (size_t)n < size;
}

void doc_bytes_free(struct doc_bytes *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

enum bc_status doc_write_fatturapa(const struct doc *d, struct doc_bytes *out)
{
    out->data = NULL;
    out->len = 0;
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf)
        return BC_NO_MEMORY;
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    if (!w) {
        xmlBufferFree(buf);
        return BC_NO_MEMORY;
    }
    struct fpa f = {w, d, true, false};
    char progressive[6];
    doc_fatturapa_progressive(d, progressive);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, X("  "));
    if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ||
        xmlTextWriterStartElementNS(w, X("p"), X("FatturaElettronica"), X(NS_FATTURE)) < 0 ||
        xmlTextWriterWriteAttributeNS(w, X("xmlns"), X("ds"), NULL, X(NS_DSIG)) < 0 ||
        xmlTextWriterWriteAttribute(w, X("versione"), X("FPR12")) < 0)
        f.ok = false;
    header(&f, progressive);
    body(&f);
    end(&f);
    if (f.ok && xmlTextWriterEndDocument(w) < 0)
        f.ok = false;
    xmlFreeTextWriter(w);   /* flushes into buf */
    enum bc_status st = f.overflow ? BC_OVERFLOW : f.ok ? BC_OK : BC_NO_MEMORY;
    if (st == BC_OK) {
        size_t len = (size_t)xmlBufferLength(buf);
        out->data = malloc(len + 1);
        if (!out->data) {
            st = BC_NO_MEMORY;
        } else {
            memcpy(out->data, xmlBufferContent(buf), len);
            out->data[len] = '\0';
            out->len = len;
        }
    }
    xmlBufferFree(buf);
    return st;
}
