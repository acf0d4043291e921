/* SPDX-License-Identifier: Apache-2.0 */
/* tests/graph/synthetic_graph: a deterministic generator of site-shaped link graphs, for the stress
 * test and bench/audit.
 *
 * Node i is interned as id i. Ids below `internal` are the site (id 0 the start page), the rest are
 * external URLs (out of scope, never fetched). Each site page's facts come from a hash of (seed, i):
 * mostly 200 HTML, with some 404/500s, redirects (into chains and the odd loop), non-HTML files,
 * noindex (meta or header), canonicals elsewhere, robots-blocked and never-crawled pages. Each 200
 * HTML page links to its children in an 8-ary category tree, to a shared navigation (the first
 * pages), and to random pages drawn with a power law that favours low ids (so inlinks are
 * heavy-tailed), with some nofollow/ugc/sponsored, iframe, refresh and external links. The number
 * of edges is exactly `edges` (when there is at least one 200 HTML page). */
#ifndef CRAWLPACK_TESTS_SYNTHETIC_GRAPH_H
#define CRAWLPACK_TESTS_SYNTHETIC_GRAPH_H

#include <stdint.h>

#include "linkgraph/graph.h"

struct synthetic_graph {
    uint32_t nodes;    /* all nodes */
    uint32_t internal; /* site pages: ids 0..internal-1 */
    uint64_t edges;    /* edges to add in total */
    uint64_t seed;
};

/* The site/external split the generator uses for a node count (4% external). */
struct synthetic_graph synthetic_graph_plan(uint32_t nodes, uint64_t edges, uint64_t seed);

/* Intern every node and set its facts. The graph must be empty. */
int synthetic_graph_add_nodes(struct graph *graph, const struct synthetic_graph *plan);
/* Append all edges (after synthetic_graph_add_nodes). */
int synthetic_graph_add_edges(struct graph *graph, const struct synthetic_graph *plan);

#endif
