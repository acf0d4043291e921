/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/discover: which sitemaps the crawler reads, in which order, and what each returned.
 *
 * Order: the Sitemap: URLs of the origins' robots.txt (the caller's robots.txt parser supplies
 * them), then the --sitemap URLs the user gave; only when neither names any, the start origin's
 * /sitemap.xml and /sitemap_index.xml (guesses: a 404 there is an outcome, not a finding). A URL
 * named twice is tried once, under its first origin.
 *
 * Memory: a plan owns its strings; sitemap_discovery_free releases them. Attempts passed to the
 * callback are valid during the call. Threads: the checker's. */
#ifndef CRAWLPACK_SITEMAP_DISCOVER_H
#define CRAWLPACK_SITEMAP_DISCOVER_H

#include <stddef.h>

#include "sitemap/sitemap.h"

struct sitemap_discovery_source {
    char *url;
    enum sitemap_origin origin;
};

struct sitemap_discovery {
    struct sitemap_discovery_source *sources;
    size_t count;
};

/* Build the list of sources to try. start_url may be NULL when robots or flags name sitemaps.
 * Invalid or non-http(s) URLs are kept (their attempt then fails with sitemap-unreachable, which
 * names them). Returns CP_OK, CP_ERR_INVALID (no source at all: no start URL to guess from) or
 * CP_ERR_NOMEM. */
int sitemap_discovery_plan(const char *start_url, const char *const *robots_sitemaps, size_t robots_count,
                           const char *const *flag_sitemaps, size_t flag_count, struct sitemap_discovery *out);
void sitemap_discovery_free(struct sitemap_discovery *discovery);

struct sitemap_attempt {
    const char *url;
    enum sitemap_origin origin;
    const struct sitemap_result *result; /* http_status, read, kind, urls or error */
};

typedef void (*sitemap_attempt_fn)(const struct sitemap_attempt *attempt, void *context);

/* Fetch and check every planned source with checker (options.allow_fetch must be set), reporting
 * each attempt's outcome to on_attempt (may be NULL). When the first guess (/sitemap.xml) is read,
 * the second is still tried: a site may have both. Returns CP_OK or CP_ERR_NOMEM. */
int sitemap_discover_and_check(struct sitemap_checker *checker, const struct sitemap_discovery *plan,
                               sitemap_attempt_fn on_attempt, void *context);

/* "robots.txt", "argument", "default", "index". */
const char *sitemap_origin_name(enum sitemap_origin origin);

#endif
