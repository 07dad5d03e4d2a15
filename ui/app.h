/* app.h — the screen framework (tig's `struct view_ops` habit, htop's
 * handler flags): each screen declares its operations and the size of its
 * private state; the framework allocates that state zeroed when the screen
 * is opened, and after the screen's `done` wipes (explicit_bzero) and frees
 * it. Screens ask for transitions by route name (ui_go...); the framework
 * performs them after the handler returns, so no screen touches the stack
 * or outlives its own state. What the screens share is in struct ui_app. */
#ifndef BC_UI_APP_H
#define BC_UI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "billing.h"
#include "cli.h"
#include "keys.h"
#include "view.h"

/* What a handler did (htop's HandlerResult): UI_IGNORED lets the main loop
 * try its global keys; UI_HANDLED without UI_REDRAW leaves the screen as it
 * is (nothing is laid out again). */
#define UI_IGNORED 0u
#define UI_HANDLED 1u
#define UI_REDRAW 2u
#define UI_DONE (UI_HANDLED | UI_REDRAW)

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
    /* A payment that did not go through (declined, or not confirmed by the
     * processor): shown by the Payment screen under its button, with the
     * processor's decline reason. BC_OK when none. */
    enum bc_status outcome;
    char decline_reason[32];
    int seats_added;                  /* seats gained across the order (reminder) */
    int64_t seats_sub;                /* subscription that gained the most */
    /* The subscriptions as they were, for "what changed". */
    struct {
        int64_t sub;
        char plan[64];
        int seats;
        enum bc_period period;
        char product[64];
        int gained;                   /* seats the order added to it */
    } before[BILLING_MAX_ITEMS];
    size_t nbefore;
};

struct ui_screen;
struct ui_app;

/* What a yes to a question does; `st` is the state of the screen that
 * asked (still open: nothing else runs while a question is open). */
typedef void ui_yes_fn(struct ui_app *app, void *st);

/* One open screen: its operations and the state the framework owns. */
struct ui_view {
    const struct ui_screen *ops;
    void *st;                         /* ops->private_size bytes, or NULL */
};

enum ui_go_kind { UI_GO_PUSH, UI_GO_BACK, UI_GO_BACK_TO, UI_GO_ROOT, UI_GO_SIGN_OUT };

#define UI_MAX_DEPTH 16
#define UI_MAX_PENDING 4

struct ui_app {
    const struct cli_ui_args *args;
    struct billing *b;
    bool kiosk;
    bool operator_mode;               /* an operator: search is the first screen */
    bool quit;

    struct ui_view stack[UI_MAX_DEPTH];
    size_t depth;
    /* Transitions asked for by the handler running now. */
    struct {
        enum ui_go_kind kind;
        const char *route;
        int64_t arg;
    } pending[UI_MAX_PENDING];
    size_t npending;

    char status[512];
    bool status_error;
    bool help_open;
    /* A yes/no question on the status line; the next key answers it. */
    struct {
        bool open;
        char text[256];
        ui_yes_fn *yes;
        void *st;
    } ask;

    /* The account being worked on (the core's account view). */
    bool have_account;
    struct view_account va;
    size_t sub_sel;                   /* selected subscription (index in va.subs) */
    char billing_name[256], billing_email[256];   /* va's billing contact */

    /* Choices on Modify subscription, kept by "Edit order". */
    bool edit_valid;
    struct billing_change edit;

    struct ui_checkout co;
    unsigned checkouts;               /* checkouts started, for co.serial */
};

