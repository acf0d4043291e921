/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/validate: the sitemap protocol's rules, one function each (see validate.h). */
#include "sitemap/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/error.h"
#include "sitemap/datetime.h"
#include "sitemap/url_set.h"

/* Values are quoted in messages; very long ones are cut so a line stays readable. */
#define QUOTE_MAX 200
/* A date-only lastmod has no time zone: it may be up to 14 hours ahead of UTC. */
#define DATE_ONLY_SLACK_SECONDS (14 * 3600)

static void quote(char *dst, size_t size, const char *text, size_t length)
{
    if (length > QUOTE_MAX)
        snprintf(dst, size, "'%.*s...'", QUOTE_MAX, text);
    else
        snprintf(dst, size, "'%.*s'", (int)length, text);
}

static struct finding *add(struct sitemap_file_check *file, enum rule_id rule, const char *url, unsigned line,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct finding *add(struct sitemap_file_check *file, enum rule_id rule, const char *url, unsigned line,
                           const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    struct finding *f = findings_add(file->checker->findings, rule, url, file->name, line, "%s", message);
    if (!f)
        file->status = CP_ERR_NOMEM;
    return f;
}

/* A field's text trimmed and NUL-terminated in place (the parser's scratch buffer). */
static const char *field_text(struct sitemap_field *field, size_t *length)
{
    if (!field->text.data) {
        *length = 0;
        return "";
    }
    *length = field->text.len;
    char *text = (char *)sitemap_trim(field->text.data, length);
    text[*length] = 0;
    return text;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Characters a URL must not hold unescaped: controls, space, non-ASCII and <>"{}|\^` (RFC 3986
 * leaves them out of every production). Plain comparisons, no library call: <loc> checking is on
 * the hot path of a 50,000-URL file. */
static inline bool needs_escaping(unsigned char c)
{
    return c <= 0x20 || c >= 0x7F || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' ||
           c == '\\' || c == '^' || c == '`';
}

/* "Badly escaped": the protocol wants URLs percent-encoded (and entity-escaped in the XML). */
static bool check_escaping(const char *text, size_t length, char *reason, size_t size)
{
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!needs_escaping(c) && c != '%')
            continue;
        if (c <= 0x20 || c == 0x7F) {
            snprintf(reason, size, "contains a space or control character at position %zu (percent-encode it)", i + 1);
            return false;
        }
        if (c >= 0x80) {
            snprintf(reason, size, "contains non-ASCII characters (percent-encode them as UTF-8)");
            return false;
        }
        if (strchr("<>\"{}|\\^`", c)) {
            snprintf(reason, size, "contains '%c', which must be percent-encoded", c);
            return false;
        }
        if (c == '%' && (i + 2 >= length || !is_hex(text[i + 1]) || !is_hex(text[i + 2]))) {
            snprintf(reason, size, "has a '%%' not followed by two hex digits");
            return false;
        }
    }
    return true;
}

bool sitemap_validate_loc(const char *text, size_t length, bool truncated, struct url *out, char *reason, size_t size)
{
    memset(out, 0, sizeof *out);
    if (length == 0) {
        snprintf(reason, size, "is empty");
        return false;
    }
    if (truncated || length >= SITEMAP_MAX_LOC_LENGTH) {
        snprintf(reason, size, "is %s%zu characters long (must be shorter than %d)", truncated ? "over " : "", length,
                 SITEMAP_MAX_LOC_LENGTH);
        return false;
    }
    if (!check_escaping(text, length, reason, size))
        return false;
    struct url_parse_options options = {.max_length = SITEMAP_MAX_LOC_LENGTH};
    enum url_error error = url_parse(text, length, NULL, &options, out);
    if (error == URL_ERR_MISSING_SCHEME) {
        snprintf(reason, size, "is relative (a sitemap needs absolute URLs)");
        return false;
    }
    if (error != URL_OK) {
        snprintf(reason, size, "is not a valid URL: %s", url_error_string(error));
        return false;
    }
    if (!url_is_crawlable(out)) {
        url_free(out);
        snprintf(reason, size, "is not an http or https URL");
        return false;
    }
    return true;
}

/* ---- per-entry rules ---- */

enum scope {
    SCOPE_IN,
    SCOPE_OUTSIDE_DIRECTORY, /* same origin as the file, outside its directory, nothing vouches */
    SCOPE_OTHER_ORIGIN,      /* another origin that does not vouch for the file */
};

