/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/chains: redirect and canonical resolution — where a chain ends, how many steps it takes,
 * whether it loops.
 *
 * Each page has at most one next step (its redirect target; for canonical chains, its redirect or
 * else its canonical), so the steps form a functional graph. resolve_chains walks each page's chain
 * once, keeping the walked path on a stack: reaching a chain's end or an already resolved page
 * resolves the whole path backwards; reaching a page on the path is a loop. Every page is walked
 * once, so the time is linear and no chain length bound is needed to stop. */
#include <stdlib.h>

#include "linkgraph/analysis.h"
#include "linkgraph/analysis_internal.h"

enum walk_state { STATE_NEW = 0, STATE_ON_PATH, STATE_DONE };

typedef uint32_t (*next_step_fn)(const struct graph *graph, uint32_t id);

static uint32_t redirect_step(const struct graph *graph, uint32_t id)
{
    return graph_node(graph, id)->redirect;
}

/* A canonical chain follows a page's redirect first (a redirecting URL's canonical is never read),
 * else its canonical unless that is the page itself. */
static uint32_t canonical_step(const struct graph *graph, uint32_t id)
{
    const struct graph_node *node = graph_node(graph, id);
    if (node->redirect != GRAPH_NO_NODE)
        return node->redirect;
    return node->canonical == id ? GRAPH_NO_NODE : node->canonical;
}

/* Resolve every page's chain under `next`: final page (GRAPH_NO_NODE on a loop), steps, and
 * loop_bit set in flags on a loop (hops then count the steps before a page repeats). */
static int resolve_chains(const struct graph *graph, next_step_fn next, uint32_t *final, uint32_t *hops, uint8_t *flags,
                          uint8_t loop_bit)
{
    uint32_t n = graph_node_count(graph);
    uint8_t *state = calloc((size_t)n + 1, 1);
    uint32_t *path = malloc(((size_t)n + 1) * sizeof *path);
    if (!state || !path) {
        free(state);
        free(path);
        return CP_ERR_NOMEM;
    }
    for (uint32_t start = 0; start < n; start++) {
        if (state[start] != STATE_NEW)
            continue;
        uint32_t length = 0, page = start, resolved;
        for (;;) {
            state[page] = STATE_ON_PATH;
            hops[page] = length; /* its position on the path, until resolved */
            path[length++] = page;
            uint32_t step = next(graph, page);
            if (step == GRAPH_NO_NODE) {
                final[page] = page;
                hops[page] = 0;
                flags[page] &= (uint8_t)~loop_bit;
                state[page] = STATE_DONE;
                resolved = page;
                length--;
                break;
            }
            if (state[step] == STATE_DONE) {
                resolved = step;
                break;
            }
            if (state[step] == STATE_ON_PATH) {
                uint32_t cycle_start = hops[step], cycle_length = length - cycle_start;
                for (uint32_t i = cycle_start; i < length; i++) {
                    final[path[i]] = GRAPH_NO_NODE;
                    hops[path[i]] = cycle_length;
                    flags[path[i]] |= loop_bit;
                    state[path[i]] = STATE_DONE;
                }
                resolved = step;
                length = cycle_start;
                break;
            }
            page = step;
        }
        while (length > 0) {
            uint32_t before = path[--length];
            final[before] = final[resolved];
            hops[before] = hops[resolved] + 1;
            flags[before] = (uint8_t)((flags[before] & ~loop_bit) | (flags[resolved] & loop_bit));
            state[before] = STATE_DONE;
            resolved = before;
        }
    }
    free(state);
    free(path);
    return CP_OK;
}

int graph_analyze_redirects(struct graph_analysis *analysis, const struct graph *graph)
{
    int status = analysis_check(analysis, graph);
    if (status != CP_OK)
        return status;
    return resolve_chains(graph, redirect_step, analysis->redirect_final, analysis->redirect_hops, analysis->flags,
                          GRAPH_PAGE_REDIRECT_LOOP);
}

int graph_analyze_canonicals(struct graph_analysis *analysis, const struct graph *graph)
{
    int status = analysis_check(analysis, graph);
    if (status != CP_OK)
        return status;
    size_t count = (size_t)analysis->node_count + 1;
    uint32_t *step_final = malloc(count * sizeof *step_final);
    uint32_t *step_hops = malloc(count * sizeof *step_hops);
    uint8_t *step_flags = calloc(count, 1);
    if (!step_final || !step_hops || !step_flags) {
        status = CP_ERR_NOMEM;
        goto done;
    }
    status = resolve_chains(graph, canonical_step, step_final, step_hops, step_flags, 1);
    if (status != CP_OK)
        goto done;
    /* A page's canonical chain starts at its declared canonical, whatever the page itself does. */
    for (uint32_t id = 0; id < analysis->node_count; id++) {
        uint32_t canonical = graph_node(graph, id)->canonical;
        analysis->flags[id] &= (uint8_t)~GRAPH_PAGE_CANONICAL_LOOP;
        if (canonical == GRAPH_NO_NODE || canonical == id) {
            analysis->canonical_final[id] = id;
            analysis->canonical_length[id] = 0;
            continue;
        }
        analysis->canonical_final[id] = step_final[canonical];
        analysis->canonical_length[id] = step_hops[canonical] + 1;
        if (step_flags[canonical])
            analysis->flags[id] |= GRAPH_PAGE_CANONICAL_LOOP;
    }
done:
    free(step_final);
    free(step_hops);
    free(step_flags);
    return status;
}
