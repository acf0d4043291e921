/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_discoverability: section 6 of the pack, computed entirely from the crawl folder —
 * the measured state (pack_discoverability_measure.c), then the requirements with their measured
 * gaps and example URLs (full lists as CSV files beside the pack): sitemap categorisation,
 * pagination, freshness, the sitemap diff, internal linking, indexability and canonicalisation;
 * then the source's check answered pass/fail with the evidence. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/csv.h"
#include "reports/pack_discoverability.h"

static const struct pack_context *sort_context;

/* ---- requirements ---- */

/* R2 under a re-split: each proposed child sitemap, cut at the limits. */
static void write_proposed_files(struct pack_context *ctx, struct buf *out, const struct analysis *a)
{
    struct buf name = BUF_INIT;
    size_t largest = 0, largest_bytes = 0, splits = 0;
    const char *largest_name = NULL;
    buf_append_str(out, "| proposed file | URLs | est. size | split into |\n|---|---:|---:|---|\n");
    for (size_t s = 0; s < a->section_count; s++) {
        const struct section_info *sec = &a->sections[s];
        if (sec->page_count > largest) {
            largest = sec->page_count;
            largest_bytes = sec->proposed_bytes;
            largest_name = sec->name;
        }
        buf_append_str(out, "| ");
        md_url(out, disc_proposed_sitemap(ctx, sec->name, &name));
        buf_printf(out, " | %zu | %.1f KB | ", sec->page_count, (double)sec->proposed_bytes / 1000.0);
        if (sec->page_count <= SITEMAP_MAX_URLS && sec->proposed_bytes + SITEMAP_FRAME_BYTES <= SITEMAP_MAX_BYTES) {
            buf_append_str(out, "one file |\n");
            continue;
        }
        splits++;
        /* Greedy cut in URL order: a new file starts when the next entry would pass either limit. */
        size_t part = 0, count = 0, bytes = SITEMAP_FRAME_BYTES;
        for (size_t k = 0; k < sec->page_count; k++) {
            const char *url = ctx->crawl->pages[sec->pages[k]].url;
            size_t entry = disc_entry_bytes(url);
            if (k == 0 || count == SITEMAP_MAX_URLS || bytes + entry > SITEMAP_MAX_BYTES) {
                part++;
                buf_printf(out, "%s`%s/sitemap-%s-%zu.xml` from ", part > 1 ? "<br>" : "", ctx->origin, sec->name,
                           part);
                md_url(out, url);
                count = 0;
                bytes = SITEMAP_FRAME_BYTES;
            }
            count++;
            bytes += entry;
        }
        buf_append_str(out, " |\n");
    }
    if (largest_name)
        buf_printf(out,
                   "\nMeasured gap: %zu file(s) need splitting; the largest proposed file (`%s`) holds %zu URLs "
                   "(%.1f%% of 50,000) and about %.1f KB (%.2f%% of 50 MB). The index holds %zu of 50,000 "
                   "child sitemaps.\n",
                   splits, disc_proposed_sitemap(ctx, largest_name, &name), largest,
                   100.0 * (double)largest / SITEMAP_MAX_URLS, (double)largest_bytes / 1000.0,
                   100.0 * (double)largest_bytes / SITEMAP_MAX_BYTES, a->section_count);
    buf_free(&name);
}

/* R2 without a re-split: today's files against the limits (crawl.json's counts and sizes, else the
 * entries sitemaps.csv lists per file), or the one file R1 publishes. */
static void write_current_files(struct pack_context *ctx, struct buf *out, const struct sitemap_plan *plan)
{
    const struct crawl_data *crawl = ctx->crawl;
    const char *largest = NULL;
    long largest_urls = -1, largest_bytes = -1;
    bool sized = false;
    for (size_t i = 0; i < crawl->sitemap_file_count; i++)
        sized |= crawl->sitemap_files[i].urls >= 0;
    if (!sized && !plan->files && !plan->new_file) {
        buf_append_str(out, "Not triggered: no sitemap file is known (no crawl.json sizes, no sitemaps.csv).\n");
        return;
    }
    buf_append_str(out, "| current file | URLs | size |\n|---|---:|---:|\n");
    for (size_t i = 0; sized && i < crawl->sitemap_file_count; i++) {
        const struct crawl_sitemap_file *f = &crawl->sitemap_files[i];
        buf_append_str(out, "| ");
        md_url(out, f->url);
        buf_printf(out, " | %ld | ", f->urls);
        if (f->bytes >= 0)
            buf_printf(out, "%.1f KB |\n", (double)f->bytes / 1000.0);
        else
            buf_append_str(out, "— |\n");
        if (f->urls > largest_urls)
            largest = f->url, largest_urls = f->urls, largest_bytes = f->bytes;
    }
    for (const struct key_entry *e = plan->files; !sized && e; e = e->hh.next) {
        buf_append_str(out, "| ");
        md_url(out, e->key);
        buf_printf(out, " | %zu | — |\n", e->value);
        if ((long)e->value > largest_urls)
            largest = e->key, largest_urls = (long)e->value;
    }
    if (!largest && plan->new_file) {
        buf_append_str(out, "| ");
        md_url(out, plan->new_file);
        buf_printf(out, " (R1, to publish) | %zu | — |\n", ctx->indexable_count);
        largest = plan->new_file, largest_urls = (long)ctx->indexable_count;
    }
    buf_printf(out,
               "\nNot triggered: no file passes a limit or comes within 80%% of one; the largest, `%s`, lists "
               "%ld URLs (%.1f%% of 50,000)",
               largest, largest_urls, 100.0 * (double)largest_urls / SITEMAP_MAX_URLS);
    if (largest_bytes >= 0)
        buf_printf(out, " in %.1f KB (%.2f%% of 50 MB)", (double)largest_bytes / 1000.0,
                   100.0 * (double)largest_bytes / SITEMAP_MAX_BYTES);
    buf_append_str(out, ".\n");
}

