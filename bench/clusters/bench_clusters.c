/* SPDX-License-Identifier: Apache-2.0 */
/* bench/clusters: the two figures issue 18 asks for.
 *
 *   bench_clusters fingerprint [--rounds R] DIR
 *       over every *.html file under DIR (bench/gen_site's site): the CPU time of extract_page()
 *       (which fingerprints) and of what fingerprinting adds to it on the same parsed trees (the
 *       main-text walk and hashing, fingerprint_main_text, plus the root candidates noted during
 *       extraction's own walk), so its share can be read; run.sh relates it to the audit's CPU.
 *   bench_clusters synthetic [N]
 *       N fingerprints (default 1,000,000) of which a tenth are near copies (1-3 bits flipped) and a
 *       twentieth exact copies of others, as graph pages: times clusters_build() alone (the graph,
 *       its freeze and its analysis are built first and not counted) and prints the process's peak
 *       RSS before and after it, so the clustering's own memory is the difference.
 * Times are the process's CPU time (single-threaded) and wall time; nothing is asserted. */
#include <dirent.h>
#include <gumbo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/buf.h"
#include "linkgraph/analysis.h"
#include "linkgraph/clusters.h"
#include "linkgraph/graph.h"
#include "tools/measure.h"
#include "tools/read_whole_file.h"
#include "web/extract.h"
#include "web/fingerprint.h"

/* ---- fingerprint share of extraction ---- */

struct page {
    char *data;
    size_t length;
};

struct pages {
    struct page *list;
    size_t count, capacity;
    size_t bytes;
};

static void collect(struct pages *pages, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > 16) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        struct buf path = BUF_INIT;
        buf_printf(&path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(buf_str(&path), &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(pages, buf_str(&path), depth + 1);
        } else if (strstr(e->d_name, ".html")) {
            struct buf content = BUF_INIT;
            if (read_whole_file(buf_str(&path), &content) == 0) {
                struct page p = {content.data, content.len};
                if (pages->count == pages->capacity) {
                    pages->capacity = pages->capacity ? pages->capacity * 2 : 256;
                    pages->list = realloc(pages->list, pages->capacity * sizeof *pages->list);
                    if (!pages->list)
                        exit(1);
                }
                pages->list[pages->count++] = p;
                pages->bytes += p.length;
            } else {
                buf_free(&content);
            }
        }
        buf_free(&path);
    }
    closedir(d);
}

static double extract_round(const struct pages *pages)
{
    double start = measure_seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < pages->count; i++) {
        struct extract_input input = {
            .url = "https://bench.test/page", .body = pages->list[i].data, .body_length = pages->list[i].length};
        struct page_signals *signals;
        if (extract_page(&input, &signals) == 0)
            page_signals_free(signals);
    }
    return measure_seconds(CLOCK_PROCESS_CPUTIME_ID) - start;
}

/* Every element to fingerprint_roots_see, as extract's walk does (not entering templates). */
static void see_elements(const GumboNode *node, struct fingerprint_roots *roots, int depth)
{
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT)
        return;
    const GumboVector *children = node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children
                                                                    : &node->v.element.children;
    for (unsigned i = 0; i < children->length && depth < 600; i++) {
        const GumboNode *child = children->data[i];
        if (child->type != GUMBO_NODE_ELEMENT)
            continue;
        fingerprint_roots_see(roots, child);
        see_elements(child, roots, depth + 1);
    }
}

/* Parse outside the clock; inside it, what extraction adds for the fingerprint: each element shown
 * to fingerprint_roots_see (*see) and the main-text walk and hashing (the return value). */
static double fingerprint_round(const struct pages *pages, uint64_t *words, double *see)
{
    double spent = 0;
    for (size_t i = 0; i < pages->count; i++) {
        GumboOutput *output = gumbo_parse_with_options(&kGumboDefaultOptions, pages->list[i].data,
                                                       pages->list[i].length);
        struct fingerprint_roots roots = {0};
        double start = measure_seconds(CLOCK_PROCESS_CPUTIME_ID);
        see_elements(output->document, &roots, 0);
        double seen = measure_seconds(CLOCK_PROCESS_CPUTIME_ID);
        struct fingerprint f;
        if (fingerprint_main_text(output->document, &roots, &f) == 0)
            *words += f.words;
        double end = measure_seconds(CLOCK_PROCESS_CPUTIME_ID);
        *see += seen - start;
        spent += end - seen;
        gumbo_destroy_output(&kGumboDefaultOptions, output);
    }
    return spent;
}

