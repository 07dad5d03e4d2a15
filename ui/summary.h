/* summary.h — the figures of a quote as rows of text (Order Summary on
 * Modify subscription, items on the Cart and review pages). Every amount
 * comes from the billing_quote; this only lays them out. */
#ifndef BC_UI_SUMMARY_H
#define BC_UI_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "lifecycle.h"

struct summary_row {
    char label[160];
    char value[48];
    int role;                 /* enum term_role */
    bool rule;                /* a horizontal rule with `label` as heading */
};

#define SUMMARY_MAX_ROWS 256

struct summary {
    struct summary_row rows[SUMMARY_MAX_ROWS];
    size_t n;
};

void summary_reset(struct summary *s);
void summary_add(struct summary *s, int role, const char *label, const char *value);
void summary_rule(struct summary *s, const char *heading);

/* The lines of item i: credit for unused time, new charge and, when
 * `with_vat`, the VAT line of each. */
void summary_item_lines(struct summary *s, const struct ui_app *app,
                        const struct billing_quote *q, size_t i, bool with_vat);
/* Subtotal (optional), VAT, balance applied and Total due. */
void summary_totals(struct summary *s, const struct billing_quote *q, bool with_subtotal);
/* For an item joining a cart with other items: VAT, the credit balance
 * left after the cart's items, what of it this item takes (when any), what it adds
 * to the cart's Total due, and the cart's Total due with it. */
void summary_totals_with_cart(struct summary *s, const struct billing_quote *q,
                              const struct billing_cart_preview *cart);
/* "VAT 22%", "VAT (reverse charge)" or "No VAT (outside the EU)". */
void summary_vat_label(char *buf, size_t size, const struct billing_quote *q);
void summary_vat_rule_label(char *buf, size_t size, const struct vat_decision *v);

/* A change scheduled for the renewal (SPEC §8): "Takes effect on P1;
 * nothing is charged today", then the renewal's estimate from the core
 * (its charge line, VAT and total before the balance). */
void summary_schedule_lines(struct summary *s, const struct ui_app *app, const char *product,
                            const struct billing_schedule_preview *p);

/* Draws rows [first, ...) in rows y..bottom-1, x..x+w. Returns rows drawn. */
size_t summary_draw(const struct summary *s, size_t first, int y, int bottom, int x, int w);

/* A refusal as a sentence for people, with the numbers the message needs
 * (how many seats to unassign, Customer Care's contacts...). */
void summary_refusal_text(char *buf, size_t size, const struct ui_app *app,
                          enum bc_status refusal, int want_seats);

/* What a change does to one subscription, in the words the confirmation
 * uses: "GoToWebinar: Standard, 2 → 3 seats", "GoToMeeting: Professional →
 * Business", "GoToMeeting: Professional, Monthly → Annual". Seats and billing
 * frequency are named only when they change; the plan always when
 * `plan_always`, otherwise only when it changes. */
void summary_change_text(char *buf, size_t size, const struct ui_app *app, const char *product,
                         const char *pfrom, const char *pto, int sfrom, int sto,
                         enum bc_period ffrom, enum bc_period fto, bool plan_always);

#endif
