/* SPDX-License-Identifier: Apache-2.0 */
/* audit/root_unlinked: root-file-unlinked — with --root, the HTML files of the build folder that no
 * page links to and no sitemap lists (see root_unlinked.h). */
#include "audit/root_unlinked.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <uthash.h>

#include "common/buf.h"
#include "common/error.h"
#include "web/local_root.h"
#include "web/url.h"

struct led_file;

struct walk {
    const struct root_unlinked_input *in;
    struct led_file *led; /* uthash table */
    struct finding_list *out;
    size_t files; /* entries looked at, against ROOT_UNLINKED_MAX_FILES */
    bool capped;
    int status;
};

/* Files a server answers with, or that only a search console reads: never linked on purpose. */
static bool linked_by_nobody_on_purpose(const char *name)
{
    static const char *const names[] = {"404.html", "403.html", "410.html", "500.html", "50x.html", "offline.html"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return true;
    /* Search console ownership files: google0123abcd.html, BingSiteAuth-like yandex_*.html */
    return (strncmp(name, "google", 6) == 0 && strspn(name + 6, "0123456789abcdef") >= 8) ||
           strncmp(name, "yandex_", 7) == 0;
}

static bool is_html_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcasecmp(name + n - 5, ".html") == 0) || (n > 4 && strcasecmp(name + n - 4, ".htm") == 0);
}

/* One file something leads to, by its real path. */
struct led_file {
    UT_hash_handle hh;
    char path[];
};

/* A page is led to when it is a start page, a sitemap lists it, or another in-scope page refers to
 * it in any way: a link, an iframe, a refresh, a redirect, or a canonical or hreflang hint (search
 * engines discover URLs through those too). */
static bool led_to(const struct graph *graph, uint32_t node)
{
    const struct graph_node *facts = graph_node(graph, node);
    if (facts->sitemap_first != GRAPH_NO_NODE || (facts->flags & GRAPH_NODE_START))
        return true;
    struct graph_edges in = graph_in_edges(graph, node);
    for (uint32_t i = 0; i < in.count; i++)
        if (in.nodes[i] != node && (in.meta[i] & GRAPH_EDGE_SOURCE_IN_SCOPE))
            return true;
    return false;
}

/* The real paths of the files the led-to URLs answer with (web/local_root's mapping, so every
 * spelling of a URL — /a, /a.html, /%61 — lands on its one file). */
static int collect_led_files(struct walk *w)
{
    uint32_t count = graph_node_count(w->in->graph);
    struct buf path = BUF_INIT;
    char real[PATH_MAX];
    int status = CP_OK;
    for (uint32_t node = 0; node < count && status == CP_OK; node++) {
        if (!led_to(w->in->graph, node))
            continue;
        buf_reset(&path);
        if (!local_root_file(w->in->root, graph_url(w->in->graph, node, NULL), &path) ||
            !realpath(buf_str(&path), real))
            continue;
        struct led_file *found = NULL;
        HASH_FIND_STR(w->led, real, found);
        if (found)
            continue;
        size_t length = strlen(real);
        struct led_file *file = malloc(sizeof *file + length + 1);
        if (!file) {
            status = CP_ERR_NOMEM;
            break;
        }
        memcpy(file->path, real, length + 1);
        HASH_ADD(hh, w->led, path[0], length, file);
    }
    buf_free(&path);
    return status;
}

/* The URL of a file at relative (below --root): the site URL resolved with "./relative" (so a
 * colon is no scheme), an index file named by its folder. NULL when out of memory. */
static char *url_of(const struct walk *w, const char *relative)
{
    const char *name = strrchr(relative, '/') ? strrchr(relative, '/') + 1 : relative;
    bool is_index = strncasecmp(name, "index.", 6) == 0;
    struct buf form = BUF_INIT;
    buf_printf(&form, "./%.*s", (int)(is_index ? (size_t)(name - relative) : strlen(relative)), relative);
    struct url base, url;
    char *href = NULL;
    if (url_parse_str(w->in->site_url, NULL, &base) == URL_OK) {
        if (url_parse_str(buf_str(&form), &base, &url) == URL_OK) {
            href = strdup(url.href);
            url_free(&url);
        }
        url_free(&base);
    }
    buf_free(&form);
    return href;
}

/* relative is the file's path below --root ("a/b.html"), full the path to open. */
static int check_file(struct walk *w, const char *relative, const char *full)
{
    const char *name = strrchr(relative, '/') ? strrchr(relative, '/') + 1 : relative;
    char real[PATH_MAX];
    if (linked_by_nobody_on_purpose(name) || !realpath(full, real))
        return CP_OK;
    struct led_file *found = NULL;
    HASH_FIND_STR(w->led, real, found);
    if (found)
        return CP_OK;
    char *href = url_of(w, relative);
    struct finding *f = href ? findings_add(w->out, RULE_ROOT_FILE_UNLINKED, href, NULL, 0,
                                            "%s is in the build folder, but no page links to it and no sitemap "
                                            "lists it",
                                            relative)
                             : NULL;
    free(href);
    return f ? CP_OK : CP_ERR_NOMEM;
}

/* Depth-first over dir (relative to --root, "" for the root itself), bounded in depth and files. */
static void walk_dir(struct walk *w, const char *relative, unsigned depth)
{
    if (depth > ROOT_UNLINKED_MAX_DEPTH || w->status != CP_OK)
        return;
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", w->in->root_dir, relative);
    DIR *dir = opendir(buf_str(&path));
    buf_free(&path);
    if (!dir)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) && w->status == CP_OK) {
        if (entry->d_name[0] == '.') /* ., .., and hidden folders (.git) and files */
            continue;
        if (++w->files > ROOT_UNLINKED_MAX_FILES) {
            w->capped = true;
            break;
        }
        struct buf child = BUF_INIT;
        buf_printf(&child, "%s%s%s", relative, relative[0] ? "/" : "", entry->d_name);
        struct buf full = BUF_INIT;
        buf_printf(&full, "%s/%s", w->in->root_dir, buf_str(&child));
        struct stat st;
        if (lstat(buf_str(&full), &st) == 0) {
            if (S_ISDIR(st.st_mode))
                walk_dir(w, buf_str(&child), depth + 1);
            else if (S_ISREG(st.st_mode) && is_html_name(entry->d_name))
                w->status = check_file(w, buf_str(&child), buf_str(&full));
        }
        buf_free(&full);
        buf_free(&child);
    }
    closedir(dir);
}

int root_unlinked_rules(const struct root_unlinked_input *in, struct finding_list *out)
{
    if (!in->root_dir || !in->site_url || !in->root)
        return CP_OK;
    struct walk w = {.in = in, .out = out, .status = CP_OK};
    w.status = collect_led_files(&w);
    if (w.status == CP_OK)
        walk_dir(&w, "", 0);
    struct led_file *file, *next;
    HASH_ITER(hh, w.led, file, next)
    {
        HASH_DEL(w.led, file);
        free(file);
    }
    return w.status;
}
