/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_render: the render stage of --render (see crawl.h and crawl_internal.h).
 *
 * The fetch loop hands a merged raw page (its whole outcome: signals, identified links, headers)
 * to the render thread through render_jobs. The render thread owns the browser: it keeps up to
 * --render-concurrency tabs in flight, extracts each rendered DOM with crawl_extract (the same
 * gumbo extraction as a body) and hands the rendered outcome, carrying the raw one, back through
 * the outcomes queue. The fetch loop merges it: links only the rendered DOM holds are crawled and
 * written with rendered=1, the rendered directives, canonical and title become the page's, and
 * the audit's hooks see both signal sets. The graph is touched by the fetch loop only: no lock. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/log.h"
#include "crawler/crawl_internal.h"
#include "web/browser.h"
#include "linkgraph/graph.h"

/* ---- the render thread ---- */

/* Hand one page back to the fetch loop: rendered (page rendered and extracted) or not. */
static void hand_back(struct crawl *c, struct outcome *raw, struct browser_page *page, const char *error)
{
    struct outcome *out = NULL;
    if (page && page->outcome == BROWSER_RENDERED)
        out = crawl_extract(c, raw->node, raw->signals->url, raw->x_robots_tag, raw->link_header, page->html,
                            page->html_length);
    else
        out = calloc(1, sizeof *out);
    if (!page && (page = calloc(1, sizeof *page))) {
        page->outcome = BROWSER_FAILED;
        page->error = strdup(error);
    }
    if (page) {
        free(page->html); /* the DOM lives until extraction, like a body */
        page->html = NULL;
    }
    if (out && page) {
        out->node = raw->node;
        out->rendered = true;
        out->raw = raw;
        out->render = page;
        if (handoff_push(&c->outcomes, out) == CP_OK)
            return;
        out->raw = NULL;
        out->render = NULL;
    }
    log_error("out of memory rendering %s; it is judged from its raw HTML", raw->signals->url);
    crawl_outcome_free(out);
    crawl_outcome_free(raw);
    browser_page_free(page);
    atomic_fetch_add(&c->renders_lost, 1);
    if (c->fetcher)
        fetcher_wakeup(c->fetcher);
}

static void render_done(struct browser_page *page, void *context)
{
    hand_back(context, page->user_data, page, NULL);
}

static void render_one(struct crawl *c, struct outcome *raw)
{
    if (atomic_load(&c->render_stop)) {
        hand_back(c, raw, NULL, "not rendered: the crawl stopped");
        return;
    }
    if (browser_submit(c->browser, raw->signals->url, raw) != CP_OK)
        hand_back(c, raw, NULL, "not rendered: the browser could not be started again");
}

static void *render_main(void *arg)
{
    struct crawl *c = arg;
    /* A write to a browser that died must fail with EPIPE here, not end the process. */
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);
    for (;;) {
        size_t in_flight = browser_in_flight(c->browser);
        if (in_flight && atomic_load(&c->render_stop)) {
            browser_cancel_all(c->browser, render_done, c);
            continue;
        }
        struct outcome *raw = NULL;
        if (browser_free_tabs(c->browser) > 0)
            raw = in_flight ? handoff_try_pop(&c->render_jobs) : handoff_pop(&c->render_jobs);
        if (raw) {
            render_one(c, raw);
            continue;
        }
        if (in_flight == 0)
            break; /* the queue is closed and empty */
        browser_run(c->browser, 100, render_done, c);
    }
    return NULL;
}

/* ---- the fetch loop's side ---- */

int crawl_render_start(struct crawl *c, char *error, size_t error_size)
{
    if (!c->o->render)
        return CP_OK;
    if (c->root) {
        snprintf(error, error_size, "--render needs a server: it cannot be used with --root");
        return CP_ERR_INVALID;
    }
    struct browser_options options = {
        .fetch = &c->o->fetch,
        .credential_origin = c->start_origin,
        .timeout_ms = c->o->render_timeout_ms,
        .tabs = c->o->render_concurrency,
    };
    c->browser = browser_new(&options, error, error_size);
    if (!c->browser)
        return CP_ERR_IO;
    if (pthread_create(&c->render_thread, NULL, render_main, c) != 0) {
        browser_free(c->browser);
        c->browser = NULL;
        snprintf(error, error_size, "cannot start the render thread");
        return CP_ERR_NOMEM;
    }
    c->render_thread_started = true;
    return CP_OK;
}

void crawl_render_stop(struct crawl *c)
{
    handoff_close(&c->render_jobs);
    if (c->render_thread_started)
        pthread_join(c->render_thread, NULL);
    c->render_thread_started = false;
    browser_free(c->browser);
    c->browser = NULL;
    struct outcome *raw;
    while ((raw = handoff_try_pop(&c->render_jobs)))
        crawl_outcome_free(raw);
}

