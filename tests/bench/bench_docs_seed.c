/* bench_docs_seed.c — gives account 1 of a demo database N fiscal
 * documents, for bench_tui's Invoices rows: N orders through billing_place
 * (the same path as the UI's), alternately one GoToMeeting seat more (an
 * invoice) and one fewer (a credit note). Prints nothing on success.
 *
 * Usage: bench_docs_seed DB N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "catalog.h"
#include "payment.h"
#include "store.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_docs_seed DB N\n");
        return 2;
    }
    long n = strtol(argv[2], NULL, 10);
    char err[512];
    struct catalog *c = catalog_load(SOURCE_ROOT "/plans", err, sizeof err);
    struct store *s = NULL;
    if (c == NULL || store_open(argv[1], STORE_OPEN_EXISTING, &s) != BC_OK) {
        fprintf(stderr, "bench_docs_seed: %s\n", c == NULL ? err : "cannot open the database");
        catalog_destroy(c);
        return 1;
    }
    struct payment_processor *proc = payment_test_create(s);
    struct billing b = {.store = s, .catalog = c, .processor = proc,
                        .today = date_from_civil(2026, 11, 25)};
    b.actor.kind = BILLING_ACTOR_OPERATOR;
    b.actor.op_role = STORE_OP_ADMIN;
    snprintf(b.actor.name, sizeof b.actor.name, "bench");
    snprintf(b.actor.origin, sizeof b.actor.origin, "local");
    struct billing_result *res = malloc(sizeof *res);
    int code = res != NULL ? 0 : 1;
    for (long i = 0; code == 0 && i < n; i++) {
        struct store_subscription_list subs = {0};
        struct billing_change ch = {0};
        if (store_subscriptions(s, 1, &subs) != BC_OK) {
            code = 1;
            break;
        }
        for (size_t k = 0; k < subs.n; k++)
            if (strcmp(subs.items[k].product, "gotomeeting") == 0) {
                ch.subscription_id = subs.items[k].id;
                snprintf(ch.product, sizeof ch.product, "%s", subs.items[k].product);
                snprintf(ch.to_plan, sizeof ch.to_plan, "%s", subs.items[k].plan);
                ch.to_seats = subs.items[k].seats + (i % 2 == 0 ? 1 : -1);
                ch.to_period = subs.items[k].period;
            }
        store_subscription_list_clear(&subs);
        char key[64];
        snprintf(key, sizeof key, "bench-docs-%ld", i);
        enum bc_status st = ch.subscription_id == 0 ? BC_NOT_FOUND
                            : billing_place(&b, 1, &ch, key, -1, NULL, res);
        if (st != BC_OK || res->document[0] == '\0') {
            fprintf(stderr, "bench_docs_seed: order %ld: %s\n", i, bc_status_message(st));
            code = 1;
        }
    }
    free(res);
    payment_destroy(proc);
    store_close(s);
    catalog_destroy(c);
    return code;
}
