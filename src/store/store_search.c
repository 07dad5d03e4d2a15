/* store_search.c — type-ahead account search, through indexes only, on
 * each engine: SQLite ranges over NOCASE indexes and FTS5 word tables;
 * PostgreSQL ranges over lower(… COLLATE "C") indexes and a word table the
 * triggers keep (store_schema_pg.c). Both rank and order alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "store_test.h"

/* The exclusive upper bound of every string that starts with `prefix` under
 * NOCASE, which folds ASCII A-Z to a-z and then compares bytes: fold the
 * prefix, then raise its last byte (carrying past 0xFF). '@' + 1 would be
 * 'A', which folds below '@'s successors, so '@' goes to '[' instead. */
static bool prefix_bounds(const char *query, char **low, char **high)
{
    size_t n = strlen(query);
    *low = malloc(n + 1);
    *high = malloc(n + 2);
    if (!*low || !*high)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = query[i];
        (*low)[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    memcpy(*high, *low, n + 1);
    size_t k = n;
    while (k > 0 && (unsigned char)(*high)[k - 1] == 0xff)
        k--;
    if (k == 0) {
        /* Empty prefix (or all 0xFF): above every UTF-8 string. */
        (*high)[0] = (char)0xf5;
        (*high)[1] = '\0';
        return true;
    }
    unsigned char c = (unsigned char)(*high)[k - 1];
    (*high)[k - 1] = (char)(c == '@' ? '[' : c + 1);
    (*high)[k] = '\0';
    return true;
}

/* Each branch stops at `limit` rows through its own index; the outer query
 * only ranks the few ids that survive. ?1 the id (NULL unless the query is
 * a number without leading zeros), ?2/?3 the folded prefix range, ?4 the
 * limit, ?5 the FTS5 query (every word of the query as a prefix), ?6 the
 * query as typed. Branches: the ids that start with the query's digits (the
 * id itself, then ten times it onwards, each a rowid range); the names and
 * the e-mails that start with the query; the accounts with a word of the
 * name, or a contact with words of the e-mail, starting with each word of
 * the query (FTS5 returns them in rowid order, so the limit stops it).
 * Ranks: the id itself, the name itself, a name that starts with the query,
 * an e-mail that starts with it, a word match, an id that starts with it;
 * within a rank the oldest account first (in a demo database the showcase
 * accounts 1-10). */
static const char search_sql[] =
    "WITH RECURSIVE ids(lo, hi) AS ("
    "  SELECT ?1, ?1 + 1 WHERE ?1 IS NOT NULL"
    "  UNION ALL SELECT lo * 10, hi * 10 FROM ids"
    "    WHERE lo <= (SELECT max(id) FROM accounts) / 10),"
    " hits(id, rank) AS ("
    "  SELECT id, 5 FROM (SELECT accounts.id FROM ids CROSS JOIN accounts"
    "    WHERE accounts.id >= ids.lo AND accounts.id < ids.hi LIMIT ?4)"
    "  UNION ALL SELECT id, 4 FROM (SELECT id FROM accounts"
    "    WHERE name >= ?2 COLLATE NOCASE AND name < ?3 COLLATE NOCASE"
    "    ORDER BY name COLLATE NOCASE LIMIT ?4)"
    "  UNION ALL SELECT account_id, 3 FROM (SELECT account_id FROM contacts"
    "    WHERE email >= ?2 AND email < ?3 ORDER BY email LIMIT ?4)"
    "  UNION ALL SELECT rowid, 4 FROM (SELECT rowid FROM account_words"
    "    WHERE account_words MATCH ?5 ORDER BY rowid LIMIT ?4)"
    "  UNION ALL SELECT contacts.account_id, 4 FROM (SELECT rowid AS cid FROM contact_words"
    "    WHERE contact_words MATCH ?5 ORDER BY rowid LIMIT ?4)"
    "    CROSS JOIN contacts ON contacts.id = cid),"
    " best(hit, rank) AS (SELECT id, min(rank) FROM hits GROUP BY id)"
    " SELECT " STORE_ACCOUNT_COLS " FROM best CROSS JOIN accounts ON accounts.id = best.hit"
    " ORDER BY CASE"
    "   WHEN accounts.id = ?1 THEN 0"
    "   WHEN accounts.name = ?6 COLLATE NOCASE THEN 1"
    "   WHEN accounts.name >= ?2 COLLATE NOCASE AND accounts.name < ?3 COLLATE NOCASE THEN 2"
    "   ELSE best.rank END, accounts.id LIMIT ?4";

/* The first pass of a search, which answers it alone when it can: when
 * fewer than SEARCH_NAMES_CAP names and fewer than SEARCH_EMAILS_CAP
 * e-mails start with the query (counted through their indexes, ?1 and ?4
 * the caps, ?2/?3 the prefix range; an e-mail costs a row read for its
 * account, a name does not), every hit of the first ranks is known: the id
 * itself, the name itself, the names and the e-mails that start with the
 * query. When they are `limit` accounts or more, they are the answer, the
 * oldest first within a rank as search_sql orders them (ranked from the
 * name index alone, whose entries hold the name: only the `limit` accounts
 * answered are read from the table), and the word tables
 * are not read: a word query of several prefixes longer than the prefix
 * indexes merges every term each prefix starts, which at a million
 * accounts costs milliseconds, while a few hundred index entries cost
 * microseconds. When the names alone fill the limit the e-mails, which rank
 * below them, are not read (?5 = 0). Short prefixes (thousands of names) go
 * to search_sql, whose branches stop at the limit. Parameters as
 * search_sql's but ?5, whether to read the e-mails. */
#define SEARCH_NAMES_CAP 4096
#define SEARCH_EMAILS_CAP 512
static const char search_count_sql[] =
    "SELECT (SELECT count(*) FROM (SELECT 1 FROM accounts"
    "    WHERE name >= ?2 COLLATE NOCASE AND name < ?3 COLLATE NOCASE LIMIT ?1)),"
    "  (SELECT count(*) FROM (SELECT 1 FROM contacts"
    "    WHERE email >= ?2 AND email < ?3 LIMIT ?4))";
static const char search_first_sql[] =
    "WITH hits(id, rank) AS ("
    "  SELECT id, 0 FROM accounts WHERE id = ?1"
    "  UNION ALL SELECT id, CASE WHEN name = ?6 COLLATE NOCASE THEN 1 ELSE 2 END FROM accounts"
    "    WHERE name >= ?2 COLLATE NOCASE AND name < ?3 COLLATE NOCASE"
    "  UNION ALL SELECT account_id, 3 FROM contacts WHERE ?5 AND email >= ?2 AND email < ?3),"
    " best(hit, rank) AS (SELECT id, min(rank) FROM hits GROUP BY id ORDER BY 2, 1 LIMIT ?4)"
    " SELECT " STORE_ACCOUNT_COLS " FROM best CROSS JOIN accounts ON accounts.id = best.hit"
    " ORDER BY best.rank, best.hit";

/* Whether the first pass can answer: the names under their cap and at
 * least `limit` (then *emails is false), or both under their caps and
 * together at least `limit`. */
static enum bc_status search_first_fits(struct store *s, const char *low, const char *high,
                                        size_t limit, bool *fits, bool *emails_too)
{
    struct db_stmt *q;
    *fits = false;
    *emails_too = false;
    enum bc_status st = store_prep(s, SL_ACCOUNT_SEARCH_COUNT, search_count_sql, &q);
    if (st != BC_OK)
        return st;
    db_bind_int64(q, 1, SEARCH_NAMES_CAP);
    db_bind_int64(q, 4, SEARCH_EMAILS_CAP);
    db_bind_text(q, 2, low);
    db_bind_text(q, 3, high);
    if ((st = store_row(s, q)) != BC_OK)
        return st;
    int64_t names = db_column_int64(q, 0), emails = db_column_int64(q, 1);
    db_reset(q);
    db_clear_bindings(q);
    if (names >= SEARCH_NAMES_CAP)
        return BC_OK;
    if ((uint64_t)names >= (uint64_t)limit)
        *fits = true;
    else if (emails < SEARCH_EMAILS_CAP && (uint64_t)(names + emails) >= (uint64_t)limit)
        *fits = *emails_too = true;
    return BC_OK;
}

/* The id a query names when it is a number without leading zeros. */
static bool query_id(const char *q, int64_t *id)
{
    size_t n = strlen(q);
    if (n == 0 || n > 18 || q[0] == '0')
        return false;
    for (size_t i = 0; i < n; i++)
        if (q[i] < '0' || q[i] > '9')
            return false;
    *id = strtoll(q, NULL, 10);
    return true;
}

/* The FTS5 query of `query`: each run of letters and digits (bytes of
 * UTF-8 sequences count as letters) quoted and starred, so that it is a
 * prefix and nothing in it is FTS5 syntax; the words are ANDed. With no
 * word, the empty phrase "", which matches nothing. */
static char *words_query(const char *query)
{
    size_t n = strlen(query);
    /* Each word w becomes "w"* and a space: at most w + 4 bytes, and one
     * separator at least between words, so one-letter words ("a+b+c")
     * need 5 bytes per 2 of the query: 3n + 8 always holds it. */
    char *out = malloc(3 * n + 8);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)query[i];
        bool word = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                    (c >= 'A' && c <= 'Z');
        if (!word) {
            i++;
            continue;
        }
        if (o)
            out[o++] = ' ';
        out[o++] = '"';
        while (i < n) {
            c = (unsigned char)query[i];
            if (!(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                  (c >= 'A' && c <= 'Z')))
                break;
            out[o++] = query[i++];
        }
        out[o++] = '"';
        out[o++] = '*';
    }
    if (o == 0) {
        out[o++] = '"';
        out[o++] = '"';
    }
    out[o] = '\0';
    return out;
}


