/* date.c — civil-date arithmetic on day numbers (days since 1970-01-01).
 *
 * Proration counts whole days between civil dates, so dates never carry a
 * clock time or a DST offset. The conversions are Howard Hinnant's
 * days_from_civil / civil_from_days; the only clock read is date_today(). */
#include "date.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *bc_period_name(enum bc_period p)
{
    return p == BC_PERIOD_ANNUAL ? "annual" : "monthly";
}

bool bc_period_parse(const char *s, enum bc_period *out)
{
    if (!s || !out)
        return false;
    if (strcmp(s, "monthly") == 0) {
        *out = BC_PERIOD_MONTHLY;
        return true;
    }
    if (strcmp(s, "annual") == 0) {
        *out = BC_PERIOD_ANNUAL;
        return true;
    }
    return false;
}

bc_day date_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;                                  /* [0, 399] */
    const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return (bc_day)(era * 146097 + doe - 719468);
}

void date_to_civil(bc_day day, int *y, int *m, int *d)
{
    const int32_t z = day + 719468;
    const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int32_t doe = z - era * 146097;                                   /* [0, 146096] */
    const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            /* [0, 365] */
    const int32_t mp = (5 * doy + 2) / 153;                                 /* [0, 11] */
    const int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    const int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    int yy = (int)(yoe + era * 400);
    yy += mm <= 2;
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
}

bool date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && date_is_leap(y) ? 29 : days[m - 1];
}

static bool date_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool date_parse(const char *s, bc_day *out)
{
    int y, m, d;
    if (!s || !out || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!date_digits(s, 4, &y) || !date_digits(s + 5, 2, &m) || !date_digits(s + 8, 2, &d))
        return false;
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
        return false;
    *out = date_from_civil(y, m, d);
    return true;
}

void date_format(bc_day day, char buf[11])
{
    int y, m, d;
    date_to_civil(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        /* Outside what YYYY can show; never write past the 11 bytes. */
        memcpy(buf, "0000-00-00", 11);
        return;
    }
    static const int widths[3] = {4, 2, 2};
    const int parts[3] = {y, m, d};
    char *p = buf;
    for (int i = 0; i < 3; i++) {
        int v = parts[i];
        for (int k = widths[i] - 1; k >= 0; k--) {
            p[k] = (char)('0' + v % 10);
            v /= 10;
        }
        p += widths[i];
        *p++ = i < 2 ? '-' : '\0';
    }
}

int date_mday(bc_day day)
{
    int d;
    date_to_civil(day, NULL, NULL, &d);
    return d;
}

bc_day date_add_months(bc_day day, int months, int anchor_day)
{
    int y, m, d;
    date_to_civil(day, &y, &m, &d);
    if (anchor_day < 1 || anchor_day > 31)
        anchor_day = d;
    /* Month index from year 0, so negative month counts work too. */
    long idx = (long)y * 12 + (m - 1) + months;
    long ny = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
    int nm = (int)(idx - ny * 12) + 1;
    int dim = date_days_in_month((int)ny, nm);
    return date_from_civil((int)ny, nm, anchor_day < dim ? anchor_day : dim);
}

bc_day date_period_end(bc_day start, enum bc_period p, int anchor_day)
{
    return date_add_months(start, p == BC_PERIOD_ANNUAL ? 12 : 1, anchor_day);
}

bc_day date_today(const char *tz)
{
    time_t now = time(NULL);
    struct tm tm;
    char *saved = NULL;
    bool had_tz = false;

    if (tz && *tz) {
        const char *old = getenv("TZ");
        if (old) {
            had_tz = true;
            saved = strdup(old);
        }
        setenv("TZ", tz, 1);
        tzset();
    }
    bool ok = localtime_r(&now, &tm) != NULL;
    if (tz && *tz) {
        if (had_tz && saved)
            setenv("TZ", saved, 1);
        else
            unsetenv("TZ");
        tzset();
        free(saved);
    }
    if (!ok)
        return (bc_day)(now / 86400);
    return date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
