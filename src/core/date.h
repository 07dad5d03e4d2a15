/* date.h — civil dates (YYYY-MM-DD) as day numbers, no clocks, no DST.
 *
 * A day number counts days since 1970-01-01 (which is day 0). Month arithmetic
 * keeps an anchor day clamped to the month's length (SPEC §3). */
#ifndef BC_DATE_H
#define BC_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t bc_day;

enum bc_period { BC_PERIOD_MONTHLY = 0, BC_PERIOD_ANNUAL = 1 };

/* The days billcenter can read and print: 1900-01-01 .. 9999-12-31
 * (date_parse's range). A period that would end after BC_DAY_MAX cannot be
 * billed; period ends are exclusive but are printed, so they must be in it. */
#define BC_DAY_MIN ((bc_day)-25567)
#define BC_DAY_MAX ((bc_day)2932896)

/* "monthly"/"annual" <-> enum. */
const char *bc_period_name(enum bc_period p);
bool bc_period_parse(const char *s, enum bc_period *out);

bc_day date_from_civil(int y, int m, int d);
void date_to_civil(bc_day day, int *y, int *m, int *d);
/* Strict "YYYY-MM-DD" (years 1900..9999, real calendar days). */
bool date_parse(const char *s, bc_day *out);
/* Writes "YYYY-MM-DD" (buf needs 11 bytes). */
void date_format(bc_day day, char buf[11]);
bool date_is_leap(int y);
int date_days_in_month(int y, int m);
/* Day of month of `day` (1..31). */
int date_mday(bc_day day);

/* `day` moved by `months`, landing on `anchor_day` (1..31) clamped to the
 * target month's length: anchor 31 -> Jan 31, Feb 28/29, Mar 31, Apr 30. */
bc_day date_add_months(bc_day day, int months, int anchor_day);
/* End of one period that starts at `start` with anchor day `anchor_day`. */
bc_day date_period_end(bc_day start, enum bc_period p, int anchor_day);

/* Today's civil date in time zone `tz` (IANA name, e.g. "Europe/Rome"),
 * from the system clock. */
bc_day date_today(const char *tz);

#endif
