/* SPDX-License-Identifier: Apache-2.0 */
/* common/arena: many small strings that live and die together, without a malloc each.
 *
 * Design: a list of chunks (64 KiB, or one string's size when it is larger) filled front to back;
 * nothing is freed before arena_free, which releases every chunk at once. For data read once and
 * kept whole, such as a million links.csv rows read back for the report (four strings a row: the
 * mallocs and frees were a third of `crawlpack report`'s time).
 * Ownership: the arena owns every string it returns; they stay valid until arena_free.
 * Errors: NULL when out of memory (the arena is unchanged). Not thread-safe: one owner. */
#ifndef CRAWLPACK_COMMON_ARENA_H
#define CRAWLPACK_COMMON_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *chunks; /* newest first; NULL while empty */
    size_t used;                /* bytes used in the newest chunk */
    size_t size;                /* its capacity */
};

#define ARENA_INIT \
    {              \
        NULL, 0, 0 \
    }

/* A NUL-terminated copy of the first n bytes of text (fewer when text ends sooner). */
char *arena_strndup(struct arena *a, const char *text, size_t n);
void arena_free(struct arena *a);

#endif
