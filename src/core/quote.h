/* quote.h — the SPEC §3 proration engine: pure functions, no I/O, no clock.
 *
 * A change of one subscription is quoted as an item (credit and charge lines,
 * each with its VAT line); a checkout sums items and applies the account's
 * credit balance once across them. */
#ifndef BC_QUOTE_H
#define BC_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "status.h"

/* The catalog's `proration: {anchor: reset|keep, seats: keep|reset}`. The
 * anchor rules plan and frequency changes; `seats` rules a change of the
 * seat count alone (same plan, same frequency). Zero is SPEC §3's default:
 * anchor reset, seats keep. */
enum quote_anchor { QUOTE_ANCHOR_RESET = 0, QUOTE_ANCHOR_KEEP = 1 };
enum quote_seats { QUOTE_SEATS_KEEP = 0, QUOTE_SEATS_RESET = 1 };
struct quote_policy {
    enum quote_anchor anchor;
    enum quote_seats seats;
};

/* The subscription as it stands. */
struct quote_current {
    int rank;                 /* current plan's rank */
    int seats;
    int seats_assigned;
    enum bc_period period;
    bc_day period_start;      /* P0 */
    bc_day period_end;        /* P1 (exclusive) */
    bc_day item_start;        /* I0, P0 <= I0 < P1 */
    int anchor_day;           /* day of month periods land on (1..31) */
    int64_t billed;           /* B: what the current item was actually billed */
    int64_t credited;         /* already credited from B */
};

/* What the customer asks for. */
struct quote_target {
    int rank;
    int seats_min, seats_max; /* the target plan's bounds */
    int seats;
    enum bc_period period;
    int64_t unit_price;       /* price(p, f) per seat per period, minor units */
    bool same_plan;           /* target plan is the current plan */
    bool lower_allowed;       /* a lower rank may be ordered (SPEC §3: an operator
                               * performs the downgrade on the customer's behalf) */
};

struct quote_tax {
    int32_t rate_bp;          /* 2200 = 22 % */
    bool reverse_charge;
};

enum quote_line_kind { QUOTE_LINE_CREDIT, QUOTE_LINE_CHARGE, QUOTE_LINE_TAX };

struct quote_line {
    enum quote_line_kind kind;
    int64_t amount;           /* credit lines and their VAT are negative */
    bc_day from, to;          /* the days the line covers [from, to) */
    bool reverse_charge;      /* tax line: 0 because of reverse charge */
};

#define QUOTE_MAX_LINES 4

struct quote_item {
    enum bc_status refusal;   /* BC_OK when the change is allowed */
    struct quote_line lines[QUOTE_MAX_LINES]; /* credit, its VAT, charge, its VAT */
    size_t nlines;
    int64_t credit;           /* >= 0, the credit for unused time */
    int64_t charge;           /* >= 0, the new charge (pre-VAT) */
    int64_t subtotal;         /* charge - credit */
    int64_t tax;              /* sum of the VAT lines */
    int64_t total;            /* subtotal + tax */
    bc_day period_start;      /* the new period [start, end) */
    bc_day period_end;
    bc_day item_start;        /* the new billed item starts on the change day */
    int anchor_day;           /* the new period's anchor day */
};

/* Quotes one change on day `today` under `policy`. Returns BC_OK and fills
 * `out` when allowed. A business refusal (downgrade_requires_support,
 * seats_below_assigned, seats_out_of_range, no_change, date_outside_period)
 * is returned and also stored in out->refusal, with out's figures zeroed.
 * BC_OVERFLOW when an amount does not fit; BC_DATE_OUT_OF_RANGE when the
 * new period would end after BC_DAY_MAX (both also in out->refusal, figures
 * zeroed). Refusal order: date, downgrade (unless to->lower_allowed),
 * seats out of range, seats below assigned, no change. */
enum bc_status quote_item(const struct quote_current *cur,
                          const struct quote_target *to,
                          const struct quote_tax *tax,
                          bc_day today, struct quote_policy policy,
                          struct quote_item *out);

struct quote_totals {
    int64_t subtotal;         /* sum of item subtotals */
    int64_t tax;              /* sum of item taxes */
    int64_t total;            /* T = subtotal + tax */
    int64_t balance_applied;  /* min(C, T) when T > 0, else 0 */
    int64_t due;              /* T - applied when T > 0, else 0 */
    int64_t balance_after;    /* C - applied, or C + (-T) when T <= 0 */
};

/* Sums allowed items and applies the balance C >= 0 once (SPEC §3). */
enum bc_status quote_totals(const struct quote_item *items, size_t n,
                            int64_t balance, struct quote_totals *out);

#endif
