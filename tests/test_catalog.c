/* test_catalog.c — the shipped catalog loads as sold, and every kind of defect
 * in a catalog directory is reported once, exactly, with no catalog returned.
 * Runs with workdir = source root, so fixture paths are relative to it. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog.h"

static struct catalog *load_ok(const char *dir)
{
    char err[512] = "";
    struct catalog *c = catalog_load(dir, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    return c;
}

static int64_t price(const struct catalog *c, const char *prod, const char *plan,
                     const char *cur, enum bc_period per)
{
    int64_t v = -1;
    const struct catalog_plan *p = catalog_plan(catalog_product(c, prod), plan);
    assert_non_null(p);
    assert_true(catalog_price(c, p, cur, per, &v));
    return v;
}

static void shipped_catalog_loads(void **state)
{
    (void)state;
    struct catalog *c = load_ok("plans");
    assert_string_equal(c->seller_name, "LogMeIn Billing Example S.r.l.");
    assert_string_equal(c->seller_country, "IT");
    assert_string_equal(c->timezone, "Europe/Rome");
    assert_string_equal(c->care_phone, "+39 02 3056 5599");
    /* The seller's fiscal data, as its documents print it (SPEC §9). */
    assert_string_equal(c->seller_vat_number, "12345670157");
    assert_string_equal(c->seller_tax_code, "12345670157");
    assert_string_equal(c->seller_tax_regime, "RF01");
    assert_string_equal(c->seller_pec, "fatture@pec.billing.example.com");
    assert_string_equal(c->seller_address.street, "Via Monte Napoleone");
    assert_string_equal(c->seller_address.number, "8");
    assert_string_equal(c->seller_address.postcode, "20121");
    assert_string_equal(c->seller_address.city, "Milano");
    assert_string_equal(c->seller_address.province, "MI");
    assert_string_equal(c->invoice_series, "");
    assert_string_equal(c->credit_note_series, "NC");
    assert_int_equal(c->number_digits, 6);
    assert_int_equal(c->policy.anchor, QUOTE_ANCHOR_RESET);
    assert_int_equal(c->policy.seats, QUOTE_SEATS_KEEP);
    assert_int_equal(c->idle_timeout, 120);
    assert_string_equal(c->payment_processor, "test");
    assert_null(c->payment_command);
    assert_int_equal(c->payment_timeout_ms, 10000);
    assert_int_equal(c->nretry_days, 4);
    assert_int_equal(c->retry_days[0], 1);
    assert_int_equal(c->retry_days[1], 3);
    assert_int_equal(c->retry_days[2], 5);
    assert_int_equal(c->retry_days[3], 7);
    assert_null(c->events_command);
    assert_null(c->documents_send_command);
    assert_null(c->sdi_command);
    assert_null(c->vat_check_command);
    assert_int_equal(c->vat_check_timeout_ms, 10000);

    assert_int_equal(c->ncurrencies, 4);
    assert_string_equal(c->currencies[0], "EUR");
    assert_string_equal(c->currencies[3], "JPY");
    assert_int_equal(catalog_currency_index(c, "GBP"), 2);
    assert_int_equal(catalog_currency_index(c, "CHF"), -1);

    assert_int_equal(c->nproducts, 3);
    assert_string_equal(c->products[0].id, "gotomeeting");
    assert_string_equal(c->products[1].id, "gototraining");
    assert_string_equal(c->products[2].id, "gotowebinar");
    assert_int_equal(c->products[2].nplans, 4);

    const struct catalog_product *m = catalog_product(c, "gotomeeting");
    assert_non_null(m);
    assert_string_equal(m->name, "GoToMeeting");
    assert_string_equal(m->seat_name, "organizer");
    assert_int_equal(m->nplans, 3);
    assert_string_equal(m->plans[0].id, "professional");
    assert_string_equal(m->plans[1].id, "business");
    assert_string_equal(m->plans[2].id, "enterprise");
    assert_int_equal(m->plans[2].seats_min, 5);
    assert_int_equal(m->plans[0].seats_max, 250);
    assert_int_equal(m->plans[0].nfeatures, 3);
    assert_string_equal(m->plans[0].features[0], "150 participants");
    /* No trial and the seed's downgrade rule unless a product file says so. */
    assert_int_equal(m->trial_days, 0);
    assert_int_equal(m->downgrade, CATALOG_DOWNGRADE_SUPPORT);

    /* The SPEC §3 worked example depends on these two figures. */
    assert_int_equal(price(c, "gotomeeting", "professional", "EUR", BC_PERIOD_MONTHLY), 1200);
    assert_int_equal(price(c, "gotomeeting", "business", "EUR", BC_PERIOD_MONTHLY), 1600);
    assert_int_equal(price(c, "gotomeeting", "business", "EUR", BC_PERIOD_ANNUAL), 16800);
    assert_int_equal(price(c, "gotomeeting", "professional", "JPY", BC_PERIOD_MONTHLY), 1700);

    assert_null(catalog_product(c, "gotomeetings"));
    assert_null(catalog_plan(m, "free"));
    int64_t v = 0;
    assert_false(catalog_price(c, &m->plans[0], "CHF", BC_PERIOD_MONTHLY, &v));
    catalog_destroy(c);
}

