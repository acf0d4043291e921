/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_site: findings about the site as a whole, decided once the other rules ran.
 *
 * Some facts are about the site, not each page: it has no sitemap (sitemap-missing), no robots.txt
 * (robots-missing), most of its pages lack a canonical (one canonical-missing for the site instead
 * of one per page), or it was built for another origin (site-built-for-another-origin: most
 * canonicals, sitemap URLs or links name one other origin). audit_site_rules reads the frozen graph,
 * its analysis, what the crawl learnt about robots.txt and sitemaps (struct audit_site_input), and
 * the findings of every other rule, and appends the site-level findings to that list. Each is about
 * the site URL and has no source.
 *
 * canonical-missing: when more than half of the indexable pages have a per-page canonical-missing,
 * those per-page findings are moved from `all` to `per_page` (the caller writes them to a CSV) and one
 * site-level canonical-missing replaces them.
 *
 * Memory: the input's strings are the caller's; findings are copied into the lists.
 * Threads: reads the frozen graph only; one call per list. Errors: CP_OK or CP_ERR_NOMEM. */
#ifndef CRAWLPACK_LINKGRAPH_AUDIT_SITE_H
#define CRAWLPACK_LINKGRAPH_AUDIT_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings/findings.h"
#include "linkgraph/analysis.h"
#include "linkgraph/graph.h"

struct audit_site_input {
    const char *site_url; /* the audited site's root (start URL or --site-url); required */
    /* robots.txt of the site's origin: its URL and HTTP status (0: fetch error or not fetched). */
    const char *robots_url;
    long robots_status;
    /* Sitemaps: how many were read; whether robots.txt or --sitemap named one (its failure is then
     * a finding of its own, not a missing sitemap); what was tried, as evidence ("/sitemap.xml
     * answered 404"); the number of <loc> entries read. */
    size_t sitemaps_read;
    bool sitemaps_skipped; /* --no-sitemaps: none was looked for, so none is missing */
    bool sitemap_declared;
    const char *sitemaps_tried;
    uint64_t sitemap_entries;
    /* The name of the file the per-page canonical-missing rows go to, for the message; NULL when
     * they are not written anywhere. */
    const char *canonical_missing_file;
};

int audit_site_rules(const struct graph *graph, const struct graph_analysis *analysis,
                     const struct audit_site_input *input, struct finding_list *all, struct finding_list *per_page);

/* The rules audit_site_rules checks, for report_context.checked_rules. */
const enum rule_id *audit_site_rules_list(size_t *count);

#endif
