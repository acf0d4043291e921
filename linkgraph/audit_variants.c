/* SPDX-License-Identifier: Apache-2.0 */
/* linkgraph/audit_variants: duplicate-url-variants — URLs that differ only by path case, a trailing
 * slash, an index file name or the order of query parameters, all answering 200, with no canonical
 * that unites them.
 *
 * The crawl identity keeps these apart on purpose (servers may treat them as different resources;
 * web/url.h), so here each 200 page gets a variant key — its origin, its path lower-cased
 * without an index file name or trailing slash, and its query parameters sorted — and pages sharing
 * a key form a group. Two index names in one folder cannot both be its index: when a group holds
 * more than one index file name (topics/auth/default.html and topics/auth/index.html, as Sphinx
 * writes them), it is split by body (audit_page_facts.body_hash): different bodies are different
 * documents, not variants of one.
 * A group is united when every member's canonical chain ends at the same page. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "web/url.h"
#include "linkgraph/audit_internal.h"

/* Last path segments that servers commonly answer for the directory itself. */
static const char *const index_names[] = {
    "index.html", "index.htm",    "index.php",   "index.shtml", "index.asp",    "index.aspx",
    "index.jsp",  "default.html", "default.htm", "default.asp", "default.aspx",
};

/* Differences between the members of a group (struct variant_group.differences). */
#define DIFFERS_CASE 0x01u
#define DIFFERS_SLASH 0x02u
#define DIFFERS_INDEX 0x04u
#define DIFFERS_PARAMETERS 0x08u

/* One page's variant: text holds the key (key_length bytes, then NUL), then the path as written
 * without index file and trailing slash (NUL), then the query as written (NUL). */
struct variant {
    char *text;
    size_t key_length;
    uint64_t body; /* the body hash, 0 when unknown */
    uint32_t id;
    size_t index_name; /* 1 + its position in index_names when had_index, else 0 */
    bool had_index;
    bool had_slash;
};

/* 1 + the position of segment in index_names, 0 when it is no index name. */
static size_t index_name_of(const char *segment, size_t length)
{
    for (size_t i = 0; i < sizeof index_names / sizeof index_names[0]; i++)
        if (strlen(index_names[i]) == length && strncasecmp(segment, index_names[i], length) == 0)
            return i + 1;
    return 0;
}

struct parameter {
    const char *start;
    size_t length;
};

static int compare_parameters(const void *a, const void *b)
{
    const struct parameter *x = a, *y = b;
    size_t shorter = x->length < y->length ? x->length : y->length;
    int order = memcmp(x->start, y->start, shorter);
    return order ? order : (x->length > y->length) - (x->length < y->length);
}

/* Append the query's parameters (without '?') in sorted order, joined by '&'. */
static int append_sorted_query(struct buf *out, const char *query, size_t length)
{
    if (length == 0)
        return CP_OK;
    size_t count = 1;
    for (size_t i = 0; i < length; i++)
        count += query[i] == '&';
    struct parameter *parameters = malloc(count * sizeof *parameters);
    if (!parameters)
        return CP_ERR_NOMEM;
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= length; i++)
        if (i == length || query[i] == '&') {
            parameters[n++] = (struct parameter){query + start, i - start};
            start = i + 1;
        }
    qsort(parameters, n, sizeof *parameters, compare_parameters);
    int status = CP_OK;
    for (size_t i = 0; i < n && status == CP_OK; i++) {
        if (i > 0)
            status = buf_append_char(out, '&');
        if (status == CP_OK)
            status = buf_append(out, parameters[i].start, parameters[i].length);
    }
    free(parameters);
    return status;
}

/* Fill *variant for the page at url. CP_OK; CP_ERR_INVALID when the URL does not parse (not a
 * variant of anything); CP_ERR_NOMEM. */
