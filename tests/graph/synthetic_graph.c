/* SPDX-License-Identifier: Apache-2.0 */
/* tests/graph/synthetic_graph: the deterministic site-shaped graph generator (see the header). */
#include "synthetic_graph.h"

#include <math.h>
#include <stdio.h>

#include "common/error.h"

#define NAVIGATION_PAGES 40u
#define TREE_FANOUT 8u

/* The kinds of site page, drawn per page from its hash (per mille). */
enum page_kind {
    PAGE_HTML,
    PAGE_NOT_FOUND,
    PAGE_SERVER_ERROR,
    PAGE_REDIRECT,
    PAGE_PDF,
    PAGE_BLOCKED,
    PAGE_NOT_CRAWLED,
};

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

struct random {
    uint64_t state;
};

static uint64_t next_random(struct random *r)
{
    r->state += 0x9e3779b97f4a7c15ull;
    return mix(r->state);
}

/* Uniform in [0, 1). */
static double next_unit(struct random *r)
{
    return (double)(next_random(r) >> 11) * (1.0 / 9007199254740992.0);
}

static enum page_kind kind_of(const struct synthetic_graph *plan, uint32_t id)
{
    if (id == 0)
        return PAGE_HTML;
    uint64_t draw = mix(plan->seed ^ ((uint64_t)id << 1)) % 1000;
    if (draw < 10)
        return PAGE_NOT_FOUND;
    if (draw < 13)
        return PAGE_SERVER_ERROR;
    if (draw < 23)
        return PAGE_REDIRECT;
    if (draw < 28)
        return PAGE_PDF;
    if (draw < 33)
        return PAGE_BLOCKED;
    if (draw < 35)
        return PAGE_NOT_CRAWLED;
    return PAGE_HTML;
}

struct synthetic_graph synthetic_graph_plan(uint32_t nodes, uint64_t edges, uint64_t seed)
{
    uint32_t external = nodes / 25;
    return (struct synthetic_graph){.nodes = nodes, .internal = nodes - external, .edges = edges, .seed = seed};
}

int synthetic_graph_add_nodes(struct graph *graph, const struct synthetic_graph *plan)
{
    char url[96];
    for (uint32_t id = 0; id < plan->nodes; id++) {
        int length = id >= plan->internal ? snprintf(url, sizeof url, "https://ext%u.example/out/%u", id % 13, id)
                     : id == 0            ? snprintf(url, sizeof url, "https://bench.example/")
                               : snprintf(url, sizeof url, "https://bench.example/s%u/page-%u.html", id % 97, id);
        bool is_new = false;
        if (graph_intern(graph, url, (size_t)length, &is_new) != id || !is_new)
            return CP_ERR_NOMEM;
        if (id >= plan->internal)
            continue;
        uint16_t flags = GRAPH_NODE_IN_SCOPE | (id == 0 ? GRAPH_NODE_START : 0);
        uint16_t status = 200;
        uint64_t draw = mix(plan->seed ^ ((uint64_t)id << 1) ^ 1) % 1000;
        switch (kind_of(plan, id)) {
        case PAGE_HTML:
            flags |= GRAPH_NODE_FETCHED | GRAPH_NODE_HTML;
            if (draw < 10)
                flags |= GRAPH_NODE_NOINDEX_META;
            else if (draw < 13)
                flags |= GRAPH_NODE_NOINDEX_HEADER;
            if (draw >= 20 && draw < 40)
                graph_set_canonical(graph, id, (uint32_t)(draw * 7919u + id / 3) % plan->internal);
            else if (draw >= 100)
                graph_set_canonical(graph, id, id);
            break;
        case PAGE_NOT_FOUND:
            flags |= GRAPH_NODE_FETCHED | GRAPH_NODE_HTML;
            status = 404;
            break;
        case PAGE_SERVER_ERROR:
            flags |= GRAPH_NODE_FETCHED;
            status = 500;
            break;
        case PAGE_REDIRECT:
            flags |= GRAPH_NODE_FETCHED;
            status = draw < 500 ? 301 : 302;
            break;
        case PAGE_PDF: flags |= GRAPH_NODE_FETCHED; break;
        case PAGE_BLOCKED:
            flags |= GRAPH_NODE_ROBOTS_BLOCKED;
            status = 0;
            break;
        case PAGE_NOT_CRAWLED: status = 0; break;
        }
        graph_set_status(graph, id, status);
        graph_set_flags(graph, id, flags);
    }
    return CP_OK;
}

/* A random link target: mostly a power law over the site (low ids are the popular pages), some
 * external pages. */
