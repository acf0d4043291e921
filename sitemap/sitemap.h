/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/sitemap: read and validate XML and plain-text sitemaps and sitemap indexes.
 *
 * A struct sitemap_checker reads any number of sitemaps (local files, stdin, URLs, or HTTP bodies
 * the crawler already fetched), checks every rule of the sitemap protocol and its Google
 * extensions, reports problems into the caller's finding_list, and hands each entry to a callback.
 * It keeps no entries: memory stays constant with file size. Across files it keeps one 64-bit hash
 * per distinct URL (8 bytes, in an open-addressing table) to find duplicates, and the stack of
 * sitemap indexes being read, to detect cycles.
 *
 * Input: gzip is recognised by its magic bytes (never by the name) and inflated with a cap of
 * SITEMAP_MAX_BYTES; plain-text sitemaps (one URL a line) are recognised by not starting with '<'.
 * XML is read with libxml2's streaming reader with the network off, no DTD loaded, no entity
 * substituted and nesting bounded; a DOCTYPE is refused (sitemap-entity-blocked) before any entity
 * can be expanded.
 *
 * Memory: the checker owns its hash set and the copies it makes; findings are copied into the
 * caller's list (see findings/findings.h). Entry pointers given to the callback are valid only during
 * the call. Threads: one checker per thread; independent checkers may run in parallel (libxml2 is
 * initialised once, by the first sitemap_checker_init; --xsd sets libxml2's process-wide entity
 * loader to the no-network one).
 * Errors: functions return CP_OK when the sitemap was read (whatever it contained: problems are
 * findings), or a negative CP_ERR_* for failures of this process (out of memory). A sitemap that
 * cannot be read at all is a finding (sitemap-unreachable), not an error return. */
#ifndef CRAWLPACK_SITEMAP_SITEMAP_H
#define CRAWLPACK_SITEMAP_SITEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "web/http_handle.h"
#include "web/url.h"
#include "findings/findings.h"

#define SITEMAP_NAMESPACE "http://www.sitemaps.org/schemas/sitemap/0.9"
#define SITEMAP_MAX_URLS 50000
#define SITEMAP_MAX_BYTES 52428800u /* inflated size the protocol allows */
#define SITEMAP_MAX_LOC_LENGTH 2048 /* a <loc> must be shorter than this */
#define SITEMAP_MAX_NEWS 1000
#define SITEMAP_NEWS_WINDOW_SECONDS (2 * 24 * 3600)
#define SITEMAP_DEFAULT_MAX_INDEX_DEPTH 3 /* indexes followed below the top-level one */
#define SITEMAP_MAX_ALTERNATES 256        /* xhtml:link alternates kept per entry; more are counted */

/* One hreflang alternate of an entry (<xhtml:link rel="alternate" hreflang=".." href="..">). */
struct sitemap_alternate {
    const char *hreflang;
    const char *href; /* as written, whitespace trimmed */
    unsigned line;
};

/* One <url> entry of a urlset (or one line of a text sitemap), handed to the entry callback after
 * validation. Only entries whose <loc> is a valid http(s) URL reach the callback. */
struct sitemap_entry {
    const char *url;     /* the crawl identity (web/url url_identity) */
    const char *loc;     /* the <loc> text, whitespace trimmed */
    const char *lastmod; /* as written; NULL when absent */
    bool lastmod_valid;
    time_t lastmod_time;    /* earliest instant the lastmod names, UTC; valid when lastmod_valid */
    const char *changefreq; /* as written; NULL when absent */
    bool priority_valid;
    double priority;     /* 0.5 (the protocol's default) when absent or invalid */
    const char *sitemap; /* the file path or URL the entry came from */
    unsigned line;       /* line of its <loc> (or of the text line) */
    const struct sitemap_alternate *alternates;
    size_t alternate_count;
    unsigned image_count, video_count, news_count;
    bool in_scope; /* false when sitemap-loc-out-of-scope or -other-origin was reported for it */
};

/* Entries read per run by default (--max-sitemap-urls): 20 times the protocol's 50,000 per file,
 * about 300 MB of crawl state when every entry is a new URL. */