static int variant_of(const char *page_url, uint32_t id, struct variant *variant)
{
    struct url url;
    if (url_parse_str(page_url, NULL, &url) != URL_OK)
        return CP_ERR_INVALID;
    char origin[1024];
    const char *path = url_part_start(&url, url.pathname);
    size_t path_length = url.pathname.length;
    const char *query = url_part_start(&url, url.search);
    size_t query_length = url.search.length;
    if (query_length > 0) /* skip the '?' */
        query++, query_length--;
    *variant = (struct variant){.id = id};
    size_t segment = path_length;
    while (segment > 0 && path[segment - 1] != '/')
        segment--;
    size_t index_name = segment > 0 ? index_name_of(path + segment, path_length - segment) : 0;
    if (index_name) {
        path_length = segment;
        variant->had_index = true;
        variant->index_name = index_name;
    }
    if (path_length > 1 && path[path_length - 1] == '/') {
        path_length--;
        variant->had_slash = true;
    }
    struct buf text = BUF_INIT;
    int status = url_origin(&url, origin, sizeof origin) < 0 ? CP_ERR_INVALID : CP_OK;
    if (status == CP_OK)
        status = buf_printf(&text, "%s\x1f", origin);
    for (size_t i = 0; i < path_length && status == CP_OK; i++) {
        char c = path[i];
        status = buf_append_char(&text, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
    }
    if (status == CP_OK)
        status = buf_append_char(&text, '\x1f');
    if (status == CP_OK)
        status = append_sorted_query(&text, query, query_length);
    variant->key_length = text.len;
    if (status == CP_OK)
        status = buf_append_char(&text, '\0');
    if (status == CP_OK)
        status = buf_append(&text, path, path_length);
    if (status == CP_OK)
        status = buf_append_char(&text, '\0');
    if (status == CP_OK)
        status = buf_append(&text, query, query_length);
    url_free(&url);
    if (status != CP_OK) {
        buf_free(&text);
        return status;
    }
    variant->text = buf_detach(&text);
    return variant->text ? CP_OK : CP_ERR_NOMEM;
}

static const char *variant_path(const struct variant *v)
{
    return v->text + v->key_length + 1;
}

static const char *variant_query(const struct variant *v)
{
    const char *path = variant_path(v);
    return path + strlen(path) + 1;
}

static int compare_variants(const void *a, const void *b)
{
    const struct variant *x = a, *y = b;
    size_t shorter = x->key_length < y->key_length ? x->key_length : y->key_length;
    int order = memcmp(x->text, y->text, shorter);
    if (order)
        return order;
    if (x->key_length != y->key_length)
        return (x->key_length > y->key_length) - (x->key_length < y->key_length);
    if (x->body != y->body)
        return (x->body > y->body) - (x->body < y->body);
    return (x->id > y->id) - (x->id < y->id);
}

static bool same_key(const struct variant *x, const struct variant *y)
{
    return x->key_length == y->key_length && memcmp(x->text, y->text, x->key_length) == 0;
}

static bool united_by_canonical(const struct audit_run *run, const struct variant *group, size_t count)
{
    uint32_t final = run->analysis->canonical_final[group[0].id];
    if (final == GRAPH_NO_NODE)
        return false;
    for (size_t i = 1; i < count; i++)
        if (run->analysis->canonical_final[group[i].id] != final)
            return false;
    return true;
}

static unsigned group_differences(const struct variant *group, size_t count)
{
    unsigned differences = 0;
    for (size_t i = 1; i < count; i++) {
        if (group[i].had_index != group[0].had_index)
            differences |= DIFFERS_INDEX;
        if (group[i].had_slash != group[0].had_slash)
            differences |= DIFFERS_SLASH;
        if (strcmp(variant_path(&group[i]), variant_path(&group[0])) != 0)
            differences |= DIFFERS_CASE;
        if (strcmp(variant_query(&group[i]), variant_query(&group[0])) != 0)
            differences |= DIFFERS_PARAMETERS;
    }
    return differences;
}

static int report_group(struct audit_run *run, const struct variant *group, size_t count)
{
    static const struct {
        unsigned bit;
        const char *name;
    } kinds[] = {{DIFFERS_CASE, "case"},
                 {DIFFERS_SLASH, "trailing slash"},
                 {DIFFERS_INDEX, "index file"},
                 {DIFFERS_PARAMETERS, "parameter order"}};
    for (size_t i = 0; i < count; i++)
        run->ids[i] = group[i].id;
    audit_sort_by_url(run, run->ids, count);
    unsigned differences = group_differences(group, count);
    buf_reset(&run->message);
    buf_printf(&run->message, "%zu URLs differing only by ", count);
    bool first = true;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (differences & kinds[i].bit) {
            buf_printf(&run->message, "%s%s", first ? "" : ", ", kinds[i].name);
            first = false;
        }
    buf_append_str(&run->message, " all answer 200, and no canonical unites them");
    struct finding *f = audit_add(run, RULE_DUPLICATE_URL_VARIANTS, run->ids[0], NULL, 0);
    return f ? audit_add_related_list(run, f, run->ids + 1, count - 1) : CP_ERR_NOMEM;
}

static bool variant_candidate(const struct audit_run *run, uint32_t id)
{
    return audit_in_scope(run, id) && audit_page_answer(audit_node(run, id)) == ANSWER_OK;
}

/* First pass: one 64-bit hash of each candidate's key (16 bytes per page, no string kept). */
struct hashed_page {
    uint64_t hash;
    uint32_t id;
};

static int compare_hashed(const void *a, const void *b)
{
    const struct hashed_page *x = a, *y = b;
    if (x->hash != y->hash)
        return (x->hash > y->hash) - (x->hash < y->hash);
    return (x->id > y->id) - (x->id < y->id);
}

static uint64_t key_hash(const struct variant *v)
{
    uint64_t hash = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < v->key_length; i++)
        hash = (hash ^ (unsigned char)v->text[i]) * 0x100000001b3u;
    return hash;
}

