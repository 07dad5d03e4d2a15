/* billing_impl.h — what billing.c shares with order.c (and view.c's
 * read-only preview) and nobody else:
 * quoting with a VAT override and a given day, the actor's audit name and
 * the single audit append every change attempt makes. Not a public API. */
#ifndef BC_BILLING_IMPL_H
#define BC_BILLING_IMPL_H

#include <jansson.h>

#include "billing.h"

/* Quotes `n` changes as one order for `acct` on `day`. `country` and
 * `vat_number` override the account's (NULL: keep; vat_number "" clears).
 * Rights are not looked at here. Business refusals land in out->refusal
 * (BC_OK returned); errors are returned. */
enum bc_status billing_quote_changes(struct billing *b, const struct store_account *acct,
                                     const struct billing_change *changes, size_t n,
                                     const char *country, const char *vat_number,
                                     bc_day day, struct billing_quote *out);

/* Loads the account and fills out->rights / out->refusal with the actor's rights. */
enum bc_status billing_load_rights(struct billing *b, int64_t account_id,
                                   struct store_account *acct, struct billing_rights *rights);

/* "alice" for operators, "contact:<id> <email>" for contacts. */
void billing_actor_name(const struct billing *b, char *out, size_t size);

/* Appends the one audit row of a change attempt. `before`/`after` may be
 * NULL; they are borrowed. Returns the store's status. */
enum bc_status billing_audit(struct billing *b, int64_t account_id, const char *action,
                             const json_t *before, const json_t *after, enum bc_status result);

/* VAT details given at checkout, checked and normalised once so that the
 * figures quoted are the figures placed. `country` and `vat_number` point
 * into the buffers, or are NULL when not given (keep the account's); the
 * struct points into itself, so do not copy it. */
struct billing_vat_override {
    char country_buf[3];
    char vat_buf[32];
    const char *country;
    const char *vat_number;
};

/* `country` NULL or "" keeps the account's, any case ("it" -> "IT");
 * `vat_number` NULL keeps the account's, "" clears it, anything else is
 * normalised for the given (or the account's) country.
 * BC_UNKNOWN_COUNTRY / BC_INVALID_VAT_NUMBER when they do not check out. */
enum bc_status billing_vat_override(struct billing_vat_override *o, const char *account_country,
                                    const char *country, const char *vat_number);

/* What a checkout is for: the one `change` given, or the account's cart
 * (at most BILLING_MAX_ITEMS) when NULL. */
enum bc_status billing_checkout_changes(struct billing *b, int64_t account_id,
                                        const struct billing_change *change,
                                        struct billing_change *changes, size_t *n);

#endif
