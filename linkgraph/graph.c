/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/graph: the link graph store — URL interning (arena + open-addressing hash), node facts,
 * the edge append log, and its freezing into CSR. The contract is in graph.h. */
#include "linkgraph/graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/huge_pages.h"

/* URLs are copied into blocks of this size; a longer URL gets a block of its own. */
#define ARENA_BLOCK_SIZE (1u << 20)
/* The hash table grows (doubles) before its load factor passes 7/10. */
#define TABLE_LOAD_NUMERATOR 7u
#define TABLE_LOAD_DENOMINATOR 10u
#define TABLE_MIN_SLOTS 64u

/* A hash slot: the high 32 bits of the URL's hash (the probe start and a cheap filter before the
 * byte comparison) and the node id, GRAPH_NO_NODE when empty. Rehashing never touches the URLs. */
struct hash_slot {
    uint32_t hash;
    uint32_t id;
};

struct graph {
    /* URL arena: blocks of bytes, each URL NUL-terminated. */
    char **blocks;
    size_t block_count, block_capacity, block_bytes;
    char *arena_cursor;
    size_t arena_left;

    /* Nodes, by id. */
    const char **urls;
    uint32_t *url_lengths;
    struct graph_node *nodes;
    uint32_t node_count, node_capacity;

    struct hash_slot *slots;
    size_t slot_count; /* a power of two */

    /* Edges appended while crawling (released by freeze). */
    uint32_t *edge_sources, *edge_targets;
    uint8_t *edge_meta;
    uint32_t edge_count, edge_capacity;

    /* CSR after freeze: offsets have node_count + 1 entries. */
    bool frozen;
    uint32_t *out_offsets, *out_nodes, *in_offsets, *in_nodes;
    uint8_t *out_meta, *in_meta;

    struct graph_sitemap_entry *sitemap_entries;
    uint32_t sitemap_entry_count, sitemap_entry_capacity;
};

static uint64_t rotate_left(uint64_t value, unsigned bits)
{
    return (value << bits) | (value >> (64 - bits));
}

/* A 64-bit hash of a byte string: eight bytes per step, a multiply-rotate round, and a final
 * avalanche so every input bit moves the high half the table uses. */
static uint64_t hash_bytes(const char *bytes, size_t length)
{
    const uint64_t k1 = 0x9e3779b97f4a7c15ull, k2 = 0xbf58476d1ce4e5b9ull, k3 = 0x94d049bb133111ebull;
    uint64_t h = k1 ^ ((uint64_t)length * k3);
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        h = rotate_left(h ^ (word * k2), 31) * k1;
        bytes += 8;
        length -= 8;
    }
    if (length > 0) {
        uint64_t word = 0;
        memcpy(&word, bytes, length);
        h = rotate_left(h ^ (word * k2), 31) * k1;
    }
    h ^= h >> 30;
    h *= k2;
    h ^= h >> 27;
    h *= k3;
    h ^= h >> 31;
    return h;
}

/* Grow *array, which holds count elements of size bytes, to capacity elements: in huge pages once
 * it is large (the edge log reaches tens of megabytes). On failure *array is unchanged. */
static int resize_array(void *array, size_t count, size_t capacity, size_t size)
{
    void **slot = array;
    if (capacity > SIZE_MAX / size)
        return CP_ERR_NOMEM;
    void *grown = realloc_huge(*slot, count * size, capacity * size);
    if (!grown)
        return CP_ERR_NOMEM;
    *slot = grown;
    return CP_OK;
}

static int table_resize(struct graph *graph, size_t slot_count)
{
    struct hash_slot *slots = malloc(slot_count * sizeof *slots);
    if (!slots)
        return CP_ERR_NOMEM;
    for (size_t i = 0; i < slot_count; i++)
        slots[i].id = GRAPH_NO_NODE;
    size_t mask = slot_count - 1;
    for (size_t i = 0; i < graph->slot_count; i++) {
        struct hash_slot old = graph->slots[i];
        if (old.id == GRAPH_NO_NODE)
            continue;
        size_t at = old.hash & mask;
        while (slots[at].id != GRAPH_NO_NODE)
            at = (at + 1) & mask;
        slots[at] = old;
    }
    free(graph->slots);
    graph->slots = slots;
    graph->slot_count = slot_count;
    return CP_OK;
}

