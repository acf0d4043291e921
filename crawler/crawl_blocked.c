/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_blocked: rate limits and bot walls (web/bot_wall) per origin, and whether the crawl
 * reached its start page (fetch loop thread only; see crawl.h and crawl_internal.h).
 *
 * A blocked URL is neither a fetched page nor a broken one: its record keeps what the server
 * answered (pages.csv shows it) while the graph does not mark it fetched, so no rule concludes
 * anything from it. Each origin that blocked the crawl gets one crawl-blocked finding. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/log.h"
#include "crawler/crawl_internal.h"
#include "linkgraph/graph.h"

const char *crawl_start_outcome_name(enum crawl_start_outcome outcome)
{
    switch (outcome) {
    case CRAWL_START_OK: return "ok";
    case CRAWL_START_HTTP_ERROR: return "http-error";
    case CRAWL_START_UNREACHABLE: return "unreachable";
    case CRAWL_START_BLOCKED: return "blocked";
    case CRAWL_START_NOT_FETCHED: return "not-fetched";
    }
    return "not-fetched";
}

static struct blocked_origin *blocked_origin_of(struct crawl *c, struct frontier_origin *origin)
{
    for (size_t i = 0; i < c->blocked_origin_count; i++)
        if (c->blocked_origins[i].origin == origin)
            return &c->blocked_origins[i];
    return NULL;
}

static struct blocked_origin *note_origin(struct crawl *c, struct frontier_origin *origin, const char *url,
                                          const char *reason)
{
    struct blocked_origin *b = blocked_origin_of(c, origin);
    if (b && strcmp(url, b->first_url) < 0) {
        /* The finding names the origin's first blocked URL in URL order, not in the order the
         * answers arrived, so the same site gives the same finding every run. */
        char *first = strdup(url), *why = strdup(reason);
        if (first && why) {
            free(b->first_url);
            free(b->reason);
            b->first_url = first;
            b->reason = why;
        } else {
            free(first);
            free(why);
        }
    }
    if (b)
        return b;
    struct blocked_origin *grown = array_grow(c->blocked_origins, c->blocked_origin_count, sizeof(*grown));
    if (!grown)
        return NULL;
    c->blocked_origins = grown;
    b = &grown[c->blocked_origin_count];
    *b = (struct blocked_origin){origin, strdup(url), strdup(reason), 0, false};
    if (!b->reason || !b->first_url) {
        free(b->reason);
        free(b->first_url);
        return NULL;
    }
    c->blocked_origin_count++;
    return b;
}

void crawl_record_blocked(struct crawl *c, uint32_t node, struct frontier_origin *origin,
                          const struct fetch_result *response, const char *reason, bool close_origin)
{
    struct crawl_page *page = crawl_page_of(c, node);
    if (!page)
        return;
    char why[300], text[400];
    snprintf(why, sizeof why, "%s%s", reason, close_origin ? ", over the 60 s cap: not waited for" : "");
    snprintf(text, sizeof text, "blocked: %s; not crawled, not broken", why);
    page->flags |= CRAWL_PAGE_FETCHED | CRAWL_PAGE_BLOCKED;
    page->status = (uint16_t)(response->status > 0 && response->status < 1000 ? response->status : 0);
    page->ttfb_ms = (float)response->ttfb_ms;
    page->total_ms = (float)response->total_ms;
    page->http_version = (uint8_t)response->http_version;
    crawl_page_set_text(c, page, CRAWL_TEXT_CONTENT_TYPE, response->content_type);
    crawl_page_set_text(c, page, CRAWL_TEXT_ERROR, text);
    c->r->pages_blocked++;
    c->r->outcomes.blocked++;
    log_warn("%s: blocked: %s", response->url, reason);
    struct blocked_origin *b = note_origin(c, origin, response->url, why);
    if (!b)
        return;
    b->count++;
    b->closed |= close_origin;
}

bool crawl_origin_closed(struct crawl *c, uint32_t node, struct frontier_origin *origin)
{
    struct blocked_origin *b = blocked_origin_of(c, origin);
    if (!b || !b->closed)
        return false;
    struct crawl_page *page = crawl_page_of(c, node);
    if (page) {
        page->flags |= CRAWL_PAGE_BLOCKED;
        crawl_page_set_text(c, page, CRAWL_TEXT_ERROR,
                            "blocked: not requested: its origin asked to wait longer than the 60 s cap; "
                            "not crawled, not broken");
    }
    b->count++;
    c->r->pages_blocked++;
    c->r->outcomes.blocked++;
    return true;
}

void crawl_blocked_findings(struct crawl *c)
{
    for (size_t i = 0; i < c->blocked_origin_count; i++) {
        const struct blocked_origin *b = &c->blocked_origins[i];
        const char *origin = frontier_origin_name(b->origin);
        if (!findings_add(&c->r->findings, RULE_CRAWL_BLOCKED, b->first_url, NULL, 0,
                          "%zu URL%s of %s not crawled; %s: %s (pages.csv gives each URL's answer). Blocked is "
                          "not broken: these pages were not checked",
                          b->count, b->count == 1 ? "" : "s", origin, b->first_url, b->reason))
            log_error("out of memory recording that %s blocked the crawl", origin);
    }
}