static bool origin_vouches(const struct sitemap_file_check *file, const struct url *url)
{
    char origin[1024];
    if (url_origin(url, origin, sizeof origin) < 0)
        return false;
    for (size_t i = 0; i < file->robots_origin_count; i++)
        if (strcmp(file->robots_origins[i], origin) == 0)
            return true;
    return false;
}

/* A URL of an origin that vouches for the file (its robots.txt names the file or an index above
 * it) is in scope wherever it is; otherwise the protocol's rule: same origin, and (for a urlset)
 * at or below the file's directory. */
static enum scope scope_of(const struct sitemap_file_check *file, const struct url *url, bool check_directory)
{
    if (!file->have_url || origin_vouches(file, url))
        return SCOPE_IN;
    if (!url_same_origin(&file->sitemap_url, url))
        return SCOPE_OTHER_ORIGIN;
    const char *directory = url_part_start(&file->sitemap_url, file->sitemap_url.pathname);
    const char *path = url_part_start(url, url->pathname);
    bool below = url->pathname.length >= file->scope_directory_length &&
                 memcmp(path, directory, file->scope_directory_length) == 0;
    return !check_directory || below ? SCOPE_IN : SCOPE_OUTSIDE_DIRECTORY;
}

static void report_scope(struct sitemap_file_check *file, const struct url *url, enum scope scope, unsigned line)
{
    const char *sitemap = file->sitemap_url.href;
    char origin[1024] = "";
    if (scope == SCOPE_OTHER_ORIGIN) {
        if (url_origin(url, origin, sizeof origin) < 0)
            origin[0] = 0;
        add(file, RULE_SITEMAP_LOC_OTHER_ORIGIN, url->href, line,
            "'%s' is on another scheme, host or port than the sitemap %s, and %s/robots.txt names neither this "
            "sitemap nor an index listing it",
            url->href, sitemap, origin);
        return;
    }
    if (url_origin(&file->sitemap_url, origin, sizeof origin) < 0)
        origin[0] = 0;
    /* The fix names the file to declare: the outermost index above a child (its authority passes
     * down), else the sitemap itself. */
    const struct sitemap_checker *checker = file->checker;
    const char *declare = file->origin == SITEMAP_ORIGIN_INDEX && checker->index_depth > 1 && checker->index_stack[0]
                              ? checker->index_stack[0]
                              : sitemap;
    add(file, RULE_SITEMAP_LOC_OUT_OF_SCOPE, url->href, line,
        "'%s' is outside the sitemap's directory %.*s (sitemap %s), and no robots.txt names this sitemap or an index "
        "listing it; add 'Sitemap: %s' to %s/robots.txt (a sitemap named there may list any URL of its host), or "
        "move the sitemap to the site root",
        url->href, (int)file->scope_directory_length, url_part_start(&file->sitemap_url, file->sitemap_url.pathname),
        sitemap, declare, origin);
}

static bool check_lastmod(struct sitemap_file_check *file, struct sitemap_field *field, const char *url,
                          const char **value, time_t *time_out)
{
    size_t length;
    const char *text = field_text(field, &length);
    char quoted[QUOTE_MAX + 8];
    *value = text;
    struct w3c_datetime when = {0};
    bool valid = w3c_datetime_parse(text, length, &when);
    time_t slack = when.has_time ? 0 : DATE_ONLY_SLACK_SECONDS;
    if (!valid || when.start > file->checker->options.now + slack)
        quote(quoted, sizeof quoted, text, length);
    if (!valid) {
        add(file, RULE_SITEMAP_LASTMOD_INVALID, url, field->line,
            "lastmod %s is not a W3C Datetime (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm)", quoted);
        return false;
    }
    if (when.start > file->checker->options.now + slack)
        add(file, RULE_SITEMAP_LASTMOD_FUTURE, url, field->line, "lastmod %s is in the future", quoted);
    *time_out = when.start;
    /* Uniformity: compare every lastmod with the file's first one. */
    if (file->lastmod_count++ == 0) {
        file->first_lastmod = strndup(text, length);
        if (!file->first_lastmod)
            file->status = CP_ERR_NOMEM;
    } else if (!file->lastmod_differs && file->first_lastmod &&
               (strlen(file->first_lastmod) != length || memcmp(file->first_lastmod, text, length) != 0)) {
        file->lastmod_differs = true;
    }
    return true;
}

