/* SPDX-License-Identifier: Apache-2.0 */
/* web/gumbo_arena: parse with gumbo into an arena and drop the whole tree at once.
 *
 * gumbo_destroy_output() frees node by node, recursively; on a deep tree that recursion is a stack
 * risk in worker threads, and the per-node free()s cost as much as a good part of the parse. Here
 * gumbo allocates from large chunks, its frees are no-ops, and gumbo_arena_free() releases the
 * chunks: the tree is gone in a few free() calls and no recursion. Memory that gumbo would have
 * freed during the parse (grown buffers) stays until the end; it is bounded by a small multiple of
 * the input size.
 *
 * A budget bounds one parse: thread CPU time and arena bytes. Tree building has quadratic corners
 * (deep nesting that web/html_depth did not foresee) and a tree costs many times its input, and
 * gumbo has no way to stop; but every step of it allocates, so the allocator checks the budget
 * (the clock every few hundred allocations) and, when it is spent, leaves the parse with longjmp.
 * Another thread may also cancel a parse in flight (the crawl stopping after Ctrl-C or SIGTERM):
 * the same check reads the budget's cancel flag, so a parse never holds a stopping crawl for its
 * whole CPU budget.
 * That is safe here because gumbo holds nothing but arena memory (no locks, no files, no global
 * state): the whole parse is dropped with the arena. An allocation failure leaves the same way, as
 * gumbo itself does not check for NULL.
 *
 * One arena per parse and per thread; the caller owns it. */
#ifndef CRAWLPACK_WEB_GUMBO_ARENA_H
#define CRAWLPACK_WEB_GUMBO_ARENA_H

#include <gumbo.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct gumbo_arena {
    struct gumbo_arena_chunk *head;
    size_t bytes, max_bytes;   /* chunk bytes held; the budget (0: none) */
    int64_t deadline_ns;       /* thread CPU time at which the parse stops (0: none) */
    const atomic_bool *cancel; /* set by another thread: stop at the next check (NULL: never) */
    unsigned allocations;
    int escape_status; /* why the parse was left: CP_ERR_LIMIT or CP_ERR_NOMEM */
    int spent;         /* enum gumbo_arena_spent: which budget ran out */
    jmp_buf escape;
    int armed; /* escape is valid (inside gumbo_arena_parse) */
};

struct gumbo_arena_budget {
    double cpu_seconds;        /* thread CPU time for the parse; 0: unlimited */
    size_t max_bytes;          /* arena bytes for the tree and gumbo's buffers; 0: unlimited */
    const atomic_bool *cancel; /* another thread sets it to stop the parse; NULL: never */
};

enum gumbo_arena_spent {
    GUMBO_ARENA_SPENT_NONE,
    GUMBO_ARENA_SPENT_TIME,
    GUMBO_ARENA_SPENT_MEMORY,
    GUMBO_ARENA_CANCELLED, /* budget->cancel was set */
};

/* Parse text with options filled by gumbo_arena_options, within budget. Returns CP_OK with *output
 * set; CP_ERR_LIMIT when the budget ran out (arena->spent says which; *output NULL, the partial
 * tree is lost); CP_ERR_INTERRUPTED when budget->cancel was set (likewise); CP_ERR_NOMEM. Free the arena afterwards in every case. */
int gumbo_arena_parse(struct gumbo_arena *arena, const GumboOptions *options, const char *text, size_t length,
                      const struct gumbo_arena_budget *budget, GumboOutput **output);

/* Initialise arena and fill options (gumbo's defaults, the arena's allocator, no error list: the
 * audit does not report parse errors, and recording them costs time and memory). */
void gumbo_arena_options(struct gumbo_arena *arena, GumboOptions *options);
/* Release every chunk: the GumboOutput parsed with this arena is invalid afterwards. Do not call
 * gumbo_destroy_output() on it. */
void gumbo_arena_free(struct gumbo_arena *arena);

#endif
