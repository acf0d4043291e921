/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit: the driver of the cross-page rules (audit_graph) and the helpers every rule file
 * shares: how a page answered, the evidence phrases, and adding findings with sorted related URLs. */
#include "linkgraph/audit.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/audit_internal.h"

/* ---- classification ---- */

enum page_answer audit_page_answer(const struct graph_node *node)
{
    if (!(node->flags & GRAPH_NODE_FETCHED))
        return ANSWER_NOT_FETCHED;
    if (node->redirect != GRAPH_NO_NODE || (node->status >= 300 && node->status < 400))
        return ANSWER_REDIRECT;
    if (node->status == 0)
        return ANSWER_FETCH_ERROR;
    if (node->status == 200)
        return ANSWER_OK;
    if (node->status >= 400 && node->status < 500)
        return ANSWER_CLIENT_ERROR;
    if (node->status >= 500)
        return ANSWER_SERVER_ERROR;
    return ANSWER_OTHER;
}

bool audit_answer_is_error(enum page_answer answer)
{
    return answer == ANSWER_CLIENT_ERROR || answer == ANSWER_SERVER_ERROR || answer == ANSWER_FETCH_ERROR;
}

uint32_t audit_other_canonical(const struct audit_run *run, uint32_t id)
{
    uint32_t canonical = audit_node(run, id)->canonical;
    return canonical == id ? GRAPH_NO_NODE : canonical;
}

/* ---- evidence ---- */

static int describe_fetch_error(const struct audit_run *run, uint32_t id, struct buf *out)
{
    const char *error = run->facts ? run->facts[id].fetch_error : NULL;
    return buf_printf(out, "fetch error: %s", error && error[0] ? error : "no response");
}

/* Redirect chains shown in a message stop after this many hops ("...") to keep the line short;
 * the hop count is still given in full. */
#define DESCRIBED_HOPS_MAX 12

int audit_describe_redirects(const struct audit_run *run, uint32_t id, struct buf *out)
{
    uint32_t chain[DESCRIBED_HOPS_MAX + 1];
    uint32_t length = graph_redirect_chain(run->graph, id, chain, DESCRIBED_HOPS_MAX + 1);
    int status = CP_OK;
    for (uint32_t i = 0; i < length && status == CP_OK; i++) {
        if (i > 0)
            status = buf_append_str(out, " -> ");
        if (status != CP_OK)
            break;
        bool repeated = false;
        for (uint32_t j = 0; j < i; j++)
            repeated = repeated || chain[j] == chain[i];
        if (repeated) {
            status = buf_append_str(out, "loop");
            break;
        }
        if (i == DESCRIBED_HOPS_MAX) {
            status = buf_append_str(out, "...");
            break;
        }
        const struct graph_node *node = audit_node(run, chain[i]);
        switch (audit_page_answer(node)) {
        case ANSWER_NOT_FETCHED:
            status = buf_append_str(out,
                                    node->flags & GRAPH_NODE_ROBOTS_BLOCKED ? "blocked by robots.txt" : "not fetched");
            break;
        case ANSWER_FETCH_ERROR: status = describe_fetch_error(run, chain[i], out); break;
        default:
            status = node->status ? buf_printf(out, "%u", (unsigned)node->status) : buf_append_str(out, "redirect");
            break;
        }
    }
    return status;
}

int audit_describe_answer(const struct audit_run *run, uint32_t id, struct buf *out)
{
    const struct graph_node *node = audit_node(run, id);
    switch (audit_page_answer(node)) {
    case ANSWER_REDIRECT: return audit_describe_redirects(run, id, out);
    case ANSWER_FETCH_ERROR: return describe_fetch_error(run, id, out);
    case ANSWER_NOT_FETCHED: return buf_append_str(out, "not fetched");
    default: return buf_printf(out, "%u", (unsigned)node->status);
    }
}

