/* e2e_wipe.c — a kiosk sign-out leaves nothing of the customer's secrets in
 * the process (README, kiosk mode): a contact signs in with a PIN, types a
 * new card number on Payment and signs out (Esc, or the idle timeout); then
 * the running billcenter's memory (/proc/PID/mem, every readable mapping of
 * /proc/PID/maps) holds neither the card number nor the PIN — as bytes, as
 * a wchar_t string, nor spread over ncurses' cells (cchar_t). The same scan
 * finds both while they are on screen, so a scan that cannot see them
 * fails instead of passing; memory that cannot be read skips the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

#define WIPE_CARD "4929180765412382"   /* Luhn-valid, found nowhere else */
#define WIPE_PIN "73915862"
#define WIPE_EMAIL "maria.rossi@example.it"

/* Where `s` may sit in memory: one byte per character, one wchar_t per
 * character, or one ncurses cell (cchar_t) per character. */
static const size_t strides[] = {1, sizeof(wchar_t), sizeof(cchar_t)};

/* Whether buf holds s at stride k (characters at wide strides are wchar_t
 * values, at the start of each element). */
static bool found_at(const unsigned char *buf, size_t len, const char *s, size_t k)
{
    size_t n = strlen(s);
    if (len < (n - 1) * k + (k == 1 ? 1 : sizeof(wchar_t)))
        return false;
    size_t last = len - ((n - 1) * k + (k == 1 ? 1 : sizeof(wchar_t)));
    for (size_t i = 0; i <= last; i++) {
        size_t j = 0;
        for (; j < n; j++) {
            const unsigned char *p = buf + i + j * k;
            if (k == 1) {
                if (*p != (unsigned char)s[j])
                    break;
            } else {
                wchar_t w;
                memcpy(&w, p, sizeof w);
                if (w != (wchar_t)(unsigned char)s[j])
                    break;
            }
        }
        if (j == n)
            return true;
    }
    return false;
}

enum scan { SCAN_NOT_FOUND, SCAN_FOUND, SCAN_UNREADABLE };

#define SCAN_CHUNK ((size_t)1 << 20)
#define SCAN_OVERLAP ((size_t)1024)          /* > 16 cells of cchar_t */
#define SCAN_MAX_MAPPING (1ul << 34)         /* 16 GiB */

/* Scans every readable mapping of process `pid` for each of needles[]
 * (NULL ends); found[i] says which were seen. SCAN_UNREADABLE when the
 * memory cannot be read at all. */
static enum scan scan_process(pid_t pid, const char *const needles[], bool found[])
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *maps = fopen(path, "r");
    if (maps == NULL)
        return SCAN_UNREADABLE;
    snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fclose(maps);
        return SCAN_UNREADABLE;
    }
    for (size_t i = 0; needles[i] != NULL; i++)
        found[i] = false;
    size_t read_total = 0;
    char line[512];
    unsigned char *buf = malloc(SCAN_CHUNK + SCAN_OVERLAP);
    while (buf != NULL && fgets(line, sizeof line, maps) != NULL) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r')
            continue;
        if (strstr(line, "[vvar]") != NULL || strstr(line, "[vsyscall]") != NULL)
            continue;
        if (hi - lo > SCAN_MAX_MAPPING)
            continue;   /* a sanitizer's shadow reserve, not the program's data */
        /* Chunks that overlap by more than the widest needle, so nothing
         * is missed at a chunk's edge. */
        size_t keep = 0;
        for (unsigned long at = lo; at < hi;) {
            size_t want = hi - at < SCAN_CHUNK ? hi - at : SCAN_CHUNK;
            ssize_t got = pread(fd, buf + keep, want, (off_t)at);
            if (got <= 0)
                break;
            read_total += (size_t)got;
            size_t len = keep + (size_t)got;
            for (size_t i = 0; needles[i] != NULL; i++)
                for (size_t k = 0; k < sizeof strides / sizeof strides[0] && !found[i]; k++)
                    if (found_at(buf, len, needles[i], strides[k]))
                        found[i] = true;
            keep = len < SCAN_OVERLAP ? len : SCAN_OVERLAP;
            memmove(buf, buf + len - keep, keep);
            at += (unsigned long)got;
        }
    }
    free(buf);
    close(fd);
    fclose(maps);
    if (read_total == 0)
        return SCAN_UNREADABLE;
    bool any = false;
    for (size_t i = 0; needles[i] != NULL; i++)
        any = any || found[i];
    return any ? SCAN_FOUND : SCAN_NOT_FOUND;
}

/* The contact's PIN becomes WIPE_PIN (one line on standard input). */
static void set_pin(struct e2e_case *c)
{
    char script[1024];
    snprintf(script, sizeof script,
             "printf '%%s\\n' '%s' | '%s' --db '%s' contact set-pin --email '%s'", WIPE_PIN,
             e2e_bin, c->env.db, WIPE_EMAIL);
    const char *argv[] = {"sh", "-c", script, NULL};
    assert_int_equal(e2e_run(argv, NULL, NULL), 0);
}

