/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/source: the bytes of one sitemap, from a file, stdin or a memory buffer, inflated when
 * they are gzip (recognised by the magic bytes 1f 8b, whatever the name says) and capped.
 *
 * Memory: sitemap_source_open_* allocate a source the caller releases with sitemap_source_close.
 * A memory source reads the caller's buffer in place; it must outlive the source.
 * Errors: sitemap_source_read returns bytes read, 0 at the end, or CP_ERR_LIMIT (more than cap
 * bytes after inflation), CP_ERR_PARSE (corrupt gzip) or CP_ERR_IO (read error), with a message in
 * sitemap_source_error(). One thread at a time. */
#ifndef CRAWLPACK_SITEMAP_SOURCE_H
#define CRAWLPACK_SITEMAP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sitemap_source;

/* path "-" reads stdin. Returns CP_OK, CP_ERR_IO (message in error, size bytes) or CP_ERR_NOMEM. */
int sitemap_source_open_file(const char *path, size_t cap, struct sitemap_source **out, char *error, size_t size);
int sitemap_source_open_memory(const void *data, size_t length, size_t cap, struct sitemap_source **out);

/* Up to size inflated bytes into buffer. */
ssize_t sitemap_source_read(struct sitemap_source *source, void *buffer, size_t size);
/* The first bytes of the inflated content (up to *length), without consuming them; for sniffing
 * whether the content is XML or text. Returns CP_OK or a read error. */
int sitemap_source_peek(struct sitemap_source *source, const unsigned char **data, size_t *length);
bool sitemap_source_is_gzip(const struct sitemap_source *source);
/* Inflated bytes delivered so far. */
size_t sitemap_source_total(const struct sitemap_source *source);
const char *sitemap_source_error(const struct sitemap_source *source);
void sitemap_source_close(struct sitemap_source *source);

#endif
