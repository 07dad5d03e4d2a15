/* order.c — placing orders exactly once, and reconciling charges (SPEC §4).
 *
 * The order of things is the contract: rights; a key first used for
 * another request is refused (its fingerprint: account, item or cart, card
 * given and kept, country and VAT number given); a key that already names
 * an order returns that order (nothing charged); quote; refusals, a billing
 * information change not confirmed and stale figures stop here; the key is
 * claimed for this request; when something is due the checkout is written as
 * pending, then charged with the key (outside any write transaction); only
 * an approved charge reaches the one all-or-nothing commit, and a commit
 * that finds the world moved refunds the charge with the same key. A
 * declined card touches no business table. The order's transaction also
 * writes the billing information confirmed at checkout and the card kept
 * on file. `reconcile` finishes what a dead
 * process left between charge and commit: it completes the order when the
 * figures still match the charge, and refunds it otherwise.
 *
 * Every attempt leaves exactly one audit row: the commit writes it for a
 * placed order, every other path appends it here. */
#include "billing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "billing_impl.h"
#include "invoice.h"
#include "payment.h"
#include "vat_check.h"

/* The card a checkout charges. */
struct checkout_card {
    char charge[64];          /* digits, or "on_file:brand:last4" */
    bool is_new;
    struct store_card keep;   /* brand/last4/expiry of a new card */
};

/* The card as a document states it: "visa •••• 4242". */
static const char *card_label(const struct checkout_card *card, char *buf, size_t size)
{
    char brand[16] = "", last4[5] = "";
    if (card->is_new) {
        snprintf(brand, sizeof brand, "%s", card->keep.brand);
        snprintf(last4, sizeof last4, "%s", card->keep.last4);
    } else if (strncmp(card->charge, "on_file:", 8) == 0) {
        const char *b = card->charge + 8, *colon = strchr(b, ':');
        if (colon) {
            snprintf(brand, sizeof brand, "%.*s", (int)(colon - b), b);
            snprintf(last4, sizeof last4, "%s", colon + 1);
        }
    }
    if (!brand[0] || !last4[0])
        return NULL;
    snprintf(buf, size, "%s •••• %s", brand, last4);
    return buf;
}

/* ---------------------------------------------------------------- JSON */

static json_t *changes_json(const struct billing_quote *q)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < q->n; i++) {
        const struct billing_change *c = &q->changes[i];
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:i, s:s, s:I}",
            "subscription_id", (json_int_t)c->subscription_id, "product", c->product,
            "plan", c->to_plan, "seats", c->to_seats, "period", bc_period_name(c->to_period),
            "version", (json_int_t)q->versions[i]));
    }
    return arr;
}

/* What the attempt asked for and was quoted, for audit rows. */
static json_t *attempt_json(const char *key, const struct billing_quote *q)
{
    json_t *j = json_pack("{s:s, s:s}", "key", key ? key : "", "currency", q->currency);
    if (!j)
        return NULL;
    json_object_set_new(j, "changes", changes_json(q));
    json_object_set_new(j, "total_minor", json_integer(q->totals.total));
    json_object_set_new(j, "due_minor", json_integer(q->totals.due));
    json_object_set_new(j, "balance_after_minor", json_integer(q->totals.balance_after));
    return j;
}

/* The pending checkout's request: enough for reconcile to finish it. */
static char *request_text(struct billing *b, const struct billing_quote *q, const char *country,
                          const char *vat_number, const struct checkout_card *card, bool save_card,
                          const struct store_vat_check *vat_check)
{
    char day[11];
    date_format(b->today, day);
    json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:I, s:s}",
        "day", day, "currency", q->currency, "due_minor", (json_int_t)q->totals.due,
        "total_minor", (json_int_t)q->totals.total, "balance_minor", (json_int_t)q->balance,
        "actor_kind", b->actor.kind == BILLING_ACTOR_CONTACT ? "contact" : "operator",
        "actor", b->actor.name, "contact_id", (json_int_t)b->actor.contact_id,
        "origin", b->actor.origin);
    if (!j)
        return NULL;
    json_object_set_new(j, "changes", changes_json(q));
    /* Names this attempt: at commit the checkout must still be its own. */
    char attempt[33];
    billing_new_key(attempt);
    json_object_set_new(j, "attempt", json_string(attempt));
    json_object_set_new(j, "country", country ? json_string(country) : json_null());
    json_object_set_new(j, "vat_number", vat_number ? json_string(vat_number) : json_null());
    json_t *evidence = billing_vat_check_json(vat_check);
    if (evidence)
        json_object_set_new(j, "vat_check", evidence);
    char label[40];
    const char *shown = card ? card_label(card, label, sizeof label) : NULL;
    if (shown)
        json_object_set_new(j, "card_label", json_string(shown));
    if (card && card->is_new && save_card)
        json_object_set_new(j, "save_card", json_pack("{s:s, s:s, s:i, s:i}",
            "brand", card->keep.brand, "last4", card->keep.last4,
            "exp_month", card->keep.exp_month, "exp_year", card->keep.exp_year));
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return text;
}

/* ---------------------------------------------------------------- the commit */

