/* SPDX-License-Identifier: Apache-2.0 */
/* common/batch_queue: a bounded producer-to-writer FIFO taken in batches (see batch_queue.h). */
#include "common/batch_queue.h"

#include <errno.h>

#include "common/monotonic.h"

#define WAIT_SLICE_MS 100

void batch_queue_init(struct batch_queue *q, size_t wake_at, size_t max)
{
    pthread_mutex_init(&q->lock, NULL);
    monotonic_cond_init(&q->ready);
    monotonic_cond_init(&q->space);
    q->head = q->tail = NULL;
    q->queued = 0;
    q->wake_at = wake_at ? wake_at : 1;
    q->max = max > q->wake_at ? max : q->wake_at;
    q->closed = false;
}

void batch_queue_destroy(struct batch_queue *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->ready);
    pthread_cond_destroy(&q->space);
}

void batch_queue_push(struct batch_queue *q, struct batch_queue_node *item)
{
    item->next = NULL;
    pthread_mutex_lock(&q->lock);
    for (long waited = 0; q->queued >= q->max && waited < BATCH_QUEUE_WAIT_MAX_MS; waited += WAIT_SLICE_MS) {
        struct timespec deadline = monotonic_after_ms(WAIT_SLICE_MS);
        pthread_cond_timedwait(&q->space, &q->lock, &deadline);
    }
    if (q->tail)
        q->tail->next = item;
    else
        q->head = item;
    q->tail = item;
    if (++q->queued == q->wake_at)
        pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
}

bool batch_queue_take(struct batch_queue *q, long wait_ms, struct batch_queue_node **items)
{
    pthread_mutex_lock(&q->lock);
    struct timespec deadline = monotonic_after_ms(wait_ms > 0 ? wait_ms : 0);
    bool timed_out = wait_ms == 0;
    while (q->queued < q->wake_at && !q->closed && !timed_out) {
        if (wait_ms < 0)
            pthread_cond_wait(&q->ready, &q->lock);
        else
            timed_out = pthread_cond_timedwait(&q->ready, &q->lock, &deadline) == ETIMEDOUT;
    }
    *items = q->head;
    q->head = q->tail = NULL;
    bool more = *items || !q->closed;
    pthread_mutex_unlock(&q->lock);
    return more;
}

void batch_queue_done(struct batch_queue *q, size_t count)
{
    pthread_mutex_lock(&q->lock);
    q->queued -= count < q->queued ? count : q->queued;
    pthread_cond_broadcast(&q->space);
    pthread_mutex_unlock(&q->lock);
}

void batch_queue_close(struct batch_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
}
