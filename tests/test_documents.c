/* test_documents.c — fiscal documents (SPEC §9) for every kind of demo
 * account: the model's figures, exactly; the same figures in the text,
 * JSON, FatturaPA XML and PDF renderings; the XML valid against the
 * official FatturaPA 1.2.2 schema (offline: the schema's xmldsig import is
 * the file beside it, and libxml2 is told never to fetch anything); names
 * with XML's special characters and other scripts; the PDF on A4 and
 * Letter, small, and its text (pdftotext) holding the total.
 *
 * Runs with workdir = source root (the shipped catalog gives the seller).
 * FATTURAPA_XSD and BC_TEST_LOCALEDIR come from meson. */
#include <libintl.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "catalog.h"
#include "doc_latin.h"
#include "doc_write.h"
#include "document.h"
#include "money.h"

static struct catalog *catalog;
static xmlSchemaPtr schema;

static bc_day D(const char *s)
{
    bc_day d = 0;
    if (!date_parse(s, &d))
        fail_msg("bad date %s", s);
    return d;
}

static void use_language(const char *lang)
{
    setenv("LANGUAGE", lang, 1);
    extern int _nl_msg_cat_cntr;   /* glibc: LANGUAGE changed, drop cached lookups */
    ++_nl_msg_cat_cntr;
}

static int setup(void **state)
{
    (void)state;
    char err[512];
    catalog = catalog_load("plans", err, sizeof err);
    if (!catalog) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    /* The schema and everything it imports are local files. */
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(FATTURAPA_XSD);
    schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    if (!schema) {
        fprintf(stderr, "cannot load %s\n", FATTURAPA_XSD);
        return -1;
    }
    if (!setlocale(LC_ALL, "C.UTF-8"))
        setlocale(LC_ALL, "C.utf8");
    bindtextdomain("billcenter", BC_TEST_LOCALEDIR);
    bind_textdomain_codeset("billcenter", "UTF-8");
    textdomain("billcenter");
    use_language("en");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xmlSchemaFree(schema);
    catalog_destroy(catalog);
    xmlCleanupParser();
    return 0;
}

/* ---- inputs -------------------------------------------------------------- */

/* A document input with the shipped seller; customer and lines to fill. */
static struct doc_input input(enum doc_kind kind, int64_t sequence, const char *date, const char *currency)
{
    struct doc_input in = {
        .kind = kind,
        .invoice_series = catalog->invoice_series,
        .credit_note_series = catalog->credit_note_series,
        .number_digits = catalog->number_digits,
        .sequence = sequence,
        .date = D(date),
        .progressive = (uint32_t)(kind == DOC_CREDIT_NOTE ? 5000 + sequence : sequence),
        .currency = currency,
        .customer_in_eu = true,
    };
    doc_seller_input(catalog, &in.seller);
    return in;
}

static struct doc_line_input charge(const char *product, const char *plan, int seats,
                                    enum bc_period period, const char *from, const char *to,
                                    int64_t amount, int32_t bp, enum doc_vat vat_kind)
{
    struct doc_line_input l = {DOC_LINE_CHARGE, product, plan, seats, period, D(from), D(to),
                               amount, bp, vat_kind, 0};
    assert_true(money_vat(amount, bp, &l.vat));
    return l;
}

static struct doc_line_input credit(const char *product, const char *plan, int seats,
                                    enum bc_period period, const char *from, const char *to,
                                    int64_t amount, int32_t bp, enum doc_vat vat_kind)
{
    struct doc_line_input l = charge(product, plan, seats, period, from, to, amount, bp, vat_kind);
    l.kind = DOC_LINE_CREDIT;
    return l;
}

static struct doc *build_ok(const struct doc_input *in)
{
    struct doc *d = NULL;
    char why[256];
    enum bc_status st = doc_build(in, &d, why, sizeof why);
    if (st != BC_OK)
        fail_msg("doc_build: %s: %s", bc_status_code(st), why);
    return d;
}

/* ---- checks shared by every document -------------------------------------- */

/* The model is coherent: lines x quantity, per-rate sums, totals. */
static void check_model(const struct doc *d)
{
    int64_t subtotal = 0, vat = 0;
    for (size_t i = 0; i < d->nlines; i++) {
        const struct doc_line *l = &d->lines[i];
        assert_int_equal(l->quantity * l->unit_price, l->amount);
        int64_t v;
        assert_true(money_vat(l->amount, l->rate_bp, &v));
        assert_int_equal(v, l->vat);
        subtotal += l->amount;
        vat += l->vat;
    }
    assert_int_equal(d->subtotal, subtotal);
    assert_int_equal(d->vat_total, vat);
    assert_int_equal(d->total, subtotal + vat);
    int64_t taxable_sum = 0, vat_sum = 0;
    for (size_t k = 0; k < d->nvat_sums; k++) {
        const struct doc_vat_sum *s = &d->vat_sums[k];
        int64_t taxable = 0, v = 0;
        size_t n = 0;
        for (size_t i = 0; i < d->nlines; i++)
            if (d->lines[i].rate_bp == s->rate_bp && d->lines[i].vat_kind == s->vat_kind) {
                taxable += d->lines[i].amount;
                v += d->lines[i].vat;
                n++;
            }
        assert_true(n > 0);
        assert_int_equal(s->taxable, taxable);
        assert_int_equal(s->vat, v);
        taxable_sum += s->taxable;
        vat_sum += s->vat;
    }
    assert_int_equal(taxable_sum, d->subtotal);
    assert_int_equal(vat_sum, d->vat_total);
    if (d->kind == DOC_INVOICE)
        assert_int_equal(d->payment.balance_applied + d->payment.card_charged + d->payment.due, d->total);
    else
        assert_int_equal(d->payment.balance_credited, d->total);
}

/* An XML amount ("61.00", "-6.00", "9200.00") in the document's minor units. */
static int64_t xml_minor(const struct doc *d, const char *s)
{
    int64_t cents;
    bool neg = s[0] == '-';
    if (!money_parse(neg ? s + 1 : s, 2, &cents, NULL))
        fail_msg("XML amount '%s'", s);
    const char *dot = strchr(s, '.');
    assert_non_null(dot);
    assert_int_equal(strlen(dot + 1), 2);
    if (d->exponent == 0) {
        assert_int_equal(cents % 100, 0);
        cents /= 100;
    }
    return neg ? -cents : cents;
}

