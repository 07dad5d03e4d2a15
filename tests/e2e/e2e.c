/* e2e.c — shared plumbing of the end-to-end scenarios (see e2e.h): per-test
 * demo databases, CLI subprocesses with captured output, golden screens. */
#include "e2e.h"
#include "testdb.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

const char *e2e_bin;
const char *e2e_bin_test;
int e2e_slow = 1;

static char *wrapper_words;      /* $BC_TEST_WRAPPER, split in place */
static const char *wrapper[32];
static size_t nwrapper;

bool e2e_setup_args(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-BILLCENTER\n", argv[0]);
        return false;
    }
    e2e_bin = argv[1];
    e2e_bin_test = argc > 2 ? argv[2] : NULL;
    const char *w = getenv("BC_TEST_WRAPPER");
    if (w && *w && !wrapper_words) {
        wrapper_words = strdup(w);
        char *save = NULL;
        for (char *t = wrapper_words ? strtok_r(wrapper_words, " ", &save) : NULL;
             t && nwrapper < sizeof wrapper / sizeof wrapper[0] - 1;
             t = strtok_r(NULL, " ", &save))
            wrapper[nwrapper++] = t;
        if (nwrapper > 0)
            e2e_slow = 5;
    }
    return true;
}

/* argv for the binary: the wrapper's words, then the binary. Returns the
 * count written. */
static size_t bin_argv(const char **argv)
{
    size_t n = 0;
    for (size_t i = 0; i < nwrapper; i++)
        argv[n++] = wrapper[i];
    argv[n++] = e2e_bin;
    return n;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct growbuf {
    char *data;
    size_t len, cap;
};

static bool grow_append(struct growbuf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return false;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

int e2e_run(const char *const argv[], char **out, char **err)
{
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    struct growbuf bo = {0}, be = {0};
    int code = -1;
    grow_append(&bo, "", 0);
    grow_append(&be, "", 0);
    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
        goto done;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        goto done;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    po[1] = pe[1] = -1;
    int64_t deadline = now_ms() + 30000;
    bool open_o = true, open_e = true, timed_out = false;
    while (open_o || open_e) {
        struct pollfd pfd[2] = {{.fd = open_o ? po[0] : -1, .events = POLLIN},
                                {.fd = open_e ? pe[0] : -1, .events = POLLIN}};
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        int r = poll(pfd, 2, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (!pfd[i].revents)
                continue;
            char buf[8192];
            ssize_t n = read(pfd[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                if (i == 0)
                    open_o = false;
                else
                    open_e = false;
                continue;
            }
            grow_append(i == 0 ? &bo : &be, buf, (size_t)n);
        }
    }
    if (timed_out) {
        fprintf(stderr, "e2e_run: %s ran past 30 s, killed\n", argv[0]);
        kill(pid, SIGKILL);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!timed_out)
        code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
done:
    for (int i = 0; i < 2; i++) {
        if (po[i] >= 0)
            close(po[i]);
        if (pe[i] >= 0)
            close(pe[i]);
    }
    if (out)
        *out = bo.data;
    else
        free(bo.data);
    if (err)
        *err = be.data;
    else
        free(be.data);
    return code;
}

static void print_cmd(const char *const argv[])
{
    for (size_t i = 0; argv[i]; i++)
        fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
}

bool e2e_env_init(struct e2e_env *env)
{
    memset(env, 0, sizeof *env);
    snprintf(env->dir, sizeof env->dir, "/tmp/bc-e2e-XXXXXX");
    if (!mkdtemp(env->dir)) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        return false;
    }
    if (!testdb_fresh_in(env->dir, "b.db", env->db, sizeof env->db)) {
        fprintf(stderr, "e2e: the database: %s\n", testdb_error());
        return false;
    }
    const char *argv[] = {e2e_bin, "--db", env->db, "init", "--demo",
                          "--date", E2E_DATE, NULL};
    char *err = NULL;
    int code = e2e_run(argv, NULL, &err);
    if (code != 0) {
        fprintf(stderr, "e2e: `");
        print_cmd(argv);
        fprintf(stderr, "` exited %d: %s\n", code, err ? err : "");
    }
    free(err);
    return code == 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void e2e_env_finish(struct e2e_env *env)
{
    if (env->db[0] && !getenv("BC_E2E_KEEP") && !testdb_drop(env->db))
        fprintf(stderr, "e2e: %s\n", testdb_error());
    env->db[0] = '\0';
    if (env->dir[0] && !getenv("BC_E2E_KEEP"))
        nftw(env->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    env->dir[0] = '\0';
}

json_t *e2e_cli_json(const struct e2e_env *env, const char *const args[], int *code)
{
    const char *argv[128];
    size_t n = bin_argv(argv);
    argv[n++] = "--db";
    argv[n++] = env->db;
    for (size_t i = 0; args[i] && n < 124; i++)
        argv[n++] = args[i];
    argv[n++] = "--json";
    argv[n] = NULL;
    char *out = NULL, *err = NULL;
    int c = e2e_run(argv, &out, &err);
    if (code)
        *code = c;
    json_error_t jerr;
    json_t *j = out ? json_loads(out, 0, &jerr) : NULL;
    if (!j) {
        fprintf(stderr, "e2e: `");
        print_cmd(argv);
        fprintf(stderr, "` exited %d, no JSON (%s)\nstdout: %s\nstderr: %s\n", c,
                out ? jerr.text : "no output", out ? out : "", err ? err : "");
    }
    free(out);
    free(err);
    return j;
}

json_t *e2e_account(const struct e2e_env *env, int account_id)
{
    char id[32];
    snprintf(id, sizeof id, "%d", account_id);
    const char *args[] = {"account", "show", id, NULL};
    return e2e_cli_json(env, args, NULL);
}

json_t *e2e_orders(const struct e2e_env *env, int account_id)
{
    char id[32];
    snprintf(id, sizeof id, "%d", account_id);
    const char *args[] = {"orders", id, NULL};
    return e2e_cli_json(env, args, NULL);
}

json_t *e2e_subscription(json_t *account, const char *product)
{
    json_t *subs = json_object_get(account, "subscriptions");
    size_t i;
    json_t *s;
    json_array_foreach(subs, i, s) {
        const char *p = json_string_value(json_object_get(s, "product"));
        if (p && strcmp(p, product) == 0)
            return s;
    }
    fprintf(stderr, "e2e: no subscription for product %s\n", product);
    return NULL;
}

long long e2e_int(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v)) {
        fprintf(stderr, "e2e: JSON member %s is missing or not an integer\n", key);
        return -1;
    }
    return json_integer_value(v);
}

const char *e2e_str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s) {
        fprintf(stderr, "e2e: JSON member %s is missing or not a string\n", key);
        return "";
    }
    return s;
}

