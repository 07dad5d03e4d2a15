/* keys.c — the key table: which key does what, and the footer built from it.
 *
 * Screens never look at raw keys (except text typed into fields); they get
 * named actions. Kiosk mode switches actions off in the table itself. */
#include "keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "draw.h"
#include "i18n.h"
#include "term.h"

#define KEY_CTRL(c) ((c) & 0x1f)

struct keys_binding {
    wint_t ch;
    bool is_key;              /* a KEY_* function key code */
    enum ui_action act;
};

static const struct keys_binding keys_table[] = {
    {KEY_UP, true, ACT_UP},         {'k', false, ACT_UP},
    {KEY_DOWN, true, ACT_DOWN},     {'j', false, ACT_DOWN},
    {KEY_LEFT, true, ACT_LEFT},     {KEY_RIGHT, true, ACT_RIGHT},
    {KEY_PPAGE, true, ACT_PGUP},    {KEY_NPAGE, true, ACT_PGDN},
    {KEY_HOME, true, ACT_HOME},     {KEY_END, true, ACT_END},
    {'\n', false, ACT_ENTER},       {'\r', false, ACT_ENTER},
    {KEY_ENTER, true, ACT_ENTER},
    {'\t', false, ACT_TAB},         {KEY_BTAB, true, ACT_BACKTAB},
    {27, false, ACT_BACK},
    {' ', false, ACT_TOGGLE},
    {'+', false, ACT_PLUS},         {'-', false, ACT_MINUS},
    {KEY_BACKSPACE, true, ACT_ERASE}, {127, false, ACT_ERASE}, {8, false, ACT_ERASE},
    {KEY_DC, true, ACT_ERASE},
    {KEY_CTRL('u'), false, ACT_CLEAR},
    {'?', false, ACT_HELP},
    {'c', false, ACT_CART},
    {'/', false, ACT_SEARCH},
    {'q', false, ACT_QUIT},
    {KEY_CTRL('q'), false, ACT_QUIT},
    {'e', false, ACT_EDIT},
    {'s', false, ACT_SEATS},
    {'h', false, ACT_HISTORY},
    {'x', false, ACT_REMOVE},
    {'a', false, ACT_ADD_USER},
    {'m', false, ACT_MANAGE},
    {'o', false, ACT_OPTIONS},
    {KEY_RESIZE, true, ACT_RESIZE},
    {'i', false, ACT_INVOICES},
    {'p', false, ACT_SAVE_PDF},
    {'f', false, ACT_SAVE_XML},
    {'n', false, ACT_SEND},
    {KEY_CTRL('n'), false, ACT_NEW_ACCOUNT},
};

/* How each action is named in the footer: the key and what it does, and a
 * shorter "what" for a footer too long for the terminal ("" shows the key
 * alone; NULL: no shorter form). */
struct keys_label {
    const char *key_utf8, *key_ascii;
    const char *what;         /* N_() marked, translated when drawn */
    const char *what_short;   /* N_() marked, or "" or NULL */
};

