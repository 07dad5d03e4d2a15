/* billing.h — what a billing contact or an operator can do, for the UI and
 * the command line alike: quotes for an account, the cart, placing orders,
 * seats. Rights are enforced here (never in screens), every change attempt
 * is audited, and all amounts come from quote.h. */
#ifndef BC_BILLING_H
#define BC_BILLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "date.h"
#include "quote.h"
#include "status.h"
#include "store.h"
#include "vat.h"

struct payment_processor;

enum billing_actor_kind { BILLING_ACTOR_OPERATOR, BILLING_ACTOR_CONTACT };

/* Who is acting. Operators come from getuid() -> passwd (never $USER);
 * contacts from the kiosk sign-in. */
struct billing_actor {
    enum billing_actor_kind kind;
    char name[128];                    /* Unix name, or the contact's e-mail */
    enum store_operator_role op_role;  /* operators */
    int64_t contact_id;                /* contacts */
    char origin[128];                  /* SSH_CLIENT when present, else "kiosk"/"local" */
};

/* One session of work: borrowed store, catalog and processor. */
struct billing {
    struct store *store;
    const struct catalog *catalog;
    struct payment_processor *processor;
    bc_day today;                      /* --date, or today in the seller's time zone */
    struct billing_actor actor;
    /* Benchmarks only (tests/bench/bench_docs.c), never set by the program:
     * orders are placed without their fiscal document, which SPEC §9
     * forbids, so that the documents' share of an order can be measured
     * against the same order path without them. */
    bool bench_no_documents;
};

/* Why a person may not change an account: BC_OK, BC_CORPORATE_ACCOUNT,
 * BC_NOT_BILLING_CONTACT (who/email name the billing contact) or
 * BC_READONLY_OPERATOR. */
struct billing_rights {
    enum bc_status may_change;
    char billing_name[256];
    char billing_email[256];
};
enum bc_status billing_rights(struct billing *b, const struct store_account *acct,
                              struct billing_rights *out);

/* True when the actor orders a lower tier today: an operator of role
 * `operator` or `admin` (SPEC §3, Customer Care). A billing contact's
 * downgrade is refused with BC_DOWNGRADE_REQUIRES_SUPPORT, or scheduled
 * for the renewal under `downgrade: end_of_term` (lifecycle.h). */
bool billing_may_downgrade(const struct billing *b);

/* A requested change of one subscription. subscription_id 0 asks for
 * `product`, which the account does not have yet (SPEC §8 Add a product):
 * quoted as a new subscription — a charge and no credit, its period starting
 * today (anchor: today's day), or the product's trial (no charge, the period
 * is the trial) — and created by the order that places it. A product the
 * account already has is refused with BC_ALREADY_SUBSCRIBED. */
struct billing_change {
    int64_t subscription_id;
    char product[BC_ID_MAX + 1];
    char to_plan[BC_ID_MAX + 1];
    int to_seats;
    enum bc_period to_period;
};

/* Whether two changes are for the same cart item: the same subscription,
 * or the same product the account does not have yet. */
bool billing_same_item(const struct billing_change *a, const struct billing_change *b);

#define BILLING_MAX_ITEMS 32

/* A country or VAT number given at checkout that differs from the account's
 * is a change of its billing information, shown before placing and written
 * with the order only when confirmed (billing_payment.confirm_billing_info).
 * VAT numbers as normalised ("" when none; long ones cut to fit). */
struct billing_info_change {
    bool pending;                      /* something differs from the account's */
    char country_before[3], country_after[3];
    char vat_before[32], vat_after[32];
    struct vat_decision vat_rule_before;  /* the account's own VAT case; the new one is quote.vat */
};

/* A quote for one change or for the whole cart. */
struct billing_quote {
    enum bc_status refusal;            /* BC_OK when everything can be ordered */
    size_t refused_item;               /* index of the refused item */
    char currency[4];
    struct vat_decision vat;
    size_t n;
    struct billing_change changes[BILLING_MAX_ITEMS];
    struct quote_item items[BILLING_MAX_ITEMS];
    int64_t versions[BILLING_MAX_ITEMS];  /* subscription versions quoted */
    bool trials[BILLING_MAX_ITEMS];       /* a new subscription that starts as its trial */
    struct quote_totals totals;
    int64_t balance;                   /* C used for the totals */
    struct billing_rights rights;
    struct billing_info_change billing_info;
};

/* Quotes a change for an account in the store (rights included: a refusal
 * is reported in out->refusal with BC_OK returned; errors are returned). */
enum bc_status billing_quote_change(struct billing *b, int64_t account_id,
                                    const struct billing_change *change, struct billing_quote *out);
/* Quotes the account's cart as one order. */
enum bc_status billing_quote_cart(struct billing *b, int64_t account_id, struct billing_quote *out);

/* A change seen with the cart it would join (SPEC §3: the balance is
 * applied once, across the cart's items, at checkout). `others` is the
 * number of cart items for other subscriptions; with none the fields below
 * are zero. */
struct billing_cart_preview {
    size_t others;
    int64_t balance_left;              /* credit balance left after the other items */
    int64_t item_balance_applied;      /* of that, what this item takes */
    int64_t item_due;                  /* what this item adds to the cart's Total due */
    int64_t cart_due;                  /* the cart's Total due with this item */
};
/* Quotes `change` alone into *out (as billing_quote_change) and, when the
 * cart holds items for other subscriptions, the cart with it (an item for
 * the same subscription is the one replaced) into *cart. */
enum bc_status billing_quote_change_with_cart(struct billing *b, int64_t account_id,
                                              const struct billing_change *change,
                                              struct billing_quote *out,
                                              struct billing_cart_preview *cart);

