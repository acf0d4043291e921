/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_hreflang: hreflang alternates between pages — each alternate must answer 200 and
 * list the page back (search engines ignore one-sided pairs), judged from canonical pages only. The language codes themselves are a
 * page-local rule (linkgraph/audit_page.h). */
#include "common/error.h"
#include "linkgraph/audit_internal.h"

/* How many hreflang alternates target lists, and whether one of them is page. */
static uint32_t alternates_of(const struct audit_run *run, uint32_t target, uint32_t page, bool *lists_page)
{
    struct graph_edges out = graph_out_edges(run->graph, target);
    uint32_t count = 0;
    *lists_page = false;
    for (uint32_t i = 0; i < out.count; i++) {
        if (graph_edge_kind(out.meta[i]) != GRAPH_EDGE_HREFLANG)
            continue;
        count++;
        if (out.nodes[i] == page)
            *lists_page = true;
    }
    return count;
}

static int check_alternate(struct audit_run *run, uint32_t page, uint32_t alternate)
{
    const struct graph_node *node = audit_node(run, alternate);
    enum page_answer answer = audit_page_answer(node);
    if (answer == ANSWER_NOT_FETCHED)
        return CP_OK;
    enum rule_id rule;
    buf_reset(&run->message);
    if (answer != ANSWER_OK) {
        rule = RULE_HREFLANG_TO_ERROR;
        buf_printf(&run->message, "hreflang alternate %s answers ", audit_url(run, alternate));
        audit_describe_answer(run, alternate, &run->message);
    } else {
        bool lists_page;
        uint32_t count = alternates_of(run, alternate, page, &lists_page);
        if (lists_page)
            return CP_OK;
        rule = RULE_HREFLANG_NO_RETURN;
        if (count == 0)
            buf_printf(&run->message, "hreflang alternate %s has no hreflang annotations", audit_url(run, alternate));
        else
            buf_printf(&run->message, "hreflang alternate %s lists %u alternate%s but not this page",
                       audit_url(run, alternate), count, count == 1 ? "" : "s");
    }
    struct finding *f = audit_add(run, rule, page, audit_url(run, page), 0);
    return f && audit_add_related(run, f, alternate) == CP_OK ? CP_OK : CP_ERR_NOMEM;
}

/* Return links are checked from canonical pages only, as search engines read hreflang: a page
 * whose canonical names another URL (page 2 of a list, a print view) is not the one they index,
 * and its alternates owe it no return link; its canonical's cluster is checked instead. */
static int check_page(struct audit_run *run, uint32_t page)
{
    if (!audit_in_scope(run, page) || audit_page_answer(audit_node(run, page)) != ANSWER_OK ||
        (run->analysis->verdict[page] & GRAPH_VERDICT_CANONICALISED))
        return CP_OK;
    struct graph_edges out = graph_out_edges(run->graph, page);
    uint32_t stamp = audit_next_stamp(run);
    size_t count = 0;
    for (uint32_t i = 0; i < out.count; i++) {
        uint32_t target = out.nodes[i];
        if (graph_edge_kind(out.meta[i]) != GRAPH_EDGE_HREFLANG || target == page || run->stamp[target] == stamp)
            continue;
        run->stamp[target] = stamp;
        run->ids[count++] = target;
    }
    audit_sort_by_url(run, run->ids, count);
    for (size_t i = 0; i < count; i++) {
        int status = check_alternate(run, page, run->ids[i]);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

int audit_hreflang_rules(struct audit_run *run)
{
    for (uint32_t page = 0; page < run->node_count; page++) {
        int status = check_page(run, page);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}
