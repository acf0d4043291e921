/* SPDX-License-Identifier: Apache-2.0 */
/* audit/root_unlinked: root-file-unlinked — with --root, every HTML file of the build folder that
 * no page links to and no sitemap lists. The crawl only sees what links and sitemaps lead to; a
 * file the build writes that nothing leads to is invisible to it, as to visitors and search
 * engines, and only the folder can show it.
 *
 * A file is linked when a URL that answers with it (web/local_root's mapping: "a/b.html", "a/b",
 * "a/" for a/index.html, any percent-encoded spelling; files compared by real path) is a start
 * page, is listed by a sitemap, or is referred to by another
 * in-scope page in any way: a link, an iframe, a refresh, a redirect, or a canonical or hreflang
 * hint (search engines discover URLs through those too). Not checked: hidden files and folders (.git), the server's error pages (404.html,
 * 50x.html, ...) and search-console ownership files (google0123abcd.html, yandex_*.html), which
 * nothing links to on purpose. The walk is bounded: ROOT_UNLINKED_MAX_DEPTH folders deep,
 * ROOT_UNLINKED_MAX_FILES entries in all; symbolic links are not followed.
 *
 * Threads: reads the frozen graph only; one call at a time per finding list.
 * Memory: findings are copied into out; nothing is kept.
 * Errors: CP_OK (an unreadable folder is skipped) or CP_ERR_NOMEM. */
#ifndef CRAWLPACK_AUDIT_ROOT_UNLINKED_H
#define CRAWLPACK_AUDIT_ROOT_UNLINKED_H

#include "findings/findings.h"
#include "linkgraph/graph.h"

#define ROOT_UNLINKED_MAX_DEPTH 32
#define ROOT_UNLINKED_MAX_FILES 200000

struct local_root;

struct root_unlinked_input {
    const char *root_dir;          /* --root */
    const char *site_url;          /* --site-url */
    const struct graph *graph;     /* the crawl's, frozen */
    const struct local_root *root; /* the same folder's URL -> file mapping (web/local_root.h) */
};

/* Append a root-file-unlinked finding for each such file, named by its URL. */
int root_unlinked_rules(const struct root_unlinked_input *in, struct finding_list *out);

#endif
