/* cli_show.c — the read-only commands: `account show`, `orders`, `audit`.
 * Any operator may look (read-only operators included); nothing here
 * writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_cmd.h"
#include "cli_json.h"
#include "money.h"

static void format_money(const struct cli *c, char *buf, size_t size, int64_t amount,
                         const char *currency)
{
    money_format(buf, size, amount, currency,
                 strcmp(c->lang, "it") == 0 ? MONEY_STYLE_IT : MONEY_STYLE_EN, !cli_utf8());
}

static const char *kind_name(enum store_account_kind k)
{
    return k == STORE_ACCOUNT_CORPORATE ? _("corporate") : _("standard");
}

/* "none" said of a VAT number (Italian: feminine), the UI's message with
 * its context. */
static const char *vat_none(void)
{
    static const char id[] = "VAT number\004none";
    const char *t = gettext(id);
    return t == id ? "none" : t;
}

/* The catalog's display names (the id when the catalog lacks it). */
static const char *product_name(const struct cli *c, const char *product)
{
    const struct catalog_product *p = c->catalog ? catalog_product(c->catalog, product) : NULL;
    return p && p->name ? p->name : product ? product : "";
}

static const char *plan_name(const struct cli *c, const char *product, const char *plan)
{
    const struct catalog_product *p = c->catalog ? catalog_product(c->catalog, product) : NULL;
    const struct catalog_plan *x = p && plan ? catalog_plan(p, plan) : NULL;
    return x && x->name ? x->name : plan ? plan : "";
}

static const char *period_label(enum bc_period p)
{
    return p == BC_PERIOD_ANNUAL ? _("Annual") : _("Monthly");
}

/* "A" when from and to agree, else "A → B". */
static void change_text(char *buf, size_t size, const char *from, const char *to)
{
    if (strcmp(from, to) == 0)
        snprintf(buf, size, "%s", to);
    else
        snprintf(buf, size, "%s %s %s", from, cli_arrow(), to);
}

/* Text from the database holds what people typed (names, e-mails at a
 * kiosk): control bytes are shown as '?' so that nothing in it can drive
 * the terminal. */
static void put_clean(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}


/* The subscription's state in words under its row (SPEC §8 "States"). */
static void print_state(const struct cli *c, const struct store_subscription *x)
{
    char d[11], since[11];
    date_format(x->period_end, d);
    date_format(x->past_due_since ? x->past_due_since : x->period_end, since);
    switch (x->status) {
    case STORE_SUB_TRIAL:
        printf(x->auto_renew_off ? _("    trial, ends on %s (auto-renew off)\n")
                                 : _("    trial, ends on %s\n"), d);
        break;
    case STORE_SUB_PAST_DUE:
        printf(_("    past due since %s: the renewal is unpaid (subscription pay)\n"), since);
        break;
    case STORE_SUB_SUSPENDED:
        printf(_("    suspended since %s: service off until paid (subscription pay)\n"), since);
        break;
    case STORE_SUB_CANCELED:
        printf(_("    canceled on %s\n"), d);
        break;
    case STORE_SUB_TRIAL_ENDED:
        printf(_("    trial ended on %s\n"), d);
        break;
    default:
        printf(x->auto_renew_off ? _("    pending cancellation, ends on %s\n")
                                 : _("    active, renews on %s\n"), d);
        break;
    }
    if (x->sched_plan != NULL) {
        printf(_("    scheduled for %s: %s, "), d, plan_name(c, x->product, x->sched_plan));
        printf(ngettext("%d seat", "%d seats", (unsigned long)x->sched_seats), x->sched_seats);
        printf(", %s\n", period_label(x->sched_period));
    }
}
static void print_account_text(const struct cli *c, const struct store_account *a,
                               const struct store_contact *bc,
                               const struct store_subscription_list *subs,
                               const struct store_cart *cart)
{
    char money[64], d0[11], d1[11];

    format_money(c, money, sizeof money, a->balance, a->currency);
    /* Names, e-mail and VAT number come from whoever filled the database:
     * their control bytes must not drive the terminal either. */
    printf(_("Account %lld: "), (long long)a->id);
    put_clean(a->name);
    printf(" (%s)\n  ", kind_name(a->kind));
    printf(_("Currency %s, country %s, VAT number "), a->currency, a->country);
    put_clean(a->vat_number ? a->vat_number : vat_none());
    printf(_(", credit balance %s\n"), money);
    if (bc) {
        printf("  %s ", _("Billing contact:"));
        put_clean(bc->name);
        printf(" <");
        put_clean(bc->email);
        printf(">\n");
    } else
        printf("  %s %s\n", _("Billing contact:"), _("none"));
    printf("%s\n", _("Subscriptions:"));
    if (subs->n == 0)
        printf("  %s\n", _("none"));
    for (size_t i = 0; i < subs->n; i++) {
        const struct store_subscription *x = &subs->items[i];
        date_format(x->period_start, d0);
        date_format(x->period_end, d1);
        printf(_("  %-14s %-12s seats %d/%d  %-8s %s .. %s  (version %lld)\n"),
               product_name(c, x->product), plan_name(c, x->product, x->plan), x->seats_assigned,
               x->seats, period_label(x->period), d0, d1, (long long)x->version);
        print_state(c, x);
    }
    printf(ngettext("Cart: %zu item\n", "Cart: %zu items\n", cart->n), cart->n);
    for (size_t i = 0; i < cart->n; i++) {
        const struct store_cart_item *it = &cart->items[i];
        printf("  %-14s %s %s, ", product_name(c, it->product), cli_arrow(),
               plan_name(c, it->product, it->to_plan));
        printf(ngettext("%d seat", "%d seats", (unsigned long)it->to_seats), it->to_seats);
        printf(", %s\n", period_label(it->to_period));
    }
}