struct vt *e2e_ui(const struct e2e_env *env, const char *lang,
                  const char *const extra[], const char *const envp_extra[],
                  int rows, int cols)
{
    const char *argv[128];
    size_t n = bin_argv(argv);
    argv[n++] = "--db";
    argv[n++] = env->db;
    /* A --date among extra is the day the UI runs on, instead of E2E_DATE. */
    bool dated = false;
    for (size_t i = 0; extra && extra[i]; i++)
        dated = dated || strcmp(extra[i], "--date") == 0;
    if (!dated) {
        argv[n++] = "--date";
        argv[n++] = E2E_DATE;
    }
    if (lang) {
        argv[n++] = "--lang";
        argv[n++] = lang;
    }
    for (size_t i = 0; extra && extra[i] && n < 126; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    return vt_spawn(argv, envp_extra, rows, cols);
}

const char *e2e_screen(struct vt *vt)
{
    static char buf[64 * 1024];
    vt_pump(vt, 0);
    vt_screen_text(vt, buf, sizeof buf);
    /* The test processor's references are random: masked. */
    for (char *p = strstr(buf, "test_"); p != NULL; p = strstr(p + 5, "test_")) {
        size_t n = strspn(p + 5, "0123456789abcdef");
        if (n == 16)
            memset(p + 5, '#', n);
    }
    return buf;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct growbuf b = {0};
    char buf[4096];
    size_t n;
    grow_append(&b, "", 0);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        grow_append(&b, buf, n);
    fclose(f);
    return b.data;
}

static bool mkdirs(const char *path)
{
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    return mkdir(tmp, 0755) == 0 || errno == EEXIST;
}

/* Prints expected vs actual line by line, marking each differing row. */
static void print_diff(const char *path, const char *want, const char *got)
{
    fprintf(stderr, "--- %s (expected)\n+++ screen (actual)\n", path);
    const char *a = want, *b = got;
    for (int line = 1; *a || *b; line++) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t la = ea ? (size_t)(ea - a) : strlen(a);
        size_t lb = eb ? (size_t)(eb - b) : strlen(b);
        if (la != lb || memcmp(a, b, la) != 0) {
            fprintf(stderr, "@@ row %d @@\n-%.*s\n+%.*s\n", line, (int)la, a, (int)lb, b);
        }
        a = ea ? ea + 1 : a + la;
        b = eb ? eb + 1 : b + lb;
    }
}

