/* exec_hook.h — one run of a configured command (a hook of the catalog:
 * documents.send_command, sdi.command): a request on its stdin, its reply
 * read from its stdout, within a deadline. The same rules as the exec
 * payment processor (payment.c): /bin/sh -c, its own process group killed
 * whole when it outlives the deadline, no fd and no child left behind. */
#ifndef BC_EXEC_HOOK_H
#define BC_EXEC_HOOK_H

#include <stdbool.h>

enum exec_hook_result {
    EXEC_HOOK_OK,         /* exited 0 within the deadline: *output holds its stdout */
    EXEC_HOOK_FAILED,     /* exited non-zero, died from a signal or could not start */
    EXEC_HOOK_TIMEOUT,    /* outlived timeout_ms (killed) or wrote more than 64 KiB */
};

/* Runs `command` with `input` on stdin. On EXEC_HOOK_OK *output is its
 * stdout, NUL-terminated (caller frees); otherwise NULL. */
enum exec_hook_result exec_hook_run(const char *command, int timeout_ms, const char *input,
                                    char **output);

#endif
