/* SPDX-License-Identifier: Apache-2.0 */
/* web/gumbo_arena: a chunked bump allocator for gumbo's parse tree. */
#include "web/gumbo_arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "common/error.h"

#define CHUNK_SIZE (256 * 1024)
#define BIG_BLOCK (CHUNK_SIZE / 4) /* larger requests get a chunk of their own */
#define CLOCK_EVERY 256            /* allocations between two looks at the CPU clock */

struct gumbo_arena_chunk {
    struct gumbo_arena_chunk *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

static int64_t thread_cpu_ns(void)
{
    struct timespec now;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0)
        return 0;
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Leave the parse (never returns) when armed; gumbo would crash on NULL otherwise. */
static void *escape(struct gumbo_arena *arena, int status, int spent)
{
    arena->escape_status = status;
    arena->spent = spent;
    if (arena->armed)
        longjmp(arena->escape, 1);
    return NULL;
}

/* Every CLOCK_EVERY allocations: has the CPU budget run out, or has another thread cancelled the
 * parse? (A relaxed load: the flag only ever goes from false to true, and a late look costs at most
 * CLOCK_EVERY more allocations.) */
static void check_clock(struct gumbo_arena *arena)
{
    if ((!arena->deadline_ns && !arena->cancel) || ++arena->allocations % CLOCK_EVERY != 0)
        return;
    if (arena->cancel && atomic_load_explicit(arena->cancel, memory_order_relaxed))
        escape(arena, CP_ERR_INTERRUPTED, GUMBO_ARENA_CANCELLED);
    if (arena->deadline_ns && thread_cpu_ns() >= arena->deadline_ns)
        escape(arena, CP_ERR_LIMIT, GUMBO_ARENA_SPENT_TIME);
}

static void *arena_allocate(void *userdata, size_t size)
{
    struct gumbo_arena *arena = userdata;
    check_clock(arena);
    size = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    struct gumbo_arena_chunk *chunk = arena->head;
    if (chunk && chunk->size - chunk->used >= size) {
        void *result = chunk->data + chunk->used;
        chunk->used += size;
        return result;
    }
    size_t chunk_size = size > BIG_BLOCK ? size : CHUNK_SIZE;
    if (arena->max_bytes && arena->bytes + chunk_size > arena->max_bytes)
        return escape(arena, CP_ERR_LIMIT, GUMBO_ARENA_SPENT_MEMORY);
    struct gumbo_arena_chunk *fresh = malloc(sizeof *fresh + chunk_size);
    if (!fresh)
        return escape(arena, CP_ERR_NOMEM, GUMBO_ARENA_SPENT_MEMORY);
    arena->bytes += chunk_size;
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
    *arena = (struct gumbo_arena){0};
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

int gumbo_arena_parse(struct gumbo_arena *arena, const GumboOptions *options, const char *text, size_t length,
                      const struct gumbo_arena_budget *budget, GumboOutput **output)
{
    *output = NULL;
    arena->max_bytes = budget ? budget->max_bytes : 0;
    arena->deadline_ns = 0;
    arena->cancel = budget ? budget->cancel : NULL;
    if (budget && budget->cpu_seconds > 0)
        arena->deadline_ns = thread_cpu_ns() + (int64_t)(budget->cpu_seconds * 1e9);
    if (setjmp(arena->escape) != 0) {
        arena->armed = 0;
        return arena->escape_status;
    }
    arena->armed = 1;
    GumboOutput *parsed = gumbo_parse_with_options(options, text, length);
    arena->armed = 0;
    *output = parsed;
    return parsed ? CP_OK : CP_ERR_NOMEM;
}
