/* SPDX-License-Identifier: Apache-2.0 */
/* tests/audit/test_audit_graph: the cross-page audit rules over hand-built graphs.
 *
 * Each fixtures/audit/graphs/NAME.graph (format in tests/tools/graph_fixture.h) is one test: the
 * graph is frozen and analysed, audit_graph runs, and the (rule, URL) pairs it reports must be
 * exactly the file's "expect" lines — no more, no fewer — with the related URLs, messages and
 * sources the file pins down. Every fixture has cases that must fire and neighbouring cases that
 * must not; clean.graph must produce nothing. A last test checks that every rule audit_graph claims
 * is expected somewhere. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/error.h"
#include "tools/graph_fixture.h"
#include "linkgraph/analysis.h"
#include "linkgraph/audit.h"
#include "findings/rules.h"
#include "tools/audit_expectations.h"
#include "tools/fixture_files.h"

static struct fixture_files fixtures;

static char *pair_text(const char *rule, const char *url)
{
    size_t length = strlen(rule) + strlen(url) + 2;
    char *text = malloc(length);
    snprintf(text, length, "%s %s", rule, url);
    return text;
}

static const struct finding *find_finding(const struct finding_list *list, const char *rule, const char *url)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(rule_get(list->items[i].rule)->id, rule) == 0 && list->items[i].url &&
            strcmp(list->items[i].url, url) == 0)
            return &list->items[i];
    return NULL;
}

static void print_findings(const struct finding_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        const struct finding *f = &list->items[i];
        fprintf(stderr, "  %s %s | %s | source %s:%u | related:", rule_get(f->rule)->id, f->url ? f->url : "-",
                f->message, f->source ? f->source : "-", f->line);
        for (size_t r = 0; r < f->related_count; r++)
            fprintf(stderr, " %s", f->related[r]);
        fputc('\n', stderr);
    }
}

/* The (rule, URL) multiset of the findings must equal the "expect" lines'. */
static int compare_pairs(const struct graph_fixture *fixture, const struct finding_list *list)
{
    char **actual = calloc(list->count + 1, sizeof *actual);
    char **expected = calloc(fixture->expectation_count + 1, sizeof *expected);
    size_t expected_count = 0;
    for (size_t i = 0; i < list->count; i++)
        actual[i] = pair_text(rule_get(list->items[i].rule)->id, list->items[i].url ? list->items[i].url : "-");
    for (size_t i = 0; i < fixture->expectation_count; i++) {
        const struct graph_fixture_expectation *e = &fixture->expectations[i];
        if (strcmp(e->kind, "expect") == 0)
            expected[expected_count++] = pair_text(e->rule, e->url);
    }
    int mismatches = audit_expectations_compare((const char **)actual, list->count, (const char **)expected,
                                                expected_count);
    for (size_t i = 0; i < list->count; i++)
        free(actual[i]);
    for (size_t i = 0; i < expected_count; i++)
        free(expected[i]);
    free(actual);
    free(expected);
    return mismatches;
}

static int check_detail(const struct graph_fixture_expectation *e, const struct finding *f)
{
    char text[8192] = "";
    if (strcmp(e->kind, "expect-related") == 0) {
        size_t used = 0;
        for (size_t r = 0; r < f->related_count && used < sizeof text; r++)
            used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", r ? " " : "", f->related[r]);
    } else if (strcmp(e->kind, "expect-message") == 0) {
        snprintf(text, sizeof text, "%s", f->message);
    } else if (strcmp(e->kind, "expect-source") == 0) {
        if (f->line)
            snprintf(text, sizeof text, "%s %u", f->source ? f->source : "-", f->line);
        else
            snprintf(text, sizeof text, "%s", f->source ? f->source : "-");
    } else {
        return 0;
    }
    if (strcmp(text, e->rest) == 0)
        return 0;
    fprintf(stderr, "%s %s %s\n  expected: %s\n  actual:   %s\n", e->kind, e->rule, e->url, e->rest, text);
    return 1;
}

static void test_fixture(void **state)
{
    const char *name = *state;
    char path[8192];
    fixture_files_path(&fixtures, name, path, sizeof path);
    struct graph_fixture fixture;
    assert_int_equal(graph_fixture_load(path, &fixture), 0);
    struct graph_analysis analysis;
    assert_int_equal(graph_analyze(&analysis, fixture.graph, NULL), 0);
    struct finding_list list = FINDING_LIST_INIT;
    struct clusters clusters = {0};
    if (fixture.inputs) { /* the clusters the audit's caller computes once from the fingerprints */
        assert_int_equal(clusters_build(fixture.graph, &analysis, fixture.inputs, &clusters), 0);
        fixture.options.clusters = &clusters;
    }
    assert_int_equal(audit_graph(fixture.graph, &analysis, &fixture.options, &list), 0);
    int mismatches = compare_pairs(&fixture, &list);
    for (size_t i = 0; i < fixture.expectation_count; i++) {
        const struct graph_fixture_expectation *e = &fixture.expectations[i];
        if (strcmp(e->kind, "expect") == 0)
            continue;
        const struct finding *f = find_finding(&list, e->rule, e->url);
        if (!f) {
            fprintf(stderr, "%s %s %s: no such finding\n", e->kind, e->rule, e->url);
            mismatches++;
        } else {
            mismatches += check_detail(e, f);
        }
    }
    if (mismatches) {
        fprintf(stderr, "%s: the audit reported:\n", name);
        print_findings(&list);
    }
    findings_free(&list);
    clusters_free(&clusters);
    graph_analysis_free(&analysis);
    graph_fixture_free(&fixture);
    assert_int_equal(mismatches, 0);
}

static bool fixture_expects(const struct fixture_files *files, const char *name, const char *rule)
{
    char path[8192];
    fixture_files_path(files, name, path, sizeof path);
    struct graph_fixture fixture;
    assert_int_equal(graph_fixture_load(path, &fixture), 0);
    bool seen = false;
    for (size_t e = 0; e < fixture.expectation_count && !seen; e++)
        seen = strcmp(fixture.expectations[e].kind, "expect") == 0 && strcmp(fixture.expectations[e].rule, rule) == 0;
    graph_fixture_free(&fixture);
    return seen;
}

/* Every rule audit_graph checks has a fixture where it fires. */
static void test_every_rule_fires_somewhere(void **state)
{
    (void)state;
    size_t rule_count;
    const enum rule_id *rules = audit_graph_rules(&rule_count);
    assert_int_equal(audit_expectations_missing_rules(&fixtures, rules, rule_count, fixture_expects, "fixture"), 0);
}

/* A graph that is not frozen is refused, not audited. */
static void test_unfrozen_graph_is_refused(void **state)
{
    (void)state;
    struct graph *graph = graph_create(0);
    graph_intern(graph, "https://a.test/", 15, NULL);
    struct graph_analysis analysis = {0};
    struct finding_list list = FINDING_LIST_INIT;
    assert_int_equal(audit_graph(graph, &analysis, NULL, &list), CP_ERR_INVALID);
    assert_int_equal(list.count, 0);
    graph_destroy(graph);
}

int main(void)
{
    if (fixture_files_list(&fixtures, "fixtures/audit/graphs", ".graph") != 0)
        return 1;
    const struct CMUnitTest extra[] = {cmocka_unit_test(test_every_rule_fires_somewhere),
                                       cmocka_unit_test(test_unfrozen_graph_is_refused)};
    int failed = fixture_files_run(&fixtures, "audit_graph", test_fixture, extra, sizeof extra / sizeof *extra);
    fixture_files_free(&fixtures);
    return failed;
}
