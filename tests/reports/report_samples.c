/* SPDX-License-Identifier: Apache-2.0 */
/* tests/reports/report_samples: writes every findings format for hand-built finding lists into a
 * directory, for the golden comparison (fixtures/reports/expected/) and the schema checks.
 *
 *   report_samples OUTDIR BASELINE_JSON
 *
 * The list covers every field of a finding and the characters renderers must escape: non-ASCII,
 * quotes, commas, newlines, XML markup, C0 controls, DEL and a byte that is not UTF-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "reports/baseline.h"
#include "reports/render.h"
#include "reports/render_junit.h"

static void add_related(struct finding *f, const char *url)
{
    if (!f || finding_add_related(f, url) != CP_OK) {
        fprintf(stderr, "report_samples: out of memory\n");
        exit(1);
    }
}

static void build_findings(struct finding_list *list)
{
    struct finding *f;
    f = findings_add(list, RULE_BROKEN_LINK, "https://demo.example/missing", "https://demo.example/", 0,
                     "404 Not Found (linked from %d pages)", 2);
    add_related(f, "https://demo.example/");
    add_related(f, "https://demo.example/blog/");

    f = findings_add(list, RULE_SITEMAP_LOC_INVALID, "htp://bad", "fixtures/sitemaps/main site.xml", 12,
                     "<loc> \"htp://bad\" is not http(s), scheme \"htp\"");
    f->column = 5;

    f = findings_add(list, RULE_CANONICAL_TO_REDIRECT, "https://demo.example/caf\xC3\xA9?a=1&b=2",
                     "https://demo.example/caf\xC3\xA9?a=1&b=2", 7,
                     "canonical \xE2\x86\x92 301 \xE2\x86\x92 https://demo.example/new");
    add_related(f, "https://demo.example/old");
    add_related(f, "https://demo.example/new");

    findings_add(list, RULE_ROBOTS_INVALID_LINE, "https://demo.example/robots.txt", "https://demo.example/robots.txt",
                 4, "line 4: \"Disalow: /x\"\r\nthen\tcontrol \x01\x1f del \x7f bad byte \xff end");

    findings_add(list, RULE_DEEP_PAGE, "https://demo.example/a,b", NULL, 0, "click depth 5 > 3, via 'a' & <b>");

    findings_add(list, RULE_SITEMAP_EMPTY, NULL, "/srv/site/sitemap-empty.xml", 0, "no <url> entries ]]> here");

    findings_add(list, RULE_CANONICAL_MISSING, "https://demo.example/about", "https://demo.example/about", 0,
                 "no canonical link");
    findings_sort(list);
}

static void base_context(struct report_context *ctx)
{
    static const char *const inputs[] = {"https://demo.example/"};
    static const struct report_option options[] = {
        {"max-depth", "5"},
        {"sitemap", "https://demo.example/sitemap.xml"},
        {"sitemap", "https://demo.example/news.xml"},
    };
    static const enum rule_id checked[] = {
        RULE_BROKEN_LINK,         RULE_SITEMAP_LOC_INVALID, RULE_CANONICAL_TO_REDIRECT,
        RULE_ROBOTS_INVALID_LINE, RULE_DEEP_PAGE,           RULE_SITEMAP_EMPTY,
        RULE_CANONICAL_MISSING,   RULE_REDIRECT_LOOP,       RULE_ORPHAN_URL,
    };
    report_context_init(ctx);
    ctx->tool_version = "0.0.0-test";
    ctx->tool_information_uri = "https://crawlpack.example/";
    ctx->inputs = inputs;
    ctx->input_count = 1;
    ctx->started_at = 1767225600; /* 2026-01-01T00:00:00Z */
    ctx->duration_seconds = 12.5;
    ctx->options = options;
    ctx->option_count = 3;
    ctx->hostname = "ci-runner";
    ctx->has_page_counts = true;
    ctx->pages = 42;
    ctx->indexable = 37;
    ctx->fail_on = SEVERITY_WARNING;
    ctx->checked_rules = checked;
    ctx->checked_rule_count = sizeof(checked) / sizeof(checked[0]);
}