struct xml {
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
};

static char *xml_text(struct xml *x, const char *path)
{
    char expr[512];
    snprintf(expr, sizeof expr, "string(%s)", path);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x->xp);
    assert_non_null(o);
    char *s = strdup((const char *)o->stringval);
    xmlXPathFreeObject(o);
    return s;
}

static void assert_xml_text(struct xml *x, const char *path, const char *expected)
{
    char *s = xml_text(x, path);
    if (strcmp(s, expected) != 0) {
        char got[512];
        snprintf(got, sizeof got, "%s", s);
        free(s);
        fail_msg("%s: got '%s', expected '%s'", path, got, expected);
    }
    free(s);
}

/* Sum and count of the amounts at `path`. */
static int64_t xml_sum(struct xml *x, const struct doc *d, const char *path, int *count)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)path, x->xp);
    assert_non_null(o);
    int64_t sum = 0;
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    for (int i = 0; i < n; i++) {
        xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
        sum += xml_minor(d, (const char *)t);
        xmlFree(t);
    }
    xmlXPathFreeObject(o);
    if (count)
        *count = n;
    return sum;
}

static int xml_count(struct xml *x, const char *path)
{
    char expr[512];
    snprintf(expr, sizeof expr, "count(%s)", path);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x->xp);
    assert_non_null(o);
    int n = (int)o->floatval;
    xmlXPathFreeObject(o);
    return n;
}

#define BODY "/p:FatturaElettronica/FatturaElettronicaBody"
#define HEADER "/p:FatturaElettronica/FatturaElettronicaHeader"

/* Renders the FatturaPA XML, validates it against the schema and reads
 * its figures back. The caller frees with xml_done. */
static struct xml check_xml(const struct doc *d)
{
    struct doc_bytes b;
    assert_int_equal(doc_write_fatturapa(d, &b), BC_OK);
    assert_int_equal(strlen(b.data), b.len);
    struct xml x;
    x.doc = xmlReadMemory(b.data, (int)b.len, "fattura.xml", "UTF-8", XML_PARSE_NONET);
    if (!x.doc)
        fail_msg("XML does not parse:\n%s", b.data);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(vc, x.doc);
    xmlSchemaFreeValidCtxt(vc);
    if (rc != 0)
        fail_msg("XML does not validate against FatturaPA 1.2.2:\n%s", b.data);
    doc_bytes_free(&b);

    x.xp = xmlXPathNewContext(x.doc);
    xmlXPathRegisterNs(x.xp, (const xmlChar *)"p",
                       (const xmlChar *)"http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2");

