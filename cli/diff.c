/* SPDX-License-Identifier: Apache-2.0 */
/* cli/diff: `crawlpack diff OLD NEW` compares two audits — two folders, two crawl stores (the last
 * complete run of each), or one store's last two complete runs (`diff DB`) — new and fixed
 * findings, pages added and removed, status, indexability and depth changes — as text, JSON or
 * Markdown. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "common/error.h"
#include "reports/diff.h"
#include "reports/diff_render.h"

static const char usage[] =
    "Usage: crawlpack diff OLD_DIR NEW_DIR [--format text|json|md] [-o FILE] [--map FROM=TO]...\n"
    "                      [--depth-threshold N] [--fail-on-new SEVERITY]\n"
    "       crawlpack diff OLD.db NEW.db [OPTIONS]\n"
    "       crawlpack diff DB [OPTIONS]\n\n"
    "Compare two audit folders (pages.csv, findings.json, ...): findings new in NEW_DIR and fixed\n"
    "since OLD_DIR, by rule (matched by finding identity, as --baseline does); pages added and\n"
    "removed; status, indexability and click-depth changes of pages in both.\n"
    "A file argument is a crawl store (crawl.db, docs/store.md), read-only: its last complete run\n"
    "is that side. One store alone compares its last two complete runs of one site. A run still\n"
    "running, killed or interrupted is never compared. A folder is read as a folder, crawl.db or not.\n\n"
    "  -f, --format FORMAT       text (default), json, or md (a pull-request comment: summary\n"
    "                            table, then collapsible lists of at most 25 rows)\n"
    "  -o, --output FILE         write the report to FILE instead of stdout ('-' is stdout)\n"
    "  -m, --map FROM=TO         compare by mapped URL: every URL of both folders that starts\n"
    "                            with FROM (at a URL boundary) is read as starting with TO, e.g.\n"
    "                            --map https://staging.example.com=https://www.example.com;\n"
    "                            repeatable, the first matching map applies\n"
    "  -d, --depth-threshold N   report depth changes of at least N clicks (default 1); a page\n"
    "                            that becomes reachable or unreachable by links is always reported\n"
    "  -F, --fail-on-new SEV     exit 1 when a new finding's severity is at least SEV\n"
    "                            (error, warning or notice; never: do not fail)\n"
    "  -h, --help                show this help\n\n"
    "Exit status: 0 compared (and no new finding reaches --fail-on-new), 1 a new finding reaches\n"
    "--fail-on-new, 2 usage error or an unusable folder (the message names the file),\n"
    "3 the report could not be written or out of memory.\n";

struct diff_command {
    const char *format;
    const char *output;
    struct diff_url_map *maps;
    size_t map_count;
    long depth_threshold;
    enum severity fail_on_new;
    bool fail_on_new_given;
};

/* Whether an argument names a folder (one folder alone is not enough to compare). */
static bool is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Parse the options into cmd; returns -1 to go on, or the exit code to return now. */
static int parse_options(int argc, char **argv, struct diff_command *cmd)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"map", required_argument, NULL, 'm'},
        {"depth-threshold", required_argument, NULL, 'd'},
        {"fail-on-new", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, ":f:o:m:d:F:h", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!diff_format_known(optarg))
                return cli_usage_error("diff", "unknown --format '%s' (text, json or md)", optarg);
            cmd->format = optarg;
            break;
        case 'o': cmd->output = optarg; break;
        case 'm': {
            struct buf error = BUF_INIT;
            int status = diff_url_map_parse(optarg, &cmd->maps[cmd->map_count], &error);
            if (status == CP_OK)
                cmd->map_count++;
            else
                cli_usage_error("diff", "--map %s", buf_str(&error));
            buf_free(&error);
            if (status != CP_OK)
                return EXIT_USAGE;
            break;
        }
        case 'd':
            if (cli_parse_long("diff", "--depth-threshold", optarg, 1, 1000000, &cmd->depth_threshold) != 0)
                return EXIT_USAGE;
            break;
        case 'F':
            if (severity_parse(optarg, &cmd->fail_on_new) != 0)
                return cli_usage_error("diff", "unknown --fail-on-new '%s' (error, warning, notice or never)", optarg);
            cmd->fail_on_new_given = true;
            break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: return cli_option_error("diff", c, argv);
        }
    }
    if (argc - optind < 1)
        return cli_usage_error("diff", "OLD_DIR and NEW_DIR are required (two folders written by crawlpack audit)");
    if (argc - optind == 1 && is_folder(argv[optind]))
        return cli_usage_error("diff", "OLD_DIR and NEW_DIR are required (two folders written by crawlpack audit), "
                                       "or one crawl store file");
    if (argc - optind > 2)
        return cli_usage_error("diff", "unexpected argument '%s'", argv[optind + 2]);
    return -1;
}

