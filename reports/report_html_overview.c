/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_html_overview: the overview of report.html: the counts and one chart per question
 * (see report_html.h). Every chart counts the crawled pages (in scope and fetched) unless its title
 * says otherwise. */
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/error.h"
#include "common/html_escape.h"
#include "reports/report_html_internal.h"
#include "reports/svg_chart.h"

#define MAX_RULE_BARS 40
#define MAX_SECTIONS 50
#define MAX_STATUS_BARS 24
#define DEPTH_BUCKETS 10

static void stat_row(FILE *out, const char *key, const char *label, size_t value)
{
    fprintf(out, "<div><dt>%s</dt><dd data-stat=\"%s\">%zu</dd></div>", label, key, value);
}

static void write_stats(FILE *out, const struct report_facts *f)
{
    const struct crawl_data *d = f->data;
    fputs("<section id=\"overview\" class=\"tab\"><h2>Overview</h2><dl class=\"stats\">", out);
    stat_row(out, "pages", "Pages crawled", f->pages);
    stat_row(out, "indexable", "Indexable", f->indexable);
    stat_row(out, "not-indexable", "Not indexable", f->pages >= f->indexable ? f->pages - f->indexable : 0);
    stat_row(out, "urls", "URLs found", d->page_count);
    stat_row(out, "findings", "Findings", d->findings.count);
    stat_row(out, "error", "Errors", f->by_severity[SEVERITY_ERROR]);
    stat_row(out, "warning", "Warnings", f->by_severity[SEVERITY_WARNING]);
    stat_row(out, "notice", "Notices", f->by_severity[SEVERITY_NOTICE]);
    fputs("</dl>\n", out);
    if (d->unknown_rule_findings)
        fprintf(out, "<p class=\"note\">%zu findings of rules this crawlpack does not know are not shown.</p>",
                d->unknown_rule_findings);
}

static void chart(FILE *out, const char *id, const char *title, struct svg_bar *bars, size_t count,
                  const char *const *series, size_t series_count, const char *empty)
{
    struct svg_chart c = {id, title, series, series_count, bars, count, empty, NULL};
    svg_chart_write(out, &c);
}

static int compare_bars(const void *a, const void *b)
{
    double x = ((const struct svg_bar *)a)->values[0], y = ((const struct svg_bar *)b)->values[0];
    return x < y ? 1 : x > y ? -1 : strcmp(((const struct svg_bar *)a)->label, ((const struct svg_bar *)b)->label);
}

/* The verdict's reason names (pages.csv not_indexable_reasons), counted over the crawled pages. */
static void chart_reasons(FILE *out, const struct report_facts *f)
{
    static const char *const names[] = {"not-crawled",   "non-200",        "redirect", "noindex-meta", "noindex-header",
                                        "canonicalised", "robots-blocked", "non-html", "other"};
    enum { N = sizeof names / sizeof names[0] };
    struct svg_bar bars[N];
    for (size_t r = 0; r < N; r++)
        bars[r] = (struct svg_bar){names[r], {0}};
    for (size_t i = 0; i < f->data->page_count; i++) {
        const struct crawl_page *p = &f->data->pages[i];
        if (!f->crawled[i] || crawl_page_is_indexable(p))
            continue;
        bool named = false;
        for (size_t r = 0; r + 1 < N && p->not_indexable_reasons; r++)
            if (strstr(p->not_indexable_reasons, names[r])) {
                bars[r].values[0]++;
                named = true;
            }
        if (!named)
            bars[N - 1].values[0]++;
    }
    qsort(bars, N, sizeof bars[0], compare_bars);
    size_t shown = 0;
    while (shown < N && bars[shown].values[0] > 0)
        shown++;
    chart(out, "chart-not-indexable", "Why pages are not indexable (a page may have several reasons)", bars, shown,
          NULL, 1, "Every crawled page is indexable.");
}

static void chart_findings(FILE *out, const struct report_facts *f)
{
    struct svg_bar severity[3] = {{"error", {(double)f->by_severity[SEVERITY_ERROR]}},
                                  {"warning", {(double)f->by_severity[SEVERITY_WARNING]}},
                                  {"notice", {(double)f->by_severity[SEVERITY_NOTICE]}}};
    chart(out, "chart-severity", "Findings by severity", severity, 3, NULL, 1, "No findings.");
    struct svg_bar rules[RULE_COUNT];
    size_t count = 0;
    for (int r = 0; r < RULE_COUNT; r++)
        if (f->by_rule[r])
            rules[count++] = (struct svg_bar){rule_get((enum rule_id)r)->id, {(double)f->by_rule[r]}};
    qsort(rules, count, sizeof rules[0], compare_bars);
    chart(out, "chart-rules", count > MAX_RULE_BARS ? "Findings by rule (the 40 largest)" : "Findings by rule", rules,
          count > MAX_RULE_BARS ? MAX_RULE_BARS : count, NULL, 1, "No findings.");
}