/* PostgreSQL: the same branches and ranks. ?5 the first word of the query
 * folded (bc_fold), ?7 the bound above its prefixes, ?8 every folded word,
 * space-separated: an account's word starts with ?5 (a range of the word
 * index) and each word of ?8 starts one of its words. The id ranges and
 * the accounts the hits name are read through LATERAL subqueries, one
 * index range or key each (issue 14): as plain joins a generic plan may
 * walk the whole primary key instead (a Join Filter on each id range, a
 * Merge Join with every account). */
#define PG_NAME "lower(accounts.name COLLATE \"C\")"
static const char search_pg_sql[] =
    "WITH RECURSIVE ids(lo, hi) AS ("
    "  SELECT CAST(?1 AS BIGINT), CAST(?1 AS BIGINT) + 1 WHERE CAST(?1 AS BIGINT) IS NOT NULL"
    "  UNION ALL SELECT lo * 10, hi * 10 FROM ids"
    "    WHERE lo <= (SELECT max(id) FROM accounts) / 10),"
    " hits(id, rank) AS ("
    "  SELECT id, 5 FROM (SELECT x.id FROM ids CROSS JOIN LATERAL (SELECT accounts.id"
    "    FROM accounts WHERE accounts.id >= ids.lo AND accounts.id < ids.hi"
    "    ORDER BY accounts.id LIMIT ?4) x ORDER BY x.id LIMIT ?4) a"
    "  UNION ALL SELECT id, 4 FROM (SELECT id FROM accounts"
    "    WHERE " PG_NAME " >= CAST(?2 AS TEXT) AND " PG_NAME " < CAST(?3 AS TEXT)"
    "    ORDER BY " PG_NAME " LIMIT ?4) b"
    "  UNION ALL SELECT account_id, 3 FROM (SELECT account_id FROM contacts"
    "    WHERE lower(email COLLATE \"C\") >= CAST(?2 AS TEXT)"
    "      AND lower(email COLLATE \"C\") < CAST(?3 AS TEXT)"
    "    ORDER BY lower(email COLLATE \"C\") LIMIT ?4) c"
    "  UNION ALL SELECT owner, 4 FROM (SELECT DISTINCT w.owner FROM account_words w"
    "    WHERE w.word >= CAST(?5 AS TEXT) AND w.word < CAST(?7 AS TEXT) AND NOT EXISTS("
    "      SELECT 1 FROM unnest(string_to_array(CAST(?8 AS TEXT), ' ')) t(q) WHERE NOT EXISTS("
    "        SELECT 1 FROM account_words x WHERE x.owner = w.owner"
    "          AND x.word >= t.q AND left(x.word, length(t.q)) = t.q))"
    "    ORDER BY w.owner LIMIT ?4) d"
    "  UNION ALL SELECT contacts.account_id, 4 FROM (SELECT DISTINCT w.owner FROM contact_words w"
    "    WHERE w.word >= CAST(?5 AS TEXT) AND w.word < CAST(?7 AS TEXT) AND NOT EXISTS("
    "      SELECT 1 FROM unnest(string_to_array(CAST(?8 AS TEXT), ' ')) t(q) WHERE NOT EXISTS("
    "        SELECT 1 FROM contact_words x WHERE x.owner = w.owner"
    "          AND x.word >= t.q AND left(x.word, length(t.q)) = t.q))"
    "    ORDER BY w.owner LIMIT ?4) e JOIN contacts ON contacts.id = e.owner),"
    " best(hit, rank) AS (SELECT id, min(rank) FROM hits GROUP BY id)"
    " SELECT " STORE_ACCOUNT_COLS " FROM best CROSS JOIN LATERAL (SELECT * FROM accounts"
    "   WHERE accounts.id = best.hit LIMIT 1) accounts"
    " ORDER BY CASE"
    "   WHEN accounts.id = CAST(?1 AS BIGINT) THEN 0"
    "   WHEN " PG_NAME " = lower(CAST(?6 AS TEXT) COLLATE \"C\") THEN 1"
    "   WHEN " PG_NAME " >= CAST(?2 AS TEXT) AND " PG_NAME " < CAST(?3 AS TEXT) THEN 2"
    "   ELSE best.rank END, accounts.id LIMIT ?4";

