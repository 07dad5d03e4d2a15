/* access.c — operator identity from the Unix account (access.h). $USER and
 * $LOGNAME are never consulted: anyone can set them. */
#include "access.h"

#include <crypt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

bool access_unix_name(char *out, size_t size)
{
    const struct passwd *pw = getpwuid(getuid());

    if (!pw || !pw->pw_name || !pw->pw_name[0] || strlen(pw->pw_name) >= size)
        return false;
    memcpy(out, pw->pw_name, strlen(pw->pw_name) + 1);
    return true;
}

void access_origin(const char *fallback, char *out, size_t size)
{
    const char *ssh = getenv("SSH_CLIENT");

    snprintf(out, size, "%s", ssh && ssh[0] ? ssh : fallback);
}

static bool count_operator(void *ctx, const char *name, enum store_operator_role role)
{
    (void)name;
    (void)role;
    ++*(long *)ctx;
    return true;
}

/* A database nobody administers yet belongs to whoever owns its file. */
static bool owns_file(const char *path)
{
    struct stat sb;

    return path && stat(path, &sb) == 0 && sb.st_uid == getuid();
}

enum bc_status access_operator(struct store *s, const char *db_path, struct billing_actor *out)
{
    enum bc_status st;
    enum store_operator_role role;
    long count = 0;

    memset(out, 0, sizeof *out);
    out->kind = BILLING_ACTOR_OPERATOR;
    access_origin("local", out->origin, sizeof out->origin);
    if (!access_unix_name(out->name, sizeof out->name))
        return BC_UNKNOWN_USER;

    st = store_operator_get(s, out->name, &role);
    if (st == BC_OK) {
        out->op_role = role;
        return BC_OK;
    }
    if (st != BC_NOT_FOUND)
        return st;

    /* A database nobody administers yet belongs to whoever owns its file. */
    st = store_operator_each(s, count_operator, &count);
    if (st != BC_OK)
        return st;
    if (count == 0 && owns_file(db_path)) {
        out->op_role = STORE_OP_ADMIN;
        return BC_OK;
    }
    return BC_UNKNOWN_USER;
}

void access_kiosk(struct billing_actor *out)
{
    memset(out, 0, sizeof *out);
    out->kind = BILLING_ACTOR_CONTACT;
    out->contact_id = 0;
    access_origin("kiosk", out->origin, sizeof out->origin);
}

const char *access_role_name(enum store_operator_role role)
{
    switch (role) {
    case STORE_OP_ADMIN: return "admin";
    case STORE_OP_OPERATOR: return "operator";
    case STORE_OP_READONLY: return "readonly";
    }
    return "unknown";
}

/* ==== kiosk sign-in, PINs, operator management ========================
 *
 * PINs are kept only as yescrypt hashes (libxcrypt). A sign-in does the same
 * hashing work whether or not the e-mail exists, and answers an unknown
 * e-mail exactly as a wrong PIN, so the kiosk never tells who is a
 * customer. Operator changes and PIN changes are decided here, not in the
 * command line, and each attempt is one audit row. */

/* A yescrypt hash (default cost, like every stored PIN) of a PIN nobody
 * has: unknown e-mails are checked against it so they cost the same time. */
static const char dummy_hash[] =
    "$y$j9T$Jb.eIozD2RJyzQGhljgXx0$4al/U26tLtH8wwLqEX0gf0CkF9N9DbssEq2aPe4l8/6";

bool access_wipe(void *p, size_t n)
{
    if (!p)
        return n == 0;
    explicit_bzero(p, n);
    return true;
}

bool access_pin_valid(const char *pin)
{
    size_t n = 0;

    if (!pin)
        return false;
    for (; pin[n]; n++)
        if (pin[n] < '0' || pin[n] > '9')
            return false;
    return n >= 4 && n <= 12;
}

