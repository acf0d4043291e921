/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/check: the checker — reads each sitemap (file, stdin, URL or buffer) through
 * source -> parse -> validate, and follows sitemap index children (local files under --root, or
 * fetched), with cycle detection and a nesting bound. See sitemap.h. */
#include "sitemap/sitemap.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <uthash.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "web/http_get.h"
#include "sitemap/parse.h"
#include "sitemap/schema.h"
#include "sitemap/source.h"
#include "sitemap/url_set.h"
#include "sitemap/validate.h"

/* How to read a sitemap's bytes again for the --xsd pass. */
struct reopen {
    const char *path; /* a local file; NULL for memory */
    const void *data;
    size_t length;
};

/* Which index handed out a child through on_child (see sitemap.h): the chain of indexes above a
 * child is rebuilt from these when its body comes back, so that cycles and the nesting bound are
 * checked across the hand-off. One record per index or child met; freed with the checker. */
struct lineage {
    UT_hash_handle hh;
    struct lineage *parent; /* NULL for a sitemap that was not handed out */
    char url[];
};

/* The origins that vouch for a child through the indexes above it (see sitemap.h, authority). */
struct authority {
    UT_hash_handle hh;
    char **origins;
    size_t count;
    char url[];
};

struct child_context {
    bool local;     /* the index is a local file: children resolve under --root */
    size_t skipped; /* children not followed */
};

static int check_source(struct sitemap_checker *checker, struct sitemap_source *source, const char *name,
                        const char *sitemap_url, enum sitemap_origin origin, bool local, const struct reopen *reopen,
                        struct sitemap_result *result);

/* libxml2 2.9 must be initialised once before threads use it. */
static void initialise_libxml(void)
{
    xmlInitParser();
}

int sitemap_checker_init(struct sitemap_checker *checker, const struct sitemap_options *options,
                         struct finding_list *findings, sitemap_entry_fn on_entry, void *context)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, initialise_libxml);
    memset(checker, 0, sizeof *checker);
    checker->options = *options;
    checker->findings = findings;
    checker->on_entry = on_entry;
    checker->context = context;
    return CP_OK;
}

static void lineage_free_all(struct sitemap_checker *checker)
{
    struct lineage *table = checker->lineage, *record, *next;
    HASH_ITER(hh, table, record, next)
    {
        HASH_DEL(table, record);
        free(record);
    }
    checker->lineage = NULL;
}

static void authority_free_all(struct sitemap_checker *checker)
{
    struct authority *table = checker->authority, *record, *next;
    HASH_ITER(hh, table, record, next)
    {
        HASH_DEL(table, record);
        for (size_t i = 0; i < record->count; i++)
            free(record->origins[i]);
        free(record->origins);
        free(record);
    }
    checker->authority = NULL;
}

void sitemap_checker_free(struct sitemap_checker *checker)
{
    lineage_free_all(checker);
    authority_free_all(checker);
    url_hash_set_free(&checker->seen_urls);
    url_hash_set_free(&checker->seen_sitemaps);
    url_hash_set_free(&checker->read_sitemaps);
    free(checker->index_stack);
    checker->index_stack = NULL;
    sitemap_schema_free(checker);
}

static void result_error(struct sitemap_result *result, const char *message)
{
    result->read = false;
    snprintf(result->error, sizeof result->error, "%s", message);
}

/* ---- index children ---- */

static struct lineage *lineage_find(const struct sitemap_checker *checker, const char *url)
{
    struct lineage *table = checker->lineage, *record = NULL;
    if (url)
        HASH_FIND_STR(table, url, record);
    return record;
}

/* The record of url, made (with parent) when there is none. NULL when out of memory. */
static struct lineage *lineage_add(struct sitemap_checker *checker, const char *url, struct lineage *parent)
{
    struct lineage *record = lineage_find(checker, url);
    if (record)
        return record;
    size_t length = strlen(url);
    record = malloc(sizeof *record + length + 1);
    if (!record)
        return NULL;
    record->parent = parent;
    memcpy(record->url, url, length + 1);
    struct lineage *table = checker->lineage;
    HASH_ADD(hh, table, url[0], length, record);
    checker->lineage = table;
    return record;
}

