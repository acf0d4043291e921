/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/collect: the run's results as audit folders, fleet.json and the summary table (fleet.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/json_write.h"
#include "common/out_file.h"
#include "fleet/archive.h"
#include "fleet/fleet_internal.h"

/* A stream leader being re-elected answers again within seconds: reads are tried this often. */
#define READ_TRIES 10
#define CHUNKS_MAX 100000

/* One origin's line in fleet.json and the table. */
struct row {
    const struct fleet_job_status *status;
    bool collected;
    size_t pages, indexable, findings, errors, warnings, notices, failing;
    bool partial;
    char note[512]; /* why nothing was written */
};

static int fail(char *error, size_t error_size, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *error, size_t error_size, int status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(error, error_size, fmt, args);
    va_end(args);
    return status;
}

static natsStatus get_last(struct fleet *fleet, const char *subject, natsMsg **msg)
{
    natsStatus s = NATS_ERR;
    for (int attempt = 0; attempt < READ_TRIES; attempt++) {
        jsErrCode code = 0;
        s = js_GetLastMsg(msg, fleet->js, FLEET_RESULTS_STREAM, subject, NULL, &code);
        if (s == NATS_OK || s == NATS_NOT_FOUND)
            return s;
        sleep(1);
    }
    return s;
}

/* Read the chunks the marker announces into blob; check their length and checksum. */
static int read_chunks(struct fleet *fleet, const char *prefix, const struct fleet_marker *marker, struct buf *blob,
                       char *error, size_t error_size)
{
    size_t chunks = marker->chunks, size = marker->size;
    if (chunks == 0 || chunks > CHUNKS_MAX || size > FLEET_RESULT_MAX)
        return fail(error, error_size, CP_ERR_PARSE, "the result's marker is damaged");
    char subject[1024];
    for (size_t i = 0; i < chunks; i++) {
        natsMsg *msg = NULL;
        snprintf(subject, sizeof subject, "%s.%zu", prefix, i);
        natsStatus s = get_last(fleet, subject, &msg);
        if (s != NATS_OK)
            return fleet_nats_error(s, 0, "a chunk of the result is missing", error, error_size);
        int length = natsMsg_GetDataLength(msg);
        int rc = blob->len + (size_t)length > size                             ? CP_ERR_PARSE
                 : buf_append(blob, natsMsg_GetData(msg), (size_t)length) != 0 ? CP_ERR_NOMEM
                                                                               : CP_OK;
        natsMsg_Destroy(msg);
        if (rc != CP_OK)
            return rc == CP_ERR_NOMEM ? rc : fail(error, error_size, rc, "the result is longer than announced");
    }
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)blob->data, (uInt)blob->len);
    if (blob->len != size || crc != marker->crc32)
        return fail(error, error_size, CP_ERR_PARSE, "the result's chunks do not match its marker");
    return CP_OK;
}

static void row_counts(struct row *row, const struct fleet_marker *m)
{
    row->pages = m->pages;
    row->indexable = m->indexable;
    row->findings = m->findings;
    row->errors = m->errors;
    row->warnings = m->warnings;
    row->notices = m->notices;
    row->failing = m->failing;
    row->partial = m->partial;
}

