/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/worker: pull a job, take its origin's lock, audit with audit_run while a heartbeat keeps
 * the job and the lock alive, publish the result, then ack (fleet.h, docs/fleet.md). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/json_write.h"
#include "fleet/archive.h"
#include "fleet/fleet_internal.h"

/* A fetch waits this long for a job before the loop looks at the stop flag again. */
#define FETCH_WAIT_MS 1000
/* Room left in a chunk message for headers and the subject. */
#define CHUNK_HEADROOM 1024
/* Publishing a result survives a stream leader election: this many tries, a second apart. */

/* ---- the heartbeat: in-progress acks and the lock's renewal while the audit runs ---- */

struct heartbeat {
    struct fleet *fleet;
    natsMsg *msg;
    const char *lock_key, *lock_value;
    uint64_t lock_revision;
    int64_t interval_ms;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    bool stop, lock_lost;
};

static void renew_lock(struct heartbeat *h)
{
    uint64_t revision = 0;
    natsStatus s = kvStore_UpdateString(&revision, h->fleet->locks, h->lock_key, h->lock_value, h->lock_revision);
    if (s == NATS_ERR) /* a newer revision: it expired (we were cut off) or another worker took it */
        s = kvStore_CreateString(&revision, h->fleet->locks, h->lock_key, h->lock_value);
    if (s == NATS_OK)
        h->lock_revision = revision;
    else if (s == NATS_ERR && !h->lock_lost) {
        h->lock_lost = true;
        fprintf(stderr,
                "crawlpack fleet: %s: the origin's lock was taken over (this worker missed its ack "
                "deadline); the audit goes on, collect keeps one result\n",
                h->lock_key);
    }
}

static void *heartbeat_main(void *arg)
{
    struct heartbeat *h = arg;
    pthread_mutex_lock(&h->mutex);
    while (!h->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += h->interval_ms / 1000;
        until.tv_nsec += (h->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&h->wake, &h->mutex, &until);
        if (h->stop)
            break;
        pthread_mutex_unlock(&h->mutex);
        natsMsg_InProgress(h->msg, NULL); /* a failure (a node failing over) is retried next beat */
        renew_lock(h);
        pthread_mutex_lock(&h->mutex);
    }
    pthread_mutex_unlock(&h->mutex);
    return NULL;
}

static int heartbeat_start(struct heartbeat *h)
{
    pthread_mutex_init(&h->mutex, NULL);
    pthread_cond_init(&h->wake, NULL);
    if (pthread_create(&h->thread, NULL, heartbeat_main, h) != 0) {
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->mutex);
        return CP_ERR_NOMEM;
    }
    return CP_OK;
}

static void heartbeat_stop(struct heartbeat *h)
{
    pthread_mutex_lock(&h->mutex);
    h->stop = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->mutex);
    pthread_join(h->thread, NULL);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->mutex);
}

/* ---- the origin's lock ---- */

enum lock_outcome { LOCK_TAKEN, LOCK_BUSY, LOCK_ERROR };

/* Take the origin's lock. Held under the same job means its last holder let the job's ack
 * deadline pass (the job was redelivered to us): that worker is gone or cut off, take it over. */
static enum lock_outcome lock_take(struct fleet *fleet, const struct fleet_job *job, const char *value,
                                   uint64_t *revision)
{
    if (kvStore_CreateString(revision, fleet->locks, job->key, value) == NATS_OK)
        return LOCK_TAKEN;
    kvEntry *entry = NULL;
    natsStatus s = kvStore_Get(&entry, fleet->locks, job->key);
    if (s == NATS_NOT_FOUND) /* expired between the two calls */
        return kvStore_CreateString(revision, fleet->locks, job->key, value) == NATS_OK ? LOCK_TAKEN : LOCK_BUSY;
    if (s != NATS_OK)
        return LOCK_ERROR;
    const char *held = kvEntry_ValueString(entry);
    size_t run_length = strlen(job->run), key_length = strlen(job->key);
    bool same_job = held && strncmp(held, job->run, run_length) == 0 && held[run_length] == '.' &&
                    strncmp(held + run_length + 1, job->key, key_length) == 0 &&
                    held[run_length + 1 + key_length] == ' ';
    uint64_t last = kvEntry_Revision(entry);
    kvEntry_Destroy(entry);
    if (!same_job)
        return LOCK_BUSY;
    return kvStore_UpdateString(revision, fleet->locks, job->key, value, last) == NATS_OK ? LOCK_TAKEN : LOCK_BUSY;
}

