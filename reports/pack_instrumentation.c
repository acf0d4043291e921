/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_instrumentation: section 5 of the pack — observability gaps, the server-side
 * analytics event contract from the intake, and what the crawl saw of analytics tags: which tags,
 * their coverage, the pages missing them, and client-side-only tracking flagged as a gap. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/array_grow.h"
#include "common/csv.h"
#include "reports/pack_internal.h"

struct tag_count {
    char *name;
    size_t pages;
};

enum name_style { STYLE_SNAKE, STYLE_CAMEL, STYLE_KEBAB, STYLE_OTHER };

static enum name_style name_style(const char *name)
{
    bool upper = false, underscore = false, dash = false, other = false;
    for (const char *p = name; *p; p++) {
        upper |= isupper((unsigned char)*p) != 0;
        underscore |= *p == '_';
        dash |= *p == '-';
        other |= !isalnum((unsigned char)*p) && *p != '_' && *p != '-';
    }
    if (other || (underscore + dash + upper) > 1)
        return STYLE_OTHER;
    return dash ? STYLE_KEBAB : upper ? STYLE_CAMEL : STYLE_SNAKE;
}

static void write_list(struct buf *out, const struct intake_strings *list)
{
    if (!list->count) {
        buf_append_str(out, "**missing**");
        return;
    }
    for (size_t i = 0; i < list->count; i++) {
        if (i)
            buf_append_str(out, "; ");
        md_cell(out, list->items[i]);
    }
}

static void write_text(struct buf *out, const char *value)
{
    if (value && *value)
        md_cell(out, value);
    else
        buf_append_str(out, "**missing**");
}

static void write_gaps(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    buf_append_str(out, "\n### Observability gaps (must-have dashboards and alerts)\n\n");
    for (size_t i = 0; i < in->observability_gaps.count; i++) {
        buf_append_str(out, "- ");
        md_cell(out, in->observability_gaps.items[i]);
        buf_append_char(out, '\n');
    }
    buf_append_str(out, "- (from the crawl, proposed) a per-deploy audit dashboard: sitemap coverage, orphan count, "
                        "non-indexable URLs in sitemaps, 5xx share and TTFB p95 per section, alerting when any "
                        "moves away from section 6's targets.\n");
    if (!in->observability_gaps.count)
        pack_assume(ctx, "No observability gaps in the intake: only the crawl-derived audit dashboard is proposed.");
}

static void write_events(struct pack_context *ctx, struct buf *out)
{
    const struct intake *in = ctx->intake;
    buf_append_str(out, "\n### Server-side analytics event contract\n\n");
    if (!in->event_count) {
        buf_append_str(out, "No events in the intake.\n");
        pack_assume(ctx, "No analytics events in the intake: the event contract is left to the owners; the crawl's "
                         "tag coverage below is the only measured input.");
        pack_ask(ctx, 60, NULL,
                 "Which 3-7 key events (sign-up, purchase, ...) must be captured server-side, who "
                 "owns each, and with which delivery guarantee?");
        return;
    }
    buf_append_str(out, "| event | owner | properties (schema) | identity | delivery guarantee | QA checks | clients | "
                        "server-side |\n|---|---|---|---|---|---|---|---|\n");
    int styles[4] = {0};
    for (size_t i = 0; i < in->event_count; i++) {
        const struct intake_event *e = &in->events[i];
        buf_append_str(out, "| ");
        write_text(out, e->name);
        buf_append_str(out, " | ");
        write_text(out, e->owner);
        buf_append_str(out, " | ");
        write_list(out, &e->properties);
        buf_append_str(out, " | ");
        write_text(out, e->identity);
        buf_append_str(out, " | ");
        write_text(out, e->delivery);
        buf_append_str(out, " | ");
        write_list(out, &e->qa_checks);
        buf_append_str(out, " | ");
        if (e->clients.count)
            write_list(out, &e->clients);
        else
            buf_append_str(out, "—");
        buf_printf(out, " | %s |\n", !e->server_side_set ? "unknown" : e->server_side ? "yes" : "**no**");
        if (e->name)
            styles[name_style(e->name)] = 1;
    }
    ctx->gate.event_names_mixed = styles[0] + styles[1] + styles[2] + styles[3] > 1;
    if (ctx->gate.event_names_mixed)
        buf_append_str(out, "\nEvent names mix naming styles: pick one (snake_case `object_action`) so every client "
                            "sends the same names.\n");
}

static int compare_tags(const void *x, const void *y)
{
    const struct tag_count *a = x, *b = y;
    if (a->pages != b->pages)
        return a->pages < b->pages ? 1 : -1;
    return strcmp(a->name, b->name);
}

