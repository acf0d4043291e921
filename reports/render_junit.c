/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_junit: JUnit XML in two groupings (see render_junit.h). */
#include "reports/render_junit.h"

#include <libxml/chvalid.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "findings/cause.h"
#include "reports/baseline.h"
#include "reports/render_text.h"

#define REPLACEMENT_CHARACTER "\xEF\xBF\xBD"

int xml_clean_text(const char *text, struct buf *out)
{
    buf_reset(out);
    int rc = buf_append(out, "", 0); /* "" rather than NULL data for an empty text */
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    size_t left = strlen((const char *)p);
    while (left && rc == CP_OK) {
        int length = left > 4 ? 4 : (int)left;
        int c = xmlGetUTF8Char(p, &length);
        /* xmlGetUTF8Char accepts some malformed input (a continuation byte as lead, overlong
         * forms that would smuggle '<' or NUL through), so the bytes must also be exactly the
         * canonical encoding of the character they decode to. */
        xmlChar canonical[8];
        bool valid = c >= 0 && xmlIsCharQ(c) && xmlCopyCharMultiByte(canonical, c) == length &&
                     memcmp(canonical, p, (size_t)length) == 0;
        if (!valid) {
            rc = buf_append_str(out, REPLACEMENT_CHARACTER);
            length = 1;
        } else {
            rc = buf_append(out, p, (size_t)length);
        }
        p += length;
        left -= (size_t)length;
    }
    return rc;
}

struct junit {
    xmlTextWriterPtr writer;
    struct buf clean;
    int status;
    const struct report_context *ctx;
    const struct finding_list *list;
    struct finding_causes causes; /* by rule: each suite lists its rule's causes as properties */
};

static void check(struct junit *j, int xml_rc)
{
    if (xml_rc < 0 && j->status == CP_OK)
        j->status = CP_ERR_IO;
}

static const char *clean(struct junit *j, const char *text)
{
    if (xml_clean_text(text, &j->clean) != CP_OK && j->status == CP_OK)
        j->status = CP_ERR_NOMEM;
    return buf_str(&j->clean);
}

/* xs:token attributes with minLength 1 (names) must keep a non-space character. */
static const char *token_or(const char *text, const char *fallback)
{
    return text && text[strspn(text, " \t\r\n")] ? text : fallback;
}

static void attribute(struct junit *j, const char *name, const char *value)
{
    check(j, xmlTextWriterWriteAttribute(j->writer, BAD_CAST name, BAD_CAST clean(j, value)));
}

static void attribute_count(struct junit *j, const char *name, size_t value)
{
    check(j, xmlTextWriterWriteFormatAttribute(j->writer, BAD_CAST name, "%zu", value));
}

static void start(struct junit *j, const char *element)
{
    check(j, xmlTextWriterStartElement(j->writer, BAD_CAST element));
}

static void end(struct junit *j)
{
    check(j, xmlTextWriterEndElement(j->writer));
}

static void text(struct junit *j, const char *value)
{
    check(j, xmlTextWriterWriteString(j->writer, BAD_CAST clean(j, value)));
}

static void property(struct junit *j, const char *name, const char *value)
{
    start(j, "property");
    attribute(j, "name", name);
    attribute(j, "value", value);
    end(j);
}

struct suite_counts {
    size_t tests;
    size_t failures;
    size_t skipped;
};

/* <testsuite> start tag and the properties every suite carries; extra is one more property. */
static void start_suite(struct junit *j, const char *name, size_t id, struct suite_counts counts,
                        const char *extra_name, const char *extra_value)
{
    char timestamp[32], tool[256];
    const struct report_context *ctx = j->ctx;
    start(j, "testsuite");
    attribute(j, "name", token_or(name, "(unnamed)"));
    attribute(j, "package", ctx->tool_name);
    attribute_count(j, "id", id);
    attribute(j, "timestamp", report_format_time(ctx, 0, false, timestamp));
    attribute(j, "hostname", token_or(ctx->hostname, "localhost"));
    attribute_count(j, "tests", counts.tests);
    attribute_count(j, "failures", counts.failures);
    attribute_count(j, "errors", 0);
    attribute_count(j, "skipped", counts.skipped);
    attribute(j, "time", "0");
    start(j, "properties");
    snprintf(tool, sizeof(tool), "%s %s", ctx->tool_name, ctx->tool_version);
    property(j, "tool", tool);
    property(j, "fail-on", severity_name(ctx->fail_on));
    if (ctx->baseline)
        property(j, "baseline", ctx->baseline->baseline->path);
    if (ctx->partial)
        property(j, "partial", ctx->partial);
    if (ctx->run_id)
        property(j, "run_id", ctx->run_id);
    property(j, extra_name, extra_value);
    /* By rule: one "cause" property per cause of the rule, "KEY: SUMMARY", largest first. */
    const struct rule *rule = rule_find(name ? name : "");
    for (size_t g = 0; rule && strcmp(extra_name, "severity") == 0 && g < j->causes.count; g++) {
        if (j->causes.groups[g].rule != rule->symbol)
            continue;
        struct buf value = BUF_INIT;
        if (buf_printf(&value, "%s: %s", j->causes.groups[g].key, j->causes.groups[g].summary) != CP_OK &&
            j->status == CP_OK)
            j->status = CP_ERR_NOMEM;
        property(j, "cause", buf_str(&value));
        buf_free(&value);
    }
    end(j);
}

