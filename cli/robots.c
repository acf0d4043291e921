/* SPDX-License-Identifier: Apache-2.0 */
/* cli/robots: `crawlpack robots check` (which rule of a robots.txt decides each URL) and
 * `crawlpack robots lint` (every line a crawler skips or reads only through a tolerance). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "web/robots.h"
#include "web/robots_get.h"
#include "web/url.h"
#include "reports/render_text.h"

static const char usage[] =
    "Usage: crawlpack robots check (--robots-file FILE | --robots-url URL) [--user-agent TOKEN] [--cacert FILE] [-k] URL...\n"
    "       crawlpack robots lint [--cacert FILE] [-k] FILE|URL\n\n"
    "check   For each URL print 'allowed' or 'disallowed', the URL and the deciding rule\n"
    "        ('line 7: Disallow: /private/' or 'no matching rule'), tab-separated, exactly as\n"
    "        Google's reference matcher decides. Exit 0 when every URL is allowed, 1 otherwise.\n"
    "lint    List the lines of a robots.txt that crawlers skip or read only through a tolerance\n"
    "        (typos, relative Sitemap: URLs, unsupported rules, size) as compiler-style lines.\n"
    "        Exit 1 when a finding is an error (robots.txt unreachable).\n\n"
    "  --robots-file FILE   read robots.txt from a file ('-' for stdin, as lint's FILE)\n"
    "  --robots-url URL     fetch robots.txt (redirects followed up to 5 hops, RFC 9309 rules for\n"
    "                       4xx/5xx/429 and network errors)\n"
    "  --user-agent TOKEN   the crawler's product token (default: crawlpack)\n"
    "  --cacert FILE        trust the CA certificates in FILE (PEM) for an https:// robots.txt\n"
    "  -k, --insecure       do not verify TLS certificates\n"
    "  -h, --help           show this help\n";

static const char command[] = "robots";

/* robots.txt from a file or a URL; findings gets what parsing (and fetching) found. */
static int load_robots(const char *location, bool is_url, const struct http_tls *tls, struct robots **robots,
                       struct finding_list *findings)
{
    if (is_url) {
        struct http_get_options options = {.tls = *tls};
        int rc = robots_get(location, &options, robots, findings);
        if (rc == CP_ERR_NETWORK) {
            /* the host could not be reached at all: the fetch failed, the file says nothing */
            fprintf(stderr, "crawlpack robots: cannot fetch %s: %s\n", location,
                    findings->count ? findings->items[findings->count - 1].message : "no response");
            robots_free(*robots);
            *robots = NULL;
        } else if (rc != CP_OK) {
            fprintf(stderr, "crawlpack robots: %s: %s\n", location, cp_strerror(rc));
        }
        return rc;
    }
    char *body;
    size_t length;
    /* One byte more than Google reads, so the parser can tell the file is too large. */
    int rc = cli_read_file(command, location, ROBOTS_MAX_BYTES + 1, &body, &length);
    if (rc != CP_OK)
        return rc;
    rc = robots_parse(body, length, location, robots, findings);
    free(body);
    if (rc != CP_OK)
        fprintf(stderr, "crawlpack robots: %s: %s\n", location, cp_strerror(rc));
    return rc;
}

static bool needs_percent_encoding(const char *url)
{
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        if (*c >= 0x80 || *c <= 0x20 || *c == 0x7F)
            return true;
    return false;
}

/* The URL is checked as written, as Google's matcher does; a crawler requests the percent-encoded
 * form, so say what that one gets when the answer differs. */
static void note_encoded_form(const struct robots *robots, const char *agent, const char *text, bool allowed)
{
    struct url url;
    if (url_parse_str(text, NULL, &url) != URL_OK)
        return;
    struct robots_decision decision;
    bool encoded_allowed = robots_check_url(robots, agent, &url, &decision);
    if (encoded_allowed != allowed) {
        char rule[512];
        robots_decision_format(&decision, rule, sizeof(rule));
        fprintf(stderr,
                "crawlpack robots: note: %s was checked as written; crawlers request it "
                "percent-encoded as %s, which is %s (%s)\n",
                text, url.href, encoded_allowed ? "allowed" : "disallowed", rule);
    }
    url_free(&url);
}

/* A robots.txt governs only its own origin: say so when a URL belongs to another one. */
static void note_other_origin(const char *robots_url, const char *text)
{
    struct url robots, url;
    if (url_parse_str(robots_url, NULL, &robots) != URL_OK)
        return;
    if (url_parse_str(text, NULL, &url) == URL_OK) {
        char governing[2048];
        if (url_is_crawlable(&url) && !url_same_origin(&robots, &url) &&
            robots_txt_url(&url, governing, sizeof(governing)) > 0)
            fprintf(stderr,
                    "crawlpack robots: note: %s is on another origin than %s; crawlers obey %s "
                    "for it\n",
                    text, robots_url, governing);
        url_free(&url);
    }
    url_free(&robots);
}

