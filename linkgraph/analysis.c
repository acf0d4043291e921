/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/analysis: the result arrays, the phases that need no traversal (link counts,
 * indexability verdicts), the whole-analysis driver and the evidence helpers. Depth, chains,
 * components and PageRank live in their own files. */
#include "linkgraph/analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkgraph/analysis_internal.h"
#include "common/huge_pages.h"

int graph_analysis_init(struct graph_analysis *analysis, const struct graph *graph)
{
    memset(analysis, 0, sizeof *analysis);
    if (!graph_is_frozen(graph))
        return CP_ERR_INVALID;
    uint32_t n = graph_node_count(graph);
    /* One element more than nodes, so an empty graph still has (non-NULL) arrays. */
    size_t count = (size_t)n + 1;
    analysis->node_count = n;
    analysis->depth_followable = malloc(count * sizeof(uint32_t));
    analysis->depth_any = malloc(count * sizeof(uint32_t));
    analysis->inlinks = calloc(count, sizeof(uint32_t));
    analysis->inlinks_followable = calloc(count, sizeof(uint32_t));
    analysis->outlinks = calloc(count, sizeof(uint32_t));
    analysis->outlinks_internal = calloc(count, sizeof(uint32_t));
    analysis->redirect_final = malloc(count * sizeof(uint32_t));
    analysis->redirect_hops = calloc(count, sizeof(uint32_t));
    analysis->canonical_final = malloc(count * sizeof(uint32_t));
    analysis->canonical_length = calloc(count, sizeof(uint32_t));
    analysis->component = calloc(count, sizeof(uint32_t));
    analysis->pagerank = calloc(count, sizeof(float));
    analysis->link_score = calloc(count, 1);
    analysis->verdict = calloc(count, sizeof(uint16_t));
    analysis->flags = calloc(count, 1);
    analysis->start_component = GRAPH_NO_NODE;
    if (!analysis->depth_followable || !analysis->depth_any || !analysis->inlinks || !analysis->inlinks_followable ||
        !analysis->outlinks || !analysis->outlinks_internal || !analysis->redirect_final || !analysis->redirect_hops ||
        !analysis->canonical_final || !analysis->canonical_length || !analysis->component || !analysis->pagerank ||
        !analysis->link_score || !analysis->verdict || !analysis->flags) {
        graph_analysis_free(analysis);
        return CP_ERR_NOMEM;
    }
    for (uint32_t id = 0; id < n; id++) {
        analysis->depth_followable[id] = GRAPH_UNREACHED;
        analysis->depth_any[id] = GRAPH_UNREACHED;
        analysis->redirect_final[id] = id;
        analysis->canonical_final[id] = id;
    }
    return CP_OK;
}

void graph_analysis_free(struct graph_analysis *analysis)
{
    free(analysis->depth_followable);
    free(analysis->depth_any);
    free(analysis->inlinks);
    free(analysis->inlinks_followable);
    free(analysis->outlinks);
    free(analysis->outlinks_internal);
    free(analysis->redirect_final);
    free(analysis->redirect_hops);
    free(analysis->canonical_final);
    free(analysis->canonical_length);
    free(analysis->component);
    free(analysis->pagerank);
    free(analysis->link_score);
    free(analysis->verdict);
    free(analysis->flags);
    memset(analysis, 0, sizeof *analysis);
}

bool graph_edge_followable(const struct graph *graph, uint32_t source, uint8_t meta)
{
    return edge_is_followable(meta, page_passes_links(graph_node(graph, source)));
}

uint8_t *page_classes_build(const struct graph *graph)
{
    uint32_t n = graph_node_count(graph);
    uint8_t *classes = malloc((size_t)n + 1);
    if (!classes)
        return NULL;
    for (uint32_t id = 0; id < n; id++) {
        const struct graph_node *node = graph_node(graph, id);
        classes[id] = (uint8_t)((page_passes_links(node) ? PAGE_PASSES_LINKS : 0) |
                                (node->flags & GRAPH_NODE_IN_SCOPE ? PAGE_IN_SCOPE : 0));
    }
    return classes;
}

/* In-rows are sorted by source, so a page's parallel links are adjacent and "distinct pages" only
 * needs the last source counted. Out-rows keep the crawl's order: distinct targets are found with
 * a stamp per target (the last page that counted it). */
static void count_inlinks(struct graph_analysis *analysis, const struct graph *graph, const uint8_t *classes,
                          uint32_t id)
{
    struct graph_edges in = graph_in_edges(graph, id);
    uint32_t inlinks = 0, followable = 0, last = GRAPH_NO_NODE, last_followable = GRAPH_NO_NODE;
    for (uint32_t i = 0; i < in.count; i++) {
        uint32_t source = in.nodes[i];
        uint8_t meta = in.meta[i];
        if (source == id || graph_edge_kind(meta) != GRAPH_EDGE_LINK || !(meta & GRAPH_EDGE_SOURCE_IN_SCOPE))
            continue;
        if (source != last) {
            inlinks++;
            last = source;
        }
        if (source != last_followable && edge_is_followable(meta, classes[source] & PAGE_PASSES_LINKS)) {
            followable++;
            last_followable = source;
        }
    }
    analysis->inlinks[id] = inlinks;
    analysis->inlinks_followable[id] = followable;
}

