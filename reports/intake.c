/* SPDX-License-Identifier: Apache-2.0 */
/* reports/intake: the intake YAML schema as a table, and a walker that fills struct intake from a
 * libyaml document tree (see intake.h). One table per mapping keeps the schema readable in one
 * place and the error messages uniform. */
#include "reports/intake.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/error.h"
#include "common/array_grow.h"
#include "common/log.h"

const char *const intake_pain_ids[] = {
    "reliability", "performance", "cost", "privacy", "developer-velocity", "data-quality", "discoverability", NULL,
};

enum field_kind {
    FIELD_STRING,  /* char * */
    FIELD_STRINGS, /* struct intake_strings; a single scalar is a one-item list */
    FIELD_NUMBER,  /* struct intake_number */
    FIELD_BOOL,    /* bool at offset, bool "set" at aux_offset */
    FIELD_PAINS,   /* struct intake_strings restricted to intake_pain_ids */
    FIELD_MAP,     /* a nested mapping whose fields live in the same struct */
    FIELD_RECORDS, /* a sequence of mappings: pointer at offset, size_t count at aux_offset */
};

struct record_spec;

struct field_spec {
    const char *key;
    enum field_kind kind;
    size_t offset;
    size_t aux_offset;
    const struct record_spec *record;
};

/* A mapping's fields; for FIELD_RECORDS also the element size, where its line goes, and which
 * string field a bare scalar item fills (open questions may be plain strings). */
struct record_spec {
    const char *what;
    const struct field_spec *fields;
    size_t element_size;
    size_t line_offset;
    bool has_line;
    const char *scalar_key;
};

#define F(kind, type, member)                          \
    {                                                  \
#member, kind, offsetof(type, member), 0, NULL \
    }
#define FK(key, kind, type, member)                \
    {                                              \
        key, kind, offsetof(type, member), 0, NULL \
    }
#define END                 \
    {                       \
        NULL, 0, 0, 0, NULL \
    }

static const struct field_spec candidate_fields[] = {
    F(FIELD_STRING, struct intake_candidate, name),
    F(FIELD_STRINGS, struct intake_candidate, consumers),
    F(FIELD_STRING, struct intake_candidate, contract),
    F(FIELD_STRING, struct intake_candidate, product_specific),
    F(FIELD_STRING, struct intake_candidate, migration),
    F(FIELD_STRING, struct intake_candidate, rollback),
    END,
};
static const struct record_spec candidate_record = {"platform candidate",
                                                    candidate_fields,
                                                    sizeof(struct intake_candidate),
                                                    offsetof(struct intake_candidate, line),
                                                    true,
                                                    NULL};

static const struct field_spec slo_fields[] = {
    F(FIELD_STRING, struct intake_slo, name),
    F(FIELD_STRING, struct intake_slo, sli),
    F(FIELD_STRING, struct intake_slo, target),
    F(FIELD_STRING, struct intake_slo, window),
    F(FIELD_STRING, struct intake_slo, measurement),
    F(FIELD_STRING, struct intake_slo, owner),
    F(FIELD_STRING, struct intake_slo, error_budget_policy),
    F(FIELD_STRING, struct intake_slo, confidence),
    END,
};
static const struct record_spec slo_record = {
    "SLO", slo_fields, sizeof(struct intake_slo), offsetof(struct intake_slo, line), true, NULL};

static const struct field_spec limit_fields[] = {
    F(FIELD_STRING, struct intake_limit, metric),          F(FIELD_STRING, struct intake_limit, unit),
    F(FIELD_NUMBER, struct intake_limit, current),         F(FIELD_NUMBER, struct intake_limit, limit),
    F(FIELD_NUMBER, struct intake_limit, alert_threshold), F(FIELD_NUMBER, struct intake_limit, growth_per_month),
    F(FIELD_STRING, struct intake_limit, lead_time),       F(FIELD_STRING, struct intake_limit, mitigation),
    F(FIELD_STRING, struct intake_limit, owner),           END,
};
static const struct record_spec limit_record = {
    "capacity limit", limit_fields, sizeof(struct intake_limit), offsetof(struct intake_limit, line), true, NULL};

