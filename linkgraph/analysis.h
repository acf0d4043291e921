/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/analysis: what the audit rules and reports need to know about every page of a frozen
 * graph — click depth, inlink/outlink counts, redirect and canonical resolution, strongly connected
 * components and reach-back to the start, internal PageRank as a 0-100 link score, and the
 * indexability verdict with its reasons.
 *
 * Which edges count (the same rules everywhere, stated once here and in docs/graph.md):
 *   A *followable* edge leaves a page in scope (GRAPH_EDGE_SOURCE_IN_SCOPE) and is
 *     - a link (<a>/<area>) without nofollow, ugc or sponsored, or an iframe, or a meta refresh,
 *       from a page that answered 200; or
 *     - a redirect (from any in-scope page: it is the 3xx response itself).
 *   *Any-link* edges are links of every rel, iframes, refreshes and redirects leaving an in-scope
 *   page, whatever its status. Canonical and hreflang edges are hints, never traversed as links.
 *   Click depth counts links and iframes as one click, redirects and refreshes as zero clicks: the
 *   user who clicks a link to a redirecting URL lands on its target with that one click.
 *
 * Memory: graph_analysis_init allocates 52 bytes per node for the results. Phases allocate scratch
 * space while they run and free it before returning: PageRank the most (4 bytes per rank-carrying
 * edge plus 33 bytes per node), components 21, depth 10, link counts 5 bytes per node.
 *
 * Threads: the graph is only read, so any number of analyses may run on one frozen graph at once,
 * each with its own struct graph_analysis. A struct graph_analysis belongs to one thread at a time.
 *
 * Errors: CP_ERR_INVALID when the graph is not frozen (or the analysis was initialised for another
 * graph size), CP_ERR_NOMEM when scratch space could not be allocated; the phase's results are then
 * unspecified, the others untouched. */
#ifndef CRAWLPACK_LINKGRAPH_ANALYSIS_H
#define CRAWLPACK_LINKGRAPH_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linkgraph/graph.h"

/* A depth for a page no start page reaches. */
#define GRAPH_UNREACHED UINT32_MAX

/* Indexability reasons (struct graph_analysis.verdict); a page is indexable when none is set. */
#define GRAPH_VERDICT_NOT_CRAWLED 0x0001u    /* in scope, never fetched (a limit or Ctrl-C stopped us) */
#define GRAPH_VERDICT_NON_200 0x0002u        /* fetched: 4xx, 5xx, other non-200, or a fetch error */
#define GRAPH_VERDICT_REDIRECT 0x0004u       /* 3xx, or a recorded redirect target */
#define GRAPH_VERDICT_NOINDEX_META 0x0008u   /* noindex in a robots meta tag */
#define GRAPH_VERDICT_NOINDEX_HEADER 0x0010u /* noindex in X-Robots-Tag */
#define GRAPH_VERDICT_CANONICALISED 0x0020u  /* its canonical names another URL */
#define GRAPH_VERDICT_ROBOTS_BLOCKED 0x0040u /* robots.txt disallows it */
#define GRAPH_VERDICT_NON_HTML 0x0080u       /* 200 but not an HTML document */
#define GRAPH_VERDICT_OUT_OF_SCOPE 0x0100u   /* outside the crawl's scope */
#define GRAPH_VERDICT_REASON_COUNT 9

/* Per-page flags (struct graph_analysis.flags). */
#define GRAPH_PAGE_REDIRECT_LOOP 0x01u  /* its redirect chain revisits a page */
#define GRAPH_PAGE_CANONICAL_LOOP 0x02u /* its canonical chain (through redirects) revisits a page */
#define GRAPH_PAGE_REACHES_START 0x04u  /* a followable path leads from it to the start (depth 0) */

struct graph_analysis_options {
    double damping;          /* PageRank damping; 0 means 0.85 */
    double tolerance;        /* stop when the L1 change of one iteration is below; 0 means 1e-6 */
    uint32_t max_iterations; /* bound on PageRank iterations; 0 means 200 */
};

