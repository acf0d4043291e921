/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/parse: streaming, hardened reading of XML and plain-text sitemaps (see parse.h). */
#include "sitemap/parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "common/text_sniff.h"
#include "common/error.h"

/* Where the prolog scanner is; it only runs until the root element starts. */
enum prolog_state {
    PROLOG_TEXT,
    PROLOG_LT,
    PROLOG_PI,
    PROLOG_PI_QUESTION,
    PROLOG_BANG,
    PROLOG_BANG_DASH,
    PROLOG_COMMENT,
    PROLOG_COMMENT_DASH,
    PROLOG_COMMENT_DASH_DASH,
    PROLOG_DOCTYPE,
    PROLOG_DONE,
};

struct parser {
    const struct sitemap_parse_handler *handler;
    struct sitemap_source *source;
    xmlTextReaderPtr reader;
    /* Input state. */
    enum prolog_state prolog;
    unsigned prolog_match; /* characters of "DOCTYPE" matched */
    unsigned prolog_line;
    bool doctype_refused, read_failed;
    int read_status;
    /* First XML error. */
    bool have_error;
    unsigned error_line, error_column;
    char error_message[256];
    /* Document state. */
    const xmlChar *document_ns; /* the root's namespace; children are read in it */
    const char *entry_name;     /* "url" or "sitemap" */
    bool in_record;
    struct sitemap_record record;
    struct sitemap_field *capture;
    int capture_depth;
    bool in_extension;
    int extension_depth;
    struct sitemap_extension extension;
    struct sitemap_field publication_date;
    bool stopped;
    int status;
};

static const char doctype_word[] = "DOCTYPE";

/* Refuse a DOCTYPE before libxml2 parses it: nothing it declares can then be expanded or fetched.
 * NUL bytes are skipped so that UTF-16 prologs are recognised too. */
static void scan_prolog(struct parser *p, const unsigned char *data, size_t length)
{
    for (size_t i = 0; i < length && p->prolog != PROLOG_DONE; i++) {
        unsigned char c = data[i];
        if (c == 0)
            continue;
        if (c == '\n')
            p->prolog_line++;
        switch (p->prolog) {
        case PROLOG_TEXT:
            if (c == '<')
                p->prolog = PROLOG_LT;
            break;
        case PROLOG_LT: p->prolog = c == '?' ? PROLOG_PI : c == '!' ? PROLOG_BANG : PROLOG_DONE; break;
        case PROLOG_PI:
            if (c == '?')
                p->prolog = PROLOG_PI_QUESTION;
            break;
        case PROLOG_PI_QUESTION: p->prolog = c == '>' ? PROLOG_TEXT : c == '?' ? PROLOG_PI_QUESTION : PROLOG_PI; break;
        case PROLOG_BANG:
            if (c == '-')
                p->prolog = PROLOG_BANG_DASH;
            else if (c == 'D')
                p->prolog = PROLOG_DOCTYPE, p->prolog_match = 1;
            else
                p->prolog = PROLOG_DONE;
            break;
        case PROLOG_BANG_DASH: p->prolog = c == '-' ? PROLOG_COMMENT : PROLOG_DONE; break;
        case PROLOG_COMMENT:
            if (c == '-')
                p->prolog = PROLOG_COMMENT_DASH;
            break;
        case PROLOG_COMMENT_DASH: p->prolog = c == '-' ? PROLOG_COMMENT_DASH_DASH : PROLOG_COMMENT; break;
        case PROLOG_COMMENT_DASH_DASH:
            p->prolog = c == '>' ? PROLOG_TEXT : c == '-' ? PROLOG_COMMENT_DASH_DASH : PROLOG_COMMENT;
            break;
        case PROLOG_DOCTYPE:
            if (c != (unsigned char)doctype_word[p->prolog_match]) {
                p->prolog = PROLOG_DONE;
            } else if (++p->prolog_match == sizeof doctype_word - 1) {
                p->doctype_refused = true;
                p->prolog = PROLOG_DONE;
            }
            break;
        case PROLOG_DONE: break;
        }
    }
}

static int read_callback(void *context, char *buffer, int length)
{
    struct parser *p = context;
    if (p->doctype_refused || p->read_failed)
        return -1;
    ssize_t n = sitemap_source_read(p->source, buffer, (size_t)length);
    if (n < 0) {
        p->read_failed = true;
        p->read_status = (int)n;
        return -1;
    }
    if (p->prolog != PROLOG_DONE) {
        scan_prolog(p, (const unsigned char *)buffer, (size_t)n);
        if (p->doctype_refused)
            return -1;
    }
    return (int)n;
}

