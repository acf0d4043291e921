/* SPDX-License-Identifier: Apache-2.0 */
/* web/extract: one HTML response (URL, headers, body) in, the page's audit signals out.
 *
 * What is extracted (docs/extract.md describes each field of the JSON view):
 * - links: a[href] and area[href] with rel nofollow/ugc/sponsored, anchor text (whitespace
 *   collapsed, at most EXTRACT_TEXT_MAX bytes) or the alt of a lone image, and the page region
 *   (nav/header/footer or main content); link[rel=next|prev], meta refresh targets and iframe[src].
 *   Every href is resolved with web/url against the document base (the HTML standard's frozen
 *   base URL: the first <base href> in tree order resolved against the page URL, or the page URL
 *   when that fails or is a javascript:/data: URL), with the query in the document's encoding as
 *   the URL standard does. <template> contents are inert and not read at all (no link, base, meta,
 *   title or text from them), as in browsers. Non-crawlable schemes (mailto:, tel:, javascript:,
 *   ...) are only counted, per scheme. docs/extract.md lists where this differs from Chromium.
 * - canonicals from link[rel~=canonical] (head or body) and from Link headers, raw and resolved.
 * - robots directives from meta robots, meta <token> and X-Robots-Tag, merged per crawler (see
 *   web/robots_directives.h), with every statement and its source kept.
 * - hreflang alternates from link[rel=alternate][hreflang] and Link headers, with validity.
 * - fragment targets: a hash of every element id and <a name>, for links to page#fragment.
 * - page facts: title(s), meta description, h1 count and first h1 text, html lang, charset, visible words, analytics
 *   tags, and a JavaScript-shell guess.
 * - fingerprints of the main text for duplicate clusters (web/fingerprint.h).
 *
 * Memory: extract_page() returns a record in ONE allocation: the struct, its arrays and every
 * string live in the same block, so page_signals_free() (or plain free()) releases all of it. The
 * record holds no pointer into the body, the headers or the parser's memory: the caller may free
 * those as soon as extract_page() returns. A record is immutable once returned.
 *
 * Threads: reentrant, no global mutable state; call it from any number of worker threads at once.
 * Each call's stack use is bounded (the tree walk keeps its own heap stack; the parser's tree
 * depth is capped at EXTRACT_MAX_DEPTH the way browsers cap it, see extract.c).
 *
 * Errors: CP_OK, CP_ERR_NOMEM, or CP_ERR_INVALID when input->url does not parse as an absolute URL
 * (nothing is logged: the caller, who knows the context, reports it; url_parse() gives the reason);
 * CP_ERR_INTERRUPTED when input->cancel was set during the parse (no record). Hostile or broken HTML is never an error: the record says what was found and which bounds
 * cut which list (page_signals.truncated). */
#ifndef CRAWLPACK_WEB_EXTRACT_H
#define CRAWLPACK_WEB_EXTRACT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/robots_directives.h"
#include "web/url.h"

#define EXTRACT_DEFAULT_MAX_LINKS 20000
#define EXTRACT_DEFAULT_MAX_CANONICALS 32
#define EXTRACT_DEFAULT_MAX_HREFLANGS 1000
#define EXTRACT_DEFAULT_MAX_ROBOTS_STATEMENTS 32
#define EXTRACT_DEFAULT_MAX_IDS 20000 /* element ids and <a name>s kept per page, as 8-byte hashes */
#define EXTRACT_TEXT_MAX 200          /* anchor text bytes */
#define EXTRACT_LONG_TEXT_MAX 1024    /* title, description, raw href bytes */
#define EXTRACT_MAX_DEPTH 512         /* element nesting the parser sees (Chromium uses 512) */
#define EXTRACT_MAX_SCHEMES 8         /* distinct non-crawlable schemes counted by name */
/* The parse budget of one page (web/gumbo_arena): thread CPU time and parser memory. A page that
 * spends it keeps only its header signals and is marked EXTRACT_TRUNCATED_PARSE_*. Ordinary pages
 * use a small fraction: a 10 MB page parses in about a second and needs about 20 bytes of tree per
 * byte of HTML. */
#define EXTRACT_DEFAULT_MAX_PARSE_MS 10000
#define EXTRACT_DEFAULT_MAX_PARSE_BYTES ((size_t)256 << 20)

