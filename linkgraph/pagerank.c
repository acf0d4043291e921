/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/pagerank: internal PageRank over in-scope pages and followable edges, and the 0-100
 * link score derived from it.
 *
 * The rank is the stationary distribution of a surfer who, with probability `damping`, follows one
 * of the current page's distinct followable links to another in-scope page, and otherwise (or when
 * the page has no such link: dangling mass) jumps to an in-scope page chosen uniformly. Computed by
 * power iteration in pull form over a filtered copy of the in-edges, so each iteration is one
 * sequential pass over 4 bytes per edge plus one read of the source's share. */
#include <math.h>
#include <stdlib.h>

#include "linkgraph/analysis.h"
#include "linkgraph/analysis_internal.h"
#include "common/huge_pages.h"

#define DEFAULT_DAMPING 0.85
#define DEFAULT_TOLERANCE 1e-6
#define DEFAULT_MAX_ITERATIONS 200u

/* The rank-carrying edges: distinct source -> target pairs, both in scope, source != target, with a
 * followable edge between them. In-rows are sorted by source, so a pair's parallel edges are
 * adjacent. */
struct rank_edges {
    uint32_t *offsets; /* per target, into sources */
    uint32_t *sources;
    uint32_t *out_degree; /* per source */
    uint8_t *classes;     /* page_classes_build */
};

static bool in_scope(const struct rank_edges *edges, uint32_t id)
{
    return edges->classes[id] & PAGE_IN_SCOPE;
}

/* Count target's distinct rank-carrying sources, writing them into sources unless it is NULL.
 * Used twice, to count and to fill, so both passes agree by construction. */
static uint32_t collect_sources(const struct graph *graph, const struct rank_edges *edges, uint32_t target,
                                uint32_t *sources)
{
    if (!in_scope(edges, target))
        return 0;
    struct graph_edges in = graph_in_edges(graph, target);
    uint32_t found = 0, last = GRAPH_NO_NODE;
    for (uint32_t e = 0; e < in.count; e++) {
        uint32_t source = in.nodes[e];
        if (source == last || source == target || !in_scope(edges, source) ||
            !edge_is_followable(in.meta[e], edges->classes[source] & PAGE_PASSES_LINKS))
            continue;
        last = source;
        if (sources)
            sources[found] = source;
        found++;
    }
    return found;
}

static void rank_edges_free(struct rank_edges *edges)
{
    free(edges->offsets);
    free(edges->sources);
    free(edges->out_degree);
    free(edges->classes);
}

static int rank_edges_build(struct rank_edges *edges, const struct graph *graph)
{
    uint32_t n = graph_node_count(graph);
    edges->offsets = calloc((size_t)n + 1, sizeof(uint32_t));
    edges->out_degree = calloc((size_t)n + 1, sizeof(uint32_t));
    edges->classes = page_classes_build(graph);
    edges->sources = NULL;
    if (!edges->offsets || !edges->out_degree || !edges->classes)
        return CP_ERR_NOMEM;
    for (uint32_t target = 0; target < n; target++)
        edges->offsets[target + 1] = edges->offsets[target] + collect_sources(graph, edges, target, NULL);
    size_t size = ((size_t)edges->offsets[n] + 1) * sizeof(uint32_t);
    edges->sources = malloc(size);
    if (!edges->sources)
        return CP_ERR_NOMEM;
    advise_huge_pages(edges->sources, size);
    for (uint32_t target = 0; target < n; target++) {
        uint32_t *row = edges->sources + edges->offsets[target];
        uint32_t count = collect_sources(graph, edges, target, row);
        for (uint32_t i = 0; i < count; i++)
            edges->out_degree[row[i]]++;
    }
    return CP_OK;
}

