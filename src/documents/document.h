/* document.h — the one model of a fiscal document (SPEC §9): an invoice
 * (FatturaPA TD01) or a credit note (TD04), built once from a plain
 * description of an order and then only read by the writers (doc_write.h),
 * so that the text, JSON, PDF and FatturaPA renderings show the same
 * figures. No database here: billing fills a doc_input from an order.
 *
 * Figures are what the document states: a credit note states what it
 * credits as positive amounts, so its lines are the order's lines with the
 * sign turned (doc->sign is -1; doc->total * doc->sign is the order's T).
 * Money is int64_t minor units of doc->currency (doc->exponent decimals). */
#ifndef BC_DOCUMENT_H
#define BC_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "status.h"
#include "vat.h"

enum doc_kind {
    DOC_INVOICE,        /* TD01: the order's T >= 0 */
    DOC_CREDIT_NOTE,    /* TD04: T < 0, crediting earlier invoices */
};

/* Why a line bears the VAT it bears. FatturaPA's Natura for each: an EU
 * business with a valid VAT number and a customer outside the EU are both
 * outside the scope of Italian VAT by Art. 7-ter DPR 633/72 (N2.1; the
 * first reverse-charged by the customer, Art. 196 Directive 2006/112/EC);
 * an EU consumer of another country pays that country's VAT, which the
 * seller declares through the One-Stop Shop (N7). N6.x, the domestic
 * reverse charge, does not arise for these services. */
enum doc_vat {
    DOC_VAT_DOMESTIC,         /* the seller's country's VAT; no Natura */
    DOC_VAT_OSS,              /* another EU country's VAT for a consumer: N7 */
    DOC_VAT_REVERSE_CHARGE,   /* rate 0, the customer accounts for it: N2.1 */
    DOC_VAT_OUT_OF_SCOPE,     /* customer outside the EU, rate 0: N2.1 */
};

enum doc_line_kind {
    DOC_LINE_CHARGE,          /* a plan's seats for a period */
    DOC_LINE_CREDIT,          /* the unused part of what was billed before */
};

#define DOC_NUMBER_MAX 20     /* FatturaPA Numero */

struct doc_address {
    char *street;             /* required */
    char *number;             /* civic number, NULL when none */
    char *postcode;           /* NULL when none (abroad) */
    char *city;               /* required */
    char province[3];         /* Italy: "MI"; "" elsewhere */
    char country[3];          /* ISO 3166 */
};

struct doc_party {
    char *name;               /* legal name */
    char *first_name;         /* a person: both set (FatturaPA Nome, Cognome) */
    char *last_name;
    char *vat_number;         /* without the country prefix; NULL when none */
    char *tax_code;           /* codice fiscale; NULL when none */
    struct doc_address address;
    char tax_regime[5];       /* seller: "RF01"; customer: "" */
    char codice_destinatario[8]; /* customer: as sent ("0000000", "XXXXXXX" abroad) */
    char *pec;                /* customer's PEC, NULL when none */
};

struct doc_line {
    enum doc_line_kind kind;
    char *product;            /* "GoToMeeting" */
    char *plan;               /* "Business" */
    int seats;
    enum bc_period period;    /* the plan's billing frequency */
    bc_day first_day, last_day; /* the days it covers, both included */
    int64_t quantity;         /* seats, or 1 when they do not divide the amount */
    int64_t unit_price;       /* amount = quantity * unit_price, exactly */
    int64_t amount;
    int32_t rate_bp;          /* 2200 = 22 %; 0 unless DOMESTIC or OSS */
    enum doc_vat vat_kind;
    int64_t vat;              /* round(amount * rate), once per line (SPEC §3) */
};

/* One row of the VAT summary: the lines of one rate and one reason. */
struct doc_vat_sum {
    int32_t rate_bp;
    enum doc_vat vat_kind;
    int64_t taxable;          /* sum of the lines' amounts */
    int64_t vat;              /* sum of the lines' VAT */
};

/* An earlier invoice that a credit note credits. */
struct doc_ref {
    char number[DOC_NUMBER_MAX + 1];
    bc_day date;
};

struct doc_payment {
    int64_t balance_applied;  /* invoice: the account's credit used */
    int64_t card_charged;     /* invoice: charged to the card */
    char card[40];            /* "visa •••• 4242", "" when no card */
    int64_t due;              /* invoice: still to be paid */
    int64_t balance_credited; /* credit note: added to the credit balance */
};

/* How the customer's VAT number was checked for the order (SPEC §9): a
 * note of the document, outside the FatturaPA file. method "" when the
 * order relied on no VAT number. */
struct doc_vat_check {
    char method[8];           /* "vies" or "offline" */
    char consultation[128];   /* VIES request identifier, "" when none */
    bc_day checked_on;
};