/* The word folding of bc_fold() in store_schema_pg.c: ASCII lowercased,
 * the accented Latin letters of bc_fold's table to their base letter. */
static const char fold_from[] = STORE_FOLD_FROM;
static const char fold_to[] = STORE_FOLD_TO;

static size_t fold_char(const char *p, char *out)
{
    unsigned char c = (unsigned char)*p;
    if (c < 0x80) {
        *out = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
        return 1;
    }
    size_t k = 0;
    for (const char *f = fold_from; *f; f += 2, k++)
        if (f[0] == p[0] && f[1] == p[1] && p[1]) {
            *out = fold_to[k];
            return 2;
        }
    return 0;
}

/* The folded words of `query` (runs of letters, digits and non-ASCII),
 * space-separated. */
static char *pg_words(const char *query)
{
    size_t n = strlen(query);
    char *out = malloc(n + 2);
    if (!out)
        return NULL;
    size_t o = 0;
    bool in = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)query[i];
        bool word = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                    (c >= 'A' && c <= 'Z');
        if (!word) {
            in = false;
            i++;
            continue;
        }
        if (!in && o)
            out[o++] = ' ';
        in = true;
        char f;
        size_t used = fold_char(query + i, &f);
        if (used) {
            out[o++] = f;
            i += used;
        } else {
            out[o++] = query[i++];
        }
    }
    out[o] = '\0';
    return out;
}

