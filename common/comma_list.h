/* SPDX-License-Identifier: Apache-2.0 */
/* common/comma_list: whether a comma-separated list ("json,csv,html") holds a word.
 *
 * Threads: pure function. Ownership: none. Errors: none (NULL is no list). */
#ifndef CRAWLPACK_COMMON_COMMA_LIST_H
#define CRAWLPACK_COMMON_COMMA_LIST_H

#include <stdbool.h>
#include <string.h>

static inline bool comma_list_has(const char *list, const char *word)
{
    size_t length = strlen(word);
    for (const char *at = list; at && *at;) {
        size_t n = strcspn(at, ",");
        if (n == length && strncmp(at, word, n) == 0)
            return true;
        at += n + (at[n] == ',');
    }
    return false;
}

#endif
