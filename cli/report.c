/* SPDX-License-Identifier: Apache-2.0 */
/* cli/report: `crawlpack report OUT [-o FILE]` writes report.html from an audit's output folder
 * (reports/report_html.h), the same file `audit` writes there by default. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "reports/report_html.h"

static const char usage[] =
    "Usage: crawlpack report OUT [-o FILE]\n\n"
    "Write report.html from an audit's output folder (pages.csv, links.csv, sitemaps.csv,\n"
    "findings.json, crawl.json): one self-contained file to open in a browser, offline, with an\n"
    "overview and charts, the findings by rule with filters and search, and a URL explorer. The audit\n"
    "writes the same file to OUT by default; this rebuilds it (docs/report.md).\n\n"
    "  -o, --output FILE     write the report to FILE (default: OUT/report.html)\n"
    "  -h, --help            show this help\n\n"
    "Exit status: 0 written, 2 usage error or OUT is no readable output folder, 3 the report could not\n"
    "be written.\n";

int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error("report", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("report", "the output folder OUT is required (a folder written by crawlpack audit)");
    if (optind + 1 < argc)
        return cli_usage_error("report", "unexpected argument '%s'", argv[optind + 1]);
    const char *dir = argv[optind];
    struct buf path = BUF_INIT;
    if (!output && buf_printf(&path, "%s/%s", dir, REPORT_HTML_FILE) != CP_OK) {
        fprintf(stderr, "crawlpack report: %s\n", cp_strerror(CP_ERR_NOMEM));
        return EXIT_RUNTIME;
    }
    char error[512];
    int status = report_html_from_folder(dir, output ? output : buf_str(&path), error, sizeof error);
    buf_free(&path);
    if (status == CP_OK)
        return EXIT_OK;
    fprintf(stderr, "crawlpack report: %s\n", error);
    return status == CP_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
}
