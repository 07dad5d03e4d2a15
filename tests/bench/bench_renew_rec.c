/* bench_renew_rec.c — preloaded (LD_PRELOAD) into the `billcenter renew`
 * that bench_renew times, so that its floor is made of exactly what that
 * process wrote: every write statement it executed, with the values it
 * bound, and its BEGIN/COMMIT/ROLLBACK, go to the file $BC_BENCH_REC in
 * the order they ran; bench_renew replays them through bare SQLite on a
 * copy of the database as it was before (same rows, same commits). It also
 * counts statement executions (reads too) and commits, which it appends as
 * one 'E' record when the process exits. Reading statements are counted,
 * not recorded. Test code: never linked into billcenter.
 *
 * Records (native byte order, the replay runs on the same machine):
 *   'Q' u32 id, u32 len, sql   a statement text, the first time it is seen
 *   'B' u32 id, u32 index, value   a parameter bound on a write statement
 *   'C' u32 id                 its parameters cleared
 *   'S' u32 id                 executed (stepped to the end)
 *   'X' u32 len, sql           sqlite3_exec (BEGIN, COMMIT, ROLLBACK)
 *   'E' u64 statements, u64 commits, u64 write statements
 * where a value is 'i' i64 | 'n' | 'd' double | 't' u32 len, bytes. */
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SLOTS 4096   /* statements alive at once, far more than the store caches */

static FILE *rec;
static bool rec_checked;
static uint64_t n_steps, n_commits, n_writes;
static int in_exec;

struct slot {
    sqlite3_stmt *q;
    const char *sql;   /* sqlite3_sql(q) when the slot was filled */
    uint32_t id;
};
static struct slot slots[SLOTS];
static char *texts[SLOTS];   /* texts[id - 1]: the statement texts seen */
static uint32_t ntexts;

#define REAL(name) \
    static __typeof__(name) *real_##name; \
    if (!real_##name) { \
        *(void **)&real_##name = dlsym(RTLD_NEXT, #name); \
        if (!real_##name) \
            abort(); \
    }

static FILE *recorder(void)
{
    if (!rec_checked) {
        rec_checked = true;
        const char *path = getenv("BC_BENCH_REC");
        if (path && *path && (rec = fopen(path, "wb")) != NULL)
            setvbuf(rec, NULL, _IOFBF, 1 << 20);
    }
    return rec;
}

static void put(const void *p, size_t n)
{
    if (fwrite(p, 1, n, rec) != n)
        abort();   /* a short record would make the floor a lie */
}

static void put_u32(uint32_t v) { put(&v, sizeof v); }

static int count_commit(void *ctx)
{
    (void)ctx;
    n_commits++;
    return 0;
}

/* Whether q is recorded: it writes, or it is transaction control (which
 * sqlite3_stmt_readonly calls read-only: BEGIN, COMMIT, SAVEPOINT ...). */
static bool recorded(sqlite3_stmt *q, const char *sql)
{
    static const char *const control[] = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
                                          "RELEASE"};
    if (!sqlite3_stmt_readonly(q))
        return true;
    while (*sql == ' ' || *sql == '\n')
        sql++;
    for (size_t i = 0; i < sizeof control / sizeof control[0]; i++)
        if (strncasecmp(sql, control[i], strlen(control[i])) == 0)
            return true;
    return false;
}

/* The id of q's text, 0 when it is not recorded (a reading statement);
 * the answer is kept per statement, reads included. */
static uint32_t stmt_id(sqlite3_stmt *q)
{
    if (!recorder())
        return 0;
    const char *sql = sqlite3_sql(q);
    size_t h = ((uintptr_t)q >> 4) % SLOTS;
    for (size_t k = 0; k < SLOTS; k++, h = (h + 1) % SLOTS) {
        struct slot *s = &slots[h];
        if (s->q == q && s->sql == sql)
            return s->id;
        if (s->q == NULL || s->q == q)
            break;
    }
    /* Not seen at this address: find or add its text. */
    uint32_t id = 0;
    if (recorded(q, sql)) {
        for (uint32_t i = 0; i < ntexts && !id; i++)
            if (strcmp(texts[i], sql) == 0)
                id = i + 1;
        if (!id) {
            if (ntexts == SLOTS || !(texts[ntexts] = strdup(sql)))
                abort();
            id = ++ntexts;
            size_t len = strlen(sql);
            put("Q", 1);
            put_u32(id);
            put_u32((uint32_t)len);
            put(sql, len);
        }
    }
    h = ((uintptr_t)q >> 4) % SLOTS;
    for (size_t k = 0; k < SLOTS; k++, h = (h + 1) % SLOTS)
        if (slots[h].q == NULL || slots[h].q == q) {
            slots[h] = (struct slot){q, sql, id};
            return id;
        }
    abort();
}

