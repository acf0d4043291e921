/* SPDX-License-Identifier: Apache-2.0 */
/* web/url: parse, resolve and identify URLs exactly as browsers do.
 *
 * Parsing follows the WHATWG URL Standard's basic URL parser for the special schemes http and https
 * (and ws, wss, ftp, file far enough to serialise them), because that is how browsers and search
 * engines resolve an href: C0 controls and spaces trimmed, tab/CR/LF removed anywhere, "\" read as
 * "/", dot segments (also "%2e") removed, the standard's percent-encode sets, default ports dropped,
 * IPv4 in decimal/octal/hex, IPv6 in compressed form, IDNA (UTS #46) to ASCII through libidn2
 * (non-ASCII labels only: the standard lower-cases ASCII hosts without further checks).
 * Known differences from browsers, all in host names no registry hands out: a non-ASCII label
 * that begins or ends with '-', has "--" in its third and fourth places, or whose Punycode form is
 * longer than 63 bytes is rejected (libidn2 applies these IDNA2008 rules; UTS #46 as the standard
 * uses it does not), as is a label mixing a symbol IDNA2008 disallows (emoji) with ß, ς, ZWJ or
 * ZWNJ.
 * Other schemes (mailto:, javascript:, data:, tel:, ...) are parsed far enough to be recognised;
 * url_is_crawlable() is false for them.
 *
 * Crawl identity: two URLs are the same page for crawlpack iff their identities are byte-equal. The
 * identity is the href with the fragment and the userinfo removed (the server never sees the one;
 * the other is a credential, not part of the page, and must not reach a report), percent-escapes of
 * unreserved characters (ALPHA DIGIT - . _ ~) decoded and every other escape's hex upper-cased
 * (RFC 3986 section 6.2.2: these spellings name the same resource), and the query parameters named
 * by the caller removed (tracking parameters such as utm_* that do not change the page). Nothing
 * else is changed: path case, trailing slashes and parameter order stay, because servers may
 * treat them as different resources; the audit reports such variants instead of merging them.
 * (One exception keeps identity idempotent: an escape of a hex digit right after a literal '%'
 * stays encoded, since decoding it would spell a new escape.)
 *
 * Memory: url_parse() makes one allocation, struct url.href, which holds the serialisation; every
 * component is a (offset, length) slice of it. The parse itself works in a stack buffer (about
 * 16 KiB) for caps up to URL_DEFAULT_MAX_LENGTH; a larger configured cap adds one temporary heap
 * buffer, freed before return. The struct is owned by the caller, who releases it
 * with url_free(). A struct url is immutable after parsing, so any number of threads may read it.
 * All functions are reentrant and thread-safe.
 *
 * Errors: url_parse() returns URL_OK or a url_error; url_error_string() gives the reason a user can
 * act on ("invalid IPv6 address", "port out of range", ...). On error *out is left zeroed. */
#ifndef CRAWLPACK_WEB_URL_H
#define CRAWLPACK_WEB_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URL_DEFAULT_MAX_LENGTH 8192

enum url_scheme {
    URL_SCHEME_OTHER = 0, /* any scheme not listed: opaque, not crawlable */
    URL_SCHEME_HTTP,
    URL_SCHEME_HTTPS,
    URL_SCHEME_WS,
    URL_SCHEME_WSS,
    URL_SCHEME_FTP,
    URL_SCHEME_FILE,
    URL_SCHEME_MAILTO,
    URL_SCHEME_JAVASCRIPT,
    URL_SCHEME_DATA,
    URL_SCHEME_TEL,
};

enum url_error {
    URL_OK = 0,
    URL_ERR_NOMEM,
    URL_ERR_TOO_LONG,       /* longer than the configured cap */
    URL_ERR_MISSING_SCHEME, /* relative reference with no (usable) base */
    URL_ERR_INVALID_SCHEME,
    URL_ERR_MISSING_HOST, /* special scheme with an empty host */
    URL_ERR_INVALID_HOST, /* forbidden host code point, bad percent-encoding in host */
    URL_ERR_INVALID_IPV4,
    URL_ERR_INVALID_IPV6,
    URL_ERR_INVALID_PORT,        /* not digits, or above 65535 */
    URL_ERR_IDNA,                /* the host fails UTS #46 ToASCII */
    URL_ERR_INVALID_CREDENTIALS, /* userinfo or port on a URL that cannot have them */
    URL_ERR_INVALID,             /* any other failure of the standard's parser */
};

/* A component as a slice of href: href + offset, length bytes (not NUL-terminated). */
struct url_part {
    uint32_t offset;
    uint32_t length;
};

