/* SPDX-License-Identifier: Apache-2.0 */
/* cli/audit: `crawlpack audit URL` (or --root DIR --site-url URL) crawls the site with every crawl
 * option, analyses the link graph, runs every audit rule, and writes the crawl's files plus the
 * findings in each --format to --out; then prints the findings by cause, worst first. Exit 1 when a
 * finding (a new one, with --baseline) reaches --fail-on. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit_run.h"
#include "cli/audit_cli.h"
#include "cli/cli.h"
#include "cli/config_file.h"
#include "cli/crawl_options.h"
#include "cli/resume.h"
#include "common/error.h"
#include "findings/cause.h"
#include "findings/finding_filter.h"
#include "findings/findings.h"
#include "linkgraph/audit.h"
#include "reports/baseline.h"
#include "reports/render.h"
#include "reports/report_context.h"

static const char usage_head[] =
    "Usage: crawlpack audit URL [options]\n"
    "       crawlpack audit --root DIR --site-url URL [options]\n\n"
    "Crawl a site, cross-check its links, sitemaps, robots.txt, canonicals and noindex, and write\n"
    "OUT/pages.csv, links.csv, crawl.json, the findings (findings.json and findings.csv by\n"
    "default) and report.html. Prints the findings by cause, worst first. Rules: crawlpack rules;\n"
    "when each one fires: docs/audit.md.\n\n"
    "Audit:\n"
    "      --format LIST          comma list of text,json,csv,junit,sarif,codequality,md,html\n"
    "                             (default: json,csv,html); each is written to OUT/findings.EXT\n"
    "                             (codequality: GitLab's code quality report); md is the Improvement\n"
    "                             Pack, OUT/pack.md; html is OUT/report.html, the report to open in a\n"
    "                             browser (with md or html, findings.json is written too)\n"
    "      --intake FILE          the pack's intake (docs/intake.md); implies --format md\n"
    "      --previous DIR         an earlier audit's OUT, for the pack's URL-growth row\n"
    "      --out -                with exactly one --format: the findings on stdout, the summary\n"
    "                             on stderr, no files\n"
    "      --fail-on LEVEL        exit 1 when a finding reaches LEVEL: error (default), warning,\n"
    "                             notice or never\n"
    "      --baseline FILE        a previous findings.json: only new findings count for --fail-on\n"
    "      --fail-on-existing     with --baseline, existing findings count too\n"
    "      --max-click-depth N    deep-page above N clicks from the start (default: 3)\n"
    "      --max-findings-per-rule N  findings listed per rule and cause, ten times N per rule; one\n"
    "                             findings-capped finding counts the rest (default: 10000)\n"
    "      --config FILE          options, rule severities, ignore entries from a YAML file\n"
    "                             (default: .crawlpack.yml when present; docs/config.md)\n"
    "      --no-config            do not read .crawlpack.yml\n"
    "      --resume               continue the store's last unfinished audit (killed or interrupted;\n"
    "                             --db FILE or --out DIR names the store) with the options it was\n"
    "                             started with: pages already stored are not fetched again\n\n";

static const char usage_tail[] =
    "  -h, --help                 show this help\n\n"
    "Exit status: 0 no finding reaches --fail-on, 1 findings do, 2 usage error, 3 runtime failure,\n"
    "130 interrupted (Ctrl-C: what was crawled is still audited and written).\n";

enum {
    OPT_FORMAT = 512,
    OPT_FAIL_ON,
    OPT_BASELINE,
    OPT_FAIL_ON_EXISTING,
    OPT_MAX_CLICK_DEPTH,
    OPT_INTAKE,
    OPT_PREVIOUS,
    OPT_MAX_FINDINGS,
    OPT_CONFIG,
    OPT_NO_CONFIG,
    OPT_RESUME,
};

static const struct option audit_options[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"fail-on-existing", no_argument, NULL, OPT_FAIL_ON_EXISTING},
    {"max-click-depth", required_argument, NULL, OPT_MAX_CLICK_DEPTH},
    {"intake", required_argument, NULL, OPT_INTAKE},
    {"previous", required_argument, NULL, OPT_PREVIOUS},
    {"max-findings-per-rule", required_argument, NULL, OPT_MAX_FINDINGS},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"help", no_argument, NULL, 'h'},
};

/* At most this many options are recorded for findings.json's run.options. */
#define RECORDED_OPTIONS_MAX 256

