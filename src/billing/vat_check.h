/* vat_check.h — a customer's VAT number asked of the catalog's VIES client
 * (SPEC §9, `vat: {check_command: "...", timeout_ms: N}`), and the answer
 * kept with the order as the evidence of its VAT treatment.
 *
 * The command gets {"op": "check", "country", "vat_number", "requester"} on
 * stdin (country: the VAT prefix, "EL" for Greece; vat_number without it;
 * requester: the seller's VAT number with its prefix, null when the catalog
 * has none) and answers {"valid": true|false, "name", "address",
 * "consultation"} on stdout (the last three optional strings). A command
 * not configured, timed out, failing or answering anything else leaves the
 * offline check (format and check digits), and the evidence says why. */
#ifndef BC_VAT_CHECK_H
#define BC_VAT_CHECK_H

#include <jansson.h>
#include <stdint.h>

#include "catalog.h"
#include "store.h"

enum vat_check_outcome {
    VAT_CHECK_VALID,     /* VIES says valid: *out is its answer */
    VAT_CHECK_INVALID,   /* VIES says not valid: the order is refused */
    VAT_CHECK_OFFLINE,   /* VIES not asked or no usable answer: *out says why */
};

/* Why an offline check stands in for VIES (store_vat_check.reason). */
#define VAT_CHECK_NOT_CONFIGURED "not_configured"
#define VAT_CHECK_TIMEOUT "timeout"
#define VAT_CHECK_FAILED "command_failed"
#define VAT_CHECK_BAD_REPLY "bad_reply"

/* Checks `vat_number` (normalised, with its prefix) of a customer in
 * `country` at `now` (unix seconds). The number passed the offline check. */
enum vat_check_outcome billing_vat_check(const struct catalog *c, const char *country,
                                         const char *vat_number, int64_t now,
                                         struct store_vat_check *out);

/* The evidence as JSON: {"method", "valid", "country", "vat_number",
 * "requester", "name", "address", "consultation", "at" (UTC,
 * "2026-11-25T10:00:00Z"), "reason"}; empty fields are null. NULL for no
 * evidence (the caller shows null). */
json_t *billing_vat_check_json(const struct store_vat_check *v);
/* Reads billing_vat_check_json's form back; false when it is not one. */
bool billing_vat_check_from_json(json_t *j, struct store_vat_check *out);

#endif
