/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for linkgraph/graph: interning, node facts, the edge log, freezing into CSR, sitemap
 * attachments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/graph.h"

static uint32_t intern_str(struct graph *graph, const char *url)
{
    return graph_intern(graph, url, strlen(url), NULL);
}

static void test_intern_gives_dense_stable_ids(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    assert_non_null(graph);
    bool is_new = false;
    assert_int_equal(graph_intern(graph, "https://a.test/", 15, &is_new), 0);
    assert_true(is_new);
    assert_int_equal(graph_intern(graph, "https://a.test/x", 16, &is_new), 1);
    assert_true(is_new);
    assert_int_equal(graph_intern(graph, "https://a.test/", 15, &is_new), 0);
    assert_false(is_new);
    assert_int_equal(graph_find(graph, "https://a.test/x", 16), 1);
    assert_int_equal(graph_find(graph, "https://a.test/y", 16), GRAPH_NO_NODE);
    /* A prefix is a different URL. */
    assert_int_equal(graph_find(graph, "https://a.test", 14), GRAPH_NO_NODE);
    size_t length = 0;
    assert_string_equal(graph_url(graph, 1, &length), "https://a.test/x");
    assert_int_equal(length, 16);
    assert_int_equal(graph_node_count(graph), 2);
    graph_destroy(graph);
}

static void test_intern_treats_urls_as_bytes(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    const char with_nul[] = {'a', '\0', 'b'};
    const char other_nul[] = {'a', '\0', 'c'};
    uint32_t a = graph_intern(graph, with_nul, 3, NULL);
    uint32_t b = graph_intern(graph, other_nul, 3, NULL);
    uint32_t empty = graph_intern(graph, "", 0, NULL);
    assert_int_not_equal(a, b);
    assert_int_not_equal(a, empty);
    assert_int_equal(graph_find(graph, with_nul, 3), a);
    assert_int_equal(graph_find(graph, "", 0), empty);
    assert_int_equal(graph_intern(graph, NULL, 0, NULL), empty);
    assert_int_equal(graph_find(graph, NULL, 5), GRAPH_NO_NODE);
    size_t length = 0;
    assert_memory_equal(graph_url(graph, b, &length), other_nul, 3);
    assert_int_equal(length, 3);
    /* A URL longer than an arena block. */
    size_t big = (2u << 20) + 7;
    char *long_url = malloc(big);
    memset(long_url, 'q', big);
    uint32_t l = graph_intern(graph, long_url, big, NULL);
    assert_int_equal(graph_find(graph, long_url, big), l);
    assert_memory_equal(graph_url(graph, l, NULL), long_url, big);
    assert_int_equal(graph_url(graph, l, NULL)[big], '\0');
    free(long_url);
    assert_int_equal(intern_str(graph, "after-big"), l + 1);
    assert_string_equal(graph_url(graph, a + 0, NULL), "a");
    graph_destroy(graph);
}

static void test_intern_survives_growth(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    char url[64];
    for (uint32_t i = 0; i < 100000; i++) {
        int length = snprintf(url, sizeof url, "https://site.test/page/%u", i);
        bool is_new = false;
        assert_int_equal(graph_intern(graph, url, (size_t)length, &is_new), i);
        assert_true(is_new);
    }
    for (uint32_t i = 0; i < 100000; i += 7) {
        int length = snprintf(url, sizeof url, "https://site.test/page/%u", i);
        assert_int_equal(graph_find(graph, url, (size_t)length), i);
        assert_string_equal(graph_url(graph, i, NULL), url);
    }
    struct graph_memory memory = graph_memory_usage(graph);
    assert_true(memory.node_bytes > 100000u * 40);
    assert_true(memory.node_bytes < 100000u * 140);
    graph_destroy(graph);
}

static void test_node_facts(void **state)
{
    (void)state;
    struct graph *graph = graph_create(16);
    uint32_t a = intern_str(graph, "a"), b = intern_str(graph, "b");
    const struct graph_node *node = graph_node(graph, a);
    assert_int_equal(node->status, 0);
    assert_int_equal(node->flags, 0);
    assert_int_equal(node->canonical, GRAPH_NO_NODE);
    assert_int_equal(node->redirect, GRAPH_NO_NODE);
    assert_int_equal(node->sitemap_first, GRAPH_NO_NODE);
    assert_int_equal(graph_set_status(graph, a, 404), CP_OK);
    assert_int_equal(graph_set_flags(graph, a, GRAPH_NODE_FETCHED | GRAPH_NODE_HTML), CP_OK);
    assert_int_equal(graph_set_flags(graph, a, GRAPH_NODE_IN_SCOPE), CP_OK);
    assert_int_equal(graph_clear_flags(graph, a, GRAPH_NODE_HTML), CP_OK);
    assert_int_equal(graph_set_canonical(graph, a, b), CP_OK);
    assert_int_equal(graph_set_redirect(graph, b, a), CP_OK);
    node = graph_node(graph, a);
    assert_int_equal(node->status, 404);
    assert_int_equal(node->flags, GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE);
    assert_int_equal(node->canonical, b);
    assert_int_equal(graph_node(graph, b)->redirect, a);
    assert_int_equal(graph_set_canonical(graph, a, GRAPH_NO_NODE), CP_OK);
    assert_int_equal(graph_node(graph, a)->canonical, GRAPH_NO_NODE);
    assert_int_equal(graph_set_status(graph, 2, 200), CP_ERR_INVALID);
    assert_int_equal(graph_set_canonical(graph, a, 9), CP_ERR_INVALID);
    assert_int_equal(graph_set_flags(graph, GRAPH_NO_NODE, 1), CP_ERR_INVALID);
    graph_destroy(graph);
}