struct audit_cli {
    struct crawl_cli crawl;
    const char *formats;
    enum severity fail_on;
    bool fail_on_existing;
    const char *baseline_path;
    const char *intake_path;
    const char *previous_dir;
    bool write_pack; /* --format md or --intake */
    uint32_t max_click_depth;
    struct report_option recorded[RECORDED_OPTIONS_MAX];
    size_t recorded_count;
    struct finding_filter filter;             /* rules off, ignore entries */
    struct config_file config;                /* --config FILE or .crawlpack.yml; empty when none */
    char *config_notes[RECORDED_OPTIONS_MAX]; /* owned texts of recorded rule and ignore settings */
    size_t config_note_count;
};

/* ---- exact modes ---- */

/* Besides the rules any partial crawl skips (audit_whole_graph_rules), an exact mode cannot judge
 * click depth (pages are seeds, not reached by links), dead ends (link targets are never in scope)
 * or hreflang return links (alternates are not fetched). */
static const enum rule_id exact_mode_rules[] = {RULE_DEEP_PAGE, RULE_DEAD_END, RULE_HREFLANG_NO_RETURN};
#define WHOLE_GRAPH_REASON "needs the whole link graph"

/* Call with each rule an exact mode does not run, in the order the summary names them. */
static void for_each_exact_mode_skip(void (*visit)(enum rule_id rule, void *context), void *context)
{
    size_t count;
    const enum rule_id *rules = audit_whole_graph_rules(&count);
    for (size_t i = 0; i < count; i++)
        visit(rules[i], context);
    for (size_t i = 0; i < sizeof exact_mode_rules / sizeof exact_mode_rules[0]; i++)
        visit(exact_mode_rules[i], context);
}

static void switch_off(enum rule_id rule, void *filter)
{
    finding_filter_rule_off(filter, rule, WHOLE_GRAPH_REASON);
}

static void print_rule_id(enum rule_id rule, void *out)
{
    fprintf(out, " %s", rule_get(rule)->id);
}

static bool exact_mode(const struct audit_cli *cli)
{
    return cli->crawl.crawl.list_count > 0 || cli->crawl.crawl.sitemap_only;
}

static void skip_whole_graph_rules(struct audit_cli *cli)
{
    if (!exact_mode(cli))
        return;
    for_each_exact_mode_skip(switch_off, &cli->filter);
}

/* The summary says what was not judged, and why. */
static void print_skipped_rules(const struct audit_cli *cli, FILE *out)
{
    if (!exact_mode(cli))
        return;
    fprintf(out, "%s: rules that need the whole link graph were not run:",
            cli->crawl.crawl.list_count ? "--list" : "--sitemap-only");
    for_each_exact_mode_skip(print_rule_id, out);
    fputc('\n', out);
}

/* ---- options ---- */

/* "md" is the pack, not a findings rendering: it is handled by write_pack. */
static bool is_pack_format(const char *name, size_t length)
{
    return length == 2 && memcmp(name, "md", 2) == 0;
}

/* "html" is report.html, read back from the output folder (audit_run). */
static bool is_html_format(const char *name, size_t length)
{
    return length == 4 && memcmp(name, "html", 4) == 0;
}

static int check_formats(struct audit_cli *cli, const char *value)
{
    size_t length = strlen(value), count = 0;
    for (size_t start = 0; start <= length;) {
        size_t end = start + strcspn(value + start, ",");
        char name[32];
        if (end - start == 0 || end - start >= sizeof name)
            return cli_usage_error("audit", "--format takes a comma list of %s, not '%s'", render_format_names(),
                                   value);
        memcpy(name, value + start, end - start);
        name[end - start] = '\0';
        if (is_pack_format(name, end - start))
            cli->write_pack = true;
        else if (!is_html_format(name, end - start) && !render_format_known(name))
            return cli_usage_error("audit", "--format: unknown format '%s' (known: %s,md,html)", name,
                                   render_format_names());
        count++;
        start = end + 1;
    }
    return count ? 0 : cli_usage_error("audit", "--format needs at least one of %s", render_format_names());
}

