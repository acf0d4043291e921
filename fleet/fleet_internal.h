/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/fleet_internal: what the fleet's files share and nobody else sees — the connection's
 * handles, the names on the NATS side, the status record's JSON form and NATS error messages.
 *
 * Threads: as fleet.h. Memory: fleet_status_encode returns a malloc'd string (the caller frees it);
 * fleet_status_decode fills a record the caller frees with fleet_job_status_free. Errors: CP_OK or
 * a common/error.h status with a message in error. */
#ifndef CRAWLPACK_FLEET_FLEET_INTERNAL_H
#define CRAWLPACK_FLEET_FLEET_INTERNAL_H

#include <nats/nats.h>

#include "fleet/fleet.h"

#define FLEET_JOBS_STREAM "CRAWLPACK_JOBS"
#define FLEET_JOBS_SUBJECT "crawlpack.jobs" /* .RUN.KEY */
#define FLEET_JOBS_CONSUMER "workers"
#define FLEET_RESULTS_STREAM "CRAWLPACK_RESULTS"
#define FLEET_RESULTS_SUBJECT "crawlpack.results" /* .RUN.KEY.RESULT.{N|done} */
#define FLEET_STATUS_BUCKET "crawlpack_status"
#define FLEET_LOCKS_BUCKET "crawlpack_locks"

/* Every NATS request waits at most this long (a cluster electing a new stream leader answers
 * within a few seconds; callers retry what they must). */
#define FLEET_REQUEST_TIMEOUT_MS 5000
/* What must get through (a status, a result) is tried this many times, a second apart. */
#define FLEET_TRIES 10
/* A job message and a status record are small: anything larger is not ours. */
#define FLEET_JOB_MAX 65536
/* The largest result (all of one audit's files, compressed) a worker publishes or collect reads. */
#define FLEET_RESULT_MAX ((size_t)512 << 20)

struct fleet {
    natsConnection *nc;
    jsCtx *js;
    kvStore *status;
    kvStore *locks;
    int64_t max_payload;
};

/* "what: NATS's text (JetStream error N)" into error; returns CP_ERR_NETWORK. */
int fleet_nats_error(natsStatus status, jsErrCode code, const char *what, char *error, size_t error_size);
/* Open the two buckets (after fleet_ensure, or when they exist already). */
int fleet_open_buckets(struct fleet *fleet, char *error, size_t error_size);

/* "queued", "running", "done", "failed" by enum fleet_state. */
extern const char *const fleet_state_names[4];

/* The status record as JSON (compact); NULL when out of memory. */
char *fleet_status_encode(const struct fleet_job_status *status);
/* Parse a record stored under RUN.KEY; CP_ERR_PARSE when it is not one. */
int fleet_status_decode(const char *run_key, const char *json, size_t length, struct fleet_job_status *status);
void fleet_job_status_free(struct fleet_job_status *status);
/* Put the record under RUN.KEY (last writer wins: a state change is one whole record). */
int fleet_status_put(struct fleet *fleet, const struct fleet_job_status *status, char *error, size_t error_size);
/* Read RUN.KEY; CP_ERR_INVALID (nothing in error) when there is no record, CP_ERR_NETWORK when
 * NATS did not answer after FLEET_TRIES tries. */
int fleet_status_get(struct fleet *fleet, const char *run, const char *key, struct fleet_job_status *status,
                     char *error, size_t error_size);

/* A job message (fleet/decode.c). The strings point into root, freed by fleet_job_free. */
struct fleet_job {
    void *root;
    const char *run, *key, *origin, *start;
    const char *args[FLEET_ARGS_MAX];
    size_t arg_count;
    int max_attempts;
};
int fleet_job_decode(const char *data, size_t length, struct fleet_job *job);
void fleet_job_free(struct fleet_job *job);

/* A result's "done" marker: how to reassemble its chunks, and the audit's counts. */
struct fleet_marker {
    size_t chunks, size, raw_size, pages, indexable, findings, errors, warnings, notices, failing;
    uint32_t crc32;
    bool partial;
};
int fleet_marker_decode(const char *data, size_t length, struct fleet_marker *marker);

/* Now as "YYYY-MM-DDTHH:MM:SSZ". */
void fleet_now(char out[32]);
/* A string that may be NULL, duplicated; NULL when s is NULL (or out of memory). */
char *fleet_strdup(const char *s);

#endif