/* ---- results ---- */

struct audit_summary {
    size_t pages, indexable, findings, failing, by_severity[SEVERITY_NEVER];
    bool interrupted, partial;
};

static void summarize(const struct audit_result *result, struct audit_summary *summary)
{
    *summary = (struct audit_summary){0};
    summary->pages = result->context.pages;
    summary->indexable = result->context.indexable;
    summary->findings = result->findings.count;
    for (size_t i = 0; i < result->findings.count; i++)
        summary->by_severity[rule_get(result->findings.items[i].rule)->severity]++;
    summary->failing = report_count_failing(&result->context, &result->findings);
    summary->interrupted = result->crawl.interrupted;
    summary->partial = result->context.partial != NULL;
}

/* The "done" marker's body: how to reassemble the chunks, and the audit's counts for collect. */
static char *marker_encode(const struct fleet_job *job, const char *worker, int attempt, const struct audit_summary *s,
                           size_t chunks, size_t size, size_t raw_size, uint32_t crc)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out)
        return NULL;
    struct json_writer w;
    json_writer_init(&w, out, false);
    json_begin_object(&w);
    json_key(&w, "origin");
    json_string(&w, job->origin);
    json_key(&w, "worker");
    json_string(&w, worker);
    json_key(&w, "attempt");
    json_int(&w, attempt);
    const struct {
        const char *name;
        size_t value;
    } counts[] = {{"chunks", chunks},
                  {"size", size},
                  {"raw_size", raw_size},
                  {"crc32", crc},
                  {"pages", s->pages},
                  {"indexable", s->indexable},
                  {"findings", s->findings},
                  {"errors", s->by_severity[SEVERITY_ERROR]},
                  {"warnings", s->by_severity[SEVERITY_WARNING]},
                  {"notices", s->by_severity[SEVERITY_NOTICE]},
                  {"failing", s->failing}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        json_key(&w, counts[i].name);
        json_uint(&w, counts[i].value);
    }
    json_key(&w, "partial");
    json_bool(&w, s->partial);
    json_end_object(&w);
    int rc = json_writer_finish(&w);
    if (fclose(out) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* A chunk's bytes: the server's max_payload less room for the subject and headers. */
static size_t chunk_size(const struct fleet *fleet)
{
    return fleet->max_payload > CHUNK_HEADROOM * 2 ? (size_t)(fleet->max_payload - CHUNK_HEADROOM) : CHUNK_HEADROOM;
}

/* Publish with retries: a stream whose leader is being re-elected answers again within seconds. */
static natsStatus publish_retrying(struct fleet *fleet, const char *subject, const void *data, size_t length,
                                   jsErrCode *code)
{
    natsStatus s = NATS_ERR;
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.ExpectStream = FLEET_RESULTS_STREAM;
    for (int attempt = 0; attempt < FLEET_TRIES; attempt++) {
        jsPubAck *ack = NULL;
        *code = 0;
        s = js_Publish(&ack, fleet->js, subject, data, (int)length, &options, code);
        jsPubAck_Destroy(ack);
        if (s == NATS_OK)
            return s;
        sleep(1);
    }
    return s;
}

static int publish_result(struct fleet *fleet, const struct fleet_job *job, const char *result_id,
                          const struct buf *blob, const char *marker, char *error, size_t error_size)
{
    size_t chunk = chunk_size(fleet);
    char subject[512];
    jsErrCode code = 0;
    for (size_t at = 0, n = 0; at < blob->len || (n == 0 && blob->len == 0); at += chunk, n++) {
        size_t length = blob->len - at < chunk ? blob->len - at : chunk;
        snprintf(subject, sizeof subject, FLEET_RESULTS_SUBJECT ".%s.%s.%s.%zu", job->run, job->key, result_id, n);
        natsStatus s = publish_retrying(fleet, subject, blob->data ? blob->data + at : "", length, &code);
        if (s != NATS_OK)
            return fleet_nats_error(s, code, "cannot publish the result", error, error_size);
        if (blob->len == 0)
            break;
    }
    snprintf(subject, sizeof subject, FLEET_RESULTS_SUBJECT ".%s.%s.%s.done", job->run, job->key, result_id);
    natsStatus s = publish_retrying(fleet, subject, marker, strlen(marker), &code);
    return s == NATS_OK ? CP_OK : fleet_nats_error(s, code, "cannot publish the result", error, error_size);
}

/* Pack the audit folder and publish it; the result's id goes to *result_id. */
static int ship_result(struct fleet *fleet, const struct fleet_job *job, const char *worker, int attempt,
                       const char *dir, const struct audit_result *result, char result_id[40], char *error,
                       size_t error_size)
{
    struct buf blob = BUF_INIT;
    size_t raw_size = 0;
    int rc = fleet_archive_pack(dir, FLEET_RESULT_MAX, &blob, &raw_size, error, error_size);
    if (rc != CP_OK)
        return rc;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(result_id, 40, "%08lx%08lx%04x", (unsigned long)now.tv_sec, (unsigned long)now.tv_nsec,
             (unsigned)getpid() & 0xffffu);
    size_t chunk = chunk_size(fleet);
    size_t chunks = blob.len ? (blob.len + chunk - 1) / chunk : 1;
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)blob.data, (uInt)blob.len);
    struct audit_summary summary;
    summarize(result, &summary);
    char *marker = marker_encode(job, worker, attempt, &summary, chunks, blob.len, raw_size, crc);
    rc = marker ? publish_result(fleet, job, result_id, &blob, marker, error, error_size) : CP_ERR_NOMEM;
    free(marker);
    buf_free(&blob);
    return rc;
}

