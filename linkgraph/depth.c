/* linkgraph/depth: click depth from the start pages, over followable edges and over any-link edges.
 *
 * A breadth-first search where redirects and refreshes cost no click: each level is first closed
 * under zero-click edges, then expanded by one click into the next level. A page therefore gets
 * its final depth the first time it is reached, and each page enters the queue once. */
#include <stdlib.h>

#include "linkgraph/analysis.h"
#include "linkgraph/analysis_internal.h"

static bool edge_counts(bool followable_only, uint8_t meta, bool source_passes_links)
{
    return followable_only ? edge_is_followable(meta, source_passes_links) : edge_is_any_link(meta);
}

/* Expand queue[from..*tail) along edges that cost `no_click` (true: zero clicks), giving newly
 * reached pages `depth`. With no_click the range grows as pages are appended, closing the level. */
static void expand(const struct graph *graph, bool followable_only, bool no_click, uint32_t *depths,
                   uint32_t *queue, uint32_t from, uint32_t end, uint32_t *tail, uint32_t depth)
{
    for (uint32_t i = from; i < (no_click ? *tail : end); i++) {
        uint32_t page = queue[i];
        bool passes = page_passes_links(graph_node(graph, page));
        struct graph_edges out = graph_out_edges(graph, page);
        for (uint32_t e = 0; e < out.count; e++) {
            uint32_t target = out.nodes[e];
            if (depths[target] != GRAPH_UNREACHED || edge_costs_no_click(out.meta[e]) != no_click ||
                !edge_counts(followable_only, out.meta[e], passes))
                continue;
            depths[target] = depth;
            queue[(*tail)++] = target;
        }
    }
}

static void click_depths(const struct graph *graph, bool followable_only, uint32_t *depths, uint32_t *queue)
{
    uint32_t n = graph_node_count(graph), tail = 0;
    for (uint32_t id = 0; id < n; id++) {
        depths[id] = GRAPH_UNREACHED;
        if (graph_node(graph, id)->flags & GRAPH_NODE_START) {
            depths[id] = 0;
            queue[tail++] = id;
        }
    }
    uint32_t level_start = 0;
    for (uint32_t depth = 0; level_start < tail; depth++) {
        expand(graph, followable_only, true, depths, queue, level_start, tail, &tail, depth);
        uint32_t level_end = tail;
        expand(graph, followable_only, false, depths, queue, level_start, level_end, &tail, depth + 1);
        level_start = level_end;
    }
}

int graph_analyze_depth(struct graph_analysis *analysis, const struct graph *graph)
{
    int status = analysis_check(analysis, graph);
    if (status != CP_OK)
        return status;
    uint32_t *queue = malloc(((size_t)analysis->node_count + 1) * sizeof *queue);
    if (!queue)
        return CP_ERR_NOMEM;
    click_depths(graph, true, analysis->depth_followable, queue);
    click_depths(graph, false, analysis->depth_any, queue);
    free(queue);
    return CP_OK;
}
