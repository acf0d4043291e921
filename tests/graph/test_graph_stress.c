/* SPDX-License-Identifier: Apache-2.0 */
/* Stress test for linkgraph: a generated site of 100,000 pages, frozen and analysed; every result is
 * checked against invariants that hold for any graph (no timing is measured here: see bench/audit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "common/error.h"
#include "linkgraph/analysis.h"
#include "linkgraph/graph.h"
#include "synthetic_graph.h"

#define NODES 100000u
#define EDGES 1200000u

struct fixture {
    struct graph *graph;
    struct graph_analysis analysis;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct synthetic_graph plan = synthetic_graph_plan(NODES, EDGES, 7);
    f->graph = graph_create(0);
    if (!f->graph || synthetic_graph_add_nodes(f->graph, &plan) != CP_OK ||
        synthetic_graph_add_edges(f->graph, &plan) != CP_OK || graph_freeze(f->graph) != CP_OK ||
        graph_analyze(&f->analysis, f->graph, NULL) != CP_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    graph_analysis_free(&f->analysis);
    graph_destroy(f->graph);
    free(f);
    return 0;
}

static bool followable(const struct graph *graph, uint32_t source, uint8_t meta)
{
    if (!(meta & GRAPH_EDGE_SOURCE_IN_SCOPE))
        return false;
    bool ok200 = graph_node(graph, source)->status == 200;
    switch (graph_edge_kind(meta)) {
    case GRAPH_EDGE_REDIRECT: return true;
    case GRAPH_EDGE_LINK: return ok200 && !(meta & GRAPH_REL_ANY_NOFOLLOW);
    case GRAPH_EDGE_IFRAME:
    case GRAPH_EDGE_REFRESH: return ok200;
    default: return false;
    }
}

static bool any_link(uint8_t meta)
{
    enum graph_edge_kind kind = graph_edge_kind(meta);
    return (meta & GRAPH_EDGE_SOURCE_IN_SCOPE) && kind != GRAPH_EDGE_CANONICAL && kind != GRAPH_EDGE_HREFLANG;
}

static uint32_t cost(uint8_t meta)
{
    enum graph_edge_kind kind = graph_edge_kind(meta);
    return kind == GRAPH_EDGE_REDIRECT || kind == GRAPH_EDGE_REFRESH ? 0 : 1;
}

static void test_graph_shape(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(graph_node_count(f->graph), NODES);
    assert_int_equal(graph_edge_count(f->graph), EDGES);
    uint64_t out_total = 0, in_total = 0;
    for (uint32_t id = 0; id < NODES; id++) {
        out_total += graph_out_edges(f->graph, id).count;
        in_total += graph_in_edges(f->graph, id).count;
    }
    assert_int_equal(out_total, EDGES);
    assert_int_equal(in_total, EDGES);
}

/* Depths are consistent along every edge (no edge shortens a path) and tight (every reached page
 * other than a start has an edge from a page one click, or zero clicks, shallower). */
static void check_depths(const struct graph *graph, const uint32_t *depth, bool only_followable)
{
    uint32_t reached = 0;
    for (uint32_t id = 0; id < NODES; id++) {
        struct graph_edges out = graph_out_edges(graph, id);
        for (uint32_t e = 0; e < out.count && depth[id] != GRAPH_UNREACHED; e++) {
            bool counts = only_followable ? followable(graph, id, out.meta[e]) : any_link(out.meta[e]);
            if (counts)
                assert_true(depth[out.nodes[e]] <= depth[id] + cost(out.meta[e]));
        }
        if (depth[id] == GRAPH_UNREACHED)
            continue;
        reached++;
        if (graph_node(graph, id)->flags & GRAPH_NODE_START) {
            assert_int_equal(depth[id], 0);
            continue;
        }
        bool tight = false;
        struct graph_edges in = graph_in_edges(graph, id);
        for (uint32_t e = 0; e < in.count && !tight; e++) {
            uint32_t source = in.nodes[e];
            bool counts = only_followable ? followable(graph, source, in.meta[e]) : any_link(in.meta[e]);
            tight = counts && depth[source] != GRAPH_UNREACHED && depth[source] + cost(in.meta[e]) == depth[id];
        }
        assert_true(tight);
    }
    assert_true(reached > NODES / 2);
}

static void test_depths(void **state)
{
    struct fixture *f = *state;
    check_depths(f->graph, f->analysis.depth_followable, true);
    check_depths(f->graph, f->analysis.depth_any, false);
    for (uint32_t id = 0; id < NODES; id++)
        assert_true(f->analysis.depth_any[id] <= f->analysis.depth_followable[id]);
}

/* Tarjan numbers components in reverse topological order, and reach-back agrees with it: a page the
 * start reaches can reach the start back exactly when it shares the start's component. */
static void test_components(void **state)
{
    struct fixture *f = *state;
    const struct graph_analysis *a = &f->analysis;
    for (uint32_t id = 0; id < NODES; id++) {
        assert_true(a->component[id] < a->component_count);
        struct graph_edges out = graph_out_edges(f->graph, id);
        for (uint32_t e = 0; e < out.count; e++) {
            if (!followable(f->graph, id, out.meta[e]))
                continue;
            assert_true(a->component[out.nodes[e]] <= a->component[id]);
            if (a->flags[out.nodes[e]] & GRAPH_PAGE_REACHES_START)
                assert_true(a->flags[id] & GRAPH_PAGE_REACHES_START);
        }
        if (a->depth_followable[id] != GRAPH_UNREACHED)
            assert_int_equal(a->component[id] == a->start_component, !!(a->flags[id] & GRAPH_PAGE_REACHES_START));
    }
    assert_int_equal(a->start_component, a->component[0]);
    assert_true(a->component_count > 1);
}

