/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/clusters: duplicate clusters over a frozen graph — pages with the same main text (exact)
 * or SimHashes at most FINGERPRINT_NEAR_BITS apart (near) — and, per cluster, the URL each
 * canonicalisation signal elects and the one they elect together. docs/clusters.md is the user's
 * view; OUT/clusters.csv and the rules duplicate-content, near-duplicate-content and
 * signals-disagree (linkgraph/audit_duplicates.c) read the result.
 *
 * Candidates. A page is clustered when it is in scope, answered 200 with HTML, is neither noindex
 * nor blocked, and has at least CLUSTERS_MIN_WORDS main-text words: the indexability verdict with only
 * GRAPH_VERDICT_CANONICALISED allowed, since a canonical to another URL is itself a vote. URL
 * variants (duplicate-url-variants) with the same main text are in one exact cluster here too.
 *
 * Near duplicates are found with permuted block tables (Manku, Jain, Das Sarma, WWW 2007), not all
 * pairs: the 64 bits are cut in 5 blocks; two SimHashes at most 3 bits apart agree on at least 2
 * blocks, so for each of the 10 block pairs the distinct SimHashes are sorted with that pair's bits
 * first and only neighbours with equal pair bits are compared (at most CLUSTERS_MAX_WINDOW
 * neighbours each, so a family of thousands of look-alikes stays linear). Pages are joined with
 * union-find. Only pages with FINGERPRINT_MIN_NEAR_WORDS main-text words take part.
 *
 * Signals (read from the graph and its analysis, never worked out again), each electing one member
 * or abstaining (CLUSTERS_NO_VOTE):
 *   canonical  the URL the members' declared canonicals end at (analysis canonical_final), when
 *              every member declaring one names the same URL;
 *   redirect   the member most in-scope redirects point at;
 *   sitemap    the member listed in sitemaps the most times (abstains on a tie);
 *   links      the member with the most followable internal inlinks (abstains on a tie);
 *   hreflang   the member most often named as an hreflang alternate (abstains on a tie).
 * The preferred URL is the member with the highest weighted vote (canonical and redirect 3,
 * hreflang 2, sitemap and links 1; a vote for a URL outside the cluster elects nobody); ties go to
 * more followable inlinks, then the shorter URL, then byte order. A cluster "disagrees" when two
 * voting signals name different URLs. "picked" says whether the canonicals or redirects already
 * settle the cluster: every member but one canonicalises or redirects to that one.
 *
 * Memory: struct clusters owns its arrays (clusters_free): 4 bytes per node plus 8 per member and
 * 64 per cluster. Scratch while building: 16 bytes per candidate per table pass, 8 per node.
 * Threads: reads a frozen graph only; one struct clusters per thread.
 * Errors: CP_OK; CP_ERR_NOMEM (out is then empty); CP_ERR_INVALID when the graph is not frozen or
 * the analysis is of another graph size. */
#ifndef CRAWLPACK_LINKGRAPH_CLUSTERS_H
#define CRAWLPACK_LINKGRAPH_CLUSTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linkgraph/analysis.h"
#include "linkgraph/graph.h"

#define CLUSTERS_NO_VOTE UINT32_MAX
#define CLUSTERS_NONE UINT32_MAX
#define CLUSTERS_MAX_WINDOW 256
/* Pages with fewer main-text words are not clustered: near-empty pages, script-built shells that show only a
 * loading message, and pages that are all navigation share their few words without being copies of
 * one document (js_shell and the thin-page checks speak of them). */
#define CLUSTERS_MIN_WORDS 10

/* One node's fingerprints, from web/fingerprint (0 when the page has none). */
struct cluster_input {
    uint64_t content_hash;
    uint64_t simhash;
    uint32_t main_words;
};

enum cluster_signal {
    CLUSTER_SIGNAL_CANONICAL,
    CLUSTER_SIGNAL_REDIRECT,
    CLUSTER_SIGNAL_SITEMAP,
    CLUSTER_SIGNAL_LINKS,
    CLUSTER_SIGNAL_HREFLANG,
};
#define CLUSTER_SIGNAL_COUNT 5

enum cluster_kind {
    CLUSTER_EXACT, /* every member has the same main text */
    CLUSTER_NEAR,
};

struct cluster {
    uint32_t first;                      /* index of the first member in clusters.members */
    uint32_t count;                      /* members, at least 2, sorted by URL */
    uint8_t kind;                        /* enum cluster_kind */
    bool disagree;                       /* two voting signals name different URLs */
    bool picked;                         /* the canonicals or redirects already choose one member */
    uint32_t preferred;                  /* node id of the elected member */
    uint32_t vote[CLUSTER_SIGNAL_COUNT]; /* node each signal elects, or CLUSTERS_NO_VOTE */
    uint32_t inlinks_total;              /* followable internal inlinks over all members */
};

struct clusters {
    struct cluster *list; /* ordered by their first member's URL */
    size_t count;
    uint32_t *members; /* node ids, cluster by cluster */
    size_t member_count;
    uint32_t *cluster_of; /* per node: its cluster index, or CLUSTERS_NONE */
    uint32_t node_count;
};

/* pages: graph_node_count(graph) entries, indexed by node id. */
int clusters_build(const struct graph *graph, const struct graph_analysis *analysis, const struct cluster_input *pages,
                   struct clusters *out);
void clusters_free(struct clusters *clusters);

/* Whether node takes part in clustering (the candidate rule above). */
bool clusters_candidate(const struct graph *graph, const struct graph_analysis *analysis, uint32_t node,
                        const struct cluster_input *page);

/* "canonical", "redirect", "sitemap", "links", "hreflang". */
const char *cluster_signal_name(enum cluster_signal signal);
/* "exact", "near". */
const char *cluster_kind_name(enum cluster_kind kind);

/* Near-duplicate pairs of an array of SimHashes: calls join(context, i, j) for every pair the block
 * tables find within FINGERPRINT_NEAR_BITS (each pair at least once). Exposed for the benchmark
 * and tests. CP_OK or CP_ERR_NOMEM. */
int clusters_near_pairs(const uint64_t *simhash, uint32_t count, void (*join)(void *, uint32_t, uint32_t),
                        void *context);

#endif
