/* account.h — customers coming in (SPEC §8): an account with its billing
 * contact checked field by field and written with its audit row, one at a
 * time (account add / edit) or many at once, all or none (account import).
 * Countries are ISO 3166-1 alpha-2 codes (any of them, EU or not); the
 * currency is one of the catalog's; a VAT number must be valid for the
 * country (vat.h) and is kept normalised. */
#ifndef BC_ACCOUNT_H
#define BC_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "billing.h"
#include "catalog.h"
#include "store.h"

/* Fields as given; NULL is "not given" (an edit keeps the account's value).
 * For vat_number, address, legal_name and the billing profile, "" clears.
 * kind is "standard" or "corporate". */
struct account_input {
    const char *name, *country, *currency, *kind, *vat_number, *address, *legal_name;
    const char *contact_name, *contact_email;
    /* The billing profile its documents need (SPEC §9), checked with
     * fiscal_id.h: a codice fiscale (Italian accounts only), a PEC
     * address, a codice destinatario (7 letters and digits), and the
     * structured address (an Italian postcode is 5 digits, a province two
     * letters). */
    const char *tax_code, *pec, *sdi_code, *street, *street_number, *postcode, *city, *province;
};

/* Whether `country` (two letters, any case) is an ISO 3166-1 alpha-2 code. */
bool account_country_known(const char *country);

/* Builds *out from `base` (NULL when adding: then name, country and
 * currency are required) with the given fields applied, and the billing
 * contact into *contact (email NULL when none given). Both are zeroed first
 * and own their strings (account_build_clear frees them).
 * False with one line in msg ("country 'XX' is not an ISO 3166-1 code")
 * when a field is wrong. */
bool account_build(const struct catalog *cat, const struct account_input *in,
                   const struct store_account *base, struct store_account *out,
                   struct store_contact *contact, char *msg, size_t size);

/* Frees what account_build built (either may be NULL), so that callers
 * outside the core never free store records themselves. */
void account_build_clear(struct store_account *a, struct store_contact *contact);

/* A translator of the core's English sentences (the UI's gettext). */
typedef const char *(*account_tr_fn)(const char *msgid);
/* account_build with msg's sentences (marked N_ in account.c) passed
 * through tr before they are filled in: the form's explanations in the
 * UI's language. tr NULL: English, as account_build. */
bool account_build_tr(const struct catalog *cat, const struct account_input *in,
                      const struct store_account *base, struct store_account *out,
                      struct store_contact *contact, char *msg, size_t size, account_tr_fn tr);

/* Who may add or edit accounts: operators that are not read-only
 * (BC_READONLY_OPERATOR); contacts never (BC_NOT_ADMIN). */
enum bc_status account_may_write(const struct billing_actor *actor);

/* Inserts accounts[0..n) with their billing contacts (contacts[i].email NULL:
 * none) in one transaction with one "account.add" audit row each (before
 * null, after the fields): all or none. A refusal is audited once, with
 * no account. *failed (may be NULL) gets the index of the row that failed in
 * the store (a contact e-mail already in use: BC_INVALID_ARGUMENT). */
enum bc_status account_add(struct billing *b, struct store_account *accounts,
                           struct store_contact *contacts, size_t n, size_t *failed);

/* Writes `after` (same id as `before`) with one "account.edit" audit row,
 * before and after holding the fields. Operators as account_may_write
 * says; the account's billing contact too (SPEC §8 Billing information),
 * for every field but the name, kind and currency (BC_NOT_ADMIN), unless
 * billing_rights refuses it (a corporate account). */
enum bc_status account_edit(struct billing *b, const struct store_account *before,
                            const struct store_account *after);

/* Replaces the account's card on file (SPEC §8 Payment method) with the
 * typed card once the processor verified it (nothing charged): brand,
 * last 4 digits and expiry only, with one "card.set" audit row. Who may:
 * billing_rights' may_change (its refusal returned). BC_INVALID_CARD,
 * BC_INVALID_ARGUMENT (expiry not MM/YY), BC_CARD_EXPIRED,
 * BC_PAYMENT_DECLINED (the processor's reason in `reason`, "" when none),
 * BC_PAYMENT_ERROR (no processor, or no answer from it): nothing changed.
 * *out (may be NULL) gets the card now on file. */
enum bc_status account_set_card(struct billing *b, int64_t account_id, const char *number,
                                const char *expiry, struct store_card *out, char *reason,
                                size_t reasonsize);

/* The billing profile as JSON: tax_code, pec, sdi_code, street, number,
 * postcode, city, province (each null when not given). New reference. */
json_t *account_profile_json(const struct store_account *a);

/* The audited fields of an account as JSON (new reference), its billing
 * profile under "billing_profile". */
json_t *account_fields_json(const struct store_account *a, const struct store_contact *contact);

#endif
