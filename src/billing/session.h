/* session.h — who is signed in at a kiosk, decided by the core: the sign-in
 * checks e-mail and PIN (access.c) at the session's clock and sets the
 * actor; the sign-out forgets it. The screens only ask. */
#ifndef BC_SESSION_H
#define BC_SESSION_H

#include <stdint.h>

#include "billing.h"
#include "status.h"

/* Signs a contact in: access_sign_in at session_clock_now(), and on BC_OK
 * b->actor becomes that contact and *account_id its account. On any other
 * status the actor is a kiosk actor nobody signed in as. `email` and `pin`
 * are borrowed; the caller wipes its PIN buffer. */
enum bc_status billing_sign_in(struct billing *b, const char *email, const char *pin,
                               int64_t *account_id);

/* Back to a kiosk actor nobody signed in as. */
void billing_sign_out(struct billing *b);

/* True when a contact is signed in (a kiosk after a sign-in, or --contact). */
bool billing_signed_in(const struct billing *b);

/* The account of the contact acting: BC_OK and *account_id, BC_NOT_FOUND
 * when the actor is no contact or nobody signed in. */
enum bc_status billing_actor_account(struct billing *b, int64_t *account_id);

/* The sign-in's clock in unix seconds (session_clock.c). The shipped binary
 * reads time() only; a test build (BC_TEST_HOOKS) adds
 * $BILLCENTER_TEST_CLOCK_OFFSET seconds, for tests of the 15-minute lock. */
int64_t session_clock_now(void);

#endif