    assert_xml_text(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/TipoDocumento", doc_kind_code(d->kind));
    assert_xml_text(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/Numero", d->number);
    assert_xml_text(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/Divisa", d->currency);
    char *total = xml_text(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/ImportoTotaleDocumento");
    assert_int_equal(xml_minor(d, total), d->total);
    free(total);
    int n;
    assert_int_equal(xml_sum(&x, d, BODY "/DatiBeniServizi/DettaglioLinee/PrezzoTotale", &n), d->subtotal);
    assert_int_equal(n, (int)d->nlines);
    assert_int_equal(xml_sum(&x, d, BODY "/DatiBeniServizi/DatiRiepilogo/ImponibileImporto", &n), d->subtotal);
    assert_int_equal(n, (int)d->nvat_sums);
    /* Each summary row: its lines' taxable amount; Italian VAT as Imposta,
     * another country's (OSS) beside the lines, never as Italian VAT. */
    int64_t italian_vat = 0, oss_vat = 0;
    for (size_t k = 0; k < d->nvat_sums; k++) {
        char path[256];
        const struct doc_vat_sum *s = &d->vat_sums[k];
        snprintf(path, sizeof path, BODY "/DatiBeniServizi/DatiRiepilogo[%zu]/ImponibileImporto", k + 1);
        assert_int_equal(xml_sum(&x, d, path, NULL), s->taxable);
        snprintf(path, sizeof path, BODY "/DatiBeniServizi/DatiRiepilogo[%zu]/Imposta", k + 1);
        assert_int_equal(xml_sum(&x, d, path, NULL), s->vat_kind == DOC_VAT_DOMESTIC ? s->vat : 0);
        snprintf(path, sizeof path, BODY "/DatiBeniServizi/DatiRiepilogo[%zu]/Natura", k + 1);
        const char *nature = doc_vat_nature(s->vat_kind);
        assert_xml_text(&x, path, nature ? nature : "");
        if (s->vat_kind == DOC_VAT_DOMESTIC)
            italian_vat += s->vat;
        if (s->vat_kind == DOC_VAT_OSS)
            oss_vat += s->vat;
    }
    assert_int_equal(xml_sum(&x, d, BODY "/DatiBeniServizi/DatiRiepilogo/Imposta", NULL), italian_vat);
    assert_int_equal(xml_sum(&x, d, BODY "//AltriDatiGestionali/RiferimentoNumero", NULL), oss_vat);
    assert_int_equal(xml_sum(&x, d, BODY "/DatiPagamento/DettaglioPagamento/ImportoPagamento", NULL),
                     d->payment.card_charged + d->payment.balance_applied);
    assert_xml_text(&x, HEADER "/DatiTrasmissione/CodiceDestinatario", d->customer.codice_destinatario);
    assert_xml_text(&x, HEADER "/CedentePrestatore/DatiAnagrafici/IdFiscaleIVA/IdCodice", "12345670157");
    assert_xml_text(&x, HEADER "/CedentePrestatore/DatiAnagrafici/RegimeFiscale", "RF01");
    assert_xml_text(&x, HEADER "/CedentePrestatore/Sede/Comune", "Milano");
    char prog[6];
    doc_fatturapa_progressive(d, prog);
    assert_xml_text(&x, HEADER "/DatiTrasmissione/ProgressivoInvio", prog);
    return x;
}

static void xml_done(struct xml *x)
{
    xmlXPathFreeContext(x->xp);
    xmlFreeDoc(x->doc);
}

static char *render_text(const struct doc *d, enum doc_lang lang)
{
    struct doc_style style = {lang, false, DOC_PAPER_A4};
    struct doc_bytes b;
    use_language(lang == DOC_LANG_IT ? "it" : "en");
    assert_int_equal(doc_write_text(d, &style, &b), BC_OK);
    use_language("en");
    assert_int_equal(strlen(b.data), b.len);
    return b.data;
}

static void assert_has(const char *text, const char *what)
{
    if (!strstr(text, what))
        fail_msg("'%s' not in:\n%s", what, text);
}

static void money_text(const struct doc *d, enum doc_lang lang, int64_t v, char *buf, size_t size)
{
    money_format(buf, size, v, d->currency, lang == DOC_LANG_IT ? MONEY_STYLE_IT : MONEY_STYLE_EN, false);
}

/* Runs a command and returns what it printed (caller frees). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 65536, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 == cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    assert_int_equal(pclose(p), 0);
    return out;
}

/* The PDF on both papers: small, the paper asked for, its total printed. */
static void check_pdf(const struct doc *d, enum doc_lang lang)
{
    for (int paper = DOC_PAPER_A4; paper <= DOC_PAPER_LETTER; paper++) {
        struct doc_style style = {lang, false, (enum doc_paper)paper};
        struct doc_bytes b;
        use_language(lang == DOC_LANG_IT ? "it" : "en");
        assert_int_equal(doc_write_pdf(d, &style, &b), BC_OK);
        use_language("en");
        assert_true(b.len > 1000);
        if (b.len > 60 * 1024)
            fail_msg("PDF of %s is %zu bytes", d->number, b.len);
        assert_memory_equal(b.data, "%PDF-", 5);
        char path[] = "/tmp/bc-doc-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
        close(fd);
        doc_bytes_free(&b);
        char cmd[256], total[64];
        snprintf(cmd, sizeof cmd, "pdfinfo %s", path);
        char *info = run(cmd);
        assert_has(info, paper == DOC_PAPER_A4 ? "595.276 x 841.89 pts (A4)" : "612 x 792 pts (letter)");
        free(info);
        snprintf(cmd, sizeof cmd, "pdftotext -layout %s -", path);
        char *txt = run(cmd);
        money_text(d, lang, d->total, total, sizeof total);
        assert_has(txt, total);
        assert_has(txt, d->number);
        free(txt);
        unlink(path);
    }
}

static json_t *render_json(const struct doc *d)
{
    struct doc_bytes b;
    assert_int_equal(doc_write_json(d, &b), BC_OK);
    json_error_t err;
    json_t *j = json_loads(b.data, 0, &err);
    if (!j)
        fail_msg("JSON: %s", err.text);
    doc_bytes_free(&b);
    assert_int_equal(json_integer_value(json_object_get(j, "total_minor")), d->total);
    assert_int_equal(json_integer_value(json_object_get(j, "subtotal_minor")), d->subtotal);
    assert_int_equal(json_integer_value(json_object_get(j, "vat_minor")), d->vat_total);
    assert_int_equal(json_integer_value(json_object_get(j, "order_total_minor")), d->sign * d->total);
    assert_string_equal(json_string_value(json_object_get(j, "number")), d->number);
    json_t *lines = json_object_get(j, "lines"), *sums = json_object_get(j, "vat_summary");
    assert_int_equal(json_array_size(lines), d->nlines);
    assert_int_equal(json_array_size(sums), d->nvat_sums);
    for (size_t i = 0; i < d->nlines; i++) {
        json_t *l = json_array_get(lines, i);
        assert_int_equal(json_integer_value(json_object_get(l, "amount_minor")), d->lines[i].amount);
        assert_int_equal(json_integer_value(json_object_get(l, "vat_minor")), d->lines[i].vat);
    }
    for (size_t i = 0; i < d->nvat_sums; i++) {
        json_t *s = json_array_get(sums, i);
        assert_int_equal(json_integer_value(json_object_get(s, "taxable_minor")), d->vat_sums[i].taxable);
        assert_int_equal(json_integer_value(json_object_get(s, "vat_minor")), d->vat_sums[i].vat);
    }
    return j;
}

/* Every rendering of one document, with the checks each must pass. */
static void check_all(const struct doc *d)
{
    check_model(d);
    struct xml x = check_xml(d);
    xml_done(&x);
    json_decref(render_json(d));
    for (int lang = DOC_LANG_EN; lang <= DOC_LANG_IT; lang++) {
        char total[64];
        char *t = render_text(d, (enum doc_lang)lang);
        money_text(d, (enum doc_lang)lang, d->total, total, sizeof total);
        assert_has(t, total);
        assert_has(t, d->number);
        assert_has(t, d->seller.name);
        assert_has(t, d->customer.name);
        free(t);
        check_pdf(d, (enum doc_lang)lang);
    }
}

/* ---- the account kinds -------------------------------------------------- */

static const struct doc_party_input rossi = {
    .name = "Rossi Consulting S.r.l.", .country = "IT", .vat_number = "IT00743110157",
    .street = "Via Torino", .number = "12", .postcode = "20123", .city = "Milano", .province = "MI",
    .codice_destinatario = "KRRH6B9",
};

/* SPEC §3's worked example, Rossi Consulting (IT, VAT number, balance
 * 20.00): credit 30.00 and VAT 6.60, charge 80.00 and VAT 17.60; T = 61.00,
 * 20.00 from the balance, 41.00 by card. */
static void italian_business_plan_change(void **state)
{
    (void)state;
    struct doc_input in = input(DOC_INVOICE, 1, "2026-11-25", "EUR");
    in.customer = rossi;
    struct doc_line_input lines[] = {
        credit("GoToMeeting", "Professional", 5, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-10", -3000,
               2200, DOC_VAT_DOMESTIC),
        charge("GoToMeeting", "Business", 5, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", 8000,
               2200, DOC_VAT_DOMESTIC),
    };
    in.lines = lines;
    in.nlines = 2;
    in.balance_applied = 2000;
    in.card_charged = 4100;
    in.card = "visa •••• 4242";
    struct doc *d = build_ok(&in);
    assert_string_equal(d->number, "2026/000001");
    assert_int_equal(d->kind, DOC_INVOICE);
    assert_int_equal(lines[0].vat, -660);
    assert_int_equal(lines[1].vat, 1760);
    assert_int_equal(d->lines[0].quantity, 5);
    assert_int_equal(d->lines[0].unit_price, -600);
    assert_int_equal(d->lines[0].first_day, D("2026-11-25"));
    assert_int_equal(d->lines[0].last_day, D("2026-12-09"));
    assert_int_equal(d->lines[1].unit_price, 1600);
    assert_int_equal(d->nvat_sums, 1);
    assert_int_equal(d->vat_sums[0].rate_bp, 2200);
    assert_int_equal(d->vat_sums[0].taxable, 5000);
    assert_int_equal(d->vat_sums[0].vat, 1100);
    assert_int_equal(d->subtotal, 5000);
    assert_int_equal(d->vat_total, 1100);
    assert_int_equal(d->total, 6100);
    assert_int_equal(d->payment.due, 0);
    assert_string_equal(d->customer.vat_number, "00743110157");
    assert_string_equal(d->customer.codice_destinatario, "KRRH6B9");
    check_all(d);

    char file[64];
    assert_true(doc_fatturapa_filename(d, file, sizeof file));
    assert_string_equal(file, "IT12345670157_00001.xml");

    struct xml x = check_xml(d);
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese", "IT");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice", "00743110157");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/Provincia", "MI");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee[1]/Quantita", "5.00");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee[1]/PrezzoUnitario", "-6.00");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee[1]/DataFinePeriodo", "2026-12-09");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee[1]/Descrizione",
                    "Storno per il periodo non goduto: GoToMeeting Professional, 5 postazioni, mensile");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DatiRiepilogo/AliquotaIVA", "22.00");
    assert_xml_text(&x, BODY "/DatiPagamento/DettaglioPagamento[1]/ModalitaPagamento", "MP08");
    assert_xml_text(&x, BODY "/DatiPagamento/DettaglioPagamento[1]/ImportoPagamento", "41.00");
    assert_xml_text(&x, BODY "/DatiPagamento/DettaglioPagamento[2]/ModalitaPagamento", "MP22");
    assert_xml_text(&x, BODY "/DatiPagamento/DettaglioPagamento[2]/ImportoPagamento", "20.00");
    xml_done(&x);

    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, "Invoice 2026/000001");
    assert_has(en, "Credit for unused time: GoToMeeting Professional, 5 seats, monthly");
    assert_has(en, "2026-11-25 – 2026-12-09");
    assert_has(en, "5 × -€6.00");
    assert_has(en, "Paid with the credit balance: €20.00");
    assert_has(en, "Paid by card (visa •••• 4242): €41.00");
    assert_has(en, "VAT number: IT12345670157");
    free(en);
    char *it = render_text(d, DOC_LANG_IT);
    assert_has(it, "Fattura 2026/000001");
    assert_has(it, "Totale documento");
    assert_has(it, "61,00 €");
    assert_has(it, "25/11/2026 – 09/12/2026");
    assert_has(it, "Partita IVA: IT12345670157");
    assert_has(it, "5 postazioni, mensile");
    free(it);
    doc_destroy(d);
}

