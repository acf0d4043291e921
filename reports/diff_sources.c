/* SPDX-License-Identifier: Apache-2.0 */
/* reports/diff_sources: which runs `crawlpack diff` compares when it is given crawl stores (see
 * diff_sources_open in diff.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "reports/diff.h"

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The index of the last complete run before index `before` (of site, when not NULL), or -1. */
static long last_complete(const struct store_run_rows *runs, size_t before, const char *site)
{
    for (size_t i = before; i-- > 0;)
        if (store_run_row_complete(&runs->items[i]) && (!site || store_same_site(runs->items[i].site, site)))
            return (long)i;
    return -1;
}

static int open_store(struct diff_sources *s, int side, const char *path, struct buf *error)
{
    char reason[1024];
    int status = store_reader_open(path, &s->readers[side], reason, sizeof reason);
    if (status == CP_OK)
        status = store_reader_runs(s->readers[side], &s->runs[side]);
    else
        buf_append_str(error, reason);
    if (status != CP_OK && status != CP_ERR_NOMEM && s->readers[side])
        buf_append_str(error, store_reader_error(s->readers[side]));
    return status == CP_ERR_NOMEM ? status : status != CP_OK ? CP_ERR_INVALID : CP_OK;
}

static int name_run(struct diff_sources *s, int side, const char *path, const struct store_run_row *run)
{
    struct buf name = BUF_INIT;
    buf_printf(&name, "%s (run %lld)", path, (long long)run->id);
    s->names[side] = buf_detach(&name);
    struct diff_input *input = side ? &s->new_input : &s->old_input;
    *input = (struct diff_input){s->names[side], s->readers[side] ? s->readers[side] : s->readers[0], run};
    return s->names[side] ? CP_OK : CP_ERR_NOMEM;
}

/* One store: its last complete run and the complete run of the same site before it. */
static int one_store(struct diff_sources *s, const char *path, struct buf *error)
{
    const struct store_run_rows *runs = &s->runs[0];
    long newer = last_complete(runs, runs->count, NULL);
    long older = newer < 0 ? -1 : last_complete(runs, (size_t)newer, runs->items[newer].site);
    if (older < 0) {
        if (newer < 0)
            buf_printf(error, "%s holds no complete run", path);
        else
            buf_printf(error, "%s holds one complete run of %s (run %lld)", path, runs->items[newer].site,
                       (long long)runs->items[newer].id);
        buf_append_str(error, ": diff of one store compares its last two complete runs of a site; give two "
                              "stores or two folders");
        return CP_ERR_INVALID;
    }
    int status = name_run(s, 0, path, &runs->items[older]);
    return status == CP_OK ? name_run(s, 1, path, &runs->items[newer]) : status;
}

/* Two arguments: a store's side is its last complete run; a folder is read as a folder. */
static int two_sides(struct diff_sources *s, char *const *args, struct buf *error)
{
    for (int side = 0; side < 2; side++) {
        if (!s->readers[side]) {
            *(side ? &s->new_input : &s->old_input) = (struct diff_input){args[side], NULL, NULL};
            continue;
        }
        const struct store_run_rows *runs = &s->runs[side];
        long last = last_complete(runs, runs->count, NULL);
        if (last < 0) {
            buf_printf(error,
                       "%s holds no complete run (%zu run%s, none complete: a run still running, killed or "
                       "interrupted is not compared)",
                       args[side], runs->count, runs->count == 1 ? "" : "s");
            return CP_ERR_INVALID;
        }
        int status = name_run(s, side, args[side], &runs->items[last]);
        if (status != CP_OK)
            return status;
    }
    return CP_OK;
}

int diff_sources_open(char *const *args, size_t count, struct diff_sources *s, struct buf *error)
{
    memset(s, 0, sizeof *s);
    if (count < 1 || count > 2) {
        buf_printf(error, "%s: diff compares two folders, two crawl stores, or the last two runs of one store",
                   count ? args[0] : "(nothing)");
        return CP_ERR_INVALID;
    }
    for (size_t i = 0; i < count; i++) {
        /* one argument can only be a store: a missing file is reported as the store it should be */
        int status = count == 1 || is_file(args[i]) ? open_store(s, (int)i, args[i], error) : CP_OK;
        if (status != CP_OK)
            return status;
    }
    return count == 1 ? one_store(s, args[0], error) : two_sides(s, args, error);
}

void diff_sources_close(struct diff_sources *s)
{
    for (int i = 0; i < 2; i++) {
        store_run_rows_free(&s->runs[i]);
        store_reader_close(s->readers[i]);
        free(s->names[i]);
    }
    memset(s, 0, sizeof *s);
}