enum bc_status access_pin_hash(const char *pin, char *out, size_t size)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data *cd;
    const char *h;
    enum bc_status st = BC_IO_ERROR;

    if (!out || size == 0 || !access_pin_valid(pin))
        return BC_INVALID_ARGUMENT;
    out[0] = '\0';
    if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt))
        return BC_IO_ERROR;
    cd = calloc(1, sizeof *cd);
    if (!cd)
        return BC_NO_MEMORY;
    h = crypt_rn(pin, salt, cd, sizeof *cd);
    if (h && h[0] == '$') {
        if (strlen(h) < size) {
            memcpy(out, h, strlen(h) + 1);
            st = BC_OK;
        } else {
            st = BC_INVALID_ARGUMENT;
        }
    }
    access_wipe(cd, sizeof *cd);
    free(cd);
    return st;
}

/* Equal strings, compared in time that depends on the lengths only. */
static bool same_secret(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    volatile unsigned char diff = (unsigned char)(na != nb);

    for (size_t i = 0; i < na; i++)
        diff |= (unsigned char)(a[i] ^ (nb ? b[i % nb] : 0));
    return diff == 0;
}

/* Whether `pin` hashes to `hash` (a yescrypt or any crypt(5) hash). */
static bool pin_matches(const char *pin, const char *hash)
{
    struct crypt_data *cd = calloc(1, sizeof *cd);
    const char *h;
    bool ok = false;

    if (!cd)
        return false;
    h = crypt_rn(pin ? pin : "", hash, cd, sizeof *cd);
    if (h && h[0] == '$')
        ok = same_secret(h, hash);
    access_wipe(cd, sizeof *cd);
    free(cd);
    return ok;
}

/* The e-mail as typed, fit for an audit row: at most 254 bytes, cut on a
 * UTF-8 boundary, control bytes shown as '?'. */
