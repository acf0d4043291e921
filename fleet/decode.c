/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/decode: the fleet's JSON read back (jansson) — the job message, the status record and a
 * result's marker. Writing them is common/json_write's (fleet.c, submit.c, worker.c). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "fleet/fleet_internal.h"

static char *json_text(json_t *object, const char *key)
{
    const char *value = json_string_value(json_object_get(object, key));
    return value ? strdup(value) : NULL;
}

int fleet_status_decode(const char *run_key, const char *json, size_t length, struct fleet_job_status *st)
{
    *st = (struct fleet_job_status){0};
    const char *dot = strchr(run_key, '.');
    json_t *root = json_loadb(json, length, 0, NULL);
    if (!dot || !json_is_object(root)) {
        json_decref(root);
        return CP_ERR_PARSE;
    }
    st->run = strndup(run_key, (size_t)(dot - run_key));
    st->key = strdup(dot + 1);
    st->origin = json_text(root, "origin");
    st->start = json_text(root, "start");
    const char *state = json_string_value(json_object_get(root, "state"));
    for (int i = 0; state && i < 4; i++)
        if (strcmp(state, fleet_state_names[i]) == 0)
            st->state = (enum fleet_state)i;
    st->worker = json_text(root, "worker");
    st->since = json_text(root, "since");
    st->attempts = (int)json_integer_value(json_object_get(root, "attempts"));
    st->max_attempts = (int)json_integer_value(json_object_get(root, "max_attempts"));
    st->error_class = json_text(root, "error_class");
    st->error = json_text(root, "error");
    st->result = json_text(root, "result");
    json_decref(root);
    if (!st->run || !st->key || !st->origin) {
        fleet_job_status_free(st);
        return CP_ERR_PARSE;
    }
    return CP_OK;
}

int fleet_job_decode(const char *data, size_t length, struct fleet_job *job)
{
    *job = (struct fleet_job){0};
    json_t *root = json_loadb(data, length, 0, NULL);
    job->root = root;
    json_t *args = json_object_get(root, "args");
    job->run = json_string_value(json_object_get(root, "run"));
    job->key = json_string_value(json_object_get(root, "key"));
    job->origin = json_string_value(json_object_get(root, "origin"));
    job->start = json_string_value(json_object_get(root, "start"));
    job->max_attempts = (int)json_integer_value(json_object_get(root, "max_attempts"));
    if (!job->run || !job->key || !job->origin || !job->start || !json_is_array(args) ||
        json_array_size(args) > FLEET_ARGS_MAX || !fleet_run_name_valid(job->run))
        return CP_ERR_PARSE;
    for (size_t i = 0; i < json_array_size(args); i++)
        if (!(job->args[job->arg_count++] = json_string_value(json_array_get(args, i))))
            return CP_ERR_PARSE;
    if (job->max_attempts < 1)
        job->max_attempts = FLEET_DEFAULT_ATTEMPTS;
    return CP_OK;
}

void fleet_job_free(struct fleet_job *job)
{
    json_decref(job->root);
    job->root = NULL;
}

static size_t count_of(json_t *object, const char *key)
{
    json_int_t value = json_integer_value(json_object_get(object, key));
    return value > 0 ? (size_t)value : 0;
}

int fleet_marker_decode(const char *data, size_t length, struct fleet_marker *m)
{
    json_t *root = json_loadb(data, length, 0, NULL);
    if (!json_is_object(root)) {
        json_decref(root);
        return CP_ERR_PARSE;
    }
    *m = (struct fleet_marker){
        .chunks = count_of(root, "chunks"),
        .size = count_of(root, "size"),
        .raw_size = count_of(root, "raw_size"),
        .pages = count_of(root, "pages"),
        .indexable = count_of(root, "indexable"),
        .findings = count_of(root, "findings"),
        .errors = count_of(root, "errors"),
        .warnings = count_of(root, "warnings"),
        .notices = count_of(root, "notices"),
        .failing = count_of(root, "failing"),
        .crc32 = (uint32_t)count_of(root, "crc32"),
        .partial = json_is_true(json_object_get(root, "partial")),
    };
    json_decref(root);
    return CP_OK;
}
