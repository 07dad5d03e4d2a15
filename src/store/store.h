/* store.h — the one narrow interface to persistence. All SQL lives behind it
 * (src/store), on SQLite or PostgreSQL (db.h's engines); callers see records
 * and status codes, never the engine.
 *
 * Records own their strings (heap); *_clear() frees them and accepts zeroed
 * records. Lists own their items; *_list_clear() frees them. */
#ifndef BC_STORE_H
#define BC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "ids.h"
#include "status.h"

struct store;

#define STORE_SCHEMA_VERSION 11  /* 7: subscription life (SPEC §8); 8: fiscal documents (SPEC §9); 9: VAT number evidence (SPEC §9); 10: cart items for new products (SPEC §8); 11: the documents' outbox (issue 14) */

enum store_open_mode {
    STORE_OPEN_EXISTING,  /* the file must exist and hold a billcenter schema */
    STORE_OPEN_CREATE,    /* create (0600) and migrate when missing */
};

/* Opens `target`: a PostgreSQL conninfo ("service=billcenter",
 * "host=/run/postgresql dbname=billcenter") or URI (postgresql://…), else a
 * SQLite file. Migrates older schemas (SQLite: WAL, synchronous=FULL,
 * foreign_keys=ON, busy_timeout 5 s). Refuses: a newer schema
 * (BC_DB_NEWER), a file others can write (BC_DB_UNSAFE), a damaged file
 * (BC_DB_CORRUPT), no schema when not creating (BC_NOT_FOUND), a server
 * that cannot be reached or refuses the role (BC_DB_ERROR);
 * store_open_error() then says why in one line. */
enum bc_status store_open(const char *target, enum store_open_mode mode, struct store **out);
const char *store_open_error(void);
/* Whether a target names a PostgreSQL server rather than a file, and
 * whether it carries a password (refused on a command line: ps shows it). */
bool store_target_is_server(const char *target);
bool store_target_has_password(const char *target);
void store_close(struct store *s);                /* accepts NULL */
/* The last engine message, for diagnostics. Borrowed. */
const char *store_errmsg(const struct store *s);
/* A consistent copy of the whole database into a new file `dest` (mode
 * 0600) while other connections keep reading and writing. An existing
 * `dest` is refused (BC_IO_ERROR, errno EEXIST) unless `replace`; the copy
 * appears at `dest` only once it is complete. BC_INVALID_ARGUMENT when
 * `dest` is the database itself; errno says why on BC_IO_ERROR. */
enum bc_status store_backup(struct store *s, const char *dest, bool replace);

/* ---- explicit transactions (demo generation, multi-step writes) ---- */
enum bc_status store_begin(struct store *s);      /* a write transaction: writers queue */
enum bc_status store_commit(struct store *s);
void store_rollback(struct store *s);

/* ---- accounts ---- */
enum store_account_kind { STORE_ACCOUNT_STANDARD, STORE_ACCOUNT_CORPORATE };

struct store_account {
    int64_t id;
    char *name;
    enum store_account_kind kind;
    char currency[4];
    char country[3];
    char *vat_number;             /* NULL when none */
    int64_t balance;              /* credit balance C >= 0, minor units */
    int64_t billing_contact_id;   /* 0 when none */
    int64_t balance_version;      /* bumps on every balance change */
    char *legal_name;             /* NULL when none (then the name is used) */
    char *address;                /* billing address, NULL when none */
    /* The billing profile a fiscal document needs (schema v7, SPEC §9);
     * each NULL when not given. */
    char *tax_code;               /* codice fiscale (Italy), compact */
    char *pec;                    /* PEC address (Italy) */
    char *sdi_code;               /* codice destinatario (Italy), 7 characters */
    char *street, *street_number, *postcode, *city;
    char *province;               /* Italian province, two letters */
};
void store_account_clear(struct store_account *a);

struct store_account_list { struct store_account *items; size_t n; };
void store_account_list_clear(struct store_account_list *l);

enum bc_status store_account_get(struct store *s, int64_t id, struct store_account *out);
/* Type-ahead search, through indexes only (case and diacritics folded):
 * accounts whose id starts with the query's digits, whose name or a
 * contact's e-mail starts with the query, or with a word of the name or of
 * an e-mail starting with each word of the query. At most `limit` rows:
 * the id itself, the name itself, names then e-mails that start with the
 * query, word matches, longer ids; the oldest account first in each. */
enum bc_status store_account_search(struct store *s, const char *query, size_t limit,
                                    struct store_account_list *out);
