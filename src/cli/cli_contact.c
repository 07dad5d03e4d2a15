/* cli_contact.c — `billcenter contact set-pin (--email E | CONTACT_ID)`:
 * an operator gives a contact the PIN for kiosk sign-in. The PIN never
 * comes from argv (other users see argv in ps): it is read without echo
 * from the terminal, twice, or as one line from standard input for
 * scripts. The terminal is put back on every path, signals included, and
 * the PIN is wiped from memory once hashed (access.c decides and audits). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "access.h"
#include "cli_cmd.h"

#define PIN_BUF 64

/* The terminal whose echo is off, and its settings before, for the signal
 * handler to put back. */
static volatile sig_atomic_t echo_off_fd = -1;
static struct termios saved_tty;

static void restore_and_reraise(int sig)
{
    int fd = echo_off_fd;

    if (fd >= 0)
        tcsetattr(fd, TCSAFLUSH, &saved_tty);
    signal(sig, SIG_DFL);
    raise(sig);
}

static const int caught[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGTSTP};
#define NCAUGHT (sizeof caught / sizeof caught[0])

/* Reads one line from fd into buf (no newline kept). False at end of input
 * before anything was read or when the line does not fit (*too_long). */
static bool read_line(int fd, char *buf, size_t size, bool *too_long)
{
    size_t n = 0;
    bool any = false;
    char ch;

    *too_long = false;
    for (;;) {
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        any = true;
        if (ch == '\n')
            break;
        if (n + 1 < size)
            buf[n++] = ch;
        else
            *too_long = true;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    ch = 0;
    return any && !*too_long;
}

/* Prompts on the terminal and reads without echo. */
static bool read_tty_pin(int fd, const char *prompt, char *buf, size_t size, bool *too_long)
{
    struct termios quiet;
    struct sigaction sa, old[NCAUGHT];
    bool ok;

    if (tcgetattr(fd, &saved_tty) != 0)
        return false;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = restore_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NCAUGHT; i++)
        sigaction(caught[i], &sa, &old[i]);
    quiet = saved_tty;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    echo_off_fd = fd;
    /* Echo goes off before the prompt shows, so nothing typed after it is seen. */
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0 || write(fd, prompt, strlen(prompt)) < 0) {
        ok = false;
    } else {
        ok = read_line(fd, buf, size, too_long);
    }
    tcsetattr(fd, TCSAFLUSH, &saved_tty);
    echo_off_fd = -1;
    for (size_t i = 0; i < NCAUGHT; i++)
        sigaction(caught[i], &old[i], NULL);
    if (write(fd, "\n", 1) < 0)
        ok = false;
    return ok;
}

/* The new PIN: twice from the terminal when standard input is one, else one
 * line of standard input. Prints why and returns false when there is none. */
static bool read_pin(const char *who, char pin[PIN_BUF])
{
    char again[PIN_BUF], prompt[700];
    bool too_long = false, ok;
    int fd;

    if (!isatty(STDIN_FILENO)) {
        ok = read_line(STDIN_FILENO, pin, PIN_BUF, &too_long);
        if (!ok && !too_long)
            cli_error("contact set-pin: no PIN on standard input (one line of 4 to 12 digits)");
        else if (!ok)
            cli_error("contact set-pin: the PIN must be 4 to 12 digits; nothing was changed");
        return ok;
    }
    fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        cli_error("contact set-pin: /dev/tty: %s", strerror(errno));
        return false;
    }
    snprintf(prompt, sizeof prompt, _("New PIN for %s (4 to 12 digits): "), who);
    ok = read_tty_pin(fd, prompt, pin, PIN_BUF, &too_long);
    if (ok)
        ok = read_tty_pin(fd, _("Repeat the PIN: "), again, sizeof again, &too_long);
    close(fd);
    if (!ok && too_long)
        cli_error("contact set-pin: the PIN must be 4 to 12 digits; nothing was changed");
    else if (!ok)
        cli_error("contact set-pin: no PIN was entered; nothing was changed");
    else if (strcmp(pin, again) != 0) {
        cli_error("contact set-pin: the two PINs differ; nothing was changed");
        ok = false;
    }
    access_wipe(again, sizeof again);
    return ok;
}

static int refused(enum bc_status st)
{
    cli_error("contact set-pin: %s", _(bc_status_message(st)));
    return bc_status_exit(st) == 3 ? CLI_EXIT_REFUSED : CLI_EXIT_ERROR;
}

int cli_cmd_contact_set_pin(struct cli *c)
{
    const char *email = c->opt[CLI_OPT_EMAIL];
    struct store_contact contact;
    int64_t id = 0;
    char pin[PIN_BUF], who[600];
    enum bc_status st;
    int rc;

    if ((email != NULL) == (c->nargs == 1))
        return cli_usage_error(c, "give the contact as --email E or as CONTACT_ID (one of them)");
    if (!email && !cli_parse_id("contact", c->args[0], &id))
        return CLI_EXIT_USAGE;
    rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;

    memset(&contact, 0, sizeof contact);
    st = email ? store_contact_by_email(c->store, email, &contact)
               : store_contact_get(c->store, id, &contact);
    if (st != BC_OK && st != BC_NOT_FOUND)
        return cli_status(st, c->db_path);
    if (st == BC_OK)
        id = contact.id;
    snprintf(who, sizeof who, "%s <%s>", st == BC_OK ? contact.name : "",
             st == BC_OK ? contact.email : "");
    store_contact_clear(&contact);

    /* A refusal or an unknown contact is recorded before any PIN is asked. */
    if (access_may_set_pin(&c->billing.actor) != BC_OK || st == BC_NOT_FOUND) {
        enum bc_status why = access_contact_set_pin(c->store, &c->billing.actor, id, NULL);
        if (why == BC_NOT_FOUND && email)
            return cli_error("contact set-pin: no contact has the e-mail '%s'", email);
        if (why == BC_NOT_FOUND)
            return cli_error("contact set-pin: no contact %lld", (long long)id);
        return refused(why);
    }

    pin[0] = '\0';
    if (!read_pin(who, pin)) {
        access_wipe(pin, sizeof pin);
        return CLI_EXIT_ERROR;
    }
    st = access_contact_set_pin(c->store, &c->billing.actor, id, pin);
    access_wipe(pin, sizeof pin);
    if (st == BC_INVALID_ARGUMENT)
        return cli_error("contact set-pin: the PIN must be 4 to 12 digits; nothing was changed");
    if (st != BC_OK)
        return bc_status_is_refusal(st) ? refused(st) : cli_status(st, "contact set-pin");
    printf(_("PIN set for %s (contact %lld); failed attempts and any lock are cleared.\n"), who,
           (long long)id);
    return CLI_EXIT_OK;
}
