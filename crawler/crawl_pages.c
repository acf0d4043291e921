/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_pages: page records, scope, and merging what was fetched and extracted into the
 * graph, the frontier and links.csv (fetch loop thread only; see crawl_internal.h). */
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
#include "web/robots.h"
#include "linkgraph/analysis.h"
#include "linkgraph/graph.h"
#include "store/store.h"

/* ---- page records ---- */

const char *crawl_page_text(const struct crawl_page *page, enum crawl_page_field field)
{
    if (!page->text)
        return "";
    const char *p = page->text;
    for (int i = 0; i < (int)field; i++)
        p += strlen(p) + 1;
    return p;
}

static size_t page_text_size(const struct crawl_page *page)
{
    if (!page->text)
        return 0;
    size_t total = 0;
    for (int i = 0; i < CRAWL_TEXT_COUNT; i++)
        total += strlen(crawl_page_text(page, (enum crawl_page_field)i)) + 1;
    return total;
}

/* Replace one of the page's packed strings (the block is rebuilt: at most a few times a page). */
int crawl_page_set_text(struct crawl *c, struct crawl_page *page, enum crawl_page_field field, const char *value)
{
    const char *parts[CRAWL_TEXT_COUNT];
    size_t total = 0;
    for (int i = 0; i < CRAWL_TEXT_COUNT; i++) {
        parts[i] = i == (int)field ? (value ? value : "") : crawl_page_text(page, (enum crawl_page_field)i);
        total += strlen(parts[i]) + 1;
    }
    char *text = malloc(total);
    if (!text)
        return CP_ERR_NOMEM;
    char *p = text;
    for (int i = 0; i < CRAWL_TEXT_COUNT; i++) {
        size_t n = strlen(parts[i]) + 1;
        memcpy(p, parts[i], n);
        p += n;
    }
    c->text_bytes -= page_text_size(page);
    free(page->text);
    page->text = text;
    c->text_bytes += total;
    return CP_OK;
}

/* The record of node, growing the array as the graph grows. NULL when out of memory. */
struct crawl_page *crawl_page_of(struct crawl *c, uint32_t node)
{
    if (node >= c->page_capacity) {
        size_t capacity = c->page_capacity ? c->page_capacity : 1024;
        while (capacity <= node)
            capacity *= 2;
        struct crawl_page *grown = realloc(c->r->pages, capacity * sizeof(*grown));
        if (!grown)
            return NULL;
        memset(grown + c->page_capacity, 0, (capacity - c->page_capacity) * sizeof(*grown));
        for (size_t i = c->page_capacity; i < capacity; i++)
            grown[i].depth = UINT32_MAX;
        c->r->pages = grown;
        c->page_capacity = capacity;
    }
    return &c->r->pages[node];
}

/* ---- scope ---- */

bool crawl_host_is_loopback(const struct url *u)
{
    const char *host = url_part_start(u, u->hostname);
    size_t n = u->hostname.length;
    return (n == 9 && strncmp(host, "127.0.0.1", 9) == 0) || (n == 5 && strncmp(host, "[::1]", 5) == 0) ||
           (n == 9 && strncmp(host, "localhost", 9) == 0);
}

/* An address as --connect-to or --resolve write it: 127.x.x.x, ::1 (bracketed or not), localhost. */
static bool address_is_loopback(const char *address, size_t n)
{
    return (n >= 4 && strncmp(address, "127.", 4) == 0 && strspn(address, "0123456789.") == n) ||
           (n == 5 && strncmp(address, "[::1]", 5) == 0) || (n == 3 && strncmp(address, "::1", 3) == 0) ||
           (n == 9 && strncasecmp(address, "localhost", 9) == 0);
}

/* "HOST:PORT:..." names the start's host and port (an empty HOST or PORT matches any, as in curl's
 * --connect-to). Sets *rest to what follows the second ':'. */