static const struct field_spec event_fields[] = {
    F(FIELD_STRING, struct intake_event, name),
    F(FIELD_STRING, struct intake_event, owner),
    F(FIELD_STRINGS, struct intake_event, properties),
    F(FIELD_STRING, struct intake_event, identity),
    F(FIELD_STRING, struct intake_event, delivery),
    F(FIELD_STRINGS, struct intake_event, qa_checks),
    F(FIELD_STRINGS, struct intake_event, clients),
    {"server_side", FIELD_BOOL, offsetof(struct intake_event, server_side),
     offsetof(struct intake_event, server_side_set), NULL},
    END,
};
static const struct record_spec event_record = {
    "event", event_fields, sizeof(struct intake_event), offsetof(struct intake_event, line), true, NULL};

static const struct field_spec milestone_fields[] = {
    F(FIELD_STRING, struct intake_milestone, id),
    F(FIELD_STRING, struct intake_milestone, name),
    F(FIELD_STRING, struct intake_milestone, owner),
    F(FIELD_STRING, struct intake_milestone, date),
    F(FIELD_STRINGS, struct intake_milestone, dependencies),
    F(FIELD_STRINGS, struct intake_milestone, acceptance),
    F(FIELD_STRING, struct intake_milestone, rollout),
    END,
};
static const struct record_spec milestone_record = {
    "milestone", milestone_fields, sizeof(struct intake_milestone), offsetof(struct intake_milestone, line), true,
    NULL};

static const struct field_spec question_fields[] = {
    F(FIELD_STRING, struct intake_question, question),
    F(FIELD_STRING, struct intake_question, owner),
    END,
};
static const struct record_spec question_record = {"open question", question_fields, sizeof(struct intake_question), 0,
                                                   false,           "question"};

static const struct field_spec system_fields[] = {
    F(FIELD_STRING, struct intake, boundary),
    F(FIELD_STRINGS, struct intake, primary_users),
    F(FIELD_STRINGS, struct intake, stakeholders),
    END,
};
static const struct record_spec system_map = {"system", system_fields, 0, 0, false, NULL};

static const struct field_spec architecture_fields[] = {
    F(FIELD_STRINGS, struct intake, data_stores),
    F(FIELD_STRING, struct intake, runtime),
    F(FIELD_STRING, struct intake, deployment),
    F(FIELD_STRINGS, struct intake, dependencies),
    END,
};
static const struct record_spec architecture_map = {"architecture", architecture_fields, 0, 0, false, NULL};

static const struct field_spec scale_fields[] = {
    FK("current", FIELD_STRING, struct intake, scale_current),
    FK("growth", FIELD_STRING, struct intake, scale_growth),
    FK("spikes", FIELD_STRINGS, struct intake, scale_spikes),
    END,
};
static const struct record_spec scale_map = {"scale", scale_fields, 0, 0, false, NULL};

static const struct field_spec constraints_fields[] = {
    F(FIELD_STRINGS, struct intake, deadlines),
    F(FIELD_STRING, struct intake, staffing),
    F(FIELD_STRING, struct intake, risk_tolerance),
    F(FIELD_STRINGS, struct intake, compliance),
    END,
};
static const struct record_spec constraints_map = {"constraints", constraints_fields, 0, 0, false, NULL};

static const struct field_spec privacy_fields[] = {
    F(FIELD_STRING, struct intake, residency),
    F(FIELD_STRING, struct intake, encryption),
    F(FIELD_STRING, struct intake, access),
    F(FIELD_STRING, struct intake, retention),
    END,
};
static const struct record_spec privacy_map = {"privacy", privacy_fields, 0, 0, false, NULL};

static const struct field_spec instrumentation_fields[] = {
    FK("gaps", FIELD_STRINGS, struct intake, observability_gaps),
    {"events", FIELD_RECORDS, offsetof(struct intake, events), offsetof(struct intake, event_count), &event_record},
    END,
};
static const struct record_spec instrumentation_map = {"instrumentation", instrumentation_fields, 0, 0, false, NULL};