static void test_edges_freeze_into_sorted_csr(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t a = intern_str(graph, "a"), b = intern_str(graph, "b"), c = intern_str(graph, "c"),
             d = intern_str(graph, "d");
    assert_int_equal(graph_add_edge(graph, a, c, GRAPH_EDGE_LINK | GRAPH_EDGE_SOURCE_IN_SCOPE), CP_OK);
    assert_int_equal(graph_add_edge(graph, a, b, GRAPH_EDGE_LINK | GRAPH_REL_NOFOLLOW), CP_OK);
    assert_int_equal(graph_add_edge(graph, a, b, GRAPH_EDGE_LINK), CP_OK); /* duplicate kept */
    assert_int_equal(graph_add_edge(graph, c, a, GRAPH_EDGE_REDIRECT), CP_OK);
    assert_int_equal(graph_add_edge(graph, b, b, GRAPH_EDGE_CANONICAL | GRAPH_EDGE_FROM_HEADER), CP_OK);
    assert_int_equal(graph_node(graph, c)->redirect, a);
    assert_int_equal(graph_add_edge(graph, a, 9, GRAPH_EDGE_LINK), CP_ERR_INVALID);
    assert_int_equal(graph_add_edge(graph, a, b, 7), CP_ERR_INVALID);
    assert_int_equal(graph_edge_count(graph), 5);
    assert_int_equal(graph_out_edges(graph, a).count, 0); /* not frozen yet */
    assert_false(graph_is_frozen(graph));

    assert_int_equal(graph_freeze(graph), CP_OK);
    assert_true(graph_is_frozen(graph));
    assert_int_equal(graph_freeze(graph), CP_OK);
    assert_int_equal(graph_edge_count(graph), 5);

    /* Out-rows keep the order edges were added in; each edge keeps its own meta. */
    struct graph_edges out = graph_out_edges(graph, a);
    assert_int_equal(out.count, 3);
    assert_int_equal(out.nodes[0], c);
    assert_int_equal(out.nodes[1], b);
    assert_int_equal(out.nodes[2], b);
    assert_int_equal(out.meta[0], GRAPH_EDGE_LINK | GRAPH_EDGE_SOURCE_IN_SCOPE);
    assert_int_equal(out.meta[1], GRAPH_EDGE_LINK | GRAPH_REL_NOFOLLOW);
    assert_int_equal(out.meta[2], GRAPH_EDGE_LINK);
    assert_int_equal(graph_out_edges(graph, d).count, 0);

    /* In-rows are sorted by source, parallel edges in the order added. */
    struct graph_edges in = graph_in_edges(graph, b);
    assert_int_equal(in.count, 3);
    assert_int_equal(in.nodes[0], a);
    assert_int_equal(in.nodes[1], a);
    assert_int_equal(in.nodes[2], b);
    assert_int_equal(in.meta[0], GRAPH_EDGE_LINK | GRAPH_REL_NOFOLLOW);
    assert_int_equal(in.meta[1], GRAPH_EDGE_LINK);
    assert_int_equal(graph_edge_kind(in.meta[2]), GRAPH_EDGE_CANONICAL);
    assert_true(in.meta[2] & GRAPH_EDGE_FROM_HEADER);
    in = graph_in_edges(graph, a);
    assert_int_equal(in.count, 1);
    assert_int_equal(in.nodes[0], c);
    assert_int_equal(graph_edge_kind(in.meta[0]), GRAPH_EDGE_REDIRECT);

    assert_true(graph_has_edge(graph, a, b, GRAPH_EDGE_LINK));
    assert_true(graph_has_edge(graph, c, a, GRAPH_EDGE_REDIRECT));
    assert_true(graph_has_edge(graph, b, b, GRAPH_EDGE_CANONICAL));
    assert_false(graph_has_edge(graph, a, b, GRAPH_EDGE_HREFLANG));
    assert_false(graph_has_edge(graph, b, a, GRAPH_EDGE_LINK));
    assert_false(graph_has_edge(graph, d, a, GRAPH_EDGE_LINK));
    assert_false(graph_has_edge(graph, GRAPH_NO_NODE, a, GRAPH_EDGE_LINK));
    assert_false(graph_has_edge(graph, a, GRAPH_NO_NODE, GRAPH_EDGE_LINK));

    /* Frozen: no new nodes or edges; lookups of existing ones still work. */
    bool is_new = true;
    assert_int_equal(graph_intern(graph, "a", 1, &is_new), a);
    assert_false(is_new);
    assert_int_equal(graph_intern(graph, "e", 1, &is_new), GRAPH_NO_NODE);
    assert_false(is_new);
    assert_int_equal(graph_add_edge(graph, a, d, GRAPH_EDGE_LINK), CP_ERR_INVALID);
    assert_int_equal(graph_set_status(graph, d, 200), CP_OK);
    assert_int_equal(graph_out_edges(graph, GRAPH_NO_NODE).count, 0);
    assert_string_equal(graph_edge_kind_name(GRAPH_EDGE_LINK), "a");
    assert_string_equal(graph_edge_kind_name(GRAPH_EDGE_IFRAME), "iframe");
    graph_destroy(graph);
}

