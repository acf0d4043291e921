/* SPDX-License-Identifier: Apache-2.0 */
/* cli/fleet: `crawlpack fleet submit|worker|status|collect` — many origins audited across many
 * machines over NATS JetStream (docs/fleet.md). Each subcommand parses its options and calls
 * fleet/fleet.h; a worker audits each job with audit's own option parser (cli/audit_cli.h). */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/audit_cli.h"
#include "cli/cli.h"
#include "cli/crawl_options.h"
#include "common/error.h"
#include "fleet/fleet.h"

static const char usage[] =
    "Usage: crawlpack fleet submit [--nats URL] [--run NAME] (ORIGIN... | --file FILE) [audit options]\n"
    "       crawlpack fleet worker [--nats URL] [--jobs N] [--max-jobs N] [--name NAME]\n"
    "       crawlpack fleet status [--nats URL] [--run NAME]\n"
    "       crawlpack fleet collect [--nats URL] --run NAME --out DIR\n\n"
    "Audit many origins on many machines, with NATS JetStream as the queue (docs/fleet.md): submit\n"
    "queues one job per origin, workers run each audit as `crawlpack audit` would and publish its\n"
    "files, status shows where every job stands, collect writes DIR/ORIGIN/ (the files of a\n"
    "single audit), DIR/fleet.json and DIR/fleet.txt (the summary, worst origins first).\n\n"
    "All subcommands:\n"
    "      --nats URL             the NATS servers, a comma list (default: $NATS_URL, else\n"
    "                             nats://127.0.0.1:4222)\n"
    "      --run NAME             the run the jobs belong to (letters, digits, _ and -; default:\n"
    "                             default); one job per origin and run\n"
    "  -h, --help                 show this help\n\n"
    "submit:\n"
    "      --file FILE            origins (start URLs), one per line; # starts a comment\n"
    "      --attempts N           a job that fails N times is marked failed (default: 3)\n"
    "      --ack-wait S           a job whose worker sends no heartbeat for S seconds goes to\n"
    "                             another worker (default: 30; set when the queue is created)\n"
    "      --replicas N           copies of the queue and results in the cluster (default: 3, or 1\n"
    "                             on a single server; set when the queue is created)\n"
    "                             Any other option is an audit option (crawlpack audit --help),\n"
    "                             carried by every job; --out, --config, --baseline, --intake,\n"
    "                             --previous, --list and --root name local files and are refused.\n\n"
    "worker:\n"
    "      --jobs N               run N audits at once, each in its own process (default: 1)\n"
    "      --max-jobs N           stop after N jobs (default: run until SIGTERM)\n"
    "      --name NAME            this worker's name in status (default: HOST:PID)\n"
    "                             SIGTERM stops the current audit and gives its job back at once.\n\n"
    "collect:\n"
    "      --out DIR              where to write the results (required)\n\n"
    "Exit status: 0 success (collect: every origin collected), 1 collect: an origin failed or is\n"
    "not finished, 2 usage error, 3 runtime failure (NATS unreachable), 130 worker stopped.\n";

#define FLEET_URLS_MAX 100000
#define FILE_CAP ((size_t)64 << 20)

struct fleet_cli {
    const char *nats, *run, *file, *out, *name;
    long attempts, ack_wait, replicas, jobs, max_jobs;
    const char *origins[FLEET_URLS_MAX];
    size_t origin_count;
    const char *args[FLEET_ARGS_MAX];
    size_t arg_count;
    char *file_text;
};

