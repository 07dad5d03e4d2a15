/* cli_json.h — the JSON the command line prints (SPEC §6), built with
 * jansson so that field names and types live in one place. Every builder
 * returns a new reference (caller json_decref's) or NULL when out of memory. */
#ifndef BC_CLI_JSON_H
#define BC_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "billing.h"
#include "quote.h"
#include "store.h"

/* A quote: currency, lines (kind, amount_minor, from, to; tax lines also
 * reverse_charge), subtotal_minor, tax_minor, total_minor,
 * balance_applied_minor, due_minor, balance_after_minor, period_start,
 * period_end, allowed, refusal (null or the code). Lines and the period come
 * from the items that are allowed; the period is that of the first one. */
json_t *cli_json_quote(const char *currency, const struct quote_item *items, size_t n,
                       const struct quote_totals *totals, enum bc_status refusal);
/* The same for a quote made by billing.h. */
json_t *cli_json_billing_quote(const struct billing_quote *q);

/* order_id, due_minor, balance_after_minor, replayed, document (the number
 * of its invoice or credit note, null when it has none). When `st` is a refusal
 * (e.g. stale_quote) order_id is null, the figures are the new quote's and
 * "refusal", "message" and "quote" are added. */
json_t *cli_json_order_result(const struct billing_result *r, enum bc_status st);

/* id, name, kind, currency, country, vat_number, balance_minor,
 * billing_contact {name, email} (or null), subscriptions
 * (cli_json_subscription), cart
 * (items: subscription_id, product, to_plan, to_seats, to_period). */
/* Adds "card_on_file" to an account object `o` (from cli_json_account):
 * brand, last4, exp_month, exp_year of the account's card, or null. False
 * when the store could not tell. */
bool cli_json_add_card(json_t *o, struct store *s, int64_t account_id);
/* Each subscription of the account object o (cli_json_account's, subs in
 * its order) gets "next_renewal_estimate_minor": the next renewal's
 * estimated total (billing_renewal_estimate: catalog price today × seats,
 * VAT, before the balance; the scheduled change when one waits), null when
 * next_renewal is null or the catalog cannot price it. False when o is
 * NULL or out of memory. */
bool cli_json_add_estimates(json_t *o, const struct catalog *cat, const struct store_account *a,
                            const struct store_subscription_list *subs);
json_t *cli_json_account(const struct store_account *a, const struct store_contact *billing_contact,
                         const struct store_subscription_list *subs, const struct store_cart *cart);

/* One subscription as account show has it: product, plan, seats,
 * seats_assigned, period, period_start, period_end, version, status
 * (SPEC §8's state), auto_renew, scheduled (null or {plan, seats, period}),
 * next_renewal (P1, or null when it will not renew by itself). */
json_t *cli_json_subscription(const struct store_subscription *x);

/* An array of orders, newest first, each with its lines. */
json_t *cli_json_orders(const struct store_order_list *orders);

/* One audit row: id, at (UTC, ISO 8601), actor, origin, account_id (or
 * null), action, before, after (JSON values, or the text when not JSON),
 * result. */
json_t *cli_json_audit_entry(const struct store_audit_entry *e);

/* Civil day as "YYYY-MM-DD". */
json_t *cli_json_day(bc_day day);

/* Prints `v` indented with a final newline and drops the reference.
 * Returns false when it could not be written. */
bool cli_json_print(json_t *v);

#endif
