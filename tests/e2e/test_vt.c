/* test_vt.c — the pty + libvterm harness checked against small shell
 * programs before any scenario trusts it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e.h"
#include "vt.h"

static struct vt *sh(const char *script, const char *const envp_extra[])
{
    const char *argv[] = {"sh", "-c", script, NULL};
    struct vt *vt = vt_spawn(argv, envp_extra, 24, 80);
    assert_non_null(vt);
    return vt;
}

static void test_printf_shows_and_exits(void **state)
{
    (void)state;
    struct vt *vt = sh("printf 'hello\\nworld  \\n'; exit 3", NULL);
    assert_true(vt_wait_text(vt, "world", 5000));
    int st = 0;
    assert_true(vt_wait_exit(vt, 5000, &st));
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 3);
    /* 'hello\nworld  \n' is 14 bytes, 16 once the tty maps \n to \r\n */
    assert_int_equal(vt_bytes(vt), 16);
    char buf[4096];
    vt_screen_text(vt, buf, sizeof buf);
    /* rows joined by '\n', trailing spaces trimmed, all 24 rows present */
    assert_memory_equal(buf, "hello\nworld\n\n", 13);
    size_t newlines = 0;
    for (char *p = buf; *p; p++)
        newlines += *p == '\n';
    assert_int_equal(newlines, 23);
    char row[256];
    vt_screen_row(vt, 1, row, sizeof row);
    assert_string_equal(row, "world");
    vt_destroy(vt);
}

static void test_read_and_echo(void **state)
{
    (void)state;
    struct vt *vt = sh("printf 'ready> '; read x; echo \"got $x\"; read y", NULL);
    assert_true(vt_wait_text(vt, "ready>", 5000));
    assert_false(vt_has_text(vt, "got"));
    assert_true(vt_send(vt, "abc"));
    assert_true(vt_key(vt, VT_ENTER));
    assert_true(vt_wait_text(vt, "got abc", 5000));
    vt_destroy(vt);
}

static void test_wait_times_out_and_gone(void **state)
{
    (void)state;
    struct vt *vt = sh("stty -echo; printf 'abc'; read x; printf '\\r\\033[Kdone'; read y", NULL);
    assert_true(vt_wait_text(vt, "abc", 5000));
    /* a text that never comes: the wait fails within its bound */
    assert_false(vt_wait_text(vt, "never shown", 200));
    assert_true(vt_send(vt, "\r"));
    assert_true(vt_wait_gone(vt, "abc", 5000));
    assert_true(vt_wait_text(vt, "done", 5000));
    vt_destroy(vt);
}

static void test_wait_fails_fast_when_program_ends(void **state)
{
    (void)state;
    struct vt *vt = sh("echo bye", NULL);
    assert_false(vt_wait_text(vt, "never shown", 60000));
    int st = 0;
    assert_true(vt_wait_exit(vt, 5000, &st));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_true(vt_has_text(vt, "bye"));
    vt_destroy(vt);
}

static void test_stty_size_and_resize(void **state)
{
    (void)state;
    struct vt *vt = sh("echo \"size $(stty size)\"; read x; echo \"size $(stty size)\"; read y",
                       NULL);
    assert_true(vt_wait_text(vt, "size 24 80", 5000));
    assert_true(vt_resize(vt, 30, 100));
    assert_int_equal(vt_rows(vt), 30);
    assert_int_equal(vt_cols(vt), 100);
    vt_send(vt, "\r");
    assert_true(vt_wait_text(vt, "size 30 100", 5000));
    vt_destroy(vt);
}

static void test_sigwinch_reaches_child(void **state)
{
    (void)state;
    struct vt *vt = sh("trap 'echo \"winch $(stty size)\"' WINCH; echo armed; "
                       "while :; do read x && break; done", NULL);
    assert_true(vt_wait_text(vt, "armed", 5000));
    assert_true(vt_resize(vt, 10, 40));
    assert_true(vt_wait_text(vt, "winch 10 40", 5000));
    vt_destroy(vt);
}

