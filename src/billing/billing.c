/* billing.c — rights, quotes for accounts in the store, the cart and seats.
 *
 * This is where a person's request meets the store and the catalog: rights
 * are decided here (never in screens), every figure comes from quote.h, and
 * every change attempt — allowed, refused or failed — leaves exactly one
 * audit row. Read-only queries (quotes, rights) are not audited. Placing
 * orders lives in order.c. */
#include "billing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "billing_impl.h"
#include "money.h"

/* ---------------------------------------------------------------- audit */

void billing_actor_name(const struct billing *b, char *out, size_t size)
{
    if (b->actor.kind == BILLING_ACTOR_CONTACT)
        snprintf(out, size, "contact:%lld %s", (long long)b->actor.contact_id, b->actor.name);
    else
        snprintf(out, size, "%s", b->actor.name);
}

enum bc_status billing_audit(struct billing *b, int64_t account_id, const char *action,
                             const json_t *before, const json_t *after, enum bc_status result)
{
    char actor[300];
    char *before_s = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *after_s = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    billing_actor_name(b, actor, sizeof actor);
    struct store_audit_entry e = {
        .at = (int64_t)time(NULL),
        .actor = actor,
        .origin = b->actor.origin[0] ? b->actor.origin : "local",
        .account_id = account_id,
        .action = action,
        .before = before_s,
        .after = after_s,
        .result = bc_status_code(result),
    };
    enum bc_status st = store_audit_append(b->store, &e);
    free(before_s);
    free(after_s);
    return st;
}

enum bc_status billing_event(struct billing *b, const char *type, int64_t account_id,
                             int64_t subscription_id, json_t *payload)
{
    char day[11];
    if (!payload)
        return BC_NO_MEMORY;
    date_format(b->today, day);
    json_object_set_new(payload, "day", json_string(day));
    char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(payload);
    if (!text)
        return BC_NO_MEMORY;
    struct store_event e = {.type = type, .account_id = account_id,
                            .subscription_id = subscription_id, .payload = text};
    enum bc_status st = store_event_append(b->store, &e);
    free(text);
    return st;
}

/* ---------------------------------------------------------------- rights */

enum bc_status billing_rights(struct billing *b, const struct store_account *acct,
                              struct billing_rights *out)
{
    memset(out, 0, sizeof *out);
    out->may_change = BC_OK;
    if (acct->billing_contact_id != 0) {
        struct store_contact bc = {0};
        enum bc_status st = store_contact_get(b->store, acct->billing_contact_id, &bc);
        if (st == BC_OK) {
            snprintf(out->billing_name, sizeof out->billing_name, "%s", bc.name ? bc.name : "");
            snprintf(out->billing_email, sizeof out->billing_email, "%s", bc.email ? bc.email : "");
        }
        store_contact_clear(&bc);
        if (st != BC_OK && st != BC_NOT_FOUND)
            return st;
    }
    if (acct->kind == STORE_ACCOUNT_CORPORATE) {
        out->may_change = BC_CORPORATE_ACCOUNT;
    } else if (b->actor.kind == BILLING_ACTOR_OPERATOR) {
        if (b->actor.op_role == STORE_OP_READONLY)
            out->may_change = BC_READONLY_OPERATOR;
    } else if (b->actor.contact_id == 0 || b->actor.contact_id != acct->billing_contact_id) {
        out->may_change = BC_NOT_BILLING_CONTACT;
    }
    return BC_OK;
}

enum bc_status billing_load_rights(struct billing *b, int64_t account_id,
                                   struct store_account *acct, struct billing_rights *rights)
{
    enum bc_status st = store_account_get(b->store, account_id, acct);
    if (st != BC_OK)
        return st;
    return billing_rights(b, acct, rights);
}

/* ---------------------------------------------------------------- quotes */

bool billing_may_downgrade(const struct billing *b)
{
    return b->actor.kind == BILLING_ACTOR_OPERATOR
        && (b->actor.op_role == STORE_OP_OPERATOR || b->actor.op_role == STORE_OP_ADMIN);
}

static bool copy_str(char *dst, size_t size, const char *src)
{
    if (!src || strlen(src) >= size)
        return false;
    memcpy(dst, src, strlen(src) + 1);
    return true;
}

/* Records item i's business refusal `st` (the quote's first one wins)
 * and turns it into BC_OK; errors pass through. */