static bool entry_names_start(const struct url *start, const char *entry, bool empty_matches, const char **rest)
{
    const char *host_end = strchr(entry, ':');
    const char *port_end = host_end ? strchr(host_end + 1, ':') : NULL;
    if (!port_end)
        return false;
    const char *host = url_part_start(start, start->hostname);
    size_t host_length = (size_t)(host_end - entry), port_length = (size_t)(port_end - host_end - 1);
    bool host_matches = (empty_matches && host_length == 0) ||
                        (host_length == start->hostname.length && strncasecmp(entry, host, host_length) == 0);
    char port[16];
    snprintf(port, sizeof(port), "%d", start->port);
    bool port_matches = (empty_matches && port_length == 0) ||
                        (port_length == strlen(port) && strncmp(host_end + 1, port, port_length) == 0);
    *rest = port_end + 1;
    return host_matches && port_matches;
}

/* The start URL's requests go to this machine: its host is a loopback name or address, or
 * --connect-to / --resolve send its host and port to one (a production name audited on a local
 * server). The politeness defaults for a production site are then not needed. */
bool crawl_start_is_loopback(const struct crawl *c)
{
    if (crawl_host_is_loopback(&c->start))
        return true;
    const struct fetch_options *o = &c->o->fetch;
    const char *rest;
    for (size_t i = 0; i < o->connect_to_count; i++) {
        if (!entry_names_start(&c->start, o->connect_to[i], true, &rest))
            continue;
        const char *end = rest[0] == '[' ? strchr(rest, ']') : strrchr(rest, ':');
        if (end && rest[0] == '[')
            end++;
        /* the first entry that matches is the one curl uses */
        return end && address_is_loopback(rest, (size_t)(end - rest));
    }
    for (size_t i = 0; i < o->resolve_count; i++) {
        const char *entry = o->resolve[i][0] == '+' ? o->resolve[i] + 1 : o->resolve[i];
        if (!entry_names_start(&c->start, entry, false, &rest))
            continue;
        bool all_loopback = *rest != 0;
        for (const char *address = rest; *address && all_loopback;) {
            size_t n = strcspn(address, ",");
            all_loopback = address_is_loopback(address, n);
            address += n + (address[n] == ',');
        }
        return all_loopback;
    }
    return false;
}

int crawl_add_scope_origin(struct crawl *c, const char *origin)
{
    for (size_t i = 0; i < c->scope_origin_count; i++)
        if (strcmp(c->scope_origins[i], origin) == 0)
            return CP_OK;
    char **grown = array_grow(c->scope_origins, c->scope_origin_count, sizeof(*grown));
    if (!grown)
        return CP_ERR_NOMEM;
    c->scope_origins = grown;
    if (!(grown[c->scope_origin_count] = strdup(origin)))
        return CP_ERR_NOMEM;
    c->scope_origin_count++;
    return CP_OK;
}

static bool is_subdomain_of_start(const struct crawl *c, const struct url *u)
{
    const char *host = url_part_start(u, u->hostname);
    size_t n = u->hostname.length;
    const char *start = url_part_start(&c->start, c->start.hostname);
    size_t m = c->start.hostname.length;
    return n > m + 1 && host[n - m - 1] == '.' && strncmp(host + n - m, start, m) == 0;
}

size_t crawl_max_url_length(const struct crawl_options *o)
{
    return o->max_url_length ? o->max_url_length : URL_DEFAULT_MAX_LENGTH;
}

bool crawl_in_scope(const struct crawl *c, const struct url *u)
{
    const struct crawl_options *o = c->o;
    if (!url_is_crawlable(u))
        return false;
    if (u->href_length > crawl_max_url_length(o))
        return false;
    char origin[1024];
    bool origin_ok = false;
    if (url_origin(u, origin, sizeof(origin)) >= 0)
        for (size_t i = 0; i < c->scope_origin_count && !origin_ok; i++)
            origin_ok = strcmp(origin, c->scope_origins[i]) == 0;
    if (!origin_ok && !(o->subdomains && is_subdomain_of_start(c, u)))
        return false;
    bool included = o->include_count == 0;
    for (size_t i = 0; i < o->include_count && !included; i++)
        included = regexec(&o->includes[i], u->href, 0, NULL, 0) == 0;
    for (size_t i = 0; i < o->exclude_count && included; i++)
        included = regexec(&o->excludes[i], u->href, 0, NULL, 0) != 0;
    return included;
}

/* ---- recording what was learned (fetch loop thread only) ---- */

struct link_batch *crawl_link_batch(struct crawl *c, uint32_t source)
{
    return link_rows_batch(&c->link_rows, graph_url(c->graph, source, NULL), source);
}

