/* SPDX-License-Identifier: Apache-2.0 */
/* common/log: messages for the user on stderr.
 *
 * Every line starts with "crawlpack: " so it stands out in CI logs. log_error and log_warn always
 * print; log_info prints at verbosity >= 1 (--verbose), log_debug at >= 2. Any thread may call
 * these: each message is written with one locked stdio call, so lines never interleave.
 * log_set_verbosity is meant for the CLI, before threads start. */
#ifndef CRAWLPACK_COMMON_LOG_H
#define CRAWLPACK_COMMON_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* -1 quiet (errors only), 0 default (errors and warnings), 1 verbose, 2 debug. */
void log_set_verbosity(int verbosity);
int log_verbosity(void);

void log_message(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_message(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_message(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_message(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