/* ---- authority: a robots.txt-declared index vouches for its children, at any depth ---- */

static struct authority *authority_find(const struct sitemap_checker *checker, const char *url)
{
    struct authority *table = checker->authority, *record = NULL;
    if (url)
        HASH_FIND_STR(table, url, record);
    return record;
}

/* The child listed by index `file` inherits every origin that vouches for the index. */
static int authority_pass_down(struct sitemap_checker *checker, const struct sitemap_file_check *file,
                               const char *child)
{
    if (file->robots_origin_count == 0)
        return CP_OK;
    struct authority *record = authority_find(checker, child);
    if (!record) {
        size_t length = strlen(child);
        if (!(record = calloc(1, sizeof *record + length + 1)))
            return CP_ERR_NOMEM;
        memcpy(record->url, child, length + 1);
        struct authority *table = checker->authority;
        HASH_ADD(hh, table, url[0], length, record);
        checker->authority = table;
    }
    for (size_t i = 0; i < file->robots_origin_count; i++) {
        bool known = false;
        for (size_t j = 0; j < record->count && !known; j++)
            known = strcmp(record->origins[j], file->robots_origins[i]) == 0;
        if (known)
            continue;
        char **grown = array_grow(record->origins, record->count, sizeof *grown);
        if (!grown)
            return CP_ERR_NOMEM;
        record->origins = grown;
        if (!(grown[record->count] = strdup(file->robots_origins[i])))
            return CP_ERR_NOMEM;
        record->count++;
    }
    return CP_OK;
}

/* A sitemap read as a child (by the URL it was listed as, or the one it was served from after a
 * redirect) gets the origins its indexes passed down. */
static int authority_inherit(const struct sitemap_checker *checker, struct sitemap_file_check *file, const char *name,
                             const char *sitemap_url)
{
    const char *keys[] = {sitemap_url, name};
    int status = CP_OK;
    for (size_t i = 0; i < 2 && status == CP_OK; i++) {
        const struct authority *record = authority_find(checker, keys[i]);
        if (record)
            status = sitemap_validate_inherit(file, record->origins, record->count);
    }
    return status;
}

/* Hand a child to on_child, remembering which index (the one being read) listed it. */
static int hand_out_child(struct sitemap_checker *checker, const char *child, const char *parent_name, unsigned line)
{
    struct lineage *parent = lineage_add(checker, checker->index_stack[checker->index_depth - 1], NULL);
    if (!parent || !lineage_add(checker, child, parent))
        return CP_ERR_NOMEM;
    checker->on_child(checker->context, child, parent_name, line);
    return CP_OK;
}

static bool on_stack(const struct sitemap_checker *checker, const char *key)
{
    for (size_t i = 0; i < checker->index_depth; i++)
        if (strcmp(checker->index_stack[i], key) == 0)
            return true;
    return false;
}

/* A child URL of a local index -> the file under --root that holds it. */
static bool child_path(const struct sitemap_checker *checker, const struct url *child, char *path, size_t size,
                       char *reason, size_t reason_size)
{
    const char *pathname = url_part_start(child, child->pathname);
    size_t length = child->pathname.length;
    const char *site_url = checker->options.site_url;
    if (site_url) {
        struct url site;
        if (url_parse_str(site_url, NULL, &site) != URL_OK) {
            snprintf(reason, reason_size, "--site-url %s is not a valid URL", site_url);
            return false;
        }
        size_t prefix = site.pathname.length;
        const char *site_path = url_part_start(&site, site.pathname);
        while (prefix && site_path[prefix - 1] != '/')
            prefix--;
        bool inside = url_same_origin(&site, child) && length >= prefix && memcmp(pathname, site_path, prefix) == 0;
        url_free(&site);
        if (!inside) {
            snprintf(reason, reason_size, "it is not under --site-url %s, so it has no file under --root", site_url);
            return false;
        }
        pathname += prefix;
        length -= prefix;
    } else {
        pathname++, length--;
    }
    if (length == 0 || pathname[length - 1] == '/') {
        snprintf(reason, reason_size, "its URL names a directory, not a file");
        return false;
    }
    if (snprintf(path, size, "%s/%.*s", checker->options.root_dir, (int)length, pathname) >= (int)size) {
        snprintf(reason, reason_size, "its path is too long");
        return false;
    }
    return true;
}

