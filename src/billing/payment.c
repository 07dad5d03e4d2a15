/* payment.c — the processors every charge goes through, and card helpers.
 *
 * Two processors sit behind payment.h:
 *
 * `test` keeps its own record in the store (store_test_charge_*), committed
 * on its own as a real gateway's would be. A key that is already approved is
 * the same charge: its reference comes back and nothing is charged again,
 * also when several processes charge the key at once (the key is checked
 * and recorded in one transaction). A
 * declined or refunded key may be tried again (nothing is charged under it).
 * Test card numbers (the README lists them), each decline with its reason:
 *
 *     4000 0000 0000 0002   declined (generic decline)
 *     4000 0000 0000 9995   declined (insufficient funds)
 *     4000 0000 0000 0069   declined (expired card)
 *     4000 0000 0000 0119   processing error: PAYMENT_UNKNOWN, nothing recorded
 *
 * Every other Luhn-valid number is approved. A card on file
 * ("on_file:brand:last4") is approved unless its last 4 digits are those of
 * a declining test card (0002, 9995, 0069): it then declines the same way,
 * so that renewals charged to the card on file can be declined too.
 *
 * A verify (payment_verify) follows the same card rules and records nothing:
 * approved, declined with the same reasons, 0119 unknown.
 *
 * `exec` runs a configured command with /bin/sh -c, writes one JSON request
 * {"op": "charge"|"refund"|"status"|"verify", "key", "amount_minor",
 * "currency", "card"} (a verify's amount_minor is 0)
 * on its stdin and reads {"status": "approved"|"declined"|"unknown",
 * "reference"} from its stdout (a decline may carry "reason", passed on). A command that exits non-zero, dies from a
 * signal, prints something that is not that JSON or outlives timeout_ms (it is
 * killed, with its whole process group) counts as PAYMENT_UNKNOWN. No fd and
 * no child outlives a call. */
#include "payment.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "exec_hook.h"
#include "store.h"

enum processor_kind { PROCESSOR_TEST, PROCESSOR_EXEC };

struct payment_processor {
    enum processor_kind kind;
    struct store *store;      /* test: borrowed */
    char *command;            /* exec: owned */
    int timeout_ms;           /* exec */
};


/* ---------------------------------------------------------------- create */

struct payment_processor *payment_test_create(struct store *store)
{
    struct payment_processor *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->kind = PROCESSOR_TEST;
    p->store = store;
    return p;
}

struct payment_processor *payment_exec_create(const char *command, int timeout_ms)
{
    if (!command || !*command)
        return NULL;
    struct payment_processor *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->kind = PROCESSOR_EXEC;
    p->command = strdup(command);
    p->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    if (!p->command) {
        free(p);
        return NULL;
    }
    return p;
}

void payment_destroy(struct payment_processor *p)
{
    if (!p)
        return;
    free(p->command);
    free(p);
}

/* ---------------------------------------------------------------- test processor */

enum test_card_outcome { TEST_APPROVE, TEST_DECLINE, TEST_ERROR };

/* The decline reason of a test card (as Stripe's decline codes). */
/* The test card a card on file stands for: its last 4 digits. */
static const char *test_on_file(const char *card)
{
    static const char *const by_last4[][2] = {
        {"0002", "4000000000000002"}, {"9995", "4000000000009995"}, {"0069", "4000000000000069"},
    };
    const char *last4 = strrchr(card, ':');
    for (size_t i = 0; last4 && i < sizeof by_last4 / sizeof by_last4[0]; i++)
        if (strcmp(last4 + 1, by_last4[i][0]) == 0)
            return by_last4[i][1];
    return NULL;
}

static const char *test_decline_reason(const char *card)
{
    char digits[32];
    if (card && strncmp(card, "on_file:", 8) == 0)
        card = test_on_file(card);
    if (!card || !card_normalise(card, digits, sizeof digits))
        return "card_declined";
    if (strcmp(digits, "4000000000009995") == 0)
        return "insufficient_funds";
    if (strcmp(digits, "4000000000000069") == 0)
        return "expired_card";
    return "card_declined";
}

