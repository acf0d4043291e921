/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/fleet: the connection, the streams and buckets, job keys and the status record. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/json_write.h"
#include "fleet/fleet_internal.h"
#include "web/url.h"

static int fail(char *error, size_t error_size, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *error, size_t error_size, int status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (error && error_size)
        vsnprintf(error, error_size, fmt, args);
    va_end(args);
    return status;
}

int fleet_nats_error(natsStatus status, jsErrCode code, const char *what, char *error, size_t error_size)
{
    const char *text = nats_GetLastError(NULL);
    if (!text || !*text)
        text = natsStatus_GetText(status);
    if (code)
        return fail(error, error_size, CP_ERR_NETWORK, "%s: %s (JetStream error %d)", what, text, (int)code);
    return fail(error, error_size, CP_ERR_NETWORK, "%s: %s", what, text);
}

char *fleet_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

void fleet_now(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- names ---- */

bool fleet_run_name_valid(const char *name)
{
    size_t length = strlen(name);
    if (length == 0 || length >= FLEET_RUN_MAX)
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == length;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Append text to key as key bytes; true when a byte had to be replaced. */
static bool key_append(char *key, size_t *at, const char *text, size_t length)
{
    bool replaced = false;
    for (size_t i = 0; i < length && *at + 1 < FLEET_KEY_MAX - 10; i++) {
        char c = text[i];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        replaced |= !plain;
        key[(*at)++] = plain ? c : '_';
    }
    key[*at] = '\0';
    return replaced;
}

int fleet_origin_key(const char *text, char *origin, size_t origin_size, char key[FLEET_KEY_MAX])
{
    struct url url;
    if (url_parse_str(text, NULL, &url) != URL_OK)
        return CP_ERR_INVALID;
    int rc = CP_OK;
    if ((url.scheme != URL_SCHEME_HTTP && url.scheme != URL_SCHEME_HTTPS) ||
        url_origin(&url, origin, origin_size) < 0 || url.hostname.length + 16 >= FLEET_KEY_MAX - 10) {
        rc = CP_ERR_INVALID;
    } else {
        size_t at = 0;
        const char *scheme = url.scheme == URL_SCHEME_HTTPS ? "https_" : "http_";
        key_append(key, &at, scheme, strlen(scheme));
        bool replaced = key_append(key, &at, url_part_start(&url, url.hostname), url.hostname.length);
        if (url.port_text.length) {
            key_append(key, &at, "_", 1);
            key_append(key, &at, url_part_start(&url, url.port_text), url.port_text.length);
        }
        /* '.' may not end a key; a replaced byte could make two hosts meet: the hash keeps them apart */
        if (replaced || key[at - 1] == '.')
            snprintf(key + at, FLEET_KEY_MAX - at, "-%08x", fnv1a(origin));
    }
    url_free(&url);
    return rc;
}

/* ---- connection and setup ---- */

#define FLEET_SERVERS_MAX 32

int fleet_connect(const char *url, const char *name, struct fleet **out, char *error, size_t error_size)
{
    struct fleet *fleet = calloc(1, sizeof *fleet);
    natsOptions *options = NULL;
    if (!fleet)
        return CP_ERR_NOMEM;
    /* "a,b,c": each server of the cluster, tried in turn */
    char list[4096];
    const char *servers[FLEET_SERVERS_MAX];
    int count = 0;
    snprintf(list, sizeof list, "%s", url);
    for (char *save = NULL, *one = strtok_r(list, ", ", &save); one && count < FLEET_SERVERS_MAX;
         one = strtok_r(NULL, ", ", &save))
        servers[count++] = one;
    natsStatus s = natsOptions_Create(&options);
    if (s == NATS_OK)
        s = count ? natsOptions_SetServers(options, servers, count) : NATS_INVALID_ARG;
    if (s == NATS_OK)
        s = natsOptions_SetName(options, name);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(options, FLEET_REQUEST_TIMEOUT_MS);
    /* A node of the cluster going away is routine: fail over to the others, for as long as it takes. */
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(options, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(options, 250);
    if (s == NATS_OK)
        s = natsConnection_Connect(&fleet->nc, options);
    natsOptions_Destroy(options);
    if (s != NATS_OK) {
        free(fleet);
        char what[600];
        snprintf(what, sizeof what, "cannot connect to NATS at %s", url);
        return fleet_nats_error(s, 0, what, error, error_size);
    }
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = FLEET_REQUEST_TIMEOUT_MS;
    s = natsConnection_JetStream(&fleet->js, fleet->nc, &js_options);
    if (s != NATS_OK) {
        fleet_close(fleet);
        return fleet_nats_error(s, 0, "cannot use JetStream", error, error_size);
    }
    fleet->max_payload = natsConnection_GetMaxPayload(fleet->nc);
    *out = fleet;
    return CP_OK;
}

void fleet_close(struct fleet *fleet)
{
    if (!fleet)
        return;
    if (fleet->status)
        kvStore_Destroy(fleet->status);
    if (fleet->locks)
        kvStore_Destroy(fleet->locks);
    if (fleet->js)
        jsCtx_Destroy(fleet->js);
    if (fleet->nc) {
        natsConnection_FlushTimeout(fleet->nc, 2000);
        natsConnection_Destroy(fleet->nc);
    }
    free(fleet);
}

/* Creating a replicated stream waits for its peers to elect a leader: a busy cluster can take
 * longer than an ordinary request, so creations wait this long and are tried FLEET_TRIES times. */
#define FLEET_CREATE_WAIT_MS 20000

static void create_options(jsOptions *options)
{
    jsOptions_Init(options);
    options->Wait = FLEET_CREATE_WAIT_MS;
}

/* Create a stream unless it exists; a single server refuses replicas, which then fall back to 1.
 * A creation that timed out may still have happened: each try looks first. */
static int ensure_stream(struct fleet *fleet, jsStreamConfig *config, int replicas, char *error, size_t error_size)
{
    jsOptions options;
    create_options(&options);
    config->Replicas = replicas ? replicas : 3;
    natsStatus s = NATS_ERR;
    jsErrCode code = 0;
    bool fell_back = false;
    for (int attempt = 0; attempt < FLEET_TRIES; attempt++) {
        jsStreamInfo *info = NULL;
        if (attempt && !fell_back)
            sleep(1);
        fell_back = false;
        code = 0;
        if (js_GetStreamInfo(&info, fleet->js, config->Name, &options, &code) == NATS_OK) {
            jsStreamInfo_Destroy(info);
            return CP_OK;
        }
        code = 0;
        s = js_AddStream(&info, fleet->js, config, &options, &code);
        jsStreamInfo_Destroy(info);
        if (s == NATS_OK || code == JSStreamNameExistErr) /* or another submit or worker made it first */
            return CP_OK;
        if (!replicas && code == JSStreamReplicasNotSupportedErr && config->Replicas != 1)
            config->Replicas = 1, fell_back = true; /* a single server: try again at once */
    }
    char what[200];
    snprintf(what, sizeof what, "cannot create the stream %s", config->Name);
    return fleet_nats_error(s, code, what, error, error_size);
}

static int ensure_consumer(struct fleet *fleet, int ack_wait_s, char *error, size_t error_size)
{
    jsConsumerConfig config;
    jsConsumerConfig_Init(&config);
    config.Durable = FLEET_JOBS_CONSUMER;
    config.AckPolicy = js_AckExplicit;
    config.AckWait = (int64_t)ack_wait_s * 1000000000LL;
    /* Retries are counted in the job's status (attempts), not here: a job refused because another
     * run holds its origin's lock is redelivered without using up an attempt. */
    config.MaxDeliver = -1;
    config.MaxAckPending = 10000;
    jsOptions options;
    create_options(&options);
    natsStatus s = NATS_ERR;
    jsErrCode code = 0;
    for (int attempt = 0; attempt < FLEET_TRIES; attempt++) {
        jsConsumerInfo *info = NULL;
        if (attempt)
            sleep(1);
        code = 0;
        if (js_GetConsumerInfo(&info, fleet->js, FLEET_JOBS_STREAM, FLEET_JOBS_CONSUMER, &options, &code) == NATS_OK) {
            jsConsumerInfo_Destroy(info);
            return CP_OK;
        }
        code = 0;
        s = js_AddConsumer(&info, fleet->js, FLEET_JOBS_STREAM, &config, &options, &code);
        jsConsumerInfo_Destroy(info);
        if (s == NATS_OK || code == JSConsumerNameExistErr)
            return CP_OK;
    }
    return fleet_nats_error(s, code, "cannot create the consumer " FLEET_JOBS_CONSUMER, error, error_size);
}

static int ensure_bucket(struct fleet *fleet, const char *bucket, int64_t ttl_ns, int replicas, char *error,
                         size_t error_size)
{
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = bucket;
    config.History = 1;
    config.TTL = ttl_ns;
    config.Replicas = replicas ? replicas : 3;
    natsStatus s = NATS_ERR;
    bool fell_back = false;
    for (int attempt = 0; attempt < FLEET_TRIES; attempt++) {
        kvStore *kv = NULL;
        if (attempt && !fell_back)
            sleep(1);
        fell_back = false;
        if (js_KeyValue(&kv, fleet->js, bucket) == NATS_OK) { /* exists (made by us or meanwhile) */
            kvStore_Destroy(kv);
            return CP_OK;
        }
        s = js_CreateKeyValue(&kv, fleet->js, &config);
        kvStore_Destroy(kv);
        if (s == NATS_OK)
            return CP_OK;
        const char *why = nats_GetLastError(NULL);
        if (!replicas && why && strstr(why, "replicas") != NULL && config.Replicas != 1)
            config.Replicas = 1, fell_back = true; /* a single server: try again at once */
    }
    char what[200];
    snprintf(what, sizeof what, "cannot create the key-value bucket %s", bucket);
    return fleet_nats_error(s, 0, what, error, error_size);
}

int fleet_ensure(struct fleet *fleet, const struct fleet_setup *setup, char *error, size_t error_size)
{
    int ack_wait_s = setup && setup->ack_wait_s > 0 ? setup->ack_wait_s : FLEET_DEFAULT_ACK_WAIT_S;
    int replicas = setup ? setup->replicas : 0;
    const char *job_subjects[] = {FLEET_JOBS_SUBJECT ".>"};
    const char *result_subjects[] = {FLEET_RESULTS_SUBJECT ".>"};
    jsStreamConfig jobs, results;
    jsStreamConfig_Init(&jobs);
    jobs.Name = FLEET_JOBS_STREAM;
    jobs.Subjects = job_subjects;
    jobs.SubjectsLen = 1;
    jobs.Retention = js_WorkQueuePolicy;
    jobs.Duplicates = 10LL * 60 * 1000000000LL; /* a resubmitted list within 10 minutes is one job */
    jobs.MaxMsgSize = FLEET_JOB_MAX;
    jsStreamConfig_Init(&results);
    results.Name = FLEET_RESULTS_STREAM;
    results.Subjects = result_subjects;
    results.SubjectsLen = 1;
    results.MaxMsgsPerSubject = 1; /* a chunk republished replaces itself */
    int rc = ensure_stream(fleet, &jobs, replicas, error, error_size);
    if (rc == CP_OK)
        rc = ensure_stream(fleet, &results, replicas, error, error_size);
    if (rc == CP_OK)
        rc = ensure_consumer(fleet, ack_wait_s, error, error_size);
    if (rc == CP_OK)
        rc = ensure_bucket(fleet, FLEET_STATUS_BUCKET, 0, replicas, error, error_size);
    if (rc == CP_OK)
        rc = ensure_bucket(fleet, FLEET_LOCKS_BUCKET, (int64_t)ack_wait_s * 1000000000LL, replicas, error, error_size);
    return rc == CP_OK ? fleet_open_buckets(fleet, error, error_size) : rc;
}

int fleet_open_buckets(struct fleet *fleet, char *error, size_t error_size)
{
    natsStatus s = NATS_ERR;
    /* A bucket's stream without a leader for a moment (a node went away) answers a retry. */
    for (int attempt = 0; attempt < FLEET_TRIES && s != NATS_OK; attempt++) {
        if (attempt)
            sleep(1);
        s = NATS_OK;
        if (!fleet->status)
            s = js_KeyValue(&fleet->status, fleet->js, FLEET_STATUS_BUCKET);
        if (s == NATS_OK && !fleet->locks)
            s = js_KeyValue(&fleet->locks, fleet->js, FLEET_LOCKS_BUCKET);
        if (s == NATS_NOT_FOUND)
            break;
    }
    if (s != NATS_OK)
        return fleet_nats_error(s, 0, "no fleet on this NATS (nothing submitted yet?)", error, error_size);
    return CP_OK;
}

/* ---- the status record ---- */

const char *const fleet_state_names[4] = {"queued", "running", "done", "failed"};

const char *fleet_state_name(enum fleet_state state)
{
    return fleet_state_names[state];
}

static void key_string(struct json_writer *w, const char *key, const char *value)
{
    if (value) {
        json_key(w, key);
        json_string(w, value);
    }
}

char *fleet_status_encode(const struct fleet_job_status *st)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out)
        return NULL;
    struct json_writer w;
    json_writer_init(&w, out, false);
    json_begin_object(&w);
    key_string(&w, "origin", st->origin);
    key_string(&w, "start", st->start);
    key_string(&w, "state", fleet_state_name(st->state));
    key_string(&w, "worker", st->worker);
    key_string(&w, "since", st->since);
    json_key(&w, "attempts");
    json_int(&w, st->attempts);
    json_key(&w, "max_attempts");
    json_int(&w, st->max_attempts);
    key_string(&w, "error_class", st->error_class);
    key_string(&w, "error", st->error);
    key_string(&w, "result", st->result);
    json_end_object(&w);
    int rc = json_writer_finish(&w);
    if (fclose(out) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}

void fleet_job_status_free(struct fleet_job_status *st)
{
    free(st->run);
    free(st->key);
    free(st->origin);
    free(st->start);
    free(st->worker);
    free(st->since);
    free(st->error_class);
    free(st->error);
    free(st->result);
    *st = (struct fleet_job_status){0};
}

int fleet_status_put(struct fleet *fleet, const struct fleet_job_status *st, char *error, size_t error_size)
{
    char *json = fleet_status_encode(st);
    char key[FLEET_RUN_MAX + FLEET_KEY_MAX + 2];
    if (!json)
        return CP_ERR_NOMEM;
    snprintf(key, sizeof key, "%s.%s", st->run, st->key);
    natsStatus s = NATS_ERR;
    /* A put is whole and idempotent: retried through a leader election or a reconnect. */
    for (int attempt = 0; attempt < FLEET_TRIES && s != NATS_OK; attempt++) {
        if (attempt)
            sleep(1);
        s = kvStore_PutString(NULL, fleet->status, key, json);
    }
    free(json);
    return s == NATS_OK ? CP_OK : fleet_nats_error(s, 0, "cannot write the job's status", error, error_size);
}

int fleet_status_get(struct fleet *fleet, const char *run, const char *key, struct fleet_job_status *st, char *error,
                     size_t error_size)
{
    char name[FLEET_RUN_MAX + FLEET_KEY_MAX + 2];
    snprintf(name, sizeof name, "%s.%s", run, key);
    kvEntry *entry = NULL;
    natsStatus s = NATS_ERR;
    for (int attempt = 0; attempt < FLEET_TRIES && s != NATS_OK && s != NATS_NOT_FOUND; attempt++) {
        if (attempt)
            sleep(1);
        s = kvStore_Get(&entry, fleet->status, name);
    }
    if (s == NATS_NOT_FOUND)
        return CP_ERR_INVALID;
    if (s != NATS_OK)
        return fleet_nats_error(s, 0, "cannot read the job's status", error, error_size);
    int rc = fleet_status_decode(name, kvEntry_Value(entry), (size_t)kvEntry_ValueLen(entry), st);
    kvEntry_Destroy(entry);
    if (rc != CP_OK)
        return fail(error, error_size, rc, "the status of %s is not a crawlpack record", name);
    return CP_OK;
}
