/* view.c — the screens' read façade over the store (see view.h). */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "billing_impl.h"
#include "session.h"

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
