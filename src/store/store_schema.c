/* store_schema.c — the database schema as a list of migrations keyed on
 * PRAGMA user_version. Version N's step lifts a database from N-1 to N; a
 * new version appends one step and bumps STORE_SCHEMA_VERSION. */
#include <stddef.h>

#include "store_internal.h"

static const char schema_v1[] =
    "CREATE TABLE accounts("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('standard','corporate')),"
    "  currency TEXT NOT NULL CHECK (length(currency) = 3),"
    "  country TEXT NOT NULL CHECK (length(country) = 2),"
    "  vat_number TEXT,"
    "  balance_minor INTEGER NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),"
    "  billing_contact_id INTEGER REFERENCES contacts(id),"
    "  balance_version INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX accounts_name ON accounts(name COLLATE NOCASE);"
    "CREATE TABLE contacts("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  name TEXT NOT NULL,"
    "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  role TEXT NOT NULL CHECK (role IN ('billing','admin','user')),"
    "  pin_hash TEXT,"
    "  failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),"
    "  locked_until INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX contacts_account ON contacts(account_id);"
    "CREATE TABLE users("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  name TEXT NOT NULL,"
    "  email TEXT NOT NULL);"
    "CREATE INDEX users_account ON users(account_id);"
    "CREATE TABLE subscriptions("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  product TEXT NOT NULL,"
    "  plan TEXT NOT NULL,"
    "  seats INTEGER NOT NULL CHECK (seats > 0),"
    "  period TEXT NOT NULL CHECK (period IN ('monthly','annual')),"
    "  status TEXT NOT NULL CHECK (status IN ('active','trial','trial_ended')),"
    "  period_start INTEGER NOT NULL,"
    "  period_end INTEGER NOT NULL CHECK (period_end > period_start),"
    "  item_start INTEGER NOT NULL CHECK (item_start >= period_start AND item_start < period_end),"
    "  anchor_day INTEGER NOT NULL CHECK (anchor_day BETWEEN 1 AND 31),"
    "  billed_minor INTEGER NOT NULL CHECK (billed_minor >= 0),"
    "  credited_minor INTEGER NOT NULL DEFAULT 0"
    "    CHECK (credited_minor >= 0 AND credited_minor <= billed_minor),"
    "  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),"
    "  version INTEGER NOT NULL CHECK (version >= 1));"
    "CREATE INDEX subscriptions_account ON subscriptions(account_id, product);"
    "CREATE TABLE seat_assignments("
    "  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  PRIMARY KEY (subscription_id, user_id)) WITHOUT ROWID;"
    "CREATE INDEX seat_assignments_user ON seat_assignments(user_id);"
    "CREATE TABLE cart_items("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  subscription_id INTEGER NOT NULL UNIQUE REFERENCES subscriptions(id),"
    "  to_plan TEXT NOT NULL,"
    "  to_seats INTEGER NOT NULL CHECK (to_seats > 0),"
    "  to_period TEXT NOT NULL CHECK (to_period IN ('monthly','annual')),"
    "  base_version INTEGER NOT NULL);"
    "CREATE INDEX cart_items_account ON cart_items(account_id);"
    "CREATE TABLE orders("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  idempotency_key TEXT NOT NULL UNIQUE,"
    "  currency TEXT NOT NULL CHECK (length(currency) = 3),"
    "  day INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  subtotal_minor INTEGER NOT NULL,"
    "  tax_minor INTEGER NOT NULL,"
    "  total_minor INTEGER NOT NULL,"
    "  balance_applied_minor INTEGER NOT NULL CHECK (balance_applied_minor >= 0),"
    "  due_minor INTEGER NOT NULL CHECK (due_minor >= 0),"
    "  balance_after_minor INTEGER NOT NULL CHECK (balance_after_minor >= 0),"
    "  actor TEXT NOT NULL,"
    "  payment_ref TEXT);"
    "CREATE INDEX orders_account ON orders(account_id, id);"
    "CREATE TABLE order_lines("
    "  id INTEGER PRIMARY KEY,"
    "  order_id INTEGER NOT NULL REFERENCES orders(id),"
    "  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),"
    "  product TEXT NOT NULL,"
    "  plan_from TEXT NOT NULL,"
    "  plan_to TEXT NOT NULL,"
    "  seats_from INTEGER NOT NULL CHECK (seats_from >= 0),"
    "  seats_to INTEGER NOT NULL CHECK (seats_to >= 0),"
    "  period_from TEXT NOT NULL CHECK (period_from IN ('monthly','annual')),"
    "  period_to TEXT NOT NULL CHECK (period_to IN ('monthly','annual')),"
    "  kind TEXT NOT NULL CHECK (kind IN ('credit','charge','tax')),"
    "  amount_minor INTEGER NOT NULL,"
    "  from_day INTEGER NOT NULL,"
    "  to_day INTEGER NOT NULL,"
    "  reverse_charge INTEGER NOT NULL CHECK (reverse_charge IN (0,1)));"
    "CREATE INDEX order_lines_order ON order_lines(order_id);"
    "CREATE TABLE subscription_history("
    "  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),"
    "  version INTEGER NOT NULL CHECK (version >= 1),"
    "  plan TEXT NOT NULL,"
    "  seats INTEGER NOT NULL CHECK (seats > 0),"
    "  period TEXT NOT NULL CHECK (period IN ('monthly','annual')),"
    "  period_start INTEGER NOT NULL,"
    "  period_end INTEGER NOT NULL,"
    "  item_start INTEGER NOT NULL,"
    "  billed_minor INTEGER NOT NULL CHECK (billed_minor >= 0),"
    "  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),"
    "  order_id INTEGER REFERENCES orders(id),"
    "  PRIMARY KEY (subscription_id, version)) WITHOUT ROWID;"
    "CREATE TABLE payment_methods("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id),"
    "  brand TEXT NOT NULL,"
    "  last4 TEXT NOT NULL CHECK (length(last4) = 4 AND last4 NOT GLOB '*[^0-9]*'),"
    "  exp_month INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),"
    "  exp_year INTEGER NOT NULL CHECK (exp_year BETWEEN 2000 AND 9999));"
    "CREATE TABLE ledger("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  order_id INTEGER REFERENCES orders(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('opening','balance_applied','credit_added')),"
    "  amount_minor INTEGER NOT NULL,"
    "  balance_after INTEGER NOT NULL CHECK (balance_after >= 0),"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX ledger_account ON ledger(account_id);"
    "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger"
    "  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;"
    "CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger"
    "  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  origin TEXT NOT NULL,"
    "  account_id INTEGER,"
    "  action TEXT NOT NULL,"
    "  before_json TEXT,"
    "  after_json TEXT,"
    "  result TEXT NOT NULL);"
    "CREATE INDEX audit_account ON audit(account_id);"
    "CREATE INDEX audit_at ON audit(at);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TABLE operators("
    "  unix_name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','operator','readonly')));"
    "CREATE TABLE test_charges("
    "  key TEXT PRIMARY KEY,"
    "  state TEXT NOT NULL CHECK (state IN ('approved','declined','refunded')),"
    "  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),"
    "  currency TEXT NOT NULL CHECK (length(currency) = 3),"
    "  reference TEXT);"
    "CREATE TABLE pending_checkouts("
    "  key TEXT PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),"
    "  currency TEXT NOT NULL CHECK (length(currency) = 3),"
    "  request TEXT NOT NULL,"
    "  outcome TEXT,"
    "  at INTEGER NOT NULL);";

