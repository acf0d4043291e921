/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_quality: section 3 of the pack — the quality attributes spec. The intake's SLOs sit
 * beside the baseline the crawl measured (availability proxy, time to first byte and total time
 * percentiles, page weight, compression, HTTPS, HSTS); an SLI the intake does not cover gets a
 * target marked "proposed", with its baseline and sample size. Then privacy and safety. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "reports/pack_internal.h"

enum sli_kind { SLI_AVAILABILITY, SLI_TTFB, SLI_TOTAL, SLI_WEIGHT, SLI_COMPRESSED, SLI_HTTPS, SLI_HSTS, SLI_COUNT };

struct sli_spec {
    const char *name;
    const char *proposed;    /* the proposed target when the intake has none */
    const char *keywords[5]; /* lower-case words that match an intake SLO to this SLI */
};

static const struct sli_spec sli_specs[SLI_COUNT] = {
    {"availability proxy: requests without 5xx or network error",
     "≥ 99.9% over 28 days",
     {"availab", "uptime", "error rate", "5xx", NULL}},
    {"time to first byte p50 / p95 / p99", "p95 ≤ 800 ms", {"ttfb", "first byte", NULL}},
    {"total response time p50 / p95 / p99", "p95 ≤ 2,000 ms", {"latency", "response time", "total time", NULL}},
    {"HTML page weight p50 / p95", "p95 ≤ 500 KB", {"weight", "page size", "bytes", NULL}},
    {"HTML responses served compressed", "100%", {"compress", "gzip", "brotli", NULL}},
    {"responses over HTTPS", "100%", {"https", "tls", NULL}},
    {"HTTPS responses with HSTS", "100%", {"hsts", "strict-transport", NULL}},
};

struct sli_row {
    struct buf baseline;
    size_t sample;
    bool measured;
    bool meets_proposed;
    bool is_share; /* a share in percent (value[0]), else percentiles p50/p95/p99 (value[0..2]) */
    double value[3];
    const struct intake_slo *slo; /* the intake SLO covering this SLI, or NULL */
};

