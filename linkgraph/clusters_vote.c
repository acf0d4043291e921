/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/clusters_vote: splitting the clustered pages into clusters, and each signal's vote (the
 * rules are in linkgraph/clusters.h). Every count is read from the graph or its analysis. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/clusters_internal.h"

static uint32_t root_of(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

int clusters_layout(uint32_t *parent, const uint32_t *size, struct clusters *out)
{
    uint32_t *index_of_root = malloc((size_t)out->node_count * sizeof *index_of_root + 1);
    uint32_t *placed = malloc(out->member_count * sizeof *placed + 1);
    size_t sets = 0;
    for (size_t i = 0; i < out->member_count; i++)
        sets += parent[out->members[i]] == out->members[i];
    out->list = calloc(sets + 1, sizeof *out->list);
    if (!index_of_root || !placed || !out->list) {
        free(index_of_root);
        free(placed);
        return CP_ERR_NOMEM;
    }
    /* roots unseen, then numbered as their first member comes in URL order */
    for (size_t i = 0; i < out->member_count; i++)
        index_of_root[root_of(parent, out->members[i])] = CLUSTERS_NONE;
    uint32_t next = 0;
    for (size_t i = 0; i < out->member_count; i++) {
        uint32_t root = root_of(parent, out->members[i]);
        if (index_of_root[root] == CLUSTERS_NONE) {
            index_of_root[root] = next;
            out->list[next++].count = size[root];
        }
    }
    out->count = next;
    uint32_t offset = 0;
    for (size_t c = 0; c < out->count; c++) {
        out->list[c].first = offset;
        offset += out->list[c].count;
        out->list[c].count = 0;
    }
    for (size_t i = 0; i < out->member_count; i++) {
        uint32_t node = out->members[i];
        struct cluster *c = &out->list[index_of_root[root_of(parent, node)]];
        placed[c->first + c->count++] = node;
        out->cluster_of[node] = (uint32_t)(c - out->list);
    }
    memcpy(out->members, placed, out->member_count * sizeof *placed);
    free(index_of_root);
    free(placed);
    return CP_OK;
}

/* ---- votes ---- */

static const unsigned signal_weight[CLUSTER_SIGNAL_COUNT] = {3, 3, 1, 1, 2};

/* In-edges of one kind from other in-scope pages. */
static uint32_t in_edges_of_kind(const struct graph *graph, uint32_t node, enum graph_edge_kind kind)
{
    struct graph_edges in = graph_in_edges(graph, node);
    uint32_t count = 0;
    for (uint32_t i = 0; i < in.count; i++)
        count += graph_edge_kind(in.meta[i]) == kind && (in.meta[i] & GRAPH_EDGE_SOURCE_IN_SCOPE) &&
                 in.nodes[i] != node;
    return count;
}

static uint32_t sitemap_entries(const struct graph *graph, uint32_t node)
{
    uint32_t count = 0;
    for (uint32_t e = graph_node(graph, node)->sitemap_first; e != GRAPH_NO_NODE && count < UINT32_MAX;
         e = graph_sitemap_entry(graph, e)->next)
        count++;
    return count;
}

/* The member with the strictly highest count above 0, or CLUSTERS_NO_VOTE (none, or a tie). */
static uint32_t unique_max(const uint32_t *members, const uint32_t *counts, uint32_t n)
{
    uint32_t best = CLUSTERS_NO_VOTE, best_count = 0;
    bool tie = false;
    for (uint32_t i = 0; i < n; i++) {
        if (counts[i] > best_count) {
            best = members[i], best_count = counts[i], tie = false;
        } else if (counts[i] == best_count && best_count > 0) {
            tie = true;
        }
    }
    return tie ? CLUSTERS_NO_VOTE : best;
}

/* Whether the canonicals already settle the cluster: every member but one declares a canonical
 * ending at that one (target), or every member declares one ending elsewhere than itself (the
 * duplicates all defer to other URLs, as a staging copy's pages do). */
static bool canonicals_settle(const struct graph_analysis *analysis, const uint32_t *members, uint32_t n,
                              uint32_t target, const bool *declares)
{
    uint32_t away = 0, to_target = 0;
    bool target_is_member = false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t end = analysis->canonical_final[members[i]];
        bool defers = declares[i] && end != GRAPH_NO_NODE && end != members[i];
        away += defers;
        to_target += defers && end == target;
        target_is_member |= members[i] == target;
    }
    return away == n || (target != CLUSTERS_NO_VOTE && to_target == n - target_is_member);
}

