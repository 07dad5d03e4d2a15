/* cli.c — billcenter's command line (SPEC §6). One permuting getopt_long
 * pass over a table holding the global options and every subcommand's
 * options, so globals may stand before or after the subcommand; then the
 * subcommand is looked up, options that do not apply to it are refused as bad
 * usage, and it runs. With no subcommand the terminal UI takes over. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_cmd.h"

#ifndef BC_VERSION
#define BC_VERSION "0.1.0"
#endif

/* getopt_long values sit above every character so none is mistaken for one. */
#define V(o) (256 + (int)(o))

static const struct option long_options[] = {
    {"db", required_argument, NULL, V(CLI_OPT_DB)},
    {"catalog", required_argument, NULL, V(CLI_OPT_CATALOG)},
    {"lang", required_argument, NULL, V(CLI_OPT_LANG)},
    {"kiosk", no_argument, NULL, V(CLI_OPT_KIOSK)},
    {"date", required_argument, NULL, V(CLI_OPT_DATE)},
    {"help", no_argument, NULL, V(CLI_OPT_HELP)},
    {"version", no_argument, NULL, V(CLI_OPT_VERSION)},
    {"json", no_argument, NULL, V(CLI_OPT_JSON)},
    {"demo", no_argument, NULL, V(CLI_OPT_DEMO)},
    {"scale", required_argument, NULL, V(CLI_OPT_SCALE)},
    {"account", required_argument, NULL, V(CLI_OPT_ACCOUNT)},
    {"product", required_argument, NULL, V(CLI_OPT_PRODUCT)},
    {"to-plan", required_argument, NULL, V(CLI_OPT_TO_PLAN)},
    {"to-seats", required_argument, NULL, V(CLI_OPT_TO_SEATS)},
    {"to-period", required_argument, NULL, V(CLI_OPT_TO_PERIOD)},
    {"from-plan", required_argument, NULL, V(CLI_OPT_FROM_PLAN)},
    {"from-seats", required_argument, NULL, V(CLI_OPT_FROM_SEATS)},
    {"from-period", required_argument, NULL, V(CLI_OPT_FROM_PERIOD)},
    {"period-start", required_argument, NULL, V(CLI_OPT_PERIOD_START)},
    {"period-end", required_argument, NULL, V(CLI_OPT_PERIOD_END)},
    {"item-start", required_argument, NULL, V(CLI_OPT_ITEM_START)},
    {"billed", required_argument, NULL, V(CLI_OPT_BILLED)},
    {"credited", required_argument, NULL, V(CLI_OPT_CREDITED)},
    {"balance", required_argument, NULL, V(CLI_OPT_BALANCE)},
    {"country", required_argument, NULL, V(CLI_OPT_COUNTRY)},
    {"vat-number", required_argument, NULL, V(CLI_OPT_VAT_NUMBER)},
    {"currency", required_argument, NULL, V(CLI_OPT_CURRENCY)},
    {"idempotency-key", required_argument, NULL, V(CLI_OPT_IDEMPOTENCY_KEY)},
    {"expect-due", required_argument, NULL, V(CLI_OPT_EXPECT_DUE)},
    {"card", required_argument, NULL, V(CLI_OPT_CARD)},
    {"card-exp", required_argument, NULL, V(CLI_OPT_CARD_EXP)},
    {"save-card", no_argument, NULL, V(CLI_OPT_SAVE_CARD)},
    {"update-billing-info", no_argument, NULL, V(CLI_OPT_UPDATE_BILLING_INFO)},
    {"cart", no_argument, NULL, V(CLI_OPT_CART)},
    {"since", required_argument, NULL, V(CLI_OPT_SINCE)},
    {"role", required_argument, NULL, V(CLI_OPT_ROLE)},
    {"email", required_argument, NULL, V(CLI_OPT_EMAIL)},
    {"force", no_argument, NULL, V(CLI_OPT_FORCE)},
    {"name", required_argument, NULL, V(CLI_OPT_NAME)},
    {"kind", required_argument, NULL, V(CLI_OPT_KIND)},
    {"address", required_argument, NULL, V(CLI_OPT_ADDRESS)},
    {"legal-name", required_argument, NULL, V(CLI_OPT_LEGAL_NAME)},
    {"contact-name", required_argument, NULL, V(CLI_OPT_CONTACT_NAME)},
    {"contact-email", required_argument, NULL, V(CLI_OPT_CONTACT_EMAIL)},
    {"to", required_argument, NULL, V(CLI_OPT_TO)},
    {"dry-run", no_argument, NULL, V(CLI_OPT_DRY_RUN)},
    {"after", required_argument, NULL, V(CLI_OPT_AFTER)},
    {"format", required_argument, NULL, V(CLI_OPT_FORMAT)},
    {"output", required_argument, NULL, V(CLI_OPT_OUTPUT)},
    {"xml", no_argument, NULL, V(CLI_OPT_XML)},
    {"pdf", required_argument, NULL, V(CLI_OPT_PDF)},
    {"paper", required_argument, NULL, V(CLI_OPT_PAPER)},
    {"tax-code", required_argument, NULL, V(CLI_OPT_TAX_CODE)},
    {"pec", required_argument, NULL, V(CLI_OPT_PEC)},
    {"sdi-code", required_argument, NULL, V(CLI_OPT_SDI_CODE)},
    {"street", required_argument, NULL, V(CLI_OPT_STREET)},
    {"number", required_argument, NULL, V(CLI_OPT_NUMBER)},
    {"postcode", required_argument, NULL, V(CLI_OPT_POSTCODE)},
    {"city", required_argument, NULL, V(CLI_OPT_CITY)},
    {"province", required_argument, NULL, V(CLI_OPT_PROVINCE)},
    {NULL, 0, NULL, 0},
};

