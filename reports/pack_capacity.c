/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_capacity: section 4 of the pack — the scaling "doomsday clock". The intake's
 * capacity limits plus the limits the crawl measures (sitemap files against the protocol's 50,000
 * URLs / 50 MB, child sitemaps per index, robots.txt against 500 KiB, indexable URL growth against
 * one sitemap file's capacity, from the crawl stores' earlier runs or --previous), closest to breach first, at most ten rows: the
 * source's "boil the ocean" anti-pattern says a longer clock is a spreadsheet, not a decision tool. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/array_grow.h"
#include "reports/pack_history.h"
#include "reports/pack_internal.h"

struct doom_row {
    char *metric;
    char *current;
    char *limit;
    double used; /* fraction of the limit; < 0 when unknown */
    char *alert;
    char *lead_time;
    char *mitigation;
    char *breach;
    double breach_days; /* days from today to the limit; < 0 when not projected */
    bool over_alert;    /* current is at or past the alert threshold */
    const char *source;
};

struct doom_table {
    struct doom_row *rows;
    size_t count;
};

static char *format_number(double value)
{
    struct buf b = BUF_INIT;
    if (value == floor(value) && fabs(value) < 1e15)
        md_count(&b, (long)value);
    else
        buf_printf(&b, "%.2f", value);
    return buf_detach(&b);
}

static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *text(const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_detach(&b);
}

static struct doom_row *add_row(struct pack_context *ctx, struct doom_table *t)
{
    struct doom_row *grown = array_grow(t->rows, t->count, sizeof(*grown));
    if (!grown) {
        ctx->status = CP_ERR_NOMEM;
        return NULL;
    }
    t->rows = grown;
    struct doom_row *r = &grown[t->count++];
    memset(r, 0, sizeof(*r));
    r->breach_days = -1;
    return r;
}

/* Days until current reaches limit growing by rate per day; -1 when it never does or the date of
 * reference is unknown. */
static double days_to_breach(const struct pack_context *ctx, double current, double limit, double rate_per_day)
{
    if (current >= limit)
        return 0;
    if (rate_per_day <= 0 || ctx->today < 0)
        return -1;
    return ceil((limit - current) / rate_per_day);
}

/* The projected breach as text; NULL when not projected. */
static char *breach_date(const struct pack_context *ctx, double current, double limit, double rate_per_day)
{
    double days = days_to_breach(ctx, current, limit, rate_per_day);
    if (days == 0)
        return strdup("breached");
    if (days < 0)
        return NULL;
    if (days > 365.0 * 100)
        return strdup("more than 100 years away");
    char date[16];
    pack_format_date(ctx->today + (long)days, date);
    return text("%s (in %.0f days)", date, days);
}

static void add_measured(struct pack_context *ctx, struct doom_table *t, const char *metric, double current,
                         double limit, const char *unit, const char *lead_time, const char *mitigation, char *breach,
                         double rate_per_day)
{
    struct doom_row *r = add_row(ctx, t);
    if (!r) {
        free(breach);
        return;
    }
    char *cur = format_number(current), *lim = format_number(limit), *alert = format_number(floor(limit * 0.8));
    r->metric = strdup(metric);
    r->current = text("%s%s", cur, unit);
    r->limit = text("%s%s", lim, unit);
    r->alert = text("%s%s (80%%)", alert, unit);
    free(cur), free(lim), free(alert);
    r->used = current / limit;
    r->lead_time = strdup(lead_time);
    r->mitigation = strdup(mitigation);
    r->breach = breach;
    r->breach_days = days_to_breach(ctx, current, limit, rate_per_day);
    r->over_alert = current >= floor(limit * 0.8);
    r->source = "crawl";
}

/* Indexable URL growth per day between the previous crawl folder (pages.csv) and this one; 0 when
 * unknown. */
static double two_point_growth(struct pack_context *ctx, size_t current, size_t *previous_count)
{
    const struct crawl_data *prev = ctx->previous;
    *previous_count = 0;
    if (!prev)
        return 0;
    for (size_t i = 0; i < prev->page_count; i++)
        *previous_count += pack_page_is_indexable(&prev->pages[i]);
    long then = prev->started_at ? pack_parse_date(prev->started_at) : -1;
    long now = ctx->crawl->started_at ? pack_parse_date(ctx->crawl->started_at) : ctx->today;
    if (then < 0 || now <= then) {
        pack_assume(ctx, "The previous crawl's date is unknown or not earlier than this crawl's: URL growth is "
                         "not projected.");
        return 0;
    }
    return ((double)current - (double)*previous_count) / (double)(now - then);
}

/* The slope of the least-squares line through (day, indexable) of the stored runs and this crawl
 * (with one earlier run, the two-point slope); *fitted false when every point falls on one day. */
