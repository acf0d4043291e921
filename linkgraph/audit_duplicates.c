/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_duplicates: the rules over duplicate clusters (duplicate-content,
 * near-duplicate-content, signals-disagree), soft-404, and the on-page duplicates among indexable
 * pages (title-missing, title-duplicate, meta-description-duplicate). The clusters and their votes
 * come from linkgraph/clusters, computed once by the caller; titles and descriptions from the
 * crawl's per-page facts. docs/audit.md says when each fires. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "linkgraph/audit_internal.h"

/* ---- clusters ---- */

static int add_members(struct audit_run *run, struct finding *f, const struct cluster *c, const uint32_t *members)
{
    size_t n = 0;
    for (uint32_t i = 0; i < c->count; i++)
        if (members[i] != c->preferred)
            run->ids[n++] = members[i];
    return audit_add_related_list(run, f, run->ids, n);
}

static int duplicate_finding(struct audit_run *run, const struct cluster *c, const uint32_t *members)
{
    bool exact = c->kind == CLUSTER_EXACT;
    buf_reset(&run->message);
    buf_printf(&run->message,
               "%u pages with %s main text, and no canonical or redirect choosing one; the signals "
               "prefer %s",
               c->count, exact ? "the same" : "nearly the same", audit_url(run, c->preferred));
    struct finding *f = audit_add(run, exact ? RULE_DUPLICATE_CONTENT : RULE_NEAR_DUPLICATE_CONTENT, c->preferred, NULL,
                                  0);
    return f ? add_members(run, f, c, members) : CP_ERR_NOMEM;
}

/* "canonical names A; sitemap lists B; links: 80% of 10 internal links to C (A 1, B 1)". */
static void describe_votes(struct audit_run *run, const struct cluster *c, const uint32_t *members)
{
    static const char *const verbs[CLUSTER_SIGNAL_COUNT] = {"canonical names", "redirects lead to", "sitemap lists",
                                                            "most internal links go to", "hreflang names"};
    bool first = true;
    for (int s = 0; s < CLUSTER_SIGNAL_COUNT; s++) {
        if (c->vote[s] == CLUSTERS_NO_VOTE)
            continue;
        buf_printf(&run->message, "%s%s %s", first ? "" : "; ", verbs[s], audit_url(run, c->vote[s]));
        first = false;
    }
    buf_printf(&run->message, "; internal links (followable, %u): ", c->inlinks_total);
    for (uint32_t i = 0; i < c->count; i++) {
        uint32_t links = run->analysis->inlinks_followable[members[i]];
        unsigned share = c->inlinks_total ? (unsigned)((100.0 * links / c->inlinks_total) + 0.5) : 0;
        buf_printf(&run->message, "%s%s %u%%", i ? ", " : "", audit_url(run, members[i]), share);
    }
}

static int disagree_finding(struct audit_run *run, const struct cluster *c, const uint32_t *members)
{
    buf_reset(&run->message);
    buf_printf(&run->message, "the signals of a cluster of %u %s duplicates name different URLs: ", c->count,
               cluster_kind_name((enum cluster_kind)c->kind));
    describe_votes(run, c, members);
    struct finding *f = audit_add(run, RULE_SIGNALS_DISAGREE, c->preferred, NULL, 0);
    return f ? add_members(run, f, c, members) : CP_ERR_NOMEM;
}

static int cluster_rules(struct audit_run *run)
{
    const struct clusters *clusters = run->clusters;
    int status = CP_OK;
    for (size_t i = 0; clusters && i < clusters->count && status == CP_OK; i++) {
        const struct cluster *c = &clusters->list[i];
        const uint32_t *members = clusters->members + c->first;
        if (!c->picked && !audit_all_url_variants(run, members, c->count))
            status = duplicate_finding(run, c, members);
        if (status == CP_OK && c->disagree)
            status = disagree_finding(run, c, members);
    }
    return status;
}

/* ---- soft-404 ---- */

/* Whether a title or heading says the page is missing: "not found", "page does not exist", "no
 * longer exists", or 404 as a word of its own. */
static bool says_not_found(const char *text)
{
    static const char *const phrases[] = {"not found",        "page does not exist", "page doesn't exist",
                                          "no longer exists", "page not available",  NULL};
    if (!text || !*text)
        return false;
    for (const char *const *p = phrases; *p; p++)
        for (const char *at = text; *at; at++)
            if (strncasecmp(at, *p, strlen(*p)) == 0)
                return true;
    for (const char *at = strstr(text, "404"); at; at = strstr(at + 1, "404"))
        if ((at == text || !isalnum((unsigned char)at[-1])) && !isalnum((unsigned char)at[3]))
            return true;
    return false;
}