/* What sells: in every currency, annual is cheaper than twelve months, and
 * higher tiers cost more per seat. */
static void shipped_prices_are_coherent(void **state)
{
    (void)state;
    struct catalog *c = load_ok("plans");
    for (size_t i = 0; i < c->nproducts; i++) {
        const struct catalog_product *p = &c->products[i];
        assert_true(p->nplans >= 2);
        for (size_t j = 0; j < p->nplans; j++) {
            const struct catalog_plan *pl = &p->plans[j];
            assert_true(pl->nfeatures >= 2 && pl->nfeatures <= 5);
            assert_true(pl->seats_min >= 1 && pl->seats_min <= pl->seats_max);
            if (j > 0)
                assert_true(pl->rank > p->plans[j - 1].rank);
            for (size_t k = 0; k < c->ncurrencies; k++) {
                const struct catalog_price *pr = &pl->prices[k];
                assert_true(pr->amount[BC_PERIOD_MONTHLY] > 0);
                assert_true(pr->amount[BC_PERIOD_ANNUAL] < 12 * pr->amount[BC_PERIOD_MONTHLY]);
                if (j > 0)
                    assert_true(pr->amount[BC_PERIOD_MONTHLY] >
                                p->plans[j - 1].prices[k].amount[BC_PERIOD_MONTHLY]);
            }
        }
    }
    catalog_destroy(c);
}

static void shipped_vat_table(void **state)
{
    (void)state;
    struct catalog *c = load_ok("plans");
    int32_t bp = -1;
    assert_int_equal(c->nvat, 27);
    assert_true(catalog_vat_rate(c, "IT", &bp));
    assert_int_equal(bp, 2200);
    assert_true(catalog_vat_rate(c, "DE", &bp));
    assert_int_equal(bp, 1900);
    assert_true(catalog_vat_rate(c, "HU", &bp));
    assert_int_equal(bp, 2700);
    assert_true(catalog_vat_rate(c, "FI", &bp));
    assert_int_equal(bp, 2550);
    assert_true(catalog_vat_rate(c, "LU", &bp));
    assert_int_equal(bp, 1700);
    bp = -1;
    assert_false(catalog_vat_rate(c, "US", &bp));
    assert_false(catalog_vat_rate(c, "GB", &bp));
    assert_false(catalog_vat_rate(c, "CH", &bp));
    assert_int_equal(bp, -1);
    catalog_destroy(c);
}

