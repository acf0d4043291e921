/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_html: the page of report.html and what it derives once (see report_html.h). */
#include "reports/report_html.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/html_escape.h"
#include "common/mailbox.h"
#include "common/out_file.h"
#include "findings/cause.h"
#include "reports/crawl_data.h"
#include "reports/report_html_internal.h"
#include "store/store_history.h"

/* Nothing external: no request can leave the file, whatever a crawled string smuggles in. */
#define REPORT_CSP                                                                                                \
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
    "form-action 'none'"

const char *report_section(const char *url, size_t *length)
{
    size_t origin = finding_url_origin_length(url);
    const char *path = url + origin;
    if (!origin || path[0] != '/') {
        *length = 1;
        return "/";
    }
    size_t segment = strcspn(path + 1, "/?#");
    if (path[1 + segment] != '/') { /* a page at the root: /about, /?q */
        *length = 1;
        return "/";
    }
    *length = segment + 2;
    return path;
}

/* In scope and fetched: what findings.json's summary.pages counts. */
static bool page_crawled(const struct crawl_page *p)
{
    if (p->not_indexable_reasons && strstr(p->not_indexable_reasons, "out-of-scope"))
        return false;
    return !crawl_page_is_not_fetched(p) && !crawl_page_is_blocked(p);
}

int report_facts_build(const struct crawl_data *data, struct report_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    facts->data = data;
    facts->crawled = calloc(data->page_count ? data->page_count : 1, sizeof *facts->crawled);
    if (!facts->crawled)
        return CP_ERR_NOMEM;
    size_t indexable = 0;
    for (size_t i = 0; i < data->page_count; i++) {
        facts->crawled[i] = page_crawled(&data->pages[i]);
        facts->crawled_count += facts->crawled[i];
        indexable += facts->crawled[i] && crawl_page_is_indexable(&data->pages[i]);
    }
    facts->pages = data->pages_reported >= 0 ? (size_t)data->pages_reported : facts->crawled_count;
    facts->indexable = data->indexable_reported >= 0 ? (size_t)data->indexable_reported : indexable;
    for (size_t i = 0; i < data->findings.count; i++) {
        const struct rule *rule = rule_get(data->findings.items[i].rule);
        facts->by_rule[rule->symbol]++;
        facts->by_severity[rule->severity]++;
    }
    const char *start = data->start_url ? data->start_url : data->page_count ? data->pages[0].url : "";
    facts->origin = start;
    facts->origin_length = finding_url_origin_length(start);
    return CP_OK;
}

void report_facts_free(struct report_facts *facts)
{
    free(facts->crawled);
    facts->crawled = NULL;
}

static void write_head(FILE *out, const struct crawl_data *data)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"" REPORT_CSP "\">\n"
          "<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>crawlpack report",
          out);
    if (data->start_url) {
        fputs(": ", out);
        html_escape_n(out, data->start_url, strlen(data->start_url), 200);
    }
    fprintf(out, "</title>\n<style>%s</style></head>\n", report_html_css);
}

static void write_header(FILE *out, const struct crawl_data *data)
{
    fputs("<body><header><h1>crawlpack report</h1><p class=\"run\">", out);
    if (data->start_url) {
        fputs("<span id=\"start-url\">", out);
        html_escape_n(out, data->start_url, strlen(data->start_url), 2048);
        fputs("</span> ", out);
    }
    if (data->started_at) {
        fputs("&middot; started ", out);
        html_escape(out, data->started_at);
    }
    if (data->run_id) {
        fputs(" &middot; run ", out);
        html_escape(out, data->run_id);
    }
    fputs("</p>", out);
    if (data->partial) {
        fputs("<p class=\"partial\" id=\"partial\">Partial crawl: ", out);
        html_escape_n(out, data->partial, strlen(data->partial), 2048);
        fputs("</p>", out);
    }
    fputs("<nav><a href=\"#overview\">Overview</a><a href=\"#findings\">Findings</a>"
          "<a href=\"#explorer\">URL explorer</a><a href=\"#trends\">Trends</a></nav></header>\n<main>\n",
          out);
}

/* The findings and explorer sections are filled by the script from the embedded data; without
 * script (a mail client's preview) the overview still shows. */