static int close_callback(void *context)
{
    (void)context;
    return 0;
}

static void error_callback(void *context, xmlErrorPtr error)
{
    struct parser *p = context;
    if (p->have_error || !error || error->level < XML_ERR_ERROR)
        return;
    p->have_error = true;
    p->error_line = error->line > 0 ? (unsigned)error->line : 0;
    p->error_column = error->int2 > 0 ? (unsigned)error->int2 : 0;
    snprintf(p->error_message, sizeof p->error_message, "%s", error->message ? error->message : "parse error");
    size_t n = strlen(p->error_message);
    while (n && (p->error_message[n - 1] == '\n' || p->error_message[n - 1] == ' '))
        p->error_message[--n] = 0;
}

static void problem(struct parser *p, enum rule_id rule, unsigned line, unsigned column, const char *message)
{
    p->handler->problem(p->handler->context, rule, line, column, message);
}

static void field_reset(struct sitemap_field *field)
{
    buf_reset(&field->text);
    field->line = 0;
    field->present = false;
    field->truncated = false;
}

static void record_reset(struct sitemap_record *r)
{
    r->line = 0;
    field_reset(&r->loc);
    field_reset(&r->lastmod);
    field_reset(&r->changefreq);
    field_reset(&r->priority);
    r->alternate_count = 0;
    r->image_count = r->video_count = r->news_count = 0;
}

static void record_free(struct sitemap_record *r)
{
    buf_free(&r->loc.text);
    buf_free(&r->lastmod.text);
    buf_free(&r->changefreq.text);
    buf_free(&r->priority.text);
    for (size_t i = 0; i < r->alternate_capacity; i++) {
        buf_free(&r->alternates[i].hreflang);
        buf_free(&r->alternates[i].href);
    }
    free(r->alternates);
}

static int field_append(struct sitemap_field *field, const char *text, size_t length)
{
    if (field->text.len + length > SITEMAP_FIELD_MAX) {
        length = SITEMAP_FIELD_MAX - field->text.len;
        field->truncated = true;
    }
    return buf_append(&field->text, text, length);
}

static void emit_record(struct parser *p)
{
    p->in_record = false;
    if (p->handler->record(p->handler->context, &p->record))
        p->stopped = true;
}

