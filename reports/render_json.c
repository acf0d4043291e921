/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_json: findings.json (see render_json.h). */
#include "reports/render_json.h"

#include "common/error.h"
#include "common/json_write.h"
#include "findings/cause.h"
#include "reports/baseline.h"

static void write_tool(struct json_writer *w, const struct report_context *ctx)
{
    json_key(w, "tool");
    json_begin_object(w);
    json_key(w, "name");
    json_string(w, ctx->tool_name);
    json_key(w, "version");
    json_string(w, ctx->tool_version);
    json_end_object(w);
}

static void write_run(struct json_writer *w, const struct report_context *ctx)
{
    char started[32];
    json_key(w, "run");
    json_begin_object(w);
    report_write_json_inputs(w, ctx);
    json_key(w, "started_at");
    if (ctx->started_at)
        json_string(w, report_format_time(ctx, 0, true, started));
    else
        json_null(w);
    json_key(w, "duration_seconds");
    json_double(w, ctx->duration_seconds);
    if (ctx->run_id) {
        json_key(w, "run_id");
        json_string(w, ctx->run_id);
    }
    report_write_json_options(w, ctx);
    json_key(w, "partial");
    if (ctx->partial)
        json_string(w, ctx->partial);
    else
        json_null(w);
    json_end_object(w);
}

static void write_count_or_null(struct json_writer *w, const char *key, bool known, size_t value)
{
    json_key(w, key);
    if (known)
        json_uint(w, value);
    else
        json_null(w);
}

void render_causes_json(struct json_writer *w, const struct finding_causes *causes)
{
    json_begin_array(w);
    for (size_t g = 0; g < causes->count; g++) {
        const struct finding_cause_group *group = &causes->groups[g];
        json_begin_object(w);
        json_key(w, "cause");
        json_string(w, group->key);
        json_key(w, "rule");
        json_string(w, rule_get(group->rule)->id);
        json_key(w, "severity");
        json_string(w, severity_name(rule_get(group->rule)->severity));
        json_key(w, "findings");
        json_uint(w, group->count);
        json_key(w, "related");
        json_uint(w, group->related);
        json_key(w, "summary");
        json_string(w, group->summary);
        json_end_object(w);
    }
    json_end_array(w);
}

static void write_summary(struct json_writer *w, const struct finding_list *list, const struct finding_causes *causes,
                          const struct report_context *ctx)
{
    size_t by_rule[RULE_COUNT] = {0};
    size_t by_severity[SEVERITY_NEVER] = {0};
    for (size_t i = 0; i < list->count; i++) {
        by_rule[list->items[i].rule]++;
        by_severity[rule_get(list->items[i].rule)->severity]++;
    }
    json_key(w, "summary");
    json_begin_object(w);
    write_count_or_null(w, "pages", ctx->has_page_counts, ctx->pages);
    write_count_or_null(w, "indexable", ctx->has_page_counts, ctx->indexable);
    json_key(w, "by_rule");
    json_begin_object(w);
    for (size_t r = 0; r < RULE_COUNT; r++) {
        if (!by_rule[r])
            continue;
        json_key(w, rule_get((enum rule_id)r)->id);
        json_uint(w, by_rule[r]);
    }
    json_end_object(w);
    json_key(w, "by_severity");
    json_begin_object(w);
    for (enum severity s = SEVERITY_ERROR; s >= SEVERITY_NOTICE; s--) {
        json_key(w, severity_name(s));
        json_uint(w, by_severity[s]);
    }
    json_end_object(w);
    json_key(w, "by_cause");
    render_causes_json(w, causes);
    if (ctx->baseline) {
        json_key(w, "baseline");
        json_begin_object(w);
        json_key(w, "file");
        json_string(w, ctx->baseline->baseline->path);
        json_key(w, "new");
        json_uint(w, ctx->baseline->new_count);
        json_key(w, "existing");
        json_uint(w, ctx->baseline->existing_count);
        json_key(w, "fixed");
        json_uint(w, ctx->baseline->fixed_count);
        json_end_object(w);
    }
    json_end_object(w);
}

void render_finding_json(struct json_writer *w, const struct finding *f, const char *state)
{
    const struct rule *rule = rule_get(f->rule);
    char fingerprint[17];
    json_begin_object(w);
    json_key(w, "rule");
    json_string(w, rule->id);
    json_key(w, "severity");
    json_string(w, severity_name(rule->severity));
    json_key(w, "url");
    json_string(w, f->url);
    json_key(w, "related");
    json_begin_array(w);
    for (size_t i = 0; i < f->related_count; i++)
        json_string(w, f->related[i]);
    json_end_array(w);
    json_key(w, "message");
    json_string(w, f->message);
    json_key(w, "source");
    json_string(w, f->source);
    if (f->line) {
        json_key(w, "line");
        json_uint(w, f->line);
        if (f->column) {
            json_key(w, "column");
            json_uint(w, f->column);
        }
    }
    json_key(w, "file");
    json_string(w, finding_file(f));
    struct buf cause = BUF_INIT;
    if (finding_cause_key(f, &cause) == CP_OK) {
        json_key(w, "cause");
        json_string(w, buf_str(&cause));
    }
    buf_free(&cause);
    finding_fingerprint_hex(f, fingerprint);
    json_key(w, "fingerprint");
    json_string(w, fingerprint);
    if (state) {
        json_key(w, "baseline_state");
        json_string(w, state);
    }
    json_end_object(w);
}

int render_findings_json(FILE *out, const struct finding_list *list, const struct report_context *ctx)
{
    struct finding_causes causes;
    if (finding_causes_build(list, &causes) != CP_OK) {
        finding_causes_free(&causes);
        return CP_ERR_NOMEM;
    }
    struct json_writer w;
    json_writer_init(&w, out, true);
    json_begin_object(&w);
    json_key(&w, "schema");
    json_int(&w, FINDINGS_JSON_SCHEMA);
    write_tool(&w, ctx);
    write_run(&w, ctx);
    write_summary(&w, list, &causes, ctx);
    json_key(&w, "findings");
    json_begin_array(&w);
    for (size_t i = 0; i < list->count; i++)
        render_finding_json(&w, &list->items[i], report_baseline_state(ctx, i));
    json_end_array(&w);
    if (ctx->baseline) {
        const struct baseline_comparison *b = ctx->baseline;
        json_key(&w, "fixed");
        json_begin_array(&w);
        for (size_t i = 0; i < b->fixed_count; i++)
            render_finding_json(&w, &b->baseline->findings.items[b->fixed[i]], NULL);
        json_end_array(&w);
    }
    json_end_object(&w);
    finding_causes_free(&causes);
    return json_writer_finish(&w) == 0 ? CP_OK : CP_ERR_IO;
}
