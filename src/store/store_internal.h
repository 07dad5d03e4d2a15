/* store_internal.h — what the store's own files share: the connection (an
 * engine behind db.h), its prepared-statement cache, error mapping and
 * transaction helpers.
 * Only the files of src/store include it; callers see store.h alone. */
#ifndef BC_STORE_INTERNAL_H
#define BC_STORE_INTERNAL_H

#include "db.h"

#include "store.h"

/* Slots of the per-connection statement cache, one per hot statement. */
enum store_slot {
    SL_ACCOUNT_GET, SL_ACCOUNT_SEARCH, SL_ACCOUNT_SEARCH_FIRST,
    SL_ACCOUNT_SEARCH_COUNT, SL_ACCOUNT_INSERT, SL_ACCOUNT_SET_VAT, SL_ACCOUNT_COUNT,
    SL_ACCOUNT_UPDATE,
    SL_CONTACT_GET, SL_CONTACT_BY_EMAIL, SL_CONTACTS, SL_CONTACT_INSERT, SL_CONTACT_SET_BILLING,
    SL_CONTACT_SET_PIN, SL_CONTACT_SIGN_IN,
    SL_USERS, SL_USER_INSERT, SL_USER_DELETE, SL_USER_SEATS_DELETE,
    SL_SUBS, SL_SUB_GET, SL_SUB_INSERT, SL_HISTORY_INSERT, SL_SUB_STATE, SL_SUB_UPDATE,
    SL_SUBS_DUE, SL_SUBS_DUE_ACCOUNT, SL_SUBS_DUE_AFTER, SL_SUBS_DUE_AFTER_ACCOUNT,
    SL_SUB_LIFE,
    SL_EVENT_INSERT, SL_EVENTS_AFTER, SL_EVENTS_UNDELIVERED, SL_EVENT_DELIVERED,
    SL_SEATS, SL_SEAT_IS, SL_SEAT_ADD, SL_SEAT_DEL, SL_USER_ACCOUNT,
    SL_CART_GET, SL_CART_PUT, SL_CART_REMOVE, SL_CART_REMOVE_SUB,
    SL_CARD_GET, SL_CARD_SET,
    SL_ORDER_BY_KEY, SL_ORDERS, SL_ORDER_LINES, SL_ORDER_INSERT, SL_LINE_INSERT,
    SL_VAT_CHECK_GET, SL_VAT_CHECK_INSERT,
    SL_BALANCE_GET, SL_BALANCE_SET, SL_LEDGER_INSERT, SL_LEDGER_SUM,
    SL_AUDIT_INSERT,
    SL_OP_GET, SL_OP_PUT, SL_OP_REMOVE, SL_OP_ADMINS,
    SL_CHARGE_GET, SL_CHARGE_PUT, SL_PENDING_PUT, SL_PENDING_DONE,
    SL_PENDING_READ, SL_PENDING_OWN, SL_PENDING_MOVE, SL_PENDING_DECLINE,
    SL_TX_BEGIN, SL_TX_SAVEPOINT, SL_TX_COMMIT, SL_TX_RELEASE,
    SL_SUB_OF_PRODUCT,
    SL_CART_PUT_NEW, SL_CART_REMOVE_PRODUCT,
    SL_DOC_LAST_DAY, SL_DOC_NEXT_NUMBER, SL_DOC_NEXT_ID, SL_DOC_LATEST_INVOICE, SL_DOC_INSERT,
    SL_DOC_CREDIT_INSERT,
    SL_KEY_CLAIM_READ, SL_KEY_CLAIM_INSERT,
    SL_COUNT
};

struct store {
    struct db *db;
    enum db_engine engine;
    bool readonly;
    struct db_stmt *cache[SL_COUNT];
    char errmsg[512];
    /* store_bulk_load: while on, writes inside an open transaction take no
     * savepoint of their own and seat assignments skip their re-checks (a
     * failed write leaves the caller's transaction to be rolled back whole);
     * `bulk_indexes` holds the CREATE INDEX text of the indexes dropped for
     * a fresh load, recreated when the load ends; `bulk_first_sub` is the
     * first subscription whose history row waits for the load's end (0: none). */
    bool bulk;
    char **bulk_indexes;
    size_t bulk_nindexes;
    int64_t bulk_first_sub;
    /* Multi-row inserts of 1..STORE_ROWS_MAX rows (index = rows), prepared
     * on first use: users, seat assignments, subscriptions. */
#define STORE_ROWS_MAX 8
    struct db_stmt *users_rows[STORE_ROWS_MAX + 1];
    struct db_stmt *seats_rows[STORE_ROWS_MAX + 1];
    struct db_stmt *subs_rows[STORE_ROWS_MAX + 1];
};