/* A subcommand: its name, its words, how many positional arguments follow
 * them, the options it accepts besides the globals, and what runs it. */
struct cli_command {
    const char *name;
    const char *word1, *word2;
    int min_args, max_args;
    const enum cli_opt *options;
    size_t noptions;
    int (*run)(struct cli *c);
};

static const enum cli_opt init_opts[] = {CLI_OPT_DEMO, CLI_OPT_SCALE};
static const enum cli_opt quote_opts[] = {
    CLI_OPT_JSON, CLI_OPT_ACCOUNT, CLI_OPT_PRODUCT, CLI_OPT_TO_PLAN, CLI_OPT_TO_SEATS,
    CLI_OPT_TO_PERIOD, CLI_OPT_FROM_PLAN, CLI_OPT_FROM_SEATS, CLI_OPT_FROM_PERIOD,
    CLI_OPT_PERIOD_START, CLI_OPT_PERIOD_END, CLI_OPT_ITEM_START, CLI_OPT_BILLED,
    CLI_OPT_CREDITED, CLI_OPT_BALANCE, CLI_OPT_COUNTRY, CLI_OPT_VAT_NUMBER, CLI_OPT_CURRENCY,
};
static const enum cli_opt order_opts[] = {
    CLI_OPT_JSON, CLI_OPT_ACCOUNT, CLI_OPT_PRODUCT, CLI_OPT_TO_PLAN, CLI_OPT_TO_SEATS,
    CLI_OPT_TO_PERIOD, CLI_OPT_IDEMPOTENCY_KEY, CLI_OPT_EXPECT_DUE, CLI_OPT_CARD,
    CLI_OPT_CARD_EXP, CLI_OPT_SAVE_CARD, CLI_OPT_VAT_NUMBER, CLI_OPT_COUNTRY, CLI_OPT_CART,
    CLI_OPT_UPDATE_BILLING_INFO,
};
static const enum cli_opt json_opts[] = {CLI_OPT_JSON};
static const enum cli_opt audit_opts[] = {CLI_OPT_JSON, CLI_OPT_ACCOUNT, CLI_OPT_SINCE};
static const enum cli_opt role_opts[] = {CLI_OPT_ROLE};
static const enum cli_opt email_opts[] = {CLI_OPT_EMAIL};
static const enum cli_opt backup_opts[] = {CLI_OPT_FORCE};
static const enum cli_opt migrate_opts[] = {CLI_OPT_TO, CLI_OPT_JSON};
#define BILLING_PROFILE_OPTS CLI_OPT_TAX_CODE, CLI_OPT_PEC, CLI_OPT_SDI_CODE, CLI_OPT_STREET, \
    CLI_OPT_NUMBER, CLI_OPT_POSTCODE, CLI_OPT_CITY, CLI_OPT_PROVINCE
