/* SPDX-License-Identifier: Apache-2.0 */
/* common/array_grow: growth for arrays that only ever grow by one element at a time.
 *
 * The capacity is implied by the count (the next power of two at or above it), so such arrays
 * need no capacity field and still grow in amortised constant time; growing by exactly one
 * element per push would copy the whole array each time (quadratic on a 100,000-page crawl). Past
 * a few megabytes (report.html's links) the array lives in huge pages (common/huge_pages.h).
 * array_reserve is the same growth for an array that keeps its capacity, so a size known in
 * advance is allocated at once (doubling leaves up to half unused, and holds both copies while it
 * moves). */
#ifndef CRAWLPACK_COMMON_ARRAY_GROW_H
#define CRAWLPACK_COMMON_ARRAY_GROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/huge_pages.h"

/* Make room for element number count (0-based) in items, which holds count elements of
 * element_size bytes. Returns the array to use (possibly moved), or NULL when out of memory, in
 * which case items is still valid and unchanged. */
static inline void *array_grow(void *items, size_t count, size_t element_size)
{
    if (count & (count - 1)) /* not a power of two: the capacity above count has room */
        return items;
    size_t capacity = count ? count * 2 : 1;
    if (capacity > SIZE_MAX / element_size)
        return NULL;
    return realloc_huge(items, count * element_size, capacity * element_size);
}

/* For an array with a capacity of its own, so that a size known in advance is allocated once:
 * make room for wanted elements in items (count of them in use, *capacity allocated), growing by
 * half at least. Returns false when out of memory, in which case items is unchanged. */
static inline bool array_reserve(void **items, size_t *capacity, size_t count, size_t wanted, size_t element_size)
{
    if (wanted <= *capacity)
        return true;
    size_t grown = *capacity + *capacity / 2;
    grown = grown < wanted ? wanted : grown < 16 ? 16 : grown;
    if (grown > SIZE_MAX / element_size)
        return false;
    void *moved = realloc_huge(*items, count * element_size, grown * element_size);
    if (!moved)
        return false;
    *items = moved;
    *capacity = grown;
    return true;
}

#endif
