/* keys.h — one table from keys to named actions (dialog's habit), and the
 * footer that lists the keys working on the current screen. */
#ifndef BC_UI_KEYS_H
#define BC_UI_KEYS_H

#include <stdbool.h>
#include <wchar.h>

enum ui_action {
    ACT_NONE,
    ACT_UP, ACT_DOWN, ACT_LEFT, ACT_RIGHT, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END,
    ACT_ENTER, ACT_TAB, ACT_BACKTAB, ACT_BACK, ACT_TOGGLE,
    ACT_PLUS, ACT_MINUS, ACT_ERASE,
    ACT_CLEAR,        /* Ctrl-U: empties the focused text field */
    ACT_HELP, ACT_CART, ACT_SEARCH, ACT_QUIT,
    ACT_EDIT, ACT_SEATS, ACT_HISTORY, ACT_REMOVE, ACT_ADD_USER, ACT_MANAGE,
    ACT_OPTIONS, ACT_RESIZE,
    ACT_SIGNOUT,      /* no key of its own: Esc on a kiosk's first screen (footer label) */
    ACT_ESC_CLEAR,    /* no key of its own: Esc empties the search field (footer label) */
    ACT_ESC_LEAVE,    /* no key of its own: Esc leaves the focused text field (footer label) */
    ACT_CTRL_QUIT,    /* no key of its own: Ctrl-Q, the quit that works in text fields (footer label) */
    ACT_INVOICES,     /* i: the account's invoices and credit notes */
    ACT_SAVE_PDF, ACT_SAVE_XML, ACT_SEND,   /* p, f, n: a fiscal document (operators) */
    ACT_NEW_ACCOUNT,  /* Ctrl-N: a new account (operators, from Find an account) */
    ACT_COUNT
};

/* The action of a key read by wget_wch (`is_key`: a KEY_* code). Actions
 * switched off in kiosk mode (quit, search) come back as ACT_NONE. */
enum ui_action keys_action(wint_t ch, bool is_key, bool kiosk);

/* True when `ch` is text a field may take (not a control or function key). */
bool keys_is_text(wint_t ch, bool is_key);

/* The global keys that are also printable (? help, q quit, / search) act
 * only when the screen says so: in a text field they may be text. A screen
 * reports the live ones as a mask of these bits. */
#define KEYS_LIVE_HELP 1u
#define KEYS_LIVE_QUIT 2u
#define KEYS_LIVE_SEARCH 4u
#define KEYS_LIVE_ALL (KEYS_LIVE_HELP | KEYS_LIVE_QUIT | KEYS_LIVE_SEARCH)

/* True when `ch` is one of those keys and its bit is in `live` (so it acts
 * instead of being typed). */
bool keys_live(wint_t ch, bool is_key, bool kiosk, unsigned live);

/* Draws the footer on the last row: the keys of `acts` (ACT_NONE ends the
 * list) followed by the global ones that work now (`live`, KEYS_LIVE_*).
 * Where q is text (not live), Ctrl-Q is listed as the way to quit. With
 * `fit_all`, a footer too long for the terminal is shortened (shorter
 * labels, then no "? help", then single spaces) until every key shows;
 * otherwise the keys that do not fit are left out. */
void keys_footer(const enum ui_action *acts, bool kiosk, bool operator_mode, unsigned live,
                 bool fit_all);

/* True when the key answers yes to a question (y, or the translated yes
 * key, e.g. s in Italian); any other key answers no. */
bool keys_is_yes(wint_t ch, bool is_key);
/* Draws the footer of an open question: the yes key and the no keys. */
void keys_footer_question(void);

#endif