static const enum cli_opt account_add_opts[] = {
    CLI_OPT_JSON, CLI_OPT_NAME, CLI_OPT_COUNTRY, CLI_OPT_CURRENCY, CLI_OPT_KIND,
    CLI_OPT_VAT_NUMBER, CLI_OPT_ADDRESS, CLI_OPT_LEGAL_NAME, CLI_OPT_CONTACT_NAME,
    CLI_OPT_CONTACT_EMAIL, BILLING_PROFILE_OPTS,
};
static const enum cli_opt account_edit_opts[] = {
    CLI_OPT_JSON, CLI_OPT_NAME, CLI_OPT_COUNTRY, CLI_OPT_KIND, CLI_OPT_VAT_NUMBER,
    CLI_OPT_ADDRESS, CLI_OPT_LEGAL_NAME, BILLING_PROFILE_OPTS,
};
static const enum cli_opt account_set_card_opts[] = {CLI_OPT_JSON, CLI_OPT_CARD, CLI_OPT_CARD_EXP};
static const enum cli_opt invoice_show_opts[] = {
    CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_JSON, CLI_OPT_XML, CLI_OPT_PDF, CLI_OPT_PAPER,
};

static const enum cli_opt renew_opts[] = {CLI_OPT_JSON, CLI_OPT_ACCOUNT, CLI_OPT_DRY_RUN};
static const enum cli_opt sub_opts[] = {CLI_OPT_JSON, CLI_OPT_ACCOUNT, CLI_OPT_PRODUCT};
static const enum cli_opt sub_schedule_opts[] = {
    CLI_OPT_JSON, CLI_OPT_ACCOUNT, CLI_OPT_PRODUCT, CLI_OPT_TO_PLAN, CLI_OPT_TO_SEATS,
    CLI_OPT_TO_PERIOD,
};
static const enum cli_opt sub_pay_opts[] = {
    CLI_OPT_JSON, CLI_OPT_ACCOUNT, CLI_OPT_PRODUCT, CLI_OPT_CARD, CLI_OPT_CARD_EXP,
};
static const enum cli_opt events_opts[] = {CLI_OPT_JSON, CLI_OPT_AFTER};

#define OPTS(a) a, sizeof a / sizeof a[0]

static const struct cli_command commands[] = {
    {"init", "init", NULL, 0, 0, OPTS(init_opts), cli_cmd_init},
    {"catalog check", "catalog", "check", 0, 1, NULL, 0, cli_cmd_catalog_check},
    {"quote", "quote", NULL, 0, 0, OPTS(quote_opts), cli_cmd_quote},
    {"order place", "order", "place", 0, 0, OPTS(order_opts), cli_cmd_order_place},
    {"account show", "account", "show", 1, 1, OPTS(json_opts), cli_cmd_account_show},
    {"account add", "account", "add", 0, 0, OPTS(account_add_opts), cli_cmd_account_add},
    {"account edit", "account", "edit", 1, 1, OPTS(account_edit_opts), cli_cmd_account_edit},
    {"account import", "account", "import", 1, 1, OPTS(json_opts), cli_cmd_account_import},
    {"account set-card", "account", "set-card", 1, 1, OPTS(account_set_card_opts),
     cli_cmd_account_set_card},
    {"orders", "orders", NULL, 1, 1, OPTS(json_opts), cli_cmd_orders},
    {"audit", "audit", NULL, 0, 0, OPTS(audit_opts), cli_cmd_audit},
    {"reconcile", "reconcile", NULL, 0, 0, OPTS(json_opts), cli_cmd_reconcile},
    {"operator add", "operator", "add", 1, 1, OPTS(role_opts), cli_cmd_operator_add},
    {"operator remove", "operator", "remove", 1, 1, NULL, 0, cli_cmd_operator_remove},
    {"operator list", "operator", "list", 0, 0, OPTS(json_opts), cli_cmd_operator_list},
    {"contact set-pin", "contact", "set-pin", 0, 1, OPTS(email_opts), cli_cmd_contact_set_pin},
    {"backup", "backup", NULL, 1, 1, OPTS(backup_opts), cli_cmd_backup},
    {"migrate", "migrate", NULL, 0, 0, OPTS(migrate_opts), cli_cmd_migrate},
    {"renew", "renew", NULL, 0, 0, OPTS(renew_opts), cli_cmd_renew},
    {"subscription cancel", "subscription", "cancel", 0, 0, OPTS(sub_opts),
     cli_cmd_subscription_cancel},
    {"subscription reactivate", "subscription", "reactivate", 0, 0, OPTS(sub_opts),
     cli_cmd_subscription_reactivate},
    {"subscription schedule", "subscription", "schedule", 0, 0, OPTS(sub_schedule_opts),
     cli_cmd_subscription_schedule},
    {"subscription unschedule", "subscription", "unschedule", 0, 0, OPTS(sub_opts),
     cli_cmd_subscription_unschedule},
    {"subscription pay", "subscription", "pay", 0, 0, OPTS(sub_pay_opts), cli_cmd_subscription_pay},
    /* Before "events": the first command whose words match runs. */
    {"events deliver", "events", "deliver", 0, 0, OPTS(json_opts), cli_cmd_events_deliver},
    {"events", "events", NULL, 0, 0, OPTS(events_opts), cli_cmd_events},
    {"invoices", "invoices", NULL, 1, 1, OPTS(json_opts), cli_cmd_invoices},
    {"invoice show", "invoice", "show", 1, 1, OPTS(invoice_show_opts), cli_cmd_invoice_show},
    {"invoice send", "invoice", "send", 0, 1, OPTS(json_opts), cli_cmd_invoice_send},
};

