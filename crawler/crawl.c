/* crawler/crawl: the fetch loop, the extraction workers and their hand-offs (see crawl.h). */
#include "crawler/crawl.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "crawler/crawl_output.h"
#include "crawler/extract.h"
#include "crawler/frontier.h"
#include "crawler/handoff.h"
#include "crawler/local_root.h"
#include "crawler/robots.h"
#include "crawler/url.h"
#include "linkgraph/graph.h"

#define STOP_GRACE_MS 2000
#define MAX_THROTTLE_RETRIES 2
#define PROGRESS_TTY_MS 250
#define PROGRESS_LOG_MS 10000

/* What a transfer in flight is for. */
struct request {
    enum { REQUEST_PAGE, REQUEST_ROBOTS, REQUEST_EXTERNAL } kind;
    struct frontier_claim claim;    /* REQUEST_PAGE */
    struct frontier_origin *origin; /* REQUEST_ROBOTS */
    size_t robots_index;
    int hops;
    uint32_t node;                  /* REQUEST_EXTERNAL */
};

/* A reference found on a page, resolved and identified by a worker. */
struct found_link {
    struct url url;
    char *identity;
    const char *anchor;    /* into the outcome's signals */
    const char *rel;       /* "next"/"prev" for link rel=next|prev, else NULL */
    uint8_t meta;          /* graph edge kind and rel flags */
    bool followable;       /* may lead to a fetch (not inert, not from a nofollow page) */
};

/* A worker's result for one response. */
struct outcome {
    uint32_t node;
    struct page_signals *signals;
    struct found_link *links;
    size_t link_count;
    int status;            /* extract_page's status */
};

struct job {
    uint32_t node;
    struct fetch_result *response;
    bool html;
};

