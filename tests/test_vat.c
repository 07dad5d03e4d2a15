/* test_vat.c — VAT number check digits per country and the four SPEC §3 VAT cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vat.h"

struct vat_case {
    const char *country;
    const char *input;
    const char *normalised; /* NULL: must be rejected */
};

static void run_cases(const struct vat_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char out[32] = "junk";
        bool ok = vat_number_normalise(cases[i].country, cases[i].input, out, sizeof out);
        if (cases[i].normalised) {
            if (!ok)
                fail_msg("%s \"%s\" rejected", cases[i].country, cases[i].input);
            assert_string_equal(out, cases[i].normalised);
            assert_true(vat_number_valid(cases[i].country, cases[i].input));
        } else {
            if (ok)
                fail_msg("%s \"%s\" accepted as %s", cases[i].country, cases[i].input, out);
            assert_false(vat_number_valid(cases[i].country, cases[i].input));
        }
    }
}

#define RUN(cases) run_cases(cases, sizeof cases / sizeof cases[0])

static void italy_partita_iva(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"IT", "00743110157", "IT00743110157"},
        {"IT", "IT00743110157", "IT00743110157"},
        {"IT", "it 007 431 101 57", "IT00743110157"},
        {"IT", "IT-00743110157", "IT00743110157"},
        {"it", "00743110157", "IT00743110157"},
        {NULL, "IT00743110157", "IT00743110157"},
        {"IT", "00743110158", NULL},      /* wrong check digit */
        {"IT", "00743110150", NULL},
        {"IT", "00743110517", NULL},      /* transposed digits */
        {"IT", "0074311015", NULL},       /* 10 digits */
        {"IT", "007431101570", NULL},     /* 12 digits */
        {"IT", "00000000000", NULL},
        {"IT", "0074311015A", NULL},
        {"IT", "DE00743110157", NULL},
        {"DE", "IT00743110157", NULL},    /* prefix of another country */
        {"IT", "", NULL},
        {"IT", "00743110157/", NULL},
    };
    RUN(cases);
}

static void germany_mod_11_10(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"DE", "136695976", "DE136695976"},
        {"DE", "DE 136 695 976", "DE136695976"},
        {"DE", "136695975", NULL},
        {"DE", "136695977", NULL},
        {"DE", "036695976", NULL},        /* cannot start with 0 */
        {"DE", "13669597", NULL},
    };
    RUN(cases);
}

static void france_key_mod_97(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"FR", "FR40303265045", "FR40303265045"},
        {"FR", "40 303 265 045", "FR40303265045"},
        {"FR", "FR41303265045", NULL},    /* wrong key */
        {"FR", "FR40303265046", NULL},    /* SIREN changed, key no longer matches */
        {"FR", "FR4030326504", NULL},
        {"FR", "FRAB303265045", "FRAB303265045"}, /* alphanumeric key: format only */
        {"FR", "FRIO303265045", NULL},    /* I and O are never used in keys */
        {"FR", "FR303265045", "FRFR303265045"},   /* key "FR" typed without the prefix */
        {"FR", "FRFR303265045", "FRFR303265045"},
    };
    RUN(cases);
}

static void spain_nif_nie_cif(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"ES", "12345678Z", "ES12345678Z"},    /* NIF: 12345678 mod 23 = 14 -> Z */
        {"ES", "ES12345678Z", "ES12345678Z"},
        {"ES", "12345678A", NULL},
        {"ES", "X1234567L", "ESX1234567L"},    /* NIE: X -> 0 */
        {"ES", "X1234567T", NULL},
        {"ES", "A28015865", "ESA28015865"},    /* CIF, digit control */
        {"ES", "A28015864", NULL},
        {"ES", "A2801586E", NULL},             /* A requires a digit */
        {"ES", "Q2826000H", "ESQ2826000H"},    /* CIF, letter control */
        {"ES", "Q28260008", NULL},             /* Q requires a letter */
        {"ES", "Q2826000J", NULL},
        {"ES", "I2826000H", NULL},             /* no such entity letter */
        {"ES", "1234567Z", NULL},
    };
    RUN(cases);
}

static void netherlands_mod_11_and_mod_97(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"NL", "NL004495445B01", "NL004495445B01"},
        {"NL", "004495445b01", "NL004495445B01"},
        {"NL", "NL004495446B01", NULL},
        {"NL", "NL004495445C01", NULL},
        {"NL", "NL004495445B1", NULL},
        {"NL", "NL123456780B94", "NL123456780B94"}, /* 2020 mod 97 rule only */
        {"NL", "NL123456780B95", NULL},
    };
    RUN(cases);
}

