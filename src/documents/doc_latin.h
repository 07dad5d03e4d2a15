/* doc_latin.h — text as FatturaPA's fields take it. The SdI accepts in its
 * "Latin" fields only Basic Latin and Latin-1 Supplement (U+0020..U+00FF),
 * in the others Basic Latin alone, and XML itself no control characters.
 * What lies outside is transliterated where a usual Latin form exists
 * (Ł -> L, ő -> o, Москва -> Moskva, Αθήνα -> Athina, „“ -> ", € -> EUR)
 * and replaced by '?' where none does (東京 -> ??), so the file validates
 * whatever the account's names hold. */
#ifndef BC_DOC_LATIN_H
#define BC_DOC_LATIN_H

#include <stdbool.h>
#include <stddef.h>

enum doc_latin_set {
    DOC_LATIN1,     /* U+0020..U+007E and U+00A0..U+00FF */
    DOC_BASIC,      /* U+0020..U+007E */
};

/* Writes `in` (UTF-8) into out as UTF-8 holding only `set`, spaces runs
 * collapsed and the ends trimmed, cut at `maxchars` characters (at most 0:
 * no limit); "?" when nothing is left. Returns true when nothing had to be
 * changed but spacing and length. out needs at most 4 * maxchars + 1 bytes
 * (Latin-1 takes two bytes a character; transliterations are cut to fit). */
bool doc_latin(const char *in, enum doc_latin_set set, size_t maxchars, char *out, size_t size);

#endif
