/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_internal: what the pack's section writers share — the context holding the inputs,
 * per-page facts derived once from the crawl, the assumptions and open questions collected while
 * writing, and small Markdown/CSV/date helpers. Private to reports/pack*.c. */
#ifndef CRAWLPACK_REPORTS_PACK_INTERNAL_H
#define CRAWLPACK_REPORTS_PACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"
#include "reports/crawl_data.h"
#include "reports/intake.h"
#include "reports/pack.h"
#include "reports/pack_gate.h"

/* The depth target of the internal-linking rules: every indexable page within this many clicks. */
#define PACK_DEPTH_TARGET 3
/* Sitemap protocol limits (sitemaps.org): per file, and files per index. */
#define SITEMAP_MAX_URLS 50000L
#define SITEMAP_MAX_BYTES 52428800L
#define ROBOTS_MAX_BYTES 512000L /* 500 KiB: what Google reads of robots.txt */
#define PACK_EXAMPLES 10         /* example URLs per requirement in the pack; the rest go to CSV */
#define PACK_MAX_QUESTIONS 5
#define PACK_MAX_DOOMSDAY_ROWS 10

/* Facts about one crawled page, derived once (parallel to crawl_data.pages). */
struct page_facts {
    bool html;
    bool ok; /* status 200 */
    bool noindex;
    bool blocked;     /* not fetched because robots.txt disallows it */
    bool not_fetched; /* not fetched for another reason (scope, limits): the error says "not fetched: ..." */
    bool canonical_elsewhere;
    /* The canonical names no http(s) URL (file:///..., a placeholder): pages.csv keeps the value as
     * evidence, so the page has a canonical that search engines cannot use, not "no canonical". */
    bool canonical_invalid;
    /* Out of the crawl's scope (another origin, or outside the start folder): not crawled, or
     * fetched once by --check-external. Its answers are not the site's, so never crawl failures. */
    bool external;
    bool indexable;
    bool listed; /* in at least one sitemap */
    /* What the audit concluded about the page (findings.json), when the folder has it: the pack
     * states the audit's facts rather than counting them again by its own reading of pages.csv. */
    bool audit_orphan;          /* orphan-url or unreachable-by-follow */
    bool audit_missing;         /* missing-from-sitemap */
    bool audit_listed_bad;      /* a sitemap-url-* finding: listed but not a page to list */
    const char *sitemap;        /* the first sitemap listing it (from sitemaps.csv), or NULL */
    char *section;              /* top-level section: first path segment, or "pages" for top-level pages */
    char *not_indexable_reason; /* NULL for indexable pages */
};

struct pack_question {
    int weight;   /* how much the answer would change the plan; higher first */
    size_t order; /* insertion order breaks ties */
    char *text;
    char *owner;
};

struct url_sitemap;
struct pack_history;

struct pack_context {
    const struct pack_options *options;
    const struct intake *intake;
    const struct crawl_data *crawl;
    const struct crawl_data *previous;  /* NULL without --previous, or when its crawl.db gave the history */
    const struct pack_history *history; /* earlier runs of the site from crawl stores (pack_history.h) */
    struct page_facts *facts;
    long today;          /* days since 1970-01-01; -1 when unknown */
    char today_text[16]; /* "YYYY-MM-DD" or "unknown" */
    char *csv_dir;       /* NULL: CSV files are not written */
    char *origin;        /* scheme://host[:port] of the start URL (else the first page); "" if none */
    struct intake_strings assumptions;
    struct pack_question *questions;
    size_t question_count;
    struct intake_strings csv_files; /* names of the CSV files written, in order */
    struct url_sitemap *listed;      /* URL -> first sitemap, from sitemaps.csv */
    struct pack_facts gate;
    int status; /* first output error */
    /* measured by section 6 for sections 7 and 8 */
    bool from_audit; /* the folder has findings.json: orphan, missing and listed counts are the audit's */
    size_t indexable_count;
    size_t section_count; /* sections with indexable pages */
    size_t orphan_count;
    size_t missing_count;
    size_t listed_not_indexable;
    size_t broken_targets; /* in-scope targets answering an error (external ones are not the crawl's) */
    size_t broken_links;   /* the links to them */
    size_t redirect_chains;
    size_t deep_count;
};