static int follow_local_child(struct sitemap_file_check *file, const struct url *child, unsigned line,
                              struct sitemap_result *result)
{
    struct sitemap_checker *checker = file->checker;
    char path[PATH_MAX], reason[300];
    if (!child_path(checker, child, path, sizeof path, reason, sizeof reason)) {
        struct finding *f = findings_add(checker->findings, RULE_SITEMAP_UNREACHABLE, child->href, file->name, line,
                                         "child sitemap %s cannot be read locally: %s", child->href, reason);
        return f ? CP_OK : CP_ERR_NOMEM;
    }
    char error[200];
    struct sitemap_source *source;
    int status = sitemap_source_open_file(path, SITEMAP_MAX_BYTES, &source, error, sizeof error);
    if (status == CP_ERR_IO) {
        struct finding *f = findings_add(checker->findings, RULE_SITEMAP_UNREACHABLE, child->href, file->name, line,
                                         "child sitemap %s (file %s): %s", child->href, path, error);
        return f ? CP_OK : CP_ERR_NOMEM;
    }
    if (status)
        return status;
    struct reopen reopen = {.path = path};
    status = check_source(checker, source, path, child->href, SITEMAP_ORIGIN_INDEX, true, &reopen, result);
    sitemap_source_close(source);
    return status;
}

static int follow_child(struct sitemap_file_check *file, const struct url *child, unsigned line)
{
    struct sitemap_checker *checker = file->checker;
    struct child_context *context = file->child_context;
    if (on_stack(checker, child->href)) {
        struct buf chain = BUF_INIT;
        bool in_cycle = false;
        for (size_t i = 0; i < checker->index_depth; i++) {
            in_cycle |= strcmp(checker->index_stack[i], child->href) == 0;
            if (in_cycle)
                buf_printf(&chain, "%s -> ", checker->index_stack[i]);
        }
        buf_append_str(&chain, child->href);
        struct finding *f = findings_add(checker->findings, RULE_SITEMAP_INDEX_CYCLE, child->href, file->name, line,
                                         "index cycle: %s; not read again", buf_str(&chain));
        buf_free(&chain);
        return f ? 0 : 1;
    }
    /* The same index listing a child twice is a duplicate entry; a child also reached another way
     * (robots.txt, a guess, another index) is the same file found twice: read once, no finding. */
    uint64_t hash = sitemap_url_hash(child->href, strlen(child->href));
    int listed = url_hash_set_insert(&file->children, hash);
    if (listed == 0) {
        struct finding *f = findings_add(checker->findings, RULE_SITEMAP_DUPLICATE_URL, child->href, file->name, line,
                                         "sitemap %s is listed more than once in this index; it was read once",
                                         child->href);
        return f ? 0 : 1;
    }
    int added = listed < 0 ? listed : url_hash_set_insert(&checker->seen_sitemaps, hash);
    if (added <= 0)
        return added < 0;
    if (authority_pass_down(checker, file, child->href) != CP_OK) {
        file->status = CP_ERR_NOMEM;
        return 1;
    }
    if (checker->on_child)
        return hand_out_child(checker, child->href, file->name, line) != CP_OK;
    struct sitemap_result result = {0};
    int status = CP_OK;
    if (context->local && checker->options.root_dir)
        status = follow_local_child(file, child, line, &result);
    else if (!context->local && checker->options.allow_fetch)
        status = sitemap_check_url(checker, child->href, SITEMAP_ORIGIN_INDEX, &result);
    else
        context->skipped++;
    if (status == CP_OK && result.kind == SITEMAP_KIND_INDEX) {
        struct finding *f = findings_add(checker->findings, RULE_SITEMAP_INDEX_NESTED, child->href, file->name, line,
                                         "child %s is itself a sitemap index (an index may list only sitemaps)",
                                         child->href);
        if (!f)
            status = CP_ERR_NOMEM;
    }
    return status != CP_OK;
}