enum bc_status store_account_insert(struct store *s, struct store_account *a); /* sets a->id */
enum bc_status store_account_set_vat(struct store *s, int64_t account_id, const char *vat_number,
                                     const char *country);
int64_t store_account_count(struct store *s);
/* Writes name, kind, country, vat_number, legal_name, address and the
 * billing profile of a->id (balance and billing contact are not touched). BC_NOT_FOUND when no
 * such account. */
enum bc_status store_account_update(struct store *s, const struct store_account *a);

/* ---- contacts (people of an account who sign in) ---- */
enum store_contact_role { STORE_ROLE_BILLING, STORE_ROLE_ADMIN, STORE_ROLE_USER };

struct store_contact {
    int64_t id;
    int64_t account_id;
    char *name;
    char *email;
    enum store_contact_role role;
    char *pin_hash;               /* NULL when no PIN set */
    int failed_attempts;
    int64_t locked_until;         /* unix seconds, 0 when not locked */
};
void store_contact_clear(struct store_contact *c);
struct store_contact_list { struct store_contact *items; size_t n; };
void store_contact_list_clear(struct store_contact_list *l);

enum bc_status store_contact_get(struct store *s, int64_t id, struct store_contact *out);
enum bc_status store_contact_by_email(struct store *s, const char *email, struct store_contact *out);
enum bc_status store_contacts(struct store *s, int64_t account_id, struct store_contact_list *out);
enum bc_status store_contact_insert(struct store *s, struct store_contact *c); /* sets c->id */
enum bc_status store_contact_set_pin(struct store *s, int64_t contact_id, const char *pin_hash);
/* Records a sign-in result: failure increments the count and sets
 * locked_until when it reaches the limit; success resets both. */
enum bc_status store_contact_sign_in_result(struct store *s, int64_t contact_id, bool ok,
                                            int failed_attempts, int64_t locked_until);
/* Inserts accounts[0..n) and, for each whose contacts[i].email is not
 * NULL, its billing contact contacts[i], in one transaction (joined when
 * one is open): all or none. Sets the ids. On failure nothing is kept and
 * *failed (may be NULL) gets the index of the row that failed. */
enum bc_status store_accounts_insert(struct store *s, struct store_account *accounts,
                                     struct store_contact *contacts, size_t n, size_t *failed);

/* ---- users of the products (who get seats) ---- */
struct store_user { int64_t id; int64_t account_id; char *name; char *email; };
void store_user_clear(struct store_user *u);
struct store_user_list { struct store_user *items; size_t n; };
void store_user_list_clear(struct store_user_list *l);
enum bc_status store_users(struct store *s, int64_t account_id, struct store_user_list *out);
/* Sets u->id; BC_DUPLICATE_USER_EMAIL (nothing inserted) when the account
 * already has a user with that e-mail, compared without regard to case. */
enum bc_status store_user_insert(struct store *s, struct store_user *u);
/* Removes user_id of account_id with every seat it holds, in one
 * transaction; *seats_freed (may be NULL) gets how many seats it held.
 * BC_NOT_FOUND when the account has no such user. */
enum bc_status store_user_delete(struct store *s, int64_t account_id, int64_t user_id,
                                 int *seats_freed);

/* ---- subscriptions ---- */
/* SPEC §8's states. A subscription past due keeps its service (and its
 * period [P0, P1) whose renewal at P1 is unpaid); a suspended one has none. */
enum store_sub_status {
    STORE_SUB_ACTIVE, STORE_SUB_TRIAL, STORE_SUB_TRIAL_ENDED,
    STORE_SUB_PAST_DUE, STORE_SUB_SUSPENDED, STORE_SUB_CANCELED,
};

struct store_subscription {
    int64_t id;
    int64_t account_id;
    char *product;                /* catalog product id */
    char *plan;                   /* catalog plan id */
    int seats;
    int seats_assigned;           /* computed from seat assignments */
    enum bc_period period;
    enum store_sub_status status;
    bc_day period_start, period_end;  /* [P0, P1) */
    bc_day item_start;                /* I0 */
    int anchor_day;
    int64_t billed;               /* B */
    int64_t credited;
    int64_t price;                /* per-seat price billed for the current item */
    int64_t version;              /* bumps on every change; history is gapless */
    /* SPEC §8's auto_renew flag, said the other way round so that a zeroed
     * record renews: true after Cancel subscription (it ends at P1). */
    bool auto_renew_off;
    /* A change waiting for the renewal at P1 (sched_plan NULL: none). */
    char *sched_plan;
    int sched_seats;
    enum bc_period sched_period;
    /* past_due / suspended: P1 of the unpaid renewal and the day its charge
     * last failed; 0 otherwise. */
    bc_day past_due_since;
    bc_day last_attempt;
};
void store_subscription_clear(struct store_subscription *x);
struct store_subscription_list { struct store_subscription *items; size_t n; };
void store_subscription_list_clear(struct store_subscription_list *l);