static const struct field_spec top_fields[] = {
    F(FIELD_STRING, struct intake, decision),
    F(FIELD_STRING, struct intake, horizon),
    F(FIELD_STRING, struct intake, success),
    {"system", FIELD_MAP, 0, 0, &system_map},
    F(FIELD_PAINS, struct intake, pains),
    {"architecture", FIELD_MAP, 0, 0, &architecture_map},
    {"scale", FIELD_MAP, 0, 0, &scale_map},
    {"constraints", FIELD_MAP, 0, 0, &constraints_map},
    {"privacy", FIELD_MAP, 0, 0, &privacy_map},
    {"platform_candidates", FIELD_RECORDS, offsetof(struct intake, candidates),
     offsetof(struct intake, candidate_count), &candidate_record},
    {"slos", FIELD_RECORDS, offsetof(struct intake, slos), offsetof(struct intake, slo_count), &slo_record},
    {"capacity_limits", FIELD_RECORDS, offsetof(struct intake, limits), offsetof(struct intake, limit_count),
     &limit_record},
    {"instrumentation", FIELD_MAP, 0, 0, &instrumentation_map},
    {"milestones", FIELD_RECORDS, offsetof(struct intake, milestones), offsetof(struct intake, milestone_count),
     &milestone_record},
    F(FIELD_STRINGS, struct intake, risks),
    {"open_questions", FIELD_RECORDS, offsetof(struct intake, questions), offsetof(struct intake, question_count),
     &question_record},
    F(FIELD_STRINGS, struct intake, next_steps),
    END,
};
static const struct record_spec top_map = {"intake", top_fields, 0, 0, false, NULL};

struct walker {
    const char *path;
    yaml_document_t *document;
    size_t errors;
    size_t warnings;
    bool out_of_memory;
};

static unsigned node_line(const yaml_node_t *node)
{
    return (unsigned)node->start_mark.line + 1;
}

static const char *node_kind_name(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

static void walker_error(struct walker *w, const yaml_node_t *node, const char *key, const char *expected)
{
    log_error("%s:%u: key '%s': expected %s, found %s", w->path, node_line(node), key, expected, node_kind_name(node));
    w->errors++;
}

static const char *scalar_text(const yaml_node_t *node)
{
    return (const char *)node->data.scalar.value;
}

/* A YAML null ("", "~", "null") leaves a field unset rather than setting it to that text. */
static bool scalar_is_null(const yaml_node_t *node)
{
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *t = scalar_text(node);
    return t[0] == 0 || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 || strcmp(t, "Null") == 0 ||
           strcmp(t, "NULL") == 0;
}

static void set_string(struct walker *w, char **slot, const char *text)
{
    char *copy = strdup(text);
    if (!copy) {
        w->out_of_memory = true;
        return;
    }
    free(*slot);
    *slot = copy;
}

static void strings_push(struct walker *w, struct intake_strings *list, const char *text)
{
    char **items = array_grow(list->items, list->count, sizeof(*items));
    if (!items) {
        w->out_of_memory = true;
        return;
    }
    list->items = items;
    items[list->count] = strdup(text);
    if (!items[list->count]) {
        w->out_of_memory = true;
        return;
    }
    list->count++;
}

static bool is_pain(const char *text)
{
    for (size_t i = 0; intake_pain_ids[i]; i++)
        if (strcmp(intake_pain_ids[i], text) == 0)
            return true;
    return false;
}

static void read_strings(struct walker *w, const yaml_node_t *node, const char *key, struct intake_strings *list,
                         bool pains)
{
    if (node->type == YAML_SCALAR_NODE) {
        if (!scalar_is_null(node))
            strings_push(w, list, scalar_text(node));
    } else if (node->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
            yaml_node_t *item = yaml_document_get_node(w->document, *it);
            if (!item || item->type != YAML_SCALAR_NODE) {
                char item_key[160];
                snprintf(item_key, sizeof(item_key), "%.140s[%zu]", key,
                         (size_t)(it - node->data.sequence.items.start) + 1);
                walker_error(w, item ? item : node, item_key, "text");
                continue;
            }
            if (pains && !is_pain(scalar_text(item))) {
                log_error("%s:%u: key '%s': '%s' is not a pain from the source's list; expected one of "
                          "reliability, performance, cost, privacy, developer-velocity, data-quality, "
                          "discoverability",
                          w->path, node_line(item), key, scalar_text(item));
                w->errors++;
                continue;
            }
            strings_push(w, list, scalar_text(item));
        }
    } else {
        walker_error(w, node, key, "text or a list of text items");
    }
}

static void read_number(struct walker *w, const yaml_node_t *node, const char *key, struct intake_number *number)
{
    if (node->type != YAML_SCALAR_NODE) {
        walker_error(w, node, key, "a number");
        return;
    }
    if (scalar_is_null(node))
        return;
    const char *text = scalar_text(node);
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != 0 || errno == ERANGE || !isfinite(value)) {
        log_error("%s:%u: key '%s': expected a number, found '%s'", w->path, node_line(node), key, text);
        w->errors++;
        return;
    }
    number->value = value;
    number->set = true;
}

