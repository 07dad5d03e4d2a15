/* cli_cmd.h — what the command line's files share: the parsed command
 * (every option as given), resources opened on demand, value parsers that
 * print one clear line on failure, and the subcommands themselves.
 * Internal to src/cli*.c. */
#ifndef BC_CLI_CMD_H
#define BC_CLI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libintl.h>

#include "billing.h"
#include "catalog.h"
#include "date.h"
#include "status.h"
#include "store.h"

/* What the commands print for people goes through gettext (the "billcenter"
 * domain, po/it.po), in the language of --lang or the locale. */
#define _(s) gettext(s)
#ifndef N_
#define N_(s) s
#endif

/* Exit codes (SPEC §6). */
enum { CLI_EXIT_OK = 0, CLI_EXIT_ERROR = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_REFUSED = 3 };

/* Every option any subcommand knows; the first ones are global. */
enum cli_opt {
    CLI_OPT_DB, CLI_OPT_CATALOG, CLI_OPT_LANG, CLI_OPT_KIOSK, CLI_OPT_DATE,
    CLI_OPT_HELP, CLI_OPT_VERSION,
    CLI_OPT_GLOBAL_END,                /* options below belong to subcommands */
    CLI_OPT_JSON = CLI_OPT_GLOBAL_END,
    CLI_OPT_DEMO, CLI_OPT_SCALE,
    CLI_OPT_ACCOUNT, CLI_OPT_PRODUCT, CLI_OPT_TO_PLAN, CLI_OPT_TO_SEATS, CLI_OPT_TO_PERIOD,
    CLI_OPT_FROM_PLAN, CLI_OPT_FROM_SEATS, CLI_OPT_FROM_PERIOD,
    CLI_OPT_PERIOD_START, CLI_OPT_PERIOD_END, CLI_OPT_ITEM_START,
    CLI_OPT_BILLED, CLI_OPT_CREDITED, CLI_OPT_BALANCE,
    CLI_OPT_COUNTRY, CLI_OPT_VAT_NUMBER, CLI_OPT_CURRENCY,
    CLI_OPT_IDEMPOTENCY_KEY, CLI_OPT_EXPECT_DUE, CLI_OPT_CARD, CLI_OPT_CARD_EXP,
    CLI_OPT_SAVE_CARD, CLI_OPT_UPDATE_BILLING_INFO, CLI_OPT_CART, CLI_OPT_SINCE,
    CLI_OPT_ROLE, CLI_OPT_EMAIL, CLI_OPT_FORCE,
    CLI_OPT_NAME, CLI_OPT_KIND, CLI_OPT_ADDRESS, CLI_OPT_LEGAL_NAME, CLI_OPT_CONTACT_NAME,
    CLI_OPT_CONTACT_EMAIL, CLI_OPT_TO, CLI_OPT_DRY_RUN, CLI_OPT_AFTER,
    /* fiscal documents and the account's billing profile (SPEC §9) */
    CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_XML, CLI_OPT_PDF, CLI_OPT_PAPER,
    CLI_OPT_TAX_CODE, CLI_OPT_PEC, CLI_OPT_SDI_CODE, CLI_OPT_STREET, CLI_OPT_NUMBER,
    CLI_OPT_POSTCODE, CLI_OPT_CITY, CLI_OPT_PROVINCE,
    CLI_OPT_COUNT
};

struct cli {
    /* the parsed command line; option values borrowed from argv,
     * flags given are "" */
    const char *opt[CLI_OPT_COUNT];
    const char *command;               /* "quote", "order place", ... or NULL (UI) */
    char **args;                       /* positional words after the command */
    int nargs;

    /* resolved globals */
    char db_path[4096];
    bool db_path_default;              /* not from --db or $BILLCENTER_DB */
    char catalog_dir[4096];
    const char *lang;                  /* "en" or "it" */
    bool kiosk;
    bool json;
    bool date_given;
    bc_day date;

    /* opened on demand, released by cli_release */
    struct store *store;
    struct catalog *catalog;
    struct payment_processor *processor;
    struct billing billing;
};

/* ---- messages (cli_util.c) ---- */
/* "billcenter: <message>" on stderr; returns CLI_EXIT_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line for a malformed value; returns CLI_EXIT_USAGE. */
int cli_bad_value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A status as one line, "billcenter: <what>: <message>" (what may be NULL);
 * returns its exit code (1 or 3). */
int cli_status(enum bc_status st, const char *what);
/* The store whose message cli_status adds to a database failure. */
void cli_status_source(struct store *s);
/* One usage line about the command, then its short usage; returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Short usage of `command` (NULL: all commands) to `f`. */
void cli_print_usage(FILE *f, const char *command);
/* --help for a command's first word ("order", "operator"): the usage of
 * every command it starts; false when no command starts with it. */
bool cli_print_group_help(FILE *f, const char *word);
/* --help: the command's usage, or everything (command NULL). */
void cli_print_help(FILE *f, const char *command);

/* The locale and message catalog for `lang` ("en" or "it"): numbers in C
 * code stay in the C convention, LANGUAGE names the language, and a plain C
 * locale becomes C.UTF-8 so that it is honoured. */
