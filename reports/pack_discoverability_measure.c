/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_discoverability_measure: section 6.1 of the pack — the analysis of the crawl
 * folder (sections, link pairs, broken link targets, redirect chains, canonical and noindex health)
 * and the measured state it prints: coverage, orphans, click-depth histogram, status codes, broken
 * links and redirect chains, with the full lists as CSV files. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/array_grow.h"
#include "common/csv.h"
#include "reports/pack_discoverability.h"

/* ---- small string-keyed sets and counters (uthash) ---- */

struct key_entry *disc_key_find(struct key_entry *set, const char *key)
{
    struct key_entry *found = NULL;
    HASH_FIND_STR(set, key, found);
    return found;
}

struct key_entry *disc_key_add(struct pack_context *ctx, struct key_entry **set, const char *key, size_t value)
{
    struct key_entry *e = disc_key_find(*set, key);
    if (e)
        return e;
    e = malloc(sizeof(*e));
    if (!e || !(e->key = strdup(key))) {
        free(e);
        ctx->status = CP_ERR_NOMEM;
        return NULL;
    }
    e->value = value;
    HASH_ADD_KEYPTR(hh, *set, e->key, strlen(e->key), e);
    return e;
}

void disc_key_free_all(struct key_entry **set)
{
    struct key_entry *e, *tmp;
    HASH_ITER(hh, *set, e, tmp)
    {
        HASH_DEL(*set, e);
        free(e->key);
        free(e);
    }
}

int disc_compare_keys(const struct key_entry *a, const struct key_entry *b)
{
    return strcmp(a->key, b->key);
}

/* ---- the analysis, computed once ---- */

static const char *section_of(const struct pack_context *ctx, size_t page)
{
    return ctx->facts[page].section;
}

static const struct pack_context *sort_context;

static int compare_pages_by_section(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(section_of(sort_context, x), section_of(sort_context, y));
    return c ? c : strcmp(sort_context->crawl->pages[x].url, sort_context->crawl->pages[y].url);
}

/* An estimate of one <url> entry's bytes in a sitemap: loc, lastmod and the tags around them. */
size_t disc_entry_bytes(const char *url)
{
    return strlen(url) + 56;
}

static void build_sections(struct pack_context *ctx, struct analysis *a)
{
    size_t n = ctx->crawl->page_count;
    a->order = malloc((n ? n : 1) * sizeof(*a->order));
    if (!a->order) {
        ctx->status = CP_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++)
        a->order[i] = i;
    sort_context = ctx;
    qsort(a->order, n, sizeof(*a->order), compare_pages_by_section);
    for (size_t k = 0; k < n; k++) {
        size_t i = a->order[k];
        const struct page_facts *f = &ctx->facts[i];
        if (!f->indexable)
            continue;
        struct section_info *s = a->section_count ? &a->sections[a->section_count - 1] : NULL;
        if (!s || strcmp(s->name, f->section) != 0) {
            struct section_info *grown = array_grow(a->sections, a->section_count, sizeof(*grown));
            if (!grown) {
                ctx->status = CP_ERR_NOMEM;
                return;
            }
            a->sections = grown;
            s = &grown[a->section_count++];
            memset(s, 0, sizeof(*s));
            s->name = f->section;
            s->pages = malloc(n * sizeof(*s->pages));
            if (!s->pages) {
                ctx->status = CP_ERR_NOMEM;
                return;
            }
        }
        s->pages[s->page_count++] = i;
        s->indexable++;
        s->indexable_listed += f->listed;
        s->proposed_bytes += disc_entry_bytes(ctx->crawl->pages[i].url);
    }
}

static void build_link_pairs(struct pack_context *ctx, struct analysis *a)
{
    const struct crawl_data *crawl = ctx->crawl;
    for (size_t i = 0; i < crawl->link_count; i++) {
        const struct crawl_link *l = &crawl->links[i];
        const struct crawl_page *source = l->followable ? l->source_page : NULL;
        const struct crawl_page *target = source ? l->target_page : NULL;
        if (!target || disc_links_to(a, (size_t)(source - crawl->pages), (size_t)(target - crawl->pages)))
            continue;
        struct link_pair *pair = calloc(1, sizeof(*pair));
        if (!pair) {
            ctx->status = CP_ERR_NOMEM;
            return;
        }
        pair->pages[0] = (uint32_t)(source - crawl->pages);
        pair->pages[1] = (uint32_t)(target - crawl->pages);
        HASH_ADD(hh, a->link_pairs, pages, sizeof(pair->pages), pair);
    }
}