static void typed_email(const char *email, char out[255])
{
    size_t n = email ? strlen(email) : 0;

    if (n > 254) {
        n = 254;
        while (n > 0 && ((unsigned char)email[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)email[i];
        out[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    out[n] = '\0';
}

static char *json_text(json_t *j)
{
    char *t = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

    json_decref(j);
    return t;
}

/* One audit row. `before`/`after` are JSON text or NULL (borrowed). */
static enum bc_status audit_row(struct store *s, int64_t at, const char *actor, const char *origin,
                                int64_t account_id, const char *action, const char *before,
                                const char *after, enum bc_status result)
{
    struct store_audit_entry e;

    memset(&e, 0, sizeof e);
    e.at = at;
    e.actor = actor;
    e.origin = origin;
    e.account_id = account_id;
    e.action = action;
    e.before = before;
    e.after = after;
    e.result = bc_status_code(result);
    return store_audit_append(s, &e);
}

/* Ends a change whose audit row `ast` (its status) was written inside the
 * change's own transaction: commit when the row is in, roll back when it
 * is not. A failed change wrote nothing, so its row is kept all the same.
 * The change's own failure wins over the audit's. */
static enum bc_status audited_end(struct store *s, bool in_tx, enum bc_status st, enum bc_status ast)
{
    if (in_tx) {
        if (ast == BC_OK)
            ast = store_commit(s);
        else
            store_rollback(s);
    }
    return st == BC_OK && ast != BC_OK ? ast : st;
}

static char *lock_state_json(int failed, int64_t locked_until)
{
    return json_text(json_pack("{s:i, s:I}", "failed_attempts", failed, "locked_until",
                               (json_int_t)locked_until));
}

/* The key failures are counted on: the e-mail as typed without the blanks
 * around it, ASCII letters lowercased (as the contacts' NOCASE match), at
 * most 254 bytes cut on a UTF-8 boundary. Control bytes are kept: the key
 * is bound as text, never shown. */
static void email_key(const char *email, char out[255])
{
    static const char blanks[] = " \t\n\v\f\r";
    const char *p = email ? email : "";
    size_t n;

    while (*p && strchr(blanks, *p))
        p++;
    n = strlen(p);
    while (n > 0 && strchr(blanks, p[n - 1]))
        n--;
    if (n > 254) {
        n = 254;
        while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') : p[i];
    out[n] = '\0';
}

/* The sign-in's decision for the e-mail `key`, known or not, taken on its
 * count as it is inside the write transaction (another kiosk may have
 * counted a failure meanwhile). Updates the count; returns the attempt's
 * status. */
static enum bc_status count_attempt(struct store *s, const char *key, bool pin_ok, int64_t now,
                                    char **before, char **after)
{
    int failed;
    int64_t until;
    enum bc_status st = store_sign_in_get(s, key, &failed, &until);

    if (st != BC_OK)
        return st;
    *before = lock_state_json(failed, until);
    if (until > now) {
        /* Locked: even the right PIN is refused, and the lock stays as it is. */
        *after = lock_state_json(failed, until);
        return BC_LOCKED;
    }
    if (until != 0)
        failed = 0;                     /* a lock that ran out: the count restarts */
    st = store_sign_in_prune(s, now);
    if (st != BC_OK)
        return st;
    if (pin_ok) {
        *after = lock_state_json(0, 0);
        return store_sign_in_clear(s, key);
    }
    failed++;
    until = failed >= ACCESS_MAX_FAILURES ? now + ACCESS_LOCK_SECONDS : 0;
    *after = lock_state_json(failed, until);
    st = store_sign_in_put(s, key, failed, until);
    if (st != BC_OK)
        return st;
    return until != 0 ? BC_LOCKED : BC_SIGN_IN_FAILED;
}

enum bc_status access_sign_in(struct store *s, const char *email, const char *pin, int64_t now,
                              struct billing_actor *out)
{
    struct store_contact c;
    char typed[255], key[255], origin[128];
    char *before = NULL, *after = NULL;
    int64_t account = 0;
    bool known, pin_ok;
    enum bc_status st, ast;

    access_kiosk(out);
    memset(&c, 0, sizeof c);
    typed_email(email, typed);
    email_key(email, key);
    access_origin("kiosk", origin, sizeof origin);
    if (!s)
        return BC_INVALID_ARGUMENT;

    st = store_contact_by_email(s, key, &c);
    if (st != BC_OK && st != BC_NOT_FOUND) {
        audit_row(s, now, typed, origin, 0, "kiosk.sign_in", NULL, NULL, st);
        goto done;
    }
    known = st == BC_OK && c.pin_hash && c.pin_hash[0];
    if (known)
        account = c.account_id;

    /* The same work for every e-mail, known or not, locked or not; slow, so
     * before the write lock. */
    pin_ok = pin_matches(pin, known ? c.pin_hash : dummy_hash) && known;

    st = store_begin(s);
    if (st != BC_OK) {
        audit_row(s, now, typed, origin, account, "kiosk.sign_in", NULL, NULL, st);
        goto done;
    }
    st = count_attempt(s, key, pin_ok, now, &before, &after);
    if (st != BC_OK && !bc_status_is_refusal(st)) {
        store_rollback(s);
        audit_row(s, now, typed, origin, account, "kiosk.sign_in", NULL, NULL, st);
        goto done;
    }
    ast = audit_row(s, now, typed, origin, account, "kiosk.sign_in", before, after, st);
    if (ast == BC_OK)
        ast = store_commit(s);
    else
        store_rollback(s);
    if (ast != BC_OK) {
        /* Nothing was counted: say so rather than let a failure go unrecorded. */
        st = ast;
        goto done;
    }
    if (st == BC_OK) {
        out->contact_id = c.id;
        snprintf(out->name, sizeof out->name, "%s", c.email ? c.email : "");
    }
done:
    free(before);
    free(after);
    store_contact_clear(&c);
    return st;
}

/* ---- operators ---- */

bool access_role_parse(const char *text, enum store_operator_role *out)
{
    static const enum store_operator_role roles[] = {STORE_OP_ADMIN, STORE_OP_OPERATOR,
                                                     STORE_OP_READONLY};

    for (size_t i = 0; text && i < sizeof roles / sizeof roles[0]; i++) {
        if (strcmp(text, access_role_name(roles[i])) == 0) {
            *out = roles[i];
            return true;
        }
    }
    return false;
}

enum bc_status access_admin(struct store *s, const char *db_path, struct billing_actor *out)
{
    enum store_operator_role role;
    int64_t admins;
    bool is_operator;
    enum bc_status st;

    memset(out, 0, sizeof *out);
    out->kind = BILLING_ACTOR_OPERATOR;
    out->op_role = STORE_OP_READONLY;
    access_origin("local", out->origin, sizeof out->origin);
    if (!access_unix_name(out->name, sizeof out->name)) {
        snprintf(out->name, sizeof out->name, "uid %ld", (long)getuid());
        return BC_UNKNOWN_USER;
    }
    st = store_operator_get(s, out->name, &role);
    if (st != BC_OK && st != BC_NOT_FOUND)
        return st;
    is_operator = st == BC_OK;
    if (is_operator)
        out->op_role = role;
    if (is_operator && role == STORE_OP_ADMIN)
        return BC_OK;
    admins = store_operator_admin_count(s);
    if (admins < 0)
        return BC_DB_ERROR;
    /* A database nobody administers yet belongs to whoever owns its file. */
    if (admins == 0 && owns_file(db_path)) {
        out->op_role = STORE_OP_ADMIN;
        return BC_OK;
    }
    return is_operator ? BC_NOT_ADMIN : BC_UNKNOWN_USER;
}

static char *operator_json(const char *name, const enum store_operator_role *role)
{
    return json_text(json_pack("{s:s, s:s?}", "operator", name ? name : "", "role",
                               role ? access_role_name(*role) : NULL));
}

/* The change itself, inside the transaction; before and after describe it. */
static enum bc_status operator_change(struct store *s, const char *db_path, const char *name,
                                      const enum store_operator_role *role,
                                      struct billing_actor *actor, char **before, char **after)
{
    enum store_operator_role old;
    bool existed;
    int64_t admins;
    enum bc_status st = access_admin(s, db_path, actor);

    if (st != BC_OK)
        return st;
    if (!name || !*name || strlen(name) >= sizeof actor->name)
        return BC_INVALID_ARGUMENT;
    st = store_operator_get(s, name, &old);
    if (st != BC_OK && st != BC_NOT_FOUND)
        return st;
    existed = st == BC_OK;
    *before = existed ? operator_json(name, &old) : NULL;
    if (role && !getpwnam(name))
        return BC_NOT_FOUND;          /* not a Unix account here */
    if (!role && !existed)
        return BC_NOT_FOUND;          /* not an operator */
    if (existed && old == STORE_OP_ADMIN && (!role || *role != STORE_OP_ADMIN)) {
        admins = store_operator_admin_count(s);
        if (admins < 0)
            return BC_DB_ERROR;
        if (admins <= 1)
            return BC_LAST_ADMIN;
    }
    *after = role ? operator_json(name, role) : NULL;
    return role ? store_operator_put(s, name, *role) : store_operator_remove(s, name);
}

/* add (role given) or remove (role NULL), with its one audit row written in
 * the same transaction as the change (a refusal writes the row alone). */
static enum bc_status operator_attempt(struct store *s, const char *db_path, const char *name,
                                       const enum store_operator_role *role)
{
    const char *action = role ? "operator.add" : "operator.remove";
    struct billing_actor actor;
    char *before = NULL, *after = NULL;
    int64_t now = (int64_t)time(NULL);
    bool in_tx;
    enum bc_status st, ast;

    if (!s)
        return BC_INVALID_ARGUMENT;
    memset(&actor, 0, sizeof actor);
    st = store_begin(s);
    in_tx = st == BC_OK;
    if (in_tx)
        st = operator_change(s, db_path, name, role, &actor, &before, &after);
    if (!actor.name[0] && !access_unix_name(actor.name, sizeof actor.name))
        snprintf(actor.name, sizeof actor.name, "uid %ld", (long)getuid());
    if (!actor.origin[0])
        access_origin("local", actor.origin, sizeof actor.origin);
    if (!after && st != BC_OK)
        after = operator_json(name, role);   /* what was asked for */
    ast = audit_row(s, now, actor.name, actor.origin, 0, action, before, after, st);
    st = audited_end(s, in_tx, st, ast);
    free(before);
    free(after);
    return st;
}

enum bc_status access_operator_add(struct store *s, const char *db_path, const char *unix_name,
                                   enum store_operator_role role)
{
    return operator_attempt(s, db_path, unix_name, &role);
}

enum bc_status access_operator_remove(struct store *s, const char *db_path, const char *unix_name)
{
    return operator_attempt(s, db_path, unix_name, NULL);
}

/* ---- PINs set by operators ---- */

enum bc_status access_may_set_pin(const struct billing_actor *actor)
{
    if (!actor || actor->kind != BILLING_ACTOR_OPERATOR)
        return BC_NOT_ADMIN;
    return actor->op_role == STORE_OP_READONLY ? BC_READONLY_OPERATOR : BC_OK;
}

enum bc_status access_contact_set_pin(struct store *s, const struct billing_actor *actor,
                                      int64_t contact_id, const char *pin)
{
    struct store_contact c;
    char hash[ACCESS_PIN_HASH_SIZE];
    char actor_name[300], origin[128];
    char *before = NULL, *after = NULL;
    bool in_tx = false;
    enum bc_status st, may, ast;

    if (!s || !actor)
        return BC_INVALID_ARGUMENT;
    memset(&c, 0, sizeof c);
    hash[0] = '\0';
    if (actor->kind == BILLING_ACTOR_CONTACT)
        snprintf(actor_name, sizeof actor_name, "contact:%lld %s", (long long)actor->contact_id,
                 actor->name);
    else
        snprintf(actor_name, sizeof actor_name, "%s", actor->name);
    snprintf(origin, sizeof origin, "%s", actor->origin[0] ? actor->origin : "local");

    st = store_contact_get(s, contact_id, &c);
    if (st == BC_OK)
        before = json_text(json_pack("{s:I, s:s, s:b}", "contact_id", (json_int_t)c.id, "email",
                                     c.email ? c.email : "", "pin_set",
                                     c.pin_hash && c.pin_hash[0]));
    else if (st != BC_NOT_FOUND)
        goto audit;
    may = access_may_set_pin(actor);
    if (may != BC_OK) {
        st = may;                       /* rights before anything else is said */
        goto audit;
    }
    if (st != BC_OK)
        goto audit;
    if (!access_pin_valid(pin)) {
        st = BC_INVALID_ARGUMENT;
        goto audit;
    }
    st = access_pin_hash(pin, hash, sizeof hash);   /* slow: before the write lock */
    if (st == BC_OK)
        st = store_begin(s);
    if (st != BC_OK)
        goto audit;
    in_tx = true;
    st = store_contact_set_pin(s, contact_id, hash);
    if (st == BC_OK) {
        /* A new PIN also lifts the lock on the contact's e-mail. */
        char key[255];
        email_key(c.email, key);
        st = store_sign_in_clear(s, key);
    }
    if (st == BC_OK)
        after = json_text(json_pack("{s:I, s:b, s:i, s:i}", "contact_id", (json_int_t)contact_id,
                                    "pin_set", 1, "failed_attempts", 0, "locked_until", 0));
audit:
    ast = audit_row(s, (int64_t)time(NULL), actor_name, origin, c.account_id, "contact.set_pin",
                    before, after, st);
    st = audited_end(s, in_tx, st, ast);
    access_wipe(hash, sizeof hash);
    free(before);
    free(after);
    store_contact_clear(&c);
    return st;
}
