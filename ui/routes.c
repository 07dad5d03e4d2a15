/* routes.c — the one table of screens by route name, the first screen for
 * who is acting, and the screens the global keys open. Screens name each
 * other only through these routes. */
#include <string.h>

#include "app.h"
#include "session.h"

extern const struct ui_screen scr_search, scr_home, scr_modify, scr_cart, scr_review,
    scr_payment, scr_confirm, scr_seats, scr_history, scr_signin;
extern const struct ui_screen scr_invoices, scr_document;
extern const struct ui_screen scr_paynow;
extern const struct ui_screen scr_account_new, scr_billing_info, scr_payment_method;

extern const struct ui_screen scr_addproduct;
static const struct ui_screen *const ui_route_table[] = {
    &scr_signin, &scr_search, &scr_home, &scr_modify, &scr_cart, &scr_review,
    &scr_payment, &scr_confirm, &scr_seats, &scr_history,
    &scr_invoices, &scr_document,
    &scr_addproduct,
    &scr_paynow,
    &scr_account_new, &scr_billing_info, &scr_payment_method,
};

const struct ui_screen *ui_route(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof ui_route_table / sizeof ui_route_table[0]; i++)
        if (strcmp(ui_route_table[i]->route, name) == 0)
            return ui_route_table[i];
    return NULL;
}

const char *ui_route_first(const struct ui_app *app)
{
    if (app->b->actor.kind == BILLING_ACTOR_CONTACT)
        return billing_signed_in(app->b) ? "home" : "signin";
    return "search";
}

/* Global keys that open a screen: c the cart (once an account is open), /
 * the account search (operators, never a kiosk). */
static const struct {
    enum ui_action act;
    const char *route;
    enum ui_go_kind kind;
    bool needs_account, operators_only;
} ui_key_routes[] = {
    {ACT_CART, "cart", UI_GO_PUSH, true, false},
    {ACT_SEARCH, "search", UI_GO_ROOT, false, true},
};

const char *ui_route_key(const struct ui_app *app, enum ui_action act, enum ui_go_kind *kind)
{
    for (size_t i = 0; i < sizeof ui_key_routes / sizeof ui_key_routes[0]; i++) {
        if (ui_key_routes[i].act != act)
            continue;
        if (ui_key_routes[i].needs_account && !app->have_account)
            return NULL;
        if (ui_key_routes[i].operators_only && (!app->operator_mode || app->kiosk))
            return NULL;
        *kind = ui_key_routes[i].kind;
        return ui_key_routes[i].route;
    }
    return NULL;
}

bool ui_route_in_checkout(const char *route)
{
    return route != NULL && (strcmp(route, "review") == 0 || strcmp(route, "payment") == 0);
}
