/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_links: the rules about links and the graph's shape — broken links and links to
 * redirects (one finding per target, every source page related), redirect chains and loops, pages
 * too deep, reached only through nofollow links, linked from one page only, or linking nowhere. */
#include <stdlib.h>

#include "common/error.h"
#include "linkgraph/audit_internal.h"

/* The references a visitor follows from a page: links, iframes, meta refreshes and redirects. */
static bool edge_leads_visitor(uint8_t meta)
{
    switch (graph_edge_kind(meta)) {
    case GRAPH_EDGE_LINK:
    case GRAPH_EDGE_IFRAME:
    case GRAPH_EDGE_REFRESH:
    case GRAPH_EDGE_REDIRECT: return true;
    default: return false;
    }
}

static bool edge_is_link(uint8_t meta)
{
    return graph_edge_kind(meta) == GRAPH_EDGE_LINK;
}

typedef bool (*edge_filter_fn)(uint8_t meta);

/* The distinct in-scope pages other than id with an edge to id that passes filter, into run->ids.
 * Returns their number. */
static size_t collect_sources(struct audit_run *run, uint32_t id, edge_filter_fn filter)
{
    struct graph_edges in = graph_in_edges(run->graph, id);
    uint32_t stamp = audit_next_stamp(run);
    size_t count = 0;
    for (uint32_t i = 0; i < in.count; i++) {
        uint32_t source = in.nodes[i];
        if (source == id || !(in.meta[i] & GRAPH_EDGE_SOURCE_IN_SCOPE) || !filter(in.meta[i]) ||
            run->stamp[source] == stamp)
            continue;
        run->stamp[source] = stamp;
        run->ids[count++] = source;
    }
    return count;
}

/* One finding for a target, with its sources sorted in related and the first one as source. */
static int add_with_sources(struct audit_run *run, enum rule_id rule, uint32_t id, size_t count)
{
    audit_sort_by_url(run, run->ids, count);
    buf_printf(&run->message, " (linked from %zu page%s)", count, count == 1 ? "" : "s");
    struct finding *f = audit_add(run, rule, id, audit_url(run, run->ids[0]), 0);
    if (!f)
        return CP_ERR_NOMEM;
    return audit_add_related_list(run, f, run->ids, count);
}

static int check_broken_or_redirected(struct audit_run *run, uint32_t id)
{
    const struct graph_node *node = audit_node(run, id);
    if (!(node->flags & (GRAPH_NODE_IN_SCOPE | GRAPH_NODE_EXTERNAL_CHECKED)))
        return CP_OK;
    enum page_answer answer = audit_page_answer(node);
    buf_reset(&run->message);
    if (audit_answer_is_error(answer)) {
        size_t count = collect_sources(run, id, edge_leads_visitor);
        if (count == 0)
            return CP_OK;
        buf_printf(&run->message, "%s answers ", audit_url(run, id));
        audit_describe_answer(run, id, &run->message);
        if (!(node->flags & GRAPH_NODE_IN_SCOPE))
            buf_append_str(&run->message, " (external)");
        return add_with_sources(run, RULE_BROKEN_LINK, id, count);
    }
    if (answer == ANSWER_REDIRECT && (node->flags & GRAPH_NODE_IN_SCOPE)) {
        size_t count = collect_sources(run, id, edge_is_link);
        if (count == 0)
            return CP_OK;
        buf_printf(&run->message, "%s redirects: ", audit_url(run, id));
        audit_describe_redirects(run, id, &run->message);
        return add_with_sources(run, RULE_LINK_TO_REDIRECT, id, count);
    }
    return CP_OK;
}

/* Where a redirect chain starts: a start page, a sitemap entry, or a page something other than a
 * redirect refers to. The pages inside a chain are not reported again for the rest of it. */
static bool chain_head(const struct audit_run *run, uint32_t id)
{
    const struct graph_node *node = audit_node(run, id);
    if ((node->flags & GRAPH_NODE_START) || node->sitemap_first != GRAPH_NO_NODE)
        return true;
    struct graph_edges in = graph_in_edges(run->graph, id);
    for (uint32_t i = 0; i < in.count; i++)
        if (graph_edge_kind(in.meta[i]) != GRAPH_EDGE_REDIRECT)
            return true;
    return in.count == 0;
}