bool disc_links_to(const struct analysis *a, size_t source, size_t target)
{
    uint32_t key[2] = {(uint32_t)source, (uint32_t)target};
    struct link_pair *found = NULL;
    HASH_FIND(hh, a->link_pairs, key, sizeof(key), found);
    return found != NULL;
}

static bool is_broken(const struct crawl_page *p, const struct page_facts *f)
{
    return p->status >= 400 || (p->status == 0 && !f->blocked && !f->not_fetched);
}

static struct link_target *broken_target(struct pack_context *ctx, struct analysis *a, struct key_entry **index,
                                         size_t page)
{
    const char *url = ctx->crawl->pages[page].url;
    struct key_entry *e = disc_key_find(*index, url);
    if (e)
        return &a->broken[e->value];
    struct link_target *grown = array_grow(a->broken, a->broken_count, sizeof(*grown));
    if (!grown || !disc_key_add(ctx, index, url, a->broken_count)) {
        ctx->status = CP_ERR_NOMEM;
        if (grown)
            a->broken = grown;
        return NULL;
    }
    a->broken = grown;
    struct link_target *t = &grown[a->broken_count++];
    memset(t, 0, sizeof(*t));
    t->page = page;
    t->external = ctx->facts[page].external;
    return t;
}

static void note_broken_source(struct link_target *t, const char *source)
{
    t->links++;
    for (size_t i = 0; i < t->source_count; i++)
        if (strcmp(t->sources[i], source) == 0)
            return; /* a page linking twice is one source page */
    if (t->source_count < 3)
        t->sources[t->source_count++] = source;
}

/* In-scope targets first (the crawl's failures), then external ones; most links first. */
static int compare_broken(const void *x, const void *y)
{
    const struct link_target *a = x, *b = y;
    if (a->external != b->external)
        return a->external ? 1 : -1;
    if (a->links != b->links)
        return a->links < b->links ? 1 : -1;
    return strcmp(sort_context->crawl->pages[a->page].url, sort_context->crawl->pages[b->page].url);
}

static void build_broken(struct pack_context *ctx, struct analysis *a)
{
    const struct crawl_data *crawl = ctx->crawl;
    struct key_entry *index = NULL;
    if (crawl->has_links) {
        for (size_t i = 0; i < crawl->link_count; i++) {
            const struct crawl_link *l = &crawl->links[i];
            if (l->kind != LINK_A && l->kind != LINK_IFRAME)
                continue;
            const struct crawl_page *target = l->target_page;
            if (!target || !is_broken(target, &ctx->facts[target - crawl->pages]))
                continue;
            struct link_target *t = broken_target(ctx, a, &index, (size_t)(target - crawl->pages));
            if (t) {
                note_broken_source(t, l->source);
                a->broken_links++;
            }
        }
    } else {
        for (size_t i = 0; i < crawl->findings.count; i++) {
            const struct finding *f = &crawl->findings.items[i];
            const struct crawl_page *target = crawl_data_find(crawl, f->url);
            if (f->rule != RULE_BROKEN_LINK || !target)
                continue;
            struct link_target *t = broken_target(ctx, a, &index, (size_t)(target - crawl->pages));
            for (size_t j = 0; t && j < f->related_count; j++, a->broken_links++)
                note_broken_source(t, f->related[j]);
        }
    }
    disc_key_free_all(&index);
    sort_context = ctx;
    if (a->broken_count)
        qsort(a->broken, a->broken_count, sizeof(*a->broken), compare_broken);
    /* An out-of-scope URL answering an error is a broken external link, not a crawl failure. */
    for (size_t i = 0; i < a->broken_count; i++)
        if (a->broken[i].external) {
            a->external_broken_count++;
            a->external_broken_links += a->broken[i].links;
        }
    a->broken_count -= a->external_broken_count;
    a->broken_links -= a->external_broken_links;
}

