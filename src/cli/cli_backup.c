/* cli_backup.c — `billcenter backup FILE [--force]`: a consistent copy of
 * the database taken while operators, kiosks and the daily run keep
 * working (the store's online backup), for an operator of any role. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_cmd.h"

int cli_cmd_backup(struct cli *c)
{
    const char *dest = c->args[0];
    bool force = c->opt[CLI_OPT_FORCE] != NULL;
    struct stat sb;
    enum bc_status st;
    int rc;

    if (!dest[0])
        return cli_usage_error(c, "the backup file name is empty");
    if (!force && lstat(dest, &sb) == 0)
        return cli_error("%s: the file exists; give --force to replace it", dest);
    rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (store_target_is_server(c->db_path))
        return cli_error(_("backup copies a SQLite database; back up a PostgreSQL one with "
                           "pg_dump (or move it to SQLite with 'billcenter migrate --to FILE')"));
    st = store_backup(c->store, dest, force);
    if (st == BC_IO_ERROR && errno == EEXIST)
        return cli_error("%s: the file exists; give --force to replace it", dest);
    if (st == BC_INVALID_ARGUMENT)
        return cli_error("%s: that is the database itself; back it up to another file", dest);
    if (st != BC_OK)
        return cli_error("%s: %s (%s)", dest, bc_status_message(st), store_errmsg(c->store));
    printf("%s: backup of %s written\n", dest, c->db_path);
    return CLI_EXIT_OK;
}
