/* SPDX-License-Identifier: Apache-2.0 */
/* reports/render_sarif: SARIF 2.1.0 (see render_sarif.h). */
#include "reports/render_sarif.h"

#include <ctype.h>
#include <string.h>

#include "common/error.h"
#include "common/json_write.h"
#include "findings/cause.h"
#include "reports/baseline.h"
#include "reports/render_json.h"

#define SARIF_SCHEMA_URI "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

static const char *sarif_level(enum severity severity)
{
    switch (severity) {
    case SEVERITY_ERROR: return "error";
    case SEVERITY_WARNING: return "warning";
    default: return "note";
    }
}

/* RFC 3986: "scheme:" at the start means the text is already an absolute URI. */
static bool has_scheme(const char *text)
{
    if (!isalpha((unsigned char)text[0]))
        return false;
    const char *p = text + 1;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    /* One letter before the colon is a Windows drive (C:\...), not a scheme. */
    return *p == ':' && p - text > 1;
}

static bool is_hex(char c)
{
    return isxdigit((unsigned char)c) != 0;
}

/* Append text, percent-encoding every byte outside RFC 3986's unreserved and reserved sets (and a
 * '%' that does not start an escape), so the result is a valid URI reference. */
static int append_encoded(struct buf *out, const char *text)
{
    static const char allowed[] = "-._~:/?#[]@!$&'()*+,;=";
    int rc = CP_OK;
    for (const char *p = text; *p && rc == CP_OK; p++) {
        unsigned char c = (unsigned char)*p;
        bool escape_start = c == '%' && is_hex(p[1]) && is_hex(p[2]);
        if (escape_start || (c < 0x80 && (isalnum(c) || (c && strchr(allowed, c)))))
            rc = buf_append_char(out, (char)c);
        else
            rc = buf_printf(out, "%%%02X", c);
    }
    return rc;
}

int sarif_artifact_uri(const char *location, struct buf *out)
{
    if (has_scheme(location))
        return append_encoded(out, location);
    int rc = CP_OK;
    if (location[0] == '/')
        rc = buf_append_str(out, "file://");
    else if (strchr(location, ':') && strcspn(location, ":") < strcspn(location, "/"))
        rc = buf_append_str(out, "./"); /* "a:b.xml" must not read as scheme "a" */
    return rc == CP_OK ? append_encoded(out, location) : rc;
}

/* "sitemap-loc-invalid" -> "SitemapLocInvalid": SARIF's reportingDescriptor.name. */
static void rule_name(const char *id, char *name, size_t size)
{
    size_t at = 0;
    bool upper = true;
    for (const char *p = id; *p && at + 1 < size; p++) {
        if (*p == '-') {
            upper = true;
            continue;
        }
        name[at++] = upper ? (char)toupper((unsigned char)*p) : *p;
        upper = false;
    }
    name[at] = '\0';
}

static void write_text_object(struct json_writer *w, const char *key, const char *text)
{
    json_key(w, key);
    json_begin_object(w);
    json_key(w, "text");
    json_string(w, text);
    json_end_object(w);
}

static int write_rule(struct json_writer *w, const struct rule *rule, struct buf *scratch)
{
    char name[128];
    rule_name(rule->id, name, sizeof(name));
    json_begin_object(w);
    json_key(w, "id");
    json_string(w, rule->id);
    json_key(w, "name");
    json_string(w, name);
    write_text_object(w, "shortDescription", rule->title);
    write_text_object(w, "fullDescription", rule->why);
    json_key(w, "help");
    json_begin_object(w);
    buf_reset(scratch);
    int rc = buf_printf(scratch, "%s\n\nHow to fix: %s", rule->why, rule->fix);
    json_key(w, "text");
    json_string(w, buf_str(scratch));
    buf_reset(scratch);
    if (rc == CP_OK)
        rc = buf_printf(scratch, "**Why it matters.** %s\n\n**How to fix.** %s", rule->why, rule->fix);
    json_key(w, "markdown");
    json_string(w, buf_str(scratch));
    json_end_object(w);
    json_key(w, "defaultConfiguration");
    json_begin_object(w);
    json_key(w, "level");
    json_string(w, sarif_level(rule->severity));
    json_end_object(w);
    json_end_object(w);
    return rc;
}

