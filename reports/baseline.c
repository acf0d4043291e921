/* SPDX-License-Identifier: Apache-2.0 */
/* reports/baseline: load a previous findings.json and classify findings new / existing / fixed
 * (see baseline.h). */
#include "reports/baseline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uthash.h>

#include "common/array_grow.h"
#include "common/error.h"
#include "common/log.h"

const char *baseline_state_name(enum baseline_state state)
{
    return state == BASELINE_EXISTING ? "existing" : "new";
}

/* An optional string member: missing or null reads as NULL; any other type is an error. */
static int optional_string(json_t *object, const char *key, const char **out)
{
    json_t *value = json_object_get(object, key);
    *out = NULL;
    if (!value || json_is_null(value))
        return CP_OK;
    if (!json_is_string(value))
        return CP_ERR_INVALID;
    *out = json_string_value(value);
    return CP_OK;
}

/* An optional non-negative integer member (line, column): missing or null reads as 0. */
static int optional_count(json_t *object, const char *key, unsigned *out)
{
    json_t *value = json_object_get(object, key);
    *out = 0;
    if (!value || json_is_null(value))
        return CP_OK;
    if (!json_is_integer(value) || json_integer_value(value) < 0 || json_integer_value(value) > (json_int_t)UINT32_MAX)
        return CP_ERR_INVALID;
    *out = (unsigned)json_integer_value(value);
    return CP_OK;
}

/* Put "PATH: problem" into error and return status. */
static int fail(struct buf *error, int status, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct buf *error, int status, const char *path, const char *fmt, ...)
{
    buf_reset(error);
    buf_printf(error, "%s: ", path);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(error, fmt, ap);
    va_end(ap);
    return status;
}

/* Copy one element of "findings" into list. */
static int load_finding(const char *path, json_t *item, size_t index, struct finding_list *list,
                        size_t *unknown_rule_count, struct buf *error)
{
    if (!json_is_object(item))
        return fail(error, CP_ERR_INVALID, path, "findings[%zu] is not an object", index);
    const char *rule_id, *url, *source, *message;
    unsigned line, column;
    if (optional_string(item, "rule", &rule_id) != CP_OK || !rule_id)
        return fail(error, CP_ERR_INVALID, path, "findings[%zu]: \"rule\" is missing or not a string", index);
    static const char *const string_keys[] = {"url", "source", "message"};
    const char **string_values[] = {&url, &source, &message};
    for (size_t k = 0; k < 3; k++)
        if (optional_string(item, string_keys[k], string_values[k]) != CP_OK)
            return fail(error, CP_ERR_INVALID, path, "findings[%zu]: \"%s\" is not a string", index, string_keys[k]);
    if (optional_count(item, "line", &line) != CP_OK)
        return fail(error, CP_ERR_INVALID, path, "findings[%zu]: \"line\" is not a line number", index);
    if (optional_count(item, "column", &column) != CP_OK)
        return fail(error, CP_ERR_INVALID, path, "findings[%zu]: \"column\" is not a column number", index);
    json_t *related = json_object_get(item, "related");
    if (related && !json_is_null(related) && !json_is_array(related))
        return fail(error, CP_ERR_INVALID, path, "findings[%zu]: \"related\" is not an array", index);

    const struct rule *rule = rule_find(rule_id);
    if (!rule) {
        log_warn("%s: findings[%zu]: rule \"%s\" is unknown to this version; ignored", path, index, rule_id);
        (*unknown_rule_count)++;
        return CP_OK;
    }
    struct finding *f = findings_add(list, rule->symbol, url, source, line, "%s", message ? message : "");
    if (!f)
        return CP_ERR_NOMEM;
    f->column = column;
    size_t i;
    json_t *value;
    json_array_foreach(related, i, value)
    {
        if (!json_is_string(value))
            return fail(error, CP_ERR_INVALID, path, "findings[%zu]: \"related\" holds a value that is not a string",
                        index);
        if (finding_add_related(f, json_string_value(value)) != CP_OK)
            return CP_ERR_NOMEM;
    }
    return CP_OK;
}

int findings_json_read(const char *path, const json_t *document, struct finding_list *list, size_t *unknown_rule_count,
                       struct buf *error)
{
    json_t *root = (json_t *)document; /* jansson's getters are not const-qualified; nothing is changed */
    if (!json_is_object(root))
        return fail(error, CP_ERR_INVALID, path, "not a crawlpack findings.json (the top level is not an object)");
    json_t *schema = json_object_get(root, "schema");
    if (schema && !json_is_integer(schema))
        return fail(error, CP_ERR_INVALID, path, "\"schema\" is not an integer");
    if (schema && json_integer_value(schema) > 1)
        log_warn("%s: findings.json schema %lld is newer than this version reads (1); reading the fields it knows",
                 path, (long long)json_integer_value(schema));
    json_t *findings = json_object_get(root, "findings");
    if (!json_is_array(findings))
        return fail(error, CP_ERR_INVALID, path, "not a crawlpack findings.json (no \"findings\" array)");
    size_t index;
    json_t *item;
    json_array_foreach(findings, index, item)
    {
        int rc = load_finding(path, item, index, list, unknown_rule_count, error);
        if (rc != CP_OK) {
            if (rc == CP_ERR_NOMEM)
                fail(error, rc, path, "out of memory while reading findings[%zu]", index);
            return rc;
        }
    }
    return CP_OK;
}

