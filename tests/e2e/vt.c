/* vt.c — a program in a pseudo-terminal (forkpty) whose output feeds a
 * libvterm screen, so end-to-end tests read what a user would see. Waits poll
 * the pty fd with the remaining deadline; they never sleep blindly. */
#include "vt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

struct vt {
    pid_t pid;
    int fd;             /* pty master; -1 once closed */
    VTerm *term;
    VTermScreen *screen;
    int rows, cols;
    size_t bytes;       /* written by the program */
    bool eof;           /* the pty reported hangup */
    bool reaped;
    int status;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* libvterm's replies (cursor position reports, key sequences) go to the
 * program as if typed on the terminal. */
static void on_output(const char *s, size_t len, void *user)
{
    struct vt *vt = user;
    if (vt->fd >= 0)
        (void)write_all(vt->fd, s, len);
}

static void child_env(const char *const envp_extra[])
{
    unsetenv("LC_ALL");
    unsetenv("LINES");
    unsetenv("COLUMNS");
    unsetenv("LANGUAGE");
    setenv("TERM", "xterm-256color", 1);
    setenv("LANG", "C.UTF-8", 1);
    for (size_t i = 0; envp_extra && envp_extra[i]; i++) {
        const char *eq = strchr(envp_extra[i], '=');
        if (!eq) {
            unsetenv(envp_extra[i]);
            continue;
        }
        char name[256];
        size_t n = (size_t)(eq - envp_extra[i]);
        if (n == 0 || n >= sizeof name)
            continue;
        memcpy(name, envp_extra[i], n);
        name[n] = '\0';
        setenv(name, eq + 1, 1);
    }
}

struct vt *vt_spawn(const char *const argv[], const char *const envp_extra[],
                    int rows, int cols)
{
    struct vt *vt = calloc(1, sizeof *vt);
    if (!vt)
        return NULL;
    vt->fd = -1;
    vt->rows = rows;
    vt->cols = cols;
    vt->term = vterm_new(rows, cols);
    if (!vt->term)
        goto fail;
    vterm_set_utf8(vt->term, 1);
    vterm_output_set_callback(vt->term, on_output, vt);
    vt->screen = vterm_obtain_screen(vt->term);
    vterm_screen_enable_altscreen(vt->screen, 1);
    vterm_screen_reset(vt->screen, 1);

    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    fflush(NULL);
    pid_t pid = forkpty(&vt->fd, NULL, NULL, &ws);
    if (pid < 0) {
        fprintf(stderr, "vt_spawn: forkpty: %s\n", strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        child_env(envp_extra);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "vt_spawn: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    vt->pid = pid;
    (void)fcntl(vt->fd, F_SETFD, FD_CLOEXEC);
    return vt;

fail:
    if (vt->term)
        vterm_free(vt->term);
    free(vt);
    return NULL;
}

static void reap(struct vt *vt, bool block)
{
    if (vt->reaped || vt->pid <= 0)
        return;
    int st;
    pid_t r;
    do
        r = waitpid(vt->pid, &st, block ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == vt->pid) {
        vt->reaped = true;
        vt->status = st;
    }
}

void vt_destroy(struct vt *vt)
{
    if (!vt)
        return;
    if (!vt->reaped && vt->pid > 0) {
        reap(vt, false);
        if (!vt->reaped) {
            kill(vt->pid, SIGKILL);
            reap(vt, true);
        }
    }
    if (vt->fd >= 0)
        close(vt->fd);
    vterm_free(vt->term);
    free(vt);
}

bool vt_pump(struct vt *vt, int timeout_ms)
{
    if (vt->eof)
        return false;
    struct pollfd pfd = {.fd = vt->fd, .events = POLLIN};
    int wait = timeout_ms < 0 ? 0 : timeout_ms;
    for (;;) {
        int r = poll(&pfd, 1, wait);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (r == 0)
            return true;
        char buf[8192];
        ssize_t n = read(vt->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {            /* EIO: every slave fd closed */
            vt->eof = true;
            return false;
        }
        vt->bytes += (size_t)n;
        vterm_input_write(vt->term, buf, (size_t)n);
        /* Drain what is already there without waiting again. */
        wait = 0;
    }
}

static size_t put_utf8(char *out, uint32_t c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Appends row `row` to buf at *len (bounded by size-1), trims trailing spaces. */
static void append_row(struct vt *vt, int row, char *buf, size_t size, size_t *len)
{
    size_t start = *len;
    for (int col = 0; col < vt->cols;) {
        VTermScreenCell cell;
        VTermPos pos = {.row = row, .col = col};
        int width = 1;
        char tmp[VTERM_MAX_CHARS_PER_CELL * 4];
        size_t n = 0;
        if (vterm_screen_get_cell(vt->screen, pos, &cell)) {
            if (cell.width > 1)
                width = cell.width;
            if (cell.chars[0] == 0 || cell.chars[0] == (uint32_t)-1)
                tmp[n++] = ' ';
            for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] &&
                            cell.chars[i] != (uint32_t)-1; i++)
                n += put_utf8(tmp + n, cell.chars[i]);
        } else {
            tmp[n++] = ' ';
        }
        if (*len + n < size) {
            memcpy(buf + *len, tmp, n);
            *len += n;
        }
        col += width;
    }
    while (*len > start && buf[*len - 1] == ' ')
        (*len)--;
    buf[*len] = '\0';
}

size_t vt_screen_text(struct vt *vt, char *buf, size_t size)
{
    if (size == 0)
        return 0;
    size_t len = 0;
    buf[0] = '\0';
    for (int row = 0; row < vt->rows; row++) {
        if (row > 0 && len + 1 < size)
            buf[len++] = '\n';
        append_row(vt, row, buf, size, &len);
    }
    buf[len] = '\0';
    return len;
}

size_t vt_screen_row(struct vt *vt, int row, char *buf, size_t size)
{
    if (size == 0)
        return 0;
    size_t len = 0;
    buf[0] = '\0';
    if (row >= 0 && row < vt->rows)
        append_row(vt, row, buf, size, &len);
    return len;
}

int vt_colored_cells(struct vt *vt)
{
    vt_pump(vt, 0);
    int n = 0;
    for (int row = 0; row < vt->rows; row++)
        for (int col = 0; col < vt->cols; col++) {
            VTermScreenCell cell;
            VTermPos pos = {.row = row, .col = col};
            if (vterm_screen_get_cell(vt->screen, pos, &cell) &&
                (!VTERM_COLOR_IS_DEFAULT_FG(&cell.fg) || !VTERM_COLOR_IS_DEFAULT_BG(&cell.bg)))
                n++;
        }
    return n;
}

void vt_dump(struct vt *vt, const char *why)
{
    size_t size = (size_t)vt->rows * ((size_t)vt->cols * 4 + 1) + 1;
    char *buf = malloc(size);
    if (!buf)
        return;
    vt_screen_text(vt, buf, size);
    fprintf(stderr, "---- %s (screen %dx%d, %zu bytes read%s) ----\n", why,
            vt->cols, vt->rows, vt->bytes, vt->eof ? ", program gone" : "");
    const char *p = buf;
    for (int row = 0; row < vt->rows; row++) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(stderr, "|%.*s\n", n, p);
        if (!nl)
            break;
        p = nl + 1;
    }
    fprintf(stderr, "---- end of screen ----\n");
    free(buf);
}

static bool screen_has(struct vt *vt, const char *text)
{
    size_t size = (size_t)vt->rows * ((size_t)vt->cols * 4 + 1) + 1;
    char *buf = malloc(size);
    if (!buf)
        return false;
    vt_screen_text(vt, buf, size);
    bool has = strstr(buf, text) != NULL;
    free(buf);
    return has;
}

bool vt_has_text(struct vt *vt, const char *text)
{
    vt_pump(vt, 0);
    return screen_has(vt, text);
}

static bool row_has(struct vt *vt, int row, const char *text)
{
    char buf[4096];
    vt_screen_row(vt, row, buf, sizeof buf);
    return strstr(buf, text) != NULL;
}

/* row < 0: anywhere on the screen */
static bool wait_for(struct vt *vt, int row, const char *text, bool present, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        vt_pump(vt, 0);
        if ((row < 0 ? screen_has(vt, text) : row_has(vt, row, text)) == present)
            return true;
        int64_t left = deadline - now_ms();
        if (left <= 0 || vt->eof)
            break;
        vt_pump(vt, (int)left);
    }
    char why[512];
    if (row < 0)
        snprintf(why, sizeof why, "timed out after %d ms waiting for \"%s\" to %s",
                 timeout_ms, text, present ? "appear" : "disappear");
    else
        snprintf(why, sizeof why, "timed out after %d ms waiting for \"%s\" to %s on row %d",
                 timeout_ms, text, present ? "appear" : "disappear", row);
    vt_dump(vt, why);
    return false;
}

bool vt_wait_text(struct vt *vt, const char *text, int timeout_ms)
{
    return wait_for(vt, -1, text, true, timeout_ms);
}

bool vt_wait_row_text(struct vt *vt, int row, const char *text, int timeout_ms)
{
    return wait_for(vt, row, text, true, timeout_ms);
}

bool vt_wait_gone(struct vt *vt, const char *text, int timeout_ms)
{
    return wait_for(vt, -1, text, false, timeout_ms);
}

bool vt_wait_quiet(struct vt *vt, int quiet_ms, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        size_t before = vt->bytes;
        int64_t left = deadline - now_ms();
        int wait = left < quiet_ms ? (int)left : quiet_ms;
        if (wait <= 0)
            return false;
        int64_t start = now_ms();
        /* Pump until quiet_ms pass without output. */
        while (vt->bytes == before && now_ms() - start < wait) {
            if (!vt_pump(vt, (int)(wait - (now_ms() - start))))
                return vt->eof;
        }
        if (vt->bytes == before)
            return true;
    }
}