/* v2: kiosk sign-in failures are counted per e-mail as typed (trimmed,
 * lowercased), whether or not a contact has it, so that a lock never tells
 * whether the e-mail exists. Locks and counts the contacts held move here;
 * the contacts' failed_attempts / locked_until columns stay (0) unused. */
static const char schema_v2[] =
    "CREATE TABLE sign_in_failures("
    "  email TEXT PRIMARY KEY,"
    "  failures INTEGER NOT NULL CHECK (failures >= 0),"
    "  locked_until INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX sign_in_failures_locked ON sign_in_failures(locked_until)"
    "  WHERE locked_until != 0;"
    "INSERT OR REPLACE INTO sign_in_failures(email, failures, locked_until)"
    "  SELECT lower(trim(email)), failed_attempts, locked_until FROM contacts"
    "  WHERE failed_attempts > 0 OR locked_until != 0;"
    "UPDATE contacts SET failed_attempts = 0, locked_until = 0"
    "  WHERE failed_attempts > 0 OR locked_until != 0;";

/* v3: account search by the prefix of any word of an account's name or of
 * a contact's e-mail. Two contentless FTS5 tables hold the words (the
 * unicode61 tokenizer: case and diacritics folded, punctuation separates
 * words), keyed by account id and contact id; an e-mail's words stop before
 * its top-level domain (STORE_EMAIL_WORDS), which every third address
 * shares. A prefix query in rowid order stops at the search's limit; the
 * prefix indexes of one and two characters make the short prefixes of
 * type-ahead one term each (without them a one-letter prefix merges every
 * term it starts: tens of milliseconds on a million accounts), and the
 * filled tables are merged into one segment each ('optimize'). Triggers
 * keep the tables in step with the accounts and contacts; the step fills them for the rows
 * a database already has. A bulk load drops the triggers and fills the
 * tables once at its end (store_bulk_load). */
