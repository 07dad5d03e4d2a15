/* payment.h — the one small interface every charge goes through (SPEC §4).
 *
 * Every call carries the checkout's idempotency key: a processor treats a
 * repeated key as the same charge. Two processors: `test` (its own record in
 * the store, declines the README's test cards) and `exec` (a configured
 * command, JSON on stdin/stdout, with a timeout; a hung or crashing command
 * is PAYMENT_UNKNOWN, never a hang). Card helpers live here too. */
#ifndef BC_PAYMENT_H
#define BC_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

enum payment_result { PAYMENT_APPROVED, PAYMENT_DECLINED, PAYMENT_UNKNOWN };

struct payment_request {
    const char *key;          /* idempotency key */
    int64_t amount;           /* minor units, > 0 */
    const char *currency;
    const char *card;         /* full number for a new card, or "on_file:<brand>:<last4>" */
};

struct payment_processor;     /* opaque */

/* `store` is borrowed and must outlive the processor. */
struct payment_processor *payment_test_create(struct store *store);
/* `command` is run with /bin/sh -c; `timeout_ms` bounds each call. */
struct payment_processor *payment_exec_create(const char *command, int timeout_ms);
void payment_destroy(struct payment_processor *p);   /* accepts NULL */

/* reference (may be NULL) receives the processor's reference on approval,
 * and on a decline the reason the processor gives: "insufficient_funds",
 * "expired_card", "card_declined" (or "" when it gives none). */
enum payment_result payment_charge(struct payment_processor *p, const struct payment_request *r,
                                   char *reference, size_t refsize);
enum payment_result payment_refund(struct payment_processor *p, const struct payment_request *r);
/* What the processor knows of a key: APPROVED (charged, not refunded),
 * DECLINED (declined, refunded or never seen), UNKNOWN (cannot tell now). */
enum payment_result payment_status(struct payment_processor *p, const char *key,
                                   int64_t *amount, char *reference, size_t refsize);
/* Asks the processor whether `card` (the full number) can be charged,
 * charging nothing (SPEC §8, a card put on file outside any checkout):
 * APPROVED, DECLINED with the reason in `reason` (as for a charge, "" when
 * none is given), or UNKNOWN (no answer, a processing error). `key` names
 * the request; nothing is recorded under it. */
enum payment_result payment_verify(struct payment_processor *p, const char *key, const char *card,
                                   const char *currency, char *reason, size_t reasonsize);

/* ---- cards: never stored whole; brand + last 4 + expiry only ---- */
/* Digits only (spaces and dashes dropped) into out; false when not 12..19 digits. */
bool card_normalise(const char *input, char *out, size_t size);
bool card_luhn_ok(const char *digits);
/* "visa", "mastercard", "amex", "discover", "jcb", "card". Borrowed. */
const char *card_brand(const char *digits);
/* "MM/YY", "MM/YYYY", "MMYY" or "MMYYYY" -> month, 4-digit year. */
bool card_parse_expiry(const char *s, int *month, int *year);
/* True when the card is still valid on civil day (y, m): expiry month >= that month. */
bool card_expiry_ok(int exp_month, int exp_year, int today_y, int today_m);
/* Masks as typed: all but the last 4 digits as '•' (or '*' when ascii), grouped by 4. */
size_t card_mask(const char *digits, bool ascii, char *out, size_t size);

#endif