static enum test_card_outcome test_card_outcome(const char *card)
{
    static const char *const declined[] = {
        "4000000000000002",   /* generic decline */
        "4000000000009995",   /* insufficient funds */
        "4000000000000069",   /* expired card */
    };
    if (!card)
        return TEST_APPROVE;
    if (strncmp(card, "on_file:", 8) == 0 && !(card = test_on_file(card)))
        return TEST_APPROVE;
    char digits[32];
    if (!card_normalise(card, digits, sizeof digits) || !card_luhn_ok(digits))
        return TEST_DECLINE;
    for (size_t i = 0; i < sizeof declined / sizeof declined[0]; i++)
        if (strcmp(digits, declined[i]) == 0)
            return TEST_DECLINE;
    if (strcmp(digits, "4000000000000119") == 0)
        return TEST_ERROR;
    return TEST_APPROVE;
}

static void test_new_reference(char *out, size_t size)
{
    unsigned char raw[8] = {0};
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        got += (size_t)n;
    }
    char hex[sizeof raw * 2 + 1];
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    snprintf(out, size, "test_%s", hex);
}

static void copy_ref(char *dst, size_t size, const char *src)
{
    if (dst && size > 0)
        snprintf(dst, size, "%s", src ? src : "");
}

static enum payment_result test_charge(struct payment_processor *p, const struct payment_request *r,
                                       char *reference, size_t refsize)
{
    enum store_charge_state state;
    int64_t amount = 0;
    char ref[128] = "";
    enum bc_status st = store_test_charge_get(p->store, r->key, &state, &amount, ref, sizeof ref);
    if (st == BC_OK && state == STORE_CHARGE_APPROVED) {
        copy_ref(reference, refsize, ref);
        return PAYMENT_APPROVED;
    }
    if (st != BC_OK && st != BC_NOT_FOUND)
        return PAYMENT_UNKNOWN;

    enum store_charge_state want = STORE_CHARGE_APPROVED;
    switch (test_card_outcome(r->card)) {
    case TEST_ERROR:
        return PAYMENT_UNKNOWN;
    case TEST_DECLINE:
        want = STORE_CHARGE_DECLINED;
        ref[0] = '\0';
        break;
    case TEST_APPROVE:
        test_new_reference(ref, sizeof ref);
        break;
    }
    /* Checked and recorded in one transaction: another process charging
     * the key at this moment makes the same charge, never a second one. */
    char held[128] = "";
    if (store_test_charge_take(p->store, r->key, want, r->amount, r->currency, ref, &state,
                               &amount, held, sizeof held) != BC_OK)
        return PAYMENT_UNKNOWN;
    if (state != STORE_CHARGE_APPROVED) {
        copy_ref(reference, refsize, test_decline_reason(r->card));
        return PAYMENT_DECLINED;
    }
    copy_ref(reference, refsize, held);
    return PAYMENT_APPROVED;
}

/* APPROVED when nothing stays charged under the key afterwards. */
static enum payment_result test_refund(struct payment_processor *p, const struct payment_request *r)
{
    return store_test_charge_refund(p->store, r->key) == BC_OK ? PAYMENT_APPROVED
                                                               : PAYMENT_UNKNOWN;
}

static enum payment_result test_status(struct payment_processor *p, const char *key,
                                       int64_t *amount, char *reference, size_t refsize)
{
    enum store_charge_state state;
    int64_t amt = 0;
    char ref[128] = "";
    enum bc_status st = store_test_charge_get(p->store, key, &state, &amt, ref, sizeof ref);
    if (st == BC_NOT_FOUND)
        return PAYMENT_DECLINED;
    if (st != BC_OK)
        return PAYMENT_UNKNOWN;
    if (state != STORE_CHARGE_APPROVED)
        return PAYMENT_DECLINED;
    if (amount)
        *amount = amt;
    copy_ref(reference, refsize, ref);
    return PAYMENT_APPROVED;
}

/* ---------------------------------------------------------------- exec processor */

/* The command runs through exec_hook.c, the one runner of configured
 * commands: /bin/sh -c, its process group killed at the deadline. */