static bool is_redirect(const struct crawl_page *p)
{
    return p->status >= 300 && p->status < 400 && *p->redirect_to;
}

/* Follow one redirect chain from page start; at most 20 hops. */
static void follow_chain(const struct pack_context *ctx, size_t start, struct chain *c)
{
    const struct crawl_data *crawl = ctx->crawl;
    const struct crawl_page *p = &crawl->pages[start];
    c->start = start;
    buf_init(&c->path);
    buf_append_str(&c->path, p->url);
    const char *seen[21];
    size_t seen_count = 0;
    seen[seen_count++] = p->url;
    c->final_status = p->status;
    while (p && is_redirect(p) && c->hops < 20) {
        buf_printf(&c->path, " → %s", p->redirect_to);
        c->hops++;
        for (size_t i = 0; i < seen_count; i++)
            if (strcmp(seen[i], p->redirect_to) == 0)
                c->loop = true;
        if (c->loop)
            break;
        const struct crawl_page *next = crawl_data_find(crawl, p->redirect_to);
        if (next && seen_count < 21)
            seen[seen_count++] = next->url;
        c->final_status = next ? next->status : -1;
        p = next;
    }
}

/* The smallest URL of the loop that starts at page, so each loop is reported once. */
static bool loop_leader(const struct pack_context *ctx, size_t page)
{
    const struct crawl_data *crawl = ctx->crawl;
    const struct crawl_page *p = &crawl->pages[page];
    for (int i = 0; i < 20 && p && is_redirect(p); i++) {
        p = crawl_data_find(crawl, p->redirect_to);
        if (p && strcmp(p->url, crawl->pages[page].url) < 0)
            return false;
    }
    return true;
}

static void build_chains(struct pack_context *ctx, struct analysis *a)
{
    const struct crawl_data *crawl = ctx->crawl;
    struct key_entry *targets = NULL;
    for (size_t i = 0; i < crawl->page_count; i++)
        if (is_redirect(&crawl->pages[i]))
            disc_key_add(ctx, &targets, crawl->pages[i].redirect_to, i);
    for (size_t k = 0; k < crawl->page_count; k++) {
        size_t i = a->order[k];
        if (!is_redirect(&crawl->pages[i]))
            continue;
        struct chain c = {0};
        follow_chain(ctx, i, &c);
        bool interior = disc_key_find(targets, crawl->pages[i].url) != NULL;
        bool report = c.loop ? loop_leader(ctx, i) : (c.hops >= 2 && !interior);
        if (!report) {
            buf_free(&c.path);
            continue;
        }
        struct chain *grown = array_grow(a->chains, a->chain_count, sizeof(*grown));
        if (!grown) {
            buf_free(&c.path);
            ctx->status = CP_ERR_NOMEM;
            break;
        }
        a->chains = grown;
        grown[a->chain_count++] = c;
    }
    disc_key_free_all(&targets);
}

void disc_analysis_free(struct analysis *a)
{
    for (size_t i = 0; i < a->section_count; i++)
        free(a->sections[i].pages);
    free(a->sections);
    free(a->order);
    struct link_pair *pair, *tmp;
    HASH_ITER(hh, a->link_pairs, pair, tmp)
    {
        HASH_DEL(a->link_pairs, pair);
        free(pair);
    }
    free(a->broken);
    for (size_t i = 0; i < a->chain_count; i++)
        buf_free(&a->chains[i].path);
    free(a->chains);
}

/* ---- writing helpers ---- */

const char *disc_proposed_sitemap(const struct pack_context *ctx, const char *section, struct buf *scratch)
{
    buf_reset(scratch);
    buf_printf(scratch, "%s/sitemap-%s.xml", ctx->origin, section);
    return buf_str(scratch);
}

void disc_write_more(struct buf *out, size_t shown, size_t total, const char *csv)
{
    if (total > shown)
        buf_printf(out, "\n… and %zu more in `%s`.\n", total - shown, csv);
    else if (total > 0)
        buf_printf(out, "\nFull list: `%s`.\n", csv);
}

