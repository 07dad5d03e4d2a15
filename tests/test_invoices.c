/* test_invoices.c — fiscal documents in the store and on the order path
 * (SPEC §9), on the engine $BC_TEST_ENGINE names (testdb.h): the schema
 * (documents, their numbers, credits and sends append-only; the account's
 * billing profile), one document per order placed for every demo account
 * kind with its figures exactly the order's, gapless numbers per series and
 * year also across refused orders, credit notes linked to the invoices
 * they credit, the FatturaPA XML valid against the official schema
 * (offline), and no second document for a replayed key.
 *
 * Runs with workdir = source root (the shipped catalog gives the seller).
 * FATTURAPA_XSD comes from meson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <sys/wait.h>

#include "billing.h"
#include "catalog.h"
#include "demo.h"
#include "doc_read.h"
#include "doc_write.h"
#include "document.h"
#include "fiscal_id.h"
#include "invoice.h"
#include "payment.h"
#include "store.h"
#include "store_internal.h"   /* store_schema_step: to build a version 6 file */
#include "store_test.h"
#include "testdb.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

struct fx {
    char dir[64];
    char path[512];   /* the database's target: a file path or a conninfo */
    struct store *s;
    struct catalog *catalog;
    struct payment_processor *processor;
    struct billing b;
};

static xmlSchemaPtr schema;

/* ---------------------------------------------------------------- fixture */

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int setup_empty(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bc-test-invoices-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    testdb_new_in(f->dir, "billcenter.db", f->path, sizeof f->path);
    assert_int_equal(store_open(f->path, STORE_OPEN_CREATE, &f->s), BC_OK);
    *state = f;
    return 0;
}

/* The demo's ten showcase accounts on 2026-11-25, an operator acting. */
static int setup_demo(void **state)
{
    setup_empty(state);
    struct fx *f = *state;
    char err[512];
    f->catalog = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    if (!f->catalog)
        fail_msg("%s", err);
    bc_day today = date_from_civil(2026, 11, 25);
    assert_int_equal(demo_generate(f->s, f->catalog, today, 10, NULL, NULL), BC_OK);
    f->processor = payment_test_create(f->s);
    f->b.store = f->s;
    f->b.catalog = f->catalog;
    f->b.processor = f->processor;
    f->b.today = today;
    f->b.actor.kind = BILLING_ACTOR_OPERATOR;
    snprintf(f->b.actor.name, sizeof f->b.actor.name, "alice");
    f->b.actor.op_role = STORE_OP_OPERATOR;
    snprintf(f->b.actor.origin, sizeof f->b.actor.origin, "local");
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    payment_destroy(f->processor);
    catalog_destroy(f->catalog);
    store_close(f->s);
    if (!testdb_drop(f->path))
        fprintf(stderr, "# %s\n", testdb_error());
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* ---------------------------------------------------------------- schema */

/* An account with one order, for rows the tests write by hand. */
static int64_t account_with_order(struct fx *f, int64_t *order_id)
{
    struct store_account a = {.name = "Rossi Consulting S.r.l.", .vat_number = "IT00743110157"};
    snprintf(a.currency, sizeof a.currency, "EUR");
    snprintf(a.country, sizeof a.country, "IT");
    assert_int_equal(store_account_insert(f->s, &a), BC_OK);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO orders(account_id, idempotency_key, currency, day, created_at,"
             " subtotal_minor, tax_minor, total_minor, balance_applied_minor, due_minor,"
             " balance_after_minor, actor) VALUES(%lld, 'k1', 'EUR', 20782, 0, 100, 22, 122, 0,"
             " 122, 0, 'alice')", (long long)a.id);
    testdb_exec(f->s, sql);
    *order_id = testdb_int(f->s, "SELECT max(id) FROM orders");
    return a.id;
}

static void schema_has_documents(void **state)
{
    struct fx *f = *state;
    assert_int_equal(STORE_SCHEMA_VERSION, 11);
    for (const char *const *t = (const char *const[]){"documents", "document_numbers",
                                                      "document_credits", "document_sends",
                                                      "document_outbox", NULL};
         *t; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", *t);
        assert_int_equal(testdb_int(f->s, sql), 0);
    }
}

static void documents_are_append_only(void **state)
{
    struct fx *f = *state;
    int64_t order;
    int64_t account = account_with_order(f, &order);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO documents(id, kind, series, year, sequence, number, order_id, account_id,"
             " issued_on, currency, total_minor, tax_minor, model, fatturapa) VALUES(1, 'invoice',"
             " '', 2026, 1, '2026/000001', %lld, %lld, 20782, 'EUR', 122, 22, '{}', '<x/>');"
             "INSERT INTO document_sends(document_id, channel, attempt, at, status, reply)"
             " VALUES(1, 'sdi', 1, 0, 'sending', NULL);",
             (long long)order, (long long)account);
    testdb_exec(f->s, sql);
    static const char *const refused[] = {
        "UPDATE documents SET total_minor = 1",
        "UPDATE documents SET model = '{\"changed\": true}'",
        "DELETE FROM documents",
        "UPDATE document_sends SET status = 'accepted'",
        "DELETE FROM document_sends",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_equal(store_exec_for_test(f->s, refused[i]), BC_DB_ERROR);
    assert_int_equal(testdb_int(f->s, "SELECT total_minor FROM documents WHERE id = 1"), 122);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM document_sends"), 1);
    /* One document of each kind per order; numbers never repeat. */
    snprintf(sql, sizeof sql,
             "INSERT INTO documents(id, kind, series, year, sequence, number, order_id, account_id,"
             " issued_on, currency, total_minor, tax_minor, model, fatturapa) VALUES(2, 'invoice',"
             " '', 2026, 2, '2026/000002', %lld, %lld, 20782, 'EUR', 122, 22, '{}', '<x/>')",
             (long long)order, (long long)account);
    assert_int_equal(store_exec_for_test(f->s, sql), BC_DB_ERROR);
    /* What a credit note credits is frozen with it. */
    snprintf(sql, sizeof sql,
             "INSERT INTO documents(id, kind, series, year, sequence, number, order_id, account_id,"
             " issued_on, currency, total_minor, tax_minor, model, fatturapa) VALUES(2, 'credit_note',"
             " 'NC', 2026, 1, 'NC 2026/000001', %lld, %lld, 20782, 'EUR', 10, 2, '{}', '<x/>');"
             "INSERT INTO document_credits(credit_note_id, invoice_id) VALUES(2, 1)",
             (long long)order, (long long)account);
    testdb_exec(f->s, sql);
    assert_int_equal(store_exec_for_test(f->s, "UPDATE document_credits SET invoice_id = 2"),
                     BC_DB_ERROR);
    assert_int_equal(store_exec_for_test(f->s, "DELETE FROM document_credits"), BC_DB_ERROR);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM document_credits"), 1);
}

/* The counter of a series and year only moves to the next number. */
static void numbers_only_move_forward(void **state)
{
    struct fx *f = *state;
    testdb_exec(f->s, "INSERT INTO document_numbers(series, year, last, last_day)"
                      " VALUES('', 2026, 1, 20782)");
    testdb_exec(f->s, "UPDATE document_numbers SET last = last + 1, last_day = 20783");
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers"), 2);
    static const char *const refused[] = {
        "UPDATE document_numbers SET last = last + 2",
        "UPDATE document_numbers SET last = last - 1",
        "UPDATE document_numbers SET last = last + 1, last_day = 20700",
        "UPDATE document_numbers SET last = last + 1, year = 2027",
        "DELETE FROM document_numbers",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_equal(store_exec_for_test(f->s, refused[i]), BC_DB_ERROR);
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers"), 2);
    assert_int_equal(testdb_int(f->s, "SELECT last_day FROM document_numbers"), 20783);
}

static void account_billing_profile_round_trip(void **state)
{
    struct fx *f = *state;
    struct store_account a = {
        .name = "Bianchi Studio", .tax_code = "BNCPLA80A01F205C", .pec = "bianchi@pec.example.it",
        .sdi_code = "0000000", .street = "Corso Buenos Aires", .street_number = "3",
        .postcode = "20124", .city = "Milano", .province = "MI", .address = "free text",
    };
    snprintf(a.currency, sizeof a.currency, "EUR");
    snprintf(a.country, sizeof a.country, "IT");
    assert_int_equal(store_account_insert(f->s, &a), BC_OK);
    struct store_account b;
    assert_int_equal(store_account_get(f->s, a.id, &b), BC_OK);
    assert_string_equal(b.tax_code, "BNCPLA80A01F205C");
    assert_string_equal(b.pec, "bianchi@pec.example.it");
    assert_string_equal(b.sdi_code, "0000000");
    assert_string_equal(b.street, "Corso Buenos Aires");
    assert_string_equal(b.street_number, "3");
    assert_string_equal(b.postcode, "20124");
    assert_string_equal(b.city, "Milano");
    assert_string_equal(b.province, "MI");
    assert_string_equal(b.address, "free text");
    /* An edit writes the profile too; cleared fields read NULL. */
    free(b.pec);
    b.pec = NULL;
    free(b.city);
    b.city = strdup("Monza");
    free(b.province);
    b.province = strdup("MB");
    assert_int_equal(store_account_update(f->s, &b), BC_OK);
    store_account_clear(&b);
    assert_int_equal(store_account_get(f->s, a.id, &b), BC_OK);
    assert_null(b.pec);
    assert_string_equal(b.city, "Monza");
    assert_string_equal(b.province, "MB");
    assert_string_equal(b.tax_code, "BNCPLA80A01F205C");
    store_account_clear(&b);
    /* An account without a profile reads NULLs. */
    struct store_account plain = {.name = "Acme Widgets Inc."};
    snprintf(plain.currency, sizeof plain.currency, "USD");
    snprintf(plain.country, sizeof plain.country, "US");
    assert_int_equal(store_account_insert(f->s, &plain), BC_OK);
    assert_int_equal(store_account_get(f->s, plain.id, &b), BC_OK);
    assert_null(b.tax_code);
    assert_null(b.street);
    assert_null(b.province);
    store_account_clear(&b);
}

/* ---------------------------------------------------------------- orders */

static int64_t sub_of(struct fx *f, int64_t account, const char *product,
                      struct store_subscription *out)
{
    struct store_subscription_list l = {0};
    int64_t id = 0;
    assert_int_equal(store_subscriptions(f->s, account, &l), BC_OK);
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].product, product) == 0) {
            id = l.items[i].id;
            if (out) {
                *out = l.items[i];
                memset(&l.items[i], 0, sizeof l.items[i]);
            }
        }
    store_subscription_list_clear(&l);
    assert_true(id > 0);
    return id;
}