/* ---- one sitemap ---- */

static int push_key(struct sitemap_checker *checker, const char *key)
{
    const char **grown = array_grow(checker->index_stack, checker->index_depth, sizeof *grown);
    if (!grown)
        return CP_ERR_NOMEM;
    checker->index_stack = grown;
    grown[checker->index_depth++] = key;
    return CP_OK;
}

/* A child handed out through on_child comes back: push the indexes above it, outermost first, as
 * if it were read from inside them. *key becomes the key to push for the sitemap itself. */
static int restore_lineage(struct sitemap_checker *checker, const char *name, const char *sitemap_url, const char **key)
{
    struct lineage *record = lineage_find(checker, sitemap_url);
    if (!record)
        record = lineage_find(checker, name);
    if (!record || !record->parent)
        return CP_OK;
    *key = record->url;
    size_t depth = 0;
    for (struct lineage *up = record->parent; up; up = up->parent)
        depth++;
    size_t base = checker->index_depth;
    for (size_t i = 0; i < depth; i++) {
        int status = push_key(checker, NULL);
        if (status != CP_OK)
            return status;
    }
    size_t slot = base + depth;
    for (struct lineage *up = record->parent; up; up = up->parent)
        checker->index_stack[--slot] = up->url;
    return CP_OK;
}

static int schema_pass(struct sitemap_checker *checker, enum sitemap_kind kind, const char *name,
                       const struct reopen *reopen)
{
    if (!checker->options.xsd || (kind != SITEMAP_KIND_URLSET && kind != SITEMAP_KIND_INDEX) || !reopen)
        return CP_OK;
    struct sitemap_source *source;
    char error[200];
    int status = reopen->path ? sitemap_source_open_file(reopen->path, SITEMAP_MAX_BYTES, &source, error, sizeof error)
                              : sitemap_source_open_memory(reopen->data, reopen->length, SITEMAP_MAX_BYTES, &source);
    if (status == CP_ERR_IO)
        return CP_OK; /* it was readable a moment ago; the first pass reported what it could */
    if (status)
        return status;
    status = sitemap_schema_validate(checker, source, kind, name);
    sitemap_source_close(source);
    return status;
}