static size_t slots_for(size_t nodes)
{
    size_t slots = TABLE_MIN_SLOTS;
    while (slots / TABLE_LOAD_DENOMINATOR * TABLE_LOAD_NUMERATOR < nodes && slots < ((size_t)1 << 32))
        slots *= 2;
    return slots;
}

struct graph *graph_create(uint32_t expected_nodes)
{
    struct graph *graph = calloc(1, sizeof *graph);
    if (!graph)
        return NULL;
    if (table_resize(graph, slots_for(expected_nodes)) != CP_OK) {
        free(graph);
        return NULL;
    }
    return graph;
}

void graph_destroy(struct graph *graph)
{
    if (!graph)
        return;
    for (size_t i = 0; i < graph->block_count; i++)
        free(graph->blocks[i]);
    free(graph->blocks);
    free(graph->urls);
    free(graph->url_lengths);
    free(graph->nodes);
    free(graph->slots);
    free(graph->edge_sources);
    free(graph->edge_targets);
    free(graph->edge_meta);
    free(graph->out_offsets);
    free(graph->out_nodes);
    free(graph->out_meta);
    free(graph->in_offsets);
    free(graph->in_nodes);
    free(graph->in_meta);
    free(graph->sitemap_entries);
    free(graph);
}

/* Copy length bytes plus a NUL into the arena; NULL when out of memory. */
static const char *arena_copy(struct graph *graph, const char *bytes, size_t length)
{
    if (length + 1 > graph->arena_left) {
        if (graph->block_count == graph->block_capacity) {
            size_t capacity = graph->block_capacity ? graph->block_capacity * 2 : 16;
            if (resize_array(&graph->blocks, graph->block_count, capacity, sizeof *graph->blocks) != CP_OK)
                return NULL;
            graph->block_capacity = capacity;
        }
        size_t size = length + 1 > ARENA_BLOCK_SIZE ? length + 1 : ARENA_BLOCK_SIZE;
        char *block = malloc(size);
        if (!block)
            return NULL;
        graph->blocks[graph->block_count++] = block;
        graph->block_bytes += size;
        /* A URL bigger than a block fills its own block; keep filling the current one otherwise. */
        if (size > ARENA_BLOCK_SIZE) {
            memcpy(block, bytes, length);
            block[length] = '\0';
            return block;
        }
        graph->arena_cursor = block;
        graph->arena_left = size;
    }
    char *copy = graph->arena_cursor;
    memcpy(copy, bytes, length);
    copy[length] = '\0';
    graph->arena_cursor += length + 1;
    graph->arena_left -= length + 1;
    return copy;
}

static int nodes_reserve(struct graph *graph, uint32_t needed)
{
    if (needed <= graph->node_capacity)
        return CP_OK;
    size_t capacity = graph->node_capacity ? (size_t)graph->node_capacity * 2 : 1024;
    if (capacity > GRAPH_MAX_NODES)
        capacity = GRAPH_MAX_NODES;
    /* Each array that grew keeps its size if a later one fails; capacity only counts all three. */
    size_t count = graph->node_count;
    if (resize_array(&graph->urls, count, capacity, sizeof *graph->urls) != CP_OK ||
        resize_array(&graph->url_lengths, count, capacity, sizeof *graph->url_lengths) != CP_OK ||
        resize_array(&graph->nodes, count, capacity, sizeof *graph->nodes) != CP_OK)
        return CP_ERR_NOMEM;
    graph->node_capacity = (uint32_t)capacity;
    return CP_OK;
}

/* The slot holding url, or the empty slot where it belongs. */
static size_t table_probe(const struct graph *graph, const char *url, size_t length, uint32_t hash)
{
    size_t mask = graph->slot_count - 1;
    size_t at = hash & mask;
    for (;;) {
        struct hash_slot slot = graph->slots[at];
        if (slot.id == GRAPH_NO_NODE)
            return at;
        if (slot.hash == hash && graph->url_lengths[slot.id] == length &&
            memcmp(graph->urls[slot.id], url, length) == 0)
            return at;
        at = (at + 1) & mask;
    }
}

