/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_html_internal: what the parts of report.html share (report_html.c writes the page,
 * report_html_overview.c the counts and charts, report_html_data.c the embedded JSON).
 *
 * struct report_facts holds what the report derives from the folder once (which rows are crawled
 * pages, the counts by severity and rule, each page's site section) so the overview and the data
 * read the same numbers. Threads: one owner. Memory: report_facts_free releases it. */
#ifndef CRAWLPACK_REPORTS_REPORT_HTML_INTERNAL_H
#define CRAWLPACK_REPORTS_REPORT_HTML_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "findings/rules.h"
#include "reports/crawl_data.h"

struct report_facts {
    const struct crawl_data *data;
    bool *crawled; /* per page row: in scope and fetched (summary.pages counts these) */
    size_t crawled_count;
    size_t pages;     /* findings.json summary.pages, else crawled_count */
    size_t indexable; /* findings.json summary.indexable, else the crawled pages' verdicts */
    size_t by_severity[SEVERITY_NEVER + 1];
    size_t by_rule[RULE_COUNT];
    const char *origin; /* the start URL's origin ("http://h"), never NULL */
    size_t origin_length;
};

int report_facts_build(const struct crawl_data *data, struct report_facts *facts);
void report_facts_free(struct report_facts *facts);

/* The site section of a URL: its first path segment ("/docs/"), "/" for a page at the root. Sets
 * *length; returns a pointer into url (or the static "/"). */
const char *report_section(const char *url, size_t *length);

/* The overview: counts, charts, sections table. */
int report_html_overview(FILE *out, const struct report_facts *facts);

/* The trends section: earlier runs of the site from the store in the folder (OUT/crawl.db). */
int report_html_trends(FILE *out, const struct report_facts *facts);

/* Strings written once in the embedded JSON and referred to by index: link targets that are no
 * page row, anchors and rel values, robots and content-type values, sitemap files. The table is a
 * link graph used for its interner: string i is graph_url(table, i) (NULL table: none yet). */
struct graph;
struct report_intern {
    struct graph *table;
    bool failed;
};

/* A link the report embeds, as the JSON writes it: 20 bytes instead of a crawl_link and its strings
 * (at 20,000 pages the report keeps 233,000 of them). */
struct report_link {
    uint32_t source, target; /* a page row, or page_count + an index into the picker's extra */
    uint32_t rel, anchor;    /* indexes into the picker's strings */
    uint8_t kind;            /* enum crawl_link_kind, + 8 when found in a header (a Link header, a Location) */
    uint8_t marks;           /* REPORT_LINK_SHOWN, REPORT_LINK_CANONICAL */
};

/* Which links the report embeds (report_html_link_limits: the URL explorer's budget shared out so
 * every page lists some of its outlinks and inlinks, and every page's canonical references), picked
 * in links.csv's order by the rule crawler/link_index.h states. As the loaders' crawl_link_filter
 * it keeps the picked links itself, as report_link rows, and none in crawl_data; data loaded whole
 * is picked when it is written. */
#define REPORT_LINK_SHOWN 1     /* in the explorer's link list */
#define REPORT_LINK_CANONICAL 2 /* in the canonical references */
struct report_link_picker {
    const struct link_index_limits *limits; /* NULL: report_html_link_limits (tests pick with others) */
    size_t share, shown;                    /* links a page may show each way; links shown so far */
    uint16_t *out, *in;                     /* rows so far per page row (and [page_count]: URLs that are no row) */
    unsigned char *canonical;               /* canonical references so far per page row */
    size_t pages;
    struct report_link *links; /* the picked rows, in links.csv's order */
    size_t link_count, link_capacity;
    size_t expected_links;        /* rows to allocate at once (links.csv's index's count), 0: unknown */
    struct report_intern extra;   /* URLs that are no page row */
    struct report_intern strings; /* anchors, rel values (and the pages' robots and content types) */
    bool failed;                  /* out of memory: nothing more is kept */
};
/* The filter for crawl_data_load_filtered / crawl_data_load_run: context is the picker (zeroed
 * before loading); report_link_picker_free after. */
struct crawl_link_filter report_link_filter(struct report_link_picker *picker);
void report_link_picker_free(struct report_link_picker *picker);

/* The <script type="application/json" id="report-data"> element; links: what report_link_filter
 * picked while data was read, or NULL when data was read whole (picked now). */
int report_html_data(FILE *out, const struct report_facts *facts, struct report_link_picker *links);

/* The stylesheet and the script, embedded from reports/report_html.css and .js at build time. */
extern const char report_html_css[];
extern const char report_html_js[];

#endif
