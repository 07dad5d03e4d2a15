/* checkout.c — one checkout from review to order, shared by the review and
 * payment screens: the quote on screen is the amount placed (expect_due),
 * the idempotency key is kept across retries so nothing is charged twice,
 * and a declined card starts a fresh key (a processor would replay the
 * decline for the old one). */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "i18n.h"

enum bc_status ui_checkout_quote(struct ui_app *app)
{
    struct ui_checkout *co = &app->co;
    memset(&co->quote, 0, sizeof co->quote);
    enum bc_status rc = co->is_cart
        ? billing_quote_cart(app->b, app->va.acct.id, &co->quote)
        : billing_quote_change(app->b, app->va.acct.id, &co->change, &co->quote);
    co->quoted = rc == BC_OK;
    return rc;
}

static void checkout_snapshot(struct ui_app *app)
{
    struct ui_checkout *co = &app->co;
    co->nbefore = 0;
    for (size_t i = 0; i < co->quote.n && co->nbefore < BILLING_MAX_ITEMS; i++) {
        for (size_t k = 0; k < app->va.subs.n; k++) {
            const struct store_subscription *s = &app->va.subs.items[k];
            if (s->id != co->quote.changes[i].subscription_id)
                continue;
            co->before[co->nbefore].sub = s->id;
            snprintf(co->before[co->nbefore].plan, sizeof co->before[0].plan, "%s", s->plan);
            co->before[co->nbefore].seats = s->seats;
            co->before[co->nbefore].period = s->period;
            snprintf(co->before[co->nbefore].product, sizeof co->before[0].product, "%s",
                     s->product);
            co->before[co->nbefore].gained = 0;
            co->nbefore++;
        }
    }
}

void ui_checkout_place(struct ui_app *app, const struct billing_payment *pay)
{
    struct ui_checkout *co = &app->co;
    if (!co->quoted) {
        ui_status_code(app, BC_STALE_QUOTE);
        return;
    }
    if (co->quote.refusal != BC_OK) {
        ui_status_code(app, co->quote.refusal);
        return;
    }
    checkout_snapshot(app);
    co->outcome = BC_OK;
    co->decline_reason[0] = '\0';
    memset(&co->result, 0, sizeof co->result);
    enum bc_status rc = billing_place(app->b, app->va.acct.id, co->is_cart ? NULL : &co->change,
                                      co->key, co->quote.totals.due, pay, &co->result);
    if (rc == BC_OK && co->result.quote.refusal != BC_OK)
        rc = co->result.quote.refusal;
    switch (rc) {
    case BC_OK:
        break;
    case BC_STALE_QUOTE:
        /* Nothing was charged: show the new figures, same checkout, and
         * what the subscriptions are now. */
        ui_load_account(app, app->va.acct.id);
        if (co->result.quote.n > 0) {
            co->quote = co->result.quote;
            co->quoted = true;
            co->keep_quote = true;
        }
        ui_go_back_to(app, "review");
        ui_status_code(app, rc);
        return;
    case BC_PAYMENT_DECLINED:
        billing_new_key(co->key);
        co->outcome = rc;
        snprintf(co->decline_reason, sizeof co->decline_reason, "%s", co->result.decline_reason);
        return;
    case BC_PAYMENT_UNCONFIRMED:
        co->outcome = rc;
        return;
    default:
        ui_status_code(app, rc);
        return;
    }

    /* Placed: seats gained by the order, per subscription and in all (for
     * the reminder); s opens the one that gained the most. */
    co->seats_added = 0;
    co->seats_sub = 0;
    int most = 0;
    const struct billing_quote *q = co->result.quote.n > 0 ? &co->result.quote : &co->quote;
    /* A product added: its subscription came from nothing. */
    for (size_t i = 0; i < q->n && co->nbefore < BILLING_MAX_ITEMS; i++) {
        if (q->changes[i].subscription_id != 0 || co->result.created_ids[i] == 0)
            continue;
        co->before[co->nbefore].sub = co->result.created_ids[i];
        snprintf(co->before[co->nbefore].plan, sizeof co->before[0].plan, "%s", "");
        co->before[co->nbefore].seats = 0;
        co->before[co->nbefore].period = q->changes[i].to_period;
        snprintf(co->before[co->nbefore].product, sizeof co->before[0].product, "%s",
                 q->changes[i].product);
        co->before[co->nbefore].gained = 0;
        co->nbefore++;
    }
    for (size_t i = 0; i < q->n; i++) {
        int64_t sid = q->changes[i].subscription_id ? q->changes[i].subscription_id
                                                    : co->result.created_ids[i];
        for (size_t k = 0; k < co->nbefore; k++) {
            if (sid == 0 || co->before[k].sub != sid)
                continue;
            int gained = q->changes[i].to_seats - co->before[k].seats;
            if (gained <= 0)
                continue;
            co->before[k].gained = gained;
            co->seats_added += gained;
            if (gained > most) {
                most = gained;
                co->seats_sub = co->before[k].sub;
            }
        }
    }
    app->edit_valid = false;
    enum bc_status lr = ui_load_account(app, app->va.acct.id);
    if (lr != BC_OK)
        ui_status_code(app, lr);
    ui_go_back_to(app, "home");
    ui_go(app, "confirm", 0);
}

const char *ui_checkout_outcome_text(const struct ui_app *app)
{
    const struct ui_checkout *co = &app->co;
    switch (co->outcome) {
    case BC_PAYMENT_DECLINED:
        if (strcmp(co->decline_reason, "insufficient_funds") == 0)
            return _("The card was declined: insufficient funds. Nothing was charged and "
                     "nothing changed. Try another card.");
        if (strcmp(co->decline_reason, "expired_card") == 0)
            return _("The card was declined: the bank says it has expired. Nothing was charged "
                     "and nothing changed. Check the expiry or try another card.");
        return _("The card was declined by the bank. Nothing was charged and nothing changed. "
                 "Try another card or ask the bank why.");
    case BC_PAYMENT_UNCONFIRMED:
        return _("The card processor did not answer, so it is not known yet whether the card "
                 "was charged. Your subscriptions have not changed. If the card was charged, "
                 "the order will be completed or the money refunded automatically; do not pay "
                 "again.");
    default:
        return "";
    }
}