uint32_t graph_intern(struct graph *graph, const char *url, size_t length, bool *is_new)
{
    if (is_new)
        *is_new = false;
    if (length > UINT32_MAX - 1 || (!url && length > 0))
        return GRAPH_NO_NODE;
    if (!url)
        url = ""; /* the empty string; the byte functions below must not see NULL */
    uint32_t hash = (uint32_t)(hash_bytes(url, length) >> 32);
    size_t at = table_probe(graph, url, length, hash);
    if (graph->slots[at].id != GRAPH_NO_NODE)
        return graph->slots[at].id;
    if (graph->frozen || graph->node_count >= GRAPH_MAX_NODES)
        return GRAPH_NO_NODE;
    if ((size_t)graph->node_count + 1 > graph->slot_count / TABLE_LOAD_DENOMINATOR * TABLE_LOAD_NUMERATOR) {
        if (graph->slot_count >= ((size_t)1 << 32) || table_resize(graph, graph->slot_count * 2) != CP_OK)
            return GRAPH_NO_NODE;
        at = table_probe(graph, url, length, hash);
    }
    if (nodes_reserve(graph, graph->node_count + 1) != CP_OK)
        return GRAPH_NO_NODE;
    const char *copy = arena_copy(graph, url, length);
    if (!copy)
        return GRAPH_NO_NODE;
    uint32_t id = graph->node_count++;
    graph->urls[id] = copy;
    graph->url_lengths[id] = (uint32_t)length;
    graph->nodes[id] = (struct graph_node){
        .status = 0, .flags = 0, .canonical = GRAPH_NO_NODE, .redirect = GRAPH_NO_NODE, .sitemap_first = GRAPH_NO_NODE};
    graph->slots[at] = (struct hash_slot){.hash = hash, .id = id};
    if (is_new)
        *is_new = true;
    return id;
}

uint32_t graph_find(const struct graph *graph, const char *url, size_t length)
{
    if (length > UINT32_MAX - 1 || (!url && length > 0))
        return GRAPH_NO_NODE;
    if (!url)
        url = "";
    uint32_t hash = (uint32_t)(hash_bytes(url, length) >> 32);
    return graph->slots[table_probe(graph, url, length, hash)].id;
}

uint32_t graph_node_count(const struct graph *graph)
{
    return graph->node_count;
}

uint32_t graph_edge_count(const struct graph *graph)
{
    return graph->edge_count;
}

bool graph_is_frozen(const struct graph *graph)
{
    return graph->frozen;
}

const char *graph_url(const struct graph *graph, uint32_t id, size_t *length)
{
    if (length)
        *length = graph->url_lengths[id];
    return graph->urls[id];
}

const struct graph_node *graph_node(const struct graph *graph, uint32_t id)
{
    return &graph->nodes[id];
}

int graph_set_status(struct graph *graph, uint32_t id, uint16_t status)
{
    if (id >= graph->node_count)
        return CP_ERR_INVALID;
    graph->nodes[id].status = status;
    return CP_OK;
}

int graph_set_flags(struct graph *graph, uint32_t id, uint16_t flags)
{
    if (id >= graph->node_count)
        return CP_ERR_INVALID;
    graph->nodes[id].flags |= flags;
    return CP_OK;
}

int graph_clear_flags(struct graph *graph, uint32_t id, uint16_t flags)
{
    if (id >= graph->node_count)
        return CP_ERR_INVALID;
    graph->nodes[id].flags &= (uint16_t)~flags;
    return CP_OK;
}

static bool valid_target(const struct graph *graph, uint32_t target)
{
    return target == GRAPH_NO_NODE || target < graph->node_count;
}

int graph_set_canonical(struct graph *graph, uint32_t id, uint32_t target)
{
    if (id >= graph->node_count || !valid_target(graph, target))
        return CP_ERR_INVALID;
    graph->nodes[id].canonical = target;
    return CP_OK;
}

int graph_set_redirect(struct graph *graph, uint32_t id, uint32_t target)
{
    if (id >= graph->node_count || !valid_target(graph, target))
        return CP_ERR_INVALID;
    graph->nodes[id].redirect = target;
    return CP_OK;
}

