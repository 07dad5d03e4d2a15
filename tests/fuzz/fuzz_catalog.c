/* fuzz_catalog.c — libFuzzer target for the catalog loader (SPEC §5).
 *
 * The input is split at its first NUL byte: the part before becomes
 * catalog.yaml and the part after one product file. Without a NUL the input
 * is catalog.yaml and a fixed, valid product file goes beside it, so that
 * catalog-side mutations still reach the product checks. Both files live in
 * one private temporary directory, rewritten on every run.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc/core \
 *   tests/fuzz/fuzz_catalog.c src/core/catalog.c src/core/catalog_tree.c src/core/money.c \
 *   src/core/fiscal_id.c src/core/vat.c -lyaml */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_product[] =
    "product:\n"
    "  id: meet\n"
    "  name: Meet\n"
    "  seat_name: organizer\n"
    "  plans:\n"
    "    - {id: basic, name: Basic, rank: 1, seats: {min: 1, max: 10}, features: [Chat],\n"
    "       prices: {EUR: {monthly: \"10.00\", annual: \"100.00\"}}}\n";

static char dir[64];
static char catalog_path[96];
static char product_path[96];

static void write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (len && fwrite(buf, 1, len, f) != len)
        abort();
    if (fclose(f) != 0)
        abort();
}

static void remove_dir(void)
{
    unlink(catalog_path);
    unlink(product_path);
    rmdir(dir);
}

/* What a loaded catalog promises its callers. */
static void check_invariants(const struct catalog *c)
{
    if (c->ncurrencies == 0 || c->ncurrencies > CATALOG_MAX_CURRENCIES || c->nproducts == 0)
        __builtin_trap();
    for (size_t i = 0; i < c->nproducts; i++) {
        const struct catalog_product *p = &c->products[i];
        if (i > 0 && strcmp(c->products[i - 1].id, p->id) >= 0)
            __builtin_trap();
        if (catalog_product(c, p->id) != p || p->nplans == 0)
            __builtin_trap();
        for (size_t j = 0; j < p->nplans; j++) {
            const struct catalog_plan *pl = &p->plans[j];
            if (j > 0 && p->plans[j - 1].rank >= pl->rank)
                __builtin_trap();
            if (pl->seats_min < 1 || pl->seats_max < pl->seats_min)
                __builtin_trap();
            for (size_t k = 0; k < c->ncurrencies; k++)
                if (pl->prices[k].amount[0] < 0 || pl->prices[k].amount[1] < 0)
                    __builtin_trap();
        }
    }
    for (size_t i = 0; i < c->nvat; i++)
        if (c->vat[i].rate_bp < 0 || c->vat[i].rate_bp > 10000)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s", "/tmp/fuzz_catalog.XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(catalog_path, sizeof catalog_path, "%s/catalog.yaml", dir);
        snprintf(product_path, sizeof product_path, "%s/p.yaml", dir);
        atexit(remove_dir);
    }
    const uint8_t *nul = memchr(data, '\0', size);
    if (nul) {
        size_t head = (size_t)(nul - data);
        write_file(catalog_path, data, head);
        write_file(product_path, nul + 1, size - head - 1);
    } else {
        write_file(catalog_path, data, size);
        write_file(product_path, fixed_product, sizeof fixed_product - 1);
    }

    char err[256];
    err[0] = '\0';
    struct catalog *c = catalog_load(dir, err, sizeof err);
    if (c)
        check_invariants(c);
    else if (strncmp(err, dir, strlen(dir)) != 0)
        __builtin_trap(); /* every failure names the file (or directory) at fault */
    catalog_destroy(c);
    return 0;
}
