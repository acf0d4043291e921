/* SPDX-License-Identifier: Apache-2.0 */
/* web/extract: the gumbo tree walk that turns one HTML response into a page-signals record.
 *
 * Flow: decode the body to UTF-8 (web/charset), cap its nesting (web/html_depth), parse
 * with gumbo into a per-call arena, walk the tree once with an explicit stack collecting drafts
 * (strings as offsets into one growing buffer), resolve every href against the document base,
 * add the header signals (X-Robots-Tag, Link), and finally lay the record out in one block. */
#include "web/extract.h"

#include <ctype.h>
#include <gumbo.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/error.h"
#include "web/charset.h"
#include "web/fingerprint.h"
#include "web/gumbo_arena.h"
#include "web/hreflang.h"
#include "web/html_depth.h"
#include "web/link_header.h"

#define INLINE_SCRIPT_SCAN_BYTES 65536
#define JS_SHELL_MAX_WORDS 50
#define JS_SHELL_MAX_LINKS 3

/* ---------- drafts: what the walk collects before layout ---------- */

/* A string reference during collection: offset + 1 into builder.strings, 0 for NULL. */
typedef uint32_t string_ref;

struct draft_link {
    string_ref raw;
    string_ref text;
    string_ref url; /* filled in by resolution */
    uint8_t kind, flags, region;
    bool keep; /* false when resolution dropped it (non-crawlable scheme) */
};

struct draft_canonical {
    string_ref raw, url;
    uint8_t place;
};

struct draft_hreflang {
    string_ref code, raw, url;
    uint8_t place;
    bool valid;
};

struct draft_statement {
    string_ref agent, content;
    uint8_t source;
};

struct builder {
    const struct extract_input *input;
    struct extract_limits limits;
    struct buf strings;
    bool failed; /* out of memory somewhere: the call returns CP_ERR_NOMEM */

    struct draft_link *links;
    size_t link_count, link_capacity;
    uint32_t links_seen;
    uint32_t links_too_long; /* hrefs over limits.max_url_length, not listed */
    struct draft_canonical *canonicals;
    size_t canonical_count, canonical_capacity;
    struct draft_hreflang *hreflangs;
    size_t hreflang_count, hreflang_capacity;
    struct draft_statement *statements;
    size_t statement_count, statement_capacity;
    uint64_t *ids; /* extract_id_hash of ids and <a name>s, sorted and made unique at lay-out */
    size_t id_count, id_capacity;
    uint32_t ids_seen;

    struct page_scheme_count schemes[EXTRACT_MAX_SCHEMES];
    uint32_t scheme_count;

    string_ref base_raw, base_url, page_url;
    string_ref title, description, h1, lang, meta_charset, charset;
    struct fingerprint fingerprint;
    struct fingerprint_roots roots; /* the main-text root's candidates, seen by the walk */
    uint8_t charset_source;
    uint32_t replaced_bytes;
    uint32_t title_count, description_count, h1_count;
    uint32_t word_count, script_count, analytics, truncated, malformed_link_headers;
    uint32_t a_link_count;
    bool has_head_element, seen_html, in_word;

    /* the anchor whose text is being collected */
    long anchor; /* index into links, or -1 */
    struct buf anchor_text;
    bool anchor_pending_space;
    bool anchor_text_full;
    uint32_t anchor_images;
    string_ref anchor_image_alt;

    /* extract_page_parsed(): the parse of each resolved URL, the links' slots parallel to the
     * drafts until lay-out drops the links resolution did not keep; NULL when not asked */
    bool want_parsed;
    struct page_parsed_urls *parsed;
};

static string_ref add_string(struct builder *b, const char *s, size_t length)
{
    if (b->failed)
        return 0;
    size_t offset = b->strings.len;
    if (offset >= UINT32_MAX - length - 1 || buf_append(&b->strings, s, length) != CP_OK ||
        buf_append_char(&b->strings, '\0') != CP_OK) {
        b->failed = true;
        return 0;
    }
    return (string_ref)(offset + 1);
}

static string_ref add_cstring(struct builder *b, const char *s)
{
    return s ? add_string(b, s, strlen(s)) : 0;
}

static const char *ref_text(const struct builder *b, string_ref ref)
{
    return ref ? b->strings.data + ref - 1 : NULL;
}

/* Append room for one more zeroed element to the array whose pointer is stored at array_field;
 * returns its index or -1 (out of memory). The pointer is read and written with memcpy so one
 * function serves every element type. */
static long grow(struct builder *b, void *array_field, size_t *count, size_t *capacity, size_t element_size)
{
    if (b->failed)
        return -1;
    char *array;
    memcpy(&array, array_field, sizeof array);
    if (*count == *capacity) {
        size_t wanted = *capacity ? *capacity * 2 : 16;
        char *bigger = realloc(array, wanted * element_size);
        if (!bigger) {
            b->failed = true;
            return -1;
        }
        array = bigger;
        memcpy(array_field, &array, sizeof array);
        *capacity = wanted;
    }
    memset(array + *count * element_size, 0, element_size);
    return (long)(*count)++;
}

#define GROW(b, name) grow((b), &(b)->name##s, &(b)->name##_count, &(b)->name##_capacity, sizeof *(b)->name##s)

/* Copy text with runs of ASCII whitespace collapsed to one space, trimmed, capped at max bytes on
 * a UTF-8 character boundary. Returns true when it was cut. */
static bool collapse_whitespace(struct buf *out, const char *text, size_t length, size_t max, bool *pending_space)
{
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            *pending_space = out->len > 0;
            continue;
        }
        size_t need = *pending_space ? 2 : 1;
        if (out->len + need > max) {
            /* drop a partial UTF-8 sequence at the cut */
            size_t cut = out->len;
            while (cut > 0 && ((unsigned char)out->data[cut - 1] & 0xC0) == 0x80)
                cut--;
            if (cut > 0 && ((unsigned char)out->data[cut - 1] & 0xC0) == 0xC0) {
                unsigned char lead = (unsigned char)out->data[cut - 1];
                size_t sequence = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
                if (out->len - (cut - 1) < sequence)
                    out->len = cut - 1;
            }
            if (out->data)
                out->data[out->len] = '\0';
            return true;
        }
        if (*pending_space)
            buf_append_char(out, ' ');
        buf_append_char(out, (char)c);
        *pending_space = false;
    }
    return false;
}

static string_ref add_collapsed(struct builder *b, const char *text, size_t max)
{
    struct buf collapsed = BUF_INIT;
    bool pending = false;
    collapse_whitespace(&collapsed, text, strlen(text), max, &pending);
    string_ref ref = add_string(b, buf_str(&collapsed), collapsed.len);
    buf_free(&collapsed);
    return ref;
}

