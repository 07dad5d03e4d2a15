/* status.c — lookups into the one table of outcomes (status.h). */
#include "status.h"

static const struct {
    const char *code;
    int exit_code;
    const char *message;
} table[BC_STATUS_COUNT] = {
#define BC_STATUS_ROW(name, c, e, m) [BC_##name] = {c, e, m},
    BC_STATUS_LIST(BC_STATUS_ROW)
#undef BC_STATUS_ROW
};

const char *bc_status_code(enum bc_status st)
{
    return (unsigned)st < BC_STATUS_COUNT ? table[st].code : "unknown";
}

const char *bc_status_message(enum bc_status st)
{
    return (unsigned)st < BC_STATUS_COUNT ? table[st].message : "Unknown error.";
}

int bc_status_exit(enum bc_status st)
{
    return (unsigned)st < BC_STATUS_COUNT ? table[st].exit_code : 1;
}

bool bc_status_is_refusal(enum bc_status st)
{
    return bc_status_exit(st) == 3;
}
