/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/graph_fixture: builds a frozen link graph from a small text file, for the tests of
 * the graph analysis (tests/graph/fixtures) and of the audit rules (fixtures/audit/graphs).
 *
 * One statement per line; '#' at the start of a line or after a blank starts a comment. URLs are
 * any text without blanks (absolute in the audit fixtures, paths in some graph fixtures).
 *   page URL STATUS [html] [start] [out] [unfetched] [external] [noindex-meta] [noindex-header]
 *        [blocked] [truncated]       a page: in scope and fetched unless out / unfetched; once per URL
 *   KIND SOURCE TARGET [nofollow] [ugc] [sponsored] [header]
 *                                    an edge; KIND is link, iframe, refresh, hreflang, redirect (also
 *                                    sets the source's redirect target) or canonical (the first one
 *                                    of a page is its canonical)
 *   mesh URL URL...                  a link from every listed page to every other one
 *   sitemap PAGE SITEMAP_URL LINE [LASTMOD]
 *                                    the sitemap file lists the page at LINE (with a W3C Datetime)
 * The audit tests also read:
 *   option max-click-depth N | sitemaps-read N | max-related N | crawl-started DATETIME
 *   fact URL noindex head|body|header[,...] | fetch-error TEXT | robots-rule TEXT | title TEXT |
 *        no-title | description TEXT | h1 TEXT | like-not-found yes |
 *        fingerprint EXACT SIMHASH WORDS (hex, hex, decimal: web/fingerprint's values) |
 *        last-modified DATETIME | previous LASTMOD same|changed (the previous run's lastmod of
 *        the page, and whether its content changed since)
 *                                    (facts come after every page and edge statement)
 *   fact URL ids ID[,ID...]          the page's ids, known complete ("ids -" for none)
 *   fragment SOURCE TARGET FRAGMENT  SOURCE links to TARGET#FRAGMENT (both named elsewhere)
 *   expect RULE URL                  the audit must report exactly these (rule, URL) pairs
 *   expect-related RULE URL URL...   ... and that finding's related URLs are exactly these, in order
 *   expect-message RULE URL TEXT     ... and its message is exactly TEXT
 *   expect-source RULE URL SOURCE [LINE]
 * A URL named only in edges is a node that is neither in scope nor fetched. Edges leave an in-scope
 * source with GRAPH_EDGE_SOURCE_IN_SCOPE. Node ids follow the file: the pages in order, then the
 * other URLs as the other statements first name them. */
#ifndef CRAWLPACK_TESTS_TOOLS_GRAPH_FIXTURE_H
#define CRAWLPACK_TESTS_TOOLS_GRAPH_FIXTURE_H

#include <stddef.h>

#include "linkgraph/audit.h"
#include "linkgraph/graph.h"

struct graph_fixture_expectation {
    char *kind; /* "expect", "expect-related", "expect-message", "expect-source" */
    char *rule;
    char *url;
    char *rest; /* related URLs (space-separated), message, or "SOURCE [LINE]" */
};

struct graph_fixture {
    struct graph *graph; /* frozen */
    struct audit_options options;
    struct audit_page_facts *facts; /* one per node, or NULL when the file has no fact */
    struct cluster_input *inputs;   /* one per node, or NULL when the file has no fingerprint fact */
    char **strings;                 /* fact texts, owned */
    size_t string_count;
    struct audit_fragment_link *fragment_links; /* options.fragment_links, owned */
    void **blocks;                              /* id arrays, owned */
    size_t block_count;
    struct graph_fixture_expectation *expectations;
    size_t expectation_count;
};

/* Load path. Returns 0, or -1 after printing file:line and the problem to stderr. */
int graph_fixture_load(const char *path, struct graph_fixture *fixture);
void graph_fixture_free(struct graph_fixture *fixture);

#endif
