/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_replay: a claimed URL the store already holds is answered from it — the stored
 * response goes through crawl_handle_response as a fetched one does, and its stored signals are
 * merged as a worker's outcome is (crawl_merge_outcome: graph, edges, node facts, the on_page
 * hook), so a replayed page and a fetched one are the same page by construction. Used by --resume
 * (the run's own pages are not fetched again). See crawl_internal.h; fetch loop thread only. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "crawler/crawl_internal.h"
#include "linkgraph/graph.h"
#include "sitemap/datetime.h"
#include "store/page_record.h"
#include "store/store.h"
#include "web/content_type.h"

static void count_change(struct crawl *c, struct crawl_page *page, enum crawl_change change);

static char *copy(const char *text)
{
    return text ? strdup(text) : NULL;
}

/* The stored response as the fetcher would have handed it over, without a body. */
static struct fetch_result *stored_response(const struct store_response *r, const char *url, struct request *request)
{
    struct fetch_result *response = calloc(1, sizeof *response);
    if (!response)
        return NULL;
    response->url = strdup(url);
    response->user_data = request;
    response->status = r->status;
    response->content_type = copy(r->content_type);
    response->location = copy(r->location);
    response->content_encoding = copy(r->content_encoding);
    response->x_robots_tag = copy(r->x_robots_tag);
    response->link_header = copy(r->link_header);
    response->hsts = r->hsts;
    response->retry_after_ms = -1;
    response->body_length = (size_t)r->size;
    response->truncated = r->truncated;
    response->ttfb_ms = r->ttfb_ms;
    response->total_ms = r->total_ms;
    response->http_version = r->http_version;
    response->etag = copy(r->etag);
    response->last_modified = copy(r->last_modified);
    if (!response->url) {
        fetch_result_free(response);
        return NULL;
    }
    return response;
}

/* A stored page that was parsed must come back with its signals; one without (a failed write, a
 * record this version cannot read) is fetched again instead. */
static bool needs_signals(const struct store_response *r)
{
    return r->status >= 200 && r->status < 300 && !r->error &&
           (content_type_is_html(r->content_type) || r->x_robots_tag || r->link_header);
}

/* The stored page's signals decoded into *signals (NULL when it has none); false when the page
 * cannot be replayed: it needs signals and they are missing, or a record this version cannot read
 * (the page is fetched again instead). */
static bool decode_stored(const struct store_page *stored, struct page_signals **signals)
{
    *signals = NULL;
    if (stored->signals && page_record_decode(stored->signals, stored->signals_length, signals) != CP_OK)
        *signals = NULL;
    return *signals || !needs_signals(&stored->response);
}

/* A resumed page keeps the change its first part recorded. */
static enum crawl_change stored_change(const struct store_response *r)
{
    for (int change = CRAWL_CHANGE_NEW; r->change && change <= CRAWL_CHANGE_UNCHANGED; change++)
        if (strcmp(r->change, crawl_change_name((enum crawl_change)change)) == 0)
            return (enum crawl_change)change;
    return CRAWL_CHANGE_NONE;
}

/* Whether the previous run stored a 2xx for the page (store_count_ok counts the same rows): what
 * the pages gone since are counted from (crawl_count_gone). */
static void note_previous(struct crawl *c, uint32_t node, const struct store_response *previous)
{
    struct crawl_page *page = crawl_page_of(c, node);
    if (page && previous->status >= 200 && previous->status < 300)
        page->flags |= CRAWL_PAGE_WAS_OK;
}

bool crawl_replay_claim(struct crawl *c, const struct frontier_claim *claim)
{
    struct store *store = c->o->store;
    if (!store || !c->o->replay_run)
        return false;
    const char *url = graph_url(c->graph, claim->node, NULL);
    struct store_page stored;
    if (store_find_page(store, c->o->replay_run, url, true, &stored) != CP_OK || stored.response.error)
        return false; /* a page whose fetch failed is asked again */
    struct page_signals *signals = NULL;
    if (!decode_stored(&stored, &signals))
        return false;
    struct request *request = calloc(1, sizeof *request);
    struct fetch_result *response = request ? stored_response(&stored.response, url, request) : NULL;
    if (!response) {
        free(request);
        page_signals_free(signals);
        return false;
    }
    request->kind = REQUEST_PAGE;
    request->claim = *claim;
    request->replayed = true;
    request->replay_store = store_run_id(store) != c->o->replay_run;
    frontier_claim_not_sent(claim->origin);
    count_change(c, crawl_page_of(c, claim->node), stored_change(&stored.response));
    request->replay_hash = stored.response.content_hash;
    request->replay_signals = signals;
    request->replay_signals_run = signals ? stored.signals_run : 0;
    /* A resumed page is not asked of the previous run for validators (crawl_prepare_conditional):
     * asked here for its status, once stored is read (a lookup's strings last until the next). */
    struct store_page previous;
    if (c->previous_run && store_find_page(store, c->previous_run, url, false, &previous) == CP_OK)
        note_previous(c, claim->node, &previous.response);
    c->pages_started++;
    c->r->pages_replayed++;
    crawl_handle_response(response, c); /* frees response and request */
    return true;
}

/* A replayed page's outcome: its stored signals (taken; NULL: a page that could not be replayed,
 * status CP_ERR_INVALID) with their links resolved by crawl_found_links. NULL when out of memory
 * (signals freed). */
static struct outcome *replayed_outcome(const struct crawl *c, uint32_t node, struct page_signals *signals,
                                        int64_t signals_run)
{
    struct outcome *out = calloc(1, sizeof(*out));
    if (!out) {
        page_signals_free(signals);
        return NULL;
    }
    out->node = node;
    out->signals = signals;
    out->signals_run = signals_run;
    out->status = signals ? crawl_found_links(c, out, NULL) : CP_ERR_INVALID;
    return out;
}

void crawl_merge_replayed(struct crawl *c, uint32_t node, struct request *request, struct fetch_result *response)
{
    struct page_signals *signals = request->replay_signals;
    request->replay_signals = NULL;
    int64_t signals_run = signals ? request->replay_signals_run : 0;
    if (!request->replay_store || !signals) { /* a resumed page is stored already */
        fetch_result_free(response);
        response = NULL;
    }
    /* Its links are resolved here, not on a worker: handing a page that needs no parse to a worker
     * and its outcome back cost more than resolving its links (a re-audit of 20,000 unchanged pages
     * took 8% less CPU and 6% less time without the hand-offs and the wake-ups they bring). */
    struct outcome *out = replayed_outcome(c, node, signals, signals_run);
    if (!out) {
        fetch_result_free(response);
        return;
    }
    out->response = response;
    if (!crawl_merge_outcome(c, out))
        crawl_outcome_free(out);
}

/* ---- incremental re-audits: the previous run's pages ---- */

const char *crawl_change_name(enum crawl_change change)
{
    switch (change) {
    case CRAWL_CHANGE_NEW: return "new";
    case CRAWL_CHANGE_CHANGED: return "changed";
    case CRAWL_CHANGE_UNCHANGED: return "unchanged";
    default: return NULL;
    }
}

/* One store lookup per request: the previous run's validators, and for a page that can be
 * replayed (a 2xx whose signals were stored) its response and signals, kept for a 304 or an
 * unchanged body. */
void crawl_prepare_conditional(struct crawl *c, uint32_t node, struct request *request)
{
    if (!c->previous_run)
        return;
    const char *url = graph_url(c->graph, node, NULL);
    struct store_page stored;
    if (store_find_page(c->o->store, c->previous_run, url, true, &stored) != CP_OK)
        return;
    note_previous(c, node, &stored.response);
    if (stored.response.error)
        return;
    request->has_previous = true;
    request->previous_hash = stored.response.content_hash;
    /* Validators only for a page that can be replayed. */
    if (stored.response.status < 200 || stored.response.status >= 300)
        return;
    struct page_signals *signals = NULL;
    if (!decode_stored(&stored, &signals))
        return;
    request->previous_response = stored_response(&stored.response, url, NULL);
    if (!request->previous_response) {
        page_signals_free(signals);
        return;
    }
    request->previous_signals = signals;
    request->previous_signals_run = signals ? stored.signals_run : 0;
    request->if_none_match = copy(stored.response.etag);
    request->if_modified_since = copy(stored.response.last_modified);
}

/* The previous page as this request's answer: its stored signals become the replay's. */
static void take_previous(struct crawl *c, struct request *request)
{
    request->replayed = true;
    request->replay_store = true;
    request->replay_hash = request->previous_hash;
    request->replay_signals = request->previous_signals;
    request->replay_signals_run = request->previous_signals_run;
    request->previous_signals = NULL;
    c->r->pages_replayed++;
}

struct fetch_result *crawl_not_modified(struct crawl *c, struct request *request, struct fetch_result *response)
{
    struct fetch_result *replayed = request->previous_response;
    if (!replayed)
        return response; /* recorded as the 304 it is */
    request->previous_response = NULL;
    replayed->user_data = request;
    replayed->ttfb_ms = response->ttfb_ms; /* this run's timings, the stored page */
    replayed->total_ms = response->total_ms;
    replayed->http_version = response->http_version;
    take_previous(c, request);
    fetch_result_free(response);
    return replayed;
}

static void count_change(struct crawl *c, struct crawl_page *page, enum crawl_change change)
{
    page->change = (uint8_t)change;
    struct crawl_changes *changes = &c->r->changes;
    if (change == CRAWL_CHANGE_NEW)
        changes->new_pages++;
    else if (change == CRAWL_CHANGE_CHANGED)
        changes->changed++;
    else if (change == CRAWL_CHANGE_UNCHANGED)
        changes->unchanged++;
}

void crawl_classify(struct crawl *c, uint32_t node, struct request *request)
{
    struct crawl_page *page = crawl_page_of(c, node);
    if (!c->previous_run || (request->replayed && !request->replay_store))
        return; /* a resumed page keeps what its first part recorded */
    if (!request->has_previous) {
        count_change(c, page, CRAWL_CHANGE_NEW);
        return;
    }
    bool same = request->replayed || (page->body_hash && page->body_hash == request->previous_hash);
    count_change(c, page, same ? CRAWL_CHANGE_UNCHANGED : CRAWL_CHANGE_CHANGED);
    if (!same || request->replayed)
        return;
    /* The same body as before: its stored signals instead of a parse. */
    if (request->previous_signals)
        take_previous(c, request);
}

uint64_t crawl_count_gone(struct crawl *c)
{
    uint64_t kept = 0;
    size_t count = c->page_capacity < graph_node_count(c->graph) ? c->page_capacity : graph_node_count(c->graph);
    for (size_t id = 0; id < count; id++) {
        const struct crawl_page *page = &c->r->pages[id];
        kept += (page->flags & CRAWL_PAGE_WAS_OK) && page->status >= 200 && page->status < 400;
    }
    uint64_t was_ok = store_count_ok(c->o->store, c->previous_run);
    return was_ok > kept ? was_ok - kept : 0;
}

/* ---- lastmod truthfulness: the previous run's sitemap lastmods ---- */

int crawl_text_changed(const struct crawl_page *page)
{
    if (page->change == CRAWL_CHANGE_UNCHANGED)
        return 0;
    if (page->change != CRAWL_CHANGE_CHANGED)
        return -1;
    return (page->flags & CRAWL_PAGE_SAME_TEXT) ? 0 : 1;
}

static int keep_previous_lastmod(const char *url, const char *lastmod, void *context)
{
    struct crawl *c = context;
    struct w3c_datetime when;
    if (!url || !lastmod || !w3c_datetime_parse(lastmod, strlen(lastmod), &when))
        return CP_OK;
    uint32_t node = graph_find(c->graph, url, strlen(url));
    if (node == GRAPH_NO_NODE)
        return CP_OK; /* a page this run did not meet at all */
    int64_t *kept = &c->r->previous_lastmod[node];
    if (*kept == GRAPH_NO_LASTMOD || (int64_t)when.start > *kept)
        *kept = (int64_t)when.start;
    return CP_OK;
}

/* The previous run's page for a replay: its response and decoded signals, or false. */
static bool previous_page(struct crawl *c, const char *url, struct store_page *stored, struct page_signals **signals)
{
    *signals = NULL;
    return store_find_page(c->o->store, c->previous_run, url, true, stored) == CP_OK && decode_stored(stored, signals);
}

/* A changed body whose main text is the previous run's (both runs fingerprinted it). */
static bool same_main_text(struct crawl *c, uint32_t node, const struct crawl_page *page)
{
    struct store_page stored;
    struct page_signals *signals = NULL;
    if (!page->content_hash || !previous_page(c, graph_url(c->graph, node, NULL), &stored, &signals) || !signals)
        return false;
    bool same = signals->content_hash == page->content_hash;
    page_signals_free(signals);
    return same;
}

void crawl_lastmod_history(struct crawl *c)
{
    uint32_t count = graph_node_count(c->graph);
    int64_t *previous = malloc(((size_t)count + 1) * sizeof *previous);
    if (!previous) {
        log_error("out of memory reading the previous run's sitemap lastmods: the lastmod rules are not checked");
        return;
    }
    for (uint32_t id = 0; id <= count; id++)
        previous[id] = GRAPH_NO_LASTMOD;
    c->r->previous_lastmod = previous;
    if (store_each_sitemap_entry(c->o->store, c->previous_run, keep_previous_lastmod, c) != CP_OK) {
        log_error("%s: cannot read the previous run's sitemap entries: the lastmod rules are not checked",
                  store_path(c->o->store));
        free(previous);
        c->r->previous_lastmod = NULL;
        return;
    }
    /* Only pages both runs' sitemaps date are judged: decode the previous signals of those alone. */
    for (uint32_t id = 0; id < count && id < c->page_capacity; id++) {
        struct crawl_page *page = &c->r->pages[id];
        if (previous[id] != GRAPH_NO_LASTMOD && graph_node(c->graph, id)->sitemap_first != GRAPH_NO_NODE &&
            page->change == CRAWL_CHANGE_CHANGED && same_main_text(c, id, page))
            page->flags |= CRAWL_PAGE_SAME_TEXT;
    }
}
