/* bench_docs.c — what an order's fiscal document costs (issue 14's rows),
 * each against a peer measured in the same run:
 *
 *  1. FatturaPA XML written per second of CPU (doc_write_fatturapa), peer
 *     libxml2 serialising the same XML as a tree (the file parsed once into
 *     an xmlDoc, then xmlDocDumpMemory of it) and the bare copy of its bytes;
 *  2. PDF invoices rendered per second of CPU (doc_write_pdf) and the size
 *     of one;
 *  3. orders placed through billing_place with their document against the
 *     same orders with documents switched off (struct billing's
 *     bench_no_documents), on two identical demo databases, in alternating
 *     blocks so that disk and CPU noise hit both sides.
 *
 * The document of rows 1 and 2 is one the program issued: account 1 of the
 * demo database (Rossi Consulting, IT, codice destinatario) checks out a
 * cart of one seat more on each of its two subscriptions, paid by the card
 * on file; its stored model is read back with doc_read_json, as `invoice
 * show` does.
 *
 * BC_BENCH_DOCS_ACCOUNTS (default 3000) sizes the demo database,
 * BC_BENCH_DOCS_ORDERS (default 1000) caps the orders of each side,
 * BC_BENCH_DOCS_MS (default 2000) is the CPU time each writer of rows 1-2
 * runs for; BC_BENCH_DOCS_PDF=FILE keeps the PDF rendered. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "bench.h"
#include "billing.h"
#include "catalog.h"
#include "demo.h"
#include "doc_read.h"
#include "doc_write.h"
#include "payment.h"
#include "store.h"

#define BLOCK 25
#define ROW_XML "FatturaPA XML written per second (one core)"
#define ROW_PDF "PDF invoices rendered per second; size of one"
#define ROW_ORDERS "orders with their document vs the same orders without documents"
#define TARGET_XML ">= 5,000/s"
#define TARGET_PDF ">= 100/s and <= 60 KB (fonts subset)"
#define TARGET_ORDERS ">= 0.9 x"

static void session(struct billing *b, struct store *s, const struct catalog *c,
                    struct payment_processor *p, bc_day today)
{
    *b = (struct billing){.store = s, .catalog = c, .processor = p, .today = today};
    b->actor.kind = BILLING_ACTOR_OPERATOR;
    b->actor.op_role = STORE_OP_ADMIN;
    snprintf(b->actor.name, sizeof b->actor.name, "bench");
    snprintf(b->actor.origin, sizeof b->actor.origin, "local");
}

/* ---------------------------------------------------------------- the document */

/* Account 1's cart of one seat more on each subscription, checked out; its
 * issued document read back from the store. */
static struct doc *issued_document(struct billing *b, struct billing_result *res)
{
    struct store_subscription_list subs = {0};
    if (store_subscriptions(b->store, 1, &subs) != BC_OK)
        return NULL;
    size_t items = 0;
    for (size_t i = 0; i < subs.n; i++) {
        const struct store_subscription *x = &subs.items[i];
        if (x->status != STORE_SUB_ACTIVE)
            continue;
        struct billing_change ch = {.subscription_id = x->id, .to_seats = x->seats + 1,
                                    .to_period = x->period};
        snprintf(ch.product, sizeof ch.product, "%s", x->product);
        snprintf(ch.to_plan, sizeof ch.to_plan, "%s", x->plan);
        if (billing_cart_put(b, 1, &ch) == BC_OK)
            items++;
    }
    store_subscription_list_clear(&subs);
    enum bc_status st = items ? billing_place(b, 1, NULL, "bench-docs-cart", -1, NULL, res)
                              : BC_NOT_FOUND;
    if (st != BC_OK || res->order_id <= 0 || !res->document[0]) {
        fprintf(stderr, "bench_docs: account 1's cart (%zu items): %s %s\n", items,
                bc_status_code(st), res->document_why);
        return NULL;
    }
    struct store_document sd = {0};
    struct doc *d = NULL;
    char why[256] = "";
    if (store_document_by_order(b->store, res->order_id, &sd) != BC_OK || !sd.model ||
        doc_read_json(sd.model, &d, why, sizeof why) != BC_OK)
        fprintf(stderr, "bench_docs: document of order %lld: %s\n", (long long)res->order_id, why);
    store_document_clear(&sd);
    return d;
}

