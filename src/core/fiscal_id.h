/* fiscal_id.h — the Italian identifiers a fiscal document carries (SPEC §9).
 *
 * An Italian customer is identified by a codice fiscale (a person's 16
 * characters, or a company's 11 digits) or a partita IVA, and is reached by
 * the SdI through a codice destinatario or a PEC address. Each check is
 * offline: format and check character, as the Agenzia delle Entrate defines
 * them (and as python-stdnum's stdnum.it checks them, which the tests use as
 * a second opinion). Inputs are the canonical form: uppercase, no spaces;
 * fiscal_id_compact makes it from what people type. */
#ifndef BC_FISCAL_ID_H
#define BC_FISCAL_ID_H

#include <stdbool.h>
#include <stddef.h>

/* Copies `in` into out (size bytes) without spaces, dots and dashes and in
 * uppercase ("rss mra 85t10 a562s" -> "RSSMRA85T10A562S"); false when it
 * does not fit. */
bool fiscal_id_compact(const char *in, char *out, size_t size);

/* Partita IVA: 11 digits, not all zero in the first 7, a province office
 * code (001-100, 120, 121, 888, 999) in digits 8-10 and a Luhn check digit.
 * No "IT" prefix. */
bool fiscal_partita_iva_valid(const char *s);

/* Codice fiscale: a person's 16 characters (surname, name, birth year,
 * month letter, day — plus 40 for women —, place, check letter), with the
 * omocodia letters LMNPQRSTUV accepted in place of any of its seven digits;
 * or the 11 digits of a company, which are a partita IVA. */
bool fiscal_codice_fiscale_valid(const char *s);

/* The check letter of a person's codice fiscale from its first 15
 * characters (A-Z, 0-9), or '\0' when they are not such characters. */
char fiscal_codice_fiscale_check(const char *first15);

/* Codice destinatario: 7 uppercase letters or digits. "0000000" is the
 * code of a recipient reached by PEC or through its own area on the
 * Agenzia's site; "XXXXXXX" the one of a customer abroad. */
bool fiscal_codice_destinatario_valid(const char *s);

/* PEC address: shaped like an e-mail address — one '@', a non-empty local
 * part, a domain with a dot between non-empty labels, no spaces or control
 * characters, at most 256 bytes (FatturaPA's limit). */
bool fiscal_pec_valid(const char *s);

#endif
