/* SPDX-License-Identifier: Apache-2.0 */
/* common/html_escape: the one HTML escaper, for text and attribute values alike.
 *
 * report.html shows strings a crawled site chose (titles, anchors, URLs, headers, robots.txt
 * lines); every one of them reaches the page through here. & < > " ' become character references,
 * so the same call is safe in element text and in a quoted attribute value; invalid UTF-8 and the
 * control characters HTML forbids (all but tab, LF, CR) become U+FFFD, so the text shows as text.
 * URLs in href attributes are not written by crawlpack at all (the report links by fragment only),
 * so no scheme check lives here.
 *
 * Threads: pure functions. Errors: none (a failed write is the stream's error, as with fputs). */
#ifndef CRAWLPACK_COMMON_HTML_ESCAPE_H
#define CRAWLPACK_COMMON_HTML_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Write length bytes of text to out, escaped; at most max_bytes of the input are written (0: all),
 * cut at a character boundary and followed by an ellipsis when cut. */
void html_escape_n(FILE *out, const char *text, size_t length, size_t max_bytes);

/* The same for a NUL-terminated string; NULL writes nothing. */
void html_escape(FILE *out, const char *text);

#endif