/* ---- one job ---- */

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

struct run_context {
    struct fleet *fleet;
    const struct fleet_worker_options *options;
    const struct fleet_auditor *auditor;
    struct fleet_worker_stats *stats;
    int64_t ack_wait_ms;
};

/* What class of failure a failed audit is, for the status: the start page's network error
 * ("connect", "dns", "tls", "timeout"), "blocked", "options", or "runtime". */
static const char *error_class(const struct audit_result *result, bool prepared)
{
    static char network[32];
    if (!prepared || result->input_error)
        return "options";
    if (result->crawled && result->crawl.start_outcome == CRAWL_START_BLOCKED)
        return "blocked";
    const char *problem = result->crawled ? result->crawl.start_problem : NULL;
    if (result->crawled && result->crawl.start_outcome == CRAWL_START_UNREACHABLE && problem) {
        size_t length = strcspn(problem, ":");
        snprintf(network, sizeof network, "%.*s", (int)(length < 31 ? length : 31), problem);
        return network;
    }
    return "runtime";
}

static void log_job(const struct run_context *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_job(const struct run_context *ctx, const char *fmt, ...)
{
    if (!ctx->options->log)
        return;
    va_list args;
    va_start(args, fmt);
    fputs("crawlpack fleet: ", ctx->options->log);
    vfprintf(ctx->options->log, fmt, args);
    fputc('\n', ctx->options->log);
    fflush(ctx->options->log);
    va_end(args);
}

/* The record written when a job's state changes (st keeps the job's strings). */
static void status_for(const struct fleet_job *job, struct fleet_job_status *st, enum fleet_state state,
                       const char *worker, int attempts, char since[32])
{
    fleet_now(since);
    *st = (struct fleet_job_status){.run = (char *)job->run,
                                    .key = (char *)job->key,
                                    .origin = (char *)job->origin,
                                    .start = (char *)job->start,
                                    .state = state,
                                    .worker = (char *)worker,
                                    .since = since,
                                    .attempts = attempts,
                                    .max_attempts = job->max_attempts};
}

struct attempt {
    int status;        /* audit_run's, or prepare's */
    double started_ms; /* when the job arrived */
    double audit_ms;   /* audit_run's wall time: the rest of the job's time is the fleet's */
    bool lock_lost;    /* another worker took the origin's lock over: not ours to delete */
    bool prepared;
    struct audit_result result;
    char error[1024];
    char dir[4096];
};

/* Run the audit in a fresh folder with the heartbeat beating. */
static void run_audit(struct run_context *ctx, const struct fleet_job *job, natsMsg *msg, const char *lock_value,
                      uint64_t lock_revision, struct attempt *a)
{
    const char *tmp = ctx->options->work_dir ? ctx->options->work_dir : getenv("TMPDIR");
    snprintf(a->dir, sizeof a->dir, "%s/crawlpack-fleet-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    memset(&a->result, 0, sizeof a->result);
    if (!mkdtemp(a->dir)) {
        snprintf(a->error, sizeof a->error, "cannot create a folder in %s: %s", tmp, strerror(errno));
        a->dir[0] = '\0';
        a->status = CP_ERR_IO;
        a->prepared = true;
        return;
    }
    struct audit_request request;
    void *state = NULL;
    a->status = ctx->auditor->prepare(ctx->auditor->context, job->start, job->args, job->arg_count, a->dir, &request,
                                      &state, a->error, sizeof a->error);
    a->prepared = a->status == CP_OK;
    if (!a->prepared)
        return;
    struct heartbeat h = {.fleet = ctx->fleet,
                          .msg = msg,
                          .lock_key = job->key,
                          .lock_value = lock_value,
                          .lock_revision = lock_revision,
                          .interval_ms = ctx->ack_wait_ms / 3};
    bool beating = heartbeat_start(&h) == CP_OK;
    double audit_start = now_ms();
    a->status = audit_run(&request, &a->result, a->error, sizeof a->error);
    a->audit_ms = now_ms() - audit_start;
    if (beating)
        heartbeat_stop(&h);
    a->lock_lost = h.lock_lost;
    ctx->auditor->release(state);
}

/* A stop (SIGTERM) during the audit: give the job back at once, the attempt not counted. */
static void release_job(struct run_context *ctx, const struct fleet_job *job, natsMsg *msg, int attempts)
{
    char since[32];
    struct fleet_job_status st;
    status_for(job, &st, FLEET_QUEUED, NULL, attempts, since);
    st.error = "released by a stopping worker";
    fleet_status_put(ctx->fleet, &st, NULL, 0);
    natsMsg_Nak(msg, NULL);
    ctx->stats->released++;
    log_job(ctx, "released %s (stopping)", job->origin);
}

static void finish_failed(struct run_context *ctx, const struct fleet_job *job, natsMsg *msg, int attempt,
                          const char *class, const char *message)
{
    char since[32];
    struct fleet_job_status st;
    bool final = attempt >= job->max_attempts;
    status_for(job, &st, final ? FLEET_FAILED : FLEET_QUEUED, ctx->options->name, attempt, since);
    st.error_class = (char *)class;
    st.error = (char *)message;
    fleet_status_put(ctx->fleet, &st, NULL, 0);
    if (final) {
        natsMsg_Term(msg, NULL);
        ctx->stats->failed++;
        log_job(ctx, "failed %s after %d attempt%s: %s: %s", job->origin, attempt, attempt == 1 ? "" : "s", class,
                message);
    } else {
        /* a little later each time: an origin that is down for a moment gets that moment */
        natsMsg_NakWithDelay(msg, (int64_t)attempt * 1000, NULL);
        ctx->stats->retried++;
        log_job(ctx, "attempt %d of %s failed (%s: %s); retrying", attempt, job->origin, class, message);
    }
}

static void finish_done(struct run_context *ctx, const struct fleet_job *job, natsMsg *msg, int attempt,
                        struct attempt *a)
{
    char result_id[40], error[512], since[32];
    if (ship_result(ctx->fleet, job, ctx->options->name, attempt, a->dir, &a->result, result_id, error, sizeof error) !=
        CP_OK) {
        finish_failed(ctx, job, msg, attempt, "publish", error);
        return;
    }
    struct fleet_job_status st;
    status_for(job, &st, FLEET_DONE, ctx->options->name, attempt, since);
    st.result = result_id;
    if (fleet_status_put(ctx->fleet, &st, error, sizeof error) != CP_OK) {
        /* unrecorded, the result would be invisible to collect: keep the job, redo it later */
        natsMsg_NakWithDelay(msg, ctx->ack_wait_ms, NULL);
        ctx->stats->retried++;
        log_job(ctx, "could not record %s as done (%s); it goes back to the queue", job->origin, error);
        return;
    }
    /* Only now is the job gone from the queue: a crash before this line redelivers it, and collect
     * reads the result the status names, so a second completion is harmless. */
    natsMsg_AckSync(msg, NULL, NULL);
    ctx->stats->done++;
    double total_ms = now_ms() - a->started_ms;
    log_job(ctx, "done %s (%zu findings, attempt %d; audit %.0f ms, fleet %.0f ms)", job->origin,
            a->result.findings.count, attempt, a->audit_ms, total_ms - a->audit_ms);
}

/* A job already settled (done or failed) or out of attempts: no audit. True when handled here. */
static bool settle_known(struct run_context *ctx, const struct fleet_job *job, natsMsg *msg, int *attempts)
{
    struct fleet_job_status known;
    *attempts = 0;
    int got = fleet_status_get(ctx->fleet, job->run, job->key, &known, NULL, 0);
    if (got == CP_ERR_NETWORK) {
        natsMsg_NakWithDelay(msg, 1000, NULL); /* cannot tell whether it is finished: later */
        return true;
    }
    if (got != CP_OK)
        return false;
    bool settled = known.state == FLEET_DONE || known.state == FLEET_FAILED;
    *attempts = known.attempts;
    if (!settled && known.attempts >= job->max_attempts) {
        /* every attempt started and none ended: the workers running it died (a crash, an OOM kill) */
        char message[256];
        snprintf(message, sizeof message, "%d attempt%s started and never finished (the worker died)", known.attempts,
                 known.attempts == 1 ? "" : "s");
        finish_failed(ctx, job, msg, known.attempts, known.error_class ? known.error_class : "worker-lost", message);
    } else if (settled) {
        natsMsg_AckSync(msg, NULL, NULL); /* a duplicate delivery of a finished job */
    }
    fleet_job_status_free(&known);
    return settled || *attempts >= job->max_attempts;
}

static void handle_job(struct run_context *ctx, natsMsg *msg)
{
    double started_ms = now_ms();
    struct fleet_job job;
    if (fleet_job_decode(natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), &job) != CP_OK) {
        log_job(ctx, "dropped a message that is not a crawlpack job (%s)", natsMsg_GetSubject(msg));
        natsMsg_Term(msg, NULL);
        fleet_job_free(&job);
        return;
    }
    int attempts;
    if (settle_known(ctx, &job, msg, &attempts)) {
        fleet_job_free(&job);
        return;
    }
    char lock_value[FLEET_RUN_MAX + FLEET_KEY_MAX + 300];
    uint64_t revision = 0;
    snprintf(lock_value, sizeof lock_value, "%s.%s %s", job.run, job.key, ctx->options->name);
    enum lock_outcome lock = lock_take(ctx->fleet, &job, lock_value, &revision);
    if (lock != LOCK_TAKEN) {
        /* another run is auditing this origin (politeness), or NATS is failing over: later */
        natsMsg_NakWithDelay(msg, ctx->ack_wait_ms, NULL);
        fleet_job_free(&job);
        return;
    }
    int attempt = attempts + 1;
    bool lock_lost = false;
    char since[32];
    struct fleet_job_status st;
    status_for(&job, &st, FLEET_RUNNING, ctx->options->name, attempt, since);
    fleet_status_put(ctx->fleet, &st, NULL, 0);
    log_job(ctx, "auditing %s (attempt %d of %d)", job.origin, attempt, job.max_attempts);
    struct attempt *a = calloc(1, sizeof *a);
    if (!a) {
        natsMsg_Nak(msg, NULL);
    } else {
        a->started_ms = started_ms;
        run_audit(ctx, &job, msg, lock_value, revision, a);
        if (*ctx->options->stop_flag)
            release_job(ctx, &job, msg, attempts);
        else if (a->status == CP_OK)
            finish_done(ctx, &job, msg, attempt, a);
        else
            finish_failed(ctx, &job, msg, attempt, error_class(&a->result, a->prepared),
                          a->error[0] ? a->error : cp_strerror(a->status));
        if (a->prepared && a->dir[0])
            audit_result_free(&a->result);
        if (a->dir[0])
            nftw(a->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        lock_lost = a->lock_lost;
        free(a);
    }
    if (!lock_lost)
        kvStore_Delete(ctx->fleet->locks, job.key); /* the next job for this origin need not wait for the TTL */
    fleet_job_free(&job);
}

/* ---- the loop ---- */

static int bind_consumer(struct fleet *fleet, natsSubscription **sub, int64_t *ack_wait_ms, char *error,
                         size_t error_size)
{
    jsConsumerInfo *info = NULL;
    jsErrCode code = 0;
    natsStatus s = js_GetConsumerInfo(&info, fleet->js, FLEET_JOBS_STREAM, FLEET_JOBS_CONSUMER, NULL, &code);
    if (s != NATS_OK)
        return fleet_nats_error(s, code, "cannot find the fleet's job consumer", error, error_size);
    *ack_wait_ms = info->Config->AckWait / 1000000;
    jsConsumerInfo_Destroy(info);
    if (*ack_wait_ms < 300)
        *ack_wait_ms = 300;
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = FLEET_JOBS_STREAM;
    options.Consumer = FLEET_JOBS_CONSUMER;
    s = js_PullSubscribe(sub, fleet->js, FLEET_JOBS_SUBJECT ".>", FLEET_JOBS_CONSUMER, NULL, &options, &code);
    return s == NATS_OK ? CP_OK : fleet_nats_error(s, code, "cannot subscribe to the job queue", error, error_size);
}

int fleet_worker_run(struct fleet *fleet, const struct fleet_worker_options *options,
                     const struct fleet_auditor *auditor, struct fleet_worker_stats *stats, char *error,
                     size_t error_size)
{
    *stats = (struct fleet_worker_stats){0};
    struct run_context ctx = {fleet, options, auditor, stats, 0};
    natsSubscription *sub = NULL;
    int rc = fleet_open_buckets(fleet, error, error_size);
    if (rc == CP_OK)
        rc = bind_consumer(fleet, &sub, &ctx.ack_wait_ms, error, error_size);
    if (rc != CP_OK)
        return rc;
    long handled = 0;
    while (!*options->stop_flag && (options->max_jobs == 0 || handled < options->max_jobs)) {
        natsMsgList list = {0};
        jsErrCode code = 0;
        natsStatus s = natsSubscription_Fetch(&list, sub, 1, FETCH_WAIT_MS, &code);
        if (s == NATS_OK && list.Count == 1) {
            handle_job(&ctx, list.Msgs[0]);
            handled++;
        } else if (s != NATS_OK && s != NATS_TIMEOUT) {
            usleep(200000); /* the connection is failing over: the client reconnects by itself */
        }
        natsMsgList_Destroy(&list);
    }
    natsSubscription_Destroy(sub);
    return *options->stop_flag ? CP_ERR_INTERRUPTED : CP_OK;
}
