/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/handoff: a FIFO of pointers between threads (the crawl's response and outcome queues).
 *
 * Any number of threads may push and pop at once. handoff_pop blocks until an item arrives or the
 * queue is closed and empty; handoff_try_pop never blocks. An optional wake callback runs after a
 * push onto an empty queue (the crawl uses it to wake the fetch loop out of its network wait): a
 * popper that empties the queue before it waits misses no item, and a busy one is not woken once
 * per item (a system call each, most of them refused by a full wake-up socket).
 * Memory: the queue stores pointers only; items belong to whoever pops them. handoff_free frees
 * the queue's own nodes, not the items (drain it first). Errors: handoff_push returns CP_OK or
 * CP_ERR_NOMEM. */
#ifndef CRAWLPACK_CRAWLER_HANDOFF_H
#define CRAWLPACK_CRAWLER_HANDOFF_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct handoff_node;

struct handoff {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    struct handoff_node *head, *tail;
    size_t count;
    bool closed;
    void (*wake)(void *context);
    void *wake_context;
};

void handoff_init(struct handoff *queue, void (*wake)(void *context), void *wake_context);
void handoff_free(struct handoff *queue);
int handoff_push(struct handoff *queue, void *item);
/* The oldest item, or NULL once the queue is closed and empty. */
void *handoff_pop(struct handoff *queue);
void *handoff_try_pop(struct handoff *queue);
/* Wait at most timeout_ms for an item (NULL when none came). */
void *handoff_pop_timed(struct handoff *queue, long timeout_ms);
/* Wake every waiting popper; pops then return NULL once the queue is empty. */
void handoff_close(struct handoff *queue);

#endif