static enum bc_status note_refusal(struct billing_quote *out, size_t i, enum bc_status st)
{
    if (st != BC_OK && bc_status_is_refusal(st)) {
        if (out->refusal == BC_OK) {
            out->refusal = st;
            out->refused_item = i;
        }
        st = BC_OK;
    }
    return st;
}

/* Quotes a product the account does not have (change->subscription_id 0)
 * into out->items[i]: a new subscription whose period starts on `day`, a
 * charge and no credit — or, when the product offers a trial, nothing
 * charged and the trial's days as its period. */
static enum bc_status quote_new(struct billing *b, const struct store_account *acct,
                                struct billing_change *change, const struct quote_tax *tax,
                                bc_day day, struct billing_quote *out, size_t i)
{
    const struct catalog *c = b->catalog;
    struct quote_item *it = &out->items[i];
    memset(it, 0, sizeof *it);
    out->versions[i] = 0;
    out->trials[i] = false;
    const struct catalog_product *prod = catalog_product(c, change->product);
    const struct catalog_plan *to_plan = prod ? catalog_plan(prod, change->to_plan) : NULL;
    if (!prod || !to_plan || !copy_str(change->product, sizeof change->product, prod->id))
        return BC_NOT_FOUND;
    struct store_subscription_list subs = {0};
    enum bc_status st = store_subscriptions(b->store, acct->id, &subs);
    bool has = false;
    for (size_t k = 0; st == BC_OK && k < subs.n; k++)
        has = has || strcmp(subs.items[k].product, prod->id) == 0;
    store_subscription_list_clear(&subs);
    if (st != BC_OK)
        return st;
    /* The same product twice in one order is one product already had. */
    for (size_t k = 0; k < i; k++)
        has = has || (out->changes[k].subscription_id == 0 &&
                      strcmp(out->changes[k].product, prod->id) == 0);
    if (has) {
        it->refusal = BC_ALREADY_SUBSCRIBED;
        return note_refusal(out, i, BC_ALREADY_SUBSCRIBED);
    }
    int64_t price = 0;
    if (!catalog_price(c, to_plan, acct->currency, change->to_period, &price))
        return BC_UNKNOWN_CURRENCY;
    if (prod->trial_days > 0) {
        /* A trial: its seats within the plan's bounds, nothing charged. */
        if (change->to_seats < to_plan->seats_min || change->to_seats > to_plan->seats_max) {
            it->refusal = BC_SEATS_OUT_OF_RANGE;
            return note_refusal(out, i, BC_SEATS_OUT_OF_RANGE);
        }
        if (day > BC_DAY_MAX - prod->trial_days) {
            it->refusal = BC_DATE_OUT_OF_RANGE;
            return BC_DATE_OUT_OF_RANGE;
        }
        it->period_start = day;
        it->period_end = day + prod->trial_days;
        it->item_start = day;
        it->anchor_day = date_mday(day);
        /* Lines of nothing for the trial's days, so that the order says
         * what it started (a document states none of them: invoice.h). */
        it->lines[0] = (struct quote_line){.kind = QUOTE_LINE_CHARGE, .from = day,
                                           .to = it->period_end};
        it->lines[1] = (struct quote_line){.kind = QUOTE_LINE_TAX, .from = day,
                                           .to = it->period_end,
                                           .reverse_charge = tax->reverse_charge};
        it->nlines = 2;
        out->trials[i] = true;
        return BC_OK;
    }
    /* As Subscribe now: nothing to credit, the period starts today. */
    struct quote_current cur = {
        .rank = -1,
        .period = change->to_period,
        .period_start = day,
        .period_end = day + 1,
        .item_start = day,
        .anchor_day = date_mday(day),
    };
    struct quote_target to = {
        .rank = to_plan->rank,
        .seats_min = to_plan->seats_min,
        .seats_max = to_plan->seats_max,
        .seats = change->to_seats,
        .period = change->to_period,
        .unit_price = price,
        .same_plan = false,
    };
    struct quote_policy policy = c->policy;
    policy.anchor = QUOTE_ANCHOR_RESET;
    return note_refusal(out, i, quote_item(&cur, &to, tax, day, policy, it));
}