static const char *check_changefreq(struct sitemap_file_check *file, struct sitemap_field *field, const char *url)
{
    static const char *const words[] = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"};
    size_t length;
    const char *text = field_text(field, &length);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == length && memcmp(words[i], text, length) == 0)
            return text;
    char quoted[QUOTE_MAX + 8];
    quote(quoted, sizeof quoted, text, length);
    add(file, RULE_SITEMAP_CHANGEFREQ_INVALID, url, field->line,
        "changefreq %s is not one of always, hourly, daily, weekly, monthly, yearly, never", quoted);
    return text;
}

/* xsd:decimal between 0.0 and 1.0: digits with an optional fraction. */
static bool check_priority(struct sitemap_file_check *file, struct sitemap_field *field, const char *url, double *value)
{
    size_t length;
    const char *text = field_text(field, &length);
    size_t i = 0, int_digits = 0, fraction_digits = 0;
    double number = 0, scale = 1;
    while (i < length && text[i] >= '0' && text[i] <= '9')
        number = number * 10 + (text[i++] - '0'), int_digits++;
    if (i < length && text[i] == '.')
        for (i++; i < length && text[i] >= '0' && text[i] <= '9'; i++)
            scale /= 10, number += (text[i] - '0') * scale, fraction_digits++;
    if (i == length && int_digits + fraction_digits > 0 && number <= 1.0) {
        *value = number;
        return true;
    }
    char quoted[QUOTE_MAX + 8];
    quote(quoted, sizeof quoted, text, length);
    add(file, RULE_SITEMAP_PRIORITY_INVALID, url, field->line, "priority %s is not a number from 0.0 to 1.0", quoted);
    return false;
}

static int deliver_entry(struct sitemap_file_check *file, struct sitemap_record *r, const struct url *url,
                         const char *loc, bool scoped, struct sitemap_entry *entry)
{
    struct sitemap_checker *checker = file->checker;
    /* url_identity only drops the fragment, normalises percent-escapes and strips the configured
     * query parameters (web/url.h); when none of these can apply, the identity is the href and
     * the copy is skipped (this runs once per URL of every sitemap). */
    char *identity = NULL;
    const struct url_identity_options *options = checker->options.identity;
    bool identity_is_href = url->hash.length == 0 && !url->username.length && !url->password.length &&
                            (!options || options->strip_param_count == 0) && !memchr(url->href, '%', url->href_length);
    if (identity_is_href)
        identity = url->href;
    else if (url_identity(url, options, &identity) != URL_OK) {
        file->status = CP_ERR_NOMEM;
        return 1;
    }
    int added = url_hash_set_insert(&checker->seen_urls, sitemap_url_hash(identity, strlen(identity)));
    if (added < 0) {
        file->status = CP_ERR_NOMEM;
        if (!identity_is_href)
            free(identity);
        return 1;
    }
    if (added == 0)
        add(file, RULE_SITEMAP_DUPLICATE_URL, identity, r->loc.line, "'%s' is listed more than once in these sitemaps",
            identity);
    int stop = 0;
    if (checker->on_entry) {
        struct sitemap_alternate alternates[SITEMAP_MAX_ALTERNATES];
        for (size_t i = 0; i < r->alternate_count; i++) {
            struct sitemap_field href = {.text = r->alternates[i].href};
            size_t length;
            alternates[i] = (struct sitemap_alternate){buf_str(&r->alternates[i].hreflang), field_text(&href, &length),
                                                       r->alternates[i].line};
        }
        entry->url = identity;
        entry->loc = loc;
        entry->sitemap = file->name;
        entry->line = r->loc.line;
        entry->alternates = alternates;
        entry->alternate_count = r->alternate_count;
        entry->image_count = r->image_count;
        entry->video_count = r->video_count;
        entry->news_count = r->news_count;
        entry->in_scope = scoped;
        stop = checker->on_entry(entry, checker->context);
    }
    if (!identity_is_href)
        free(identity);
    return stop;
}

/* The run's entry budget: the first entry over it stops this file (and, through urls_capped, every
 * later one) with one finding. */
static bool over_url_budget(struct sitemap_file_check *file, const struct sitemap_record *r)
{
    struct sitemap_checker *checker = file->checker;
    size_t max = checker->options.max_urls ? checker->options.max_urls : SITEMAP_DEFAULT_MAX_URLS;
    if (file->kind == SITEMAP_KIND_INDEX || checker->urls < max)
        return false;
    if (!checker->urls_capped)
        add(file, RULE_SITEMAP_URLS_CAPPED, NULL, r->line,
            "%zu sitemap entries read in this run (--max-sitemap-urls): the rest of this sitemap and every "
            "later one were not read",
            checker->urls);
    checker->urls_capped = true;
    return true;
}