/* Check one URL; returns whether it is allowed, or -1 when out of memory. */
static int check_url(const struct robots *robots, const char *agent, const char *url)
{
    size_t size = strlen(url) + 2;
    char *path = malloc(size);
    if (!path)
        return -1;
    long length = robots_path_of_url_text(url, strlen(url), path, size);
    struct robots_decision decision;
    bool allowed = robots_check(robots, agent, path, length > 0 ? (size_t)length : 0, &decision);
    free(path);
    char rule[512];
    robots_decision_format(&decision, rule, sizeof(rule));
    printf("%s\t%s\t%s\n", allowed ? "allowed" : "disallowed", url, rule);
    if (needs_percent_encoding(url))
        note_encoded_form(robots, agent, url, allowed);
    return allowed;
}

static int run_check(int argc, char **argv)
{
    static const struct option options[] = {
        {"robots-file", required_argument, NULL, 'f'},
        {"robots-url", required_argument, NULL, 'u'},
        {"user-agent", required_argument, NULL, 'a'},
        {"cacert", required_argument, NULL, 'c'},
        {"insecure", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = NULL, *url = NULL, *agent = "crawlpack";
    struct http_tls tls = {0};
    int c;
    while ((c = getopt_long(argc, argv, ":hk", options, NULL)) != -1) {
        switch (c) {
        case 'f': file = optarg; break;
        case 'u': url = optarg; break;
        case 'a': agent = optarg; break;
        case 'c':
            if (cli_check_cacert(command, optarg))
                return EXIT_USAGE;
            tls.ca_file = optarg;
            break;
        case 'k': tls.insecure = true; break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error(command, c, argv);
        }
    }
    if ((file != NULL) == (url != NULL))
        return cli_usage_error(command, "check needs exactly one of --robots-file and --robots-url");
    if (url && !cli_is_http_url(url))
        return cli_usage_error(command, "--robots-url takes an http:// or https:// URL, not '%s'", url);
    if (optind >= argc)
        return cli_usage_error(command, "check needs at least one URL to check");
    if (!robots_is_valid_agent_token(agent))
        fprintf(stderr,
                "crawlpack robots: warning: '%s' is not a product token (letters, '-', '_'); "
                "user-agent lines are compared with it as given\n",
                agent);
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots *robots;
    int rc = load_robots(file ? file : url, url != NULL, &tls, &robots, &findings);
    /* Only what stops the file from applying matters here; `robots lint` lists the rest. */
    for (size_t i = 0; i < findings.count; i++)
        if (findings.items[i].rule == RULE_ROBOTS_UNREACHABLE ||
            findings.items[i].rule == RULE_ROBOTS_TOO_MANY_REDIRECTS || findings.items[i].rule == RULE_ROBOTS_BINARY)
            render_finding_text(stderr, &findings.items[i]);
    findings_free(&findings);
    if (rc != CP_OK)
        return rc == CP_ERR_IO ? EXIT_USAGE : EXIT_RUNTIME;
    int status = EXIT_OK;
    for (int i = optind; i < argc && status != EXIT_RUNTIME; i++) {
        int allowed = check_url(robots, agent, argv[i]);
        if (url)
            note_other_origin(url, argv[i]);
        if (allowed < 0)
            status = EXIT_RUNTIME;
        else if (!allowed)
            status = EXIT_PROBLEMS;
    }
    robots_free(robots);
    return status;
}

static int run_lint(int argc, char **argv)
{
    static const struct option options[] = {
        {"cacert", required_argument, NULL, 'c'},
        {"insecure", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct http_tls tls = {0};
    int c;
    while ((c = getopt_long(argc, argv, ":hk", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        if (c == 'c') {
            if (cli_check_cacert(command, optarg))
                return EXIT_USAGE;
            tls.ca_file = optarg;
            continue;
        }
        if (c == 'k') {
            tls.insecure = true;
            continue;
        }
        return cli_option_error(command, c, argv);
    }
    if (optind >= argc)
        return cli_usage_error(command, "lint needs a robots.txt file or URL");
    if (optind + 1 < argc)
        return cli_usage_error(command, "lint takes one file or URL, not also '%s'", argv[optind + 1]);
    const char *location = argv[optind];
    struct finding_list findings = FINDING_LIST_INIT;
    struct robots *robots;
    int rc = load_robots(location, cli_is_http_url(location), &tls, &robots, &findings);
    if (rc == CP_OK) {
        /* Not a finding (a missing robots.txt is fine), but the user asked about this file. */
        if (robots_policy_reason(robots))
            fprintf(stderr, "crawlpack robots: %s: %s\n", location, robots_policy_reason(robots));
        robots_free(robots);
    }
    render_findings_text(stdout, &findings);
    size_t errors = findings_count_at_least(&findings, SEVERITY_ERROR);
    findings_free(&findings);
    if (rc != CP_OK)
        return rc == CP_ERR_IO ? EXIT_USAGE : EXIT_RUNTIME; /* an unreadable file is the user's to fix */
    return errors > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

int cmd_robots(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(command, "missing subcommand: check or lint");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(sub, "check") == 0)
        return run_check(argc - 1, argv + 1);
    if (strcmp(sub, "lint") == 0)
        return run_lint(argc - 1, argv + 1);
    return cli_usage_error(command, "unknown subcommand '%s' (check or lint)", sub);
}
