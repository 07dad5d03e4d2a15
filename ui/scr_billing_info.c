/* scr_billing_info.c — "Billing information" (SPEC §8, §9), from the
 * account's Subscriptions screen for its billing contact or an operator:
 * the fields its invoices state (legal name, country, VAT number, address,
 * codice fiscale, PEC, codice destinatario). Nothing is written until Save
 * is chosen and confirmed; the core checks every field (account_edit), and
 * the first one at fault is named on the status line. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "acct_form.h"
#include "app.h"
#include "draw.h"
#include "i18n.h"

enum info_item {
    INFO_LEGAL, INFO_COUNTRY, INFO_VAT, INFO_ADDRESS, INFO_STREET, INFO_NUMBER, INFO_POSTCODE,
    INFO_CITY, INFO_PROVINCE, INFO_TAX_CODE, INFO_PEC, INFO_SDI, INFO_SAVE, INFO_COUNT
};

struct info_state {
    struct ui_field f[INFO_COUNT];   /* INFO_SAVE unused */
    struct ui_form form;
    struct store_account built;      /* what Save would write, while asked */
    bool have_built;
};

static const struct {
    enum acct_field which;
    const char *label;
    size_t max;
} info_fields[] = {
    [INFO_LEGAL] = {AF_LEGAL, N_("Legal name"), 120},
    [INFO_COUNTRY] = {AF_COUNTRY, N_("Country"), 2},
    [INFO_VAT] = {AF_VAT, N_("VAT number"), 20},
    [INFO_ADDRESS] = {AF_ADDRESS, N_("Address"), 120},
    [INFO_STREET] = {AF_STREET, N_("Street"), 100},
    [INFO_NUMBER] = {AF_NUMBER, N_("Street number"), 10},
    [INFO_POSTCODE] = {AF_POSTCODE, N_("Postcode"), 10},
    [INFO_CITY] = {AF_CITY, N_("City"), 60},
    [INFO_PROVINCE] = {AF_PROVINCE, N_("Province"), 2},
    [INFO_TAX_CODE] = {AF_TAX_CODE, N_("Codice fiscale"), 16},
    [INFO_PEC] = {AF_PEC, N_("PEC"), 100},
    [INFO_SDI] = {AF_SDI, N_("Codice destinatario"), 7},
};
#define INFO_NFIELDS INFO_SAVE

static const char *info_value(const struct store_account *a, enum info_item it)
{
    switch (it) {
    case INFO_LEGAL: return a->legal_name;
    case INFO_COUNTRY: return a->country;
    case INFO_VAT: return a->vat_number;
    case INFO_ADDRESS: return a->address;
    case INFO_STREET: return a->street;
    case INFO_NUMBER: return a->street_number;
    case INFO_POSTCODE: return a->postcode;
    case INFO_CITY: return a->city;
    case INFO_PROVINCE: return a->province;
    case INFO_TAX_CODE: return a->tax_code;
    case INFO_PEC: return a->pec;
    case INFO_SDI: return a->sdi_code;
    default: return NULL;
    }
}

static void info_open(struct ui_app *app, void *st, int64_t arg)
{
    struct info_state *S = st;
    (void)arg;
    ui_form_init(&S->form, INFO_COUNT);
    for (int i = 0; i < INFO_NFIELDS; i++) {
        S->f[i].max_chars = info_fields[i].max;
        field_set(&S->f[i], info_value(&app->va.acct, (enum info_item)i));
        ui_form_bind(&S->form, i, &S->f[i]);
    }
}

static void info_forget(struct info_state *S)
{
    if (S->have_built)
        account_build_clear(&S->built, NULL);
    S->have_built = false;
}

static void info_done(struct ui_app *app, void *st)
{
    struct info_state *S = st;
    (void)app;
    info_forget(S);
    ui_form_wipe(&S->form);
}

static bool info_changed(const struct ui_app *app, const struct info_state *S)
{
    for (int i = 0; i < INFO_NFIELDS; i++) {
        const char *v = info_value(&app->va.acct, (enum info_item)i);
        if (strcmp(S->f[i].text, v ? v : "") != 0)
            return true;
    }
    return false;
}

