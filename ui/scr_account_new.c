/* scr_account_new.c — "New account", for operators (reached from Find an
 * account): the fields a customer needs to be billed (SPEC §8, §9), checked
 * by the core when Create account is chosen; the first field at fault is
 * named on the status line and takes the focus. On success the new account
 * opens on its Subscriptions screen. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "acct_form.h"
#include "app.h"
#include "draw.h"
#include "i18n.h"

/* Form items in focus order: the kind is a choice, Create a button. */
enum new_item {
    NEW_NAME, NEW_KIND, NEW_COUNTRY, NEW_CURRENCY, NEW_VAT, NEW_ADDRESS, NEW_TAX_CODE, NEW_PEC,
    NEW_SDI, NEW_CONTACT_NAME, NEW_CONTACT_EMAIL, NEW_CREATE, NEW_COUNT
};

struct new_state {
    struct ui_field f[NEW_COUNT];   /* NEW_KIND and NEW_CREATE unused */
    bool corporate;
    struct ui_form form;
};

static const struct {
    enum new_item item;
    enum acct_field which;
    const char *label;
    size_t max;
} new_fields[] = {
    {NEW_NAME, AF_NAME, N_("Name"), 100},
    {NEW_COUNTRY, AF_COUNTRY, N_("Country"), 2},
    {NEW_CURRENCY, AF_CURRENCY, N_("Currency"), 3},
    {NEW_VAT, AF_VAT, N_("VAT number"), 20},
    {NEW_ADDRESS, AF_ADDRESS, N_("Address"), 120},
    {NEW_TAX_CODE, AF_TAX_CODE, N_("Codice fiscale"), 16},
    {NEW_PEC, AF_PEC, N_("PEC"), 100},
    {NEW_SDI, AF_SDI, N_("Codice destinatario"), 7},
    {NEW_CONTACT_NAME, AF_CONTACT_NAME, N_("Billing contact name"), 100},
    {NEW_CONTACT_EMAIL, AF_CONTACT_EMAIL, N_("Billing contact e-mail"), 100},
};
#define NEW_NFIELDS (sizeof new_fields / sizeof new_fields[0])

static void new_open(struct ui_app *app, void *st, int64_t arg)
{
    struct new_state *S = st;
    (void)arg;
    ui_form_init(&S->form, NEW_COUNT);
    for (size_t i = 0; i < NEW_NFIELDS; i++) {
        S->f[new_fields[i].item].max_chars = new_fields[i].max;
        ui_form_bind(&S->form, new_fields[i].item, &S->f[new_fields[i].item]);
    }
    if (app->b->catalog->ncurrencies > 0)
        field_set(&S->f[NEW_CURRENCY], app->b->catalog->currencies[0]);
}

static void new_done(struct ui_app *app, void *st)
{
    struct new_state *S = st;
    (void)app;
    ui_form_wipe(&S->form);
}

static int new_label_width(void)
{
    int vx = 0;
    for (size_t i = 0; i < NEW_NFIELDS; i++)
        if (draw_width(_(new_fields[i].label)) > vx)
            vx = draw_width(_(new_fields[i].label));
    if (draw_width(_("Kind")) > vx)
        vx = draw_width(_("Kind"));
    return vx + 6;
}

static void new_draw(struct ui_app *app, void *st, int top, int bottom)
{
    struct new_state *S = st;
    (void)app;
    int vx = new_label_width(), fw = COLS - vx - 4 < 50 ? COLS - vx - 4 : 50;
    int y = top;
    draw_text(y, 2, COLS - 4, _("A new customer account and its billing contact:"), A_NORMAL);
    y += 2;
    for (int it = 0; it < NEW_CREATE && y < bottom; it++, y++) {
        bool focused = S->form.focus == it;
        if (it == NEW_KIND) {
            const char *on = term_ascii() ? "(*)" : "(\u2022)";
            char buf[256];
            snprintf(buf, sizeof buf, "%s %s  %s %s", S->corporate ? "( )" : on, _("Standard"),
                     S->corporate ? on : "( )", _("Corporate"));
            draw_text(y, 4, vx - 5, _("Kind"), A_BOLD);
            attr_t at = draw_list_mark(y, 2, focused, true, A_NORMAL);
            draw_text(y, vx, COLS - vx - 2, buf, at);
            continue;
        }
        const char *label = "";
        for (size_t i = 0; i < NEW_NFIELDS; i++)
            if ((int)new_fields[i].item == it)
                label = _(new_fields[i].label);
        acct_form_draw_row(y, vx, it == NEW_COUNTRY || it == NEW_CURRENCY ? 8 : fw, label,
                           &S->f[it], focused);
    }
    y++;
    if (y < bottom) {
        char buf[128];
        snprintf(buf, sizeof buf, "[ %s ]", _("Create account"));
        attr_t at = draw_list_mark(y, 2, S->form.focus == NEW_CREATE, true, A_BOLD);
        draw_text(y, 4, 40, buf, at);
    }
}

