/* SPDX-License-Identifier: Apache-2.0 */
/* audit/audit_run: crawl, analyse once, run every rule, compare, write (see audit/audit_run.h). */
#include "audit/audit_run.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit_evidence.h"
#include "audit/root_unlinked.h"
#include "audit/store_rows.h"
#include "common/buf.h"
#include "common/comma_list.h"
#include "common/error.h"
#include "findings/finding_cap.h"
#include "common/out_file.h"
#include "crawler/crawl_output.h"
#include "findings/cause.h"
#include "linkgraph/audit.h"
#include "linkgraph/audit_site.h"
#include "linkgraph/graph.h"
#include "reports/intake.h"
#include "reports/pack.h"
#include "reports/render.h"
#include "reports/report_html.h"
#include "store/store.h"

static int fail(char *error, size_t error_size, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(char *error, size_t error_size, int status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(error, error_size, fmt, args);
    va_end(args);
    return status;
}

/* ---- inputs, checked before the crawl so a typo in them costs no crawl ---- */

static int load_baseline(const struct audit_request *request, struct audit_result *result, char *error,
                         size_t error_size)
{
    if (!request->baseline_path)
        return CP_OK;
    struct buf message = BUF_INIT;
    int status = baseline_load(request->baseline_path, &result->baseline, &message);
    if (status != CP_OK) {
        fail(error, error_size, status, "%s", buf_str(&message));
        result->input_error = status != CP_ERR_NOMEM;
    }
    buf_free(&message);
    return status;
}

/* The intake's problems are logged with file:line by its parser. */
static int check_intake(const struct audit_request *request, struct audit_result *result, char *error,
                        size_t error_size)
{
    if (!request->intake_path)
        return CP_OK;
    struct intake intake;
    intake_init(&intake);
    int status = intake_load(request->intake_path, &intake, NULL);
    intake_free(&intake);
    if (status == CP_OK)
        return CP_OK;
    result->input_error = status != CP_ERR_NOMEM;
    return fail(error, error_size, status, "cannot use the intake %s: %s", request->intake_path, cp_strerror(status));
}

/* ---- the crawl ---- */

/* The store first, so a folder another crawlpack process writes to is refused before anything in
 * it is touched; then an earlier run's files go, and links.csv opens. */
static int open_outputs(const struct audit_request *request, struct audit_result *result, struct crawl_options *options,
                        struct store **store, char *error, size_t error_size)
{
    if (!request->out_dir)
        return CP_OK;
    struct store_run run = {result->run_id,     request->command ? request->command : "audit",
                            result->start,      request->argv_json,
                            request->out_dir,   result->started_at,
                            request->resume_run};
    int status = crawl_output_open_store(request->out_dir, request->db_path, &run, store, error, error_size);
    if (status == CP_OK && (status = run_files_clear(request->out_dir, error, error_size)) == CP_OK)
        status = crawl_output_begin(request->out_dir, options, error, error_size);
    options->store = *store;
    return status;
}

static const char *request_formats(const struct audit_request *request)
{
    return request->formats ? request->formats : AUDIT_DEFAULT_FORMATS;
}

static bool wants_report_html(const struct audit_request *request)
{
    return request->out_dir && comma_list_has(request_formats(request), "html");
}

static int crawl(const struct audit_request *request, struct audit_watch *watch, struct audit_result *result,
                 struct store **store, char *error, size_t error_size)
{
    struct crawl_options options = *request->crawl;
    options.on_page = audit_watch_page;
    options.on_render = audit_watch_render;
    options.on_page_context = watch;
    options.links_out = NULL;
    options.links_index_limits = wants_report_html(request) ? &report_html_link_limits : NULL;
    options.replay_run = request->resume_run;
    result->started = time(NULL);
    strftime(result->started_at, sizeof result->started_at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&result->started));
    run_files_new_id(result->started, result->run_id);
    int opened = open_outputs(request, result, &options, store, error, error_size);
    if (opened != CP_OK)
        return opened == CP_ERR_NOMEM                                ? opened
               : (opened == CP_ERR_BUSY || opened == CP_ERR_INVALID) ? opened
                                                                     : CP_ERR_IO;
    error[0] = '\0';
    int status = crawl_run(&options, &result->crawl, error, error_size);
    if (status != CP_OK && status != CP_ERR_INTERRUPTED) {
        crawl_output_close_links(&options);
        crawl_result_free(&result->crawl);
        result->input_error = status == CP_ERR_INVALID;
        return error[0] ? status : fail(error, error_size, status, "%s", cp_strerror(status));
    }
    result->crawled = true;
    result->page_findings_incomplete = watch->out_of_memory;
    status = graph_analyze(&result->analysis, result->crawl.graph, NULL);
    if (status != CP_OK) {
        crawl_output_close_links(&options);
        return fail(error, error_size, status, "cannot analyse the link graph: %s", cp_strerror(status));
    }
    status = crawl_output_build_clusters(&result->crawl, &result->analysis, &result->clusters);
    if (status != CP_OK) {
        crawl_output_close_links(&options);
        return fail(error, error_size, status, "cannot cluster the pages: %s", cp_strerror(status));
    }
    if (request->out_dir) {
        const char *files[RUN_FILES_MAX];
        struct crawl_output_record record = {result->run_id, result->started_at, files,
                                             run_files_crawl_names(files, RUN_FILES_MAX)};
        status = crawl_output_finish(request->out_dir, &options, &result->crawl, &result->analysis, &result->clusters,
                                     &record, error, error_size);
        if (status != CP_OK)
            return status;
    }
    /* A crawl that never reached its start page audited nothing: the run failed (the crawl files,
     * written above, show what happened), and no findings are written that could pass for clean. */
    enum crawl_start_outcome start = result->crawl.start_outcome;
    if (start == CRAWL_START_UNREACHABLE || start == CRAWL_START_BLOCKED)
        return fail(error, error_size, CP_ERR_NETWORK, "cannot crawl %s: %s", result->start,
                    result->crawl.start_problem ? result->crawl.start_problem : "no response");
    return CP_OK;
}

