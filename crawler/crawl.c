/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl: the fetch loop, its transfers and the crawl's setup and teardown (see crawl.h).
 * Page records live in crawl_pages.c, the workers in crawl_worker.c, robots.txt in crawl_robots.c. */
#include "crawler/crawl.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "crawler/crawl_internal.h"
#include "findings/finding_cap.h"
#include "web/content_type.h"
#include "crawler/crawl_output.h"
#include "web/bot_wall.h"
#include "web/browser.h"
#include "web/robots.h"
#include "linkgraph/graph.h"
#include "store/store.h"

#define STOP_GRACE_MS 2000
#define MAX_THROTTLE_RETRIES 2
#define PROGRESS_TTY_MS 250
#define PROGRESS_LOG_MS 10000

double crawl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- transfers ---- */

/* Start a transfer (network) or answer it from the build folder right away (--root). */
int crawl_start_fetch(struct crawl *c, const char *url, bool head, bool credentials, size_t max_body,
                      struct request *request)
{
    if (c->root) {
        struct fetch_result *response = NULL;
        int status = local_root_fetch(c->root, url, max_body ? max_body : c->o->fetch.max_body, request, &response);
        if (status != CP_OK)
            return status;
        crawl_handle_response(response, c);
        return CP_OK;
    }
    struct fetch_request r = {url, head, credentials, request, max_body, NULL, NULL};
    if (request && request->kind == REQUEST_PAGE) {
        r.if_none_match = request->if_none_match;
        r.if_modified_since = request->if_modified_since;
    }
    return fetcher_add(c->fetcher, &r);
}

/* The URLs still queued for an origin the frontier just gave up on are marked, not fetched. */
static void crawl_drain_abandoned(struct crawl *c, struct frontier_origin *origin)
{
    uint32_t node;
    while ((node = frontier_take_abandoned(c->frontier, origin)) != FRONTIER_NO_NODE) {
        struct crawl_page *page = crawl_page_of(c, node);
        if (page)
            page->flags |= CRAWL_PAGE_ORIGIN_ABANDONED;
    }
}

/* An abandoned origin is a finding, with how much of it was not crawled (at the end: URLs found
 * after the origin was given up count too). */
static void crawl_report_abandoned(struct crawl *c, struct frontier_origin *origin)
{
    struct frontier_origin_stats stats = frontier_origin_stats(origin);
    const char *name = frontier_origin_name(origin);
    struct buf why = BUF_INIT;
    if (stats.abandoned_after == FRONTIER_ABANDONED_FAILURES)
        buf_printf(&why, "%u failures in a row (--max-origin-failures)", stats.failures_in_a_row);
    else if (stats.abandoned_after == FRONTIER_ABANDONED_BACKOFF)
        buf_printf(&why, "%.0f s of back-off in all (--max-origin-backoff)", stats.paused_ms / 1000);
    else
        return;
    log_warn("%s: given up after %s; %llu URLs not crawled", name, buf_str(&why),
             (unsigned long long)stats.not_crawled);
    if (!findings_add(&c->r->findings, RULE_ORIGIN_ABANDONED, name, NULL, 0,
                      "gave up on %s after %s: %llu URLs were not crawled (network errors, 5xx or 429/503)", name,
                      buf_str(&why), (unsigned long long)stats.not_crawled))
        log_error("out of memory recording that %s was given up", name);
    buf_free(&why);
}

/* A claimed page is done with; when its outcome opens the origin's circuit breaker, the pause is a
 * finding (crawl.json lists it too). */
static void finish_claim(struct crawl *c, struct frontier_origin *origin, bool error, bool throttled,
                         long retry_after_ms)
{
    bool opened = frontier_finish(c->frontier, origin, crawl_now_ms(), error, throttled, retry_after_ms);
    crawl_drain_abandoned(c, origin);
    if (!opened)
        return;
    struct frontier_origin_stats stats = frontier_origin_stats(origin);
    const char *host = frontier_origin_name(origin);
    log_warn("%s: paused for %ld s by the circuit breaker (%u of its last %u responses failed)", host,
             stats.breaker_pause_ms / 1000, stats.breaker_errors, stats.breaker_window);
    if (!findings_add(&c->r->findings, RULE_CRAWL_HOST_PAUSED, host, NULL, 0,
                      "%s paused for %ld s: %u of its last %u responses failed (%.0f%% errors: network, 5xx or "
                      "429/503)",
                      host, stats.breaker_pause_ms / 1000, stats.breaker_errors, stats.breaker_window,
                      100.0 * stats.breaker_errors / (stats.breaker_window ? stats.breaker_window : 1)))
        log_error("out of memory recording the pause of %s", host);
}

