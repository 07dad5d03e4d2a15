/* cli_operator.c — `billcenter operator add|remove|list`: who may use this
 * database and with which role. The decisions (only an admin, or the file's
 * owner while there is no admin; never the last admin away; one audit row
 * per attempt) are access.c's; this file turns them into one clear line and
 * the right exit code. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "cli_cmd.h"
#include "cli_json.h"

/* "Unix user 'x': not an operator" — the same line as every other command. */
static int unknown_user(void)
{
    char me[128];

    if (!access_unix_name(me, sizeof me))
        snprintf(me, sizeof me, "uid %ld", (long)getuid());
    return cli_error("Unix user '%s': %s", me, bc_status_message(BC_UNKNOWN_USER));
}

/* What access.c refused or failed with, for operator `name` (may be NULL). */
static int report(const struct cli *c, enum bc_status st, const char *name)
{
    bool adding = strcmp(c->command, "operator add") == 0;

    switch (st) {
    case BC_UNKNOWN_USER:
        return unknown_user();
    case BC_NOT_ADMIN: {
        char me[128] = "?";
        access_unix_name(me, sizeof me);
        cli_error("%s: %s ('%s' is not an admin)", c->command, bc_status_message(st), me);
        return CLI_EXIT_REFUSED;
    }
    case BC_LAST_ADMIN:
        cli_error("%s: '%s' is the only admin. %s", c->command, name ? name : "?",
                  bc_status_message(st));
        return CLI_EXIT_REFUSED;
    case BC_NOT_FOUND:
        if (adding)
            return cli_error("%s: '%s' is not a Unix account on this machine; create the account "
                             "first (useradd), then add it", c->command, name);
        return cli_error("%s: '%s' is not an operator", c->command, name);
    case BC_INVALID_ARGUMENT:
        return cli_error("%s: '%s' is not a Unix account name", c->command, name);
    default:
        return cli_status(st, c->db_path);
    }
}

int cli_cmd_operator_add(struct cli *c)
{
    enum store_operator_role role;
    const char *name = c->args[0];
    enum bc_status st;
    int rc;

    if (!c->opt[CLI_OPT_ROLE])
        return cli_usage_error(c, "--role is required (admin, operator or readonly)");
    if (!access_role_parse(c->opt[CLI_OPT_ROLE], &role))
        return cli_usage_error(c, "--role: '%s' is not a role (admin, operator or readonly)",
                               c->opt[CLI_OPT_ROLE]);
    if (!name[0])
        return cli_usage_error(c, "the Unix account name is empty");
    rc = cli_open_store(c, STORE_OPEN_EXISTING);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = access_operator_add(c->store, c->db_path, name, role);
    if (st != BC_OK)
        return report(c, st, name);
    printf(_("Operator '%s' is %s.\n"), name, access_role_name(role));
    return CLI_EXIT_OK;
}

int cli_cmd_operator_remove(struct cli *c)
{
    const char *name = c->args[0];
    enum bc_status st;
    int rc;

    if (!name[0])
        return cli_usage_error(c, "the Unix account name is empty");
    rc = cli_open_store(c, STORE_OPEN_EXISTING);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = access_operator_remove(c->store, c->db_path, name);
    if (st != BC_OK)
        return report(c, st, name);
    printf(_("'%s' is no longer an operator.\n"), name);
    return CLI_EXIT_OK;
}

struct list_ctx {
    json_t *rows;        /* --json */
    size_t n;
    bool failed;
};

static bool list_one(void *ctx, const char *name, enum store_operator_role role)
{
    struct list_ctx *l = ctx;

    l->n++;
    if (!l->rows) {
        printf("%-32s %s\n", name, access_role_name(role));
        return true;
    }
    if (json_array_append_new(l->rows, json_pack("{s:s, s:s}", "name", name, "role",
                                                 access_role_name(role))) != 0) {
        l->failed = true;
        return false;
    }
    return true;
}

int cli_cmd_operator_list(struct cli *c)
{
    struct billing_actor me;
    struct list_ctx l = {NULL, 0, false};
    enum bc_status st;
    int rc = cli_open_store(c, STORE_OPEN_EXISTING);

    if (rc != CLI_EXIT_OK)
        return rc;
    st = access_admin(c->store, c->db_path, &me);
    if (st != BC_OK)
        return report(c, st, NULL);
    if (c->json && !(l.rows = json_array()))
        return cli_status(BC_NO_MEMORY, NULL);
    st = store_operator_each(c->store, list_one, &l);
    if (st != BC_OK || l.failed) {
        json_decref(l.rows);
        return cli_status(st != BC_OK ? st : BC_NO_MEMORY, c->db_path);
    }
    if (l.rows)
        return cli_json_print(l.rows) ? CLI_EXIT_OK : cli_status(BC_IO_ERROR, "standard output");
    if (l.n == 0)
        printf(_("No operators yet: '%s', the owner of %s, acts as admin.\n"), me.name, c->db_path);
    return CLI_EXIT_OK;
}
