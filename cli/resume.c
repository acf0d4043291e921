/* SPDX-License-Identifier: Apache-2.0 */
/* cli/resume: the command line of the store's last unfinished run (see resume.h). */
#include "cli/resume.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "store/store.h"

/* What the store writes instead of a secret option's value (cli/crawl_options.c). */
#define NOT_STORED "(not stored)"

bool cli_wants_resume(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--resume") == 0)
            return true;
    return false;
}

/* --db FILE, else OUT/crawl.db, from the arguments given now. */
static void resume_store_path(int argc, char **argv, struct buf *path)
{
    const char *db = NULL, *out = "out";
    for (int i = 1; i < argc; i++) {
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--db") == 0 && next)
            db = next;
        else if (strncmp(argv[i], "--db=", 5) == 0)
            db = argv[i] + 5;
        else if ((strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "-o") == 0) && next)
            out = next;
        else if (strncmp(argv[i], "--out=", 6) == 0)
            out = argv[i] + 6;
        else if (strncmp(argv[i], "-o", 2) == 0 && argv[i][2])
            out = argv[i] + 2;
    }
    if (db)
        buf_append_str(path, db);
    else
        buf_printf(path, "%s/%s", out, STORE_FILE);
}

static int push(struct cli_resumed *out, const char *arg)
{
    char **grown = realloc(out->argv, (size_t)(out->argc + 2) * sizeof *grown);
    if (!grown)
        return -1;
    out->argv = grown;
    out->argv[out->argc] = strdup(arg);
    if (!out->argv[out->argc])
        return -1;
    out->argv[++out->argc] = NULL;
    return 0;
}

/* The stored arguments; a value the store did not keep is dropped with its option. */
static int push_stored(struct cli_resumed *out, json_t *args)
{
    size_t count = json_array_size(args);
    for (size_t i = 0; i < count; i++) {
        const char *arg = json_string_value(json_array_get(args, i));
        if (!arg)
            return -1;
        const char *next = i + 1 < count ? json_string_value(json_array_get(args, i + 1)) : NULL;
        if (strcmp(arg, NOT_STORED) == 0 || (next && strcmp(next, NOT_STORED) == 0 && arg[0] == '-'))
            continue;
        if (push(out, arg) != 0)
            return -1;
    }
    return 0;
}

static int load_unfinished(const char *command, const char *path, struct store_unfinished *run, json_t **args)
{
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "crawlpack %s: --resume: there is no crawl store at %s (give --db FILE or --out DIR)\n",
                command, path);
        return EXIT_USAGE;
    }
    char error[1024];
    struct store *store = NULL;
    if (store_open(path, &store, error, sizeof error) != CP_OK) {
        fprintf(stderr, "crawlpack %s: %s\n", command, error);
        return EXIT_RUNTIME;
    }
    int rc = 0;
    if (store_last_unfinished(store, run) != CP_OK) {
        fprintf(stderr, "crawlpack %s: --resume: %s\n", command, store_error(store));
        rc = EXIT_USAGE;
    } else if (strcmp(run->command, command) != 0) {
        fprintf(stderr, "crawlpack %s: --resume: the last run in %s is a `crawlpack %s`, not an %s\n", command, path,
                run->command, command);
        rc = EXIT_USAGE;
    } else if (!(*args = json_loads(run->argv_json, 0, NULL)) || !json_is_array(*args)) {
        fprintf(stderr, "crawlpack %s: --resume: the arguments of run %lld in %s are damaged\n", command,
                (long long)run->id, path);
        rc = EXIT_RUNTIME;
    }
    if (rc == 0)
        fprintf(stderr, "crawlpack %s: resuming run %lld of %s (started %s)\n", command, (long long)run->id, path,
                run->started_at);
    store_close(store);
    return rc;
}

int cli_resume_arguments(const char *command, int argc, char **argv, struct cli_resumed *out)
{
    memset(out, 0, sizeof *out);
    struct buf path = BUF_INIT;
    resume_store_path(argc, argv, &path);
    struct store_unfinished run;
    json_t *args = NULL;
    int rc = load_unfinished(command, buf_str(&path), &run, &args);
    buf_free(&path);
    if (rc == 0) {
        out->run = run.id;
        bool failed = push(out, command) != 0 || push_stored(out, args) != 0;
        for (int i = 1; i < argc && !failed; i++)
            if (strcmp(argv[i], "--resume") != 0)
                failed = push(out, argv[i]) != 0;
        if (failed) {
            fprintf(stderr, "crawlpack %s: %s\n", command, cp_strerror(CP_ERR_NOMEM));
            rc = EXIT_RUNTIME;
        }
    }
    json_decref(args);
    if (rc != 0)
        cli_resumed_free(out);
    return rc;
}

void cli_resumed_free(struct cli_resumed *resumed)
{
    for (int i = 0; i < resumed->argc; i++)
        free(resumed->argv[i]);
    free(resumed->argv);
    memset(resumed, 0, sizeof *resumed);
}
