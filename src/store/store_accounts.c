/* store_accounts.c — the account side of the store, on every engine:
 * accounts, contacts, users, subscriptions and their history, seats, cart,
 * card on file and kiosk sign-in failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* ---------------------------------------------------------------- accounts */

static const struct store_name account_kinds[] = {
    {STORE_ACCOUNT_STANDARD, "standard"}, {STORE_ACCOUNT_CORPORATE, "corporate"},
};

#define ACCOUNT_COLS STORE_ACCOUNT_COLS

void store_account_clear(struct store_account *a)
{
    if (!a)
        return;
    free(a->name);
    free(a->vat_number);
    free(a->legal_name);
    free(a->address);
    free(a->tax_code);
    free(a->pec);
    free(a->sdi_code);
    free(a->street);
    free(a->street_number);
    free(a->postcode);
    free(a->city);
    free(a->province);
    memset(a, 0, sizeof *a);
}

void store_account_list_clear(struct store_account_list *l)
{
    STORE_LIST_CLEAR(l, store_account_clear);
}

enum bc_status store_read_account(struct db_stmt *q, void *item)
{
    struct store_account *a = item;
    bool oom = false;
    memset(a, 0, sizeof *a);
    a->id = db_column_int64(q, 0);
    a->name = store_col_dup(q, 1, &oom);
    a->kind = STORE_NAME_COL(account_kinds, q, 2);
    store_col_copy(q, 3, a->currency, sizeof a->currency);
    store_col_copy(q, 4, a->country, sizeof a->country);
    a->vat_number = store_col_dup(q, 5, &oom);
    a->balance = db_column_int64(q, 6);
    a->billing_contact_id = db_column_int64(q, 7);
    a->balance_version = db_column_int64(q, 8);
    a->legal_name = store_col_dup(q, 9, &oom);
    a->address = store_col_dup(q, 10, &oom);
    a->tax_code = store_col_dup(q, 11, &oom);
    a->pec = store_col_dup(q, 12, &oom);
    a->sdi_code = store_col_dup(q, 13, &oom);
    a->street = store_col_dup(q, 14, &oom);
    a->street_number = store_col_dup(q, 15, &oom);
    a->postcode = store_col_dup(q, 16, &oom);
    a->city = store_col_dup(q, 17, &oom);
    a->province = store_col_dup(q, 18, &oom);
    if (oom) {
        store_account_clear(a);
        return BC_NO_MEMORY;
    }
    return BC_OK;
}

enum bc_status store_account_get(struct store *s, int64_t id, struct store_account *out)
{
    struct db_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = store_prep(s, SL_ACCOUNT_GET,
                                   "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, id);
    return store_one(s, q, store_read_account, out);
}

/* The billing profile's eight columns from parameter `first` on. */
static void bind_profile(struct db_stmt *q, int first, const struct store_account *a)
{
    const char *v[] = {a->tax_code, a->pec, a->sdi_code, a->street, a->street_number,
                       a->postcode, a->city, a->province};
    for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++)
        store_bind_text(q, first + i, v[i]);
}

enum bc_status store_account_insert(struct store *s, struct store_account *a)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_ACCOUNT_INSERT,
        "INSERT INTO accounts(name, kind, currency, country, vat_number, balance_minor,"
        " billing_contact_id, balance_version, legal_name, address, tax_code, pec, sdi_code,"
        " street, street_number, postcode, city, province)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
        " RETURNING id", &q);
    if (st != BC_OK)
        return st;
    store_bind_text(q, 1, a->name);
    db_bind_text(q, 2, STORE_NAME_TEXT(account_kinds, a->kind));
    db_bind_text(q, 3, a->currency);
    db_bind_text(q, 4, a->country);
    store_bind_text(q, 5, a->vat_number);
    db_bind_int64(q, 6, a->balance);
    if (a->billing_contact_id > 0)
        db_bind_int64(q, 7, a->billing_contact_id);
    db_bind_int64(q, 8, a->balance_version);
    store_bind_text(q, 9, a->legal_name);
    store_bind_text(q, 10, a->address);
    bind_profile(q, 11, a);
    return store_run_id(s, q, &a->id);
}

enum bc_status store_account_set_vat(struct store *s, int64_t account_id, const char *vat_number,
                                     const char *country)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_ACCOUNT_SET_VAT,
        "UPDATE accounts SET vat_number = ?2, country = coalesce(?3, country) WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    store_bind_text(q, 2, vat_number);
    store_bind_text(q, 3, country);
    return store_run_changed(s, q);
}

int64_t store_account_count(struct store *s)
{
    struct db_stmt *q;
    int64_t n;
    if (store_prep(s, SL_ACCOUNT_COUNT, "SELECT count(*) FROM accounts", &q) != BC_OK ||
        store_int64(s, q, &n) != BC_OK)
        return -1;
    return n;
}

enum bc_status store_account_update(struct store *s, const struct store_account *a)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_ACCOUNT_UPDATE,
        "UPDATE accounts SET name = ?2, kind = ?3, country = ?4, vat_number = ?5,"
        " legal_name = ?6, address = ?7, tax_code = ?8, pec = ?9, sdi_code = ?10, street = ?11,"
        " street_number = ?12, postcode = ?13, city = ?14, province = ?15 WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, a->id);
    store_bind_text(q, 2, a->name);
    db_bind_text(q, 3, STORE_NAME_TEXT(account_kinds, a->kind));
    db_bind_text(q, 4, a->country);
    store_bind_text(q, 5, a->vat_number);
    store_bind_text(q, 6, a->legal_name);
    store_bind_text(q, 7, a->address);
    bind_profile(q, 8, a);
    return store_run_changed(s, q);
}

enum bc_status store_accounts_insert(struct store *s, struct store_account *accounts,
                                     struct store_contact *contacts, size_t n, size_t *failed)
{
    bool own = false;
    size_t i = 0;
    enum bc_status st = store_tx_begin(s, &own);

