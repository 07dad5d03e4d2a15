/* test_fiscal_id.c — the Italian identifiers of fiscal documents: codice
 * fiscale (people, with omocodia; companies), partita IVA, codice
 * destinatario and PEC. Every "valid" number below is also valid for
 * python-stdnum's stdnum.it (checked when the cases were written); the
 * invalid ones say what is wrong with them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fiscal_id.h"

struct id_case {
    const char *s;
    bool valid;
};

static void run(bool (*check)(const char *), const struct id_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (check(cases[i].s) != cases[i].valid)
            fail_msg("\"%s\": expected %s", cases[i].s, cases[i].valid ? "valid" : "invalid");
}

#define RUN(check, cases) run(check, cases, sizeof cases / sizeof cases[0])

static void partita_iva(void **state)
{
    (void)state;
    static const struct id_case cases[] = {
        {"00743110157", true},    /* stdnum's own example */
        {"07643520567", true},
        {"01114601006", true},
        {"02313821007", true},
        {"00488410010", true},
        {"06363391001", true},
        {"00905811006", true},
        {"00743110158", false},   /* check digit off by one */
        {"00743110150", false},
        {"12345678903", false},   /* office 890 does not exist */
        {"00000000000", false},   /* no taxpayer number */
        {"00000000018", false},   /* Luhn-valid, office 001, but the first seven digits are zero */
        {"0074311015", false},    /* 10 digits */
        {"007431101570", false},  /* 12 digits */
        {"IT00743110157", false}, /* the VAT prefix is not part of it */
        {"0074311015A", false},
        {"", false},
    };
    RUN(fiscal_partita_iva_valid, cases);
    assert_false(fiscal_partita_iva_valid(NULL));
}

static void codice_fiscale_people(void **state)
{
    (void)state;
    static const struct id_case cases[] = {
        {"RSSMRA85T10A562S", true},   /* Mario Rossi, 10 Dec 1985, Rome */
        {"RCCMNL83S18D969H", true},
        {"CNTCHR83T41D969D", true},   /* a woman: day 1 + 40 */
        {"MRTMTT91D08F205J", true},
        {"BNCGLI80A41H501C", true},
        {"VRDGLI90M71F205R", true},   /* 31 August, a woman */
        {"RSSMRA00B29A562C", true},   /* 29 February 2000 */
        {"RSSMRA84B29A562Y", true},   /* 29 February 1984 */
        {"RSSMRA85T10A562T", false},  /* wrong check letter */
        {"BNCGLI80A41H501R", false},
        {"RSSMRA01B29A562D", false},  /* 2001 has no 29 February (check letter right) */
        {"RSSMRA85B29A562Z", false},
        {"RSSMRA85T32A562Y", false},  /* day 32 */
        {"RSSMRA85T00A562R", false},  /* day 0 */
        {"RSSMRA85T72A562C", false},  /* day 72: 32 for a woman */
        /* python-stdnum reads day 81 as 1 (81 mod 40); the Agenzia's codes
         * never hold it, so billcenter refuses it. */
        {"RSSMRA85T81A562Y", false},
        {"RSSMRA85F10A562R", false},  /* F is no month */
        {"RSSMRA85T10A56WJ", false},  /* W is no omocodia letter */
        {"rssmra85t10a562s", false},  /* canonical form is uppercase */
        {"RSSMRA85T10A562", false},   /* 15 characters */
        {"RSSMRA85T10A562SS", false},
        {"1SSMRA85T10A562S", false},
        {"RSSMRA85T10A5S2S", false},  /* omocodia letter, but the check letter not redone */
    };
    RUN(fiscal_codice_fiscale_valid, cases);
    assert_false(fiscal_codice_fiscale_valid(NULL));
    assert_int_equal(fiscal_codice_fiscale_check("RSSMRA85T10A562"), 'S');
    assert_int_equal(fiscal_codice_fiscale_check("RCCMNL83S18D969"), 'H');
    assert_int_equal(fiscal_codice_fiscale_check("RSSMRA85T10A56?"), '\0');
}

/* Omocodia: when two people would share a code the Agenzia replaces their
 * digits, from the right, by L=0 ... V=9 and computes the check letter
 * again. Each step of the replacement is a valid code. */