static void test_chains(void **state)
{
    struct fixture *f = *state;
    const struct graph_analysis *a = &f->analysis;
    uint32_t chains = 0, loops = 0;
    for (uint32_t id = 0; id < NODES; id++) {
        uint32_t next = graph_node(f->graph, id)->redirect;
        bool loop = a->flags[id] & GRAPH_PAGE_REDIRECT_LOOP;
        if (next == GRAPH_NO_NODE) {
            assert_int_equal(a->redirect_final[id], id);
            assert_int_equal(a->redirect_hops[id], 0);
            assert_false(loop);
            continue;
        }
        assert_int_equal(loop, !!(a->flags[next] & GRAPH_PAGE_REDIRECT_LOOP));
        if (loop) {
            loops++;
            assert_int_equal(a->redirect_final[id], GRAPH_NO_NODE);
            assert_true(a->redirect_hops[id] >= 1);
        } else {
            assert_int_equal(a->redirect_final[id], a->redirect_final[next]);
            assert_int_equal(a->redirect_hops[id], a->redirect_hops[next] + 1);
            assert_int_equal(graph_node(f->graph, a->redirect_final[id])->redirect, GRAPH_NO_NODE);
            chains += a->redirect_hops[id] > 1;
        }
        uint32_t chain[64];
        uint32_t length = graph_redirect_chain(f->graph, id, chain, 64);
        if (!loop && a->redirect_hops[id] < 63)
            assert_int_equal(length, a->redirect_hops[id] + 1);
    }
    assert_true(chains > 0);
    assert_true(loops > 0);
    /* Canonical ends are pages that end a chain: no redirect, and no canonical elsewhere. */
    for (uint32_t id = 0; id < NODES; id++) {
        uint32_t end = a->canonical_final[id];
        if (a->flags[id] & GRAPH_PAGE_CANONICAL_LOOP) {
            assert_int_equal(end, GRAPH_NO_NODE);
            continue;
        }
        if (a->canonical_length[id] == 0) {
            assert_int_equal(end, id);
            continue;
        }
        const struct graph_node *node = graph_node(f->graph, end);
        assert_int_equal(node->redirect, GRAPH_NO_NODE);
        assert_true(node->canonical == GRAPH_NO_NODE || node->canonical == end);
    }
}

static void test_pagerank(void **state)
{
    struct fixture *f = *state;
    const struct graph_analysis *a = &f->analysis;
    double sum = 0.0, low = 1.0, high = 0.0;
    uint32_t in_scope = 0;
    for (uint32_t id = 0; id < NODES; id++) {
        if (!(graph_node(f->graph, id)->flags & GRAPH_NODE_IN_SCOPE)) {
            assert_true(a->pagerank[id] == 0.0f);
            assert_int_equal(a->link_score[id], 0);
            continue;
        }
        in_scope++;
        sum += a->pagerank[id];
        low = fmin(low, a->pagerank[id]);
        high = fmax(high, a->pagerank[id]);
        assert_true(a->link_score[id] <= 100);
    }
    assert_true(fabs(sum - 1.0) < 1e-4);
    /* Every page gets at least the random jump's share. */
    assert_true(low >= 0.15 / in_scope * (1.0 - 1e-5));
    assert_true(a->pagerank_residual < 1e-6);
    assert_true(a->pagerank_iterations < 200);
    for (uint32_t id = 0; id < NODES; id++) {
        if (a->pagerank[id] == (float)high)
            assert_int_equal(a->link_score[id], 100);
        if (a->pagerank[id] == (float)low && graph_node(f->graph, id)->flags & GRAPH_NODE_IN_SCOPE)
            assert_int_equal(a->link_score[id], 0);
    }
    /* A navigation page, linked from every HTML page, is among the strongest. */
    assert_true(a->link_score[1] > 50);
}

static void test_verdicts(void **state)
{
    struct fixture *f = *state;
    uint32_t indexable = 0;
    for (uint32_t id = 0; id < NODES; id++) {
        const struct graph_node *node = graph_node(f->graph, id);
        bool expected = node->status == 200 && (node->flags & GRAPH_NODE_HTML) && (node->flags & GRAPH_NODE_IN_SCOPE) &&
                        (node->flags & GRAPH_NODE_FETCHED) &&
                        !(node->flags & (GRAPH_NODE_NOINDEX | GRAPH_NODE_ROBOTS_BLOCKED)) &&
                        (node->canonical == GRAPH_NO_NODE || node->canonical == id) && node->redirect == GRAPH_NO_NODE;
        assert_int_equal(f->analysis.verdict[id] == 0, expected);
        indexable += expected;
    }
    assert_true(indexable > NODES / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph_shape), cmocka_unit_test(test_depths),   cmocka_unit_test(test_components),
        cmocka_unit_test(test_chains),      cmocka_unit_test(test_pagerank), cmocka_unit_test(test_verdicts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