    for (; st == BC_OK && i < n; i++) {
        st = store_account_insert(s, &accounts[i]);
        if (st == BC_OK && contacts && contacts[i].email) {
            contacts[i].account_id = accounts[i].id;
            contacts[i].role = STORE_ROLE_BILLING;
            st = store_contact_insert(s, &contacts[i]);
            if (st == BC_OK)
                accounts[i].billing_contact_id = contacts[i].id;
        }
    }
    if (st != BC_OK && failed)
        *failed = i > 0 ? i - 1 : 0;
    return store_tx_end(s, own, st);
}

/* ---------------------------------------------------------------- contacts */

#define CONTACT_COLS "id, account_id, name, email, role, pin_hash, failed_attempts, locked_until"

void store_contact_clear(struct store_contact *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->email);
    free(c->pin_hash);
    memset(c, 0, sizeof *c);
}

void store_contact_list_clear(struct store_contact_list *l)
{
    STORE_LIST_CLEAR(l, store_contact_clear);
}

static const struct store_name contact_roles[] = {
    {STORE_ROLE_USER, "user"}, {STORE_ROLE_BILLING, "billing"}, {STORE_ROLE_ADMIN, "admin"},
};

static enum bc_status read_contact(struct db_stmt *q, void *item)
{
    struct store_contact *c = item;
    bool oom = false;
    memset(c, 0, sizeof *c);
    c->id = db_column_int64(q, 0);
    c->account_id = db_column_int64(q, 1);
    c->name = store_col_dup(q, 2, &oom);
    c->email = store_col_dup(q, 3, &oom);
    c->role = STORE_NAME_COL(contact_roles, q, 4);
    c->pin_hash = store_col_dup(q, 5, &oom);
    c->failed_attempts = db_column_int(q, 6);
    c->locked_until = db_column_int64(q, 7);
    if (oom) {
        store_contact_clear(c);
        return BC_NO_MEMORY;
    }
    return BC_OK;
}

static enum bc_status contact_one(struct store *s, enum store_slot slot, const char *sql,
                                  int64_t id, const char *text, struct store_contact *out)
{
    struct db_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = store_prep(s, slot, sql, &q);
    if (st != BC_OK)
        return st;
    if (text)
        db_bind_text(q, 1, text);
    else
        db_bind_int64(q, 1, id);
    return store_one(s, q, read_contact, out);
}

enum bc_status store_contact_get(struct store *s, int64_t id, struct store_contact *out)
{
    return contact_one(s, SL_CONTACT_GET,
                       "SELECT " CONTACT_COLS " FROM contacts WHERE id = ?1", id, NULL, out);
}

enum bc_status store_contact_by_email(struct store *s, const char *email, struct store_contact *out)
{
    if (!email) {
        memset(out, 0, sizeof *out);
        return BC_INVALID_ARGUMENT;
    }
    return contact_one(s, SL_CONTACT_BY_EMAIL,
                       STORE_SQL(s, "SELECT " CONTACT_COLS " FROM contacts WHERE email = ?1",
                       "SELECT " CONTACT_COLS " FROM contacts"
                       " WHERE lower(email COLLATE \"C\") = lower(CAST(?1 AS TEXT) COLLATE \"C\")"),
                       0, email, out);
}

enum bc_status store_contacts(struct store *s, int64_t account_id, struct store_contact_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CONTACTS,
        "SELECT " CONTACT_COLS " FROM contacts WHERE account_id = ?1 ORDER BY id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    if ((st = STORE_ROWS(s, q, out, read_contact)) != BC_OK)
        store_contact_list_clear(out);
    return st;
}

/* A billing contact becomes the account's billing contact when it has none. */
enum bc_status store_contact_insert(struct store *s, struct store_contact *c)
{
    /* Only a billing contact needs a second statement, hence a transaction. */
    bool billing = c->role == STORE_ROLE_BILLING, own = false;
    int64_t id = 0;
    enum bc_status st = billing ? store_tx_begin(s, &own) : BC_OK;
    if (st != BC_OK)
        return st;
    struct db_stmt *q;
    st = store_prep(s, SL_CONTACT_INSERT,
        "INSERT INTO contacts(account_id, name, email, role, pin_hash, failed_attempts,"
        " locked_until) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id", &q);
    if (st == BC_OK) {
        db_bind_int64(q, 1, c->account_id);
        store_bind_text(q, 2, c->name);
        store_bind_text(q, 3, c->email);
        db_bind_text(q, 4, STORE_NAME_TEXT(contact_roles, c->role));
        store_bind_text(q, 5, c->pin_hash);
        db_bind_int64(q, 6, c->failed_attempts);
        db_bind_int64(q, 7, c->locked_until);
        st = store_run_id(s, q, &id);
    }
    if (st == BC_OK && billing) {
        st = store_prep(s, SL_CONTACT_SET_BILLING,
            "UPDATE accounts SET billing_contact_id = ?2"
            " WHERE id = ?1 AND billing_contact_id IS NULL", &q);
        if (st == BC_OK) {
            db_bind_int64(q, 1, c->account_id);
            db_bind_int64(q, 2, id);
            st = store_run(s, q);
        }
    }
    if (billing)
        st = store_tx_end(s, own, st);
    if (st == BC_OK)
        c->id = id;
    return st;
}

enum bc_status store_contact_set_pin(struct store *s, int64_t contact_id, const char *pin_hash)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CONTACT_SET_PIN,
        "UPDATE contacts SET pin_hash = ?2, failed_attempts = 0, locked_until = 0"
        " WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, contact_id);
    store_bind_text(q, 2, pin_hash);
    return store_run_changed(s, q);
}

enum bc_status store_contact_sign_in_result(struct store *s, int64_t contact_id, bool ok,
                                            int failed_attempts, int64_t locked_until)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CONTACT_SIGN_IN,
        "UPDATE contacts SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, contact_id);
    db_bind_int64(q, 2, ok ? 0 : failed_attempts);
    db_bind_int64(q, 3, ok ? 0 : locked_until);
    return store_run_changed(s, q);
}

/* ---------------------------------------------------------------- users */