/* ---------------------------------------------------------------- rows 1 and 2 */

struct cpu_side {
    int64_t ns;
    size_t n;
};

static double per_cpu_second(const struct cpu_side *s)
{
    return s->ns > 0 ? (double)s->n / ((double)s->ns / 1e9) : 0;
}

enum writer { W_FATTURAPA, W_LIBXML2, W_COPY, W_PDF };

/* One run of a writer; false when it failed. */
static bool write_once(enum writer w, const struct doc *d, xmlDocPtr tree, const struct doc_bytes *xml,
                       size_t *bytes)
{
    struct doc_style style = {DOC_LANG_IT, false, DOC_PAPER_A4};
    struct doc_bytes out = {0};
    bool ok = false;
    switch (w) {
    case W_FATTURAPA:
        ok = doc_write_fatturapa(d, &out) == BC_OK;
        *bytes = out.len;
        doc_bytes_free(&out);
        break;
    case W_PDF:
        ok = doc_write_pdf(d, &style, &out) == BC_OK;
        *bytes = out.len;
        doc_bytes_free(&out);
        break;
    case W_LIBXML2: {
        xmlChar *mem = NULL;
        int size = 0;
        xmlDocDumpMemoryEnc(tree, &mem, &size, "UTF-8");
        ok = mem != NULL && size > 0;
        *bytes = size > 0 ? (size_t)size : 0;
        xmlFree(mem);
        break;
    }
    case W_COPY: {
        char *copy = malloc(xml->len + 1);
        if (copy) {
            memcpy(copy, xml->data, xml->len + 1);
            /* Keep the copy from being optimised away. */
            ok = copy[xml->len / 2] == xml->data[xml->len / 2];
        }
        *bytes = xml->len;
        free(copy);
        break;
    }
    }
    return ok;
}

/* The writers in `ws`, in turn, ROUNDS times: in each round every writer
 * runs blocks of `block` until it has had its share of `ms` of CPU, so that
 * each gets the same CPU time, spread over the run. */
#define ROUNDS 5
static bool measure_writers(const enum writer *ws, size_t nw, size_t block, long ms,
                            const struct doc *d, xmlDocPtr tree, const struct doc_bytes *xml,
                            struct cpu_side *out, size_t *bytes)
{
    memset(out, 0, nw * sizeof *out);
    int64_t budget = (int64_t)ms * 1000000;
    for (int round = 1; round <= ROUNDS; round++)
        for (size_t k = 0; k < nw; k++) {
            size_t i = (k + (size_t)round) % nw;   /* each writer first in turn */
            while (out[i].ns < budget * round / ROUNDS) {
                int64_t t0 = bench_cpu_ns();
                for (size_t r = 0; r < block; r++)
                    if (!write_once(ws[i], d, tree, xml, &bytes[i]))
                        return false;
                out[i].ns += bench_cpu_ns() - t0;
                out[i].n += block;
            }
        }
    return true;
}

static bool row_xml(const struct doc *d, long ms)
{
    struct doc_bytes xml = {0};
    if (doc_write_fatturapa(d, &xml) != BC_OK) {
        bench_row(ROW_XML, "ERROR", TARGET_XML, "- (doc_write_fatturapa failed)", "no");
        return false;
    }
    /* The same XML as a libxml2 tree, blanks kept, so that dumping it
     * writes what doc_write_fatturapa writes. */
    xmlDocPtr tree = xmlReadMemory(xml.data, (int)xml.len, "fattura.xml", NULL, XML_PARSE_NONET);
    if (!tree) {
        bench_row(ROW_XML, "ERROR", TARGET_XML, "- (libxml2 cannot read the XML)", "no");
        doc_bytes_free(&xml);
        return false;
    }
    enum writer ws[] = {W_FATTURAPA, W_LIBXML2, W_COPY};
    struct cpu_side m[3];
    size_t bytes[3] = {0};
    bool ok = measure_writers(ws, 3, 20, ms, d, tree, &xml, m, bytes);
    if (ok) {
        double own = per_cpu_second(&m[0]), lx = per_cpu_second(&m[1]), cp = per_cpu_second(&m[2]);
        char g[3][32], v[128], cmp[384];
        fprintf(stderr, "bench_docs: FatturaPA: %zu writes in %.2f s CPU (%.0f/s, %zu bytes,"
                        " %zu lines); libxml2 xmlDocDumpMemory of the same tree %.0f/s (%zu bytes);"
                        " bare copy %.0f/s\n", m[0].n, (double)m[0].ns / 1e9, own, bytes[0],
                d->nlines, lx, bytes[1], cp);
        snprintf(v, sizeof v, "%s documents/s of CPU (%.1f us each, %zu bytes, %zu lines, IT customer)",
                 bench_grouped(g[0], sizeof g[0], own), own > 0 ? 1e6 / own : 0, bytes[0], d->nlines);
        snprintf(cmp, sizeof cmp, "libxml2 serialising the same XML as a ready tree (xmlDocDumpMemory):"
                 " %s/s, ours %.2f x of it; bare copy of the same bytes: %s/s (%zu and %zu runs)",
                 bench_grouped(g[1], sizeof g[1], lx), lx > 0 ? own / lx : 0,
                 bench_grouped(g[2], sizeof g[2], cp), m[0].n, m[1].n);
        bench_row(ROW_XML, v, TARGET_XML, cmp, bench_met(own >= 5000));
    } else {
        bench_row(ROW_XML, "ERROR", TARGET_XML, "- (a writer failed)", "no");
    }
    xmlFreeDoc(tree);
    doc_bytes_free(&xml);
    return ok;
}