static bool page_linked(const struct crawl_page *p)
{
    return p->inlinks > 0 || p->depth == 0;
}

static void chart_coverage(FILE *out, const struct report_facts *f)
{
    static const char *const series[] = {"indexable, linked", "indexable, not linked", "not indexable, linked",
                                         "not indexable, not linked"};
    struct svg_bar bars[2] = {{"in a sitemap", {0}}, {"in no sitemap", {0}}};
    for (size_t i = 0; i < f->data->page_count; i++) {
        const struct crawl_page *p = &f->data->pages[i];
        if (!f->crawled[i])
            continue;
        int s = (crawl_page_is_indexable(p) ? 0 : 2) + (page_linked(p) ? 0 : 1);
        bars[p->in_sitemap ? 0 : 1].values[s]++;
    }
    chart(out, "chart-coverage", "Sitemap coverage: in a sitemap, linked, indexable", bars, 2, series, 4,
          "No crawled pages.");
}

static void chart_depth(FILE *out, const struct report_facts *f)
{
    static const char *const labels[DEPTH_BUCKETS + 2] = {"0", "1", "2", "3", "4",          "5",
                                                          "6", "7", "8", "9", "10 or more", "not reached by links"};
    struct svg_bar bars[DEPTH_BUCKETS + 2];
    for (size_t b = 0; b < DEPTH_BUCKETS + 2; b++)
        bars[b] = (struct svg_bar){labels[b], {0}};
    for (size_t i = 0; i < f->data->page_count; i++) {
        int depth = f->data->pages[i].depth;
        if (f->crawled[i])
            bars[depth < 0 ? DEPTH_BUCKETS + 1 : depth >= DEPTH_BUCKETS ? DEPTH_BUCKETS : depth].values[0]++;
    }
    chart(out, "chart-depth", "Click depth (followable links from the start page)", bars, DEPTH_BUCKETS + 2, NULL, 1,
          "No crawled pages.");
}

static int compare_status(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void chart_status(FILE *out, const struct report_facts *f)
{
    int *codes = malloc((f->data->page_count ? f->data->page_count : 1) * sizeof *codes);
    if (!codes)
        return;
    size_t n = 0;
    for (size_t i = 0; i < f->data->page_count; i++)
        if (f->crawled[i])
            codes[n++] = f->data->pages[i].status;
    qsort(codes, n, sizeof *codes, compare_status);
    struct svg_bar bars[MAX_STATUS_BARS];
    char labels[MAX_STATUS_BARS][24];
    size_t count = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && codes[j] == codes[i];)
            j++;
        if (count == MAX_STATUS_BARS - 1) { /* the rarest codes share the last bar */
            bars[count++] = (struct svg_bar){"other", {(double)(n - i)}};
            break;
        }
        if (codes[i] > 0)
            snprintf(labels[count], sizeof labels[count], "%d", codes[i]);
        else
            snprintf(labels[count], sizeof labels[count], "no response");
        bars[count] = (struct svg_bar){labels[count], {(double)(j - i)}};
        count++;
    }
    chart(out, "chart-status", "Status codes", bars, count, NULL, 1, "No crawled pages.");
    free(codes);
}

static void chart_response_time(FILE *out, const struct report_facts *f)
{
    static const double limits[] = {100, 250, 500, 1000, 2000, 5000};
    static const char *const labels[] = {"under 100 ms", "100-250 ms", "250-500 ms",  "0.5-1 s",
                                         "1-2 s",        "2-5 s",      "5 s or more", "unknown"};
    enum { N = sizeof labels / sizeof labels[0] };
    struct svg_bar bars[N];
    for (size_t b = 0; b < N; b++)
        bars[b] = (struct svg_bar){labels[b], {0}};
    for (size_t i = 0; i < f->data->page_count; i++) {
        double ms = f->data->pages[i].total_ms;
        if (!f->crawled[i])
            continue;
        size_t b = 0;
        while (ms >= 0 && b < N - 2 && ms >= limits[b])
            b++;
        bars[ms < 0 ? N - 1 : b].values[0]++;
    }
    chart(out, "chart-time", "Response time (whole response)", bars, bars[N - 1].values[0] > 0 ? N : N - 1, NULL, 1,
          "No timings measured.");
}