static const char schema_v3[] =
    "CREATE VIRTUAL TABLE account_words USING fts5(name, content='',"
    "  tokenize='unicode61 remove_diacritics 2', prefix='1 2');"
    "CREATE VIRTUAL TABLE contact_words USING fts5(email, content='',"
    "  tokenize='unicode61 remove_diacritics 2', prefix='1 2');"
    "INSERT INTO account_words(rowid, name) SELECT id, name FROM accounts;"
    "INSERT INTO contact_words(rowid, email)"
    "  SELECT id, " STORE_EMAIL_WORDS("email") " FROM contacts;"
    "INSERT INTO account_words(account_words) VALUES('optimize');"
    "INSERT INTO contact_words(contact_words) VALUES('optimize');"
    "CREATE TRIGGER account_words_insert AFTER INSERT ON accounts BEGIN"
    "  INSERT INTO account_words(rowid, name) VALUES(new.id, new.name); END;"
    "CREATE TRIGGER account_words_update AFTER UPDATE OF id, name ON accounts BEGIN"
    "  INSERT INTO account_words(account_words, rowid, name) VALUES('delete', old.id, old.name);"
    "  INSERT INTO account_words(rowid, name) VALUES(new.id, new.name); END;"
    "CREATE TRIGGER account_words_delete AFTER DELETE ON accounts BEGIN"
    "  INSERT INTO account_words(account_words, rowid, name) VALUES('delete', old.id, old.name);"
    "  END;"
    "CREATE TRIGGER contact_words_insert AFTER INSERT ON contacts BEGIN"
    "  INSERT INTO contact_words(rowid, email)"
    "    VALUES(new.id, " STORE_EMAIL_WORDS("new.email") "); END;"
    "CREATE TRIGGER contact_words_update AFTER UPDATE OF id, email ON contacts BEGIN"
    "  INSERT INTO contact_words(contact_words, rowid, email)"
    "    VALUES('delete', old.id, " STORE_EMAIL_WORDS("old.email") ");"
    "  INSERT INTO contact_words(rowid, email)"
    "    VALUES(new.id, " STORE_EMAIL_WORDS("new.email") "); END;"
    "CREATE TRIGGER contact_words_delete AFTER DELETE ON contacts BEGIN"
    "  INSERT INTO contact_words(contact_words, rowid, email)"
    "    VALUES('delete', old.id, " STORE_EMAIL_WORDS("old.email") ");"
    "  END;";

/* v4: an idempotency key is bound to the request that first used it (its
 * fingerprint: account, items, whether a card was given, country and VAT
 * number given), so that the key replayed with other parameters is refused
 * rather than answered with the first order. Keys used before v4 have no
 * row and keep replaying. */
static const char schema_v4[] =
    "CREATE TABLE idempotency_keys("
    "  key TEXT PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  fingerprint TEXT NOT NULL,"
    "  at INTEGER NOT NULL) WITHOUT ROWID;";

/* v5: the checkouts that reconcile reads, those still open (no outcome,
 * or a refund claimed and not yet confirmed), in their own partial index in
 * reconcile's order, so that it costs what is open rather than every paid
 * order's settled row (which is kept). */
static const char schema_v5[] =
    "CREATE INDEX pending_checkouts_open ON pending_checkouts(at, key)"
    "  WHERE outcome IS NULL OR outcome GLOB 'refunding:*';";

/* v6: an account's legal name and billing address, captured when it is
 * added or edited; NULL when not given. */