static void write_interactive_sections(FILE *out)
{
    fputs("<section id=\"findings\" class=\"tab\"><h2>Findings</h2>"
          "<div class=\"controls\"><label>Severity <select id=\"f-severity\"><option value=\"\">all</option>"
          "<option value=\"error\">error</option><option value=\"warning\">warning</option>"
          "<option value=\"notice\">notice</option></select></label> "
          "<label>Rule <select id=\"f-rule\"><option value=\"\">all</option></select></label> "
          "<label>URL contains <input id=\"f-search\" type=\"search\" autocomplete=\"off\"></label></div>"
          "<p id=\"f-count\" class=\"count\"></p><div id=\"f-groups\"></div></section>\n"
          "<section id=\"explorer\" class=\"tab\"><h2>URL explorer</h2>"
          "<div class=\"controls\"><label>URL contains <input id=\"x-search\" type=\"search\" "
          "autocomplete=\"off\" size=\"60\"></label></div><ul id=\"x-matches\" class=\"matches\"></ul>"
          "<div id=\"x-page\"></div></section>\n",
          out);
}

int report_html_write(FILE *out, const struct crawl_data *data, struct report_link_picker *links)
{
    struct report_facts facts;
    int status = report_facts_build(data, &facts);
    if (status != CP_OK)
        return status;
    write_head(out, data);
    write_header(out, data);
    status = report_html_overview(out, &facts);
    if (status == CP_OK) {
        write_interactive_sections(out);
        status = report_html_trends(out, &facts);
    }
    if (status == CP_OK) {
        fputs("</main>\n", out);
        status = report_html_data(out, &facts, links);
    }
    if (status == CP_OK)
        fprintf(out, "<script>%s</script>\n</body></html>\n", report_html_js);
    report_facts_free(&facts);
    if (status == CP_OK && (fflush(out) != 0 || ferror(out)))
        status = CP_ERR_IO;
    return status;
}

/* Write data's report to out_path (temporary name, renamed when complete). */
static int write_report_file(const struct crawl_data *data, struct report_link_picker *links, const char *out_path,
                             char *error, size_t error_size)
{
    struct out_file file;
    int status = out_file_open(&file, out_path, error, error_size);
    if (status == CP_OK) {
        status = report_html_write(file.file, data, links);
        if (status == CP_OK)
            status = out_file_commit(&file, error, error_size);
        else {
            out_file_discard(&file);
            snprintf(error, error_size, "cannot write %s: %s", out_path, cp_strerror(status));
        }
    }
    return status;
}

/* The report of the folder dir, read (status: how the reading went) with picker's filter, to out_path. */
static int write_loaded(int status, struct crawl_data *data, struct report_link_picker *picker, const char *dir,
                        const char *out_path, char *error, size_t error_size)
{
    if (status == CP_OK && picker->failed)
        status = CP_ERR_NOMEM;
    if (status != CP_OK) {
        const char *why = status == CP_ERR_IO        ? "no readable pages.csv"
                          : status == CP_ERR_PARSE   ? "a file is not in its format"
                          : status == CP_ERR_INVALID ? "its files are of different runs"
                                                     : cp_strerror(status);
        snprintf(error, error_size, "cannot read the output folder %s: %s", dir, why);
        status = status == CP_ERR_NOMEM ? status : CP_ERR_INVALID;
    } else {
        status = write_report_file(data, picker, out_path, error, error_size);
    }
    crawl_data_free(data);
    report_link_picker_free(picker);
    return status;
}

int report_html_from_folder(const char *dir, const char *out_path, char *error, size_t error_size)
{
    struct crawl_data data;
    struct report_link_picker picker = {0};
    struct crawl_link_filter filter = report_link_filter(&picker);
    int status = crawl_data_load_filtered(dir, &filter, &data);
    return write_loaded(status, &data, &picker, dir, out_path, error, error_size);
}

/* ---- the audit's report, on a thread of its own ---- */

struct report_html_job {
    char *dir, *out_path;
    struct link_index links_index;   /* the job's: freed once links.csv is read */
    const struct graph *crawl_graph; /* the audit's, borrowed as the pages' index */
    pthread_t thread;
    struct mailbox findings; /* the audit's report_findings (NULL: cancelled) */
    int status;
    char error[512];
};

static void *run_job(void *arg)
{
    struct report_html_job *job = arg;
    struct crawl_data data;
    struct report_link_picker picker = {.expected_links = job->links_index.count};
    struct crawl_link_filter filter = report_link_filter(&picker);
    int status = crawl_data_load_files(job->dir, &filter, &job->links_index, job->crawl_graph, &data);
    link_index_free(&job->links_index);
    /* The audit always hands findings over or cancels, on every path (audit_run). */
    const struct report_findings *findings = mailbox_wait(&job->findings);
    if (!findings) {
        crawl_data_free(&data);
        report_link_picker_free(&picker);
        job->status = CP_ERR_INTERRUPTED;
        return NULL;
    }
    if (status == CP_OK)
        status = crawl_data_take_findings(&data, findings);
    job->status = write_loaded(status, &data, &picker, job->dir, job->out_path, job->error, sizeof job->error);
    return NULL;
}

