/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for linkgraph/clusters: the permuted block tables against all pairs, exact and near
 * clusters over a small graph, the candidate rule, and each signal's vote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/analysis.h"
#include "linkgraph/clusters.h"
#include "linkgraph/graph.h"
#include "web/fingerprint.h"

#define HTML_PAGE (GRAPH_NODE_FETCHED | GRAPH_NODE_HTML | GRAPH_NODE_IN_SCOPE)

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* ---- the block tables find exactly the pairs all-pairs finds ---- */

struct pair_set {
    uint8_t *near; /* count * count matrix */
    uint32_t count;
};

static void record(void *context, uint32_t a, uint32_t b)
{
    struct pair_set *s = context;
    s->near[a * s->count + b] = s->near[b * s->count + a] = 1;
}

static void test_block_tables_match_all_pairs(void **state)
{
    (void)state;
    enum { N = 600 };
    uint64_t hashes[N], x = 88172645463325252u;
    for (uint32_t i = 0; i < N; i++) {
        /* every third one is a copy of an earlier one with 0..5 bits flipped */
        if (i > 10 && i % 3 == 0) {
            hashes[i] = hashes[next_random(&x) % i];
            for (uint64_t flips = next_random(&x) % 6; flips > 0; flips--)
                hashes[i] ^= (uint64_t)1 << (next_random(&x) % 64);
        } else {
            hashes[i] = next_random(&x);
        }
    }
    struct pair_set found = {calloc(N * N, 1), N};
    assert_non_null(found.near);
    assert_int_equal(clusters_near_pairs(hashes, N, record, &found), CP_OK);
    size_t expected = 0;
    for (uint32_t a = 0; a < N; a++)
        for (uint32_t b = a + 1; b < N; b++) {
            bool near = fingerprint_distance(hashes[a], hashes[b]) <= FINGERPRINT_NEAR_BITS;
            expected += near;
            assert_int_equal(found.near[a * N + b], near);
        }
    assert_true(expected > 50); /* the test plants enough pairs to mean something */
    free(found.near);
}

/* ---- clusters over a graph ---- */

static uint32_t page(struct graph *graph, const char *name, uint16_t status, uint16_t flags)
{
    char url[128];
    int length = snprintf(url, sizeof url, "https://t.test/%s", name);
    uint32_t id = graph_intern(graph, url, (size_t)length, NULL);
    assert_int_not_equal(id, GRAPH_NO_NODE);
    assert_int_equal(graph_set_status(graph, id, status), CP_OK);
    assert_int_equal(graph_set_flags(graph, id, flags), CP_OK);
    return id;
}

static void edge(struct graph *graph, uint32_t source, uint32_t target, uint8_t meta)
{
    assert_int_equal(graph_add_edge(graph, source, target, meta | GRAPH_EDGE_SOURCE_IN_SCOPE), CP_OK);
}

static void canonical(struct graph *graph, uint32_t page_id, uint32_t target)
{
    edge(graph, page_id, target, GRAPH_EDGE_CANONICAL);
    assert_int_equal(graph_set_canonical(graph, page_id, target), CP_OK);
}

struct site {
    struct graph *graph;
    struct graph_analysis analysis;
    struct cluster_input inputs[16];
    struct clusters clusters;
};

static void build(struct site *s)
{
    assert_int_equal(graph_freeze(s->graph), CP_OK);
    assert_int_equal(graph_analyze(&s->analysis, s->graph, NULL), CP_OK);
    assert_int_equal(clusters_build(s->graph, &s->analysis, s->inputs, &s->clusters), CP_OK);
}

static void done(struct site *s)
{
    clusters_free(&s->clusters);
    graph_analysis_free(&s->analysis);
    graph_destroy(s->graph);
}

static const struct cluster *cluster_of(const struct site *s, uint32_t node)
{
    uint32_t c = s->clusters.cluster_of[node];
    return c == CLUSTERS_NONE ? NULL : &s->clusters.list[c];
}

static void test_exact_near_and_apart(void **state)
{
    (void)state;
    struct site s = {.graph = graph_create(0)};
    uint32_t home = page(s.graph, "", 200, HTML_PAGE | GRAPH_NODE_START), a = page(s.graph, "a", 200, HTML_PAGE),
             b = page(s.graph, "b", 200, HTML_PAGE), n1 = page(s.graph, "n1", 200, HTML_PAGE),
             n2 = page(s.graph, "n2", 200, HTML_PAGE), thin = page(s.graph, "thin", 200, HTML_PAGE),
             thin2 = page(s.graph, "thin2", 200, HTML_PAGE),
             noindex = page(s.graph, "noindex", 200, HTML_PAGE | GRAPH_NODE_NOINDEX_META);
    uint32_t all[] = {a, b, n1, n2, thin, thin2, noindex};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        edge(s.graph, home, all[i], GRAPH_EDGE_LINK);
    s.inputs[home] = (struct cluster_input){11, 0x1111, 100};
    s.inputs[a] = s.inputs[b] = s.inputs[noindex] = (struct cluster_input){42, 0xF0F0F0F0F0F0F0F0u, 200};
    s.inputs[n1] = (struct cluster_input){7, 0x0123456789ABCDEFu, 300};
    s.inputs[n2] = (struct cluster_input){8, 0x0123456789ABCDEFu ^ 0x8000000000000101u, 300};
    s.inputs[thin] = s.inputs[thin2] = (struct cluster_input){5, 5, CLUSTERS_MIN_WORDS - 1};
    build(&s);
    assert_int_equal(s.clusters.count, 2);
    const struct cluster *exact = cluster_of(&s, a), *near = cluster_of(&s, n1);
    assert_non_null(exact);
    assert_ptr_equal(exact, cluster_of(&s, b));
    assert_int_equal(exact->count, 2);
    assert_int_equal(exact->kind, CLUSTER_EXACT);
    assert_ptr_equal(near, cluster_of(&s, n2));
    assert_int_equal(near->kind, CLUSTER_NEAR);
    assert_null(cluster_of(&s, thin));    /* too few words */
    assert_null(cluster_of(&s, noindex)); /* not an indexable candidate */
    assert_null(cluster_of(&s, home));
    /* members in URL order; clusters by their first URL */
    assert_int_equal(s.clusters.members[exact->first], a);
    assert_true(exact < near);
    assert_false(exact->picked);
    done(&s);
}