/* The row's verdicts are the graph's as the page is merged (whether the source passes links). */
void crawl_link_row(struct crawl *c, struct link_batch *batch, uint32_t source, uint32_t target, uint8_t meta,
                    const char *rel_extra, const char *anchor, int rendered)
{
    if (!batch)
        return;
    struct link_row row = {
        .target = graph_url(c->graph, target, NULL),
        .target_node = target,
        .rel_extra = rel_extra,
        .anchor = anchor,
        .meta = meta,
        .rendered = (int8_t)(c->o->render ? rendered : -1),
        .followable = graph_edge_followable(c->graph, source, meta),
    };
    link_rows_add(batch, &row);
}

bool crawl_is_exact(const struct crawl *c)
{
    return c->o->list_count > 0 || c->o->sitemap_only;
}

/* Exact modes: a URL already known (a link target, the sitemap-only start) that a seed names now
 * comes into scope and is queued, once. */
static uint32_t seed_known(struct crawl *c, uint32_t node, const struct url *url, uint32_t depth,
                           struct crawl_page *page)
{
    if (node == c->r->start_node && c->start_is_probe) {
        c->start_is_probe = false; /* still queued: it is fetched as a page after all */
        graph_set_flags(c->graph, node, GRAPH_NODE_IN_SCOPE);
        return node;
    }
    if ((page->flags & (CRAWL_PAGE_QUEUED | CRAWL_PAGE_FETCHED | CRAWL_PAGE_ROBOTS_BLOCKED)) || !crawl_in_scope(c, url))
        return node;
    graph_set_flags(c->graph, node, GRAPH_NODE_IN_SCOPE);
    int status = frontier_push(c->frontier, node, url, depth == UINT32_MAX ? CRAWL_SITEMAP_PRIORITY : depth);
    if (status == CP_OK) {
        page->flags |= CRAWL_PAGE_QUEUED;
        page->depth = depth;
    } else if (status == CP_ERR_LIMIT) {
        page->flags |= CRAWL_PAGE_TRAPPED;
    } else if (status == FRONTIER_ABANDONED) {
        page->flags |= CRAWL_PAGE_ORIGIN_ABANDONED;
    }
    return node;
}

uint32_t crawl_discover_known(struct crawl *c, uint32_t node, const struct url *url, uint32_t depth, bool followable)
{
    struct crawl_page *page = crawl_page_of(c, node);
    if (!page)
        return GRAPH_NO_NODE;
    if (crawl_is_exact(c) && c->seeding)
        return seed_known(c, node, url, depth, page);
    if (followable && depth < page->depth && (page->flags & CRAWL_PAGE_QUEUED))
        page->depth = depth;
    return node;
}

/* Intern an identity; a new node gets its record, scope flag and (when it may be fetched) a place
 * in the frontier. Returns the node or GRAPH_NO_NODE when out of memory. */
uint32_t crawl_discover(struct crawl *c, const char *identity, const struct url *url, uint32_t depth, bool followable,
                        bool *is_new)
{
    uint32_t node = graph_intern(c->graph, identity, strlen(identity), is_new);
    if (node == GRAPH_NO_NODE)
        return node;
    if (!*is_new)
        return crawl_discover_known(c, node, url, depth, followable);
    struct crawl_page *page = crawl_page_of(c, node);
    if (!page)
        return GRAPH_NO_NODE;
    if (crawl_is_exact(c) && !c->seeding)
        return node; /* known (links.csv, the graph's edges), never in scope, never fetched */
    if (!crawl_in_scope(c, url)) {
        if (c->o->check_external && url_is_crawlable(url) && !c->root && c->external_count < 1000000) {
            uint32_t *grown = array_grow(c->externals, c->external_count, sizeof(*grown));
            if (!grown)
                return node;
            c->externals = grown;
            c->externals[c->external_count++] = node;
        }
        return node;
    }
    graph_set_flags(c->graph, node, GRAPH_NODE_IN_SCOPE);
    bool reached = depth != UINT32_MAX; /* UINT32_MAX: known from a sitemap only */
    if (reached && followable && c->o->max_depth >= 0 && depth > (uint32_t)c->o->max_depth) {
        page->flags |= CRAWL_PAGE_BEYOND_DEPTH;
        return node;
    }
    if (!followable)
        return node;
    int status = frontier_push(c->frontier, node, url, reached ? depth : CRAWL_SITEMAP_PRIORITY);
    if (status == CP_OK) {
        page->flags |= CRAWL_PAGE_QUEUED;
        page->depth = depth;
    } else if (status == CP_ERR_LIMIT) {
        page->flags |= CRAWL_PAGE_TRAPPED;
    } else if (status == FRONTIER_ABANDONED) {
        page->flags |= CRAWL_PAGE_ORIGIN_ABANDONED;
    }
    return node;
}

