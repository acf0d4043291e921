/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/fixture_files: list a fixtures folder and run one cmocka test per file (see the
 * header). */
#include "fixture_files.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t length = strlen(name), suffix_length = strlen(suffix);
    return length > suffix_length && strcmp(name + length - suffix_length, suffix) == 0;
}

static int add_name(struct fixture_files *files, const char *name)
{
    char **grown = realloc(files->names, (files->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    files->names = grown;
    if (!(files->names[files->count] = strdup(name)))
        return -1;
    files->count++;
    return 0;
}

int fixture_files_list(struct fixture_files *files, const char *folder, const char *suffix)
{
    memset(files, 0, sizeof *files);
    const char *source = getenv("CRAWLPACK_SOURCE_DIR");
    snprintf(files->directory, sizeof files->directory, "%s/%s", source ? source : ".", folder);
    DIR *dir = opendir(files->directory);
    if (!dir) {
        fprintf(stderr, "cannot open %s\n", files->directory);
        return -1;
    }
    int status = 0;
    for (struct dirent *entry; status == 0 && (entry = readdir(dir));)
        if (has_suffix(entry->d_name, suffix))
            status = add_name(files, entry->d_name);
    closedir(dir);
    if (status != 0) {
        fprintf(stderr, "out of memory listing %s\n", files->directory);
    } else if (files->count == 0) {
        fprintf(stderr, "no *%s file in %s\n", suffix, files->directory);
        status = -1;
    }
    if (status != 0) {
        fixture_files_free(files);
        return -1;
    }
    qsort(files->names, files->count, sizeof *files->names, compare_names);
    return 0;
}

void fixture_files_free(struct fixture_files *files)
{
    for (size_t i = 0; i < files->count; i++)
        free(files->names[i]);
    free(files->names);
    files->names = NULL;
    files->count = 0;
}

void fixture_files_path(const struct fixture_files *files, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", files->directory, name);
}

int fixture_files_run(const struct fixture_files *files, const char *group, CMUnitTestFunction test_one,
                      const struct CMUnitTest *extra, size_t extra_count)
{
    size_t total = files->count + extra_count;
    struct CMUnitTest *tests = calloc(total, sizeof *tests);
    if (!tests) {
        fprintf(stderr, "%s: out of memory\n", group);
        return 1;
    }
    for (size_t i = 0; i < files->count; i++)
        tests[i] = (struct CMUnitTest){files->names[i], test_one, NULL, NULL, files->names[i]};
    for (size_t i = 0; i < extra_count; i++)
        tests[files->count + i] = extra[i];
    int failed = _cmocka_run_group_tests(group, tests, total, NULL, NULL);
    free(tests);
    return failed;
}