void store_user_clear(struct store_user *u)
{
    if (!u)
        return;
    free(u->name);
    free(u->email);
    memset(u, 0, sizeof *u);
}

void store_user_list_clear(struct store_user_list *l)
{
    STORE_LIST_CLEAR(l, store_user_clear);
}

static enum bc_status read_user(struct db_stmt *q, void *item)
{
    struct store_user *u = item;
    bool oom = false;
    u->id = db_column_int64(q, 0);
    u->account_id = db_column_int64(q, 1);
    u->name = store_col_dup(q, 2, &oom);
    u->email = store_col_dup(q, 3, &oom);
    return oom ? BC_NO_MEMORY : BC_OK;
}

enum bc_status store_users(struct store *s, int64_t account_id, struct store_user_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_USERS,
        "SELECT id, account_id, name, email FROM users WHERE account_id = ?1 ORDER BY id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    if ((st = STORE_ROWS(s, q, out, read_user)) != BC_OK)
        store_user_list_clear(out);
    return st;
}

enum bc_status store_user_insert(struct store *s, struct store_user *u)
{
    struct db_stmt *q;
    /* One statement: the check and the insert cannot be split by another
     * writer. */
    enum bc_status st = store_prep(s, SL_USER_INSERT,
        "INSERT INTO users(account_id, name, email) SELECT ?1, ?2, ?3"
        " WHERE NOT EXISTS (SELECT 1 FROM users WHERE account_id = ?1"
        " AND lower(email) = lower(?3)) RETURNING id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, u->account_id);
    store_bind_text(q, 2, u->name);
    store_bind_text(q, 3, u->email);
    st = store_row(s, q);
    if (st == BC_NOT_FOUND || (st == BC_DB_ERROR && s->engine == DB_PG &&
                               strstr(s->errmsg, "users_account_email"))) {
        store_note(s, "the account already has a user with that e-mail");
        return BC_DUPLICATE_USER_EMAIL;
    }
    if (st == BC_OK) {
        u->id = db_column_int64(q, 0);
        db_reset(q);
    }
    return st;
}

static enum bc_status user_delete(struct store *s, int64_t account_id, int64_t user_id,
                                  int *seats_freed)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_USER_SEATS_DELETE,
        "DELETE FROM seat_assignments WHERE user_id = ?1"
        " AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND account_id = ?2)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, user_id);
    db_bind_int64(q, 2, account_id);
    if ((st = store_run(s, q)) != BC_OK)
        return st;
    int freed = db_changes(s->db);
    if ((st = store_prep(s, SL_USER_DELETE,
                         "DELETE FROM users WHERE id = ?1 AND account_id = ?2", &q)) != BC_OK)
        return st;
    db_bind_int64(q, 1, user_id);
    db_bind_int64(q, 2, account_id);
    if ((st = store_run(s, q)) != BC_OK)
        return st;
    if (db_changes(s->db) == 0)
        return BC_NOT_FOUND;
    if (seats_freed)
        *seats_freed = freed;
    return BC_OK;
}

enum bc_status store_user_delete(struct store *s, int64_t account_id, int64_t user_id,
                                 int *seats_freed)
{
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    return store_tx_end(s, own, user_delete(s, account_id, user_id, seats_freed));
}

/* `head` followed by `rows` copies of `row` joined by commas, prepared
 * once into slots[rows] (1 <= rows <= STORE_ROWS_MAX), reset and unbound. */
static enum bc_status rows_stmt(struct store *s, struct db_stmt **slots, size_t rows,
                                const char *head, const char *row, const char *tail,
                                struct db_stmt **out)
{
    if (!slots[rows]) {
        char sql[2048];
        size_t used = (size_t)snprintf(sql, sizeof sql, "%s", head);
        for (size_t i = 0; i < rows && used < sizeof sql; i++)
            used += (size_t)snprintf(sql + used, sizeof sql - used, "%s%s", i ? ", " : "", row);
        if (used < sizeof sql)
            used += (size_t)snprintf(sql + used, sizeof sql - used, "%s", tail);
        if (used >= sizeof sql)
            return BC_INVALID_ARGUMENT;
        int rc = db_prepare_persistent(s->db, sql, &slots[rows]);
        if (rc != DB_OK)
            return store_fail(s, rc);
    } else {
        db_reset(slots[rows]);
        db_clear_bindings(slots[rows]);
    }
    *out = slots[rows];
    return BC_OK;
}

enum bc_status store_users_insert(struct store *s, int64_t account_id, struct store_user *users,
                                  size_t n)
{
    enum bc_status st = BC_OK;
    for (size_t done = 0; st == BC_OK && done < n;) {
        size_t rows = n - done < STORE_ROWS_MAX ? n - done : STORE_ROWS_MAX;
        struct db_stmt *q;
        st = rows_stmt(s, s->users_rows, rows, "INSERT INTO users(account_id, name, email) VALUES",
                       "(?, ?, ?)", " RETURNING id", &q);
        for (size_t i = 0; st == BC_OK && i < rows; i++) {
            db_bind_int64(q, (int)(3 * i + 1), account_id);
            store_bind_text(q, (int)(3 * i + 2), users[done + i].name);
            store_bind_text(q, (int)(3 * i + 3), users[done + i].email);
        }
        int64_t ids[STORE_ROWS_MAX];
        if (st == BC_OK)
            st = store_run_ids(s, q, ids, rows);
        if (st == BC_OK) {
            /* The rows of one statement get ascending ids in their order. */
            for (size_t i = 0; i < rows; i++) {
                users[done + i].id = ids[i];
                users[done + i].account_id = account_id;
            }
            done += rows;
        }
    }
    return st;
}

/* ---------------------------------------------------------------- subscriptions */

#define SUB_COLS "id, account_id, product, plan, seats," \
    " (SELECT count(*) FROM seat_assignments a WHERE a.subscription_id = subscriptions.id)," \
    " period, status, period_start, period_end, item_start, anchor_day, billed_minor," \
    " credited_minor, price_minor, version, auto_renew, sched_plan, sched_seats, sched_period," \
    " past_due_since, last_attempt"