/* An Italian consumer: codice fiscale, no partita IVA, reached by PEC. */
static void italian_consumer(void **state)
{
    (void)state;
    struct doc_input in = input(DOC_INVOICE, 2, "2026-11-25", "EUR");
    in.customer = (struct doc_party_input){
        .name = "Mario Rossi", .first_name = "Mario", .last_name = "Rossi", .country = "IT",
        .tax_code = "rss mra 85t10 a562s", .street = "Via del Corso", .number = "101",
        .postcode = "00186", .city = "Roma", .province = "RM", .pec = "mario.rossi@pec.it",
    };
    struct doc_line_input lines[] = {
        charge("GoToMeeting", "Professional", 1, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", 1200,
               2200, DOC_VAT_DOMESTIC),
    };
    in.lines = lines;
    in.nlines = 1;
    in.card_charged = 1464;
    struct doc *d = build_ok(&in);
    assert_int_equal(d->total, 1464);
    assert_int_equal(d->vat_total, 264);
    assert_string_equal(d->customer.tax_code, "RSSMRA85T10A562S");
    assert_null(d->customer.vat_number);
    assert_string_equal(d->customer.codice_destinatario, "0000000");
    check_all(d);
    struct xml x = check_xml(d);
    assert_int_equal(xml_count(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA"), 0);
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/CodiceFiscale", "RSSMRA85T10A562S");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/Anagrafica/Nome", "Mario");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/Anagrafica/Cognome", "Rossi");
    assert_xml_text(&x, HEADER "/DatiTrasmissione/PECDestinatario", "mario.rossi@pec.it");
    xml_done(&x);
    doc_destroy(d);
}

/* A German consumer (Müller Technik, no VAT number) pays German VAT, which
 * the seller declares through the OSS: 160.00 + 19 % = 190.40. In the XML
 * the VAT is not Italian: 0.00 with Natura N7, the 30.40 beside the line. */
static void german_consumer_oss(void **state)
{
    (void)state;
    struct doc_input in = input(DOC_INVOICE, 3, "2026-11-25", "EUR");
    in.customer = (struct doc_party_input){
        .name = "Müller Technik GmbH", .country = "DE", .street = "Königsallee", .number = "27",
        .postcode = "40212", .city = "Düsseldorf",
    };
    struct vat_decision dec = {1900, false, true};
    enum doc_vat vk = doc_vat_from_decision(&dec, "IT", "DE");
    assert_int_equal(vk, DOC_VAT_OSS);
    struct doc_line_input lines[] = {
        charge("GoToMeeting", "Business", 10, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", 16000,
               1900, vk),
    };
    in.lines = lines;
    in.nlines = 1;
    in.card_charged = 19040;
    struct doc *d = build_ok(&in);
    assert_int_equal(d->vat_total, 3040);
    assert_int_equal(d->total, 19040);
    assert_string_equal(d->customer.codice_destinatario, "XXXXXXX");
    check_all(d);
    struct xml x = check_xml(d);
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee/AliquotaIVA", "0.00");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee/Natura", "N7");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee/AltriDatiGestionali/RiferimentoTesto", "IVA DE 19.00%");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee/AltriDatiGestionali/RiferimentoNumero", "30.40");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese", "DE");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice", "99999999999");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/Anagrafica/Denominazione",
                    "Müller Technik GmbH");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/CAP", "40212");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/Comune", "Düsseldorf");
    assert_int_equal(xml_count(&x, HEADER "/CessionarioCommittente/Sede/Provincia"), 0);
    xml_done(&x);
    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, "19%");
    assert_has(en, "VAT of the customer's EU country, declared through the One-Stop Shop");
    free(en);
    doc_destroy(d);
}