bool vt_send(struct vt *vt, const char *bytes)
{
    if (vt->fd < 0)
        return false;
    return write_all(vt->fd, bytes, strlen(bytes));
}

bool vt_key(struct vt *vt, enum vt_key key)
{
    static const VTermKey map[] = {
        [VT_ENTER] = VTERM_KEY_ENTER,     [VT_ESC] = VTERM_KEY_ESCAPE,
        [VT_TAB] = VTERM_KEY_TAB,         [VT_BACKTAB] = VTERM_KEY_TAB,
        [VT_BACKSPACE] = VTERM_KEY_BACKSPACE,
        [VT_UP] = VTERM_KEY_UP,           [VT_DOWN] = VTERM_KEY_DOWN,
        [VT_LEFT] = VTERM_KEY_LEFT,       [VT_RIGHT] = VTERM_KEY_RIGHT,
        [VT_HOME] = VTERM_KEY_HOME,       [VT_END] = VTERM_KEY_END,
        [VT_PAGEUP] = VTERM_KEY_PAGEUP,   [VT_PAGEDOWN] = VTERM_KEY_PAGEDOWN,
        [VT_DELETE] = VTERM_KEY_DEL,
    };
    if (vt->fd < 0 || (unsigned)key >= sizeof map / sizeof map[0])
        return false;
    vterm_keyboard_key(vt->term, map[key],
                       key == VT_BACKTAB ? VTERM_MOD_SHIFT : VTERM_MOD_NONE);
    return true;
}