static bool option_value(const char *token, const char *name, int argc, char **argv, int *i, const char **value)
{
    size_t length = strlen(name);
    if (strncmp(token, name, length) != 0)
        return false;
    if (token[length] == '=') {
        *value = token + length + 1;
        return true;
    }
    if (token[length] != '\0')
        return false;
    *value = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

static int number(const char *option, const char *value, long min, long max, long *out)
{
    if (!value)
        return cli_usage_error("fleet", "%s needs a value", option);
    return cli_parse_long("fleet", option, value, min, max, out) ? EXIT_USAGE : 0;
}

/* Audit options naming files on this machine: a worker elsewhere has none of them. */
static bool local_file_option(const char *token)
{
    static const char *const refused[] = {"--out",      "-o",     "--config", "--baseline", "--intake",
                                          "--previous", "--list", "--root",   "--no-config"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        size_t length = strlen(refused[i]);
        if (strncmp(token, refused[i], length) == 0 &&
            (token[length] == '\0' || token[length] == '=' || (length == 2 && token[1] == 'o')))
            return true;
    }
    return false;
}

/* An audit option (and its value) for every job; false after a usage error. */
static int take_audit_option(struct fleet_cli *cli, int argc, char **argv, int *i)
{
    const char *token = argv[*i];
    int arity = audit_cli_option_arity(token);
    if (arity < 0)
        return cli_usage_error("fleet", "unknown option '%s' (not a fleet or audit option)", token);
    if (local_file_option(token))
        return cli_usage_error("fleet", "%s names a file on this machine; a job cannot carry it", token);
    if (cli->arg_count + 2 > FLEET_ARGS_MAX)
        return cli_usage_error("fleet", "more than %d audit options", FLEET_ARGS_MAX);
    cli->args[cli->arg_count++] = token;
    if (arity == 1) {
        if (*i + 1 >= argc)
            return cli_usage_error("fleet", "%s needs a value", token);
        cli->args[cli->arg_count++] = argv[++*i];
    }
    return 0;
}

/* The string options: which subcommands take each (s submit, w worker, t status, c collect). */
static const struct {
    const char *name, *subs;
    size_t offset;
} string_options[] = {
    {"--nats", "swtc", offsetof(struct fleet_cli, nats)}, {"--run", "stc", offsetof(struct fleet_cli, run)},
    {"--file", "s", offsetof(struct fleet_cli, file)},    {"--out", "c", offsetof(struct fleet_cli, out)},
    {"--name", "w", offsetof(struct fleet_cli, name)},
};

static int parse_one(struct fleet_cli *cli, const char *sub, int argc, char **argv, int *i)
{
    const char *t = argv[*i], *v = NULL;
    char letter = strcmp(sub, "status") == 0 ? 't' : sub[0];
    for (size_t k = 0; k < sizeof string_options / sizeof string_options[0]; k++)
        if (strchr(string_options[k].subs, letter) && option_value(t, string_options[k].name, argc, argv, i, &v)) {
            if (!v)
                return cli_usage_error("fleet", "%s needs a value", string_options[k].name);
            *(const char **)((char *)cli + string_options[k].offset) = v;
            return 0;
        }
    bool submit = letter == 's', worker = letter == 'w';
    if (submit && option_value(t, "--attempts", argc, argv, i, &v))
        return number("--attempts", v, 1, 100, &cli->attempts);
    if (submit && option_value(t, "--ack-wait", argc, argv, i, &v))
        return number("--ack-wait", v, 1, 3600, &cli->ack_wait);
    if (submit && option_value(t, "--replicas", argc, argv, i, &v))
        return number("--replicas", v, 1, 5, &cli->replicas);
    if (worker && option_value(t, "--jobs", argc, argv, i, &v))
        return number("--jobs", v, 1, 256, &cli->jobs);
    if (worker && option_value(t, "--max-jobs", argc, argv, i, &v))
        return number("--max-jobs", v, 1, 100000000, &cli->max_jobs);
    if (submit && t[0] == '-')
        return take_audit_option(cli, argc, argv, i);
    if (t[0] == '-')
        return cli_usage_error("fleet", "unknown option '%s' for fleet %s", t, sub);
    if (!submit)
        return cli_usage_error("fleet", "fleet %s takes no argument ('%s')", sub, t);
    if (cli->origin_count == FLEET_URLS_MAX)
        return cli_usage_error("fleet", "more than %d origins", FLEET_URLS_MAX);
    cli->origins[cli->origin_count++] = t;
    return 0;
}

/* --file: one origin per line, blank lines and # comments skipped. */
static int read_origin_file(struct fleet_cli *cli)
{
    size_t length;
    if (cli_check_input_file("fleet", cli->file) != 0)
        return EXIT_USAGE;
    if (cli_read_file("fleet", cli->file, FILE_CAP, &cli->file_text, &length) != CP_OK)
        return EXIT_RUNTIME;
    for (char *line = cli->file_text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line[strcspn(line, "\r")] = '\0';
        line += strspn(line, " \t");
        line[strcspn(line, " \t")] = '\0';
        if (!*line || *line == '#')
            continue;
        if (cli->origin_count == FLEET_URLS_MAX)
            return cli_usage_error("fleet", "%s: more than %d origins", cli->file, FLEET_URLS_MAX);
        cli->origins[cli->origin_count++] = line;
    }
    return 0;
}

/* ---- the subcommands ---- */

static int connect_to(const struct fleet_cli *cli, const char *role, struct fleet **fleet)
{
    char error[1024], name[300], host[200] = "";
    gethostname(host, sizeof host - 1);
    snprintf(name, sizeof name, "crawlpack fleet %s %s:%d", role, host, (int)getpid());
    if (fleet_connect(cli->nats, name, fleet, error, sizeof error) != CP_OK) {
        fprintf(stderr, "crawlpack fleet: %s\n", error);
        return EXIT_RUNTIME;
    }
    return 0;
}

static int run_submit(struct fleet_cli *cli)
{
    if (cli->file && read_origin_file(cli) != 0)
        return EXIT_USAGE;
    if (cli->origin_count == 0)
        return cli_usage_error("fleet", "submit needs origins: ORIGIN... or --file FILE");
    /* The job's options are checked here, with the audit's own parser, so no worker refuses them. */
    char *argv[FLEET_ARGS_MAX + 8];
    int argc = 0;
    argv[argc++] = "audit";
    argv[argc++] = "--no-config";
    for (size_t i = 0; i < cli->arg_count; i++)
        argv[argc++] = (char *)cli->args[i];
    argv[argc++] = "--";
    argv[argc++] = (char *)cli->origins[0];
    argv[argc] = NULL;
    struct audit_cli *check = NULL;
    cli_reset_getopt();
    int rc = audit_cli_prepare(argc, argv, &check);
    audit_cli_release(check);
    if (rc != 0)
        return rc;
    struct fleet *fleet;
    if ((rc = connect_to(cli, "submit", &fleet)) != 0)
        return rc;
    char error[1024];
    struct fleet_setup setup = {(int)cli->ack_wait, (int)cli->replicas};
    struct fleet_submit_result result;
    int status = fleet_ensure(fleet, &setup, error, sizeof error);
    if (status == CP_OK)
        status = fleet_submit(fleet, cli->run, cli->origins, cli->origin_count, cli->args, cli->arg_count,
                              (int)cli->attempts, &result, error, sizeof error);
    fleet_close(fleet);
    if (status != CP_OK) {
        fprintf(stderr, "crawlpack fleet: %s\n", error);
        return status == CP_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
    }
    printf("run %s: %zu job%s queued, %zu already submitted\n", cli->run, result.queued, result.queued == 1 ? "" : "s",
           result.existing);
    return EXIT_OK;
}

/* ---- worker ---- */

struct job_state {
    struct audit_cli *cli;
    char *argv[FLEET_ARGS_MAX + 10];
};

/* fleet_auditor.prepare: the job's options through audit's parser, into out_dir, quietly. */
static int prepare_audit(void *context, const char *start, const char *const *args, size_t arg_count,
                         const char *out_dir, struct audit_request *request, void **state, char *error,
                         size_t error_size)
{
    (void)context;
    struct job_state *js = calloc(1, sizeof *js);
    if (!js)
        return CP_ERR_NOMEM;
    int argc = 0;
    js->argv[argc++] = "audit";
    js->argv[argc++] = "--no-config";
    js->argv[argc++] = "--quiet";
    for (size_t i = 0; i < arg_count && i < FLEET_ARGS_MAX; i++)
        js->argv[argc++] = (char *)args[i];
    js->argv[argc++] = "--out";
    js->argv[argc++] = (char *)out_dir;
    js->argv[argc++] = "--";
    js->argv[argc++] = (char *)start;
    cli_reset_getopt();
    int rc = audit_cli_prepare(argc, js->argv, &js->cli);
    if (rc != 0) {
        free(js);
        snprintf(error, error_size, "the job's audit options were refused (crawlpack audit exit %d)", rc);
        return CP_ERR_INVALID;
    }
    audit_cli_request(js->cli, request);
    *state = js;
    return CP_OK;
}

static void release_audit(void *state)
{
    struct job_state *js = state;
    audit_cli_release(js->cli);
    free(js);
}

static int worker_loop(const struct fleet_cli *cli, int index)
{
    struct fleet *fleet;
    int rc = connect_to(cli, "worker", &fleet);
    if (rc != 0)
        return rc;
    char name[300], host[200] = "", error[1024];
    gethostname(host, sizeof host - 1);
    if (cli->name)
        snprintf(name, sizeof name, cli->jobs > 1 ? "%s-%d" : "%s", cli->name, index);
    else
        snprintf(name, sizeof name, "%s:%d", host, (int)getpid());
    struct fleet_worker_options options = {
        .name = name, .max_jobs = cli->max_jobs, .stop_flag = crawl_cli_stop_flag(), .log = stderr};
    struct fleet_auditor auditor = {prepare_audit, release_audit, NULL};
    struct fleet_worker_stats stats;
    int status = fleet_ensure(fleet, NULL, error, sizeof error);
    if (status == CP_OK)
        status = fleet_worker_run(fleet, &options, &auditor, &stats, error, sizeof error);
    fleet_close(fleet);
    if (status != CP_OK && status != CP_ERR_INTERRUPTED) {
        fprintf(stderr, "crawlpack fleet: %s\n", error);
        return EXIT_RUNTIME;
    }
    fprintf(stderr, "crawlpack fleet: worker %s: %zu done, %zu failed, %zu retried, %zu released\n", name, stats.done,
            stats.failed, stats.retried, stats.released);
    return status == CP_ERR_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_OK;
}

/* --jobs N: N worker processes, forked before any connection; a stop signal is passed on to each. */
static int run_workers(const struct fleet_cli *cli)
{
    crawl_cli_catch_stop_signals();
    if (cli->jobs <= 1)
        return worker_loop(cli, 0);
    pid_t children[256];
    int started = 0, worst = EXIT_OK;
    fflush(NULL);
    for (; started < cli->jobs; started++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(worker_loop(cli, started));
        if (pid < 0)
            break;
        children[started] = pid;
    }
    volatile sig_atomic_t *stop = crawl_cli_stop_flag();
    bool passed_on = false;
    for (int left = started; left > 0;) {
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, 0);
        if (pid < 0 && errno != EINTR)
            break;
        if (*stop && !passed_on) {
            for (int i = 0; i < started; i++)
                kill(children[i], SIGTERM);
            passed_on = true;
        }
        if (pid > 0) {
            left--;
            int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : EXIT_RUNTIME;
            if (code > worst)
                worst = code;
        }
    }
    return worst;
}