/* An audit option; -1 when the option is the crawl's. */
static int apply_audit_option(struct audit_cli *cli, int option, const char *value)
{
    long number;
    switch (option) {
    case OPT_RESUME: return 0; /* taken before parsing: the arguments are the resumed run's (cli/resume.c) */
    case OPT_FORMAT: cli->formats = value; return check_formats(cli, value);
    case OPT_INTAKE:
        cli->intake_path = value;
        cli->write_pack = true;
        return 0;
    case OPT_CONFIG:
    case OPT_NO_CONFIG: return 0; /* read before the command line (read_config) */
    case OPT_PREVIOUS: cli->previous_dir = value; return 0;
    case OPT_FAIL_ON:
        if (severity_parse(value, &cli->fail_on) != 0)
            return cli_usage_error("audit", "--fail-on must be error, warning, notice or never, not '%s'", value);
        return 0;
    case OPT_BASELINE: cli->baseline_path = value; return 0;
    case OPT_FAIL_ON_EXISTING: cli->fail_on_existing = true; return 0;
    case OPT_MAX_FINDINGS:
        if (cli_parse_long("audit", "--max-findings-per-rule", value, 1, 100000000, &number))
            return EXIT_USAGE;
        cli->crawl.crawl.max_findings_per_cause = (size_t)number;
        return 0;
    case OPT_MAX_CLICK_DEPTH:
        if (cli_parse_long("audit", "--max-click-depth", value, 1, 1000000, &number))
            return EXIT_USAGE;
        cli->max_click_depth = (uint32_t)number;
        return 0;
    default: return -1;
    }
}

/* Keep the option as given for findings.json's run.options (getopt's long index, or a short
 * option's long name). */
static void record_option(struct audit_cli *cli, const struct option *table, int option, int long_index,
                          const char *value)
{
    const char *name = NULL;
    if (long_index >= 0)
        name = table[long_index].name;
    for (size_t i = 0; !name && table[i].name; i++)
        if (table[i].val == option)
            name = table[i].name;
    if (name && cli->recorded_count < RECORDED_OPTIONS_MAX) {
        /* Credentials and headers may carry secrets: their names are kept, not their values. */
        bool secret = strcmp(name, "user") == 0 || strcmp(name, "header") == 0 || strcmp(name, "cookie") == 0 ||
                      (strcmp(name, "proxy") == 0 && value && strchr(value, '@'));
        cli->recorded[cli->recorded_count++] = (struct report_option){name, secret ? "(hidden)" : value ? value : ""};
    }
}

/* ---- the configuration file (docs/config.md) ---- */

/* --config FILE / --config=FILE / --no-config, looked for before getopt runs: the file's options
 * come first so that the command line's win. NULL when no file is to be read. */
static const char *config_path(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--no-config") == 0)
            return NULL;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            path = argv[i] + 9;
    }
    if (!path && access(CONFIG_FILE_DEFAULT, F_OK) == 0)
        path = CONFIG_FILE_DEFAULT;
    return path;
}

/* Keep a text the run points at until cmd_audit ends; NULL when there is no room (or memory). */
static const char *keep(struct audit_cli *cli, char *text)
{
    if (!text || cli->config_note_count == RECORDED_OPTIONS_MAX) {
        free(text);
        return NULL;
    }
    cli->config_notes[cli->config_note_count++] = text;
    return text;
}

/* A setting kept for findings.json's run.options (and SARIF's invocation): "rules" / "ignore". */
static void record_note(struct audit_cli *cli, const char *name, char *text)
{
    const char *kept = keep(cli, text);
    if (kept && cli->recorded_count < RECORDED_OPTIONS_MAX)
        cli->recorded[cli->recorded_count++] = (struct report_option){name, kept};
}

static char *format_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format_text(const char *fmt, ...)
{
    char text[2048];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    return strdup(text);
}

static int config_error(const struct config_file *config, unsigned line, const char *key)
{
    fprintf(stderr, "crawlpack audit: (set by %s:%u, key '%s')\n", config->path, line, key);
    return EXIT_USAGE;
}

static void config_warning(struct config_file *config, unsigned line, const char *what)
{
    fprintf(stderr, "crawlpack audit: warning: %s:%u: %s (ignored; see docs/config.md)\n", config->path, line, what);
    config->warnings++;
}

