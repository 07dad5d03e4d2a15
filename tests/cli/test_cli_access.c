/* test_cli_access.c — who may do what, through the real billcenter binary:
 * an unknown Unix user is refused in one line; a read-only
 * operator is refused on every change path and each refusal is one audit
 * row; operators are managed by admins only and never lose the last one;
 * PINs are set from standard input or, on a terminal, typed twice without
 * echo (the terminal comes back even when the command is interrupted); a
 * world-writable database is refused with the fix named; the audit shows
 * when, who, from where, account, what, before, after and result.
 *
 * The tests run as whoever runs the suite (root on the build machine, which
 * the demo database makes its admin); stdin is /dev/null unless a test
 * gives text. Each test works on a private copy of one demo database, on
 * the engine $BC_TEST_ENGINE names (testdb.h). SQLite-only: the rules about
 * the database file itself (world-writable refused, its owner appointing
 * the first admin). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <jansson.h>

#include "cli_harness.h"
#include "testdb.h"

#define MARIA "maria.rossi@example.it"

static char me[128];                    /* the Unix name running the tests */
static pid_t pty_child = -1;            /* on the pseudo-terminal; ended by the teardown */

#define assert_contains(hay, needle) do { \
        if (!strstr((hay), (needle))) \
            fail_msg("'%s' not found in: %s", (needle), (hay)); \
    } while (0)

/* ------------------------------------------------------------ the database */

static int64_t audit_count(const char *db)
{
    return sql_int(db, "SELECT count(*) FROM audit");
}

/* action and result of the newest audit row, "action result". Caller frees. */
static char *last_audit(const char *db)
{
    return sql_text(db, "SELECT action || ' ' || result FROM audit ORDER BY id DESC LIMIT 1");
}

static void assert_last_audit(const char *db, const char *want)
{
    char *got = last_audit(db);

    if (strcmp(got, want) != 0)
        fail_msg("last audit row '%s', expected '%s'", got, want);
    free(got);
}

/* ------------------------------------------------------------ fixtures */

/* The harness's teardown, after ending a billcenter left on the terminal. */
static int access_teardown(void **state)
{
    if (pty_child > 0) {
        kill(pty_child, SIGKILL);
        waitpid(pty_child, NULL, 0);
        pty_child = -1;
    }
    return fx_teardown(state);
}

static int access_group_setup(void **state)
{
    struct passwd *pw = getpwuid(getuid());

    if (!pw)
        return -1;
    snprintf(me, sizeof me, "%s", pw->pw_name);
    return group_setup(state);
}

/* ------------------------------------------------------------ tests */

/* The database belongs to someone else and lists other operators only. */
static void test_unknown_unix_user_refused(void **state)
{
    struct fx *f = *state;
    struct run r;
    char wal[600], want[200];
    int64_t rows;

    sql_exec(f->db, "DELETE FROM operators; INSERT INTO operators VALUES('daemon', 'admin')");
    if (testdb_engine() == TESTDB_SQLITE) {   /* a file that is someone else's */
        snprintf(wal, sizeof wal, "%s-wal", f->db);
        assert_int_equal(chown(f->db, 65534, 65534), 0);
        if (access(wal, F_OK) == 0)
            assert_int_equal(chown(wal, 65534, 65534), 0);
    }
    snprintf(want, sizeof want, "Unix user '%s': Your Unix account is not an operator", me);
    rows = audit_count(f->db);

    RUN(&r, f->dir, "account", "show", "1", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, want);
    assert_string_equal(r.out, "");
    run_clear(&r);

    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "stranger-1", "--db", f->db, "--date", DAY);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, want);
    run_clear(&r);

    RUN(&r, f->dir, "operator", "list", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, want);
    run_clear(&r);

    /* Trying to make oneself an operator is refused, and that is recorded. */
    RUN(&r, f->dir, "operator", "add", me, "--role", "admin", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, want);
    run_clear(&r);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM operators"), 1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(audit_count(f->db), rows + 1);
    assert_last_audit(f->db, "operator.add unknown_user");
}