static uint32_t random_target(const struct synthetic_graph *plan, struct random *r, uint32_t source)
{
    uint64_t draw = next_random(r);
    uint32_t external = plan->nodes - plan->internal;
    if (external > 0 && draw % 100 < 3)
        return plan->internal + (uint32_t)((draw >> 8) % external);
    double u = next_unit(r);
    uint32_t target = (uint32_t)(plan->internal * u * u * u);
    return target == source ? (target + 1) % plan->internal : target;
}

static uint8_t random_link_meta(struct random *r)
{
    uint64_t draw = next_random(r) % 1000;
    if (draw < 20)
        return GRAPH_EDGE_LINK | GRAPH_REL_NOFOLLOW;
    if (draw < 25)
        return GRAPH_EDGE_LINK | GRAPH_REL_UGC;
    if (draw < 30)
        return GRAPH_EDGE_LINK | GRAPH_REL_SPONSORED | GRAPH_REL_NOFOLLOW;
    if (draw < 35)
        return GRAPH_EDGE_IFRAME;
    if (draw < 36)
        return GRAPH_EDGE_REFRESH;
    return GRAPH_EDGE_LINK;
}

/* The links of one 200 HTML page: tree children, navigation, then random links, `count` in all. */
static int add_page_links(struct graph *graph, const struct synthetic_graph *plan, uint32_t id, uint64_t count)
{
    struct random r = {mix(plan->seed ^ 0x5bd1e995u ^ ((uint64_t)id << 20))};
    uint64_t added = 0;
    for (uint64_t child = (uint64_t)id * TREE_FANOUT + 1;
         added < count && child <= (uint64_t)id * TREE_FANOUT + TREE_FANOUT && child < plan->internal; child++, added++)
        if (graph_add_edge(graph, id, (uint32_t)child, GRAPH_EDGE_LINK) != CP_OK)
            return CP_ERR_NOMEM;
    uint64_t navigation = count / 2 < NAVIGATION_PAGES ? count / 2 : NAVIGATION_PAGES;
    for (uint32_t nav = 1; added < count && nav <= navigation && nav < plan->internal; nav++, added++)
        if (graph_add_edge(graph, id, nav, GRAPH_EDGE_LINK) != CP_OK)
            return CP_ERR_NOMEM;
    for (; added < count; added++)
        if (graph_add_edge(graph, id, random_target(plan, &r, id), random_link_meta(&r)) != CP_OK)
            return CP_ERR_NOMEM;
    return CP_OK;
}

int synthetic_graph_add_edges(struct graph *graph, const struct synthetic_graph *plan)
{
    uint64_t html_pages = 0, other_edges = 0;
    for (uint32_t id = 0; id < plan->internal; id++) {
        enum page_kind kind = kind_of(plan, id);
        html_pages += kind == PAGE_HTML;
        other_edges += kind == PAGE_REDIRECT;
        other_edges += kind == PAGE_HTML && graph_node(graph, id)->canonical != GRAPH_NO_NODE;
    }
    if (html_pages == 0 || plan->edges < other_edges)
        return CP_ERR_INVALID;
    uint64_t links = plan->edges - other_edges, per_page = links / html_pages, extra = links % html_pages;
    uint64_t html_seen = 0;
    uint32_t last_redirect = GRAPH_NO_NODE;
    for (uint32_t id = 0; id < plan->internal; id++) {
        enum page_kind kind = kind_of(plan, id);
        if (kind == PAGE_REDIRECT) {
            /* Mostly to a random page; some to the previous redirect (chains), a few to itself
             * (loops; longer ones arise when a chain meets a random target). */
            uint64_t draw = mix(plan->seed ^ id ^ 0xabcdefu);
            uint32_t target = (uint32_t)((draw >> 8) % plan->internal);
            if (draw % 10 == 0 && last_redirect != GRAPH_NO_NODE)
                target = last_redirect;
            else if (draw % 50 == 1)
                target = id;
            if (graph_add_edge(graph, id, target, GRAPH_EDGE_REDIRECT) != CP_OK)
                return CP_ERR_NOMEM;
            last_redirect = id;
            continue;
        }
        if (kind != PAGE_HTML)
            continue;
        uint32_t canonical = graph_node(graph, id)->canonical;
        if (canonical != GRAPH_NO_NODE && graph_add_edge(graph, id, canonical, GRAPH_EDGE_CANONICAL) != CP_OK)
            return CP_ERR_NOMEM;
        int status = add_page_links(graph, plan, id, per_page + (html_seen++ < extra ? 1 : 0));
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}
