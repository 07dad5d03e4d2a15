/* status.h — every outcome the core can report, in one X-macro table.
 *
 * Each entry: enum suffix, stable machine code (JSON "refusal", audit rows,
 * CLI output) and an English message marked for translation (the UI passes
 * it through gettext; the core never translates). The exit code says how the
 * command line ends when this status stops it (SPEC §6: 1 error, 3 refusal). */
#ifndef BC_STATUS_H
#define BC_STATUS_H

#include <stdbool.h>

#ifndef N_
#define N_(s) s
#endif

#define BC_STATUS_LIST(X) \
  X(OK,                         "ok",                         0, N_("Done.")) \
  /* business-rule refusals (exit 3) */ \
  X(DOWNGRADE_REQUIRES_SUPPORT, "downgrade_requires_support", 3, N_("Downgrades to a lower plan are handled by Customer Care.")) \
  X(SEATS_BELOW_ASSIGNED,       "seats_below_assigned",       3, N_("Fewer seats than are assigned to users: unassign seats first.")) \
  X(SEATS_OUT_OF_RANGE,         "seats_out_of_range",         3, N_("That number of seats is outside the plan's limits.")) \
  X(CORPORATE_ACCOUNT,          "corporate_account",          3, N_("This account is managed in the Corporate Billing Portal with your sales representative.")) \
  X(NOT_BILLING_CONTACT,        "not_billing_contact",        3, N_("Only the billing contact can change this account.")) \
  X(READONLY_OPERATOR,          "readonly_operator",          3, N_("Read-only operators cannot change anything.")) \
  X(NO_CHANGE,                  "no_change",                  3, N_("Nothing would change: pick another plan, seat count or billing frequency.")) \
  X(DATE_OUTSIDE_PERIOD,        "date_outside_period",        3, N_("The change date is outside the current billing period.")) \
  X(TRIAL_ENDED,                "trial_ended",                3, N_("The trial has ended: subscribe to continue.")) \
  X(STALE_QUOTE,                "stale_quote",                3, N_("The figures changed since they were shown; review the new total.")) \
  X(PAYMENT_DECLINED,           "payment_declined",           3, N_("The card was declined. Nothing was charged and nothing changed.")) \
  X(PAYMENT_UNCONFIRMED,        "payment_unconfirmed",        3, N_("The payment could not be confirmed. Nothing was changed; it will be reconciled.")) \
  X(PAYMENT_REQUIRED,           "payment_required",           3, N_("Something is due: give a card or keep one on file.")) \
  X(CART_EMPTY,                 "cart_empty",                 3, N_("The cart is empty.")) \
  X(BILLING_INFO_CHANGE_UNCONFIRMED, "billing_info_change_unconfirmed", 3, N_("The country or VAT number given differs from the account's billing information; confirm the change to place the order.")) \
  X(IDEMPOTENCY_KEY_REUSED,     "idempotency_key_reused",     3, N_("This idempotency key was already used for a different request; nothing was changed. Use a new key for a new request.")) \
  X(SEATS_EXHAUSTED,            "seats_exhausted",            3, N_("Every seat is assigned: add seats before assigning more users.")) \
  X(LOCKED,                     "locked",                     3, N_("Too many failed attempts: try again in 15 minutes.")) \
  X(SIGN_IN_FAILED,             "sign_in_failed",             3, N_("E-mail or PIN not recognised.")) \
  X(NOT_ADMIN,                  "not_admin",                  3, N_("Only an admin operator manages operators.")) \
  X(LAST_ADMIN,                 "last_admin",                 3, N_("That would leave no admin operator: add another admin first.")) \
  X(DUPLICATE_USER_EMAIL,       "duplicate_user_email",       3, N_("This account already has a user with that e-mail address.")) \
  X(PAYMENT_OVERDUE,            "payment_overdue",            3, N_("This subscription has an unpaid renewal: pay it first, then change it.")) \
  X(SEATS_SCHEDULED_LIMIT,      "seats_scheduled_limit",      3, N_("A seat reduction is scheduled for the next renewal: no more seats can be assigned than it leaves.")) \
  X(BILLING_PROFILE_INCOMPLETE, "billing_profile_incomplete", 3, N_("The account's billing information is not enough for an invoice: give its address and, in Italy, its codice fiscale or partita IVA (account edit).")) \
  X(DOCUMENT_DATE_ORDER,        "document_date_order",        3, N_("A fiscal document cannot be dated before the last one of its series: check the date.")) \
  X(VAT_NUMBER_REJECTED,        "vat_number_rejected",        3, N_("VIES says this VAT number is not valid: nothing was charged and nothing changed. Check the number, or place the order without it.")) \
  X(ALREADY_SUBSCRIBED,         "already_subscribed",         3, N_("The account already has this product: modify its subscription instead.")) \
  /* errors (exit 1) */ \
  X(INVALID_ARGUMENT,           "invalid_argument",           1, N_("Invalid value.")) \
  X(INVALID_DATE,               "invalid_date",               1, N_("Dates are written YYYY-MM-DD.")) \
  X(DATE_OUT_OF_RANGE,          "date_out_of_range",          1, N_("The new billing period would end after 9999-12-31, the last date billcenter can bill.")) \
  X(INVALID_AMOUNT,             "invalid_amount",             1, N_("Amounts are written in minor units or as decimals with the currency's digits.")) \
  X(INVALID_CARD,               "invalid_card",               1, N_("The card number is not valid.")) \
  X(CARD_EXPIRED,               "card_expired",               1, N_("The card's expiry date has passed.")) \
  X(INVALID_VAT_NUMBER,         "invalid_vat_number",         1, N_("The VAT number is not valid for that country.")) \
  X(INVALID_EMAIL_AT,           "invalid_email_at",           1, N_("An e-mail address needs one @ with a name before it, as in name@example.com.")) \
  X(INVALID_EMAIL_DOMAIN,       "invalid_email_domain",       1, N_("After the @ an e-mail address needs a domain with a dot, as in example.com.")) \
  X(INVALID_EMAIL_SPACE,        "invalid_email_space",        1, N_("An e-mail address cannot contain spaces.")) \
  X(UNKNOWN_CURRENCY,           "unknown_currency",           1, N_("The currency is not offered in the catalog.")) \
  X(UNKNOWN_COUNTRY,            "unknown_country",            1, N_("Countries are two-letter ISO codes.")) \
  X(NOT_FOUND,                  "not_found",                  1, N_("Not found.")) \
  X(OVERFLOW,                   "overflow",                   1, N_("The amount is too large.")) \
  X(CATALOG_INVALID,            "catalog_invalid",            1, N_("The catalog is not valid.")) \
  X(SELLER_FISCAL_DATA_MISSING, "seller_fiscal_data_missing", 1, N_("The catalog's seller lacks what its invoices must state (VAT number, tax regime, address with postcode): complete 'seller' in catalog.yaml.")) \
  X(DB_ERROR,                   "db_error",                   1, N_("The database could not be used.")) \
  X(DB_BUSY,                    "db_busy",                    1, N_("The database is busy; try again.")) \
  X(DB_READONLY,                "db_readonly",                1, N_("The database is read-only.")) \
  X(DB_FULL,                    "db_full",                    1, N_("The disk is full; nothing was changed.")) \
  X(DB_NEWER,                   "db_newer",                   1, N_("The database was made by a newer billcenter; upgrade billcenter.")) \
  X(DB_CORRUPT,                 "db_corrupt",                 1, N_("The database file is damaged.")) \
  X(DB_UNSAFE,                  "db_unsafe",                  1, N_("The database file can be written by others; fix its permissions (chmod 600).")) \
  X(UNKNOWN_USER,               "unknown_user",               1, N_("Your Unix account is not an operator of this billcenter.")) \
  X(PAYMENT_ERROR,              "payment_error",              1, N_("The payment processor failed.")) \
  X(IO_ERROR,                   "io_error",                   1, N_("A file could not be read or written.")) \
  X(NO_MEMORY,                  "no_memory",                  1, N_("Out of memory."))

enum bc_status {
#define BC_STATUS_ENUM(name, code, exitcode, msg) BC_##name,
    BC_STATUS_LIST(BC_STATUS_ENUM)
#undef BC_STATUS_ENUM
    BC_STATUS_COUNT
};

/* Stable snake_case code, e.g. "downgrade_requires_support". Borrowed. */
const char *bc_status_code(enum bc_status st);
/* English message (untranslated msgid). Borrowed. */
const char *bc_status_message(enum bc_status st);
/* Process exit code for a command stopped by this status (0, 1 or 3). */
int bc_status_exit(enum bc_status st);
/* True for business-rule refusals (exit 3). */
bool bc_status_is_refusal(enum bc_status st);

#endif