static void end_suite(struct junit *j)
{
    start(j, "system-out");
    end(j);
    start(j, "system-err");
    end(j);
    end(j);
}

static void start_testcase(struct junit *j, const char *name, const char *classname)
{
    start(j, "testcase");
    attribute(j, "name", name);
    attribute(j, "classname", classname);
    attribute(j, "time", "0");
}

/* Why a finding that does not fail the run is reported as skipped. */
static void skip_reason(struct junit *j, const struct finding *f, size_t index, struct buf *out)
{
    const char *state = report_baseline_state(j->ctx, index);
    if (rule_get(f->rule)->severity >= j->ctx->fail_on && state)
        buf_printf(out, "%s finding (in baseline)", state);
    else
        buf_printf(out, "%s below --fail-on %s", severity_name(rule_get(f->rule)->severity),
                   severity_name(j->ctx->fail_on));
}

/* The result element (failure or skipped) of a testcase: message attribute and body text. */
static void write_outcome(struct junit *j, bool fails, const char *severity, const char *message, const char *body)
{
    start(j, fails ? "failure" : "skipped");
    attribute(j, "message", message);
    if (fails)
        attribute(j, "type", severity);
    text(j, body);
    end(j);
}

static void append_rule_help(struct buf *body, const struct rule *rule)
{
    buf_printf(body, "Rule: %s (%s): %s\nWhy: %s\nFix: %s\n", rule->id, severity_name(rule->severity), rule->title,
               rule->why, rule->fix);
}

/* ---- grouping by rule ---- */

/* What a by-rule testcase is called: where the finding is, unique enough to tell findings apart. */
static void finding_label(const struct finding *f, struct buf *out)
{
    buf_append_str(out, f->url ? f->url : f->source ? f->source : "(no location)");
    bool source_differs = f->url && f->source && strcmp(f->url, f->source) != 0;
    if (!source_differs && !(f->url && f->line))
        return;
    buf_append_str(out, source_differs ? " (" : " (line ");
    if (source_differs)
        buf_append_str(out, f->source);
    if (f->line)
        buf_printf(out, source_differs ? ":%u" : "%u", f->line);
    if (f->line && f->column)
        buf_printf(out, ":%u", f->column);
    buf_append_char(out, ')');
}

static void write_finding_case(struct junit *j, size_t index, struct buf *scratch)
{
    const struct finding *f = &j->list->items[index];
    const struct rule *rule = rule_get(f->rule);
    bool fails = report_finding_fails(j->ctx, j->list, index);
    const char *state = report_baseline_state(j->ctx, index);

    buf_reset(scratch);
    finding_label(f, scratch);
    start_testcase(j, buf_str(scratch), rule->id);

    struct buf body = BUF_INIT, message = BUF_INIT;
    buf_printf(&body, "%s\n", f->message);
    if (f->url)
        buf_printf(&body, "URL: %s\n", f->url);
    if (f->source) {
        buf_printf(&body, "Source: %s", f->source);
        if (f->line)
            buf_printf(&body, ":%u", f->line);
        if (f->line && f->column)
            buf_printf(&body, ":%u", f->column);
        buf_append_char(&body, '\n');
    }
    if (finding_file(f))
        buf_printf(&body, "File: %s\n", finding_file(f));
    for (size_t i = 0; i < f->related_count; i++)
        buf_printf(&body, "Related: %s\n", f->related[i]);
    if (state)
        buf_printf(&body, "Baseline: %s\n", state);
    append_rule_help(&body, rule);
    if (!fails) {
        skip_reason(j, f, index, &message);
        buf_append_str(&message, ": ");
    }
    buf_append_str(&message, f->message);
    write_outcome(j, fails, severity_name(rule->severity), buf_str(&message), buf_str(&body));
    buf_free(&body);
    buf_free(&message);
    end(j);
}