void store_subscription_clear(struct store_subscription *x)
{
    if (!x)
        return;
    free(x->product);
    free(x->plan);
    free(x->sched_plan);
    memset(x, 0, sizeof *x);
}

void store_subscription_list_clear(struct store_subscription_list *l)
{
    STORE_LIST_CLEAR(l, store_subscription_clear);
}

static const struct store_name sub_statuses[] = {
    {STORE_SUB_ACTIVE, "active"}, {STORE_SUB_TRIAL, "trial"}, {STORE_SUB_TRIAL_ENDED, "trial_ended"},
    {STORE_SUB_PAST_DUE, "past_due"}, {STORE_SUB_SUSPENDED, "suspended"},
    {STORE_SUB_CANCELED, "canceled"},
};

/* A day column that may be NULL (0 then). */
static bc_day col_day(struct db_stmt *q, int col)
{
    return db_column_text(q, col) ? (bc_day)db_column_int64(q, col) : 0;
}

static void bind_day(struct db_stmt *q, int idx, bc_day day)
{
    if (day != 0)
        db_bind_int64(q, idx, day);
    else
        db_bind_null(q, idx);
}

static enum bc_status read_sub(struct db_stmt *q, void *item)
{
    struct store_subscription *x = item;
    bool oom = false;
    memset(x, 0, sizeof *x);
    x->id = db_column_int64(q, 0);
    x->account_id = db_column_int64(q, 1);
    x->product = store_col_dup(q, 2, &oom);
    x->plan = store_col_dup(q, 3, &oom);
    x->seats = db_column_int(q, 4);
    x->seats_assigned = db_column_int(q, 5);
    x->period = store_col_period(q, 6);
    x->status = STORE_NAME_COL(sub_statuses, q, 7);
    x->period_start = (bc_day)db_column_int(q, 8);
    x->period_end = (bc_day)db_column_int(q, 9);
    x->item_start = (bc_day)db_column_int(q, 10);
    x->anchor_day = db_column_int(q, 11);
    x->billed = db_column_int64(q, 12);
    x->credited = db_column_int64(q, 13);
    x->price = db_column_int64(q, 14);
    x->version = db_column_int64(q, 15);
    x->auto_renew_off = db_column_int(q, 16) == 0;
    x->sched_plan = store_col_dup(q, 17, &oom);
    x->sched_seats = x->sched_plan ? db_column_int(q, 18) : 0;
    x->sched_period = store_col_period(q, 19);
    x->past_due_since = col_day(q, 20);
    x->last_attempt = col_day(q, 21);
    if (oom) {
        store_subscription_clear(x);
        return BC_NO_MEMORY;
    }
    return BC_OK;
}

enum bc_status store_subscriptions(struct store *s, int64_t account_id,
                                   struct store_subscription_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_SUBS,
        "SELECT " SUB_COLS " FROM subscriptions WHERE account_id = ?1 ORDER BY product, id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    if ((st = STORE_ROWS(s, q, out, read_sub)) != BC_OK)
        store_subscription_list_clear(out);
    return st;
}

enum bc_status store_subscription_get(struct store *s, int64_t id, struct store_subscription *out)
{
    struct db_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = store_prep(s, SL_SUB_GET,
        "SELECT " SUB_COLS " FROM subscriptions WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, id);
    return store_one(s, q, read_sub, out);
}

/* Binds one subscription's SUB_PARAMS insert parameters from `base` + 1 on. */
#define SUB_PARAMS 19
static void bind_sub(struct db_stmt *q, int base, const struct store_subscription *x)
{
    db_bind_int64(q, base + 1, x->account_id);
    store_bind_text(q, base + 2, x->product);
    store_bind_text(q, base + 3, x->plan);
    db_bind_int64(q, base + 4, x->seats);
    db_bind_text(q, base + 5, store_period_text(x->period));
    db_bind_text(q, base + 6, STORE_NAME_TEXT(sub_statuses, x->status));
    db_bind_int64(q, base + 7, x->period_start);
    db_bind_int64(q, base + 8, x->period_end);
    db_bind_int64(q, base + 9, x->item_start);
    db_bind_int64(q, base + 10, x->anchor_day);
    db_bind_int64(q, base + 11, x->billed);
    db_bind_int64(q, base + 12, x->credited);
    db_bind_int64(q, base + 13, x->price);
    db_bind_int64(q, base + 14, x->auto_renew_off ? 0 : 1);
    store_bind_text(q, base + 15, x->sched_plan);
    if (x->sched_plan) {
        db_bind_int64(q, base + 16, x->sched_seats);
        db_bind_text(q, base + 17, store_period_text(x->sched_period));
    } else {
        db_bind_null(q, base + 16);
        db_bind_null(q, base + 17);
    }
    bind_day(q, base + 18, x->past_due_since);
    bind_day(q, base + 19, x->last_attempt);
}

#define SUB_INSERT_HEAD "INSERT INTO subscriptions(account_id, product, plan, seats, period," \
    " status, period_start, period_end, item_start, anchor_day, billed_minor, credited_minor," \
    " price_minor, auto_renew, sched_plan, sched_seats, sched_period, past_due_since," \
    " last_attempt, version) VALUES"

/* The history rows of new subscriptions first..last: in a bulk load's
 * transaction left to the load's end (bulk_finish), else written now. */
static enum bc_status subs_history(struct store *s, bool own, int64_t first, int64_t last)
{
    if (s->bulk && !own) {
        if (s->bulk_first_sub == 0)
            s->bulk_first_sub = first;
        return BC_OK;
    }
    enum bc_status st = BC_OK;
    for (int64_t id = first; st == BC_OK && id <= last; id++)
        st = store_history_append(s, id, 0);
    return st;
}

/* An id that the catalog could not hold, or a NULL one. */
static bool id_too_long(const char *id)
{
    return !id || strlen(id) > BC_ID_MAX;
}

/* The one-row insert of a subscription (version 1), no history row. */
static enum bc_status sub_insert_row(struct store *s, const struct store_subscription *x,
                                     int64_t *id)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_SUB_INSERT,
        SUB_INSERT_HEAD " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
        " ?16, ?17, ?18, ?19, 1) RETURNING id", &q);
    if (st != BC_OK)
        return st;
    bind_sub(q, 0, x);
    return store_run_id(s, q, id);
}

