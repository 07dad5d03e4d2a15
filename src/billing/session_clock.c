/* session_clock.c — the kiosk sign-in's clock. Linked into each executable
 * rather than the core library, so that only a test build (compiled with
 * BC_TEST_HOOKS, never installed) can move it: the shipped billcenter has
 * no way to shorten the PIN lock. */
#include "session.h"

#include <time.h>

#ifdef BC_TEST_HOOKS
#include <errno.h>
#include <stdlib.h>
#endif

int64_t session_clock_now(void)
{
    int64_t now = (int64_t)time(NULL);
#ifdef BC_TEST_HOOKS
    const char *env = getenv("BILLCENTER_TEST_CLOCK_OFFSET");
    char *end = NULL;
    long long off;

    if (env == NULL || env[0] == '\0')
        return now;
    errno = 0;
    off = strtoll(env, &end, 10);
    if (errno != 0 || end == env || *end != '\0' || off < -(1LL << 40) || off > (1LL << 40))
        return now;
    return now + (int64_t)off;
#else
    return now;
#endif
}