static const struct keys_label keys_labels[ACT_COUNT] = {
    [ACT_UP] = {"\u2191\u2193", "Up/Dn", N_("move"), ""},
    [ACT_LEFT] = {"\u2190\u2192", "Lt/Rt", N_("change"), NULL},
    [ACT_ENTER] = {N_("Enter"), N_("Enter"), N_("select"), NULL},
    [ACT_TAB] = {"Tab", "Tab", N_("next field"), NULL},
    [ACT_BACK] = {"Esc", "Esc", N_("back"), NULL},
    [ACT_TOGGLE] = {N_("Space"), N_("Space"), N_("assign"), NULL},
    [ACT_PLUS] = {"+/-", "+/-", N_("seats"), NULL},
    [ACT_HELP] = {"?", "?", N_("help"), NULL},
    [ACT_CART] = {"c", "c", N_("cart"), NULL},
    [ACT_SEARCH] = {"/", "/", N_("search"), NULL},
    [ACT_QUIT] = {"q", "q", N_("quit"), NULL},
    [ACT_EDIT] = {"e", "e", N_("edit"), NULL},
    [ACT_SEATS] = {"s", "s", N_("seats"), NULL},
    [ACT_HISTORY] = {"h", "h", N_("history"), NULL},
    [ACT_REMOVE] = {"x", "x", N_("remove"), NULL},
    /* TRANSLATORS: short form of "add user" for a crowded footer. */
    [ACT_ADD_USER] = {"a", "a", N_("add user"), N_("add")},
    [ACT_MANAGE] = {"m", "m", N_("manage seats"), NULL},
    [ACT_OPTIONS] = {"o", "o", N_("options"), NULL},
    [ACT_SIGNOUT] = {"Esc", "Esc", N_("sign out"), N_("log out")},
    [ACT_ESC_CLEAR] = {"Esc", "Esc", N_("clear"), NULL},
    [ACT_ESC_LEAVE] = {"Esc", "Esc", N_("leave field"), NULL},
    [ACT_CTRL_QUIT] = {"Ctrl-Q", "Ctrl-Q", N_("quit"), NULL},
    [ACT_CLEAR] = {"Ctrl-U", "Ctrl-U", N_("clear"), NULL},
    [ACT_INVOICES] = {"i", "i", N_("invoices"), NULL},
    /* TRANSLATORS: "save PDF", "save XML" and their short forms for a crowded footer. */
    [ACT_SAVE_PDF] = {"p", "p", N_("save PDF"), N_("PDF")},
    [ACT_SAVE_XML] = {"f", "f", N_("save XML"), N_("XML")},
    [ACT_SEND] = {"n", "n", N_("send"), NULL},
    /* TRANSLATORS: short form of "new account" for a crowded footer. */
    [ACT_NEW_ACCOUNT] = {"Ctrl-N", "Ctrl-N", N_("new account"), N_("new")},
};

enum ui_action keys_action(wint_t ch, bool is_key, bool kiosk)
{
    for (size_t i = 0; i < sizeof keys_table / sizeof keys_table[0]; i++) {
        const struct keys_binding *kb = &keys_table[i];
        if (kb->ch != ch || kb->is_key != is_key)
            continue;
        if (kiosk && (kb->act == ACT_QUIT || kb->act == ACT_SEARCH))
            return ACT_NONE;
        return kb->act;
    }
    return ACT_NONE;
}

bool keys_live(wint_t ch, bool is_key, bool kiosk, unsigned live)
{
    switch (keys_action(ch, is_key, kiosk)) {
    case ACT_HELP:
        return (live & KEYS_LIVE_HELP) != 0;
    case ACT_QUIT:
        return (live & KEYS_LIVE_QUIT) != 0;
    case ACT_SEARCH:
        return (live & KEYS_LIVE_SEARCH) != 0;
    default:
        return false;
    }
}

bool keys_is_text(wint_t ch, bool is_key)
{
    return !is_key && ch >= 0x20 && ch != 0x7f && iswprint(ch);
}

/* How tightly the footer is laid out. For a screen that asks for it the
 * first layout that shows every key is used: the usual one, then the
 * shorter labels, then without "? help" (the last key to give up: ? still
 * opens the help), then one space between keys. When none shows them all,
 * or the screen did not ask, the usual layout leaves out what does not fit. */
struct keys_fit {
    bool shorter;             /* what_short where there is one */
    bool no_help;
    int gap;                  /* spaces after each key */
    bool trailing;            /* the last key keeps its gap at the right edge */
};

static const struct keys_fit keys_fits[] = {
    {false, false, 2, true},
    {true, false, 2, false},
    {true, true, 2, false},
    {true, true, 1, false},
};

static const char *keys_what(const struct keys_label *l, const struct keys_fit *fit)
{
    const char *w = fit->shorter && l->what_short != NULL ? l->what_short : l->what;
    return w[0] != '\0' ? _(w) : "";
}

/* Width of one key in the footer, its gap included. */
static int keys_footer_width(enum ui_action a, const struct keys_fit *fit)
{
    const struct keys_label *l = &keys_labels[a];
    if (l->what == NULL)
        return 0;
    const char *key = _(term_ascii() ? l->key_ascii : l->key_utf8);
    const char *what = keys_what(l, fit);
    return draw_width(key) + (what[0] != '\0' ? 1 + draw_width(what) : 0) + fit->gap;
}

