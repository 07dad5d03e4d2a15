/* cli.h — the command line (SPEC §6): global options, subcommands, exit codes.
 * With no subcommand it hands over to the terminal UI through `run_ui`, so
 * the core never links curses. */
#ifndef BC_CLI_H
#define BC_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct billing;

/* What the UI needs from the command line; everything borrowed. */
struct cli_ui_args {
    struct billing *billing;      /* store, catalog, processor, today, actor */
    const char *lang;             /* "en" or "it" (already resolved) */
    bool kiosk;
    bool date_forced;             /* --date given */
    const char *db_path;
    const char *catalog_dir;
};

typedef int (*cli_run_ui_fn)(const struct cli_ui_args *args);

int cli_main(int argc, char **argv, cli_run_ui_fn run_ui);

#endif
