/* cli_init.c — `billcenter init [--demo [--scale N]]` and `billcenter
 * catalog check [DIR]`: making a database (its creator becomes its first
 * admin operator) and checking a catalog before it ships. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "access.h"
#include "cli_cmd.h"
#include "demo.h"

static void progress(void *ctx, int64_t done, int64_t total)
{
    (void)ctx;
    fprintf(stderr, "\rdemo accounts: %lld/%lld", (long long)done, (long long)total);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* init changes who administers the database and what it holds: audited
 * like every other change. */
static enum bc_status audit(struct store *s, const char *me, const char *action, const char *after)
{
    struct store_audit_entry e;
    char origin[128];

    access_origin("local", origin, sizeof origin);
    memset(&e, 0, sizeof e);
    e.at = (int64_t)time(NULL);
    e.actor = me;
    e.origin = origin;
    e.action = action;
    e.after = after;
    e.result = "ok";
    return store_audit_append(s, &e);
}

static bool count_operator(void *ctx, const char *name, enum store_operator_role role)
{
    (void)name;
    (void)role;
    ++*(long *)ctx;
    return true;
}

int cli_cmd_init(struct cli *c)
{
    char me[128];
    enum store_operator_role role = STORE_OP_ADMIN;
    struct stat sb;
    bool existed;
    long operators = 0;
    int scale = 1000;
    int64_t accounts;
    enum bc_status st;
    int rc;

    if (c->opt[CLI_OPT_SCALE] && !c->opt[CLI_OPT_DEMO])
        return cli_usage_error(c, "--scale goes with --demo");
    if (c->opt[CLI_OPT_SCALE] &&
        !cli_parse_int("--scale", c->opt[CLI_OPT_SCALE], 1, 100000000, &scale))
        return CLI_EXIT_USAGE;
    if (!access_unix_name(me, sizeof me))
        return cli_error("uid %ld: %s", (long)getuid(), bc_status_message(BC_UNKNOWN_USER));
    if (c->opt[CLI_OPT_DEMO]) {
        rc = cli_open_catalog(c);
        if (rc != CLI_EXIT_OK)
            return rc;
    }

    if (!cli_resolve_db_path(c))
        return CLI_EXIT_ERROR;
    existed = stat(c->db_path, &sb) == 0;
    rc = cli_open_store(c, STORE_OPEN_CREATE);
    if (rc != CLI_EXIT_OK)
        return rc;

    st = store_operator_each(c->store, count_operator, &operators);
    if (st != BC_OK)
        return cli_status(st, c->db_path);
    if (operators == 0) {
        char after[256];
        json_t *j = json_pack("{s:s, s:s}", "operator", me, "role", "admin");
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        snprintf(after, sizeof after, "%s", text ? text : "{}");
        free(text);
        json_decref(j);
        st = store_operator_put(c->store, me, STORE_OP_ADMIN);
        if (st == BC_OK)
            st = audit(c->store, me, "operator.add", after);
        if (st != BC_OK)
            return cli_status(st, c->db_path);
    } else {
        st = store_operator_get(c->store, me, &role);
        if (st == BC_NOT_FOUND)
            return cli_error("Unix user '%s': %s", me, bc_status_message(BC_UNKNOWN_USER));
        if (st != BC_OK)
            return cli_status(st, c->db_path);
    }
    printf(existed ? _("Opened database %s (schema version %d).\n")
                   : _("Created database %s (schema version %d).\n"), c->db_path,
           STORE_SCHEMA_VERSION);
    if (operators == 0)
        printf(_("Operator '%s' is its admin.\n"), me);

    if (!c->opt[CLI_OPT_DEMO])
        return CLI_EXIT_OK;
    if (role != STORE_OP_ADMIN) {
        cli_error("only an admin operator adds demo data ('%s' is %s)", me, access_role_name(role));
        return CLI_EXIT_REFUSED;
    }
    accounts = store_account_count(c->store);
    if (accounts < 0)
        return cli_status(BC_DB_ERROR, c->db_path);
    if (accounts > 0)
        return cli_error("%s already holds %lld account(s); demo data goes into a new database",
                         c->db_path, (long long)accounts);
    /* The showcase and generated accounts, then the six that show the life
     * of a subscription (SPEC §8) as the last of the `scale` (16 at least:
     * the ten showcase accounts and those six). */
    int generated = scale >= 16 ? scale - 6 : 10;
    st = demo_generate(c->store, c->catalog, cli_today(c), generated,
                       isatty(STDERR_FILENO) ? progress : NULL, NULL);
    if (st == BC_OK)
        st = demo_lifecycle(c->store, c->catalog, cli_today(c));
    int added = generated + 6;
    if (st == BC_OK) {
        char after[64];
        snprintf(after, sizeof after, "{\"accounts\": %d}", added);
        st = audit(c->store, me, "demo.generate", after);
    }
    if (st != BC_OK)
        return cli_status(st, "demo data");
    printf(ngettext("Added %d demo account.\n", "Added %d demo accounts.\n", (unsigned long)added),
           added);
    return CLI_EXIT_OK;
}

int cli_cmd_catalog_check(struct cli *c)
{
    size_t plans = 0;
    int rc;

    if (c->nargs == 1)
        snprintf(c->catalog_dir, sizeof c->catalog_dir, "%s", c->args[0]);
    rc = cli_open_catalog(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    for (size_t i = 0; i < c->catalog->nproducts; i++)
        plans += c->catalog->products[i].nplans;
    printf(_("%s: ok (%zu products, %zu plans)\n"), c->catalog_dir, c->catalog->nproducts, plans);
    return CLI_EXIT_OK;
}