void crawl_changes_format(const struct crawl_result *r, char *dst, size_t size)
{
    const struct crawl_changes *changes = &r->changes;
    if (!changes->previous_run) {
        snprintf(dst, size, "%s", "");
        return;
    }
    snprintf(dst, size, "changes since run %lld: %llu new, %llu changed, %llu unchanged, %llu gone",
             (long long)changes->previous_run, (unsigned long long)changes->new_pages,
             (unsigned long long)changes->changed, (unsigned long long)changes->unchanged,
             (unsigned long long)changes->gone);
}

void crawl_outcomes_format(const struct crawl_outcomes *o, char *dst, size_t size)
{
    snprintf(dst, size, "2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu, disallowed %llu, blocked %llu, network errors %llu",
             (unsigned long long)o->status_2xx, (unsigned long long)o->status_3xx, (unsigned long long)o->status_4xx,
             (unsigned long long)o->status_5xx, (unsigned long long)o->disallowed, (unsigned long long)o->blocked,
             (unsigned long long)o->network_errors);
}

static void count_outcome(struct crawl_outcomes *o, const struct fetch_result *response)
{
    if (response->status <= 0 && response->error_class != HTTP_ERROR_NONE)
        o->network_errors++;
    else if (response->status >= 200 && response->status < 300)
        o->status_2xx++;
    else if (response->status >= 300 && response->status < 400)
        o->status_3xx++;
    else if (response->status >= 400 && response->status < 500)
        o->status_4xx++;
    else if (response->status >= 500 && response->status < 600)
        o->status_5xx++;
}

/* FNV-1a 64 of a body, never 0 for a body (0 means "none"): two URLs with different bodies are not
 * variants of one page (linkgraph/audit_variants.c). About 1 ns per byte on the fetch loop, less
 * than reading the body took. */
static uint64_t body_hash(const char *body, size_t length)
{
    if (!body || !length)
        return 0;
    uint64_t hash = 0xcbf29ce484222325u;
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ (unsigned char)body[i]) * 0x100000001b3u;
    return hash ? hash : 1;
}

void crawl_record_response(struct crawl *c, uint32_t node, const struct fetch_result *response)
{
    struct crawl_page *page = crawl_page_of(c, node);
    page->flags |= CRAWL_PAGE_FETCHED | (response->hsts ? CRAWL_PAGE_HSTS : 0) |
                   (response->truncated ? CRAWL_PAGE_TRUNCATED : 0);
    page->status = (uint16_t)(response->status > 0 && response->status < 1000 ? response->status : 0);
    page->size = response->body_length > UINT32_MAX ? UINT32_MAX : (uint32_t)response->body_length;
    page->body_hash = body_hash(response->body, response->body_length);
    page->ttfb_ms = (float)response->ttfb_ms;
    page->total_ms = (float)response->total_ms;
    page->http_version = (uint8_t)response->http_version;
    int64_t last_modified = fetch_http_date(response->last_modified);
    page->last_modified = last_modified > 0 && last_modified <= UINT32_MAX ? (uint32_t)last_modified : 0;
    page->error_class = (uint8_t)response->error_class;
    crawl_page_set_text(c, page, CRAWL_TEXT_CONTENT_TYPE, response->content_type);
    crawl_page_set_text(c, page, CRAWL_TEXT_ENCODING, response->content_encoding);
    if (response->error_class != HTTP_ERROR_NONE) {
        char error[320];
        snprintf(error, sizeof(error), "%s: %s", http_error_class_name(response->error_class), response->error);
        crawl_page_set_text(c, page, CRAWL_TEXT_ERROR, error);
        c->r->fetch_errors++;
    } else if (response->truncated) {
        crawl_page_set_text(c, page, CRAWL_TEXT_ERROR, "truncated: body over --max-body");
    }
    uint16_t flags = GRAPH_NODE_FETCHED;
    if (content_type_is_html(response->content_type))
        flags |= GRAPH_NODE_HTML;
    if (response->truncated)
        flags |= GRAPH_NODE_TRUNCATED;
    graph_set_flags(c->graph, node, flags);
    /* A body that failed (reset, short, malformed chunks) is not a page: for the audit the fetch
     * failed (pages.csv keeps the status the server sent, and the error). */
    bool body_failed = response->error_class != HTTP_ERROR_NONE;
    graph_set_status(c->graph, node, body_failed ? 0 : page->status);
    c->r->bytes_downloaded += response->body_length;
    count_outcome(&c->r->outcomes, response);
}