int cli_cmd_account_show(struct cli *c)
{
    struct store_account a;
    struct store_contact contact;
    struct store_subscription_list subs;
    struct store_cart cart;
    bool have_contact = false;
    int64_t id;
    enum bc_status st;
    int rc;

    if (!cli_parse_id("account", c->args[0], &id))
        return CLI_EXIT_USAGE;
    rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    memset(&contact, 0, sizeof contact);
    memset(&subs, 0, sizeof subs);
    memset(&cart, 0, sizeof cart);

    rc = cli_load_account(c, id, &a);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (a.billing_contact_id) {
        st = store_contact_get(c->store, a.billing_contact_id, &contact);
        if (st != BC_OK && st != BC_NOT_FOUND) {
            rc = cli_status(st, "billing contact");
            goto done;
        }
        have_contact = st == BC_OK;
    }
    st = store_subscriptions(c->store, id, &subs);
    if (st == BC_OK)
        st = store_cart_get(c->store, id, &cart);
    if (st != BC_OK) {
        rc = cli_status(st, "account");
        goto done;
    }
    if (c->json) {
        json_t *o = cli_json_account(&a, have_contact ? &contact : NULL, &subs, &cart);
        if (cli_open_catalog(c) != CLI_EXIT_OK || !cli_json_add_estimates(o, c->catalog, &a, &subs)) {
            json_decref(o);
            rc = c->catalog ? cli_status(BC_NO_MEMORY, "account") : CLI_EXIT_ERROR;
        } else if (!cli_json_add_card(o, c->store, id)) {
            json_decref(o);
            rc = cli_status(BC_DB_ERROR, "card on file");
        } else if (!cli_json_print(o))
            rc = cli_status(BC_IO_ERROR, "standard output");
    } else if ((rc = cli_open_catalog(c)) == CLI_EXIT_OK) {
        print_account_text(c, &a, have_contact ? &contact : NULL, &subs, &cart);
    }
done:
    store_cart_clear(&cart);
    store_subscription_list_clear(&subs);
    store_contact_clear(&contact);
    store_account_clear(&a);
    return rc;
}

static const char *line_kind(enum store_line_kind k)
{
    switch (k) {
    case STORE_LINE_CREDIT: return _("credit");
    case STORE_LINE_CHARGE: return _("charge");
    case STORE_LINE_TAX: return _("VAT");
    }
    return "?";
}

/* One order line: what it is for, the plan, seats and billing frequency
 * (from -> to where they changed), the dates and the amount. */
static void print_order_line(const struct cli *c, const struct store_order *o,
                             const struct store_order_line *ln)
{
    char m1[64], d0[11], d1[11], plan[160], period[64];

    date_format(ln->from, d0);
    date_format(ln->to, d1);
    format_money(c, m1, sizeof m1, ln->amount, o->currency);
    change_text(plan, sizeof plan, plan_name(c, ln->product, ln->plan_from),
                plan_name(c, ln->product, ln->plan_to));
    change_text(period, sizeof period, period_label(ln->period_from), period_label(ln->period_to));
    printf("  %-8s %-13s %s, ", line_kind(ln->kind), product_name(c, ln->product), plan);
    if (ln->seats_from == ln->seats_to || ln->seats_from == 0)
        printf(ngettext("%d seat", "%d seats", (unsigned long)ln->seats_to), ln->seats_to);
    else
        printf(ngettext("%d %s %d seat", "%d %s %d seats", (unsigned long)ln->seats_to),
               ln->seats_from, cli_arrow(), ln->seats_to);
    printf(", %s  %s .. %s  %s%s\n", period, d0, d1, m1,
           ln->reverse_charge ? _(" (reverse charge)") : "");
}

