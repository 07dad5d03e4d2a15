/* cli_json.c — the command line's JSON documents (cli_json.h). Field names
 * are the contract of SPEC §6: scripts read them, so they change only with
 * the SPEC. Amounts are integers in minor units, days "YYYY-MM-DD". */
#include "cli_json.h"

#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "vat_check.h"

/* json_object_set_new that remembers a failure instead of leaking. */
static void put(json_t *obj, const char *key, json_t *v, bool *ok)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        *ok = false;
}

static void append(json_t *arr, json_t *v, bool *ok)
{
    if (!v || json_array_append_new(arr, v) != 0)
        *ok = false;
}

/* The VAT number's evidence (SPEC §9), null when there is none. */
static json_t *vat_check_or_null(const struct store_vat_check *v)
{
    if (!v->present)
        return json_null();
    return billing_vat_check_json(v);
}

static json_t *finish(json_t *v, bool ok)
{
    if (!ok) {
        json_decref(v);
        return NULL;
    }
    return v;
}

/* Text from the database is UTF-8 as the UI and the demo write it; should a
 * byte sequence not be, it is shown with '?' rather than failing the output. */
static json_t *text(const char *s)
{
    json_t *v;
    char *copy;

    if (!s)
        return json_string("");
    v = json_string(s);
    if (v || !(copy = strdup(s)))
        return v;
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    v = json_string(copy);
    free(copy);
    return v;
}

static json_t *string_or_null(const char *s)
{
    return s ? text(s) : json_null();
}

json_t *cli_json_day(bc_day day)
{
    char buf[11];

    date_format(day, buf);
    return json_string(buf);
}

static const char *line_kind(enum quote_line_kind k)
{
    switch (k) {
    case QUOTE_LINE_CREDIT: return "credit";
    case QUOTE_LINE_CHARGE: return "charge";
    case QUOTE_LINE_TAX: return "tax";
    }
    return "unknown";
}

static json_t *quote_line(const struct quote_line *l)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!o)
        return NULL;
    put(o, "kind", json_string(line_kind(l->kind)), &ok);
    put(o, "amount_minor", json_integer(l->amount), &ok);
    put(o, "from", cli_json_day(l->from), &ok);
    put(o, "to", cli_json_day(l->to), &ok);
    if (l->kind == QUOTE_LINE_TAX)
        put(o, "reverse_charge", json_boolean(l->reverse_charge), &ok);
    return finish(o, ok);
}

json_t *cli_json_quote(const char *currency, const struct quote_item *items, size_t n,
                       const struct quote_totals *t, enum bc_status refusal)
{
    json_t *o = json_object();
    json_t *lines = json_array();
    const struct quote_item *first = NULL;
    bool ok = o && lines;

    if (!ok) {
        json_decref(o);
        json_decref(lines);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (items[i].refusal != BC_OK)
            continue;
        if (!first)
            first = &items[i];
        for (size_t k = 0; k < items[i].nlines; k++)
            append(lines, quote_line(&items[i].lines[k]), &ok);
    }
    put(o, "currency", json_string(currency), &ok);
    put(o, "lines", lines, &ok);
    put(o, "subtotal_minor", json_integer(t->subtotal), &ok);
    put(o, "tax_minor", json_integer(t->tax), &ok);
    put(o, "total_minor", json_integer(t->total), &ok);
    put(o, "balance_applied_minor", json_integer(t->balance_applied), &ok);
    put(o, "due_minor", json_integer(t->due), &ok);
    put(o, "balance_after_minor", json_integer(t->balance_after), &ok);
    put(o, "period_start", first ? cli_json_day(first->period_start) : json_null(), &ok);
    put(o, "period_end", first ? cli_json_day(first->period_end) : json_null(), &ok);
    put(o, "allowed", json_boolean(refusal == BC_OK), &ok);
    put(o, "refusal", refusal == BC_OK ? json_null() : json_string(bc_status_code(refusal)), &ok);
    return finish(o, ok);
}

json_t *cli_json_billing_quote(const struct billing_quote *q)
{
    return cli_json_quote(q->currency, q->items, q->n, &q->totals, q->refusal);
}

json_t *cli_json_order_result(const struct billing_result *r, enum bc_status st)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!o)
        return NULL;
    if (st == BC_OK) {
        put(o, "order_id", json_integer(r->order_id), &ok);
        put(o, "due_minor", json_integer(r->due), &ok);
        put(o, "balance_after_minor", json_integer(r->balance_after), &ok);
        put(o, "replayed", json_boolean(r->replayed), &ok);
        put(o, "document", r->document[0] ? json_string(r->document) : json_null(), &ok);
        put(o, "vat_check", vat_check_or_null(&r->vat_check), &ok);
        return finish(o, ok);
    }
    put(o, "order_id", json_null(), &ok);
    put(o, "due_minor", json_integer(r->quote.totals.due), &ok);
    put(o, "balance_after_minor", json_integer(r->quote.totals.balance_after), &ok);
    put(o, "replayed", json_false(), &ok);
    put(o, "refusal", json_string(bc_status_code(st)), &ok);
    put(o, "message", json_string(bc_status_message(st)), &ok);
    put(o, "quote", cli_json_billing_quote(&r->quote), &ok);
    if (r->vat_check.present)
        put(o, "vat_check", vat_check_or_null(&r->vat_check), &ok);
    return finish(o, ok);
}