/* Read-only: order place, --cart, operator add, contact set-pin, reconcile. */
static void test_readonly_refused_on_every_change_path(void **state)
{
    struct fx *f = *state;
    struct run r;
    char *hash_before, *hash_after;
    int64_t rows;

    sql_exec(f->db,
             "UPDATE operators SET role = 'readonly';"
             " INSERT INTO operators VALUES('daemon', 'admin');"
             " INSERT INTO cart_items(account_id, subscription_id, to_plan, to_seats, to_period,"
             " base_version) SELECT 1, id, 'business', 5, 'monthly', version FROM subscriptions"
             " WHERE account_id = 1 AND product = 'gotomeeting'");
    hash_before = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE email = '" MARIA "'");
    rows = audit_count(f->db);

    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "ro-one", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "Read-only operators cannot change anything.");
    run_clear(&r);
    assert_int_equal(audit_count(f->db), ++rows);
    assert_last_audit(f->db, "order.place readonly_operator");

    RUN(&r, f->dir, "order", "place", "--account", "1", "--cart", "--idempotency-key", "ro-cart",
        "--json", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_contains(r.out, "\"refusal\": \"readonly_operator\"");
    run_clear(&r);
    assert_int_equal(audit_count(f->db), ++rows);
    assert_last_audit(f->db, "order.place readonly_operator");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM cart_items"), 1);

    RUN(&r, f->dir, "operator", "add", "bin", "--role", "operator", "--db", f->db);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "Only an admin operator manages operators.");
    run_clear(&r);
    assert_int_equal(audit_count(f->db), ++rows);
    assert_last_audit(f->db, "operator.add not_admin");

    RUN_INPUT(&r, f->dir, "5678\n", "contact", "set-pin", "--email", MARIA, "--db", f->db);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "Read-only operators cannot change anything.");
    run_clear(&r);
    assert_int_equal(audit_count(f->db), ++rows);
    assert_last_audit(f->db, "contact.set_pin readonly_operator");

    RUN(&r, f->dir, "reconcile", "--db", f->db, "--date", DAY);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    run_clear(&r);
    assert_int_equal(audit_count(f->db), ++rows);
    assert_last_audit(f->db, "order.reconcile readonly_operator");

    /* Nothing changed anywhere. */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM test_charges"), 0);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM operators"), 2);
    hash_after = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE email = '" MARIA "'");
    assert_string_equal(hash_after, hash_before);
    free(hash_before);
    free(hash_after);

    /* Looking is still allowed. */
    RUN(&r, f->dir, "account", "show", "1", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
}

