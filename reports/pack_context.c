/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_context: the pack's shared context — per-page facts derived once from the crawl,
 * the collected assumptions and open questions, CSV side files, and Markdown and date helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uthash.h>

#include "common/out_file.h"
#include "common/error.h"
#include "common/array_grow.h"
#include "common/log.h"
#include "common/csv.h"
#include "reports/pack_internal.h"

struct url_sitemap {
    const char *url;
    const char *sitemap;
    UT_hash_handle hh;
};

bool pack_page_is_indexable(const struct crawl_page *p)
{
    return crawl_page_is_indexable(p);
}

static int derive_page_facts(struct pack_context *ctx)
{
    const struct crawl_data *crawl = ctx->crawl;
    ctx->facts = calloc(crawl->page_count ? crawl->page_count : 1, sizeof(*ctx->facts));
    if (!ctx->facts)
        return CP_ERR_NOMEM;
    for (size_t i = 0; i < crawl->entry_count; i++) {
        struct url_sitemap *found = NULL;
        HASH_FIND_STR(ctx->listed, crawl->entries[i].url, found);
        if (found)
            continue;
        struct url_sitemap *entry = malloc(sizeof(*entry));
        if (!entry)
            return CP_ERR_NOMEM;
        entry->url = crawl->entries[i].url;
        entry->sitemap = crawl->entries[i].sitemap;
        HASH_ADD_KEYPTR(hh, ctx->listed, entry->url, strlen(entry->url), entry);
    }
    for (size_t i = 0; i < crawl->page_count; i++) {
        const struct crawl_page *p = &crawl->pages[i];
        struct page_facts *f = &ctx->facts[i];
        f->html = crawl_content_type_is_html(p->content_type);
        f->ok = p->status == 200;
        f->noindex = crawl_page_has_noindex(p);
        f->blocked = crawl_page_is_blocked(p);
        f->not_fetched = crawl_page_is_not_fetched(p);
        f->canonical_elsewhere = crawl_page_canonical_elsewhere(p);
        f->canonical_invalid = pack_canonical_is_invalid(p);
        f->external = pack_page_is_external(p, ctx->origin);
        f->indexable = crawl_page_is_indexable(p);
        struct url_sitemap *listed = NULL;
        HASH_FIND_STR(ctx->listed, p->url, listed);
        f->sitemap = listed ? listed->sitemap : NULL;
        f->listed = p->in_sitemap || listed;
        f->section = pack_url_section(p->url);
        if (!f->section)
            return CP_ERR_NOMEM;
        if (!f->indexable) {
            struct buf reason = BUF_INIT;
            if (crawl_page_explain_not_indexable(p, &reason) != CP_OK ||
                !(f->not_indexable_reason = buf_detach(&reason))) {
                buf_free(&reason);
                return CP_ERR_NOMEM;
            }
        }
    }
    return CP_OK;
}

static void set_today(struct pack_context *ctx)
{
    const char *source = ctx->options->today ? ctx->options->today : ctx->crawl->started_at;
    ctx->today = source ? pack_parse_date(source) : -1;
    if (ctx->today >= 0)
        pack_format_date(ctx->today, ctx->today_text);
    else
        strcpy(ctx->today_text, "unknown");
}

/* Every CSV file the pack may write. They are removed before a run writes into a folder, so a list
 * from an earlier run (say broken-links.csv after every broken link was fixed) cannot survive
 * beside a pack that no longer mentions it. */
static const char *const pack_csv_names[] = {
    "analytics-missing.csv", "broken-links.csv",    "indexability.csv", "internal-links.csv", "redirect-chains.csv",
    "sitemap-add.csv",       "sitemap-lastmod.csv", "sitemap-move.csv", "sitemap-remove.csv",
};

const char *pack_list_name(size_t index)
{
    return index < sizeof(pack_csv_names) / sizeof(pack_csv_names[0]) ? pack_csv_names[index] : NULL;
}

static int remove_stale_lists(const char *dir)
{
    struct buf path = BUF_INIT;
    int status = CP_OK;
    for (size_t i = 0; i < sizeof(pack_csv_names) / sizeof(pack_csv_names[0]); i++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%s", dir, pack_csv_names[i]);
        if (unlink(buf_str(&path)) != 0 && errno != ENOENT) {
            log_error("%s: cannot remove the previous run's list: %s", buf_str(&path), strerror(errno));
            status = CP_ERR_IO;
        }
    }
    buf_free(&path);
    return status;
}

static char *csv_folder(const char *output_path)
{
    const char *slash = strrchr(output_path, '/');
    if (!slash)
        return strdup(".");
    size_t len = (size_t)(slash - output_path);
    return len ? strndup(output_path, len) : strdup("/");
}

int pack_context_init(struct pack_context *ctx, const struct pack_options *options, const struct intake *intake,
                      const struct crawl_data *crawl, const struct crawl_data *previous)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->options = options;
    ctx->intake = intake;
    ctx->crawl = crawl;
    ctx->previous = previous;
    set_today(ctx);
    const char *start = crawl->start_url ? crawl->start_url : crawl->page_count ? crawl->pages[0].url : "";
    if (!(ctx->origin = strndup(start, pack_url_origin_length(start))))
        return CP_ERR_NOMEM;
    if (options->output_path) {
        if (!(ctx->csv_dir = csv_folder(options->output_path)))
            return CP_ERR_NOMEM;
        /* -o out/pack.md creates out/ (one level), as the audit does for its own outputs */
        if (mkdir(ctx->csv_dir, 0777) != 0 && errno != EEXIST) {
            log_error("%s: cannot create the output folder: %s", ctx->csv_dir, strerror(errno));
            return CP_ERR_IO;
        }
        if (remove_stale_lists(ctx->csv_dir) != CP_OK)
            return CP_ERR_IO;
    }
    return derive_page_facts(ctx);
}