static bool wait_screen(struct vt *vt, const char *want, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        if (strcmp(e2e_screen(vt), want) == 0)
            return true;
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return false;
        if (!vt_pump(vt, (int)left) && strcmp(e2e_screen(vt), want) != 0)
            return false;
    }
}

bool e2e_wait_screen(struct vt *vt, const char *want, int timeout_ms)
{
    if (wait_screen(vt, want, timeout_ms))
        return true;
    fprintf(stderr, "e2e: the screen did not come back as it was\n");
    print_diff("screen before", want, e2e_screen(vt));
    return false;
}

bool e2e_golden(struct vt *vt, const char *lang, const char *screen, int timeout_ms)
{
    char dir[512], path[640];
    snprintf(dir, sizeof dir, "%s/tests/e2e/golden/%s", SOURCE_ROOT, lang);
    snprintf(path, sizeof path, "%s/%s.txt", dir, screen);
    const char *upd = getenv("BC_UPDATE_GOLDEN");
    if (upd && strcmp(upd, "1") == 0) {
        vt_wait_quiet(vt, 300 * e2e_slow, timeout_ms);
        const char *text = e2e_screen(vt);
        if (!mkdirs(dir)) {
            fprintf(stderr, "golden: mkdir %s: %s\n", dir, strerror(errno));
            return false;
        }
        FILE *f = fopen(path, "wb");
        if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0) {
            fprintf(stderr, "golden: write %s failed\n", path);
            return false;
        }
        fprintf(stderr, "golden: wrote %s\n", path);
        return true;
    }
    char *want = read_file(path);
    if (!want) {
        fprintf(stderr, "golden: %s is missing (run with BC_UPDATE_GOLDEN=1)\n", path);
        vt_dump(vt, "screen with no golden file");
        return false;
    }
    size_t wl = strlen(want);
    if (wl > 0 && want[wl - 1] == '\n')
        want[wl - 1] = '\0';
    bool same = wait_screen(vt, want, timeout_ms);
    if (!same) {
        fprintf(stderr, "golden: screen differs from %s (BC_UPDATE_GOLDEN=1 rewrites it)\n",
                path);
        print_diff(path, want, e2e_screen(vt));
    }
    free(want);
    return same;
}

/* The titles e2e_start_at waits for, per language. */
static const struct {
    const char *lang;
    const char *title[4];    /* by enum e2e_at */
} start_titles[] = {
    {"en", {"Subscriptions", "Modify subscription", "Manage seats", "Order history"}},
    {"it", {"Sottoscrizioni", "Modifica sottoscrizione", "Gestisci postazioni",
            "Cronologia ordini"}},
};