static bool contains_word(const char *text, const char *word)
{
    if (!text)
        return false;
    size_t n = strlen(word);
    for (const char *p = text; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == word[i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static int match_sli(const struct intake_slo *slo)
{
    for (int k = 0; k < SLI_COUNT; k++)
        for (size_t w = 0; sli_specs[k].keywords[w]; w++)
            if (contains_word(slo->sli, sli_specs[k].keywords[w]) || contains_word(slo->name, sli_specs[k].keywords[w]))
                return k;
    return -1;
}

static void percentiles(struct sli_row *row, double *values, size_t n, const char *unit, double scale, int count,
                        double limit)
{
    row->sample = n;
    row->measured = n > 0;
    if (!n)
        return;
    static const double points[] = {50, 95, 99};
    double p95 = pack_percentile(values, n, 95);
    for (int i = 0; i < 3; i++)
        row->value[i] = pack_percentile(values, n, points[i]);
    for (int i = 0; i < count; i++)
        buf_printf(&row->baseline, "%s%.0f", i ? " / " : "", row->value[i] / scale);
    buf_printf(&row->baseline, " %s", unit);
    row->meets_proposed = p95 <= limit;
}

static void share(struct sli_row *row, size_t part, size_t whole)
{
    row->sample = whole;
    row->measured = whole > 0;
    row->is_share = true;
    if (whole) {
        row->value[0] = 100.0 * (double)part / (double)whole;
        md_percent(&row->baseline, part, whole);
        row->meets_proposed = part == whole;
    }
}

static void measure(const struct pack_context *ctx, struct sli_row rows[SLI_COUNT], double *scratch)
{
    const struct crawl_data *crawl = ctx->crawl;
    size_t requests = 0, ok = 0, html = 0, compressed = 0, https = 0, https_ok = 0, hsts = 0, n;
    for (size_t i = 0; i < crawl->page_count; i++) {
        const struct crawl_page *p = &crawl->pages[i];
        const struct page_facts *f = &ctx->facts[i];
        if (f->blocked || f->not_fetched || f->external) /* another site's answer is not the site's SLI */
            continue;
        requests++;
        ok += p->status > 0 && p->status < 500;
        bool secure = strncmp(p->url, "https://", 8) == 0;
        https += secure;
        if (secure && p->status > 0) {
            https_ok++;
            hsts += p->hsts == 1;
        }
        if (f->html && f->ok) {
            html++;
            compressed += *p->content_encoding && strcmp(p->content_encoding, "identity") != 0;
        }
    }
    rows[SLI_AVAILABILITY].is_share = true;
    if (requests) {
        rows[SLI_AVAILABILITY].value[0] = 100.0 * (double)ok / (double)requests;
        buf_printf(&rows[SLI_AVAILABILITY].baseline, "%.2f%%", 100.0 * (double)ok / (double)requests);
        rows[SLI_AVAILABILITY].meets_proposed = (double)ok / (double)requests >= 0.999;
    }
    rows[SLI_AVAILABILITY].sample = requests;
    rows[SLI_AVAILABILITY].measured = requests > 0;
    if (crawl->has_timing) {
        n = 0;
        for (size_t i = 0; i < crawl->page_count; i++)
            if (crawl->pages[i].ttfb_ms >= 0 && !ctx->facts[i].external)
                scratch[n++] = crawl->pages[i].ttfb_ms;
        percentiles(&rows[SLI_TTFB], scratch, n, "ms", 1, 3, 800);
        n = 0;
        for (size_t i = 0; i < crawl->page_count; i++)
            if (crawl->pages[i].total_ms >= 0 && !ctx->facts[i].external)
                scratch[n++] = crawl->pages[i].total_ms;
        percentiles(&rows[SLI_TOTAL], scratch, n, "ms", 1, 3, 2000);
    }
    n = 0;
    for (size_t i = 0; i < crawl->page_count; i++)
        if (ctx->facts[i].html && ctx->facts[i].ok && !ctx->facts[i].external && crawl->pages[i].size >= 0)
            scratch[n++] = (double)crawl->pages[i].size;
    percentiles(&rows[SLI_WEIGHT], scratch, n, "KB", 1000, 2, 500000);
    if (crawl->has_encoding)
        share(&rows[SLI_COMPRESSED], compressed, html);
    share(&rows[SLI_HTTPS], https, requests);
    if (crawl->has_hsts)
        share(&rows[SLI_HSTS], hsts, https_ok);
}

/* Whether the measured baseline meets an intake target written as text ("99.9% over 28 days",
 * "p95 under 600 ms", "p99 < 1.5 s", "p95 <= 300 KB"): 1 yes, 0 no, -1 when the text holds no
 * number the pack can compare. Shares must reach the number; times and sizes stay at or under it
 * (ms by default; s, KB and MB understood); the percentile is the one named, else p95. */
static int meets_intake_target(const struct sli_row *row, const char *target)
{
    if (!target || !row->measured)
        return -1;
    int percentile = 1;
    const char *p = target;
    for (; *p; p++) {
        if ((*p == 'p' || *p == 'P') && isdigit((unsigned char)p[1])) {
            int n = atoi(p + 1);
            percentile = n == 50 ? 0 : n == 99 ? 2 : 1;
            while (isdigit((unsigned char)p[1]))
                p++;
            continue;
        }
        if (isdigit((unsigned char)*p))
            break;
    }
    if (!*p)
        return -1;
    char *end;
    double number = strtod(p, &end);
    while (*end == ' ')
        end++;
    if (row->is_share)
        return row->value[0] >= number;
    if (strncasecmp(end, "ms", 2) == 0)
        ;
    else if (*end == 's' || *end == 'S')
        number *= 1000;
    else if (strncasecmp(end, "KB", 2) == 0)
        number *= 1000;
    else if (strncasecmp(end, "MB", 2) == 0)
        number *= 1000000;
    return row->value[percentile] <= number;
}

static void write_missing(struct buf *out, const char *text)
{
    if (text && *text)
        md_cell(out, text);
    else
        buf_append_str(out, "**missing**");
}

static void write_slo_table(struct pack_context *ctx, struct buf *out, struct sli_row rows[SLI_COUNT])
{
    buf_append_str(out, "\n### Service level indicators: target beside measured baseline\n\n"
                        "| SLI | measured baseline | sample | target | owner | meets target today |\n"
                        "|---|---|---:|---|---|---|\n");
    size_t proposed = 0;
    for (int k = 0; k < SLI_COUNT; k++) {
        const struct sli_row *r = &rows[k];
        buf_printf(out, "| %s | %s | ", sli_specs[k].name, r->measured ? buf_str(&r->baseline) : "not measured");
        if (r->measured)
            buf_printf(out, "%zu", r->sample);
        else
            buf_append_str(out, "—");
        if (r->slo) {
            buf_append_str(out, " | ");
            write_missing(out, r->slo->target);
            buf_append_str(out, " (intake) | ");
            write_missing(out, r->slo->owner);
            int meets = meets_intake_target(r, r->slo->target);
            buf_printf(out, " | %s |\n", meets < 0 ? "unknown" : meets ? "yes" : "**no**");
        } else {
            proposed++;
            buf_printf(out, " | **proposed:** %s | unassigned | %s |\n", sli_specs[k].proposed,
                       !r->measured        ? "unknown"
                       : r->meets_proposed ? "yes"
                                           : "**no**");
        }
    }
    buf_append_str(out, "\nBaselines come from one crawl from one vantage point: they proxy production SLIs and "
                        "set the starting line, they do not replace real-user or server-side measurement.\n");
    if (proposed) {
        buf_printf(out,
                   "\nThe %zu **proposed** SLO(s) share these terms until the owners change them: window 28 "
                   "days; measurement `crawlpack audit` on every deploy plus the production load balancer's "
                   "logs; error-budget policy: when half the window's budget is spent, releases that touch "
                   "the affected path need the owner's approval, and when all of it is spent, reliability "
                   "work comes before features until the SLI recovers. Confidence: low — set from one "
                   "crawl's baseline.\n",
                   proposed);
        pack_ask(ctx, 70, NULL,
                 "Who owns the %zu proposed SLO(s) in section 3, and do their targets fit the "
                 "product's promises to users?",
                 proposed);
    }
}

static void write_intake_slos(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    if (!in->slo_count) {
        pack_assume(ctx, "No SLOs in the intake: section 3 proposes targets from the measured baseline, marked "
                         "proposed and owned by nobody yet.");
        return;
    }
    buf_append_str(out, "\n### SLOs from the intake\n\n| SLO | SLI | target | window | measurement | owner | "
                        "error-budget policy |\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < in->slo_count; i++) {
        const struct intake_slo *s = &in->slos[i];
        const char *cells[] = {s->name, s->sli, s->target, s->window, s->measurement, s->owner, s->error_budget_policy};
        for (size_t c = 0; c < sizeof(cells) / sizeof(cells[0]); c++) {
            buf_append_str(out, "| ");
            write_missing(out, cells[c]);
            buf_append_char(out, ' ');
        }
        buf_append_str(out, "|\n");
    }
}

static void write_privacy(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    buf_append_str(out, "\n### Privacy and safety requirements\n\n| requirement | specification |\n|---|---|\n");
    const char *names[] = {"data residency", "encryption", "access controls", "retention"};
    const char *values[] = {in->residency, in->encryption, in->access, in->retention};
    size_t missing = 0;
    for (size_t i = 0; i < 4; i++) {
        buf_printf(out, "| %s | ", names[i]);
        if (values[i])
            md_cell(out, values[i]);
        else {
            buf_append_str(out, "**assumed:** no requirement beyond the current setup");
            missing++;
        }
        buf_append_str(out, " |\n");
    }
    if (missing == 4) {
        pack_assume(ctx, "No privacy/safety requirements in the intake: the plan assumes none beyond today's setup "
                         "(no data-residency, encryption, access or retention changes).");
        pack_ask(ctx, 55, NULL,
                 "Which privacy or compliance requirements (data residency, encryption, access, "
                 "retention) bind the platform?");
    } else if (missing) {
        pack_assume(ctx, "%zu of 4 privacy/safety requirements are not in the intake and are assumed unchanged.",
                    missing);
    }
}

void pack_write_quality(struct pack_context *ctx, struct buf *out)
{
    buf_append_str(out, "\n## 3. Quality attributes spec\n");
    struct sli_row rows[SLI_COUNT];
    memset(rows, 0, sizeof(rows));
    double *scratch = malloc((ctx->crawl->page_count ? ctx->crawl->page_count : 1) * sizeof(*scratch));
    if (!scratch) {
        ctx->status = CP_ERR_NOMEM;
        return;
    }
    measure(ctx, rows, scratch);
    free(scratch);
    for (size_t i = 0; i < ctx->intake->slo_count; i++) {
        int k = match_sli(&ctx->intake->slos[i]);
        if (k >= 0 && !rows[k].slo)
            rows[k].slo = &ctx->intake->slos[i];
    }
    write_slo_table(ctx, out, rows);
    write_intake_slos(ctx, out);
    write_privacy(ctx, out);
    if (!ctx->crawl->has_timing)
        pack_assume(ctx, "pages.csv has no ttfb_ms/total_ms columns: latency baselines are not measured.");
    for (int k = 0; k < SLI_COUNT; k++)
        buf_free(&rows[k].baseline);
}
