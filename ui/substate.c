/* substate.c — a subscription's state in words (see substate.h). Italian
 * says a date with its preposition, elided before the days said with a
 * vowel (l'1, l'8, l'11): each phrase has a second context for those. */
#include "substate.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

/* The days whose Italian name starts with a vowel: uno, otto, undici. */
static bool day_vowel(bc_day day)
{
    int y, m, d;
    date_to_civil(day, &y, &m, &d);
    return d == 1 || d == 8 || d == 11;
}

static const char *dash(void)
{
    return term_ascii() ? "-" : "\u2014";
}

bool ui_sub_pending_cancel(const struct store_subscription *s)
{
    return s->auto_renew_off && (s->status == STORE_SUB_ACTIVE || s->status == STORE_SUB_TRIAL);
}

const char *ui_sub_state_word(const struct store_subscription *s)
{
    if (ui_sub_pending_cancel(s))
        return _("Pending cancellation");
    switch (s->status) {
    case STORE_SUB_ACTIVE:
        return C_("subscription state", "Active");
    case STORE_SUB_TRIAL:
        return C_("subscription state", "Trial");
    case STORE_SUB_PAST_DUE:
        return C_("subscription state", "Past due");
    case STORE_SUB_SUSPENDED:
        return C_("subscription state", "Suspended");
    case STORE_SUB_CANCELED:
        return C_("subscription state", "Canceled");
    case STORE_SUB_TRIAL_ENDED:
        return C_("subscription state", "Trial ended");
    }
    return "?";
}

void ui_sub_state_text(const struct store_subscription *s, char *buf, size_t size, attr_t *attr)
{
    char d[32];
    attr_t a = A_NORMAL;
    bool v;
    if (ui_sub_pending_cancel(s)) {
        char ends[64];
        fmt_date(d, sizeof d, s->period_end);
        if (day_vowel(s->period_end))
            snprintf(ends, sizeof ends, C_("state, date after a vowel sound", "ends on %s"), d);
        else
            snprintf(ends, sizeof ends, C_("state", "ends on %s"), d);
        snprintf(buf, size, "%s %s %s", _("Pending cancellation"), dash(), ends);
        a = A_BOLD;
    } else switch (s->status) {
    case STORE_SUB_TRIAL:
        fmt_date(d, sizeof d, s->period_end);
        if (day_vowel(s->period_end))
            snprintf(buf, size, C_("state, date after a vowel sound", "Trial (ends on %s)"), d);
        else
            snprintf(buf, size, C_("state", "Trial (ends on %s)"), d);
        break;
    case STORE_SUB_PAST_DUE: {
        /* Since the unpaid renewal's day, P1. */
        bc_day since = s->past_due_since != 0 ? s->past_due_since : s->period_end;
        fmt_date(d, sizeof d, since);
        if (day_vowel(since))
            snprintf(buf, size, C_("state, date after a vowel sound", "Past due since %s"), d);
        else
            snprintf(buf, size, C_("state", "Past due since %s"), d);
        a = A_BOLD;
        break;
    }
    case STORE_SUB_SUSPENDED:
        snprintf(buf, size, "%s", _("Suspended: service off until paid"));
        a = term_attr(TERM_ERROR) | A_BOLD;
        break;
    case STORE_SUB_CANCELED:
        fmt_date(d, sizeof d, s->period_end);
        v = day_vowel(s->period_end);
        snprintf(buf, size, v ? C_("state, date after a vowel sound", "Canceled on %s")
                              : C_("state", "Canceled on %s"), d);
        break;
    case STORE_SUB_TRIAL_ENDED:
        fmt_date(d, sizeof d, s->period_end);
        v = day_vowel(s->period_end);
        snprintf(buf, size, v ? C_("state, date after a vowel sound", "Trial ended on %s")
                              : C_("state", "Trial ended on %s"), d);
        break;
    default:
        snprintf(buf, size, "%s", ui_sub_state_word(s));
        break;
    }
    if (attr != NULL)
        *attr = a;
}

void ui_sub_scheduled_text(const struct ui_app *app, const struct store_subscription *s,
                           char *buf, size_t size)
{
    buf[0] = '\0';
    if (s->sched_plan == NULL)
        return;
    char what[192] = "", part[96], d[32];
    size_t n = 0;
    if (strcmp(s->sched_plan, s->plan ? s->plan : "") != 0)
        n += (size_t)snprintf(what + n, sizeof what - n, "%s",
                              ui_plan_name(app, s->product, s->sched_plan));
    if (s->sched_seats != s->seats && n < sizeof what) {
        snprintf(part, sizeof part, ngettext("%d seat", "%d seats", (unsigned long)s->sched_seats),
                 s->sched_seats);
        n += (size_t)snprintf(what + n, sizeof what - n, "%s%s", n ? ", " : "", part);
    }
    if (s->sched_period != s->period && n < sizeof what)
        n += (size_t)snprintf(what + n, sizeof what - n, "%s%s", n ? ", " : "",
                              ui_period_label(s->sched_period));
    if (n == 0)   /* the same terms: nothing to say */
        return;
    fmt_date(d, sizeof d, s->period_end);
    /* TRANSLATORS: the change waiting for the renewal ("Lite, 2 seats") and its day. */
    if (day_vowel(s->period_end))
        snprintf(buf, size, C_("scheduled, date after a vowel sound", "%s from %s"), what, d);
    else
        snprintf(buf, size, C_("scheduled", "%s from %s"), what, d);
}
