/* cli_quote.c — `billcenter quote` (SPEC §6): for an account in the
 * database through billing.h, or fully explicit with no database, where the
 * subscription and the customer are described by options and the catalog
 * supplies plans, prices, VAT and the proration policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_cmd.h"
#include "cli_json.h"
#include "money.h"
#include "quote.h"
#include "vat.h"
#include "vat_check.h"

/* Options only the explicit (no database) mode takes. */
static const enum cli_opt explicit_only[] = {
    CLI_OPT_FROM_PLAN, CLI_OPT_FROM_SEATS, CLI_OPT_FROM_PERIOD, CLI_OPT_PERIOD_START,
    CLI_OPT_PERIOD_END, CLI_OPT_ITEM_START, CLI_OPT_BILLED, CLI_OPT_CREDITED,
    CLI_OPT_BALANCE, CLI_OPT_CURRENCY,
};

/* ---- billing information given at checkout ---- */

/* 1900 -> "19%", 2150 -> "21.5%", reverse charge -> "0% (reverse charge)". */
static void rate_text(const struct vat_decision *v, char *buf, size_t size)
{
    int32_t bp = v->rate_bp;
    if (bp % 100 == 0)
        snprintf(buf, size, "%d%%", (int)(bp / 100));
    else if (bp % 10 == 0)
        snprintf(buf, size, "%d.%d%%", (int)(bp / 100), (int)(bp % 100 / 10));
    else
        snprintf(buf, size, "%d.%02d%%", (int)(bp / 100), (int)(bp % 100));
    if (v->reverse_charge)
        snprintf(buf + strlen(buf), size - strlen(buf), " (reverse charge)");
}

void cli_billing_info_words(const struct billing_quote *q, char *buf, size_t size)
{
    const struct billing_info_change *bi = &q->billing_info;
    char before[48], after[48];
    size_t n = 0;
    buf[0] = '\0';
    if (strcmp(bi->country_before, bi->country_after) != 0)
        n += (size_t)snprintf(buf + n, size - n, "country %s -> %s, ", bi->country_before,
                              bi->country_after);
    if (n < size && strcmp(bi->vat_before, bi->vat_after) != 0)
        n += (size_t)snprintf(buf + n, size - n, "VAT number %s -> %s, ",
                              bi->vat_before[0] ? bi->vat_before : "none",
                              bi->vat_after[0] ? bi->vat_after : "none");
    rate_text(&bi->vat_rule_before, before, sizeof before);
    rate_text(&q->vat, after, sizeof after);
    if (n < size)
        snprintf(buf + n, size - n, "VAT %s -> %s", before, after);
}

/* Why VIES was not asked or did not answer, in words. */
static const char *vat_check_reason(const char *reason)
{
    if (strcmp(reason, VAT_CHECK_NOT_CONFIGURED) == 0)
        return _("no VIES client configured (vat.check_command)");
    if (strcmp(reason, VAT_CHECK_TIMEOUT) == 0)
        return _("the VIES client did not answer in time");
    if (strcmp(reason, VAT_CHECK_FAILED) == 0)
        return _("the VIES client failed");
    if (strcmp(reason, VAT_CHECK_BAD_REPLY) == 0)
        return _("the VIES client's answer could not be read");
    return reason;
}

void cli_print_vat_check(const char *indent, const struct store_vat_check *v)
{
    char at[32] = "";
    time_t t = (time_t)v->checked_at;
    struct tm tm;
    if (!v->present)
        return;
    if (gmtime_r(&t, &tm))
        strftime(at, sizeof at, "%Y-%m-%d %H:%M UTC", &tm);
    if (v->method == STORE_VAT_VIES && v->valid && v->consultation[0])
        printf(_("%sVAT number %s: valid in VIES (consultation %s, %s)\n"), indent, v->vat_number,
               v->consultation, at);
    else if (v->method == STORE_VAT_VIES && v->valid)
        printf(_("%sVAT number %s: valid in VIES (%s)\n"), indent, v->vat_number, at);
    else if (v->method == STORE_VAT_VIES)
        printf(_("%sVAT number %s: not valid in VIES (%s)\n"), indent, v->vat_number, at);
    else
        printf(_("%sVAT number %s: checked offline (format and check digits only): %s\n"), indent,
               v->vat_number, vat_check_reason(v->reason));
}

