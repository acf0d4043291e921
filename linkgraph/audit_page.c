/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_page: the page-local audit rules over one page's extracted signals (see
 * audit_page.h for which canonicals count and when each rule applies). */
#include "linkgraph/audit_page.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"

static const enum rule_id page_rules[] = {
    RULE_CANONICAL_MISSING,
    RULE_CANONICAL_INVALID,
    RULE_CANONICAL_MULTIPLE,
    RULE_CANONICAL_RELATIVE,
    RULE_CANONICAL_OUTSIDE_HEAD,
    RULE_CANONICAL_HEADER_MISMATCH,
    RULE_PAGINATION_CANONICAL_TO_FIRST,
    RULE_NOINDEX_OUTSIDE_HEAD,
    RULE_HREFLANG_INVALID_CODE,
    RULE_LINK_TO_DEV_HOST,
    RULE_PAGE_TRUNCATED,
    RULE_PAGE_PARSE_LIMIT,
    RULE_LINKS_DROPPED,
    RULE_JS_SHELL,
};

const enum rule_id *audit_page_rules(size_t *count)
{
    *count = sizeof page_rules / sizeof page_rules[0];
    return page_rules;
}

/* One counted canonical (in <head> or a Link header) that resolved to an http(s) URL. */
struct counted_canonical {
    const char *url;
    char *identity;
    bool from_header;
};

struct page_audit {
    const struct audit_page_input *input;
    const struct page_signals *signals;
    struct finding_list *out;
    struct buf message;
    struct counted_canonical *canonicals;
    size_t canonical_count;
};

static int add(struct page_audit *p, enum rule_id rule, const char *related)
{
    struct finding *f = findings_add(p->out, rule, p->input->url, p->input->url, 0, "%s", buf_str(&p->message));
    if (!f)
        return CP_ERR_NOMEM;
    return related ? finding_add_related(f, related) : CP_OK;
}

static int check_truncated(struct page_audit *p)
{
    if (!p->input->body_truncated)
        return CP_OK;
    buf_reset(&p->message);
    buf_printf(&p->message, "body cut at %llu bytes by --max-body: links and tags after the cut were not read",
               (unsigned long long)p->input->body_bytes);
    return add(p, RULE_PAGE_TRUNCATED, NULL);
}

static bool parse_stopped(const struct page_signals *s)
{
    return s && (s->truncated & (EXTRACT_TRUNCATED_PARSE_TIME | EXTRACT_TRUNCATED_PARSE_MEMORY));
}

/* page-parse-limit: the parse ran out of its budget (nothing of the body was read) or the nesting
 * was flattened at EXTRACT_MAX_DEPTH (links were read, structure changed). */
static int check_parse_limit(struct page_audit *p)
{
    const struct page_signals *s = p->signals;
    if (!s ||
        !(s->truncated & (EXTRACT_TRUNCATED_DEPTH | EXTRACT_TRUNCATED_PARSE_TIME | EXTRACT_TRUNCATED_PARSE_MEMORY)))
        return CP_OK;
    buf_reset(&p->message);
    if (s->truncated & EXTRACT_TRUNCATED_PARSE_TIME)
        buf_append_str(&p->message, "the HTML parse used up its CPU time (--max-parse-time): no link, tag or text "
                                    "of the page was read");
    else if (s->truncated & EXTRACT_TRUNCATED_PARSE_MEMORY)
        buf_append_str(&p->message, "the HTML parse used up its memory budget: no link, tag or text of the page "
                                    "was read");
    else
        buf_printf(&p->message,
                   "elements nest deeper than %d levels; deeper ones were flattened as browsers do "
                   "(links and text were read)",
                   EXTRACT_MAX_DEPTH);
    return add(p, RULE_PAGE_PARSE_LIMIT, NULL);
}

