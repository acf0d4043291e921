/* SPDX-License-Identifier: Apache-2.0 */
/* common/text_sniff: text or binary (see text_sniff.h). */
#include "common/text_sniff.h"

#include <stdio.h>
#include <string.h>

/* The length of the UTF-8 sequence starting at data (1..4), or 0 when it is not one (a cut-off
 * sequence at the end of the sample counts as valid: the sample may end inside a character). */
static size_t utf8_sequence(const unsigned char *data, size_t length)
{
    unsigned char c = data[0];
    size_t need = c < 0x80                          ? 1
                  : (c & 0xE0) == 0xC0 && c >= 0xC2 ? 2
                  : (c & 0xF0) == 0xE0              ? 3
                  : (c & 0xF8) == 0xF0 && c <= 0xF4 ? 4
                                                    : 0;
    for (size_t i = 1; i < need; i++) {
        if (i >= length)
            return i;
        if ((data[i] & 0xC0) != 0x80)
            return 0;
    }
    return need;
}

bool text_looks_binary(const unsigned char *data, size_t length)
{
    if (length > TEXT_SNIFF_BYTES)
        length = TEXT_SNIFF_BYTES;
    if (length >= 2 && ((data[0] == 0xFE && data[1] == 0xFF) || (data[0] == 0xFF && data[1] == 0xFE)))
        return false;
    size_t odd = 0;
    for (size_t i = 0; i < length;) {
        unsigned char c = data[i];
        if (c < 0x20 || c == 0x7F) {
            odd += !(c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x1B);
            i++;
            continue;
        }
        size_t n = utf8_sequence(data + i, length - i);
        if (n == 0) {
            odd++;
            n = 1;
        }
        i += n;
    }
    return odd * 8 > length;
}

const char *text_describe_binary(const unsigned char *data, size_t length, char *out, size_t size)
{
    static const struct {
        const char *magic;
        size_t length;
        const char *name;
    } known[] = {
        {"\x7F"
         "ELF",
         4, "an ELF executable"},
        {"\x89PNG", 4, "a PNG image"},
        {"\xFF\xD8\xFF", 3, "a JPEG image"},
        {"GIF8", 4, "a GIF image"},
        {"%PDF", 4, "a PDF document"},
        {"PK\x03\x04", 4, "a ZIP archive"},
        {"\x1F\x8B", 2, "gzip data"},
        {"BZh", 3, "bzip2 data"},
        {"\xFD"
         "7zXZ",
         5, "xz data"},
        {"RIFF", 4, "a RIFF (WebP, WAV, AVI) file"},
        {"\x00\x00\x01\x00", 4, "an icon"},
        {"wOFF", 4, "a WOFF font"},
        {"wOF2", 4, "a WOFF2 font"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (length >= known[i].length && memcmp(data, known[i].magic, known[i].length) == 0) {
            snprintf(out, size, "%s", known[i].name);
            return out;
        }
    size_t at = (size_t)snprintf(out, size, "bytes starting");
    for (size_t i = 0; i < length && i < 8 && at + 4 < size; i++)
        at += (size_t)snprintf(out + at, size - at, " %02X", data[i]);
    return out;
}
