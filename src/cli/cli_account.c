/* cli_account.c — `billcenter account add | edit ID | import FILE |
 * set-card ID`: putting customers in from scripts, and replacing the card
 * on file (verified with the processor first). The fields are checked by account.c (the same
 * checks for the three commands); a bad value is bad usage told in one
 * line, and an import reports every bad row as FILE:LINE: message and
 * imports nothing unless every row is good. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "account.h"
#include "cli_cmd.h"
#include "cli_json.h"

/* The account as `account show --json` prints it. */
static int print_account_json(struct cli *c, int64_t id)
{
    struct store_account a;
    struct store_contact contact;
    struct store_subscription_list subs;
    struct store_cart cart;
    bool have_contact = false;
    enum bc_status st;
    int rc;

    memset(&contact, 0, sizeof contact);
    memset(&subs, 0, sizeof subs);
    memset(&cart, 0, sizeof cart);
    rc = cli_load_account(c, id, &a);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = BC_OK;
    if (a.billing_contact_id) {
        st = store_contact_get(c->store, a.billing_contact_id, &contact);
        have_contact = st == BC_OK;
        if (st == BC_NOT_FOUND)
            st = BC_OK;
    }
    if (st == BC_OK)
        st = store_subscriptions(c->store, id, &subs);
    if (st == BC_OK)
        st = store_cart_get(c->store, id, &cart);
    if (st != BC_OK)
        rc = cli_status(st, "account");
    else {
        json_t *o = cli_json_account(&a, have_contact ? &contact : NULL, &subs, &cart);
        if (cli_open_catalog(c) != CLI_EXIT_OK || !cli_json_add_estimates(o, c->catalog, &a, &subs)) {
            json_decref(o);
            rc = c->catalog ? cli_status(BC_NO_MEMORY, "account") : CLI_EXIT_ERROR;
        } else if (!cli_json_add_card(o, c->store, id)) {
            json_decref(o);
            rc = cli_status(BC_DB_ERROR, "card on file");
        } else if (!cli_json_print(o)) {
            rc = cli_status(BC_IO_ERROR, "standard output");
        }
    }
    store_cart_clear(&cart);
    store_subscription_list_clear(&subs);
    store_contact_clear(&contact);
    store_account_clear(&a);
    return rc;
}

static int refused(const char *command, enum bc_status st)
{
    cli_error("%s: %s", command, _(bc_status_message(st)));
    return CLI_EXIT_REFUSED;
}

static void input_from_options(const struct cli *c, struct account_input *in)
{
    memset(in, 0, sizeof *in);
    in->name = c->opt[CLI_OPT_NAME];
    in->country = c->opt[CLI_OPT_COUNTRY];
    in->currency = c->opt[CLI_OPT_CURRENCY];
    in->kind = c->opt[CLI_OPT_KIND];
    in->vat_number = c->opt[CLI_OPT_VAT_NUMBER];
    in->address = c->opt[CLI_OPT_ADDRESS];
    in->legal_name = c->opt[CLI_OPT_LEGAL_NAME];
    in->contact_name = c->opt[CLI_OPT_CONTACT_NAME];
    in->contact_email = c->opt[CLI_OPT_CONTACT_EMAIL];
    in->tax_code = c->opt[CLI_OPT_TAX_CODE];
    in->pec = c->opt[CLI_OPT_PEC];
    in->sdi_code = c->opt[CLI_OPT_SDI_CODE];
    in->street = c->opt[CLI_OPT_STREET];
    in->street_number = c->opt[CLI_OPT_NUMBER];
    in->postcode = c->opt[CLI_OPT_POSTCODE];
    in->city = c->opt[CLI_OPT_CITY];
    in->province = c->opt[CLI_OPT_PROVINCE];
}