static string_ref add_capped(struct builder *b, const char *s, size_t max)
{
    size_t length = strlen(s);
    if (length > max) {
        length = max;
        while (length > 0 && ((unsigned char)s[length] & 0xC0) == 0x80)
            length--;
    }
    return add_string(b, s, length);
}

/* ---------- small readers over gumbo nodes ---------- */

static const char *attribute(const GumboElement *element, const char *name)
{
    const GumboAttribute *found = gumbo_get_attribute(&element->attributes, name);
    return found ? found->value : NULL;
}

/* ASCII case-insensitive membership of token in a whitespace-separated list. */
static bool has_token(const char *list, const char *token)
{
    return list && link_header_rel_has(list, token);
}

static bool equals_ignoring_case(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

static bool is_html(const GumboNode *node, GumboTag tag)
{
    return node->v.element.tag == tag && node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

/* Elements that do not break a word when text continues across them. */
static bool is_inline(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BDI:
    case GUMBO_TAG_BDO:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_DFN:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_I:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_LABEL:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TIME:
    case GUMBO_TAG_U:
    case GUMBO_TAG_VAR: return true;
    default: return false;
    }
}

/* ---------- collection ---------- */

/* What an element's descendants inherit. */
struct context {
    uint8_t region;
    bool in_head, in_noscript, hidden_text;
};

static bool link_bound_reached(struct builder *b)
{
    b->links_seen++;
    if (b->link_count >= b->limits.max_links) {
        b->truncated |= EXTRACT_TRUNCATED_LINKS;
        return true;
    }
    return false;
}

static long add_link(struct builder *b, const char *href, uint8_t kind, const struct context *context)
{
    if (strlen(href) > b->limits.max_url_length) {
        b->links_too_long++;
        return -1;
    }
    if (link_bound_reached(b))
        return -1;
    long index = GROW(b, link);
    if (index < 0)
        return -1;
    struct draft_link *link = &b->links[index];
    link->raw = add_capped(b, href, b->limits.max_url_length);
    link->kind = kind;
    link->region = context->region;
    link->keep = true;
    if (context->in_noscript)
        link->flags |= EXTRACT_LINK_IN_NOSCRIPT;
    return index;
}

static void set_rel_flags(struct draft_link *link, const char *rel)
{
    if (has_token(rel, "nofollow"))
        link->flags |= EXTRACT_LINK_NOFOLLOW;
    if (has_token(rel, "ugc"))
        link->flags |= EXTRACT_LINK_UGC;
    if (has_token(rel, "sponsored"))
        link->flags |= EXTRACT_LINK_SPONSORED;
}

static void add_canonical(struct builder *b, const char *href, uint8_t place)
{
    if (b->canonical_count >= b->limits.max_canonicals) {
        b->truncated |= EXTRACT_TRUNCATED_CANONICALS;
        return;
    }
    long index = GROW(b, canonical);
    if (index >= 0) {
        b->canonicals[index].raw = add_capped(b, href, b->limits.max_url_length);
        b->canonicals[index].place = place;
    }
}

static void add_hreflang(struct builder *b, const char *code, size_t code_length, const char *href, uint8_t place)
{
    if (b->hreflang_count >= b->limits.max_hreflangs) {
        b->truncated |= EXTRACT_TRUNCATED_HREFLANGS;
        return;
    }
    long index = GROW(b, hreflang);
    if (index >= 0) {
        struct draft_hreflang *h = &b->hreflangs[index];
        h->code = add_string(b, code, code_length > 64 ? 64 : code_length);
        h->raw = add_capped(b, href, b->limits.max_url_length);
        h->place = place;
        h->valid = hreflang_is_valid(code, code_length);
    }
}

static void add_statement(struct builder *b, const char *agent, size_t agent_length, const char *content,
                          size_t content_length, uint8_t source)
{
    if (b->statement_count >= b->limits.max_robots_statements) {
        b->truncated |= EXTRACT_TRUNCATED_ROBOTS;
        return;
    }
    long index = GROW(b, statement);
    if (index < 0)
        return;
    struct draft_statement *s = &b->statements[index];
    if (agent) {
        char lower[64];
        size_t n = agent_length < sizeof lower - 1 ? agent_length : sizeof lower - 1;
        for (size_t i = 0; i < n; i++)
            lower[i] = (char)tolower((unsigned char)agent[i]);
        s->agent = add_string(b, lower, n);
    }
    while (content_length > 0 && isspace((unsigned char)*content))
        content++, content_length--;
    while (content_length > 0 && isspace((unsigned char)content[content_length - 1]))
        content_length--;
    s->content = add_string(b, content,
                            content_length > EXTRACT_LONG_TEXT_MAX ? EXTRACT_LONG_TEXT_MAX : content_length);
    s->source = source;
}

/* Case-insensitive search for an ASCII needle, bounded by length. */
static bool contains_ignoring_case(const char *haystack, size_t length, const char *needle)
{
    size_t needle_length = strlen(needle);
    for (size_t i = 0; i + needle_length <= length; i++)
        if (tolower((unsigned char)haystack[i]) == needle[0] && strncasecmp(haystack + i, needle, needle_length) == 0)
            return true;
    return false;
}

static uint32_t analytics_in(const char *text, size_t length)
{
    static const struct {
        const char *pattern;
        uint32_t bit;
    } patterns[] = {
        {"googletagmanager.com/gtag/js", EXTRACT_ANALYTICS_GOOGLE_TAG},
        {"googletagmanager.com/gtm.js", EXTRACT_ANALYTICS_GOOGLE_TAG_MANAGER},
        {"google-analytics.com/analytics.js", EXTRACT_ANALYTICS_GOOGLE_ANALYTICS},
        {"google-analytics.com/ga.js", EXTRACT_ANALYTICS_GOOGLE_ANALYTICS},
        {"cdn.segment.com/analytics.js", EXTRACT_ANALYTICS_SEGMENT},
        {"cdn.segment.io/", EXTRACT_ANALYTICS_SEGMENT},
        {"assets.adobedtm.com/", EXTRACT_ANALYTICS_ADOBE},
        {"appmeasurement.js", EXTRACT_ANALYTICS_ADOBE},
        {"matomo.js", EXTRACT_ANALYTICS_MATOMO},
        {"piwik.js", EXTRACT_ANALYTICS_MATOMO},
        {"plausible.io/js/", EXTRACT_ANALYTICS_PLAUSIBLE},
    };
    uint32_t found = 0;
    if (length > INLINE_SCRIPT_SCAN_BYTES)
        length = INLINE_SCRIPT_SCAN_BYTES;
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++)
        if (!(found & patterns[i].bit) && contains_ignoring_case(text, length, patterns[i].pattern))
            found |= patterns[i].bit;
    return found;
}

