/* i18n.h — gettext for the terminal UI: `_()` for strings shown now,
 * `N_()` for strings in static tables translated when shown. */
#ifndef BC_UI_I18N_H
#define BC_UI_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define _(s) gettext(s)
#ifndef N_
#define N_(s) s
#endif
/* A message with a context (pgettext): the same English word that needs a
 * different translation, e.g. "none" for a feminine noun in Italian. */
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)

/* gettext of "context\004msgid"; `s` when there is no translation. */
const char *i18n_pgettext(const char *ctx_id, const char *s) __attribute__((format_arg(2)));

/* Sets the locale and the message catalog for `lang` ("en" or "it").
 * Call before the terminal starts. *utf8 tells whether the user's terminal
 * speaks UTF-8 (from the locale as the user set it, before any fallback). */
void i18n_init(const char *lang, bool *utf8);

/* True when the UI speaks Italian (amount and date formats follow). */
bool i18n_is_it(void);

#endif
