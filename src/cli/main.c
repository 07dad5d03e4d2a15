/* main.c — billcenter's entry point: the command line decides between a
 * subcommand and the terminal UI (cli_main in cli.c). */
#include "cli.h"
#include "ui.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv, ui_run);
}
