/* cli_harness.h — what the command-line tests share: running the real
 * billcenter binary as a script would (fork + exec, stdout/stderr/exit code
 * captured, optionally under $BC_TEST_WRAPPER such as valgrind), reading
 * the database through testdb (on the engine $BC_TEST_ENGINE names: the
 * target passed with --db is a SQLite file or a PostgreSQL conninfo),
 * temporary directories, and a demo database made once per test program
 * (init --demo on SPEC §3's worked-example day) that each test copies.
 * Include after <cmocka.h>. */
#ifndef BC_CLI_HARNESS_H
#define BC_CLI_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DAY "2026-11-25"

struct run {
    int code;                           /* exit code, or 128 + signal */
    char *out, *err;                    /* what it wrote; run_clear frees */
};

/* Reads the binary's path from argv[1] (or $BILLCENTER) and $BC_TEST_WRAPPER,
 * and clears the environment that could pick a database or catalog. False,
 * with a usage line, when there is no binary. */
bool harness_init(int argc, char **argv, const char *name);
void harness_finish(void);

/* argv for one run: the wrapper's words when `wrapped`, the binary, `args`
 * (NULL-terminated). Returns the count. */
size_t command_line(const char *const *args, const char **argv, size_t cap, bool wrapped);
/* Runs billcenter with `args`, capturing into files in `dir`; `input` (may be
 * NULL) is its stdin, else /dev/null. A wrapper's own failure (exit 99)
 * fails the test. */
void run_in(struct run *r, const char *dir, const char *input, const char *const *args);
void run_clear(struct run *r);
/* The whole file (empty when it cannot be read). Caller frees. */
char *slurp(const char *path);

#define RUN(r, dir, ...) run_in((r), (dir), NULL, (const char *const[]){__VA_ARGS__, NULL})
#define RUN_INPUT(r, dir, input, ...) \
    run_in((r), (dir), (input), (const char *const[]){__VA_ARGS__, NULL})

/* Exit code check that shows what the program said when it is wrong. */
#define assert_exit(r, expect) do { \
        if ((r)->code != (expect)) \
            fail_msg("exit %d, expected %d\nstdout: %s\nstderr: %s", (r)->code, (expect), \
                     (r)->out, (r)->err); \
    } while (0)

/* stderr holds exactly one line, "billcenter: ..." */
void assert_one_error_line(const struct run *r);

/* First column of the first row, on a connection of the test's own (the
 * row must be there); sql_text's is "" for none (caller frees). */
int64_t sql_int(const char *db, const char *sql);
char *sql_text(const char *db, const char *sql);
void sql_exec(const char *db, const char *sql);

void make_temp_dir(char *out, size_t size);
void remove_tree(const char *dir);
/* Copies a file; a missing `from` (e.g. no -wal file) copies nothing. */
void copy_file(const char *from, const char *to);

/* A test's own directory and database target (the *state of the fixtures):
 * on SQLite DIR/billcenter.db, on PostgreSQL a database of its own. */
struct fx {
    char dir[256];
    char db[512];
};
int fx_setup(void **state);             /* empty directory, an empty database (none on SQLite) */
int fx_demo_setup(void **state);        /* a private copy of the demo database */
int fx_teardown(void **state);          /* drops the database, removes the directory */
/* The demo database's own target (read it, never write it). */
const char *demo_target(void);
/* Makes the demo database once; its exit code and stdout stay readable. */
int group_setup(void **state);
int group_teardown(void **state);
extern int demo_init_code;
extern char *demo_init_out;

#endif
