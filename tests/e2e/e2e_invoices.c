/* e2e_invoices.c — the fiscal documents in the terminal (SPEC §9, §7): an
 * order placed on screen shows its invoice's number on the confirmation
 * and in Order history; Invoices lists it, Enter shows it as issued and
 * scrolls it, p saves its PDF where the status line says (checked with
 * pdftotext), in English and in Italian; the Italian rendering of a reverse
 * charge says "Inversione contabile"; n sends it through the catalog's
 * commands; a billing contact at the kiosk sees the documents but gets no
 * key that saves or sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

/* The words of one language the scenario waits for. */
struct words {
    const char *lang;
    const char *modify, *choose_plan, *complete, *to_payment, *payment, *place, *placed;
    const char *issued, *home, *invoices, *doc_title, *seller, *total, *saved, *history,
        *history_row, *pdf_title;
};

static const struct words en = {
    "en", "Modify subscription", "Choose a plan", "▸ [ Complete transaction ]", "▸ [ Continue to payment ]", "Payment",
    "▸ [ Place order ]", "Order placed", "Invoice 2026/000001 issued.", "Subscriptions",
    "Invoices", "Invoice 2026/000001", " Seller  ", "Document total", "PDF saved: ",
    "Order history", "Invoice 2026/000001", "Invoice",
};

static const struct words it = {
    "it", "Modifica sottoscrizione", "Scegli un piano", "▸ [ Completa la transazione ]", "▸ [ Continua con il pagamento ]",
    "Pagamento", "▸ [ Effettua ordine ]", "Ordine effettuato", "Emessa la fattura 2026/000001.",
    "Sottoscrizioni", "Fatture", "Fattura 2026/000001", " Cedente/prestatore  ",
    "Totale documento", "PDF salvato: ", "Cronologia ordini", "Fattura 2026/000001", "Fattura",
};

/* The scenario's directory as the program names it (no symlinks). */
static void real_dir(struct e2e_case *c, char *buf, size_t size)
{
    char *r = realpath(c->env.dir, NULL);
    assert_non_null(r);
    snprintf(buf, size, "%s", r);
    free(r);
}

static bool exists(const char *path)
{
    struct stat s;
    return stat(path, &s) == 0 && S_ISREG(s.st_mode) && s.st_size > 0;
}

/* pdftotext of the file, or NULL. */
static char *pdf_text(const char *path)
{
    const char *argv[] = {"pdftotext", "-enc", "UTF-8", path, "-", NULL};
    char *out = NULL;
    int rc = e2e_run(argv, &out, NULL);
    if (rc != 0) {
        fprintf(stderr, "pdftotext %s exited %d\n", path, rc);
        free(out);
        return NULL;
    }
    return out;
}

/* Account 1, GoToMeeting one plan up, placed with the card on file. */
static void place_order(struct vt *vt, const struct words *w)
{
    vt_send(vt, "e");
    E2E_TITLE(vt, w->modify);
    vt_send(vt, "e");
    E2E_SEE(vt, w->choose_plan);
    vt_key(vt, VT_DOWN);
    vt_key(vt, VT_ENTER);
    assert_true(e2e_press_until(vt, VT_TAB, w->complete, 6));
    vt_key(vt, VT_ENTER);
    E2E_SEE(vt, w->to_payment);
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->payment);
    assert_true(e2e_press_until(vt, VT_TAB, w->place, 8));
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->placed);
}

