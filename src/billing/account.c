/* account.c — accounts and their billing contacts coming in: the checks
 * every field passes (shared by add, edit and import), the rights, and the
 * writes with their audit rows in the same transaction. */
#include "account.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing_impl.h"
#include "fiscal_id.h"
#include "vat.h"

#define ACCOUNT_TEXT_MAX 500

/* ISO 3166-1 alpha-2, in order. */
static const char iso3166[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

bool account_country_known(const char *country)
{
    char cc[3];

    if (!country || strlen(country) != 2 || !isalpha((unsigned char)country[0]) ||
        !isalpha((unsigned char)country[1]))
        return false;
    cc[0] = (char)toupper((unsigned char)country[0]);
    cc[1] = (char)toupper((unsigned char)country[1]);
    cc[2] = '\0';
    for (const char *p = iso3166; *p; p += p[2] ? 3 : 2)
        if (p[0] == cc[0] && p[1] == cc[1])
            return true;
    return false;
}

/* A copy of s, or NULL for NULL/"" (cleared). *oom on failure. */
static char *dup_or_null(const char *s, bool *oom)
{
    char *d;

    if (!s || !*s)
        return NULL;
    d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

static bool has_control(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\n')
            return true;
    return false;
}

/* A message's English sentence through the caller's translator (the UI's
 * gettext; SPEC §7), itself when there is none: the core marks its
 * sentences (N_) and never translates by itself. */
__attribute__((format_arg(2))) static const char *T(account_tr_fn tr, const char *msgid)
{
    return tr != NULL ? tr(msgid) : msgid;
}

static bool text_ok(const char *what, const char *s, bool multiline, char *msg, size_t size,
                    account_tr_fn tr)
{
    if (!s)
        return true;
    if (strlen(s) > ACCOUNT_TEXT_MAX) {
        snprintf(msg, size, T(tr, N_("%s is longer than %d bytes")), T(tr, what),
                 ACCOUNT_TEXT_MAX);
        return false;
    }
    if (has_control(s) || (!multiline && strchr(s, '\n'))) {
        snprintf(msg, size, T(tr, N_("%s contains control characters")), T(tr, what));
        return false;
    }
    return true;
}

static bool only_spaces(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static bool check_fields(const struct catalog *cat, const struct account_input *in, bool adding,
                         char *msg, size_t size, account_tr_fn tr)
{
    if (adding && !in->name) {
        snprintf(msg, size, "%s", T(tr, N_("a name is required")));
        return false;
    }
    if (in->name && only_spaces(in->name)) {
        snprintf(msg, size, "%s", T(tr, N_("the name is empty")));
        return false;
    }
    if (adding && !in->country) {
        snprintf(msg, size, "%s", T(tr, N_("a country is required")));
        return false;
    }
    if (in->country && !account_country_known(in->country)) {
        snprintf(msg, size, T(tr, N_("country '%s' is not an ISO 3166-1 two-letter code")),
                 in->country);
        return false;
    }
    if (adding && !in->currency) {
        snprintf(msg, size, "%s", T(tr, N_("a currency is required")));
        return false;
    }
    if (in->currency && catalog_currency_index(cat, in->currency) < 0) {
        snprintf(msg, size, T(tr, N_("currency '%s' is not one of the catalog's currencies")),
                 in->currency);
        return false;
    }
    if (in->kind && strcmp(in->kind, "standard") != 0 && strcmp(in->kind, "corporate") != 0) {
        snprintf(msg, size, T(tr, N_("kind '%s' is not standard or corporate")), in->kind);
        return false;
    }
    if ((in->contact_name && *in->contact_name) != (in->contact_email && *in->contact_email)) {
        snprintf(msg, size, "%s", T(tr, N_("a billing contact needs both a name and an e-mail")));
        return false;
    }
    if (in->contact_email && *in->contact_email) {
        enum bc_status st = billing_email_check(in->contact_email);
        if (st != BC_OK || strlen(in->contact_email) > 200) {
            const char *why = T(tr, st != BC_OK ? bc_status_message(st)
                                                  : N_("It is longer than 200 bytes."));
            int len = (int)strlen(why);
            /* the sentence without its full stop: the caller goes on */
            snprintf(msg, size, "e-mail '%s': %.*s", in->contact_email,
                     len > 0 && why[len - 1] == '.' ? len - 1 : len, why);
            return false;
        }
    }
    return text_ok(N_("the name"), in->name, false, msg, size, tr) &&
           text_ok(N_("the legal name"), in->legal_name, false, msg, size, tr) &&
           text_ok(N_("the address"), in->address, true, msg, size, tr) &&
           text_ok(N_("the contact name"), in->contact_name, false, msg, size, tr) &&
           text_ok(N_("the street"), in->street, false, msg, size, tr) &&
           text_ok(N_("the street number"), in->street_number, false, msg, size, tr) &&
           text_ok(N_("the postcode"), in->postcode, false, msg, size, tr) &&
           text_ok(N_("the city"), in->city, false, msg, size, tr) &&
           text_ok(N_("the PEC address"), in->pec, false, msg, size, tr);
}

/* The given profile value, or the account's when not given ("" clears). */
static const char *given_or(const char *given, const struct store_account *base, char *const *kept)
{
    return given ? given : base ? *kept : NULL;
}

/* The billing profile (SPEC §9) of *out from the input and the base, each
 * identifier checked against the country the account will have. */
static bool build_profile(const struct account_input *in, const struct store_account *base,
                          struct store_account *out, char *msg, size_t size, bool *oom,
                          account_tr_fn tr)
{
    bool italy = strcmp(out->country, "IT") == 0;
    const char *cf = given_or(in->tax_code, base, base ? &base->tax_code : NULL);
    const char *pec = given_or(in->pec, base, base ? &base->pec : NULL);
    const char *sdi = given_or(in->sdi_code, base, base ? &base->sdi_code : NULL);
    const char *postcode = given_or(in->postcode, base, base ? &base->postcode : NULL);
    const char *province = given_or(in->province, base, base ? &base->province : NULL);
    char cf_buf[24], sdi_buf[16], prov_buf[3];
    if (cf && *cf) {
        if (!italy) {
            snprintf(msg, size,
                     T(tr, N_("a codice fiscale is for an Italian account (country IT), not %s")),
                     out->country);
            return false;
        }
        if (!fiscal_id_compact(cf, cf_buf, sizeof cf_buf) || !fiscal_codice_fiscale_valid(cf_buf)) {
            snprintf(msg, size, T(tr, N_("codice fiscale '%s' is not valid (16 characters of a "
                                         "person or 11 digits of a company, with their "
                                         "check character)")), cf);
            return false;
        }
        cf = cf_buf;
    }
    if (pec && *pec && !fiscal_pec_valid(pec)) {
        snprintf(msg, size, T(tr, N_("PEC '%s' is not an e-mail address")), pec);
        return false;
    }
    if (sdi && *sdi) {
        if (!fiscal_id_compact(sdi, sdi_buf, sizeof sdi_buf) ||
            !fiscal_codice_destinatario_valid(sdi_buf)) {
            snprintf(msg, size, T(tr, N_("codice destinatario '%s' is not 7 letters and digits")),
                     sdi);
            return false;
        }
        sdi = sdi_buf;
    }
    if (postcode && *postcode && italy) {
        bool five = strlen(postcode) == 5;
        for (size_t i = 0; five && i < 5; i++)
            five = isdigit((unsigned char)postcode[i]);
        if (!five) {
            snprintf(msg, size, T(tr, N_("postcode '%s': an Italian postcode (CAP) is 5 digits")),
                     postcode);
            return false;
        }
    }
    if (province && *province) {
        if (strlen(province) != 2 || !isalpha((unsigned char)province[0]) ||
            !isalpha((unsigned char)province[1])) {
            snprintf(msg, size, T(tr, N_("province '%s' is not two letters (MI, RM)")), province);
            return false;
        }
        prov_buf[0] = (char)toupper((unsigned char)province[0]);
        prov_buf[1] = (char)toupper((unsigned char)province[1]);
        prov_buf[2] = '\0';
        province = prov_buf;
    }
    out->tax_code = dup_or_null(cf, oom);
    out->pec = dup_or_null(pec, oom);
    out->sdi_code = dup_or_null(sdi, oom);
    out->street = dup_or_null(given_or(in->street, base, base ? &base->street : NULL), oom);
    out->street_number = dup_or_null(given_or(in->street_number, base,
                                              base ? &base->street_number : NULL), oom);
    out->postcode = dup_or_null(postcode, oom);
    out->city = dup_or_null(given_or(in->city, base, base ? &base->city : NULL), oom);
    out->province = dup_or_null(province, oom);
    return true;
}

void account_build_clear(struct store_account *a, struct store_contact *contact)
{
    if (a)
        store_account_clear(a);
    if (contact)
        store_contact_clear(contact);
}

bool account_build(const struct catalog *cat, const struct account_input *in,
                   const struct store_account *base, struct store_account *out,
                   struct store_contact *contact, char *msg, size_t size)
{
    return account_build_tr(cat, in, base, out, contact, msg, size, NULL);
}

bool account_build_tr(const struct catalog *cat, const struct account_input *in,
                      const struct store_account *base, struct store_account *out,
                      struct store_contact *contact, char *msg, size_t size, account_tr_fn tr)
{
    const char *vat;
    char vat_buf[32];
    bool oom = false;

    memset(out, 0, sizeof *out);
    memset(contact, 0, sizeof *contact);
    msg[0] = '\0';
    if (!check_fields(cat, in, base == NULL, msg, size, tr))
        return false;
    if (base) {
        out->id = base->id;
        out->kind = base->kind;
        memcpy(out->currency, base->currency, sizeof out->currency);
        memcpy(out->country, base->country, sizeof out->country);
        out->balance = base->balance;
        out->billing_contact_id = base->billing_contact_id;
        out->balance_version = base->balance_version;
    }
    if (in->kind)
        out->kind = strcmp(in->kind, "corporate") == 0 ? STORE_ACCOUNT_CORPORATE
                                                       : STORE_ACCOUNT_STANDARD;
    if (in->currency)
        snprintf(out->currency, sizeof out->currency, "%s", in->currency);
    if (in->country) {
        out->country[0] = (char)toupper((unsigned char)in->country[0]);
        out->country[1] = (char)toupper((unsigned char)in->country[1]);
        out->country[2] = '\0';
    }
    out->name = dup_or_null(in->name ? in->name : base->name, &oom);
    out->legal_name = dup_or_null(in->legal_name ? in->legal_name : base ? base->legal_name : NULL,
                                  &oom);
    out->address = dup_or_null(in->address ? in->address : base ? base->address : NULL, &oom);
    /* The VAT number is checked against the country it will have, given
     * or kept, so that a new country with the old number is caught. */
    vat = in->vat_number ? in->vat_number : base ? base->vat_number : NULL;
    if (vat && *vat) {
        if (!vat_number_normalise(out->country, vat, vat_buf, sizeof vat_buf)) {
            snprintf(msg, size, T(tr, N_("VAT number '%s' is not valid for country %s")), vat,
                     out->country);
            store_account_clear(out);
            return false;
        }
        out->vat_number = dup_or_null(vat_buf, &oom);
    }
    if (!build_profile(in, base, out, msg, size, &oom, tr)) {
        store_account_clear(out);
        return false;
    }
    if (in->contact_email && *in->contact_email) {
        contact->name = dup_or_null(in->contact_name, &oom);
        contact->email = dup_or_null(in->contact_email, &oom);
        contact->role = STORE_ROLE_BILLING;
    }
    if (oom) {
        snprintf(msg, size, "%s", T(tr, bc_status_message(BC_NO_MEMORY)));
        store_account_clear(out);
        store_contact_clear(contact);
        return false;
    }
    return true;
}

enum bc_status account_may_write(const struct billing_actor *actor)
{
    if (!actor || actor->kind != BILLING_ACTOR_OPERATOR)
        return BC_NOT_ADMIN;
    return actor->op_role == STORE_OP_READONLY ? BC_READONLY_OPERATOR : BC_OK;
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *account_profile_json(const struct store_account *a)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "tax_code", string_or_null(a->tax_code), "pec", string_or_null(a->pec),
                     "sdi_code", string_or_null(a->sdi_code), "street", string_or_null(a->street),
                     "number", string_or_null(a->street_number),
                     "postcode", string_or_null(a->postcode), "city", string_or_null(a->city),
                     "province", string_or_null(a->province));
}

json_t *account_fields_json(const struct store_account *a, const struct store_contact *contact)
{
    json_t *o = json_pack("{s:I, s:s?, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)a->id,
                          "name", a->name, "kind",
                          a->kind == STORE_ACCOUNT_CORPORATE ? "corporate" : "standard",
                          "currency", a->currency, "country", a->country, "vat_number",
                          string_or_null(a->vat_number), "legal_name",
                          string_or_null(a->legal_name), "address", string_or_null(a->address));

    if (o)
        json_object_set_new(o, "billing_profile", account_profile_json(a));
    if (o && contact && contact->email)
        json_object_set_new(o, "billing_contact",
                            json_pack("{s:s?, s:s}", "name", contact->name, "email",
                                      contact->email));
    return o;
}

/* Refusals and failures outside the transaction: one audit row, no account. */
static enum bc_status audit_refusal(struct billing *b, int64_t account_id, const char *action,
                                    enum bc_status st)
{
    billing_audit(b, account_id, action, NULL, NULL, st);
    return st;
}

enum bc_status account_add(struct billing *b, struct store_account *accounts,
                           struct store_contact *contacts, size_t n, size_t *failed)
{
    enum bc_status st = account_may_write(&b->actor);
    size_t bad = 0;

    if (failed)
        *failed = 0;
    if (st != BC_OK)
        return audit_refusal(b, 0, "account.add", st);
    /* A contact e-mail already in use is told as the row's own problem. */
    for (size_t i = 0; i < n; i++) {
        struct store_contact other;
        if (!contacts || !contacts[i].email)
            continue;
        st = store_contact_by_email(b->store, contacts[i].email, &other);
        store_contact_clear(&other);
        if (st == BC_OK) {
            if (failed)
                *failed = i;
            return BC_INVALID_ARGUMENT;
        }
        if (st != BC_NOT_FOUND)
            return st;
    }
    if ((st = store_begin(b->store)) != BC_OK)
        return st;
    st = store_accounts_insert(b->store, accounts, contacts, n, &bad);
    for (size_t i = 0; st == BC_OK && i < n; i++) {
        json_t *after = account_fields_json(&accounts[i], contacts ? &contacts[i] : NULL);
        st = after ? billing_audit(b, accounts[i].id, "account.add", NULL, after, BC_OK)
                   : BC_NO_MEMORY;
        json_decref(after);
    }
    if (st == BC_OK)
        st = store_commit(b->store);
    else
        store_rollback(b->store);
    if (st != BC_OK) {
        for (size_t i = 0; i < n; i++) {
            accounts[i].id = 0;
            accounts[i].billing_contact_id = 0;
        }
        if (failed)
            *failed = bad;
    }
    return st;
}

static bool same_text(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

/* A billing contact edits its own account's billing information (SPEC
 * §8): everything but the name, kind and currency, on an account that is
 * not corporate (billing_rights says why not). */
static enum bc_status contact_may_edit(struct billing *b, const struct store_account *before,
                                       const struct store_account *after)
{
    struct billing_rights rights;
    enum bc_status st = billing_rights(b, before, &rights);
    if (st != BC_OK)
        return st;
    if (rights.may_change != BC_OK)
        return rights.may_change;
    if (!same_text(before->name, after->name) || before->kind != after->kind ||
        strcmp(before->currency, after->currency) != 0)
        return BC_NOT_ADMIN;
    return BC_OK;
}

enum bc_status account_edit(struct billing *b, const struct store_account *before,
                            const struct store_account *after)
{
    enum bc_status st = account_may_write(&b->actor);
    json_t *jb, *ja;

    if (st == BC_NOT_ADMIN && b->actor.kind == BILLING_ACTOR_CONTACT)
        st = contact_may_edit(b, before, after);
    if (st != BC_OK)
        return audit_refusal(b, before->id, "account.edit", st);
    jb = account_fields_json(before, NULL);
    ja = account_fields_json(after, NULL);
    st = jb && ja ? store_begin(b->store) : BC_NO_MEMORY;
    if (st == BC_OK) {
        st = store_account_update(b->store, after);
        if (st == BC_OK)
            st = billing_audit(b, after->id, "account.edit", jb, ja, BC_OK);
        if (st == BC_OK)
            st = store_commit(b->store);
        else
            store_rollback(b->store);
    }
    json_decref(jb);
    json_decref(ja);
    return st;
}