static bool exec_run(const struct payment_processor *p, const char *input, char **output)
{
    return exec_hook_run(p->command, p->timeout_ms, input, output) == EXEC_HOOK_OK;
}

static enum payment_result exec_call(struct payment_processor *p, const char *op, const char *key,
                                     int64_t amount, const char *currency, const char *card,
                                     int64_t *amount_out, char *reference, size_t refsize)
{
    enum payment_result result = PAYMENT_UNKNOWN;
    char *request = NULL, *output = NULL;
    json_t *reply = NULL;
    json_t *req = json_pack("{s:s, s:s, s:I, s:s, s:s}", "op", op, "key", key ? key : "",
                            "amount_minor", (json_int_t)amount, "currency",
                            currency ? currency : "", "card", card ? card : "");
    if (!req)
        goto cleanup;
    request = json_dumps(req, JSON_COMPACT);
    if (!request)
        goto cleanup;
    if (!exec_run(p, request, &output))
        goto cleanup;

    json_error_t jerr;
    reply = json_loads(output, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(reply))
        goto cleanup;
    const char *status = json_string_value(json_object_get(reply, "status"));
    if (!status)
        goto cleanup;
    if (strcmp(status, "approved") == 0) {
        json_t *ref = json_object_get(reply, "reference");
        if (ref && !json_is_string(ref))
            goto cleanup;
        copy_ref(reference, refsize, json_string_value(ref));
        json_t *amt = json_object_get(reply, "amount_minor");
        if (amount_out)
            *amount_out = json_is_integer(amt) ? (int64_t)json_integer_value(amt) : amount;
        result = PAYMENT_APPROVED;
    } else if (strcmp(status, "declined") == 0) {
        json_t *why = json_object_get(reply, "reason");
        copy_ref(reference, refsize, json_is_string(why) ? json_string_value(why) : "");
        result = PAYMENT_DECLINED;
    }

cleanup:
    json_decref(req);
    json_decref(reply);
    free(request);
    free(output);
    return result;
}

/* ---------------------------------------------------------------- interface */

enum payment_result payment_charge(struct payment_processor *p, const struct payment_request *r,
                                   char *reference, size_t refsize)
{
    copy_ref(reference, refsize, "");
    if (!p || !r || !r->key || !*r->key || r->amount <= 0)
        return PAYMENT_UNKNOWN;
    if (p->kind == PROCESSOR_TEST)
        return test_charge(p, r, reference, refsize);
    return exec_call(p, "charge", r->key, r->amount, r->currency, r->card, NULL,
                     reference, refsize);
}

enum payment_result payment_refund(struct payment_processor *p, const struct payment_request *r)
{
    if (!p || !r || !r->key || !*r->key)
        return PAYMENT_UNKNOWN;
    if (p->kind == PROCESSOR_TEST)
        return test_refund(p, r);
    return exec_call(p, "refund", r->key, r->amount, r->currency, r->card, NULL, NULL, 0);
}

enum payment_result payment_status(struct payment_processor *p, const char *key,
                                   int64_t *amount, char *reference, size_t refsize)
{
    copy_ref(reference, refsize, "");
    if (!p || !key || !*key)
        return PAYMENT_UNKNOWN;
    if (p->kind == PROCESSOR_TEST)
        return test_status(p, key, amount, reference, refsize);
    return exec_call(p, "status", key, 0, "", "", amount, reference, refsize);
}

enum payment_result payment_verify(struct payment_processor *p, const char *key, const char *card,
                                   const char *currency, char *reason, size_t reasonsize)
{
    copy_ref(reason, reasonsize, "");
    if (!p || !key || !*key || !card || !*card || strncmp(card, "on_file:", 8) == 0)
        return PAYMENT_UNKNOWN;
    if (p->kind == PROCESSOR_EXEC) {
        char ref[128] = "";
        enum payment_result r = exec_call(p, "verify", key, 0, currency, card, NULL, ref, sizeof ref);
        if (r == PAYMENT_DECLINED)
            copy_ref(reason, reasonsize, ref);
        return r;
    }
    switch (test_card_outcome(card)) {
    case TEST_ERROR:
        return PAYMENT_UNKNOWN;
    case TEST_DECLINE:
        copy_ref(reason, reasonsize, test_decline_reason(card));
        return PAYMENT_DECLINED;
    case TEST_APPROVE:
        break;
    }
    return PAYMENT_APPROVED;
}

