/* e2e.h — what billcenter's end-to-end scenarios share: a fresh demo
 * database per scenario, the UI in a pseudo-terminal (vt.h), the CLI run as a
 * subprocess with its --json output parsed by jansson, and golden screens. */
#ifndef BC_E2E_E2E_H
#define BC_E2E_E2E_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "vt.h"

/* The date every scenario pretends is today. */
#define E2E_DATE "2026-11-25"
/* 1, or 5 when the binary runs under $BC_TEST_WRAPPER (valgrind): every
 * bound scales with it. */
extern int e2e_slow;
/* Generous bound for one screen change (a sanitizer build is slow). */
#define E2E_WAIT (10000 * e2e_slow)

/* Path of the billcenter binary under test (argv[1] of each test). */
extern const char *e2e_bin;
/* Path of the test build of it, billcenter-test (argv[2] when given, else
 * NULL): the same program with the test hooks (BC_TEST_HOOKS). */
extern const char *e2e_bin_test;

/* Reads argv[1] into e2e_bin, argv[2] (optional) into e2e_bin_test, and $BC_TEST_WRAPPER (words that run before
 * the binary, e.g. `meson test --setup valgrind`); false (message on
 * stderr) when argv[1] is missing. The UI and the CLI reads (not `init`)
 * run under the wrapper. */
bool e2e_setup_args(int argc, char **argv);

/* A scenario's own directory with a demo database created by `billcenter
 * --db DB init --demo --date 2026-11-25`, on the engine $BC_TEST_ENGINE names
 * (testdb.h): DB is DIR/b.db, or a PostgreSQL database of its own. */
struct e2e_env {
    char dir[256];
    char db[512];
};
bool e2e_env_init(struct e2e_env *env);
/* Drops the database, removes the directory and everything in it. */
void e2e_env_finish(struct e2e_env *env);

/* One scenario's state for cmocka's setup/teardown: e2e_case_setup makes
 * the demo database; e2e_case_teardown destroys the vt (if any) and removes
 * the directory, also after a failed assertion. */
struct e2e_case {
    struct e2e_env env;
    struct vt *vt;
};
int e2e_case_setup(void **state);
int e2e_case_teardown(void **state);

/* Runs argv (argv[0] searched in PATH); *out / *err get stdout / stderr
 * (caller frees; either pointer may be NULL to discard). Returns the exit
 * code, 128+signal if killed, -1 if it could not run or ran past 30 s. */
int e2e_run(const char *const argv[], char **out, char **err);

/* `billcenter --db DB ARGS... --json`, parsed. NULL (message on stderr) on
 * a failed run or bad JSON; caller decrefs. *code gets the exit code when
 * code is not NULL. */
json_t *e2e_cli_json(const struct e2e_env *env, const char *const args[], int *code);
json_t *e2e_account(const struct e2e_env *env, int account_id);
json_t *e2e_orders(const struct e2e_env *env, int account_id);

/* The subscription object for product in an `account show --json` result
 * (borrowed), or NULL. */
json_t *e2e_subscription(json_t *account, const char *product);
/* Integer / string member helpers: fail the lookup loudly (stderr) and
 * return -1 / "" when missing. */
long long e2e_int(json_t *obj, const char *key);
const char *e2e_str(json_t *obj, const char *key);

/* Starts the UI: billcenter --db DB --date 2026-11-25 [--lang LANG]
 * [extra args...] in rows x cols; envp_extra as for vt_spawn. lang may be
 * NULL (no --lang). extra may be NULL; a "--date D" in it replaces
 * 2026-11-25. */
struct vt *e2e_ui(const struct e2e_env *env, const char *lang,
                  const char *const extra[], const char *const envp_extra[],
                  int rows, int cols);

/* Golden screens: polls until the 80x24 screen equals
 * tests/e2e/golden/<lang>/<screen>.txt; on timeout prints a line diff.
 * With BC_UPDATE_GOLDEN=1 it waits for the screen to settle and writes the
 * file instead (and passes). */
bool e2e_golden(struct vt *vt, const char *lang, const char *screen, int timeout_ms);

/* Polls until the screen text equals `want` exactly (vt_screen_text
 * form); on timeout prints a line diff. */
bool e2e_wait_screen(struct vt *vt, const char *want, int timeout_ms);

/* Waits until the program has been quiet for 100 ms: the repaint that a
 * wait saw beginning is complete before the screen is read as a whole. */
#define E2E_SETTLE(vt) assert_true(vt_wait_quiet((vt), 100 * e2e_slow, E2E_WAIT))

/* The whole screen in a static buffer (valid until the next call). The
 * test processor's references (test_ and 16 random hex digits) read as
 * test_################, so golden screens that show one stay stable. */
const char *e2e_screen(struct vt *vt);

/* From the account search screen: types the id, waits for `name` among the
 * results, opens it and waits for "#id" in the title bar. */
bool e2e_open_account(struct vt *vt, int id, const char *name);

/* Where e2e_start_at leaves the UI: an account's Subscriptions screen, or
 * one of the screens its keys open (e: Modify subscription, s: Manage
 * seats, h: Order history). */
enum e2e_at { E2E_AT_HOME, E2E_AT_MODIFY, E2E_AT_SEATS, E2E_AT_HISTORY };

/* "Open billcenter on account N and go to screen X": starts the UI as an
 * operator at 80x24 in `lang` ("en" or "it"; envp_extra as for vt_spawn,
 * may be NULL) into c->vt, finds account `account_id` by its id, opens it
 * (its name read through the CLI) and goes to `at`, waiting for each
 * screen's title. NULL (message on stderr) when a step does not show. */
struct vt *e2e_start_at(struct e2e_case *c, const char *lang, const char *const envp_extra[],
                        int account_id, enum e2e_at at);

/* The kiosk: starts `billcenter --kiosk` (then extra, may be NULL) in
 * `lang` at 80x24 into c->vt (envp_extra as for vt_spawn) and waits for the
 * Sign in screen with its empty e-mail field. NULL when it does not show. */
struct vt *e2e_kiosk_start(struct e2e_case *c, const char *lang, const char *const extra[],
                           const char *const envp_extra[]);
/* On the Sign in screen: types the e-mail, Tab, the PIN (waiting for its
 * dots) and Enter. False when a step does not show; the result of the
 * sign-in is the caller's to wait for. */
bool e2e_kiosk_sign_in(struct vt *vt, const char *email, const char *pin);

/* Presses key until the screen shows `text` (a focus marker such as
 * "▸ [ Place order ]"), at most max_presses times; each press waits for the
 * screen to change before looking again. */
bool e2e_press_until(struct vt *vt, enum vt_key key, const char *text, int max_presses);

/* Waits (E2E_WAIT) for text; in a cmocka test, fails it when absent. */
#define E2E_SEE(vt, text) assert_true(vt_wait_text((vt), (text), E2E_WAIT))
/* Waits for a screen title in the title bar (row 0). */
#define E2E_TITLE(vt, title) assert_true(vt_wait_row_text((vt), 0, (title), E2E_WAIT))
/* Waits for text to leave the screen: right after a transition, where the
 * old frame may still be half drawn. */
#define E2E_GONE(vt, text) assert_true(vt_wait_gone((vt), (text), E2E_WAIT))
/* Not on the screen now: for a frame already known to be complete. */
#define E2E_NOT_SHOWN(vt, text) assert_false(vt_has_text((vt), (text)))

#endif
