/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_internal: what the crawl's own files share — the crawl state, the work items that
 * travel between the fetch loop and the extraction workers, and the functions each file offers
 * the others. Not a public API: include crawler/crawl.h instead.
 *
 * Ownership: struct crawl belongs to the fetch loop thread. Workers read only its immutable parts
 * (identity options, robots token) and the queues; everything else is the loop's. */
#ifndef CRAWLPACK_CRAWLER_CRAWL_INTERNAL_H
#define CRAWLPACK_CRAWLER_CRAWL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "crawler/crawl.h"
#include "web/extract.h"
#include "crawler/frontier.h"
#include "crawler/handoff.h"
#include "crawler/link_rows.h"
#include "web/local_root.h"
#include "web/url.h"
#include "sitemap/sitemap.h"

/* What a transfer in flight is for. */
struct request {
    enum { REQUEST_PAGE, REQUEST_ROBOTS, REQUEST_EXTERNAL, REQUEST_SITEMAP, REQUEST_NOT_FOUND } kind;
    struct frontier_claim claim;    /* REQUEST_PAGE */
    struct frontier_origin *origin; /* REQUEST_ROBOTS */
    size_t robots_index;            /* REQUEST_ROBOTS, REQUEST_NOT_FOUND: the origin's robots outcome */
    int hops;
    uint32_t node;      /* REQUEST_EXTERNAL */
    char *url;          /* REQUEST_SITEMAP: the sitemap's URL as listed (owned) */
    int sitemap_origin; /* REQUEST_SITEMAP: enum sitemap_origin */
    /* REQUEST_PAGE answered from the store (crawl_replay.c): no request was made */
    bool replayed;
    bool replay_store;                   /* the page is written to this run's store (it came from another run) */
    uint64_t replay_hash;                /* the stored body hash */
    struct page_signals *replay_signals; /* the stored signals (owned), or NULL */
    int64_t replay_signals_run;          /* the run whose store row holds them, or 0 */
    /* REQUEST_PAGE asked conditionally: the previous run's validators (owned) and body hash */
    bool has_previous;
    char *if_none_match, *if_modified_since;
    uint64_t previous_hash;
    /* With validators: the previous run's page as a response and its decoded signals (owned, read
     * in the same store lookup), which a 304 or an unchanged body reuses; NULL when it cannot be. */
    struct fetch_result *previous_response;
    struct page_signals *previous_signals;
    int64_t previous_signals_run; /* the run whose store row holds previous_signals */
};

/* A reference found on a page, resolved and identified by a worker; a replayed page's is only its
 * stored URL (href), which the merge looks up as a known node's URL before it parses it. */
struct found_link {
    struct url url;
    char *identity;     /* NULL while not identified */
    const char *href;   /* a replayed page's stored URL, into the outcome's signals; else NULL */
    const char *anchor; /* into the outcome's signals */
    const char *rel;    /* "next"/"prev" for link rel=next|prev, else NULL */
    uint8_t meta;       /* graph edge kind and rel flags */
    bool followable;    /* may lead to a fetch (not inert: not inside <template>) */
};

struct browser;
struct browser_page;

/* A worker's result for one response, or the render stage's for one page (rendered). */
struct outcome {
    uint32_t node;
    bool rendered;               /* the render stage's: signals are the rendered DOM's (NULL when it failed) */
    struct outcome *raw;         /* rendered: the raw outcome it was rendered from (owned) */
    struct browser_page *render; /* rendered: what the browser reported (owned) */
    char *x_robots_tag;          /* --render: the response's headers, which bind the rendered DOM too */
    char *link_header;
    struct page_signals *signals;
    struct found_link *links;
    size_t link_count;
    char *link_text;               /* every link's href and identity, back to back (crawl_found_links), else NULL */
    uint32_t links_unparsed;       /* resolved URLs that did not parse or identify again (out of memory) */
    int status;                    /* extract_page's status */
    struct fetch_result *response; /* with a store: the response without its body, stored with the
                                      signals when the outcome is merged; else NULL */
    int64_t signals_run;           /* a replayed page's: the store's run that holds its signals (0: none) */
};