static void put_bind(sqlite3_stmt *q, int i, char type, const void *v, size_t n)
{
    uint32_t id = stmt_id(q);
    if (!id)
        return;
    put("B", 1);
    put_u32(id);
    put_u32((uint32_t)i);
    put(&type, 1);
    if (type == 't')
        put_u32((uint32_t)n);
    put(v, n);
}

int sqlite3_step(sqlite3_stmt *q)
{
    REAL(sqlite3_step);
    if (!in_exec && !sqlite3_stmt_busy(q)) {
        sqlite3_commit_hook(sqlite3_db_handle(q), count_commit, NULL);
        n_steps++;
        uint32_t id = stmt_id(q);
        if (id) {
            n_writes++;
            put("S", 1);
            put_u32(id);
        }
    }
    return real_sqlite3_step(q);
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **),
                 void *ctx, char **err)
{
    REAL(sqlite3_exec);
    sqlite3_commit_hook(db, count_commit, NULL);
    if (recorder() && strncmp(sql, "PRAGMA", 6) != 0) {
        size_t len = strlen(sql);
        put("X", 1);
        put_u32((uint32_t)len);
        put(sql, len);
        n_steps++;
    }
    in_exec++;
    int rc = real_sqlite3_exec(db, sql, cb, ctx, err);
    in_exec--;
    return rc;
}

int sqlite3_bind_int64(sqlite3_stmt *q, int i, sqlite3_int64 v)
{
    REAL(sqlite3_bind_int64);
    int64_t x = v;
    put_bind(q, i, 'i', &x, sizeof x);
    return real_sqlite3_bind_int64(q, i, v);
}

int sqlite3_bind_int(sqlite3_stmt *q, int i, int v)
{
    REAL(sqlite3_bind_int);
    int64_t x = v;
    put_bind(q, i, 'i', &x, sizeof x);
    return real_sqlite3_bind_int(q, i, v);
}

int sqlite3_bind_double(sqlite3_stmt *q, int i, double v)
{
    REAL(sqlite3_bind_double);
    put_bind(q, i, 'd', &v, sizeof v);
    return real_sqlite3_bind_double(q, i, v);
}

int sqlite3_bind_null(sqlite3_stmt *q, int i)
{
    REAL(sqlite3_bind_null);
    put_bind(q, i, 'n', NULL, 0);
    return real_sqlite3_bind_null(q, i);
}

int sqlite3_bind_text(sqlite3_stmt *q, int i, const char *t, int n, void (*del)(void *))
{
    REAL(sqlite3_bind_text);
    if (t)
        put_bind(q, i, 't', t, n < 0 ? strlen(t) : (size_t)n);
    else
        put_bind(q, i, 'n', NULL, 0);
    return real_sqlite3_bind_text(q, i, t, n, del);
}

int sqlite3_clear_bindings(sqlite3_stmt *q)
{
    REAL(sqlite3_clear_bindings);
    uint32_t id = stmt_id(q);
    if (id) {
        put("C", 1);
        put_u32(id);
    }
    return real_sqlite3_clear_bindings(q);
}

int sqlite3_finalize(sqlite3_stmt *q)
{
    REAL(sqlite3_finalize);
    size_t h = ((uintptr_t)q >> 4) % SLOTS;
    for (size_t k = 0; q && k < SLOTS; k++, h = (h + 1) % SLOTS) {
        if (slots[h].q == NULL)
            break;
        if (slots[h].q == q) {
            /* Keep the probe chain whole: a tombstone that matches nothing. */
            slots[h].sql = NULL;
            break;
        }
    }
    return real_sqlite3_finalize(q);
}

__attribute__((destructor)) static void rec_done(void)
{
    if (!recorder())
        return;
    uint64_t v[3] = {n_steps, n_commits, n_writes};
    put("E", 1);
    put(v, sizeof v);
    fclose(rec);
    rec = NULL;
}