/* ---- findings ---- */

static size_t sitemaps_read(const struct crawl_result *r)
{
    size_t count = 0;
    for (size_t i = 0; i < r->sitemap_count; i++)
        count += r->sitemaps[i].read;
    return count;
}

/* The file the per-page canonical-missing rows go to when one site-level finding replaces them. */
#define CANONICAL_MISSING_FILE "canonical-missing.csv"

/* What the site-level rules need to know about robots.txt and sitemaps, from the crawl. tried
 * receives the evidence text and must outlive the call to audit_site_rules. */
static void site_input(const struct audit_request *request, const struct crawl_result *r, const char *site_url,
                       struct buf *tried, struct audit_site_input *in)
{
    *in = (struct audit_site_input){
        .site_url = site_url,
        .sitemaps_read = sitemaps_read(r),
        .sitemaps_skipped = request->crawl->no_sitemaps,
        .sitemap_entries = r->sitemap_urls,
        .canonical_missing_file = request->out_dir ? CANONICAL_MISSING_FILE : NULL,
    };
    size_t origin = finding_url_origin_length(site_url);
    for (size_t i = 0; i < r->robots_count; i++) {
        if (origin && strlen(r->robots[i].origin) == origin && strncmp(r->robots[i].origin, site_url, origin) == 0) {
            in->robots_url = r->robots[i].robots_url;
            in->robots_status = r->robots[i].status;
        }
    }
    for (size_t i = 0; i < r->sitemap_count; i++) {
        const struct crawl_sitemap_outcome *s = &r->sitemaps[i];
        if (strcmp(s->origin, "default") != 0) {
            in->sitemap_declared |= strcmp(s->origin, "index") != 0;
            continue;
        }
        if (tried->len)
            buf_append_str(tried, ", ");
        if (s->status)
            buf_printf(tried, "%s answered %ld", s->url, s->status);
        else
            buf_printf(tried, "%s: %s", s->url, s->error ? s->error : "not read");
    }
    if (!in->sitemap_declared) {
        buf_append_str(tried, tried->len ? "; " : "");
        if (in->robots_url && in->robots_status >= 400)
            buf_printf(tried, "no Sitemap: line (robots.txt answered %ld)", in->robots_status);
        else
            buf_append_str(tried, "no Sitemap: line in robots.txt, no --sitemap");
    }
    in->sitemaps_tried = buf_str(tried);
}