static bool row_pdf(const struct doc *d, long ms)
{
    struct doc_style style = {DOC_LANG_IT, false, DOC_PAPER_A4};
    struct doc_bytes pdf = {0};
    /* The first render loads the fonts (fontconfig): timed apart. */
    int64_t t0 = bench_cpu_ns();
    enum bc_status st = doc_write_pdf(d, &style, &pdf);
    int64_t first = bench_cpu_ns() - t0;
    if (st != BC_OK || pdf.len < 5 || memcmp(pdf.data, "%PDF-", 5) != 0) {
        bench_row(ROW_PDF, "ERROR", TARGET_PDF, "- (doc_write_pdf failed)", "no");
        doc_bytes_free(&pdf);
        return false;
    }
    size_t size = pdf.len;
    const char *keep = getenv("BC_BENCH_DOCS_PDF");   /* to look at it: pdffonts, pdftotext */
    FILE *f = keep && *keep ? fopen(keep, "wb") : NULL;
    if (f) {
        fwrite(pdf.data, 1, pdf.len, f);
        fclose(f);
    }
    doc_bytes_free(&pdf);
    enum writer ws[] = {W_PDF};
    struct cpu_side m;
    size_t bytes = 0;
    if (!measure_writers(ws, 1, 2, ms, d, NULL, NULL, &m, &bytes)) {
        bench_row(ROW_PDF, "ERROR", TARGET_PDF, "- (doc_write_pdf failed)", "no");
        return false;
    }
    double r = per_cpu_second(&m);
    char v[160], cmp[256];
    fprintf(stderr, "bench_docs: PDF: first render %.1f ms CPU (fonts loaded), then %zu renders in"
                    " %.2f s CPU (%.1f/s), %zu bytes\n", (double)first / 1e6, m.n,
            (double)m.ns / 1e9, r, size);
    snprintf(v, sizeof v, "%.0f documents/s of CPU (%.1f ms each); %.1f KB (%zu bytes)", r,
             r > 0 ? 1e3 / r : 0, (double)size / 1024, size);
    snprintf(cmp, sizeof cmp, "- (A4, Italian, the same %zu-line document; %zu renders after a"
             " first one of %.0f ms CPU that loads the fonts)", d->nlines, m.n, (double)first / 1e6);
    bench_row(ROW_PDF, v, TARGET_PDF, cmp, bench_met(r >= 100 && size <= 60 * 1024));
    return true;
}

/* ---------------------------------------------------------------- row 3 */

/* Up to max changes billing_place accepts, one per account from id 11:
 * one seat more (an invoice, paid by the card on file) and one fewer (a
 * credit note) in turn. */