/* Optional settings, plain-scalar prices, sorting by id and by rank. */
static void optional_settings_and_plain_prices(void **state)
{
    (void)state;
    struct catalog *c = load_ok("tests/catalog_ok");
    assert_int_equal(c->policy.anchor, QUOTE_ANCHOR_KEEP);
    assert_int_equal(c->policy.seats, QUOTE_SEATS_RESET);
    assert_int_equal(c->idle_timeout, 30);
    assert_string_equal(c->payment_processor, "exec");
    assert_string_equal(c->payment_command, "/usr/local/bin/charge --live");
    assert_int_equal(c->payment_timeout_ms, 2500);
    assert_int_equal(c->nretry_days, 3);
    assert_int_equal(c->retry_days[0], 2);
    assert_int_equal(c->retry_days[1], 4);
    assert_int_equal(c->retry_days[2], 10);
    assert_string_equal(c->events_command, "/usr/local/bin/provision --from billcenter");
    assert_string_equal(c->documents_send_command, "/usr/local/bin/mail-invoice");
    assert_int_equal(c->documents_timeout_ms, 5000);
    assert_string_equal(c->sdi_command, "/usr/local/bin/sdi-send --test");
    assert_int_equal(c->sdi_timeout_ms, 30000);
    /* The VIES client sits beside the rates, which are still two. */
    assert_string_equal(c->vat_check_command, "/usr/local/bin/vies-check --eu");
    assert_int_equal(c->vat_check_timeout_ms, 4000);
    assert_int_equal(c->nvat, 2);
    /* No fiscal data for the seller: none is made up, the series are the defaults. */
    assert_null(c->seller_vat_number);
    assert_null(c->seller_tax_code);
    assert_string_equal(c->seller_tax_regime, "");
    assert_null(c->seller_pec);
    assert_null(c->seller_address.street);
    assert_string_equal(c->invoice_series, "");
    assert_string_equal(c->credit_note_series, "NC");
    assert_int_equal(c->number_digits, 6);
    assert_string_equal(c->currencies[0], "JPY");
    assert_string_equal(c->currencies[1], "EUR");
    assert_int_equal(c->nproducts, 2);
    assert_string_equal(c->products[0].id, "alpha");
    assert_string_equal(c->products[1].id, "zeta");
    /* features_it: the same features in Italian; none is fine too */
    assert_int_equal(c->products[0].trial_days, 14);
    assert_int_equal(c->products[0].downgrade, CATALOG_DOWNGRADE_END_OF_TERM);
    const struct catalog_plan *only = &c->products[0].plans[0];
    assert_int_equal(only->nfeatures_it, 2);
    assert_string_equal(only->features_it[0], "Uno");
    assert_string_equal(only->features_it[1], "3.000 partecipanti");

    const struct catalog_product *z = catalog_product(c, "zeta");
    assert_non_null(z);
    assert_string_equal(z->seat_name, "host");
    assert_int_equal(z->trial_days, 0);
    assert_int_equal(z->downgrade, CATALOG_DOWNGRADE_SUPPORT);
    assert_string_equal(z->plans[0].id, "base");
    assert_int_equal(z->plans[0].rank, 3);
    assert_string_equal(z->plans[1].id, "top");
    assert_int_equal(z->plans[1].nfeatures, 0);
    assert_int_equal(z->plans[1].nfeatures_it, 0);
    assert_null(z->plans[1].features_it);
    assert_int_equal(price(c, "zeta", "top", "EUR", BC_PERIOD_MONTHLY), 1400);
    assert_int_equal(price(c, "zeta", "top", "EUR", BC_PERIOD_ANNUAL), 14000);
    assert_int_equal(price(c, "zeta", "top", "JPY", BC_PERIOD_MONTHLY), 1900);
    assert_int_equal(price(c, "zeta", "top", "JPY", BC_PERIOD_ANNUAL), 0);
    assert_int_equal(price(c, "zeta", "base", "EUR", BC_PERIOD_MONTHLY), 50);
    assert_int_equal(price(c, "zeta", "base", "EUR", BC_PERIOD_ANNUAL), 525);

    int32_t bp = 0;
    assert_true(catalog_vat_rate(c, "FI", &bp));
    assert_int_equal(bp, 2550);
    assert_false(catalog_vat_rate(c, "DE", &bp));
    catalog_destroy(c);
}

/* An alias is the anchored node itself: a shared seat range, feature and
 * price table count for every plan that names them. */
static void aliases_repeat_anchored_blocks(void **state)
{
    (void)state;
    struct catalog *c = load_ok("tests/catalog_alias");
    /* No proration key: SPEC §3's defaults. */
    assert_int_equal(c->policy.anchor, QUOTE_ANCHOR_RESET);
    assert_int_equal(c->policy.seats, QUOTE_SEATS_KEEP);
    /* No dunning key: retries on days 1, 3, 5 and 7 (SPEC §8); no events command. */
    assert_int_equal(c->nretry_days, 4);
    assert_int_equal(c->retry_days[0], 1);
    assert_int_equal(c->retry_days[3], 7);
    assert_null(c->events_command);
    const struct catalog_product *p = catalog_product(c, "meet");
    assert_non_null(p);
    assert_int_equal(p->nplans, 2);
    const struct catalog_plan *plus = catalog_plan(p, "plus");
    assert_non_null(plus);
    assert_int_equal(plus->seats_min, 1);
    assert_int_equal(plus->seats_max, 10);
    assert_int_equal(plus->nfeatures, 2);
    assert_string_equal(plus->features[0], "Chat");
    assert_string_equal(plus->features[1], "Recording");
    assert_int_equal(price(c, "meet", "plus", "EUR", BC_PERIOD_MONTHLY), 1000);
    assert_int_equal(price(c, "meet", "plus", "JPY", BC_PERIOD_ANNUAL), 15000);
    assert_int_equal(price(c, "meet", "basic", "EUR", BC_PERIOD_ANNUAL), 10000);
    catalog_destroy(c);
}

