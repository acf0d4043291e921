/* SPDX-License-Identifier: Apache-2.0 */
/* common/text_sniff: tell text from binary content by its first bytes, so a parser of a text format
 * (sitemap, robots.txt) reports "binary content" once instead of reading an image, an executable or
 * random bytes as thousands of broken lines and echoing them.
 *
 * Binary means: more than one byte in eight that no text would hold — NUL or another control
 * character other than tab, LF, CR, FF and ESC, or a byte that does not fit a UTF-8 sequence. A
 * text file with a stray NUL or a few Latin-1 bytes stays text (robots.txt parsers read those). A UTF-16 byte order mark is text (the callers
 * report the encoding themselves). Pure functions; any thread. */
#ifndef CRAWLPACK_COMMON_TEXT_SNIFF_H
#define CRAWLPACK_COMMON_TEXT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

/* How many leading bytes the callers look at. */
#define TEXT_SNIFF_BYTES 8192

bool text_looks_binary(const unsigned char *data, size_t length);

/* A short, printable description of what the bytes are, for a finding's message: a known file
 * type ("an ELF executable", "a PNG image", ...) or "starting with 7F 45 4C 46". Writes at most
 * size bytes (NUL-terminated) into out and returns out. */
const char *text_describe_binary(const unsigned char *data, size_t length, char *out, size_t size);

#endif
