/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_render: the rules that compare what a browser built with what the server sent
 * (--render) — render-failed, render-canonical-changed, render-noindex-changed,
 * render-links-only, render-title-changed.
 *
 * Where it runs: on the crawl's fetch loop, when a rendered page comes back (the crawl's on_render
 * hook), while both signal sets exist. The counts of internal links are the crawl's (it compared
 * the two pages' references by crawl identity when it merged them): this module reads them.
 *
 * Input: struct audit_render_input; url is the page's crawl identity (its graph node's URL), so
 * these findings name a page as every other rule does. Canonicals are compared by crawl identity;
 * noindex is the binding view (page_signals_binding_directives), the one the graph records.
 * Findings: url = source = the page; related[0] = the rendered canonical (render-canonical-changed,
 * when there is one).
 *
 * Threads: reentrant, no shared state. Errors: CP_OK or CP_ERR_NOMEM (findings added before stay). */
#ifndef CRAWLPACK_LINKGRAPH_AUDIT_RENDER_H
#define CRAWLPACK_LINKGRAPH_AUDIT_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "web/extract.h"
#include "web/url.h"
#include "findings/findings.h"

struct audit_render_input {
    const char *url;                     /* the page's crawl identity */
    const struct page_signals *raw;      /* the response body's signals */
    const struct page_signals *rendered; /* the rendered DOM's; NULL when rendering failed */
    const char *failure;                 /* why rendering failed ("timeout: not loaded within 10000 ms"), or NULL */
    uint32_t exceptions;                 /* uncaught script exceptions while it loaded */
    const char *first_exception;
    uint32_t internal_links;                     /* in-scope <a>/<area> references of the rendered DOM */
    uint32_t internal_links_rendered_only;       /* ... that the raw HTML does not hold */
    const struct url_identity_options *identity; /* the crawl's; NULL for none */
};

int audit_render(const struct audit_render_input *input, struct finding_list *out);

#endif