/* A catalog whose kiosk idle timeout is the shortest allowed, 10 s. */
static void short_idle_catalog(struct e2e_case *c, char *dir, size_t size)
{
    snprintf(dir, size, "%s/plans", c->env.dir);
    char script[4096];
    snprintf(script, sizeof script,
             "mkdir -p '%s' && cp plans/*.yaml '%s/' && "
             "sed -i 's/^  idle_timeout: .*/  idle_timeout: 10/' '%s/catalog.yaml' && "
             "grep -q '^  idle_timeout: 10' '%s/catalog.yaml'",
             dir, dir, dir, dir);
    const char *argv[] = {"sh", "-c", script, NULL};
    assert_int_equal(e2e_run(argv, NULL, NULL), 0);
}

/* Fails the test when a needle is found, skips it when memory cannot be
 * read; `want` says whether they should be there. */
static void expect_in_memory(struct vt *vt, const char *const needles[], bool want)
{
    bool found[4] = {false};
    E2E_SETTLE(vt);
    enum scan r = scan_process(vt_pid(vt), needles, found);
    if (r == SCAN_UNREADABLE) {
        print_message("# cannot read /proc/%d/mem: %s\n", (int)vt_pid(vt), strerror(errno));
        skip();
    }
    bool as_wanted = true;
    for (size_t i = 0; needles[i] != NULL; i++) {
        if (found[i] != want)
            print_message("# %s %s in the process memory\n", needles[i],
                          found[i] ? "found" : "not found");
        as_wanted = as_wanted && found[i] == want;
    }
    assert_true(as_wanted);
}

/* Signs in (the PIN, as typed, is in memory until Enter), goes to Payment
 * for the Business upgrade and types a new card there (masked on screen,
 * in memory as typed). */
/* Signs in and types a new card on Payment. With `scan`, the memory scan
 * first proves it sees the PIN and the card while they are there; the idle
 * variant leaves that to the Esc one: under a sanitizer a scan of the whole
 * process can outlast the 10 s idle timeout, and a sign-out during it would
 * wipe what the scan is looking for. */
static struct vt *type_card_on_payment(struct e2e_case *c, const char *catalog, bool scan)
{
    set_pin(c);
    const char *extra[] = {catalog ? "--catalog" : NULL, catalog, NULL};
    struct vt *vt = e2e_kiosk_start(c, "en", extra, NULL);
    assert_non_null(vt);
    E2E_TITLE(vt, "Sign in");
    vt_send(vt, WIPE_EMAIL);
    E2E_SEE(vt, WIPE_EMAIL);
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ PIN     [_");
    vt_send(vt, WIPE_PIN);
    E2E_SEE(vt, "[••••••••_");
    E2E_NOT_SHOWN(vt, WIPE_PIN);
    const char *pin[] = {WIPE_PIN, NULL};
    if (scan)
        expect_in_memory(vt, pin, true);   /* the scan sees a PIN that is there */
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Subscriptions");

    vt_send(vt, "e");
    E2E_TITLE(vt, "Modify subscription");
    vt_send(vt, "e");
    E2E_SEE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_DOWN, "▸ Business", 4));
    vt_key(vt, VT_ENTER);
    E2E_GONE(vt, "Choose a plan");
    assert_true(e2e_press_until(vt, VT_TAB, "▸ [ Complete transaction ]", 6));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Complete transaction");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Payment");
    assert_true(e2e_press_until(vt, VT_UP, "▸ (•) Card on file", 6));
    vt_key(vt, VT_LEFT);
    E2E_SEE(vt, "(•) A new card");
    vt_key(vt, VT_TAB);
    E2E_SEE(vt, "▸ Card number");
    vt_send(vt, WIPE_CARD);
    E2E_SEE(vt, "•••• •••• •••• 2382");
    E2E_SEE(vt, "valid");
    E2E_NOT_SHOWN(vt, WIPE_CARD);
    E2E_NOT_SHOWN(vt, "4929");
    const char *card[] = {WIPE_CARD, NULL};
    if (scan)
        expect_in_memory(vt, card, true);   /* the scan sees a card number that is there */
    return vt;
}

static void signed_out(struct vt *vt, int timeout_ms)
{
    assert_true(vt_wait_row_text(vt, 0, "Sign in", timeout_ms));
    E2E_SEE(vt, "▸ E-mail  [_ ");
    E2E_GONE(vt, "Rossi");
    assert_true(vt_running(vt));
    const char *secrets[] = {WIPE_CARD, WIPE_PIN, NULL};
    expect_in_memory(vt, secrets, false);
}

static void test_esc_sign_out_wipes_card_and_pin(void **state)
{
    struct e2e_case *c = *state;
    struct vt *vt = type_card_on_payment(c, NULL, true);
    /* Esc back to Subscriptions, and once more signs out (y confirms) */
    for (int i = 0; i < 7 && !vt_has_text(vt, "Sign in with the e-mail"); i++) {
        if (vt_has_text(vt, "Sign out? y/n"))
            vt_send(vt, "y");
        else
            vt_key(vt, VT_ESC);
        assert_true(vt_wait_quiet(vt, 100 * e2e_slow, E2E_WAIT));
    }
    signed_out(vt, E2E_WAIT);
}

static void test_idle_sign_out_wipes_card_and_pin(void **state)
{
    struct e2e_case *c = *state;
    char dir[512];
    short_idle_catalog(c, dir, sizeof dir);
    struct vt *vt = type_card_on_payment(c, dir, false);
    /* nobody touches it: after 10 s it signs out from Payment itself */
    signed_out(vt, 15000 + E2E_WAIT);
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_esc_sign_out_wipes_card_and_pin, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_idle_sign_out_wipes_card_and_pin, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
