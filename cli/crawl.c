/* SPDX-License-Identifier: Apache-2.0 */
/* cli/crawl: `crawlpack crawl URL` (or --root DIR --site-url URL) crawls a site and writes
 * out/pages.csv, out/links.csv and out/crawl.json. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/crawl_options.h"
#include "crawler/crawl.h"

static const char usage_head[] =
    "Usage: crawlpack crawl URL [options]\n"
    "       crawlpack crawl --root DIR --site-url URL [options]\n\n"
    "Crawl a site breadth-first and write OUT/pages.csv, OUT/links.csv and OUT/crawl.json.\n\n";

static const char usage_tail[] = "  -h, --help                 show this help\n\n"
                                 "Ctrl-C stops the crawl, writes everything crawled so far and exits with 130.\n";

static const struct option help_option[] = {{"help", no_argument, NULL, 'h'}};

/* What a person reads after the crawl: how many URLs, what they answered, where the files are. */
static void print_summary(const struct crawl_cli *cli, const struct crawl_result *r)
{
    char outcomes[160];
    crawl_outcomes_format(&r->outcomes, outcomes, sizeof(outcomes));
    printf("crawled %llu URLs in %.1f s%s: %s\n", (unsigned long long)r->pages_fetched, r->elapsed_ms / 1000.0,
           r->interrupted          ? " (interrupted)"
           : r->truncated_by_limit ? " (stopped by a limit)"
                                   : "",
           outcomes);
    printf("%llu links, %llu sitemap entries, %.1f MB downloaded; files in %s/: pages.csv, links.csv, "
           "sitemaps.csv, crawl.json\n",
           (unsigned long long)r->links_found, (unsigned long long)r->sitemap_urls, r->bytes_downloaded / 1e6,
           cli->out_dir);
    char changes[200];
    crawl_changes_format(r, changes, sizeof changes);
    if (changes[0])
        printf("%s\n", changes);
    char partial[512];
    if (crawl_result_partial(r, partial, sizeof partial))
        printf("partial crawl: %s\n", partial);
}

int cmd_crawl(int argc, char **argv)
{
    struct crawl_cli cli;
    crawl_cli_init(&cli, "crawl");
    struct option *options = crawl_cli_option_table(help_option, 1);
    if (!options)
        return EXIT_RUNTIME;
    int c;
    while ((c = getopt_long(argc, argv, ":" CRAWL_CLI_SHORT_OPTIONS "h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_head, stdout);
            fputs(crawl_cli_help, stdout);
            fputs(usage_tail, stdout);
            crawl_cli_free(&cli);
            free(options);
            return EXIT_OK;
        }
        int rc = crawl_cli_apply(&cli, c, optarg, argv);
        if (rc) {
            crawl_cli_free(&cli);
            free(options);
            return rc;
        }
    }
    free(options);
    int rc = crawl_cli_finish(&cli, argc, argv);
    if (rc == 0 && !crawl_cli_writes_files(&cli))
        rc = cli_usage_error("crawl", "--out - is for `audit --format FORMAT`: crawl writes files, give a folder");
    struct crawl_result result;
    char started_at[32];
    time_t started;
    if (rc == 0)
        rc = crawl_cli_run(&cli, &result, started_at, &started);
    if (rc == 0) {
        if (!cli.quiet) {
            print_summary(&cli, &result);
            crawl_cli_print_caveats(&cli, &result, stdout);
        }
        /* The start page answering 4xx/5xx is a problem the crawl found (audit: start-url-error). */
        bool start_error = result.start_outcome == CRAWL_START_HTTP_ERROR;
        if (start_error)
            fprintf(stderr, "crawlpack crawl: the start URL %s %s\n", crawl_cli_start_url(&cli), result.start_problem);
        rc = result.interrupted ? EXIT_INTERRUPTED : start_error ? EXIT_PROBLEMS : EXIT_OK;
        crawl_result_free(&result);
    }
    crawl_cli_free(&cli);
    return rc;
}
