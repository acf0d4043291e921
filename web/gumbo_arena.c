/* web/gumbo_arena: a chunked bump allocator for gumbo's parse tree. */
#include "web/gumbo_arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>

#define CHUNK_SIZE (256 * 1024)
#define BIG_BLOCK (CHUNK_SIZE / 4) /* larger requests get a chunk of their own */

struct gumbo_arena_chunk {
    struct gumbo_arena_chunk *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

static void *arena_allocate(void *userdata, size_t size)
{
    struct gumbo_arena *arena = userdata;
    size = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    struct gumbo_arena_chunk *chunk = arena->head;
    if (chunk && chunk->size - chunk->used >= size) {
        void *result = chunk->data + chunk->used;
        chunk->used += size;
        return result;
    }
    size_t chunk_size = size > BIG_BLOCK ? size : CHUNK_SIZE;
    struct gumbo_arena_chunk *fresh = malloc(sizeof *fresh + chunk_size);
    if (!fresh)
        return NULL; /* gumbo does not check allocations; with plain malloc it behaves the same */
    fresh->size = chunk_size;
    fresh->used = size;
    if (size > BIG_BLOCK && chunk) {
        /* behind the current chunk, which keeps serving small requests */
        fresh->next = chunk->next;
        chunk->next = fresh;
    } else {
        fresh->next = chunk;
        arena->head = fresh;
    }
    return fresh->data;
}

/* Memory returns to the system when the whole arena goes. */
static void arena_deallocate(void *userdata, void *pointer)
{
    (void)userdata;
    (void)pointer;
}

void gumbo_arena_options(struct gumbo_arena *arena, GumboOptions *options)
{
    arena->head = NULL;
    *options = kGumboDefaultOptions;
    options->allocator = arena_allocate;
    options->deallocator = arena_deallocate;
    options->userdata = arena;
    options->max_errors = 0;
}

void gumbo_arena_free(struct gumbo_arena *arena)
{
    struct gumbo_arena_chunk *chunk = arena->head;
    while (chunk) {
        struct gumbo_arena_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    arena->head = NULL;
}