static void write_pagination(struct pack_context *ctx, struct buf *out, const struct analysis *a,
                             const struct sitemap_plan *plan)
{
    buf_printf(out,
               "\n#### R2 Pagination\n\nRequirement: no sitemap file over %s URLs or %s MB uncompressed; "
               "no index over %s child sitemaps. Split a section's file at these limits into "
               "`sitemap-SECTION-1.xml`, `-2.xml`, ... in URL order.\n\n",
               "50,000", "50", "50,000");
    if (plan->split) {
        buf_append_str(out, "Triggered by: ");
        md_cell(out, buf_str(&plan->split_trigger));
        buf_append_str(out, ".\n\n");
        write_proposed_files(ctx, out, a);
    } else {
        write_current_files(ctx, out, plan);
    }
    for (size_t i = 0; i < ctx->crawl->sitemap_file_count; i++) {
        const struct crawl_sitemap_file *f = &ctx->crawl->sitemap_files[i];
        if (f->urls > SITEMAP_MAX_URLS || f->bytes > SITEMAP_MAX_BYTES) {
            buf_append_str(out, "Today's file ");
            md_url(out, f->url);
            buf_printf(out, " is over the protocol limit (%ld URLs, %ld bytes): search engines ignore it.\n", f->urls,
                       f->bytes);
        }
    }
}

static void write_freshness(struct pack_context *ctx, struct buf *out)
{
    const struct crawl_data *crawl = ctx->crawl;
    buf_append_str(out, "\n#### R3 Freshness\n\nRequirement: every entry carries `<lastmod>` set to the date of "
                        "the page's last significant content change (W3C date), never a future date and never "
                        "the generation time stamped on every entry; regenerate the sitemaps on publish.\n\n");
    if (!crawl->has_sitemaps_csv) {
        buf_append_str(out, "Measured gap: not measured (no sitemaps.csv in the crawl folder).\n");
        return;
    }
    size_t with = 0, future = 0, most_common = 0;
    struct key_entry *values = NULL;
    for (size_t i = 0; i < crawl->entry_count; i++) {
        const char *lastmod = crawl->entries[i].lastmod;
        if (!*lastmod)
            continue;
        with++;
        long day = pack_parse_date(lastmod);
        future += ctx->today >= 0 && day > ctx->today;
        struct key_entry *e = disc_key_add(ctx, &values, lastmod, 0);
        if (e && ++e->value > most_common)
            most_common = e->value;
    }
    disc_key_free_all(&values);
    buf_printf(out, "Measured gap: %zu of %zu entries have a lastmod (", with, crawl->entry_count);
    md_percent(out, with, crawl->entry_count);
    buf_printf(out, "); dated after %s: %zu; entries sharing the most common value: %zu", ctx->today_text, future,
               most_common);
    if (with >= 2 && most_common == with)
        buf_append_str(out, " — every lastmod is identical, so it reflects generation time, not content changes");
    buf_append_str(out, ".\n");
    static const char *const header[] = {"sitemap", "url", "lastmod", "problem"};
    FILE *csv = pack_csv_open(ctx, "sitemap-lastmod.csv", header, 4);
    size_t shown = 0, total = 0;
    for (size_t i = 0; i < crawl->entry_count; i++) {
        const struct crawl_sitemap_entry *e = &crawl->entries[i];
        long day = pack_parse_date(e->lastmod);
        const char *problem = !*e->lastmod                          ? "missing lastmod"
                              : day < 0                             ? "not a W3C date"
                              : ctx->today >= 0 && day > ctx->today ? "in the future"
                                                                    : NULL;
        if (!problem)
            continue;
        if (total++ == 0)
            buf_append_str(out, "\n| URL | sitemap | lastmod | problem |\n|---|---|---|---|\n");
        if (shown < PACK_EXAMPLES) {
            shown++;
            buf_append_str(out, "| ");
            md_url(out, e->url);
            buf_append_str(out, " | ");
            md_url(out, e->sitemap);
            buf_append_str(out, " | ");
            md_cell(out, e->lastmod);
            buf_printf(out, " | %s |\n", problem);
        }
        if (csv) {
            const char *row[] = {e->sitemap, e->url, e->lastmod, problem};
            csv_write_record(csv, row, 4);
        }
    }
    pack_csv_close(ctx, csv, "sitemap-lastmod.csv");
    disc_write_more(out, shown, total, "sitemap-lastmod.csv");
}

