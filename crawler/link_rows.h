/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/link_rows: links.csv written on a thread of its own.
 *
 * Design: the fetch loop decides every row of a merged page (its target, kind, rel, anchor, whether
 * it is followable, whether only the rendered DOM has it) and hands the page's rows over as one
 * batch; the writer thread formats and writes the batches in the order they were handed, then
 * frees what each batch owns (the merged outcome its strings point into). Formatting a million
 * rows and freeing every merged outcome were a sixth of the fetch loop's time in a re-audit, on
 * the one thread that drives every request.
 *
 * Strings: source and target are the link graph's interned URLs, which never move while the graph
 * lives (linkgraph/graph.h); anchor and rel_extra belong to the batch's owner, or to the batch
 * itself when it is handed without one (link_rows_hand copies them then).
 *
 * Threads: link_rows_start, link_rows_batch, link_rows_add, link_rows_hand and link_rows_stop are
 * the fetch loop's; between start and stop the writer thread alone writes to the stream. When the
 * thread cannot start (or before start and after stop) a hand writes the rows there and then.
 * The queue (common/batch_queue) wakes the writer once LINK_ROWS_WAKE_BATCH batches wait (and at
 * stop): the rows are due only when the crawl ends. It holds at most LINK_ROWS_MAX_QUEUED batches:
 * a hand waits for the writer past it, in bounded waits.
 *
 * Errors: a batch that cannot be made (out of memory) loses its rows; link_rows_stop returns how
 * many rows were lost so the caller can fail links.csv rather than leave it short. */
#ifndef CRAWLPACK_CRAWLER_LINK_ROWS_H
#define CRAWLPACK_CRAWLER_LINK_ROWS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/batch_queue.h"
#include "crawler/link_index.h"

#define LINK_ROWS_WAKE_BATCH 64
#define LINK_ROWS_MAX_QUEUED 1024

struct link_row {
    const char *target;
    uint32_t target_node;  /* the target's graph node (link_index.h) */
    const char *rel_extra; /* "next"/"prev" for link rel=next|prev (their own kind), else NULL */
    const char *anchor;
    uint8_t meta;    /* the graph edge's kind and rel bits (linkgraph/graph.h) */
    int8_t rendered; /* 1: only the rendered DOM has it, 0: the raw HTML does, -1: no rendering */
    bool followable;
};

struct link_batch {
    struct batch_queue_node node; /* first: the queue's link */
    const char *source;
    uint32_t source_node;
    struct link_row *rows;
    size_t count, capacity;
    void *owner;  /* freed by the writer with free_owner once the rows are written (may be NULL) */
    char *copies; /* the rows' anchor and rel_extra strings when the batch has no owner */
    size_t lost;  /* rows that could not be added (out of memory) */
};

struct link_rows {
    FILE *out;
    /* Where the rows report.html may show start (link_index.h), and the row count. The writer's
     * while it runs; the caller's (link_index_free) after link_rows_stop. */
    struct link_index index;
    void (*free_owner)(void *owner);
    struct batch_queue queue;
    bool started;
    pthread_t thread;
    size_t lost; /* rows lost: the fetch loop's count, and the writer's once joined */
};

/* Ready w for out (NULL: no links.csv; every call below is then a no-op but for freeing owners)
 * and start the writer thread. free_owner frees a batch's owner (NULL: owners are not freed).
 * limits: the rows to list in w->index (NULL: none). */
void link_rows_start(struct link_rows *w, FILE *out, void (*free_owner)(void *owner),
                     const struct link_index_limits *limits);
/* A new batch of the rows of source (graph node source_node), or NULL when there is no stream (or
 * no memory: its rows are counted lost). */
struct link_batch *link_rows_batch(struct link_rows *w, const char *source, uint32_t source_node);
void link_rows_add(struct link_batch *b, const struct link_row *row);
/* Hand b over (NULL: nothing). owner is freed by the writer after the rows are written; with owner
 * NULL the rows' strings are copied first (their holder may be freed as soon as this returns). */
void link_rows_hand(struct link_rows *w, struct link_batch *b, void *owner);
/* Write what is queued, join the thread; returns the rows lost. The stream stays open. */
size_t link_rows_stop(struct link_rows *w);

#endif