static int record_callback(void *context, struct sitemap_record *r)
{
    struct sitemap_file_check *file = context;
    if (over_url_budget(file, r))
        return 1;
    file->entries++;
    file->checker->urls += file->kind != SITEMAP_KIND_INDEX;
    struct sitemap_entry entry = {.priority = 0.5};
    /* <loc> is checked first: its text is the URL other findings name. */
    size_t loc_length;
    const char *loc = field_text(&r->loc, &loc_length);
    const char *finding_url = loc_length ? loc : NULL;
    struct url url;
    bool valid = false;
    const char *entry_word = file->kind == SITEMAP_KIND_INDEX ? "<sitemap>" : "<url>";
    if (!r->loc.present) {
        add(file, RULE_SITEMAP_LOC_INVALID, NULL, r->line, "%s has no <loc>", entry_word);
    } else {
        char reason[256], quoted[QUOTE_MAX + 8];
        valid = sitemap_validate_loc(loc, loc_length, r->loc.truncated, &url, reason, sizeof reason);
        if (!valid) {
            quote(quoted, sizeof quoted, loc, loc_length);
            add(file, RULE_SITEMAP_LOC_INVALID, finding_url, r->loc.line, "loc %s %s", quoted, reason);
        }
    }
    if (r->lastmod.present)
        entry.lastmod_valid = check_lastmod(file, &r->lastmod, finding_url, &entry.lastmod, &entry.lastmod_time);
    if (r->changefreq.present)
        entry.changefreq = check_changefreq(file, &r->changefreq, finding_url);
    if (r->priority.present)
        entry.priority_valid = check_priority(file, &r->priority, finding_url, &entry.priority);
    if (!valid)
        return file->status != CP_OK;
    bool is_index = file->kind == SITEMAP_KIND_INDEX;
    enum scope scope = scope_of(file, &url, !is_index);
    bool scoped = scope == SCOPE_IN;
    if (!scoped)
        report_scope(file, &url, scope, r->loc.line);
    int stop = is_index ? (file->on_child ? file->on_child(file, &url, r->loc.line) : 0)
                        : deliver_entry(file, r, &url, loc, scoped, &entry);
    url_free(&url);
    return stop || file->status != CP_OK;
}

/* ---- extensions ---- */

static void extension_callback(void *context, const struct sitemap_extension *e)
{
    struct sitemap_file_check *file = context;
    char missing[160] = "";
    size_t used = 0;
#define REQUIRE(condition, name) \
    if (!(condition))            \
        used += (size_t)snprintf(missing + used, sizeof missing - used, "%s%s", used ? ", " : "", name);
    switch (e->kind) {
    case SITEMAP_EXT_IMAGE:
        file->images++;
        REQUIRE(e->children & EXT_CHILD_LOC, "image:loc");
        break;
    case SITEMAP_EXT_VIDEO:
        file->videos++;
        REQUIRE(e->children & EXT_CHILD_THUMBNAIL_LOC, "video:thumbnail_loc");
        REQUIRE(e->children & EXT_CHILD_TITLE, "video:title");
        REQUIRE(e->children & EXT_CHILD_DESCRIPTION, "video:description");
        REQUIRE(e->children & (EXT_CHILD_CONTENT_LOC | EXT_CHILD_PLAYER_LOC), "video:content_loc or video:player_loc");
        break;
    case SITEMAP_EXT_NEWS:
        file->news++;
        REQUIRE(e->children & EXT_CHILD_PUBLICATION, "news:publication");
        REQUIRE(e->children & EXT_CHILD_NAME, "news:name");
        REQUIRE(e->children & EXT_CHILD_LANGUAGE, "news:language");
        REQUIRE(e->children & EXT_CHILD_PUBLICATION_DATE, "news:publication_date");
        REQUIRE(e->children & EXT_CHILD_TITLE, "news:title");
        break;
    }
#undef REQUIRE
    static const char *const names[] = {"image:image", "video:video", "news:news"};
    if (used)
        add(file, RULE_SITEMAP_EXTENSION_INVALID, NULL, e->line, "%s lacks %s", names[e->kind], missing);
    if (e->kind != SITEMAP_EXT_NEWS || !e->publication_date)
        return;
    size_t length = e->publication_date->text.len;
    const char *text = sitemap_trim(buf_str(&e->publication_date->text), &length);
    char quoted[QUOTE_MAX + 8];
    quote(quoted, sizeof quoted, text, length);
    struct w3c_datetime when;
    if (!w3c_datetime_parse(text, length, &when))
        add(file, RULE_SITEMAP_EXTENSION_INVALID, NULL, e->publication_date->line,
            "news:publication_date %s is not a W3C Datetime", quoted);
    else if (when.start + (when.has_time ? 0 : 86400) < file->checker->options.now - SITEMAP_NEWS_WINDOW_SECONDS)
        add(file, RULE_SITEMAP_NEWS_TOO_OLD, NULL, e->publication_date->line,
            "news:publication_date %s is more than two days before now", quoted);
}

