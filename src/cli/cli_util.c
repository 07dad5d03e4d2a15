/* cli_util.c — the command line's messages and value parsers: every bad
 * value ends in one line "billcenter: ..." on stderr (exit 1; a malformed
 * option value is bad usage, exit 2), every other misuse in one line plus
 * the command's short usage (exit 2). */
#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_cmd.h"

/* "billcenter: <message>\n" on stderr, the one shape of every error line. */
static void print_error(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void print_error(const char *fmt, va_list ap)
{
    fputs("billcenter: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_error(fmt, ap);
    va_end(ap);
    return CLI_EXIT_ERROR;
}

int cli_bad_value(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_error(fmt, ap);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

/* The store a database failure came from, whose own message says what
 * happened (a server that went away, a constraint). */
static struct store *status_store;

void cli_status_source(struct store *s)
{
    status_store = s;
}

int cli_status(enum bc_status st, const char *what)
{
    const char *why = "";
    bool db = st == BC_DB_ERROR || st == BC_DB_BUSY || st == BC_DB_FULL ||
              st == BC_DB_READONLY || st == BC_DB_CORRUPT;
    if (db && status_store)
        why = store_errmsg(status_store);
    if (what)
        fprintf(stderr, "billcenter: %s: %s%s%s%s\n", what, _(bc_status_message(st)),
                *why ? " (" : "", why, *why ? ")" : "");
    else
        fprintf(stderr, "billcenter: %s%s%s%s\n", _(bc_status_message(st)),
                *why ? " (" : "", why, *why ? ")" : "");
    return bc_status_exit(st) == 0 ? CLI_EXIT_ERROR : bc_status_exit(st);
}

static const struct {
    const char *command;
    const char *usage;
} usages[] = {
    {"init", "billcenter init [--demo [--scale N]]"},
    {"catalog check", "billcenter catalog check [DIR]"},
    {"quote",
     "billcenter quote --account ID --product P [--to-plan X] [--to-seats N]\n"
     "                 [--to-period monthly|annual] [--country CC] [--vat-number X] [--json]\n"
     "billcenter quote --from-plan A --from-seats N --from-period F\n"
     "                 --period-start D0 --period-end D1 [--item-start I0]\n"
     "                 [--billed MINOR] [--credited MINOR] --product P --to-plan B\n"
     "                 --to-seats M --to-period F [--date D] [--balance MINOR]\n"
     "                 [--country CC] [--vat-number X] [--currency CUR] [--json]"},
    {"order place",
     "billcenter order place --account ID (--product P [--to-plan X] [--to-seats N]\n"
     "                 [--to-period F] | --cart) --idempotency-key K\n"
     "                 [--expect-due MINOR] [--card NUMBER --card-exp MM/YY [--save-card]]\n"
     "                 [--vat-number X] [--country CC] [--update-billing-info] [--json]"},
    {"account show", "billcenter account show ID [--json]"},
    {"account add",
     "billcenter account add --name NAME --country CC --currency CUR\n"
     "                 [--kind standard|corporate] [--vat-number X] [--address TEXT]\n"
     "                 [--legal-name TEXT] [--contact-name N --contact-email E]\n"
     "                 [--street S --number N --postcode P --city C [--province PR]]\n"
     "                 [--tax-code CF] [--pec ADDRESS] [--sdi-code CODE] [--json]"},
    {"account edit",
     "billcenter account edit ID [--name NAME] [--country CC] [--kind standard|corporate]\n"
     "                 [--vat-number X|\"\"] [--address TEXT|\"\"] [--legal-name TEXT|\"\"]\n"
     "                 [--street S] [--number N] [--postcode P] [--city C] [--province PR]\n"
     "                 [--tax-code CF] [--pec ADDRESS] [--sdi-code CODE] (\"\" clears) [--json]"},
    {"account import",
     "billcenter account import FILE [--json]   (CSV with a header row: name, country,\n"
     "                 currency, kind, vat_number, address, legal_name, contact_name,\n"
     "                 contact_email, tax_code, pec, sdi_code, street, number, postcode,\n"
     "                 city, province, in any order; all rows or none)"},
    {"account set-card",
     "billcenter account set-card ID --card NUMBER --card-exp MM/YY [--json]   (verified\n"
     "                 with the processor, nothing charged; brand, last 4 and expiry kept)"},
    {"orders", "billcenter orders ID [--json]"},
    {"audit", "billcenter audit [--account ID] [--since YYYY-MM-DD (UTC)] [--json]"},
    {"reconcile", "billcenter reconcile [--json]"},
    {"operator add", "billcenter operator add NAME --role admin|operator|readonly"},
    {"operator remove", "billcenter operator remove NAME"},
    {"operator list", "billcenter operator list [--json]"},
    {"contact set-pin",
     "billcenter contact set-pin (--email E | CONTACT_ID)   (the PIN is read from the\n"
     "                 terminal without echo, or as one line from standard input)"},
    {"backup", "billcenter backup FILE [--force]"},
    {"migrate", "billcenter migrate --to DB [--json]   (into an empty database: SQLite\n"
                "                 file or PostgreSQL conninfo; counts and sums verified)"},
    {"renew", "billcenter renew [--account ID] [--dry-run] [--json]   (every ended period\n"
              "                 renewed once: balance first, then the card on file)"},
    {"subscription cancel", "billcenter subscription cancel --account ID --product P [--json]"},
    {"subscription reactivate",
     "billcenter subscription reactivate --account ID --product P [--json]"},
    {"subscription schedule",
     "billcenter subscription schedule --account ID --product P [--to-plan X]\n"
     "                 [--to-seats N] [--to-period monthly|annual] [--json]   (at the renewal)"},
    {"subscription unschedule",
     "billcenter subscription unschedule --account ID --product P [--json]"},
    {"subscription pay",
     "billcenter subscription pay --account ID --product P [--card NUMBER --card-exp MM/YY]\n"
     "                 [--json]"},
    {"events", "billcenter events [--after ID] [--json]"},
    {"events deliver", "billcenter events deliver [--json]   (each undelivered event, in order,\n"
                       "                 as JSON on the standard input of the catalog's events command)"},
    {"invoices", "billcenter invoices ACCOUNT [--json]"},
    {"invoice show",
     "billcenter invoice show NUMBER [--format text|json|pdf|fatturapa] [-o FILE]\n"
     "                 [--json | --xml | --pdf FILE] [--paper a4|letter]"},
    {"invoice send",
     "billcenter invoice send [NUMBER] [--json]   (to documents.send_command and\n"
     "                 sdi.command; what was not accepted is tried again next time)"},
};

void cli_print_usage(FILE *f, const char *command)
{
    for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++) {
        if (command && strcmp(command, usages[i].command) != 0)
            continue;
        fprintf(f, "%s%s\n", command ? "usage: " : "", usages[i].usage);
    }
    fputs("global options, before or after the command: --db PATH|CONNINFO, --catalog DIR,\n"
          "  --lang en|it, --kiosk, --date YYYY-MM-DD, --help, --version\n", f);
}

bool cli_print_group_help(FILE *f, const char *word)
{
    size_t n = strlen(word);
    bool any = false;

    for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++) {
        const char *cmd = usages[i].command;
        if (strncmp(cmd, word, n) != 0 || (cmd[n] != ' ' && cmd[n] != '\0'))
            continue;
        fprintf(f, "%s%s\n", any ? "" : "usage: ", usages[i].usage);
        any = true;
    }
    if (any)
        fputs("global options, before or after the command: --db PATH|CONNINFO, --catalog DIR,\n"
              "  --lang en|it, --kiosk, --date YYYY-MM-DD, --help, --version\n", f);
    return any;
}

/* Full help: the UI, every command, the exit codes. */
static void print_help(FILE *f)
{
    fputs("usage: billcenter [GLOBAL OPTIONS]   (opens the terminal UI)\n"
          "       billcenter COMMAND [OPTIONS]\n\n", f);
    cli_print_usage(f, NULL);
    fputs("exit codes: 0 success, 1 error, 2 bad usage, 3 refused by a business rule\n", f);
}

void cli_print_help(FILE *f, const char *command)
{
    if (command)
        cli_print_usage(f, command);
    else
        print_help(f);
}

int cli_usage_error(const struct cli *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    print_error(fmt, ap);
    va_end(ap);
    if (c && c->command)
        cli_print_usage(stderr, c->command);
    else
        fputs("usage: billcenter [init | catalog check | quote | order place |\n"
              "                   account show|add|edit|import|set-card |\n"
              "                   orders | audit | reconcile | operator add|remove|list |\n"
              "                   contact set-pin | backup | migrate | renew |\n"
              "                   subscription cancel|reactivate|schedule|unschedule|pay |\n"
              "                   events [deliver] | invoices | invoice show|send] [OPTIONS];\n"
              "                   'billcenter --help' says more\n",
              stderr);
    return CLI_EXIT_USAGE;
}

/* Strict decimal integer: optional '-', digits only, fits int64_t. */
static bool parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;
    const char *p = s;

    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = (int64_t)v;
    return true;
}

