/* stress.c — the shared harness of billcenter's robustness tests: TAP
 * lines, the real binary run with captured output, demo databases and
 * fingerprints proving that a refused operation changed nothing, on either
 * engine through testdb. */
#include "stress.h"
#include "testdb.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int tap_count, tap_failed;
static const char *bin;
static char *wrapper[32];
static size_t nwrapper;
static char *wrapper_copy;
static char tmpdirs[8][256];
static int ntmpdirs;
static char dbs[16][512];          /* databases made here, dropped at exit */
static int ndbs;

/* ---------------------------------------------------------------- TAP */

bool tap_ok(bool cond, const char *fmt, ...)
{
    va_list ap;

    printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    if (!cond)
        tap_failed++;
    return cond;
}

void tap_skip(const char *what, const char *why)
{
    printf("ok %d - %s # SKIP %s\n", ++tap_count, what, why);
    fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
    va_list ap;
    char buf[2048];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* Every line of a multi-line diagnostic gets its own "# ". */
    for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        printf("# %s\n", line);
    }
    fflush(stdout);
}

int tap_done(void)
{
    printf("1..%d\n", tap_count);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

/* ---------------------------------------------------------------- set-up */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static void remove_tmpdirs(void)
{
    if (getenv("BC_KEEP_STRESS"))
        return;
    for (int i = 0; i < ndbs; i++)
        if (!testdb_drop(dbs[i]))
            fprintf(stderr, "# %s\n", testdb_error());
    for (int i = 0; i < ntmpdirs; i++)
        nftw(tmpdirs[i], rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static pid_t main_pid;

static void at_exit_cleanup(void)
{
    if (getpid() == main_pid)
        remove_tmpdirs();
    free(wrapper_copy);
}

bool stress_init(int argc, char **argv, bool use_wrapper)
{
    const char *w = getenv("BC_TEST_WRAPPER");

    bin = argc > 1 ? argv[1] : getenv("BILLCENTER");
    if (!bin) {
        fprintf(stderr, "usage: %s PATH-TO-BILLCENTER\n", argv[0]);
        return false;
    }
    if (use_wrapper && w && *w) {
        wrapper_copy = strdup(w);
        for (char *tok = strtok(wrapper_copy, " "); tok && nwrapper < 31; tok = strtok(NULL, " "))
            wrapper[nwrapper++] = tok;
    }
    main_pid = getpid();
    atexit(at_exit_cleanup);
    return true;
}

const char *stress_bin(void)
{
    return bin;
}

const char *stress_catalog(void)
{
    return SOURCE_ROOT "/plans";
}

const char *stress_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char *dir;

    if (ntmpdirs == (int)(sizeof tmpdirs / sizeof tmpdirs[0]))
        return NULL;
    dir = tmpdirs[ntmpdirs];
    snprintf(dir, sizeof tmpdirs[0], "%s/bc-stress-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    if (!mkdtemp(dir))
        return NULL;
    ntmpdirs++;
    return dir;
}

double stress_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- running */

char *stress_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, *grown;
    size_t len = 0, cap = 0, n;

    if (!f)
        return strdup("");
    do {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            grown = realloc(buf, cap + 1);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
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

/* argv for the child: [wrapper...] bin [--db DB --catalog C --date D] args */
static size_t build_argv(const char **argv, size_t cap, bool with_wrapper, const char *db,
                         const char *const args[])
{
    size_t n = 0;

    if (with_wrapper)
        for (size_t i = 0; i < nwrapper; i++)
            argv[n++] = wrapper[i];
    argv[n++] = bin;
    if (db) {
        argv[n++] = "--db";
        argv[n++] = db;
        argv[n++] = "--catalog";
        argv[n++] = stress_catalog();
        argv[n++] = "--date";
        argv[n++] = STRESS_DAY;
    }
    for (size_t i = 0; args[i] && n < cap - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return n;
}

static pid_t spawn_argv(const char **argv, const char *outp, const char *errp)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fi = open("/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0 || fi < 0)
            _exit(126);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

pid_t stress_spawn(const char *db, const char *const args[], const char *outp, const char *errp)
{
    const char *argv[128];

    build_argv(argv, sizeof argv / sizeof argv[0], false, db, args);
    return spawn_argv(argv, outp, errp);
}

void stress_run(struct stress_run *r, const char *dir, const char *db, const char *const args[])
{
    const char *argv[128];
    char outp[400], errp[400];
    int status;
    double t0 = stress_now();
    pid_t pid;

    memset(r, 0, sizeof *r);
    build_argv(argv, sizeof argv / sizeof argv[0], true, db, args);
    snprintf(outp, sizeof outp, "%s/run-%d.out", dir, (int)getpid());
    snprintf(errp, sizeof errp, "%s/run-%d.err", dir, (int)getpid());
    pid = spawn_argv(argv, outp, errp);
    r->code = -1;
    if (pid > 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    r->secs = stress_now() - t0;
    /* The memory checker's own exit code must never pass for billcenter's. */
    if (r->code == 99 && nwrapper > 0)
        r->code = -99;
    r->out = stress_slurp(outp);
    r->err = stress_slurp(errp);
    if (!r->out)
        r->out = strdup("");
    if (!r->err)
        r->err = strdup("");
    unlink(outp);
    unlink(errp);
}

void stress_run_clear(struct stress_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

bool stress_one_line(const char *err)
{
    size_t len = strlen(err);
    const char *nl = strchr(err, '\n');

    return len > 12 && strncmp(err, "billcenter: ", 12) == 0 && nl == err + len - 1;
}

/* ---------------------------------------------------------------- databases */

bool stress_make_demo(const char *dir, const char *name, char *out, size_t size)
{
    struct stress_run r;
    const char *argv[] = {"--db", out, "--catalog", stress_catalog(), "--date", STRESS_DAY,
                          "init", "--demo", NULL};
    bool ok;

    if (!testdb_fresh_in(dir, name, out, size)) {
        tap_diag("a new database: %s", testdb_error());
        return false;
    }
    if (ndbs < (int)(sizeof dbs / sizeof dbs[0]))
        snprintf(dbs[ndbs++], sizeof dbs[0], "%s", out);
    stress_run(&r, dir, NULL, argv);
    ok = r.code == 0;
    if (!ok)
        tap_diag("init --demo exited %d: %s", r.code, r.err);
    stress_run_clear(&r);
    return ok;
}

bool stress_db_copy(const char *from, const char *dir, const char *name, char *out,
                    size_t size)
{
    if (!testdb_copy(from, dir, name, out, size)) {
        tap_diag("a copy of %s: %s", from, testdb_error());
        return false;
    }
    if (ndbs < (int)(sizeof dbs / sizeof dbs[0]))
        snprintf(dbs[ndbs++], sizeof dbs[0], "%s", out);
    return true;
}

bool stress_copy(const char *from, const char *to)
{
    char buf[65536];
    ssize_t n;
    int in = open(from, O_RDONLY), out = -1;
    bool ok = false;

    if (in < 0)
        return false;
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0)
        goto done;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            goto done;
    ok = n == 0;
done:
    close(in);
    if (out >= 0 && close(out) != 0)
        ok = false;
    return ok;
}

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

uint64_t stress_file_hash(const char *path)
{
    unsigned char buf[65536];
    ssize_t n;
    uint64_t h = FNV_OFFSET;
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return 0;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        h = fnv(h, buf, (size_t)n);
    close(fd);
    return n == 0 ? h : 0;
}

uint64_t stress_db_hash(const char *db, const char *const skip[])
{
    uint64_t h = testdb_hash(db, skip);

    if (!h)
        tap_diag("fingerprint of %s: %s", db, testdb_error());
    return h;
}

int64_t stress_sql_int(const char *db, const char *sql, int64_t fallback)
{
    struct testdb_conn *c = testdb_connect(db, false);
    int64_t v = fallback;

    int found = c ? testdb_conn_int(c, sql, &v) : -1;

    if (found != 1) {
        tap_diag("%s: %s", sql, found == 0 ? "no row" : c ? testdb_conn_error(c) : testdb_error());
        v = fallback;
    }
    testdb_disconnect(c);
    return v;
}

bool stress_sql_exec(const char *db, const char *sql)
{
    bool ok = testdb_sql_exec(db, sql);

    if (!ok)
        tap_diag("%s", testdb_error());
    return ok;
}

bool stress_integrity(const char *db, char *why, size_t size)
{
    return testdb_integrity(db, why, size);
}

bool stress_documents_ok(const char *db, long long after, long long *docs, char *why,
                         size_t size)
{
    char sql[600];
    long long n = stress_sql_int(db, "SELECT count(*) FROM documents", -1);
    long long gapped = stress_sql_int(db, "SELECT count(*) FROM (SELECT series, year FROM "
        "documents GROUP BY series, year HAVING min(sequence) != 1 OR max(sequence) != "
        "count(*) OR count(DISTINCT sequence) != count(*)) g", -1);
    long long doubled = stress_sql_int(db, "SELECT count(*) FROM (SELECT order_id FROM "
        "documents GROUP BY order_id HAVING count(*) > 1) d", -1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM orders o WHERE o.id > %lld AND NOT EXISTS "
             "(SELECT 1 FROM documents d WHERE d.order_id = o.id) AND EXISTS (SELECT 1 FROM "
             "order_lines l WHERE l.order_id = o.id AND l.amount_minor != 0)", after);
    long long missing = stress_sql_int(db, sql, -1);

    if (docs)
        *docs = n;
    if (n < 0 || gapped < 0 || doubled < 0 || missing < 0)
        snprintf(why, size, "the documents could not be read");
    else if (gapped)
        snprintf(why, size, "%lld series/year with a gap or a repeat in their numbers", gapped);
    else if (doubled)
        snprintf(why, size, "%lld orders with more than one document", doubled);
    else if (missing)
        snprintf(why, size, "%lld orders without their document", missing);
    else {
        snprintf(why, size, "ok");
        return true;
    }
    return false;
}