static int write_driver(struct json_writer *w, const struct report_context *ctx)
{
    struct buf scratch = BUF_INIT;
    int rc = CP_OK;
    json_key(w, "tool");
    json_begin_object(w);
    json_key(w, "driver");
    json_begin_object(w);
    json_key(w, "name");
    json_string(w, ctx->tool_name);
    json_key(w, "version");
    json_string(w, ctx->tool_version);
    if (ctx->tool_information_uri) {
        json_key(w, "informationUri");
        json_string(w, ctx->tool_information_uri);
    }
    json_key(w, "rules");
    json_begin_array(w);
    for (size_t r = 0; r < RULE_COUNT && rc == CP_OK; r++)
        rc = write_rule(w, rule_get((enum rule_id)r), &scratch);
    json_end_array(w);
    json_end_object(w);
    json_end_object(w);
    buf_free(&scratch);
    return rc;
}

static void write_invocation(struct json_writer *w, const struct report_context *ctx)
{
    char when[32];
    json_key(w, "invocations");
    json_begin_array(w);
    json_begin_object(w);
    json_key(w, "executionSuccessful");
    json_bool(w, true);
    if (ctx->partial) { /* the run finished, but did not see the whole site: a warning notification */
        json_key(w, "toolExecutionNotifications");
        json_begin_array(w);
        json_begin_object(w);
        json_key(w, "level");
        json_string(w, "warning");
        json_key(w, "message");
        json_begin_object(w);
        json_key(w, "text");
        json_string(w, ctx->partial);
        json_end_object(w);
        json_end_object(w);
        json_end_array(w);
    }
    if (ctx->started_at) {
        json_key(w, "startTimeUtc");
        json_string(w, report_format_time(ctx, 0, true, when));
        json_key(w, "endTimeUtc");
        json_string(w, report_format_time(ctx, ctx->duration_seconds, true, when));
    }
    json_key(w, "properties");
    json_begin_object(w);
    report_write_json_inputs(w, ctx);
    report_write_json_options(w, ctx);
    json_end_object(w);
    json_end_object(w);
    json_end_array(w);
}

/* A location object: the artifact (URL or file) and, when line > 0, its region. id < 0 and a NULL
 * message leave those out (primary locations). */
static int write_location(struct json_writer *w, int id, const char *where, unsigned line, unsigned column,
                          const char *message, struct buf *scratch)
{
    buf_reset(scratch);
    int rc = sarif_artifact_uri(where, scratch);
    json_begin_object(w);
    if (id >= 0) {
        json_key(w, "id");
        json_int(w, id);
    }
    json_key(w, "physicalLocation");
    json_begin_object(w);
    json_key(w, "artifactLocation");
    json_begin_object(w);
    json_key(w, "uri");
    json_string(w, buf_str(scratch));
    json_end_object(w);
    if (line) {
        json_key(w, "region");
        json_begin_object(w);
        json_key(w, "startLine");
        json_uint(w, line);
        if (column) {
            json_key(w, "startColumn");
            json_uint(w, column);
        }
        json_end_object(w);
    }
    json_end_object(w);
    if (message)
        write_text_object(w, "message", message);
    json_end_object(w);
    return rc;
}

static bool is_related(const struct finding *f, const char *text)
{
    for (size_t i = 0; i < f->related_count; i++)
        if (strcmp(f->related[i], text) == 0)
            return true;
    return false;
}

static int write_locations(struct json_writer *w, const struct finding *f, struct buf *scratch)
{
    int rc = CP_OK;
    bool file_primary = f->source && f->line;
    const char *primary = file_primary ? f->source : f->url ? f->url : f->source;
    json_key(w, "locations");
    json_begin_array(w);
    if (primary)
        rc = write_location(w, -1, primary, file_primary ? f->line : 0, f->column, NULL, scratch);
    json_end_array(w);

    bool url_related = file_primary && f->url && strcmp(f->url, f->source) != 0;
    bool source_related = !file_primary && f->source && f->url && strcmp(f->source, f->url) != 0 &&
                          !is_related(f, f->source);
    if (!url_related && !source_related && !f->related_count)
        return rc;
    int id = 1;
    json_key(w, "relatedLocations");
    json_begin_array(w);
    if (url_related && rc == CP_OK)
        rc = write_location(w, id++, f->url, 0, 0, "URL concerned", scratch);
    if (source_related && rc == CP_OK)
        rc = write_location(w, id++, f->source, 0, 0, "where it was seen", scratch);
    for (size_t i = 0; i < f->related_count && rc == CP_OK; i++)
        rc = write_location(w, id++, f->related[i], 0, 0, "related URL", scratch);
    json_end_array(w);
    return rc;
}

