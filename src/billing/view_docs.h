/* view_docs.h — an account's fiscal documents (SPEC §9) as the screens show
 * them, read through the core like the rest of view.h: the list (newest
 * first), one document rendered as text from its stored model (what was
 * issued, never rebuilt), and, for operators, its PDF or its FatturaPA XML
 * written to a file in a directory the caller names. A contact sees only
 * its own account's documents and saves none. */
#ifndef BC_VIEW_DOCS_H
#define BC_VIEW_DOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "billing.h"
#include "doc_write.h"
#include "status.h"
#include "store.h"

/* The account's documents, newest first, without their model and XML. */
enum bc_status view_documents(struct billing *b, int64_t account_id,
                              struct store_document_list *out);
void view_documents_clear(struct store_document_list *l);

/* What a screen says of a document besides its text. */
struct view_doc_info {
    char number[STORE_DOC_NUMBER_MAX + 1];
    bool credit_note;
};

/* Document `id` as the terminal text (doc_write_text: 78 columns, in the
 * bound message catalog's language, money and dates per `lang`, ISO codes
 * for symbols when `ascii`). BC_NOT_FOUND for a document the actor may not
 * read. *out is caller-owned (doc_bytes_free); *info (when not NULL) gets
 * its number and kind. */
enum bc_status view_document_text(struct billing *b, int64_t id, enum doc_lang lang, bool ascii,
                                  struct doc_bytes *out, struct view_doc_info *info);

enum view_doc_file {
    VIEW_DOC_PDF,             /* "2026-000001.pdf", "NC_2026-000001.pdf" (A4) */
    VIEW_DOC_XML,             /* the stored FatturaPA XML under its SdI name */
};

/* Writes document `id` as `fmt` into directory `dir` (replacing a file of
 * the same name: an issued document is always the same bytes) and puts the
 * path written in `path`. Operators only: a contact gets
 * BC_NOT_BILLING_CONTACT, as `invoice send` does. BC_IO_ERROR when the file
 * cannot be written, with the system's reason (strerror) in `why`. */
enum bc_status view_document_save(struct billing *b, int64_t id, enum view_doc_file fmt,
                                  enum doc_lang lang, const char *dir, char *path,
                                  size_t pathsize, char *why, size_t whysize);

#endif