static void job_free(struct report_html_job *job)
{
    link_index_free(&job->links_index); /* when the thread never read it */
    mailbox_destroy(&job->findings);
    free(job->dir);
    free(job->out_path);
    free(job);
}

int report_html_job_start(const char *dir, const char *out_path, struct link_index *links_index,
                          const struct graph *crawl_graph, struct report_html_job **out)
{
    struct report_html_job *job = calloc(1, sizeof *job);
    *out = NULL;
    if (!job)
        return CP_ERR_NOMEM;
    if (links_index) { /* taken: the crawl's copy is left empty */
        job->links_index = *links_index;
        memset(links_index, 0, sizeof *links_index);
    }
    mailbox_init(&job->findings);
    job->crawl_graph = crawl_graph;
    job->dir = strdup(dir);
    job->out_path = strdup(out_path);
    if (!job->dir || !job->out_path || pthread_create(&job->thread, NULL, run_job, job) != 0) {
        job_free(job);
        return CP_ERR_NOMEM;
    }
    *out = job;
    return CP_OK;
}

void report_html_job_hand(struct report_html_job *job, const struct report_findings *findings)
{
    mailbox_post(&job->findings, findings);
}

int report_html_job_finish(struct report_html_job *job, bool keep, char *error, size_t error_size)
{
    if (!job)
        return CP_OK;
    report_html_job_hand(job, NULL); /* nothing handed over yet: cancelled */
    pthread_join(job->thread, NULL);
    int status = job->status;
    if (status != CP_OK && status != CP_ERR_INTERRUPTED)
        snprintf(error, error_size, "%s", job->error);
    if (status == CP_OK && !keep)
        remove(job->out_path);
    job_free(job);
    return status;
}

/* The run numbered `run` of runs, or with run 0 the last complete audit; NULL when none. */
static const struct store_run_row *pick_run(const struct store_run_rows *runs, long long run)
{
    for (size_t i = runs->count; i-- > 0;) {
        const struct store_run_row *r = &runs->items[i];
        if (run ? r->id == run : store_run_row_complete(r) && strcmp(r->command, "audit") == 0)
            return r;
    }
    return NULL;
}

/* The report's path: out_path, or report-run-N.html in the store's folder. */
static void report_path(const char *store_path, const struct store_run_row *run, const char *out_path, char *written,
                        size_t written_size)
{
    if (out_path) {
        snprintf(written, written_size, "%s", out_path);
        return;
    }
    const char *slash = strrchr(store_path, '/');
    int folder = slash ? (int)(slash - store_path) + 1 : 0;
    snprintf(written, written_size, "%.*sreport-run-%lld.html", folder, store_path, (long long)run->id);
}

int report_html_from_store(const char *store_path, long long run, const char *out_path, char *written,
                           size_t written_size, char *error, size_t error_size)
{
    struct store_reader *reader = NULL;
    struct store_run_rows runs = {NULL, 0};
    int status = store_reader_open(store_path, &reader, error, error_size);
    if (status == CP_OK && (status = store_reader_runs(reader, &runs)) != CP_OK)
        snprintf(error, error_size, "%s", store_reader_error(reader));
    const struct store_run_row *chosen = status == CP_OK ? pick_run(&runs, run) : NULL;
    if (status == CP_OK && !chosen) {
        if (run)
            snprintf(error, error_size, "%s has no run %lld (crawlpack history %s lists its runs)", store_path, run,
                     store_path);
        else
            snprintf(error, error_size, "%s holds no complete audit (crawlpack history %s lists its runs)", store_path,
                     store_path);
        status = CP_ERR_INVALID;
    }
    struct crawl_data data;
    memset(&data, 0, sizeof data);
    struct report_link_picker picker = {0};
    struct crawl_link_filter filter = report_link_filter(&picker);
    if (status == CP_OK && (status = crawl_data_load_run(reader, chosen, &filter, &data)) == CP_OK && picker.failed)
        status = CP_ERR_NOMEM;
    if (status != CP_OK && chosen)
        snprintf(error, error_size, "cannot read run %lld of %s: %s", (long long)chosen->id, store_path,
                 cp_strerror(status));
    if (status == CP_OK) {
        report_path(store_path, chosen, out_path, written, written_size);
        status = write_report_file(&data, &picker, written, error, error_size);
    }
    crawl_data_free(&data);
    report_link_picker_free(&picker);
    store_run_rows_free(&runs);
    store_reader_close(reader);
    return status == CP_ERR_NOMEM || status == CP_ERR_IO ? status : status != CP_OK ? CP_ERR_INVALID : CP_OK;
}
