/* vt.h — drive a program in a pseudo-terminal and read its screen through
 * libvterm, for billcenter's end-to-end tests (STYLE.md "Testing an ncurses
 * program without a display"). Every wait polls the pty with a deadline;
 * nothing sleeps and hopes. A failed wait prints the screen to stderr so the
 * test log shows what the program showed instead. */
#ifndef BC_E2E_VT_H
#define BC_E2E_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct vt;

/* Keys sent through libvterm's keyboard, so cursor keys follow the mode the
 * program asked for (ncurses' keypad mode switches them to "\x1bOB" etc.). */
enum vt_key {
    VT_ENTER,       /* "\r" */
    VT_ESC,         /* "\x1b" */
    VT_TAB,         /* "\t" */
    VT_BACKTAB,     /* "\x1b[Z" */
    VT_BACKSPACE,   /* "\x7f" */
    VT_UP,
    VT_DOWN,
    VT_LEFT,
    VT_RIGHT,
    VT_HOME,
    VT_END,
    VT_PAGEUP,
    VT_PAGEDOWN,
    VT_DELETE,
};

/* Runs argv[0] (searched in PATH) in a new pseudo-terminal of rows x cols.
 * The child's environment is ours with TERM=xterm-256color and LANG=C.UTF-8
 * (LC_ALL, LINES and COLUMNS removed), then envp_extra applied in order:
 * "NAME=value" sets, "NAME" alone unsets. envp_extra may be NULL.
 * Returns NULL (message on stderr) on failure; caller destroys. */
struct vt *vt_spawn(const char *const argv[], const char *const envp_extra[],
                    int rows, int cols);

/* Kills (SIGKILL) the child if still running, reaps it, frees. NULL ok. */
void vt_destroy(struct vt *vt);

/* Reads whatever the program has written within timeout_ms (0: only what is
 * already there) into the emulator. Returns false once the pty is closed. */
bool vt_pump(struct vt *vt, int timeout_ms);

/* Polls until the screen contains / no longer contains text (UTF-8). */
bool vt_wait_text(struct vt *vt, const char *text, int timeout_ms);
bool vt_wait_gone(struct vt *vt, const char *text, int timeout_ms);
/* Polls until row `row` (0-based) contains text: a title bar, a footer. */
bool vt_wait_row_text(struct vt *vt, int row, const char *text, int timeout_ms);
/* Polls until the program has written nothing for quiet_ms (bounded by
 * timeout_ms): the screen has settled after a change already waited for. */
bool vt_wait_quiet(struct vt *vt, int quiet_ms, int timeout_ms);

/* True if the screen shows text now (after reading pending output). */
bool vt_has_text(struct vt *vt, const char *text);

/* Writes raw bytes (typed text, "\r", ...) to the program. */
bool vt_send(struct vt *vt, const char *bytes);
bool vt_key(struct vt *vt, enum vt_key key);
/* Sends key n times. */
bool vt_keys(struct vt *vt, enum vt_key key, int n);

/* Resizes the pty (TIOCSWINSZ: the child gets SIGWINCH) and the emulator. */
bool vt_resize(struct vt *vt, int rows, int cols);

/* The screen as UTF-8: rows joined by '\n' (no final newline), trailing
 * spaces of each row trimmed. Returns the length (truncated to size-1). */
size_t vt_screen_text(struct vt *vt, char *buf, size_t size);
/* One row (0-based), trimmed. */
size_t vt_screen_row(struct vt *vt, int row, char *buf, size_t size);
/* Prints the screen to stderr, framed, with a heading. */
void vt_dump(struct vt *vt, const char *why);

/* Cells drawn with a foreground or background color other than the
 * terminal's default (0 when the program uses no color). */
int vt_colored_cells(struct vt *vt);

/* Bytes the program has written so far. */
size_t vt_bytes(const struct vt *vt);
int vt_rows(const struct vt *vt);
int vt_cols(const struct vt *vt);
pid_t vt_pid(const struct vt *vt);

/* Waits for the child to exit; *status gets the waitpid status (may be
 * NULL). Returns false on timeout. */
bool vt_wait_exit(struct vt *vt, int timeout_ms, int *status);
bool vt_kill(struct vt *vt, int sig);
/* True while the child has not exited (checked without waiting). */
bool vt_running(struct vt *vt);

#endif
