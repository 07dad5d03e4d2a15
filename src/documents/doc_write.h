/* doc_write.h — the renderings of a fiscal document (document.h): text for
 * the terminal and `invoice show`, JSON, PDF and the FatturaPA 1.2 XML
 * handed to the SdI. Each reads the same struct doc and computes nothing:
 * the figures are the model's.
 *
 * Text and PDF speak the language of the message catalog the caller bound
 * (gettext, as cli_i18n does) and format money and dates by style->lang;
 * JSON and FatturaPA do not depend on the locale. */
#ifndef BC_DOC_WRITE_H
#define BC_DOC_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "document.h"
#include "status.h"

enum doc_lang { DOC_LANG_EN, DOC_LANG_IT };
enum doc_paper { DOC_PAPER_A4, DOC_PAPER_LETTER };

struct doc_style {
    enum doc_lang lang;       /* money "€1,234.56" / "1.234,56 €", dates 2026-11-25 / 25/11/2026 */
    bool ascii;               /* text: ISO codes for symbols, for terminals without UTF-8 */
    enum doc_paper paper;     /* PDF */
};

/* A rendering in memory: data is NUL-terminated (also after a PDF's bytes),
 * len excludes the NUL. Caller-owned: doc_bytes_free. */
struct doc_bytes {
    char *data;
    size_t len;
};
void doc_bytes_free(struct doc_bytes *b);

enum bc_status doc_write_text(const struct doc *d, const struct doc_style *style,
                              struct doc_bytes *out);
enum bc_status doc_write_json(const struct doc *d, struct doc_bytes *out);
/* FatturaPA 1.2.2 (FPR12, to private parties), UTF-8. Text fields hold
 * only what the schema allows: Latin-1 where it says Latin, basic Latin
 * elsewhere; other characters are transliterated (doc_latin.h) or, when
 * there is no Latin form, replaced by '?'. BC_OVERFLOW for an amount over
 * FatturaPA's 11 integer digits. */
enum bc_status doc_write_fatturapa(const struct doc *d, struct doc_bytes *out);
/* The file name the SdI expects: "IT12345670157_0000A.xml" — the seller's
 * country and VAT number, '_' and the progressive in 5 base-36 characters. */
bool doc_fatturapa_filename(const struct doc *d, char *buf, size_t size);
/* The progressive alone (FatturaPA ProgressivoInvio): "0000A". buf >= 6. */
void doc_fatturapa_progressive(const struct doc *d, char buf[6]);
/* A4 or Letter, fonts embedded as subsets. */
enum bc_status doc_write_pdf(const struct doc *d, const struct doc_style *style,
                             struct doc_bytes *out);

#endif