/* A worker's task: a fetched response to extract. */
struct job {
    uint32_t node;
    struct fetch_result *response;
    bool html;
};

struct pending_sitemap {
    char *url;
    int origin; /* enum sitemap_origin */
};

/* An origin that answered with a rate limit or bot wall (one crawl-blocked finding each). */
struct blocked_origin {
    struct frontier_origin *origin;
    char *first_url; /* the first blocked URL in URL order */
    char *reason;    /* why first_url was blocked */
    size_t count;
    bool closed; /* asked to wait past the cap: its other URLs are not requested */
};

/* Queue priority of a URL known only from a sitemap: after every page reached by links. */
#define CRAWL_SITEMAP_PRIORITY 0x7FFFFFFFu

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
    struct link_rows link_rows; /* links.csv's writer thread (link_rows.h) */
    pthread_t *workers;
    int worker_count;
    size_t jobs_outstanding;
    atomic_size_t jobs_lost;  /* jobs a worker could not hand back (out of memory) */
    atomic_bool parse_cancel; /* set when a stopping crawl joins its workers: parses in flight end */
    /* --render (crawl_render.c): raw outcomes to render go to the render thread, which owns the
     * browser; rendered outcomes come back through the outcomes queue. */
    struct handoff render_jobs;
    pthread_t render_thread;
    bool render_thread_started;
    struct browser *browser; /* made by crawl_render_start, owned by the render thread */
    size_t renders_outstanding;
    long renders_started;
    atomic_bool render_stop;    /* the crawl is stopping: render nothing more */
    atomic_size_t renders_lost; /* pages the render thread could not hand back (out of memory) */
    struct url start;
    char start_origin[1024];
    char **scope_origins;
    size_t scope_origin_count;
    char robots_token[64];
    struct url_identity_options identity;
    uint32_t *externals;
    size_t external_count, external_next; /* externals grow by array_grow */
    int concurrency;
    long pages_started;
    double started_ms;
    bool stopping;
    double stop_deadline_ms;
    double last_progress_ms;
    int max_redirects;
    /* exact modes (list, sitemap-only): only URLs discovered while seeding are in scope and queued */
    bool seeding;
    bool start_is_probe; /* sitemap-only: the start URL is queued only to get robots.txt read */
    /* sitemaps */
    bool sitemaps_started;
    bool sitemap_checker_ready;
    struct sitemap_checker sitemap_checker;
    struct sitemap_robots_declaration sitemap_robots;
    struct pending_sitemap *pending_sitemaps; /* to fetch: discovery's plan, then index children */
    size_t pending_sitemap_count, pending_sitemap_capacity;
    int64_t previous_run; /* the store's run this one is compared with (0: none) */
    /* rate limits and bot walls, per origin (crawl_blocked.c) */
    struct blocked_origin *blocked_origins;
    size_t blocked_origin_count;
};

double crawl_now_ms(void);

/* Page records and scope (crawl_pages.c; fetch loop thread only). */
struct crawl_page *crawl_page_of(struct crawl *c, uint32_t node);
int crawl_page_set_text(struct crawl *c, struct crawl_page *page, enum crawl_page_field field, const char *value);
bool crawl_host_is_loopback(const struct url *u);
bool crawl_start_is_loopback(const struct crawl *c);
int crawl_add_scope_origin(struct crawl *c, const char *origin);
bool crawl_in_scope(const struct crawl *c, const struct url *u);
/* List mode or --sitemap-only: the crawl follows nothing it finds. */
bool crawl_is_exact(const struct crawl *c);
uint32_t crawl_discover(struct crawl *c, const char *identity, const struct url *url, uint32_t depth, bool followable,
                        bool *is_new);
