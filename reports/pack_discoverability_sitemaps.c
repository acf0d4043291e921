/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_discoverability_sitemaps: R1 of section 6 — the sitemap plan. It proposes the
 * smallest change that fixes what the crawl measured, each beside the fact that triggered it: no
 * sitemap (publish one at the root), no robots.txt or a file robots.txt does not name (add the
 * Sitemap: line), indexable pages outside every current file's folder (emit the missing file, such
 * as the default language's at the root). The files are re-split, one child sitemap per section
 * under one index, only when a file passes a protocol limit or is within the alert threshold of one;
 * then the moves and the files to retire follow. R4 adds each missing page to the file this plan
 * names for it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/csv.h"
#include "reports/pack_discoverability.h"

/* A file this full (percent of a limit) is projected to breach it: the doomsday clock's alert. */
#define SITEMAP_ALERT_PERCENT 80

static bool near_limit(long value, long limit)
{
    return value >= 0 && value * 100 >= limit * SITEMAP_ALERT_PERCENT;
}

static void add_change(struct pack_context *ctx, struct sitemap_plan *plan, const char *trigger, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_change(struct pack_context *ctx, struct sitemap_plan *plan, const char *trigger, const char *fmt, ...)
{
    if (plan->change_count == sizeof(plan->changes) / sizeof(plan->changes[0]))
        return; /* bounded: a plan of more changes is no smallest change */
    struct sitemap_change *c = &plan->changes[plan->change_count];
    buf_init(&c->change);
    buf_init(&c->trigger);
    va_list args;
    va_start(args, fmt);
    int rc = buf_vprintf(&c->change, fmt, args);
    va_end(args);
    if (rc == CP_OK)
        rc = buf_append_str(&c->trigger, trigger);
    if (rc != CP_OK)
        ctx->status = rc;
    plan->change_count++;
}

/* Length of url's folder: up to and including the last '/' of its path. */
static size_t folder_length(const char *url)
{
    size_t origin = pack_url_origin_length(url), end = origin + strcspn(url + origin, "?#"), folder = 0;
    for (size_t i = origin; i < end; i++)
        if (url[i] == '/')
            folder = i + 1;
    return folder ? folder : origin;
}

/* ---- the facts ---- */

/* The current files that list URLs (sitemaps.csv's, else crawl.json's), with their entry counts,
 * and the folders they cover. */
static void collect_files(struct pack_context *ctx, struct sitemap_plan *plan)
{
    const struct crawl_data *crawl = ctx->crawl;
    for (size_t i = 0; i < crawl->entry_count; i++) {
        struct key_entry *e = disc_key_add(ctx, &plan->files, crawl->entries[i].sitemap, 0);
        if (e)
            e->value++;
    }
    for (size_t i = 0; !crawl->entry_count && i < crawl->sitemap_file_count; i++)
        if (crawl->sitemap_files[i].urls > 0) /* a file tried and not read lists nothing */
            disc_key_add(ctx, &plan->files, crawl->sitemap_files[i].url, (size_t)crawl->sitemap_files[i].urls);
    HASH_SORT(plan->files, disc_compare_keys);
    struct buf folder = BUF_INIT;
    for (struct key_entry *e = plan->files; e; e = e->hh.next) {
        buf_reset(&folder);
        buf_append(&folder, e->key, folder_length(e->key));
        disc_key_add(ctx, &plan->folders, buf_str(&folder), 0);
    }
    buf_free(&folder);
}

/* Whether a file, or a finding, says a limit is passed or near: the trigger of a re-split. */
static void check_limits(struct pack_context *ctx, struct sitemap_plan *plan, struct buf *trigger)
{
    const struct crawl_data *crawl = ctx->crawl;
    for (size_t i = 0; i < crawl->sitemap_file_count && !trigger->len; i++) {
        const struct crawl_sitemap_file *f = &crawl->sitemap_files[i];
        if (near_limit(f->urls, SITEMAP_MAX_URLS))
            buf_printf(trigger, "%s lists %ld URLs, %.1f%% of the protocol's 50,000 (alert at %d%%)", f->url, f->urls,
                       100.0 * (double)f->urls / SITEMAP_MAX_URLS, SITEMAP_ALERT_PERCENT);
        else if (near_limit(f->bytes, SITEMAP_MAX_BYTES))
            buf_printf(trigger, "%s is %ld bytes, %.1f%% of the protocol's 50 MB (alert at %d%%)", f->url, f->bytes,
                       100.0 * (double)f->bytes / SITEMAP_MAX_BYTES, SITEMAP_ALERT_PERCENT);
    }
    for (struct key_entry *e = plan->files; e && !trigger->len; e = e->hh.next)
        if (near_limit((long)e->value, SITEMAP_MAX_URLS))
            buf_printf(trigger, "%s lists %zu URLs, %.1f%% of the protocol's 50,000 (alert at %d%%)", e->key, e->value,
                       100.0 * (double)e->value / SITEMAP_MAX_URLS, SITEMAP_ALERT_PERCENT);
    for (size_t i = 0; i < crawl->findings.count && !trigger->len; i++) {
        const struct finding *f = &crawl->findings.items[i];
        if (f->rule == RULE_SITEMAP_TOO_MANY_URLS || f->rule == RULE_SITEMAP_TOO_LARGE)
            buf_printf(trigger, "`%s`: %s: %s", rule_get(f->rule)->id, f->source ? f->source : "", f->message);
    }
    /* Nothing known per file: the one file the site's indexable pages would fill. */
    if (!trigger->len && !plan->files && near_limit((long)ctx->indexable_count, SITEMAP_MAX_URLS))
        buf_printf(trigger, "the site's %zu indexable pages would fill one file to %.1f%% of the protocol's 50,000",
                   ctx->indexable_count, 100.0 * (double)ctx->indexable_count / SITEMAP_MAX_URLS);
    plan->split = trigger->len > 0;
}

static const struct finding *first_finding(const struct crawl_data *crawl, enum rule_id rule)
{
    for (size_t i = 0; i < crawl->findings.count; i++)
        if (crawl->findings.items[i].rule == rule)
            return &crawl->findings.items[i];
    return NULL;
}

/* Whether the page is in no sitemap: the audit's word when the folder has it. */
static bool page_missing(const struct pack_context *ctx, size_t i)
{
    const struct page_facts *f = &ctx->facts[i];
    return ctx->from_audit ? f->audit_missing : f->indexable && !f->listed;
}

/* The current file covering url: the deepest one whose folder holds it; NULL when none does. */
static const char *covering_folder(const struct sitemap_plan *plan, const char *url, struct buf *scratch)
{
    size_t end = pack_url_origin_length(url) + strcspn(url + pack_url_origin_length(url), "?#");
    for (size_t n = end; n > 0; n--) {
        if (url[n - 1] != '/' || n <= pack_url_origin_length(url))
            continue;
        buf_reset(scratch);
        buf_append(scratch, url, n);
        struct key_entry *e = disc_key_find(plan->folders, buf_str(scratch));
        if (e)
            return e->key;
    }
    buf_reset(scratch);
    buf_append(scratch, url, pack_url_origin_length(url));
    struct key_entry *e = disc_key_find(plan->folders, buf_str(scratch));
    return e ? e->key : NULL;
}

/* Whether every current file sits in a language folder (/fr/, /pt-br/): then the pages outside them
 * are the default language's. */
static bool files_are_languages(const struct sitemap_plan *plan)
{
    if (!plan->folders)
        return false;
    for (struct key_entry *e = plan->folders; e; e = e->hh.next) {
        const char *path = e->key + pack_url_origin_length(e->key);
        size_t n = strcspn(path + 1, "/");
        bool language = *path == '/' && path[1 + n] == '/' && path[2 + n] == '\0' &&
                        (n == 2 || (n == 5 && (path[3] == '-' || path[3] == '_')));
        if (!language)
            return false;
    }
    return true;
}

/* Pages in no sitemap that no current file's folder holds: R1 emits the file they lack. */
static void plan_uncovered(struct pack_context *ctx, struct sitemap_plan *plan)
{
    const struct crawl_data *crawl = ctx->crawl;
    struct buf scratch = BUF_INIT, examples = BUF_INIT;
    size_t uncovered = 0, shown = 0;
    const char *section = NULL;
    bool one_section = true;
    for (size_t i = 0; i < crawl->page_count; i++) {
        if (!page_missing(ctx, i) || ctx->facts[i].external || covering_folder(plan, crawl->pages[i].url, &scratch))
            continue;
        uncovered++;
        if (shown++ < 3) {
            buf_append_str(&examples, shown > 1 ? ", " : "");
            md_url(&examples, pack_url_path(crawl->pages[i].url));
        }
        if (section && strcmp(section, ctx->facts[i].section) != 0)
            one_section = false;
        section = ctx->facts[i].section;
    }
    if (!uncovered) {
        buf_free(&scratch);
        buf_free(&examples);
        return;
    }
    buf_reset(&scratch);
    bool root = !one_section || strcmp(section, "pages") == 0;
    if (root)
        buf_printf(&scratch, "%s/sitemap.xml", ctx->origin);
    else
        buf_printf(&scratch, "%s/%s/sitemap.xml", ctx->origin, section);
    /* The root name may already be an index (it lists files, no URLs): then a child beside it. */
    const char *index = NULL;
    for (size_t i = 0; i < crawl->sitemap_file_count && !index; i++)
        if (strcmp(crawl->sitemap_files[i].url, buf_str(&scratch)) == 0)
            index = crawl->sitemap_files[i].url;
    if (index)
        disc_proposed_sitemap(ctx, root ? "pages" : section, &scratch);
    plan->new_file = buf_detach(&scratch);
    struct buf trigger = BUF_INIT, folders = BUF_INIT;
    for (struct key_entry *e = plan->folders; e; e = e->hh.next) {
        buf_append_str(&folders, folders.len ? ", " : "");
        md_url(&folders, pack_url_path(e->key));
    }
    buf_printf(&trigger,
               "%zu indexable page(s) in no sitemap lie outside the folders of the current sitemaps (%s): %s%s",
               uncovered, buf_str(&folders), buf_str(&examples), uncovered > 3 ? ", ..." : "");
    const char *what = files_are_languages(plan) && root ? "the default language's sitemap" : "a sitemap";
    if (index)
        add_change(ctx, plan, buf_str(&trigger), "Emit %s `%s` for those %zu page(s) and list it in the index `%s`",
                   what, plan->new_file, uncovered, index);
    else
        add_change(ctx, plan, buf_str(&trigger),
                   "Emit %s %s`%s` for those %zu page(s) and declare it in robots.txt (`Sitemap: %s`)", what,
                   root ? "at the root, " : "", plan->new_file, uncovered, plan->new_file);
    buf_free(&trigger);
    buf_free(&folders);
    buf_free(&examples);
}

/* The files robots.txt should name: sitemap-not-in-robots (the file), sitemap-loc-out-of-scope (the
 * line its message proposes: the outermost index above the file). One change per file. */
static void plan_declarations(struct pack_context *ctx, struct sitemap_plan *plan)
{
    const struct crawl_data *crawl = ctx->crawl;
    struct key_entry *declare = NULL, *out_of_scope = NULL;
    struct buf name = BUF_INIT;
    for (size_t i = 0; i < crawl->findings.count; i++) {
        const struct finding *f = &crawl->findings.items[i];
        buf_reset(&name);
        if (f->rule == RULE_SITEMAP_NOT_IN_ROBOTS && f->url) {
            disc_key_add(ctx, &declare, f->url, i);
        } else if (f->rule == RULE_SITEMAP_LOC_OUT_OF_SCOPE) {
            const char *line = strstr(f->message, "add 'Sitemap: ");
            if (line) {
                line += strlen("add 'Sitemap: ");
                buf_append(&name, line, strcspn(line, "'"));
            } else {
                buf_append_str(&name, f->source ? f->source : "");
            }
            struct key_entry *e = name.len ? disc_key_add(ctx, &out_of_scope, buf_str(&name), 0) : NULL;
            if (e)
                e->value++;
        }
    }
    HASH_SORT(declare, disc_compare_keys);
    HASH_SORT(out_of_scope, disc_compare_keys);
    struct buf trigger = BUF_INIT;
    for (int pass = 0; pass < 2; pass++)
        for (struct key_entry *e = pass ? out_of_scope : declare; e; e = e->hh.next) {
            buf_reset(&trigger);
            if (pass == 0) {
                buf_printf(&trigger, "`sitemap-not-in-robots`: %s", crawl->findings.items[e->value].message);
            } else {
                if (disc_key_find(declare, e->key))
                    continue; /* the same line, already proposed */
                buf_printf(&trigger,
                           "`sitemap-loc-out-of-scope`: %zu entr%s outside the folder of a file nothing vouches for; "
                           "a crawler that keeps to the protocol ignores them",
                           e->value, e->value == 1 ? "y lies" : "ies lie");
            }
            buf_reset(&name);
            buf_append(&name, e->key, pack_url_origin_length(e->key));
            add_change(ctx, plan, buf_str(&trigger), "Add `Sitemap: %s` to `%s/robots.txt`", e->key, buf_str(&name));
        }
    disc_key_free_all(&declare);
    disc_key_free_all(&out_of_scope);
    buf_free(&trigger);
    buf_free(&name);
}

/* Files that do not work as sitemaps: one that does not answer (sitemap-unreachable: serve it or
 * correct the line naming it), one whose entries name another origin (sitemap-loc-other-origin:
 * regenerate it with the site's URL, the build's setting). One change per file. */
static void plan_broken_files(struct pack_context *ctx, struct sitemap_plan *plan)
{
    const struct crawl_data *crawl = ctx->crawl;
    struct key_entry *unreachable = NULL, *other = NULL, *first = NULL; /* file -> finding, count, finding */
    for (size_t i = 0; i < crawl->findings.count; i++) {
        const struct finding *f = &crawl->findings.items[i];
        const char *file = f->source ? f->source : f->url;
        if (!file)
            continue;
        if (f->rule == RULE_SITEMAP_UNREACHABLE) {
            disc_key_add(ctx, &unreachable, file, i);
        } else if (f->rule == RULE_SITEMAP_LOC_OTHER_ORIGIN) {
            struct key_entry *e = disc_key_add(ctx, &other, file, 0);
            if (e)
                e->value++;
            disc_key_add(ctx, &first, file, i);
        }
    }
    HASH_SORT(unreachable, disc_compare_keys);
    HASH_SORT(other, disc_compare_keys);
    struct buf trigger = BUF_INIT;
    for (struct key_entry *e = unreachable; e; e = e->hh.next) {
        buf_reset(&trigger);
        buf_printf(&trigger, "`sitemap-unreachable`: %s", crawl->findings.items[e->value].message);
        add_change(ctx, plan, buf_str(&trigger),
                   "Make `%s` answer with the sitemap, or correct the `Sitemap:` line (or the reference) that names "
                   "it",
                   e->key);
    }
    for (struct key_entry *e = other; e; e = e->hh.next) {
        const struct key_entry *example = disc_key_find(first, e->key);
        const struct finding *f = example ? &crawl->findings.items[example->value] : NULL;
        buf_reset(&trigger);
        buf_printf(&trigger, "`sitemap-loc-other-origin`: %zu entr%s name%s another origin, e.g. %s", e->value,
                   e->value == 1 ? "y" : "ies", e->value == 1 ? "s" : "", f && f->url ? f->url : "?");
        add_change(ctx, plan, buf_str(&trigger),
                   "Regenerate `%s` with the site's own URL, `%s` (the build's site URL setting)", e->key, ctx->origin);
    }
    disc_key_free_all(&unreachable);
    disc_key_free_all(&other);
    disc_key_free_all(&first);
    buf_free(&trigger);
}

/* Per section, the current file listing most of its indexable pages (ties: the smaller URL). */
static void plan_section_files(struct pack_context *ctx, const struct analysis *a, struct sitemap_plan *plan)
{
    plan->section_file = calloc(a->section_count ? a->section_count : 1, sizeof(*plan->section_file));
    if (!plan->section_file) {
        ctx->status = CP_ERR_NOMEM;
        return;
    }
    for (size_t s = 0; s < a->section_count; s++) {
        struct key_entry *counts = NULL;
        for (size_t k = 0; k < a->sections[s].page_count; k++) {
            const char *file = ctx->facts[a->sections[s].pages[k]].sitemap;
            struct key_entry *e = file ? disc_key_add(ctx, &counts, file, 0) : NULL;
            if (e)
                e->value++;
        }
        HASH_SORT(counts, disc_compare_keys);
        const struct key_entry *best = NULL;
        for (const struct key_entry *e = counts; e; e = e->hh.next)
            if (!best || e->value > best->value)
                best = e;
        /* The plan's files outlive this table: point at the copy plan->files owns. */
        const struct key_entry *owned = best ? disc_key_find(plan->files, best->key) : NULL;
        plan->section_file[s] = owned ? owned->key : NULL;
        disc_key_free_all(&counts);
    }
}

void disc_sitemap_plan_build(struct pack_context *ctx, const struct analysis *a, struct sitemap_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    const struct crawl_data *crawl = ctx->crawl;
    collect_files(ctx, plan);
    buf_init(&plan->split_trigger);
    check_limits(ctx, plan, &plan->split_trigger);
    const struct finding *missing = first_finding(crawl, RULE_SITEMAP_MISSING);
    size_t listed = 0;
    for (size_t i = 0; i < crawl->page_count; i++)
        listed += ctx->facts[i].listed;
    plan->no_sitemap = missing || (!crawl->has_findings && !plan->files && !crawl->sitemap_file_count && !listed);
    plan_section_files(ctx, a, plan);
    if (plan->split) {
        add_change(ctx, plan, buf_str(&plan->split_trigger),
                   "Re-split: one child sitemap per top-level section (%zu), listed by one index `%s/sitemap.xml` "
                   "declared in robots.txt (table below; R2 cuts any section over a limit)",
                   a->section_count, ctx->origin);
    } else if (plan->no_sitemap) {
        struct buf trigger = BUF_INIT, file = BUF_INIT;
        if (missing)
            buf_printf(&trigger, "`sitemap-missing`: %s", missing->message);
        else
            buf_append_str(&trigger, "the crawl folder names no sitemap file and no page is listed in one");
        buf_printf(&file, "%s/sitemap.xml", ctx->origin);
        add_change(ctx, plan, buf_str(&trigger),
                   "Publish one sitemap at the root, `%s`, listing the %zu indexable page(s), and declare it in "
                   "robots.txt (`Sitemap: %s`)",
                   buf_str(&file), ctx->indexable_count, buf_str(&file));
        plan->new_file = buf_detach(&file);
        buf_free(&trigger);
    }
    const struct finding *robots = first_finding(crawl, RULE_ROBOTS_MISSING);
    if (robots && !plan->no_sitemap) {
        struct buf trigger = BUF_INIT;
        buf_printf(&trigger, "`robots-missing`: %s", robots->message);
        add_change(ctx, plan, buf_str(&trigger),
                   "Serve `%s/robots.txt` with a `Sitemap:` line for each sitemap "
                   "(or the index)",
                   ctx->origin);
        buf_free(&trigger);
    }
    if (!plan->no_sitemap && !plan->split) {
        plan_broken_files(ctx, plan);
        plan_declarations(ctx, plan);
        plan_uncovered(ctx, plan);
    }
}

void disc_sitemap_plan_free(struct sitemap_plan *plan)
{
    for (size_t i = 0; i < plan->change_count; i++) {
        buf_free(&plan->changes[i].change);
        buf_free(&plan->changes[i].trigger);
    }
    disc_key_free_all(&plan->files);
    disc_key_free_all(&plan->folders);
    free(plan->section_file);
    free(plan->new_file);
    buf_free(&plan->split_trigger);
    memset(plan, 0, sizeof(*plan));
}

/* The index of section name in a (sections are sorted by name), or a->section_count. */
static size_t section_index(const struct analysis *a, const char *name)
{
    size_t low = 0, high = a->section_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        int c = strcmp(a->sections[mid].name, name);
        if (c == 0)
            return mid;
        if (c < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return a->section_count;
}

const char *disc_add_target(const struct pack_context *ctx, const struct analysis *a, const struct sitemap_plan *plan,
                            size_t page, struct buf *scratch)
{
    const struct page_facts *f = &ctx->facts[page];
    if (plan->split)
        return disc_proposed_sitemap(ctx, f->section, scratch);
    size_t s = section_index(a, f->section);
    if (s < a->section_count && plan->section_file && plan->section_file[s])
        return plan->section_file[s];
    const char *folder = covering_folder(plan, ctx->crawl->pages[page].url, scratch);
    if (folder) /* the deepest file in that folder: files are sorted, so the first with it */
        for (const struct key_entry *e = plan->files; e; e = e->hh.next)
            if (folder_length(e->key) == strlen(folder) && strncmp(e->key, folder, strlen(folder)) == 0)
                return e->key;
    if (plan->new_file)
        return plan->new_file;
    buf_reset(scratch);
    buf_printf(scratch, "%s/sitemap.xml", ctx->origin);
    return buf_str(scratch);
}

/* ---- R1's text ---- */

/* Current sitemap files from which every entry moves or is removed: retire them after the move. */
static void write_retirements(struct pack_context *ctx, struct buf *out)
{
    const struct crawl_data *crawl = ctx->crawl;
    struct key_entry *staying = NULL;
    struct buf proposed = BUF_INIT;
    for (size_t i = 0; i < crawl->entry_count; i++) {
        const struct crawl_sitemap_entry *e = &crawl->entries[i];
        struct key_entry *file = disc_key_add(ctx, &staying, e->sitemap, 0);
        const struct crawl_page *p = crawl_data_find(crawl, e->url);
        if (!file || !p || !ctx->facts[p - crawl->pages].indexable)
            continue;
        disc_proposed_sitemap(ctx, ctx->facts[p - crawl->pages].section, &proposed);
        file->value += strcmp(buf_str(&proposed), e->sitemap) == 0;
    }
    HASH_SORT(staying, disc_compare_keys);
    for (struct key_entry *e = staying; e; e = e->hh.next)
        if (e->value == 0) {
            buf_append_str(out, "\nRetire ");
            md_url(out, e->key);
            buf_append_str(out, " once its entries have moved: none of them stays in it.\n");
        }
    disc_key_free_all(&staying);
    buf_free(&proposed);
}

/* Listed indexable URLs whose file is not their section's proposed child sitemap: a table of
 * (from, to) pairs with counts, and every URL in sitemap-move.csv. */
static void write_moves(struct pack_context *ctx, struct buf *out)
{
    const struct crawl_data *crawl = ctx->crawl;
    struct buf to = BUF_INIT, pair = BUF_INIT;
    struct key_entry *pairs = NULL;
    static const char *const header[] = {"url", "move_from", "move_to"};
    FILE *csv = pack_csv_open(ctx, "sitemap-move.csv", header, 3);
    size_t moves = 0;
    for (size_t i = 0; i < crawl->entry_count; i++) {
        const struct crawl_sitemap_entry *e = &crawl->entries[i];
        const struct crawl_page *p = crawl_data_find(crawl, e->url);
        if (!p || !ctx->facts[p - crawl->pages].indexable)
            continue;
        disc_proposed_sitemap(ctx, ctx->facts[p - crawl->pages].section, &to);
        if (strcmp(buf_str(&to), e->sitemap) == 0)
            continue;
        moves++;
        buf_reset(&pair);
        buf_printf(&pair, "%s\t%s", e->sitemap, buf_str(&to));
        struct key_entry *counted = disc_key_add(ctx, &pairs, buf_str(&pair), 0);
        if (counted)
            counted->value++;
        if (csv) {
            const char *row[] = {e->url, e->sitemap, buf_str(&to)};
            csv_write_record(csv, row, 3);
        }
    }
    pack_csv_close(ctx, csv, "sitemap-move.csv");
    if (moves) {
        buf_printf(out,
                   "\nMoves: %zu listed indexable URL(s) sit in another section's file today.\n\n"
                   "| move from | to | URLs |\n|---|---|---:|\n",
                   moves);
        HASH_SORT(pairs, disc_compare_keys);
        for (struct key_entry *e = pairs; e; e = e->hh.next) {
            char *tab = strchr(e->key, '\t');
            *tab = 0;
            buf_append_str(out, "| ");
            md_url(out, e->key);
            buf_append_str(out, " | ");
            md_url(out, tab + 1);
            buf_printf(out, " | %zu |\n", e->value);
            *tab = '\t';
        }
        buf_append_str(out, "\nEvery URL to move, one per row: `sitemap-move.csv`.\n");
    }
    write_retirements(ctx, out);
    disc_key_free_all(&pairs);
    buf_free(&to);
    buf_free(&pair);
}

/* The sections, their pages and where they are listed; with a re-split, each section's proposed
 * child sitemap. */
static void write_sections(struct pack_context *ctx, struct buf *out, const struct analysis *a, bool split)
{
    if (!a->section_count)
        return;
    struct buf name = BUF_INIT;
    buf_append_str(out, split ? "\n| section | proposed child sitemap | indexable pages | already in a sitemap | "
                                "currently listed in |\n|---|---|---:|---:|---|\n"
                              : "\n| section | indexable pages | already in a sitemap | currently listed in |\n"
                                "|---|---:|---:|---|\n");
    for (size_t s = 0; s < a->section_count; s++) {
        const struct section_info *sec = &a->sections[s];
        struct key_entry *files = NULL;
        for (size_t k = 0; k < sec->page_count; k++) {
            const char *sitemap = ctx->facts[sec->pages[k]].sitemap;
            if (sitemap)
                disc_key_add(ctx, &files, sitemap, 0);
        }
        HASH_SORT(files, disc_compare_keys);
        buf_printf(out, "| %s | ", sec->name);
        if (split) {
            md_url(out, disc_proposed_sitemap(ctx, sec->name, &name));
            buf_append_str(out, " | ");
        }
        buf_printf(out, "%zu | %zu | ", sec->indexable, sec->indexable_listed);
        if (!files)
            buf_append_str(out, "—");
        for (struct key_entry *e = files; e; e = e->hh.next) {
            md_url(out, e->key);
            if (e->hh.next)
                buf_append_str(out, "<br>");
        }
        buf_append_str(out, " |\n");
        disc_key_free_all(&files);
    }
    buf_free(&name);
}

void disc_write_sitemap_plan(struct pack_context *ctx, struct buf *out, const struct analysis *a,
                             const struct sitemap_plan *plan)
{
    const struct crawl_data *crawl = ctx->crawl;
    buf_append_str(out, "\n#### R1 Sitemap discovery and structure\n\n"
                        "Requirement: search engines find a sitemap listing every indexable page, at the site root "
                        "or named by a `Sitemap:` line in robots.txt, and no file passes a protocol limit (50,000 "
                        "URLs or 50 MB). The plan makes the smallest change that fixes what was measured; it "
                        "re-splits the files (one child sitemap per top-level section under one index) only when a "
                        "file passes a limit or is within 80% of one.\n\n");
    size_t files = HASH_COUNT(plan->files);
    if (plan->no_sitemap) /* no page is "missing from" a sitemap that does not exist: all are to list */
        buf_printf(out, "Measured: no sitemap; %zu indexable page(s) to list; %zu section(s) with indexable pages.\n\n",
                   ctx->indexable_count, a->section_count);
    else if (crawl->has_sitemaps_csv || files)
        buf_printf(out, "Measured: %zu sitemap file(s) list URLs; ", files);
    else
        buf_append_str(out, "Measured: which sitemap files list which URLs is unknown (no sitemaps.csv); ");
    if (!plan->no_sitemap)
        buf_printf(out, "%zu indexable page(s) in no sitemap; %zu section(s) with indexable pages.\n\n",
                   ctx->missing_count, a->section_count);
    if (plan->change_count) {
        buf_append_str(out, "| change | triggered by |\n|---|---|\n");
        for (size_t i = 0; i < plan->change_count; i++) {
            buf_append_str(out, "| ");
            md_cell(out, buf_str(&plan->changes[i].change));
            buf_append_str(out, " | ");
            md_cell(out, buf_str(&plan->changes[i].trigger));
            buf_append_str(out, " |\n");
        }
    } else {
        buf_append_str(out, "No change to the sitemap files: nothing measured asks for one (a sitemap exists, "
                            "answers and names the site, robots.txt names it, every page in no sitemap lies within "
                            "a current file's folder, no file nears a protocol limit). R4 corrects what they list.\n");
    }
    write_sections(ctx, out, a, plan->split);
    if (plan->split && crawl->has_sitemaps_csv)
        write_moves(ctx, out);
}