static enum store_line_kind line_kind(enum quote_line_kind k)
{
    switch (k) {
    case QUOTE_LINE_CREDIT: return STORE_LINE_CREDIT;
    case QUOTE_LINE_TAX: return STORE_LINE_TAX;
    default: return STORE_LINE_CHARGE;
    }
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

/* The order row from the quote, with room for all of its lines (none
 * filled yet). */
static enum bc_status order_from_quote(struct billing *b, int64_t account_id,
                                       const struct billing_quote *q, const char *key,
                                       const char *payment_ref, const char *actor,
                                       struct store_order *order)
{
    size_t nlines = 0;
    for (size_t i = 0; i < q->n; i++)
        nlines += q->items[i].nlines;
    order->lines = calloc(nlines ? nlines : 1, sizeof *order->lines);
    if (!order->lines)
        return BC_NO_MEMORY;
    order->account_id = account_id;
    order->idempotency_key = strdup(key);
    order->actor = strdup(actor);
    order->payment_ref = payment_ref && *payment_ref ? strdup(payment_ref) : NULL;
    if (!order->idempotency_key || !order->actor ||
        (payment_ref && *payment_ref && !order->payment_ref))
        return BC_NO_MEMORY;
    snprintf(order->currency, sizeof order->currency, "%s", q->currency);
    order->day = b->today;
    order->created_at = (int64_t)time(NULL);
    order->subtotal = q->totals.subtotal;
    order->tax = q->totals.tax;
    order->total = q->totals.total;
    order->balance_applied = q->totals.balance_applied;
    order->due = q->totals.due;
    order->balance_after = q->totals.balance_after;
    return BC_OK;
}

/* Appends the quote item's lines to the order, moving from the
 * subscription as it stands (`sub`) to the change. */
static enum bc_status append_lines(const struct billing_change *c, const struct quote_item *it,
                                   const struct store_subscription *sub, struct store_order *order)
{
    for (size_t k = 0; k < it->nlines; k++) {
        struct store_order_line *l = &order->lines[order->nlines++];
        l->subscription_id = c->subscription_id;
        l->product = dup_or_empty(c->product);
        l->plan_from = dup_or_empty(sub->plan);
        l->plan_to = dup_or_empty(c->to_plan);
        if (!l->product || !l->plan_from || !l->plan_to)
            return BC_NO_MEMORY;
        l->seats_from = sub->seats;
        l->seats_to = c->to_seats;
        /* A new subscription comes from nothing: no plan, no seats. */
        l->period_from = c->subscription_id == 0 ? c->to_period : sub->period;
        l->period_to = c->to_period;
        l->kind = line_kind(it->lines[k].kind);
        l->amount = it->lines[k].amount;
        l->from = it->lines[k].from;
        l->to = it->lines[k].to;
        l->reverse_charge = it->lines[k].reverse_charge;
    }
    return BC_OK;
}

/* The subscription row the order leaves behind for quote item `i`. The
 * price per seat is kept so that a later quote can credit what was paid. */
static enum bc_status sub_change_of(struct billing *b, const struct billing_quote *q, size_t i,
                                    struct store_sub_change *out)
{
    const struct billing_change *c = &q->changes[i];
    const struct quote_item *it = &q->items[i];
    int64_t price = 0;
    if (it->charge > 0 && c->to_seats > 0) {
        const struct catalog_product *prod = catalog_product(b->catalog, c->product);
        const struct catalog_plan *plan = prod ? catalog_plan(prod, c->to_plan) : NULL;
        if (!plan || !catalog_price(b->catalog, plan, q->currency, c->to_period, &price))
            return BC_NOT_FOUND;
    }
    *out = (struct store_sub_change){
        .subscription_id = c->subscription_id,
        .expect_version = q->versions[i],
        .plan = c->to_plan,
        .seats = c->to_seats,
        .period = c->to_period,
        .period_start = it->period_start,
        .period_end = it->period_end,
        .item_start = it->item_start,
        .anchor_day = it->anchor_day,
        .billed = it->charge,
        .price = price,
        .product = c->subscription_id == 0 ? c->product : NULL,
        .trial = c->subscription_id == 0 && q->trials[i],
    };
    return BC_OK;
}

/* Writes the quoted order in one transaction (store_order_place), with the
 * versions and balance it was quoted on, settling the key's checkout in the
 * same transaction: a paid order needs its checkout (`checkout`: the
 * request it was opened with) still open as this attempt wrote it (it is
 * marked 'ordered' with the order); an order with nothing due (`checkout`
 * NULL) writes no checkout at all. On success *order_id is set; *replayed
 * when the key already had an order (nothing written). */
/* What an order changes besides subscriptions and balance, in its own
 * transaction: the billing information given at checkout (confirmed) and
 * the card the person asked to keep. NULL fields: nothing. */
struct order_effects {
    const char *country;                /* NULL: keep */
    const char *vat_number;             /* NULL: keep; "": clear */
    const struct store_card *keep;      /* NULL: the card on file stays */
    const char *card;                   /* the card charged, for the document; NULL: none */
    const struct store_vat_check *vat_check;   /* the VAT number's evidence; NULL: none */
    /* Not NULL: the key is claimed for this request inside the order's
     * transaction (an order with nothing to charge); *claim_first is the
     * first order when another request holds it. */
    const char *claim_fingerprint;
    int64_t *claim_first;
};

/* What commit_order says of the order's fiscal document. */
struct order_doc_out {
    char number[STORE_DOC_NUMBER_MAX + 1];   /* "" when none was written */
    bool credit_note;
    char why[256];                           /* why it could not be made */
};

static json_t *card_json(const struct store_card *c)
{
    return c ? json_pack("{s:s, s:s, s:i, s:i}", "brand", c->brand, "last4", c->last4,
                         "exp_month", c->exp_month, "exp_year", c->exp_year)
             : json_null();
}

/* Inside the order's transaction: reads what `fx` would change, adds its
 * before/after to the order's audit row, and says what to write. */
static enum bc_status effects_plan(struct billing *b, int64_t account_id, const struct order_effects *fx,
                                   json_t *before, json_t *after, bool *set_vat, char country[3],
                                   char **vat_number, bool *set_card)
{
    *set_vat = *set_card = false;
    *vat_number = NULL;
    if (!fx)
        return BC_OK;
    if (fx->country || fx->vat_number) {
        struct store_account acct = {0};
        enum bc_status st = store_account_get(b->store, account_id, &acct);
        if (st != BC_OK)
            return st;
        const char *vn = fx->vat_number ? (*fx->vat_number ? fx->vat_number : NULL) : acct.vat_number;
        snprintf(country, 3, "%s", fx->country ? fx->country : acct.country);
        *set_vat = strcmp(country, acct.country) != 0 ||
                   strcmp(vn ? vn : "", acct.vat_number ? acct.vat_number : "") != 0;
        if (*set_vat) {
            json_object_set_new(before, "billing_info", json_pack("{s:s, s:o}", "country", acct.country,
                "vat_number", acct.vat_number ? json_string(acct.vat_number) : json_null()));
            json_object_set_new(after, "billing_info", json_pack("{s:s, s:o}", "country", country,
                "vat_number", vn ? json_string(vn) : json_null()));
            *vat_number = vn ? strdup(vn) : NULL;
        }
        store_account_clear(&acct);
        if (*set_vat && vn && !*vat_number)
            return BC_NO_MEMORY;
    }
    if (fx->keep) {
        struct store_card old;
        memset(&old, 0, sizeof old);
        enum bc_status st = store_card_get(b->store, account_id, &old);
        if (st != BC_OK && st != BC_NOT_FOUND)
            return st;
        *set_card = true;
        json_object_set_new(before, "card_on_file", card_json(st == BC_OK ? &old : NULL));
        json_object_set_new(after, "card_on_file", card_json(fx->keep));
    }
    return BC_OK;
}

/* The events of a placed order (SPEC §8), in its transaction: the order,
 * then each subscription it changed (created, when it was a trial that
 * ended or a canceled subscription). */
static enum bc_status order_events(struct billing *b, const struct store_order *o,
                                   const struct billing_quote *q,
                                   const struct store_subscription *subs, const int64_t *new_ids)
{
    json_t *items = json_array();
    for (size_t i = 0; items && i < q->n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s}", "subscription_id",
            (json_int_t)(q->changes[i].subscription_id ? q->changes[i].subscription_id
                                                       : new_ids[i]),
            "product", q->changes[i].product));
    enum bc_status st = billing_event(b, "order.placed", o->account_id, 0,
        json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "order_id", (json_int_t)o->id,
                  "kind", "change", "key", o->idempotency_key, "currency", o->currency,
                  "total_minor", (json_int_t)o->total, "balance_applied_minor",
                  (json_int_t)o->balance_applied, "due_minor", (json_int_t)o->due,
                  "balance_after_minor", (json_int_t)o->balance_after,
                  "subscriptions", items ? items : json_array()));
    for (size_t i = 0; st == BC_OK && i < q->n; i++) {
        const struct billing_change *c = &q->changes[i];
        const struct quote_item *it = &q->items[i];
        char d0[11], d1[11];
        date_format(it->period_start, d0);
        date_format(it->period_end, d1);
        bool added = c->subscription_id == 0;
        bool created = added || subs[i].status == STORE_SUB_TRIAL_ENDED ||
                       subs[i].status == STORE_SUB_CANCELED;
        int64_t sid = added ? new_ids[i] : c->subscription_id;
        json_t *payload = json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:I}", "subscription_id",
                      (json_int_t)sid, "product", c->product, "plan", c->to_plan,
                      "seats", c->to_seats, "period", bc_period_name(c->to_period),
                      "period_start", d0, "period_end", d1, "order_id", (json_int_t)o->id);
        if (payload && added)
            json_object_set_new(payload, "trial", json_boolean(q->trials[i]));
        st = billing_event(b, created ? "subscription.created" : "subscription.changed",
            o->account_id, sid, payload);
    }
    return st;
}