int graph_add_edge(struct graph *graph, uint32_t source, uint32_t target, uint8_t meta)
{
    if (graph->frozen || source >= graph->node_count || target >= graph->node_count ||
        graph_edge_kind(meta) >= GRAPH_EDGE_KIND_COUNT)
        return CP_ERR_INVALID;
    if (graph->edge_count >= GRAPH_MAX_EDGES)
        return CP_ERR_LIMIT;
    if (graph->edge_count == graph->edge_capacity) {
        size_t capacity = graph->edge_capacity ? (size_t)graph->edge_capacity * 2 : 4096;
        if (capacity > GRAPH_MAX_EDGES)
            capacity = GRAPH_MAX_EDGES;
        size_t count = graph->edge_count;
        if (resize_array(&graph->edge_sources, count, capacity, sizeof(uint32_t)) != CP_OK ||
            resize_array(&graph->edge_targets, count, capacity, sizeof(uint32_t)) != CP_OK ||
            resize_array(&graph->edge_meta, count, capacity, 1) != CP_OK)
            return CP_ERR_NOMEM;
        graph->edge_capacity = (uint32_t)capacity;
    }
    if (graph->nodes[source].flags & GRAPH_NODE_IN_SCOPE)
        meta |= GRAPH_EDGE_SOURCE_IN_SCOPE;
    uint32_t at = graph->edge_count++;
    graph->edge_sources[at] = source;
    graph->edge_targets[at] = target;
    graph->edge_meta[at] = meta;
    if (graph_edge_kind(meta) == GRAPH_EDGE_REDIRECT)
        graph->nodes[source].redirect = target;
    return CP_OK;
}

int graph_add_sitemap_entry(struct graph *graph, uint32_t id, uint32_t sitemap, uint32_t line, int64_t lastmod)
{
    if (id >= graph->node_count || sitemap >= graph->node_count)
        return CP_ERR_INVALID;
    if (graph->sitemap_entry_count >= GRAPH_MAX_EDGES)
        return CP_ERR_LIMIT;
    if (graph->sitemap_entry_count == graph->sitemap_entry_capacity) {
        size_t capacity = graph->sitemap_entry_capacity ? (size_t)graph->sitemap_entry_capacity * 2 : 256;
        if (capacity > GRAPH_MAX_EDGES)
            capacity = GRAPH_MAX_EDGES;
        if (resize_array(&graph->sitemap_entries, graph->sitemap_entry_count, capacity,
                         sizeof *graph->sitemap_entries) != CP_OK)
            return CP_ERR_NOMEM;
        graph->sitemap_entry_capacity = (uint32_t)capacity;
    }
    uint32_t at = graph->sitemap_entry_count++;
    graph->sitemap_entries[at] = (struct graph_sitemap_entry){
        .lastmod = lastmod, .sitemap = sitemap, .line = line, .next = graph->nodes[id].sitemap_first};
    graph->nodes[id].sitemap_first = at;
    return CP_OK;
}

const struct graph_sitemap_entry *graph_sitemap_entry(const struct graph *graph, uint32_t index)
{
    if (index >= graph->sitemap_entry_count)
        return NULL;
    return &graph->sitemap_entries[index];
}

/* Turn per-node counts (at offsets[id + 1]) into starting offsets. */
static void prefix_sums(uint32_t *offsets, uint32_t node_count)
{
    for (uint32_t i = 0; i < node_count; i++)
        offsets[i + 1] += offsets[i];
}

/* Bytes of in-arrays one sweep of scatter_by_target writes: about the last-level cache of the
 * reference machine (35 MiB); measured best among 8, 16, 24, 32 and 64 MiB there. Each sweep reads
 * every edge, so for very large graphs the window grows to keep the sweeps at most 16. */
#define SCATTER_WINDOW_BYTES ((size_t)32 << 20)
#define SCATTER_MAX_SWEEPS 16u

/* Transpose the out-rows into the in-rows. A plain scatter writes each edge to a random place in
 * hundreds of megabytes, a cache (and TLB) miss per edge. Instead the targets are cut into windows
 * whose in-rows fit in cache, and each sweep reads the out-arrays sequentially and writes only the
 * edges into its window: more reading, which is cheap and sequential, for writes that hit cache.
 * Sources are visited in order in every sweep, so in-rows come out sorted by source. */