const char *sitemap_trim(const char *text, size_t *length)
{
    size_t n = *length;
    while (n && (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n'))
        text++, n--;
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' || text[n - 1] == '\n'))
        n--;
    *length = n;
    return text;
}

/* ---- plain-text sitemaps ---- */

static int parse_text(struct parser *p)
{
    if (p->handler->root(p->handler->context, SITEMAP_KIND_TEXT, NULL, NULL, 1))
        return CP_OK;
    char chunk[65536];
    unsigned line = 1;
    bool at_start = true;
    record_reset(&p->record);
    for (;;) {
        ssize_t n = sitemap_source_read(p->source, chunk, sizeof chunk);
        if (n < 0) {
            p->read_failed = true;
            p->read_status = (int)n;
            break;
        }
        if (n == 0)
            break;
        size_t start = 0;
        if (at_start && n >= 3 && memcmp(chunk, "\xEF\xBB\xBF", 3) == 0)
            start = 3;
        at_start = false;
        for (size_t i = start; i < (size_t)n && !p->stopped; i++) {
            if (chunk[i] == '\n') {
                size_t length = p->record.loc.text.len;
                sitemap_trim(buf_str(&p->record.loc.text), &length);
                if (length || p->record.loc.truncated) {
                    p->record.line = p->record.loc.line = line;
                    p->record.loc.present = true;
                    emit_record(p);
                }
                record_reset(&p->record);
                line++;
            } else if (field_append(&p->record.loc, chunk + i, 1) != CP_OK) {
                return CP_ERR_NOMEM;
            }
        }
        if (p->stopped)
            return CP_OK;
    }
    size_t last_length = p->record.loc.text.len;
    sitemap_trim(buf_str(&p->record.loc.text), &last_length);
    if (last_length && !p->stopped) {
        p->record.line = p->record.loc.line = line;
        p->record.loc.present = true;
        emit_record(p);
    }
    return CP_OK;
}

/* ---- XML ---- */

static bool name_is(const xmlChar *name, const char *expected)
{
    return name && strcmp((const char *)name, expected) == 0;
}

static bool ns_is(const xmlChar *ns, const char *expected)
{
    return ns && strcmp((const char *)ns, expected) == 0;
}

static bool same_ns(const xmlChar *a, const xmlChar *b)
{
    return a == b || (a && b && strcmp((const char *)a, (const char *)b) == 0);
}

static unsigned node_line(struct parser *p)
{
    long line = xmlGetLineNo(xmlTextReaderCurrentNode(p->reader));
    return line > 0 && line < (long)UINT32_MAX ? (unsigned)line : 0;
}

static void begin_capture(struct parser *p, struct sitemap_field *field, int depth)
{
    field_reset(field);
    field->present = true;
    field->line = node_line(p);
    p->capture = field;
    p->capture_depth = depth;
}

static void handle_root(struct parser *p, const xmlChar *name, const xmlChar *ns)
{
    enum sitemap_kind kind = name_is(name, "urlset")         ? SITEMAP_KIND_URLSET
                             : name_is(name, "sitemapindex") ? SITEMAP_KIND_INDEX
                                                             : SITEMAP_KIND_UNKNOWN;
    int stop = p->handler->root(p->handler->context, kind, (const char *)name, (const char *)ns, node_line(p));
    if (stop || kind == SITEMAP_KIND_UNKNOWN) {
        p->stopped = true;
        return;
    }
    p->document_ns = ns ? xmlTextReaderConstString(p->reader, ns) : NULL;
    p->entry_name = kind == SITEMAP_KIND_URLSET ? "url" : "sitemap";
}

static int add_alternate(struct parser *p)
{
    xmlChar *rel = xmlTextReaderGetAttribute(p->reader, BAD_CAST "rel");
    xmlChar *hreflang = xmlTextReaderGetAttribute(p->reader, BAD_CAST "hreflang");
    xmlChar *href = xmlTextReaderGetAttribute(p->reader, BAD_CAST "href");
    int status = CP_OK;
    struct sitemap_record *r = &p->record;
    if (rel && hreflang && strcmp((const char *)rel, "alternate") == 0 && r->alternate_count < SITEMAP_MAX_ALTERNATES) {
        if (r->alternate_count == r->alternate_capacity) {
            size_t capacity = r->alternate_capacity ? r->alternate_capacity * 2 : 8;
            struct sitemap_raw_alternate *grown = realloc(r->alternates, capacity * sizeof *grown);
            if (!grown) {
                status = CP_ERR_NOMEM;
                goto done;
            }
            memset(grown + r->alternate_capacity, 0, (capacity - r->alternate_capacity) * sizeof *grown);
            r->alternates = grown;
            r->alternate_capacity = capacity;
        }
        struct sitemap_raw_alternate *a = &r->alternates[r->alternate_count++];
        buf_reset(&a->hreflang);
        buf_reset(&a->href);
        a->line = node_line(p);
        if (buf_append_str(&a->hreflang, (const char *)hreflang) ||
            buf_append_str(&a->href, href ? (const char *)href : ""))
            status = CP_ERR_NOMEM;
    }
done:
    xmlFree(rel);
    xmlFree(hreflang);
    xmlFree(href);
    return status;
}

static void begin_extension(struct parser *p, enum sitemap_extension_kind kind, int depth)
{
    p->in_extension = true;
    p->extension_depth = depth;
    p->extension.kind = kind;
    p->extension.line = node_line(p);
    p->extension.children = 0;
    p->extension.publication_date = NULL;
    field_reset(&p->publication_date);
}

static void extension_child(struct parser *p, const xmlChar *name, const xmlChar *ns, int depth)
{
    static const struct {
        enum sitemap_extension_kind kind;
        const char *name;
        unsigned bit;
    } children[] = {
        {SITEMAP_EXT_IMAGE, "loc", EXT_CHILD_LOC},
        {SITEMAP_EXT_VIDEO, "thumbnail_loc", EXT_CHILD_THUMBNAIL_LOC},
        {SITEMAP_EXT_VIDEO, "title", EXT_CHILD_TITLE},
        {SITEMAP_EXT_VIDEO, "description", EXT_CHILD_DESCRIPTION},
        {SITEMAP_EXT_VIDEO, "content_loc", EXT_CHILD_CONTENT_LOC},
        {SITEMAP_EXT_VIDEO, "player_loc", EXT_CHILD_PLAYER_LOC},
        {SITEMAP_EXT_NEWS, "publication", EXT_CHILD_PUBLICATION},
        {SITEMAP_EXT_NEWS, "name", EXT_CHILD_NAME},
        {SITEMAP_EXT_NEWS, "language", EXT_CHILD_LANGUAGE},
        {SITEMAP_EXT_NEWS, "publication_date", EXT_CHILD_PUBLICATION_DATE},
        {SITEMAP_EXT_NEWS, "title", EXT_CHILD_TITLE},
    };
    static const char *const namespaces[] = {SITEMAP_IMAGE_NAMESPACE, SITEMAP_VIDEO_NAMESPACE, SITEMAP_NEWS_NAMESPACE};
    if (!ns_is(ns, namespaces[p->extension.kind]))
        return;
    for (size_t i = 0; i < sizeof children / sizeof children[0]; i++)
        if (children[i].kind == p->extension.kind && name_is(name, children[i].name)) {
            p->extension.children |= children[i].bit;
            if (children[i].bit == EXT_CHILD_PUBLICATION_DATE)
                begin_capture(p, &p->publication_date, depth);
        }
}

static int start_element(struct parser *p, int depth)
{
    const xmlChar *name = xmlTextReaderConstLocalName(p->reader);
    const xmlChar *ns = xmlTextReaderConstNamespaceUri(p->reader);
    if (depth == 0) {
        handle_root(p, name, ns);
        return CP_OK;
    }
    if (depth == 1) {
        if (name_is(name, p->entry_name) && same_ns(ns, p->document_ns)) {
            record_reset(&p->record);
            p->record.line = node_line(p);
            p->in_record = true;
        }
        return CP_OK;
    }
    if (!p->in_record)
        return CP_OK;
    if (p->in_extension) {
        extension_child(p, name, ns, depth);
        return CP_OK;
    }
    if (depth != 2)
        return CP_OK;
    struct sitemap_record *r = &p->record;
    if (same_ns(ns, p->document_ns)) {
        if (name_is(name, "loc"))
            begin_capture(p, &r->loc, depth);
        else if (name_is(name, "lastmod"))
            begin_capture(p, &r->lastmod, depth);
        else if (name_is(name, "changefreq") && p->entry_name[0] == 'u')
            begin_capture(p, &r->changefreq, depth);
        else if (name_is(name, "priority") && p->entry_name[0] == 'u')
            begin_capture(p, &r->priority, depth);
    } else if (ns_is(ns, SITEMAP_XHTML_NAMESPACE) && name_is(name, "link")) {
        return add_alternate(p);
    } else if (ns_is(ns, SITEMAP_IMAGE_NAMESPACE) && name_is(name, "image")) {
        r->image_count++;
        begin_extension(p, SITEMAP_EXT_IMAGE, depth);
    } else if (ns_is(ns, SITEMAP_VIDEO_NAMESPACE) && name_is(name, "video")) {
        r->video_count++;
        begin_extension(p, SITEMAP_EXT_VIDEO, depth);
    } else if (ns_is(ns, SITEMAP_NEWS_NAMESPACE) && name_is(name, "news")) {
        r->news_count++;
        begin_extension(p, SITEMAP_EXT_NEWS, depth);
    }
    return CP_OK;
}

static void end_element(struct parser *p, int depth)
{
    if (p->capture && depth == p->capture_depth)
        p->capture = NULL;
    if (p->in_extension && depth == p->extension_depth) {
        p->in_extension = false;
        if (p->extension.kind == SITEMAP_EXT_NEWS && p->publication_date.present)
            p->extension.publication_date = &p->publication_date;
        p->handler->extension(p->handler->context, &p->extension);
    }
    if (p->in_record && depth == 1)
        emit_record(p);
}

static int handle_node(struct parser *p)
{
    int type = xmlTextReaderNodeType(p->reader);
    int depth = xmlTextReaderDepth(p->reader);
    switch (type) {
    case XML_READER_TYPE_ELEMENT: {
        if (depth >= SITEMAP_MAX_XML_DEPTH) {
            char message[96];
            snprintf(message, sizeof message, "elements nested deeper than %d levels; reading stopped",
                     SITEMAP_MAX_XML_DEPTH);
            problem(p, RULE_SITEMAP_MALFORMED_XML, node_line(p), 0, message);
            p->stopped = true;
            return CP_OK;
        }
        int status = start_element(p, depth);
        if (status == CP_OK && xmlTextReaderIsEmptyElement(p->reader))
            end_element(p, depth);
        return status;
    }
    case XML_READER_TYPE_END_ELEMENT: end_element(p, depth); return CP_OK;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
    case XML_READER_TYPE_WHITESPACE:
        if (p->capture) {
            const xmlChar *value = xmlTextReaderConstValue(p->reader);
            if (value && field_append(p->capture, (const char *)value, strlen((const char *)value)) != CP_OK)
                return CP_ERR_NOMEM;
        }
        return CP_OK;
    case XML_READER_TYPE_DOCUMENT_TYPE:
    case XML_READER_TYPE_ENTITY_REFERENCE:
    case XML_READER_TYPE_ENTITY:
        problem(p, RULE_SITEMAP_ENTITY_BLOCKED, node_line(p), 0, "entity or DTD refused; reading stopped");
        p->stopped = true;
        return CP_OK;
    default: return CP_OK;
    }
}

static void report_end(struct parser *p, int result)
{
    char message[320];
    if (p->doctype_refused) {
        problem(p, RULE_SITEMAP_ENTITY_BLOCKED, p->prolog_line, 0,
                "DOCTYPE refused (a sitemap needs no DTD; entities are never expanded); the file was not read");
    } else if (p->read_failed) {
        const char *reason = sitemap_source_error(p->source);
        if (p->read_status == CP_ERR_LIMIT)
            problem(p, RULE_SITEMAP_TOO_LARGE, 0, 0, reason);
        else
            problem(p, RULE_SITEMAP_UNREACHABLE, 0, 0, reason);
    } else if (result < 0) {
        if (p->have_error)
            snprintf(message, sizeof message, "%s", p->error_message);
        else
            snprintf(message, sizeof message, "the XML parser stopped");
        problem(p, RULE_SITEMAP_MALFORMED_XML, p->error_line, p->error_column, message);
    }
}

static int parse_xml(struct parser *p)
{
    int options = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
                  XML_PARSE_COMPACT;
    p->reader = xmlReaderForIO(read_callback, close_callback, p, NULL, NULL, options);
    if (!p->reader)
        return CP_ERR_NOMEM;
    xmlTextReaderSetStructuredErrorHandler(p->reader, error_callback, p);
    int result;
    while (!p->stopped && (result = xmlTextReaderRead(p->reader)) == 1) {
        int status = handle_node(p);
        if (status != CP_OK) {
            xmlFreeTextReader(p->reader);
            return status;
        }
    }
    if (!p->stopped)
        report_end(p, result);
    else if (p->doctype_refused || p->read_failed)
        report_end(p, -1);
    xmlFreeTextReader(p->reader);
    return CP_OK;
}

static bool looks_like_xml(const unsigned char *data, size_t length)
{
    if (length >= 2 && ((data[0] == 0xFE && data[1] == 0xFF) || (data[0] == 0xFF && data[1] == 0xFE)))
        return true;
    size_t i = length >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return i < length && data[i] == '<';
}

int sitemap_parse(struct sitemap_source *source, const struct sitemap_parse_handler *handler)
{
    struct parser *p = calloc(1, sizeof *p);
    if (!p)
        return CP_ERR_NOMEM;
    p->handler = handler;
    p->source = source;
    p->prolog_line = 1;
    const unsigned char *head;
    size_t head_length;
    int status = sitemap_source_peek(source, &head, &head_length);
    if (status < 0) {
        p->read_failed = true;
        p->read_status = status;
        report_end(p, -1);
        status = CP_OK;
    } else if (looks_like_xml(head, head_length)) {
        status = parse_xml(p);
    } else if (text_looks_binary(head, head_length)) {
        /* Neither XML nor a text sitemap: one finding, and no byte of it read as a URL or echoed. */
        char what[64], message[160];
        snprintf(message, sizeof message, "not a sitemap: binary content (%s)",
                 text_describe_binary(head, head_length, what, sizeof what));
        problem(p, RULE_SITEMAP_BINARY, 0, 0, message);
    } else {
        status = parse_text(p);
        if (status == CP_OK && p->read_failed)
            report_end(p, -1);
    }
    record_free(&p->record);
    buf_free(&p->publication_date.text);
    free(p);
    return status;
}
