/* SPDX-License-Identifier: Apache-2.0 */
/* tests/tools/fixture_files: the files of one kind in a fixtures folder of the source tree, in a
 * fixed order, for data-driven tests that run one case per file.
 *
 * The folder is named relative to $CRAWLPACK_SOURCE_DIR (the current folder when it is unset).
 * Names are file names, not paths, sorted by strcmp so runs and failures read the same everywhere.
 * The list owns its names; fixture_files_free releases them. */
#ifndef CRAWLPACK_TESTS_TOOLS_FIXTURE_FILES_H
#define CRAWLPACK_TESTS_TOOLS_FIXTURE_FILES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct fixture_files {
    char directory[4096]; /* $CRAWLPACK_SOURCE_DIR/folder */
    char **names;         /* sorted */
    size_t count;
};

/* List the files in folder whose names end with suffix (and are longer than it). Returns 0, or -1
 * after printing the folder and the problem to stderr when it cannot be read or holds no such file
 * (a data-driven test over no data would pass without testing anything). */
int fixture_files_list(struct fixture_files *files, const char *folder, const char *suffix);
void fixture_files_free(struct fixture_files *files);

/* The path of the file `name` in the listed folder, written into path (truncated to size). */
void fixture_files_path(const struct fixture_files *files, const char *name, char *path, size_t size);

/* Run the cmocka group `group`: test_one once per file (named after it, its *state the file name),
 * then the `extra_count` tests of `extra`. Returns the number of failed tests. */
int fixture_files_run(const struct fixture_files *files, const char *group, CMUnitTestFunction test_one,
                      const struct CMUnitTest *extra, size_t extra_count);

#endif
