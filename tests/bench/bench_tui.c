/* bench_tui.c — the terminal UI measured through a pseudo-terminal (the
 * end-to-end harness, tests/e2e/vt.c, counts every byte the program
 * writes), against `dialog --menu` showing the same items at the same size:
 *
 *   - start to first complete frame: from fork to the moment the emulated
 *     screen first equals the settled first screen, median of N runs;
 *   - bytes sent when the selection moves one row (search results list),
 *     worst of several single moves;
 *   - bytes for a full screen change at 80x24 (search -> Subscriptions);
 *   - peak resident memory (VmHWM) after a search and opening an account;
 *   - redraw after a resize: 50 resizes (1x1 .. 200x60 among them, back to
 *     80x24) on Subscriptions, each timed from the resize to the last byte
 *     written before the program goes quiet; the total and the worst;
 *   - with DOCS_DB (a demo database whose account 1 has 1,000 fiscal
 *     documents, bench_docs_seed): bytes per one-row move in Invoices, and
 *     per page (PgDn, PgUp) in the document view.
 *
 * Usage: bench_tui BILLCENTER DB CATALOG [DOCS_DB]. BC_BENCH_TUI_RUNS (default 21)
 * start-up runs each; BC_BENCH_QUERY (default "ros") is what is typed.
 * dialog missing from PATH leaves its columns "not installed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "vt.h"

#define ROWS 24
#define COLS 80
#define MOVES 6
#define SETTLE_MS 250
#define WAIT_MS 15000

#define FIG_START "start to first complete frame, 80x24 (median)"
#define FIG_MOVE "bytes sent when the selection moves one row (search results)"
#define FIG_FULL "bytes for a full screen change at 80x24 (search -> Subscriptions)"
#define FIG_RSS "peak resident memory of the TUI (VmHWM, search + open account)"
#define FIG_RESIZE "redraw after a resize, 50 resizes 1x1 .. 200x60 (total, worst)"
#define FIG_DOC_MOVE "bytes sent when the selection moves one row (Invoices, 1,000 documents)"
#define FIG_DOC_PAGE "bytes per page in the document view (PgDn/PgUp, 80x24)"
#define PAGES 4
#define RESIZES 50
#define RESIZE_QUIET_MS 100

static const char *db_path, *catalog_dir, *bin;

/* Reads until the program has written something after `before` bytes, then
 * until it has been quiet for SETTLE_MS. */
static bool settle_after(struct vt *vt, size_t before)
{
    int64_t deadline = bench_now_ns() + (int64_t)WAIT_MS * 1000000;
    while (vt_bytes(vt) <= before) {
        if (bench_now_ns() > deadline || !vt_pump(vt, 20))
            return false;
    }
    return vt_wait_quiet(vt, SETTLE_MS, WAIT_MS);
}

static struct vt *spawn_ui_on(const char *db)
{
    const char *argv[] = {bin, "--db", db, "--catalog", catalog_dir, "--date", "2026-11-25",
                          NULL};
    return vt_spawn(argv, NULL, ROWS, COLS);
}

static struct vt *spawn_ui(void)
{
    return spawn_ui_on(db_path);
}

/* The resize sizes: a fixed pseudo-random walk with the awkward ones among
 * them, ending at 80x24. */
static void resize_sizes(int sizes[RESIZES][2])
{
    static const int named[8][2] = {{1, 1}, {2, 1}, {1, 2}, {10, 3}, {40, 10}, {79, 23},
                                    {80, 24}, {200, 60}};
    uint64_t x = 0x5bd1e995ULL;
    for (int i = 0; i < RESIZES - 1; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sizes[i][0] = 1 + (int)((x >> 33) % 220);
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sizes[i][1] = 1 + (int)((x >> 33) % 70);
    }
    for (int i = 0; i < 8; i++) {
        sizes[i * 6 + 1][0] = named[i][0];
        sizes[i * 6 + 1][1] = named[i][1];
    }
    sizes[RESIZES - 1][0] = COLS;
    sizes[RESIZES - 1][1] = ROWS;
}

