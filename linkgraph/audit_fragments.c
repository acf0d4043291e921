/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_fragments: link-to-missing-fragment — an internal link to page#frag whose target
 * answered 200 with HTML that has no element with that id (nor an <a name>). The ids are the
 * target's, as extraction found them (audit_page_facts.ids); a target whose ids are unknown (not
 * HTML, cut at --max-body, over the id bound, or past the crawl's id budget) is not judged. One
 * finding per target#fragment, the linking pages related, as broken-link reports a target. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/audit_internal.h"

static bool has_id(const struct audit_page_facts *facts, uint64_t hash)
{
    size_t low = 0, high = facts->id_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (facts->ids[middle] == hash)
            return true;
        if (facts->ids[middle] < hash)
            low = middle + 1;
        else
            high = middle;
    }
    return false;
}

/* Whether link points at a page whose ids are known and lacks its fragment. */
static bool fragment_missing(const struct audit_run *run, const struct audit_fragment_link *link)
{
    if (link->target >= run->node_count || link->source >= run->node_count || !audit_in_scope(run, link->source) ||
        !audit_in_scope(run, link->target))
        return false;
    const struct graph_node *node = audit_node(run, link->target);
    const struct audit_page_facts *facts = &run->facts[link->target];
    if (audit_page_answer(node) != ANSWER_OK || !(node->flags & GRAPH_NODE_HTML) ||
        (node->flags & GRAPH_NODE_TRUNCATED) || !facts->ids_known)
        return false;
    return !has_id(facts, link->hash) && !has_id(facts, link->decoded_hash);
}

static int compare_links(const void *pa, const void *pb)
{
    const struct audit_fragment_link *a = *(const struct audit_fragment_link *const *)pa;
    const struct audit_fragment_link *b = *(const struct audit_fragment_link *const *)pb;
    if (a->target != b->target)
        return a->target < b->target ? -1 : 1;
    int order = strcmp(a->fragment, b->fragment);
    if (order)
        return order;
    return a->source < b->source ? -1 : a->source > b->source;
}

/* One finding for links [first, end) of order, which name one target#fragment. */
static int report(struct audit_run *run, const struct audit_fragment_link *const *order, size_t first, size_t end)
{
    const struct audit_fragment_link *link = order[first];
    uint32_t stamp = audit_next_stamp(run);
    size_t sources = 0;
    for (size_t i = first; i < end; i++) {
        uint32_t source = order[i]->source;
        if (run->stamp[source] != stamp) {
            run->stamp[source] = stamp;
            run->ids[sources++] = source;
        }
    }
    audit_sort_by_url(run, run->ids, sources);
    const char *target = audit_url(run, link->target);
    buf_reset(&run->message);
    buf_printf(&run->message, "no element with id or name \"%s\" on %s (linked from %zu page%s)", link->fragment,
               target, sources, sources == 1 ? "" : "s");
    struct buf url = BUF_INIT;
    int status = buf_printf(&url, "%s#%s", target, link->fragment);
    struct finding *f = status == CP_OK ? findings_add(run->out, RULE_LINK_TO_MISSING_FRAGMENT, buf_str(&url),
                                                       audit_url(run, run->ids[0]), 0, "%s", buf_str(&run->message))
                                        : NULL;
    buf_free(&url);
    if (!f)
        return CP_ERR_NOMEM;
    return audit_add_related_list(run, f, run->ids, sources);
}

int audit_fragment_rules(struct audit_run *run)
{
    if (!run->facts || run->fragment_link_count == 0)
        return CP_OK;
    const struct audit_fragment_link **order = malloc(run->fragment_link_count * sizeof *order);
    if (!order)
        return CP_ERR_NOMEM;
    size_t count = 0;
    for (size_t i = 0; i < run->fragment_link_count; i++)
        if (fragment_missing(run, &run->fragment_links[i]))
            order[count++] = &run->fragment_links[i];
    qsort(order, count, sizeof *order, compare_links);
    int status = CP_OK;
    for (size_t first = 0; first < count && status == CP_OK;) {
        size_t end = first + 1;
        while (end < count && order[end]->target == order[first]->target &&
               strcmp(order[end]->fragment, order[first]->fragment) == 0)
            end++;
        status = report(run, order, first, end);
        first = end;
    }
    free(order);
    return status;
}
