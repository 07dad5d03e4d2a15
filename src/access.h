/* access.h — who is at the keyboard (SPEC §1): an operator is identified by
 * the real uid's passwd entry (never $USER), comes from $SSH_CLIENT or is
 * local, and has the role the store records; a kiosk session acts as a
 * contact once someone signs in. */
#ifndef BC_ACCESS_H
#define BC_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "billing.h"
#include "status.h"
#include "store.h"

/* The login name of getuid() from the passwd database. False when the uid
 * has no passwd entry. */
bool access_unix_name(char *out, size_t size);

/* $SSH_CLIENT when set and not empty, else `fallback`. */
void access_origin(const char *fallback, char *out, size_t size);

/* An operator actor for the calling Unix user, role from the store. When the
 * store has no operators at all, the owner of the database file `db_path`
 * acts as admin. BC_UNKNOWN_USER when the user is not an operator (or has no
 * passwd entry); store errors are returned as they are. */
enum bc_status access_operator(struct store *s, const char *db_path, struct billing_actor *out);

/* A kiosk actor: a contact nobody has signed in as yet (contact_id 0). */
void access_kiosk(struct billing_actor *out);

/* "admin", "operator", "readonly". Borrowed. */
const char *access_role_name(enum store_operator_role role);

#endif