/* The URL to list instead of a removed one: its redirect or canonical target, followed through
 * redirects, when that is indexable; "" when there is none. *listed tells whether it is already in
 * a sitemap (then nothing needs adding). */
static const char *replacement_for(const struct pack_context *ctx, const struct crawl_page *p, bool *listed)
{
    const char *target = p->status >= 300 && p->status < 400 ? p->redirect_to : p->canonical;
    const struct crawl_page *t = *target ? crawl_data_find(ctx->crawl, target) : NULL;
    for (int hops = 0; t && hops < 10 && t->status >= 300 && t->status < 400 && *t->redirect_to; hops++)
        t = crawl_data_find(ctx->crawl, t->redirect_to);
    *listed = false;
    if (!t || t == p || !ctx->facts[t - ctx->crawl->pages].indexable)
        return "";
    *listed = ctx->facts[t - ctx->crawl->pages].listed;
    return t->url;
}

static void write_additions(struct pack_context *ctx, struct buf *out, const struct analysis *a,
                            const struct sitemap_plan *plan)
{
    struct buf name = BUF_INIT, reason = BUF_INIT;
    buf_printf(out,
               "\n##### Add (%zu)\n\nIndexable pages (200, HTML, no noindex, self-canonical or no canonical) "
               "that no sitemap lists.\n",
               ctx->missing_count);
    static const char *const header[] = {"url", "add_to", "reason"};
    FILE *csv = pack_csv_open(ctx, "sitemap-add.csv", header, 3);
    size_t shown = 0;
    for (size_t k = 0; k < ctx->crawl->page_count; k++) {
        size_t i = a->order[k];
        const struct page_facts *f = &ctx->facts[i];
        const struct crawl_page *p = &ctx->crawl->pages[i];
        if (ctx->from_audit ? !f->audit_missing : !f->indexable || f->listed)
            continue;
        buf_reset(&reason);
        if (p->depth >= 0)
            buf_printf(&reason, "indexable, linked at depth %d, in no sitemap", p->depth);
        else
            buf_append_str(&reason, "indexable, in no sitemap and not reached by followable links");
        const char *file = disc_add_target(ctx, a, plan, i, &name);
        if (shown == 0)
            buf_append_str(out, "\n| URL | add to | reason |\n|---|---|---|\n");
        if (shown < PACK_EXAMPLES) {
            buf_append_str(out, "| ");
            md_url(out, p->url);
            buf_printf(out, " | `%s` | %s |\n", file, buf_str(&reason));
        }
        shown++;
        if (csv) {
            const char *row[] = {p->url, file, buf_str(&reason)};
            csv_write_record(csv, row, 3);
        }
    }
    pack_csv_close(ctx, csv, "sitemap-add.csv");
    disc_write_more(out, shown < PACK_EXAMPLES ? shown : PACK_EXAMPLES, shown, "sitemap-add.csv");
    buf_free(&name);
    buf_free(&reason);
}

static void remove_row(struct buf *out, FILE *csv, size_t *shown, const char *url, const char *sitemap,
                       const char *reason, const char *replacement, bool replacement_listed)
{
    if (*shown == 0)
        buf_append_str(out, "\n| URL | remove from | reason | list instead |\n|---|---|---|---|\n");
    if (*shown < PACK_EXAMPLES) {
        buf_append_str(out, "| ");
        md_url(out, url);
        buf_append_str(out, " | ");
        md_url(out, sitemap);
        buf_append_str(out, " | ");
        md_cell(out, reason);
        buf_append_str(out, " | ");
        if (!*replacement) {
            buf_append_str(out, "—");
        } else if (replacement_listed) {
            buf_append_str(out, "nothing: ");
            md_url(out, replacement);
            buf_append_str(out, " is already listed");
        } else {
            md_url(out, replacement);
        }
        buf_append_str(out, " |\n");
    }
    (*shown)++;
    if (csv) {
        const char *row[] = {url, sitemap, reason, replacement_listed ? "" : replacement};
        csv_write_record(csv, row, 4);
    }
}

