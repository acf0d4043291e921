/* SPDX-License-Identifier: Apache-2.0 */
/* audit/store_rows: the end-of-run store rows on a thread of their own (see audit/store_rows.h). */
#include "audit/store_rows.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/mailbox.h"
#include "crawler/crawl_output.h"
#include "store/store.h"

struct store_rows_job {
    struct store *store;
    const struct crawl_result *crawl;
    bool graph;
    pthread_t thread;
    bool threaded;
    struct mailbox findings; /* the final finding_list (NULL: none to write) */
    int status;
};

static int write_graph(struct store_rows_job *job)
{
    if (!job->graph)
        return CP_OK;
    crawl_output_store_graph(job->store, job->crawl);
    return store_results_commit(job->store);
}

static int write_findings(struct store_rows_job *job, const struct finding_list *findings)
{
    if (job->status != CP_OK || !findings)
        return job->status;
    int status = store_put_findings(job->store, findings);
    return status == CP_OK ? store_results_commit(job->store) : status;
}

static void *job_main(void *arg)
{
    struct store_rows_job *job = arg;
    job->status = write_graph(job);
    job->status = write_findings(job, mailbox_wait(&job->findings));
    return NULL;
}

int store_rows_start(struct store *store, const struct crawl_result *crawl, bool graph, struct store_rows_job **out)
{
    struct store_rows_job *job = *out = calloc(1, sizeof *job);
    if (!job)
        return CP_ERR_NOMEM;
    *job = (struct store_rows_job){.store = store, .crawl = crawl, .graph = graph, .status = CP_OK};
    mailbox_init(&job->findings);
    job->threaded = pthread_create(&job->thread, NULL, job_main, job) == 0;
    if (!job->threaded)
        job->status = write_graph(job);
    return CP_OK;
}

void store_rows_hand(struct store_rows_job *job, const struct finding_list *findings)
{
    if (job->threaded)
        mailbox_post(&job->findings, findings);
    else
        job->status = write_findings(job, findings);
}

int store_rows_finish(struct store_rows_job *job, char *error, size_t error_size)
{
    if (!job)
        return CP_OK;
    if (job->threaded) {
        mailbox_post(&job->findings, NULL); /* nothing handed over yet: no findings to write */
        pthread_join(job->thread, NULL);
    }
    int status = job->status == CP_OK ? CP_OK : CP_ERR_IO;
    if (status != CP_OK)
        snprintf(error, error_size, "%s", store_error(job->store));
    mailbox_destroy(&job->findings);
    free(job);
    return status;
}