static const char *option_name(enum cli_opt o)
{
    for (const struct option *lo = long_options; lo->name; lo++)
        if (lo->val == V(o))
            return lo->name;
    return "?";
}

/* "--name" of an option, for messages. */
static const char *option_flag(enum cli_opt o)
{
    static char buf[CLI_OPT_COUNT][24];
    snprintf(buf[o], sizeof buf[o], "--%s", option_name(o));
    return buf[o];
}

static bool command_accepts(const struct cli_command *cmd, enum cli_opt o)
{
    if (o < CLI_OPT_GLOBAL_END)
        return true;
    for (size_t i = 0; i < cmd->noptions; i++)
        if (cmd->options[i] == o)
            return true;
    return false;
}

/* LC_ALL, then LC_MESSAGES, then LANG: the first one set decides. */
static const char *lang_from_locale(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && v[0])
            return strncmp(v, "it", 2) == 0 ? "it" : "en";
    }
    return "en";
}

static int resolve_globals(struct cli *c)
{
    const char *lang = c->opt[CLI_OPT_LANG];

    if (lang) {
        if (strcmp(lang, "en") != 0 && strcmp(lang, "it") != 0)
            return cli_bad_value("--lang: '%s' is not a language billcenter speaks (en, it)", lang);
        c->lang = lang;
    } else {
        c->lang = lang_from_locale();
    }
    c->kiosk = c->opt[CLI_OPT_KIOSK] != NULL;
    c->json = c->opt[CLI_OPT_JSON] != NULL;
    if (c->opt[CLI_OPT_DATE]) {
        if (!cli_parse_date("--date", c->opt[CLI_OPT_DATE], &c->date))
            return CLI_EXIT_USAGE;
        c->date_given = true;
    }
    return CLI_EXIT_OK;
}

/* Every option's value has the shape its name promises (a number, a date,
 * a billing frequency, a country code): a malformed one is bad usage, told
 * in one line before anything is opened. Whether a well-formed value makes
 * sense (a plan's seat limits, an account that exists) is the command's. */
