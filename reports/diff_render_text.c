/* SPDX-License-Identifier: Apache-2.0 */
/* reports/diff_render_text: the diff for a terminal or CI log — a summary, the findings by rule,
 * then every list in full, one line per item. Empty lists are left out. */
#include "reports/diff_render.h"

#include "common/error.h"

static const char *plural(size_t count, const char *one, const char *many)
{
    return count == 1 ? one : many;
}

static void write_header(FILE *out, const struct diff *diff)
{
    fprintf(out, "crawlpack diff: %s -> %s\n", diff->old_dir, diff->new_dir);
    for (size_t i = 0; i < diff->options.map_count; i++)
        fprintf(out, "URLs of both mapped: %s -> %s\n", diff->options.maps[i].from, diff->options.maps[i].to);
    const struct diff_side *sides[] = {&diff->old_side, &diff->new_side};
    const char *dirs[] = {diff->old_dir, diff->new_dir};
    for (int i = 0; i < 2; i++)
        if (sides[i]->crawl.partial)
            fprintf(out, "partial comparison: %s is a partial crawl (%s)\n", dirs[i], sides[i]->crawl.partial);
    if (diff->partial)
        fprintf(out, "not compared (a partial side did not read them): %zu page%s, %zu fixed and %zu new finding%s\n",
                diff->pages_not_compared, plural(diff->pages_not_compared, "", "s"), diff->fixed_not_compared,
                diff->new_not_compared, plural(diff->new_not_compared, "", "s"));
}

static void write_summary(FILE *out, const struct diff *diff)
{
    const struct diff_side *o = &diff->old_side, *n = &diff->new_side;
    fprintf(out, "\nSummary\n");
    fprintf(out, "  pages                 %zu -> %zu (%zu added, %zu removed)\n", o->crawl.page_count,
            n->crawl.page_count, diff->added.count, diff->removed.count);
    fprintf(out, "  indexable pages       %zu -> %zu\n", o->indexable, n->indexable);
    if (diff->findings_compared) {
        const struct finding_list *list = &diff->new_findings;
        size_t errors = findings_count_at_least(list, SEVERITY_ERROR);
        size_t warnings = findings_count_at_least(list, SEVERITY_WARNING) - errors;
        size_t notices = list->count - errors - warnings;
        fprintf(out, "  findings              %zu -> %zu (%zu new, %zu fixed, %zu unchanged)\n",
                o->findings.findings.count, n->findings.findings.count, list->count, diff->fixed_findings.count,
                diff->unchanged_finding_count);
        fprintf(out, "  new findings          %zu %s, %zu %s, %zu %s\n", errors, plural(errors, "error", "errors"),
                warnings, plural(warnings, "warning", "warnings"), notices, plural(notices, "notice", "notices"));
    } else {
        fprintf(out, "  findings              not compared (%s has no findings.json)\n",
                o->has_findings ? diff->new_dir : diff->old_dir);
    }
    fprintf(out, "  status changes        %zu\n", diff->status_changed.count);
    fprintf(out, "  indexability changes  %zu\n", diff->indexability_changed.count);
    fprintf(out, "  depth changes         %zu (%d or more clicks, or reached <-> not reached)\n",
            diff->depth_changed.count, diff->options.depth_threshold);
}

static void write_rules(FILE *out, const struct diff *diff)
{
    if (diff->rule_count == 0)
        return;
    fprintf(out, "\nFindings by rule\n  %-30s %-8s %5s %6s %10s\n", "rule", "severity", "new", "fixed", "unchanged");
    for (size_t i = 0; i < diff->rule_count; i++) {
        const struct diff_rule_counts *r = &diff->rules[i];
        const struct rule *rule = rule_get(r->rule);
        fprintf(out, "  %-30s %-8s %5zu %6zu %10zu\n", rule->id, severity_name(rule->severity), r->new_count,
                r->fixed_count, r->unchanged_count);
    }
}

