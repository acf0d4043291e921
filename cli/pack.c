/* SPDX-License-Identifier: Apache-2.0 */
/* cli/pack: `crawlpack pack` writes the Platform & Infrastructure Improvement Pack from a crawl
 * output folder and an optional intake file, and scores it with the quality gate. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "common/error.h"
#include "reports/pack.h"

static const char usage[] =
    "Usage: crawlpack pack [--intake FILE] --crawl DIR [--previous DIR] [-o FILE] [--date YYYY-MM-DD] [--check]\n\n"
    "Write the Platform & Infrastructure Improvement Pack (Markdown, eight sections) from a crawl\n"
    "output folder (pages.csv, links.csv, sitemaps.csv, findings.json, crawl.json) and an intake\n"
    "file (YAML, see docs/intake.md). Missing inputs become explicit assumptions. The quality gate's\n"
    "scored table ends the pack and is printed on stderr.\n\n"
    "  -i, --intake FILE     the intake YAML (optional)\n"
    "  -c, --crawl DIR       the crawl output folder (required)\n"
    "  -p, --previous DIR    an earlier crawl folder of the same site: URL growth and breach dates\n"
    "  -o, --output FILE     write the pack to FILE and the full lists as CSV files beside it\n"
    "                        (default: the pack on stdout, no CSV files)\n"
    "  -d, --date DATE       the date of reference (default: the crawl's started_at)\n"
    "      --check           exit 1 when any section of the quality gate fails\n"
    "  -h, --help            show this help\n\n"
    "Exit status: 0 written (and, with --check, no section fails), 1 a section fails with --check,\n"
    "2 usage error or unusable input (intake or crawl folder: the message names file:line),\n"
    "3 an output could not be written.\n";

int cmd_pack(int argc, char **argv)
{
    static const struct option options[] = {
        {"intake", required_argument, NULL, 'i'},   {"crawl", required_argument, NULL, 'c'},
        {"previous", required_argument, NULL, 'p'}, {"output", required_argument, NULL, 'o'},
        {"date", required_argument, NULL, 'd'},     {"check", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    struct pack_options opts = {0};
    bool check = false;
    int c;
    while ((c = getopt_long(argc, argv, ":i:c:p:o:d:h", options, NULL)) != -1) {
        switch (c) {
        case 'i': opts.intake_path = optarg; break;
        case 'c': opts.crawl_dir = optarg; break;
        case 'p': opts.previous_dir = optarg; break;
        case 'o': opts.output_path = optarg; break;
        case 'd': opts.today = optarg; break;
        case 'C': check = true; break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error("pack", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("pack", "unexpected argument '%s'", argv[optind]);
    if (!opts.crawl_dir)
        return cli_usage_error("pack", "--crawl DIR is required (a folder written by crawlpack audit)");
    struct pack_gate gate;
    int status = pack_run(&opts, &gate);
    if (status != CP_OK)
        return status == CP_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
    bool failed = pack_gate_failed(&gate);
    pack_gate_free(&gate);
    return check && failed ? EXIT_PROBLEMS : EXIT_OK;
}