enum bc_status store_subscriptions(struct store *s, int64_t account_id,
                                   struct store_subscription_list *out); /* by product id */
enum bc_status store_subscription_get(struct store *s, int64_t id, struct store_subscription *out);
enum bc_status store_subscription_insert(struct store *s, struct store_subscription *x); /* sets id, version 1 */
/* Both refuse (BC_INVALID_ARGUMENT) a product or plan id longer than BC_ID_MAX
 * (the scheduled plan's too). */

/* The subscriptions `renew` looks at on `day`: period_end <= day and
 * status active, trial or past_due, by period_end then id (an index read);
 * only account_id's when it is not 0. */
enum bc_status store_subscriptions_due(struct store *s, bc_day day, int64_t account_id,
                                       struct store_subscription_list *out);
/* The same, `limit` at most, those after (after_end, after_id) in that
 * order only: a run reads its due set page by page, in memory that does
 * not grow with the set. */
enum bc_status store_subscriptions_due_after(struct store *s, bc_day day, int64_t account_id,
                                             bc_day after_end, int64_t after_id, size_t limit,
                                             struct store_subscription_list *out);

/* A subscription's state as SPEC §8 moves it, outside any order: status,
 * auto_renew, the scheduled change and the dunning days. */
struct store_sub_life {
    int64_t subscription_id;
    int64_t expect_version;       /* refused (BC_STALE_QUOTE) when it moved */
    enum store_sub_status status;
    bool auto_renew_off;
    const char *sched_plan;       /* NULL: nothing scheduled */
    int sched_seats;
    enum bc_period sched_period;
    bc_day past_due_since, last_attempt;   /* 0: none */
    int anchor_day;               /* 1..31; 0 keeps it (a trial's unpaid renewal
                                   * lands on its end's day) */
};

/* ---- the event log (append-only but for delivered_at) ---- */
struct store_event {
    int64_t id;
    int64_t at;                   /* unix seconds */
    const char *type;             /* "subscription.renewed", "order.placed", ... */
    int64_t account_id;           /* 0 when none */
    int64_t subscription_id;      /* 0 when none */
    const char *payload;          /* JSON text */
    int64_t delivered_at;         /* unix seconds, 0 while undelivered */
};
/* Appends one event (id and at set by the store when 0: now), joining an
 * open transaction, so that a change and its event are written together.
 * Sets e->id. */
enum bc_status store_event_append(struct store *s, struct store_event *e);

/* One transaction: writes `life` when the subscription still has
 * expect_version (else BC_STALE_QUOTE, nothing written), bumps the version
 * with a history row, and appends the events[0..nevents) (their ids set). */
enum bc_status store_subscription_set_life(struct store *s, const struct store_sub_life *life,
                                           struct store_event *events, size_t nevents);

/* Events in id order after `after_id`, at most `limit` (0: no limit);
 * only undelivered ones when `undelivered`. Owned copies (the list's clear
 * frees them): the caller may write to the store while it holds them. */
struct store_event_list { struct store_event *items; size_t n; };
void store_event_list_clear(struct store_event_list *l);
enum bc_status store_events(struct store *s, int64_t after_id, bool undelivered, size_t limit,
                            struct store_event_list *out);
/* Sets delivered_at of an undelivered event (one already delivered keeps
 * its first time: BC_OK). BC_NOT_FOUND when there is no such event. */
enum bc_status store_event_delivered(struct store *s, int64_t id, int64_t at);

/* ---- seats ---- */
/* Users of the account with, for one subscription, whether each holds a seat. */
struct store_seat { int64_t user_id; char *name; char *email; bool assigned; };
struct store_seat_list { struct store_seat *items; size_t n; };
void store_seat_list_clear(struct store_seat_list *l);
enum bc_status store_seats(struct store *s, int64_t subscription_id, struct store_seat_list *out);
/* Assigns or unassigns; assigning beyond the subscription's seats is
 * BC_SEATS_EXHAUSTED (checked inside the write transaction). */
enum bc_status store_seat_set(struct store *s, int64_t subscription_id, int64_t user_id, bool assigned);

/* ---- cart: at most one item per subscription, or per product the
 * account does not have yet (subscription_id 0: checking it out creates
 * the subscription, SPEC §8 Add a product) ---- */
