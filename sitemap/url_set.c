/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/url_set: the duplicate-detection hash set (see url_set.h). */
#include "sitemap/url_set.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"

uint64_t sitemap_url_hash(const char *text, size_t length)
{
    /* Eight bytes at a time, each word multiplied in and rotated (FNV-style but word-wise, since
     * this runs for every URL), the length folded in, then a SplitMix64 finaliser so that the low
     * bits (the slot) are well mixed. */
    uint64_t h = 0xcbf29ce484222325ull ^ (length * 0x9e3779b97f4a7c15ull);
    size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t word;
        memcpy(&word, text + i, 8);
        h = (h ^ word) * 0x100000001b3ull;
        h = (h << 29) | (h >> 35);
    }
    uint64_t tail = 0;
    memcpy(&tail, text + i, length - i);
    h = (h ^ tail) * 0x100000001b3ull;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h ? h : 1; /* 0 marks an empty slot */
}

static void place(uint64_t *slots, size_t capacity, uint64_t hash)
{
    size_t i = (size_t)hash & (capacity - 1);
    while (slots[i])
        i = (i + 1) & (capacity - 1);
    slots[i] = hash;
}

static int grow(struct url_hash_set *set)
{
    size_t capacity = set->capacity ? set->capacity * 2 : 1024;
    uint64_t *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return CP_ERR_NOMEM;
    for (size_t i = 0; i < set->capacity; i++)
        if (set->slots[i])
            place(slots, capacity, set->slots[i]);
    free(set->slots);
    set->slots = slots;
    set->capacity = capacity;
    return CP_OK;
}

int url_hash_set_insert(struct url_hash_set *set, uint64_t hash)
{
    if (hash == 0)
        hash = 1;
    if ((set->count + 1) * 5 > set->capacity * 4 && grow(set) != CP_OK)
        return CP_ERR_NOMEM;
    size_t i = (size_t)hash & (set->capacity - 1);
    while (set->slots[i]) {
        if (set->slots[i] == hash)
            return 0;
        i = (i + 1) & (set->capacity - 1);
    }
    set->slots[i] = hash;
    set->count++;
    return 1;
}

bool url_hash_set_contains(const struct url_hash_set *set, uint64_t hash)
{
    if (hash == 0)
        hash = 1;
    if (!set->capacity)
        return false;
    for (size_t i = (size_t)hash & (set->capacity - 1); set->slots[i]; i = (i + 1) & (set->capacity - 1))
        if (set->slots[i] == hash)
            return true;
    return false;
}

void url_hash_set_free(struct url_hash_set *set)
{
    free(set->slots);
    set->slots = NULL;
    set->capacity = set->count = 0;
}
