/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_site: the site-level rules (see audit_site.h). */
#include "linkgraph/audit_site.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uthash.h>

#include "common/buf.h"
#include "common/error.h"
#include "findings/cause.h"

static const enum rule_id site_rules[] = {
    RULE_ROBOTS_MISSING,
    RULE_SITEMAP_MISSING,
    RULE_CANONICAL_MISSING,
    RULE_SITE_BUILT_FOR_ANOTHER_ORIGIN,
};

const enum rule_id *audit_site_rules_list(size_t *count)
{
    *count = sizeof site_rules / sizeof site_rules[0];
    return site_rules;
}

static bool is_pages_html(const struct graph *graph, uint32_t id)
{
    uint16_t flags = graph_node(graph, id)->flags;
    return (flags & GRAPH_NODE_IN_SCOPE) && (flags & GRAPH_NODE_FETCHED) && (flags & GRAPH_NODE_HTML) &&
           graph_node(graph, id)->status == 200;
}

/* ---- robots-missing, sitemap-missing ---- */

static int check_robots_and_sitemap(const struct audit_site_input *in, struct finding_list *all)
{
    if (in->robots_url && in->robots_status >= 400 && in->robots_status < 500 &&
        !findings_add(all, RULE_ROBOTS_MISSING, in->site_url, NULL, 0,
                      "%s answered %ld: crawlers allow everything, and no Sitemap: line tells them where the "
                      "sitemap is",
                      in->robots_url, in->robots_status))
        return CP_ERR_NOMEM;
    if (in->sitemaps_read || in->sitemap_declared || in->sitemaps_skipped)
        return CP_OK;
    if (!findings_add(all, RULE_SITEMAP_MISSING, in->site_url, NULL, 0,
                      "no sitemap: %s; search engines find the pages only by following links",
                      in->sitemaps_tried && in->sitemaps_tried[0]
                          ? in->sitemaps_tried
                          : "none declared in robots.txt or given with --sitemap"))
        return CP_ERR_NOMEM;
    return CP_OK;
}

/* ---- canonical-missing for the site ---- */

static size_t count_indexable_html(const struct graph *graph, const struct graph_analysis *analysis)
{
    size_t n = 0;
    for (uint32_t id = 0; id < analysis->node_count; id++)
        n += analysis->verdict[id] == 0 && is_pages_html(graph, id);
    return n;
}

static int check_canonical_missing(const struct graph *graph, const struct graph_analysis *analysis,
                                   const struct audit_site_input *in, struct finding_list *all,
                                   struct finding_list *per_page)
{
    size_t missing = 0;
    for (size_t i = 0; i < all->count; i++)
        missing += all->items[i].rule == RULE_CANONICAL_MISSING;
    size_t indexable = count_indexable_html(graph, analysis);
    /* "Most": more than half, and at least two pages, so one page without a canonical on a
     * one-page site stays a page finding. */
    if (missing < 2 || missing * 2 <= indexable)
        return CP_OK;
    int rc = findings_move_rule(per_page, all, RULE_CANONICAL_MISSING);
    if (rc == CP_OK && !findings_add(all, RULE_CANONICAL_MISSING, in->site_url, NULL, 0,
                                     "%zu of %zu indexable pages have no canonical%s%s%s", missing, indexable,
                                     in->canonical_missing_file ? " (the pages: " : "",
                                     in->canonical_missing_file ? in->canonical_missing_file : "",
                                     in->canonical_missing_file ? ")" : ""))
        rc = CP_ERR_NOMEM;
    return rc;
}

/* ---- site-built-for-another-origin ---- */

struct origin_count {
    char *origin;
    size_t canonicals, sitemap_entries, links;
    UT_hash_handle hh;
};

static struct origin_count *origin_entry(struct origin_count **table, const char *url, int *rc)
{
    size_t length = finding_url_origin_length(url);
    if (!length)
        return NULL;
    struct origin_count *entry;
    HASH_FIND(hh, *table, url, length, entry);
    if (entry)
        return entry;
    entry = calloc(1, sizeof(*entry));
    if (entry)
        entry->origin = strndup(url, length);
    if (!entry || !entry->origin) {
        if (entry)
            free(entry);
        *rc = CP_ERR_NOMEM;
        return NULL;
    }
    HASH_ADD_KEYPTR(hh, *table, entry->origin, length, entry);
    return entry;
}

static bool is_site_origin(const char *url, const char *site_url)
{
    size_t a = finding_url_origin_length(url), b = finding_url_origin_length(site_url);
    return a && a == b && strncasecmp(url, site_url, a) == 0;
}

struct site_totals {
    size_t canonicals; /* pages with a canonical naming an http(s) URL */
    size_t links;      /* <a> links from pages of the site to http(s) URLs */
    size_t links_home; /* of those, to the site's own origin */
};

/* What a link target's URL is to the site, worked out once a node: a site's pages link to the same
 * targets over and over (1.2 million links to 30,000 URLs on the 20,000-page bench site). */
enum target_kind { TARGET_UNKNOWN, TARGET_NOT_HTTP, TARGET_SITE, TARGET_OTHER_ORIGIN };

