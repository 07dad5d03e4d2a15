/* bench_renew.c — the daily `billcenter renew` (SPEC §4, §8) at scale: the
 * real process, started as cron would start it, on demo databases made by
 * `init --demo --scale`, against a floor of the same rows written through
 * bare SQLite with the same commits; its peak memory at two sizes; and a
 * week of missed renewals against one day.
 *
 * The demo generator starts monthly periods on 2026-10-29 .. 11-25 (today
 * 2026-11-25 minus 0..27 days), so they end 11-29 .. 12-25, one day's share
 * each, and annual periods end over the next year:
 *   - on 2026-12-26 every monthly period and a few annual ones are due at
 *     once (about 1.39 per account): the "N due the same day" rows;
 *   - on 2026-11-29 one day's share is due, on 2026-12-05 seven days'
 *     (11-29 .. 12-05): a week of missed renewals, on a copy of the same
 *     database.
 * The mix is the generator's: balances that cover the period, cards
 * charged, cards declined and accounts without a card (-> past_due),
 * trials, corporate accounts (not renewed by the run, still looked at).
 *
 * The floor: bench_renew_rec.so, preloaded into the timed renew, records
 * every write statement it executes with the values it binds, and its
 * BEGIN/COMMIT; the floor replays that record through bare SQLite (each
 * statement prepared once, store_open's pragmas: WAL, synchronous=FULL) on
 * a copy of the database as it was before the run. Same rows, same
 * commits (both counted by commit hooks), without billcenter's reads, C
 * work and process start: what the disk and SQLite cost at the least.
 *
 * argv: BILLCENTER RECORDER.so. Environment:
 *   BC_BENCH_RENEW_DUE (default 1,000,000) subscriptions due the same day
 *     (accounts = DUE / 1.39);
 *   BC_BENCH_RENEW_MEM_DUE (default DUE / 10) the second size of the
 *     memory row;
 *   BC_BENCH_RENEW_WEEK_ACCOUNTS (default the accounts of DUE) the
 *     database of the week row, BC_BENCH_RENEW_WEEK_RUNS (default 2) how
 *     often its day and its week are each renewed (the fastest counts). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define DUE_PER_ACCOUNT 1.39   /* 1,394 due on 12-26 in the 1,000-account demo */
#define TARGET_RATIO 0.7
#define MEM_LIMIT_KB (64 * 1024)
#define LINEAR_LIMIT 1.25      /* per-renewal time of a week / of a day */

#define ROW_RENEW "renew of N subscriptions due the same day (mix: balance covers it, card charged," \
                  " declined -> past due), synchronous=FULL"
#define ROW_MEM "peak memory of that run (VmHWM of the renew process)"
#define ROW_WEEK "a week of missed renewals caught up (7 x the daily due set)"

static const char *billcenter, *recorder_lib, *dir;

/* ---------------------------------------------------------------- processes */

struct proc_run {
    int code;           /* exit status, -1 when it did not exit */
    double secs;        /* wall */
    double cpu;         /* user + system of the process */
    long maxrss_kb;     /* ru_maxrss from wait4 */
};

/* Runs billcenter with args (NULL-terminated), stdout to /dev/null, stderr
 * to dir/err.log; preloading the recorder into rec when rec is not NULL. */