static double least_squares(const struct pack_history *h, long now, size_t current, bool *fitted)
{
    double n = (double)h->count + 1, sx = (double)now, sy = (double)current;
    for (size_t i = 0; i < h->count; i++)
        sx += (double)h->points[i].day, sy += (double)h->points[i].indexable;
    double mx = sx / n, my = sy / n, sxx = ((double)now - mx) * ((double)now - mx);
    double sxy = ((double)now - mx) * ((double)current - my);
    for (size_t i = 0; i < h->count; i++) {
        double dx = (double)h->points[i].day - mx;
        sxx += dx * dx;
        sxy += dx * ((double)h->points[i].indexable - my);
    }
    *fitted = sxx > 0;
    return *fitted ? sxy / sxx : 0;
}

/* The runs a growth line went through, for the assumption: "run 1 (2026-01-01, 12 indexable), ...",
 * at most ten, the latest ones. */
static void cite_runs(const struct pack_history *h, struct buf *out)
{
    size_t first = h->count > 10 ? h->count - 10 : 0;
    if (first)
        buf_printf(out, "%zu earlier runs, then ", first);
    for (size_t i = first; i < h->count; i++) {
        char date[16];
        pack_format_date(h->points[i].day, date);
        const struct pack_point *p = &h->points[i];
        if (p->run)
            buf_printf(out, "%srun %lld of %s (%s, %zu indexable)", i > first ? ", " : "", (long long)p->run, p->store,
                       date, p->indexable);
        else /* the --previous folder without a store */
            buf_printf(out, "%sthe previous crawl %s (%s, %zu indexable)", i > first ? ", " : "", p->store, date,
                       p->indexable);
    }
}

/* Indexable URL growth per day: the line through the crawl stores' earlier runs of the site and
 * this crawl when there are any (reports/pack_history.h), else the two-point slope against the
 * --previous folder; 0 when unknown. *previous_count is the latest earlier count. */
