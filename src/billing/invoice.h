/* invoice.h — the fiscal document of every order (SPEC §9), as billing
 * makes it: built from the order's lines and VAT decision (document.h's
 * doc_build), numbered and written by the store inside the order's own
 * transaction (store_order_place_doc), so that an order that fails leaves
 * no document and no number. Every path that places an order — a change,
 * the cart, a renewal — prepares its document here:
 *
 *     struct billing_doc doc;
 *     st = billing_doc_prepare(b, &acct, NULL, NULL, &order, &vat, card, &doc);
 *     if (st == BC_OK)
 *         st = store_order_place_doc(..., billing_doc_issue(&doc), &state);
 *     ... doc.issue.number is the document's number ...
 *     billing_doc_clear(&doc);
 *
 * An invoice (TD01) when the order's total T is >= 0, a credit note (TD04)
 * crediting the latest invoice of each subscription it credits when T < 0;
 * no document for an order whose every line is zero (nothing to state). */
#ifndef BC_INVOICE_H
#define BC_INVOICE_H

#include <stdbool.h>
#include <stddef.h>

#include "billing.h"
#include "document.h"

struct billing_doc {
    struct billing *b;
    const struct store_order *order;
    struct doc_input in;               /* everything but number, progressive and credits */
    struct doc_line_input *lines;
    int64_t credited[BILLING_MAX_ITEMS]; /* subscriptions with a credit line */
    size_t ncredited;
    bool none;                         /* nothing to document */
    char card[40];
    struct store_doc_issue issue;      /* issue.number once written */
    char why[256];                     /* why the document could not be made */
};

/* Before anything is charged: whether a document can be issued for the
 * account at all — the catalog's seller (its VAT number, tax regime and
 * address: BC_SELLER_FISCAL_DATA_MISSING) and the account's billing
 * profile with the country and VAT number given at checkout (NULL: the
 * account's; vat_number "": none) (BC_BILLING_PROFILE_INCOMPLETE). The
 * reason, in English, in `why`. */
enum bc_status billing_doc_check(const struct billing *b, const struct store_account *acct,
                                 const char *country, const char *vat_number, char *why,
                                 size_t whysize);

/* Prepares the document of `order` (its lines, T and payment, all set),
 * whose lines were taxed by `vat`; `country`/`vat_number` as for
 * billing_doc_check; `card` the card it was charged to ("visa •••• 4242")
 * or NULL. b, acct and order are borrowed until the order is placed. */
enum bc_status billing_doc_prepare(struct billing *b, const struct store_account *acct,
                                   const char *country, const char *vat_number,
                                   const struct store_order *order, const struct vat_decision *vat,
                                   const char *card, struct billing_doc *doc);
/* What to hand store_order_place_doc: NULL when there is nothing to document. */
struct store_doc_issue *billing_doc_issue(struct billing_doc *doc);
void billing_doc_clear(struct billing_doc *doc);

#endif