static int check_redirect_chain(struct audit_run *run, uint32_t id)
{
    const struct graph_analysis *a = run->analysis;
    bool loop = a->flags[id] & GRAPH_PAGE_REDIRECT_LOOP;
    if (!audit_in_scope(run, id) || audit_node(run, id)->redirect == GRAPH_NO_NODE ||
        (!loop && a->redirect_hops[id] < 2) || !chain_head(run, id))
        return CP_OK;
    buf_reset(&run->message);
    audit_describe_redirects(run, id, &run->message);
    if (!loop)
        buf_printf(&run->message, " (%u hops)", a->redirect_hops[id]);
    struct finding *f = audit_add(run, loop ? RULE_REDIRECT_LOOP : RULE_REDIRECT_CHAIN, id, NULL, 0);
    if (!f)
        return CP_ERR_NOMEM;
    /* The chain's members after the page, each once, in chain order. */
    uint32_t stamp = audit_next_stamp(run);
    run->stamp[id] = stamp;
    for (uint32_t step = audit_node(run, id)->redirect; step != GRAPH_NO_NODE && run->stamp[step] != stamp;
         step = audit_node(run, step)->redirect) {
        run->stamp[step] = stamp;
        if (audit_add_related(run, f, step) != CP_OK)
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

static int check_depth(struct audit_run *run, uint32_t id)
{
    uint32_t depth = run->analysis->depth_followable[id];
    if (!audit_indexable(run, id) || depth == GRAPH_UNREACHED || depth <= run->max_click_depth)
        return CP_OK;
    buf_reset(&run->message);
    buf_printf(&run->message, "click depth %u from the start page (target: at most %u)", depth, run->max_click_depth);
    return audit_add(run, RULE_DEEP_PAGE, id, NULL, 0) ? CP_OK : CP_ERR_NOMEM;
}

static bool edge_is_nofollow_link(uint8_t meta)
{
    return edge_is_link(meta) && (meta & GRAPH_REL_ANY_NOFOLLOW);
}

/* Indexable, reached by the crawl, but by no followable path, and at least one nofollow link points
 * here (a page reached only through an error page's links is not a nofollow problem). Listed pages
 * are left to orphan-url, which says the same with the sitemap as evidence. */
static int check_nofollow_only(struct audit_run *run, uint32_t id)
{
    const struct graph_analysis *a = run->analysis;
    if (run->partial || !audit_indexable(run, id) || a->depth_followable[id] != GRAPH_UNREACHED ||
        a->depth_any[id] == GRAPH_UNREACHED || audit_node(run, id)->sitemap_first != GRAPH_NO_NODE)
        return CP_OK;
    size_t count = collect_sources(run, id, edge_is_nofollow_link);
    if (count == 0)
        return CP_OK;
    buf_reset(&run->message);
    buf_printf(&run->message, "only nofollow, ugc or sponsored links lead here (from %zu page%s)", count,
               count == 1 ? "" : "s");
    struct finding *f = audit_add(run, RULE_UNREACHABLE_BY_FOLLOW, id, NULL, 0);
    return f && audit_add_related_sorted(run, f, run->ids, count) == CP_OK ? CP_OK : CP_ERR_NOMEM;
}

static int check_single_inlink(struct audit_run *run, uint32_t id)
{
    if (run->partial || !audit_indexable(run, id) || run->analysis->inlinks[id] != 1 ||
        (audit_node(run, id)->flags & GRAPH_NODE_START))
        return CP_OK;
    size_t count = collect_sources(run, id, edge_is_link);
    if (count != 1)
        return CP_OK; /* the analysis and the edges disagree only on a graph changed since: say nothing */
    buf_reset(&run->message);
    buf_printf(&run->message, "%s is linked only from %s", audit_url(run, id), audit_url(run, run->ids[0]));
    struct finding *f = audit_add(run, RULE_SINGLE_INLINK, id, audit_url(run, run->ids[0]), 0);
    return f && audit_add_related(run, f, run->ids[0]) == CP_OK ? CP_OK : CP_ERR_NOMEM;
}

/* An HTML page answering 200 in scope with no link to another in-scope page. A page cut at
 * --max-body may have its links after the cut (page-truncated says so), and a meta refresh takes
 * the visitor on: neither is a dead end. */
static int check_dead_end(struct audit_run *run, uint32_t id)
{
    const struct graph_node *node = audit_node(run, id);
    if (!(node->flags & GRAPH_NODE_IN_SCOPE) || !(node->flags & GRAPH_NODE_HTML) ||
        (node->flags & GRAPH_NODE_TRUNCATED) || audit_page_answer(node) != ANSWER_OK ||
        run->analysis->outlinks_internal[id] != 0)
        return CP_OK;
    struct graph_edges out = graph_out_edges(run->graph, id);
    for (uint32_t i = 0; i < out.count; i++)
        if (graph_edge_kind(out.meta[i]) == GRAPH_EDGE_REFRESH)
            return CP_OK;
    buf_reset(&run->message);
    buf_printf(&run->message, "no links to other pages of the site (%u outgoing link%s in total)",
               run->analysis->outlinks[id], run->analysis->outlinks[id] == 1 ? "" : "s");
    return audit_add(run, RULE_DEAD_END, id, NULL, 0) ? CP_OK : CP_ERR_NOMEM;
}

int audit_link_rules(struct audit_run *run)
{
    for (uint32_t id = 0; id < run->node_count; id++) {
        int status = check_broken_or_redirected(run, id);
        if (status == CP_OK)
            status = check_redirect_chain(run, id);
        if (status == CP_OK)
            status = check_depth(run, id);
        if (status == CP_OK)
            status = check_nofollow_only(run, id);
        if (status == CP_OK)
            status = check_single_inlink(run, id);
        if (status == CP_OK)
            status = check_dead_end(run, id);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}
