/* bench_quote.c — quotes per second on one core through the core library
 * alone (no database): quote_item then quote_totals over a table of varied
 * changes (upgrades, seat changes, monthly <-> annual, VAT and reverse
 * charge, balances), so branch prediction does not see one input forever.
 *
 * BC_BENCH_QUOTE_MS (default 2000; the smoke run uses less) bounds the run. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "date.h"
#include "quote.h"

#define VARIANTS 4096
#define TARGET 5000000.0

struct variant {
    struct quote_current cur;
    struct quote_target to;
    struct quote_tax tax;
    bc_day today;
    struct quote_policy policy;
    int64_t balance;
};

/* splitmix64: the inputs are the same on every run. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int below(uint64_t *s, int n)
{
    return (int)(next(s) % (uint64_t)n);
}

static void make(struct variant *v, uint64_t *s)
{
    static const int64_t monthly[] = {1200, 1600, 2200, 4900, 9900, 1700, 14000};
    bc_day today = date_from_civil(2026, 1 + below(s, 12), 1 + below(s, 28));
    enum bc_period period = below(s, 10) < 7 ? BC_PERIOD_MONTHLY : BC_PERIOD_ANNUAL;
    bc_day p0 = today - below(s, period == BC_PERIOD_MONTHLY ? 28 : 360);
    int anchor = date_mday(p0);
    int rank = 1 + below(s, 2);
    int seats = 1 + below(s, 20);
    int64_t price = monthly[below(s, 7)] * (period == BC_PERIOD_ANNUAL ? 10 : 1);
    v->today = today;
    v->policy.anchor = below(s, 2) ? QUOTE_ANCHOR_RESET : QUOTE_ANCHOR_KEEP;
    v->policy.seats = below(s, 2) ? QUOTE_SEATS_KEEP : QUOTE_SEATS_RESET;
    v->cur = (struct quote_current){
        .rank = rank, .seats = seats, .seats_assigned = below(s, seats + 1),
        .period = period, .period_start = p0,
        .period_end = date_period_end(p0, period, anchor),
        .item_start = p0, .anchor_day = anchor,
        .billed = price * seats, .credited = 0,
    };
    /* Mostly allowed changes: more seats, a higher plan, or annual. */
    int kind = below(s, 3);
    int to_rank = rank + (kind == 1);
    int to_seats = seats + (kind == 0 ? 1 + below(s, 5) : 0);
    enum bc_period to_period = kind == 2 ? BC_PERIOD_ANNUAL : period;
    if (kind == 2 && period == BC_PERIOD_ANNUAL)
        to_seats = seats + 1;
    v->to = (struct quote_target){
        .rank = to_rank, .seats_min = 1, .seats_max = 1000, .seats = to_seats,
        .period = to_period,
        .unit_price = (price + 400 * (to_rank - rank)) * (to_period == BC_PERIOD_ANNUAL &&
                                                          period == BC_PERIOD_MONTHLY ? 10 : 1),
        .same_plan = to_rank == rank,
    };
    static const int32_t rates[] = {2200, 1900, 2000, 2100, 0};
    v->tax = (struct quote_tax){.rate_bp = rates[below(s, 5)], .reverse_charge = below(s, 8) == 0};
    v->balance = below(s, 6) == 0 ? 100 * below(s, 300) : 0;
}

int main(void)
{
    double seconds = (double)bench_env_long("BC_BENCH_QUOTE_MS", 2000) / 1000.0;
    struct variant *v = calloc(VARIANTS, sizeof *v);
    if (!v)
        return 1;
    uint64_t seed = 0x0b111ce47e25ULL;
    for (size_t i = 0; i < VARIANTS; i++)
        make(&v[i], &seed);

    /* Sanity: most variants must be real, allowed quotes. */
    size_t allowed = 0;
    for (size_t i = 0; i < VARIANTS; i++) {
        struct quote_item it;
        if (quote_item(&v[i].cur, &v[i].to, &v[i].tax, v[i].today, v[i].policy, &it) == BC_OK &&
            it.total > 0)
            allowed++;
    }
    if (allowed < VARIANTS * 9 / 10) {
        fprintf(stderr, "bench_quote: only %zu of %d variants quote\n", allowed, VARIANTS);
        bench_row("quotes per second, one core (no DB)", "ERROR", ">= 5,000,000", "-", "no");
        free(v);
        return 1;
    }

    int64_t checksum = 0;
    uint64_t quotes = 0;
    int64_t c0 = bench_cpu_ns();
    int64_t t0 = bench_now_ns(), deadline = t0 + (int64_t)(seconds * 1e9), t1;
    do {
        for (size_t i = 0; i < VARIANTS; i++) {
            struct quote_item it;
            struct quote_totals tot;
            quote_item(&v[i].cur, &v[i].to, &v[i].tax, v[i].today, v[i].policy, &it);
            quote_totals(&it, 1, v[i].balance, &tot);
            checksum += tot.due;
        }
        quotes += VARIANTS;
        t1 = bench_now_ns();
    } while (t1 < deadline);
    int64_t c1 = bench_cpu_ns();
    /* Per second of the core's time (CPU time); wall clock shown too. */
    double per_sec = (double)quotes / ((double)(c1 - c0) / 1e9);
    double per_wall = (double)quotes / ((double)(t1 - t0) / 1e9);

    char m[96], g[32], g2[32];
    snprintf(m, sizeof m, "%s/s of CPU time (%s/s wall)", bench_grouped(g, sizeof g, per_sec),
             bench_grouped(g2, sizeof g2, per_wall));
    fprintf(stderr, "bench_quote: %llu quotes in %.2f s wall, %.2f s CPU (checksum %lld, %zu/%d allowed)\n",
            (unsigned long long)quotes, (double)(t1 - t0) / 1e9, (double)(c1 - c0) / 1e9,
            (long long)checksum, allowed, VARIANTS);
    bench_row("quotes per second, one core (quote_item + quote_totals, no DB)", m, ">= 5,000,000/s",
              "-", bench_met(per_sec >= TARGET));
    free(v);
    return 0;
}