/* A seller outside Italy keeps its VAT number without the prefix and may
 * name its own series. */
static void seller_outside_italy(void **state)
{
    (void)state;
    struct catalog *c = load_ok("tests/catalog_seller");
    assert_string_equal(c->seller_country, "DE");
    assert_string_equal(c->seller_vat_number, "136464502");
    assert_null(c->seller_tax_code);
    assert_string_equal(c->seller_tax_regime, "");
    assert_string_equal(c->seller_address.street, "Friedrichstraße");
    assert_string_equal(c->seller_address.number, "12a");
    assert_string_equal(c->seller_address.postcode, "10117");
    assert_string_equal(c->seller_address.city, "Berlin");
    assert_string_equal(c->seller_address.province, "");
    assert_string_equal(c->invoice_series, "RE");
    assert_string_equal(c->credit_note_series, "GS");
    assert_int_equal(c->number_digits, 8);
    catalog_destroy(c);
}

static const struct {
    const char *dir;
    const char *message;
} bad_cases[] = {
    {"alias_undefined",
     "tests/catalog_bad/alias_undefined/meet.yaml:9:14: syntax error: found undefined alias"},
    {"anchor_recursive",
     "tests/catalog_bad/anchor_recursive/meet.yaml:4:3: unknown key 'seat_name' in plan"},
    {"anchor_repeated",
     "tests/catalog_bad/anchor_repeated/meet.yaml:10:17: syntax error: second occurrence"},
    {"bad_product_id",
     "tests/catalog_bad/bad_product_id/meet.yaml:2:7: product id 'Go Meet' must be 1 to 63 lowercase letters, digits, '-' or '_'"},
    {"bad_timezone",
     "tests/catalog_bad/bad_timezone/catalog.yaml:1:62: timezone must be an IANA name such as Europe/Rome, not 'Central European Time'"},
    {"care_email",
     "tests/catalog_bad/care_email/catalog.yaml:2:51: customer care email 'care.example.com' has no '@'"},
    {"care_url",
     "tests/catalog_bad/care_url/catalog.yaml:2:74: customer care url 'example.com/care' must start with https:// or http://"},
    {"document_marker_only",
     "tests/catalog_bad/document_marker_only/meet.yaml:2:1: the file must hold a mapping, not empty"},
    {"downgrade_value",
     "tests/catalog_bad/downgrade_value/meet.yaml:5:14: downgrade must be 'support' or 'end_of_term', not 'never'"},
    {"dunning_empty",
     "tests/catalog_bad/dunning_empty/catalog.yaml:5:23: 'retry_days' must not be empty"},
    {"dunning_not_increasing",
     "tests/catalog_bad/dunning_not_increasing/catalog.yaml:5:30: 'retry_days' must increase strictly: 3 comes after 3"},
    {"dunning_retry_day_zero",
     "tests/catalog_bad/dunning_retry_day_zero/catalog.yaml:5:24: 'retry_days' must be an integer from 1 to 365, not '0'"},
    {"dunning_too_many",
     "tests/catalog_bad/dunning_too_many/catalog.yaml:5:79: more than 16 retry days"},
    {"duplicate_currency",
     "tests/catalog_bad/duplicate_currency/catalog.yaml:3:24: duplicate currency 'EUR'"},
    {"duplicate_key",
     "tests/catalog_bad/duplicate_key/catalog.yaml:1:52: duplicate key 'name' in seller"},
    {"duplicate_plan",
     "tests/catalog_bad/duplicate_plan/meet.yaml:14:11: duplicate plan id 'basic' in product 'meet'"},
    {"duplicate_product",
     "tests/catalog_bad/duplicate_product/b.yaml:2:7: duplicate product id 'meet' (first defined at tests/catalog_bad/duplicate_product/a.yaml:2:7)"},
    {"empty_file",
     "tests/catalog_bad/empty_file/meet.yaml:1:1: the file is empty; a mapping was expected"},
    {"empty_name",
     "tests/catalog_bad/empty_name/meet.yaml:7:13: 'name' must not be empty"},
    {"empty_plans",
     "tests/catalog_bad/empty_plans/meet.yaml:5:10: 'plans' must not be empty"},
    {"equal_rank",
     "tests/catalog_bad/equal_rank/meet.yaml:16:13: rank 1 of plan 'plus' equals the rank of plan 'basic'"},
    {"events_command_missing",
     "tests/catalog_bad/events_command_missing/catalog.yaml:5:9: missing key 'command' in events"},
    {"exec_without_command",
     "tests/catalog_bad/exec_without_command/catalog.yaml:5:10: missing key 'command' in payment (processor 'exec' runs it)"},
    {"features_it_count",
     "tests/catalog_bad/features_it_count/meet.yaml:11:20: 'features_it' must translate each of the 2 items of 'features' in order, not 1"},
    {"features_it_without_features",
     "tests/catalog_bad/features_it_without_features/meet.yaml:10:20: 'features_it' translates 'features', which plan 'basic' lacks"},
    {"id_too_long",
     "tests/catalog_bad/id_too_long/meet.yaml:6:11: plan id 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' is 64 characters long; ids have at most 63"},
    {"jpy_decimals",
     "tests/catalog_bad/jpy_decimals/meet.yaml:13:40: JPY annual price '15000.50' has too many decimals (JPY allows 0)"},
    {"kiosk_idle_timeout",
     "tests/catalog_bad/kiosk_idle_timeout/catalog.yaml:5:23: 'idle_timeout' must be an integer from 10 to 86400, not '5'"},
    {"list_expected",
     "tests/catalog_bad/list_expected/catalog.yaml:3:13: 'currencies' must be a list, not a scalar"},
    {"malformed_price",
     "tests/catalog_bad/malformed_price/meet.yaml:12:41: malformed EUR annual price '100,00'"},
    {"mapping_expected",
     "tests/catalog_bad/mapping_expected/meet.yaml:9:14: 'seats' must be a mapping, not a scalar"},
    {"missing_annual",
     "tests/catalog_bad/missing_annual/meet.yaml:13:14: missing key 'annual' in JPY price"},
    {"missing_catalog",
     "tests/catalog_bad/missing_catalog/catalog.yaml: cannot open: No such file or directory"},
    {"missing_currency_price",
     "tests/catalog_bad/missing_currency_price/meet.yaml:12:9: missing price in JPY"},
    {"missing_key",
     "tests/catalog_bad/missing_key/catalog.yaml:1:9: missing key 'timezone' in seller"},
    {"negative_price",
     "tests/catalog_bad/negative_price/meet.yaml:12:24: negative EUR monthly price '-10.00'"},
    {"no_product_key",
     "tests/catalog_bad/no_product_key/meet.yaml:1:1: unknown key 'products' in product file"},
    {"no_products",
     "tests/catalog_bad/no_products: no product files (NAME.yaml) beside catalog.yaml"},
    {"nonscalar_feature",
     "tests/catalog_bad/nonscalar_feature/meet.yaml:10:24: each item of 'features' must be a scalar, not a mapping"},
    {"product_key_missing",
     "tests/catalog_bad/product_key_missing/meet.yaml:2:1: missing key 'product' in product file"},
    {"proration_anchor",
     "tests/catalog_bad/proration_anchor/catalog.yaml:5:21: proration anchor must be 'reset' or 'keep', not 'sometimes'"},
    {"proration_seats",
     "tests/catalog_bad/proration_seats/catalog.yaml:5:35: proration seats must be 'keep' or 'reset', not 'sometimes'"},
    {"rank_not_integer",
     "tests/catalog_bad/rank_not_integer/meet.yaml:8:13: 'rank' must be an integer from 1 to 999999, not 'first'"},
    {"root_is_list",
     "tests/catalog_bad/root_is_list/catalog.yaml:1:1: the file must hold a mapping, not a list"},
    {"scalar_expected",
     "tests/catalog_bad/scalar_expected/meet.yaml:3:9: 'name' must be a scalar, not a list"},
    {"sdi_command_missing",
     "tests/catalog_bad/sdi_command_missing/catalog.yaml:5:6: missing key 'command' in sdi"},
    {"seats_max_below_min",
     "tests/catalog_bad/seats_max_below_min/meet.yaml:9:29: seats max 10 is below min 20"},
    {"seats_min_zero",
     "tests/catalog_bad/seats_min_zero/meet.yaml:9:20: 'min' must be an integer from 1 to 1000000, not '0'"},
    {"second_document_syntax",
     "tests/catalog_bad/second_document_syntax/meet.yaml:16:1: syntax error: did not find expected ',' or ']'"},
    {"seller_address_unknown_key",
     "tests/catalog_bad/seller_address_unknown_key/catalog.yaml:5:52: unknown key 'town' in seller address"},
    {"seller_country",
     "tests/catalog_bad/seller_country/catalog.yaml:1:48: seller country must be a two-letter uppercase code, not 'Italy'"},
    {"seller_pec",
     "tests/catalog_bad/seller_pec/catalog.yaml:1:80: seller pec 'fatture at pec.example.it' is not an e-mail address such as fatture@pec.example.it"},
    {"seller_postcode",
     "tests/catalog_bad/seller_postcode/catalog.yaml:5:56: an Italian postcode (CAP) is 5 digits, not '2012'"},
    {"seller_province",
     "tests/catalog_bad/seller_province/catalog.yaml:6:5: missing key 'province' in seller address (Italy)"},
    {"seller_series_equal",
     "tests/catalog_bad/seller_series_equal/catalog.yaml:5:11: invoices and credit notes need different series, not both 'NC'"},
    {"seller_series_long",
     "tests/catalog_bad/seller_series_long/catalog.yaml:5:11: a document number would be 21 characters long; FatturaPA allows 20"},
    {"seller_street_long",
     "tests/catalog_bad/seller_street_long/catalog.yaml:5:21: 'street' has at most 60 characters, not 61"},
    {"seller_tax_code",
     "tests/catalog_bad/seller_tax_code/catalog.yaml:1:85: seller tax_code 'RSSMRA85T10A562T' is not a codice fiscale (16 characters, or 11 digits, and the check character)"},
    {"seller_tax_regime",
     "tests/catalog_bad/seller_tax_regime/catalog.yaml:1:87: tax_regime must be a FatturaPA RegimeFiscale code from RF01 to RF19 (no RF03), not 'RF03'"},
    {"seller_vat_number",
     "tests/catalog_bad/seller_vat_number/catalog.yaml:1:87: seller vat_number 'IT12345670158' is not a partita IVA (11 digits and their check digit)"},
    {"seller_vat_number_de",
     "tests/catalog_bad/seller_vat_number_de/catalog.yaml:1:90: seller vat_number 'DE136464503' is not a valid DE VAT number"},
    {"syntax_error",
     "tests/catalog_bad/syntax_error/catalog.yaml:4:4: syntax error: did not find expected ',' or ']'"},
    {"too_many_decimals",
     "tests/catalog_bad/too_many_decimals/meet.yaml:12:24: EUR monthly price '10.001' has too many decimals (EUR allows 2)"},
    {"trial_days_zero",
     "tests/catalog_bad/trial_days_zero/meet.yaml:5:17: 'days' must be an integer from 1 to 365, not '0'"},
    {"trial_not_mapping",
     "tests/catalog_bad/trial_not_mapping/meet.yaml:5:10: 'trial' must be a mapping, not a scalar"},
    {"two_documents",
     "tests/catalog_bad/two_documents/meet.yaml:15:1: only one YAML document per file"},
    {"unknown_currency",
     "tests/catalog_bad/unknown_currency/catalog.yaml:3:19: unknown currency 'XYZ'"},
    {"unknown_key_catalog",
     "tests/catalog_bad/unknown_key_catalog/catalog.yaml:5:1: unknown key 'discounts' in catalog"},
    {"unknown_key_plan",
     "tests/catalog_bad/unknown_key_plan/meet.yaml:9:7: unknown key 'prise' in plan"},
    {"unlisted_currency",
     "tests/catalog_bad/unlisted_currency/meet.yaml:14:9: price in 'USD', which is not one of the catalog's currencies"},
    {"vat_check_command_empty",
     "tests/catalog_bad/vat_check_command_empty/catalog.yaml:4:42: 'check_command' must not be empty"},
    {"vat_check_timeout_alone",
     "tests/catalog_bad/vat_check_timeout_alone/catalog.yaml:4:27: 'timeout_ms' in vat is used only with 'check_command'"},
    {"vat_country_lowercase",
     "tests/catalog_bad/vat_country_lowercase/catalog.yaml:4:17: VAT country must be a two-letter uppercase code, not 'de'"},
    {"vat_not_eu",
     "tests/catalog_bad/vat_not_eu/catalog.yaml:4:17: VAT country 'CH' is not an EU member state"},
    {"vat_rate_malformed",
     "tests/catalog_bad/vat_rate_malformed/catalog.yaml:4:11: VAT rate for IT must be a percentage from 0 to 100 with at most two decimals, not '22%'"},
    {"vat_rate_over_100",
     "tests/catalog_bad/vat_rate_over_100/catalog.yaml:4:21: VAT rate for DE must be a percentage from 0 to 100 with at most two decimals, not '119'"},
};