/* The bound above every string that starts with `low` in PostgreSQL's
 * byte order (COLLATE "C"), as valid UTF-8, which the server requires of
 * text: `low` with its last character raised to the next code point
 * (past the surrogates; a last U+10FFFF is dropped and the one before it
 * raised). prefix_bounds' byte increment can make invalid UTF-8 ("\xc2\xbf"
 * + 1, or "\xf5" for the empty prefix). With nothing left to raise (the
 * empty prefix) the bound is U+10FFFF four times, above every string but
 * those that start so (a noncharacter). */
static char *pg_prefix_high(const char *low)
{
    size_t n = strlen(low);
    char *out = malloc(n + 17);
    if (!out)
        return NULL;
    memcpy(out, low, n + 1);
    while (n > 0) {
        size_t start = n - 1;
        while (start > 0 && ((unsigned char)out[start] & 0xc0) == 0x80)
            start--;
        const unsigned char *c = (const unsigned char *)out + start;
        size_t len = n - start;
        uint32_t cp;
        if (c[0] < 0x80 && len == 1)
            cp = c[0];
        else if ((c[0] & 0xe0) == 0xc0 && len == 2)
            cp = (uint32_t)(c[0] & 0x1f) << 6 | (c[1] & 0x3f);
        else if ((c[0] & 0xf0) == 0xe0 && len == 3)
            cp = (uint32_t)(c[0] & 0x0f) << 12 | (uint32_t)(c[1] & 0x3f) << 6 | (c[2] & 0x3f);
        else if ((c[0] & 0xf8) == 0xf0 && len == 4)
            cp = (uint32_t)(c[0] & 0x07) << 18 | (uint32_t)(c[1] & 0x3f) << 12 |
                 (uint32_t)(c[2] & 0x3f) << 6 | (c[3] & 0x3f);
        else
            cp = 0x10ffff;   /* not UTF-8: dropped, as a last U+10FFFF is */
        n = start;
        if (cp >= 0x10ffff)
            continue;
        cp = cp + 1 == 0xd800 ? 0xe000 : cp + 1;
        unsigned char *o = (unsigned char *)out + n;
        if (cp < 0x80) {
            o[0] = (unsigned char)cp;
            n += 1;
        } else if (cp < 0x800) {
            o[0] = (unsigned char)(0xc0 | cp >> 6);
            o[1] = (unsigned char)(0x80 | (cp & 0x3f));
            n += 2;
        } else if (cp < 0x10000) {
            o[0] = (unsigned char)(0xe0 | cp >> 12);
            o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
            o[2] = (unsigned char)(0x80 | (cp & 0x3f));
            n += 3;
        } else {
            o[0] = (unsigned char)(0xf0 | cp >> 18);
            o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
            o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
            o[3] = (unsigned char)(0x80 | (cp & 0x3f));
            n += 4;
        }
        out[n] = '\0';
        return out;
    }
    memcpy(out, "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf", 17);
    return out;
}

