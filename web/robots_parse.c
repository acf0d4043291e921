/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_parse: robots.txt bytes -> groups, rules, sitemaps and findings, line by line as
 * Google's reference parser reads them (see robots.h for the tolerances and the contract). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uthash.h>

#include "common/text_sniff.h"
#include "common/array_grow.h"
#include "common/error.h"
#include "web/robots_internal.h"
#include "web/url.h"

/* A byte slice of the body. */
struct slice {
    const char *start;
    size_t length;
};

struct sitemap_seen {
    const char *url;
    UT_hash_handle hh;
};

struct parser {
    struct robots *robots;
    struct finding_list *findings;
    const char *source;
    struct robots_group *groups;
    size_t group_count, group_capacity;
    size_t rule_capacity, sitemap_capacity;
    struct sitemap_seen *sitemaps_seen;
    bool in_group;  /* a user-agent line was seen */
    bool seen_rule; /* an allow/disallow line followed the last user-agent line: the next
                       user-agent line starts a new group */
    int status;     /* CP_ERR_NOMEM sticks once an allocation failed */
};

enum key_kind {
    KEY_USER_AGENT,
    KEY_ALLOW,
    KEY_DISALLOW,
    KEY_SITEMAP,
    KEY_CRAWL_DELAY,
    KEY_UNSUPPORTED,
    KEY_UNKNOWN,
};

struct key_name {
    const char *name;
    enum key_kind kind;
    bool typo; /* accepted by Google only */
};

/* In the order Google tries them; a key that merely starts with a name is read as that name. */
static const struct key_name recognised_keys[] = {
    {"user-agent", KEY_USER_AGENT, false}, {"useragent", KEY_USER_AGENT, true}, {"user agent", KEY_USER_AGENT, true},
    {"allow", KEY_ALLOW, false},           {"disallow", KEY_DISALLOW, false},   {"dissallow", KEY_DISALLOW, true},
    {"dissalow", KEY_DISALLOW, true},      {"disalow", KEY_DISALLOW, true},     {"diasllow", KEY_DISALLOW, true},
    {"disallaw", KEY_DISALLOW, true},      {"sitemap", KEY_SITEMAP, false},     {"site-map", KEY_SITEMAP, true},
};

/* Keys some crawlers know but Google ignores (exact names, any case). */
static const char *const unsupported_keys[] = {
    "noindex", "no-index", "nofollow", "noarchive", "nosnippet", "host", "clean-param", "request-rate", "visit-time",
};

