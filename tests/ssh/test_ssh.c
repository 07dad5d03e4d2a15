/* test_ssh.c — the README's SSH recipes against a real sshd. A private sshd
 * listens on 127.0.0.1 (its own host key and sshd_config in a temporary
 * directory); the config's end is the README's kiosk block, read from
 * README.md verbatim. A kiosk account `kiosk` and an operator account are
 * created with temporary homes and keys (removed at the end), and ssh is
 * driven through a pseudo-terminal (tests/e2e/vt.c):
 *
 *  - the kiosk gets billcenter's sign-in and nothing else: `ssh -tt`, a
 *    command (with and without a tty), sftp, -N with -L / -R TCP forwarding,
 *    -L / -R Unix-socket forwarding, agent and X11 forwarding, -w tunnels;
 *    LANG, LC_ALL, TERM and BILLCENTER_* sent with SendEnv (which this
 *    sshd's AcceptEnv deliberately lets through) never reach billcenter;
 *  - the operator runs billcenter over SSH and the audit names the Unix
 *    account, with $SSH_CLIENT as where.
 *
 * The global part of the config (port, host key, keys only, no PAM, PATH
 * with the billcenter under test first) is the test's own plumbing. Needs
 * root (useradd), /usr/sbin/sshd and no existing `kiosk` account or
 * /srv/billcenter/billcenter.db: otherwise it reports SKIP (exit 77).
 * BC_SSH_TEST_DROP_FORCECOMMAND=1 removes the ForceCommand line from the
 * block, to show that the test then fails.
 *
 * argv: BILLCENTER README.md. Plain TAP. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vt.h"

#define KIOSK "kiosk"
#define OPERATOR "bcsshop"
#define GROUP "bcsshtest"
#define SRV_DIR "/srv/billcenter"
#define SRV_DB SRV_DIR "/billcenter.db"
#define DAY "2026-11-25"
#define WAIT_MS 20000

static int ntests, nfailed;
static char tmp[256], bindir[4096], bin[4096];
static int sshd_port;
static pid_t sshd_pid = -1;
static bool made_srv_dir, made_run_sshd, made_users;

/* ------------------------------------------------------------ TAP, shell */

static bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool ok(bool cond, const char *fmt, ...)
{
    va_list ap;

    char line[2048];

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* A description quoting a command's output stays one TAP line. */
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    printf("%sok %d - %s\n", cond ? "" : "not ", ++ntests, line);
    fflush(stdout);
    if (!cond)
        nfailed++;
    return cond;
}

static void skip(const char *what, const char *why)
{
    printf("ok %d - %s # SKIP %s\n", ++ntests, what, why);
    fflush(stdout);
}