/* Each resize timed to the last byte the program writes before it has been
 * quiet for RESIZE_QUIET_MS. False when the program goes away. */
static bool measure_resizes(struct vt *vt, double *total_ms, double *worst_ms)
{
    int sizes[RESIZES][2];
    resize_sizes(sizes);
    *total_ms = *worst_ms = 0;
    for (int i = 0; i < RESIZES; i++) {
        int64_t t0 = bench_now_ns(), last = t0;
        size_t seen = vt_bytes(vt);
        if (!vt_resize(vt, sizes[i][1], sizes[i][0]))
            return false;
        while (bench_now_ns() - last < (int64_t)RESIZE_QUIET_MS * 1000000) {
            if (!vt_pump(vt, 5))
                return false;
            if (vt_bytes(vt) != seen) {
                seen = vt_bytes(vt);
                last = bench_now_ns();
            }
        }
        double ms = (double)(last - t0) / 1e6;
        *total_ms += ms;
        if (ms > *worst_ms)
            *worst_ms = ms;
    }
    return vt_running(vt);
}

/* dialog --menu with the items of the search results as shown. */
struct menu {
    char tags[16][16];
    char items[16][96];
    int n;
};

static struct vt *spawn_dialog(const struct menu *m)
{
    const char *argv[8 + 2 * 16 + 1];
    int a = 0;
    argv[a++] = "dialog";
    argv[a++] = "--title";
    argv[a++] = "Find an account";
    argv[a++] = "--menu";
    argv[a++] = "Find an account by name, e-mail or account id:";
    argv[a++] = "24";
    argv[a++] = "80";
    argv[a++] = "16";
    for (int i = 0; i < m->n; i++) {
        argv[a++] = m->tags[i];
        argv[a++] = m->items[i];
    }
    argv[a] = NULL;
    return vt_spawn(argv, NULL, ROWS, COLS);
}

static bool have_dialog(void)
{
    const char *path = getenv("PATH");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path ? path : "/usr/bin:/bin");
    for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char full[4200];
        snprintf(full, sizeof full, "%s/dialog", dir);
        if (access(full, X_OK) == 0)
            return true;
    }
    return false;
}

/* The settled first screen of a program, as text. */
static bool reference_screen(struct vt *(*spawn)(const void *), const void *arg, char *ref,
                             size_t size)
{
    struct vt *vt = spawn(arg);
    bool ok = vt && settle_after(vt, 0);
    if (ok)
        vt_screen_text(vt, ref, size);
    vt_destroy(vt);
    return ok && ref[0];
}

/* Milliseconds from fork to the first time the screen equals ref. */
static double time_to_frame(struct vt *(*spawn)(const void *), const void *arg, const char *ref)
{
    static char now[ROWS * (COLS * 4 + 1) + 1];
    int64_t t0 = bench_now_ns(), deadline = t0 + (int64_t)WAIT_MS * 1000000;
    struct vt *vt = spawn(arg);
    double ms = -1;
    while (vt && bench_now_ns() < deadline) {
        if (!vt_pump(vt, 50))
            break;
        vt_screen_text(vt, now, sizeof now);
        if (strcmp(now, ref) == 0) {
            ms = (double)(bench_now_ns() - t0) / 1e6;
            break;
        }
    }
    vt_destroy(vt);
    return ms;
}

static struct vt *spawn_ui_cb(const void *arg)
{
    (void)arg;
    return spawn_ui();
}

static struct vt *spawn_dialog_cb(const void *arg)
{
    return spawn_dialog(arg);
}

static double median_start(struct vt *(*spawn)(const void *), const void *arg, long runs,
                           double *max_out)
{
    static char ref[ROWS * (COLS * 4 + 1) + 1];
    if (!reference_screen(spawn, arg, ref, sizeof ref))
        return -1;
    double *v = calloc((size_t)runs, sizeof *v);
    if (!v)
        return -1;
    for (long i = 0; i < runs; i++) {
        v[i] = time_to_frame(spawn, arg, ref);
        if (v[i] < 0) {
            free(v);
            return -1;
        }
    }
    double med = bench_quantile(v, (size_t)runs, 0.5);
    *max_out = v[runs - 1];
    free(v);
    return med;
}

