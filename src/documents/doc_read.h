/* doc_read.h — a document back from its JSON (doc_write_json), the form
 * the store keeps it in once issued (SPEC §9: issued means frozen), so
 * that `invoice show` renders the stored document itself in any format
 * rather than rebuilding it from today's data. */
#ifndef BC_DOC_READ_H
#define BC_DOC_READ_H

#include <stddef.h>

#include "document.h"
#include "status.h"

/* Reads what doc_write_json wrote: doc_write_json of the result gives the
 * same bytes, and every other writer the same rendering as the original.
 * BC_INVALID_ARGUMENT (with a reason in `why`) for text that is not such
 * a document. *out is caller-owned (doc_destroy). */
enum bc_status doc_read_json(const char *text, struct doc **out, char *why, size_t whysize);

#endif
