/* SPDX-License-Identifier: Apache-2.0 */
/* cli/audit_cli: `crawlpack audit`'s option parser for another command that runs audits from an
 * audit's command line (fleet: a job carries audit options, a worker audits with them).
 *
 * audit_cli_prepare parses argv exactly as `crawlpack audit` does (argv[0] is "audit"; messages on
 * stderr as "crawlpack audit: ..."), audit_cli_request fills an audit_request from it (pointing
 * into the parsed options and into argv: keep both until the audit is done), audit_cli_release
 * frees it. Threads: the main thread only (getopt's state is global; call cli_reset_getopt first).
 * Errors: audit_cli_prepare returns 0 or an exit code from cli/cli.h (EXIT_USAGE for --help too). */
#ifndef CRAWLPACK_CLI_AUDIT_CLI_H
#define CRAWLPACK_CLI_AUDIT_CLI_H

#include "audit/audit_run.h"

struct audit_cli;

int audit_cli_prepare(int argc, char **argv, struct audit_cli **out);
void audit_cli_request(struct audit_cli *cli, struct audit_request *request);
void audit_cli_release(struct audit_cli *cli);
/* Whether a command-line token is one of audit's options: -1 not one, 0 complete in itself (a flag,
 * --name=value or -Xvalue), 1 its value is the next argument. */
int audit_cli_option_arity(const char *token);

#endif
