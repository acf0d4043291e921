/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/link_rows: links.csv's rows, formatted and written on a thread of their own (see link_rows.h). */
#include "crawler/link_rows.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawler/crawl_output.h"
#include "linkgraph/graph.h"

/* How long a hand waits for room in the queue at most, all waits together: past it the queue grows
 * (the writer is stuck on the disk; its rows are still written when it comes back). */
#define HAND_WAIT_MAX_MS 10000
#define HAND_WAIT_SLICE_MS 100

static void write_rows(FILE *out, const struct link_batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        const struct link_row *r = &b->rows[i];
        char rel[GRAPH_REL_TEXT_SIZE];
        graph_edge_rel_text(r->meta, rel, sizeof rel);
        /* <link rel=next/prev> (or a Link header's) is its own kind: no <a> a visitor can click,
         * though the graph follows it as a link (rel_extra is set for those only). */
        const char *kind = r->rel_extra ? r->rel_extra : graph_edge_kind_name(graph_edge_kind(r->meta));
        crawl_output_link_row(out, b->source, r->target, kind, rel, r->anchor, r->followable, r->rendered,
                              (r->meta & GRAPH_EDGE_FROM_HEADER) != 0);
    }
}

/* Write b's rows, free it and its owner; returns the rows it lost. */
static size_t write_batch(struct link_rows *w, struct link_batch *b)
{
    write_rows(w->out, b);
    size_t lost = b->lost;
    if (b->owner && w->free_owner)
        w->free_owner(b->owner);
    free(b->copies);
    free(b->rows);
    free(b);
    return lost;
}

static void *writer_main(void *arg)
{
    struct link_rows *w = arg;
    size_t lost = 0;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->queued < LINK_ROWS_WAKE_BATCH && !w->closed)
            pthread_cond_wait(&w->ready, &w->lock);
        if (!w->head)
            break;
        struct link_batch *batch = w->head; /* every batch queued so far, written outside the lock */
        w->head = w->tail = NULL;
        pthread_mutex_unlock(&w->lock);
        size_t written = 0;
        while (batch) {
            struct link_batch *next = batch->next;
            lost += write_batch(w, batch);
            written++;
            batch = next;
        }
        pthread_mutex_lock(&w->lock);
        w->queued -= written;
        pthread_cond_broadcast(&w->space);
    }
    pthread_mutex_unlock(&w->lock);
    return (void *)(uintptr_t)lost;
}

void link_rows_start(struct link_rows *w, FILE *out, void (*free_owner)(void *owner))
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->free_owner = free_owner;
    if (!out)
        return;
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&w->ready, &attributes);
    pthread_cond_init(&w->space, &attributes);
    pthread_condattr_destroy(&attributes);
    /* No thread: every hand writes its rows there and then. */
    w->started = pthread_create(&w->thread, NULL, writer_main, w) == 0;
}

struct link_batch *link_rows_batch(struct link_rows *w, const char *source)
{
    if (!w->out)
        return NULL;
    struct link_batch *b = calloc(1, sizeof *b);
    if (!b) {
        w->lost++;
        return NULL;
    }
    b->source = source;
    return b;
}

void link_rows_add(struct link_batch *b, const struct link_row *row)
{
    if (!b)
        return;
    if (b->count == b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : 64;
        struct link_row *grown = realloc(b->rows, capacity * sizeof *grown);
        if (!grown) {
            b->lost++;
            return;
        }
        b->rows = grown;
        b->capacity = capacity;
    }
    b->rows[b->count++] = *row;
}

/* The rows' anchor and rel_extra strings into one block the batch owns. */
static void copy_strings(struct link_batch *b)
{
    size_t size = 0;
    for (size_t i = 0; i < b->count; i++)
        size += (b->rows[i].anchor ? strlen(b->rows[i].anchor) + 1 : 0) +
                (b->rows[i].rel_extra ? strlen(b->rows[i].rel_extra) + 1 : 0);
    char *at = b->copies = malloc(size ? size : 1);
    if (!at) {
        b->lost += b->count;
        b->count = 0;
        return;
    }
    for (size_t i = 0; i < b->count; i++) {
        struct link_row *r = &b->rows[i];
        if (r->anchor) {
            size_t n = strlen(r->anchor) + 1;
            r->anchor = memcpy(at, r->anchor, n);
            at += n;
        }
        if (r->rel_extra) {
            size_t n = strlen(r->rel_extra) + 1;
            r->rel_extra = memcpy(at, r->rel_extra, n);
            at += n;
        }
    }
}

static void add_millis(struct timespec *t, long ms)
{
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

void link_rows_hand(struct link_rows *w, struct link_batch *b, void *owner)
{
    if (!b)
        return;
    b->owner = owner;
    if (!owner)
        copy_strings(b);
    if (!w->started) {
        w->lost += write_batch(w, b);
        return;
    }
    pthread_mutex_lock(&w->lock);
    for (long waited = 0; w->queued >= LINK_ROWS_MAX_QUEUED && waited < HAND_WAIT_MAX_MS;
         waited += HAND_WAIT_SLICE_MS) {
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        add_millis(&deadline, HAND_WAIT_SLICE_MS);
        pthread_cond_timedwait(&w->space, &w->lock, &deadline);
    }
    if (w->tail)
        w->tail->next = b;
    else
        w->head = b;
    w->tail = b;
    if (++w->queued == LINK_ROWS_WAKE_BATCH)
        pthread_cond_signal(&w->ready);
    pthread_mutex_unlock(&w->lock);
}

size_t link_rows_stop(struct link_rows *w)
{
    if (w->started) {
        pthread_mutex_lock(&w->lock);
        w->closed = true;
        pthread_cond_signal(&w->ready);
        pthread_mutex_unlock(&w->lock);
        void *lost = NULL;
        pthread_join(w->thread, &lost);
        w->lost += (size_t)(uintptr_t)lost;
        w->started = false;
    }
    if (w->out) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->ready);
        pthread_cond_destroy(&w->space);
        w->out = NULL; /* a second stop, and any hand after it, does nothing */
    }
    return w->lost;
}