/* The four sources in one list: the cross-page rules, the page-local rules (the watch), what the
 * crawl raised itself (paused hosts), crawl traps; then the site-level rules, which read them all;
 * sorted into report order. */
static int collect_findings(const struct audit_request *request, struct audit_watch *watch, struct audit_result *result)
{
    struct crawl_result *r = &result->crawl;
    struct audit_evidence evidence;
    int status = audit_evidence_build(r, watch, &evidence);
    if (status == CP_OK) /* every format lists at most so many findings per cause, and says so */
        status = finding_cap_set(&result->findings, request->crawl->max_findings_per_cause);
    struct audit_options options = {
        .max_click_depth = request->max_click_depth ? request->max_click_depth : AUDIT_DEFAULT_MAX_CLICK_DEPTH,
        .sitemaps_read = sitemaps_read(r),
        .pages = evidence.facts,
        .partial = crawl_result_partial(r, NULL, 0),
        .clusters = &result->clusters,
        .fragment_links = watch->fragment_links,
        .fragment_link_count = watch->fragment_link_count,
        .crawl_started = (int64_t)result->started,
    };
    if (status == CP_OK)
        status = audit_graph(r->graph, &result->analysis, &options, &result->findings);
    if (status == CP_OK)
        status = findings_move_all(&result->findings, &r->findings);
    if (status == CP_OK)
        status = findings_move_all(&result->findings, &watch->findings);
    if (status == CP_OK)
        status = audit_evidence_crawl_findings(r, request->crawl->max_per_template, &result->findings);
    /* The build folder's files nothing leads to: only a complete crawl of the whole site can say. */
    const struct crawl_options *o = request->crawl;
    if (status == CP_OK && o->root_dir && !options.partial && !o->list_count && !o->sitemap_only &&
        r->start_outcome == CRAWL_START_OK) {
        struct root_unlinked_input unlinked = {o->root_dir, o->site_url, r->graph, result->root_files.root};
        status = root_unlinked_rules(&unlinked, &result->findings);
    }
    /* The cap is settled before the site-level rules: they move per-page findings out of the list,
     * which the cap's running count must not see (and their own findings are one per site). */
    if (status == CP_OK)
        status = finding_cap_finish(&result->findings);
    struct buf tried = BUF_INIT;
    struct audit_site_input site;
    site_input(request, r, result->start, &tried, &site);
    /* A start page that answered 4xx/5xx is the one site-level fact (start-url-error): the
     * sitemap and robots.txt probes of a site that is down or a build that failed say nothing. */
    if (status == CP_OK && r->start_outcome != CRAWL_START_HTTP_ERROR)
        status = audit_site_rules(r->graph, &result->analysis, &site, &result->findings, &result->site_rows);
    buf_free(&tried);
    audit_evidence_free(&evidence);
    if (status == CP_OK && request->filter)
        finding_filter_apply(request->filter, &result->findings);
    if (status == CP_OK) {
        findings_sort(&result->findings);
        findings_sort(&result->site_rows);
    }
    return status;
}

/* A partial crawl's run-level line (why, and which rules it did not check) and the rules it did
 * check: the catalog but the whole-graph rules, so JUnit lists those as not run rather than
 * passed. Nothing for a complete crawl. */
static void describe_partial(struct audit_result *result)
{
    char reason[512];
    if (!crawl_result_partial(&result->crawl, reason, sizeof reason))
        return;
    size_t count, used = (size_t)snprintf(result->partial, sizeof result->partial,
                                          "%s; not checked, as they need every page: ", reason);
    const enum rule_id *rules = audit_whole_graph_rules(&count);
    for (size_t i = 0; i < count && used < sizeof result->partial; i++)
        used += (size_t)snprintf(result->partial + used, sizeof result->partial - used, "%s%s", i ? ", " : "",
                                 rule_get(rules[i])->id);
    result->context.partial = result->partial;
    size_t checked = 0;
    for (int rule = 0; rule < RULE_COUNT; rule++)
        if (!audit_needs_whole_graph((enum rule_id)rule))
            result->checked_rules[checked++] = (enum rule_id)rule;
    result->context.checked_rules = result->checked_rules;
    result->context.checked_rule_count = checked;
}

