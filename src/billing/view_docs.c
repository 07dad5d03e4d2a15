/* view_docs.c — the screens' read façade over the fiscal documents (see
 * view_docs.h): the same reads as `invoices` and `invoice show`, with the
 * access rule of view.c. */
#include "view_docs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_read.h"
#include "session.h"

/* A contact reads its own account's documents only; operators any. */
static enum bc_status docs_may_read(struct billing *b, int64_t account_id)
{
    if (b->actor.kind != BILLING_ACTOR_CONTACT)
        return BC_OK;
    int64_t own = 0;
    enum bc_status rc = billing_actor_account(b, &own);
    if (rc != BC_OK)
        return rc;
    return own == account_id ? BC_OK : BC_NOT_FOUND;
}

enum bc_status view_documents(struct billing *b, int64_t account_id,
                              struct store_document_list *out)
{
    memset(out, 0, sizeof *out);
    enum bc_status rc = docs_may_read(b, account_id);
    if (rc == BC_OK)
        rc = store_documents(b->store, account_id, out);
    if (rc != BC_OK) {
        view_documents_clear(out);
        return rc;
    }
    /* The store gives them oldest first; the screens show the newest first. */
    for (size_t i = 0, j = out->n; i + 1 < j; i++, j--) {
        struct store_document t = out->items[i];
        out->items[i] = out->items[j - 1];
        out->items[j - 1] = t;
    }
    return BC_OK;
}

void view_documents_clear(struct store_document_list *l)
{
    if (l == NULL)
        return;
    store_document_list_clear(l);
    memset(l, 0, sizeof *l);
}

/* The stored document `id`, if the actor may read it. */
static enum bc_status docs_get(struct billing *b, int64_t id, struct store_document *sd)
{
    memset(sd, 0, sizeof *sd);
    enum bc_status rc = store_document_get(b->store, id, sd);
    if (rc == BC_OK)
        rc = docs_may_read(b, sd->account_id);
    if (rc != BC_OK)
        store_document_clear(sd);
    return rc;
}

/* The model of the stored document `id` as a struct doc. */
static enum bc_status docs_model(struct billing *b, int64_t id, struct doc **d,
                                 struct view_doc_info *info)
{
    struct store_document sd;
    enum bc_status rc = docs_get(b, id, &sd);
    if (rc != BC_OK)
        return rc;
    if (info != NULL) {
        snprintf(info->number, sizeof info->number, "%s", sd.number);
        info->credit_note = sd.kind == STORE_DOC_CREDIT_NOTE;
    }
    char why[256];
    rc = doc_read_json(sd.model, d, why, sizeof why);
    store_document_clear(&sd);
    return rc;
}

enum bc_status view_document_text(struct billing *b, int64_t id, enum doc_lang lang, bool ascii,
                                  struct doc_bytes *out, struct view_doc_info *info)
{
    out->data = NULL;
    out->len = 0;
    struct doc *d = NULL;
    enum bc_status rc = docs_model(b, id, &d, info);
    if (rc != BC_OK)
        return rc;
    struct doc_style style = {.lang = lang, .ascii = ascii, .paper = DOC_PAPER_A4};
    rc = doc_write_text(d, &style, out);
    doc_destroy(d);
    return rc;
}

/* "2026-000001.pdf": the number with its '/' and spaces made safe for a
 * file name. */
static bool docs_pdf_name(const char *number, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = number; *p != '\0'; p++) {
        if (n + 1 >= size)
            return false;
        buf[n++] = *p == '/' ? '-' : *p == ' ' ? '_' : *p;
    }
    int w = snprintf(buf + n, size - n, ".pdf");
    return w > 0 && (size_t)w < size - n;
}

static enum bc_status docs_write_file(const char *path, const char *data, size_t len, char *why,
                                      size_t whysize)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        snprintf(why, whysize, "%s", strerror(errno));
        return BC_IO_ERROR;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    int err = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        snprintf(why, whysize, "%s", strerror(err));
        remove(path);
        return BC_IO_ERROR;
    }
    return BC_OK;
}

enum bc_status view_document_save(struct billing *b, int64_t id, enum view_doc_file fmt,
                                  enum doc_lang lang, const char *dir, char *path,
                                  size_t pathsize, char *why, size_t whysize)
{
    path[0] = '\0';
    why[0] = '\0';
    if (b->actor.kind != BILLING_ACTOR_OPERATOR)
        return BC_NOT_BILLING_CONTACT;
    struct store_document sd;
    enum bc_status rc = docs_get(b, id, &sd);
    if (rc != BC_OK)
        return rc;
    struct doc *d = NULL;
    char name[64];
    rc = doc_read_json(sd.model, &d, why, whysize);
    if (rc == BC_OK && !(fmt == VIEW_DOC_XML ? doc_fatturapa_filename(d, name, sizeof name)
                                             : docs_pdf_name(sd.number, name, sizeof name)))
        rc = BC_INVALID_ARGUMENT;
    int n = rc == BC_OK ? snprintf(path, pathsize, "%s%s%s", dir,
                                   dir[0] != '\0' && dir[strlen(dir) - 1] != '/' ? "/" : "", name)
                        : 0;
    if (rc == BC_OK && (n < 0 || (size_t)n >= pathsize)) {
        snprintf(why, whysize, "%s", strerror(ENAMETOOLONG));
        rc = BC_IO_ERROR;
    }
    if (rc == BC_OK && fmt == VIEW_DOC_XML) {
        /* What was issued: the stored XML byte for byte. */
        rc = docs_write_file(path, sd.fatturapa, strlen(sd.fatturapa), why, whysize);
    } else if (rc == BC_OK) {
        struct doc_style style = {.lang = lang, .ascii = false, .paper = DOC_PAPER_A4};
        struct doc_bytes bytes = {0};
        rc = doc_write_pdf(d, &style, &bytes);
        if (rc == BC_OK)
            rc = docs_write_file(path, bytes.data, bytes.len, why, whysize);
        doc_bytes_free(&bytes);
    }
    doc_destroy(d);
    store_document_clear(&sd);
    if (rc != BC_OK && rc != BC_IO_ERROR)
        path[0] = '\0';
    return rc;
}