enum bc_status store_sub_create(struct store *s, struct store_subscription *x, int64_t order_id)
{
    if (id_too_long(x->product) || id_too_long(x->plan) ||
        (x->sched_plan && id_too_long(x->sched_plan)))
        return BC_INVALID_ARGUMENT;
    int64_t id = 0;
    enum bc_status st = sub_insert_row(s, x, &id);
    if (st == BC_OK)
        st = store_history_append(s, id, order_id);
    if (st == BC_OK) {
        x->id = id;
        x->version = 1;
    }
    return st;
}

enum bc_status store_sub_of_product(struct store *s, int64_t account_id, const char *product,
                                    bool *found)
{
    struct db_stmt *q;
    int64_t n = 0;
    *found = false;
    enum bc_status st = store_prep(s, SL_SUB_OF_PRODUCT,
        "SELECT count(*) FROM subscriptions WHERE account_id = ?1 AND product = ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    store_bind_text(q, 2, product);
    st = store_int64(s, q, &n);
    *found = n > 0;
    return st;
}

enum bc_status store_subscription_insert(struct store *s, struct store_subscription *x)
{
    bool own;
    if (id_too_long(x->product) || id_too_long(x->plan) ||
        (x->sched_plan && id_too_long(x->sched_plan)))
        return BC_INVALID_ARGUMENT;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    int64_t id = 0;
    st = sub_insert_row(s, x, &id);
    if (st == BC_OK)
        st = subs_history(s, own, id, id);
    st = store_tx_end(s, own, st);
    if (st == BC_OK) {
        x->id = id;
        x->version = 1;
    }
    return st;
}

enum bc_status store_subscriptions_insert(struct store *s, struct store_subscription *subs,
                                          size_t n)
{
    if (n > 0 && !subs)
        return BC_INVALID_ARGUMENT;
    for (size_t i = 0; i < n; i++)
        if (id_too_long(subs[i].product) || id_too_long(subs[i].plan) ||
            (subs[i].sched_plan && id_too_long(subs[i].sched_plan)))
            return BC_INVALID_ARGUMENT;
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    for (size_t done = 0; st == BC_OK && done < n;) {
        size_t rows = n - done < STORE_ROWS_MAX ? n - done : STORE_ROWS_MAX;
        struct db_stmt *q;
        st = rows_stmt(s, s->subs_rows, rows, SUB_INSERT_HEAD,
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                       " RETURNING id", &q);
        for (size_t i = 0; st == BC_OK && i < rows; i++)
            bind_sub(q, (int)(SUB_PARAMS * i), &subs[done + i]);
        int64_t ids[STORE_ROWS_MAX];
        if (st == BC_OK)
            st = store_run_ids(s, q, ids, rows);
        if (st == BC_OK) {
            for (size_t i = 0; st == BC_OK && i < rows; i++) {
                subs[done + i].id = ids[i];
                subs[done + i].version = 1;
                st = subs_history(s, own, ids[i], ids[i]);
            }
            done += rows;
        }
    }
    st = store_tx_end(s, own, st);
    for (size_t i = 0; st != BC_OK && i < n; i++)
        subs[i].id = 0;
    return st;
}

enum bc_status store_history_append(struct store *s, int64_t subscription_id, int64_t order_id)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_HISTORY_INSERT,
        "INSERT INTO subscription_history(subscription_id, version, plan, seats, period,"
        " period_start, period_end, item_start, billed_minor, price_minor, order_id)"
        " SELECT id, version, plan, seats, period, period_start, period_end, item_start,"
        " billed_minor, price_minor, ?2 FROM subscriptions WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, subscription_id);
    if (order_id > 0)
        db_bind_int64(q, 2, order_id);
    return store_run_changed(s, q);   /* one row at most: the id is the key */
}

/* The WHERE is the partial index subscriptions_due's (schema v7), word for
 * word, so that the day's due subscriptions are read from it alone. */
