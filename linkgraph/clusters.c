/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/clusters: candidates -> union-find over exact hashes and near SimHash pairs (permuted
 * block tables) -> clusters sorted by URL (see linkgraph/clusters.h). The votes are in
 * clusters_vote.c. */
#include "linkgraph/clusters.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/clusters_internal.h"
#include "web/fingerprint.h"

bool clusters_candidate(const struct graph *graph, const struct graph_analysis *analysis, uint32_t node,
                        const struct cluster_input *page)
{
    const struct graph_node *n = graph_node(graph, node);
    if (!page->content_hash || page->main_words < CLUSTERS_MIN_WORDS || n->status != 200 ||
        !(n->flags & GRAPH_NODE_HTML) || !(n->flags & GRAPH_NODE_IN_SCOPE))
        return false;
    return (analysis->verdict[node] & ~GRAPH_VERDICT_CANONICALISED) == 0;
}

/* ---- radix sort of (key, index) pairs ---- */

struct keyed {
    uint64_t key;
    uint32_t index;
};

/* LSD radix sort, 8 bits a pass; tmp has count entries. Stable, O(8 n). */
static void radix_sort(struct keyed *items, struct keyed *tmp, uint32_t count)
{
    for (int shift = 0; shift < 64; shift += 8) {
        uint32_t offsets[257] = {0};
        for (uint32_t i = 0; i < count; i++)
            offsets[((items[i].key >> shift) & 0xFF) + 1]++;
        if (offsets[1] == count) /* every item has the same byte here: nothing moves */
            continue;
        for (int b = 0; b < 256; b++)
            offsets[b + 1] += offsets[b];
        for (uint32_t i = 0; i < count; i++)
            tmp[offsets[(items[i].key >> shift) & 0xFF]++] = items[i];
        memcpy(items, tmp, (size_t)count * sizeof *items);
    }
}

/* ---- near pairs: 5 blocks, 10 tables of block pairs ---- */

#define BLOCKS 5
static const unsigned block_start[BLOCKS] = {0, 13, 26, 39, 52};
static const unsigned block_width[BLOCKS] = {13, 13, 13, 13, 12};

static uint64_t block_mask(int b)
{
    return (((uint64_t)1 << block_width[b]) - 1) << block_start[b];
}

/* Blocks i and j on top (the table's prefix), then the other bits' top part for order within a range. */
static uint64_t permuted(uint64_t h, int i, int j)
{
    uint64_t bi = (h & block_mask(i)) >> block_start[i], bj = (h & block_mask(j)) >> block_start[j];
    unsigned width = block_width[i] + block_width[j];
    uint64_t rest = h & ~(block_mask(i) | block_mask(j));
    return ((bi << block_width[j] | bj) << (64 - width)) | (rest >> width);
}

static void scan_table(const struct keyed *items, uint32_t count, const uint64_t *simhash, unsigned prefix_bits,
                       void (*join)(void *, uint32_t, uint32_t), void *context)
{
    for (uint32_t a = 0; a < count; a++) {
        uint64_t prefix = items[a].key >> (64 - prefix_bits);
        uint32_t end = count - a - 1 > CLUSTERS_MAX_WINDOW ? a + 1 + CLUSTERS_MAX_WINDOW : count;
        for (uint32_t b = a + 1; b < end && items[b].key >> (64 - prefix_bits) == prefix; b++)
            if (fingerprint_distance(simhash[items[a].index], simhash[items[b].index]) <= FINGERPRINT_NEAR_BITS)
                join(context, items[a].index, items[b].index);
    }
}

int clusters_near_pairs(const uint64_t *simhash, uint32_t count, void (*join)(void *, uint32_t, uint32_t),
                        void *context)
{
    struct keyed *items = malloc((size_t)count * sizeof *items + 1);
    struct keyed *tmp = malloc((size_t)count * sizeof *tmp + 1);
    if (!items || !tmp) {
        free(items);
        free(tmp);
        return CP_ERR_NOMEM;
    }
    for (int i = 0; i < BLOCKS; i++)
        for (int j = i + 1; j < BLOCKS; j++) {
            for (uint32_t k = 0; k < count; k++)
                items[k] = (struct keyed){permuted(simhash[k], i, j), k};
            radix_sort(items, tmp, count);
            scan_table(items, count, simhash, block_width[i] + block_width[j], join, context);
        }
    free(items);
    free(tmp);
    return CP_OK;
}

/* ---- union-find over node ids ---- */

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void unite(uint32_t *parent, uint32_t a, uint32_t b)
{
    a = find(parent, a);
    b = find(parent, b);
    if (a != b) /* the smaller id is the root: deterministic, and ids are dense */
        parent[a > b ? a : b] = a < b ? a : b;
}

struct near_join {
    uint32_t *parent;
    const uint32_t *node_of; /* distinct SimHash index -> a node with it */
};

static void join_near(void *context, uint32_t a, uint32_t b)
{
    struct near_join *j = context;
    unite(j->parent, j->node_of[a], j->node_of[b]);
}

