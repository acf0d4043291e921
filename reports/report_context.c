/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_context: defaults and the fail policy shared by every renderer (see
 * report_context.h). */
#include "reports/report_context.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/json_write.h"
#include "reports/baseline.h"

void report_context_init(struct report_context *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->tool_name = "crawlpack";
    ctx->tool_version = CRAWLPACK_VERSION;
    ctx->fail_on = SEVERITY_ERROR;
    ctx->junit_grouping = JUNIT_BY_RULE;
}

/* A comparison made for another list (wrong length) is ignored rather than read out of bounds. */
static const struct baseline_comparison *usable_baseline(const struct report_context *ctx, size_t index)
{
    const struct baseline_comparison *b = ctx->baseline;
    return b && index < b->state_count ? b : NULL;
}

bool report_finding_fails(const struct report_context *ctx, const struct finding_list *list, size_t index)
{
    if (index >= list->count)
        return false;
    if (rule_get(list->items[index].rule)->severity < ctx->fail_on)
        return false;
    const struct baseline_comparison *b = usable_baseline(ctx, index);
    if (!b || ctx->fail_on_existing)
        return true;
    return b->states[index] == BASELINE_NEW;
}

size_t report_count_failing(const struct report_context *ctx, const struct finding_list *list)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        if (report_finding_fails(ctx, list, i))
            n++;
    return n;
}

const char *report_baseline_state(const struct report_context *ctx, size_t index)
{
    const struct baseline_comparison *b = usable_baseline(ctx, index);
    return b ? baseline_state_name(b->states[index]) : NULL;
}

bool report_rule_checked(const struct report_context *ctx, enum rule_id rule)
{
    if (!ctx->checked_rules)
        return true;
    for (size_t i = 0; i < ctx->checked_rule_count; i++)
        if (ctx->checked_rules[i] == rule)
            return true;
    return false;
}

char *report_format_time(const struct report_context *ctx, double offset_seconds, bool with_zone, char text[32])
{
    /* Bounded so a nonsense duration cannot overflow time_t. */
    double offset = isfinite(offset_seconds) && offset_seconds > 0 ? fmin(offset_seconds, 1e9) : 0;
    time_t when = ctx->started_at + (time_t)llround(offset);
    struct tm tm;
    if (!gmtime_r(&when, &tm))
        memset(&tm, 0, sizeof(tm));
    if (strftime(text, 32, with_zone ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        strcpy(text, with_zone ? "1970-01-01T00:00:00Z" : "1970-01-01T00:00:00");
    return text;
}

void report_write_json_inputs(struct json_writer *w, const struct report_context *ctx)
{
    json_key(w, "inputs");
    json_begin_array(w);
    for (size_t i = 0; i < ctx->input_count; i++)
        json_string(w, ctx->inputs[i]);
    json_end_array(w);
}

void report_write_json_options(struct json_writer *w, const struct report_context *ctx)
{
    json_key(w, "options");
    json_begin_array(w);
    for (size_t i = 0; i < ctx->option_count; i++) {
        json_begin_object(w);
        json_key(w, "name");
        json_string(w, ctx->options[i].name);
        json_key(w, "value");
        json_string(w, ctx->options[i].value);
        json_end_object(w);
    }
    json_end_array(w);
}
