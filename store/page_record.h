/* SPDX-License-Identifier: Apache-2.0 */
/* store/page_record: the one serialisation of a page's signals (web/extract's struct page_signals)
 * — encoded when the crawl stores a page, decoded when a resumed or incremental run replays it
 * through the same path a freshly parsed page takes (crawler/crawl_pages: graph, edges, node facts,
 * the on_page hook), so a replayed page and a parsed one are the same page by construction.
 *
 * Format: a version byte, the element counts and the string bytes (so the decoder makes its one
 * allocation up front), then every field in struct order as LEB128 varints (signed ones zigzagged)
 * and strings as varint(length + 1) then the bytes (0: NULL). A field added to struct page_signals
 * (or to the structs it points to) must be added here, in encode and decode: the static asserts in
 * page_record.c on the structs' sizes fail the build until it is, and tests/store's round trip of a
 * fully populated record shows a field that does not survive.
 *
 * Threads: pure functions, reentrant. Memory: encode appends to the caller's buf; decode returns a
 * record in ONE allocation, like extract_page(), released with page_signals_free(). Errors: CP_OK,
 * CP_ERR_NOMEM, or CP_ERR_INVALID when the bytes are not a record of this version (a damaged
 * store): nothing is read past len and nothing is half-returned. */
#ifndef CRAWLPACK_STORE_PAGE_RECORD_H
#define CRAWLPACK_STORE_PAGE_RECORD_H

#include <stddef.h>

#include "common/buf.h"
#include "web/extract.h"

/* The format version written in the first byte (docs/store.md). */
#define PAGE_RECORD_VERSION 1

/* Every string is written without the userinfo of the URLs in it (page_record_scrub): the store
 * never keeps a password a page or a redirect carried, and a replay finds the same links (the
 * crawl identity drops userinfo too). */
int page_record_encode(const struct page_signals *signals, struct buf *out);
int page_record_decode(const void *data, size_t len, struct page_signals **out);

/* text without any URL userinfo ("//user:password@host" becomes "//host"): text itself when it
 * has none, else the scrubbed copy in out (valid until out changes). NULL stays NULL. */
const char *page_record_scrub(const char *text, struct buf *out);

#endif