static void handle_page(struct crawl *c, struct request *request, struct fetch_result *response)
{
    const struct frontier_claim *claim = &request->claim;
    if (response->status == 304 && request->has_previous)
        response = crawl_not_modified(c, request, response); /* the stored page, answered from the store */
    bool throttled = response->status == 429 || response->status == 503;
    /* A Retry-After past the cap is not a pause the crawl takes: the origin is closed instead. */
    bool over_cap = throttled && response->retry_after_ms > CRAWL_RETRY_AFTER_CAP_MS;
    bool error = response->error_class != HTTP_ERROR_NONE || response->status >= 500 || response->status == 429;
    finish_claim(c, claim->origin, error && !over_cap, throttled && !over_cap, response->retry_after_ms);
    if (throttled) {
        c->r->throttled++;
        if (!over_cap && claim->attempt < MAX_THROTTLE_RETRIES && !c->stopping &&
            frontier_retry(c->frontier, claim) == CP_OK) {
            log_info("%ld for %s: retrying after the origin's back-off", response->status, response->url);
            fetch_result_free(response);
            return;
        }
    }
    if (response->not_requested) {
        crawl_record_unreachable(c, claim->node, response);
        fetch_result_free(response);
        return;
    }
    char blocked[256];
    if (bot_wall_detect(response, blocked, sizeof blocked)) {
        crawl_record_blocked(c, claim->node, claim->origin, response, blocked, over_cap);
        fetch_result_free(response);
        return;
    }
    crawl_record_response(c, claim->node, response);
    if (request->replayed)
        crawl_page_of(c, claim->node)->body_hash = request->replay_hash;
    crawl_classify(c, claim->node, request);
    c->r->pages_fetched++;
    if (response->status >= 300 && response->status < 400 && response->location)
        crawl_record_redirect(c, claim->node, response);
    bool html = content_type_is_html(response->content_type);
    if (response->status >= 200 && response->status < 300 && response->error_class == HTTP_ERROR_NONE &&
        (html || response->x_robots_tag || response->link_header)) {
        if (request->replayed) { /* its stored signals, not a parse */
            crawl_merge_replayed(c, claim->node, request, response);
            return;
        }
        if (crawl_queue_job(c, &(struct job){.node = claim->node, .response = response, .html = html}))
            return;
    }
    if (!request->replayed || request->replay_store)
        crawl_store_page(c, claim->node, response, NULL, 0);
    fetch_result_free(response);
}

static void handle_external(struct crawl *c, struct request *request, struct fetch_result *response)
{
    /* Some servers refuse HEAD: ask once more with GET before recording the answer. */
    if ((response->status == 405 || response->status == 501) && request->hops == 0 && !c->stopping) {
        struct request *retry = malloc(sizeof(*retry));
        if (retry) {
            *retry = *request;
            retry->hops = 1;
            if (crawl_start_fetch(c, response->url, false, false, 0, retry) == CP_OK) {
                fetch_result_free(response);
                return;
            }
            free(retry);
        }
    }
    crawl_record_response(c, request->node, response);
    graph_set_flags(c->graph, request->node, GRAPH_NODE_EXTERNAL_CHECKED);
    fetch_result_free(response);
}