static int soft_404_rule(struct audit_run *run)
{
    for (uint32_t id = 0; id < run->node_count; id++) {
        const struct graph_node *node = audit_node(run, id);
        if (node->status != 200 || !(node->flags & GRAPH_NODE_HTML) || !(node->flags & GRAPH_NODE_IN_SCOPE) ||
            audit_page_answer(node) != ANSWER_OK)
            continue;
        const struct audit_page_facts *f = &run->facts[id];
        buf_reset(&run->message);
        if (f->like_not_found)
            buf_append_str(&run->message, "answers 200 with the main text of the site's 404 page (its answer to a "
                                          "missing URL)");
        else if (says_not_found(f->title))
            buf_printf(&run->message, "answers 200, and its title says \"%s\"", f->title);
        else if (says_not_found(f->h1))
            buf_printf(&run->message, "answers 200, and its heading says \"%s\"", f->h1);
        else
            continue;
        if (!audit_add(run, RULE_SOFT_404, id, NULL, 0))
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

/* ---- titles and descriptions among indexable pages ---- */

struct text_and_id {
    const char *text;
    const char *url;
    uint32_t id;
};

static int compare_text_and_id(const void *a, const void *b)
{
    const struct text_and_id *x = a, *y = b;
    int order = strcmp(x->text, y->text);
    return order ? order : strcmp(x->url, y->url);
}

static bool indexable_html(const struct audit_run *run, uint32_t id)
{
    return audit_indexable(run, id) && (audit_node(run, id)->flags & GRAPH_NODE_HTML);
}

/* One finding per group of indexable pages with the same non-empty text, on the group's first URL;
 * not for a group of URL variants of one page (duplicate-url-variants speaks of those). */
static int same_text_rule(struct audit_run *run, enum rule_id rule, const char *what, bool title)
{
    struct text_and_id *pairs = malloc(((size_t)run->node_count + 1) * sizeof *pairs);
    if (!pairs)
        return CP_ERR_NOMEM;
    size_t n = 0;
    for (uint32_t id = 0; id < run->node_count; id++) {
        const char *text = title ? run->facts[id].title : run->facts[id].description;
        if (indexable_html(run, id) && text && *text)
            pairs[n++] = (struct text_and_id){text, audit_url(run, id), id};
    }
    qsort(pairs, n, sizeof *pairs, compare_text_and_id);
    int status = CP_OK;
    for (size_t start = 0, end; start < n && status == CP_OK; start = end) {
        for (end = start + 1; end < n && strcmp(pairs[end].text, pairs[start].text) == 0; end++)
            run->ids[end - start - 1] = pairs[end].id;
        run->ids[end - start - 1] = pairs[start].id; /* the whole group, for the variants test */
        if (end - start < 2 || audit_all_url_variants(run, run->ids, end - start))
            continue;
        buf_reset(&run->message);
        buf_printf(&run->message, "%zu indexable pages share the %s \"%s\"", end - start, what, pairs[start].text);
        struct finding *f = audit_add(run, rule, pairs[start].id, NULL, 0);
        status = f ? audit_add_related_list(run, f, run->ids, end - start - 1) : CP_ERR_NOMEM;
    }
    free(pairs);
    return status;
}

static int title_missing_rule(struct audit_run *run)
{
    for (uint32_t id = 0; id < run->node_count; id++) {
        const char *title = run->facts[id].title; /* NULL: not known (no crawl record), "" none */
        if (!indexable_html(run, id) || !title || *title)
            continue;
        buf_reset(&run->message);
        buf_append_str(&run->message, "indexable page without a <title> (or with an empty one)");
        if (!audit_add(run, RULE_TITLE_MISSING, id, NULL, 0))
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

int audit_duplicate_rules(struct audit_run *run)
{
    int status = cluster_rules(run);
    if (!run->facts) /* titles and the 404 evidence come with the crawl's facts only */
        return status;
    if (status == CP_OK)
        status = soft_404_rule(run);
    if (status == CP_OK)
        status = title_missing_rule(run);
    if (status == CP_OK)
        status = same_text_rule(run, RULE_TITLE_DUPLICATE, "title", true);
    if (status == CP_OK)
        status = same_text_rule(run, RULE_META_DESCRIPTION_DUPLICATE, "meta description", false);
    return status;
}
