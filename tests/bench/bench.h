/* bench.h — what billcenter's benchmark programs share: a monotonic clock,
 * order statistics, and the one output format run.sh turns into the table.
 *
 * Every program prints one line per figure on stdout:
 *   ROW<TAB>figure<TAB>measured<TAB>target<TAB>compared with<TAB>met
 * where met is "yes", "no" or "n/a". Anything else on stdout is ignored by
 * run.sh; diagnostics go to stderr. Benchmarks are test code: they may hold
 * SQL (the floor programs) and never run in the normal test suite except
 * through the seconds-long smoke run. */
#ifndef BC_BENCH_H
#define BC_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t bench_now_ns(void);
/* CPU nanoseconds used by this process (user + system). On a busy machine
 * the CPU-bound figures are judged on it: wall time there also counts the
 * time other processes held the core. */
int64_t bench_cpu_ns(void);

/* Sorts v[0..n) ascending in place and returns the q-quantile (0..1) by
 * nearest rank; 0 when n == 0. */
double bench_quantile(double *v, size_t n, double q);

/* Prints one ROW line (printf-style measured and compared texts). */
void bench_row(const char *figure, const char *measured, const char *target,
               const char *compared, const char *met);

/* "yes" / "no". */
const char *bench_met(bool ok);

/* An integer from the environment, or def when unset or not a number. */
long bench_env_long(const char *name, long def);

/* Copies the file `from` to `to` (made or truncated); false on any error. */
bool bench_copy_file(const char *from, const char *to);

/* Removes the directory `dir` and everything below it (the benchmarks'
 * temporary directories). */
void bench_rm_tree(const char *dir);

/* Formats n with thousands separators ("5,123,456") into buf. */
const char *bench_grouped(char *buf, size_t size, double n);

#endif