static int check_values(const struct cli *c)
{
    static const enum cli_opt dates[] = {
        CLI_OPT_PERIOD_START, CLI_OPT_PERIOD_END, CLI_OPT_ITEM_START, CLI_OPT_SINCE,
    };
    static const enum cli_opt seats[] = {CLI_OPT_FROM_SEATS, CLI_OPT_TO_SEATS};
    static const enum cli_opt periods[] = {CLI_OPT_FROM_PERIOD, CLI_OPT_TO_PERIOD};
    static const enum cli_opt minors[] = {
        CLI_OPT_BILLED, CLI_OPT_CREDITED, CLI_OPT_BALANCE, CLI_OPT_EXPECT_DUE,
    };
    const char *const *o = c->opt;
    bc_day day;
    enum bc_period period;
    int64_t v;
    int n;
    char cc[3];

    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        if (o[dates[i]] && !cli_parse_date(option_flag(dates[i]), o[dates[i]], &day))
            return CLI_EXIT_USAGE;
    for (size_t i = 0; i < sizeof seats / sizeof seats[0]; i++)
        if (o[seats[i]] && !cli_parse_int(option_flag(seats[i]), o[seats[i]], 0, 1000000000, &n))
            return CLI_EXIT_USAGE;
    for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++)
        if (o[periods[i]] && !cli_parse_period(option_flag(periods[i]), o[periods[i]], &period))
            return CLI_EXIT_USAGE;
    for (size_t i = 0; i < sizeof minors / sizeof minors[0]; i++)
        if (o[minors[i]] && !cli_parse_minor(option_flag(minors[i]), o[minors[i]], false, &v))
            return CLI_EXIT_USAGE;
    if (o[CLI_OPT_ACCOUNT] && !cli_parse_id("--account", o[CLI_OPT_ACCOUNT], &v))
        return CLI_EXIT_USAGE;
    if (o[CLI_OPT_AFTER] && strcmp(o[CLI_OPT_AFTER], "0") != 0 &&
        !cli_parse_id("--after", o[CLI_OPT_AFTER], &v))
        return CLI_EXIT_USAGE;
    if (o[CLI_OPT_SCALE] && !cli_parse_int("--scale", o[CLI_OPT_SCALE], 1, 100000000, &n))
        return CLI_EXIT_USAGE;
    if (o[CLI_OPT_COUNTRY] && !cli_parse_country(o[CLI_OPT_COUNTRY], cc))
        return CLI_EXIT_USAGE;
    return CLI_EXIT_OK;
}

static int run_ui_command(struct cli *c, cli_run_ui_fn run_ui)
{
    struct cli_ui_args args;
    int rc = cli_open_billing(c);

    if (rc != CLI_EXIT_OK)
        return rc;
    memset(&args, 0, sizeof args);
    args.billing = &c->billing;
    args.lang = c->lang;
    args.kiosk = c->kiosk;
    args.date_forced = c->date_given;
    args.db_path = c->db_path;
    args.catalog_dir = c->catalog_dir;
    return run_ui(&args);
}

