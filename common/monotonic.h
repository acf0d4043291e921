/* SPDX-License-Identifier: Apache-2.0 */
/* common/monotonic: condition variables on CLOCK_MONOTONIC and the time a bounded wait on one ends
 * at (common/batch_queue, crawler/handoff). Any thread; no state. */
#ifndef CRAWLPACK_COMMON_MONOTONIC_H
#define CRAWLPACK_COMMON_MONOTONIC_H

#include <pthread.h>
#include <time.h>

/* A condition variable whose timed waits run on CLOCK_MONOTONIC (a clock change never stretches
 * or cuts them short). */
static inline void monotonic_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attributes);
    pthread_condattr_destroy(&attributes);
}

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
