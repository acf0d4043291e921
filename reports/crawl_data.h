/* SPDX-License-Identifier: Apache-2.0 */
/* reports/crawl_data: read a crawl output folder (the files `crawlpack crawl` / `audit` write) back
 * into memory for the pack.
 *
 * The folder contract (documented in docs/pack.md, "The crawl folder"):
 *   pages.csv     required. RFC 4180 with a header row; columns are found by name, unknown extra
 *                 columns are ignored, missing optional columns read as "not measured".
 *   links.csv     optional. source,target,kind,rel,anchor,followable,found_in.
 *   sitemaps.csv  optional. sitemap,url,lastmod,line: one row per sitemap entry.
 *   clusters.csv  optional. cluster,kind,url,role,votes,internal_links: duplicate clusters.
 *   findings.json optional. The audit's findings (schema 1, docs/formats.md), read with jansson.
 *   crawl.json    optional. Run metadata: start_url, started_at, options, robots, sitemaps.
 * A missing optional file is a missing measurement: the pack states an assumption instead.
 *
 * One run per folder: when crawl.json names a run (run_id) it also lists the run's files with their
 * sizes; pages.csv, links.csv and sitemaps.csv must then be listed with the size they have, and
 * findings.json must name the same run. A folder that mixes runs is refused (CP_ERR_INVALID, the
 * file and both runs named) rather than read as one crawl.
 *
 * Memory: crawl_data owns everything in it; crawl_data_free releases it (also after a failed
 * load). Not thread-safe: one owner. */
#ifndef CRAWLPACK_REPORTS_CRAWL_DATA_H
#define CRAWLPACK_REPORTS_CRAWL_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings/findings.h"

#include "common/arena.h"
#include "common/buf.h"

/* Fields are grouped by size (pointers, then 8-byte numbers, then 4-byte ones): no padding between
 * them, 152 bytes a page. */
struct crawl_page {
    char *url;
    char *content_type; /* "" when unknown; every char * field below is "" rather than NULL */
    char *redirect_to;
    char *canonical;
    char *robots_directives;
    char *title;
    char *error;
    char *http_version;
    char *content_encoding;
    char *analytics; /* space-separated tag names */
    /* The audit's reasons (linkgraph/analysis.h's names: "noindex-meta,canonicalised"; "" when
     * indexable), or NULL when pages.csv has no such column (the classification below derives them). */
    char *not_indexable_reasons;
    long size;      /* bytes; -1 when unknown */
    double ttfb_ms; /* < 0 when unknown */
    double total_ms;
    double link_score; /* 0-100 internal PageRank; < 0 when the column is absent */
    int status;        /* 0: network error or not fetched (see error) */
    int depth;         /* -1 when not reached by links */
    int inlinks;       /* -1 when unknown */
    int outlinks;
    int hsts;      /* 1, 0, or -1 when unknown */
    int indexable; /* from an `indexable` column: 1/0; -1 when absent (the pack derives it) */
    bool in_sitemap;
};

/* Anchor texts longer than this are cut when read: a page is free to make one megabytes long. */
#define CRAWL_ANCHOR_MAX 256

enum crawl_link_kind { LINK_A, LINK_REDIRECT, LINK_CANONICAL, LINK_HREFLANG, LINK_REFRESH, LINK_IFRAME, LINK_OTHER };

/* A links.csv row. Its strings belong to crawl_data (its link_text arena, or the crawl_page's url
 * when source or target is a crawled page): never free them one by one. */
struct crawl_link {
    char *source;
    char *target;
    /* The crawled pages source and target are (crawl_data's pages), NULL when they are no row of
     * pages.csv: looked up once, when the row is read. */
    const struct crawl_page *source_page;
    const struct crawl_page *target_page;
    char *rel;                 /* links.csv's rel ("" when none): report.html's URL explorer */
    char *anchor;              /* the anchor text ("" when none), at most CRAWL_ANCHOR_MAX bytes */
    enum crawl_link_kind kind; /* LINK_A when links.csv has no kind column */
    bool nofollow;             /* rel holds nofollow */
    /* Whether search engines follow it: links.csv's followable column (the crawl's one definition,
     * linkgraph/analysis.h); without that column, a link or iframe without nofollow. */
    bool followable;
    /* links.csv's found_in is `header` (a Link header, a redirect's Location); false without the column */
    bool from_header;
    /* Read through links.csv's index (crawler/link_index.h): the row's ranks from its writer, so
     * the filter need not count the rows it never sees. */
    bool ranked;
    uint16_t source_rank, target_rank;
    uint8_t canonical_rank;
};

struct crawl_data;

/* A reader that needs only some links (report.html shows a budget of them) keeps the rest out of
 * memory: keep() sees each row in order, its ends looked up (source_page, target_page), kind,
 * rel flags and found_in set, its strings only valid during the call; the row is kept when it
 * returns true (a filter may also keep what it needs of a row itself, and return false). */