/* Worst and mean bytes of single one-row moves down. */
static bool measure_moves(struct vt *vt, size_t *worst, double *mean)
{
    size_t total = 0;
    *worst = 0;
    for (int i = 0; i < MOVES; i++) {
        size_t b0 = vt_bytes(vt);
        if (!vt_key(vt, VT_DOWN) || !settle_after(vt, b0))
            return false;
        size_t d = vt_bytes(vt) - b0;
        total += d;
        if (d > *worst)
            *worst = d;
    }
    *mean = (double)total / MOVES;
    return true;
}

/* Account 1 of docs_db: Invoices, MOVES one-row moves, then the selected
 * document, PAGES pages alternately down and up. */
static bool measure_documents(const char *docs_db, size_t *move_worst, double *move_mean,
                              size_t *page_worst, double *page_mean)
{
    struct vt *vt = spawn_ui_on(docs_db);
    bool ok = vt && settle_after(vt, 0);
    size_t b0 = ok ? vt_bytes(vt) : 0;
    ok = ok && vt_send(vt, "1") && settle_after(vt, b0);
    b0 = ok ? vt_bytes(vt) : 0;
    ok = ok && vt_key(vt, VT_DOWN) && settle_after(vt, b0);
    ok = ok && vt_key(vt, VT_ENTER) && vt_wait_row_text(vt, 0, "Subscriptions", WAIT_MS) &&
         vt_wait_quiet(vt, SETTLE_MS, WAIT_MS);
    ok = ok && vt_send(vt, "i") && vt_wait_row_text(vt, 0, "Invoices", WAIT_MS) &&
         vt_wait_text(vt, "\xe2\x96\xb8 ", WAIT_MS) && vt_wait_quiet(vt, SETTLE_MS, WAIT_MS);
    ok = ok && measure_moves(vt, move_worst, move_mean);
    b0 = ok ? vt_bytes(vt) : 0;
    ok = ok && vt_key(vt, VT_ENTER) && settle_after(vt, b0) && vt_has_text(vt, "2026/");
    size_t total = 0;
    *page_worst = 0;
    for (int i = 0; ok && i < PAGES; i++) {
        b0 = vt_bytes(vt);
        ok = vt_key(vt, i % 2 == 0 ? VT_PAGEDOWN : VT_PAGEUP) && settle_after(vt, b0);
        size_t d = vt_bytes(vt) - b0;
        total += d;
        if (d > *page_worst)
            *page_worst = d;
    }
    *page_mean = (double)total / PAGES;
    if (!ok && vt)
        vt_dump(vt, "bench_tui: the Invoices session did not go as expected");
    vt_destroy(vt);
    return ok;
}

static long vm_hwm_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

/* "  ▸ 1771      Rossi Analytics AG        EUR   DE" -> tag, item. */
static void parse_result_row(const char *row, char *tag, size_t tsize, char *item, size_t isize)
{
    const char *p = row;
    while (*p == ' ')
        p++;
    if (strncmp(p, "\xe2\x96\xb8", 3) == 0)   /* ▸ */
        p += 3;
    else if (*p == '>')
        p++;
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, " ");
    snprintf(tag, tsize, "%.*s", (int)n, p);
    p += n;
    while (*p == ' ')
        p++;
    /* Collapse runs of spaces so the item fits dialog's column. */
    size_t o = 0;
    for (; *p && o + 1 < isize; p++) {
        if (*p == ' ' && p[1] == ' ')
            continue;
        item[o++] = *p;
    }
    item[o] = '\0';
}

/* The Invoices rows, next to the search list's row move. False when they
 * were asked for and could not be measured. */
