/* SPDX-License-Identifier: Apache-2.0 */
/* audit/audit_evidence: what the audit learns from the crawl besides the link graph.
 *
 * While crawling, the crawl's on_page hook (crawler/crawl.h) hands each extracted page to
 * audit_watch_page, which runs the page-local rules (linkgraph/audit_page.h) while the page's
 * signals exist and keeps where its noindex was found, the page's ids and its links to fragments. After the crawl, audit_evidence_build turns
 * the result into the per-page facts linkgraph/audit reads, and audit_evidence_crawl_findings into
 * the findings the crawl itself implies (crawl traps, paused hosts).
 *
 * Threads: the hook runs on the crawl's fetch-loop thread, the rest on audit_run's thread after
 * crawl_run returned; the watch is never used by two threads at once.
 * Memory: struct audit_watch owns its findings and noindex array; struct audit_evidence owns its
 * facts array and the strings it made (robots.txt rules); the fetch-error, title, description and h1 strings point into the
 * crawl result, which must outlive the evidence. */
#ifndef CRAWLPACK_AUDIT_AUDIT_EVIDENCE_H
#define CRAWLPACK_AUDIT_AUDIT_EVIDENCE_H

#include <stddef.h>

#include "crawler/crawl.h"
#include "web/url.h"
#include "linkgraph/audit.h"
#include "findings/findings.h"

struct page_signals;
struct graph;

/* One page's fragment targets as the watch keeps them (page_signals.ids, copied). */
struct audit_watch_ids {
    uint64_t *hashes;
    uint32_t count;
    bool known; /* the page's ids are complete (see audit_watch_page) */
};

/* Bounds on what the watch keeps for link-to-missing-fragment: every id of a page is 8 bytes, so
 * the ids of all pages together stop at AUDIT_WATCH_MAX_ID_BYTES (later pages are then not judged);
 * fragment links stop at AUDIT_WATCH_MAX_FRAGMENT_LINKS per page and in all. */
#define AUDIT_WATCH_MAX_ID_BYTES ((size_t)64 << 20)
#define AUDIT_WATCH_MAX_PAGE_FRAGMENT_LINKS 1000
#define AUDIT_WATCH_MAX_FRAGMENT_LINKS 1000000

struct audit_watch {
    struct url_identity_options identity; /* the crawl's --strip-param list */
    uint64_t max_body;                    /* the body cap, for page-truncated's message */
    struct finding_list findings;         /* the page-local rules' findings */
    uint8_t *noindex_sources;             /* per node id: AUDIT_NOINDEX_* bits, 0 when none */
    size_t noindex_capacity;
    struct audit_watch_ids *ids; /* per node id; count 0 and !known when none */
    size_t ids_capacity;
    size_t id_bytes;                            /* of every page's hashes together */
    struct audit_fragment_link *fragment_links; /* fragment strings owned */
    size_t fragment_link_count;
    bool out_of_memory; /* some page's findings or facts could not be kept */
    bool render;        /* the crawl renders (--render) */
};

/* options: the crawl's (they must outlive the watch). */
void audit_watch_init(struct audit_watch *watch, const struct crawl_options *options);
/* A crawl_page_fn: context is the struct audit_watch. */
void audit_watch_page(void *context, struct graph *graph, uint32_t node, const struct page_signals *signals);
/* A crawl_render_fn (--render): the render rules (linkgraph/audit_render.h) on both signal sets. */
void audit_watch_render(void *context, struct graph *graph, uint32_t node, const struct page_signals *raw,
                        const struct page_signals *rendered, const struct crawl_render_info *info);
void audit_watch_free(struct audit_watch *watch);

struct audit_evidence {
    struct audit_page_facts *facts; /* one per graph node (ids point into the watch) */
    char **texts;                   /* the robots.txt rules made for blocked pages, owned */
    size_t text_count;              /* texts grow by array_grow */
};

/* Facts for every node of r's graph: noindex sources from the watch, fetch errors from the crawl's
 * page records, and for each page robots.txt blocks, its deciding rule ("robots.txt line 4:
 * Disallow: /private/") as the crawl recorded it when it asked robots.txt (CRAWL_TEXT_ROBOTS_RULE:
 * never asked again). CP_OK or CP_ERR_NOMEM (*e is then partly filled: free it). */
int audit_evidence_build(const struct crawl_result *r, const struct audit_watch *watch, struct audit_evidence *e);
void audit_evidence_free(struct audit_evidence *e);

/* crawl-trap for each path template --max-per-template stopped (max_per_template 0 means the
 * crawl's default, FRONTIER_DEFAULT_MAX_PER_TEMPLATE). crawl-host-paused is raised by the crawl itself, into r->findings. CP_OK
 * or CP_ERR_NOMEM. */
int audit_evidence_crawl_findings(const struct crawl_result *r, size_t max_per_template, struct finding_list *out);

#endif