static bool run_billcenter(const char *const *args, const char *rec, struct proc_run *out)
{
    const char *argv[24];
    size_t n = 0;
    argv[n++] = billcenter;
    for (size_t i = 0; args[i] && n + 1 < sizeof argv / sizeof argv[0]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char errlog[512];
    snprintf(errlog, sizeof errlog, "%s/err.log", dir);
    int64_t t0 = bench_now_ns();
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY), err = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (devnull < 0 || err < 0 || dup2(devnull, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        if (rec) {
            setenv("LD_PRELOAD", recorder_lib, 1);
            setenv("BC_BENCH_REC", rec, 1);
        }
        execv(billcenter, (char *const *)argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            return false;
    out->secs = (double)(bench_now_ns() - t0) / 1e9;
    out->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    out->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    out->maxrss_kb = ru.ru_maxrss;
    if (out->code != 0)
        fprintf(stderr, "bench_renew: %s %s ... exited %d (see %s)\n", billcenter, args[0],
                out->code, errlog);
    return out->code == 0;
}

static int64_t accounts_for(long due)
{
    int64_t a = (int64_t)((double)due / DUE_PER_ACCOUNT + 0.5);
    return a < 20 ? 20 : a;
}

/* A demo database of `accounts` accounts at path, made on 2026-11-25. */
static bool make_demo(const char *path, int64_t accounts)
{
    char scale[32];
    snprintf(scale, sizeof scale, "%lld", (long long)accounts);
    const char *args[] = {"--db", path, "--catalog", SOURCE_ROOT "/plans", "--date", "2026-11-25",
                          "init", "--demo", "--scale", scale, NULL};
    struct proc_run r;
    return run_billcenter(args, NULL, &r);
}

/* The database and its WAL, when there is one (billcenter checkpoints it
 * away when it closes, normally). */
static bool copy_db(const char *from, const char *to)
{
    char fw[600], tw[600];
    snprintf(fw, sizeof fw, "%s-wal", from);
    snprintf(tw, sizeof tw, "%s-wal", to);
    return bench_copy_file(from, to) && (access(fw, F_OK) != 0 || bench_copy_file(fw, tw));
}

/* ---------------------------------------------------------------- reading */

static int64_t sql_int(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    else
        fprintf(stderr, "bench_renew: %s: %s\n", sql, h ? sqlite3_errmsg(h) : "cannot open");
    sqlite3_finalize(q);
    sqlite3_close(h);
    return v;
}

static int64_t day_of(int y, int m, int d)
{
    /* Days from 1970-01-01 (Howard Hinnant's days_from_civil), as bc_day. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* What one run found and did. */
struct mix {
    int64_t due;          /* the subscriptions the run looks at */
    int64_t balance;      /* renewal orders with nothing left to charge */
    int64_t charged;      /* renewal orders with a card charged */
    int64_t failed;       /* payment.failed: declined, no card (-> past due) */
    int64_t orders_total; /* for the floor's check */
};

static bool due_count(const char *db, int64_t day, struct mix *m)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM subscriptions WHERE period_end <= %lld"
             " AND status IN ('active','trial','past_due')", (long long)day);
    m->due = sql_int(db, sql);
    return m->due >= 0;
}

static bool mix_after(const char *db, struct mix *m)
{
    m->balance = sql_int(db, "SELECT count(*) FROM orders WHERE idempotency_key LIKE 'renew:%'"
                             " AND due_minor = 0");
    m->charged = sql_int(db, "SELECT count(*) FROM orders WHERE idempotency_key LIKE 'renew:%'"
                             " AND due_minor > 0");
    m->failed = sql_int(db, "SELECT count(*) FROM events WHERE type = 'payment.failed'");
    m->orders_total = sql_int(db, "SELECT count(*) FROM orders");
    return m->balance >= 0 && m->charged >= 0 && m->failed >= 0 && m->orders_total >= 0;
}

/* ---------------------------------------------------------------- floor */

struct floor_run {
    double secs, cpu;
    uint64_t statements, commits, errors;
    uint64_t rec_statements, rec_commits, rec_writes;   /* the renew process's, from 'E' */
    bool ended;
};

static int floor_commit(void *ctx)
{
    ((struct floor_run *)ctx)->commits++;
    return 0;
}

struct cursor {
    const unsigned char *p, *end;
    bool bad;
};

static void take(struct cursor *c, void *out, size_t n)
{
    if ((size_t)(c->end - c->p) < n) {
        c->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, c->p, n);
    c->p += n;
}

static uint32_t take_u32(struct cursor *c)
{
    uint32_t v;
    take(c, &v, sizeof v);
    return v;
}

/* Replays the record rec on the database db; false when it cannot be
 * read or a statement cannot be prepared. */
static bool floor_replay(const char *db, const char *rec, struct floor_run *out)
{
    memset(out, 0, sizeof *out);
    int fd = open(rec, O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size == 0) {
        fprintf(stderr, "bench_renew: no record in %s\n", rec);
        if (fd >= 0)
            close(fd);
        return false;
    }
    const unsigned char *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return false;
    sqlite3 *h = NULL;
    size_t cap = 256;
    sqlite3_stmt **qs = calloc(cap, sizeof *qs);
    char *sql = NULL;
    bool ok = qs && sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
              sqlite3_exec(h, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                              " PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000",
                           NULL, NULL, NULL) == SQLITE_OK;
    if (ok)
        sqlite3_commit_hook(h, floor_commit, out);
    struct cursor c = {map, map + sb.st_size, false};
    int64_t t0 = bench_now_ns(), c0 = bench_cpu_ns();
    while (ok && !c.bad && c.p < c.end) {
        char kind = (char)*c.p++;
        uint32_t id = 0, len;
        sqlite3_stmt *q;
        switch (kind) {
        case 'Q':
            id = take_u32(&c);
            len = take_u32(&c);
            if (c.bad || (size_t)(c.end - c.p) < len || !(sql = realloc(sql, len + 1))) {
                ok = false;
                break;
            }
            memcpy(sql, c.p, len);
            sql[len] = '\0';
            c.p += len;
            while (id >= cap) {
                sqlite3_stmt **more = realloc(qs, 2 * cap * sizeof *qs);
                if (!more) {
                    ok = false;
                    break;
                }
                memset(more + cap, 0, cap * sizeof *more);
                qs = more;
                cap *= 2;
            }
            if (ok && sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &qs[id], NULL) !=
                          SQLITE_OK) {
                fprintf(stderr, "bench_renew: floor: %s: %s\n", sql, sqlite3_errmsg(h));
                ok = false;
            }
            break;
        case 'B': {
            id = take_u32(&c);
            int i = (int)take_u32(&c);
            char type = 0;
            take(&c, &type, 1);
            q = id < cap ? qs[id] : NULL;
            if (!q) {
                c.bad = true;
                break;
            }
            if (type == 'i') {
                int64_t v;
                take(&c, &v, sizeof v);
                sqlite3_bind_int64(q, i, v);
            } else if (type == 'd') {
                double v;
                take(&c, &v, sizeof v);
                sqlite3_bind_double(q, i, v);
            } else if (type == 'n') {
                sqlite3_bind_null(q, i);
            } else if (type == 't') {
                len = take_u32(&c);
                if ((size_t)(c.end - c.p) < len) {
                    c.bad = true;
                    break;
                }
                sqlite3_bind_text(q, i, (const char *)c.p, (int)len, SQLITE_STATIC);
                c.p += len;   /* the map outlives the statement's use of it */
            } else {
                c.bad = true;
            }
            break;
        }
        case 'C':
            id = take_u32(&c);
            if (id < cap && qs[id])
                sqlite3_clear_bindings(qs[id]);
            else
                c.bad = true;
            break;
        case 'S': {
            id = take_u32(&c);
            q = id < cap ? qs[id] : NULL;
            if (!q) {
                c.bad = true;
                break;
            }
            int rc;
            while ((rc = sqlite3_step(q)) == SQLITE_ROW)
                for (int k = 0; k < sqlite3_column_count(q); k++)
                    (void)sqlite3_column_text(q, k);
            if (rc != SQLITE_DONE && out->errors++ < 5)
                fprintf(stderr, "bench_renew: floor: %.80s: %s\n", sqlite3_sql(q), sqlite3_errmsg(h));
            sqlite3_reset(q);
            out->statements++;
            break;
        }
        case 'X':
            len = take_u32(&c);
            if (c.bad || (size_t)(c.end - c.p) < len || !(sql = realloc(sql, len + 1))) {
                ok = false;
                break;
            }
            memcpy(sql, c.p, len);
            sql[len] = '\0';
            c.p += len;
            if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK && out->errors++ < 5)
                fprintf(stderr, "bench_renew: floor: %.80s: %s\n", sql, sqlite3_errmsg(h));
            out->statements++;
            break;
        case 'E': {
            uint64_t v[3];
            take(&c, v, sizeof v);
            out->rec_statements = v[0];
            out->rec_commits = v[1];
            out->rec_writes = v[2];
            out->ended = true;
            break;
        }
        default:
            c.bad = true;
        }
    }
    out->secs = (double)(bench_now_ns() - t0) / 1e9;
    out->cpu = (double)(bench_cpu_ns() - c0) / 1e9;
    if (c.bad) {
        fprintf(stderr, "bench_renew: the record %s is cut short or damaged\n", rec);
        ok = false;
    }
    for (size_t i = 0; qs && i < cap; i++)
        sqlite3_finalize(qs[i]);
    free(qs);
    free(sql);
    sqlite3_close(h);
    munmap((void *)map, (size_t)sb.st_size);
    return ok && out->ended;
}