static void count_outlinks(struct graph_analysis *analysis, const struct graph *graph, const uint8_t *classes,
                           uint32_t *stamp, uint32_t id)
{
    struct graph_edges out = graph_out_edges(graph, id);
    uint32_t outlinks = 0, internal = 0;
    for (uint32_t i = 0; i < out.count; i++) {
        uint32_t target = out.nodes[i];
        if (target == id || stamp[target] == id || graph_edge_kind(out.meta[i]) != GRAPH_EDGE_LINK)
            continue;
        stamp[target] = id;
        outlinks++;
        internal += (classes[target] & PAGE_IN_SCOPE) != 0;
    }
    analysis->outlinks[id] = outlinks;
    analysis->outlinks_internal[id] = internal;
}

int graph_analyze_link_counts(struct graph_analysis *analysis, const struct graph *graph)
{
    int status = analysis_check(analysis, graph);
    if (status != CP_OK)
        return status;
    size_t count = (size_t)analysis->node_count + 1;
    uint8_t *classes = page_classes_build(graph);
    uint32_t *stamp = malloc(count * sizeof *stamp);
    if (classes && stamp) {
        advise_huge_pages(stamp, count * sizeof *stamp);
        for (uint32_t id = 0; id < analysis->node_count; id++)
            stamp[id] = GRAPH_NO_NODE;
        for (uint32_t id = 0; id < analysis->node_count; id++) {
            count_inlinks(analysis, graph, classes, id);
            count_outlinks(analysis, graph, classes, stamp, id);
        }
    } else {
        status = CP_ERR_NOMEM;
    }
    free(classes);
    free(stamp);
    return status;
}

static uint16_t page_verdict(const struct graph_node *node, uint32_t id)
{
    uint16_t verdict = 0;
    if (!(node->flags & GRAPH_NODE_IN_SCOPE))
        verdict |= GRAPH_VERDICT_OUT_OF_SCOPE;
    if (node->flags & GRAPH_NODE_ROBOTS_BLOCKED)
        verdict |= GRAPH_VERDICT_ROBOTS_BLOCKED;
    /* A status is a response even if the crawl did not also set GRAPH_NODE_FETCHED. */
    if ((node->flags & GRAPH_NODE_FETCHED) || node->status != 0) {
        if (node->redirect != GRAPH_NO_NODE || (node->status >= 300 && node->status < 400))
            verdict |= GRAPH_VERDICT_REDIRECT;
        else if (node->status != 200)
            verdict |= GRAPH_VERDICT_NON_200;
        else if (!(node->flags & GRAPH_NODE_HTML))
            verdict |= GRAPH_VERDICT_NON_HTML;
    } else if (!verdict) {
        verdict |= GRAPH_VERDICT_NOT_CRAWLED; /* nothing else explains why it was not fetched */
    }
    if (node->flags & GRAPH_NODE_NOINDEX_META)
        verdict |= GRAPH_VERDICT_NOINDEX_META;
    if (node->flags & GRAPH_NODE_NOINDEX_HEADER)
        verdict |= GRAPH_VERDICT_NOINDEX_HEADER;
    if (node->canonical != GRAPH_NO_NODE && node->canonical != id)
        verdict |= GRAPH_VERDICT_CANONICALISED;
    return verdict;
}

int graph_analyze_verdicts(struct graph_analysis *analysis, const struct graph *graph)
{
    int status = analysis_check(analysis, graph);
    if (status != CP_OK)
        return status;
    for (uint32_t id = 0; id < analysis->node_count; id++)
        analysis->verdict[id] = page_verdict(graph_node(graph, id), id);
    return CP_OK;
}

int graph_analyze(struct graph_analysis *analysis, const struct graph *graph,
                  const struct graph_analysis_options *options)
{
    int status = graph_analysis_init(analysis, graph);
    if (status == CP_OK)
        status = graph_analyze_depth(analysis, graph);
    if (status == CP_OK)
        status = graph_analyze_link_counts(analysis, graph);
    if (status == CP_OK)
        status = graph_analyze_redirects(analysis, graph);
    if (status == CP_OK)
        status = graph_analyze_canonicals(analysis, graph);
    if (status == CP_OK)
        status = graph_analyze_components(analysis, graph);
    if (status == CP_OK)
        status = graph_analyze_pagerank(analysis, graph, options);
    if (status == CP_OK)
        status = graph_analyze_verdicts(analysis, graph);
    if (status != CP_OK)
        graph_analysis_free(analysis);
    return status;
}

uint32_t graph_redirect_chain(const struct graph *graph, uint32_t id, uint32_t *chain, uint32_t capacity)
{
    uint32_t written = 0;
    while (id != GRAPH_NO_NODE && id < graph_node_count(graph) && written < capacity) {
        chain[written++] = id;
        for (uint32_t i = 0; i + 1 < written; i++)
            if (chain[i] == id)
                return written; /* the loop closes here */
        id = graph_node(graph, id)->redirect;
    }
    return written;
}

size_t graph_verdict_describe(uint16_t verdict, char *dst, size_t size)
{
    static const char *const names[GRAPH_VERDICT_REASON_COUNT] = {"not-crawled",    "non-200",        "redirect",
                                                                  "noindex-meta",   "noindex-header", "canonicalised",
                                                                  "robots-blocked", "non-html",       "out-of-scope"};
    size_t length = 0;
    if (size > 0)
        dst[0] = '\0';
    for (unsigned bit = 0; bit < GRAPH_VERDICT_REASON_COUNT; bit++) {
        if (!(verdict & (1u << bit)))
            continue;
        int added = snprintf(length < size ? dst + length : NULL, length < size ? size - length : 0, "%s%s",
                             length ? "," : "", names[bit]);
        length += (size_t)added;
    }
    return length;
}
