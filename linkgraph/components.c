/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/components: strongly connected components over followable edges (Tarjan's algorithm,
 * iterative: a site of a million pages would overflow the call stack), and which pages have a
 * followable path back to a start page (a breadth-first search over in-edges). */
#include <stdlib.h>

#include "linkgraph/analysis.h"
#include "linkgraph/analysis_internal.h"

#define UNVISITED UINT32_MAX

struct tarjan {
    const struct graph *graph;
    const uint8_t *classes;
    uint32_t *index, *low;
    uint32_t *next_edge; /* per page on the call stack: its next out-edge to look at */
    uint32_t *stack, stack_size;
    uint32_t *calls, call_count;
    uint32_t *component; /* UNVISITED until assigned: a visited page without one is on the stack */
    uint32_t counter, component_count;
};

static void visit(struct tarjan *t, uint32_t page)
{
    t->index[page] = t->low[page] = t->counter++;
    t->next_edge[page] = 0;
    t->stack[t->stack_size++] = page;
    t->calls[t->call_count++] = page;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Look at the page's remaining edges until one leads to an unvisited page (visited: true). */
static bool descend(struct tarjan *t, uint32_t page)
{
    struct graph_edges out = graph_out_edges(t->graph, page);
    bool passes = t->classes[page] & PAGE_PASSES_LINKS;
    while (t->next_edge[page] < out.count) {
        uint32_t e = t->next_edge[page]++;
        if (!edge_is_followable(out.meta[e], passes))
            continue;
        uint32_t target = out.nodes[e];
        if (t->index[target] == UNVISITED) {
            visit(t, target);
            return true;
        }
        if (t->component[target] == UNVISITED) /* on the stack */
            t->low[page] = min_u32(t->low[page], t->index[target]);
    }
    return false;
}

static void finish(struct tarjan *t, uint32_t page)
{
    t->call_count--;
    if (t->call_count > 0) {
        uint32_t caller = t->calls[t->call_count - 1];
        t->low[caller] = min_u32(t->low[caller], t->low[page]);
    }
    if (t->low[page] != t->index[page])
        return;
    uint32_t member;
    do {
        member = t->stack[--t->stack_size];
        t->component[member] = t->component_count;
    } while (member != page);
    t->component_count++;
}

static int strongly_connected(struct graph_analysis *analysis, const struct graph *graph, const uint8_t *classes)
{
    uint32_t n = analysis->node_count;
    size_t count = (size_t)n + 1;
    struct tarjan t = {.graph = graph, .classes = classes, .component = analysis->component};
    t.index = malloc(count * sizeof(uint32_t));
    t.low = malloc(count * sizeof(uint32_t));
    t.next_edge = malloc(count * sizeof(uint32_t));
    t.stack = malloc(count * sizeof(uint32_t));
    t.calls = malloc(count * sizeof(uint32_t));
    int status = CP_ERR_NOMEM;
    if (t.index && t.low && t.next_edge && t.stack && t.calls) {
        for (uint32_t id = 0; id < n; id++)
            t.index[id] = t.component[id] = UNVISITED;
        for (uint32_t root = 0; root < n; root++) {
            if (t.index[root] != UNVISITED)
                continue;
            visit(&t, root);
            while (t.call_count > 0) {
                uint32_t page = t.calls[t.call_count - 1];
                if (!descend(&t, page))
                    finish(&t, page);
            }
        }
        analysis->component_count = t.component_count;
        status = CP_OK;
    }
    free(t.index);
    free(t.low);
    free(t.next_edge);
    free(t.stack);
    free(t.calls);
    return status;
}

/* The home page: the first start page, or where its redirects lead (http -> https, / -> /en/). */
static uint32_t home_page(const struct graph *graph)
{
    uint32_t n = graph_node_count(graph), page = GRAPH_NO_NODE;
    for (uint32_t id = 0; id < n && page == GRAPH_NO_NODE; id++)
        if (graph_node(graph, id)->flags & GRAPH_NODE_START)
            page = id;
    for (uint32_t steps = 0; page != GRAPH_NO_NODE && steps < n; steps++) {
        uint32_t next = graph_node(graph, page)->redirect;
        if (next == GRAPH_NO_NODE)
            break;
        page = next;
    }
    return page;
}

/* Pages with a followable path to "the start": the start pages and every page they lead to
 * without a click (their redirects and refreshes: depth 0). Found by closing the start pages under
 * zero-click edges, then searching backwards over in-edges. */
static int reach_back(struct graph_analysis *analysis, const struct graph *graph, const uint8_t *classes)
{
    uint32_t n = analysis->node_count, tail = 0;
    uint32_t *queue = malloc(((size_t)n + 1) * sizeof *queue);
    if (!queue)
        return CP_ERR_NOMEM;
    for (uint32_t id = 0; id < n; id++) {
        analysis->flags[id] &= (uint8_t)~GRAPH_PAGE_REACHES_START;
        if (graph_node(graph, id)->flags & GRAPH_NODE_START) {
            analysis->flags[id] |= GRAPH_PAGE_REACHES_START;
            queue[tail++] = id;
        }
    }
    for (uint32_t head = 0; head < tail; head++) {
        uint32_t page = queue[head];
        struct graph_edges out = graph_out_edges(graph, page);
        for (uint32_t e = 0; e < out.count; e++) {
            uint32_t target = out.nodes[e];
            if ((analysis->flags[target] & GRAPH_PAGE_REACHES_START) || !edge_costs_no_click(out.meta[e]) ||
                !edge_is_followable(out.meta[e], classes[page] & PAGE_PASSES_LINKS))
                continue;
            analysis->flags[target] |= GRAPH_PAGE_REACHES_START;
            queue[tail++] = target;
        }
    }
    for (uint32_t head = 0; head < tail; head++) {
        struct graph_edges in = graph_in_edges(graph, queue[head]);
        for (uint32_t e = 0; e < in.count; e++) {
            uint32_t source = in.nodes[e];
            if ((analysis->flags[source] & GRAPH_PAGE_REACHES_START) ||
                !edge_is_followable(in.meta[e], classes[source] & PAGE_PASSES_LINKS))
                continue;
            analysis->flags[source] |= GRAPH_PAGE_REACHES_START;
            queue[tail++] = source;
        }
    }
    free(queue);
    uint32_t home = home_page(graph);
    analysis->start_component = home == GRAPH_NO_NODE ? GRAPH_NO_NODE : analysis->component[home];
    return CP_OK;
}

int graph_analyze_components(struct graph_analysis *analysis, const struct graph *graph)
{
    int status = analysis_check(analysis, graph);
    if (status != CP_OK)
        return status;
    uint8_t *classes = page_classes_build(graph);
    if (!classes)
        return CP_ERR_NOMEM;
    status = strongly_connected(analysis, graph, classes);
    if (status == CP_OK)
        status = reach_back(analysis, graph, classes);
    free(classes);
    return status;
}