static const char schema_v6[] =
    "ALTER TABLE accounts ADD COLUMN legal_name TEXT;"
    "ALTER TABLE accounts ADD COLUMN address TEXT;";

/* v7: the life of a subscription (SPEC §8). Its status takes the states
 * past_due, suspended and canceled; it keeps whether it renews (auto_renew),
 * a change scheduled for the renewal at P1 (all three terms, or none) and,
 * while a renewal is unpaid, the P1 it is due from and the day its charge
 * last failed. A CHECK is part of the column in SQLite, so the status
 * column is dropped and added again with the wider one, its values kept
 * meanwhile in the new sched_plan column (empty again after). An index
 * holds the subscriptions `renew` looks at by their period end. The event
 * log is append-only but for the one write that marks an event delivered. */
static const char schema_v7[] =
    "ALTER TABLE subscriptions ADD COLUMN sched_plan TEXT;"
    "UPDATE subscriptions SET sched_plan = status;"
    "ALTER TABLE subscriptions DROP COLUMN status;"
    "ALTER TABLE subscriptions ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN"
    "  ('trial','active','past_due','suspended','canceled','trial_ended'));"
    "UPDATE subscriptions SET status = sched_plan, sched_plan = NULL;"
    "ALTER TABLE subscriptions ADD COLUMN auto_renew INTEGER NOT NULL DEFAULT 1"
    "  CHECK (auto_renew IN (0,1));"
    "ALTER TABLE subscriptions ADD COLUMN sched_seats INTEGER CHECK (sched_seats > 0);"
    "ALTER TABLE subscriptions ADD COLUMN sched_period TEXT"
    "  CHECK ((sched_period IS NULL OR sched_period IN ('monthly','annual'))"
    "    AND (sched_plan IS NULL) = (sched_seats IS NULL)"
    "    AND (sched_plan IS NULL) = (sched_period IS NULL));"
    "ALTER TABLE subscriptions ADD COLUMN past_due_since INTEGER;"
    "ALTER TABLE subscriptions ADD COLUMN last_attempt INTEGER;"
    "CREATE INDEX subscriptions_due ON subscriptions(period_end, id)"
    "  WHERE status IN ('active','trial','past_due');"
    "CREATE TABLE events("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  type TEXT NOT NULL,"
    "  account_id INTEGER REFERENCES accounts(id),"
    "  subscription_id INTEGER REFERENCES subscriptions(id),"
    "  payload TEXT NOT NULL,"
    "  delivered_at INTEGER);"
    "CREATE INDEX events_undelivered ON events(id) WHERE delivered_at IS NULL;"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
    "  WHEN NOT (old.delivered_at IS NULL AND new.delivered_at IS NOT NULL"
    "    AND new.id = old.id AND new.at = old.at AND new.type = old.type"
    "    AND new.account_id IS old.account_id AND new.subscription_id IS old.subscription_id"
    "    AND new.payload = old.payload)"
    "  BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;";

/* v8: fiscal documents (SPEC §9). Each order placed from now on issues one
 * invoice or credit note in its own transaction; orders placed before keep
 * none. Documents, what a credit note credits, and every attempt to hand a
 * document on are append-only (issued means frozen); the numbers of each
 * series and year come from document_numbers, whose row only ever moves to
 * the next number (gapless: a rolled-back order takes its number back with
 * it). documents.model is the frozen model as JSON (doc_write_json) and
 * documents.fatturapa the XML as issued; total_minor and tax_minor are the
 * figures the document states (a credit note's are positive). Accounts gain
 * the billing profile an Italian document needs: codice fiscale, PEC,
 * codice destinatario and a structured address beside the free-text one. */
