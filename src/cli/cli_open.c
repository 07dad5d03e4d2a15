/* cli_open.c — where the database and the catalog are (options, then the
 * environment, then per-user and system defaults) and opening what a
 * subcommand needs, each failure told in one line.
 *
 * Catalog: --catalog, $BILLCENTER_CATALOG, then the system directory
 * (BC_SYSTEM_CATALOG, e.g. /etc/billcenter/plans). A development binary —
 * built with BC_SOURCE_PLANS and run from its own build directory — reads
 * its source tree's plans/ instead of the system directory, so tests never
 * depend on what is installed on the machine; an installed copy of the same
 * binary never looks at the source tree.
 *
 * Database: --db, $BILLCENTER_DB, then for the system user (the service's
 * BC_SYSTEM_USER) the system database BC_SYSTEM_DB, for everyone else
 * $XDG_DATA_HOME/billcenter/billcenter.db or ~/.local/share/billcenter/. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "cli_cmd.h"
#include "payment.h"

#ifndef BC_SYSTEM_CATALOG
#define BC_SYSTEM_CATALOG "/etc/billcenter/plans"
#endif
#ifndef BC_SYSTEM_DB
#define BC_SYSTEM_DB "/var/lib/billcenter/billcenter.db"
#endif
#ifndef BC_SYSTEM_USER
#define BC_SYSTEM_USER "billcenter"
#endif

#if defined(BC_SOURCE_PLANS) && defined(BC_BUILD_ROOT)
static bool is_catalog_dir(const char *dir)
{
    char path[4200];
    struct stat sb;

    snprintf(path, sizeof path, "%s/catalog.yaml", dir);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* True when this process's executable lies inside the build directory it
 * was built in (not an installed copy). */
static bool running_in_build_tree(void)
{
    char exe[4096];
    size_t n = strlen(BC_BUILD_ROOT);
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (len <= 0 || (size_t)len <= n)
        return false;
    exe[len] = '\0';
    return strncmp(exe, BC_BUILD_ROOT, n) == 0 && exe[n] == '/';
}
#endif

static void resolve_catalog_dir(struct cli *c)
{
    const char *dir = c->opt[CLI_OPT_CATALOG];
    const char *env = getenv("BILLCENTER_CATALOG");

    if (c->catalog_dir[0])
        return;
    if (!dir && env && env[0])
        dir = env;
#if defined(BC_SOURCE_PLANS) && defined(BC_BUILD_ROOT)
    if (!dir && running_in_build_tree() && is_catalog_dir(BC_SOURCE_PLANS))
        dir = BC_SOURCE_PLANS;
#endif
    if (!dir)
        dir = BC_SYSTEM_CATALOG;
    snprintf(c->catalog_dir, sizeof c->catalog_dir, "%s", dir);
}

/* Whether the real user is the system account the service runs as. */
static bool is_system_user(void)
{
    const struct passwd *pw = getpwuid(getuid());

    return pw && pw->pw_name && strcmp(pw->pw_name, BC_SYSTEM_USER) == 0;
}

static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    const struct passwd *pw;

    if (home && home[0] == '/')
        return home;
    pw = getpwuid(getuid());
    return pw && pw->pw_dir ? pw->pw_dir : NULL;
}

bool cli_resolve_db_path(struct cli *c)
{
    const char *path = c->opt[CLI_OPT_DB];
    const char *env = getenv("BILLCENTER_DB");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home;
    int n;

    if (c->db_path[0])
        return true;
    if (!path && env && env[0])
        path = env;
    if (path) {
        if (!path[0]) {
            cli_error("--db: the path is empty");
            return false;
        }
        n = snprintf(c->db_path, sizeof c->db_path, "%s", path);
    } else if (is_system_user()) {
        n = snprintf(c->db_path, sizeof c->db_path, "%s", BC_SYSTEM_DB);
    } else if (xdg && xdg[0] == '/') {   /* XDG: relative values are ignored */
        c->db_path_default = true;
        n = snprintf(c->db_path, sizeof c->db_path, "%s/billcenter/billcenter.db", xdg);
    } else if ((home = home_dir()) != NULL) {
        c->db_path_default = true;
        n = snprintf(c->db_path, sizeof c->db_path, "%s/.local/share/billcenter/billcenter.db", home);
    } else {
        cli_error("no database path: give --db PATH or set BILLCENTER_DB");
        return false;
    }
    if (n < 0 || (size_t)n >= sizeof c->db_path) {
        c->db_path[0] = '\0';
        cli_error("the database path is too long");
        return false;
    }
    return true;
}