static void austria_uid(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"AT", "ATU13585627", "ATU13585627"},
        {"AT", "U13585627", "ATU13585627"},
        {"AT", "ATU13585626", NULL},
        {"AT", "AT13585627", NULL},          /* the U is part of the number */
        {"AT", "ATU1358562", NULL},
    };
    RUN(cases);
}

static void belgium_mod_97(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"BE", "BE0403170701", "BE0403170701"},
        {"BE", "0403.170.701", "BE0403170701"},
        {"BE", "BE0403170702", NULL},
        {"BE", "BE2403170701", NULL},        /* must start 0 or 1 */
        {"BE", "BE403170701", NULL},
    };
    RUN(cases);
}

static void other_eu_countries_format_only(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"GR", "EL123456789", "EL123456789"},  /* Greece: ISO GR, VAT prefix EL */
        {"EL", "123456789", "EL123456789"},
        {"GR", "GR123456789", "EL123456789"},
        {"GR", "12345678", NULL},
        {"IE", "IE6388047V", "IE6388047V"},
        {"IE", "1234567WA", "IE1234567WA"},
        {"IE", "IE12345678", NULL},
        {"PL", "PL1234567890", "PL1234567890"},
        {"PL", "PL123456789", NULL},
        {"SE", "SE123456789701", "SE123456789701"},
        {"CY", "CY12345678X", "CY12345678X"},
        {"CY", "CY123456789", NULL},
        {"DK", "DK1234567", NULL},
        {"US", "123456789", NULL},             /* not an EU VAT country */
        {NULL, "123456789", NULL},             /* no country at all */
    };
    RUN(cases);

    char small[8];
    assert_false(vat_number_normalise("IT", "00743110157", small, sizeof small));
    assert_false(vat_number_normalise("IT", NULL, small, sizeof small));
    assert_false(vat_number_valid("IT", "0074311015700743110157007431101570074311015"));
}

/* The catalog's VAT table, as SPEC §5 shows it. */
static bool test_rate_of(const void *ctx, const char *country, int32_t *bp)
{
    (void)ctx;
    static const struct { const char *cc; int32_t bp; } table[] = {
        {"IT", 2200}, {"DE", 1900}, {"FR", 2000}, {"ES", 2100},
        {"NL", 2100}, {"AT", 2000}, {"IE", 2300},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].cc, country) == 0) {
            *bp = table[i].bp;
            return true;
        }
    return false;
}

static void decide_reverse_charge(void **state)
{
    (void)state;
    struct vat_decision d;
    vat_decide("IT", "DE", true, test_rate_of, NULL, &d);
    assert_int_equal(d.rate_bp, 0);
    assert_true(d.reverse_charge);
    assert_true(d.in_eu);
}

static void decide_same_country(void **state)
{
    (void)state;
    struct vat_decision d;
    vat_decide("IT", "IT", true, test_rate_of, NULL, &d);  /* a number changes nothing */
    assert_int_equal(d.rate_bp, 2200);
    assert_false(d.reverse_charge);
    assert_true(d.in_eu);
    vat_decide("IT", "IT", false, test_rate_of, NULL, &d);
    assert_int_equal(d.rate_bp, 2200);
    assert_false(d.reverse_charge);
}

static void decide_eu_without_number(void **state)
{
    (void)state;
    struct vat_decision d;
    vat_decide("IT", "FR", false, test_rate_of, NULL, &d);
    assert_int_equal(d.rate_bp, 2000);
    assert_false(d.reverse_charge);
    assert_true(d.in_eu);
    vat_decide("IT", "IE", false, test_rate_of, NULL, &d);
    assert_int_equal(d.rate_bp, 2300);
}

static void decide_outside_eu(void **state)
{
    (void)state;
    struct vat_decision d;
    vat_decide("IT", "US", false, test_rate_of, NULL, &d);
    assert_int_equal(d.rate_bp, 0);
    assert_false(d.reverse_charge);
    assert_false(d.in_eu);
    vat_decide("IT", "CH", true, test_rate_of, NULL, &d);
    assert_int_equal(d.rate_bp, 0);
    assert_false(d.reverse_charge);
    assert_false(d.in_eu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(italy_partita_iva),
        cmocka_unit_test(germany_mod_11_10),
        cmocka_unit_test(france_key_mod_97),
        cmocka_unit_test(spain_nif_nie_cif),
        cmocka_unit_test(netherlands_mod_11_and_mod_97),
        cmocka_unit_test(austria_uid),
        cmocka_unit_test(belgium_mod_97),
        cmocka_unit_test(other_eu_countries_format_only),
        cmocka_unit_test(decide_reverse_charge),
        cmocka_unit_test(decide_same_country),
        cmocka_unit_test(decide_eu_without_number),
        cmocka_unit_test(decide_outside_eu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
