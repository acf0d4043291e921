/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/huge_pages: ask the kernel to back a large array with transparent huge pages. The
 * graph's arrays are hundreds of megabytes read in random order; with 4 KiB pages nearly every
 * access misses the TLB. Advice only: without THP (or off Linux) nothing changes. Internal. */
#ifndef CRAWLPACK_LINKGRAPH_HUGE_PAGES_H
#define CRAWLPACK_LINKGRAPH_HUGE_PAGES_H

#include <stddef.h>
#include <stdint.h>
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

#endif