/* EU businesses with valid VAT numbers: reverse charge, VAT 0, the wording. */
static void reverse_charge(const struct doc_party_input *customer, const char *country,
                           const char *vat_code, int64_t sequence, const char *product,
                           const char *plan, int seats, int64_t amount)
{
    struct doc_input in = input(DOC_INVOICE, sequence, "2026-11-25", "EUR");
    in.customer = *customer;
    struct vat_decision dec = {0, true, true};
    enum doc_vat vk = doc_vat_from_decision(&dec, "IT", country);
    assert_int_equal(vk, DOC_VAT_REVERSE_CHARGE);
    struct doc_line_input lines[] = {
        charge(product, plan, seats, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", amount, 0, vk),
    };
    in.lines = lines;
    in.nlines = 1;
    in.card_charged = amount;
    struct doc *d = build_ok(&in);
    assert_int_equal(d->vat_total, 0);
    assert_int_equal(d->total, amount);
    assert_int_equal(d->vat_sums[0].vat_kind, DOC_VAT_REVERSE_CHARGE);
    check_all(d);
    struct xml x = check_xml(d);
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese", country);
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice", vat_code);
    assert_xml_text(&x, BODY "/DatiBeniServizi/DatiRiepilogo/Natura", "N2.1");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DatiRiepilogo/RiferimentoNormativo",
                    "Inversione contabile - art. 7-ter DPR 633/72, art. 196 Direttiva 2006/112/CE");
    assert_xml_text(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/Causale",
                    "Inversione contabile - art. 7-ter DPR 633/72, art. 196 Direttiva 2006/112/CE");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/Anagrafica/Denominazione",
                    customer->name);
    xml_done(&x);
    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, "Reverse charge — Art. 196 Directive 2006/112/EC");
    free(en);
    char *it = render_text(d, DOC_LANG_IT);
    assert_has(it, "Inversione contabile");
    free(it);
    doc_destroy(d);
}

static void french_business_reverse_charge(void **state)
{
    (void)state;
    static const struct doc_party_input dupont = {
        .name = "Dupont & Fils SARL", .country = "FR", .vat_number = "FR44732829320",
        .street = "12 rue de la Paix", .postcode = "75002", .city = "Paris",
    };
    reverse_charge(&dupont, "FR", "44732829320", 4, "GoToWebinar", "Pro", 2, 9800);
}

static void german_business_reverse_charge(void **state)
{
    (void)state;
    static const struct doc_party_input schmidt = {
        .name = "Schmidt Consulting", .country = "DE", .vat_number = "DE 136 464 502",
        .street = "Leopoldstraße", .number = "8", .postcode = "80802", .city = "München",
    };
    reverse_charge(&schmidt, "DE", "136464502", 5, "GoToMeeting", "Professional", 3, 3600);
}

/* Outside the EU: no VAT, "not subject to VAT (Art. 7-ter DPR 633/72)". */
static struct doc *outside_eu(const struct doc_party_input *customer, const char *currency,
                              int64_t sequence, const struct doc_line_input *lines, size_t n,
                              int64_t total)
{
    struct doc_input in = input(DOC_INVOICE, sequence, "2026-11-25", currency);
    in.customer = *customer;
    in.customer_in_eu = false;
    in.lines = lines;
    in.nlines = n;
    in.card_charged = total;
    struct doc *d = build_ok(&in);
    assert_int_equal(d->vat_total, 0);
    assert_int_equal(d->total, total);
    check_all(d);
    struct xml x = check_xml(d);
    assert_xml_text(&x, BODY "/DatiBeniServizi/DatiRiepilogo/Natura", "N2.1");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DatiRiepilogo/RiferimentoNormativo",
                    "Operazione non soggetta a IVA ai sensi dell'art. 7-ter DPR 633/72");
    assert_xml_text(&x, HEADER "/DatiTrasmissione/CodiceDestinatario", "XXXXXXX");
    xml_done(&x);
    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, "Not subject to VAT (Art. 7-ter DPR 633/72)");
    free(en);
    return d;
}

static const struct vat_decision no_vat = {0, false, false};

