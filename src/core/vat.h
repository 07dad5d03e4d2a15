/* vat.h — EU VAT numbers and which VAT a customer pays (SPEC §3).
 *
 * Validation checks the format and the check characters of each of the 27
 * member states' numbers, by the rules of python-stdnum's stdnum.eu.vat.
 * Greece is GR as a country and EL as a VAT prefix; either names it. */
#ifndef BC_VAT_H
#define BC_VAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Normalised VAT numbers carry the country prefix, no spaces/dots/dashes:
 * "IT00743110157". Accepts input with or without the prefix (then `country`
 * supplies it; the prefix is removed once). Writes the normalised form into
 * out (size >= 20), with the leading zeros of a short form put back
 * ("BE403019261" -> "BE0403019261").
 * Returns false when the format or check digit is wrong. */
bool vat_number_normalise(const char *country, const char *input, char *out, size_t size);
bool vat_number_valid(const char *country, const char *input);

struct vat_decision {
    int32_t rate_bp;       /* 2200 = 22% */
    bool reverse_charge;   /* valid VAT number from another EU country */
    bool in_eu;            /* customer country is in the catalog's VAT table */
};

/* The SPEC §3 VAT cases. `rate_of(country, &bp)` says whether a country is an
 * EU member and its rate (normally the catalog's table). */
void vat_decide(const char *seller_country, const char *customer_country,
                bool has_valid_vat_number,
                bool (*rate_of)(const void *ctx, const char *country, int32_t *bp),
                const void *ctx, struct vat_decision *out);

#endif
