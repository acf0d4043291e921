/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_context: what every findings renderer needs besides the findings themselves.
 *
 * The audit (or the sitemap command) fills one struct report_context per run: who wrote the report,
 * what was checked and when, the page counts only the crawl knows, the --fail-on policy and the
 * baseline comparison when --baseline was given. Renderers compute everything else (counts by rule
 * and severity) from the finding list, so no number is stored twice.
 *
 * Memory: the context only points at the caller's data (strings, arrays, the comparison); it owns
 * nothing and must outlive the render calls. Pure data: any thread may read it. */
#ifndef CRAWLPACK_REPORTS_REPORT_CONTEXT_H
#define CRAWLPACK_REPORTS_REPORT_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "findings/findings.h"

struct baseline_comparison;
struct buf;
struct json_writer;

/* One command-line option as the run used it, e.g. {"max-depth", "5"}. */
struct report_option {
    const char *name;
    const char *value;
};

/* How render_junit groups findings: by rule (audit) or by source file (sitemap command). */
enum junit_grouping {
    JUNIT_BY_RULE,
    JUNIT_BY_SOURCE_FILE,
};

struct report_context {
    const char *tool_name;            /* "crawlpack" */
    const char *tool_version;         /* CRAWLPACK_VERSION */
    const char *tool_information_uri; /* SARIF driver.informationUri; NULL leaves it out */

    const char *const *inputs; /* start URL(s) or the files checked, in command-line order */
    size_t input_count;
    time_t started_at; /* seconds since the epoch, UTC; 0 when unknown */
    double duration_seconds;
    const struct report_option *options;
    size_t option_count;
    const char *hostname; /* JUnit testsuite hostname; NULL means "localhost" */
    /* The run's id (audit/run_files), written as findings.json run.run_id, a SARIF run property and
     * a JUnit property, so every file of one audit names the same run; NULL leaves it out. */
    const char *run_id;
    /* For audits of a folder (--root): the repository-relative file a URL maps to, appended to
     * path (true), or false when none does; url NULL appends the folder itself. SARIF then locates findings by file, as code-scanning
     * UIs require, and keeps the URLs in result properties. NULL: locations are the URLs. */
    bool (*artifact_file)(void *context, const char *url, struct buf *path);
    void *artifact_context;

    bool has_page_counts; /* false for runs without a crawl: pages/indexable are written null */
    size_t pages;
    size_t indexable;

    enum severity fail_on; /* findings at or above it fail the run (SEVERITY_NEVER: none) */
    bool fail_on_existing; /* with a baseline: existing findings fail too, not only new ones */
    /* The result of baseline_compare for exactly this finding list, in the same order; NULL when
     * no baseline was given. */
    const struct baseline_comparison *baseline;

    /* A partial crawl (a limit, Ctrl-C, pages with no connection): one line saying why and which
     * rules were not checked; NULL for a complete run. Every format carries it at run level. */
    const char *partial;

    /* The rules the run checked (JUnit shows each as a test even when it found nothing); NULL
     * means the whole catalog. */
    const enum rule_id *checked_rules;
    size_t checked_rule_count;
    enum junit_grouping junit_grouping;
};

/* A finding list and the context it is rendered with: what an audit hands its report.html, which
 * otherwise reads both back from findings.json (reports/crawl_data.h, crawl_data_take_findings). */
struct report_findings {
    const struct finding_list *list;
    const struct report_context *context;
};

/* Defaults: tool crawlpack at CRAWLPACK_VERSION, fail-on error, no inputs, no baseline, JUnit by
 * rule, no page counts. */
void report_context_init(struct report_context *ctx);

/* Whether finding `index` of list makes the run fail: its severity reaches ctx->fail_on and, when a
 * baseline was applied, it is new (or ctx->fail_on_existing). This one function decides both the
 * exit status and which JUnit test cases fail, so the two always agree. */
bool report_finding_fails(const struct report_context *ctx, const struct finding_list *list, size_t index);

/* How many findings of list make the run fail (exit 1 when non-zero). */
size_t report_count_failing(const struct report_context *ctx, const struct finding_list *list);

/* "new" or "existing" for finding `index` when a baseline was applied, NULL otherwise. */
const char *report_baseline_state(const struct report_context *ctx, size_t index);

/* Whether the run checked rule (see checked_rules). */
bool report_rule_checked(const struct report_context *ctx, enum rule_id rule);

/* Format ctx->started_at (+ offset_seconds) as "YYYY-MM-DDTHH:MM:SS" in UTC, with a trailing "Z"
 * when with_zone. Returns text. */
char *report_format_time(const struct report_context *ctx, double offset_seconds, bool with_zone, char text[32]);

/* The "inputs" member (an array of strings) and the "options" member (an array, not an object, as
 * options such as --sitemap may repeat: [{"name", "value"}]) that the JSON and SARIF renderings
 * both carry, each written with its key. */
void report_write_json_inputs(struct json_writer *w, const struct report_context *ctx);
void report_write_json_options(struct json_writer *w, const struct report_context *ctx);

#endif
