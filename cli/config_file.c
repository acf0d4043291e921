/* SPDX-License-Identifier: Apache-2.0 */
/* cli/config_file: .crawlpack.yml read with libyaml into entries with lines (see config_file.h). */
#include "cli/config_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/array_grow.h"
#include "common/error.h"

struct reader {
    const char *command;
    struct config_file *config;
    yaml_document_t *document;
};

static unsigned node_line(const yaml_node_t *node)
{
    return (unsigned)node->start_mark.line + 1;
}

static const char *shape_name(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_SCALAR_NODE: return "a value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static const char *scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static int problem(const struct reader *r, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "crawlpack audit: FILE:LINE: MESSAGE"; returns CP_ERR_INVALID. */
static int problem(const struct reader *r, const yaml_node_t *node, const char *fmt, ...)
{
    fprintf(stderr, "crawlpack %s: %s:%u: ", r->command, r->config->path, node_line(node));
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    return CP_ERR_INVALID;
}

static void warning(struct reader *r, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warning(struct reader *r, const yaml_node_t *node, const char *fmt, ...)
{
    fprintf(stderr, "crawlpack %s: warning: %s:%u: ", r->command, r->config->path, node_line(node));
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    r->config->warnings++;
}

static int add_value(struct config_value **items, size_t *count, const char *key, const char *value, unsigned line)
{
    struct config_value *grown = array_grow(*items, *count, sizeof(*grown));
    if (!grown)
        return CP_ERR_NOMEM;
    *items = grown;
    struct config_value *v = &grown[*count];
    v->key = strdup(key);
    v->value = strdup(value);
    v->line = line;
    if (!v->key || !v->value) {
        free(v->key);
        free(v->value);
        return CP_ERR_NOMEM;
    }
    (*count)++;
    return CP_OK;
}

/* A section whose values are all scalars: rules: and thresholds:. */
static int read_scalar_map(struct reader *r, const char *section, yaml_node_t *map, struct config_value **items,
                           size_t *count)
{
    if (map->type != YAML_MAPPING_NODE)
        return problem(r, map, "'%s' must be a mapping (RULE: value), not %s", section, shape_name(map));
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *key = yaml_document_get_node(r->document, p->key);
        yaml_node_t *value = yaml_document_get_node(r->document, p->value);
        if (!scalar(key))
            return problem(r, key, "a key in '%s' must be a rule id", section);
        if (!scalar(value))
            return problem(r, value, "'%s: %s' must be a value, not %s", section, scalar(key), shape_name(value));
        int status = add_value(items, count, scalar(key), scalar(value), node_line(value));
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

static char *copy_field(const yaml_node_t *node)
{
    return node ? strdup(scalar(node)) : NULL;
}

static int read_ignore_entry(struct reader *r, yaml_node_t *entry)
{
    if (entry->type != YAML_MAPPING_NODE)
        return problem(r, entry, "an 'ignore' entry must be a mapping {rule, url, reason}, not %s", shape_name(entry));
    yaml_node_t *fields[3] = {NULL, NULL, NULL};
    static const char *const names[3] = {"rule", "url", "reason"};
    for (yaml_node_pair_t *p = entry->data.mapping.pairs.start; p < entry->data.mapping.pairs.top; p++) {
        yaml_node_t *key = yaml_document_get_node(r->document, p->key);
        yaml_node_t *value = yaml_document_get_node(r->document, p->value);
        size_t f = 0;
        while (f < 3 && !(scalar(key) && strcmp(scalar(key), names[f]) == 0))
            f++;
        if (f == 3) {
            warning(r, key, "unknown key '%s' in an 'ignore' entry (ignored; it takes rule, url, reason)",
                    scalar(key) ? scalar(key) : "?");
            continue;
        }
        if (!scalar(value))
            return problem(r, value, "'ignore' entry '%s' must be a value, not %s", names[f], shape_name(value));
        fields[f] = value;
    }
    if (!fields[0] && !fields[1])
        return problem(r, entry, "an 'ignore' entry needs a rule, a url pattern, or both");
    if (!fields[2] || !*scalar(fields[2]))
        return problem(r, entry, "an 'ignore' entry needs a reason (it is kept in the output)");
    struct config_ignore *grown = array_grow(r->config->ignores, r->config->ignore_count, sizeof(*grown));
    if (!grown)
        return CP_ERR_NOMEM;
    r->config->ignores = grown;
    struct config_ignore *ignore = &grown[r->config->ignore_count++];
    *ignore = (struct config_ignore){copy_field(fields[0]), copy_field(fields[1]), copy_field(fields[2]),
                                     node_line(entry)};
    return ignore->reason ? CP_OK : CP_ERR_NOMEM;
}

static int read_ignores(struct reader *r, yaml_node_t *list)
{
    if (list->type != YAML_SEQUENCE_NODE)
        return problem(r, list, "'ignore' must be a list of {rule, url, reason}, not %s", shape_name(list));
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
        int status = read_ignore_entry(r, yaml_document_get_node(r->document, *i));
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

/* `format: [sarif, json]` is `--format sarif,json`: one option whose value is a comma list. */
static int read_format_list(struct reader *r, yaml_node_t *list)
{
    char joined[256] = "";
    size_t used = 0;
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
        yaml_node_t *item = yaml_document_get_node(r->document, *i);
        if (!scalar(item))
            return problem(r, item, "each item of 'format' must be a format name, not %s", shape_name(item));
        int n = snprintf(joined + used, sizeof joined - used, "%s%s", used ? "," : "", scalar(item));
        if (n < 0 || (size_t)n >= sizeof joined - used)
            return problem(r, item, "'format' lists too many formats");
        used += (size_t)n;
    }
    return add_value(&r->config->options, &r->config->option_count, "format", joined, node_line(list));
}

/* An option: a value, or a list of values (a repeatable option). */
static int read_option(struct reader *r, const char *name, yaml_node_t *value)
{
    struct config_file *c = r->config;
    if (value->type == YAML_SCALAR_NODE)
        return add_value(&c->options, &c->option_count, name, scalar(value), node_line(value));
    if (value->type != YAML_SEQUENCE_NODE)
        return problem(r, value, "'%s' must be a value or a list of values, not %s", name, shape_name(value));
    if (strcmp(name, "format") == 0)
        return read_format_list(r, value);
    for (yaml_node_item_t *i = value->data.sequence.items.start; i < value->data.sequence.items.top; i++) {
        yaml_node_t *item = yaml_document_get_node(r->document, *i);
        if (!scalar(item))
            return problem(r, item, "each item of '%s' must be a value, not %s", name, shape_name(item));
        int status = add_value(&c->options, &c->option_count, name, scalar(item), node_line(item));
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

static int read_root(struct reader *r, yaml_node_t *root)
{
    if (!root)
        return CP_OK; /* an empty file configures nothing */
    if (root->type != YAML_MAPPING_NODE)
        return problem(r, root, "the configuration must be a mapping of options, not %s", shape_name(root));
    struct config_file *c = r->config;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *key = yaml_document_get_node(r->document, p->key);
        yaml_node_t *value = yaml_document_get_node(r->document, p->value);
        const char *name = scalar(key);
        if (!name)
            return problem(r, key, "a key must be a name, not %s", shape_name(key));
        int status;
        if (strcmp(name, "rules") == 0)
            status = read_scalar_map(r, name, value, &c->rules, &c->rule_count);
        else if (strcmp(name, "thresholds") == 0)
            status = read_scalar_map(r, name, value, &c->thresholds, &c->threshold_count);
        else if (strcmp(name, "ignore") == 0)
            status = read_ignores(r, value);
        else
            status = read_option(r, name, value);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

int config_file_load(const char *command, const char *path, struct config_file *config)
{
    memset(config, 0, sizeof(*config));
    config->path = strdup(path);
    if (!config->path)
        return CP_ERR_NOMEM;
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "crawlpack %s: cannot read the configuration %s: %s\n", command, path, strerror(errno));
        return CP_ERR_IO;
    }
    yaml_parser_t parser;
    yaml_document_t document;
    if (!yaml_parser_initialize(&parser)) {
        fclose(file);
        return CP_ERR_NOMEM;
    }
    yaml_parser_set_input_file(&parser, file);
    int status;
    if (!yaml_parser_load(&parser, &document)) {
        fprintf(stderr, "crawlpack %s: %s:%zu:%zu: not valid YAML: %s\n", command, path, parser.problem_mark.line + 1,
                parser.problem_mark.column + 1, parser.problem ? parser.problem : "parse error");
        status = CP_ERR_INVALID;
    } else {
        struct reader r = {command, config, &document};
        status = read_root(&r, yaml_document_get_root_node(&document));
        yaml_document_delete(&document);
    }
    yaml_parser_delete(&parser);
    fclose(file);
    return status;
}

static void free_values(struct config_value *items, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(items[i].key);
        free(items[i].value);
    }
    free(items);
}

void config_file_free(struct config_file *config)
{
    free_values(config->options, config->option_count);
    free_values(config->rules, config->rule_count);
    free_values(config->thresholds, config->threshold_count);
    for (size_t i = 0; i < config->ignore_count; i++) {
        free(config->ignores[i].rule);
        free(config->ignores[i].url);
        free(config->ignores[i].reason);
    }
    free(config->ignores);
    free(config->path);
    memset(config, 0, sizeof(*config));
}
