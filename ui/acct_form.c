/* acct_form.c — the check behind the account forms: account_build says
 * what is wrong in words; building again with the fields added one at a
 * time in the form's order finds the first one at fault, so the status
 * line names it and the focus can go there. */
#include "acct_form.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "i18n.h"

static void input_set(struct account_input *in, enum acct_field which, const char *v)
{
    switch (which) {
    case AF_NAME: in->name = v; break;
    case AF_COUNTRY: in->country = v; break;
    case AF_CURRENCY: in->currency = v; break;
    case AF_VAT: in->vat_number = v; break;
    case AF_LEGAL: in->legal_name = v; break;
    case AF_ADDRESS: in->address = v; break;
    case AF_STREET: in->street = v; break;
    case AF_NUMBER: in->street_number = v; break;
    case AF_POSTCODE: in->postcode = v; break;
    case AF_CITY: in->city = v; break;
    case AF_PROVINCE: in->province = v; break;
    case AF_TAX_CODE: in->tax_code = v; break;
    case AF_PEC: in->pec = v; break;
    case AF_SDI: in->sdi_code = v; break;
    case AF_CONTACT_NAME: in->contact_name = v; break;
    case AF_CONTACT_EMAIL: in->contact_email = v; break;
    case AF_COUNT: break;
    }
}

static bool required(enum acct_field w)
{
    return w == AF_NAME || w == AF_COUNTRY || w == AF_CURRENCY;
}

/* The core's explanations in the UI's language (SPEC §7). */
static const char *form_tr(const char *msgid)
{
    return _(msgid);
}

int acct_form_build(const struct catalog *cat, const struct store_account *base, const char *kind,
                    const struct acct_form_item *items, size_t n, struct store_account *out,
                    struct store_contact *contact, char *msg, size_t size)
{
    struct account_input in;
    char why[700];
    size_t contact_name = n;

    memset(&in, 0, sizeof in);
    msg[0] = '\0';
    /* A new account's required fields stand in until their turn comes, so
     * that the fields before them are checked alone. */
    if (!base) {
        in.name = "x";
        in.country = "US";
        in.currency = cat->ncurrencies > 0 ? cat->currencies[0] : "EUR";
        in.kind = kind;
    }
    for (size_t i = 0; i < n; i++) {
        const char *v = items[i].field->text;
        if (!base && required(items[i].which) && !v[0]) {
            snprintf(msg, size, _("%s: required"), _(items[i].label));
            return (int)i;
        }
        if (items[i].which == AF_CONTACT_NAME)
            contact_name = i;
        /* A new account leaves out what is not given; an edit clears it. */
        input_set(&in, items[i].which, base || v[0] ? v : NULL);
        /* A contact needs both: its name waits for its e-mail. */
        if (items[i].which == AF_CONTACT_NAME)
            continue;
        if (!account_build_tr(cat, &in, base, out, contact, why, sizeof why, form_tr)) {
            size_t at = i;
            if (items[i].which == AF_CONTACT_EMAIL && contact_name < n && !v[0])
                at = contact_name;
            snprintf(msg, size, "%s: %s", _(items[at].label), why);
            return (int)at;
        }
        account_build_clear(out, contact);
    }
    if (!account_build_tr(cat, &in, base, out, contact, why, sizeof why, form_tr)) {
        size_t at = contact_name < n ? contact_name : 0;
        snprintf(msg, size, "%s: %s", n > 0 ? _(items[at].label) : "", why);
        return (int)at;
    }
    return -1;
}

void acct_form_draw_row(int y, int vx, int w, const char *label, const struct ui_field *f,
                        bool focused)
{
    draw_text(y, 4, vx - 5, label, A_BOLD);
    field_draw(f, y, vx, w, focused, NULL);
    if (focused)
        draw_text(y, 2, 1, draw_glyph_cursor(), A_BOLD);
}
