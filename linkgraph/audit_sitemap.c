/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_sitemap: what the sitemaps list against what the crawl found — sitemap URLs that
 * redirect, fail, are noindex, canonicalised elsewhere or blocked; orphans (listed, indexable, no
 * followable link reaches them); and indexable pages no sitemap lists. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/audit_internal.h"

/* One (sitemap file, line) listing a page. A page listed twice in one file is reported once per
 * file, at its first line: sitemap-duplicate-url already reports the repetition. */
struct listing {
    const char *sitemap_url;
    uint32_t sitemap;
    uint32_t line;
};

static int compare_listing(const void *a, const void *b)
{
    const struct listing *x = a, *y = b;
    int order = strcmp(x->sitemap_url, y->sitemap_url);
    if (order)
        return order;
    return (x->line > y->line) - (x->line < y->line);
}

/* The page's listings sorted by sitemap URL then line, one per sitemap file, in *listings (malloc'd,
 * or NULL when none). Returns the count, or -1 when out of memory. */
static long page_listings(const struct audit_run *run, uint32_t id, struct listing **listings)
{
    *listings = NULL;
    size_t count = 0;
    uint32_t first = audit_node(run, id)->sitemap_first;
    for (uint32_t e = first; e != GRAPH_NO_NODE; e = graph_sitemap_entry(run->graph, e)->next)
        count++;
    if (count == 0)
        return 0;
    struct listing *all = malloc(count * sizeof *all);
    if (!all)
        return -1;
    size_t i = 0;
    for (uint32_t e = first; e != GRAPH_NO_NODE; e = graph_sitemap_entry(run->graph, e)->next) {
        const struct graph_sitemap_entry *entry = graph_sitemap_entry(run->graph, e);
        all[i++] = (struct listing){audit_url(run, entry->sitemap), entry->sitemap, entry->line};
    }
    qsort(all, count, sizeof *all, compare_listing);
    size_t unique = 0;
    for (i = 0; i < count; i++)
        if (unique == 0 || all[unique - 1].sitemap != all[i].sitemap)
            all[unique++] = all[i];
    *listings = all;
    return (long)unique;
}

/* The sitemap-url-* rule a listed page breaks by its answer, or RULE_COUNT for none; the message
 * evidence goes to run->message. */
static enum rule_id answer_rule(struct audit_run *run, uint32_t id, uint32_t *related)
{
    const struct graph_node *node = audit_node(run, id);
    *related = GRAPH_NO_NODE;
    buf_reset(&run->message);
    switch (audit_page_answer(node)) {
    case ANSWER_REDIRECT: {
        uint32_t final = run->analysis->redirect_final[id];
        *related = final != GRAPH_NO_NODE && final != id ? final : node->redirect;
        buf_printf(&run->message, "%s redirects: ", audit_url(run, id));
        audit_describe_redirects(run, id, &run->message);
        return RULE_SITEMAP_URL_REDIRECT;
    }
    case ANSWER_CLIENT_ERROR:
        buf_printf(&run->message, "%s answers %u", audit_url(run, id), (unsigned)node->status);
        return RULE_SITEMAP_URL_CLIENT_ERROR;
    case ANSWER_SERVER_ERROR:
        buf_printf(&run->message, "%s answers %u", audit_url(run, id), (unsigned)node->status);
        return RULE_SITEMAP_URL_SERVER_ERROR;
    case ANSWER_FETCH_ERROR:
        /* No answer at all is the server's failure as far as the sitemap's reader can tell. */
        buf_printf(&run->message, "%s could not be fetched: ", audit_url(run, id));
        audit_describe_answer(run, id, &run->message);
        return RULE_SITEMAP_URL_SERVER_ERROR;
    default: return RULE_COUNT;
    }
}

