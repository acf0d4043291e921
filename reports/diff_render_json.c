/* SPDX-License-Identifier: Apache-2.0 */
/* reports/diff_render_json: the whole diff as one JSON document for scripts (shape in docs/diff.md).
 * Findings are written with render_finding_json, so they have the findings.json shape. */
#include "reports/diff_render.h"

#include "common/buf.h"
#include "common/error.h"
#include "common/json_write.h"
#include "reports/render_json.h"

static void write_count_key(struct json_writer *w, const char *key, size_t value)
{
    json_key(w, key);
    json_uint(w, value);
}

static void write_side(struct json_writer *w, const char *key, const char *dir, const struct diff_side *side)
{
    json_key(w, key);
    json_begin_object(w);
    json_key(w, "dir");
    json_string(w, dir);
    write_count_key(w, "pages", side->crawl.page_count);
    write_count_key(w, "indexable", side->indexable);
    json_key(w, "findings");
    if (side->has_findings)
        json_uint(w, side->findings.findings.count);
    else
        json_null(w);
    json_end_object(w);
}

static void write_options(struct json_writer *w, const struct diff *diff)
{
    json_key(w, "maps");
    json_begin_array(w);
    for (size_t i = 0; i < diff->options.map_count; i++) {
        json_begin_object(w);
        json_key(w, "from");
        json_string(w, diff->options.maps[i].from);
        json_key(w, "to");
        json_string(w, diff->options.maps[i].to);
        json_end_object(w);
    }
    json_end_array(w);
    json_key(w, "depth_threshold");
    json_int(w, diff->options.depth_threshold);
}

static void write_summary(struct json_writer *w, const struct diff *diff)
{
    json_key(w, "summary");
    json_begin_object(w);
    json_key(w, "findings_compared");
    json_bool(w, diff->findings_compared);
    json_key(w, "partial");
    if (diff->partial) {
        json_begin_object(w);
        json_key(w, "old");
        if (diff->old_side.crawl.partial)
            json_string(w, diff->old_side.crawl.partial);
        else
            json_null(w);
        json_key(w, "new");
        if (diff->new_side.crawl.partial)
            json_string(w, diff->new_side.crawl.partial);
        else
            json_null(w);
        write_count_key(w, "pages_not_compared", diff->pages_not_compared);
        write_count_key(w, "fixed_not_compared", diff->fixed_not_compared);
        write_count_key(w, "new_not_compared", diff->new_not_compared);
        json_end_object(w);
    } else {
        json_null(w);
    }
    write_count_key(w, "new_findings", diff->new_findings.count);
    json_key(w, "new_by_severity");
    json_begin_object(w);
    size_t errors = findings_count_at_least(&diff->new_findings, SEVERITY_ERROR);
    size_t warnings = findings_count_at_least(&diff->new_findings, SEVERITY_WARNING) - errors;
    write_count_key(w, "error", errors);
    write_count_key(w, "warning", warnings);
    write_count_key(w, "notice", diff->new_findings.count - errors - warnings);
    json_end_object(w);
    write_count_key(w, "fixed_findings", diff->fixed_findings.count);
    write_count_key(w, "unchanged_findings", diff->unchanged_finding_count);
    write_count_key(w, "pages_added", diff->added.count);
    write_count_key(w, "pages_removed", diff->removed.count);
    write_count_key(w, "status_changes", diff->status_changed.count);
    write_count_key(w, "indexability_changes", diff->indexability_changed.count);
    write_count_key(w, "depth_changes", diff->depth_changed.count);
    json_end_object(w);
}

static void write_rules(struct json_writer *w, const struct diff *diff)
{
    json_key(w, "by_rule");
    json_begin_array(w);
    for (size_t i = 0; i < diff->rule_count; i++) {
        const struct rule *rule = rule_get(diff->rules[i].rule);
        json_begin_object(w);
        json_key(w, "rule");
        json_string(w, rule->id);
        json_key(w, "severity");
        json_string(w, severity_name(rule->severity));
        write_count_key(w, "new", diff->rules[i].new_count);
        write_count_key(w, "fixed", diff->rules[i].fixed_count);
        write_count_key(w, "unchanged", diff->rules[i].unchanged_count);
        json_end_object(w);
    }
    json_end_array(w);
}