enum bc_status store_subscriptions_due(struct store *s, bc_day day, int64_t account_id,
                                       struct store_subscription_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct db_stmt *q;
    enum bc_status st = account_id != 0
        ? store_prep(s, SL_SUBS_DUE_ACCOUNT, "SELECT " SUB_COLS " FROM subscriptions"
                     " WHERE account_id = ?2 AND period_end <= ?1"
                     " AND status IN ('active','trial','past_due') ORDER BY period_end, id", &q)
        : store_prep(s, SL_SUBS_DUE, "SELECT " SUB_COLS " FROM subscriptions"
                     " WHERE period_end <= ?1 AND status IN ('active','trial','past_due')"
                     " ORDER BY period_end, id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, day);
    if (account_id != 0)
        db_bind_int64(q, 2, account_id);
    if ((st = STORE_ROWS(s, q, out, read_sub)) != BC_OK)
        store_subscription_list_clear(out);
    return st;
}

/* period_end >= ?2 bounds the index range; the OR then drops the rows of
 * ?2 up to and including id ?3. */
enum bc_status store_subscriptions_due_after(struct store *s, bc_day day, int64_t account_id,
                                             bc_day after_end, int64_t after_id, size_t limit,
                                             struct store_subscription_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct db_stmt *q;
    enum bc_status st = account_id != 0
        ? store_prep(s, SL_SUBS_DUE_AFTER_ACCOUNT, "SELECT " SUB_COLS " FROM subscriptions"
                     " WHERE account_id = ?5 AND period_end <= ?1"
                     " AND status IN ('active','trial','past_due')"
                     " AND period_end >= ?2 AND (period_end > ?2 OR id > ?3)"
                     " ORDER BY period_end, id LIMIT ?4", &q)
        : store_prep(s, SL_SUBS_DUE_AFTER, "SELECT " SUB_COLS " FROM subscriptions"
                     " WHERE period_end <= ?1 AND status IN ('active','trial','past_due')"
                     " AND period_end >= ?2 AND (period_end > ?2 OR id > ?3)"
                     " ORDER BY period_end, id LIMIT ?4", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, day);
    db_bind_int64(q, 2, after_end);
    db_bind_int64(q, 3, after_id);
    db_bind_int64(q, 4, (int64_t)limit);
    if (account_id != 0)
        db_bind_int64(q, 5, account_id);
    if ((st = STORE_ROWS(s, q, out, read_sub)) != BC_OK)
        store_subscription_list_clear(out);
    return st;
}

static enum bc_status life_write(struct store *s, const struct store_sub_life *l)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_SUB_LIFE,
        "UPDATE subscriptions SET status = ?3, auto_renew = ?4, sched_plan = ?5,"
        " sched_seats = ?6, sched_period = ?7, past_due_since = ?8, last_attempt = ?9,"
        " anchor_day = CASE WHEN ?10 > 0 THEN ?10 ELSE anchor_day END,"
        " version = version + 1 WHERE id = ?1 AND version = ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, l->subscription_id);
    db_bind_int64(q, 2, l->expect_version);
    db_bind_text(q, 3, STORE_NAME_TEXT(sub_statuses, l->status));
    db_bind_int64(q, 4, l->auto_renew_off ? 0 : 1);
    store_bind_text(q, 5, l->sched_plan);
    if (l->sched_plan) {
        db_bind_int64(q, 6, l->sched_seats);
        db_bind_text(q, 7, store_period_text(l->sched_period));
    } else {
        db_bind_null(q, 6);
        db_bind_null(q, 7);
    }
    bind_day(q, 8, l->past_due_since);
    bind_day(q, 9, l->last_attempt);
    db_bind_int64(q, 10, l->anchor_day);
    st = store_run(s, q);
    if (st == BC_OK && db_changes(s->db) != 1) {
        store_note(s, "the subscription changed meanwhile");
        st = BC_STALE_QUOTE;
    }
    return st;
}

enum bc_status store_subscription_set_life(struct store *s, const struct store_sub_life *life,
                                           struct store_event *events, size_t nevents)
{
    if (!life || (nevents > 0 && !events) || (life->sched_plan && id_too_long(life->sched_plan)))
        return BC_INVALID_ARGUMENT;
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    st = life_write(s, life);
    if (st == BC_OK)
        st = store_history_append(s, life->subscription_id, 0);
    for (size_t i = 0; st == BC_OK && i < nevents; i++)
        st = store_event_append(s, &events[i]);
    return store_tx_end(s, own, st);
}

/* ---------------------------------------------------------------- seats */

void store_seat_list_clear(struct store_seat_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].email);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

enum bc_status store_sub_state(struct store *s, int64_t id, int64_t *version, int *seats,
                               int *assigned, int64_t *account_id)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_SUB_STATE,
        "SELECT version, seats, (SELECT count(*) FROM seat_assignments a"
        " WHERE a.subscription_id = subscriptions.id), account_id"
        " FROM subscriptions WHERE id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, id);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    *version = db_column_int64(q, 0);
    *seats = db_column_int(q, 1);
    *assigned = db_column_int(q, 2);
    *account_id = db_column_int64(q, 3);
    db_reset(q);
    return BC_OK;
}

static enum bc_status read_seat(struct db_stmt *q, void *item)
{
    struct store_seat *x = item;
    bool oom = false;
    x->user_id = db_column_int64(q, 0);
    x->name = store_col_dup(q, 1, &oom);
    x->email = store_col_dup(q, 2, &oom);
    x->assigned = db_column_int(q, 3) != 0;
    return oom ? BC_NO_MEMORY : BC_OK;
}

enum bc_status store_seats(struct store *s, int64_t subscription_id, struct store_seat_list *out)
{
    out->items = NULL;
    out->n = 0;
    int64_t version, account_id;
    int seats, assigned;
    enum bc_status st = store_sub_state(s, subscription_id, &version, &seats, &assigned, &account_id);
    if (st != BC_OK)
        return st;
    struct db_stmt *q;
    st = store_prep(s, SL_SEATS,
        "SELECT u.id, u.name, u.email, EXISTS(SELECT 1 FROM seat_assignments a"
        " WHERE a.subscription_id = ?1 AND a.user_id = u.id)"
        " FROM users u WHERE u.account_id = ?2 ORDER BY u.id", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, subscription_id);
    db_bind_int64(q, 2, account_id);
    if ((st = STORE_ROWS(s, q, out, read_seat)) != BC_OK)
        store_seat_list_clear(out);
    return st;
}

static enum bc_status seat_insert(struct store *s, int64_t subscription_id, int64_t user_id)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_SEAT_ADD, "INSERT INTO seat_assignments(subscription_id,"
                                   " user_id) VALUES(?1, ?2)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, subscription_id);
    db_bind_int64(q, 2, user_id);
    return store_run(s, q);
}

static enum bc_status seat_assign(struct store *s, int64_t subscription_id, int64_t user_id)
{
    int64_t version, account_id;
    int seats, assigned;
    enum bc_status st = store_sub_state(s, subscription_id, &version, &seats, &assigned, &account_id);
    if (st != BC_OK)
        return st;
    struct db_stmt *q;
    if ((st = store_prep(s, SL_USER_ACCOUNT, "SELECT account_id FROM users WHERE id = ?1", &q)) != BC_OK)
        return st;
    db_bind_int64(q, 1, user_id);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    int64_t user_account = db_column_int64(q, 0);
    db_reset(q);
    if (user_account != account_id) {
        store_note(s, "the user belongs to another account");
        return BC_INVALID_ARGUMENT;
    }
    if ((st = store_prep(s, SL_SEAT_IS, "SELECT 1 FROM seat_assignments"
                         " WHERE subscription_id = ?1 AND user_id = ?2", &q)) != BC_OK)
        return st;
    db_bind_int64(q, 1, subscription_id);
    db_bind_int64(q, 2, user_id);
    st = store_row(s, q);
    if (st == BC_OK) {
        db_reset(q);
        return BC_OK;             /* already holds a seat */
    }
    if (st != BC_NOT_FOUND)
        return st;
    if (assigned >= seats) {
        store_note(s, "every seat is assigned");
        return BC_SEATS_EXHAUSTED;
    }
    return seat_insert(s, subscription_id, user_id);
}

