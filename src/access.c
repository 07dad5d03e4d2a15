/* access.c — operator identity from the Unix account (access.h). $USER and
 * $LOGNAME are never consulted: anyone can set them. */
#include "access.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool access_unix_name(char *out, size_t size)
{
    const struct passwd *pw = getpwuid(getuid());

    if (!pw || !pw->pw_name || !pw->pw_name[0] || strlen(pw->pw_name) >= size)
        return false;
    memcpy(out, pw->pw_name, strlen(pw->pw_name) + 1);
    return true;
}

void access_origin(const char *fallback, char *out, size_t size)
{
    const char *ssh = getenv("SSH_CLIENT");

    snprintf(out, size, "%s", ssh && ssh[0] ? ssh : fallback);
}

static bool count_operator(void *ctx, const char *name, enum store_operator_role role)
{
    (void)name;
    (void)role;
    ++*(long *)ctx;
    return true;
}

enum bc_status access_operator(struct store *s, const char *db_path, struct billing_actor *out)
{
    enum bc_status st;
    enum store_operator_role role;
    long count = 0;
    struct stat sb;

    memset(out, 0, sizeof *out);
    out->kind = BILLING_ACTOR_OPERATOR;
    access_origin("local", out->origin, sizeof out->origin);
    if (!access_unix_name(out->name, sizeof out->name))
        return BC_UNKNOWN_USER;

    st = store_operator_get(s, out->name, &role);
    if (st == BC_OK) {
        out->op_role = role;
        return BC_OK;
    }
    if (st != BC_NOT_FOUND)
        return st;

    /* A database nobody administers yet belongs to whoever owns its file. */
    st = store_operator_each(s, count_operator, &count);
    if (st != BC_OK)
        return st;
    if (count == 0 && db_path && stat(db_path, &sb) == 0 && sb.st_uid == getuid()) {
        out->op_role = STORE_OP_ADMIN;
        return BC_OK;
    }
    return BC_UNKNOWN_USER;
}

void access_kiosk(struct billing_actor *out)
{
    memset(out, 0, sizeof *out);
    out->kind = BILLING_ACTOR_CONTACT;
    out->contact_id = 0;
    access_origin("kiosk", out->origin, sizeof out->origin);
}

const char *access_role_name(enum store_operator_role role)
{
    switch (role) {
    case STORE_OP_ADMIN: return "admin";
    case STORE_OP_OPERATOR: return "operator";
    case STORE_OP_READONLY: return "readonly";
    }
    return "unknown";
}