static size_t collect_changes(struct billing *b, int64_t naccounts, struct billing_change *out,
                              int64_t *accts, size_t max)
{
    size_t n = 0;
    int y, m, day;
    date_to_civil(b->today, &y, &m, &day);
    struct billing_quote *q = malloc(sizeof *q);
    if (!q)
        return 0;
    for (int64_t id = 11; id <= naccounts && n < max; id++) {
        bool more = n % 2 == 0;
        struct store_account a = {0};
        if (store_account_get(b->store, id, &a) != BC_OK)
            continue;
        bool standard = a.kind == STORE_ACCOUNT_STANDARD;
        store_account_clear(&a);
        struct store_card card;
        bool card_ok = store_card_get(b->store, id, &card) == BC_OK &&
                       card_expiry_ok(card.exp_month, card.exp_year, y, m);
        struct store_subscription_list subs = {0};
        if (!standard || store_subscriptions(b->store, id, &subs) != BC_OK)
            continue;
        for (size_t i = 0; i < subs.n; i++) {
            const struct store_subscription *x = &subs.items[i];
            if (x->status != STORE_SUB_ACTIVE)
                continue;
            struct billing_change *ch = &out[n];
            *ch = (struct billing_change){.subscription_id = x->id,
                                          .to_seats = more ? x->seats + 1 : x->seats - 1,
                                          .to_period = x->period};
            snprintf(ch->product, sizeof ch->product, "%s", x->product);
            snprintf(ch->to_plan, sizeof ch->to_plan, "%s", x->plan);
            if (ch->to_seats < 1 || billing_quote_change(b, id, ch, q) != BC_OK ||
                q->refusal != BC_OK || (q->totals.due > 0 && !card_ok) ||
                (q->totals.total >= 0) != more)
                continue;
            accts[n++] = id;
            break;
        }
        store_subscription_list_clear(&subs);
    }
    free(q);
    return n;
}

struct order_side {
    int64_t wall, cpu;
    size_t n, docs;
};

static bool place_block(struct billing *b, const struct billing_change *chs, const int64_t *accts,
                        size_t start, size_t end, const char *prefix, struct billing_result *res,
                        struct order_side *side)
{
    int64_t w0 = bench_now_ns(), c0 = bench_cpu_ns();
    for (size_t i = start; i < end; i++) {
        char key[48];
        snprintf(key, sizeof key, "%s-%zu", prefix, i);
        enum bc_status st = billing_place(b, accts[i], &chs[i], key, -1, NULL, res);
        if (st != BC_OK || res->replayed || res->order_id <= 0) {
            fprintf(stderr, "bench_docs: billing_place (account %lld, %s): %s %s\n",
                    (long long)accts[i], prefix, bc_status_code(st), res->document_why);
            return false;
        }
        side->docs += res->document[0] != '\0';
    }
    side->wall += bench_now_ns() - w0;
    side->cpu += bench_cpu_ns() - c0;
    side->n += end - start;
    return true;
}

static double rate_of(int64_t ns, size_t n)
{
    return ns > 0 ? (double)n / ((double)ns / 1e9) : 0;
}

static bool row_orders(struct billing *with, struct billing *without, int64_t naccounts, size_t max,
                       struct billing_result *res)
{
    struct billing_change *chs = calloc(max ? max : 1, sizeof *chs);
    int64_t *accts = calloc(max ? max : 1, sizeof *accts);
    size_t n = chs && accts ? collect_changes(with, naccounts, chs, accts, max) : 0;
    struct order_side d = {0}, nd = {0};
    bool ok = n >= 2;
    if (!ok)
        fprintf(stderr, "bench_docs: too few orders to place (%zu)\n", n);
    for (size_t start = 0, k = 0; ok && start < n; start += BLOCK, k++) {
        size_t end = start + BLOCK < n ? start + BLOCK : n;
        /* Each side first in turn: the first of a block pays for the cache. */
        if (k % 2 == 0)
            ok = place_block(with, chs, accts, start, end, "docs", res, &d) &&
                 place_block(without, chs, accts, start, end, "none", res, &nd);
        else
            ok = place_block(without, chs, accts, start, end, "none", res, &nd) &&
                 place_block(with, chs, accts, start, end, "docs", res, &d);
    }
    if (ok && (d.docs != d.n || nd.docs != 0)) {
        fprintf(stderr, "bench_docs: %zu of %zu orders with documents had one, %zu of %zu without\n",
                d.docs, d.n, nd.docs, nd.n);
        ok = false;
    }
    if (ok) {
        double rw = rate_of(d.wall, d.n), rn = rate_of(nd.wall, nd.n);
        double cw = rate_of(d.cpu, d.n), cn = rate_of(nd.cpu, nd.n);
        double ratio = rn > 0 ? rw / rn : 0;
        char v[160], cmp[384];
        fprintf(stderr, "bench_docs: orders: %zu each side (half invoices paid by card, half credit"
                        " notes); with documents %.0f/s wall, %.0f/s CPU; without %.0f/s wall,"
                        " %.0f/s CPU; ratio %.3f wall, %.3f CPU; documents cost %.0f us CPU per"
                        " order\n", d.n, rw, cw, rn, cn, ratio, cn > 0 ? cw / cn : 0,
                ((double)d.cpu - (double)nd.cpu) / (double)d.n / 1e3);
        snprintf(v, sizeof v, "%.2f x (%.0f orders/s with their document; %.2f x of CPU)", ratio, rw,
                 cn > 0 ? cw / cn : 0);
        snprintf(cmp, sizeof cmp, "the same billing_place with documents switched off: %.0f orders/s"
                 " (%zu orders each side, synchronous=FULL, half invoices paid by card, half credit"
                 " notes; alternating blocks of %d)", rn, d.n, BLOCK);
        bench_row(ROW_ORDERS, v, TARGET_ORDERS, cmp, bench_met(ratio >= 0.9));
    } else {
        bench_row(ROW_ORDERS, "ERROR", TARGET_ORDERS, "-", "no");
    }
    free(chs);
    free(accts);
    return ok;
}