/* A cart of two products for Acme Widgets (US, USD). */
static void us_cart_of_two_products(void **state)
{
    (void)state;
    static const struct doc_party_input acme = {
        .name = "Acme Widgets Inc.", .country = "US", .street = "1 Road Runner Way",
        .postcode = "85001-1234", .city = "Phoenix",
    };
    enum doc_vat vk = doc_vat_from_decision(&no_vat, "IT", "US");
    assert_int_equal(vk, DOC_VAT_OUT_OF_SCOPE);
    struct doc_line_input lines[] = {
        charge("GoToMeeting", "Professional", 3, BC_PERIOD_ANNUAL, "2026-11-25", "2027-11-25", 36000, 0, vk),
        charge("GoToTraining", "Starter", 1, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", 10900, 0, vk),
    };
    struct doc *d = outside_eu(&acme, "USD", 6, lines, 2, 46900);
    assert_int_equal(d->nlines, 2);
    assert_int_equal(d->nvat_sums, 1);
    assert_int_equal(d->vat_sums[0].taxable, 46900);
    assert_int_equal(d->lines[0].last_day, D("2027-11-24"));
    struct xml x = check_xml(d);
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/CAP", "00000");   /* not 5 digits */
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/Nazione", "US");
    assert_xml_text(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/Divisa", "USD");
    xml_done(&x);
    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, "$469.00");
    assert_has(en, "GoToTraining Starter, 1 seat, monthly");
    free(en);
    doc_destroy(d);
}

static void gb_business(void **state)
{
    (void)state;
    static const struct doc_party_input brighton = {
        .name = "Brighton Books Ltd", .country = "GB", .street = "14 North Laine",
        .postcode = "BN1 4GH", .city = "Brighton",
    };
    struct doc_line_input lines[] = {
        charge("GoToWebinar", "Lite", 1, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", 3900, 0,
               DOC_VAT_OUT_OF_SCOPE),
    };
    struct doc *d = outside_eu(&brighton, "GBP", 7, lines, 1, 3900);
    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, "£39.00");
    free(en);
    doc_destroy(d);
}

/* Yen have no minor unit: 4 x 2,300 = 9,200; FatturaPA writes 9200.00. */
static void japan_in_yen(void **state)
{
    (void)state;
    static const struct doc_party_input tanaka = {
        .name = "Tanaka Shoji K.K.", .country = "JP", .street = "1-1 Marunouchi", .number = "2",
        .postcode = "100-0005", .city = "Tokyo",
    };
    struct doc_line_input lines[] = {
        charge("GoToMeeting", "Business", 4, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", 9200, 0,
               DOC_VAT_OUT_OF_SCOPE),
    };
    struct doc *d = outside_eu(&tanaka, "JPY", 8, lines, 1, 9200);
    assert_int_equal(d->exponent, 0);
    assert_int_equal(d->lines[0].unit_price, 2300);
    struct xml x = check_xml(d);
    assert_xml_text(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/ImportoTotaleDocumento", "9200.00");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee/PrezzoUnitario", "2300.00");
    assert_xml_text(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/Divisa", "JPY");
    xml_done(&x);
    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, "¥9,200");
    assert_has(en, "4 × ¥2,300");
    free(en);
    char *it = render_text(d, DOC_LANG_IT);
    assert_has(it, "9.200 ¥");
    free(it);
    doc_destroy(d);
}

/* Bianchi Studio (IT) keeps 2 of 20 seats (seats: keep): credit 160.00 and
 * VAT 35.20, the 2 seats' share of the time left 16.00 and VAT 3.52, T =
 * -175.68: a credit note of 175.68 to the balance, crediting the invoice of
 * the period. */
static void seat_reduction_credit_note(void **state)
{
    (void)state;
    struct doc_input in = input(DOC_CREDIT_NOTE, 1, "2026-11-25", "EUR");
    in.customer = (struct doc_party_input){
        .name = "Bianchi Studio", .first_name = "Paolo", .last_name = "Bianchi", .country = "IT",
        .tax_code = "BNCPLA80A01F205C", .street = "Corso Buenos Aires", .number = "3",
        .postcode = "20124", .city = "Milano", .province = "MI",
    };
    struct doc_line_input lines[] = {
        credit("GoToMeeting", "Business", 20, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-10", -16000,
               2200, DOC_VAT_DOMESTIC),
        charge("GoToMeeting", "Business", 2, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-10", 1600,
               2200, DOC_VAT_DOMESTIC),
    };
    in.lines = lines;
    in.nlines = 2;
    struct doc_ref refs[] = {{"2026/000007", D("2026-11-10")}};
    in.credits = refs;
    in.ncredits = 1;
    struct doc *d = build_ok(&in);
    assert_int_equal(d->kind, DOC_CREDIT_NOTE);
    assert_string_equal(d->number, "NC 2026/000001");
    assert_int_equal(d->sign, -1);
    assert_int_equal(d->lines[0].amount, 16000);    /* what it credits, as the document states it */
    assert_int_equal(d->lines[0].vat, 3520);
    assert_int_equal(d->lines[0].unit_price, 800);
    assert_int_equal(d->lines[1].amount, -1600);
    assert_int_equal(d->lines[1].vat, -352);
    assert_int_equal(d->vat_sums[0].taxable, 14400);
    assert_int_equal(d->vat_sums[0].vat, 3168);
    assert_int_equal(d->total, 17568);
    assert_int_equal(d->sign * d->total, -17568);   /* the order's T */
    assert_int_equal(d->payment.balance_credited, 17568);
    check_all(d);
    struct xml x = check_xml(d);
    assert_xml_text(&x, BODY "/DatiGenerali/DatiFattureCollegate/IdDocumento", "2026/000007");
    assert_xml_text(&x, BODY "/DatiGenerali/DatiFattureCollegate/Data", "2026-11-10");
    assert_int_equal(xml_count(&x, BODY "/DatiPagamento"), 0);
    xml_done(&x);
    char file[64];
    assert_true(doc_fatturapa_filename(d, file, sizeof file));
    assert_string_equal(file, "IT12345670157_003UX.xml");   /* 5001 in base 36 */
    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, "Credit note NC 2026/000001");
    assert_has(en, "Credits invoice 2026/000007 of 2026-11-10");
    assert_has(en, "Credited to the account's balance: €175.68");
    free(en);
    char *it = render_text(d, DOC_LANG_IT);
    assert_has(it, "Nota di credito NC 2026/000001");
    assert_has(it, "Totale documento");
    assert_has(it, "175,68 €");
    free(it);
    doc_destroy(d);
}

/* A renewal: the next period at today's price, anchor 31 clamped to
 * February (31 Jan -> 28 Feb, so the line covers 31 Jan to 27 Feb). */
