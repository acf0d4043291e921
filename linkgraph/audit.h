/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit: the cross-page audit rules — a frozen link graph, its analysis and a few facts
 * the crawl kept per page in, findings out.
 *
 * These are the rules that need more than one page to decide: what a sitemap lists against what
 * the crawl found, where canonicals, redirects, links and hreflang alternates lead, and the shape
 * of the link graph. Rules that one page's own signals decide (canonical-missing, -invalid, ...)
 * run earlier, on the extraction workers: see linkgraph/audit_page.h.
 *
 * Input. audit_graph reads:
 *   - the frozen graph (linkgraph/graph.h) exactly as the crawl filled it: node status and flags
 *     (FETCHED, HTML, IN_SCOPE, START, NOINDEX_*, ROBOTS_BLOCKED, TRUNCATED, EXTERNAL_CHECKED), the
 *     effective canonical and redirect target of each node, every edge with its kind, rel flags and
 *     SOURCE_IN_SCOPE, and the sitemap entries attached to the pages (the sitemap file is a node);
 *   - a complete analysis of that graph (graph_analyze in linkgraph/analysis.h): depths, link
 *     counts, redirect and canonical resolution with loop flags, and the verdicts;
 *   - struct audit_options below: the --max-click-depth threshold, whether any sitemap was read,
 *     the bound on related URLs, and optionally one struct audit_page_facts per node with the
 *     evidence the graph does not keep (where a noindex was found, the fetch error of a page that
 *     got no status, the robots.txt rule that blocks a page). Without facts the rules still fire;
 *     their messages are less specific ("noindex (meta robots)" rather than "meta robots noindex in
 *     <head>").
 *
 * What counts (the same everywhere in this module, and in docs/audit.md):
 *   - "internal": the target node is in scope (GRAPH_NODE_IN_SCOPE); a link is internal when its
 *     source page is in scope too (GRAPH_EDGE_SOURCE_IN_SCOPE). Out-of-scope targets fetched once
 *     by --check-external (GRAPH_NODE_EXTERNAL_CHECKED) count for broken-link as well.
 *   - a page "answers" by its recorded status: 200; a redirect (3xx, or a recorded redirect target);
 *     a client error (4xx); a server error (5xx); a fetch error (fetched, status 0: DNS, connect,
 *     TLS, timeout ...). A page never fetched (out of scope, blocked, a limit stopped the crawl) is
 *     not judged by status at all.
 *   - "indexable" is the analysis verdict 0.
 *
 * Findings. Every finding carries the rule, the URL (the node's URL as the graph holds it), related
 * URLs sorted where they are a set, a one-line message with the evidence ("301 -> 302 -> 200",
 * "noindex in X-Robots-Tag header") and a source: the sitemap file and line for sitemap rules, the
 * page itself for its canonical, noindex and hreflang signals, the first (sorted) source page for
 * broken-link and link-to-redirect, none for rules about the graph's shape. related[0] is the
 * identity key that findings/findings.h documents: the declared canonical for canonical-* and
 * noindex-and-canonical, the alternate for hreflang-*. Findings are appended to the caller's list
 * in node order; findings_sort gives the report order.
 *
 * Memory: audit_graph copies what it reports into the list (findings.h: about 270 bytes per finding
 * with its URL and message). Scratch space is freed before it returns: 8 bytes per node, plus 16
 * bytes per in-scope page that answered 200 (duplicate-url-variants hashes each page's variant key
 * and builds full keys only for pages whose hashes collide). The caller keeps every input.
 * Threads: the graph and analysis are only read, so several audits may run at once on one frozen
 * graph, each with its own finding list.
 * Errors: CP_OK; CP_ERR_INVALID when the graph is not frozen or the analysis does not belong to a
 * graph of this size; CP_ERR_NOMEM (the list then holds the findings added so far). */
#ifndef CRAWLPACK_LINKGRAPH_AUDIT_H
#define CRAWLPACK_LINKGRAPH_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linkgraph/analysis.h"
#include "linkgraph/clusters.h"
#include "linkgraph/graph.h"
#include "findings/findings.h"

#define AUDIT_DEFAULT_MAX_CLICK_DEPTH 3
/* Related URLs listed per finding at most by default (a broken link in a site-wide navigation has
 * as many sources as the site has pages); the message always gives the full count. */
#define AUDIT_DEFAULT_MAX_RELATED 1000

/* Where a page's noindex was found (struct audit_page_facts.noindex_sources). The values are
 * those of enum robots_source in web/robots_directives.h, so the crawl can pass the merged
 * directives' flag_sources[ROBOTS_NOINDEX] as it is. */
#define AUDIT_NOINDEX_META_HEAD 0x01u
#define AUDIT_NOINDEX_META_BODY 0x02u
#define AUDIT_NOINDEX_HEADER 0x04u

/* Evidence the graph does not keep, one per node id. Every field may be empty (NULL / 0). The
 * strings are the caller's and must outlive the audit_graph call. */
struct audit_page_facts {
    /* For a fetched page without a status: what went wrong, e.g. "timeout: Operation timed out". */
    const char *fetch_error;
    /* For a page robots.txt blocks: the rule, e.g. "robots.txt line 4: Disallow: /private/". */
    const char *robots_rule;
    /* AUDIT_NOINDEX_* bits; 0 means "unknown", and the graph's NOINDEX_META/_HEADER flags speak. */
    uint8_t noindex_sources;
    /* A hash of the page's body; 0 means unknown. Pages with different known hashes are never
     * grouped as duplicate-url-variants: different bodies are different pages. */
    uint64_t body_hash;
    /* The page's first <title>, meta description and first <h1> ("" when the page has none, NULL
     * when it is not known), for title-missing, title-duplicate, meta-description-duplicate and
     * soft-404. */
    const char *title;
    const char *description;
    const char *h1;
    /* The page matched its origin's 404 answer (crawler: one random missing path per origin):
     * soft-404's evidence, written by the caller who holds both fingerprints. */
    bool like_not_found;
    /* The page's fragment targets (web/extract's page_signals.ids: sorted hashes of its ids and
     * <a name>s) and whether they are known complete; link-to-missing-fragment judges only pages
     * whose ids are known. */
    const uint64_t *ids;
    uint32_t id_count;
    bool ids_known;
    /* The response's Last-Modified header in seconds since the epoch, 0 when none
     * (sitemap-lastmod-header-mismatch). */
    int64_t last_modified;
    /* Against the store's previous run of the site (sitemap-lastmod-stale, -unreliable): whether
     * the page's content changed since (AUDIT_CONTENT_*), and the latest <lastmod> the previous
     * run's sitemaps gave it. content_change is AUDIT_CONTENT_UNKNOWN, and previous_lastmod not
     * read, when there is no previous run, the page is new or unfetched, or no previous sitemap
     * dated it. */
    uint8_t content_change;
    int64_t previous_lastmod;
};
#define AUDIT_CONTENT_UNKNOWN 0
#define AUDIT_CONTENT_SAME 1
#define AUDIT_CONTENT_CHANGED 2

/* A link to a fragment (page#fragment, the page's own included) that an in-scope page wrote. */
struct audit_fragment_link {
    uint32_t source, target; /* node ids */
    uint64_t hash;           /* extract_id_hash of the fragment as written */
    uint64_t decoded_hash;   /* of its percent-decoded form (the same when nothing was decoded) */
    const char *fragment;    /* as written, without '#' */
};

struct audit_options {
    /* deep-page fires above this followable click depth; 0 means AUDIT_DEFAULT_MAX_CLICK_DEPTH. */
    uint32_t max_click_depth;
    /* How many sitemap files the run read (entries or not). missing-from-sitemap is checked only
     * when it is non-zero: without a sitemap every page would be "missing", which says nothing
     * the absence of a sitemap (a finding of its own) does not already say. */
    size_t sitemaps_read;
    /* Bound on related URLs per finding; 0 means AUDIT_DEFAULT_MAX_RELATED. */
    size_t max_related;
    /* NULL, or graph_node_count(graph) entries indexed by node id. */
    const struct audit_page_facts *pages;
    /* The crawl found in-scope URLs it did not fetch (a limit, Ctrl-C, no connection): their links
     * are unknown, so the rules that need the whole graph (audit_whole_graph_rules) are not
     * checked: an orphan, a single inlink or a page missing from the sitemaps may only look so
     * because a page that links to it was never read. */
    bool partial;
    /* The duplicate clusters of this graph (linkgraph/clusters.h), or NULL: then duplicate-content,
     * near-duplicate-content and signals-disagree are not checked. */
    const struct clusters *clusters;
    /* Links to fragments, for link-to-missing-fragment (needs pages[].ids); NULL/0 for none. */
    const struct audit_fragment_link *fragment_links;
    size_t fragment_link_count;
    /* When the crawl started (seconds since the epoch; 0 unknown): a Last-Modified at or after it is
     * the time the response was made, not a change time, and is not held against a lastmod. */
    int64_t crawl_started;
};

/* Run every cross-page rule and append the findings to out. options may be NULL for defaults. */
int audit_graph(const struct graph *graph, const struct graph_analysis *analysis, const struct audit_options *options,
                struct finding_list *out);

/* The rules audit_graph checks, in catalog order, for report_context.checked_rules; *count gets
 * their number. */
const enum rule_id *audit_graph_rules(size_t *count);

/* The rules that conclude from the whole link graph, not checked on a partial crawl
 * (audit_options.partial); *count gets their number. */
const enum rule_id *audit_whole_graph_rules(size_t *count);

/* Whether rule is one of audit_whole_graph_rules. */
bool audit_needs_whole_graph(enum rule_id rule);

#endif