static const char schema_v8[] =
    "ALTER TABLE accounts ADD COLUMN tax_code TEXT;"
    "ALTER TABLE accounts ADD COLUMN pec TEXT;"
    "ALTER TABLE accounts ADD COLUMN sdi_code TEXT;"
    "ALTER TABLE accounts ADD COLUMN street TEXT;"
    "ALTER TABLE accounts ADD COLUMN street_number TEXT;"
    "ALTER TABLE accounts ADD COLUMN postcode TEXT;"
    "ALTER TABLE accounts ADD COLUMN city TEXT;"
    "ALTER TABLE accounts ADD COLUMN province TEXT;"
    "CREATE TABLE document_numbers("
    "  series TEXT NOT NULL,"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),"
    "  last INTEGER NOT NULL CHECK (last >= 1),"
    "  last_day INTEGER NOT NULL,"
    "  PRIMARY KEY (series, year)) WITHOUT ROWID;"
    "CREATE TRIGGER document_numbers_next BEFORE UPDATE ON document_numbers"
    "  WHEN new.series IS NOT old.series OR new.year IS NOT old.year"
    "    OR new.last IS NOT old.last + 1 OR new.last_day < old.last_day"
    "  BEGIN SELECT RAISE(ABORT, 'document numbers only move to the next'); END;"
    "CREATE TRIGGER document_numbers_no_delete BEFORE DELETE ON document_numbers"
    "  BEGIN SELECT RAISE(ABORT, 'document_numbers is append-only'); END;"
    "CREATE TABLE documents("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('invoice','credit_note')),"
    "  series TEXT NOT NULL,"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),"
    "  sequence INTEGER NOT NULL CHECK (sequence >= 1),"
    "  number TEXT NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 20),"
    "  order_id INTEGER NOT NULL REFERENCES orders(id),"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  issued_on INTEGER NOT NULL,"
    "  currency TEXT NOT NULL CHECK (length(currency) = 3),"
    "  total_minor INTEGER NOT NULL CHECK (total_minor >= 0),"
    "  tax_minor INTEGER NOT NULL,"
    "  model TEXT NOT NULL,"
    "  fatturapa TEXT NOT NULL,"
    "  UNIQUE (order_id, kind),"
    "  UNIQUE (series, year, sequence));"
    "CREATE INDEX documents_account ON documents(account_id, id);"
    "CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents"
    "  BEGIN SELECT RAISE(ABORT, 'documents is append-only'); END;"
    "CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents"
    "  BEGIN SELECT RAISE(ABORT, 'documents is append-only'); END;"
    "CREATE TABLE document_credits("
    "  credit_note_id INTEGER NOT NULL REFERENCES documents(id),"
    "  invoice_id INTEGER NOT NULL REFERENCES documents(id),"
    "  PRIMARY KEY (credit_note_id, invoice_id)) WITHOUT ROWID;"
    "CREATE TRIGGER document_credits_no_update BEFORE UPDATE ON document_credits"
    "  BEGIN SELECT RAISE(ABORT, 'document_credits is append-only'); END;"
    "CREATE TRIGGER document_credits_no_delete BEFORE DELETE ON document_credits"
    "  BEGIN SELECT RAISE(ABORT, 'document_credits is append-only'); END;"
    "CREATE TABLE document_sends("
    "  id INTEGER PRIMARY KEY,"
    "  document_id INTEGER NOT NULL REFERENCES documents(id),"
    "  channel TEXT NOT NULL CHECK (channel IN ('send','sdi')),"
    "  attempt INTEGER NOT NULL CHECK (attempt >= 1),"
    "  at INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('sending','accepted','rejected','failed')),"
    "  reply TEXT,"
    "  UNIQUE (document_id, channel, attempt, status));"
    "CREATE TRIGGER document_sends_no_update BEFORE UPDATE ON document_sends"
    "  BEGIN SELECT RAISE(ABORT, 'document_sends is append-only'); END;"
    "CREATE TRIGGER document_sends_no_delete BEFORE DELETE ON document_sends"
    "  BEGIN SELECT RAISE(ABORT, 'document_sends is append-only'); END;";

/* v9: the evidence of a VAT number's check (SPEC §9), one row per order
 * that relied on a VAT number, written in the order's own transaction:
 * 'vies' with the VIES client's answer (its consultation number, the name
 * and address it returned), or 'offline' (format and check digits only)
 * with why the client was not asked or did not answer. Evidence is never
 * edited: append-only like the documents. Orders placed before keep none. */
static const char schema_v9[] =
    "CREATE TABLE order_vat_checks("
    "  order_id INTEGER PRIMARY KEY REFERENCES orders(id),"
    "  method TEXT NOT NULL CHECK (method IN ('vies','offline')),"
    "  country TEXT NOT NULL CHECK (length(country) = 2),"
    "  vat_number TEXT NOT NULL,"
    "  requester TEXT,"
    "  valid INTEGER NOT NULL CHECK (valid IN (0,1)),"
    "  name TEXT,"
    "  address TEXT,"
    "  consultation TEXT,"
    "  checked_at INTEGER NOT NULL,"
    "  reason TEXT,"
    "  CHECK (method = 'vies' OR reason IS NOT NULL));"
    "CREATE TRIGGER order_vat_checks_no_update BEFORE UPDATE ON order_vat_checks"
    "  BEGIN SELECT RAISE(ABORT, 'order_vat_checks is append-only'); END;"
    "CREATE TRIGGER order_vat_checks_no_delete BEFORE DELETE ON order_vat_checks"
    "  BEGIN SELECT RAISE(ABORT, 'order_vat_checks is append-only'); END;";