static void test_environment(void **state)
{
    (void)state;
    struct vt *vt = sh("echo \"T=$TERM L=$LANG N=${NO_COLOR-unset} A=${LC_ALL-unset}\"; read x",
                       NULL);
    assert_true(vt_wait_text(vt, "T=xterm-256color L=C.UTF-8 N=unset A=unset", 5000));
    vt_destroy(vt);

    const char *env[] = {"TERM=vt100", "NO_COLOR=1", "LANG", NULL};
    vt = sh("echo \"T=$TERM L=${LANG-unset} N=${NO_COLOR-unset}\"; read x", env);
    assert_true(vt_wait_text(vt, "T=vt100 L=unset N=1", 5000));
    vt_destroy(vt);
}

static void test_utf8_screen(void **state)
{
    (void)state;
    struct vt *vt = sh("printf 'caf\\303\\251 1.234,56 \\342\\202\\254 \\342\\224\\200|\\n'; read x",
                       NULL);
    assert_true(vt_wait_text(vt, "café 1.234,56 € ─|", 5000));
    vt_destroy(vt);
}

/* Cursor keys follow the terminal's mode: normal "\x1b[B", and "\x1bOB"
 * once the program switches the keypad on (as ncurses does). */
static void test_colored_cells(void **state)
{
    (void)state;
    struct vt *vt = sh("printf 'plain \\033[31mred\\033[0m \\033[7mrev\\033[0m\\n'; read x", NULL);
    assert_true(vt_wait_text(vt, "plain red rev", 5000));
    /* "red" only: reverse video is not a color */
    assert_int_equal(vt_colored_cells(vt), 3);
    vt_destroy(vt);
}

static void test_keys_follow_cursor_mode(void **state)
{
    (void)state;
    const char *script =
        "stty -echo -icanon min 1; echo go; dd bs=1 count=3 2>/dev/null | od -An -c; "
        "printf '\\033[?1h'; echo app; dd bs=1 count=6 2>/dev/null | od -An -c; read x";
    struct vt *vt = sh(script, NULL);
    assert_true(vt_wait_text(vt, "go", 5000));
    vt_key(vt, VT_DOWN);
    assert_true(vt_wait_text(vt, "033   [   B", 5000));
    assert_true(vt_wait_text(vt, "app", 5000));
    vt_key(vt, VT_UP);
    vt_key(vt, VT_BACKTAB);
    assert_true(vt_wait_text(vt, "033   O   A 033   [   Z", 5000));
    vt_destroy(vt);
}

static void test_kill_and_quiet(void **state)
{
    (void)state;
    struct vt *vt = sh("echo started; exec sleep 100", NULL);
    assert_true(vt_wait_text(vt, "started", 5000));
    assert_true(vt_wait_quiet(vt, 100, 5000));
    /* not exited yet */
    assert_true(vt_running(vt));
    assert_true(vt_kill(vt, SIGTERM));
    int st = 0;
    assert_true(vt_wait_exit(vt, 5000, &st));
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGTERM);
    assert_false(vt_running(vt));
    vt_destroy(vt);
}

static void test_e2e_run_captures(void **state)
{
    (void)state;
    const char *argv[] = {"sh", "-c", "echo out; echo err >&2; exit 4", NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(e2e_run(argv, &out, &err), 4);
    assert_string_equal(out, "out\n");
    assert_string_equal(err, "err\n");
    free(out);
    free(err);
}

static void test_billcenter_binary_exists(void **state)
{
    (void)state;
    assert_non_null(e2e_bin);
    const char *argv[] = {"test", "-x", e2e_bin, NULL};
    assert_int_equal(e2e_run(argv, NULL, NULL), 0);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printf_shows_and_exits),
        cmocka_unit_test(test_read_and_echo),
        cmocka_unit_test(test_wait_times_out_and_gone),
        cmocka_unit_test(test_wait_fails_fast_when_program_ends),
        cmocka_unit_test(test_stty_size_and_resize),
        cmocka_unit_test(test_sigwinch_reaches_child),
        cmocka_unit_test(test_environment),
        cmocka_unit_test(test_utf8_screen),
        cmocka_unit_test(test_colored_cells),
        cmocka_unit_test(test_keys_follow_cursor_mode),
        cmocka_unit_test(test_kill_and_quiet),
        cmocka_unit_test(test_e2e_run_captures),
        cmocka_unit_test(test_billcenter_binary_exists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