static enum bc_status commit_order(struct billing *b, int64_t account_id, const struct billing_quote *q,
                                   const char *key, const char *payment_ref, const char *checkout,
                                   const struct order_effects *fx, int64_t *order_id, bool *replayed,
                                   struct order_doc_out *doc_out, int64_t *created_ids)
{
    int64_t new_ids[BILLING_MAX_ITEMS] = {0};
    struct store_account doc_acct = {0};
    struct billing_doc doc;
    memset(&doc, 0, sizeof doc);
    if (doc_out)
        memset(doc_out, 0, sizeof *doc_out);
    enum bc_status st = BC_NO_MEMORY;
    struct store_order order = {0};
    struct store_subscription *subs = calloc(q->n ? q->n : 1, sizeof *subs);
    struct store_sub_change *changes = calloc(q->n ? q->n : 1, sizeof *changes);
    json_t *before = json_array(), *after = attempt_json(key, q);
    char *before_s = NULL, *after_s = NULL, *vat_number = NULL;
    char actor[300], country[3] = "";
    bool in_tx = false, set_vat = false, set_card = false;
    *order_id = 0;
    *replayed = false;
    if (!subs || !changes || !before || !after)
        goto done;

    billing_actor_name(b, actor, sizeof actor);
    st = order_from_quote(b, account_id, q, key, payment_ref, actor, &order);
    if (st != BC_OK)
        goto done;
    if (fx && fx->vat_check && fx->vat_check->present) {
        order.vat_check = *fx->vat_check;
        json_t *evidence = billing_vat_check_json(fx->vat_check);
        if (evidence)
            json_object_set_new(after, "vat_check", evidence);
    }
    if (q->n > BILLING_MAX_ITEMS) {
        st = BC_INVALID_ARGUMENT;
        goto done;
    }
    for (size_t i = 0; i < q->n; i++) {
        if (q->changes[i].subscription_id == 0) {
            /* A product the account does not have: the order creates it. */
            json_array_append_new(before, json_pack("{s:n, s:s}", "subscription_id",
                                                    "product", q->changes[i].product));
            st = append_lines(&q->changes[i], &q->items[i], &subs[i], &order);
            if (st == BC_OK)
                st = sub_change_of(b, q, i, &changes[i]);
            if (st != BC_OK)
                goto done;
            changes[i].new_id = &new_ids[i];
            continue;
        }
        st = store_subscription_get(b->store, q->changes[i].subscription_id, &subs[i]);
        if (st != BC_OK)
            goto done;
        if (subs[i].version != q->versions[i]) {
            st = BC_STALE_QUOTE;
            goto done;
        }
        json_array_append_new(before, json_pack("{s:I, s:s, s:s, s:i, s:s, s:I}",
            "subscription_id", (json_int_t)subs[i].id, "product", subs[i].product,
            "plan", subs[i].plan, "seats", subs[i].seats, "period", bc_period_name(subs[i].period),
            "version", (json_int_t)subs[i].version));
        st = append_lines(&q->changes[i], &q->items[i], &subs[i], &order);
        if (st == BC_OK)
            st = sub_change_of(b, q, i, &changes[i]);
        if (st != BC_OK)
            goto done;
        /* Subscribe now: a new subscription, which renews. */
        changes[i].renewal = subs[i].status == STORE_SUB_TRIAL_ENDED ||
                             subs[i].status == STORE_SUB_CANCELED;
    }
    json_t *wrap = json_pack("{s:o, s:I}", "subscriptions", before, "balance_minor",
                             (json_int_t)q->balance);
    before = NULL;
    if (!wrap) {
        st = BC_NO_MEMORY;
        goto done;
    }
    /* One transaction for the order and what it changes besides: the
     * billing information and the card are read and written inside it. */
    st = store_begin(b->store);
    if (st != BC_OK) {
        json_decref(wrap);
        goto done;
    }
    in_tx = true;
    if (fx && fx->claim_fingerprint) {
        enum store_key_claim claim;
        int64_t first = 0;
        st = store_key_claim(b->store, key, account_id, fx->claim_fingerprint, true, &claim,
                             &first);
        if (st == BC_OK && claim == STORE_CLAIM_OTHER) {
            if (fx->claim_first)
                *fx->claim_first = first;
            st = BC_IDEMPOTENCY_KEY_REUSED;
        }
        if (st != BC_OK) {
            json_decref(wrap);
            goto done;
        }
    }
    st = effects_plan(b, account_id, fx, wrap, after, &set_vat, country, &vat_number, &set_card);
    before_s = json_dumps(wrap, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(wrap);
    if (st != BC_OK)
        goto done;
    after_s = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    if (!before_s || !after_s) {
        st = BC_NO_MEMORY;
        goto done;
    }
    struct store_audit_entry audit = {
        .at = order.created_at,
        .actor = actor,
        .origin = b->actor.origin[0] ? b->actor.origin : "local",
        .account_id = account_id,
        .action = "order.place",
        .before = before_s,
        .after = after_s,
        .result = bc_status_code(BC_OK),
    };
    /* The order's fiscal document, from the account as this transaction
     * reads it and the billing information the order confirms. */
    st = store_account_get(b->store, account_id, &doc_acct);
    if (st == BC_OK)
        st = billing_doc_prepare(b, &doc_acct, fx ? fx->country : NULL, fx ? fx->vat_number : NULL,
                                 &order, &q->vat, fx ? fx->card : NULL, &doc);
    if (st != BC_OK)
        goto done;
    enum store_key_state ks = STORE_KEY_FREE;
    st = store_order_place_doc(b->store, &order, changes, q->n, q->balance, &audit, checkout,
                               billing_doc_issue(&doc), &ks);
    *replayed = st == BC_OK && ks == STORE_KEY_ORDERED;
    if (st == BC_OK && !*replayed)
        st = order_events(b, &order, q, subs, new_ids);
    struct store_doc_issue *issued = billing_doc_issue(&doc);
    if (st == BC_OK && !*replayed && issued)
        st = billing_event(b, issued->kind == STORE_DOC_CREDIT_NOTE ? "credit_note.issued"
                                                                  : "invoice.issued",
                           account_id, 0,
                           json_pack("{s:s, s:I, s:I, s:s}", "number", issued->number,
                                     "order_id", (json_int_t)order.id,
                                     "total_minor", (json_int_t)order.total,
                                     "currency", order.currency));
    if (doc_out && st != BC_OK && doc.why[0])
        snprintf(doc_out->why, sizeof doc_out->why, "%s", doc.why);
    if (st == BC_OK && !*replayed && set_vat)
        st = store_account_set_vat(b->store, account_id, vat_number, country);
    if (st == BC_OK && !*replayed && set_card)
        st = store_card_set(b->store, account_id, fx->keep);
    if (st == BC_OK)
        st = store_commit(b->store);
    if (st == BC_OK) {
        in_tx = false;
        *order_id = order.id;
        if (created_ids && !*replayed)
            memcpy(created_ids, new_ids, q->n * sizeof *new_ids);
        if (doc_out && !*replayed) {
            snprintf(doc_out->number, sizeof doc_out->number, "%s", doc.issue.number);
            doc_out->credit_note = doc.issue.kind == STORE_DOC_CREDIT_NOTE;
        }
    } else {
        *replayed = false;
    }

done:
    if (in_tx)
        store_rollback(b->store);
    billing_doc_clear(&doc);
    store_account_clear(&doc_acct);
    free(vat_number);
    for (size_t i = 0; subs && i < q->n; i++)
        store_subscription_clear(&subs[i]);
    free(subs);
    free(changes);
    store_order_clear(&order);
    json_decref(before);
    json_decref(after);
    free(before_s);
    free(after_s);
    return st;
}

/* Fills the result from the order a key names. */
static enum bc_status result_from_order(struct billing *b, int64_t account_id, const char *key,
                                        struct billing_result *result)
{
    struct store_order o = {0};
    enum bc_status st = store_order_by_key(b->store, key, &o);
    if (st == BC_OK && o.account_id != account_id)
        st = BC_INVALID_ARGUMENT;   /* the key belongs to another account's order */
    if (st == BC_OK) {
        result->order_id = o.id;
        result->due = o.due;
        result->balance_after = o.balance_after;
        result->replayed = true;
        result->vat_check = o.vat_check;
        /* Its document, if it has one (orders before schema 7 have none). */
        struct store_document d;
        enum bc_status dst = store_document_by_order(b->store, o.id, &d);
        if (dst == BC_OK) {
            snprintf(result->document, sizeof result->document, "%s", d.number);
            result->document_credit_note = d.kind == STORE_DOC_CREDIT_NOTE;
        } else if (dst != BC_NOT_FOUND) {
            st = dst;
        }
        store_document_clear(&d);
    }
    store_order_clear(&o);
    return st;
}

/* ---------------------------------------------------------------- place */

static enum bc_status choose_card(struct billing *b, int64_t account_id,
                                  const struct billing_payment *pay, struct checkout_card *card)
{
    int y, m, d;
    date_to_civil(b->today, &y, &m, &d);
    memset(card, 0, sizeof *card);
    if (pay && pay->card_number && *pay->card_number) {
        char digits[24];
        if (!card_normalise(pay->card_number, digits, sizeof digits) || !card_luhn_ok(digits))
            return BC_INVALID_CARD;
        int em, ey;
        if (!pay->card_expiry || !card_parse_expiry(pay->card_expiry, &em, &ey))
            return BC_INVALID_ARGUMENT;
        if (!card_expiry_ok(em, ey, y, m))
            return BC_CARD_EXPIRED;
        snprintf(card->charge, sizeof card->charge, "%s", digits);
        card->is_new = true;
        snprintf(card->keep.brand, sizeof card->keep.brand, "%s", card_brand(digits));
        snprintf(card->keep.last4, sizeof card->keep.last4, "%s", digits + strlen(digits) - 4);
        card->keep.exp_month = em;
        card->keep.exp_year = ey;
        return BC_OK;
    }
    struct store_card onfile;
    memset(&onfile, 0, sizeof onfile);
    enum bc_status st = store_card_get(b->store, account_id, &onfile);
    if (st == BC_NOT_FOUND)
        return BC_PAYMENT_REQUIRED;
    if (st != BC_OK)
        return st;
    if (!card_expiry_ok(onfile.exp_month, onfile.exp_year, y, m))
        return BC_CARD_EXPIRED;
    snprintf(card->charge, sizeof card->charge, "on_file:%s:%s", onfile.brand, onfile.last4);
    return BC_OK;
}

enum bc_status billing_choose_card(struct billing *b, int64_t account_id,
                                   const struct billing_payment *pay, char *charge, size_t size)
{
    struct checkout_card card;
    enum bc_status st = choose_card(b, account_id, pay, &card);
    if (st == BC_OK)
        snprintf(charge, size, "%s", card.charge);
    return st;
}

/* An order holds the key. When it was placed with nothing due, a charge
 * under the key is not its payment: an attempt for figures that moved
 * charged it after the checkout was given back, and it goes back now. A
 * paid order's payment is the key's charge (a repeated key is the same
 * charge) and stays. BC_PAYMENT_UNCONFIRMED when a refund was not confirmed. */
static enum bc_status refund_stray_charge(struct billing *b, const char *key, const char *currency)
{
    struct store_order o = {0};
    enum bc_status st = store_order_by_key(b->store, key, &o);
    bool paid = st == BC_OK && o.payment_ref != NULL;
    char cur[4];
    snprintf(cur, sizeof cur, "%s", st == BC_OK ? o.currency : currency);
    store_order_clear(&o);
    if (st != BC_OK || paid || !b->processor)
        return st;
    int64_t charged = 0;
    switch (payment_status(b->processor, key, &charged, NULL, 0)) {
    case PAYMENT_DECLINED:
        return BC_OK;
    case PAYMENT_UNKNOWN:
        return BC_PAYMENT_UNCONFIRMED;
    case PAYMENT_APPROVED:
        break;
    }
    struct payment_request r = {.key = key, .amount = charged, .currency = cur, .card = NULL};
    return payment_refund(b->processor, &r) == PAYMENT_APPROVED ? BC_OK : BC_PAYMENT_UNCONFIRMED;
}

/* Gives back whatever is charged under the key, unless an order holds it:
 * first the claim (store_pending_claim_refund: one transaction that finds
 * no order under the key and marks its checkout 'refunding', after which
 * no order commits under it), then the refund with the same key (a refund
 * of a key with nothing charged is harmless), then 'refunded'. `amount` <= 0:
 * the checkout's own. BC_OK with *ordered when an order holds the key
 * (only a charge that order did not take is refunded); BC_PAYMENT_UNCONFIRMED when the processor did not
 * confirm the refund (the checkout stays 'refunding' for reconcile). */
static enum bc_status release_key(struct billing *b, const char *key, int64_t amount,
                                  const char *currency, bool *ordered)
{
    enum store_key_state ks = STORE_KEY_FREE;
    int64_t pending_amount = -1;
    char cur[4] = "";
    *ordered = false;
    enum bc_status st = store_pending_claim_refund(b->store, key, &ks, &pending_amount, cur);
    if (st != BC_OK)
        return st;
    if (ks == STORE_KEY_ORDERED) {
        *ordered = true;
        return refund_stray_charge(b, key, currency);
    }
    if (pending_amount < 0 && amount <= 0)
        return BC_OK;   /* no checkout: nothing was ever charged under the key */
    struct payment_request r = {.key = key, .amount = amount > 0 ? amount : pending_amount,
                                .currency = cur[0] ? cur : currency, .card = NULL};
    if (!b->processor || payment_refund(b->processor, &r) != PAYMENT_APPROVED)
        return BC_PAYMENT_UNCONFIRMED;
    store_pending_refunded(b->store, key);
    return BC_OK;
}

/* The order a key names, as this attempt's replayed result. */
static enum bc_status replay_of(struct billing *b, int64_t account_id, const char *key,
                                struct billing_result *result, json_t **after)
{
    enum bc_status st = result_from_order(b, account_id, key, result);
    if (st == BC_OK) {
        json_decref(*after);
        *after = json_pack("{s:s, s:I, s:b}", "key", key, "order_id", (json_int_t)result->order_id,
                           "replayed", 1);
    }
    return st;
}

/* A charge under the key that is not for these figures (another attempt's,
 * live or dead): released unless that attempt's order already holds the
 * key (*ordered: it is this attempt's answer). */
static enum bc_status release_other_charge(struct billing *b, const char *key, int64_t charged,
                                           const char *currency, bool *ordered,
                                           const char **note)
{
    enum bc_status st = release_key(b, key, charged, currency, ordered);
    if (*ordered)
        return BC_OK;
    *note = "a charge under this key was for other figures: refunded";
    return st == BC_OK ? BC_STALE_QUOTE : st;
}

enum bc_status billing_release_key(struct billing *b, const char *key, int64_t amount,
                                   const char *currency, bool *ordered)
{
    return release_key(b, key, amount, currency, ordered);
}

const char billing_note_key_contended[] = "another attempt with this key was giving its charge back";

static enum bc_status charge_key(struct billing *b, int64_t account_id, const char *key,
                                 int64_t due, const char *currency, const char *card,
                                 const char *request, const char *fingerprint,
                                 int64_t *first_order, char *reference, size_t refsize,
                                 bool *ordered, const char **note);

enum bc_status billing_charge_key(struct billing *b, int64_t account_id, const char *key,
                                  int64_t due, const char *currency, const char *card,
                                  const char *request, char *reference, size_t refsize,
                                  bool *ordered, const char **note)
{
    return charge_key(b, account_id, key, due, currency, card, request, NULL, NULL, reference,
                      refsize, ordered, note);
}

/* billing_charge_key, also claiming the key for `fingerprint` (when not
 * NULL) in the commit that opens its checkout, before the card is charged:
 * BC_IDEMPOTENCY_KEY_REUSED with *first_order when the key was first used
 * for another request (nothing written or charged). */
static enum bc_status charge_key(struct billing *b, int64_t account_id, const char *key,
                                 int64_t due, const char *currency, const char *card,
                                 const char *request, const char *fingerprint,
                                 int64_t *first_order, char *reference, size_t refsize,
                                 bool *ordered, const char **note)
{
    *ordered = false;
    *note = NULL;
    if (!b->processor)
        return BC_PAYMENT_ERROR;
    int64_t charged = 0;
    bool have_charge = false;
    if (payment_status(b->processor, key, &charged, reference, refsize) == PAYMENT_APPROVED) {
        /* A charge under a key another request claimed is that request's
         * (its claim was committed before its charge): never touched here. */
        enum store_key_claim claim = STORE_CLAIM_NEW;
        int64_t first = 0;
        enum bc_status kst = fingerprint ? store_key_claim(b->store, key, account_id, fingerprint,
                                                           false, &claim, &first)
                                         : BC_OK;
        if (kst != BC_OK)
            return kst;
        if (claim == STORE_CLAIM_OTHER) {
            *first_order = first;
            return BC_IDEMPOTENCY_KEY_REUSED;
        }
        if (charged != due)
            return release_other_charge(b, key, charged, currency, ordered, note);
        have_charge = true;   /* an attempt that died before its commit: reuse its charge */
    }
    enum store_key_state ks = STORE_KEY_FREE;
    int64_t prior = -1;
    enum store_key_claim claim = STORE_CLAIM_NEW;
    int64_t first = 0;
    enum bc_status st = store_pending_open_claim(b->store, key, account_id, due, currency, request,
                                                 fingerprint, &claim, &first, &ks, &prior);
    if (st != BC_OK)
        return st;
    if (claim == STORE_CLAIM_OTHER) {
        *first_order = first;
        return BC_IDEMPOTENCY_KEY_REUSED;
    }
    if (ks == STORE_KEY_ORDERED) {
        *ordered = true;
        return BC_OK;
    }
    if (ks == STORE_KEY_REFUNDING) {
        /* Another attempt is giving back a charge under this key right now. */
        *note = billing_note_key_contended;
        return BC_PAYMENT_UNCONFIRMED;
    }
    /* Once this checkout is open nobody can start a refund of the key
     * without closing it, so what the processor holds from now on is what
     * this order would be paid with: only a charge of this amount is kept. */
    if (have_charge) {
        /* The charge seen above may have been refunded since. */
        switch (payment_status(b->processor, key, &charged, reference, refsize)) {
        case PAYMENT_APPROVED:
            if (charged != due)
                return release_other_charge(b, key, charged, currency, ordered, note);
            return BC_OK;
        case PAYMENT_DECLINED:
            break;   /* nothing charged any more: charge afresh */
        case PAYMENT_UNKNOWN:
            return BC_PAYMENT_UNCONFIRMED;
        }
    }
    struct payment_request r = {.key = key, .amount = due, .currency = currency, .card = card};
    switch (payment_charge(b->processor, &r, reference, refsize)) {
    case PAYMENT_APPROVED:
        break;
    case PAYMENT_DECLINED:
        store_pending_decline(b->store, key, request);
        return BC_PAYMENT_DECLINED;   /* `reference` holds the reason */
    case PAYMENT_UNKNOWN:
        return BC_PAYMENT_UNCONFIRMED;
    }
    if (prior >= 0) {
        /* The key had a checkout before this attempt's: an earlier attempt
         * may have been charging it, and the processor then answers with
         * that attempt's charge (a repeated key is the same charge). */
        switch (payment_status(b->processor, key, &charged, reference, refsize)) {
        case PAYMENT_APPROVED:
            if (charged == due)
                break;
            return release_other_charge(b, key, charged, currency, ordered, note);
        case PAYMENT_DECLINED:
            /* That attempt gave its charge back after ours was answered. */
            *note = billing_note_key_contended;
            return BC_PAYMENT_UNCONFIRMED;
        case PAYMENT_UNKNOWN:
            return BC_PAYMENT_UNCONFIRMED;
        }
    }
    return BC_OK;
}

/* A fresh quote into result->quote after the world moved. */
static void requote(struct billing *b, const struct store_account *old, const struct billing_change *changes,
                    size_t n, const char *country, const char *vat_number, struct billing_result *result)
{
    struct store_account acct = {0};
    if (store_account_get(b->store, old->id, &acct) == BC_OK)
        billing_quote_changes(b, &acct, changes, n, country, vat_number, b->today, &result->quote);
    store_account_clear(&acct);
}

/* Takes `due` for the quote in result->quote before anything is written:
 * the card, then the pending checkout (*checkout: its request, this
 * attempt's identity at commit; the caller frees it), then the charge under
 * the key (billing_charge_key). BC_OK with the charge approved and its
 * reference in `reference`, or with result->replayed when another
 * attempt's order owns the key; any other status ends the attempt. */
/* The key was first used for another request (its order `first`, 0 when
 * none): the attempt's refusal, and its audit row's "after". */
static enum bc_status key_reused(const char *key, int64_t first, struct billing_result *result,
                                 json_t **after)
{
    result->first_order_id = first;
    result->quote.refusal = BC_IDEMPOTENCY_KEY_REUSED;
    json_decref(*after);
    *after = json_pack("{s:s, s:I, s:s}", "key", key, "first_order_id", (json_int_t)first,
                       "reason", "the key was first used for another request");
    return BC_IDEMPOTENCY_KEY_REUSED;
}

static enum bc_status key_for_request(struct billing *b, int64_t account_id, const char *key,
                                      const char *fingerprint, bool write,
                                      struct billing_result *result, json_t **after);

static enum bc_status charge_due(struct billing *b, int64_t account_id, const char *key,
                                 const char *fingerprint, int64_t due, const char *currency,
                                 const struct billing_payment *pay,
                                 const struct billing_vat_override *vat,
                                 struct billing_result *result, json_t **after,
                                 struct checkout_card *card, char *reference, size_t refsize,
                                 char **checkout)
{
    enum bc_status st = choose_card(b, account_id, pay, card);
    if (st == BC_OK && !b->processor)
        st = BC_PAYMENT_ERROR;
    if (st != BC_OK) {
        /* Refused before any checkout: the key is still this request's
         * (its own commit, on this path only), or another's first. */
        enum bc_status kst = key_for_request(b, account_id, key, fingerprint, true, result, after);
        return kst != BC_OK ? kst : st;
    }
    char *request = request_text(b, &result->quote, vat->country, vat->vat_number, card,
                                 pay && pay->save_card, &result->vat_check);
    if (!request)
        return BC_NO_MEMORY;
    *checkout = request;
    bool ordered = false;
    const char *note = NULL;
    int64_t first = 0;
    st = charge_key(b, account_id, key, due, currency, card->charge, request, fingerprint, &first,
                    reference, refsize, &ordered, &note);
    if (st == BC_IDEMPOTENCY_KEY_REUSED)
        return key_reused(key, first, result, after);
    if (ordered)
        return replay_of(b, account_id, key, result, after);
    if (note && *after)
        json_object_set_new(*after, "reason", json_string(note));
    if (st == BC_PAYMENT_DECLINED) {
        snprintf(result->decline_reason, sizeof result->decline_reason, "%s", reference);
        reference[0] = '\0';
    }
    return st;
}

/* What the request asks for, to bind its key to: the account, the item
 * (a cart checkout is "the cart": its items become the order's), whether a
 * card is given and kept, and the country and VAT number given (normalised
 * when they check out). Never the card number. Caller frees. */
static char *request_fingerprint(int64_t account_id, const struct billing_change *change,
                                 const struct billing_payment *pay,
                                 const struct billing_vat_override *vat, bool vat_ok)
{
    json_t *j = json_pack("{s:I}", "account", (json_int_t)account_id);
    if (!j)
        return NULL;
    if (change)
        json_object_set_new(j, "item", json_pack("{s:I, s:s, s:s, s:i, s:s}",
            "subscription_id", (json_int_t)change->subscription_id, "product", change->product,
            "plan", change->to_plan, "seats", change->to_seats,
            "period", bc_period_name(change->to_period)));
    else
        json_object_set_new(j, "item", json_string("cart"));
    bool card = pay && pay->card_number && *pay->card_number;
    json_object_set_new(j, "card_given", json_boolean(card));
    json_object_set_new(j, "save_card", json_boolean(card && pay->save_card));
    const char *country = vat_ok ? vat->country : pay ? pay->country : NULL;
    const char *number = vat_ok ? vat->vat_number : pay ? pay->vat_number : NULL;
    if (country && !*country)
        country = NULL;
    json_object_set_new(j, "country", country ? json_string(country) : json_null());
    json_object_set_new(j, "vat_number", number ? json_string(number) : json_null());
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return text;
}

/* The evidence of the VAT number quote `q` relies on, in result->vat_check:
 * a reverse charge rests on the customer's VAT number, and a number given
 * at checkout becomes the account's; otherwise there is none to check.
 * BC_VAT_NUMBER_REJECTED when VIES says it is not valid. */
static enum bc_status vat_evidence(struct billing *b, const struct billing_quote *q,
                                   struct billing_result *result, json_t *after)
{
    const struct billing_info_change *bi = &q->billing_info;
    bool given = bi->pending && strcmp(bi->vat_after, bi->vat_before) != 0;
    memset(&result->vat_check, 0, sizeof result->vat_check);
    if (!bi->vat_after[0] || !(q->vat.reverse_charge || given))
        return BC_OK;
    if (billing_vat_check(b->catalog, bi->country_after, bi->vat_after, (int64_t)time(NULL),
                          &result->vat_check) != VAT_CHECK_INVALID)
        return BC_OK;
    result->quote.refusal = BC_VAT_NUMBER_REJECTED;
    if (after) {
        json_t *evidence = billing_vat_check_json(&result->vat_check);
        if (evidence)
            json_object_set_new(after, "vat_check", evidence);
    }
    return BC_VAT_NUMBER_REJECTED;
}

/* Binds the key to the request (`write`: claims it when nobody has).
 * BC_IDEMPOTENCY_KEY_REUSED (key_reused) when the key was first used for
 * another request. */
static enum bc_status key_for_request(struct billing *b, int64_t account_id, const char *key,
                                      const char *fingerprint, bool write,
                                      struct billing_result *result, json_t **after)
{
    enum store_key_claim claim;
    int64_t first = 0;
    enum bc_status st = store_key_claim(b->store, key, account_id, fingerprint, write, &claim,
                                        &first);
    if (st != BC_OK || claim != STORE_CLAIM_OTHER)
        return st;
    return key_reused(key, first, result, after);
}

enum bc_status billing_place(struct billing *b, int64_t account_id, const struct billing_change *change,
                             const char *idempotency_key, int64_t expect_due,
                             const struct billing_payment *pay, struct billing_result *result)
{
    struct store_account acct = {0};
    struct billing_rights rights;
    struct billing_change *changes = calloc(BILLING_MAX_ITEMS, sizeof *changes);
    struct checkout_card card;
    struct billing_vat_override vat = {0};
    char reference[128] = "", label[40];
    bool known = false, audit_done = false;
    size_t n = 0;
    const char *key = idempotency_key;
    char *checkout = NULL, *fingerprint = NULL;
    json_t *after = NULL;
    memset(result, 0, sizeof *result);
    memset(&card, 0, sizeof card);

    enum bc_status st = changes ? BC_OK : BC_NO_MEMORY;
    if (st != BC_OK)
        goto audit;
    st = billing_load_rights(b, account_id, &acct, &rights);
    if (st != BC_OK)
        goto audit;
    known = true;
    result->quote.rights = rights;
    snprintf(result->quote.currency, sizeof result->quote.currency, "%s", acct.currency);
    result->quote.balance = acct.balance;
    if (rights.may_change != BC_OK) {
        result->quote.refusal = rights.may_change;
        st = rights.may_change;
        goto audit;
    }
    if (!key || !*key || strlen(key) > 200) {
        st = BC_INVALID_ARGUMENT;
        goto audit;
    }

    /* Checked (not yet claimed) before the replay: the same key with
     * other parameters is refused, not answered with the first order. */
    {
        struct billing_vat_override probe = {0};
        bool vat_ok = billing_vat_override(&probe, acct.country, pay ? pay->country : NULL,
                                           pay ? pay->vat_number : NULL) == BC_OK;
        fingerprint = request_fingerprint(account_id, change, pay, &probe, vat_ok);
    }
    if (!fingerprint) {
        st = BC_NO_MEMORY;
        goto audit;
    }
    /* A key of another account's order is not this account's at all. */
    st = result_from_order(b, account_id, key, result);
    if (st != BC_OK && st != BC_NOT_FOUND)
        goto audit;
    enum bc_status kst = key_for_request(b, account_id, key, fingerprint, false, result, &after);
    if (kst != BC_OK) {
        result->order_id = 0;
        result->due = 0;
        result->balance_after = 0;
        result->replayed = false;
        st = kst;
        goto audit;
    }

    /* Same key again: the first order, nothing charged. */
    if (st == BC_OK) {
        after = json_pack("{s:s, s:I, s:b}", "key", key, "order_id", (json_int_t)result->order_id,
                          "replayed", 1);
        goto audit;
    }
    if (st != BC_NOT_FOUND)
        goto audit;

    st = billing_checkout_changes(b, account_id, change, changes, &n);
    if (st != BC_OK)
        goto audit;
    if (n == 0) {
        result->quote.refusal = BC_CART_EMPTY;
        st = BC_CART_EMPTY;
        goto audit;
    }

    /* VAT details given at checkout count for this quote; they are kept
     * only once the order is written. */
    st = billing_vat_override(&vat, acct.country, pay ? pay->country : NULL,
                              pay ? pay->vat_number : NULL);
    if (st != BC_OK)
        goto audit;

    st = billing_quote_changes(b, &acct, changes, n, vat.country, vat.vat_number, b->today,
                               &result->quote);
    if (st != BC_OK)
        goto audit;
    after = attempt_json(key, &result->quote);
    if (result->quote.refusal != BC_OK) {
        st = result->quote.refusal;
        goto audit;
    }
    /* Another country or VAT number is the account's billing information
     * changing: only when the person confirmed it. */
    if (result->quote.billing_info.pending && !(pay && pay->confirm_billing_info)) {
        st = BC_BILLING_INFO_CHANGE_UNCONFIRMED;
        result->quote.refusal = st;
        goto audit;
    }
    int64_t due = result->quote.totals.due;
    if (expect_due >= 0 && expect_due != due) {
        st = BC_STALE_QUOTE;
        goto audit;
    }
    /* Every order is documented (SPEC §9): one that could not be is
     * refused before anything is charged. */
    st = billing_doc_check(b, &acct, vat.country, vat.vat_number, result->document_why,
                           sizeof result->document_why);
    if (st != BC_OK) {
        if (bc_status_is_refusal(st))
            result->quote.refusal = st;
        if (after)
            json_object_set_new(after, "reason", json_string(result->document_why));
        goto audit;
    }
    /* The VAT number the order relies on, asked of VIES when the catalog
     * has a client (SPEC §9): not valid there refuses the order before
     * anything is charged; no answer leaves the offline check, and the
     * order says so either way. */
    st = vat_evidence(b, &result->quote, result, after);
    if (st != BC_OK)
        goto audit;
    /* From here on the attempt may charge or order: the key is this
     * request's, or another attempt claimed it first for another one. A
     * charge claims it in the commit that opens its checkout, before the
     * card is charged; an order with nothing to charge claims it in the
     * order's transaction, its only commit (SPEC §4). */
    bool paid = due > 0;
    if (paid) {
        /* result->replayed: another attempt's order owns the key. */
        st = charge_due(b, account_id, key, fingerprint, due, acct.currency, pay, &vat, result,
                        &after, &card, reference, sizeof reference, &checkout);
        if (st != BC_OK || result->replayed)
            goto audit;
    }

    /* Order and checkout outcome in one transaction: nothing due is that
     * one transaction alone; a paid order is its second of ours. */
    bool replayed = false;
    int64_t order_id = 0, claim_first = 0;
    struct order_effects fx = {
        .country = result->quote.billing_info.pending ? vat.country : NULL,
        .vat_number = result->quote.billing_info.pending ? vat.vat_number : NULL,
        .keep = card.is_new && pay && pay->save_card ? &card.keep : NULL,
        .card = paid ? card_label(&card, label, sizeof label) : NULL,
        .vat_check = &result->vat_check,
        .claim_fingerprint = paid ? NULL : fingerprint,
        .claim_first = &claim_first,
    };
    struct order_doc_out doc;
    st = commit_order(b, account_id, &result->quote, key, paid ? reference : NULL, checkout, &fx,
                      &order_id, &replayed, &doc, result->created_ids);
    if (st == BC_IDEMPOTENCY_KEY_REUSED) {
        /* Nothing was written or charged: another request holds the key. */
        key_reused(key, claim_first, result, &after);
        goto audit;
    }
    if (st == BC_OK) {
        if (replayed) {
            st = replay_of(b, account_id, key, result, &after);
            goto audit;
        }
        audit_done = true;
        snprintf(result->document, sizeof result->document, "%s", doc.number);
        result->document_credit_note = doc.credit_note;
        result->order_id = order_id;
        result->due = due;
        result->balance_after = result->quote.totals.balance_after;
        goto audit;
    }
    /* The commit refused: nothing was written. Whatever is charged under
     * the key goes back, unless the same key's order was written meanwhile
     * by another attempt (then that order is the answer). */
    bool ordered = false;
    enum bc_status rst = release_key(b, key, paid ? due : 0, acct.currency, &ordered);
    if (ordered) {
        /* That order answers this attempt only if it was for this request:
         * an attempt with nothing to charge had not claimed the key yet. */
        st = key_for_request(b, account_id, key, fingerprint, false, result, &after);
        if (st == BC_OK)
            st = replay_of(b, account_id, key, result, &after);
        goto audit;
    }
    if (doc.why[0])
        snprintf(result->document_why, sizeof result->document_why, "%s", doc.why);
    /* A refusal of the order's document says so; any other refusal at the
     * commit means the world moved. */
    bool doc_refusal = st == BC_DOCUMENT_DATE_ORDER || st == BC_BILLING_PROFILE_INCOMPLETE;
    if (bc_status_is_refusal(st) && !doc_refusal) {
        requote(b, &acct, changes, n, vat.country, vat.vat_number, result);
        st = rst == BC_OK ? BC_STALE_QUOTE : rst;
    } else if (doc_refusal) {
        result->quote.refusal = st;
        st = rst == BC_OK ? st : rst;
    }

audit:
    if (!audit_done && b->store) {
        if (!after)
            after = json_pack("{s:s}", "key", key ? key : "");
        billing_audit(b, known ? account_id : 0, "order.place", NULL, after, st);
    }
    json_decref(after);
    free(checkout);
    free(fingerprint);
    free(changes);
    store_account_clear(&acct);
    return st;
}

/* ---------------------------------------------------------------- reconcile */

struct pending {
    char *key;
    int64_t account_id;
    int64_t amount;
    char currency[4];
    char *request;
};

struct pending_list {
    struct pending *items;
    size_t n;
    bool oom;
};

static bool collect_pending(void *ctx, const char *key, int64_t account_id, int64_t amount,
                            const char *currency, const char *request)
{
    struct pending_list *l = ctx;
    struct pending *items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (!items) {
        l->oom = true;
        return false;
    }
    l->items = items;
    struct pending *p = &items[l->n];
    memset(p, 0, sizeof *p);
    p->key = strdup(key ? key : "");
    p->request = strdup(request ? request : "");
    if (!p->key || !p->request) {
        free(p->key);
        free(p->request);
        l->oom = true;
        return false;
    }
    p->account_id = account_id;
    p->amount = amount;
    snprintf(p->currency, sizeof p->currency, "%s", currency ? currency : "");
    l->n++;
    return true;
}

static bool req_str_copy(char *dst, size_t size, json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || strlen(s) >= size)
        return false;
    memcpy(dst, s, strlen(s) + 1);
    return true;
}