static size_t count_depth(const struct pack_context *ctx, int depth, bool at_least)
{
    size_t n = 0;
    for (size_t i = 0; i < ctx->crawl->page_count; i++) {
        int d = ctx->crawl->pages[i].depth;
        if (ctx->facts[i].indexable && (at_least ? d >= depth : d == depth))
            n++;
    }
    return n;
}

static void write_depth_histogram(struct pack_context *ctx, struct buf *out)
{
    size_t counts[7];
    const char *labels[7] = {"0", "1", "2", "3", "4", "5+", "unreached"};
    for (int d = 0; d < 5; d++)
        counts[d] = count_depth(ctx, d, false);
    counts[5] = count_depth(ctx, 5, true);
    counts[6] = count_depth(ctx, -1, false);
    buf_append_str(out, "\n#### Click depth of indexable pages\n\n```mermaid\nxychart-beta\n"
                        "    title \"Indexable pages by click depth\"\n    x-axis [");
    for (int i = 0; i < 7; i++)
        buf_printf(out, "%s\"%s\"", i ? ", " : "", labels[i]);
    buf_append_str(out, "]\n    y-axis \"pages\"\n    bar [");
    for (int i = 0; i < 7; i++)
        buf_printf(out, "%s%zu", i ? ", " : "", counts[i]);
    buf_printf(out, "]\n```\n\n| clicks from the start | indexable pages | share |\n|---|---:|---:|\n");
    for (int i = 0; i < 7; i++) {
        buf_printf(out, "| %s%s | %zu | ", labels[i], i >= 4 && i < 6 ? " (over target)" : "", counts[i]);
        md_percent(out, counts[i], ctx->indexable_count);
        buf_append_str(out, " |\n");
    }
    buf_printf(out, "\nDepth target: every indexable page within %d clicks of the start.\n", PACK_DEPTH_TARGET);
}

static void write_status_breakdown(struct pack_context *ctx, struct buf *out)
{
    const struct crawl_data *crawl = ctx->crawl;
    size_t classes[7] = {0}, external = 0;
    const char *names[7] = {"2xx", "3xx", "4xx", "5xx", "network error", "blocked by robots.txt", "not fetched"};
    struct key_entry *codes = NULL;
    for (size_t i = 0; i < crawl->page_count; i++) {
        const struct crawl_page *p = &crawl->pages[i];
        if (ctx->facts[i].external) { /* another site's answer: not the crawl's status */
            external++;
            continue;
        }
        int c = ctx->facts[i].not_fetched             ? 6
                : ctx->facts[i].blocked               ? 5
                : p->status >= 200 && p->status < 300 ? 0
                : p->status >= 300 && p->status < 400 ? 1
                : p->status >= 400 && p->status < 500 ? 2
                : p->status >= 500                    ? 3
                                                      : 4;
        classes[c]++;
        char code[64];
        if (c == 4) /* the error class: the text before the first colon */
            snprintf(code, sizeof(code), "error: %.*s", (int)strcspn(p->error, ":"), *p->error ? p->error : "unknown");
        else if (c >= 5)
            snprintf(code, sizeof(code), "%s", names[c]);
        else
            snprintf(code, sizeof(code), "%d", p->status);
        struct key_entry *e = disc_key_add(ctx, &codes, code, 0);
        if (e)
            e->value++;
    }
    buf_append_str(out, "\n#### Status codes of all crawled URLs\n\n```mermaid\npie title Crawled URLs by status\n");
    for (int c = 0; c < 7; c++)
        if (classes[c])
            buf_printf(out, "    \"%s\" : %zu\n", names[c], classes[c]);
    buf_append_str(out, "```\n\n| status | URLs | share |\n|---|---:|---:|\n");
    HASH_SORT(codes, disc_compare_keys);
    for (struct key_entry *e = codes; e; e = e->hh.next) {
        buf_printf(out, "| %s | %zu | ", e->key, e->value);
        md_percent(out, e->value, crawl->page_count - external);
        buf_append_str(out, " |\n");
    }
    disc_key_free_all(&codes);
    if (external)
        buf_printf(out,
                   "\nNot counted: %zu out-of-scope URL(s) the site links to (not crawled, or checked once with "
                   "--check-external); their answers are not the crawl's.\n",
                   external);
}

