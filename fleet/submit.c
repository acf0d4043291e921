/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/submit: one job per origin into the work-queue stream (fleet.h). */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json_write.h"
#include "fleet/fleet_internal.h"

/* The job message: what a worker needs and nothing it could not have (no local file paths). */
static char *job_encode(const char *run, const char *key, const char *origin, const char *start,
                        const char *const *args, size_t arg_count, int attempts)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out)
        return NULL;
    struct json_writer w;
    json_writer_init(&w, out, false);
    json_begin_object(&w);
    json_key(&w, "run");
    json_string(&w, run);
    json_key(&w, "key");
    json_string(&w, key);
    json_key(&w, "origin");
    json_string(&w, origin);
    json_key(&w, "start");
    json_string(&w, start);
    json_key(&w, "max_attempts");
    json_int(&w, attempts);
    json_key(&w, "args");
    json_begin_array(&w);
    for (size_t i = 0; i < arg_count; i++)
        json_string(&w, args[i]);
    json_end_array(&w);
    json_end_object(&w);
    int rc = json_writer_finish(&w);
    if (fclose(out) != 0 || rc != 0 || length >= FLEET_JOB_MAX) {
        free(text);
        return NULL;
    }
    return text;
}

/* Publish the job (deduplicated by the stream on RUN.KEY) and record it as queued unless a worker
 * has already written its status. */
static int submit_one(struct fleet *fleet, const char *run, const char *key, const char *origin, const char *start,
                      const char *const *args, size_t arg_count, int attempts, char *error, size_t error_size)
{
    char *job = job_encode(run, key, origin, start, args, arg_count, attempts);
    if (!job)
        return CP_ERR_NOMEM;
    char subject[256 + FLEET_KEY_MAX], id[FLEET_RUN_MAX + FLEET_KEY_MAX + 2];
    snprintf(subject, sizeof subject, FLEET_JOBS_SUBJECT ".%s.%s", run, key);
    snprintf(id, sizeof id, "%s.%s", run, key);
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MsgId = id;
    options.ExpectStream = FLEET_JOBS_STREAM;
    jsErrCode code = 0;
    jsPubAck *ack = NULL;
    natsStatus s = js_Publish(&ack, fleet->js, subject, job, (int)strlen(job), &options, &code);
    free(job);
    jsPubAck_Destroy(ack);
    if (s != NATS_OK)
        return fleet_nats_error(s, code, "cannot queue the job", error, error_size);
    char now[32];
    fleet_now(now);
    struct fleet_job_status st = {.run = (char *)run,
                                  .key = (char *)key,
                                  .origin = (char *)origin,
                                  .start = (char *)start,
                                  .state = FLEET_QUEUED,
                                  .since = now,
                                  .max_attempts = attempts};
    char *json = fleet_status_encode(&st);
    if (!json)
        return CP_ERR_NOMEM;
    s = kvStore_CreateString(NULL, fleet->status, id, json);
    free(json);
    /* A worker may already have taken the job and said so: its record stands. */
    if (s != NATS_OK && s != NATS_ERR)
        return fleet_nats_error(s, 0, "cannot record the job", error, error_size);
    return CP_OK;
}

int fleet_submit(struct fleet *fleet, const char *run, const char *const *urls, size_t url_count,
                 const char *const *args, size_t arg_count, int attempts, struct fleet_submit_result *result,
                 char *error, size_t error_size)
{
    *result = (struct fleet_submit_result){0};
    if (!fleet_run_name_valid(run)) {
        snprintf(error, error_size, "--run '%s': a run name is 1 to %d letters, digits, '_' or '-'", run,
                 FLEET_RUN_MAX - 1);
        return CP_ERR_INVALID;
    }
    int rc = fleet_open_buckets(fleet, error, error_size);
    for (size_t i = 0; rc == CP_OK && i < url_count; i++) {
        char origin[1024], key[FLEET_KEY_MAX];
        if (fleet_origin_key(urls[i], origin, sizeof origin, key) != CP_OK) {
            snprintf(error, error_size, "'%s' is not an http:// or https:// URL", urls[i]);
            return CP_ERR_INVALID;
        }
        struct fleet_job_status known;
        int got = fleet_status_get(fleet, run, key, &known, error, error_size);
        if (got == CP_OK) {
            fleet_job_status_free(&known);
            result->existing++;
            continue;
        }
        if (got != CP_ERR_INVALID)
            return got;
        rc = submit_one(fleet, run, key, origin, urls[i], args, arg_count, attempts, error, error_size);
        result->queued += rc == CP_OK;
    }
    return rc;
}
