/* demo.c — demo data: named showcase accounts, then generated ones.
 *
 * Deterministic (own PRNG, fixed seed): the same n and today give the same
 * database. Dates are relative to `today` (T below). On a fresh database the
 * showcase accounts get these ids (the README and the end-to-end tests use
 * them). Every showcase contact with a PIN has PIN 1234.
 *
 *  id  name                       kind/country/currency   what it shows
 *   1  Rossi Consulting S.r.l.    IT EUR, VAT IT00743110157, balance 20.00
 *        billing contact Maria Rossi <maria.rossi@example.it> (PIN 1234)
 *        admin contact  Luca Bianchi <luca.bianchi@example.it> (PIN 1234):
 *          the viewer who is not the billing contact
 *        6 users; card on file visa •••• 4242, expires 12/2029
 *        GoToMeeting Professional monthly, 5 seats (3 assigned), period and
 *          billed item T-15 -> one month later (anchor = day of T-15), billed
 *          5 x 12.00 = 60.00. With T = 2026-11-25 this is SPEC §3's worked
 *          example (2026-11-10 -> 2026-12-10).
 *        GoToWebinar Standard annual, 2 seats, period T-100 -> one year later
 *   2  Globex Corporation         corporate, US USD
 *        billing contact Hank Scorpio <hank.scorpio@globex.example.com> (PIN 1234)
 *        GoToMeeting Enterprise monthly, 50 seats
 *   3  Müller Technik GmbH        DE EUR, no VAT number, balance 0
 *        billing contact Jonas Müller <jonas.mueller@example.de> (PIN 1234)
 *        GoToMeeting Business monthly, 10 seats, 8 assigned (9 users)
 *   4  Dupont & Fils SARL         FR EUR, VAT FR44732829320 (reverse charge)
 *        billing contact Claire Dupont <claire.dupont@example.fr> (PIN 1234)
 *        GoToWebinar Pro monthly, 2 seats
 *   5  Acme Widgets Inc.          US USD, no VAT
 *        billing contact Wile Coyote <wile.coyote@acme.example.com> (PIN 1234)
 *        GoToMeeting Professional annual, 3 seats; GoToTraining Starter monthly, 1 seat
 *   6  Tanaka Shoji K.K.          JP JPY
 *        billing contact Yuki Tanaka <yuki.tanaka@example.jp> (PIN 1234)
 *        GoToMeeting Business monthly, 4 seats
 *   7  Brighton Books Ltd         GB GBP
 *        billing contact Oliver Brown <oliver.brown@example.co.uk> (PIN 1234)
 *        GoToWebinar Lite monthly, 1 seat
 *   8  Verdi Formazione S.r.l.    IT EUR, no VAT number
 *        billing contact Giulia Verdi <giulia.verdi@example.it> (PIN 1234)
 *        GoToTraining Starter, trial ended (the UI offers Subscribe now);
 *        GoToMeeting Professional monthly, 10 seats, none assigned
 *   9  Bianchi Studio             IT EUR, balance 500.00
 *        billing contact Paolo Bianchi <paolo.bianchi@example.it> (PIN 1234)
 *        GoToMeeting Business monthly, 20 seats, 2 assigned
 *        (a seat reduction leaves credit)
 *  10  Schmidt Consulting         DE EUR, VAT DE136464502 (reverse charge)
 *        billing contact Anna Schmidt <anna.schmidt@example.de> (PIN 1234)
 *        GoToMeeting Professional monthly, 3 seats
 *
 * demo_lifecycle adds six more, after those (`init --demo` makes them the
 * last six of its accounts: 995..1000 of 1,000), that show the life of a
 * subscription after its first period (SPEC §8), for `billcenter renew`
 * and the account screens:
 *
 *   n-5  Ferri Servizi S.r.l.    IT EUR; card on file visa •••• 0002 (the test
 *          processor declines it); GoToMeeting Professional monthly, 2 seats,
 *          past due: its renewal at P1 = T-2 was declined then and at the first
 *          retry (T-1); the next retry is P1+3 = T+1, then P1+5 and P1+7
 *   n-4  Costa Design Lda        PT EUR, no card; GoToWebinar Lite monthly,
 *          suspended: P1 = T-10, the last retry (P1+7) failed
 *   n-3  Keller Logistik GmbH    AT EUR; card visa •••• 4242; GoToMeeting
 *          Business monthly, 3 seats from T-20, pending cancellation (ends at P1)
 *   n-2  Walsh Media Ltd         IE EUR; card visa •••• 4242; GoToWebinar
 *          Standard monthly, 2 seats from T-12, Lite scheduled for the renewal
 *   n-1  Novak Analytics         NL EUR; card visa •••• 4242; GoToTraining
 *          Starter, a 30-day trial T-20 -> T+10 that converts to paid at its end
 *   n    Moretti Studio          IT EUR, balance 30.00, no card; GoToMeeting
 *          Professional monthly, 1 seat, P1 = T: today's renewal (14.64) is
 *          paid from the balance
 * Their billing contacts have PIN 1234 as well.
 *
 * Every showcase account has the billing profile its invoices need (SPEC
 * §9): a street address, and for the Italian ones a codice fiscale (1:
 * the company's, with codice destinatario KRRH6B9; 8: the company's, with
 * a PEC; 9: Paolo Bianchi's, BNCPLA80A01F205C).
 *
 * Accounts 11..n are generated: 5% corporate, a mix of countries and
 * currencies, 1-3 subscriptions each, some balances, some VAT numbers (the
 * Italian ones without get a company codice fiscale), a street address, one
 * billing contact each (sometimes an admin too, no PIN: hashing a million
 * PINs would take hours), a few users and seat assignments. Everything is
 * written in the store's bulk-load mode (store_bulk_load, store.h): on a new
 * database the lookup indexes are dropped and rebuilt by one sort each at
 * the end, writes take no savepoints of their own and seat assignments no
 * re-checks, foreign keys and CHECK constraints are checked once over the
 * whole database at the end; users, subscriptions and seats go in as
 * multi-row inserts, and an account is written with the id its billing
 * contact will get (its UPDATE then finds nothing to do). Work is done in
 * transactions of 100,000 accounts with a 256 MB page cache (the unique
 * e-mail index still grows at many places). Time is linear in n (about 20
 * microseconds of CPU an account, some 7 SQL statements, plus the final
 * sorts and checks), memory is bounded by that cache. An n below 10 still
 * yields all ten showcase accounts. */
