/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/depth: click depth from the start pages, over followable edges and over any-link edges.
 *
 * Links cost one click, redirects and refreshes none, so this is a 0-1 breadth-first search: a
 * double-ended queue where zero-click targets go to the front and one-click targets to the back.
 * A page's depth can drop at most once (from d + 1 to d) after it is first reached, so each page is
 * queued at most twice and its edges are scanned once. While pages of depth d are expanded, every
 * reached page has depth d or d + 1, so a one-click edge only matters for an unreached page: that
 * test reads a bitmap (1 bit per page, cache-resident) instead of the 4-byte depths. */
#include <stdlib.h>
#include <string.h>

#include "linkgraph/analysis.h"
#include "linkgraph/analysis_internal.h"
#include "common/huge_pages.h"

struct deque {
    uint32_t *items;
    size_t capacity, head, count;
};

static void push_front(struct deque *q, uint32_t page)
{
    q->head = q->head == 0 ? q->capacity - 1 : q->head - 1;
    q->items[q->head] = page;
    q->count++;
}

static void push_back(struct deque *q, uint32_t page)
{
    q->items[(q->head + q->count) % q->capacity] = page;
    q->count++;
}

static uint32_t pop_front(struct deque *q)
{
    uint32_t page = q->items[q->head];
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    return page;
}

static bool edge_counts(bool followable_only, uint8_t meta, bool source_passes_links)
{
    return followable_only ? edge_is_followable(meta, source_passes_links) : edge_is_any_link(meta);
}

static bool bit_test(const uint64_t *bits, uint32_t id)
{
    return bits[id >> 6] & ((uint64_t)1 << (id & 63));
}

static void bit_set(uint64_t *bits, uint32_t id)
{
    bits[id >> 6] |= (uint64_t)1 << (id & 63);
}

static void click_depths(const struct graph *graph, const uint8_t *classes, bool followable_only, uint32_t *depths,
                         struct deque *queue, uint8_t *expanded, uint64_t *reached)
{
    uint32_t n = graph_node_count(graph);
    queue->head = queue->count = 0;
    memset(reached, 0, ((size_t)n / 64 + 1) * sizeof *reached);
    for (uint32_t id = 0; id < n; id++) {
        expanded[id] = 0;
        depths[id] = GRAPH_UNREACHED;
        if (graph_node(graph, id)->flags & GRAPH_NODE_START) {
            depths[id] = 0;
            bit_set(reached, id);
            push_back(queue, id);
        }
    }
    while (queue->count > 0) {
        uint32_t page = pop_front(queue);
        if (expanded[page])
            continue; /* queued again after its depth dropped; already expanded at the lower one */
        expanded[page] = 1;
        uint32_t depth = depths[page];
        bool passes = classes[page] & PAGE_PASSES_LINKS;
        struct graph_edges out = graph_out_edges(graph, page);
        for (uint32_t e = 0; e < out.count; e++) {
            uint8_t meta = out.meta[e];
            if (!edge_counts(followable_only, meta, passes))
                continue;
            uint32_t target = out.nodes[e];
            if (edge_costs_no_click(meta)) {
                if (depths[target] > depth) {
                    depths[target] = depth;
                    bit_set(reached, target);
                    push_front(queue, target);
                }
            } else if (!bit_test(reached, target)) {
                depths[target] = depth + 1;
                bit_set(reached, target);
                push_back(queue, target);
            }
        }
    }
}

int graph_analyze_depth(struct graph_analysis *analysis, const struct graph *graph)
{
    int status = analysis_check(analysis, graph);
    if (status != CP_OK)
        return status;
    /* Each page is queued at most twice. */
    struct deque queue = {.capacity = 2 * (size_t)analysis->node_count + 1};
    queue.items = malloc(queue.capacity * sizeof *queue.items);
    uint8_t *expanded = malloc((size_t)analysis->node_count + 1);
    uint64_t *reached = malloc(((size_t)analysis->node_count / 64 + 1) * sizeof *reached);
    uint8_t *classes = page_classes_build(graph);
    if (queue.items && expanded && reached && classes) {
        advise_huge_pages(queue.items, queue.capacity * sizeof *queue.items);
        click_depths(graph, classes, true, analysis->depth_followable, &queue, expanded, reached);
        click_depths(graph, classes, false, analysis->depth_any, &queue, expanded, reached);
    } else {
        status = CP_ERR_NOMEM;
    }
    free(queue.items);
    free(expanded);
    free(reached);
    free(classes);
    return status;
}
