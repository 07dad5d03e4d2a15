/* term.c — owns the terminal (htop's CRT.c habit).
 *
 * Everything about the terminal is decided here once: cbreak/noecho/keypad,
 * a short ESCDELAY unless the user set one, colors only when the terminal has
 * them and NO_COLOR is unset or empty, ASCII drawing when the locale is not
 * UTF-8, signals that end the session cleanly, and stderr messages held back
 * until endwin() so that nothing scribbles over the screen. */
#include "term.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t term_exit_flag;
static volatile sig_atomic_t term_interrupt_flag;
static bool term_running;
static bool term_is_ascii;
static bool term_colors;
static char term_messages[2048];

enum term_pair {
    TERM_PAIR_TITLE = 1, TERM_PAIR_SELECTED, TERM_PAIR_HEADING, TERM_PAIR_KEY,
    TERM_PAIR_ERROR, TERM_PAIR_OK, TERM_PAIR_DISABLED, TERM_PAIR_TOTAL, TERM_PAIR_FIELD,
};

static void term_on_signal(int sig)
{
    (void)sig;
    term_exit_flag = 1;
}

/* Ctrl-C: the UI decides (it may ask before losing a change). */
static void term_on_interrupt(int sig)
{
    (void)sig;
    term_interrupt_flag = 1;
}

static void term_atexit(void)
{
    term_stop();
}

void term_defer_message(const char *msg)
{
    size_t used = strlen(term_messages);
    if (msg == NULL || used + 2 >= sizeof term_messages)
        return;
    snprintf(term_messages + used, sizeof term_messages - used, "%s\n", msg);
}

static void term_signals(bool kiosk)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = term_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (kiosk) {
        /* No way out to a shell from a kiosk. */
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
    } else {
        sa.sa_handler = term_on_interrupt;
        sigaction(SIGINT, &sa, NULL);
    }
}

static void term_init_colors(void)
{
    const char *nc = getenv("NO_COLOR");
    term_colors = has_colors() && (nc == NULL || nc[0] == '\0');
    if (!term_colors)
        return;
    if (start_color() != OK) {
        term_colors = false;
        return;
    }
    short bg = COLOR_BLACK;
    if (use_default_colors() == OK)
        bg = -1;
    init_pair(TERM_PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
    init_pair(TERM_PAIR_SELECTED, COLOR_BLACK, COLOR_CYAN);
    init_pair(TERM_PAIR_HEADING, COLOR_CYAN, bg);
    init_pair(TERM_PAIR_KEY, COLOR_YELLOW, bg);
    init_pair(TERM_PAIR_ERROR, COLOR_RED, bg);
    init_pair(TERM_PAIR_OK, COLOR_GREEN, bg);
    init_pair(TERM_PAIR_DISABLED, COLOR_BLUE, bg);
    init_pair(TERM_PAIR_TOTAL, COLOR_YELLOW, bg);
    init_pair(TERM_PAIR_FIELD, COLOR_WHITE, bg);
}

/* Sequences that xterm-likes (and tmux, screen) send but some terminfo
 * entries do not list — vt100 has no back-tab — so that Shift-Tab is not
 * read as Esc (back) followed by "[Z". As htop does for its extra keys. */
static void term_extra_keys(void)
{
    static const struct { const char *seq; int key; } extra[] = {
        {"\033[Z", KEY_BTAB},
        {"\033[H", KEY_HOME}, {"\033[F", KEY_END},
        {"\033OH", KEY_HOME}, {"\033OF", KEY_END},
        {"\033[1~", KEY_HOME}, {"\033[4~", KEY_END},
    };
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (key_defined(extra[i].seq) <= 0)
            define_key(extra[i].seq, extra[i].key);
}

bool term_start(bool utf8, bool kiosk)
{
    term_is_ascii = !utf8;
    if (getenv("ESCDELAY") == NULL)
        set_escdelay(25);
    term_signals(kiosk);
    if (newterm(NULL, stdout, stdin) == NULL) {
        term_defer_message("billcenter: the terminal cannot be used (check TERM)");
        return false;
    }
    term_running = true;
    atexit(term_atexit);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    term_extra_keys();
    /* Ctrl-Q (quit) must reach the program, not restart the output: no
     * XON/XOFF flow control while curses runs (endwin restores it). */
    struct termios tio;
    if (tcgetattr(STDIN_FILENO, &tio) == 0) {
        tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
        tcsetattr(STDIN_FILENO, TCSANOW, &tio);
        def_prog_mode();
    }
    curs_set(0);
    /* Wake up now and then to notice SIGTERM/SIGHUP; nothing on screen
     * depends on the clock, so a wake-up repaints nothing. */
    wtimeout(stdscr, 200);
    term_init_colors();
    return true;
}

void term_stop(void)
{
    if (term_running) {
        term_running = false;
        curs_set(1);
        endwin();
    }
    if (term_messages[0] != '\0') {
        fputs(term_messages, stderr);
        term_messages[0] = '\0';
    }
}

bool term_should_exit(void)
{
    return term_exit_flag != 0;
}

bool term_take_interrupt(void)
{
    if (term_interrupt_flag == 0)
        return false;
    term_interrupt_flag = 0;
    return true;
}

bool term_ascii(void)
{
    return term_is_ascii;
}

attr_t term_attr(enum term_role role)
{
    static const attr_t mono[TERM_ROLE_COUNT] = {
        [TERM_NORMAL] = A_NORMAL,
        [TERM_TITLE] = A_REVERSE,
        [TERM_SELECTED] = A_REVERSE,
        [TERM_HEADING] = A_BOLD | A_UNDERLINE,
        [TERM_KEY] = A_BOLD,
        [TERM_ERROR] = A_BOLD,
        [TERM_OK] = A_NORMAL,
        [TERM_DISABLED] = A_DIM,
        [TERM_TOTAL] = A_BOLD,
        [TERM_FIELD] = A_UNDERLINE,
    };
    static const short pair[TERM_ROLE_COUNT] = {
        [TERM_TITLE] = TERM_PAIR_TITLE, [TERM_SELECTED] = TERM_PAIR_SELECTED,
        [TERM_HEADING] = TERM_PAIR_HEADING, [TERM_KEY] = TERM_PAIR_KEY,
        [TERM_ERROR] = TERM_PAIR_ERROR, [TERM_OK] = TERM_PAIR_OK,
        [TERM_TOTAL] = TERM_PAIR_TOTAL,
        [TERM_FIELD] = TERM_PAIR_FIELD,
    };
    if ((unsigned)role >= TERM_ROLE_COUNT)
        return A_NORMAL;
    if (!term_colors || pair[role] == 0)
        return mono[role];
    /* Colors add to the monochrome emphasis, they never replace it. */
    attr_t a = COLOR_PAIR(pair[role]);
    if (role == TERM_HEADING || role == TERM_KEY || role == TERM_ERROR || role == TERM_TOTAL
        || role == TERM_TITLE)
        a |= A_BOLD;
    if (role == TERM_FIELD)
        a |= A_UNDERLINE;
    return a;
}