/* Parses a pending request back into changes, versions and checkout details. */
static bool parse_request(json_t *req, struct billing *rb, struct billing_change *changes,
                          int64_t *versions, size_t *n, char country[3], char vat[32],
                          bool *has_country, bool *has_vat, struct store_card *keep, bool *has_keep,
                          int64_t *balance)
{
    json_t *arr = json_object_get(req, "changes");
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > BILLING_MAX_ITEMS)
        return false;
    if (!date_parse(json_string_value(json_object_get(req, "day")) ?
                    json_string_value(json_object_get(req, "day")) : "", &rb->today))
        return false;
    *n = json_array_size(arr);
    for (size_t i = 0; i < *n; i++) {
        json_t *c = json_array_get(arr, i);
        struct billing_change *ch = &changes[i];
        memset(ch, 0, sizeof *ch);
        if (!json_is_integer(json_object_get(c, "subscription_id")) ||
            !req_str_copy(ch->product, sizeof ch->product, json_object_get(c, "product")) ||
            !req_str_copy(ch->to_plan, sizeof ch->to_plan, json_object_get(c, "plan")) ||
            !json_is_integer(json_object_get(c, "seats")) ||
            !bc_period_parse(json_string_value(json_object_get(c, "period")) ?
                             json_string_value(json_object_get(c, "period")) : "", &ch->to_period))
            return false;
        ch->subscription_id = (int64_t)json_integer_value(json_object_get(c, "subscription_id"));
        ch->to_seats = (int)json_integer_value(json_object_get(c, "seats"));
        versions[i] = (int64_t)json_integer_value(json_object_get(c, "version"));
    }
    *has_country = json_is_string(json_object_get(req, "country")) &&
                   req_str_copy(country, 3, json_object_get(req, "country"));
    *has_vat = json_is_string(json_object_get(req, "vat_number")) &&
               req_str_copy(vat, 32, json_object_get(req, "vat_number"));
    json_t *sc = json_object_get(req, "save_card");
    *has_keep = json_is_object(sc) &&
                req_str_copy(keep->brand, sizeof keep->brand, json_object_get(sc, "brand")) &&
                req_str_copy(keep->last4, sizeof keep->last4, json_object_get(sc, "last4"));
    if (*has_keep) {
        keep->exp_month = (int)json_integer_value(json_object_get(sc, "exp_month"));
        keep->exp_year = (int)json_integer_value(json_object_get(sc, "exp_year"));
    }
    *balance = (int64_t)json_integer_value(json_object_get(req, "balance_minor"));

    const char *kind = json_string_value(json_object_get(req, "actor_kind"));
    const char *actor = json_string_value(json_object_get(req, "actor"));
    const char *origin = json_string_value(json_object_get(req, "origin"));
    if (kind && actor) {
        rb->actor.kind = strcmp(kind, "contact") == 0 ? BILLING_ACTOR_CONTACT : BILLING_ACTOR_OPERATOR;
        snprintf(rb->actor.name, sizeof rb->actor.name, "%s", actor);
        rb->actor.contact_id = (int64_t)json_integer_value(json_object_get(req, "contact_id"));
    }
    if (origin)
        snprintf(rb->actor.origin, sizeof rb->actor.origin, "%s", origin);
    return true;
}

