/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_discoverability: what the two halves of section 6 share — the analysis of the
 * crawl folder (sections, followable link pairs, broken link targets, redirect chains, canonical
 * and noindex health) computed once, and small helpers. Private to pack_discoverability*.c.
 * Everything allocated here is freed by disc_analysis_free / disc_key_free_all. */
#ifndef CRAWLPACK_REPORTS_PACK_DISCOVERABILITY_H
#define CRAWLPACK_REPORTS_PACK_DISCOVERABILITY_H

#include <stdint.h>
#include <uthash.h>

#include "reports/pack_internal.h"

struct key_entry {
    char *key;
    size_t value;
    UT_hash_handle hh;
};

struct section_info {
    char *name;
    size_t indexable;
    size_t indexable_listed;
    size_t proposed_bytes; /* estimated bytes of the proposed child sitemap */
    size_t *pages;         /* indexable pages, sorted by URL */
    size_t page_count;
};

struct link_target {
    size_t page;
    bool external; /* out of the crawl's scope (checked by --check-external): not a crawl failure */
    size_t links;
    const char *sources[3];
    size_t source_count;
};

struct chain {
    size_t start;
    struct buf path; /* "a → b → c" */
    size_t hops;
    int final_status;
    bool loop;
};

/* A followable link between two crawled pages, keyed by their page indexes. */
struct link_pair {
    uint32_t pages[2];
    UT_hash_handle hh;
};

struct analysis {
    struct section_info *sections;
    size_t section_count;
    size_t *order;                /* page indexes sorted by section, then URL */
    struct link_pair *link_pairs; /* followable links between crawled pages */
    struct link_target *broken;   /* in-scope targets first (by links), then external ones */
    size_t broken_count;          /* in-scope targets: the crawl's failures */
    size_t broken_links;
    size_t external_broken_count; /* out-of-scope targets, after the in-scope ones in broken */
    size_t external_broken_links;
    struct chain *chains;
    size_t chain_count;
};

struct health {
    size_t html_ok, self_canonical, canonical_missing, canonical_elsewhere, canonical_bad;
    size_t canonical_invalid;            /* a canonical that is no http(s) URL: not "no canonical" */
    const char *canonical_invalid_first; /* its first value in URL order, the example shown */
    size_t noindex, noindex_listed, noindex_canonical;
};

/* One change of R1's plan and the measured fact that asks for it. */
struct sitemap_change {
    struct buf change;
    struct buf trigger;
};

/* R1's sitemap plan (pack_discoverability_sitemaps.c): the smallest changes the crawl's facts ask
 * for, and where R4 adds each missing page. */
struct sitemap_plan {
    bool split;                /* a file passes a protocol limit or nears it: re-split per section */
    bool no_sitemap;           /* the site has none: one at the root */
    struct buf split_trigger;  /* the fact behind a re-split ("" without) */
    char *new_file;            /* a file the plan emits for pages no current file holds, or NULL */
    struct key_entry *files;   /* current files listing URLs -> their entries, sorted by URL */
    struct key_entry *folders; /* the folders of those files */
    const char **section_file; /* per section of the analysis: the file listing most of its pages */
    struct sitemap_change changes[16];
    size_t change_count;
};

/* String-keyed set/counter (uthash); disc_key_add returns the existing entry for a known key. */
struct key_entry *disc_key_find(struct key_entry *set, const char *key);
struct key_entry *disc_key_add(struct pack_context *ctx, struct key_entry **set, const char *key, size_t value);
void disc_key_free_all(struct key_entry **set);
int disc_compare_keys(const struct key_entry *a, const struct key_entry *b);

/* Build and free the analysis (pack_discoverability_measure.c). */
void disc_analysis_build(struct pack_context *ctx, struct analysis *a);
void disc_analysis_free(struct analysis *a);
/* Whether the crawl saw a followable link from page source to page target (page indexes). */
bool disc_links_to(const struct analysis *a, size_t source, size_t target);
/* Whether page i canonicalises to a non-indexable or uncrawled URL (*target: its row or NULL). */
bool disc_canonical_target_bad(const struct pack_context *ctx, size_t i, const struct crawl_page **target);
size_t disc_count_findings(const struct crawl_data *crawl, const char *prefix);
void disc_measure_health(const struct pack_context *ctx, struct health *h);

/* 6.1: the measured state, with its charts and full lists. */
void disc_write_measured_state(struct pack_context *ctx, struct buf *out, const struct analysis *a,
                               const struct health *h);

/* R1: build the plan (after disc_analysis_build), write it, free it. */
void disc_sitemap_plan_build(struct pack_context *ctx, const struct analysis *a, struct sitemap_plan *plan);
void disc_write_sitemap_plan(struct pack_context *ctx, struct buf *out, const struct analysis *a,
                             const struct sitemap_plan *plan);
void disc_sitemap_plan_free(struct sitemap_plan *plan);
/* The file R4 adds page (an index of crawl->pages) to: the section's proposed child sitemap under a
 * re-split, else the current file listing most of its section, else the one whose folder holds it,
 * else the file the plan emits. The text lives in the plan or in scratch. */
const char *disc_add_target(const struct pack_context *ctx, const struct analysis *a, const struct sitemap_plan *plan,
                            size_t page, struct buf *scratch);

/* The estimated bytes of one <url> entry (loc, lastmod, tags) and of a file's XML frame. */
size_t disc_entry_bytes(const char *url);
#define SITEMAP_FRAME_BYTES 200

/* "ORIGIN/sitemap-SECTION.xml" (the proposed child sitemap) in scratch. */
const char *disc_proposed_sitemap(const struct pack_context *ctx, const char *section, struct buf *scratch);
/* "… and N more in FILE" or "Full list: FILE". */
void disc_write_more(struct buf *out, size_t shown, size_t total, const char *csv);

#endif