static int apply_config_option(struct audit_cli *cli, const struct option *table, const struct config_value *v,
                               char **argv)
{
    if (strcmp(v->key, "url") == 0) {
        cli->crawl.default_url = v->value;
        return 0;
    }
    size_t index = 0;
    while (table[index].name && strcmp(table[index].name, v->key) != 0)
        index++;
    const struct option *option = &table[index];
    if (!option->name || option->val == 'h' || option->val == OPT_CONFIG || option->val == OPT_NO_CONFIG) {
        char what[300];
        snprintf(what, sizeof what, "unknown key '%s'", v->key);
        config_warning(&cli->config, v->line, what);
        return 0;
    }
    const char *value = v->value;
    if (option->has_arg == no_argument) {
        bool on = strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "on") == 0;
        bool off = strcmp(value, "false") == 0 || strcmp(value, "no") == 0 || strcmp(value, "off") == 0;
        if (!on && !off) {
            fprintf(stderr, "crawlpack audit: %s:%u: '%s' is a flag: true or false, not '%s'\n", cli->config.path,
                    v->line, v->key, value);
            return EXIT_USAGE;
        }
        if (off)
            return 0;
        value = NULL;
    }
    int rc = apply_audit_option(cli, option->val, value);
    if (rc == -1)
        rc = crawl_cli_apply(&cli->crawl, option->val, value, argv);
    if (rc != 0)
        return config_error(&cli->config, v->line, v->key);
    record_option(cli, table, option->val, (int)index, value);
    return 0;
}

/* thresholds: a rule's number, as the option that sets it. */
static int apply_config_threshold(struct audit_cli *cli, const struct option *table, const struct config_value *v,
                                  char **argv)
{
    static const struct {
        const char *rule, *option;
    } thresholds[] = {{"deep-page", "max-click-depth"}, {"crawl-trap", "max-per-template"}};
    for (size_t i = 0; i < sizeof thresholds / sizeof thresholds[0]; i++)
        if (strcmp(v->key, thresholds[i].rule) == 0) {
            struct config_value as_option = {(char *)thresholds[i].option, v->value, v->line};
            return apply_config_option(cli, table, &as_option, argv);
        }
    char what[300];
    snprintf(what, sizeof what, "no threshold for '%s' (deep-page, crawl-trap)", v->key);
    config_warning(&cli->config, v->line, what);
    return 0;
}

static int apply_config_rule(struct audit_cli *cli, const struct config_value *v)
{
    const struct rule *rule = rule_find(v->key);
    if (!rule) {
        char what[300];
        snprintf(what, sizeof what, "unknown rule '%s' in rules (crawlpack rules lists them)", v->key);
        config_warning(&cli->config, v->line, what);
        return 0;
    }
    enum severity severity;
    if (strcmp(v->value, "off") == 0) {
        const char *reason = keep(cli, format_text("off in %s:%u", cli->config.path, v->line));
        finding_filter_rule_off(&cli->filter, rule->symbol, reason ? reason : "off in the configuration");
        record_note(cli, "rules", format_text("%s: off", v->key));
        return 0;
    }
    if (severity_parse(v->value, &severity) != 0 || severity == SEVERITY_NEVER) {
        fprintf(stderr, "crawlpack audit: %s:%u: rules: %s: '%s' is not off, error, warning or notice\n",
                cli->config.path, v->line, v->key, v->value);
        return EXIT_USAGE;
    }
    rule_set_severity(rule->symbol, severity);
    record_note(cli, "rules", format_text("%s: %s", v->key, v->value));
    return 0;
}

static int apply_config_ignore(struct audit_cli *cli, const struct config_ignore *ignore)
{
    char error[512];
    const char *origin = keep(cli, format_text("%s:%u", cli->config.path, ignore->line));
    int status = finding_filter_ignore(&cli->filter, ignore->rule, ignore->url, ignore->reason, origin, error,
                                       sizeof error);
    if (status == CP_ERR_NOMEM)
        return EXIT_RUNTIME;
    if (status != CP_OK) {
        fprintf(stderr, "crawlpack audit: %s:%u: ignore: %s\n", cli->config.path, ignore->line, error);
        return EXIT_USAGE;
    }
    record_note(cli, "ignore",
                format_text("%s%s%s (reason: %s)", ignore->rule ? ignore->rule : "",
                            ignore->rule && ignore->url ? " " : "", ignore->url ? ignore->url : "", ignore->reason));
    return 0;
}