/* The URL part of a meta refresh content ("5; url='/next'"), per the HTML standard's declarative
 * refresh steps. Returns false when there is none (a refresh of the page itself). */
static bool refresh_target(const char *content, const char **url, size_t *length)
{
    const char *p = content;
    while (isspace((unsigned char)*p))
        p++;
    const char *time_start = p;
    while (isdigit((unsigned char)*p) || *p == '.')
        p++;
    if (p == time_start)
        return false;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == ';' || *p == ',')
        p++;
    else if (*p)
        return false;
    while (isspace((unsigned char)*p))
        p++;
    if (strncasecmp(p, "url", 3) == 0) {
        const char *q = p + 3;
        while (isspace((unsigned char)*q))
            q++;
        if (*q == '=') {
            q++;
            while (isspace((unsigned char)*q))
                q++;
            p = q;
        }
    }
    if (*p == '"' || *p == '\'') {
        char quote = *p++;
        const char *end = strchr(p, quote);
        *length = end ? (size_t)(end - p) : strlen(p);
    } else {
        *length = strlen(p);
        while (*length > 0 && isspace((unsigned char)p[*length - 1]))
            (*length)--;
    }
    *url = p;
    return *length > 0;
}

static bool is_audited_token(const struct builder *b, const char *name)
{
    if (equals_ignoring_case(name, b->input->product_token))
        return true;
    for (size_t i = 0; i < b->input->engine_token_count; i++)
        if (equals_ignoring_case(name, b->input->engine_tokens[i]))
            return true;
    return false;
}

static void visit_meta(struct builder *b, const GumboElement *element, const struct context *context)
{
    const char *name = attribute(element, "name");
    const char *content = attribute(element, "content");
    const char *http_equiv = attribute(element, "http-equiv");
    const char *charset = attribute(element, "charset");
    if (charset && !b->meta_charset)
        b->meta_charset = add_capped(b, charset, 64);
    if (!content)
        return;
    uint8_t source = context->in_head ? ROBOTS_SOURCE_META_HEAD : ROBOTS_SOURCE_META_BODY;
    if (equals_ignoring_case(name, "robots"))
        add_statement(b, NULL, 0, content, strlen(content), source);
    else if (name && is_audited_token(b, name))
        add_statement(b, name, strlen(name), content, strlen(content), source);
    else if (equals_ignoring_case(name, "description")) {
        if (b->description_count++ == 0)
            b->description = add_collapsed(b, content, EXTRACT_LONG_TEXT_MAX);
    } else if (equals_ignoring_case(http_equiv, "refresh")) {
        const char *url;
        size_t length;
        if (refresh_target(content, &url, &length)) {
            char *copy = strndup(url, length);
            if (!copy) {
                b->failed = true;
                return;
            }
            add_link(b, copy, EXTRACT_LINK_REFRESH, context);
            free(copy);
        }
    } else if (equals_ignoring_case(http_equiv, "content-type") && !b->meta_charset) {
        char label[CHARSET_NAME_MAX];
        if (charset_from_content_type(content, label, sizeof label))
            b->meta_charset = add_cstring(b, label);
    }
}

static void visit_link_element(struct builder *b, const GumboElement *element, const struct context *context)
{
    const char *rel = attribute(element, "rel");
    const char *href = attribute(element, "href");
    if (!rel || !href)
        return;
    uint8_t place = context->in_head ? EXTRACT_IN_HEAD : EXTRACT_IN_BODY;
    if (has_token(rel, "canonical"))
        add_canonical(b, href, place);
    const char *hreflang = attribute(element, "hreflang");
    if (has_token(rel, "alternate") && hreflang)
        add_hreflang(b, hreflang, strlen(hreflang), href, place);
    if (has_token(rel, "next"))
        add_link(b, href, EXTRACT_LINK_NEXT, context);
    if (has_token(rel, "prev") || has_token(rel, "previous"))
        add_link(b, href, EXTRACT_LINK_PREV, context);
}

static void start_anchor(struct builder *b, long index)
{
    b->anchor = index;
    buf_reset(&b->anchor_text);
    b->anchor_pending_space = false;
    b->anchor_text_full = false;
    b->anchor_images = 0;
    b->anchor_image_alt = 0;
}

static void finish_anchor(struct builder *b)
{
    if (b->anchor < 0)
        return;
    struct draft_link *link = &b->links[b->anchor];
    if (b->anchor_text.len > 0) {
        link->text = add_string(b, b->anchor_text.data, b->anchor_text.len);
        if (b->anchor_text_full)
            link->flags |= EXTRACT_LINK_TEXT_TRUNCATED;
    } else if (b->anchor_images == 1 && b->anchor_image_alt) {
        link->text = b->anchor_image_alt;
        link->flags |= EXTRACT_LINK_TEXT_FROM_ALT;
    }
    b->anchor = -1;
}

static void visit_text(struct builder *b, const char *text, const struct context *context)
{
    size_t length = strlen(text);
    /* anchor text counts even where the words are not visible (noscript, template) */
    if (b->anchor >= 0 && !b->anchor_text_full)
        b->anchor_text_full = collapse_whitespace(&b->anchor_text, text, length, EXTRACT_TEXT_MAX,
                                                  &b->anchor_pending_space);
    if (context->in_head || context->hidden_text)
        return;
    for (size_t i = 0; i < length; i++) {
        bool space = isspace((unsigned char)text[i]) != 0;
        if (!space && !b->in_word)
            b->word_count++;
        b->in_word = !space;
    }
}

/* The region an element opens, or the inherited one. */
static uint8_t region_of(const GumboNode *node, uint8_t inherited)
{
    const char *role = attribute(&node->v.element, "role");
    if (is_html(node, GUMBO_TAG_NAV) || equals_ignoring_case(role, "navigation"))
        return EXTRACT_REGION_NAV;
    if (is_html(node, GUMBO_TAG_HEADER) || equals_ignoring_case(role, "banner"))
        return EXTRACT_REGION_HEADER;
    if (is_html(node, GUMBO_TAG_FOOTER) || equals_ignoring_case(role, "contentinfo"))
        return EXTRACT_REGION_FOOTER;
    return inherited;
}

