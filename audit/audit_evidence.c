/* SPDX-License-Identifier: Apache-2.0 */
/* audit/audit_evidence: the page-local audit during the crawl, and the per-page facts and crawl
 * findings after it (see audit/audit_evidence.h). */
#include "audit/audit_evidence.h"

#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "findings/finding_cap.h"
#include "web/extract.h"
#include "web/fetch.h"
#include "web/url.h"
#include "linkgraph/audit_page.h"
#include "linkgraph/clusters.h"
#include "linkgraph/graph.h"
#include "web/fingerprint.h"

/* ---- during the crawl ---- */

void audit_watch_init(struct audit_watch *watch, const struct crawl_options *options)
{
    memset(watch, 0, sizeof *watch);
    watch->identity = (struct url_identity_options){options->strip_params, options->strip_param_count};
    watch->max_body = options->fetch.max_body ? options->fetch.max_body : FETCH_DEFAULT_MAX_BODY;
    if (finding_cap_set(&watch->findings, options->max_findings_per_cause) != CP_OK)
        watch->out_of_memory = true;
}

void audit_watch_free(struct audit_watch *watch)
{
    findings_free(&watch->findings);
    free(watch->noindex_sources);
    memset(watch, 0, sizeof *watch);
}

/* The noindex that binds search engines, as the crawl records it in the graph
 * (page_signals_binding_directives). enum robots_source and AUDIT_NOINDEX_* agree. */
static uint8_t noindex_sources_of(const struct page_signals *signals)
{
    const struct robots_directives *binding = page_signals_binding_directives(signals);
    return binding ? binding->flag_sources[ROBOTS_NOINDEX] : 0;
}

static void keep_noindex_sources(struct audit_watch *watch, uint32_t node, uint8_t sources)
{
    if (sources == 0)
        return;
    if (node >= watch->noindex_capacity) {
        size_t capacity = watch->noindex_capacity ? watch->noindex_capacity : 1024;
        while (capacity <= node)
            capacity *= 2;
        uint8_t *grown = realloc(watch->noindex_sources, capacity);
        if (!grown) {
            watch->out_of_memory = true;
            return;
        }
        memset(grown + watch->noindex_capacity, 0, capacity - watch->noindex_capacity);
        watch->noindex_sources = grown;
        watch->noindex_capacity = capacity;
    }
    watch->noindex_sources[node] = sources;
}

void audit_watch_page(void *context, struct graph *graph, uint32_t node, const struct page_signals *signals)
{
    struct audit_watch *watch = context;
    const struct graph_node *facts = graph_node(graph, node);
    bool truncated = facts->flags & GRAPH_NODE_TRUNCATED;
    struct audit_page_input input = {
        .url = graph_url(graph, node, NULL),
        .signals = signals,
        .status = facts->status,
        .html = facts->flags & GRAPH_NODE_HTML,
        .body_truncated = truncated,
        .body_bytes = truncated ? watch->max_body : 0,
        .identity = &watch->identity,
    };
    if (audit_page(&input, &watch->findings) != CP_OK)
        watch->out_of_memory = true;
    keep_noindex_sources(watch, node, noindex_sources_of(signals));
}

/* ---- after the crawl ---- */

void audit_evidence_free(struct audit_evidence *e)
{
    for (size_t i = 0; i < e->text_count; i++)
        free(e->texts[i]);
    free(e->texts);
    free(e->facts);
}

/* "robots.txt line 4: Disallow: /private/" for a page robots.txt blocks, from the deciding line the
 * crawl recorded when it asked robots.txt; NULL when there is none (or out of memory: the finding
 * then says "blocked by robots.txt"). */
static char *blocking_rule(const struct crawl_page *page)
{
    const char *rule = crawl_page_text(page, CRAWL_TEXT_ROBOTS_RULE);
    if (!rule[0])
        return NULL;
    struct buf b = BUF_INIT;
    char *text = buf_printf(&b, "robots.txt %s", rule) == CP_OK ? buf_detach(&b) : NULL;
    buf_free(&b);
    return text;
}

