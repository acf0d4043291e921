/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for linkgraph/analysis on small graphs whose answers are worked out by hand (in the
 * comments) or, for PageRank, by an independent dense power iteration written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/analysis.h"
#include "linkgraph/graph.h"

#define HTML_PAGE (GRAPH_NODE_FETCHED | GRAPH_NODE_HTML | GRAPH_NODE_IN_SCOPE)
#define FOLLOW GRAPH_EDGE_LINK
#define NOFOLLOW (GRAPH_EDGE_LINK | GRAPH_REL_NOFOLLOW)

/* A page named "https://t.test/<name>" with a status and node flags. */
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
    assert_int_equal(graph_add_edge(graph, source, target, meta), CP_OK);
}

static void analyze(struct graph *graph, struct graph_analysis *analysis)
{
    assert_int_equal(graph_freeze(graph), CP_OK);
    assert_int_equal(graph_analyze(analysis, graph, NULL), CP_OK);
}

static void test_depth_followable_and_any(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t s = page(graph, "", 200, HTML_PAGE | GRAPH_NODE_START);
    uint32_t a = page(graph, "a", 200, HTML_PAGE), b = page(graph, "b", 200, HTML_PAGE),
             c = page(graph, "c", 200, HTML_PAGE), d = page(graph, "d", 200, HTML_PAGE),
             r = page(graph, "r", 301, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE), e = page(graph, "e", 200, HTML_PAGE),
             u = page(graph, "u", 200, HTML_PAGE), m = page(graph, "m", 200, HTML_PAGE),
             n404 = page(graph, "404", 404, HTML_PAGE), g = page(graph, "g", 200, HTML_PAGE),
             x = page(graph, "x", 200, GRAPH_NODE_FETCHED), f = page(graph, "f", 200, HTML_PAGE),
             i = page(graph, "i", 200, HTML_PAGE), lone = page(graph, "lone", 200, HTML_PAGE);
    edge(graph, s, a, FOLLOW);
    edge(graph, s, b, NOFOLLOW);
    edge(graph, s, u, GRAPH_EDGE_LINK | GRAPH_REL_UGC);
    edge(graph, s, x, FOLLOW);
    edge(graph, s, n404, FOLLOW);
    edge(graph, a, c, FOLLOW);
    edge(graph, a, m, GRAPH_EDGE_REFRESH);
    edge(graph, a, i, GRAPH_EDGE_IFRAME);
    edge(graph, b, d, FOLLOW);
    edge(graph, c, r, FOLLOW);
    edge(graph, r, e, GRAPH_EDGE_REDIRECT);
    edge(graph, n404, g, FOLLOW);
    edge(graph, x, f, FOLLOW); /* from an out-of-scope page */
    edge(graph, s, lone, GRAPH_EDGE_CANONICAL);
    edge(graph, s, lone, GRAPH_EDGE_HREFLANG);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    const uint32_t *follow = analysis.depth_followable, *any = analysis.depth_any;
    /* s -a-> a -> c -> r =redirect=> e: the redirect costs no click, so e is as deep as r. */
    assert_int_equal(follow[s], 0);
    assert_int_equal(follow[a], 1);
    assert_int_equal(follow[c], 2);
    assert_int_equal(follow[r], 3);
    assert_int_equal(follow[e], 3);
    assert_int_equal(follow[m], 1); /* refresh: no click */
    assert_int_equal(follow[i], 2); /* iframe: one step */
    assert_int_equal(follow[x], 1);
    assert_int_equal(follow[n404], 1);
    /* Only nofollow/ugc links, links from a 404 or an out-of-scope page, or hints lead here. */
    assert_int_equal(follow[b], GRAPH_UNREACHED);
    assert_int_equal(follow[u], GRAPH_UNREACHED);
    assert_int_equal(follow[d], GRAPH_UNREACHED);
    assert_int_equal(follow[g], GRAPH_UNREACHED);
    assert_int_equal(follow[f], GRAPH_UNREACHED);
    assert_int_equal(follow[lone], GRAPH_UNREACHED);
    /* Over any link: rel and status do not matter; scope and hints still do. */
    assert_int_equal(any[s], 0);
    assert_int_equal(any[b], 1);
    assert_int_equal(any[u], 1);
    assert_int_equal(any[d], 2);
    assert_int_equal(any[g], 2);
    assert_int_equal(any[e], 3);
    assert_int_equal(any[f], GRAPH_UNREACHED);
    assert_int_equal(any[lone], GRAPH_UNREACHED);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

/* A redirect as the start (http -> https) and a redirect chain ending in a page that links on:
 * zero clicks all along. Two start pages give a multi-source search. */
static void test_depth_redirected_start(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t http = page(graph, "http", 301, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE | GRAPH_NODE_START);
    uint32_t hop = page(graph, "hop", 302, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE);
    uint32_t home = page(graph, "home", 200, HTML_PAGE);
    uint32_t deep = page(graph, "deep", 200, HTML_PAGE), deeper = page(graph, "deeper", 200, HTML_PAGE);
    uint32_t second = page(graph, "second", 200, HTML_PAGE | GRAPH_NODE_START);
    edge(graph, http, hop, GRAPH_EDGE_REDIRECT);
    edge(graph, hop, home, GRAPH_EDGE_REDIRECT);
    edge(graph, home, deep, FOLLOW);
    edge(graph, deep, deeper, FOLLOW);
    edge(graph, second, deeper, FOLLOW);
    edge(graph, deep, home, FOLLOW);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    /* "The start" is everything at depth 0: a link back to the redirected-to home page counts. */
    assert_true(analysis.flags[deep] & GRAPH_PAGE_REACHES_START);
    assert_true(analysis.flags[home] & GRAPH_PAGE_REACHES_START);
    assert_true(analysis.flags[hop] & GRAPH_PAGE_REACHES_START);
    assert_true(analysis.flags[second] & GRAPH_PAGE_REACHES_START);
    assert_false(analysis.flags[deeper] & GRAPH_PAGE_REACHES_START);
    assert_int_equal(analysis.start_component, analysis.component[home]);
    assert_int_equal(analysis.component[home], analysis.component[deep]);
    assert_int_equal(analysis.depth_followable[http], 0);
    assert_int_equal(analysis.depth_followable[hop], 0);
    assert_int_equal(analysis.depth_followable[home], 0);
    assert_int_equal(analysis.depth_followable[deep], 1);
    assert_int_equal(analysis.depth_followable[deeper], 1); /* through the second start */
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

static void test_link_counts(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t s = page(graph, "", 200, HTML_PAGE | GRAPH_NODE_START), a = page(graph, "a", 200, HTML_PAGE),
             b = page(graph, "b", 200, HTML_PAGE), c = page(graph, "c", 404, HTML_PAGE),
             x = page(graph, "x", 200, GRAPH_NODE_FETCHED), r = page(graph, "r", 301, GRAPH_NODE_IN_SCOPE);
    edge(graph, s, a, FOLLOW);
    edge(graph, s, a, FOLLOW);
    edge(graph, s, a, NOFOLLOW);
    edge(graph, s, x, FOLLOW);
    edge(graph, s, r, FOLLOW);
    edge(graph, b, a, NOFOLLOW);
    edge(graph, a, a, FOLLOW);
    edge(graph, c, a, FOLLOW);
    edge(graph, x, a, FOLLOW);
    edge(graph, r, a, GRAPH_EDGE_REDIRECT);
    edge(graph, b, a, GRAPH_EDGE_CANONICAL);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    /* a: linked from s, b, c (x is out of scope, a itself and the redirect do not count). */
    assert_int_equal(analysis.inlinks[a], 3);
    assert_int_equal(analysis.inlinks_followable[a], 1); /* b: nofollow, c: a 404 */
    assert_int_equal(analysis.outlinks[s], 3);           /* a, x, r */
    assert_int_equal(analysis.outlinks_internal[s], 2);  /* a, r */
    assert_int_equal(analysis.outlinks[a], 0);
    assert_int_equal(analysis.outlinks[b], 1);
    assert_int_equal(analysis.outlinks[r], 0);
    assert_int_equal(analysis.inlinks[s], 0);
    assert_int_equal(analysis.inlinks[x], 1);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

static void test_redirect_chains_and_loops(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint16_t fetched = GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE;
    uint32_t a = page(graph, "a", 301, fetched), b = page(graph, "b", 302, fetched),
             c = page(graph, "c", 200, HTML_PAGE), l1 = page(graph, "l1", 301, fetched),
             l2 = page(graph, "l2", 301, fetched), l3 = page(graph, "l3", 301, fetched),
             self = page(graph, "self", 301, fetched), into = page(graph, "into", 301, fetched);
    edge(graph, a, b, GRAPH_EDGE_REDIRECT);
    edge(graph, b, c, GRAPH_EDGE_REDIRECT);
    edge(graph, l1, l2, GRAPH_EDGE_REDIRECT);
    edge(graph, l2, l3, GRAPH_EDGE_REDIRECT);
    edge(graph, l3, l2, GRAPH_EDGE_REDIRECT);
    edge(graph, self, self, GRAPH_EDGE_REDIRECT);
    edge(graph, into, l1, GRAPH_EDGE_REDIRECT);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    assert_int_equal(analysis.redirect_final[a], c);
    assert_int_equal(analysis.redirect_hops[a], 2);
    assert_int_equal(analysis.redirect_final[b], c);
    assert_int_equal(analysis.redirect_hops[b], 1);
    assert_int_equal(analysis.redirect_final[c], c);
    assert_int_equal(analysis.redirect_hops[c], 0);
    assert_false(analysis.flags[a] & GRAPH_PAGE_REDIRECT_LOOP);
    /* l1 -> l2 -> l3 -> l2: l2 repeats after 3 hops from l1, 2 from l2 or l3. */
    assert_int_equal(analysis.redirect_final[l1], GRAPH_NO_NODE);
    assert_int_equal(analysis.redirect_hops[l1], 3);
    assert_int_equal(analysis.redirect_hops[l2], 2);
    assert_int_equal(analysis.redirect_hops[l3], 2);
    assert_int_equal(analysis.redirect_hops[into], 4);
    assert_int_equal(analysis.redirect_final[into], GRAPH_NO_NODE);
    assert_true(analysis.flags[l1] & GRAPH_PAGE_REDIRECT_LOOP);
    assert_true(analysis.flags[l3] & GRAPH_PAGE_REDIRECT_LOOP);
    assert_true(analysis.flags[into] & GRAPH_PAGE_REDIRECT_LOOP);
    assert_int_equal(analysis.redirect_final[self], GRAPH_NO_NODE);
    assert_int_equal(analysis.redirect_hops[self], 1);
    assert_true(analysis.flags[self] & GRAPH_PAGE_REDIRECT_LOOP);
    assert_true(analysis.verdict[a] & GRAPH_VERDICT_REDIRECT);

    uint32_t chain[8];
    assert_int_equal(graph_redirect_chain(graph, a, chain, 8), 3);
    assert_int_equal(chain[0], a);
    assert_int_equal(chain[1], b);
    assert_int_equal(chain[2], c);
    assert_int_equal(graph_redirect_chain(graph, l1, chain, 8), 4);
    assert_int_equal(chain[3], l2); /* where the loop closes */
    assert_int_equal(graph_redirect_chain(graph, a, chain, 2), 2);
    assert_int_equal(graph_redirect_chain(graph, self, chain, 8), 2);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

static void test_canonical_chains_through_redirects(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t p = page(graph, "p", 200, HTML_PAGE), q = page(graph, "q", 301, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE),
             r = page(graph, "r", 200, HTML_PAGE), t = page(graph, "t", 200, HTML_PAGE),
             u = page(graph, "u", 200, HTML_PAGE), v = page(graph, "v", 200, HTML_PAGE),
             w = page(graph, "w", 200, HTML_PAGE), x = page(graph, "x", 200, HTML_PAGE),
             y = page(graph, "y", 200, HTML_PAGE), k = page(graph, "k", 200, HTML_PAGE),
             back = page(graph, "back", 301, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE),
             none = page(graph, "none", 200, HTML_PAGE);
    /* p -canonical-> q -redirect-> r (self-canonical): ends at r after 2 steps. */
    graph_set_canonical(graph, p, q);
    edge(graph, q, r, GRAPH_EDGE_REDIRECT);
    graph_set_canonical(graph, r, r);
    graph_set_canonical(graph, t, t);
    /* u -> v -> w: a chain of two canonicals. */
    graph_set_canonical(graph, u, v);
    graph_set_canonical(graph, v, w);
    /* x <-> y: a canonical loop. */
    graph_set_canonical(graph, x, y);
    graph_set_canonical(graph, y, x);
    /* k -canonical-> back -redirect-> k: a loop through a redirect. */
    graph_set_canonical(graph, k, back);
    edge(graph, back, k, GRAPH_EDGE_REDIRECT);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    assert_int_equal(analysis.canonical_final[p], r);
    assert_int_equal(analysis.canonical_length[p], 2);
    assert_int_equal(analysis.canonical_final[q], q); /* no canonical of its own */
    assert_int_equal(analysis.canonical_length[q], 0);
    assert_int_equal(analysis.canonical_final[r], r);
    assert_int_equal(analysis.canonical_length[r], 0);
    assert_int_equal(analysis.canonical_final[t], t);
    assert_int_equal(analysis.canonical_final[none], none);
    assert_int_equal(analysis.canonical_length[none], 0);
    assert_int_equal(analysis.canonical_final[u], w);
    assert_int_equal(analysis.canonical_length[u], 2);
    assert_int_equal(analysis.canonical_final[v], w);
    assert_int_equal(analysis.canonical_length[v], 1);
    for (uint32_t id = 0; id < analysis.node_count; id++) {
        bool loop = id == x || id == y || id == k;
        assert_int_equal(!!(analysis.flags[id] & GRAPH_PAGE_CANONICAL_LOOP), loop);
        if (loop)
            assert_int_equal(analysis.canonical_final[id], GRAPH_NO_NODE);
    }
    /* back redirects, so its own (absent) canonical is not part of any chain it starts. */
    assert_int_equal(analysis.canonical_final[back], back);
    assert_true(analysis.verdict[p] & GRAPH_VERDICT_CANONICALISED);
    assert_false(analysis.verdict[r] & GRAPH_VERDICT_CANONICALISED);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

static void test_components_and_reach_back(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t s = page(graph, "", 200, HTML_PAGE | GRAPH_NODE_START), a = page(graph, "a", 200, HTML_PAGE),
             b = page(graph, "b", 200, HTML_PAGE), c = page(graph, "c", 200, HTML_PAGE),
             d = page(graph, "d", 200, HTML_PAGE), e = page(graph, "e", 200, HTML_PAGE),
             f = page(graph, "f", 200, HTML_PAGE), g = page(graph, "g", 200, HTML_PAGE),
             h = page(graph, "h", 404, HTML_PAGE);
    /* s -> a -> b -> s is a cycle; b -> c <-> d -> e leaves it for good. f and g link to s, but
     * nothing followable reaches them (a -> g is nofollow). h is a 404 linking to s: not followable. */
    edge(graph, s, a, FOLLOW);
    edge(graph, a, b, FOLLOW);
    edge(graph, b, s, FOLLOW);
    edge(graph, b, c, FOLLOW);
    edge(graph, c, d, FOLLOW);
    edge(graph, d, c, FOLLOW);
    edge(graph, d, e, FOLLOW);
    edge(graph, f, s, FOLLOW);
    edge(graph, a, g, NOFOLLOW);
    edge(graph, g, s, FOLLOW);
    edge(graph, s, h, FOLLOW);
    edge(graph, h, s, FOLLOW);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    const uint32_t *comp = analysis.component;
    assert_int_equal(analysis.component_count, 6); /* {s,a,b} {c,d} {e} {f} {g} {h} */
    assert_int_equal(comp[s], comp[a]);
    assert_int_equal(comp[s], comp[b]);
    assert_int_equal(comp[c], comp[d]);
    assert_int_not_equal(comp[c], comp[s]);
    assert_int_not_equal(comp[e], comp[c]);
    assert_int_not_equal(comp[f], comp[s]);
    assert_int_not_equal(comp[g], comp[s]);
    assert_int_not_equal(comp[h], comp[s]);
    assert_int_equal(analysis.start_component, comp[s]);
    /* Tarjan completes a component only after every component it reaches. */
    assert_true(comp[c] < comp[s]);
    assert_true(comp[e] < comp[c]);
    const uint32_t reaches[] = {s, a, b, f, g}, stuck[] = {c, d, e, h};
    for (size_t i = 0; i < sizeof reaches / sizeof *reaches; i++)
        assert_true(analysis.flags[reaches[i]] & GRAPH_PAGE_REACHES_START);
    for (size_t i = 0; i < sizeof stuck / sizeof *stuck; i++)
        assert_false(analysis.flags[stuck[i]] & GRAPH_PAGE_REACHES_START);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

/* a -> b, a -> c, b -> c, c -> a. By hand (N = 3, d = 0.85, no dangling page):
 * a = 0.05 + 0.85 c, b = 0.05 + 0.425 a, c = 0.05 + 0.425 a + 0.85 b, so
 * a = 0.128625 / 0.3316875 = 0.38778971..., b = 0.21481063..., c = 0.39739966...
 * Link scores: c is the maximum (100), b the minimum (0), a = 100 ln(a/b) / ln(c/b) = 96. */
static void test_pagerank_by_hand(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t a = page(graph, "a", 200, HTML_PAGE | GRAPH_NODE_START), b = page(graph, "b", 200, HTML_PAGE),
             c = page(graph, "c", 200, HTML_PAGE);
    edge(graph, a, b, FOLLOW);
    edge(graph, a, c, FOLLOW);
    edge(graph, b, c, FOLLOW);
    edge(graph, c, a, FOLLOW);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    assert_true(fabs(analysis.pagerank[a] - 0.3877897117015262) < 2e-6);
    assert_true(fabs(analysis.pagerank[b] - 0.21481062747314866) < 2e-6);
    assert_true(fabs(analysis.pagerank[c] - 0.39739966082532496) < 2e-6);
    assert_true(analysis.pagerank_residual < 1e-6);
    assert_true(analysis.pagerank_iterations > 1);
    assert_int_equal(analysis.link_score[c], 100);
    assert_int_equal(analysis.link_score[b], 0);
    assert_int_equal(analysis.link_score[a], 96);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

/* Independent check: the rank-carrying pairs of the graph below, listed by hand from the rules in
 * analysis.h, fed to a plain dense power iteration. */
static void reference_pagerank(int n, const int (*pairs)[2], int pair_count, double *rank)
{
    int degree[16] = {0};
    double next[16];
    for (int i = 0; i < pair_count; i++)
        degree[pairs[i][0]]++;
    for (int i = 0; i < n; i++)
        rank[i] = 1.0 / n;
    for (int iteration = 0; iteration < 10000; iteration++) {
        double dangling = 0.0, change = 0.0;
        for (int i = 0; i < n; i++)
            if (!degree[i])
                dangling += rank[i];
        for (int i = 0; i < n; i++)
            next[i] = (0.15 + 0.85 * dangling) / n;
        for (int i = 0; i < pair_count; i++)
            next[pairs[i][1]] += 0.85 * rank[pairs[i][0]] / degree[pairs[i][0]];
        for (int i = 0; i < n; i++) {
            change += fabs(next[i] - rank[i]);
            rank[i] = next[i];
        }
        if (change < 1e-14)
            break;
    }
}

static void test_pagerank_against_reference(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t s = page(graph, "", 200, HTML_PAGE | GRAPH_NODE_START), a = page(graph, "a", 200, HTML_PAGE),
             b = page(graph, "b", 200, HTML_PAGE), c = page(graph, "c", 200, HTML_PAGE),
             n = page(graph, "n", 404, HTML_PAGE), r = page(graph, "r", 301, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE),
             d = page(graph, "d", 200, HTML_PAGE), x = page(graph, "x", 200, GRAPH_NODE_FETCHED | GRAPH_NODE_HTML);
    edge(graph, s, a, FOLLOW);
    edge(graph, s, a, FOLLOW);   /* parallel: counts once */
    edge(graph, s, b, NOFOLLOW); /* no rank */
    edge(graph, s, c, FOLLOW);
    edge(graph, s, s, FOLLOW); /* self-link: no rank */
    edge(graph, s, x, FOLLOW); /* out of scope: no rank */
    edge(graph, a, c, FOLLOW);
    edge(graph, a, n, FOLLOW);
    edge(graph, b, a, GRAPH_EDGE_LINK | GRAPH_REL_UGC); /* b is dangling */
    edge(graph, c, r, FOLLOW);
    edge(graph, n, s, FOLLOW); /* from a 404: n is dangling */
    edge(graph, r, d, GRAPH_EDGE_REDIRECT);
    edge(graph, d, s, FOLLOW);
    edge(graph, d, a, FOLLOW);
    edge(graph, d, c, GRAPH_EDGE_IFRAME);
    edge(graph, d, a, GRAPH_EDGE_CANONICAL); /* a hint, not a link */
    edge(graph, x, s, FOLLOW);               /* from outside the scope */
    /* Ids: s0 a1 b2 c3 n4 r5 d6 (x7 is out of scope). */
    static const int pairs[][2] = {{0, 1}, {0, 3}, {1, 3}, {1, 4}, {3, 5}, {5, 6}, {6, 0}, {6, 1}, {6, 3}};
    double expected[7];
    reference_pagerank(7, pairs, (int)(sizeof pairs / sizeof *pairs), expected);
    assert_int_equal(graph_freeze(graph), CP_OK);
    struct graph_analysis analysis;
    struct graph_analysis_options options = {.tolerance = 1e-12};
    assert_int_equal(graph_analyze(&analysis, graph, &options), CP_OK);
    double sum = 0.0;
    for (int i = 0; i < 7; i++) {
        assert_true(fabs(analysis.pagerank[i] - expected[i]) < 1e-6);
        sum += analysis.pagerank[i];
    }
    assert_true(fabs(sum - 1.0) < 1e-6);
    assert_true(analysis.pagerank[x] == 0.0f);
    assert_int_equal(analysis.link_score[x], 0);
    assert_true(analysis.pagerank_residual < 1e-12);
    graph_analysis_free(&analysis);

    /* A bound on iterations is honoured. */
    struct graph_analysis_options bounded = {.tolerance = 1e-300, .max_iterations = 3};
    assert_int_equal(graph_analysis_init(&analysis, graph), CP_OK);
    assert_int_equal(graph_analyze_pagerank(&analysis, graph, &bounded), CP_OK);
    assert_int_equal(analysis.pagerank_iterations, 3);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

static void test_pagerank_flat_and_empty(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t a = page(graph, "a", 200, HTML_PAGE | GRAPH_NODE_START), b = page(graph, "b", 200, HTML_PAGE);
    edge(graph, a, b, FOLLOW);
    edge(graph, b, a, FOLLOW);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    assert_true(fabs(analysis.pagerank[a] - 0.5) < 1e-6);
    assert_int_equal(analysis.link_score[a], 100);
    assert_int_equal(analysis.link_score[b], 100);
    graph_analysis_free(&analysis);
    graph_destroy(graph);

    graph = graph_create(0);
    assert_int_equal(graph_freeze(graph), CP_OK);
    assert_int_equal(graph_analyze(&analysis, graph, NULL), CP_OK);
    assert_int_equal(analysis.node_count, 0);
    assert_int_equal(analysis.component_count, 0);
    assert_int_equal(analysis.start_component, GRAPH_NO_NODE);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

static void test_verdicts(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t ok = page(graph, "ok", 200, HTML_PAGE), missing = page(graph, "404", 404, HTML_PAGE),
             failed = page(graph, "failed", 0, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE),
             moved = page(graph, "moved", 301, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE),
             meta = page(graph, "meta", 200, HTML_PAGE | GRAPH_NODE_NOINDEX_META),
             header = page(graph, "header", 200, HTML_PAGE | GRAPH_NODE_NOINDEX_HEADER),
             other = page(graph, "other", 200, HTML_PAGE), self = page(graph, "self", 200, HTML_PAGE),
             blocked = page(graph, "blocked", 0, GRAPH_NODE_IN_SCOPE | GRAPH_NODE_ROBOTS_BLOCKED),
             pdf = page(graph, "a.pdf", 200, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE),
             external = page(graph, "ext", 0, 0), unfetched = page(graph, "later", 0, GRAPH_NODE_IN_SCOPE),
             both = page(graph, "both", 200, HTML_PAGE | GRAPH_NODE_NOINDEX_META);
    graph_set_canonical(graph, other, ok);
    graph_set_canonical(graph, self, self);
    graph_set_canonical(graph, both, ok);
    struct graph_analysis analysis;
    analyze(graph, &analysis);
    const uint16_t *v = analysis.verdict;
    assert_int_equal(v[ok], 0);
    assert_int_equal(v[self], 0);
    assert_int_equal(v[missing], GRAPH_VERDICT_NON_200);
    assert_int_equal(v[failed], GRAPH_VERDICT_NON_200);
    assert_int_equal(v[moved], GRAPH_VERDICT_REDIRECT);
    assert_int_equal(v[meta], GRAPH_VERDICT_NOINDEX_META);
    assert_int_equal(v[header], GRAPH_VERDICT_NOINDEX_HEADER);
    assert_int_equal(v[other], GRAPH_VERDICT_CANONICALISED);
    assert_int_equal(v[blocked], GRAPH_VERDICT_ROBOTS_BLOCKED);
    assert_int_equal(v[pdf], GRAPH_VERDICT_NON_HTML);
    assert_int_equal(v[external], GRAPH_VERDICT_OUT_OF_SCOPE);
    assert_int_equal(v[unfetched], GRAPH_VERDICT_NOT_CRAWLED);
    assert_int_equal(v[both], GRAPH_VERDICT_NOINDEX_META | GRAPH_VERDICT_CANONICALISED);

    char text[64];
    assert_int_equal(graph_verdict_describe(v[both], text, sizeof text), strlen("noindex-meta,canonicalised"));
    assert_string_equal(text, "noindex-meta,canonicalised");
    assert_int_equal(graph_verdict_describe(0, text, sizeof text), 0);
    assert_string_equal(text, "");
    /* Truncated like snprintf: the full length is returned. */
    assert_int_equal(graph_verdict_describe(v[both], text, 8), strlen("noindex-meta,canonicalised"));
    assert_string_equal(text, "noindex");
    assert_int_equal(graph_verdict_describe(GRAPH_VERDICT_OUT_OF_SCOPE | GRAPH_VERDICT_NOT_CRAWLED, text, sizeof text),
                     strlen("not-crawled,out-of-scope"));
    graph_analysis_free(&analysis);
    graph_destroy(graph);
}

static void test_rejects_unfrozen_graph(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    page(graph, "a", 200, HTML_PAGE);
    struct graph_analysis analysis;
    assert_int_equal(graph_analysis_init(&analysis, graph), CP_ERR_INVALID);
    assert_int_equal(graph_analyze(&analysis, graph, NULL), CP_ERR_INVALID);
    assert_int_equal(graph_analyze_depth(&analysis, graph), CP_ERR_INVALID);
    graph_destroy(graph);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depth_followable_and_any),
        cmocka_unit_test(test_depth_redirected_start),
        cmocka_unit_test(test_link_counts),
        cmocka_unit_test(test_redirect_chains_and_loops),
        cmocka_unit_test(test_canonical_chains_through_redirects),
        cmocka_unit_test(test_components_and_reach_back),
        cmocka_unit_test(test_pagerank_by_hand),
        cmocka_unit_test(test_pagerank_against_reference),
        cmocka_unit_test(test_pagerank_flat_and_empty),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_rejects_unfrozen_graph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