#define SITEMAP_DEFAULT_MAX_URLS 1000000

/* Return 0 to continue, non-zero to stop reading this sitemap. */
typedef int (*sitemap_entry_fn)(const struct sitemap_entry *entry, void *context);

/* The Sitemap: lines one origin's robots.txt declared (the caller's robots.txt parser supplies
 * them). A sitemap named there may list any URL of that origin, and so may every child of an
 * index named there, at any depth (the scope rules: sitemap-loc-out-of-scope, -other-origin);
 * also used for sitemap-not-in-robots. */
struct sitemap_robots_declaration {
    const char *origin;          /* "https://example.com" (scheme, host, non-default port) */
    const char *const *sitemaps; /* the Sitemap: values, absolute URLs */
    size_t sitemap_count;
    long status; /* what robots.txt answered (404: no file); 0 when unknown */
};

struct sitemap_options {
    time_t now; /* "now" for lastmod-future and the news window */
    /* Where local files will be served: a file's URL is site_url resolved with the file's path
     * relative to root_dir (or with its base name when root_dir is NULL). NULL: local files have no
     * URL, so the scope rule is not checked for them. */
    const char *site_url;
    /* Local folder that index children resolve to: a child URL's path below site_url's path (or
     * its whole path when site_url is NULL) names a file under root_dir. NULL: the children of a
     * local index are not followed. Children of a fetched index are always fetched. */
    const char *root_dir;
    const struct sitemap_robots_declaration *robots;
    size_t robots_count;
    const struct url_identity_options *identity; /* may be NULL */
    unsigned max_index_depth;                    /* 0: SITEMAP_DEFAULT_MAX_INDEX_DEPTH */
    /* Entries read in all (every file of the checker): past it, the current sitemap stops and no
     * further one is read, with one sitemap-urls-capped finding. 0: SITEMAP_DEFAULT_MAX_URLS. */
    size_t max_urls;
    bool allow_fetch;      /* fetch http(s) sitemaps and index children */
    long fetch_timeout_ms; /* 0: 30 s */
    struct http_tls tls;   /* --cacert, -k for fetched sitemaps */
    /* XML Schema validation (sitemap-schema): NULL paths use the shipped sitemaps.org schemas. */
    bool xsd;
    const char *urlset_xsd;
    const char *index_xsd;
};

/* How a sitemap source came to be read (discovery reports each source with its outcome). */
enum sitemap_origin {
    SITEMAP_ORIGIN_ARGUMENT = 0, /* named by the user (CLI argument, --sitemap) */
    SITEMAP_ORIGIN_ROBOTS,       /* a Sitemap: line of robots.txt */
    SITEMAP_ORIGIN_DEFAULT,      /* a guessed /sitemap.xml or /sitemap_index.xml */
    SITEMAP_ORIGIN_INDEX,        /* a child of a sitemap index */
};

enum sitemap_kind {
    SITEMAP_KIND_UNKNOWN = 0, /* unreadable, not a sitemap */
    SITEMAP_KIND_URLSET,
    SITEMAP_KIND_INDEX,
    SITEMAP_KIND_TEXT,
};

/* What reading one sitemap gave (for discovery's report of each source tried). */
struct sitemap_result {
    enum sitemap_kind kind;
    long http_status; /* 0 for local files and for transfers that failed */
    bool read;        /* the content was obtained (parse problems aside) */
    size_t urls;      /* entries it listed (children's entries not included) */
    char error[256];  /* why it was not read, when !read */
    bool repeat;      /* read earlier in this run (reached through another source): skipped */
};

struct url_hash_set {
    uint64_t *slots; /* 0 marks an empty slot */
    size_t capacity; /* a power of two, or 0 */
    size_t count;
};