/* ---- status and collect ---- */

static void print_status(const struct fleet_status_list *list)
{
    size_t counts[4] = {0};
    for (size_t i = 0; i < list->count; i++)
        counts[list->items[i].state]++;
    if (list->count)
        printf("%-8s %-10s %-8s %-20s %-28s %s\n", "STATE", "RUN", "ATTEMPTS", "SINCE", "WORKER", "ORIGIN");
    for (size_t i = 0; i < list->count; i++) {
        const struct fleet_job_status *st = &list->items[i];
        char attempts[32];
        snprintf(attempts, sizeof attempts, "%d/%d", st->attempts, st->max_attempts);
        printf("%-8s %-10s %-8s %-20s %-28s %s", fleet_state_name(st->state), st->run, attempts,
               st->since ? st->since : "-", st->worker ? st->worker : "-", st->origin);
        if (st->error && st->state != FLEET_DONE)
            printf("  (%s: %s)", st->error_class ? st->error_class : "error", st->error);
        putchar('\n');
    }
    size_t finished = counts[FLEET_DONE] + counts[FLEET_FAILED];
    printf("%s%zu/%zu finished (%.0f%%): %zu done, %zu failed, %zu running, %zu queued\n", list->count ? "\n" : "",
           finished, list->count, list->count ? 100.0 * (double)finished / (double)list->count : 100.0,
           counts[FLEET_DONE], counts[FLEET_FAILED], counts[FLEET_RUNNING], counts[FLEET_QUEUED]);
}

