/* bench_jobs.h — the orders bench_order and bench_pg place: one change per
 * account that billing_place will accept, collected from a demo database so
 * that both benchmarks time the same kind of order. */
#ifndef BC_BENCH_JOBS_H
#define BC_BENCH_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "billing.h"

struct bench_job {
    int64_t account_id;
    struct billing_change change;
};

/* Up to max orders from accounts 11 .. naccounts (the first ten are the
 * demo's named accounts), one per standard account: paid (one seat more on
 * an active subscription, something due, a card on file that has not
 * expired) or not (one seat fewer, nothing due), each quoted first with one
 * item and no refusal. used (may be NULL) skips accounts already taken and
 * marks the ones taken here. */
size_t bench_collect_jobs(struct billing *b, int64_t naccounts, bool paid, bool *used,
                          struct bench_job *jobs, size_t max);

#endif
