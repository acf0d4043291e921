/* SPDX-License-Identifier: Apache-2.0 */
/* web/content_type: the one "is this HTML" test, for the crawl (which pages are parsed, the graph's
 * HTML flag) and for every reader of a crawl folder (the pack, the diff), so a page is HTML or not
 * the same way everywhere.
 *
 * Pure function of its argument; any thread; nothing allocated. */
#ifndef CRAWLPACK_WEB_CONTENT_TYPE_H
#define CRAWLPACK_WEB_CONTENT_TYPE_H

#include <stdbool.h>

/* Whether a Content-Type value names an HTML document: its media type (before any ';' parameter)
 * is text/html or application/xhtml+xml, in any case. NULL or "" is not HTML. */
bool content_type_is_html(const char *content_type);

#endif