struct crawl_link_filter {
    bool (*keep)(void *context, const struct crawl_data *data, struct crawl_link *link);
    /* Asked first, with the row's kind only: false skips the row before its ends are looked up
     * (it is counted in links_read, and keep never sees it). NULL: every row goes to keep. */
    bool (*wants)(void *context, enum crawl_link_kind kind);
    void *context;
};

struct crawl_sitemap_entry {
    char *sitemap;
    char *url;
    char *lastmod; /* "" when absent */
    unsigned line; /* the line of its <loc> in the sitemap file; 0 when unknown (no line column) */
};

/* A clusters.csv row (docs/clusters.md): rows of one cluster are adjacent, in URL order. */
struct crawl_cluster_row {
    long cluster;
    char *kind; /* "exact" or "near" */
    char *url;
    bool preferred;
    char *votes; /* the signals electing this URL, space-separated; "" when none */
    long internal_links;
};

struct crawl_sitemap_file {
    char *url;
    long urls;  /* -1 when unknown */
    long bytes; /* uncompressed; -1 when unknown */
};

struct crawl_robots {
    char *origin;
    int status; /* HTTP status; 0 network error; -1 unknown */
    long bytes; /* -1 when unknown */
    char *outcome;
};

struct graph;

struct crawl_data {
    char *dir;
    char *store_path; /* the crawl store the data was read from; NULL for a folder (crawl.db beside it) */
    struct crawl_page *pages;
    size_t page_count;
    size_t page_capacity;   /* rows allocated */
    struct arena page_text; /* the pages' strings but url (the index's copy) */
    struct crawl_link *links;
    size_t link_count;
    size_t links_read; /* the link rows read: link_count, and those a link_filter did not keep */
    const struct crawl_link_filter *link_filter; /* the loader's, or NULL: every link is kept */
    struct arena link_text; /* the links' strings (a million rows: one malloc each was most of a read) */
    struct crawl_sitemap_entry *entries;
    size_t entry_count;
    struct crawl_cluster_row *cluster_rows;
    size_t cluster_row_count;
    struct crawl_sitemap_file *sitemap_files;
    size_t sitemap_file_count;
    struct crawl_robots *robots;
    size_t robots_count;
    struct finding_list findings; /* findings.json's findings of rules this version knows */
    /* Taken from an audit (crawl_data_take_findings): the items are the data's, their strings the
     * audit's list's, which outlives it. */
    bool findings_borrowed;
    size_t unknown_rule_findings; /* findings of rules it does not know (skipped, with a warning) */
    bool has_links;
    bool has_sitemaps_csv;
    bool has_clusters_csv;
    bool has_findings;
    bool has_crawl_json;
    bool has_link_score;
    /* which optional pages.csv columns exist (a column of empty values still counts) */
    bool has_timing;
    bool has_encoding;
    bool has_hsts;
    bool has_analytics;
    char *run_id;          /* crawl.json's run_id; NULL when absent (a folder from before run ids) */
    char *findings_run_id; /* findings.json's run.run_id; NULL when absent */
    char *start_url;       /* NULL when unknown */
    char *started_at;      /* ISO 8601 as written by the crawler; NULL when unknown */
    char *options;         /* "key=value, ..." from crawl.json options; NULL when unknown */
    /* Why the crawl was partial: crawl.json "partial".reason (or its interrupted / stopped_by_limit
     * flags, from older folders), else findings.json run.partial; NULL when complete or unknown. */
    char *partial;
    long indexable_reported; /* findings.json summary.indexable; -1 when absent */
    long pages_reported;     /* findings.json summary.pages (in scope and fetched); -1 when absent */
    struct graph *index;     /* the pages' URLs: node N is pages[N] (crawl_data_find); NULL when borrowed */
    /* An audit's own graph borrowed as the index (crawl_data_load_files): its node N is
     * pages[node_rows[N]] (UINT32_MAX: no row), and the pages' URLs are its copies. */
    const struct graph *crawl_graph;
    uint32_t *node_rows;
};

/* Read the folder. Problems are logged with the file and line. Returns CP_OK, CP_ERR_IO (no
 * readable pages.csv: not a crawl folder), CP_ERR_PARSE (a file that exists but cannot be read as
 * its format), CP_ERR_INVALID (files of different runs) or CP_ERR_NOMEM. */
int crawl_data_load(const char *dir, struct crawl_data *data);
/* The same, keeping only the links filter keeps (NULL: all). */
int crawl_data_load_filtered(const char *dir, const struct crawl_link_filter *filter, struct crawl_data *data);