enum bc_status store_seat_set(struct store *s, int64_t subscription_id, int64_t user_id, bool assigned)
{
    if (!assigned) {
        struct db_stmt *q;
        enum bc_status st = store_prep(s, SL_SEAT_DEL, "DELETE FROM seat_assignments"
                                       " WHERE subscription_id = ?1 AND user_id = ?2", &q);
        if (st != BC_OK)
            return st;
        db_bind_int64(q, 1, subscription_id);
        db_bind_int64(q, 2, user_id);
        return store_run(s, q);
    }
    if (s->bulk && db_in_transaction(s->db))
        return seat_insert(s, subscription_id, user_id);   /* checked at the load's end */
    bool own;
    enum bc_status st = store_tx_begin(s, &own);
    if (st != BC_OK)
        return st;
    return store_tx_end(s, own, seat_assign(s, subscription_id, user_id));
}

enum bc_status store_seats_assign(struct store *s, int64_t subscription_id,
                                  const int64_t *user_ids, size_t n)
{
    enum bc_status st = BC_OK;
    if (!s->bulk || !db_in_transaction(s->db)) {
        for (size_t i = 0; st == BC_OK && i < n; i++)
            st = store_seat_set(s, subscription_id, user_ids[i], true);
        return st;
    }
    for (size_t done = 0; st == BC_OK && done < n; done += STORE_ROWS_MAX) {
        size_t rows = n - done < STORE_ROWS_MAX ? n - done : STORE_ROWS_MAX;
        struct db_stmt *q;
        st = rows_stmt(s, s->seats_rows, rows,
                       "INSERT INTO seat_assignments(subscription_id, user_id) VALUES",
                       "(?, ?)", "", &q);
        for (size_t i = 0; st == BC_OK && i < rows; i++) {
            db_bind_int64(q, (int)(2 * i + 1), subscription_id);
            db_bind_int64(q, (int)(2 * i + 2), user_ids[done + i]);
        }
        if (st == BC_OK)
            st = store_run(s, q);
    }
    return st;
}

/* ---------------------------------------------------------------- cart */

void store_cart_item_clear(struct store_cart_item *c)
{
    if (!c)
        return;
    free(c->product);
    free(c->to_plan);
    memset(c, 0, sizeof *c);
}

void store_cart_clear(struct store_cart *c)
{
    STORE_LIST_CLEAR(c, store_cart_item_clear);
}

static enum bc_status read_cart_item(struct db_stmt *q, void *item)
{
    struct store_cart_item *c = item;
    bool oom = false;
    c->subscription_id = db_column_int64(q, 0);
    c->product = store_col_dup(q, 1, &oom);
    c->to_plan = store_col_dup(q, 2, &oom);
    c->to_seats = db_column_int(q, 3);
    c->to_period = store_col_period(q, 4);
    c->base_version = db_column_int64(q, 5);
    return oom ? BC_NO_MEMORY : BC_OK;
}

enum bc_status store_cart_get(struct store *s, int64_t account_id, struct store_cart *out)
{
    out->items = NULL;
    out->n = 0;
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CART_GET,
        "SELECT COALESCE(c.subscription_id, 0), COALESCE(s.product, c.product), c.to_plan,"
        " c.to_seats, c.to_period, c.base_version"
        " FROM cart_items c LEFT JOIN subscriptions s ON s.id = c.subscription_id"
        " WHERE c.account_id = ?1"
        " ORDER BY COALESCE(s.product, c.product), COALESCE(c.subscription_id, 0)", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    if ((st = STORE_ROWS(s, q, out, read_cart_item)) != BC_OK)
        store_cart_clear(out);
    return st;
}

/* The item for a product the account does not have: one per product,
 * only while the account has no subscription to it. */
