/* SPDX-License-Identifier: Apache-2.0 */
/* cli/sitemap: `crawlpack sitemap FILE|URL...` validates sitemaps offline (or fetched) for CI:
 * compiler-style findings or JSON, a summary, and an exit status gated by --fail-on. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/json_write.h"
#include "findings/finding_cap.h"
#include "web/robots.h"
#include "reports/render.h"
#include "reports/render_text.h"
#include "reports/report_context.h"
#include "sitemap/datetime.h"
#include "sitemap/sitemap.h"

static const char usage[] =
    "Usage: crawlpack sitemap FILE|URL... [--site-url URL] [--root DIR] [--xsd] [--format FORMAT]\n"
    "                         [--fail-on error|warning|notice|never] [--now DATETIME] [--robots [ORIGIN=]FILE]\n\n"
    "Validate XML and plain-text sitemaps and sitemap indexes against the sitemaps.org protocol and\n"
    "Google's image, video, news and hreflang extensions. Local files are checked offline; gzip is\n"
    "recognised by content. FILE may be '-' for stdin.\n\n"
    "  --site-url URL      where the files will be served (scope rule, children of an index)\n"
    "  --root DIR          read an index's children from files under DIR (their URL path below\n"
    "                      --site-url); without it, children of a local index are not followed\n"
    "  --xsd               also validate against the sitemaps.org XML schemas (built in)\n"
    "  --urlset-xsd FILE   use FILE instead for <urlset> files (e.g. a schema importing extensions)\n"
    "  --index-xsd FILE    use FILE instead for <sitemapindex> files\n"
    "  --format FORMAT     text (default: FILE:LINE: SEVERITY: RULE: MESSAGE, then a summary), json,\n"
    "                      junit (one testsuite per file, one testcase per rule), csv or sarif\n"
    "                      (the findings as `audit` writes them; docs/formats.md)\n"
    "  --fail-on LEVEL     exit 1 when a finding reaches LEVEL (default error; never: always 0)\n"
    "  --now DATETIME      the time lastmod and news dates are compared with, and the report's\n"
    "                      timestamp (W3C Datetime, e.g. 2026-01-01T00:00:00Z; default: the clock),\n"
    "                      for reproducible runs\n"
    "  --max-sitemap-urls N    entries read in all; the rest is not read, with a finding\n"
    "                      (default: 1000000)\n"
    "  --max-findings-per-rule N  findings listed per rule and cause (ten times N per rule); one\n"
    "                      findings-capped finding counts the rest (default: 10000)\n"
    "  --robots [ORIGIN=]FILE  a robots.txt whose Sitemap: lines declare sitemaps for ORIGIN\n"
    "                      (default: --site-url's origin); repeatable\n"
    "  --max-index-depth N levels of nested indexes followed (default 3)\n"
    "  --cacert FILE       trust the CA certificates in FILE (PEM) for https:// sitemaps\n"
    "  -k, --insecure      do not verify TLS certificates\n"
    "  -h, --help          show this help\n\n"
    "The summary's timing goes to stderr so that stdout is reproducible.\n"
    "Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage error, 3 runtime failure.\n";

struct robots_input {
    struct sitemap_robots_declaration *declarations;
    size_t count;
    char **strings; /* every string allocated for the declarations */
    size_t string_count;
};

struct file_record {
    char *name;
    enum sitemap_kind kind;
    size_t urls;
    bool read;
};

struct run {
    struct file_record *files;
    size_t file_count;
    int status;
};

static int keep_string(struct robots_input *robots, char *s)
{
    char **grown = s ? array_grow(robots->strings, robots->string_count, sizeof *grown) : NULL;
    if (!grown) {
        free(s);
        return CP_ERR_NOMEM;
    }
    robots->strings = grown;
    robots->strings[robots->string_count++] = s;
    return CP_OK;
}

/* The Sitemap: values of a robots.txt, read by web/robots as crawlers read them (Google's
 * size cap and key spellings; relative and non-http values are dropped). */