struct store_cart_item {
    int64_t subscription_id;      /* 0: a new subscription to `product` */
    char *product;
    char *to_plan;
    int to_seats;
    enum bc_period to_period;
    int64_t base_version;         /* subscription version the choice was made on */
};
void store_cart_item_clear(struct store_cart_item *c);
struct store_cart { struct store_cart_item *items; size_t n; };
void store_cart_clear(struct store_cart *c);
enum bc_status store_cart_get(struct store *s, int64_t account_id, struct store_cart *out);
/* Inserts or replaces the item for that subscription, or (subscription_id
 * 0) for that product, which the account must not have: BC_NOT_FOUND when
 * the subscription is not the account's, BC_ALREADY_SUBSCRIBED when the
 * account has the product. */
enum bc_status store_cart_put(struct store *s, int64_t account_id, const struct store_cart_item *item);
enum bc_status store_cart_remove(struct store *s, int64_t account_id, int64_t subscription_id);
/* Removes the item for a product the account does not have yet. */
enum bc_status store_cart_remove_product(struct store *s, int64_t account_id, const char *product);

/* ---- payment methods: brand, last 4 and expiry only ---- */
struct store_card { int64_t id; char brand[16]; char last4[5]; int exp_month; int exp_year; };
/* BC_NOT_FOUND when the account keeps no card. */
enum bc_status store_card_get(struct store *s, int64_t account_id, struct store_card *out);
enum bc_status store_card_set(struct store *s, int64_t account_id, const struct store_card *card);

/* ---- orders ---- */
enum store_line_kind { STORE_LINE_CREDIT, STORE_LINE_CHARGE, STORE_LINE_TAX };

struct store_order_line {
    int64_t subscription_id;
    char *product;
    char *plan_from, *plan_to;
    int seats_from, seats_to;
    enum bc_period period_from, period_to;
    enum store_line_kind kind;
    int64_t amount;
    bc_day from, to;
    bool reverse_charge;
};

/* The new state of one subscription that an order writes. */
struct store_sub_change {
    int64_t subscription_id;
    int64_t expect_version;       /* refused (BC_STALE_QUOTE) when it moved */
    const char *plan;
    int seats;
    enum bc_period period;
    bc_day period_start, period_end, item_start;
    int anchor_day;
    int64_t billed;
    int64_t price;
    /* A renewal (or Pay now): also active with auto_renew on and no dunning
     * days left. Any change an order writes drops the scheduled change. */
    bool renewal;
    /* subscription_id 0: a new subscription to `product` (SPEC §8 Add a
     * product), refused (BC_ALREADY_SUBSCRIBED) when the account has the
     * product by then; created active (trial: as its trial) with the
     * order, its id set in the order's lines for it (subscription_id 0,
     * same product) and written to *new_id (may be NULL). */
    const char *product;
    bool trial;
    int64_t *new_id;
};

/* How an order's VAT number was checked (SPEC §9), kept with the order as
 * the evidence of its VAT treatment. `present` false: the order relied on
 * no VAT number (or was placed before the evidence was kept). */
enum store_vat_method { STORE_VAT_OFFLINE, STORE_VAT_VIES };
struct store_vat_check {
    bool present;
    enum store_vat_method method;
    char country[3];
    char vat_number[32];          /* normalised, with its country prefix */
    char requester[32];           /* the seller's VAT number sent along, "" when none */
    bool valid;
    char name[256];               /* as VIES returned them, "" when none */
    char address[512];
    char consultation[128];       /* VIES request identifier, "" when none */
    int64_t checked_at;           /* unix seconds */
    char reason[256];             /* offline: why VIES was not asked or did not answer */
};

struct store_order {
    int64_t id;
    int64_t account_id;
    char *idempotency_key;
    char currency[4];
    bc_day day;                   /* the civil day it was placed */
    int64_t created_at;           /* unix seconds */
    int64_t subtotal, tax, total, balance_applied, due, balance_after;
    char *actor;                  /* operator name or "contact:<id>" */
    char *payment_ref;            /* processor reference, NULL when nothing was due */
    struct store_order_line *lines;
    size_t nlines;
    struct store_vat_check vat_check;   /* written with the order when present */
};
void store_order_clear(struct store_order *o);
struct store_order_list { struct store_order *items; size_t n; };
void store_order_list_clear(struct store_order_list *l);