static void write_by_rule(struct junit *j)
{
    struct suite_counts counts[RULE_COUNT];
    memset(counts, 0, sizeof(counts));
    for (size_t i = 0; i < j->list->count; i++) {
        struct suite_counts *c = &counts[j->list->items[i].rule];
        c->tests++;
        if (report_finding_fails(j->ctx, j->list, i))
            c->failures++;
        else
            c->skipped++;
    }
    struct buf scratch = BUF_INIT;
    size_t suite_id = 0;
    for (size_t r = 0; r < RULE_COUNT; r++) {
        const struct rule *rule = rule_get((enum rule_id)r);
        if (!counts[r].tests && !report_rule_checked(j->ctx, rule->symbol))
            continue;
        struct suite_counts shown = counts[r];
        if (!shown.tests)
            shown.tests = 1; /* the passing "no findings" case */
        start_suite(j, rule->id, suite_id++, shown, "severity", severity_name(rule->severity));
        if (!counts[r].tests) {
            start_testcase(j, "no findings", rule->id);
            end(j);
        }
        for (size_t i = 0; i < j->list->count; i++)
            if (j->list->items[i].rule == rule->symbol)
                write_finding_case(j, i, &scratch);
        end_suite(j);
    }
    buf_free(&scratch);
}

/* ---- grouping by source file ---- */

static const char *file_of(const struct finding *f)
{
    return f->source ? f->source : f->url ? f->url : "(no file)";
}

/* One finding's place in the by-file order: file, then rule (catalog order), then list order. */
struct file_entry {
    const char *file;
    enum rule_id rule;
    size_t index;
};

static int compare_file_entries(const void *pa, const void *pb)
{
    const struct file_entry *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);
    if (c == 0 && a->rule != b->rule)
        c = a->rule < b->rule ? -1 : 1;
    if (c == 0 && a->index != b->index)
        c = a->index < b->index ? -1 : 1;
    return c;
}