static void codice_fiscale_omocodia(void **state)
{
    (void)state;
    static const struct id_case cases[] = {
        {"RSSMRA85T10A56NH", true},
        {"RSSMRA85T10A5SNT", true},
        {"RSSMRA85T10ARSNO", true},
        {"RSSMRA85T1LARSNR", true},
        {"RSSMRA85TMLARSNC", true},
        {"RSSMRA8RTMLARSNO", true},
        {"RSSMRAURTMLARSNL", true},
        {"RSSMRA85T1LA562V", true},
        {"RSSMRAURTMLARSNO", false},  /* the check letter of the step before */
    };
    RUN(fiscal_codice_fiscale_valid, cases);
}

/* A company's codice fiscale is 11 digits: its partita IVA rules. */
static void codice_fiscale_companies(void **state)
{
    (void)state;
    static const struct id_case cases[] = {
        {"00743110157", true},
        {"07643520567", true},
        {"00743110158", false},
        {"12345678901", false},
        {"0074311015", false},
    };
    RUN(fiscal_codice_fiscale_valid, cases);
}

static void codice_destinatario(void **state)
{
    (void)state;
    static const struct id_case cases[] = {
        {"0000000", true},   /* reached by PEC, or through the Agenzia's site */
        {"XXXXXXX", true},   /* abroad */
        {"KRRH6B9", true},
        {"M5UXCR1", true},
        {"SUBM70N", true},
        {"krrh6b9", false},  /* lowercase */
        {"KRRH6B", false},   /* six characters: a public administration's office code */
        {"KRRH6B9X", false},
        {"KRR-6B9", false},
        {"KRR 6B9", false},
        {"", false},
    };
    RUN(fiscal_codice_destinatario_valid, cases);
    assert_false(fiscal_codice_destinatario_valid(NULL));
}

static void pec(void **state)
{
    (void)state;
    static const struct id_case cases[] = {
        {"rossi.consulting@pec.it", true},
        {"amministrazione@legalmail.it", true},
        {"fatture+sdi@pec.rossi-srl.it", true},
        {"O'Brien@pec.example.com", true},
        {"rossi.consulting.pec.it", false},   /* no @ */
        {"rossi@@pec.it", false},
        {"rossi@pec@it", false},
        {"@pec.it", false},                   /* no name */
        {"rossi@", false},
        {"rossi@pecit", false},               /* a domain without a dot */
        {"rossi@pec..it", false},
        {"rossi@.pec.it", false},
        {"rossi.@pec.it", false},
        {".rossi@pec.it", false},
        {"ro..ssi@pec.it", false},
        {"mario rossi@pec.it", false},        /* a space */
        {"rossi@pec.it ", false},
        {"rossì@pec.it", false},              /* not ASCII */
        {"rossi@pec.it\n", false},
        {"", false},
    };
    RUN(fiscal_pec_valid, cases);
    assert_false(fiscal_pec_valid(NULL));
    char long_pec[300];
    memset(long_pec, 'a', sizeof long_pec);
    memcpy(long_pec + 250, "@pec.it", 8);   /* 257 bytes */
    assert_false(fiscal_pec_valid(long_pec));
    memcpy(long_pec + 249, "@pec.it", 8);   /* 256 bytes */
    assert_true(fiscal_pec_valid(long_pec));
}

static void compact(void **state)
{
    (void)state;
    char out[17];
    assert_true(fiscal_id_compact("rss mra 85t10 a562s", out, sizeof out));
    assert_string_equal(out, "RSSMRA85T10A562S");
    assert_true(fiscal_codice_fiscale_valid(out));
    assert_true(fiscal_id_compact("007-431.101 57", out, sizeof out));
    assert_string_equal(out, "00743110157");
    assert_false(fiscal_id_compact("RSSMRA85T10A562SX", out, sizeof out));  /* 17 > 16 */
    assert_true(fiscal_id_compact("", out, sizeof out));
    assert_string_equal(out, "");
    assert_false(fiscal_id_compact(NULL, out, sizeof out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(partita_iva),
        cmocka_unit_test(codice_fiscale_people),
        cmocka_unit_test(codice_fiscale_omocodia),
        cmocka_unit_test(codice_fiscale_companies),
        cmocka_unit_test(codice_destinatario),
        cmocka_unit_test(pec),
        cmocka_unit_test(compact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
