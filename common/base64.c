/* SPDX-License-Identifier: Apache-2.0 */
/* common/base64: RFC 4648 base64 (see base64.h). */
#include "common/base64.h"

#include "common/error.h"

static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_length(size_t length)
{
    return (length + 2) / 3 * 4;
}

int base64_append(struct buf *out, const void *data, size_t length)
{
    const unsigned char *s = data;
    if (buf_reserve(out, base64_length(length)) != CP_OK)
        return CP_ERR_NOMEM;
    for (size_t i = 0; i < length; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < length ? (unsigned)s[i + 1] << 8 : 0u) |
                     (i + 2 < length ? (unsigned)s[i + 2] : 0u);
        char group[4] = {digits[(v >> 18) & 63], digits[(v >> 12) & 63], i + 1 < length ? digits[(v >> 6) & 63] : '=',
                         i + 2 < length ? digits[v & 63] : '='};
        buf_append(out, group, sizeof group); /* reserved: cannot fail */
    }
    return CP_OK;
}
