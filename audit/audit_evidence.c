/* SPDX-License-Identifier: Apache-2.0 */
/* audit/audit_evidence: the page-local audit during the crawl, and the per-page facts and crawl
 * findings after it (see audit/audit_evidence.h). */
#include "audit/audit_evidence.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "findings/finding_cap.h"
#include "web/extract.h"
#include "web/fetch.h"
#include "web/url.h"
#include "web/browser.h"
#include "linkgraph/audit_page.h"
#include "linkgraph/clusters.h"
#include "linkgraph/audit_render.h"
#include "linkgraph/graph.h"
#include "web/fingerprint.h"

/* ---- during the crawl ---- */

void audit_watch_init(struct audit_watch *watch, const struct crawl_options *options)
{
    memset(watch, 0, sizeof *watch);
    watch->identity = (struct url_identity_options){options->strip_params, options->strip_param_count};
    watch->max_body = options->fetch.max_body ? options->fetch.max_body : FETCH_DEFAULT_MAX_BODY;
    watch->render = options->render;
    if (finding_cap_set(&watch->findings, options->max_findings_per_cause) != CP_OK)
        watch->out_of_memory = true;
}

void audit_watch_free(struct audit_watch *watch)
{
    findings_free(&watch->findings);
    free(watch->noindex_sources);
    for (size_t i = 0; i < watch->ids_capacity; i++)
        free(watch->ids[i].hashes);
    free(watch->ids);
    for (size_t i = 0; i < watch->fragment_link_count; i++)
        free((char *)watch->fragment_links[i].fragment);
    free(watch->fragment_links);
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

/* ---- fragments: the page's ids, its links to page#fragment ---- */

static bool grow_ids(struct audit_watch *watch, uint32_t node)
{
    if (node < watch->ids_capacity)
        return true;
    size_t capacity = watch->ids_capacity ? watch->ids_capacity : 1024;
    while (capacity <= node)
        capacity *= 2;
    struct audit_watch_ids *grown = realloc(watch->ids, capacity * sizeof *grown);
    if (!grown)
        return false;
    memset(grown + watch->ids_capacity, 0, (capacity - watch->ids_capacity) * sizeof *grown);
    watch->ids = grown;
    watch->ids_capacity = capacity;
    return true;
}

/* A 200 HTML page read whole: its ids are known unless a bound cut them (the page's, or the
 * watch's budget for all pages). */
static void keep_ids(struct audit_watch *watch, uint32_t node, const struct page_signals *signals, bool whole)
{
    const uint32_t incomplete = EXTRACT_TRUNCATED_IDS | EXTRACT_TRUNCATED_PARSE_TIME | EXTRACT_TRUNCATED_PARSE_MEMORY;
    size_t bytes = (size_t)signals->id_count * sizeof(uint64_t);
    if (!whole || (signals->truncated & incomplete) || watch->id_bytes + bytes > AUDIT_WATCH_MAX_ID_BYTES)
        return;
    if (!grow_ids(watch, node)) {
        watch->out_of_memory = true;
        return;
    }
    struct audit_watch_ids *ids = &watch->ids[node];
    free(ids->hashes);
    ids->hashes = bytes ? malloc(bytes) : NULL;
    if (bytes && !ids->hashes) {
        watch->out_of_memory = true;
        *ids = (struct audit_watch_ids){0};
        return;
    }
    if (bytes)
        memcpy(ids->hashes, signals->ids, bytes);
    ids->count = signals->id_count;
    ids->known = true;
    watch->id_bytes += bytes;
}

/* Fragments that name no element on purpose: "#" alone, "#top" (the HTML standard scrolls to the
 * top without an element), client-side routes ("#/path", "#!path") and text fragments. */
static bool names_an_element(const char *fragment)
{
    return fragment[0] && strcasecmp(fragment, "top") != 0 && fragment[0] != '/' && fragment[0] != '!' &&
           strncmp(fragment, ":~:", 3) != 0;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The hash of the percent-decoded fragment, as the HTML standard tries it after the raw one. */
static uint64_t decoded_hash(const char *fragment)
{
    size_t length = strlen(fragment);
    char *decoded = malloc(length + 1);
    if (!decoded)
        return extract_id_hash(fragment, length);
    size_t n = 0;
    for (size_t i = 0; i < length; i++) {
        int high = fragment[i] == '%' && i + 2 < length ? hex_value(fragment[i + 1]) : -1;
        int low = high >= 0 ? hex_value(fragment[i + 2]) : -1;
        if (low >= 0) {
            decoded[n++] = (char)(high * 16 + low);
            i += 2;
        } else {
            decoded[n++] = fragment[i];
        }
    }
    uint64_t hash = extract_id_hash(decoded, n);
    free(decoded);
    return hash;
}

static bool already_kept(const struct audit_watch *watch, size_t page_first, uint32_t target, const char *fragment)
{
    for (size_t i = page_first; i < watch->fragment_link_count; i++)
        if (watch->fragment_links[i].target == target && strcmp(watch->fragment_links[i].fragment, fragment) == 0)
            return true;
    return false;
}

static void keep_fragment_link(struct audit_watch *watch, uint32_t source, uint32_t target, const char *fragment)
{
    struct audit_fragment_link *grown = array_grow(watch->fragment_links, watch->fragment_link_count, sizeof *grown);
    char *copy = grown ? strdup(fragment) : NULL;
    if (!copy) {
        if (grown)
            watch->fragment_links = grown;
        watch->out_of_memory = true;
        return;
    }
    watch->fragment_links = grown;
    watch->fragment_links[watch->fragment_link_count++] = (struct audit_fragment_link){
        source, target, extract_id_hash(fragment, strlen(fragment)), decoded_hash(fragment), copy};
}

/* The page's <a>/<area> links to page#fragment (its own page included), each target#fragment once. */
static void keep_fragment_links(struct audit_watch *watch, struct graph *graph, uint32_t node,
                                const struct page_signals *signals)
{
    size_t page_first = watch->fragment_link_count;
    for (uint32_t i = 0; i < signals->link_count; i++) {
        const struct page_link *link = &signals->links[i];
        const char *hash = link->url ? strchr(link->url, '#') : NULL;
        if (!hash || (link->kind != EXTRACT_LINK_A && link->kind != EXTRACT_LINK_AREA) || !names_an_element(hash + 1))
            continue;
        if (watch->fragment_link_count - page_first >= AUDIT_WATCH_MAX_PAGE_FRAGMENT_LINKS ||
            watch->fragment_link_count >= AUDIT_WATCH_MAX_FRAGMENT_LINKS)
            return;
        struct url parsed;
        char *identity = NULL;
        if (url_parse_str(link->url, NULL, &parsed) != URL_OK)
            continue;
        if (url_identity(&parsed, &watch->identity, &identity) != URL_OK)
            identity = NULL;
        url_free(&parsed);
        uint32_t target = identity ? graph_find(graph, identity, strlen(identity)) : GRAPH_NO_NODE;
        free(identity);
        if (target != GRAPH_NO_NODE && !already_kept(watch, page_first, target, hash + 1))
            keep_fragment_link(watch, node, target, hash + 1);
    }
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
        .render = watch->render,
    };
    if (audit_page(&input, &watch->findings) != CP_OK)
        watch->out_of_memory = true;
    keep_noindex_sources(watch, node, noindex_sources_of(signals));
    keep_ids(watch, node, signals, input.html && input.status == 200 && !truncated);
    if (input.html && input.status == 200)
        keep_fragment_links(watch, graph, node, signals);
}

void audit_watch_render(void *context, struct graph *graph, uint32_t node, const struct page_signals *raw,
                        const struct page_signals *rendered, const struct crawl_render_info *info)
{
    struct audit_watch *watch = context;
    char failure[400];
    if (info->error)
        snprintf(failure, sizeof failure, "%s: %s", browser_outcome_name((enum browser_outcome)info->outcome),
                 info->error);
    struct audit_render_input input = {
        .url = graph_url(graph, node, NULL),
        .raw = raw,
        .rendered = rendered,
        .failure = rendered      ? NULL
                   : info->error ? failure
                                 : "no DOM",
        .exceptions = info->exceptions,
        .first_exception = info->first_exception,
        .internal_links = info->internal_links,
        .internal_links_rendered_only = info->internal_links_rendered_only,
        .identity = &watch->identity,
    };
    if (audit_render(&input, &watch->findings) != CP_OK)
        watch->out_of_memory = true;
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

/* What the lastmod rules compare: the page's Last-Modified, and with a previous run its content
 * change and that run's lastmod (only when that run's sitemaps dated it). */
static void lastmod_facts(const struct crawl_result *r, uint32_t id, struct audit_page_facts *facts)
{
    const struct crawl_page *page = &r->pages[id];
    facts->last_modified = page->last_modified;
    if (!r->previous_lastmod || r->previous_lastmod[id] == GRAPH_NO_LASTMOD)
        return;
    int changed = crawl_text_changed(page);
    if (changed < 0)
        return;
    facts->content_change = changed ? AUDIT_CONTENT_CHANGED : AUDIT_CONTENT_SAME;
    facts->previous_lastmod = r->previous_lastmod[id];
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
        lastmod_facts(r, id, &e->facts[id]);
        if (id < watch->ids_capacity) {
            e->facts[id].ids = watch->ids[id].hashes;
            e->facts[id].id_count = watch->ids[id].count;
            e->facts[id].ids_known = watch->ids[id].known;
        }
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
                          example, r->trap_refused[i], r->traps[i],
                          max_per_template ? max_per_template : FRONTIER_DEFAULT_MAX_PER_TEMPLATE))
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}