/* links-dropped: references the crawl will not follow, per cause, with the first invalid href. */
static int check_dropped_links(struct page_audit *p)
{
    const struct page_signals *s = p->signals;
    if (!s || s->links_over_cap + s->links_too_long + s->links_invalid == 0)
        return CP_OK;
    buf_reset(&p->message);
    const char *separator = "";
    if (s->links_over_cap) {
        buf_printf(&p->message, "%u links after the first %u (--max-links-per-page)", s->links_over_cap,
                   s->links_seen - s->links_over_cap);
        separator = "; ";
    }
    if (s->links_too_long) {
        buf_printf(&p->message, "%s%u links longer than --max-url-length", separator, s->links_too_long);
        separator = "; ";
    }
    const char *first_invalid = NULL;
    for (uint32_t i = 0; i < s->link_count && !first_invalid; i++)
        if (!s->links[i].url)
            first_invalid = s->links[i].raw;
    if (s->links_invalid)
        buf_printf(&p->message, "%s%u links whose href is not a URL (first: \"%.200s\")", separator, s->links_invalid,
                   first_invalid ? first_invalid : "");
    buf_append_str(&p->message, ": not followed");
    return add(p, RULE_LINKS_DROPPED, NULL);
}

/* page-tags-dropped: canonical, hreflang or robots statements past extraction's caps (web/extract.h
 * EXTRACT_DEFAULT_MAX_*) were counted, not kept, so what they said is not audited. */
static int check_dropped_tags(struct page_audit *p)
{
    static const struct {
        uint32_t flag;
        const char *what;
        unsigned cap;
    } caps[] = {
        {EXTRACT_TRUNCATED_CANONICALS, "canonical tags", EXTRACT_DEFAULT_MAX_CANONICALS},
        {EXTRACT_TRUNCATED_HREFLANGS, "hreflang alternates", EXTRACT_DEFAULT_MAX_HREFLANGS},
        {EXTRACT_TRUNCATED_ROBOTS, "robots directives statements", EXTRACT_DEFAULT_MAX_ROBOTS_STATEMENTS},
    };
    const struct page_signals *s = p->signals;
    if (!s)
        return CP_OK;
    buf_reset(&p->message);
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (s->truncated & caps[i].flag)
            buf_printf(&p->message, "%smore than %u %s", p->message.len ? "; " : "", caps[i].cap, caps[i].what);
    if (!p->message.len)
        return CP_OK;
    buf_append_str(&p->message, ": those past the cap were not read");
    return add(p, RULE_PAGE_TAGS_DROPPED, NULL);
}

/* A reference with a scheme ("https:", "mailto:") as opposed to a relative one ("/a", "//host/a"). */
static bool has_scheme(const char *raw)
{
    while (*raw && isspace((unsigned char)*raw))
        raw++;
    if (!isalpha((unsigned char)*raw))
        return false;
    while (isalnum((unsigned char)*raw) || *raw == '+' || *raw == '-' || *raw == '.')
        raw++;
    return *raw == ':';
}

/* Why a canonical did not resolve to an http(s) URL, parsing it again the way extract did. */
static void explain_invalid(struct page_audit *p, const struct page_canonical *canonical)
{
    struct url page, parsed;
    const char *base_text = canonical->place != EXTRACT_IN_HEADER && p->signals->base_url ? p->signals->base_url
                                                                                          : p->signals->url;
    bool have_base = base_text && url_parse_str(base_text, NULL, &page) == URL_OK;
    enum url_error error = url_parse_str(canonical->raw, have_base ? &page : NULL, &parsed);
    if (error != URL_OK) {
        buf_printf(&p->message, "does not parse: %s", url_error_string(error));
    } else {
        char scheme[32];
        url_scheme_name(&parsed, scheme, sizeof scheme);
        buf_printf(&p->message, "is not an http(s) URL (scheme %s)", scheme);
        url_free(&parsed);
    }
    if (have_base)
        url_free(&page);
}

static const char *place_phrase(uint8_t place)
{
    return place == EXTRACT_IN_HEADER ? "Link header canonical" : "canonical";
}

/* canonical-outside-head, -invalid and -relative, one canonical at a time; the valid counted ones
 * are kept in p->canonicals for the comparisons. */
