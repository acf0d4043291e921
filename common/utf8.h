/* SPDX-License-Identifier: Apache-2.0 */
/* common/utf8: what valid UTF-8 is, and writing any bytes as valid UTF-8.
 *
 * Every output crawlpack writes is UTF-8, but its text comes from the crawled site (page titles,
 * URLs, robots.txt lines, sitemap values) in any bytes. The writers (common/json_write,
 * common/csv, the text report) pass text through here, so an invalid sequence becomes U+FFFD in
 * every format instead of making the file unreadable to strict consumers.
 *
 * Threads: pure functions. Errors: none (a failed write is the stream's error, as with fputs). */
#ifndef CRAWLPACK_COMMON_UTF8_H
#define CRAWLPACK_COMMON_UTF8_H

#include <stddef.h>
#include <stdio.h>

#define UTF8_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (1-4; no overlong forms, surrogates or code points over
 * U+10FFFF), or 0 when the bytes at s are not valid UTF-8. left: bytes available at s (>= 1). */
size_t utf8_sequence_length(const unsigned char *s, size_t left);

/* Write length bytes of text to out, each invalid byte replaced by U+FFFD. */
void utf8_write_valid(FILE *out, const char *text, size_t length);

#endif