static void count_tags(struct pack_context *ctx, const char *analytics, struct tag_count **tags, size_t *count)
{
    char *copy = strdup(analytics);
    if (!copy) {
        ctx->status = CP_ERR_NOMEM;
        return;
    }
    char *save = NULL;
    for (char *tag = strtok_r(copy, " ,", &save); tag; tag = strtok_r(NULL, " ,", &save)) {
        size_t k = 0;
        while (k < *count && strcmp((*tags)[k].name, tag) != 0)
            k++;
        if (k == *count) {
            struct tag_count *grown = array_grow(*tags, *count, sizeof(*grown));
            if (!grown || !(grown[k].name = strdup(tag))) {
                if (grown)
                    *tags = grown;
                ctx->status = CP_ERR_NOMEM;
                break;
            }
            *tags = grown;
            grown[k].pages = 0;
            (*count)++;
        }
        (*tags)[k].pages++;
    }
    free(copy);
}

/* The pages whose tags are the site's to fix: in-scope HTML answering 200. An out-of-scope page that
 * --check-external fetched is another site's, and its missing tag is nobody's gap here. */
static bool tag_page(const struct pack_context *ctx, size_t i)
{
    return ctx->facts[i].html && ctx->facts[i].ok && !ctx->facts[i].external;
}

static void write_tags(struct pack_context *ctx, struct buf *out)
{
    const struct crawl_data *crawl = ctx->crawl;
    buf_append_str(out, "\n### Analytics tags seen by the crawl\n\n");
    if (!crawl->has_analytics) {
        buf_append_str(out, "Not measured: pages.csv has no analytics column.\n");
        pack_assume(ctx, "pages.csv has no analytics column: tag coverage is not measured.");
        return;
    }
    struct tag_count *tags = NULL;
    size_t tag_count = 0, pages = 0, missing = 0;
    for (size_t i = 0; i < crawl->page_count; i++) {
        if (!tag_page(ctx, i))
            continue;
        pages++;
        if (!*crawl->pages[i].analytics)
            missing++;
        else
            count_tags(ctx, crawl->pages[i].analytics, &tags, &tag_count);
    }
    if (tag_count)
        qsort(tags, tag_count, sizeof(*tags), compare_tags);
    buf_printf(out, "Over %zu HTML pages answering 200:\n\n| tag | pages | coverage |\n|---|---:|---:|\n", pages);
    for (size_t k = 0; k < tag_count; k++) {
        buf_printf(out, "| %s | %zu | ", tags[k].name, tags[k].pages);
        md_percent(out, tags[k].pages, pages);
        buf_append_str(out, " |\n");
    }
    buf_printf(out, "| (none) | %zu | ", missing);
    md_percent(out, missing, pages);
    buf_append_str(out, " |\n");
    static const char *const header[] = {"url", "depth", "section"};
    FILE *csv = pack_csv_open(ctx, "analytics-missing.csv", header, 3);
    size_t shown = 0;
    for (size_t i = 0; i < crawl->page_count; i++) {
        const struct crawl_page *p = &crawl->pages[i];
        if (!tag_page(ctx, i) || *p->analytics)
            continue;
        if (shown == 0)
            buf_append_str(out, "\nPages without any analytics tag:\n\n");
        if (shown < PACK_EXAMPLES) {
            buf_append_str(out, "- ");
            md_url(out, p->url);
            buf_append_char(out, '\n');
        }
        shown++;
        char depth[16];
        snprintf(depth, sizeof(depth), "%d", p->depth);
        const char *row[] = {p->url, p->depth >= 0 ? depth : "", ctx->facts[i].section};
        if (csv)
            csv_write_record(csv, row, 3);
    }
    pack_csv_close(ctx, csv, "analytics-missing.csv");
    if (shown > PACK_EXAMPLES)
        buf_printf(out, "\n… and %zu more in `analytics-missing.csv`.\n", shown - PACK_EXAMPLES);
    bool server_side = false;
    for (size_t i = 0; i < ctx->intake->event_count; i++)
        server_side |= ctx->intake->events[i].server_side;
    if (tag_count && !server_side) {
        ctx->gate.analytics_client_side_only = true;
        buf_append_str(out, "\n**Gap: tracking is client-side only.** Every tag above runs in the browser, and the "
                            "intake names no server-side event: ad blockers, consent refusals and failed script "
                            "loads drop events silently. Capture the key events server-side (the contract above) and "
                            "keep the tags for page views only.\n");
    }
    for (size_t k = 0; k < tag_count; k++)
        free(tags[k].name);
    free(tags);
}

void pack_write_instrumentation(struct pack_context *ctx, struct buf *out)
{
    buf_append_str(out, "\n## 5. Instrumentation plan\n");
    write_gaps(ctx, out);
    write_events(ctx, out);
    write_tags(ctx, out);
}
