/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_robots: robots.txt per origin — fetch it with RFC 9309's semantics before the
 * origin's first page, then decide each URL (fetch loop thread only; see crawl_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "crawler/crawl_internal.h"
#include "crawler/crawl_output.h"
#include "web/content_type.h"
#include "web/extract.h"
#include "web/robots.h"
#include "linkgraph/graph.h"

/* ---- robots.txt per origin ---- */

static void request_not_found(struct crawl *c, struct frontier_origin *origin, size_t index,
                              const struct robots *robots);

static void set_origin_robots(struct crawl *c, struct frontier_origin *origin, size_t index, struct robots *robots,
                              const char *action, const char *reason)
{
    struct crawl_robots_outcome *outcome = &c->r->robots[index];
    outcome->robots = robots;
    free(outcome->action);
    outcome->action = strdup(action);
    free(outcome->reason);
    outcome->reason = reason && reason[0] ? strdup(reason) : NULL;
    frontier_set_robots(origin, robots);
    frontier_set_robots_state(origin, FRONTIER_ROBOTS_READY);
    request_not_found(c, origin, index, robots);
    if (strcmp(frontier_origin_name(origin), c->start_origin) == 0)
        crawl_start_sitemaps(c, robots);
    /* Recorded either way, so crawl.json shows a delay the crawl did not honour. */
    double delay;
    if (robots && robots_crawl_delay(robots, c->robots_token, &delay)) {
        outcome->has_crawl_delay = true;
        outcome->crawl_delay_s = delay;
        if (c->o->respect_crawl_delay && delay > 0) {
            frontier_set_min_interval(origin, delay * 1000.0);
            outcome->crawl_delay_applied = true;
        }
    }
}

void crawl_request_robots(struct crawl *c, struct frontier_origin *origin)
{
    struct crawl_robots_outcome *grown = array_grow(c->r->robots, c->r->robots_count, sizeof(*grown));
    if (!grown) {
        frontier_set_robots_state(origin, FRONTIER_ROBOTS_READY);
        return;
    }
    c->r->robots = grown;
    size_t index = c->r->robots_count++;
    struct crawl_robots_outcome *outcome = &grown[index];
    memset(outcome, 0, sizeof(*outcome));
    outcome->origin = strdup(frontier_origin_name(origin));
    struct buf url = BUF_INIT;
    buf_printf(&url, "%s/robots.txt", frontier_origin_name(origin));
    outcome->robots_url = buf_detach(&url);
    struct request *request = calloc(1, sizeof(*request));
    if (request) {
        request->kind = REQUEST_ROBOTS;
        request->origin = origin;
        request->robots_index = index;
    }
    bool own_origin = strcmp(frontier_origin_name(origin), c->start_origin) == 0;
    if (!request || !outcome->robots_url ||
        crawl_start_fetch(c, outcome->robots_url, false, own_origin, 0, request) != CP_OK) {
        free(request);
        set_origin_robots(c, origin, index, NULL, "allow-all", "out of memory: robots.txt not fetched");
    }
}

void crawl_handle_robots(struct crawl *c, struct request *request, struct fetch_result *response)
{
    struct crawl_robots_outcome *outcome = &c->r->robots[request->robots_index];
    char location[4096] = "";
    if (response->location) {
        struct url base, target;
        if (url_parse_str(response->url, NULL, &base) == URL_OK) {
            if (url_parse_str(response->location, &base, &target) == URL_OK) {
                snprintf(location, sizeof(location), "%s", target.href);
                url_free(&target);
            }
            url_free(&base);
        }
    }
    struct robots_http_outcome http = {
        .status = response->status,
        .network_error = response->error_class != HTTP_ERROR_NONE && !response->truncated,
        .error = response->error,
        .location = location[0] ? location : NULL,
        .hops = request->hops,
    };
    char reason[512] = "";
    enum robots_fetch_action action = robots_fetch_policy(outcome->robots_url, &http, &c->r->findings, reason,
                                                          sizeof(reason));
    outcome->status = response->status;
    outcome->bytes = response->body_length;
    /* No byte from the host at all (DNS, connect, TLS, or a silent timeout): the crawl cannot
     * reach the origin, which crawl_judge_start reports instead of a robots.txt finding alone. */
    enum http_error_class failure = response->error_class;
    if (response->status == 0 &&
        (failure == HTTP_ERROR_DNS || failure == HTTP_ERROR_CONNECT || failure == HTTP_ERROR_TLS ||
         (failure == HTTP_ERROR_TIMEOUT && response->ttfb_ms <= 0))) {
        char text[400];
        snprintf(text, sizeof text, "%s: %s", http_error_class_name(failure), response->error);
        free(outcome->transport_error);
        outcome->transport_error = strdup(text);
    }
    struct robots *robots = NULL;
    switch (action) {
    case ROBOTS_FETCH_FOLLOW: {
        struct request *next = calloc(1, sizeof(*next));
        if (next) {
            *next = *request;
            next->hops++;
            if (crawl_start_fetch(c, location, false, false, 0, next) == CP_OK)
                return;
            free(next);
        }
        set_origin_robots(c, request->origin, request->robots_index,
                          robots_new_allow_all("robots.txt redirect not followed"), "allow-all",
                          "out of memory following a robots.txt redirect");
        return;
    }
    case ROBOTS_FETCH_PARSE:
        if (robots_parse(response->body, response->body_length, outcome->robots_url, &robots, &c->r->findings) != CP_OK)
            robots = NULL;
        set_origin_robots(c, request->origin, request->robots_index, robots, "parse", reason);
        return;
    case ROBOTS_FETCH_ALLOW_ALL:
        set_origin_robots(c, request->origin, request->robots_index, robots_new_allow_all(reason), "allow-all", reason);
        return;
    case ROBOTS_FETCH_DISALLOW_ALL:
        set_origin_robots(c, request->origin, request->robots_index, robots_new_disallow_all(reason), "disallow-all",
                          reason);
        return;
    }
}