void crawl_record_unreachable(struct crawl *c, uint32_t node, const struct fetch_result *response)
{
    struct crawl_page *page = crawl_page_of(c, node);
    page->flags |= CRAWL_PAGE_UNREACHABLE;
    page->error_class = (uint8_t)response->error_class;
    char error[360];
    snprintf(error, sizeof(error), "not fetched: no connection (%s: %s)", http_error_class_name(response->error_class),
             response->error);
    crawl_page_set_text(c, page, CRAWL_TEXT_ERROR, error);
    c->r->fetch_errors++;
    count_outcome(&c->r->outcomes, response); /* no response: a network error in the summaries */
}

void crawl_record_redirect(struct crawl *c, uint32_t node, const struct fetch_result *response)
{
    struct crawl_page *page = crawl_page_of(c, node);
    struct url base, target;
    if (url_parse_str(response->url, NULL, &base) != URL_OK)
        return;
    enum url_error parsed = url_parse_str(response->location, &base, &target);
    url_free(&base);
    if (parsed != URL_OK) {
        char error[320];
        snprintf(error, sizeof(error), "protocol: redirect Location '%.200s' does not parse: %s", response->location,
                 url_error_string(parsed));
        crawl_page_set_text(c, page, CRAWL_TEXT_ERROR, error);
        return;
    }
    char *identity = NULL;
    if (url_identity(&target, &c->identity, &identity) != URL_OK) {
        url_free(&target);
        return;
    }
    /* A start URL that redirects elsewhere (http -> https, apex -> www) brings its target's origin
     * into scope: that is where the site lives. */
    if (page->depth == 0 && url_is_crawlable(&target)) {
        char origin[1024];
        if (url_origin(&target, origin, sizeof(origin)) >= 0)
            crawl_add_scope_origin(c, origin);
    }
    uint8_t hops = (uint8_t)(page->redirect_hops + 1);
    bool followable = url_is_crawlable(&target) && hops <= c->max_redirects;
    bool is_new = false;
    uint32_t target_node = crawl_discover(c, identity, &target, page->depth, followable, &is_new);
    page = crawl_page_of(c, node); /* crawl_discover may have grown the page array */
    if (target_node != GRAPH_NO_NODE) {
        uint8_t meta = GRAPH_EDGE_REDIRECT | GRAPH_EDGE_SOURCE_IN_SCOPE | GRAPH_EDGE_FROM_HEADER;
        graph_add_edge(c->graph, node, target_node, meta);
        struct link_batch *batch = crawl_link_batch(c, node);
        crawl_link_row(c, batch, node, target_node, meta, NULL, "", 0);
        link_rows_hand(&c->link_rows, batch, NULL);
        if (is_new)
            crawl_page_of(c, target_node)->redirect_hops = hops;
        c->r->links_found++;
    }
    if (!url_is_crawlable(&target)) {
        char scheme[32];
        url_scheme_name(&target, scheme, sizeof(scheme));
        char error[128];
        snprintf(error, sizeof(error), "protocol: redirect to a non-HTTP(S) URL (%s:), not followed", scheme);
        crawl_page_set_text(c, page, CRAWL_TEXT_ERROR, error);
    } else if (hops > c->max_redirects) {
        char error[128];
        snprintf(error, sizeof(error), "protocol: redirect chain longer than %d hops, not followed", c->max_redirects);
        crawl_page_set_text(c, page, CRAWL_TEXT_ERROR, error);
    }
    free(identity);
    url_free(&target);
}

