/* SPDX-License-Identifier: Apache-2.0 */
/* common/base64: RFC 4648 base64 (the standard alphabet, '=' padding) appended to a buf — for
 * HTTP basic credentials and for data embedded in report.html.
 * Pure functions; any thread. Errors: CP_OK, or CP_ERR_NOMEM with out unchanged. */
#ifndef CRAWLPACK_COMMON_BASE64_H
#define CRAWLPACK_COMMON_BASE64_H

#include <stddef.h>

#include "common/buf.h"

/* Append the base64 of data[0..length) to out; the final group is padded. */
int base64_append(struct buf *out, const void *data, size_t length);
/* The bytes base64_append writes for length input bytes. */
size_t base64_length(size_t length);

#endif