bool cli_parse_id(const char *what, const char *s, int64_t *out)
{
    if (!parse_i64(s, out) || *out <= 0) {
        cli_error("%s: '%s' is not an id (a positive number)", what, s);
        return false;
    }
    return true;
}

bool cli_parse_int(const char *what, const char *s, int lo, int hi, int *out)
{
    int64_t v;

    if (!parse_i64(s, &v) || v < lo || v > hi) {
        cli_error("%s: '%s' is not a whole number from %d to %d", what, s, lo, hi);
        return false;
    }
    *out = (int)v;
    return true;
}

bool cli_parse_minor(const char *what, const char *s, bool allow_negative, int64_t *out)
{
    if (!parse_i64(s, out) || (!allow_negative && *out < 0)) {
        cli_error("%s: '%s' is not an amount in minor units (e.g. 4100 for 41.00)", what, s);
        return false;
    }
    return true;
}

bool cli_parse_date(const char *what, const char *s, bc_day *out)
{
    if (!date_parse(s, out)) {
        cli_error("%s: '%s' is not a date (YYYY-MM-DD)", what, s);
        return false;
    }
    return true;
}

bool cli_parse_period(const char *what, const char *s, enum bc_period *out)
{
    if (!bc_period_parse(s, out)) {
        cli_error("%s: '%s' is not a billing frequency (monthly or annual)", what, s);
        return false;
    }
    return true;
}