static int keys_footer_item(int x, int maxx, enum ui_action a, const struct keys_fit *fit)
{
    const struct keys_label *l = &keys_labels[a];
    if (l->what == NULL)
        return x;
    const char *key = _(term_ascii() ? l->key_ascii : l->key_utf8);
    const char *what = keys_what(l, fit);
    int need = keys_footer_width(a, fit);
    if (x + need - (fit->trailing ? 0 : fit->gap) > maxx)
        return x;
    x += draw_text(LINES - 1, x, maxx - x, key, term_attr(TERM_KEY));
    if (what[0] != '\0') {
        x += 1;
        x += draw_text(LINES - 1, x, maxx - x, what, A_NORMAL);
    }
    return x + fit->gap;
}

void keys_footer(const enum ui_action *acts, bool kiosk, bool operator_mode, unsigned live,
                 bool fit_all)
{
    /* The keys that work everywhere sit on the right; the screen's own keys
     * fill the rest from the left. While a text field takes ? q / as text
     * they are not offered. */
    enum ui_action global[3];
    size_t ng = 0;
    if (live & KEYS_LIVE_HELP)
        global[ng++] = ACT_HELP;
    if (operator_mode && !kiosk && (live & KEYS_LIVE_SEARCH))
        global[ng++] = ACT_SEARCH;
    if (!kiosk)
        global[ng++] = (live & KEYS_LIVE_QUIT) ? ACT_QUIT : ACT_CTRL_QUIT;

    const size_t nfits = fit_all ? sizeof keys_fits / sizeof keys_fits[0] : 1;
    const struct keys_fit *fit = &keys_fits[0];
    for (size_t f = 0; f < nfits; f++) {
        const struct keys_fit *try = &keys_fits[f];
        int w = 0;
        for (size_t i = 0; i < ng; i++)
            if (!(try->no_help && global[i] == ACT_HELP))
                w += keys_footer_width(global[i], try);
        for (size_t i = 0; acts != NULL && acts[i] != ACT_NONE; i++)
            w += keys_footer_width(acts[i], try);
        if (w - (try->trailing ? 0 : try->gap) <= COLS) {
            fit = try;
            break;
        }
    }

    int gw = 0;
    for (size_t i = 0; i < ng; i++)
        if (!(fit->no_help && global[i] == ACT_HELP))
            gw += keys_footer_width(global[i], fit);
    if (!fit->trailing && gw > 0)
        gw -= fit->gap;
    int x = 0, maxx = COLS - gw;
    for (size_t i = 0; acts != NULL && acts[i] != ACT_NONE; i++)
        x = keys_footer_item(x, maxx, acts[i], &(struct keys_fit){fit->shorter, fit->no_help,
                                                                   fit->gap, true});
    x = maxx;
    for (size_t i = 0; i < ng; i++)
        if (!(fit->no_help && global[i] == ACT_HELP))
            x = keys_footer_item(x, COLS, global[i], fit);
}

bool keys_is_yes(wint_t ch, bool is_key)
{
    if (is_key)
        return false;
    /* TRANSLATORS: the key that answers yes to a question ("... y/n"). */
    const char *yes = C_("answer", "y");
    return ch == 'y' || ch == 'Y' || (yes[0] != '\0' && yes[1] == '\0'
                                      && (ch == (wint_t)yes[0] || ch == (wint_t)towupper((wint_t)yes[0])));
}

void keys_footer_question(void)
{
    const char *yes = C_("answer", "y");
    int x = 0;
    x += draw_text(LINES - 1, x, COLS - x, yes, term_attr(TERM_KEY));
    x += 1;
    x += draw_text(LINES - 1, x, COLS - x, _("yes"), A_NORMAL) + 2;
    x += draw_text(LINES - 1, x, COLS - x, _("any other key"), term_attr(TERM_KEY));
    x += 1;
    draw_text(LINES - 1, x, COLS - x, _("no"), A_NORMAL);
}