json_t *cli_json_subscription(const struct store_subscription *x)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    struct renewal_sub r;
    bool known = lifecycle_renewal_sub(x, &r);

    if (!o)
        return NULL;
    put(o, "product", text(x->product), &ok);
    put(o, "plan", text(x->plan), &ok);
    put(o, "seats", json_integer(x->seats), &ok);
    put(o, "seats_assigned", json_integer(x->seats_assigned), &ok);
    put(o, "period", json_string(bc_period_name(x->period)), &ok);
    put(o, "period_start", cli_json_day(x->period_start), &ok);
    put(o, "period_end", cli_json_day(x->period_end), &ok);
    put(o, "version", json_integer(x->version), &ok);
    put(o, "status", json_string(known ? renewal_state_name(r.state) : "unknown"), &ok);
    put(o, "auto_renew", json_boolean(!x->auto_renew_off), &ok);
    if (x->sched_plan) {
        json_t *sc = json_object();
        if (sc) {
            put(sc, "plan", text(x->sched_plan), &ok);
            put(sc, "seats", json_integer(x->sched_seats), &ok);
            put(sc, "period", json_string(bc_period_name(x->sched_period)), &ok);
        }
        put(o, "scheduled", sc, &ok);
    } else {
        put(o, "scheduled", json_null(), &ok);
    }
    /* When the subscription renews next (P1), or was due to (past_due):
     * null when it will not renew by itself. */
    bool renews = known && ((r.auto_renew && (r.state == RENEWAL_ACTIVE || r.state == RENEWAL_TRIAL)) ||
                            r.state == RENEWAL_PAST_DUE);
    put(o, "next_renewal", renews ? cli_json_day(x->period_end) : json_null(), &ok);
    return finish(o, ok);
}

static json_t *cart_item(const struct store_cart_item *it)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!o)
        return NULL;
    /* null: a product the account does not have yet (checkout creates it). */
    put(o, "subscription_id", it->subscription_id ? json_integer(it->subscription_id) : json_null(),
        &ok);
    put(o, "product", text(it->product), &ok);
    put(o, "to_plan", text(it->to_plan), &ok);
    put(o, "to_seats", json_integer(it->to_seats), &ok);
    put(o, "to_period", json_string(bc_period_name(it->to_period)), &ok);
    return finish(o, ok);
}

json_t *cli_json_account(const struct store_account *a, const struct store_contact *bc,
                         const struct store_subscription_list *subs, const struct store_cart *cart)
{
    json_t *o = json_object();
    json_t *contact = NULL, *list = NULL, *items = NULL;
    bool ok = o != NULL;

    if (!o)
        return NULL;
    put(o, "id", json_integer(a->id), &ok);
    put(o, "name", text(a->name), &ok);
    put(o, "kind", json_string(a->kind == STORE_ACCOUNT_CORPORATE ? "corporate" : "standard"), &ok);
    put(o, "currency", text(a->currency), &ok);
    put(o, "country", text(a->country), &ok);
    put(o, "vat_number", string_or_null(a->vat_number), &ok);
    put(o, "legal_name", string_or_null(a->legal_name), &ok);
    put(o, "address", string_or_null(a->address), &ok);
    put(o, "billing_profile", account_profile_json(a), &ok);
    put(o, "balance_minor", json_integer(a->balance), &ok);
    if (bc) {
        contact = json_object();
        if (contact) {
            put(contact, "name", text(bc->name), &ok);
            put(contact, "email", text(bc->email), &ok);
        }
    } else {
        contact = json_null();
    }
    put(o, "billing_contact", contact, &ok);
    list = json_array();
    for (size_t i = 0; list && i < subs->n; i++)
        append(list, cli_json_subscription(&subs->items[i]), &ok);
    put(o, "subscriptions", list, &ok);
    items = json_array();
    for (size_t i = 0; items && i < cart->n; i++)
        append(items, cart_item(&cart->items[i]), &ok);
    put(o, "cart", items, &ok);
    return finish(o, ok);
}

static const char *store_line_kind(enum store_line_kind k)
{
    switch (k) {
    case STORE_LINE_CREDIT: return "credit";
    case STORE_LINE_CHARGE: return "charge";
    case STORE_LINE_TAX: return "tax";
    }
    return "unknown";
}