static void read_bool(struct walker *w, const yaml_node_t *node, const char *key, bool *value, bool *set)
{
    static const char *const yes[] = {"true", "yes", "on", "True", "Yes", "TRUE", NULL};
    static const char *const no[] = {"false", "no", "off", "False", "No", "FALSE", NULL};
    if (node->type == YAML_SCALAR_NODE) {
        for (size_t i = 0; yes[i]; i++)
            if (strcmp(scalar_text(node), yes[i]) == 0) {
                *value = *set = true;
                return;
            }
        for (size_t i = 0; no[i]; i++)
            if (strcmp(scalar_text(node), no[i]) == 0) {
                *value = false;
                *set = true;
                return;
            }
    }
    walker_error(w, node, key, "true or false");
}

static void read_mapping(struct walker *w, const yaml_node_t *node, const struct record_spec *spec, void *base,
                         const char *key);

static void read_records(struct walker *w, const yaml_node_t *node, const struct field_spec *field, void *base,
                         const char *key)
{
    const struct record_spec *spec = field->record;
    if (node->type != YAML_SEQUENCE_NODE) {
        if (!(node->type == YAML_SCALAR_NODE && scalar_is_null(node)))
            walker_error(w, node, key, "a list of mappings");
        return;
    }
    void **items = (void **)((char *)base + field->offset);
    size_t *count = (size_t *)((char *)base + field->aux_offset);
    struct buf item_path = BUF_INIT;
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(w->document, *it);
        if (!item)
            continue;
        buf_reset(&item_path);
        buf_printf(&item_path, "%s[%zu]", key, (size_t)(it - node->data.sequence.items.start) + 1);
        if (item->type != YAML_MAPPING_NODE && !(spec->scalar_key && item->type == YAML_SCALAR_NODE)) {
            walker_error(w, item, buf_str(&item_path), spec->scalar_key ? "text or a mapping" : "a mapping");
            continue;
        }
        char *grown = array_grow(*items, *count, spec->element_size);
        if (!grown) {
            w->out_of_memory = true;
            break;
        }
        *items = grown;
        char *element = grown + *count * spec->element_size;
        memset(element, 0, spec->element_size);
        (*count)++;
        if (spec->has_line)
            *(unsigned *)(element + spec->line_offset) = node_line(item);
        if (item->type == YAML_SCALAR_NODE) {
            for (const struct field_spec *f = spec->fields; f->key; f++)
                if (strcmp(f->key, spec->scalar_key) == 0)
                    set_string(w, (char **)(element + f->offset), scalar_text(item));
        } else {
            read_mapping(w, item, spec, element, buf_str(&item_path));
        }
    }
    buf_free(&item_path);
}

static void read_field(struct walker *w, const yaml_node_t *value, const struct field_spec *field, void *base,
                       const char *key)
{
    char *slot = (char *)base + field->offset;
    switch (field->kind) {
    case FIELD_STRING:
        if (value->type != YAML_SCALAR_NODE)
            walker_error(w, value, key, "text");
        else if (!scalar_is_null(value))
            set_string(w, (char **)slot, scalar_text(value));
        break;
    case FIELD_STRINGS:
    case FIELD_PAINS: read_strings(w, value, key, (struct intake_strings *)slot, field->kind == FIELD_PAINS); break;
    case FIELD_NUMBER: read_number(w, value, key, (struct intake_number *)slot); break;
    case FIELD_BOOL: read_bool(w, value, key, (bool *)slot, (bool *)((char *)base + field->aux_offset)); break;
    case FIELD_MAP:
        if (value->type == YAML_MAPPING_NODE)
            read_mapping(w, value, field->record, base, key);
        else if (!(value->type == YAML_SCALAR_NODE && scalar_is_null(value)))
            walker_error(w, value, key, "a mapping");
        break;
    case FIELD_RECORDS: read_records(w, value, field, base, key); break;
    }
}

static void read_mapping(struct walker *w, const yaml_node_t *node, const struct record_spec *spec, void *base,
                         const char *key)
{
    if (node->type != YAML_MAPPING_NODE) {
        walker_error(w, node, *key ? key : "(top level)", "a mapping");
        return;
    }
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(w->document, pair->key);
        yaml_node_t *v = yaml_document_get_node(w->document, pair->value);
        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            walker_error(w, k, *key ? key : "(top level)", "text keys");
            continue;
        }
        const struct field_spec *field = spec->fields;
        while (field->key && strcmp(field->key, scalar_text(k)) != 0)
            field++;
        struct buf path = BUF_INIT;
        buf_printf(&path, "%s%s%s", key, *key ? "." : "", scalar_text(k));
        if (!field->key) {
            log_warn("%s:%u: unknown key '%s' in %s (ignored; see docs/intake.md)", w->path, node_line(k),
                     buf_str(&path), spec->what);
            w->warnings++;
        } else {
            read_field(w, v, field, base, buf_str(&path));
        }
        buf_free(&path);
    }
}