/* Power iteration; leaves the ranks in rank[] and returns the last L1 change. */
static double iterate(const struct graph *graph, const struct rank_edges *edges, double damping, double tolerance,
                      uint32_t max_iterations, double *rank, double *next, double *share, uint32_t *iterations)
{
    uint32_t n = graph_node_count(graph), in_scope_count = 0;
    for (uint32_t id = 0; id < n; id++)
        in_scope_count += in_scope(edges, id);
    for (uint32_t id = 0; id < n; id++)
        rank[id] = in_scope(edges, id) ? 1.0 / in_scope_count : 0.0;
    double change = 0.0;
    *iterations = 0;
    while (*iterations < max_iterations) {
        double dangling = 0.0;
        for (uint32_t id = 0; id < n; id++) {
            uint32_t degree = edges->out_degree[id];
            share[id] = degree ? rank[id] / degree : 0.0;
            if (!degree)
                dangling += rank[id];
        }
        double base = ((1.0 - damping) + damping * dangling) / in_scope_count;
        change = 0.0;
        for (uint32_t target = 0; target < n; target++) {
            if (!in_scope(edges, target)) {
                next[target] = 0.0;
                continue;
            }
            double sum = 0.0;
            for (uint32_t i = edges->offsets[target]; i < edges->offsets[target + 1]; i++)
                sum += share[edges->sources[i]];
            next[target] = base + damping * sum;
            change += fabs(next[target] - rank[target]);
        }
        double *swap = rank;
        rank = next;
        next = swap;
        ++*iterations;
        if (change < tolerance)
            break;
    }
    /* After an odd number of swaps the latest ranks are in the caller's `next` array. */
    if (*iterations % 2 == 1)
        for (uint32_t id = 0; id < n; id++)
            next[id] = rank[id];
    return change;
}

static void link_scores(struct graph_analysis *analysis, const struct rank_edges *edges, const double *rank)
{
    double low = INFINITY, high = 0.0;
    for (uint32_t id = 0; id < analysis->node_count; id++) {
        if (!in_scope(edges, id))
            continue;
        if (rank[id] < low)
            low = rank[id];
        if (rank[id] > high)
            high = rank[id];
    }
    /* Ranks within a relative 1e-9 of each other are the same rank, not a 0-100 spread. */
    bool flat = !(high > low * (1.0 + 1e-9)) || !(low > 0.0);
    double span = flat ? 1.0 : log(high / low);
    for (uint32_t id = 0; id < analysis->node_count; id++) {
        analysis->pagerank[id] = (float)rank[id];
        if (!in_scope(edges, id))
            analysis->link_score[id] = 0;
        else if (flat)
            analysis->link_score[id] = 100;
        else
            analysis->link_score[id] = (uint8_t)lround(100.0 * log(rank[id] / low) / span);
    }
}

int graph_analyze_pagerank(struct graph_analysis *analysis, const struct graph *graph,
                           const struct graph_analysis_options *options)
{
    int status = analysis_check(analysis, graph);
    if (status != CP_OK)
        return status;
    double damping = options && options->damping > 0 ? options->damping : DEFAULT_DAMPING;
    double tolerance = options && options->tolerance > 0 ? options->tolerance : DEFAULT_TOLERANCE;
    uint32_t max_iterations = options && options->max_iterations ? options->max_iterations : DEFAULT_MAX_ITERATIONS;
    if (!(damping < 1.0))
        return CP_ERR_INVALID;

    size_t count = (size_t)analysis->node_count + 1;
    struct rank_edges edges;
    double *rank = malloc(count * sizeof *rank), *next = malloc(count * sizeof *next),
           *share = malloc(count * sizeof *share);
    advise_huge_pages(share, count * sizeof *share);
    status = rank_edges_build(&edges, graph);
    if (status == CP_OK && (!rank || !next || !share))
        status = CP_ERR_NOMEM;
    if (status == CP_OK) {
        bool any_in_scope = false;
        for (uint32_t id = 0; id < analysis->node_count && !any_in_scope; id++)
            any_in_scope = in_scope(&edges, id);
        analysis->pagerank_iterations = 0;
        analysis->pagerank_residual = 0.0;
        if (any_in_scope) {
            analysis->pagerank_residual = iterate(graph, &edges, damping, tolerance, max_iterations, rank, next, share,
                                                  &analysis->pagerank_iterations);
            link_scores(analysis, &edges, rank);
        } else {
            for (uint32_t id = 0; id < analysis->node_count; id++) {
                analysis->pagerank[id] = 0.0f;
                analysis->link_score[id] = 0;
            }
        }
    }
    rank_edges_free(&edges);
    free(rank);
    free(next);
    free(share);
    return status;
}
