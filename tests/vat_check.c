/* vat_check.c — reads "CC NUMBER" lines on stdin and prints, for each, what
 * billcenter's VAT number check says: "1 NORMALISED" when it accepts the
 * number, "0" when it refuses it. CC "-" gives no country (the number's
 * prefix names it). tests/vat_oracle.py compares these answers with
 * python-stdnum's. */
#include <stdio.h>
#include <string.h>

#include "vat.h"

int main(void)
{
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n");
        if (line[n] == '\0' && !feof(stdin)) {
            fprintf(stderr, "vat_check: line too long\n");
            return 2;
        }
        line[n] = '\0';
        char *space = strchr(line, ' ');
        if (!space) {
            fprintf(stderr, "vat_check: expected \"CC NUMBER\", got \"%s\"\n", line);
            return 2;
        }
        *space = '\0';
        const char *country = strcmp(line, "-") == 0 ? NULL : line;
        char out[32];
        if (vat_number_normalise(country, space + 1, out, sizeof out))
            printf("1 %s\n", out);
        else
            printf("0\n");
    }
    return ferror(stdin) || fflush(stdout) != 0 ? 1 : 0;
}