/* Quotes one change into out->items[i]. */
static enum bc_status quote_one(struct billing *b, const struct store_account *acct,
                                struct billing_change *change, const struct quote_tax *tax,
                                bc_day day, struct billing_quote *out, size_t i)
{
    const struct catalog *c = b->catalog;
    if (change->subscription_id == 0)
        return quote_new(b, acct, change, tax, day, out, i);
    struct store_subscription sub = {0};
    enum bc_status st = store_subscription_get(b->store, change->subscription_id, &sub);
    if (st != BC_OK)
        goto done;
    if (sub.account_id != acct->id) {
        st = BC_NOT_FOUND;
        goto done;
    }
    if (change->product[0] && strcmp(change->product, sub.product) != 0) {
        st = BC_INVALID_ARGUMENT;
        goto done;
    }
    if (!copy_str(change->product, sizeof change->product, sub.product)) {
        st = BC_INVALID_ARGUMENT;
        goto done;
    }
    const struct catalog_product *prod = catalog_product(c, sub.product);
    const struct catalog_plan *cur_plan = prod ? catalog_plan(prod, sub.plan) : NULL;
    const struct catalog_plan *to_plan = prod ? catalog_plan(prod, change->to_plan) : NULL;
    if (!prod || !cur_plan || !to_plan) {
        st = BC_NOT_FOUND;
        goto done;
    }
    int64_t price = 0;
    if (!catalog_price(c, to_plan, acct->currency, change->to_period, &price)) {
        st = BC_UNKNOWN_CURRENCY;
        goto done;
    }

    struct quote_current cur = {
        .rank = cur_plan->rank,
        .seats = sub.seats,
        .seats_assigned = sub.seats_assigned,
        .period = sub.period,
        .period_start = sub.period_start,
        .period_end = sub.period_end,
        .item_start = sub.item_start,
        .anchor_day = sub.anchor_day,
        .billed = sub.billed,
        .credited = sub.credited,
    };
    struct quote_target to = {
        .rank = to_plan->rank,
        .seats_min = to_plan->seats_min,
        .seats_max = to_plan->seats_max,
        .seats = change->to_seats,
        .period = change->to_period,
        .unit_price = price,
        .same_plan = strcmp(sub.plan, to_plan->id) == 0,
        /* Customer Care is the operators (SPEC §3): they order a lower tier
         * today, with the same credit and the difference to the balance. */
        .lower_allowed = billing_may_downgrade(b),
    };
    struct quote_policy policy = c->policy;
    if (sub.status == STORE_SUB_TRIAL_ENDED || sub.status == STORE_SUB_CANCELED) {
        /* A new subscription: nothing to credit, the period starts today. */
        cur.rank = -1;
        cur.period = change->to_period;
        cur.period_start = day;
        cur.period_end = day + 1;
        cur.item_start = day;
        cur.anchor_day = date_mday(day);
        cur.billed = 0;
        cur.credited = 0;
        to.same_plan = false;
        policy.anchor = QUOTE_ANCHOR_RESET;
    }
    /* An unpaid renewal is paid first (SPEC §8): no change until then. */
    if (sub.status == STORE_SUB_PAST_DUE || sub.status == STORE_SUB_SUSPENDED) {
        memset(&out->items[i], 0, sizeof out->items[i]);
        out->items[i].refusal = st = BC_PAYMENT_OVERDUE;
    } else {
        st = quote_item(&cur, &to, tax, day, policy, &out->items[i]);
    }
    out->versions[i] = sub.version;
    st = note_refusal(out, i, st);
done:
    store_subscription_clear(&sub);
    return st;
}

/* What the checkout's country `cc` and VAT number `vn` would change. */
static void billing_info_of(struct billing *b, const struct store_account *acct, const char *cc,
                            const char *vn, struct billing_quote *out)
{
    struct billing_info_change *bi = &out->billing_info;
    const char *old_vn = acct->vat_number ? acct->vat_number : "";
    vn = vn ? vn : "";
    bi->pending = strcmp(cc, acct->country) != 0 || strcmp(vn, old_vn) != 0;
    snprintf(bi->country_before, sizeof bi->country_before, "%s", acct->country);
    snprintf(bi->country_after, sizeof bi->country_after, "%s", cc);
    snprintf(bi->vat_before, sizeof bi->vat_before, "%s", old_vn);
    snprintf(bi->vat_after, sizeof bi->vat_after, "%s", vn);
    bool valid = *old_vn && vat_number_valid(acct->country, old_vn);
    vat_decide(b->catalog->seller_country, acct->country, valid, catalog_vat_rate, b->catalog,
               &bi->vat_rule_before);
}

