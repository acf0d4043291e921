/* Data-driven tests for linkgraph: each tests/graph/fixtures/NAME.graph describes a small site (pages
 * with status and flags, edges); the analysis of it, one line per page, must equal NAME.expected.
 * UPDATE_GOLDEN=1 rewrites the expected files (review them by hand).
 *
 * .graph lines ('#' starts a comment):
 *   page PATH STATUS [html] [start] [out] [unfetched] [noindex-meta] [noindex-header] [blocked]
 *       (in scope and fetched unless "out" / "unfetched")
 *   KIND SOURCE TARGET [nofollow] [ugc] [sponsored] [header]
 *       KIND: a, redirect, canonical, hreflang, refresh, iframe. canonical also sets the page's
 *       effective canonical, redirect its redirect target. */
#include <setjmp.h>
#include <stdarg.h>
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

static const struct {
    const char *word;
    uint16_t set, clear;
} page_words[] = {
    {"html", GRAPH_NODE_HTML, 0},
    {"start", GRAPH_NODE_START, 0},
    {"out", 0, GRAPH_NODE_IN_SCOPE},
    {"unfetched", 0, GRAPH_NODE_FETCHED},
    {"noindex-meta", GRAPH_NODE_NOINDEX_META, 0},
    {"noindex-header", GRAPH_NODE_NOINDEX_HEADER, 0},
    {"blocked", GRAPH_NODE_ROBOTS_BLOCKED, 0},
};

static const struct {
    const char *word;
    uint8_t meta;
} rel_words[] = {
    {"nofollow", GRAPH_REL_NOFOLLOW},
    {"ugc", GRAPH_REL_UGC},
    {"sponsored", GRAPH_REL_SPONSORED},
    {"header", GRAPH_EDGE_FROM_HEADER},
};

/* Fails the test with the fixture's file and line. */
static void fixture_error(const char *file, int line, const char *what, const char *word)
{
    fail_msg("%s:%d: %s '%s'", file, line, what, word ? word : "");
}

static uint32_t find_page(struct graph *graph, const char *file, int line, const char *path)
{
    uint32_t id = path ? graph_find(graph, path, strlen(path)) : GRAPH_NO_NODE;
    if (id == GRAPH_NO_NODE)
        fixture_error(file, line, "undeclared page", path);
    return id;
}

static void parse_page(struct graph *graph, const char *file, int line, char **save)
{
    char *path = strtok_r(NULL, " \t", save), *status = strtok_r(NULL, " \t", save);
    if (!path || !status)
        fixture_error(file, line, "page needs PATH STATUS", path);
    uint16_t flags = GRAPH_NODE_FETCHED | GRAPH_NODE_IN_SCOPE;
    for (char *word; (word = strtok_r(NULL, " \t", save));) {
        size_t i = 0;
        while (i < sizeof page_words / sizeof *page_words && strcmp(word, page_words[i].word) != 0)
            i++;
        if (i == sizeof page_words / sizeof *page_words)
            fixture_error(file, line, "unknown page flag", word);
        flags = (uint16_t)((flags | page_words[i].set) & ~page_words[i].clear);
    }
    bool is_new = false;
    uint32_t id = graph_intern(graph, path, strlen(path), &is_new);
    if (!is_new)
        fixture_error(file, line, "page declared twice", path);
    graph_set_status(graph, id, (uint16_t)atoi(status));
    graph_set_flags(graph, id, flags);
}

static void parse_edge(struct graph *graph, const char *file, int line, const char *kind_word, char **save)
{
    int kind = 0;
    while (kind < GRAPH_EDGE_KIND_COUNT && strcmp(kind_word, graph_edge_kind_name((enum graph_edge_kind)kind)) != 0)
        kind++;
    if (kind == GRAPH_EDGE_KIND_COUNT)
        fixture_error(file, line, "unknown directive", kind_word);
    uint32_t source = find_page(graph, file, line, strtok_r(NULL, " \t", save));
    uint32_t target = find_page(graph, file, line, strtok_r(NULL, " \t", save));
    uint8_t meta = (uint8_t)kind;
    for (char *word; (word = strtok_r(NULL, " \t", save));) {
        size_t i = 0;
        while (i < sizeof rel_words / sizeof *rel_words && strcmp(word, rel_words[i].word) != 0)
            i++;
        if (i == sizeof rel_words / sizeof *rel_words)
            fixture_error(file, line, "unknown edge flag", word);
        meta |= rel_words[i].meta;
    }
    assert_int_equal(graph_add_edge(graph, source, target, meta), CP_OK);
    if (kind == GRAPH_EDGE_CANONICAL)
        graph_set_canonical(graph, source, target);
}

static struct graph *load_fixture(const char *file)
{
    FILE *in = fopen(file, "r");
    if (!in)
        fail_msg("cannot open %s", file);
    struct graph *graph = graph_create(0);
    char text[512];
    for (int line = 1; fgets(text, sizeof text, in); line++) {
        char *hash = strchr(text, '#');
        if (hash)
            *hash = '\0';
        text[strcspn(text, "\r\n")] = '\0';
        char *save = NULL, *directive = strtok_r(text, " \t", &save);
        if (!directive)
            continue;
        if (strcmp(directive, "page") == 0)
            parse_page(graph, file, line, &save);
        else
            parse_edge(graph, file, line, directive, &save);
    }
    fclose(in);
    return graph;
}

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
                   a->flags[id] & GRAPH_PAGE_REACHES_START ? " reaches-start" : "", a->pagerank[id],
                   a->link_score[id], a->verdict[id] ? verdict : "indexable");
    }
}

static char *read_file(const char *file)
{
    FILE *in = fopen(file, "r");
    if (!in)
        return NULL;
    struct buf text = BUF_INIT;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0)
        buf_append(&text, chunk, got);
    fclose(in);
    return buf_detach(&text);
}

static void check_fixture(const char *directory, const char *name)
{
    struct buf graph_path = BUF_INIT, expected_path = BUF_INIT;
    buf_printf(&graph_path, "%s/%s.graph", directory, name);
    buf_printf(&expected_path, "%s/%s.expected", directory, name);
    const char *graph_file = buf_str(&graph_path), *expected_file = buf_str(&expected_path);
    struct graph *graph = load_fixture(graph_file);
    struct graph_analysis analysis;
    assert_int_equal(graph_freeze(graph), CP_OK);
    assert_int_equal(graph_analyze(&analysis, graph, NULL), CP_OK);
    struct buf actual = BUF_INIT;
    dump_analysis(&actual, graph, &analysis);
    const char *update = getenv("UPDATE_GOLDEN");
    if (update && *update) {
        FILE *out = fopen(expected_file, "w");
        assert_non_null(out);
        fputs(buf_str(&actual), out);
        fclose(out);
    }
    char *expected = read_file(expected_file);
    if (!expected || strcmp(expected, buf_str(&actual)) != 0) {
        print_error("%s: analysis differs from %s\n--- expected\n%s--- actual\n%s", graph_file, expected_file,
                    expected ? expected : "(missing)\n", buf_str(&actual));
        fail();
    }
    free(expected);
    buf_free(&actual);
    buf_free(&graph_path);
    buf_free(&expected_path);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
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
