/* SPDX-License-Identifier: Apache-2.0 */
/* common/huge_pages: ask the kernel to back a large array with transparent huge pages. The
 * graph's arrays are hundreds of megabytes read in random order; with 4 KiB pages nearly every
 * access misses the TLB, and every first touch of a 4 KiB page is a page fault (costly in a
 * virtual machine: a re-audit of the 20,000-page bench site took 31,000 of them before its growing
 * arrays used huge pages, 25,000 after). Advice only: without THP (or off Linux) nothing changes.
 * Any thread; no state. */
#ifndef CRAWLPACK_COMMON_HUGE_PAGES_H
#define CRAWLPACK_COMMON_HUGE_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE_SIZE ((uintptr_t)2 << 20)

static inline void advise_huge_pages(void *memory, size_t size)
{
#ifdef MADV_HUGEPAGE
    if (!memory || size < 2 * HUGE_PAGE_SIZE)
        return;
    /* Only whole huge pages inside the block can be advised. */
    uintptr_t start = ((uintptr_t)memory + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);
    uintptr_t end = ((uintptr_t)memory + size) & ~(HUGE_PAGE_SIZE - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)memory;
    (void)size;
#endif
}

/* realloc for an array that grows by doubling to megabytes: past two huge pages the new block is
 * advised before the old contents are copied in, so the copy faults in whole huge pages (realloc
 * copies first, one 4 KiB page at a time, and advice after it comes too late for that half). At
 * most one huge page past the used end is resident. NULL when out of memory: old is unchanged. */
static inline void *realloc_huge(void *old, size_t old_size, size_t new_size)
{
    if (new_size < 2 * HUGE_PAGE_SIZE || old_size > new_size)
        return realloc(old, new_size);
    void *grown = malloc(new_size);
    if (!grown)
        return NULL;
    advise_huge_pages(grown, new_size);
    if (old_size)
        memcpy(grown, old, old_size);
    free(old);
    return grown;
}

#endif