static void test_operator_add_remove_list(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *list;
    int64_t rows = audit_count(f->db);

    RUN(&r, f->dir, "operator", "add", "daemon", "--role", "readonly", "--db", f->db);
    assert_exit(&r, 0);
    assert_string_equal(r.out, "Operator 'daemon' is readonly.\n");
    run_clear(&r);
    assert_int_equal(audit_count(f->db), ++rows);
    assert_last_audit(f->db, "operator.add ok");

    RUN(&r, f->dir, "operator", "list", "--json", "--db", f->db);
    assert_exit(&r, 0);
    list = json_loads(r.out, 0, NULL);
    assert_non_null(list);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")), "daemon");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "role")), "readonly");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "name")), "root");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "role")), "admin");
    json_decref(list);
    run_clear(&r);
    assert_int_equal(audit_count(f->db), rows);   /* looking is not audited */

    RUN(&r, f->dir, "operator", "add", "no-such-user-x7", "--role", "operator", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, "'no-such-user-x7' is not a Unix account on this machine");
    run_clear(&r);
    assert_int_equal(audit_count(f->db), ++rows);
    assert_last_audit(f->db, "operator.add not_found");

    /* The last admin stays. */
    RUN(&r, f->dir, "operator", "remove", "root", "--db", f->db);
    assert_exit(&r, 3);
    assert_one_error_line(&r);
    assert_contains(r.err, "'root' is the only admin");
    run_clear(&r);
    RUN(&r, f->dir, "operator", "add", "root", "--role", "readonly", "--db", f->db);
    assert_exit(&r, 3);
    run_clear(&r);
    assert_int_equal(audit_count(f->db), rows += 2);
    assert_last_audit(f->db, "operator.add last_admin");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM operators WHERE role = 'admin'"), 1);

    /* Bad usage: no role, a made-up role, no name, a PIN-like extra word. */
    RUN(&r, f->dir, "operator", "add", "bin", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "operator", "add", "bin", "--role", "wizard", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "operator", "remove", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN(&r, f->dir, "operator", "promote", "bin", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    assert_int_equal(audit_count(f->db), rows);

    RUN(&r, f->dir, "operator", "remove", "bin", "--db", f->db);
    assert_exit(&r, 1);
    assert_contains(r.err, "'bin' is not an operator");
    run_clear(&r);
    RUN(&r, f->dir, "operator", "remove", "daemon", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_int_equal(audit_count(f->db), rows += 2);
    assert_last_audit(f->db, "operator.remove ok");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM operators"), 1);
}

/* SQLite-only: with no admin at all, the owner of the file may appoint one. */
static void test_owner_appoints_the_first_admin(void **state)
{
    struct fx *f = *state;
    struct run r;

    sql_exec(f->db, "DELETE FROM operators; INSERT INTO operators VALUES('daemon', 'readonly')");
    RUN(&r, f->dir, "operator", "add", me, "--role", "admin", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
    assert_last_audit(f->db, "operator.add ok");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM operators WHERE role = 'admin'"), 1);
}

static void test_set_pin_from_stdin(void **state)
{
    struct fx *f = *state;
    struct run r;
    char *before = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE email = '" MARIA "'");
    char *after;
    int64_t rows = audit_count(f->db);

    sql_exec(f->db, "UPDATE contacts SET failed_attempts = 5, locked_until = 4000000000"
                    " WHERE email = '" MARIA "'");
    RUN_INPUT(&r, f->dir, "86420\n", "contact", "set-pin", "--email", MARIA, "--db", f->db);
    assert_exit(&r, 0);
    assert_contains(r.out, "PIN set for Maria Rossi <maria.rossi@example.it>");
    run_clear(&r);
    after = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE email = '" MARIA "'");
    assert_memory_equal(after, "$y$", 3);
    assert_string_not_equal(after, before);
    assert_null(strstr(after, "86420"));
    free(after);
    assert_int_equal(sql_int(f->db, "SELECT failed_attempts + locked_until FROM contacts"
                                    " WHERE email = '" MARIA "'"), 0);
    assert_int_equal(audit_count(f->db), ++rows);
    assert_last_audit(f->db, "contact.set_pin ok");
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM audit WHERE after_json LIKE '%86420%'"
                                    " OR before_json LIKE '%86420%'"), 0);

    /* By id; CRLF line ends are fine. */
    RUN_INPUT(&r, f->dir, "1357\r\n", "contact", "set-pin", "1", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);

    /* Not 4 to 12 digits, or nothing at all: refused, nothing changed. */
    free(before);
    before = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE id = 1");
    RUN_INPUT(&r, f->dir, "12\n", "contact", "set-pin", "1", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, "the PIN must be 4 to 12 digits");
    run_clear(&r);
    RUN_INPUT(&r, f->dir, "1234567890123\n", "contact", "set-pin", "1", "--db", f->db);
    assert_exit(&r, 1);
    run_clear(&r);
    RUN(&r, f->dir, "contact", "set-pin", "1", "--db", f->db);
    assert_exit(&r, 1);
    assert_contains(r.err, "no PIN on standard input");
    run_clear(&r);
    after = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE id = 1");
    assert_string_equal(after, before);
    free(after);
    free(before);

    /* Unknown contacts; the PIN never comes from the command line. */
    RUN_INPUT(&r, f->dir, "1234\n", "contact", "set-pin", "--email", "nobody@example.it", "--db", f->db);
    assert_exit(&r, 1);
    assert_contains(r.err, "no contact has the e-mail 'nobody@example.it'");
    run_clear(&r);
    assert_last_audit(f->db, "contact.set_pin not_found");
    RUN_INPUT(&r, f->dir, "1234\n", "contact", "set-pin", "1", "1234", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
    RUN_INPUT(&r, f->dir, "1234\n", "contact", "set-pin", "--email", MARIA, "1", "--db", f->db);
    assert_exit(&r, 2);
    run_clear(&r);
}

/* ------------------------------------------------------------ on a terminal */

struct pty_run {
    int master, slave;
    pid_t pid;
    char seen[8192];
    size_t nseen;
};

static void pty_start(struct pty_run *p, const char *const *args)
{
    const char *argv[96];
    char *name;

    /* The binary runs bare here even under a memory checker: its output would
     * mix with the prompts, and test_set_pin_from_stdin runs the same code
     * under it. (cmocka's TAP spells a skip "not ok", so no skip either.) */
    memset(p, 0, sizeof *p);
    command_line(args, argv, sizeof argv / sizeof argv[0], false);
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(p->master >= 0);
    assert_int_equal(grantpt(p->master), 0);
    assert_int_equal(unlockpt(p->master), 0);
    name = ptsname(p->master);
    assert_non_null(name);
    /* Kept open here so the terminal's settings can be read after the child. */
    p->slave = open(name, O_RDWR | O_NOCTTY);
    assert_true(p->slave >= 0);
    fflush(NULL);
    p->pid = fork();
    assert_true(p->pid >= 0);
    if (p->pid > 0)
        pty_child = p->pid;
    if (p->pid == 0) {
        int fd;
        setsid();
        fd = open(name, O_RDWR);      /* becomes the controlling terminal */
        if (fd < 0)
            _exit(126);
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        close(p->master);
        close(p->slave);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
}

/* Reads what the child wrote within `ms` milliseconds, if anything. */
static void pty_read_some(struct pty_run *p, int ms)
{
    struct pollfd pfd = {.fd = p->master, .events = POLLIN};
    ssize_t n;

    if (poll(&pfd, 1, ms) <= 0 || p->nseen + 1 >= sizeof p->seen)
        return;
    n = read(p->master, p->seen + p->nseen, sizeof p->seen - 1 - p->nseen);
    if (n > 0) {
        p->nseen += (size_t)n;
        p->seen[p->nseen] = '\0';
    }
}

/* Reads what the child writes until `want` shows up (or 10 s pass). */
static bool pty_wait_for(struct pty_run *p, const char *want)
{
    time_t end = time(NULL) + 10;

    while (!strstr(p->seen, want) && time(NULL) < end)
        pty_read_some(p, 100);
    return strstr(p->seen, want) != NULL;
}

static void pty_type(struct pty_run *p, const char *text)
{
    assert_int_equal(write(p->master, text, strlen(text)), (ssize_t)strlen(text));
}

/* Waits for the child, reading what it writes; returns its exit code
 * (128 + signal). The slave end stays open here, so there is no EOF to
 * wait for: the child's exit is. */
static int pty_finish(struct pty_run *p)
{
    time_t end = time(NULL) + 20;
    int status = 0;
    pid_t w;

    while ((w = waitpid(p->pid, &status, WNOHANG)) == 0 && time(NULL) < end)
        pty_read_some(p, 50);
    if (w != p->pid)
        fail_msg("billcenter on the terminal did not end; it wrote: %s", p->seen);
    pty_child = -1;
    for (int i = 0; i < 5; i++)
        pty_read_some(p, 10);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void pty_close(struct pty_run *p)
{
    close(p->master);
    close(p->slave);
}

static void test_set_pin_on_a_terminal(void **state)
{
    struct fx *f = *state;
    struct pty_run p;
    struct termios t;
    char *before = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE id = 1");
    char *after;

    /* Two different PINs: nothing changes. */
    pty_start(&p, (const char *const[]){"contact", "set-pin", "1", "--db", f->db, NULL});
    assert_true(pty_wait_for(&p, "New PIN for Maria Rossi <maria.rossi@example.it>"));
    pty_type(&p, "2468\n");
    assert_true(pty_wait_for(&p, "Repeat the PIN: "));
    pty_type(&p, "2469\n");
    assert_int_equal(pty_finish(&p), 1);
    assert_non_null(strstr(p.seen, "the two PINs differ; nothing was changed"));
    assert_null(strstr(p.seen, "2468"));   /* never echoed */
    assert_null(strstr(p.seen, "2469"));
    pty_close(&p);
    after = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE id = 1");
    assert_string_equal(after, before);
    free(after);

    /* The same PIN twice: set, and never shown. */
    pty_start(&p, (const char *const[]){"contact", "set-pin", "--email", MARIA, "--db", f->db, NULL});
    assert_true(pty_wait_for(&p, "New PIN"));
    pty_type(&p, "97531\n");
    assert_true(pty_wait_for(&p, "Repeat the PIN: "));
    pty_type(&p, "97531\n");
    assert_int_equal(pty_finish(&p), 0);
    assert_non_null(strstr(p.seen, "PIN set for Maria Rossi"));
    assert_null(strstr(p.seen, "97531"));
    assert_int_equal(tcgetattr(p.slave, &t), 0);
    assert_true(t.c_lflag & ECHO);
    pty_close(&p);
    after = sql_text(f->db, "SELECT pin_hash FROM contacts WHERE id = 1");
    assert_string_not_equal(after, before);
    free(after);
    free(before);

    /* Interrupted at the prompt: it dies of the signal, and echo is back on. */
    pty_start(&p, (const char *const[]){"contact", "set-pin", "1", "--db", f->db, NULL});
    assert_true(pty_wait_for(&p, "New PIN"));
    usleep(100 * 1000);   /* let it switch echo off and wait in read() */
    assert_int_equal(tcgetattr(p.slave, &t), 0);
    assert_false(t.c_lflag & ECHO);
    kill(p.pid, SIGTERM);
    assert_int_equal(pty_finish(&p), 128 + SIGTERM);
    assert_int_equal(tcgetattr(p.slave, &t), 0);
    assert_true(t.c_lflag & ECHO);
    pty_close(&p);
}

/* ------------------------------------------------------------ the file */

/* SQLite-only: a file others can write. */
static void test_world_writable_database_refused(void **state)
{
    struct fx *f = *state;
    struct run r;
    char want[600];

    assert_int_equal(chmod(f->db, 0666), 0);
    snprintf(want, sizeof want, "chmod o-w '%s'", f->db);
    RUN(&r, f->dir, "account", "show", "1", "--db", f->db);
    assert_exit(&r, 1);
    assert_one_error_line(&r);
    assert_contains(r.err, f->db);
    assert_contains(r.err, "other users can write this database file");
    assert_contains(r.err, want);
    assert_contains(r.err, "660 with a group");
    assert_string_equal(r.out, "");
    run_clear(&r);
    RUN(&r, f->dir, "operator", "list", "--db", f->db);
    assert_exit(&r, 1);
    assert_contains(r.err, want);
    run_clear(&r);

    /* 0660 (a group of operators) is fine. */
    assert_int_equal(chmod(f->db, 0660), 0);
    RUN(&r, f->dir, "account", "show", "1", "--db", f->db);
    assert_exit(&r, 0);
    run_clear(&r);
}

/* ------------------------------------------------------------ the audit */

static void test_every_cli_order_attempt_one_audit_row(void **state)
{
    struct fx *f = *state;
    struct run r;
    int64_t rows = audit_count(f->db);

#define PLACE(code, key, ...) do { \
        RUN(&r, f->dir, "order", "place", "--account", "1", "--idempotency-key", (key), \
            "--db", f->db, "--date", DAY, __VA_ARGS__); \
        assert_exit(&r, (code)); \
        run_clear(&r); \
        assert_int_equal(audit_count(f->db), ++rows); \
    } while (0)
    /* (a downgrade is placed for an operator, SPEC §3: refused here are
     * seats below the 3 assigned) */
    PLACE(3, "a-below", "--product", "gotomeeting", "--to-seats", "2");
    assert_last_audit(f->db, "order.place seats_below_assigned");
    PLACE(3, "a-declined", "--product", "gotomeeting", "--to-plan", "business", "--card",
          "4000000000000002", "--card-exp", "12/30");
    assert_last_audit(f->db, "order.place payment_declined");
    PLACE(3, "a-stale", "--product", "gotomeeting", "--to-plan", "business", "--expect-due", "4000");
    assert_last_audit(f->db, "order.place stale_quote");
    PLACE(0, "a-placed", "--product", "gotomeeting", "--to-plan", "business", "--expect-due", "4100");
    assert_last_audit(f->db, "order.place ok");
    sql_exec(f->db, "UPDATE operators SET role = 'readonly'");
    PLACE(3, "a-ro", "--product", "gotomeeting", "--to-plan", "business", "--to-seats", "6");
    assert_last_audit(f->db, "order.place readonly_operator");
#undef PLACE
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM orders"), 1);
}

static void test_audit_shows_every_column(void **state)
{
    struct fx *f = *state;
    struct run r;
    json_t *rows, *row;
    char who[300];

    snprintf(who, sizeof who, "Z  %s  from 203.0.113.9 55555 22 account 1", me);
    setenv("SSH_CLIENT", "203.0.113.9 55555 22", 1);
    RUN(&r, f->dir, "order", "place", "--account", "1", "--product", "gotomeeting", "--to-plan",
        "business", "--idempotency-key", "audit-cols", "--db", f->db, "--date", DAY);
    unsetenv("SSH_CLIENT");
    assert_exit(&r, 0);
    run_clear(&r);

    /* Text: when, who, from where, account, what, result; before and after below. */
    RUN(&r, f->dir, "audit", "--account", "1", "--db", f->db);
    assert_exit(&r, 0);
    assert_contains(r.out, who);
    assert_contains(r.out, "order.place      ok\n");
    assert_contains(r.out, "       before {\"balance_minor\":2000,\"subscriptions\":[{");
    assert_contains(r.out, "       after  {");
    assert_contains(r.out, "\"plan\":\"business\"");
    run_clear(&r);

    /* JSON: the same, as fields. */
    RUN(&r, f->dir, "audit", "--account", "1", "--json", "--db", f->db);
    assert_exit(&r, 0);
    rows = json_loads(r.out, 0, NULL);
    assert_non_null(rows);
    row = json_array_get(rows, json_array_size(rows) - 1);
    assert_string_equal(json_string_value(json_object_get(row, "actor")), me);
    assert_string_equal(json_string_value(json_object_get(row, "origin")), "203.0.113.9 55555 22");
    assert_int_equal(json_integer_value(json_object_get(row, "account_id")), 1);
    assert_string_equal(json_string_value(json_object_get(row, "action")), "order.place");
    assert_string_equal(json_string_value(json_object_get(row, "result")), "ok");
    assert_true(json_is_string(json_object_get(row, "at")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(row, "before"),
                                                        "balance_minor")), 2000);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(row, "after"),
                                                        "due_minor")), 4100);
    json_decref(rows);
    run_clear(&r);

    /* What a kiosk visitor typed cannot drive the operator's terminal. */
    sql_exec(f->db, "INSERT INTO audit(at, actor, origin, account_id, action, result)"
                    " VALUES(1795000000, 'x\033[2J', 'kiosk', NULL,"
                    " 'kiosk.sign_in', 'sign_in_failed')");
    RUN(&r, f->dir, "audit", "--db", f->db);
    assert_exit(&r, 0);
    assert_null(strchr(r.out, '\033'));
    assert_contains(r.out, "x?[2J  from kiosk");
    run_clear(&r);
}