/* A change of `product` on `account`: plan NULL, seats 0 keep the current. */
static struct billing_change change(struct fx *f, int64_t account, const char *product,
                                    const char *plan, int seats)
{
    struct store_subscription cur;
    struct billing_change c;
    memset(&c, 0, sizeof c);
    c.subscription_id = sub_of(f, account, product, &cur);
    snprintf(c.product, sizeof c.product, "%s", product);
    snprintf(c.to_plan, sizeof c.to_plan, "%s", plan ? plan : cur.plan);
    c.to_seats = seats ? seats : cur.seats;
    c.to_period = cur.period;
    store_subscription_clear(&cur);
    return c;
}

/* Places one change (or the cart: change NULL); card NULL uses the card on
 * file. The result is the caller's (free). */
static struct billing_result *place(struct fx *f, int64_t account, const struct billing_change *c,
                                    const char *key, const char *card, enum bc_status expect)
{
    struct billing_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    struct billing_payment pay = {.card_number = card, .card_expiry = card ? "12/30" : NULL};
    enum bc_status st = billing_place(&f->b, account, c, key, -1, &pay, r);
    if (st != expect)
        fail_msg("order %s: %s (%s) — %s", key, bc_status_code(st), r->document_why,
                 store_errmsg(f->s));
    return r;
}

static int64_t count(struct fx *f, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return testdb_int(f->s, sql);
}

/* ---------------------------------------------------------------- the XML */

struct xml {
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
};

/* The stored FatturaPA XML, valid against the official schema. */
static struct xml xml_valid(const char *text)
{
    struct xml x;
    x.doc = xmlReadMemory(text, (int)strlen(text), "fattura.xml", "UTF-8", XML_PARSE_NONET);
    if (!x.doc)
        fail_msg("XML does not parse:\n%s", text);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(vc, x.doc);
    xmlSchemaFreeValidCtxt(vc);
    if (rc != 0)
        fail_msg("XML does not validate against FatturaPA 1.2.2:\n%s", text);
    x.xp = xmlXPathNewContext(x.doc);
    xmlXPathRegisterNs(x.xp, (const xmlChar *)"p",
                       (const xmlChar *)"http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2");
    return x;
}

static void xml_done(struct xml *x)
{
    xmlXPathFreeContext(x->xp);
    xmlFreeDoc(x->doc);
}

#define BODY "/p:FatturaElettronica/FatturaElettronicaBody"
#define HEADER "/p:FatturaElettronica/FatturaElettronicaHeader"

static void assert_xml(struct xml *x, const char *path, const char *expected)
{
    char expr[512];
    snprintf(expr, sizeof expr, "string(%s)", path);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x->xp);
    assert_non_null(o);
    if (strcmp((const char *)o->stringval, expected) != 0) {
        char got[256];
        snprintf(got, sizeof got, "%s", (const char *)o->stringval);
        xmlXPathFreeObject(o);
        fail_msg("%s: got '%s', expected '%s'", path, got, expected);
    }
    xmlXPathFreeObject(o);
}

/* ---------------------------------------------------------------- a document */

/* The document an order issued, checked against the order: its kind by
 * the sign of T, its total and VAT the order's, one line per non-zero
 * credit or charge line of the order with that line's VAT beside it, VAT
 * sums per rate adding up to the lines, the model read back rendering the
 * stored JSON and XML byte for byte, the XML valid. The model is the
 * caller's (doc_destroy); *x too when given (xml_done). */
