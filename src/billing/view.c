/* view.c — the screens' read façade over the store (see view.h). */
#include "view.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "billing_impl.h"
#include "session.h"
#include "vat.h"

void view_wipe_text(char *s)
{
    if (s != NULL)
        access_wipe(s, strlen(s));
}

/* A contact sees its own account only; operators see any. */
static enum bc_status view_may_read(struct billing *b, int64_t account_id)
{
    if (b->actor.kind != BILLING_ACTOR_CONTACT)
        return BC_OK;
    int64_t own = 0;
    enum bc_status rc = billing_actor_account(b, &own);
    if (rc != BC_OK)
        return rc;
    return own == account_id ? BC_OK : BC_NOT_FOUND;
}

static void view_store_account_wipe(struct store_account *a)
{
    view_wipe_text(a->name);
    view_wipe_text(a->vat_number);
    store_account_clear(a);
    access_wipe(a, sizeof *a);
}

void view_account_clear(struct view_account *v)
{
    if (v == NULL)
        return;
    view_store_account_wipe(&v->acct);
    store_subscription_list_clear(&v->subs);
    free(v->renewals);
    access_wipe(v, sizeof *v);
}

enum bc_status view_account_load(struct billing *b, int64_t account_id, struct view_account *out)
{
    view_account_clear(out);
    enum bc_status rc = view_may_read(b, account_id);
    if (rc != BC_OK)
        return rc;
    rc = store_account_get(b->store, account_id, &out->acct);
    if (rc != BC_OK) {
        view_account_clear(out);
        return rc;
    }
    rc = billing_rights(b, &out->acct, &out->rights);
    if (rc != BC_OK)
        out->rights.may_change = rc;

    if (out->rights.billing_name[0] != '\0') {
        snprintf(out->billing_name, sizeof out->billing_name, "%s", out->rights.billing_name);
        snprintf(out->billing_email, sizeof out->billing_email, "%s", out->rights.billing_email);
    } else if (out->acct.billing_contact_id != 0) {
        struct store_contact c;
        memset(&c, 0, sizeof c);
        if (store_contact_get(b->store, out->acct.billing_contact_id, &c) == BC_OK) {
            snprintf(out->billing_name, sizeof out->billing_name, "%s", c.name ? c.name : "");
            snprintf(out->billing_email, sizeof out->billing_email, "%s",
                     c.email ? c.email : "");
        }
        view_wipe_text(c.name);
        view_wipe_text(c.email);
        store_contact_clear(&c);
    }

    rc = store_subscriptions(b->store, account_id, &out->subs);
    if (rc != BC_OK) {
        view_account_clear(out);
        return rc;
    }
    /* The estimates once per load, not per draw (SPEC §8 "States"). */
    if (out->subs.n > 0) {
        out->renewals = calloc(out->subs.n, sizeof *out->renewals);
        if (out->renewals == NULL) {
            view_account_clear(out);
            return BC_NO_MEMORY;
        }
    }
    for (size_t i = 0; i < out->subs.n; i++)
        if (billing_renewal_estimate(b->catalog, &out->acct, &out->subs.items[i],
                                     &out->renewals[i]) != BC_OK)
            memset(&out->renewals[i], 0, sizeof out->renewals[i]);
    struct store_cart cart;
    memset(&cart, 0, sizeof cart);
    if (store_cart_get(b->store, account_id, &cart) == BC_OK)
        out->cart_count = cart.n;
    store_cart_clear(&cart);
    return BC_OK;
}

enum bc_status view_quote_preview(struct billing *b, int64_t account_id,
                                  const struct billing_change *change, struct billing_quote *out)
{
    memset(out, 0, sizeof *out);
    enum bc_status rc = view_may_read(b, account_id);
    if (rc != BC_OK)
        return rc;
    struct store_account acct;
    struct billing_rights rights;
    memset(&acct, 0, sizeof acct);
    memset(&rights, 0, sizeof rights);
    rc = billing_load_rights(b, account_id, &acct, &rights);
    if (rc == BC_OK)
        rc = billing_quote_changes(b, &acct, change, 1, NULL, NULL, b->today, out);
    out->rights = rights;
    view_store_account_wipe(&acct);
    return rc;
}

enum bc_status view_cart(struct billing *b, int64_t account_id, struct store_cart *out)
{
    memset(out, 0, sizeof *out);
    enum bc_status rc = view_may_read(b, account_id);
    return rc != BC_OK ? rc : store_cart_get(b->store, account_id, out);
}

void view_cart_clear(struct store_cart *c)
{
    if (c == NULL)
        return;
    store_cart_clear(c);
    memset(c, 0, sizeof *c);
}

enum bc_status view_history(struct billing *b, int64_t account_id, struct store_order_list *out)
{
    memset(out, 0, sizeof *out);
    enum bc_status rc = view_may_read(b, account_id);
    return rc != BC_OK ? rc : store_orders(b->store, account_id, out);
}