void crawl_handle_response(struct fetch_result *response, void *context)
{
    struct crawl *c = context;
    struct request *request = response->user_data;
    if (log_verbosity() >= 1)
        log_info("%ld %s (%.0f ms)%s%s", response->status, response->url, response->total_ms,
                 response->error[0] ? " " : "", response->error);
    switch (request->kind) {
    case REQUEST_PAGE: handle_page(c, request, response); break;
    case REQUEST_ROBOTS:
        crawl_handle_robots(c, request, response);
        fetch_result_free(response);
        break;
    case REQUEST_EXTERNAL: handle_external(c, request, response); break;
    case REQUEST_SITEMAP:
        crawl_handle_sitemap(c, request, response);
        fetch_result_free(response);
        break;
    case REQUEST_NOT_FOUND:
        crawl_handle_not_found(c, request, response);
        fetch_result_free(response);
        break;
    }
    crawl_free_request(request);
}

static bool may_start_more(const struct crawl *c)
{
    size_t in_flight = c->fetcher ? fetcher_in_flight(c->fetcher) : 0;
    /* Pages waiting for the browser hold their raw outcome: the crawl waits for the render stage. */
    size_t tabs = c->o->render_concurrency > 0 ? (size_t)c->o->render_concurrency : BROWSER_DEFAULT_TABS;
    return in_flight < (size_t)c->concurrency && c->jobs_outstanding < (size_t)c->worker_count * 4 + 8 &&
           c->renders_outstanding < tabs * 4 + 8;
}

static bool page_budget_left(const struct crawl *c)
{
    return c->o->max_pages <= 0 || c->pages_started < c->o->max_pages;
}

/* --sitemap-only: the start URL's claim came, and no sitemap listed it: not a page of this crawl. */
static bool drop_probe(struct crawl *c, const struct frontier_claim *claim)
{
    if (!c->start_is_probe || claim->node != c->r->start_node)
        return false;
    c->start_is_probe = false;
    crawl_page_of(c, claim->node)->flags &= (uint8_t)~CRAWL_PAGE_QUEUED;
    finish_claim(c, claim->origin, false, false, -1);
    return true;
}

