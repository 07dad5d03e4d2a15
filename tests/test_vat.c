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
        {"IT", "00743111015", NULL},      /* Luhn holds, but no office 101 */
        {"IT", "0074311015A", NULL},
        {"IT", "DE00743110157", NULL},
        {"IT", "ITIT00743110157", NULL},  /* the prefix is removed once */
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

static void france_key_and_siren(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"FR", "FR40303265045", "FR40303265045"},
        {"FR", "40 303 265 045", "FR40303265045"},
        {"FR", "FR41303265045", NULL},    /* wrong key */
        {"FR", "FR40303265046", NULL},    /* SIREN changed: its Luhn digit and the key fail */
        {"FR", "FR4030326504", NULL},
        {"FR", "FRK7399859412", "FRK7399859412"}, /* letter keys are checked too */
        {"FR", "FRK7399859413", NULL},
        {"FR", "FR4Z123456782", "FR4Z123456782"},
        {"FR", "FR4Z123456783", NULL},
        {"FR", "FRAB303265045", NULL},
        {"FR", "FRIO303265045", NULL},    /* I and O are never used in keys */
        {"FR", "FRFR310000096", "FRFR310000096"}, /* the key "FR" */
        {"FR", "FRFS310000096", NULL},
        {"FR", "FR310000096", NULL},      /* "FR" + SIREN: the key is missing */
        {"FR", "FR34000123456", "FR34000123456"}, /* Monaco: no SIREN Luhn digit */
        {"FR", "FR35000123456", NULL},
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
        {"ES", "54362315K", "ES54362315K"},
        {"ES", "54362315L", NULL},
        {"ES", "X1234567L", "ESX1234567L"},    /* NIE: X -> 0 */
        {"ES", "X1234567T", NULL},
        {"ES", "X-5253868-R", "ESX5253868R"},
        {"ES", "M1234567L", "ESM1234567L"},    /* K/L/M: the DNI letter of 7 digits */
        {"ES", "M1234567K", NULL},
        {"ES", "A28015865", "ESA28015865"},    /* CIF, digit control */
        {"ES", "A28015864", NULL},
        {"ES", "A2801586E", "ESA2801586E"},    /* the same control as a letter */
        {"ES", "A2801586F", NULL},
        {"ES", "B64717838", "ESB64717838"},
        {"ES", "B64717839", NULL},
        {"ES", "Q2826000H", "ESQ2826000H"},    /* CIF, letter control */
        {"ES", "Q28260008", "ESQ28260008"},    /* and as a digit */
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
        {"NL", "NL4495445B01", "NL004495445B01"},   /* leading zeros left out */
        {"NL", "NL004495446B01", NULL},
        {"NL", "NL004495445C01", NULL},
        {"NL", "NL004495445B00", NULL},             /* branch 00 does not exist */
        {"NL", "NL000000000B01", NULL},
        {"NL", "NL123456780B94", "NL123456780B94"}, /* 2020 mod 97 rule only */
        {"NL", "NL123456780B95", NULL},
        {"NL", "NL002455799B11", "NL002455799B11"},
        {"NL", "NL002455799B12", NULL},
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
        {"BE", "BE2403170701", NULL},        /* first digit changed: mod 97 fails */
        {"BE", "BE403170701", "BE0403170701"},  /* the old 9-digit form */
        {"BE", "BE 428759497", "BE0428759497"},
        {"BE", "BE0428759498", NULL},
        {"BE", "BE40317070", NULL},
    };
    RUN(cases);
}

static void bulgaria(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"BG", "BG175074752", "BG175074752"},   /* legal entity */
        {"BG", "BG175074751", NULL},
        {"BG", "7523169263", "BG7523169263"},   /* personal number (EGN) */
        {"BG", "7523169264", NULL},
        {"BG", "BG7111042925", "BG7111042925"}, /* foreigner (PNF) */
        {"BG", "BG7111042926", NULL},
    };
    RUN(cases);
}

static void cyprus(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"CY", "CY-10259033P", "CY10259033P"},
        {"CY", "CY10259033Z", NULL},
        {"CY", "CY12000000A", NULL},    /* never starts 12 */
        {"CY", "CY102590331", NULL},
    };
    RUN(cases);
}

static void czech_republic(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"CZ", "CZ25123891", "CZ25123891"},     /* legal entity */
        {"CZ", "CZ25123890", NULL},
        {"CZ", "CZ640903926", "CZ640903926"},   /* special case */
        {"CZ", "CZ640903927", NULL},
        {"CZ", "CZ7103192745", "CZ7103192745"}, /* birth number */
        {"CZ", "CZ7103192746", NULL},
        {"CZ", "CZ7113192745", NULL},           /* no month 13 */
    };
    RUN(cases);
}

static void denmark(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"DK", "DK 13585628", "DK13585628"},
        {"DK", "DK13585627", NULL},
        {"DK", "DK1358562", NULL},
    };
    RUN(cases);
}

static void estonia(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"EE", "EE100594102", "EE100594102"},
        {"EE", "EE100594103", NULL},
    };
    RUN(cases);
}

static void greece_el_and_gr(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"GR", "EL094259216", "EL094259216"},  /* Greece: ISO GR, VAT prefix EL */
        {"EL", "094259216", "EL094259216"},
        {"GR", "GR094259216", "EL094259216"},
        {NULL, "GR094259216", "EL094259216"},
        {"GR", "EL94259216", "EL094259216"},   /* the old 8-digit form */
        {"GR", "EL094259217", NULL},
        {"GR", "EL123456789", NULL},
        {"GR", "1234567", NULL},
    };
    RUN(cases);
}