static void info_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct info_state *S = st;
    int vx = 0;
    for (int i = 0; i < INFO_NFIELDS; i++)
        if (draw_width(_(info_fields[i].label)) > vx)
            vx = draw_width(_(info_fields[i].label));
    vx += 6;
    int fw = COLS - vx - 4 < 50 ? COLS - vx - 4 : 50;
    int y = top;
    draw_text(y, 2, COLS - 4, _("What the account's invoices state; an empty field clears it:"),
              A_NORMAL);
    y += 2;
    for (int i = 0; i < INFO_NFIELDS && y < bottom; i++, y++) {
        int w = i == INFO_COUNTRY || i == INFO_PROVINCE ? 8 : fw;
        acct_form_draw_row(y, vx, w, _(info_fields[i].label), &S->f[i], S->form.focus == i);
    }
    y++;
    if (y < bottom) {
        char buf[128];
        snprintf(buf, sizeof buf, "[ %s ]", _("Save"));
        attr_t at = draw_list_mark(y, 2, S->form.focus == INFO_SAVE, true, A_BOLD);
        draw_text(y, 4, 40, buf, at);
        if (info_changed(app, S))
            draw_text(y, 16, COLS - 18, _("(not saved yet)"), A_NORMAL);
    }
}

static void info_yes_save(struct ui_app *app, void *st)
{
    struct info_state *S = st;
    if (!S->have_built)
        return;
    enum bc_status rc = account_edit(app->b, &app->va.acct, &S->built);
    int64_t id = app->va.acct.id;
    info_forget(S);
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        return;
    }
    rc = ui_load_account(app, id);
    if (rc != BC_OK) {
        ui_status_code(app, rc);
        return;
    }
    ui_status(app, false, "%s", _("Billing information saved."));
    ui_go_back(app);
}

static void info_save(struct ui_app *app, struct info_state *S)
{
    struct acct_form_item items[INFO_NFIELDS];
    struct store_contact none;
    char msg[900];

    if (!ui_may_change(app))
        return;
    if (!info_changed(app, S)) {
        ui_status(app, false, "%s", _("Nothing to save: no field was changed."));
        return;
    }
    for (int i = 0; i < INFO_NFIELDS; i++)
        items[i] = (struct acct_form_item){info_fields[i].which, info_fields[i].label, &S->f[i]};
    info_forget(S);
    int bad = acct_form_build(app->b->catalog, &app->va.acct, NULL, items, INFO_NFIELDS,
                              &S->built, &none, msg, sizeof msg);
    if (bad >= 0) {
        ui_status(app, true, "%s", msg);
        S->form.focus = bad;
        return;
    }
    account_build_clear(NULL, &none);
    S->have_built = true;
    ui_ask(app, _("Save the billing information? y/n"), info_yes_save);
}

static unsigned info_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct info_state *S = st;
    switch (act) {
    case ACT_ENTER:
        if (S->form.focus == INFO_SAVE)
            info_save(app, S);
        else
            ui_form_move(&S->form, 1);
        return UI_DONE;
    default:
        return ui_form_key(&S->form, act);
    }
}

static unsigned info_text(struct ui_app *app, void *st, wint_t ch)
{
    struct info_state *S = st;
    (void)app;
    int it = S->form.focus;
    if (ui_form_field(&S->form) == NULL)
        return UI_IGNORED;
    if ((it == INFO_COUNTRY || it == INFO_VAT || it == INFO_PROVINCE || it == INFO_TAX_CODE ||
         it == INFO_SDI) && ch < 0x80)
        ch = (wint_t)toupper((int)ch);
    return ui_form_text(&S->form, ch);
}

static const enum ui_action *info_footer(struct ui_app *app, void *st)
{
    static const enum ui_action field[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_BACK, ACT_NONE};
    const struct info_state *S = st;
    (void)app;
    return ui_form_field(&S->form) != NULL ? field : acts;
}

static unsigned info_live(struct ui_app *app, void *st)
{
    const struct info_state *S = st;
    (void)app;
    return ui_form_field(&S->form) == NULL ? KEYS_LIVE_ALL : 0;
}

static bool info_busy(struct ui_app *app, void *st)
{
    return info_changed(app, st);
}

static const char *const info_help[] = {
    N_("The account's billing information, as its invoices state it: legal name, "
       "country, VAT number (checked for the country), address (street, number, "
       "postcode, city, province) and, for Italy, the codice fiscale and the PEC or "
       "codice destinatario for the Sistema di Interscambio. An empty field clears it."),
    N_("Tab and Down move to the next field. Nothing is written until Enter on Save "
       "is confirmed with y; a field that is not right is named on the status line "
       "and takes the focus. Esc goes back without saving."),
    NULL,
};

const struct ui_screen scr_billing_info = {
    .route = "billing_info",
    .title = N_("Billing information"),
    .private_size = sizeof(struct info_state),
    .open = info_open,
    .done = info_done,
    .draw = info_draw,
    .action = info_action,
    .text = info_text,
    .footer = info_footer,
    .help = info_help,
    .live = info_live,
    .busy = info_busy,
};