/* ---------------------------------------------------------------- cards */

bool card_normalise(const char *input, char *out, size_t size)
{
    size_t n = 0;
    if (!input || !out || size == 0)
        return false;
    for (const char *c = input; *c; c++) {
        if (*c == ' ' || *c == '-')
            continue;
        if (*c < '0' || *c > '9')
            return false;
        if (n + 1 >= size || n >= 19)
            return false;
        out[n++] = *c;
    }
    out[n] = '\0';
    return n >= 12 && n <= 19;
}

bool card_luhn_ok(const char *digits)
{
    if (!digits)
        return false;
    size_t n = strlen(digits);
    if (n < 12 || n > 19)
        return false;
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        char c = digits[n - 1 - i];
        if (c < '0' || c > '9')
            return false;
        int d = c - '0';
        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

static int prefix_num(const char *digits, size_t len)
{
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (digits[i] < '0' || digits[i] > '9')
            return -1;
        v = v * 10 + (digits[i] - '0');
    }
    return v;
}

const char *card_brand(const char *digits)
{
    if (!digits || strlen(digits) < 6)
        return "card";
    int p1 = prefix_num(digits, 1), p2 = prefix_num(digits, 2);
    int p3 = prefix_num(digits, 3), p4 = prefix_num(digits, 4);
    if (p1 == 4)
        return "visa";
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
        return "mastercard";
    if (p2 == 34 || p2 == 37)
        return "amex";
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649))
        return "discover";
    if (p4 >= 3528 && p4 <= 3589)
        return "jcb";
    return "card";
}

bool card_parse_expiry(const char *s, int *month, int *year)
{
    if (!s)
        return false;
    while (*s == ' ')
        s++;
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    int m = (s[0] - '0') * 10 + (s[1] - '0');
    s += 2;
    while (*s == ' ')
        s++;
    /* "12/30", "12/2030", or the digits alone: "1230", "122030". */
    if (*s == '/')
        s++;
    else if (*s < '0' || *s > '9')
        return false;
    while (*s == ' ')
        s++;
    int y = 0;
    size_t nd = 0;
    while (s[nd] >= '0' && s[nd] <= '9') {
        y = y * 10 + (s[nd] - '0');
        nd++;
        if (nd > 4)
            return false;
    }
    const char *rest = s + nd;
    while (*rest == ' ')
        rest++;
    if (*rest || (nd != 2 && nd != 4) || m < 1 || m > 12)
        return false;
    if (nd == 2)
        y += 2000;
    if (y < 2000 || y > 2099)
        return false;
    *month = m;
    *year = y;
    return true;
}

bool card_expiry_ok(int exp_month, int exp_year, int today_y, int today_m)
{
    return exp_year > today_y || (exp_year == today_y && exp_month >= today_m);
}

size_t card_mask(const char *digits, bool ascii, char *out, size_t size)
{
    static const char bullet[] = "\xe2\x80\xa2";   /* U+2022 */
    size_t w = 0;
    if (!out || size == 0)
        return 0;
    out[0] = '\0';
    if (!digits)
        return 0;
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        char piece[4];
        size_t plen;
        if (i > 0 && i % 4 == 0) {
            if (w + 1 >= size)
                break;
            out[w++] = ' ';
        }
        if (i + 4 < n) {
            if (ascii) {
                piece[0] = '*';
                plen = 1;
            } else {
                memcpy(piece, bullet, 3);
                plen = 3;
            }
        } else {
            piece[0] = digits[i];
            plen = 1;
        }
        if (w + plen >= size)
            break;
        memcpy(out + w, piece, plen);
        w += plen;
    }
    out[w] = '\0';
    return w;
}
