/* cli_lifecycle.c — the command line of SPEC §8's subscription life:
 * `renew` (the daily run), `subscription cancel|reactivate|schedule|
 * unschedule|pay`, `events` and `events deliver`. The rules are
 * lifecycle.h's; here options become calls, and outcomes become lines (or
 * the JSON §8 names) and the exit codes of §6. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_cmd.h"
#include "cli_json.h"
#include "lifecycle.h"
#include "money.h"

/* How long the events command may take over one event. */
#define EVENTS_COMMAND_TIMEOUT_MS 30000
/* Events read from the store at a time by `events deliver`. */
#define EVENTS_BATCH 100

static void format_money(const struct cli *c, char *buf, size_t size, int64_t amount,
                         const char *currency)
{
    money_format(buf, size, amount, currency,
                 strcmp(c->lang, "it") == 0 ? MONEY_STYLE_IT : MONEY_STYLE_EN, !cli_utf8());
}

static const char *outcome_words(enum lifecycle_outcome o)
{
    switch (o) {
    case LIFECYCLE_RENEWED: return _("renewed");
    case LIFECYCLE_PAST_DUE: return _("past due");
    case LIFECYCLE_SUSPENDED: return _("suspended");
    case LIFECYCLE_CANCELED: return _("canceled");
    case LIFECYCLE_TRIAL_ENDED: return _("trial ended");
    case LIFECYCLE_SKIPPED: return _("nothing to do today");
    }
    return "?";
}

/* ---------------------------------------------------------------- renew */

/* renew --json's object (SPEC §8), with exactly its fields. */
static json_t *report_json(const struct lifecycle_report *r)
{
    json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:s}", "account", (json_int_t)r->account_id,
                          "product", r->product, "period_start", cli_json_day(r->period_start),
                          "period_end", cli_json_day(r->period_end),
                          "outcome", lifecycle_outcome_name(r->outcome));
    if (!o)
        return NULL;
    json_object_set_new(o, "order_id", r->order_id ? json_integer(r->order_id) : json_null());
    json_object_set_new(o, "document", r->document[0] ? json_string(r->document) : json_null());
    json_object_set_new(o, "due_minor", json_integer(r->due));
    json_object_set_new(o, "balance_applied_minor", json_integer(r->balance_applied));
    return o;
}

static void print_report_text(const struct cli *c, const struct lifecycle_report *r)
{
    char d0[11], d1[11], due[64], applied[64];
    date_format(r->period_start, d0);
    date_format(r->period_end, d1);
    printf(_("Account %lld, %s, %s .. %s: %s"), (long long)r->account_id, r->product, d0, d1,
           outcome_words(r->outcome));
    if (r->outcome == LIFECYCLE_RENEWED) {
        format_money(c, due, sizeof due, r->due, r->currency);
        format_money(c, applied, sizeof applied, r->balance_applied, r->currency);
        if (r->order_id)
            printf(_(" (order %lld%s)"), (long long)r->order_id,
                   r->replayed ? _(", placed before") : "");
        printf(_(", charged %s, from the balance %s"), due, applied);
    } else if (r->outcome == LIFECYCLE_PAST_DUE || r->outcome == LIFECYCLE_SUSPENDED ||
               r->outcome == LIFECYCLE_TRIAL_ENDED) {
        printf(" (%s)", r->reason);
        if (r->next_retry) {
            date_format(r->next_retry, d0);
            printf(_(", next attempt %s"), d0);
        }
    } else if (r->outcome == LIFECYCLE_SKIPPED && strcmp(r->reason, "corporate_account") == 0) {
        printf("%s", _(" (a corporate account: billed in the Corporate Billing Portal)"));
    } else if (r->outcome == LIFECYCLE_SKIPPED && r->status != BC_OK) {
        printf(" (%s)", _(bc_status_message(r->status)));
    } else if (r->outcome == LIFECYCLE_SKIPPED && r->next_retry) {
        date_format(r->next_retry, d0);
        printf(_(" (next attempt %s)"), d0);
    }
    putchar('\n');
    /* The check a reverse charge rests on, or VIES's "not valid". */
    cli_print_vat_check("  ", &r->vat_check);
}

