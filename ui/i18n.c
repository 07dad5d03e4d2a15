/* i18n.c — locale and message catalog set-up.
 *
 * `--lang it` has to work on machines that only have C.UTF-8: glibc honours
 * LANGUAGE for message catalogs whenever the locale is not plain "C", so a
 * C/POSIX locale is replaced by C.UTF-8 and LANGUAGE names the language.
 * The catalog is looked up in the install prefix first, then in the build
 * tree, so an uninstalled build speaks Italian too. */
#include "i18n.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static bool i18n_it;

static bool i18n_is_plain_c(const char *loc)
{
    return loc == NULL || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0;
}

static bool i18n_codeset_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static bool i18n_has_catalog(const char *dir)
{
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/it/LC_MESSAGES/billcenter.mo", dir);
    return n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0;
}

void i18n_init(const char *lang, bool *utf8)
{
    const char *loc = setlocale(LC_ALL, "");
    bool user_utf8 = loc != NULL && !i18n_is_plain_c(loc) && i18n_codeset_utf8();
    /* A locale that is plain C or not UTF-8 is replaced by C.UTF-8 so that
     * wide characters and LANGUAGE work; the terminal is then treated as
     * ASCII-only and the screens transliterate what they draw. */
    if (loc == NULL || i18n_is_plain_c(loc) || !i18n_codeset_utf8()) {
        if (setlocale(LC_ALL, "C.UTF-8") == NULL)
            setlocale(LC_ALL, "C.utf8");
    }
    /* Numbers in C code stay in the C convention whatever the locale. */
    setlocale(LC_NUMERIC, "C");
    if (utf8 != NULL)
        *utf8 = user_utf8;

    i18n_it = lang != NULL && strcmp(lang, "it") == 0;
    setenv("LANGUAGE", i18n_it ? "it" : "en", 1);

    const char *dir = LOCALEDIR;
#ifdef BC_BUILD_LOCALEDIR
    if (!i18n_has_catalog(dir) && i18n_has_catalog(BC_BUILD_LOCALEDIR))
        dir = BC_BUILD_LOCALEDIR;
#else
    (void)i18n_has_catalog;
#endif
    bindtextdomain("billcenter", dir);
    bind_textdomain_codeset("billcenter", "UTF-8");
    textdomain("billcenter");
}

bool i18n_is_it(void)
{
    return i18n_it;
}

const char *i18n_pgettext(const char *ctx_id, const char *s)
{
    const char *t = gettext(ctx_id);
    return t == ctx_id ? s : t;
}
