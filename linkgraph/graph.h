/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/graph: the link graph store — one node per crawl identity, the edges found while
 * crawling, and the per-page facts the analysis and the audit rules read.
 *
 * Life cycle. graph_create() gives an empty, growing graph. While crawling, its owner interns URLs
 * (graph_intern doubles as the crawl's seen-set), appends edges and sets node attributes. Then
 * graph_freeze() turns the appended edges into compressed sparse rows (CSR) in both directions
 * for the analysis (linkgraph/analysis.h). graph_destroy() frees it all.
 *
 * Nodes. A node is a crawl identity (web/url's url_identity), treated here as an opaque byte
 * string: the graph never parses or normalises it; equal bytes mean the same node. Ids are dense,
 * 0, 1, 2 ... in order of first interning. Every URL is copied once into an arena owned by the graph;
 * graph_url() pointers stay valid until graph_destroy().
 *
 * Edges. Source, target, kind, rel flags and whether the source page was in scope. Edges are a
 * record of what was found: duplicates (two links from one page to the same target) and self-links
 * are kept; the analysis counts unique pages where the issue asks for it. Anchor texts are not kept
 * (the crawl writes them to links.csv as it goes).
 *
 * Memory (64-bit, measured by graph_memory_usage and the bench):
 *   per node: URL bytes + 1 (arena) + 12 (URL pointer and length) + 8 to 16 (hash slots, load
 *             factor 0.35..0.7) + 16 (attributes) + 8 (CSR offsets, after freeze): about 60 bytes
 *             plus the URL; sitemap attachments add 24 bytes per (page, sitemap) pair.
 *   per edge: 9 bytes while crawling (source, target, one byte of kind/rel/scope); 10 bytes once
 *             frozen (4-byte neighbour + 1-byte meta, in each direction). graph_freeze() peaks at
 *             14 bytes per edge: the out-arrays are built beside the log, whose target and meta
 *             arrays then become the in-arrays.
 *
 * Threads. A graph has a single owner thread (the crawl's graph thread) that may call every function
 * below; nothing is locked. After graph_freeze() the graph is read-only for edges and nodes: any
 * number of threads may call the const functions (graph_find, graph_url, graph_node, graph_out_edges,
 * graph_in_edges, the analysis) at once, provided nobody calls a setter at the same time. The owner
 * may still set node attributes and sitemap attachments after freezing, before sharing the graph.
 *
 * Errors. Functions returning int give CP_OK or a negative CP_ERR_* (common/error.h):
 * CP_ERR_NOMEM when an allocation failed (the graph is unchanged), CP_ERR_LIMIT when a 32-bit id or
 * edge count would overflow, CP_ERR_INVALID for an unknown node id or for adding to a frozen graph.
 * The graph logs nothing: the caller names the URL in its message. */
#ifndef CRAWLPACK_LINKGRAPH_GRAPH_H
#define CRAWLPACK_LINKGRAPH_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "No node": an absent canonical/redirect target, or a failed intern. */
#define GRAPH_NO_NODE UINT32_MAX
/* The largest number of nodes and of edges a graph holds (ids and CSR offsets are 32-bit). */
#define GRAPH_MAX_NODES (UINT32_MAX - 1u)
#define GRAPH_MAX_EDGES (UINT32_MAX - 1u)

/* What kind of reference an edge is. Three bits. */
enum graph_edge_kind {
    GRAPH_EDGE_LINK = 0,      /* <a href> / <area href> */
    GRAPH_EDGE_REDIRECT = 1,  /* a 3xx response's Location */
    GRAPH_EDGE_CANONICAL = 2, /* rel=canonical, in HTML or a Link header */
    GRAPH_EDGE_HREFLANG = 3,  /* rel=alternate hreflang, in HTML or a Link header */
    GRAPH_EDGE_REFRESH = 4,   /* <meta http-equiv=refresh> or a Refresh header */
    GRAPH_EDGE_IFRAME = 5,    /* <iframe src> / <frame src> */
};
#define GRAPH_EDGE_KIND_COUNT 6

/* The edge's meta byte: kind in bits 0-2, then flags. */
#define GRAPH_EDGE_KIND_MASK 0x07u
#define GRAPH_REL_NOFOLLOW 0x08u
#define GRAPH_REL_UGC 0x10u
#define GRAPH_REL_SPONSORED 0x20u
#define GRAPH_REL_ANY_NOFOLLOW (GRAPH_REL_NOFOLLOW | GRAPH_REL_UGC | GRAPH_REL_SPONSORED)
#define GRAPH_EDGE_SOURCE_IN_SCOPE 0x40u
#define GRAPH_EDGE_FROM_HEADER 0x80u /* found in an HTTP header (Link, Location), not in the HTML */

static inline enum graph_edge_kind graph_edge_kind(uint8_t meta)
{
    return (enum graph_edge_kind)(meta & GRAPH_EDGE_KIND_MASK);
}

/* Node flags (struct graph_node.flags). */
#define GRAPH_NODE_FETCHED 0x0001u          /* a response or a fetch error was recorded */
#define GRAPH_NODE_HTML 0x0002u             /* the response's content type is HTML */
#define GRAPH_NODE_IN_SCOPE 0x0004u         /* the crawl's scope rules accept this URL */
#define GRAPH_NODE_START 0x0008u            /* a start URL of the crawl (click depth 0) */
#define GRAPH_NODE_NOINDEX_META 0x0010u     /* <meta name=robots|googlebot content=noindex> */
#define GRAPH_NODE_NOINDEX_HEADER 0x0020u   /* X-Robots-Tag: noindex */
#define GRAPH_NODE_ROBOTS_BLOCKED 0x0040u   /* robots.txt disallows it for our user agent */
#define GRAPH_NODE_TRUNCATED 0x0080u        /* the body passed --max-body */
#define GRAPH_NODE_EXTERNAL_CHECKED 0x0100u /* out of scope, but fetched once by --check-external */
#define GRAPH_NODE_NOINDEX (GRAPH_NODE_NOINDEX_META | GRAPH_NODE_NOINDEX_HEADER)

/* The facts the crawl records about a page, 16 bytes. status is the HTTP status, or 0 when the page
 * was not fetched or its fetch failed (GRAPH_NODE_FETCHED tells which). canonical is the page's
 * effective canonical (itself when self-canonical), redirect its Location target, both
 * GRAPH_NO_NODE when absent. sitemap_first indexes the first sitemap attachment or is
 * GRAPH_NO_NODE (use graph_sitemap_entries). */
struct graph_node {
    uint16_t status;
    uint16_t flags;
    uint32_t canonical;
    uint32_t redirect;
    uint32_t sitemap_first;
};

/* One sitemap entry naming a page: the sitemap file (itself a node), the line of its <loc>, and its
 * <lastmod> in seconds since the epoch (UTC) or GRAPH_NO_LASTMOD. */
#define GRAPH_NO_LASTMOD INT64_MIN
struct graph_sitemap_entry {
    int64_t lastmod;
    uint32_t sitemap;
    uint32_t line;
    uint32_t next; /* the page's next entry, or GRAPH_NO_NODE */
};

/* The neighbours of a node in one direction of the frozen graph: count node ids (targets for
 * out-edges, sources for in-edges), each with its edge's meta byte. */
struct graph_edges {
    const uint32_t *nodes;
    const uint8_t *meta;
    uint32_t count;
};

struct graph_memory {
    size_t node_bytes;    /* arena, URL index, hash table, attributes, CSR offsets */
    size_t edge_bytes;    /* appended edge arrays or CSR neighbour arrays */
    size_t sitemap_bytes; /* sitemap attachments */
};

struct graph;

/* A new empty graph, or NULL when out of memory. expected_nodes (0 if unknown) sizes the hash table
 * so a crawl of known size never rehashes. */
struct graph *graph_create(uint32_t expected_nodes);
void graph_destroy(struct graph *graph);

/* The node for url[0..length) (any bytes), adding it when it is new. *is_new (may be NULL) tells
 * whether it was added. Returns GRAPH_NO_NODE when a new node cannot be added: out of memory, at
 * GRAPH_MAX_NODES, or after graph_freeze() (known URLs are still found then). This is the crawl's
 * seen-set: one hash, one probe sequence, one copy. */
uint32_t graph_intern(struct graph *graph, const char *url, size_t length, bool *is_new);
/* The node for url, or GRAPH_NO_NODE when it was never interned. Never adds. */
uint32_t graph_find(const struct graph *graph, const char *url, size_t length);

uint32_t graph_node_count(const struct graph *graph);
/* Before freeze: edges appended so far; after: edges in the CSR (the same number). */
uint32_t graph_edge_count(const struct graph *graph);
bool graph_is_frozen(const struct graph *graph);

/* The node's URL (NUL-terminated; *length may be NULL). id must be below graph_node_count(). */
const char *graph_url(const struct graph *graph, uint32_t id, size_t *length);
/* The node's facts. id must be below graph_node_count(). */
const struct graph_node *graph_node(const struct graph *graph, uint32_t id);

/* Setters for the node facts; each returns CP_ERR_INVALID for an unknown id. */
int graph_set_status(struct graph *graph, uint32_t id, uint16_t status);
int graph_set_flags(struct graph *graph, uint32_t id, uint16_t flags); /* ORs flags in */
int graph_clear_flags(struct graph *graph, uint32_t id, uint16_t flags);
/* target may be GRAPH_NO_NODE to clear, or id itself for a self-canonical page. */
int graph_set_canonical(struct graph *graph, uint32_t id, uint32_t target);
int graph_set_redirect(struct graph *graph, uint32_t id, uint32_t target);

/* Append an edge. meta is a kind ORed with GRAPH_REL_* and GRAPH_EDGE_* flags. When the source node
 * has GRAPH_NODE_IN_SCOPE at this moment, GRAPH_EDGE_SOURCE_IN_SCOPE is set for you (the crawl
 * decides scope before it fetches a page, so before the page's edges arrive). A redirect edge also
 * sets the source's redirect target (a response has one Location; the last one added wins).
 * CP_ERR_INVALID for an unknown id or a frozen graph, CP_ERR_LIMIT past GRAPH_MAX_EDGES. */
int graph_add_edge(struct graph *graph, uint32_t source, uint32_t target, uint8_t meta);

/* Record that sitemap file `sitemap` (a node) lists page `id` at `line`. Entries of one page are
 * returned newest first. Not deduplicated: a page listed twice has two entries (the sitemap rules
 * report duplicates). */
int graph_add_sitemap_entry(struct graph *graph, uint32_t id, uint32_t sitemap, uint32_t line, int64_t lastmod);
/* Entry `index` (from graph_node()->sitemap_first or an entry's next). */
const struct graph_sitemap_entry *graph_sitemap_entry(const struct graph *graph, uint32_t index);

/* Build the CSR in both directions from the appended edges and release the append arrays. After
 * this, graph_intern and graph_add_edge fail; reads are thread-safe. CP_ERR_NOMEM leaves the graph
 * unfrozen and unchanged. Freezing twice is a no-op. */
int graph_freeze(struct graph *graph);

/* Out-edges (targets) of a node of a frozen graph, in the order they were added (for one page's
 * links: the order the crawl found them), and in-edges (sources), sorted by source id and, for one
 * source, in the order added (so parallel edges are adjacent). Empty when the graph is not frozen. */
struct graph_edges graph_out_edges(const struct graph *graph, uint32_t id);
struct graph_edges graph_in_edges(const struct graph *graph, uint32_t id);

/* Whether the frozen graph has an edge of this kind from source to target (for return-link checks
 * such as hreflang). A binary search in the target's in-row: O(log in-degree). False when the
 * graph is not frozen or an id is unknown. */
bool graph_has_edge(const struct graph *graph, uint32_t source, uint32_t target, enum graph_edge_kind kind);

/* Bytes the graph holds, by part (capacity actually allocated). */
struct graph_memory graph_memory_usage(const struct graph *graph);

/* The name of an edge kind as links.csv writes it: "a", "redirect", "canonical", "hreflang",
 * "refresh", "iframe". */
const char *graph_edge_kind_name(enum graph_edge_kind kind);
/* The rel tokens search engines read that meta carries, as links.csv writes them: "nofollow",
 * "ugc", "sponsored" in that order, space-separated ("" when none). size >= GRAPH_REL_TEXT_SIZE. */
#define GRAPH_REL_TEXT_SIZE 32
const char *graph_edge_rel_text(uint8_t meta, char *text, size_t size);

#endif
