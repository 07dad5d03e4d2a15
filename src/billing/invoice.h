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
#include "doc_write.h"
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
    char *owned[12];                   /* the customer's texts, made valid UTF-8 */
    size_t nowned;
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

/* ---- handing documents on (invoice_send.c) ---- */

/* One hand-over `invoice send` tried or found done. */
struct billing_send_item {
    char number[STORE_DOC_NUMBER_MAX + 1];
    enum store_send_channel channel;
    int attempt;                       /* 0: not tried now (accepted before, or in flight) */
    enum store_send_status status;     /* accepted, rejected, failed; sending: another run has it */
    char reply_id[64];                 /* the receiver's id for it, "" when none */
    char message[160];                 /* what the receiver said, or why there is no reply */
};
struct billing_send_report {
    struct billing_send_item *items;
    size_t n;
    int accepted, rejected, failed, in_flight;
};
void billing_send_report_clear(struct billing_send_report *r);

/* SPEC §9's `invoice send`: hands every document a channel has not
 * accepted yet (or only the one numbered `number`) to the catalog's
 * documents.send_command (the e-mail to the account's billing contacts:
 * the document's JSON and its PDF in `lang`) and sdi.command (the
 * FatturaPA XML with its SdI file name), JSON on stdin, {"status":
 * "accepted"|"rejected", "id", "message"} on stdout. Each attempt is
 * claimed, then its reply recorded (document_sends): a channel that
 * accepted a document never gets it again, two runs never send one at
 * once, anything not accepted is tried again by the next run. Operators
 * who may change things only. BC_NOT_FOUND: no such document;
 * BC_INVALID_ARGUMENT: the catalog configures neither command. */
enum bc_status billing_invoice_send(struct billing *b, const char *number, enum doc_lang lang,
                                    struct billing_send_report *out);

#endif