struct renew_out {
    const struct cli *c;
    json_t *rows;     /* --json: collected */
    int counts[LIFECYCLE_SKIPPED + 1];
    bool failed;
};

static void renew_row(void *ctx, const struct lifecycle_report *r)
{
    struct renew_out *ro = ctx;
    if ((unsigned)r->outcome <= LIFECYCLE_SKIPPED)
        ro->counts[r->outcome]++;
    if (ro->rows) {
        json_t *j = report_json(r);
        if (!j || json_array_append_new(ro->rows, j) != 0)
            ro->failed = true;
        return;
    }
    print_report_text(ro->c, r);
}

int cli_cmd_renew(struct cli *c)
{
    int64_t account_id = 0;
    if (c->opt[CLI_OPT_ACCOUNT] && !cli_parse_id("--account", c->opt[CLI_OPT_ACCOUNT], &account_id))
        return CLI_EXIT_USAGE;
    int rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (account_id) {
        struct store_account a;
        rc = cli_load_account(c, account_id, &a);
        store_account_clear(&a);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    bool dry = c->opt[CLI_OPT_DRY_RUN] != NULL;
    struct renew_out ro = {.c = c};
    if (c->json && !(ro.rows = json_array()))
        return cli_status(BC_NO_MEMORY, NULL);
    enum bc_status st = billing_renew(&c->billing, account_id, dry, renew_row, &ro);
    if (bc_status_is_refusal(st)) {
        json_decref(ro.rows);
        return cli_status(st, "renew");
    }
    if (ro.rows) {
        if (ro.failed) {
            json_decref(ro.rows);
            return cli_status(BC_NO_MEMORY, NULL);
        }
        if (!cli_json_print(ro.rows))
            return cli_status(BC_IO_ERROR, "standard output");
    } else {
        if (dry)
            printf("%s\n", _("Dry run: nothing was charged or written."));
        printf(_("Renewed: %d, past due: %d, suspended: %d, canceled: %d, trials ended: %d.\n"),
               ro.counts[LIFECYCLE_RENEWED], ro.counts[LIFECYCLE_PAST_DUE],
               ro.counts[LIFECYCLE_SUSPENDED], ro.counts[LIFECYCLE_CANCELED],
               ro.counts[LIFECYCLE_TRIAL_ENDED]);
    }
    if (st != BC_OK)
        return cli_status(st, "renew");
    return CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- subscription */

/* --account and --product: the account's subscription to the product. */
static int find_subscription(struct cli *c, int64_t *account_id, struct store_subscription *out)
{
    const char **o = c->opt;
    memset(out, 0, sizeof *out);
    if (!o[CLI_OPT_ACCOUNT])
        return cli_usage_error(c, "--account is required");
    if (!o[CLI_OPT_PRODUCT])
        return cli_usage_error(c, "--product is required");
    if (!cli_parse_id("--account", o[CLI_OPT_ACCOUNT], account_id))
        return CLI_EXIT_USAGE;
    int rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    struct store_account a;
    rc = cli_load_account(c, *account_id, &a);
    store_account_clear(&a);
    if (rc != CLI_EXIT_OK)
        return rc;
    struct store_subscription_list subs = {0};
    enum bc_status st = store_subscriptions(c->store, *account_id, &subs);
    if (st != BC_OK)
        return cli_status(st, "subscriptions");
    size_t found = subs.n;
    for (size_t i = 0; i < subs.n; i++)
        if (strcmp(subs.items[i].product, o[CLI_OPT_PRODUCT]) == 0)
            found = i;
    if (found == subs.n) {
        store_subscription_list_clear(&subs);
        return cli_error(_("account %lld has no subscription to '%s'"), (long long)*account_id,
                         o[CLI_OPT_PRODUCT]);
    }
    *out = subs.items[found];
    memset(&subs.items[found], 0, sizeof subs.items[found]);
    store_subscription_list_clear(&subs);
    return CLI_EXIT_OK;
}

/* The subscription as it is after an action, in words or as JSON. */
static int print_subscription(struct cli *c, int64_t account_id, int64_t id)
{
    struct store_subscription x;
    enum bc_status st = store_subscription_get(c->store, id, &x);
    if (st != BC_OK)
        return cli_status(st, "subscription");
    int rc = CLI_EXIT_OK;
    if (c->json) {
        json_t *j = cli_json_subscription(&x);
        if (j)
            json_object_set_new(j, "account", json_integer(account_id));
        if (!cli_json_print(j))
            rc = cli_status(BC_IO_ERROR, "standard output");
        store_subscription_clear(&x);
        return rc;
    }
    struct renewal_sub r;
    char d1[11];
    date_format(x.period_end, d1);
    bool known = lifecycle_renewal_sub(&x, &r);
    printf(_("Account %lld, %s: "), (long long)account_id, x.product);
    if (!known)
        printf("%s", "?");
    else if (r.state == RENEWAL_ACTIVE && !r.auto_renew)
        printf(_("pending cancellation, ends on %s"), d1);
    else if (r.state == RENEWAL_ACTIVE || r.state == RENEWAL_TRIAL)
        printf(_("%s, renews on %s"), r.state == RENEWAL_TRIAL ? _("trial") : _("active"), d1);
    else if (r.state == RENEWAL_PAST_DUE)
        printf(_("past due since %s"), d1);
    else if (r.state == RENEWAL_SUSPENDED)
        printf("%s", _("suspended: service off until paid"));
    else if (r.state == RENEWAL_CANCELED)
        printf(_("canceled on %s"), d1);
    else
        printf("%s", _("trial ended"));
    if (x.sched_plan) {
        printf(_("; at the renewal: %s, "), x.sched_plan);
        printf(ngettext("%d seat", "%d seats", (unsigned long)x.sched_seats), x.sched_seats);
        printf(", %s", x.sched_period == BC_PERIOD_ANNUAL ? _("Annual") : _("Monthly"));
    }
    printf(".\n");
    store_subscription_clear(&x);
    return rc;
}

typedef enum bc_status (*sub_action_fn)(struct billing *b, int64_t account_id,
                                        int64_t subscription_id);

static int run_action(struct cli *c, sub_action_fn fn)
{
    int64_t account_id = 0;
    struct store_subscription x;
    int rc = find_subscription(c, &account_id, &x);
    if (rc != CLI_EXIT_OK)
        return rc;
    int64_t id = x.id;
    store_subscription_clear(&x);
    enum bc_status st = fn(&c->billing, account_id, id);
    if (st != BC_OK)
        return cli_status(st, NULL);
    return print_subscription(c, account_id, id);
}

int cli_cmd_subscription_cancel(struct cli *c)
{
    return run_action(c, billing_subscription_cancel);
}

int cli_cmd_subscription_reactivate(struct cli *c)
{
    return run_action(c, billing_subscription_reactivate);
}

int cli_cmd_subscription_unschedule(struct cli *c)
{
    return run_action(c, billing_subscription_unschedule);
}

int cli_cmd_subscription_schedule(struct cli *c)
{
    const char **o = c->opt;
    if (!o[CLI_OPT_TO_PLAN] && !o[CLI_OPT_TO_SEATS] && !o[CLI_OPT_TO_PERIOD])
        return cli_usage_error(c, "give what changes at the renewal: --to-plan, --to-seats or --to-period");
    int64_t account_id = 0;
    struct store_subscription x;
    int rc = find_subscription(c, &account_id, &x);
    if (rc != CLI_EXIT_OK)
        return rc;
    struct renewal_terms to;
    memset(&to, 0, sizeof to);
    const char *plan = o[CLI_OPT_TO_PLAN] ? o[CLI_OPT_TO_PLAN] : x.plan;
    if (strlen(plan) >= sizeof to.plan) {
        store_subscription_clear(&x);
        return cli_error("--to-plan: no such plan");
    }
    snprintf(to.plan, sizeof to.plan, "%s", plan);
    to.seats = x.seats;
    to.period = x.period;
    int64_t id = x.id;
    const struct catalog_product *p = catalog_product(c->catalog, x.product);
    if (p && !catalog_plan(p, to.plan))
        rc = cli_error("--to-plan: product '%s' has no plan '%s'", x.product, to.plan);
    store_subscription_clear(&x);
    if (rc != CLI_EXIT_OK)
        return rc;
    if ((o[CLI_OPT_TO_SEATS] &&
         !cli_parse_int("--to-seats", o[CLI_OPT_TO_SEATS], 0, 1000000000, &to.seats)) ||
        (o[CLI_OPT_TO_PERIOD] && !cli_parse_period("--to-period", o[CLI_OPT_TO_PERIOD], &to.period)))
        return CLI_EXIT_USAGE;
    enum bc_status st = billing_subscription_schedule(&c->billing, account_id, id, &to);
    if (st != BC_OK)
        return cli_status(st, NULL);
    return print_subscription(c, account_id, id);
}

int cli_cmd_subscription_pay(struct cli *c)
{
    const char **o = c->opt;
    if ((o[CLI_OPT_CARD] != NULL) != (o[CLI_OPT_CARD_EXP] != NULL))
        return cli_usage_error(c, "--card and --card-exp go together");
    int64_t account_id = 0;
    struct store_subscription x;
    int rc = find_subscription(c, &account_id, &x);
    if (rc != CLI_EXIT_OK)
        return rc;
    int64_t id = x.id;
    store_subscription_clear(&x);
    struct billing_payment pay = {.card_number = o[CLI_OPT_CARD], .card_expiry = o[CLI_OPT_CARD_EXP]};
    struct lifecycle_report r;
    enum bc_status st = billing_subscription_pay(&c->billing, account_id, id, &pay, &r);
    if (st == BC_PAYMENT_DECLINED && r.reason[0])
        fprintf(stderr, "billcenter: %s (%s)\n", _(bc_status_message(st)), r.reason);
    else if (st == BC_VAT_NUMBER_REJECTED)
        fprintf(stderr, "billcenter: %s (%s%s%s)\n", _(bc_status_message(st)),
                r.vat_check.vat_number, r.vat_check.consultation[0] ? ", VIES consultation " : "",
                r.vat_check.consultation);
    else if (st != BC_OK)
        return cli_status(st, NULL);
    if (st != BC_OK)
        return CLI_EXIT_REFUSED;
    if (c->json)
        return cli_json_print(report_json(&r)) ? CLI_EXIT_OK
                                               : cli_status(BC_IO_ERROR, "standard output");
    print_report_text(c, &r);
    return CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- events */

static json_t *iso_time(int64_t at)
{
    char buf[32];
    struct tm tm;
    time_t t = (time_t)at;
    if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_integer(at);
    return json_string(buf);
}

/* One event as `events --json` lists it and `events deliver` hands it on:
 * id, at (UTC), type, account_id, subscription_id (or null), payload. */
static json_t *event_json(const struct store_event *e, bool with_delivery)
{
    json_t *payload = json_loads(e->payload, 0, NULL);
    json_t *o = json_pack("{s:I, s:o, s:s, s:o, s:o, s:o}", "id", (json_int_t)e->id,
        "at", iso_time(e->at), "type", e->type,
        "account_id", e->account_id ? json_integer(e->account_id) : json_null(),
        "subscription_id", e->subscription_id ? json_integer(e->subscription_id) : json_null(),
        "payload", payload ? payload : json_string(e->payload));
    if (o && with_delivery)
        json_object_set_new(o, "delivered_at", e->delivered_at ? iso_time(e->delivered_at)
                                                               : json_null());
    return o;
}

/* Payloads come from the store; control bytes are not for the terminal. */
static void put_clean(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

int cli_cmd_events(struct cli *c)
{
    int64_t after = 0;
    if (c->opt[CLI_OPT_AFTER] && strcmp(c->opt[CLI_OPT_AFTER], "0") != 0 &&
        !cli_parse_id("--after", c->opt[CLI_OPT_AFTER], &after))
        return CLI_EXIT_USAGE;
    int rc = cli_open_actor(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    json_t *rows = c->json ? json_array() : NULL;
    if (c->json && !rows)
        return cli_status(BC_NO_MEMORY, NULL);
    size_t shown = 0;
    for (;;) {
        struct store_event_list l = {0};
        enum bc_status st = store_events(c->store, after, false, EVENTS_BATCH, &l);
        if (st != BC_OK) {
            json_decref(rows);
            return cli_status(st, "events");
        }
        for (size_t i = 0; i < l.n; i++) {
            const struct store_event *e = &l.items[i];
            if (rows) {
                json_array_append_new(rows, event_json(e, true));
                continue;
            }
            json_t *at = iso_time(e->at);
            printf("%-6lld %s  %-24s", (long long)e->id, json_string_value(at), e->type);
            json_decref(at);
            if (e->account_id)
                printf(_(" account %lld"), (long long)e->account_id);
            printf("  %s\n       ", e->delivered_at ? _("delivered") : _("not delivered"));
            put_clean(e->payload);
            putchar('\n');
        }
        shown += l.n;
        if (l.n > 0)
            after = l.items[l.n - 1].id;
        bool more = l.n == EVENTS_BATCH;
        store_event_list_clear(&l);
        if (!more)
            break;
    }
    if (rows)
        return cli_json_print(rows) ? CLI_EXIT_OK : cli_status(BC_IO_ERROR, "standard output");
    if (shown == 0)
        printf("%s\n", _("No events."));
    return CLI_EXIT_OK;
}

/* Runs `command` with /bin/sh -c, `text` on its standard input and its
 * standard output sent to ours for errors; its exit status, or -1 when it
 * could not run, died or outlived the timeout (killed with its group). */
static int run_receiver(const char *command, const char *text)
{
    int in[2];
    if (pipe2(in, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(in[0], STDIN_FILENO);
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    close(in[0]);
    /* A receiver that does not read all of it must not kill us. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = write(in[1], text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    if (off == len)
        (void)!write(in[1], "\n", 1);
    close(in[1]);
    sigaction(SIGPIPE, &old, NULL);
    int status = 0;
    for (int waited = 0;; waited += 10) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        if (waited >= EVENTS_COMMAND_TIMEOUT_MS) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return -1;
        }
        struct timespec pause = {0, 10000000L};
        nanosleep(&pause, NULL);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cli_cmd_events_deliver(struct cli *c)
{
    int rc = cli_open_billing(c);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (c->billing.actor.kind == BILLING_ACTOR_OPERATOR &&
        c->billing.actor.op_role == STORE_OP_READONLY)
        return cli_status(BC_READONLY_OPERATOR, "events deliver");
    const char *command = c->catalog->events_command;
    if (!command || !*command)
        return cli_error(_("%s: the catalog names no events command (events: {command: ...} in "
                           "catalog.yaml)"), c->catalog_dir);
    int64_t after = 0, failed = 0;
    int delivered = 0, exit_status = 0;
    enum bc_status st = BC_OK;
    while (st == BC_OK && !failed) {
        struct store_event_list l = {0};
        st = store_events(c->store, after, true, EVENTS_BATCH, &l);
        for (size_t i = 0; st == BC_OK && i < l.n; i++) {
            const struct store_event *e = &l.items[i];
            json_t *j = event_json(e, false);
            char *text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
            json_decref(j);
            if (!text) {
                st = BC_NO_MEMORY;
                break;
            }
            exit_status = run_receiver(command, text);
            free(text);
            if (exit_status != 0) {
                failed = e->id;   /* in order: those after it wait for it */
                break;
            }
            st = store_event_delivered(c->store, e->id, (int64_t)time(NULL));
            if (st == BC_OK)
                delivered++;
            after = e->id;
        }
        bool more = l.n == EVENTS_BATCH;
        store_event_list_clear(&l);
        if (!more)
            break;
    }
    if (st != BC_OK)
        return cli_status(st, "events deliver");
    if (c->json) {
        json_t *o = json_pack("{s:i, s:o}", "delivered", delivered,
                              "failed_id", failed ? json_integer(failed) : json_null());
        if (!cli_json_print(o))
            return cli_status(BC_IO_ERROR, "standard output");
    } else {
        printf(ngettext("Delivered %d event.\n", "Delivered %d events.\n", (unsigned long)delivered),
               delivered);
    }
    if (failed) {
        if (exit_status < 0)
            cli_error(_("event %lld was not delivered (the events command did not finish); it and "
                        "the events after it are tried again on the next run"), (long long)failed);
        else
            cli_error(_("event %lld was not delivered (the events command exited %d); it and the "
                        "events after it are tried again on the next run"), (long long)failed,
                      exit_status);
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}