/* Each fixture fails with exactly its message and yields no catalog; under
 * ASan this also proves that a failed load frees everything it built. */
static void bad_catalogs_are_reported_exactly(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char dir[256], err[512];
        snprintf(dir, sizeof dir, "tests/catalog_bad/%s", bad_cases[i].dir);
        memset(err, 'x', sizeof err);
        struct catalog *c = catalog_load(dir, err, sizeof err);
        if (c || strcmp(err, bad_cases[i].message) != 0) {
            catalog_destroy(c);
            fail_msg("%s:\n  got      %s\n  expected %s", dir, c ? "(a catalog)" : err,
                     bad_cases[i].message);
        }
    }
}

/* A fixture directory without its case in the table would go untested. */
static void every_fixture_has_a_case(void **state)
{
    (void)state;
    size_t ncases = sizeof bad_cases / sizeof bad_cases[0], ndirs = 0;
    assert_true(ncases >= 20);
    for (size_t i = 1; i < ncases; i++)
        assert_true(strcmp(bad_cases[i - 1].dir, bad_cases[i].dir) < 0);
    DIR *d = opendir("tests/catalog_bad");
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        bool found = false;
        for (size_t i = 0; i < ncases && !found; i++)
            found = strcmp(bad_cases[i].dir, e->d_name) == 0;
        if (!found) {
            closedir(d);
            fail_msg("tests/catalog_bad/%s has no case", e->d_name);
        }
        ndirs++;
    }
    closedir(d);
    assert_int_equal(ndirs, ncases);
}