static void write_findings(struct json_writer *w, const char *key, const struct finding_list *list)
{
    json_key(w, key);
    json_begin_array(w);
    for (size_t i = 0; i < list->count; i++)
        render_finding_json(w, &list->items[i], NULL);
    json_end_array(w);
}

/* A page's facts as they are: status (0 when there was no response), depth (null when not reached
 * by links), indexable, and why not (null for an indexable page). */
static int write_page_facts(struct json_writer *w, const struct crawl_page *page)
{
    struct buf reason = BUF_INIT;
    bool indexable = crawl_page_is_indexable(page);
    if (!indexable && crawl_page_explain_not_indexable(page, &reason) != CP_OK) {
        buf_free(&reason);
        return CP_ERR_NOMEM;
    }
    json_begin_object(w);
    json_key(w, "status");
    json_int(w, page->status);
    json_key(w, "depth");
    if (page->depth >= 0)
        json_int(w, page->depth);
    else
        json_null(w);
    json_key(w, "indexable");
    json_bool(w, indexable);
    json_key(w, "not_indexable_reason");
    json_string(w, indexable ? NULL : buf_str(&reason));
    json_end_object(w);
    buf_free(&reason);
    return CP_OK;
}

/* Every entry is {"url", "old", "new"} with the page facts of each side (null for the side that
 * lacks the page), so all five lists read the same way. */
static int write_pages(struct json_writer *w, const char *key, const struct diff_page_list *list)
{
    int status = CP_OK;
    json_key(w, key);
    json_begin_array(w);
    for (size_t i = 0; status == CP_OK && i < list->count; i++) {
        const struct diff_page *p = &list->items[i];
        json_begin_object(w);
        json_key(w, "url");
        json_string(w, p->url);
        json_key(w, "old");
        if (p->old_page)
            status = write_page_facts(w, p->old_page);
        else
            json_null(w);
        json_key(w, "new");
        if (status == CP_OK && p->new_page)
            status = write_page_facts(w, p->new_page);
        else if (status == CP_OK)
            json_null(w);
        json_end_object(w);
    }
    json_end_array(w);
    return status;
}

int diff_render_json(FILE *out, const struct diff *diff)
{
    struct json_writer w;
    json_writer_init(&w, out, true);
    json_begin_object(&w);
    json_key(&w, "schema");
    json_int(&w, DIFF_JSON_SCHEMA);
    json_key(&w, "tool");
    json_begin_object(&w);
    json_key(&w, "name");
    json_string(&w, "crawlpack");
    json_key(&w, "version");
    json_string(&w, CRAWLPACK_VERSION);
    json_end_object(&w);
    write_side(&w, "old", diff->old_dir, &diff->old_side);
    write_side(&w, "new", diff->new_dir, &diff->new_side);
    write_options(&w, diff);
    write_summary(&w, diff);
    write_rules(&w, diff);
    write_findings(&w, "new_findings", &diff->new_findings);
    write_findings(&w, "fixed_findings", &diff->fixed_findings);
    const struct {
        const char *key;
        const struct diff_page_list *list;
    } page_lists[] = {
        {"pages_added", &diff->added},
        {"pages_removed", &diff->removed},
        {"status_changes", &diff->status_changed},
        {"indexability_changes", &diff->indexability_changed},
        {"depth_changes", &diff->depth_changed},
    };
    int status = CP_OK;
    for (size_t i = 0; status == CP_OK && i < sizeof(page_lists) / sizeof(page_lists[0]); i++)
        status = write_pages(&w, page_lists[i].key, page_lists[i].list);
    json_end_object(&w);
    if (json_writer_finish(&w) != 0 && status == CP_OK)
        status = CP_ERR_IO;
    return status;
}
