/* SPDX-License-Identifier: Apache-2.0 */
/* Data-driven tests for linkgraph: each tests/graph/fixtures/NAME.graph describes a small site (pages
 * with status and flags, edges; the format is in tools/graph_fixture.h); the analysis of it, one line
 * per page, must equal NAME.expected. UPDATE_GOLDEN=1 rewrites the expected files (review them by
 * hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "linkgraph/analysis.h"
#include "linkgraph/graph.h"
#include "tools/fixture_files.h"
#include "tools/graph_fixture.h"
#include "tools/read_whole_file.h"

static const char *page_name(const struct graph *graph, uint32_t id, const char *none)
{
    return id == GRAPH_NO_NODE ? none : graph_url(graph, id, NULL);
}

static void dump_depth(struct buf *out, uint32_t depth)
{
    if (depth == GRAPH_UNREACHED)
        buf_append_str(out, "-");
    else
        buf_printf(out, "%u", depth);
}

/* One line per page, in id order. */
static void dump_analysis(struct buf *out, const struct graph *graph, const struct graph_analysis *a)
{
    for (uint32_t id = 0; id < a->node_count; id++) {
        char verdict[160];
        graph_verdict_describe(a->verdict[id], verdict, sizeof verdict);
        buf_printf(out, "%s depth=", graph_url(graph, id, NULL));
        dump_depth(out, a->depth_followable[id]);
        buf_append_char(out, '/');
        dump_depth(out, a->depth_any[id]);
        buf_printf(out, " in=%u/%u out=%u/%u redirect=%s:%u%s canonical=%s:%u%s scc=%u%s rank=%.4f score=%u %s\n",
                   a->inlinks[id], a->inlinks_followable[id], a->outlinks[id], a->outlinks_internal[id],
                   page_name(graph, a->redirect_final[id], "-"), a->redirect_hops[id],
                   a->flags[id] & GRAPH_PAGE_REDIRECT_LOOP ? ":loop" : "",
                   page_name(graph, a->canonical_final[id], "-"), a->canonical_length[id],
                   a->flags[id] & GRAPH_PAGE_CANONICAL_LOOP ? ":loop" : "", a->component[id],
                   a->flags[id] & GRAPH_PAGE_REACHES_START ? " reaches-start" : "", a->pagerank[id], a->link_score[id],
                   a->verdict[id] ? verdict : "indexable");
    }
}

static void check_fixture(const char *directory, const char *name)
{
    struct buf graph_path = BUF_INIT, expected_path = BUF_INIT;
    buf_printf(&graph_path, "%s/%s.graph", directory, name);
    buf_printf(&expected_path, "%s/%s.expected", directory, name);
    const char *graph_file = buf_str(&graph_path), *expected_file = buf_str(&expected_path);
    struct graph_fixture fixture;
    assert_int_equal(graph_fixture_load(graph_file, &fixture), 0);
    struct graph_analysis analysis;
    assert_int_equal(graph_analyze(&analysis, fixture.graph, NULL), CP_OK);
    struct buf actual = BUF_INIT;
    dump_analysis(&actual, fixture.graph, &analysis);
    const char *update = getenv("UPDATE_GOLDEN");
    if (update && *update) {
        FILE *out = fopen(expected_file, "w");
        assert_non_null(out);
        fputs(buf_str(&actual), out);
        fclose(out);
    }
    struct buf expected = BUF_INIT;
    bool missing = read_whole_file(expected_file, &expected) != 0;
    if (missing || strcmp(buf_str(&expected), buf_str(&actual)) != 0) {
        print_error("%s: analysis differs from %s\n--- expected\n%s--- actual\n%s", graph_file, expected_file,
                    missing ? "(missing)\n" : buf_str(&expected), buf_str(&actual));
        fail();
    }
    buf_free(&expected);
    buf_free(&actual);
    buf_free(&graph_path);
    buf_free(&expected_path);
    graph_analysis_free(&analysis);
    graph_fixture_free(&fixture);
}

static void test_fixtures(void **state)
{
    (void)state;
    struct fixture_files fixtures;
    assert_int_equal(fixture_files_list(&fixtures, "tests/graph/fixtures", ".graph"), 0);
    for (size_t i = 0; i < fixtures.count; i++) {
        struct buf name = BUF_INIT;
        buf_append(&name, fixtures.names[i], strlen(fixtures.names[i]) - strlen(".graph"));
        check_fixture(fixtures.directory, buf_str(&name));
        buf_free(&name);
    }
    assert_true(fixtures.count >= 2);
    fixture_files_free(&fixtures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fixtures)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