static double growth_per_day(struct pack_context *ctx, size_t current, size_t *previous_count, size_t *points)
{
    const struct pack_history *h = ctx->history;
    *points = 0;
    if (!h || h->count == 0)
        return two_point_growth(ctx, current, previous_count);
    *previous_count = h->points[h->count - 1].indexable;
    long now = ctx->crawl->started_at ? pack_parse_date(ctx->crawl->started_at) : ctx->today;
    bool fitted = false;
    double rate = now >= 0 ? least_squares(h, now, current, &fitted) : 0;
    struct buf runs = BUF_INIT;
    cite_runs(h, &runs);
    if (now < 0)
        pack_assume(ctx,
                    "This crawl's date is unknown: URL growth through the crawl store's earlier runs of the site "
                    "(%s) is not projected.",
                    buf_str(&runs));
    else if (!fitted)
        pack_assume(ctx,
                    "The crawl store's earlier runs of the site (%s) and this crawl fall on one day: URL growth is "
                    "not projected.",
                    buf_str(&runs));
    else
        pack_assume(ctx,
                    "URL growth is the least-squares line of indexable URLs over time through %zu points: %s, and "
                    "this crawl (%zu indexable): %+.1f URLs/day.",
                    h->count + 1, buf_str(&runs), current, rate);
    *points = fitted ? h->count + 1 : 0;
    buf_free(&runs);
    return rate;
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Without crawl.json's sitemap list: count sitemaps.csv entries per file. */
static void count_entries_per_sitemap(struct pack_context *ctx, long *largest, long *files)
{
    const struct crawl_data *crawl = ctx->crawl;
    const char **names = malloc(crawl->entry_count * sizeof(*names));
    if (!names) {
        ctx->status = CP_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < crawl->entry_count; i++)
        names[i] = crawl->entries[i].sitemap;
    qsort(names, crawl->entry_count, sizeof(*names), compare_text);
    *files = 0;
    for (size_t i = 0, run = 0; i < crawl->entry_count; i++) {
        run = i > 0 && strcmp(names[i], names[i - 1]) == 0 ? run + 1 : 1;
        *files += run == 1;
        if ((long)run > *largest)
            *largest = (long)run;
    }
    free(names);
}

static void measured_rows(struct pack_context *ctx, struct doom_table *t)
{
    const struct crawl_data *crawl = ctx->crawl;
    long largest_urls = -1, largest_bytes = -1, files = (long)crawl->sitemap_file_count;
    for (size_t i = 0; i < crawl->sitemap_file_count; i++) {
        if (crawl->sitemap_files[i].urls > largest_urls)
            largest_urls = crawl->sitemap_files[i].urls;
        if (crawl->sitemap_files[i].bytes > largest_bytes)
            largest_bytes = crawl->sitemap_files[i].bytes;
    }
    if (largest_urls < 0 && crawl->has_sitemaps_csv && crawl->entry_count)
        count_entries_per_sitemap(ctx, &largest_urls, &files);
    size_t previous = 0, points = 0;
    double rate = growth_per_day(ctx, ctx->indexable_count, &previous, &points);
    if (largest_urls >= 0)
        add_measured(ctx, t, "largest sitemap file (URLs)", (double)largest_urls, SITEMAP_MAX_URLS, "", "2 weeks",
                     "split sitemaps per section (section 6, R1/R2)",
                     breach_date(ctx, (double)largest_urls, SITEMAP_MAX_URLS, rate), rate);
    if (largest_bytes >= 0)
        add_measured(ctx, t, "largest sitemap file (bytes, uncompressed)", (double)largest_bytes, SITEMAP_MAX_BYTES,
                     " B", "2 weeks", "split sitemaps per section (section 6, R2)", NULL, 0);
    if (files > 0)
        add_measured(ctx, t, "child sitemaps in one index", (double)files, SITEMAP_MAX_URLS, "", "1 month",
                     "add an index per section (a second index level)", NULL, 0);
    long robots = -1;
    for (size_t i = 0; i < crawl->robots_count; i++)
        if (crawl->robots[i].bytes > robots)
            robots = crawl->robots[i].bytes;
    if (robots >= 0)
        add_measured(ctx, t, "robots.txt size", (double)robots, ROBOTS_MAX_BYTES, " B", "1 week",
                     "consolidate robots.txt rules with wildcards", NULL, 0);
    char *breach = breach_date(ctx, (double)ctx->indexable_count, SITEMAP_MAX_URLS, rate);
    /* a line through stored runs (points), or the two-point slope against a --previous folder */
    bool from_store = ctx->history && ctx->history->count > 0;
    bool measured = points > 1 || (ctx->previous && !from_store);
    if (measured && rate <= 0 && !breach && points > 1) {
        breach = text("no growth over %zu runs (least squares; %zu → %zu)", points, previous, ctx->indexable_count);
    } else if (measured && rate <= 0 && !breach) {
        breach = text("no growth since the previous crawl (%zu → %zu)", previous, ctx->indexable_count);
    } else if (measured && breach) {
        char over[48] = "";
        if (points > 1)
            snprintf(over, sizeof over, " over %zu runs (least squares)", points);
        char *with_rate = text("%s; %+.1f URLs/day%s (%zu → %zu)", breach, rate, over, previous, ctx->indexable_count);
        free(breach);
        breach = with_rate;
    }
    add_measured(ctx, t, "indexable URLs vs one sitemap file's capacity", (double)ctx->indexable_count,
                 SITEMAP_MAX_URLS, "", "2 weeks", "split sitemaps per section (section 6, R1/R2)", breach, rate);
    if (!measured && !from_store)
        pack_assume(ctx, "No previous crawl (--previous): URL growth is unknown, so no breach date is projected "
                         "for the sitemap limits.");
}

static void intake_rows(struct pack_context *ctx, struct doom_table *t)
{
    for (size_t i = 0; i < ctx->intake->limit_count; i++) {
        const struct intake_limit *l = &ctx->intake->limits[i];
        struct doom_row *r = add_row(ctx, t);
        if (!r)
            return;
        const char *unit = l->unit ? l->unit : "";
        const char *space = *unit ? " " : "";
        char *cur = l->current.set ? format_number(l->current.value) : NULL;
        char *lim = l->limit.set ? format_number(l->limit.value) : NULL;
        char *alert = l->alert_threshold.set ? format_number(l->alert_threshold.value) : NULL;
        r->metric = strdup(l->metric ? l->metric : "");
        r->current = cur ? text("%s%s%s", cur, space, unit) : strdup("");
        r->limit = lim ? text("%s%s%s", lim, space, unit) : strdup("");
        r->alert = alert ? text("%s%s%s", alert, space, unit) : strdup("");
        free(cur), free(lim), free(alert);
        r->used = l->current.set && l->limit.set && l->limit.value > 0 ? l->current.value / l->limit.value : -1;
        r->lead_time = strdup(l->lead_time ? l->lead_time : "");
        r->mitigation = strdup(l->mitigation ? l->mitigation : "");
        r->breach_days = -1;
        if (l->growth_per_month.set && l->current.set && l->limit.set) {
            double rate = l->growth_per_month.value / 30.4375;
            r->breach = breach_date(ctx, l->current.value, l->limit.value, rate);
            r->breach_days = days_to_breach(ctx, l->current.value, l->limit.value, rate);
        }
        r->over_alert = l->current.set && l->alert_threshold.set && l->current.value >= l->alert_threshold.value;
        r->source = "intake";
    }
}

static int compare_rows(const void *x, const void *y)
{
    const struct doom_row *a = x, *b = y;
    if (a->used != b->used)
        return a->used < b->used ? 1 : -1;
    return strcmp(a->metric, b->metric);
}

static void free_table(struct doom_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        struct doom_row *r = &t->rows[i];
        free(r->metric), free(r->current), free(r->limit), free(r->alert), free(r->lead_time);
        free(r->mitigation), free(r->breach);
    }
    free(t->rows);
}

