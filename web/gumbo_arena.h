/* web/gumbo_arena: parse with gumbo into an arena and drop the whole tree at once.
 *
 * gumbo_destroy_output() frees node by node, recursively; on a deep tree that recursion is a stack
 * risk in worker threads, and the per-node free()s cost as much as a good part of the parse. Here
 * gumbo allocates from large chunks, its frees are no-ops, and gumbo_arena_free() releases the
 * chunks: the tree is gone in a few free() calls and no recursion. Memory that gumbo would have
 * freed during the parse (grown buffers) stays until the end; it is bounded by a small multiple of
 * the input size.
 *
 * One arena per parse and per thread; the caller owns it. */
#ifndef CRAWLPACK_WEB_GUMBO_ARENA_H
#define CRAWLPACK_WEB_GUMBO_ARENA_H

#include <gumbo.h>

struct gumbo_arena {
    struct gumbo_arena_chunk *head;
};

/* Initialise arena and fill options (gumbo's defaults, the arena's allocator, no error list: the
 * audit does not report parse errors, and recording them costs time and memory). */
void gumbo_arena_options(struct gumbo_arena *arena, GumboOptions *options);
/* Release every chunk: the GumboOutput parsed with this arena is invalid afterwards. Do not call
 * gumbo_destroy_output() on it. */
void gumbo_arena_free(struct gumbo_arena *arena);

#endif
