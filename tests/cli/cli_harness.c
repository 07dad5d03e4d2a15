/* cli_harness.c — the command-line tests' shared runner and fixtures
 * (cli_harness.h), so that each test program holds only its cases. Their
 * databases and SQL go through testdb, so each runs on either engine. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_harness.h"
#include "testdb.h"

static const char *billcenter;          /* path of the binary under test */
static char *wrapper[32];               /* $BC_TEST_WRAPPER split into words */
static size_t nwrapper;
static char *wrapper_copy;
static char demo_dir[256];
static char demo_db[512];
int demo_init_code = -1;
char *demo_init_out;

bool harness_init(int argc, char **argv, const char *name)
{
    const char *w = getenv("BC_TEST_WRAPPER");

    billcenter = argc > 1 ? argv[1] : getenv("BILLCENTER");
    if (!billcenter) {
        fprintf(stderr, "usage: %s PATH-TO-BILLCENTER\n", name);
        return false;
    }
    if (w && w[0]) {
        char *save = NULL;
        wrapper_copy = strdup(w);
        for (char *tok = strtok_r(wrapper_copy, " \t", &save); tok && nwrapper < 31;
             tok = strtok_r(NULL, " \t", &save))
            wrapper[nwrapper++] = tok;
    }
    /* Nothing from the caller's environment may pick the database or catalog. */
    unsetenv("BILLCENTER_DB");
    unsetenv("BILLCENTER_CATALOG");
    unsetenv("SSH_CLIENT");
    setenv("LC_ALL", "C.UTF-8", 1);
    return true;
}

void harness_finish(void)
{
    free(wrapper_copy);
    wrapper_copy = NULL;
}

char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f)
        return strdup("");
    do {
        if (cap - len < 4096) {
            char *grown;
            cap = cap ? cap * 2 : 8192;
            grown = realloc(buf, cap + 1);
            if (!grown) {
                free(buf);
                fclose(f);
                fail_msg("out of memory reading %s", path);
            }
            buf = grown;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

void run_clear(struct run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

size_t command_line(const char *const *args, const char **argv, size_t cap, bool wrapped)
{
    size_t n = 0;

    for (size_t i = 0; wrapped && i < nwrapper; i++)
        argv[n++] = wrapper[i];
    argv[n++] = billcenter;
    for (size_t i = 0; args[i]; i++) {
        assert_true(n < cap - 1);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    return n;
}

void run_in(struct run *r, const char *dir, const char *input, const char *const *args)
{
    char outp[400], errp[400], inp[400];
    const char *argv[96];
    pid_t pid;
    int status;

    command_line(args, argv, sizeof argv / sizeof argv[0], true);
    snprintf(outp, sizeof outp, "%s/stdout.txt", dir);
    snprintf(errp, sizeof errp, "%s/stderr.txt", dir);
    snprintf(inp, sizeof inp, "%s/stdin.txt", dir);
    if (input) {
        FILE *f = fopen(inp, "w");
        assert_non_null(f);
        fputs(input, f);
        fclose(f);
    }
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fi = open(input ? inp : "/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0 || fi < 0)
            _exit(126);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    memset(r, 0, sizeof *r);
    r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r->out = slurp(outp);
    r->err = slurp(errp);
    /* A memory checker's own exit code must never pass for billcenter's. */
    if (r->code == 99 && nwrapper > 0)
        fail_msg("the wrapper reported errors: %s", r->err);
}

void assert_one_error_line(const struct run *r)
{
    size_t len = strlen(r->err);
    const char *nl = strchr(r->err, '\n');

    if (len == 0 || strncmp(r->err, "billcenter: ", 12) != 0 || !nl || nl != r->err + len - 1)
        fail_msg("expected one line 'billcenter: ...' on stderr, got: [%s]", r->err);
}

int64_t sql_int(const char *db, const char *sql)
{
    struct testdb_conn *c = testdb_connect(db, false);
    int64_t v = 0;
    int found;
    char msg[1024];

    if (!c)
        fail_msg("%s", testdb_error());
    found = testdb_conn_int(c, sql, &v);
    snprintf(msg, sizeof msg, "%s", found < 0 ? testdb_conn_error(c) : "no row");
    testdb_disconnect(c);
    if (found != 1)
        fail_msg("%s: %s", sql, msg);
    return v;
}

char *sql_text(const char *db, const char *sql)
{
    return testdb_q1_text(db, sql);
}

void sql_exec(const char *db, const char *sql)
{
    testdb_raw_exec(db, sql);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void remove_tree(const char *dir)
{
    if (dir[0])
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void make_temp_dir(char *out, size_t size)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(out, size, "%s/bc-cli-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(out))
        fail_msg("mkdtemp: %s", strerror(errno));
}

void copy_file(const char *from, const char *to)
{
    char buf[65536];
    ssize_t n;
    int in = open(from, O_RDONLY);
    int out;

    if (in < 0)
        return;
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(out >= 0);
    while ((n = read(in, buf, sizeof buf)) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    close(in);
    close(out);
}

int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    assert_non_null(f);
    make_temp_dir(f->dir, sizeof f->dir);
    testdb_new_in(f->dir, "billcenter.db", f->db, sizeof f->db);
    *state = f;
    return 0;
}

int fx_demo_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);

    assert_non_null(f);
    *state = f;
    make_temp_dir(f->dir, sizeof f->dir);
    if (demo_init_code != 0)
        fail_msg("init --demo failed (exit %d): %s", demo_init_code,
                 demo_init_out ? demo_init_out : "");
    testdb_clone(demo_db, f->dir, "billcenter.db", f->db, sizeof f->db);
    return 0;
}

const char *demo_target(void)
{
    return demo_db;
}

int fx_teardown(void **state)
{
    struct fx *f = *state;

    if (f->db[0] && !testdb_drop(f->db))
        fprintf(stderr, "# %s\n", testdb_error());
    remove_tree(f->dir);
    free(f);
    return 0;
}

int group_setup(void **state)
{
    struct run r;

    (void)state;
    make_temp_dir(demo_dir, sizeof demo_dir);
    if (!testdb_fresh_in(demo_dir, "demo.db", demo_db, sizeof demo_db)) {
        fprintf(stderr, "# the demo database: %s\n", testdb_error());
        demo_init_out = strdup(testdb_error());
        return 0;
    }
    RUN(&r, demo_dir, "init", "--demo", "--db", demo_db, "--date", DAY);
    demo_init_code = r.code;
    demo_init_out = r.out;
    if (r.code != 0)
        fprintf(stderr, "# init --demo: exit %d: %s\n", r.code, r.err);
    free(r.err);
    return 0;
}

int group_teardown(void **state)
{
    (void)state;
    if (demo_db[0] && !testdb_drop(demo_db))
        fprintf(stderr, "# %s\n", testdb_error());
    remove_tree(demo_dir);
    free(demo_init_out);
    demo_init_out = NULL;
    return 0;
}