static void pause_ms(long ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

/* Runs a shell command line (set-up and tear-down); returns its exit code. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf ? buf : strdup("");
}

static bool exists(const char *path)
{
    struct stat sb;

    return lstat(path, &sb) == 0;
}

/* ------------------------------------------------------------ ssh client */

/* The client's argv: ssh, the options every run shares, then extra (NULL
 * terminated), user@127.0.0.1, then cmd words (NULL terminated). */
static void ssh_argv(const char **argv, const char *user, const char *const extra[],
                     const char *const cmd[])
{
    static char port[16], key[300], known[300], dest[64];
    int n = 0;

    snprintf(port, sizeof port, "%d", sshd_port);
    snprintf(key, sizeof key, "%s/client_key", tmp);
    snprintf(known, sizeof known, "UserKnownHostsFile=%s/known_hosts", tmp);
    snprintf(dest, sizeof dest, "%s@127.0.0.1", user);
    argv[n++] = "ssh";
    argv[n++] = "-F";
    argv[n++] = "/dev/null";
    argv[n++] = "-p";
    argv[n++] = port;
    argv[n++] = "-i";
    argv[n++] = key;
    argv[n++] = "-o";
    argv[n++] = "IdentitiesOnly=yes";
    argv[n++] = "-o";
    argv[n++] = "StrictHostKeyChecking=yes";
    argv[n++] = "-o";
    argv[n++] = known;
    argv[n++] = "-o";
    argv[n++] = "BatchMode=yes";
    argv[n++] = "-o";
    argv[n++] = "ConnectTimeout=10";
    for (int i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n++] = dest;
    for (int i = 0; cmd && cmd[i]; i++)
        argv[n++] = cmd[i];
    argv[n] = NULL;
}

/* Starts argv with stdin from /dev/null and stdout+stderr into `log`. */
static pid_t spawn(const char *const argv[], const char *log, const char *const env[])
{
    pid_t pid = fork();

    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        setsid();   /* no controlling terminal: ssh cannot ask anything */
        for (int i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits up to ms for pid; kills it after. Returns the exit code, 128+signal. */
static int reap(pid_t pid, int ms)
{
    int st = 0;

    for (int waited = 0; waited < ms; waited += 20) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        pause_ms(20);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return -1;
}

/* ssh ... and waits for it (bounded); its output into *out (caller frees). */
static int ssh_run(const char *user, const char *const extra[], const char *const cmd[],
                   char **out)
{
    const char *argv[64];
    char log[300];
    int code;

    snprintf(log, sizeof log, "%s/ssh-run.log", tmp);
    ssh_argv(argv, user, extra, cmd);
    code = reap(spawn(argv, log, NULL), WAIT_MS);
    *out = slurp(log);
    return code;
}

/* ------------------------------------------------------------ sockets */

static int tcp_listen(int *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* A free loopback port (bound, read, closed). */
static int free_port(void)
{
    int port = 0, fd = tcp_listen(&port);

    if (fd >= 0)
        close(fd);
    return port;
}

static int tcp_connect(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int unix_listen(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (strlen(path) >= sizeof a.sun_path)
        return -1;
    memcpy(a.sun_path, path, strlen(path) + 1);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    chmod(path, 0777);   /* anyone could connect, were it forwarded */
    return fd;
}

static int unix_connect(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (strlen(path) >= sizeof a.sun_path)
        return -1;
    memcpy(a.sun_path, path, strlen(path) + 1);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Whether a connection waits on listening socket fd within ms. */
static bool accepted_within(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};

    return poll(&p, 1, ms) > 0;
}

/* Sends a line through fd and reads what comes back within ms (bytes read;
 * 0 on EOF or nothing). */
static size_t echo_through(int fd, char *buf, size_t size, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    ssize_t n;

    buf[0] = '\0';
    if (write(fd, "hello\n", 6) != 6)
        return 0;
    if (poll(&p, 1, ms) <= 0)
        return 0;
    n = read(fd, buf, size - 1);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return (size_t)n;
}

/* ------------------------------------------------------------ processes */

static uid_t user_uid(const char *name)
{
    const struct passwd *pw = getpwnam(name);

    return pw ? pw->pw_uid : (uid_t)-1;
}

/* The first process of uid whose command name is `comm` (NULL: any name
 * but sshd), or -1. */
static pid_t find_process(uid_t uid, const char *comm)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = -1;

    while (d && found < 0 && (e = readdir(d)) != NULL) {
        char path[300], name[64] = "";
        struct stat sb;
        FILE *f;

        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s", e->d_name);
        if (stat(path, &sb) != 0 || sb.st_uid != uid)
            continue;
        snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        if (fgets(name, sizeof name, f))
            name[strcspn(name, "\n")] = '\0';
        fclose(f);
        if (comm ? strcmp(name, comm) == 0 : strcmp(name, "sshd") != 0)
            found = (pid_t)atol(e->d_name);
    }
    if (d)
        closedir(d);
    return found;
}

/* /proc/pid/environ (or cmdline) with NULs turned into newlines. */
static char *proc_text(pid_t pid, const char *what)
{
    char path[64], *text;
    FILE *f;
    size_t n = 0, cap = 65536;

    snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, what);
    text = calloc(1, cap + 1);
    if (!text || !(f = fopen(path, "r")))
        return text ? text : strdup("");
    n = fread(text, 1, cap, f);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (text[i] == '\0')
            text[i] = '\n';
    text[n] = '\0';
    return text;
}

static bool has_line_prefix(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);

    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, prefix, n) == 0)
            return true;
    return false;
}