static enum target_kind target_kind_of(const struct graph *graph, const struct audit_site_input *in, uint32_t node,
                                       uint8_t *kinds)
{
    if (kinds && kinds[node] != TARGET_UNKNOWN)
        return (enum target_kind)kinds[node];
    const char *target = graph_url(graph, node, NULL);
    enum target_kind kind = !finding_url_origin_length(target)     ? TARGET_NOT_HTTP
                            : is_site_origin(target, in->site_url) ? TARGET_SITE
                                                                   : TARGET_OTHER_ORIGIN;
    if (kinds)
        kinds[node] = (uint8_t)kind;
    return kind;
}

static int count_origins(const struct graph *graph, const struct audit_site_input *in, const struct finding_list *all,
                         struct origin_count **table, struct site_totals *totals)
{
    int rc = CP_OK;
    uint8_t *kinds = calloc(graph_node_count(graph) + 1, 1); /* NULL: each link worked out anew */
    for (uint32_t id = 0; id < graph_node_count(graph) && rc == CP_OK; id++) {
        if (!is_pages_html(graph, id))
            continue;
        uint32_t canonical = graph_node(graph, id)->canonical;
        if (canonical != GRAPH_NO_NODE) {
            const char *target = graph_url(graph, canonical, NULL);
            if (finding_url_origin_length(target)) {
                totals->canonicals++;
                struct origin_count *e = is_site_origin(target, in->site_url) ? NULL : origin_entry(table, target, &rc);
                if (e)
                    e->canonicals++;
            }
        }
        struct graph_edges out = graph_out_edges(graph, id);
        for (uint32_t i = 0; i < out.count && rc == CP_OK; i++) {
            if (graph_edge_kind(out.meta[i]) != GRAPH_EDGE_LINK)
                continue;
            enum target_kind kind = target_kind_of(graph, in, out.nodes[i], kinds);
            if (kind == TARGET_NOT_HTTP)
                continue;
            totals->links++;
            if (kind == TARGET_SITE) {
                totals->links_home++;
                continue;
            }
            struct origin_count *e = origin_entry(table, graph_url(graph, out.nodes[i], NULL), &rc);
            if (e)
                e->links++;
        }
    }
    free(kinds);
    for (size_t i = 0; i < all->count && rc == CP_OK; i++) {
        if (all->items[i].rule != RULE_SITEMAP_LOC_OUT_OF_SCOPE && all->items[i].rule != RULE_SITEMAP_LOC_OTHER_ORIGIN)
            continue;
        struct origin_count *e = origin_entry(table, all->items[i].url, &rc);
        if (e)
            e->sitemap_entries++;
    }
    return rc;
}

/* "most canonicals (13 of 14 pages)", "; ..." for each signal where the origin has the majority. */
static bool describe_majority(struct buf *out, const struct origin_count *e, const struct site_totals *t,
                              uint64_t sitemap_entries)
{
    bool any = false;
    if (e->canonicals >= 2 && e->canonicals * 2 > t->canonicals) {
        buf_printf(out, "canonicals of %zu of %zu pages", e->canonicals, t->canonicals);
        any = true;
    }
    if (e->sitemap_entries >= 2 && e->sitemap_entries * 2 > sitemap_entries) {
        buf_printf(out, "%s%zu of %llu sitemap URLs", any ? ", " : "", e->sitemap_entries,
                   (unsigned long long)sitemap_entries);
        any = true;
    }
    if (e->links >= 2 && e->links > t->links_home) {
        buf_printf(out, "%s%zu of %zu links", any ? ", " : "", e->links, t->links);
        any = true;
    }
    return any;
}

static int check_other_origin(const struct graph *graph, const struct audit_site_input *in, struct finding_list *all)
{
    struct origin_count *table = NULL, *e, *next;
    struct site_totals totals = {0};
    int rc = count_origins(graph, in, all, &table, &totals);
    struct buf evidence = BUF_INIT;
    const struct origin_count *best = NULL;
    size_t best_weight = 0;
    HASH_ITER(hh, table, e, next)
    {
        size_t weight = e->canonicals + e->sitemap_entries + e->links;
        buf_reset(&evidence);
        if (describe_majority(&evidence, e, &totals, in->sitemap_entries) &&
            (weight > best_weight || (weight == best_weight && best && strcmp(e->origin, best->origin) < 0))) {
            best = e;
            best_weight = weight;
        }
    }
    if (rc == CP_OK && best) {
        buf_reset(&evidence);
        describe_majority(&evidence, best, &totals, in->sitemap_entries);
        size_t site = finding_url_origin_length(in->site_url);
        struct finding *f = findings_add(all, RULE_SITE_BUILT_FOR_ANOTHER_ORIGIN, in->site_url, NULL, 0,
                                         "this build targets %s, not %.*s: %s name it; audit it with --connect-to "
                                         "or --site-url %s/",
                                         best->origin, (int)site, in->site_url, buf_str(&evidence), best->origin);
        if (!f || finding_add_related(f, best->origin) != CP_OK)
            rc = CP_ERR_NOMEM;
    }
    HASH_ITER(hh, table, e, next)
    {
        HASH_DEL(table, e);
        free(e->origin);
        free(e);
    }
    buf_free(&evidence);
    return rc;
}

int audit_site_rules(const struct graph *graph, const struct graph_analysis *analysis,
                     const struct audit_site_input *input, struct finding_list *all, struct finding_list *per_page)
{
    if (!input || !input->site_url)
        return CP_OK;
    int rc = check_robots_and_sitemap(input, all);
    if (rc == CP_OK)
        rc = check_other_origin(graph, input, all);
    if (rc == CP_OK)
        rc = check_canonical_missing(graph, analysis, input, all, per_page);
    return rc;
}