static void finland(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"FI", "FI 20774740", "FI20774740"},
        {"FI", "FI20774741", NULL},
        {"FI", "FI12345678", NULL},    /* a made-up number: check digit wrong */
        {"FI", "FI12345671", "FI12345671"},
    };
    RUN(cases);
}

static void croatia(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"HR", "HR 33392005961", "HR33392005961"},
        {"HR", "HR33392005962", NULL},
    };
    RUN(cases);
}

static void hungary(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"HU", "HU-12892312", "HU12892312"},
        {"HU", "HU12892313", NULL},
    };
    RUN(cases);
}

static void ireland(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"IE", "IE 6433435F", "IE6433435F"},    /* 7 digits + letter */
        {"IE", "IE6433435E", NULL},
        {"IE", "IE6433435OA", "IE6433435OA"},   /* 2013 form: the second letter counts */
        {"IE", "IE6433435OB", NULL},
        {"IE", "IE8D79739I", "IE8D79739I"},     /* old form */
        {"IE", "IE8D79739J", NULL},
        {"IE", "IE12345678", NULL},
    };
    RUN(cases);
}

static void lithuania(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"LT", "LT119511515", "LT119511515"},     /* legal entity */
        {"LT", "LT119511516", NULL},
        {"LT", "LT 100001919017", "LT100001919017"},
        {"LT", "LT100001919018", NULL},
        {"LT", "LT100004801610", "LT100004801610"}, /* second round of weights */
        {"LT", "LT100004801611", NULL},
    };
    RUN(cases);
}

static void luxembourg(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"LU", "LU 150 274 42", "LU15027442"},
        {"LU", "LU15027443", NULL},
    };
    RUN(cases);
}

static void latvia(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"LV", "LV 4000 3521 600", "LV40003521600"},  /* legal entity */
        {"LV", "LV40003521601", NULL},
        {"LV", "LV161175-19997", "LV16117519997"},    /* personal code */
        {"LV", "LV16117519998", NULL},
        {"LV", "LV16137519997", NULL},                /* no month 13 */
    };
    RUN(cases);
}

static void malta(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"MT", "MT 1167-9112", "MT11679112"},
        {"MT", "MT11679113", NULL},
    };
    RUN(cases);
}

static void poland(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"PL", "PL 8567346215", "PL8567346215"},
        {"PL", "PL8567346216", NULL},
        {"PL", "PL1234567890", NULL},
    };
    RUN(cases);
}

static void portugal(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"PT", "PT 501 964 843", "PT501964843"},
        {"PT", "PT501964842", NULL},
    };
    RUN(cases);
}

static void romania(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"RO", "RO 185 472 90", "RO18547290"},       /* CUI, 2 to 10 digits */
        {"RO", "18547291", NULL},
        {"RO", "RO1630615123457", "RO1630615123457"}, /* personal number (CNP) */
        {"RO", "RO1630615123458", NULL},
    };
    RUN(cases);
}

static void sweden(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"SE", "SE 123456789701", "SE123456789701"},
        {"SE", "SE123456789101", NULL},
        {"SE", "SE123456789702", NULL},    /* always ends 01 */
    };
    RUN(cases);
}

static void slovenia(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"SI", "SI 5022 3054", "SI50223054"},
        {"SI", "SI50223055", NULL},
    };
    RUN(cases);
}

static void slovakia(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"SK", "SK 202 274 96 19", "SK2022749619"},
        {"SK", "SK2022749618", NULL},
        {"SK", "SK7103192745", "SK7103192745"},   /* a birth number */
    };
    RUN(cases);
}

static void bad_input(void **state)
{
    (void)state;
    static const struct vat_case cases[] = {
        {"US", "123456789", NULL},             /* not an EU VAT country */
        {NULL, "123456789", NULL},             /* no country at all */
        {NULL, "XX123456789", NULL},
        {"IT", "IT 0074311015?", NULL},
    };
    RUN(cases);

    char small[8];
    assert_false(vat_number_normalise("IT", "00743110157", small, sizeof small));
    assert_false(vat_number_normalise("IT", NULL, small, sizeof small));
    assert_false(vat_number_valid("IT", "0074311015700743110157007431101570074311015"));
    assert_false(vat_number_valid("NL", "NL0000000000000004495445B01"));
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
        cmocka_unit_test(france_key_and_siren),
        cmocka_unit_test(spain_nif_nie_cif),
        cmocka_unit_test(netherlands_mod_11_and_mod_97),
        cmocka_unit_test(austria_uid),
        cmocka_unit_test(belgium_mod_97),
        cmocka_unit_test(bulgaria),
        cmocka_unit_test(cyprus),
        cmocka_unit_test(czech_republic),
        cmocka_unit_test(denmark),
        cmocka_unit_test(estonia),
        cmocka_unit_test(greece_el_and_gr),
        cmocka_unit_test(finland),
        cmocka_unit_test(croatia),
        cmocka_unit_test(hungary),
        cmocka_unit_test(ireland),
        cmocka_unit_test(lithuania),
        cmocka_unit_test(luxembourg),
        cmocka_unit_test(latvia),
        cmocka_unit_test(malta),
        cmocka_unit_test(poland),
        cmocka_unit_test(portugal),
        cmocka_unit_test(romania),
        cmocka_unit_test(sweden),
        cmocka_unit_test(slovenia),
        cmocka_unit_test(slovakia),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(decide_reverse_charge),
        cmocka_unit_test(decide_same_country),
        cmocka_unit_test(decide_eu_without_number),
        cmocka_unit_test(decide_outside_eu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
