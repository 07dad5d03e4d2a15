/* substate.h — a subscription's state in words (SPEC §8 "States"), the same
 * on every screen that shows the subscription: Subscriptions' rows and the
 * headers of Modify subscription, Manage seats and Pay now. Words first,
 * color only on top of them (SPEC §7: nothing told by color alone). */
#ifndef BC_UI_SUBSTATE_H
#define BC_UI_SUBSTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "draw.h"

/* "Active", "Trial (ends on D)", "Past due since D", "Suspended: service
 * off until paid", "Pending cancellation — ends on P1", "Canceled on D",
 * "Trial ended on D". *attr (may be NULL): red for suspended, bold for past
 * due and pending cancellation, normal otherwise. */
void ui_sub_state_text(const struct store_subscription *s, char *buf, size_t size, attr_t *attr);
/* The same without its date: "Active", "Trial", "Past due", "Suspended",
 * "Pending cancellation", "Canceled", "Trial ended". */
const char *ui_sub_state_word(const struct store_subscription *s);
/* The change scheduled for the renewal at P1: "Lite from 2026-12-13",
 * "Lite, 2 seats, Annual from ..." (what differs); "" when none. */
void ui_sub_scheduled_text(const struct ui_app *app, const struct store_subscription *s,
                           char *buf, size_t size);
/* Pending cancellation: active (or trial) with auto_renew off. */
bool ui_sub_pending_cancel(const struct store_subscription *s);

#endif
