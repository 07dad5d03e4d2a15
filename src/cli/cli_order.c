/* cli_order.c — `billcenter order place` and `billcenter reconcile`: the
 * same billing.h path as the TUI's Place order, for scripts. What was
 * refused is told on stderr; a stale quote also prints the new figures so the
 * script (or person) can confirm them with --expect-due. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_cmd.h"
#include "cli_json.h"
#include "money.h"

/* Keys are opaque to billcenter but end up in logs and JSON: keep them tame. */
static bool key_ok(const char *k)
{
    size_t n = strlen(k);

    if (n == 0 || n > 128)
        return false;
    for (; *k; k++)
        if (!isalnum((unsigned char)*k) && !strchr("-_.:", *k))
            return false;
    return true;
}

static void print_success_text(const struct cli *c, const struct billing_result *r)
{
    char due[64], after[64];
    enum money_style style = strcmp(c->lang, "it") == 0 ? MONEY_STYLE_IT : MONEY_STYLE_EN;
    const char *cur = r->quote.currency[0] ? r->quote.currency : "";

    money_format(due, sizeof due, r->due, cur, style, !cli_utf8());
    money_format(after, sizeof after, r->balance_after, cur, style, !cli_utf8());
    if (r->replayed)
        printf(_("Order %lld was already placed with this key; nothing was charged again.\n"),
               (long long)r->order_id);
    else
        printf(_("Order %lld placed. Your new billing period begins today.\n"), (long long)r->order_id);
    printf(_("  Charged: %s\n"), due);
    printf(_("  Balance after: %s\n"), after);
    if (r->document[0] && r->document_credit_note)
        printf(_("  Credit note: %s\n"), r->document);
    else if (r->document[0])
        printf(_("  Invoice: %s\n"), r->document);
    cli_print_vat_check("  ", &r->vat_check);
}

