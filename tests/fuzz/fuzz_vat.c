/* fuzz_vat.c — libFuzzer target for VAT number normalisation.
 *
 * Input: two bytes of country code, then the number as typed. A number that
 * is accepted normalises to a fixed point: its own normal form, with or
 * without the country, is accepted again and unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 128)
        return 0;
    char country[3] = {(char)data[0], (char)data[1], '\0'};
    char input[129];
    memcpy(input, data + 2, size - 2);
    input[size - 2] = '\0';

    char out[32], again[32];
    size_t cap = 6 + (size_t)(data[0] % 27);  /* sometimes too small */
    char *small = malloc(cap);
    if (!small)
        return 0;
    bool ok = vat_number_normalise(country, input, out, sizeof out);
    if (ok != vat_number_valid(country, input))
        abort();
    if (ok) {
        if (strlen(out) < 4 || strlen(out) >= 20)
            abort();
        if (!vat_number_normalise(NULL, out, again, sizeof again) || strcmp(out, again) != 0)
            abort();
        if (!vat_number_normalise(country, out, again, sizeof again) || strcmp(out, again) != 0)
            abort();
    }
    if (vat_number_normalise(country, input, small, cap) && strlen(small) >= cap)
        abort();
    (void)vat_number_normalise(NULL, input, out, sizeof out);
    free(small);
    return 0;
}
