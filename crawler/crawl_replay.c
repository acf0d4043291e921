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
#include "store/page_record.h"
#include "store/store.h"
#include "web/content_type.h"

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

bool crawl_replay_claim(struct crawl *c, const struct frontier_claim *claim)
{
    struct store *store = c->o->store;
    if (!store || !c->o->replay_run)
        return false;
    const char *url = graph_url(c->graph, claim->node, NULL);
    struct store_page stored;
    if (store_find_page(store, c->o->replay_run, url, &stored) != CP_OK || stored.response.error)
        return false; /* a page whose fetch failed is asked again */
    struct page_signals *signals = NULL;
    if (stored.signals && page_record_decode(stored.signals, stored.signals_length, &signals) != CP_OK)
        signals = NULL;
    if (!signals && needs_signals(&stored.response))
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
    request->replay_hash = stored.response.content_hash;
    request->replay_signals = signals;
    c->pages_started++;
    c->r->pages_replayed++;
    crawl_handle_response(response, c); /* frees response and request */
    return true;
}

void crawl_merge_replayed(struct crawl *c, uint32_t node, struct request *request, const struct fetch_result *response)
{
    struct outcome *out = calloc(1, sizeof *out);
    if (!out)
        return;
    out->node = node;
    out->signals = request->replay_signals;
    request->replay_signals = NULL;
    out->status = out->signals ? crawl_found_links(c, out) : CP_ERR_INVALID;
    crawl_merge_outcome(c, out);
    if (request->replay_store && out->signals)
        crawl_store_page(c, node, response, out->signals);
    crawl_outcome_free(out);
}
