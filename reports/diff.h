/* SPDX-License-Identifier: Apache-2.0 */
/* reports/diff: compare two audit folders (`crawlpack diff OLD_DIR NEW_DIR`).
 *
 * Each folder is read with reports/crawl_data (pages.csv required) and its findings.json with
 * reports/baseline (the strict findings.json reader). Then:
 *   - findings: OLD's findings are the baseline for NEW's, matched by finding identity
 *     (findings/findings.h) as a multiset, exactly like `--baseline`: "new" are in NEW only,
 *     "fixed" in OLD only, "unchanged" in both;
 *   - pages: added (URL only in NEW), removed (only in OLD), and for URLs in both: status changes,
 *     indexability changes (crawl_page_is_indexable) and depth changes of at least
 *     depth_threshold clicks, or between reached and not reached by links.
 *
 * A partial crawl on either side (crawl_data.partial: --max-pages, --max-duration, --max-depth,
 * Ctrl-C, pages with no connection) makes a partial comparison: what a partial side did not read
 * is not compared. A page only in OLD is "removed" only when NEW is complete (else NEW may just not
 * have reached it); a page only in NEW is "added" only when OLD is complete; a page one partial
 * side did not fetch has no status, depth or indexability to compare; a finding only in OLD is
 * "fixed" only when NEW read its URL, and one only in NEW is "new" only when OLD read its URL.
 * What was left out is counted, never listed as a change.
 *
 * URL maps (--map FROM=TO) make a staging audit comparable with production: before anything is
 * compared, every URL of BOTH folders — page URLs, finding URLs, related URLs and finding sources
 * — that starts with FROM at a URL boundary is rewritten to start with TO (the first map in order
 * that matches; the result is not mapped again). Mapping both sides means the order of the two
 * folders does not matter and production URLs, which already start with TO, stay as they are.
 * Page canonicals and redirect targets are mapped too, so indexability is judged on the mapped
 * page: a staging page whose canonical names its production URL counts as self-canonical.
 *
 * Memory: struct diff owns both folders' data and every list in it; diff_free releases it (also
 * after a failed diff_run). The maps' strings belong to the caller and must outlive diff_run only.
 * One owner; no global state, so different threads may run different diffs. */
#ifndef CRAWLPACK_REPORTS_DIFF_H
#define CRAWLPACK_REPORTS_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "reports/baseline.h"
#include "reports/crawl_data.h"
#include "findings/findings.h"
#include "store/store_history.h"

/* One --map FROM=TO. */
struct diff_url_map {
    const char *from;
    const char *to;
};

struct diff_options {
    const struct diff_url_map *maps;
    size_t map_count;
    int depth_threshold; /* report a depth change of at least this many clicks (>= 1) */
};

/* One side of the comparison. */
struct diff_side {
    struct crawl_data crawl;  /* the folder as read */
    struct crawl_page *pages; /* crawl.pages as compared: url, canonical, redirect_to mapped */
    size_t page_count;
    bool has_findings;        /* the folder has a findings.json */
    struct baseline findings; /* its findings (URLs mapped), when has_findings */
    size_t indexable;         /* pages counted by crawl_page_is_indexable */
};

/* A page in the comparison: its mapped URL and its mapped pages on each side (pointing into the
 * sides' pages; old_page NULL for an added page, new_page NULL for a removed one). */
struct diff_page {
    const char *url;
    const struct crawl_page *old_page;
    const struct crawl_page *new_page;
};

struct diff_page_list {
    struct diff_page *items;
    size_t count;
};

/* Counts of one rule; only rules with a finding on either side are listed. */
struct diff_rule_counts {
    enum rule_id rule;
    size_t new_count;
    size_t fixed_count;
    size_t unchanged_count;
};

struct diff {
    const char *old_dir; /* as given (the caller's strings) */
    const char *new_dir;
    struct diff_options options;
    struct diff_side old_side;
    struct diff_side new_side;

    /* Findings are compared only when both folders have a findings.json. */
    bool findings_compared;
    struct finding_list new_findings;   /* report order (findings_sort) */
    struct finding_list fixed_findings; /* report order, as OLD had them */
    size_t unchanged_finding_count;
    struct diff_rule_counts *rules; /* most severe first, then catalog order */
    size_t rule_count;