struct extract_header {
    const char *name; /* NUL-terminated; compared case-insensitively */
    const char *value;
};

struct extract_limits { /* 0 in a field means its default */
    uint32_t max_links;
    uint32_t max_canonicals;
    uint32_t max_hreflangs;
    uint32_t max_robots_statements;
    uint32_t max_ids;
    size_t max_url_length;  /* longer hrefs are counted in links_too_long, not listed;
                                        default URL_DEFAULT_MAX_LENGTH */
    uint32_t max_parse_ms;  /* thread CPU time for the HTML parse */
    size_t max_parse_bytes; /* parser memory */
};

struct extract_input {
    const char *url;              /* the final URL (after redirects) as text, or ... */
    const struct url *parsed_url; /* ... already parsed (takes precedence when non-NULL) */
    const struct extract_header *headers;
    size_t header_count;
    const char *body; /* any bytes, any encoding; not NUL-terminated */
    size_t body_length;
    const char *product_token;        /* our crawler's name in meta/X-Robots-Tag; NULL: "crawlpack" */
    const char *const *engine_tokens; /* search-engine tokens audited (at most 16 used); NULL/0: {"googlebot"} */
    size_t engine_token_count;
    struct extract_limits limits;
    /* Another thread sets it to abandon the parse at once (a crawl that is stopping); NULL: never.
     * The HTML parse checks it as often as its CPU clock (web/gumbo_arena). */
    const atomic_bool *cancel;
};

enum extract_link_kind {
    EXTRACT_LINK_A,
    EXTRACT_LINK_AREA,
    EXTRACT_LINK_NEXT,    /* link[rel=next] */
    EXTRACT_LINK_PREV,    /* link[rel=prev] */
    EXTRACT_LINK_REFRESH, /* meta http-equiv=refresh */
    EXTRACT_LINK_IFRAME,
    EXTRACT_LINK_HEADER_NEXT, /* Link: <...>; rel=next (and prev below) */
    EXTRACT_LINK_HEADER_PREV,
};

enum extract_link_flag {
    EXTRACT_LINK_NOFOLLOW = 1 << 0,
    EXTRACT_LINK_UGC = 1 << 1,
    EXTRACT_LINK_SPONSORED = 1 << 2,
    EXTRACT_LINK_IN_NOSCRIPT = 1 << 3,
    EXTRACT_LINK_TEXT_FROM_ALT = 1 << 4,
    EXTRACT_LINK_TEXT_TRUNCATED = 1 << 5,
};

enum extract_region {
    EXTRACT_REGION_MAIN = 0, /* not inside nav/header/footer */
    EXTRACT_REGION_NAV,      /* <nav> or role=navigation */
    EXTRACT_REGION_HEADER,   /* <header> or role=banner */
    EXTRACT_REGION_FOOTER,   /* <footer> or role=contentinfo */
};

struct page_link {
    const char *url;  /* resolved crawlable (http/https) URL; NULL when the href did not resolve */
    const char *raw;  /* the href as written: only when url is NULL (the finding needs it), else NULL */
    const char *text; /* anchor text, "" when none */
    uint8_t kind;     /* enum extract_link_kind */
    uint8_t flags;    /* enum extract_link_flag */
    uint8_t region;   /* enum extract_region */
};

enum extract_place {
    EXTRACT_IN_HEAD = 0,
    EXTRACT_IN_BODY,   /* anywhere outside <head> */
    EXTRACT_IN_HEADER, /* HTTP Link header */
};

struct page_canonical {
    const char *url; /* resolved; NULL when it does not resolve */
    const char *raw; /* as written */
    uint8_t place;   /* enum extract_place; only EXTRACT_IN_HEAD and EXTRACT_IN_HEADER count */
};

struct page_hreflang {
    const char *code; /* as written */
    const char *url;  /* resolved; NULL when it does not resolve */
    const char *raw;
    uint8_t place; /* enum extract_place */
    bool valid;    /* BCP 47 language[-Script][-REGION] or x-default (web/hreflang.h) */
};

