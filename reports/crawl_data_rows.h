/* SPDX-License-Identifier: Apache-2.0 */
/* reports/crawl_data_rows: crawl_data.c's pages.csv, sitemaps.csv and links.csv row readers, for
 * another source of the same rows (crawl_data_store.c: a run of the crawl store, whose page_facts
 * and sitemap_entries tables hold exactly those files' rows, and whose links view the links'), so
 * a row is read the same way whichever file or table it came from. Internal to reports/.
 *
 * Give the header row first (the column names), then the rows; each cell is text, "" when empty.
 * Memory: the rows' strings are copied into the crawl_data; crawl_rows_close frees the reader.
 * One owner. Errors: crawl_rows_add returns what the folder reader's row function returns (CP_OK,
 * CP_ERR_PARSE for a header without a url column, CP_ERR_NOMEM); crawl_rows_close returns
 * CP_ERR_PARSE when no header was given. */
#ifndef CRAWLPACK_REPORTS_CRAWL_DATA_ROWS_H
#define CRAWLPACK_REPORTS_CRAWL_DATA_ROWS_H

#include <stddef.h>

#include "reports/crawl_data.h"

enum crawl_rows_file {
    CRAWL_ROWS_PAGES,           /* pages.csv: data->pages, the optional-column flags */
    CRAWL_ROWS_SITEMAP_ENTRIES, /* sitemaps.csv: data->entries, has_sitemaps_csv */
    CRAWL_ROWS_LINKS,           /* links.csv: data->links, has_links */
};

struct crawl_rows;

/* name stands for the source in messages ("FILE (run N) page_facts") and must outlive the reader.
 * NULL when out of memory. */
struct crawl_rows *crawl_rows_open(struct crawl_data *data, const char *name, enum crawl_rows_file file);
int crawl_rows_add(struct crawl_rows *rows, const char *const *fields, size_t count);
int crawl_rows_close(struct crawl_rows *rows);

#endif