static void write_findings(FILE *out, const char *title, char mark, const struct finding_list *list)
{
    if (list->count == 0)
        return;
    fprintf(out, "\n%s (%zu)\n", title, list->count);
    for (size_t i = 0; i < list->count; i++) {
        const struct finding *f = &list->items[i];
        const struct rule *rule = rule_get(f->rule);
        const char *where = f->url ? f->url : f->source ? f->source : "-";
        fprintf(out, "  %c %s: %s: %s: %s\n", mark, severity_name(rule->severity), rule->id, where, f->message);
    }
}

/* What a page line says after its URL. */
enum page_line {
    LINE_ADDED,
    LINE_REMOVED,
    LINE_STATUS,
    LINE_INDEXABILITY,
    LINE_DEPTH,
};

static int describe_page(struct buf *b, const struct diff_page *p, enum page_line kind)
{
    int s = CP_OK;
    switch (kind) {
    case LINE_ADDED:
    case LINE_REMOVED: {
        const struct crawl_page *page = kind == LINE_ADDED ? p->new_page : p->old_page;
        s = buf_append_str(b, kind == LINE_ADDED ? "status " : "was: status ");
        s = s ? s : diff_status_text(page, b);
        s = s ? s : buf_append_str(b, ", depth ");
        s = s ? s : diff_depth_text(page, b);
        s = s ? s : buf_append_str(b, ", ");
        return s ? s : diff_indexability_text(page, b);
    }
    case LINE_STATUS:
        s = diff_status_text(p->old_page, b);
        s = s ? s : buf_append_str(b, " -> ");
        return s ? s : diff_status_text(p->new_page, b);
    case LINE_INDEXABILITY:
        s = diff_indexability_text(p->old_page, b);
        s = s ? s : buf_append_str(b, " -> ");
        return s ? s : diff_indexability_text(p->new_page, b);
    case LINE_DEPTH:
        s = diff_depth_text(p->old_page, b);
        s = s ? s : buf_append_str(b, " -> ");
        s = s ? s : diff_depth_text(p->new_page, b);
        if (s == CP_OK && p->old_page->depth >= 0 && p->new_page->depth >= 0)
            s = buf_printf(b, " (%+d)", p->new_page->depth - p->old_page->depth);
        return s;
    }
    return s;
}

static int write_pages(FILE *out, const char *title, char mark, const struct diff_page_list *list, enum page_line kind)
{
    if (list->count == 0)
        return CP_OK;
    fprintf(out, "\n%s (%zu)\n", title, list->count);
    struct buf line = BUF_INIT;
    int status = CP_OK;
    for (size_t i = 0; status == CP_OK && i < list->count; i++) {
        buf_reset(&line);
        status = describe_page(&line, &list->items[i], kind);
        if (status == CP_OK)
            fprintf(out, "  %c %s: %s\n", mark, list->items[i].url, buf_str(&line));
    }
    buf_free(&line);
    return status;
}

int diff_render_text(FILE *out, const struct diff *diff)
{
    write_header(out, diff);
    write_summary(out, diff);
    write_rules(out, diff);
    write_findings(out, "New findings", '+', &diff->new_findings);
    write_findings(out, "Fixed findings", '-', &diff->fixed_findings);
    int status = write_pages(out, "Pages added", '+', &diff->added, LINE_ADDED);
    if (status == CP_OK)
        status = write_pages(out, "Pages removed", '-', &diff->removed, LINE_REMOVED);
    if (status == CP_OK)
        status = write_pages(out, "Status changes", '~', &diff->status_changed, LINE_STATUS);
    if (status == CP_OK)
        status = write_pages(out, "Indexability changes", '~', &diff->indexability_changed, LINE_INDEXABILITY);
    if (status == CP_OK)
        status = write_pages(out, "Depth changes", '~', &diff->depth_changed, LINE_DEPTH);
    if (status == CP_OK && (fflush(out) != 0 || ferror(out)))
        status = CP_ERR_IO;
    return status;
}
