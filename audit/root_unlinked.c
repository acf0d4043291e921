/* SPDX-License-Identifier: Apache-2.0 */
/* audit/root_unlinked: root-file-unlinked — with --root, the HTML files of the build folder that no
 * page links to and no sitemap lists (see root_unlinked.h). */
#include "audit/root_unlinked.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/error.h"
#include "web/url.h"

struct walk {
    const struct root_unlinked_input *in;
    struct finding_list *out;
    size_t files;          /* entries looked at, against ROOT_UNLINKED_MAX_FILES */
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

/* The node of an absolute URL by its crawl identity, or GRAPH_NO_NODE. */
static uint32_t node_of(const struct walk *w, const char *href)
{
    struct url url;
    if (!href || url_parse_str(href, NULL, &url) != URL_OK)
        return GRAPH_NO_NODE;
    uint32_t node = GRAPH_NO_NODE;
    char *identity = NULL;
    if (url_identity(&url, w->in->identity, &identity) == URL_OK && identity)
        node = graph_find(w->in->graph, identity, strlen(identity));
    free(identity);
    url_free(&url);
    return node;
}

/* A page is led to when it is a start page, a sitemap lists it, or another in-scope page refers to
 * it in any way: a link, an iframe, a refresh, a redirect, or a canonical or hreflang hint (search
 * engines discover URLs through those too). */
static bool linked(const struct walk *w, uint32_t node)
{
    if (node == GRAPH_NO_NODE)
        return false;
    const struct graph_node *facts = graph_node(w->in->graph, node);
    if (facts->sitemap_first != GRAPH_NO_NODE || (facts->flags & GRAPH_NODE_START))
        return true;
    struct graph_edges in = graph_in_edges(w->in->graph, node);
    for (uint32_t i = 0; i < in.count; i++)
        if (in.nodes[i] != node && (in.meta[i] & GRAPH_EDGE_SOURCE_IN_SCOPE))
            return true;
    return false;
}

/* The URL of form (a path below the site URL, "./"-prefixed so a colon is no scheme), or NULL. */
static char *url_of(const struct walk *w, const char *form)
{
    struct url base, url;
    char *href = NULL;
    if (url_parse_str(w->in->site_url, NULL, &base) != URL_OK)
        return NULL;
    if (url_parse_str(form, &base, &url) == URL_OK) {
        href = strdup(url.href);
        url_free(&url);
    }
    url_free(&base);
    return href;
}

/* relative is the file's path below --root ("a/b.html"); every URL that answers with the file is
 * tried: "a/b.html", "a/b" (local_root answers it with b.html) and, for a/index.html, "a/". */
static int check_file(struct walk *w, const char *relative)
{
    const char *name = strrchr(relative, '/') ? strrchr(relative, '/') + 1 : relative;
    if (linked_by_nobody_on_purpose(name))
        return CP_OK;
    size_t length = strlen(relative), dir = (size_t)(name - relative);
    size_t ext = length >= 4 && strcasecmp(relative + length - 4, ".htm") == 0 ? 4 : 5;
    bool is_index = strncasecmp(name, "index.", 6) == 0;
    struct buf forms[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    size_t count = is_index ? 3 : 2;
    int status = buf_printf(&forms[0], "./%s", relative);
    if (status == CP_OK)
        status = buf_printf(&forms[1], "./%.*s", (int)(length - ext), relative);
    if (status == CP_OK && is_index)
        status = buf_printf(&forms[2], "./%.*s", (int)dir, relative);
    bool found = false;
    for (size_t i = 0; i < count && !found && status == CP_OK; i++) {
        char *href = url_of(w, buf_str(&forms[i]));
        found = href && linked(w, node_of(w, href));
        free(href);
    }
    if (!found && status == CP_OK) {
        char *href = url_of(w, buf_str(&forms[is_index ? 2 : 0]));
        struct finding *f = href ? findings_add(w->out, RULE_ROOT_FILE_UNLINKED, href, NULL, 0,
                                                "%s/%s is in the build folder, but no page links to it and no "
                                                "sitemap lists it",
                                                w->in->root_dir, relative)
                                 : NULL;
        status = f ? CP_OK : CP_ERR_NOMEM;
        free(href);
    }
    for (size_t i = 0; i < 3; i++)
        buf_free(&forms[i]);
    return status;
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
                w->status = check_file(w, buf_str(&child));
        }
        buf_free(&full);
        buf_free(&child);
    }
    closedir(dir);
}

int root_unlinked_rules(const struct root_unlinked_input *in, struct finding_list *out)
{
    if (!in->root_dir || !in->site_url)
        return CP_OK;
    struct walk w = {.in = in, .out = out, .status = CP_OK};
    walk_dir(&w, "", 0);
    return w.status;
}
