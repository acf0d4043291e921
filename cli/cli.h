/* SPDX-License-Identifier: Apache-2.0 */
/* cli/cli: what every subcommand shares — exit codes, the command table's entry type, and the
 * usage-error messages, so every command reports a bad option the same way.
 *
 * Only cli/ may exit the process; modules below return status codes instead. */
#ifndef CRAWLPACK_CLI_CLI_H
#define CRAWLPACK_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes, documented in README.md. */
enum cli_exit {
    EXIT_OK = 0,            /* success, nothing at or above the failure threshold */
    EXIT_PROBLEMS = 1,      /* the command ran and found problems (invalid URL, findings, ...) */
    EXIT_USAGE = 2,         /* bad command line */
    EXIT_RUNTIME = 3,       /* I/O, network or memory failure */
    EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM; reports for what was done were still written */
};

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;
};

/* The command table (cli/main.c). */
extern const struct cli_command cli_commands[];
const struct cli_command *cli_find_command(const char *name);

/* Print "crawlpack COMMAND: MESSAGE" and a hint to --help on stderr; return EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Report the option getopt_long rejected (it returned '?' or ':'; optstrings start with ':' so
 * both cases reach here) and return EXIT_USAGE. */
int cli_option_error(const char *command, int getopt_result, char **argv);

/* Reset getopt's global state before a subcommand parses its own argv. */
void cli_reset_getopt(void);

/* Parse a non-negative integer option value; returns 0 or -1 (and prints a usage error). */
int cli_parse_long(const char *command, const char *option, const char *text, long min, long max, long *out);

/* --cacert FILE: a readable regular file (a PEM bundle), checked before any request. 0, or
 * EXIT_USAGE after printing "crawlpack COMMAND: --cacert FILE: reason". */
int cli_check_cacert(const char *command, const char *path);

/* An input file named on the command line can be opened for reading ("-" is standard input).
 * 0, or EXIT_USAGE after printing "crawlpack COMMAND: cannot read PATH: reason": a missing input
 * is a usage error in every command (README, exit codes). */
int cli_check_input_file(const char *command, const char *path);

/* Whether a command-line argument names an http:// or https:// URL (fetched) rather than a file. */
bool cli_is_http_url(const char *argument);

/* Read at most cap bytes of path ("-": standard input) into *body (malloc'd, the caller frees it)
 * and *length. Returns CP_OK, or CP_ERR_IO / CP_ERR_NOMEM after printing
 * "crawlpack COMMAND: cannot read PATH: reason". */
int cli_read_file(const char *command, const char *path, size_t cap, char **body, size_t *length);

/* Subcommands, one file each in cli/. */
int cmd_diff(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_crawl(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_robots(int argc, char **argv);
int cmd_sitemap(int argc, char **argv);
int cmd_url(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_fleet(int argc, char **argv);

#endif