static int keep_text(struct audit_evidence *e, char *text)
{
    char **grown = array_grow(e->texts, e->text_count, sizeof *grown);
    if (!grown)
        return CP_ERR_NOMEM;
    e->texts = grown;
    e->texts[e->text_count++] = text;
    return CP_OK;
}

/* Whether page id (a 200 HTML page) has its origin's answer to a missing path as main text: the
 * same text, or near by SimHash when both are long enough for one (linkgraph/clusters' rules). */
static bool like_not_found(const struct crawl_result *r, uint32_t id)
{
    const struct crawl_page *page = &r->pages[id];
    const struct graph_node *node = graph_node(r->graph, id);
    if (node->status != 200 || !(node->flags & GRAPH_NODE_HTML) || page->main_words < CLUSTERS_MIN_WORDS)
        return false;
    const char *url = graph_url(r->graph, id, NULL);
    for (size_t i = 0; i < r->robots_count; i++) {
        const struct crawl_robots_outcome *o = &r->robots[i];
        size_t length = strlen(o->origin);
        if (o->not_found_words < CLUSTERS_MIN_WORDS || o->not_found_status == 200 ||
            strncmp(url, o->origin, length) != 0 || url[length] != '/')
            continue;
        if (o->not_found_hash == page->content_hash)
            return true;
        return page->main_words >= FINGERPRINT_MIN_NEAR_WORDS && o->not_found_words >= FINGERPRINT_MIN_NEAR_WORDS &&
               fingerprint_distance(o->not_found_simhash, page->simhash) <= FINGERPRINT_NEAR_BITS;
    }
    return false;
}

int audit_evidence_build(const struct crawl_result *r, const struct audit_watch *watch, struct audit_evidence *e)
{
    uint32_t count = graph_node_count(r->graph);
    memset(e, 0, sizeof *e);
    e->facts = calloc((size_t)count + 1, sizeof *e->facts);
    if (!e->facts)
        return CP_ERR_NOMEM;
    for (uint32_t id = 0; id < count; id++) {
        const struct graph_node *node = graph_node(r->graph, id);
        if (id < watch->noindex_capacity)
            e->facts[id].noindex_sources = watch->noindex_sources[id];
        if ((node->flags & GRAPH_NODE_FETCHED) && node->status == 0)
            e->facts[id].fetch_error = crawl_page_text(&r->pages[id], CRAWL_TEXT_ERROR);
        e->facts[id].body_hash = r->pages[id].body_hash;
        e->facts[id].title = crawl_page_text(&r->pages[id], CRAWL_TEXT_TITLE);
        e->facts[id].description = crawl_page_text(&r->pages[id], CRAWL_TEXT_DESCRIPTION);
        e->facts[id].h1 = crawl_page_text(&r->pages[id], CRAWL_TEXT_H1);
        e->facts[id].like_not_found = like_not_found(r, id);
        if (!(node->flags & GRAPH_NODE_ROBOTS_BLOCKED))
            continue;
        char *rule = blocking_rule(&r->pages[id]);
        if (rule && keep_text(e, rule) != CP_OK) {
            free(rule);
            return CP_ERR_NOMEM;
        }
        e->facts[id].robots_rule = rule;
    }
    return CP_OK;
}

int audit_evidence_crawl_findings(const struct crawl_result *r, size_t max_per_template, struct finding_list *out)
{
    /* The finding names a URL a user can open (one the cap refused); the template it belongs to
     * is in the message, as crawl.json lists it. */
    for (size_t i = 0; i < r->trap_count; i++) {
        const char *example = r->trap_examples && r->trap_examples[i] ? r->trap_examples[i] : r->traps[i];
        if (!findings_add(out, RULE_CRAWL_TRAP, example, NULL, 0,
                          "%s is one of %zu URLs not crawled: their template %s produced more than %zu URLs "
                          "(--max-per-template)",
                          example, r->trap_refused[i], r->traps[i], max_per_template ? max_per_template : FRONTIER_DEFAULT_MAX_PER_TEMPLATE))
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

