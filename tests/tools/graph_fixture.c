/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/graph_fixture: the text format of graph_fixture.h turned into a frozen graph. */
#include "graph_fixture.h"

#include "web/extract.h"
#include "sitemap/datetime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 64

struct line {
    char *text; /* the whole line, owned */
    char *tokens[MAX_TOKENS];
    size_t token_count;
    const char *rest[MAX_TOKENS]; /* rest[i]: the line from token i on, in the untouched copy */
    char *copy;
    unsigned number;
};

static int fail(const char *path, unsigned line, const char *problem, const char *detail)
{
    fprintf(stderr, "%s:%u: %s%s%s\n", path, line, problem, detail ? ": " : "", detail ? detail : "");
    return -1;
}

static void split(struct line *l)
{
    l->copy = strdup(l->text);
    char *save = NULL;
    l->token_count = 0;
    for (char *t = strtok_r(l->text, " \t", &save); t && l->token_count < MAX_TOKENS;
         t = strtok_r(NULL, " \t", &save)) {
        l->rest[l->token_count] = l->copy + (t - l->text);
        l->tokens[l->token_count++] = t;
    }
}

static uint32_t node_of(struct graph_fixture *f, const char *url)
{
    return graph_intern(f->graph, url, strlen(url), NULL);
}

static int page_statement(struct graph_fixture *f, const struct line *l, const char *path)
{
    if (l->token_count < 3)
        return fail(path, l->number, "page needs URL and STATUS", NULL);
    bool is_new = false;
    uint32_t id = graph_intern(f->graph, l->tokens[1], strlen(l->tokens[1]), &is_new);
    if (!is_new)
        return fail(path, l->number, "page declared twice", l->tokens[1]);
    uint16_t flags = GRAPH_NODE_IN_SCOPE | GRAPH_NODE_FETCHED;
    static const struct {
        const char *word;
        uint16_t set, clear;
    } words[] = {
        {"html", GRAPH_NODE_HTML, 0},
        {"start", GRAPH_NODE_START, 0},
        {"out", 0, GRAPH_NODE_IN_SCOPE},
        {"unfetched", 0, GRAPH_NODE_FETCHED},
        {"external", GRAPH_NODE_EXTERNAL_CHECKED, 0},
        {"noindex-meta", GRAPH_NODE_NOINDEX_META, 0},
        {"noindex-header", GRAPH_NODE_NOINDEX_HEADER, 0},
        {"blocked", GRAPH_NODE_ROBOTS_BLOCKED, 0},
        {"truncated", GRAPH_NODE_TRUNCATED, 0},
    };
    for (size_t i = 3; i < l->token_count; i++) {
        size_t w = 0;
        while (w < sizeof words / sizeof words[0] && strcmp(words[w].word, l->tokens[i]) != 0)
            w++;
        if (w == sizeof words / sizeof words[0])
            return fail(path, l->number, "unknown page word", l->tokens[i]);
        flags = (uint16_t)((flags | words[w].set) & ~words[w].clear);
    }
    graph_set_flags(f->graph, id, flags);
    graph_set_status(f->graph, id, (uint16_t)atoi(l->tokens[2]));
    return 0;
}

static int edge_statement(struct graph_fixture *f, const struct line *l, const char *path)
{
    static const struct {
        const char *word;
        uint8_t kind;
    } kinds[] = {{"link", GRAPH_EDGE_LINK},           {"iframe", GRAPH_EDGE_IFRAME},
                 {"refresh", GRAPH_EDGE_REFRESH},     {"redirect", GRAPH_EDGE_REDIRECT},
                 {"canonical", GRAPH_EDGE_CANONICAL}, {"hreflang", GRAPH_EDGE_HREFLANG}};
    size_t k = 0;
    while (k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].word, l->tokens[0]) != 0)
        k++;
    if (k == sizeof kinds / sizeof kinds[0])
        return 1; /* not an edge */
    if (l->token_count < 3)
        return fail(path, l->number, "edge needs SOURCE and TARGET", NULL);
    uint32_t source = node_of(f, l->tokens[1]), target = node_of(f, l->tokens[2]);
    uint8_t meta = kinds[k].kind;
    if (graph_node(f->graph, source)->flags & GRAPH_NODE_IN_SCOPE)
        meta |= GRAPH_EDGE_SOURCE_IN_SCOPE;
    for (size_t i = 3; i < l->token_count; i++) {
        if (strcmp(l->tokens[i], "nofollow") == 0)
            meta |= GRAPH_REL_NOFOLLOW;
        else if (strcmp(l->tokens[i], "ugc") == 0)
            meta |= GRAPH_REL_UGC;
        else if (strcmp(l->tokens[i], "sponsored") == 0)
            meta |= GRAPH_REL_SPONSORED;
        else if (strcmp(l->tokens[i], "header") == 0)
            meta |= GRAPH_EDGE_FROM_HEADER;
        else
            return fail(path, l->number, "unknown edge word", l->tokens[i]);
    }
    if (graph_add_edge(f->graph, source, target, meta) != 0)
        return fail(path, l->number, "graph_add_edge failed", NULL);
    if (kinds[k].kind == GRAPH_EDGE_CANONICAL && graph_node(f->graph, source)->canonical == GRAPH_NO_NODE)
        graph_set_canonical(f->graph, source, target);
    return 0;
}