/* mkdir -p of the directory holding `file`, new directories 0700. */
static bool make_parent_dirs(const char *file)
{
    char dir[4096];
    char *slash;

    snprintf(dir, sizeof dir, "%s", file);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return true;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

static bool parent_is_dir(const char *file)
{
    char dir[4096];
    char *slash;
    struct stat sb;

    snprintf(dir, sizeof dir, "%s", file);
    slash = strrchr(dir, '/');
    if (!slash)
        return true;   /* the current directory */
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int cli_open_catalog(struct cli *c)
{
    char err[1024];

    if (c->catalog)
        return CLI_EXIT_OK;
    resolve_catalog_dir(c);
    err[0] = '\0';
    c->catalog = catalog_load(c->catalog_dir, err, sizeof err);
    if (!c->catalog) {
        /* The loader's own "file:line:column: message" says it all. */
        if (!err[0])
            return cli_error("%s: %s", c->catalog_dir, bc_status_message(BC_CATALOG_INVALID));
        fprintf(stderr, "%s\n", err);
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

/* A PostgreSQL database: no file to look at, one line when it fails. A
 * password given with --db would show in ps: refused, with where it goes. */
static int open_server(struct cli *c, enum store_open_mode mode)
{
    if (c->opt[CLI_OPT_DB] && store_target_has_password(c->opt[CLI_OPT_DB])) {
        fprintf(stderr, _("billcenter: --db: a password on the command line shows in ps; "
                          "put it in ~/.pgpass (or a service in ~/.pg_service.conf) and give "
                          "the database without it\n"));
        return CLI_EXIT_USAGE;
    }
    enum bc_status st = store_open(c->db_path, mode, &c->store);
    cli_status_source(c->store);
    if (st == BC_OK)
        return CLI_EXIT_OK;
    c->store = NULL;
    const char *why = store_open_error();
    if (st == BC_NOT_FOUND)
        return cli_error(_("%s: no billcenter schema in this database; create it with "
                           "'billcenter init'"), c->db_path);
    return cli_error("%s: %s", c->db_path, why && *why ? why : bc_status_message(st));
}

int cli_open_store(struct cli *c, enum store_open_mode mode)
{
    struct stat sb;
    enum bc_status st;

    if (c->store)
        return CLI_EXIT_OK;
    if (!cli_resolve_db_path(c))
        return CLI_EXIT_ERROR;
    if (store_target_is_server(c->db_path))
        return open_server(c, mode);
    if (mode == STORE_OPEN_EXISTING && stat(c->db_path, &sb) != 0) {
        if (errno == ENOENT)
            return cli_error("%s: no database here; create one with 'billcenter init'", c->db_path);
        return cli_error("%s: %s", c->db_path, strerror(errno));
    }
    if (mode == STORE_OPEN_CREATE && c->db_path_default && !make_parent_dirs(c->db_path))
        return cli_error("%s: cannot create its directory: %s", c->db_path, strerror(errno));
    if (mode == STORE_OPEN_CREATE && !parent_is_dir(c->db_path))
        return cli_error("%s: its directory does not exist", c->db_path);
    st = store_open(c->db_path, mode, &c->store);
    cli_status_source(c->store);
    if (st == BC_DB_UNSAFE) {
        c->store = NULL;
        return cli_error("%s: other users can write this database file, so billcenter will not "
                         "open it; fix: chmod o-w '%s' (600 for one operator, or 660 with a "
                         "group shared by the operators)", c->db_path, c->db_path);
    }
    if (st != BC_OK) {
        c->store = NULL;
        return cli_status(st, c->db_path);
    }
    return CLI_EXIT_OK;
}

int cli_open_actor(struct cli *c)
{
    enum bc_status st;
    int rc = cli_open_store(c, STORE_OPEN_EXISTING);

    if (rc != CLI_EXIT_OK)
        return rc;
    c->billing.store = c->store;
    if (c->kiosk) {
        access_kiosk(&c->billing.actor);
        return CLI_EXIT_OK;
    }
    st = access_operator(c->store, c->db_path, &c->billing.actor);
    if (st == BC_UNKNOWN_USER) {
        char name[128];
        if (!access_unix_name(name, sizeof name))
            snprintf(name, sizeof name, "uid %ld", (long)getuid());
        return cli_error("Unix user '%s': %s", name, bc_status_message(st));
    }
    if (st != BC_OK)
        return cli_status(st, c->db_path);
    return CLI_EXIT_OK;
}

int cli_load_account(struct cli *c, int64_t id, struct store_account *a)
{
    memset(a, 0, sizeof *a);
    enum bc_status st = store_account_get(c->store, id, a);
    if (st == BC_NOT_FOUND)
        return cli_error("account %lld: no such account", (long long)id);
    if (st != BC_OK)
        return cli_status(st, "account");
    return CLI_EXIT_OK;
}

bc_day cli_today(const struct cli *c)
{
    if (c->date_given)
        return c->date;
    return date_today(c->catalog && c->catalog->timezone ? c->catalog->timezone : "UTC");
}

int cli_open_billing(struct cli *c)
{
    const struct catalog *cat;
    int rc = cli_open_catalog(c);

    if (rc == CLI_EXIT_OK)
        rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    cat = c->catalog;
    if (!c->processor) {
        if (cat->payment_processor && strcmp(cat->payment_processor, "exec") == 0) {
            if (!cat->payment_command)
                return cli_error("%s: the exec payment processor has no command", c->catalog_dir);
            c->processor = payment_exec_create(cat->payment_command, cat->payment_timeout_ms);
        } else {
            c->processor = payment_test_create(c->store);
        }
        if (!c->processor)
            return cli_status(BC_NO_MEMORY, "payment processor");
    }
    c->billing.store = c->store;
    c->billing.catalog = cat;
    c->billing.processor = c->processor;
    c->billing.today = cli_today(c);
    return CLI_EXIT_OK;
}

void cli_release(struct cli *c)
{
    payment_destroy(c->processor);
    c->processor = NULL;
    cli_status_source(NULL);
    store_close(c->store);
    c->store = NULL;
    catalog_destroy(c->catalog);
    c->catalog = NULL;
}
