/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/analysis_internal: what every analysis phase shares — the one definition of a
 * followable edge and an any-link edge (documented in analysis.h) and the argument check.
 * Internal to linkgraph/. */
#ifndef CRAWLPACK_LINKGRAPH_ANALYSIS_INTERNAL_H
#define CRAWLPACK_LINKGRAPH_ANALYSIS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "linkgraph/analysis.h"
#include "linkgraph/graph.h"

/* Whether a page's links are followable at all: it answered 200 (a page that failed, or a redirect
 * response's body, is not a page a search engine reads links from). */
static inline bool page_passes_links(const struct graph_node *source)
{
    return source->status == 200;
}

/* The two facts about a page that traversals test per edge, one byte per page: a million pages
 * take 1 MB, which stays in cache where the 16-byte node facts would not. */
#define PAGE_PASSES_LINKS 0x01u
#define PAGE_IN_SCOPE 0x02u
/* A malloc'd array of node_count bytes (free() it), or NULL when out of memory. */
uint8_t *page_classes_build(const struct graph *graph);

/* A followable edge, given whether its source passes links (page_passes_links). */
static inline bool edge_is_followable(uint8_t meta, bool source_passes_links)
{
    if (!(meta & GRAPH_EDGE_SOURCE_IN_SCOPE))
        return false;
    switch (graph_edge_kind(meta)) {
    case GRAPH_EDGE_REDIRECT: return true;
    case GRAPH_EDGE_LINK: return source_passes_links && !(meta & GRAPH_REL_ANY_NOFOLLOW);
    case GRAPH_EDGE_IFRAME:
    case GRAPH_EDGE_REFRESH: return source_passes_links;
    default: return false;
    }
}

static inline bool edge_is_any_link(uint8_t meta)
{
    if (!(meta & GRAPH_EDGE_SOURCE_IN_SCOPE))
        return false;
    enum graph_edge_kind kind = graph_edge_kind(meta);
    return kind == GRAPH_EDGE_LINK || kind == GRAPH_EDGE_REDIRECT || kind == GRAPH_EDGE_IFRAME ||
           kind == GRAPH_EDGE_REFRESH;
}

/* Redirects and refreshes take the visitor along without a click. */
static inline bool edge_costs_no_click(uint8_t meta)
{
    enum graph_edge_kind kind = graph_edge_kind(meta);
    return kind == GRAPH_EDGE_REDIRECT || kind == GRAPH_EDGE_REFRESH;
}

/* A phase runs on a frozen graph with an analysis initialised for it. */
static inline int analysis_check(const struct graph_analysis *analysis, const struct graph *graph)
{
    if (!graph_is_frozen(graph) || !analysis->verdict || analysis->node_count != graph_node_count(graph))
        return CP_ERR_INVALID;
    return CP_OK;
}

#endif