static void test_freeze_without_edges(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    assert_int_equal(graph_freeze(graph), CP_OK);
    graph_destroy(graph);
    graph = graph_create(0);
    intern_str(graph, "only");
    assert_int_equal(graph_freeze(graph), CP_OK);
    assert_int_equal(graph_out_edges(graph, 0).count, 0);
    assert_int_equal(graph_in_edges(graph, 0).count, 0);
    graph_destroy(graph);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* A random multigraph: both CSR directions must hold exactly the appended (source, target, meta)
 * triples; out-rows in the order appended, in-rows sorted by source. */
static void test_freeze_matches_the_log(void **state)
{
    (void)state;
    enum { NODES = 700, EDGES = 20000 };
    struct graph *graph = graph_create(0);
    char url[32];
    for (int i = 0; i < NODES; i++)
        graph_intern(graph, url, (size_t)snprintf(url, sizeof url, "n%d", i), NULL);
    uint64_t *log = malloc(EDGES * sizeof *log);
    uint64_t seed = 12345;
    for (int i = 0; i < EDGES; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t source = (uint32_t)(seed >> 33) % NODES;
        uint32_t target = (uint32_t)(seed >> 13) % (i % 3 ? NODES : 20);
        uint8_t meta = (uint8_t)((seed >> 5) % GRAPH_EDGE_KIND_COUNT) | (uint8_t)(seed & 0x78u);
        assert_int_equal(graph_add_edge(graph, source, target, meta), CP_OK);
        log[i] = ((uint64_t)source << 40) | ((uint64_t)target << 8) | meta;
    }
    assert_int_equal(graph_freeze(graph), CP_OK);
    uint64_t *seen_out = malloc(EDGES * sizeof *seen_out), *seen_in = malloc(EDGES * sizeof *seen_in);
    size_t out_count = 0, in_count = 0;
    for (uint32_t id = 0; id < NODES; id++) {
        struct graph_edges out = graph_out_edges(graph, id), in = graph_in_edges(graph, id);
        for (uint32_t i = 0; i < out.count; i++) {
            seen_out[out_count++] = ((uint64_t)id << 40) | ((uint64_t)out.nodes[i] << 8) | out.meta[i];
        }
        for (uint32_t i = 0; i < in.count; i++) {
            if (i > 0)
                assert_true(in.nodes[i - 1] <= in.nodes[i]);
            seen_in[in_count++] = ((uint64_t)in.nodes[i] << 40) | ((uint64_t)id << 8) | in.meta[i];
        }
    }
    uint32_t row_position[NODES] = {0};
    for (int i = 0; i < EDGES; i++) {
        uint32_t source = (uint32_t)(log[i] >> 40);
        struct graph_edges out = graph_out_edges(graph, source);
        uint32_t at = row_position[source]++;
        assert_int_equal(out.nodes[at], (uint32_t)(log[i] >> 8) & 0xffffffffu);
        assert_int_equal(out.meta[at], (uint8_t)log[i]);
    }
    assert_int_equal(out_count, EDGES);
    assert_int_equal(in_count, EDGES);
    qsort(log, EDGES, sizeof *log, compare_u64);
    qsort(seen_out, EDGES, sizeof *log, compare_u64);
    qsort(seen_in, EDGES, sizeof *log, compare_u64);
    assert_memory_equal(log, seen_out, EDGES * sizeof *log);
    assert_memory_equal(log, seen_in, EDGES * sizeof *log);
    free(log);
    free(seen_out);
    free(seen_in);
    graph_destroy(graph);
}

/* Enough edges (5 bytes each in the in-arrays) that freezing transposes them in several cache-sized
 * windows: the in-rows must still be exactly the out-rows turned around, sorted by source. */
static void test_freeze_transposes_in_windows(void **state)
{
    (void)state;
    enum { NODES = 600, EDGES = 15000000 };
    struct graph *graph = graph_create(NODES);
    char url[32];
    for (int i = 0; i < NODES; i++)
        graph_intern(graph, url, (size_t)snprintf(url, sizeof url, "w%d", i), NULL);
    uint64_t seed = 99;
    for (uint32_t i = 0; i < EDGES; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t source = (uint32_t)(i / (EDGES / NODES)) % NODES;
        assert_int_equal(graph_add_edge(graph, source, (uint32_t)(seed >> 33) % NODES, (uint8_t)(source % 6)), CP_OK);
    }
    assert_int_equal(graph_freeze(graph), CP_OK);
    uint32_t *pairs = calloc((size_t)NODES * NODES, sizeof *pairs);
    for (uint32_t source = 0; source < NODES; source++) {
        struct graph_edges out = graph_out_edges(graph, source);
        for (uint32_t i = 0; i < out.count; i++)
            pairs[(size_t)source * NODES + out.nodes[i]]++;
    }
    for (uint32_t target = 0; target < NODES; target++) {
        struct graph_edges in = graph_in_edges(graph, target);
        for (uint32_t i = 0; i < in.count; i++) {
            if (i > 0)
                assert_true(in.nodes[i - 1] <= in.nodes[i]);
            assert_int_equal(in.meta[i], in.nodes[i] % 6);
            uint32_t *count = &pairs[(size_t)in.nodes[i] * NODES + target];
            assert_true(*count > 0);
            --*count;
        }
    }
    for (size_t i = 0; i < (size_t)NODES * NODES; i++)
        assert_int_equal(pairs[i], 0);
    /* Source s only ever has edges of kind s % 6, and nearly every pair is present. */
    uint32_t found = 0;
    for (uint32_t source = 0; source < NODES; source += 37)
        for (uint32_t target = 0; target < NODES; target += 11) {
            found += graph_has_edge(graph, source, target, (enum graph_edge_kind)(source % 6));
            assert_false(graph_has_edge(graph, source, target, (enum graph_edge_kind)((source + 1) % 6)));
        }
    assert_true(found > 17 * 55 * 9 / 10);
    free(pairs);
    graph_destroy(graph);
}

static void test_sitemap_entries(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    uint32_t page = intern_str(graph, "https://s.test/p"), map1 = intern_str(graph, "https://s.test/s1.xml"),
             map2 = intern_str(graph, "https://s.test/s2.xml");
    assert_int_equal(graph_add_sitemap_entry(graph, page, map1, 12, 1700000000), CP_OK);
    assert_int_equal(graph_add_sitemap_entry(graph, page, map2, 3, GRAPH_NO_LASTMOD), CP_OK);
    assert_int_equal(graph_add_sitemap_entry(graph, page, 99, 3, 0), CP_ERR_INVALID);
    uint32_t at = graph_node(graph, page)->sitemap_first;
    const struct graph_sitemap_entry *entry = graph_sitemap_entry(graph, at);
    assert_non_null(entry);
    assert_int_equal(entry->sitemap, map2);
    assert_int_equal(entry->line, 3);
    assert_true(entry->lastmod == GRAPH_NO_LASTMOD);
    entry = graph_sitemap_entry(graph, entry->next);
    assert_non_null(entry);
    assert_int_equal(entry->sitemap, map1);
    assert_int_equal(entry->line, 12);
    assert_true(entry->lastmod == 1700000000);
    assert_int_equal(entry->next, GRAPH_NO_NODE);
    assert_null(graph_sitemap_entry(graph, GRAPH_NO_NODE));
    assert_int_equal(graph_node(graph, map1)->sitemap_first, GRAPH_NO_NODE);
    assert_true(graph_memory_usage(graph).sitemap_bytes >= 2 * sizeof *entry);
    graph_destroy(graph);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern_gives_dense_stable_ids),
        cmocka_unit_test(test_intern_treats_urls_as_bytes),
        cmocka_unit_test(test_intern_survives_growth),
        cmocka_unit_test(test_node_facts),
        cmocka_unit_test(test_edges_freeze_into_sorted_csr),
        cmocka_unit_test(test_freeze_without_edges),
        cmocka_unit_test(test_freeze_matches_the_log),
        cmocka_unit_test(test_freeze_transposes_in_windows),
        cmocka_unit_test(test_sitemap_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
