/* web/charset: turn a response body into UTF-8 before it reaches the HTML parser.
 *
 * The encoding is chosen the way browsers do, first match wins: a byte order mark, the charset
 * parameter of the Content-Type header, a <meta charset> or <meta http-equiv=Content-Type> found by
 * a prescan of the first 1024 bytes, else UTF-8. Labels are mapped as the WHATWG Encoding Standard
 * does where it matters (iso-8859-1, latin1 and us-ascii mean windows-1252; shift_jis means the
 * Windows code page 932) and conversion goes through iconv. A page is never rejected for its
 * encoding: bytes that are invalid in the chosen encoding become U+FFFD, and an unknown label falls
 * back to UTF-8 (reported in the result).
 *
 * Memory: charset_decode() either points result->text at the caller's body (already valid UTF-8,
 * no copy) or at a malloc'd buffer it owns; charset_result_free() releases that buffer. Reentrant:
 * no global state, each call opens its own iconv descriptor; any thread may call it. */
#ifndef CRAWLPACK_WEB_CHARSET_H
#define CRAWLPACK_WEB_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#define CHARSET_PRESCAN_BYTES 1024
#define CHARSET_NAME_MAX 40

enum charset_source {
    CHARSET_SOURCE_DEFAULT = 0, /* nothing declared: UTF-8 */
    CHARSET_SOURCE_BOM,
    CHARSET_SOURCE_HEADER,      /* Content-Type: ...; charset=X */
    CHARSET_SOURCE_META,        /* <meta charset> prescan */
};

struct charset_result {
    const char *text;       /* UTF-8; the body itself (not NUL-terminated) or owned_text */
    size_t length;
    char *owned_text;       /* non-NULL when text was converted or repaired */
    enum charset_source source;
    char declared[CHARSET_NAME_MAX]; /* the label as declared (lower-case), "" when none */
    char used[CHARSET_NAME_MAX];     /* the encoding actually decoded from, e.g. "windows-1252" */
    bool unknown_label;     /* the declared label was not recognised: decoded as UTF-8 instead */
    size_t replaced;        /* invalid byte sequences replaced by U+FFFD */
};

/* Decode body (length bytes, any content, may contain NULs) to UTF-8. content_type is the
 * Content-Type header value or NULL. Returns CP_OK or CP_ERR_NOMEM (result then zeroed). When the
 * body is valid UTF-8 without a BOM and no other encoding applies, result->text is body itself, so
 * body must outlive the result; otherwise a NUL-terminated copy is made. */
int charset_decode(const char *body, size_t length, const char *content_type,
                   struct charset_result *result);
void charset_result_free(struct charset_result *result);

/* The charset parameter of a Content-Type value ("text/html; charset=\"Shift_JIS\""), lower-cased,
 * into dst (size bytes). Returns true when one was present. */
bool charset_from_content_type(const char *content_type, char *dst, size_t size);

/* The <meta> prescan over the first CHARSET_PRESCAN_BYTES of body: true and the lower-cased label
 * in dst when a declaration was found. */
bool charset_prescan_meta(const char *body, size_t length, char *dst, size_t size);

/* Length of the longest prefix of text that is valid UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF). Equal to length when all of it is valid. */
size_t charset_utf8_valid_prefix(const char *text, size_t length);

#endif
