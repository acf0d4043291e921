/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_history: the earlier runs of the site that the pack's URL growth projection (section
 * 4, reports/pack_capacity.c) fits its line through, read from crawl stores (store/store_history.h):
 * the crawl folder's crawl.db and the --previous folder's crawl.db, when present.
 *
 * A point is a complete run of the same site (store_same_site; the site is that of the crawl's own
 * run in the store, found by its run id, else the crawl's start URL) that started before the
 * crawl, with its date and its indexable count (runs.indexable: page_facts' indexable column, the
 * count pages.csv gives). The crawl's own run is not a point: the crawl itself is the last one. A
 * run found in both stores (one --db shared by both folders) counts once. A store that cannot be
 * read is skipped with a warning: the pack falls back to what it had without it.
 *
 * Memory: struct pack_history owns its points; pack_history_free releases it. One owner.
 * Errors: CP_OK or CP_ERR_NOMEM. */
#ifndef CRAWLPACK_REPORTS_PACK_HISTORY_H
#define CRAWLPACK_REPORTS_PACK_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/crawl_data.h"
#include "reports/pack.h"

struct pack_point {
    long day;         /* days since 1970-01-01 (pack_parse_date) */
    size_t indexable; /* the run's indexable pages */
    int64_t run;      /* the run's number in its store; 0: the --previous folder read from its files */
    char *started_at;
    char *run_id;
    const char *store; /* the store's path (one of pack_history.stores), or the --previous folder */
};

struct pack_history {
    struct pack_point *points; /* oldest first */
    size_t count;
    char *stores[2]; /* the crawl folder's and the --previous folder's crawl.db, when read */
    /* the --previous folder's store gave a point: its pages.csv is not needed */
    bool previous_from_store;
};

int pack_history_load(const struct pack_options *options, const struct crawl_data *crawl, struct pack_history *out);
/* The --previous folder read from its files (no store gave it) as one more point, when there are
 * points from a store already (alone, it is the pack's two-point growth) and it is not one of them
 * (same run id) and started before the crawl. previous->dir must outlive the history. */
int pack_history_add_folder(struct pack_history *history, const struct crawl_data *previous, size_t indexable,
                            const struct crawl_data *crawl);
void pack_history_free(struct pack_history *history);

#endif
