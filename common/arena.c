/* SPDX-License-Identifier: Apache-2.0 */
/* common/arena: strings copied into chunks that are freed together (see arena.h). */
#include "common/arena.h"

#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK_SIZE = 64 * 1024 };

struct arena_chunk {
    struct arena_chunk *next;
    char data[];
};

static int arena_grow(struct arena *a, size_t need)
{
    size_t size = need > ARENA_CHUNK_SIZE ? need : ARENA_CHUNK_SIZE;
    struct arena_chunk *chunk = malloc(sizeof *chunk + size);
    if (!chunk)
        return -1;
    chunk->next = a->chunks;
    a->chunks = chunk;
    a->used = 0;
    a->size = size;
    return 0;
}

char *arena_strndup(struct arena *a, const char *text, size_t n)
{
    n = strnlen(text, n);
    if ((!a->chunks || a->size - a->used < n + 1) && arena_grow(a, n + 1) != 0)
        return NULL;
    char *copy = a->chunks->data + a->used;
    memcpy(copy, text, n);
    copy[n] = '\0';
    a->used += n + 1;
    return copy;
}

void arena_free(struct arena *a)
{
    while (a->chunks) {
        struct arena_chunk *next = a->chunks->next;
        free(a->chunks);
        a->chunks = next;
    }
    a->used = a->size = 0;
}
