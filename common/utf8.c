/* SPDX-License-Identifier: Apache-2.0 */
/* common/utf8: UTF-8 validity and valid output (see utf8.h). */
#include "common/utf8.h"

#include <stdint.h>

size_t utf8_sequence_length(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else
        return 0;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

void utf8_write_valid(FILE *out, const char *text, size_t length)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t start = 0, i = 0;
    while (i < length) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_sequence_length(p + i, length - i);
        if (n) {
            i += n;
            continue;
        }
        fwrite(p + start, 1, i - start, out);
        fputs(UTF8_REPLACEMENT, out);
        start = ++i;
    }
    fwrite(p + start, 1, i - start, out);
}
