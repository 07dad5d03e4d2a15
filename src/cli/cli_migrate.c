/* cli_migrate.c — `billcenter migrate --to DB`: the whole database copied
 * into an empty one on the other engine (SQLite to PostgreSQL or back) by
 * the store, which verifies it before it commits; an admin's command. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "cli_cmd.h"
#include "cli_json.h"

/* A SQLite file this command made is removed again when the copy fails. */
static void remove_file(const char *path)
{
    char side[4200];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

int cli_cmd_migrate(struct cli *c)
{
    const char *to = c->opt[CLI_OPT_TO];
    struct stat sb;
    struct billing_actor me;

    if (!to || !to[0])
        return cli_usage_error(c, _("--to: give the database to copy into"));
    if (store_target_has_password(to)) {
        fprintf(stderr, _("billcenter: --to: a password on the command line shows in ps; "
                          "put it in ~/.pgpass (or a service in ~/.pg_service.conf) and give "
                          "the database without it\n"));
        return CLI_EXIT_USAGE;
    }
    int rc = cli_open_store(c, STORE_OPEN_EXISTING);
    if (rc != CLI_EXIT_OK)
        return rc;
    enum bc_status st = access_admin(c->store, c->db_path, &me);
    if (st != BC_OK)
        return cli_status(st, NULL);
    if (strcmp(to, c->db_path) == 0)
        return cli_error(_("--to: that is the database being copied"));
    bool server = store_target_is_server(to);
    bool made = !server && stat(to, &sb) != 0 && errno == ENOENT;
    struct store *dst = NULL;
    st = store_open(to, STORE_OPEN_CREATE, &dst);
    if (st != BC_OK) {
        const char *why = store_open_error();
        return cli_error("%s: %s", to, why && *why ? why : bc_status_message(st));
    }
    struct store_copy_table tables[64];
    size_t n = 0;
    if (store_copy_tables() > sizeof tables / sizeof *tables)
        return cli_status(BC_NO_MEMORY, NULL);
    st = store_copy(c->store, dst, tables, &n);
    if (st != BC_OK) {
        const char *why = store_errmsg(dst)[0] ? store_errmsg(dst) : store_errmsg(c->store);
        store_close(dst);
        if (made)
            remove_file(to);
        if (st == BC_INVALID_ARGUMENT)
            return cli_error(_("%s: %s; migrate copies into an empty database only"), to, why);
        return cli_error(_("%s: nothing was copied: %s"), to, why);
    }
    store_close(dst);
    int64_t rows = 0;
    for (size_t i = 0; i < n; i++)
        rows += tables[i].rows;
    if (c->json) {
        json_t *o = json_object(), *t = json_array();
        for (size_t i = 0; o && t && i < n; i++)
            json_array_append_new(t, json_pack("{s:s, s:I, s:I}", "table", tables[i].table,
                                               "rows", (json_int_t)tables[i].rows,
                                               "money_minor", (json_int_t)tables[i].money));
        json_object_set_new(o, "to", json_string(to));
        json_object_set_new(o, "rows", json_integer(rows));
        json_object_set_new(o, "tables", t);
        return cli_json_print(o) ? CLI_EXIT_OK : cli_status(BC_IO_ERROR, "standard output");
    }
    for (size_t i = 0; i < n; i++)
        printf("  %-22s %10lld rows  %16lld money (minor units)\n", tables[i].table,
               (long long)tables[i].rows, (long long)tables[i].money);
    printf(_("Copied %lld rows into %s; counts and money sums verified.\n"), (long long)rows, to);
    return CLI_EXIT_OK;
}
