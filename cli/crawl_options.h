/* SPDX-License-Identifier: Apache-2.0 */
/* cli/crawl_options: the crawl's command-line options and the run that writes the crawl's files,
 * shared by `crawlpack crawl` and `crawlpack audit` so both accept exactly the same options with
 * the same checks and messages.
 *
 * A command adds crawl_cli_options to its own getopt_long table (CRAWL_CLI_SHORT_OPTIONS to its
 * optstring), hands every option it does not own to crawl_cli_apply, then calls crawl_cli_finish
 * for the positional URL and the cross-option checks, and crawl_cli_run. Messages name
 * cli->command ("crawlpack audit: --max-depth ..."). Only the main thread uses these; the SIGINT /
 * SIGTERM handler crawl_cli_run installs only sets the crawl's stop flag. */
#ifndef CRAWLPACK_CLI_CRAWL_OPTIONS_H
#define CRAWLPACK_CLI_CRAWL_OPTIONS_H

#include <getopt.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "audit/run_files.h"
#include "crawler/crawl.h"

/* The crawl options' help lines, from "Where and what:" to "-v, --verbose" (each line ends in \n). */
extern const char crawl_cli_help[];
/* Short options taken by crawl_cli_apply, for a getopt optstring (after its leading ':'). */
#define CRAWL_CLI_SHORT_OPTIONS "o:c:A:H:u:x:kqv"
/* The long options (without --help), terminated by a zero entry. Their values are 'o', 'c', 'A',
 * 'H', 'u', 'x', 'k', 'q', 'v' and numbers from 256 to 511: a command's own options use other values. */
extern const struct option crawl_cli_options[];

/* crawl_cli_options followed by extra[0..extra_count) and a zero entry: a command's getopt_long
 * table. malloc'd (free() it); NULL when out of memory. */
struct option *crawl_cli_option_table(const struct option *extra, size_t extra_count);

struct crawl_cli_list {
    const char **items;
    size_t count;
};

struct crawl_cli {
    const char *command; /* "crawl", "audit": the name in messages */
    struct crawl_options crawl;
    const char *out_dir; /* default "out" */
    struct crawl_cli_list headers, resolves, connect_tos, includes, excludes, strip_params, sitemaps;
    regex_t *include_patterns, *exclude_patterns;
    const char *list_path; /* --list FILE ("-": stdin) */
    char *list_text;       /* its contents; list_urls point into it */
    struct crawl_cli_list list_urls;
    const char *default_url; /* the start URL when none is given (a configuration's url:) */
    bool quiet;
    int verbosity;
    char *start_url_copy;     /* the start URL without its userinfo, when it had one */
    char *start_credentials;  /* that userinfo, decoded, for basic auth */
    char run_id[RUN_ID_SIZE]; /* this run's id (audit/run_files), set by crawl_cli_run */
    const char *db_path;      /* --db FILE, or OUT/crawl.db (db_default) after crawl_cli_finish */
    char *db_default;
    bool no_db;      /* --no-db */
    char *argv_json; /* the command's arguments, for the store's run record */
};

void crawl_cli_init(struct crawl_cli *cli, const char *command);
/* Apply one option getopt_long returned (any value it does not know is a usage error). Returns 0,
 * or the exit code after printing the problem. */
int crawl_cli_apply(struct crawl_cli *cli, int option, const char *value, char **argv);
/* The positional URL (argv[optind]) and the checks across options. 0 or an exit code. */
int crawl_cli_finish(struct crawl_cli *cli, int argc, char **argv);
void crawl_cli_free(struct crawl_cli *cli);

/* The URL the crawl starts from (the positional URL, or --site-url with --root). */
const char *crawl_cli_start_url(const struct crawl_cli *cli);

/* The lines a run's summary adds about what it could not vouch for: URLs blocked by a rate limit
 * or bot wall, and -k (certificates not verified). Nothing when neither applies. */
void crawl_cli_print_caveats(const struct crawl_cli *cli, const struct crawl_result *result, FILE *out);

/* The crawl store's path (--db, default OUT/crawl.db), or NULL with --no-db or `--out -`. */
const char *crawl_cli_db(const struct crawl_cli *cli);

/* Whether the crawl files are written: false for `--out -` (audit: one format to stdout). */
bool crawl_cli_writes_files(const struct crawl_cli *cli);

/* The environment variable that holds USER:PASSWORD for basic auth (like -u, which wins), so the
 * secret stays out of `ps` and CI logs. */
#define CRAWL_CLI_USER_VARIABLE "CRAWLPACK_USER"

/* Install the SIGINT / SIGTERM handler that sets the crawl's stop flag (crawl_cli_finish points
 * crawl.stop_flag at it): the first Ctrl-C stops the crawl and what was found is still written;
 * a second signal within two seconds is the same interrupt (GNU timeout sends two), a later one
 * ends the process. */
void crawl_cli_catch_stop_signals(void);
/* The flag that handler sets (the one every crawl_cli's crawl.stop_flag points at), for a command
 * that runs more than one crawl and must stop between them too (fleet worker). */
volatile sig_atomic_t *crawl_cli_stop_flag(void);

/* Create the output folder, crawl (Ctrl-C stops it) and write pages.csv, links.csv, sitemaps.csv
 * and crawl.json (none of them with `--out -`). A crawl that could not reach its start page
 * (unreachable or blocked: result->start_outcome) still writes those files, then prints
 * "crawlpack COMMAND: cannot crawl URL: why" and returns EXIT_RUNTIME.
 * started_at receives the start time as "YYYY-MM-DDTHH:MM:SSZ" (at least 32 bytes) and *started
 * the same as seconds. Returns 0 with *result filled (interrupted or not: see
 * result->interrupted; the caller frees it with crawl_result_free), or an exit code after printing
 * the problem (*result is then already freed). */
int crawl_cli_run(struct crawl_cli *cli, struct crawl_result *result, char *started_at, time_t *started);

#endif