static void report_unless_united(struct audit_run *run, const struct variant *group, size_t count, int *status)
{
    if (*status == CP_OK && count > 1 && !united_by_canonical(run, group, count))
        *status = report_group(run, group, count);
}

/* One group of equal keys (sorted by body within it). With two index names or more it falls apart
 * into runs of equal bodies; otherwise it is one group. */
static int check_group(struct audit_run *run, const struct variant *group, size_t count)
{
    size_t first_index = 0;
    bool two_index_names = false;
    for (size_t i = 0; i < count; i++) {
        if (!group[i].index_name)
            continue;
        if (first_index && group[i].index_name != first_index)
            two_index_names = true;
        first_index = first_index ? first_index : group[i].index_name;
    }
    int status = CP_OK;
    if (!two_index_names) {
        report_unless_united(run, group, count, &status);
        return status;
    }
    for (size_t start = 0; start < count && status == CP_OK;) {
        size_t end = start + 1;
        while (end < count && group[end].body == group[start].body)
            end++;
        report_unless_united(run, group + start, end - start, &status);
        start = end;
    }
    return status;
}

/* Second pass over one run of equal hashes: the full keys, grouped exactly (a hash collision
 * between different keys only splits the run). */
static int check_hash_run(struct audit_run *run, const struct hashed_page *pages, size_t count)
{
    struct variant *variants = calloc(count, sizeof *variants);
    if (!variants)
        return CP_ERR_NOMEM;
    size_t built = 0;
    int status = CP_OK;
    for (size_t i = 0; i < count && status == CP_OK; i++) {
        status = variant_of(audit_url(run, pages[i].id), pages[i].id, &variants[built]);
        if (status == CP_OK)
            variants[built++].body = run->facts ? run->facts[pages[i].id].body_hash : 0;
    }
    if (status == CP_OK) {
        qsort(variants, built, sizeof *variants, compare_variants);
        for (size_t start = 0; start < built && status == CP_OK;) {
            size_t end = start + 1;
            while (end < built && same_key(&variants[start], &variants[end]))
                end++;
            status = check_group(run, variants + start, end - start);
            start = end;
        }
    }
    for (size_t i = 0; i < built; i++)
        free(variants[i].text);
    free(variants);
    return status;
}

int audit_variant_rules(struct audit_run *run)
{
    size_t capacity = 0;
    for (uint32_t id = 0; id < run->node_count; id++)
        capacity += variant_candidate(run, id);
    if (capacity < 2)
        return CP_OK;
    struct hashed_page *pages = malloc(capacity * sizeof *pages);
    if (!pages)
        return CP_ERR_NOMEM;
    size_t count = 0;
    int status = CP_OK;
    for (uint32_t id = 0; id < run->node_count && status == CP_OK; id++) {
        if (!variant_candidate(run, id))
            continue;
        struct variant variant;
        int built = variant_of(audit_url(run, id), id, &variant);
        if (built == CP_ERR_NOMEM)
            status = built;
        if (built != CP_OK)
            continue; /* a URL that does not parse is no variant of anything */
        pages[count++] = (struct hashed_page){key_hash(&variant), id};
        free(variant.text);
    }
    if (status == CP_OK)
        qsort(pages, count, sizeof *pages, compare_hashed);
    for (size_t start = 0; start < count && status == CP_OK;) {
        size_t end = start + 1;
        while (end < count && pages[end].hash == pages[start].hash)
            end++;
        if (end - start > 1)
            status = check_hash_run(run, pages + start, end - start);
        start = end;
    }
    free(pages);
    return status;
}

bool audit_all_url_variants(const struct audit_run *run, const uint32_t *ids, size_t count)
{
    struct variant first = {0}, other = {0};
    if (count < 2 || variant_of(audit_url(run, ids[0]), ids[0], &first) != CP_OK)
        return false;
    bool same = true;
    for (size_t i = 1; i < count && same; i++) {
        same = variant_of(audit_url(run, ids[i]), ids[i], &other) == CP_OK && same_key(&first, &other);
        free(other.text);
        other = (struct variant){0};
    }
    free(first.text);
    return same;
}