/* Write OUT/KEY/ from the result the job's status names (the one result collect keeps). */
static int collect_one(struct fleet *fleet, const char *out_dir, struct row *row, char *error, size_t error_size)
{
    const struct fleet_job_status *st = row->status;
    char prefix[512], subject[600];
    snprintf(prefix, sizeof prefix, FLEET_RESULTS_SUBJECT ".%s.%s.%s", st->run, st->key, st->result);
    snprintf(subject, sizeof subject, "%s.done", prefix);
    natsMsg *msg = NULL;
    natsStatus s = get_last(fleet, subject, &msg);
    if (s == NATS_NOT_FOUND)
        return fail(error, error_size, CP_ERR_INVALID, "no complete result in %s", FLEET_RESULTS_STREAM);
    if (s != NATS_OK)
        return fleet_nats_error(s, 0, "cannot read the result", error, error_size);
    struct fleet_marker marker;
    int rc = fleet_marker_decode(natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), &marker);
    natsMsg_Destroy(msg);
    struct buf blob = BUF_INIT;
    rc = rc == CP_OK ? read_chunks(fleet, prefix, &marker, &blob, error, error_size)
                     : fail(error, error_size, CP_ERR_PARSE, "the result's marker is not JSON");
    if (rc == CP_OK) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", out_dir, st->key);
        rc = fleet_archive_unpack(blob.data, blob.len, FLEET_RESULT_MAX, dir, error, error_size);
    }
    if (rc == CP_OK) {
        row_counts(row, &marker);
        row->collected = true;
    }
    buf_free(&blob);
    return rc;
}

/* Worst first: failed (nothing audited), then by errors, warnings, notices; unfinished last. */
static int rank(const struct row *r)
{
    return r->status->state == FLEET_FAILED ? 0 : r->collected ? 1 : 2;
}

static int compare_rows(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (rank(x) != rank(y))
        return rank(x) - rank(y);
    size_t kx[] = {x->errors, x->warnings, x->notices}, ky[] = {y->errors, y->warnings, y->notices};
    for (int i = 0; i < 3; i++)
        if (kx[i] != ky[i])
            return kx[i] > ky[i] ? -1 : 1;
    return strcmp(x->status->origin, y->status->origin);
}

static const char *row_state(const struct row *r)
{
    return r->status->state == FLEET_DONE && !r->collected ? "missing" : fleet_state_name(r->status->state);
}

static void write_table(FILE *out, const char *run, const struct row *rows, size_t count,
                        const struct fleet_collect_result *result)
{
    fprintf(out, "run %s: %zu origin%s: %zu collected, %zu failed, %zu not finished\n\n", run, count,
            count == 1 ? "" : "s", result->written, result->failed, result->pending);
    fprintf(out, "%-8s %7s %8s %7s %7s  %s\n", "STATE", "ERRORS", "WARNINGS", "NOTICES", "PAGES", "ORIGIN");
    for (size_t i = 0; i < count; i++) {
        const struct row *r = &rows[i];
        if (r->collected)
            fprintf(out, "%-8s %7zu %8zu %7zu %7zu  %s%s\n", row_state(r), r->errors, r->warnings, r->notices, r->pages,
                    r->status->origin, r->partial ? " (partial crawl)" : "");
        else
            fprintf(out, "%-8s %7s %8s %7s %7s  %s%s%s\n", row_state(r), "-", "-", "-", "-", r->status->origin,
                    r->note[0] ? ": " : "", r->note);
    }
}

static void write_row_json(struct json_writer *w, const struct row *r)
{
    const struct fleet_job_status *st = r->status;
    json_begin_object(w);
    json_key(w, "origin");
    json_string(w, st->origin);
    json_key(w, "state");
    json_string(w, row_state(r));
    json_key(w, "folder");
    json_string(w, r->collected ? st->key : NULL);
    json_key(w, "attempts");
    json_int(w, st->attempts);
    json_key(w, "worker");
    json_string(w, st->worker);
    if (r->collected) {
        const struct {
            const char *name;
            size_t value;
        } counts[] = {{"pages", r->pages},    {"indexable", r->indexable}, {"findings", r->findings},
                      {"errors", r->errors},  {"warnings", r->warnings},   {"notices", r->notices},
                      {"failing", r->failing}};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
            json_key(w, counts[i].name);
            json_uint(w, counts[i].value);
        }
        json_key(w, "partial");
        json_bool(w, r->partial);
    }
    if (st->state == FLEET_FAILED || !r->collected) {
        json_key(w, "error_class");
        json_string(w, st->error_class);
        json_key(w, "error");
        json_string(w, r->note[0] ? r->note : NULL);
    }
    json_end_object(w);
}