static int dispatch(struct cli *c, char **words, int nwords, cli_run_ui_fn run_ui)
{
    const struct cli_command *cmd = NULL;
    int used, rc;

    if (nwords == 0) {
        if (c->opt[CLI_OPT_HELP]) {
            cli_print_help(stdout, NULL);
            return CLI_EXIT_OK;
        }
        for (int o = CLI_OPT_GLOBAL_END; o < CLI_OPT_COUNT; o++)
            if (c->opt[o])
                return cli_usage_error(c, "--%s needs a subcommand", option_name((enum cli_opt)o));
        rc = resolve_globals(c);
        return rc != CLI_EXIT_OK ? rc : run_ui_command(c, run_ui);
    }

    for (size_t i = 0; i < sizeof commands / sizeof commands[0] && !cmd; i++)
        if (strcmp(words[0], commands[i].word1) == 0 &&
            (!commands[i].word2 || (nwords >= 2 && strcmp(words[1], commands[i].word2) == 0)))
            cmd = &commands[i];
    if (!cmd && c->opt[CLI_OPT_HELP] && cli_print_group_help(stdout, words[0]))
        return CLI_EXIT_OK;
    if (!cmd) {
        const char *seconds = NULL;
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(words[0], commands[i].word1) == 0)
                seconds = strcmp(words[0], "operator") == 0  ? "'add', 'remove' or 'list'"
                          : strcmp(words[0], "account") == 0
                              ? "'show', 'add', 'edit', 'import' or 'set-card'"
                          : strcmp(words[0], "subscription") == 0
                              ? "'cancel', 'reactivate', 'schedule', 'unschedule' or 'pay'"
                          : strcmp(words[0], "invoice") == 0 ? "'show' or 'send'"
                                                              : commands[i].word2;
        if (!seconds)
            return cli_usage_error(c, "unknown command '%s'", words[0]);
        if (strchr(seconds, '\''))
            return cli_usage_error(c, "'%s' is followed by %s", words[0], seconds);
        return cli_usage_error(c, "'%s' is followed by '%s'", words[0], seconds);
    }
    c->command = cmd->name;
    used = cmd->word2 ? 2 : 1;
    if (c->opt[CLI_OPT_HELP]) {
        cli_print_help(stdout, c->command);
        return CLI_EXIT_OK;
    }
    c->args = words + used;
    c->nargs = nwords - used;
    if (c->nargs < cmd->min_args)
        return cli_usage_error(c, "missing argument");
    if (c->nargs > cmd->max_args)
        return cli_usage_error(c, "unexpected argument '%s'", c->args[cmd->max_args]);
    for (int o = CLI_OPT_GLOBAL_END; o < CLI_OPT_COUNT; o++)
        if (c->opt[o] && !command_accepts(cmd, (enum cli_opt)o))
            return cli_usage_error(c, "--%s does not apply to '%s'", option_name((enum cli_opt)o),
                                   c->command);
    if (c->opt[CLI_OPT_KIOSK])
        return cli_usage_error(c, "--kiosk only opens the terminal UI");
    rc = check_values(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = resolve_globals(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    cli_i18n(c->lang);
    return cmd->run(c);
}

/* Options and words may interleave ("account show 1 --db x", "--db x account
 * show 1"). getopt_long runs in order-preserving mode ("+") and every word it
 * stops at is collected here, so this holds whether or not POSIXLY_CORRECT is
 * set; "--" ends the options. Returns CLI_EXIT_OK or the usage exit code. */
static int parse(struct cli *c, int argc, char **argv, char **words, int *nwords)
{
    int opt, last_value = -1;

    optind = 0;   /* full re-initialisation of GNU getopt */
    opterr = 0;
    *nwords = 0;
    for (;;) {
        opt = getopt_long(argc, argv, "+:hVo:", long_options, NULL);
        if (opt == -1) {
            if (optind > 1 && optind - 1 != last_value && strcmp(argv[optind - 1], "--") == 0) {
                while (optind < argc)
                    words[(*nwords)++] = argv[optind++];
                return CLI_EXIT_OK;
            }
            if (optind >= argc)
                return CLI_EXIT_OK;
            last_value = optind;    /* a word is never taken for "--" */
            words[(*nwords)++] = argv[optind++];
            continue;
        }
        if (opt == ':')
            return cli_usage_error(c, "%s needs a value", argv[optind - 1]);
        if (opt == '?') {
            if (optopt >= V(0))
                return cli_usage_error(c, "--%s takes no value",
                                       option_name((enum cli_opt)(optopt - V(0))));
            if (optopt > ' ' && optopt < 127)
                return cli_usage_error(c, "unknown option '-%c'", optopt);
            return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
        }
        if (opt == 'h')
            opt = V(CLI_OPT_HELP);
        else if (opt == 'V')
            opt = V(CLI_OPT_VERSION);
        else if (opt == 'o')
            opt = V(CLI_OPT_OUTPUT);   /* -o FILE: --output */
        if (opt < V(0) || opt >= V(CLI_OPT_COUNT))
            return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
        /* A value given twice would leave one of them unsaid; a flag
         * given twice says the same thing twice. */
        if (optarg && c->opt[opt - V(0)])
            return cli_bad_value("--%s is given twice; give it once",
                                   option_name((enum cli_opt)(opt - V(0))));
        c->opt[opt - V(0)] = optarg ? optarg : "";
        if (optarg)
            last_value = optind - 1;
    }
}

int cli_main(int argc, char **argv, cli_run_ui_fn run_ui)
{
    struct cli *c = calloc(1, sizeof *c);
    char **words = calloc((size_t)argc + 1, sizeof *words);
    int nwords = 0, rc;

    if (!c || !words) {
        free(c);
        free(words);
        return cli_status(BC_NO_MEMORY, NULL);
    }
    rc = parse(c, argc, argv, words, &nwords);
    if (rc != CLI_EXIT_OK)
        goto done;
    if (c->opt[CLI_OPT_VERSION]) {
        printf("billcenter %s\n", BC_VERSION);
        goto done;
    }
    rc = dispatch(c, words, nwords, run_ui);
done:
    cli_release(c);
    free(c);
    free(words);
    fflush(stdout);
    if (ferror(stdout) && rc == CLI_EXIT_OK)
        rc = cli_status(BC_IO_ERROR, "standard output");
    return rc;
}