/* ---- audits of a folder (--root): locations are files, URLs go to properties ---- */

static bool file_of(const struct report_context *ctx, const char *url, struct buf *path)
{
    buf_reset(path);
    return url && ctx->artifact_file(ctx->artifact_context, url, path);
}

/* The primary location: the file and line the finding was seen at (a sitemap entry, a tag in a
 * page), else the file of the URL concerned, else the file of where it was seen. None of these when
 * the URL has no file (a missing page outside any file we can point at): then no location at all
 * would be invalid for code scanning, so the site folder itself stands in. */
static int write_file_locations(struct json_writer *w, const struct finding *f, const struct report_context *ctx,
                                struct buf *scratch)
{
    struct buf path = BUF_INIT;
    unsigned line = 0, column = 0;
    if (f->source && f->line && file_of(ctx, f->source, &path)) {
        line = f->line, column = f->column;
    } else if (file_of(ctx, f->url, &path)) {
        /* the file of the URL concerned, no region */
    } else if (file_of(ctx, f->source, &path)) {
        line = f->line, column = f->column;
    } else {
        buf_reset(&path); /* artifact_file(NULL) names the folder itself */
        if (!ctx->artifact_file(ctx->artifact_context, NULL, &path))
            buf_append_str(&path, ".");
    }
    json_key(w, "locations");
    json_begin_array(w);
    int rc = write_location(w, -1, buf_str(&path), line, column, NULL, scratch);
    json_end_array(w);
    /* related URLs that are files of the folder; the others are in properties */
    int id = 1;
    bool open = false;
    for (size_t i = 0; i < f->related_count && rc == CP_OK; i++) {
        if (!file_of(ctx, f->related[i], &path))
            continue;
        if (!open) {
            json_key(w, "relatedLocations");
            json_begin_array(w);
            open = true;
        }
        rc = write_location(w, id++, buf_str(&path), 0, 0, "related URL", scratch);
    }
    if (open)
        json_end_array(w);
    buf_free(&path);
    return rc;
}

/* The URLs of a finding located by file, as members of the result's properties object. */
static void write_url_properties(struct json_writer *w, const struct finding *f)
{
    if (f->url) {
        json_key(w, "url");
        json_string(w, f->url);
    }
    if (f->source) {
        json_key(w, "source");
        json_string(w, f->source);
    }
    if (f->related_count) {
        json_key(w, "relatedUrls");
        json_begin_array(w);
        for (size_t i = 0; i < f->related_count; i++)
            json_string(w, f->related[i]);
        json_end_array(w);
    }
}

static int write_result(struct json_writer *w, const struct finding *f, const char *state,
                        const struct finding_cause_group *cause, const struct report_context *ctx, struct buf *scratch)
{
    const struct rule *rule = rule_get(f->rule);
    char fingerprint[17];
    json_begin_object(w);
    json_key(w, "ruleId");
    json_string(w, rule->id);
    json_key(w, "ruleIndex");
    json_uint(w, (uint64_t)f->rule);
    json_key(w, "level");
    json_string(w, sarif_level(rule->severity));
    write_text_object(w, "message", f->message);
    int rc = ctx->artifact_file ? write_file_locations(w, f, ctx, scratch) : write_locations(w, f, scratch);
    finding_fingerprint_hex(f, fingerprint);
    json_key(w, "partialFingerprints");
    json_begin_object(w);
    json_key(w, SARIF_FINGERPRINT_KEY);
    json_string(w, fingerprint);
    json_end_object(w);
    if (state) {
        json_key(w, "baselineState");
        json_string(w, strcmp(state, "existing") == 0 ? "unchanged" : "new");
    }
    json_key(w, "properties");
    json_begin_object(w);
    json_key(w, "cause");
    json_string(w, cause->key);
    json_key(w, "causeSummary");
    json_string(w, cause->summary);
    if (ctx->artifact_file)
        write_url_properties(w, f);
    json_end_object(w);
    json_end_object(w);
    return rc;
}