/* "6 weeks", "1 quarter", "10 days" -> days; -1 when the text holds no number and unit. */
static double lead_time_days(const char *text)
{
    static const struct {
        const char *unit;
        double days;
    } units[] = {
        {"day", 1}, {"week", 7}, {"sprint", 14}, {"month", 30.4375}, {"quarter", 91.3125}, {"year", 365.25},
    };
    char *end;
    double n = strtod(text, &end);
    if (end == text || n < 0)
        return -1;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strstr(end, units[i].unit))
            return n * units[i].days;
    return -1;
}

/* When the mitigation project must start: now when the alert already fired or the breach falls
 * inside the lead time, else the breach date minus the lead time. */
static void write_start_by(const struct pack_context *ctx, struct buf *out, const struct doom_row *r)
{
    double lead = r->lead_time ? lead_time_days(r->lead_time) : -1;
    if (r->over_alert) {
        buf_append_str(out, "**now** (over the alert threshold)");
    } else if (r->breach_days >= 0 && r->breach_days <= 365.0 * 100 && lead >= 0) {
        double start = r->breach_days - lead;
        char date[16];
        if (start <= 0) {
            buf_append_str(out, "**now** (breach inside the lead time)");
        } else {
            pack_format_date(ctx->today + (long)floor(start), date);
            buf_append_str(out, date);
        }
    } else {
        buf_append_str(out, "at the alert threshold");
    }
}

static void cell_or_missing(struct buf *out, const char *value)
{
    buf_append_str(out, " | ");
    if (value && *value)
        md_cell(out, value);
    else
        buf_append_str(out, "**missing**");
}

void pack_write_doomsday(struct pack_context *ctx, struct buf *out)
{
    buf_append_str(out, "\n## 4. Scaling doomsday clock and capacity plan\n\n");
    struct doom_table t = {NULL, 0};
    intake_rows(ctx, &t);
    measured_rows(ctx, &t);
    if (t.count)
        qsort(t.rows, t.count, sizeof(*t.rows), compare_rows);
    size_t shown = t.count < PACK_MAX_DOOMSDAY_ROWS ? t.count : PACK_MAX_DOOMSDAY_ROWS;
    ctx->gate.doomsday_rows = shown;
    ctx->gate.doomsday_intake_rows = ctx->intake->limit_count;
    buf_append_str(out, "Closest to breach first. An alert at the threshold leaves the lead time to finish the "
                        "mitigation project before the limit.\n\n| # | limit (metric) | current | limit | used | "
                        "alert threshold | lead time | mitigation project | projected breach | start mitigation by | "
                        "source |\n|---:|---|---:|---:|---:|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < shown; i++) {
        const struct doom_row *r = &t.rows[i];
        buf_printf(out, "| %zu", i + 1);
        cell_or_missing(out, r->metric);
        cell_or_missing(out, r->current);
        cell_or_missing(out, r->limit);
        if (r->used >= 0)
            buf_printf(out, " | %.1f%%", r->used * 100);
        else
            buf_append_str(out, " | unknown");
        cell_or_missing(out, r->alert);
        cell_or_missing(out, r->lead_time);
        cell_or_missing(out, r->mitigation);
        buf_append_str(out, " | ");
        md_cell(out, r->breach ? r->breach : "not projected");
        buf_append_str(out, " | ");
        write_start_by(ctx, out, r);
        buf_printf(out, " | %s |\n", r->source);
    }
    if (t.count > shown)
        buf_printf(out,
                   "\n%zu further limit(s) farther from breach are left out: a clock of more than %d rows is a "
                   "spreadsheet, not a decision tool. Revisit them at the next review.\n",
                   t.count - shown, PACK_MAX_DOOMSDAY_ROWS);
    if (!ctx->intake->limit_count) {
        pack_assume(ctx, "No capacity limits in the intake: the doomsday clock holds only what the crawl measures "
                         "(sitemap and robots.txt limits, URL growth).");
        pack_ask(ctx, 65, NULL,
                 "Which 3-5 infrastructure limits (database size/IOPS, queue depth, rate limits, "
                 "deploy throughput) are closest to breach, and what are their lead times?");
    }
    buf_append_str(out, "\nCapacity plan: start each mitigation project when its metric crosses the alert "
                        "threshold; rows whose projected breach falls inside the lead time start now.\n");
    free_table(&t);
}
