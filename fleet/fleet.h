/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/fleet: audit many origins over many machines, with NATS JetStream as the queue, the lock
 * service and the result store (docs/fleet.md). One job per origin and run: `submit` queues jobs,
 * `worker` runs each with the single-machine engine (audit_run) and publishes its files, `status`
 * reads where every job stands, `collect` writes the results as audit folders.
 *
 * What lives where on the NATS side (created by the first submit or worker, fleet_ensure):
 *   stream CRAWLPACK_JOBS      work-queue, subjects crawlpack.jobs.RUN.KEY; one pull consumer
 *                              "workers" with an ack deadline (AckWait) the running worker keeps
 *                              pushing back with in-progress acks (the heartbeat)
 *   stream CRAWLPACK_RESULTS   limits, crawlpack.results.RUN.KEY.RESULT.{N|done}: the result's
 *                              zlib-compressed chunks and the "done" marker, published last
 *   KV crawlpack_status        RUN.KEY -> the job's state (queued, running, done, failed): JSON
 *   KV crawlpack_locks         KEY -> the worker auditing that origin; the bucket's TTL is the ack
 *                              deadline, renewed by the heartbeat: one worker per origin at a time
 * KEY is fleet_origin_key(origin), RUN a run name ([A-Za-z0-9_-], at most FLEET_RUN_MAX bytes).
 *
 * Threads: a struct fleet (one NATS connection) may be used by several threads at once, as libnats
 * allows; everything else here belongs to its caller's thread. Memory: fleet_close frees the
 * connection; each function documents what it hands over. Errors: CP_OK, or a status from
 * common/error.h (CP_ERR_NETWORK when NATS failed or timed out, CP_ERR_INVALID for bad input,
 * CP_ERR_NOMEM, CP_ERR_IO) with a one-line message in error. */
#ifndef CRAWLPACK_FLEET_FLEET_H
#define CRAWLPACK_FLEET_FLEET_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "audit/audit_run.h"

#define FLEET_RUN_MAX 64
#define FLEET_KEY_MAX 200 /* fleet_origin_key's longest result, NUL included */
#define FLEET_DEFAULT_RUN "default"
#define FLEET_DEFAULT_ACK_WAIT_S 30
#define FLEET_DEFAULT_ATTEMPTS 3
#define FLEET_ARGS_MAX 64 /* audit options one job may carry */

struct fleet;

/* Settings the first submit or worker gives the streams and buckets it creates (an existing
 * stream keeps its own). replicas 0: 3 in a cluster, 1 on a single server. */
struct fleet_setup {
    int ack_wait_s; /* the consumer's AckWait and the lock bucket's TTL; 0: FLEET_DEFAULT_ACK_WAIT_S */
    int replicas;
};

/* Connect to url (a comma list of nats:// URLs of the cluster's servers; the client fails over
 * between them and reconnects for ever). name is the connection's name in the server's monitor. */
int fleet_connect(const char *url, const char *name, struct fleet **out, char *error, size_t error_size);
/* Create the streams, consumer and buckets that do not exist yet. */
int fleet_ensure(struct fleet *fleet, const struct fleet_setup *setup, char *error, size_t error_size);
void fleet_close(struct fleet *fleet);

/* Whether name is a valid run name. */
bool fleet_run_name_valid(const char *name);
/* The job key of an origin ("http://127.0.0.1:8080" -> "http_127.0.0.1_8080"): the origin's
 * scheme, host and port with every byte outside [A-Za-z0-9.-] as '_', plus "-" and a short hash of
 * the origin when a byte was replaced (two origins never share a key). Also the folder name in
 * collect's output. Returns CP_ERR_INVALID when url has no http(s) origin. */
int fleet_origin_key(const char *url, char *origin, size_t origin_size, char key[FLEET_KEY_MAX]);

/* ---- submit ---- */