/* The canonical vote: the one URL every declaring member's canonical ends at. */
static uint32_t canonical_vote(const struct graph *graph, const struct graph_analysis *analysis,
                               const uint32_t *members, uint32_t n, bool *picked)
{
    uint32_t target = CLUSTERS_NO_VOTE;
    bool split = false, declares_stack[64], *declares = n <= 64 ? declares_stack : malloc(n * sizeof *declares);
    if (!declares) { /* no memory for the settle test: the cluster counts as unsettled, and is reported */
        *picked = false;
        return CLUSTERS_NO_VOTE;
    }
    for (uint32_t i = 0; i < n; i++) {
        declares[i] = graph_node(graph, members[i])->canonical != GRAPH_NO_NODE;
        if (!declares[i])
            continue;
        uint32_t end = analysis->canonical_final[members[i]];
        split |= end == GRAPH_NO_NODE || (target != CLUSTERS_NO_VOTE && end != target);
        target = end;
    }
    if (split)
        target = CLUSTERS_NO_VOTE;
    *picked = canonicals_settle(analysis, members, n, target, declares);
    if (declares != declares_stack)
        free(declares);
    return target;
}

/* The member the votes elect; ties: more followable inlinks, shorter URL, byte order (members are
 * in URL order, so the first of equals wins the last step). */
static uint32_t elect(const struct graph *graph, const struct graph_analysis *analysis, const struct cluster *c,
                      const uint32_t *members)
{
    uint32_t best = members[0];
    unsigned best_score = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        uint32_t m = members[i];
        unsigned score = 0;
        for (int s = 0; s < CLUSTER_SIGNAL_COUNT; s++)
            score += c->vote[s] == m ? signal_weight[s] : 0;
        if (i == 0) {
            best_score = score;
            continue;
        }
        size_t length, best_length;
        graph_url(graph, m, &length);
        graph_url(graph, best, &best_length);
        uint32_t links = analysis->inlinks_followable[m], best_links = analysis->inlinks_followable[best];
        if (score > best_score ||
            (score == best_score && (links > best_links || (links == best_links && length < best_length)))) {
            best = m;
            best_score = score;
        }
    }
    return best;
}

static void vote_one(const struct graph *graph, const struct graph_analysis *analysis,
                     const struct cluster_input *pages, struct cluster *c, const uint32_t *members, uint32_t *counts)
{
    c->kind = CLUSTER_EXACT;
    for (uint32_t i = 1; i < c->count; i++)
        if (pages[members[i]].content_hash != pages[members[0]].content_hash)
            c->kind = CLUSTER_NEAR;
    bool picked = false;
    c->vote[CLUSTER_SIGNAL_CANONICAL] = canonical_vote(graph, analysis, members, c->count, &picked);
    for (uint32_t i = 0; i < c->count; i++)
        counts[i] = in_edges_of_kind(graph, members[i], GRAPH_EDGE_REDIRECT);
    c->vote[CLUSTER_SIGNAL_REDIRECT] = unique_max(members, counts, c->count);
    for (uint32_t i = 0; i < c->count; i++)
        counts[i] = sitemap_entries(graph, members[i]);
    c->vote[CLUSTER_SIGNAL_SITEMAP] = unique_max(members, counts, c->count);
    c->inlinks_total = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        counts[i] = analysis->inlinks_followable[members[i]];
        c->inlinks_total += counts[i];
    }
    c->vote[CLUSTER_SIGNAL_LINKS] = unique_max(members, counts, c->count);
    for (uint32_t i = 0; i < c->count; i++)
        counts[i] = in_edges_of_kind(graph, members[i], GRAPH_EDGE_HREFLANG);
    c->vote[CLUSTER_SIGNAL_HREFLANG] = unique_max(members, counts, c->count);
    c->picked = picked;
    c->preferred = elect(graph, analysis, c, members);
    uint32_t first = CLUSTERS_NO_VOTE;
    c->disagree = false;
    for (int s = 0; s < CLUSTER_SIGNAL_COUNT; s++) {
        if (c->vote[s] == CLUSTERS_NO_VOTE)
            continue;
        if (first != CLUSTERS_NO_VOTE && c->vote[s] != first)
            c->disagree = true;
        first = c->vote[s];
    }
}

int clusters_vote(const struct graph *graph, const struct graph_analysis *analysis, const struct cluster_input *pages,
                  struct clusters *out)
{
    uint32_t largest = 0;
    for (size_t c = 0; c < out->count; c++)
        largest = out->list[c].count > largest ? out->list[c].count : largest;
    uint32_t stack_counts[64];
    uint32_t *counts = largest <= 64 ? stack_counts : malloc((size_t)largest * sizeof *counts);
    if (!counts)
        return CP_ERR_NOMEM;
    for (size_t c = 0; c < out->count; c++) {
        struct cluster *cluster = &out->list[c];
        for (int s = 0; s < CLUSTER_SIGNAL_COUNT; s++)
            cluster->vote[s] = CLUSTERS_NO_VOTE;
        cluster->preferred = out->members[cluster->first];
        vote_one(graph, analysis, pages, cluster, out->members + cluster->first, counts);
    }
    if (counts != stack_counts)
        free(counts);
    return CP_OK;
}
