/* SPDX-License-Identifier: Apache-2.0 */
/* bench/audit: build a synthetic site graph (default 1,000,000 pages, 50,000,000 edges), freeze it
 * and run every analysis phase; print seconds per phase, the graph's own byte counts, and the
 * process's peak RSS against the budget of 16 bytes per edge + 200 bytes per node.
 *
 * Usage: bench_audit [NODES [EDGES [SEED]]] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "linkgraph/analysis.h"
#include "linkgraph/graph.h"
#include "synthetic_graph.h"
#include "tools/measure.h"

static double now(void)
{
    return measure_seconds(CLOCK_MONOTONIC);
}

/* CPU time too: on a shared machine wall time includes waiting for a core. */
static double cpu_now(void)
{
    return measure_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static double phase_start, phase_cpu_start, cpu_total;

static void begin(void)
{
    phase_start = now();
    phase_cpu_start = cpu_now();
}

/* Prints the phase; returns its wall seconds and adds its CPU seconds to cpu_total. */
static double end(const char *name)
{
    double seconds = now() - phase_start, cpu = cpu_now() - phase_cpu_start;
    printf("  %-22s %8.3f s wall %8.3f s cpu   rss %8.1f MiB   peak %8.1f MiB\n", name, seconds, cpu,
           measure_current_rss_mib(), measure_peak_rss_mib());
    fflush(stdout);
    cpu_total += cpu;
    return seconds;
}

static int fail(const char *what, int status)
{
    fprintf(stderr, "bench_audit: %s failed: %s\n", what, cp_strerror(status));
    return 1;
}

static uint64_t parse_count(const char *text, uint64_t fallback)
{
    if (!text)
        return fallback;
    char *end_of_number = NULL;
    unsigned long long value = strtoull(text, &end_of_number, 10);
    return end_of_number && *end_of_number == '\0' && value > 0 ? value : fallback;
}

int main(int argc, char **argv)
{
    uint64_t nodes = parse_count(argc > 1 ? argv[1] : NULL, 1000000);
    uint64_t edges = parse_count(argc > 2 ? argv[2] : NULL, 50000000);
    uint64_t seed = parse_count(argc > 3 ? argv[3] : NULL, 1);
    if (nodes > GRAPH_MAX_NODES || edges > GRAPH_MAX_EDGES) {
        fprintf(stderr, "bench_audit: at most %u nodes and %u edges\n", GRAPH_MAX_NODES, GRAPH_MAX_EDGES);
        return 2;
    }
    struct synthetic_graph plan = synthetic_graph_plan((uint32_t)nodes, edges, seed);
    printf("bench_audit: %" PRIu64 " nodes (%u site pages), %" PRIu64 " edges, seed %" PRIu64 "\n", nodes,
           plan.internal, edges, seed);

    double build = 0, analysis_seconds = 0, build_cpu = 0, freeze_cpu = 0;
    struct graph *graph = graph_create((uint32_t)nodes);
    if (!graph)
        return fail("graph_create", CP_ERR_NOMEM);
    begin();
    int status = synthetic_graph_add_nodes(graph, &plan);
    build += end("intern nodes");
    if (status != CP_OK)
        return fail("adding nodes", status);
    begin();
    status = synthetic_graph_add_edges(graph, &plan);
    build += end("append edges");
    build_cpu = cpu_total;
    if (status != CP_OK)
        return fail("adding edges", status);
    struct graph_memory before = graph_memory_usage(graph);
    begin();
    status = graph_freeze(graph);
    double freeze = end("freeze (CSR)");
    freeze_cpu = cpu_total - build_cpu;
    if (status != CP_OK)
        return fail("graph_freeze", status);
    struct graph_memory frozen = graph_memory_usage(graph);

    struct graph_analysis analysis;
    struct {
        const char *name;
        int (*run)(struct graph_analysis *, const struct graph *);
    } phases[] = {
        {"depth (2 BFS)", graph_analyze_depth},           {"link counts", graph_analyze_link_counts},
        {"redirects", graph_analyze_redirects},           {"canonicals", graph_analyze_canonicals},
        {"components + reach", graph_analyze_components}, {"verdicts", graph_analyze_verdicts},
    };
    begin();
    status = graph_analysis_init(&analysis, graph);
    analysis_seconds += end("analysis init");
    if (status != CP_OK)
        return fail("graph_analysis_init", status);
    for (size_t i = 0; i < sizeof phases / sizeof *phases; i++) {
        begin();
        status = phases[i].run(&analysis, graph);
        analysis_seconds += end(phases[i].name);
        if (status != CP_OK)
            return fail(phases[i].name, status);
    }
    begin();
    status = graph_analyze_pagerank(&analysis, graph, NULL);
    analysis_seconds += end("pagerank");
    if (status != CP_OK)
        return fail("pagerank", status);

    uint32_t indexable = 0, reached = 0, max_depth = 0, loops = 0;
    for (uint32_t id = 0; id < analysis.node_count; id++) {
        indexable += analysis.verdict[id] == 0;
        if (analysis.depth_followable[id] != GRAPH_UNREACHED) {
            reached++;
            if (analysis.depth_followable[id] > max_depth)
                max_depth = analysis.depth_followable[id];
        }
        loops += !!(analysis.flags[id] & GRAPH_PAGE_REDIRECT_LOOP);
    }
    double peak = measure_peak_rss_mib();
    double budget = (16.0 * (double)edges + 200.0 * (double)nodes) / (1024.0 * 1024.0);
    printf("\nresults: %u indexable, %u reached by followable links (max depth %u), %u components, "
           "%u pages in redirect loops, pagerank %u iterations (L1 change %.2e)\n",
           indexable, reached, max_depth, analysis.component_count, loops, analysis.pagerank_iterations,
           analysis.pagerank_residual);
    double analysis_cpu = cpu_total - build_cpu - freeze_cpu;
    printf("wall: build %.2f s (not counted), freeze %.2f s, analysis %.2f s, freeze + analysis %.2f s "
           "(target < 20 s)\n",
           build, freeze, analysis_seconds, freeze + analysis_seconds);
    printf("cpu:  build %.2f s (not counted), freeze %.2f s, analysis %.2f s, freeze + analysis %.2f s\n", build_cpu,
           freeze_cpu, analysis_cpu, freeze_cpu + analysis_cpu);
    printf("graph while crawling: %.1f bytes/node, %.1f bytes/edge (capacity)\n",
           (double)before.node_bytes / (double)nodes, (double)before.edge_bytes / (double)edges);
    printf("graph frozen:         %.1f bytes/node, %.1f bytes/edge\n", (double)frozen.node_bytes / (double)nodes,
           (double)frozen.edge_bytes / (double)edges);
    printf("peak RSS %.1f MiB = %.1f bytes/edge if nodes took 200 bytes; budget 16 B/edge + 200 B/node = "
           "%.1f MiB: %s\n",
           peak, (peak * 1024.0 * 1024.0 - 200.0 * (double)nodes) / (double)edges, budget,
           peak <= budget ? "within" : "OVER");
    graph_analysis_free(&analysis);
    graph_destroy(graph);
    return 0;
}
