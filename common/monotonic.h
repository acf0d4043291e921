/* SPDX-License-Identifier: Apache-2.0 */
/* common/monotonic: the CLOCK_MONOTONIC time a bounded wait ends at, for pthread_cond_timedwait on a
 * condition variable set to that clock (common/batch_queue, crawler/handoff). Any thread; no state. */
#ifndef CRAWLPACK_COMMON_MONOTONIC_H
#define CRAWLPACK_COMMON_MONOTONIC_H

#include <time.h>

/* Now plus ms milliseconds (ms >= 0). */
static inline struct timespec monotonic_after_ms(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

#endif