static void scatter_by_target(const uint32_t *out_offsets, const uint32_t *out_nodes, const uint8_t *out_meta,
                              const uint32_t *in_offsets, uint32_t *cursor, uint32_t *in_nodes, uint8_t *in_meta,
                              uint32_t n)
{
    size_t window_bytes = (size_t)in_offsets[n] * 5 / SCATTER_MAX_SWEEPS;
    if (window_bytes < SCATTER_WINDOW_BYTES)
        window_bytes = SCATTER_WINDOW_BYTES;
    uint32_t window_start = 0;
    while (window_start < n) {
        uint32_t window_end = window_start + 1;
        while (window_end < n && (size_t)(in_offsets[window_end + 1] - in_offsets[window_start]) * 5 <= window_bytes)
            window_end++;
        for (uint32_t source = 0; source < n; source++)
            for (uint32_t i = out_offsets[source]; i < out_offsets[source + 1]; i++) {
                uint32_t target = out_nodes[i];
                if (target < window_start || target >= window_end)
                    continue;
                uint32_t at = cursor[target]++;
                in_nodes[at] = source;
                in_meta[at] = out_meta[i];
            }
        window_start = window_end;
    }
}

/* Freezing is two counting-sort passes. (1) The log is scattered by source into the out-arrays;
 * the crawl appends a page's edges together, so this writes each row in one run and keeps the
 * order the page's links were found in. (2) The out-rows are walked in source order and scattered
 * by target into the in-arrays, whose rows therefore come out sorted by source. The in-arrays reuse
 * the log's target and meta arrays (capacity >= edges), so every allocation happens before the log
 * is touched: a failure leaves the graph as it was, and the peak is 14 bytes per edge. */
int graph_freeze(struct graph *graph)
{
    if (graph->frozen)
        return CP_OK;
    uint32_t n = graph->node_count, e = graph->edge_count;
    uint32_t *out_offsets = calloc((size_t)n + 1, sizeof *out_offsets);
    uint32_t *in_offsets = calloc((size_t)n + 1, sizeof *in_offsets);
    uint32_t *cursor = malloc(((size_t)n + 1) * sizeof *cursor);
    uint32_t *out_nodes = malloc(((size_t)e + 1) * sizeof *out_nodes);
    uint8_t *out_meta = malloc((size_t)e + 1);
    /* A graph without edges may have no log yet. */
    bool have_log = graph->edge_targets && graph->edge_meta;
    uint32_t *in_nodes = have_log ? graph->edge_targets : malloc(sizeof *in_nodes);
    uint8_t *in_meta = have_log ? graph->edge_meta : malloc(1);
    if (!out_offsets || !in_offsets || !cursor || !in_nodes || !in_meta || !out_nodes || !out_meta) {
        free(out_offsets);
        free(in_offsets);
        free(cursor);
        free(out_nodes);
        free(out_meta);
        if (!have_log) {
            free(in_nodes);
            free(in_meta);
        }
        return CP_ERR_NOMEM;
    }
    advise_huge_pages(out_nodes, (size_t)e * sizeof *out_nodes);
    advise_huge_pages(out_meta, e);
    advise_huge_pages(cursor, (size_t)n * sizeof *cursor);
    for (uint32_t i = 0; i < e; i++) {
        out_offsets[graph->edge_sources[i] + 1]++;
        in_offsets[graph->edge_targets[i] + 1]++;
    }
    prefix_sums(out_offsets, n);
    prefix_sums(in_offsets, n);

    memcpy(cursor, out_offsets, (size_t)n * sizeof *cursor);
    for (uint32_t i = 0; i < e; i++) {
        uint32_t at = cursor[graph->edge_sources[i]]++;
        out_nodes[at] = graph->edge_targets[i];
        out_meta[at] = graph->edge_meta[i];
    }
    free(graph->edge_sources);
    if (!have_log) {
        free(graph->edge_targets);
        free(graph->edge_meta);
    }
    graph->edge_sources = graph->edge_targets = NULL;
    graph->edge_meta = NULL;
    graph->edge_capacity = 0;
    /* The log grew by doubling: give its unused tail back (shrinking cannot lose the data; if the
     * allocator declines, the larger block is kept). */
    uint32_t *fitted_nodes = realloc(in_nodes, ((size_t)e + 1) * sizeof *in_nodes);
    if (fitted_nodes)
        in_nodes = fitted_nodes;
    uint8_t *fitted_meta = realloc(in_meta, (size_t)e + 1);
    if (fitted_meta)
        in_meta = fitted_meta;

    memcpy(cursor, in_offsets, (size_t)n * sizeof *cursor);
    scatter_by_target(out_offsets, out_nodes, out_meta, in_offsets, cursor, in_nodes, in_meta, n);
    free(cursor);

    graph->out_offsets = out_offsets;
    graph->out_nodes = out_nodes;
    graph->out_meta = out_meta;
    graph->in_offsets = in_offsets;
    graph->in_nodes = in_nodes;
    graph->in_meta = in_meta;
    graph->frozen = true;
    return CP_OK;
}

