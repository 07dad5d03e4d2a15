/* store_test.h — what tests and benchmarks may ask of any engine beyond the
 * records: raw statements for fixtures, one integer read back, and the plan
 * of the search query. Only tests/ include it; billcenter never calls it. */
#ifndef BC_STORE_TEST_H
#define BC_STORE_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Runs one or more raw SQL statements on the connection. */
enum bc_status store_exec_for_test(struct store *s, const char *sql);
/* The first column of the first row of `sql` as an integer (NULL reads 0);
 * BC_NOT_FOUND when no row. */
enum bc_status store_int_for_test(struct store *s, const char *sql, int64_t *out);
/* The query plan of store_account_search's statement, one line per step,
 * joined by '\n' into buf. */
enum bc_status store_search_plan_for_test(struct store *s, char *buf, size_t size);

/* Calls `fn` (NULL: no longer) with the text of every statement any store
 * of the process prepares from now on, as written in src/store (?N
 * parameters, the engine's own text where STORE_SQL picks one), before the
 * engine sees it: tests/test_plans.c asks the engine for each one's plan. */
void store_trace_prepares_for_test(void (*fn)(const char *sql));

#endif