/* Claim and start what politeness allows now; returns how long to wait before trying again. */
static long start_requests(struct crawl *c)
{
    long wait = 100;
    while (may_start_more(c) && page_budget_left(c)) {
        struct frontier_claim claim = frontier_claim(c->frontier, crawl_now_ms());
        if (claim.kind == FRONTIER_NONE) {
            if (claim.wait_ms >= 0 && claim.wait_ms < wait)
                wait = claim.wait_ms;
            break;
        }
        if (claim.kind == FRONTIER_ROBOTS) {
            crawl_request_robots(c, claim.origin);
            continue;
        }
        if (drop_probe(c, &claim))
            continue;
        if (crawl_origin_closed(c, claim.node, claim.origin) || !crawl_robots_allows(c, claim.node, claim.origin)) {
            finish_claim(c, claim.origin, false, false, -1);
            continue;
        }
        if (crawl_replay_claim(c, &claim))
            continue;
        struct request *request = calloc(1, sizeof(*request));
        if (!request)
            break;
        request->kind = REQUEST_PAGE;
        request->claim = claim;
        crawl_prepare_conditional(c, claim.node, request);
        c->pages_started++;
        bool own_origin = strcmp(frontier_origin_name(claim.origin), c->start_origin) == 0;
        if (crawl_start_fetch(c, graph_url(c->graph, claim.node, NULL), false, own_origin, 0, request) != CP_OK) {
            free(request);
            finish_claim(c, claim.origin, true, false, -1);
            break;
        }
    }
    crawl_start_pending_sitemaps(c);
    while (c->external_next < c->external_count && may_start_more(c)) {
        struct request *request = calloc(1, sizeof(*request));
        if (!request)
            break;
        request->kind = REQUEST_EXTERNAL;
        request->node = c->externals[c->external_next++];
        request->hops = 0; /* 0: the HEAD; 1: the GET after a refused HEAD */
        if (crawl_start_fetch(c, graph_url(c->graph, request->node, NULL), true, false, 0, request) != CP_OK) {
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
    char outcomes[160], line[320];
    crawl_outcomes_format(&c->r->outcomes, outcomes, sizeof(outcomes));
    snprintf(line, sizeof(line), "%llu done, %zu queued, %.1f pages/s, %.1f s: %s",
             (unsigned long long)c->r->pages_fetched, frontier_queued(c->frontier), rate, seconds, outcomes);
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
        if (out->rendered) {
            c->renders_outstanding--;
            crawl_render_merge(c, out);
            crawl_outcome_free(out);
        } else {
            c->jobs_outstanding--;
            if (!crawl_merge_outcome(c, out))
                crawl_outcome_free(out);
        }
        out = handoff_try_pop(&c->outcomes);
    }
    size_t lost = atomic_exchange(&c->jobs_lost, 0);
    c->jobs_outstanding -= lost < c->jobs_outstanding ? lost : c->jobs_outstanding;
    lost = atomic_exchange(&c->renders_lost, 0);
    c->renders_outstanding -= lost < c->renders_outstanding ? lost : c->renders_outstanding;
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
        double now = crawl_now_ms();
        if (!c->stopping && stop_requested(c, now)) {
            c->stopping = true;
            c->stop_deadline_ms = now + STOP_GRACE_MS;
            c->r->interrupted = c->o->stop_flag && *c->o->stop_flag;
            c->r->truncated_by_limit = !c->r->interrupted;
            if (c->r->truncated_by_limit)
                c->r->stopped_by = "--max-duration";
            atomic_store(&c->render_stop, true);
        }
        drain_outcomes(c, 0);
        if (c->o->store)
            store_tick(c->o->store);
        long wait = c->stopping ? 50 : start_requests(c);
        size_t in_flight = c->fetcher ? fetcher_in_flight(c->fetcher) : 0;
        if (c->stopping && now >= c->stop_deadline_ms)
            in_flight = 0; /* the grace period is over: abandon the transfers (freed at the end) */
        bool more_to_claim = !c->stopping && frontier_queued(c->frontier) > 0 && page_budget_left(c);
        bool externals_left = !c->stopping && (c->external_next < c->external_count || c->pending_sitemap_count > 0);
        if (in_flight == 0 && c->jobs_outstanding == 0 && c->renders_outstanding == 0 && !more_to_claim &&
            !externals_left)
            break;
        show_progress(c, now, false);
        if (c->fetcher && in_flight > 0)
            fetcher_run(c->fetcher, wait, crawl_handle_response, c);
        else if (c->jobs_outstanding > 0 || c->renders_outstanding > 0)
            drain_outcomes(c, wait);
        else if (more_to_claim || externals_left) {
            struct timespec pause = {0, wait * 1000000L};
            nanosleep(&pause, NULL);
        }
    }
    if (frontier_queued(c->frontier) > 0 && !page_budget_left(c)) {
        c->r->truncated_by_limit = true;
        if (!c->r->stopped_by)
            c->r->stopped_by = "--max-pages";
    }
    show_progress(c, crawl_now_ms(), true);
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
        snprintf(error, error_size, "%s: %s", start,
                 parsed != URL_OK ? url_error_string(parsed) : "not an http(s) URL");
        return CP_ERR_INVALID;
    }
    if (url_origin(&c->start, c->start_origin, sizeof(c->start_origin)) < 0) {
        snprintf(error, error_size, "%s: host name too long", start);
        return CP_ERR_INVALID;
    }
    return crawl_add_scope_origin(c, c->start_origin);
}

/* Intern and queue one seed at depth 0 (the start URL, a --list URL). GRAPH_NO_NODE when out of memory. */
static uint32_t seed_url(struct crawl *c, const struct url *url)
{
    char *identity = NULL;
    if (url_identity(url, &c->identity, &identity) != URL_OK)
        return GRAPH_NO_NODE;
    bool is_new = false;
    c->seeding = true;
    uint32_t node = crawl_discover(c, identity, url, 0, true, &is_new);
    c->seeding = false;
    free(identity);
    return node;
}

