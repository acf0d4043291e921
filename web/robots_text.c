/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_text: the small text functions of robots.txt handling that Google's reference
 * matcher defines precisely — product-token validity, pattern normalisation, and the request target
 * of a URL as written (see robots.h). */
#include <string.h>

#include "web/robots.h"

static bool is_token_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

bool robots_is_valid_agent_token(const char *token)
{
    if (!token || !*token)
        return false;
    for (; *token; token++)
        if (!is_token_char((unsigned char)*token))
            return false;
    return true;
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char upper_hex(unsigned char c)
{
    return (c >= 'a' && c <= 'f') ? (char)(c - 'a' + 'A') : (char)c;
}

long robots_normalize_pattern(const char *pattern, size_t length, char *dst, size_t size)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t n = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)pattern[i];
        char out[3];
        size_t out_length = 1;
        if (c == '%' && i + 2 < length && is_hex((unsigned char)pattern[i + 1]) &&
            is_hex((unsigned char)pattern[i + 2])) {
            out[0] = '%';
            out[1] = upper_hex((unsigned char)pattern[i + 1]);
            out[2] = upper_hex((unsigned char)pattern[i + 2]);
            out_length = 3;
            i += 2;
        } else if (c >= 0x80) {
            out[0] = '%';
            out[1] = digits[c >> 4];
            out[2] = digits[c & 15];
            out_length = 3;
        } else {
            out[0] = (char)c;
        }
        if (n + out_length >= size)
            return -1;
        memcpy(dst + n, out, out_length);
        n += out_length;
    }
    if (n >= size)
        return -1;
    dst[n] = '\0';
    return (long)n;
}

/* First position at or after from of any byte of set, or length. */
static size_t find_any(const char *s, size_t length, size_t from, const char *set)
{
    for (size_t i = from; i < length; i++)
        if (s[i] && strchr(set, s[i]))
            return i;
    return length;
}

static size_t find_text(const char *s, size_t length, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = from; i + n <= length; i++)
        if (memcmp(s + i, needle, n) == 0)
            return i;
    return length;
}

static long copy_path(char *dst, size_t size, bool slash, const char *from, size_t length)
{
    size_t total = length + (slash ? 1 : 0);
    if (total + 1 > size)
        return -1;
    size_t n = 0;
    if (slash)
        dst[n++] = '/';
    memcpy(dst + n, from, length);
    dst[total] = '\0';
    return (long)total;
}

long robots_path_of_url_text(const char *url, size_t length, char *dst, size_t size)
{
    size_t search_start = length >= 2 && url[0] == '/' && url[1] == '/' ? 2 : 0;
    size_t early_path = find_any(url, length, search_start, "/?;");
    size_t scheme_end = find_text(url, length, search_start, "://");
    /* A "://" after the first '/', '?' or ';' is part of the path or query, not a scheme. */
    if (scheme_end == length || early_path < scheme_end)
        scheme_end = search_start;
    else
        scheme_end += 3;
    size_t path_start = find_any(url, length, scheme_end, "/?;");
    if (path_start == length)
        return copy_path(dst, size, false, "/", 1);
    size_t hash = find_any(url, length, search_start, "#");
    if (hash < path_start)
        return copy_path(dst, size, false, "/", 1);
    return copy_path(dst, size, url[path_start] != '/', url + path_start, hash - path_start);
}