/* Operations of one screen. `st` is the screen's private state. */
struct ui_screen {
    const char *route;                /* the name transitions use */
    const char *title;                /* N_() marked */
    size_t private_size;              /* bytes of state, zeroed on open */
    unsigned flags;                   /* UI_SCREEN_* */
    /* Called once when the screen is opened, with the transition's argument
     * (a subscription id, or 0). */
    void (*open)(struct ui_app *app, void *st, int64_t arg);
    /* Called when the screen comes to the top (after open, or returned to). */
    void (*enter)(struct ui_app *app, void *st);
    /* Called when the screen closes (back, sign-out, quit): releases what
     * the state owns; the framework then wipes and frees the state. */
    void (*done)(struct ui_app *app, void *st);
    /* Draws the content area rows [top, bottom). */
    void (*draw)(struct ui_app *app, void *st, int top, int bottom);
    /* Handles an action: UI_* flags. */
    unsigned (*action)(struct ui_app *app, void *st, enum ui_action act);
    /* Text typed while a field takes it (UI_IGNORED: not text here); NULL
     * when the screen has none. */
    unsigned (*text)(struct ui_app *app, void *st, wint_t ch);
    /* Keys shown in the footer (ACT_NONE ends). */
    const enum ui_action *(*footer)(struct ui_app *app, void *st);
    /* Lines for the '?' overlay, N_() marked, NULL ends. */
    const char *const *help;
    /* Which printable global keys (KEYS_LIVE_* of keys.h: ? help, q quit,
     * / search) act now instead of going into the focused text field; NULL
     * means all of them. */
    unsigned (*live)(struct ui_app *app, void *st);
    /* The title now, translated, when it depends on the state (NULL: the
     * title above). */
    const char *(*title_now)(struct ui_app *app, void *st);
    /* True while the screen holds a change that quitting would lose (the
     * quit keys ask first); NULL: never. */
    bool (*busy)(struct ui_app *app, void *st);
    /* The '?' lines for what is open now (a menu...), or NULL for `help`;
     * NULL op: always `help`. */
    const char *const *(*help_now)(struct ui_app *app, void *st);
};

/* The title bar shows no account on this screen (the account search). */
#define UI_SCREEN_NO_ACCOUNT 1u
/* A footer too long for the terminal is shortened until every key shows
 * (keys_footer's fit_all). */
#define UI_SCREEN_FOOTER_FIT 2u

/* ---- routes (routes.c) ---- */
/* The screen of a route name, or NULL. */
const struct ui_screen *ui_route(const char *name);
/* The route of the first screen for who is acting (sign-in, an account's
 * home, the account search). */
const char *ui_route_first(const struct ui_app *app);
/* The route a global key opens (c: cart, /: search) and how; NULL when the
 * key opens nothing now. */
const char *ui_route_key(const struct ui_app *app, enum ui_action act, enum ui_go_kind *kind);
/* True for the screens of a checkout under way (Complete transaction,
 * Payment): while one is open, quitting loses a payment in progress. */
bool ui_route_in_checkout(const char *route);

/* ---- transitions (ui.c), performed once the running handler returns ---- */
/* Opens the screen of `route` on top; `arg` goes to its open(). The same
 * screen on top is entered again instead. */
void ui_go(struct ui_app *app, const char *route, int64_t arg);
/* Closes the screen on top (never the last one). */
void ui_go_back(struct ui_app *app);
/* Closes the screens above the first `route` on the stack (or opens it). */
void ui_go_back_to(struct ui_app *app, const char *route);
/* Closes every screen and opens `route` alone. */
void ui_go_root(struct ui_app *app, const char *route, int64_t arg);
/* Kiosk: signs out through the core, closes every screen (each done and
 * wiped), wipes the account and checkout, clears the terminal and opens
 * the first screen. */
void ui_sign_out(struct ui_app *app);
/* True when the screen below the top one exists (Esc has somewhere to go). */
bool ui_can_go_back(const struct ui_app *app);

/* Asks a yes/no question on the status line (default no: any key but the
 * yes key answers no); on yes runs `yes` with the asking screen's state.
 * `question` is already translated and names its keys ("... y/n"). */
void ui_ask(struct ui_app *app, const char *question, ui_yes_fn *yes);
/* True while a screen on the stack holds a change or a payment that
 * quitting would lose. */
bool ui_in_progress(struct ui_app *app);

/* Status line. printf-style; the text is already translated. */
void ui_status(struct ui_app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Shows a core status (translated message) on the status line. */
void ui_status_code(struct ui_app *app, enum bc_status st);
/* Explains why the account cannot be changed, on the status line; true
 * when it can be changed (nothing shown). */
bool ui_may_change(struct ui_app *app);

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
/* What happened to a payment that did not go through (co->outcome) and
 * what happens next, in words for people; "" when nothing is to be said. */
const char *ui_checkout_outcome_text(const struct ui_app *app);

#endif