/* ---------------------------------------------------------------- a renew run */

struct renew_run {
    struct mix mix;
    struct proc_run proc;
};

/* Copies base to name, renews it on `date` (recorded into rec when not
 * NULL) and reads what it did. */
static bool renew_copy(const char *base, const char *name, const char *date, int64_t day,
                       const char *rec, struct renew_run *out, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    memset(out, 0, sizeof *out);
    if (!copy_db(base, path) || !due_count(path, day, &out->mix))
        return false;
    const char *args[] = {"--db", path, "--catalog", SOURCE_ROOT "/plans", "--date", date,
                          "renew", NULL};
    struct mix before = {0};
    if (!mix_after(path, &before) || !run_billcenter(args, rec, &out->proc))
        return false;
    int64_t due = out->mix.due;
    if (!mix_after(path, &out->mix))
        return false;
    out->mix.due = due;
    out->mix.balance -= before.balance;
    out->mix.charged -= before.charged;
    out->mix.failed -= before.failed;
    fprintf(stderr, "bench_renew: renew %s on %s: %lld due, %.2f s wall (%.2f s CPU), %.0f/s;"
                    " %lld from the balance, %lld charged, %lld payment.failed; peak %ld kB\n",
            name, date, (long long)due, out->proc.secs, out->proc.cpu,
            out->proc.secs > 0 ? (double)due / out->proc.secs : 0, (long long)out->mix.balance,
            (long long)out->mix.charged, (long long)out->mix.failed, out->proc.maxrss_kb);
    return due > 0;
}