int cli_cmd_account_add(struct cli *c)
{
    struct account_input in;
    struct store_account a;
    struct store_contact contact;
    char msg[700];
    enum bc_status st;
    int rc;

    input_from_options(c, &in);
    if (!in.name)
        return cli_usage_error(c, "--name is required");
    if (!in.country)
        return cli_usage_error(c, "--country is required");
    if (!in.currency)
        return cli_usage_error(c, "--currency is required");
    if ((in.contact_name != NULL) != (in.contact_email != NULL))
        return cli_usage_error(c, "--contact-name and --contact-email go together");
    rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = account_may_write(&c->billing.actor);
    if (st != BC_OK) {
        account_add(&c->billing, NULL, NULL, 0, NULL);   /* audits the refusal */
        return refused("account add", st);
    }
    if (!account_build(c->catalog, &in, NULL, &a, &contact, msg, sizeof msg))
        return cli_bad_value("account add: %s; nothing was added", msg);
    st = account_add(&c->billing, &a, &contact, 1, NULL);
    if (st == BC_INVALID_ARGUMENT)
        rc = cli_error("account add: e-mail '%s' already belongs to a contact; nothing was added",
                       contact.email);
    else if (st != BC_OK)
        rc = bc_status_is_refusal(st) ? refused("account add", st) : cli_status(st, "account add");
    else if (c->json)
        rc = print_account_json(c, a.id);
    else
        printf("%lld\n", (long long)a.id);
    store_account_clear(&a);
    store_contact_clear(&contact);
    return rc;
}

int cli_cmd_account_edit(struct cli *c)
{
    struct account_input in;
    struct store_account before, after;
    struct store_contact none;
    char msg[700];
    int64_t id;
    enum bc_status st;
    int rc;

    if (!cli_parse_id("account", c->args[0], &id))
        return CLI_EXIT_USAGE;
    input_from_options(c, &in);
    if (!in.name && !in.country && !in.kind && !in.vat_number && !in.address && !in.legal_name &&
        !in.tax_code && !in.pec && !in.sdi_code && !in.street && !in.street_number &&
        !in.postcode && !in.city && !in.province)
        return cli_usage_error(c, "give at least one field to change");
    rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_load_account(c, id, &before);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = account_may_write(&c->billing.actor);
    if (st != BC_OK) {
        account_edit(&c->billing, &before, &before);     /* audits the refusal */
        store_account_clear(&before);
        return refused("account edit", st);
    }
    if (!account_build(c->catalog, &in, &before, &after, &none, msg, sizeof msg)) {
        store_account_clear(&before);
        return cli_bad_value("account edit: %s; nothing was changed", msg);
    }
    st = account_edit(&c->billing, &before, &after);
    if (st != BC_OK)
        rc = bc_status_is_refusal(st) ? refused("account edit", st)
                                      : cli_status(st, "account edit");
    else if (c->json)
        rc = print_account_json(c, id);
    else
        printf(_("Account %lld changed.\n"), (long long)id);
    store_account_clear(&after);
    store_account_clear(&before);
    return rc;
}

/* ---------------------------------------------------------------- import */

enum import_col {
    COL_NAME, COL_COUNTRY, COL_CURRENCY, COL_KIND, COL_VAT_NUMBER, COL_ADDRESS, COL_LEGAL_NAME,
    COL_CONTACT_NAME, COL_CONTACT_EMAIL,
    COL_TAX_CODE, COL_PEC, COL_SDI_CODE, COL_STREET, COL_NUMBER, COL_POSTCODE, COL_CITY,
    COL_PROVINCE, COL_COUNT
};

static const char *const col_names[COL_COUNT] = {
    "name", "country", "currency", "kind", "vat_number", "address", "legal_name",
    "contact_name", "contact_email",
    "tax_code", "pec", "sdi_code", "street", "number", "postcode", "city", "province",
};

#define IMPORT_MAX_FIELDS 64

struct import {
    struct cli *c;
    const char *file;
    long line;                         /* physical line being fed */
    long record_line;                  /* where the record being read started */
    bool in_record;
    bool await_start;                  /* the next line with text starts a record */
    /* the record being read */
    char *fields[IMPORT_MAX_FIELDS];
    size_t nfields;
    bool too_many;
    /* the header */
    int col_of[IMPORT_MAX_FIELDS];     /* field index -> enum import_col */
    size_t ncols;
    bool header_done, header_bad;
    /* the rows */
    struct store_account *accounts;
    struct store_contact *contacts;
    long *lines;
    size_t n, cap;
    int bad;                           /* rows reported */
    bool oom;
};

static void record_reset(struct import *im)
{
    for (size_t i = 0; i < im->nfields; i++)
        free(im->fields[i]);
    im->nfields = 0;
    im->too_many = false;
    im->in_record = false;
}

