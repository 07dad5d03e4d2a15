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

/* Appends one event (SPEC §8) with `payload` (stolen; "day", the civil day
 * of b->today, is added) to the store, joining the transaction open on it
 * so that the change and its event are written together. */
enum bc_status billing_event(struct billing *b, const char *type, int64_t account_id,
                             int64_t subscription_id, json_t *payload);

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

/* Charges `due` under `key` exactly once (SPEC §4), outside any write
 * transaction: a charge an attempt left under the key is reused when it is
 * for this amount and given back when it is not; the key's checkout is
 * written pending first with `request` (this attempt's identity at
 * commit). `card` is what the processor charges (digits, or
 * "on_file:brand:last4"). BC_OK with the charge approved and its reference
 * in `reference`, or with *ordered when an order already holds the key
 * (nothing charged: that order is the answer); BC_PAYMENT_DECLINED with
 * the processor's reason in `reference`; BC_PAYMENT_UNCONFIRMED;
 * BC_STALE_QUOTE when a charge for other figures was refunded. *note (may
 * stay NULL) says why for the audit row; it is billing_note_key_contended
 * when the status is BC_PAYMENT_UNCONFIRMED only because another live
 * attempt with the key was giving its charge back meanwhile (asked again a
 * moment later, the key is settled). */
extern const char billing_note_key_contended[];
enum bc_status billing_charge_key(struct billing *b, int64_t account_id, const char *key,
                                  int64_t due, const char *currency, const char *card,
                                  const char *request, char *reference, size_t refsize,
                                  bool *ordered, const char **note);
/* The card a checkout charges, as billing_charge_key takes it: the new
 * card in `pay` (checked: BC_INVALID_CARD, BC_INVALID_ARGUMENT for its
 * expiry, BC_CARD_EXPIRED) or the card on file (BC_PAYMENT_REQUIRED when
 * none, BC_CARD_EXPIRED). */
enum bc_status billing_choose_card(struct billing *b, int64_t account_id,
                                   const struct billing_payment *pay, char *charge, size_t size);
/* Gives back whatever is charged under the key unless an order holds it
 * (*ordered; only a charge that order did not take is refunded). `amount`
 * <= 0: the checkout's own. BC_PAYMENT_UNCONFIRMED when the processor did
 * not confirm the refund (reconcile finishes it). */
enum bc_status billing_release_key(struct billing *b, const char *key, int64_t amount,
                                   const char *currency, bool *ordered);

/* reconcile's part for renewals (lifecycle.c): whether a pending
 * checkout's request is a renewal's, and completing one whose charge was
 * approved (`charged`, `reference`) but whose order was never written — the
 * order when the subscription still waits for that renewal with those
 * figures, else the charge refunded. */
bool billing_renewal_request(const char *request);
enum bc_status billing_renewal_reconcile(struct billing *b, const char *key, int64_t account_id,
                                         int64_t charged, const char *reference,
                                         const char *request, bool *completed, bool *refunded);

#endif
