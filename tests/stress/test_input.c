/* test_input.c — hostile input, the parts without a terminal: invalid
 * UTF-8, control bytes and 10,000-character names stored in the database
 * (accounts, contacts, users, an audit row whose JSON is not JSON) are
 * shown by `account show`, `orders`, `audit` and `quote` without a crash
 * and as valid JSON; and hostile values — SQL metacharacters (' " % _ \ ;
 * --), invalid UTF-8, 10,000 characters — in every text option of the
 * command line give clean errors (exit 1, 2 or 3, one line for 1 and 3,
 * valid JSON with --json) and change nothing. Idempotency keys are matched
 * exactly, never as a pattern ('_' is allowed in a key and is no wildcard).
 *
 * On either engine ($BC_TEST_ENGINE, through testdb). Invalid UTF-8 can be
 * stored only in SQLite (PostgreSQL refuses it in a UTF8 database); there
 * the stored garbage is escape sequences and control characters, which are
 * valid UTF-8.
 *
 * argv: BILLCENTER. $BC_TEST_WRAPPER (valgrind) is honoured. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress.h"
#include "testdb.h"

static const char *dir;
static char db[512];
static const char *const no_audit[] = {"audit", NULL};

#define LONG_NAME_CHARS 10000

/* Characters (not bytes) of a UTF-8 string. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* A valid JSON document (jansson rejects invalid UTF-8). */
static json_t *parse(const char *text)
{
    return json_loads(text, JSON_DECODE_ANY, NULL);
}

/* ------------------------------------------------------------ stored */

