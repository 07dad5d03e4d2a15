/* term.h — the one module that owns the terminal: start-up modes, colors
 * with a monochrome scheme, UTF-8 or ASCII drawing, signals, and messages
 * kept until the terminal is given back. */
#ifndef BC_UI_TERM_H
#define BC_UI_TERM_H

#include <stdbool.h>
#include <curses.h>

/* What a cell means; each role has a color and a monochrome attribute, and
 * nothing is told by color alone (markers and text carry the meaning). */
enum term_role {
    TERM_NORMAL,
    TERM_TITLE,      /* top bar */
    TERM_SELECTED,   /* the row or field under the cursor */
    TERM_HEADING,    /* section headings */
    TERM_KEY,        /* key names in the footer */
    TERM_ERROR,      /* refusals and errors on the status line */
    TERM_OK,         /* confirmations on the status line */
    TERM_DISABLED,   /* tiers that cannot be chosen */
    TERM_TOTAL,      /* Total due */
    TERM_FIELD,      /* editable fields */
    TERM_ROLE_COUNT
};

/* Starts curses. `utf8` says whether the terminal takes UTF-8; `kiosk`
 * ignores SIGINT, SIGQUIT and SIGTSTP. False when the terminal cannot be
 * used (the reason is buffered for stderr). */
bool term_start(bool utf8, bool kiosk);
/* Gives the terminal back and prints buffered messages. Idempotent. */
void term_stop(void);

/* True once SIGTERM or SIGHUP arrived. */
bool term_should_exit(void);
/* True (once) when SIGINT (Ctrl-C) arrived outside kiosk mode since the
 * last call. */
bool term_take_interrupt(void);

bool term_ascii(void);
attr_t term_attr(enum term_role role);

/* Keeps a message for stderr until the terminal is restored. */
void term_defer_message(const char *msg);

#endif