/* The findings about one page listed in sitemaps: one per (rule, sitemap file). */
static int check_listed_page(struct audit_run *run, uint32_t id, const struct listing *listings, long count)
{
    const struct graph_node *node = audit_node(run, id);
    bool answers_200 = audit_page_answer(node) == ANSWER_OK;
    uint32_t canonical = audit_other_canonical(run, id);
    for (long i = 0; i < count; i++) {
        const struct listing *l = &listings[i];
        struct finding *f;
        if (node->flags & GRAPH_NODE_ROBOTS_BLOCKED) {
            buf_reset(&run->message);
            buf_printf(&run->message, "%s is ", audit_url(run, id));
            audit_describe_blocked(run, id, &run->message);
            if (!audit_add(run, RULE_SITEMAP_URL_BLOCKED, id, l->sitemap_url, l->line))
                return CP_ERR_NOMEM;
        }
        uint32_t related;
        enum rule_id rule = answer_rule(run, id, &related);
        if (rule != RULE_COUNT) {
            if (!(f = audit_add(run, rule, id, l->sitemap_url, l->line)))
                return CP_ERR_NOMEM;
            if (related != GRAPH_NO_NODE && audit_add_related(run, f, related) != CP_OK)
                return CP_ERR_NOMEM;
        }
        if (answers_200 && (node->flags & GRAPH_NODE_NOINDEX)) {
            buf_reset(&run->message);
            buf_printf(&run->message, "%s has ", audit_url(run, id));
            audit_describe_noindex(run, id, &run->message);
            if (!audit_add(run, RULE_SITEMAP_URL_NOINDEX, id, l->sitemap_url, l->line))
                return CP_ERR_NOMEM;
        }
        if (answers_200 && canonical != GRAPH_NO_NODE) {
            buf_reset(&run->message);
            buf_printf(&run->message, "%s declares canonical %s", audit_url(run, id), audit_url(run, canonical));
            if (!(f = audit_add(run, RULE_SITEMAP_URL_CANONICALIZED, id, l->sitemap_url, l->line)) ||
                audit_add_related(run, f, canonical) != CP_OK)
                return CP_ERR_NOMEM;
        }
    }
    return CP_OK;
}

/* Listed, indexable, and no followable internal link from a start page leads to it. */
static int check_orphan(struct audit_run *run, uint32_t id, const struct listing *first)
{
    const struct graph_analysis *a = run->analysis;
    if (run->partial || !audit_indexable(run, id) || (audit_node(run, id)->flags & GRAPH_NODE_START) ||
        a->depth_followable[id] != GRAPH_UNREACHED)
        return CP_OK;
    buf_reset(&run->message);
    buf_printf(&run->message, "%s is listed, but %s", audit_url(run, id),
               a->depth_any[id] != GRAPH_UNREACHED ? "internal links reach it only through nofollow links"
                                                   : "no internal link reaches it");
    return audit_add(run, RULE_ORPHAN_URL, id, first->sitemap_url, first->line) ? CP_OK : CP_ERR_NOMEM;
}

/* Indexable, self-canonical (or without a canonical), answering 200, reached by the crawl's links,
 * and in no sitemap. */
static int check_missing(struct audit_run *run, uint32_t id)
{
    const struct graph_node *node = audit_node(run, id);
    if (run->partial || run->sitemaps_read == 0 || node->sitemap_first != GRAPH_NO_NODE || !audit_indexable(run, id) ||
        run->analysis->depth_any[id] == GRAPH_UNREACHED)
        return CP_OK;
    buf_reset(&run->message);
    buf_printf(&run->message, "indexable page at click depth %u is in none of the %zu sitemap file%s read",
               run->analysis->depth_followable[id] == GRAPH_UNREACHED ? run->analysis->depth_any[id]
                                                                      : run->analysis->depth_followable[id],
               run->sitemaps_read, run->sitemaps_read == 1 ? "" : "s");
    return audit_add(run, RULE_MISSING_FROM_SITEMAP, id, NULL, 0) ? CP_OK : CP_ERR_NOMEM;
}

int audit_sitemap_rules(struct audit_run *run)
{
    for (uint32_t id = 0; id < run->node_count; id++) {
        struct listing *listings;
        long count = page_listings(run, id, &listings);
        if (count < 0)
            return CP_ERR_NOMEM;
        int status = CP_OK;
        if (count > 0) {
            status = check_listed_page(run, id, listings, count);
            if (status == CP_OK)
                status = check_orphan(run, id, &listings[0]);
        } else {
            status = check_missing(run, id);
        }
        free(listings);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}