enum outcome { OUTCOME_NONE, OUTCOME_COMPLETED, OUTCOME_REFUNDED };

/* Completes one approved charge whose order was never written, or refunds it. */
static enum outcome reconcile_one(struct billing *b, const struct pending *p, int64_t charged,
                                  const char *reference)
{
    enum outcome out = OUTCOME_NONE;
    struct billing rb = *b;
    struct billing_change *changes = calloc(BILLING_MAX_ITEMS, sizeof *changes);
    struct billing_quote *q = calloc(1, sizeof *q);
    int64_t versions[BILLING_MAX_ITEMS] = {0};
    size_t n = 0;
    char country[3] = "", vat[32] = "";
    bool has_country = false, has_vat = false, has_keep = false;
    struct store_card keep;
    int64_t balance = 0;
    struct store_account acct = {0};
    json_t *req = json_loads(p->request, 0, NULL);
    json_t *after = NULL;
    enum bc_status st = BC_INVALID_ARGUMENT;
    memset(&keep, 0, sizeof keep);
    if (!changes || !q) {
        st = BC_NO_MEMORY;
        goto refund;
    }
    if (!req || !parse_request(req, &rb, changes, versions, &n, country, vat, &has_country,
                               &has_vat, &keep, &has_keep, &balance))
        goto refund;
    st = store_account_get(b->store, p->account_id, &acct);
    if (st != BC_OK)
        goto refund;
    st = billing_quote_changes(&rb, &acct, changes, n, has_country ? country : NULL,
                               has_vat ? vat : NULL, rb.today, q);
    if (st != BC_OK)
        goto refund;
    after = attempt_json(p->key, q);
    /* Only the figures that were charged may be ordered. */
    bool same = q->refusal == BC_OK && q->totals.due == charged && q->totals.due == p->amount &&
                q->balance == balance;
    for (size_t i = 0; same && i < n; i++)
        same = q->versions[i] == versions[i];
    if (!same) {
        st = BC_STALE_QUOTE;
        goto refund;
    }
    bool replayed = false;
    int64_t order_id = 0;
    struct order_effects fx = {
        .country = has_country ? country : NULL,
        .vat_number = has_vat ? vat : NULL,
        .keep = has_keep ? &keep : NULL,
        .card = json_string_value(json_object_get(req, "card_label")),
    };
    struct store_vat_check evidence;
    if (!billing_vat_check_from_json(json_object_get(req, "vat_check"), &evidence))
        memset(&evidence, 0, sizeof evidence);
    fx.vat_check = &evidence;
    st = commit_order(&rb, p->account_id, q, p->key, reference, p->request, &fx, &order_id,
                      &replayed, NULL, NULL);
    if (st == BC_OK) {
        if (!replayed)
            out = OUTCOME_COMPLETED;
        goto done;
    }

refund:;
    bool ordered = false;
    if (release_key(b, p->key, charged, p->currency, &ordered) == BC_OK && !ordered)
        out = OUTCOME_REFUNDED;
    billing_audit(&rb, acct.id, "order.reconcile", NULL, after, st);
done:
    json_decref(after);
    json_decref(req);
    store_account_clear(&acct);
    free(changes);
    free(q);
    return out;
}