static void fill_context(const struct audit_request *request, struct audit_result *result)
{
    struct report_context *ctx = &result->context;
    report_context_init(ctx);
    ctx->inputs = &result->start;
    ctx->input_count = 1;
    ctx->started_at = result->started;
    ctx->duration_seconds = result->crawl.elapsed_ms / 1000.0;
    ctx->options = request->options;
    ctx->option_count = request->option_count;
    ctx->has_page_counts = true;
    ctx->pages = crawl_result_pages(&result->crawl);
    for (uint32_t id = 0; id < result->analysis.node_count; id++)
        ctx->indexable += result->analysis.verdict[id] == 0;
    ctx->fail_on = request->fail_on;
    ctx->fail_on_existing = request->fail_on_existing;
    if (request->baseline_path)
        ctx->baseline = &result->comparison;
    describe_partial(result);
    ctx->run_id = result->run_id;
}

/* --root: findings located by file for SARIF (code scanning wants paths relative to the checkout,
 * not http:// URIs). Paths are the --root folder as given joined with the file; an absolute one
 * under the current folder (the checkout, in CI) is made relative to it. */
static bool root_file_of(void *context, const char *url, struct buf *path)
{
    struct audit_root_files *files = context;
    size_t start = path->len;
    bool found = url ? local_root_file(files->root, url, path) : buf_append_str(path, files->dir) == CP_OK;
    size_t cwd_length = strlen(files->cwd);
    const char *text = buf_str(path) + start;
    if (found && cwd_length > 1 && strncmp(text, files->cwd, cwd_length) == 0 && text[cwd_length] == '/') {
        memmove(path->data + start, text + cwd_length + 1, strlen(text + cwd_length + 1) + 1);
        path->len = strlen(path->data);
    }
    return found;
}

static void open_root_files(const struct audit_request *request, struct audit_result *result)
{
    const struct crawl_options *o = request->crawl;
    struct audit_root_files *files = &result->root_files;
    char error[256];
    if (!o->root_dir || local_root_new(o->root_dir, o->site_url, &files->root, error, sizeof error) != CP_OK)
        return;
    files->dir = o->root_dir;
    if (!getcwd(files->cwd, sizeof files->cwd))
        files->cwd[0] = '\0';
    result->context.artifact_file = root_file_of;
    result->context.artifact_context = files;
}

/* ---- files ---- */

/* The findings files (and pack.md) the run wrote, for crawl.json's list of the run's files. */
struct written_files {
    const char *names[RUN_FILES_MAX];
    size_t count;
};

static void written_files_add(struct written_files *w, const char *name)
{
    for (size_t i = 0; i < w->count; i++)
        if (strcmp(w->names[i], name) == 0)
            return;
    if (w->count < RUN_FILES_MAX)
        w->names[w->count++] = name;
}

/* Under a temporary name, renamed when complete: never half a findings file (common/out_file). */
static int write_format(const char *dir, const char *name, const struct audit_result *result,
                        struct written_files *written, char *error, size_t error_size)
{
    struct out_file file;
    const char *file_name = render_format_file_name(name);
    int status = out_file_open_in(&file, dir, file_name, error, error_size);
    if (status != CP_OK)
        return status;
    status = render_findings(name, file.file, &result->findings, &result->context);
    if (status != CP_OK) {
        out_file_discard(&file);
        return fail(error, error_size, status, "cannot write %s/%s: %s", dir, file_name, cp_strerror(status));
    }
    status = out_file_commit(&file, error, error_size);
    if (status == CP_OK)
        written_files_add(written, file_name);
    return status;
}

/* OUT/canonical-missing.csv: the per-page rows one site-level finding stands for, in the
 * findings.csv shape; not written when there are none. */