int audit_describe_noindex(const struct audit_run *run, uint32_t id, struct buf *out)
{
    uint8_t sources = run->facts ? run->facts[id].noindex_sources : 0;
    uint16_t flags = audit_node(run, id)->flags;
    /* Without the crawl's facts the graph tells meta from header, not head from body. */
    static const struct {
        uint8_t fact;
        uint16_t flag;
        const char *phrase;
    } places[] = {
        {AUDIT_NOINDEX_META_HEAD, 0, "meta robots in <head>"},
        {AUDIT_NOINDEX_META_BODY, 0, "meta robots in <body>"},
        {0, GRAPH_NODE_NOINDEX_META, "meta robots"},
        {AUDIT_NOINDEX_HEADER, GRAPH_NODE_NOINDEX_HEADER, "X-Robots-Tag header"},
    };
    int status = buf_append_str(out, "noindex in ");
    bool first = true;
    for (size_t i = 0; i < sizeof places / sizeof places[0] && status == CP_OK; i++) {
        bool found = sources ? (sources & places[i].fact) != 0 : (flags & places[i].flag) != 0;
        if (!found)
            continue;
        status = buf_printf(out, "%s%s", first ? "" : " and ", places[i].phrase);
        first = false;
    }
    return status;
}

int audit_describe_blocked(const struct audit_run *run, uint32_t id, struct buf *out)
{
    const char *rule = run->facts ? run->facts[id].robots_rule : NULL;
    if (rule && rule[0])
        return buf_printf(out, "blocked by %s", rule);
    return buf_append_str(out, "blocked by robots.txt");
}

/* ---- findings ---- */

struct finding *audit_add(struct audit_run *run, enum rule_id rule, uint32_t id, const char *source, unsigned line)
{
    return findings_add(run->out, rule, audit_url(run, id), source, line, "%s", buf_str(&run->message));
}

int audit_add_related(struct audit_run *run, struct finding *finding, uint32_t id)
{
    return finding_add_related(finding, audit_url(run, id));
}

struct url_and_id {
    const char *url;
    uint32_t id;
};

static int compare_url_and_id(const void *a, const void *b)
{
    const struct url_and_id *x = a, *y = b;
    int order = strcmp(x->url, y->url);
    return order ? order : (x->id > y->id) - (x->id < y->id);
}

void audit_sort_by_url(const struct audit_run *run, uint32_t *ids, size_t count)
{
    if (count < 2)
        return;
    struct url_and_id *pairs = malloc(count * sizeof *pairs);
    if (!pairs) {
        /* Order is cosmetic; without memory for it the ids stay in node order. */
        return;
    }
    for (size_t i = 0; i < count; i++)
        pairs[i] = (struct url_and_id){audit_url(run, ids[i]), ids[i]};
    qsort(pairs, count, sizeof *pairs, compare_url_and_id);
    for (size_t i = 0; i < count; i++)
        ids[i] = pairs[i].id;
    free(pairs);
}

int audit_add_related_sorted(struct audit_run *run, struct finding *finding, uint32_t *ids, size_t count)
{
    audit_sort_by_url(run, ids, count);
    return audit_add_related_list(run, finding, ids, count);
}