static void chart_link_score(FILE *out, const struct report_facts *f)
{
    static const char *const labels[] = {"0-9",   "10-19", "20-29", "30-39", "40-49",
                                         "50-59", "60-69", "70-79", "80-89", "90-100"};
    struct svg_bar bars[10];
    for (size_t b = 0; b < 10; b++)
        bars[b] = (struct svg_bar){labels[b], {0}};
    for (size_t i = 0; i < f->data->page_count; i++) {
        double score = f->data->pages[i].link_score;
        if (f->crawled[i] && score >= 0)
            bars[score >= 90 ? 9 : (size_t)(score / 10)].values[0]++;
    }
    chart(out, "chart-score", "Link score (internal PageRank, 0-100)", bars, 10, NULL, 1,
          "No link scores in pages.csv.");
}

/* ---- sections ---- */

struct section_count {
    char *name;
    size_t pages, indexable, findings;
    UT_hash_handle hh;
};

static struct section_count *section_of(struct section_count **table, const char *url)
{
    size_t length;
    const char *name = report_section(url, &length);
    struct section_count *s = NULL;
    HASH_FIND(hh, *table, name, length, s);
    if (s)
        return s;
    s = calloc(1, sizeof *s);
    if (!s || !(s->name = strndup(name, length))) {
        free(s);
        return NULL;
    }
    HASH_ADD_KEYPTR(hh, *table, s->name, length, s);
    return s;
}

/* Findings about the site's own URLs count in its sections; another origin's are not a section. */
static bool finding_in_scope_section(const struct report_facts *f, const char *url)
{
    return f->origin_length && strncmp(url, f->origin, f->origin_length) == 0;
}

static int compare_sections(const void *a, const void *b)
{
    const struct section_count *x = *(struct section_count *const *)a, *y = *(struct section_count *const *)b;
    if (x->pages != y->pages)
        return x->pages < y->pages ? 1 : -1;
    return strcmp(x->name, y->name);
}

static void write_section_table(FILE *out, struct section_count **sorted, size_t count)
{
    fputs("<figure class=\"chart\" id=\"sections\"><h3>Sections of the site (first path segment)</h3>"
          "<table class=\"grid\"><thead><tr><th>section</th><th>pages</th><th>indexable</th><th>findings</th>"
          "</tr></thead><tbody>",
          out);
    for (size_t i = 0; i < count && i < MAX_SECTIONS; i++) {
        fputs("<tr><td>", out);
        html_escape_n(out, sorted[i]->name, strlen(sorted[i]->name), 120);
        fprintf(out, "</td><td>%zu</td><td>%zu</td><td>%zu</td></tr>", sorted[i]->pages, sorted[i]->indexable,
                sorted[i]->findings);
    }
    fputs("</tbody></table>", out);
    if (count > MAX_SECTIONS)
        fprintf(out, "<p class=\"note\">and %zu smaller sections</p>", count - MAX_SECTIONS);
    fputs("</figure>\n", out);
}

static int sections(FILE *out, const struct report_facts *f)
{
    struct section_count *table = NULL, *s, *tmp;
    int status = CP_OK;
    for (size_t i = 0; i < f->data->page_count && status == CP_OK; i++) {
        if (!f->crawled[i])
            continue;
        if (!(s = section_of(&table, f->data->pages[i].url)))
            status = CP_ERR_NOMEM;
        else {
            s->pages++;
            s->indexable += crawl_page_is_indexable(&f->data->pages[i]);
        }
    }
    for (size_t i = 0; i < f->data->findings.count && status == CP_OK; i++) {
        const char *url = f->data->findings.items[i].url;
        if (url && finding_in_scope_section(f, url) && !(s = section_of(&table, url)))
            status = CP_ERR_NOMEM;
        else if (url && finding_in_scope_section(f, url))
            s->findings++;
    }
    size_t count = HASH_COUNT(table), n = 0;
    struct section_count **sorted = status == CP_OK ? malloc((count ? count : 1) * sizeof *sorted) : NULL;
    if (sorted) {
        HASH_ITER(hh, table, s, tmp) sorted[n++] = s;
        qsort(sorted, count, sizeof *sorted, compare_sections);
        write_section_table(out, sorted, count);
    } else
        status = CP_ERR_NOMEM;
    free(sorted);
    HASH_ITER(hh, table, s, tmp)
    {
        HASH_DEL(table, s);
        free(s->name);
        free(s);
    }
    return status;
}

int report_html_overview(FILE *out, const struct report_facts *f)
{
    write_stats(out, f);
    fputs("<div class=\"charts\">", out);
    chart_reasons(out, f);
    chart_findings(out, f);
    chart_coverage(out, f);
    chart_depth(out, f);
    chart_status(out, f);
    chart_response_time(out, f);
    chart_link_score(out, f);
    int status = sections(out, f);
    fputs("</div></section>\n", out);
    return status;
}