static void write_removals(struct pack_context *ctx, struct buf *out, const struct analysis *a)
{
    const struct crawl_data *crawl = ctx->crawl;
    buf_printf(out,
               "\n##### Remove (%zu)\n\nListed URLs a search engine must not index: each listing contradicts "
               "the page's own status or directives.\n",
               ctx->listed_not_indexable);
    static const char *const header[] = {"url", "remove_from", "reason", "list_instead"};
    FILE *csv = pack_csv_open(ctx, "sitemap-remove.csv", header, 4);
    size_t shown = 0, unverified = 0;
    if (crawl->has_sitemaps_csv) {
        for (size_t i = 0; i < crawl->entry_count; i++) {
            const struct crawl_sitemap_entry *e = &crawl->entries[i];
            const struct crawl_page *p = crawl_data_find(crawl, e->url);
            if (!p) {
                unverified++;
                continue;
            }
            const struct page_facts *f = &ctx->facts[p - crawl->pages];
            bool listed;
            const char *replacement = replacement_for(ctx, p, &listed);
            if (!f->indexable)
                remove_row(out, csv, &shown, e->url, e->sitemap, f->not_indexable_reason, replacement, listed);
        }
    } else {
        for (size_t k = 0; k < crawl->page_count; k++) {
            size_t i = a->order[k];
            bool listed;
            const char *replacement = replacement_for(ctx, &crawl->pages[i], &listed);
            if (crawl->pages[i].in_sitemap && !ctx->facts[i].indexable)
                remove_row(out, csv, &shown, crawl->pages[i].url, "(sitemap unknown: no sitemaps.csv)",
                           ctx->facts[i].not_indexable_reason, replacement, listed);
        }
    }
    pack_csv_close(ctx, csv, "sitemap-remove.csv");
    disc_write_more(out, shown < PACK_EXAMPLES ? shown : PACK_EXAMPLES, shown, "sitemap-remove.csv");
    if (unverified)
        buf_printf(out, "\nNot judged: %zu sitemap entr%s not crawled (outside the crawl's scope or limits).\n",
                   unverified, unverified == 1 ? "y was" : "ies were");
}

/* Candidate link sources: indexable pages within PACK_DEPTH_TARGET - 1 clicks, strongest first. */
static int compare_strength(const void *x, const void *y)
{
    const struct crawl_page *a = &sort_context->crawl->pages[*(const size_t *)x];
    const struct crawl_page *b = &sort_context->crawl->pages[*(const size_t *)y];
    double sa = pack_page_strength(a), sb = pack_page_strength(b);
    if (sa != sb)
        return sa < sb ? 1 : -1;
    if (a->depth != b->depth)
        return a->depth - b->depth;
    return strcmp(a->url, b->url);
}

static int compare_section_strength(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = strcmp(sort_context->facts[a].section, sort_context->facts[b].section);
    return c ? c : compare_strength(x, y);
}

/* Candidates looked at per target, so a page every candidate already links to cannot make the
 * search quadratic. */
#define MAX_CANDIDATES_SCANNED 10000

/* Up to max link sources for target from pool[0..count), strongest first, skipping pages that
 * already link to it. */
static size_t pick_sources(const struct analysis *a, const size_t *pool, size_t count, size_t target, size_t *picked,
                           size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < count && k < MAX_CANDIDATES_SCANNED && n < max; k++)
        if (pool[k] != target && !disc_links_to(a, pool[k], target))
            picked[n++] = pool[k];
    return n;
}

/* Binary search in pool (sorted by section): the first index whose section is >= section, or with
 * after, > section. */