int cli_cmd_order_place(struct cli *c)
{
    const char **o = c->opt;
    struct billing_result *res = NULL;
    struct billing_change ch;
    struct billing_payment pay;
    int64_t account_id, expect_due = -1;
    enum bc_status st;
    int rc;

    if (!o[CLI_OPT_ACCOUNT])
        return cli_usage_error(c, "--account is required");
    if (!o[CLI_OPT_IDEMPOTENCY_KEY])
        return cli_usage_error(c, "--idempotency-key is required (the same key never orders twice)");
    if (o[CLI_OPT_CART] && (o[CLI_OPT_PRODUCT] || o[CLI_OPT_TO_PLAN] || o[CLI_OPT_TO_SEATS] ||
                            o[CLI_OPT_TO_PERIOD]))
        return cli_usage_error(c, "--cart checks out the cart as it is; leave out --product and --to-*");
    if (!o[CLI_OPT_CART] && !o[CLI_OPT_PRODUCT])
        return cli_usage_error(c, "give --product P (one item) or --cart");
    if ((o[CLI_OPT_CARD] != NULL) != (o[CLI_OPT_CARD_EXP] != NULL))
        return cli_usage_error(c, "--card and --card-exp go together");
    if (o[CLI_OPT_SAVE_CARD] && !o[CLI_OPT_CARD])
        return cli_usage_error(c, "--save-card needs --card");
    if (!cli_parse_id("--account", o[CLI_OPT_ACCOUNT], &account_id))
        return CLI_EXIT_USAGE;
    if (!key_ok(o[CLI_OPT_IDEMPOTENCY_KEY]))
        return cli_error("--idempotency-key: use 1 to 128 letters, digits, '-', '_', '.' or ':'");
    if (o[CLI_OPT_EXPECT_DUE] && !cli_parse_minor("--expect-due", o[CLI_OPT_EXPECT_DUE], false, &expect_due))
        return CLI_EXIT_USAGE;

    rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (!o[CLI_OPT_CART]) {
        rc = cli_change_from_options(c, account_id, &ch);
        if (rc != CLI_EXIT_OK)
            return rc;
    } else {
        struct store_account acct;
        rc = cli_load_account(c, account_id, &acct);
        store_account_clear(&acct);
        if (rc != CLI_EXIT_OK)
            return rc;
    }

    memset(&pay, 0, sizeof pay);
    pay.card_number = o[CLI_OPT_CARD];
    pay.card_expiry = o[CLI_OPT_CARD_EXP];
    pay.save_card = o[CLI_OPT_SAVE_CARD] != NULL;
    pay.vat_number = o[CLI_OPT_VAT_NUMBER];
    pay.country = o[CLI_OPT_COUNTRY];
    pay.confirm_billing_info = o[CLI_OPT_UPDATE_BILLING_INFO] != NULL;

    res = calloc(1, sizeof *res);
    if (!res)
        return cli_status(BC_NO_MEMORY, NULL);
    st = billing_place(&c->billing, account_id, o[CLI_OPT_CART] ? NULL : &ch,
                       o[CLI_OPT_IDEMPOTENCY_KEY], expect_due, &pay, res);
    if (st == BC_OK) {
        if (c->json) {
            rc = cli_json_print(cli_json_order_result(res, st)) ? CLI_EXIT_OK
                 : cli_status(BC_IO_ERROR, "standard output");
        } else {
            print_success_text(c, res);
            rc = CLI_EXIT_OK;
        }
    } else if (bc_status_is_refusal(st)) {
        if (c->json) {
            json_t *j = cli_json_order_result(res, st);
            if (j && (st == BC_BILLING_INFO_CHANGE_UNCONFIRMED || res->quote.billing_info.pending))
                json_object_set_new(j, "billing_info", cli_json_billing_info(&res->quote));
            if (j && st == BC_IDEMPOTENCY_KEY_REUSED)
                json_object_set_new(j, "first_order_id", res->first_order_id > 0
                                    ? json_integer(res->first_order_id) : json_null());
            if (j && res->document_why[0])
                json_object_set_new(j, "document_problem", json_string(res->document_why));
            cli_json_print(j);
        } else if (st == BC_STALE_QUOTE) {
            puts(_("The new figures:"));
            cli_print_quote_text(c, res->quote.currency, res->quote.items, res->quote.n,
                                 &res->quote.totals, res->quote.refusal);
        }
        if (st == BC_STALE_QUOTE && expect_due >= 0)
            cli_error("%s Now due: %lld (expected: %lld).", _(bc_status_message(st)),
                      (long long)res->quote.totals.due, (long long)expect_due);
        else if (st == BC_STALE_QUOTE)
            cli_error("%s Now due: %lld.", _(bc_status_message(st)), (long long)res->quote.totals.due);
        else if (st == BC_BILLING_INFO_CHANGE_UNCONFIRMED) {
            char words[256];
            cli_billing_info_words(&res->quote, words, sizeof words);
            cli_error("%s It would change %s; to change it with the order, add "
                      "--update-billing-info.", _(bc_status_message(st)), words);
        } else if (st == BC_IDEMPOTENCY_KEY_REUSED && res->first_order_id > 0)
            cli_error("%s It placed order %lld.", _(bc_status_message(st)),
                      (long long)res->first_order_id);
        else if (st == BC_IDEMPOTENCY_KEY_REUSED)
            cli_error("%s Its first request placed no order yet.", _(bc_status_message(st)));
        else if (st == BC_VAT_NUMBER_REJECTED) {
            char detail[200];
            if (res->vat_check.consultation[0])
                snprintf(detail, sizeof detail, _("%s, VIES consultation %s"),
                         res->vat_check.vat_number, res->vat_check.consultation);
            else
                snprintf(detail, sizeof detail, "%s", res->vat_check.vat_number);
            cli_error("%s (%s)", _(bc_status_message(st)), detail);
        }
        else if (res->document_why[0])
            cli_error("%s (%s)", _(bc_status_message(st)), res->document_why);
        else
            cli_error("%s", _(bc_status_message(st)));
        rc = CLI_EXIT_REFUSED;
    } else if (res->document_why[0]) {
        rc = cli_status(st, res->document_why);
    } else {
        rc = cli_status(st, NULL);
    }
    free(res);
    return rc;
}

int cli_cmd_reconcile(struct cli *c)
{
    int completed = 0, refunded = 0;
    enum bc_status st;
    int rc = cli_open_billing(c);

    if (rc != CLI_EXIT_OK)
        return rc;
    /* Rights are the core's (billing_reconcile), which audits a refusal. */
    st = billing_reconcile(&c->billing, &completed, &refunded);
    if (st != BC_OK)
        return cli_status(st, "reconcile");
    if (c->json) {
        json_t *o = json_pack("{s:i, s:i}", "completed", completed, "refunded", refunded);
        if (!cli_json_print(o))
            return cli_status(BC_IO_ERROR, "standard output");
    } else {
        printf(ngettext("Reconciled: %d order completed, ", "Reconciled: %d orders completed, ",
                        (unsigned long)completed), completed);
        printf(ngettext("%d charge refunded.\n", "%d charges refunded.\n", (unsigned long)refunded),
               refunded);
    }
    return CLI_EXIT_OK;
}