    /* A partial comparison (see above): either side partial; what was not compared. */
    bool partial;
    size_t pages_not_compared;
    size_t fixed_not_compared;
    size_t new_not_compared;

    struct diff_page_list added; /* each list in URL byte order */
    struct diff_page_list removed;
    struct diff_page_list status_changed;
    struct diff_page_list indexability_changed;
    struct diff_page_list depth_changed;
};

/* Parse "FROM=TO", split at the first '='. Both must be absolute URL prefixes ("https://host...").
 * On success text is cut at the '=' and map points into it. Returns CP_OK, or CP_ERR_INVALID with
 * a one-line reason appended to error. */
int diff_url_map_parse(char *text, struct diff_url_map *map, struct buf *error);

/* The URL with the first matching map applied, appended to out (the URL unchanged when no map
 * matches). FROM matches when url starts with it and FROM ends with '/', or the next character of
 * url is the end, '/', '?' or '#' — so https://a.example does not match https://a.example.org/.
 * Returns CP_OK or CP_ERR_NOMEM. */
int diff_map_url(const struct diff_url_map *maps, size_t map_count, const char *url, struct buf *out);

/* Read both folders and compare them. Returns CP_OK; CP_ERR_IO or CP_ERR_PARSE when a folder is
 * not a readable audit folder, CP_ERR_INVALID when a findings.json is not a findings file (the
 * message, naming the file, has been logged); CP_ERR_NOMEM. */
int diff_run(const char *old_dir, const char *new_dir, const struct diff_options *options, struct diff *diff);

/* One side of a comparison: an audit folder, or a run of a crawl store read into the same
 * structure (crawl_data_load_run), so everything above holds for either. */
struct diff_input {
    const char *name;                /* the folder; for a run "FILE (run N)": shown in the reports */
    struct store_reader *store;      /* NULL: name is a folder */
    const struct store_run_row *run; /* the store's run, with store */
};

/* diff_run over two inputs (name, store and run must outlive the diff). Errors as diff_run's;
 * CP_ERR_INVALID also for a damaged store (logged). */
int diff_run_inputs(const struct diff_input *old_input, const struct diff_input *new_input,
                    const struct diff_options *options, struct diff *diff);

/* The command line's one or two arguments as the two sides (cli/diff). An argument that is a file
 * is a crawl store (opened read-only, store/store_history.h); anything else is a folder, read as
 * always (a folder holding a crawl.db is still a folder). Two arguments: each store's last
 * complete run. One argument, which must be a store: its last two complete runs of one site (the
 * site of its last complete run). Runs still running, killed or interrupted are never chosen.
 * Returns CP_OK, CP_ERR_INVALID (one argument that is not a file, an unusable store, or a store
 * without enough complete runs: the reason, naming the file, appended to error) or CP_ERR_NOMEM.
 * diff_sources_close releases what it opened, also after a failure. */
struct diff_sources {
    struct diff_input old_input, new_input;
    struct store_reader *readers[2];
    struct store_run_rows runs[2];
    char *names[2];
};
int diff_sources_open(char *const *args, size_t count, struct diff_sources *sources, struct buf *error);
void diff_sources_close(struct diff_sources *sources);

/* How many new findings have a severity at or above threshold (0 when findings were not compared). */
size_t diff_new_at_least(const struct diff *diff, enum severity threshold);

/* Page facts as the text and Markdown reports word them, appended to out; each returns CP_OK or
 * CP_ERR_NOMEM. Status: "404", or "no response (ERROR)" when the crawler got none. Depth: "3", or
 * "not reached" when no followable link reaches the page. Indexability: "indexable", or
 * "not indexable: REASON" (crawl_page_explain_not_indexable). */
int diff_status_text(const struct crawl_page *page, struct buf *out);
int diff_depth_text(const struct crawl_page *page, struct buf *out);
int diff_indexability_text(const struct crawl_page *page, struct buf *out);

void diff_free(struct diff *diff);

#endif
