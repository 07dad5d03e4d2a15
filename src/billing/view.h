/* view.h — what the screens show, read through the core: one function per
 * view (an account with its rights and subscriptions, its cart, its order
 * history, the seats of a subscription, the card on file, the operators'
 * account search). The screens never reach the store; each clear function
 * wipes the customer data it held (names, e-mails, VAT numbers) before
 * freeing it, so a kiosk sign-out leaves none behind. Clear functions
 * accept zeroed and already cleared views. */
#ifndef BC_VIEW_H
#define BC_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "billing.h"
#include "lifecycle.h"
#include "status.h"
#include "store.h"

/* One account as its home screen shows it. */
struct view_account {
    struct store_account acct;
    struct billing_rights rights;          /* rights.may_change: BC_OK or why not */
    struct store_subscription_list subs;   /* by product id */
    struct billing_renewal_estimate *renewals; /* subs.n of them, subs' order: each one's
                                                * next renewal (renews false when it will
                                                * not renew, or its estimate failed) */
    size_t cart_count;
    char billing_name[256], billing_email[256];   /* the billing contact, "" when none */
};
/* Loads account `account_id` into *out (cleared first). A contact actor
 * sees only its own account (BC_NOT_FOUND otherwise). */
enum bc_status view_account_load(struct billing *b, int64_t account_id, struct view_account *out);
void view_account_clear(struct view_account *v);

/* What a change would cost, for someone who may look but not change (a
 * contact who is not the billing contact, a corporate account, a read-only
 * operator): the figures as billing_quote_change gives them to the billing
 * contact, out->rights saying who may change. Placing still refuses. */
enum bc_status view_quote_preview(struct billing *b, int64_t account_id,
                                  const struct billing_change *change, struct billing_quote *out);

/* The account's cart (owned by *out; view_cart_clear frees). */
enum bc_status view_cart(struct billing *b, int64_t account_id, struct store_cart *out);
void view_cart_clear(struct store_cart *c);

/* The account's orders, newest first, with their lines. */
enum bc_status view_history(struct billing *b, int64_t account_id, struct store_order_list *out);
void view_history_clear(struct store_order_list *l);

/* The VAT rate (basis points, 2200 = 22%) the account's order lines were
 * taxed at: 0 under reverse charge, else the rate of the catalog's table
 * for the account's country (SPEC §3), as the order's VAT line shows it. */
int32_t view_vat_rate(struct billing *b, const struct store_account *acct, bool reverse_charge);

/* An attempt to place an order that placed none (declined, refused, not
 * confirmed by the processor), from the audit. */
struct view_attempt {
    int64_t at;                   /* unix seconds */
    enum bc_status result;
    int64_t due;                  /* the amount asked for, -1 when unknown */
    char currency[4];
};
struct view_attempt_list { struct view_attempt *items; size_t n; };
/* The account's attempts that placed no order, newest first; operators
 * only (a contact gets none). */
enum bc_status view_failed_attempts(struct billing *b, int64_t account_id,
                                    struct view_attempt_list *out);
void view_attempt_list_clear(struct view_attempt_list *l);

/* The users of the subscription's account and whether each holds a seat. */
enum bc_status view_seats(struct billing *b, int64_t subscription_id, struct store_seat_list *out);
void view_seats_clear(struct store_seat_list *l);

/* The account's card on file (brand, last 4, expiry); BC_NOT_FOUND when
 * none is kept. */
enum bc_status view_card_on_file(struct billing *b, int64_t account_id, struct store_card *out);

/* Operators' type-ahead account search (by id, name or e-mail prefix);
 * BC_NOT_FOUND for a contact actor. */
enum bc_status view_account_search(struct billing *b, const char *query, size_t limit,
                                   struct store_account_list *out);
void view_account_search_clear(struct store_account_list *l);

/* Wipes the bytes of a NUL-terminated string in place (NULL is fine). */
void view_wipe_text(char *s);

#endif