static bool docs_rows(const char *docs_db, bool docs_ok, bool session_ok, size_t doc_move_worst,
                      double doc_move_mean, size_t page_worst, double page_mean,
                      size_t move_worst, double move_mean)
{
    char m[128], cmp[192];
    if (docs_db == NULL)
        return true;
    if (!docs_ok) {
        bench_row(FIG_DOC_MOVE, "ERROR", "<= 120 B", "-", "no");
        bench_row(FIG_DOC_PAGE, "ERROR", "<= 3 KB (3072 B)", "-", "no");
        return false;
    }
    snprintf(m, sizeof m, "%zu B worst (mean %.0f, %d moves)", doc_move_worst, doc_move_mean,
             MOVES);
    if (session_ok)
        snprintf(cmp, sizeof cmp, "search results: %zu B worst (mean %.0f)", move_worst,
                 move_mean);
    else
        snprintf(cmp, sizeof cmp, "search results: failed");
    bench_row(FIG_DOC_MOVE, m, "<= 120 B", cmp, bench_met(doc_move_worst <= 120));
    snprintf(m, sizeof m, "%zu B worst (mean %.0f, %d pages)", page_worst, page_mean, PAGES);
    bench_row(FIG_DOC_PAGE, m, "<= 3 KB (3072 B)", "-", bench_met(page_worst <= 3072));
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: bench_tui BILLCENTER DB CATALOG [DOCS_DB]\n");
        return 2;
    }
    const char *docs_db = argc == 5 ? argv[4] : NULL;
    bin = argv[1];
    db_path = argv[2];
    catalog_dir = argv[3];
    long runs = bench_env_long("BC_BENCH_TUI_RUNS", 21);
    if (runs < 1)
        runs = 1;
    const char *query = getenv("BC_BENCH_QUERY");
    if (!query || !*query)
        query = "ros";
    bool dialog = have_dialog();
    int code = 0;

    /* 1. Start-up, billcenter. */
    double ui_max = 0, dlg_max = 0;
    double ui_start = median_start(spawn_ui_cb, NULL, runs, &ui_max);

    /* 2. One session: search, moves, open an account, memory. */
    struct menu menu = {0};
    size_t move_worst = 0, full_bytes = 0;
    double move_mean = 0;
    long hwm = -1;
    bool session_ok = false, resized = false;
    double resize_total = 0, resize_worst = 0;
    struct vt *vt = spawn_ui();
    if (vt && settle_after(vt, 0)) {
        size_t b0 = vt_bytes(vt);
        bool ok = vt_send(vt, query) && settle_after(vt, b0);
        b0 = vt_bytes(vt);
        ok = ok && vt_key(vt, VT_DOWN) && settle_after(vt, b0);   /* focus to the list */
        /* The visible result rows become dialog's items. */
        for (int r = 0; ok && r < ROWS && menu.n < 16; r++) {
            char row[COLS * 4 + 1];
            vt_screen_row(vt, r, row, sizeof row);
            const char *p = row;
            while (*p == ' ')
                p++;
            if (strncmp(p, "\xe2\x96\xb8", 3) == 0)
                p += 3;
            while (*p == ' ')
                p++;
            if (r > 3 && *p >= '0' && *p <= '9' && strlen(row) > 20) {
                parse_result_row(row, menu.tags[menu.n], sizeof menu.tags[0], menu.items[menu.n],
                                 sizeof menu.items[0]);
                menu.n++;
            }
        }
        ok = ok && menu.n >= MOVES + 1 && measure_moves(vt, &move_worst, &move_mean);
        b0 = vt_bytes(vt);
        ok = ok && vt_key(vt, VT_ENTER) && vt_wait_row_text(vt, 0, "Subscriptions", WAIT_MS) &&
             vt_wait_quiet(vt, SETTLE_MS, WAIT_MS);
        full_bytes = vt_bytes(vt) - b0;
        hwm = vm_hwm_kb(vt_pid(vt));
        resized = ok && measure_resizes(vt, &resize_total, &resize_worst);
        session_ok = ok && hwm > 0;
        if (!session_ok)
            vt_dump(vt, "bench_tui: the session did not go as expected");
    }
    vt_destroy(vt);

    /* 3. dialog --menu with the same items. */
    double dlg_start = -1, dlg_move_mean = 0;
    size_t dlg_move_worst = 0;
    if (dialog && menu.n > 0) {
        dlg_start = median_start(spawn_dialog_cb, &menu, runs, &dlg_max);
        vt = spawn_dialog(&menu);
        if (!vt || !settle_after(vt, 0) || !measure_moves(vt, &dlg_move_worst, &dlg_move_mean))
            dlg_move_worst = 0;
        vt_destroy(vt);
    }

    /* 4. Invoices and the document view. */
    size_t doc_move_worst = 0, page_worst = 0;
    double doc_move_mean = 0, page_mean = 0;
    bool docs_ok = docs_db != NULL &&
                   measure_documents(docs_db, &doc_move_worst, &doc_move_mean, &page_worst,
                                     &page_mean);

    char m[128], cmp[192];
    /* Start-up. */
    if (ui_start < 0) {
        bench_row(FIG_START, "ERROR", "<= 30 ms", "-", "no");
        code = 1;
    } else {
        snprintf(m, sizeof m, "%.1f ms (max %.1f, %ld runs)", ui_start, ui_max, runs);
        if (dlg_start >= 0)
            snprintf(cmp, sizeof cmp, "dialog --menu, %d items: %.1f ms median (max %.1f)", menu.n,
                     dlg_start, dlg_max);
        else
            snprintf(cmp, sizeof cmp, "dialog --menu: %s", dialog ? "failed" : "not installed");
        bench_row(FIG_START, m, "<= 30 ms", cmp, bench_met(ui_start <= 30.0));
    }
    if (!session_ok) {
        bench_row(FIG_MOVE, "ERROR", "<= 120 B and <= dialog", "-", "no");
        docs_rows(docs_db, docs_ok, false, doc_move_worst, doc_move_mean, page_worst, page_mean,
                  0, 0);
        bench_row(FIG_FULL, "ERROR", "<= 3 KB", "-", "no");
        bench_row(FIG_RSS, "ERROR", "<= 12 MB", "-", "no");
        bench_row(FIG_RESIZE, "ERROR", "<= 100 ms each", "-", "no");
        return 1;
    }
    /* Row move. */
    snprintf(m, sizeof m, "%zu B worst (mean %.0f, %d moves)", move_worst, move_mean, MOVES);
    bool dlg_ok = dialog && dlg_move_worst > 0;
    if (dlg_ok)
        snprintf(cmp, sizeof cmp, "dialog --menu: %zu B worst (mean %.0f)", dlg_move_worst,
                 dlg_move_mean);
    else
        snprintf(cmp, sizeof cmp, "dialog --menu: %s", dialog ? "failed" : "not installed");
    bench_row(FIG_MOVE, m, "<= 120 B and <= dialog", cmp,
              dlg_ok ? bench_met(move_worst <= 120 && move_worst <= dlg_move_worst) : "n/a");
    if (!docs_rows(docs_db, docs_ok, true, doc_move_worst, doc_move_mean, page_worst, page_mean,
                   move_worst, move_mean))
        code = 1;
    /* Full screen change. */
    snprintf(m, sizeof m, "%zu B", full_bytes);
    bench_row(FIG_FULL, m, "<= 3 KB (3072 B)", "-",
              bench_met(full_bytes <= 3072));
    /* Memory. */
    snprintf(m, sizeof m, "%.1f MB (%ld kB)", (double)hwm / 1024.0, hwm);
    bench_row(FIG_RSS, m, "<= 12 MB", "-", bench_met(hwm <= 12 * 1024));
    /* Resizes. */
    if (resized) {
        snprintf(m, sizeof m, "%.0f ms total, %.1f ms worst (%d resizes)", resize_total,
                 resize_worst, RESIZES);
        bench_row(FIG_RESIZE, m, "<= 100 ms each", "-", bench_met(resize_worst <= 100.0));
    } else {
        bench_row(FIG_RESIZE, "ERROR", "<= 100 ms each", "-", "no");
        code = 1;
    }
    return code;
}
