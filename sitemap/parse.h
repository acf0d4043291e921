/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/parse: turn the bytes of one sitemap into raw records (one per <url>, <sitemap> or text
 * line) and extension blocks, without judging them: sitemap/validate applies the rules.
 *
 * XML is read with libxml2's xmlTextReader (streaming: memory does not grow with the file), with
 * the network off (XML_PARSE_NONET), no DTD loaded and no entity substituted. A DOCTYPE in the
 * prolog is refused before libxml2 sees it, so neither a billion-laughs nor an XXE file gets any
 * entity expanded: the handler receives a sitemap-entity-blocked problem and parsing stops.
 * Element nesting deeper than SITEMAP_MAX_XML_DEPTH stops parsing too. Field text is kept up to
 * SITEMAP_FIELD_MAX bytes (the record says when it was cut).
 *
 * Memory: records and extension blocks passed to the handler are valid only during the call.
 * Errors: returns CP_OK when the sitemap was read to its end or to a problem reported through the
 * handler, CP_ERR_NOMEM otherwise. One thread per call; calls on different threads are independent. */
#ifndef CRAWLPACK_SITEMAP_PARSE_H
#define CRAWLPACK_SITEMAP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "findings/rules.h"
#include "sitemap/sitemap.h"
#include "sitemap/source.h"

#define SITEMAP_MAX_XML_DEPTH 32
#define SITEMAP_FIELD_MAX 8192

#define SITEMAP_XHTML_NAMESPACE "http://www.w3.org/1999/xhtml"
#define SITEMAP_IMAGE_NAMESPACE "http://www.google.com/schemas/sitemap-image/1.1"
#define SITEMAP_VIDEO_NAMESPACE "http://www.google.com/schemas/sitemap-video/1.1"
#define SITEMAP_NEWS_NAMESPACE "http://www.google.com/schemas/sitemap-news/0.9"

struct sitemap_field {
    struct buf text;
    unsigned line;
    bool present;
    bool truncated; /* longer than SITEMAP_FIELD_MAX; text holds the start */
};

struct sitemap_raw_alternate {
    struct buf hreflang, href;
    unsigned line;
};

struct sitemap_record {
    unsigned line; /* of the <url>/<sitemap> element or the text line */
    struct sitemap_field loc, lastmod, changefreq, priority;
    struct sitemap_raw_alternate *alternates;
    size_t alternate_count, alternate_capacity;
    unsigned image_count, video_count, news_count;
};

enum sitemap_extension_kind { SITEMAP_EXT_IMAGE, SITEMAP_EXT_VIDEO, SITEMAP_EXT_NEWS };

/* Children seen inside an extension block (bits of sitemap_extension.children). */
enum sitemap_extension_child {
    EXT_CHILD_LOC = 1 << 0,           /* image:loc */
    EXT_CHILD_THUMBNAIL_LOC = 1 << 1, /* video:... */
    EXT_CHILD_TITLE = 1 << 2,         /* video:title, news:title */
    EXT_CHILD_DESCRIPTION = 1 << 3,
    EXT_CHILD_CONTENT_LOC = 1 << 4,
    EXT_CHILD_PLAYER_LOC = 1 << 5,
    EXT_CHILD_PUBLICATION = 1 << 6, /* news:... */
    EXT_CHILD_NAME = 1 << 7,
    EXT_CHILD_LANGUAGE = 1 << 8,
    EXT_CHILD_PUBLICATION_DATE = 1 << 9,
};

struct sitemap_extension {
    enum sitemap_extension_kind kind;
    unsigned line;
    unsigned children;                            /* enum sitemap_extension_child bits */
    const struct sitemap_field *publication_date; /* news only */
};

struct sitemap_parse_handler {
    void *context;
    /* The root element (XML) or SITEMAP_KIND_TEXT. name/ns are NULL for text; ns NULL when the
     * root has no namespace. Return non-zero to stop; for SITEMAP_KIND_UNKNOWN parsing stops anyway. */
    int (*root)(void *context, enum sitemap_kind kind, const char *name, const char *ns, unsigned line);
    /* A record; return non-zero to stop. The handler may modify the record's text in place (the
     * parser resets it before the next record). */
    int (*record)(void *context, struct sitemap_record *record);
    /* An image:image, video:video or news:news block, before the record that holds it. */
    void (*extension)(void *context, const struct sitemap_extension *extension);
    /* A document-level problem: sitemap-malformed-xml, sitemap-entity-blocked, sitemap-too-large,
     * sitemap-unreachable (read error, corrupt gzip), sitemap-binary (neither XML nor text:
     * common/text_sniff; nothing else is reported for the file then). */
    void (*problem)(void *context, enum rule_id rule, unsigned line, unsigned column, const char *message);
};

int sitemap_parse(struct sitemap_source *source, const struct sitemap_parse_handler *handler);

/* Trim XML whitespace (space, tab, CR, LF) at both ends of text (*length bytes); returns the start
 * and updates *length. Field values are compared and reported trimmed. */
const char *sitemap_trim(const char *text, size_t *length);

#endif