/* Any socket under /tmp owned by uid (an agent or X11 forwarding would make one). */
static bool socket_of_user_in_tmp(uid_t uid)
{
    char cmd[200];

    snprintf(cmd, sizeof cmd, "find /tmp -xdev -uid %ld -type s 2>/dev/null | grep -q .", (long)uid);
    return sh("%s", cmd) == 0;
}

/* ------------------------------------------------------------ set-up */

/* The README's kiosk recipe: the fenced block holding "Match User kiosk". */
static char *readme_block(const char *readme)
{
    char *text = slurp(readme), *match = strstr(text, "\nMatch User kiosk\n"), *start, *end;
    char *block = NULL;

    if (match) {
        for (start = match; start > text && strncmp(start, "\n```\n", 5) != 0; start--)
            ;
        end = strstr(match, "\n```");
        if (strncmp(start, "\n```\n", 5) == 0 && end) {
            start += 5;
            block = strndup(start, (size_t)(end - start) + 1);
        }
    }
    free(text);
    return block;
}

static void cleanup(void)
{
    if (sshd_pid > 0) {
        kill(sshd_pid, SIGTERM);
        reap(sshd_pid, 5000);
        sshd_pid = -1;
    }
    if (made_users) {
        sh("pkill -KILL -u " KIOSK " 2>/dev/null; pkill -KILL -u " OPERATOR " 2>/dev/null; "
           "userdel " KIOSK " 2>/dev/null; userdel " OPERATOR " 2>/dev/null; "
           "groupdel " GROUP " 2>/dev/null; true");
        made_users = false;
    }
    if (made_srv_dir) {
        sh("rm -rf " SRV_DIR);
        made_srv_dir = false;
    }
    if (made_run_sshd)
        rmdir("/run/sshd");
    if (tmp[0] && !getenv("BC_KEEP_SSH"))
        sh("rm -rf '%s'", tmp);
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int skip_all(const char *why)
{
    printf("1..0 # SKIP %s\n", why);
    return 77;
}

static bool setup(const char *readme)
{
    char conf[300], *block, *fc;
    FILE *f;
    bool drop = getenv("BC_SSH_TEST_DROP_FORCECOMMAND") &&
                strcmp(getenv("BC_SSH_TEST_DROP_FORCECOMMAND"), "1") == 0;

    block = readme_block(readme);
    if (!ok(block != NULL, "README.md holds the kiosk recipe (a fenced block with Match User kiosk)"))
        return false;
    if (drop && (fc = strstr(block, "    ForceCommand ")) != NULL) {
        char *eol = strchr(fc, '\n');
        memmove(fc, eol + 1, strlen(eol + 1) + 1);
        printf("# BC_SSH_TEST_DROP_FORCECOMMAND=1: the ForceCommand line is removed\n");
    }
    printf("# the recipe as used:\n");
    for (char *p = block; *p;) {
        char *nl = strchr(p, '\n');
        printf("#   %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
        p = nl ? nl + 1 : p + strlen(p);
    }

    /* 0755: the accounts must reach their homes inside. */
    if (chmod(tmp, 0755) != 0 || sh("mkdir -m 1777 '%s/open'", tmp) != 0)
        return ok(false, "temporary directory");
    if (!exists("/run/sshd")) {
        made_run_sshd = mkdir("/run/sshd", 0755) == 0;
    }
    made_users = true;
    if (!ok(sh("groupadd " GROUP " && "
               "useradd -m -d '%s/home-" KIOSK "' -s /bin/sh -G " GROUP " " KIOSK " && "
               "useradd -m -d '%s/home-" OPERATOR "' -s /bin/sh -G " GROUP " " OPERATOR " && "
               "usermod -p '*' " KIOSK " && usermod -p '*' " OPERATOR, tmp, tmp) == 0,
            "accounts " KIOSK " and " OPERATOR " created (temporary homes)"))
        return false;
    if (!ok(sh("cd '%s' && ssh-keygen -q -t ed25519 -N '' -f host_key && "
               "ssh-keygen -q -t ed25519 -N '' -f client_key && "
               "for u in " KIOSK " " OPERATOR "; do h=\"%s/home-$u\"; "
               "install -d -m 700 -o $u -g $u \"$h/.ssh\" && "
               "install -m 600 -o $u -g $u client_key.pub \"$h/.ssh/authorized_keys\" || exit 1; done",
               tmp, tmp) == 0, "host key and client keys made"))
        return false;

    /* The shared database of the README (group-owned, 660). */
    made_srv_dir = !exists(SRV_DIR);
    if (!ok(sh("install -d -m 2770 -g " GROUP " " SRV_DIR " && "
               "'%s' --db " SRV_DB " --date " DAY " init --demo --scale 20 >/dev/null && "
               "chgrp " GROUP " " SRV_DB " && chmod 660 " SRV_DB " && "
               "'%s' --db " SRV_DB " operator add " OPERATOR " --role operator >/dev/null",
               bin, bin) == 0, "demo database in " SRV_DB " shared with group " GROUP))
        return false;

    sshd_port = free_port();
    snprintf(conf, sizeof conf, "%s/sshd_config", tmp);
    f = fopen(conf, "w");
    if (!f)
        return ok(false, "sshd_config written");
    fprintf(f,
            "# the test's plumbing\n"
            "Port %d\nListenAddress 127.0.0.1\nHostKey %s/host_key\nPidFile %s/sshd.pid\n"
            "AuthorizedKeysFile .ssh/authorized_keys\nPubkeyAuthentication yes\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "PermitRootLogin no\nAllowUsers " KIOSK " " OPERATOR "\nStrictModes yes\n"
            "LogLevel DEBUG2\nSetEnv PATH=%s:/usr/local/bin:/usr/bin:/bin\n"
            "# more permissive than Debian's AcceptEnv LANG LC_*, on purpose\n"
            "AcceptEnv LANG LC_* BILLCENTER_*\n"
            "Subsystem sftp /usr/lib/openssh/sftp-server\n"
            "# README.md, verbatim\n%s",
            sshd_port, tmp, tmp, bindir, block);
    fclose(f);
    free(block);
    if (!ok(sh("/usr/sbin/sshd -t -f '%s'", conf) == 0, "sshd -t accepts the config"))
        return false;
    if (sh("cd '%s' && printf '[127.0.0.1]:%d %%s\\n' \"$(cat host_key.pub)\" > known_hosts", tmp,
           sshd_port) != 0)
        return ok(false, "known_hosts");

    {
        char log[300];
        const char *argv[] = {"/usr/sbin/sshd", "-D", "-f", conf, "-E", log, NULL};
        snprintf(log, sizeof log, "%s/sshd.log", tmp);
        sshd_pid = spawn(argv, "/dev/null", NULL);
    }
    for (int i = 0; i < 500; i++) {
        int fd = tcp_connect(sshd_port);
        if (fd >= 0) {
            close(fd);
            return ok(true, "sshd listens on 127.0.0.1:%d", sshd_port);
        }
        pause_ms(20);
    }
    return ok(false, "sshd listens on 127.0.0.1:%d", sshd_port);
}

/* ------------------------------------------------------------ the kiosk */

static const char *const hostile_env[] = {
    "LANG=it_IT.UTF-8", "LC_ALL=it_IT.UTF-8", "BILLCENTER_TEST_CLOCK_OFFSET=999999",
    "BILLCENTER_DB=/tmp/elsewhere.db", "BILLCENTER_CATALOG=/nonexistent", "TERM=xterm-256color",
    NULL};

/* ssh -tt with SendEnv of everything, agent and X11 forwarding asked for. */
static void test_kiosk_tty(void)
{
    char agent[300], env_sock[330], log[300], *environ_text, *cmdline, *sshd_log;
    const char *agent_argv[] = {"ssh-agent", "-D", "-a", agent, NULL};
    const char *extra[] = {"-tt", "-A", "-X", "-o", "SendEnv=LANG LC_ALL BILLCENTER_*", NULL};
    const char *argv[64];
    const char *env[16];
    pid_t agent_pid, pid;
    struct vt *vt;
    int n = 0;

    snprintf(agent, sizeof agent, "%s/agent.sock", tmp);
    snprintf(log, sizeof log, "%s/agent.log", tmp);
    agent_pid = spawn(agent_argv, log, NULL);
    for (int i = 0; i < 250 && !exists(agent); i++)
        pause_ms(20);
    snprintf(env_sock, sizeof env_sock, "SSH_AUTH_SOCK=%s", agent);
    for (int i = 0; hostile_env[i]; i++)
        env[n++] = hostile_env[i];
    env[n++] = env_sock;
    env[n++] = "DISPLAY=:42";
    env[n] = NULL;

    ssh_argv(argv, KIOSK, extra, NULL);
    vt = vt_spawn(argv, env, 24, 80);
    ok(vt && vt_wait_row_text(vt, 0, "Sign in", WAIT_MS) && vt_wait_text(vt, "E-mail", WAIT_MS),
       "ssh -tt kiosk@host: billcenter's kiosk sign-in, in English despite LANG/LC_ALL=it_IT");
    if (vt && !vt_has_text(vt, "Sign in"))
        vt_dump(vt, "ssh -tt kiosk@host");
    pid = find_process(user_uid(KIOSK), "billcenter");
    environ_text = pid > 0 ? proc_text(pid, "environ") : strdup("");
    cmdline = pid > 0 ? proc_text(pid, "cmdline") : strdup("");
    ok(pid > 0 && strcmp(cmdline, "billcenter\n--kiosk\n--db\n" SRV_DB "\n") == 0,
       "the kiosk runs 'billcenter --kiosk --db " SRV_DB "' (pid %ld)", (long)pid);
    {
        char stat_path[64], parent[64] = "", *stat_text;
        long ppid = 0;
        FILE *f;

        stat_text = proc_text(pid, "stat");
        if (strrchr(stat_text, ')'))
            sscanf(strrchr(stat_text, ')') + 1, " %*c %ld", &ppid);
        snprintf(stat_path, sizeof stat_path, "/proc/%ld/comm", ppid);
        if ((f = fopen(stat_path, "r")) != NULL) {
            if (fgets(parent, sizeof parent, f))
                parent[strcspn(parent, "\n")] = '\0';
            fclose(f);
        }
        ok(pid > 0 && strcmp(parent, "sshd") == 0,
           "no shell between sshd and billcenter (its parent is '%s')", parent);
        free(stat_text);
    }
    ok(pid > 0 && !has_line_prefix(environ_text, "BILLCENTER_"),
       "no BILLCENTER_* variable reaches billcenter (SendEnv'd and accepted by sshd)");
    ok(pid > 0 && has_line_prefix(environ_text, "LANG=C.UTF-8\n") &&
       !has_line_prefix(environ_text, "LC_"), "LANG is the recipe's C.UTF-8, no LC_* is passed");
    ok(pid > 0 && has_line_prefix(environ_text, "TERM=xterm-256color\n"),
       "TERM is the terminal's type and nothing more");
    ok(pid > 0 && !has_line_prefix(environ_text, "SSH_AUTH_SOCK=") &&
       !has_line_prefix(environ_text, "DISPLAY=") && !socket_of_user_in_tmp(user_uid(KIOSK)),
       "ssh -A -X: no agent socket, no X11 display for the kiosk");
    sshd_log = slurp(log);
    free(sshd_log);
    snprintf(log, sizeof log, "%s/sshd.log", tmp);
    sshd_log = slurp(log);
    ok(strstr(sshd_log, "Setting env") && strstr(sshd_log, "BILLCENTER_TEST_CLOCK_OFFSET=999999"),
       "sshd did receive the SendEnv'd BILLCENTER_TEST_CLOCK_OFFSET (so the check above means something)");
    if (vt) {
        /* Interrupt, quit and suspend keys leave the sign-in where it is. */
        bool quiet, shown;
        pid_t after;

        quiet = shown = true;
        for (const char *k = "\003\034\032"; *k; k++) {
            char key[2] = {*k, '\0'};
            vt_send(vt, key);
            quiet = quiet && vt_wait_quiet(vt, 300, 5000);
            shown = shown && vt_wait_row_text(vt, 0, "Sign in", 5000) && vt_running(vt);
        }
        after = find_process(user_uid(KIOSK), "billcenter");
        ok(quiet && shown && after == pid,
           "Ctrl-C, Ctrl-\\ and Ctrl-Z: still the sign-in, same process (settled %d, shown %d, "
           "pid %ld then %ld)", quiet, shown, (long)pid, (long)after);
        if (!shown)
            vt_dump(vt, "after Ctrl-C, Ctrl-\\, Ctrl-Z");
    }
    free(environ_text);
    free(cmdline);
    free(sshd_log);
    vt_destroy(vt);
    kill(agent_pid, SIGTERM);
    reap(agent_pid, 3000);
}

/* A command the client asks for never runs, with or without a tty; nor sftp. */
static void test_kiosk_command(void)
{
    char marker[300], touch[400], *out = NULL;
    const char *cmd[] = {touch, NULL};
    const char *extra_t[] = {"-T", NULL};
    const char *extra_tt[] = {"-tt", NULL};
    const char *argv[64];
    struct vt *vt;
    int code;

    snprintf(marker, sizeof marker, "%s/open/pwned-notty", tmp);
    snprintf(touch, sizeof touch, "touch %s; echo PWNED", marker);
    code = ssh_run(KIOSK, extra_t, cmd, &out);
    ok(!exists(marker) && !strstr(out, "PWNED"),
       "ssh kiosk@host 'touch ...; echo PWNED': the command does not run (exit %d)", code);
    free(out);

    snprintf(marker, sizeof marker, "%s/open/pwned-tty", tmp);
    snprintf(touch, sizeof touch, "touch %s; echo PWNED; exec sh", marker);
    ssh_argv(argv, KIOSK, extra_tt, cmd);
    vt = vt_spawn(argv, NULL, 24, 80);
    ok(vt && vt_wait_row_text(vt, 0, "Sign in", WAIT_MS) && !exists(marker) &&
       !vt_has_text(vt, "PWNED"), "ssh -tt kiosk@host 'touch ...; exec sh': the sign-in instead");
    vt_destroy(vt);

    {
        char batch[300], log[300], port[16], key[300], known[300], got[300];
        const char *sftp[] = {"sftp", "-F", "/dev/null", "-P", port, "-i", key, "-o",
                              "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", known, "-b",
                              batch, KIOSK "@127.0.0.1", NULL};
        FILE *f;

        snprintf(batch, sizeof batch, "%s/sftp.batch", tmp);
        snprintf(log, sizeof log, "%s/sftp.log", tmp);
        snprintf(port, sizeof port, "%d", sshd_port);
        snprintf(key, sizeof key, "%s/client_key", tmp);
        snprintf(known, sizeof known, "UserKnownHostsFile=%s/known_hosts", tmp);
        snprintf(got, sizeof got, "%s/open/pwned-sftp", tmp);
        f = fopen(batch, "w");
        if (f) {
            fprintf(f, "put %s/sftp.batch %s\n", tmp, got);
            fclose(f);
        }
        code = reap(spawn(sftp, log, NULL), WAIT_MS);
        ok(code != 0 && !exists(got), "sftp kiosk@host: no file transfer (exit %d)", code);
    }
}

/* -N with forwarding of every kind: nothing gets through. */
static void test_kiosk_forwarding(void)
{
    char spec[700], log[300], buf[256], local[300], server[300], remote[300];
    const char *argv[64];
    int target_port = 0, lport = free_port(), rport = free_port(), fd, code;
    int target = tcp_listen(&target_port), userver;
    pid_t pid;
    bool connected = false;
    size_t n;

    snprintf(log, sizeof log, "%s/ssh-fwd.log", tmp);
    /* The sessions before have ended: their billcenter is gone. */
    for (int i = 0; i < 500 && find_process(user_uid(KIOSK), NULL) > 0; i++)
        pause_ms(20);

    /* -L TCP */
    snprintf(spec, sizeof spec, "127.0.0.1:%d:127.0.0.1:%d", lport, target_port);
    {
        const char *extra[] = {"-N", "-L", spec, NULL};
        ssh_argv(argv, KIOSK, extra, NULL);
    }
    pid = spawn(argv, log, NULL);
    for (int i = 0; i < 500 && (fd = tcp_connect(lport)) < 0; i++)
        pause_ms(20);
    connected = fd >= 0;
    n = connected ? echo_through(fd, buf, sizeof buf, 3000) : 0;
    if (fd >= 0)
        close(fd);
    ok(connected && n == 0 && !accepted_within(target, 500),
       "ssh -N -L %s: the connection is refused at the server, the target never reached", spec);
    ok(find_process(user_uid(KIOSK), NULL) < 0,
       "ssh -N: nothing but sshd runs as the kiosk while it is connected");
    kill(pid, SIGTERM);
    reap(pid, 5000);

    /* -R TCP */
    snprintf(spec, sizeof spec, "127.0.0.1:%d:127.0.0.1:%d", rport, target_port);
    {
        const char *extra[] = {"-N", "-o", "ExitOnForwardFailure=yes", "-R", spec, NULL};
        ssh_argv(argv, KIOSK, extra, NULL);
    }
    code = reap(spawn(argv, log, NULL), WAIT_MS);
    fd = tcp_connect(rport);
    ok(code != 0 && code != -1 && fd < 0, "ssh -N -R %s: refused (exit %d), nothing listens on %d",
       spec, code, rport);
    if (fd >= 0)
        close(fd);

    /* -L Unix socket to a server socket anyone may connect to */
    snprintf(server, sizeof server, "%s/open/server.sock", tmp);
    snprintf(local, sizeof local, "%s/local.sock", tmp);
    userver = unix_listen(server);
    snprintf(spec, sizeof spec, "%s:%s", local, server);
    {
        const char *extra[] = {"-N", "-L", spec, NULL};
        ssh_argv(argv, KIOSK, extra, NULL);
    }
    pid = spawn(argv, log, NULL);
    fd = -1;
    for (int i = 0; i < 500 && (fd = unix_connect(local)) < 0; i++)
        pause_ms(20);
    connected = fd >= 0;
    n = connected ? echo_through(fd, buf, sizeof buf, 3000) : 0;
    if (fd >= 0)
        close(fd);
    ok(userver >= 0 && connected && n == 0 && !accepted_within(userver, 500),
       "ssh -N -L ./local.sock:/path/server.sock: refused, the server socket never reached");
    kill(pid, SIGTERM);
    reap(pid, 5000);

    /* -R Unix socket */
    snprintf(remote, sizeof remote, "%s/open/remote.sock", tmp);
    snprintf(spec, sizeof spec, "%s:127.0.0.1:%d", remote, target_port);
    {
        const char *extra[] = {"-N", "-o", "ExitOnForwardFailure=yes", "-R", spec, NULL};
        ssh_argv(argv, KIOSK, extra, NULL);
    }
    code = reap(spawn(argv, log, NULL), WAIT_MS);
    ok(code != 0 && code != -1 && !exists(remote),
       "ssh -N -R /path/remote.sock:...: refused (exit %d), no socket made", code);

    /* -w tunnel device */
    if (!exists("/dev/net/tun")) {
        skip("ssh -w any", "no /dev/net/tun here: the client cannot ask for a tunnel");
    } else {
        char *out;
        const char *extra[] = {"-N", "-o", "ExitOnForwardFailure=yes", "-o",
                               "Tunnel=point-to-point", "-w", "any:any", NULL};
        ssh_argv(argv, KIOSK, extra, NULL);
        code = reap(spawn(argv, log, NULL), WAIT_MS);
        out = slurp(log);
        ok(code != 0 && code != -1 && strstr(out, "unnel") != NULL,
           "ssh -w any:any: refused (exit %d: %.*s)", code, (int)strcspn(out, "\n"), out);
        free(out);
    }
    if (target >= 0)
        close(target);
    if (userver >= 0)
        close(userver);
}

/* ------------------------------------------------------------ the operator */

static void test_operator(void)
{
    const char *cmd[] = {"billcenter", "--db", SRV_DB, "--date", DAY, "order", "place",
                         "--account", "1", "--product", "gotomeeting", "--to-seats", "6",
                         "--idempotency-key", "ssh-operator-1", NULL};
    const char *extra_t[] = {"-T", NULL};
    const char *extra_tt[] = {"-tt", NULL};
    const char *ui[] = {"billcenter", "--db", SRV_DB, "--date", DAY, NULL};
    const char *argv[64];
    char *out = NULL, *audit, want[64], path[300];
    struct vt *vt;
    int code;

    ssh_argv(argv, OPERATOR, extra_tt, ui);
    vt = vt_spawn(argv, NULL, 24, 80);
    ok(vt && vt_wait_text(vt, "Find an account", WAIT_MS),
       "ssh -tt " OPERATOR "@host billcenter: the operator's UI opens");
    if (vt && !vt_has_text(vt, "Find an account"))
        vt_dump(vt, "operator over ssh");
    vt_destroy(vt);

    code = ssh_run(OPERATOR, extra_t, cmd, &out);
    ok(code == 0, "ssh " OPERATOR "@host billcenter order place ...: exit %d %s", code, out);
    free(out);
    snprintf(path, sizeof path, "%s/audit.txt", tmp);
    sh("'%s' --db " SRV_DB " audit > '%s' 2>&1", bin, path);
    audit = slurp(path);
    snprintf(want, sizeof want, " %d ", sshd_port);
    {
        bool found = false;
        for (char *line = audit; line && *line && !found; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            char *eol = strchr(line, '\n'), *who;
            size_t len = eol ? (size_t)(eol - line) : strlen(line);
            char row[1024];
            snprintf(row, sizeof row, "%.*s", (int)len, line);
            who = strstr(row, "  " OPERATOR "  from 127.0.0.1 ");
            if (who && strstr(who, want))
                found = true;
        }
        ok(found, "the audit names " OPERATOR " from $SSH_CLIENT (127.0.0.1 PORT %d)", sshd_port);
        if (!found)
            printf("# audit:\n%s\n", audit);
    }
    free(audit);
}

int main(int argc, char **argv)
{
    char readme[4096];

    if (argc < 3) {
        fprintf(stderr, "usage: test_ssh BILLCENTER README.md\n");
        return 2;
    }
    if (!realpath(argv[1], bin) || !realpath(argv[2], readme))
        return skip_all("billcenter or README.md not found");
    snprintf(bindir, sizeof bindir, "%s", bin);
    *strrchr(bindir, '/') = '\0';
    if (strcmp(strrchr(bin, '/') + 1, "billcenter") != 0)
        return skip_all("the binary must be called billcenter (the recipe runs it by name)");
    if (geteuid() != 0)
        return skip_all("needs root (useradd, a second sshd)");
    if (access("/usr/sbin/sshd", X_OK) != 0)
        return skip_all("no /usr/sbin/sshd (apt-get install openssh-server)");
    if (getpwnam(KIOSK) || getpwnam(OPERATOR))
        return skip_all("an account " KIOSK " or " OPERATOR " exists already");
    if (exists(SRV_DB))
        return skip_all(SRV_DB " exists: not touching a real database");
    snprintf(tmp, sizeof tmp, "/tmp/bc-ssh-XXXXXX");
    if (!mkdtemp(tmp))
        return skip_all("no temporary directory");
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    atexit(cleanup);

    if (setup(readme)) {
        test_kiosk_tty();
        test_kiosk_command();
        test_kiosk_forwarding();
        test_operator();
    } else {
        char log[300], *text;
        snprintf(log, sizeof log, "%s/sshd.log", tmp);
        text = slurp(log);
        printf("# sshd.log:\n%s\n", text);
        free(text);
    }
    printf("1..%d\n", ntests);
    return nfailed ? 1 : 0;
}