struct url {
    char *href; /* owned; the full serialisation, NUL-terminated */
    size_t href_length;
    enum url_scheme scheme;
    int port; /* the explicit port, else the scheme's default (80/443/...), else -1 */
    /* The components in the shape of the WHATWG URL API (the WPT suite's keys): */
    struct url_part protocol; /* "https:" */
    struct url_part username;
    struct url_part password;
    struct url_part host;      /* hostname plus ":port" when a non-default port is present */
    struct url_part hostname;  /* lower-case ASCII; IPv6 in brackets */
    struct url_part port_text; /* "" for the default port */
    struct url_part pathname;  /* "/a/b" */
    struct url_part search;    /* "" or "?query"; "" also for an empty query, whose '?' href keeps */
    struct url_part hash;      /* "" or "#fragment"; likewise for an empty fragment */
};

/* The URL standard parses a document's URLs with the document's encoding, which only the query of
 * a special URL (http, https, ftp, file; not ws, wss) depends on: a link on a windows-1252 page
 * to "?q=\u00e9" requests "?q=%E9", not "?q=%C3%A9". encode writes the bytes of one non-ASCII
 * code point in that encoding into out (room for 8) and returns their count, or 0 when the encoding
 * cannot represent it (the query then gets "%26%23N%3B", the standard's "&#N;"). Path, host and
 * fragment stay UTF-8 whatever the encoding. */
struct url_query_encoder {
    size_t (*encode)(void *context, uint32_t code_point, char *out);
    void *context;
};

struct url_parse_options {
    size_t max_length; /* reject longer inputs and longer hrefs; 0 means URL_DEFAULT_MAX_LENGTH */
    const struct url_query_encoder *query_encoder; /* NULL: UTF-8 (a UTF-8 document, or none) */
};

/* Parse input (length bytes of UTF-8; NUL bytes are the code point U+0000: percent-encoded in
 * paths, rejected in hosts; other invalid UTF-8 bytes are percent-encoded outside hosts and make a
 * host invalid) against base (NULL for none; it must come from url_parse). opts may be NULL for defaults. Returns URL_OK and fills *out, or an error and leaves
 * *out zeroed (url_free on it is then a no-op). */
enum url_error url_parse(const char *input, size_t length, const struct url *base, const struct url_parse_options *opts,
                         struct url *out);
/* Same for a NUL-terminated string with default options. */
enum url_error url_parse_str(const char *input, const struct url *base, struct url *out);

void url_free(struct url *url);
/* Deep copy. Returns URL_OK or URL_ERR_NOMEM. */
enum url_error url_copy(const struct url *from, struct url *to);

/* A reason a user can act on, e.g. "invalid IPv6 address". Never NULL. */
const char *url_error_string(enum url_error error);

/* http or https: the only URLs the crawler fetches. */
bool url_is_crawlable(const struct url *url);
/* The scheme's name as written in the href ("http", "mailto", ...), without the colon, copied into
 * dst (at most size-1 bytes) — for counting non-crawlable links by scheme. */
void url_scheme_name(const struct url *url, char *dst, size_t size);

/* Pointer into href where a slice starts; the slice is part.length bytes long. */
static inline const char *url_part_start(const struct url *url, struct url_part part)
{
    return url->href + part.offset;
}

/* Path and query as sent in an HTTP request line ("/a/b?x", "/a?" for an empty query): pathname
 * and search are adjacent in href, so this is a slice of it; *length receives its length. */
const char *url_path_and_query(const struct url *url, size_t *length);

/* Origin "scheme://host[:port]" (the WHATWG serialisation, default port omitted; "null" for schemes
 * with an opaque origin: file and the non-special ones) written into dst of size bytes,
 * NUL-terminated. Returns the length, or -1 when it does not fit. */
int url_origin(const struct url *url, char *dst, size_t size);
/* True when both URLs have the same scheme, host and port (never for opaque origins). */
bool url_same_origin(const struct url *a, const struct url *b);

/* Caller's choices for the crawl identity. */
struct url_identity_options {
    /* Query parameter names to drop. A name ending in '*' is a prefix ("utm_*"). Compared after
     * percent-decoding the parameter name, case-sensitively. May be NULL when count is 0. */
    const char *const *strip_params;
    size_t strip_param_count;
};

/* The crawl identity of url (see the top of this file; without the userinfo: credentials are not
 * part of a page) as a malloc'd NUL-terminated string in *out.
 * opts may be NULL. Returns URL_OK or URL_ERR_NOMEM. */
enum url_error url_identity(const struct url *url, const struct url_identity_options *opts, char **out);

#endif