struct page_robots_statement {
    const char *agent;   /* NULL for meta name=robots and X-Robots-Tag without a prefix */
    const char *content; /* the directive list as written */
    uint8_t source;      /* enum robots_source (one bit) */
};

/* The merged directives that bind one crawler: global statements plus those naming its token. */
struct page_robots {
    const char *token; /* the product token first, then each engine token */
    struct robots_directives directives;
};

struct page_scheme_count {
    char scheme[16]; /* "mailto", "javascript", ...; "other" collects the rest */
    uint32_t count;
};

enum extract_analytics {
    EXTRACT_ANALYTICS_GOOGLE_TAG = 1 << 0,         /* googletagmanager.com/gtag/js */
    EXTRACT_ANALYTICS_GOOGLE_TAG_MANAGER = 1 << 1, /* googletagmanager.com/gtm.js */
    EXTRACT_ANALYTICS_GOOGLE_ANALYTICS = 1 << 2,   /* google-analytics.com/analytics.js, ga.js */
    EXTRACT_ANALYTICS_SEGMENT = 1 << 3,
    EXTRACT_ANALYTICS_ADOBE = 1 << 4,
    EXTRACT_ANALYTICS_MATOMO = 1 << 5,
    EXTRACT_ANALYTICS_PLAUSIBLE = 1 << 6,
};

enum extract_truncation {
    EXTRACT_TRUNCATED_LINKS = 1 << 0,
    EXTRACT_TRUNCATED_CANONICALS = 1 << 1,
    EXTRACT_TRUNCATED_HREFLANGS = 1 << 2,
    EXTRACT_TRUNCATED_ROBOTS = 1 << 3,
    EXTRACT_TRUNCATED_SCHEMES = 1 << 4,      /* more schemes than EXTRACT_MAX_SCHEMES: rest in "other" */
    EXTRACT_TRUNCATED_DEPTH = 1 << 5,        /* nesting beyond EXTRACT_MAX_DEPTH was flattened */
    EXTRACT_TRUNCATED_PARSE_TIME = 1 << 6,   /* the parse ran out of CPU time: no body signals */
    EXTRACT_TRUNCATED_PARSE_MEMORY = 1 << 7, /* the parse ran out of memory budget: no body signals */
    EXTRACT_TRUNCATED_IDS = 1 << 8,          /* more ids than limits.max_ids: the list is incomplete */
};

/* A new field here (or in the structs it points to) must be added to the crawl store's codec,
 * store/page_record.c, in encode and decode: stored pages are replayed from it (resume, incremental
 * re-audits). Its static asserts on these structs' sizes fail the build until it is, and
 * tests/store's round trip of a fully populated record checks the field survives. */
struct page_signals {
    const char *url;      /* the page URL, serialised */
    const char *base_url; /* the document base when a <base href> set one, else NULL */
    const char *base_raw; /* that <base href> as written */

    struct page_link *links;
    uint32_t link_count;
    uint32_t links_seen;     /* before the bound cut the list */
    uint32_t links_over_cap; /* links after the first limits.max_links: counted, not listed */
    uint32_t links_too_long; /* hrefs longer than limits.max_url_length: counted, not listed */
    uint32_t links_invalid;  /* listed links whose href is not a URL (url NULL, raw set) */
    struct page_scheme_count schemes[EXTRACT_MAX_SCHEMES];
    uint32_t scheme_count;

    struct page_canonical *canonicals;
    uint32_t canonical_count;

    struct page_hreflang *hreflangs;
    uint32_t hreflang_count;

    /* The fragment targets: extract_id_hash of every id attribute (any element, SVG and MathML
     * included) and every <a name>, sorted ascending, each once. ids_seen counts them before the
     * bound (EXTRACT_TRUNCATED_IDS tells that the list is incomplete). */
    const uint64_t *ids;
    uint32_t id_count;
    uint32_t ids_seen;

    struct page_robots_statement *robots_statements;
    uint32_t robots_statement_count;
    struct page_robots *robots; /* robots[0]: product token; then one per engine token */
    uint32_t robots_count;