struct doc {
    enum doc_kind kind;
    int sign;                 /* +1 invoice, -1 credit note: order figure = sign * document figure */
    char number[DOC_NUMBER_MAX + 1]; /* "2026/000001", "NC 2026/000001" */
    int year;
    int64_t sequence;         /* the number within its series and year */
    bc_day date;              /* issue date */
    uint32_t progressive;     /* SdI file progressive (>= 1): unique per file sent */
    char currency[4];
    int exponent;             /* ISO 4217 minor-unit digits (JPY: 0) */
    struct doc_party seller, customer;
    bool customer_in_eu;      /* the customer's country is in the VAT table */
    struct doc_line *lines;
    size_t nlines;
    struct doc_vat_sum *vat_sums;   /* by rate, then reason; from the lines */
    size_t nvat_sums;
    struct doc_ref *credits;  /* credit note: the invoices it credits */
    size_t ncredits;
    int64_t subtotal;         /* sum of the lines */
    int64_t vat_total;        /* sum of the lines' VAT */
    int64_t total;            /* subtotal + vat_total: "Totale documento" */
    struct doc_payment payment;
    struct doc_vat_check vat_check;
};

/* ---- building ---------------------------------------------------------- */

/* What billing knows of a party; strings borrowed for the call. */
struct doc_party_input {
    const char *name;
    const char *first_name, *last_name;  /* a person, or both NULL */
    const char *country;                 /* "IT" */
    const char *vat_number;              /* with or without prefix, or NULL */
    const char *tax_code;                /* codice fiscale, or NULL */
    const char *street, *number, *postcode, *city, *province;
    const char *tax_regime;              /* seller only */
    const char *codice_destinatario;     /* Italian customer: NULL means "0000000" */
    const char *pec;                     /* Italian customer: or NULL */
};

/* One line of the order as billing has it: figures with the order's signs
 * (a credit is negative). Its VAT is given, as the order computed it, and
 * must equal round(amount * rate_bp / 10000). */
struct doc_line_input {
    enum doc_line_kind kind;
    const char *product, *plan;
    int seats;                           /* >= 1 */
    enum bc_period period;
    bc_day from, to;                     /* [from, to), to > from */
    int64_t amount;
    int32_t rate_bp;
    enum doc_vat vat_kind;
    int64_t vat;
};

struct doc_input {
    enum doc_kind kind;
    const char *invoice_series;          /* the catalog's series */
    const char *credit_note_series;
    int number_digits;                   /* 1..9 */
    int64_t sequence;                    /* >= 1, within the series and year */
    bc_day date;
    uint32_t progressive;                /* >= 1, < 36^5 */
    const char *currency;
    bool customer_in_eu;
    struct doc_party_input seller, customer;
    const struct doc_line_input *lines;
    size_t nlines;
    const struct doc_ref *credits;       /* credit note: >= 1, unless credits_unrecorded */
    size_t ncredits;
    /* A credit note for what was billed before documents were issued here
     * (an order placed before schema 7): no invoice on record to name. */
    bool credits_unrecorded;
    /* How the order was paid, in the order's terms (SPEC §3). */
    int64_t balance_applied;
    int64_t card_charged;
    const char *card;                    /* "visa •••• 4242" or NULL */
    /* The VAT number's check: "vies", "offline" or NULL (none). */
    const char *vat_check_method;
    const char *vat_consultation;        /* or NULL */
    bc_day vat_checked_on;
};

struct catalog;
/* The seller as the catalog describes it (strings borrowed from it). */
void doc_seller_input(const struct catalog *c, struct doc_party_input *out);

/* The VAT reason of a line from SPEC §3's decision. */
enum doc_vat doc_vat_from_decision(const struct vat_decision *d, const char *seller_country,
                                   const char *customer_country);

/* Formats a document number: "[SERIES ]YYYY/NNNNNN" (digits zero-padded).
 * False when it would not fit in DOC_NUMBER_MAX or in `size`. */
bool doc_number_format(const char *series, int year, int64_t sequence, int digits,
                       char *buf, size_t size);

/* Builds the document. Refuses (BC_INVALID_ARGUMENT, with a short English
 * reason in `why` when non-NULL) what a fiscal document cannot say: an
 * invoice for T < 0 or a credit note for T >= 0, no lines, a seller without
 * VAT number, tax regime or address, a customer without name or address,
 * invalid identifiers, a line whose VAT is not its rate's, payments that do
 * not add up to the total. BC_OVERFLOW when a sum does not fit.
 * *out is caller-owned (doc_destroy). */
enum bc_status doc_build(const struct doc_input *in, struct doc **out, char *why, size_t whysize);
void doc_destroy(struct doc *d);   /* accepts NULL */

/* FatturaPA Natura of a VAT reason ("N2.1", "N7"), NULL for domestic VAT. */
const char *doc_vat_nature(enum doc_vat v);
/* Stable names for JSON: "domestic", "oss", "reverse_charge", "out_of_scope". */
const char *doc_vat_name(enum doc_vat v);
/* FatturaPA TipoDocumento: "TD01", "TD04". */
const char *doc_kind_code(enum doc_kind k);

#endif
