/* SPDX-License-Identifier: Apache-2.0 */
/* cli/history: `crawlpack history DB` lists the runs of a crawl store, one line each, with the
 * findings new and fixed since the site's run before (reports/history.h), as text, JSON or CSV. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/out_file.h"
#include "reports/history.h"

static const char usage[] =
    "Usage: crawlpack history DB [--site URL] [--format text|json|csv] [-o FILE]\n\n"
    "List the runs of a crawl store (OUT/crawl.db, or the --db FILE of crawl and audit), oldest\n"
    "first: run number, start date, command, state, pages, indexable pages, findings by severity,\n"
    "and the findings new and fixed (by fingerprint, as --baseline and diff match them) since the\n"
    "run before of the same site: its latest earlier complete audit. A run still running, killed\n"
    "or interrupted is listed with its state and never compared with. The store is only read: a\n"
    "crawl may be writing it at the same time (docs/store.md).\n\n"
    "  -s, --site URL        only the runs of this site (start URL)\n"
    "  -f, --format FORMAT   text (default), json, or csv\n"
    "  -o, --output FILE     write the list to FILE instead of stdout ('-' is stdout)\n"
    "  -h, --help            show this help\n\n"
    "Exit status: 0 listed, 2 usage error, or DB is missing, not a crawlpack store, damaged or from a\n"
    "newer crawlpack, or holds no run of --site (the message says which), 3 the list could not be\n"
    "written or out of memory.\n";

struct history_command {
    const char *site;
    const char *format;
    const char *output;
};

/* Parse the options; returns -1 to go on, or the exit code to return now. */
static int parse_options(int argc, char **argv, struct history_command *cmd)
{
    static const struct option options[] = {
        {"site", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, ":s:f:o:h", options, NULL)) != -1) {
        switch (c) {
        case 's': cmd->site = optarg; break;
        case 'f':
            if (!history_format_known(optarg))
                return cli_usage_error("history", "unknown --format '%s' (text, json or csv)", optarg);
            cmd->format = optarg;
            break;
        case 'o': cmd->output = optarg; break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error("history", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("history", "the store DB is required (a crawl.db written by crawlpack crawl or audit)");
    if (optind + 1 < argc)
        return cli_usage_error("history", "unexpected argument '%s'", argv[optind + 1]);
    return -1;
}

/* Write the list to stdout, or to cmd->output under a temporary name renamed when complete. */
static int write_list(const struct history_command *cmd, const struct history *h)
{
    if (!cmd->output || strcmp(cmd->output, "-") == 0) {
        int status = history_render(cmd->format, stdout, h);
        if (status != CP_OK)
            fprintf(stderr, "crawlpack history: cannot write to standard output\n");
        return status == CP_OK ? EXIT_OK : EXIT_RUNTIME;
    }
    struct out_file file;
    char error[1200];
    int status = out_file_open(&file, cmd->output, error, sizeof error);
    if (status == CP_OK && (status = history_render(cmd->format, file.file, h)) == CP_OK)
        status = out_file_commit(&file, error, sizeof error);
    else if (status == CP_OK) {
        snprintf(error, sizeof error, "%s: cannot write", cmd->output);
        out_file_discard(&file);
    }
    if (status != CP_OK)
        fprintf(stderr, "crawlpack history: %s\n", status == CP_ERR_NOMEM ? cp_strerror(status) : error);
    return status == CP_OK ? EXIT_OK : EXIT_RUNTIME;
}

int cmd_history(int argc, char **argv)
{
    struct history_command cmd = {NULL, "text", NULL};
    int exit_code = parse_options(argc, argv, &cmd);
    if (exit_code >= 0)
        return exit_code;
    char error[1024];
    struct store_reader *reader = NULL;
    int status = store_reader_open(argv[optind], &reader, error, sizeof error);
    if (status != CP_OK) {
        fprintf(stderr, "crawlpack history: %s\n", status == CP_ERR_NOMEM ? cp_strerror(status) : error);
        return status == CP_ERR_NOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    struct history h;
    struct buf reason = BUF_INIT;
    status = history_load(reader, cmd.site, &h, &reason);
    if (status == CP_OK)
        exit_code = write_list(&cmd, &h);
    else {
        fprintf(stderr, "crawlpack history: %s\n", status == CP_ERR_NOMEM ? cp_strerror(status) : buf_str(&reason));
        exit_code = status == CP_ERR_NOMEM || status == CP_ERR_IO ? EXIT_RUNTIME : EXIT_USAGE;
    }
    buf_free(&reason);
    history_free(&h);
    store_reader_close(reader);
    return exit_code;
}
