/* bench_jobs.c — see bench_jobs.h. */
#include "bench_jobs.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "payment.h"
#include "store.h"

size_t bench_collect_jobs(struct billing *b, int64_t naccounts, bool paid, bool *used,
                          struct bench_job *jobs, size_t max)
{
    size_t n = 0;
    int y, m, d;
    date_to_civil(b->today, &y, &m, &d);
    for (int64_t id = 11; id <= naccounts && n < max; id++) {
        if (used && used[id])
            continue;
        struct store_account a = {0};
        if (store_account_get(b->store, id, &a) != BC_OK)
            continue;
        bool standard = a.kind == STORE_ACCOUNT_STANDARD;
        store_account_clear(&a);
        struct store_card card;
        if (!standard || (paid && (store_card_get(b->store, id, &card) != BC_OK ||
                                   !card_expiry_ok(card.exp_month, card.exp_year, y, m))))
            continue;
        struct store_subscription_list subs = {0};
        if (store_subscriptions(b->store, id, &subs) != BC_OK)
            continue;
        for (size_t i = 0; i < subs.n; i++) {
            const struct store_subscription *x = &subs.items[i];
            if (x->status != STORE_SUB_ACTIVE)
                continue;
            struct bench_job *j = &jobs[n];
            memset(j, 0, sizeof *j);
            j->account_id = id;
            j->change.subscription_id = x->id;
            snprintf(j->change.product, sizeof j->change.product, "%s", x->product);
            snprintf(j->change.to_plan, sizeof j->change.to_plan, "%s", x->plan);
            j->change.to_seats = paid ? x->seats + 1 : x->seats - 1;
            j->change.to_period = x->period;
            struct billing_quote q;
            if (j->change.to_seats <= 0 || billing_quote_change(b, id, &j->change, &q) != BC_OK ||
                q.refusal != BC_OK || (q.totals.due > 0) != paid || q.n != 1)
                continue;
            if (used)
                used[id] = true;
            n++;
            break;
        }
        store_subscription_list_clear(&subs);
    }
    return n;
}