static int run_fingerprint(const char *dir, int rounds)
{
    struct pages pages = {0};
    collect(&pages, dir, 0);
    if (pages.count == 0) {
        fprintf(stderr, "no *.html under %s\n", dir);
        return 1;
    }
    double best_extract = 1e30, best_fingerprint = 1e30;
    uint64_t words = 0;
    for (int r = 0; r < rounds; r++) {
        double see = 0, e = extract_round(&pages), f = fingerprint_round(&pages, &words, &see);
        /* the see walk here is a walk of its own; in extraction it rides on the existing walk, so
         * adding it whole gives an upper bound */
        f += see;
        best_extract = e < best_extract ? e : best_extract;
        best_fingerprint = f < best_fingerprint ? f : best_fingerprint;
    }
    printf("pages %zu (%.1f MB), main-text words per page %.0f\n", pages.count, pages.bytes / 1e6,
           (double)words / rounds / pages.count);
    printf("extract_page (with fingerprint): %.3f s CPU, %.0f pages/s\n", best_extract, pages.count / best_extract);
    printf("fingerprint (main-text walk, hashing, root notes): %.3f s CPU, %.1f%% of extract_page\n", best_fingerprint,
           100.0 * best_fingerprint / best_extract);
    printf("fingerprint_cpu_seconds %.3f\n", best_fingerprint);
    for (size_t i = 0; i < pages.count; i++)
        free(pages.list[i].data);
    free(pages.list);
    return 0;
}

/* ---- clustering N synthetic fingerprints ---- */

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

static int run_synthetic(uint32_t n)
{
    double wall = measure_seconds(CLOCK_MONOTONIC);
    struct graph *graph = graph_create(n);
    struct cluster_input *inputs = calloc(n + 1, sizeof *inputs);
    if (!graph || !inputs)
        return 1;
    uint64_t x = 0x9E3779B97F4A7C15u;
    char url[64];
    for (uint32_t i = 0; i < n; i++) {
        int length = snprintf(url, sizeof url, "https://bench.test/p/%u", i);
        uint32_t id = graph_intern(graph, url, (size_t)length, NULL);
        graph_set_status(graph, id, 200);
        graph_set_flags(graph, id,
                        GRAPH_NODE_FETCHED | GRAPH_NODE_HTML | GRAPH_NODE_IN_SCOPE | (i == 0 ? GRAPH_NODE_START : 0));
        uint64_t roll = next_random(&x) % 20;
        if (i > 0 && roll < 2) { /* a near copy of an earlier page */
            inputs[id] = inputs[next_random(&x) % i];
            inputs[id].content_hash = next_random(&x) | 1;
            for (uint64_t flips = 1 + next_random(&x) % 3; flips > 0; flips--)
                inputs[id].simhash ^= (uint64_t)1 << (next_random(&x) % 64);
        } else if (i > 0 && roll == 2) { /* an exact copy */
            inputs[id] = inputs[next_random(&x) % i];
        } else {
            inputs[id] = (struct cluster_input){next_random(&x) | 1, next_random(&x), 300};
        }
    }
    struct graph_analysis analysis;
    if (graph_freeze(graph) != 0 || graph_analyze(&analysis, graph, NULL) != 0)
        return 1;
    double setup = measure_seconds(CLOCK_MONOTONIC) - wall;
    double rss_before = measure_peak_rss_mib(), current_before = measure_current_rss_mib();
    double cpu = measure_seconds(CLOCK_PROCESS_CPUTIME_ID);
    wall = measure_seconds(CLOCK_MONOTONIC);
    struct clusters clusters;
    int status = clusters_build(graph, &analysis, inputs, &clusters);
    wall = measure_seconds(CLOCK_MONOTONIC) - wall;
    cpu = measure_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    double rss_after = measure_peak_rss_mib();
    size_t near = 0;
    for (size_t c = 0; c < clusters.count; c++)
        near += clusters.list[c].kind == CLUSTER_NEAR;
    printf("fingerprints %u: %zu clusters (%zu near), %zu pages in them (status %d)\n", n, clusters.count, near,
           clusters.member_count, status);
    printf("clusters_build: %.2f s wall, %.2f s CPU (graph, freeze and analysis before it: %.2f s, not counted)\n",
           wall, cpu, setup);
    printf("peak RSS: %.1f MiB before clustering (current %.1f), %.1f MiB after: the clustering adds at most "
           "%.1f MiB\n",
           rss_before, current_before, rss_after, rss_after - current_before);
    clusters_free(&clusters);
    graph_analysis_free(&analysis);
    graph_destroy(graph);
    free(inputs);
    return status == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "fingerprint") == 0) {
        int rounds = 3;
        int at = 2;
        if (argc >= 5 && strcmp(argv[2], "--rounds") == 0) {
            rounds = atoi(argv[3]);
            at = 4;
        }
        return run_fingerprint(argv[at], rounds > 0 ? rounds : 1);
    }
    if (argc >= 2 && strcmp(argv[1], "synthetic") == 0)
        return run_synthetic(argc >= 3 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1000000u);
    fprintf(stderr, "usage: bench_clusters fingerprint [--rounds R] DIR | bench_clusters synthetic [N]\n");
    return 2;
}
