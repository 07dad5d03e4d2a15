/* app.h — the state the screens share and the table of screen operations
 * (tig's `struct view` habit): one `struct ui_screen` per screen file, the
 * main loop in ui.c dispatches named actions to the screen on top. */
#ifndef BC_UI_APP_H
#define BC_UI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "billing.h"
#include "cli.h"
#include "keys.h"
#include "store.h"

enum ui_screen_id {
    UI_SCR_SEARCH, UI_SCR_HOME, UI_SCR_MODIFY, UI_SCR_CART, UI_SCR_REVIEW,
    UI_SCR_PAYMENT, UI_SCR_CONFIRM, UI_SCR_SEATS, UI_SCR_HISTORY, UI_SCR_SIGNIN,
    UI_SCR_COUNT
};

/* One checkout: from "Complete transaction" to the order (or giving up).
 * The idempotency key is made once and kept across retries of the same
 * checkout, so a retry can never charge twice. */
struct ui_checkout {
    unsigned serial;                  /* which checkout (fields typed belong to it) */
    bool is_cart;                     /* the cart, or the one change below */
    struct billing_change change;
    char key[33];
    struct billing_quote quote;       /* the figures on screen */
    bool quoted;
    bool keep_quote;                  /* review shows `quote` as is (stale figures) */
    struct billing_result result;     /* after placing */
    int seats_added;                  /* seats gained (confirmation reminder) */
    int64_t seats_sub;                /* subscription that gained them */
    /* The subscriptions as they were, for "what changed". */
    struct {
        int64_t sub;
        char plan[64];
        int seats;
        enum bc_period period;
    } before[BILLING_MAX_ITEMS];
    size_t nbefore;
};

struct ui_app {
    const struct cli_ui_args *args;
    struct billing *b;
    bool kiosk;
    bool operator_mode;               /* an operator: search is the first screen */
    bool quit;

    enum ui_screen_id stack[16];
    size_t depth;

    char status[512];
    bool status_error;
    bool help_open;

    /* The account being worked on. */
    bool have_account;
    struct store_account acct;
    struct billing_rights rights;
    struct store_subscription_list subs;
    size_t sub_sel;                   /* selected subscription (index in subs) */
    size_t cart_count;
    char billing_name[256], billing_email[256];

    /* Choices on Modify subscription, kept by "Edit order". */
    bool edit_valid;
    struct billing_change edit;

    struct ui_checkout co;
    unsigned checkouts;               /* checkouts started, for co.serial */
};

/* Operations of one screen. */
struct ui_screen {
    const char *title;                /* N_() marked */
    /* Called when the screen comes to the top (pushed or returned to). */
    void (*enter)(struct ui_app *app);
    /* Draws the content area rows [top, bottom). */
    void (*draw)(struct ui_app *app, int top, int bottom);
    /* Handles an action; false when the main loop should handle it. */
    bool (*action)(struct ui_app *app, enum ui_action act);
    /* Text typed while a field takes it; NULL when the screen has none. */
    bool (*text)(struct ui_app *app, wint_t ch);
    /* Keys shown in the footer (ACT_NONE ends). */
    const enum ui_action *(*footer)(struct ui_app *app);
    /* Lines for the '?' overlay, N_() marked, NULL ends. */
    const char *const *help;
    /* Which printable global keys (KEYS_LIVE_* of keys.h: ? help, q quit,
     * / search) act now instead of going into the focused text field; NULL
     * means all of them. */
    unsigned (*live)(const struct ui_app *app);
};

extern const struct ui_screen scr_search, scr_home, scr_modify, scr_cart, scr_review,
    scr_payment, scr_confirm, scr_seats, scr_history, scr_signin;

/* ---- navigation and shared helpers (ui.c) ---- */
void ui_push(struct ui_app *app, enum ui_screen_id id);
void ui_pop(struct ui_app *app);
/* Drops screens above the first `id` on the stack (or pushes it). */
void ui_back_to(struct ui_app *app, enum ui_screen_id id);
enum ui_screen_id ui_top(const struct ui_app *app);

/* Status line. printf-style; the text is already translated. */
void ui_status(struct ui_app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Shows a core status (translated message) on the status line. */
void ui_status_code(struct ui_app *app, enum bc_status st);
/* Explains why the account cannot be changed, on the status line; true
 * when it can be changed (nothing shown). */
bool ui_may_change(struct ui_app *app);

/* Kiosk: forgets the signed-in contact and everything shown for them,
 * clears the terminal and returns to the sign-in screen. */
void ui_sign_out(struct ui_app *app);
/* Empties the sign-in fields (scr_signin.c), wiping the PIN. */
void ui_signin_reset(void);

/* Loads (or reloads) the account, its rights, subscriptions and cart count. */
enum bc_status ui_load_account(struct ui_app *app, int64_t account_id);
/* The selected subscription, or NULL. */
const struct store_subscription *ui_sub(const struct ui_app *app);
/* Product and plan display names (fall back to ids). Borrowed. */
const char *ui_product_name(const struct ui_app *app, const char *product_id);
const char *ui_plan_name(const struct ui_app *app, const char *product_id, const char *plan_id);
/* "Monthly" / "Annual", translated. */
const char *ui_period_label(enum bc_period p);

/* ---- checkout (checkout.c) ---- */
/* Quotes the checkout (one change or the cart) into app->co.quote. */
enum bc_status ui_checkout_quote(struct ui_app *app);
/* Places the checkout with the Total due on screen as expect_due. On
 * success goes to the confirmation; a stale quote shows the new figures;
 * a refusal or error is left on the status line. */
void ui_checkout_place(struct ui_app *app, const struct billing_payment *pay);

/* Rows drawn in a scrolled list: keeps `sel` visible in `rows` rows. */
size_t ui_scroll_top(size_t sel, size_t top, size_t rows, size_t n);

#endif