/* Read the file (when there is one) and apply everything in it. 0 or an exit code. */
static int read_config(struct audit_cli *cli, const struct option *table, int argc, char **argv)
{
    const char *path = config_path(argc, argv);
    if (!path)
        return 0;
    int status = config_file_load("audit", path, &cli->config);
    if (status != CP_OK)
        return status == CP_ERR_NOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    cli->recorded[cli->recorded_count++] = (struct report_option){"config", cli->config.path};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < cli->config.option_count; i++)
        rc = apply_config_option(cli, table, &cli->config.options[i], argv);
    for (size_t i = 0; rc == 0 && i < cli->config.threshold_count; i++)
        rc = apply_config_threshold(cli, table, &cli->config.thresholds[i], argv);
    for (size_t i = 0; rc == 0 && i < cli->config.rule_count; i++)
        rc = apply_config_rule(cli, &cli->config.rules[i]);
    for (size_t i = 0; rc == 0 && i < cli->config.ignore_count; i++)
        rc = apply_config_ignore(cli, &cli->config.ignores[i]);
    return rc;
}

static void free_config(struct audit_cli *cli)
{
    config_file_free(&cli->config);
    for (size_t i = 0; i < cli->config_note_count; i++)
        free(cli->config_notes[i]);
    cli->config_note_count = 0;
}

/* The summary's account of what the configuration removed, with each ignore entry's reason. */
static void print_config_effects(const struct audit_cli *cli, FILE *out)
{
    const struct finding_filter *f = &cli->filter;
    if (!cli->config.path)
        return;
    fprintf(out, "configuration %s", cli->config.path);
    if (f->removed_by_rule_off)
        fprintf(out, ": %zu findings of rules switched off", f->removed_by_rule_off);
    fputc('\n', out);
    for (size_t i = 0; i < f->ignore_count; i++) {
        const struct finding_ignore *e = &f->ignores[i];
        fprintf(out, "  ignored %zu finding%s: %s%s%s (%s) [%s]\n", e->matched, e->matched == 1 ? "" : "s",
                e->any_rule ? "" : rule_get(e->rule)->id, !e->any_rule && e->has_pattern ? " " : "",
                e->has_pattern ? e->pattern_text : "", e->reason, e->origin);
    }
}

/* 0 to go on, or the exit code; *done is set after --help (exit code 0, nothing more to do). */
static int parse_options(struct audit_cli *cli, int argc, char **argv, bool *done)
{
    struct option *table = crawl_cli_option_table(audit_options, sizeof audit_options / sizeof audit_options[0]);
    if (!table)
        return EXIT_RUNTIME;
    int option, long_index = -1, rc = read_config(cli, table, argc, argv);
    while (rc == 0 && (option = getopt_long(argc, argv, ":" CRAWL_CLI_SHORT_OPTIONS "h", table, &long_index)) != -1) {
        if (option == 'h') {
            fputs(usage_head, stdout);
            fputs(crawl_cli_help, stdout);
            fputs(usage_tail, stdout);
            *done = true;
            break;
        }
        rc = apply_audit_option(cli, option, optarg);
        if (rc == -1)
            rc = crawl_cli_apply(&cli->crawl, option, optarg, argv);
        if (rc == 0)
            record_option(cli, table, option, long_index, optarg);
        long_index = -1;
    }
    free(table);
    if (rc != 0 || *done)
        return rc;
    if (cli->fail_on_existing && !cli->baseline_path)
        rc = cli_usage_error("audit", "--fail-on-existing goes with --baseline");
    if (rc == 0 && !crawl_cli_writes_files(&cli->crawl) &&
        (cli->write_pack || !cli->formats || strchr(cli->formats, ',') || strcmp(cli->formats, "html") == 0))
        rc = cli_usage_error("audit", "--out - writes one findings format to stdout: give exactly one --format "
                                      "(text, json, csv, junit or sarif; not md, html or --intake, which need a "
                                      "folder)");
    return rc ? rc : crawl_cli_finish(&cli->crawl, argc, argv);
}

/* ---- printing ---- */

/* The summary lists at most this many causes; the rest are in findings.txt and findings.json. */
#define SUMMARY_MAX_CAUSES 40