static void on_field(void *data, size_t len, void *ctx)
{
    struct import *im = ctx;
    char *f;

    im->in_record = true;
    if (im->nfields >= IMPORT_MAX_FIELDS) {
        im->too_many = true;
        return;
    }
    f = malloc(len + 1);
    if (!f) {
        im->oom = true;
        return;
    }
    if (len)
        memcpy(f, data, len);
    f[len] = '\0';
    im->fields[im->nfields++] = f;
}

static void report(struct import *im, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(struct import *im, long line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%ld: ", im->file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    im->bad++;
}

static void read_header(struct import *im)
{
    bool seen[COL_COUNT] = {false};

    im->header_done = true;
    if (im->too_many) {
        report(im, im->record_line, "more than %d columns", IMPORT_MAX_FIELDS);
        im->header_bad = true;
        return;
    }
    for (size_t i = 0; i < im->nfields; i++) {
        int col = -1;
        for (int k = 0; k < COL_COUNT; k++)
            if (strcmp(im->fields[i], col_names[k]) == 0)
                col = k;
        if (col < 0) {
            report(im, im->record_line,
                   "unknown column '%s' (the columns are name, country, currency, kind, "
                   "vat_number, address, legal_name, contact_name, contact_email)",
                   im->fields[i]);
            im->header_bad = true;
        } else if (seen[col]) {
            report(im, im->record_line, "column '%s' is given twice", im->fields[i]);
            im->header_bad = true;
        } else {
            seen[col] = true;
            im->col_of[i] = col;
        }
    }
    im->ncols = im->nfields;
    for (int k = COL_NAME; k <= COL_CURRENCY; k++)
        if (!seen[k] && !im->header_bad) {
            report(im, im->record_line, "the header has no '%s' column (name, country and "
                   "currency are required)", col_names[k]);
            im->header_bad = true;
        }
}

static void read_row(struct import *im)
{
    struct account_input in;
    const char *v[COL_COUNT] = {NULL};
    char msg[700];

    if (im->too_many || im->nfields != im->ncols) {
        report(im, im->record_line, "%zu fields where the header has %zu",
               im->nfields, im->ncols);
        return;
    }
    for (size_t i = 0; i < im->nfields; i++)
        v[im->col_of[i]] = im->fields[i][0] ? im->fields[i] : NULL;
    memset(&in, 0, sizeof in);
    in.name = v[COL_NAME] ? v[COL_NAME] : "";
    in.country = v[COL_COUNTRY];
    in.currency = v[COL_CURRENCY];
    in.kind = v[COL_KIND];
    in.vat_number = v[COL_VAT_NUMBER];
    in.address = v[COL_ADDRESS];
    in.legal_name = v[COL_LEGAL_NAME];
    in.contact_name = v[COL_CONTACT_NAME];
    in.contact_email = v[COL_CONTACT_EMAIL];
    in.tax_code = v[COL_TAX_CODE];
    in.pec = v[COL_PEC];
    in.sdi_code = v[COL_SDI_CODE];
    in.street = v[COL_STREET];
    in.street_number = v[COL_NUMBER];
    in.postcode = v[COL_POSTCODE];
    in.city = v[COL_CITY];
    in.province = v[COL_PROVINCE];
    if (im->n == im->cap) {
        size_t cap = im->cap ? im->cap * 2 : 256;
        void *a = realloc(im->accounts, cap * sizeof *im->accounts);
        if (a)
            im->accounts = a;
        void *k = a ? realloc(im->contacts, cap * sizeof *im->contacts) : NULL;
        if (k)
            im->contacts = k;
        void *l = k ? realloc(im->lines, cap * sizeof *im->lines) : NULL;
        if (!l) {
            im->oom = true;
            return;
        }
        im->lines = l;
        im->cap = cap;
    }
    if (!account_build(im->c->catalog, &in, NULL, &im->accounts[im->n], &im->contacts[im->n],
                       msg, sizeof msg)) {
        report(im, im->record_line, "%s", msg);
        return;
    }
    im->lines[im->n++] = im->record_line;
}

static void on_record(int term, void *ctx)
{
    struct import *im = ctx;

    if (!im->oom) {
        if (!im->header_done)
            read_header(im);
        else if (!im->header_bad)
            read_row(im);
    }
    record_reset(im);
    im->await_start = true;
}

static int cmp_email(const void *a, const void *b)
{
    const struct store_contact *const *x = a, *const *y = b;
    int d = strcasecmp((*x)->email, (*y)->email);
    return d ? d : ((*x) < (*y) ? -1 : (*x) > (*y));
}

/* Two rows of the file with the same contact e-mail: the later one is bad. */
static void report_duplicate_emails(struct import *im)
{
    const struct store_contact **by = calloc(im->n ? im->n : 1, sizeof *by);
    size_t m = 0;

    if (!by) {
        im->oom = true;
        return;
    }
    for (size_t i = 0; i < im->n; i++)
        if (im->contacts[i].email)
            by[m++] = &im->contacts[i];
    qsort(by, m, sizeof *by, cmp_email);
    for (size_t i = 1; i < m; i++)
        if (strcasecmp(by[i - 1]->email, by[i]->email) == 0) {
            size_t row = (size_t)(by[i] - im->contacts), first = (size_t)(by[i - 1] - im->contacts);
            report(im, im->lines[row], "e-mail '%s' is already on line %ld", by[i]->email,
                   im->lines[first]);
        }
    free(by);
}

static void import_free(struct import *im)
{
    record_reset(im);
    for (size_t i = 0; i < im->n; i++) {
        store_account_clear(&im->accounts[i]);
        store_contact_clear(&im->contacts[i]);
    }
    free(im->accounts);
    free(im->contacts);
    free(im->lines);
}

static int parse_file(struct import *im, FILE *f)
{
    struct csv_parser p;
    char *buf = NULL;
    size_t size = 0;
    ssize_t len;
    int rc = CLI_EXIT_OK;

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return cli_status(BC_NO_MEMORY, NULL);
    im->await_start = true;
    while ((len = getline(&buf, &size, f)) > 0) {
        im->line++;
        /* libcsv skips empty lines; a record spans lines when quoted */
        if (im->await_start && strspn(buf, "\r\n") < (size_t)len) {
            im->record_line = im->line;
            im->await_start = false;
        }
        if (csv_parse(&p, buf, (size_t)len, on_field, on_record, im) != (size_t)len) {
            report(im, im->line, "%s", csv_strerror(csv_error(&p)));
            break;
        }
        if (im->oom)
            break;
    }
    if (ferror(f))
        rc = cli_error("account import: %s: %s", im->file, strerror(errno));
    else if (!im->bad && csv_fini(&p, on_field, on_record, im) != 0)
        report(im, im->line, "%s", csv_strerror(csv_error(&p)));
    free(buf);
    csv_free(&p);
    if (im->oom)
        rc = cli_status(BC_NO_MEMORY, NULL);
    return rc;
}

static int print_import_json(const struct import *im)
{
    json_t *ids = json_array();
    json_t *o;

    for (size_t i = 0; ids && i < im->n; i++)
        json_array_append_new(ids, json_integer(im->accounts[i].id));
    o = json_pack("{s:I, s:o?}", "imported", (json_int_t)im->n, "ids", ids);
    return cli_json_print(o) ? CLI_EXIT_OK : cli_status(BC_IO_ERROR, "standard output");
}

int cli_cmd_account_import(struct cli *c)
{
    struct import im;
    FILE *f;
    size_t failed = 0;
    enum bc_status st;
    int rc;

    memset(&im, 0, sizeof im);
    im.c = c;
    im.file = c->args[0];
    rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = account_may_write(&c->billing.actor);
    if (st != BC_OK) {
        account_add(&c->billing, NULL, NULL, 0, NULL);   /* audits the refusal */
        return refused("account import", st);
    }
    f = fopen(im.file, "r");
    if (!f)
        return cli_error("account import: %s: %s", im.file, strerror(errno));
    rc = parse_file(&im, f);
    fclose(f);
    if (rc == CLI_EXIT_OK && !im.bad && !im.header_done)
        report(&im, 1, "the file is empty (a header row is needed)");
    if (rc == CLI_EXIT_OK)
        report_duplicate_emails(&im);
    /* E-mails already in the database, each told on its own line. */
    for (size_t i = 0; rc == CLI_EXIT_OK && i < im.n; i++) {
        struct store_contact other;
        if (!im.contacts[i].email)
            continue;
        st = store_contact_by_email(c->store, im.contacts[i].email, &other);
        store_contact_clear(&other);
        if (st == BC_OK)
            report(&im, im.lines[i], "e-mail '%s' already belongs to a contact",
                   im.contacts[i].email);
        else if (st != BC_NOT_FOUND)
            rc = cli_status(st, "account import");
    }
    if (rc == CLI_EXIT_OK && im.bad) {
        fprintf(stderr, "billcenter: account import: %d bad row%s in %s; nothing was imported\n",
                im.bad, im.bad == 1 ? "" : "s", im.file);
        rc = CLI_EXIT_ERROR;
    }
    if (rc == CLI_EXIT_OK) {
        st = account_add(&c->billing, im.accounts, im.contacts, im.n, &failed);
        if (st == BC_INVALID_ARGUMENT)
            rc = cli_error("account import: %s:%ld: e-mail '%s' already belongs to a contact; "
                           "nothing was imported", im.file, im.lines[failed],
                           im.contacts[failed].email);
        else if (st != BC_OK)
            rc = bc_status_is_refusal(st) ? refused("account import", st)
                                          : cli_status(st, "account import");
        else if (c->json)
            rc = print_import_json(&im);
        else if (im.n)
            printf(ngettext("%zu account imported (%lld to %lld).\n",
                            "%zu accounts imported (%lld to %lld).\n", im.n), im.n,
                   (long long)im.accounts[0].id, (long long)im.accounts[im.n - 1].id);
        else
            printf(_("No accounts to import.\n"));
    }
    import_free(&im);
    return rc;
}

/* ---------------------------------------------------------------- set-card */

static json_t *card_json(int64_t id, const struct store_card *card)
{
    return json_pack("{s:I, s:{s:s, s:s, s:i, s:i}}", "account", (json_int_t)id, "card_on_file",
                     "brand", card->brand, "last4", card->last4, "exp_month", card->exp_month,
                     "exp_year", card->exp_year);
}

int cli_cmd_account_set_card(struct cli *c)
{
    struct store_account a;
    struct store_card card;
    char reason[64];
    int64_t id;
    enum bc_status st;
    int rc;

    if (!cli_parse_id("account", c->args[0], &id))
        return CLI_EXIT_USAGE;
    if (!c->opt[CLI_OPT_CARD] || !c->opt[CLI_OPT_CARD_EXP])
        return cli_usage_error(c, "--card and --card-exp are required");
    rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_load_account(c, id, &a);
    if (rc != CLI_EXIT_OK)
        return rc;
    store_account_clear(&a);
    st = account_set_card(&c->billing, id, c->opt[CLI_OPT_CARD], c->opt[CLI_OPT_CARD_EXP], &card,
                          reason, sizeof reason);
    switch (st) {
    case BC_OK:
        break;
    case BC_INVALID_CARD:
        return cli_error("--card: %s Nothing was changed.", _(bc_status_message(st)));
    case BC_INVALID_ARGUMENT:
        return cli_bad_value("--card-exp: '%s' is not MM/YY; nothing was changed",
                             c->opt[CLI_OPT_CARD_EXP]);
    case BC_CARD_EXPIRED:
        return cli_error("--card-exp: %s Nothing was changed.", _(bc_status_message(st)));
    case BC_PAYMENT_DECLINED:
        if (!reason[0])
            return refused("account set-card", st);
        cli_error("account set-card: %s (%s)", _(bc_status_message(st)), reason);
        return CLI_EXIT_REFUSED;
    case BC_PAYMENT_ERROR:
        return cli_error("account set-card: %s The card could not be verified; nothing was "
                         "changed.", _(bc_status_message(st)));
    default:
        return bc_status_is_refusal(st) ? refused("account set-card", st)
                                        : cli_status(st, "account set-card");
    }
    if (c->json)
        return cli_json_print(card_json(id, &card)) ? CLI_EXIT_OK
                                                    : cli_status(BC_IO_ERROR, "standard output");
    printf(_("Card on file for account %lld: %s ending %s, expires %02d/%04d.\n"), (long long)id,
           card.brand, card.last4, card.exp_month, card.exp_year);
    return CLI_EXIT_OK;
}
