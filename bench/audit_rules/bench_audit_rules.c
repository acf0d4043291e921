/* SPDX-License-Identifier: Apache-2.0 */
/* bench/audit_rules: the cross-page audit rules (linkgraph/audit.h) on the synthetic site graph
 * bench/audit analyses (default 1,000,000 pages, 50,000,000 edges): seconds for the analysis and
 * for audit_graph, the findings per rule, and peak RSS against the budget (16 bytes per
 * edge + 200 bytes per node for analysis + rules).
 *
 * Usage: bench_audit_rules [NODES [EDGES [SEED]]] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "linkgraph/analysis.h"
#include "linkgraph/audit.h"
#include "linkgraph/graph.h"
#include "findings/findings.h"
#include "synthetic_graph.h"
#include "tools/measure.h"

static uint64_t parse_count(const char *text, uint64_t fallback)
{
    char *end = NULL;
    unsigned long long value = text ? strtoull(text, &end, 10) : 0;
    return text && end && *end == '\0' && value > 0 ? value : fallback;
}

static int fail(const char *what, int status)
{
    fprintf(stderr, "bench_audit_rules: %s failed: %s\n", what, cp_strerror(status));
    return 1;
}

int main(int argc, char **argv)
{
    uint64_t nodes = parse_count(argc > 1 ? argv[1] : NULL, 1000000);
    uint64_t edges = parse_count(argc > 2 ? argv[2] : NULL, 50000000);
    uint64_t seed = parse_count(argc > 3 ? argv[3] : NULL, 1);
    if (nodes > GRAPH_MAX_NODES || edges > GRAPH_MAX_EDGES)
        return fail("checking the sizes", CP_ERR_LIMIT);
    struct synthetic_graph plan = synthetic_graph_plan((uint32_t)nodes, edges, seed);
    struct graph *graph = graph_create((uint32_t)nodes);
    if (!graph)
        return fail("graph_create", CP_ERR_NOMEM);
    int status = synthetic_graph_add_nodes(graph, &plan);
    if (status == CP_OK)
        status = synthetic_graph_add_edges(graph, &plan);
    if (status == CP_OK)
        status = graph_freeze(graph);
    if (status != CP_OK)
        return fail("building the graph", status);
    printf("bench_audit_rules: %" PRIu64 " nodes, %" PRIu64 " edges, seed %" PRIu64
           "; built and frozen, peak %.1f MiB\n",
           nodes, edges, seed, measure_peak_rss_mib());

    double wall = measure_seconds(CLOCK_MONOTONIC), cpu = measure_seconds(CLOCK_PROCESS_CPUTIME_ID);
    struct graph_analysis analysis;
    status = graph_analyze(&analysis, graph, NULL);
    if (status != CP_OK)
        return fail("graph_analyze", status);
    double analysis_wall = measure_seconds(CLOCK_MONOTONIC) - wall,
           analysis_cpu = measure_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;

    double rss_before_rules = measure_current_rss_mib();
    wall = measure_seconds(CLOCK_MONOTONIC), cpu = measure_seconds(CLOCK_PROCESS_CPUTIME_ID);
    struct finding_list findings = FINDING_LIST_INIT;
    /* The synthetic site has no sitemap: say so, or every page would be missing from "the" sitemap. */
    struct audit_options options = {.sitemaps_read = 0};
    status = audit_graph(graph, &analysis, &options, &findings);
    if (status != CP_OK)
        return fail("audit_graph", status);
    double rules_wall = measure_seconds(CLOCK_MONOTONIC) - wall,
           rules_cpu = measure_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;

    size_t by_rule[RULE_COUNT] = {0};
    for (size_t i = 0; i < findings.count; i++)
        by_rule[findings.items[i].rule]++;
    printf("findings: %zu\n", findings.count);
    for (int r = 0; r < RULE_COUNT; r++)
        if (by_rule[r])
            printf("  %-28s %10zu\n", rule_get((enum rule_id)r)->id, by_rule[r]);
    double peak = measure_peak_rss_mib();
    printf("RSS before the rules %.1f MiB, after %.1f MiB (%.0f bytes per finding, scratch freed)\n", rss_before_rules,
           measure_current_rss_mib(),
           findings.count ? (measure_current_rss_mib() - rss_before_rules) * 1048576.0 / (double)findings.count : 0.0);
    double budget = (16.0 * (double)edges + 200.0 * (double)nodes) / (1024.0 * 1024.0);
    printf("analysis %.2f s wall (%.2f s cpu), rules %.2f s wall (%.2f s cpu), together %.2f s (target < 20 s)\n",
           analysis_wall, analysis_cpu, rules_wall, rules_cpu, analysis_wall + rules_wall);
    printf("peak RSS %.1f MiB, budget 16 B/edge + 200 B/node = %.1f MiB: %s\n", peak, budget,
           peak <= budget ? "within" : "OVER");
    findings_free(&findings);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
    return 0;
}