bool cli_parse_country(const char *s, char out[3])
{
    if (strlen(s) != 2 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1])) {
        cli_error("--country: '%s': %s", s, bc_status_message(BC_UNKNOWN_COUNTRY));
        return false;
    }
    out[0] = (char)toupper((unsigned char)s[0]);
    out[1] = (char)toupper((unsigned char)s[1]);
    out[2] = '\0';
    return true;
}

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static bool has_catalog(const char *dir)
{
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/it/LC_MESSAGES/billcenter.mo", dir);
    return n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0;
}

void cli_i18n(const char *lang)
{
    const char *loc = setlocale(LC_ALL, "");
    if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0 ||
        strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
        if (!setlocale(LC_ALL, "C.UTF-8"))
            setlocale(LC_ALL, "C.utf8");
    }
    setlocale(LC_NUMERIC, "C");
    setenv("LANGUAGE", strcmp(lang, "it") == 0 ? "it" : "en", 1);
    const char *dir = LOCALEDIR;
#ifdef BC_BUILD_LOCALEDIR
    if (!has_catalog(dir) && has_catalog(BC_BUILD_LOCALEDIR))
        dir = BC_BUILD_LOCALEDIR;
#else
    (void)has_catalog;
#endif
    bindtextdomain("billcenter", dir);
    bind_textdomain_codeset("billcenter", "UTF-8");
    textdomain("billcenter");
}

const char *cli_arrow(void)
{
    return cli_utf8() ? "\u2192" : "->";
}

bool cli_utf8(void)
{
    static int cached = -1;

    if (cached < 0) {
        const char *old = setlocale(LC_CTYPE, NULL);
        char *saved = old ? strdup(old) : NULL;

        cached = setlocale(LC_CTYPE, "") && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
        if (saved) {
            setlocale(LC_CTYPE, saved);
            free(saved);
        }
    }
    return cached == 1;
}