static void renewal(void **state)
{
    (void)state;
    struct doc_input in = input(DOC_INVOICE, 9, "2027-01-31", "EUR");
    in.customer = rossi;
    struct doc_line_input lines[] = {
        charge("GoToMeeting", "Professional", 5, BC_PERIOD_MONTHLY, "2027-01-31", "2027-02-28", 6000,
               2200, DOC_VAT_DOMESTIC),
    };
    in.lines = lines;
    in.nlines = 1;
    in.balance_applied = 7320;   /* the balance pays it all */
    struct doc *d = build_ok(&in);
    assert_string_equal(d->number, "2027/000009");
    assert_int_equal(d->total, 7320);
    assert_int_equal(d->lines[0].last_day, D("2027-02-27"));
    check_all(d);
    struct xml x = check_xml(d);
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee/DataInizioPeriodo", "2027-01-31");
    assert_xml_text(&x, BODY "/DatiBeniServizi/DettaglioLinee/DataFinePeriodo", "2027-02-27");
    assert_int_equal(xml_count(&x, BODY "/DatiPagamento/DettaglioPagamento"), 1);
    assert_xml_text(&x, BODY "/DatiPagamento/DettaglioPagamento/ModalitaPagamento", "MP22");
    xml_done(&x);
    doc_destroy(d);
}

/* A prorated amount the seats do not divide: one unit of the whole. */
static void prorated_amount_is_one_unit(void **state)
{
    (void)state;
    struct doc_input in = input(DOC_INVOICE, 10, "2026-11-25", "EUR");
    in.customer = rossi;
    struct doc_line_input lines[] = {
        charge("GoToMeeting", "Business", 3, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-10", 1000, 2200,
               DOC_VAT_DOMESTIC),
    };
    in.lines = lines;
    in.nlines = 1;
    in.card_charged = 1220;
    struct doc *d = build_ok(&in);
    assert_int_equal(d->lines[0].quantity, 1);
    assert_int_equal(d->lines[0].unit_price, 1000);
    assert_int_equal(d->lines[0].seats, 3);
    check_all(d);
    doc_destroy(d);
}

/* Names with XML's special characters, accents and other scripts: the XML
 * stays valid. What FatturaPA's Latin fields cannot hold is transliterated
 * (Ł -> L, ź -> z, Москва -> Moskva, Αθήνα -> Athina) or, for CJK, which
 * has no Latin form here, replaced by '?'; Latin-1 letters (ó, ö, Ü) stay.
 * Text and PDF keep the name as it is. */
static void names_in_any_script(void **state)
{
    (void)state;
    const char *name = "Łódź & <Söhne> \"Ünïcødé\" 'Ltd' 東京 Москва Αθήνα";
    struct doc_input in = input(DOC_INVOICE, 11, "2026-11-25", "EUR");
    in.customer = (struct doc_party_input){
        .name = name, .country = "PL", .street = "ul. Piotrkowska <12> & \"B\"", .postcode = "90-001",
        .city = "Łódź", .number = "7/ä",
    };
    struct doc_line_input lines[] = {
        charge("GoToMeeting", "Professional", 1, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", 1200,
               2300, DOC_VAT_OSS),
    };
    in.lines = lines;
    in.nlines = 1;
    in.card_charged = 1476;
    struct doc *d = build_ok(&in);
    check_all(d);
    struct xml x = check_xml(d);
    assert_xml_text(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/Anagrafica/Denominazione",
                    "Lódz & <Söhne> \"Ünïcødé\" 'Ltd' ?? Moskva Athina");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/Indirizzo", "ul. Piotrkowska <12> & \"B\"");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/Comune", "Lódz");
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/NumeroCivico", "7/a");   /* basic Latin only */
    assert_xml_text(&x, HEADER "/CessionarioCommittente/Sede/CAP", "00000");
    xml_done(&x);
    /* The bytes themselves escape what XML must. */
    struct doc_bytes b;
    assert_int_equal(doc_write_fatturapa(d, &b), BC_OK);
    assert_has(b.data, "Lódz &amp; &lt;Söhne&gt;");
    doc_bytes_free(&b);
    char *en = render_text(d, DOC_LANG_EN);
    assert_has(en, name);
    free(en);
    struct doc_style style = {DOC_LANG_EN, false, DOC_PAPER_A4};
    assert_int_equal(doc_write_pdf(d, &style, &b), BC_OK);
    char path[] = "/tmp/bc-doc-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
    close(fd);
    doc_bytes_free(&b);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "pdftotext %s -", path);
    char *txt = run(cmd);
    assert_has(txt, "Łódź & <Söhne> \"Ünïcødé\" 'Ltd'");   /* DejaVu has Latin, Cyrillic, Greek */
    assert_has(txt, "Москва Αθήνα");
    assert_has(txt, "€14.76");
    free(txt);
    unlink(path);
    doc_destroy(d);
}

static void latin_conversion(void **state)
{
    (void)state;
    char out[256];
    assert_true(doc_latin("Müller  Technik\tGmbH ", DOC_LATIN1, 80, out, sizeof out));
    assert_string_equal(out, "Müller Technik GmbH");
    assert_false(doc_latin("Müller", DOC_BASIC, 80, out, sizeof out));
    assert_string_equal(out, "Muller");
    assert_false(doc_latin("Straße Œuvre ŁÓDŹ", DOC_BASIC, 80, out, sizeof out));
    assert_string_equal(out, "Strasse OEuvre LODZ");
    assert_false(doc_latin("Щука Ёлка Київ", DOC_LATIN1, 80, out, sizeof out));
    assert_string_equal(out, "Shchuka Yolka Kiyiv");
    assert_false(doc_latin("„Zitat“ – 5 € …", DOC_LATIN1, 80, out, sizeof out));
    assert_string_equal(out, "\"Zitat\" - 5 EUR ...");
    assert_false(doc_latin("e\xcc\x81t\xc3\xa9", DOC_LATIN1, 80, out, sizeof out));   /* decomposed é */
    assert_string_equal(out, "eté");
    assert_false(doc_latin("bad \xff\xfe utf-8 \xe2\x82", DOC_LATIN1, 80, out, sizeof out));
    assert_string_equal(out, "bad ?? utf-8 ?");
    assert_false(doc_latin("東京", DOC_LATIN1, 80, out, sizeof out));
    assert_string_equal(out, "??");
    assert_false(doc_latin("", DOC_LATIN1, 80, out, sizeof out));
    assert_string_equal(out, "?");
    assert_false(doc_latin("\x01\x02", DOC_LATIN1, 80, out, sizeof out));
    assert_string_equal(out, "?");
    /* Cut at the field's length in characters, not bytes. */
    assert_false(doc_latin("àèìòù àèìòù", DOC_LATIN1, 8, out, sizeof out));
    assert_string_equal(out, "àèìòù àè");
}

