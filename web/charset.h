/* SPDX-License-Identifier: Apache-2.0 */
/* web/charset: turn a response body into UTF-8 before it reaches the HTML parser.
 *
 * The encoding is chosen as the HTML standard's encoding sniffing algorithm does in Chromium, first
 * match wins: a byte order mark, the charset parameter of the Content-Type header, a <meta charset>
 * or <meta http-equiv=Content-Type> found by a prescan of the first 1024 bytes (further while only
 * head elements have been seen, as Chromium reads it), else windows-1252 (the default Chromium uses
 * for pages that declare nothing; it does not guess UTF-8 for web pages). Labels are the WHATWG
 * Encoding Standard's (iso-8859-1, latin1 and us-ascii mean windows-1252; shift_jis is decoded as
 * the Windows code page 932; a <meta> claiming UTF-16 means UTF-8); a label that names no encoding
 * is skipped as if it were not there. windows-1252 is decoded here (the standard's table, which
 * iconv's lacks five bytes of), everything else through iconv. A page is never rejected for its
 * encoding: bytes that are invalid in the chosen encoding become U+FFFD.
 *
 * The encoder (charset_encoder_*) goes the other way, one code point at a time: the URL standard
 * percent-encodes the query of a link on a legacy-encoded page in that page's encoding.
 *
 * Memory: charset_decode() either points result->text at the caller's body (already valid UTF-8,
 * or ASCII in an ASCII-compatible encoding: no copy) or at a malloc'd buffer it owns;
 * charset_result_free() releases that buffer. Reentrant:
 * no global state, each call opens its own iconv descriptor; any thread may call it. An encoder
 * belongs to the thread that opened it. */
#ifndef CRAWLPACK_WEB_CHARSET_H
#define CRAWLPACK_WEB_CHARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHARSET_PRESCAN_BYTES 1024
#define CHARSET_NAME_MAX 40

enum charset_source {
    CHARSET_SOURCE_DEFAULT = 0, /* nothing (usable) declared: windows-1252 */
    CHARSET_SOURCE_BOM,
    CHARSET_SOURCE_HEADER, /* Content-Type: ...; charset=X */
    CHARSET_SOURCE_META,   /* <meta charset> prescan */
};

struct charset_result {
    const char *text; /* UTF-8; the body itself (not NUL-terminated) or owned_text */
    size_t length;
    char *owned_text; /* non-NULL when text was converted or repaired */
    enum charset_source source;
    char declared[CHARSET_NAME_MAX]; /* the label as declared (lower-case), "" when none */
    char used[CHARSET_NAME_MAX];     /* the encoding decoded from, its Encoding Standard name in lower
                                      * case: "utf-8", "windows-1252", "shift_jis" */
    bool unknown_label;              /* a declared label named no encoding (or one iconv lacks): skipped */
    size_t replaced;                 /* invalid byte sequences replaced by U+FFFD */
};

/* Decode body (length bytes, any content, may contain NULs) to UTF-8. content_type is the
 * Content-Type header value or NULL. Returns CP_OK or CP_ERR_NOMEM (result then zeroed). When the
 * body is valid UTF-8 without a BOM and UTF-8 applies, or plain ASCII and windows-1252 applies,
 * result->text is body itself, so body must outlive the result; otherwise a NUL-terminated copy is
 * made. */
int charset_decode(const char *body, size_t length, const char *content_type, struct charset_result *result);
void charset_result_free(struct charset_result *result);

/* The charset parameter of a Content-Type value ("text/html; charset=\"Shift_JIS\""), lower-cased,
 * into dst (size bytes). Returns true when one was present. */
bool charset_from_content_type(const char *content_type, char *dst, size_t size);

/* The <meta> prescan over the first CHARSET_PRESCAN_BYTES of body (further while only head elements
 * were seen; comments, other tags' attributes and raw text such as <script> are skipped): true and
 * the lower-cased label in dst when a declaration with a label that names an encoding was found. */
bool charset_prescan_meta(const char *body, size_t length, char *dst, size_t size);

/* Length of the longest prefix of text that is valid UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF). Equal to length when all of it is valid. */
size_t charset_utf8_valid_prefix(const char *text, size_t length);

/* Encoding one code point at a time into a page's encoding, for the URL standard's query encoding. */
#define CHARSET_ENCODED_MAX 8
struct charset_encoder;

/* Open an encoder into encoding (an Encoding Standard name or label, e.g. charset_result.used).
 * *out is NULL when URLs of such a page are encoded as UTF-8 anyway (utf-8, utf-16, replacement,
 * unknown). Returns CP_OK or CP_ERR_NOMEM. */
int charset_encoder_open(const char *encoding, struct charset_encoder **out);
/* The bytes of code_point in the encoding (at most CHARSET_ENCODED_MAX) into out; returns their
 * count, or 0 when the encoding cannot represent it. */
size_t charset_encode(struct charset_encoder *encoder, uint32_t code_point, char *out);
void charset_encoder_close(struct charset_encoder *encoder);

#endif