struct fleet_submit_result {
    size_t queued;   /* new jobs */
    size_t existing; /* jobs of this run for an origin already submitted (not queued again) */
};

/* Queue one job per distinct origin of urls[] in run, each carrying args (audit options, checked
 * by the caller) and at most attempts tries. A job already known for (run, origin) is not queued
 * again (its status is kept), so submitting a list twice is harmless. */
int fleet_submit(struct fleet *fleet, const char *run, const char *const *urls, size_t url_count,
                 const char *const *args, size_t arg_count, int attempts, struct fleet_submit_result *result,
                 char *error, size_t error_size);

/* ---- worker ---- */

/* How a worker turns a job into an audit: the caller (cli/fleet.c) parses the job's options as
 * `crawlpack audit` does. prepare fills request (its crawl.stop_flag is the worker's stop flag) to
 * audit start into out_dir, keeping what it allocates in *state; release frees it after the
 * audit. prepare returns CP_OK or CP_ERR_INVALID with a message. */
struct fleet_auditor {
    int (*prepare)(void *context, const char *start, const char *const *args, size_t arg_count, const char *out_dir,
                   struct audit_request *request, void **state, char *error, size_t error_size);
    void (*release)(void *state);
    void *context;
};

struct fleet_worker_options {
    const char *name; /* this worker's name in status and locks (host:pid by default) */
    long max_jobs;    /* stop after this many jobs; 0: run until stopped */
    /* Set by the caller's SIGTERM/SIGINT handler (the same flag the audit's crawl watches): the
     * current audit stops, its job is released to another worker, the loop returns. */
    volatile sig_atomic_t *stop_flag;
    const char *work_dir; /* temporary audit folders go here; NULL: $TMPDIR or /tmp */
    FILE *log;            /* one line per job; NULL: none */
};

struct fleet_worker_stats {
    size_t done, failed, released, retried;
};

/* Pull jobs and run them one at a time until stop_flag is set or max_jobs were handled. Returns
 * CP_OK, CP_ERR_INTERRUPTED after a stop, or an error when NATS could not be used at all. */
int fleet_worker_run(struct fleet *fleet, const struct fleet_worker_options *options,
                     const struct fleet_auditor *auditor, struct fleet_worker_stats *stats, char *error,
                     size_t error_size);

/* ---- status ---- */

enum fleet_state { FLEET_QUEUED, FLEET_RUNNING, FLEET_DONE, FLEET_FAILED };
const char *fleet_state_name(enum fleet_state state);

/* One job's record in crawlpack_status. Strings are owned by the record. */
struct fleet_job_status {
    char *run, *key, *origin, *start;
    enum fleet_state state;
    char *worker; /* running: who; done/failed: who finished it */
    char *since;  /* when the state began, "YYYY-MM-DDTHH:MM:SSZ" */
    int attempts, max_attempts;
    char *error_class; /* failed (or a retried attempt): "connect", "dns", "blocked", ... */
    char *error;
    char *result; /* done: the result id in CRAWLPACK_RESULTS */
};

struct fleet_status_list {
    struct fleet_job_status *items;
    size_t count;
};

/* Every job of run (NULL: of every run), sorted by run then origin. */
int fleet_status_read(struct fleet *fleet, const char *run, struct fleet_status_list *list, char *error,
                      size_t error_size);
void fleet_status_list_free(struct fleet_status_list *list);

/* ---- collect ---- */

struct fleet_collect_result {
    size_t jobs, written, failed, pending; /* pending: queued or running, nothing written */
};

/* Write out_dir/KEY/ (the files the audit wrote) for every done job of run, out_dir/fleet.json and
 * out_dir/fleet.txt (the summary table, worst origins first, also printed to table when not NULL).
 * Idempotent: the same stream gives the same bytes, and a result published twice is written once. */
int fleet_collect(struct fleet *fleet, const char *run, const char *out_dir, FILE *table,
                  struct fleet_collect_result *result, char *error, size_t error_size);

#endif