struct vt *e2e_start_at(struct e2e_case *c, const char *lang, const char *const envp_extra[],
                        int account_id, enum e2e_at at)
{
    static const char *const keys[] = {NULL, "e", "s", "h"};
    const char *const *titles = NULL;
    for (size_t i = 0; i < sizeof start_titles / sizeof start_titles[0]; i++)
        if (strcmp(start_titles[i].lang, lang ? lang : "en") == 0)
            titles = start_titles[i].title;
    if (titles == NULL || (unsigned)at > E2E_AT_HISTORY) {
        fprintf(stderr, "e2e_start_at: no titles for language %s\n", lang ? lang : "(none)");
        return NULL;
    }
    json_t *acct = e2e_account(&c->env, account_id);
    char name[256];
    snprintf(name, sizeof name, "%s", acct ? e2e_str(acct, "name") : "");
    json_decref(acct);
    if (name[0] == '\0') {
        fprintf(stderr, "e2e_start_at: account %d has no name\n", account_id);
        return NULL;
    }
    struct vt *vt = c->vt = e2e_ui(&c->env, lang, NULL, envp_extra, 24, 80);
    if (vt == NULL)
        return NULL;
    if (!e2e_open_account(vt, account_id, name)
        || !vt_wait_row_text(vt, 0, titles[E2E_AT_HOME], E2E_WAIT)) {
        fprintf(stderr, "e2e_start_at: account %d (%s) did not open\n", account_id, name);
        return NULL;
    }
    if (at == E2E_AT_HOME)
        return vt;
    vt_send(vt, keys[at]);
    if (!vt_wait_row_text(vt, 0, titles[at], E2E_WAIT)) {
        fprintf(stderr, "e2e_start_at: \"%s\" did not open %s\n", keys[at], titles[at]);
        return NULL;
    }
    return vt;
}

struct vt *e2e_kiosk_start(struct e2e_case *c, const char *lang, const char *const extra[],
                           const char *const envp_extra[])
{
    const char *args[32];
    size_t n = 0;
    args[n++] = "--kiosk";
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    struct vt *vt = c->vt = e2e_ui(&c->env, lang, args, envp_extra, 24, 80);
    if (vt == NULL || !vt_wait_text(vt, "[_ ", E2E_WAIT)) {
        fprintf(stderr, "e2e_kiosk_start: no Sign in screen\n");
        return NULL;
    }
    return vt;
}

bool e2e_kiosk_sign_in(struct vt *vt, const char *email, const char *pin)
{
    char dots[64] = "[";
    for (size_t i = 0; pin[i] != '\0' && strlen(dots) + 4 < sizeof dots; i++)
        strcat(dots, "\u2022");
    vt_send(vt, email);
    if (!vt_wait_text(vt, email, E2E_WAIT))
        return false;
    vt_key(vt, VT_TAB);
    if (!vt_wait_text(vt, "PIN     [_", E2E_WAIT))
        return false;
    vt_send(vt, pin);
    if (!vt_wait_text(vt, dots, E2E_WAIT))
        return false;
    vt_key(vt, VT_ENTER);
    return true;
}

bool e2e_open_account(struct vt *vt, int id, const char *name)
{
    char num[32], tag[48];
    snprintf(num, sizeof num, "%d", id);
    snprintf(tag, sizeof tag, "#%d", id);
    /* the empty search field with its cursor */
    if (!vt_wait_text(vt, "[_ ", E2E_WAIT))
        return false;
    vt_send(vt, num);
    if (!vt_wait_text(vt, name, E2E_WAIT))
        return false;
    vt_key(vt, VT_ENTER);
    return vt_wait_text(vt, tag, E2E_WAIT);
}

bool e2e_press_until(struct vt *vt, enum vt_key key, const char *text, int max_presses)
{
    for (int i = 0; i < max_presses; i++) {
        if (vt_has_text(vt, text))
            return true;
        size_t before = vt_bytes(vt);
        vt_key(vt, key);
        /* wait for the repaint this press causes */
        int64_t deadline = now_ms() + E2E_WAIT;
        while (vt_bytes(vt) == before && now_ms() < deadline)
            if (!vt_pump(vt, (int)(deadline - now_ms())))
                break;
        vt_wait_quiet(vt, 50 * e2e_slow, E2E_WAIT);
    }
    if (vt_has_text(vt, text))
        return true;
    char why[256];
    snprintf(why, sizeof why, "\"%s\" not shown after %d key presses", text, max_presses);
    vt_dump(vt, why);
    return false;
}

int e2e_case_setup(void **state)
{
    struct e2e_case *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    if (!e2e_env_init(&c->env)) {
        e2e_env_finish(&c->env);
        free(c);
        return -1;
    }
    *state = c;
    return 0;
}

int e2e_case_teardown(void **state)
{
    struct e2e_case *c = *state;
    if (!c)
        return 0;
    vt_destroy(c->vt);
    e2e_env_finish(&c->env);
    free(c);
    *state = NULL;
    return 0;
}
