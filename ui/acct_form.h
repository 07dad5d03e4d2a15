/* acct_form.h — what the New account and Billing information screens
 * share: their fields as account.h's fields, the check that names the
 * field at fault (account_build tells what is wrong, this finds where),
 * and one form row drawn. */
#ifndef BC_UI_ACCT_FORM_H
#define BC_UI_ACCT_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "field.h"

/* The account fields a form may hold (account_input's members). */
enum acct_field {
    AF_NAME, AF_COUNTRY, AF_CURRENCY, AF_VAT, AF_LEGAL, AF_ADDRESS, AF_STREET, AF_NUMBER,
    AF_POSTCODE, AF_CITY, AF_PROVINCE, AF_TAX_CODE, AF_PEC, AF_SDI, AF_CONTACT_NAME,
    AF_CONTACT_EMAIL, AF_COUNT
};

/* One text field of a form: which account field it is, its label (N_()
 * marked) and the text typed. */
struct acct_form_item {
    enum acct_field which;
    const char *label;
    struct ui_field *field;   /* borrowed */
};

/* Builds the account from the items in their order (base NULL: a new
 * account, `kind` "standard"/"corporate"; else an edit of base, where ""
 * clears). Returns -1 with *out and *contact built (account_build_clear
 * frees them), or the index of the first item at fault with
 * the message in msg: "<label>: <what is wrong>" (the label translated). */
int acct_form_build(const struct catalog *cat, const struct store_account *base, const char *kind,
                    const struct acct_form_item *items, size_t n, struct store_account *out,
                    struct store_contact *contact, char *msg, size_t size);

/* Draws one labelled field at row y: label from column 4, the field at
 * column vx, w wide; the cursor glyph at column 2 when focused. */
void acct_form_draw_row(int y, int vx, int w, const char *label, const struct ui_field *f,
                        bool focused);

#endif