static size_t section_bound(const struct pack_context *ctx, const size_t *pool, size_t count, const char *section,
                            bool after)
{
    size_t low = 0, high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        int c = strcmp(ctx->facts[pool[mid]].section, section);
        if (c < 0 || (after && c == 0))
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

/* The range of pool (sorted by section, then strength) holding section's pages. */
static const size_t *section_range(const struct pack_context *ctx, const size_t *pool, size_t count,
                                   const char *section, size_t *range_count)
{
    size_t first = section_bound(ctx, pool, count, section, false);
    *range_count = section_bound(ctx, pool, count, section, true) - first;
    return pool + first;
}

/* One page needing links: a table row (for the first PACK_EXAMPLES) and its CSV rows. */
static void write_suggestion(struct pack_context *ctx, struct buf *out, FILE *csv, bool in_table, size_t page,
                             const char *reason, const size_t *picked, size_t n, bool same_section)
{
    const struct crawl_data *crawl = ctx->crawl;
    const struct crawl_page *p = &crawl->pages[page];
    if (in_table) {
        buf_append_str(out, "| ");
        md_url(out, p->url);
        buf_printf(out, " | %s | ", reason);
        for (size_t j = 0; j < n; j++) {
            const struct crawl_page *s = &crawl->pages[picked[j]];
            if (j)
                buf_append_str(out, "<br>");
            md_url(out, s->url);
            buf_printf(out, " (%g, %d)", pack_page_strength(s), s->depth);
        }
        if (n == 0)
            buf_append_str(out, "no candidate within reach: add it to the navigation | — |\n");
        else
            buf_printf(out, "%s | %d |\n", same_section ? "" : "<br>(no page of its section is close enough)",
                       crawl->pages[picked[0]].depth + 1);
    }
    for (size_t j = 0; csv && j < n; j++) {
        const struct crawl_page *s = &crawl->pages[picked[j]];
        char depth[16], source_depth[16], score[32], new_depth[16];
        snprintf(depth, sizeof(depth), "%d", p->depth);
        snprintf(source_depth, sizeof(source_depth), "%d", s->depth);
        snprintf(score, sizeof(score), "%g", pack_page_strength(s));
        snprintf(new_depth, sizeof(new_depth), "%d", s->depth + 1);
        const char *row[] = {p->url, reason, p->depth >= 0 ? depth : "", s->url, source_depth, score, new_depth};
        csv_write_record(csv, row, 7);
    }
}

/* Link sources: indexable pages within PACK_DEPTH_TARGET - 1 clicks, strongest first (pool) and
 * by section, then strongest first (by_section). Returns how many; NULL arrays on no memory. */
static size_t build_source_pools(struct pack_context *ctx, size_t **pool, size_t **by_section)
{
    const struct crawl_data *crawl = ctx->crawl;
    size_t n = crawl->page_count ? crawl->page_count : 1, count = 0;
    *pool = malloc(n * sizeof(**pool));
    *by_section = malloc(n * sizeof(**by_section));
    if (!*pool || !*by_section) {
        free(*pool), free(*by_section);
        *pool = *by_section = NULL;
        ctx->status = CP_ERR_NOMEM;
        return 0;
    }
    for (size_t i = 0; i < crawl->page_count; i++)
        if (ctx->facts[i].indexable && crawl->pages[i].depth >= 0 && crawl->pages[i].depth < PACK_DEPTH_TARGET)
            (*pool)[count++] = i;
    memcpy(*by_section, *pool, count * sizeof(**pool));
    sort_context = ctx;
    qsort(*pool, count, sizeof(**pool), compare_strength);
    qsort(*by_section, count, sizeof(**by_section), compare_section_strength);
    return count;
}

static void write_internal_linking(struct pack_context *ctx, struct buf *out, const struct analysis *a)
{
    const struct crawl_data *crawl = ctx->crawl;
    const char *score_name = crawl->has_link_score ? "link score" : "inlinks";
    buf_printf(out,
               "\n#### R5 Internal linking\n\nRequirement: every indexable page is reachable through followable "
               "links within %d clicks. Each orphan or too-deep page gets \"related content\" links from the "
               "strongest pages of its own section (ranked by %s) that sit within %d clicks, so it lands at "
               "depth %d or less; when its section has no such page, from the strongest pages site-wide.\n",
               PACK_DEPTH_TARGET, score_name, PACK_DEPTH_TARGET - 1, PACK_DEPTH_TARGET);
    size_t *pool, *by_section;
    size_t pool_count = build_source_pools(ctx, &pool, &by_section);
    if (!pool)
        return;
    static const char *const header[] = {"target",       "reason",       "current_depth", "link_from",
                                         "source_depth", "source_score", "new_depth"};
    FILE *csv = pack_csv_open(ctx, "internal-links.csv", header, 7);
    size_t targets = 0;
    struct buf reason = BUF_INIT;
    for (size_t k = 0; k < crawl->page_count; k++) {
        size_t i = a->order[k];
        const struct crawl_page *p = &crawl->pages[i];
        if (!ctx->facts[i].indexable || (p->depth >= 0 && p->depth <= PACK_DEPTH_TARGET))
            continue;
        size_t picked[3], range_count;
        const size_t *range = section_range(ctx, by_section, pool_count, ctx->facts[i].section, &range_count);
        size_t n = pick_sources(a, range, range_count, i, picked, 3);
        bool same_section = n > 0;
        if (n == 0)
            n = pick_sources(a, pool, pool_count, i, picked, 3);
        if (n == 0)
            ctx->gate.gaps_without_action++;
        buf_reset(&reason);
        if (p->depth < 0)
            buf_printf(&reason, "orphan: %s",
                       ctx->facts[i].listed ? "in a sitemap, no followable internal link"
                                            : "no followable internal link");
        else
            buf_printf(&reason, "depth %d > %d", p->depth, PACK_DEPTH_TARGET);
        if (targets == 0)
            buf_printf(out, "\n| page | why | link from (%s, depth) | new depth |\n|---|---|---|---:|\n", score_name);
        write_suggestion(ctx, out, csv, targets < PACK_EXAMPLES, i, buf_str(&reason), picked, n, same_section);
        targets++;
    }
    pack_csv_close(ctx, csv, "internal-links.csv");
    buf_printf(out, "\nMeasured gap: %zu page(s) (%zu orphan, %zu too deep).\n", targets, ctx->orphan_count,
               ctx->deep_count);
    disc_write_more(out, targets < PACK_EXAMPLES ? targets : PACK_EXAMPLES, targets, "internal-links.csv");
    buf_free(&reason);
    free(pool);
    free(by_section);
}

/* Whether the space-separated list names signal. */
static bool votes_name(const char *votes, const char *signal)
{
    size_t length = strlen(signal);
    for (const char *at = strstr(votes, signal); at; at = strstr(at + 1, signal))
        if ((at == votes || at[-1] == ' ') && (at[length] == ' ' || at[length] == '\0'))
            return true;
    return false;
}

/* The changes that make one cluster's signals name its preferred URL (rows[0..count) are the cluster). */
static void cluster_changes(struct buf *changes, const struct crawl_cluster_row *rows, size_t count)
{
    static const struct {
        const char *signal, *before, *after; /* the change: before URL after */
    } fixes[] = {
        {"canonical", "point the canonicals at the kept URL (they name ", ")"},
        {"redirect", "redirect to the kept URL, not to ", ""},
        {"sitemap", "list the kept URL in the sitemap instead of ", ""},
        {"links", "link the kept URL instead of ", " (most internal links go there)"},
        {"hreflang", "name the kept URL in hreflang instead of ", ""},
    };
    bool canonical_vote = false;
    for (size_t f = 0; f < sizeof fixes / sizeof fixes[0]; f++)
        for (size_t i = 0; i < count; i++) {
            if (!votes_name(rows[i].votes, fixes[f].signal))
                continue;
            canonical_vote |= f == 0;
            if (rows[i].preferred)
                continue;
            buf_append_str(changes, changes->len ? "; " : "");
            buf_printf(changes, "%s%s%s", fixes[f].before, rows[i].url, fixes[f].after);
        }
    if (!canonical_vote) {
        buf_append_str(changes, changes->len ? "; " : "");
        buf_append_str(changes, "give every other URL of the cluster a canonical to the kept URL");
    }
    if (changes->len == 0)
        buf_append_str(changes, "none: every signal names it");
}

/* R6's duplicate clusters (clusters.csv): the URL to keep and the change for each disagreeing
 * signal. Nothing when the folder has no cluster (or no clusters.csv). */
static void write_clusters(const struct crawl_data *crawl, struct buf *out)
{
    if (crawl->cluster_row_count == 0)
        return;
    size_t clusters = 0, shown = 0;
    for (size_t i = 0; i < crawl->cluster_row_count; i++)
        clusters += i == 0 || crawl->cluster_rows[i].cluster != crawl->cluster_rows[i - 1].cluster;
    buf_printf(out,
               "\nDuplicate clusters (rule 6: one URL per cluster, every signal naming it): %zu cluster(s) of %zu "
               "page(s) share their main text (clusters.csv).\n\n| keep | cluster | change |\n|---|---|---|\n",
               clusters, crawl->cluster_row_count);
    struct buf changes = BUF_INIT;
    for (size_t start = 0, end; start < crawl->cluster_row_count; start = end) {
        const struct crawl_cluster_row *rows = &crawl->cluster_rows[start];
        for (end = start + 1; end < crawl->cluster_row_count && crawl->cluster_rows[end].cluster == rows->cluster;
             end++)
            ;
        const char *keep = rows->url;
        for (size_t i = 0; i < end - start; i++)
            if (rows[i].preferred)
                keep = rows[i].url;
        if (shown++ >= PACK_EXAMPLES)
            continue;
        buf_reset(&changes);
        cluster_changes(&changes, rows, end - start);
        buf_append_str(out, "| ");
        md_url(out, keep);
        buf_printf(out, " | %zu %s | ", end - start, rows->kind);
        md_cell(out, buf_str(&changes));
        buf_append_str(out, " |\n");
    }
    buf_free(&changes);
    disc_write_more(out, shown < PACK_EXAMPLES ? shown : PACK_EXAMPLES, clusters, "clusters.csv");
}

static void write_indexability(struct pack_context *ctx, struct buf *out, const struct analysis *a,
                               const struct health *h)
{
    const struct crawl_data *crawl = ctx->crawl;
    buf_append_str(out, "\n#### R6 Indexability controls and canonicalisation\n\nRules:\n\n"
                        "1. Every indexable page declares an absolute, self-referencing `rel=canonical`.\n"
                        "2. A canonical points at an indexable 200 URL, directly (no redirect, no chain).\n"
                        "3. `noindex` is never combined with a canonical to another URL (conflicting signals).\n"
                        "4. Non-indexable URLs (noindex, redirected, canonicalised, erroring, blocked) stay out of "
                        "sitemaps (R4 removes them) and out of internal links where possible.\n"
                        "5. Every noindex is deliberate: the list below is confirmed by the page's owner.\n"
                        "6. Pages with the same main text are one cluster with one URL to keep: its canonical, "
                        "redirects, sitemap entry, internal links and hreflang all name it.\n\n");
    struct buf invalid = BUF_INIT;
    if (h->canonical_invalid)
        buf_printf(&invalid, " and %zu with an invalid one (not an http(s) URL)", h->canonical_invalid);
    buf_printf(out,
               "Measured gaps: rule 1: %zu indexable page(s) without a canonical%s; rule 2: %zu canonical(s) to "
               "non-indexable or uncrawled URLs; rule 3: %zu conflict(s); rule 4: %zu listed non-indexable "
               "URL(s); rule 5: %zu noindex page(s) to confirm.\n",
               h->canonical_missing, buf_str(&invalid), h->canonical_bad, h->noindex_canonical,
               ctx->listed_not_indexable, h->noindex);
    buf_free(&invalid);
    static const char *const header[] = {"url", "status", "indexable", "reason", "rule"};
    FILE *csv = pack_csv_open(ctx, "indexability.csv", header, 5);
    size_t shown = 0, total = 0;
    for (size_t k = 0; k < crawl->page_count; k++) {
        size_t i = a->order[k];
        const struct crawl_page *p = &crawl->pages[i];
        const struct page_facts *f = &ctx->facts[i];
        const struct crawl_page *target = NULL;
        const char *rule = NULL, *reason = f->not_indexable_reason;
        if (f->indexable && !*p->canonical && f->html)
            rule = "1", reason = "no canonical";
        else if (f->indexable && f->canonical_invalid && f->html)
            rule = "1", reason = "invalid canonical";
        else if (f->noindex && f->canonical_elsewhere)
            rule = "3";
        else if (disc_canonical_target_bad(ctx, i, &target))
            rule = "2";
        else if (f->noindex)
            rule = "5";
        if (!rule)
            continue;
        total++;
        char status[16];
        snprintf(status, sizeof(status), "%d", p->status);
        char detail[512];
        if (*rule == '2')
            snprintf(detail, sizeof(detail), "canonical to %.400s (%s)", p->canonical,
                     !target ? "not crawled" : ctx->facts[target - crawl->pages].not_indexable_reason);
        else if (*rule == '3')
            snprintf(detail, sizeof(detail), "noindex and canonical to %.400s", p->canonical);
        else if (*rule == '1' && f->canonical_invalid)
            snprintf(detail, sizeof(detail), "invalid canonical %.400s (not an http(s) URL)", p->canonical);
        else
            snprintf(detail, sizeof(detail), "%.500s", reason);
        if (shown == 0)
            buf_append_str(out, "\n| URL | rule | evidence |\n|---|---|---|\n");
        if (shown < PACK_EXAMPLES) {
            shown++;
            buf_append_str(out, "| ");
            md_url(out, p->url);
            buf_printf(out, " | %s | ", rule);
            md_cell(out, detail);
            buf_append_str(out, " |\n");
        }
        if (csv) {
            const char *row[] = {p->url, status, f->indexable ? "1" : "0", detail, rule};
            csv_write_record(csv, row, 5);
        }
    }
    pack_csv_close(ctx, csv, "indexability.csv");
    disc_write_more(out, shown, total, "indexability.csv");
    write_clusters(crawl, out);
}

static void write_check(struct pack_context *ctx, struct buf *out, const struct analysis *a, const struct health *h)
{
    size_t intent_findings = disc_count_findings(ctx->crawl, "canonical-loop") +
                             disc_count_findings(ctx->crawl, "canonical-multiple") +
                             disc_count_findings(ctx->crawl, "canonical-header-mismatch") +
                             disc_count_findings(ctx->crawl, "noindex-blocked");
    bool reach = ctx->orphan_count == 0 && ctx->missing_count == 0;
    bool intent = ctx->listed_not_indexable == 0 && h->noindex_canonical == 0 && h->canonical_bad == 0 &&
                  intent_findings == 0;
    ctx->gate.site_check_passed = reach && intent;
    buf_printf(out,
               "\n### 6.3 Check: \"A crawler can reach all indexable pages via links/sitemaps; "
               "noindex/canonicals are intentional\"\n\n**%s.**\n\n",
               reach && intent ? "PASS" : "FAIL");
    buf_printf(out,
               "- Reach — **%s**: %zu of %zu indexable pages are reached by followable links (orphans: %zu) "
               "and %zu are listed in a sitemap (missing: %zu). Both paths must cover every page.\n",
               reach ? "pass" : "fail", ctx->indexable_count - ctx->orphan_count, ctx->indexable_count,
               ctx->orphan_count, ctx->indexable_count - ctx->missing_count, ctx->missing_count);
    buf_printf(out,
               "- Intent — **%s**: %zu non-indexable URL(s) listed in sitemaps, %zu noindex+canonical "
               "conflict(s), %zu canonical(s) to non-indexable targets",
               intent ? "pass" : "fail", ctx->listed_not_indexable, h->noindex_canonical, h->canonical_bad);
    if (ctx->crawl->has_findings)
        buf_printf(out, ", %zu canonical-loop/-multiple/-header-mismatch or noindex-blocked finding(s)",
                   intent_findings);
    buf_append_str(out, ". A listing, a conflict or a broken canonical contradicts a directive, so it cannot be "
                        "intentional.\n");
    if (!(reach && intent))
        buf_append_str(out, "- To pass: apply R4 (the sitemap diff), R5 (the internal links) and R6, then re-run "
                            "`crawlpack audit` and `crawlpack pack --check`.\n");
    (void)a;
}

/* The audit's conclusions per page, from findings.json: section 6 states the same facts the audit
 * states (an orphan is what orphan-url or unreachable-by-follow names, a page missing from the
 * sitemaps what missing-from-sitemap names, and only sitemap entries the audit accepted and then
 * judged count as listed but not indexable), so pack.md and findings.json never disagree. */
static void mark_audit_facts(struct pack_context *ctx)
{
    const struct crawl_data *crawl = ctx->crawl;
    ctx->from_audit = crawl->has_findings;
    for (size_t i = 0; ctx->from_audit && i < crawl->findings.count; i++) {
        const struct finding *f = &crawl->findings.items[i];
        const struct crawl_page *p = f->url ? crawl_data_find(crawl, f->url) : NULL;
        if (!p)
            continue;
        struct page_facts *facts = &ctx->facts[p - crawl->pages];
        switch (f->rule) {
        case RULE_ORPHAN_URL:
        case RULE_UNREACHABLE_BY_FOLLOW: facts->audit_orphan = true; break;
        case RULE_MISSING_FROM_SITEMAP: facts->audit_missing = true; break;
        case RULE_SITEMAP_URL_REDIRECT:
        case RULE_SITEMAP_URL_CLIENT_ERROR:
        case RULE_SITEMAP_URL_SERVER_ERROR:
        case RULE_SITEMAP_URL_NOINDEX:
        case RULE_SITEMAP_URL_CANONICALIZED:
        case RULE_SITEMAP_URL_BLOCKED: facts->audit_listed_bad = true; break;
        default: break;
        }
    }
}

/* Section 6's counts: the audit's (findings.json) when the folder has them, else counted from
 * pages.csv and sitemaps.csv. */
static void count_pages(struct pack_context *ctx)
{
    const struct crawl_data *crawl = ctx->crawl;
    mark_audit_facts(ctx);
    for (size_t i = 0; i < crawl->page_count; i++) {
        const struct page_facts *f = &ctx->facts[i];
        int depth = crawl->pages[i].depth;
        if (ctx->from_audit) {
            ctx->orphan_count += f->audit_orphan;
            ctx->missing_count += f->audit_missing;
            ctx->listed_not_indexable += f->audit_listed_bad;
        }
        if (!f->indexable) {
            ctx->listed_not_indexable += !ctx->from_audit && f->listed && !crawl->has_sitemaps_csv;
            continue;
        }
        ctx->indexable_count++;
        ctx->orphan_count += !ctx->from_audit && depth < 0;
        ctx->deep_count += depth > PACK_DEPTH_TARGET;
        ctx->missing_count += !ctx->from_audit && !f->listed;
    }
    for (size_t i = 0; !ctx->from_audit && crawl->has_sitemaps_csv && i < crawl->entry_count; i++) {
        const struct crawl_page *p = crawl_data_find(crawl, crawl->entries[i].url);
        ctx->listed_not_indexable += p && !ctx->facts[p - crawl->pages].indexable;
    }
}

void pack_write_discoverability(struct pack_context *ctx, struct buf *out)
{
    buf_append_str(out, "\n## 6. Discoverability plan\n\n");
    const struct crawl_data *crawl = ctx->crawl;
    ctx->gate.crawl_has_pages = crawl->page_count > 0;
    if (crawl->page_count == 0) {
        buf_append_str(out, "Not applicable: the crawl folder lists no pages, so there is nothing to plan from. "
                            "Re-run `crawlpack audit` on the site.\n");
        pack_ask(ctx, 80, NULL,
                 "The crawl found no pages: is the start URL right, and is the site reachable "
                 "from where the audit ran?");
        return;
    }
    struct analysis a = {0};
    count_pages(ctx);
    disc_analysis_build(ctx, &a);
    ctx->section_count = a.section_count;
    ctx->broken_targets = a.broken_count;
    ctx->broken_links = a.broken_links;
    ctx->redirect_chains = a.chain_count;
    struct health h;
    disc_measure_health(ctx, &h);
    size_t in_scope = 0;
    for (size_t i = 0; i < crawl->page_count; i++)
        in_scope += !ctx->facts[i].external;
    buf_printf(out, "Applicable: a web property of %zu crawled URLs", in_scope);
    if (crawl->start_url) {
        buf_append_str(out, " from ");
        md_url(out, crawl->start_url);
    }
    buf_append_str(out, ". Everything in this section is computed from the crawl folder.\n");
    if (!crawl->has_links)
        pack_assume(ctx, "No links.csv in the crawl folder: internal-link suggestions cannot exclude links that "
                         "already exist, and broken links come from findings.json only.");
    if (!crawl->has_sitemaps_csv)
        pack_assume(ctx, "No sitemaps.csv in the crawl folder: which sitemap file lists a URL is unknown (the diff "
                         "uses pages.csv's in_sitemap column) and lastmod freshness is not measured.");
    disc_write_measured_state(ctx, out, &a, &h);
    buf_append_str(out, "\n### 6.2 Requirements\n");
    struct sitemap_plan plan;
    disc_sitemap_plan_build(ctx, &a, &plan);
    disc_write_sitemap_plan(ctx, out, &a, &plan);
    write_pagination(ctx, out, &a, &plan);
    write_freshness(ctx, out);
    buf_printf(out,
               "\n#### R4 Sitemap diff\n\nApply both lists, then regenerate the sitemaps.\n\nMeasured gap: %zu "
               "indexable page(s) in no sitemap, %zu non-indexable URL(s) listed.\n",
               ctx->missing_count, ctx->listed_not_indexable);
    write_additions(ctx, out, &a, &plan);
    write_removals(ctx, out, &a);
    write_internal_linking(ctx, out, &a);
    write_indexability(ctx, out, &a, &h);
    write_check(ctx, out, &a, &h);
    ctx->gate.discoverability_gaps = ctx->orphan_count + ctx->deep_count + ctx->missing_count +
                                     ctx->listed_not_indexable + a.broken_count + a.chain_count + h.canonical_bad +
                                     h.noindex_canonical;
    disc_sitemap_plan_free(&plan);
    disc_analysis_free(&a);
}