static int check_source(struct sitemap_checker *checker, struct sitemap_source *source, const char *name,
                        const char *sitemap_url, enum sitemap_origin origin, bool local, const struct reopen *reopen,
                        struct sitemap_result *result)
{
    struct sitemap_file_check file;
    size_t outer_depth = checker->index_depth;
    const char *key = sitemap_url ? sitemap_url : name;
    if (checker->urls_capped) { /* sitemap-urls-capped was reported once */
        result_error(result, "not read: --max-sitemap-urls entries were read before it");
        if (checker->on_file)
            checker->on_file(checker->context, name, result);
        return CP_OK;
    }
    if (sitemap_checker_has_read(checker, key)) {
        result->read = true; /* its entries were read the first time */
        result->repeat = true;
        return CP_OK;
    }
    if (url_hash_set_insert(&checker->read_sitemaps, sitemap_url_hash(key, strlen(key))) < 0)
        return CP_ERR_NOMEM;
    int status = sitemap_validate_begin(&file, checker, name, sitemap_url, origin);
    if (status == CP_OK && origin == SITEMAP_ORIGIN_INDEX)
        status = authority_inherit(checker, &file, name, sitemap_url);
    if (status == CP_OK && origin == SITEMAP_ORIGIN_INDEX)
        status = restore_lineage(checker, name, sitemap_url, &key);
    if (status == CP_OK)
        status = push_key(checker, key);
    /* Mark it read, so that an index listing it later does not hand it out again. */
    if (status == CP_OK && sitemap_url &&
        url_hash_set_insert(&checker->seen_sitemaps, sitemap_url_hash(sitemap_url, strlen(sitemap_url))) < 0)
        status = CP_ERR_NOMEM;
    if (status != CP_OK) {
        sitemap_validate_end(&file);
        checker->index_depth = outer_depth;
        return status;
    }
    checker->files++;
    struct child_context children = {.local = local};
    file.on_child = follow_child;
    file.child_context = &children;
    struct sitemap_parse_handler handler;
    sitemap_validate_handler(&file, &handler);
    status = sitemap_parse(source, &handler);
    if (status == CP_OK && file.status == CP_OK && !file.problem_reported)
        status = schema_pass(checker, file.kind, name, reopen);
    if (children.skipped)
        log_warn("%s: %zu child sitemaps not followed (pass --root DIR to read them from disk)", name,
                 children.skipped);
    result->kind = file.kind;
    result->urls = file.entries;
    /* Binary content is not a sitemap that was read: no URL came from it (the audit then does not
     * judge pages by their absence from it). */
    result->read = !file.binary;
    if (file.binary)
        snprintf(result->error, sizeof result->error, "not a sitemap: binary content");
    if (checker->on_file)
        checker->on_file(checker->context, name, result);
    if (status == CP_OK)
        status = file.status;
    sitemap_validate_end(&file);
    checker->index_depth = outer_depth;
    return status;
}

bool sitemap_checker_has_read(const struct sitemap_checker *checker, const char *url)
{
    return url && url_hash_set_contains(&checker->read_sitemaps, sitemap_url_hash(url, strlen(url)));
}

/* The URL a local file will have: --site-url resolved with its path below --root (or its name). */
static char *local_file_url(const struct sitemap_checker *checker, const char *path)
{
    const char *site_url = checker->options.site_url;
    if (!site_url)
        return NULL;
    if (strcmp(path, "-") == 0)
        return strdup(site_url);
    const char *relative = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char real_path[PATH_MAX], real_root[PATH_MAX];
    if (checker->options.root_dir && realpath(path, real_path) && realpath(checker->options.root_dir, real_root)) {
        size_t n = strlen(real_root);
        if (strncmp(real_path, real_root, n) == 0 && real_path[n] == '/')
            relative = path + strlen(path) - strlen(real_path + n + 1);
    }
    struct url base, resolved;
    char *href = NULL;
    if (url_parse_str(site_url, NULL, &base) == URL_OK) {
        if (url_parse_str(relative, &base, &resolved) == URL_OK) {
            href = strdup(resolved.href);
            url_free(&resolved);
        }
        url_free(&base);
    }
    return href;
}

int sitemap_check_file(struct sitemap_checker *checker, const char *path, struct sitemap_result *result)
{
    struct sitemap_result local_result;
    if (!result)
        result = &local_result;
    memset(result, 0, sizeof *result);
    struct sitemap_source *source;
    char error[200];
    int status = sitemap_source_open_file(path, SITEMAP_MAX_BYTES, &source, error, sizeof error);
    if (status == CP_ERR_IO) {
        checker->files++;
        result_error(result, error);
        if (checker->on_file)
            checker->on_file(checker->context, path, result);
        return findings_add(checker->findings, RULE_SITEMAP_UNREACHABLE, NULL, path, 0, "%s", error) ? CP_OK
                                                                                                     : CP_ERR_NOMEM;
    }
    if (status)
        return status;
    char *url = local_file_url(checker, path);
    struct reopen reopen = {.path = path};
    status = check_source(checker, source, path, url, SITEMAP_ORIGIN_ARGUMENT, true,
                          strcmp(path, "-") == 0 ? NULL : &reopen, result);
    free(url);
    sitemap_source_close(source);
    return status;
}

