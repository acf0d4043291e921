/* SPDX-License-Identifier: Apache-2.0 */
/* cli/config_file: a YAML configuration file (.crawlpack.yml, --config FILE) read into plain
 * entries for `crawlpack audit` (docs/config.md).
 *
 * The file is a mapping. Its keys are the audit's long option names (`max-pages: 500`,
 * `exclude: [...]` for a repeatable option, `ignore-robots: true` for a flag), plus three sections:
 * `rules:` (RULE: off | error | warning | notice), `ignore:` (a list of {rule, url, reason}) and
 * `thresholds:` (RULE: number). This module checks the shapes and keeps each value with its line;
 * the command applies the options through the same code as its command line, so a value means
 * the same in both places.
 *
 * Threads: main thread only. Memory: everything is owned by the struct (config_file_free).
 * Errors: CP_OK; CP_ERR_IO (cannot read); CP_ERR_INVALID (not YAML, or a wrong shape: the message,
 * "FILE:LINE: ...", is printed on stderr after "crawlpack COMMAND: "); CP_ERR_NOMEM. Unknown
 * section entries are warnings (printed, counted), not errors. */
#ifndef CRAWLPACK_CLI_CONFIG_FILE_H
#define CRAWLPACK_CLI_CONFIG_FILE_H

#include <stddef.h>

/* The file read when no --config is given and it exists in the current folder. */
#define CONFIG_FILE_DEFAULT ".crawlpack.yml"

struct config_value {
    char *key;   /* option name, rule id (rules:, thresholds:) */
    char *value; /* scalar text; "true"/"false" for a flag as written */
    unsigned line;
};

struct config_ignore {
    char *rule;   /* NULL: every rule */
    char *url;    /* POSIX ERE; NULL: every URL */
    char *reason; /* never NULL */
    unsigned line;
};

struct config_file {
    char *path;
    struct config_value *options; /* a repeatable option given as a list: one entry per item */
    size_t option_count;
    struct config_value *rules;
    size_t rule_count;
    struct config_value *thresholds;
    size_t threshold_count;
    struct config_ignore *ignores;
    size_t ignore_count;
    size_t warnings;
};

int config_file_load(const char *command, const char *path, struct config_file *config);
void config_file_free(struct config_file *config);

#endif