/* The fixture's three-way split: canonical names p, the sitemap lists s, most links go to l. */
static void test_votes_and_preferred(void **state)
{
    (void)state;
    struct site s = {.graph = graph_create(0)};
    uint32_t home = page(s.graph, "", 200, HTML_PAGE | GRAPH_NODE_START), p = page(s.graph, "p", 200, HTML_PAGE),
             sm = page(s.graph, "s", 200, HTML_PAGE), l = page(s.graph, "l", 200, HTML_PAGE),
             x = page(s.graph, "x", 200, HTML_PAGE), y = page(s.graph, "y", 200, HTML_PAGE),
             map = page(s.graph, "sitemap.xml", 200, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE);
    canonical(s.graph, p, p);
    canonical(s.graph, sm, p);
    canonical(s.graph, l, p);
    edge(s.graph, home, l, GRAPH_EDGE_LINK);
    edge(s.graph, x, l, GRAPH_EDGE_LINK);
    edge(s.graph, y, l, GRAPH_EDGE_LINK);
    edge(s.graph, home, p, GRAPH_EDGE_LINK);
    edge(s.graph, home, sm, GRAPH_EDGE_LINK);
    edge(s.graph, home, x, GRAPH_EDGE_LINK);
    edge(s.graph, home, y, GRAPH_EDGE_LINK);
    assert_int_equal(graph_add_sitemap_entry(s.graph, sm, map, 3, GRAPH_NO_LASTMOD), CP_OK);
    s.inputs[p] = s.inputs[sm] = s.inputs[l] = (struct cluster_input){9, 9, 50};
    s.inputs[x] = (struct cluster_input){1, 0x5555555555555555u, 50};
    s.inputs[y] = (struct cluster_input){2, 0xAAAAAAAAAAAAAAAAu, 50};
    build(&s);
    const struct cluster *c = cluster_of(&s, p);
    assert_non_null(c);
    assert_int_equal(c->count, 3);
    assert_int_equal(c->vote[CLUSTER_SIGNAL_CANONICAL], p);
    assert_int_equal(c->vote[CLUSTER_SIGNAL_SITEMAP], sm);
    assert_int_equal(c->vote[CLUSTER_SIGNAL_LINKS], l);
    assert_int_equal(c->vote[CLUSTER_SIGNAL_REDIRECT], CLUSTERS_NO_VOTE);
    assert_int_equal(c->vote[CLUSTER_SIGNAL_HREFLANG], CLUSTERS_NO_VOTE);
    assert_int_equal(c->preferred, p); /* canonical weighs 3, sitemap and links 1 each */
    assert_true(c->disagree);
    assert_true(c->picked); /* every member but p defers to p */
    assert_int_equal(c->inlinks_total, 5);
    done(&s);
}

/* Self-canonicals on both copies choose nothing; a tie in links abstains; the shorter URL wins. */
static void test_split_canonicals_pick_nothing(void **state)
{
    (void)state;
    struct site s = {.graph = graph_create(0)};
    uint32_t home = page(s.graph, "", 200, HTML_PAGE | GRAPH_NODE_START),
             longer = page(s.graph, "legal/terms", 200, HTML_PAGE), shorter = page(s.graph, "terms", 200, HTML_PAGE);
    canonical(s.graph, longer, longer);
    canonical(s.graph, shorter, shorter);
    edge(s.graph, home, longer, GRAPH_EDGE_LINK);
    edge(s.graph, home, shorter, GRAPH_EDGE_LINK);
    s.inputs[longer] = s.inputs[shorter] = (struct cluster_input){3, 3, 40};
    build(&s);
    const struct cluster *c = cluster_of(&s, shorter);
    assert_non_null(c);
    assert_int_equal(c->vote[CLUSTER_SIGNAL_CANONICAL], CLUSTERS_NO_VOTE);
    assert_int_equal(c->vote[CLUSTER_SIGNAL_LINKS], CLUSTERS_NO_VOTE);
    assert_false(c->picked);
    assert_false(c->disagree);
    assert_int_equal(c->preferred, shorter);
    done(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_tables_match_all_pairs),
        cmocka_unit_test(test_exact_near_and_apart),
        cmocka_unit_test(test_votes_and_preferred),
        cmocka_unit_test(test_split_canonicals_pick_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
