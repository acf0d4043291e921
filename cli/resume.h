/* SPDX-License-Identifier: Apache-2.0 */
/* cli/resume: `audit --resume` — the command line of the store's last unfinished run, so the run
 * continues with the options it was started with (docs/store.md).
 *
 * The store is --db FILE, or OUT/crawl.db for --out OUT (default out/crawl.db). Its last run must
 * not have completed (killed, or interrupted by Ctrl-C) and must be a run of `command`. The new
 * command line is the stored arguments (without the values the store does not keep: -u, --cookie,
 * -H), then the arguments given now other than --resume (so credentials can be given again).
 * Main thread only. Memory: cli_resumed_free releases argv. Errors: 0, or an exit code after the
 * problem was printed. */
#ifndef CRAWLPACK_CLI_RESUME_H
#define CRAWLPACK_CLI_RESUME_H

#include <stdbool.h>
#include <stdint.h>

struct cli_resumed {
    int argc;
    char **argv; /* argv[0] is the command; NULL-terminated */
    int64_t run; /* the store's run to continue */
};

/* Whether the arguments ask for --resume. */
bool cli_wants_resume(int argc, char **argv);
int cli_resume_arguments(const char *command, int argc, char **argv, struct cli_resumed *out);
void cli_resumed_free(struct cli_resumed *resumed);

#endif
