/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_diff: arbitrary bytes as two audit folders, compared with a --map and rendered in every
 * format. The input is split at lines "===" into OLD pages.csv, OLD findings.json, NEW pages.csv
 * and NEW findings.json (missing parts: no file). Checks that the JSON report always parses and
 * that the Markdown report holds no '<' outside code spans but its own fixed tags, whatever the
 * crawled site sent. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "reports/diff.h"
#include "reports/diff_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char folder[64];

static void write_part(const char *side, const char *name, const char *start, size_t length, bool present)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s/%s", folder, side, name);
    if (!present) {
        unlink(path);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(start, 1, length, f);
    fclose(f);
}

/* The next "\n===\n" in [start, end), or NULL. */
static const char *find_separator(const char *start, const char *end)
{
    for (const char *p = start; end - p >= 5; p++)
        if (memcmp(p, "\n===\n", 5) == 0)
            return p;
    return NULL;
}

static void split_input(const uint8_t *data, size_t size)
{
    static const char *const sides[] = {"old", "old", "new", "new"};
    static const char *const names[] = {"pages.csv", "findings.json", "pages.csv", "findings.json"};
    const char *start = (const char *)data, *end = start + size;
    for (int part = 0; part < 4; part++) {
        bool present = start <= end;
        const char *stop = present ? find_separator(start, end) : NULL;
        size_t length = present ? (size_t)((stop ? stop : end) - start) : 0;
        write_part(sides[part], names[part], start, length, present);
        start = stop ? stop + 5 : end + 1;
    }
}

/* The length of the run of backticks at p. */
static size_t backtick_run(const char *p)
{
    size_t n = 0;
    while (p[n] == '`')
        n++;
    return n;
}

/* Every '<' outside code spans (where Markdown shows it as text) must start one of our own tags;
 * backslash escapes are skipped as Markdown does. */
static void check_markdown(const char *text)
{
    static const char *const tags[] = {"<!-- crawlpack-diff -->", "<details>", "<summary>", "</summary>", "</details>"};
    for (const char *p = text; *p;) {
        if (*p == '\\' && p[1]) {
            p += 2;
        } else if (*p == '`') {
            size_t n = backtick_run(p);
            const char *close = p + n;
            while (*close && !(*close == '`' && backtick_run(close) == n))
                close += *close == '`' ? backtick_run(close) : 1;
            p = *close ? close + n : p + n; /* an unclosed run is literal backticks */
        } else if (*p == '<') {
            bool known = false;
            for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
                known = known || strncmp(p, tags[i], strlen(tags[i])) == 0;
            if (!known)
                abort();
            p++;
        } else {
            p++;
        }
    }
}

static void render_and_check(const struct diff *diff)
{
    static const char *const formats[] = {"text", "json", "md"};
    for (size_t i = 0; i < 3; i++) {
        char *text = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&text, &length);
        if (!out)
            abort();
        diff_render(formats[i], out, diff);
        fclose(out);
        if (i == 1) {
            json_error_t error;
            json_t *root = json_loadb(text, length, 0, &error);
            if (!root)
                abort();
            json_decref(root);
        } else if (i == 2) {
            check_markdown(text);
        }
        free(text);
    }
}

/* Remove the scratch folders when the fuzzer exits, so runs leave nothing behind in /tmp. */
static void remove_folder(void)
{
    static const char *const paths[] = {
        "old/pages.csv", "old/findings.json", "new/pages.csv", "new/findings.json", "old", "new", ""};
    char path[128];
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", folder, paths[i]);
        remove(path);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!folder[0]) {
        log_set_verbosity(-1);
        snprintf(folder, sizeof(folder), "/tmp/crawlpack-fuzz-diff-%ld", (long)getpid());
        char path[128];
        mkdir(folder, 0700);
        snprintf(path, sizeof(path), "%s/old", folder);
        mkdir(path, 0700);
        snprintf(path, sizeof(path), "%s/new", folder);
        if (mkdir(path, 0700) != 0)
            abort();
        atexit(remove_folder);
    }
    split_input(data, size);
    char old_dir[96], new_dir[96];
    snprintf(old_dir, sizeof(old_dir), "%s/old", folder);
    snprintf(new_dir, sizeof(new_dir), "%s/new", folder);
    const struct diff_url_map maps[] = {{"https://staging.example.com", "https://www.example.com"},
                                        {"http://a/", "https://b/"}};
    struct diff_options options = {maps, 2, 1};
    struct diff diff;
    if (diff_run(old_dir, new_dir, &options, &diff) == 0)
        render_and_check(&diff);
    diff_free(&diff);
    return 0;
}