static void write_run_properties(struct json_writer *w, const struct report_context *ctx,
                                 const struct finding_causes *causes)
{
    json_key(w, "properties");
    json_begin_object(w);
    json_key(w, "causes");
    render_causes_json(w, causes);
    if (ctx->partial) {
        json_key(w, "partial");
        json_string(w, ctx->partial);
    }
    if (ctx->run_id) {
        json_key(w, "run_id");
        json_string(w, ctx->run_id);
    }
    if (ctx->has_page_counts) {
        json_key(w, "pages");
        json_uint(w, ctx->pages);
        json_key(w, "indexable");
        json_uint(w, ctx->indexable);
    }
    if (ctx->baseline) {
        json_key(w, "baseline");
        json_string(w, ctx->baseline->baseline->path);
        json_key(w, "fixed");
        json_uint(w, ctx->baseline->fixed_count);
    }
    json_end_object(w);
}

/* GitHub code scanning refuses a run with more results than this. */
#define SARIF_MAX_RESULTS 25000
#define SARIF_CAPPED_RULE_ID "crawlpack-results-capped"

/* Over the limit: one result in place of the findings left out, at the first one's location, so
 * the upload is accepted and says what it lacks. */
static int write_capped_result(struct json_writer *w, const struct finding_list *list, size_t written,
                               struct buf *scratch)
{
    char text[400];
    snprintf(text, sizeof text,
             "%zu more findings are not in this file: GitHub code scanning takes at most %d results per run. "
             "findings.json lists all %zu; switch rules off or ignore URL patterns in the configuration "
             "(docs/config.md) to bring the number down.",
             list->count - written, SARIF_MAX_RESULTS, list->count);
    json_begin_object(w);
    json_key(w, "ruleId");
    json_string(w, SARIF_CAPPED_RULE_ID);
    json_key(w, "level");
    json_string(w, "note");
    write_text_object(w, "message", text);
    int rc = write_locations(w, &list->items[written], scratch);
    json_end_object(w);
    return rc;
}

int render_findings_sarif(FILE *out, const struct finding_list *list, const struct report_context *ctx)
{
    struct finding_causes causes;
    if (finding_causes_build(list, &causes) != CP_OK) {
        finding_causes_free(&causes);
        return CP_ERR_NOMEM;
    }
    struct json_writer w;
    struct buf scratch = BUF_INIT;
    json_writer_init(&w, out, true);
    json_begin_object(&w);
    json_key(&w, "$schema");
    json_string(&w, SARIF_SCHEMA_URI);
    json_key(&w, "version");
    json_string(&w, "2.1.0");
    json_key(&w, "runs");
    json_begin_array(&w);
    json_begin_object(&w);
    int rc = write_driver(&w, ctx);
    write_invocation(&w, ctx);
    json_key(&w, "results");
    json_begin_array(&w);
    /* The list is in report order, most severe first: what is cut is the least severe. */
    size_t shown = list->count > SARIF_MAX_RESULTS ? SARIF_MAX_RESULTS - 1 : list->count;
    for (size_t i = 0; i < shown && rc == CP_OK; i++)
        rc = write_result(&w, &list->items[i], report_baseline_state(ctx, i), &causes.groups[causes.group_of[i]], ctx,
                          &scratch);
    if (shown < list->count && rc == CP_OK)
        rc = write_capped_result(&w, list, shown, &scratch);
    json_end_array(&w);
    write_run_properties(&w, ctx, &causes);
    json_end_object(&w);
    json_end_array(&w);
    json_end_object(&w);
    buf_free(&scratch);
    finding_causes_free(&causes);
    if (json_writer_finish(&w) != 0 && rc == CP_OK)
        rc = CP_ERR_IO;
    return rc;
}
