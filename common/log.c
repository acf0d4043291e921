/* SPDX-License-Identifier: Apache-2.0 */
/* common/log: stderr messages with a level filter (see log.h). */
#include "common/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_int current_verbosity = 0;

void log_set_verbosity(int verbosity)
{
    atomic_store(&current_verbosity, verbosity);
}

int log_verbosity(void)
{
    return atomic_load(&current_verbosity);
}

static int level_is_shown(enum log_level level)
{
    int verbosity = atomic_load(&current_verbosity);
    switch (level) {
    case LOG_LEVEL_ERROR: return 1;
    case LOG_LEVEL_WARN: return verbosity >= 0;
    case LOG_LEVEL_INFO: return verbosity >= 1;
    case LOG_LEVEL_DEBUG: return verbosity >= 2;
    }
    return 0;
}

void log_message(enum log_level level, const char *fmt, ...)
{
    if (!level_is_shown(level))
        return;
    static const char *const prefix[] = {"", "warning: ", "", "debug: "};
    va_list ap;
    va_start(ap, fmt);
    flockfile(stderr);
    fprintf(stderr, "crawlpack: %s", prefix[level]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}