static int read_robots(struct robots_input *robots, const char *argument, const char *site_url)
{
    const char *equals = strstr(argument, "=");
    const char *path = argument;
    char origin[1024] = "";
    struct url site;
    if (equals && strncmp(argument, "http", 4) == 0) {
        /* Spelled as the user likes ("https://Example.com/"), compared as an origin. */
        if (url_parse(argument, (size_t)(equals - argument), NULL, NULL, &site) != URL_OK) {
            cli_usage_error("sitemap", "--robots %s: '%.*s' is not an http(s) origin", argument,
                            (int)(equals - argument), argument);
            return CP_ERR_INVALID;
        }
        if (!url_is_crawlable(&site) || url_origin(&site, origin, sizeof origin) < 0)
            origin[0] = 0;
        url_free(&site);
        path = equals + 1;
    } else if (site_url) {
        if (url_parse_str(site_url, NULL, &site) != URL_OK || url_origin(&site, origin, sizeof origin) < 0)
            origin[0] = 0;
        url_free(&site);
    }
    if (!origin[0]) {
        cli_usage_error("sitemap", "--robots %s: give ORIGIN=FILE or --site-url", argument);
        return CP_ERR_INVALID;
    }
    char *body;
    size_t length;
    int status = cli_read_file("sitemap", path, ROBOTS_MAX_BYTES + 1, &body, &length);
    if (status != CP_OK)
        return status;
    struct robots *parsed;
    status = robots_parse(body, length, path, &parsed, NULL);
    free(body);
    if (status != CP_OK)
        return status;
    size_t count;
    const char *const *values = robots_sitemaps(parsed, &count);
    struct sitemap_robots_declaration d = {0};
    status = keep_string(robots, strdup(origin));
    d.origin = status == CP_OK ? robots->strings[robots->string_count - 1] : NULL;
    /* A robots.txt without Sitemap: lines still declares its origin: it lists none. */
    const char **sitemaps = NULL;
    if (status == CP_OK && count) {
        sitemaps = calloc(count, sizeof *sitemaps);
        status = keep_string(robots, (char *)sitemaps);
    }
    for (size_t i = 0; status == CP_OK && i < count; i++) {
        status = keep_string(robots, strdup(values[i]));
        if (status == CP_OK)
            sitemaps[d.sitemap_count++] = robots->strings[robots->string_count - 1];
    }
    robots_free(parsed);
    if (status == CP_OK) {
        struct sitemap_robots_declaration *grown = array_grow(robots->declarations, robots->count, sizeof *grown);
        if (grown) {
            d.sitemaps = sitemaps;
            robots->declarations = grown;
            robots->declarations[robots->count++] = d;
        } else {
            status = CP_ERR_NOMEM;
        }
    }
    return status;
}

static void robots_input_free(struct robots_input *robots)
{
    for (size_t i = 0; i < robots->string_count; i++)
        free(robots->strings[i]);
    free(robots->strings);
    free(robots->declarations);
}

static void record_file(void *context, const char *name, const struct sitemap_result *result)
{
    struct run *run = context;
    struct file_record *grown = array_grow(run->files, run->file_count, sizeof *grown);
    char *copy = strdup(name);
    if (!grown || !copy) {
        free(copy);
        if (grown)
            run->files = grown;
        run->status = CP_ERR_NOMEM;
        return;
    }
    run->files = grown;
    run->files[run->file_count++] = (struct file_record){copy, result->kind, result->urls, result->read};
}

static const char *kind_name(enum sitemap_kind kind)
{
    static const char *const names[] = {"unknown", "urlset", "sitemapindex", "text"};
    return names[kind];
}

static void print_summary(const struct run *run, const struct sitemap_checker *checker,
                          const struct finding_list *findings)
{
    size_t by_severity[SEVERITY_NEVER + 1] = {0};
    for (size_t i = 0; i < findings->count; i++)
        by_severity[rule_get(findings->items[i].rule)->severity]++;
    (void)run;
    printf("%zu file%s, %zu URL%s: %zu error%s, %zu warning%s, %zu notice%s\n", checker->files,
           checker->files == 1 ? "" : "s", checker->urls, checker->urls == 1 ? "" : "s", by_severity[SEVERITY_ERROR],
           by_severity[SEVERITY_ERROR] == 1 ? "" : "s", by_severity[SEVERITY_WARNING],
           by_severity[SEVERITY_WARNING] == 1 ? "" : "s", by_severity[SEVERITY_NOTICE],
           by_severity[SEVERITY_NOTICE] == 1 ? "" : "s");
}

