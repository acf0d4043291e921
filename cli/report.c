/* SPDX-License-Identifier: Apache-2.0 */
/* cli/report: `crawlpack report OUT [-o FILE]` writes report.html from an audit's output folder
 * (reports/report_html.h), the same file `audit` writes there by default; `crawlpack report DB
 * [--run N]` from a run of a crawl store. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "reports/report_html.h"

static const char usage[] =
    "Usage: crawlpack report OUT [-o FILE]\n"
    "       crawlpack report DB [--run N] [-o FILE]\n\n"
    "Write report.html from an audit's output folder (pages.csv, links.csv, sitemaps.csv,\n"
    "findings.json, crawl.json): one self-contained file to open in a browser, offline, with an\n"
    "overview and charts, the findings by rule with filters and search, and a URL explorer. The audit\n"
    "writes the same file to OUT by default; this rebuilds it (docs/report.md). Given a crawl store\n"
    "(OUT/crawl.db, docs/store.md), it writes the report of one of its runs: the last complete audit,\n"
    "or --run N (crawlpack history DB lists the runs), with the trends of the runs before it.\n\n"
    "  -o, --output FILE     write the report to FILE (default: OUT/report.html; for a store,\n"
    "                        report-run-N.html beside it)\n"
    "      --run N           the store's run N (default: its last complete audit)\n"
    "  -h, --help            show this help\n\n"
    "Exit status: 0 written, 2 usage error or OUT is no readable output folder (or DB no crawl store\n"
    "holding that run), 3 the report could not be written.\n";

static int report_from_store(const char *db, long run, const char *output)
{
    char error[1024], written[PATH_MAX];
    int status = report_html_from_store(db, run, output, written, sizeof written, error, sizeof error);
    if (status == CP_OK) {
        fprintf(stderr, "crawlpack report: wrote %s\n", written);
        return EXIT_OK;
    }
    fprintf(stderr, "crawlpack report: %s\n", error);
    return status == CP_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
}

int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"run", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    long run = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'r':
            if (cli_parse_long("report", "--run", optarg, 1, LONG_MAX, &run) != 0)
                return EXIT_USAGE;
            break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error("report", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("report", "the output folder OUT is required (a folder written by crawlpack audit)");
    if (optind + 1 < argc)
        return cli_usage_error("report", "unexpected argument '%s'", argv[optind + 1]);
    const char *dir = argv[optind];
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISREG(st.st_mode))
        return report_from_store(dir, run, output);
    if (run)
        return cli_usage_error("report", "--run reads a crawl store: %s is no file", dir);
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
