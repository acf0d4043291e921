/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/link_index: links.csv's rows that report.html may show, listed by their writer (see link_index.h). */
#include "crawler/link_index.h"

#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"

unsigned link_index_share(const struct link_index_limits *limits, uint64_t pages)
{
    uint64_t share = limits->budget / (pages ? pages : 1) / 2;
    return share < limits->share_min   ? limits->share_min
           : share > limits->share_max ? limits->share_max
                                       : (unsigned)share;
}

void link_index_start(struct link_index *index, const struct link_index_limits *limits)
{
    memset(index, 0, sizeof *index);
    index->limits = limits;
    index->complete = limits != NULL;
    index->share = limits ? limits->share_max : 0;
}

/* Whether a row of these ranks may be shown with the index's share now. */
static bool listed(const struct link_index *index, const struct link_index_row *row)
{
    return row->source_rank < index->share || row->target_rank < index->share ||
           row->canonical_rank < index->limits->canonicals;
}

/* The URLs seen reach node id + 1: the share may shrink (only then, not a division a row). */
static void grow_nodes(struct link_index *index, uint32_t id)
{
    index->nodes = (size_t)id + 1;
    index->share = link_index_share(index->limits, index->nodes);
}

/* Room for node id's counts (new ones zero); false when out of memory. */
static bool reach_node(struct link_index *index, uint32_t id)
{
    if (id < index->nodes)
        return true;
    if (id < index->node_capacity) {
        grow_nodes(index, id);
        return true;
    }
    size_t capacity = index->node_capacity ? index->node_capacity : 1024;
    while (capacity <= id)
        capacity *= 2;
    uint16_t *sources = realloc(index->source_rows, capacity * sizeof *sources);
    if (sources)
        index->source_rows = sources;
    uint16_t *targets = sources ? realloc(index->target_rows, capacity * sizeof *targets) : NULL;
    if (targets)
        index->target_rows = targets;
    uint8_t *canonicals = targets ? realloc(index->canonical_rows, capacity) : NULL;
    if (!canonicals)
        return false;
    index->canonical_rows = canonicals;
    size_t added = capacity - index->node_capacity;
    memset(sources + index->node_capacity, 0, added * sizeof *sources);
    memset(targets + index->node_capacity, 0, added * sizeof *targets);
    memset(canonicals + index->node_capacity, 0, added);
    index->node_capacity = capacity;
    grow_nodes(index, id);
    return true;
}

/* Room for one more listed row: first drop the rows the share has shrunk past, then grow. */
static bool room_for_row(struct link_index *index)
{
    if (index->count < index->capacity)
        return true;
    size_t kept = 0;
    for (size_t i = 0; i < index->count; i++)
        if (listed(index, &index->rows[i]))
            index->rows[kept++] = index->rows[i];
    index->count = kept;
    if (kept <= index->capacity / 2 && index->capacity)
        return true;
    return array_reserve((void **)&index->rows, &index->capacity, index->count,
                         index->capacity ? index->capacity * 2 : 4096, sizeof *index->rows);
}

void link_index_add(struct link_index *index, int64_t offset, uint32_t source, uint32_t target, bool canonical)
{
    index->records++;
    if (!index->complete)
        return;
    if (offset < 0 || !reach_node(index, source > target ? source : target)) {
        index->complete = false;
        return;
    }
    struct link_index_row row = {(uint64_t)offset, link_rank_next(&index->source_rows[source]),
                                 link_rank_next(&index->target_rows[target]), LINK_RANK_NONE};
    if (canonical)
        row.canonical_rank = link_canonical_rank_next(&index->canonical_rows[source]);
    if (!listed(index, &row))
        return;
    if (!room_for_row(index)) {
        index->complete = false;
        return;
    }
    index->rows[index->count++] = row;
}

/* The writer's counts per node, which only listing needs. */
static void free_counts(struct link_index *index)
{
    free(index->source_rows);
    free(index->target_rows);
    free(index->canonical_rows);
    index->source_rows = index->target_rows = NULL;
    index->canonical_rows = NULL;
    index->node_capacity = 0;
}

void link_index_finish(struct link_index *index)
{
    free_counts(index);
    if (index->count && index->count < index->capacity) {
        struct link_index_row *rows = realloc(index->rows, index->count * sizeof *rows);
        if (rows) {
            index->rows = rows;
            index->capacity = index->count;
        }
    }
}

void link_index_free(struct link_index *index)
{
    free(index->rows);
    free_counts(index);
    memset(index, 0, sizeof *index);
}