struct sitemap_checker {
    struct sitemap_options options;
    struct finding_list *findings;
    sitemap_entry_fn on_entry;
    void *context;
    struct url_hash_set seen_urls;     /* entry identities, across every file */
    struct url_hash_set seen_sitemaps; /* sitemaps already read (a child listed twice is read once) */
    /* The files read, by the URL they were served from (or their name): one file reached again
     * through another source (robots.txt and an index, a guess and an index) is not read again,
     * since a file read twice lists nothing twice. */
    struct url_hash_set read_sitemaps;
    const char **index_stack; /* the chain of indexes being read, for cycle detection */
    size_t index_depth;
    /* Totals for the summary. */
    size_t files;     /* sitemaps read (index children included) */
    size_t urls;      /* entries seen (valid or not) */
    bool urls_capped; /* options.max_urls was reached: nothing more is read */
    void *schemas;    /* compiled XML schemas (sitemap/schema.c), lazily */
    /* Called once per sitemap read or tried (index children included), after its findings; may be
     * NULL. Set it after sitemap_checker_init. */
    void (*on_file)(void *context, const char *name, const struct sitemap_result *result);
    /* When set, the children of an index are handed here (after the cycle, repeat and scope
     * checks) instead of being read: the crawler fetches them with its own politeness and passes
     * each body back with sitemap_check_buffer(..., SITEMAP_ORIGIN_INDEX, ...), child_url as its
     * name or sitemap_url. The checker remembers which index handed out each child, so a child
     * read later is checked inside its chain of indexes, as if read at once: an index listing one
     * above it is sitemap-index-cycle, a child that is itself an index is sitemap-index-nested, and
     * the nesting bound applies. A sitemap seen before is never handed out twice, so cycles end.
     * Set it after sitemap_checker_init. */
    void (*on_child)(void *context, const char *child_url, const char *parent, unsigned line);
    void *lineage; /* which index handed out each child (sitemap/check.c) */
    /* Which origins vouch for each child handed out or followed: the origins whose robots.txt
     * names an index above it. A robots.txt-declared index passes its authority down to every
     * child at any depth, so a child may list any URL of those origins (sitemap/check.c). */
    void *authority;
};

/* Prepare a checker. options is copied (the strings it points to must outlive the checker);
 * findings receives every finding; on_entry may be NULL. Returns CP_OK or CP_ERR_NOMEM. */
int sitemap_checker_init(struct sitemap_checker *checker, const struct sitemap_options *options,
                         struct finding_list *findings, sitemap_entry_fn on_entry, void *context);
void sitemap_checker_free(struct sitemap_checker *checker);

/* Read a local file ("-" for stdin) and, when it is an index, its children. result may be NULL. */
int sitemap_check_file(struct sitemap_checker *checker, const char *path, struct sitemap_result *result);
/* Fetch a sitemap over HTTP (needs options.allow_fetch) and check it. A failure is reported as
 * sitemap-unreachable, except for SITEMAP_ORIGIN_DEFAULT (a guess): then only result says it, and
 * except when a SITEMAP_ORIGIN_ARGUMENT URL's host cannot be reached at all (DNS, connect, TLS):
 * then CP_ERR_NETWORK, with result->error saying why (the run failed; nothing about the sitemap). */
int sitemap_check_url(struct sitemap_checker *checker, const char *url, enum sitemap_origin origin,
                      struct sitemap_result *result);
/* Whether a sitemap served from url (the name of a local one) was read already by this checker;
 * check_* then skips it (result->repeat). For callers that keep one record per file read. */
bool sitemap_checker_has_read(const struct sitemap_checker *checker, const char *url);

/* Check a body the caller already has (e.g. an HTTP response the crawler fetched). name is what
 * findings cite (usually the URL), sitemap_url the URL it was served from (NULL when unknown) for
 * the scope rule. The buffer is only read during the call. */
int sitemap_check_buffer(struct sitemap_checker *checker, const char *name, const char *sitemap_url, const void *data,
                         size_t length, enum sitemap_origin origin, struct sitemap_result *result);

/* 64-bit hash of a crawl identity, as stored in the duplicate set. Two different URLs with the same
 * hash would be reported as a duplicate (probability about n^2 / 2^65 for n URLs). */
uint64_t sitemap_url_hash(const char *text, size_t length);

#endif
