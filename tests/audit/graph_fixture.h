/* tests/audit/graph_fixture: builds a link graph from a small text file, for the audit rule tests.
 *
 * One statement per line; '#' starts a comment; URLs are absolute.
 *   page URL STATUS [html] [start] [out] [unfetched] [external] [noindex-meta] [noindex-header]
 *        [blocked] [truncated]       a page: in scope and fetched unless out / unfetched
 *   link|iframe|refresh SOURCE TARGET [nofollow] [ugc] [sponsored]
 *   mesh URL URL...                  a link from every listed page to every other one
 *   redirect SOURCE TARGET           a redirect edge (sets the source's redirect target)
 *   canonical SOURCE TARGET [header] a canonical edge; the first one of a page is its canonical
 *   hreflang SOURCE TARGET
 *   sitemap PAGE SITEMAP_URL LINE    the sitemap file lists the page at LINE
 *   option max-click-depth N | sitemaps-read N | max-related N
 *   fact URL noindex head|body|header[,...] | fetch-error TEXT | robots-rule TEXT
 *   expect RULE URL                  the audit must report exactly these (rule, URL) pairs
 *   expect-related RULE URL URL...   ... and that finding's related URLs are exactly these, in order
 *   expect-message RULE URL TEXT     ... and its message is exactly TEXT
 *   expect-source RULE URL SOURCE [LINE]
 * A URL named only in edges is a node that is neither in scope nor fetched. Edges leave an in-scope
 * source with GRAPH_EDGE_SOURCE_IN_SCOPE. */
#ifndef CRAWLPACK_TESTS_AUDIT_GRAPH_FIXTURE_H
#define CRAWLPACK_TESTS_AUDIT_GRAPH_FIXTURE_H

#include <stddef.h>

#include "linkgraph/audit.h"
#include "linkgraph/graph.h"

struct graph_fixture_expectation {
    char *kind;  /* "expect", "expect-related", "expect-message", "expect-source" */
    char *rule;
    char *url;
    char *rest;  /* related URLs (space-separated), message, or "SOURCE [LINE]" */
};

struct graph_fixture {
    struct graph *graph;             /* frozen */
    struct audit_options options;
    struct audit_page_facts *facts;  /* one per node, or NULL when the file has no fact */
    char **strings;                  /* fact texts, owned */
    size_t string_count;
    struct graph_fixture_expectation *expectations;
    size_t expectation_count;
};

/* Load path. Returns 0, or -1 after printing file:line and the problem to stderr. */
int graph_fixture_load(const char *path, struct graph_fixture *fixture);
void graph_fixture_free(struct graph_fixture *fixture);

#endif
