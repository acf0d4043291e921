/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/link_index: where links.csv's rows that report.html may show start, listed as they are written.
 *
 * Design: report.html embeds a budget of links (reports/report_html.h). It shows a row while the
 * budget lasts when the row is among the first `share` rows of its source or among the first
 * `share` rows of its target, and a canonical reference when it is among the first `canonicals`
 * of its source. A row's rank on either side is how many rows before it name the same page there;
 * share is budget / pages / 2 within [share_min, share_max], pages being pages.csv's rows (one a
 * URL of the link graph). Nothing else decides, so the writer of links.csv, which sees every row
 * with its graph nodes, can list the rows that may be shown with their ranks, and an audit's
 * report reads those rows only: 250,000 rows instead of 1.2 million on the 20,000-page bench site.
 * pages is known only when the crawl ends. The writer takes the URLs its rows named so far (their
 * highest node id + 1), never more than the final pages, so its share is never below the final
 * one and a row it leaves out is never shown. As URLs are found the share shrinks, and rows listed
 * with a larger one are dropped when the list must grow (its length stays near what the final
 * share keeps, whatever the site's size).
 *
 * Threads: one writer (links.csv's thread) adds, then finishes; readers read after that.
 * Ownership: the index owns its arrays; link_index_free. Errors: an allocation that fails or an
 * unknown offset leaves the index incomplete (complete false): a reader then reads every row. */
#ifndef CRAWLPACK_CRAWLER_LINK_INDEX_H
#define CRAWLPACK_CRAWLER_LINK_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct link_index_limits {
    uint64_t budget; /* rows shown at most */
    unsigned share_min, share_max;
    unsigned canonicals; /* canonical references shown per source page, at most (below 255) */
};

/* Each source's and each target's share of rows when the crawl has pages URLs. */
unsigned link_index_share(const struct link_index_limits *limits, uint64_t pages);

/* A rank of LINK_RANK_NONE on the canonical side: the row is no canonical reference. Ranks
 * saturate (at UINT16_MAX and LINK_RANK_NONE - 1), far above any share. */
#define LINK_RANK_NONE 255

/* Count one more row in *count (saturating); returns the count before it: the row's rank. */
static inline uint16_t link_rank_next(uint16_t *count)
{
    uint16_t before = *count;
    *count += before < UINT16_MAX;
    return before;
}

/* The same for a source's canonical references (saturating below LINK_RANK_NONE). */
static inline uint8_t link_canonical_rank_next(uint8_t *count)
{
    uint8_t before = *count;
    *count += before < LINK_RANK_NONE - 1;
    return before;
}

struct link_index_row {
    uint64_t offset;                   /* where the row starts in links.csv */
    uint16_t source_rank, target_rank; /* rows before it with the same source / target */
    uint8_t canonical_rank;            /* canonical rows before it with the same source */
};

struct link_index {
    const struct link_index_limits *limits; /* NULL: nothing is listed (and complete is false) */
    struct link_index_row *rows;            /* count of them, offsets ascending */
    size_t count, capacity;
    uint64_t records; /* every row written after the header */
    bool complete;
    /* the writer's counts per graph node, nodes of them (its highest node id + 1) */
    uint16_t *source_rows, *target_rows;
    uint8_t *canonical_rows;
    size_t nodes, node_capacity;
    unsigned share; /* the share rows are listed with now (only shrinks) */
};

/* Ready index to list rows for limits (NULL: count rows only). */
void link_index_start(struct link_index *index, const struct link_index_limits *limits);
/* The row written next starts at offset (-1: unknown); it goes from graph node source to target.
 * Counts it, and lists it when it may be shown. */
void link_index_add(struct link_index *index, int64_t offset, uint32_t source, uint32_t target, bool canonical);
/* The writer is done: its counts are freed and the list shrinks to what it holds. */
void link_index_finish(struct link_index *index);
void link_index_free(struct link_index *index);

#endif