void view_history_clear(struct store_order_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        view_wipe_text(l->items[i].actor);
        view_wipe_text(l->items[i].payment_ref);
    }
    store_order_list_clear(l);
    memset(l, 0, sizeof *l);
}

int32_t view_vat_rate(struct billing *b, const struct store_account *acct, bool reverse_charge)
{
    if (reverse_charge || b->catalog == NULL)
        return 0;
    struct vat_decision d;
    vat_decide(b->catalog->seller_country, acct->country, false, catalog_vat_rate, b->catalog, &d);
    return d.rate_bp;
}

struct view_attempts_ctx {
    struct view_attempt_list *out;
    bool oom;
};

static enum bc_status view_status_of(const char *code)
{
    for (int i = 0; i < BC_STATUS_COUNT; i++)
        if (code != NULL && strcmp(bc_status_code((enum bc_status)i), code) == 0)
            return (enum bc_status)i;
    return BC_PAYMENT_ERROR;
}

static bool view_attempt_cb(void *ctx, const struct store_audit_entry *e)
{
    struct view_attempts_ctx *cx = ctx;
    if (e->action == NULL || strcmp(e->action, "order.place") != 0 || e->result == NULL
        || strcmp(e->result, "ok") == 0)
        return true;
    struct view_attempt *items =
        realloc(cx->out->items, (cx->out->n + 1) * sizeof *cx->out->items);
    if (items == NULL) {
        cx->oom = true;
        return false;
    }
    cx->out->items = items;
    struct view_attempt *a = &items[cx->out->n++];
    memset(a, 0, sizeof *a);
    a->at = e->at;
    a->result = view_status_of(e->result);
    a->due = -1;
    json_t *j = e->after != NULL ? json_loads(e->after, 0, NULL) : NULL;
    json_t *due = json_object_get(j, "due_minor");
    const char *cur = json_string_value(json_object_get(j, "currency"));
    if (json_is_integer(due) && cur != NULL && strlen(cur) == 3) {
        a->due = json_integer_value(due);
        memcpy(a->currency, cur, 4);
    }
    json_decref(j);
    return true;
}

enum bc_status view_failed_attempts(struct billing *b, int64_t account_id,
                                    struct view_attempt_list *out)
{
    memset(out, 0, sizeof *out);
    if (b->actor.kind != BILLING_ACTOR_OPERATOR)
        return BC_OK;
    struct view_attempts_ctx cx = {.out = out};
    enum bc_status rc = store_audit_each(b->store, account_id, 0, view_attempt_cb, &cx);
    if (rc == BC_OK && cx.oom)
        rc = BC_NO_MEMORY;
    if (rc != BC_OK) {
        view_attempt_list_clear(out);
        return rc;
    }
    /* The audit is in id order: newest first. */
    for (size_t i = 0; i < out->n / 2; i++) {
        struct view_attempt t = out->items[i];
        out->items[i] = out->items[out->n - 1 - i];
        out->items[out->n - 1 - i] = t;
    }
    return BC_OK;
}

void view_attempt_list_clear(struct view_attempt_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    memset(l, 0, sizeof *l);
}

enum bc_status view_seats(struct billing *b, int64_t subscription_id, struct store_seat_list *out)
{
    memset(out, 0, sizeof *out);
    if (b->actor.kind == BILLING_ACTOR_CONTACT) {
        struct store_subscription s;
        memset(&s, 0, sizeof s);
        enum bc_status rc = store_subscription_get(b->store, subscription_id, &s);
        int64_t acct = s.account_id;
        store_subscription_clear(&s);
        if (rc == BC_OK)
            rc = view_may_read(b, acct);
        if (rc != BC_OK)
            return rc;
    }
    return store_seats(b->store, subscription_id, out);
}

void view_seats_clear(struct store_seat_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        view_wipe_text(l->items[i].name);
        view_wipe_text(l->items[i].email);
    }
    store_seat_list_clear(l);
    memset(l, 0, sizeof *l);
}

enum bc_status view_card_on_file(struct billing *b, int64_t account_id, struct store_card *out)
{
    memset(out, 0, sizeof *out);
    enum bc_status rc = view_may_read(b, account_id);
    return rc != BC_OK ? rc : store_card_get(b->store, account_id, out);
}

enum bc_status view_account_search(struct billing *b, const char *query, size_t limit,
                                   struct store_account_list *out)
{
    memset(out, 0, sizeof *out);
    if (b->actor.kind != BILLING_ACTOR_OPERATOR)
        return BC_NOT_FOUND;
    return store_account_search(b->store, query, limit, out);
}

void view_account_search_clear(struct store_account_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        view_wipe_text(l->items[i].name);
        view_wipe_text(l->items[i].vat_number);
    }
    store_account_list_clear(l);
    memset(l, 0, sizeof *l);
}