/* The table on stdout: one row per cause (findings/cause.h), worst first (severity, then count). */
static void print_summary(const struct audit_cli *cli, const struct audit_result *result)
{
    const struct crawl_result *r = &result->crawl;
    const struct finding_list *list = &result->findings;
    const struct report_context *ctx = &result->context;
    struct finding_causes causes;
    if (finding_causes_build(list, &causes) != CP_OK)
        causes.count = 0; /* out of memory: the counts below still hold */
    size_t by_severity[SEVERITY_NEVER] = {0};
    for (size_t i = 0; i < list->count; i++)
        by_severity[rule_get(list->items[i].rule)->severity]++;
    FILE *out = crawl_cli_writes_files(&cli->crawl) ? stdout : stderr; /* stdout carries the findings */
    fprintf(
        out,
        "audited %zu pages (%zu indexable)%s: %zu findings in %zu cause%s (%zu errors, %zu warnings, %zu notices)\n",
        ctx->pages, ctx->indexable, r->interrupted ? ", interrupted" : "", list->count, causes.count,
        causes.count == 1 ? "" : "s", by_severity[SEVERITY_ERROR], by_severity[SEVERITY_WARNING],
        by_severity[SEVERITY_NOTICE]);
    char outcomes[160];
    crawl_outcomes_format(&r->outcomes, outcomes, sizeof(outcomes));
    fprintf(out, "responses: %s\n", outcomes);
    char changes[200];
    crawl_changes_format(r, changes, sizeof changes);
    if (changes[0])
        fprintf(out, "%s\n", changes);
    print_skipped_rules(cli, out);
    if (ctx->partial)
        fprintf(out, "partial crawl: %s\n", ctx->partial);
    print_config_effects(cli, out);
    if (causes.count)
        fprintf(out, "\n%-8s  %-28s %8s %8s  %s\n", "SEVERITY", "RULE", "FINDINGS", "FAILING", "CAUSE");
    for (size_t g = 0; g < causes.count && g < SUMMARY_MAX_CAUSES; g++) {
        const struct finding_cause_group *group = &causes.groups[g];
        size_t failing = 0;
        for (size_t k = group->start; k < group->start + group->count; k++)
            failing += report_finding_fails(ctx, list, causes.order[k]);
        fprintf(out, "%-8s  %-28s %8zu %8zu  %s\n", severity_name(rule_get(group->rule)->severity),
                rule_get(group->rule)->id, group->count, failing, group->summary);
    }
    if (causes.count > SUMMARY_MAX_CAUSES)
        fprintf(out, "... %zu more causes (findings.txt and findings.json list them all)\n",
                causes.count - SUMMARY_MAX_CAUSES);
    finding_causes_free(&causes);
    if (r->pages_blocked || cli->crawl.crawl.fetch.tls.insecure)
        fputc('\n', out);
    crawl_cli_print_caveats(&cli->crawl, r, out);
    if (ctx->baseline)
        fprintf(out, "\nbaseline %s: %zu new, %zu existing, %zu fixed\n", cli->baseline_path, ctx->baseline->new_count,
                ctx->baseline->existing_count, ctx->baseline->fixed_count);
    fprintf(out, "\n%zu finding%s fail%s the run (--fail-on %s%s)", report_count_failing(ctx, list),
            report_count_failing(ctx, list) == 1 ? "" : "s", report_count_failing(ctx, list) == 1 ? "s" : "",
            severity_name(ctx->fail_on), ctx->baseline && !ctx->fail_on_existing ? ", new findings only" : "");
    if (crawl_cli_writes_files(&cli->crawl))
        fprintf(out, "; files in %s/", cli->crawl.out_dir);
    fputc('\n', out);
}

/* The audit's request from the parsed options. */
static void make_request(struct audit_cli *cli, struct audit_request *request)
{
    *request = (struct audit_request){
        .crawl = &cli->crawl.crawl,
        .out_dir = crawl_cli_writes_files(&cli->crawl) ? cli->crawl.out_dir : NULL,
        .formats = cli->formats,
        .write_pack = cli->write_pack,
        .intake_path = cli->intake_path,
        .previous_dir = cli->previous_dir,
        .baseline_path = cli->baseline_path,
        .fail_on = cli->fail_on,
        .fail_on_existing = cli->fail_on_existing,
        .max_click_depth = cli->max_click_depth,
        .options = cli->recorded,
        .option_count = cli->recorded_count,
        .filter = &cli->filter,
        .db_path = crawl_cli_db(&cli->crawl),
        .command = "audit",
        .argv_json = cli->crawl.argv_json,
    };
}

/* With `--out -`: the one format on stdout (main() reports a failed stdout). */
static int print_findings(const struct audit_cli *cli, const struct audit_result *result)
{
    if (crawl_cli_writes_files(&cli->crawl))
        return CP_OK;
    return render_findings(cli->formats, stdout, &result->findings, &result->context);
}