/* Cart edits (rights checked, audited). Putting a change for a subscription
 * already in the cart replaces its item; so does putting a change for a
 * product the account does not have yet (subscription_id 0) that the cart
 * holds already. Checking the cart out creates the new subscriptions. */
enum bc_status billing_cart_put(struct billing *b, int64_t account_id, const struct billing_change *change);
enum bc_status billing_cart_remove(struct billing *b, int64_t account_id, int64_t subscription_id);
/* Removes the cart's item for a product the account does not have yet. */
enum bc_status billing_cart_remove_product(struct billing *b, int64_t account_id, const char *product);

/* Payment details given at checkout. All optional. */
struct billing_payment {
    const char *card_number;           /* NULL: use the card on file */
    const char *card_expiry;           /* "MM/YY" */
    bool save_card;                    /* keep brand/last4/expiry on file (replacing the
                                        * card on file) with the order; audited */
    const char *vat_number;            /* NULL: keep the account's */
    const char *country;               /* NULL: keep the account's */
    bool confirm_billing_info;         /* a country/VAT number that differs from the
                                        * account's may change it (else refused with
                                        * BC_BILLING_INFO_CHANGE_UNCONFIRMED) */
};

struct billing_result {
    int64_t order_id;
    int64_t due;                       /* what was charged */
    int64_t balance_after;
    bool replayed;                     /* the key was used before: first order returned */
    int64_t first_order_id;            /* idempotency_key_reused: the key's order (0: none yet) */
    char decline_reason[32];           /* payment_declined: the processor's reason
                                        * ("insufficient_funds", "expired_card",
                                        * "card_declined"; "" when none given) */
    struct billing_quote quote;        /* the figures placed, or the new ones when stale */
    int64_t created_ids[BILLING_MAX_ITEMS]; /* per item: the subscription the order created
                                             * (a product the account did not have), else 0 */
    /* The order's fiscal document (SPEC §9): its number ("" when none) and
     * kind; for billing_profile_incomplete / seller_fiscal_data_missing,
     * what the document lacks (English). */
    char document[STORE_DOC_NUMBER_MAX + 1];
    bool document_credit_note;
    char document_why[256];
    /* How the VAT number the order relies on was checked (SPEC §9): VIES
     * or offline, with why; present false when it relies on none. Also
     * what VIES answered for vat_number_rejected. */
    struct store_vat_check vat_check;
};

/* Places an order: `change` for one item, or NULL to check out the cart.
 * `expect_due` is the Total due the person was shown (-1: not checked).
 * SPEC §4: same key twice -> first order, nothing charged again; the key
 * with other parameters (another account, items, card given or not, save
 * card, country or VAT number) -> BC_IDEMPOTENCY_KEY_REUSED with the first
 * order in result->first_order_id, nothing done; a declined card changes
 * nothing; a stale quote is refused with the new
 * figures in result->quote. Every attempt leaves one audit row. */
enum bc_status billing_place(struct billing *b, int64_t account_id, const struct billing_change *change,
                             const char *idempotency_key, int64_t expect_due,
                             const struct billing_payment *pay, struct billing_result *result);

/* Seats (rights checked, audited). */
enum bc_status billing_seat_set(struct billing *b, int64_t account_id, int64_t subscription_id,
                                int64_t user_id, bool assigned);
/* Adds a user of the products: the e-mail is checked (billing_email_check)
 * and one already on the account (any case) is refused with
 * BC_DUPLICATE_USER_EMAIL. */
enum bc_status billing_user_add(struct billing *b, int64_t account_id, const char *name,
                                const char *email, int64_t *user_id);
/* Removes a user of the account; the seats it holds are unassigned in the
 * same transaction (*seats_freed, may be NULL, says how many). Audited as
 * "user.remove". */
enum bc_status billing_user_remove(struct billing *b, int64_t account_id, int64_t user_id,
                                   int *seats_freed);
/* What is wrong with an e-mail address: BC_OK, BC_INVALID_EMAIL_SPACE,
 * BC_INVALID_EMAIL_AT (no @, more than one, or nothing before it) or
 * BC_INVALID_EMAIL_DOMAIN (no domain with a dot after the @). */
enum bc_status billing_email_check(const char *email);

/* Completes or refunds every charge whose order was not written (SPEC §4).
 * Counts what it did. */
enum bc_status billing_reconcile(struct billing *b, int *completed, int *refunded);

/* A fresh random idempotency key (32 hex chars) from getrandom. */
void billing_new_key(char out[33]);

/* ---- checkout re-quote and the annual saving ---- */

/* Quotes a checkout (`change`, or NULL for the cart) with the VAT number
 * and billing country as typed on the Payment screen, exactly as
 * billing_place would figure them: `vat_number` NULL keeps the account's,
 * "" clears it; `country` NULL or "" keeps the account's. Rights and
 * business refusals land in out->refusal (BC_OK returned); a country that
 * is not two letters returns BC_UNKNOWN_COUNTRY, a VAT number that is not
 * valid for the country BC_INVALID_VAT_NUMBER (out then holds nothing to
 * show). out->totals.due is the expect_due to pass to billing_place. */
enum bc_status billing_quote_checkout(struct billing *b, int64_t account_id,
                                      const struct billing_change *change, const char *vat_number,
                                      const char *country, struct billing_quote *out);

/* What annual billing saves per seat a year on `plan` in `currency`:
 * twelve monthly prices minus the annual price (may be zero or negative).
 * False when a price is missing or the figure overflows. */
bool billing_annual_saving(const struct catalog *c, const struct catalog_plan *plan,
                           const char *currency, int64_t *per_seat_out);

#endif
