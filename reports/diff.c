/* SPDX-License-Identifier: Apache-2.0 */
/* reports/diff: the comparison of two audit folders (see diff.h for the contract). */
#include "reports/diff.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/error.h"
#include "common/log.h"
#include "common/array_grow.h"

/* ---- URL maps ---- */

static bool is_absolute_prefix(const char *text)
{
    const char *colon = strstr(text, "://");
    if (!colon || colon == text)
        return false;
    for (const char *c = text; c < colon; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (c > text && ((*c >= '0' && *c <= '9') || *c == '+' || *c == '-' || *c == '.'))))
            return false;
    return colon[3] != '\0';
}

int diff_url_map_parse(char *text, struct diff_url_map *map, struct buf *error)
{
    char *equals = strchr(text, '=');
    if (!equals) {
        buf_printf(error, "'%s' is not FROM=TO", text);
        return CP_ERR_INVALID;
    }
    *equals = '\0';
    const char *from = text, *to = equals + 1;
    if (!is_absolute_prefix(from) || !is_absolute_prefix(to)) {
        buf_printf(error,
                   "'%s=%s': FROM and TO must both be absolute URL prefixes, such as "
                   "https://staging.example.com=https://www.example.com",
                   from, to);
        *equals = '=';
        return CP_ERR_INVALID;
    }
    map->from = from;
    map->to = to;
    return CP_OK;
}

/* The index of the first map whose FROM is a prefix of url at a URL boundary, or -1. */
static long map_find(const struct diff_url_map *maps, size_t map_count, const char *url)
{
    for (size_t i = 0; i < map_count; i++) {
        size_t n = strlen(maps[i].from);
        if (strncmp(url, maps[i].from, n) != 0)
            continue;
        char next = url[n];
        if (maps[i].from[n - 1] == '/' || next == '\0' || next == '/' || next == '?' || next == '#')
            return (long)i;
    }
    return -1;
}

int diff_map_url(const struct diff_url_map *maps, size_t map_count, const char *url, struct buf *out)
{
    long i = map_find(maps, map_count, url);
    if (i < 0)
        return buf_append_str(out, url);
    int status = buf_append_str(out, maps[i].to);
    return status == CP_OK ? buf_append_str(out, url + strlen(maps[i].from)) : status;
}

/* Maps and how often each matched, so a map that matches nothing can be reported. */
struct mapper {
    const struct diff_options *options;
    size_t *matches;
};