/* One write transaction: re-checks each change's expect_version,
 * that seats >= assigned, and that the account's balance still equals
 * `expect_balance`; then writes the order, its lines, ledger entries
 * (balance applied: -applied; credit added: +(-T)), the subscription changes
 * (version + 1, history row), the new balance, removes the matching cart
 * items, and appends `audit` — all or nothing. order->id is set on success.
 * A key already used returns BC_OK with the first order in *existing and
 * *replayed = true, writing nothing. */
struct store_audit_entry;
enum bc_status store_order_commit(struct store *s, struct store_order *order,
                                  const struct store_sub_change *changes, size_t nchanges,
                                  int64_t expect_balance,
                                  const struct store_audit_entry *audit,
                                  bool *replayed);
enum bc_status store_order_by_key(struct store *s, const char *key, struct store_order *out);
enum bc_status store_orders(struct store *s, int64_t account_id, struct store_order_list *out); /* newest first, with lines */

/* ---- ledger (append-only) ---- */
/* Sum of the account's ledger entries (equals its balance). */
enum bc_status store_ledger_sum(struct store *s, int64_t account_id, int64_t *out);
/* Opening balance for demo/import: one ledger row and the balance, together. */
enum bc_status store_ledger_opening(struct store *s, int64_t account_id, int64_t amount);

/* ---- audit (append-only) ---- */
struct store_audit_entry {
    int64_t id;
    int64_t at;                   /* unix seconds */
    const char *actor;            /* operator Unix name, or "contact:<id> <email>" */
    const char *origin;           /* SSH_CLIENT, "kiosk", "local" */
    int64_t account_id;           /* 0 when none */
    const char *action;           /* "order.place", "cart.put", "seat.assign", ... */
    const char *before;           /* JSON text or NULL */
    const char *after;            /* JSON text or NULL */
    const char *result;           /* "ok" or a bc_status code */
};
enum bc_status store_audit_append(struct store *s, const struct store_audit_entry *e);
/* Rows in id order; filter by account (0 = all) and since (unix seconds, 0 = all).
 * The callback's strings are borrowed for the call; return false to stop. */
enum bc_status store_audit_each(struct store *s, int64_t account_id, int64_t since,
                                bool (*cb)(void *ctx, const struct store_audit_entry *e), void *ctx);

/* ---- operators ---- */
enum store_operator_role { STORE_OP_ADMIN, STORE_OP_OPERATOR, STORE_OP_READONLY };
/* BC_NOT_FOUND when the name is not an operator. */
enum bc_status store_operator_get(struct store *s, const char *unix_name, enum store_operator_role *role);
enum bc_status store_operator_put(struct store *s, const char *unix_name, enum store_operator_role role);
enum bc_status store_operator_remove(struct store *s, const char *unix_name);
enum bc_status store_operator_each(struct store *s,
                                   bool (*cb)(void *ctx, const char *name, enum store_operator_role role),
                                   void *ctx);
int64_t store_operator_admin_count(struct store *s);

/* ---- the test processor's own record and pending checkouts ---- */
enum store_charge_state { STORE_CHARGE_APPROVED, STORE_CHARGE_DECLINED, STORE_CHARGE_REFUNDED };
/* The built-in test processor's record, committed on its own (a real
 * gateway's record lives elsewhere). BC_NOT_FOUND when the key is unknown. */
enum bc_status store_test_charge_get(struct store *s, const char *key, enum store_charge_state *state,
                                     int64_t *amount, char *reference, size_t refsize);
enum bc_status store_test_charge_put(struct store *s, const char *key, enum store_charge_state state,
                                     int64_t amount, const char *currency, const char *reference);
/* The test processor's charge, in one transaction, so that processes
 * charging one key at once make one charge: unless the key holds an
 * approved charge, records `want` (approved or declined) with `amount` and
 * `reference`; either way *state, *amount_out and reference_out (refsize
 * bytes) then say what the key holds — an earlier approval is the same
 * charge, whatever this request's amount. */
enum bc_status store_test_charge_take(struct store *s, const char *key, enum store_charge_state want,
                                      int64_t amount, const char *currency, const char *reference,
                                      enum store_charge_state *state, int64_t *amount_out,
                                      char *reference_out, size_t refsize);
/* Marks the key's approved charge refunded in one statement (BC_OK when
 * nothing is approved under it); amount, currency and reference stay. */
enum bc_status store_test_charge_refund(struct store *s, const char *key);

/* A checkout about to be charged: written (own transaction) before the
 * charge so that `reconcile` can find charges whose order was never written.
 * `request` is the JSON of what was ordered. */
enum bc_status store_pending_put(struct store *s, const char *key, int64_t account_id,
                                 int64_t amount, const char *currency, const char *request);
