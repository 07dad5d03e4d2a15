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


/* ==== kiosk sign-in, PINs, operator management ======================== */

#define ACCESS_MAX_FAILURES 5        /* failed sign-ins in a row that lock an e-mail */
#define ACCESS_LOCK_SECONDS 900      /* how long the lock lasts, from the 5th failure */
#define ACCESS_PIN_HASH_SIZE 128     /* room for a yescrypt hash and its NUL */

/* A PIN is 4 to 12 ASCII digits. */
bool access_pin_valid(const char *pin);

/* Hashes a valid PIN with yescrypt (fresh salt, libxcrypt's default cost)
 * into out. BC_INVALID_ARGUMENT for a PIN that is not 4 to 12 digits or an
 * `out` too small (ACCESS_PIN_HASH_SIZE is enough); BC_IO_ERROR when no salt
 * or hash could be made. Wipes its own copies. */
enum bc_status access_pin_hash(const char *pin, char *out, size_t size);

/* Kiosk sign-in at unix time `now` (the UI passes its clock; tests any
 * value). BC_OK fills *out with a contact actor (contact_id, name = the
 * contact's e-mail, origin $SSH_CLIENT or "kiosk"). An unknown e-mail, a
 * contact without a PIN and a wrong PIN all give BC_SIGN_IN_FAILED after
 * the same yescrypt work, so nothing tells whether the e-mail exists.
 * Failures are counted per e-mail as typed (trimmed, ASCII lowercased),
 * whether or not a contact has it: the ACCESS_MAX_FAILURES-th failure in a
 * row itself answers BC_LOCKED and locks that e-mail until
 * now + ACCESS_LOCK_SECONDS; while locked every attempt gives BC_LOCKED,
 * even with the right PIN, and does not extend the lock; once the lock ran
 * out the count starts again from 0. Success resets the count. Every
 * attempt costs one yescrypt hash and appends one audit row (action
 * "kiosk.sign_in", actor the e-mail as typed, control bytes as '?', at most
 * 254 bytes; account the contact's when it has a PIN, else 0; result ok /
 * sign_in_failed / locked). Store errors are returned as they are; on any
 * status but BC_OK *out is a kiosk actor nobody signed in as. `email` and
 * `pin` are borrowed and not kept; the caller wipes its PIN buffer
 * (access_wipe). */
enum bc_status access_sign_in(struct store *s, const char *email, const char *pin, int64_t now,
                              struct billing_actor *out);

/* Zeroes n bytes at p in a way the compiler may not drop (explicit_bzero).
 * False when p is NULL and n > 0. */
bool access_wipe(void *p, size_t n);

/* "admin", "operator", "readonly" -> role. False for anything else. */
bool access_role_parse(const char *text, enum store_operator_role *out);

/* The operator actor of someone managing operators: BC_OK for an admin, and
 * for the owner of the file `db_path` while the store has no admin yet;
 * BC_NOT_ADMIN for other operators; BC_UNKNOWN_USER for anyone else. *out
 * is filled (name, origin, role) whenever the Unix name is known. */
enum bc_status access_admin(struct store *s, const char *db_path, struct billing_actor *out);

/* Adds `unix_name` with `role`, or changes an operator's role. Only who
 * access_admin allows (else its status); `unix_name` must be a Unix account
 * here (getpwnam; BC_NOT_FOUND otherwise); taking the role from the only
 * admin is BC_LAST_ADMIN. One audit row ("operator.add") per call, refused
 * or not, in the same transaction as the change. */
enum bc_status access_operator_add(struct store *s, const char *db_path, const char *unix_name,
                                   enum store_operator_role role);

/* Removes an operator (the Unix account need not exist any more). Rights
 * as access_operator_add; BC_NOT_FOUND when `unix_name` is no operator;
 * removing the only admin is BC_LAST_ADMIN. Audited ("operator.remove"). */
enum bc_status access_operator_remove(struct store *s, const char *db_path, const char *unix_name);

/* Whether `actor` may set contacts' PINs: admins and operators (BC_OK);
 * read-only operators get BC_READONLY_OPERATOR, contacts BC_NOT_ADMIN. */
enum bc_status access_may_set_pin(const struct billing_actor *actor);

/* Sets a contact's PIN (stored only as its yescrypt hash) and clears the
 * failed sign-ins and lock of its e-mail. Rights first (access_may_set_pin),
 * so a refused actor may pass pin NULL; then BC_NOT_FOUND for no such
 * contact, BC_INVALID_ARGUMENT for a PIN that is not 4 to 12 digits. One
 * audit row ("contact.set_pin", never the PIN or its hash) per call. */
enum bc_status access_contact_set_pin(struct store *s, const struct billing_actor *actor,
                                      int64_t contact_id, const char *pin);

#endif