/* Turn a parsed document (or jansson's parse error when root is NULL) into the baseline. */
static int load_root(const char *path, json_t *root, const json_error_t *json_error, struct baseline *baseline,
                     struct buf *error)
{
    if (!root) {
        buf_reset(error);
        buf_printf(error, "%s:%d:%d: baseline is not valid JSON: %s", path, json_error->line, json_error->column,
                   json_error->text);
        return CP_ERR_PARSE;
    }
    baseline->path = strdup(path);
    int rc = baseline->path ? findings_json_read(path, root, &baseline->findings, &baseline->unknown_rule_count, error)
                            : CP_ERR_NOMEM;
    json_decref(root);
    if (rc != CP_OK) {
        if (rc == CP_ERR_NOMEM && error->len == 0)
            fail(error, rc, path, "out of memory");
        baseline_free(baseline);
    }
    return rc;
}

int baseline_load(const char *path, struct baseline *baseline, struct buf *error)
{
    *baseline = (struct baseline)BASELINE_INIT;
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(error, CP_ERR_IO, path, "cannot read baseline: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(error, CP_ERR_IO, path, "cannot read baseline: not a regular file");
    if ((unsigned long long)st.st_size > BASELINE_MAX_BYTES)
        return fail(error, CP_ERR_LIMIT, path, "baseline larger than %u MiB", BASELINE_MAX_BYTES >> 20);

    json_error_t json_error;
    json_t *root = json_load_file(path, 0, &json_error);
    return load_root(path, root, &json_error, baseline, error);
}

int baseline_parse(const char *name, const char *data, size_t length, struct baseline *baseline, struct buf *error)
{
    *baseline = (struct baseline)BASELINE_INIT;
    json_error_t json_error;
    json_t *root = json_loadb(data, length, 0, &json_error);
    return load_root(name, root, &json_error, baseline, error);
}

/* Baseline identities still unmatched: each entry holds the baseline indexes with that identity,
 * consumed front to back. */
struct identity_entry {
    char *identity;
    size_t *indexes;
    size_t count;
    size_t next;
    UT_hash_handle hh;
};

static void free_identities(struct identity_entry **table)
{
    struct identity_entry *entry, *tmp;
    HASH_ITER(hh, *table, entry, tmp)
    {
        HASH_DEL(*table, entry);
        free(entry->identity);
        free(entry->indexes);
        free(entry);
    }
}

static int index_baseline(const struct baseline *baseline, struct identity_entry **table)
{
    struct buf identity = BUF_INIT;
    for (size_t i = 0; i < baseline->findings.count; i++) {
        buf_reset(&identity);
        if (finding_identity(&baseline->findings.items[i], &identity) != CP_OK)
            goto nomem;
        struct identity_entry *entry;
        HASH_FIND(hh, *table, identity.data, identity.len, entry);
        if (!entry) {
            entry = calloc(1, sizeof(*entry));
            if (!entry)
                goto nomem;
            entry->identity = buf_detach(&identity);
            if (!entry->identity) {
                free(entry);
                goto nomem;
            }
            HASH_ADD_KEYPTR(hh, *table, entry->identity, strlen(entry->identity), entry);
        }
        size_t *indexes = array_grow(entry->indexes, entry->count, sizeof(*indexes));
        if (!indexes)
            goto nomem;
        entry->indexes = indexes;
        entry->indexes[entry->count++] = i;
    }
    buf_free(&identity);
    return CP_OK;
nomem:
    buf_free(&identity);
    return CP_ERR_NOMEM;
}

static int classify(struct identity_entry **table, const struct finding_list *current, struct baseline_comparison *c,
                    bool *matched)
{
    struct buf identity = BUF_INIT;
    for (size_t i = 0; i < current->count; i++) {
        buf_reset(&identity);
        if (finding_identity(&current->items[i], &identity) != CP_OK) {
            buf_free(&identity);
            return CP_ERR_NOMEM;
        }
        struct identity_entry *entry;
        HASH_FIND(hh, *table, identity.data, identity.len, entry);
        if (entry && entry->next < entry->count) {
            matched[entry->indexes[entry->next++]] = true;
            c->states[i] = BASELINE_EXISTING;
            c->existing_count++;
        } else {
            c->states[i] = BASELINE_NEW;
            c->new_count++;
        }
    }
    buf_free(&identity);
    return CP_OK;
}

int baseline_compare(const struct baseline *baseline, const struct finding_list *current, struct baseline_comparison *c)
{
    *c = (struct baseline_comparison)BASELINE_COMPARISON_INIT;
    c->baseline = baseline;
    size_t baseline_count = baseline->findings.count;
    struct identity_entry *table = NULL;
    bool *matched = calloc(baseline_count + 1, sizeof(*matched));
    c->states = calloc(current->count + 1, sizeof(*c->states));
    c->fixed = calloc(baseline_count + 1, sizeof(*c->fixed));
    int rc = matched && c->states && c->fixed ? CP_OK : CP_ERR_NOMEM;
    if (rc == CP_OK)
        rc = index_baseline(baseline, &table);
    if (rc == CP_OK)
        rc = classify(&table, current, c, matched);
    if (rc == CP_OK) {
        c->state_count = current->count;
        for (size_t i = 0; i < baseline_count; i++)
            if (!matched[i])
                c->fixed[c->fixed_count++] = i;
    }
    free_identities(&table);
    free(matched);
    if (rc != CP_OK)
        baseline_comparison_free(c);
    return rc;
}

void baseline_comparison_free(struct baseline_comparison *c)
{
    free(c->states);
    free(c->fixed);
    *c = (struct baseline_comparison)BASELINE_COMPARISON_INIT;
}

void baseline_free(struct baseline *baseline)
{
    free(baseline->path);
    findings_free(&baseline->findings);
    *baseline = (struct baseline)BASELINE_INIT;
}