enum bc_status billing_quote_changes(struct billing *b, const struct store_account *acct,
                                     const struct billing_change *changes, size_t n,
                                     const char *country, const char *vat_number,
                                     bc_day day, struct billing_quote *out)
{
    struct billing_rights rights = out->rights;
    memset(out, 0, sizeof *out);
    out->rights = rights;
    snprintf(out->currency, sizeof out->currency, "%s", acct->currency);
    out->balance = acct->balance;
    if (n > BILLING_MAX_ITEMS)
        return BC_INVALID_ARGUMENT;
    if (n == 0) {
        out->refusal = BC_CART_EMPTY;
        return BC_OK;
    }

    const struct catalog *c = b->catalog;
    const char *cc = country ? country : acct->country;
    const char *vn = vat_number ? vat_number : acct->vat_number;
    bool valid = vn && *vn && vat_number_valid(cc, vn);
    vat_decide(c->seller_country, cc, valid, catalog_vat_rate, c, &out->vat);
    billing_info_of(b, acct, cc, vn, out);
    struct quote_tax tax = {.rate_bp = out->vat.rate_bp, .reverse_charge = out->vat.reverse_charge};

    out->n = n;
    for (size_t i = 0; i < n; i++) {
        out->changes[i] = changes[i];
        enum bc_status st = quote_one(b, acct, &out->changes[i], &tax, day, out, i);
        if (st != BC_OK)
            return st;
    }
    return quote_totals(out->items, n, acct->balance, &out->totals);
}

static void quote_rights_refusal(const struct store_account *acct, const struct billing_rights *rights,
                                 struct billing_quote *out)
{
    out->rights = *rights;
    out->refusal = rights->may_change;
    snprintf(out->currency, sizeof out->currency, "%s", acct->currency);
    out->balance = acct->balance;
}

enum bc_status billing_quote_change(struct billing *b, int64_t account_id,
                                    const struct billing_change *change, struct billing_quote *out)
{
    struct store_account acct = {0};
    struct billing_rights rights;
    memset(out, 0, sizeof *out);
    enum bc_status st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto done;
    if (rights.may_change != BC_OK) {
        quote_rights_refusal(&acct, &rights, out);
        out->n = 1;
        out->changes[0] = *change;
        goto done;
    }
    out->rights = rights;
    st = billing_quote_changes(b, &acct, change, 1, NULL, NULL, b->today, out);
done:
    store_account_clear(&acct);
    return st;
}

/* The account's cart as changes (at most BILLING_MAX_ITEMS). */
static enum bc_status billing_cart_changes(struct billing *b, int64_t account_id,
                                           struct billing_change *changes, size_t *n)
{
    struct store_cart cart = {0};
    *n = 0;
    enum bc_status st = store_cart_get(b->store, account_id, &cart);
    if (st != BC_OK)
        goto done;
    if (cart.n > BILLING_MAX_ITEMS) {
        st = BC_INVALID_ARGUMENT;
        goto done;
    }
    for (size_t i = 0; i < cart.n; i++) {
        struct billing_change *ch = &changes[i];
        memset(ch, 0, sizeof *ch);
        ch->subscription_id = cart.items[i].subscription_id;
        if (!copy_str(ch->product, sizeof ch->product, cart.items[i].product) ||
            !copy_str(ch->to_plan, sizeof ch->to_plan, cart.items[i].to_plan)) {
            st = BC_INVALID_ARGUMENT;
            goto done;
        }
        ch->to_seats = cart.items[i].to_seats;
        ch->to_period = cart.items[i].to_period;
    }
    *n = cart.n;
done:
    store_cart_clear(&cart);
    return st;
}

enum bc_status billing_checkout_changes(struct billing *b, int64_t account_id,
                                        const struct billing_change *change,
                                        struct billing_change *changes, size_t *n)
{
    if (!change)
        return billing_cart_changes(b, account_id, changes, n);
    changes[0] = *change;
    *n = 1;
    return BC_OK;
}

enum bc_status billing_quote_cart(struct billing *b, int64_t account_id, struct billing_quote *out)
{
    return billing_quote_checkout(b, account_id, NULL, NULL, NULL, out);
}