/* The part of an e-mail whose words account search keeps, as an SQL
 * expression of `col`: up to its last '.', leaving out the top-level domain
 * that a third of all addresses share ("com", "it"). */
#define STORE_EMAIL_WORDS(col) \
    "(CASE WHEN instr(" col ", '.') THEN rtrim(" col ", replace(" col ", '.', '')) ELSE " col " END)"

/* Schema migrations (store_schema.c): the SQL that lifts a database from
 * version - 1 to `version` (1..STORE_SCHEMA_VERSION), NULL outside. */
const char *store_schema_step(int version);

/* The text of a statement whose SQL the engines do not share. */
#define STORE_SQL(s, sqlite, pg) ((s)->engine == DB_PG ? (pg) : (sqlite))

/* PostgreSQL's word folding, one table for bc_fold() in the schema and for
 * the queries store_search.c folds: each two-byte UTF-8 letter of FROM
 * becomes the letter of TO at its position (accents dropped). */
#define STORE_FOLD_FROM "àáâãäåèéêëìíîïòóôõöùúûüýÿñçÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝÑÇ"
#define STORE_FOLD_TO "aaaaaaeeeeiiiiooooouuuuyyncaaaaaaeeeeiiiiooooouuuuync"

/* The PostgreSQL schema: the SQL that lifts a PostgreSQL database from
 * version - 1 to `version` ("" where a version has nothing for it). */
const char *store_schema_pg_step(int version);

/* Engine openers (store_sqlite.c, store_pg.c): fill s->db and migrate. */
enum bc_status store_sqlite_open(struct store *s, const char *path, enum store_open_mode mode);
enum bc_status store_pg_open(struct store *s, const char *conninfo, enum store_open_mode mode);
/* The engines' bulk loads (store.h's store_bulk_load). */
enum bc_status store_sqlite_bulk(struct store *s, bool on);
enum bc_status store_pg_bulk(struct store *s, bool on);
/* SQLite's EXPLAIN QUERY PLAN of `sql`, one detail per line (store_test.h). */
enum bc_status store_sqlite_search_plan(struct store *s, const char *sql, char *buf, size_t size);

/* Runs raw statements (no parameters). */
enum bc_status store_exec(struct store *s, const char *sql);
/* store_run for an INSERT ... RETURNING id of one row: its id in *id. */
enum bc_status store_run_id(struct store *s, struct db_stmt *q, int64_t *id);
/* The same for `n` rows: their ids, ascending, in ids[0..n). */
enum bc_status store_run_ids(struct store *s, struct db_stmt *q, int64_t *ids, size_t n);
enum bc_period store_col_period(struct db_stmt *q, int col);

/* The account row's columns and its reader (store_accounts.c), for search. */
#define STORE_ACCOUNT_COLS "id, name, kind, currency, country, vat_number, balance_minor," \
                     " coalesce(billing_contact_id, 0), balance_version, legal_name, address," \
                     " tax_code, pec, sdi_code, street, street_number, postcode, city, province"
enum bc_status store_read_account(struct db_stmt *q, void *item);

/* Maps a db.h result to a status and keeps the connection's message. */
enum bc_status store_fail(struct store *s, int rc);
/* Keeps a message of our own (for refusals decided in C). */
void store_note(struct store *s, const char *msg);
/* The cached statement for `slot`, prepared from `sql` on first use, reset
 * and unbound. Borrowed. */
enum bc_status store_prep(struct store *s, enum store_slot slot, const char *sql,
                          struct db_stmt **out);
/* Steps a write statement to completion and resets it. */
enum bc_status store_run(struct store *s, struct db_stmt *q);
/* Runs a one-row query: BC_OK with the row current, BC_NOT_FOUND, or an error
 * (the statement is then reset). The caller resets after reading. */
enum bc_status store_row(struct store *s, struct db_stmt *q);

/* A write of several statements: BEGIN IMMEDIATE when no transaction is
 * open, a savepoint inside one. tx_end commits on BC_OK, else rolls back,
 * and returns the final status. */