/* ---- document level ---- */

static int root_callback(void *context, enum sitemap_kind kind, const char *name, const char *ns, unsigned line)
{
    struct sitemap_file_check *file = context;
    file->kind = kind;
    file->root_line = line;
    if (kind == SITEMAP_KIND_UNKNOWN) {
        add(file, RULE_SITEMAP_BAD_NAMESPACE, NULL, line,
            "root element <%s> is not a sitemap: expected <urlset> or <sitemapindex> in %s", name, SITEMAP_NAMESPACE);
        file->problem_reported = true;
        return 1;
    }
    if (kind != SITEMAP_KIND_TEXT && (!ns || strcmp(ns, SITEMAP_NAMESPACE) != 0)) {
        if (ns)
            add(file, RULE_SITEMAP_BAD_NAMESPACE, NULL, line, "<%s> is in namespace '%s', not %s", name, ns,
                SITEMAP_NAMESPACE);
        else
            add(file, RULE_SITEMAP_BAD_NAMESPACE, NULL, line, "<%s> has no namespace (expected xmlns=\"%s\")", name,
                SITEMAP_NAMESPACE);
    }
    struct sitemap_checker *checker = file->checker;
    if (kind == SITEMAP_KIND_INDEX && file->origin == SITEMAP_ORIGIN_INDEX && checker->on_child)
        add(file, RULE_SITEMAP_INDEX_NESTED, file->have_url ? file->sitemap_url.href : NULL, line,
            "this sitemap index is a child of another index (an index may list only sitemaps)");
    unsigned max_depth = checker->options.max_index_depth ? checker->options.max_index_depth
                                                          : SITEMAP_DEFAULT_MAX_INDEX_DEPTH;
    if (kind == SITEMAP_KIND_INDEX && checker->index_depth > max_depth + 1) {
        add(file, RULE_SITEMAP_INDEX_NESTED, NULL, line,
            "sitemap index nested deeper than %u level%s below the top index; its children are not followed", max_depth,
            max_depth == 1 ? "" : "s");
        file->problem_reported = true;
        return 1;
    }
    return 0;
}

static void problem_callback(void *context, enum rule_id rule, unsigned line, unsigned column, const char *message)
{
    struct sitemap_file_check *file = context;
    struct finding *f = add(file, rule, NULL, line, "%s", message);
    if (f)
        f->column = column;
    file->problem_reported = true;
    file->binary |= rule == RULE_SITEMAP_BINARY;
}

void sitemap_validate_handler(struct sitemap_file_check *file, struct sitemap_parse_handler *handler)
{
    handler->context = file;
    handler->root = root_callback;
    handler->record = record_callback;
    handler->extension = extension_callback;
    handler->problem = problem_callback;
}

static int find_robots_origins(struct sitemap_file_check *file)
{
    const struct sitemap_options *o = &file->checker->options;
    for (size_t i = 0; i < o->robots_count; i++)
        for (size_t j = 0; j < o->robots[i].sitemap_count; j++) {
            struct url declared;
            if (url_parse_str(o->robots[i].sitemaps[j], NULL, &declared) != URL_OK)
                continue;
            bool same = strcmp(declared.href, file->sitemap_url.href) == 0;
            url_free(&declared);
            if (!same)
                continue;
            char **grown = array_grow(file->robots_origins, file->robots_origin_count, sizeof *grown);
            if (!grown)
                return CP_ERR_NOMEM;
            file->robots_origins = grown;
            if (!(grown[file->robots_origin_count] = strdup(o->robots[i].origin)))
                return CP_ERR_NOMEM;
            file->robots_origin_count++;
            break;
        }
    file->declared_origin_count = file->robots_origin_count;
    return CP_OK;
}

