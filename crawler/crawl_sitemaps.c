/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_sitemaps: sitemaps inside the crawl — discovery once the start origin's robots.txt
 * is known (its Sitemap: lines, then --sitemap URLs, else /sitemap.xml and /sitemap_index.xml),
 * each sitemap fetched through the crawl's own transport (so --resolve, auth, politeness and
 * --root apply), checked by sitemap/ (its findings join the crawl's), and every entry interned,
 * attached to its node in the graph and queued after the pages links reach (fetch loop thread
 * only; see crawl_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/array_grow.h"
#include "common/error.h"
#include "common/log.h"
#include "crawler/crawl_internal.h"
#include "web/robots.h"
#include "linkgraph/graph.h"
#include "sitemap/discover.h"

#define SITEMAP_MAX_HOPS 5

static int queue_sitemap(struct crawl *c, const char *url, int origin)
{
    if (c->pending_sitemap_count == c->pending_sitemap_capacity) {
        size_t capacity = c->pending_sitemap_capacity ? c->pending_sitemap_capacity * 2 : 8;
        struct pending_sitemap *grown = realloc(c->pending_sitemaps, capacity * sizeof(*grown));
        if (!grown)
            return CP_ERR_NOMEM;
        c->pending_sitemaps = grown;
        c->pending_sitemap_capacity = capacity;
    }
    char *copy = strdup(url);
    if (!copy)
        return CP_ERR_NOMEM;
    c->pending_sitemaps[c->pending_sitemap_count++] = (struct pending_sitemap){copy, origin};
    return CP_OK;
}

/* The node of a URL written as text (a sitemap's own URL), interned by its crawl identity. */
static uint32_t node_of_text(struct crawl *c, const char *text, struct url *parsed)
{
    if (url_parse_str(text, NULL, parsed) != URL_OK)
        return GRAPH_NO_NODE;
    char *identity = NULL;
    if (url_identity(parsed, &c->identity, &identity) != URL_OK)
        return GRAPH_NO_NODE;
    bool is_new = false;
    uint32_t node = graph_intern(c->graph, identity, strlen(identity), &is_new);
    free(identity);
    if (node != GRAPH_NO_NODE && !crawl_page_of(c, node))
        return GRAPH_NO_NODE;
    return node;
}

static int on_entry(const struct sitemap_entry *entry, void *context)
{
    struct crawl *c = context;
    c->r->sitemap_urls++;
    struct url page_url, sitemap_url;
    memset(&sitemap_url, 0, sizeof(sitemap_url));
    if (url_parse_str(entry->url, NULL, &page_url) != URL_OK)
        return 0;
    bool is_new = false;
    c->seeding = c->o->sitemap_only; /* --sitemap-only: the sitemaps' URLs are the crawl */
    uint32_t node = crawl_discover(c, entry->url, &page_url, UINT32_MAX, true, &is_new);
    c->seeding = false;
    uint32_t sitemap = node_of_text(c, entry->sitemap, &sitemap_url);
    if (node != GRAPH_NO_NODE && sitemap != GRAPH_NO_NODE)
        graph_add_sitemap_entry(c->graph, node, sitemap, entry->line,
                                entry->lastmod_valid ? (int64_t)entry->lastmod_time : GRAPH_NO_LASTMOD);
    url_free(&page_url);
    url_free(&sitemap_url);
    return 0;
}

static void on_child(void *context, const char *child_url, const char *parent, unsigned line)
{
    (void)parent;
    (void)line;
    struct crawl *c = context;
    if (queue_sitemap(c, child_url, SITEMAP_ORIGIN_INDEX) != CP_OK)
        log_error("out of memory queueing sitemap %s", child_url);
}

static struct crawl_sitemap_outcome *add_outcome(struct crawl *c, const char *url, int origin)
{
    struct crawl_sitemap_outcome *grown = array_grow(c->r->sitemaps, c->r->sitemap_count, sizeof(*grown));
    if (!grown)
        return NULL;
    c->r->sitemaps = grown;
    struct crawl_sitemap_outcome *o = &grown[c->r->sitemap_count++];
    memset(o, 0, sizeof(*o));
    o->url = strdup(url);
    o->origin = sitemap_origin_name((enum sitemap_origin)origin);
    return o;
}

void crawl_start_sitemaps(struct crawl *c, const struct robots *robots)
{
    if (c->sitemaps_started || c->o->no_sitemaps || c->o->list_count) /* list mode reads none */
        return;
    c->sitemaps_started = true;
    size_t robots_count = 0;
    const char *const *declared = robots ? robots_sitemaps(robots, &robots_count) : NULL;
    long robots_status = 0;
    for (size_t i = 0; i < c->r->robots_count; i++)
        if (strcmp(c->r->robots[i].origin, c->start_origin) == 0)
            robots_status = c->r->robots[i].status;
    c->sitemap_robots = (struct sitemap_robots_declaration){c->start_origin, declared, robots_count, robots_status};
    struct sitemap_options options = {
        .now = time(NULL),
        .robots = &c->sitemap_robots,
        .robots_count = 1,
        .identity = &c->identity,
        .max_urls = c->o->max_sitemap_urls,
    };
    if (sitemap_checker_init(&c->sitemap_checker, &options, &c->r->findings, on_entry, c) != CP_OK) {
        log_error("out of memory: sitemaps not read");
        return;
    }
    c->sitemap_checker_ready = true;
    c->sitemap_checker.on_child = on_child;
    struct sitemap_discovery plan;
    if (sitemap_discovery_plan(c->start.href, declared, robots_count, c->o->sitemaps, c->o->sitemap_count, &plan) !=
        CP_OK)
        return;
    for (size_t i = 0; i < plan.count; i++)
        queue_sitemap(c, plan.sources[i].url, (int)plan.sources[i].origin);
    sitemap_discovery_free(&plan);
}

void crawl_start_pending_sitemaps(struct crawl *c)
{
    size_t started = 0;
    for (; started < c->pending_sitemap_count && !c->stopping; started++) {
        struct pending_sitemap *p = &c->pending_sitemaps[started];
        struct request *request = calloc(1, sizeof(*request));
        if (!request)
            break;
        request->kind = REQUEST_SITEMAP;
        request->url = p->url;
        request->sitemap_origin = p->origin;
        p->url = NULL;
        struct url parsed;
        bool own_origin = false;
        if (url_parse_str(request->url, NULL, &parsed) == URL_OK) {
            char origin[1024];
            own_origin = url_origin(&parsed, origin, sizeof(origin)) >= 0 && strcmp(origin, c->start_origin) == 0;
            url_free(&parsed);
        }
        if (crawl_start_fetch(c, request->url, false, own_origin, SITEMAP_MAX_BYTES + 1, request) != CP_OK) {
            struct crawl_sitemap_outcome *o = add_outcome(c, request->url, request->sitemap_origin);
            if (o)
                o->error = strdup("not fetched (out of memory)");
            crawl_free_request(request);
        }
    }
    if (started == 0)
        return;
    memmove(c->pending_sitemaps, c->pending_sitemaps + started,
            (c->pending_sitemap_count - started) * sizeof(*c->pending_sitemaps));
    c->pending_sitemap_count -= started;
}

/* A sitemap that did not answer 200: a finding, except for the guessed default locations. */
static void sitemap_failed(struct crawl *c, struct request *request, const struct fetch_result *response,
                           struct crawl_sitemap_outcome *outcome)
{
    char message[400];
    enum rule_id rule = RULE_SITEMAP_UNREACHABLE;
    if (response->error_class != HTTP_ERROR_NONE && !response->truncated)
        snprintf(message, sizeof(message), "cannot fetch %s: %s (%s)", request->url, response->error,
                 http_error_class_name(response->error_class));
    else if (response->status != 200)
        snprintf(message, sizeof(message), "%s answered HTTP %ld", request->url, response->status);
    else {
        rule = RULE_SITEMAP_TOO_LARGE;
        snprintf(message, sizeof(message), "%s is larger than %u bytes; not read", request->url, SITEMAP_MAX_BYTES);
    }
    if (outcome)
        outcome->error = strdup(message);
    if (request->sitemap_origin != SITEMAP_ORIGIN_DEFAULT)
        findings_add(&c->r->findings, rule, request->url, request->url, 0, "%s", message);
}

/* Follow a sitemap's redirect (up to SITEMAP_MAX_HOPS), as search engines do. */
static bool follow_redirect(struct crawl *c, struct request *request, const struct fetch_result *response)
{
    if (response->status < 300 || response->status >= 400 || !response->location || request->hops >= SITEMAP_MAX_HOPS)
        return false;
    struct url base, target;
    if (url_parse_str(response->url, NULL, &base) != URL_OK)
        return false;
    bool ok = url_parse_str(response->location, &base, &target) == URL_OK;
    url_free(&base);
    if (!ok)
        return false;
    struct request *next = calloc(1, sizeof(*next));
    bool started = false;
    if (next && url_is_crawlable(&target)) {
        *next = *request;
        next->hops++;
        next->url = strdup(request->url); /* findings keep naming the sitemap as listed */
        started = next->url && crawl_start_fetch(c, target.href, false, false, SITEMAP_MAX_BYTES + 1, next) == CP_OK;
    }
    if (!started)
        crawl_free_request(next);
    url_free(&target);
    return started;
}

void crawl_handle_sitemap(struct crawl *c, struct request *request, struct fetch_result *response)
{
    /* A sitemap is a URL the crawl fetched, so it gets its row; a guessed location that is not
     * there (/sitemap.xml on a site without one) is no fact about the site and gets none. */
    if (response->status == 200 || request->sitemap_origin != SITEMAP_ORIGIN_DEFAULT) {
        struct url parsed;
        memset(&parsed, 0, sizeof(parsed));
        uint32_t node = node_of_text(c, response->url, &parsed);
        url_free(&parsed);
        if (node != GRAPH_NO_NODE)
            crawl_record_response(c, node, response);
    }
    if (follow_redirect(c, request, response))
        return;
    /* One file reached twice (robots.txt and an index, or a guess and an index) is one file read:
     * one row, its entries counted once. */
    if (response->status == 200 && c->sitemap_checker_ready &&
        sitemap_checker_has_read(&c->sitemap_checker, response->url))
        return;
    struct crawl_sitemap_outcome *outcome = add_outcome(c, request->url, request->sitemap_origin);
    if (outcome)
        outcome->status = response->status;
    if (response->status != 200 || response->error_class != HTTP_ERROR_NONE || response->truncated ||
        !c->sitemap_checker_ready) {
        sitemap_failed(c, request, response, outcome);
        return;
    }
    struct sitemap_result result;
    if (sitemap_check_buffer(&c->sitemap_checker, request->url, response->url, response->body, response->body_length,
                             (enum sitemap_origin)request->sitemap_origin, &result) != CP_OK)
        log_error("out of memory reading sitemap %s", request->url);
    if (outcome) {
        outcome->read = result.read;
        outcome->urls = result.urls;
        if (!result.read)
            outcome->error = strdup(result.error);
    }
}

void crawl_sitemaps_free(struct crawl *c)
{
    for (size_t i = 0; i < c->pending_sitemap_count; i++)
        free(c->pending_sitemaps[i].url);
    free(c->pending_sitemaps);
    c->pending_sitemaps = NULL;
    c->pending_sitemap_count = 0;
    if (c->sitemap_checker_ready)
        sitemap_checker_free(&c->sitemap_checker);
    c->sitemap_checker_ready = false;
}
