/* SPDX-License-Identifier: Apache-2.0 */
/* common/batch_queue: a bounded FIFO from one producer thread to one writer thread, which takes
 * what waits in batches (links.csv's rows, crawler/link_rows; the store's page rows, store/store).
 *
 * Design: the writer is woken when wake_at items wait (or the queue is closed), not once per item:
 * a wake-up is a system call on both sides, and a writer faster than its producer would otherwise
 * sleep and wake for every item. batch_queue_take hands the writer everything queued at once; the
 * items count against the bound until batch_queue_done says they are written, so at most max items
 * are ever in memory. A push past max waits for room in bounded slices (BATCH_QUEUE_WAIT_MAX_MS in
 * all; past it the queue grows rather than stall the producer for good).
 *
 * Items are intrusive: each embeds a struct batch_queue_node, its first member. Threads: push from
 * the producer, take and done from the writer, close from either; init and destroy with no other
 * thread using the queue. Memory: the queue owns no item. Errors: none (nothing is allocated). */
#ifndef CRAWLPACK_COMMON_BATCH_QUEUE_H
#define CRAWLPACK_COMMON_BATCH_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define BATCH_QUEUE_WAIT_MAX_MS 10000

struct batch_queue_node {
    struct batch_queue_node *next;
};

struct batch_queue {
    pthread_mutex_t lock;
    pthread_cond_t ready, space;
    struct batch_queue_node *head, *tail;
    size_t queued; /* pushed and not yet done */
    size_t wake_at, max;
    bool closed;
};

void batch_queue_init(struct batch_queue *q, size_t wake_at, size_t max);
void batch_queue_destroy(struct batch_queue *q);
void batch_queue_push(struct batch_queue *q, struct batch_queue_node *item);
/* Wait until wake_at items wait, the queue is closed, or wait_ms pass (wait_ms < 0: no limit),
 * then take every item queued, oldest first, into *items (NULL when none). Returns false once the
 * queue is closed and empty: the writer is done. */
bool batch_queue_take(struct batch_queue *q, long wait_ms, struct batch_queue_node **items);
/* The writer finished count items it took: room for the producer. */
void batch_queue_done(struct batch_queue *q, size_t count);
void batch_queue_close(struct batch_queue *q);

#endif
