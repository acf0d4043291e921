/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/link_rows: links.csv's rows, formatted and written on a thread of their own (see link_rows.h). */
#include "crawler/link_rows.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_output.h"
#include "linkgraph/graph.h"

static void write_rows(struct link_rows *w, const struct link_batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        const struct link_row *r = &b->rows[i];
        char rel[GRAPH_REL_TEXT_SIZE];
        graph_edge_rel_text(r->meta, rel, sizeof rel);
        /* <link rel=next/prev> (or a Link header's) is its own kind: no <a> a visitor can click,
         * though the graph follows it as a link (rel_extra is set for those only). */
        const char *kind = r->rel_extra ? r->rel_extra : graph_edge_kind_name(graph_edge_kind(r->meta));
        /* ftello reads stdio's own count of the offset (link_rows_start) */
        bool canonical = !r->rel_extra && graph_edge_kind(r->meta) == GRAPH_EDGE_CANONICAL;
        link_index_add(&w->index, w->index.complete ? (int64_t)ftello(w->out) : -1, b->source_node, r->target_node,
                       canonical);
        crawl_output_link_row(w->out, b->source, r->target, kind, rel, r->anchor, r->followable, r->rendered,
                              (r->meta & GRAPH_EDGE_FROM_HEADER) != 0);
    }
}

/* Write b's rows, free it and its owner; returns the rows it lost. */
static size_t write_batch(struct link_rows *w, struct link_batch *b)
{
    write_rows(w, b);
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
    struct batch_queue_node *items;
    while (batch_queue_take(&w->queue, -1, &items)) {
        size_t written = 0;
        while (items) {
            struct batch_queue_node *next = items->next;
            lost += write_batch(w, (struct link_batch *)items);
            written++;
            items = next;
        }
        batch_queue_done(&w->queue, written);
    }
    return (void *)(uintptr_t)lost;
}

void link_rows_start(struct link_rows *w, FILE *out, void (*free_owner)(void *owner),
                     const struct link_index_limits *limits)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->free_owner = free_owner;
    link_index_start(&w->index, out ? limits : NULL);
    /* stdio keeps the stream's offset from here on (it does not after fopen): ftello for the index
     * is then free, not a system call for each row. */
    w->index.complete = w->index.complete && fseeko(out, 0, SEEK_CUR) == 0;
    if (!out)
        return;
    batch_queue_init(&w->queue, LINK_ROWS_WAKE_BATCH, LINK_ROWS_MAX_QUEUED);
    /* No thread: every hand writes its rows there and then. */
    w->started = pthread_create(&w->thread, NULL, writer_main, w) == 0;
}

struct link_batch *link_rows_batch(struct link_rows *w, const char *source, uint32_t source_node)
{
    if (!w->out)
        return NULL;
    struct link_batch *b = calloc(1, sizeof *b);
    if (!b) {
        w->lost++;
        return NULL;
    }
    b->source = source;
    b->source_node = source_node;
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

void link_rows_hand(struct link_rows *w, struct link_batch *b, void *owner)
{
    if (!b)
        return;
    b->owner = owner;
    if (!owner)
        copy_strings(b);
    if (w->started)
        batch_queue_push(&w->queue, &b->node);
    else
        w->lost += write_batch(w, b);
}

size_t link_rows_stop(struct link_rows *w)
{
    if (w->started) {
        batch_queue_close(&w->queue);
        void *lost = NULL;
        pthread_join(w->thread, &lost);
        w->lost += (size_t)(uintptr_t)lost;
        w->started = false;
    }
    link_index_finish(&w->index);
    if (w->out) {
        batch_queue_destroy(&w->queue);
        w->out = NULL; /* a second stop, and any hand after it, does nothing */
    }
    return w->lost;
}