enum bc_status store_tx_begin(struct store *s, bool *own);
/* In a bulk load (s->bulk) inside an open transaction neither takes nor
 * ends a savepoint: the caller rolls back the whole transaction on failure. */
enum bc_status store_tx_end(struct store *s, bool own, enum bc_status st);

/* Fills one zeroed item from the current row; may leave partial allocations
 * behind on failure, for the list's clear function to free. */
typedef enum bc_status (*store_read_fn)(struct db_stmt *q, void *item);
/* Steps q to its end, appending one `size`-byte item per row to the array
 * whose pointer is at `items` (count in *n), then resets q. On failure the
 * items read so far stay for the caller to clear. */
enum bc_status store_rows(struct store *s, struct db_stmt *q, void *items, size_t *n, size_t size,
                          store_read_fn read);
#define STORE_ROWS(s, q, list, read) \
    store_rows((s), (q), &(list)->items, &(list)->n, sizeof *(list)->items, (read))
/* store_row, then `read` into *out and reset: BC_NOT_FOUND when no row. */
enum bc_status store_one(struct store *s, struct db_stmt *q, store_read_fn read, void *out);

/* Heap copy of a text column, NULL for SQL NULL; sets *oom on failure. */
char *store_col_dup(struct db_stmt *q, int col, bool *oom);
/* Binds text or NULL. */
void store_bind_text(struct db_stmt *q, int idx, const char *text);
/* Copies a text column into a fixed buffer ("" for SQL NULL), truncating. */
void store_col_copy(struct db_stmt *q, int col, char *buf, size_t size);

/* How an enum is spelled in the database. In each table the first entry is
 * the default: for a value not in the table and for text not in it (or NULL),
 * so that an unexpected row reads as the least privileged or plainest case. */
struct store_name {
    int value;
    const char *text;
};
const char *store_name_text(const struct store_name *t, size_t n, int value);
int store_name_value(const struct store_name *t, size_t n, const char *text);
#define STORE_NAME_TEXT(t, v) store_name_text((t), sizeof(t) / sizeof *(t), (int)(v))
#define STORE_NAME_COL(t, q, col) \
    store_name_value((t), sizeof(t) / sizeof *(t), db_column_text((q), (col)))

/* store_run for an UPDATE or DELETE of one keyed row: BC_NOT_FOUND when it
 * touched none. */
enum bc_status store_run_changed(struct store *s, struct db_stmt *q);
/* Runs a one-row, one-column query (e.g. a count) into *out, then resets. */
enum bc_status store_int64(struct store *s, struct db_stmt *q, int64_t *out);

/* Issues `d` for the order just written in the open transaction
 * (store_documents.c, store.h's store_doc_issue). */
enum bc_status store_doc_write(struct store *s, int64_t order_id, int64_t account_id,
                               const char *currency, struct store_doc_issue *d);

/* Version, seats, assigned seats and account of a subscription. */
enum bc_status store_sub_state(struct store *s, int64_t id, int64_t *version, int *seats,
                               int *assigned, int64_t *account_id);
/* Inserts a new subscription inside the open transaction (an order's,
 * SPEC §8 Add a product) with its first history row naming `order_id`;
 * sets x->id and x->version (1). */
enum bc_status store_sub_create(struct store *s, struct store_subscription *x, int64_t order_id);
/* Whether the account has a subscription (in any state) to `product`. */
enum bc_status store_sub_of_product(struct store *s, int64_t account_id, const char *product,
                                    bool *found);
/* Appends the subscription's current row to its history (order_id 0 = none). */
enum bc_status store_history_append(struct store *s, int64_t subscription_id, int64_t order_id);

const char *store_period_text(enum bc_period p);
enum bc_period store_period_from(const char *t);

/* The body of every *_list_clear(): clears each item with `clear`, frees the
 * array and leaves an empty list; a NULL list is fine. A macro so that each
 * list keeps its own item type. */
#define STORE_LIST_CLEAR(l, clear)                        \
    do {                                                  \
        if (!(l))                                         \
            return;                                       \
        for (size_t i_ = 0; i_ < (l)->n; i_++)            \
            clear(&(l)->items[i_]);                       \
        free((l)->items);                                 \
        (l)->items = NULL;                                \
        (l)->n = 0;                                       \
    } while (0)

#endif