/* Concatenated text children (title, script): gumbo gives them as one text node, usually. */
static const char *first_text_child(const GumboNode *node)
{
    const GumboVector *children = &node->v.element.children;
    for (unsigned i = 0; i < children->length; i++) {
        const GumboNode *child = children->data[i];
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE || child->type == GUMBO_NODE_CDATA)
            return child->v.text.text;
    }
    return "";
}

/* The text of an element's subtree (a heading with inline markup), collapsed and capped at max
 * bytes; the walk stops at the cap, and at EXTRACT_MAX_DEPTH levels (html_depth caps the tree). */
static string_ref add_descendant_text(struct builder *b, const GumboNode *node, size_t max)
{
    struct text_frame {
        const GumboNode *node;
        unsigned next;
    } stack[64];
    size_t depth = 0;
    stack[depth++] = (struct text_frame){node, 0};
    struct buf text = BUF_INIT;
    bool pending = false, full = false;
    while (depth > 0 && !full) {
        const GumboNode *top = stack[depth - 1].node;
        if (stack[depth - 1].next >= top->v.element.children.length) {
            depth--;
            continue;
        }
        const GumboNode *child = top->v.element.children.data[stack[depth - 1].next++];
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE || child->type == GUMBO_NODE_CDATA)
            full = collapse_whitespace(&text, child->v.text.text, strlen(child->v.text.text), max, &pending);
        else if (child->type == GUMBO_NODE_ELEMENT && depth < sizeof stack / sizeof stack[0]) {
            pending |= !is_inline(child->v.element.tag) && text.len > 0;
            stack[depth++] = (struct text_frame){child, 0};
        }
    }
    string_ref ref = add_string(b, buf_str(&text), text.len);
    buf_free(&text);
    return ref;
}

/* a[href] / area[href]; returns true when an <a> starts collecting anchor text. */
static bool visit_anchor(struct builder *b, const GumboElement *element, const struct context *context)
{
    const char *href = attribute(element, "href");
    if (!href)
        return false;
    bool is_a = element->tag == GUMBO_TAG_A;
    long index = add_link(b, href, is_a ? EXTRACT_LINK_A : EXTRACT_LINK_AREA, context);
    if (is_a)
        b->a_link_count++;
    if (index < 0)
        return false;
    set_rel_flags(&b->links[index], attribute(element, "rel"));
    if (!is_a) {
        const char *alt = attribute(element, "alt");
        if (alt && *alt) {
            b->links[index].text = add_collapsed(b, alt, EXTRACT_TEXT_MAX);
            b->links[index].flags |= EXTRACT_LINK_TEXT_FROM_ALT;
        }
        return false;
    }
    finish_anchor(b); /* an <a> inside another (foreign content) ends the outer one's text */
    start_anchor(b, index);
    return true;
}

/* script[src] counts as a script and may name an analytics vendor; inline code may load one. */
static void visit_script(struct builder *b, const GumboNode *node)
{
    const char *src = attribute(&node->v.element, "src");
    if (src) {
        b->script_count++;
        b->analytics |= analytics_in(src, strlen(src));
    } else {
        const char *code = first_text_child(node);
        b->analytics |= analytics_in(code, strlen(code));
    }
}

uint64_t extract_id_hash(const char *text, size_t length)
{
    uint64_t hash = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ (unsigned char)text[i]) * 0x100000001b3ull;
    return hash;
}

static void add_id(struct builder *b, const char *text)
{
    if (!text || !*text)
        return;
    b->ids_seen++;
    if (b->id_count >= b->limits.max_ids) {
        b->truncated |= EXTRACT_TRUNCATED_IDS;
        return;
    }
    long i = GROW(b, id);
    if (i >= 0)
        b->ids[i] = extract_id_hash(text, strlen(text));
}

/* Handle an element on entry; returns whether it opened an anchor (closed on exit). */
static bool visit_element(struct builder *b, const GumboNode *node, struct context *context)
{
    const GumboElement *element = &node->v.element;
    /* A fragment scrolls to any element with that id, in any namespace, or to an <a name>. */
    add_id(b, attribute(element, "id"));
    if (element->tag == GUMBO_TAG_A && element->tag_namespace == GUMBO_NAMESPACE_HTML)
        add_id(b, attribute(element, "name"));
    if (element->tag_namespace != GUMBO_NAMESPACE_HTML)
        return false;
    switch (element->tag) {
    case GUMBO_TAG_HTML:
        if (!b->seen_html) {
            b->seen_html = true;
            const char *lang = attribute(element, "lang");
            if (lang)
                b->lang = add_capped(b, lang, 64);
        }
        return false;
    case GUMBO_TAG_HEAD:
        if (element->original_tag.length > 0)
            b->has_head_element = true;
        context->in_head = true;
        return false;
    case GUMBO_TAG_BODY: context->in_head = false; return false;
    case GUMBO_TAG_BASE: {
        const char *href = attribute(element, "href");
        if (href && !b->base_raw)
            b->base_raw = add_capped(b, href, b->limits.max_url_length);
        return false;
    }
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA: return visit_anchor(b, element, context);
    case GUMBO_TAG_IMG:
        if (b->anchor >= 0 && b->anchor_images++ == 0) {
            const char *alt = attribute(element, "alt");
            if (alt && *alt)
                b->anchor_image_alt = add_collapsed(b, alt, EXTRACT_TEXT_MAX);
        }
        return false;
    case GUMBO_TAG_LINK: visit_link_element(b, element, context); return false;
    case GUMBO_TAG_META: visit_meta(b, element, context); return false;
    case GUMBO_TAG_IFRAME: {
        const char *src = attribute(element, "src");
        if (src)
            add_link(b, src, EXTRACT_LINK_IFRAME, context);
        context->hidden_text = true;
        return false;
    }
    case GUMBO_TAG_TITLE:
        if (b->title_count++ == 0)
            b->title = add_collapsed(b, first_text_child(node), EXTRACT_LONG_TEXT_MAX);
        context->hidden_text = true;
        return false;
    case GUMBO_TAG_H1:
        if (b->h1_count++ == 0)
            b->h1 = add_descendant_text(b, node, EXTRACT_LONG_TEXT_MAX);
        return false;
    case GUMBO_TAG_SCRIPT:
        visit_script(b, node);
        context->hidden_text = true;
        return false;
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEXTAREA: context->hidden_text = true; return false;
    case GUMBO_TAG_NOSCRIPT:
        context->in_noscript = true;
        context->hidden_text = true;
        return false;
    default: context->region = region_of(node, context->region); return false;
    }
}

/* ---------- the iterative walk ---------- */

struct frame {
    const GumboNode *node;
    unsigned next_child;
    struct context context;
    bool closes_anchor;
};

