/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/handoff: a locked FIFO of pointers with a condition variable (see handoff.h). */
#include "crawler/handoff.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "common/error.h"
#include "common/monotonic.h"

struct handoff_node {
    struct handoff_node *next;
    void *item;
};

void handoff_init(struct handoff *q, void (*wake)(void *context), void *wake_context)
{
    pthread_mutex_init(&q->lock, NULL);
    monotonic_cond_init(&q->ready);
    q->head = q->tail = NULL;
    q->count = 0;
    q->closed = false;
    q->wake = wake;
    q->wake_context = wake_context;
}

void handoff_free(struct handoff *q)
{
    while (q->head) {
        struct handoff_node *n = q->head;
        q->head = n->next;
        free(n);
    }
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->ready);
}

int handoff_push(struct handoff *q, void *item)
{
    struct handoff_node *n = malloc(sizeof(*n));
    if (!n)
        return CP_ERR_NOMEM;
    n->next = NULL;
    n->item = item;
    pthread_mutex_lock(&q->lock);
    bool was_empty = q->head == NULL;
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    q->count++;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
    if (q->wake && was_empty)
        q->wake(q->wake_context);
    return CP_OK;
}

/* Called with the lock held and an item present. */
static void *take(struct handoff *q)
{
    struct handoff_node *n = q->head;
    q->head = n->next;
    if (!q->head)
        q->tail = NULL;
    q->count--;
    void *item = n->item;
    free(n);
    return item;
}

void *handoff_pop(struct handoff *q)
{
    pthread_mutex_lock(&q->lock);
    while (!q->head && !q->closed)
        pthread_cond_wait(&q->ready, &q->lock);
    void *item = q->head ? take(q) : NULL;
    pthread_mutex_unlock(&q->lock);
    return item;
}

void *handoff_try_pop(struct handoff *q)
{
    pthread_mutex_lock(&q->lock);
    void *item = q->head ? take(q) : NULL;
    pthread_mutex_unlock(&q->lock);
    return item;
}

void *handoff_pop_timed(struct handoff *q, long timeout_ms)
{
    struct timespec deadline = monotonic_after_ms(timeout_ms);
    pthread_mutex_lock(&q->lock);
    int rc = 0;
    while (!q->head && !q->closed && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&q->ready, &q->lock, &deadline);
    void *item = q->head ? take(q) : NULL;
    pthread_mutex_unlock(&q->lock);
    return item;
}

void handoff_close(struct handoff *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
}