static const char *const canonical_key_names[] = {
    [KEY_USER_AGENT] = "User-agent",
    [KEY_ALLOW] = "Allow",
    [KEY_DISALLOW] = "Disallow",
    [KEY_SITEMAP] = "Sitemap",
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static struct slice trim(struct slice s)
{
    while (s.length > 0 && is_space(s.start[0]))
        s.start++, s.length--;
    while (s.length > 0 && is_space(s.start[s.length - 1]))
        s.length--;
    return s;
}

static bool slice_starts_with(struct slice s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.length >= n && strncasecmp(s.start, prefix, n) == 0;
}

static bool slice_equals(struct slice s, const char *word)
{
    return s.length == strlen(word) && strncasecmp(s.start, word, s.length) == 0;
}

static char *slice_dup(struct slice s)
{
    char *copy = malloc(s.length + 1);
    if (copy) {
        memcpy(copy, s.start, s.length);
        copy[s.length] = '\0';
    }
    return copy;
}

/* Add a finding; the format's arguments are copied, so slices are passed as "%.*s". */
#define FINDING(p, rule, line, ...)                                                                    \
    do {                                                                                               \
        if ((p)->findings && !findings_add((p)->findings, rule, NULL, (p)->source, line, __VA_ARGS__)) \
            (p)->status = CP_ERR_NOMEM;                                                                \
    } while (0)

static int grow(void **array, size_t *capacity, size_t count, size_t item_size)
{
    if (count < *capacity)
        return CP_OK;
    size_t grown = *capacity ? *capacity * 2 : 8;
    void *bigger = realloc(*array, grown * item_size);
    if (!bigger)
        return CP_ERR_NOMEM;
    *array = bigger;
    *capacity = grown;
    return CP_OK;
}

/* ---- keys ---- */

static enum key_kind classify_key(struct slice key, bool *typo)
{
    *typo = false;
    for (size_t i = 0; i < sizeof(recognised_keys) / sizeof(recognised_keys[0]); i++) {
        const struct key_name *k = &recognised_keys[i];
        if (slice_starts_with(key, k->name)) {
            *typo = k->typo || key.length != strlen(k->name);
            return k->kind;
        }
    }
    if (slice_equals(key, "crawl-delay"))
        return KEY_CRAWL_DELAY;
    for (size_t i = 0; i < sizeof(unsupported_keys) / sizeof(unsupported_keys[0]); i++)
        if (slice_equals(key, unsupported_keys[i]))
            return KEY_UNSUPPORTED;
    return KEY_UNKNOWN;
}

/* ---- groups ---- */

static struct robots_group *current_group(struct parser *p)
{
    return &p->groups[p->group_count - 1];
}

static void start_group(struct parser *p)
{
    if (grow((void **)&p->groups, &p->group_capacity, p->group_count, sizeof(*p->groups)) != CP_OK) {
        p->status = CP_ERR_NOMEM;
        return;
    }
    p->groups[p->group_count++] = (struct robots_group){0};
}

static void add_token(struct parser *p, struct slice token)
{
    struct robots_group *group = current_group(p);
    char **tokens = array_grow(group->tokens, group->token_count, sizeof(*tokens));
    char *copy = slice_dup(token);
    if (tokens)
        group->tokens = tokens;
    if (!tokens || !copy) {
        free(copy);
        p->status = CP_ERR_NOMEM;
        return;
    }
    for (char *c = copy; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    group->tokens[group->token_count++] = copy;
}

static bool is_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

static void handle_user_agent(struct parser *p, unsigned line, struct slice value)
{
    if (!p->in_group || p->seen_rule)
        start_group(p);
    if (p->status != CP_OK)
        return;
    p->in_group = true;
    p->seen_rule = false;
    /* Google: '*' alone, or followed by a space and anything, names every crawler. */
    if (value.length >= 1 && value.start[0] == '*' && (value.length == 1 || isspace((unsigned char)value.start[1]))) {
        current_group(p)->global = true;
        if (value.length > 1)
            FINDING(p, RULE_ROBOTS_NONSTANDARD_LINE, line,
                    "user-agent '%.*s' is read as '*' (every crawler); write 'User-agent: *' alone", (int)value.length,
                    value.start);
        return;
    }
    struct slice token = {value.start, 0};
    while (token.length < value.length && is_token_char(value.start[token.length]))
        token.length++;
    if (token.length == 0)
        FINDING(p, RULE_ROBOTS_INVALID_LINE, line,
                "user-agent '%.*s' has no product token (letters, '-', '_'), so no crawler matches it",
                (int)value.length, value.start);
    else if (token.length < value.length)
        FINDING(p, RULE_ROBOTS_NONSTANDARD_LINE, line,
                "user-agent '%.*s' is read by Google as the product token '%.*s' (letters, '-', '_'); "
                "crawlers that compare the whole value do not match it",
                (int)value.length, value.start, (int)token.length, token.start);
    add_token(p, token);
}

/* ---- rules ---- */

/* Append a rule (taking over pattern, and text when owns_text) to the current group. Returns its
 * index, or -1 when out of memory (then nothing was taken over). */
static long add_rule(struct parser *p, bool allow, unsigned line, char *pattern, const char *text, bool owns_text)
{
    struct robots *r = p->robots;
    struct robots_group *group = current_group(p);
    uint32_t *group_rules = array_grow(group->rules, group->rule_count, sizeof(*group_rules));
    if (group_rules)
        group->rules = group_rules;
    if (!group_rules || grow((void **)&r->rules, &p->rule_capacity, r->rule_count, sizeof(*r->rules)) != CP_OK) {
        p->status = CP_ERR_NOMEM;
        return -1;
    }
    struct robots_rule *rule = &r->rules[r->rule_count];
    *rule = (struct robots_rule){
        .pattern = pattern, .allow = allow, .line = line, .text = text, .owns_text = owns_text};
    robots_rule_describe(rule);
    group->rules[group->rule_count++] = (uint32_t)r->rule_count;
    return (long)r->rule_count++;
}

/* Google: an Allow ending in "/index.htm..." that does not match also allows its directory,
 * i.e. acts as a second rule "DIRECTORY/$" of the same line. */
static void add_index_html_rule(struct parser *p, unsigned line, const char *pattern, const char *text)
{
    const char *slash = strrchr(pattern, '/');
    if (!slash || strncmp(slash, "/index.htm", 10) != 0)
        return;
    size_t length = (size_t)(slash - pattern) + 1;
    char *directory = malloc(length + 2);
    if (!directory) {
        p->status = CP_ERR_NOMEM;
        return;
    }
    memcpy(directory, pattern, length);
    directory[length] = '$';
    directory[length + 1] = '\0';
    if (add_rule(p, true, line, directory, text, false) < 0) {
        free(directory);
        return;
    }
    FINDING(p, RULE_ROBOTS_NONSTANDARD_LINE, line,
            "Google also allows the directory '%.*s' through this index.html rule; other crawlers do "
            "not: add 'Allow: %s'",
            (int)length, pattern, directory);
}

static bool is_hex_digit(char c)
{
    return isxdigit((unsigned char)c) != 0;
}

/* A '%' that does not start an escape is matched literally by Google; RFC 9309 patterns are
 * percent-encoded, so the author most likely meant something else. */
static void report_bad_escape(struct parser *p, unsigned line, struct slice value)
{
    for (size_t i = 0; i < value.length; i++) {
        if (value.start[i] != '%')
            continue;
        if (i + 2 < value.length && is_hex_digit(value.start[i + 1]) && is_hex_digit(value.start[i + 2])) {
            i += 2;
            continue;
        }
        size_t shown = value.length - i < 3 ? value.length - i : 3;
        FINDING(p, RULE_ROBOTS_NONSTANDARD_LINE, line,
                "'%.*s' is not a percent-escape (%% and two hex digits); Google matches it literally, "
                "write %%25 for a literal '%%'",
                (int)shown, value.start + i);
        return;
    }
}

static void handle_rule(struct parser *p, unsigned line, bool allow, struct slice value, struct slice text)
{
    if (!p->in_group) {
        FINDING(p, RULE_ROBOTS_INVALID_LINE, line,
                "%s rule before any User-agent line applies to no crawler; put it in a group",
                allow ? "Allow" : "Disallow");
        return;
    }
    p->seen_rule = true;
    if (value.length == 0)
        return; /* an empty pattern matches nothing: "Disallow:" allows everything */
    size_t size = value.length * 3 + 1;
    char *pattern = malloc(size);
    char *copy = slice_dup(text);
    if (!pattern || !copy) {
        free(pattern);
        free(copy);
        p->status = CP_ERR_NOMEM;
        return;
    }
    robots_normalize_pattern(value.start, value.length, pattern, size);
    report_bad_escape(p, line, value);
    if (pattern[0] != '/' && pattern[0] != '*')
        FINDING(p, RULE_ROBOTS_INVALID_LINE, line,
                "pattern '%.*s' does not start with '/' or '*', so it matches no URL", (int)value.length, value.start);
    if (add_rule(p, allow, line, pattern, copy, true) < 0) {
        free(pattern);
        free(copy);
        return;
    }
    if (allow)
        add_index_html_rule(p, line, pattern, copy);
}

/* ---- other keys ---- */

/* Remember an absolute sitemap URL once (file order). Takes over url. */
static void add_sitemap(struct parser *p, char *url)
{
    struct sitemap_seen *seen = NULL;
    HASH_FIND_STR(p->sitemaps_seen, url, seen);
    if (seen) {
        free(url);
        return;
    }
    seen = calloc(1, sizeof(*seen));
    struct robots *r = p->robots;
    if (!seen || grow((void **)&r->sitemaps, &p->sitemap_capacity, r->sitemap_count, sizeof(*r->sitemaps)) != CP_OK) {
        free(url);
        free(seen);
        p->status = CP_ERR_NOMEM;
        return;
    }
    r->sitemaps[r->sitemap_count++] = url;
    seen->url = url;
    HASH_ADD_KEYPTR(hh, p->sitemaps_seen, seen->url, strlen(seen->url), seen);
}

static void handle_sitemap(struct parser *p, unsigned line, struct slice value)
{
    if (value.length == 0) {
        FINDING(p, RULE_ROBOTS_SITEMAP_INVALID, line, "Sitemap: line without a URL");
        return;
    }
    struct url url;
    enum url_error error = url_parse(value.start, value.length, NULL, NULL, &url);
    if (error == URL_ERR_NOMEM) {
        p->status = CP_ERR_NOMEM;
        return;
    }
    if (error == URL_ERR_MISSING_SCHEME)
        FINDING(p, RULE_ROBOTS_SITEMAP_INVALID, line,
                "Sitemap: '%.*s' is relative; crawlers only use absolute URLs (https://host/path)", (int)value.length,
                value.start);
    else if (error != URL_OK)
        FINDING(p, RULE_ROBOTS_SITEMAP_INVALID, line, "Sitemap: '%.*s' is not a valid URL: %s", (int)value.length,
                value.start, url_error_string(error));
    else if (!url_is_crawlable(&url))
        FINDING(p, RULE_ROBOTS_SITEMAP_INVALID, line, "Sitemap: '%.*s' is not an http(s) URL; crawlers ignore it",
                (int)value.length, value.start);
    if (error != URL_OK)
        return;
    if (url_is_crawlable(&url)) {
        add_sitemap(p, url.href); /* the parsed serialisation, so spellings of one URL merge */
        url.href = NULL;
    }
    url_free(&url);
}

static void handle_crawl_delay(struct parser *p, unsigned line, struct slice value)
{
    if (!p->in_group) {
        FINDING(p, RULE_ROBOTS_INVALID_LINE, line,
                "Crawl-delay before any User-agent line applies to no crawler; put it in a group");
        return;
    }
    char text[64];
    char *end = NULL;
    double seconds = -1;
    if (value.length > 0 && value.length < sizeof(text)) {
        memcpy(text, value.start, value.length);
        text[value.length] = '\0';
        seconds = strtod(text, &end);
    }
    if (!end || *end != '\0' || !isfinite(seconds) || seconds < 0 || isdigit((unsigned char)text[0]) == 0) {
        FINDING(p, RULE_ROBOTS_INVALID_LINE, line, "Crawl-delay '%.*s' is not a number of seconds", (int)value.length,
                value.start);
        return;
    }
    FINDING(p, RULE_ROBOTS_UNSUPPORTED_RULE, line,
            "Crawl-delay is not part of RFC 9309 and Google ignores it (crawlpack and some other "
            "crawlers honour it)");
    struct robots_group *group = current_group(p);
    if (!group->has_crawl_delay) {
        group->has_crawl_delay = true;
        group->crawl_delay = seconds;
    }
}

/* ---- lines ---- */

/* Split a trimmed line into key and value as Google does: at the first ':', or, when there is no
 * colon, at a run of blanks between exactly two words. Returns false when the line has neither. */
static bool split_line(struct slice line, struct slice *key, struct slice *value, bool *missing_colon)
{
    const char *colon = memchr(line.start, ':', line.length);
    *missing_colon = colon == NULL;
    const char *separator = colon;
    const char *value_start;
    if (colon) {
        value_start = colon + 1;
    } else {
        separator = line.start;
        while (separator < line.start + line.length && *separator != ' ' && *separator != '\t')
            separator++;
        if (separator == line.start + line.length)
            return false;
        value_start = separator;
        while (*value_start == ' ' || *value_start == '\t')
            value_start++;
        for (const char *c = value_start; c < line.start + line.length; c++)
            if (*c == ' ' || *c == '\t')
                return false;
    }
    *key = trim((struct slice){line.start, (size_t)(separator - line.start)});
    *value = trim((struct slice){value_start, (size_t)(line.start + line.length - value_start)});
    return true;
}

static void report_key_tolerance(struct parser *p, unsigned line, enum key_kind kind, struct slice key, bool typo,
                                 bool missing_colon)
{
    const char *name = canonical_key_names[kind];
    if (typo && missing_colon)
        FINDING(p, RULE_ROBOTS_TOLERATED_TYPO, line,
                "'%.*s' without ':' is read as '%s:' by Google only; other crawlers skip this line", (int)key.length,
                key.start, name);
    else if (typo)
        FINDING(p, RULE_ROBOTS_TOLERATED_TYPO, line,
                "'%.*s' is read as '%s' by Google only; other crawlers skip this line", (int)key.length, key.start,
                name);
    else if (missing_colon)
        FINDING(p, RULE_ROBOTS_TOLERATED_TYPO, line,
                "no ':' after '%.*s'; Google reads the line anyway, other crawlers skip it", (int)key.length,
                key.start);
}

static void parse_line(struct parser *p, unsigned line, struct slice raw, bool cut)
{
    const char *nul = memchr(raw.start, '\0', raw.length);
    if (nul)
        raw.length = (size_t)(nul - raw.start); /* Google's parser stops reading a line at a NUL */
    const char *comment = memchr(raw.start, '#', raw.length);
    if (comment)
        raw.length = (size_t)(comment - raw.start);
    struct slice text = trim(raw);
    if (cut && !comment && text.length > 0) /* cutting a comment changes nothing */
        FINDING(p, RULE_ROBOTS_NONSTANDARD_LINE, line,
                "line longer than %u bytes; Google reads only its first %u bytes and ignores the rest",
                ROBOTS_MAX_LINE_BYTES, ROBOTS_MAX_LINE_BYTES);
    if (text.length == 0)
        return;
    struct slice key, value;
    bool missing_colon;
    if (!split_line(text, &key, &value, &missing_colon)) {
        FINDING(p, RULE_ROBOTS_INVALID_LINE, line, "no ':' between key and value; crawlers skip '%.*s'",
                (int)(text.length > 80 ? 80 : text.length), text.start);
        return;
    }
    if (key.length == 0) {
        FINDING(p, RULE_ROBOTS_INVALID_LINE, line, "line without a key before ':'");
        return;
    }
    bool typo;
    enum key_kind kind = classify_key(key, &typo);
    if (kind <= KEY_SITEMAP)
        report_key_tolerance(p, line, kind, key, typo, missing_colon);
    switch (kind) {
    case KEY_USER_AGENT: handle_user_agent(p, line, value); break;
    case KEY_ALLOW: handle_rule(p, line, true, value, text); break;
    case KEY_DISALLOW: handle_rule(p, line, false, value, text); break;
    case KEY_SITEMAP: handle_sitemap(p, line, value); break;
    case KEY_CRAWL_DELAY: handle_crawl_delay(p, line, value); break;
    case KEY_UNSUPPORTED:
        FINDING(p, RULE_ROBOTS_UNSUPPORTED_RULE, line, "'%.*s:' is not part of RFC 9309 and Google ignores it",
                (int)key.length, key.start);
        break;
    case KEY_UNKNOWN:
        if ((slice_equals(key, "http") || slice_equals(key, "https")) && value.length > 2 && value.start[0] == '/' &&
            value.start[1] == '/') {
            FINDING(p, RULE_ROBOTS_INVALID_LINE, line,
                    "a bare URL is not a directive; crawlers skip it (for a sitemap write 'Sitemap: %.*s')",
                    (int)text.length, text.start);
            break;
        }
        FINDING(p, RULE_ROBOTS_INVALID_LINE, line, "unknown key '%.*s'; crawlers skip this line",
                (int)(key.length > 80 ? 80 : key.length), key.start);
        break;
    }
}

/* Cut the body into lines at LF, CR or CRLF, as Google does, and parse each. Returns the number of
 * the last line. */
static unsigned parse_lines(struct parser *p, const char *body, size_t length)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    size_t i = 0;
    /* Google skips any leading part of a UTF-8 byte order mark. */
    while (i < length && i < 3 && (unsigned char)body[i] == bom[i])
        i++;
    unsigned line = 0;
    bool after_cr = false;
    size_t start = i;
    for (; i < length && p->status == CP_OK; i++) {
        char c = body[i];
        if (c != '\n' && c != '\r')
            continue;
        if (!(c == '\n' && after_cr && i == start)) {
            size_t n = i - start;
            parse_line(p, ++line, (struct slice){body + start, n > ROBOTS_MAX_LINE_BYTES ? ROBOTS_MAX_LINE_BYTES : n},
                       n > ROBOTS_MAX_LINE_BYTES);
        }
        after_cr = c == '\r';
        start = i + 1;
    }
    if (p->status == CP_OK && start < length) {
        size_t n = length - start;
        parse_line(p, ++line, (struct slice){body + start, n > ROBOTS_MAX_LINE_BYTES ? ROBOTS_MAX_LINE_BYTES : n},
                   n > ROBOTS_MAX_LINE_BYTES);
    }
    return line;
}

static bool is_utf16(const char *body, size_t length)
{
    if (length < 2)
        return false;
    unsigned char a = (unsigned char)body[0], b = (unsigned char)body[1];
    return (a == 0xFF && b == 0xFE) || (a == 0xFE && b == 0xFF);
}

static void free_parser(struct parser *p)
{
    for (size_t g = 0; g < p->group_count; g++) {
        for (size_t t = 0; t < p->groups[g].token_count; t++)
            free(p->groups[g].tokens[t]);
        free(p->groups[g].tokens);
        free(p->groups[g].rules);
    }
    free(p->groups);
    struct sitemap_seen *seen, *next;
    HASH_ITER(hh, p->sitemaps_seen, seen, next)
    {
        HASH_DEL(p->sitemaps_seen, seen);
        free(seen);
    }
}

int robots_parse(const char *body, size_t length, const char *source, struct robots **out,
                 struct finding_list *findings)
{
    *out = NULL;
    struct parser p = {.findings = findings, .source = source};
    p.robots = calloc(1, sizeof(*p.robots));
    if (!p.robots)
        return CP_ERR_NOMEM;
    size_t readable = length > ROBOTS_MAX_BYTES ? ROBOTS_MAX_BYTES : length;
    if (is_utf16(body, length)) {
        FINDING(&p, RULE_ROBOTS_INVALID_LINE, 1,
                "the file is UTF-16 (byte order mark %02X %02X); robots.txt must be UTF-8, so "
                "crawlers read no rule from it",
                (unsigned char)body[0], (unsigned char)body[1]);
    } else if (text_looks_binary((const unsigned char *)body, readable)) {
        /* One finding instead of a lint of every "line" of an image or an executable. */
        char what[64];
        FINDING(&p, RULE_ROBOTS_BINARY, 1, "not a robots.txt: binary content (%s); crawlers read no rule from it",
                text_describe_binary((const unsigned char *)body, readable, what, sizeof what));
    } else {
        unsigned last_line = parse_lines(&p, body, readable);
        if (length > readable)
            FINDING(&p, RULE_ROBOTS_TOO_LARGE, last_line,
                    "robots.txt is larger than %u bytes (500 KiB); Google ignores everything after "
                    "this line",
                    ROBOTS_MAX_BYTES);
    }
    if (p.status == CP_OK)
        p.status = robots_compile(p.robots, p.groups, p.group_count);
    free_parser(&p);
    if (p.status != CP_OK) {
        robots_free(p.robots);
        return p.status;
    }
    *out = p.robots;
    return CP_OK;
}
