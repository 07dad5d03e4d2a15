/* session.c — kiosk sign-in and sign-out in the core (see session.h). */
#include "session.h"

#include <string.h>

#include "access.h"

enum bc_status billing_sign_in(struct billing *b, const char *email, const char *pin,
                               int64_t *account_id)
{
    struct billing_actor actor;
    memset(&actor, 0, sizeof actor);
    if (account_id != NULL)
        *account_id = 0;
    if (b == NULL || email == NULL || pin == NULL)
        return BC_INVALID_ARGUMENT;
    enum bc_status rc = access_sign_in(b->store, email, pin, session_clock_now(), &actor);
    if (rc != BC_OK) {
        billing_sign_out(b);
        return rc;
    }
    struct store_contact c;
    memset(&c, 0, sizeof c);
    rc = store_contact_get(b->store, actor.contact_id, &c);
    int64_t acct = c.account_id;
    store_contact_clear(&c);
    access_wipe(&c, sizeof c);
    if (rc != BC_OK) {
        billing_sign_out(b);
        return rc;
    }
    b->actor = actor;
    access_wipe(&actor, sizeof actor);
    if (account_id != NULL)
        *account_id = acct;
    return BC_OK;
}

void billing_sign_out(struct billing *b)
{
    if (b == NULL)
        return;
    access_wipe(&b->actor, sizeof b->actor);
    access_kiosk(&b->actor);
}

bool billing_signed_in(const struct billing *b)
{
    return b != NULL && b->actor.kind == BILLING_ACTOR_CONTACT && b->actor.contact_id != 0;
}

enum bc_status billing_actor_account(struct billing *b, int64_t *account_id)
{
    *account_id = 0;
    if (!billing_signed_in(b))
        return BC_NOT_FOUND;
    struct store_contact c;
    memset(&c, 0, sizeof c);
    enum bc_status rc = store_contact_get(b->store, b->actor.contact_id, &c);
    if (rc == BC_OK)
        *account_id = c.account_id;
    store_contact_clear(&c);
    return rc;
}
