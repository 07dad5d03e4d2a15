/* vat_evidence.c — an order's VAT number evidence in words for the screens
 * (vat_evidence.h), short enough for one 80-column row. */
#include "vat_evidence.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "vat_check.h"

/* Why the offline check stands in for VIES, in a few words. */
static const char *offline_reason(const char *reason)
{
    if (strcmp(reason, VAT_CHECK_NOT_CONFIGURED) == 0)
        return _("no VIES client configured");
    if (strcmp(reason, VAT_CHECK_TIMEOUT) == 0)
        return _("VIES did not answer in time");
    if (strcmp(reason, VAT_CHECK_FAILED) == 0)
        return _("the VIES client failed");
    if (strcmp(reason, VAT_CHECK_BAD_REPLY) == 0)
        return _("VIES's answer could not be read");
    return reason;
}

void ui_vat_evidence_text(const struct store_vat_check *v, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!v || !v->present)
        return;
    if (v->method == STORE_VAT_VIES && v->valid && v->consultation[0])
        snprintf(buf, size, _("VAT number %s: valid in VIES, consultation %s"), v->vat_number,
                 v->consultation);
    else if (v->method == STORE_VAT_VIES && v->valid)
        snprintf(buf, size, _("VAT number %s: valid in VIES"), v->vat_number);
    else if (v->method == STORE_VAT_VIES)
        snprintf(buf, size, _("VAT number %s: not valid in VIES"), v->vat_number);
    else
        snprintf(buf, size, _("VAT number %s checked offline (%s)"), v->vat_number,
                 offline_reason(v->reason));
}
