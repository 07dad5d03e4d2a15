/* ui.h — the terminal front end's single entry point. */
#ifndef BC_UI_H
#define BC_UI_H

#include "cli.h"

/* Runs the TUI until the user quits (or, in kiosk mode, forever until a
 * signal ends it). Restores the terminal on every exit path. Returns the
 * process exit code. */
int ui_run(const struct cli_ui_args *args);

#endif