static void stored_names(void)
{
    struct stress_run r;
    json_t *j;
    /* 10,000 characters of which 2,000 take two bytes (é). */
    char *sql = malloc(LONG_NAME_CHARS * 2 + 1024), *p;

    p = sql + sprintf(sql, "UPDATE accounts SET name = '");
    for (int i = 0; i < LONG_NAME_CHARS; i++)
        p += sprintf(p, "%s", i % 5 == 0 ? "\xc3\xa9" : (i % 7 == 0 ? "''" : "n"));
    sprintf(p, "' WHERE id = 11;");
    bool ok = stress_sql_exec(db, sql);
    p = sql + sprintf(sql, "UPDATE contacts SET name = '");
    for (int i = 0; i < LONG_NAME_CHARS; i++)
        *p++ = (char)('a' + i % 26);
    sprintf(p, "' WHERE id = (SELECT billing_contact_id FROM accounts WHERE id = 11);");
    ok = ok && stress_sql_exec(db, sql);
    free(sql);
    /* Invalid UTF-8 (a lone continuation byte, an overlong form, a
     * truncated sequence, 0xff), an escape sequence and a NUL-free control
     * byte; names of an account, its billing contact and a user; a VAT
     * number; and an audit row whose JSON is neither JSON nor UTF-8. On
     * PostgreSQL the same places get what a UTF8 database holds: escape
     * sequences, BEL, the 8-bit CSI (U+009B) and a right-to-left override. */
    if (testdb_engine() == TESTDB_PG)
        ok = ok && stress_sql_exec(db,
            "UPDATE accounts SET name = 'Esposito\x1b[31m\x07\xc2\x9b" "2JB' WHERE id = 12;"
            "UPDATE contacts SET name = '\xe2\x80\xaeName\x1b]0;pwned\x07', "
            "email = 'mail\x1b[5m@x.it' "
            "WHERE id = (SELECT billing_contact_id FROM accounts WHERE id = 12);"
            "UPDATE users SET name = 'User\x1b[2J\x08' WHERE account_id = 12;"
            "UPDATE accounts SET vat_number = 'IT\x1b[0m00' WHERE id = 13;"
            "INSERT INTO audit(at, actor, origin, account_id, action, before_json, after_json, "
            "result) VALUES(0, 'root\x1b[2J', 'local', 12, 'order.place', '{not json', "
            "'{\"a\":\x1b}', 'ok');");
    else
        ok = ok && stress_sql_exec(db,
        "UPDATE accounts SET name = CAST(X'4573706f7369746f80c0afe282ff1b5b33316d0742' AS TEXT) "
        "WHERE id = 12;"
        "UPDATE contacts SET name = CAST(X'ff4e616d65c3' AS TEXT), "
        "email = CAST(X'6d61696cff40782e6974' AS TEXT) "
        "WHERE id = (SELECT billing_contact_id FROM accounts WHERE id = 12);"
        "UPDATE users SET name = CAST(X'5573657280ff' AS TEXT) WHERE account_id = 12;"
        "UPDATE accounts SET vat_number = CAST(X'4954ff3030' AS TEXT) WHERE id = 13;"
        "INSERT INTO audit(at, actor, origin, account_id, action, before_json, after_json, result) "
        "VALUES(0, CAST(X'726f6f74ff' AS TEXT), 'local', 12, 'order.place', '{not json', "
        "CAST(X'7b2261223aff7d' AS TEXT), 'ok');");
    tap_ok(ok, "stored: a 10,000-character account and contact name, invalid UTF-8 and escape "
           "sequences in names, e-mail, VAT number and audit");

    STRESS_RUN(&r, dir, db, "account", "show", "11", "--json");
    j = parse(r.out);
    const char *name = json_string_value(json_object_get(j, "name"));
    const char *contact = json_string_value(json_object_get(json_object_get(j, "billing_contact"),
                                                            "name"));
    tap_ok(r.code == 0 && j && utf8_chars(name) == LONG_NAME_CHARS && contact &&
           strlen(contact) == LONG_NAME_CHARS,
           "account show --json: the 10,000-character names come out whole (exit %d, %zu "
           "characters)", r.code, utf8_chars(name));
    json_decref(j);
    stress_run_clear(&r);
    STRESS_RUN(&r, dir, db, "account", "show", "11");
    tap_ok(r.code == 0 && strlen(r.out) > LONG_NAME_CHARS, "account show (text) with the long "
           "name: exit %d", r.code);
    stress_run_clear(&r);

    for (int id = 12; id <= 13; id++) {
        char acc[8];
        snprintf(acc, sizeof acc, "%d", id);
        STRESS_RUN(&r, dir, db, "account", "show", acc, "--json");
        j = parse(r.out);
        tap_ok(r.code == 0 && j && json_is_string(json_object_get(j, "name")),
               "account show %d --json with invalid UTF-8 stored: exit %d, valid JSON", id, r.code);
        if (id == 12)
            tap_ok(j && strncmp(json_string_value(json_object_get(j, "name")), "Esposito", 8) == 0,
                   "  the name keeps its valid part");
        json_decref(j);
        stress_run_clear(&r);
        STRESS_RUN(&r, dir, db, "account", "show", acc);
        tap_ok(r.code == 0 && !strchr(r.out, '\x1b'), "account show %d (text): exit %d, no raw "
               "escape byte reaches the terminal", id, r.code);
        stress_run_clear(&r);
        STRESS_RUN(&r, dir, db, "quote", "--account", acc, "--product", id == 12 ?
                   "gotomeeting" : "gotowebinar", "--to-seats", "9", "--json");
        j = parse(r.out);
        /* A product the account lacks is a new subscription: without
         * --to-plan that is a usage error naming it (SPEC §6: exit 2). */
        bool usage = r.code == 2 && strstr(r.err, "--to-plan") != NULL;
        const char *nl = strchr(r.err, '\n');
        tap_ok((r.code == 0 || r.code == 3 || usage || (r.code == 1 && stress_one_line(r.err))) &&
               (r.code == 1 || usage || j), "quote --account %d --json: exit %d, %.*s", id, r.code,
               j ? 10 : nl ? (int)(nl - r.err) : (int)strlen(r.err), j ? "valid JSON" : r.err);
        json_decref(j);
        stress_run_clear(&r);
    }

    /* Orders on both accounts, then the histories. */
    STRESS_RUN(&r, dir, db, "order", "place", "--account", "11", "--product", "gotomeeting",
               "--to-plan", "enterprise", "--to-seats", "20", "--to-period", "monthly",
               "--idempotency-key", "long-name-1", "--card", "4242424242424242", "--card-exp",
               "12/30", "--json");
    tap_ok(r.code == 0, "order place on the long-named account: exit %d %s", r.code, r.err);
    stress_run_clear(&r);
    STRESS_RUN(&r, dir, db, "order", "place", "--account", "12", "--product", "gotomeeting",
               "--to-plan", "enterprise", "--to-seats", "20", "--to-period", "monthly",
               "--idempotency-key", "bad-utf8-1", "--card", "4242424242424242", "--card-exp",
               "12/30", "--json");
    tap_ok(r.code == 0 || r.code == 3, "order place on the invalid-UTF-8 account: exit %d %s",
           r.code, r.err);
    stress_run_clear(&r);
    const char *const cmds[][5] = {
        {"orders", "11", "--json", NULL}, {"orders", "12", "--json", NULL},
        {"audit", "--account", "12", "--json", NULL}, {"audit", "--json", NULL},
        {"audit", "--account", "11", "--json", NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        STRESS_RUN(&r, dir, db, cmds[i][0], cmds[i][1], cmds[i][2], cmds[i][3], cmds[i][4]);
        j = parse(r.out);
        tap_ok(r.code == 0 && json_is_array(j) && json_array_size(j) > 0, "%s %s %s: exit %d, "
               "valid JSON with %zu entries", cmds[i][0], cmds[i][1], cmds[i][2], r.code,
               json_array_size(j));
        json_decref(j);
        stress_run_clear(&r);
    }
    STRESS_RUN(&r, dir, db, "audit", "--account", "12");
    tap_ok(r.code == 0 && !strchr(r.out, '\x1b'), "audit (text) with stored garbage: exit %d",
           r.code);
    stress_run_clear(&r);
}

/* ------------------------------------------------------------ typed */

static const char *hostile[] = {
    "' OR '1'='1", "\"; DROP TABLE orders; --", "%", "_", "\\", "x;y", "--", "11'--",
    "gotomeeting%", "business_", "\xff\xfe", "\xc0\xaf", "\x1b[2J", NULL /* long: below */,
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

struct tally {
    int runs, crashes, unclean, accepted, badjson;
};

static void check_run(struct tally *t, const struct stress_run *r, bool json, const char *what,
                      const char *value)
{
    char shown[64] = "";
    size_t n = 0;

    for (const char *c = value; *c && n < 32; c++)
        n += (size_t)snprintf(shown + n, sizeof shown - n, (unsigned char)*c < 0x20 ||
                              (unsigned char)*c > 0x7e ? "\\x%02x" : "%c", (unsigned char)*c);
    if (strlen(value) > 30)
        snprintf(shown + 16, sizeof shown - 16, "...(%zu bytes)", strlen(value));
    t->runs++;
    if (r->code < 0 || r->code >= 128) {
        t->crashes++;
        tap_diag("%s '%s': exit %d: %s", what, shown, r->code, r->err);
    } else if (r->code == 0) {
        t->accepted++;
        tap_diag("%s '%s': accepted (exit 0)", what, shown);
    } else if ((r->code == 1 || r->code == 3) ? !stress_one_line(r->err) : !*r->err) {
        t->unclean++;
        tap_diag("%s '%s': exit %d without one clear line: %.300s", what, shown, r->code, r->err);
    } else if (json && r->code == 3 && !parse(r->out)) {
        t->badjson++;
        tap_diag("%s '%s': exit 3 without valid JSON", what, shown);
    }
}

/* Runs base with argument slot `slot` replaced by each hostile value. */
static void each_value(struct tally *t, const char *what, const char **base, int slot, bool json,
                       bool use_db)
{
    const char *saved = base[slot];
    char *longv = malloc(LONG_NAME_CHARS + 1);

    memset(longv, 'a', LONG_NAME_CHARS);
    longv[LONG_NAME_CHARS] = '\0';
    static int serial;
    char key[32];
    int key_slot = -1;

    /* A fresh key per run: one accepted value must not turn the rest into
     * replays of its order. */
    for (int k = 0; base[k]; k++)
        if (strcmp(base[k], "--idempotency-key") == 0 && k + 1 != slot)
            key_slot = k + 1;
    for (size_t i = 0; i < NHOSTILE; i++) {
        struct stress_run r;
        base[slot] = hostile[i] ? hostile[i] : longv;
        snprintf(key, sizeof key, "hostile-%d", ++serial);
        if (key_slot >= 0)
            base[key_slot] = key;
        stress_run(&r, dir, use_db ? db : NULL, base);
        check_run(t, &r, json, what, base[slot]);
        stress_run_clear(&r);
    }
    base[slot] = saved;
    if (key_slot >= 0)
        base[key_slot] = "hostile-key";
    free(longv);
}

static void typed_values(void)
{
    struct tally t = {0};
    uint64_t rows = stress_db_hash(db, no_audit);
    int64_t oks = stress_sql_int(db, "SELECT count(*) FROM audit WHERE result = 'ok'", -1);

    const char *place[] = {"order", "place", "--account", "11", "--product", "gotomeeting",
                           "--to-plan", "enterprise", "--to-seats", "21", "--to-period", "monthly",
                           "--idempotency-key", "hostile-key", "--card", "4242424242424242",
                           "--card-exp", "12/30", "--vat-number", "NL123456789B01", "--country",
                           "NL", "--json", NULL};
    const char *opts[] = {"--account", "--product", "--to-plan", "--to-seats", "--to-period",
                          "--idempotency-key", "--card", "--card-exp", "--vat-number",
                          "--country"};
    for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++)
        for (int k = 0; place[k]; k++)
            if (strcmp(place[k], opts[o]) == 0) {
                char what[64];
                snprintf(what, sizeof what, "order place %s", opts[o]);
                each_value(&t, what, place, k + 1, true, true);
            }

    const char *quote_acc[] = {"quote", "--account", "11", "--product", "gotomeeting",
                               "--to-plan", "enterprise", "--to-seats", "21", "--to-period",
                               "monthly", "--json", NULL};
    for (int k = 1; k < 11; k += 2)
        each_value(&t, "quote (account)", quote_acc, k + 1, true, true);

    const char *quote_x[] = {"quote", "--from-plan", "professional", "--from-seats", "5",
                             "--from-period", "monthly", "--period-start", "2026-11-10",
                             "--period-end", "2026-12-10", "--product", "gotomeeting",
                             "--to-plan", "business", "--to-seats", "5", "--to-period",
                             "monthly", "--date", "2026-11-25", "--country", "IT",
                             "--vat-number", "IT00743110157", "--currency", "EUR", "--billed",
                             "6000", "--balance", "2000", "--json", NULL};
    for (int k = 1; quote_x[k + 1] && strcmp(quote_x[k], "--json") != 0; k += 2)
        each_value(&t, "quote (explicit)", quote_x, k + 1, true, false);

    const char *show[] = {"account", "show", "11", "--json", NULL};
    each_value(&t, "account show", show, 2, false, true);
    const char *orders[] = {"orders", "11", "--json", NULL};
    each_value(&t, "orders", orders, 1, false, true);
    const char *audit[] = {"audit", "--account", "11", "--since", "2026-01-01", "--json", NULL};
    each_value(&t, "audit --account", audit, 2, false, true);
    each_value(&t, "audit --since", audit, 4, false, true);
    const char *global[] = {"--lang", "en", "account", "show", "11", NULL};
    each_value(&t, "--lang", global, 1, false, true);
    const char *date[] = {"--date", "2026-11-25", "account", "show", "11", NULL};
    each_value(&t, "--date", date, 1, false, true);

    tap_diag("%d runs with hostile values in every text option", t.runs);
    tap_ok(t.crashes == 0, "no crash (%d)", t.crashes);
    tap_ok(t.accepted == 0, "no hostile value accepted (%d)", t.accepted);
    tap_ok(t.unclean == 0, "every refusal is clean: exit 2 with usage, or exit 1/3 with one line "
           "(%d not)", t.unclean);
    tap_ok(t.badjson == 0, "refusals under --json print valid JSON (%d not)", t.badjson);
    tap_ok(stress_db_hash(db, no_audit) == rows &&
           stress_sql_int(db, "SELECT count(*) FROM audit WHERE result = 'ok'", -1) == oks,
           "nothing changed: every business row as before, no success audited");
    int tables = 0;
    static const char *const names[] = {"orders", "ledger", "audit", "accounts"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", names[i]);
        tables += stress_sql_int(db, sql, -1) >= 0;
    }
    tap_ok(tables == 4, "every table is still there");
}

/* '_' and '.' are allowed in keys; they must match only themselves. */
static void exact_keys(void)
{
    struct stress_run r;
    const char *keys[] = {"a_b", "axb", "a.b", "aab", "A_B"};
    int64_t before = stress_sql_int(db, "SELECT count(*) FROM orders", -1);
    int zero = 0;

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char seats[8];
        snprintf(seats, sizeof seats, "%zu", 22 + i);
        STRESS_RUN(&r, dir, db, "order", "place", "--account", "11", "--product", "gotomeeting",
                   "--to-plan", "enterprise", "--to-seats", seats, "--to-period", "monthly",
                   "--idempotency-key", keys[i], "--card", "4242424242424242", "--card-exp",
                   "12/30", "--json");
        json_t *j = parse(r.out);
        zero += r.code == 0 && j && !json_is_true(json_object_get(j, "replayed"));
        json_decref(j);
        stress_run_clear(&r);
    }
    tap_ok(zero == 5 && stress_sql_int(db, "SELECT count(*) FROM orders", -1) == before + 5,
           "keys a_b, axb, a.b, aab, A_B are five orders, none a replay of another (%d new)", zero);
    char key[200];
    memset(key, 'k', 129);
    key[129] = '\0';
    STRESS_RUN(&r, dir, db, "order", "place", "--account", "11", "--product", "gotomeeting",
               "--to-plan", "enterprise", "--to-seats", "30", "--to-period", "monthly",
               "--idempotency-key", key);
    tap_ok(r.code != 0 && r.code < 128 && *r.err, "a 129-character key is refused (exit %d)",
           r.code);
    stress_run_clear(&r);
    key[128] = '\0';
    STRESS_RUN(&r, dir, db, "order", "place", "--account", "11", "--product", "gotomeeting",
               "--to-plan", "enterprise", "--to-seats", "30", "--to-period", "monthly",
               "--idempotency-key", key, "--card", "4242424242424242", "--card-exp", "12/30");
    tap_ok(r.code == 0, "a 128-character key is accepted (exit %d)", r.code);
    stress_run_clear(&r);
}

int main(int argc, char **argv)
{
    if (!stress_init(argc, argv, true))
        return 2;
    dir = stress_tmpdir("input");
    if (!tap_ok(dir && stress_make_demo(dir, "b.db", db, sizeof db), "demo database"))
        return tap_done();
    stored_names();
    typed_values();
    exact_keys();
    return tap_done();
}
