/* vat_check.c — the VIES client hook (vat_check.h): one run of the
 * catalog's check_command through exec_hook.c, its reply read strictly, and
 * the evidence as JSON for the order's output and its pending checkout. */
#include "vat_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec_hook.h"
#include "vat.h"

static void offline(struct store_vat_check *out, const char *reason)
{
    out->method = STORE_VAT_OFFLINE;
    out->valid = true;   /* the number passed the offline check */
    snprintf(out->reason, sizeof out->reason, "%s", reason);
}

/* An optional string of the reply: absent or null is "", anything but a
 * string is a bad reply. */
static bool reply_str(json_t *reply, const char *key, char *buf, size_t size)
{
    json_t *v = json_object_get(reply, key);
    buf[0] = '\0';
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return false;
    snprintf(buf, size, "%s", json_string_value(v));
    return true;
}

enum vat_check_outcome billing_vat_check(const struct catalog *c, const char *country,
                                         const char *vat_number, int64_t now,
                                         struct store_vat_check *out)
{
    memset(out, 0, sizeof *out);
    out->present = true;
    out->checked_at = now;
    snprintf(out->country, sizeof out->country, "%s", country);
    snprintf(out->vat_number, sizeof out->vat_number, "%s", vat_number);
    char requester[32] = "";
    if (c->seller_vat_number && *c->seller_vat_number &&
        !vat_number_normalise(c->seller_country, c->seller_vat_number, requester, sizeof requester))
        requester[0] = '\0';
    snprintf(out->requester, sizeof out->requester, "%s", requester);
    if (!c->vat_check_command) {
        offline(out, VAT_CHECK_NOT_CONFIGURED);
        return VAT_CHECK_OFFLINE;
    }

    char prefix[3] = "";
    snprintf(prefix, sizeof prefix, "%.2s", vat_number);
    json_t *req = json_pack("{s:s, s:s, s:s, s:o}", "op", "check", "country", prefix,
                            "vat_number", strlen(vat_number) > 2 ? vat_number + 2 : "",
                            "requester", requester[0] ? json_string(requester) : json_null());
    char *input = req ? json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(req);
    if (!input) {
        offline(out, VAT_CHECK_FAILED);
        return VAT_CHECK_OFFLINE;
    }
    char *output = NULL;
    enum exec_hook_result how = exec_hook_run(c->vat_check_command, c->vat_check_timeout_ms,
                                              input, &output);
    free(input);
    if (how != EXEC_HOOK_OK) {
        offline(out, how == EXEC_HOOK_TIMEOUT ? VAT_CHECK_TIMEOUT : VAT_CHECK_FAILED);
        return VAT_CHECK_OFFLINE;
    }
    json_t *reply = json_loads(output, JSON_DISABLE_EOF_CHECK, NULL);
    free(output);
    json_t *valid = json_object_get(reply, "valid");
    bool ok = json_is_object(reply) && json_is_boolean(valid) &&
              reply_str(reply, "name", out->name, sizeof out->name) &&
              reply_str(reply, "address", out->address, sizeof out->address) &&
              reply_str(reply, "consultation", out->consultation, sizeof out->consultation);
    bool is_valid = ok && json_is_true(valid);
    json_decref(reply);
    if (!ok) {
        out->name[0] = out->address[0] = out->consultation[0] = '\0';
        offline(out, VAT_CHECK_BAD_REPLY);
        return VAT_CHECK_OFFLINE;
    }
    out->method = STORE_VAT_VIES;
    out->valid = is_valid;
    return is_valid ? VAT_CHECK_VALID : VAT_CHECK_INVALID;
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *billing_vat_check_json(const struct store_vat_check *v)
{
    if (!v || !v->present)
        return NULL;
    char at[32] = "";
    time_t t = (time_t)v->checked_at;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_pack("{s:s, s:b, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o}",
                     "method", v->method == STORE_VAT_VIES ? "vies" : "offline",
                     "valid", v->valid, "country", v->country, "vat_number", v->vat_number,
                     "requester", str_or_null(v->requester), "name", str_or_null(v->name),
                     "address", str_or_null(v->address),
                     "consultation", str_or_null(v->consultation), "at", at,
                     "reason", str_or_null(v->reason));
}

static bool copy_field(json_t *j, const char *key, char *buf, size_t size)
{
    json_t *v = json_object_get(j, key);
    buf[0] = '\0';
    if (json_is_null(v))
        return true;
    if (!json_is_string(v) || strlen(json_string_value(v)) >= size)
        return false;
    snprintf(buf, size, "%s", json_string_value(v));
    return true;
}

bool billing_vat_check_from_json(json_t *j, struct store_vat_check *out)
{
    memset(out, 0, sizeof *out);
    const char *method = json_string_value(json_object_get(j, "method"));
    const char *at = json_string_value(json_object_get(j, "at"));
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!json_is_object(j) || !method || !at || !json_is_boolean(json_object_get(j, "valid")) ||
        !copy_field(j, "country", out->country, sizeof out->country) ||
        !copy_field(j, "vat_number", out->vat_number, sizeof out->vat_number) ||
        !copy_field(j, "requester", out->requester, sizeof out->requester) ||
        !copy_field(j, "name", out->name, sizeof out->name) ||
        !copy_field(j, "address", out->address, sizeof out->address) ||
        !copy_field(j, "consultation", out->consultation, sizeof out->consultation) ||
        !copy_field(j, "reason", out->reason, sizeof out->reason))
        return false;
    const char *end = strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end)
        return false;
    out->method = strcmp(method, "vies") == 0 ? STORE_VAT_VIES : STORE_VAT_OFFLINE;
    out->valid = json_is_true(json_object_get(j, "valid"));
    out->checked_at = (int64_t)timegm(&tm);
    out->present = true;
    return true;
}