static void robots_string(const struct page_signals *s, char *dst, size_t size)
{
    dst[0] = '\0';
    const struct robots_directives *engine = page_signals_binding_directives(s);
    if (!engine)
        return;
    size_t used = 0;
    for (int f = 0; f < ROBOTS_FLAG_COUNT && used < size; f++)
        if (engine->flag_sources[f])
            used += (size_t)snprintf(dst + used, size - used, "%s%s", used ? " " : "",
                                     robots_flag_name((enum robots_flag)f));
}

/* A canonical in <head> or a Link header that names no crawlable URL (file:///..., a template
 * placeholder) sets no canonical in the graph; pages.csv still shows what the page said. */
static void keep_other_canonical(struct crawl *c, struct crawl_page *page, const struct page_signals *s)
{
    for (uint32_t i = 0; i < s->canonical_count; i++) {
        const struct page_canonical *k = &s->canonicals[i];
        if (k->place == EXTRACT_IN_BODY)
            continue;
        const char *text = k->url ? k->url : k->raw;
        if (text && *text)
            crawl_page_set_text(c, page, CRAWL_TEXT_CANONICAL, text);
        return;
    }
}

/* The page facts its signals give (title, directives, analytics, noindex in the graph): from the
 * raw HTML, then again from the rendered DOM when the page was rendered (what search engines
 * index). */
void crawl_record_signals(struct crawl *c, uint32_t node, const struct page_signals *s)
{
    struct crawl_page *page = crawl_page_of(c, node);
    if (s->title)
        crawl_page_set_text(c, page, CRAWL_TEXT_TITLE, s->title);
    if (s->description)
        crawl_page_set_text(c, page, CRAWL_TEXT_DESCRIPTION, s->description);
    if (s->h1)
        crawl_page_set_text(c, page, CRAWL_TEXT_H1, s->h1);
    page->content_hash = s->content_hash;
    page->simhash = s->simhash;
    page->main_words = s->main_words;
    char robots[160];
    robots_string(s, robots, sizeof(robots));
    if (robots[0])
        crawl_page_set_text(c, page, CRAWL_TEXT_ROBOTS, robots);
    page->analytics |= s->analytics;
    const struct robots_directives *d = page_signals_binding_directives(s);
    if (d) {
        uint8_t sources = d->flag_sources[ROBOTS_NOINDEX];
        if (sources & (ROBOTS_SOURCE_META_HEAD | ROBOTS_SOURCE_META_BODY))
            graph_set_flags(c->graph, node, GRAPH_NODE_NOINDEX_META);
        if (sources & ROBOTS_SOURCE_HEADER)
            graph_set_flags(c->graph, node, GRAPH_NODE_NOINDEX_HEADER);
    }
}

/* The node a merged link goes to. A replayed page's link whose stored URL is a known node's URL is
 * that node, without a parse (a crawl identity is its own identity); any other is identified, as a
 * worker does, and discovered. GRAPH_NO_NODE when out of memory (a link that did not parse is
 * counted in out->links_unparsed). Exact modes' seeding reads a known node's URL too
 * (crawl_discover), so it always identifies. */
static uint32_t link_target(struct crawl *c, struct outcome *out, struct found_link *l, uint32_t depth)
{
    if (!l->identity) {
        if (!(crawl_is_exact(c) && c->seeding)) {
            uint32_t known = graph_find(c->graph, l->href, strlen(l->href));
            if (known != GRAPH_NO_NODE)
                return crawl_discover_known(c, known, NULL, depth, l->followable);
        }
        if (!crawl_identify_link(c, l)) {
            out->links_unparsed++;
            l->href = NULL; /* dropped: the render stage does not try it again */
            return GRAPH_NO_NODE;
        }
    }
    bool is_new = false;
    return crawl_discover(c, l->identity, &l->url, depth, l->followable, &is_new);
}