enum bc_status billing_quote_change_with_cart(struct billing *b, int64_t account_id,
                                              const struct billing_change *change,
                                              struct billing_quote *out,
                                              struct billing_cart_preview *cart)
{
    memset(cart, 0, sizeof *cart);
    enum bc_status st = billing_quote_change(b, account_id, change, out);
    if (st != BC_OK || out->refusal != BC_OK)
        return st;
    struct store_account acct = {0};
    struct billing_rights rights;
    struct billing_change *changes = calloc(BILLING_MAX_ITEMS + 1, sizeof *changes);
    struct billing_quote *q = malloc(sizeof *q);
    size_t n = 0, k = 0;
    st = changes && q ? BC_OK : BC_NO_MEMORY;
    if (st == BC_OK)
        st = billing_load_rights(b, account_id, &acct, &rights);
    if (st == BC_OK)
        st = billing_cart_changes(b, account_id, changes, &n);
    if (st != BC_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (!billing_same_item(&changes[i], change))
            changes[k++] = changes[i];
    if (k == 0)
        goto done;
    /* The other items, then the other items and this one. */
    memset(q, 0, sizeof *q);
    q->rights = rights;
    st = billing_quote_changes(b, &acct, changes, k, NULL, NULL, b->today, q);
    if (st != BC_OK || q->refusal != BC_OK)
        goto done;
    struct quote_totals before = q->totals;
    changes[k] = *change;
    memset(q, 0, sizeof *q);
    q->rights = rights;
    st = billing_quote_changes(b, &acct, changes, k + 1, NULL, NULL, b->today, q);
    if (st != BC_OK || q->refusal != BC_OK)
        goto done;
    if (!money_add(q->totals.balance_applied, -before.balance_applied, &cart->item_balance_applied)
        || !money_add(q->totals.due, -before.due, &cart->item_due)) {
        st = BC_OVERFLOW;
        goto done;
    }
    cart->others = k;
    cart->balance_left = before.balance_after;
    cart->cart_due = q->totals.due;
done:
    if (st != BC_OK)
        memset(cart, 0, sizeof *cart);
    free(q);
    free(changes);
    store_account_clear(&acct);
    return st;
}

bool billing_same_item(const struct billing_change *a, const struct billing_change *b)
{
    if (a->subscription_id != b->subscription_id)
        return false;
    return a->subscription_id != 0 || strcmp(a->product, b->product) == 0;
}

/* "it" -> "IT"; false unless two letters. */
static bool country_code(const char *in, char out[3])
{
    if (!in || strlen(in) != 2)
        return false;
    for (int i = 0; i < 2; i++) {
        char ch = in[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (ch < 'A' || ch > 'Z')
            return false;
        out[i] = ch;
    }
    out[2] = '\0';
    return true;
}

enum bc_status billing_vat_override(struct billing_vat_override *o, const char *account_country,
                                    const char *country, const char *vat_number)
{
    memset(o, 0, sizeof *o);
    if (country && *country) {
        if (!country_code(country, o->country_buf))
            return BC_UNKNOWN_COUNTRY;
        o->country = o->country_buf;
    }
    if (vat_number) {
        if (*vat_number && !vat_number_normalise(o->country ? o->country : account_country,
                                                 vat_number, o->vat_buf, sizeof o->vat_buf))
            return BC_INVALID_VAT_NUMBER;
        o->vat_number = o->vat_buf;
    }
    return BC_OK;
}

enum bc_status billing_quote_checkout(struct billing *b, int64_t account_id,
                                      const struct billing_change *change, const char *vat_number,
                                      const char *country, struct billing_quote *out)
{
    struct store_account acct = {0};
    struct billing_rights rights;
    struct billing_change *changes = calloc(BILLING_MAX_ITEMS, sizeof *changes);
    struct billing_vat_override vat;
    size_t n = 0;
    memset(out, 0, sizeof *out);
    enum bc_status st = changes ? BC_OK : BC_NO_MEMORY;
    if (st != BC_OK)
        goto done;
    st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto done;
    st = billing_checkout_changes(b, account_id, change, changes, &n);
    if (st != BC_OK)
        goto done;
    if (rights.may_change != BC_OK) {
        quote_rights_refusal(&acct, &rights, out);
        out->n = n;
        memcpy(out->changes, changes, n * sizeof *changes);
        goto done;
    }
    st = billing_vat_override(&vat, acct.country, country, vat_number);
    if (st != BC_OK)
        goto done;
    out->rights = rights;
    st = billing_quote_changes(b, &acct, changes, n, vat.country, vat.vat_number, b->today, out);
done:
    free(changes);
    store_account_clear(&acct);
    return st;
}

bool billing_annual_saving(const struct catalog *c, const struct catalog_plan *plan,
                           const char *currency, int64_t *per_seat_out)
{
    int64_t monthly, annual, twelve;
    if (!c || !plan || !currency || !per_seat_out)
        return false;
    if (!catalog_price(c, plan, currency, BC_PERIOD_MONTHLY, &monthly) ||
        !catalog_price(c, plan, currency, BC_PERIOD_ANNUAL, &annual))
        return false;
    if (annual == INT64_MIN || !money_mul(monthly, 12, &twelve))
        return false;
    return money_add(twelve, -annual, per_seat_out);
}

/* ---------------------------------------------------------------- cart */

static json_t *change_json(const struct billing_change *c)
{
    return json_pack("{s:I, s:s, s:s, s:i, s:s}", "subscription_id", (json_int_t)c->subscription_id,
                     "product", c->product, "plan", c->to_plan, "seats", c->to_seats,
                     "period", bc_period_name(c->to_period));
}

static json_t *cart_item_json(const struct store_cart_item *it)
{
    return json_pack("{s:I, s:s, s:s, s:i, s:s, s:I}", "subscription_id",
                     (json_int_t)it->subscription_id, "product", it->product ? it->product : "",
                     "plan", it->to_plan ? it->to_plan : "", "seats", it->to_seats,
                     "period", bc_period_name(it->to_period), "base_version",
                     (json_int_t)it->base_version);
}

/* The account's cart item for a subscription (or, subscription_id 0, for
 * a product the account does not have yet) as JSON, or NULL. */
static json_t *cart_item_of(struct billing *b, int64_t account_id, int64_t subscription_id,
                            const char *product)
{
    struct store_cart cart = {0};
    json_t *j = NULL;
    if (store_cart_get(b->store, account_id, &cart) == BC_OK) {
        for (size_t i = 0; i < cart.n; i++)
            if (cart.items[i].subscription_id == subscription_id &&
                (subscription_id != 0 ||
                 (product && cart.items[i].product && strcmp(cart.items[i].product, product) == 0)))
                j = cart_item_json(&cart.items[i]);
    }
    store_cart_clear(&cart);
    return j;
}

/* Audits and returns `st`; account 0 when it does not exist. */
static enum bc_status audited(struct billing *b, int64_t account_id, bool account_known,
                              const char *action, json_t *before, json_t *after, enum bc_status st)
{
    enum bc_status ast = billing_audit(b, account_known ? account_id : 0, action, before, after, st);
    json_decref(before);
    json_decref(after);
    if (st == BC_OK && ast != BC_OK)
        return ast;
    return st;
}

enum bc_status billing_cart_put(struct billing *b, int64_t account_id, const struct billing_change *change)
{
    struct store_account acct = {0};
    struct billing_rights rights;
    struct billing_quote *q = calloc(1, sizeof *q);
    json_t *before = NULL, *after = change_json(change);
    bool known = false;
    enum bc_status st = q ? BC_OK : BC_NO_MEMORY;
    if (st != BC_OK)
        goto done;
    st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto done;
    known = true;
    before = cart_item_of(b, account_id, change->subscription_id, change->product);
    if (rights.may_change != BC_OK) {
        st = rights.may_change;
        goto done;
    }
    st = billing_quote_changes(b, &acct, change, 1, NULL, NULL, b->today, q);
    if (st != BC_OK)
        goto done;
    if (q->refusal != BC_OK) {
        st = q->refusal;
        goto done;
    }
    struct store_cart_item item = {
        .subscription_id = change->subscription_id,
        .product = q->changes[0].product,
        .to_plan = q->changes[0].to_plan,
        .to_seats = change->to_seats,
        .to_period = change->to_period,
        .base_version = q->versions[0],
    };
    json_decref(after);
    after = cart_item_json(&item);
    st = store_cart_put(b->store, account_id, &item);
done:
    st = audited(b, account_id, known, "cart.put", before, after, st);
    free(q);
    store_account_clear(&acct);
    return st;
}

static enum bc_status cart_remove(struct billing *b, int64_t account_id, int64_t subscription_id,
                                  const char *product)
{
    struct store_account acct = {0};
    struct billing_rights rights;
    json_t *before = NULL;
    bool known = false;
    enum bc_status st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto done;
    known = true;
    before = cart_item_of(b, account_id, subscription_id, product);
    if (rights.may_change != BC_OK) {
        st = rights.may_change;
        goto done;
    }
    if (!before) {
        st = BC_NOT_FOUND;
        goto done;
    }
    st = subscription_id != 0 ? store_cart_remove(b->store, account_id, subscription_id)
                              : store_cart_remove_product(b->store, account_id, product);
done:
    st = audited(b, account_id, known, "cart.remove", before, NULL, st);
    store_account_clear(&acct);
    return st;
}

enum bc_status billing_cart_remove(struct billing *b, int64_t account_id, int64_t subscription_id)
{
    if (subscription_id == 0)
        return BC_INVALID_ARGUMENT;
    return cart_remove(b, account_id, subscription_id, NULL);
}

enum bc_status billing_cart_remove_product(struct billing *b, int64_t account_id, const char *product)
{
    if (!product || !*product)
        return BC_INVALID_ARGUMENT;
    return cart_remove(b, account_id, 0, product);
}

/* ---------------------------------------------------------------- seats and users */

enum bc_status billing_seat_set(struct billing *b, int64_t account_id, int64_t subscription_id,
                                int64_t user_id, bool assigned)
{
    struct store_account acct = {0};
    struct store_subscription sub = {0};
    struct store_seat_list seats = {0};
    struct billing_rights rights;
    bool known = false;
    json_t *before = NULL;
    json_t *after = json_pack("{s:I, s:I, s:b}", "subscription_id", (json_int_t)subscription_id,
                              "user_id", (json_int_t)user_id, "assigned", assigned);
    enum bc_status st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto done;
    known = true;
    if (rights.may_change != BC_OK) {
        st = rights.may_change;
        goto done;
    }
    st = store_subscription_get(b->store, subscription_id, &sub);
    if (st != BC_OK)
        goto done;
    if (sub.account_id != account_id) {
        st = BC_NOT_FOUND;
        goto done;
    }
    st = store_seats(b->store, subscription_id, &seats);
    if (st != BC_OK)
        goto done;
    st = BC_NOT_FOUND;
    for (size_t i = 0; i < seats.n; i++) {
        if (seats.items[i].user_id == user_id) {
            before = json_pack("{s:I, s:I, s:b, s:i, s:i}", "subscription_id",
                               (json_int_t)subscription_id, "user_id", (json_int_t)user_id,
                               "assigned", seats.items[i].assigned, "seats", sub.seats,
                               "seats_assigned", sub.seats_assigned);
            st = BC_OK;
        }
    }
    if (st != BC_OK)
        goto done;
    /* While a seat reduction waits for the renewal, no more seats are
     * assigned than the next period has (SPEC §8). */
    if (assigned && sub.sched_plan && sub.sched_seats < sub.seats &&
        sub.seats_assigned >= sub.sched_seats) {
        st = BC_SEATS_SCHEDULED_LIMIT;
        goto done;
    }
    /* The assignment and its event in one transaction. */
    if ((st = store_begin(b->store)) != BC_OK)
        goto done;
    st = store_seat_set(b->store, subscription_id, user_id, assigned);
    struct store_subscription now = {0};
    int nseats = 0, nassigned = 0;
    if (st == BC_OK && (st = store_subscription_get(b->store, subscription_id, &now)) == BC_OK) {
        nseats = now.seats;
        nassigned = now.seats_assigned;
    }
    store_subscription_clear(&now);
    if (st == BC_OK)
        st = billing_event(b, "seats.changed", account_id, subscription_id,
                           json_pack("{s:I, s:s, s:I, s:b, s:i, s:i}", "subscription_id",
                                     (json_int_t)subscription_id, "product", sub.product,
                                     "user_id", (json_int_t)user_id, "assigned", assigned,
                                     "seats", nseats, "seats_assigned", nassigned));
    if (st == BC_OK)
        st = store_commit(b->store);
    else
        store_rollback(b->store);
done:
    st = audited(b, account_id, known, assigned ? "seat.assign" : "seat.unassign", before, after, st);
    store_seat_list_clear(&seats);
    store_subscription_clear(&sub);
    store_account_clear(&acct);
    return st;
}

enum bc_status billing_user_add(struct billing *b, int64_t account_id, const char *name,
                                const char *email, int64_t *user_id)
{
    struct store_account acct = {0};
    struct billing_rights rights;
    bool known = false;
    json_t *after = json_pack("{s:s, s:s}", "name", name ? name : "", "email", email ? email : "");
    enum bc_status st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto done;
    known = true;
    if (rights.may_change != BC_OK) {
        st = rights.may_change;
        goto done;
    }
    if (!name || !*name || !email || strlen(name) > 200 || strlen(email) > 200) {
        st = BC_INVALID_ARGUMENT;
        goto done;
    }
    if ((st = billing_email_check(email)) != BC_OK)
        goto done;
    struct store_user u = {.account_id = account_id, .name = (char *)name, .email = (char *)email};
    st = store_user_insert(b->store, &u);
    if (st == BC_OK) {
        if (user_id)
            *user_id = u.id;
        json_object_set_new(after, "user_id", json_integer(u.id));
    }
done:
    st = audited(b, account_id, known, "user.add", NULL, after, st);
    store_account_clear(&acct);
    return st;
}

enum bc_status billing_email_check(const char *email)
{
    if (email == NULL || email[0] == '\0')
        return BC_INVALID_EMAIL_AT;
    for (const char *p = email; *p != '\0'; p++)
        if (*p == ' ' || *p == '\t')
            return BC_INVALID_EMAIL_SPACE;
    const char *at = strchr(email, '@');
    if (at == NULL || at == email || strchr(at + 1, '@') != NULL)
        return BC_INVALID_EMAIL_AT;
    const char *domain = at + 1;
    const char *dot = strrchr(domain, '.');
    /* a dot inside the domain, with something on both sides of each dot */
    if (dot == NULL || dot == domain || dot[1] == '\0' || domain[0] == '.'
        || strstr(domain, "..") != NULL)
        return BC_INVALID_EMAIL_DOMAIN;
    return BC_OK;
}

enum bc_status billing_user_remove(struct billing *b, int64_t account_id, int64_t user_id,
                                   int *seats_freed)
{
    struct store_account acct = {0};
    struct store_user_list users = {0};
    struct store_subscription_list subs = {0};
    struct billing_rights rights;
    bool known = false;
    int freed = 0;
    json_t *before = NULL;
    json_t *after = json_pack("{s:I, s:b}", "user_id", (json_int_t)user_id, "removed", 0);
    enum bc_status st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto done;
    known = true;
    if (rights.may_change != BC_OK) {
        st = rights.may_change;
        goto done;
    }
    if ((st = store_users(b->store, account_id, &users)) != BC_OK)
        goto done;
    st = BC_NOT_FOUND;
    for (size_t i = 0; i < users.n; i++)
        if (users.items[i].id == user_id) {
            before = json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)user_id, "name",
                               users.items[i].name ? users.items[i].name : "", "email",
                               users.items[i].email ? users.items[i].email : "");
            st = BC_OK;
        }
    if (st != BC_OK)
        goto done;
    /* The removal and a seats.changed event for each subscription that
     * loses the user's seat, in one transaction (SPEC §8). */
    if ((st = store_begin(b->store)) != BC_OK)
        goto done;
    st = store_subscriptions(b->store, account_id, &subs);
    bool *had = subs.n ? calloc(subs.n, sizeof *had) : NULL;
    if (st == BC_OK && subs.n && !had)
        st = BC_NO_MEMORY;
    for (size_t i = 0; st == BC_OK && i < subs.n; i++) {
        struct store_seat_list seats = {0};
        st = store_seats(b->store, subs.items[i].id, &seats);
        for (size_t k = 0; st == BC_OK && k < seats.n; k++)
            if (seats.items[k].user_id == user_id && seats.items[k].assigned)
                had[i] = true;
        store_seat_list_clear(&seats);
    }
    if (st == BC_OK)
        st = store_user_delete(b->store, account_id, user_id, &freed);
    for (size_t i = 0; st == BC_OK && i < subs.n; i++) {
        if (!had[i])
            continue;
        struct store_subscription now = {0};
        st = store_subscription_get(b->store, subs.items[i].id, &now);
        if (st == BC_OK)
            st = billing_event(b, "seats.changed", account_id, now.id,
                               json_pack("{s:I, s:s, s:I, s:b, s:i, s:i}", "subscription_id",
                                         (json_int_t)now.id, "product", now.product, "user_id",
                                         (json_int_t)user_id, "assigned", 0, "seats", now.seats,
                                         "seats_assigned", now.seats_assigned));
        store_subscription_clear(&now);
    }
    free(had);
    if (st == BC_OK)
        st = store_commit(b->store);
    else
        store_rollback(b->store);
    if (st == BC_OK) {
        json_object_set_new(after, "removed", json_true());
        json_object_set_new(after, "seats_unassigned", json_integer(freed));
        if (seats_freed)
            *seats_freed = freed;
    }
done:
    st = audited(b, account_id, known, "user.remove", before, after, st);
    store_subscription_list_clear(&subs);
    store_user_list_clear(&users);
    store_account_clear(&acct);
    return st;
}

/* ---------------------------------------------------------------- keys */

void billing_new_key(char out[33])
{
    unsigned char raw[16] = {0};
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            abort();   /* no randomness: never hand out a predictable key */
        }
        got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[32] = '\0';
}