static int write_site_rows(const char *dir, const struct audit_result *result, char *error, size_t error_size)
{
    if (!result->site_rows.count)
        return CP_OK;
    struct report_context ctx;
    report_context_init(&ctx);
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/%s", dir, CANONICAL_MISSING_FILE);
    FILE *file = fopen(buf_str(&path), "wb");
    int status = file ? render_findings("csv", file, &result->site_rows, &ctx) : CP_ERR_IO;
    if (file && fclose(file) != 0)
        status = CP_ERR_IO;
    if (status != CP_OK)
        fail(error, error_size, status, "cannot write %s: %s", buf_str(&path), cp_strerror(status));
    buf_free(&path);
    return status;
}

/* Each format to its file; the findings.json the pack and report.html read is written even when
 * not asked for. */
static int write_formats(const struct audit_request *request, const struct audit_result *result,
                         struct written_files *written, char *error, size_t error_size)
{
    const char *formats = request_formats(request);
    bool wrote_json = false, needs_json = request->write_pack || comma_list_has(formats, "html");
    /* A format that fails does not keep the others from being written; the first failure is reported. */
    char later_error[256];
    int first_error = write_site_rows(request->out_dir, result, error, error_size);
    for (const char *at = formats; *at;) {
        size_t length = strcspn(at, ",");
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)length, at);
        at += length + (at[length] == ',');
        if (strcmp(name, "md") == 0 || strcmp(name, "html") == 0)
            continue;
        wrote_json |= strcmp(name, "json") == 0;
        int status = first_error == CP_OK
                         ? write_format(request->out_dir, name, result, written, error, error_size)
                         : write_format(request->out_dir, name, result, written, later_error, sizeof later_error);
        if (first_error == CP_OK)
            first_error = status;
    }
    if (first_error == CP_OK && needs_json && !wrote_json)
        first_error = write_format(request->out_dir, "json", result, written, error, error_size);
    return first_error;
}

/* OUT/pack.md (and its CSV lists) from the folder just written. The quality gate's table goes to
 * stderr; a failing gate does not fail the audit (that is `crawlpack pack --check`). */
static int write_pack(const struct audit_request *request, char *error, size_t error_size)
{
    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/pack.md", request->out_dir);
    struct pack_options options = {
        .intake_path = request->intake_path,
        .crawl_dir = request->out_dir,
        .previous_dir = request->previous_dir,
        .output_path = buf_str(&path),
    };
    struct pack_gate gate;
    int status = pack_run(&options, &gate);
    if (status == CP_OK)
        pack_gate_free(&gate);
    else
        fail(error, error_size, status, "cannot write %s: %s", buf_str(&path), cp_strerror(status));
    buf_free(&path);
    return status;
}

/* OUT/report.html, read back from the folder as `crawlpack report` reads it (the same numbers), on a
 * thread of its own: it reads the crawl's files while the findings are collected, stored and
 * written, then takes the findings as they are in memory (report_html_job). */
static int start_report_html(const struct audit_request *request, struct audit_result *result,
                             struct report_html_job **job, char *error, size_t error_size)
{
    *job = NULL;
    if (!wants_report_html(request))
        return CP_OK;
    struct buf path = BUF_INIT;
    int status = buf_printf(&path, "%s/%s", request->out_dir, REPORT_HTML_FILE);
    if (status == CP_OK)
        status = report_html_job_start(request->out_dir, buf_str(&path), &result->crawl.links_index,
                                       result->crawl.graph, job);
    if (status != CP_OK)
        fail(error, error_size, status, "cannot write %s: %s", buf_str(&path), cp_strerror(status));
    buf_free(&path);
    return status;
}

/* The report's end: its status when the audit got this far (status CP_OK); a failed audit keeps
 * its own status and error, and no report. */
static int finish_report_html(struct report_html_job *job, int status, char *error, size_t error_size)
{
    char report_error[512] = "";
    int report_status = report_html_job_finish(job, status == CP_OK, report_error, sizeof report_error);
    if (status != CP_OK)
        return status;
    if (report_status != CP_OK)
        snprintf(error, error_size, "%s", report_error);
    return report_status;
}

/* ---- the run ---- */

