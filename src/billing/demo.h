/* demo.h — demo accounts that cover every case the UI must show, and large
 * realistic data sets for the benchmarks (`init --demo [--scale N]`). */
#ifndef BC_DEMO_H
#define BC_DEMO_H

#include <stdint.h>

#include "catalog.h"
#include "date.h"
#include "status.h"
#include "store.h"

/* Called now and then with accounts done and the total. */
typedef void (*demo_progress_fn)(void *ctx, int64_t done, int64_t total);

/* Adds `n` accounts (n >= 1000 for --demo) deterministically (fixed seed),
 * the first ones being the named showcase accounts the README lists. */
enum bc_status demo_generate(struct store *s, const struct catalog *c, bc_day today, int64_t n,
                             demo_progress_fn progress, void *ctx);

/* Adds the six accounts whose subscriptions show SPEC §8 (past due,
 * suspended, pending cancellation, a scheduled downgrade, a trial that
 * converts, a renewal the credit balance pays: demo.c lists them), in one
 * transaction, with the ids that follow the accounts already there. */
enum bc_status demo_lifecycle(struct store *s, const struct catalog *c, bc_day today);

#endif
