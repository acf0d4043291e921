/* SPDX-License-Identifier: Apache-2.0 */
/* audit/audit_run: the whole audit as one library call — what `crawlpack audit` does once its
 * options are parsed, and what any other caller (a stored crawl, a report, a fleet worker) runs to
 * audit a site without the command line.
 *
 * audit_run checks the inputs it reads from files (the --baseline findings.json, the --intake) so
 * a mistake in them costs no crawl; crawls with the page-local rules on the crawl's on_page hook;
 * analyses the frozen link graph once (linkgraph/analysis.h: the page facts that pages.csv, the
 * rules and the page counts all read); collects the four sources of findings (the cross-page
 * rules, the page-local rules, what the crawl itself raised, crawl traps, then the site-level rules
 * that read them all) in report order; compares
 * them with the baseline; and, when out_dir is set, writes the crawl's files, each findings format
 * and the pack — into a folder cleared of an earlier run's files first (audit/run_files), each file
 * under a temporary name renamed when complete, crawl.json last with the run id and the list of the
 * run's files. It prints nothing but the crawl's progress and log lines (common/log.h): the
 * summary table and the exit code are the caller's.
 *
 * Threads: one call per thread at a time; the crawl starts and joins its own threads. Ctrl-C is
 * the caller's: point crawl->stop_flag at a flag its signal handler sets; an interrupted crawl is
 * still audited and written (result->crawl.interrupted).
 * Memory: struct audit_result owns the crawl result, the analysis, the findings and the baseline
 * comparison; audit_result_free releases them (also after a failed run). result->context points
 * into result and into the request's strings: do not copy the result, and keep the request's
 * strings until the result is freed.
 * Errors: CP_OK (the audit ran, interrupted or not); otherwise a status from common/error.h with a
 * one-line message in error ("cannot write out/findings.json: ..."), and result->input_error set
 * when the request's inputs were at fault (a bad crawl option, an unreadable baseline or intake)
 * rather than the machine or the network. A crawl that could not reach its start page (no HTTP
 * answer, or a rate limit or bot wall: crawl.start_outcome) is CP_ERR_NETWORK with "cannot crawl
 * URL: why" in error; its crawl files are written, its findings are not. */
#ifndef CRAWLPACK_AUDIT_AUDIT_RUN_H
#define CRAWLPACK_AUDIT_AUDIT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "audit/run_files.h"
#include "crawler/crawl.h"
#include "findings/finding_filter.h"
#include "findings/findings.h"
#include "linkgraph/analysis.h"
#include "linkgraph/clusters.h"
#include "reports/baseline.h"
#include "reports/report_context.h"
#include "web/local_root.h"

/* The findings formats written when the request names none. */
#define AUDIT_DEFAULT_FORMATS "json,csv,html"

struct audit_request {
    /* The crawl to run, every option set (crawl_run's contract). audit_run works on a copy: the
     * on_page hook and links.csv stream it installs never show in the caller's struct. */
    const struct crawl_options *crawl;
    /* The output folder, created with its parents: pages.csv, links.csv, sitemaps.csv, crawl.json,
     * OUT/findings.EXT for each format, and pack.md with write_pack. NULL writes no file (the
     * caller renders result->findings itself, e.g. to stdout). */
    const char *out_dir;
    /* Comma list of render_format_known() names, plus "md" for the pack (which is write_pack's
     * business and is skipped here) and "html" for OUT/report.html (reports/report_html.h, read
     * back from the folder once the other files are written; findings.json is then written too);
     * NULL means AUDIT_DEFAULT_FORMATS. Checked by the caller. */
    const char *formats;
    bool write_pack;           /* OUT/pack.md and its CSV lists; findings.json is then written too */
    const char *intake_path;   /* the pack's intake (docs/intake.md), or NULL */
    const char *previous_dir;  /* an earlier audit's folder for the pack's URL-growth row, or NULL */
    const char *baseline_path; /* a previous findings.json: new/existing/fixed, or NULL */
    enum severity fail_on;     /* report_context's --fail-on policy */
    bool fail_on_existing;
    uint32_t max_click_depth;            /* deep-page threshold; 0 means AUDIT_DEFAULT_MAX_CLICK_DEPTH */
    const struct report_option *options; /* recorded in findings.json's run.options */
    size_t option_count;
    /* Rules switched off and ignore entries (configuration, list mode), applied before the
     * baseline comparison and every output; its per-entry counts are updated. NULL: keep all. */
    struct finding_filter *filter;
    /* The crawl store (store/store.h, docs/store.md) the run is added to, or NULL for none; with
     * out_dir only. The run's record names command and argv_json (the arguments, to run it again). */
    const char *db_path;
    const char *command;
    const char *argv_json;
    /* --resume: continue this unfinished run of the store (its stored pages are replayed, not
     * fetched again: crawl_options.replay_run); 0 for a new run. */
    int64_t resume_run;
};

struct audit_result {
    struct crawl_result crawl; /* valid when crawled is set */
    bool crawled;
    struct graph_analysis analysis; /* the page facts of crawl.graph */
    struct clusters clusters;       /* duplicate clusters of crawl.graph (clusters.csv, rules) */
    struct finding_list findings;   /* every finding, in report order (findings_sort) */
    /* Per-page findings a site-level finding stands for (linkgraph/audit_site.h: canonical-missing
     * on most pages), in report order; written to OUT/canonical-missing.csv. */
    struct finding_list site_rows;
    struct baseline baseline;              /* the loaded baseline (empty without baseline_path) */
    struct baseline_comparison comparison; /* against baseline, when baseline_path was given */
    struct report_context context;         /* what the renderers need: page counts, policy, baseline */
    const char *start;                     /* the start URL (or --site-url): context.inputs[0] */
    char started_at[32];                   /* "YYYY-MM-DDTHH:MM:SSZ" */
    char run_id[RUN_ID_SIZE];              /* names every file of the run (audit/run_files) */
    /* --root: the folder's files, for SARIF locations by file (report_context.artifact_file) */
    struct audit_root_files {
        struct local_root *root;
        const char *dir;
        char cwd[4096];
    } root_files;
    time_t started;
    /* Out of memory during the crawl: some page-local findings or noindex sources are missing. */
    bool page_findings_incomplete;
    bool input_error; /* on failure: the request's inputs were at fault */
    /* A partial crawl: context.partial and context.checked_rules point here (audit_run.c). */
    char partial[768];
    enum rule_id checked_rules[RULE_COUNT];
};

int audit_run(const struct audit_request *request, struct audit_result *result, char *error, size_t error_size);
void audit_result_free(struct audit_result *result);

#endif