static json_t *order_line(const struct store_order_line *l)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!o)
        return NULL;
    put(o, "subscription_id", json_integer(l->subscription_id), &ok);
    put(o, "product", string_or_null(l->product), &ok);
    put(o, "plan_from", string_or_null(l->plan_from), &ok);
    put(o, "plan_to", string_or_null(l->plan_to), &ok);
    put(o, "seats_from", json_integer(l->seats_from), &ok);
    put(o, "seats_to", json_integer(l->seats_to), &ok);
    put(o, "period_from", json_string(bc_period_name(l->period_from)), &ok);
    put(o, "period_to", json_string(bc_period_name(l->period_to)), &ok);
    put(o, "kind", json_string(store_line_kind(l->kind)), &ok);
    put(o, "amount_minor", json_integer(l->amount), &ok);
    put(o, "from", cli_json_day(l->from), &ok);
    put(o, "to", cli_json_day(l->to), &ok);
    if (l->kind == STORE_LINE_TAX)
        put(o, "reverse_charge", json_boolean(l->reverse_charge), &ok);
    return finish(o, ok);
}

static json_t *utc_time(int64_t at)
{
    char buf[32];
    struct tm tm;
    time_t t = (time_t)at;

    if (!gmtime_r(&t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return json_integer(at);
    return json_string(buf);
}

static json_t *order(const struct store_order *x)
{
    json_t *o = json_object();
    json_t *lines = json_array();
    bool ok = o && lines;

    if (!ok) {
        json_decref(o);
        json_decref(lines);
        return NULL;
    }
    put(o, "order_id", json_integer(x->id), &ok);
    put(o, "account_id", json_integer(x->account_id), &ok);
    put(o, "idempotency_key", string_or_null(x->idempotency_key), &ok);
    put(o, "currency", text(x->currency), &ok);
    put(o, "day", cli_json_day(x->day), &ok);
    put(o, "created_at", utc_time(x->created_at), &ok);
    put(o, "subtotal_minor", json_integer(x->subtotal), &ok);
    put(o, "tax_minor", json_integer(x->tax), &ok);
    put(o, "total_minor", json_integer(x->total), &ok);
    put(o, "balance_applied_minor", json_integer(x->balance_applied), &ok);
    put(o, "due_minor", json_integer(x->due), &ok);
    put(o, "balance_after_minor", json_integer(x->balance_after), &ok);
    put(o, "actor", string_or_null(x->actor), &ok);
    put(o, "payment_reference", string_or_null(x->payment_ref), &ok);
    put(o, "vat_check", vat_check_or_null(&x->vat_check), &ok);
    for (size_t i = 0; i < x->nlines; i++)
        append(lines, order_line(&x->lines[i]), &ok);
    put(o, "lines", lines, &ok);
    return finish(o, ok);
}

json_t *cli_json_orders(const struct store_order_list *l)
{
    json_t *arr = json_array();
    bool ok = arr != NULL;

    for (size_t i = 0; arr && i < l->n; i++)
        append(arr, order(&l->items[i]), &ok);
    return finish(arr, ok);
}

/* The audit keeps before/after as JSON text: embed it as JSON when it is. */
static json_t *embedded(const char *json_text)
{
    json_t *v;

    if (!json_text)
        return json_null();
    v = json_loads(json_text, JSON_DECODE_ANY, NULL);
    return v ? v : text(json_text);
}

json_t *cli_json_audit_entry(const struct store_audit_entry *e)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (!o)
        return NULL;
    put(o, "id", json_integer(e->id), &ok);
    put(o, "at", utc_time(e->at), &ok);
    put(o, "actor", string_or_null(e->actor), &ok);
    put(o, "origin", string_or_null(e->origin), &ok);
    put(o, "account_id", e->account_id ? json_integer(e->account_id) : json_null(), &ok);
    put(o, "action", string_or_null(e->action), &ok);
    put(o, "before", embedded(e->before), &ok);
    put(o, "after", embedded(e->after), &ok);
    put(o, "result", string_or_null(e->result), &ok);
    return finish(o, ok);
}

bool cli_json_print(json_t *v)
{
    int rc;

    if (!v)
        return false;
    rc = json_dumpf(v, stdout, JSON_INDENT(2));
    json_decref(v);
    return rc == 0 && fputc('\n', stdout) != EOF;
}

bool cli_json_add_card(json_t *o, struct store *s, int64_t account_id)
{
    struct store_card card;
    memset(&card, 0, sizeof card);
    enum bc_status st = store_card_get(s, account_id, &card);
    if (st != BC_OK && st != BC_NOT_FOUND)
        return false;
    if (o)
        json_object_set_new(o, "card_on_file", st == BC_OK
            ? json_pack("{s:s, s:s, s:i, s:i}", "brand", card.brand, "last4", card.last4,
                        "exp_month", card.exp_month, "exp_year", card.exp_year)
            : json_null());
    return true;
}

bool cli_json_add_estimates(json_t *o, const struct catalog *cat, const struct store_account *a,
                            const struct store_subscription_list *subs)
{
    json_t *list = json_object_get(o, "subscriptions");
    if (!json_is_array(list) || json_array_size(list) != subs->n)
        return false;
    for (size_t i = 0; i < subs->n; i++) {
        struct billing_renewal_estimate e;
        bool known = billing_renewal_estimate(cat, a, &subs->items[i], &e) == BC_OK && e.renews;
        if (json_object_set_new(json_array_get(list, i), "next_renewal_estimate_minor",
                                known ? json_integer(e.total) : json_null()) != 0)
            return false;
    }
    return true;
}