bool disc_canonical_target_bad(const struct pack_context *ctx, size_t i, const struct crawl_page **target)
{
    const struct crawl_page *p = &ctx->crawl->pages[i];
    if (!ctx->facts[i].canonical_elsewhere)
        return false;
    *target = crawl_data_find(ctx->crawl, p->canonical);
    return !*target || !ctx->facts[*target - ctx->crawl->pages].indexable;
}

size_t disc_count_findings(const struct crawl_data *crawl, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < crawl->findings.count; i++)
        if (strncmp(rule_get(crawl->findings.items[i].rule)->id, prefix, strlen(prefix)) == 0)
            n++;
    return n;
}

void disc_measure_health(const struct pack_context *ctx, struct health *h)
{
    memset(h, 0, sizeof(*h));
    const char *first_url = NULL; /* the page whose invalid canonical is the example */
    for (size_t i = 0; i < ctx->crawl->page_count; i++) {
        const struct crawl_page *p = &ctx->crawl->pages[i];
        const struct page_facts *f = &ctx->facts[i];
        const struct crawl_page *target;
        if (f->html && f->ok && !f->external) {
            h->html_ok++;
            h->self_canonical += *p->canonical && !f->canonical_elsewhere && !f->canonical_invalid;
            h->canonical_missing += !*p->canonical;
            h->canonical_elsewhere += f->canonical_elsewhere;
            h->canonical_invalid += f->canonical_invalid;
            if (f->canonical_invalid && (!h->canonical_invalid_first || strcmp(p->url, first_url) < 0)) {
                h->canonical_invalid_first = p->canonical;
                first_url = p->url;
            }
        }
        h->canonical_bad += disc_canonical_target_bad(ctx, i, &target);
        h->noindex += f->noindex;
        h->noindex_listed += f->noindex && f->listed;
        h->noindex_canonical += f->noindex && f->canonical_elsewhere;
    }
}

static void health_row(struct buf *out, const char *name, size_t value, size_t html_ok)
{
    buf_printf(out, "| %s | %zu | ", name, value);
    md_percent(out, value, html_ok);
    buf_append_str(out, " |\n");
}