/* ---- the origin's answer to a missing path (soft-404's reference) ---- */

/* A path no site has: the product token and 64 random bits, so no cache and no real page answers. */
static void missing_path(char *dst, size_t size)
{
    uint64_t random = 0;
    FILE *source = fopen("/dev/urandom", "rb");
    if (!source || fread(&random, sizeof random, 1, source) != 1) {
        struct timespec now; /* no /dev/urandom: the clock is random enough for one path */
        clock_gettime(CLOCK_REALTIME, &now);
        random = (uint64_t)now.tv_nsec * 0x9E3779B97F4A7C15u ^ (uint64_t)now.tv_sec;
    }
    if (source)
        fclose(source);
    snprintf(dst, size, "/crawlpack-not-found-%016llx", (unsigned long long)random);
}

/* Asked once per in-scope origin, unless the crawl is exact (list, sitemap-only: exactly the URLs
 * given) or robots.txt forbids the path; a failed request is only a missing reference. */
static void request_not_found(struct crawl *c, struct frontier_origin *origin, size_t index,
                              const struct robots *robots)
{
    if (c->o->list_count > 0 || c->o->sitemap_only || c->stopping)
        return;
    char path[64];
    missing_path(path, sizeof path);
    struct robots_decision decision;
    if (robots && !robots_check(robots, c->robots_token, path, strlen(path), &decision) && !c->o->ignore_robots)
        return;
    struct buf url = BUF_INIT;
    buf_printf(&url, "%s%s", frontier_origin_name(origin), path);
    struct request *request = calloc(1, sizeof(*request));
    char *text = buf_detach(&url);
    if (!request || !text) {
        free(request);
        free(text);
        return;
    }
    request->kind = REQUEST_NOT_FOUND;
    request->robots_index = index;
    c->r->robots[index].not_found_url = text;
    bool own_origin = strcmp(frontier_origin_name(origin), c->start_origin) == 0;
    if (crawl_start_fetch(c, text, false, own_origin, 0, request) != CP_OK) {
        free(request);
        return;
    }
    c->r->not_found_probes++;
}

/* Fingerprint the answer's main text (one page per origin, on this thread: the workers' queue is
 * for pages of the crawl). */
void crawl_handle_not_found(struct crawl *c, struct request *request, struct fetch_result *response)
{
    struct crawl_robots_outcome *outcome = &c->r->robots[request->robots_index];
    outcome->not_found_status = response->status;
    if (!response->body_length || !content_type_is_html(response->content_type))
        return;
    struct extract_input input = {.url = response->url,
                                  .body = response->body,
                                  .body_length = response->body_length,
                                  .limits = {.max_links = 1, .max_parse_ms = c->o->max_parse_ms}};
    struct page_signals *signals = NULL;
    if (extract_page(&input, &signals) != CP_OK)
        return;
    outcome->not_found_hash = signals->content_hash;
    outcome->not_found_simhash = signals->simhash;
    outcome->not_found_words = signals->main_words;
    page_signals_free(signals);
}

/* Whether robots.txt lets us fetch node; the deciding line goes into the page's error when not. */
bool crawl_robots_allows(struct crawl *c, uint32_t node, struct frontier_origin *origin)
{
    const struct robots *robots = frontier_robots(origin);
    if (!robots)
        return true;
    struct url u;
    const char *href = graph_url(c->graph, node, NULL);
    if (url_parse_str(href, NULL, &u) != URL_OK)
        return true;
    size_t length;
    const char *path = url_path_and_query(&u, &length);
    struct robots_decision decision;
    bool allowed = robots_check(robots, c->robots_token, path, length, &decision);
    url_free(&u);
    if (allowed)
        return true;
    /* The graph keeps the fact either way (the audit reports blocked pages); with --ignore-robots
     * the page is fetched and its row shows what the server answered. */
    graph_set_flags(c->graph, node, GRAPH_NODE_ROBOTS_BLOCKED);
    char text[400], error[480];
    robots_decision_format(&decision, text, sizeof(text));
    struct crawl_page *page = crawl_page_of(c, node);
    if (!page)
        return c->o->ignore_robots;
    crawl_page_set_text(c, page, CRAWL_TEXT_ROBOTS_RULE, text);
    if (c->o->ignore_robots)
        return true;
    snprintf(error, sizeof(error), "blocked by robots.txt: %s", text);
    if (!(page->flags & CRAWL_PAGE_ROBOTS_BLOCKED))
        c->r->outcomes.disallowed++;
    page->flags |= CRAWL_PAGE_ROBOTS_BLOCKED;
    crawl_page_set_text(c, page, CRAWL_TEXT_ERROR, error);
    return false;
}
