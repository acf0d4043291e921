/* SPDX-License-Identifier: Apache-2.0 */
/* reports/pack_history: the growth points from crawl stores (see pack_history.h). */
#include "reports/pack_history.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "reports/pack_internal.h"
#include "store/store.h"
#include "store/store_history.h"

/* DIR/crawl.db when it is a file, else NULL (malloc'd). */
static char *store_in(const char *dir)
{
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", STORE_FILE);
    struct stat st;
    if (stat(buf_str(&path), &st) != 0 || !S_ISREG(st.st_mode)) {
        buf_free(&path);
        return NULL;
    }
    return buf_detach(&path);
}

/* The site as its store names it: the start URL of the crawl's own run, else the crawl's. */
static const char *site_of(const struct store_run_rows *runs, const struct crawl_data *crawl)
{
    for (size_t i = 0; crawl->run_id && i < runs->count; i++)
        if (runs->items[i].run_id && strcmp(runs->items[i].run_id, crawl->run_id) == 0)
            return runs->items[i].site;
    return crawl->start_url;
}

static bool known(const struct pack_history *h, const char *run_id)
{
    for (size_t i = 0; run_id && i < h->count; i++)
        if (h->points[i].run_id && strcmp(h->points[i].run_id, run_id) == 0)
            return true;
    return false;
}

/* Whether a run is a point: complete, of the site, before the crawl, not the crawl, counted. */
static bool is_point(const struct pack_history *h, const struct store_run_row *run, const char *site,
                     const struct crawl_data *crawl)
{
    if (!store_run_row_complete(run) || run->indexable < 0 || !site || !store_same_site(run->site, site))
        return false;
    if (crawl->run_id && run->run_id && strcmp(run->run_id, crawl->run_id) == 0)
        return false;
    if (crawl->started_at && strcmp(run->started_at, crawl->started_at) >= 0)
        return false; /* ISO 8601 UTC: text order is time order */
    return pack_parse_date(run->started_at) >= 0 && !known(h, run->run_id);
}

static int add_point(struct pack_history *h, const struct store_run_row *run, const char *store)
{
    struct pack_point *grown = array_grow(h->points, h->count, sizeof *grown);
    if (!grown)
        return CP_ERR_NOMEM;
    h->points = grown;
    struct pack_point *p = &grown[h->count];
    *p = (struct pack_point){pack_parse_date(run->started_at),
                             (size_t)run->indexable,
                             run->id,
                             strdup(run->started_at),
                             run->run_id ? strdup(run->run_id) : NULL,
                             store};
    h->count++;
    return p->started_at && (!run->run_id || p->run_id) ? CP_OK : CP_ERR_NOMEM;
}

/* The points of one store; *site is the site as the first store read named it. */
static int read_store(struct pack_history *h, int slot, const struct crawl_data *crawl, const char **site,
                      struct store_run_rows *runs, size_t *added)
{
    char error[1024];
    struct store_reader *reader = NULL;
    int status = store_reader_open(h->stores[slot], &reader, error, sizeof error);
    if (status == CP_OK && (status = store_reader_runs(reader, runs)) != CP_OK)
        snprintf(error, sizeof error, "%s", store_reader_error(reader));
    store_reader_close(reader);
    if (status != CP_OK) {
        if (status != CP_ERR_NOMEM)
            log_warn("%s: not read for URL growth: %s", h->stores[slot], error);
        return status == CP_ERR_NOMEM ? status : CP_OK;
    }
    if (!*site)
        *site = site_of(runs, crawl);
    for (size_t i = 0; status == CP_OK && i < runs->count; i++)
        if (is_point(h, &runs->items[i], *site, crawl)) {
            status = add_point(h, &runs->items[i], h->stores[slot]);
            (*added)++;
        }
    return status;
}

static int compare_points(const void *a, const void *b)
{
    const struct pack_point *x = a, *y = b;
    return strcmp(x->started_at, y->started_at);
}

int pack_history_load(const struct pack_options *options, const struct crawl_data *crawl, struct pack_history *h)
{
    memset(h, 0, sizeof *h);
    const char *dirs[2] = {options->crawl_dir, options->previous_dir};
    struct store_run_rows runs[2] = {{0}};
    const char *site = NULL; /* points into runs[0] or crawl */
    int status = CP_OK;
    for (int slot = 0; status == CP_OK && slot < 2; slot++) {
        if (!dirs[slot] || !(h->stores[slot] = store_in(dirs[slot])))
            continue;
        if (slot == 1 && h->stores[0] && strcmp(h->stores[0], h->stores[1]) == 0)
            continue; /* --previous names the crawl folder itself */
        size_t added = 0;
        status = read_store(h, slot, crawl, &site, &runs[slot], &added);
        if (slot == 1)
            h->previous_from_store = added > 0;
    }
    if (status == CP_OK && h->count > 1)
        qsort(h->points, h->count, sizeof *h->points, compare_points);
    store_run_rows_free(&runs[0]);
    store_run_rows_free(&runs[1]);
    return status;
}

int pack_history_add_folder(struct pack_history *h, const struct crawl_data *previous, size_t indexable,
                            const struct crawl_data *crawl)
{
    if (h->count == 0 || !previous->started_at || pack_parse_date(previous->started_at) < 0 ||
        known(h, previous->run_id) || (crawl->started_at && strcmp(previous->started_at, crawl->started_at) >= 0))
        return CP_OK;
    struct store_run_row row = {0,
                                previous->run_id,
                                "audit",
                                crawl->start_url ? crawl->start_url : "",
                                previous->started_at,
                                NULL,
                                "complete",
                                -1,
                                (int64_t)indexable};
    int status = add_point(h, &row, previous->dir);
    if (status == CP_OK && h->count > 1)
        qsort(h->points, h->count, sizeof *h->points, compare_points);
    return status;
}

void pack_history_free(struct pack_history *h)
{
    for (size_t i = 0; i < h->count; i++)
        free(h->points[i].started_at), free(h->points[i].run_id);
    free(h->points);
    free(h->stores[0]);
    free(h->stores[1]);
    memset(h, 0, sizeof *h);
}
