/* stress.h — what billcenter's robustness tests share: TAP
 * output for test programs that fork many processes (plain TAP, no cmocka,
 * so forked workers carry no test-framework state), running the real binary
 * with its output captured, a demo database, and fingerprints of a database
 * file (bytes) and of its contents (rows) to prove that nothing changed.
 * Databases are on the engine $BC_TEST_ENGINE names, through testdb.h: a
 * "db" below is a target (a SQLite file path or a PostgreSQL conninfo). */
#ifndef BC_STRESS_H
#define BC_STRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The day every stress test pretends is today (SPEC §3's worked example). */
#define STRESS_DAY "2026-11-25"

/* ---------------------------------------------------------------- TAP */

/* Prints "ok N - what" or "not ok N - what"; returns cond. */
bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "ok N - what # SKIP why". */
void tap_skip(const char *what, const char *why);
/* Prints "# ..." (a diagnostic line; figures for the report). */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan "1..N"; returns the process exit code (0: all passed). */
int tap_done(void);

/* ---------------------------------------------------------------- set-up */

/* argv[1] is the billcenter binary; $BC_TEST_WRAPPER (e.g. valgrind) is
 * honoured by stress_run when use_wrapper is true. False (message on
 * stderr) on misuse. */
bool stress_init(int argc, char **argv, bool use_wrapper);
/* The binary under test. */
const char *stress_bin(void);
/* Catalog directory of the source tree. */
const char *stress_catalog(void);
/* Makes a fresh temporary directory (static buffer, valid until exit) and
 * removes it with everything in it at exit unless BC_KEEP_STRESS is set. */
const char *stress_tmpdir(const char *tag);
/* Seconds from a monotonic clock. */
double stress_now(void);

/* ---------------------------------------------------------------- running */

struct stress_run {
    int code;         /* exit code, 128 + signal if killed, -1 if it could not run,
                         -99 if the wrapper (valgrind --error-exitcode=99) found errors */
    char *out, *err;  /* captured stdout / stderr (owned; stress_run_clear frees) */
    double secs;      /* wall time */
};

/* Runs `billcenter --db DB --catalog CATALOG --date DAY ARGS...` (db NULL:
 * no --db/--catalog/--date) with stdin from /dev/null, capturing output in
 * files under dir. args is NULL-terminated. */
void stress_run(struct stress_run *r, const char *dir, const char *db,
                const char *const args[]);
#define STRESS_RUN(r, dir, db, ...) \
    stress_run((r), (dir), (db), (const char *const[]){__VA_ARGS__, NULL})
void stress_run_clear(struct stress_run *r);

/* Starts the same command line without waiting (output into out/err
 * paths); returns the pid or -1. The wrapper is never used here. */
pid_t stress_spawn(const char *db, const char *const args[], const char *outp,
                   const char *errp);

/* True when stderr is exactly one line "billcenter: ...\n". */
bool stress_one_line(const char *err);

/* Reads a whole file (NUL-terminated; "" when missing). Caller frees. */
char *stress_slurp(const char *path);

/* ---------------------------------------------------------------- databases */

/* `billcenter --db DB init --demo --date DAY` on a new database (SQLite:
 * DIR/NAME; PostgreSQL: a database of its own, dropped at exit); its target
 * goes to out (size bytes). False (diagnostic printed) on failure. */
bool stress_make_demo(const char *dir, const char *name, char *out, size_t size);
/* A copy of database `from` (SQLite: DIR/NAME), dropped at exit. */
bool stress_db_copy(const char *from, const char *dir, const char *name, char *out,
                    size_t size);
/* Copies a file byte for byte. */
bool stress_copy(const char *from, const char *to);
/* FNV-1a 64 of a file's bytes; 0 if unreadable. */
uint64_t stress_file_hash(const char *path);
/* FNV-1a 64 over every row of every table (and the schema), rows in
 * a fixed order; tables named in skip (NULL-terminated, may be NULL) are
 * left out. Opens read-only. 0 on error (testdb_hash). */
uint64_t stress_db_hash(const char *db, const char *const skip[]);
/* First column of the first row of sql as an integer; fallback on error. */
int64_t stress_sql_int(const char *db, const char *sql, int64_t fallback);
/* Runs sql read-write (test set-up); false (diagnostic) on error. */
bool stress_sql_exec(const char *db, const char *sql);
/* The engine's integrity check (testdb_integrity); false with its finding
 * in why. */
bool stress_integrity(const char *db, char *why, size_t size);
/* SPEC §9 over the whole database: per series and year the numbers are
 * 1..N (no gap, no repeat), at most one document per order, and every
 * order after order id `after` whose lines are not all zero has exactly
 * one. False with what is wrong in why; the counts in *docs (may be NULL). */
bool stress_documents_ok(const char *db, long long after, long long *docs, char *why,
                         size_t size);

#endif
