/* doc_format.h — the words and formats the human renderings (text, PDF)
 * share, so that both say the same thing the same way: titles, labels,
 * line descriptions, VAT reasons, money, rates and dates. Strings come
 * translated from the bound message catalog unless `translate` is false
 * (JSON keeps the English originals). */
#ifndef BC_DOC_FORMAT_H
#define BC_DOC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "doc_write.h"
#include "document.h"

/* gettext, or the msgid itself. */
const char *doc_tr(const char *msgid, bool translate) __attribute__((format_arg(1)));
/* ngettext, or English's own plural. */
const char *doc_ntr(const char *one, const char *many, unsigned long n, bool translate)
    __attribute__((format_arg(1), format_arg(2)));

/* "Invoice" / "Credit note" (Italian: "Fattura" / "Nota di credito"). */
const char *doc_title(const struct doc *d, bool translate);

/* "GoToMeeting Business, 5 seats, monthly"; a credit line begins
 * "Credit for unused time: ". */
void doc_line_description(const struct doc_line *l, bool translate, char *buf, size_t size);

/* Why a line or a VAT summary row bears no Italian VAT: the reverse charge
 * and out-of-scope wording SPEC §9 requires; the OSS one names the
 * customer's country. NULL for domestic VAT. */
const char *doc_vat_reason(enum doc_vat v, bool translate);

/* How the customer's VAT number was checked (SPEC §9's evidence), one
 * sentence: "Customer's VAT number checked in VIES on 2026-11-25,
 * consultation WAPIAAAAW1" or "... checked offline on ... (format and check
 * digits)"; "" when the document has no evidence. */
void doc_vat_check_text(const struct doc *d, const struct doc_style *s, char *buf, size_t size);

/* Money in the document's currency and the style's language. */
void doc_money(const struct doc *d, const struct doc_style *s, int64_t minor, char *buf, size_t size);
/* "22%", "25.5%" / "25,5%". */
void doc_rate(const struct doc_style *s, int32_t bp, char *buf, size_t size);
/* "2026-11-25" / "25/11/2026". buf >= 11. */
void doc_date(const struct doc_style *s, bc_day day, char *buf, size_t size);

/* Columns a UTF-8 string takes on a terminal: East Asian wide characters
 * take two, combining marks none. */
size_t doc_text_width(const char *s);

#endif