static void strings_free(struct intake_strings *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
}

void pack_context_free(struct pack_context *ctx)
{
    if (ctx->facts)
        for (size_t i = 0; i < ctx->crawl->page_count; i++) {
            free(ctx->facts[i].section);
            free(ctx->facts[i].not_indexable_reason);
        }
    free(ctx->facts);
    struct url_sitemap *entry, *tmp;
    HASH_ITER(hh, ctx->listed, entry, tmp)
    {
        HASH_DEL(ctx->listed, entry);
        free(entry);
    }
    strings_free(&ctx->assumptions);
    strings_free(&ctx->csv_files);
    for (size_t i = 0; i < ctx->question_count; i++) {
        free(ctx->questions[i].text);
        free(ctx->questions[i].owner);
    }
    free(ctx->questions);
    free(ctx->csv_dir);
    free(ctx->origin);
    memset(ctx, 0, sizeof(*ctx));
}

static void strings_push_owned(struct pack_context *ctx, struct intake_strings *list, char *text)
{
    char **items = text ? array_grow(list->items, list->count, sizeof(*items)) : NULL;
    if (!items) {
        free(text);
        ctx->status = CP_ERR_NOMEM;
        return;
    }
    list->items = items;
    items[list->count++] = text;
}

void pack_assume(struct pack_context *ctx, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    strings_push_owned(ctx, &ctx->assumptions, buf_detach(&b));
}

void pack_ask(struct pack_context *ctx, int weight, const char *owner, const char *fmt, ...)
{
    struct pack_question *grown = array_grow(ctx->questions, ctx->question_count, sizeof(*grown));
    if (!grown) {
        ctx->status = CP_ERR_NOMEM;
        return;
    }
    ctx->questions = grown;
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    struct pack_question *q = &grown[ctx->question_count];
    q->weight = weight;
    q->order = ctx->question_count;
    q->text = buf_detach(&b);
    q->owner = owner ? strdup(owner) : NULL;
    ctx->question_count++;
}

FILE *pack_csv_open(struct pack_context *ctx, const char *name, const char *const *header, size_t columns)
{
    if (!ctx->csv_dir)
        return NULL;
    /* Written as NAME.tmp and renamed by pack_csv_close (common/out_file's convention): an
     * interrupted run never leaves half a list. */
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/%s%s", ctx->csv_dir, name, OUT_FILE_TEMP_SUFFIX);
    FILE *file = fopen(buf_str(&path), "w");
    if (!file) {
        log_error("%s/%s: cannot write: %s", ctx->csv_dir, name, strerror(errno));
        ctx->status = CP_ERR_IO;
    } else {
        csv_write_record(file, header, columns);
        strings_push_owned(ctx, &ctx->csv_files, strdup(name));
    }
    buf_free(&path);
    return file;
}

void pack_csv_close(struct pack_context *ctx, FILE *file, const char *name)
{
    if (!file)
        return;
    struct buf temporary = BUF_INIT, path = BUF_INIT;
    buf_printf(&temporary, "%s/%s%s", ctx->csv_dir, name, OUT_FILE_TEMP_SUFFIX);
    buf_printf(&path, "%s/%s", ctx->csv_dir, name);
    if (ferror(file) | fclose(file) || rename(buf_str(&temporary), buf_str(&path)) != 0) {
        log_error("%s/%s: write failed: %s", ctx->csv_dir, name, strerror(errno));
        remove(buf_str(&temporary));
        ctx->status = CP_ERR_IO;
    }
    buf_free(&temporary);
    buf_free(&path);
}

void md_cell(struct buf *out, const char *text)
{
    if (!text || !*text) {
        buf_append_str(out, "—");
        return;
    }
    for (const char *p = text; *p; p++) {
        if (*p == '|')
            buf_append_str(out, "\\|");
        else if (*p == '\n' || *p == '\r')
            buf_append_char(out, ' ');
        else
            buf_append_char(out, *p);
    }
}

void md_url(struct buf *out, const char *url)
{
    buf_append_char(out, '`');
    for (const char *p = url; *p; p++) {
        if (*p == '`' || *p == '|' || *p == '\n' || *p == '\r')
            buf_printf(out, "%%%02X", (unsigned char)*p);
        else
            buf_append_char(out, *p);
    }
    buf_append_char(out, '`');
}

void md_percent(struct buf *out, size_t part, size_t whole)
{
    if (whole == 0)
        buf_append_str(out, "n/a");
    else
        buf_printf(out, "%.1f%%", 100.0 * (double)part / (double)whole);
}

void md_count(struct buf *out, long value)
{
    char digits[32];
    int n = snprintf(digits, sizeof(digits), "%ld", value < 0 ? -value : value);
    if (value < 0)
        buf_append_char(out, '-');
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf_append_char(out, ',');
        buf_append_char(out, digits[i]);
    }
}

/* Howard Hinnant's days-from-civil algorithm (public domain). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

long pack_parse_date(const char *text)
{
    unsigned y, m, d;
    char tail;
    if (!text || sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) < 3 || strlen(text) < 10)
        return -1;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    return days_from_civil((long)y, m, d);
}

void pack_format_date(long days, char out[16])
{
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, 16, "%04d-%02d-%02d", (int)(y % 10000), (int)(m % 13), (int)(d % 32));
}