    const char *title; /* first <title>, whitespace collapsed; NULL when none */
    uint32_t title_count;
    const char *description; /* first meta name=description; NULL when none */
    uint32_t description_count;
    uint32_t h1_count;
    const char *h1;           /* first <h1>'s text, whitespace collapsed, capped; NULL when none */
    const char *lang;         /* html[lang]; NULL when absent */
    const char *meta_charset; /* declared in the document (<meta charset> / http-equiv); NULL if none */
    const char *charset;      /* the encoding the body was decoded from */
    uint8_t charset_source;   /* enum charset_source */
    uint32_t replaced_bytes;  /* invalid sequences replaced by U+FFFD */
    uint32_t word_count;      /* visible words: body text outside script/style/noscript/template */
    /* The main text's fingerprints (web/fingerprint.h says how the main text is chosen): its exact
     * hash and SimHash, 0 when it has no words; main_words its word count. */
    uint64_t content_hash;
    uint64_t simhash;
    uint32_t main_words;
    uint32_t script_count;           /* <script src> elements */
    uint32_t analytics;              /* enum extract_analytics bits */
    bool has_head_element;           /* a <head> tag was written (gumbo infers one otherwise) */
    bool js_shell;                   /* near-empty body that loads a script bundle */
    uint32_t truncated;              /* enum extract_truncation bits */
    uint32_t malformed_link_headers; /* Link header entries that did not parse */
    size_t record_bytes;             /* size of the record's one allocation, for memory accounting */
};

int extract_page(const struct extract_input *input, struct page_signals **out);

/* The parsed form of a record's resolved URLs, for a caller that goes on to identify them (the
 * crawl's workers: url_identity() needs a struct url, and parsing the serialisation again would
 * repeat the work extraction did; crawler/crawl_worker.c).
 *
 * links[i] is the parse whose href signals->links[i].url is, byte for byte (the same input, base,
 * limits.max_url_length and document encoding); canonicals[i] and hreflangs[i] likewise for the
 * record's canonicals and hreflangs. A slot whose string is NULL is zeroed (href NULL). The counts
 * equal the record's. A crawlable URL's serialisation re-parses to the same struct url (every
 * component and the port), so an identity from a slot is the one a re-parse of the string gives
 * (tests/url/test_url_wpt and the fuzz_url target check that fixed point).
 *
 * Memory: a separate allocation from the record, owned by the caller of extract_page_parsed() and
 * released with page_parsed_urls_free(), which frees every url still in a slot and then the block.
 * A caller may take a url out of its slot (copy the struct, then zero the slot): it then owns that
 * url's href and frees it with url_free(). Neither the record nor the slots point into the other,
 * so they are freed in either order. It is never stored: the crawl store keeps the record's
 * strings only, and a page replayed from it has its URLs parsed from them again.
 *
 * Threads: no locking; the thread that extracted the page consumes and frees it (as the crawl's
 * extraction workers and render thread do). */
struct page_parsed_urls {
    struct url *links;
    struct url *canonicals;
    struct url *hreflangs;
    uint32_t link_count, canonical_count, hreflang_count;
};

/* extract_page(); with parsed non-NULL, also the parse of every resolved URL in *parsed (NULL
 * whenever the call fails). The same errors as extract_page(). */
int extract_page_parsed(const struct extract_input *input, struct page_signals **out, struct page_parsed_urls **parsed);
void page_parsed_urls_free(struct page_parsed_urls *parsed);

/* The 64-bit hash page_signals.ids holds for an id or name of length bytes (FNV-1a): a link's
 * fragment is looked up by the same hash. Two different ids with the same hash would hide a missing
 * fragment (probability about n / 2^64 per lookup among n ids). */
uint64_t extract_id_hash(const char *text, size_t length);
void page_signals_free(struct page_signals *signals);

/* Names for the JSON view and reports. */
const char *extract_link_kind_name(enum extract_link_kind kind);
const char *extract_region_name(enum extract_region region);
const char *extract_place_name(enum extract_place place);
const char *extract_analytics_name(enum extract_analytics bit);

/* The robots directives that count: the page's view as the audited search engine reads it
 * (robots[1], the first engine token), or our own product token's (robots[0]) when no engine token
 * was asked; NULL when the page has none. The one rule for noindex, page-level nofollow and
 * pages.csv's robots_directives, so the crawl and the audit never disagree about which view binds. */
const struct robots_directives *page_signals_binding_directives(const struct page_signals *signals);

#endif