enum bc_status store_pending_done(struct store *s, const char *key, const char *outcome);
enum bc_status store_pending_each(struct store *s,
                                  bool (*cb)(void *ctx, const char *key, int64_t account_id,
                                             int64_t amount, const char *currency, const char *request),
                                  void *ctx);

/* ---- migrate: a whole store into another ---- */
struct store_copy_table {
    char table[32];
    int64_t rows;
    int64_t money;     /* the sum of the table's money columns, minor units */
};
/* How many tables a copy reports (the size of store_copy's `out`). */
size_t store_copy_tables(void);
/* Copies every record of `src` into `dst`, which must hold none (either
 * engine to either), in one transaction on `dst` that commits only once
 * each table's row count and money sum read back equal the source's; on
 * failure `dst` keeps nothing and store_errmsg of the store that failed
 * says why (BC_INVALID_ARGUMENT: dst not empty). `src` is only read. */
enum bc_status store_copy(struct store *src, struct store *dst, struct store_copy_table *out,
                          size_t *nout);

/* ---- bulk loading (the demo generator's large databases) ---- */
/* For demo generation; turned on and off outside any transaction
 * (BC_INVALID_ARGUMENT otherwise). While on, inside a transaction the
 * caller opened, store writes take no savepoint of their own and
 * store_seat_set(.., true) inserts without its checks: after any failed
 * write the caller must roll back the whole transaction; and
 * store_subscription_insert leaves the first history row to the load's
 * end, which writes them all in one statement (the same rows). Off writes
 * those rows and then checks the whole database once — every reference
 * resolves, seats assigned <= seats, seat holders of the subscription's
 * account, every CHECK constraint — returning a problem as an error
 * (BC_DB_ERROR, BC_SEATS_EXHAUSTED, BC_INVALID_ARGUMENT) with
 * store_errmsg naming the row. How each engine makes the load fast (the
 * SQLite engine drops and rebuilds indexes and defers its checks; the
 * PostgreSQL one defers its constraints to the commit) is its own.
 * store_close ends a bulk load still on (rolling back an open transaction
 * first). */
enum bc_status store_bulk_load(struct store *s, bool on);
/* Inserts users[0..n) (all of `account_id`, whatever their own account_id
 * says) with few multi-row statements, setting each users[i].id. */
enum bc_status store_users_insert(struct store *s, int64_t account_id, struct store_user *users,
                                  size_t n);
/* store_seat_set(.., true) for each of user_ids[0..n); in a bulk load's
 * transaction, few multi-row statements without the checks (see above). */
enum bc_status store_seats_assign(struct store *s, int64_t subscription_id,
                                  const int64_t *user_ids, size_t n);
/* store_subscription_insert for each of subs[0..n) with few multi-row
 * statements (added for demo generation), setting each id and version;
 * all or none are written. */
enum bc_status store_subscriptions_insert(struct store *s, struct store_subscription *subs,
                                          size_t n);

/* ---- kiosk sign-in failures per e-mail (schema v2) ---- */
/* Failed sign-ins are counted per e-mail as typed, normalised by the caller
 * (access.c: trimmed, lowercased), whether or not a contact has it. Since
 * v2 the contacts' own failed_attempts / locked_until are no longer used
 * (the migration moved them here and left them 0). */
/* The count and lock for `email`; both 0 (and BC_OK) when it has no row. */
enum bc_status store_sign_in_get(struct store *s, const char *email, int *failures,
                                 int64_t *locked_until);
/* Sets (inserts or replaces) the count and lock for `email`. */
enum bc_status store_sign_in_put(struct store *s, const char *email, int failures,
                                 int64_t locked_until);
/* Forgets `email`'s count and lock (a success, a new PIN). BC_OK when it had none. */
enum bc_status store_sign_in_clear(struct store *s, const char *email);
/* Forgets every lock that ran out by `now` (locked_until <= now), so that
 * e-mails tried once do not pile up. */
enum bc_status store_sign_in_prune(struct store *s, int64_t now);


/* ---- one key, one outcome (added for exactly-once under races, SPEC §4) ----
 * A checkout's key moves through: open (pending, outcome NULL, the request
 * of the attempt that wrote it last) -> ordered, declined, or
 * 'refunding:<n>' (n attempts claimed it for a refund) -> refunded when the
 * last of them saw its refund through. Each step below is one BEGIN
 * IMMEDIATE transaction, so that an order and a refund never both win one
 * key, and nobody charges a key again while a refund of it is on its way. */