void crawl_blocked_free(struct crawl *c)
{
    for (size_t i = 0; i < c->blocked_origin_count; i++) {
        free(c->blocked_origins[i].reason);
        free(c->blocked_origins[i].first_url);
    }
    free(c->blocked_origins);
}

/* ---- the start page ---- */

/* The robots.txt outcome of url's origin, or NULL. */
static const struct crawl_robots_outcome *robots_of(const struct crawl *c, const char *url)
{
    struct url parsed;
    char origin[1024];
    if (url_parse_str(url, NULL, &parsed) != URL_OK)
        return NULL;
    int written = url_origin(&parsed, origin, sizeof origin);
    url_free(&parsed);
    for (size_t i = 0; written >= 0 && i < c->r->robots_count; i++)
        if (c->r->robots[i].origin && strcmp(c->r->robots[i].origin, origin) == 0)
            return &c->r->robots[i];
    return NULL;
}

static bool folder_is_empty(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return false;
    struct dirent *entry;
    bool empty = true;
    while (empty && (entry = readdir(dir)))
        empty = strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0;
    closedir(dir);
    return empty;
}

static void set_start(struct crawl *c, enum crawl_start_outcome outcome, const char *problem)
{
    c->r->start_outcome = outcome;
    free(c->r->start_problem);
    c->r->start_problem = problem ? strdup(problem) : NULL;
}

/* The start page is the end of the start URL's redirect chain: the page the site is crawled from. */
void crawl_judge_start(struct crawl *c)
{
    uint32_t node = c->r->start_node;
    for (int hops = 0; hops <= c->max_redirects; hops++) {
        const struct crawl_page *page = crawl_page_of(c, node);
        uint32_t next = graph_node(c->graph, node)->redirect;
        if (!page || !(page->flags & CRAWL_PAGE_FETCHED) || page->status < 300 || page->status >= 400 ||
            next == GRAPH_NO_NODE || next == node)
            break;
        node = next;
    }
    struct crawl_page *page = crawl_page_of(c, node);
    const char *url = graph_url(c->graph, node, NULL);
    const char *error = page ? crawl_page_text(page, CRAWL_TEXT_ERROR) : "";
    if (!page) {
        set_start(c, CRAWL_START_NOT_FETCHED, NULL);
    } else if (page->flags & CRAWL_PAGE_BLOCKED) {
        set_start(c, CRAWL_START_BLOCKED, error);
    } else if (page->flags & CRAWL_PAGE_UNREACHABLE) {
        /* "not fetched: no connection (connect: ...)": the cause is what is in the parentheses */
        const char *cause = strchr(error, '(');
        char problem[400];
        snprintf(problem, sizeof problem, "%s", cause ? cause + 1 : error);
        size_t n = strlen(problem);
        if (cause && n && problem[n - 1] == ')')
            problem[n - 1] = '\0';
        set_start(c, CRAWL_START_UNREACHABLE, problem[0] ? problem : "no connection");
    } else if ((page->flags & CRAWL_PAGE_FETCHED) && page->status == 0) {
        set_start(c, CRAWL_START_UNREACHABLE, error[0] ? error : "no response");
    } else if ((page->flags & CRAWL_PAGE_FETCHED) && page->status >= 400) {
        char problem[600];
        bool empty = page->status == 404 && c->o->root_dir && folder_is_empty(c->o->root_dir);
        snprintf(problem, sizeof problem, "answered HTTP %u%s", page->status,
                 empty ? " (the --root folder is empty: did the site build fail?)" : "");
        set_start(c, CRAWL_START_HTTP_ERROR, problem);
        const char *start = graph_url(c->graph, c->r->start_node, NULL);
        bool redirected = node != c->r->start_node;
        if (!findings_add(&c->r->findings, RULE_START_URL_ERROR, start, NULL, 0,
                          "the start URL %s%s%s%s %s: nothing was crawled from it", start,
                          redirected ? " redirects to " : "", redirected ? url : "", redirected ? ", which" : "",
                          problem))
            log_error("out of memory recording the start URL's answer");
    } else if (page->flags & CRAWL_PAGE_FETCHED) {
        set_start(c, CRAWL_START_OK, NULL);
    } else {
        /* Not requested: robots.txt said no. When robots.txt itself got no answer because the host
         * cannot be reached, the crawl failed; a robots.txt that disallows the start is the site's. */
        const struct crawl_robots_outcome *robots = (page->flags & CRAWL_PAGE_ROBOTS_BLOCKED) ? robots_of(c, url)
                                                                                              : NULL;
        if (robots && robots->transport_error) {
            char problem[600];
            snprintf(problem, sizeof problem, "%s (robots.txt, requested first)", robots->transport_error);
            set_start(c, CRAWL_START_UNREACHABLE, problem);
        } else {
            set_start(c, CRAWL_START_NOT_FETCHED, error[0] ? error : NULL);
        }
    }
}