static int check_each_canonical(struct page_audit *p)
{
    const struct page_signals *s = p->signals;
    p->canonicals = calloc(s->canonical_count + 1, sizeof *p->canonicals);
    if (!p->canonicals)
        return CP_ERR_NOMEM;
    for (uint32_t i = 0; i < s->canonical_count; i++) {
        const struct page_canonical *c = &s->canonicals[i];
        const char *raw = c->raw ? c->raw : "";
        int status = CP_OK;
        buf_reset(&p->message);
        if (c->place == EXTRACT_IN_BODY) {
            buf_printf(&p->message,
                       "<link rel=canonical href=\"%s\"> is outside <head>, where search engines ignore it", raw);
            status = add(p, RULE_CANONICAL_OUTSIDE_HEAD, c->url ? c->url : raw);
        } else if (!c->url) {
            buf_printf(&p->message, "%s \"%s\" ", place_phrase(c->place), raw);
            explain_invalid(p, c);
            status = add(p, RULE_CANONICAL_INVALID, raw);
        } else {
            if (!has_scheme(raw)) {
                buf_printf(&p->message, "%s \"%s\" is relative; it resolves to %s", place_phrase(c->place), raw,
                           c->url);
                status = add(p, RULE_CANONICAL_RELATIVE, c->url);
            }
            struct url parsed;
            struct counted_canonical *counted = &p->canonicals[p->canonical_count];
            if (status == CP_OK && url_parse_str(c->url, NULL, &parsed) == URL_OK) {
                enum url_error error = url_identity(&parsed, p->input->identity, &counted->identity);
                url_free(&parsed);
                if (error != URL_OK)
                    return CP_ERR_NOMEM;
                counted->url = c->url;
                counted->from_header = c->place == EXTRACT_IN_HEADER;
                p->canonical_count++;
            }
        }
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

/* Whether a counted canonical from the given place has this identity. */
static bool place_names(const struct page_audit *p, bool from_header, const char *identity)
{
    for (size_t i = 0; i < p->canonical_count; i++)
        if (p->canonicals[i].from_header == from_header && strcmp(p->canonicals[i].identity, identity) == 0)
            return true;
    return false;
}

/* Whether no earlier counted canonical (of the same place, when same_place) has canonical i's identity. */
static bool first_of_its_identity(const struct page_audit *p, size_t i, bool same_place)
{
    for (size_t j = 0; j < i; j++)
        if ((!same_place || p->canonicals[j].from_header == p->canonicals[i].from_header) &&
            strcmp(p->canonicals[j].identity, p->canonicals[i].identity) == 0)
            return false;
    return true;
}

/* canonical-multiple: one place (the <head>, or the Link headers) names more than one URL. */
static int check_multiple(struct page_audit *p)
{
    size_t distinct[2] = {0, 0};
    for (size_t i = 0; i < p->canonical_count; i++)
        if (first_of_its_identity(p, i, true))
            distinct[p->canonicals[i].from_header]++;
    if (distinct[0] < 2 && distinct[1] < 2)
        return CP_OK;
    buf_reset(&p->message);
    buf_printf(&p->message, "%zu different canonicals:", distinct[0] > 1 ? distinct[0] : distinct[1]);
    bool from_header = distinct[0] < 2;
    for (size_t i = 0; i < p->canonical_count; i++)
        if (p->canonicals[i].from_header == from_header && first_of_its_identity(p, i, true))
            buf_printf(&p->message, " %s", p->canonicals[i].url);
    buf_append_str(&p->message, from_header ? " (Link headers)" : " (in <head>)");
    struct finding *f = findings_add(p->out, RULE_CANONICAL_MULTIPLE, p->input->url, p->input->url, 0, "%s",
                                     buf_str(&p->message));
    if (!f)
        return CP_ERR_NOMEM;
    for (size_t i = 0; i < p->canonical_count; i++)
        if (p->canonicals[i].from_header == from_header && first_of_its_identity(p, i, true) &&
            finding_add_related(f, p->canonicals[i].url) != CP_OK)
            return CP_ERR_NOMEM;
    return CP_OK;
}

/* canonical-header-mismatch: both places name canonicals, and one names a URL the other does not. */
static int check_header_mismatch(struct page_audit *p)
{
    const struct counted_canonical *in_header = NULL, *in_html = NULL;
    bool differ = false;
    for (size_t i = 0; i < p->canonical_count; i++) {
        const struct counted_canonical *c = &p->canonicals[i];
        if (c->from_header && !in_header)
            in_header = c;
        if (!c->from_header && !in_html)
            in_html = c;
        if (!place_names(p, !c->from_header, c->identity))
            differ = true;
    }
    if (!in_header || !in_html || !differ)
        return CP_OK;
    /* Show a pair that actually disagrees. */
    for (size_t i = 0; i < p->canonical_count; i++)
        if (p->canonicals[i].from_header && !place_names(p, false, p->canonicals[i].identity)) {
            in_header = &p->canonicals[i];
            break;
        }
    if (place_names(p, true, in_html->identity))
        for (size_t i = 0; i < p->canonical_count; i++)
            if (!p->canonicals[i].from_header && !place_names(p, true, p->canonicals[i].identity)) {
                in_html = &p->canonicals[i];
                break;
            }
    buf_reset(&p->message);
    buf_printf(&p->message, "Link header names %s, the HTML <head> names %s", in_header->url, in_html->url);
    struct finding *f = findings_add(p->out, RULE_CANONICAL_HEADER_MISMATCH, p->input->url, p->input->url, 0, "%s",
                                     buf_str(&p->message));
    if (!f || finding_add_related(f, in_header->url) != CP_OK || finding_add_related(f, in_html->url) != CP_OK)
        return CP_ERR_NOMEM;
    return CP_OK;
}

static int check_missing(struct page_audit *p)
{
    const struct robots_directives *d = page_signals_binding_directives(p->signals);
    if (!p->input->html || p->signals->canonical_count > 0 || (d && robots_directives_has(d, ROBOTS_NOINDEX)))
        return CP_OK;
    buf_reset(&p->message);
    buf_append_str(&p->message, "no rel=canonical in <head> or in a Link header");
    return add(p, RULE_CANONICAL_MISSING, NULL);
}

static int check_noindex_place(struct page_audit *p)
{
    uint8_t sources = 0;
    for (uint32_t i = 0; i < p->signals->robots_count; i++)
        sources |= p->signals->robots[i].directives.flag_sources[ROBOTS_NOINDEX];
    if (!(sources & ROBOTS_SOURCE_META_BODY))
        return CP_OK;
    buf_reset(&p->message);
    buf_append_str(&p->message, "meta robots noindex outside <head>");
    if (sources & (ROBOTS_SOURCE_META_HEAD | ROBOTS_SOURCE_HEADER))
        buf_printf(&p->message, " (also given in %s)",
                   sources & ROBOTS_SOURCE_META_HEAD ? "<head>" : "the X-Robots-Tag header");
    else
        buf_append_str(&p->message, ", and nowhere else");
    return add(p, RULE_NOINDEX_OUTSIDE_HEAD, NULL);
}

/* One finding per page naming every invalid code once, with the alternates' URLs related. */
static int check_hreflang_codes(struct page_audit *p)
{
    const struct page_signals *s = p->signals;
    size_t invalid = 0;
    buf_reset(&p->message);
    for (uint32_t i = 0; i < s->hreflang_count; i++) {
        const struct page_hreflang *h = &s->hreflangs[i];
        if (h->valid)
            continue;
        bool repeated = false;
        for (uint32_t j = 0; j < i && !repeated; j++)
            repeated = !s->hreflangs[j].valid && strcmp(s->hreflangs[j].code, h->code) == 0;
        if (!repeated)
            buf_printf(&p->message, "%s\"%s\"", invalid++ ? ", " : "", h->code);
    }
    if (invalid == 0)
        return CP_OK;
    char *codes = buf_detach(&p->message);
    if (!codes)
        return CP_ERR_NOMEM;
    buf_printf(&p->message, "invalid hreflang code%s %s: use ISO 639-1 language[-ISO 3166-1 region] or x-default",
               invalid == 1 ? "" : "s", codes);
    free(codes);
    struct finding *f = findings_add(p->out, RULE_HREFLANG_INVALID_CODE, p->input->url, p->input->url, 0, "%s",
                                     buf_str(&p->message));
    if (!f)
        return CP_ERR_NOMEM;
    for (uint32_t i = 0; i < s->hreflang_count; i++) {
        const struct page_hreflang *h = &s->hreflangs[i];
        const char *target = h->url ? h->url : h->raw;
        if (!h->valid && target && finding_add_related(f, target) != CP_OK)
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

/* ---- pagination-canonical-to-first ---- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The number at text[0..) when it is a page number of 2 or more (at most 9 digits), else 0;
 * *length gets its digits. */
static unsigned page_number(const char *text, size_t *length)
{
    size_t n = 0;
    unsigned value = 0;
    while (n < 9 && is_digit(text[n]))
        value = value * 10 + (unsigned)(text[n++] - '0');
    *length = n;
    return n && !is_digit(text[n]) && value >= 2 ? value : 0;
}

/* The URL of page 1 of the series url belongs to, written into first, when url is page 2 or later
 * by one of the common schemes: a /page/N path segment (WordPress, Hugo, Jekyll) or a ?page=N,
 * ?p=N, ?pg=N or ?paged=N parameter (dropped, or set to 1 when one_for_param). Returns N, or 0. */
static unsigned first_page_of(const char *url, bool one_for_param, struct buf *first)
{
    buf_reset(first);
    const char *query = strchr(url, '?');
    size_t path_end = query ? (size_t)(query - url) : strcspn(url, "#");
    for (const char *at = strstr(url, "/page/"); at && (size_t)(at - url) < path_end; at = strstr(at + 1, "/page/")) {
        size_t digits;
        unsigned n = page_number(at + 6, &digits);
        const char *after = at + 6 + digits;
        if (!n || (*after != '/' && *after != '?' && *after != '#' && *after))
            continue;
        /* "/blog/page/2/" -> "/blog/"; "/blog/page/2" -> "/blog" */
        size_t keep = (size_t)(at - url) + (*after == '/' ? 1 : 0);
        buf_append(first, url, keep);
        buf_append_str(first, *after == '/' ? after + 1 : after);
        return n;
    }
    static const char *const names[] = {"page=", "p=", "pg=", "paged="};
    for (const char *param = query; param && *param && *param != '#'; param = strpbrk(param + 1, "&#")) {
        if (*param == '#')
            break;
        const char *name = param + 1;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            size_t name_length = strlen(names[i]), digits;
            if (strncmp(name, names[i], name_length) != 0)
                continue;
            unsigned n = page_number(name + name_length, &digits);
            const char *after = name + name_length + digits;
            if (!n || (*after && *after != '&' && *after != '#'))
                continue;
            if (one_for_param) {
                buf_append(first, url, (size_t)(name + name_length - url));
                buf_append_char(first, '1');
                buf_append_str(first, after);
            } else if (*param == '?' && *after == '&') { /* "?page=2&x" -> "?x" */
                buf_append(first, url, (size_t)(name - url));
                buf_append_str(first, after + 1);
            } else { /* "?page=2" -> "", "&page=2" -> "" */
                buf_append(first, url, (size_t)(param - url));
                buf_append_str(first, after);
            }
            return n;
        }
    }
    return 0;
}

/* The identity of the page's rel=prev target (HTML or Link header), or NULL; caller frees. */
static char *prev_identity(const struct page_audit *p)
{
    const struct page_signals *s = p->signals;
    for (uint32_t i = 0; i < s->link_count; i++) {
        const struct page_link *l = &s->links[i];
        if (!l->url || (l->kind != EXTRACT_LINK_PREV && l->kind != EXTRACT_LINK_HEADER_PREV))
            continue;
        struct url parsed;
        char *identity = NULL;
        if (url_parse_str(l->url, NULL, &parsed) != URL_OK)
            continue;
        if (url_identity(&parsed, p->input->identity, &identity) != URL_OK)
            identity = NULL;
        url_free(&parsed);
        return identity;
    }
    return NULL;
}

/* Page 2 or later of a paginated series whose canonical names page 1: the items only this page
 * lists drop out of the index, and its links with them. Known by its URL (/page/N, ?page=N) or
 * by its rel=prev naming the very page its canonical names (page 2 of any scheme). */
static int check_pagination(struct page_audit *p)
{
    const struct counted_canonical *canonical = NULL;
    for (size_t i = 0; i < p->canonical_count && !canonical; i++)
        if (strcmp(p->canonicals[i].identity, p->input->url) != 0)
            canonical = &p->canonicals[i];
    if (!canonical)
        return CP_OK;
    struct buf first = BUF_INIT;
    unsigned n = first_page_of(p->input->url, false, &first);
    bool to_first = n && strcmp(buf_str(&first), canonical->identity) == 0;
    if (n && !to_first)
        to_first = first_page_of(p->input->url, true, &first) && strcmp(buf_str(&first), canonical->identity) == 0;
    buf_free(&first);
    char *prev = to_first ? NULL : prev_identity(p);
    bool to_prev = prev && strcmp(prev, canonical->identity) == 0;
    free(prev);
    if (!to_first && !to_prev)
        return CP_OK;
    buf_reset(&p->message);
    if (to_first)
        buf_printf(&p->message, "page %u of a paginated series names page 1, %s, as its canonical", n, canonical->url);
    else
        buf_printf(&p->message, "names the page its rel=prev names, %s, as its canonical", canonical->url);
    buf_append_str(&p->message, ": what only this page lists drops out of the index");
    return add(p, RULE_PAGINATION_CANONICAL_TO_FIRST, canonical->url);
}

/* ---- link-to-dev-host ---- */

/* Related URLs one link-to-dev-host finding lists (the message counts them all). */
#define DEV_LINKS_LISTED 20

/* The host name of a serialised http(s) URL ("scheme://[user@]host[:port]/..."), lower case as
 * web/url serialises it, into out; false when there is none or it does not fit. */
static bool serialised_hostname(const char *url, char *out, size_t size)
{
    const char *at = url ? strstr(url, "://") : NULL;
    if (!at)
        return false;
    at += 3;
    size_t authority = strcspn(at, "/?#");
    const char *user_end = memchr(at, '@', authority);
    if (user_end) {
        authority -= (size_t)(user_end + 1 - at);
        at = user_end + 1;
    }
    size_t length = authority;
    if (at[0] == '[') {
        const char *close = memchr(at, ']', authority);
        length = close ? (size_t)(close - at) + 1 : authority;
    } else {
        const char *colon = memchr(at, ':', authority);
        if (colon)
            length = (size_t)(colon - at);
    }
    if (length == 0 || length >= size)
        return false;
    memcpy(out, at, length);
    out[length] = '\0';
    return true;
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcmp(text + n - m, suffix) == 0;
}

/* Loopback, private (RFC 1918), link-local or unspecified IPv4 in dotted form (a serialised host:
 * four decimal parts of 0-255). Read by hand, not with sscanf: it is asked of every link's host. */
static bool private_ipv4(const char *host)
{
    unsigned part[4];
    const char *p = host;
    for (int i = 0; i < 4; i++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned value = 0;
        for (int digits = 0; *p >= '0' && *p <= '9'; p++)
            if (++digits > 3 || (value = value * 10 + (unsigned)(*p - '0')) > 255)
                return false;
        part[i] = value;
        if (*p != (i < 3 ? '.' : '\0'))
            return false;
        p += i < 3;
    }
    unsigned a = part[0], b = part[1];
    return a == 127 || a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
           (a == 169 && b == 254) || a == 0;
}

/* A host that only answers on the machine or network a link was written on: localhost, loopback
 * and private addresses, .local/.localhost/.internal names, and staging./dev./test. hosts of a
 * domain (three labels or more, so dev.to and test.com are not taken for one). */
static bool is_dev_host(const char *host)
{
    if (strcmp(host, "localhost") == 0 || ends_with(host, ".localhost") || ends_with(host, ".local") ||
        ends_with(host, ".internal"))
        return true;
    if (host[0] == '[')
        return strcmp(host, "[::1]") == 0 || strcmp(host, "[::]") == 0 || strncmp(host, "[fe80:", 6) == 0 ||
               strncmp(host, "[fc", 3) == 0 || strncmp(host, "[fd", 3) == 0;
    if (private_ipv4(host))
        return true;
    static const char *const prefixes[] = {"staging.", "dev.", "test."};
    const char *first_dot = strchr(host, '.');
    bool three_labels = first_dot && strchr(first_dot + 1, '.');
    for (size_t i = 0; three_labels && i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(host, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* Whether link i is the first link of the page to its URL (one URL is named once). */
static bool first_link_to(const struct page_signals *s, uint32_t i)
{
    for (uint32_t j = 0; j < i; j++)
        if (s->links[j].url && strcmp(s->links[j].url, s->links[i].url) == 0)
            return false;
    return true;
}

/* One finding per page naming its links to development hosts. A page itself served from such a
 * host (an audit of a local build) links there on purpose: not checked. */
static int check_dev_links(struct page_audit *p)
{
    const struct page_signals *s = p->signals;
    char host[256];
    if (!serialised_hostname(p->input->url, host, sizeof host) || is_dev_host(host))
        return CP_OK;
    uint32_t listed[DEV_LINKS_LISTED];
    size_t count = 0;
    for (uint32_t i = 0; i < s->link_count; i++) {
        const char *url = s->links[i].url;
        if (!url || !serialised_hostname(url, host, sizeof host) || !is_dev_host(host) || !first_link_to(s, i))
            continue;
        if (count < DEV_LINKS_LISTED)
            listed[count] = i;
        count++;
    }
    if (count == 0)
        return CP_OK;
    buf_reset(&p->message);
    buf_printf(&p->message, "links to %zu URL%s on a development host (%s%s), not on the public site", count,
               count == 1 ? "" : "s", s->links[listed[0]].url, count > 1 ? ", ..." : "");
    struct finding *f = findings_add(p->out, RULE_LINK_TO_DEV_HOST, p->input->url, p->input->url, 0, "%s",
                                     buf_str(&p->message));
    if (!f)
        return CP_ERR_NOMEM;
    for (size_t i = 0; i < count && i < DEV_LINKS_LISTED; i++)
        if (finding_add_related(f, s->links[listed[i]].url) != CP_OK)
            return CP_ERR_NOMEM;
    return CP_OK;
}

static int check_signals(struct page_audit *p)
{
    int status = check_each_canonical(p);
    bool html_200 = p->input->status == 200 && p->input->html;
    if (status == CP_OK && html_200)
        status = check_multiple(p);
    if (status == CP_OK && html_200)
        status = check_header_mismatch(p);
    if (status == CP_OK && html_200)
        status = check_pagination(p);
    if (status == CP_OK && html_200)
        status = check_missing(p);
    if (status == CP_OK)
        status = check_noindex_place(p);
    if (status == CP_OK)
        status = check_hreflang_codes(p);
    if (status == CP_OK)
        status = check_dev_links(p);
    /* With --render the render-* rules say what scripts change; without it, the shell is the hint. */
    if (status == CP_OK && html_200 && p->signals->js_shell && !p->input->render) {
        buf_reset(&p->message);
        buf_printf(&p->message,
                   "the HTML has %u visible words and loads %u script%s: it looks like an app shell built by "
                   "JavaScript; re-run with --render to audit the rendered page",
                   p->signals->word_count, p->signals->script_count, p->signals->script_count == 1 ? "" : "s");
        status = add(p, RULE_JS_SHELL, NULL);
    }
    return status;
}

int audit_page(const struct audit_page_input *input, struct finding_list *out)
{
    struct page_audit p = {.input = input, .signals = input->signals, .out = out};
    buf_init(&p.message);
    int status = check_truncated(&p);
    if (status == CP_OK)
        status = check_parse_limit(&p);
    if (status == CP_OK && !parse_stopped(p.signals))
        status = check_dropped_links(&p);
    if (status == CP_OK && !parse_stopped(p.signals))
        status = check_dropped_tags(&p);
    /* A page that did not answer 200 is not read for its signals by search engines; a body cut at
     * --max-body or not parsed is not judged on what it lacks (the truncation is the finding). */
    if (status == CP_OK && p.signals && input->status == 200 && !input->body_truncated && !parse_stopped(p.signals))
        status = check_signals(&p);
    for (size_t i = 0; i < p.canonical_count; i++)
        free(p.canonicals[i].identity);
    free(p.canonicals);
    buf_free(&p.message);
    return status;
}