struct crawl {
    const struct crawl_options *o;
    struct crawl_result *r;
    struct graph *graph;
    size_t page_capacity;
    size_t text_bytes;
    struct frontier *frontier;
    struct fetcher *fetcher;
    struct local_root *root;
    struct handoff jobs, outcomes;
    pthread_t *workers;
    int worker_count;
    size_t jobs_outstanding;
    atomic_size_t jobs_lost;       /* jobs a worker could not hand back (out of memory) */
    struct url start;
    char start_origin[1024];
    char **scope_origins;
    size_t scope_origin_count;
    char robots_token[64];
    struct url_identity_options identity;
    uint32_t *externals;
    size_t external_count, external_capacity, external_next;
    int concurrency;
    long pages_started;
    double started_ms;
    bool stopping;
    double stop_deadline_ms;
    double last_progress_ms;
    int max_redirects;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

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
static int page_set_text(struct crawl *c, struct crawl_page *page, enum crawl_page_field field, const char *value)
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
static struct crawl_page *page_of(struct crawl *c, uint32_t node)
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

static bool host_is_loopback(const struct url *u)
{
    const char *host = url_part_start(u, u->hostname);
    size_t n = u->hostname.length;
    return (n == 9 && strncmp(host, "127.0.0.1", 9) == 0) || (n == 5 && strncmp(host, "[::1]", 5) == 0) ||
           (n == 9 && strncmp(host, "localhost", 9) == 0);
}

static int add_scope_origin(struct crawl *c, const char *origin)
{
    for (size_t i = 0; i < c->scope_origin_count; i++)
        if (strcmp(c->scope_origins[i], origin) == 0)
            return CP_OK;
    char **grown = realloc(c->scope_origins, (c->scope_origin_count + 1) * sizeof(*grown));
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

static bool in_scope(const struct crawl *c, const struct url *u)
{
    const struct crawl_options *o = c->o;
    if (!url_is_crawlable(u))
        return false;
    if (u->href_length > (o->max_url_length ? o->max_url_length : URL_DEFAULT_MAX_LENGTH))
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

/* ---- extraction workers ---- */

static uint8_t edge_kind_of_link(uint8_t kind)
{
    switch (kind) {
    case EXTRACT_LINK_REFRESH: return GRAPH_EDGE_REFRESH;
    case EXTRACT_LINK_IFRAME: return GRAPH_EDGE_IFRAME;
    default: return GRAPH_EDGE_LINK;
    }
}

static const char *rel_of_link(uint8_t kind)
{
    switch (kind) {
    case EXTRACT_LINK_NEXT: case EXTRACT_LINK_HEADER_NEXT: return "next";
    case EXTRACT_LINK_PREV: case EXTRACT_LINK_HEADER_PREV: return "prev";
    default: return NULL;
    }
}

/* Parse and identify one resolved URL into the next slot of out->links. */
static void add_found(const struct crawl *c, struct outcome *out, const char *url, const char *anchor,
                      const char *rel, uint8_t meta, bool followable)
{
    struct found_link *link = &out->links[out->link_count];
    memset(link, 0, sizeof(*link));
    if (url_parse_str(url, NULL, &link->url) != URL_OK)
        return;
    if (url_identity(&link->url, &c->identity, &link->identity) != URL_OK) {
        url_free(&link->url);
        return;
    }
    link->anchor = anchor;
    link->rel = rel;
    link->meta = meta;
    link->followable = followable;
    out->link_count++;
}

static bool page_says_nofollow(const struct page_signals *s)
{
    return s->robots_count > 0 && robots_directives_has(&s->robots[0].directives, ROBOTS_NOFOLLOW);
}

static struct outcome *extract_job(const struct crawl *c, struct job *job)
{
    struct outcome *out = calloc(1, sizeof(*out));
    if (!out)
        return NULL;
    out->node = job->node;
    struct fetch_result *response = job->response;
    struct extract_header headers[2];
    size_t header_count = 0;
    if (response->x_robots_tag)
        headers[header_count++] = (struct extract_header){"X-Robots-Tag", response->x_robots_tag};
    if (response->link_header)
        headers[header_count++] = (struct extract_header){"Link", response->link_header};
    struct extract_input input = {
        .url = response->url,
        .headers = headers,
        .header_count = header_count,
        .body = job->html ? response->body : "",
        .body_length = job->html ? response->body_length : 0,
        .product_token = c->robots_token,
    };
    out->status = extract_page(&input, &out->signals);
    if (out->status != CP_OK)
        return out;
    const struct page_signals *s = out->signals;
    size_t capacity = (size_t)s->link_count + s->canonical_count + s->hreflang_count;
    out->links = capacity ? calloc(capacity, sizeof(*out->links)) : NULL;
    if (capacity && !out->links) {
        out->status = CP_ERR_NOMEM;
        return out;
    }
    bool follow = !page_says_nofollow(s);
    for (uint32_t i = 0; i < s->link_count; i++) {
        const struct page_link *l = &s->links[i];
        if (!l->url)
            continue;
        uint8_t meta = edge_kind_of_link(l->kind);
        if (l->flags & EXTRACT_LINK_NOFOLLOW) meta |= GRAPH_REL_NOFOLLOW;
        if (l->flags & EXTRACT_LINK_UGC) meta |= GRAPH_REL_UGC;
        if (l->flags & EXTRACT_LINK_SPONSORED) meta |= GRAPH_REL_SPONSORED;
        add_found(c, out, l->url, l->text, rel_of_link(l->kind), meta, follow && !(l->flags & EXTRACT_LINK_IN_TEMPLATE));
    }
    for (uint32_t i = 0; i < s->canonical_count; i++) {
        const struct page_canonical *k = &s->canonicals[i];
        if (!k->url || k->place == EXTRACT_IN_BODY)
            continue;
        uint8_t meta = GRAPH_EDGE_CANONICAL | (k->place == EXTRACT_IN_HEADER ? GRAPH_EDGE_FROM_HEADER : 0);
        add_found(c, out, k->url, "", NULL, meta, true);
    }
    for (uint32_t i = 0; i < s->hreflang_count; i++) {
        const struct page_hreflang *h = &s->hreflangs[i];
        if (!h->url)
            continue;
        uint8_t meta = GRAPH_EDGE_HREFLANG | (h->place == EXTRACT_IN_HEADER ? GRAPH_EDGE_FROM_HEADER : 0);
        add_found(c, out, h->url, h->code, NULL, meta, true);
    }
    return out;
}

static void outcome_free(struct outcome *out)
{
    if (!out)
        return;
    for (size_t i = 0; i < out->link_count; i++) {
        url_free(&out->links[i].url);
        free(out->links[i].identity);
    }
    free(out->links);
    page_signals_free(out->signals);
    free(out);
}

static void *worker_main(void *arg)
{
    struct crawl *c = arg;
    struct job *job;
    while ((job = handoff_pop(&c->jobs))) {
        struct outcome *out = extract_job(c, job);
        uint32_t node = job->node;
        fetch_result_free(job->response); /* bodies live only until extraction */
        free(job);
        if (out && handoff_push(&c->outcomes, out) == CP_OK)
            continue;
        outcome_free(out);
        log_error("out of memory extracting a page (node %u); its links are lost", node);
        atomic_fetch_add(&c->jobs_lost, 1);
        if (c->fetcher)
            fetcher_wakeup(c->fetcher);
    }
    return NULL;
}

static void wake_fetch_loop(void *context)
{
    struct crawl *c = context;
    if (c->fetcher)
        fetcher_wakeup(c->fetcher);
}

/* ---- recording what was learned (fetch loop thread only) ---- */

static void write_link_row(struct crawl *c, uint32_t source, uint32_t target, uint8_t meta, const char *rel_extra,
                           const char *anchor)
{
    if (!c->o->links_out)
        return;
    char rel[64] = "";
    size_t used = 0;
    static const struct { uint8_t bit; const char *name; } names[] = {
        {GRAPH_REL_NOFOLLOW, "nofollow"}, {GRAPH_REL_UGC, "ugc"}, {GRAPH_REL_SPONSORED, "sponsored"}};
    for (size_t i = 0; i < 3; i++)
        if (meta & names[i].bit)
            used += (size_t)snprintf(rel + used, sizeof(rel) - used, "%s%s", used ? " " : "", names[i].name);
    if (rel_extra)
        snprintf(rel + used, sizeof(rel) - used, "%s%s", used ? " " : "", rel_extra);
    crawl_output_link_row(c->o->links_out, graph_url(c->graph, source, NULL), graph_url(c->graph, target, NULL),
                          graph_edge_kind_name(graph_edge_kind(meta)), rel, anchor);
}

/* Intern an identity; a new node gets its record, scope flag and (when it may be fetched) a place
 * in the frontier. Returns the node or GRAPH_NO_NODE when out of memory. */
static uint32_t discover(struct crawl *c, const char *identity, const struct url *url, uint32_t depth,
                         bool followable, bool *is_new)
{
    uint32_t node = graph_intern(c->graph, identity, strlen(identity), is_new);
    if (node == GRAPH_NO_NODE)
        return node;
    struct crawl_page *page = page_of(c, node);
    if (!page)
        return GRAPH_NO_NODE;
    if (!*is_new) {
        if (followable && depth < page->depth && (page->flags & CRAWL_PAGE_QUEUED))
            page->depth = depth;
        return node;
    }
    if (!in_scope(c, url)) {
        if (c->o->check_external && url_is_crawlable(url) && !c->root && c->external_count < 1000000) {
            if (c->external_count == c->external_capacity) {
                size_t capacity = c->external_capacity ? c->external_capacity * 2 : 64;
                uint32_t *grown = realloc(c->externals, capacity * sizeof(*grown));
                if (!grown)
                    return node;
                c->externals = grown;
                c->external_capacity = capacity;
            }
            c->externals[c->external_count++] = node;
        }
        return node;
    }
    graph_set_flags(c->graph, node, GRAPH_NODE_IN_SCOPE);
    if (!followable || (c->o->max_depth >= 0 && depth > (uint32_t)c->o->max_depth))
        return node;
    int status = frontier_push(c->frontier, node, url, depth);
    if (status == CP_OK) {
        page->flags |= CRAWL_PAGE_QUEUED;
        page->depth = depth;
    } else if (status == CP_ERR_LIMIT) {
        page->flags |= CRAWL_PAGE_TRAPPED;
    }
    return node;
}

static bool is_html(const char *content_type)
{
    if (!content_type)
        return false;
    size_t n = strcspn(content_type, "; ");
    return (n == 9 && strncasecmp(content_type, "text/html", 9) == 0) ||
           (n == 21 && strncasecmp(content_type, "application/xhtml+xml", 21) == 0);
}

static void record_response(struct crawl *c, uint32_t node, const struct fetch_result *response)
{
    struct crawl_page *page = page_of(c, node);
    page->flags |= CRAWL_PAGE_FETCHED | (response->hsts ? CRAWL_PAGE_HSTS : 0) |
                   (response->truncated ? CRAWL_PAGE_TRUNCATED : 0);
    page->status = (uint16_t)(response->status > 0 && response->status < 1000 ? response->status : 0);
    page->size = response->body_length > UINT32_MAX ? UINT32_MAX : (uint32_t)response->body_length;
    page->ttfb_ms = (float)response->ttfb_ms;
    page->total_ms = (float)response->total_ms;
    page->http_version = (uint8_t)response->http_version;
    page->error_class = (uint8_t)response->error_class;
    page_set_text(c, page, CRAWL_TEXT_CONTENT_TYPE, response->content_type);
    page_set_text(c, page, CRAWL_TEXT_ENCODING, response->content_encoding);
    if (response->error_class != HTTP_ERROR_NONE) {
        char error[320];
        snprintf(error, sizeof(error), "%s: %s", http_error_class_name(response->error_class), response->error);
        page_set_text(c, page, CRAWL_TEXT_ERROR, error);
        c->r->fetch_errors++;
    } else if (response->truncated) {
        page_set_text(c, page, CRAWL_TEXT_ERROR, "truncated: body over --max-body");
    }
    uint16_t flags = GRAPH_NODE_FETCHED;
    if (is_html(response->content_type))
        flags |= GRAPH_NODE_HTML;
    if (response->truncated)
        flags |= GRAPH_NODE_TRUNCATED;
    graph_set_flags(c->graph, node, flags);
    graph_set_status(c->graph, node, page->status);
    c->r->bytes_downloaded += response->body_length;
}

static void record_redirect(struct crawl *c, uint32_t node, const struct fetch_result *response)
{
    struct crawl_page *page = page_of(c, node);
    struct url base, target;
    if (url_parse_str(response->url, NULL, &base) != URL_OK)
        return;
    enum url_error parsed = url_parse_str(response->location, &base, &target);
    url_free(&base);
    if (parsed != URL_OK) {
        char error[320];
        snprintf(error, sizeof(error), "protocol: redirect Location '%.200s' does not parse: %s", response->location,
                 url_error_string(parsed));
        page_set_text(c, page, CRAWL_TEXT_ERROR, error);
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
            add_scope_origin(c, origin);
    }
    uint8_t hops = (uint8_t)(page->redirect_hops + 1);
    bool followable = url_is_crawlable(&target) && hops <= c->max_redirects;
    bool is_new = false;
    uint32_t target_node = discover(c, identity, &target, page->depth, followable, &is_new);
    if (target_node != GRAPH_NO_NODE) {
        uint8_t meta = GRAPH_EDGE_REDIRECT | GRAPH_EDGE_SOURCE_IN_SCOPE | GRAPH_EDGE_FROM_HEADER;
        graph_add_edge(c->graph, node, target_node, meta);
        write_link_row(c, node, target_node, meta, NULL, "");
        if (is_new)
            page_of(c, target_node)->redirect_hops = hops;
        c->r->links_found++;
    }
    if (!url_is_crawlable(&target)) {
        char scheme[32];
        url_scheme_name(&target, scheme, sizeof(scheme));
        char error[128];
        snprintf(error, sizeof(error), "protocol: redirect to a non-HTTP(S) URL (%s:), not followed", scheme);
        page_set_text(c, page, CRAWL_TEXT_ERROR, error);
    } else if (hops > c->max_redirects) {
        char error[128];
        snprintf(error, sizeof(error), "protocol: redirect chain longer than %d hops, not followed", c->max_redirects);
        page_set_text(c, page, CRAWL_TEXT_ERROR, error);
    }
    free(identity);
    url_free(&target);
}

static void robots_string(const struct page_signals *s, char *dst, size_t size)
{
    dst[0] = '\0';
    if (s->robots_count == 0)
        return;
    const struct page_robots *view = &s->robots[s->robots_count > 1 ? 1 : 0];
    size_t used = 0;
    for (int f = 0; f < ROBOTS_FLAG_COUNT && used < size; f++)
        if (view->directives.flag_sources[f])
            used += (size_t)snprintf(dst + used, size - used, "%s%s", used ? " " : "", robots_flag_name((enum robots_flag)f));
}

static void merge_outcome(struct crawl *c, struct outcome *out)
{
    uint32_t node = out->node;
    struct crawl_page *page = page_of(c, node);
    if (out->status != CP_OK || !out->signals) {
        page_set_text(c, page, CRAWL_TEXT_ERROR, out->status == CP_ERR_NOMEM ? "out of memory while extracting"
                                                                              : "could not extract the page");
        return;
    }
    const struct page_signals *s = out->signals;
    if (s->title)
        page_set_text(c, page, CRAWL_TEXT_TITLE, s->title);
    char robots[160];
    robots_string(s, robots, sizeof(robots));
    if (robots[0])
        page_set_text(c, page, CRAWL_TEXT_ROBOTS, robots);
    page->analytics = s->analytics;
    if (s->robots_count) {
        const struct robots_directives *d = &s->robots[s->robots_count > 1 ? 1 : 0].directives;
        uint8_t sources = d->flag_sources[ROBOTS_NOINDEX];
        if (sources & (ROBOTS_SOURCE_META_HEAD | ROBOTS_SOURCE_META_BODY))
            graph_set_flags(c->graph, node, GRAPH_NODE_NOINDEX_META);
        if (sources & ROBOTS_SOURCE_HEADER)
            graph_set_flags(c->graph, node, GRAPH_NODE_NOINDEX_HEADER);
    }
    bool source_in_scope = graph_node(c->graph, node)->flags & GRAPH_NODE_IN_SCOPE;
    bool have_canonical = false;
    uint32_t depth = page->depth == UINT32_MAX ? 0 : page->depth + 1;
    for (size_t i = 0; i < out->link_count; i++) {
        struct found_link *l = &out->links[i];
        bool is_new = false;
        uint32_t target = discover(c, l->identity, &l->url, depth, l->followable, &is_new);
        if (target == GRAPH_NO_NODE)
            continue;
        uint8_t meta = l->meta | (source_in_scope ? GRAPH_EDGE_SOURCE_IN_SCOPE : 0);
        graph_add_edge(c->graph, node, target, meta);
        write_link_row(c, node, target, meta, l->rel, l->anchor);
        c->r->links_found++;
        if (graph_edge_kind(meta) == GRAPH_EDGE_CANONICAL && !have_canonical) {
            graph_set_canonical(c->graph, node, target);
            have_canonical = true;
        }
    }
}

/* ---- robots.txt per origin ---- */

static int start_fetch(struct crawl *c, const char *url, bool head, bool credentials, struct request *request);

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
    double delay;
    if (robots && c->o->respect_crawl_delay && robots_crawl_delay(robots, c->robots_token, &delay) && delay > 0)
        frontier_set_min_interval(origin, delay * 1000.0);
}

static void request_robots(struct crawl *c, struct frontier_origin *origin)
{
    struct crawl_robots_outcome *grown =
        realloc(c->r->robots, (c->r->robots_count + 1) * sizeof(*grown));
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
    if (!request || !outcome->robots_url || start_fetch(c, outcome->robots_url, false, own_origin, request) != CP_OK) {
        free(request);
        set_origin_robots(c, origin, index, NULL, "allow-all", "out of memory: robots.txt not fetched");
    }
}

static void handle_robots(struct crawl *c, struct request *request, struct fetch_result *response)
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
    enum robots_fetch_action action = robots_fetch_policy(outcome->robots_url, &http, &c->r->findings, reason, sizeof(reason));
    outcome->status = response->status;
    outcome->bytes = response->body_length;
    struct robots *robots = NULL;
    switch (action) {
    case ROBOTS_FETCH_FOLLOW: {
        struct request *next = calloc(1, sizeof(*next));
        if (next) {
            *next = *request;
            next->hops++;
            if (start_fetch(c, location, false, false, next) == CP_OK)
                return;
            free(next);
        }
        set_origin_robots(c, request->origin, request->robots_index, robots_new_allow_all("robots.txt redirect not followed"),
                          "allow-all", "out of memory following a robots.txt redirect");
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

/* Whether robots.txt lets us fetch node; the deciding line goes into the page's error when not. */
static bool robots_allows(struct crawl *c, uint32_t node, struct frontier_origin *origin)
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
    char text[400], error[480];
    robots_decision_format(&decision, text, sizeof(text));
    snprintf(error, sizeof(error), "blocked by robots.txt: %s", text);
    struct crawl_page *page = page_of(c, node);
    page->flags |= CRAWL_PAGE_ROBOTS_BLOCKED;
    page_set_text(c, page, CRAWL_TEXT_ERROR, error);
    graph_set_flags(c->graph, node, GRAPH_NODE_ROBOTS_BLOCKED);
    return c->o->ignore_robots;
}

/* ---- transfers ---- */

static void handle_response(struct fetch_result *response, void *context);

/* Start a transfer (network) or answer it from the build folder right away (--root). */
static int start_fetch(struct crawl *c, const char *url, bool head, bool credentials, struct request *request)
{
    if (c->root) {
        struct fetch_result *response = NULL;
        int status = local_root_fetch(c->root, url, c->o->fetch.max_body, request, &response);
        if (status != CP_OK)
            return status;
        handle_response(response, c);
        return CP_OK;
    }
    struct fetch_request r = {url, head, credentials, request};
    return fetcher_add(c->fetcher, &r);
}

static void handle_page(struct crawl *c, struct request *request, struct fetch_result *response)
{
    const struct frontier_claim *claim = &request->claim;
    bool throttled = response->status == 429 || response->status == 503;
    bool error = response->error_class != HTTP_ERROR_NONE || response->status >= 500 || response->status == 429;
    frontier_finish(c->frontier, claim->origin, now_ms(), error, throttled, response->retry_after_ms);
    if (throttled) {
        c->r->throttled++;
        if (claim->attempt < MAX_THROTTLE_RETRIES && !c->stopping && frontier_retry(c->frontier, claim) == CP_OK) {
            log_info("%ld for %s: retrying after the origin's back-off", response->status, response->url);
            fetch_result_free(response);
            return;
        }
    }
    record_response(c, claim->node, response);
    c->r->pages_fetched++;
    if (response->status >= 300 && response->status < 400 && response->location)
        record_redirect(c, claim->node, response);
    bool html = is_html(response->content_type);
    if (response->status >= 200 && response->status < 300 && response->error_class == HTTP_ERROR_NONE &&
        (html || response->x_robots_tag || response->link_header)) {
        struct job *job = malloc(sizeof(*job));
        if (job) {
            *job = (struct job){claim->node, response, html};
            if (handoff_push(&c->jobs, job) == CP_OK) {
                c->jobs_outstanding++;
                return;
            }
            free(job);
        }
    }
    fetch_result_free(response);
}

static void handle_external(struct crawl *c, struct request *request, struct fetch_result *response)
{
    record_response(c, request->node, response);
    graph_set_flags(c->graph, request->node, GRAPH_NODE_EXTERNAL_CHECKED);
    fetch_result_free(response);
}

static void handle_response(struct fetch_result *response, void *context)
{
    struct crawl *c = context;
    struct request *request = response->user_data;
    if (log_verbosity() >= 1)
        log_info("%ld %s (%.0f ms)%s%s", response->status, response->url, response->total_ms,
                 response->error[0] ? " " : "", response->error);
    switch (request->kind) {
    case REQUEST_PAGE: handle_page(c, request, response); break;
    case REQUEST_ROBOTS: handle_robots(c, request, response); fetch_result_free(response); break;
    case REQUEST_EXTERNAL: handle_external(c, request, response); break;
    }
    free(request);
}

static bool may_start_more(const struct crawl *c)
{
    size_t in_flight = c->fetcher ? fetcher_in_flight(c->fetcher) : 0;
    return in_flight < (size_t)c->concurrency && c->jobs_outstanding < (size_t)c->worker_count * 4 + 8;
}

static bool page_budget_left(const struct crawl *c)
{
    return c->o->max_pages <= 0 || c->pages_started < c->o->max_pages;
}

/* Claim and start what politeness allows now; returns how long to wait before trying again. */
static long start_requests(struct crawl *c)
{
    long wait = 100;
    while (may_start_more(c) && page_budget_left(c)) {
        struct frontier_claim claim = frontier_claim(c->frontier, now_ms());
        if (claim.kind == FRONTIER_NONE) {
            if (claim.wait_ms >= 0 && claim.wait_ms < wait)
                wait = claim.wait_ms;
            break;
        }
        if (claim.kind == FRONTIER_ROBOTS) {
            request_robots(c, claim.origin);
            continue;
        }
        if (!robots_allows(c, claim.node, claim.origin)) {
            frontier_finish(c->frontier, claim.origin, now_ms(), false, false, -1);
            continue;
        }
        struct request *request = calloc(1, sizeof(*request));
        if (!request)
            break;
        request->kind = REQUEST_PAGE;
        request->claim = claim;
        c->pages_started++;
        bool own_origin = strcmp(frontier_origin_name(claim.origin), c->start_origin) == 0;
        if (start_fetch(c, graph_url(c->graph, claim.node, NULL), false, own_origin, request) != CP_OK) {
            free(request);
            frontier_finish(c->frontier, claim.origin, now_ms(), true, false, -1);
            break;
        }
    }
    while (c->external_next < c->external_count && may_start_more(c)) {
        struct request *request = calloc(1, sizeof(*request));
        if (!request)
            break;
        request->kind = REQUEST_EXTERNAL;
        request->node = c->externals[c->external_next++];
        if (start_fetch(c, graph_url(c->graph, request->node, NULL), true, false, request) != CP_OK) {
            free(request);
            break;
        }
    }
    return wait < 1 ? 1 : wait;
}

/* ---- progress ---- */

static void show_progress(struct crawl *c, double now, bool final)
{
    if (!c->o->progress)
        return;
    double interval = c->o->progress_tty ? PROGRESS_TTY_MS : PROGRESS_LOG_MS;
    if (!final && now - c->last_progress_ms < interval)
        return;
    c->last_progress_ms = now;
    double seconds = (now - c->started_ms) / 1000.0;
    double rate = seconds > 0 ? (double)c->r->pages_fetched / seconds : 0;
    char line[256];
    snprintf(line, sizeof(line), "%llu done, %zu queued, %.1f pages/s, %llu errors, %.1f s",
             (unsigned long long)c->r->pages_fetched, frontier_queued(c->frontier), rate,
             (unsigned long long)c->r->fetch_errors, seconds);
    if (c->o->progress_tty)
        fprintf(stderr, "\r\033[Kcrawlpack: %s%s", line, final ? "\n" : "");
    else
        fprintf(stderr, "crawlpack: %s\n", line);
    fflush(stderr);
}

/* ---- the loop ---- */

static void drain_outcomes(struct crawl *c, long wait_ms)
{
    struct outcome *out = wait_ms > 0 ? handoff_pop_timed(&c->outcomes, wait_ms) : handoff_try_pop(&c->outcomes);
    while (out) {
        c->jobs_outstanding--;
        merge_outcome(c, out);
        outcome_free(out);
        out = handoff_try_pop(&c->outcomes);
    }
    size_t lost = atomic_exchange(&c->jobs_lost, 0);
    c->jobs_outstanding -= lost < c->jobs_outstanding ? lost : c->jobs_outstanding;
}

static bool stop_requested(const struct crawl *c, double now)
{
    if (c->o->stop_flag && *c->o->stop_flag)
        return true;
    return c->o->max_duration_ms > 0 && now - c->started_ms >= (double)c->o->max_duration_ms;
}

static void crawl_loop(struct crawl *c)
{
    for (;;) {
        double now = now_ms();
        if (!c->stopping && stop_requested(c, now)) {
            c->stopping = true;
            c->stop_deadline_ms = now + STOP_GRACE_MS;
            c->r->interrupted = c->o->stop_flag && *c->o->stop_flag;
            c->r->truncated_by_limit = !c->r->interrupted;
        }
        drain_outcomes(c, 0);
        long wait = c->stopping ? 50 : start_requests(c);
        size_t in_flight = c->fetcher ? fetcher_in_flight(c->fetcher) : 0;
        if (c->stopping && now >= c->stop_deadline_ms)
            in_flight = 0; /* the grace period is over: abandon the transfers (freed at the end) */
        bool more_to_claim = !c->stopping && frontier_queued(c->frontier) > 0 && page_budget_left(c);
        bool externals_left = !c->stopping && c->external_next < c->external_count;
        if (in_flight == 0 && c->jobs_outstanding == 0 && !more_to_claim && !externals_left)
            break;
        show_progress(c, now, false);
        if (c->fetcher && in_flight > 0)
            fetcher_run(c->fetcher, wait, handle_response, c);
        else if (c->jobs_outstanding > 0)
            drain_outcomes(c, wait);
        else if (more_to_claim || externals_left) {
            struct timespec pause = {0, wait * 1000000L};
            nanosleep(&pause, NULL);
        }
    }
    if (frontier_queued(c->frontier) > 0 && !page_budget_left(c))
        c->r->truncated_by_limit = true;
    show_progress(c, now_ms(), true);
}

/* ---- setup and teardown ---- */

void crawl_robots_token(const char *user_agent, char *dst, size_t size)
{
    const char *agent = user_agent ? user_agent : "crawlpack";
    size_t n = 0;
    while (agent[n] && (agent[n] == '-' || agent[n] == '_' || ((agent[n] | 0x20) >= 'a' && (agent[n] | 0x20) <= 'z')))
        n++;
    if (n == 0) {
        agent = "crawlpack";
        n = strlen(agent);
    }
    snprintf(dst, size, "%.*s", (int)n, agent);
}

static int cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 256 ? (int)n : 2;
}

static int parse_start(struct crawl *c, char *error, size_t error_size)
{
    const char *start = c->o->start_url ? c->o->start_url : c->o->site_url;
    if (!start) {
        snprintf(error, error_size, "no start URL");
        return CP_ERR_INVALID;
    }
    enum url_error parsed = url_parse_str(start, NULL, &c->start);
    if (parsed != URL_OK || !url_is_crawlable(&c->start)) {
        snprintf(error, error_size, "%s: %s", start, parsed != URL_OK ? url_error_string(parsed) : "not an http(s) URL");
        return CP_ERR_INVALID;
    }
    if (url_origin(&c->start, c->start_origin, sizeof(c->start_origin)) < 0) {
        snprintf(error, error_size, "%s: host name too long", start);
        return CP_ERR_INVALID;
    }
    return add_scope_origin(c, c->start_origin);
}

static int seed_start(struct crawl *c)
{
    char *identity = NULL;
    if (url_identity(&c->start, &c->identity, &identity) != URL_OK)
        return CP_ERR_NOMEM;
    bool is_new = false;
    uint32_t node = discover(c, identity, &c->start, 0, true, &is_new);
    free(identity);
    if (node == GRAPH_NO_NODE)
        return CP_ERR_NOMEM;
    graph_set_flags(c->graph, node, GRAPH_NODE_START);
    c->r->start_node = node;
    return CP_OK;
}

static void configure(struct crawl *c)
{
    const struct crawl_options *o = c->o;
    c->concurrency = o->concurrency > 0 ? o->concurrency : 16;
    c->worker_count = o->threads > 0 ? o->threads : cores();
    c->max_redirects = o->max_redirects > 0 ? o->max_redirects : 10;
    c->identity.strip_params = o->strip_params;
    c->identity.strip_param_count = o->strip_param_count;
    crawl_robots_token(o->fetch.user_agent, c->robots_token, sizeof(c->robots_token));
}

static int start_workers(struct crawl *c)
{
    c->workers = calloc((size_t)c->worker_count, sizeof(*c->workers));
    if (!c->workers)
        return CP_ERR_NOMEM;
    for (int i = 0; i < c->worker_count; i++)
        if (pthread_create(&c->workers[i], NULL, worker_main, c) != 0) {
            c->worker_count = i;
            return i > 0 ? CP_OK : CP_ERR_NOMEM;
        }
    return CP_OK;
}

static void stop_workers(struct crawl *c)
{
    handoff_close(&c->jobs);
    for (int i = 0; i < c->worker_count; i++)
        pthread_join(c->workers[i], NULL);
    free(c->workers);
    struct job *job;
    while ((job = handoff_try_pop(&c->jobs))) {
        fetch_result_free(job->response);
        free(job);
    }
    struct outcome *out;
    while ((out = handoff_try_pop(&c->outcomes)))
        outcome_free(out);
}

static void collect_run_facts(struct crawl *c)
{
    struct crawl_result *r = c->r;
    uint32_t nodes = graph_node_count(c->graph);
    for (uint32_t i = 0; i < nodes; i++) {
        struct crawl_page *page = page_of(c, i);
        if ((page->flags & CRAWL_PAGE_QUEUED) && !(page->flags & (CRAWL_PAGE_FETCHED | CRAWL_PAGE_ROBOTS_BLOCKED)))
            page->flags |= CRAWL_PAGE_NOT_FETCHED_LIMIT;
    }
    r->trap_count = frontier_trap_count(c->frontier);
    r->traps = calloc(r->trap_count + 1, sizeof(*r->traps));
    r->trap_refused = calloc(r->trap_count + 1, sizeof(*r->trap_refused));
    for (size_t i = 0; r->traps && r->trap_refused && i < r->trap_count; i++)
        r->traps[i] = strdup(frontier_trap_at(c->frontier, i, &r->trap_refused[i]));
    size_t origins = frontier_origin_count(c->frontier);
    r->breaker_events = calloc(origins + 1, sizeof(*r->breaker_events));
    for (size_t i = 0; r->breaker_events && i < origins; i++) {
        struct frontier_origin *origin = frontier_origin_at(c->frontier, i);
        struct frontier_origin_stats stats = frontier_origin_stats(origin);
        if (stats.breaker_pauses == 0 && stats.paused_ms <= 0)
            continue;
        struct buf text = BUF_INIT;
        buf_printf(&text, "%s: %u circuit-breaker pause(s), %llu throttled, paused %.0f ms in all",
                   frontier_origin_name(origin), stats.breaker_pauses, (unsigned long long)stats.throttled,
                   stats.paused_ms);
        r->breaker_events[r->breaker_count++] = buf_detach(&text);
    }
    struct graph_memory memory = graph_memory_usage(c->graph);
    r->memory_bytes = memory.node_bytes + memory.edge_bytes + memory.sitemap_bytes +
                      c->page_capacity * sizeof(struct crawl_page) + c->text_bytes +
                      frontier_memory_usage(c->frontier);
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        r->cpu_seconds = (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
                         (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
        r->peak_rss_kb = usage.ru_maxrss;
    }
    r->elapsed_ms = now_ms() - c->started_ms;
}

static struct frontier_options frontier_options_for(const struct crawl *c)
{
    const struct crawl_options *o = c->o;
    bool local = o->root_dir || host_is_loopback(&c->start);
    struct frontier_options f = {0};
    f.per_host = o->per_host > 0 ? o->per_host : (local ? c->concurrency : 4);
    f.rate = o->rate < 0 ? 0 : (o->rate > 0 ? o->rate : (local ? 0 : 10));
    f.max_per_template = o->max_per_template;
    return f;
}

static void free_request(void *user_data, void *context)
{
    (void)context;
    free(user_data);
}

int crawl_run(const struct crawl_options *options, struct crawl_result *result, char *error, size_t error_size)
{
    memset(result, 0, sizeof(*result));
    struct crawl c = {0};
    c.o = options;
    c.r = result;
    c.started_ms = now_ms();
    atomic_init(&c.jobs_lost, 0);
    handoff_init(&c.jobs, NULL, NULL);
    handoff_init(&c.outcomes, wake_fetch_loop, &c);
    configure(&c);
    int status = CP_OK;
    if (options->root_dir)
        status = local_root_new(options->root_dir, options->site_url ? options->site_url : "", &c.root, error,
                                error_size);
    if (status == CP_OK)
        status = parse_start(&c, error, error_size);
    if (status == CP_OK) {
        struct frontier_options frontier = frontier_options_for(&c);
        result->concurrency = c.concurrency;
        result->threads = c.worker_count;
        result->per_host = frontier.per_host;
        result->rate = frontier.rate;
        result->graph = c.graph = graph_create(1024);
        c.frontier = frontier_new(&frontier);
        if (!c.graph || !c.frontier || (!c.root && !(c.fetcher = fetcher_new(&options->fetch))))
            status = CP_ERR_NOMEM;
    }
    if (status == CP_OK)
        status = seed_start(&c);
    if (status == CP_OK)
        status = start_workers(&c);
    if (status == CP_OK) {
        crawl_loop(&c);
        stop_workers(&c);
        collect_run_facts(&c);
        if (graph_freeze(c.graph) != CP_OK)
            status = CP_ERR_NOMEM;
        else if (result->interrupted)
            status = CP_ERR_INTERRUPTED;
    }
    if (c.fetcher)
        fetcher_cancel_all(c.fetcher, free_request, NULL);
    fetcher_free(c.fetcher);
    local_root_free(c.root);
    frontier_free(c.frontier);
    handoff_free(&c.jobs);
    handoff_free(&c.outcomes);
    for (size_t i = 0; i < c.scope_origin_count; i++)
        free(c.scope_origins[i]);
    free(c.scope_origins);
    free(c.externals);
    url_free(&c.start);
    return status;
}

void crawl_result_free(struct crawl_result *r)
{
    if (r->graph) {
        uint32_t nodes = graph_node_count(r->graph);
        for (uint32_t i = 0; r->pages && i < nodes; i++)
            free(r->pages[i].text);
        graph_destroy(r->graph);
    }
    free(r->pages);
    for (size_t i = 0; i < r->robots_count; i++) {
        free(r->robots[i].origin);
        free(r->robots[i].robots_url);
        free(r->robots[i].action);
        free(r->robots[i].reason);
        robots_free(r->robots[i].robots);
    }
    free(r->robots);
    findings_free(&r->findings);
    for (size_t i = 0; r->traps && i < r->trap_count; i++)
        free(r->traps[i]);
    free(r->traps);
    free(r->trap_refused);
    for (size_t i = 0; i < r->breaker_count; i++)
        free(r->breaker_events[i]);
    free(r->breaker_events);
    memset(r, 0, sizeof(*r));
}
