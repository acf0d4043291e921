/* SPDX-License-Identifier: Apache-2.0 */
/* reports/diff_render_markdown: the diff as a pull-request comment — one summary table, then each
 * non-empty list in a collapsible <details> block of at most DIFF_MARKDOWN_MAX_ROWS rows.
 *
 * URLs and messages come from the crawled site, so every cell is escaped: a crawled page must not
 * be able to inject HTML, links or table breaks into a comment that reviewers trust. */
#include "reports/diff_render.h"

#include <string.h>

#include "common/error.h"

/* How many bytes of text a cell shows: at most DIFF_MARKDOWN_MAX_CELL, cut at a UTF-8 character
 * start. */
static size_t cell_length(const char *text)
{
    size_t length = strlen(text);
    if (length <= DIFF_MARKDOWN_MAX_CELL)
        return length;
    size_t cut = DIFF_MARKDOWN_MAX_CELL;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

/* Append text as a table cell: line breaks as spaces, &<> as entities, and Markdown punctuation
 * backslash-escaped so it reads as itself. */
static void cell(FILE *out, const char *text)
{
    size_t length = strlen(text), cut = cell_length(text);
    for (size_t i = 0; i < cut; i++) {
        char c = text[i];
        if (c == '\n' || c == '\r' || c == '\t')
            fputc(' ', out);
        else if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (strchr("\\`*_[]|~!#", c))
            fprintf(out, "\\%c", c);
        else
            fputc(c, out);
    }
    if (cut < length)
        fputs("…", out);
}

/* Append a URL or path as a code span, so it reads exactly as it is (no emphasis, no HTML, no
 * partial autolinks): the fence is one backtick longer than any run inside; '|' is written as
 * "\\|", which GitHub tables require even inside code. An empty span would be two literal
 * backticks in CommonMark, so a missing value is written as a plain "(none)". */
static void code_cell(FILE *out, const char *text)
{
    size_t length = strlen(text), cut = cell_length(text), run = 0, longest = 0;
    if (cut == 0) {
        fputs(length ? "…" : "(none)", out);
        return;
    }
    for (size_t i = 0; i < cut; i++) {
        run = text[i] == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    bool pad = cut > 0 && (text[0] == '`' || text[cut - 1] == '`');
    for (size_t i = 0; i <= longest; i++)
        fputc('`', out);
    if (pad)
        fputc(' ', out);
    for (size_t i = 0; i < cut; i++) {
        char c = text[i];
        if (c == '|')
            fputs("\\|", out);
        else
            fputc(c == '\n' || c == '\r' || c == '\t' ? ' ' : c, out);
    }
    if (pad)
        fputc(' ', out);
    for (size_t i = 0; i <= longest; i++)
        fputc('`', out);
    if (cut < length)
        fputs("…", out);
}

/* One finished table row from cells already escaped. */
static void row(FILE *out, const char *const *cells, size_t count)
{
    fputs("|", out);
    for (size_t i = 0; i < count; i++)
        fprintf(out, " %s |", cells[i]);
    fputs("\n", out);
}

static const char *plural(size_t count, const char *one, const char *many)
{
    return count == 1 ? one : many;
}

static void write_heading(FILE *out, const struct diff *diff)
{
    /* The marker lets a CI job find and update its own earlier comment instead of adding one per push. */
    fputs("<!-- crawlpack-diff -->\n## crawlpack diff\n\n", out);
    if (!diff->findings_compared) {
        fputs("Findings not compared: ", out);
        code_cell(out, diff->old_side.has_findings ? diff->new_dir : diff->old_dir);
        fputs(" has no findings.json.", out);
    } else {
        size_t errors = findings_count_at_least(&diff->new_findings, SEVERITY_ERROR);
        size_t others = diff->new_findings.count - errors;
        fprintf(out, "%s%zu new %s%s, %zu other new %s, %zu fixed.", errors ? "**" : "", errors,
                plural(errors, "error", "errors"), errors ? "**" : "", others, plural(others, "finding", "findings"),
                diff->fixed_findings.count);
    }
    fputs(" Old: ", out);
    code_cell(out, diff->old_dir);
    fputs(", new: ", out);
    code_cell(out, diff->new_dir);
    fputs(".", out);
    for (size_t i = 0; i < diff->options.map_count; i++) {
        fputs(i ? "; " : " URLs of both mapped: ", out);
        code_cell(out, diff->options.maps[i].from);
        fputs(" → ", out);
        code_cell(out, diff->options.maps[i].to);
    }
    fputs(diff->options.map_count ? ".\n\n" : "\n\n", out);
}

static void summary_row(FILE *out, const char *label, const char *old_value, const char *new_value, const char *change)
{
    const char *cells[] = {label, old_value, new_value, change};
    row(out, cells, 4);
}

static void write_summary(FILE *out, const struct diff *diff)
{
    const struct diff_side *o = &diff->old_side, *n = &diff->new_side;
    char old_text[48], new_text[48], change[96];
    const struct diff_side *sides[] = {o, n};
    for (int i = 0; i < 2; i++)
        if (sides[i]->crawl.partial) {
            fprintf(out, "> **Partial comparison:** the %s audit is a partial crawl (", i ? "new" : "old");
            cell(out, sides[i]->crawl.partial);
            fputs(").\n", out);
        }
    if (diff->partial)
        fprintf(out,
                "> Not compared, as a partial side did not read them: %zu pages, %zu fixed and %zu new "
                "findings.\n\n",
                diff->pages_not_compared, diff->fixed_not_compared, diff->new_not_compared);
    fputs("| | old | new | change |\n| --- | ---: | ---: | --- |\n", out);
    snprintf(old_text, sizeof(old_text), "%zu", o->crawl.page_count);
    snprintf(new_text, sizeof(new_text), "%zu", n->crawl.page_count);
    snprintf(change, sizeof(change), "%zu added, %zu removed", diff->added.count, diff->removed.count);
    summary_row(out, "pages", old_text, new_text, change);
    snprintf(old_text, sizeof(old_text), "%zu", o->indexable);
    snprintf(new_text, sizeof(new_text), "%zu", n->indexable);
    snprintf(change, sizeof(change), "%+ld", (long)n->indexable - (long)o->indexable);
    summary_row(out, "indexable pages", old_text, new_text, change);
    if (diff->findings_compared) {
        size_t errors = findings_count_at_least(&diff->new_findings, SEVERITY_ERROR);
        size_t warnings = findings_count_at_least(&diff->new_findings, SEVERITY_WARNING) - errors;
        size_t notices = diff->new_findings.count - errors - warnings;
        snprintf(old_text, sizeof(old_text), "%zu", o->findings.findings.count);
        snprintf(new_text, sizeof(new_text), "%zu", n->findings.findings.count);
        snprintf(change, sizeof(change), "%zu new (%zu error, %zu warning, %zu notice), %zu fixed",
                 diff->new_findings.count, errors, warnings, notices, diff->fixed_findings.count);
        summary_row(out, "findings", old_text, new_text, change);
    }
    snprintf(change, sizeof(change), "%zu", diff->status_changed.count);
    summary_row(out, "status changes", "", "", change);
    snprintf(change, sizeof(change), "%zu", diff->indexability_changed.count);
    summary_row(out, "indexability changes", "", "", change);
    snprintf(change, sizeof(change), "%zu", diff->depth_changed.count);
    snprintf(old_text, sizeof(old_text), "depth changes (%d+ clicks)", diff->options.depth_threshold);
    summary_row(out, old_text, "", "", change);
}

/* unit names what count counts when it is not the list's items ("rules"); NULL otherwise. */
static void begin_details(FILE *out, const char *title, size_t count, const char *unit, const char *header)
{
    fprintf(out, "\n<details><summary>%s (%zu%s%s)</summary>\n\n%s\n", title, count, unit ? " " : "", unit ? unit : "",
            header);
}

static void end_details(FILE *out, size_t count)
{
    if (count > DIFF_MARKDOWN_MAX_ROWS)
        fprintf(out, "\nand %zu more (the text and JSON reports list all).\n", count - DIFF_MARKDOWN_MAX_ROWS);
    fputs("\n</details>\n", out);
}

static void write_rules(FILE *out, const struct diff *diff)
{
    if (diff->rule_count == 0)
        return;
    begin_details(out, "Findings by rule", diff->rule_count, "rules",
                  "| rule | severity | new | fixed | unchanged |\n| --- | --- | ---: | ---: | ---: |");
    for (size_t i = 0; i < diff->rule_count; i++) {
        const struct rule *rule = rule_get(diff->rules[i].rule);
        fprintf(out, "| %s | %s | %zu | %zu | %zu |\n", rule->id, severity_name(rule->severity),
                diff->rules[i].new_count, diff->rules[i].fixed_count, diff->rules[i].unchanged_count);
    }
    fputs("\n</details>\n", out);
}

static void write_findings(FILE *out, const char *title, const struct finding_list *list)
{
    if (list->count == 0)
        return;
    begin_details(out, title, list->count, NULL, "| severity | rule | URL | message |\n| --- | --- | --- | --- |");
    for (size_t i = 0; i < list->count && i < DIFF_MARKDOWN_MAX_ROWS; i++) {
        const struct finding *f = &list->items[i];
        const struct rule *rule = rule_get(f->rule);
        fprintf(out, "| %s | %s | ", severity_name(rule->severity), rule->id);
        code_cell(out, f->url ? f->url : f->source ? f->source : "");
        fputs(" | ", out);
        cell(out, f->message);
        fputs(" |\n", out);
    }
    end_details(out, list->count);
}

typedef int (*page_fact_fn)(const struct crawl_page *page, struct buf *out);

/* A list of pages with one column per fact; for pages in both folders each fact is "old → new". */
static int write_pages(FILE *out, const char *title, const struct diff_page_list *list, const char *header,
                       const page_fact_fn *facts, size_t fact_count)
{
    if (list->count == 0)
        return CP_OK;
    begin_details(out, title, list->count, NULL, header);
    struct buf text = BUF_INIT;
    int status = CP_OK;
    for (size_t i = 0; status == CP_OK && i < list->count && i < DIFF_MARKDOWN_MAX_ROWS; i++) {
        const struct diff_page *p = &list->items[i];
        fputs("| ", out);
        code_cell(out, p->url);
        for (size_t j = 0; status == CP_OK && j < fact_count; j++) {
            buf_reset(&text);
            if (p->old_page)
                status = facts[j](p->old_page, &text);
            if (status == CP_OK && p->old_page && p->new_page)
                status = buf_append_str(&text, " → ");
            if (status == CP_OK && p->new_page)
                status = facts[j](p->new_page, &text);
            fputs(" | ", out);
            cell(out, buf_str(&text));
        }
        fputs(" |\n", out);
    }
    buf_free(&text);
    end_details(out, list->count);
    return status;
}

static int write_all_pages(FILE *out, const struct diff *diff)
{
    static const page_fact_fn page_facts[] = {diff_status_text, diff_depth_text, diff_indexability_text};
    static const page_fact_fn status_fact[] = {diff_status_text};
    static const page_fact_fn indexability_fact[] = {diff_indexability_text};
    static const page_fact_fn depth_fact[] = {diff_depth_text};
    static const char page_header[] = "| URL | status | depth | indexability |\n| --- | --- | --- | --- |";
    int status = write_pages(out, "Pages added", &diff->added, page_header, page_facts, 3);
    if (status == CP_OK)
        status = write_pages(out, "Pages removed", &diff->removed, page_header, page_facts, 3);
    if (status == CP_OK)
        status = write_pages(out, "Status changes", &diff->status_changed, "| URL | status |\n| --- | --- |",
                             status_fact, 1);
    if (status == CP_OK)
        status = write_pages(out, "Indexability changes", &diff->indexability_changed,
                             "| URL | indexability |\n| --- | --- |", indexability_fact, 1);
    if (status == CP_OK)
        status = write_pages(out, "Depth changes", &diff->depth_changed, "| URL | depth |\n| --- | --- |", depth_fact,
                             1);
    return status;
}

int diff_render_markdown(FILE *out, const struct diff *diff)
{
    write_heading(out, diff);
    write_summary(out, diff);
    write_rules(out, diff);
    write_findings(out, "New findings", &diff->new_findings);
    write_findings(out, "Fixed findings", &diff->fixed_findings);
    int status = write_all_pages(out, diff);
    if (status == CP_OK && (fflush(out) != 0 || ferror(out)))
        status = CP_ERR_IO;
    return status;
}
