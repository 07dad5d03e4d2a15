/* vat_evidence.h — the line the confirmation and Order history show for an
 * order whose VAT treatment rests on the customer's VAT number (SPEC §9):
 * how it was checked, in VIES or offline and why. */
#ifndef BC_UI_VAT_EVIDENCE_H
#define BC_UI_VAT_EVIDENCE_H

#include <stddef.h>

#include "billing.h"

/* "VAT number DE136464502: valid in VIES, consultation WAPIAAAAW1" or
 * "VAT number DE136464502 checked offline (VIES did not answer in time)",
 * translated; "" when the order has no evidence. */
void ui_vat_evidence_text(const struct store_vat_check *v, char *buf, size_t size);

#endif