/* Results, one array element per node id. Arrays are owned by the struct (graph_analysis_free). */
struct graph_analysis {
    uint32_t node_count;
    uint32_t *depth_followable;   /* fewest clicks from a start page over followable edges, or GRAPH_UNREACHED */
    uint32_t *depth_any;          /* the same over any-link edges */
    uint32_t *inlinks;            /* distinct in-scope pages with a link (<a>, any rel) here, itself excluded */
    uint32_t *inlinks_followable; /* distinct pages with a followable link here, itself excluded */
    uint32_t *outlinks;           /* distinct pages it links to (<a>, any rel), itself excluded */
    uint32_t *outlinks_internal;  /* of those, the ones in scope */
    /* Redirects: where following Location ends (the page itself when it does not redirect) and the
     * number of hops; on a loop, GRAPH_NO_NODE and the hops taken before a page repeats. */
    uint32_t *redirect_final;
    uint32_t *redirect_hops;
    /* Canonicals: the page a canonical chain ends at, following each step's redirect before its
     * canonical; the page itself when it has no canonical or is self-canonical (length 0). length
     * counts the steps (canonical or redirect) to the end. On a loop: GRAPH_NO_NODE, and length is
     * 1 + the steps from the declared canonical until a page repeats. */
    uint32_t *canonical_final;
    uint32_t *canonical_length;
    /* Strongly connected components over followable edges: ids 0..component_count-1, numbered in
     * the order Tarjan's algorithm completes them. start_component is the home page's: the first
     * start page, or the end of its redirects; GRAPH_NO_NODE without a start page. "The start" for
     * GRAPH_PAGE_REACHES_START is every page at followable depth 0: the start pages and where their
     * redirects and refreshes lead. */
    uint32_t *component;
    uint32_t component_count;
    uint32_t start_component;
    /* Internal PageRank over in-scope pages and followable edges between distinct in-scope pages
     * (parallel links count once). Sums to 1 over in-scope pages; 0 for the others. link_score is
     * 100 * ln(rank / min) / ln(max / min) over in-scope pages, rounded (all 100 when every rank is
     * equal; 0 out of scope). */
    float *pagerank;
    uint8_t *link_score;
    uint32_t pagerank_iterations;
    double pagerank_residual; /* L1 change of the last iteration */
    uint16_t *verdict;        /* GRAPH_VERDICT_* bits; 0 = indexable */
    uint8_t *flags;           /* GRAPH_PAGE_* bits */
};

/* Allocate the result arrays for a frozen graph (depths unreached, everything else 0 or none). */
int graph_analysis_init(struct graph_analysis *analysis, const struct graph *graph);
void graph_analysis_free(struct graph_analysis *analysis);

/* The phases; each may run alone after graph_analysis_init, in any order. */
int graph_analyze_depth(struct graph_analysis *analysis, const struct graph *graph);
int graph_analyze_link_counts(struct graph_analysis *analysis, const struct graph *graph);
int graph_analyze_redirects(struct graph_analysis *analysis, const struct graph *graph);
int graph_analyze_canonicals(struct graph_analysis *analysis, const struct graph *graph);
/* Components plus GRAPH_PAGE_REACHES_START. */
int graph_analyze_components(struct graph_analysis *analysis, const struct graph *graph);
int graph_analyze_pagerank(struct graph_analysis *analysis, const struct graph *graph,
                           const struct graph_analysis_options *options); /* options may be NULL */
int graph_analyze_verdicts(struct graph_analysis *analysis, const struct graph *graph);

/* init and every phase. On error the analysis is freed. */
int graph_analyze(struct graph_analysis *analysis, const struct graph *graph,
                  const struct graph_analysis_options *options);

/* Whether an edge with these meta bits leaving source is followable, by the definition at the top of
 * this file (the one every phase uses). source's status must be recorded already. Any graph, frozen
 * or not; only read. For links.csv's followable column, written while crawling. */
bool graph_edge_followable(const struct graph *graph, uint32_t source, uint8_t meta);

/* The redirect chain from id, for evidence ("301 -> 302 -> 200"): writes id, its target, ... into
 * chain (at most capacity ids), stopping after the first page without a redirect or the first
 * repeated page (which is written, so a loop shows where it closes). Returns the number written.
 * Works on any graph, frozen or not. */
uint32_t graph_redirect_chain(const struct graph *graph, uint32_t id, uint32_t *chain, uint32_t capacity);

/* The verdict reasons as comma-separated names ("noindex-meta,canonicalised"; "" when indexable),
 * written into dst like snprintf; returns the length the full text needs. Names: not-crawled,
 * non-200, redirect, noindex-meta, noindex-header, canonicalised, robots-blocked, non-html,
 * out-of-scope. */
size_t graph_verdict_describe(uint16_t verdict, char *dst, size_t size);

#endif