int audit_add_related_list(struct audit_run *run, struct finding *finding, const uint32_t *ids, size_t count)
{
    size_t shown = count < run->max_related ? count : run->max_related;
    for (size_t i = 0; i < shown; i++) {
        int status = audit_add_related(run, finding, ids[i]);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

uint32_t audit_next_stamp(struct audit_run *run)
{
    if (run->stamp_value == UINT32_MAX) {
        memset(run->stamp, 0, ((size_t)run->node_count + 1) * sizeof *run->stamp);
        run->stamp_value = 0;
    }
    return ++run->stamp_value;
}

/* ---- the driver ---- */

static const enum rule_id graph_rules[] = {
    RULE_SITEMAP_URL_REDIRECT,
    RULE_SITEMAP_URL_CLIENT_ERROR,
    RULE_SITEMAP_URL_SERVER_ERROR,
    RULE_SITEMAP_URL_NOINDEX,
    RULE_SITEMAP_URL_CANONICALIZED,
    RULE_SITEMAP_URL_BLOCKED,
    RULE_ORPHAN_URL,
    RULE_MISSING_FROM_SITEMAP,
    RULE_CANONICAL_TO_REDIRECT,
    RULE_CANONICAL_TO_ERROR,
    RULE_CANONICAL_TO_NOINDEX,
    RULE_CANONICAL_TO_BLOCKED,
    RULE_CANONICAL_CROSS_HOST,
    RULE_CANONICAL_CHAIN,
    RULE_CANONICAL_LOOP,
    RULE_NOINDEX_BLOCKED,
    RULE_NOINDEX_AND_CANONICAL,
    RULE_BROKEN_LINK,
    RULE_LINK_TO_REDIRECT,
    RULE_REDIRECT_CHAIN,
    RULE_REDIRECT_LOOP,
    RULE_DEEP_PAGE,
    RULE_UNREACHABLE_BY_FOLLOW,
    RULE_SINGLE_INLINK,
    RULE_DEAD_END,
    RULE_HREFLANG_NO_RETURN,
    RULE_HREFLANG_TO_ERROR,
    RULE_DUPLICATE_URL_VARIANTS,
    RULE_LINK_TO_MISSING_FRAGMENT,
    RULE_DUPLICATE_CONTENT,
    RULE_NEAR_DUPLICATE_CONTENT,
    RULE_SIGNALS_DISAGREE,
    RULE_SOFT_404,
    RULE_TITLE_MISSING,
    RULE_TITLE_DUPLICATE,
    RULE_META_DESCRIPTION_DUPLICATE,
    RULE_SITEMAP_LASTMOD_STALE,
    RULE_SITEMAP_LASTMOD_UNRELIABLE,
    RULE_SITEMAP_LASTMOD_HEADER_MISMATCH,
};

const enum rule_id *audit_graph_rules(size_t *count)
{
    *count = sizeof graph_rules / sizeof graph_rules[0];
    return graph_rules;
}

/* Each of these says "nothing else links here" or "no sitemap lists this" about a page: only
 * true when every page of the site was read. */
static const enum rule_id whole_graph_rules[] = {
    RULE_ORPHAN_URL,    RULE_MISSING_FROM_SITEMAP, RULE_UNREACHABLE_BY_FOLLOW,
    RULE_SINGLE_INLINK, RULE_ROOT_FILE_UNLINKED, /* checked by audit/root_unlinked, on the same condition */
};

const enum rule_id *audit_whole_graph_rules(size_t *count)
{
    *count = sizeof whole_graph_rules / sizeof whole_graph_rules[0];
    return whole_graph_rules;
}

bool audit_needs_whole_graph(enum rule_id rule)
{
    for (size_t i = 0; i < sizeof whole_graph_rules / sizeof whole_graph_rules[0]; i++)
        if (whole_graph_rules[i] == rule)
            return true;
    return false;
}

int audit_graph(const struct graph *graph, const struct graph_analysis *analysis, const struct audit_options *options,
                struct finding_list *out)
{
    static const struct audit_options defaults = {0};
    if (!options)
        options = &defaults;
    if (!graph_is_frozen(graph) || analysis->node_count != graph_node_count(graph))
        return CP_ERR_INVALID;
    struct audit_run run = {
        .graph = graph,
        .analysis = analysis,
        .facts = options->pages,
        .node_count = graph_node_count(graph),
        .max_click_depth = options->max_click_depth ? options->max_click_depth : AUDIT_DEFAULT_MAX_CLICK_DEPTH,
        .max_related = options->max_related ? options->max_related : AUDIT_DEFAULT_MAX_RELATED,
        .sitemaps_read = options->sitemaps_read,
        .partial = options->partial,
        .clusters = options->clusters,
        .fragment_links = options->fragment_links,
        .fragment_link_count = options->fragment_link_count,
        .crawl_started = options->crawl_started,
        .out = out,
    };
    buf_init(&run.message);
    run.ids = malloc(((size_t)run.node_count + 1) * sizeof *run.ids);
    run.stamp = calloc((size_t)run.node_count + 1, sizeof *run.stamp);
    int status = run.ids && run.stamp ? CP_OK : CP_ERR_NOMEM;
    if (status == CP_OK)
        status = audit_sitemap_rules(&run);
    if (status == CP_OK)
        status = audit_canonical_rules(&run);
    if (status == CP_OK)
        status = audit_link_rules(&run);
    if (status == CP_OK)
        status = audit_hreflang_rules(&run);
    if (status == CP_OK)
        status = audit_variant_rules(&run);
    if (status == CP_OK)
        status = audit_duplicate_rules(&run);
    if (status == CP_OK)
        status = audit_fragment_rules(&run);
    if (status == CP_OK)
        status = audit_lastmod_rules(&run);
    free(run.ids);
    free(run.stamp);
    buf_free(&run.message);
    return status;
}