/* mesh URL...: a followable link from every listed page to every other one. */
static int mesh_statement(struct graph_fixture *f, const struct line *l, const char *path)
{
    for (size_t i = 1; i < l->token_count; i++)
        for (size_t j = 1; j < l->token_count; j++) {
            if (i == j)
                continue;
            uint32_t source = node_of(f, l->tokens[i]), target = node_of(f, l->tokens[j]);
            uint8_t meta = GRAPH_EDGE_LINK;
            if (graph_node(f->graph, source)->flags & GRAPH_NODE_IN_SCOPE)
                meta |= GRAPH_EDGE_SOURCE_IN_SCOPE;
            if (graph_add_edge(f->graph, source, target, meta) != 0)
                return fail(path, l->number, "graph_add_edge failed", NULL);
        }
    return 0;
}

static char *keep(struct graph_fixture *f, const char *text)
{
    char **grown = realloc(f->strings, (f->string_count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    f->strings = grown;
    return f->strings[f->string_count++] = strdup(text);
}

static int compare_hashes(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

static void *keep_block(struct graph_fixture *f, size_t size)
{
    void **grown = realloc(f->blocks, (f->block_count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    f->blocks = grown;
    return f->blocks[f->block_count++] = calloc(1, size ? size : 1);
}

/* "a,b,c" -> the sorted hashes web/extract keeps for those ids; "-" for a page with none. */
static int ids_fact(struct graph_fixture *f, struct audit_page_facts *fact, const char *list)
{
    size_t count = strcmp(list, "-") == 0 ? 0 : 1;
    for (const char *c = list; count && *c; c++)
        count += *c == ',';
    uint64_t *ids = keep_block(f, count * sizeof *ids);
    if (!ids)
        return -1;
    const char *at = list;
    for (size_t i = 0; i < count; i++) {
        size_t length = strcspn(at, ",");
        ids[i] = extract_id_hash(at, length);
        at += length + (at[length] == ',');
    }
    qsort(ids, count, sizeof *ids, compare_hashes);
    fact->ids = ids;
    fact->id_count = (uint32_t)count;
    fact->ids_known = true;
    return 0;
}

static int fragment_statement(struct graph_fixture *f, const struct line *l, const char *path)
{
    if (l->token_count < 4)
        return fail(path, l->number, "fragment needs SOURCE, TARGET and FRAGMENT", NULL);
    uint32_t source = graph_find(f->graph, l->tokens[1], strlen(l->tokens[1]));
    uint32_t target = graph_find(f->graph, l->tokens[2], strlen(l->tokens[2]));
    if (source == GRAPH_NO_NODE || target == GRAPH_NO_NODE)
        return fail(path, l->number, "fragment link between unknown URLs", l->tokens[1]);
    struct audit_fragment_link *grown = realloc(f->fragment_links,
                                                (f->options.fragment_link_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    f->fragment_links = grown;
    const char *fragment = keep(f, l->tokens[3]);
    uint64_t hash = extract_id_hash(fragment, strlen(fragment));
    grown[f->options.fragment_link_count++] = (struct audit_fragment_link){source, target, hash, hash, fragment};
    f->options.fragment_links = f->fragment_links;
    return 0;
}

/* A W3C Datetime as seconds since the epoch, or GRAPH_NO_LASTMOD. */
static int64_t datetime_of(const char *text)
{
    struct w3c_datetime when;
    return w3c_datetime_parse(text, strlen(text), &when) ? (int64_t)when.start : GRAPH_NO_LASTMOD;
}

static int fact_statement(struct graph_fixture *f, const struct line *l, const char *path)
{
    if (l->token_count < 4 && !(l->token_count == 3 && strcmp(l->tokens[2], "no-title") == 0))
        return fail(path, l->number, "fact needs URL, KIND and a value", NULL);
    uint32_t id = graph_find(f->graph, l->tokens[1], strlen(l->tokens[1]));
    if (id == GRAPH_NO_NODE)
        return fail(path, l->number, "fact about an unknown URL", l->tokens[1]);
    if (!f->facts)
        f->facts = calloc(graph_node_count(f->graph) + 1, sizeof *f->facts);
    struct audit_page_facts *fact = &f->facts[id];
    if (strcmp(l->tokens[2], "noindex") == 0) {
        const char *v = l->tokens[3];
        fact->noindex_sources = (uint8_t)((strstr(v, "head") ? AUDIT_NOINDEX_META_HEAD : 0) |
                                          (strstr(v, "body") ? AUDIT_NOINDEX_META_BODY : 0) |
                                          (strstr(v, "header") ? AUDIT_NOINDEX_HEADER : 0));
    } else if (strcmp(l->tokens[2], "fetch-error") == 0) {
        fact->fetch_error = keep(f, l->rest[3]);
    } else if (strcmp(l->tokens[2], "robots-rule") == 0) {
        fact->robots_rule = keep(f, l->rest[3]);
    } else if (strcmp(l->tokens[2], "title") == 0) {
        fact->title = keep(f, l->rest[3]);
    } else if (strcmp(l->tokens[2], "no-title") == 0) {
        fact->title = "";
    } else if (strcmp(l->tokens[2], "description") == 0) {
        fact->description = keep(f, l->rest[3]);
    } else if (strcmp(l->tokens[2], "h1") == 0) {
        fact->h1 = keep(f, l->rest[3]);
    } else if (strcmp(l->tokens[2], "like-not-found") == 0) {
        fact->like_not_found = true;
    } else if (strcmp(l->tokens[2], "fingerprint") == 0) {
        if (l->token_count != 6)
            return fail(path, l->number, "fingerprint needs EXACT SIMHASH WORDS", NULL);
        if (!f->inputs)
            f->inputs = calloc(graph_node_count(f->graph) + 1, sizeof *f->inputs);
        if (!f->inputs)
            return fail(path, l->number, "out of memory", NULL);
        f->inputs[id] = (struct cluster_input){strtoull(l->tokens[3], NULL, 16), strtoull(l->tokens[4], NULL, 16),
                                               (uint32_t)strtoul(l->tokens[5], NULL, 10)};
    } else if (strcmp(l->tokens[2], "last-modified") == 0) {
        if ((fact->last_modified = datetime_of(l->tokens[3])) == GRAPH_NO_LASTMOD)
            return fail(path, l->number, "not a W3C Datetime", l->tokens[3]);
    } else if (strcmp(l->tokens[2], "previous") == 0) {
        if (l->token_count != 5 || (fact->previous_lastmod = datetime_of(l->tokens[3])) == GRAPH_NO_LASTMOD)
            return fail(path, l->number, "previous needs LASTMOD and same|changed", NULL);
        fact->content_change = strcmp(l->tokens[4], "changed") == 0 ? AUDIT_CONTENT_CHANGED : AUDIT_CONTENT_SAME;
    } else if (strcmp(l->tokens[2], "ids") == 0) {
        return ids_fact(f, fact, l->tokens[3]);
    } else {
        return fail(path, l->number, "unknown fact", l->tokens[2]);
    }
    return 0;
}

static int option_statement(struct graph_fixture *f, const struct line *l, const char *path)
{
    if (l->token_count != 3)
        return fail(path, l->number, "option needs NAME and VALUE", NULL);
    long value = atol(l->tokens[2]);
    if (strcmp(l->tokens[1], "max-click-depth") == 0)
        f->options.max_click_depth = (uint32_t)value;
    else if (strcmp(l->tokens[1], "sitemaps-read") == 0)
        f->options.sitemaps_read = (size_t)value;
    else if (strcmp(l->tokens[1], "max-related") == 0)
        f->options.max_related = (size_t)value;
    else if (strcmp(l->tokens[1], "crawl-started") == 0 && datetime_of(l->tokens[2]) != GRAPH_NO_LASTMOD)
        f->options.crawl_started = datetime_of(l->tokens[2]);
    else
        return fail(path, l->number, "unknown option", l->tokens[1]);
    return 0;
}

static int expect_statement(struct graph_fixture *f, const struct line *l, const char *path)
{
    if (l->token_count < 3 || (strcmp(l->tokens[0], "expect") != 0 && l->token_count < 4))
        return fail(path, l->number, "expectation needs RULE and URL", NULL);
    struct graph_fixture_expectation *grown = realloc(f->expectations, (f->expectation_count + 1) * sizeof *grown);
    if (!grown)
        return fail(path, l->number, "out of memory", NULL);
    f->expectations = grown;
    f->expectations[f->expectation_count++] = (struct graph_fixture_expectation){
        strdup(l->tokens[0]), strdup(l->tokens[1]), strdup(l->tokens[2]), strdup(l->token_count > 3 ? l->rest[3] : "")};
    return 0;
}

static int sitemap_statement(struct graph_fixture *f, const struct line *l, const char *path)
{
    if (l->token_count != 4 && l->token_count != 5)
        return fail(path, l->number, "sitemap needs PAGE, SITEMAP_URL, LINE and maybe LASTMOD", NULL);
    uint32_t page = node_of(f, l->tokens[1]), sitemap = node_of(f, l->tokens[2]);
    int64_t lastmod = GRAPH_NO_LASTMOD;
    if (l->token_count == 5 && (lastmod = datetime_of(l->tokens[4])) == GRAPH_NO_LASTMOD)
        return fail(path, l->number, "not a W3C Datetime", l->tokens[4]);
    if (graph_add_sitemap_entry(f->graph, page, sitemap, (uint32_t)atol(l->tokens[3]), lastmod) != 0)
        return fail(path, l->number, "graph_add_sitemap_entry failed", NULL);
    return 0;
}

static int read_lines(const char *path, struct line **lines, size_t *count)
{
    FILE *file = fopen(path, "r");
    if (!file)
        return fail(path, 0, "cannot open", NULL);
    char buffer[4096];
    unsigned number = 0;
    *lines = NULL;
    *count = 0;
    while (fgets(buffer, sizeof buffer, file)) {
        number++;
        buffer[strcspn(buffer, "\r\n")] = '\0';
        char *comment = strchr(buffer, '#');
        if (comment && (comment == buffer || comment[-1] == ' ' || comment[-1] == '\t'))
            *comment = '\0';
        struct line l = {.text = strdup(buffer), .number = number};
        split(&l);
        if (l.token_count == 0) {
            free(l.text);
            free(l.copy);
            continue;
        }
        struct line *grown = realloc(*lines, (*count + 1) * sizeof *grown);
        if (!grown)
            break;
        *lines = grown;
        (*lines)[(*count)++] = l;
    }
    fclose(file);
    return 0;
}

static int run_statements(struct graph_fixture *f, struct line *lines, size_t count, const char *path)
{
    for (size_t i = 0; i < count; i++) /* pages first: edges need their scope */
        if (strcmp(lines[i].tokens[0], "page") == 0 && page_statement(f, &lines[i], path) != 0)
            return -1;
    for (size_t i = 0; i < count; i++) {
        const char *word = lines[i].tokens[0];
        int status = 0;
        if (strcmp(word, "sitemap") == 0)
            status = sitemap_statement(f, &lines[i], path);
        else if (strcmp(word, "mesh") == 0)
            status = mesh_statement(f, &lines[i], path);
        else if (strcmp(word, "page") != 0 && strcmp(word, "option") != 0 && strcmp(word, "fact") != 0 &&
                 strcmp(word, "fragment") != 0 && strncmp(word, "expect", 6) != 0 &&
                 (status = edge_statement(f, &lines[i], path)) == 1)
            return fail(path, lines[i].number, "unknown statement", word);
        if (status != 0)
            return -1;
    }
    if (graph_freeze(f->graph) != 0)
        return fail(path, 0, "graph_freeze failed", NULL);
    for (size_t i = 0; i < count; i++) {
        const char *word = lines[i].tokens[0];
        int status = 0;
        if (strcmp(word, "option") == 0)
            status = option_statement(f, &lines[i], path);
        else if (strcmp(word, "fact") == 0)
            status = fact_statement(f, &lines[i], path);
        else if (strcmp(word, "fragment") == 0)
            status = fragment_statement(f, &lines[i], path);
        else if (strncmp(word, "expect", 6) == 0)
            status = expect_statement(f, &lines[i], path);
        if (status != 0)
            return -1;
    }
    f->options.pages = f->facts;
    return 0;
}

int graph_fixture_load(const char *path, struct graph_fixture *fixture)
{
    memset(fixture, 0, sizeof *fixture);
    struct line *lines;
    size_t count;
    if (read_lines(path, &lines, &count) != 0)
        return -1;
    fixture->graph = graph_create(0);
    int status = fixture->graph ? run_statements(fixture, lines, count, path) : -1;
    for (size_t i = 0; i < count; i++) {
        free(lines[i].text);
        free(lines[i].copy);
    }
    free(lines);
    if (status != 0)
        graph_fixture_free(fixture);
    return status;
}

void graph_fixture_free(struct graph_fixture *fixture)
{
    graph_destroy(fixture->graph);
    free(fixture->facts);
    free(fixture->inputs);
    for (size_t i = 0; i < fixture->string_count; i++)
        free(fixture->strings[i]);
    free(fixture->strings);
    free(fixture->fragment_links);
    for (size_t i = 0; i < fixture->block_count; i++)
        free(fixture->blocks[i]);
    free(fixture->blocks);
    for (size_t i = 0; i < fixture->expectation_count; i++) {
        struct graph_fixture_expectation *e = &fixture->expectations[i];
        free(e->kind);
        free(e->rule);
        free(e->url);
        free(e->rest);
    }
    free(fixture->expectations);
    memset(fixture, 0, sizeof *fixture);
}