json_t *cli_json_billing_info(const struct billing_quote *q)
{
    const struct billing_info_change *bi = &q->billing_info;
    return json_pack("{s:b, s:s, s:s, s:o, s:o, s:i, s:i, s:b, s:b}", "change", bi->pending,
        "country_before", bi->country_before, "country_after", bi->country_after,
        "vat_number_before", bi->vat_before[0] ? json_string(bi->vat_before) : json_null(),
        "vat_number_after", bi->vat_after[0] ? json_string(bi->vat_after) : json_null(),
        "vat_rate_bp_before", (int)bi->vat_rule_before.rate_bp,
        "vat_rate_bp_after", (int)q->vat.rate_bp,
        "reverse_charge_before", bi->vat_rule_before.reverse_charge,
        "reverse_charge_after", q->vat.reverse_charge);
}

/* ---- the readable table ---- */

/* Columns a UTF-8 string takes (continuation bytes take none). */
static int columns(const char *s)
{
    int n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void row(const struct cli *c, const char *label, int64_t amount, const char *currency)
{
    char money[64];
    int pad;

    money_format(money, sizeof money, amount, currency,
                 strcmp(c->lang, "it") == 0 ? MONEY_STYLE_IT : MONEY_STYLE_EN, !cli_utf8());
    pad = 56 - columns(label) - columns(money);
    printf("  %s%*s%s\n", label, pad > 1 ? pad : 1, "", money);
}

void cli_print_quote_text(const struct cli *c, const char *currency,
                          const struct quote_item *items, size_t n,
                          const struct quote_totals *t, enum bc_status refusal)
{
    const struct quote_item *first = NULL;
    char from[11], to[11], label[96];

    if (refusal != BC_OK) {
        printf(_("Not allowed (%s): %s\n"), bc_status_code(refusal), _(bc_status_message(refusal)));
        return;
    }
    printf(_("Quote (%s)\n"), currency);
    for (size_t i = 0; i < n; i++) {
        if (items[i].refusal != BC_OK)
            continue;
        if (!first)
            first = &items[i];
        for (size_t k = 0; k < items[i].nlines; k++) {
            const struct quote_line *l = &items[i].lines[k];
            date_format(l->from, from);
            date_format(l->to, to);
            if (l->kind == QUOTE_LINE_TAX)
                snprintf(label, sizeof label, "  %s%s", _("VAT"),
                         l->reverse_charge ? _(" (reverse charge)") : "");
            else
                snprintf(label, sizeof label, "%s %s .. %s",
                         l->kind == QUOTE_LINE_CREDIT ? _("Credit for unused time") : _("New charge"),
                         from, to);
            row(c, label, l->amount, currency);
        }
    }
    row(c, _("Subtotal"), t->subtotal, currency);
    row(c, _("VAT"), t->tax, currency);
    row(c, _("Total"), t->total, currency);
    row(c, _("Balance applied"), -t->balance_applied, currency);
    row(c, _("Total due"), t->due, currency);
    row(c, _("Balance after"), t->balance_after, currency);
    if (first) {
        date_format(first->period_start, from);
        date_format(first->period_end, to);
        /* A co-termed change keeps the period it started in. */
        if (first->period_start == first->item_start)
            printf(_("  New billing period: %s .. %s\n"), from, to);
        else
            printf(_("  Billing period (unchanged): %s .. %s\n"), from, to);
    }
}

/* Prints a quote in the form asked for; exit 3 when refused. */
static int print_quote(struct cli *c, const char *currency, const struct quote_item *items,
                       size_t n, const struct quote_totals *t, enum bc_status refusal)
{
    /* A refusal is told once, on stderr; stdout has the JSON object only
     * when --json asks for it. */
    if (c->json) {
        if (!cli_json_print(cli_json_quote(currency, items, n, t, refusal)))
            return cli_status(BC_IO_ERROR, "standard output");
    } else if (refusal == BC_OK) {
        cli_print_quote_text(c, currency, items, n, t, refusal);
    }
    if (refusal == BC_OK)
        return CLI_EXIT_OK;
    if (refusal == BC_DOWNGRADE_REQUIRES_SUPPORT && c->catalog)
        cli_error(_("%s Customer Care: %s, %s, %s"), _(bc_status_message(refusal)),
                  c->catalog->care_phone ? c->catalog->care_phone : "",
                  c->catalog->care_email ? c->catalog->care_email : "",
                  c->catalog->care_url ? c->catalog->care_url : "");
    else
        cli_error("%s", _(bc_status_message(refusal)));
    return CLI_EXIT_REFUSED;
}

/* ---- explicit mode ---- */

static const struct catalog_plan *find_plan(const struct catalog_product *p, const char *opt,
                                            const char *id)
{
    const struct catalog_plan *plan = catalog_plan(p, id);

    if (!plan)
        cli_error("%s: product '%s' has no plan '%s'", opt, p->id, id);
    return plan;
}

/* Seats, periods and dates of the subscription as it stands and as asked
 * for, checked against each other. */
static int explicit_terms(struct cli *c, struct quote_current *cur, struct quote_target *to)
{
    const char **o = c->opt;

    if (!cli_parse_int("--from-seats", o[CLI_OPT_FROM_SEATS], 1, 1000000000, &cur->seats) ||
        !cli_parse_period("--from-period", o[CLI_OPT_FROM_PERIOD], &cur->period) ||
        !cli_parse_date("--period-start", o[CLI_OPT_PERIOD_START], &cur->period_start) ||
        !cli_parse_date("--period-end", o[CLI_OPT_PERIOD_END], &cur->period_end) ||
        !cli_parse_int("--to-seats", o[CLI_OPT_TO_SEATS], 0, 1000000000, &to->seats) ||
        !cli_parse_period("--to-period", o[CLI_OPT_TO_PERIOD], &to->period))
        return CLI_EXIT_USAGE;
    cur->item_start = cur->period_start;
    if (o[CLI_OPT_ITEM_START] && !cli_parse_date("--item-start", o[CLI_OPT_ITEM_START], &cur->item_start))
        return CLI_EXIT_USAGE;
    if (cur->period_end <= cur->period_start)
        return cli_error("--period-end must come after --period-start");
    if (cur->item_start < cur->period_start || cur->item_start >= cur->period_end)
        return cli_error("--item-start must fall inside the period [--period-start, --period-end)");
    return CLI_EXIT_OK;
}

/* VAT for --country (default: the seller's) and --vat-number. */
static int explicit_tax(struct cli *c, struct quote_tax *tax)
{
    const char **o = c->opt;
    struct vat_decision vat;
    char country[3], vatnum[32];

    if (o[CLI_OPT_COUNTRY]) {
        if (!cli_parse_country(o[CLI_OPT_COUNTRY], country))
            return CLI_EXIT_USAGE;
    } else {
        memcpy(country, c->catalog->seller_country, sizeof country);
    }
    if (o[CLI_OPT_VAT_NUMBER] &&
        !vat_number_normalise(country, o[CLI_OPT_VAT_NUMBER], vatnum, sizeof vatnum))
        return cli_error("--vat-number: '%s': %s", o[CLI_OPT_VAT_NUMBER],
                         bc_status_message(BC_INVALID_VAT_NUMBER));
    vat_decide(c->catalog->seller_country, country, o[CLI_OPT_VAT_NUMBER] != NULL,
               catalog_vat_rate, c->catalog, &vat);
    tax->rate_bp = vat.rate_bp;
    tax->reverse_charge = vat.reverse_charge;
    return CLI_EXIT_OK;
}

static int quote_explicit(struct cli *c)
{
    static const enum cli_opt required[] = {
        CLI_OPT_FROM_PLAN, CLI_OPT_FROM_SEATS, CLI_OPT_FROM_PERIOD, CLI_OPT_PERIOD_START,
        CLI_OPT_PERIOD_END, CLI_OPT_PRODUCT, CLI_OPT_TO_PLAN, CLI_OPT_TO_SEATS, CLI_OPT_TO_PERIOD,
    };
    static const char *const required_names[] = {
        "--from-plan", "--from-seats", "--from-period", "--period-start", "--period-end",
        "--product", "--to-plan", "--to-seats", "--to-period",
    };
    const char **o = c->opt;
    const struct catalog_product *product;
    const struct catalog_plan *from_plan, *to_plan;
    struct quote_current cur;
    struct quote_target to;
    struct quote_tax tax;
    struct quote_item item;
    struct quote_totals totals;
    const char *currency = o[CLI_OPT_CURRENCY] ? o[CLI_OPT_CURRENCY] : "EUR";
    int64_t balance = 0, from_price;
    bc_day today;
    enum bc_status st;
    int rc;

    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!o[required[i]])
            return cli_usage_error(c, "%s is required (or give --account ID)", required_names[i]);

    rc = cli_open_catalog(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    memset(&cur, 0, sizeof cur);
    memset(&to, 0, sizeof to);
    memset(&item, 0, sizeof item);
    memset(&totals, 0, sizeof totals);

    if (catalog_currency_index(c->catalog, currency) < 0)
        return cli_error("--currency: '%s': %s", currency, bc_status_message(BC_UNKNOWN_CURRENCY));
    product = catalog_product(c->catalog, o[CLI_OPT_PRODUCT]);
    if (!product)
        return cli_error("--product: no product '%s' in the catalog", o[CLI_OPT_PRODUCT]);
    from_plan = find_plan(product, "--from-plan", o[CLI_OPT_FROM_PLAN]);
    to_plan = find_plan(product, "--to-plan", o[CLI_OPT_TO_PLAN]);
    if (!from_plan || !to_plan)
        return CLI_EXIT_ERROR;

    rc = explicit_terms(c, &cur, &to);
    if (rc != CLI_EXIT_OK)
        return rc;

    if (!catalog_price(c->catalog, from_plan, currency, cur.period, &from_price) ||
        !catalog_price(c->catalog, to_plan, currency, to.period, &to.unit_price))
        return cli_error("--currency: the plans have no %s price", currency);
    if (o[CLI_OPT_BILLED]) {
        if (!cli_parse_minor("--billed", o[CLI_OPT_BILLED], false, &cur.billed))
            return CLI_EXIT_USAGE;
    } else if (!money_mul(from_price, cur.seats, &cur.billed)) {
        return cli_status(BC_OVERFLOW, "--billed");
    }
    if (o[CLI_OPT_CREDITED] && !cli_parse_minor("--credited", o[CLI_OPT_CREDITED], false, &cur.credited))
        return CLI_EXIT_USAGE;
    if (cur.credited > cur.billed)
        return cli_error("--credited: more than was billed (%lld > %lld)",
                         (long long)cur.credited, (long long)cur.billed);
    if (o[CLI_OPT_BALANCE] && !cli_parse_minor("--balance", o[CLI_OPT_BALANCE], false, &balance))
        return CLI_EXIT_USAGE;
    cur.rank = from_plan->rank;
    cur.seats_assigned = 0;
    cur.anchor_day = date_mday(cur.period_start);
    to.rank = to_plan->rank;
    to.seats_min = to_plan->seats_min;
    to.seats_max = to_plan->seats_max;
    to.same_plan = from_plan == to_plan;

    rc = explicit_tax(c, &tax);
    if (rc != CLI_EXIT_OK)
        return rc;

    today = cli_today(c);
    st = quote_item(&cur, &to, &tax, today, c->catalog->policy, &item);
    if (st != BC_OK && !bc_status_is_refusal(st))
        return cli_status(st, NULL);
    if (st == BC_OK) {
        st = quote_totals(&item, 1, balance, &totals);
        if (st != BC_OK)
            return cli_status(st, NULL);
    } else {
        item.refusal = st;
    }
    return print_quote(c, currency, &item, 1, &totals, item.refusal);
}

/* ---- account mode ---- */

/* A product the account does not have (SPEC §8 Add a product): a new
 * subscription, its plan given (--to-plan), its seats the plan's minimum
 * and monthly unless given. */
static int new_product_change(struct cli *c, int64_t account_id, struct billing_change *out)
{
    const char **o = c->opt;
    const struct catalog_product *p = c->catalog ? catalog_product(c->catalog, o[CLI_OPT_PRODUCT]) : NULL;
    if (!p)
        return cli_error("--product: no product '%s' in the catalog (account %lld has none either)",
                         o[CLI_OPT_PRODUCT], (long long)account_id);
    if (!o[CLI_OPT_TO_PLAN])
        return cli_usage_error(c, "account has no subscription to this product: give --to-plan to add it");
    const struct catalog_plan *plan = catalog_plan(p, o[CLI_OPT_TO_PLAN]);
    if (!plan)
        return cli_error("--to-plan: product '%s' has no plan '%s'", p->id, o[CLI_OPT_TO_PLAN]);
    out->subscription_id = 0;
    snprintf(out->product, sizeof out->product, "%s", p->id);
    snprintf(out->to_plan, sizeof out->to_plan, "%s", plan->id);
    out->to_seats = plan->seats_min;
    out->to_period = BC_PERIOD_MONTHLY;
    if ((o[CLI_OPT_TO_SEATS] &&
         !cli_parse_int("--to-seats", o[CLI_OPT_TO_SEATS], 0, 1000000000, &out->to_seats)) ||
        (o[CLI_OPT_TO_PERIOD] && !cli_parse_period("--to-period", o[CLI_OPT_TO_PERIOD], &out->to_period)))
        return CLI_EXIT_USAGE;
    return CLI_EXIT_OK;
}

int cli_change_from_options(struct cli *c, int64_t account_id, struct billing_change *out)
{
    const char **o = c->opt;
    struct store_account acct;
    struct store_subscription_list subs;
    const struct store_subscription *sub = NULL;
    enum bc_status st;
    int rc = CLI_EXIT_OK;

    memset(out, 0, sizeof *out);
    memset(&subs, 0, sizeof subs);
    if (!o[CLI_OPT_PRODUCT])
        return cli_usage_error(c, "--product is required with --account");
    rc = cli_load_account(c, account_id, &acct);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = store_subscriptions(c->store, account_id, &subs);
    if (st != BC_OK) {
        rc = cli_status(st, "subscriptions");
        goto done;
    }
    for (size_t i = 0; i < subs.n; i++)
        if (strcmp(subs.items[i].product, o[CLI_OPT_PRODUCT]) == 0)
            sub = &subs.items[i];
    if (!sub) {
        rc = new_product_change(c, account_id, out);
        goto done;
    }
    out->subscription_id = sub->id;
    if (strlen(sub->product) >= sizeof out->product ||
        strlen(o[CLI_OPT_TO_PLAN] ? o[CLI_OPT_TO_PLAN] : sub->plan) >= sizeof out->to_plan) {
        rc = cli_error("--to-plan: no such plan");
        goto done;
    }
    snprintf(out->product, sizeof out->product, "%s", sub->product);
    snprintf(out->to_plan, sizeof out->to_plan, "%s", o[CLI_OPT_TO_PLAN] ? o[CLI_OPT_TO_PLAN] : sub->plan);
    out->to_seats = sub->seats;
    out->to_period = sub->period;
    if (c->catalog) {
        const struct catalog_product *p = catalog_product(c->catalog, sub->product);
        if (p && !catalog_plan(p, out->to_plan)) {
            rc = cli_error("--to-plan: product '%s' has no plan '%s'", sub->product, out->to_plan);
            goto done;
        }
    }
    if ((o[CLI_OPT_TO_SEATS] &&
         !cli_parse_int("--to-seats", o[CLI_OPT_TO_SEATS], 0, 1000000000, &out->to_seats)) ||
        (o[CLI_OPT_TO_PERIOD] && !cli_parse_period("--to-period", o[CLI_OPT_TO_PERIOD], &out->to_period)))
        rc = CLI_EXIT_USAGE;
done:
    store_subscription_list_clear(&subs);
    store_account_clear(&acct);
    return rc;
}

static int quote_account(struct cli *c)
{
    struct billing_quote *q;
    struct billing_change ch;
    int64_t account_id;
    enum bc_status st;
    int rc;

    for (size_t i = 0; i < sizeof explicit_only / sizeof explicit_only[0]; i++)
        if (c->opt[explicit_only[i]])
            return cli_usage_error(c, "--account quotes from the database; leave out the explicit options");
    if (!cli_parse_id("--account", c->opt[CLI_OPT_ACCOUNT], &account_id))
        return CLI_EXIT_USAGE;
    if (!c->opt[CLI_OPT_PRODUCT])
        return cli_usage_error(c, "--product is required with --account");
    rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_change_from_options(c, account_id, &ch);
    if (rc != CLI_EXIT_OK)
        return rc;
    q = calloc(1, sizeof *q);
    if (!q)
        return cli_status(BC_NO_MEMORY, NULL);
    /* A country or VAT number is quoted as the checkout would place it,
     * with the change of billing information it means. */
    bool checkout = c->opt[CLI_OPT_COUNTRY] || c->opt[CLI_OPT_VAT_NUMBER];
    if (c->opt[CLI_OPT_COUNTRY]) {
        char cc[3];
        if (!cli_parse_country(c->opt[CLI_OPT_COUNTRY], cc)) {
            free(q);
            return CLI_EXIT_ERROR;
        }
    }
    st = checkout ? billing_quote_checkout(&c->billing, account_id, &ch, c->opt[CLI_OPT_VAT_NUMBER],
                                           c->opt[CLI_OPT_COUNTRY], q)
                  : billing_quote_change(&c->billing, account_id, &ch, q);
    if (st != BC_OK && bc_status_is_refusal(st) && q->refusal == BC_OK)
        q->refusal = st;   /* a refusal returned rather than reported */
    if (st == BC_INVALID_VAT_NUMBER)
        rc = cli_error("--vat-number: '%s': %s", c->opt[CLI_OPT_VAT_NUMBER], bc_status_message(st));
    else if (st != BC_OK && !bc_status_is_refusal(st))
        rc = cli_status(st, NULL);
    else if (checkout && c->json) {
        json_t *j = cli_json_billing_quote(q);
        if (j)
            json_object_set_new(j, "billing_info", cli_json_billing_info(q));
        rc = cli_json_print(j) ? CLI_EXIT_OK : cli_status(BC_IO_ERROR, "standard output");
        if (rc == CLI_EXIT_OK && q->refusal != BC_OK) {
            cli_error("%s", bc_status_message(q->refusal));
            rc = CLI_EXIT_REFUSED;
        }
    } else {
        rc = print_quote(c, q->currency, q->items, q->n, &q->totals, q->refusal);
        if (checkout && q->refusal == BC_OK) {
            char words[256];
            cli_billing_info_words(q, words, sizeof words);
            if (q->billing_info.pending)
                printf("  Billing information would change: %s\n", words);
            else
                printf("  Billing information: country %s, VAT number %s (unchanged)\n",
                       q->billing_info.country_after,
                       q->billing_info.vat_after[0] ? q->billing_info.vat_after : "none");
        }
    }
    free(q);
    return rc;
}

int cli_cmd_quote(struct cli *c)
{
    if (c->opt[CLI_OPT_ACCOUNT])
        return quote_account(c);
    return quote_explicit(c);
}