/* First entry whose file is not less than file (entries sorted). */
static size_t lower_bound(const struct file_entry *entries, size_t count, const char *file)
{
    size_t low = 0, high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (strcmp(entries[mid].file, file) < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

static bool is_input(const struct report_context *ctx, const char *file)
{
    for (size_t i = 0; i < ctx->input_count; i++)
        if (strcmp(ctx->inputs[i], file) == 0)
            return true;
    return false;
}

/* The findings of one rule in one file: entries[first..last). */
struct rule_group {
    const struct file_entry *first;
    const struct file_entry *last;
};

static bool group_fails(struct junit *j, struct rule_group g)
{
    for (const struct file_entry *e = g.first; e < g.last; e++)
        if (report_finding_fails(j->ctx, j->list, e->index))
            return true;
    return false;
}

/* Each finding of the group as a compiler-style line (render_text), then the rule's help. */
static int group_body(struct junit *j, struct rule_group g, struct buf *body)
{
    char *lines = NULL;
    size_t size = 0;
    FILE *memory = open_memstream(&lines, &size);
    if (!memory)
        return CP_ERR_NOMEM;
    for (const struct file_entry *e = g.first; e < g.last; e++) {
        const char *state = report_baseline_state(j->ctx, e->index);
        if (state)
            fprintf(memory, "[%s] ", state);
        render_finding_text(memory, &j->list->items[e->index]);
    }
    int failed = fclose(memory);
    if (failed || !lines) {
        free(lines);
        return CP_ERR_NOMEM;
    }
    int rc = buf_append_str(body, lines);
    free(lines);
    if (rc == CP_OK)
        append_rule_help(body, rule_get(g.first->rule));
    return rc;
}

static void write_rule_case(struct junit *j, const char *file, enum rule_id rule_id, struct rule_group g)
{
    const struct rule *rule = rule_get(rule_id);
    start_testcase(j, rule->id, token_or(file, "(no file)"));
    size_t count = (size_t)(g.last - g.first);
    if (count) {
        bool fails = group_fails(j, g);
        struct buf body = BUF_INIT, message = BUF_INIT;
        if (group_body(j, g, &body) != CP_OK && j->status == CP_OK)
            j->status = CP_ERR_NOMEM;
        if (!fails) {
            skip_reason(j, &j->list->items[g.first->index], g.first->index, &message);
            buf_append_str(&message, ": ");
        }
        if (count == 1)
            buf_append_str(&message, j->list->items[g.first->index].message);
        else
            buf_printf(&message, "%zu findings", count);
        write_outcome(j, fails, severity_name(rule->severity), buf_str(&message), buf_str(&body));
        buf_free(&body);
        buf_free(&message);
    }
    end(j);
}

static void write_file_suite(struct junit *j, const char *file, size_t suite_id, const struct file_entry *entries,
                             size_t entry_count)
{
    size_t first = lower_bound(entries, entry_count, file);
    size_t last = first;
    while (last < entry_count && strcmp(entries[last].file, file) == 0)
        last++;
    /* Split the file's range into one group per rule. */
    struct rule_group groups[RULE_COUNT];
    for (size_t r = 0; r < RULE_COUNT; r++)
        groups[r].first = groups[r].last = NULL;
    for (size_t i = first; i < last; i++) {
        if (!groups[entries[i].rule].first)
            groups[entries[i].rule].first = &entries[i];
        groups[entries[i].rule].last = &entries[i] + 1;
    }
    struct suite_counts counts = {0};
    for (size_t r = 0; r < RULE_COUNT; r++) {
        if (!groups[r].first && !report_rule_checked(j->ctx, (enum rule_id)r))
            continue;
        counts.tests++;
        if (groups[r].first && group_fails(j, groups[r]))
            counts.failures++;
        else if (groups[r].first)
            counts.skipped++;
    }
    start_suite(j, file, suite_id, counts, "file", file);
    for (size_t r = 0; r < RULE_COUNT; r++)
        if (groups[r].first || report_rule_checked(j->ctx, (enum rule_id)r))
            write_rule_case(j, file, (enum rule_id)r, groups[r]);
    end_suite(j);
}

static void write_by_source_file(struct junit *j)
{
    size_t count = j->list->count;
    struct file_entry *entries = calloc(count + 1, sizeof(*entries));
    if (!entries) {
        j->status = CP_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < count; i++)
        entries[i] = (struct file_entry){file_of(&j->list->items[i]), j->list->items[i].rule, i};
    qsort(entries, count, sizeof(*entries), compare_file_entries);

    size_t suite_id = 0;
    for (size_t i = 0; i < j->ctx->input_count; i++)
        write_file_suite(j, j->ctx->inputs[i], suite_id++, entries, count);
    /* Files only findings name (sitemap index children): in name order, after the inputs. */
    for (size_t i = 0; i < count; i++) {
        bool first_of_file = i == 0 || strcmp(entries[i - 1].file, entries[i].file) != 0;
        if (first_of_file && !is_input(j->ctx, entries[i].file))
            write_file_suite(j, entries[i].file, suite_id++, entries, count);
    }
    free(entries);
}

int render_findings_junit(FILE *out, const struct finding_list *list, const struct report_context *ctx,
                          enum junit_grouping grouping)
{
    xmlOutputBufferPtr output = xmlOutputBufferCreateFile(out, NULL);
    if (!output)
        return CP_ERR_NOMEM;
    struct junit j = {.writer = xmlNewTextWriter(output), .ctx = ctx, .list = list};
    if (!j.writer) {
        xmlOutputBufferClose(output);
        return CP_ERR_NOMEM;
    }
    check(&j, xmlTextWriterSetIndent(j.writer, 1));
    check(&j, xmlTextWriterSetIndentString(j.writer, BAD_CAST "  "));
    check(&j, xmlTextWriterStartDocument(j.writer, "1.0", "UTF-8", NULL));
    start(&j, "testsuites");
    if (grouping == JUNIT_BY_SOURCE_FILE) {
        write_by_source_file(&j);
    } else {
        if (finding_causes_build(list, &j.causes) != CP_OK)
            j.status = CP_ERR_NOMEM;
        write_by_rule(&j);
    }
    end(&j);
    check(&j, xmlTextWriterEndDocument(j.writer));
    xmlFreeTextWriter(j.writer); /* flushes and frees output; out stays open */
    buf_free(&j.clean);
    finding_causes_free(&j.causes);
    if (j.status == CP_OK && (fflush(out) != 0 || ferror(out)))
        j.status = CP_ERR_IO;
    return j.status;
}