/* ---------------------------------------------------------------- main */

int main(void)
{
    int64_t naccounts = bench_env_long("BC_BENCH_DOCS_ACCOUNTS", 3000);
    size_t max_orders = (size_t)bench_env_long("BC_BENCH_DOCS_ORDERS", 1000);
    long ms = bench_env_long("BC_BENCH_DOCS_MS", 2000);
    if (naccounts < 20)
        naccounts = 20;
    char dir[] = "/tmp/bc-bench-docs-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char a_path[256], b_path[256], err[512];
    snprintf(a_path, sizeof a_path, "%s/with.db", dir);
    snprintf(b_path, sizeof b_path, "%s/without.db", dir);
    bc_day today = date_from_civil(2026, 11, 25);
    struct catalog *c = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    struct store *sa = NULL, *sb = NULL;
    struct payment_processor *pa = NULL, *pb = NULL;
    struct billing_result *res = malloc(sizeof *res);
    struct doc *d = NULL;
    bool ok = c && res && store_open(a_path, STORE_OPEN_CREATE, &sa) == BC_OK &&
              demo_generate(sa, c, today, naccounts, NULL, NULL) == BC_OK;
    if (sa)
        store_close(sa);
    sa = NULL;
    ok = ok && bench_copy_file(a_path, b_path) && store_open(a_path, STORE_OPEN_EXISTING, &sa) == BC_OK &&
         store_open(b_path, STORE_OPEN_EXISTING, &sb) == BC_OK;
    if (!ok) {
        fprintf(stderr, "bench_docs: cannot make the demo databases: %s\n", c ? "store" : err);
        bench_row(ROW_XML, "ERROR", TARGET_XML, "-", "no");
        bench_row(ROW_PDF, "ERROR", TARGET_PDF, "-", "no");
        bench_row(ROW_ORDERS, "ERROR", TARGET_ORDERS, "-", "no");
        goto out;
    }
    pa = payment_test_create(sa);
    pb = payment_test_create(sb);
    struct billing with, without;
    session(&with, sa, c, pa, today);
    session(&without, sb, c, pb, today);
    without.bench_no_documents = true;

    /* Row 3 first, on databases no other order has touched. */
    ok = row_orders(&with, &without, naccounts, max_orders, res);
    d = issued_document(&with, res);
    if (!d) {
        bench_row(ROW_XML, "ERROR", TARGET_XML, "- (no document to write)", "no");
        bench_row(ROW_PDF, "ERROR", TARGET_PDF, "- (no document to render)", "no");
        ok = false;
        goto out;
    }
    ok = row_xml(d, ms) && ok;
    ok = row_pdf(d, ms) && ok;
out:
    doc_destroy(d);
    free(res);
    payment_destroy(pa);
    payment_destroy(pb);
    store_close(sa);
    store_close(sb);
    catalog_destroy(c);
    xmlCleanupParser();
    bench_rm_tree(dir);
    return ok ? 0 : 1;
}