static struct doc *check_document(struct fx *f, const struct billing_result *r, const char *key,
                                  struct xml *x)
{
    assert_true(r->document[0] != '\0');
    struct store_order o;
    assert_int_equal(store_order_by_key(f->s, key, &o), BC_OK);
    struct store_document sd;
    assert_int_equal(store_document_by_number(f->s, r->document, &sd), BC_OK);
    assert_int_equal(sd.order_id, o.id);
    assert_int_equal(sd.account_id, o.account_id);
    assert_int_equal(sd.issued_on, o.day);
    assert_string_equal(sd.currency, o.currency);
    int sign = o.total < 0 ? -1 : 1;
    assert_int_equal(sd.kind, o.total < 0 ? STORE_DOC_CREDIT_NOTE : STORE_DOC_INVOICE);
    assert_int_equal(r->document_credit_note, sd.kind == STORE_DOC_CREDIT_NOTE);
    assert_int_equal(sign * sd.total, o.total);
    assert_int_equal(sign * sd.tax, o.tax);

    char why[256];
    struct doc *d = NULL;
    if (doc_read_json(sd.model, &d, why, sizeof why) != BC_OK)
        fail_msg("stored model: %s", why);
    assert_string_equal(d->number, r->document);
    assert_int_equal(d->kind, sd.kind == STORE_DOC_CREDIT_NOTE ? DOC_CREDIT_NOTE : DOC_INVOICE);
    assert_int_equal(d->progressive, (uint32_t)sd.id);
    assert_int_equal(d->sign * d->total, o.total);
    assert_int_equal(d->sign * d->subtotal, o.subtotal);
    assert_int_equal(d->sign * d->vat_total, o.tax);
    /* Line by line. */
    size_t k = 0;
    for (size_t i = 0; i < o.nlines; i++) {
        const struct store_order_line *l = &o.lines[i];
        if (l->kind == STORE_LINE_TAX)
            continue;
        int64_t tax = i + 1 < o.nlines && o.lines[i + 1].kind == STORE_LINE_TAX ? o.lines[i + 1].amount : 0;
        if (l->amount == 0 && tax == 0)
            continue;
        assert_true(k < d->nlines);
        assert_int_equal(d->lines[k].amount, sign * l->amount);
        assert_int_equal(d->lines[k].vat, sign * tax);
        assert_int_equal(d->lines[k].kind, l->kind == STORE_LINE_CREDIT ? DOC_LINE_CREDIT : DOC_LINE_CHARGE);
        assert_int_equal(d->lines[k].first_day, l->from);
        assert_int_equal(d->lines[k].last_day, l->to - 1);
        assert_int_equal(d->lines[k].quantity * d->lines[k].unit_price, d->lines[k].amount);
        k++;
    }
    assert_int_equal(k, d->nlines);
    /* VAT per rate: each row its lines, all rows the document. */
    int64_t taxable = 0, vat = 0;
    for (size_t i = 0; i < d->nvat_sums; i++) {
        int64_t t = 0, v = 0;
        for (size_t j = 0; j < d->nlines; j++)
            if (d->lines[j].rate_bp == d->vat_sums[i].rate_bp &&
                d->lines[j].vat_kind == d->vat_sums[i].vat_kind) {
                t += d->lines[j].amount;
                v += d->lines[j].vat;
            }
        assert_int_equal(d->vat_sums[i].taxable, t);
        assert_int_equal(d->vat_sums[i].vat, v);
        taxable += t;
        vat += v;
    }
    assert_int_equal(taxable, sign * o.subtotal);
    assert_int_equal(vat, sign * o.tax);
    /* How it was paid. */
    if (sign > 0) {
        assert_int_equal(d->payment.balance_applied, o.balance_applied);
        assert_int_equal(d->payment.card_charged, o.due);
        assert_int_equal(d->payment.due, 0);
    } else {
        assert_int_equal(d->payment.balance_credited, -o.total);
    }
    /* Frozen: the model read back renders what was stored. */
    struct doc_bytes j, xb;
    assert_int_equal(doc_write_json(d, &j), BC_OK);
    assert_string_equal(j.data, sd.model);
    assert_int_equal(doc_write_fatturapa(d, &xb), BC_OK);
    assert_string_equal(xb.data, sd.fatturapa);
    doc_bytes_free(&j);
    doc_bytes_free(&xb);
    struct xml xv = xml_valid(sd.fatturapa);
    assert_xml(&xv, BODY "/DatiGenerali/DatiGeneraliDocumento/Numero", r->document);
    assert_xml(&xv, BODY "/DatiGenerali/DatiGeneraliDocumento/TipoDocumento",
               sign > 0 ? "TD01" : "TD04");
    if (x)
        *x = xv;
    else
        xml_done(&xv);
    store_document_clear(&sd);
    store_order_clear(&o);
    return d;
}

/* ---------------------------------------------------------------- every account kind */

