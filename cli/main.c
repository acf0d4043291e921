/* SPDX-License-Identifier: Apache-2.0 */
/* cli/main: the entry point and the one table of subcommands (git-style dispatch). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

const struct cli_command cli_commands[] = {
    {"audit", cmd_audit, "Crawl a site, cross-check links, sitemaps, canonicals and noindex, write findings"},
    {"crawl", cmd_crawl, "Crawl a site (or a build folder) and write pages.csv, links.csv, crawl.json"},
    {"diff", cmd_diff, "Compare two audits (folders or stores): new/fixed findings, page, status and depth changes"},
    {"extract", cmd_extract, "Show the signals crawlpack extracts from one saved HTML page"},
    {"fleet", cmd_fleet, "Audit many origins on many machines over NATS JetStream (submit, worker, status, collect)"},
    {"help", cmd_help, "Show help for crawlpack or one of its commands"},
    {"history", cmd_history, "List the runs of a crawl store: pages, findings, new and fixed since the run before"},
    {"pack", cmd_pack, "Write the Platform & Infrastructure Improvement Pack from a crawl folder"},
    {"report", cmd_report, "Write report.html (overview, findings, URL explorer) from an audit folder or a stored run"},
    {"robots", cmd_robots, "Check URLs against a robots.txt, or lint one"},
    {"rules", cmd_rules, "List the audit rules (id, severity, why, how to fix)"},
    {"sitemap", cmd_sitemap, "Validate sitemaps and sitemap indexes (offline, for CI)"},
    {"url", cmd_url, "Parse a URL as browsers do, or print its crawl identity"},
    {"version", cmd_version, "Print the version"},
    {NULL, NULL, NULL},
};

const struct cli_command *cli_find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void print_main_usage(FILE *out)
{
    fputs("Usage: crawlpack [--version] [--help] COMMAND [ARGS]\n\n"
          "Crawl a website, cross-check its link graph against sitemaps, robots.txt, canonicals\n"
          "and noindex, and write findings for CI plus a Platform & Infrastructure Improvement Pack.\n\n"
          "Commands:\n",
          out);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\nRun 'crawlpack help COMMAND' (or 'crawlpack COMMAND --help') for a command's options.\n"
          "Exit status: 0 success, 1 problems found, 2 usage error, 3 runtime failure, 130 interrupted.\n",
          out);
}

int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_main_usage(stdout);
        return EXIT_OK;
    }
    const struct cli_command *c = cli_find_command(argv[1]);
    if (!c)
        return cli_usage_error("help", "'%s' is not a crawlpack command", argv[1]);
    if (c->run == cmd_help || c->run == cmd_version) {
        print_main_usage(stdout);
        return EXIT_OK;
    }
    char *help_argv[] = {argv[1], "--help", NULL};
    cli_reset_getopt();
    return c->run(2, help_argv);
}

/* A full disk or closed pipe on stdout must not pass for success: whatever a command wrote, the
 * run fails with EXIT_RUNTIME when standard output could not take it. */
static int finish_stdout(int status)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    fprintf(stderr, "crawlpack: cannot write to standard output: %s\n", errno ? strerror(errno) : "write error");
    return EXIT_RUNTIME;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_main_usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        name = "help";
    else if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        name = "version";
    else if (name[0] == '-') {
        fprintf(stderr, "crawlpack: unknown option '%s'\nTry 'crawlpack --help'.\n", name);
        return EXIT_USAGE;
    }
    const struct cli_command *c = cli_find_command(name);
    if (!c) {
        fprintf(stderr, "crawlpack: '%s' is not a crawlpack command. See 'crawlpack --help'.\n", name);
        return EXIT_USAGE;
    }
    cli_reset_getopt();
    return finish_stdout(c->run(argc - 1, argv + 1));
}