static void place_view_save(struct e2e_case *c, const struct words *w)
{
    char dir[PATH_MAX], env[PATH_MAX + 32], want[PATH_MAX + 64], path[PATH_MAX + 32];
    real_dir(c, dir, sizeof dir);
    snprintf(env, sizeof env, "BILLCENTER_EXPORT_DIR=%s", dir);
    const char *envp[] = {env, NULL};
    struct vt *vt = e2e_start_at(c, w->lang, envp, 1, E2E_AT_HOME);
    assert_non_null(vt);

    /* the confirmation names the new invoice */
    place_order(vt, w);
    E2E_SEE(vt, w->issued);
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->home);

    /* Order history: the order's invoice under its heading */
    vt_send(vt, "h");
    E2E_TITLE(vt, w->history);
    E2E_SEE(vt, w->history_row);
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, w->home);

    /* Invoices: the one document, selected */
    vt_send(vt, "i");
    E2E_TITLE(vt, w->invoices);
    E2E_SEE(vt, "▸ 2026/000001");
    assert_true(vt_wait_row_text(vt, 23, "p PDF", E2E_WAIT));
    assert_true(vt_wait_row_text(vt, 23, "f XML", E2E_WAIT));

    /* the document as issued, scrolled */
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, w->doc_title);
    E2E_SEE(vt, w->seller);
    E2E_SETTLE(vt);
    E2E_NOT_SHOWN(vt, w->total);
    vt_key(vt, VT_PAGEDOWN);
    E2E_SEE(vt, w->total);
    E2E_GONE(vt, w->seller);
    vt_key(vt, VT_HOME);
    E2E_SEE(vt, w->seller);
    vt_key(vt, VT_END);
    E2E_SEE(vt, w->total);
    vt_key(vt, VT_UP);
    vt_key(vt, VT_HOME);
    E2E_SEE(vt, w->seller);

    /* p: the PDF, where the status line says */
    snprintf(path, sizeof path, "%s/2026-000001.pdf", dir);
    assert_false(exists(path));
    vt_send(vt, "p");
    snprintf(want, sizeof want, "%s%s", w->saved, path);
    E2E_SEE(vt, want);
    assert_true(exists(path));
    char *text = pdf_text(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "2026/000001"));
    assert_non_null(strstr(text, w->pdf_title));
    free(text);

    /* f: the FatturaPA XML under its SdI name */
    vt_send(vt, "f");
    snprintf(path, sizeof path, "%s/IT12345670157_00001.xml", dir);
    E2E_SEE(vt, path);
    assert_true(exists(path));

    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, w->invoices);
    vt_send(vt, "q");
    assert_true(vt_wait_exit(vt, E2E_WAIT, NULL));
}

static void test_invoice_english(void **state)
{
    place_view_save(*state, &en);
}

static void test_invoice_italian(void **state)
{
    place_view_save(*state, &it);
}

/* An order placed through the CLI for account `id` (a card given when the
 * account has none on file). */
static void cli_order(struct e2e_case *c, const char *id, const char *product, const char *seats,
                      bool card)
{
    const char *args[] = {"--date", E2E_DATE, "order", "place", "--account", id, "--product",
                          product, "--to-seats", seats, "--idempotency-key", "e2e-inv-1",
                          card ? "--card" : NULL, "4242424242424242", "--card-exp", "12/30",
                          NULL};
    int code = -1;
    json_t *o = e2e_cli_json(&c->env, args, &code);
    assert_non_null(o);
    assert_int_equal(code, 0);
    json_decref(o);
}

/* Account 4 (FR, valid VAT number): its invoice in Italian says the
 * reverse charge as Italian law words it. */
static void test_reverse_charge_italian(void **state)
{
    struct e2e_case *c = *state;
    cli_order(c, "4", "gotowebinar", "3", true);
    struct vt *vt = e2e_start_at(c, "it", NULL, 4, E2E_AT_HOME);
    assert_non_null(vt);
    vt_send(vt, "i");
    E2E_TITLE(vt, "Fatture");
    E2E_SEE(vt, "▸ 2026/000001");
    E2E_SEE(vt, "Fattura");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Fattura 2026/000001");
    E2E_SEE(vt, "Inversione contabile — art. 196 Direttiva 2006/112/CE");
    vt_key(vt, VT_END);
    E2E_SEE(vt, "Totale documento");
}

/* The catalog (plans/ copied) with e-mail and SdI commands that accept
 * everything handed to them. */
static void hook_catalog(struct e2e_case *c, char *catalog, size_t size)
{
    char cmd[1200], path[600];
    snprintf(catalog, size, "%s/plans", c->env.dir);
    snprintf(cmd, sizeof cmd, "cp -r plans '%s'", catalog);
    assert_int_equal(system(cmd), 0);
    static const char *const hooks[] = {"mail", "sdi"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s.sh", c->env.dir, hooks[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "#!/bin/sh\ncat > /dev/null\n"
                   "echo '{\"status\": \"accepted\", \"id\": \"%s-1\"}'\n", hooks[i]);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(chmod(path, 0700), 0);
    }
    snprintf(path, sizeof path, "%s/catalog.yaml", catalog);
    FILE *y = fopen(path, "a");
    assert_non_null(y);
    fprintf(y, "documents: {send_command: \"%s/mail.sh\"}\nsdi: {command: \"%s/sdi.sh\"}\n",
            c->env.dir, c->env.dir);
    assert_int_equal(fclose(y), 0);
}