/* ---------------------------------------------------------------- main */

static void fail(const char *row, const char *target, const char *why)
{
    fprintf(stderr, "bench_renew: %s\n", why);
    bench_row(row, "ERROR", target, "-", "no");
}

#define T_RENEW ">= 0.7 x floor"
#define T_MEM "<= 64 MB, constant in N"
#define T_WEEK "linear: per renewal <= 1.25 x the one-day run's"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_renew BILLCENTER RECORDER.so\n");
        return 2;
    }
    billcenter = argv[1];
    recorder_lib = argv[2];
    long n_due = bench_env_long("BC_BENCH_RENEW_DUE", 1000000);
    long n_small = bench_env_long("BC_BENCH_RENEW_MEM_DUE", n_due / 10);
    int64_t week_accounts = bench_env_long("BC_BENCH_RENEW_WEEK_ACCOUNTS", accounts_for(n_due));
    long week_runs = bench_env_long("BC_BENCH_RENEW_WEEK_RUNS", 2);
    if (week_runs < 1)
        week_runs = 1;
    char tmpl[] = "/tmp/bc-bench-renew-XXXXXX";
    if (!(dir = mkdtemp(tmpl)))
        return 1;
    int code = 0;
    char base[512], small[512], week[512], path[600], floor_db[600], rec[600], g[4][32];
    char v[256], cmp[512];
    snprintf(base, sizeof base, "%s/base.db", dir);
    snprintf(small, sizeof small, "%s/small.db", dir);
    snprintf(week, sizeof week, "%s/week.db", dir);
    snprintf(rec, sizeof rec, "%s/renew.rec", dir);
    int64_t dec26 = day_of(2026, 12, 26), nov29 = day_of(2026, 11, 29), dec05 = day_of(2026, 12, 5);

    /* 1. N due the same day, and its floor. */
    struct renew_run big = {0}, sm = {0};
    struct floor_run fl;
    bool big_ok = false;
    int64_t t0 = bench_now_ns();
    if (!make_demo(base, accounts_for(n_due))) {
        fail(ROW_RENEW, T_RENEW, "cannot make the demo database");
        code = 1;
    } else {
        fprintf(stderr, "bench_renew: demo database of %lld accounts in %.1f s\n",
                (long long)accounts_for(n_due), (double)(bench_now_ns() - t0) / 1e9);
        snprintf(floor_db, sizeof floor_db, "%s/floor.db", dir);
        if (!copy_db(base, floor_db) ||
            !(big_ok = renew_copy(base, "due.db", "2026-12-26", dec26, rec, &big, path, sizeof path))) {
            fail(ROW_RENEW, T_RENEW, "the renew run failed");
            code = 1;
        } else if (!floor_replay(floor_db, rec, &fl)) {
            fail(ROW_RENEW, T_RENEW, "the floor's replay failed");
            code = 1;
        } else {
            struct mix fm = {0};
            bool same = mix_after(floor_db, &fm) && fm.orders_total == big.mix.orders_total;
            double n = (double)big.mix.due, rate = n / big.proc.secs, frate = n / fl.secs;
            double ratio = rate / frate;
            fprintf(stderr, "bench_renew: floor: %llu statements, %llu commits (renew: %llu"
                            " statements of which %llu writes, %llu commits), %llu failed as"
                            " they did for renew, %.2f s, %.0f/s; %s\n",
                    (unsigned long long)fl.statements, (unsigned long long)fl.commits,
                    (unsigned long long)fl.rec_statements, (unsigned long long)fl.rec_writes,
                    (unsigned long long)fl.rec_commits, (unsigned long long)fl.errors, fl.secs,
                    frate, same ? "same orders" : "ORDERS DIFFER");
            snprintf(v, sizeof v, "%.0f renewals/s (%.2f x floor), %.1f s wall (%.1f s CPU) for %s"
                     " due; %.1f commits/renewal", rate, ratio, big.proc.secs, big.proc.cpu,
                     bench_grouped(g[0], sizeof g[0], n), (double)fl.rec_commits / n);
            snprintf(cmp, sizeof cmp, "floor %.0f renewals/s (%.1f s wall, %.1f s CPU): the same %s"
                     " write statements and %llu commits replayed through bare SQLite (renew ran %.1f"
                     " statements/renewal); mix: %s from the balance, %s charged, %s declined or no"
                     " card -> past due", frate, fl.secs, fl.cpu,
                     bench_grouped(g[3], sizeof g[3], (double)fl.statements),
                     (unsigned long long)fl.commits, (double)fl.rec_statements / n,
                     bench_grouped(g[0], sizeof g[0], (double)big.mix.balance),
                     bench_grouped(g[1], sizeof g[1], (double)big.mix.charged),
                     bench_grouped(g[2], sizeof g[2], (double)big.mix.failed));
            bool met = ratio >= TARGET_RATIO && same && fl.commits == fl.rec_commits;
            if (!same || fl.commits != fl.rec_commits)
                strncat(cmp, "; THE FLOOR DID NOT MATCH (see the details)", sizeof cmp - strlen(cmp) - 1);
            bench_row(ROW_RENEW, v, T_RENEW, cmp, bench_met(met));
        }
    }
    remove(rec);

    /* 2. Peak memory: the run above and one at n_small. */
    if (!big_ok) {
        fail(ROW_MEM, T_MEM, "no renew run to measure");
        code = 1;
    } else if (!make_demo(small, accounts_for(n_small)) ||
               !renew_copy(small, "small-due.db", "2026-12-26", dec26, NULL, &sm, path, sizeof path)) {
        fail(ROW_MEM, T_MEM, "the smaller renew run failed");
        code = 1;
    } else {
        double mb_big = (double)big.proc.maxrss_kb / 1024, mb_small = (double)sm.proc.maxrss_kb / 1024;
        double growth = mb_small > 0 ? mb_big / mb_small : 0;
        snprintf(v, sizeof v, "%.1f MB at %s due, %.1f MB at %s due (x %.2f for %.0f x the"
                 " renewals)", mb_big, bench_grouped(g[0], sizeof g[0], (double)big.mix.due),
                 mb_small, bench_grouped(g[1], sizeof g[1], (double)sm.mix.due), growth,
                 (double)big.mix.due / (double)sm.mix.due);
        bench_row(ROW_MEM, v, T_MEM, "- (ru_maxrss from wait4; the recorder preloaded in the larger"
                  " run holds < 2 MB)",
                  bench_met(big.proc.maxrss_kb <= MEM_LIMIT_KB && growth <= 1.25));
    }

    /* 3. One day's share (11-29) and seven days' (11-29 .. 12-05). */
    /* Alternately, week_runs times each, the fastest of each side kept:
     * one slow run beside a busy neighbour says nothing about linearity. */
    struct renew_run day = {0}, wk = {0};
    bool week_ok = make_demo(week, week_accounts);
    for (long r = 0; week_ok && r < week_runs; r++) {
        struct renew_run d1, w1;
        week_ok = renew_copy(week, "day.db", "2026-11-29", nov29, NULL, &d1, path, sizeof path) &&
                  renew_copy(week, "week7.db", "2026-12-05", dec05, NULL, &w1, path, sizeof path);
        if (week_ok && (r == 0 || d1.proc.secs < day.proc.secs))
            day = d1;
        if (week_ok && (r == 0 || w1.proc.secs < wk.proc.secs))
            wk = w1;
    }
    if (!week_ok) {
        fail(ROW_WEEK, T_WEEK, "a renew run of the week row failed");
        code = 1;
    } else {
        double per_day = day.proc.secs / (double)day.mix.due, per_week = wk.proc.secs / (double)wk.mix.due;
        double ratio = per_week / per_day;
        /* CPU per renewal too: wall time here is mostly fsync waits, which
         * other processes on the disk stretch. */
        double cpu_day = day.proc.cpu / (double)day.mix.due, cpu_week = wk.proc.cpu / (double)wk.mix.due;
        snprintf(v, sizeof v, "%s due in %.2f s (%.2f ms each, %.2f x the one-day run's; CPU %.2f ms"
                 " each, %.2f x)", bench_grouped(g[0], sizeof g[0], (double)wk.mix.due), wk.proc.secs,
                 per_week * 1e3, ratio, cpu_week * 1e3, cpu_day > 0 ? cpu_week / cpu_day : 0);
        snprintf(cmp, sizeof cmp, "one day (2026-11-29): %s due in %.2f s (%.2f ms each, CPU %.2f ms);"
                 " the week is %.1f x the day's due set, %lld accounts; fastest of %ld runs each",
                 bench_grouped(g[1], sizeof g[1], (double)day.mix.due), day.proc.secs, per_day * 1e3,
                 cpu_day * 1e3, (double)wk.mix.due / (double)day.mix.due, (long long)week_accounts,
                 week_runs);
        bench_row(ROW_WEEK, v, T_WEEK, cmp, bench_met(ratio <= LINEAR_LIMIT));
    }
    bench_rm_tree(dir);
    return code;
}