/* `--root` after the binary: the cases that need root (handing the database
 * to another uid, managing system accounts as operators), run as their own
 * meson test, which reports SKIP (exit 77) when not root; without it, every
 * other case. */
int main(int argc, char **argv)
{
    const struct CMUnitTest root_tests[] = {
        cmocka_unit_test_setup_teardown(test_unknown_unix_user_refused, fx_demo_setup, access_teardown),
        cmocka_unit_test_setup_teardown(test_operator_add_remove_list, fx_demo_setup, access_teardown),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_readonly_refused_on_every_change_path, fx_demo_setup, access_teardown),
        cmocka_unit_test_setup_teardown(test_set_pin_from_stdin, fx_demo_setup, access_teardown),
        cmocka_unit_test_setup_teardown(test_set_pin_on_a_terminal, fx_demo_setup, access_teardown),
        cmocka_unit_test_setup_teardown(test_every_cli_order_attempt_one_audit_row, fx_demo_setup, access_teardown),
        cmocka_unit_test_setup_teardown(test_audit_shows_every_column, fx_demo_setup, access_teardown),
    };
    const struct CMUnitTest sqlite_only[] = {
        cmocka_unit_test_setup_teardown(test_owner_appoints_the_first_admin, fx_demo_setup, access_teardown),
        cmocka_unit_test_setup_teardown(test_world_writable_database_refused, fx_demo_setup, access_teardown),
    };
    bool root = argc > 2 && strcmp(argv[2], "--root") == 0;
    if (root && getuid() != 0) {
        printf("SKIP: these cases need root\n");
        return 77;
    }
    if (!harness_init(argc, argv, "test_cli_access"))
        return 2;
    int rc = root ? cmocka_run_group_tests(root_tests, access_group_setup, group_teardown)
                  : TESTDB_RUN(tests, sqlite_only, access_group_setup, group_teardown);
    harness_finish();
    return rc;
}