int sitemap_validate_inherit(struct sitemap_file_check *file, char *const *origins, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        bool known = false;
        for (size_t j = 0; j < file->robots_origin_count && !known; j++)
            known = strcmp(file->robots_origins[j], origins[i]) == 0;
        if (known)
            continue;
        char **grown = array_grow(file->robots_origins, file->robots_origin_count, sizeof *grown);
        if (!grown)
            return CP_ERR_NOMEM;
        file->robots_origins = grown;
        if (!(grown[file->robots_origin_count] = strdup(origins[i])))
            return CP_ERR_NOMEM;
        file->robots_origin_count++;
    }
    return CP_OK;
}

int sitemap_validate_begin(struct sitemap_file_check *file, struct sitemap_checker *checker, const char *name,
                           const char *sitemap_url, enum sitemap_origin origin)
{
    memset(file, 0, sizeof *file);
    file->checker = checker;
    file->name = name;
    file->origin = origin;
    if (sitemap_url && url_parse_str(sitemap_url, NULL, &file->sitemap_url) == URL_OK) {
        file->have_url = true;
        const char *path = url_part_start(&file->sitemap_url, file->sitemap_url.pathname);
        size_t length = file->sitemap_url.pathname.length;
        while (length && path[length - 1] != '/')
            length--;
        file->scope_directory_length = length;
        return find_robots_origins(file);
    }
    return CP_OK;
}

/* sitemap-not-in-robots: only when the caller read the robots.txt of the sitemap's own origin. */
static void check_robots_declaration(struct sitemap_file_check *file)
{
    const struct sitemap_options *o = &file->checker->options;
    if (!file->have_url || file->origin == SITEMAP_ORIGIN_INDEX || file->origin == SITEMAP_ORIGIN_ROBOTS)
        return;
    char origin[1024];
    if (url_origin(&file->sitemap_url, origin, sizeof origin) < 0)
        return;
    const struct sitemap_robots_declaration *robots = NULL;
    for (size_t i = 0; i < o->robots_count && !robots; i++)
        if (strcmp(o->robots[i].origin, origin) == 0)
            robots = &o->robots[i];
    for (size_t i = 0; i < file->declared_origin_count; i++)
        if (strcmp(file->robots_origins[i], origin) == 0)
            return;
    if (robots && robots->status >= 400) /* no robots.txt to declare it in: say so */
        add(file, RULE_SITEMAP_NOT_IN_ROBOTS, file->sitemap_url.href, 0,
            "%s is not declared by a Sitemap: line: %s/robots.txt answered %ld", file->sitemap_url.href, origin,
            robots->status);
    else if (robots)
        add(file, RULE_SITEMAP_NOT_IN_ROBOTS, file->sitemap_url.href, 0,
            "%s is not declared by a Sitemap: line in %s/robots.txt", file->sitemap_url.href, origin);
}

void sitemap_validate_end(struct sitemap_file_check *file)
{
    bool is_sitemap = file->kind == SITEMAP_KIND_URLSET || file->kind == SITEMAP_KIND_INDEX ||
                      file->kind == SITEMAP_KIND_TEXT;
    const char *what = file->kind == SITEMAP_KIND_INDEX ? "sitemaps" : "URLs";
    if (is_sitemap && file->entries == 0 && !file->problem_reported)
        add(file, RULE_SITEMAP_EMPTY, NULL, file->root_line, "the sitemap lists no %s", what);
    if (file->entries > SITEMAP_MAX_URLS)
        add(file, RULE_SITEMAP_TOO_MANY_URLS, NULL, file->root_line, "the sitemap lists %zu %s (at most %d allowed)",
            file->entries, what, SITEMAP_MAX_URLS);
    if (file->lastmod_count >= 2 && file->lastmod_count == file->entries && !file->lastmod_differs)
        add(file, RULE_SITEMAP_LASTMOD_UNIFORM, NULL, file->root_line, "all %zu entries have the same lastmod '%s'",
            file->lastmod_count, file->first_lastmod);
    if (file->news > SITEMAP_MAX_NEWS)
        add(file, RULE_SITEMAP_NEWS_TOO_MANY, NULL, file->root_line,
            "the sitemap has %zu news:news entries (at most %d)", file->news, SITEMAP_MAX_NEWS);
    if (is_sitemap)
        check_robots_declaration(file);
    free(file->first_lastmod);
    for (size_t i = 0; i < file->robots_origin_count; i++)
        free(file->robots_origins[i]);
    free(file->robots_origins);
    url_hash_set_free(&file->children);
    url_free(&file->sitemap_url);
}