#include "demo.h"

#include <crypt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "vat.h"

#define DEMO_SEED 0x5eed0b111ce47e25ULL
#define DEMO_BATCH 100000      /* accounts per transaction: see the comment atop */
#define DEMO_SHOWCASE 10
#define DEMO_USERS_MAX 12      /* users of one account (showcase 3: 9) */

/* ---------------------------------------------------------------- PRNG */

struct rng { uint64_t s; };

static uint64_t rng_next(struct rng *r)
{
    /* splitmix64: tiny, fast, and the same everywhere. */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static int rng_below(struct rng *r, int n)
{
    return n <= 1 ? 0 : (int)(rng_next(r) % (uint64_t)n);
}

static bool rng_chance(struct rng *r, int percent)
{
    return rng_below(r, 100) < percent;
}

#define PICK(r, arr) ((arr)[rng_below((r), (int)(sizeof(arr) / sizeof((arr)[0])))])

/* ---------------------------------------------------------------- helpers */

struct demo {
    struct store *s;
    const struct catalog *c;
    bc_day today;
    struct rng rng;
    char pin_hash[CRYPT_OUTPUT_SIZE];
    int64_t last_contact;   /* id of the contact written last (0: none yet) */
    int64_t generated;      /* generated accounts written so far */
};

/* An account's billing profile (SPEC §9): what its invoices say of it. */
struct profile {
    const char *street, *number, *postcode, *city, *province;
    const char *tax_code, *sdi_code, *pec;
};

/* `billing_contact` (0: none yet) is written with the account: the id its
 * billing contact will get, so that the contact's insert finds it set and
 * writes nothing more (generated accounts). */
static enum bc_status add_account(struct demo *d, const char *name, enum store_account_kind kind,
                                  const char *country, const char *currency, const char *vat,
                                  int64_t balance, int64_t billing_contact,
                                  const struct profile *p, int64_t *id)
{
    struct store_account a = {
        .name = (char *)name,
        .kind = kind,
        .vat_number = (char *)vat,
        .billing_contact_id = billing_contact,
        .street = (char *)p->street,
        .street_number = (char *)p->number,
        .postcode = (char *)p->postcode,
        .city = (char *)p->city,
        .province = (char *)p->province,
        .tax_code = (char *)p->tax_code,
        .sdi_code = (char *)p->sdi_code,
        .pec = (char *)p->pec,
    };
    snprintf(a.currency, sizeof a.currency, "%s", currency);
    snprintf(a.country, sizeof a.country, "%s", country);
    enum bc_status st = store_account_insert(d->s, &a);
    if (st != BC_OK)
        return st;
    *id = a.id;
    if (balance > 0)
        st = store_ledger_opening(d->s, a.id, balance);
    return st;
}

static enum bc_status add_contact(struct demo *d, int64_t account_id, const char *name,
                                  const char *email, enum store_contact_role role, bool pin)
{
    struct store_contact c = {
        .account_id = account_id,
        .name = (char *)name,
        .email = (char *)email,
        .role = role,
        .pin_hash = pin && d->pin_hash[0] ? d->pin_hash : NULL,
    };
    enum bc_status st = store_contact_insert(d->s, &c);
    if (st == BC_OK)
        d->last_contact = c.id;
    return st;
}

static enum bc_status add_users(struct demo *d, int64_t account_id, int n, const char *domain,
                                int64_t *ids)
{
    static const char *const first[] = {"Alex", "Sam", "Robin", "Kim", "Chris", "Jordan",
                                        "Taylor", "Morgan", "Jamie", "Casey", "Riley", "Dana"};
    static const char *const last[] = {"Moreau", "Romano", "Weber", "Clarke", "Sato", "Lopez",
                                       "Novak", "Jensen", "Costa", "Fischer", "Walsh", "Berg"};
    char names[DEMO_USERS_MAX][64], emails[DEMO_USERS_MAX][128];
    struct store_user u[DEMO_USERS_MAX];
    if (n > DEMO_USERS_MAX)
        return BC_INVALID_ARGUMENT;
    for (int i = 0; i < n; i++) {
        const char *f = PICK(&d->rng, first), *l = PICK(&d->rng, last);
        snprintf(names[i], sizeof names[i], "%s %s", f, l);
        snprintf(emails[i], sizeof emails[i], "user%d.%lld@%s", i + 1, (long long)account_id,
                 domain);
        u[i] = (struct store_user){.account_id = account_id, .name = names[i], .email = emails[i]};
    }
    enum bc_status st = store_users_insert(d->s, account_id, u, (size_t)n);
    for (int i = 0; st == BC_OK && i < n; i++)
        ids[i] = u[i].id;
    return st;
}

/* The named plan of a product (NULL when the catalog lacks it). */
static const struct catalog_plan *find_plan(const struct catalog *c, const char *product,
                                            const char *plan)
{
    const struct catalog_product *p = catalog_product(c, product);
    return p ? catalog_plan(p, plan) : NULL;
}

struct sub_spec {
    const char *product;
    const char *plan;
    int seats;
    enum bc_period period;
    int start_offset;          /* P0 = T - start_offset */
    bool trial_ended;
};

/* A subscription whose current period holds today, into *x (zeroed
 * first): BC_NOT_FOUND when the catalog has no such plan or price. */
static enum bc_status make_sub(struct demo *d, int64_t account_id, const char *currency,
                               const struct sub_spec *spec, struct store_subscription *x0)
{
    memset(x0, 0, sizeof *x0);
    const struct catalog_plan *plan = find_plan(d->c, spec->product, spec->plan);
    int64_t price = 0;
    if (!plan || !catalog_price(d->c, plan, currency, spec->period, &price))
        return BC_NOT_FOUND;
    int seats = spec->seats;
    if (seats < plan->seats_min)
        seats = plan->seats_min;
    if (seats > plan->seats_max)
        seats = plan->seats_max;
    struct store_subscription x = {
        .account_id = account_id,
        .product = (char *)spec->product,
        .plan = plan->id,
        .seats = seats,
        .period = spec->period,
        .status = STORE_SUB_ACTIVE,
    };
    if (spec->trial_ended) {
        /* A 30-day trial that ended two weeks ago: nothing billed. */
        x.status = STORE_SUB_TRIAL_ENDED;
        x.period_start = d->today - 44;
        x.period_end = d->today - 14;
        x.item_start = x.period_start;
        x.anchor_day = date_mday(x.period_start);
        x.billed = 0;
        x.price = 0;
    } else {
        int64_t billed;
        if (!money_mul(price, seats, &billed))
            return BC_OVERFLOW;
        x.period_start = d->today - spec->start_offset;
        x.anchor_day = date_mday(x.period_start);
        x.period_end = date_period_end(x.period_start, spec->period, x.anchor_day);
        x.item_start = x.period_start;
        x.billed = billed;
        x.price = price;
    }
    *x0 = x;
    return BC_OK;
}

/* Adds one such subscription; skipped (BC_OK, *id = 0) when the catalog
 * has no such plan or price. */
static enum bc_status add_sub(struct demo *d, int64_t account_id, const char *currency,
                              const struct sub_spec *spec, int64_t *id)
{
    struct store_subscription x;
    *id = 0;
    enum bc_status st = make_sub(d, account_id, currency, spec, &x);
    if (st == BC_NOT_FOUND)
        return BC_OK;
    if (st == BC_OK)
        st = store_subscription_insert(d->s, &x);
    if (st == BC_OK)
        *id = x.id;
    return st;
}

static enum bc_status assign(struct demo *d, int64_t sub_id, const int64_t *users, int n)
{
    return sub_id && n > 0 ? store_seats_assign(d->s, sub_id, users, (size_t)n) : BC_OK;
}

static enum bc_status set_card(struct demo *d, int64_t account_id, const char *brand,
                               const char *last4, int month, int year)
{
    struct store_card card = {.exp_month = month, .exp_year = year};
    snprintf(card.brand, sizeof card.brand, "%s", brand);
    snprintf(card.last4, sizeof card.last4, "%s", last4);
    return store_card_set(d->s, account_id, &card);
}

/* ---------------------------------------------------------------- showcase */

#define TRY(expr) do { st = (expr); if (st != BC_OK) return st; } while (0)

static enum bc_status showcase(struct demo *d)
{
    enum bc_status st;
    int64_t id, sub, users[12];

    /* 1: the SPEC §3 worked example, seen by its billing contact. */
    TRY(add_account(d, "Rossi Consulting S.r.l.", STORE_ACCOUNT_STANDARD, "IT", "EUR",
                    "IT00743110157", 2000, 0,
                    &(struct profile){"Via Torino", "12", "20123", "Milano", "MI",
                                      "00743110157", "KRRH6B9", NULL}, &id));
    TRY(add_contact(d, id, "Maria Rossi", "maria.rossi@example.it", STORE_ROLE_BILLING, true));
    TRY(add_contact(d, id, "Luca Bianchi", "luca.bianchi@example.it", STORE_ROLE_ADMIN, true));
    TRY(add_users(d, id, 6, "rossi-consulting.example.it", users));
    TRY(add_sub(d, id, "EUR", &(struct sub_spec){"gotomeeting", "professional", 5,
                                                 BC_PERIOD_MONTHLY, 15, false}, &sub));
    TRY(assign(d, sub, users, 3));
    TRY(add_sub(d, id, "EUR", &(struct sub_spec){"gotowebinar", "standard", 2,
                                                 BC_PERIOD_ANNUAL, 100, false}, &sub));
    TRY(set_card(d, id, "visa", "4242", 12, 2029));

    /* 2: corporate: shown, never changed here. */
    TRY(add_account(d, "Globex Corporation", STORE_ACCOUNT_CORPORATE, "US", "USD",
                    NULL, 0, 0, &(struct profile){"Globex Plaza", "1", "97401", "Cypress Creek",
                                                  NULL, NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Hank Scorpio", "hank.scorpio@globex.example.com", STORE_ROLE_BILLING, true));
    TRY(add_sub(d, id, "USD", &(struct sub_spec){"gotomeeting", "enterprise", 50,
                                                 BC_PERIOD_MONTHLY, 7, false}, &sub));

    /* 3: seats cannot go below the 8 assigned. */
    TRY(add_account(d, "Müller Technik GmbH", STORE_ACCOUNT_STANDARD, "DE", "EUR",
                    NULL, 0, 0, &(struct profile){"Königsallee", "27", "40212", "Düsseldorf",
                                                  NULL, NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Jonas Müller", "jonas.mueller@example.de", STORE_ROLE_BILLING, true));
    TRY(add_users(d, id, 9, "mueller-technik.example.de", users));
    TRY(add_sub(d, id, "EUR", &(struct sub_spec){"gotomeeting", "business", 10,
                                                 BC_PERIOD_MONTHLY, 20, false}, &sub));
    TRY(assign(d, sub, users, 8));

    /* 4: EU reverse charge. */
    TRY(add_account(d, "Dupont & Fils SARL", STORE_ACCOUNT_STANDARD, "FR", "EUR", "FR44732829320",
                    0, 0, &(struct profile){"rue de la Paix", "12", "75002", "Paris",
                                            NULL, NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Claire Dupont", "claire.dupont@example.fr", STORE_ROLE_BILLING, true));
    TRY(add_sub(d, id, "EUR", &(struct sub_spec){"gotowebinar", "pro", 2,
                                                 BC_PERIOD_MONTHLY, 3, false}, &sub));

    /* 5: outside the EU, no VAT. */
    TRY(add_account(d, "Acme Widgets Inc.", STORE_ACCOUNT_STANDARD, "US", "USD", NULL, 0, 0,
                    &(struct profile){"Road Runner Way", "1", "85001", "Phoenix",
                                      NULL, NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Wile Coyote", "wile.coyote@acme.example.com", STORE_ROLE_BILLING, true));
    TRY(add_users(d, id, 3, "acme.example.com", users));
    TRY(add_sub(d, id, "USD", &(struct sub_spec){"gotomeeting", "professional", 3,
                                                 BC_PERIOD_ANNUAL, 60, false}, &sub));
    TRY(assign(d, sub, users, 2));
    TRY(add_sub(d, id, "USD", &(struct sub_spec){"gototraining", "starter", 1,
                                                 BC_PERIOD_MONTHLY, 10, false}, &sub));

    /* 6: a currency without decimals. */
    TRY(add_account(d, "Tanaka Shoji K.K.", STORE_ACCOUNT_STANDARD, "JP", "JPY", NULL, 0, 0,
                    &(struct profile){"Marunouchi 1-1", "2", "100-0005", "Tokyo",
                                      NULL, NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Yuki Tanaka", "yuki.tanaka@example.jp", STORE_ROLE_BILLING, true));
    TRY(add_sub(d, id, "JPY", &(struct sub_spec){"gotomeeting", "business", 4,
                                                 BC_PERIOD_MONTHLY, 12, false}, &sub));

    /* 7: pounds, outside the EU VAT table. */
    TRY(add_account(d, "Brighton Books Ltd", STORE_ACCOUNT_STANDARD, "GB", "GBP", NULL, 0, 0,
                    &(struct profile){"North Laine", "14", "BN1 4AA", "Brighton",
                                      NULL, NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Oliver Brown", "oliver.brown@example.co.uk", STORE_ROLE_BILLING, true));
    TRY(add_sub(d, id, "GBP", &(struct sub_spec){"gotowebinar", "lite", 1,
                                                 BC_PERIOD_MONTHLY, 25, false}, &sub));

    /* 8: a trial that ended (Subscribe now) and unassigned seats. */
    TRY(add_account(d, "Verdi Formazione S.r.l.", STORE_ACCOUNT_STANDARD, "IT", "EUR",
                    NULL, 0, 0,
                    &(struct profile){"Via Garibaldi", "5", "10122", "Torino", "TO",
                                      "09876540015", NULL, "verdi.formazione@pec.example.it"},
                    &id));
    TRY(add_contact(d, id, "Giulia Verdi", "giulia.verdi@example.it", STORE_ROLE_BILLING, true));
    TRY(add_users(d, id, 2, "verdi-formazione.example.it", users));
    TRY(add_sub(d, id, "EUR", &(struct sub_spec){"gototraining", "starter", 1,
                                                 BC_PERIOD_MONTHLY, 0, true}, &sub));
    TRY(add_sub(d, id, "EUR", &(struct sub_spec){"gotomeeting", "professional", 10,
                                                 BC_PERIOD_MONTHLY, 5, false}, &sub));

    /* 9: a large credit balance; fewer seats leave more credit. */
    TRY(add_account(d, "Bianchi Studio", STORE_ACCOUNT_STANDARD, "IT", "EUR", NULL, 50000, 0,
                    &(struct profile){"Corso Buenos Aires", "3", "20124", "Milano", "MI",
                                      "BNCPLA80A01F205C", NULL, NULL}, &id));
    TRY(add_contact(d, id, "Paolo Bianchi", "paolo.bianchi@example.it", STORE_ROLE_BILLING, true));
    TRY(add_users(d, id, 2, "bianchi-studio.example.it", users));
    TRY(add_sub(d, id, "EUR", &(struct sub_spec){"gotomeeting", "business", 20,
                                                 BC_PERIOD_MONTHLY, 9, false}, &sub));
    TRY(assign(d, sub, users, 2));

    /* 10: German reverse charge. */
    TRY(add_account(d, "Schmidt Consulting", STORE_ACCOUNT_STANDARD, "DE", "EUR", "DE136464502",
                    0, 0, &(struct profile){"Leopoldstraße", "8", "80802", "München",
                                            NULL, NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Anna Schmidt", "anna.schmidt@example.de", STORE_ROLE_BILLING, true));
    TRY(add_users(d, id, 3, "schmidt-consulting.example.de", users));
    TRY(add_sub(d, id, "EUR", &(struct sub_spec){"gotomeeting", "professional", 3,
                                                 BC_PERIOD_MONTHLY, 18, false}, &sub));
    TRY(assign(d, sub, users, 1));
    return BC_OK;
}

/* ---------------------------------------------------------------- lifecycle */

/* A monthly subscription whose period ends on `p1` (its anchor p1's day),
 * billed at the catalog's price, in state `status`. */
static enum bc_status add_life_sub(struct demo *d, int64_t account_id, const char *product,
                                   const char *plan, int seats, bc_day p1,
                                   enum store_sub_status status, struct store_subscription *x)
{
    struct sub_spec spec = {product, plan, seats, BC_PERIOD_MONTHLY, 0, false};
    enum bc_status st = make_sub(d, account_id, "EUR", &spec, x);
    if (st != BC_OK)
        return st;
    x->anchor_day = date_mday(p1);
    x->period_start = x->item_start = date_add_months(p1, -1, x->anchor_day);
    x->period_end = p1;
    x->status = status;
    return BC_OK;
}

static enum bc_status lifecycle_showcase(struct demo *d)
{
    enum bc_status st;
    int64_t id;
    bc_day t = d->today;
    struct store_subscription x;

    /* past due: declined at P1 = T-2 and at the first retry. */
    TRY(add_account(d, "Ferri Servizi S.r.l.", STORE_ACCOUNT_STANDARD, "IT", "EUR", NULL, 0, 0,
                      &(struct profile){"Via Emilia", "88", "40125", "Bologna", "BO",
                                        "04512340151", "0000000", NULL}, &id));
    TRY(add_contact(d, id, "Luca Ferri", "luca.ferri@example.it", STORE_ROLE_BILLING, true));
    TRY(set_card(d, id, "visa", "0002", 6, 2030));
    TRY(add_life_sub(d, id, "gotomeeting", "professional", 2, t - 2, STORE_SUB_PAST_DUE, &x));
    x.past_due_since = t - 2;
    x.last_attempt = t - 1;
    TRY(store_subscription_insert(d->s, &x));

    /* suspended: the last retry failed. */
    TRY(add_account(d, "Costa Design Lda", STORE_ACCOUNT_STANDARD, "PT", "EUR", NULL, 0, 0,
                      &(struct profile){"Rua Augusta", "45", "1100-048", "Lisboa", NULL,
                                        NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Inês Costa", "ines.costa@example.pt", STORE_ROLE_BILLING, true));
    TRY(add_life_sub(d, id, "gotowebinar", "lite", 1, t - 10, STORE_SUB_SUSPENDED, &x));
    x.past_due_since = t - 10;
    x.last_attempt = t - 3;
    TRY(store_subscription_insert(d->s, &x));

    /* pending cancellation. */
    TRY(add_account(d, "Keller Logistik GmbH", STORE_ACCOUNT_STANDARD, "AT", "EUR", NULL, 0, 0,
                      &(struct profile){"Mariahilfer Straße", "10", "1070", "Wien", NULL,
                                        NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Eva Keller", "eva.keller@example.at", STORE_ROLE_BILLING, true));
    TRY(set_card(d, id, "visa", "4242", 6, 2030));
    TRY(make_sub(d, id, "EUR", &(struct sub_spec){"gotomeeting", "business", 3,
                                                 BC_PERIOD_MONTHLY, 20, false}, &x));
    x.auto_renew_off = true;
    TRY(store_subscription_insert(d->s, &x));

    /* a downgrade scheduled for the renewal. */
    TRY(add_account(d, "Walsh Media Ltd", STORE_ACCOUNT_STANDARD, "IE", "EUR", NULL, 0, 0,
                      &(struct profile){"Grafton Street", "21", "D02 XY45", "Dublin", NULL,
                                        NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Aoife Walsh", "aoife.walsh@example.ie", STORE_ROLE_BILLING, true));
    TRY(set_card(d, id, "visa", "4242", 6, 2030));
    TRY(make_sub(d, id, "EUR", &(struct sub_spec){"gotowebinar", "standard", 2,
                                                 BC_PERIOD_MONTHLY, 12, false}, &x));
    x.sched_plan = "lite";
    x.sched_seats = 2;
    x.sched_period = BC_PERIOD_MONTHLY;
    TRY(store_subscription_insert(d->s, &x));

    /* a trial that converts at its end (a card is on file). */
    TRY(add_account(d, "Novak Analytics", STORE_ACCOUNT_STANDARD, "NL", "EUR", NULL, 0, 0,
                      &(struct profile){"Keizersgracht", "100", "1015 CV", "Amsterdam", NULL,
                                        NULL, NULL, NULL}, &id));
    TRY(add_contact(d, id, "Pieter Novak", "pieter.novak@example.nl", STORE_ROLE_BILLING, true));
    TRY(set_card(d, id, "visa", "4242", 6, 2030));
    TRY(make_sub(d, id, "EUR", &(struct sub_spec){"gototraining", "starter", 1,
                                                 BC_PERIOD_MONTHLY, 20, false}, &x));
    x.status = STORE_SUB_TRIAL;
    x.period_end = t + 10;
    x.billed = 0;
    x.price = 0;
    TRY(store_subscription_insert(d->s, &x));

    /* renewed today from the credit balance. */
    TRY(add_account(d, "Moretti Studio", STORE_ACCOUNT_STANDARD, "IT", "EUR", NULL, 3000, 0,
                      &(struct profile){"Via Roma", "3", "50123", "Firenze", "FI",
                                        "07623450157", "0000000", NULL}, &id));
    TRY(add_contact(d, id, "Sara Moretti", "sara.moretti@example.it", STORE_ROLE_BILLING, true));
    TRY(add_life_sub(d, id, "gotomeeting", "professional", 1, t, STORE_SUB_ACTIVE, &x));
    TRY(store_subscription_insert(d->s, &x));
    return BC_OK;
}

/* ---------------------------------------------------------------- generated */

struct country_info {
    const char *country, *currency, *domain;
    const char *suffixes[2];
    int weight;
    const char *street, *postcode, *city;   /* the billing address of its accounts */
};

static const struct country_info countries[] = {
    {"IT", "EUR", "example.it", {"S.r.l.", "S.p.A."}, 22, "Via Roma", "20121", "Milano"},
    {"DE", "EUR", "example.de", {"GmbH", "AG"}, 16, "Hauptstraße", "10115", "Berlin"},
    {"FR", "EUR", "example.fr", {"SARL", "SAS"}, 10, "rue de Rivoli", "75001", "Paris"},
    {"ES", "EUR", "example.es", {"S.L.", "S.A."}, 6, "Calle Mayor", "28013", "Madrid"},
    {"NL", "EUR", "example.nl", {"B.V.", "N.V."}, 5, "Damrak", "1012 LG", "Amsterdam"},
    {"AT", "EUR", "example.at", {"GmbH", "KG"}, 3, "Kärntner Straße", "1010", "Wien"},
    {"IE", "EUR", "example.ie", {"Ltd", "DAC"}, 3, "Grafton Street", "D02 X285", "Dublin"},
    {"US", "USD", "example.com", {"Inc.", "LLC"}, 20, "Main Street", "62701", "Springfield"},
    {"GB", "GBP", "example.co.uk", {"Ltd", "plc"}, 10, "High Street", "SW1A 1AA", "London"},
    {"JP", "JPY", "example.jp", {"K.K.", "G.K."}, 5, "Ginza 4-chome", "104-0061", "Tokyo"},
};

/* A company's codice fiscale (its 11 digits, shaped as a partita IVA:
 * provincial office 001..099 and the Luhn check digit) from the n-th
 * generated account, without touching the random stream, so that the
 * figures of every generated account stay those of earlier demos. */
static void company_tax_code(int64_t n, char out[12])
{
    char body[32];
    int64_t k = n < 0 ? -n : n;
    snprintf(body, sizeof body, "%07lld%03d", (long long)(1000000 + k % 9000000), 1 + (int)(k % 99));
    int sum = 0;
    for (int i = 0; i < 10; i++) {
        int v = body[i] - '0';
        if (i % 2 == 1)
            v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        sum += v;
    }
    snprintf(out, 12, "%.10s%d", body, (10 - sum % 10) % 10);
}

static const struct country_info *pick_country(struct rng *r)
{
    int total = 0;
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
        total += countries[i].weight;
    int x = rng_below(r, total);
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++) {
        if (x < countries[i].weight)
            return &countries[i];
        x -= countries[i].weight;
    }
    return &countries[0];
}

static const char *const surnames[] = {
    "Rossi", "Ferrari", "Esposito", "Colombo", "Ricci", "Marino", "Greco", "Conti",
    "Schneider", "Fischer", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Klein",
    "Martin", "Bernard", "Durand", "Lefebvre", "Garcia", "Fernandez", "Lopez", "Jansen",
    "Smith", "Johnson", "Williams", "Miller", "Davis", "Wilson", "Taylor", "Anderson",
    "Evans", "Walker", "Wright", "Suzuki", "Takahashi", "Watanabe", "Ito", "Kelly",
};
static const char *const trades[] = {
    "Consulting", "Partners", "Logistics", "Design", "Systems", "Media", "Engineering",
    "Analytics", "Foods", "Legal", "Architects", "Travel", "Health", "Labs", "Studio",
    "Software", "Trading", "Energy", "Print", "Education",
};
static const char *const firsts[] = {
    "anna", "marco", "laura", "peter", "sophie", "james", "emma", "lucas", "sara", "david",
    "julia", "thomas", "elena", "paul", "nina", "hiro", "claire", "oliver", "chiara", "max",
};
static const char *const lasts[] = {
    "rossi", "weber", "martin", "smith", "garcia", "jansen", "sato", "byrne", "novak",
    "keller", "moretti", "dubois", "brown", "lopez", "fischer", "kelly", "costa", "berg",
};

/* A random VAT number that the country's check digits accept: random body,
 * then the check position is tried until vat.c accepts it. NULL when the
 * country is not one we generate numbers for. */
/* A VAT number of the shape and check characters vat.c accepts: Italian
 * numbers name a provincial office (001..100), French ones carry a SIREN
 * that passes Luhn. */
static bool make_vat(struct rng *r, const char *country, char *out, size_t size)
{
    char body[16] = {0};
    if (strcmp(country, "IT") == 0 || strcmp(country, "DE") == 0) {
        int len = strcmp(country, "IT") == 0 ? 10 : 8;
        for (int i = 0; i < len; i++)
            body[i] = (char)('0' + rng_below(r, 10));
        if (country[0] == 'D' && body[0] == '0')
            body[0] = '1';
        if (country[0] == 'I') {             /* office 001..099 */
            body[7] = '0';
            if (body[8] == '0' && body[9] == '0')
                body[9] = '1';
        }
        body[len] = '\0';
        for (int k = 0; k < 10; k++) {
            snprintf(out, size, "%s%s%d", country, body, k);
            if (vat_number_valid(country, out))
                return true;
        }
        return false;
    }
    if (strcmp(country, "FR") == 0) {
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            int d = (int)rng_below(r, 10);
            body[i] = (char)('0' + d);
            /* Luhn from the right: the check digit is position 0, so the
             * digits at odd distances from it are doubled. */
            if ((8 - i) % 2 == 1)
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        body[8] = (char)('0' + (10 - sum % 10) % 10);
        body[9] = '\0';
        for (int k = 0; k < 97; k++) {
            snprintf(out, size, "FR%02d%s", k, body);
            if (vat_number_valid(country, out))
                return true;
        }
    }
    return false;
}

static enum bc_status generated(struct demo *d)
{
    enum bc_status st;
    struct rng *r = &d->rng;
    const struct country_info *ci = pick_country(r);
    bool corporate = rng_chance(r, 5);
    char name[160], vat[32], cname[96], email[160];
    const char *vat_number = NULL;

    snprintf(name, sizeof name, "%s %s %s", PICK(r, surnames), PICK(r, trades),
             ci->suffixes[rng_below(r, 2)]);
    if (!corporate && rng_chance(r, 35) && make_vat(r, ci->country, vat, sizeof vat))
        vat_number = vat;
    int64_t balance = 0;
    if (!corporate && rng_chance(r, 15)) {
        /* 1..300 major units (yen: 150..45,000). */
        int64_t major = 1 + rng_below(r, 300);
        balance = money_exponent(ci->currency) == 0 ? major * 150 : major * 100;
    }
    /* Its billing profile comes from its place among the generated
     * accounts, not from the random stream. */
    int64_t nth = ++d->generated;
    char number[8], tax_code[12];
    snprintf(number, sizeof number, "%d", 1 + (int)(nth % 150));
    bool italy = strcmp(ci->country, "IT") == 0;
    if (italy && !vat_number)
        company_tax_code(nth, tax_code);
    struct profile prof = {ci->street, number, ci->postcode, ci->city, italy ? "MI" : NULL,
                           italy && !vat_number ? tax_code : NULL, NULL, NULL};
    /* The billing contact written next gets the next contact id (a new
     * rowid is the largest plus one): the account is written with it. */
    int64_t id, billing_contact = d->last_contact + 1;
    TRY(add_account(d, name, corporate ? STORE_ACCOUNT_CORPORATE : STORE_ACCOUNT_STANDARD,
                    ci->country, ci->currency, vat_number, balance, billing_contact, &prof, &id));

    const char *bf = PICK(r, firsts), *bl = PICK(r, lasts);
    snprintf(cname, sizeof cname, "%c%s %c%s", bf[0] - 32, bf + 1, bl[0] - 32, bl + 1);
    snprintf(email, sizeof email, "%s.%s.%lld@%s", bf, bl, (long long)id, ci->domain);
    TRY(add_contact(d, id, cname, email, STORE_ROLE_BILLING, false));
    if (d->last_contact != billing_contact)
        return BC_DB_ERROR;     /* not the id the account was written with */
    if (rng_chance(r, 30)) {
        const char *af = PICK(r, firsts), *al = PICK(r, lasts);
        snprintf(cname, sizeof cname, "%c%s %c%s", af[0] - 32, af + 1, al[0] - 32, al + 1);
        snprintf(email, sizeof email, "%s.%s.%lld.admin@%s", af, al, (long long)id, ci->domain);
        TRY(add_contact(d, id, cname, email, STORE_ROLE_ADMIN, false));
    }

    int64_t users[8];
    int nusers = rng_below(r, 7);
    TRY(add_users(d, id, nusers, ci->domain, users));

    /* 1-3 distinct products, written by one statement, then their seats. */
    const struct catalog *c = d->c;
    struct store_subscription subs[3];
    int held[3], nmade = 0;
    int nsubs = 1 + rng_below(r, 3);
    if ((size_t)nsubs > c->nproducts)
        nsubs = (int)c->nproducts;
    size_t first = c->nproducts ? (size_t)rng_below(r, (int)c->nproducts) : 0;
    for (int k = 0; k < nsubs; k++) {
        const struct catalog_product *p = &c->products[(first + (size_t)k) % c->nproducts];
        if (p->nplans == 0)
            continue;
        const struct catalog_plan *plan = &p->plans[corporate ? p->nplans - 1
                                                              : (size_t)rng_below(r, (int)p->nplans)];
        struct sub_spec spec = {
            .product = p->id,
            .plan = plan->id,
            .seats = corporate ? 20 + rng_below(r, 200) : 1 + rng_below(r, 12),
            .period = rng_chance(r, 70) ? BC_PERIOD_MONTHLY : BC_PERIOD_ANNUAL,
            .trial_ended = !corporate && rng_chance(r, 4),
        };
        spec.start_offset = spec.period == BC_PERIOD_MONTHLY ? rng_below(r, 28) : rng_below(r, 360);
        if (spec.seats < plan->seats_min)
            spec.seats = plan->seats_min;
        if (spec.seats > plan->seats_max)
            spec.seats = plan->seats_max;
        st = make_sub(d, id, ci->currency, &spec, &subs[nmade]);
        if (st == BC_NOT_FOUND)
            continue;
        if (st != BC_OK)
            return st;
        held[nmade] = 0;
        if (!spec.trial_ended && nusers > 0) {
            int n = rng_below(r, nusers + 1);
            held[nmade] = n > spec.seats ? spec.seats : n;
        }
        nmade++;
    }
    TRY(store_subscriptions_insert(d->s, subs, (size_t)nmade));
    for (int k = 0; k < nmade; k++)
        TRY(assign(d, subs[k].id, users, held[k]));
    if (!corporate && rng_chance(r, 50)) {
        char last4[5];
        snprintf(last4, sizeof last4, "%04d", rng_below(r, 10000));
        TRY(set_card(d, id, rng_chance(r, 60) ? "visa" : "mastercard", last4,
                     1 + rng_below(r, 12), 2027 + rng_below(r, 5)));
    }
    return BC_OK;
}

/* ---------------------------------------------------------------- driver */

static void hash_demo_pin(struct demo *d)
{
    /* One hash of PIN 1234 serves every showcase contact: hashing is slow
     * on purpose, and these are demo people. */
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data *cd = calloc(1, sizeof *cd);
    d->pin_hash[0] = '\0';
    if (!cd)
        return;
    if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt)) {
        const char *h = crypt_rn("1234", salt, cd, sizeof *cd);
        if (h && h[0] != '*')
            snprintf(d->pin_hash, sizeof d->pin_hash, "%s", h);
    }
    free(cd);
}

enum bc_status demo_lifecycle(struct store *s, const struct catalog *c, bc_day today)
{
    if (!s || !c)
        return BC_INVALID_ARGUMENT;
    struct demo *d = calloc(1, sizeof *d);
    if (!d)
        return BC_NO_MEMORY;
    d->s = s;
    d->c = c;
    d->today = today;
    d->rng.s = DEMO_SEED;
    hash_demo_pin(d);
    enum bc_status st = store_begin(s);
    if (st == BC_OK) {
        st = lifecycle_showcase(d);
        if (st == BC_OK)
            st = store_commit(s);
        else
            store_rollback(s);
    }
    free(d);
    return st;
}

enum bc_status demo_generate(struct store *s, const struct catalog *c, bc_day today, int64_t n,
                             demo_progress_fn progress, void *ctx)
{
    if (!s || !c || n < 0)
        return BC_INVALID_ARGUMENT;
    struct demo *d = calloc(1, sizeof *d);
    if (!d)
        return BC_NO_MEMORY;
    d->s = s;
    d->c = c;
    d->today = today;
    d->rng.s = DEMO_SEED;
    hash_demo_pin(d);

    /* Bulk mode (see store_bulk_load): a failed write below leaves the whole
     * open transaction to be rolled back, which the error path does. */
    enum bc_status st = store_bulk_load(s, true);
    if (st == BC_OK)
        st = store_begin(s);
    int64_t done = 0;
    if (st == BC_OK && n > 0) {
        st = showcase(d);
        done = n < DEMO_SHOWCASE ? n : DEMO_SHOWCASE;
    }
    while (st == BC_OK && done < n) {
        st = generated(d);
        done++;
        if (st == BC_OK && done % DEMO_BATCH == 0) {
            st = store_commit(s);
            if (st == BC_OK)
                st = store_begin(s);
        }
        /* n itself is told once, after the final sorts and checks. */
        if (st == BC_OK && progress && done % 1000 == 0 && done < n)
            progress(ctx, done, n);
    }
    if (st == BC_OK)
        st = store_commit(s);
    else
        store_rollback(s);
    enum bc_status off = store_bulk_load(s, false);
    if (st == BC_OK)
        st = off;
    if (st == BC_OK && progress)
        progress(ctx, n, n);
    free(d);
    return st;
}
