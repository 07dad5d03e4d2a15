/* exec_hook.c — a hook command run once (exec_hook.h). Its loop is the
 * exec payment processor's (payment.c), kept apart so that a processor and a
 * document hook can change on their own. */
#include "exec_hook.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXEC_MAX_OUTPUT 65536

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Kills the command's process group and reaps it. */
static void exec_kill_and_reap(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

enum exec_hook_result exec_hook_run(const char *command, int timeout_ms, const char *input,
                                    char **output)
{
    enum exec_hook_result result = EXEC_HOOK_FAILED;
    int in_sock[2] = {-1, -1};   /* [0] parent writes, [1] child's stdin */
    int out_pipe[2] = {-1, -1};  /* [0] parent reads, [1] child's stdout */
    char *buf = NULL;
    size_t len = 0;
    pid_t pid = -1;
    *output = NULL;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_sock) < 0)
        goto cleanup;
    if (pipe2(out_pipe, O_CLOEXEC) < 0)
        goto cleanup;
    buf = malloc(EXEC_MAX_OUTPUT + 1);
    if (!buf)
        goto cleanup;

    int64_t deadline = now_ms() + timeout_ms;
    pid = fork();
    if (pid < 0)
        goto cleanup;
    if (pid == 0) {
        /* Child: only async-signal-safe calls from here on. */
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL);
        int devnull = open("/dev/null", O_WRONLY);
        if (dup2(in_sock[1], STDIN_FILENO) < 0 || dup2(out_pipe[1], STDOUT_FILENO) < 0)
            _exit(127);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO);
        closefrom(3);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);   /* both sides set it: no race with kill(-pid) */
    close_fd(&in_sock[1]);
    close_fd(&out_pipe[1]);
    fcntl(in_sock[0], F_SETFL, fcntl(in_sock[0], F_GETFL) | O_NONBLOCK);
    fcntl(out_pipe[0], F_SETFL, fcntl(out_pipe[0], F_GETFL) | O_NONBLOCK);

    size_t in_len = strlen(input), in_off = 0;
    bool timed_out = false, too_big = false;
    while (out_pipe[0] >= 0) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd fds[2];
        nfds_t nfds = 0;
        int out_idx = -1, in_idx = -1;
        fds[nfds] = (struct pollfd){.fd = out_pipe[0], .events = POLLIN};
        out_idx = (int)nfds++;
        if (in_sock[0] >= 0) {
            fds[nfds] = (struct pollfd){.fd = in_sock[0], .events = POLLOUT};
            in_idx = (int)nfds++;
        }
        int n = poll(fds, nfds, (int)(left > 1000 ? 1000 : left));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto cleanup;
        }
        if (in_idx >= 0 && fds[in_idx].revents) {
            if (fds[in_idx].revents & (POLLERR | POLLHUP)) {
                close_fd(&in_sock[0]);   /* the command does not read its stdin */
            } else {
                ssize_t w = send(in_sock[0], input + in_off, in_len - in_off, MSG_NOSIGNAL);
                if (w > 0) {
                    in_off += (size_t)w;
                } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    close_fd(&in_sock[0]);
                }
                if (in_off == in_len) {
                    shutdown(in_sock[0], SHUT_WR);
                    close_fd(&in_sock[0]);
                }
            }
        }
        if (fds[out_idx].revents) {
            ssize_t r = read(out_pipe[0], buf + len, EXEC_MAX_OUTPUT - len);
            if (r > 0) {
                len += (size_t)r;
                if (len >= EXEC_MAX_OUTPUT) {
                    too_big = true;
                    break;
                }
            } else if (r == 0) {
                close_fd(&out_pipe[0]);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                close_fd(&out_pipe[0]);
            }
        }
    }
    close_fd(&in_sock[0]);
    close_fd(&out_pipe[0]);
    if (timed_out || too_big) {
        exec_kill_and_reap(pid);
        pid = -1;
        result = EXEC_HOOK_TIMEOUT;
        goto cleanup;
    }

    /* stdout is closed; the command still has until the deadline to exit. */
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            pid = -1;
            goto cleanup;
        }
        if (now_ms() >= deadline) {
            exec_kill_and_reap(pid);
            pid = -1;
            result = EXEC_HOOK_TIMEOUT;
            goto cleanup;
        }
        struct timespec nap = {0, 2 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    pid = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        goto cleanup;
    buf[len] = '\0';
    *output = buf;
    buf = NULL;
    result = EXEC_HOOK_OK;

cleanup:
    if (pid > 0)
        exec_kill_and_reap(pid);
    close_fd(&in_sock[0]);
    close_fd(&in_sock[1]);
    close_fd(&out_pipe[0]);
    close_fd(&out_pipe[1]);
    free(buf);
    return result;
}
