/* SPDX-License-Identifier: Apache-2.0 */
/* common/html_escape: escaping for HTML text and attributes (see html_escape.h). */
#include "common/html_escape.h"

#include <string.h>

#include "common/utf8.h"

static const char *reference(unsigned char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

void html_escape_n(FILE *out, const char *text, size_t length, size_t max_bytes)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t end = max_bytes && max_bytes < length ? max_bytes : length;
    size_t i = 0;
    while (i < end) {
        unsigned char c = p[i];
        const char *ref = reference(c);
        if (ref) {
            fputs(ref, out);
            i++;
        } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
            fputs(UTF8_REPLACEMENT, out);
            i++;
        } else if (c < 0x80) {
            fputc(c, out);
            i++;
        } else {
            size_t n = utf8_sequence_length(p + i, length - i);
            if (n == 0) {
                fputs(UTF8_REPLACEMENT, out);
                i++;
            } else if (i + n > end) {
                break; /* a cut through a character drops the whole character */
            } else {
                fwrite(p + i, 1, n, out);
                i += n;
            }
        }
    }
    if (end < length)
        fputs("\xE2\x80\xA6", out); /* U+2026: the text goes on in the data files */
}

void html_escape(FILE *out, const char *text)
{
    if (text)
        html_escape_n(out, text, strlen(text), 0);
}