bool vt_keys(struct vt *vt, enum vt_key key, int n)
{
    for (int i = 0; i < n; i++)
        if (!vt_key(vt, key))
            return false;
    return true;
}

bool vt_resize(struct vt *vt, int rows, int cols)
{
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    vt_pump(vt, 0);
    vterm_set_size(vt->term, rows, cols);
    vt->rows = rows;
    vt->cols = cols;
    if (vt->fd < 0 || ioctl(vt->fd, TIOCSWINSZ, &ws) < 0)
        return false;
    return true;
}

size_t vt_bytes(const struct vt *vt) { return vt->bytes; }
int vt_rows(const struct vt *vt) { return vt->rows; }
int vt_cols(const struct vt *vt) { return vt->cols; }
pid_t vt_pid(const struct vt *vt) { return vt->pid; }

bool vt_wait_exit(struct vt *vt, int timeout_ms, int *status)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        reap(vt, false);
        if (vt->reaped)
            break;
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            vt_dump(vt, "timed out waiting for the program to exit");
            return false;
        }
        /* Keep reading so a program blocked on a full pty can finish;
         * after hangup, poll in short steps for the exit status. */
        if (!vt_pump(vt, left < 20 ? (int)left : 20) && vt->eof)
            (void)poll(NULL, 0, left < 10 ? (int)left : 10);
    }
    vt_pump(vt, 0);
    if (status)
        *status = vt->status;
    return true;
}

bool vt_kill(struct vt *vt, int sig)
{
    if (vt->reaped || vt->pid <= 0)
        return false;
    return kill(vt->pid, sig) == 0;
}

bool vt_running(struct vt *vt)
{
    reap(vt, false);
    return !vt->reaped;
}