static int run_status(const struct fleet_cli *cli, bool run_given)
{
    struct fleet *fleet;
    int rc = connect_to(cli, "status", &fleet);
    if (rc != 0)
        return rc;
    char error[1024];
    struct fleet_status_list list;
    int status = fleet_status_read(fleet, run_given ? cli->run : NULL, &list, error, sizeof error);
    fleet_close(fleet);
    if (status != CP_OK) {
        fprintf(stderr, "crawlpack fleet: %s\n", error);
        return EXIT_RUNTIME;
    }
    print_status(&list);
    fleet_status_list_free(&list);
    return EXIT_OK;
}

static int run_collect(const struct fleet_cli *cli, bool run_given)
{
    if (!run_given || !cli->out)
        return cli_usage_error("fleet", "collect needs --run NAME and --out DIR");
    struct fleet *fleet;
    int rc = connect_to(cli, "collect", &fleet);
    if (rc != 0)
        return rc;
    char error[1024];
    struct fleet_collect_result result;
    int status = fleet_collect(fleet, cli->run, cli->out, stdout, &result, error, sizeof error);
    fleet_close(fleet);
    if (status != CP_OK) {
        fprintf(stderr, "crawlpack fleet: %s\n", error);
        return status == CP_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
    }
    return result.failed || result.pending ? EXIT_PROBLEMS : EXIT_OK;
}