/* The sitemap command's view: the files checked are the inputs, only sitemap rules are checked. */
static void file_context(struct report_context *ctx)
{
    static const char *const files[] = {"fixtures/sitemaps/main site.xml", "fixtures/sitemaps/clean.xml"};
    static const enum rule_id sitemap_rules[] = {
        RULE_SITEMAP_MALFORMED_XML,
        RULE_SITEMAP_EMPTY,
        RULE_SITEMAP_LOC_INVALID,
        RULE_SITEMAP_DUPLICATE_URL,
    };
    base_context(ctx);
    ctx->inputs = files;
    ctx->input_count = 2;
    ctx->option_count = 0;
    ctx->has_page_counts = false;
    ctx->fail_on = SEVERITY_ERROR;
    ctx->checked_rules = sitemap_rules;
    ctx->checked_rule_count = sizeof(sitemap_rules) / sizeof(sitemap_rules[0]);
    ctx->junit_grouping = JUNIT_BY_SOURCE_FILE;
}

static void write_sample(const char *dir, const char *name, const char *format, const struct finding_list *list,
                         const struct report_context *ctx)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *out = fopen(path, "w");
    if (!out) {
        perror(path);
        exit(1);
    }
    int rc = render_findings(format, out, list, ctx);
    if (fclose(out) != 0 || rc != CP_OK) {
        fprintf(stderr, "report_samples: writing %s failed: %s\n", path, cp_strerror(rc));
        exit(1);
    }
}

static void write_all(const char *dir, const char *prefix, const struct finding_list *list, struct report_context *ctx)
{
    static const char *const formats[] = {"text", "json", "csv", "sarif"};
    static const char *const extensions[] = {"txt", "json", "csv", "sarif"};
    char name[256];
    for (size_t i = 0; i < 4; i++) {
        snprintf(name, sizeof(name), "%s.%s", prefix, extensions[i]);
        write_sample(dir, name, formats[i], list, ctx);
    }
    snprintf(name, sizeof(name), "%s-junit-by-rule.xml", prefix);
    write_sample(dir, name, "junit", list, ctx);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: report_samples OUTDIR BASELINE_JSON\n");
        return 2;
    }
    const char *dir = argv[1];
    struct finding_list list = FINDING_LIST_INIT, empty = FINDING_LIST_INIT;
    build_findings(&list);
    struct report_context ctx, by_file;
    base_context(&ctx);
    file_context(&by_file);

    write_all(dir, "findings", &list, &ctx);
    write_sample(dir, "findings-junit-by-file.xml", "junit", &list, &by_file);

    /* Empty list: nothing found (checked rules still show as passing tests). */
    struct report_context empty_ctx;
    base_context(&empty_ctx);
    write_all(dir, "empty", &empty, &empty_ctx);
    write_sample(dir, "empty-junit-by-file.xml", "junit", &empty, &by_file);

    /* Against a baseline written by an older version (fields missing, an unknown rule). */
    struct baseline baseline;
    struct buf error = BUF_INIT;
    if (baseline_load(argv[2], &baseline, &error) != CP_OK) {
        fprintf(stderr, "report_samples: %s\n", buf_str(&error));
        return 1;
    }
    struct baseline_comparison comparison;
    if (baseline_compare(&baseline, &list, &comparison) != CP_OK)
        return 1;
    ctx.baseline = &comparison;
    ctx.fail_on = SEVERITY_NOTICE;
    write_all(dir, "baseline", &list, &ctx);
    by_file.baseline = &comparison;
    write_sample(dir, "baseline-junit-by-file.xml", "junit", &list, &by_file);

    baseline_comparison_free(&comparison);
    baseline_free(&baseline);
    buf_free(&error);
    findings_free(&list);
    return 0;
}