static const GumboVector *children_of(const GumboNode *node)
{
    if (node->type == GUMBO_NODE_DOCUMENT)
        return &node->v.document.children;
    if (node->type == GUMBO_NODE_ELEMENT)
        return &node->v.element.children;
    return NULL;
}

static int walk(struct builder *b, const GumboNode *root)
{
    size_t capacity = 64, depth = 0;
    struct frame *stack = malloc(capacity * sizeof *stack);
    if (!stack)
        return CP_ERR_NOMEM;
    stack[0] = (struct frame){root, 0, {EXTRACT_REGION_MAIN, false, false, false}, false};
    depth = 1;
    while (depth > 0 && !b->failed) {
        struct frame *top = &stack[depth - 1];
        const GumboVector *children = children_of(top->node);
        if (!children || top->next_child >= children->length) {
            if (top->closes_anchor)
                finish_anchor(b);
            if (top->node->type == GUMBO_NODE_ELEMENT && !is_inline(top->node->v.element.tag))
                b->in_word = false;
            depth--;
            continue;
        }
        const GumboNode *child = children->data[top->next_child++];
        struct context context = top->context;
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA || child->type == GUMBO_NODE_WHITESPACE) {
            visit_text(b, child->v.text.text, &context);
            continue;
        }
        /* template contents are inert (a separate document fragment): no link, base, meta or text
         * in them exists for a browser or a search engine, so the walk does not enter them */
        if (child->type != GUMBO_NODE_ELEMENT)
            continue;
        if (!is_inline(child->v.element.tag))
            b->in_word = false;
        fingerprint_roots_see(&b->roots, child);
        bool opens_anchor = visit_element(b, child, &context);
        if (depth == capacity) {
            struct frame *bigger = realloc(stack, capacity * 2 * sizeof *stack);
            if (!bigger) {
                free(stack);
                return CP_ERR_NOMEM;
            }
            stack = bigger;
            capacity *= 2;
        }
        stack[depth++] = (struct frame){child, 0, context, opens_anchor};
    }
    free(stack);
    return b->failed ? CP_ERR_NOMEM : CP_OK;
}

/* ---------- resolution ---------- */

static void count_scheme(struct builder *b, const struct url *url)
{
    char name[sizeof b->schemes[0].scheme];
    url_scheme_name(url, name, sizeof name);
    for (size_t i = 0; name[i]; i++)
        name[i] = (char)tolower((unsigned char)name[i]);
    for (uint32_t i = 0; i < b->scheme_count; i++)
        if (strcmp(b->schemes[i].scheme, name) == 0) {
            b->schemes[i].count++;
            return;
        }
    if (b->scheme_count == EXTRACT_MAX_SCHEMES - 1) {
        b->truncated |= EXTRACT_TRUNCATED_SCHEMES;
        strcpy(name, "other");
        for (uint32_t i = 0; i < b->scheme_count; i++)
            if (strcmp(b->schemes[i].scheme, name) == 0) {
                b->schemes[i].count++;
                return;
            }
    }
    if (b->scheme_count < EXTRACT_MAX_SCHEMES) {
        strcpy(b->schemes[b->scheme_count].scheme, name);
        b->schemes[b->scheme_count++].count = 1;
    }
}

enum resolution {
    RESOLVED_CRAWLABLE, /* http(s): the serialisation was stored */
    RESOLVED_OTHER,     /* a valid URL of another scheme (mailto:, javascript:, ...) */
    RESOLVE_FAILED,     /* not a URL: the raw text is what a report can show */
};

/* Resolve raw against base into *url (0 unless crawlable); count other schemes when asked. The
 * query takes the document's encoding when encoder is non-NULL. A crawlable parse is moved into
 * *keep when keep is non-NULL (extract_page_parsed), else freed. */
static enum resolution resolve(struct builder *b, string_ref raw, const struct url *base,
                               const struct url_query_encoder *encoder, bool count_schemes, string_ref *url,
                               struct url *keep)
{
    const char *text = ref_text(b, raw);
    struct url parsed;
    struct url_parse_options options = {.max_length = b->limits.max_url_length, .query_encoder = encoder};
    *url = 0;
    if (!text || url_parse(text, strlen(text), base, &options, &parsed) != URL_OK)
        return RESOLVE_FAILED;
    enum resolution result = RESOLVED_OTHER;
    if (url_is_crawlable(&parsed)) {
        *url = add_string(b, parsed.href, parsed.href_length);
        result = RESOLVED_CRAWLABLE;
        if (keep) {
            *keep = parsed;
            return result;
        }
    } else if (count_schemes) {
        count_scheme(b, &parsed);
    }
    url_free(&parsed);
    return result;
}

/* The HTML standard's "set the frozen base URL": the first <base href> in tree order, parsed against
 * the page URL with the document's encoding; when that fails or gives a javascript: or data: URL,
 * the page URL (the fallback base URL). Later <base> elements never count. */
static bool frozen_base(struct builder *b, const struct url *page, const struct url_query_encoder *encoder,
                        struct url *base)
{
    if (!b->base_raw)
        return false;
    const char *text = ref_text(b, b->base_raw);
    struct url_parse_options options = {.max_length = b->limits.max_url_length, .query_encoder = encoder};
    if (url_parse(text, strlen(text), page, &options, base) != URL_OK)
        return false;
    if (base->scheme == URL_SCHEME_JAVASCRIPT || base->scheme == URL_SCHEME_DATA) {
        url_free(base);
        return false;
    }
    b->base_url = add_string(b, base->href, base->href_length);
    return true;
}

static size_t encode_in_document_encoding(void *context, uint32_t code_point, char *out)
{
    return charset_encode(context, code_point, out);
}

/* page_parsed_urls and its slots in one block. */
struct parsed_block {
    struct page_parsed_urls head;
    struct url slots[];
};

/* The slots for every draft URL (lay-out compacts the links' slots in place). */
static int make_parsed_slots(struct builder *b)
{
    size_t slots = b->link_count + b->canonical_count + b->hreflang_count;
    struct parsed_block *block = calloc(1, sizeof *block + slots * sizeof(struct url));
    if (!block)
        return CP_ERR_NOMEM;
    struct page_parsed_urls *parsed = &block->head;
    parsed->links = block->slots;
    parsed->canonicals = parsed->links + b->link_count;
    parsed->hreflangs = parsed->canonicals + b->canonical_count;
    parsed->link_count = (uint32_t)b->link_count;
    parsed->canonical_count = (uint32_t)b->canonical_count;
    parsed->hreflang_count = (uint32_t)b->hreflang_count;
    b->parsed = parsed;
    return CP_OK;
}