bool crawl_merge_outcome(struct crawl *c, struct outcome *out)
{
    uint32_t node = out->node;
    struct crawl_page *page = crawl_page_of(c, node);
    if (out->status != CP_OK || !out->signals) {
        crawl_page_set_text(c, page, CRAWL_TEXT_ERROR,
                            out->status == CP_ERR_NOMEM ? "out of memory while extracting"
                                                        : "could not extract the page");
        return false;
    }
    const struct page_signals *s = out->signals;
    if (s->truncated & (EXTRACT_TRUNCATED_PARSE_TIME | EXTRACT_TRUNCATED_PARSE_MEMORY)) {
        /* Nothing of the body was read: no page rule may judge it (page-parse-limit says why). */
        page->flags |= CRAWL_PAGE_TRUNCATED;
        graph_set_flags(c->graph, node, GRAPH_NODE_TRUNCATED);
        crawl_page_set_text(c, page, CRAWL_TEXT_ERROR,
                            s->truncated & EXTRACT_TRUNCATED_PARSE_TIME
                                ? "truncated: HTML parse over --max-parse-time"
                                : "truncated: HTML parse over its memory budget");
    }
    crawl_record_signals(c, node, s);
    bool source_in_scope = graph_node(c->graph, node)->flags & GRAPH_NODE_IN_SCOPE;
    bool have_canonical = false;
    uint32_t depth = page->depth == UINT32_MAX ? UINT32_MAX : page->depth + 1;
    struct link_batch *batch = crawl_link_batch(c, node);
    for (size_t i = 0; i < out->link_count; i++) {
        struct found_link *l = &out->links[i];
        uint32_t target = link_target(c, out, l, depth);
        if (target == GRAPH_NO_NODE)
            continue;
        uint8_t meta = l->meta | (source_in_scope ? GRAPH_EDGE_SOURCE_IN_SCOPE : 0);
        graph_add_edge(c->graph, node, target, meta);
        crawl_link_row(c, batch, node, target, meta, l->rel, l->anchor, 0);
        c->r->links_found++;
        if (graph_edge_kind(meta) == GRAPH_EDGE_CANONICAL && !have_canonical) {
            graph_set_canonical(c->graph, node, target);
            have_canonical = true;
        }
    }
    /* crawl_discover may have grown the page array: the record is looked up again. */
    page = crawl_page_of(c, node);
    uint64_t dropped = (uint64_t)s->links_over_cap + s->links_too_long + s->links_invalid + out->links_unparsed;
    page->links_dropped = dropped > UINT32_MAX ? UINT32_MAX : (uint32_t)dropped;
    if (!have_canonical)
        keep_other_canonical(c, page, s);
    if (out->response)
        crawl_store_page(c, node, out->response, s, out->signals_run);
    /* A page to render is judged when its rendered DOM is back (crawl_render_merge); its rows keep
     * copies of their strings, as the outcome goes on to the render stage. */
    if (crawl_render_wanted(c, out)) {
        link_rows_hand(&c->link_rows, batch, NULL);
        batch = NULL;
        if (crawl_render_submit(c, out) == CP_OK)
            return true;
    }
    if (c->o->on_page)
        c->o->on_page(c->o->on_page_context, c->graph, node, s);
    /* The rows point into the outcome: the writer frees it once they are written. */
    link_rows_hand(&c->link_rows, batch, out);
    return batch != NULL;
}

void crawl_store_page(struct crawl *c, uint32_t node, const struct fetch_result *response,
                      const struct page_signals *signals, int64_t signals_run)
{
    if (!c->o->store)
        return;
    const struct crawl_page *page = crawl_page_of(c, node);
    const char *error = crawl_page_text(page, CRAWL_TEXT_ERROR);
    struct store_response row = {
        .url = graph_url(c->graph, node, NULL),
        .status = response->status,
        .content_type = response->content_type,
        .content_encoding = response->content_encoding,
        .location = response->location,
        .x_robots_tag = response->x_robots_tag,
        .link_header = response->link_header,
        .error = error[0] ? error : NULL,
        .http_version = response->http_version,
        .hsts = response->hsts,
        .truncated = response->truncated,
        .size = page->size,
        .content_hash = page->body_hash,
        .ttfb_ms = response->ttfb_ms,
        .total_ms = response->total_ms,
        .etag = response->etag,
        .last_modified = response->last_modified,
        .change = crawl_change_name((enum crawl_change)page->change),
        .signals_run = signals_run,
    };
    /* a failure is sticky: reported once, at the end */
    store_put_page(c->o->store, &row, signals_run ? NULL : signals);
}