/* What crawl_discover does for a node already known: a shorter depth for a queued page; in exact
 * modes' seeding, the seed comes into scope (url may be NULL but then). */
uint32_t crawl_discover_known(struct crawl *c, uint32_t node, const struct url *url, uint32_t depth, bool followable);
void crawl_record_response(struct crawl *c, uint32_t node, const struct fetch_result *response);
void crawl_record_redirect(struct crawl *c, uint32_t node, const struct fetch_result *response);
/* A page whose request never left (no connection): not fetched, so never judged by an answer it
 * did not give; the crawl is partial. */
void crawl_record_unreachable(struct crawl *c, uint32_t node, const struct fetch_result *response);
/* With a store (options->store): the page's row, with its signals when it was parsed, or with
 * signals_run (non-zero) a reference to the earlier run's row that holds them (a replayed page). */
void crawl_store_page(struct crawl *c, uint32_t node, const struct fetch_result *response,
                      const struct page_signals *signals, int64_t signals_run);
/* Merge a worker's outcome; true when the outcome was kept (handed to the render stage, or to the
 * links.csv writer, which frees it once its rows are written). */
bool crawl_merge_outcome(struct crawl *c, struct outcome *out);
void crawl_record_signals(struct crawl *c, uint32_t node, const struct page_signals *signals);
/* links.csv's rows of one source page (crawler/link_rows.h): a batch (NULL without links.csv), its
 * rows (rendered: 1 when only the rendered DOM has the link), then link_rows_hand(&c->link_rows, ...). */
struct link_batch *crawl_link_batch(struct crawl *c, uint32_t source);
void crawl_link_row(struct crawl *c, struct link_batch *batch, uint32_t source, uint32_t target, uint8_t meta,
                    const char *rel_extra, const char *anchor, int rendered);

/* Blocked answers and the start page's outcome (crawl_blocked.c; fetch loop thread only). */
void crawl_record_blocked(struct crawl *c, uint32_t node, struct frontier_origin *origin,
                          const struct fetch_result *response, const char *reason, bool close_origin);
/* Whether origin was closed by a Retry-After past the cap; if so node is recorded blocked. */
bool crawl_origin_closed(struct crawl *c, uint32_t node, struct frontier_origin *origin);
/* One crawl-blocked finding per origin; the start page's outcome (result->start_*). */
void crawl_blocked_findings(struct crawl *c);
void crawl_judge_start(struct crawl *c);
void crawl_blocked_free(struct crawl *c);

/* Extraction workers (crawl_worker.c). crawl_queue_job hands a copy of job to them (fetch loop only);
 * false when it could not (out of memory): the caller still owns what job points to. */
void *crawl_worker_main(void *arg);
bool crawl_queue_job(struct crawl *c, const struct job *job);
/* out->signals' references identified into out->links; parsed: extraction's parses of them
 * (taken over slot by slot), or NULL for a replayed page, whose links keep their stored URL (href)
 * for the merge. */
int crawl_found_links(const struct crawl *c, struct outcome *out, struct page_parsed_urls *parsed);
/* A replayed link's stored URL parsed and identified, as a worker does; false when it does not
 * parse (out of memory). */
bool crawl_identify_link(const struct crawl *c, struct found_link *link);
/* Every link of out identified (the render stage compares them by identity); one that does not
 * parse is dropped and counted in out->links_unparsed. */
void crawl_identify_links(const struct crawl *c, struct outcome *out);
/* The --max-url-length cap as extraction and every parse of a found URL apply it (0: the default). */
size_t crawl_max_url_length(const struct crawl_options *o);
/* Extract one body (a response's or a rendered DOM) with the response's headers, and identify
 * every reference: the outcome for node (NULL when out of memory). Any thread. */
struct outcome *crawl_extract(const struct crawl *c, uint32_t node, const char *url, const char *x_robots_tag,
                              const char *link_header, const char *body, size_t body_length);