/* List mode: every listed URL is a seed and its origin is in scope; the first is the start. */
static int seed_list(struct crawl *c)
{
    for (size_t i = 0; i < c->o->list_count; i++) {
        struct url parsed;
        if (url_parse_str(c->o->list_urls[i], NULL, &parsed) != URL_OK)
            continue; /* the caller checked the list: nothing to fetch here */
        char origin[1024];
        int status = url_origin(&parsed, origin, sizeof(origin)) >= 0 ? crawl_add_scope_origin(c, origin) : CP_OK;
        uint32_t node = status == CP_OK ? seed_url(c, &parsed) : GRAPH_NO_NODE;
        url_free(&parsed);
        if (node == GRAPH_NO_NODE)
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

static int seed_start(struct crawl *c)
{
    if (c->o->list_count && seed_list(c) != CP_OK)
        return CP_ERR_NOMEM;
    uint32_t node = seed_url(c, &c->start);
    if (node == GRAPH_NO_NODE)
        return CP_ERR_NOMEM;
    graph_set_flags(c->graph, node, GRAPH_NODE_START);
    c->r->start_node = node;
    if (c->o->sitemap_only) {
        /* Queued so its origin's robots.txt (and through it the sitemaps) is read; dropped when
         * claimed unless a sitemap lists it by then. */
        c->start_is_probe = true;
        graph_clear_flags(c->graph, node, GRAPH_NODE_IN_SCOPE);
    }
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
        if (pthread_create(&c->workers[i], NULL, crawl_worker_main, c) != 0) {
            c->worker_count = i;
            return i > 0 ? CP_OK : CP_ERR_NOMEM;
        }
    return CP_OK;
}

/* A stopping crawl (Ctrl-C, SIGTERM, --max-duration) does not wait for the parses in flight: their
 * outcomes would not be merged anyway, and one hostile page could hold the stop for its whole
 * --max-parse-time. */
static void stop_workers(struct crawl *c)
{
    crawl_render_stop(c);
    if (c->stopping)
        atomic_store(&c->parse_cancel, true);
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
        crawl_outcome_free(out);
}

static void collect_run_facts(struct crawl *c)
{
    struct crawl_result *r = c->r;
    uint32_t nodes = graph_node_count(c->graph);
    for (uint32_t i = 0; i < nodes; i++) {
        struct crawl_page *page = crawl_page_of(c, i);
        if (page->flags &
            (CRAWL_PAGE_FETCHED | CRAWL_PAGE_ROBOTS_BLOCKED | CRAWL_PAGE_ORIGIN_ABANDONED | CRAWL_PAGE_BLOCKED))
            continue;
        if (page->flags & CRAWL_PAGE_UNREACHABLE)
            r->partial.unreachable++;
        else if (page->flags & CRAWL_PAGE_QUEUED) {
            page->flags |= CRAWL_PAGE_NOT_FETCHED_LIMIT;
            r->partial.stopped++;
        } else if (page->flags & CRAWL_PAGE_BEYOND_DEPTH)
            r->partial.beyond_depth++;
    }
    r->partial.sitemaps_unread = c->pending_sitemap_count;
    r->trap_count = frontier_trap_count(c->frontier);
    r->traps = calloc(r->trap_count + 1, sizeof(*r->traps));
    r->trap_refused = calloc(r->trap_count + 1, sizeof(*r->trap_refused));
    r->trap_examples = calloc(r->trap_count + 1, sizeof(*r->trap_examples));
    for (size_t i = 0; r->traps && r->trap_refused && r->trap_examples && i < r->trap_count; i++) {
        const char *example = NULL;
        r->traps[i] = strdup(frontier_trap_at(c->frontier, i, &r->trap_refused[i], &example));
        r->trap_examples[i] = example ? strdup(example) : NULL;
    }
    size_t origins = frontier_origin_count(c->frontier);
    r->breaker_events = calloc(origins + 1, sizeof(*r->breaker_events));
    for (size_t i = 0; r->breaker_events && i < origins; i++) {
        struct frontier_origin *origin = frontier_origin_at(c->frontier, i);
        struct frontier_origin_stats stats = frontier_origin_stats(origin);
        crawl_report_abandoned(c, origin);
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
                      c->page_capacity * sizeof(struct crawl_page) + c->text_bytes + frontier_memory_usage(c->frontier);
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        r->cpu_seconds = (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec +
                         usage.ru_stime.tv_usec / 1e6;
        r->peak_rss_kb = usage.ru_maxrss;
    }
    r->elapsed_ms = crawl_now_ms() - c->started_ms;
}

static struct frontier_options frontier_options_for(const struct crawl *c)
{
    const struct crawl_options *o = c->o;
    bool local = o->root_dir || crawl_start_is_loopback(c);
    struct frontier_options f = {0};
    f.per_host = o->per_host > 0 ? o->per_host : (local ? c->concurrency : 4);
    f.rate = o->rate < 0 ? 0 : (o->rate > 0 ? o->rate : (local ? 0 : 10));
    f.max_per_template = o->max_per_template;
    f.max_origin_failures = o->max_origin_failures;
    f.max_origin_backoff_ms = o->max_origin_backoff_ms;
    return f;
}

void crawl_free_request(struct request *request)
{
    if (request) {
        free(request->url);
        free(request->if_none_match);
        free(request->if_modified_since);
        page_signals_free(request->replay_signals);
        page_signals_free(request->previous_signals);
        fetch_result_free(request->previous_response);
    }
    free(request);
}

static void free_request(void *user_data, void *context)
{
    (void)context;
    crawl_free_request(user_data);
}

/* A merged outcome, freed by the links.csv writer once its rows are written. */
static void free_outcome(void *outcome)
{
    crawl_outcome_free(outcome);
}

int crawl_run(const struct crawl_options *options, struct crawl_result *result, char *error, size_t error_size)
{
    memset(result, 0, sizeof(*result));
    struct crawl c = {0};
    c.o = options;
    c.r = result;
    c.started_ms = crawl_now_ms();
    atomic_init(&c.jobs_lost, 0);
    atomic_init(&c.renders_lost, 0);
    atomic_init(&c.render_stop, false);
    handoff_init(&c.jobs, NULL, NULL);
    handoff_init(&c.render_jobs, NULL, NULL);
    handoff_init(&c.outcomes, crawl_wake_fetch_loop, &c);
    link_rows_start(&c.link_rows, options->links_out, free_outcome, options->links_index_limits);
    configure(&c);
    /* A hostile sitemap or site raises findings by the million: keep them bounded while crawling. */
    int status = finding_cap_set(&result->findings, options->max_findings_per_cause);
    if (status == CP_OK && options->root_dir)
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
        struct fetch_options transport = options->fetch; /* connection caps follow the politeness caps */
        transport.max_connections = c.concurrency;
        transport.max_per_host = frontier.per_host;
        if (!c.graph || !c.frontier || (!c.root && !(c.fetcher = fetcher_new(&transport))))
            status = CP_ERR_NOMEM;
    }
    if (status == CP_OK && options->store && !options->no_previous)
        result->changes.previous_run = c.previous_run = store_previous_run(
            options->store, options->start_url ? options->start_url : options->site_url);
    if (status == CP_OK)
        status = seed_start(&c);
    if (status == CP_OK)
        status = crawl_render_start(&c, error, error_size);
    if (status == CP_OK)
        status = start_workers(&c);
    if (status == CP_OK && options->store)
        store_pages_start(options->store); /* a store failure is sticky, reported at the end */
    if (status == CP_OK) {
        crawl_loop(&c);
        stop_workers(&c);
        result->links_incomplete = link_rows_stop(&c.link_rows) > 0; /* links.csv is complete */
        result->links_index = c.link_rows.index;
        memset(&c.link_rows.index, 0, sizeof c.link_rows.index);
        if (options->store)
            store_pages_stop(options->store); /* every page row committed (a failure is reported at the end) */
        collect_run_facts(&c);
        if (c.previous_run)
            result->changes.gone = crawl_count_gone(&c);
        crawl_blocked_findings(&c);
        crawl_judge_start(&c);
        if (c.previous_run)
            crawl_lastmod_history(&c); /* the last node is in: its array covers every node */
        if (graph_freeze(c.graph) != CP_OK)
            status = CP_ERR_NOMEM;
        else if (result->interrupted)
            status = CP_ERR_INTERRUPTED;
    }
    if (c.fetcher)
        fetcher_cancel_all(c.fetcher, free_request, NULL);
    fetcher_free(c.fetcher);
    crawl_sitemaps_free(&c);
    crawl_blocked_free(&c);
    local_root_free(c.root);
    frontier_free(c.frontier);
    crawl_render_stop(&c); /* when the workers never started */
    link_rows_stop(&c.link_rows);
    link_index_free(&c.link_rows.index); /* when the crawl did not get as far */
    handoff_free(&c.jobs);
    handoff_free(&c.render_jobs);
    handoff_free(&c.outcomes);
    for (size_t i = 0; i < c.scope_origin_count; i++)
        free(c.scope_origins[i]);
    free(c.scope_origins);
    free(c.externals);
    url_free(&c.start);
    return status;
}

size_t crawl_result_pages(const struct crawl_result *r)
{
    size_t pages = 0;
    uint32_t nodes = r->graph ? graph_node_count(r->graph) : 0;
    for (uint32_t id = 0; id < nodes; id++) {
        uint16_t flags = graph_node(r->graph, id)->flags;
        pages += (flags & GRAPH_NODE_IN_SCOPE) && (flags & GRAPH_NODE_FETCHED);
    }
    return pages;
}

bool crawl_result_partial(const struct crawl_result *r, char *reason, size_t size)
{
    const struct crawl_partial *p = &r->partial;
    size_t unfetched = p->stopped + p->beyond_depth + p->unreachable;
    bool partial = unfetched > 0 || p->sitemaps_unread > 0 || r->interrupted || r->truncated_by_limit;
    if (!reason || !size)
        return partial;
    reason[0] = 0;
    if (!partial)
        return false;
    struct buf text = BUF_INIT;
    if (r->interrupted)
        buf_append_str(&text, "interrupted: ");
    else if (r->truncated_by_limit)
        buf_printf(&text, "stopped by %s: ", r->stopped_by ? r->stopped_by : "a limit");
    else if (p->beyond_depth)
        buf_append_str(&text, "limited by --max-depth: ");
    buf_printf(&text, "%zu in-scope URL%s found but not fetched", unfetched, unfetched == 1 ? "" : "s");
    const char *sep = " (";
    if (p->stopped)
        buf_printf(&text, "%s%zu still queued", sep, p->stopped), sep = ", ";
    if (p->beyond_depth)
        buf_printf(&text, "%s%zu beyond --max-depth", sep, p->beyond_depth), sep = ", ";
    if (p->unreachable)
        buf_printf(&text, "%s%zu with no connection", sep, p->unreachable), sep = ", ";
    if (strcmp(sep, ", ") == 0)
        buf_append_char(&text, ')');
    if (p->sitemaps_unread)
        buf_printf(&text, "; %zu sitemap%s not read", p->sitemaps_unread, p->sitemaps_unread == 1 ? "" : "s");
    snprintf(reason, size, "%s", buf_str(&text));
    buf_free(&text);
    return true;
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
    free(r->previous_lastmod);
    link_index_free(&r->links_index);
    for (size_t i = 0; i < r->sitemap_count; i++) {
        free(r->sitemaps[i].url);
        free(r->sitemaps[i].error);
    }
    free(r->sitemaps);
    for (size_t i = 0; i < r->robots_count; i++) {
        free(r->robots[i].origin);
        free(r->robots[i].robots_url);
        free(r->robots[i].action);
        free(r->robots[i].reason);
        free(r->robots[i].transport_error);
        free(r->robots[i].not_found_url);
        robots_free(r->robots[i].robots);
    }
    free(r->robots);
    findings_free(&r->findings);
    for (size_t i = 0; r->traps && i < r->trap_count; i++)
        free(r->traps[i]);
    for (size_t i = 0; r->trap_examples && i < r->trap_count; i++)
        free(r->trap_examples[i]);
    free(r->traps);
    free(r->trap_examples);
    free(r->trap_refused);
    for (size_t i = 0; i < r->breaker_count; i++)
        free(r->breaker_events[i]);
    free(r->breaker_events);
    free(r->start_problem);
    memset(r, 0, sizeof(*r));
}