enum store_key_state {
    STORE_KEY_FREE,        /* nothing in the way: the step was done */
    STORE_KEY_ORDERED,     /* an order holds the key: nothing written but its checkout marked 'ordered' */
    STORE_KEY_CLOSED,      /* the checkout is not this attempt's to order (refunding, refunded,
                            * declined, or open for other figures); nothing written */
    STORE_KEY_REFUNDING,   /* another attempt is refunding the key's charge; nothing written */
};

/* Writes the checkout pending (outcome NULL) before its charge, unless an
 * order holds the key (ORDERED) or it is being refunded (REFUNDING).
 * `request` should name the attempt uniquely (it is its identity at commit).
 * *prior_amount: the amount of the checkout it wrote over, -1 when the key
 * had none (when it had, an earlier attempt may still be charging it: check
 * what the processor charged). */
enum bc_status store_pending_open(struct store *s, const char *key, int64_t account_id,
                                  int64_t amount, const char *currency, const char *request,
                                  enum store_key_state *state, int64_t *prior_amount);
/* An idempotency key's claim (schema v3). */
enum store_key_claim {
    STORE_CLAIM_NEW,       /* nobody has the key: claimed when `write`, else nothing written */
    STORE_CLAIM_SAME,      /* the key is this request's, or its order predates fingerprints */
    STORE_CLAIM_OTHER,     /* the key was first used for another request: refuse */
};
/* store_pending_open that also claims the key for `fingerprint` in the
 * same transaction (store_key_claim's rules, declared below): with *claim
 * STORE_CLAIM_OTHER and *first_order the key's order, nothing is written. */
enum bc_status store_pending_open_claim(struct store *s, const char *key, int64_t account_id,
                                        int64_t amount, const char *currency,
                                        const char *request, const char *fingerprint,
                                        enum store_key_claim *claim, int64_t *first_order,
                                        enum store_key_state *state, int64_t *prior_amount);
/* Before a refund: unless an order holds the key (ORDERED: refund nothing),
 * marks its checkout 'refunding', after which no order commits under it.
 * FREE with *amount/currency (size >= 4) of the checkout, or *amount -1
 * when the key has no checkout. */
enum bc_status store_pending_claim_refund(struct store *s, const char *key,
                                          enum store_key_state *state, int64_t *amount,
                                          char *currency);
/* After the processor refunded: one claim fewer; 'refunded' after the last. */
enum bc_status store_pending_refunded(struct store *s, const char *key);
/* The processor declined: 'declined', only while open as `request` wrote it. */
enum bc_status store_pending_decline(struct store *s, const char *key, const char *request);
/* store_order_commit that also settles the key's checkout in the same
 * transaction. Paid (`checkout`: the request this attempt opened it with):
 * the checkout must still be open as written by it (else CLOSED /
 * REFUNDING, BC_STALE_QUOTE, nothing written) and is marked 'ordered' with
 * the order. Nothing due (`checkout` NULL): an open checkout under the key
 * (a charge may exist) is CLOSED too. A replay is ORDERED (BC_OK, *order is
 * the first order). */
enum bc_status store_order_place(struct store *s, struct store_order *order,
                                 const struct store_sub_change *changes, size_t nchanges,
                                 int64_t expect_balance, const struct store_audit_entry *audit,
                                 const char *checkout, enum store_key_state *state);

/* ---- fiscal documents (schema v7, SPEC §9) ----
 * One invoice or credit note per order, written in the order's own
 * transaction (store_order_place_doc) with the next number of its series
 * and year: gapless, since an order that rolls back takes its number back.
 * Documents, what a credit note credits and every attempt to hand one on
 * are append-only. */
enum store_doc_kind { STORE_DOC_INVOICE, STORE_DOC_CREDIT_NOTE };

#define STORE_DOC_NUMBER_MAX 20

/* An invoice a credit note credits. */
struct store_doc_ref {
    int64_t id;
    char number[STORE_DOC_NUMBER_MAX + 1];
    bc_day issued_on;
};

/* What `render` hands back: the frozen document (heap strings the store
 * frees), its number as printed and the figures it states. */
struct store_doc_rendered {
    char *model;                  /* JSON */
    char *fatturapa;              /* the FatturaPA XML */
    char number[STORE_DOC_NUMBER_MAX + 1];
    int64_t total, tax;           /* as the document states them (a credit note's >= 0) */
};

/* A document to issue with an order. Inside the order's transaction the
 * store takes the next number of (series, year of `day`) — refusing a day
 * before the series' last document's (BC_DOCUMENT_DATE_ORDER) —, the SdI
 * progressive (the document's id, the last one + 1), and for a credit note
 * the latest invoice of each subscription in credited_subs (none when they
 * were billed before documents began); then asks render for the document
 * and writes it with its credits. A failure of render rolls the order back. */