bool crawl_render_wanted(struct crawl *c, const struct outcome *out)
{
    if (!c->browser || c->stopping || !out->signals || !out->signals->url)
        return false;
    if (c->renders_started >= (c->o->render_max > 0 ? c->o->render_max : CRAWL_DEFAULT_RENDER_MAX))
        return false;
    const struct crawl_page *page = crawl_page_of(c, out->node);
    uint16_t flags = graph_node(c->graph, out->node)->flags;
    /* A raw noindex stops rendering, as it does for Google: the page is never indexed, so what
     * scripts would change on it is not looked at. */
    return page && page->status == 200 && !(page->flags & CRAWL_PAGE_TRUNCATED) && (flags & GRAPH_NODE_HTML) &&
           (flags & GRAPH_NODE_IN_SCOPE) && !(flags & GRAPH_NODE_NOINDEX);
}

int crawl_render_submit(struct crawl *c, struct outcome *out)
{
    crawl_identify_links(c, out); /* the rendered DOM's links are compared by identity */
    int status = handoff_push(&c->render_jobs, out);
    if (status != CP_OK)
        return status;
    c->renders_outstanding++;
    c->renders_started++;
    return CP_OK;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The raw page's reference identities, sorted for lookup (NULL when it has none or no memory). */
static const char **raw_identities(const struct outcome *raw)
{
    if (!raw->link_count)
        return NULL;
    const char **ids = malloc(raw->link_count * sizeof *ids);
    if (!ids)
        return NULL;
    for (size_t i = 0; i < raw->link_count; i++)
        ids[i] = raw->links[i].identity;
    qsort(ids, raw->link_count, sizeof *ids, compare_strings);
    return ids;
}

/* Every reference of the rendered DOM that the raw HTML lacks becomes an edge (crawled like any
 * link, rendered=1 in links.csv); a canonical only the rendered DOM names becomes the page's. */
static void merge_rendered_links(struct crawl *c, const struct outcome *raw, const struct outcome *out,
                                 struct crawl_render_info *info)
{
    const char **ids = raw_identities(raw);
    if (raw->link_count && !ids)
        return;
    const struct crawl_page *page = crawl_page_of(c, out->node);
    uint32_t depth = page->depth == UINT32_MAX ? UINT32_MAX : page->depth + 1;
    bool have_canonical = false;
    uint8_t scope = graph_node(c->graph, out->node)->flags & GRAPH_NODE_IN_SCOPE ? GRAPH_EDGE_SOURCE_IN_SCOPE : 0;
    struct link_batch *batch = crawl_link_batch(c, out->node);
    for (size_t i = 0; i < out->link_count; i++) {
        const struct found_link *l = &out->links[i];
        bool known = ids && bsearch(&l->identity, ids, raw->link_count, sizeof *ids, compare_strings);
        bool canonical = graph_edge_kind(l->meta) == GRAPH_EDGE_CANONICAL;
        if (graph_edge_kind(l->meta) == GRAPH_EDGE_LINK && crawl_in_scope(c, &l->url)) {
            info->internal_links++;
            info->internal_links_rendered_only += !known;
        }
        if (known) {
            have_canonical = have_canonical || canonical;
            continue;
        }
        bool is_new = false;
        uint32_t target = crawl_discover(c, l->identity, &l->url, depth, l->followable, &is_new);
        if (target == GRAPH_NO_NODE)
            continue;
        graph_add_edge(c->graph, out->node, target, l->meta | scope);
        crawl_link_row(c, batch, out->node, target, l->meta | scope, l->rel, l->anchor, 1);
        c->r->links_found++;
        if (canonical && !have_canonical)
            graph_set_canonical(c->graph, out->node, target);
        have_canonical = have_canonical || canonical;
    }
    link_rows_hand(&c->link_rows, batch, NULL); /* the outcomes are freed when merged */
    free(ids);
}

static struct crawl_render_info render_info(const struct browser_page *page)
{
    return (struct crawl_render_info){
        .outcome = (int)page->outcome,
        .error = page->error,
        .exceptions = page->exceptions,
        .first_exception = page->first_exception,
        .console_errors = page->console_errors,
        .blocked_documents = page->blocked_documents,
        .first_blocked = page->first_blocked,
        .elapsed_ms = page->elapsed_ms,
    };
}

void crawl_render_merge(struct crawl *c, struct outcome *out)
{
    const struct outcome *raw = out->raw;
    struct crawl_render_info info = render_info(out->render);
    bool rendered = out->render->outcome == BROWSER_RENDERED && out->status == CP_OK && out->signals;
    if (out->render->outcome == BROWSER_RENDERED && !rendered) {
        info.outcome = BROWSER_FAILED;
        info.error = "the rendered DOM could not be extracted";
    }
    c->r->render_ms += out->render->elapsed_ms;
    if (rendered) {
        c->r->pages_rendered++;
        merge_rendered_links(c, raw, out, &info);
        crawl_record_signals(c, out->node, out->signals);
    } else {
        c->r->render_failures++;
        log_info("render %s: %s: %s", raw->signals->url, browser_outcome_name(out->render->outcome),
                 info.error ? info.error : "");
    }
    const struct page_signals *binding = rendered ? out->signals : raw->signals;
    if (c->o->on_page)
        c->o->on_page(c->o->on_page_context, c->graph, out->node, binding);
    if (c->o->on_render)
        c->o->on_render(c->o->on_page_context, c->graph, out->node, raw->signals, rendered ? out->signals : NULL,
                        &info);
}