void cli_i18n(const char *lang);
/* "→" on a UTF-8 terminal, "->" elsewhere. */
const char *cli_arrow(void);

/* ---- value parsers: print one line and return false on bad input (a
 * malformed value is bad usage: the caller returns CLI_EXIT_USAGE) ---- */
bool cli_parse_id(const char *what, const char *s, int64_t *out);
bool cli_parse_int(const char *what, const char *s, int lo, int hi, int *out);
bool cli_parse_minor(const char *what, const char *s, bool allow_negative, int64_t *out);
bool cli_parse_date(const char *what, const char *s, bc_day *out);
bool cli_parse_period(const char *what, const char *s, enum bc_period *out);
/* Two letters, upper-cased into out[3]. */
bool cli_parse_country(const char *s, char out[3]);

/* ---- resources (cli_open.c); each returns CLI_EXIT_OK or the exit code
 * after printing why ---- */
/* --db, $BILLCENTER_DB, for the system user the system database, else
 * $XDG_DATA_HOME/billcenter/billcenter.db or
 * ~/.local/share/billcenter/billcenter.db into c->db_path. */
bool cli_resolve_db_path(struct cli *c);
int cli_open_catalog(struct cli *c);
int cli_open_store(struct cli *c, enum store_open_mode mode);
/* Store + operator actor (or kiosk actor). */
int cli_open_actor(struct cli *c);
/* Everything billing needs: catalog, store, actor, processor, today. */
int cli_open_billing(struct cli *c);
/* The account `id` into *a (zeroed first; the caller clears it), or
 * "no such account" / the store's status told and its exit code returned. */
int cli_load_account(struct cli *c, int64_t id, struct store_account *a);
/* --date or today in the seller's time zone (needs the catalog). */
bc_day cli_today(const struct cli *c);
void cli_release(struct cli *c);

/* Whether money may be shown with symbols (UTF-8 locale). */
bool cli_utf8(void);

/* ---- subcommands; each returns the exit code ---- */
int cli_cmd_init(struct cli *c);
int cli_cmd_catalog_check(struct cli *c);
int cli_cmd_quote(struct cli *c);
int cli_cmd_order_place(struct cli *c);
int cli_cmd_reconcile(struct cli *c);
int cli_cmd_account_show(struct cli *c);
int cli_cmd_orders(struct cli *c);
int cli_cmd_audit(struct cli *c);
/* operators and PINs (cli_operator.c, cli_contact.c) */
int cli_cmd_operator_add(struct cli *c);
int cli_cmd_operator_remove(struct cli *c);
int cli_cmd_operator_list(struct cli *c);
int cli_cmd_contact_set_pin(struct cli *c);
/* customers coming in (cli_account.c) */
int cli_cmd_account_add(struct cli *c);
int cli_cmd_account_edit(struct cli *c);
int cli_cmd_account_import(struct cli *c);
int cli_cmd_account_set_card(struct cli *c);
/* a consistent copy of the database (cli_backup.c) */
int cli_cmd_backup(struct cli *c);
/* a copy into an empty database of either engine (cli_migrate.c) */
int cli_cmd_migrate(struct cli *c);
/* fiscal documents (cli_invoice.c) */
int cli_cmd_invoices(struct cli *c);
int cli_cmd_invoice_show(struct cli *c);
int cli_cmd_invoice_send(struct cli *c);

/* the life of a subscription (cli_lifecycle.c) */
int cli_cmd_renew(struct cli *c);
int cli_cmd_subscription_cancel(struct cli *c);
int cli_cmd_subscription_reactivate(struct cli *c);
int cli_cmd_subscription_schedule(struct cli *c);
int cli_cmd_subscription_unschedule(struct cli *c);
int cli_cmd_subscription_pay(struct cli *c);
int cli_cmd_events(struct cli *c);
int cli_cmd_events_deliver(struct cli *c);

/* ---- shared by quote and order place (cli_quote.c) ---- */
/* Fills a change for an account: the subscription to `product` and the
 * targets, each defaulting to the current value. Prints why on failure. */
int cli_change_from_options(struct cli *c, int64_t account_id, struct billing_change *out);
/* Readable quote table on stdout. */
void cli_print_quote_text(const struct cli *c, const char *currency,
                          const struct quote_item *items, size_t n,
                          const struct quote_totals *t, enum bc_status refusal);
/* A change of billing information given at checkout, in words: "country
 * DE -> LU, VAT 19% -> 17%" (and the VAT number when it changes). */
void cli_billing_info_words(const struct billing_quote *q, char *buf, size_t size);
/* The same as JSON: {"change", "country_before", "country_after",
 * "vat_number_before", "vat_number_after", "vat_rate_bp_before",
 * "vat_rate_bp_after" (1900 = 19%), "reverse_charge_before",
 * "reverse_charge_after"}. */
struct json_t *cli_json_billing_info(const struct billing_quote *q);
/* How an order's VAT number was checked (SPEC §9), one translated line
 * with `indent` before it: "VAT number DE136464502: valid in VIES
 * (consultation WAPIAAAAW1, 2026-11-25 10:00 UTC)" or "...: checked offline
 * (format and check digits; VIES: timed out)". Nothing when there is none. */
void cli_print_vat_check(const char *indent, const struct store_vat_check *v);

#endif