/* Resolve every collected URL: document URLs against the frozen base with the document's encoding,
 * HTTP header URLs against the response URL (in UTF-8: a header has no document encoding). */
static int resolve_everything(struct builder *b, const struct url *page, const char *encoding)
{
    struct charset_encoder *charset_encoder;
    if (b->want_parsed && make_parsed_slots(b) != CP_OK)
        return CP_ERR_NOMEM;
    if (charset_encoder_open(encoding, &charset_encoder) != CP_OK)
        return CP_ERR_NOMEM;
    struct url_query_encoder query_encoder = {encode_in_document_encoding, charset_encoder};
    const struct url_query_encoder *encoder = charset_encoder ? &query_encoder : NULL;
    struct url base_storage;
    bool has_base = frozen_base(b, page, encoder, &base_storage);
    const struct url *base = has_base ? &base_storage : page;
    for (size_t i = 0; i < b->link_count; i++) {
        struct draft_link *link = &b->links[i];
        bool from_header = link->kind == EXTRACT_LINK_HEADER_NEXT || link->kind == EXTRACT_LINK_HEADER_PREV;
        if (resolve(b, link->raw, from_header ? page : base, from_header ? NULL : encoder, true, &link->url,
                    b->parsed ? &b->parsed->links[i] : NULL) == RESOLVED_OTHER)
            link->keep = false;
    }
    for (size_t i = 0; i < b->canonical_count; i++) {
        bool from_header = b->canonicals[i].place == EXTRACT_IN_HEADER;
        resolve(b, b->canonicals[i].raw, from_header ? page : base, from_header ? NULL : encoder, false,
                &b->canonicals[i].url, b->parsed ? &b->parsed->canonicals[i] : NULL);
    }
    for (size_t i = 0; i < b->hreflang_count; i++) {
        bool from_header = b->hreflangs[i].place == EXTRACT_IN_HEADER;
        resolve(b, b->hreflangs[i].raw, from_header ? page : base, from_header ? NULL : encoder, false,
                &b->hreflangs[i].url, b->parsed ? &b->parsed->hreflangs[i] : NULL);
    }
    if (has_base)
        url_free(&base_storage);
    charset_encoder_close(charset_encoder);
    return b->failed ? CP_ERR_NOMEM : CP_OK;
}

/* ---------- headers ---------- */

static bool header_run(const char *agent, size_t agent_length, const char *text, size_t text_length, void *context)
{
    add_statement(context, agent, agent_length, text, text_length, ROBOTS_SOURCE_HEADER);
    return true;
}

static bool link_header_entry(const struct link_header_entry *entry, void *context)
{
    struct builder *b = context;
    char *target = strndup(entry->target, entry->target_length);
    if (!target) {
        b->failed = true;
        return false;
    }
    struct context header_context = {EXTRACT_REGION_MAIN, false, false, false};
    if (link_header_rel_has(entry->rel, "canonical"))
        add_canonical(b, target, EXTRACT_IN_HEADER);
    if (link_header_rel_has(entry->rel, "alternate") && entry->hreflang[0])
        add_hreflang(b, entry->hreflang, strlen(entry->hreflang), target, EXTRACT_IN_HEADER);
    if (link_header_rel_has(entry->rel, "next"))
        add_link(b, target, EXTRACT_LINK_HEADER_NEXT, &header_context);
    if (link_header_rel_has(entry->rel, "prev") || link_header_rel_has(entry->rel, "previous"))
        add_link(b, target, EXTRACT_LINK_HEADER_PREV, &header_context);
    free(target);
    return !b->failed;
}

static void collect_headers(struct builder *b)
{
    for (size_t i = 0; i < b->input->header_count; i++) {
        const struct extract_header *header = &b->input->headers[i];
        if (!header->name || !header->value)
            continue;
        if (strcasecmp(header->name, "X-Robots-Tag") == 0)
            robots_header_split(header->value, header_run, b);
        else if (strcasecmp(header->name, "Link") == 0)
            b->malformed_link_headers += (uint32_t)link_header_parse(header->value, link_header_entry, b);
    }
}

static const char *content_type_of(const struct extract_input *input)
{
    for (size_t i = 0; i < input->header_count; i++)
        if (input->headers[i].name && strcasecmp(input->headers[i].name, "Content-Type") == 0)
            return input->headers[i].value;
    return NULL;
}

/* ---------- layout: one block for the whole record ---------- */