static void print_orders_text(const struct cli *c, const struct store_order_list *l)
{
    char m1[64], m2[64], m3[64], d0[11];

    if (l->n == 0)
        printf("%s\n", _("No orders."));
    for (size_t i = 0; i < l->n; i++) {
        const struct store_order *o = &l->items[i];
        date_format(o->day, d0);
        format_money(c, m1, sizeof m1, o->total, o->currency);
        format_money(c, m2, sizeof m2, o->due, o->currency);
        format_money(c, m3, sizeof m3, o->balance_after, o->currency);
        printf(_("Order %lld  %s  total %s  charged %s  balance after %s  by %s\n"),
               (long long)o->id, d0, m1, m2, m3, o->actor ? o->actor : "?");
        for (size_t k = 0; k < o->nlines; k++)
            print_order_line(c, o, &o->lines[k]);
        cli_print_vat_check("  ", &o->vat_check);
    }
}

int cli_cmd_orders(struct cli *c)
{
    struct store_account a;
    struct store_order_list l;
    int64_t id;
    enum bc_status st;
    int rc;

    if (!cli_parse_id("account", c->args[0], &id))
        return CLI_EXIT_USAGE;
    rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    memset(&l, 0, sizeof l);
    rc = cli_load_account(c, id, &a);
    store_account_clear(&a);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = store_orders(c->store, id, &l);
    if (st != BC_OK)
        return cli_status(st, "orders");
    if (c->json) {
        if (!cli_json_print(cli_json_orders(&l)))
            rc = cli_status(BC_IO_ERROR, "standard output");
    } else if ((rc = cli_open_catalog(c)) == CLI_EXIT_OK) {
        print_orders_text(c, &l);
    }
    store_order_list_clear(&l);
    return rc;
}

struct audit_ctx {
    json_t *rows;      /* --json: collected here */
    bool failed;
};

/* "       before: {...}" under its row, when there is one. */
static void print_clean(const char *label, const char *json_text)
{
    if (!json_text || !json_text[0])
        return;
    printf("       %-7s", label);
    put_clean(json_text);
    putchar('\n');
}

static bool audit_row(void *ctx, const struct store_audit_entry *e)
{
    struct audit_ctx *ac = ctx;
    char when[32];
    struct tm tm;
    time_t t = (time_t)e->at;

    if (ac->rows) {
        json_t *row = cli_json_audit_entry(e);
        if (!row || json_array_append_new(ac->rows, row) != 0) {
            ac->failed = true;
            return false;
        }
        return true;
    }
    if (!gmtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(when, sizeof when, "%lld", (long long)e->at);
    printf("%-6lld %s  ", (long long)e->id, when);
    put_clean(e->actor ? e->actor : "");
    printf("  %s ", _("from"));
    put_clean(e->origin ? e->origin : "");
    if (e->account_id)
        printf(_(" account %-6lld"), (long long)e->account_id);
    else
        printf(" %-14s", "-");
    printf(" %-16s %s\n", e->action ? e->action : "", e->result ? e->result : "");
    print_clean(_("before"), e->before);
    print_clean(_("after"), e->after);
    return true;
}

int cli_cmd_audit(struct cli *c)
{
    struct audit_ctx ac = {NULL, false};
    int64_t account_id = 0, since = 0;
    bc_day since_day;
    enum bc_status st;
    int rc;

    if (c->opt[CLI_OPT_ACCOUNT] && !cli_parse_id("--account", c->opt[CLI_OPT_ACCOUNT], &account_id))
        return CLI_EXIT_USAGE;
    if (c->opt[CLI_OPT_SINCE]) {
        if (!cli_parse_date("--since", c->opt[CLI_OPT_SINCE], &since_day))
            return CLI_EXIT_USAGE;
        since = (int64_t)since_day * 86400;   /* audit times are UTC */
    }
    rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (account_id) {
        struct store_account a;
        rc = cli_load_account(c, account_id, &a);
        store_account_clear(&a);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    if (c->json && !(ac.rows = json_array()))
        return cli_status(BC_NO_MEMORY, NULL);
    st = store_audit_each(c->store, account_id, since, audit_row, &ac);
    if (st != BC_OK || ac.failed) {
        json_decref(ac.rows);
        return cli_status(st != BC_OK ? st : BC_NO_MEMORY, "audit");
    }
    if (ac.rows && !cli_json_print(ac.rows))
        return cli_status(BC_IO_ERROR, "standard output");
    return CLI_EXIT_OK;
}
