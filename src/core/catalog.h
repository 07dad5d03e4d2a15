/* catalog.h — the product catalog read from plans/NAME.yaml (SPEC §5).
 *
 * Loaded whole or not at all: any defect yields one "file:line:column: message"
 * diagnostic and no catalog. The loaded catalog is immutable and owned by the
 * caller (catalog_destroy). */
#ifndef BC_CATALOG_H
#define BC_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "ids.h"
#include "quote.h"

#define CATALOG_MAX_CURRENCIES 8
#define CATALOG_MAX_RETRY_DAYS 16
#define CATALOG_RETRY_DAY_MAX 365
#define CATALOG_TRIAL_DAYS_MAX 365

struct catalog_price {
    int64_t amount[2];                /* [BC_PERIOD_MONTHLY], [BC_PERIOD_ANNUAL], minor units */
};

struct catalog_plan {
    char *id;
    char *name;
    int rank;
    int seats_min, seats_max;
    char **features;
    size_t nfeatures;
    char **features_it;               /* the same features in Italian, or NULL */
    size_t nfeatures_it;              /* 0, or nfeatures */
    struct catalog_price prices[CATALOG_MAX_CURRENCIES]; /* index = catalog currency index */
};

/* A product's `downgrade:` rule (SPEC §8). SUPPORT is the default: a lower
 * tier asked for by a billing contact is refused, operators perform it.
 * END_OF_TERM lets billing contacts schedule a lower tier for the next
 * renewal. */
enum catalog_downgrade { CATALOG_DOWNGRADE_SUPPORT = 0, CATALOG_DOWNGRADE_END_OF_TERM = 1 };

struct catalog_product {
    char *id;
    char *name;
    char *seat_name;
    int trial_days;                   /* `trial: {days: N}`; 0 when the product has no trial */
    enum catalog_downgrade downgrade; /* `downgrade: support | end_of_term` */
    struct catalog_plan *plans;       /* sorted by rank, ascending */
    size_t nplans;
};

struct catalog_vat_rate {
    char country[3];
    int32_t rate_bp;
};

/* Where the seller is established, as fiscal documents print it. */
struct catalog_address {
    char *street;                     /* "Via Monte Napoleone" */
    char *number;                     /* civic number, NULL when none */
    char *postcode;                   /* CAP: 5 digits in Italy */
    char *city;
    char province[3];                 /* Italian province ("MI"), "" elsewhere */
};

#define CATALOG_SERIES_MAX 8          /* bytes of a document series' prefix */

struct catalog {
    char *seller_name;
    char seller_country[3];
    char *timezone;
    /* The seller's fiscal data for its documents (SPEC §9); each optional
     * in the file, NULL or "" when absent. */
    char *seller_vat_number;          /* partita IVA (IT) or VAT number, without the country prefix */
    char *seller_tax_code;            /* codice fiscale */
    char seller_tax_regime[5];        /* FatturaPA RegimeFiscale, "RF01" */
    char *seller_pec;
    struct catalog_address seller_address; /* street NULL when absent */
    /* Document numbers: "[SERIES ]YYYY/NNNNNN", at most 20 characters;
     * the two series differ so that no two documents share a number. */
    char invoice_series[CATALOG_SERIES_MAX + 1];     /* "" by default */
    char credit_note_series[CATALOG_SERIES_MAX + 1]; /* "NC" by default */
    int number_digits;                /* 6 by default */
    char *care_phone, *care_email, *care_url;
    struct quote_policy policy;       /* `proration: {anchor: reset|keep, seats: keep|reset}` */
    int idle_timeout;                 /* kiosk idle seconds (optional `kiosk: {idle_timeout: N}`); 120 by default */
    char *payment_processor;          /* optional `payment: {processor: test|exec, command: "...", timeout_ms: N}`; "test" by default */
    char *payment_command;            /* exec processor's command, NULL otherwise */
    int payment_timeout_ms;           /* exec timeout, 10000 by default */
    /* `dunning: {retry_days: [1, 3, 5, 7]}`: the days after a failed
     * renewal's P1 on which `renew` retries, strictly increasing, each
     * 1..CATALOG_RETRY_DAY_MAX; [1, 3, 5, 7] by default. */
    int retry_days[CATALOG_MAX_RETRY_DAYS];
    size_t nretry_days;
    char *events_command;             /* optional `events: {command: "..."}`, NULL otherwise */
    /* SPEC §9's hooks of `invoice send`, NULL when not configured: the
     * e-mail of each document (`documents: {send_command: "...",
     * timeout_ms: N}`) and its XML to an SdI intermediary (`sdi: {command:
     * "...", timeout_ms: N}`); timeouts 30000 ms by default. */
    char *documents_send_command;
    int documents_timeout_ms;
    char *sdi_command;
    int sdi_timeout_ms;
    /* SPEC §9: a VIES client asked about a customer's VAT number
     * (`vat: {check_command: "...", timeout_ms: N}` beside the rates), NULL
     * when not configured (the offline check alone); 10000 ms by default. */
    char *vat_check_command;
    int vat_check_timeout_ms;
    char currencies[CATALOG_MAX_CURRENCIES][4];
    size_t ncurrencies;
    struct catalog_vat_rate *vat;     /* EU members and their rates */
    size_t nvat;
    struct catalog_product *products; /* sorted by id */
    size_t nproducts;
};

/* Loads DIR/catalog.yaml and every other DIR/NAME.yaml (one product each).
 * On failure returns NULL and writes "file:line:column: message" into err
 * (paths as given, e.g. "plans/gotomeeting.yaml:12:9: unknown key 'prise'"). */
struct catalog *catalog_load(const char *dir, char *err, size_t errsize);
void catalog_destroy(struct catalog *c);   /* accepts NULL */

const struct catalog_product *catalog_product(const struct catalog *c, const char *id);
const struct catalog_plan *catalog_plan(const struct catalog_product *p, const char *id);
/* The plan's features in `lang` ("it": features_it when the catalog has
 * them; any other language, or none given: features); *n gets how many. */
char *const *catalog_features(const struct catalog_plan *plan, const char *lang, size_t *n);
/* Index of a currency in c->currencies, or -1. */
int catalog_currency_index(const struct catalog *c, const char *code);
/* Per-seat price of a plan for a currency and period; false when absent. */
bool catalog_price(const struct catalog *c, const struct catalog_plan *plan,
                   const char *currency, enum bc_period period, int64_t *out);
/* VAT rate of an EU member in the table; false when the country is not in it
 * (outside the EU). Signature fits vat_decide's rate_of with ctx = catalog. */
bool catalog_vat_rate(const void *catalog, const char *country, int32_t *bp);

#endif