/* A generated catalog directory of `nproducts` products (files p00000.yaml
 * ... in load order), product i with id "prod-<dup_of or i>" when i is
 * `dup_at`, else "prod-<i>"; product 0 has `nplans` plans with ids
 * "plan-<k>" and ranks k + 1, except that plan `plan_dup_at` repeats the id
 * (or, with `rank_dup`, the rank) of plan `plan_dup_of`. */
static void write_catalog(const char *dir, size_t nproducts, size_t dup_at, size_t dup_of,
                          size_t nplans, size_t plan_dup_at, size_t plan_dup_of, bool rank_dup)
{
    char path[512];
    snprintf(path, sizeof path, "%s/catalog.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("seller: {name: \"Small Seller S.r.l.\", country: IT, timezone: Europe/Rome}\n"
          "customer_care: {phone: \"+39 02 0000 0000\", email: care@example.com,"
          " url: \"https://example.com/care\"}\n"
          "currencies: [EUR]\nvat: {IT: \"22\"}\n", f);
    assert_int_equal(fclose(f), 0);
    for (size_t i = 0; i < nproducts; i++) {
        snprintf(path, sizeof path, "%s/p%05zu.yaml", dir, i);
        f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "product:\n  id: prod-%zu\n  name: P\n  seat_name: user\n  plans:\n",
                i == dup_at ? dup_of : i);
        for (size_t k = 0; k < (i == 0 ? nplans : 1); k++) {
            size_t id = k == plan_dup_at && !rank_dup ? plan_dup_of : k;
            size_t rank = k == plan_dup_at && rank_dup ? plan_dup_of : k;
            fprintf(f, "    - id: plan-%zu\n      name: Plan\n      rank: %zu\n"
                       "      seats: {min: 1, max: 10}\n"
                       "      prices: {EUR: {monthly: \"10.00\", annual: \"100.00\"}}\n",
                    id, rank + 1);
        }
        assert_int_equal(fclose(f), 0);
    }
}

