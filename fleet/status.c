/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/status: every job's record from the crawlpack_status bucket (fleet.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array_grow.h"
#include "common/error.h"
#include "fleet/fleet_internal.h"

/* A fleet lists at most this many jobs at once (a bound on memory and on the reads). */
#define STATUS_MAX 1000000

static int compare_status(const void *a, const void *b)
{
    const struct fleet_job_status *x = a, *y = b;
    int c = strcmp(x->run, y->run);
    return c ? c : strcmp(x->origin, y->origin);
}

static bool in_run(const char *key, const char *run)
{
    size_t length = run ? strlen(run) : 0;
    return !run || (strncmp(key, run, length) == 0 && key[length] == '.');
}

static int read_one(struct fleet *fleet, const char *key, struct fleet_status_list *list, char *error,
                    size_t error_size)
{
    kvEntry *entry = NULL;
    natsStatus s = NATS_ERR;
    for (int attempt = 0; attempt < FLEET_TRIES && s != NATS_OK && s != NATS_NOT_FOUND; attempt++) {
        if (attempt)
            sleep(1);
        s = kvStore_Get(&entry, fleet->status, key);
    }
    if (s == NATS_NOT_FOUND)
        return CP_OK; /* deleted meanwhile */
    if (s != NATS_OK)
        return fleet_nats_error(s, 0, "cannot read a job's status", error, error_size);
    struct fleet_job_status st;
    int rc = fleet_status_decode(key, kvEntry_Value(entry), (size_t)kvEntry_ValueLen(entry), &st);
    kvEntry_Destroy(entry);
    if (rc != CP_OK)
        return CP_OK; /* not ours: skipped */
    struct fleet_job_status *grown = array_grow(list->items, list->count, sizeof *list->items);
    if (!grown) {
        fleet_job_status_free(&st);
        return CP_ERR_NOMEM;
    }
    list->items = grown;
    list->items[list->count++] = st;
    return CP_OK;
}

int fleet_status_read(struct fleet *fleet, const char *run, struct fleet_status_list *list, char *error,
                      size_t error_size)
{
    *list = (struct fleet_status_list){0};
    int rc = fleet_open_buckets(fleet, error, error_size);
    if (rc != CP_OK)
        return rc;
    kvKeysList keys = {0};
    kvWatchOptions options;
    kvWatchOptions_Init(&options);
    options.Timeout = FLEET_REQUEST_TIMEOUT_MS;
    natsStatus s = NATS_ERR;
    for (int attempt = 0; attempt < FLEET_TRIES && s != NATS_OK && s != NATS_NOT_FOUND; attempt++) {
        if (attempt)
            sleep(1);
        s = kvStore_Keys(&keys, fleet->status, &options);
    }
    if (s == NATS_NOT_FOUND)
        return CP_OK; /* an empty bucket */
    if (s != NATS_OK)
        return fleet_nats_error(s, 0, "cannot list the jobs", error, error_size);
    for (int i = 0; rc == CP_OK && i < keys.Count && list->count < STATUS_MAX; i++)
        if (in_run(keys.Keys[i], run))
            rc = read_one(fleet, keys.Keys[i], list, error, error_size);
    kvKeysList_Destroy(&keys);
    if (rc != CP_OK) {
        fleet_status_list_free(list);
        return rc;
    }
    if (list->count)
        qsort(list->items, list->count, sizeof *list->items, compare_status);
    return CP_OK;
}

void fleet_status_list_free(struct fleet_status_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        fleet_job_status_free(&list->items[i]);
    free(list->items);
    *list = (struct fleet_status_list){0};
}