/* The text of line number line (1-based) of file, trimmed, at most 80 characters; "" if absent. */
static void line_text(FILE *file, size_t line, char out[96])
{
    out[0] = 0;
    if (fseek(file, 0, SEEK_SET) != 0)
        return;
    size_t current = 1, len = 0;
    int c;
    while (current < line && (c = getc(file)) != EOF)
        current += c == '\n';
    while ((c = getc(file)) != EOF && c != '\n' && len < 80)
        if (!(len == 0 && (c == ' ' || c == '\t')) && c != '\r')
            out[len++] = (char)c;
    out[len] = 0;
}

/* "FILE:LINE:COLUMN: not valid YAML: PROBLEM (CONTEXT at line N) near "TEXT"". */
static void report_syntax_error(const char *path, FILE *file, const yaml_parser_t *parser)
{
    const yaml_mark_t *mark = &parser->problem_mark;
    char near[96];
    line_text(file, mark->line + 1, near);
    struct buf context = BUF_INIT;
    if (parser->context)
        buf_printf(&context, " (%s at line %zu)", parser->context, parser->context_mark.line + 1);
    log_error("%s:%zu:%zu: not valid YAML: %s%s%s%s%s", path, mark->line + 1, mark->column + 1,
              parser->problem ? parser->problem : "parse error", buf_str(&context), near[0] ? " near \"" : "", near,
              near[0] ? "\"" : "");
    buf_free(&context);
}

void intake_init(struct intake *intake)
{
    memset(intake, 0, sizeof(*intake));
}

int intake_load(const char *path, struct intake *intake, size_t *warnings)
{
    intake_init(intake);
    if (warnings)
        *warnings = 0;
    intake->path = strdup(path);
    intake->present = true;
    FILE *file = fopen(path, "rb");
    if (!file) {
        log_error("%s: cannot read the intake file: %s", path, strerror(errno));
        return CP_ERR_IO;
    }
    yaml_parser_t parser;
    yaml_document_t document;
    if (!yaml_parser_initialize(&parser)) {
        fclose(file);
        return CP_ERR_NOMEM;
    }
    yaml_parser_set_input_file(&parser, file);
    if (!yaml_parser_load(&parser, &document)) {
        report_syntax_error(path, file, &parser);
        yaml_parser_delete(&parser);
        fclose(file);
        return CP_ERR_PARSE;
    }
    struct walker w = {path, &document, 0, 0, false};
    yaml_node_t *root = yaml_document_get_root_node(&document);
    if (root && !(root->type == YAML_SCALAR_NODE && scalar_is_null(root)))
        read_mapping(&w, root, &top_map, intake, "");
    if (intake->pains.count > 3) {
        log_warn("%s: pains lists %zu entries; the source asks to pick 1-3", path, intake->pains.count);
        w.warnings++;
    }
    yaml_document_delete(&document);
    yaml_parser_delete(&parser);
    fclose(file);
    if (warnings)
        *warnings = w.warnings;
    if (w.out_of_memory)
        return CP_ERR_NOMEM;
    return w.errors ? CP_ERR_INVALID : CP_OK;
}

static void strings_free(struct intake_strings *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

/* Free every string and list a spec describes, recursively, inside base. */
static void free_fields(const struct field_spec *fields, void *base)
{
    for (const struct field_spec *f = fields; f->key; f++) {
        char *slot = (char *)base + f->offset;
        switch (f->kind) {
        case FIELD_STRING: free(*(char **)slot); break;
        case FIELD_STRINGS:
        case FIELD_PAINS: strings_free((struct intake_strings *)slot); break;
        case FIELD_MAP: free_fields(f->record->fields, base); break;
        case FIELD_RECORDS: {
            char *items = *(char **)slot;
            size_t count = *(size_t *)((char *)base + f->aux_offset);
            for (size_t i = 0; i < count; i++)
                free_fields(f->record->fields, items + i * f->record->element_size);
            free(items);
            break;
        }
        default: break;
        }
    }
}

void intake_free(struct intake *intake)
{
    free_fields(top_fields, intake);
    free(intake->path);
    intake_init(intake);
}