static void remove_catalog(const char *dir, size_t nproducts)
{
    char path[512];
    for (size_t i = 0; i < nproducts; i++) {
        snprintf(path, sizeof path, "%s/p%05zu.yaml", dir, i);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/catalog.yaml", dir);
    unlink(path);
    rmdir(dir);
}

static void expect_load_error(const char *dir, const char *expected)
{
    char err[512];
    struct catalog *c = catalog_load(dir, err, sizeof err);
    if (c || strcmp(err, expected) != 0) {
        catalog_destroy(c);
        fail_msg("got      %s\nexpected %s", c ? "(a catalog)" : err, expected);
    }
}

/* Duplicates among many products and many plans are each found at their
 * second occurrence, naming the first, as in the small fixtures; and a
 * large catalog without one loads whole. */
static void duplicates_in_a_large_catalog(void **state)
{
    (void)state;
    enum { N = 1000, PLANS = 60 };
    char dir[64] = "/tmp/bc-catalog-XXXXXX", expected[512];
    assert_non_null(mkdtemp(dir));

    write_catalog(dir, N, SIZE_MAX, 0, PLANS, SIZE_MAX, 0, false);
    char err[512] = "";
    struct catalog *c = catalog_load(dir, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    assert_int_equal(c->nproducts, N);
    assert_int_equal(catalog_product(c, "prod-0")->nplans, PLANS);
    catalog_destroy(c);

    write_catalog(dir, N, 999, 123, PLANS, SIZE_MAX, 0, false);
    snprintf(expected, sizeof expected, "%s/p00999.yaml:2:7: duplicate product id 'prod-123'"
             " (first defined at %s/p00123.yaml:2:7)", dir, dir);
    expect_load_error(dir, expected);

    write_catalog(dir, N, 600, 599, PLANS, SIZE_MAX, 0, false);
    snprintf(expected, sizeof expected, "%s/p00600.yaml:2:7: duplicate product id 'prod-599'"
             " (first defined at %s/p00599.yaml:2:7)", dir, dir);
    expect_load_error(dir, expected);

    /* Plan k's id is on line 6 + 5k, its rank on the line after the next. */
    write_catalog(dir, 2, SIZE_MAX, 0, PLANS, 41, 17, false);
    snprintf(expected, sizeof expected,
             "%s/p00000.yaml:211:11: duplicate plan id 'plan-17' in product 'prod-0'", dir);
    expect_load_error(dir, expected);

    write_catalog(dir, 2, SIZE_MAX, 0, PLANS, 52, 3, true);
    snprintf(expected, sizeof expected,
             "%s/p00000.yaml:268:13: rank 4 of plan 'plan-52' equals the rank of plan 'plan-3'", dir);
    expect_load_error(dir, expected);
    remove_catalog(dir, N);
}

static void unreadable_directories(void **state)
{
    (void)state;
    char err[256];
    assert_null(catalog_load("tests/catalog_bad/no/such/dir", err, sizeof err));
    assert_string_equal(err, "tests/catalog_bad/no/such/dir: cannot read directory: No such file or directory");
    assert_null(catalog_load("tests/catalog_bad/no_products/README.txt", err, sizeof err));
    assert_string_equal(err, "tests/catalog_bad/no_products/README.txt: cannot read directory: Not a directory");
}

/* A short buffer gets a truncated, terminated message; no buffer at all is allowed. */
static void error_buffer_is_respected(void **state)
{
    (void)state;
    char err[24];
    memset(err, 'x', sizeof err);
    assert_null(catalog_load("tests/catalog_bad/unknown_key_plan", err, 16));
    assert_string_equal(err, "tests/catalog_b");
    assert_int_equal(err[16], 'x');
    assert_null(catalog_load("tests/catalog_bad/unknown_key_plan", NULL, 0));
    catalog_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_catalog_loads),
        cmocka_unit_test(shipped_prices_are_coherent),
        cmocka_unit_test(shipped_vat_table),
        cmocka_unit_test(optional_settings_and_plain_prices),
        cmocka_unit_test(aliases_repeat_anchored_blocks),
        cmocka_unit_test(seller_outside_italy),
        cmocka_unit_test(bad_catalogs_are_reported_exactly),
        cmocka_unit_test(every_fixture_has_a_case),
        cmocka_unit_test(duplicates_in_a_large_catalog),
        cmocka_unit_test(unreadable_directories),
        cmocka_unit_test(error_buffer_is_respected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