/* v10 (cart items for new products, SPEC §8 Add a product): a cart item
 * names either a subscription of the account (product NULL) or a product
 * the account does not have yet (subscription_id NULL, base_version 0),
 * at most one item per account and product; checking out creates its
 * subscription. SQLite cannot relax a column's NOT NULL, so the table is
 * built again with its rows. */
static const char schema_v10[] =
    "CREATE TABLE cart_items_v10("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
    "  subscription_id INTEGER UNIQUE REFERENCES subscriptions(id),"
    "  to_plan TEXT NOT NULL,"
    "  to_seats INTEGER NOT NULL CHECK (to_seats > 0),"
    "  to_period TEXT NOT NULL CHECK (to_period IN ('monthly','annual')),"
    "  base_version INTEGER NOT NULL,"
    "  product TEXT,"
    "  CHECK ((subscription_id IS NULL) <> (product IS NULL)));"
    "INSERT INTO cart_items_v10(id, account_id, subscription_id, to_plan, to_seats, to_period,"
    "  base_version) SELECT id, account_id, subscription_id, to_plan, to_seats, to_period,"
    "  base_version FROM cart_items;"
    "DROP TABLE cart_items;"
    "ALTER TABLE cart_items_v10 RENAME TO cart_items;"
    "CREATE INDEX cart_items_account ON cart_items(account_id);"
    "CREATE UNIQUE INDEX cart_items_new_product ON cart_items(account_id, product);";

/* v11: the documents each channel has still to hand on (issue 14). `invoice
 * send` asked which documents a channel had not accepted by reading every
 * document ever issued (SCAN documents, a lookup of its sends each), a cost
 * that grows with every order. The answer is kept instead, as the
 * triggers write it: a row per channel when a document is issued, gone
 * when that channel's 'accepted' is appended; the step fills it for the
 * documents a database already has. Derived, like the search words: migrate
 * does not copy it, the target's triggers write it again. */
static const char schema_v11[] =
    "CREATE TABLE document_outbox("
    "  channel TEXT NOT NULL CHECK (channel IN ('send','sdi')),"
    "  document_id INTEGER NOT NULL REFERENCES documents(id),"
    "  PRIMARY KEY (channel, document_id)) WITHOUT ROWID;"
    "INSERT INTO document_outbox(channel, document_id)"
    "  SELECT c.channel, d.id FROM documents d"
    "  CROSS JOIN (SELECT 'send' AS channel UNION ALL SELECT 'sdi') c"
    "  WHERE NOT EXISTS(SELECT 1 FROM document_sends x WHERE x.document_id = d.id"
    "    AND x.channel = c.channel AND x.status = 'accepted');"
    "CREATE TRIGGER document_outbox_issue AFTER INSERT ON documents BEGIN"
    "  INSERT INTO document_outbox(channel, document_id) VALUES('send', new.id), ('sdi', new.id);"
    "  END;"
    "CREATE TRIGGER document_outbox_accepted AFTER INSERT ON document_sends"
    "  WHEN new.status = 'accepted' BEGIN"
    "  DELETE FROM document_outbox WHERE channel = new.channel AND document_id = new.document_id;"
    "  END;";

/* migrations[i] lifts version i to i + 1. */
static const char *const migrations[] = {
    schema_v1,
    schema_v2,
    schema_v3,
    schema_v4,
    schema_v5,
    schema_v6,
    schema_v7,
    schema_v8,   /* fiscal documents */
    schema_v9,   /* VAT number evidence */
    schema_v10,  /* cart items for new products */
    schema_v11,  /* the documents each channel has still to hand on */
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration step per schema version");

const char *store_schema_step(int version)
{
    if (version < 1 || version > STORE_SCHEMA_VERSION)
        return NULL;
    return migrations[version - 1];
}