static enum bc_status cart_put_new(struct store *s, int64_t account_id,
                                   const struct store_cart_item *item)
{
    struct db_stmt *q;
    bool found = false;
    if (!item->product || !*item->product || id_too_long(item->product))
        return BC_INVALID_ARGUMENT;
    enum bc_status st = store_prep(s, SL_CART_PUT_NEW,
        "INSERT INTO cart_items(account_id, subscription_id, product, to_plan, to_seats,"
        " to_period, base_version) SELECT ?1, NULL, ?2, ?3, ?4, ?5, 0"
        " WHERE EXISTS(SELECT 1 FROM accounts WHERE id = ?1) AND NOT EXISTS(SELECT 1"
        " FROM subscriptions WHERE account_id = ?1 AND product = ?2)"
        " ON CONFLICT(account_id, product) DO UPDATE SET to_plan = excluded.to_plan,"
        " to_seats = excluded.to_seats, to_period = excluded.to_period", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    store_bind_text(q, 2, item->product);
    store_bind_text(q, 3, item->to_plan);
    db_bind_int64(q, 4, item->to_seats);
    db_bind_text(q, 5, store_period_text(item->to_period));
    st = store_run(s, q);
    if (st == BC_OK && db_changes(s->db) == 0) {
        /* Nothing written: the product is the account's already, or no account. */
        if ((st = store_sub_of_product(s, account_id, item->product, &found)) != BC_OK)
            return st;
        store_note(s, found ? "the account has this product already" : "no such account");
        st = found ? BC_ALREADY_SUBSCRIBED : BC_NOT_FOUND;
    }
    return st;
}

enum bc_status store_cart_put(struct store *s, int64_t account_id, const struct store_cart_item *item)
{
    struct db_stmt *q;
    if (id_too_long(item->to_plan))
        return BC_INVALID_ARGUMENT;
    if (item->subscription_id == 0)
        return cart_put_new(s, account_id, item);
    /* Only for a subscription of that account; one item per subscription. */
    enum bc_status st = store_prep(s, SL_CART_PUT,
        "INSERT INTO cart_items(account_id, subscription_id, to_plan, to_seats, to_period,"
        " base_version) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS(SELECT 1 FROM subscriptions"
        " WHERE id = ?2 AND account_id = ?1)"
        " ON CONFLICT(subscription_id) DO UPDATE SET account_id = excluded.account_id,"
        " to_plan = excluded.to_plan, to_seats = excluded.to_seats,"
        " to_period = excluded.to_period, base_version = excluded.base_version", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    db_bind_int64(q, 2, item->subscription_id);
    store_bind_text(q, 3, item->to_plan);
    db_bind_int64(q, 4, item->to_seats);
    db_bind_text(q, 5, store_period_text(item->to_period));
    db_bind_int64(q, 6, item->base_version);
    st = store_run(s, q);
    if (st == BC_OK && db_changes(s->db) == 0) {
        store_note(s, "no such subscription on this account");
        st = BC_NOT_FOUND;
    }
    return st;
}

enum bc_status store_cart_remove(struct store *s, int64_t account_id, int64_t subscription_id)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CART_REMOVE,
        "DELETE FROM cart_items WHERE account_id = ?1 AND subscription_id = ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    db_bind_int64(q, 2, subscription_id);
    return store_run(s, q);
}

enum bc_status store_cart_remove_product(struct store *s, int64_t account_id, const char *product)
{
    struct db_stmt *q;
    if (!product)
        return BC_INVALID_ARGUMENT;
    enum bc_status st = store_prep(s, SL_CART_REMOVE_PRODUCT,
        "DELETE FROM cart_items WHERE account_id = ?1 AND subscription_id IS NULL"
        " AND product = ?2", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    store_bind_text(q, 2, product);
    return store_run(s, q);
}

/* ---------------------------------------------------------------- card */

enum bc_status store_card_get(struct store *s, int64_t account_id, struct store_card *out)
{
    struct db_stmt *q;
    memset(out, 0, sizeof *out);
    enum bc_status st = store_prep(s, SL_CARD_GET,
        "SELECT id, brand, last4, exp_month, exp_year FROM payment_methods"
        " WHERE account_id = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    out->id = db_column_int64(q, 0);
    store_col_copy(q, 1, out->brand, sizeof out->brand);
    store_col_copy(q, 2, out->last4, sizeof out->last4);
    out->exp_month = db_column_int(q, 3);
    out->exp_year = db_column_int(q, 4);
    db_reset(q);
    return BC_OK;
}

enum bc_status store_card_set(struct store *s, int64_t account_id, const struct store_card *card)
{
    struct db_stmt *q;
    enum bc_status st = store_prep(s, SL_CARD_SET,
        "INSERT INTO payment_methods(account_id, brand, last4, exp_month, exp_year)"
        " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(account_id) DO UPDATE SET"
        " brand = excluded.brand, last4 = excluded.last4, exp_month = excluded.exp_month,"
        " exp_year = excluded.exp_year", &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, account_id);
    db_bind_textn(q, 2, card->brand, (int)strnlen(card->brand, sizeof card->brand));
    db_bind_textn(q, 3, card->last4, (int)strnlen(card->last4, sizeof card->last4));
    db_bind_int64(q, 4, card->exp_month);
    db_bind_int64(q, 5, card->exp_year);
    return store_run(s, q);
}

/* ------------------------------------------- sign-in failures (schema v2)
 * Kiosk sign-in counts failures per normalised e-mail (store.h). Few calls
 * per sign-in, so the statements are prepared per call rather than cached. */

static enum bc_status sign_in_prepare(struct store *s, const char *sql, struct db_stmt **q)
{
    int rc = db_prepare(s->db, sql, q);

    return rc == DB_OK ? BC_OK : store_fail(s, rc);
}

enum bc_status store_sign_in_get(struct store *s, const char *email, int *failures,
                                 int64_t *locked_until)
{
    struct db_stmt *q = NULL;
    enum bc_status st;

    *failures = 0;
    *locked_until = 0;
    if (!email)
        return BC_INVALID_ARGUMENT;
    st = sign_in_prepare(s, "SELECT failures, locked_until FROM sign_in_failures"
                            " WHERE email = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, email);
    st = store_row(s, q);
    if (st == BC_OK) {
        *failures = db_column_int(q, 0);
        *locked_until = db_column_int64(q, 1);
    } else if (st == BC_NOT_FOUND) {
        st = BC_OK;
    }
    db_finalize(q);
    return st;
}

enum bc_status store_sign_in_put(struct store *s, const char *email, int failures,
                                 int64_t locked_until)
{
    struct db_stmt *q = NULL;
    enum bc_status st;

    if (!email || failures < 0)
        return BC_INVALID_ARGUMENT;
    st = sign_in_prepare(s, "INSERT INTO sign_in_failures(email, failures, locked_until)"
                            " VALUES(?1, ?2, ?3) ON CONFLICT(email) DO UPDATE SET"
                            " failures = excluded.failures,"
                            " locked_until = excluded.locked_until", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, email);
    db_bind_int64(q, 2, failures);
    db_bind_int64(q, 3, locked_until);
    st = store_run(s, q);
    db_finalize(q);
    return st;
}

enum bc_status store_sign_in_clear(struct store *s, const char *email)
{
    struct db_stmt *q = NULL;
    enum bc_status st;

    if (!email)
        return BC_INVALID_ARGUMENT;
    st = sign_in_prepare(s, "DELETE FROM sign_in_failures WHERE email = ?1", &q);
    if (st != BC_OK)
        return st;
    db_bind_text(q, 1, email);
    st = store_run(s, q);
    db_finalize(q);
    return st;
}

enum bc_status store_sign_in_prune(struct store *s, int64_t now)
{
    struct db_stmt *q = NULL;
    enum bc_status st = sign_in_prepare(s, "DELETE FROM sign_in_failures"
                                           " WHERE locked_until != 0 AND locked_until <= ?1", &q);

    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, now);
    st = store_run(s, q);
    db_finalize(q);
    return st;
}