static void every_account_kind(void **state)
{
    struct fx *f = *state;
    struct billing_change c;
    struct billing_result *r;
    struct doc *d;
    struct xml x;

    /* 1, Rossi (IT, partita IVA, balance 20.00): SPEC §3's worked example,
     * 20.00 from the balance and 41.00 on the card on file. */
    c = change(f, 1, "gotomeeting", "business", 0);
    r = place(f, 1, &c, "it-business", NULL, BC_OK);
    assert_string_equal(r->document, "2026/000001");
    d = check_document(f, r, "it-business", &x);
    assert_int_equal(d->total, 6100);
    assert_int_equal(d->vat_total, 1100);
    assert_int_equal(d->nvat_sums, 1);
    assert_int_equal(d->vat_sums[0].rate_bp, 2200);
    assert_int_equal(d->vat_sums[0].vat_kind, DOC_VAT_DOMESTIC);
    assert_int_equal(d->payment.balance_applied, 2000);
    assert_int_equal(d->payment.card_charged, 4100);
    assert_string_equal(d->payment.card, "visa •••• 4242");
    assert_string_equal(d->customer.vat_number, "00743110157");
    assert_string_equal(d->customer.codice_destinatario, "KRRH6B9");
    assert_string_equal(d->customer.address.city, "Milano");
    assert_string_equal(d->lines[1].product, "GoToMeeting");
    assert_string_equal(d->lines[1].plan, "Business");
    assert_string_equal(d->lines[0].plan, "Professional");
    assert_xml(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice", "00743110157");
    assert_xml(&x, HEADER "/DatiTrasmissione/CodiceDestinatario", "KRRH6B9");
    assert_xml(&x, HEADER "/DatiTrasmissione/ProgressivoInvio", "00001");
    assert_xml(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/ImportoTotaleDocumento", "61.00");
    xml_done(&x);
    doc_destroy(d);
    free(r);

    /* 8, Verdi (IT company, codice fiscale and PEC, no VAT number). */
    c = change(f, 8, "gotomeeting", "business", 0);
    r = place(f, 8, &c, "it-company", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000002");
    d = check_document(f, r, "it-company", &x);
    assert_string_equal(d->customer.tax_code, "09876540015");
    assert_null(d->customer.vat_number);
    assert_string_equal(d->customer.pec, "verdi.formazione@pec.example.it");
    assert_int_equal(d->vat_sums[0].rate_bp, 2200);
    assert_xml(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/CodiceFiscale", "09876540015");
    assert_xml(&x, HEADER "/DatiTrasmissione/PECDestinatario", "verdi.formazione@pec.example.it");
    xml_done(&x);
    doc_destroy(d);
    free(r);

    /* 9, Bianchi (IT consumer, codice fiscale, balance 500.00): fewer
     * seats, T < 0: a credit note, crediting what was billed before
     * documents began (no invoice on record to name). */
    c = change(f, 9, "gotomeeting", NULL, 10);
    r = place(f, 9, &c, "it-consumer-fewer", NULL, BC_OK);
    assert_string_equal(r->document, "NC 2026/000001");
    assert_true(r->document_credit_note);
    d = check_document(f, r, "it-consumer-fewer", &x);
    assert_int_equal(d->kind, DOC_CREDIT_NOTE);
    assert_string_equal(d->customer.tax_code, "BNCPLA80A01F205C");
    assert_string_equal(d->customer.codice_destinatario, "0000000");
    assert_int_equal(d->ncredits, 0);
    assert_true(d->total > 0);
    assert_int_equal(d->lines[0].kind, DOC_LINE_CREDIT);
    assert_int_equal(d->lines[0].rate_bp, 2200);
    xml_done(&x);
    doc_destroy(d);
    free(r);

    /* 3, Müller (DE consumer): Germany's VAT, declared through the OSS. */
    c = change(f, 3, "gotomeeting", NULL, 12);
    r = place(f, 3, &c, "de-consumer", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000003");
    d = check_document(f, r, "de-consumer", &x);
    assert_int_equal(d->nvat_sums, 1);
    assert_int_equal(d->vat_sums[0].rate_bp, 1900);
    assert_int_equal(d->vat_sums[0].vat_kind, DOC_VAT_OSS);
    assert_true(d->vat_total > 0);
    assert_xml(&x, HEADER "/DatiTrasmissione/CodiceDestinatario", "XXXXXXX");
    assert_xml(&x, BODY "/DatiBeniServizi/DatiRiepilogo/Natura", "N7");
    xml_done(&x);
    doc_destroy(d);
    free(r);

    /* 4, Dupont (FR business) and 10, Schmidt (DE business): reverse charge. */
    c = change(f, 4, "gotowebinar", NULL, 3);
    r = place(f, 4, &c, "fr-business", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000004");
    d = check_document(f, r, "fr-business", &x);
    assert_int_equal(d->vat_total, 0);
    assert_int_equal(d->vat_sums[0].vat_kind, DOC_VAT_REVERSE_CHARGE);
    assert_int_equal(d->vat_sums[0].rate_bp, 0);
    assert_string_equal(d->customer.vat_number, "44732829320");
    assert_xml(&x, BODY "/DatiBeniServizi/DatiRiepilogo/Natura", "N2.1");
    assert_xml(&x, HEADER "/CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese", "FR");
    xml_done(&x);
    doc_destroy(d);
    free(r);
    c = change(f, 10, "gotomeeting", "business", 0);
    r = place(f, 10, &c, "de-business", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000005");
    d = check_document(f, r, "de-business", NULL);
    assert_int_equal(d->vat_sums[0].vat_kind, DOC_VAT_REVERSE_CHARGE);
    assert_int_equal(d->vat_total, 0);
    assert_string_equal(d->customer.vat_number, "136464502");
    doc_destroy(d);
    free(r);

    /* 5, Acme (US): a cart of two products, outside the EU. */
    struct billing_change meeting = change(f, 5, "gotomeeting", NULL, 4);
    struct billing_change training = change(f, 5, "gototraining", "pro", 0);
    assert_int_equal(billing_cart_put(&f->b, 5, &meeting), BC_OK);
    assert_int_equal(billing_cart_put(&f->b, 5, &training), BC_OK);
    r = place(f, 5, NULL, "us-cart", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000006");
    d = check_document(f, r, "us-cart", &x);
    assert_string_equal(d->currency, "USD");
    assert_int_equal(d->vat_total, 0);
    assert_int_equal(d->nvat_sums, 1);
    assert_int_equal(d->vat_sums[0].vat_kind, DOC_VAT_OUT_OF_SCOPE);
    bool saw_meeting = false, saw_training = false;
    for (size_t i = 0; i < d->nlines; i++) {
        saw_meeting = saw_meeting || strcmp(d->lines[i].product, "GoToMeeting") == 0;
        saw_training = saw_training || strcmp(d->lines[i].product, "GoToTraining") == 0;
    }
    assert_true(saw_meeting && saw_training);
    assert_xml(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/Divisa", "USD");
    xml_done(&x);
    doc_destroy(d);
    free(r);

    /* 7, Brighton (GB) and 6, Tanaka (JP, in yen: no decimals). */
    c = change(f, 7, "gotowebinar", "standard", 0);
    r = place(f, 7, &c, "gb-business", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000007");
    d = check_document(f, r, "gb-business", NULL);
    assert_string_equal(d->currency, "GBP");
    assert_int_equal(d->vat_sums[0].vat_kind, DOC_VAT_OUT_OF_SCOPE);
    doc_destroy(d);
    free(r);
    c = change(f, 6, "gotomeeting", NULL, 5);
    r = place(f, 6, &c, "jp-yen", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000008");
    d = check_document(f, r, "jp-yen", &x);
    assert_string_equal(d->currency, "JPY");
    assert_int_equal(d->exponent, 0);
    assert_int_equal(d->vat_total, 0);
    assert_xml(&x, BODY "/DatiGenerali/DatiGeneraliDocumento/Divisa", "JPY");
    xml_done(&x);
    doc_destroy(d);
    free(r);

    /* Eight invoices and one credit note, numbered without a gap. */
    assert_int_equal(count(f, "documents"), 9);
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers WHERE series = ''"), 8);
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers WHERE series = 'NC'"), 1);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM documents d JOIN orders o"
                                      " ON o.id = d.order_id"), count(f, "orders"));
}

/* A seat reduction after an invoice of the same subscription: the credit
 * note names that invoice, in the store and in the XML. */
static void credit_note_links_its_invoice(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", NULL, 7);
    struct billing_result *inv = place(f, 1, &c, "more-seats", NULL, BC_OK);
    assert_string_equal(inv->document, "2026/000001");
    assert_false(inv->document_credit_note);
    doc_destroy(check_document(f, inv, "more-seats", NULL));

    c = change(f, 1, "gotomeeting", NULL, 5);
    struct billing_result *cn = place(f, 1, &c, "fewer-seats", NULL, BC_OK);
    assert_string_equal(cn->document, "NC 2026/000001");
    assert_true(cn->document_credit_note);
    struct xml x;
    struct doc *d = check_document(f, cn, "fewer-seats", &x);
    assert_int_equal(d->ncredits, 1);
    assert_string_equal(d->credits[0].number, "2026/000001");
    assert_int_equal(d->credits[0].date, f->b.today);
    assert_xml(&x, BODY "/DatiGenerali/DatiFattureCollegate/IdDocumento", "2026/000001");
    assert_xml(&x, BODY "/DatiGenerali/DatiFattureCollegate/Data", "2026-11-25");
    xml_done(&x);
    doc_destroy(d);

    struct store_document sd, si;
    assert_int_equal(store_document_by_number(f->s, "NC 2026/000001", &sd), BC_OK);
    assert_int_equal(store_document_by_number(f->s, "2026/000001", &si), BC_OK);
    struct store_doc_ref *refs = NULL;
    size_t n = 0;
    assert_int_equal(store_document_credits(f->s, sd.id, &refs, &n), BC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(refs[0].id, si.id);
    assert_string_equal(refs[0].number, "2026/000001");
    free(refs);
    /* An invoice credits nothing. */
    assert_int_equal(store_document_credits(f->s, si.id, &refs, &n), BC_OK);
    assert_int_equal(n, 0);
    store_document_clear(&sd);
    store_document_clear(&si);
    /* The account's documents, oldest first, each with its kind. */
    struct store_document_list l;
    assert_int_equal(store_documents(f->s, 1, &l), BC_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].number, "2026/000001");
    assert_int_equal(l.items[0].kind, STORE_DOC_INVOICE);
    assert_string_equal(l.items[1].number, "NC 2026/000001");
    assert_int_equal(l.items[1].kind, STORE_DOC_CREDIT_NOTE);
    assert_null(l.items[0].model);
    assert_int_equal(l.items[0].sent[STORE_SEND_SDI], STORE_SEND_NONE);
    store_document_list_clear(&l);
    free(inv);
    free(cn);
}

/* Orders that do not happen take no number: a declined card, an account
 * whose billing profile cannot make a document, a seller without fiscal
 * data, a day before the series' last document, a commit that rolls back
 * after its number was taken. The next order gets the next number. */
static void numbers_are_gapless_across_refusals(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 3, "gotomeeting", NULL, 11);
    struct billing_result *r = place(f, 3, &c, "first", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000001");
    free(r);
    int64_t docs = count(f, "documents");

    /* Declined. */
    c = change(f, 3, "gotomeeting", NULL, 12);
    r = place(f, 3, &c, "declined", "4000000000000002", BC_PAYMENT_DECLINED);
    assert_string_equal(r->document, "");
    free(r);

    /* No address: refused before the charge, saying what is missing. */
    struct store_account a;
    assert_int_equal(store_account_get(f->s, 3, &a), BC_OK);
    char *street = a.street;
    a.street = NULL;
    assert_int_equal(store_account_update(f->s, &a), BC_OK);
    r = place(f, 3, &c, "no-address", "4242424242424242", BC_BILLING_PROFILE_INCOMPLETE);
    assert_string_equal(r->document_why, "customer: the address needs a street and a city");
    assert_int_equal(r->quote.refusal, BC_BILLING_PROFILE_INCOMPLETE);
    free(r);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM test_charges WHERE key = 'no-address'"), 0);
    a.street = street;
    assert_int_equal(store_account_update(f->s, &a), BC_OK);
    store_account_clear(&a);

    /* An Italian consumer without codice fiscale or partita IVA. */
    assert_int_equal(store_account_get(f->s, 9, &a), BC_OK);
    char *cf = a.tax_code;
    a.tax_code = NULL;
    assert_int_equal(store_account_update(f->s, &a), BC_OK);
    struct billing_change fewer = change(f, 9, "gotomeeting", NULL, 18);
    r = place(f, 9, &fewer, "no-cf", NULL, BC_BILLING_PROFILE_INCOMPLETE);
    assert_string_equal(r->document_why,
                        "customer: an Italian customer needs a partita IVA or a codice fiscale");
    free(r);
    a.tax_code = cf;
    assert_int_equal(store_account_update(f->s, &a), BC_OK);
    store_account_clear(&a);

    /* The seller without its VAT number: no order at all. */
    char *vat = f->catalog->seller_vat_number;
    f->catalog->seller_vat_number = NULL;
    r = place(f, 3, &c, "no-seller-vat", "4242424242424242", BC_SELLER_FISCAL_DATA_MISSING);
    assert_string_equal(r->document_why, "seller: a document needs the seller's VAT number");
    free(r);
    f->catalog->seller_vat_number = vat;

    /* A day before the last invoice's (account 4's period began three days ago). */
    f->b.today -= 1;
    c = change(f, 4, "gotowebinar", NULL, 3);
    r = place(f, 4, &c, "yesterday", "4242424242424242", BC_DOCUMENT_DATE_ORDER);
    assert_string_equal(r->document, "");
    assert_int_equal(r->order_id, 0);
    free(r);
    f->b.today += 1;
    /* Its charge went back: nothing kept, nobody charged. */
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM test_charges WHERE key = 'yesterday'"
                                      " AND state = 'approved'"), 0);

    assert_int_equal(count(f, "documents"), docs);
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers WHERE series = ''"), 1);
    c = change(f, 3, "gotomeeting", NULL, 12);
    r = place(f, 3, &c, "second", "4242424242424242", BC_OK);
    assert_string_equal(r->document, "2026/000002");
    free(r);
}

/* The store's side: a document that cannot be made rolls the whole order
 * back, number included. */
static enum bc_status failing_render(void *ctx, int64_t sequence, int64_t progressive,
                                     const struct store_doc_ref *credits, size_t ncredits,
                                     struct store_doc_rendered *out)
{
    int64_t *seen = ctx;
    *seen = sequence;
    return BC_INVALID_ARGUMENT;
}

static void a_failed_document_rolls_the_order_back(void **state)
{
    struct fx *f = *state;
    testdb_exec(f->s, "INSERT INTO document_numbers(series, year, last, last_day)"
                      " VALUES('', 2026, 41, 20782)");
    struct store_order o = {0};
    o.account_id = 3;
    o.idempotency_key = strdup("store-level");
    o.actor = strdup("alice");
    snprintf(o.currency, sizeof o.currency, "EUR");
    o.day = f->b.today;
    int64_t seen = 0;
    struct store_doc_issue doc = {.kind = STORE_DOC_INVOICE, .series = "", .day = f->b.today,
                                  .render = failing_render, .ctx = &seen};
    enum store_key_state ks;
    int64_t orders = count(f, "orders");
    assert_int_equal(store_order_place_doc(f->s, &o, NULL, 0, 0, NULL, NULL, &doc, &ks),
                     BC_INVALID_ARGUMENT);
    assert_int_equal(seen, 42);      /* the number it was given ... */
    assert_int_equal(doc.id, 0);
    assert_int_equal(count(f, "orders"), orders);
    assert_int_equal(count(f, "documents"), 0);
    /* ... went back with the order. */
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers WHERE series = ''"), 41);
    store_order_clear(&o);
}

/* Issued means frozen: a placed order's document refuses UPDATE and DELETE. */
static void placed_documents_are_frozen(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 0);
    struct billing_result *r = place(f, 1, &c, "frozen", NULL, BC_OK);
    struct store_document before, after;
    assert_int_equal(store_document_by_number(f->s, r->document, &before), BC_OK);
    static const char *const refused[] = {
        "UPDATE documents SET total_minor = 0",
        "UPDATE documents SET fatturapa = '<changed/>'",
        "UPDATE documents SET number = '2026/999999'",
        "DELETE FROM documents",
        "DELETE FROM document_numbers",
        "UPDATE document_numbers SET last = 0",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_int_equal(store_exec_for_test(f->s, refused[i]), BC_DB_ERROR);
    assert_int_equal(store_document_by_number(f->s, r->document, &after), BC_OK);
    assert_string_equal(after.model, before.model);
    assert_string_equal(after.fatturapa, before.fatturapa);
    assert_int_equal(after.total, before.total);
    store_document_clear(&before);
    store_document_clear(&after);
    free(r);
}

/* The same key again returns the first order and its document; nothing
 * new is written or numbered. */
static void replay_writes_no_second_document(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 4, "gotowebinar", NULL, 3);
    struct billing_result *r = place(f, 4, &c, "replayed-key", "4242424242424242", BC_OK);
    assert_false(r->replayed);
    assert_string_equal(r->document, "2026/000001");
    int64_t order = r->order_id;
    free(r);
    r = place(f, 4, &c, "replayed-key", "4242424242424242", BC_OK);
    assert_true(r->replayed);
    assert_int_equal(r->order_id, order);
    assert_string_equal(r->document, "2026/000001");
    free(r);
    assert_int_equal(count(f, "documents"), 1);
    assert_int_equal(testdb_int(f->s, "SELECT last FROM document_numbers"), 1);
}

/* Two processes placing orders at once: every number once, none skipped,
 * in the order the documents were written. */
static void concurrent_orders_number_without_gaps(void **state)
{
    struct fx *f = *state;
    enum { PER_CHILD = 4 };
    static const int64_t accounts[2] = {1, 9};
    store_close(f->s);
    f->s = NULL;
    payment_destroy(f->processor);
    f->processor = NULL;
    pid_t pids[2];
    for (int k = 0; k < 2; k++) {
        pids[k] = fork();
        assert_true(pids[k] >= 0);
        if (pids[k] > 0)
            continue;
        struct store *s = NULL;
        if (store_open(f->path, STORE_OPEN_EXISTING, &s) != BC_OK)
            _exit(10);
        struct billing b = f->b;
        b.store = s;
        b.processor = payment_test_create(s);
        for (int i = 0; i < PER_CHILD; i++) {
            struct store_subscription_list l = {0};
            if (store_subscriptions(s, accounts[k], &l) != BC_OK)
                _exit(11);
            struct billing_change c;
            memset(&c, 0, sizeof c);
            for (size_t j = 0; j < l.n; j++)
                if (strcmp(l.items[j].product, "gotomeeting") == 0) {
                    c.subscription_id = l.items[j].id;
                    snprintf(c.product, sizeof c.product, "gotomeeting");
                    snprintf(c.to_plan, sizeof c.to_plan, "%s", l.items[j].plan);
                    c.to_seats = l.items[j].seats + 1;
                    c.to_period = l.items[j].period;
                }
            store_subscription_list_clear(&l);
            char key[32];
            snprintf(key, sizeof key, "race-%d-%d", k, i);
            struct billing_result *r = calloc(1, sizeof *r);
            struct billing_payment pay = {0};
            enum bc_status st = BC_STALE_QUOTE;
            for (int tries = 0; tries < 20 && st == BC_STALE_QUOTE; tries++)
                st = billing_place(&b, accounts[k], &c, key, -1, &pay, r);
            if (st != BC_OK || !r->document[0])
                _exit(12);
            free(r);
        }
        payment_destroy(b.processor);
        store_close(s);
        _exit(0);
    }
    for (int k = 0; k < 2; k++) {
        int status = 0;
        assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(store_open(f->path, STORE_OPEN_EXISTING, &f->s), BC_OK);
    f->b.store = f->s;
    f->processor = payment_test_create(f->s);
    f->b.processor = f->processor;
    assert_int_equal(count(f, "documents"), 2 * PER_CHILD);
    assert_int_equal(testdb_int(f->s, "SELECT count(DISTINCT sequence) FROM documents"), 2 * PER_CHILD);
    assert_int_equal(testdb_int(f->s, "SELECT min(sequence) FROM documents"), 1);
    assert_int_equal(testdb_int(f->s, "SELECT max(sequence) FROM documents"), 2 * PER_CHILD);
    /* Written in number order: the id (the SdI progressive) follows it. */
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM documents WHERE id <> sequence"), 0);
}

/* The demo's accounts can all be invoiced: the showcase ones (the Italian
 * ones with a valid codice fiscale or partita IVA and a codice
 * destinatario or PEC) and every generated one. */
static void demo_accounts_can_be_invoiced(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    testdb_drop(f->path);
    testdb_new_in(f->dir, "many.db", f->path, sizeof f->path);
    assert_int_equal(store_open(f->path, STORE_OPEN_CREATE, &f->s), BC_OK);
    f->b.store = f->s;
    assert_int_equal(demo_generate(f->s, f->catalog, f->b.today, 400, NULL, NULL), BC_OK);
    int italian = 0, with_cf = 0;
    for (int64_t id = 1; id <= 400; id++) {
        struct store_account a;
        assert_int_equal(store_account_get(f->s, id, &a), BC_OK);
        char why[256];
        enum bc_status st = billing_doc_check(&f->b, &a, NULL, NULL, why, sizeof why);
        if (st != BC_OK)
            fail_msg("account %lld (%s, %s): %s", (long long)id, a.name, a.country, why);
        if (strcmp(a.country, "IT") == 0) {
            italian++;
            assert_true(a.vat_number || a.tax_code);
            if (a.tax_code) {
                with_cf++;
                assert_true(fiscal_codice_fiscale_valid(a.tax_code));
            }
            assert_non_null(a.province);
            assert_int_equal(strlen(a.postcode), 5);
        }
        store_account_clear(&a);
    }
    assert_true(italian > 50);
    assert_true(with_cf > 20);
    /* The showcase's Italian profiles, as demo.c documents them. */
    struct store_account a;
    assert_int_equal(store_account_get(f->s, 1, &a), BC_OK);
    assert_string_equal(a.sdi_code, "KRRH6B9");
    assert_string_equal(a.tax_code, "00743110157");
    assert_true(fiscal_partita_iva_valid(a.tax_code));
    store_account_clear(&a);
    assert_int_equal(store_account_get(f->s, 8, &a), BC_OK);
    assert_string_equal(a.pec, "verdi.formazione@pec.example.it");
    assert_true(fiscal_pec_valid(a.pec));
    assert_true(fiscal_codice_fiscale_valid(a.tax_code));
    assert_null(a.vat_number);
    store_account_clear(&a);
    assert_int_equal(store_account_get(f->s, 9, &a), BC_OK);
    assert_string_equal(a.tax_code, "BNCPLA80A01F205C");
    assert_string_equal(a.city, "Milano");
    assert_int_equal(a.balance, 50000);
    store_account_clear(&a);
}

/* Attempts at handing a document on, on either engine: one claim at a
 * time, a reply per attempt, never again once accepted. */
static void send_attempts_are_claimed(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", "business", 0);
    free(place(f, 1, &c, "to-send", NULL, BC_OK));
    struct store_document d;
    assert_int_equal(store_document_by_number(f->s, "2026/000001", &d), BC_OK);
    int64_t *ids;
    size_t n;
    assert_int_equal(store_documents_unsent(f->s, STORE_SEND_SDI, &ids, &n), BC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], d.id);
    free(ids);

    int attempt;
    enum store_send_status state_;
    assert_int_equal(store_document_send_claim(f->s, d.id, STORE_SEND_SDI, 1000, 900, &attempt,
                                               &state_), BC_OK);
    assert_int_equal(state_, STORE_SEND_NONE);
    assert_int_equal(attempt, 1);
    /* Claimed at 1000 and still within its time: another run leaves it. */
    assert_int_equal(store_document_send_claim(f->s, d.id, STORE_SEND_SDI, 1010, 910, &attempt,
                                               &state_), BC_OK);
    assert_int_equal(state_, STORE_SEND_SENDING);
    assert_int_equal(attempt, 0);
    /* The e-mail is a channel of its own. */
    assert_int_equal(store_document_send_claim(f->s, d.id, STORE_SEND_EMAIL, 1010, 910, &attempt,
                                               &state_), BC_OK);
    assert_int_equal(attempt, 1);
    assert_int_equal(store_document_send_result(f->s, d.id, STORE_SEND_EMAIL, 1,
                                                STORE_SEND_ACCEPTED, "{\"id\":\"m1\"}", 1011), BC_OK);
    /* The SdI run died without a reply: later, a second attempt. */
    assert_int_equal(store_document_send_claim(f->s, d.id, STORE_SEND_SDI, 5000, 4900, &attempt,
                                               &state_), BC_OK);
    assert_int_equal(attempt, 2);
    assert_int_equal(store_document_send_result(f->s, d.id, STORE_SEND_SDI, 2, STORE_SEND_FAILED,
                                                "{\"error\":\"timeout\"}", 5001), BC_OK);
    assert_int_equal(store_document_send_claim(f->s, d.id, STORE_SEND_SDI, 6000, 5900, &attempt,
                                               &state_), BC_OK);
    assert_int_equal(attempt, 3);
    assert_int_equal(store_document_send_result(f->s, d.id, STORE_SEND_SDI, 3, STORE_SEND_ACCEPTED,
                                                "{\"id\":\"s3\"}", 6001), BC_OK);
    assert_int_equal(store_document_send_claim(f->s, d.id, STORE_SEND_SDI, 9000, 8900, &attempt,
                                               &state_), BC_OK);
    assert_int_equal(state_, STORE_SEND_ACCEPTED);
    assert_int_equal(attempt, 0);
    /* A claim is its own attempt: the same reply twice is refused. */
    assert_int_equal(store_document_send_result(f->s, d.id, STORE_SEND_SDI, 3, STORE_SEND_ACCEPTED,
                                                NULL, 9001), BC_DB_ERROR);
    assert_int_equal(store_documents_unsent(f->s, STORE_SEND_SDI, &ids, &n), BC_OK);
    assert_int_equal(n, 0);
    free(ids);
    store_document_clear(&d);
    assert_int_equal(store_document_by_number(f->s, "2026/000001", &d), BC_OK);
    assert_int_equal(d.sent[STORE_SEND_SDI], STORE_SEND_ACCEPTED);
    assert_int_equal(d.sent[STORE_SEND_EMAIL], STORE_SEND_ACCEPTED);
    store_document_clear(&d);
    assert_int_equal(count(f, "document_sends"), 7);
}

/* billing_invoice_send against a hook on either engine: accepted once,
 * never again; the reply recorded as the receiver gave it. */
static void invoice_send_through_a_hook(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 10, "gotomeeting", "business", 0);
    free(place(f, 10, &c, "hooked", "4242424242424242", BC_OK));
    char hook[128], log[128], cmd[400];
    snprintf(hook, sizeof hook, "%s/hook.sh", f->dir);
    snprintf(log, sizeof log, "%s/calls.log", f->dir);
    FILE *h = fopen(hook, "w");
    assert_non_null(h);
    fprintf(h, "#!/bin/sh\ncat >> '%s'\necho >> '%s'\n"
               "echo '{\"status\": \"accepted\", \"id\": \"SDI-77\"}'\n", log, log);
    fclose(h);
    chmod(hook, 0700);
    snprintf(cmd, sizeof cmd, "%s", hook);
    char *saved = f->catalog->sdi_command;
    f->catalog->sdi_command = cmd;
    struct billing_send_report r;
    assert_int_equal(billing_invoice_send(&f->b, NULL, DOC_LANG_EN, &r), BC_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.accepted, 1);
    assert_string_equal(r.items[0].number, "2026/000001");
    assert_int_equal(r.items[0].channel, STORE_SEND_SDI);
    assert_string_equal(r.items[0].reply_id, "SDI-77");
    billing_send_report_clear(&r);
    assert_int_equal(billing_invoice_send(&f->b, NULL, DOC_LANG_EN, &r), BC_OK);
    assert_int_equal(r.n, 0);
    billing_send_report_clear(&r);
    assert_int_equal(billing_invoice_send(&f->b, "2026/000001", DOC_LANG_EN, &r), BC_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.items[0].status, STORE_SEND_ACCEPTED);
    assert_int_equal(r.items[0].attempt, 0);
    billing_send_report_clear(&r);
    assert_int_equal(billing_invoice_send(&f->b, "2026/999999", DOC_LANG_EN, &r), BC_NOT_FOUND);
    billing_send_report_clear(&r);
    /* A read-only operator sends nothing. */
    f->b.actor.op_role = STORE_OP_READONLY;
    assert_int_equal(billing_invoice_send(&f->b, NULL, DOC_LANG_EN, &r), BC_READONLY_OPERATOR);
    billing_send_report_clear(&r);
    f->b.actor.op_role = STORE_OP_OPERATOR;
    f->catalog->sdi_command = saved;
    char *text = testdb_q1_text(f->path, "SELECT reply FROM document_sends WHERE status = 'accepted'");
    assert_string_equal(text, "{\"id\":\"SDI-77\",\"status\":\"accepted\"}");
    free(text);
    /* One call, with the XML the store froze. */
    FILE *l = fopen(log, "r");
    assert_non_null(l);
    char buf[65536];
    size_t len = fread(buf, 1, sizeof buf - 1, l);
    fclose(l);
    buf[len] = '\0';
    json_error_t err;
    json_t *req = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, &err);
    assert_non_null(req);
    assert_string_equal(json_string_value(json_object_get(req, "key")), "2026/000001:sdi");
    char *xml = testdb_q1_text(f->path, "SELECT fatturapa FROM documents");
    assert_string_equal(json_string_value(json_object_get(req, "xml")), xml);
    free(xml);
    json_decref(req);
}

/* migrate's copy takes the documents, their numbers, credits and sends. */
static void copy_keeps_documents(void **state)
{
    struct fx *f = *state;
    struct billing_change c = change(f, 1, "gotomeeting", NULL, 7);
    free(place(f, 1, &c, "copy-1", NULL, BC_OK));
    c = change(f, 1, "gotomeeting", NULL, 5);
    free(place(f, 1, &c, "copy-2", NULL, BC_OK));
    int attempt;
    enum store_send_status st;
    assert_int_equal(store_document_send_claim(f->s, 1, STORE_SEND_SDI, 100, 0, &attempt, &st), BC_OK);
    char target[512];
    testdb_new_in(f->dir, "copy.db", target, sizeof target);
    struct store *dst = NULL;
    assert_int_equal(store_open(target, STORE_OPEN_CREATE, &dst), BC_OK);
    struct store_copy_table tables[64];
    size_t n = 0;
    assert_true(store_copy_tables() <= 64);
    enum bc_status cst = store_copy(f->s, dst, tables, &n);
    if (cst != BC_OK)
        fail_msg("copy: %s %s / %s", bc_status_code(cst), store_errmsg(f->s), store_errmsg(dst));
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(tables[i].table, "documents") == 0) {
            seen = true;
            assert_int_equal(tables[i].rows, 2);
        }
    assert_true(seen);
    struct store_document a, b;
    assert_int_equal(store_document_by_number(f->s, "NC 2026/000001", &a), BC_OK);
    assert_int_equal(store_document_by_number(dst, "NC 2026/000001", &b), BC_OK);
    assert_string_equal(a.model, b.model);
    assert_string_equal(a.fatturapa, b.fatturapa);
    assert_int_equal(a.id, b.id);
    store_document_clear(&a);
    store_document_clear(&b);
    struct store_doc_ref *refs;
    size_t nrefs;
    assert_int_equal(store_document_credits(dst, 2, &refs, &nrefs), BC_OK);
    assert_int_equal(nrefs, 1);
    assert_string_equal(refs[0].number, "2026/000001");
    free(refs);
    assert_int_equal(testdb_int(dst, "SELECT count(*) FROM document_sends"), 1);
    /* The copy numbers on from where the source was. */
    assert_int_equal(testdb_int(dst, "SELECT last FROM document_numbers WHERE series = ''"), 1);
    store_close(dst);
    testdb_drop(target);
}

/* A version 6 file (SQLite: built step by step) with an order: the upgrade
 * to 8 keeps it and gives it no document; documents begin with the first
 * order placed after it. */
/* Replaces the fixture's database with a SQLite file of schema `version`
 * made from the steps, holding `rows`, and opens it (which lifts it). */
static void open_old_file(struct fx *f, int version, const char *rows)
{
    store_close(f->s);
    f->s = NULL;
    testdb_drop(f->path);
    snprintf(f->path, sizeof f->path, "%s/v%d.db", f->dir, version);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    for (int v = 1; v <= version; v++)
        assert_int_equal(sqlite3_exec(db, store_schema_step(v), NULL, NULL, NULL), SQLITE_OK);
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version);
    assert_int_equal(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, pragma, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    chmod(f->path, 0600);
    assert_int_equal(store_open(f->path, STORE_OPEN_EXISTING, &f->s), BC_OK);
}

static void upgrade_gives_old_orders_no_document(void **state)
{
    struct fx *f = *state;
    open_old_file(f, 6,
        "INSERT INTO accounts(id, name, kind, currency, country) VALUES(1, 'Old', 'standard', 'EUR', 'IT');"
        "INSERT INTO orders(account_id, idempotency_key, currency, day, created_at, subtotal_minor,"
        " tax_minor, total_minor, balance_applied_minor, due_minor, balance_after_minor, actor)"
        " VALUES(1, 'old-key', 'EUR', 20782, 0, 100, 22, 122, 0, 122, 0, 'alice');");
    assert_int_equal(testdb_int(f->s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM orders"), 1);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM documents"), 0);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM document_numbers"), 0);
    /* v9: the VAT number evidence; the old order has none. */
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM order_vat_checks"), 0);
    struct store_order old;
    assert_int_equal(store_order_by_key(f->s, "old-key", &old), BC_OK);
    assert_false(old.vat_check.present);
    store_order_clear(&old);
    struct store_account a;
    assert_int_equal(store_account_get(f->s, 1, &a), BC_OK);
    assert_string_equal(a.name, "Old");
    assert_null(a.tax_code);
    assert_null(a.street);
    store_account_clear(&a);
}

/* v11: a database with documents when it is lifted gets their outbox from
 * what each channel has accepted so far (SQLite: a v10 file made from the
 * steps; PostgreSQL databases take the same step through the same SQL). */
static void upgrade_fills_the_outbox(void **state)
{
    struct fx *f = *state;
    open_old_file(f, 10,
        "INSERT INTO accounts(id, name, kind, currency, country) VALUES(1, 'Old', 'standard', 'EUR', 'IT');"
        "INSERT INTO orders(id, account_id, idempotency_key, currency, day, created_at, subtotal_minor,"
        " tax_minor, total_minor, balance_applied_minor, due_minor, balance_after_minor, actor)"
        " VALUES(1, 1, 'old-key', 'EUR', 20782, 0, 100, 22, 122, 0, 122, 0, 'alice');"
        "INSERT INTO documents(id, kind, series, year, sequence, number, order_id, account_id,"
        " issued_on, currency, total_minor, tax_minor, model, fatturapa) VALUES"
        " (1, 'invoice', '', 2026, 1, '2026/000001', 1, 1, 20782, 'EUR', 122, 22, '{}', '<x/>'),"
        " (2, 'credit_note', 'NC', 2026, 1, 'NC 2026/000001', 1, 1, 20782, 'EUR', 10, 2, '{}', '<x/>');"
        "INSERT INTO document_sends(document_id, channel, attempt, at, status, reply) VALUES"
        " (1, 'sdi', 1, 0, 'sending', NULL), (1, 'sdi', 1, 1, 'accepted', NULL),"
        " (2, 'send', 1, 0, 'sending', NULL), (2, 'send', 1, 1, 'rejected', NULL);");
    assert_int_equal(testdb_int(f->s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM document_outbox"), 3);
    int64_t *ids;
    size_t n;
    assert_int_equal(store_documents_unsent(f->s, STORE_SEND_SDI, &ids, &n), BC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 2);
    free(ids);
    assert_int_equal(store_documents_unsent(f->s, STORE_SEND_EMAIL, &ids, &n), BC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 2);
    free(ids);
    /* From now on the triggers keep it: an acceptance takes the row out. */
    assert_int_equal(store_document_send_result(f->s, 2, STORE_SEND_EMAIL, 2, STORE_SEND_ACCEPTED,
                                                NULL, 2), BC_OK);
    assert_int_equal(store_documents_unsent(f->s, STORE_SEND_EMAIL, &ids, &n), BC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 1);
    free(ids);
}

static int group_setup(void **state)
{
    (void)state;
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(FATTURAPA_XSD);
    schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    if (!schema) {
        fprintf(stderr, "cannot load %s\n", FATTURAPA_XSD);
        return -1;
    }
    return 0;
}

int main(void)
{
    if (group_setup(NULL) != 0)
        return 1;
    const struct CMUnitTest both[] = {
        cmocka_unit_test_setup_teardown(every_account_kind, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(credit_note_links_its_invoice, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(numbers_are_gapless_across_refusals, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(a_failed_document_rolls_the_order_back, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(placed_documents_are_frozen, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(replay_writes_no_second_document, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(concurrent_orders_number_without_gaps, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(demo_accounts_can_be_invoiced, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(send_attempts_are_claimed, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(invoice_send_through_a_hook, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(copy_keeps_documents, setup_demo, teardown),
        cmocka_unit_test_setup_teardown(schema_has_documents, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(documents_are_append_only, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(numbers_only_move_forward, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(account_billing_profile_round_trip, setup_empty, teardown),
    };
    const struct CMUnitTest sqlite_only[] = {
        cmocka_unit_test_setup_teardown(upgrade_gives_old_orders_no_document, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(upgrade_fills_the_outbox, setup_empty, teardown),
    };
    return TESTDB_RUN(both, sqlite_only, NULL, NULL);
}