struct graph_edges graph_out_edges(const struct graph *graph, uint32_t id)
{
    if (!graph->frozen || id >= graph->node_count)
        return (struct graph_edges){NULL, NULL, 0};
    uint32_t from = graph->out_offsets[id];
    return (struct graph_edges){graph->out_nodes + from, graph->out_meta + from, graph->out_offsets[id + 1] - from};
}

struct graph_edges graph_in_edges(const struct graph *graph, uint32_t id)
{
    if (!graph->frozen || id >= graph->node_count)
        return (struct graph_edges){NULL, NULL, 0};
    uint32_t from = graph->in_offsets[id];
    return (struct graph_edges){graph->in_nodes + from, graph->in_meta + from, graph->in_offsets[id + 1] - from};
}

bool graph_has_edge(const struct graph *graph, uint32_t source, uint32_t target, enum graph_edge_kind kind)
{
    if (source >= graph->node_count)
        return false;
    struct graph_edges in = graph_in_edges(graph, target);
    uint32_t low = 0, high = in.count; /* the first position whose source is >= source */
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (in.nodes[middle] < source)
            low = middle + 1;
        else
            high = middle;
    }
    for (uint32_t i = low; i < in.count && in.nodes[i] == source; i++)
        if (graph_edge_kind(in.meta[i]) == kind)
            return true;
    return false;
}

struct graph_memory graph_memory_usage(const struct graph *graph)
{
    struct graph_memory memory = {0};
    memory.node_bytes = graph->block_bytes + graph->block_capacity * sizeof(char *) +
                        (size_t)graph->node_capacity * (sizeof(char *) + sizeof(uint32_t) + sizeof(struct graph_node)) +
                        graph->slot_count * sizeof(struct hash_slot);
    if (graph->frozen) {
        memory.node_bytes += 2 * ((size_t)graph->node_count + 1) * sizeof(uint32_t);
        memory.edge_bytes = 2 * (size_t)graph->edge_count * (sizeof(uint32_t) + 1);
    } else {
        memory.edge_bytes = (size_t)graph->edge_capacity * (2 * sizeof(uint32_t) + 1);
    }
    memory.sitemap_bytes = (size_t)graph->sitemap_entry_capacity * sizeof(struct graph_sitemap_entry);
    return memory;
}

const char *graph_edge_rel_text(uint8_t meta, char *text, size_t size)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{GRAPH_REL_NOFOLLOW, "nofollow"}, {GRAPH_REL_UGC, "ugc"}, {GRAPH_REL_SPONSORED, "sponsored"}};
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof *names && used < size; i++)
        if (meta & names[i].bit)
            used += (size_t)snprintf(text + used, size - used, "%s%s", used ? " " : "", names[i].name);
    return text;
}

const char *graph_edge_kind_name(enum graph_edge_kind kind)
{
    static const char *const names[GRAPH_EDGE_KIND_COUNT] = {"a",        "redirect", "canonical",
                                                             "hreflang", "refresh",  "iframe"};
    return (unsigned)kind < GRAPH_EDGE_KIND_COUNT ? names[kind] : "unknown";
}