/* The folder read as crawl_data_load_filtered reads it, all but findings.json: the findings come
 * from crawl_data_take_findings, which an audit calls with the findings it holds (the list its
 * findings.json was rendered from, the context it was rendered with: reports/report_context.h) so
 * that its report.html does not parse that file back (jansson's tree of a 20,000-page audit's
 * findings was half the report's memory and a third of its CPU). What comes out is what
 * findings.json reads as (tests/browser's rebuild test checks the two reports are the same bytes).
 * The list's items are copied and their strings read in place: the list must stay as it is until
 * crawl_data_free. The two calls may run on different threads, one after the other. Returns as
 * crawl_data_load. */
struct report_findings;
struct link_index;
/* links_index (NULL: none): the rows of links.csv report.html may show, with their ranks, and its
 * row count, from its writer (crawler/link_index.h). With a filter and a complete index only those
 * rows are read; links_read is then the index's row count. crawl_graph (NULL: none): the graph of
 * the crawl that wrote the folder, frozen, read (graph_find, graph_url) from this thread while its
 * owner may still set node facts, and outliving data: it is the pages' index instead of a copy of
 * every URL (a 200,000-page audit's report held 37 MB less); a pages.csv URL it does not know (not
 * that crawl's folder) has the pages read again with an index of their own. */
struct graph;
int crawl_data_load_files(const char *dir, const struct crawl_link_filter *filter, const struct link_index *links_index,
                          const struct graph *crawl_graph, struct crawl_data *data);
int crawl_data_take_findings(struct crawl_data *data, const struct report_findings *findings);

/* A run of a crawl store (store/store_history.h; run is one of store_reader_runs' rows) read into
 * the same structure: pages from its page_facts table (pages.csv's rows, read by the pages.csv
 * reader), sitemap entries from sitemap_entries (sitemaps.csv's), for an audit its findings
 * (findings.json's: rule, URL, source, line, message, related URLs), and the run's start URL,
 * date, run id and page counts, and its links from the `links` view (what the graph keeps: no anchors,
 * of rel only nofollow, ugc and sponsored, found_in from the edge's header bit; no followable
 * column). What the store does not keep stays absent, as a missing optional file would:
 * clusters, crawl.json's robots.txt and sitemap lists and its partial reason (a
 * run that is not complete is partial: "interrupted", or "not finished" for one still running or
 * killed). dir names the run as "FILE (run N)", store_path the store. Returns CP_OK, CP_ERR_INVALID (a damaged store;
 * the reason is logged, naming the file) or CP_ERR_NOMEM. */
struct store_reader;
struct store_run_row;
int crawl_data_load_run(struct store_reader *reader, const struct store_run_row *run,
                        const struct crawl_link_filter *filter, struct crawl_data *data);

/* The page row for a URL (exact string match on the crawler's normalised URL), or NULL. */
const struct crawl_page *crawl_data_find(const struct crawl_data *data, const char *url);

void crawl_data_free(struct crawl_data *data);

/* Page classification shared by every reader of a crawl folder (the pack, the diff), so "indexable"
 * means the same everywhere. When pages.csv carries the audit's verdict (`indexable`,
 * `not_indexable_reasons`, written from linkgraph/analysis), these read it and derive nothing; only
 * a folder without those columns (hand-made, or from an older version) is classified from its raw
 * columns as described below. Pure functions of the row; any thread. */

/* Whether a content type is HTML: web/content_type.h's test, the one the crawl used. */
bool crawl_content_type_is_html(const char *content_type);
/* Whether robots_directives holds noindex (or none, which implies it). */
bool crawl_page_has_noindex(const struct crawl_page *page);
/* Whether robots.txt disallows the page (the verdict's robots-blocked; without it, an error that
 * starts with "robots" or "blocked"). */
bool crawl_page_is_blocked(const struct crawl_page *page);
/* Whether the crawler skipped the page for another reason (scope, limits): the verdict's not-crawled
 * (or out-of-scope without a status); without it, an error that says "not fetched: ...". */
bool crawl_page_is_not_fetched(const struct crawl_page *page);
/* Whether the page's canonical names another URL (the verdict's canonicalised). */
bool crawl_page_canonical_elsewhere(const struct crawl_page *page);
/* Whether the page is indexable: the `indexable` column when pages.csv has one, else status 200 +
 * HTML + no noindex + no canonical to another URL + not blocked by robots.txt. */
bool crawl_page_is_indexable(const struct crawl_page *page);
/* Why a page is not indexable, as one short phrase ("blocked by robots.txt", the crawler's
 * "not fetched: ..." text, "network error (timeout)", "redirects (301) to URL", "returns 404",
 * "noindex (noindex, follow)", "canonicalised to URL", "not HTML (TYPE)"), appended to out; the
 * first that applies, in that order. Returns CP_OK or CP_ERR_NOMEM. */
int crawl_page_explain_not_indexable(const struct crawl_page *page, struct buf *out);

#endif