/* Same content hash -> one set; same SimHash -> one set, and one entry in the near tables. */
static int join_pages(const uint32_t *nodes, uint32_t n, const struct cluster_input *pages, uint32_t *parent)
{
    struct keyed *items = malloc((size_t)n * sizeof *items + 1), *tmp = malloc((size_t)n * sizeof *tmp + 1);
    uint64_t *distinct = malloc((size_t)n * sizeof *distinct + 1);
    uint32_t *node_of = malloc((size_t)n * sizeof *node_of + 1);
    int status = items && tmp && distinct && node_of ? CP_OK : CP_ERR_NOMEM;
    if (status == CP_OK) {
        for (uint32_t i = 0; i < n; i++)
            items[i] = (struct keyed){pages[nodes[i]].content_hash, nodes[i]};
        radix_sort(items, tmp, n);
        for (uint32_t i = 1; i < n; i++)
            if (items[i].key == items[i - 1].key)
                unite(parent, items[i].index, items[i - 1].index);
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++)
            if (pages[nodes[i]].main_words >= FINGERPRINT_MIN_NEAR_WORDS)
                items[m++] = (struct keyed){pages[nodes[i]].simhash, nodes[i]};
        radix_sort(items, tmp, m);
        uint32_t d = 0;
        for (uint32_t i = 0; i < m; i++) {
            if (d > 0 && distinct[d - 1] == items[i].key) {
                unite(parent, items[i].index, node_of[d - 1]);
                continue;
            }
            distinct[d] = items[i].key;
            node_of[d++] = items[i].index;
        }
        struct near_join join = {parent, node_of};
        status = clusters_near_pairs(distinct, d, join_near, &join);
    }
    free(items);
    free(tmp);
    free(distinct);
    free(node_of);
    return status;
}

/* ---- clusters from the sets ---- */

struct url_and_id {
    const char *url;
    uint32_t id;
};

static int compare_url_and_id(const void *a, const void *b)
{
    return strcmp(((const struct url_and_id *)a)->url, ((const struct url_and_id *)b)->url);
}

/* ids sorted by URL (byte order). CP_OK or CP_ERR_NOMEM. */
static int sort_by_url(const struct graph *graph, uint32_t *ids, size_t count)
{
    struct url_and_id *pairs = malloc(count * sizeof *pairs + 1);
    if (!pairs)
        return CP_ERR_NOMEM;
    for (size_t i = 0; i < count; i++)
        pairs[i] = (struct url_and_id){graph_url(graph, ids[i], NULL), ids[i]};
    qsort(pairs, count, sizeof *pairs, compare_url_and_id);
    for (size_t i = 0; i < count; i++)
        ids[i] = pairs[i].id;
    free(pairs);
    return CP_OK;
}

static int group(const struct graph *graph, const uint32_t *nodes, uint32_t n, uint32_t *parent, struct clusters *out)
{
    /* count set sizes at the roots */
    uint32_t *size = calloc(out->node_count + 1, sizeof *size);
    if (!size)
        return CP_ERR_NOMEM;
    for (uint32_t i = 0; i < n; i++)
        size[find(parent, nodes[i])]++;
    uint32_t members = 0;
    for (uint32_t i = 0; i < n; i++)
        members += size[find(parent, nodes[i])] >= 2;
    out->members = malloc((size_t)members * sizeof *out->members + 1);
    if (!out->members) {
        free(size);
        return CP_ERR_NOMEM;
    }
    /* members sorted by URL, then split into sets in order of their smallest URL */
    for (uint32_t i = 0; i < n; i++)
        if (size[find(parent, nodes[i])] >= 2)
            out->members[out->member_count++] = nodes[i];
    int status = sort_by_url(graph, out->members, out->member_count);
    if (status == CP_OK)
        status = clusters_layout(parent, size, out);
    free(size);
    return status;
}

int clusters_build(const struct graph *graph, const struct graph_analysis *analysis, const struct cluster_input *pages,
                   struct clusters *out)
{
    memset(out, 0, sizeof *out);
    if (!graph_is_frozen(graph) || analysis->node_count != graph_node_count(graph))
        return CP_ERR_INVALID;
    uint32_t count = graph_node_count(graph);
    out->node_count = count;
    uint32_t *parent = malloc((size_t)count * sizeof *parent + 1);
    uint32_t *nodes = malloc((size_t)count * sizeof *nodes + 1);
    out->cluster_of = malloc((size_t)count * sizeof *out->cluster_of + 1);
    int status = parent && nodes && out->cluster_of ? CP_OK : CP_ERR_NOMEM;
    uint32_t n = 0;
    for (uint32_t id = 0; status == CP_OK && id < count; id++) {
        parent[id] = id;
        out->cluster_of[id] = CLUSTERS_NONE;
        if (clusters_candidate(graph, analysis, id, &pages[id]))
            nodes[n++] = id;
    }
    if (status == CP_OK)
        status = join_pages(nodes, n, pages, parent);
    if (status == CP_OK)
        status = group(graph, nodes, n, parent, out);
    if (status == CP_OK)
        status = clusters_vote(graph, analysis, pages, out);
    free(parent);
    free(nodes);
    if (status != CP_OK)
        clusters_free(out);
    return status;
}

void clusters_free(struct clusters *clusters)
{
    free(clusters->list);
    free(clusters->members);
    free(clusters->cluster_of);
    memset(clusters, 0, sizeof *clusters);
}

const char *cluster_signal_name(enum cluster_signal signal)
{
    static const char *const names[] = {"canonical", "redirect", "sitemap", "links", "hreflang"};
    return (size_t)signal < sizeof names / sizeof names[0] ? names[signal] : "?";
}

const char *cluster_kind_name(enum cluster_kind kind)
{
    return kind == CLUSTER_EXACT ? "exact" : "near";
}