struct store_doc_issue {
    enum store_doc_kind kind;
    const char *series;
    bc_day day;
    const int64_t *credited_subs;
    size_t ncredited_subs;
    enum bc_status (*render)(void *ctx, int64_t sequence, int64_t progressive,
                             const struct store_doc_ref *credits, size_t ncredits,
                             struct store_doc_rendered *out);
    void *ctx;
    /* set when written */
    int64_t id;
    int64_t sequence;
    char number[STORE_DOC_NUMBER_MAX + 1];
};

/* store_order_place with the order's document (`doc` NULL: none). A replay
 * writes no document (doc->id stays 0: store_document_by_order finds the
 * first order's). */
enum bc_status store_order_place_doc(struct store *s, struct store_order *order,
                                     const struct store_sub_change *changes, size_t nchanges,
                                     int64_t expect_balance, const struct store_audit_entry *audit,
                                     const char *checkout, struct store_doc_issue *doc,
                                     enum store_key_state *state);

enum store_send_channel { STORE_SEND_EMAIL, STORE_SEND_SDI };   /* 'send', 'sdi' */
enum store_send_status {
    STORE_SEND_NONE,              /* never tried */
    STORE_SEND_SENDING,           /* claimed, no reply recorded (in flight, or died) */
    STORE_SEND_ACCEPTED, STORE_SEND_REJECTED, STORE_SEND_FAILED,
};
const char *store_send_status_name(enum store_send_status st);   /* "none", "sending", ... */

struct store_document {
    int64_t id;                   /* also its SdI progressive */
    enum store_doc_kind kind;
    char *series;
    int year;
    int64_t sequence;
    char number[STORE_DOC_NUMBER_MAX + 1];
    int64_t order_id, account_id;
    bc_day issued_on;
    char currency[4];
    int64_t total, tax;           /* as stated */
    char *model, *fatturapa;      /* NULL in lists */
    enum store_send_status sent[2];   /* latest per channel */
};
void store_document_clear(struct store_document *d);
struct store_document_list { struct store_document *items; size_t n; };
void store_document_list_clear(struct store_document_list *l);

/* With model and XML; BC_NOT_FOUND when none. */
enum bc_status store_document_get(struct store *s, int64_t id, struct store_document *out);
enum bc_status store_document_by_number(struct store *s, const char *number,
                                        struct store_document *out);
enum bc_status store_document_by_order(struct store *s, int64_t order_id,
                                        struct store_document *out);
/* The account's documents, oldest first, without model and XML. */
enum bc_status store_documents(struct store *s, int64_t account_id, struct store_document_list *out);
/* The ids of the documents `channel` has not accepted yet, oldest first. */
enum bc_status store_documents_unsent(struct store *s, enum store_send_channel channel,
                                      int64_t **ids, size_t *n);
/* The invoices a credit note credits, in id order (*refs: caller frees). */
enum bc_status store_document_credits(struct store *s, int64_t credit_note_id,
                                      struct store_doc_ref **refs, size_t *n);
/* Claims the next attempt at handing document `id` on through `channel`,
 * in one transaction: none when the channel accepted it (*state ACCEPTED)
 * or an attempt claimed after `in_flight_after` (unix seconds) has no reply
 * yet (*state SENDING: another run is at it); else appends a 'sending'
 * row and *attempt is its number (*state NONE). */
enum bc_status store_document_send_claim(struct store *s, int64_t id,
                                         enum store_send_channel channel, int64_t now,
                                         int64_t in_flight_after, int *attempt,
                                         enum store_send_status *state);
/* Appends the reply to a claimed attempt. */
enum bc_status store_document_send_result(struct store *s, int64_t id,
                                          enum store_send_channel channel, int attempt,
                                          enum store_send_status status, const char *reply,
                                          int64_t now);

/* ---- an idempotency key's request (schema v3; enum store_key_claim is
 * above, beside store_pending_open_claim) ---- */
/* Compares `fingerprint` with the one the key was first claimed with
 * (one read when not `write`, one write transaction when `write`); a key nobody claimed is claimed for it when
 * `write` (first writer wins), unless an order already holds the key (an
 * order placed before fingerprints: SAME, nothing written). *order_id: the
 * order under the key, 0 when none. `fingerprint` must not hold card
 * numbers or other secrets. */
enum bc_status store_key_claim(struct store *s, const char *key, int64_t account_id,
                               const char *fingerprint, bool write, enum store_key_claim *claim,
                               int64_t *order_id);

#endif