int sitemap_check_buffer(struct sitemap_checker *checker, const char *name, const char *sitemap_url, const void *data,
                         size_t length, enum sitemap_origin origin, struct sitemap_result *result)
{
    struct sitemap_result local_result;
    if (!result)
        result = &local_result;
    long http_status = result == &local_result ? 0 : result->http_status;
    memset(result, 0, sizeof *result);
    result->http_status = http_status;
    struct sitemap_source *source;
    int status = sitemap_source_open_memory(data, length, SITEMAP_MAX_BYTES, &source);
    if (status)
        return status;
    struct reopen reopen = {.data = data, .length = length};
    status = check_source(checker, source, name, sitemap_url, origin, false, &reopen, result);
    sitemap_source_close(source);
    return status;
}

int sitemap_check_url(struct sitemap_checker *checker, const char *url, enum sitemap_origin origin,
                      struct sitemap_result *result)
{
    struct sitemap_result local_result;
    if (!result)
        result = &local_result;
    memset(result, 0, sizeof *result);
    if (!checker->options.allow_fetch) {
        result_error(result, "fetching is off");
        return CP_OK;
    }
    struct http_get_options options = {
        .total_timeout_ms = checker->options.fetch_timeout_ms,
        .tls = checker->options.tls,
        .max_body = SITEMAP_MAX_BYTES + 1,
        .follow_redirects = true,
        .max_redirects = 5,
    };
    struct http_response response;
    int status = http_get(url, &options, &response);
    char message[400];
    message[0] = 0;
    enum rule_id rule = RULE_SITEMAP_UNREACHABLE;
    if (status == CP_ERR_NETWORK)
        snprintf(message, sizeof message, "cannot fetch %s: %s (%s)", url, response.error,
                 http_error_class_name(response.error_class));
    else if (status != CP_OK)
        snprintf(message, sizeof message, "cannot fetch %s: %s", url, cp_strerror(status));
    else if (response.status != 200)
        snprintf(message, sizeof message, "%s answered HTTP %ld", url, response.status);
    else if (response.truncated)
        rule = RULE_SITEMAP_TOO_LARGE,
        snprintf(message, sizeof message, "%s is larger than %u bytes; not read", url, SITEMAP_MAX_BYTES);
    result->http_status = response.status;
    enum http_error_class failure = response.error_class;
    if (origin == SITEMAP_ORIGIN_ARGUMENT && status == CP_ERR_NETWORK && response.status == 0 &&
        (failure == HTTP_ERROR_DNS || failure == HTTP_ERROR_CONNECT || failure == HTTP_ERROR_TLS)) {
        /* The host named on the command line cannot be reached: the run failed, the sitemap
         * was never seen (exit 3, as for a crawl that cannot reach its start page). */
        snprintf(message, sizeof message, "cannot fetch %s: %s: %s", url, http_error_class_name(failure),
                 response.error);
        result_error(result, message);
        http_response_free(&response);
        return CP_ERR_NETWORK;
    }
    if (message[0]) {
        checker->files++;
        result_error(result, message);
        if (checker->on_file)
            checker->on_file(checker->context, url, result);
        status = CP_OK;
        if (origin != SITEMAP_ORIGIN_DEFAULT && !findings_add(checker->findings, rule, url, url, 0, "%s", message))
            status = CP_ERR_NOMEM;
    } else {
        status = sitemap_check_buffer(checker, url, url, response.body, response.body_length, origin, result);
    }
    http_response_free(&response);
    return status;
}