/* What a fiscal document cannot say is refused, with the reason. */
static void refusals(void **state)
{
    (void)state;
    struct doc_line_input credit_line[] = {
        credit("GoToMeeting", "Business", 5, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-10", -3000, 2200,
               DOC_VAT_DOMESTIC),
    };
    struct doc_line_input charge_line[] = {
        charge("GoToMeeting", "Business", 5, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25", 8000, 2200,
               DOC_VAT_DOMESTIC),
    };
    struct doc *d = (struct doc *)1;
    char why[256];

    struct doc_input in = input(DOC_INVOICE, 1, "2026-11-25", "EUR");
    in.customer = rossi;
    in.lines = credit_line;
    in.nlines = 1;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_null(d);
    assert_string_equal(why, "an order whose total is negative gets a credit note");

    in.kind = DOC_CREDIT_NOTE;
    in.lines = charge_line;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "a credit note is for an order whose total is negative");

    in.lines = credit_line;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "a credit note names the invoices it credits");

    in = input(DOC_INVOICE, 1, "2026-11-25", "EUR");
    in.customer = rossi;
    in.nlines = 0;
    in.lines = charge_line;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "a document has at least one line");

    struct doc_line_input bad_vat[] = {charge_line[0]};
    bad_vat[0].vat = 1761;
    in.lines = bad_vat;
    in.nlines = 1;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "line 1: VAT 1761 is not round(8000 x 2200 bp) = 1760");

    struct doc_line_input rc_with_rate[] = {charge_line[0]};
    rc_with_rate[0].vat_kind = DOC_VAT_REVERSE_CHARGE;
    in.lines = rc_with_rate;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "line 1: VAT rate 2200 does not fit its reason (reverse_charge)");

    in.lines = charge_line;
    in.card_charged = 9761;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "payment: 9761 paid for a total of 9760");
    in.card_charged = 0;

    in.customer.vat_number = "IT00743110158";
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "customer: VAT number 'IT00743110158' is not valid for IT");
    in.customer.vat_number = NULL;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "customer: an Italian customer needs a partita IVA or a codice fiscale");
    in.customer = rossi;
    in.customer.codice_destinatario = "krrh6b9";
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "customer: codice destinatario 'krrh6b9' is not 7 letters and digits");
    in.customer = rossi;
    in.customer.postcode = "2012";
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "customer: an Italian postcode (CAP) is 5 digits");
    in.customer = rossi;
    in.customer.street = NULL;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "customer: the address needs a street and a city");
    in.customer = rossi;

    in.seller.vat_number = NULL;
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "seller: a document needs the seller's VAT number");
    doc_seller_input(catalog, &in.seller);
    in.seller.tax_regime = "RF03";
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "seller: tax regime must be a FatturaPA RegimeFiscale (RF01)");
    doc_seller_input(catalog, &in.seller);

    in.sequence = 1000000;     /* 6 digits */
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "the document number does not fit in 20 characters");
    in.sequence = 1;
    in.currency = "XYZ";
    assert_int_equal(doc_build(&in, &d, why, sizeof why), BC_INVALID_ARGUMENT);
    assert_string_equal(why, "unknown currency");
    assert_null(d);
}

static void numbers(void **state)
{
    (void)state;
    char buf[32];
    assert_true(doc_number_format("", 2026, 1, 6, buf, sizeof buf));
    assert_string_equal(buf, "2026/000001");
    assert_true(doc_number_format("NC", 2026, 123456, 6, buf, sizeof buf));
    assert_string_equal(buf, "NC 2026/123456");
    assert_true(doc_number_format("FATTURA", 2026, 1, 7, buf, sizeof buf));
    assert_string_equal(buf, "FATTURA 2026/0000001");   /* 20 characters */
    assert_false(doc_number_format("FATTURAX", 2026, 1, 7, buf, sizeof buf));
    assert_false(doc_number_format("", 2026, 1000000, 6, buf, sizeof buf));
    assert_false(doc_number_format("", 2026, 0, 6, buf, sizeof buf));
    assert_false(doc_number_format("", 2026, 1, 6, buf, 8));
}

/* An amount over FatturaPA's 11 integer digits cannot be written. */
static void too_large_for_fatturapa(void **state)
{
    (void)state;
    struct doc_input in = input(DOC_INVOICE, 12, "2026-11-25", "EUR");
    in.customer = rossi;
    struct doc_line_input lines[] = {
        charge("GoToMeeting", "Business", 1, BC_PERIOD_MONTHLY, "2026-11-25", "2026-12-25",
               INT64_C(10000000000000), 2200, DOC_VAT_DOMESTIC),   /* 100,000,000,000.00 */
    };
    in.lines = lines;
    in.nlines = 1;
    struct doc *d = build_ok(&in);
    struct doc_bytes b = {(char *)1, 1};
    assert_int_equal(doc_write_fatturapa(d, &b), BC_OVERFLOW);
    assert_null(b.data);
    doc_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(italian_business_plan_change),
        cmocka_unit_test(italian_consumer),
        cmocka_unit_test(german_consumer_oss),
        cmocka_unit_test(french_business_reverse_charge),
        cmocka_unit_test(german_business_reverse_charge),
        cmocka_unit_test(us_cart_of_two_products),
        cmocka_unit_test(gb_business),
        cmocka_unit_test(japan_in_yen),
        cmocka_unit_test(seat_reduction_credit_note),
        cmocka_unit_test(renewal),
        cmocka_unit_test(prorated_amount_is_one_unit),
        cmocka_unit_test(names_in_any_script),
        cmocka_unit_test(latin_conversion),
        cmocka_unit_test(refusals),
        cmocka_unit_test(numbers),
        cmocka_unit_test(too_large_for_fatturapa),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
