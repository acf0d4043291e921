/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/crawl_worker: the extraction workers — one response in, the page signals and every
 * reference resolved to its crawl identity out (see crawl_internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "crawler/crawl_internal.h"
#include "crawler/crawl_output.h"
#include "web/browser.h"
#include "web/robots.h"
#include "linkgraph/graph.h"

/* ---- extraction workers ---- */

static uint8_t edge_kind_of_link(uint8_t kind)
{
    switch (kind) {
    case EXTRACT_LINK_REFRESH: return GRAPH_EDGE_REFRESH;
    case EXTRACT_LINK_IFRAME: return GRAPH_EDGE_IFRAME;
    case EXTRACT_LINK_HEADER_NEXT:
    case EXTRACT_LINK_HEADER_PREV: return GRAPH_EDGE_LINK | GRAPH_EDGE_FROM_HEADER; /* a Link header's */
    default: return GRAPH_EDGE_LINK;
    }
}

static const char *rel_of_link(uint8_t kind)
{
    switch (kind) {
    case EXTRACT_LINK_NEXT:
    case EXTRACT_LINK_HEADER_NEXT: return "next";
    case EXTRACT_LINK_PREV:
    case EXTRACT_LINK_HEADER_PREV: return "prev";
    default: return NULL;
    }
}

/* url identified into link: parsed is extraction's parse of url (web/extract.h: the struct url
 * whose href url is), taken over; without one url is parsed here, with the length cap extraction
 * used (crawl_max_url_length). Either way the identity comes from the same struct url. False when
 * it does not parse or identify (out of memory), link's URL freed. */
static bool identify(const struct crawl *c, struct found_link *link, const char *url, struct url *parsed)
{
    if (parsed && parsed->href) {
        link->url = *parsed;
        memset(parsed, 0, sizeof(*parsed));
    } else {
        struct url_parse_options options = {.max_length = crawl_max_url_length(c->o)};
        if (url_parse(url, strlen(url), NULL, &options, &link->url) != URL_OK)
            return false;
    }
    if (url_identity(&link->url, &c->identity, &link->identity) != URL_OK) {
        url_free(&link->url);
        return false;
    }
    return true;
}

bool crawl_identify_link(const struct crawl *c, struct found_link *link)
{
    return identify(c, link, link->href, NULL);
}

/* One resolved URL into the next slot of out->links, identified (parsed as identify takes it). A
 * page replayed from the store keeps only the string, which the merge looks up first
 * (crawl_merge_outcome): most of its links name a page the crawl knows already, found by its URL
 * without a parse. Only a lack of memory fails here, and is counted. */
static void add_found(const struct crawl *c, struct outcome *out, const char *url, struct url *parsed, bool replayed,
                      const char *anchor, const char *rel, uint8_t meta, bool followable)
{
    struct found_link *link = &out->links[out->link_count];
    memset(link, 0, sizeof(*link));
    if (replayed) {
        link->href = url;
    } else if (!identify(c, link, url, parsed)) {
        out->links_unparsed++;
        return;
    }
    link->anchor = anchor;
    link->rel = rel;
    link->meta = meta;
    link->followable = followable;
    out->link_count++;
}

/* Page-level nofollow (meta robots, meta googlebot, X-Robots-Tag) as the audited search engine reads
 * it: the audit is about what engines follow, so our own product token's view does not decide. The
 * crawl still fetches the targets, as it does for rel=nofollow links, to see where they lead. */
static bool page_says_nofollow(const struct page_signals *s)
{
    const struct robots_directives *engine = page_signals_binding_directives(s);
    return engine && robots_directives_has(engine, ROBOTS_NOFOLLOW);
}

struct outcome *crawl_extract(const struct crawl *c, uint32_t node, const char *url, const char *x_robots_tag,
                              const char *link_header, const char *body, size_t body_length)
{
    struct outcome *out = calloc(1, sizeof(*out));
    if (!out)
        return NULL;
    out->node = node;
    struct extract_header headers[2];
    size_t header_count = 0;
    if (x_robots_tag)
        headers[header_count++] = (struct extract_header){"X-Robots-Tag", x_robots_tag};
    if (link_header)
        headers[header_count++] = (struct extract_header){"Link", link_header};
    struct extract_input input = {
        .url = url,
        .headers = headers,
        .header_count = header_count,
        .body = body,
        .body_length = body_length,
        .product_token = c->robots_token,
        .limits = {.max_links = c->o->max_links_per_page,
                   .max_url_length = crawl_max_url_length(c->o),
                   .max_parse_ms = c->o->max_parse_ms},
        .cancel = &c->parse_cancel,
    };
    /* The parses live only for this call: found links take theirs over, the rest are freed here,
     * on the thread that extracted (web/extract.h). */
    struct page_parsed_urls *parsed = NULL;
    out->status = extract_page_parsed(&input, &out->signals, &parsed);
    if (out->status == CP_OK)
        out->status = crawl_found_links(c, out, parsed);
    page_parsed_urls_free(parsed);
    return out;
}

/* The links' strings moved into one block (out->link_text). An outcome is freed on another thread
 * than the one that made it (the link writer's): two frees a link there, each crossing to the
 * allocating thread's arena, were a third of that thread's time; freed here they are cheap. Out of
 * memory, the strings stay as they are. */
static void pack_link_text(struct outcome *out)
{
    size_t total = 0;
    for (size_t i = 0; i < out->link_count; i++) {
        if (!out->links[i].identity)
            return; /* a replayed page's: its strings are the signals' */
        total += out->links[i].url.href_length + strlen(out->links[i].identity) + 2;
    }
    char *text = total ? malloc(total) : NULL;
    if (!text)
        return;
    char *at = text;
    for (size_t i = 0; i < out->link_count; i++) {
        struct found_link *l = &out->links[i];
        size_t identity_size = strlen(l->identity) + 1;
        memcpy(at, l->url.href, l->url.href_length + 1);
        free(l->url.href);
        l->url.href = at;
        at += l->url.href_length + 1;
        memcpy(at, l->identity, identity_size);
        free(l->identity);
        l->identity = at;
        at += identity_size;
    }
    out->link_text = text;
}

void crawl_identify_links(const struct crawl *c, struct outcome *out)
{
    size_t kept = 0;
    for (size_t i = 0; i < out->link_count; i++) {
        struct found_link *l = &out->links[i];
        if (!l->identity && !(l->href && crawl_identify_link(c, l))) {
            out->links_unparsed += l->href != NULL;
            continue;
        }
        out->links[kept++] = *l;
    }
    out->link_count = kept;
}

/* Slot i of a parsed array, NULL when there is none. */
static struct url *parsed_slot(struct url *array, uint32_t count, uint32_t i)
{
    return array && i < count ? &array[i] : NULL;
}

/* Every reference of out->signals resolved to its crawl identity, into out->links: what a worker
 * does after extract_page_parsed (parsed: its parses), and what a replayed page's stored signals go
 * through on the fetch loop (parsed NULL). */
int crawl_found_links(const struct crawl *c, struct outcome *out, struct page_parsed_urls *parsed)
{
    struct page_parsed_urls none = {0};
    bool replayed = parsed == NULL;
    if (!parsed)
        parsed = &none;
    const struct page_signals *s = out->signals;
    size_t capacity = (size_t)s->link_count + s->canonical_count + s->hreflang_count;
    out->links = capacity ? calloc(capacity, sizeof(*out->links)) : NULL;
    if (capacity && !out->links)
        return CP_ERR_NOMEM;
    bool page_nofollow = page_says_nofollow(s);
    for (uint32_t i = 0; i < s->link_count; i++) {
        const struct page_link *l = &s->links[i];
        if (!l->url)
            continue;
        uint8_t meta = edge_kind_of_link(l->kind);
        if ((l->flags & EXTRACT_LINK_NOFOLLOW) || (page_nofollow && graph_edge_kind(meta) == GRAPH_EDGE_LINK))
            meta |= GRAPH_REL_NOFOLLOW;
        if (l->flags & EXTRACT_LINK_UGC)
            meta |= GRAPH_REL_UGC;
        if (l->flags & EXTRACT_LINK_SPONSORED)
            meta |= GRAPH_REL_SPONSORED;
        add_found(c, out, l->url, parsed_slot(parsed->links, parsed->link_count, i), replayed, l->text,
                  rel_of_link(l->kind), meta, true);
    }
    for (uint32_t i = 0; i < s->canonical_count; i++) {
        const struct page_canonical *k = &s->canonicals[i];
        if (!k->url || k->place == EXTRACT_IN_BODY)
            continue;
        uint8_t meta = GRAPH_EDGE_CANONICAL | (k->place == EXTRACT_IN_HEADER ? GRAPH_EDGE_FROM_HEADER : 0);
        add_found(c, out, k->url, parsed_slot(parsed->canonicals, parsed->canonical_count, i), replayed, "", NULL, meta,
                  true);
    }
    for (uint32_t i = 0; i < s->hreflang_count; i++) {
        const struct page_hreflang *h = &s->hreflangs[i];
        if (!h->url)
            continue;
        uint8_t meta = GRAPH_EDGE_HREFLANG | (h->place == EXTRACT_IN_HEADER ? GRAPH_EDGE_FROM_HEADER : 0);
        add_found(c, out, h->url, parsed_slot(parsed->hreflangs, parsed->hreflang_count, i), replayed, h->code, NULL,
                  meta, true);
    }
    pack_link_text(out);
    return CP_OK;
}

static struct outcome *extract_job(const struct crawl *c, struct job *job)
{
    struct fetch_result *response = job->response;
    struct outcome *out = crawl_extract(c, job->node, response->url, response->x_robots_tag, response->link_header,
                                        job->html ? response->body : "", job->html ? response->body_length : 0);
    if (out && c->o->render && job->html) {
        /* kept for the rendered DOM's extraction: the headers bind it as they bind the body */
        out->x_robots_tag = response->x_robots_tag ? strdup(response->x_robots_tag) : NULL;
        out->link_header = response->link_header ? strdup(response->link_header) : NULL;
    }
    return out;
}

void crawl_outcome_free(struct outcome *out)
{
    if (!out)
        return;
    crawl_outcome_free(out->raw);
    browser_page_free(out->render);
    free(out->x_robots_tag);
    free(out->link_header);
    for (size_t i = 0; !out->link_text && i < out->link_count; i++) {
        url_free(&out->links[i].url);
        free(out->links[i].identity);
    }
    free(out->link_text);
    free(out->links);
    page_signals_free(out->signals);
    fetch_result_free(out->response);
    free(out);
}

bool crawl_queue_job(struct crawl *c, const struct job *job)
{
    struct job *queued = malloc(sizeof *queued);
    if (!queued)
        return false;
    *queued = *job;
    if (handoff_push(&c->jobs, queued) != CP_OK) {
        free(queued);
        return false;
    }
    c->jobs_outstanding++;
    return true;
}

void *crawl_worker_main(void *arg)
{
    struct crawl *c = arg;
    struct job *job;
    while ((job = handoff_pop(&c->jobs))) {
        struct outcome *out = extract_job(c, job);
        uint32_t node = job->node;
        if (out && c->o->store && job->response) { /* the store keeps the headers, never the body */
            free(job->response->body);
            job->response->body = NULL;
            out->response = job->response;
        } else {
            fetch_result_free(job->response); /* bodies live only until extraction */
        }
        free(job);
        if (out && handoff_push(&c->outcomes, out) == CP_OK)
            continue;
        crawl_outcome_free(out);
        log_error("out of memory extracting a page (node %u); its links are lost", node);
        atomic_fetch_add(&c->jobs_lost, 1);
        if (c->fetcher)
            fetcher_wakeup(c->fetcher);
    }
    return NULL;
}

void crawl_wake_fetch_loop(void *context)
{
    struct crawl *c = context;
    if (c->fetcher)
        fetcher_wakeup(c->fetcher);
}