/* prefix_bounds with pg_prefix_high's upper bound. */
static bool pg_bounds(const char *query, char **low, char **high)
{
    if (!prefix_bounds(query, low, high))
        return false;
    free(*high);
    *high = pg_prefix_high(*low);
    return *high != NULL;
}

static enum bc_status search_pg(struct store *s, const char *query, size_t limit,
                                struct store_account_list *out)
{
    char *low = NULL, *high = NULL, *words = pg_words(query), *wlow = NULL, *whigh = NULL;
    enum bc_status st = BC_NO_MEMORY;
    if (!words || !pg_bounds(query, &low, &high))
        goto done;
    char *sp = strchr(words, ' ');
    size_t first = sp ? (size_t)(sp - words) : strlen(words);
    char *w1 = strndup(words, first);
    bool ok = w1 && pg_bounds(w1, &wlow, &whigh);
    free(w1);
    if (!ok)
        goto done;
    struct db_stmt *q;
    if ((st = store_prep(s, SL_ACCOUNT_SEARCH, search_pg_sql, &q)) != BC_OK)
        goto done;
    int64_t id;
    if (query_id(query, &id))
        db_bind_int64(q, 1, id);
    else
        db_bind_null(q, 1);
    db_bind_text(q, 2, low);
    db_bind_text(q, 3, high);
    db_bind_int64(q, 4, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
    /* No word: a range that holds nothing. */
    db_bind_text(q, 5, *words ? wlow : "\x7f");
    db_bind_text(q, 6, query);
    db_bind_text(q, 7, *words ? whigh : "\x7f");
    db_bind_text(q, 8, words);
    st = STORE_ROWS(s, q, out, store_read_account);
    db_clear_bindings(q);
done:
    free(low);
    free(high);
    free(wlow);
    free(whigh);
    free(words);
    return st;
}

enum bc_status store_account_search(struct store *s, const char *query, size_t limit,
                                    struct store_account_list *out)
{
    out->items = NULL;
    out->n = 0;
    if (!query)
        return BC_INVALID_ARGUMENT;
    if (limit == 0)
        return BC_OK;
    if (s->engine == DB_PG) {
        enum bc_status pst = search_pg(s, query, limit, out);
        if (pst != BC_OK)
            store_account_list_clear(out);
        return pst;
    }
    char *low = NULL, *high = NULL, *words = NULL;
    enum bc_status st = BC_NO_MEMORY;
    if (!prefix_bounds(query, &low, &high) || !(words = words_query(query)))
        goto done;
    bool first, emails_too;
    if ((st = search_first_fits(s, low, high, limit, &first, &emails_too)) != BC_OK)
        goto done;
    int64_t id;
    bool is_id = query_id(query, &id);
    /* The first pass when it may answer; the whole search when it did not. */
    for (int pass = first ? 0 : 1; pass < 2 && st == BC_OK && out->n < limit; pass++) {
        store_account_list_clear(out);
        struct db_stmt *q;
        st = pass == 0 ? store_prep(s, SL_ACCOUNT_SEARCH_FIRST, search_first_sql, &q)
                       : store_prep(s, SL_ACCOUNT_SEARCH, search_sql, &q);
        if (st != BC_OK)
            break;
        if (is_id)
            db_bind_int64(q, 1, id);
        db_bind_text(q, 2, low);
        db_bind_text(q, 3, high);
        db_bind_int64(q, 4, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
        if (pass == 1)
            db_bind_text(q, 5, words);
        else
            db_bind_int64(q, 5, emails_too);
        db_bind_text(q, 6, query);
        st = STORE_ROWS(s, q, out, store_read_account);
        db_clear_bindings(q);   /* low/high/words are freed below */
    }
    if (st != BC_OK)
        store_account_list_clear(out);
done:
    free(low);
    free(high);
    free(words);
    return st;
}

/* The plan of the search statement: EXPLAIN QUERY PLAN's details on
 * SQLite, EXPLAIN's lines on PostgreSQL (with a query's typical values). */
enum bc_status store_search_plan_for_test(struct store *s, char *buf, size_t size)
{
    if (s->engine != DB_PG)
        return store_sqlite_search_plan(s, search_sql, buf, size);
    char sql[sizeof search_pg_sql + 32];
    snprintf(sql, sizeof sql, "EXPLAIN %s", search_pg_sql);
    struct db_stmt *q = NULL;
    int rc = db_prepare(s->db, sql, &q);
    if (rc != DB_OK)
        return store_fail(s, rc);
    db_bind_null(q, 1);
    db_bind_text(q, 2, "ros");
    db_bind_text(q, 3, "rot");
    db_bind_int64(q, 4, 10);
    db_bind_text(q, 5, "ros");
    db_bind_text(q, 6, "ros");
    db_bind_text(q, 7, "rot");
    db_bind_text(q, 8, "ros");
    size_t used = 0;
    buf[0] = '\0';
    while ((rc = db_step(q)) == DB_ROW && used < size) {
        int n = snprintf(buf + used, size - used, "%s\n", db_column_text(q, 0));
        used += n > 0 ? (size_t)n : 0;
    }
    enum bc_status st = rc == DB_DONE || rc == DB_ROW ? BC_OK : store_fail(s, rc);
    db_finalize(q);
    return st;
}