static size_t align_up(size_t n)
{
    return (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
}

struct layout {
    char *strings;
};

static const char *pointer(const struct layout *layout, string_ref ref)
{
    return ref ? layout->strings + ref - 1 : NULL;
}

static void merge_robots(const struct builder *b, struct page_robots *robots, const char *token)
{
    robots_directives_init(&robots->directives);
    for (size_t i = 0; i < b->statement_count; i++) {
        const struct draft_statement *s = &b->statements[i];
        const char *agent = ref_text(b, s->agent);
        if (agent && strcasecmp(agent, token) != 0)
            continue;
        const char *content = ref_text(b, s->content);
        robots_directives_merge_text(&robots->directives, content, strlen(content), s->source);
    }
}

static int compare_ids(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* Sort the ids and keep each once (a fragment lookup is a binary search). */
static void settle_ids(struct builder *b)
{
    if (b->id_count < 2)
        return;
    qsort(b->ids, b->id_count, sizeof *b->ids, compare_ids);
    size_t kept = 1;
    for (size_t i = 1; i < b->id_count; i++)
        if (b->ids[i] != b->ids[kept - 1])
            b->ids[kept++] = b->ids[i];
    b->id_count = kept;
}

/* The links' slots follow the record's links: the drafts resolution dropped (a URL of another
 * scheme, so no parse was kept in their slots) leave the list, in place. */
static void compact_parsed_links(struct builder *b)
{
    if (!b->parsed)
        return;
    uint32_t kept = 0;
    for (size_t i = 0; i < b->link_count; i++) {
        if (!b->links[i].keep)
            continue;
        if (kept != i) {
            b->parsed->links[kept] = b->parsed->links[i];
            memset(&b->parsed->links[i], 0, sizeof b->parsed->links[i]);
        }
        kept++;
    }
    b->parsed->link_count = kept;
}

static int lay_out(struct builder *b, const char *const *tokens, size_t token_count, struct page_signals **out)
{
    settle_ids(b);
    size_t kept = 0;
    for (size_t i = 0; i < b->link_count; i++)
        kept += b->links[i].keep;
    /* token names go into the string area too */
    string_ref token_refs[1 + 16];
    if (token_count > 17)
        token_count = 17;
    for (size_t i = 0; i < token_count; i++)
        token_refs[i] = add_cstring(b, tokens[i]);
    if (b->failed)
        return CP_ERR_NOMEM;

    size_t offset_links = align_up(sizeof(struct page_signals));
    size_t offset_canonicals = align_up(offset_links + kept * sizeof(struct page_link));
    size_t offset_hreflangs = align_up(offset_canonicals + b->canonical_count * sizeof(struct page_canonical));
    size_t offset_statements = align_up(offset_hreflangs + b->hreflang_count * sizeof(struct page_hreflang));
    size_t offset_robots = align_up(offset_statements + b->statement_count * sizeof(struct page_robots_statement));
    size_t offset_ids = align_up(offset_robots + token_count * sizeof(struct page_robots));
    size_t offset_strings = align_up(offset_ids + b->id_count * sizeof(uint64_t));
    size_t total = offset_strings + b->strings.len + 1;
    char *block = calloc(1, total);
    if (!block)
        return CP_ERR_NOMEM;
    struct page_signals *s = (struct page_signals *)block;
    struct layout layout = {block + offset_strings};
    if (b->strings.len)
        memcpy(layout.strings, b->strings.data, b->strings.len);

    s->links = (struct page_link *)(block + offset_links);
    for (size_t i = 0; i < b->link_count; i++) {
        const struct draft_link *d = &b->links[i];
        if (!d->keep)
            continue;
        struct page_link *link = &s->links[s->link_count++];
        link->url = pointer(&layout, d->url);
        link->raw = d->url ? NULL : pointer(&layout, d->raw);
        link->text = d->text ? pointer(&layout, d->text) : layout.strings + b->strings.len;
        link->kind = d->kind;
        link->flags = d->flags;
        link->region = d->region;
    }
    compact_parsed_links(b);
    s->links_seen = b->links_seen;
    s->links_too_long = b->links_too_long;
    s->links_over_cap = b->links_seen - (uint32_t)b->link_count;
    for (uint32_t i = 0; i < s->link_count; i++)
        s->links_invalid += !s->links[i].url;
    memcpy(s->schemes, b->schemes, sizeof s->schemes);
    s->scheme_count = b->scheme_count;

    s->canonicals = (struct page_canonical *)(block + offset_canonicals);
    s->canonical_count = (uint32_t)b->canonical_count;
    for (size_t i = 0; i < b->canonical_count; i++)
        s->canonicals[i] = (struct page_canonical){pointer(&layout, b->canonicals[i].url),
                                                   pointer(&layout, b->canonicals[i].raw), b->canonicals[i].place};
    s->hreflangs = (struct page_hreflang *)(block + offset_hreflangs);
    s->hreflang_count = (uint32_t)b->hreflang_count;
    for (size_t i = 0; i < b->hreflang_count; i++) {
        const struct draft_hreflang *d = &b->hreflangs[i];
        s->hreflangs[i] = (struct page_hreflang){pointer(&layout, d->code), pointer(&layout, d->url),
                                                 pointer(&layout, d->raw), d->place, d->valid};
    }
    s->robots_statements = (struct page_robots_statement *)(block + offset_statements);
    s->robots_statement_count = (uint32_t)b->statement_count;
    for (size_t i = 0; i < b->statement_count; i++) {
        const struct draft_statement *d = &b->statements[i];
        s->robots_statements[i] = (struct page_robots_statement){pointer(&layout, d->agent),
                                                                 pointer(&layout, d->content), d->source};
    }
    s->robots = (struct page_robots *)(block + offset_robots);
    s->robots_count = (uint32_t)token_count;
    for (size_t i = 0; i < token_count; i++) {
        s->robots[i].token = pointer(&layout, token_refs[i]);
        merge_robots(b, &s->robots[i], s->robots[i].token);
    }

    uint64_t *ids = (uint64_t *)(block + offset_ids);
    if (b->id_count)
        memcpy(ids, b->ids, b->id_count * sizeof *ids);
    s->ids = ids;
    s->id_count = (uint32_t)b->id_count;
    s->ids_seen = b->ids_seen;

    s->url = pointer(&layout, b->page_url);
    s->base_url = pointer(&layout, b->base_url);
    s->base_raw = pointer(&layout, b->base_raw);
    s->title = pointer(&layout, b->title);
    s->title_count = b->title_count;
    s->description = pointer(&layout, b->description);
    s->description_count = b->description_count;
    s->h1_count = b->h1_count;
    s->h1 = pointer(&layout, b->h1);
    s->lang = pointer(&layout, b->lang);
    s->meta_charset = pointer(&layout, b->meta_charset);
    s->charset = pointer(&layout, b->charset);
    s->charset_source = b->charset_source;
    s->replaced_bytes = b->replaced_bytes;
    s->word_count = b->word_count;
    s->content_hash = b->fingerprint.exact;
    s->simhash = b->fingerprint.simhash;
    s->main_words = b->fingerprint.words;
    s->script_count = b->script_count;
    s->analytics = b->analytics;
    s->has_head_element = b->has_head_element;
    s->js_shell = b->word_count < JS_SHELL_MAX_WORDS && b->script_count > 0 && b->a_link_count < JS_SHELL_MAX_LINKS;
    s->truncated = b->truncated;
    s->malformed_link_headers = b->malformed_link_headers;
    s->record_bytes = total;
    *out = s;
    return CP_OK;
}

/* ---------- the call ---------- */

static void builder_free(struct builder *b)
{
    page_parsed_urls_free(b->parsed);
    buf_free(&b->strings);
    buf_free(&b->anchor_text);
    free(b->links);
    free(b->canonicals);
    free(b->hreflangs);
    free(b->statements);
    free(b->ids);
}

static uint32_t limit_or(uint32_t value, uint32_t fallback)
{
    return value ? value : fallback;
}

/* Decode, cap, parse and walk the body into b. */
static int collect_body(struct builder *b, const struct extract_input *input, struct charset_result *charset)
{
    int status = charset_decode(input->body, input->body_length, content_type_of(input), charset);
    if (status != CP_OK)
        return status;
    char *flattened = NULL;
    size_t blanked = 0;
    status = html_depth_cap(charset->text, charset->length, EXTRACT_MAX_DEPTH, &flattened, &blanked);
    if (status != CP_OK)
        return status;
    if (blanked)
        b->truncated |= EXTRACT_TRUNCATED_DEPTH;
    struct gumbo_arena arena;
    GumboOptions options;
    gumbo_arena_options(&arena, &options);
    struct gumbo_arena_budget budget = {b->limits.max_parse_ms / 1000.0, b->limits.max_parse_bytes, input->cancel};
    GumboOutput *output;
    status = gumbo_arena_parse(&arena, &options, flattened ? flattened : charset->text, charset->length, &budget,
                               &output);
    if (status == CP_OK) {
        status = walk(b, output->document);
        if (status == CP_OK)
            status = fingerprint_main_text(output->document, &b->roots, &b->fingerprint);
    } else if (status == CP_ERR_LIMIT) {
        /* The parse is lost whole: the page keeps only what its headers say, and says why. */
        b->truncated |= arena.spent == GUMBO_ARENA_SPENT_TIME ? EXTRACT_TRUNCATED_PARSE_TIME
                                                              : EXTRACT_TRUNCATED_PARSE_MEMORY;
        status = CP_OK;
    }
    gumbo_arena_free(&arena);
    free(flattened);
    return status;
}

int extract_page(const struct extract_input *input, struct page_signals **out)
{
    return extract_page_parsed(input, out, NULL);
}

int extract_page_parsed(const struct extract_input *input, struct page_signals **out, struct page_parsed_urls **parsed)
{
    static const char *const default_engines[] = {"googlebot"};
    *out = NULL;
    if (parsed)
        *parsed = NULL;
    struct extract_input effective = *input;
    if (!effective.product_token)
        effective.product_token = "crawlpack";
    if (!effective.engine_tokens || effective.engine_token_count == 0) {
        effective.engine_tokens = default_engines;
        effective.engine_token_count = 1;
    }
    if (effective.engine_token_count > 16)
        effective.engine_token_count = 16;

    struct url page_storage;
    const struct url *page = effective.parsed_url;
    if (!page) {
        enum url_error error = url_parse_str(effective.url ? effective.url : "", NULL, &page_storage);
        if (error != URL_OK)
            return error == URL_ERR_NOMEM ? CP_ERR_NOMEM : CP_ERR_INVALID;
        page = &page_storage;
    }

    struct builder b;
    memset(&b, 0, sizeof b);
    b.input = &effective;
    b.anchor = -1;
    b.want_parsed = parsed != NULL;
    b.limits.max_links = limit_or(input->limits.max_links, EXTRACT_DEFAULT_MAX_LINKS);
    b.limits.max_canonicals = limit_or(input->limits.max_canonicals, EXTRACT_DEFAULT_MAX_CANONICALS);
    b.limits.max_hreflangs = limit_or(input->limits.max_hreflangs, EXTRACT_DEFAULT_MAX_HREFLANGS);
    b.limits.max_robots_statements = limit_or(input->limits.max_robots_statements,
                                              EXTRACT_DEFAULT_MAX_ROBOTS_STATEMENTS);
    b.limits.max_ids = limit_or(input->limits.max_ids, EXTRACT_DEFAULT_MAX_IDS);
    b.limits.max_url_length = input->limits.max_url_length ? input->limits.max_url_length : URL_DEFAULT_MAX_LENGTH;
    b.limits.max_parse_ms = limit_or(input->limits.max_parse_ms, EXTRACT_DEFAULT_MAX_PARSE_MS);
    b.limits.max_parse_bytes = input->limits.max_parse_bytes ? input->limits.max_parse_bytes
                                                             : EXTRACT_DEFAULT_MAX_PARSE_BYTES;
    b.page_url = add_string(&b, page->href, page->href_length);

    struct charset_result charset;
    int status = collect_body(&b, &effective, &charset);
    if (status == CP_OK) {
        b.charset = add_cstring(&b, charset.used);
        b.charset_source = (uint8_t)charset.source;
        b.replaced_bytes = charset.replaced > UINT32_MAX ? UINT32_MAX : (uint32_t)charset.replaced;
        collect_headers(&b);
        status = b.failed ? CP_ERR_NOMEM : resolve_everything(&b, page, charset.used);
        charset_result_free(&charset);
    }
    if (status == CP_OK) {
        const char *tokens[17];
        tokens[0] = effective.product_token;
        for (size_t i = 0; i < effective.engine_token_count; i++)
            tokens[i + 1] = effective.engine_tokens[i];
        status = lay_out(&b, tokens, effective.engine_token_count + 1, out);
    }
    if (status == CP_OK && parsed) {
        *parsed = b.parsed;
        b.parsed = NULL;
    }
    builder_free(&b);
    if (page == &page_storage)
        url_free(&page_storage);
    return status;
}

void page_signals_free(struct page_signals *signals)
{
    free(signals);
}

void page_parsed_urls_free(struct page_parsed_urls *parsed)
{
    if (!parsed)
        return;
    for (uint32_t i = 0; i < parsed->link_count; i++)
        url_free(&parsed->links[i]);
    for (uint32_t i = 0; i < parsed->canonical_count; i++)
        url_free(&parsed->canonicals[i]);
    for (uint32_t i = 0; i < parsed->hreflang_count; i++)
        url_free(&parsed->hreflangs[i]);
    free(parsed);
}

/* ---------- names ---------- */

const char *extract_link_kind_name(enum extract_link_kind kind)
{
    static const char *const names[] = {"a", "area", "next", "prev", "refresh", "iframe", "header-next", "header-prev"};
    return (size_t)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

const char *extract_region_name(enum extract_region region)
{
    static const char *const names[] = {"main", "nav", "header", "footer"};
    return (size_t)region < sizeof names / sizeof names[0] ? names[region] : "?";
}

const char *extract_place_name(enum extract_place place)
{
    static const char *const names[] = {"head", "body", "header"};
    return (size_t)place < sizeof names / sizeof names[0] ? names[place] : "?";
}

const struct robots_directives *page_signals_binding_directives(const struct page_signals *signals)
{
    if (signals->robots_count == 0)
        return NULL;
    return &signals->robots[signals->robots_count > 1 ? 1 : 0].directives;
}

const char *extract_analytics_name(enum extract_analytics bit)
{
    switch (bit) {
    case EXTRACT_ANALYTICS_GOOGLE_TAG: return "google-tag";
    case EXTRACT_ANALYTICS_GOOGLE_TAG_MANAGER: return "google-tag-manager";
    case EXTRACT_ANALYTICS_GOOGLE_ANALYTICS: return "google-analytics";
    case EXTRACT_ANALYTICS_SEGMENT: return "segment";
    case EXTRACT_ANALYTICS_ADOBE: return "adobe";
    case EXTRACT_ANALYTICS_MATOMO: return "matomo";
    case EXTRACT_ANALYTICS_PLAUSIBLE: return "plausible";
    }
    return "?";
}
