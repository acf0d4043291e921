/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_internal: what the cross-page rule files (audit_*.c) share — the run's state,
 * how a page's answer is classified, the evidence phrases and the finding helpers. Not a public
 * header: only linkgraph/audit*.c include it. */
#ifndef CRAWLPACK_LINKGRAPH_AUDIT_INTERNAL_H
#define CRAWLPACK_LINKGRAPH_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "linkgraph/analysis.h"
#include "linkgraph/audit.h"
#include "linkgraph/graph.h"
#include "findings/findings.h"

struct audit_run {
    const struct graph *graph;
    const struct graph_analysis *analysis;
    const struct audit_page_facts *facts; /* NULL or one per node */
    uint32_t node_count;
    uint32_t max_click_depth;
    size_t max_related;
    size_t sitemaps_read;
    bool partial;                    /* skip the rules that need the whole graph (audit_options.partial) */
    const struct clusters *clusters; /* NULL: the cluster rules are not checked */
    const struct audit_fragment_link *fragment_links;
    size_t fragment_link_count;
    int64_t crawl_started; /* audit_options.crawl_started */
    struct finding_list *out;
    struct buf message; /* reused by every rule for its message */
    uint32_t *ids;      /* node_count + 1 scratch ids (related sets) */
    uint32_t *stamp;    /* node_count + 1 scratch marks, all 0 between rules' uses of a stamp value */
    uint32_t stamp_value;
};

/* How a page answered, as the rules judge it (see audit.h, "What counts"). */
enum page_answer {
    ANSWER_NOT_FETCHED, /* out of scope, blocked, or a limit stopped the crawl */
    ANSWER_OK,          /* 200 */
    ANSWER_REDIRECT,    /* 3xx or a recorded redirect target */
    ANSWER_CLIENT_ERROR,
    ANSWER_SERVER_ERROR,
    ANSWER_FETCH_ERROR, /* fetched, no status */
    ANSWER_OTHER,       /* 1xx, 2xx other than 200 */
};

enum page_answer audit_page_answer(const struct graph_node *node);
bool audit_answer_is_error(enum page_answer answer);

static inline const struct graph_node *audit_node(const struct audit_run *run, uint32_t id)
{
    return graph_node(run->graph, id);
}

static inline const char *audit_url(const struct audit_run *run, uint32_t id)
{
    return graph_url(run->graph, id, NULL);
}

static inline bool audit_in_scope(const struct audit_run *run, uint32_t id)
{
    return audit_node(run, id)->flags & GRAPH_NODE_IN_SCOPE;
}

static inline bool audit_indexable(const struct audit_run *run, uint32_t id)
{
    return run->analysis->verdict[id] == 0;
}

/* A page's declared canonical when it names another page, else GRAPH_NO_NODE. */
uint32_t audit_other_canonical(const struct audit_run *run, uint32_t id);

/* Evidence, appended to out (the run's message buffer, usually):
 * the answer ("404", "503", "fetch error: timeout: ...", "301 -> 302 -> 200"); */
int audit_describe_answer(const struct audit_run *run, uint32_t id, struct buf *out);
/* the statuses along a redirect chain from id: "301 -> 302 -> 200", "301 -> 301 -> loop",
 * "301 -> not fetched"; */
int audit_describe_redirects(const struct audit_run *run, uint32_t id, struct buf *out);
/* where the noindex was found: "meta robots noindex in <head>", "X-Robots-Tag: noindex", ... */
int audit_describe_noindex(const struct audit_run *run, uint32_t id, struct buf *out);
/* why robots.txt blocks it: the fact's rule, or "blocked by robots.txt". */
int audit_describe_blocked(const struct audit_run *run, uint32_t id, struct buf *out);

/* Add a finding about node id (its URL) with the run's message buffer as message. Returns the
 * finding (valid until the next add) or NULL when out of memory. */
struct finding *audit_add(struct audit_run *run, enum rule_id rule, uint32_t id, const char *source, unsigned line);
/* Append the URL of node id to finding's related URLs. CP_OK or CP_ERR_NOMEM. */
int audit_add_related(struct audit_run *run, struct finding *finding, uint32_t id);
/* Sort ids[0..count) by URL and append at most run->max_related of them to finding's related URLs. */
int audit_add_related_sorted(struct audit_run *run, struct finding *finding, uint32_t *ids, size_t count);
/* Append the URLs of ids[0..count), in that order, at most run->max_related of them. */
int audit_add_related_list(struct audit_run *run, struct finding *finding, const uint32_t *ids, size_t count);
/* Sort node ids by URL (byte order), in place. */
void audit_sort_by_url(const struct audit_run *run, uint32_t *ids, size_t count);

/* A fresh mark for run->stamp: nodes stamped with it are "seen" in the current pass. */
uint32_t audit_next_stamp(struct audit_run *run);

/* The rule families, each a file of its own. Each returns CP_OK or CP_ERR_NOMEM. */
int audit_sitemap_rules(struct audit_run *run);   /* sitemap-url-*, orphan-url, missing-from-sitemap */
int audit_canonical_rules(struct audit_run *run); /* canonical-to-*, -cross-host, -chain, -loop, noindex-* */
int audit_link_rules(struct audit_run *run);      /* broken-link, link-to-redirect, redirect-*, graph shape */
int audit_hreflang_rules(struct audit_run *run);  /* hreflang-no-return, hreflang-to-error */
int audit_variant_rules(struct audit_run *run);   /* duplicate-url-variants */
int audit_duplicate_rules(struct audit_run *run);
/* Whether the pages are all URL variants of one page (the key duplicate-url-variants groups by):
 * then that rule speaks of them, and duplicate-content does not repeat it. */
bool audit_all_url_variants(const struct audit_run *run, const uint32_t *ids,
                            size_t count);       /* duplicate clusters, soft-404, titles, descriptions */
int audit_fragment_rules(struct audit_run *run); /* link-to-missing-fragment */
int audit_lastmod_rules(struct audit_run *run);  /* sitemap-lastmod-stale, -unreliable, -header-mismatch */

#endif