enum bc_status billing_reconcile(struct billing *b, int *completed, int *refunded)
{
    struct pending_list l = {0};
    int done = 0, back = 0;
    /* Reconciling writes orders and refunds for any account: operators who
     * may change things only. The refusal is an attempt like any other. */
    if (b->actor.kind != BILLING_ACTOR_OPERATOR || b->actor.op_role == STORE_OP_READONLY) {
        enum bc_status refusal = b->actor.kind == BILLING_ACTOR_OPERATOR ? BC_READONLY_OPERATOR
                                                                         : BC_NOT_BILLING_CONTACT;
        billing_audit(b, 0, "order.reconcile", NULL, NULL, refusal);
        if (completed)
            *completed = 0;
        if (refunded)
            *refunded = 0;
        return refusal;
    }
    enum bc_status st = b->processor ? BC_OK : BC_PAYMENT_ERROR;
    if (st != BC_OK)
        goto out;
    st = store_pending_each(b->store, collect_pending, &l);
    if (st == BC_OK && l.oom)
        st = BC_NO_MEMORY;
    if (st != BC_OK)
        goto out;
    for (size_t i = 0; i < l.n; i++) {
        const struct pending *p = &l.items[i];
        int64_t charged = 0;
        char reference[128] = "";
        switch (payment_status(b->processor, p->key, &charged, reference, sizeof reference)) {
        case PAYMENT_DECLINED:
            store_pending_done(b->store, p->key, "declined");
            break;
        case PAYMENT_UNKNOWN:
            break;   /* ask again next time */
        case PAYMENT_APPROVED: {
            struct store_order o = {0};
            enum bc_status ost = store_order_by_key(b->store, p->key, &o);
            bool paid = ost == BC_OK && o.payment_ref != NULL;
            store_order_clear(&o);
            if (ost == BC_OK) {
                /* An order for nothing due did not take this charge. */
                if (!paid && refund_stray_charge(b, p->key, p->currency) == BC_OK)
                    back++;
                store_pending_done(b->store, p->key, "ordered");
                break;
            }
            if (ost != BC_NOT_FOUND)
                break;
            if (billing_renewal_request(p->request)) {
                bool completed_one = false, refunded_one = false;
                billing_renewal_reconcile(b, p->key, p->account_id, charged, reference,
                                          p->request, &completed_one, &refunded_one);
                done += completed_one;
                back += refunded_one;
                break;
            }
            switch (reconcile_one(b, p, charged, reference)) {
            case OUTCOME_COMPLETED: done++; break;
            case OUTCOME_REFUNDED: back++; break;
            case OUTCOME_NONE: break;
            }
            break;
        }
        }
    }
out:
    for (size_t i = 0; i < l.n; i++) {
        free(l.items[i].key);
        free(l.items[i].request);
    }
    free(l.items);
    if (completed)
        *completed = done;
    if (refunded)
        *refunded = back;
    return st;
}