static int write_fleet_json(const char *out_dir, const char *run, const struct row *rows, size_t count,
                            const struct fleet_collect_result *result, char *error, size_t error_size)
{
    struct out_file f;
    int rc = out_file_open_in(&f, out_dir, "fleet.json", error, error_size);
    if (rc != CP_OK)
        return rc;
    struct json_writer w;
    json_writer_init(&w, f.file, true);
    json_begin_object(&w);
    json_key(&w, "run");
    json_string(&w, run);
    const struct {
        const char *name;
        size_t value;
    } counts[] = {{"origins", count},
                  {"collected", result->written},
                  {"failed", result->failed},
                  {"not_finished", result->pending}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        json_key(&w, counts[i].name);
        json_uint(&w, counts[i].value);
    }
    json_key(&w, "results");
    json_begin_array(&w);
    for (size_t i = 0; i < count; i++)
        write_row_json(&w, &rows[i]);
    json_end_array(&w);
    json_end_object(&w);
    if (json_writer_finish(&w) != 0) {
        out_file_discard(&f);
        return fail(error, error_size, CP_ERR_IO, "cannot write %s/fleet.json", out_dir);
    }
    fputc('\n', f.file);
    return out_file_commit(&f, error, error_size);
}

static int write_outputs(const char *out_dir, const char *run, struct row *rows, size_t count, FILE *table,
                         const struct fleet_collect_result *result, char *error, size_t error_size)
{
    if (count)
        qsort(rows, count, sizeof *rows, compare_rows);
    int rc = write_fleet_json(out_dir, run, rows, count, result, error, error_size);
    struct out_file f;
    if (rc == CP_OK)
        rc = out_file_open_in(&f, out_dir, "fleet.txt", error, error_size);
    if (rc == CP_OK) {
        write_table(f.file, run, rows, count, result);
        rc = out_file_commit(&f, error, error_size);
    }
    if (rc == CP_OK && table)
        write_table(table, run, rows, count, result);
    return rc;
}

int fleet_collect(struct fleet *fleet, const char *run, const char *out_dir, FILE *table,
                  struct fleet_collect_result *result, char *error, size_t error_size)
{
    *result = (struct fleet_collect_result){0};
    if (!fleet_run_name_valid(run))
        return fail(error, error_size, CP_ERR_INVALID, "--run '%s' is not a run name", run);
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST)
        return fail(error, error_size, CP_ERR_IO, "cannot create %s: %s", out_dir, strerror(errno));
    struct fleet_status_list list;
    int rc = fleet_status_read(fleet, run, &list, error, error_size);
    if (rc != CP_OK)
        return rc;
    struct row *rows = calloc(list.count ? list.count : 1, sizeof *rows);
    if (!rows) {
        fleet_status_list_free(&list);
        return CP_ERR_NOMEM;
    }
    for (size_t i = 0; rc == CP_OK && i < list.count; i++) {
        struct row *row = &rows[i];
        row->status = &list.items[i];
        if (row->status->state == FLEET_DONE && row->status->result) {
            int got = collect_one(fleet, out_dir, row, row->note, sizeof row->note);
            if (got == CP_ERR_NOMEM || got == CP_ERR_IO)
                rc = fail(error, error_size, got, "%s: %s", row->status->origin, row->note);
        } else if (row->status->state == FLEET_FAILED && row->status->error) {
            snprintf(row->note, sizeof row->note, "%s", row->status->error);
        }
        result->written += row->collected;
        result->failed += row->status->state == FLEET_FAILED;
        result->pending += row->status->state != FLEET_FAILED && !row->collected;
    }
    result->jobs = list.count;
    if (rc == CP_OK)
        rc = write_outputs(out_dir, run, rows, list.count, table, result, error, error_size);
    free(rows);
    fleet_status_list_free(&list);
    return rc;
}