/* Write the report to stdout or cmd->output; returns an exit code. */
static int write_report(const struct diff_command *cmd, const struct diff *diff)
{
    bool to_stdout = !cmd->output || strcmp(cmd->output, "-") == 0;
    FILE *out = to_stdout ? stdout : fopen(cmd->output, "w");
    if (!out) {
        fprintf(stderr, "crawlpack: %s: cannot write: %s\n", cmd->output, strerror(errno));
        return EXIT_RUNTIME;
    }
    int status = diff_render(cmd->format, out, diff);
    int saved_errno = errno;
    if (!to_stdout && fclose(out) != 0 && status == CP_OK) {
        status = CP_ERR_IO;
        saved_errno = errno;
    }
    if (status == CP_ERR_IO)
        fprintf(stderr, "crawlpack: %s: cannot write: %s\n", to_stdout ? "standard output" : cmd->output,
                strerror(saved_errno));
    else if (status == CP_ERR_NOMEM)
        fprintf(stderr, "crawlpack: out of memory while writing the diff\n");
    return status == CP_OK ? EXIT_OK : EXIT_RUNTIME;
}

int cmd_diff(int argc, char **argv)
{
    struct diff_command cmd = {"text", NULL, NULL, 0, 1, SEVERITY_NEVER, false};
    cmd.maps = calloc((size_t)argc + 1, sizeof(*cmd.maps));
    if (!cmd.maps) {
        fputs("crawlpack: out of memory\n", stderr);
        return EXIT_RUNTIME;
    }
    int exit_code = parse_options(argc, argv, &cmd);
    if (exit_code >= 0) {
        free(cmd.maps);
        return exit_code;
    }
    struct diff_sources sources;
    struct buf reason = BUF_INIT;
    int status = diff_sources_open(argv + optind, (size_t)(argc - optind), &sources, &reason);
    if (status != CP_OK) {
        fprintf(stderr, "crawlpack diff: %s\n", status == CP_ERR_NOMEM ? cp_strerror(status) : buf_str(&reason));
        buf_free(&reason);
        diff_sources_close(&sources);
        free(cmd.maps);
        return status == CP_ERR_NOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    buf_free(&reason);
    const char *old_dir = sources.old_input.name, *new_dir = sources.new_input.name;
    struct diff_options options = {cmd.maps, cmd.map_count, (int)cmd.depth_threshold};
    struct diff diff;
    status = diff_run_inputs(&sources.old_input, &sources.new_input, &options, &diff);
    if (status == CP_ERR_NOMEM) {
        fputs("crawlpack: out of memory while comparing the folders\n", stderr);
        exit_code = EXIT_RUNTIME;
    } else if (status != CP_OK) {
        exit_code = EXIT_USAGE; /* the reader has named the file and the problem */
    } else if (cmd.fail_on_new_given && cmd.fail_on_new != SEVERITY_NEVER && !diff.findings_compared) {
        fprintf(stderr, "crawlpack: diff: --fail-on-new needs a findings.json in both %s and %s\n", old_dir, new_dir);
        exit_code = EXIT_USAGE;
    } else {
        exit_code = write_report(&cmd, &diff);
        if (exit_code == EXIT_OK && cmd.fail_on_new_given && diff_new_at_least(&diff, cmd.fail_on_new) > 0)
            exit_code = EXIT_PROBLEMS;
    }
    diff_free(&diff);
    diff_sources_close(&sources);
    free(cmd.maps);
    return exit_code;
}
