/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/archive: one audit folder as one compressed blob, and back — what a worker publishes and
 * collect writes out.
 *
 * The blob is zlib (RFC 1950) over "crawlpack-result 1\n" and, per file in name order, "NAME\n
 * SIZE\n" and the file's bytes. Names are paths relative to the folder ([A-Za-z0-9._-] parts
 * joined by '/', at most FLEET_ARCHIVE_DEPTH deep); a name that is not (an absolute path, "..")
 * makes unpacking fail, so a result can only write inside its own folder. Files still under a
 * temporary name (*.tmp) are left out. Sizes are capped by the caller's max.
 *
 * Threads: no shared state. Memory: fleet_archive_pack fills out (the caller frees it with
 * buf_free). Errors: CP_OK, CP_ERR_IO (a file), CP_ERR_LIMIT (over max), CP_ERR_PARSE (not an
 * archive), CP_ERR_NOMEM, with a message in error. */
#ifndef CRAWLPACK_FLEET_ARCHIVE_H
#define CRAWLPACK_FLEET_ARCHIVE_H

#include <stddef.h>

#include "common/buf.h"

#define FLEET_ARCHIVE_DEPTH 4

int fleet_archive_pack(const char *dir, size_t max, struct buf *out, size_t *raw_size, char *error, size_t error_size);
/* Write every file of the blob into dir (created), each under a temporary name renamed when
 * complete (common/out_file). */
int fleet_archive_unpack(const void *data, size_t length, size_t max, const char *dir, char *error, size_t error_size);

#endif