static void print_json(const struct run *run, const struct sitemap_checker *checker,
                       const struct finding_list *findings)
{
    struct json_writer w;
    json_writer_init(&w, stdout, true);
    json_begin_object(&w);
    json_key(&w, "files");
    json_begin_array(&w);
    for (size_t i = 0; i < run->file_count; i++) {
        json_begin_object(&w);
        json_key(&w, "file"), json_string(&w, run->files[i].name);
        json_key(&w, "kind"), json_string(&w, kind_name(run->files[i].kind));
        json_key(&w, "read"), json_bool(&w, run->files[i].read);
        json_key(&w, "urls"), json_uint(&w, run->files[i].urls);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_key(&w, "urls"), json_uint(&w, checker->urls);
    json_key(&w, "findings");
    json_begin_array(&w);
    for (size_t i = 0; i < findings->count; i++) {
        const struct finding *f = &findings->items[i];
        const struct rule *rule = rule_get(f->rule);
        json_begin_object(&w);
        json_key(&w, "rule"), json_string(&w, rule->id);
        json_key(&w, "severity"), json_string(&w, severity_name(rule->severity));
        json_key(&w, "file"), json_string(&w, f->source);
        json_key(&w, "line"), json_uint(&w, f->line);
        if (f->column)
            json_key(&w, "column"), json_uint(&w, f->column);
        json_key(&w, "url"), json_string(&w, f->url);
        json_key(&w, "message"), json_string(&w, f->message);
        json_end_object(&w);
    }
    json_end_array(&w);
    json_end_object(&w);
    json_writer_finish(&w);
}

static int check_all(struct sitemap_checker *checker, int count, char **arguments)
{
    for (int i = 0; i < count; i++) {
        struct sitemap_result result;
        int status = cli_is_http_url(arguments[i])
                         ? sitemap_check_url(checker, arguments[i], SITEMAP_ORIGIN_ARGUMENT, &result)
                         : sitemap_check_file(checker, arguments[i], &result);
        if (status == CP_ERR_NETWORK) {
            fprintf(stderr, "crawlpack sitemap: %s\n", result.error);
            return status;
        }
        if (status != CP_OK) {
            fprintf(stderr, "crawlpack sitemap: %s: %s\n", arguments[i], cp_strerror(status));
            return status;
        }
    }
    return CP_OK;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    return (double)(end.tv_sec - start->tv_sec) + (double)(end.tv_nsec - start->tv_nsec) / 1e9;
}

/* The rules of the "sitemap files" section of the catalog: what this command checks (the schema
 * rule only with --xsd). JUnit lists each as a test case per file. */
static size_t sitemap_checked_rules(bool xsd, enum rule_id *out)
{
    size_t n = 0;
    for (int rule = RULE_SITEMAP_UNREACHABLE; rule <= RULE_SITEMAP_NEWS_TOO_MANY; rule++)
        if (rule != RULE_SITEMAP_SCHEMA || xsd)
            out[n++] = (enum rule_id)rule;
    return n;
}

int cmd_sitemap(int argc, char **argv)
{
    static const struct option options[] = {
        {"site-url", required_argument, NULL, 's'},
        {"root", required_argument, NULL, 'r'},
        {"xsd", no_argument, NULL, 'x'},
        {"urlset-xsd", required_argument, NULL, 'U'},
        {"index-xsd", required_argument, NULL, 'I'},
        {"format", required_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"now", required_argument, NULL, 'n'},
        {"robots", required_argument, NULL, 'R'},
        {"max-index-depth", required_argument, NULL, 'd'},
        {"max-sitemap-urls", required_argument, NULL, 'M'},
        {"max-findings-per-rule", required_argument, NULL, 'P'},
        {"cacert", required_argument, NULL, 'C'},
        {"insecure", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct sitemap_options o = {.now = time(NULL), .allow_fetch = true};
    enum severity fail_on = SEVERITY_ERROR;
    const char *format = "text";
    const char *robots_arguments[64];
    size_t robots_argument_count = 0;
    long depth;
    size_t max_findings = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":hk", options, NULL)) != -1) {
        switch (c) {
        case 's': o.site_url = optarg; break;
        case 'C':
            if (cli_check_cacert("sitemap", optarg))
                return EXIT_USAGE;
            o.tls.ca_file = optarg;
            break;
        case 'k': o.tls.insecure = true; break;
        case 'r': o.root_dir = optarg; break;
        case 'x': o.xsd = true; break;
        case 'U': o.xsd = true, o.urlset_xsd = optarg; break;
        case 'I': o.xsd = true, o.index_xsd = optarg; break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && !render_format_known(optarg))
                return cli_usage_error("sitemap", "--format must be text, json, junit, csv or sarif, not '%s'", optarg);
            format = optarg;
            break;
        case 'F':
            if (severity_parse(optarg, &fail_on) != 0)
                return cli_usage_error("sitemap", "--fail-on must be error, warning, notice or never, not '%s'",
                                       optarg);
            break;
        case 'n': {
            struct w3c_datetime now;
            if (!w3c_datetime_parse(optarg, strlen(optarg), &now))
                return cli_usage_error("sitemap", "--now '%s' is not a W3C Datetime (e.g. 2026-01-01T00:00:00Z)",
                                       optarg);
            o.now = now.start;
            break;
        }
        case 'R':
            if (robots_argument_count == sizeof robots_arguments / sizeof robots_arguments[0])
                return cli_usage_error("sitemap", "too many --robots options");
            robots_arguments[robots_argument_count++] = optarg;
            break;
        case 'd':
            if (cli_parse_long("sitemap", "--max-index-depth", optarg, 1, 64, &depth) != 0)
                return EXIT_USAGE;
            o.max_index_depth = (unsigned)depth;
            break;
        case 'M':
            if (cli_parse_long("sitemap", "--max-sitemap-urls", optarg, 1, 1000000000, &depth) != 0)
                return EXIT_USAGE;
            o.max_urls = (size_t)depth;
            break;
        case 'P':
            if (cli_parse_long("sitemap", "--max-findings-per-rule", optarg, 1, 100000000, &depth) != 0)
                return EXIT_USAGE;
            max_findings = (size_t)depth;
            break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error("sitemap", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("sitemap", "name at least one sitemap file or URL");
    /* A file named here that cannot be read is the command line's mistake, not a finding about a
     * sitemap (an index's missing child still is one). */
    for (int i = optind; i < argc; i++)
        if (!cli_is_http_url(argv[i]) && cli_check_input_file("sitemap", argv[i]))
            return EXIT_USAGE;
    if (o.site_url && !cli_is_http_url(o.site_url))
        return cli_usage_error("sitemap", "--site-url must be an absolute http(s) URL, not '%s'", o.site_url);
    struct robots_input robots = {0};
    for (size_t i = 0; i < robots_argument_count; i++) {
        int status = read_robots(&robots, robots_arguments[i], o.site_url);
        if (status != CP_OK) {
            robots_input_free(&robots);
            return status == CP_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
        }
    }
    o.robots = robots.declarations;
    o.robots_count = robots.count;

    struct finding_list findings = FINDING_LIST_INIT;
    struct run run = {0};
    struct sitemap_checker checker;
    int status = sitemap_checker_init(&checker, &o, &findings, NULL, &run);
    checker.on_file = record_file;
    if (status == CP_OK)
        status = finding_cap_set(&findings, max_findings);
    if (status == CP_OK)
        status = check_all(&checker, argc - optind, argv + optind);
    if (status == CP_OK)
        status = finding_cap_finish(&findings);
    if (status == CP_OK)
        status = run.status;
    int exit_code = EXIT_RUNTIME;
    struct report_context context;
    enum rule_id checked[RULE_COUNT];
    report_context_init(&context);
    context.fail_on = fail_on;
    context.inputs = (const char *const *)argv + optind;
    context.input_count = (size_t)(argc - optind);
    context.started_at = o.now;
    context.duration_seconds = seconds_since(&start);
    context.junit_grouping = JUNIT_BY_SOURCE_FILE;
    context.checked_rules = checked;
    context.checked_rule_count = sitemap_checked_rules(o.xsd, checked);
    if (status == CP_OK) {
        if (strcmp(format, "json") == 0) {
            print_json(&run, &checker, &findings);
        } else if (strcmp(format, "text") != 0) {
            status = render_findings(format, stdout, &findings, &context);
        } else {
            render_findings_text(stdout, &findings);
            print_summary(&run, &checker, &findings);
        }
        fprintf(stderr, "crawlpack sitemap: checked in %.3f s\n", seconds_since(&start));
    }
    if (status == CP_OK)
        exit_code = report_count_failing(&context, &findings) ? EXIT_PROBLEMS : EXIT_OK;
    else if (status != CP_ERR_NETWORK) /* check_all said which host and why */
        fprintf(stderr, "crawlpack sitemap: %s\n", cp_strerror(status));
    sitemap_checker_free(&checker);
    findings_free(&findings);
    for (size_t i = 0; i < run.file_count; i++)
        free(run.files[i].name);
    free(run.files);
    robots_input_free(&robots);
    return exit_code;
}