/* n asks, then sends through both commands; the list says it was sent. */
static void test_send(void **state)
{
    struct e2e_case *c = *state;
    char catalog[512], env[600];
    hook_catalog(c, catalog, sizeof catalog);
    snprintf(env, sizeof env, "BILLCENTER_CATALOG=%s", catalog);
    const char *envp[] = {env, NULL};
    cli_order(c, "1", "gotomeeting", "6", false);
    struct vt *vt = e2e_start_at(c, "en", envp, 1, E2E_AT_HOME);
    assert_non_null(vt);
    vt_send(vt, "i");
    E2E_TITLE(vt, "Invoices");
    E2E_SEE(vt, "not sent");
    assert_true(vt_wait_row_text(vt, 23, "n send", E2E_WAIT));
    vt_send(vt, "n");
    E2E_SEE(vt, "Send invoice 2026/000001 to its recipients and the SdI? y/n");
    vt_send(vt, "x");                     /* any other key: no */
    E2E_GONE(vt, "to its recipients");
    E2E_SEE(vt, "not sent");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Invoice 2026/000001");
    vt_send(vt, "n");
    E2E_SEE(vt, "Send invoice 2026/000001 to its recipients and the SdI? y/n");
    vt_send(vt, "y");
    E2E_SEE(vt, "2026/000001: e-mail accepted, SdI accepted");
    vt_key(vt, VT_ESC);
    E2E_TITLE(vt, "Invoices");
    E2E_SEE(vt, "▸ 2026/000001");
    E2E_GONE(vt, "not sent");
    E2E_SEE(vt, " sent");
    /* sent once: a second n has nothing to do */
    vt_send(vt, "n");
    E2E_SEE(vt, "? y/n");
    vt_send(vt, "y");
    E2E_SEE(vt, "2026/000001 was sent already: nothing to do.");
}

/* A billing contact at the kiosk sees the documents, without p, f, n. */
static void test_kiosk_no_save_keys(void **state)
{
    struct e2e_case *c = *state;
    char dir[PATH_MAX], env[PATH_MAX + 32], path[PATH_MAX + 32];
    real_dir(c, dir, sizeof dir);
    snprintf(env, sizeof env, "BILLCENTER_EXPORT_DIR=%s", dir);
    const char *envp[] = {env, NULL};
    cli_order(c, "1", "gotomeeting", "6", false);
    struct vt *vt = e2e_kiosk_start(c, "en", NULL, envp);
    assert_non_null(vt);
    assert_true(e2e_kiosk_sign_in(vt, "maria.rossi@example.it", "1234"));
    E2E_TITLE(vt, "Subscriptions");
    vt_send(vt, "i");
    E2E_TITLE(vt, "Invoices");
    E2E_SEE(vt, "▸ 2026/000001");
    assert_true(vt_wait_row_text(vt, 23, "Esc back", E2E_WAIT));
    E2E_NOT_SHOWN(vt, "PDF");
    E2E_NOT_SHOWN(vt, "XML");
    E2E_NOT_SHOWN(vt, "send");
    vt_send(vt, "p");
    vt_send(vt, "f");
    vt_send(vt, "n");
    vt_send(vt, "?");
    E2E_SEE(vt, "newest first");
    E2E_NOT_SHOWN(vt, "saves the PDF");
    vt_key(vt, VT_ESC);
    E2E_GONE(vt, "newest first");
    vt_key(vt, VT_ENTER);
    E2E_TITLE(vt, "Invoice 2026/000001");
    E2E_SEE(vt, " Seller ");
    vt_send(vt, "p");
    vt_send(vt, "f");
    vt_send(vt, "n");
    E2E_SETTLE(vt);
    E2E_NOT_SHOWN(vt, "saved");
    E2E_NOT_SHOWN(vt, "Send invoice");
    E2E_NOT_SHOWN(vt, "PDF");
    snprintf(path, sizeof path, "%s/2026-000001.pdf", dir);
    assert_false(exists(path));
    snprintf(path, sizeof path, "%s/IT12345670157_00001.xml", dir);
    assert_false(exists(path));
}

int main(int argc, char **argv)
{
    if (!e2e_setup_args(argc, argv))
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_invoice_english, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_invoice_italian, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_reverse_charge_italian, e2e_case_setup,
                                        e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_send, e2e_case_setup, e2e_case_teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_no_save_keys, e2e_case_setup,
                                        e2e_case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
