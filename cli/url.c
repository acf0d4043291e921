/* SPDX-License-Identifier: Apache-2.0 */
/* cli/url: `crawlpack url parse` and `crawlpack url normalize`, the command-line face of
 * web/url: see how a browser resolves an href, and which crawl identity crawlpack gives it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/json_write.h"
#include "web/url.h"

/* Bound on --strip-param options: a command line, not a configuration file. */
#define MAX_STRIP_PARAMS 64

static const char usage[] =
    "Usage: crawlpack url parse [--base BASE] [--json] [--] INPUT\n"
    "       crawlpack url normalize [--base BASE] [--strip-param NAME]... [--] INPUT\n\n"
    "parse      resolve INPUT against BASE as browsers do (WHATWG URL Standard) and print the\n"
    "           resulting URL (its href), or its components as JSON with --json\n"
    "normalize  print the crawl identity of the resolved URL: the fragment removed, escapes of\n"
    "           unreserved characters decoded, other escapes upper-cased, and the named query\n"
    "           parameters removed; two URLs are the same page for crawlpack iff these are equal\n\n"
    "  --base BASE          resolve INPUT against this absolute URL\n"
    "  --json               (parse) print href, origin, protocol, username, password, host,\n"
    "                       hostname, port, pathname, search and hash as JSON\n"
    "  --strip-param NAME   (normalize) drop query parameters named NAME; NAME ending in '*' is a\n"
    "                       prefix (utm_*); repeatable\n"
    "  -h, --help           show this help\n\n"
    "Exit status: 0 the URL is valid, 1 it is invalid (the reason is on stderr), 2 usage error,\n"
    "3 out of memory.\n";

struct url_command_options {
    const char *base;
    const char *input;
    bool json;
    const char *strip_params[MAX_STRIP_PARAMS];
    size_t strip_param_count;
};

/* Parse the subcommand's options (argv[0] is "parse" or "normalize"). Returns -1 when they are
 * fine, else the exit status to return (help printed, or a usage error). */
static int parse_options(int argc, char **argv, const char *command, bool normalize, struct url_command_options *opts)
{
    static const struct option options[] = {
        {"base", required_argument, NULL, 'b'},
        {"json", no_argument, NULL, 'j'},
        {"strip-param", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'b': opts->base = optarg; break;
        case 'j':
            if (normalize)
                return cli_usage_error(command, "--json is an option of 'url parse'");
            opts->json = true;
            break;
        case 's':
            if (!normalize)
                return cli_usage_error(command, "--strip-param is an option of 'url normalize'");
            if (opts->strip_param_count == MAX_STRIP_PARAMS)
                return cli_usage_error(command, "at most %d --strip-param options", MAX_STRIP_PARAMS);
            opts->strip_params[opts->strip_param_count++] = optarg;
            break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error(command, c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error(command, "missing INPUT (the URL to %s)", normalize ? "normalize" : "parse");
    if (optind + 1 < argc)
        return cli_usage_error(command, "unexpected argument '%s' (quote a URL that contains spaces)",
                               argv[optind + 1]);
    opts->input = argv[optind];
    return -1;
}

/* "crawlpack url parse: invalid URL 'TEXT': reason", the URL cut at 200 bytes so a huge one
 * still gives a readable line. */
static int report_url_error(const char *command, const char *what, const char *text, enum url_error error)
{
    fprintf(stderr, "crawlpack %s: %s '%.200s%s': %s\n", command, what, text, strlen(text) > 200 ? "..." : "",
            url_error_string(error));
    return error == URL_ERR_NOMEM ? EXIT_RUNTIME : EXIT_PROBLEMS;
}

/* Parse the input against the optional base into *url. Returns -1 on success, else the exit
 * status (the message is written). */
static int resolve(const char *command, const struct url_command_options *opts, struct url *url)
{
    struct url base;
    enum url_error error;
    if (opts->base) {
        error = url_parse_str(opts->base, NULL, &base);
        if (error == URL_ERR_NOMEM)
            return report_url_error(command, "invalid base URL", opts->base, error);
        if (error)
            return cli_usage_error(command, "--base '%s' is not a valid absolute URL: %s", opts->base,
                                   url_error_string(error));
    }
    error = url_parse_str(opts->input, opts->base ? &base : NULL, url);
    if (opts->base)
        url_free(&base);
    return error ? report_url_error(command, "invalid URL", opts->input, error) : -1;
}

static void json_part(struct json_writer *w, const char *key, const struct url *url, struct url_part part)
{
    json_key(w, key);
    json_string_n(w, url_part_start(url, part), part.length);
}

/* The components in the shape of the WHATWG URL API and the WPT suite. */
static void print_json(const struct url *url)
{
    struct json_writer w;
    char origin[URL_DEFAULT_MAX_LENGTH + 16];
    json_writer_init(&w, stdout, true);
    json_begin_object(&w);
    json_key(&w, "href"), json_string_n(&w, url->href, url->href_length);
    json_key(&w, "origin");
    if (url_origin(url, origin, sizeof origin) >= 0)
        json_string(&w, origin);
    else
        json_null(&w);
    json_part(&w, "protocol", url, url->protocol);
    json_part(&w, "username", url, url->username);
    json_part(&w, "password", url, url->password);
    json_part(&w, "host", url, url->host);
    json_part(&w, "hostname", url, url->hostname);
    json_part(&w, "port", url, url->port_text);
    json_part(&w, "pathname", url, url->pathname);
    json_part(&w, "search", url, url->search);
    json_part(&w, "hash", url, url->hash);
    json_end_object(&w);
    json_writer_finish(&w);
}

static int url_parse_command(int argc, char **argv)
{
    struct url_command_options opts = {0};
    struct url url;
    int rc = parse_options(argc, argv, "url parse", false, &opts);
    if (rc >= 0)
        return rc;
    if ((rc = resolve("url parse", &opts, &url)) >= 0)
        return rc;
    if (opts.json)
        print_json(&url);
    else
        puts(url.href);
    url_free(&url);
    return EXIT_OK;
}

static int url_normalize_command(int argc, char **argv)
{
    struct url_command_options opts = {0};
    struct url url;
    int rc = parse_options(argc, argv, "url normalize", true, &opts);
    if (rc >= 0)
        return rc;
    if ((rc = resolve("url normalize", &opts, &url)) >= 0)
        return rc;
    struct url_identity_options identity_options = {opts.strip_params, opts.strip_param_count};
    char *identity;
    enum url_error error = url_identity(&url, &identity_options, &identity);
    url_free(&url);
    if (error)
        return report_url_error("url normalize", "cannot compute the crawl identity of", opts.input, error);
    puts(identity);
    free(identity);
    return EXIT_OK;
}

int cmd_url(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("url", "missing subcommand: parse or normalize");
    const char *subcommand = argv[1];
    if (strcmp(subcommand, "--help") == 0 || strcmp(subcommand, "-h") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(subcommand, "parse") == 0)
        return url_parse_command(argc - 1, argv + 1);
    if (strcmp(subcommand, "normalize") == 0)
        return url_normalize_command(argc - 1, argv + 1);
    return cli_usage_error("url", "unknown subcommand '%s' (expected parse or normalize)", subcommand);
}