/* Context lifecycle (pack_context.c). */
int pack_context_init(struct pack_context *ctx, const struct pack_options *options, const struct intake *intake,
                      const struct crawl_data *crawl, const struct crawl_data *previous);
void pack_context_free(struct pack_context *ctx);

/* Whether a page is indexable: the `indexable` column when pages.csv has one, else 200 + HTML +
 * no noindex + no canonical to another URL + not blocked by robots.txt. */
bool pack_page_is_indexable(const struct crawl_page *page);

/* Record an assumption (shown in section 1) / an open question candidate (section 8 shows the
 * PACK_MAX_QUESTIONS heaviest). owner NULL means unassigned. */
void pack_assume(struct pack_context *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pack_ask(struct pack_context *ctx, int weight, const char *owner, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Open NAME in the CSV folder and write its header; NULL when CSV output is off or on error (then
 * ctx->status is set and the error logged). Close with pack_csv_close. */
FILE *pack_csv_open(struct pack_context *ctx, const char *name, const char *const *header, size_t columns);
void pack_csv_close(struct pack_context *ctx, FILE *file, const char *name);

/* Markdown helpers: text safe inside a table cell; a URL as inline code. */
void md_cell(struct buf *out, const char *text);
void md_url(struct buf *out, const char *url);
/* "12.5%" of part/whole, or "n/a" when whole is 0. */
void md_percent(struct buf *out, size_t part, size_t whole);
/* Write "1,234,567". */
void md_count(struct buf *out, long value);

/* Dates (civil, proleptic Gregorian): "YYYY-MM-DD..." -> days since 1970-01-01, -1 if not a date. */
long pack_parse_date(const char *text);
void pack_format_date(long days, char out[16]);

/* Page classification (pack_measure.c). */
bool pack_is_html(const char *content_type);
char *pack_url_section(const char *url);
const char *pack_url_path(const char *url);     /* the path and query after scheme://host; "/" if none */
size_t pack_url_origin_length(const char *url); /* length of the scheme://host[:port] prefix */
/* Whether a page's canonical column holds a value that is not an http(s) URL. */
bool pack_canonical_is_invalid(const struct crawl_page *page);
/* Whether a page is outside the crawl's scope: the audit's verdict says out-of-scope; without the
 * verdict, the row says "not fetched: out of scope" or the URL is not on origin (the start URL's). */
bool pack_page_is_external(const struct crawl_page *page, const char *origin);
/* Nearest-rank percentile of values[0..count) (sorted in place); -1 when count is 0. */
double pack_percentile(double *values, size_t count, double percentile);
/* The page score used to rank link sources: link_score when present, else inlinks. */
double pack_page_strength(const struct crawl_page *page);

/* The sections. Each appends its Markdown to out. Section 6 runs first: the others use its
 * measurements. */
void pack_write_context(struct pack_context *ctx, struct buf *out);
void pack_write_capabilities(struct pack_context *ctx, struct buf *out);
void pack_write_quality(struct pack_context *ctx, struct buf *out);
void pack_write_doomsday(struct pack_context *ctx, struct buf *out);
void pack_write_instrumentation(struct pack_context *ctx, struct buf *out);
void pack_write_discoverability(struct pack_context *ctx, struct buf *out);
void pack_write_roadmap(struct pack_context *ctx, struct buf *out);
void pack_write_risks(struct pack_context *ctx, struct buf *out);
/* The assumptions block of section 1, written last so every section could add to it. */
void pack_write_assumptions(struct pack_context *ctx, struct buf *out);

#endif