int cmd_fleet(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "submit") != 0 && strcmp(sub, "worker") != 0 && strcmp(sub, "status") != 0 &&
        strcmp(sub, "collect") != 0)
        return cli_usage_error("fleet", "'%s' is not submit, worker, status or collect", sub);
    struct fleet_cli *cli = calloc(1, sizeof *cli);
    if (!cli)
        return EXIT_RUNTIME;
    const char *env = getenv("NATS_URL");
    *cli = (struct fleet_cli){.nats = env && *env ? env : "nats://127.0.0.1:4222",
                              .run = FLEET_DEFAULT_RUN,
                              .attempts = FLEET_DEFAULT_ATTEMPTS,
                              .jobs = 1};
    int rc = 0;
    bool run_given = false, help = false;
    for (int i = 2; rc == 0 && i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            help = true;
        else {
            run_given |= strncmp(argv[i], "--run", 5) == 0 && (argv[i][5] == '\0' || argv[i][5] == '=');
            rc = parse_one(cli, sub, argc, argv, &i);
        }
    }
    if (help) {
        fputs(usage, stdout);
        rc = EXIT_OK;
    } else if (rc == 0 && !fleet_run_name_valid(cli->run)) {
        rc = cli_usage_error("fleet", "--run '%s': a run name is letters, digits, '_' and '-'", cli->run);
    } else if (rc == 0) {
        rc = strcmp(sub, "submit") == 0   ? run_submit(cli)
             : strcmp(sub, "worker") == 0 ? run_workers(cli)
             : strcmp(sub, "status") == 0 ? run_status(cli, run_given)
                                          : run_collect(cli, run_given);
    }
    free(cli->file_text);
    free(cli);
    return rc;
}