static void new_create(struct ui_app *app, struct new_state *S)
{
    struct acct_form_item items[NEW_NFIELDS];
    struct store_account a;
    struct store_contact contact;
    char msg[900];

    enum bc_status st = account_may_write(&app->b->actor);
    if (st != BC_OK) {
        ui_status_code(app, st);
        return;
    }
    for (size_t i = 0; i < NEW_NFIELDS; i++)
        items[i] = (struct acct_form_item){new_fields[i].which, new_fields[i].label,
                                           &S->f[new_fields[i].item]};
    int bad = acct_form_build(app->b->catalog, NULL, S->corporate ? "corporate" : "standard",
                              items, NEW_NFIELDS, &a, &contact, msg, sizeof msg);
    if (bad >= 0) {
        ui_status(app, true, "%s", msg);
        S->form.focus = (int)new_fields[bad].item;
        return;
    }
    st = account_add(app->b, &a, &contact, 1, NULL);
    if (st == BC_INVALID_ARGUMENT) {
        ui_status(app, true, _("%s: %s already belongs to a contact."),
                  _("Billing contact e-mail"), contact.email);
        S->form.focus = NEW_CONTACT_EMAIL;
    } else if (st != BC_OK) {
        ui_status_code(app, st);
    } else {
        int64_t id = a.id;
        st = ui_load_account(app, id);
        if (st != BC_OK) {
            ui_status_code(app, st);
        } else {
            app->edit_valid = false;
            app->sub_sel = 0;
            ui_status(app, false, _("Account %lld created."), (long long)id);
            ui_go_back(app);
            ui_go(app, "home", 0);
        }
    }
    account_build_clear(&a, &contact);
}

static unsigned new_action(struct ui_app *app, void *st, enum ui_action act)
{
    struct new_state *S = st;
    switch (act) {
    case ACT_LEFT:
    case ACT_RIGHT:
    case ACT_TOGGLE:
        if (S->form.focus == NEW_KIND) {
            S->corporate = !S->corporate;
            return UI_DONE;
        }
        return act != ACT_TOGGLE ? UI_HANDLED : UI_IGNORED;
    case ACT_ENTER:
        if (S->form.focus == NEW_CREATE)
            new_create(app, S);
        else
            ui_form_move(&S->form, 1);
        return UI_DONE;
    default:
        return ui_form_key(&S->form, act);
    }
}

static unsigned new_text(struct ui_app *app, void *st, wint_t ch)
{
    struct new_state *S = st;
    (void)app;
    int it = S->form.focus;
    if (ui_form_field(&S->form) == NULL)
        return UI_IGNORED;
    if ((it == NEW_COUNTRY || it == NEW_CURRENCY || it == NEW_VAT || it == NEW_TAX_CODE ||
         it == NEW_SDI) && ch < 0x80)
        ch = (wint_t)toupper((int)ch);
    return ui_form_text(&S->form, ch);
}

static const enum ui_action *new_footer(struct ui_app *app, void *st)
{
    static const enum ui_action field[] = {ACT_TAB, ACT_ENTER, ACT_CLEAR, ACT_BACK, ACT_NONE};
    static const enum ui_action acts[] = {ACT_TAB, ACT_ENTER, ACT_LEFT, ACT_BACK, ACT_NONE};
    const struct new_state *S = st;
    (void)app;
    return ui_form_field(&S->form) != NULL ? field : acts;
}

/* In a field every printable key is text; off the fields ? q / act. */
static unsigned new_live(struct ui_app *app, void *st)
{
    const struct new_state *S = st;
    (void)app;
    return ui_form_field(&S->form) == NULL ? KEYS_LIVE_ALL : 0;
}

static bool new_busy(struct ui_app *app, void *st)
{
    const struct new_state *S = st;
    (void)app;
    return S->f[NEW_NAME].text[0] != '\0';
}

static const char *const new_help[] = {
    N_("A new customer account: name, kind (standard, or corporate for accounts "
       "managed with a sales representative), country (two letters, IT), currency "
       "(one of the catalog's), VAT number (checked for the country), address; for "
       "Italy the codice fiscale and the PEC or codice destinatario its invoices "
       "need; and its billing contact (name and e-mail), who signs in at the kiosk."),
    N_("Tab and Down move to the next field, Enter on Create account creates it. "
       "A field that is not right is named on the status line and takes the focus; "
       "nothing is written until every field checks out. Esc goes back without "
       "creating anything."),
    NULL,
};

const struct ui_screen scr_account_new = {
    .route = "account_new",
    .title = N_("New account"),
    .private_size = sizeof(struct new_state),
    .flags = UI_SCREEN_NO_ACCOUNT,
    .open = new_open,
    .done = new_done,
    .draw = new_draw,
    .action = new_action,
    .text = new_text,
    .footer = new_footer,
    .help = new_help,
    .live = new_live,
    .busy = new_busy,
};