static void write_health(struct pack_context *ctx, struct buf *out, const struct health *h)
{
    buf_append_str(out,
                   "\n#### Canonical and noindex health\n\n| signal | pages | of HTML 200 pages |\n|---|---:|---:|\n");
    health_row(out, "self-referencing canonical", h->self_canonical, h->html_ok);
    health_row(out, "no canonical", h->canonical_missing, h->html_ok);
    if (h->canonical_invalid) { /* a value search engines cannot use, shown as the evidence */
        struct buf name = BUF_INIT;
        buf_append_str(&name, "invalid canonical (not an http(s) URL), e.g. ");
        md_url(&name, h->canonical_invalid_first);
        health_row(out, buf_str(&name), h->canonical_invalid, h->html_ok);
        buf_free(&name);
    }
    const struct {
        const char *name;
        size_t value;
    } rows[] = {
        {"canonicalised to another URL", h->canonical_elsewhere},
        {"canonical to a non-indexable or uncrawled URL", h->canonical_bad},
        {"noindex", h->noindex},
        {"noindex but listed in a sitemap", h->noindex_listed},
        {"noindex plus a canonical to another URL (conflict)", h->noindex_canonical},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        health_row(out, rows[i].name, rows[i].value, h->html_ok);
    if (ctx->crawl->has_findings)
        buf_printf(out, "\nThe audit reported %zu `canonical-*` and %zu `noindex-*` findings (findings.json).\n",
                   disc_count_findings(ctx->crawl, "canonical-"), disc_count_findings(ctx->crawl, "noindex-"));
}

/* Broken links to other sites: one line, apart from the crawl's failures (the crawl did not fetch
 * those URLs as part of the site; --check-external asked each once). */
static void write_external_broken(const struct pack_context *ctx, struct buf *out, const struct analysis *a)
{
    if (!a->external_broken_count)
        return;
    buf_printf(out,
               "\nBroken external links (out of the crawl's scope, checked once; not crawl failures): %zu link(s) to "
               "%zu URL(s), ",
               a->external_broken_links, a->external_broken_count);
    for (size_t i = 0; i < a->external_broken_count && i < 3; i++) {
        const struct link_target *t = &a->broken[a->broken_count + i];
        const struct crawl_page *p = &ctx->crawl->pages[t->page];
        buf_append_str(out, i ? ", " : "e.g. ");
        md_url(out, p->url);
        if (p->status)
            buf_printf(out, " (%d)", p->status);
        else
            buf_printf(out, " (error: %.*s)", (int)strcspn(p->error, ":"), *p->error ? p->error : "unknown");
    }
    buf_append_str(out, a->external_broken_count > 3 ? ", ...\n" : ".\n");
}

static void write_broken(struct pack_context *ctx, struct buf *out, const struct analysis *a)
{
    buf_append_str(out, "\n#### Broken links\n\n");
    if (!ctx->crawl->has_links && !ctx->crawl->has_findings) {
        buf_append_str(out, "Not measured: the crawl folder has neither links.csv nor findings.json.\n");
        return;
    }
    buf_printf(out, "%zu internal link(s) point at %zu URL(s) answering 4xx/5xx or a network error.\n", a->broken_links,
               a->broken_count);
    write_external_broken(ctx, out, a);
    if (!a->broken_count)
        return;
    buf_append_str(out, "\n| target | status | links | linked from (first 3) |\n|---|---|---:|---|\n");
    static const char *const header[] = {"target", "status", "links", "source"};
    FILE *csv = pack_csv_open(ctx, "broken-links.csv", header, 4);
    for (size_t i = 0; i < a->broken_count; i++) {
        const struct link_target *t = &a->broken[i];
        const struct crawl_page *p = &ctx->crawl->pages[t->page];
        char status[64];
        if (p->status)
            snprintf(status, sizeof(status), "%d", p->status);
        else
            snprintf(status, sizeof(status), "error: %.*s", (int)strcspn(p->error, ":"),
                     *p->error ? p->error : "unknown");
        char links[32];
        snprintf(links, sizeof(links), "%zu", t->links);
        if (i < PACK_EXAMPLES) {
            buf_append_str(out, "| ");
            md_url(out, p->url);
            buf_printf(out, " | %s | %zu | ", status, t->links);
            for (size_t j = 0; j < t->source_count; j++) {
                if (j)
                    buf_append_str(out, "<br>");
                md_url(out, t->sources[j]);
            }
            buf_append_str(out, " |\n");
        }
        if (csv)
            for (size_t j = 0; j < t->source_count; j++) {
                const char *row[] = {p->url, status, links, t->sources[j]};
                csv_write_record(csv, row, 4);
            }
    }
    pack_csv_close(ctx, csv, "broken-links.csv");
    disc_write_more(out, a->broken_count < PACK_EXAMPLES ? a->broken_count : PACK_EXAMPLES, a->broken_count,
                    "broken-links.csv");
    buf_append_str(out, "(The CSV lists the first three source pages per target; the audit's `broken-link` "
                        "findings carry every source.)\n");
}

static void write_chains(struct pack_context *ctx, struct buf *out, const struct analysis *a)
{
    buf_printf(out, "\n#### Redirect chains and loops\n\n%zu chain(s) of more than one hop or loop(s).\n",
               a->chain_count);
    if (!a->chain_count)
        return;
    buf_append_str(out, "\n| start | hops | path | ends with |\n|---|---:|---|---|\n");
    static const char *const header[] = {"start", "hops", "path", "final_status", "loop"};
    FILE *csv = pack_csv_open(ctx, "redirect-chains.csv", header, 5);
    for (size_t i = 0; i < a->chain_count; i++) {
        const struct chain *c = &a->chains[i];
        char hops[16], status[16];
        snprintf(hops, sizeof(hops), "%zu", c->hops);
        snprintf(status, sizeof(status), "%d", c->final_status);
        if (i < PACK_EXAMPLES) {
            buf_append_str(out, "| ");
            md_url(out, ctx->crawl->pages[c->start].url);
            buf_printf(out, " | %zu | ", c->hops);
            md_cell(out, buf_str(&c->path));
            if (c->loop)
                buf_append_str(out, " | **loop** |\n");
            else if (c->final_status < 0)
                buf_append_str(out, " | not crawled |\n");
            else
                buf_printf(out, " | %d |\n", c->final_status);
        }
        if (csv) {
            const char *row[] = {ctx->crawl->pages[c->start].url, hops, buf_str(&c->path), status, c->loop ? "1" : "0"};
            csv_write_record(csv, row, 5);
        }
    }
    pack_csv_close(ctx, csv, "redirect-chains.csv");
    disc_write_more(out, a->chain_count < PACK_EXAMPLES ? a->chain_count : PACK_EXAMPLES, a->chain_count,
                    "redirect-chains.csv");
}

void disc_write_measured_state(struct pack_context *ctx, struct buf *out, const struct analysis *a,
                               const struct health *h)
{
    size_t listed = 0, linked = 0, external = 0;
    for (size_t i = 0; i < ctx->crawl->page_count; i++) {
        external += ctx->facts[i].external;
        if (ctx->facts[i].indexable) {
            listed += ctx->facts[i].listed;
            linked += ctx->crawl->pages[i].depth >= 0;
        }
    }
    buf_append_str(out, "\n### 6.1 Measured state\n\n| measure | value |\n|---|---:|\n");
    buf_printf(out, "| crawled URLs | %zu |\n", ctx->crawl->page_count - external);
    if (external)
        buf_printf(out, "| out-of-scope URLs linked (not crawled, or checked once) | %zu |\n", external);
    buf_printf(out, "| indexable pages | %zu |\n", ctx->indexable_count);
    buf_printf(out, "| sitemap coverage (indexable pages in a sitemap / all indexable pages) | %zu / %zu = ", listed,
               ctx->indexable_count);
    md_percent(out, listed, ctx->indexable_count);
    buf_printf(out, " |\n| link coverage (indexable pages reached by followable links) | %zu / %zu = ", linked,
               ctx->indexable_count);
    md_percent(out, linked, ctx->indexable_count);
    buf_printf(out, " |\n| orphan pages (indexable, no followable internal link) | %zu |\n", ctx->orphan_count);
    buf_printf(out, "| indexable pages missing from every sitemap | %zu |\n", ctx->missing_count);
    buf_printf(out, "| non-indexable URLs listed in sitemaps | %zu |\n", ctx->listed_not_indexable);
    buf_printf(out, "| indexable pages deeper than %d clicks | %zu |\n", PACK_DEPTH_TARGET, ctx->deep_count);
    buf_printf(out, "| canonicals to non-indexable or uncrawled URLs | %zu |\n", h->canonical_bad);
    buf_printf(out, "| noindex + canonical conflicts | %zu |\n", h->noindex_canonical);
    if (ctx->crawl->has_links || ctx->crawl->has_findings)
        buf_printf(out, "| broken link targets (links) | %zu (%zu) |\n", a->broken_count, a->broken_links);
    else
        buf_append_str(out, "| broken link targets (links) | not measured |\n");
    if (a->external_broken_count)
        buf_printf(out, "| broken external links, not crawl failures: targets (links) | %zu (%zu) |\n",
                   a->external_broken_count, a->external_broken_links);
    buf_printf(out, "| redirect chains and loops | %zu |\n", a->chain_count);
    write_depth_histogram(ctx, out);
    write_status_breakdown(ctx, out);
    write_health(ctx, out, h);
    write_broken(ctx, out, a);
    write_chains(ctx, out, a);
}

void disc_analysis_build(struct pack_context *ctx, struct analysis *a)
{
    build_sections(ctx, a);
    build_link_pairs(ctx, a);
    build_broken(ctx, a);
    build_chains(ctx, a);
}
