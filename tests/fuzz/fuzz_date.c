/* fuzz_date.c — libFuzzer target for the strict date parser and month arithmetic.
 *
 * An accepted date prints back to exactly the input; adding months always
 * lands on a real day equal to the anchor clamped to the month's length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64)
        return 0;
    char s[65];
    memcpy(s, data, size);
    s[size] = '\0';

    bc_day day;
    if (date_parse(s, &day)) {
        char out[11];
        date_format(day, out);
        if (strcmp(out, s) != 0)
            abort();
        int y, m, d;
        date_to_civil(day, &y, &m, &d);
        if (date_from_civil(y, m, d) != day)
            abort();
        /* Months and anchor from bytes after the date, if any. */
        int months = size > 10 ? (int)(int8_t)data[10] : 1;
        int anchor = size > 11 ? data[11] % 33 : d;
        bc_day next = date_add_months(day, months, anchor);
        int ny, nm, nd;
        date_to_civil(next, &ny, &nm, &nd);
        int want_anchor = (anchor < 1 || anchor > 31) ? d : anchor;
        int dim = date_days_in_month(ny, nm);
        if (nd != (want_anchor < dim ? want_anchor : dim))
            abort();
        if ((ny * 12 + nm - 1) - (y * 12 + m - 1) != months)
            abort();
        bc_day end = date_period_end(day, BC_PERIOD_MONTHLY, d);
        if (end <= day || end - day > 31)
            abort();
        end = date_period_end(day, BC_PERIOD_ANNUAL, d);
        if (end - day < 365 || end - day > 366)
            abort();
    }
    enum bc_period p;
    if (bc_period_parse(s, &p) && strcmp(bc_period_name(p), s) != 0)
        abort();
    return 0;
}