/* The render stage (crawl_render.c). start: make the browser (CP_ERR_IO with a message when it
 * cannot run) and the render thread; wanted/submit on the fetch loop: whether a merged raw page
 * is rendered, and hand it over (then its on_page waits for the rendered outcome); merge: a
 * rendered outcome on the fetch loop; stop: close the queue, join the thread, free the browser. */
int crawl_render_start(struct crawl *c, char *error, size_t error_size);
bool crawl_render_wanted(struct crawl *c, const struct outcome *out);
int crawl_render_submit(struct crawl *c, struct outcome *out);
void crawl_render_merge(struct crawl *c, struct outcome *out);
void crawl_render_stop(struct crawl *c);
void crawl_outcome_free(struct outcome *out);
void crawl_wake_fetch_loop(void *context);

/* robots.txt per origin (crawl_robots.c; fetch loop thread only). */
void crawl_request_robots(struct crawl *c, struct frontier_origin *origin);
void crawl_handle_robots(struct crawl *c, struct request *request, struct fetch_result *response);
/* soft-404's reference: one request per origin for a random path that does not exist, once its
 * robots.txt is known, and what it answered (crawl_robots_outcome.not_found_*). */
void crawl_handle_not_found(struct crawl *c, struct request *request, struct fetch_result *response);
bool crawl_robots_allows(struct crawl *c, uint32_t node, struct frontier_origin *origin);

/* Sitemaps (crawl_sitemaps.c; fetch loop thread only): discovery once the start origin's
 * robots.txt is known, each sitemap fetched through the crawl's own transport, entries seeded. */
void crawl_start_sitemaps(struct crawl *c, const struct robots *robots);
void crawl_handle_sitemap(struct crawl *c, struct request *request, struct fetch_result *response);
void crawl_start_pending_sitemaps(struct crawl *c);
void crawl_sitemaps_free(struct crawl *c);

/* Stored pages (crawl_replay.c; fetch loop thread only): a claimed URL the store already holds for
 * options->replay_run is answered from it, through crawl_handle_response as a fetched page would be,
 * its stored signals merged instead of parsed. crawl_replay_claim returns whether it did. */
bool crawl_replay_claim(struct crawl *c, const struct frontier_claim *claim);
/* An incremental re-audit (c->previous_run): the previous run's validators for the request, the
 * 304 answer replaced by the stored response and signals, and after a 200 the page classified
 * (new, changed, unchanged); an unchanged body takes the stored signals instead of a parse. */
void crawl_prepare_conditional(struct crawl *c, uint32_t node, struct request *request);
struct fetch_result *crawl_not_modified(struct crawl *c, struct request *request, struct fetch_result *response);
void crawl_classify(struct crawl *c, uint32_t node, struct request *request);
/* At the end of an incremental re-audit: the previous run's 2xx pages that did not answer 2xx or
 * 3xx this time (CRAWL_PAGE_WAS_OK, set by the previous-run lookups, against the store's count). */
uint64_t crawl_count_gone(struct crawl *c);
/* At the end of an incremental re-audit: result->previous_lastmod from the previous run's sitemap
 * entries, and CRAWL_PAGE_SAME_TEXT on the changed pages those rules judge whose main text did not
 * change (a new nonce or date in the template is not a content change). */
void crawl_lastmod_history(struct crawl *c);
/* A replayed page (request->replay_signals) merged as a parsed one: its links resolved and the
 * outcome merged on the fetch loop, without a worker. Takes response. */
void crawl_merge_replayed(struct crawl *c, uint32_t node, struct request *request, struct fetch_result *response);
void crawl_handle_response(struct fetch_result *response, void *context);

/* Start a transfer, or answer it from the build folder at once (crawl.c). max_body 0: the default. */
int crawl_start_fetch(struct crawl *c, const char *url, bool head, bool credentials, size_t max_body,
                      struct request *request);
void crawl_free_request(struct request *request);

#endif