int audit_run(const struct audit_request *request, struct audit_result *result, char *error, size_t error_size)
{
    memset(result, 0, sizeof *result);
    result->findings = (struct finding_list)FINDING_LIST_INIT;
    result->baseline = (struct baseline)BASELINE_INIT;
    result->comparison = (struct baseline_comparison)BASELINE_COMPARISON_INIT;
    result->start = request->crawl->start_url ? request->crawl->start_url : request->crawl->site_url;
    error[0] = '\0';
    int status = check_intake(request, result, error, error_size);
    if (status == CP_OK)
        status = load_baseline(request, result, error, error_size);
    if (status != CP_OK)
        return status;
    struct audit_watch watch;
    audit_watch_init(&watch, request->crawl);
    struct store *store = NULL;
    status = crawl(request, &watch, result, &store, error, error_size);
    struct report_html_job *report = NULL;
    if (status == CP_OK)
        status = start_report_html(request, result, &report, error, error_size);
    /* The rest of the end-of-run rows (the graph, then the findings) go into the store on a thread
     * of their own while the findings are collected and written: the store is the job's until
     * store_rows_finish. */
    struct store_rows_job *rows = NULL;
    if (status == CP_OK && store && store_rows_start(store, &result->crawl, request->out_dir != NULL, &rows) != CP_OK)
        status = fail(error, error_size, CP_ERR_NOMEM, "%s", cp_strerror(CP_ERR_NOMEM));
    if (status == CP_OK) {
        fill_context(request, result);
        open_root_files(request, result);
        status = collect_findings(request, &watch, result);
        if (status != CP_OK)
            fail(error, error_size, status, "cannot audit the crawl: %s", cp_strerror(status));
    }
    audit_watch_free(&watch);
    if (status == CP_OK && request->baseline_path) {
        status = baseline_compare(&result->baseline, &result->findings, &result->comparison);
        if (status != CP_OK)
            fail(error, error_size, status, "cannot audit the crawl: %s", cp_strerror(status));
    }
    /* The findings are final: the report takes them as they are (read until it is finished). */
    const struct report_findings findings = {&result->findings, &result->context};
    if (status == CP_OK && report)
        report_html_job_hand(report, &findings);
    if (status == CP_OK && rows)
        store_rows_hand(rows, &result->findings);
    struct written_files written = {{0}, 0};
    if (status == CP_OK && request->out_dir)
        status = write_formats(request, result, &written, error, error_size);
    if (status == CP_OK && request->out_dir && request->write_pack) {
        status = write_pack(request, error, error_size);
        if (status == CP_OK)
            written_files_add(&written, "pack.md");
    }
    status = finish_report_html(report, status, error, error_size);
    char rows_error[512];
    int stored = store_rows_finish(rows, rows_error, sizeof rows_error);
    if (status == CP_OK && stored != CP_OK)
        status = fail(error, error_size, stored, "%s", rows_error);
    if (status == CP_OK && wants_report_html(request))
        written_files_add(&written, REPORT_HTML_FILE);
    if (status == CP_OK && request->out_dir) {
        /* crawl.json once more, last: the run's record now lists the findings files too */
        const char *files[RUN_FILES_MAX];
        size_t count = run_files_crawl_names(files, RUN_FILES_MAX);
        for (size_t i = 0; i < written.count && count < RUN_FILES_MAX; i++)
            files[count++] = written.names[i];
        struct crawl_output_record record = {result->run_id, result->started_at, files, count};
        status = crawl_output_run(request->out_dir, request->crawl, &result->crawl, &record, error, error_size);
    }
    /* The run is complete in the store once its files are (or interrupted); a run that failed stays
     * "running" there, as a killed one does. */
    if (store && status == CP_OK && result->crawled)
        status = crawl_output_close_store(store, &result->crawl, error, error_size);
    else
        store_close(store);
    return status;
}

void audit_result_free(struct audit_result *result)
{
    baseline_comparison_free(&result->comparison);
    baseline_free(&result->baseline);
    findings_free(&result->findings);
    findings_free(&result->site_rows);
    graph_analysis_free(&result->analysis);
    clusters_free(&result->clusters);
    local_root_free(result->root_files.root);
    result->root_files.root = NULL;
    if (result->crawled)
        crawl_result_free(&result->crawl);
    result->crawled = false;
}