int cmd_audit(int argc, char **argv)
{
    struct audit_cli cli = {.fail_on = SEVERITY_ERROR};
    crawl_cli_init(&cli.crawl, "audit");
    finding_filter_init(&cli.filter);
    bool done = false;
    struct cli_resumed resumed = {0};
    int rc = cli_wants_resume(argc, argv) ? cli_resume_arguments("audit", argc, argv, &resumed) : 0;
    if (rc == 0 && resumed.argv)
        rc = parse_options(&cli, resumed.argc, resumed.argv, &done);
    else if (rc == 0)
        rc = parse_options(&cli, argc, argv, &done);
    if (rc != 0 || done) {
        free_config(&cli);
        finding_filter_free(&cli.filter);
        crawl_cli_free(&cli.crawl);
        cli_resumed_free(&resumed);
        return rc;
    }
    skip_whole_graph_rules(&cli);
    struct audit_request request;
    make_request(&cli, &request);
    request.resume_run = resumed.run;
    struct audit_result result;
    char error[1024];
    crawl_cli_catch_stop_signals();
    if (cli.crawl.crawl.fetch.tls.insecure)
        fputs("crawlpack audit: warning: -k/--insecure: TLS certificates will not be verified\n", stderr);
    int status = audit_run(&request, &result, error, sizeof error);
    if (result.page_findings_incomplete)
        fprintf(stderr, "crawlpack audit: out of memory during the crawl: some page findings are missing\n");
    if (status != CP_OK) {
        fprintf(stderr, "crawlpack audit: %s\n", error[0] ? error : cp_strerror(status));
        rc = result.input_error ? EXIT_USAGE : EXIT_RUNTIME;
    } else if (print_findings(&cli, &result) != CP_OK) {
        rc = EXIT_RUNTIME;
    } else {
        print_summary(&cli, &result);
        rc = result.crawl.interrupted                                  ? EXIT_INTERRUPTED
             : report_count_failing(&result.context, &result.findings) ? EXIT_PROBLEMS
                                                                       : EXIT_OK;
    }
    audit_result_free(&result);
    free_config(&cli);
    finding_filter_free(&cli.filter);
    crawl_cli_free(&cli.crawl);
    cli_resumed_free(&resumed);
    return rc;
}

/* ---- the audit's option parser for other commands (cli/audit_cli.h) ---- */

void audit_cli_release(struct audit_cli *cli)
{
    if (!cli)
        return;
    free_config(cli);
    finding_filter_free(&cli->filter);
    crawl_cli_free(&cli->crawl);
    free(cli);
}

int audit_cli_prepare(int argc, char **argv, struct audit_cli **out)
{
    struct audit_cli *cli = calloc(1, sizeof *cli);
    if (!cli)
        return EXIT_RUNTIME;
    cli->fail_on = SEVERITY_ERROR;
    crawl_cli_init(&cli->crawl, "audit");
    finding_filter_init(&cli->filter);
    bool done = false;
    int rc = parse_options(cli, argc, argv, &done);
    if (rc == 0 && done)
        rc = EXIT_USAGE; /* --help is not an audit to run */
    if (rc != 0) {
        audit_cli_release(cli);
        return rc;
    }
    skip_whole_graph_rules(cli);
    *out = cli;
    return 0;
}

void audit_cli_request(struct audit_cli *cli, struct audit_request *request)
{
    make_request(cli, request);
}

int audit_cli_option_arity(const char *token)
{
    if (token[0] != '-' || token[1] == '\0')
        return -1;
    if (token[1] != '-') { /* -X, -Xvalue */
        const char *at = strchr(CRAWL_CLI_SHORT_OPTIONS "h", token[1]);
        if (!at || token[1] == ':')
            return -1;
        return at[1] == ':' && token[2] == '\0' ? 1 : 0;
    }
    struct option *table = crawl_cli_option_table(audit_options, sizeof audit_options / sizeof audit_options[0]);
    if (!table)
        return -1;
    size_t length = strcspn(token + 2, "=");
    int arity = -1;
    for (size_t i = 0; table[i].name; i++)
        if (strlen(table[i].name) == length && strncmp(table[i].name, token + 2, length) == 0)
            arity = table[i].has_arg == required_argument && token[2 + length] != '=' ? 1 : 0;
    free(table);
    return arity;
}
