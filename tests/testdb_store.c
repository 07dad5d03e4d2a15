/* testdb_store.c — the tests' own SQL on a store's connection (store_test.h),
 * whichever engine it runs, failing the cmocka test unless the store says
 * BC_OK (testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "store_test.h"
#include "testdb.h"

void testdb_exec(struct store *s, const char *sql)
{
    enum bc_status st = store_exec_for_test(s, sql);

    if (st != BC_OK)
        fail_msg("%s: %s (%s)", sql, bc_status_code(st), store_errmsg(s));
}

int64_t testdb_int(struct store *s, const char *sql)
{
    int64_t v = 0;
    enum bc_status st = store_int_for_test(s, sql, &v);

    if (st != BC_OK)
        fail_msg("%s: %s (%s)", sql, bc_status_code(st), store_errmsg(s));
    return v;
}