/* The mapped copy of url (malloc'd), or NULL when out of memory. */
static char *mapped_copy(struct mapper *m, const char *url)
{
    long i = map_find(m->options->maps, m->options->map_count, url);
    if (i < 0)
        return strdup(url);
    m->matches[i]++;
    struct buf b = BUF_INIT;
    if (diff_map_url(m->options->maps, m->options->map_count, url, &b) != CP_OK) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* Replace *text (owned, may be NULL) by its mapped copy. */
static int map_in_place(struct mapper *m, char **text)
{
    if (!*text || map_find(m->options->maps, m->options->map_count, *text) < 0)
        return CP_OK;
    char *mapped = mapped_copy(m, *text);
    if (!mapped)
        return CP_ERR_NOMEM;
    free(*text);
    *text = mapped;
    return CP_OK;
}

static int map_findings(struct mapper *m, struct finding_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        struct finding *f = &list->items[i];
        int status = map_in_place(m, &f->url);
        if (status == CP_OK)
            status = map_in_place(m, &f->source);
        for (size_t j = 0; status == CP_OK && j < f->related_count; j++)
            status = map_in_place(m, &f->related[j]);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

/* ---- reading one side ---- */

/* The page as compared: a shallow copy whose url, canonical and redirect_to are mapped copies owned
 * by the view, so a staging page canonicalised to its production URL is self-canonical. */
static int map_page(struct mapper *m, const struct crawl_page *page, struct crawl_page *view)
{
    *view = *page;
    view->url = mapped_copy(m, page->url);
    view->canonical = mapped_copy(m, page->canonical);
    view->redirect_to = mapped_copy(m, page->redirect_to);
    return view->url && view->canonical && view->redirect_to ? CP_OK : CP_ERR_NOMEM;
}

static int map_pages(struct mapper *m, struct diff_side *side)
{
    side->pages = calloc(side->crawl.page_count + 1, sizeof(*side->pages));
    if (!side->pages)
        return CP_ERR_NOMEM;
    for (size_t i = 0; i < side->crawl.page_count; i++) {
        side->page_count++;
        if (map_page(m, &side->crawl.pages[i], &side->pages[i]) != CP_OK)
            return CP_ERR_NOMEM;
        side->indexable += crawl_page_is_indexable(&side->pages[i]);
    }
    return CP_OK;
}

static int load_side(const struct diff_input *input, struct mapper *m, struct diff_side *side)
{
    const char *dir = input->name;
    int status = input->store ? crawl_data_load_run(input->store, input->run, NULL, &side->crawl)
                              : crawl_data_load(dir, &side->crawl);
    if (status == CP_OK)
        status = map_pages(m, side);
    if (status != CP_OK || !side->crawl.has_findings)
        return status; /* a read error has been logged by crawl_data, naming the file */
    /* The findings crawl_data read become this side's baseline (the old side's is compared with) */
    side->has_findings = true;
    struct buf path = BUF_INIT;
    if (input->store) /* the findings of the store's run: named as the run is */
        status = buf_append_str(&path, dir);
    else
        status = buf_printf(&path, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", "findings.json");
    side->findings.path = status == CP_OK ? buf_detach(&path) : NULL;
    buf_free(&path);
    if (!side->findings.path)
        return CP_ERR_NOMEM;
    side->findings.unknown_rule_count = side->crawl.unknown_rule_findings;
    status = findings_move_all(&side->findings.findings, &side->crawl.findings);
    return status == CP_OK ? map_findings(m, &side->findings.findings) : status;
}

/* ---- findings ---- */

static int compare_rule_counts(const void *pa, const void *pb)
{
    const struct diff_rule_counts *a = pa, *b = pb;
    enum severity sa = rule_get(a->rule)->severity, sb = rule_get(b->rule)->severity;
    if (sa != sb)
        return sa > sb ? -1 : 1;
    return (a->rule > b->rule) - (a->rule < b->rule);
}

static int count_rules(struct diff *diff, const struct baseline_comparison *cmp)
{
    size_t per_rule[RULE_COUNT][3] = {{0}};
    const struct finding_list *current = &diff->new_side.findings.findings;
    for (size_t i = 0; i < current->count; i++)
        if (cmp->states[i] != BASELINE_NEW)
            per_rule[current->items[i].rule][2]++;
    for (size_t i = 0; i < diff->new_findings.count; i++)
        per_rule[diff->new_findings.items[i].rule][0]++;
    for (size_t i = 0; i < diff->fixed_findings.count; i++)
        per_rule[diff->fixed_findings.items[i].rule][1]++;
    diff->rules = calloc(RULE_COUNT, sizeof(*diff->rules));
    if (!diff->rules)
        return CP_ERR_NOMEM;
    for (int r = 0; r < RULE_COUNT; r++) {
        if (!per_rule[r][0] && !per_rule[r][1] && !per_rule[r][2])
            continue;
        diff->rules[diff->rule_count++] = (struct diff_rule_counts){(enum rule_id)r, per_rule[r][0], per_rule[r][1],
                                                                    per_rule[r][2]};
    }
    if (diff->rule_count > 1)
        qsort(diff->rules, diff->rule_count, sizeof(*diff->rules), compare_rule_counts);
    return CP_OK;
}

struct url_index_entry;
static int url_index_build(const struct diff_side *side, const char *dir, struct url_index_entry **index);
static void url_index_free(struct url_index_entry **index);
static const struct crawl_page *url_index_find(struct url_index_entry *index, const char *url);

/* The side's crawl read the page: it answered, or the request failed (a fetch error, a robots.txt
 * block). "not fetched: ..." rows are URLs the crawl knew and never read. */
static bool page_read(const struct crawl_page *page)
{
    return page && (page->status > 0 || (page->error[0] && strncmp(page->error, "not fetched", 11) != 0));
}

/* Keep in list only the findings whose URL (when they have one) the side read; the others are a
 * partial side's blind spot: counted in *left_out, not reported as a change. */
static int keep_comparable(const struct diff_side *side, const char *dir, struct finding_list *list, size_t *left_out)
{
    struct url_index_entry *index = NULL;
    int status = url_index_build(side, dir, &index);
    struct finding_list dropped = {calloc(list->count + 1, sizeof *list->items), 0, list->count + 1};
    if (status == CP_OK && !dropped.items)
        status = CP_ERR_NOMEM;
    size_t kept = 0;
    for (size_t i = 0; status == CP_OK && i < list->count; i++) {
        const struct finding *f = &list->items[i];
        if (!f->url || page_read(url_index_find(index, f->url)))
            list->items[kept++] = *f;
        else
            dropped.items[dropped.count++] = *f;
    }
    if (status == CP_OK) {
        list->count = kept;
        *left_out = dropped.count;
    }
    findings_free(&dropped);
    url_index_free(&index);
    return status;
}

/* A finding only NEW has is new only where OLD read the URL; one only OLD has is fixed only where
 * NEW read it. */
static int keep_comparable_changes(struct diff *diff)
{
    int status = CP_OK;
    if (diff->old_side.crawl.partial)
        status = keep_comparable(&diff->old_side, diff->old_dir, &diff->new_findings, &diff->new_not_compared);
    if (status == CP_OK && diff->new_side.crawl.partial)
        status = keep_comparable(&diff->new_side, diff->new_dir, &diff->fixed_findings, &diff->fixed_not_compared);
    return status;
}

static int compare_findings(struct diff *diff)
{
    struct finding_list *current = &diff->new_side.findings.findings;
    findings_sort(current);
    struct baseline_comparison cmp = BASELINE_COMPARISON_INIT;
    int status = baseline_compare(&diff->old_side.findings, current, &cmp);
    for (size_t i = 0; status == CP_OK && i < current->count; i++)
        if (cmp.states[i] == BASELINE_NEW)
            status = findings_add_copy(&diff->new_findings, &current->items[i]);
    for (size_t i = 0; status == CP_OK && i < cmp.fixed_count; i++)
        status = findings_add_copy(&diff->fixed_findings, &diff->old_side.findings.findings.items[cmp.fixed[i]]);
    if (status == CP_OK)
        status = keep_comparable_changes(diff);
    if (status == CP_OK) {
        findings_sort(&diff->fixed_findings);
        diff->unchanged_finding_count = cmp.existing_count;
        status = count_rules(diff, &cmp);
    }
    baseline_comparison_free(&cmp);
    return status;
}

/* ---- pages ---- */

struct url_index_entry {
    const struct crawl_page *page; /* a mapped view; its url is the key */
    UT_hash_handle hh;
};

static void url_index_free(struct url_index_entry **index)
{
    struct url_index_entry *entry, *tmp;
    HASH_ITER(hh, *index, entry, tmp)
    {
        HASH_DEL(*index, entry);
        free(entry);
    }
}

/* Index a side's mapped pages by URL. Two pages that map to one URL: the first is kept. */
static int url_index_build(const struct diff_side *side, const char *dir, struct url_index_entry **index)
{
    for (size_t i = 0; i < side->page_count; i++) {
        const struct crawl_page *page = &side->pages[i];
        struct url_index_entry *found = NULL;
        HASH_FIND_STR(*index, page->url, found);
        if (found) {
            log_warn("%s: %s and %s are the same URL after --map; the first is compared", dir,
                     side->crawl.pages[found->page - side->pages].url, side->crawl.pages[i].url);
            continue;
        }
        struct url_index_entry *entry = malloc(sizeof(*entry));
        if (!entry)
            return CP_ERR_NOMEM;
        entry->page = page;
        HASH_ADD_KEYPTR(hh, *index, page->url, strlen(page->url), entry);
    }
    return CP_OK;
}

static int page_list_add(struct diff_page_list *list, const struct crawl_page *old_page,
                         const struct crawl_page *new_page)
{
    struct diff_page *grown = array_grow(list->items, list->count, sizeof(*grown));
    if (!grown)
        return CP_ERR_NOMEM;
    list->items = grown;
    const char *url = new_page ? new_page->url : old_page->url;
    list->items[list->count++] = (struct diff_page){url, old_page, new_page};
    return CP_OK;
}

static bool depth_changed(const struct crawl_page *old_page, const struct crawl_page *new_page, int threshold)
{
    bool old_reached = old_page->depth >= 0, new_reached = new_page->depth >= 0;
    if (old_reached != new_reached)
        return true;
    int change = abs(new_page->depth - old_page->depth);
    return old_reached && change > 0 && change >= threshold;
}

/* Sort every change into its lists; a page may be in several (a status change that also changes
 * its indexability). */
static int compare_page(struct diff *diff, const struct crawl_page *old_page, const struct crawl_page *new_page)
{
    int status = CP_OK;
    if (old_page->status != new_page->status)
        status = page_list_add(&diff->status_changed, old_page, new_page);
    if (status == CP_OK && crawl_page_is_indexable(old_page) != crawl_page_is_indexable(new_page))
        status = page_list_add(&diff->indexability_changed, old_page, new_page);
    if (status == CP_OK && depth_changed(old_page, new_page, diff->options.depth_threshold))
        status = page_list_add(&diff->depth_changed, old_page, new_page);
    return status;
}

static const struct crawl_page *url_index_find(struct url_index_entry *index, const char *url)
{
    struct url_index_entry *found = NULL;
    HASH_FIND_STR(index, url, found);
    return found ? found->page : NULL;
}

static int compare_by_url(const void *a, const void *b)
{
    return strcmp(((const struct diff_page *)a)->url, ((const struct diff_page *)b)->url);
}

static int compare_pages(struct diff *diff)
{
    struct url_index_entry *old_index = NULL, *new_index = NULL;
    int status = url_index_build(&diff->old_side, diff->old_dir, &old_index);
    if (status == CP_OK)
        status = url_index_build(&diff->new_side, diff->new_dir, &new_index);
    bool old_partial = diff->old_side.crawl.partial, new_partial = diff->new_side.crawl.partial;
    for (struct url_index_entry *o = old_index; status == CP_OK && o; o = o->hh.next) {
        const struct crawl_page *n = url_index_find(new_index, o->page->url);
        /* A side that stopped early says nothing about a page it did not read. */
        if ((new_partial && !page_read(n)) || (old_partial && !page_read(o->page)))
            diff->pages_not_compared++;
        else
            status = n ? compare_page(diff, o->page, n) : page_list_add(&diff->removed, o->page, NULL);
    }
    for (struct url_index_entry *n = new_index; status == CP_OK && n; n = n->hh.next) {
        if (url_index_find(old_index, n->page->url))
            continue;
        if (old_partial)
            diff->pages_not_compared++;
        else
            status = page_list_add(&diff->added, NULL, n->page);
    }
    url_index_free(&old_index);
    url_index_free(&new_index);
    struct diff_page_list *lists[] = {&diff->added, &diff->removed, &diff->status_changed, &diff->indexability_changed,
                                      &diff->depth_changed};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        if (lists[i]->count > 1)
            qsort(lists[i]->items, lists[i]->count, sizeof(struct diff_page), compare_by_url);
    return status;
}

/* ---- the whole comparison ---- */

static void warn_unused_maps(const struct mapper *m)
{
    for (size_t i = 0; i < m->options->map_count; i++)
        if (m->matches[i] == 0)
            log_warn("--map %s=%s: no URL in either folder starts with %s", m->options->maps[i].from,
                     m->options->maps[i].to, m->options->maps[i].from);
}

int diff_run(const char *old_dir, const char *new_dir, const struct diff_options *options, struct diff *diff)
{
    struct diff_input old_input = {old_dir, NULL, NULL}, new_input = {new_dir, NULL, NULL};
    return diff_run_inputs(&old_input, &new_input, options, diff);
}

int diff_run_inputs(const struct diff_input *old_input, const struct diff_input *new_input,
                    const struct diff_options *options, struct diff *diff)
{
    memset(diff, 0, sizeof(*diff));
    const char *old_dir = old_input->name, *new_dir = new_input->name;
    diff->old_dir = old_dir;
    diff->new_dir = new_dir;
    diff->options = *options;
    if (diff->options.depth_threshold < 1)
        diff->options.depth_threshold = 1;
    struct mapper m = {&diff->options, calloc(options->map_count + 1, sizeof(size_t))};
    if (!m.matches)
        return CP_ERR_NOMEM;
    int status = load_side(old_input, &m, &diff->old_side);
    if (status == CP_OK)
        status = load_side(new_input, &m, &diff->new_side);
    diff->findings_compared = diff->old_side.has_findings && diff->new_side.has_findings;
    diff->partial = diff->old_side.crawl.partial || diff->new_side.crawl.partial;
    /* a stored run without findings is a `crawl` run (an audit's findings are always stored) */
    bool any_store = old_input->store || new_input->store;
    if (status == CP_OK && !diff->old_side.has_findings && !diff->new_side.has_findings)
        log_warn("neither %s nor %s has %s: findings are not compared", old_dir, new_dir,
                 any_store ? "findings (a findings.json, or a stored audit run)" : "a findings.json");
    else if (status == CP_OK && !diff->findings_compared)
        log_warn("%s has no %s: findings are not compared", diff->old_side.has_findings ? new_dir : old_dir,
                 (diff->old_side.has_findings ? new_input : old_input)->store ? "findings (a crawl run)"
                                                                              : "findings.json");
    if (status == CP_OK && diff->findings_compared)
        status = compare_findings(diff);
    if (status == CP_OK)
        status = compare_pages(diff);
    if (status == CP_OK)
        warn_unused_maps(&m);
    free(m.matches);
    return status;
}

size_t diff_new_at_least(const struct diff *diff, enum severity threshold)
{
    return findings_count_at_least(&diff->new_findings, threshold);
}

int diff_status_text(const struct crawl_page *page, struct buf *out)
{
    if (page->status == 0)
        return buf_printf(out, "no response (%s)", *page->error ? page->error : "unknown error");
    return buf_printf(out, "%d", page->status);
}

int diff_depth_text(const struct crawl_page *page, struct buf *out)
{
    return page->depth >= 0 ? buf_printf(out, "%d", page->depth) : buf_append_str(out, "not reached");
}

int diff_indexability_text(const struct crawl_page *page, struct buf *out)
{
    if (crawl_page_is_indexable(page))
        return buf_append_str(out, "indexable");
    int status = buf_append_str(out, "not indexable: ");
    return status == CP_OK ? crawl_page_explain_not_indexable(page, out) : status;
}

static void side_free(struct diff_side *side)
{
    for (size_t i = 0; i < side->page_count; i++) {
        free(side->pages[i].url);
        free(side->pages[i].canonical);
        free(side->pages[i].redirect_to);
    }
    free(side->pages);
    crawl_data_free(&side->crawl);
    baseline_free(&side->findings);
}

void diff_free(struct diff *diff)
{
    side_free(&diff->old_side);
    side_free(&diff->new_side);
    findings_free(&diff->new_findings);
    findings_free(&diff->fixed_findings);
    free(diff->rules);
    free(diff->added.items);
    free(diff->removed.items);
    free(diff->status_changed.items);
    free(diff->indexability_changed.items);
    free(diff->depth_changed.items);
    memset(diff, 0, sizeof(*diff));
}
